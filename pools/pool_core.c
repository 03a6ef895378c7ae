/* The pool contract (pool.h), implemented once for every backend: workers,
 * chunk claiming, the caller's part, inline fallbacks, warm spinning,
 * sleeper tracking and stats.
 * Backends only say how an idle thread sleeps and is woken (backend.h).
 *
 * One call, step by step:
 *   1. The submitter takes `busy` (else: nested or concurrent -> inline).
 *   2. It writes the job, the claim word {generation, unreserved chunks
 *      left} (only when there are any), the go word {generation, chunks},
 *      then bumps `gen`; it wakes workers only if some announced a sleep
 *      that no earlier call woke yet.
 *   3. A call of at least P chunks on a warm pool reserves one for each
 *      thread (the go word says so): chunk 0 for the caller, chunk i + 1
 *      for worker i, taken by a CAS on a word of the worker's own line (no
 *      shared RMW when the worker is there to take it; the caller steals it
 *      when the worker is late). The other chunks are claimed by CAS on the
 *      claim word, which fails once the generation moved on, so a late
 *      worker never takes a chunk of a later job. The job is read only
 *      after a take or a claim, when it cannot change.
 *   4. Each worker publishes {generation, chunks it finished} on a line of its
 *      own; the caller sums them (spinning when warm, then sleeping), and a
 *      worker that finds it asleep wakes it.
 * Why: every write to a line another core reads is a transfer, ~half a spin
 * round trip. A worker's path is one transfer for the go line (gen and the
 * job together) and one for its finished word; a shared claim or done
 * counter would add one per thread per call. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "backends.h"
#include "platform.h"
#include "pool_core.h"
#include "pool_solo.h"
#include "pool_watch.h"

/* Sleeps are sliced so no wait is ever unbounded (Wasm main threads must keep
 * turning, and a stuck pool must stay observable). */
#define WORKER_SLICE_NS 100000000u /* 100 ms */
#define CALLER_SLICE_NS 1000000u   /* 1 ms */
#define SPIN_CLOCK_EVERY 256       /* spin iterations between clock reads */
/* A long spin offers its CPU this often: a thread the kernel placed on a
 * pinned spinner's CPU (e.g. the caller waking from a sleep) would otherwise
 * wait out the spinner's whole budget. With more threads than cores, at
 * every clock read (a thread of the call may be waiting for this CPU), but
 * where a yield is a short sleep (plat_yield_sleeps: Wasm) after this long,
 * and never when threads fit the cores (a warm worker would be asleep for
 * part of its budget). */
#define SPIN_YIELD_NS 50000u
/* Counters and states only this thread writes (or the busy holder, in turn)
 * and others only read: published without a barrier, since on Wasm every
 * atomic store is a full fence, several per call on the caller's path. */
