/* `mlops-tui export`: a setup's steps as a shell script of commands. */
#ifndef MT_CMD_EXPORT_H
#define MT_CMD_EXPORT_H

struct export_options {
	const char *state_path;        /* NULL: the one saved setup */
	const char *answers_path;      /* or a new setup's answers */
};

/*
 * Print a bash script: for each step of the setup, in the guide's order
 * (and per environment), its status, the az command that does the same
 * where one exists, and the REST calls mlops-tui makes for it
 * (templates/export.yml). Secrets are never written: the script reads
 * them from the environment. Nothing is asked of the network. Returns an
 * exit status (exitcode.h).
 */
int cmd_export(const struct export_options *opt);

struct catalog;
struct state;
/* The same script for st as text (the wizard's export screen); NULL with
 * *cause when templates/export.yml cannot be used. Caller frees. */
char *export_script(const struct catalog *cat, const struct state *st,
    char **cause);

#endif
