# User-facing entry points; CMake does the building.
# `make test` installs what is missing, builds, and runs every test, including
# the sanitizer builds of the pools.
SHELL := /bin/bash
JOBS ?= 2
BUILD ?= build
CMAKE_FLAGS ?=
# BUILD_TARGETS="a b" builds only those CMake targets (make build,
# build-node): scripts/gate_run.sh asks a commit it measures for its
# poolbench alone.
BUILD_TARGETS ?=
BUILD_TARGET_FLAGS = $(if $(BUILD_TARGETS),--target $(BUILD_TARGETS))

# A run's records go to results/<run-id>/; RUN=DIR overrides, QUICK=1 makes
# it a smoke run, THREADS=P sets the pool size.
REPORT_RUN_GIVEN := $(filter command line,$(origin RUN))
HISTORY_RUN_GIVEN := $(filter command line environment,$(origin RUN))
ifndef RUN
RUN := results/$(shell date -u +%Y%m%d-%H%M%S)
endif
QUICK ?=
THREADS ?=
# Values from the user (folder names, addresses, commits) reach programs as
# one argument each, never as shell text: make takes them unexpanded and
# exports them, and recipes quote them from the environment ("$$RUN").
PLATFORMS ?= native,node
USER_VARS := RUN BASELINE BASE HOST BROWSER_WS GRID BROWSERS PARALLEL PLATFORMS K QUICK THREADS HISTORY NOHISTORY KEY MACHINE PLATFORM GOOD BAD
$(foreach v,$(USER_VARS),$(eval override $(v) := $$(value $(v))))
export $(USER_VARS)
# Counts are checked first: make computes the thread sweep with THREADS.
non_digits = $(subst 9,,$(subst 8,,$(subst 7,,$(subst 6,,$(subst 5,,$(subst 4,,$(subst 3,,$(subst 2,,$(subst 1,,$(subst 0,,$(1)))))))))))
$(foreach v,THREADS K PARALLEL,$(if $(value $(v)),$(if $(filter-out 1,$(words $(value $(v))))$(call non_digits,$(value $(v))),\
  $(error $(v) must be a positive integer))))
