"""flyte-lint benchmark: every figure as a ratio to the ast.parse floor measured in the same run.

    python benchmarks/bench.py --corpus PATH [--corpus PATH ...] [--runs 5] [--monorepo-files 10000]

The corpus is any folder of real Flyte 2 code you have locally (for example a checkout of flyte-sdk's
examples/). The synthetic monorepo and the 5,000-call workflow are generated in a temporary folder. Nothing is
downloaded. Each figure is the median of --runs runs of a fresh process, so interpreter start-up is counted on
both sides of every ratio. Each run of a measure follows a run of its floor, and the ratio given is the median
of those pairs' ratios: a shared machine's speed drifts by tens of percent within minutes, and a floor timed
minutes before the measure would carry that drift into the ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

FLOOR = textwrap.dedent(
    """
    import ast, sys
    from pathlib import Path
    for root in sys.argv[1:]:
        for path in sorted(Path(root).rglob("*.py")):
            if any(part in {".git", ".venv", "venv", "__pycache__", "build", "dist", "node_modules"} for part in path.parts):
                continue
            try:
                ast.parse(path.read_bytes())
            except (SyntaxError, ValueError):
                pass
    """
)


# Reading every file of a tree and nothing else (open, read, close): what a byte scan of each file costs at least.
# Reads of 64 KiB until one comes back short: a single read of "up to 16 MiB" allocates its whole buffer first,
# and that, not the kernel, was most of what this measured (1.34x the monorepo's floor, against 0.3x).
READ = textwrap.dedent(
    """
    import os, sys
    def walk(folder):
        for entry in os.scandir(folder):
            if entry.is_dir(follow_symlinks=False):
                walk(entry.path)
            elif entry.name.endswith(".py"):
                fd = os.open(entry.path, os.O_RDONLY)
                while len(os.read(fd, 1 << 16)) == 1 << 16:
                    pass
                os.close(fd)
    for root in sys.argv[1:]:
        walk(root)
    """
)

# The least any astroid-based check of a monorepo costs on this machine: a byte scan of every file (read,
# look for "flyte"), then ast.parse and an astroid tree (flyte-lint's own builder, its fastest) of each file
# that mentions flyte, spread over every core. No import is resolved, no model built, no rule run. It bounds the
# monorepo target from below: no astroid check of these files can beat it on this machine.
ASTROID_LEAST = textwrap.dedent(
    """
    import os, sys
    from concurrent.futures import ProcessPoolExecutor
    def walk(folder, found):
        for entry in os.scandir(folder):
            if entry.is_dir(follow_symlinks=False):
                walk(entry.path, found)
            elif entry.name.endswith(".py"):
                fd = os.open(entry.path, os.O_RDONLY)
                data = chunk = os.read(fd, 1 << 16)
                while len(chunk) == 1 << 16:
                    chunk = os.read(fd, 1 << 16)
                    data += chunk
                os.close(fd)
                if b"flyte" in data:
                    found.append(entry.path)
    def ready():
        import flyte_lint.model.builder  # (astroid)
    def build(paths):
        import ast
        from flyte_lint.model.builder import build
        for path in paths:
            with open(path, encoding="utf-8") as handle:
                build(ast.parse(handle.read()), "m", path)
        return len(paths)
    if __name__ == "__main__":
        jobs = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
        # The workers import astroid while this process scans the files.
        with ProcessPoolExecutor(jobs, initializer=ready) as pool:
            pool.submit(int)
            found = []
            for root in sys.argv[1:]:
                walk(root, found)
            sum(pool.map(build, [found[i::jobs] for i in range(jobs)]))
    """
)

CPU = {}  # the CPU seconds (user and system, workers included) of each command's last run, by its text


def timed(cmd: list[str], cwd: Path | None = None, env: dict | None = None, ok=(0, 1)) -> tuple[float, int]:
    """Wall time and peak RSS (KiB) of one run of ``cmd``; an exit status outside ``ok`` is a failure. Its CPU
    time, with that of the processes it waited for (its workers), goes into CPU."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    CPU[" ".join(cmd)] = usage.ru_utime + usage.ru_stime
    if os.WEXITSTATUS(status) not in ok:
        raise SystemExit(f"command failed ({os.WEXITSTATUS(status)}): {' '.join(cmd)}")
    return elapsed, usage.ru_maxrss


