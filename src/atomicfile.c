/* Crash-safe file replacement: temp file, fsync, rename, fsync directory. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicfile.h"
#include "xalloc.h"

char *
atomicfile_backup_path(const char *path)
{
	return xasprintf("%s.bak", path);
}

static char *
directory_of(const char *path)
{
	char *copy = xstrdup(path);
	char *dir = xstrdup(dirname(copy));

	free(copy);
	return dir;
}

/* What a file that is not a regular one is, for a person. */
static const char *
kind_of(mode_t mode)
{
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISCHR(mode) || S_ISBLK(mode))
		return "a device";
	if (S_ISSOCK(mode))
		return "a socket";
	return "not a regular file";
}

static int
refuse_open(const char *path, int flags, unsigned how, char **cause)
{
	struct stat sb;

	if (errno == ENOENT && !(flags & O_CREAT))
		return ATOMICFILE_ENOENT;
	/* A FIFO opened to write, without waiting, with no reader. */
	if (errno == ENXIO && stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
		set_cause(cause, "%s: is %s; expected a regular file", path,
		    kind_of(sb.st_mode));
		return -1;
	}
	if (errno == ELOOP && (how & ATOMICFILE_PRIVATE))
		set_cause(cause, "%s: is a symbolic link; mlops-tui keeps its "
		    "files as regular files and never follows a link there",
		    path);
	else
		set_cause(cause, "%s: cannot open: %s", path, strerror(errno));
	return -1;
}

int
atomicfile_open(const char *path, int flags, unsigned how, char **cause)
{
	int fd = open(path, flags | O_NONBLOCK | O_NOCTTY | O_CLOEXEC |
	    ((how & ATOMICFILE_PRIVATE) ? O_NOFOLLOW : 0), 0600);
	struct stat sb;

	if (fd == -1)
		return refuse_open(path, flags, how, cause);
	if (fstat(fd, &sb) == -1)
		set_cause(cause, "%s: cannot read: %s", path, strerror(errno));
	else if (!S_ISREG(sb.st_mode))
		set_cause(cause, "%s: is %s; expected a regular file", path,
		    kind_of(sb.st_mode));
	else if ((how & ATOMICFILE_PRIVATE) && sb.st_uid != geteuid())
		set_cause(cause, "%s: belongs to another user (uid %ld); "
		    "mlops-tui only uses its own files there", path,
		    (long)sb.st_uid);
	else if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) == -1)
		set_cause(cause, "%s: cannot read: %s", path, strerror(errno));
	else
		return fd;
	close(fd);
	return -1;
}

static int
read_open_file(int fd, const char *path, size_t max, char **out,
    size_t *len, char **cause)
{
	struct stat sb;
	char *buf;
	size_t got = 0;
	ssize_t n;

	if (fstat(fd, &sb) == -1) {
		set_cause(cause, "%s: cannot read: %s", path, strerror(errno));
		return -1;
	}
	if ((size_t)sb.st_size > max) {
		set_cause(cause, "%s: too large (%lld bytes; at most %zu)", path,
		    (long long)sb.st_size, max);
		return -1;
	}
	buf = xmalloc((size_t)sb.st_size + 1);
	while (got < (size_t)sb.st_size) {
		n = read(fd, buf + got, (size_t)sb.st_size - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got != (size_t)sb.st_size) {
		set_cause(cause, "%s: short read", path);
		free(buf);
		return -1;
	}
	buf[got] = '\0';
	*out = buf;
	if (len != NULL)
		*len = got;
	return 0;
}

static int
read_whole(const char *path, unsigned how, size_t max, char **out,
    size_t *len, char **cause)
{
	int fd = atomicfile_open(path, O_RDONLY, how, cause), rc;

	if (fd < 0)
		return fd;
	rc = read_open_file(fd, path, max, out, len, cause);
	close(fd);
	return rc;
}

int
atomicfile_read(const char *path, size_t max, char **out, size_t *len,
    char **cause)
{
	return read_whole(path, 0, max, out, len, cause);
}

int
atomicfile_read_private(const char *path, size_t max, char **out,
    size_t *len, char **cause)
{
	return read_whole(path, ATOMICFILE_PRIVATE, max, out, len, cause);
}

static int
write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
fsync_directory(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc;

	if (fd == -1)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/*
 * Point PATH.bak at the current content of path. Done through a temporary
 * name and a rename so that PATH.bak itself is never torn either.
 */
static int
keep_backup_of(const char *path, char **cause)
{
	char *bak = atomicfile_backup_path(path);
	char *tmp = xasprintf("%s.bak.tmp", path);
	int rc = -1;

	unlink(tmp);
	if (link(path, tmp) == -1) {
		if (errno == ENOENT)
			rc = 0; /* nothing to back up yet */
		else
			set_cause(cause, "%s: cannot keep a backup: %s", path,
			    strerror(errno));
		goto out;
	}
	if (rename(tmp, bak) == -1) {
		set_cause(cause, "%s: cannot keep a backup: %s", bak,
		    strerror(errno));
		unlink(tmp);
		goto out;
	}
	rc = 0;
out:
	free(tmp);
	free(bak);
	return rc;
}

static int
write_temporary(const char *tmp_template, char **tmp_out, const void *data,
    size_t len, mode_t mode, char **cause)
{
	char *tmp = xstrdup(tmp_template);
	int fd;

	fd = mkstemp(tmp);
	if (fd == -1) {
		set_cause(cause, "%s: cannot create: %s", tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	if (fchmod(fd, mode) == -1 || write_all(fd, data, len) == -1 ||
	    fsync(fd) == -1) {
		set_cause(cause, "%s: cannot write: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		free(tmp);
		return -1;
	}
	if (close(fd) == -1) {
		set_cause(cause, "%s: cannot write: %s", tmp, strerror(errno));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	*tmp_out = tmp;
	return 0;
}

int
atomicfile_write(const char *path, const void *data, size_t len, mode_t mode,
    int keep_backup, char **cause)
{
	char *template = xasprintf("%s.tmp.XXXXXX", path);
	char *dir = directory_of(path);
	char *tmp = NULL;
	int rc = -1;

	if (write_temporary(template, &tmp, data, len, mode, cause) == -1)
		goto out;
	if (keep_backup && keep_backup_of(path, cause) == -1) {
		unlink(tmp);
		goto out;
	}
	if (rename(tmp, path) == -1) {
		set_cause(cause, "%s: cannot replace: %s", path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	if (fsync_directory(dir) == -1) {
		set_cause(cause, "%s: cannot sync the directory: %s", dir,
		    strerror(errno));
		goto out;
	}
	rc = 0;
out:
	free(tmp);
	free(dir);
	free(template);
	return rc;
}
