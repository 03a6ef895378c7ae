"""The report's model of a run: its records grouped by platform, each
measurement placed between the spin references measured around it. The
records are read and checked by the records package (records/: the
contract, records/schema.json); what the report modules need of it is
named here too, so they import one module."""
import os
import sys

# The repository root: where the records package is found.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from records.contract import RecordError, load_schema, type_ok  # noqa: E402,F401
from records.reader import read_file  # noqa: E402,F401
import machines  # noqa: E402
from vocab import CAPACITY, GRID_NODE, NATIVE, PINGPONG, REFERENCE_CHECK  # noqa: E402

# Scenarios measured at a P of their own whatever the run's: the same-run
# references (pingpong is two threads; capacity, the cores the run got).
OWN_P = (PINGPONG, CAPACITY)


class Platform:
    """The records of one platform in a run."""

    def __init__(self, name, header):
        self.name, self.header = name, header
        self.measurements, self.breakeven, self.timelines, self.errors = [], [], [], []
        self.hazards, self.watchdogs, self.probes, self.drifts = [], [], [], []
        self.checks = []  # reference_check records, in file order
        # {id(measurement): (the spin reference before it, the one after it)}:
        # see add().
        self._around = {}
        self._pending, self._last_ref = [], None
        # Whether the file's last record is its `end` (the run finished),
        # and the last job it got to (a measurement or error): see cut_short().
        self.ended, self._last_job = False, None
        # The native platform of the same run folder and machine (set by
        # link_native; None when there is none): what a Wasm figure's physics
        # is checked on and its ratios are taken over. other_native: the
        # folder's native where it ran on another machine (a browser on a
        # Grid node), which no figure is held to.
        self.native = self.other_native = None
        self.machine = machines.of_header(header)  # link_native: the folder's view

    def add(self, r):
        """Files record r (the next one of the file, in order). A measurement
        is placed between the spin references measured around it: the last
        reference_check before it, or the run's own spin pingpong (an
        appended sweep measures its own), and the first reference_check
        after it (None until one comes: the last job of a run cut short)."""
        self.ended = r["type"] == "end"
        if r["type"] in ("measurement", "error"):
            self._last_job = r
        if r["type"] == REFERENCE_CHECK and r.get("clean") is False:
            # Natively, a check every try of which another task interfered
            # with measured the load, not the vCPUs' placement: no reference
            # (the jobs on either side were judged by their own counters).
            return
        {"measurement": self.measurements, "breakeven": self.breakeven,
         "timeline": self.timelines, "error": self.errors,
         "hazard": self.hazards, "watchdog": self.watchdogs,
         "pyodide_probe": self.probes, "reference_drift": self.drifts,
         REFERENCE_CHECK: self.checks}.get(r["type"], []).append(r)
        spin = (self.header.get("references") or {}).get("spin")
        if r["type"] == REFERENCE_CHECK or (r["type"] == "measurement" and r["scenario"] == PINGPONG
                                            and spin and r["backend"] == spin):
            for m in self._pending:
                self._around[id(m)] = (self._last_ref, r if r["type"] == REFERENCE_CHECK else None)
            self._pending, self._last_ref = [], r
        elif r["type"] == "measurement":
            self._pending.append(r)
            self._around[id(r)] = (self._last_ref, None)

    def cut_short(self):
        """None when the file ends with its `end` record; else the last job it
        got to, in words ('forkjoin spin warm P=2'; 'header' for none)."""
        if self.ended:
            return None
        j = self._last_job
        if j is None:
            return "header"
        words = [j["scenario"]] + [v for v in (j.get("backend"), j.get("mode")) if v and v != "default"]
        return " ".join(words) + (f" P={j['threads']}" if "threads" in j else "") \
            + (" (an error)" if j["type"] == "error" else "")

    def around(self, m):
        """(before, after): the spin references measured around measurement m
        (a reference_check or the run's pingpong record; either may be None)."""
        return self._around.get(id(m), (None, None))

    def run_p(self):
        """The run's P, the header's options.threads: a sweep appended to the
        file (`--append --threads 1,4`) keeps the first run's header, so its
        records are the ones at other P. None when the header does not say."""
        p = (self.header.get("options") or {}).get("threads")
        return p if type_ok(p, "integer") else None

    def at_run_p(self, m):
        p = self.run_p()
        return p is None or m["threads"] == p or m["scenario"] in OWN_P

    def headline(self):
        """The measurements the report's headline views read: those at the
        run's P (and the references at theirs); a thread sweep's others are
        never ranked against them."""
        return [m for m in self.measurements if self.at_run_p(m)]

    def find(self, scenario, **key):
        """The headline measurements of scenario matching key; an explicit
        `threads` asks for that P (a record key: a baseline's counterpart)."""
        ms = self.across_p(scenario, **key)
        return ms if "threads" in key else [m for m in ms if self.at_run_p(m)]

    def across_p(self, scenario, **key):
        """Measurements of scenario matching key at every P the file holds."""
        return [m for m in self.measurements if m["scenario"] == scenario
                and all(m.get(k) == v for k, v in key.items())]

    def call_step_ns(self):
        """The step of the clock that timed single calls (latency, bursts,
        spaced fork-joins): the header's clock, else the system clock's."""
        clock = self.header.get("clock")
        step = clock.get("step_ns") if isinstance(clock, dict) else None
        ok = isinstance(step, (int, float)) and not isinstance(step, bool) and step > 0
        return step if ok else self.header.get("timer_step_ns")

    def reference(self, backend):
        """Median of a same-run ping-pong reference, or None."""
        r = self.find(PINGPONG, backend=backend)
        return r[0]["median"] if r else None


