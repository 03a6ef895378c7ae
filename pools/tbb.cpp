// tbb: the other reference a user would pick natively, oneTBB parallel_for
// in a task arena of `threads` slots (one reserved for the caller).
#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

#include <atomic>
#include <new>

#include "backend.h"

namespace {

struct tbb_state {
  tbb::task_arena *arena;
  tbb::global_control *more; /* more threads than cores: see tbb_init */
};

int tbb_init(void *state, int threads) {
  auto *s = static_cast<tbb_state *>(state);
  s->more = nullptr;
  // oneTBB keeps its workers to the cores unless told otherwise: an arena of
  // more slots than cores would never fill, and a call whose items wait for
  // one another (forkjoin) would not join. Asked for P, it gets P.
  if (threads > tbb::info::default_concurrency()) {
    s->more = new (std::nothrow)
        tbb::global_control(tbb::global_control::max_allowed_parallelism, (size_t)threads);
    if (!s->more) return POOL_ENOMEM;
  }
  s->arena = new (std::nothrow) tbb::task_arena(threads);
  if (!s->arena) delete s->more;
  return s->arena ? POOL_OK : POOL_ENOMEM;
}

void tbb_fini(void *state) {
  auto *s = static_cast<tbb_state *>(state);
  delete s->arena;
  delete s->more;
}

int tbb_run(void *state, int, size_t begin, size_t end, size_t grain,
            pool_body body, void *ctx, uint64_t *caller_items) {
  auto *s = static_cast<tbb_state *>(state);
  size_t nchunks = pool_chunk_count(begin, end, grain);
  std::atomic<uint64_t> mine{0};
  s->arena->execute([&] {
    tbb::parallel_for(tbb::blocked_range<size_t>(0, nchunks, 1),
                      [&](const tbb::blocked_range<size_t> &r) {
                        for (size_t c = r.begin(); c != r.end(); ++c) {
                          size_t b = begin + c * grain;
                          size_t e = end - b < grain ? end : b + grain;
                          body(ctx, b, e);
                          // Slot 0 is the one reserved for the calling thread.
                          if (tbb::this_task_arena::current_thread_index() == 0)
                            mine.fetch_add(e - b, std::memory_order_relaxed);
                        }
                      });
  });
  *caller_items += mine.load();
  return POOL_OK;
}

}  // namespace

extern "C" const pool_backend pool_backend_tbb = {
    "tbb", "reference: oneTBB parallel_for in a task arena (native only)",
    false, sizeof(tbb_state), nullptr, tbb_init, tbb_fini, nullptr, nullptr, tbb_run, false,
};
