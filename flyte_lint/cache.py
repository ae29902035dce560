"""The result cache (on by default, like ruff's): ``.flyte-lint-cache/`` in the project, git-ignored.

It holds, per linted file, the findings of the last run and a key: a hash of the content of every file
those findings can depend on (incremental.py says which), so a file's findings are reused only while that
key matches, and a stale entry can never hide or invent a finding. What the keys are computed from is kept
too: each file's imports by content hash (``imports``), how far beyond them its findings reach (``reach``),
the modules name resolution looked up beyond import lines (``loads``), and the environments each analysed
module defines (``envs``). It also holds what the byte scan learnt of each file (see index.FileMemo), by the
file's stat, so that a warm run reads no file whose stat is unchanged. The cache is keyed by the flyte-lint
version, the SDK table and the settings; a corrupt, truncated or foreign cache is ignored and rebuilt, and
writes are atomic, so concurrent runs cannot corrupt it. A run that learnt nothing new does not write it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from flyte_lint import __version__
from flyte_lint.findings import Edit, Finding, Fix, Severity, Suggestion
from flyte_lint.index import FileMemo

CACHE_DIR = ".flyte-lint-cache"
FORMAT = 3


def finding_to_dict(f: Finding) -> dict:
    record = {
        "code": f.code,
        "symbol": f.symbol,
        "severity": f.severity.value,
        "message": f.message,
        "path": f.path,
        "line": f.line,
        "column": f.column,
        "end_line": f.end_line,
        "end_column": f.end_column,
    }
    if f.fix is not None:
        record["fix"] = {
            "safe": f.fix.safe,
            "title": f.fix.title,
            "edits": [[list(e.start), list(e.end), e.text] for e in f.fix.edits],
        }
    if f.suggestions:
        record["suggestions"] = [
            {"shown": s.shown, "edits": [[list(e.start), list(e.end), e.text] for e in s.edits], "path": s.path}
            for s in f.suggestions
        ]
    return record


def finding_from_dict(record: dict) -> Finding:
    fix = None
    if record.get("fix"):
        data = record["fix"]
        fix = Fix(tuple(Edit(tuple(s), tuple(e), t) for s, e, t in data["edits"]), data["safe"], data["title"])
    suggestions = tuple(
        Suggestion(s["shown"], tuple(Edit(tuple(a), tuple(b), t) for a, b, t in s["edits"]), s.get("path"))
        for s in record.get("suggestions", ())
    )
    return Finding(
        record["code"],
        record["symbol"],
        Severity(record["severity"]),
        record["message"],
        record["path"],
        record["line"],
        record["column"],
        record["end_line"],
        record["end_column"],
        fix=fix,
        suggestions=suggestions,
    )


@dataclass
class Entry:
    findings: list[dict]
    signature: str  # the file's key: a hash of the contents of every file its findings can depend on


@dataclass
class CacheStore:
    directory: Path
    key: str
    entries: dict[str, Entry] = field(default_factory=dict)
    imports: dict[str, list[str]] = field(default_factory=dict)  # content hash -> raw imported names
    memo: FileMemo = field(default_factory=FileMemo)  # the byte scan's facts by stat
    loads: dict[str, list[str]] = field(default_factory=dict)  # module lookups beyond imports (Resolver.loads)
    reach: dict[str, str] = field(default_factory=dict)  # content hash -> index.reach
    envs: dict[str, list] = field(default_factory=dict)  # path -> [module key, env_facts, independent_of_importers]
    changed: bool = True  # whether save() has anything to write (a new store always has)

    @property
    def file(self) -> Path:
        return self.directory / f"results-v{FORMAT}.json"

    @classmethod
    def open(cls, directory: Path, key: str) -> CacheStore:
        store = cls(directory, key)
        try:
            data = json.loads(store.file.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT or data.get("key") != key:
                return store
            store.entries = {p: Entry(**e) for p, e in data["entries"].items()}
            store.imports = {h: list(v) for h, v in data.get("imports", {}).items()}
            store.loads = {k: [str(t) for t in v] for k, v in data.get("loads", {}).items()}
            store.reach = {h: str(v) for h, v in data.get("reach", {}).items()}
            store.envs = {
                p: [str(v[0]), list(v[1]), len(v) > 2 and v[2] is True] for p, v in data.get("envs", {}).items()
            }
            records = data.get("files", {})
            store.memo = FileMemo(records if isinstance(records, dict) else {})  # (each record checked when used)
            store.changed = False
        except (OSError, ValueError, TypeError, KeyError, AttributeError, IndexError):
            store.entries, store.imports, store.loads, store.memo = (
                {},
                {},
                {},
                FileMemo(),
            )  # corrupt, truncated or foreign: rebuilt
            store.reach, store.envs = {}, {}
        return store

    def save(self) -> None:
        if self.changed or self.memo.changed:
            self._write()

    def _write(self) -> None:
        if os.path.islink(self.directory) or (self.directory.exists() and not self.directory.is_dir()):
            return  # never write through a link the checked-out tree contains
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            ignore = self.directory / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# Created by flyte-lint automatically.\n*\n", encoding="utf-8")
            payload = {
                "format": FORMAT,
                "key": self.key,
                "version": __version__,
                "entries": {p: e.__dict__ for p, e in sorted(self.entries.items())},
                "imports": self.imports,
                "loads": self.loads,
                "reach": self.reach,
                "envs": self.envs,
                "files": self.memo.records,
            }
            fd, tmp = tempfile.mkstemp(prefix=".results-", suffix=".tmp", dir=self.directory)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(payload, handle, separators=(",", ":"))
            os.replace(tmp, self.file)
        except OSError:
            pass  # a read-only checkout: run without saving


def code_fingerprint() -> str:
    """A hash of flyte-lint's own source and SDK table: any change to the rules invalidates the cache, even
    without a version bump (e.g. an editable install during development)."""
    package = Path(__file__).resolve().parent
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".json") and "__pycache__" not in path.parts:
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def settings_key(parts: list) -> str:
    from flyte_lint import sdk

    text = json.dumps([__version__, FORMAT, sdk.version(), code_fingerprint(), parts], sort_keys=True, default=str)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def clean(directory: Path) -> bool:
    target = directory / CACHE_DIR
    if target.is_dir():
        shutil.rmtree(target, ignore_errors=True)
        return True
    return False
