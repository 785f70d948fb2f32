/* mlops-tui: command line parsing and dispatch to the commands. */
#include "config.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answers.h"
#include "cmd-apply.h"
#include "cmd-doctor.h"
#include "cmd-export.h"
#include "cmd-sim.h"
#include "cmd-status.h"
#include "cmd-drift.h"
#include "projects.h"
#include "credential.h"
#include "wizard.h"
#include "sim/faults.h"
#include "exitcode.h"
#include "secret.h"
#include "wrap.h"
#include "xalloc.h"

struct options {
	const char *state_path;
	bool no_color;
	bool json;
	const char *command;   /* NULL: the wizard */
	struct sim_options sim;
	bool sim_option_given; /* an option that only sim takes */
	bool time_scale_given; /* sim's, and --sandbox's */
	struct doctor_options doctor;
	bool doctor_option_given;
	struct drift_options drift;    /* doctor --state */
	struct connection_options conn; /* doctor's, plan's and apply's */
	bool conn_option_given;
	struct apply_options apply;
	bool apply_option_given;
	struct wizard_options wizard;
	struct export_options export;
	bool yes_given;
	bool destroy_given;        /* plan --destroy */
	bool destroy_option_given; /* --purge, --all */
	const char *log_path;  /* --log: sim's, or the connection's */
	const char *org;       /* --org: sim's name, doctor's URL */
	const char *accelerator; /* --accelerator: sim's and --sandbox's */
};

enum long_option {
	DOCTOR_PROJECT = 256, DOCTOR_REPO, DOCTOR_INFRA, DOCTOR_NAMESPACE,
	DOCTOR_POSTFIX, DOCTOR_SUBSCRIPTION, DOCTOR_LOCATION, DOCTOR_TYPE,
	DOCTOR_ENVIRONMENT,
	CONN_PAT_FILE, CONN_TENANT, CONN_CLIENT_ID, CONN_SIGN_IN, CONN_ADO_AUTH,
	APPLY_ANSWERS, APPLY_PRINCIPAL, APPLY_GITHUB_TOKEN, APPLY_YES,
	APPLY_EVERY, DESTROY_PLAN, DESTROY_PURGE, DESTROY_ALL,
	WIZARD_SANDBOX,
	SIM_ACCELERATOR,
};

/* "  3  meaning", wrapped to 80 columns under the meaning's first word,
 * as the rest of --help is. */
static void
print_exit_status(FILE *out, int code, const char *meaning)
{
	enum { HELP_COLUMNS = 80 };
	int tag = fprintf(out, "  %d  ", code);
	struct wrap_line *lines = NULL;
	size_t n = wrap_text(meaning, (size_t)(HELP_COLUMNS - tag), &lines);

	for (size_t i = 0; i < n; i++)
		fprintf(out, "%*s%.*s\n", i ? tag : 0, "", (int)lines[i].len,
		    lines[i].start);
	free(lines);
}

