// Microsoft's own client, azure-devops-node-api, unmodified, walking the
// deployment guide's Azure DevOps calls against the mlops-tui sandbox
// through its own location discovery. Prints TAP.
//
// Usage: node contract.js URL PAT-FILE
'use strict';
const fs = require('fs');
const azdev = require('azure-devops-node-api');
const { ClientApiBase } = require('azure-devops-node-api/ClientApiBases');

const [url, patFile] = process.argv.slice(2);
const pat = fs.readFileSync(patFile, 'utf8').trim();
const handler = azdev.getPersonalAccessTokenHandler(pat);
let count = 0;
let failed = 0;

function ok(cond, what, detail) {
  count++;
  if (!cond)
    failed++;
  console.log(`${cond ? '' : 'not '}ok ${count} - ${what}`);
  if (!cond && detail !== undefined)
    console.log(`# ${JSON.stringify(detail)}`);
}

async function waitFor(seconds, check) {
  for (let i = 0; i < seconds * 20; i++) {
    const value = await check();
    if (value)
      return value;
    await new Promise(r => setTimeout(r, 50));
  }
  return null;
}

// A call to an area the Node client has no typed API for, through the
// client's generic base: the same discovery, negotiation and auth.
async function generic(area, locationId, version, routeValues, queryValues,
    method, body) {
  const base = new ClientApiBase(url, [handler], 'mlops-tui-contract');
  const verData = await base.vsoClient.getVersioningData(version, area,
      locationId, routeValues, queryValues);
  const options = base.createRequestOptions('application/json',
      verData.apiVersion);
  if (method === 'get')
    return (await base.rest.get(verData.requestUrl, options)).result;
  if (method === 'post')
    return (await base.rest.create(verData.requestUrl, body, options)).result;
  return (await base.rest.update(verData.requestUrl, body, options)).result;
}

