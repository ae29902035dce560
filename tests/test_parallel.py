"""`-j N` gives exactly the findings of one process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from flyte_lint import engine, parallel
from flyte_lint.config import Settings
from flyte_lint.engine import Options, run
from lintutil import write_project

TEMPLATE = """
import flyte
from shared{g} import helper

env = flyte.TaskEnvironment("env-{g}-{i}")
other = flyte.TaskEnvironment("other-{g}", image=flyte.Image.from_debian_base().with_pip_packages("numpy"))

@other.task
def square(x: int) -> int:
    return x * x

@env.task
async def main(x: int) -> int:
    helper()
    flyte.map(square, [1, 2])
    return await square(x, bogus=1)
"""

SHARED = """
import flyte

dup = flyte.TaskEnvironment("shared-env")

def helper() -> int:
    return 1
"""


def _project(root, groups: int, flows: int = 6):
    """``groups`` components: a shared module and ``flows`` workflows that import it."""
    files = {}
    for g in range(groups):
        files[f"shared{g}.py"] = SHARED
        for i in range(flows):
            files[f"w{g}_{i}.py"] = TEMPLATE.format(g=g, i=i)
    return write_project(root, files)


def test_parallel_results_equal_one_process(tmp_path):
    root = _project(tmp_path / "p", 8)
    one = run([root], Settings(), Options(), cwd=root, jobs=1)
    many = run([root], Settings(), Options(), cwd=root, jobs=2)
    cached = run([root], Settings(), Options(), cwd=root, jobs=2, cache_dir=tmp_path / "cache")

    def key(r):
        return sorted((f.path, f.line, f.column, f.code, f.message, f.severity) for f in r.findings)

    assert len(one.findings) > 8 * 6 * 3 and not one.internal_errors
    assert key(many) == key(one) == key(cached)
    assert {f.code for f in one.findings} >= {"FLY101", "FLY201", "FLY307", "FLY401", "FLY106"}


@pytest.fixture
def events(monkeypatch) -> list[str]:
    """'start' each time the workers are started (or asked for), 'index' when the project is indexed."""
    seen: list[str] = []
    start, index_files = parallel.Workers.start, engine.index_files

    def recording_start(self):
        seen.append("start" if self.pool is None else "started")
        return start(self)

    def recording_index(*args, **kwargs):
        seen.append("index")
        return index_files(*args, **kwargs)

    monkeypatch.setattr(parallel.Workers, "start", recording_start)
    monkeypatch.setattr(engine, "index_files", recording_index)
    return seen


@pytest.mark.parametrize("cached", [False, True])
def test_a_cold_run_starts_its_workers_before_indexing(tmp_path, events, cached):
    # (they import the analysis while this process reads the files)
    root = _project(tmp_path / "p", 8)
    result = run([root], Settings(), Options(), cwd=root, jobs=2, cache_dir=tmp_path / "cache" if cached else None)
    assert events == ["start", "index", "started"] and result.findings


@pytest.mark.parametrize("cached", [False, True])
def test_a_cold_run_has_its_workers_scan_the_files(tmp_path, monkeypatch, cached):
    root = _project(tmp_path / "p", 8)
    handed = []
    index_files = engine.index_files

    def recording_index(*args, **kwargs):
        handed.append(dict(args[7]) if len(args) > 7 and args[7] is not None else None)
        return index_files(*args, **kwargs)

    monkeypatch.setattr(engine, "index_files", recording_index)
    run([root], Settings(), Options(), cwd=root, jobs=2, cache_dir=tmp_path / "cache" if cached else None)
    (scanned,) = handed
    assert sorted(scanned) == sorted(map(str, root.glob("*.py"))) and len(scanned) == 56
    assert all(record[4] is not None for record in scanned.values()) == cached  # (stats for the cache's memo)
    handed.clear()
    if cached:  # warm: the cache's facts, no scan ahead
        run([root], Settings(), Options(), cwd=root, jobs=2, cache_dir=tmp_path / "cache")
        assert handed == [None]


def test_a_scan_batch_that_fails_leaves_its_files_to_the_index(tmp_path, monkeypatch):
    from concurrent.futures import ThreadPoolExecutor

    keys = [str(p) for p in sorted(_project(tmp_path / "p", 2).glob("*.py"))]
    scan = parallel._scan
    monkeypatch.setattr(parallel, "_scan", lambda batch, stamped: 1 / 0 if keys[0] in batch else scan(batch, stamped))
    monkeypatch.setattr(parallel, "_ready", lambda: None)
    workers = parallel.Workers(2, False)
    workers.pool = ThreadPoolExecutor(2)
    try:
        scanned = workers.scan(keys, stamped=False)()
    finally:
        workers.pool.shutdown()
    batch = -(-len(keys) // (2 * parallel.BATCHES_PER_JOB))
    assert list(scanned) == keys[batch:] and scanned[keys[-1]] == parallel._scan([keys[-1]], False)[0]


def test_a_warm_run_and_a_small_run_start_no_worker(tmp_path, events):
    root = _project(tmp_path / "p", 8)
    run([root], Settings(), Options(), cwd=root, jobs=2, cache_dir=tmp_path / "cache")
    events.clear()
    warm = run([root], Settings(), Options(), cwd=root, jobs=2, cache_dir=tmp_path / "cache")
    assert events == ["index"] and warm.findings  # (every finding from the cache)
    small = _project(tmp_path / "small", 2)  # 14 files: analysed in this process
    events.clear()
    assert run([small], Settings(), Options(), cwd=small, jobs=2).findings and events == ["index"]


def _running(marker: str) -> list[int]:
    """The processes whose command line holds ``marker`` (forked workers keep their parent's)."""
    found = []
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                if marker.encode() in handle.read():
                    found.append(int(entry))
        except (OSError, ValueError):
            pass
    return found


@pytest.mark.slow
@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads the process table from /proc")
@pytest.mark.parametrize(
    "groups, flows, cached",
    [(8, 6, False), (8, 6, True), (1, 45, False)],
    ids=["on-the-workers", "cold-cache", "one-component-in-process"],
)
def test_the_console_script_leaves_no_worker_behind(tmp_path, groups, flows, cached):
    # The command ends with os._exit: workers it does not shut down are left asleep for good (a pool left
    # to exit on its own did so in most runs). (One component of 46 files: the workers start early, then
    # go unused.)
    root = _project(tmp_path / "p", groups, flows)
    options = [] if cached else ["--no-cache"]
    out, err = tmp_path / "out.txt", tmp_path / "err.txt"
    with open(out, "w") as stdout, open(err, "w") as stderr:  # (files: left-over workers never showed with pipes)
        done = subprocess.run(
            [sys.executable, "-m", "flyte_lint", "check", "-j", "2", *options, str(root)],
            cwd=tmp_path,
            stdout=stdout,
            stderr=stderr,
            timeout=300,
        )
    assert done.returncode == 1 and "FLY201" in out.read_text(), err.read_text()
    deadline = time.monotonic() + 5
    while _running(str(root)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _running(str(root)) == []


def _interrupted_run(tmp_path, sigint) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of a -j 2 run sent SIGINT, as Ctrl-C sends it to a terminal's process
    group, once its workers are up; started with SIGINT at ``sigint`` (a terminal's default, or ignored as
    under nohup), whatever the test runner's own is."""
    root = _project(tmp_path / "p", 8, 30)  # (248 files: seconds of work, long enough to interrupt)
    out, err = tmp_path / "out.txt", tmp_path / "err.txt"
    with open(out, "w") as stdout, open(err, "w") as stderr:
        proc = subprocess.Popen(
            [sys.executable, "-m", "flyte_lint", "check", "-j", "2", "--no-cache", str(root)],
            cwd=tmp_path,
            stdout=stdout,
            stderr=stderr,
            start_new_session=True,
            preexec_fn=lambda: signal.signal(signal.SIGINT, sigint),
        )
        deadline = time.monotonic() + 60
        while len(_running(str(root))) < 3 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)  # (until the workers are up: the main process and two more)
        os.killpg(proc.pid, signal.SIGINT)
        code = proc.wait(timeout=120)
    deadline = time.monotonic() + 5
    while _running(str(root)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _running(str(root)) == []  # no worker left behind
    return code, out.read_text(), err.read_text()


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads the process table from /proc")
def test_ctrl_c_ends_the_run_and_its_workers_quietly(tmp_path):
    code, _, err = _interrupted_run(tmp_path, signal.SIG_DFL)
    assert code == 130 and "Traceback" not in err, err


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads the process table from /proc")
def test_a_run_that_ignores_sigint_is_not_broken_by_one(tmp_path):
    # Started with SIGINT ignored (nohup, a script's background job), the whole run ignores it: before, the
    # workers ended on it and the main process failed on its broken pool with a traceback.
    code, out, err = _interrupted_run(tmp_path, signal.SIG_IGN)
    assert code == 1 and "FLY201" in out and err == "", err


HELD_LOCK = """
import os
import sys
from pathlib import Path

from flyte_lint import engine
from flyte_lint.config import Options, Settings


def interrupted(paths, settings, options, cwd, cache_dir, workers, progress):
    # Ctrl-C arriving inside the pool's machinery: a future's lock taken, the signal raised before the `with`
    # that would release it (CPython checks signals between bytecodes). The pool's manager thread then waits
    # for that lock when it cancels the pending work.
    pool = workers.start().pool
    pending = [pool.submit(sum, [i]) for i in range(64)]
    pending[-1]._condition.acquire()
    raise KeyboardInterrupt


engine._run = interrupted
try:
    engine.run([Path(sys.argv[1])], Settings(), Options(), jobs=2)
except KeyboardInterrupt:
    print("interrupted", flush=True)
    os._exit(130)  # (as the command ends: launch.py)
"""


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads the process table from /proc")
@pytest.mark.parametrize("sigint", [signal.SIG_DFL, signal.SIG_IGN], ids=["terminal", "background"])
def test_ctrl_c_inside_the_pool_machinery_does_not_hang_the_run(tmp_path, sigint):
    # A full-suite run of test_ctrl_c_ends_the_run_and_its_workers_quietly once hung here: shutdown(wait=True)
    # joined the pool's manager thread, which waited for a future's lock the interrupted main thread held.
    script = tmp_path / "held_lock.py"
    script.write_text(HELD_LOCK)
    root = _project(tmp_path / "p", 1)
    proc = subprocess.run(  # (a worker left alive would hold the output pipes open: the run would not end)
        [sys.executable, str(script), str(root)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        preexec_fn=lambda: signal.signal(signal.SIGINT, sigint),  # (how it was started: its workers inherit it)
    )
    assert proc.returncode == 130 and proc.stdout == "interrupted\n", proc.stderr
    deadline = time.monotonic() + 5
    while _running(str(script)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _running(str(script)) == []  # no worker left behind