static void
usage(FILE *out)
{
	fputs(
"Usage: mlops-tui [--state FILE] [--no-color] [--sandbox [--accelerator DIR]\n"
"                 [--time-scale F] | --answers FILE]\n"
"       mlops-tui [--state FILE] status [--json]\n"
"       mlops-tui doctor --org URL --repo NAME [--project NAME]\n"
"                        [--infrastructure bicep|terraform]\n"
"                        [--namespace NS] [--postfix PF]\n"
"                        [--environment prod|dev]...\n"
"                        [--pat-file FILE | --ado-auth pat|entra]\n"
"                        [--subscription ID [--location REGION\n"
"                        [--project-type classical|cv|nlp]]]\n"
"                        [--tenant ID] [--client-id ID]\n"
"                        [--azure-sign-in device|az] [--log FILE] [--json]\n"
"       mlops-tui --state FILE doctor [--pat-file FILE | --ado-auth pat|entra]\n"
"                        [--tenant ID] [--client-id ID]\n"
"                        [--azure-sign-in device|az] [--log FILE] [--json]\n"
"       mlops-tui [--state FILE] plan|apply [--answers FILE] [--yes] [--json]\n"
"                        [--progress SECONDS]\n"
"                        [--principal-file FILE] [--github-token-file FILE]\n"
"                        [--pat-file FILE | --ado-auth pat|entra]\n"
"                        [--tenant ID] [--client-id ID]\n"
"                        [--azure-sign-in device|az] [--log FILE]\n"
"       mlops-tui [--state FILE] export [--answers FILE]\n"
"       mlops-tui [--state FILE] plan --destroy | destroy [--yes]\n"
"                        [--purge] [--all] [--answers FILE]\n"
"                        [--pat-file FILE | --ado-auth pat|entra]\n"
"                        [--tenant ID] [--client-id ID]\n"
"                        [--azure-sign-in device|az] [--log FILE]\n"
"       mlops-tui sim [--listen HOST:PORT] [--world FILE] [--reset]\n"
"                     [--org NAME] [--time-scale F] [--log FILE]\n"
"                     [--faults SPEC] [--accelerator DIR]\n"
"       mlops-tui --help | --version\n"
"\n"
"Sets up Microsoft's MLOps V2 accelerator on Azure DevOps, step by step,\n"
"as its deployment guide describes, and remembers how far it got.\n"
"\n"
"Commands:\n"
"  (none)      the wizard: the setup on a full-screen checklist; with\n"
"              --sandbox on the embedded sandbox, with --answers or\n"
"              --state on a real organization; with neither, it asks\n"
"              the questions of a new setup, then shows the plan to\n"
"              confirm\n"
"  status      print the checklist of a setup, grouped by the guide's\n"
"              sections; with no saved setup, every step pending\n"
"  doctor      read-only preflight: one line per check of the\n"
"              organization (ok, problem with its fix, or cannot tell);\n"
"              changes nothing. The PAT comes from AZURE_DEVOPS_EXT_PAT,\n"
"              --pat-file or a masked prompt. With --state FILE: drift,\n"
"              what the state says was made against what exists now,\n"
"              one line per resource (as made, missing, changed,\n"
"              expiring); apply puts it back\n"
"  sim         run the sandbox: a local Azure DevOps on loopback that\n"
"              speaks the same REST contract; prints its URL and PAT\n"
"  plan        probe every step and print what exists and what apply\n"
"              would do; changes nothing\n"
"  apply       do the setup, step by step, saving the state after each;\n"
"              run it again to resume; a failure comes with its fix.\n"
"              --answers more than once, or a folder of answers files:\n"
"              several ML projects at once, the accelerator's steps\n"
"              done once for all, colliding names refused first\n"
"  export      print a bash script of the setup's steps: for each, the az\n"
"              command where one exists and the REST calls; secrets are\n"
"              read from the environment, never written\n"
"  destroy     delete what the setup made (never what it found there),\n"
"              in reverse order, saving the state after each; run it\n"
"              again to resume; plan --destroy shows it first\n"
"\n"
"Options:\n"
"  -s, --state FILE  the state file of the setup (default: one file per\n"
"                    setup in $XDG_STATE_HOME/mlops-tui)\n"
"      --no-color    no colours (also when NO_COLOR is set)\n"
"      --json        status, doctor: machine-readable output; plan, apply:\n"
"                    one JSON event a line (see JSON EVENTS in mlops-tui(1))\n"
"      --sandbox     the wizard: run on the embedded sandbox\n"
"      --yes         apply, destroy: do not ask first (needed without a\n"
"                    terminal)\n"
"      --destroy     plan: show what destroy would delete and keep\n"
"      --purge       destroy: purge the soft-deleted workspace and Key\n"
"                    Vault, so that the names can be used again\n"
"      --all         destroy: the accelerator's project and imported\n"
"                    repositories too\n"
"      --progress SECONDS\n"
"                    apply: while a step runs, say how long and its stage\n"
"                    this often (default 30)\n"
"      --answers FILE\n"
"                    wizard, plan, apply, export: the operator's answers\n"
"                    (YAML; see mlops-tui(5)); needed for a new setup;\n"
"                    plan, apply: again, or a folder, for several\n"
"      --principal-file FILE\n"
"                    wizard, plan, apply: the JSON az ad sp\n"
"                    create-for-rbac\n"
"                    printed, for principal_way existing (its secret is\n"
"                    kept in memory only)\n"
"      --github-token-file FILE\n"
"                    wizard, plan, apply: read from FILE the GitHub token\n"
"                    that rai-aml-cli-v2's GitHub service connection is\n"
"                    made with (or set MLOPS_TUI_GITHUB_TOKEN); kept in\n"
"                    memory only\n"
"      --org URL     doctor: the organization, https://dev.azure.com/ORG\n"
"      --project NAME\n"
"                    doctor: the project (default mlops-v2)\n"
"      --repo NAME   doctor: the ML project repository\n"
"      --infrastructure bicep|terraform\n"
"                    doctor: the infrastructure provider (default bicep)\n"
"      --namespace NS, --postfix PF\n"
"                    doctor: check these instead of the repository's\n"
"                    config-infra-prod.yml\n"
"      --environment prod|dev\n"
"                    doctor: check this environment and its service\n"
"                    connection (Azure-ARM-Prod, Azure-ARM-Dev); given\n"
"                    twice, both (default prod)\n"
"      --pat-file FILE\n"
"                    doctor, plan, apply: read the PAT from FILE (never\n"
"                    from argv)\n"
"      --ado-auth pat|entra\n"
"                    doctor, plan, apply: sign in to Azure DevOps with a\n"
"                    PAT or with the Entra ID sign-in (no PAT; what to\n"
"                    use where the organization restricts PATs). Default:\n"
"                    pat when a PAT is given (AZURE_DEVOPS_EXT_PAT,\n"
"                    --pat-file), else entra with az on PATH or a\n"
"                    terminal, else pat. The wizard asks, Entra first\n"
"      --subscription ID\n"
"                    doctor: check this subscription, the connection's\n"
"                    principal's Contributor role and the providers, and\n"
"                    your rights: to register applications, to assign\n"
"                    roles there (conditions read)\n"
"      --location REGION\n"
"                    doctor: check the Azure ML compute quota there for\n"
"                    the clusters the templates create\n"
"      --project-type classical|cv|nlp\n"
"                    doctor: the scenario, for the quota of its training\n"
"                    clusters (cv and nlp: GPU; default classical)\n"
"      --tenant ID   doctor, plan, apply: the Entra tenant (default\n"
"                    organizations)\n"
"      --client-id ID\n"
"                    doctor, plan, apply: the client to sign in with\n"
"                    (default the Azure CLI's public client)\n"
"      --azure-sign-in device|az\n"
"                    doctor, plan, apply: sign in with a device code, or\n"
"                    take the tokens of a signed-in Azure CLI (default:\n"
"                    az when it is installed)\n"
"      --listen HOST:PORT\n"
"                    sim: where to listen, loopback only (default\n"
"                    127.0.0.1:0, any free port)\n"
"      --world FILE  sim: the world file (default in the state dir)\n"
"      --reset       sim: start from a new world\n"
"      --org NAME    sim: the organization of a new world (sandbox)\n"
"      --time-scale F\n"
"                    sim, --sandbox: multiply simulated durations by F\n"
"                    (0: instant; --sandbox's default 0.02)\n"
"      --log FILE    sim: log each request it serves as a JSON line;\n"
"                    doctor, plan, apply: log each request it makes\n"
"                    (secrets redacted)\n"
"      --faults SPEC sim: inject latency and failures, e.g.\n"
"                    seed=7,latency=100+50,429=0.1,500=0.05,drop=0.02\n"
"      --accelerator DIR\n"
"                    sim, --sandbox: imports from github.com/Azure serve\n"
"                    the real repositories unpacked in DIR (DIR/mlops-v2,\n"
"                    DIR/mlops-project-template, DIR/mlops-templates)\n"
"                    instead of the sandbox's stand-ins\n"
"  -h, --help        this help\n"
"  -V, --version     the version\n"
"\n"
"Exit status:\n", out);
#define X(name, code, meaning) print_exit_status(out, code, meaning);
	EXIT_STATUS_LIST(X)
#undef X
	fputs("\nEvery command, option, key and JSON event in full: man "
	    "mlops-tui\n(mlops-tui(1)); the state, answers and world files: "
	    "mlops-tui(5).\n", out);
}

