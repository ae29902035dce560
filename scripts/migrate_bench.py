"""Measure `flyte-lint migrate` on fetched corpora of real Flyte 1 code (flytesnacks, flyte-migrate).

The corpora are listed in tests/realworld/migrate-corpus.md: one table row per project file (``root`` is the project
folder inside the fetched corpus, ``path`` a file of it) and, for a runnable example, per entry with its arguments.
The corpora themselves are never in this repository: fetch them and pass where they are::

    python scripts/migrate_bench.py --corpora /work/corpora            # the four figures, per corpus
    python scripts/migrate_bench.py --corpora /work/corpora --originals  # run only the originals (fingerprints)

For each project (``root``), the script copies it to a temporary directory, removes the line ``import flyte_migrate``
(flyte-migrate's runtime shim: the examples are Flyte 1 programs that import it to run unchanged on Flyte 2; without it
they are plain flytekit code), and reports over every listed file:

1. **parse**: the migrated file parses;
2. **lint-clean**: ``flyte-lint check`` reports no FLY5xx finding and no error finding in it;
3. **imports**: it imports under flyte 2 with flytekit made unimportable (a file that does not, but carries a
   ``# TODO(flyte-lint migrate)`` comment, is counted apart: the issue accepts it);
4. **same result**: for each runnable entry, the original run locally under flytekit (tests/v1_runner.py's
   ``run_v1``) and the migrated entry run locally under flyte 2 (``run_v2``, sdk_runner's ``run_program``) give
   outputs that compare equal by content (files, directories and dataframes by content).

``--originals`` skips the migration and runs only step 4's first half: each runnable entry's original under flytekit,
with the fingerprint of its output (``sha256`` of the content form, 12 hex digits) as the manifest records it.
Exit status: 0 when the figures were computed, 2 when the migrate command is not available or an input is missing.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from output_content import outputs_match  # noqa: E402
from sdk_runner import RunResult  # noqa: E402
from v1_runner import FLYTE1_PACKAGES, run_v1, run_v2  # noqa: E402

MANIFEST = REPO / "tests" / "realworld" / "migrate-corpus.md"
SHIM_IMPORT = "import flyte_migrate"
TODO_MARK = "# TODO(flyte-lint migrate)"
TABLE_HEADING = "## The table"
COLUMNS = ("corpus", "root", "path", "entry", "args", "status", "v1", "note")

# Imports a migrated module in a python where flytekit (and its plugins) cannot be imported.
IMPORT_PROBE = r"""
import importlib, importlib.abc, sys
root, module, blocked = sys.argv[1], sys.argv[2], set(sys.argv[3].split(","))
class NoFlytekit(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in blocked:
            raise ModuleNotFoundError(f"No module named {name!r} (blocked: the migrated code must not need it)")
        return None
sys.meta_path.insert(0, NoFlytekit())
sys.path.insert(0, root)
importlib.import_module(module)
"""


@dataclass(eq=False)
class Row:
    line: int  # its line in the manifest (0-based)
    corpus: str
    root: str
    path: str
    entry: str
    args: dict
    status: str  # "run": a runnable example's entry; "file": a file tried but not run; "excluded": not tried
    v1: str  # a run row's recorded outcome under flytekit: "ok:<fingerprint>" or "fails:<exception class>"
    note: str

    @property
    def module(self) -> str:
        return self.path.removesuffix(".py").replace("/", ".")


def read_manifest(path: Path = MANIFEST) -> list[Row]:
    """The rows of the manifest's table (the one under the heading ``## The table``)."""
    rows: list[Row] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    if TABLE_HEADING not in lines:
        raise ValueError(f"{path}: no {TABLE_HEADING!r} heading")
    for number, line in enumerate(lines):
        if number <= lines.index(TABLE_HEADING) or not line.startswith("|"):
            continue
        if line.startswith(("| corpus", "|---", "| ---")):
            continue
        cells = [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
        if len(cells) != len(COLUMNS):
            raise ValueError(f"{path}: a row has {len(cells)} cells, not {len(COLUMNS)}: {line}")
        rec = dict(zip(COLUMNS, cells, strict=True))
        rec["args"] = json.loads(rec["args"]) if rec["args"] not in ("", "-") else {}
        rows.append(Row(line=number, **rec))
    return rows


def record_outcomes(path: Path, outcomes: dict[int, str]) -> None:
    """Rewrite the ``v1`` cell of the manifest's lines ``outcomes`` names (line number -> outcome)."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    v1 = COLUMNS.index("v1")
    for number, value in outcomes.items():
        cells = lines[number].rstrip("\n").strip().strip("|").split("|")
        cells[v1] = f" {value} "
        lines[number] = "|" + "|".join(cells) + "|\n"
    path.write_text("".join(lines), encoding="utf-8")


def fingerprint(output: object) -> str:
    """12 hex digits of sha256 of an output's content form (tests/output_content.py); "none" for no output."""
    if output is None:
        return "none"
    return hashlib.sha256(json.dumps(output, sort_keys=True).encode()).hexdigest()[:12]


def outcome(result: RunResult) -> str:
    """A run's outcome as the manifest's ``v1`` column records it."""
    return f"ok:{fingerprint(result.output)}" if result.ok else f"fails:{result.error_type}"


def same_result(before: RunResult, after: RunResult) -> bool:
    """The migrated run computes what the original did: equal outputs by content, or (for an example that fails on
    purpose) a failure with the original's exception class among the migrated run's."""
    if before.ok:
        return after.ok and outputs_match(before.output, after.output)
    return not after.ok and before.error_type in after.error_types


def copy_project(src: Path, dst: Path) -> None:
    """Copy a project's folder, leaving out caches, and drop the flyte-migrate shim's import line."""
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".git"))
    for py in dst.rglob("*.py"):
        text = py.read_text(encoding="utf-8")
        lines = text.splitlines(keepends=True)
        kept = [ln for ln in lines if not ln.strip().startswith(SHIM_IMPORT + " ") and ln.strip() != SHIM_IMPORT]
        if len(kept) != len(lines):
            py.write_text("".join(kept), encoding="utf-8")


