"""The progress line: it moves as files are parsed (in this process and on the workers), it is shown on a
terminal only, and never in a machine format."""

from __future__ import annotations

import io
import multiprocessing
import sys
from pathlib import Path

import pytest

from flyte_lint import cli, parallel
from flyte_lint.config import Settings
from flyte_lint.engine import Options, RunContext, Unit, enabled_codes, run
from lintutil import AWAIT_SYNC_BAD, write_project


def small_project(root: Path, count: int) -> Path:
    """``count`` modules that import nothing of each other: as many components."""
    return write_project(root, {f"m{i:02d}.py": AWAIT_SYNC_BAD for i in range(count)})


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[int, int]] = []

    def __call__(self, done: int, total: int) -> None:
        self.calls.append((done, total))


def test_one_process_reports_every_file_as_it_is_parsed(tmp_path):
    # Without the cache, one process analyses every file as one unit: the line must move file by file,
    # not jump from nothing to the end once the whole unit is done.
    root = small_project(tmp_path / "p", 5)
    progress = Recorder()
    result = run([root], Settings(), Options(), cwd=root, jobs=1, progress=progress)
    assert result.findings
    assert progress.calls == [(1, 5), (2, 5), (3, 5), (4, 5), (5, 5)]


def test_workers_report_the_files_they_parse(tmp_path):
    root = small_project(tmp_path / "p", 45)  # (-j is used from 40 files on)
    progress = Recorder()
    result = run([root], Settings(), Options(), cwd=root, jobs=2, progress=progress)
    assert len(result.findings) >= 45
    assert progress.calls and progress.calls[-1] == (45, 45)
    done = [d for d, _ in progress.calls]
    assert done == sorted(done) and {t for _, t in progress.calls} == {45}


def test_a_worker_counts_each_file_it_parses(tmp_path, monkeypatch):
    # (the count the parent's line reads while the workers run: one per file, not one per batch)
    root = small_project(tmp_path / "p", 3)
    counter = multiprocessing.get_context().Value("q", 0)
    monkeypatch.setattr(parallel, "_parsed", counter)
    files = sorted(root.glob("*.py"))
    batch = [Unit([files[0], files[1]], {files[0], files[1]}), Unit([files[2]], {files[2]})]
    found = parallel._work(
        batch, RunContext(enabled_codes(Settings(), Options()), Settings(), Options(), root, [root], root)
    )
    assert counter.value == 3 and found[2] == 3


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    "fmt, tty, shown", [("text", True, True), ("json", True, False), ("sarif", True, False), ("text", False, False)]
)
def test_the_line_is_shown_on_a_terminal_in_the_text_format_only(tmp_path, monkeypatch, fmt, tty, shown):
    root = small_project(tmp_path / "p", 3)
    monkeypatch.setattr(cli.Progress.__init__, "__defaults__", (0.0,))  # (no half-second wait before showing)
    err = Terminal() if tty else io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    monkeypatch.chdir(root)
    code = cli.main(["check", "--no-cache", "-j", "1", "--format", fmt, "."])
    assert code == 1
    text = err.getvalue()
    if shown:
        assert "\rflyte-lint: parsed 3/3 files" in text and text.endswith("\r\033[K")  # (cleared at the end)
    else:
        assert "parsed" not in text and "\r" not in text
