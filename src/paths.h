/* Where mlops-tui keeps its files and finds its data. */
#ifndef MT_PATHS_H
#define MT_PATHS_H

/*
 * The state directory: $XDG_STATE_HOME/mlops-tui, or
 * ~/.local/state/mlops-tui. A relative XDG_STATE_HOME is ignored, as the
 * XDG base directory specification requires. Owned by the caller; NULL with
 * *cause set when neither variable gives an absolute path.
 */
char *paths_state_dir(char **cause);

/*
 * Create dir and its missing parents with mode 0700; a directory that
 * exists is left as it is. Returns 0 or -1 with *cause set.
 */
int paths_ensure_private_dir(const char *dir, char **cause);

/*
 * One organization's identity however its URL is spelled, so that one
 * setup has one state file and one lock: host[:port]/path with no scheme,
 * the host lowercased, the scheme's own port and repeated or trailing
 * slashes left out, localhost, [::1] and 127.0.0.1 as 127.0.0.1, and
 * ORG.visualstudio.com[/DefaultCollection] as dev.azure.com/ORG. Owned by
 * the caller.
 */
char *paths_organization_id(const char *url);

/*
 * The state file of one setup, keyed by organization (its identity, as
 * above) + project + ML repository:
 * DIR/<host+organization>+<project>+<repository>.json, each part
 * lowercased (Azure DevOps names are case-insensitive) and percent-encoded so
 * that distinct setups never share a file. Owned by the caller.
 */
char *paths_state_file(const char *dir, const char *organization_url,
    const char *project, const char *repository);

/*
 * The templates directory: the source tree's when this binary runs from its
 * build directory (uninstalled); else pkgdatadir/templates reached from the
 * binary's directory as pkgdatadir is from bindir, when it holds the step
 * catalogue (an installation staged under DESTDIR, or moved whole to
 * another prefix); else the configured pkgdatadir/templates.
 * MLOPS_TUI_TEMPLATES overrides all three. Owned by the caller.
 */
char *paths_templates_dir(void);

/*
 * The relative path from directory `from` to `to`, both absolute; "/./"
 * and repeated slashes are ignored, ".." is not resolved. "." when they are
 * the same. Owned by the caller.
 */
char *paths_relative(const char *from, const char *to);

/* Remove dir and everything under it, not following links. */
void paths_remove_tree(const char *dir);

#endif
