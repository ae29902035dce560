"""The project index: what one byte scan of each candidate file tells, without parsing it.

For every file: whether it mentions flyte, whether it may declare env dependencies, its content hash, and the
project files it imports. Only files that mention flyte, or import (transitively) one that does, are ever
parsed; every other file costs a read and a byte scan, and on a warm run not even that: a file whose stat is
the one the cache recorded is not read again (see ``FileMemo``).
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flyte_lint.model.project import Project


def mentions_flyte(data: bytes) -> bool:
    # (find, not `in`: bytes `in` bytes first tries its operand as an integer and formats the TypeError it
    # then clears, about twice the instructions of a find; this runs once per file of a monorepo)
    return data.find(b"flyte") != -1


# How far beyond what a module imports the model's facts about it may reach (see incremental.py, which caps
# this by the scopes of the enabled rules):
OWN = "own"  # nothing: it defines nothing other modules can call, wrap or apply
IMPORTERS = "importers"  # also the modules that import it (a def, a lambda, a task decorator, a trigger...)
COMPONENT = "component"  # its whole component (a flyte.remote reference names a task anywhere in it)
# Text without which a module defines nothing other modules can call, wrap or apply.
EXPORT_MARKERS = (b"def ", b"def\t", b"lambda", b".task", b"Trigger", b"partial", b"trace")


def reach(data: bytes) -> str:
    if b"remote" in data:
        return COMPONENT
    return IMPORTERS if any(marker in data for marker in EXPORT_MARKERS) else OWN


# How Resolver.loads names a namespace package (a folder without __init__.py) that lookups went through.
NAMESPACE = "namespace:"

INIT = os.sep + "__init__.py"  # (the end of a package's path string)


# Files whose content can change the env dependency graph of modules that never import them: an
# `env.add_dependency(...)`, and `TaskEnvironment.from_task(name, task_object)`, which gives an object made
# in another module (a ContainerTask) the env its callers must depend on. Also files that may reassign a flyte
# attribute (`flyte.Cache = MyCache`, model/rebinding.py), which no rule then checks calls of, in any module.
def declares_dependencies(data: bytes) -> bool:
    return data.find(b"add_dependency") != -1 or data.find(b"from_task") != -1 or may_rebind_flyte(data)


_FLYTE_ALIAS = re.compile(
    rb"\bimport\s+flyte(?:\.\w+)*\s+as\s+(\w+)|\bfrom\s+flyte(?:\.\w+)*\s+import\s+(\w+)(?:\s+as\s+(\w+))?"
)
# A statement that assigns to an attribute (``a.b = ``, ``a.b: T = ``, ``a.b += ``), by the name it starts from.
_ATTRIBUTE_ASSIGNED = re.compile(rb"(?m)^[ \t]*([A-Za-z_]\w*)(?:\.\w+)+[ \t]*(?::[^=\n]*)?[-+*/|&]?=(?!=)")
_SETATTR = re.compile(rb"\bsetattr\(\s*([A-Za-z_]\w*)")


def may_rebind_flyte(data: bytes) -> bool:
    """A statement assigning to an attribute of ``flyte`` or of a name imported from it (``fl.Cache = ...``), or a
    ``setattr`` of one; by the bytes, so more than the analysis finds (``x.y = ...`` after ``from flyte import x``).
    model/rebinding.py looks only at the modules this is true of."""
    roots = set(_ATTRIBUTE_ASSIGNED.findall(data))
    if data.find(b"setattr") != -1:
        roots.update(_SETATTR.findall(data))
    if not roots:
        return False
    if b"flyte" in roots:
        return True
    names = {m.group(1) or m.group(3) or m.group(2) for m in _FLYTE_ALIAS.finditer(data)}
    return not roots.isdisjoint(names)


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


# `from MODULE import`: the module (dots first for a relative one) and the keyword after it.
FROM_KEYWORD = re.compile(rb"from[ \t]+(\S+?)[ \t]*\bimport\b")


def raw_imports(data: bytes) -> list[str]:
    """Every module an import statement may bind: ``.pkg``, ``.pkg.name`` (a submodule or not), ``a.b``.
    A byte-level scan (``bytes.find``), no regular expression over the whole file: each logical line with
    ``import`` in it (backslash continuations joined, a parenthesised name list followed), its comment cut,
    and each of its ``;``-separated statements that is an import."""
    found: list[str] = []
    position = data.find(b"import")
    while position != -1:
        start = data.rfind(b"\n", 0, position) + 1
        joined = False
        if start > 1 and data[start - 2] in BACKSLASH_OR_CR:  # (seldom: the line before may go on here)
            while start > 1 and _continued(data, start - 1):
                start = data.rfind(b"\n", 0, start - 1) + 1
                joined = True
        end = data.find(b"\n", position)
        if end > 0 and data[end - 1] in BACKSLASH_OR_CR:
            while end != -1 and _continued(data, end):
                end = data.find(b"\n", end + 1)
                joined = True
        end = len(data) if end == -1 else end
        line = data[start:end]
        if joined:
            line = line.replace(b"\\\r\n", b" ").replace(b"\\\n", b" ")
        comment = line.find(b"#")
        for statement in (line if comment == -1 else _code_of(line, comment)).split(b";"):
            statement = statement.strip()
            if statement.startswith((b"from ", b"from\t")):
                keyword = FROM_KEYWORD.match(statement)  # (not " import": a module may be named `importers`)
                if keyword:
                    head, names = keyword.group(1), statement[keyword.end() :]
                    if names.lstrip().startswith(b"(") and b")" not in names:
                        close = data.find(b")", end)
                        names = names + data[end : close if close != -1 else len(data)]
                        end = close if close != -1 else len(data)
                    _from_names(head.strip(), names, found)
            elif statement.startswith((b"import ", b"import\t")):
                for part in statement[6:].split(b","):
                    name = part.split()  # (`a.b as c`: a.b)
                    if name:
                        found.append(name[0].decode("ascii", "ignore"))
        position = data.find(b"import", max(end, position + 6))
    return found


BACKSLASH_OR_CR = b"\\\r"

# Code and string literals up to a line's comment: a `#` inside a string (`x = "#"; import flows`) starts none.
_CODE = re.compile(
    rb"""(?:[^#'"]|'''(?:[^\\]|\\.)*?'''|\"\"\"(?:[^\\]|\\.)*?\"\"\"|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")*""", re.S
)


def _code_of(line: bytes, comment: int) -> bytes:
    """The line without its comment (``comment``: where its first ``#`` is). A string still open at the end
    keeps the whole line: reading more names than there are costs an analysis, reading fewer could miss a
    dependency."""
    if line.find(b'"', 0, comment) == -1 and line.find(b"'", 0, comment) == -1:
        return line[:comment]
    end = _CODE.match(line).end()
    return line[:end] if line[end : end + 1] == b"#" else line


def _continued(data: bytes, newline: int) -> bool:
    """The line that ends at ``data[newline]`` (a newline) ends with a backslash: the statement goes on
    (but not from a comment)."""
    if data[newline - 1 : newline] != b"\\" and data[newline - 2 : newline] != b"\\\r":
        return False
    line = data[data.rfind(b"\n", 0, newline) + 1 : newline]
    comment = line.find(b"#")
    return comment == -1 or len(_code_of(line, comment)) == len(line)


def _from_names(head: bytes, names: bytes, found: list[str]) -> None:
    base = head.decode("ascii", "ignore")
    if not base or not all(c.isalnum() or c in "._" for c in base):
        return
    found.append(base)
    names = names.split(b"#")[0] if b"(" not in names else re.sub(rb"#[^\n]*", b"", names)
    cleaned = names.replace(b"(", b" ").replace(b")", b" ").replace(b"\\", b" ").replace(b"\n", b" ")
    for part in cleaned.split(b","):
        name = part.strip().split()[0].decode("ascii", "ignore") if part.strip() else ""
        if name and name != "*" and name.isidentifier():
            found.append(f"{base}.{name}" if not base.endswith(".") else f"{base}{name}")


def import_words(data: bytes) -> frozenset[str]:
    """The dotted parts of every name the file's import statements mention."""
    names = raw_imports(data)
    if not names:
        return frozenset()
    words = set(".".join(names).split("."))
    words.discard("")  # (from relative imports' dots)
    return frozenset(words)


# A stat younger than this when it was recorded may be followed by an edit the file system's coarse clock
# gives the same mtime and ctime (git's "racily clean" files): such files are read again on the next run.
SETTLED_NS = 2_000_000_000


@dataclass
class Facts:
    """What a byte scan of one file's content tells. Only content goes in here, so that it can be reused
    while the file's stat is unchanged; where the file's imports lead depends on the tree and is resolved
    on every run."""

    mentions: bool
    declares_dependencies: bool
    digest: str | None = None  # content hash, computed when needed
    words: frozenset[str] | None = None  # import_words, computed when needed


class FileMemo:
    """The facts of files by path, valid while the file's stat (mtime, ctime, size, inode) is the one
    recorded. A stat is recorded only once it has settled (SETTLED_NS older than the run), so an edit that
    lands within the file system's clock resolution of a read is never mistaken for the content read."""

    def __init__(self, records: dict[str, list] | None = None, active: bool = True) -> None:
        self.records: dict[str, list] = records if records is not None else {}
        self.started = time.time_ns()
        self.changed = False
        self.active = active  # inactive (no cache): no stat is taken and nothing is remembered

    def facts(self, path: Path) -> tuple[Facts | None, bytes | None, tuple | None]:
        """(facts, content read or None, stat) of ``path``; facts None when it cannot be read."""
        known, stamp = self.recall(path)
        if known is not None:
            return known, None, stamp
        found, data = read_facts(str(path))
        return found, data, stamp if found is not None else None

    def recall(self, path: Path) -> tuple[Facts | None, tuple | None]:
        """(the facts recorded for ``path``'s current stat or None, that stat or None). The stat is taken
        before any read of the file, so a later edit always changes the stat that goes with the content."""
        if not self.active:
            return None, None
        key = str(path)
        stamp = stat_stamp(key)
        if stamp is None:
            return None, None
        record = self.records.get(key)
        if record is not None and _usable(record, stamp):
            words = frozenset(record[7]) if record[7] is not None else None
            return Facts(record[4], record[5], record[6], words), stamp
        return None, stamp

    def remember(self, path: Path, facts: Facts, stamp: tuple | None) -> None:
        if stamp is None or not self.active or max(stamp[0], stamp[1]) > self.started - SETTLED_NS:
            return  # (re)written just now: read it again next time
        words = sorted(facts.words) if facts.words is not None else None
        record = [*stamp, facts.mentions, facts.declares_dependencies, facts.digest, words]
        key = str(path)
        if self.records.get(key) != record:
            self.records[key] = record
            self.changed = True


def read_facts(key: str) -> tuple[Facts | None, bytes | None]:
    """Read one file and scan its bytes: (facts, content), or (None, None) when it cannot be read. A file
    that does not mention flyte gets its import words now, while its content is at hand."""
    try:
        data = read_whole(key)
    except (OSError, ValueError):
        return None, None
    mentions = mentions_flyte(data)
    return Facts(mentions, declares_dependencies(data), words=None if mentions else import_words(data)), data


READ_SIZE = 1 << 16


def stat_stamp(key: str) -> tuple | None:
    """What the memo keys a file's facts by: (mtime_ns, ctime_ns, size, inode), or None when it cannot stat."""
    try:
        st = os.stat(key)
    except (OSError, ValueError):
        return None
    return (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)


def scan_ahead(key: str, stamped: bool) -> tuple | None:
    """What ``index_files`` learns from its first read of a file it does not know, computed before it (in a
    worker: see parallel.Workers.scan), as plain data: None when the file cannot be read, else (mentions,
    declares_dependencies, digest, import words, stat, raw imports, reach). A file that mentions flyte gets
    its content hash, raw imports and reach, which its resolution needs; any other, its import words.
    ``stamped``: the stat is taken before the read, as ``FileMemo.facts`` does when it knows no file."""
    stamp = stat_stamp(key) if stamped else None
    found, data = read_facts(key)
    if found is None:
        return None
    if found.mentions:
        return True, found.declares_dependencies, content_hash(data), None, stamp, raw_imports(data), reach(data)
    return False, found.declares_dependencies, None, tuple(found.words), stamp, None, None


def read_whole(key: str) -> bytes:
    """The content of the file at ``key``: reads of 64 KiB until one comes back empty, on a bare descriptor.
    A third cheaper than ``open(key, "rb").read()`` (no file object, no fstat to size the buffer), which
    counts in a monorepo's byte scan of every file."""
    fd = os.open(key, os.O_RDONLY)
    try:
        data = os.read(fd, READ_SIZE)
        if data:
            more = os.read(fd, READ_SIZE)
            if more:  # (seldom: a file of 64 KiB or more)
                parts = [data, more]
                while more:
                    more = os.read(fd, 1 << 20)
                    parts.append(more)
                data = b"".join(parts)
        return data
    finally:
        os.close(fd)


def _usable(record, stamp: tuple) -> bool:
    """``record`` is one FileMemo wrote ([mtime_ns, ctime_ns, size, inode, mentions, declares, digest, words],
    nothing a damaged cache file could make crash) for this stat."""
    if type(record) is not list or len(record) != 8 or tuple(record[:4]) != stamp:
        return False
    mentions, declares, digest, words = record[4:]
    return (
        type(mentions) is bool
        and type(declares) is bool
        and (digest is None or type(digest) is str)
        and (words is None or (type(words) is list and all(type(w) is str for w in words)))
    )


@dataclass
class Indexed:
    """What one byte scan of a file tells: its content hash, whether it mentions flyte, what it imports."""

    path: Path
    digest: str | None  # None when the file cannot be read (or was never needed)
    mentions: bool
    imports: list[Path] = field(default_factory=list)  # project files it imports (packages on the way too)
    declares_dependencies: bool = False
    reach: str = COMPONENT  # how far beyond its imports its findings may depend on (OWN, IMPORTERS, COMPONENT)


def index_files(
    project: Project,
    candidates: list[str],
    known_imports: dict[str, list[str]] | None = None,
    extra_words: frozenset[str] = frozenset(),
    memo: FileMemo | None = None,
    lookups: Lookups | None = None,
    known_reach: dict[str, str] | None = None,
    scanned: dict[str, tuple | None] | None = None,
) -> dict[Path, Indexed]:
    """The project index: at most one read of every candidate file (absolute path strings, as discover gives
    them), no parsing. Imports are resolved for files that mention flyte, for files whose import lines name
    one of the modules that do (transitively), and for every module those import (transitively); every
    other file costs a byte scan. ``known_imports`` (content hash -> raw imported names) and ``memo`` (facts
    by stat) carry what earlier runs learnt; so do ``lookups`` (see components), whose files are resolved like
    imported ones, and ``known_reach`` (content hash -> reach). ``scanned`` holds first reads done ahead
    (``scan_ahead``, by key), for a memo that knows none of these files.

    The index holds the files that mention flyte, those resolved, every package's ``__init__.py`` (components
    join a package's modules through it) and those that cannot be read. A candidate that is none of these
    was scanned and found irrelevant: it is left out, and never costs a Path."""
    memo = memo if memo is not None else FileMemo(active=False)
    index: dict[Path, Indexed] = {}
    paths: dict[str, Path] = {}  # the Path of every file in the index, by its path string
    facts: dict[str, Facts] = {}  # (the rest is by path string too)
    content: dict[str, bytes] = {}  # (what was read: a file known from the memo is not)
    stamps: dict[str, tuple | None] = {}
    learnt: set[str] = set()  # files with facts the memo does not hold yet

    ahead: dict[str, tuple[list[str], str]] = {}  # (raw imports, reach) of files scanned ahead that mention flyte

    def scan(key: str) -> Facts | None:
        if scanned is not None and key in scanned:
            record = scanned.pop(key)
            if record is None:
                return None
            mentions, declares, digest, words, stamp, names, far = record
            found = facts[key] = Facts(mentions, declares, digest, frozenset(words) if words is not None else None)
            stamps[key] = stamp
            learnt.add(key)
            if mentions:
                ahead[key] = (names, far)
            return found
        found, data, stamp = memo.facts(key)
        if found is None:
            return None
        facts[key], stamps[key] = found, stamp
        if data is not None:
            learnt.add(key)
            if found.mentions:  # (the content of the others is seldom needed again: not kept)
                content[key] = data
        return found

    def enter(key: str, path: Path | None = None) -> Indexed:
        path = paths[key] = path if path is not None else Path(key)
        found = facts.get(key)
        entry = index[path] = (
            Indexed(path, None, found.mentions, [], found.declares_dependencies)
            if found is not None
            else Indexed(path, None, True)
        )  # unreadable: reported by the parse step
        return entry

    def data_of(key: str) -> bytes:
        data = content.get(key)
        if data is None:  # known from the memo, or not kept (no flyte in it), and now needed: read it again
            try:
                data = read_whole(key)
            except (OSError, ValueError):  # gone meanwhile: the parse step says so; nothing is remembered
                data, stamps[key] = b"", None
            content[key] = data
        return data

    def digest_of(key: str) -> str:
        entry = facts[key]
        if entry.digest is None:
            entry.digest = content_hash(data_of(key))
            learnt.add(key)
        return entry.digest

    def resolve(key: str) -> None:
        if key not in facts:
            return
        path = paths.get(key)
        entry = index[path] if path is not None else enter(key)
        if entry.digest is not None:
            return
        path = entry.path
        entry.digest = digest_of(key)
        names = known_imports.get(entry.digest) if known_imports is not None else None
        far = known_reach.get(entry.digest) if known_reach is not None else None
        if names is None or far is None:
            if key in ahead:
                names, far = ahead.pop(key)
            else:
                data = data_of(key)
                names, far = raw_imports(data), reach(data)
            if known_imports is not None:
                known_imports[entry.digest] = names
            if known_reach is not None:
                known_reach[entry.digest] = far
        entry.reach = far
        entry.imports = _resolve_imports(project, path, names)
        looked_up = lookups.existing(path) if lookups is not None else []
        if looked_up:
            imported = set(entry.imports)
            looked_up = [t for t in looked_up if t not in imported]
        for target in entry.imports + looked_up:
            target_key = str(target)
            if target_key not in facts and target_key not in paths:
                # a module outside the given paths (a source root, src/): index it too
                found = scan(target_key)
                if found is None:
                    continue
                if found.mentions:
                    enter(target_key, target)
                    outside.append(target_key)
                    continue
                pending_names[target_key] = None
            if target_key in facts and (target_key not in paths or index[paths[target_key]].digest is None):
                # What it imports in turn is resolved too, flyte or not: name resolution follows imports
                # through plain modules (a constant re-exported by one), so their content is part of what
                # the findings of this file depend on.
                forward.append(target_key)

    wanted: list[str] = []
    pending_names: dict[str, frozenset[str] | None] = {}
    for key in candidates:
        found = scan(key)
        if found is None or found.mentions or key.endswith(INIT):
            enter(key)
        if found is not None:
            if found.mentions:
                wanted.append(key)
            else:
                pending_names[key] = None
    resolved: set[str] = set()
    outside: list[str] = []
    forward: list[str] = []  # imported by a resolved file: resolved too, without making it relevant
    first = True
    while wanted or first:
        first = False
        while wanted or forward:
            if wanted:
                key = wanted.pop()
                resolve(key)
                resolved.add(key)
                wanted.extend(outside)
                outside.clear()
            else:
                resolve(forward.pop())
        names = {_module_word(key) for key in resolved} | extra_words
        wanted = []
        for key in list(pending_names):
            imported = pending_names[key]
            if imported is None:
                entry = facts[key]
                if entry.words is None:
                    entry.words = import_words(data_of(key))
                    learnt.add(key)
                imported = pending_names[key] = entry.words
            if imported & names:
                wanted.append(key)
                del pending_names[key]
    if memo.active:
        for key in learnt:
            memo.remember(key, facts[key], stamps[key])
    return index


def _module_word(path: str) -> str:
    """The module name a file's importers write: its stem, or its package's name for an ``__init__.py``."""
    folder, _, name = path.rpartition(os.sep)
    if name == "__init__.py":
        return folder.rpartition(os.sep)[2]
    dot = name.rfind(".")
    return name[:dot] if 0 < dot < len(name) - 1 else name  # (Path.stem)


def _resolve_imports(project: Project, path: Path, names: list[str]) -> list[Path]:
    targets: dict[Path, None] = {}
    near = path.parent
    for dotted in names:
        if dotted.startswith("."):
            level = len(dotted) - len(dotted.lstrip("."))
            base = path.parent
            for _ in range(level - 1):
                base = base.parent
            rest = dotted.lstrip(".")
            if not rest:
                if (base / "__init__.py").is_file():
                    targets[(base / "__init__.py").resolve()] = None
                continue
            parts = rest.split(".")
            for end in range(1, len(parts) + 1):
                found = project._locate_cached(base, ".".join(parts[:end]))
                if found is not None:
                    targets[found] = None
            continue
        parts = dotted.split(".")
        if not project.may_contain(parts[0], near):
            continue  # `flyte`, `asyncio`, `pandas`: nothing of that name in the project
        for end in range(1, len(parts) + 1):
            found = project.locate(".".join(parts[:end]), near)
            if found is not None:
                targets[found] = None
    targets.pop(path, None)
    return list(targets)


def relevant_files(index: dict[Path, Indexed]) -> set[Path]:
    """Files worth analysing: those that mention flyte, and those importing (transitively) one that does.
    Everything else costs one byte scan."""
    relevant = {p for p, entry in index.items() if entry.mentions}
    importers: dict[Path, list[Path]] = {}
    for path, entry in index.items():
        for target in entry.imports:
            importers.setdefault(target, []).append(path)
    todo = list(relevant)
    while todo:
        target = todo.pop()
        for importer in importers.get(target, ()):
            if importer not in relevant:
                relevant.add(importer)
                todo.append(importer)
    return relevant


def components(
    index: dict[Path, Indexed], relevant: set[Path], lookups: Lookups | None = None
) -> dict[Path, frozenset[Path]]:
    """Relevant files grouped by imports (either way), with everything they import (transitively), and by
    package trees: everything the analysis of one file can ever consult lies in its component, so a
    component is the unit of caching and of parallel work. ``lookups`` adds the modules name resolution looked
    up outside import statements (Resolver.loads), found or not."""
    ids: dict[Path, int] = {}  # (union-find over numbers: comparing paths is slow)
    parent: list[int] = []

    def find(path: Path) -> int:
        key = ids.get(path)
        if key is None:
            key = ids[path] = len(parent)
            parent.append(key)
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    def union(a: Path, b: Path) -> None:
        parent[find(a)] = find(b)

    reached = set(relevant)
    todo = list(relevant)
    while todo:  # what the relevant files import, transitively: their findings depend on its content
        path = todo.pop()
        find(path)
        for target in import_targets(index, lookups, path):
            union(path, target)
            if target not in reached:
                reached.add(target)
                todo.append(target)
    for path in relevant:
        init = path.parent / "__init__.py"
        if init in index:
            union(path, init)
            if path.name == "__init__.py" and (path.parent.parent / "__init__.py") in index:
                union(path, path.parent.parent / "__init__.py")
    groups: dict[int, set[Path]] = {}
    for path in ids:
        groups.setdefault(find(path), set()).add(path)
    shared = [frozenset(members) for members in groups.values()]  # (one set per component, shared by its members)
    return {path: members for members in shared for path in members}


def import_targets(index: dict[Path, Indexed], lookups: Lookups | None, path: Path) -> list[Path]:
    """The files ``path`` imports, and those name resolution looked up through it (found or not)."""
    entry = index.get(path)
    targets = list(entry.imports) if entry is not None else []
    if lookups is not None:
        targets += lookups(path)
    return targets


class Lookups:
    """Resolver.loads (as the cache keeps them) as files: those the lookups through a module may find,
    across namespace packages. Each module's list is worked out once per run, and each file (many modules
    look up the same namespace package's) becomes one Path and costs one stat."""

    def __init__(self, loads: dict[str, list[str]] | None) -> None:
        self.loads = loads or {}
        self._found: dict[str, list[Path]] = {}
        self._existing: dict[str, list[Path]] = {}
        self._paths: dict[str, Path] = {}
        self._is_file: dict[Path, bool] = {}

    def __call__(self, path: Path) -> list[Path]:
        through = str(path)
        if through not in self.loads:
            return []  # (most files)
        found = self._found.get(through)
        if found is None:
            found = self._found[through] = self._expand(through)
        return found

    def existing(self, path: Path) -> list[Path]:
        """Those of the files that exist."""
        found = self(path)
        if not found:
            return found
        existing = self._existing.get(str(path))
        if existing is None:
            existing = self._existing[str(path)] = [p for p in found if self._exists(p)]
        return existing

    def _exists(self, path: Path) -> bool:
        known = self._is_file.get(path)
        if known is None:
            known = self._is_file[path] = os.path.isfile(path)
        return known

    def _expand(self, through: str) -> list[Path]:
        found: dict[str, None] = {}
        seen = {through}
        todo = [through]
        while todo:
            for target in self.loads.get(todo.pop(), ()):
                if target.startswith(NAMESPACE):
                    if target not in seen:
                        seen.add(target)
                        todo.append(target)
                else:
                    found[target] = None
        paths = self._paths
        return [paths.get(t) or paths.setdefault(t, Path(t)) for t in found]


def _digest_outside(path: Path) -> str | None:
    try:
        return content_hash(path.read_bytes())
    except OSError:
        return None
