/* Whole-file reads and atomic writes with a backup. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicfile.h"
#include "tap.h"
#include "xalloc.h"

/* In a child that may not write into the directory. */
static void
write_refused(void *arg)
{
	const char *path = arg;
	char *cause = NULL;
	int rc = atomicfile_write(path, "three\n", 6, 0600, 1, &cause);

	_exit(rc == -1 && strstr(cause, "cannot create") != NULL ? 0 : 1);
}

int
main(void)
{
	char *dir = tap_tmpdir("atomicfile");
	char *path = xasprintf("%s/f", dir), *bak = atomicfile_backup_path(path);
	char *text = NULL, *cause = NULL, *got;
	struct stat sb;
	size_t len;

	tap_is_int(atomicfile_read(path, 100, &text, &len, &cause),
	    ATOMICFILE_ENOENT, "reading a missing file says so");
	tap_ok(atomicfile_write(path, "one\n", 4, 0600, 1, &cause) == 0,
	    "first write");
	tap_ok(access(bak, F_OK) == -1, "no backup of nothing");
	tap_ok(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600,
	    "mode 0600");
	tap_ok(atomicfile_write(path, "two\n", 4, 0600, 1, &cause) == 0,
	    "second write");
	got = tap_read_file(bak);
	tap_is_str(got, "one\n", "the backup holds the previous content");
	free(got);
	tap_ok(atomicfile_read(path, 100, &text, &len, &cause) == 0 &&
	    len == 4 && strcmp(text, "two\n") == 0, "read back the new one");
	free(text);
	tap_ok(atomicfile_read(path, 3, &text, &len, &cause) == -1,
	    "a file over the limit is refused");
	tap_contains(cause, "too large", "with a reason");
	tap_ok(atomicfile_read(dir, 100, &text, &len, &cause) == -1,
	    "a directory is not a file");
	/* The directory must be enterable by the unprivileged child. */
	chmod(dir, 0555);
	tap_is_int(tap_run_unprivileged(write_refused, path), 0,
	    "an unwritable directory is an error");
	got = tap_read_file(path);
	tap_is_str(got, "two\n", "and the file is untouched");
	free(got);
	chmod(dir, 0700);
	free(cause);
	free(bak);
	free(path);
	free(dir);
	return tap_done();
}
