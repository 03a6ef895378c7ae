# Adds ctest's pools.<case> tests, one per case `test_pools --list` prints,
# when ctest reads the tests (tests/CMakeLists.txt includes this through
# TEST_INCLUDE_FILES, as gtest_discover_tests does): the cases are named in
# tests/pool_case_list.h only. Set by the includer: TEST_POOLS (the binary)
# and TEST_POOLS_EMULATOR (what runs it; node under Emscripten, else empty).
execute_process(COMMAND ${TEST_POOLS_EMULATOR} ${TEST_POOLS} --list
  OUTPUT_VARIABLE pool_cases ERROR_VARIABLE pool_cases_error RESULT_VARIABLE pool_cases_rc)
if(pool_cases_rc EQUAL 0)
  string(REGEX MATCHALL "[A-Za-z0-9_]+" pool_cases "${pool_cases}")
else()
  # Not built yet, or broken: a test that fails saying so, never no tests.
  set(pool_cases)
  add_test(pools.list ${TEST_POOLS_EMULATOR} ${TEST_POOLS} --list)
  set_tests_properties(pools.list PROPERTIES LABELS pools)
endif()
foreach(case IN LISTS pool_cases)
  add_test(pools.${case} ${TEST_POOLS_EMULATOR} ${TEST_POOLS} ${case})
  set_tests_properties(pools.${case} PROPERTIES TIMEOUT 300 LABELS pools SKIP_RETURN_CODE 77)
endforeach()
