"""Which files to lint: walk the given paths, skip VCS/venv/build folders and what git ignores."""

from __future__ import annotations

import contextlib
import fnmatch
import os
import stat
import subprocess
from pathlib import Path

SKIP_DIRS = {
    ".git",
    ".hg",
    ".svn",
    "__pycache__",
    ".venv",
    "venv",
    ".tox",
    ".nox",
    "build",
    "dist",
    "node_modules",
    "site-packages",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".flyte-lint-cache",
    ".eggs",
    ".direnv",
    ".idea",
    ".vscode",
}
PY_SUFFIXES = (".py", ".pyi")
PYPROJECT = os.sep + "pyproject.toml"
# A file named on the command line is Python when it has one of these suffixes or a python shebang
# (an extension-less script, as pre-commit's `types: [python]` also counts it).
EXPLICIT_SUFFIXES = PY_SUFFIXES + (".pyw",)
# git must not run anything the linted repository configures: `core.fsmonitor` in its .git/config names a
# command that `git ls-files` would otherwise run.
GIT_SAFE = ["git", "-c", "core.fsmonitor=false"]


def is_excluded(path: Path, patterns: list[str], base: Path | None) -> bool:
    """ruff-style excludes: a glob matches the path relative to the config dir, or any one path component."""
    if not patterns:
        return False
    rel = path
    if base is not None:
        with contextlib.suppress(ValueError):
            rel = path.relative_to(base)
    text = rel.as_posix()
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        if fnmatch.fnmatch(text, pattern) or fnmatch.fnmatch(text, pattern + "/*"):
            return True
        if "/" not in pattern and any(fnmatch.fnmatch(part, pattern) for part in rel.parts):
            return True
    return False


def _git(directory: Path, *args: str) -> subprocess.CompletedProcess | None:
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0"}
    try:
        return subprocess.run(
            [*GIT_SAFE, *args],
            cwd=directory,
            capture_output=True,
            timeout=60,
            check=False,
            env=env,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.SubprocessError):
        return None


def _git_visible(directory: Path) -> set[str] | None:
    """The files under ``directory`` that git does not ignore, as paths spelled under ``directory`` (as the
    walk spells them: no symlink is resolved, which would cost a system call per path component per file),
    or None outside a git work tree (and when git ignores ``directory`` itself: a folder named on the
    command line is linted even so)."""
    out = _git(directory, "ls-files", "--cached", "--others", "--exclude-standard", "-z", "--", ".")
    if out is None or out.returncode != 0:
        return None
    top = str(directory)
    visible = {
        os.path.normpath(os.path.join(top, name))
        for name in out.stdout.decode("utf-8", "surrogateescape").split("\0")
        if name
    }
    if not visible:
        ignored = _git(directory, "check-ignore", "-q", "--", ".")
        if ignored is not None and ignored.returncode == 0:
            return None
    return visible


def _regular_file(path: Path) -> bool:
    """A regular file (through symlinks): not a FIFO, socket or device, whose read could block forever,
    nor a dangling or looping symlink."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def is_python_file(path: Path) -> bool:
    """A file named on the command line is Python: a .py/.pyi/.pyw suffix, or a ``#!`` line naming python."""
    if path.suffix in EXPLICIT_SUFFIXES:
        return True
    try:
        with open(path, "rb") as handle:
            first = handle.readline(256)
    except OSError:
        return True  # cannot tell: the parse step reports it as unreadable (FLY001)
    return first.startswith(b"#!") and b"python" in first


NOT_PYTHON = "not a Python file (no .py, .pyi or .pyw suffix, no python shebang): not analysed"


def discover(
    paths: list[Path],
    exclude: list[str],
    base: Path | None,
    not_python: list[Path] | None = None,
    projects: list[str] | None = None,
) -> tuple[list[str], list[str]]:
    """The files to lint (absolute, normalised path strings, unique, in the order of their paths' parts) and
    the problems with the given paths. Strings, not Paths: in a monorepo most files are never analysed, and
    making a Path of each would cost more than scanning it. With
    ``not_python``, a file named explicitly that is not Python goes there (the caller reports it as FLY001)
    instead of among the problems. With ``projects``, the pyproject.toml files found in the folders walked
    (as the .py files: not ignored, not excluded) go there (their source roots: layout.py).

    Folders are walked for .py/.pyi files (regular files only; symlinked folders are not followed). A file
    named explicitly is linted when it is Python (see ``is_python_file``); a dangling or looping symlink
    named explicitly is linted too, so that FLY001 says why it cannot be read."""
    found: dict[str, None] = {}
    problems: list[str] = []
    for given in paths:
        if not os.path.lexists(given):
            problems.append(f"{given}: no such file or directory")
            continue
        absolute = Path(os.path.abspath(given))
        if absolute.is_dir():
            visible = _git_visible(absolute)
            for file in _walk(absolute, problems, projects is not None):
                if visible is not None and file not in visible:
                    continue
                if not exclude or not is_excluded(Path(file), exclude, base):
                    if file.endswith(PYPROJECT):
                        projects.append(file)
                    else:
                        found[file] = None
            continue
        if is_excluded(absolute, exclude, base):
            continue
        if absolute.is_symlink() and not absolute.exists():
            if absolute.suffix in EXPLICIT_SUFFIXES:
                found[str(absolute)] = None
            else:
                problems.append(f"{given}: dangling symbolic link")
        elif not _regular_file(absolute):
            problems.append(f"{given}: not a regular file (a FIFO, socket or device); skipped")
        elif not is_python_file(absolute):
            if not_python is not None:
                not_python.append(absolute)
            else:
                problems.append(f"{given}: {NOT_PYTHON}")
        else:
            found[str(absolute)] = None
    return sorted(found, key=_parts), problems


def _parts(path: str) -> list[str]:
    """The order of Paths (part by part: ``a/b.py`` before ``a/b/c.py`` and ``a/b_c.py``), for strings."""
    return path.split(os.sep)


def _walk(directory: Path, problems: list[str], projects: bool = False):
    """The .py/.pyi regular files under ``directory`` (and its pyproject.toml files, with ``projects``), as
    path strings; symlinked folders are not entered. Directory entries say what each name is, so only
    symbolic links cost a stat."""
    stack = [str(directory)]
    while stack:
        top = stack.pop()
        try:
            with os.scandir(top) as listing:
                entries = list(listing)
        except OSError as error:
            problems.append(f"{error.filename or top}: cannot read directory: {error.strerror or error}")
            continue
        folders, files = [], []
        for entry in entries:
            name = entry.name
            try:
                if entry.is_dir(follow_symlinks=False):
                    if name not in SKIP_DIRS and not name.endswith(".egg-info"):
                        folders.append(entry.path)
                elif (
                    name.endswith(PY_SUFFIXES)
                    and entry.is_file()
                    or projects
                    and name == "pyproject.toml"
                    and entry.is_file()
                ):  # through a symlink: a regular file only
                    files.append(entry.path)
            except OSError:  # removed meanwhile, or a symlink loop
                continue
        yield from sorted(files)
        stack.extend(sorted(folders, reverse=True))
