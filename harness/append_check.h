/* What `--append` may add to: a records file of this platform's run, whole. */
#ifndef POOLBENCH_APPEND_CHECK_H
#define POOLBENCH_APPEND_CHECK_H

#include <stddef.h>

/* 0 when `path` is a regular file (not a link) whose line 1 is a header of
 * this schema of `platform` and whose last line ends with a newline; else -1 and
 * one line in err saying why. Reads the file, never writes it. */
int append_check(const char *path, const char *platform, char *err, size_t errlen);

#endif