$(if $(filter bench-grid,$(MAKECMDGOALS)),$(if $(value GRID),,$(error bench-grid needs GRID=http://host:4444 (the Selenium Grid))))
RUN_FLAGS := $(if $(QUICK),--quick) $(if $(THREADS),--threads $(THREADS))
# The thread sweep each platform's run gets appended: forkjoin and grain at P = 1, 2, 4,
# ... up to twice the logical cores (oversubscribed on purpose), but for the
# main run's own P; SWEEP_MAX caps it where threads are pre-created (Wasm: 8).
CORES := $(shell nproc)
sweep = $(shell p=1; main=$(or $(THREADS),$(CORES)); cap=$(1); \
  while [ $$p -le $$(( 2 * $(CORES) )) ] && [ $$p -le $$cap ]; do \
    [ $$p -ne $$main ] && printf '%s,' $$p; p=$$((p * 2)); done | sed 's/,$$//')
SWEEP_FLAGS = --append --scenario forkjoin,grain $(if $(QUICK),--quick)
# A browser elsewhere: BROWSER_WS=<its CDP/BiDi endpoint>, HOST=<an address of
# this machine it can reach> (bench/browser/driver.js --browser-ws, --host).
REMOTE_FLAGS = $${BROWSER_WS:+--browser-ws "$$BROWSER_WS"} $${HOST:+--host "$$HOST"}
# Measurements take the CPU first where the user may (root, CAP_SYS_NICE): at
# nice -20 another process on a busy machine gets what the run leaves (CFS
# weighs the two 88761 to 1024), not a time slice in the middle of a
# fork-join. Else they run as they are; each header's `nice` says which.
# PRIORITY=0 turns it off.
AT_PRIORITY := $(if $(filter 0,$(PRIORITY)),,$(shell n=$$(nice -n -20 nice 2>/dev/null) && [ "$$n" -lt "$$(nice)" ] && echo nice -n -20))
# One hung job never costs the stage the jobs after it: the run goes on in a
# fresh process after the job the watchdog cut short (exit 3 at the end).
RESUME = $(AT_PRIORITY) bash scripts/run_resuming.sh
GBENCH_FLAGS := $(if $(QUICK),--benchmark_min_time=0.002 --benchmark_repetitions=3) $(if $(THREADS),--threads=$(THREADS))

# The platforms' stages of `make bench`; each is also a target of its own.
BENCH_STAGES := bench-native bench-node bench-browser bench-firefox bench-pymport bench-pyodide
# Every measurement is added to the performance history (history/) when it
# ends, whatever its outcome (scripts/history_add.sh: a run not stored is a
# warning). HISTORY=<path> or postgresql://... says where (default
# results/history.sqlite); HISTORY=none or NOHISTORY=1: not at all.
HISTORY_ADD = bash scripts/history_add.sh

# Debian's emcc 3.1.6 needs its node modules on NODE_PATH ("Cannot find module
# 'acorn'"); harmless for other emscriptens.
EMENV := NODE_PATH=/usr/share/nodejs$(if $(NODE_PATH),:$(NODE_PATH))
BUILD_NODE ?= build-node
BUILD_WEB ?= build-web
BUILD_PYODIDE ?= build-pyodide
PYODIDE_FLAGS := $(if $(QUICK),--quick)
# The Pyodide side module: the project's C kernel and statistics, no -pthread
# (Pyodide's memory is not shared). -sWASM_BIGINT: Pyodide's libc passes
# 64-bit integers as BigInt; without it 3.1.6 legalizes them and the module
# fails to link ("llround ... imported function does not match the expected type").
PYODIDE_SIDE_SRC := bench/pyodide/side_module.c bench/pycalls.c harness/timer.c harness/kernel.c harness/stats.c harness/vocabulary.c
PYODIDE_SIDE_FLAGS := -O2 -sSIDE_MODULE=1 -sWASM_BIGINT -Iplatform/include -Iharness

.PHONY: all setup setup-postgres build build-node test test-native test-node test-tsan test-asan \
	build-web build-pyodide bench $(BENCH_STAGES) $(BENCH_STAGES:%=%-stage) bench-grid engine-floor serve report gate baseline gate-rates \
	diagnose engine-experiments history-add history-list trend bisect clean help

all: build

help:
	@echo "poolbench targets:"
	@echo "  make setup        install every dependency (scripts/setup.sh, idempotent)"
	@echo "  make build        build the native targets into $(BUILD)/"
	@echo "  make test         setup + build + all tests (incl. TSan and ASan+UBSan builds)"
	@echo "  make bench-native native pools, OpenMP/oneTBB, Python baselines, Google Benchmark"
	@echo "                    (RUN=dir, QUICK=1, THREADS=P; at nice -20 where permitted, PRIORITY=0: not)"
	@echo "  make bench-node   the same pools and scenarios as WebAssembly pthreads under Node.js"
	@echo "  make bench-browser the same again in a Web Worker of headless Chromium"
	@echo "  make bench-firefox ... and of headless Firefox (WebDriver BiDi, full-resolution timer)"
	@echo "  make bench-grid GRID=http://host:4444 [BROWSERS=chrome,firefox] [PARALLEL=k] [HOST=addr]"
	@echo "                    the browser run on each node of a Selenium Grid 4: one session"
	@echo "                    per browser per node, RUN/<browser>-<node>.ndjson each"
	@echo "  make serve        the page for any browser or device (HOST=): choose, run, download"
	@echo "  make bench-pyodide the Python scenarios in Pyodide, under Node.js and in Chromium"
	@echo "  make bench-pymport the Python baselines in CPython embedded in Node.js (pymport),"
	@echo "                    and JS calling Python: sync, callAsync, worker_threads"
	@echo "  make engine-floor the same hand-offs in plain JS on a SharedArrayBuffer (no C, no Wasm)"
	@echo "                    under Node, in Chromium and Firefox: the engines' floor, one table"
	@echo "  make bench        run the whole benchmark suite and the report"
	@echo "  make report       plots, HTML and summary.md of the newest run (RUN=, BASELINE=)"
	@echo "  make trend        each key over the commits in the history, with change points"
	@echo "                    (KEY=<glob>, MACHINE=, PLATFORM=; into RUN's report/trend)"
	@echo "  make diagnose     reproduce known threading hazards on every platform, verdict table"
	@echo "  make engine-experiments  one fork-join natively, in Node, Chromium, Firefox and"
	@echo "                    under V8's Wasm tiering flags, in native round trips (ROUNDS=, ONLY=)"
	@echo "  make gate         quick suite vs results/baseline: exit 1 on a regression"
	@echo "                    (BASE=<commit>: vs that commit, both measured now)"
	@echo "  make baseline     refresh results/baseline deliberately"
	@echo "  make history-add RUN=dir  add a run to the performance history (make bench, bench-*"
	@echo "                    and gate add theirs; HISTORY=path|postgresql://..., HISTORY=none: off)"
	@echo "  make history-list the runs in the history, one line each"
	@echo "  make setup-postgres  setup, and psycopg for a PostgreSQL history (make test runs it)"
	@echo "  make bisect GOOD=<commit> BAD=<commit> KEY=<gate key>"
	@echo "                    the first commit at which KEY changed, each step gated against GOOD"

setup:
	@bash scripts/setup.sh

# psycopg too, for HISTORY=postgresql://... (and the history.postgres test).
setup-postgres:
	@bash scripts/setup.sh --postgres

build:
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS) $(BUILD_TARGET_FLAGS) -- --no-print-directory

build-node:
	@$(EMENV) emcmake cmake -S . -B $(BUILD_NODE) -DCMAKE_BUILD_TYPE=Release >/dev/null
	@$(EMENV) cmake --build $(BUILD_NODE) -j $(JOBS) $(BUILD_TARGET_FLAGS) -- --no-print-directory

# Every build and program is there by then: a test that misses one fails
# (POOLBENCH_REQUIRE_ALL, tests/require.sh) rather than skipping.
test: setup-postgres
	@POOLBENCH_REQUIRE_ALL=1 $(MAKE) --no-print-directory build-web build-pyodide test-native test-node test-tsan test-asan

build-web:
	@$(EMENV) emcmake cmake -S . -B $(BUILD_WEB) -DCMAKE_BUILD_TYPE=Release -DPOOLBENCH_WASM_HOST=browser >/dev/null
	@$(EMENV) cmake --build $(BUILD_WEB) -j $(JOBS) --target poolbench poolbench_nopool -- --no-print-directory

build-pyodide: $(BUILD_PYODIDE)/poolbench_side.so $(BUILD_PYODIDE)/poolbench_side_pthread.so
	@true

$(BUILD_PYODIDE)/poolbench_side.so: $(PYODIDE_SIDE_SRC) harness/kernel.h harness/timer.h harness/harness.h harness/stats.h harness/vocabulary.h platform/include/platform.h platform/include/pool_word.h
	@mkdir -p $(BUILD_PYODIDE)
	@$(EMENV) emcc $(PYODIDE_SIDE_FLAGS) $(PYODIDE_SIDE_SRC) -o $@
	@$(EMENV) emcc --version | head -1 | sed -E 's/.*\) ([0-9][^ ]*).*/emcc \1/' >$(BUILD_PYODIDE)/side_compiler.txt

# The same module with -pthread: only for the probe, which records that it
# cannot load into Pyodide.
$(BUILD_PYODIDE)/poolbench_side_pthread.so: $(PYODIDE_SIDE_SRC) harness/kernel.h harness/timer.h harness/harness.h harness/stats.h harness/vocabulary.h platform/include/platform.h platform/include/pool_word.h
	@mkdir -p $(BUILD_PYODIDE)
	@$(EMENV) emcc $(PYODIDE_SIDE_FLAGS) -pthread -Wno-experimental $(PYODIDE_SIDE_SRC) -o $@

test-node: build-node
	@cd $(BUILD_NODE) && ctest --output-on-failure

# Its browser and Pyodide tests drive those builds.
test-native: build build-web build-pyodide
	@cd $(BUILD) && ctest --output-on-failure

# Sanitizer builds: each in its own directory, running the pool suite.
test-tsan:
	@cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPOOLBENCH_SANITIZE=thread >/dev/null
	@cmake --build build-tsan -j $(JOBS) --target test_pools
	@cd build-tsan && TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" ctest --output-on-failure -L pools

test-asan:
	@cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DPOOLBENCH_SANITIZE=address,undefined" >/dev/null
	@cmake --build build-asan -j $(JOBS) --target test_pools
	@cd build-asan && ASAN_OPTIONS="detect_leaks=1 abort_on_error=1" UBSAN_OPTIONS="print_stacktrace=1" ctest --output-on-failure -L pools

bench-native-stage: setup build
	@$(RESUME) "$$RUN/native.ndjson" -- ./$(BUILD)/poolbench run --out "$$RUN" $(RUN_FLAGS)
	@$(if $(call sweep,256),$(RESUME) "$$RUN/native.ndjson" -- ./$(BUILD)/poolbench run --out "$$RUN" $(SWEEP_FLAGS) --threads $(call sweep,256))
	@$(AT_PRIORITY) python3 bench/py_baselines.py --lib $(BUILD)/libpoolbench.so --out "$$RUN" $(RUN_FLAGS)
	@echo "Google Benchmark: $$RUN/gbench.json (console output in $$RUN/gbench.txt)..." >&2
	@$(AT_PRIORITY) ./$(BUILD)/poolbench_gbench "--benchmark_out=$$RUN/gbench.json" \
	  --benchmark_out_format=json $(GBENCH_FLAGS) >"$$RUN/gbench.txt"
	@ln -sfn "$$(basename -- "$$RUN")" results/latest
	@echo "records: $$RUN/ (results/latest)"
	@python3 report/platforms.py -- "$$RUN"

bench-node-stage: setup build-node
	@$(RESUME) "$$RUN/node.ndjson" -- node $(BUILD_NODE)/poolbench.js run --out "$$RUN" $(RUN_FLAGS)
	@$(if $(call sweep,8),$(RESUME) "$$RUN/node.ndjson" -- node $(BUILD_NODE)/poolbench.js run --out "$$RUN" $(SWEEP_FLAGS) --threads $(call sweep,8))
	@python3 report/platforms.py -- "$$RUN"

bench-browser-stage: setup build-web
	@$(RESUME) "$$RUN/chrome.ndjson" -- node bench/browser/driver.js $(REMOTE_FLAGS) --build $(BUILD_WEB) --out "$$RUN" -- run --out "$$RUN" $(RUN_FLAGS)
	@$(if $(call sweep,8),$(RESUME) "$$RUN/chrome.ndjson" -- node bench/browser/driver.js $(REMOTE_FLAGS) --quiet --build $(BUILD_WEB) --out "$$RUN" -- run --out "$$RUN" $(SWEEP_FLAGS) --threads $(call sweep,8))
	@python3 report/platforms.py -- "$$RUN"

bench-firefox-stage: setup build-web
	@$(RESUME) "$$RUN/firefox.ndjson" -- node bench/browser/driver.js --browser firefox $(REMOTE_FLAGS) --build $(BUILD_WEB) --out "$$RUN" -- run --out "$$RUN" $(RUN_FLAGS)
	@$(if $(call sweep,8),$(RESUME) "$$RUN/firefox.ndjson" -- node bench/browser/driver.js $(REMOTE_FLAGS) --quiet --browser firefox --build $(BUILD_WEB) --out "$$RUN" -- run --out "$$RUN" $(SWEEP_FLAGS) --threads $(call sweep,8))
	@python3 report/platforms.py -- "$$RUN"

# The browser run on a Selenium Grid 4 (bench/browser/grid.js): one session
# per browser per node, one node at a time (PARALLEL=k: k nodes at once, never
# two sessions on one node); HOST=<an address of this machine the nodes reach>.
bench-grid: setup build-web
	@node bench/browser/grid.js --grid "$$GRID" $${BROWSERS:+--browsers "$$BROWSERS"} $${PARALLEL:+--parallel "$$PARALLEL"} \
	  $${HOST:+--host "$$HOST"} --build $(BUILD_WEB) --out "$$RUN" -- run $(RUN_FLAGS)

# Where a browser's fork-join cost goes (README "Why a browser costs more"):
# the same fork-join natively, in each engine and under V8's tiering flags.
engine-experiments: setup build build-node build-web
	@$(AT_PRIORITY) python3 bench/engine_experiments.py $${ROUNDS:+--rounds "$$ROUNDS"} $${ONLY:+--only "$$ONLY"} --out "$$RUN"

# The page for a person at any browser (this machine's, or a device's with
# HOST=<an address of this machine>): choose, run, download the records.
serve: setup build-web
	@node bench/browser/serve.js --build $(BUILD_WEB) --out "$$RUN" $${HOST:+--host "$$HOST"}

bench-pyodide-stage: setup build-pyodide
	@$(AT_PRIORITY) node bench/pyodide/node_host.mjs --build $(BUILD_PYODIDE) --out "$$RUN" $(PYODIDE_FLAGS)
	@$(AT_PRIORITY) node bench/browser/driver.js --pyodide --build $(BUILD_PYODIDE) --out "$$RUN" -- $(PYODIDE_FLAGS)
	@$(AT_PRIORITY) node bench/browser/driver.js --pyodide --browser firefox --build $(BUILD_PYODIDE) --out "$$RUN" -- $(PYODIDE_FLAGS)
	@python3 report/python_panel.py -- "$$RUN"

# CPython embedded in Node.js (pymport): the Python baselines as natively,
# and the bridge's JS side (bench/pymport/host.js).
bench-pymport-stage: setup build
	@$(AT_PRIORITY) node bench/pymport/host.js --lib $(BUILD)/libpoolbench.so --out "$$RUN" $(RUN_FLAGS)

# The engines' floor: poolbench's hand-offs (ping-pong, a P = 2 fork-join) in
# plain JS on a SharedArrayBuffer under Node, in Chromium and in Firefox, no C
# or Wasm: how much of a Wasm figure is the engine's and the workers' own
# (bench/js_floor/). One Markdown table on stdout; no records.
engine-floor: setup
	@$(AT_PRIORITY) node bench/js_floor/floor_table.js

# The report of a run: RUN=results/<run> (default: the newest), BASELINE=
# an older run for old-vs-new columns and ratio plots.
report:
	@run=$(if $(REPORT_RUN_GIVEN),$$RUN,$$(readlink -f results/latest)); \
	  [[ -n $$run ]] || { echo "make report: no run to report (make bench first, or RUN=results/<run>[,<run>...])" >&2; exit 2; }; \
	  python3 report/report.py $${BASELINE:+"--baseline=$$BASELINE"} -- "$$run"

# A stage on its own (make bench-node): its recipe (bench-node-stage), then
# the run goes into the history, whether the stage succeeded or not.
$(BENCH_STAGES):
	@$(MAKE) --no-print-directory $@-stage; rc=$$?; $(HISTORY_ADD) bench "$$RUN"; exit $$rc

# Each key's median over the commits in the history (HISTORY=, else
# results/history.sqlite) with its change points; KEY=<glob>, MACHINE=,
# PLATFORM= select. Plots and trend.md go to RUN's report/trend (default:
# the newest run's).
trend:
	@run=$(if $(REPORT_RUN_GIVEN),$$RUN,$$(readlink -e results/latest)); \
	  python3 -m history.trend $${KEY:+--key "$$KEY"} $${MACHINE:+--machine "$$MACHINE"} \
	    $${PLATFORM:+--platform "$$PLATFORM"} $${run:+--out "$$run/report/trend"}

# Every stage runs even when one fails (the report covers what ran); the exit
# status then names the failed stages. The run goes into the history once,
# before the report, whose History section shows it among the earlier runs.
bench: setup
	@failed=; for stage in $(BENCH_STAGES); do \
	  $(MAKE) --no-print-directory $$stage-stage || failed="$$failed $$stage"; \
	done; \
	$(HISTORY_ADD) bench "$$RUN"; \
	python3 report/report.py -- "$$RUN" || failed="$$failed report"; \
	python3 report/targets.py -- "$$RUN" || true; \
	echo "make bench: report at $$RUN/report/index.html (summary: $$RUN/report/summary.md)"; \
	if [[ -n $$failed ]]; then echo "make bench: failed:$$failed (their output above says why)" >&2; exit 1; fi

# The hazard catalogue on native, Node, Chromium, Pyodide and pymport: a verdict table.
diagnose: setup build build-node build-web build-pyodide
	@bash scripts/diagnose.sh "$$RUN"

# The regression gate: a quick suite compared with results/baseline/
# (PLATFORMS=native,node selects); `make baseline` refreshes the baseline.
# BASE=<commit>: measure that commit's suite now, alternating with this one
# (the gate refuses a baseline measured on another machine).
gate: setup build build-node
	@$(AT_PRIORITY) bash scripts/gate_run.sh --platforms "$$PLATFORMS" $${BASE:+--base "$$BASE"}

baseline: setup build build-node
	@$(AT_PRIORITY) bash scripts/gate_run.sh --platforms "$$PLATFORMS" --refresh-baseline

# The gate measured: false alarms on unchanged code, detections of an
# injected 30% dispatch slowdown (K=, default about 8 minutes).
gate-rates: setup build
	@python3 scripts/gate_rates $${K:+--k "$$K"}

# The performance history (history/): add a run by hand, list what is stored.
history-add:
	@[[ -n "$(HISTORY_RUN_GIVEN)" ]] || { echo "make history-add: RUN=<run directory> is needed" >&2; exit 2; }
	@python3 -m history.cli add --source manual -- "$$RUN"

history-list:
	@python3 -m history.cli list

# The first commit of GOOD..BAD at which KEY (a key of the gate, e.g.
# native/forkjoin/spin/warm/2/2/0) changed: a binary search whose steps are
# gate runs of a commit against GOOD (history/bisect.py; its --help).
bisect: setup build
	@$(AT_PRIORITY) python3 -m history.bisect --good "$$GOOD" --bad "$$BAD" --key "$$KEY"

clean:
	rm -rf build build-node build-web build-pyodide build-tsan build-asan build-base build-head
	git worktree prune
