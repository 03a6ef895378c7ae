/* Native host: write(2) on an O_APPEND descriptor, /proc and uname probes. */
#include "host.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "cpu_model.h"
#include "platform.h"
#include "pool.h"
#include "quote.h"

struct sink {
  int fd;
  char *path; /* for the message when a write fails */
};

/* The open sink's descriptor, for the fatal-signal handler: a handler takes
 * no argument, so this is the one way it reaches the session's sink. */
static volatile sig_atomic_t fatal_fd = -1;

/* A fatal signal (abort() in a worker, a crash) becomes one "error" record,
 * written with write(2) only (async-signal-safe), then the default action. */
static void on_fatal(int sig) {
  static const char head[] =
      "{\"type\":\"error\",\"platform\":\"native\",\"scenario\":\"signal\","
      "\"backend\":null,\"mode\":null,\"message\":\"";
  const char *name = sig == SIGABRT ? "SIGABRT" : sig == SIGSEGV ? "SIGSEGV"
                   : sig == SIGBUS ? "SIGBUS" : sig == SIGFPE ? "SIGFPE" : "SIGILL";
  int fd = fatal_fd;
  if (fd >= 0) {
    struct iovec v[3] = {{(void *)head, sizeof head - 1},
                         {(void *)name, strlen(name)},
                         {"\"}\n", 3}};
    ssize_t r = writev(fd, v, 3);
    (void)r;
  }
  signal(sig, SIG_DFL);
  raise(sig);
}

sink *sink_open(const char *path, char *err, size_t errlen) {
  sink *s = calloc(1, sizeof *s);
  if (!s) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  s->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (s->fd < 0) {
    snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
    free(s);
    return NULL;
  }
  s->path = strdup(path);
  fatal_fd = s->fd;
  static const int fatal[] = {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL};
  for (size_t i = 0; i < sizeof fatal / sizeof *fatal; i++) signal(fatal[i], on_fatal);
  /* Past a file size limit (ulimit -f) the kernel would kill the run mid-line
   * without a word: ignored, the write fails with EFBIG and says so. */
  signal(SIGXFSZ, SIG_IGN);
  return s;
}

/* A record that cannot be written ends the run at once, from whichever thread
 * wrote it: a run that goes on would report success with records missing.
 * _exit leaves every line already written as it is (no stdio flush, no
 * atexit handlers racing the other threads). */
static _Noreturn void sink_failed(const sink *s, int errnum) {
  char why[128] = "wrote nothing (disk full?)";
  if (errnum) strerror_r(errnum, why, sizeof why);
  static const char head[] = "poolbench: cannot write ";
  const char *path = s->path ? s->path : "the records file";
  struct iovec v[5] = {{(void *)head, sizeof head - 1}, {(void *)path, strlen(path)},
                       {": ", 2}, {why, strlen(why)}, {"; the run stops here\n", 21}};
  ssize_t r = writev(2, v, 5);
  (void)r;
  _exit(1);
}

void sink_write_line(sink *s, const char *text, size_t len) {
  if (!s || s->fd < 0) return;
  /* One writev per line: with O_APPEND the line lands whole, after every
   * line written before it, whichever thread wrote it. */
  struct iovec v[2] = {{(void *)text, len}, {"\n", 1}};
  ssize_t left = (ssize_t)len + 1;
  while (left > 0) {
    ssize_t n = writev(s->fd, v, 2);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) sink_failed(s, n < 0 ? errno : 0);
    left -= n;
    if (left == 0) return;
    /* A short write (disk full, signal): finish the rest byte-exactly. */
    size_t done = (size_t)n;
    if (done < v[0].iov_len) {
      v[0].iov_base = (char *)v[0].iov_base + done;
      v[0].iov_len -= done;
    } else {
      v[1].iov_base = (char *)v[1].iov_base + (done - v[0].iov_len);
      v[1].iov_len -= done - v[0].iov_len;
      v[0].iov_len = 0;
    }
  }
}

void sink_close(sink *s) {
  if (!s) return;
  if (fatal_fd == s->fd) fatal_fd = -1;
  if (s->fd >= 0 && close(s->fd) != 0) sink_failed(s, errno); /* NFS reports late */
  free(s->path);
  free(s);
}

const char *host_platform(void) { return "native"; }

bool host_threads_share_clock(void) { return true; }

int host_max_threads(void) { return POOL_MAX_THREADS; }

int host_pre_created_threads(void) { return 0; }

/* A copy of the path as long as it is: a path is bounded by nothing but the
 * kernel's limit per component and per call. */
int host_mkdirs(const char *path, char *err, size_t errlen) {
  char *tmp = strdup(path);
  if (!tmp) {
    snprintf(err, errlen, "cannot create %s: out of memory", path);
    return -1;
  }
  int rc = 0;
  for (char *p = tmp + (*tmp != 0);; p++) {
    if (*p != '/' && *p) continue;
    char c = *p;
    *p = 0;
    if (mkdir(tmp, 0755) != 0 && errno != EEXIST) {
      snprintf(err, errlen, "cannot create %s: %s", QUOTED(tmp), strerror(errno));
      rc = -1;
      break;
    }
    if (!c) break;
    *p = c;
  }
  free(tmp);
  return rc;
}

