"""rules.md, the rule catalogue and README.md's rules table are generated from the registry and must be current;
`explain` and `rules` show the same facts."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from flyte_lint.catalogue import RULES
from flyte_lint.cli import main
from flyte_lint.docs import README_BEGIN, README_END, catalogue_source, readme_with_table, rules_markdown
from flyte_lint.rules import all_rules

ROOT = Path(__file__).resolve().parent.parent


def test_rules_md_is_current():
    assert (ROOT / "rules.md").read_text(encoding="utf-8") == rules_markdown(), (
        "rules.md is stale: run `python -m flyte_lint.docs --write`"
    )


def test_the_rule_catalogue_is_current():
    assert (ROOT / "flyte_lint" / "catalogue.py").read_text(encoding="utf-8") == catalogue_source(), (
        "flyte_lint/catalogue.py is stale: run `python -m flyte_lint.docs --write`"
    )
    assert {r.code: (r.symbol, r.severity.value) for r in all_rules()} == RULES


def test_the_readme_rules_table_is_current_and_complete():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert text == readme_with_table(text), "README.md's rules table is stale: run `python -m flyte_lint.docs --write`"
    table = text[text.index(README_BEGIN) : text.index(README_END)]
    rows = [line for line in table.splitlines() if line.startswith("| [FLY")]
    assert [row.split("]")[0][3:] for row in rows] == [r.code for r in all_rules()]
    for rule, row in zip(all_rules(), rows, strict=True):
        assert f"(rules.md#{rule.code.lower()}-{rule.symbol})" in row and f"| {rule.severity.value} |" in row
        assert f"## {rule.code} {rule.symbol}" in rules_markdown()  # the anchor the row links to


def test_a_stale_readme_table_is_rewritten_between_its_markers_only():
    text = f"# x\n\nbefore\n{README_BEGIN}\n| FLY101 | stale |\n{README_END}\nafter\n"
    new = readme_with_table(text)
    assert new.startswith(f"# x\n\nbefore\n{README_BEGIN}\n| code |") and new.endswith(f"{README_END}\nafter\n")
    assert "stale" not in new and readme_with_table(new) == new
    with pytest.raises(ValueError, match="rules-table"):
        readme_with_table("# no markers\n")


@pytest.mark.slow
def test_the_generator_commands(tmp_path):
    """`--write` rewrites the three files of a checkout; the one-file forms print what they would hold."""
    for name in ("README.md", "rules.md", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "flyte_lint", tmp_path / "flyte_lint", ignore=shutil.ignore_patterns("__pycache__"))
    readme = tmp_path / "README.md"
    current = readme.read_text(encoding="utf-8")
    readme.write_text(current.replace(README_END, "| [FLY999](x) | stale |\n" + README_END), encoding="utf-8")
    (tmp_path / "rules.md").write_text("stale\n", encoding="utf-8")

    def docs(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "flyte_lint.docs", *args], cwd=tmp_path, capture_output=True, text=True
        )

    done = docs("--write")
    assert done.returncode == 0 and "rules.md" in done.stdout and "README.md" in done.stdout, done.stderr
    assert readme.read_text(encoding="utf-8") == readme_with_table(current)
    assert (tmp_path / "rules.md").read_text(encoding="utf-8") == rules_markdown()
    assert "are current" in docs("--write").stdout
    assert docs().stdout == rules_markdown()
    assert docs("--catalogue").stdout == catalogue_source()
    assert docs("--readme", "README.md").stdout == readme_with_table(current)
    assert docs("--bogus").returncode == 2


def test_rules_md_has_every_rule_with_its_examples():
    text = (ROOT / "rules.md").read_text(encoding="utf-8")
    for rule in all_rules():
        assert f"## {rule.code} {rule.symbol}" in text
        assert rule.example("bad").strip() in text and rule.example("good").strip() in text


def test_explain_by_code_and_symbol(capsys):
    assert main(["explain", "FLY101"]) == 0
    by_code = capsys.readouterr().out
    assert main(["explain", "await-sync-task"]) == 0
    assert capsys.readouterr().out == by_code
    assert "### Why is this bad?" in by_code and "await square.aio(x)" in by_code


def test_explain_unknown_code_is_a_usage_error(capsys):
    assert main(["explain", "FLY999"]) == 2
    assert "unknown rule" in capsys.readouterr().err


def test_rules_json_lists_the_registry(capsys):
    assert main(["rules", "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)["rules"]
    assert [r["code"] for r in records] == [r.code for r in all_rules()]
    assert all(r["bad"] and r["good"] and r["severity"] in ("error", "warning", "info") for r in records)