static void bump(_Atomic uint64_t *c, uint64_t by) {
  plat_publish_u64(c, atomic_load_explicit(c, RELAXED) + by);
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

/* What an idle thread waits for: a worker for a generation other than the
 * one it saw, the caller for every chunk of its call. */
typedef struct wait_for {
  uint32_t seen;        /* worker: the generation it handled last */
  uint32_t g, mine, n;  /* caller: its generation, chunks it ran, chunks in all */
} wait_for;

/* Strictly newer: a worker that took its generation from `go` (stored just
 * before gen) may see gen lag behind it, and must not run that call twice
 * (a second pass would publish its own finished count over the first's). */
static bool new_generation(pool *p, const wait_for *w) {
  return (int32_t)(atomic_load_explicit(&p->gen, ACQUIRE) - w->seen) > 0;
}

static bool all_finished(pool *p, const wait_for *w) {
  uint32_t sum = w->mine;
  for (int i = 0; i < p->nworkers && sum < w->n; i++) sum += finished_in(&p->workers[i], w->g);
  return sum == w->n;
}

typedef bool (*ready_fn)(pool *p, const wait_for *w);

/* Sleeps on word until ready (or stop), announcing the sleep so wakers know
 * to issue a wake-up; the caller runs the wait hook between slices. The
 * word's value is read before ready is checked: a change after the check
 * ends the wait at once. */
static void sleep_until(pool *p, pool_channel ch, pool_word *word, ready_fn ready,
                        const wait_for *w, uint64_t slice_ns) {
  /* Not announced when already ready: an announcement costs the next
   * caller a wake-up syscall. */
  if (ready(p, w)) return;
  atomic_fetch_add(&p->sleepers[ch], 1);
  atomic_fetch_add(&p->sleeps[ch], 1);
  for (;;) {
    uint32_t v = atomic_load(word);
    if (ready(p, w) || atomic_load_explicit(&p->stop, RELAXED)) break;
    p->be->wait(p->bstate, ch, word, v, slice_ns);
    void (*hook)(void) = ch == POOL_CH_DONE ? atomic_load_explicit(&wait_hook, RELAXED) : NULL;
    if (hook) hook();
  }
  atomic_fetch_sub(&p->sleepers[ch], 1);
}

/* Busy-waits until ready, for at most budget_ns (or until the pool turns
 * cold). Returns whether it became ready. */
static bool spin_until(pool *p, ready_fn ready, const wait_for *w, uint64_t budget_ns) {
  if (ready(p, w)) return true;
  if (budget_ns == 0) return false;
  /* The clock is first read after SPIN_CLOCK_EVERY polls, not on entry:
   * most waits end sooner, and a read on entry would delay noticing the
   * change by a whole read (on Wasm a call out to the engine's clock). The
   * budget runs from that first read: a few hundred polls longer. */
  uint64_t deadline = UINT64_MAX, yield_at = UINT64_MAX;
  for (unsigned i = 1;; i++) {
    plat_cpu_relax();
    if (ready(p, w)) return true;
    if (i % SPIN_CLOCK_EVERY != 0) continue;
    if (!atomic_load_explicit(&p->warm, RELAXED)) return false;
    uint64_t now = plat_now_ns();
    if (i == SPIN_CLOCK_EVERY) {
      if (budget_ns != POOL_SPIN_FOREVER) deadline = now + budget_ns;
      if (p->yield_ns) yield_at = now + p->yield_ns;
      continue;
    }
    if (now >= deadline) return false;
    if (now >= yield_at) {
      plat_yield();
      yield_at = now + p->yield_ns;
    }
  }
}

static uint64_t warm_budget(const pool *p) {
  return atomic_load_explicit(&p->warm, RELAXED) ? p->spin_ns : 0;
}

/* Runs chunk k of the current job (the runner owns it, so the job holds). */
static uint64_t run_chunk(pool *p, uint32_t k) {
  size_t b = p->begin + (size_t)k * p->grain;
  size_t e = p->end - b < p->grain ? p->end : b + p->grain;
  p->body(p->ctx, b, e);
  return e - b;
}

/* Takes worker w's reserved chunk of generation g, for w or for the caller
 * stealing it: whoever moves `taken` forward to g runs it. Only forward: a
 * worker still holding an old generation finds `taken` past it once the
 * caller stole that chunk and the next ones, and must not take it back. */
static bool take_reserved(worker *w, uint32_t g) {
  uint32_t t = atomic_load_explicit(&w->taken, RELAXED);
  while ((int32_t)(g - t) > 0)
    if (atomic_compare_exchange_weak_explicit(&w->taken, &t, g, ACQUIRE, RELAXED)) return true;
  return false;
}

/* Claims and runs the unreserved chunks (those after the first `reserved`
 * of n) of generation g until none is left, or (stop_at not 0) until the
 * clock passes stop_at; counts them in *mine. Guided self-scheduling
 * (OpenMP's `guided`): each claim takes 1/P of what is left (at least one
 * chunk), so a call costs O(P log chunks) contended CASes instead of one per
 * chunk, while the tail is still shared chunk by chunk for balance. A caller
 * running solo claims 1, 1, 2, 4... chunks instead, reading the clock after
 * each claim: it overshoots stop_at by at most the time already run (and a
 * chunk). */
static uint64_t run_claimed(pool *p, uint32_t g, uint32_t n, uint64_t stop_at, uint32_t *mine) {
  uint64_t items = 0;
  uint32_t share = (uint32_t)p->threads, got = 0;
  uint64_t c = atomic_load_explicit(&p->claim, ACQUIRE);
  for (;;) {
    uint32_t left = (uint32_t)c;
    if ((uint32_t)(c >> 32) != g || left == 0) break;
    uint32_t take = stop_at ? (got == 0 ? 1 : got < left ? got : left)
                            : left / share ? left / share : 1;
    if (!atomic_compare_exchange_weak_explicit(&p->claim, &c, c - take,
                                               memory_order_acq_rel, ACQUIRE))
      continue;
    for (uint32_t k = n - left; k < n - left + take; k++) items += run_chunk(p, k);
    got += take;
    if (stop_at && plat_now_ns() >= stop_at) break;
    c = atomic_load_explicit(&p->claim, ACQUIRE);
  }
  *mine += got;
  return items;
}

/* A call of at least P chunks on a warm pool reserves one per thread (step
 * 3 above). Not on a cold one: its workers are asleep when the call comes,
 * so their chunks would be stolen anyway, and a woken worker that arrived in
 * time to take its own would keep the caller waiting for it. The go word
 * tells workers which: its chunk count's top bit. */
#define GO_RESERVED 0x80000000u
#define MAX_CHUNKS (GO_RESERVED - 1)

static bool reserves(const pool *p, uint32_t n) {
  return n >= (uint32_t)p->threads && atomic_load_explicit(&p->warm, RELAXED);
}

/* Tells a caller asleep on `done` that a worker finished. The worker stored
 * its finished word first (seq_cst), the caller announced its sleep before
 * summing them: either this load sees the sleeper, or its sum sees ours. */
static void notify_caller(pool *p) {
  if (atomic_load(&p->sleepers[POOL_CH_DONE]) > 0) {
    atomic_fetch_add(&p->done, 1);
    wake(p, POOL_CH_DONE, &p->done, 1);
  }
}

/* A worker's part of generation g: its reserved chunk, then claimed ones. */
static uint64_t work(pool *p, worker *w, uint32_t g, uint32_t n, bool reserved) {
  uint64_t items = 0;
  uint32_t mine = 0;
  if (reserved && take_reserved(w, g)) {
    items += run_chunk(p, w->chunk);
    mine++;
  }
  items += run_claimed(p, g, n, 0, &mine);
  if (mine) {
    atomic_store(&w->finished, (uint64_t)g << 32 | mine);
    notify_caller(p);
  }
  return items;
}

/* The caller's part after its own chunk: claimed chunks, then the reserved
 * chunks of workers that have not taken theirs, until stop_at (0: no limit).
 * Returns whether nothing is left for anybody to start. */
static bool caller_rest(pool *p, uint32_t g, uint32_t n, bool reserved, uint64_t stop_at,
                        uint32_t *mine, uint64_t *items) {
  *items += run_claimed(p, g, n, stop_at, mine);
  if (stop_at && plat_now_ns() >= stop_at) return false;
  if (!reserved) return true;
  for (int i = 0; i < p->nworkers; i++) {
    /* A worker that finished something took or lost its reserved chunk
     * first: no need to touch its line (a transfer on every call). */
    if (finished_in(&p->workers[i], g) || !take_reserved(&p->workers[i], g)) continue;
    *items += run_chunk(p, p->workers[i].chunk);
    ++*mine;
    if (stop_at && plat_now_ns() >= stop_at) return i == p->nworkers - 1;
  }
  return true;
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

/* The caller waits for every chunk: spinning while warm, then sleeping. */
static void wait_done(pool *p, uint32_t g, uint32_t mine, uint32_t n) {
  wait_for w = {.g = g, .mine = mine, .n = n};
  if (!spin_until(p, all_finished, &w, warm_budget(p)))
    sleep_until(p, POOL_CH_DONE, &p->done, all_finished, &w, CALLER_SLICE_NS);
}

static void set_state(worker *w, pool_worker_state s) {
  plat_publish_u32(&w->state, (uint32_t)s);
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

static void *worker_main(void *arg) {
  worker *w = arg;
  pool *p = w->pool;
  if (p->pin && p->ncpu > 1)
    plat_pin_thread(pthread_self(), (atomic_load(&p->home_cpu) + 1 + (int)(w - p->workers)) % p->ncpu);
  wait_for next = {.seen = atomic_load_explicit(&p->gen, ACQUIRE)};
  atomic_store_explicit(&w->ready_ns, plat_now_ns(), RELAXED);
  atomic_fetch_add(&p->ready, 1);
  while (!atomic_load_explicit(&p->stop, ACQUIRE)) {
    set_state(w, POOL_WORKER_SPINNING);
    if (!spin_until(p, new_generation, &next, warm_budget(p))) {
      set_state(w, POOL_WORKER_SLEEPING);
      sleep_until(p, POOL_CH_WORK, &p->gen, new_generation, &next, WORKER_SLICE_NS);
      if (!new_generation(p, &next)) continue;
    }
    /* go was stored before gen, so it is this generation's or a later one's,
     * whose job is published too. */
    uint64_t go = atomic_load_explicit(&p->go, ACQUIRE);
    uint32_t g = (uint32_t)(go >> 32);
    next.seen = g;
    plat_publish_u32(&w->generation, g);
    set_state(w, POOL_WORKER_WORKING);
    uint64_t items = work(p, w, g, (uint32_t)go & MAX_CHUNKS, ((uint32_t)go & GO_RESERVED) != 0);
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
  atomic_init(&p->warm, opt && opt->mode != POOL_MODE_DEFAULT ? opt->mode == POOL_MODE_WARM : be->warm_default);
  p->created_ns = plat_now_ns();
  p->pin = !(opt && opt->no_pin);
  atomic_init(&p->home_cpu, plat_current_cpu());
  p->ncpu = plat_cpu_count();
  p->yield_ns = threads <= p->ncpu ? (plat_yield_sleeps() ? 0 : SPIN_YIELD_NS)
               : plat_yield_sleeps() ? SPIN_YIELD_NS : 1;
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
    w->chunk = (uint32_t)i + 1;
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
  if (nchunks > MAX_CHUNKS) { /* the claim and go words count chunks in 31 bits */
    grain = items / MAX_CHUNKS + 1;
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
    uint32_t n = (uint32_t)nchunks;
    p->begin = begin;
    p->end = end;
    p->grain = grain;
    p->body = body;
    p->ctx = ctx;
    if (p->pin && p->ncpu > 1) follow_caller(p);
    uint32_t g = atomic_load_explicit(&p->gen, RELAXED) + 1;
    bool reserve = reserves(p, n);
    if (reserve) {
      /* `taken` compares generations modulo 2^32: one left 2^31 calls behind
       * (a long run of small or cold calls) would read as ahead, and its
       * chunk could be taken by nobody. Long before that, bring them up. */
      if ((uint32_t)(g - p->reserved_gen) >= (1u << 30))
        for (int i = 0; i < p->nworkers; i++) atomic_store_explicit(&p->workers[i].taken, g - 1, RELAXED);
      p->reserved_gen = g;
    }
    uint32_t reserved = reserve ? (uint32_t)p->threads : 1;
    /* With nothing to claim the old word will do: its generation's call
     * ended, so it has nothing left either (a store saved per call). */
    if (n > reserved) atomic_store_explicit(&p->claim, (uint64_t)g << 32 | (n - reserved), RELEASE);
    atomic_store_explicit(&p->go, (uint64_t)g << 32 | n | (reserve ? GO_RESERVED : 0), RELEASE);
    atomic_store(&p->gen, g);
    int helpers = (int)n - 1 < p->nworkers ? (int)n - 1 : p->nworkers;
    bool solo = pool_solo_now(p);
    bool woke = !solo && wake_workers(p, helpers);

    plat_publish_u32(&p->caller, POOL_CALLER_RUNNING);
    /* Chunk 0 is the caller's in either case: reserved, or the one the claim
     * word leaves out. */
    uint32_t mine = 1;
    caller_items = run_chunk(p, 0);
    if (solo && !caller_rest(p, g, n, reserve, plat_now_ns() + SOLO_CALL_NS, &mine, &caller_items))
      wake_workers(p, helpers); /* a long call */
    caller_rest(p, g, n, reserve, 0, &mine, &caller_items);
    if (woke) pool_solo_learn(p, caller_items, items);
    plat_publish_u32(&p->caller, POOL_CALLER_WAITING);
    wait_done(p, g, mine, n);
    plat_publish_u32(&p->caller, POOL_CALLER_IDLE);
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
