"""Benchmark: a cold `kumaprov lint` of a small project, whole process, beside `python -c pass`
and (optionally) the same lint by an earlier commit, runs taking turns.

Run by hand; prints figures, asserts nothing about timings:

    .venv/bin/python bench/start_bench.py                    # 15 runs of each
    .venv/bin/python bench/start_bench.py --before kinds2    # and the lint of that commit, in turns

The project: two instances of the built-in `openwebui` template (6 monitors, with the
template's samples), `target: 2.5.3`. Each lint runs with --no-cache (nothing cached: the
"cold" case). `--before REF` unpacks that commit's kumaprov/ into a temp dir (git archive)
and runs it with the same interpreter and venv. Both trees get compiled bytecode first
(this machine sets PYTHONDONTWRITEBYTECODE; an installed wheel has its .pyc files).
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from gitstate import REPO, git_state  # bench/ is the script's directory, first on sys.path

PROJECT = """\
monitors:
  - template: openwebui
    vars: {id: chat, name: Chat, base_url: "https://chat.example.com", api_key_env: CHAT_KEY, model: llama3.1:8b}
  - template: openwebui
    vars: {id: lab, name: Lab, base_url: "https://lab.example.com", api_key_env: LAB_KEY, model: qwen2.5:7b}
"""


def make_project(root: Path) -> Path:
    project = root / "project"
    (project / "monitors").mkdir(parents=True)
    (project / "kumaprov.yaml").write_text("target: 2.5.3\n")
    (project / "monitors" / "llm.yaml").write_text(PROJECT)
    return project


def tree_at(ref: str, root: Path) -> Path:
    """That commit's kumaprov/ package, unpacked beside nothing else."""
    target = root / f"at-{ref.replace('/', '_')}"
    target.mkdir()
    archive = subprocess.run(["git", "-C", str(REPO), "archive", ref, "kumaprov", "templates"],
                             check=True, capture_output=True).stdout
    archive_path = root / "tree.tar"
    archive_path.write_bytes(archive)
    with tarfile.open(archive_path) as tar:
        tar.extractall(target, filter="fully_trusted")
    # builtin/ links to ../templates in the checkout; the archive keeps the link.
    return target


def timed(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """Wall time and the child's CPU time (user + system): on a machine shared with other
    work the CPU time moves much less than the wall time."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise RuntimeError(f"{command}: exit {result.returncode}\n{result.stdout[-800:]}\n{result.stderr[-800:]}")
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--before", metavar="REF", help="also time the lint of this commit, in turns")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="kumaprov-start-bench-"))
    try:
        project = make_project(root)
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "KUMAPROV_CACHE_DIR")}
        env.update(CHAT_KEY="x", LAB_KEY="y")
        compileall.compile_dir(str(REPO / "kumaprov"), quiet=1)
        contenders: dict[str, tuple[list[str], dict[str, str]]] = {
            "python -c pass": ([sys.executable, "-c", "pass"], env),
            # PYTHONPATH for both trees: the same finder (not the editable install's) for each.
            "kumaprov lint (this tree)": ([sys.executable, "-m", "kumaprov", "lint", "--no-cache"],
                                          {**env, "PYTHONPATH": str(REPO)}),
        }
        if args.before:
            tree = tree_at(args.before, root)
            compileall.compile_dir(str(tree / "kumaprov"), quiet=1)
            before_env = {**env, "PYTHONPATH": str(tree)}
            contenders[f"kumaprov lint ({args.before})"] = (
                [sys.executable, "-m", "kumaprov", "lint", "--no-cache"], before_env)
        times: dict[str, list[float]] = {name: [] for name in contenders}
        cpu: dict[str, list[float]] = {name: [] for name in contenders}
        print(f"kumaprov at {git_state()}; 6 monitors; {args.runs} runs each, in turns; "
              f"loadavg {os.getloadavg()[0]:.2f}")
        for run in range(args.runs):
            order = list(contenders) if run % 2 == 0 else list(reversed(contenders))
            for name in order:
                command, run_env = contenders[name]
                wall, used = timed(command, project, run_env)
                times[name].append(wall)
                cpu[name].append(used)
        print(f"loadavg now {os.getloadavg()[0]:.2f}")
        base = statistics.median(times["kumaprov lint (this tree)"])
        base_cpu = statistics.median(cpu["kumaprov lint (this tree)"])
        for name, values in times.items():
            median, median_cpu = statistics.median(values), statistics.median(cpu[name])
            print(f"  {name:32} wall median {median:6.3f} s (min {min(values):.3f}, max {max(values):.3f}) "
                  f"{median / base:5.2f}x this tree;  CPU median {median_cpu:6.3f} s {median_cpu / base_cpu:5.2f}x")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
