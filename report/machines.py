"""Which machine each platform of a run ran on, and what the report calls
it. Figures of two machines differ by more than any change of code, so the
report groups by machine and holds no figure to another machine's.

A machine is what the header says: its CPU model, logical cores, and the
Grid node or host name where the file gives one. A local browser's or
Pyodide's header names no CPU (a page cannot read it): it ran beside the
run folder's other platforms, on the machine the first of them names. A
platform run on a Grid node is that node's, whatever its folder holds.
A machine no header of a folder names is that folder's own: never the
same as a known one, nor as another folder's unknown one.
Names come from records, so only plain words of them are kept (vocab.plain)."""
import re
from dataclasses import dataclass

from vocab import BROWSER_VERSION, GRID_NODE, HOSTNAME, ordered, plain

# Words of a CPU model that every model of its vendor repeats: left out of
# the short name ("AMD EPYC 7B13 64-Core Processor" is "EPYC 7B13").
CPU_FILLER = re.compile(r"\((?:R|TM|tm)\)|\b(?:AMD|Intel|CPU|Processor|[0-9]+-Core)\b|@.*$")


def text(v):
    """A header's string field, or None (absent, null, or not a string)."""
    return v if isinstance(v, str) and v.strip() else None


@dataclass(frozen=True)
class Machine:
    cpu_model: str = None
    cores: int = None
    node: str = None  # the Grid node or the host's name
    folder: str = None  # the run folder, for a machine its headers do not name

    def cpu(self, full=False):
        if not self.cpu_model:
            return "unknown CPU"
        short = " ".join(CPU_FILLER.sub(" ", self.cpu_model).split())
        return plain(self.cpu_model if full or not short else short)

    def name(self, full=False):
        """'EPYC 7B13 ×2', 'EPYC 7B13 ×2 on host-a'."""
        cores = self.cores if isinstance(self.cores, int) else "?"
        return f"{self.cpu(full)} ×{cores}" + (f" on {plain(self.node)}" if self.node else "")

    def describe(self):
        """The trust line's words: 'AMD EPYC, 2 logical cores'."""
        if not self.cpu_model and not self.node:
            return "unknown machine"
        return (f"{self.cpu(full=True)}, {self.cores} logical cores"
                + (f", on {plain(self.node)}" if self.node else ""))


def of_header(h, folder=None):
    """The machine one header names (of the folder where it names none)."""
    cores = h.get("logical_cores")
    cpu, node = text(h.get("cpu_model")), text(h.get(GRID_NODE)) or text(h.get(HOSTNAME))
    return Machine(cpu, cores if isinstance(cores, int) and not isinstance(cores, bool) else None, node,
                   None if cpu or node else folder)


def assign(run, folder=None):
    """Gives each platform of one run folder ({platform: Platform}) its
    machine (p.machine): its own header's where it names a CPU or runs on a
    Grid node, else the machine of the folder's first platform that names a
    CPU (the host it ran beside)."""
    own = {name: of_header(p.header, folder) for name, p in run.items()}
    host = next((own[n] for n in ordered(run) if own[n].cpu_model and not text(run[n].header.get(GRID_NODE))), None)
    for name, p in run.items():
        local = not own[name].cpu_model and not text(p.header.get(GRID_NODE))
        p.machine = host if local and host else own[name]


def names(machines):
    """{machine: what the report calls it} of the machines given: the short
    name; two machines that would read alike get their full CPU model, then
    a number."""
    ms = list(dict.fromkeys(machines))
    out = {m: m.name() for m in ms}
    for m in ms:
        if sum(v == out[m] for v in out.values()) > 1:
            out[m] = m.name(full=True)
    seen = {}
    for m in ms:
        n = seen[out[m]] = seen.get(out[m], 0) + 1
        if n > 1:
            out[m] = f"{out[m]} #{n}"
    return out


def platform_label(h):
    """The platform and, for a browser, its major version: 'chrome 156'."""
    version = text(h.get(BROWSER_VERSION)) or (text(h.get("browser")) or "").rpartition("/")[2]
    major = re.match(r"[0-9]+", version or "")
    return f"{h['platform']} {major.group(0)}" if major else h["platform"]


def differ(a, b):
    """Why figures of platforms a and b are not compared ('different
    machines: X and Y'), or None when they ran on one machine."""
    if a.machine == b.machine:
        return None
    n = names([a.machine, b.machine])
    return f"different machines: {n[a.machine]} and {n[b.machine]}"


def groups(run):
    """[(machine's name, {name: Platform})]: the run's platforms by the
    machine they ran on, in the order the machines first appear."""
    called = names(p.machine for p in run.values())
    out = {}
    for name, p in run.items():
        out.setdefault(p.machine, {})[name] = p
    return [(called[m], sub) for m, sub in out.items()]
