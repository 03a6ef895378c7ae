/* serial: the reference. No workers; every call runs on its caller. */
#include "backend.h"

const pool_backend pool_backend_serial = {
    .name = "serial",
    .description = "reference: every call runs on the caller, no workers",
};
