/* What the harness needs from its host, one implementation per platform
 * (host_posix.c natively; the Wasm hosts bring their own). */
#ifndef POOLBENCH_HOST_H
#define POOLBENCH_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "json.h"

/* The synchronous sink: each call writes one complete line (the text plus a
 * newline) before it returns, from whatever thread calls it, so a crash leaves
 * every earlier line intact. The session owns it; NULL from sink_open on
 * error, with a one-line reason in err. */
typedef struct sink sink;
sink *sink_open(const char *path, char *err, size_t errlen);
void sink_write_line(sink *s, const char *text, size_t len);
void sink_close(sink *s);

/* The record's platform name: "native", "node", "chrome". */
const char *host_platform(void);
/* Whether plat_now_ns() read on two threads compares (one clock, one
 * origin): natively and under Node yes; in a browser every worker has its own
 * performance.now() origin, only roughly aligned, so a time taken on a worker
 * does not compare at the microsecond. */
bool host_threads_share_clock(void);
/* The most threads a pool may have here (Wasm: the pre-created workers). */
int host_max_threads(void);
/* Threads started ahead of need (Wasm: the pthread pool; natively 0, where
 * every thread starts at once anyway). */
int host_pre_created_threads(void);
/* mkdir -p on the real file system. */
int host_mkdirs(const char *path, char *err, size_t errlen);
/* Whether something (a file, a link, even a dangling one) is at `path`: a
 * run's records file already there belongs to an earlier run. 1 yes, 0 no,
 * -1 this host cannot look (the browser: the driver checks for it). */
int host_file_exists(const char *path);
/* The start of the file at `path` (up to `cap` bytes into head, *got of
 * them), its size and its last byte (-1 when empty), for checking what
 * --append would add to. A symbolic link, even a dangling one, is not
 * followed and anything but a regular file is refused before reading (a
 * FIFO would block, a device never end): 0, or -1 and the reason in err. */
int host_peek_file(const char *path, char *head, size_t cap, size_t *got, long long *size,
                   int *last, char *err, size_t errlen);
/* Writes to stderr directly from any thread (no proxying to a main thread
 * that may be the one stuck). */
void host_write_stderr(const char *text, size_t len);
/* Ends the process with `code` from a thread that is not the main one, after
 * the main thread had its chance (natively at once; under Node the main
 * thread exits from its wait hook, this is the fallback; in Chromium the
 * driver is told to end the run). Does not return. */
_Noreturn void host_exit_now(int code);
/* Writes one line with the platform's asynchronous console (Node's
 * console.log from the calling thread). NULL only asks whether there is one:
 * returns false where there is none (natively, in the browser host). */
bool host_console_log(const char *line);
/* CPU time the whole process used (all threads, each exact up to now), ns;
 * -1 if unavailable. */
int64_t host_cpu_time_ns(void);
/* What disturbed the process's threads so far, summed over all of them:
 * the time they were runnable but waited for a CPU (ns), and CPU
 * migrations. -1 in a field the host cannot count (Wasm: no counters;
 * migrations where perf events are refused). The first call opens the
 * counters: make it before any thread that should be counted starts. */
typedef struct host_interference {
  int64_t run_delay_ns, migrations;
} host_interference;
void host_interference_now(host_interference *out);
/* Which counters host_interference_now has, in words (for the header). */
const char *host_interference_source(void);
/* CPU time used so far by every process on the machine (all CPUs summed,
 * counted in the kernel's accounting steps) and by this process alone
 * (every thread it ever had), ns, and the step; all -1 where the host
 * cannot read the machine's (browsers). Their difference over a job is the
 * work that ran beside it, which no per-thread counter sees while the
 * job's threads sleep. */
typedef struct host_machine_cpu {
  int64_t all_ns, self_ns, step_ns;
} host_machine_cpu;
void host_machine_cpu_now(host_machine_cpu *out);
/* How long other processes' CPU-bound threads ran or were runnable but had
 * no CPU (their schedstat run time plus run-queue delay) since the previous
 * call, window_ns ago: the threads alive at both calls that wanted a CPU
 * for at least 3/4 of the window. It is the demand beside a job whether or
 * not the job let it run (a job at a high priority starves a busy process,
 * which then used little CPU but waited for it); a daemon's short wake-ups,
 * which wait a time slice behind a job's spinning threads, are not. -1 on
 * the first call and where the host cannot read other processes' (browsers,
 * kernels without schedstat). */
int64_t host_others_demand_ns(int64_t window_ns);
/* Adds the host's environment facts to the run header object. */
void host_probe(json *j);

#endif
