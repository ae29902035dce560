"""The real-code triage files (tests/realworld/*.tsv) and scripts/triage.py that keeps them current."""

from __future__ import annotations

import importlib.util
import io
import os
import re
import sys
from pathlib import Path

import pytest

from lintutil import AWAIT_SYNC_BAD

ROOT = Path(__file__).resolve().parent.parent
REALWORLD = ROOT / "tests" / "realworld"
TRIAGE_FILES = sorted(REALWORLD.glob("*.tsv"))


def _load_triage_module():
    spec = importlib.util.spec_from_file_location("triage_script", ROOT / "scripts" / "triage.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


triage = _load_triage_module()


def test_there_are_triage_files():
    assert {p.name for p in TRIAGE_FILES} >= {"flyte-sdk.tsv", "unionai-examples.tsv"}


@pytest.mark.parametrize("path", TRIAGE_FILES, ids=lambda p: p.name)
def test_triage_file_format(path):
    tf = triage.read_triage(path)  # raises on a bad column line or a row of the wrong width
    assert re.fullmatch(r"[\w.-]+/[\w.-]+", tf.meta("corpus-repo") or ""), "corpus-repo: owner/name"
    assert re.fullmatch(r"[0-9a-f]{40}", tf.meta("corpus-commit") or ""), "corpus-commit: a full commit hash"
    assert tf.meta("corpus-subdir"), "corpus-subdir: the linted folder"
    assert tf.meta("linted-with"), "linted-with: which flyte-lint produced the rows"
    keys = [r.key for r in tf.rows]
    assert len(keys) == len(set(keys)), f"duplicate keys: {sorted({k for k in keys if keys.count(k) > 1})}"
    for r in tf.rows:
        where = f"{path.name}: {r.path}:{r.line} {r.code}"
        assert re.fullmatch(r"FLY\d{3}", r.code), where
        assert r.line >= 1 and r.column >= 0, where
        assert not r.path.startswith(("/", "../")) and "\\" not in r.path, f"{where}: path relative to the corpus"
        assert re.fullmatch(r"[0-9a-f]{12}", r.line_hash), f"{where}: line_hash"
        assert r.message.strip(), f"{where}: message"
        assert r.severity in ("error", "warning", "info"), where
        if r.severity == "error":
            assert r.verdict in triage.VERDICTS, f"{where}: verdict {r.verdict!r}"
            assert len(r.evidence.split()) >= 5, f"{where}: evidence says what happens and how it was checked"
        else:
            assert r.verdict in (*triage.VERDICTS, triage.UNTRIAGED), where


CORPORA = os.environ.get("FLYTE_LINT_CORPORA")


@pytest.mark.skipif(not CORPORA, reason="set FLYTE_LINT_CORPORA to the folder holding <name>/<corpus-subdir>")
@pytest.mark.parametrize("path", TRIAGE_FILES, ids=lambda p: p.name)
def test_every_error_on_the_fetched_corpus_is_triaged(path, capsys):
    # Opt-in (the corpora are not in the repository): FLYTE_LINT_CORPORA=/work/corpora pytest -k fetched_corpus
    corpus = Path(CORPORA) / path.stem / (triage.read_triage(path).meta("corpus-subdir") or ".")
    if not corpus.is_dir():
        pytest.skip(f"{corpus} is not fetched")
    code, out = _run(capsys, path, corpus)
    assert code == 0, out


# ---------------------------------------------------------------------------------------------------------
# scripts/triage.py on a tiny corpus of our own
# ---------------------------------------------------------------------------------------------------------

HEADER = "# corpus-repo: example/tiny\n# corpus-commit: " + "0" * 40 + "\n# corpus-subdir: .\n"


def _run(capsys, *args: str) -> tuple[int, str]:
    code = triage.main([str(a) for a in args])
    return code, capsys.readouterr().out


def test_triage_script_round_trip(tmp_path, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "main.py").write_text(AWAIT_SYNC_BAD, encoding="utf-8")  # FLY101 at 11:12
    tsv = tmp_path / "tiny.tsv"
    tsv.write_text(HEADER + triage.COLUMN_LINE + "\n", encoding="utf-8")

    # An untriaged error finding: listed, exit 1; --write adds it as `todo`.
    code, out = _run(capsys, tsv, corpus, "--write", "--tool", "flyte-lint test")
    assert code == 1 and "new error findings (not triaged): 1" in out and "main.py:11:12 FLY101" in out
    tf = triage.read_triage(tsv)
    (row,) = tf.rows
    assert (row.path, row.line, row.column, row.code, row.severity, row.verdict) == (
        "main.py",
        11,
        12,
        "FLY101",
        "error",
        "todo",
    )
    assert tf.meta("linted-with") == "flyte-lint test" and tf.meta("corpus-repo") == "example/tiny"

    # Still `todo`: still exit 1.
    code, out = _run(capsys, tsv, corpus)
    assert code == 1 and "verdict todo" in out

    # Triaged: exit 0 and counted.
    row.verdict, row.evidence = "true", "ran it under the SDK: SyncTaskCallInAsyncContextError raised"
    triage.write_triage(tsv, tf)
    code, out = _run(capsys, tsv, corpus)
    assert code == 0 and "FLY101: true 1" in out

    # Lines inserted above the finding: the row is found again by its line hash, and --write moves it.
    (corpus / "main.py").write_text("# a comment\n\n" + AWAIT_SYNC_BAD, encoding="utf-8")
    code, out = _run(capsys, tsv, corpus, "--write")
    assert code == 0 and "main.py:11 -> 13 FLY101" in out
    (row,) = triage.read_triage(tsv).rows
    assert (row.line, row.verdict) == (13, "true") and row.evidence.startswith("ran it")

    # A new error elsewhere is untriaged; the fixed one vanishes.
    (corpus / "main.py").write_text(AWAIT_SYNC_BAD.replace("await square(x)", "await square.aio(x)"), encoding="utf-8")
    (corpus / "other.py").write_text(AWAIT_SYNC_BAD, encoding="utf-8")
    code, out = _run(capsys, tsv, corpus)
    assert code == 1
    assert "vanished (triaged, no longer reported): 1" in out and "was true" in out
    assert "other.py:11:12 FLY101" in out


def test_a_changed_severity_is_triaged_again():
    def row(severity, verdict, evidence="", line=5):
        return triage.Row("m.py", line, 1, "FLY105", severity, verdict, "abc123abc123", evidence, "msg")

    was_error = row("error", "false", "fails only in local runs")
    now_warning = row("warning", "", line=7)
    cmp = triage.compare([was_error], [now_warning])
    assert cmp.matched == [(was_error, now_warning)] and not cmp.new and not cmp.vanished  # found by its hash
    (kept,) = triage.updated(triage.TriageFile(), cmp, None).rows
    assert (kept.line, kept.severity, kept.verdict) == (7, "warning", "untriaged")
    assert kept.evidence == "[as error: false] fails only in local runs"

    was_warning = row("warning", "true", "blocks the loop")
    now_error = row("error", "")
    cmp = triage.compare([was_warning], [now_error])
    assert triage.report(cmp, out=io.StringIO()) == 1  # an error whose verdict was given to a warning
    (kept,) = triage.updated(triage.TriageFile(), cmp, None).rows
    assert (kept.severity, kept.verdict) == ("error", "todo")


def test_triage_script_bad_input(tmp_path, capsys):
    tsv = tmp_path / "bad.tsv"
    tsv.write_text("path\tline\n", encoding="utf-8")
    assert triage.main([str(tsv), str(tmp_path)]) == 2
    assert "expected the column line" in capsys.readouterr().err
    assert triage.main([str(tsv), str(tmp_path / "missing")]) == 2
    assert "is not a directory" in capsys.readouterr().err