int host_file_exists(const char *path) {
  struct stat st;
  return lstat(path, &st) == 0;
}

int host_peek_file(const char *path, char *head, size_t cap, size_t *got, long long *size,
                   int *last, char *err, size_t errlen) {
  /* O_NONBLOCK: opening a FIFO must not wait for a writer. */
  int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    snprintf(err, errlen, "%s", errno == ELOOP ? "it is a symbolic link" : strerror(errno));
    return -1;
  }
  struct stat st;
  int rc = -1;
  if (fstat(fd, &st) != 0) {
    snprintf(err, errlen, "%s", strerror(errno));
  } else if (!S_ISREG(st.st_mode)) {
    snprintf(err, errlen, "it is not a regular file");
  } else {
    *got = 0;
    *size = (long long)st.st_size;
    *last = -1;
    ssize_t n = 1;
    while (*got < cap && (n = read(fd, head + *got, cap - *got)) > 0) *got += (size_t)n;
    unsigned char b;
    if (n < 0 || (st.st_size > 0 && pread(fd, &b, 1, st.st_size - 1) != 1))
      snprintf(err, errlen, "cannot read it: %s", n < 0 ? strerror(errno) : "it shrank");
    else
      rc = 0;
    if (rc == 0 && st.st_size > 0) *last = b;
  }
  close(fd);
  return rc;
}

static int64_t clock_ns(clockid_t c) {
  struct timespec ts;
  if (clock_gettime(c, &ts) != 0) return -1;
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The sum of every thread's own CPU clock, not CLOCK_PROCESS_CPUTIME_ID:
 * Linux adds up the other threads' runtime as of their last tick or context
 * switch, so a worker still spinning when a window opens has its last
 * milliseconds charged to the window, more than a short spin itself costs.
 * A thread's clock is exact even while it runs on another CPU. A thread that
 * exits inside a window takes its time with it, so a window must not span a
 * pool's creation or destruction. */
int64_t host_cpu_time_ns(void) {
  DIR *d = opendir("/proc/self/task");
  if (!d) return clock_ns(CLOCK_PROCESS_CPUTIME_ID);
  int64_t sum = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue;
    /* The kernel's CPU clock id of a thread (MAKE_THREAD_CPUCLOCK(tid,
     * CPUCLOCK_SCHED)), what pthread_getcpuclockid returns for our own. */
    clockid_t c = (clockid_t)((~(unsigned)atoi(e->d_name) << 3) | 6);
    int64_t t = clock_ns(c);
    if (t > 0) sum += t;
  }
  closedir(d);
  return sum;
}

/* First line of `path` starting with `prefix`, value after the colon. */
static int read_field(const char *path, const char *prefix, char *out, size_t n) {
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  char line[512];
  int found = -1;
  while (fgets(line, sizeof line, f)) {
    if (prefix && strncmp(line, prefix, strlen(prefix)) != 0) continue;
    char *v = prefix ? strchr(line, ':') : line - 1;
    if (!v) continue;
    v++;
    while (*v == ' ' || *v == '\t') v++;
    v[strcspn(v, "\n")] = 0;
    snprintf(out, n, "%s", v);
    found = 0;
    break;
  }
  fclose(f);
  return found;
}

/* The start of /proc/cpuinfo (the first CPU's block is all the name needs),
 * NUL-terminated, or NULL. */
static char *read_cpuinfo(void) {
  FILE *f = fopen("/proc/cpuinfo", "r");
  if (!f) return NULL;
  size_t cap = 65536;
  char *text = malloc(cap);
  size_t n = text ? fread(text, 1, cap - 1, f) : 0;
  fclose(f);
  if (text) text[n] = 0;
  return text;
}

void host_probe(json *j) {
  char buf[512]; /* read_field's whole line fits */
  struct utsname u;
  bool have_uname = uname(&u) == 0;
  char *cpuinfo = read_cpuinfo();
  cpu_model_from(cpuinfo, have_uname ? u.machine : NULL, buf, sizeof buf);
  free(cpuinfo);
  json_str(j, "cpu_model", buf);
  json_int(j, "logical_cores", plat_cpu_count());
  if (have_uname) {
    char k[300];
    snprintf(k, sizeof k, "%s %s %s", u.sysname, u.release, u.machine);
    json_str(j, "kernel", k);
  }
  json_str(j, "governor",
           read_field("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", NULL,
                      buf, sizeof buf) == 0 ? buf : NULL);
  /* The threads inherit it (make bench takes -20 where permitted). */
  errno = 0;
  int nice = getpriority(PRIO_PROCESS, 0);
  if (errno == 0) json_int(j, "nice", nice);
  else json_str(j, "nice", NULL);
}

void host_write_stderr(const char *text, size_t len) {
  ssize_t r = write(2, text, len);
  (void)r;
}

_Noreturn void host_exit_now(int code) { _exit(code); }

bool host_console_log(const char *line) {
  (void)line; /* stdio here is synchronous: nothing to lose */
  return false;
}
