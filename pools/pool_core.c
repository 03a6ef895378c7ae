/* The contract every backend shares: workers, chunk claiming, the caller's
 * part, inline fallbacks, warm spinning, sleeper tracking and stats.
 * Backends only say how an idle thread sleeps and is woken (backend.h).
 *
 * One call, step by step:
 *   1. The submitter takes `busy` (else: nested or concurrent -> inline).
 *   2. It writes the job, then the claim word {generation, chunks left}, then
 *      bumps `gen`; it wakes workers only if some announced a sleep that no
 *      earlier call woke yet.
 *   3. Every thread (caller included) claims chunks by CAS on the claim word.
 *      A claim fails once the generation moved on, so a late worker can never
 *      take a chunk of a later job; the job is read only after a claim, when
 *      it cannot change under the reader.
 *   4. `done` counts finished chunks; the caller waits for it (spinning when
 *      warm, then sleeping) and the last finisher wakes it if it sleeps. */
#include <pthread.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "backends.h"
#include "platform.h"
#include "pool_watch.h"

#define CACHE_LINE 64
/* Sleeps are sliced so no wait is ever unbounded (Wasm main threads must keep
 * turning, and a stuck pool must stay observable). */
#define WORKER_SLICE_NS 100000000u /* 100 ms */
#define CALLER_SLICE_NS 1000000u   /* 1 ms */
#define SPIN_CLOCK_EVERY 256       /* spin iterations between clock reads */
/* A long spin offers its CPU this often: a thread the kernel placed on a
 * pinned spinner's CPU (e.g. the caller waking from a sleep) would otherwise
 * wait out the spinner's whole budget. */
#define SPIN_YIELD_NS 50000u
/* Solo (backends with `solo_when_starved`): after a call whose woken worker
 * ran in the caller's place, calls do not wake sleeping workers for a window
 * of 4 ms (a frame's burst of calls, and time for the kernel to move the
 * worker to a CPU of its own), doubling while each call that wakes again
 * (a probe) finds the same, up to a quarter second between probes. A solo
 * call that runs longer than SOLO_CALL_NS wakes the workers after all, so a
 * long call loses at most that much help. */
#define SOLO_MIN_NS 4000000u   /* 4 ms */
#define SOLO_MAX_NS 256000000u /* 256 ms */
#define SOLO_CALL_NS 1000000u  /* 1 ms */

typedef struct worker {
  alignas(CACHE_LINE) _Atomic uint32_t state; /* pool_worker_state */
  _Atomic uint32_t generation;
  _Atomic uint64_t items;
  _Atomic uint64_t ready_ns;
  struct pool *pool;
  pthread_t thread;
  bool started;
} worker;

struct pool {
  const pool_backend *be;
  void *bstate;
  int threads, nworkers;
  uint64_t spin_ns;
  uint64_t created_ns;
  _Atomic int home_cpu; /* the caller's CPU at its last call; workers pin after it */
  int ncpu;
  bool pin;
  worker *workers;

  /* Each hot word on its own line: workers spin on gen, all threads CAS the
   * claim word, the caller spins on done. */
  alignas(CACHE_LINE) pool_word gen;
  alignas(CACHE_LINE) _Atomic uint64_t claim; /* gen << 32 | chunks left */
  alignas(CACHE_LINE) pool_word done;
  alignas(CACHE_LINE) _Atomic int sleepers[2]; /* per pool_channel */
  _Atomic uint32_t sleeps[2]; /* sleeps announced so far, per pool_channel */
  _Atomic bool warm;
  _Atomic bool stop;
  _Atomic int ready; /* workers that reached their loop */

  /* The job: written by the busy holder before it publishes the claim word. */
  alignas(CACHE_LINE) _Atomic uint32_t busy;
  _Atomic uint32_t caller; /* pool_caller_state */
  size_t begin, end, grain;
  uint32_t nchunks;
  pool_body body;
  void *ctx;
  /* Stats written only by the busy holder (plain load+store, no lock prefix)
   * and by inline callers (atomic add): separate so neither loses counts. */
  _Atomic uint64_t par_calls, par_items, par_caller_items;
  _Atomic uint64_t inl_calls, inl_items;
  _Atomic uint64_t wakes;
  uint32_t woken_sleeps;    /* sleeps[POOL_CH_WORK] when the caller woke them all */
  uint64_t solo_until_ns;   /* calls before this do not wake sleepers (0: none) */
  uint64_t solo_window_ns;  /* the last solo window (0: the last probe helped) */
};

