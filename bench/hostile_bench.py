"""Benchmark: the whole `kumaprov lint` process on each hostile or broken input, one at a time.

Run by hand; prints figures, asserts nothing about timings (issue: lint of any single hostile
input must end, well inside 10 s on this kind of machine):

    .venv/bin/python bench/hostile_bench.py            # every case once
    .venv/bin/python bench/hostile_bench.py --runs 3   # median of 3 per case

Cases: every project of tests/corpus/*.yaml and every file of tests/bad_inputs/ (the corpus
the test suite checks for messages), each linted in a fresh temporary project by a new
`python -m kumaprov lint --no-cache` process with a hard limit of 60 s.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.gitstate import git_state  # noqa: E402
from tests.test_bad_input_corpus import CASES, write_project  # noqa: E402

BAD_INPUTS = Path(__file__).resolve().parent.parent / "tests" / "bad_inputs"
LIMIT = 60.0


def projects() -> Iterator[tuple[str, Callable[[Path], None]]]:
    for case in CASES:
        yield f"{case['group']}/{case['case']}", lambda root, case=case: write_project(root, case)
    for path in sorted(BAD_INPUTS.glob("*.yaml")):
        def place(root: Path, path: Path = path) -> None:
            shutil.copytree(BAD_INPUTS / "templates", root / "templates")
            (root / "monitors").mkdir()
            target = root / "monitors" / path.name
            if path.is_symlink():
                target.symlink_to(path.readlink())
            else:
                shutil.copy(path, target)
        yield f"bad_inputs/{path.name}", place


def lint_seconds(make: Callable[[Path], None]) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "project"
        root.mkdir()
        make(root)
        start = time.perf_counter()
        try:
            done = subprocess.run([sys.executable, "-m", "kumaprov", "lint", "--no-cache"], cwd=root,
                                  capture_output=True, timeout=LIMIT)
            code = done.returncode
        except subprocess.TimeoutExpired:
            code = -1
        return time.perf_counter() - start, code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    rows = []
    for name, make in projects():
        results = [lint_seconds(make) for _ in range(args.runs)]
        rows.append((statistics.median(s for s, _ in results), name, results[-1][1]))
    rows.sort(reverse=True)
    times = [seconds for seconds, _, _ in rows]
    print(f"# kumaprov lint, one process per hostile input ({git_state()}; {args.runs} run(s) each, median)")
    print(f"cases: {len(rows)}; median {statistics.median(times):.2f} s; max {times[0]:.2f} s; "
          f"over 10 s: {sum(t > 10 for t in times)}; timed out at {LIMIT:.0f} s: {sum(c == -1 for *_, c in rows)}")
    print("slowest:")
    for seconds, name, code in rows[:8]:
        print(f"  {seconds:6.2f} s  exit {code:>2}  {name}")


if __name__ == "__main__":
    main()
