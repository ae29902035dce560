#!/usr/bin/env python
"""Compare flyte-lint's findings on a public Flyte 2 corpus with its triage file.

A triage file (``tests/realworld/<corpus>.tsv``, described in ``tests/realworld/README.md``) records, for
every error-severity finding flyte-lint makes on a corpus of real Flyte 2 code nobody here wrote, whether
the finding is true and how that was checked. This script re-lints a fetched copy of the corpus and prints
what changed::

    python scripts/triage.py tests/realworld/flyte-sdk.tsv /work/corpora/flyte-sdk/examples
    python scripts/triage.py tests/realworld/flyte-sdk.tsv /work/corpora/flyte-sdk/examples --write

It prints findings not yet triaged, triaged findings that vanished, findings whose line moved, and the
verdict counts per rule. Exit status: 0 when every error finding is triaged, 1 when some is not (a new
finding, or a row whose verdict is still ``todo``), 2 on bad usage.

A finding is matched to a row by (path, code, line, column); when that fails, by (path, code, column) and
the hash of the finding's source line, so a row survives lines inserted above it.

``--write`` rewrites the file to the tool's present state: matched rows keep their verdict and evidence
(with the new line), new findings are added with verdict ``todo``, vanished rows are dropped (printed
first). The header (corpus identity) is kept; ``--tool`` records which flyte-lint produced the findings.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

COLUMNS = ("path", "line", "column", "code", "severity", "verdict", "line_hash", "evidence", "message")
VERDICTS = ("true", "false", "unsure")
TODO = "todo"  # a row written by --write, not triaged yet
UNTRIAGED = "untriaged"  # allowed for warnings only: recorded, not checked
COLUMN_LINE = "\t".join(COLUMNS)


@dataclass
class Row:
    path: str
    line: int
    column: int
    code: str
    severity: str
    verdict: str
    line_hash: str
    evidence: str
    message: str

    @property
    def key(self) -> tuple[str, str, int, int]:
        return (self.path, self.code, self.line, self.column)

    def cells(self) -> list[str]:
        return [
            self.path,
            str(self.line),
            str(self.column),
            self.code,
            self.severity,
            self.verdict,
            self.line_hash,
            self.evidence,
            self.message,
        ]


@dataclass
class TriageFile:
    header: list[str] = field(default_factory=list)  # "# key: value" lines, kept verbatim
    rows: list[Row] = field(default_factory=list)

    def meta(self, key: str) -> str | None:
        for line in self.header:
            k, _, v = line.lstrip("#").partition(":")
            if k.strip() == key:
                return v.strip()
        return None


class TriageFormatError(ValueError):
    pass


def _clean(text: str) -> str:
    return " ".join(str(text).split())  # no tabs or newlines inside a cell


def read_triage(path: Path) -> TriageFile:
    tf = TriageFile()
    seen_columns = False
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip():
            continue
        if raw.startswith("#"):
            tf.header.append(raw)
            continue
        cells = raw.split("\t")
        if not seen_columns:
            if tuple(cells) != COLUMNS:
                raise TriageFormatError(f"{path}:{n}: expected the column line {COLUMN_LINE!r}")
            seen_columns = True
            continue
        if len(cells) != len(COLUMNS):
            raise TriageFormatError(f"{path}:{n}: {len(cells)} cells, expected {len(COLUMNS)}")
        try:
            line, column = int(cells[1]), int(cells[2])
        except ValueError:
            raise TriageFormatError(f"{path}:{n}: line and column must be integers") from None
        tf.rows.append(Row(cells[0], line, column, cells[3], cells[4], cells[5], cells[6], cells[7], cells[8]))
    if not seen_columns:
        raise TriageFormatError(f"{path}: no column line")
    return tf


def write_triage(path: Path, tf: TriageFile) -> None:
    rows = sorted(tf.rows, key=lambda r: (r.severity != "error", r.path, r.line, r.column, r.code))
    out = list(tf.header) + ["\t".join(COLUMNS)]
    out += ["\t".join(_clean(c) for c in r.cells()) for r in rows]
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def line_hash(corpus: Path, rel: str, line: int) -> str:
    """sha1 of the finding's source line, whitespace removed: survives re-indentation and moves."""
    try:
        lines = (corpus / rel).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    return hashlib.sha1("".join(text.split()).encode()).hexdigest()[:12]


def lint(corpus: Path, lint_cmd: list[str]) -> list[Row]:
    """Findings of ``flyte-lint check --no-cache --format json .`` run in the corpus root."""
    proc = subprocess.run(
        [*lint_cmd, "check", "--no-cache", "--format", "json", "."],
        cwd=corpus,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"flyte-lint exited {proc.returncode}: {proc.stderr.strip()[-2000:]}")
    try:
        data = json.loads(proc.stdout)
    except ValueError:
        raise RuntimeError(f"flyte-lint printed no JSON report: {proc.stderr.strip()[-2000:]}") from None
    rows = []
    for d in data["diagnostics"]:
        rel = os.path.normpath(d["path"]).replace(os.sep, "/")
        rows.append(
            Row(
                rel,
                d["line"],
                d["column"],
                d["code"],
                d["severity"],
                "",
                line_hash(corpus, rel, d["line"]),
                "",
                _clean(d["message"]),
            )
        )
    return rows


@dataclass
class Comparison:
    matched: list[tuple[Row, Row]]  # (triage row, current finding)
    new: list[Row]  # current findings with no row
    vanished: list[Row]  # rows with no current finding