#define RELAXED memory_order_relaxed
#define ACQUIRE memory_order_acquire
#define RELEASE memory_order_release

static void bump(_Atomic uint64_t *c, uint64_t by) {
  atomic_store_explicit(c, atomic_load_explicit(c, RELAXED) + by, RELAXED);
}

size_t pool_auto_grain(size_t items, int threads) {
  /* About four chunks per thread: enough to balance uneven chunks, few enough
   * that claiming costs little. */
  size_t want = (size_t)threads * 4u;
  size_t g = (items + want - 1) / want;
  return g ? g : 1;
}

size_t pool_chunk_count(size_t begin, size_t end, size_t grain) {
  size_t n = end - begin;
  return n / grain + (n % grain != 0);
}

static void run_inline(size_t begin, size_t end, size_t grain, pool_body body,
                       void *ctx) {
  for (size_t b = begin; b < end; b += (end - b < grain ? end - b : grain))
    body(ctx, b, end - b < grain ? end : b + grain);
}

static void wake(pool *p, pool_channel ch, pool_word *word, int n) {
  if (atomic_load(&p->sleepers[ch]) > 0) {
    p->be->wake(p->bstate, ch, word, n);
    atomic_fetch_add_explicit(&p->wakes, 1, RELAXED);
  }
}

static void (*_Atomic wait_hook)(void);

void pool_set_wait_hook(void (*hook)(void)) { atomic_store(&wait_hook, hook); }

/* Sleeps on word until it differs from expected (or stop), announcing the
 * sleep so wakers know to issue a wake-up; the caller runs the wait hook
 * between slices. */
static void sleep_on(pool *p, pool_channel ch, pool_word *word,
                     uint32_t expected, uint64_t slice_ns) {
  atomic_fetch_add(&p->sleepers[ch], 1);
  atomic_fetch_add(&p->sleeps[ch], 1);
  while (atomic_load(word) == expected && !atomic_load_explicit(&p->stop, RELAXED)) {
    p->be->wait(p->bstate, ch, word, expected, slice_ns);
    void (*hook)(void) = ch == POOL_CH_DONE ? atomic_load_explicit(&wait_hook, RELAXED) : NULL;
    if (hook) hook();
  }
  atomic_fetch_sub(&p->sleepers[ch], 1);
}

/* Busy-waits while *word == expected, for at most budget_ns (or until the pool
 * turns cold). Returns the last value seen. */
static uint32_t spin_on(pool *p, pool_word *word, uint32_t expected,
                        uint64_t budget_ns) {
  uint32_t v = atomic_load_explicit(word, ACQUIRE);
  if (v != expected || budget_ns == 0) return v;
  uint64_t start = plat_now_ns();
  uint64_t deadline = budget_ns == POOL_SPIN_FOREVER ? UINT64_MAX : start + budget_ns;
  uint64_t yield_at = start + SPIN_YIELD_NS;
  for (unsigned i = 1;; i++) {
    plat_cpu_relax();
    v = atomic_load_explicit(word, ACQUIRE);
    if (v != expected) return v;
    if (i % SPIN_CLOCK_EVERY != 0) continue;
    if (!atomic_load_explicit(&p->warm, RELAXED)) return v;
    uint64_t now = plat_now_ns();
    if (now >= deadline) return v;
    if (now >= yield_at) {
      plat_yield();
      yield_at = now + SPIN_YIELD_NS;
    }
  }
}

static uint64_t warm_budget(const pool *p) {
  return atomic_load_explicit(&p->warm, RELAXED) ? p->spin_ns : 0;
}

/* Claims and runs chunks of generation g until none is left, or (stop_at not
 * 0) until the clock passes stop_at. Guided
 * self-scheduling (OpenMP's `guided`): each claim takes 1/P of what is left
 * (at least one chunk), so a call costs O(P log chunks) contended CASes
 * instead of one per chunk, while the tail is still shared chunk by chunk for
 * balance. A thread counts its chunks done once, when none is left to claim.
 * Both because every RMW on a shared line is a cross-core transfer: with
 * smaller claims or a count per claim, a call of a few short items costs more
 * than running them serially. A caller running
 * solo claims 1, 1, 2, 4... chunks instead, reading the clock after each
 * claim: it overshoots stop_at by at most the time already run (and a chunk). */
