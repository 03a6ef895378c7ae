#include "suite.h"

#include <math.h>
#include <string.h>

#include "faults.h"
#include "platform.h"
#include "watchdog.h"

/* Every (backend, mode) at every P, P outermost, so rows group by P. */
static int targets_of(const suite_plan *plan, target *out) {
  int n = 0;
  for (int p = 0; p < plan->nthreads; p++) {
    int threads = plan->threads[p];
    for (int b = 0; b < plan->nbackends; b++) {
      const char *name = plan->backends[b];
      if (!pool_backend_has_workers(name)) {
        out[n++] = (target){name, "default", threads};
        continue;
      }
      if (plan->warm) out[n++] = (target){name, "warm", threads};
      if (plan->cold) out[n++] = (target){name, "cold", threads};
    }
  }
  return n;
}

static void fmt_duration(char *buf, size_t n, double s) {
  if (s < 60) snprintf(buf, n, "%.0fs", s);
  else snprintf(buf, n, "%dm%02ds", (int)(s / 60), (int)fmod(s, 60));
}

int suite_run(harness *h, const suite_plan *plan, summary_row *rows,
              int *nrows, FILE *progress) {
  target targets[SUITE_MAX * 2 * SUITE_MAX_P];
  int nt = targets_of(plan, targets);
  for (int i = 0; i < nt; i++) {
    rows[i] = (summary_row){.backend = targets[i].backend, .mode = targets[i].mode,
                            .threads = targets[i].threads,
                            .dispatch_ns = NAN, .forkjoin_ns = NAN, .worker_share = NAN,
                            .p50_ns = NAN, .p99_ns = NAN, .p999_ns = NAN,
                            .breakeven_ns = NAN, .startup_ns = NAN, .idle_cores = NAN,
                            .caller_share = NAN};
  }
  *nrows = nt;

  /* Count the jobs first so progress can say i/n and an ETA. */
  int total = 1;
  for (int s = 0; s < plan->nscenarios; s++) {
    if (!plan->scenarios[s]->per_target) continue;
    for (int t = 0; t < nt; t++) total += plan->scenarios[s]->applies(targets[t].backend);
  }
  watchdog *wd = harness_watchdog(h);
  int done = 0, failed = 0;
  uint64_t t0 = plat_now_ns();
  if (plan->skip_jobs >= total)
    fprintf(stderr, "poolbench: --skip-jobs %d skips every job of this run's %d\n", plan->skip_jobs, total);
  summary_row none;
  if (progress) fprintf(progress, "[%3d/%d] pingpong references\n", done + 1, total);
  watchdog_job(wd, done + 1, scenario_name_pingpong, "-", "default");
  failed += scenario_run_pingpong(h, &(target){"-", "default", 2}, &none) != 0;
  done++;
  if (plan->fault && plan->skip_jobs == 0) { /* part of job 1: a resumed run goes past it */
    watchdog_job(wd, 1, "fault", plan->fault, "default");
    fault_trigger(h, plan->fault, plan->threads[0]);
  }
  for (int s = 0; s < plan->nscenarios; s++) {
    const scenario *sc = plan->scenarios[s];
    if (!sc->per_target) continue;
    for (int t = 0; t < nt; t++) {
      if (!sc->applies(targets[t].backend)) continue;
      if (done + 1 <= plan->skip_jobs) { /* an earlier process's */
        done++;
        continue;
      }
      if (progress) {
        double el = (double)(plat_now_ns() - t0) / 1e9;
        char eta[32];
        fmt_duration(eta, sizeof eta, el / done * (total - done));
        fprintf(progress, "[%3d/%d] %-9s %-12s %-7s P=%-3d ETA %s\n", done + 1, total,
                sc->name, targets[t].backend, targets[t].mode, targets[t].threads, eta);
        fflush(progress);
      }
      watchdog_job(wd, done + 1, sc->name, targets[t].backend, targets[t].mode);
      harness_set_job(h, targets[t].threads, targets[t].backend);
      failed += sc->run(h, &targets[t], &rows[t]) != 0;
      done++;
      watchdog_job(wd, done, scenario_name_pingpong, "-", "reference_check");
      scenario_pingpong_check(h, done);
    }
  }
  if (done > 1) { /* jobs ran after the references: did they hold? */
    watchdog_job(wd, done, scenario_name_pingpong, "-", "default");
    scenario_pingpong_recheck(h);
  }
  harness_end(h, done, failed);
  if (progress) {
    char el[32];
    fmt_duration(el, sizeof el, (double)(plat_now_ns() - t0) / 1e9);
    fprintf(progress, "done: %d jobs in %s, %d failed\n", done, el, failed);
  }
  return failed;
}

