/* The table of backends, in listing order: registering a backend is one line
 * here. POOL_BACKEND(x) names the `const pool_backend pool_backend_x` that
 * x's file defines (extern "C" from C++); POOL_REFERENCE(x) the same for a
 * runtime that only native builds without sanitizers link (pools/CMakeLists.txt
 * decides). Expanded by backends.c, once for the declarations and once for
 * the table, so the two cannot drift apart. */
POOL_BACKEND(serial)
POOL_BACKEND(condvar)
POOL_BACKEND(futex)
POOL_BACKEND(spin)
POOL_BACKEND(atomic_wait)
POOL_BACKEND(adaptive)
POOL_REFERENCE(openmp)
POOL_REFERENCE(tbb)
