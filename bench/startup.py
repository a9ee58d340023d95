"""Start-up benchmark: launch to first screen, and peak memory, of the till against bare Textual.

What it measures, for two apps started as child processes with the same Python interpreter:

- (a) the till as `till demo` starts it: import `till_tui.app`, load the config, `make_app`,
  run headless, until the LoginScreen is mounted and painted. The demo store is created in a
  temporary folder beforehand, so building it is not timed;
- (b) a bare Textual app showing one Static, until its screen is mounted and painted.

Time is measured in this (parent) process, from just before `Popen` to the child's READY line
on stdout; peak memory is the child's ru_maxrss from `os.wait4` (this process stays small, see
`make_demo_store`). Runs alternate (A B A B ...) after one untimed warm-up pair, so drift hits
both apps alike. It prints median and p95 time, median peak RSS, the till/bare ratios against
their targets (<= 1.3), a per-phase split of both start-ups, whether python-escpos or evdev
were imported by the first screen (they must not be), and, from extra `python -X importtime`
runs of both apps, the slowest imports and the till's extra import time per package.

Run from the repository root::

    python -m bench.startup            # 15 pairs
    python -m bench.startup --quick    # 3 pairs: a smoke run for CI
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import selectors
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

from bench.stats import percentile, verdict

CHILD = Path(__file__).with_name("_ready_child.py")
READY_MARK = "# bench: ready"
APP_MARK = "# bench: app imports"
TIME_TARGET = 1.3
MEMORY_TARGET = 1.3
CHILD_TIMEOUT = 60.0
IMPORTTIME_RUNS = 5
IMPORTTIME_RUNS_QUICK = 1
HEAVY_MODULES = ("textual", "rich", "peewee", "babel", "escpos", "evdev")


@dataclass
class Run:
    """One child process: seconds from spawn to READY, peak RSS, the child's own stamps."""

    seconds: float
    max_rss_kib: int
    phases: dict[str, float]
    """Seconds from spawn to each stamp the child reported (start, imports, ..., ready)."""
    flags: dict[str, str] = field(default_factory=dict)


def child_command(kind: str, config: Path, hint: str, *, importtime: bool = False) -> list[str]:
    command = [sys.executable]
    if importtime:
        command += ["-X", "importtime"]
    command += [str(CHILD), kind]
    if kind == "till":
        command += [str(config), hint]
    return command


def make_demo_store(folder: Path) -> tuple[Path, str]:
    """Create the demo store in a separate process; return its config path and login hint.

    This process stays small on purpose: a child's ru_maxrss starts from its parent's peak
    RSS at the time of the fork (Linux carries it across exec), so a parent that had imported
    Textual or the till would put a floor under both children's figures.
    """
    code = (
        "import sys; from pathlib import Path; from till_tui.demo import demo_store; "
        "store = demo_store(Path(sys.argv[1])); print(store.config_path); print(store.hint)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(folder)],
        check=True,
        capture_output=True,
        text=True,
        env=child_env(),
    ).stdout.splitlines()
    return Path(out[0]), out[1]


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONPROFILEIMPORTTIME", None)  # the same as -X importtime
    env.pop("TEXTUAL", None)  # no devtools
    return env


def _read_line(fd: int, deadline: float) -> bytes:
    """Bytes from `fd` up to and including the first newline (or EOF), by `deadline`."""
    data = b""
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        while b"\n" not in data:
            if not selector.select(max(deadline - time.monotonic(), 0)):
                raise TimeoutError
            chunk = os.read(fd, 4096)
            if not chunk:
                break
            data += chunk
    return data


def _drain(fd: int, deadline: float) -> None:
    """Read `fd` until EOF (the child closed its stdout, i.e. exited), by `deadline`."""
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        while True:
            if not selector.select(max(deadline - time.monotonic(), 0)):
                raise TimeoutError
            if not os.read(fd, 4096):
                return


def _reap(pid: int, deadline: float) -> tuple[int, resource.struct_rusage]:
    """Wait for child `pid` with wait4 (for its own rusage); kill it at `deadline`."""
    while True:
        reaped, status, usage = os.wait4(pid, os.WNOHANG)
        if reaped:
            return status, usage
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            _pid, status, usage = os.wait4(pid, 0)
            return status, usage
        time.sleep(0.005)