static uint64_t run_chunks(pool *p, uint32_t g, uint64_t stop_at) {
  uint64_t items = 0;
  uint32_t share = (uint32_t)p->threads, mine = 0, n = 0;
  uint64_t c = atomic_load_explicit(&p->claim, ACQUIRE);
  for (;;) {
    uint32_t left = (uint32_t)c;
    if ((uint32_t)(c >> 32) != g || left == 0) break;
    uint32_t take = stop_at ? (mine == 0 ? 1 : mine < left ? mine : left)
                            : left / share ? left / share : 1;
    if (!atomic_compare_exchange_weak_explicit(&p->claim, &c, c - take,
                                               memory_order_acq_rel, ACQUIRE))
      continue;
    /* The chunks are ours, so the job cannot change until we count them done. */
    n = p->nchunks;
    size_t b = p->begin + (size_t)(n - left) * p->grain;
    for (uint32_t k = 0; k < take; k++) {
      size_t e = p->end - b < p->grain ? p->end : b + p->grain;
      p->body(p->ctx, b, e);
      items += e - b;
      b = e;
    }
    mine += take;
    if (stop_at && plat_now_ns() >= stop_at) break;
    c = atomic_load_explicit(&p->claim, ACQUIRE);
  }
  /* n was read while our chunks were uncounted: once counted, the caller may
   * start the next job. */
  if (mine && atomic_fetch_add(&p->done, mine) + mine == n) wake(p, POOL_CH_DONE, &p->done, 1);
  return items;
}

/* Workers are pinned to the CPUs after the caller's. A caller that moved onto
 * a worker's CPU would share it with that worker, which the kernel cannot
 * move (calls then run at serial speed, the worker never running). So the
 * caller re-pins the workers itself when it has moved: a cheap getcpu per
 * call, a syscall per worker only after a move. */
static void follow_caller(pool *p) {
  int c = plat_current_cpu();
  if (c == atomic_load_explicit(&p->home_cpu, RELAXED)) return;
  atomic_store_explicit(&p->home_cpu, c, RELAXED);
  for (int i = 0; i < p->nworkers; i++) plat_pin_thread(p->workers[i].thread, (c + 1 + i) % p->ncpu);
}

/* The caller waits for the last chunk: spinning while warm, then sleeping. */
static void wait_done(pool *p, uint32_t n) {
  uint32_t d;
  while ((d = atomic_load_explicit(&p->done, ACQUIRE)) != n)
    if (spin_on(p, &p->done, d, warm_budget(p)) == d)
      sleep_on(p, POOL_CH_DONE, &p->done, d, CALLER_SLICE_NS);
}

static void set_state(worker *w, pool_worker_state s) {
  atomic_store_explicit(&w->state, (uint32_t)s, RELAXED);
}

/* Wakes sleeping workers for the job just published, unless every sleep
 * announced so far was already woken: a woken worker counts as a sleeper
 * until it runs, which can take a whole wake-up latency (its CPU may have
 * halted), and a second wake in that window finds nobody: a syscall for
 * nothing on the caller's path.
 * A sleep announced after the last wake bumped `sleeps` before it checked
 * `gen` (both seq_cst, like the generation store and this load), so either
 * this wake sees it or that sleeper sees the new generation. */
static bool wake_workers(pool *p, int helpers) {
  uint32_t sleeps = atomic_load(&p->sleeps[POOL_CH_WORK]);
  int sleepers = atomic_load(&p->sleepers[POOL_CH_WORK]);
  if (sleepers <= 0 || sleeps == p->woken_sleeps) return false;
  wake(p, POOL_CH_WORK, &p->gen, helpers);
  if (helpers >= sleepers) p->woken_sleeps = sleeps; /* else some still sleep */
  return true;
}

static bool solo_now(const pool *p) {
  return p->solo_until_ns && atomic_load_explicit(&p->warm, RELAXED) &&
         atomic_load(&p->sleepers[POOL_CH_WORK]) > 0 && plat_now_ns() < p->solo_until_ns;
}

/* A call that woke a sleeping worker tells whether the worker ran beside the
 * caller or in its place: a woken worker placed on the caller's CPU (no
 * affinity under Wasm, and hosts that pack vCPUs) preempts the caller, runs
 * the chunks itself and spins its budget out there, so such calls pay a
 * wake-up and two context switches to run no faster than serial ones.
 * Starved = the caller ran under half its fair share. */
