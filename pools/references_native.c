/* Native builds: the runtimes users would otherwise pick. */
#include "backends.h"

extern const pool_backend pool_backend_openmp;
extern const pool_backend pool_backend_tbb;

const pool_backend *const pool_reference_backends[] = {&pool_backend_openmp,
                                                       &pool_backend_tbb, NULL};
