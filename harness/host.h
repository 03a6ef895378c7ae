/* What the harness needs from its host, one implementation per platform
 * (host_posix.c natively; the Wasm hosts bring their own). */
#ifndef POOLBENCH_HOST_H
#define POOLBENCH_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "json.h"

/* The synchronous sink: each call writes one complete line (the text plus a
 * newline) before it returns, from whatever thread calls it, so a crash leaves
 * every earlier line intact. */
int sink_open(const char *path, char *err, size_t errlen);
void sink_write_line(const char *text, size_t len);
void sink_close(void);

/* The record's platform name: "native", "node", "chrome". */
const char *host_platform(void);
/* The most threads a pool may have here (Wasm: the pre-created workers). */
int host_max_threads(void);
/* mkdir -p on the real file system. */
int host_mkdirs(const char *path, char *err, size_t errlen);
/* CPU time the whole process used (all threads), ns; -1 if unavailable. */
int64_t host_cpu_time_ns(void);
/* Adds the host's environment facts to the run header object. */
void host_probe(json *j);

#endif