static void learn_solo(pool *p, uint64_t caller_items, size_t items) {
  if (!p->be->solo_when_starved || !atomic_load_explicit(&p->warm, RELAXED)) return;
  if (caller_items * 2 * (uint64_t)p->threads < items) {
    uint64_t w = p->solo_window_ns ? 2 * p->solo_window_ns : SOLO_MIN_NS;
    p->solo_window_ns = w < SOLO_MAX_NS ? w : SOLO_MAX_NS;
    p->solo_until_ns = plat_now_ns() + p->solo_window_ns;
  } else {
    p->solo_window_ns = 0;
    p->solo_until_ns = 0;
  }
}

static void *worker_main(void *arg) {
  worker *w = arg;
  pool *p = w->pool;
  if (p->pin && p->ncpu > 1)
    plat_pin_thread(pthread_self(), (atomic_load(&p->home_cpu) + 1 + (int)(w - p->workers)) % p->ncpu);
  uint32_t seen = atomic_load_explicit(&p->gen, ACQUIRE);
  atomic_store_explicit(&w->ready_ns, plat_now_ns(), RELAXED);
  atomic_fetch_add(&p->ready, 1);
  while (!atomic_load_explicit(&p->stop, ACQUIRE)) {
    set_state(w, POOL_WORKER_SPINNING);
    uint32_t g = spin_on(p, &p->gen, seen, warm_budget(p));
    if (g == seen) {
      set_state(w, POOL_WORKER_SLEEPING);
      sleep_on(p, POOL_CH_WORK, &p->gen, seen, WORKER_SLICE_NS);
      g = atomic_load_explicit(&p->gen, ACQUIRE);
    }
    if (g == seen) continue;
    seen = g;
    atomic_store_explicit(&w->generation, g, RELAXED);
    set_state(w, POOL_WORKER_WORKING);
    uint64_t items = run_chunks(p, g, 0);
    if (items) bump(&w->items, items);
  }
  set_state(w, POOL_WORKER_DONE);
  return NULL;
}

static void stop_workers(pool *p) {
  atomic_store(&p->stop, true);
  atomic_fetch_add(&p->gen, 1);
  for (int i = 0; i < p->nworkers; i++) {
    if (!p->workers[i].started) continue;
    /* Wake unconditionally: a worker may be between its sleeper announcement
     * and its wait; the sliced wait bounds the miss anyway. Workers exist
     * only with wait, and pool_backend_check pairs wake with it. */
    p->be->wake(p->bstate, POOL_CH_WORK, &p->gen, p->nworkers);
    pthread_join(p->workers[i].thread, NULL);
  }
}

static void free_pool(pool *p) {
  if (p->bstate && p->be->fini) p->be->fini(p->bstate);
  free(p->bstate);
  free(p->workers);
  free(p);
}

int pool_create(pool **out, const char *backend, int threads,
                const pool_options *opt) {
  if (!out) return POOL_EINVAL;
  *out = NULL;
  const pool_backend *be = pool_backend_find(backend);
  if (!be) return POOL_EBACKEND;
  int bad = pool_backend_check(be);
  if (bad != POOL_OK) return bad;
  if (threads < 1 || threads > POOL_MAX_THREADS) return POOL_ETHREADS;

  pool *p = aligned_alloc(CACHE_LINE, (sizeof *p + CACHE_LINE - 1) / CACHE_LINE * CACHE_LINE);
  if (!p) return POOL_ENOMEM;
  memset(p, 0, sizeof *p);
  p->be = be;
  p->threads = threads;
  p->nworkers = be->wait ? threads - 1 : 0;
  p->spin_ns = opt && opt->spin_ns ? opt->spin_ns
              : be->spin_budget_ns ? be->spin_budget_ns() : POOL_DEFAULT_SPIN_NS;
  atomic_init(&p->warm, opt && opt->warm >= 0 ? opt->warm != 0 : be->warm_default);
  p->created_ns = plat_now_ns();
  p->pin = !(opt && opt->no_pin);
  atomic_init(&p->home_cpu, plat_current_cpu());
  p->ncpu = plat_cpu_count();
  if (be->state_size && !(p->bstate = calloc(1, be->state_size))) {
    free_pool(p);
    return POOL_ENOMEM;
  }
  if (be->init) {
    int rc = be->init(p->bstate, threads);
    if (rc != POOL_OK) {
      if (be->fini) be->fini(p->bstate);
      free(p->bstate);
      p->bstate = NULL;
      free_pool(p);
      return rc;
    }
  }
  if (p->nworkers) {
    size_t bytes = (size_t)p->nworkers * sizeof(worker);
    p->workers = aligned_alloc(CACHE_LINE, (bytes + CACHE_LINE - 1) / CACHE_LINE * CACHE_LINE);
    if (!p->workers) {
      free_pool(p);
      return POOL_ENOMEM;
    }
    memset(p->workers, 0, bytes);
  }
  for (int i = 0; i < p->nworkers; i++) {
    worker *w = &p->workers[i];
    w->pool = p;
    if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
      stop_workers(p);
      free_pool(p);
      return POOL_ESPAWN;
    }
    w->started = true;
  }
  *out = p;
  return POOL_OK;
}

