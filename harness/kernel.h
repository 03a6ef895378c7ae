/* The delay kernel's calibration, without a session: the kernel takes the
 * timer step and its speed as parameters, so it depends on nothing above it
 * (the session, harness.c, keeps the calibrated speed). */
#ifndef POOLBENCH_KERNEL_H
#define POOLBENCH_KERNEL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Iterations of harness_spin_iters per ns, timed well above step_ns:
 * 0 on success, else -1 with a one-line reason in err. */
int kernel_calibrate(double step_ns, double *iters_per_ns, char *err, size_t errlen);
/* The iterations that take about work_ns at that speed (0 for no work). */
uint64_t kernel_iters(double iters_per_ns, double work_ns);
/* The raw kernel: a dependent chain the compiler cannot remove. */
void harness_spin_iters(uint64_t iters);
/* Calibrates the kernel without a session (for drivers with their own timing,
 * like the Google Benchmark binary): 0 on success, else err says why. */
int harness_calibrate(double *iters_per_ns, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