def platform_of(recs):
    """A Platform of one file's records (recs[0] its header)."""
    plat = Platform(recs[0]["platform"], recs[0])
    for r in recs[1:]:
        plat.add(r)
    return plat


def _files(path):
    """The records files a path names: a directory's *.ndjson, or the file."""
    if os.path.isdir(path):
        try:
            names = os.listdir(path)
        except OSError as e:
            raise RecordError(path, 0, f"cannot list: {e.strerror}")
        files = sorted(os.path.join(path, f) for f in names if f.endswith(".ndjson"))
        if not files:
            raise RecordError(path, 0, "no *.ndjson records in this directory")
        return files
    if os.path.exists(path):
        return [path]
    raise RecordError(path, 0, "no such file or directory")


def load_runs(path, contract=None):
    """[(path, {platform: Platform})]: the runs a path holds. A run folder is
    one run. Where it holds two files of one platform, as `make bench-grid`
    writes (<browser>-<node>.ndjson of several nodes, beside the local
    runs), each Grid node's files (header grid_node) are a run of that
    node's machine and the rest one more. Raises RecordError on anything
    unusable, as two files of one platform from one machine."""
    contract = contract or load_schema()
    plats = []
    for f in _files(path):
        recs, _ = read_file(f, contract)
        plats.append((f, platform_of(recs)))
    names = [p.name for _, p in plats]
    split = len(set(names)) < len(names)
    groups = {}  # grid node (None: this machine; all when not split) -> {platform: Platform}
    for f, plat in plats:
        node = plat.header.get(GRID_NODE) if split else None
        run = groups.setdefault(node if isinstance(node, str) else None, {})
        if plat.name in run:
            raise RecordError(f, 1, f"a second file for platform {plat.name}")
        run[plat.name] = plat
    for run in groups.values():
        link_native(run, os.path.abspath(path))
    return [(path, run) for run in groups.values()]


def load_run(path, contract=None):
    """{platform: Platform} from a run directory (every *.ndjson in it) or a
    single records file: one run (load_runs for a folder of Grid nodes)."""
    runs = load_runs(path, contract)
    if len(runs) > 1:
        raise RecordError(path, 0, f"{len(runs)} machines' runs (Grid nodes): one at a time, or report them side by side")
    return runs[0][1]


def link_native(run, folder):
    """Gives each platform of one run folder (its path: folder) its machine
    (machines.assign) and the folder's native platform where that ran on
    the same machine."""
    machines.assign(run, folder)
    nat = run.get(NATIVE)
    for plat in run.values():
        same = nat is not None and nat.machine == plat.machine
        plat.native, plat.other_native = (nat, None) if same else (None, nat)

