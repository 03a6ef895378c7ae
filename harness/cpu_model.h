/* The CPU's name from the text of /proc/cpuinfo, for the run header's
 * cpu_model: the gate compares it to tell machines apart, so it must not be
 * missing where the kernel names the CPU in another way (aarch64 has no
 * "model name" line, only implementer and part numbers). */
#ifndef POOLBENCH_CPU_MODEL_H
#define POOLBENCH_CPU_MODEL_H

#include <stddef.h>

/* Writes the name to out: "model name" (x86), else the implementer and part
 * (Arm: "ARM part 0xd0c (aarch64)"), else "cpu model", "uarch" or "cpu"
 * (MIPS, RISC-V, POWER), else the machine alone ("aarch64, model unknown").
 * `cpuinfo` may be NULL (no /proc), `machine` is uname's. */
void cpu_model_from(const char *cpuinfo, const char *machine, char *out, size_t n);

#endif
