#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness_internal.h"
#include "platform.h"
#include "scenarios.h"
#include "watchdog.h"

#define READY_DEADLINE_NS 10000000000u /* 10 s: Wasm threads start late */

/* The injection knob (scenarios.h), as scenario_pool last read it. */
static struct {
  uint64_t ns;
  const char *only; /* NULL: every backend */
} inject;

static void inject_read(void) {
  const char *ns = getenv("POOLBENCH_INJECT_DELAY_NS");
  const char *only = getenv("POOLBENCH_INJECT_BACKEND");
  inject.ns = ns && *ns ? strtoull(ns, NULL, 10) : 0;
  inject.only = only && *only ? only : NULL;
}

int scenario_parallel_for(pool *p, size_t begin, size_t end, size_t grain,
                          pool_body body, void *ctx) {
  if (!inject.ns || (inject.only && strcmp(inject.only, pool_backend_name(p)) != 0))
    return pool_parallel_for(p, begin, end, grain, body, ctx);
  /* Only parallel calls are slowed: the stats tell an inline call. */
  pool_stats_t a, b;
  pool_stats(p, &a);
  int rc = pool_parallel_for(p, begin, end, grain, body, ctx);
  pool_stats(p, &b);
  if (rc == POOL_OK && b.inline_calls == a.inline_calls) {
    uint64_t until = plat_now_ns() + inject.ns;
    while (plat_now_ns() < until) plat_cpu_relax();
  }
  return rc;
}

void scenario_error(harness *h, const target *t, const char *scenario,
                    const char *fmt, ...) {
  char msg[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  fprintf(stderr, "poolbench: %s %s %s: %s\n", scenario, t ? t->backend : "-",
          t ? t->mode : "-", msg);
  json j;
  harness_record_begin(h, &j, "error");
  json_str(&j, "scenario", scenario);
  json_str(&j, "backend", t ? t->backend : NULL);
  json_str(&j, "mode", t ? t->mode : NULL);
  json_str(&j, "message", msg);
  harness_write_record(h, &j);
}

void scenario_record_begin(harness *h, json *j, const char *type,
                           const char *scenario, const target *t) {
  harness_record_begin(h, j, type);
  json_str(j, "scenario", scenario);
  json_str(j, "backend", t->backend);
  json_str(j, "mode", t->mode);
  json_int(j, "threads", t->threads);
}

pool *scenario_pool(harness *h, const target *t, const char *scenario) {
  pool_options o = {.mode = strcmp(t->mode, "warm") == 0   ? POOL_MODE_WARM
                            : strcmp(t->mode, "cold") == 0 ? POOL_MODE_COLD
                                                           : POOL_MODE_DEFAULT,
                    .no_pin = harness_opts(h)->no_pin};
  pool *p = NULL;
  inject_read();
  int rc = pool_create(&p, t->backend, t->threads, &o);
  if (rc != POOL_OK) {
    scenario_error(h, t, scenario, "pool_create: %s", pool_strerror(rc));
    return NULL;
  }
  if (pool_await_ready(p, READY_DEADLINE_NS) != POOL_OK) {
    scenario_error(h, t, scenario, "only %d of %d threads ready after 10 s",
                   pool_ready_threads(p), pool_threads(p));
    pool_destroy(p);
    return NULL;
  }
  scenario_watch(h, p, NULL);
  return p;
}

void scenario_watch(harness *h, pool *p, const char *arm) {
  watchdog_watch_arm(harness_watchdog(h), p, arm);
  harness_watch_pool(h, p);
}

void scenario_release(harness *h, pool *p) {
  watchdog_watch(harness_watchdog(h), NULL);
  pool_destroy(p);
}

bool applies_all(const char *backend) { (void)backend; return true; }

const char *scenario_serial_backend(void) {
  for (int i = 0; i < pool_backend_count(); i++)
    if (pool_backend_runs_on_caller(pool_backend_at(i))) return pool_backend_at(i);
  return "serial"; /* unreachable: the table always has the reference */
}
bool applies_workers(const char *backend) { return pool_backend_has_workers(backend); }
bool applies_parallel(const char *backend) { return !pool_backend_runs_on_caller(backend); }

int scenario_pool_extras(const pool *p, const pool_stats_t *a, const pool_stats_t *b,
                         harness_extra *out) {
  double calls = (double)(b->calls - a->calls);
  double items = (double)(b->items - a->items);
  if (calls <= 0 || items <= 0) return 0;
  out[0] = (harness_extra){"caller_share", (double)(b->caller_items - a->caller_items) / items};
  out[1] = (harness_extra){"wakes_per_call", (double)(b->wakes - a->wakes) / calls};
  out[2] = (harness_extra){"inline_share", (double)(b->inline_calls - a->inline_calls) / calls};
  out[3] = (harness_extra){"spin_budget_ns",
                           pool_backend_has_workers(pool_backend_name(p)) && pool_is_warm(p)
                               ? (double)pool_spin_budget_ns(p) : 0};
  return 4;
}

void scenario_empty_body(void *ctx, size_t begin, size_t end) {
  (void)ctx, (void)begin, (void)end;
}