def compare(rows: list[Row], findings: list[Row]) -> Comparison:
    by_key: dict[tuple, list[Row]] = collections.defaultdict(list)
    for r in rows:
        by_key[r.key].append(r)
    matched, unmatched = [], []
    for f in findings:
        cands = by_key.get(f.key)
        if cands:
            matched.append((cands.pop(0), f))
        else:
            unmatched.append(f)
    left = [r for rs in by_key.values() for r in rs]
    by_hash: dict[tuple, list[Row]] = collections.defaultdict(list)
    for r in left:
        if r.line_hash:
            by_hash[(r.path, r.code, r.column, r.line_hash)].append(r)
    new = []
    for f in unmatched:
        cands = by_hash.get((f.path, f.code, f.column, f.line_hash))
        if cands:
            cands.sort(key=lambda r: abs(r.line - f.line))  # the nearest row of that text
            r = cands.pop(0)
            left.remove(r)
            matched.append((r, f))
        else:
            new.append(f)
    return Comparison(matched, new, left)


def is_untriaged(row: Row) -> bool:
    return row.severity == "error" and row.verdict not in VERDICTS


def verdict_counts(rows: list[Row]) -> dict[str, collections.Counter]:
    counts: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for r in rows:
        if r.severity == "error":
            counts[r.code][r.verdict or TODO] += 1
    return dict(sorted(counts.items()))


def _fmt(r: Row) -> str:
    return f"{r.path}:{r.line}:{r.column} {r.code} [{r.severity}] {r.message}"


def report(cmp: Comparison, out=None) -> int:
    """Print the changes; return the number of untriaged error findings."""
    out = out or sys.stdout
    moved = [(r, f) for r, f in cmp.matched if r.line != f.line]
    resev = [(r, f) for r, f in cmp.matched if r.severity != f.severity]
    new_err = [f for f in cmp.new if f.severity == "error"]
    todo = [
        r for r, f in cmp.matched if f.severity == "error" and (r.verdict not in VERDICTS or r.severity != f.severity)
    ]
    sections = [
        ("new error findings (not triaged)", [_fmt(f) for f in new_err]),
        ("error rows still to triage (verdict todo)", [_fmt(r) for r in todo]),
        ("new warning findings", [_fmt(f) for f in cmp.new if f.severity != "error"]),
        ("vanished (triaged, no longer reported)", [f"{_fmt(r)}  -- was {r.verdict or TODO}" for r in cmp.vanished]),
        ("severity changed", [f"{_fmt(f)}  -- was {r.severity}, verdict {r.verdict}" for r, f in resev]),
        ("moved", [f"{r.path}:{r.line} -> {f.line} {r.code}" for r, f in moved]),
    ]
    for title, lines in sections:
        if lines:
            print(f"{title}: {len(lines)}", file=out)
            for line in lines:
                print(f"  {line}", file=out)
    current = [
        Row(f.path, f.line, f.column, f.code, f.severity, r.verdict, f.line_hash, r.evidence, f.message)
        for r, f in cmp.matched
    ] + cmp.new
    print("error verdicts per rule (current findings):", file=out)
    counts = verdict_counts(current)
    total: collections.Counter = collections.Counter()
    for code, c in counts.items():
        total.update(c)
        print(f"  {code}: " + ", ".join(f"{k} {v}" for k, v in sorted(c.items())), file=out)
    print("  all: " + (", ".join(f"{k} {v}" for k, v in sorted(total.items())) or "none"), file=out)
    return len(new_err) + len(todo)


def _carried(r: Row, f: Row) -> tuple[str, str]:
    """The verdict and evidence a matched row keeps. A verdict was given for the severity the finding had:
    when that changed, the row is to be triaged again, and its old verdict is kept in the evidence."""
    fresh = TODO if f.severity == "error" else UNTRIAGED
    if r.severity != f.severity:
        was = f"[as {r.severity}: {r.verdict or fresh}] {r.evidence}".strip()
        return fresh, was
    return r.verdict or fresh, r.evidence


def updated(tf: TriageFile, cmp: Comparison, tool: str | None) -> TriageFile:
    rows = []
    for r, f in cmp.matched:
        verdict, evidence = _carried(r, f)
        rows.append(Row(f.path, f.line, f.column, f.code, f.severity, verdict, f.line_hash, evidence, f.message))
    rows += [
        Row(
            f.path,
            f.line,
            f.column,
            f.code,
            f.severity,
            TODO if f.severity == "error" else UNTRIAGED,
            f.line_hash,
            "",
            f.message,
        )
        for f in cmp.new
    ]
    header = [h for h in tf.header if not (tool and h.lstrip("#").strip().startswith("linted-with:"))]
    if tool:
        header.append(f"# linted-with: {tool}")
    return TriageFile(header, rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("triage", type=Path, help="the triage TSV file")
    ap.add_argument("corpus", type=Path, help="root of the fetched corpus (the triage's paths are relative to it)")
    ap.add_argument("--write", action="store_true", help="rewrite the triage file to the present findings")
    ap.add_argument("--tool", help="with --write: what linted, for the header (e.g. 'flyte-lint <commit>')")
    ap.add_argument(
        "--lint-cmd", default=f"{sys.executable} -m flyte_lint", help="the flyte-lint command (default: %(default)s)"
    )
    args = ap.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"triage: corpus {args.corpus} is not a directory", file=sys.stderr)
        return 2
    try:
        tf = read_triage(args.triage) if args.triage.exists() or not args.write else TriageFile()
        findings = lint(args.corpus.resolve(), args.lint_cmd.split())
    except (OSError, TriageFormatError, RuntimeError, ValueError) as e:
        print(f"triage: {e}", file=sys.stderr)
        return 2
    cmp = compare(tf.rows, findings)
    untriaged = report(cmp)
    if args.write:
        write_triage(args.triage, updated(tf, cmp, args.tool))
        print(f"wrote {args.triage}")
    return 1 if untriaged else 0


if __name__ == "__main__":
    sys.exit(main())
