/* The 32-bit atomic word that pools wait on, usable from C and from the one
 * C++ backend (std::atomic<uint32_t> and _Atomic uint32_t share a layout). */
#ifndef POOLBENCH_POOL_WORD_H
#define POOLBENCH_POOL_WORD_H

#include <stdint.h>

#ifdef __cplusplus
#include <atomic>
typedef std::atomic<uint32_t> pool_word;
#else
#include <stdatomic.h>
typedef _Atomic uint32_t pool_word;
#endif

#endif
