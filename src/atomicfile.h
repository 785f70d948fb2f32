/*
 * Whole-file reads and crash-safe whole-file writes.
 *
 * A write goes to a temporary file in the same directory, is fsynced, and is
 * renamed over the target; the directory is fsynced after. A crash at any
 * instant therefore leaves either the old or the new content at the path,
 * never a mixture. The previous content is kept at PATH.bak (a hard link to
 * the old inode, so keeping it costs no copy).
 */
#ifndef MT_ATOMICFILE_H
#define MT_ATOMICFILE_H

#include <stddef.h>
#include <sys/types.h>

#define ATOMICFILE_ENOENT (-2) /* the file does not exist */

/*
 * Read the whole of path into *out (NUL-terminated, owned by the caller).
 * Files larger than max bytes are refused. Returns 0, ATOMICFILE_ENOENT, or
 * -1 with *cause set.
 */
int atomicfile_read(const char *path, size_t max, char **out, size_t *len,
    char **cause);
/* The same for mlops-tui's own files (state, backup): see
 * ATOMICFILE_PRIVATE. */
int atomicfile_read_private(const char *path, size_t max, char **out,
    size_t *len, char **cause);

/* A file of mlops-tui's own: never through a symbolic link, and only when
 * it belongs to the user. */
#define ATOMICFILE_PRIVATE 1u

/*
 * Open path (open(2) flags; created 0600 with O_CREAT) only when it is a
 * regular file: a FIFO or a device would block or never end, so it is
 * opened without waiting and refused. how: 0 or ATOMICFILE_PRIVATE.
 * Returns the descriptor, ATOMICFILE_ENOENT, or -1 with *cause set.
 */
int atomicfile_open(const char *path, int flags, unsigned how, char **cause);

/*
 * Replace path by data with the given mode. When keep_backup is set, the
 * previous content (if any) stays readable at PATH.bak. Returns 0 or -1 with
 * *cause set; on failure path is untouched.
 */
int atomicfile_write(const char *path, const void *data, size_t len,
    mode_t mode, int keep_backup, char **cause);

/* The backup path of path; owned by the caller. */
char *atomicfile_backup_path(const char *path);

#endif
