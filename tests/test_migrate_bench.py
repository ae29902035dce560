"""scripts/migrate_bench.py: the manifest of the migrate corpus reads whole and consistent, a tiny corpus of our own
is measured end to end (originals under flytekit, outcomes recorded and re-checked), and without the command the
script stops with "migrate command not available"."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

from v1_runner import requires_flytekit

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("migrate_bench", ROOT / "scripts" / "migrate_bench.py")
migrate_bench = importlib.util.module_from_spec(_spec)
sys.modules["migrate_bench"] = migrate_bench
_spec.loader.exec_module(migrate_bench)


def test_the_manifest_reads_whole():
    rows = migrate_bench.read_manifest()
    assert {r.corpus for r in rows} == {"flytesnacks", "flyte-migrate"}
    assert {r.status for r in rows} == {"run", "file", "excluded"}
    for r in rows:
        assert r.path.endswith(".py") and not r.path.startswith("/"), r
        if r.status == "run":
            assert r.entry.isidentifier(), r
            assert r.v1.startswith(("ok:", "fails:")), r
        else:
            assert r.entry == "-" and r.v1 == "-" and r.note, r
    keys = [(r.corpus, r.root, r.path, r.entry, json.dumps(r.args, sort_keys=True)) for r in rows]
    assert len(keys) == len(set(keys)), "a row is listed twice"


MANIFEST = """\
# A tiny corpus

## The table
| corpus | root | path | entry | args | status | v1 | note |
|---|---|---|---|---|---|---|---|
| tiny | `proj` | `flows/__init__.py` | - | - | file | - | package marker |
| tiny | `proj` | `flows/math.py` | double | {"x": 4} | run | ? | a workflow |
| tiny | `proj` | `flows/math.py` | boom | {} | run | ? | fails on purpose |
| tiny | `proj` | `flows/notes.md` | - | - | excluded | - | not Python |
"""

FLOW = """\
import flyte_migrate  # noqa: F401, I001
from flytekit import task, workflow


@task
def twice(x: int) -> int:
    return 2 * x


@task
def fail(x: int) -> int:
    if x > 0:
        raise KeyError("on purpose")
    return x


@workflow
def double(x: int) -> int:
    return twice(x=x)


@workflow
def boom() -> int:
    return fail(x=1)
"""


def tiny_corpus(tmp_path: Path) -> tuple[Path, Path]:
    corpora = tmp_path / "corpora"
    flows = corpora / "tiny" / "proj" / "flows"
    flows.mkdir(parents=True)
    (flows / "__init__.py").write_text("")
    (flows / "math.py").write_text(FLOW)
    manifest = tmp_path / "manifest.md"
    manifest.write_text(MANIFEST)
    return corpora, manifest


@requires_flytekit
def test_originals_are_run_recorded_and_rechecked(tmp_path, capsys):
    corpora, manifest = tiny_corpus(tmp_path)
    args = ["--corpora", str(corpora), "--manifest", str(manifest), "--originals"]
    assert migrate_bench.main([*args, "--record"]) == 0
    recorded = {r.entry: r.v1 for r in migrate_bench.read_manifest(manifest) if r.status == "run"}
    # The shim's import line is dropped: the rest is a plain flytekit program.
    assert recorded == {"double": "ok:" + migrate_bench.fingerprint(8), "boom": "fails:KeyError"}
    capsys.readouterr()
    assert migrate_bench.main(args) == 0
    out = capsys.readouterr().out
    assert "| tiny | 2 | 2 | 2 | 2 |" in out, out  # files tried, parse, runnable entries, as recorded
    manifest.write_text(manifest.read_text().replace(recorded["double"], "ok:000000000000"))
    assert migrate_bench.main(args) == 0
    assert "the original gave " + recorded["double"] in capsys.readouterr().out


def test_without_the_command_it_says_so(tmp_path, monkeypatch, capsys):
    corpora, manifest = tiny_corpus(tmp_path)
    monkeypatch.setattr(migrate_bench, "migrate_available", lambda: False)
    assert migrate_bench.main(["--corpora", str(corpora), "--manifest", str(manifest)]) == 2
    assert "migrate command not available" in capsys.readouterr().err


def test_a_missing_corpus_is_a_clear_error(tmp_path, capsys):
    _, manifest = tiny_corpus(tmp_path)
    assert migrate_bench.main(["--corpora", str(tmp_path / "nowhere"), "--manifest", str(manifest), "--originals"]) == 2
    assert "fetch and extract the tiny corpus" in capsys.readouterr().err


def test_fingerprint():
    assert migrate_bench.fingerprint(None) == "none"
    fp = migrate_bench.fingerprint({"a": 1, "b": [2.5, "x"]})
    assert len(fp) == 12 and int(fp, 16) >= 0
    assert migrate_bench.fingerprint({"b": [2.5, "x"], "a": 1}) == fp  # key order does not count
    assert migrate_bench.fingerprint({"a": 1, "b": [2.5, "y"]}) != fp


def test_a_file_needing_a_library_missing_here_is_tried_with_another_interpreter(tmp_path, capsys):
    corpora = tmp_path / "corpora"
    flows = corpora / "tiny" / "proj" / "flows"
    flows.mkdir(parents=True)
    (flows / "__init__.py").write_text("")
    (flows / "uses_lib.py").write_text(
        "import missinglib\nfrom flytekit import task\n\n\n@task\ndef value() -> int:\n    return missinglib.VALUE\n"
    )
    manifest = tmp_path / "manifest.md"
    manifest.write_text(
        MANIFEST.split("| tiny |")[0]
        + "| tiny | `proj` | `flows/__init__.py` | - | - | file | - | package marker |\n"
        + "| tiny | `proj` | `flows/uses_lib.py` | - | - | file | - | needs missinglib |\n"
    )
    args = ["--corpora", str(corpora), "--manifest", str(manifest)]
    assert migrate_bench.main(args) == 0
    out = capsys.readouterr().out
    assert "| tiny | 2 | 2 | 2 | 1 (+0) | 0 | 0 |" in out, out
    assert "uses_lib.py: does not import under flyte: ModuleNotFoundError: No module named 'missinglib'" in out
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "missinglib.py").write_text("VALUE = 1\n")
    other = tmp_path / "other-python"  # (an interpreter that has the library: a venv would, here a PYTHONPATH)
    other.write_text(f'#!/bin/sh\nPYTHONPATH="{lib}" exec "{sys.executable}" "$@"\n')
    other.chmod(0o755)
    assert migrate_bench.main([*args, "--import-python", str(other)]) == 0
    out = capsys.readouterr().out
    assert "| tiny | 2 | 2 | 2 | 2 (+0) | 0 | 0 |" in out, out
    assert f"uses_lib.py: imports with {other} (ModuleNotFoundError: No module named 'missinglib' here)" in out