def run_child(command: list[str], workdir: Path, stderr_path: Path) -> Run:
    """Start `command`, time it to its READY line, reap it and read its peak RSS.

    A child that is not READY and gone within CHILD_TIMEOUT seconds is killed and the
    benchmark stops with its stderr.
    """
    with stderr_path.open("wb") as stderr:
        spawned = time.monotonic()
        proc = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=stderr, cwd=workdir, env=child_env()
        )
        assert proc.stdout is not None
        deadline = spawned + CHILD_TIMEOUT
        fd = proc.stdout.fileno()
        line = b""
        seconds = 0.0
        try:
            line = _read_line(fd, deadline)
            seconds = time.monotonic() - spawned
            _drain(fd, deadline)
        except TimeoutError:
            line = line or b"(timed out)"
            deadline = 0.0  # kill it now
        finally:
            proc.stdout.close()
            # Reap the child ourselves: wait4 gives its own rusage, hence its own peak RSS.
            status, usage = _reap(proc.pid, deadline)
            proc.returncode = os.waitstatus_to_exitcode(status)
    if not line.startswith(b"READY") or proc.returncode != 0:
        log = stderr_path.read_text("utf-8", "replace")[-3000:]
        raise SystemExit(
            f"child {command[-2:]} failed (exit {proc.returncode}, stdout {line!r}):\n{log}"
        )
    phases: dict[str, float] = {}
    flags: dict[str, str] = {}
    for item in line.decode().split()[1:]:
        name, _, value = item.partition("=")
        if name in ("escpos", "evdev", "modules"):
            flags[name] = value
        else:
            phases[name] = float(value) - spawned
    return Run(seconds, usage.ru_maxrss, phases, flags)


@dataclass
class ImportLine:
    self_us: int
    cumulative_us: int
    depth: int
    name: str


def parse_importtime(text: str) -> list[ImportLine]:
    """`-X importtime` lines of the app's imports: after the app mark, before the ready mark."""
    lines: list[ImportLine] = []
    started = False
    for raw in text.splitlines():
        if raw.startswith(APP_MARK):
            started = True
        if raw.startswith(READY_MARK):
            break
        if not started or not raw.startswith("import time:") or "imported package" in raw:
            continue
        self_us, cumulative_us, name = raw.removeprefix("import time:").split("|", 2)
        stripped = name.lstrip(" ")
        depth = (len(name) - len(stripped) - 1) // 2
        lines.append(ImportLine(int(self_us), int(cumulative_us), depth, stripped))
    return lines


def median_imports(runs: list[list[ImportLine]]) -> list[ImportLine]:
    """The first run's import tree with each module's median self and cumulative times."""
    times: dict[str, tuple[list[int], list[int]]] = {}
    for run in runs:
        for line in run:
            self_times, cumulative_times = times.setdefault(line.name, ([], []))
            self_times.append(line.self_us)
            cumulative_times.append(line.cumulative_us)
    return [
        ImportLine(
            int(statistics.median(times[line.name][0])),
            int(statistics.median(times[line.name][1])),
            line.depth,
            line.name,
        )
        for line in runs[0]
    ]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.0f} ms"


def mib(kib: float) -> str:
    return f"{kib / 1024:6.1f} MiB"


def by_package(lines: list[ImportLine]) -> dict[str, float]:
    """Milliseconds of import self time per top-level package (`till_tui` split one level)."""
    totals: dict[str, float] = {}
    for line in lines:
        parts = line.name.split(".")
        package = ".".join(parts[:2]) if parts[0] == "till_tui" and len(parts) > 1 else parts[0]
        totals[package] = totals.get(package, 0.0) + line.self_us / 1000
    return totals


def report_importtime(till: list[ImportLine], bare: list[ImportLine], top: int = 10) -> None:
    till_ms = sum(line.self_us for line in till) / 1000
    bare_ms = sum(line.self_us for line in bare) / 1000
    print(
        f"\nImports before the first screen (median of {IMPORTTIME_RUNS} -X importtime runs each,"
        f" {IMPORTTIME_RUNS_QUICK} with --quick;\nthe harness's own imports left out):"
        f" till {len(till)} modules, {till_ms:.0f} ms; "
        f"bare {len(bare)} modules, {bare_ms:.0f} ms (-X importtime inflates both)."
    )
    print("  Top 10 cumulative in the till (includes what each module imports):")
    for line in sorted(till, key=lambda item: -item.cumulative_us)[:top]:
        print(
            f"    {line.cumulative_us / 1000:6.1f} ms  (self {line.self_us / 1000:4.1f})"
            f"  {'  ' * line.depth}{line.name}"
        )
    till_packages = by_package(till)
    bare_packages = by_package(bare)
    print("  Self time per package, till vs bare (the difference is the till's own cost):")
    print(f"    {'package':<28} {'till':>8} {'bare':>8} {'extra':>8}")
    extra = {name: ms - bare_packages.get(name, 0.0) for name, ms in till_packages.items()}
    shown = sorted(extra, key=lambda name: -extra[name])[:top]
    for name in [*shown, *(m for m in HEAVY_MODULES if m not in shown)]:
        if name in till_packages or name in HEAVY_MODULES:
            print(
                f"    {name:<28} {till_packages.get(name, 0.0):6.1f}ms"
                f" {bare_packages.get(name, 0.0):6.1f}ms {extra.get(name, 0.0):+6.1f}ms"
            )
    first = {line.name: line for line in till}
    print("  Who first imports what (cumulative ms; chain up to the top-level import):")
    for name in ("textual", "peewee", "babel", "sqlite3", "pickle", "json", "escpos", "evdev"):
        found = first.get(name)
        if found is None:
            print(f"    {name:<8} not imported before the first screen")
            continue
        print(
            f"    {name:<8} {found.cumulative_us / 1000:5.1f} ms  {' < '.join(chain(till, found))}"
        )