async function main() {
  const conn = new azdev.WebApi(url, handler);
  const data = await conn.connect();
  ok(data.authenticatedUser && data.authenticatedUser.id,
      'WebApi.connect() reads connectionData');

  const bad = new azdev.WebApi(url, azdev.getPersonalAccessTokenHandler('x'));
  let badError = null;
  try { await bad.connect(); } catch (e) { badError = e; }
  ok(badError && badError.statusCode === 401,
      'a wrong PAT is refused with 401, as the client expects');

  const core = await conn.getCoreApi();
  const processes = await core.getProcesses();
  ok(processes.some(p => p.isDefault), 'CoreApi.getProcesses()');
  ok(await core.getProject('mlops-v2') === null,
      'CoreApi.getProject() of a missing project gives null (a 404)');
  const op = await core.queueCreateProject({ name: 'mlops-v2',
      visibility: 0, capabilities: { versioncontrol:
      { sourceControlType: 'Git' }, processTemplate: { templateTypeId:
      processes.find(p => p.isDefault).id } } });
  ok(op && op.id, 'CoreApi.queueCreateProject() returns an operation');
  const project = await waitFor(20, async () => {
    const p = await core.getProject('mlops-v2');
    return p && (p.state === 'wellFormed' || p.state === 1) ? p : null;
  });
  ok(project, 'the project becomes wellFormed');

  const git = await conn.getGitApi();
  let repos = await git.getRepositories('mlops-v2');
  ok(repos.length === 1 && repos[0].name === 'mlops-v2',
      'GitApi.getRepositories(): the project\'s own repository');
  for (const name of ['mlops-project-template', 'mlops-templates',
      'taxi-fare-regression'])
    await git.createRepository({ name }, 'mlops-v2');
  repos = await git.getRepositories('mlops-v2');
  ok(repos.length === 4, 'GitApi.createRepository() three times');
  const byName = n => repos.find(r => r.name === n);
  for (const name of ['mlops-v2', 'mlops-project-template',
      'mlops-templates']) {
    const req = await git.createImportRequest({ parameters: { gitSource:
        { url: `https://github.com/Azure/${name}` } } }, 'mlops-v2',
        byName(name).id);
    const done = await waitFor(20, async () => {
      const r = await git.getImportRequest('mlops-v2', byName(name).id,
          req.importRequestId);
      return r.status === 3 /* completed */ ? r : null;
    });
    ok(done, `GitApi import of ${name} completes`);
  }
  const refs = await git.getRefs(byName('mlops-templates').id, 'mlops-v2',
      'heads/main');
  ok(refs.length === 1 && refs[0].objectId.length === 40,
      'GitApi.getRefs() with a filter');
  const repo = await git.updateRepository({ defaultBranch: 'refs/heads/main' },
      byName('mlops-v2').id, 'mlops-v2');
  ok(repo.defaultBranch === 'refs/heads/main',
      'GitApi.updateRepository() sets the default branch');
  const push = await git.createPush({ refUpdates: [{ name: 'refs/heads/main',
      oldObjectId: '0000000000000000000000000000000000000000' }], commits:
      [{ comment: 'README', changes: [{ changeType: 1 /* add */, item:
      { path: '/README.md' }, newContent: { content: '# taxi',
      contentType: 0 /* rawText */ } }] }] },
      byName('taxi-fare-regression').id, 'mlops-v2');
  ok(push && push.commits && push.commits.length === 1,
      'GitApi.createPush() the first commit');
  const stream = await git.getItemText(byName('taxi-fare-regression').id,
      '/README.md', 'mlops-v2');
  let text = '';
  for await (const chunk of stream)
    text += chunk;
  ok(text === '# taxi', 'GitApi.getItemText() reads it back', text);

  const identities = await generic('IMS', '28010c54-d0c0-4c89-a5b0-1c9e188b9fb7',
      '7.1-preview.1', {}, { searchFilter: 'General', filterValue:
      `mlops-v2 Build Service (${url.split('/').pop()})` }, 'get');
  const builder = identities && identities.value && identities.value[0];
  ok(builder && builder.descriptor.includes(':Build:'),
      'IMS identities (generic client): the Build Service');
  const ace = await generic('Security', 'ac08c8ff-4323-4b08-af90-bcd018d380ce',
      '7.1-preview.1', { securityNamespaceId:
      '2e9eb7ed-3c0a-47d4-87c1-0ffdd275fd87' }, {}, 'post', { token:
      `repoV2/${project.id}/${byName('taxi-fare-regression').id}`, merge: true,
      accessControlEntries: [{ descriptor: builder.descriptor, allow: 20,
      deny: 0 }] });
  ok(ace && ace.value && ace.value[0].allow === 20,
      'Security access control entries (generic client)');

  const pipelines = await conn.getPipelinesApi();
  const pipeline = await pipelines.createPipeline({ name: 'initialise-project',
      folder: '\\', configuration: { type: 'yaml', path:
      '/.azuredevops/initialise-project.yml', repository: { id:
      byName('mlops-v2').id, type: 'azureReposGit' } } }, 'mlops-v2');
  ok(pipeline && pipeline.id, 'PipelinesApi.createPipeline()');
  const build = await conn.getBuildApi();
  const defs = await build.getDefinitions('mlops-v2', 'initialise-project');
  ok(defs.length === 1 && defs[0].id === pipeline.id,
      'BuildApi.getDefinitions(): the same pipeline by name');
  let runError = null;
  try {
    await pipelines.runPipeline({ templateParameters: { colour: 'blue' } },
        'mlops-v2', pipeline.id);
  } catch (e) { runError = e; }
  ok(runError && runError.statusCode === 400 &&
      /Unexpected parameter 'colour'/.test(runError.message),
      'PipelinesApi.runPipeline() with an unknown parameter: 400');
  const run = await pipelines.runPipeline({ resources: { repositories:
      { self: { refName: 'refs/heads/main' } } }, templateParameters:
      { adoProjectName: 'mlops-v2', repoName: 'taxi-fare-regression' } },
      'mlops-v2', pipeline.id);
  ok(run && run.state === 1 /* inProgress */, 'PipelinesApi.runPipeline()');
  for (const r of ['mlops-project-template', 'taxi-fare-regression'])
    await generic('pipelinePermissions', 'b5b9a4a4-e6cd-4096-853c-ab7d8b0c4eb2',
        '7.1-preview.1', { project: 'mlops-v2', resourceType: 'repository',
        resourceId: `${project.id}.${byName(r).id}` }, {}, 'patch',
        { pipelines: [{ id: pipeline.id, authorized: true }] });
  const finished = await waitFor(30, async () => {
    const r = await pipelines.getRun('mlops-v2', pipeline.id, run.id);
    return r.state === 4 /* completed */ || r.state === 'completed' ? r : null;
  });
  ok(finished, 'after pipelinePermissions (generic client) the run completes');
  const timeline = await build.getBuildTimeline('mlops-v2', run.id);
  ok(timeline && timeline.records.some(r => r.type === 'Stage'),
      'BuildApi.getBuildTimeline()');

  const agent = await conn.getTaskAgentApi();
  const env = await agent.addEnvironment({ name: 'prod' }, 'mlops-v2');
  ok(env && env.id, 'TaskAgentApi.addEnvironment()');
  const envs = await agent.getEnvironments('mlops-v2', 'prod');
  ok(envs.length === 1, 'TaskAgentApi.getEnvironments() by name');

  const endpoints = await conn.getServiceEndpointApi();
  const endpoint = await endpoints.createServiceEndpoint({ name:
      'Azure-ARM-Prod', type: 'azurerm', url: 'https://management.azure.com/',
      authorization: { scheme: 'ServicePrincipal', parameters: { tenantid: 't',
      serviceprincipalid: 'a', authenticationType: 'spnKey',
      serviceprincipalkey: 'k' } }, data: { subscriptionId: 's' },
      serviceEndpointProjectReferences: [{ projectReference: { id: project.id,
      name: 'mlops-v2' }, name: 'Azure-ARM-Prod' }] });
  ok(endpoint && endpoint.id, 'ServiceEndpointApi.createServiceEndpoint()');
  const found = await endpoints.getServiceEndpointsByNames('mlops-v2',
      ['Azure-ARM-Prod']);
  ok(found.length === 1 && found[0].authorization.parameters.serviceprincipalkey
      === null, 'getServiceEndpointsByNames(), without the secret');

  // The client answers null for a 404 and throws for anything else: the
  // value is what says whether the extension is there.
  const ext = await conn.getExtensionManagementApi();
  const before = await ext.getInstalledExtensionByName('ms-devlabs',
      'custom-terraform-tasks');
  ok(before === null,
      'ExtensionManagementApi: the Terraform extension is not installed',
      JSON.stringify(before));
  // Installed as mlops-tui installs it: a POST with no body. (The typed
  // installExtensionByName() sends the body "null", which the sandbox
  // refuses as not an object.)
  const base = new ClientApiBase(url, [handler], 'mlops-tui-contract');
  const verData = await base.vsoClient.getVersioningData('7.1-preview.1',
      'ExtensionManagement', 'fb0da285-f23e-4b56-8b53-3ef5f9f6de66',
      { publisherName: 'ms-devlabs', extensionName: 'custom-terraform-tasks' });
  const res = await base.rest.client.post(verData.requestUrl, '',
      { Accept: 'application/json;api-version=' + verData.apiVersion });
  ok(res.message.statusCode === 200, 'the extension installs (POST, no body)',
      res.message.statusCode);
  const after = await ext.getInstalledExtensionByName('ms-devlabs',
      'custom-terraform-tasks');
  ok(after !== null && after.extensionId === 'custom-terraform-tasks' &&
      after.publisherName === 'ms-devlabs',
      'getInstalledExtensionByName() finds it once installed',
      JSON.stringify(after));
}

main().catch(e => {
  ok(false, `the client threw: ${e.message}`, e.statusCode);
}).finally(() => {
  console.log(`1..${count}`);
  console.log(`# ${count - failed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
});
