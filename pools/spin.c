/* spin: warm pool. Idle threads busy-wait on the work word (its own cache
 * line, with a CPU pause hint) and fall back to the futex after the idle
 * budget (pool_options.spin_ns); pool_set_warm(false) makes it cold. */
#include "backend.h"

const pool_backend pool_backend_spin = {
    .name = "spin",
    .description = "warm: idle threads spin, then sleep on a futex after the idle budget",
    .warm_default = true,
    .wait = pool_futex_wait,
    .wake = pool_futex_wake,
};
