/* Node.js host (Emscripten pthreads). Every line is written with Node's fs
 * from the thread that produced it: a pthread is a Node worker that can
 * require('fs') itself, so nothing is proxied to the main thread and a crash
 * or abort() leaves every earlier line on disk. */
#include "host.h"
#include "host_wasm.h"

#include <emscripten.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform.h"
#include "quote.h"

struct sink {
  int fd;     /* an OS descriptor: valid in every worker */
  char *path; /* for the message when a write fails */
};

EM_JS(int, js_sink_open, (const char *path, char *err, int errlen), {
  try {
    var fs = require('fs');
    var p = UTF8ToString(path);
    var c = fs.constants; // 'a', but a link is not followed
    var fd = fs.openSync(p, c.O_WRONLY | c.O_CREAT | c.O_APPEND | c.O_NOFOLLOW, 0o644);
    Module['poolbenchSinkFd'] = fd; // for the fatal-error handlers (host_node_pre.js)
    return fd;
  } catch (e) {
    stringToUTF8(String(e.message), err, errlen);
    return -1;
  }
});

// A line that cannot be written (disk full, I/O error) ends the run at once,
// from whichever thread wrote it, with one line on stderr: a run that goes on
// would report success with records missing. The main thread exits with 1; a
// pthread (a Node worker) cannot end the process with a code, so it kills it.
EM_JS(void, js_sink_write, (int fd, const char *path, const char *text, int len), {
  // slice() copies out of the shared heap: fs will not take a shared view.
  var buf = Buffer.concat([Buffer.from(HEAPU8.slice(text, text + len)), Buffer.from('\n')]);
  var fs = require('fs');
  try {
    for (var off = 0; off < buf.length;) {
      var n = fs.writeSync(fd, buf, off, buf.length - off);
      if (n <= 0) throw new Error('wrote nothing (disk full?)');
      off += n;
    }
  } catch (e) {
    try {
      fs.writeSync(2, 'poolbench: cannot write ' + UTF8ToString(path) + ': ' +
                      String(e.message).split('\n')[0].replace(/, write$/, '') + '; the run stops here\n');
    } catch (e2) {}
    if (ENVIRONMENT_IS_PTHREAD) process.kill(process.pid, 'SIGKILL');
    process.exit(1);
  }
});

EM_JS(void, js_write_stderr, (const char *text, int len), {
  require('fs').writeSync(2, Buffer.from(HEAPU8.slice(text, text + len)));
});

EM_JS(void, js_kill_process, (void), { process.kill(process.pid, 'SIGKILL'); });

EM_JS(void, js_console_log, (const char *line), { console.log(UTF8ToString(line)); });

EM_JS(void, js_sink_close, (int fd), { require('fs').closeSync(fd); });

EM_JS(double, js_cpu_time_us, (void), {
  var u = process.cpuUsage(); // the whole process, every worker included
  return u.user + u.system;
});

/* The machine's busy CPU time from /proc/stat's first line (user, nice,
 * system, irq and softirq; not idle, iowait or steal), in its USER_HZ
 * steps: 100 per second on Linux, which Node cannot ask sysconf for.
 * -1 where there is no /proc/stat. */
EM_JS(double, js_machine_busy_steps, (void), {
  try {
    var v = require('fs').readFileSync('/proc/stat', 'latin1').split('\n')[0].split(/ +/);
    if (v[0] !== 'cpu' || v.length < 8) return -1;
    return +v[1] + +v[2] + +v[3] + +v[6] + +v[7];
  } catch (e) {
    return -1;
  }
});

/* Other processes' CPU-bound threads' run time plus run-queue delay (ns,
 * schedstat's first two fields) since the previous call, window_ns ago
 * (host.h says which threads count); -1 the first time and where /proc
 * cannot be read. The last snapshot stays in JS. */