static int usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static int
usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("mlops-tui: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'mlops-tui --help'.\n", stderr);
	return MT_EXIT_USAGE;
}

/* The answers allow prod and dev only; naming one twice checks it once. */
static int
add_doctor_environment(struct doctor_options *d, const char *env)
{
	if (strcmp(env, "prod") != 0 && strcmp(env, "dev") != 0) {
		usage_error("--environment %s: expected prod or dev", env);
		return -1;
	}
	for (size_t i = 0; i < d->nenvironments; i++)
		if (strcmp(d->environments[i], env) == 0)
			return 0;
	d->environments[d->nenvironments++] = env;
	return 0;
}

static int
parse_doctor_option(int c, const char *arg, struct doctor_options *d)
{
	switch (c) {
	case DOCTOR_PROJECT: d->project = arg; break;
	case DOCTOR_REPO: d->repository = arg; break;
	case DOCTOR_NAMESPACE: d->namespace = arg; break;
	case DOCTOR_POSTFIX: d->postfix = arg; break;
	case DOCTOR_SUBSCRIPTION: d->subscription = arg; break;
	case DOCTOR_LOCATION: d->location = arg; break;
	case DOCTOR_ENVIRONMENT:
		return add_doctor_environment(d, arg);
	case DOCTOR_TYPE:
		if (strcmp(arg, "classical") != 0 && strcmp(arg, "cv") != 0 &&
		    strcmp(arg, "nlp") != 0) {
			usage_error("--project-type %s: expected classical, cv "
			    "or nlp", arg);
			return -1;
		}
		d->project_type = arg;
		break;
	case DOCTOR_INFRA:
		if (strcmp(arg, "bicep") != 0 && strcmp(arg, "terraform") != 0) {
			usage_error("--infrastructure %s: expected bicep or "
			    "terraform", arg);
			return -1;
		}
		d->infrastructure = arg;
		break;
	}
	return 0;
}

