"""Source roots the packaging metadata imply: where the code being linted is importable from when it runs.

``flyte run`` puts its root folder (the project) on the import path, and a project's own packages, its uv
workspace members and its path dependencies are installed in its environment (``uv sync``, ``pip install
-e .``). So a project (a folder with a pyproject.toml) contributes its folder and the folders its build
configuration takes packages from:

- ``src/``, when there is one (the src layout, which setuptools, hatch, uv_build, pdm and flit all find);
- setuptools ``[tool.setuptools.packages.find] where = [...]`` and ``package-dir = {"" = "lib"}``;
- hatch ``[tool.hatch.build.targets.wheel] packages = ["lib/pkg"]`` (the folder above each package);
- poetry ``packages = [{include = "pkg", from = "lib"}]``; uv_build ``[tool.uv.build-backend] module-root``;
  pdm ``[tool.pdm.build] package-dir``;

and, for a uv workspace root (``[tool.uv.workspace] members = [...]``, less ``exclude``), each member's
roots, and for a path dependency (``[tool.uv.sources] x = {path = "../x"}``, poetry's ``{path = ...}``) its
roots. The projects of a run are those that hold a given path (the nearest pyproject.toml at or above it,
and a uv workspace root above that which has it as a member) and those found in the folders walked.

Each project's code imports from the roots of its own environment only (a uv workspace, or a project with
its path dependencies): in a monorepo, another project's packages are not installed for it, and code that
lies in no project sees none of them (``SourceRoots.scopes``, read by model/project.py).

Nothing here runs a build backend or imports the project: the TOML is read, never executed. A pyproject.toml
that cannot be read or parsed contributes its folder only (the one the settings come from reports its errors
in config.py).
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass, field
from pathlib import Path

PYPROJECT = "pyproject.toml"


class SourceRoots(list):
    """Source roots (Paths, in search order) with their ``scopes``: for each project folder, the roots its
    code can import from, those of its environment (its own, its uv workspace's, its path dependencies').
    A root in no scope (a folder named on the command line that is no project's, ``--root-dir``, ``src``) is
    seen from everywhere.
    A list, so that it travels to the worker processes as the roots always have."""

    def __init__(self, roots=(), scopes: dict[Path, frozenset[Path]] | None = None) -> None:
        super().__init__(roots)
        self.scopes = scopes or {}


@dataclass
class Layout:
    roots: list[Path] = field(default_factory=list)  # source roots, in the order found
    scopes: dict[Path, frozenset[Path]] = field(default_factory=dict)  # project folder -> the roots it sees
    enclosing: list[Path] = field(default_factory=list)  # the folders of the projects holding a given path


def layout_of(paths: list[Path], nested: list[str] = ()) -> Layout:
    """The source roots of the projects that hold ``paths`` (files or folders) and of the projects whose
    pyproject.toml files are ``nested`` (found under the folders walked), with their scopes."""
    layout = Layout()
    queue: dict[Path, None] = {}
    for given in paths:
        absolute = Path(os.path.realpath(given))
        start = absolute if absolute.is_dir() else absolute.parent
        nearest = next((f for f in [start, *start.parents] if (f / PYPROJECT).is_file()), None)
        if nearest is not None:
            queue[nearest] = None
            layout.enclosing.append(nearest)
            workspace = workspace_of(nearest)
            if workspace is not None:
                layout.enclosing.append(workspace)
    for name in nested:
        queue[Path(os.path.realpath(os.path.dirname(name)))] = None
    roots: dict[Path, None] = {}
    pending = list(queue)
    while pending:
        project = pending.pop(0)
        if project in layout.scopes:
            continue
        workspace = workspace_of(project)
        group = (
            [workspace, *workspace_members(workspace, read_pyproject(workspace / PYPROJECT))]
            if workspace
            else [project]
        )
        seen: dict[Path, None] = {}
        for member in group:
            data = read_pyproject(member / PYPROJECT)
            seen.update(dict.fromkeys(project_roots(member, data)))
            for dependency in path_dependencies(member, data):
                seen.update(dict.fromkeys(project_roots(dependency, read_pyproject(dependency / PYPROJECT))))
                pending.append(dependency)  # (its own code sees its own environment)
        visible = frozenset(seen)
        for member in group:
            layout.scopes[member] = visible
        roots.update(seen)
    layout.roots = list(roots)
    layout.enclosing = list(dict.fromkeys(layout.enclosing))
    return layout


def workspace_of(project: Path) -> Path | None:
    """The root of the uv workspace ``project`` belongs to (itself, for a workspace root), as uv finds it:
    the nearest folder at or above it whose ``[tool.uv.workspace]`` members include it."""
    for folder in [project, *project.parents]:
        if not (folder / PYPROJECT).is_file():
            continue
        data = read_pyproject(folder / PYPROJECT)
        if folder == project:
            if _table(_table(_table(data, "tool"), "uv"), "workspace"):
                return folder
        elif project in workspace_members(folder, data):
            return folder
    return None


def project_roots(folder: Path, data: dict | None) -> list[Path]:
    """The folder of a project and the folders its packaging metadata take packages from."""
    found = [folder]
    tool = _table(data, "tool")
    named: list[str] = []
    setuptools = _table(tool, "setuptools")
    packages = setuptools.get("packages")
    if isinstance(packages, dict):
        named += _strings(_table(packages, "find").get("where"))
    named += _strings(_table(setuptools, "package-dir").get(""))
    for table in (
        _table(_table(_table(_table(tool, "hatch"), "build"), "targets"), "wheel"),
        _table(_table(tool, "hatch"), "build"),
    ):
        named += [str(Path(p).parent) for p in _strings(table.get("packages"))]
    for package in _list(_table(tool, "poetry").get("packages")):
        if isinstance(package, dict):
            named += _strings(package.get("from"))
    named += _strings(_table(_table(tool, "uv"), "build-backend").get("module-root"))
    named += _strings(_table(_table(tool, "pdm"), "build").get("package-dir"))
    named.append("src")
    for name in named:
        candidate = Path(os.path.normpath(folder / name))
        if candidate not in found and candidate.is_dir():
            found.append(candidate)
    return found


def workspace_members(folder: Path, data: dict | None) -> list[Path]:
    """The member projects of a uv workspace root (none for a project that is not one)."""
    workspace = _table(_table(_table(data, "tool"), "uv"), "workspace")
    if not workspace:
        return []
    excluded = _strings(workspace.get("exclude"))
    members: dict[Path, None] = {}
    for pattern in _strings(workspace.get("members")):
        try:
            matches = sorted(folder.glob(pattern))
        except (ValueError, NotImplementedError, OSError):  # "", an absolute pattern: none that uv takes
            continue
        for match in matches:
            relative = Path(os.path.relpath(match, folder)).as_posix()
            if any(fnmatch.fnmatch(relative, ex) for ex in excluded):
                continue
            if (match / PYPROJECT).is_file():
                members[Path(os.path.normpath(match))] = None
    return [m for m in members if m != folder]


def path_dependencies(folder: Path, data: dict | None) -> list[Path]:
    """The projects a project depends on by path: uv sources and poetry dependencies with ``path``."""
    tool = _table(data, "tool")
    specs = list(_table(_table(tool, "uv"), "sources").values())
    poetry = _table(tool, "poetry")
    specs += list(_table(poetry, "dependencies").values())
    for group in _table(poetry, "group").values():
        specs += list(_table(group, "dependencies").values())
    found = []
    for spec in specs:
        for one in spec if isinstance(spec, list) else [spec]:
            if isinstance(one, dict) and isinstance(one.get("path"), str):
                target = Path(os.path.normpath(folder / one["path"]))
                if (target / PYPROJECT).is_file():
                    found.append(target)
    return found


def read_pyproject(path: Path) -> dict | None:
    """The parsed TOML of ``path``, or None when it cannot be read or parsed."""
    from flyte_lint.config import ConfigError, parse_toml  # (tomllib only when there is a pyproject.toml)

    try:
        return parse_toml(path)
    except ConfigError:
        return None


def _table(data, key: str) -> dict:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, dict) else {}


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in _list(value) if isinstance(v, str)]
