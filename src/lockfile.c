/* flock-based single-writer lock that records the holder's pid. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicfile.h"
#include "lockfile.h"
#include "xalloc.h"

struct lockfile {
	int fd;
	char *path;
};

pid_t
lockfile_holder(const char *path)
{
	char buf[32];
	ssize_t n;
	long pid;
	int fd;

	fd = atomicfile_open(path, O_RDONLY, ATOMICFILE_PRIVATE, NULL);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	pid = strtol(buf, NULL, 10);
	return pid > 0 ? (pid_t)pid : 0;
}

static void
record_holder(int fd)
{
	char buf[32];
	int len = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());

	if (ftruncate(fd, 0) == 0 && pwrite(fd, buf, (size_t)len, 0) == len)
		(void)fsync(fd);
}

int
lockfile_acquire(struct lockfile **out, const char *path, char **cause)
{
	struct lockfile *lock;
	struct stat sb;
	pid_t holder;
	int fd;

	/* The lock is truncated and written in place: never through a link,
	 * a file of someone else's or a second name of another file. */
	fd = atomicfile_open(path, O_RDWR | O_CREAT, ATOMICFILE_PRIVATE, cause);
	if (fd < 0)
		return -1;
	if (fstat(fd, &sb) == -1 || sb.st_nlink != 1) {
		set_cause(cause, "%s: the lock has other names (hard links); "
		    "remove it: mlops-tui makes its own", path);
		close(fd);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		int busy = errno == EWOULDBLOCK;

		close(fd);
		if (!busy) {
			set_cause(cause, "%s: cannot lock: %s", path,
			    strerror(errno));
			return -1;
		}
		holder = lockfile_holder(path);
		if (holder > 0)
			set_cause(cause, "another mlops-tui (pid %ld) is working "
			    "on this setup; lock %s", (long)holder, path);
		else
			set_cause(cause, "another mlops-tui is working on this "
			    "setup; lock %s", path);
		return LOCKFILE_BUSY;
	}
	record_holder(fd);
	lock = xmalloc(sizeof *lock);
	lock->fd = fd;
	lock->path = xstrdup(path);
	*out = lock;
	return 0;
}

void
lockfile_release(struct lockfile *lock)
{
	if (lock == NULL)
		return;
	/* Clear the pid first: a reader must never name a process that is gone. */
	if (ftruncate(lock->fd, 0) == -1) {
		/* Nothing to do: the lock is dropped by close() all the same. */
	}
	close(lock->fd);
	free(lock->path);
	free(lock);
}