static int
parse_connection_option(int c, const char *arg, struct connection_options *o)
{
	switch (c) {
	case CONN_PAT_FILE: o->pat_file = arg; break;
	case CONN_TENANT: o->tenant = arg; break;
	case CONN_CLIENT_ID: o->client_id = arg; break;
	case CONN_SIGN_IN:
		if (strcmp(arg, "device") != 0 && strcmp(arg, "az") != 0) {
			usage_error("--azure-sign-in %s: expected device or az",
			    arg);
			return -1;
		}
		o->azure_sign_in = arg;
		break;
	case CONN_ADO_AUTH:
		if (strcmp(arg, "pat") != 0 && strcmp(arg, "entra") != 0) {
			usage_error("--ado-auth %s: expected pat or entra", arg);
			return -1;
		}
		o->ado_auth = arg;
		break;
	}
	return 0;
}

static int
check_doctor_options(const struct doctor_options *d)
{
	const char *org = d->conn.org_url;
	char *problem;
	int rc;

	if (org == NULL)
		return usage_error("doctor needs --org URL, e.g. "
		    "--org https://dev.azure.com/contoso");
	if ((problem = answers_problem("organization", org)) != NULL) {
		rc = usage_error("%s (--org)", problem);
		free(problem);
		return rc;
	}
	if (d->repository == NULL)
		return usage_error("doctor needs --repo NAME, the ML project "
		    "repository");
	return -1;
}

