/*
 * An advisory lock (flock) that names its holder.
 *
 * The lock lives in its own file beside the thing it guards, because the
 * guarded file is replaced by rename on every save and a lock on the old
 * inode would not guard the new one. The holder writes its pid into the lock
 * file so that a refused second process can say who holds it. The kernel
 * drops the lock when the holder dies, so there are no stale locks.
 */
#ifndef MT_LOCKFILE_H
#define MT_LOCKFILE_H

#include <sys/types.h>

#define LOCKFILE_BUSY (-2) /* held by another process */

struct lockfile;

/*
 * Take the lock at path without waiting. Returns 0 with *out owned by the
 * caller (release with lockfile_release), LOCKFILE_BUSY with *cause naming
 * the holder's pid, or -1 with *cause set.
 */
int lockfile_acquire(struct lockfile **out, const char *path, char **cause);

/* The pid written in the lock file at path, or 0 if none can be read. */
pid_t lockfile_holder(const char *path);

/* Release and free; NULL is allowed. */
void lockfile_release(struct lockfile *lock);

#endif
