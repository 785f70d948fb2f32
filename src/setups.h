/*
 * The setups saved in the state directory: what `status` lists when there
 * are several and what the wizard will offer to resume.
 */
#ifndef MT_SETUPS_H
#define MT_SETUPS_H

#include <stddef.h>
#include <time.h>

struct setup_summary {
	char *path;
	char *organization;   /* NULL when unknown */
	char *project;
	char *repository;
	char *instance_id;    /* the organization's, as recorded; NULL */
	unsigned long serial;
	time_t updated;
	size_t steps_done;    /* done or done by hand */
	char *error;          /* NULL, or why the file cannot be read */
};

struct setup_list {
	struct setup_summary *items;
	size_t count;
};

/*
 * The state files (*.json) in dir, sorted by path, each summarised; a file
 * that cannot be read is listed with its error. A missing dir is an empty
 * list. Owned by the caller; free with setups_free.
 */
struct setup_list *setups_scan(const char *dir);
/* The organization's instance id the sign-in recorded in st; NULL. */
struct state;
const char *setups_recorded_instance(const struct state *st);
void setups_free(struct setup_list *list);
/*
 * The states of the other setups of st's organization and project in
 * the state directory (other ML repositories, which share the
 * accelerator with it); NULL and 0 when none. Free with
 * setups_free_siblings.
 */
struct state **setups_load_siblings(const struct state *st, size_t *count);
void setups_free_siblings(struct state **siblings, size_t count);
/* Leave item i out of the list (freed). */
void setups_remove(struct setup_list *list, size_t i);

#endif
