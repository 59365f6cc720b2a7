"""Benchmark: `kumaprov lint` on a generated 1,000-monitor project, beside yamllint.

Run by hand; prints figures, asserts nothing about timings:

    .venv/bin/python bench/lint_bench.py            # 7 runs of each
    .venv/bin/python bench/lint_bench.py --runs 5 --profile
    .venv/bin/python bench/lint_bench.py --runs 7 --before main   # and that commit's lint, in turns

The project is generated into a temp dir: instances of the repo's `openwebui`
template (3 monitors each, with the template's samples) spread over N files,
plus plain monitors of other types to reach the monitor count. The repo's
`templates/` (with `samples/`) is copied in. No `kumaprov.yaml` is written, so
lint checks against every supported server line (what a project without a
`target` gets); `--target` adds a row linted against one version.

Timed:
  * in-process: click's CliRunner invoking `kumaprov lint` (modules already
    imported; the first, cold call is reported separately);
  * subprocess: `python -m kumaprov lint` (includes interpreter start-up and
    imports), plus `python -c pass`, `python -c "import kumaprov.cli"` and the
    import of the libraries kumaprov lints with (PyYAML, Jinja, click, JSONata,
    pydantic) so the start-up share is visible: those imports plus the in-process
    lint are the least a whole-process lint built on them can take;
  * yamllint (subprocess) on the same monitor files, with `-d relaxed` and with
    its default config;
  * `--before REF`: that commit's `python -m kumaprov lint` (its kumaprov/ and templates/
    unpacked with git archive, as bench/start_bench.py does), in the same turns.

Subprocess rows also report the CPU time (user + system) the process used: on a machine
shared with other work it moves much less than the wall time. `lint -j 1` / `-j 2` force
one process / two (lint/parallel.py decides by itself otherwise, from the load average).
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import cProfile
import io
import os
import pstats
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from gitstate import REPO, git_state  # bench/ is the script's directory, first on sys.path
from start_bench import tree_at
PYTHON = sys.executable
VENV_BIN = Path(PYTHON).parent

INSTANCE = """\
  - template: openwebui
    vars:
      id: owui-{f:02d}-{i:03d}
      name: Open WebUI {f:02d}/{i:03d}
      base_url: https://owui-{f:02d}-{i:03d}.example.com
      api_key_env: OWUI_{f:02d}_{i:03d}_API_KEY
      model: llama3.1:8b
{extra}"""

# Plain monitors of the other types, cycled through to fill up to the count.
PLAIN = [
    """\
  - id: plain-{f:02d}-{i:03d}
    name: Plain http {f:02d}/{i:03d}
    type: http
    url: https://svc-{f:02d}-{i:03d}.example.com/healthz
    interval: 120
    accepted_status_codes: ["200-299", "301"]
    samples:
      - {{body: "ok", expect: up}}
      - {{body: "down", status: 503, expect: down}}
""",
    """\
  - id: plain-{f:02d}-{i:03d}
    name: Plain keyword {f:02d}/{i:03d}
    type: keyword
    url: https://svc-{f:02d}-{i:03d}.example.com/status
    keyword: ALL SYSTEMS GO
    samples:
      - {{body: "status: ALL SYSTEMS GO", expect: up}}
      - {{body: "status: degraded", expect: down}}
""",
    """\
  - id: plain-{f:02d}-{i:03d}
    name: Plain port {f:02d}/{i:03d}
    type: port
    hostname: db-{f:02d}-{i:03d}.internal
    port: 5432
""",
    """\
  - id: plain-{f:02d}-{i:03d}
    name: Plain ping {f:02d}/{i:03d}
    type: ping
    hostname: host-{f:02d}-{i:03d}.internal
    interval: 30
""",
    """\
  - id: plain-{f:02d}-{i:03d}
    name: Plain dns {f:02d}/{i:03d}
    type: dns
    hostname: www-{f:02d}-{i:03d}.example.com
    record_type: AAAA
""",
    """\
  - id: plain-{f:02d}-{i:03d}
    name: Plain push {f:02d}/{i:03d}
    type: push
    push_token: ${{PUSH_TOKEN_{f:02d}_{i:03d}}}
""",
    """\
  - id: plain-{f:02d}-{i:03d}
    name: Plain json-query {f:02d}/{i:03d}
    type: json-query
    url: https://svc-{f:02d}-{i:03d}.example.com/api/status
    query: status
    expected_value: ok
    samples:
      - {{body: '{{"status": "ok"}}', expect: up}}
      - {{body: '{{"status": "bad"}}', expect: down}}
