// poolbench_gbench: the dispatch and grain scenarios under Google Benchmark,
// so its JSON output and tools (compare.py) work unchanged. Same pools, same
// calibrated kernel as the poolbench CLI; Google Benchmark does the timing.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "harness.h"
#include "platform.h"
#include "pool.h"
#include "scenarios.h"
#include "vocabulary.h"

namespace {

double iters_per_ns;
int threads;

struct Work {
  uint64_t iters;
};

void work_body(void *ctx, size_t begin, size_t end) {
  for (size_t i = begin; i < end; i++) harness_spin_iters(static_cast<Work *>(ctx)->iters);
}

pool *make_pool(benchmark::State &state, const char *backend, int warm) {
  pool_options o{0, warm ? POOL_MODE_WARM : POOL_MODE_COLD, false};
  pool *p = nullptr;
  int rc = pool_create(&p, backend, threads, &o);
  if (rc != POOL_OK) {
    state.SkipWithError(pool_strerror(rc));
    return nullptr;
  }
  if (pool_await_ready(p, 10000000000u) != POOL_OK) {
    state.SkipWithError("workers not ready after 10 s");
    pool_destroy(p);
    return nullptr;
  }
  return p;
}

void set_pool_counters(benchmark::State &state, const pool_stats_t &a, const pool_stats_t &b) {
  double items = double(b.items - a.items), calls = double(b.calls - a.calls);
  if (items > 0) state.counters["caller_share"] = double(b.caller_items - a.caller_items) / items;
  if (calls > 0) state.counters["wakes_per_call"] = double(b.wakes - a.wakes) / calls;
}

void bm_dispatch(benchmark::State &state, const char *backend, int warm) {
  pool *p = make_pool(state, backend, warm);
  if (!p) return;
  size_t items = size_t(threads);
  pool_stats_t a, b;
  pool_stats(p, &a);
  for (auto _ : state)
    pool_parallel_for(p, 0, items, 1, [](void *, size_t, size_t) {}, nullptr);
  pool_stats(p, &b);
  set_pool_counters(state, a, b);
  pool_destroy(p);
}

// Serial time of N items of W, the ideal's base (min of a few runs).
double serial_ns(size_t items, Work *w) {
  double best = INFINITY;
  for (int r = 0; r < 20; r++) {
    uint64_t t0 = plat_now_ns();
    work_body(w, 0, items);
    best = std::min(best, double(plat_now_ns() - t0));
  }
  return best;
}

void bm_grain(benchmark::State &state, const char *backend, int warm) {
  double work = double(state.range(0));
  Work w{uint64_t(std::llround(work * iters_per_ns))};
  size_t items = size_t(8 * threads);
  pool *p = make_pool(state, backend, warm);
  if (!p) return;
  double serial = serial_ns(items, &w);
  pool_stats_t a, b;
  pool_stats(p, &a);
  for (auto _ : state) pool_parallel_for(p, 0, items, 1, work_body, &w);
  pool_stats(p, &b);
  set_pool_counters(state, a, b);
  // Overhead per call = measured - ceil(N/P)*W (from the serial time). As an
  // average-per-iteration counter it folds into the reported real time.
  double ideal = serial * double((items + threads - 1) / threads) / double(items);
  state.counters["ideal_ns"] = ideal;
  state.counters["serial_ns"] = serial;
  pool_destroy(p);
}

}  // namespace

int main(int argc, char **argv) {
  char err[256];
  if (harness_calibrate(&iters_per_ns, err, sizeof err) != 0) {
    std::fprintf(stderr, "poolbench_gbench: %s\n", err);
    return 1;
  }
  threads = plat_cpu_count();
  bool user_reps = false, user_min_time = false;
  for (int i = 1; i < argc; i++) {
    if (std::strncmp(argv[i], "--threads=", 10) == 0) threads = std::atoi(argv[i] + 10);
    if (std::strncmp(argv[i], "--benchmark_repetitions", 23) == 0) user_reps = true;
    if (std::strncmp(argv[i], "--benchmark_min_time", 20) == 0) user_min_time = true;
  }
  if (threads < 1 || threads > POOL_MAX_THREADS) {
    std::fprintf(stderr, "poolbench_gbench: --threads must be in 1..%d\n", POOL_MAX_THREADS);
    return 2;
  }
  // Every backend of the build in its modes (as the CLI's targets), named
  // scenario/backend/mode[/W] after the CLI's records; grain over the
  // records' W list.
  for (int i = 0; i < pool_backend_count(); i++) {
    const char *be = pool_backend_at(i);
    std::vector<std::pair<std::string, int>> modes;
    if (pool_backend_has_workers(be)) modes = {{"warm", 1}, {"cold", 0}};
    else modes = {{"default", -1}};
    for (auto &[mode, warm] : modes) {
      std::string suffix = std::string("/") + be + "/" + mode;
      auto *d = benchmark::RegisterBenchmark((std::string(scenario_name_dispatch) + suffix).c_str(),
                                             bm_dispatch, be, warm);
      auto *g = benchmark::RegisterBenchmark((std::string(scenario_name_grain) + suffix).c_str(),
                                             bm_grain, be, warm);
      for (auto *bm : {d, g}) {
        bm->UseRealTime()->Unit(benchmark::kNanosecond);
        if (!user_reps) bm->Repetitions(10);
        if (!user_min_time) bm->MinTime(0.02);  // keeps the whole grid's repetitions short
      }
      for (double w : vocab_grain_work_ns) g->Arg(int64_t(w));
    }
  }
  // Drop our own flag before Google Benchmark sees the arguments.
  std::vector<char *> args;
  for (int i = 0; i < argc; i++)
    if (std::strncmp(argv[i], "--threads=", 10) != 0) args.push_back(argv[i]);
  int n = int(args.size());
  benchmark::Initialize(&n, args.data());
  if (benchmark::ReportUnrecognizedArguments(n, args.data())) return 2;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