static int
parse_sim_option(int c, const char *arg, struct sim_options *sim)
{
	char *host = NULL, *cause = NULL, *end;
	struct faults *faults = NULL;
	unsigned port;

	switch (c) {
	case 'L':
		if (sim_parse_listen(arg, &host, &port, &cause) == -1) {
			usage_error("%s", cause);
			free(cause);
			return -1;
		}
		free(host);
		sim->listen = arg;
		break;
	case 'W': sim->world_path = arg; break;
	case 'R': sim->reset = true; break;
	case 'F':
		if (faults_parse(&faults, arg, &cause) == -1) {
			usage_error("%s", cause);
			free(cause);
			return -1;
		}
		faults_free(faults);
		sim->faults = arg;
		break;
	case 'T':
		sim->time_scale = strtod(arg, &end);
		/* Written as a range that holds, so that "nan", for which
		 * every comparison is false, falls outside it. */
		if (*end != '\0' || arg[0] == '\0' || !(sim->time_scale >= 0 &&
		    sim->time_scale <= 100)) {
			usage_error("--time-scale %s: expected a number from "
			    "0 to 100", arg);
			return -1;
		}
		break;
	}
	return 0;
}

/* --progress SECONDS: a number from 0.1 (a sandbox's shortened waits)
 * to 3600; the range is written so that "nan" falls outside it. */
static int
parse_every(const char *arg, double *every)
{
	char *end;

	*every = strtod(arg, &end);
	if (*end != '\0' || arg[0] == '\0' || !(*every >= 0.1 &&
	    *every <= 3600)) {
		usage_error("--progress %s: expected seconds from 0.1 to 3600",
		    arg);
		return -1;
	}
	return 0;
}

static bool
is_command(const struct options *opt, const char *name)
{
	return opt->command != NULL && strcmp(opt->command, name) == 0;
}

/* export: offline, from --answers or the state; nothing that signs in. */
static int
check_export_options(struct options *opt)
{
	if (opt->conn_option_given || opt->log_path != NULL ||
	    opt->doctor_option_given || opt->org != NULL ||
	    opt->apply.setup.principal_file != NULL ||
	    opt->apply.setup.github_token_file != NULL)
		return usage_error("export takes --answers or --state only: it "
		    "signs in nowhere and reads no secret");
	opt->export.answers_path = opt->apply.setup.answers_path;
	opt->export.state_path = opt->state_path;
	return -1;
}

/* doctor --state: the setup's answers come from the state file. */
static int
check_drift_options(struct options *opt)
{
	if (opt->doctor_option_given || opt->org != NULL)
		return usage_error("doctor --state takes the organization, "
		    "project, repository and subscription from the state "
		    "file: --org, --project, --repo, --infrastructure, "
		    "--namespace, --postfix, --subscription and --location go "
		    "with doctor without --state");
	opt->drift.json = opt->json;
	opt->drift.conn = opt->conn;
	opt->drift.conn.log_path = opt->log_path;
	opt->drift.state_path = opt->state_path;
	return -1;
}

