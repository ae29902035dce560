"""Where a run's modules come from: the source roots its paths imply (with ``--root-dir``, ``src`` and the
packaging metadata: layout.py), the files indexed beside the given ones so that who calls or imports them is
known, and the top-level names worth resolving outside the scanned folders."""

from __future__ import annotations

import os
from pathlib import Path

from flyte_lint.config import Options, Settings
from flyte_lint.discovery import discover
from flyte_lint.layout import SourceRoots, layout_of


def outside_words(roots: list[Path], given_dirs: list[Path]) -> frozenset[str]:
    """Top-level module names of the source roots that lie outside the given directories (``--root-dir``,
    ``src``, a file's package root): a file importing one of them is worth resolving, since what it imports
    is not among the files scanned."""
    words: set[str] = set()
    for root in roots:
        if any(root == d or d in root.parents for d in given_dirs):
            continue
        try:
            for name in os.listdir(root):
                words.add(name[:-3] if name.endswith(".py") else name)
        except OSError:
            continue
    return frozenset(w for w in words if w.isidentifier())


def _import_root(folder: Path) -> Path:
    """The first folder above a package that is not itself a package, as Python (and pylint) would put on
    the import path for ``folder``: for ``check app/`` where app/ is a package, ``from app.x import y``
    must still resolve."""
    while (folder / "__init__.py").is_file() and folder.parent != folder:
        folder = folder.parent
    return folder


def project_layout(
    paths: list[Path], settings: Settings, options: Options, base: Path, projects: list[str] = ()
) -> tuple[list[Path], list[str]]:
    """Source roots (those the paths give, then ``--root-dir``, ``src``, and what the packaging metadata of
    the projects around the paths and of the ``projects`` walked imply: layout.py), and the extra files to
    index when files are passed one by one (path strings)."""
    roots: list[Path] = []
    file_mode = False
    for given in paths:
        absolute = Path(os.path.realpath(given))
        if absolute.is_dir():
            roots.append(_import_root(absolute))
            if roots[-1] != absolute:
                roots.append(absolute)
        elif absolute.exists():
            file_mode = True
            roots.append(absolute.parent)
            package_root = _import_root(absolute.parent)
            if package_root != absolute.parent:
                roots.append(package_root)
    roots.extend(options.root_dirs)
    roots.extend(settings.src)
    layout = layout_of(paths, projects)
    roots.extend(layout.roots)
    scopes = dict(layout.scopes)
    index: list[str] = []
    project_dirs = []
    if settings.project_dir is not None:
        project_dirs = settings.src or _outermost([settings.project_dir, *layout.enclosing])
    below = [
        d for d in map(os.path.realpath, paths) if os.path.isdir(d) and any(p in Path(d).parents for p in project_dirs)
    ]
    if project_dirs and (file_mode or below):
        # Files passed one by one (pre-commit), or a folder inside the project, are resolved against the
        # whole project (and the uv workspace it is a member of): cross-module facts such as
        # env.add_dependency(...) in a deploy script are known, and so are the callers of their functions,
        # which decide their findings (the context of a helper, whether a task is a root of a run).
        roots.extend(project_dirs)
        nested: list[str] = []
        index, _ = discover(project_dirs, settings.exclude, base, None, nested)
        inner = layout_of([], nested)  # as `check` of the project's folder has them
        roots.extend(inner.roots)
        scopes.update(inner.scopes)
    elif not project_dirs:
        # No project around them: the modules at the folders Python imports them from (a script's folder, a
        # package's import root), for the same reason; still only the named files are reported.
        index, _ = discover(script_scope(paths), settings.exclude, base, None)
    return SourceRoots(roots, scopes), index


def script_scope(paths: list[Path]) -> list[Path]:
    """For files (and package folders) named outside any project: the .py files at the import root of each
    (the first folder above its package that is not a package) and the packages there. Not the folders
    below that are no packages: Python does not import from them, and the root may be a large folder such
    as /tmp or a home."""
    found: list[Path] = []
    folders = []
    for given in map(os.path.realpath, paths):
        if os.path.isdir(given):
            if _import_root(Path(given)) != Path(given):  # (a package folder: its importers lie above it)
                folders.append(_import_root(Path(given)))
        elif os.path.exists(given):
            folders.append(_import_root(Path(given).parent))
    for folder in _outermost(folders):
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            try:
                module = entry.is_file() and entry.name.endswith((".py", ".pyi"))
                if module or (
                    entry.is_dir(follow_symlinks=False) and os.path.isfile(os.path.join(entry.path, "__init__.py"))
                ):
                    found.append(Path(entry.path))
            except OSError:
                continue
    return found


def _outermost(folders: list[Path]) -> list[Path]:
    """The folders that lie in none of the others."""
    return [f for f in dict.fromkeys(folders) if not any(o != f and o in f.parents for o in folders)]