def chain(lines: list[ImportLine], line: ImportLine) -> list[str]:
    """`line`'s module and the modules whose import pulled it in, up to the top level.

    -X importtime writes a module's line after its children's (post-order), so the parent is
    the next line with a smaller depth. Links inside one package are skipped.
    """
    names = [line.name]
    index = lines.index(line)
    depth = line.depth
    for later in lines[index + 1 :]:
        if later.depth < depth:
            depth = later.depth
            if later.name.split(".")[0] != names[-1].split(".")[0] or depth == 0:
                names.append(later.name)
            if depth == 0:
                break
    return names


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="3 pairs, for a smoke run")
    parser.add_argument("--pairs", type=int, help="alternating (till, bare) pairs to time")
    args = parser.parse_args(argv)
    pairs = args.pairs or (3 if args.quick else 15)

    with tempfile.TemporaryDirectory(prefix="till-bench-startup-") as tmp:
        workdir = Path(tmp)
        config_path, hint = make_demo_store(workdir / "demo")
        stderr_path = workdir / "child-stderr.txt"
        commands = {
            "till": child_command("till", config_path, hint),
            "bare": child_command("bare", config_path, hint),
        }
        print(
            f"startup: {pairs} alternating pairs (till, bare) after 1 warm-up pair; "
            f"Python {platform.python_version()}, Textual {version('textual')}, "
            f"{os.cpu_count()} CPUs"
        )
        for kind in ("till", "bare"):  # warm-up: .pyc files, the page cache
            run_child(commands[kind], workdir, stderr_path)
        runs: dict[str, list[Run]] = {"till": [], "bare": []}
        for _ in range(pairs):
            for kind in ("till", "bare"):
                runs[kind].append(run_child(commands[kind], workdir, stderr_path))
        import_runs: dict[str, list[list[ImportLine]]] = {"till": [], "bare": []}
        for _ in range(IMPORTTIME_RUNS_QUICK if args.quick else IMPORTTIME_RUNS):
            for kind in ("till", "bare"):
                log = workdir / f"importtime-{kind}.txt"
                run_child(child_command(kind, config_path, hint, importtime=True), workdir, log)
                import_runs[kind].append(parse_importtime(log.read_text("utf-8", "replace")))
        imports = {kind: median_imports(runs) for kind, runs in import_runs.items()}

    medians: dict[str, tuple[float, float]] = {}
    print(f"\n  {'':<16} {'median':>10} {'p95':>10} {'peak RSS (median)':>19}")
    for kind, label in (("till", "till (demo)"), ("bare", "bare Textual")):
        seconds = [run.seconds for run in runs[kind]]
        rss = statistics.median(run.max_rss_kib for run in runs[kind])
        medians[kind] = (statistics.median(seconds), rss)
        print(
            f"  {label:<16} {ms(statistics.median(seconds))} {ms(percentile(seconds, 95))}"
            f" {mib(rss):>19}"
        )
    parent_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    lowest = min(run.max_rss_kib for kind_runs in runs.values() for run in kind_runs)
    if lowest <= parent_kib * 1.1:
        print(f"  WARNING: a child's peak RSS ({mib(lowest).strip()}) is near this process's")
        print(
            f"  ({mib(parent_kib).strip()}), which it inherits at fork: memory figures unreliable"
        )
    time_ratio = medians["till"][0] / medians["bare"][0]
    memory_ratio = medians["till"][1] / medians["bare"][1]
    print(
        f"  ratio till/bare: time {time_ratio:.2f} (target <= {TIME_TARGET})"
        f" {verdict(time_ratio, TIME_TARGET)};"
        f" memory {memory_ratio:.2f} (target <= {MEMORY_TARGET})"
        f" {verdict(memory_ratio, MEMORY_TARGET)}"
    )

    print("\nWhere the time goes (median ms from spawn; each column is the step before it):")
    for kind in ("till", "bare"):
        names = list(runs[kind][0].phases)
        marks = {name: statistics.median(run.phases[name] for run in runs[kind]) for name in names}
        steps = []
        previous = 0.0
        for name in names:
            steps.append(f"{name} +{(marks[name] - previous) * 1000:.0f}")
            previous = marks[name]
        print(f"  {kind}: " + ", ".join(steps))
    print("  (start = interpreter up; imports = app modules imported; config = config.toml")
    print("   loaded and validated; app = make_app done (database opened and migrated);")
    print("   ready = first screen mounted and painted)")

    till_runs = runs["till"]
    escpos = any(run.flags["escpos"] == "1" for run in till_runs)
    evdev = any(run.flags["evdev"] == "1" for run in till_runs)
    print(
        f"\nAt the till's first screen: escpos in sys.modules: {escpos}"
        f" ({'MISS: must be lazy' if escpos else 'PASS'}), evdev in sys.modules: {evdev}"
        f" ({'MISS: must be lazy' if evdev else 'PASS'}); {till_runs[-1].flags['modules']}"
        f" modules loaded (bare: {runs['bare'][-1].flags['modules']})"
    )
    report_importtime(imports["till"], imports["bare"])
    print(
        "\nNote: wall times drift 20-30 % between runs on this class of machine; "
        "read the ratios, measured alternately in one run."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
