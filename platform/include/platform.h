/* The platform shim: everything that differs between Linux and Emscripten.
 * One implementation file per platform (platform_linux.c,
 * platform_emscripten.c), chosen by the build; logic never tests the platform. */
#ifndef POOLBENCH_PLATFORM_H
#define POOLBENCH_PLATFORM_H

#include <pthread.h>
#include <stdbool.h>

#include "pool_word.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Blocks while *addr == expected, for at most timeout_ns. Returns 0 when woken
 * or the value differed, 1 on timeout. Spurious returns are allowed. */
int plat_futex_wait(pool_word *addr, uint32_t expected, uint64_t timeout_ns);
/* Wakes up to n waiters on addr. */
void plat_futex_wake(pool_word *addr, int n);
/* A hint for busy-wait loops (x86 pause, arm yield, nothing on Wasm). */
void plat_cpu_relax(void);
/* Offers this thread's CPU to another runnable thread: natively sched_yield
 * (back at once when nobody waits); Wasm has no yield, so a timed futex wait
 * on a word nobody wakes, the shortest sleep there is (tens of us: the
 * engine's timed wait plus the kernel's timer slack). */
void plat_yield(void);
/* Whether plat_yield sleeps (Wasm) rather than returning when nobody waits:
 * then spinners that must stay responsive yield only when threads outnumber
 * cores. */
bool plat_yield_sleeps(void);
/* Publishes v at *p for readers on other threads (an atomic load reads it
 * whole) without waiting for them: no barrier. Natively a relaxed atomic
 * store; on Wasm every atomic store is sequentially consistent, a fence that
 * waits for the cache line each time a reader took it, so a plain aligned
 * i64.store (never torn on the 64-bit engines). For one writer only. */
void plat_publish_u64(pool_u64 *p, uint64_t v);
void plat_publish_u32(pool_word *p, uint32_t v);
/* Whether a spin ping-pong between two threads is one cache-line transfer
 * each way, the physical round trip (natively: release stores, pause in the
 * spin). Not on Wasm: every atomic store there is a sequentially consistent
 * exchange that waits for the line, and a spin has no pause, so its
 * ping-pong reads 2-3x native's when the cores are far apart; the report
 * judges Wasm figures in the native round trip instead. */
bool plat_spin_rt_physical(void);
/* Monotonic clock in nanoseconds. */
uint64_t plat_now_ns(void);
/* Logical CPUs available to this process. */
int plat_cpu_count(void);
/* The CPU the calling thread runs on now (0 where unknown). */
int plat_current_cpu(void);
/* Pins a thread of this process to one CPU; a no-op where threads cannot be
 * pinned (Wasm). Returns 0 when pinned. */
int plat_pin_thread(pthread_t thread, int cpu);
/* Puts the calling thread in the lowest scheduling class (Linux SCHED_IDLE):
 * any other runnable thread on its CPU preempts it. Returns 0 when done, -1
 * where no such class exists (Wasm). Tests use it to make a woken worker run
 * in its caller's place on purpose. */
int plat_idle_priority(void);
/* Sleeps the calling thread (never use on a browser main thread). */
void plat_sleep_ns(uint64_t ns);

#ifdef __cplusplus
}
#endif
#endif