/* Options that belong to one command go to it, and only with it. */
static int
check_command_options(struct options *opt)
{
	if (opt->json && !is_command(opt, "status") &&
	    !is_command(opt, "doctor") && !is_command(opt, "plan") &&
	    !is_command(opt, "apply"))
		return usage_error("--json goes with the status, doctor, plan "
		    "and apply commands");
	/* Lines for a script: no terminal question in between. */
	if (opt->json && is_command(opt, "apply") && !opt->yes_given)
		return usage_error("apply --json needs --yes (plan --json "
		    "shows what it would do)");
	if (opt->sim_option_given && !is_command(opt, "sim"))
		return usage_error("--listen, --world, --reset "
		    "and --faults go with the sim command");
	if (opt->time_scale_given && !is_command(opt, "sim") &&
	    !(opt->command == NULL && opt->wizard.sandbox))
		return usage_error("--time-scale goes with the sim command "
		    "and with --sandbox");
	opt->wizard.time_scale = opt->sim.time_scale;
	/* The wizard (no command) takes plan's and apply's options too. */
	bool destroys = is_command(opt, "destroy") ||
	    (is_command(opt, "plan") && opt->destroy_given);
	bool applies = is_command(opt, "plan") || is_command(opt, "apply") ||
	    is_command(opt, "destroy") || opt->command == NULL;

	if (opt->yes_given && !is_command(opt, "apply") &&
	    !is_command(opt, "destroy"))
		return usage_error("--yes goes with the apply and destroy "
		    "commands");
	if (opt->destroy_given && !is_command(opt, "plan"))
		return usage_error("--destroy goes with the plan command "
		    "(plan --destroy); to delete, use the destroy command");
	if (opt->json && opt->destroy_given)
		return usage_error("--json goes with plan and apply, not yet "
		    "with plan --destroy");
	if (opt->destroy_option_given && !destroys)
		return usage_error("--purge and --all go with the destroy "
		    "command and with plan --destroy");
	if (opt->apply.every > 0 && !is_command(opt, "apply"))
		return usage_error("--progress goes with the apply command");
	if (opt->wizard.sandbox && opt->command != NULL)
		return usage_error("--sandbox goes with the wizard (no "
		    "command); for the sandbox alone, use the sim command");
	if (opt->accelerator != NULL && !is_command(opt, "sim") &&
	    !(opt->command == NULL && opt->wizard.sandbox))
		return usage_error("--accelerator goes with the sim command "
		    "and with --sandbox");
	opt->sim.accelerator = opt->accelerator;
	opt->wizard.accelerator = opt->accelerator;
	if (opt->apply.nanswers > 1 && (opt->command == NULL ||
	    is_command(opt, "export") || is_command(opt, "destroy") ||
	    opt->destroy_given))
		return usage_error("--answers goes once with the wizard, export "
		    "and destroy; several ML projects (--answers given more "
		    "than once) go with plan and apply");
	/* A folder is several projects too: given --state, each would
	 * open the one file and the second find it locked by the first. */
	if (projects_several(opt->apply.answers, opt->apply.nanswers) &&
	    (opt->state_path != NULL || opt->destroy_given ||
	    opt->apply.setup.principal_file != NULL))
		return usage_error("several ML projects in one run (--answers "
		    "given more than once, or a folder) take no --state (each "
		    "has its own), --principal-file (a pasted principal is one "
		    "project's) or --destroy");
	if (is_command(opt, "export"))
		return check_export_options(opt);
	if (opt->doctor_option_given && !is_command(opt, "doctor"))
		return usage_error("--project, --repo, --infrastructure, "
		    "--namespace, --postfix, --subscription, --location, "
		    "--project-type and --environment go with the doctor "
		    "command");
	if (opt->conn_option_given && !is_command(opt, "doctor") && !applies)
		return usage_error("--pat-file, --ado-auth, --tenant, "
		    "--client-id and --azure-sign-in go with the wizard and the "
		    "doctor, plan and apply commands");
	if (opt->apply_option_given && !applies)
		return usage_error("--answers, --principal-file and "
		    "--github-token-file go with the wizard and the plan and "
		    "apply commands");
	if (opt->org != NULL && !is_command(opt, "sim") &&
	    !is_command(opt, "doctor"))
		return usage_error("--org goes with the sim and doctor "
		    "commands; plan and apply take it from the answers");
	if (opt->log_path != NULL && !is_command(opt, "sim") &&
	    !is_command(opt, "doctor") && !applies)
		return usage_error("--log goes with the wizard and the sim, "
		    "doctor, plan and apply commands");
	if (applies) {
		opt->apply.setup.conn = opt->conn;
		opt->apply.setup.conn.log_path = opt->log_path;
		opt->apply.setup.state_path = opt->state_path;
		opt->apply.plan = is_command(opt, "plan");
		opt->apply.json = opt->json;
		opt->apply.destroy = destroys;
		opt->apply.setup.read_only = opt->apply.plan;
		opt->wizard.setup = opt->apply.setup;
		opt->wizard.no_color = opt->no_color;
		return -1;
	}
	if (is_command(opt, "sim")) {
		opt->sim.log_path = opt->log_path;
		if (opt->org != NULL)
			opt->sim.organization = opt->org;
	}
	if (is_command(opt, "doctor") && opt->state_path != NULL)
		return check_drift_options(opt);
	if (is_command(opt, "doctor")) {
		opt->doctor.conn = opt->conn;
		opt->doctor.conn.org_url = opt->org;
		opt->doctor.conn.log_path = opt->log_path;
		opt->doctor.json = opt->json;
		return check_doctor_options(&opt->doctor);
	}
	return -1;
}

