/* Interference counters natively. Each thread's run-queue delay
 * (/proc/self/task/<tid>/schedstat, second field: how long it was runnable
 * but not running) summed over the process's threads: it counts a thread
 * preempted mid-repetition and one that starts a repetition still waiting
 * for its CPU alike, which a count of involuntary switches misses. One
 * software perf event counts the CPU migrations of the thread that opened
 * it, the caller: the pools' workers are pinned after it (and re-pinned when
 * it moves), and an unpinned runtime's workers (OpenMP, oneTBB) are moved by
 * the kernel at a wake-up on a quiet machine too, which is no interference. */
#define _GNU_SOURCE /* syscall() */
#include "host.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int migrations_fd = -1;
static bool have_schedstat;

/* Sum of the threads' run-queue delays (ns), -1 without schedstat. */
static int64_t run_delay_ns(void) {
  DIR *d = opendir("/proc/self/task");
  if (!d) return -1;
  int64_t sum = 0;
  bool any = false;
  struct dirent *e;
  char path[64], buf[96];
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue;
    snprintf(path, sizeof path, "/proc/self/task/%.16s/schedstat", e->d_name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue; /* a thread that just ended */
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) continue;
    buf[n] = 0;
    unsigned long long run, delay;
    if (sscanf(buf, "%llu %llu", &run, &delay) == 2) sum += (int64_t)delay, any = true;
  }
  closedir(d);
  return any ? sum : -1;
}

static void open_counters(void) {
  have_schedstat = run_delay_ns() >= 0;
  struct perf_event_attr a;
  memset(&a, 0, sizeof a);
  a.type = PERF_TYPE_SOFTWARE;
  a.size = sizeof a;
  a.config = PERF_COUNT_SW_CPU_MIGRATIONS;
  a.exclude_kernel = 1; /* allowed at perf_event_paranoid 2; a migration still counts */
  a.exclude_hv = 1;
  migrations_fd = (int)syscall(SYS_perf_event_open, &a, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
}

/* A thread of another process: its run time plus run-queue delay so far. */
typedef struct {
  long tid;
  int64_t demand;
} task_demand;

static int by_tid(const void *a, const void *b) {
  long x = ((const task_demand *)a)->tid, y = ((const task_demand *)b)->tid;
  return (x > y) - (x < y);
}

/* Every other process's threads' demands, sorted by thread id: the count,
 * or -1 if /proc cannot be read (or memory ran out). *out is the caller's
 * to free. */
static long others_demands(task_demand **out) {
  *out = NULL;
  DIR *procs = opendir("/proc");
  if (!procs) return -1;
  long n = 0, cap = 0, self = (long)getpid();
  struct dirent *p;
  while ((p = readdir(procs)) != NULL) {
    char *end;
    long pid = strtol(p->d_name, &end, 10);
    if (*end || pid <= 0 || pid == self) continue;
    char path[64], buf[96];
    snprintf(path, sizeof path, "/proc/%ld/task", pid);
    DIR *tasks = opendir(path);
    if (!tasks) continue; /* a process that just ended */
    struct dirent *t;
    while ((t = readdir(tasks)) != NULL) {
      long tid = strtol(t->d_name, &end, 10);
      if (*end || tid <= 0) continue;
      snprintf(path, sizeof path, "/proc/%ld/task/%ld/schedstat", pid, tid);
      int fd = open(path, O_RDONLY | O_CLOEXEC);
      if (fd < 0) continue;
      ssize_t got = read(fd, buf, sizeof buf - 1);
      close(fd);
      unsigned long long run, delay;
      if (got <= 0) continue;
      buf[got] = 0;
      if (sscanf(buf, "%llu %llu", &run, &delay) != 2) continue;
      if (n == cap) {
        task_demand *grown = realloc(*out, (size_t)(cap = cap ? 2 * cap : 256) * sizeof *grown);
        if (!grown) {
          n = -1;
          break;
        }
        *out = grown;
      }
      (*out)[n++] = (task_demand){tid, (int64_t)(run + delay)};
    }
    closedir(tasks);
    if (n < 0) break;
  }
  closedir(procs);
  if (n < 0) {
    free(*out);
    *out = NULL;
    return -1;
  }
  if (n > 1) qsort(*out, (size_t)n, sizeof **out, by_tid);
  return n;
}

/* Only the harness's main thread takes it, once per job. */
int64_t host_others_demand_ns(int64_t window_ns) {
  static task_demand *was;
  static long n_was = -1;
  task_demand *now;
  long n_now = others_demands(&now);
  int64_t sum = -1;
  if (n_now >= 0 && n_was >= 0) {
    sum = 0;
    for (long i = 0, j = 0; i < n_now && j < n_was;) {
      if (now[i].tid < was[j].tid) i++;
      else if (now[i].tid > was[j].tid) j++;
      else {
        int64_t d = now[i].demand - was[j].demand;
        if (4 * d >= 3 * window_ns) sum += d;
        i++, j++;
      }
    }
  }
  free(was);
  was = now;
  n_was = n_now;
  return sum;
}

void host_interference_now(host_interference *out) {
  pthread_once(&once, open_counters);
  out->run_delay_ns = have_schedstat ? run_delay_ns() : -1;
  uint64_t n;
  out->migrations = migrations_fd >= 0 && read(migrations_fd, &n, sizeof n) == (ssize_t)sizeof n
                        ? (int64_t)n : -1;
}

const char *host_interference_source(void) {
  pthread_once(&once, open_counters);
  if (have_schedstat && migrations_fd >= 0) return "schedstat run-queue delay, perf cpu-migrations";
  if (have_schedstat) return "schedstat run-queue delay (perf events refused: no migrations)";
  if (migrations_fd >= 0) return "perf cpu-migrations (no schedstat: preemption not seen)";
  return NULL;
}

/* /proc/stat's first line sums every CPU: user, nice, system, idle, iowait,
 * irq, softirq, steal (guest time is inside user). Busy is all but idle,
 * iowait and steal (the host's, not this machine's work). */
void host_machine_cpu_now(host_machine_cpu *out) {
  out->all_ns = out->self_ns = out->step_ns = -1;
  long tick = sysconf(_SC_CLK_TCK);
  int fd = open("/proc/stat", O_RDONLY | O_CLOEXEC);
  if (fd < 0 || tick <= 0) {
    if (fd >= 0) close(fd);
    return;
  }
  char buf[256];
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return;
  buf[n] = 0;
  unsigned long long v[7];
  if (sscanf(buf, "cpu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4],
             &v[5], &v[6]) != 7)
    return;
  struct timespec ts;
  if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0) return;
  out->step_ns = 1000000000 / tick;
  out->all_ns = (int64_t)(v[0] + v[1] + v[2] + v[5] + v[6]) * out->step_ns;
  out->self_ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}