void pool_destroy(pool *p) {
  if (!p) return;
  stop_workers(p);
  free_pool(p);
}

static void count_inline(pool *p, size_t items) {
  atomic_fetch_add_explicit(&p->inl_calls, 1, RELAXED);
  atomic_fetch_add_explicit(&p->inl_items, items, RELAXED);
}

int pool_parallel_for(pool *p, size_t begin, size_t end, size_t grain,
                      pool_body body, void *ctx) {
  if (!p || !body) return POOL_EINVAL;
  if (begin > end) return POOL_ERANGE;
  size_t items = end - begin;
  if (grain == 0) grain = pool_auto_grain(items, p->threads);
  size_t nchunks = pool_chunk_count(begin, end, grain);
  if (nchunks > UINT32_MAX - 1) { /* the claim word counts chunks in 32 bits */
    grain = items / (UINT32_MAX - 1) + 1;
    nchunks = pool_chunk_count(begin, end, grain);
  }

  uint32_t expected = 0;
  bool own = (p->nworkers > 0 || p->be->run) &&
             atomic_compare_exchange_strong_explicit(&p->busy, &expected, 1, ACQUIRE, RELAXED);
  if (!own || atomic_load_explicit(&p->ready, ACQUIRE) < p->nworkers) {
    /* Serial backend, nested or concurrent call, or workers not yet ready. */
    if (own) atomic_store_explicit(&p->busy, 0, RELEASE);
    run_inline(begin, end, grain, body, ctx);
    count_inline(p, items);
    return POOL_OK;
  }

  uint64_t caller_items = 0;
  int rc = POOL_OK;
  if (p->be->run) {
    rc = p->be->run(p->bstate, p->threads, begin, end, grain, body, ctx, &caller_items);
  } else if (nchunks <= 1) {
    run_inline(begin, end, grain, body, ctx); /* nothing to share */
    caller_items = items;
  } else {
    p->begin = begin;
    p->end = end;
    p->grain = grain;
    p->nchunks = (uint32_t)nchunks;
    p->body = body;
    p->ctx = ctx;
    atomic_store_explicit(&p->done, 0, RELAXED);
    if (p->pin && p->ncpu > 1) follow_caller(p);
    uint32_t g = atomic_load_explicit(&p->gen, RELAXED) + 1;
    atomic_store_explicit(&p->claim, (uint64_t)g << 32 | (uint32_t)nchunks, RELEASE);
    atomic_store(&p->gen, g);
    int helpers = (int)nchunks - 1 < p->nworkers ? (int)nchunks - 1 : p->nworkers;
    bool solo = solo_now(p);
    bool woke = !solo && wake_workers(p, helpers);

    atomic_store_explicit(&p->caller, POOL_CALLER_RUNNING, RELAXED);
    if (solo) {
      caller_items = run_chunks(p, g, plat_now_ns() + SOLO_CALL_NS);
      if ((uint32_t)atomic_load_explicit(&p->claim, ACQUIRE) != 0) /* a long call */
        wake_workers(p, helpers);
    }
    caller_items += run_chunks(p, g, 0);
    if (woke) learn_solo(p, caller_items, items);
    atomic_store_explicit(&p->caller, POOL_CALLER_WAITING, RELAXED);
    wait_done(p, (uint32_t)nchunks);
    atomic_store_explicit(&p->caller, POOL_CALLER_IDLE, RELAXED);
  }
  if (rc == POOL_OK) {
    bump(&p->par_calls, 1);
    bump(&p->par_items, items);
    bump(&p->par_caller_items, caller_items);
  }
  atomic_store_explicit(&p->busy, 0, RELEASE);
  return rc;
}

