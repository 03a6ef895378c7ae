/* The table of scenarios, in run order (the references first): registering a
 * scenario is one line here and one file, harness/scenario_<name>.c, that
 * defines scenario_run_<name> (harness/CMakeLists.txt builds the files this
 * list names). SCENARIO(name, per_target, applies, description):
 *   per_target  false: runs once per run (the references), not per target;
 *   applies     which backends it measures (a predicate of scenarios.h);
 *   description what `poolbench list` prints.
 * Expanded by scenarios.h (declarations) and scenario_table.c (the table and
 * the names, scenario_name_<name>, that records are keyed by), so they cannot
 * drift apart. */
SCENARIO(pingpong, false, applies_all,
         "same-run references: spin and futex round trips, and the cores the run gets")
SCENARIO(dispatch, true, applies_all, "empty body, N = P items: time per call")
SCENARIO(forkjoin, true, applies_parallel,
         "N = P items that each wait until all P started: every thread joins every call")
SCENARIO(forkjoin_spaced, true, applies_parallel,
         "forkjoin calls 1 ms apart, timed one by one (cold targets): p50, p90, p99")
SCENARIO(grain, true, applies_all,
         "N = 8P items of W ns, W = 0..100 us: overhead, speedup, break-even W")
SCENARIO(latency, true, applies_all,
         "single dispatch calls timed one by one: p50, p90, p99, p99.9, max")
SCENARIO(startup, true, applies_workers, "pool_create until each worker is ready (a timeline)")
SCENARIO(idle_cpu, true, applies_idle_cpu,
         "CPU seconds per wall second while the pool sits idle (~0.5 s)")
/* serial too: its row is the frame without a pool, and its gap CPU the
 * host's own floor (Node's threads, our clock reads) that the pools' gap
 * CPU is judged above. */
SCENARIO(bursts, true, applies_all,
         "every 16.7 ms a burst of 20 calls (16 items x 1 us): in-burst latency, CPU between bursts")
SCENARIO(many_items, true, applies_all,
         "10^5 nearly empty items, automatic grain, next to a serial loop")
SCENARIO(grain_ab, true, applies_grain_ab,
         "the grain sweep of a pool interleaved with serial, openmp and tbb, repetition by repetition (natively)")