def median_time(cmd, runs, cwd=None, env=None, before=None, ok=(0, 1)) -> tuple[float, int]:
    times, peaks = [], []
    for _ in range(runs):
        if before:
            before()
        elapsed, peak = timed(cmd, cwd, env, ok)
        times.append(elapsed)
        peaks.append(peak)
    return statistics.median(times), max(peaks)


def paired(cmd, floor_cmd, runs, cwd=None, before=None, ok=(0, 1), cpu=None) -> tuple[float, float, int]:
    """(median seconds of ``cmd``, median of its ratios to a run of ``floor_cmd`` just before each of its runs,
    peak RSS in KiB). ``before`` runs between the two (an edit), outside both timings. ``cpu``, a list, gets
    (CPU seconds, their ratio to the floor's wall time) of each run: the time of all its processes."""
    times, ratios, peaks = [], [], []
    for _ in range(runs):
        floor, _ = timed(floor_cmd)
        if before:
            before()
        elapsed, peak = timed(cmd, cwd, None, ok)
        times.append(elapsed)
        ratios.append(elapsed / floor)
        if cpu is not None:
            cpu.append((CPU[" ".join(cmd)], CPU[" ".join(cmd)] / floor))
        peaks.append(peak)
    return statistics.median(times), statistics.median(ratios), max(peaks)


