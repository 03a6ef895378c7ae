/* The pool test cases, in run order: registering a case is one line here
 * and its function, case_<name>, in a pool_cases_*.c file.
 * POOL_CASE(name, deadline_s): deadline_s bounds the whole case (every
 * backend) in the process; ctest's TIMEOUT backs it up. Expanded by
 * pool_cases.h (declarations) and test_pools.c (the table); ctest gets the
 * names from `test_pools --list` (tests/pool_cases.cmake). */
POOL_CASE(coverage, 120)
POOL_CASE(back_to_back, 240)
POOL_CASE(concurrent, 120)
POOL_CASE(nested, 120)
POOL_CASE(toggle, 120)
POOL_CASE(create_destroy, 240)
POOL_CASE(destroy_warm, 60)
POOL_CASE(participation, 60)
POOL_CASE(shared_cpu, 60)
POOL_CASE(solo, 60)
POOL_CASE(bad_input, 30)
POOL_CASE(protocol, 30)