/* Parse argv into opt; returns -1 to go on, else an exit status. */
static int
parse_options(int argc, char **argv, struct options *opt)
{
	static const struct option longopts[] = {
		{ "state", required_argument, NULL, 's' },
		{ "no-color", no_argument, NULL, 'C' },
		{ "json", no_argument, NULL, 'j' },
		{ "listen", required_argument, NULL, 'L' },
		{ "world", required_argument, NULL, 'W' },
		{ "reset", no_argument, NULL, 'R' },
		{ "org", required_argument, NULL, 'O' },
		{ "time-scale", required_argument, NULL, 'T' },
		{ "log", required_argument, NULL, 'G' },
		{ "project", required_argument, NULL, DOCTOR_PROJECT },
		{ "repo", required_argument, NULL, DOCTOR_REPO },
		{ "infrastructure", required_argument, NULL, DOCTOR_INFRA },
		{ "namespace", required_argument, NULL, DOCTOR_NAMESPACE },
		{ "postfix", required_argument, NULL, DOCTOR_POSTFIX },
		{ "pat-file", required_argument, NULL, CONN_PAT_FILE },
		{ "subscription", required_argument, NULL, DOCTOR_SUBSCRIPTION },
		{ "location", required_argument, NULL, DOCTOR_LOCATION },
		{ "project-type", required_argument, NULL, DOCTOR_TYPE },
		{ "environment", required_argument, NULL, DOCTOR_ENVIRONMENT },
		{ "tenant", required_argument, NULL, CONN_TENANT },
		{ "client-id", required_argument, NULL, CONN_CLIENT_ID },
		{ "azure-sign-in", required_argument, NULL, CONN_SIGN_IN },
		{ "ado-auth", required_argument, NULL, CONN_ADO_AUTH },
		{ "answers", required_argument, NULL, APPLY_ANSWERS },
		{ "principal-file", required_argument, NULL, APPLY_PRINCIPAL },
		{ "github-token-file", required_argument, NULL,
		    APPLY_GITHUB_TOKEN },
		{ "sandbox", no_argument, NULL, WIZARD_SANDBOX },
		{ "yes", no_argument, NULL, APPLY_YES },
		{ "progress", required_argument, NULL, APPLY_EVERY },
		{ "destroy", no_argument, NULL, DESTROY_PLAN },
		{ "purge", no_argument, NULL, DESTROY_PURGE },
		{ "all", no_argument, NULL, DESTROY_ALL },
		{ "faults", required_argument, NULL, 'F' },
		{ "accelerator", required_argument, NULL, SIM_ACCELERATOR },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":s:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 's': opt->state_path = optarg; break;
		case 'C': opt->no_color = true; break;
		case 'j': opt->json = true; break;
		case 'G': opt->log_path = optarg; break;
		case 'O': opt->org = optarg; break;
		case DOCTOR_PROJECT: case DOCTOR_REPO:
		case DOCTOR_INFRA: case DOCTOR_NAMESPACE: case DOCTOR_POSTFIX:
		case DOCTOR_SUBSCRIPTION: case DOCTOR_LOCATION: case DOCTOR_TYPE:
		case DOCTOR_ENVIRONMENT:
			if (parse_doctor_option(c, optarg, &opt->doctor) == -1)
				return MT_EXIT_USAGE;
			opt->doctor_option_given = true;
			break;
		case CONN_PAT_FILE: case CONN_TENANT: case CONN_CLIENT_ID:
		case CONN_SIGN_IN: case CONN_ADO_AUTH:
			if (parse_connection_option(c, optarg, &opt->conn) == -1)
				return MT_EXIT_USAGE;
			opt->conn_option_given = true;
			break;
		case APPLY_ANSWERS:
			if (opt->apply.setup.answers_path == NULL)
				opt->apply.setup.answers_path = optarg;
			opt->apply.answers = xreallocarray(opt->apply.answers,
			    opt->apply.nanswers, sizeof *opt->apply.answers);
			opt->apply.answers[opt->apply.nanswers++] = optarg;
			opt->apply_option_given = true;
			break;
		case APPLY_YES:
			opt->apply.yes = true;
			opt->yes_given = true;
			break;
		case DESTROY_PLAN:
			opt->destroy_given = true;
			break;
		case DESTROY_PURGE:
			opt->apply.destroy_opt.purge = true;
			opt->destroy_option_given = true;
			break;
		case DESTROY_ALL:
			opt->apply.destroy_opt.all = true;
			opt->destroy_option_given = true;
			break;
		case APPLY_EVERY:
			if (parse_every(optarg, &opt->apply.every) == -1)
				return MT_EXIT_USAGE;
			break;
		case WIZARD_SANDBOX:
			opt->wizard.sandbox = true;
			break;
		case SIM_ACCELERATOR:
			opt->accelerator = optarg;
			break;
		case APPLY_PRINCIPAL:
			opt->apply.setup.principal_file = optarg;
			opt->apply_option_given = true;
			break;
		case APPLY_GITHUB_TOKEN:
			opt->apply.setup.github_token_file = optarg;
			opt->apply_option_given = true;
			break;
		case 'L': case 'W': case 'R': case 'T': case 'F':
			if (parse_sim_option(c, optarg, &opt->sim) == -1)
				return MT_EXIT_USAGE;
			opt->sim_option_given |= c != 'T';
			opt->time_scale_given |= c == 'T';
			break;
		case 'h': usage(stdout); return MT_EXIT_OK;
		case 'V': printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
			return MT_EXIT_OK;
		case ':': return usage_error("option '%s' needs a value",
			    argv[optind - 1]);
		default: return usage_error("unknown option '%s'",
			    argv[optind - 1]);
		}
	}
	if (optind < argc)
		opt->command = argv[optind++];
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	return check_command_options(opt);
}

