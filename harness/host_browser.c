/* Browser host: the program runs in a dedicated Web Worker of a
 * cross-origin-isolated page, its pthreads in further workers. Each line is a
 * synchronous XMLHttpRequest POST from the thread that wrote it (allowed off
 * the page's main thread) to the local server, which checks it against the
 * record contract and appends it to the run's file with fs.appendFileSync: a
 * crashed or hung worker leaves every earlier line on disk. */
#include "host.h"
#include "host_wasm.h"

#include <emscripten.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform.h"

// poolbenchPost (harness/web/post.js, loaded in every worker by
// host_browser_pre.js) adds the run's token. On a refusal `why` gets the
// server's one-line reason.
EM_JS(int, js_post_line, (const char *endpoint, const char *text, int len, char *why, int whylen), {
  // slice() copies out of the shared heap: TextDecoder refuses shared views.
  var line = new TextDecoder().decode(HEAPU8.slice(text, text + len));
  var r = poolbenchPost.sync(UTF8ToString(endpoint), line);
  if (!r.ok && why) stringToUTF8(r.why.split('\n')[0], why, whylen);
  return r.ok ? 0 : -1;
});

/* Facts only the page (main thread) or the driver know, handed to the worker
 * as Module.poolbenchPage by host_worker.js. */
EM_JS(void, js_probe, (char *out, int len), {
  var page = Module['poolbenchPage'] || {};
  var g = typeof self !== 'undefined' ? self : globalThis;
  var facts = {
    browser: page.browser || null,
    user_agent: g.navigator ? navigator.userAgent : null,
    cross_origin_isolated: !!g.crossOriginIsolated,
    shared_array_buffer: typeof SharedArrayBuffer !== 'undefined',
    hardware_concurrency: g.navigator ? navigator.hardwareConcurrency : null,
    performance_now_step_us: page.performance_now_step_us,
    jspi: typeof WebAssembly.Suspending === 'function',
    main_thread_atomics_wait: page.main_thread_atomics_wait,
    timer_precision_reduction_off: !!page.timer_precision_reduction_off,
    start_attempt: page.start_attempt || 1,
    nice: page.nice, // of the driver, which holds the browser it launched there
    browser_version: page.browser_version || null,
    grid_node: page.grid_node, // undefined off a Grid: JSON.stringify leaves it out
    engine_flags: page.engine_flags, // Chromium's --js-flags; undefined: the defaults
    cpu_model: page.cpu_model || null, // a browser cannot say; a Grid node may
    kernel: page.kernel || null
  };
  stringToUTF8(JSON.stringify(facts).slice(1, -1), out, len);
});

/* Tells the driver the run ended (it prints `message` and closes the
 * browser), then waits for that: no later line can reach the records. */
static _Noreturn void end_run(int code, const char *message) {
  char path[32];
  snprintf(path, sizeof path, "/exit?code=%d", code);
  js_post_line(path, message, (int)strlen(message), NULL, 0);
  for (;;) plat_sleep_ns(1000000000u);
}

struct sink {
  char *path; /* the driver's file, for the message when a write fails */
};

sink *sink_open(const char *path, char *err, size_t errlen) {
  char why[256] = "";
  if (js_post_line("/result?probe=1", "", 0, why, sizeof why) != 0) {
    snprintf(err, errlen, "the local server does not accept records (POST /result: %s)", why);
    return NULL;
  }
  sink *s = calloc(1, sizeof *s);
  if (!s) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  if (path) s->path = strdup(path);
  return s;
}

/* A record the server refuses (or cannot take) ends the run at once, from
 * whichever thread wrote it, as a failed write does natively: a run that goes
 * on would report success with records missing. */
void sink_write_line(sink *s, const char *text, size_t len) {
  char why[256] = "";
  if (!s || js_post_line("/result", text, (int)len, why, sizeof why) == 0) return;
  static const char fmt[] = "poolbench: cannot write %s: the local server refused the record (%s); "
                            "the run stops here";
  const char *path = s->path ? s->path : "the records file";
  size_t n = sizeof fmt + strlen(path) + strlen(why);
  char *msg = malloc(n);
  if (msg) snprintf(msg, n, fmt, path, why);
  end_run(1, msg ? msg : "poolbench: cannot write the records file; the run stops here");
}

void sink_close(sink *s) {
  if (!s) return;
  free(s->path);
  free(s);
}

/* The browser the driver launched ("chrome", "firefox"), from the page's URL
 * (post.js checks it against that list). */
EM_JS(void, js_platform, (char *out, int len), {
  var p = typeof poolbenchPost !== 'undefined' ? poolbenchPost.platform : 'chrome';
  stringToUTF8(p, out, len);
});

const char *host_platform(void) {
  static char name[16];
  if (!name[0]) js_platform(name, sizeof name);
  return name;
}

/* A worker's clock is its performance.now() less an offset guessed from a
 * message's send time, off by the message's latency. */
bool host_threads_share_clock(void) { return false; }

int host_mkdirs(const char *path, char *err, size_t errlen) {
  (void)path, (void)err, (void)errlen; /* the driver made the run directory */
  return 0;
}

int host_peek_file(const char *path, char *head, size_t cap, size_t *got, long long *size,
                   int *last, char *err, size_t errlen) {
  (void)path, (void)head, (void)cap, (void)got, (void)size, (void)last;
  snprintf(err, errlen, "the browser cannot read files (the driver checks its own)");
  return -1;
}

int64_t host_cpu_time_ns(void) { return -1; } /* browsers expose no CPU clock */

int64_t host_others_demand_ns(int64_t window_ns) {
  (void)window_ns;
  return -1;
}

void host_machine_cpu_now(host_machine_cpu *out) {
  out->all_ns = out->self_ns = out->step_ns = -1; /* nor the machine's */
}

void host_probe(json *j) {
  char facts[2048] = "";
  js_probe(facts, sizeof facts);
  json_raw(j, NULL, facts);
  host_wasm_probe(j);
}

void host_write_stderr(const char *text, size_t len) {
  if (len && text[len - 1] == '\n') len--; /* the server ends each line */
  js_post_line("/log?stream=err", text, (int)len, NULL, 0);
}

_Noreturn void host_exit_now(int code) { end_run(code, "watchdog"); }

bool host_console_log(const char *line) {
  (void)line; /* worker consoles are not captured by the driver */
  return false;
}
