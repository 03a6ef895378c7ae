/* The 32-bit atomic word that pools wait on, usable from C and from the one
 * C++ backend (std::atomic<uint32_t> and _Atomic uint32_t share a layout),
 * and a 64-bit one the same way (a published counter: plat_publish_u64). */
#ifndef POOLBENCH_POOL_WORD_H
#define POOLBENCH_POOL_WORD_H

#include <stdint.h>

#ifdef __cplusplus
#include <atomic>
typedef std::atomic<uint32_t> pool_word;
typedef std::atomic<uint64_t> pool_u64;
#else
#include <stdatomic.h>
typedef _Atomic uint32_t pool_word;
typedef _Atomic uint64_t pool_u64;
#endif

#endif
