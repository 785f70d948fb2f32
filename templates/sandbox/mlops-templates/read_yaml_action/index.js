// Sandbox stand-in for mlops-templates read_yaml_action/index.js (mlops-tui),
// written from public facts; not the upstream file. Emits each
// "key: value" line under "variables:" as a step output.
const fs = require("fs");
const file = process.env["INPUT_FILE_NAME"];
const out = process.env["GITHUB_OUTPUT"];
for (const line of fs.readFileSync(file, "utf8").split("\n")) {
  const m = line.match(/^\s+([A-Za-z0-9_]+):\s*([^#]*)/);
  if (m && out) fs.appendFileSync(out, `${m[1]}=${m[2].trim()}\n`);
}