/* Prints v (ns) with a unit that keeps 3-4 significant digits, or "-". */
static void fmt_ns(char *buf, size_t n, double v) {
  if (isnan(v)) snprintf(buf, n, "-");
  else if (v < 1e3) snprintf(buf, n, "%.0f ns", v);
  else if (v < 1e6) snprintf(buf, n, "%.2f us", v / 1e3);
  else snprintf(buf, n, "%.2f ms", v / 1e6);
}

/* Prints a share as a percentage, or "-". */
static void fmt_share(char *buf, size_t n, double v) {
  if (isnan(v)) snprintf(buf, n, "-");
  else snprintf(buf, n, "%.0f%%", v * 100);
}

void suite_print_summary(FILE *out, harness *h, const summary_row *rows, int n) {
  char a[24], b[24];
  fmt_ns(a, sizeof a, harness_spin_rt_ns(h));
  fmt_ns(b, sizeof b, harness_futex_rt_ns(h));
  fprintf(out, "\nplatform %s; same-run references: spin round trip %s, futex round trip %s\n\n",
          harness_platform(h), a, b);
  fprintf(out, "%-12s %-7s %3s %10s %7s %10s %7s %10s %10s %10s %10s %10s %8s %7s\n", "backend",
          "mode", "P", "forkjoin", "workers", "dispatch", "x spin", "p50", "p99", "p99.9",
          "break-even", "startup", "idle cpu", "caller");
  for (int i = 0; i < n; i++) {
    const summary_row *r = &rows[i];
    char fj[24], ws[16], d[24], p50[24], p99[24], p999[24], be[24], st[24], idle[16], xs[16], cs[16];
    fmt_ns(fj, sizeof fj, r->forkjoin_ns);
    fmt_share(ws, sizeof ws, r->worker_share);
    fmt_ns(d, sizeof d, r->dispatch_ns);
    fmt_ns(p50, sizeof p50, r->p50_ns);
    fmt_ns(p99, sizeof p99, r->p99_ns);
    fmt_ns(p999, sizeof p999, r->p999_ns);
    if (r->breakeven_never) snprintf(be, sizeof be, "never");
    else fmt_ns(be, sizeof be, r->breakeven_ns);
    fmt_ns(st, sizeof st, r->startup_ns);
    if (isnan(r->idle_cores)) snprintf(idle, sizeof idle, "-");
    else snprintf(idle, sizeof idle, "%.1f%%", r->idle_cores * 100);
    double spin = harness_spin_rt_ns(h);
    if (isnan(r->dispatch_ns) || spin <= 0) snprintf(xs, sizeof xs, "-");
    else snprintf(xs, sizeof xs, "%.1f", r->dispatch_ns / spin);
    fmt_share(cs, sizeof cs, r->caller_share);
    fprintf(out, "%-12s %-7s %3d %10s %7s %10s %7s %10s %10s %10s %10s %10s %8s %7s\n", r->backend,
            r->mode, r->threads, fj, ws, d, xs, p50, p99, p999, be, st, idle, cs);
  }
  fprintf(out, "\nP: threads of the pool, counting the caller;\n"
               "forkjoin: median per call in which every thread takes part (P items that wait for each other);\n"
               "workers: share of its items run by threads other than the caller ((P-1)/P when all joined);\n"
               "dispatch: median per call, empty body over P items (the caller may run them all); x spin: in spin round trips;\n"
               "p50..p99.9: single calls; break-even: smallest W (ns per item) where P threads beat serial;\n"
               "idle cpu: share of one core burnt while idle; caller: share of dispatch items run by the caller.\n");
}