/* The command opt names, its options checked. */
static int
run_command(struct options *opt)
{
	if (opt->no_color || getenv("NO_COLOR") != NULL)
		opt->no_color = true; /* no command draws colour yet */
	if (opt->command == NULL)
		return cmd_wizard(&opt->wizard);
	if (strcmp(opt->command, "status") == 0)
		return cmd_status(opt->state_path, opt->json);
	if (strcmp(opt->command, "sim") == 0)
		return cmd_sim(&opt->sim);
	if (strcmp(opt->command, "doctor") == 0)
		return opt->drift.state_path != NULL ? cmd_drift(&opt->drift) :
		    cmd_doctor(&opt->doctor);
	if (strcmp(opt->command, "export") == 0)
		return cmd_export(&opt->export);
	if (strcmp(opt->command, "plan") == 0 ||
	    strcmp(opt->command, "apply") == 0 ||
	    strcmp(opt->command, "destroy") == 0)
		return cmd_apply(&opt->apply);
	return usage_error("unknown command '%s'", opt->command);
}

int
main(int argc, char **argv)
{
	struct options opt = { .sim = { .listen = "127.0.0.1:0",
	    .organization = "sandbox", .time_scale = -1 } };
	int rc;
	char *github_token;

	secret_protect_process();
	/* A reader that goes away (apply | head) is EPIPE on a write, which
	 * the commands notice and stop on, saying so; not a silent death
	 * with every running step left unsaid. */
	signal(SIGPIPE, SIG_IGN);
	/* Out of the environment before anything could start a child; every
	 * command, so that none passes it on. */
	github_token = credential_take_env("MLOPS_TUI_GITHUB_TOKEN");
	opt.apply.setup.github_token = github_token;
	rc = parse_options(argc, argv, &opt);
	if (rc < 0)
		rc = run_command(&opt);
	credential_wipe(github_token);
	free(opt.apply.answers);
	return rc;
}
