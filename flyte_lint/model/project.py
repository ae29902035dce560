"""The project: source roots, and the modules of the linted code, loaded lazily and at most once."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from flyte_lint.model.source import Comments, ParseFailure, decode_source, parse_indexed

if TYPE_CHECKING:
    from astroid import nodes


@dataclass
class Module:
    """One Python file of the project."""

    path: Path  # absolute
    display_path: str  # as reported (relative to the cwd where possible)
    name: str  # dotted module name relative to its source root
    text: str | None = None
    tree: nodes.Module | None = None
    failure: ParseFailure | None = None
    indexed: list[nodes.NodeNG] = field(default_factory=list, repr=False)  # builder.INDEXED_NODES, in order
    _comments: Comments | None = field(default=None, repr=False)

    @property
    def is_package(self) -> bool:
        return self.path.name == "__init__.py"

    @property
    def package(self) -> str:
        """The package that relative imports in this module are relative to."""
        if self.is_package:
            return self.name
        return self.name.rpartition(".")[0]

    @cached_property
    def lines(self) -> list[str]:
        """The text's lines as Python counts them (\\r\\n, \\r or \\n; not str.splitlines, which also splits
        at \\f and \\u2028), split once for every position computed in the file."""
        return re.split(r"\r\n|\r|\n", self.text or "")

    @property
    def comments(self) -> Comments:
        if self._comments is None:
            self._comments = Comments.scan(self.text or "")
        return self._comments


def real_path(path: Path) -> Path:
    """``path`` absolute with symbolic links resolved. Unlike Path.resolve() it never raises: a symlink loop
    (RuntimeError from pathlib before Python 3.13) is left as far as it resolves."""
    return Path(os.path.realpath(path))


def display(path: Path, cwd: Path) -> str:
    text, base = str(path), str(cwd)
    if (
        _POSIX
        and text[:1] == "/"
        and base[:1] == "/"
        and text[:2] != "//"
        and base[:2] != "//"
        and "/.." not in text
        and "/.." not in base
    ):
        # os.path.relpath's answer for paths it need not normalise (pathlib has collapsed "." and "//"), at a
        # third of its cost (it runs once per parsed file).
        start = [part for part in base.split("/") if part]
        parts = [part for part in text.split("/") if part]
        common, most = 0, min(len(start), len(parts))
        while common < most and start[common] == parts[common]:
            common += 1
        relative = [".."] * (len(start) - common) + parts[common:]
        return "/".join(relative) if relative else "."
    try:
        return os.path.relpath(path, cwd) if path.is_absolute() else str(path)
    except ValueError:  # another drive on Windows
        return str(path)


_POSIX = os.name == "posix"


def _parts_under(path: Path, root: Path) -> tuple[str, ...] | None:
    """``path.relative_to(root).with_suffix("").parts``, or None when ``path`` is not under ``root``: on
    strings, on POSIX (where pathlib compares paths as they are written). With pathlib, naming a module and
    its display path cost about 8% of parsing its file."""
    text, base = str(path), str(root)
    if not _POSIX or text[:2] == "//" or base[:2] == "//":  # (POSIX lets "//" mean another root)
        try:
            relative = path.relative_to(root)
        except ValueError:
            return None
        return relative.with_suffix("").parts if relative.parts else ()
    if text == base:
        return ()
    if base != "/":
        base += "/"
    if not text.startswith(base):
        return None
    parts = text[len(base) :].split("/")
    name = parts[-1]
    dot = name.rfind(".")
    if 0 < dot < len(name) - 1:  # (Path.suffix)
        parts[-1] = name[:dot]
    return tuple(parts)


class Project:
    """Maps dotted module names to files under the source roots and parses each file once."""

    def __init__(self, roots: list[Path], cwd: Path | None = None) -> None:
        self.cwd = real_path(cwd or Path.cwd())
        self.roots: list[Path] = []
        for root in roots:
            self.add_root(root)
        # project folder -> the roots its code can import from (layout.SourceRoots); other roots: from anywhere
        # (path strings, as the caches below)
        self.scopes: dict[str, frozenset[str]] = {
            str(real_path(k)): frozenset(str(real_path(r)) for r in v) for k, v in getattr(roots, "scopes", {}).items()
        }
        self._scoped = frozenset().union(*self.scopes.values())
        self._by_path: dict[Path, Module] = {}
        # (by the folder's path string: hashing and comparing Paths costs more than what these caches save)
        self._lookup_cache: dict[tuple[str | None, str], Path | None] = {}
        self._search_cache: dict[str | None, list[Path]] = {}
        self._may_cache: dict[tuple[str, str | None], bool] = {}
        self._dir_cache: dict[Path, frozenset[str]] = {}

    def add_root(self, root: Path) -> None:
        root = real_path(root)
        if root not in self.roots:
            self.roots.append(root)

    # -- modules -----------------------------------------------------------------------------------
    def module_name_for(self, path: Path) -> str:
        """The dotted name of ``path`` under the deepest root that contains it (the file stem otherwise)."""
        best: tuple[str, ...] | None = None
        for root in self.roots:
            parts = _parts_under(path, root)
            if parts is None:
                continue
            if parts and parts[-1] == "__init__":
                parts = parts[:-1]
            if all(p.isidentifier() for p in parts) and (best is None or len(parts) < len(best)):
                best = parts
        if best:
            return ".".join(best)
        return path.stem if path.stem != "__init__" else path.parent.name

    def load(self, path: Path) -> Module:
        """The module at ``path`` (absolute), parsed once. A file that cannot be read records its failure."""
        path = real_path(path) if not path.is_absolute() else path
        module = self._by_path.get(path)
        if module is not None:
            return module
        module = Module(path=path, display_path=display(path, self.cwd), name=self.module_name_for(path))
        self._by_path[path] = module
        try:
            data = path.read_bytes()
        except OSError as exc:
            module.failure = ParseFailure(f"cannot read file: {exc.strerror or exc}")
            return module
        try:
            module.text = decode_source(data)
            module.tree, module.indexed = parse_indexed(module.text, module.name, str(path))
        except ParseFailure as failure:
            module.failure = failure
        return module

    def loaded(self) -> list[Module]:
        return list(self._by_path.values())

    # -- import resolution ----------------------------------------------------------------------------
    def locate(self, dotted: str, near: Path | None = None) -> Path | None:
        """The file ``dotted`` resolves to, searching ``near`` (the importer's folder) first, then the roots,
        then the folders between ``near`` and its root (src/ layouts, monorepo packages)."""
        key = (str(near) if near is not None else None, dotted)
        if key in self._lookup_cache:
            return self._lookup_cache[key]
        found = None
        for base in self._search_path(near):
            found = self._locate_cached(base, dotted)
            if found is not None:
                break
        self._lookup_cache[key] = found
        return found

    def candidate_files(self, dotted: str, near: Path | None = None) -> list[Path]:
        """Every file ``locate`` may look for, whether it exists or not."""
        return [path for base in self._search_path(near) for path in candidate_files(base, dotted)]

    def may_contain(self, top: str, near: Path | None = None) -> bool:
        """Whether a module or package named ``top`` may sit in a folder that imports from ``near`` search
        (a quick no for the third-party and standard-library names most imports are)."""
        key = (top, str(near) if near is not None else None)
        found = self._may_cache.get(key)
        if found is None:
            found = self._may_cache[key] = any(
                top in (entries := self._entries(base)) or f"{top}.py" in entries for base in self._search_path(near)
            )
        return found

    def _search_path(self, near: Path | None) -> list[Path]:
        key = str(near) if near is not None else None
        cached = self._search_cache.get(key)
        if cached is None:
            cached = ([near] if near is not None else []) + self.roots
            if near is not None:
                # The roots that hold the importer first: in a monorepo of projects, each with its own
                # src/app, `import app` means the importer's own project's; and of the others, those its
                # project's environment has (layout.py): none of a project's for code outside every project.
                inside, others = [], []
                for root in self.roots:
                    base = str(root)
                    holds = key == base or key.startswith(base.rstrip(os.sep) + os.sep)
                    (inside if holds else others).append(root)
                scope = self._scope_of(key)
                cached = (
                    [near]
                    + inside
                    + [r for r in others if str(r) not in self._scoped or (scope is not None and str(r) in scope)]
                )
                cached += self._ancestors_within_roots(near)
            self._search_cache[key] = cached
        return cached

    def _scope_of(self, folder: str) -> frozenset[str] | None:
        """The roots the project holding ``folder`` imports from (None: outside every known project)."""
        if not self.scopes:
            return None
        while True:
            found = self.scopes.get(folder)
            parent = os.path.dirname(folder)
            if found is not None or parent == folder:
                return found
            folder = parent

    def _ancestors_within_roots(self, folder: Path) -> list[Path]:
        """The folders between ``folder`` and the first root it lies strictly under, nearest first (neither
        end included)."""
        text = str(folder)
        for root in self.roots:
            base = str(root).rstrip(os.sep) + os.sep
            if text.startswith(base) and len(text) > len(base):
                parts = text[len(base) :].split(os.sep)
                return [Path(base + os.sep.join(parts[:end])) for end in range(len(parts) - 1, 0, -1)]
        return []

    def _entries(self, directory: Path) -> frozenset[str]:
        """The names in ``directory`` (listed once): existence checks without a stat per candidate."""
        entries = self._dir_cache.get(directory)
        if entries is None:
            try:
                entries = frozenset(os.listdir(directory))
            except OSError:
                entries = frozenset()
            self._dir_cache[directory] = entries
        return entries

    def _locate_cached(self, base: Path, dotted: str) -> Path | None:
        parts = dotted.split(".")
        directory = base
        for part in parts[:-1]:
            if part not in self._entries(directory):
                return None
            directory = directory / part
        last = parts[-1]
        entries = self._entries(directory)
        if last in entries and "__init__.py" in self._entries(directory / last):
            return _locate(base, dotted)
        if last + ".py" in entries:
            return _locate(base, dotted)
        return None

    def find_module(self, dotted: str, importer: Module | None = None) -> Module | None:
        """The project module ``dotted`` resolves to from ``importer`` (its folder first, then the roots)."""
        found = self.locate(dotted, importer.path.parent if importer is not None else None)
        return self.load(found) if found is not None else None

    def is_namespace_package(self, dotted: str, importer: Module | None = None) -> bool:
        parts = dotted.split(".")
        for base in self._search_path(importer.path.parent if importer else None):
            directory = base
            for part in parts:
                if part not in self._entries(directory):
                    break
                directory = directory / part
            else:
                if directory.is_dir():
                    return True
        return False


def candidate_files(base: Path, dotted: str) -> list[Path]:
    """The files ``_locate(base, dotted)`` looks for, whether they exist or not."""
    candidate = base / Path(*dotted.split("."))
    return [candidate / "__init__.py", candidate.with_name(candidate.name + ".py")]


def _locate(base: Path, dotted: str) -> Path | None:
    rel = Path(*dotted.split("."))
    candidate = base / rel
    init = candidate / "__init__.py"
    if init.is_file():
        return real_path(init)
    as_file = candidate.with_name(candidate.name + ".py")
    if as_file.is_file():
        return real_path(as_file)
    return None
