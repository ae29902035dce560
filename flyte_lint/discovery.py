"""Which files to lint: walk the given paths, skip VCS/venv/build folders and what git ignores."""

from __future__ import annotations

import fnmatch
import os
import subprocess
from pathlib import Path

SKIP_DIRS = {
    ".git", ".hg", ".svn", "__pycache__", ".venv", "venv", ".tox", ".nox", "build", "dist", "node_modules",
    "site-packages", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".flyte-lint-cache", ".eggs", ".direnv",
    ".idea", ".vscode",
}
PY_SUFFIXES = (".py", ".pyi")


def is_excluded(path: Path, patterns: list[str], base: Path | None) -> bool:
    """ruff-style excludes: a glob matches the path relative to the config dir, or any one path component."""
    if not patterns:
        return False
    rel = path
    if base is not None:
        try:
            rel = path.relative_to(base)
        except ValueError:
            pass
    text = rel.as_posix()
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        if fnmatch.fnmatch(text, pattern) or fnmatch.fnmatch(text, pattern + "/*"):
            return True
        if "/" not in pattern and any(fnmatch.fnmatch(part, pattern) for part in rel.parts):
            return True
    return False


def _git_visible(directory: Path) -> set[Path] | None:
    """The files under ``directory`` that git does not ignore, or None outside a git work tree."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z", "--", "."],
            cwd=directory, capture_output=True, timeout=60, check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if out.returncode != 0:
        return None
    return {(directory / name).resolve() for name in out.stdout.decode("utf-8", "surrogateescape").split("\0") if name}


def discover(paths: list[Path], exclude: list[str], base: Path | None) -> tuple[list[Path], list[str]]:
    """The files to lint (absolute, sorted, unique) and the problems with the given paths."""
    found: dict[Path, None] = {}
    problems: list[str] = []
    for given in paths:
        if not os.path.lexists(given):
            problems.append(f"{given}: no such file or directory")
            continue
        absolute = Path(os.path.abspath(given))
        if absolute.is_file() or (absolute.is_symlink() and not absolute.exists()):
            if not is_excluded(absolute, exclude, base):
                found[absolute] = None
            continue
        if absolute.is_dir():
            visible = _git_visible(absolute)
            for file in _walk(absolute):
                if visible is not None and file.resolve() not in visible:
                    continue
                if not is_excluded(file, exclude, base):
                    found[file] = None
    return sorted(found), problems


def _walk(directory: Path):
    for root, dirs, files in os.walk(directory, followlinks=False, onerror=lambda e: None):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.endswith(".egg-info"))
        for name in sorted(files):
            if name.endswith(PY_SUFFIXES):
                yield Path(root) / name
