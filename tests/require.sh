# Sourced by the tests that need a build or a program `make test` provides
# (the browser and Pyodide builds, pymport, the native library, the
# browsers). `missing WHAT` skips the test (exit 77, ctest: skipped) for
# someone running one ctest by hand, and fails it under
# POOLBENCH_REQUIRE_ALL=1, which `make test` exports after installing and
# building everything: there a missing piece is a fault, and a skip would
# pass a whole group of tests unrun.
missing() {
  if [[ ${POOLBENCH_REQUIRE_ALL:-} == 1 ]]; then
    echo "FAIL: $* (make test provides it: POOLBENCH_REQUIRE_ALL=1)"
    exit 1
  fi
  echo "SKIP: $*"
  exit 77
}