EM_JS(double, js_others_demand_ns, (double window_ns), {
  var fs = require('fs'), now = new Map(), sum = 0;
  try {
    fs.readdirSync('/proc').forEach(function(pid) {
      if (!/^[0-9]+$/.test(pid) || +pid === process.pid) return;
      try {
        fs.readdirSync('/proc/' + pid + '/task').forEach(function(tid) {
          try {
            var f = fs.readFileSync('/proc/' + pid + '/task/' + tid + '/schedstat', 'latin1').split(' ');
            now.set(tid, +f[0] + +f[1]);
          } catch (e) {} // a thread that just ended
        });
      } catch (e) {} // a process that just ended
    });
  } catch (e) {
    return -1;
  }
  var was = globalThis.poolbenchOthersDemand;
  globalThis.poolbenchOthersDemand = now;
  if (!was) return -1;
  now.forEach(function(demand, tid) {
    var before = was.get(tid);
    if (before !== undefined && 4 * (demand - before) >= 3 * window_ns) sum += demand - before;
  });
  return sum;
});

EM_JS(void, js_probe, (char *out, int len), {
  var os = require('os');
  var cpus = os.cpus();
  var facts = {
    cpu_model: cpus.length ? cpus[0].model : null,
    kernel: os.type() + ' ' + os.release() + ' ' + os.arch(),
    node_version: process.versions.node,
    v8_version: process.versions.v8,
    // An experiment's engine flags (node --liftoff-only ...); absent: the defaults.
    engine_flags: process.execArgv.length ? process.execArgv.join(' ') : undefined,
    shared_array_buffer: typeof SharedArrayBuffer !== 'undefined',
    os_cpus: cpus.length,
    nice: os.getPriority(), // of the main thread, which the pthread Workers share
    hardware_concurrency: typeof navigator !== 'undefined' && navigator.hardwareConcurrency
                              ? navigator.hardwareConcurrency : null
  };
  stringToUTF8(JSON.stringify(facts).slice(1, -1), out, len);
});

// mkdir -p one level at a time, as natively: Node 20's recursive mkdirSync
// spins forever on a path under /proc. Each level either is made or already
// exists; the first that fails is the one the message names: its number of
// parts is returned (0: all made), the reason written to why.
EM_JS(int, js_mkdirs, (const char *path, char *why, int whylen), {
  var fs = require('fs');
  var p = UTF8ToString(path);
  var parts = p.split('/');
  for (var i = 1; i <= parts.length; i++) {
    var dir = parts.slice(0, i).join('/');
    if (dir === '' || parts[i - 1] === '') continue; // the root, or '//' and a trailing '/'
    try {
      fs.mkdirSync(dir);
    } catch (e) {
      if (e.code === 'EEXIST') continue;
      // "ENOENT: no such file or directory, mkdir '/proc/x'" -> the reason only
      stringToUTF8(String(e.message).split('\n')[0].replace(/, mkdir .*$/, ''), why, whylen);
      return i;
    }
  }
  return 0;
});

EM_JS(int, js_file_exists, (const char *path), {
  try {
    require('fs').lstatSync(UTF8ToString(path));
    return 1;
  } catch (e) {
    return 0;
  }
});

// As natively: O_NOFOLLOW, and O_NONBLOCK so a FIFO's open cannot wait.
EM_JS(int, js_peek_file, (const char *path, char *head, int cap, double *size, int *last,
                          char *err, int errlen), {
  var fs = require('fs');
  var c = fs.constants;
  var fd = -1;
  try {
    fd = fs.openSync(UTF8ToString(path), c.O_RDONLY | c.O_NOFOLLOW | c.O_NONBLOCK);
    var st = fs.fstatSync(fd);
    if (!st.isFile()) throw new Error('it is not a regular file');
    var buf = Buffer.alloc(cap);
    var got = 0, n;
    while (got < cap && (n = fs.readSync(fd, buf, got, cap - got, got)) > 0) got += n;
    HEAPU8.set(buf.subarray(0, got), head);
    HEAPF64[size >> 3] = st.size;
    HEAP32[last >> 2] = -1;
    if (st.size > 0) {
      var b = Buffer.alloc(1);
      if (fs.readSync(fd, b, 0, 1, st.size - 1) != 1) throw new Error('cannot read it: it shrank');
      HEAP32[last >> 2] = b[0];
    }
    fs.closeSync(fd);
    return got;
  } catch (e) {
    if (fd >= 0) fs.closeSync(fd);
    var why = e.code === 'ELOOP' ? 'it is a symbolic link' : String(e.message).split('\n')[0].replace(/, open .*$/, '');
    stringToUTF8(why, err, errlen);
    return -1;
  }
});