def compile_installed_package(py: str) -> None:
    """Byte-compile flyte-lint's modules, as ``pip install .`` leaves them. From an editable install with
    PYTHONDONTWRITEBYTECODE set (or a read-only checkout), every module edited since its .pyc was written
    would otherwise be compiled again by every process of every run (the main one and each worker): up to
    0.15 s of CPU per process when all are stale, half the monorepo's floor."""
    where = subprocess.run(
        [py, "-c", "import flyte_lint, os; print(os.path.dirname(flyte_lint.__file__))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    subprocess.run([py, "-m", "compileall", "-q", where], check=True, stdout=subprocess.DEVNULL)


def copy_corpus(corpora: list[Path], into: Path) -> Path:
    target = into / "corpus"
    for i, corpus in enumerate(corpora):
        shutil.copytree(corpus, target / f"c{i}", ignore=shutil.ignore_patterns(".git", "__pycache__"), symlinks=False)
    return target


def count_files(root: Path) -> tuple[int, int]:
    files = list(root.rglob("*.py"))
    return len(files), sum(p.read_bytes().count(b"\n") for p in files)


def make_monorepo(root: Path, total: int, flyte_share: float, seed: int = 7) -> tuple[Path, Path]:
    """``total`` files; ``flyte_share`` of them are Flyte 2 modules (each with an env, tasks and a workflow);
    the rest are plain Python that never mention flyte. Returns (monorepo, a folder with only its flyte files)."""
    rng = random.Random(seed)
    repo, only_flyte = root / "monorepo", root / "monorepo-flyte-only"
    n_flyte = int(total * flyte_share)
    for i in range(total):
        package = f"pkg{i % 100:02d}"
        is_flyte = i < n_flyte
        text = _flyte_module(i, rng) if is_flyte else _plain_module(i, rng)
        for base in [repo, only_flyte] if is_flyte else [repo]:
            path = base / package / f"mod{i:05d}.py"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    return repo, only_flyte


def _flyte_module(i: int, rng: random.Random) -> str:
    n = rng.randint(3, 8)
    tasks = "\n".join(
        f"@env.task\nasync def step{k}(x: int) -> int:\n    y = x * {k}\n    for j in range(3):\n        y += j\n    return y\n"
        for k in range(n)
    )
    calls = "\n".join(f"    v = await step{k}(v)" for k in range(n))
    return (
        f'import asyncio\nimport flyte\n\nenv = flyte.TaskEnvironment("env{i}", resources=flyte.Resources(cpu="1", memory="1Gi"))\n\n'
        f"{tasks}\n@env.task\nasync def main(v: int = 1) -> int:\n{calls}\n"
        f"    rs = await asyncio.gather(*[step0(k) for k in range(4)])\n    return v + sum(rs)\n"
    )


def _plain_module(i: int, rng: random.Random) -> str:
    body = "\n".join(
        f"def func{k}(a, b=2):\n    total = 0\n    for item in range(a):\n        total += item * b\n"
        f"    return {{'k': total, 'i': {i}}}\n"
        for k in range(rng.randint(5, 15))
    )
    return f'"""Module {i}."""\nimport os\nimport json\n\n{body}\n\nclass Model{i}:\n    def run(self):\n        return json.dumps(func0(3))\n'


def make_package(root: Path, modules: int, shared: str | None = None) -> Path:
    """One package, as an application is laid out: ``app/envs.py`` and ``modules`` modules that import it,
    each with a few tasks and a workflow. Imports and the package tree join them all into one component.
    ``shared="task"``: ``app/envs.py`` also defines a task every workflow calls (a module of tasks: no finding
    of it depends on its callers). ``shared="helper"``: every workflow also calls a helper of ``app/helpers.py``
    (a module that uses flyte, so its own findings depend on its callers)."""
    app = root / f"package-{shared or 'plain'}" / "app"
    app.mkdir(parents=True)
    (app / "__init__.py").write_text("")
    envs = 'import flyte\n\nworker = flyte.TaskEnvironment("worker")\ndriver = flyte.TaskEnvironment("driver", depends_on=[worker])\n'
    if shared == "task":
        envs += "\n\n@worker.task\nasync def shared(x: int) -> int:\n    return x * 2\n"
    (app / "envs.py").write_text(envs)
    if shared == "helper":
        (app / "helpers.py").write_text("import flyte\n\n\ndef scale(v: int) -> int:\n    return v * 2\n")
    imported, call = {
        None: ("", ""),
        "task": (", shared", "    v = await shared(v)\n"),
        "helper": ("\nfrom app.helpers import scale", "    v = scale(v)\n"),
    }[shared]
    rng = random.Random(11)
    for i in range(modules):
        n = rng.randint(3, 8)
        tasks = "".join(
            f"@worker.task\nasync def step{k}(x: int) -> int:\n    return x * {k} + {i}\n\n" for k in range(n)
        )
        calls = "".join(f"    v = await step{k}(v)\n" for k in range(n))
        (app / f"flow{i:03d}.py").write_text(
            f"import asyncio\n\nfrom app.envs import driver, worker{imported}\n\n{tasks}@driver.task\n"
            f"async def main(v: int = 1) -> int:\n{calls}{call}"
            f"    rs = await asyncio.gather(*[step0(k) for k in range(4)])\n    return v + sum(rs)\n"
        )
    return app.parent


def make_big_workflow(root: Path, calls: int) -> Path:
    lines = [
        "import asyncio",
        "import flyte",
        "",
        'env = flyte.TaskEnvironment("big")',
        "",
        "@env.task",
        "async def work(x: int) -> int:",
        "    return x + 1",
        "",
        "@env.task",
        "async def main() -> int:",
        "    v = 0",
    ]
    lines += [f"    v = await work(v + {k})" for k in range(calls)]
    lines += ["    return v", ""]
    path = root / "bigflow.py"
    path.write_text("\n".join(lines))
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, action="append", required=True, help="a folder of real Flyte 2 code")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--monorepo-files", type=int, default=10_000)
    parser.add_argument("--no-pylint", action="store_true", help="skip the pylint comparison")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    lint = [sys.executable, "-m", "flyte_lint"]
    py = sys.executable
    results: dict[str, object] = {}
    compile_installed_package(py)

    with tempfile.TemporaryDirectory(prefix="flyte-lint-bench-") as tmp:
        tmp_path = Path(tmp)
        corpus = copy_corpus(args.corpus, tmp_path)
        files, lines = count_files(corpus)
        results["corpus"] = {"files": files, "lines": lines}
        print(f"corpus: {files} files, {lines} lines; {args.runs} runs each, median")

        floor_cmd = [py, "-c", FLOOR, str(corpus)]
        floor, floor_rss = median_time(floor_cmd, args.runs)
        cold, cold_x, cold_rss = paired(lint + ["check", "--no-cache", "-j", "1", str(corpus)], floor_cmd, args.runs)
        cold_j, cold_j_x, _ = paired(lint + ["check", "--no-cache", str(corpus)], floor_cmd, args.runs)
        # Memory as the project grows: the same check of the corpus twice over (a second copy beside it).
        doubled = tmp_path / "doubled"
        shutil.copytree(corpus, doubled / "one")
        shutil.copytree(corpus, doubled / "two")
        _, doubled_rss = median_time(lint + ["check", "--no-cache", "-j", "1", str(doubled)], 1)
        shutil.rmtree(doubled)
        subprocess.run(lint + ["clean", str(corpus)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        subprocess.run(lint + ["check", str(corpus)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        warm, warm_x, _ = paired(lint + ["check", str(corpus)], floor_cmd, args.runs)
        victim = sorted(corpus.rglob("*.py"))[files // 2]
        counter = [0]

        def touch() -> None:
            counter[0] += 1
            with open(victim, "a") as handle:
                handle.write(f"\n# edit {counter[0]}\n")

        one_changed, one_changed_x, _ = paired(lint + ["check", str(corpus)], floor_cmd, args.runs, before=touch)
        results.update(
            floor_s=floor,
            cold_s=cold,
            cold_parallel_s=cold_j,
            warm_s=warm,
            one_file_changed_s=one_changed,
            peak_rss_mib=cold_rss / 1024,
            peak_rss_doubled_mib=doubled_rss / 1024,
            floor_rss_mib=floor_rss / 1024,
            ratios={"cold": cold_x, "cold_parallel": cold_j_x, "warm": warm_x, "one_file_changed": one_changed_x},
        )

        package_figures = {}
        for shared in (None, "task", "helper"):
            package = make_package(tmp_path, 200, shared)
            package_floor_cmd = [py, "-c", FLOOR, str(package)]
            package_floor, _ = median_time(package_floor_cmd, args.runs)
            subprocess.run(
                lint + ["check", str(package)], cwd=package, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            edited = package / "app" / "flow100.py"

            def edit_one(edited=edited) -> None:
                counter[0] += 1
                with open(edited, "a") as handle:
                    handle.write(f"\n# edit {counter[0]}\n")

            changed, changed_x, _ = paired(
                lint + ["check", str(package)], package_floor_cmd, args.runs, cwd=package, before=edit_one
            )
            package_figures[shared] = (package_floor, changed, changed_x)
        package_floor, package_changed, package_changed_x = package_figures[None]
        task_floor, task_changed, task_changed_x = package_figures["task"]
        helper_floor, helper_changed, helper_changed_x = package_figures["helper"]
        results.update(
            package_floor_s=package_floor,
            package_one_file_changed_s=package_changed,
            package_with_shared_task_floor_s=task_floor,
            package_with_shared_task_one_file_changed_s=task_changed,
            package_with_shared_helper_floor_s=helper_floor,
            package_with_shared_helper_one_file_changed_s=helper_changed,
        )

        pylint_s = None
        pylint = shutil.which("pylint") or str(Path(sys.executable).with_name("pylint"))
        if not args.no_pylint and Path(pylint).exists():
            pylint_cmd = [
                pylint,
                "--load-plugins=flyte_lint.pylint_plugin",
                "--disable=all",
                "--enable=flyte-lint",
                "--score=n",
                "--jobs=1",
                str(corpus),
            ]
            # pylint's exit status is a bit field of the message kinds it emitted (32: usage error)
            pylint_s, pylint_x, _ = paired(pylint_cmd, floor_cmd, max(1, args.runs // 2), ok=range(32))
            results["pylint_plugin_s"] = pylint_s

        repo, only_flyte = make_monorepo(tmp_path, args.monorepo_files, 0.05)
        mono_floor_cmd = [py, "-c", FLOOR, str(only_flyte)]
        mono_floor, _ = median_time(mono_floor_cmd, args.runs)
        mono, mono_x, _ = paired(lint + ["check", "--no-cache", "-j", "1", str(repo)], mono_floor_cmd, args.runs)
        mono_cpu: list[float] = []
        mono_j, mono_j_x, _ = paired(lint + ["check", "--no-cache", str(repo)], mono_floor_cmd, args.runs, cpu=mono_cpu)
        mono_cpu_s, mono_cpu_x = (statistics.median(v) for v in zip(*mono_cpu, strict=True))
        mono_read, mono_read_x, _ = paired([py, "-c", READ, str(repo)], mono_floor_cmd, args.runs)
        least_script = tmp_path / "astroid_least.py"  # (a file: its workers import their __main__)
        least_script.write_text(ASTROID_LEAST)
        mono_least, mono_least_x, _ = paired([py, str(least_script), str(repo)], mono_floor_cmd, args.runs)
        only_j, only_j_x, _ = paired(lint + ["check", "--no-cache", str(only_flyte)], mono_floor_cmd, args.runs)
        subprocess.run(lint + ["check", str(repo)], cwd=repo, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        mono_warm, mono_warm_x, _ = paired(lint + ["check", str(repo)], mono_floor_cmd, args.runs, cwd=repo)
        results.update(
            monorepo_files=args.monorepo_files,
            monorepo_flyte_floor_s=mono_floor,
            monorepo_s=mono,
            monorepo_parallel_s=mono_j,
            monorepo_flyte_only_parallel_s=only_j,
            monorepo_warm_s=mono_warm,
            monorepo_parallel_cpu_s=mono_cpu_s,
            monorepo_read_s=mono_read,
            monorepo_astroid_least_s=mono_least,
        )

        big = make_big_workflow(tmp_path, 5000)
        graph_s, _ = median_time(
            lint + ["graph", str(big), "--entry", "bigflow:main", "--no-notes", "-o", str(tmp_path / "g.json")],
            args.runs,
        )
        results["graph_5000_calls_s"] = graph_s
    results["ratios"].update(
        package_one_file_changed=package_changed_x,
        package_with_shared_task_one_file_changed=task_changed_x,
        package_with_shared_helper_one_file_changed=helper_changed_x,
        monorepo=mono_x,
        monorepo_parallel=mono_j_x,
        monorepo_flyte_only_parallel=only_j_x,
        monorepo_warm=mono_warm_x,
        monorepo_parallel_cpu=mono_cpu_x,
        monorepo_read=mono_read_x,
        monorepo_astroid_least=mono_least_x,
    )
    if pylint_s:
        results["ratios"]["pylint_plugin"] = pylint_x

    print()
    print(f"{'measure':<52} {'seconds':>8} {'× floor':>8}  target")
    rows = [
        ("floor: ast.parse of every file", floor, 1.0, ""),
        ("cold check, no cache, -j 1", cold, cold_x, "≤ 4×"),
        (f"cold check, no cache, default -j ({os.cpu_count()} cores)", cold_j, cold_j_x, "≤ 4×"),
        ("warm check, nothing changed", warm, warm_x, "≤ 1.5×"),
        ("check after one file changed", one_changed, one_changed_x, "≈ one file + index"),
    ]
    rows.append(
        (
            "one file changed in a 200-module package (its floor)",
            package_changed,
            package_changed_x,
            "≈ one file + index",
        )
    )
    rows.append(
        ("  the same, every module calling a task of app/envs.py", task_changed, task_changed_x, "≈ one file + index")
    )
    rows.append(
        (
            "  the same, every module calling one shared helper",
            helper_changed,
            helper_changed_x,
            "(the helper's callers decide its findings: all analysed)",
        )
    )
    if pylint_s:
        rows.append(
            (
                "pylint --jobs=1, flyte-lint plugin alone",
                pylint_s,
                pylint_x,
                f"≥ 10× slower: {pylint_x / cold_x:.1f}× -j 1, {pylint_x / cold_j_x:.1f}× default -j",
            )
        )
    rows.append((f"monorepo {args.monorepo_files} files, 5% flyte, -j 1 (floor: flyte files)", mono, mono_x, "≤ 2×"))
    rows.append((f"monorepo {args.monorepo_files} files, 5% flyte, default -j", mono_j, mono_j_x, "≤ 2×"))
    rows.append(
        (
            "  of which the files that never mention flyte",
            mono_j - only_j,
            mono_j_x - only_j_x,
            "(the same check on the flyte files alone subtracted)",
        )
    )
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    rows.append(
        (
            "  its CPU time, all processes (÷ cores: least wall)",
            mono_cpu_s,
            mono_cpu_x,
            f"{mono_cpu_x / cores:.2f}× on {cores} cores at best",
        )
    )
    rows.append(
        ("  reading its files, nothing else (open, read, close)", mono_read, mono_read_x, "(every byte scan's least)")
    )
    rows.append(
        (
            "  scan all, parse + astroid-build its flyte files, all cores",
            mono_least,
            mono_least_x,
            "(any astroid check's least: no model, no rule)",
        )
    )
    rows.append(("monorepo, default run (cache on), nothing changed", mono_warm, mono_warm_x, "≤ 2×"))
    for name, seconds, ratio, target in rows:
        print(f"{name:<52} {seconds:>8.2f} {ratio:>7.2f}×  {target}")
    print(f"{'graph of a 5,000-call workflow':<52} {graph_s:>8.2f} {'':>8}  < 2 s")
    print(f"{'peak memory, cold check -j 1':<52} {cold_rss / 1024:>7.0f} MiB           ≤ 300 MiB")
    print(
        f"{'  the same, the corpus twice over':<52} {doubled_rss / 1024:>7.0f} MiB           (linear growth: "
        f"{doubled_rss / cold_rss:.2f}× for twice the files)"
    )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