def project_files(root: Path) -> dict[str, str]:
    """The project's python sources as run_v1/run_v2 take them (relative path -> text)."""
    return {str(p.relative_to(root)): p.read_text(encoding="utf-8") for p in sorted(root.rglob("*.py"))}


def migrate_available() -> bool:
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "flyte_lint", "migrate", "--help"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return proc.returncode == 0


def migrate(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flyte_lint", "migrate", str(root)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def lint_findings(root: Path) -> dict[str, list[str]]:
    """``flyte-lint check --format json`` on the project: file (relative) -> codes of its FLY5xx and error findings."""
    proc = subprocess.run(
        [sys.executable, "-m", "flyte_lint", "check", "--format", "json", "--no-cache", "--exit-zero", str(root)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if proc.returncode not in (0, 1):
        raise ValueError(f"flyte-lint check exited {proc.returncode} on {root}: {proc.stderr[-500:]}")
    bad: dict[str, list[str]] = {}
    for f in json.loads(proc.stdout)["diagnostics"]:
        path = os.path.relpath(os.path.join(root, f["path"]), root)
        code = f.get("code", "")
        if code.startswith("FLY5") or f.get("severity") == "error":
            bad.setdefault(path, []).append(code)
    return bad


def imports_without_flytekit(root: Path, module: str, python: str = sys.executable) -> tuple[bool, str]:
    proc = subprocess.run(
        [python, "-c", IMPORT_PROBE, str(root), module, ",".join(FLYTE1_PACKAGES)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        env={**os.environ, "HOME": str(root.parent / "home"), "DO_NOT_TRACK": "1"},
    )
    lines = (proc.stderr + proc.stdout).strip().splitlines()  # (flyte's excepthook prints the error to stdout)
    errors = [line for line in lines if "Error" in line.split(":")[0]]  # (the exception's line, not its source)
    return proc.returncode == 0, (errors or lines or [""])[-1]


@dataclass
class Tally:
    files: int = 0
    parse_original: int = 0
    parse: int = 0
    lint_clean: int = 0
    imports: int = 0
    todo_only: int = 0
    runnable: int = 0
    original_ok: int = 0
    same: int = 0
    problems: list[str] = field(default_factory=list)


def bench(
    rows: list[Row],
    corpora: Path,
    originals_only: bool,
    outcomes: dict[int, str] | None = None,
    import_python: str | None = None,
) -> dict[str, Tally]:
    """Measure the rows' projects; ``outcomes`` (when given) gets each run row's original outcome by manifest line.
    ``import_python``: another interpreter (flyte and libraries this venv lacks, no flytekit) that tries the files
    that do not import here."""
    tallies: dict[str, Tally] = {}
    projects: dict[tuple[str, str], list[Row]] = {}
    for row in rows:
        if row.status != "excluded":
            projects.setdefault((row.corpus, row.root), []).append(row)
    for (corpus, root_rel), prows in projects.items():
        tally = tallies.setdefault(corpus, Tally())
        src_root = corpora / corpus / root_rel
        if not src_root.is_dir():
            raise FileNotFoundError(f"{src_root} is missing: fetch and extract the {corpus} corpus first")
        with tempfile.TemporaryDirectory(prefix="migrate_bench_") as tmp:
            original = Path(tmp) / "original"
            copy_project(src_root, original)
            files = sorted({r.path for r in prows})
            tally.files += len(files)
            for path in files:
                try:
                    ast.parse((original / path).read_text(encoding="utf-8"))
                    tally.parse_original += 1
                except SyntaxError:
                    tally.problems.append(f"{corpus}/{root_rel}/{path}: the original does not parse")
            migrated = None
            if not originals_only:
                migrated = Path(tmp) / "migrated"
                shutil.copytree(original, migrated)
                proc = migrate(migrated)
                if proc.returncode not in (0, 1):
                    tally.problems.append(
                        f"{corpus}/{root_rel}: migrate exited {proc.returncode}: {proc.stderr[-500:]}"
                    )
                bad = lint_findings(migrated)
                for path in files:
                    text = (migrated / path).read_text(encoding="utf-8")
                    try:
                        ast.parse(text)
                    except SyntaxError as e:
                        tally.problems.append(f"{corpus}/{root_rel}/{path}: migrated code does not parse: {e}")
                        continue
                    tally.parse += 1
                    if not bad.get(path):
                        tally.lint_clean += 1
                    else:
                        tally.problems.append(f"{corpus}/{root_rel}/{path}: findings {sorted(set(bad[path]))}")
                    module = path.removesuffix(".py").replace("/", ".")
                    ok, why = imports_without_flytekit(migrated, module)
                    if not ok and import_python and "ModuleNotFoundError" in why:
                        ok, elsewhere = imports_without_flytekit(migrated, module, import_python)
                        if ok:
                            tally.problems.append(
                                f"{corpus}/{root_rel}/{path}: imports with {import_python} ({why.strip()} here)"
                            )
                        why = elsewhere if not ok else why
                    if ok:
                        tally.imports += 1
                    elif TODO_MARK in text:
                        tally.todo_only += 1
                    else:
                        tally.problems.append(f"{corpus}/{root_rel}/{path}: does not import under flyte: {why}")
            for row in prows:
                if row.status != "run":
                    continue
                tally.runnable += 1
                where = f"{corpus}/{root_rel}/{row.path}:{row.entry}"
                before = run_v1(project_files(original), entry=f"{row.module}:{row.entry}", args=row.args)
                if outcomes is not None:
                    outcomes[row.line] = outcome(before)
                if outcome(before) == row.v1:
                    tally.original_ok += 1
                else:
                    tally.problems.append(f"{where}: the original gave {outcome(before)}, the manifest says {row.v1}")
                print(f"{where}\tv1 {outcome(before)}\t{before.duration:.1f}s", file=sys.stderr, flush=True)
                if migrated is None:
                    continue
                after = run_v2(project_files(migrated), entry=f"{row.module}:{row.entry}", args=row.args)
                if same_result(before, after):
                    tally.same += 1
                else:
                    why = after.error if not after.ok else f"{before.output!r} != {after.output!r}"
                    tally.problems.append(f"{where}: not the same result: {str(why)[:300]}")
    return tallies


def report(tallies: dict[str, Tally], originals_only: bool) -> str:
    lines = []
    if originals_only:
        lines.append("| corpus | files | parse | runnable entries | original as recorded |")
        lines.append("|---|---|---|---|---|")
        for corpus, t in sorted(tallies.items()):
            lines.append(f"| {corpus} | {t.files} | {t.parse_original} | {t.runnable} | {t.original_ok} |")
    else:
        lines.append(
            "| corpus | files | parse | lint-clean | import under flyte 2 without flytekit (+ with TODOs) "
            "| runnable entries | same result |"
        )
        lines.append("|---|---|---|---|---|---|---|")
        for corpus, t in sorted(tallies.items()):
            lines.append(
                f"| {corpus} | {t.files} | {t.parse} | {t.lint_clean} | {t.imports} (+{t.todo_only}) "
                f"| {t.runnable} | {t.same} |"
            )
    problems = [p for t in tallies.values() for p in t.problems]
    if problems:
        lines.append("")
        lines.extend(f"- {p}" for p in problems)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", type=Path, default=Path("/work/corpora"), help="where the corpora are extracted")
    parser.add_argument("--manifest", type=Path, default=MANIFEST)
    parser.add_argument("--originals", action="store_true", help="only run the originals under flytekit")
    parser.add_argument("--corpus", action="append", help="only this corpus (repeatable)")
    parser.add_argument("--record", action="store_true", help="with --originals: write the outcomes to the manifest")
    parser.add_argument(
        "--import-python",
        help="another interpreter (a venv with flyte 2.12.1 and libraries this one lacks, such as tensorflow, and "
        "no flytekit): a migrated file that does not import here for a missing module is tried with it",
    )
    opts = parser.parse_args(argv)
    if not opts.originals and not migrate_available():
        print("migrate command not available: `flyte-lint migrate --help` fails in this checkout", file=sys.stderr)
        return 2
    try:
        rows = [r for r in read_manifest(opts.manifest) if not opts.corpus or r.corpus in opts.corpus]
        outcomes: dict[int, str] = {}
        tallies = bench(rows, opts.corpora, opts.originals, outcomes, opts.import_python)
        if opts.record and opts.originals:
            record_outcomes(opts.manifest, outcomes)
    except (OSError, ValueError) as e:
        print(f"migrate_bench: {e}", file=sys.stderr)
        return 2
    print(report(tallies, opts.originals))
    return 0


if __name__ == "__main__":
    sys.exit(main())
