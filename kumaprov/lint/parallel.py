"""Reading a large project's monitor files on every core: rendering, parsing and the model
are most of linting 1,000 templated monitors, and each file is independent of the others.

The files are cut into consecutive runs of about equal size. This process reads the first file,
then each run past the first is read by a forked child (with the same reader, its templates
compiled), which sends back what it read, pickled; this process reads the rest of the first
run meanwhile, then merges the runs in file order (definitions/loader.merge), so the
definitions, the problems and their order are those of one sequential read.

Forked children rather than a `multiprocessing` pool: no helper threads, no start-up beyond
the fork, and the child inherits the imported modules and the compiled templates' cache. A
child that fails in any way (an exception, a value that does not pickle, killed) costs only
speed: its run is read here again, where an error then surfaces as it would have anyway.
Below twice `min_bytes` of monitor files, on one core, or when the other cores are busy (the
load average), nothing forks: a small lint must not pay for it, nor a loaded machine.
"""

from __future__ import annotations

import os
import pickle
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from kumaprov.definitions import loader
from kumaprov.definitions.entries import Loaded
from kumaprov.definitions.fileguard import FileGuard
from kumaprov.definitions.project import Project

T = TypeVar("T")

# Bytes of monitor files per process from which reading in parallel pays for the fork and the
# pickling: about 60 template instances (bench/lint_bench.py -j rows at --monitors 200 ... 1000).
MIN_BYTES = 16 * 1024
FIRST_SHARE = 1.25  # this process's run, relative to each child's


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def idle_cores() -> int:
    """Cores to read on: all of them when the machine has about one to spare besides this
    process, else one. A forked reader costs a third more CPU in all (copy-on-write pages, the
    pickling): on a machine already busy it only slows everyone down, this lint included."""
    count = cores()
    try:
        busy = os.getloadavg()[0]
    except OSError:
        return count
    return count if busy < count - 0.5 else 1


def can_fork() -> bool:
    # Linux only: macOS forks badly once system frameworks have started threads.
    return hasattr(os, "fork") and sys.platform.startswith("linux")


def load(project: Project, paths: Sequence[Path] | None, guard: FileGuard,
         workers: int | None = None, min_bytes: int = MIN_BYTES) -> Loaded:
    """loader.load, with the files read by up to `workers` processes (default: `idle_cores()`)."""
    files, problems = loader.discover(paths or project.monitor_paths, guard)
    runs = split(files, workers or idle_cores(), min_bytes) if can_fork() else [files]
    reader = loader.reader(project, guard)
    if len(runs) < 2:
        return loader.merge(problems, files, [reader.read_all(files, None)])
    # The first file here, before forking: what a run does once (compiling the templates,
    # imports and model parts loaded on first use) is then done once, and the children inherit it.
    reader.read_file(runs[0][0])
    parts = in_children([lambda: reader.read_all(runs[0][1:], None),
                         *(lambda run=run: reader.read_all(run, Loaded()) for run in runs[1:])])
    return loader.merge(problems, files, parts)


def split(files: Sequence[Path], workers: int, min_bytes: int) -> list[list[Path]]:
    """Consecutive runs of `files` of about equal size (the first a little larger), at most
    `workers`, each of `min_bytes` or more; one run when small."""
    sizes = [_size(path) for path in files]
    total = sum(sizes)
    # Each run at least `min_bytes`: on a machine of many cores a mid-sized project is cut in a
    # few runs, not one per core, each paying its fork and pickling.
    workers = min(workers, len(files), total // min_bytes if min_bytes else workers)
    if workers < 2:
        return [list(files)]
    # This process's run is a little longer: a child pickles its part meanwhile, and this
    # process unpickles it only once the child is done (about a fifth of reading it, each).
    shares = [FIRST_SHARE, *[1.0] * (workers - 1)]
    ends = [total * sum(shares[:k + 1]) / sum(shares) for k in range(workers)]
    runs: list[list[Path]] = [[]]
    done = 0
    for path, size in zip(files, sizes):
        if runs[-1] and done >= ends[len(runs) - 1] and len(runs) < workers:
            runs.append([])
        runs[-1].append(path)
        done += size
    return runs


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # the reader reports it


def in_children(tasks: Sequence[Callable[[], T]]) -> list[T]:
    """Run tasks[1:] in forked children and tasks[0] here; their results, in order."""
    children = [_fork(task) for task in tasks[1:]]
    try:
        results = [tasks[0]()]
    finally:
        # Collected even when this process's own part raised: no child is left behind.
        received = [_collect(child) for child in children]
    for task, (ok, value) in zip(tasks[1:], received):
        results.append(value if ok else task())  # a failed child: its part, read here
    return results


def _fork(task: Callable[[], object]) -> tuple[int, int]:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns, never runs this process's exit handlers
        status = 1
        try:
            os.close(read_end)
            try:
                data = pickle.dumps((True, task()), protocol=pickle.HIGHEST_PROTOCOL)
            except BaseException:  # whatever went wrong, the parent does the part itself
                data = pickle.dumps((False, None))
            with os.fdopen(write_end, "wb") as out:
                out.write(data)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    return pid, read_end


def _collect(child: tuple[int, int]) -> tuple[bool, object]:
    pid, read_end = child
    try:
        with os.fdopen(read_end, "rb") as source:
            data = source.read()
    finally:
        os.waitpid(pid, 0)
    try:
        ok, value = pickle.loads(data)
    except Exception:  # killed half-way through writing: nothing usable came back
        return False, None
    return bool(ok), value