int host_peek_file(const char *path, char *head, size_t cap, size_t *got, long long *size,
                   int *last, char *err, size_t errlen) {
  double sz = 0;
  int n = js_peek_file(path, head, (int)cap, &sz, last, err, (int)errlen);
  if (n < 0) return -1;
  *got = (size_t)n;
  *size = (long long)sz;
  return 0;
}

sink *sink_open(const char *path, char *err, size_t errlen) {
  sink *s = calloc(1, sizeof *s);
  if (!s) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  s->fd = js_sink_open(path, err, (int)errlen);
  if (s->fd < 0) {
    free(s);
    return NULL;
  }
  s->path = strdup(path);
  return s;
}

void sink_write_line(sink *s, const char *text, size_t len) {
  if (s && s->fd >= 0) js_sink_write(s->fd, s->path ? s->path : "the records file", text, (int)len);
}

void sink_close(sink *s) {
  if (!s) return;
  if (s->fd >= 0) js_sink_close(s->fd);
  free(s->path);
  free(s);
}

const char *host_platform(void) { return "node"; }

/* Emscripten's clock under Node is process.hrtime() on every thread. */
bool host_threads_share_clock(void) { return true; }

int64_t host_cpu_time_ns(void) { return (int64_t)(js_cpu_time_us() * 1000.0); }

void host_machine_cpu_now(host_machine_cpu *out) {
  double steps = js_machine_busy_steps();
  out->all_ns = out->self_ns = out->step_ns = -1;
  if (!(steps >= 0)) return;
  out->step_ns = 10000000;
  out->all_ns = (int64_t)steps * out->step_ns;
  out->self_ns = host_cpu_time_ns();
}

int64_t host_others_demand_ns(int64_t window_ns) {
  return (int64_t)js_others_demand_ns((double)window_ns);
}

int host_mkdirs(const char *path, char *err, size_t errlen) {
  char why[256] = "";
  int parts = js_mkdirs(path, why, (int)sizeof why);
  if (parts == 0) return 0;
  size_t n = 0; /* the level that failed: path up to its parts-th '/' */
  for (int seps = 0; path[n] && !(path[n] == '/' && ++seps == parts); n++) {
  }
  char *dir = strndup(path, n);
  snprintf(err, errlen, "cannot create %s: %s", dir ? QUOTED(dir) : "a directory", why);
  free(dir);
  return -1;
}

int host_file_exists(const char *path) { return js_file_exists(path) != 0; }

void host_probe(json *j) {
  char facts[1024] = "";
  js_probe(facts, sizeof facts);
  json_raw(j, NULL, facts);
  host_wasm_probe(j);
}

void host_write_stderr(const char *text, size_t len) { js_write_stderr(text, (int)len); }

_Noreturn void host_exit_now(int code) {
  (void)code;
  /* A Node worker cannot end the process with a code: the main thread does,
   * from the pools' wait hook. If it is stuck elsewhere, kill after 3 s. */
  plat_sleep_ns(3000000000u);
  js_kill_process();
  for (;;) plat_sleep_ns(1000000000u);
}

bool host_console_log(const char *line) {
  if (line) js_console_log(line);
  return true;
}