""",
]


def generate(root: Path, monitors: int, files: int, plain_share: float) -> tuple[list[Path], int, int]:
    """Write the project; returns the monitor files, instance count and plain count."""
    shutil.copytree(REPO / "templates", root / "templates")
    (root / "monitors").mkdir()
    plain_total = max(int(monitors * plain_share), monitors % 3)
    while (monitors - plain_total) % 3:
        plain_total += 1
    instances_total = (monitors - plain_total) // 3
    paths = []
    for f in range(files):
        n_inst = instances_total // files + (1 if f < instances_total % files else 0)
        n_plain = plain_total // files + (1 if f < plain_total % files else 0)
        parts = ["# generated by bench/lint_bench.py\n"]
        if f % 4 == 1:
            parts.append("defaults:\n  retries: 1\n  resend_interval: 10\n")
        parts.append("monitors:\n")
        for i in range(n_inst):
            extra = ""
            if i % 5 == 2:
                extra = "      models_interval: 600\n      chat_interval: 1800\n"
            parts.append(INSTANCE.format(f=f, i=i, extra=extra))
        for j in range(n_plain):
            parts.append(PLAIN[(f + j) % len(PLAIN)].format(f=f, i=j))
        path = root / "monitors" / f"team-{f:02d}.yaml"
        path.write_text("".join(parts), encoding="utf-8")
        paths.append(path)
    return paths, instances_total, plain_total


# -- timing helpers -------------------------------------------------------------


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def fmt(times: list[float]) -> str:
    return (f"{statistics.median(times) * 1000:8.0f} ms  (min {min(times) * 1000:6.0f}, "
            f"max {max(times) * 1000:6.0f}, n={len(times)})")


@contextlib.contextmanager
def chdir(path: Path) -> Iterator[None]:
    old = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


CPU: dict[str, list[float]] = {}  # subprocess rows: user + system seconds of the child


def run_checked(cmd: list[str], cwd: Path, ok_codes: tuple[int, ...] = (0,), env: dict[str, str] | None = None,
                cpu_row: str | None = None) -> subprocess.CompletedProcess[str]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if cpu_row is not None:
        CPU.setdefault(cpu_row, []).append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    if result.returncode not in ok_codes:
        raise SystemExit(f"{' '.join(cmd)} exited {result.returncode}:\n{result.stdout[-2000:]}"
                         f"\n{result.stderr[-2000:]}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--monitors", type=int, default=1000)
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--plain-share", type=float, default=0.04,
                        help="share of plain (non-template) monitors (default 0.04: 40 of 1000)")
    parser.add_argument("--target", default="2.0.0-dev.0",
                        help="also time `lint --target VERSION` in-process ('' to skip)")
    parser.add_argument("--profile", action="store_true", help="cProfile one in-process lint and print hot spots")
    parser.add_argument("--keep", action="store_true", help="keep the generated project")
    parser.add_argument("--before", metavar="REF", help="also time that commit's lint (subprocess), in turns")
    parser.add_argument("--subprocess-only", action="store_true",
                        help="only the whole-process rows (kumaprov, yamllint, --before): quicker")
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix="kumaprov-lint-bench-"))
    os.environ["KUMAPROV_LINT_CACHE"] = str(root / ".lint-cache")  # keep the user's cache out of it
    try:
        files, instances, plain = generate(root, args.monitors, args.files, args.plain_share)
        rel_files = [str(p.relative_to(root)) for p in files]
        size = sum(p.stat().st_size for p in files)
        print(f"project: {root}")
        print(f"  {len(files)} monitor files ({size / 1024:.0f} KiB), {instances} openwebui instances "
              f"x 3 = {instances * 3} templated + {plain} plain = {instances * 3 + plain} monitors; "
              f"samples: the template's 7 sample files + inline bodies")
        print(f"  kumaprov at {git_state()}")
        load_start = os.getloadavg()[0]
        print(f"  python {sys.version.split()[0]}, {os.cpu_count()} CPUs, loadavg at start {load_start:.2f}")

        # -- correctness first: the generated project must lint clean -------
        first = run_checked([PYTHON, "-m", "kumaprov", "lint"], root)
        print(f"  kumaprov lint says: {first.stdout.strip().splitlines()[-1]}")

        from click.testing import CliRunner

        from kumaprov.cli import main as cli_main

        runner = CliRunner()

        def lint_in_process(extra: tuple[str, ...] = ()) -> None:
            with chdir(root):
                result = runner.invoke(cli_main, ["lint", *extra], catch_exceptions=False)
            if result.exit_code != 0:
                raise SystemExit(f"in-process lint exited {result.exit_code}: {result.output[-2000:]}")

        cold = timed(lambda: lint_in_process(("--no-cache",)), 1)[0]
        yamllint = str(VENV_BIN / "yamllint")
        # yamllint exits 1 when it reports errors (the default config's document-start
        # rule only warns here); any of 0/1 is a completed run.
        # Byte-code for both trees, as an installed package has: with PYTHONDONTWRITEBYTECODE set
        # (as on this machine) every run would otherwise compile kumaprov's sources anew.
        compileall.compile_dir(str(REPO / "kumaprov"), quiet=1)
        # PYTHONPATH for this tree and the --before one alike: the same import path for both.
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        this_env = {**env, "PYTHONPATH": str(REPO)}
        lint_cmd = [PYTHON, "-m", "kumaprov", "lint", "--no-cache"]
        DEPS = "  python -c 'import yaml, jinja2, click, jsonata, pydantic' (the dependencies alone)"
        SUB, SUB1, SUB2, YL = ("kumaprov lint, subprocess (python -m kumaprov lint)",
                               "kumaprov lint -j 1, subprocess (one process)",
                               "kumaprov lint -j 2, subprocess (two processes)",
                               "yamllint -d relaxed (subprocess, same files)")
        cases: dict[str, Callable[[], object]] = {
            # --no-cache: every run does the whole work, as after any edit.
            SUB: lambda: run_checked(lint_cmd, root, env=this_env, cpu_row=SUB),
            SUB1: lambda: run_checked([*lint_cmd, "-j", "1"], root, env=this_env, cpu_row=SUB1),
            SUB2: lambda: run_checked([*lint_cmd, "-j", "2"], root, env=this_env, cpu_row=SUB2),
            YL: lambda: run_checked([yamllint, "-d", "relaxed", *rel_files], root, (0, 1), cpu_row=YL),
        }
        before = f"kumaprov lint at {args.before}, subprocess"
        if args.before:
            trees = Path(f"{root}-before")  # beside the project, removed with it
            trees.mkdir()
            tree = tree_at(args.before, trees)
            compileall.compile_dir(str(tree / "kumaprov"), quiet=1)
            before_env = {**env, "PYTHONPATH": str(tree)}
            cases[before] = lambda: run_checked(lint_cmd, root, env=before_env, cpu_row=before)
        if not args.subprocess_only:
            cases.update({
                "kumaprov lint, in-process (CliRunner, warm)": lambda: lint_in_process(("--no-cache",)),
                # Nothing changed since the last run: what a pre-commit hook mostly sees.
                "kumaprov lint, subprocess, result cache hit":
                    lambda: run_checked([PYTHON, "-m", "kumaprov", "lint"], root, env=this_env),
                "  python -c pass (interpreter start-up)": lambda: run_checked([PYTHON, "-c", "pass"], root),
                "  python -c 'import kumaprov.cli' (start-up + imports)":
                    lambda: run_checked([PYTHON, "-c", "import kumaprov.cli"], root, env=this_env),
                # What any lint built on these libraries pays before reading a file.
                DEPS: lambda: run_checked([PYTHON, "-c", "import yaml, jinja2, click, jsonata, pydantic"], root),
                "yamllint, default config (subprocess)": lambda: run_checked([yamllint, *rel_files], root, (0, 1)),
            })
            if args.target:
                cases[f"kumaprov lint --target {args.target}, in-process"] = \
                    lambda: lint_in_process(("--no-cache", "--target", args.target))
        # Round-robin rather than one case after another: the machine's load drifts,
        # and interleaving keeps the ratios fair.
        results: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(args.runs):
            for name, fn in cases.items():
                results[name].extend(timed(fn, 1))
        print()
        print(f"{'what':62} {'median':>11}")
        print(f"  (cold first in-process call, imports already done: {cold * 1000:.0f} ms)")
        for name, times in results.items():
            cpu = f"   CPU median {statistics.median(CPU[name]) * 1000:5.0f} ms" if name in CPU else ""
            print(f"{name:62} {fmt(times)}{cpu}")

        med = {name: statistics.median(t) for name, t in results.items()}
        yl = med[YL]
        print()
        print(f"summary (medians of {args.runs} runs in turns; loadavg {load_start:.2f} at start, "
              f"{os.getloadavg()[0]:.2f} at end: other work on the machine inflates every row)")
        for name in (SUB, SUB1, SUB2, *([before] if args.before else [])):
            versus = f"; {med[name] / med[before]:5.2f}x {args.before}" if args.before and name != before else ""
            cpu = (f"; CPU {statistics.median(CPU[name]) / statistics.median(CPU[YL]):5.2f}x yamllint's"
                   if name in CPU else "")
            print(f"  {name:52} {med[name] * 1000:7.0f} ms  {med[name] / yl:5.2f}x yamllint{versus}{cpu}")
        print(f"  {YL:52} {yl * 1000:7.0f} ms   (target: kumaprov at most 1.00x; "
              f"{'met' if med[SUB] <= yl else 'NOT met'})")
        if not args.subprocess_only:
            lint_in = med["kumaprov lint, in-process (CliRunner, warm)"]
            lint_hit = med["kumaprov lint, subprocess, result cache hit"]
            print(f"  kumaprov lint, in-process : {lint_in * 1000:7.0f} ms ({lint_in / yl:5.2f}x yamllint)")
            print(f"  kumaprov lint, cache hit  : {lint_hit * 1000:7.0f} ms ({lint_hit / yl:5.2f}x yamllint; "
                  f"unchanged files, as in most pre-commit runs)")
            deps = med[DEPS]
            print(f"  the dependencies' imports + the in-process lint: {(deps + lint_in) * 1000:7.0f} ms "
                  f"({(deps + lint_in) / yl:5.2f}x yamllint; the least a whole-process lint on them can take)")
        if args.profile:
            profile_lint(root)
    finally:
        if args.keep:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(f"{root}-before", ignore_errors=True)


def profile_lint(root: Path) -> None:
    """Where the time goes: a phase breakdown without a profiler, import costs, then cProfile.

    These reach into kumaprov's internals, which move; each part reports and skips
    itself rather than lose the figures above.
    """
    for part in (phase_breakdown, import_breakdown, cprofile_lint):
        try:
            part(root)
        except Exception as exc:  # an internal API changed under the benchmark
            print(f"\n{part.__name__} skipped: {type(exc).__name__}: {exc}")


def phase_breakdown(root: Path) -> None:
    from kumaprov.definitions import loader
    from kumaprov.definitions import yamlpos
    from kumaprov.lint.checks import registry
    from kumaprov.lint.context import LintContext
    from kumaprov.lint.run import lint
    from kumaprov.model.registry import MONITOR_TYPES
    from kumaprov.definitions.project import load_project
    from kumaprov.definitions.templating import Templates
    from kumaprov.versions import lines_for

    phases: dict[str, list[float]] = {}

    def add(name: str, seconds: float) -> None:
        phases.setdefault(name, []).append(seconds)

    with chdir(root):
        project, _ = load_project(None, root)
        lint(project)  # warm
        # What lint() does, step by step, timed plainly (median of 3).
        for _ in range(3):
            t0 = time.perf_counter()
            loaded = loader.load(project)
            add("loader.load (YAML, templates, defaults, pydantic)", time.perf_counter() - t0)
            context = LintContext(lines_for(project.target), loaded.entries)
            for check in registry():
                t0 = time.perf_counter()
                list(check(loaded.definitions, context))
                add(f"check {check.__module__.rsplit('.', 1)[-1]}", time.perf_counter() - t0)
        # Inside loader.load, by re-doing its steps separately.
        texts = [(p, p.read_text(encoding="utf-8")) for p in loaded.files]
        templates = Templates(project.templates_dir)
        instances = [item for _, text in texts for item in yamlpos.load(text, "x")["monitors"]
                     if "template" in item]
        display = getattr(loader, "display_path", None) or getattr(loader, "_display", None)
        for _ in range(3):
            t0 = time.perf_counter()
            for path, text in texts:
                yamlpos.load(text, str(path))
            add(f"  - parse the {len(texts)} monitor files (yamlpos.load)", time.perf_counter() - t0)
            t0 = time.perf_counter()
            rendered = [templates.render(i["template"], i["vars"]) for i in instances]
            add(f"  - render {len(instances)} template instances (jinja2)", time.perf_counter() - t0)
            t0 = time.perf_counter()
            for text in rendered:
                yamlpos.load(text, "templates/openwebui.yaml.j2")
            add(f"  - parse {len(rendered)} rendered template outputs (yamlpos.load)", time.perf_counter() - t0)
            t0 = time.perf_counter()
            for definition in loaded.definitions:
                MONITOR_TYPES[definition.monitor.type].model_validate(definition.raw)
            add(f"  - pydantic model_validate x {len(loaded.definitions)}", time.perf_counter() - t0)
            if display is not None:
                t0 = time.perf_counter()
                for path, _ in texts:
                    display(path)
                for _ in instances:
                    display(templates.path("openwebui"))
                add(f"  - loader's display path x {len(texts) + len(instances)}", time.perf_counter() - t0)
        samples = [(d.base_dir / s.file) for d in loaded.definitions
                   for s in getattr(d.monitor, "samples", []) if s.file]
        from kumaprov.lint.context import SampleFiles

        for _ in range(3):
            cache = SampleFiles()
            t0 = time.perf_counter()
            for path in samples:
                cache.read(path)
            add(f"  - SampleFiles.read of the sample paths x {len(samples)} (a cache; 7 distinct files)",
                time.perf_counter() - t0)
        # The cyclic GC: the loader allocates tens of thousands of small containers.
        import gc

        for _ in range(5):
            for label, enabled in (("lint() with the cyclic GC on (as the CLI runs)", True),
                                   ("lint() with gc.disable() (to show what the GC costs)", False)):
                if not enabled:
                    gc.disable()
                try:
                    t0 = time.perf_counter()
                    lint(project)
                    add(label, time.perf_counter() - t0)
                finally:
                    gc.enable()
    print()
    print("phase breakdown of one warm lint (plain perf_counter, median of 3; the two checks that")
    print("read samples share a SampleFiles cache, as in lint(); indented rows re-do parts of loader.load):")
    for name, times in phases.items():
        print(f"  {name:72} {statistics.median(times) * 1000:7.0f} ms")


def import_breakdown(root: Path) -> None:
    """What the subprocess pays before linting (python -X importtime, cumulative, median of 3)."""
    runs: dict[str, list[int]] = {}
    for _ in range(3):
        result = subprocess.run([PYTHON, "-X", "importtime", "-c", "import kumaprov.cli"],
                                capture_output=True, text=True, cwd=root)
        seen: dict[str, int] = {}
        for line in result.stderr.splitlines():
            parts = [part.strip() for part in line.split("|")]
            if len(parts) == 3 and parts[1].isdigit():
                seen.setdefault(parts[2], int(parts[1]))
        for module, micros in seen.items():
            runs.setdefault(module, []).append(micros)
    print()
    print("import time of `import kumaprov.cli` (python -X importtime, cumulative us -> ms, median of 3):")
    for module in ("kumaprov.cli", "kumaprov.sync.engine", "kumaprov.server.client", "uptime_kuma_api",
                   "uptime_kuma_api.api", "socketio", "requests", "kumaprov.lint.run", "kumaprov.definitions.loader",
                   "kumaprov.model.monitors", "pydantic", "kumaprov.definitions.templating", "jinja2",
                   "kumaprov.lint.checks", "kumaprov.semantics.jsonquery", "jsonata", "yaml", "click"):
        if module in runs:
            print(f"  {module:28} {statistics.median(runs[module]) / 1000:7.0f} ms")
    print("  (nested rows are included in their parents; a module shows under whoever imported it first)")


def cprofile_lint(root: Path) -> None:
    """cProfile inflates pure-Python code ~2x: read the shares, not the absolute numbers."""
    from kumaprov.lint.run import lint
    from kumaprov.definitions.project import load_project

    with chdir(root):
        project, _ = load_project(None, root)
        lint(project)  # warm
        profiler = cProfile.Profile()
        profiler.enable()
        start = time.perf_counter()
        result = lint(project)
        elapsed = time.perf_counter() - start
        profiler.disable()
    print()
    print(f"cProfile of one warm kumaprov.lint.run.lint() call: {elapsed * 1000:.0f} ms under the profiler, "
          f"{len(result.definitions)} definitions, {len(result.problems)} problems")
    site = str(Path(PYTHON).parent.parent) + "/lib/python3.11/site-packages/"
    for key, title in (("cumulative", "by cumulative time"), ("tottime", "by own time")):
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats(key).print_stats(25)
        print(f"--- {title} ---")
        lines = out.getvalue().splitlines()
        start_at = next((i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls")), 0)
        for line in lines[start_at:]:
            print(line.replace(str(REPO) + "/", "").replace(site, ""))

if __name__ == "__main__":
    main()