void pool_set_warm(pool *p, bool warm) {
  if (p) atomic_store_explicit(&p->warm, warm, RELAXED);
}

bool pool_is_warm(const pool *p) {
  return p && atomic_load_explicit(&((pool *)p)->warm, RELAXED);
}

int pool_threads(const pool *p) { return p ? p->threads : 0; }

uint64_t pool_spin_budget_ns(const pool *p) { return p ? p->spin_ns : 0; }

int pool_ready_threads(const pool *p) {
  if (!p) return 0;
  int workers = atomic_load_explicit(&((pool *)p)->ready, ACQUIRE);
  return 1 + workers + (p->threads - 1 - p->nworkers); /* run-backends: all */
}

const char *pool_backend_name(const pool *p) { return p ? p->be->name : NULL; }

uint64_t pool_created_ns(const pool *p) { return p ? p->created_ns : 0; }

void pool_stats(const pool *p, pool_stats_t *out) {
  if (!out) return;
  memset(out, 0, sizeof *out);
  if (!p) return;
  pool *q = (pool *)p;
  uint64_t inl = atomic_load_explicit(&q->inl_calls, RELAXED);
  uint64_t inl_items = atomic_load_explicit(&q->inl_items, RELAXED);
  out->calls = atomic_load_explicit(&q->par_calls, RELAXED) + inl;
  out->inline_calls = inl;
  out->items = atomic_load_explicit(&q->par_items, RELAXED) + inl_items;
  /* Inline calls run on their caller, but not necessarily on the submitter:
   * caller_items counts the items run by whoever called. */
  out->caller_items = atomic_load_explicit(&q->par_caller_items, RELAXED) + inl_items;
  out->wakes = atomic_load_explicit(&q->wakes, RELAXED);
}

int pool_worker(const pool *p, int i, pool_worker_info *out) {
  if (!p || !out || i < 0 || i >= p->nworkers) return POOL_EINVAL;
  worker *w = &p->workers[i];
  out->state = (pool_worker_state)atomic_load_explicit(&w->state, RELAXED);
  out->generation = atomic_load_explicit(&w->generation, RELAXED);
  out->items = atomic_load_explicit(&w->items, RELAXED);
  out->ready_ns = atomic_load_explicit(&w->ready_ns, RELAXED);
  return POOL_OK;
}

void pool_words(const pool *p, uint32_t *generation, uint32_t *done) {
  pool *q = (pool *)p;
  if (generation) *generation = q ? atomic_load_explicit(&q->gen, RELAXED) : 0;
  if (done) *done = q ? atomic_load_explicit(&q->done, RELAXED) : 0;
}

pool_caller_state pool_caller(const pool *p) {
  return p ? (pool_caller_state)atomic_load_explicit(&((pool *)p)->caller, RELAXED)
           : POOL_CALLER_IDLE;
}

const char *pool_caller_state_name(pool_caller_state s) {
  static const char *const names[] = {"idle", "running chunks", "waiting for workers"};
  return (unsigned)s < sizeof names / sizeof *names ? names[s] : "unknown";
}

const char *pool_strerror(int err) {
  switch (err) {
    case POOL_OK: return "success";
    case POOL_EBACKEND: return "unknown backend (see pool_backend_at for the list)";
    case POOL_ETHREADS: return "threads must be between 1 and 256";
    case POOL_ERANGE: return "begin must not exceed end";
    case POOL_EINVAL: return "NULL pool, body or output pointer";
    case POOL_ENOMEM: return "out of memory";
    case POOL_ESPAWN: return "could not create a worker thread";
    case POOL_EUNSUPPORTED: return "backend not available on this platform";
    case POOL_EPROTOCOL:
      return "backend breaks pools/backend.h: it needs both wait and wake, or run and neither, and a name and description";
    default: return "unknown error";
  }
}

const char *pool_worker_state_name(pool_worker_state s) {
  static const char *const names[] = {"starting", "idle-spinning",
                                      "idle-sleeping", "working", "done"};
  return (unsigned)s < sizeof names / sizeof *names ? names[s] : "unknown";
}
