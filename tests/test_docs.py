"""rules.md and the rule catalogue are generated from the registry and must be current; `explain` and `rules` show the
same facts."""

from __future__ import annotations

import json
from pathlib import Path

from flyte_lint.cli import main
from flyte_lint.catalogue import RULES
from flyte_lint.docs import catalogue_source, rules_markdown
from flyte_lint.rules import all_rules

ROOT = Path(__file__).resolve().parent.parent


def test_rules_md_is_current():
    assert (ROOT / "rules.md").read_text(encoding="utf-8") == rules_markdown(), (
        "rules.md is stale: run `python -m flyte_lint.docs > rules.md`"
    )


def test_the_rule_catalogue_is_current():
    assert (ROOT / "flyte_lint" / "catalogue.py").read_text(encoding="utf-8") == catalogue_source(), (
        "flyte_lint/catalogue.py is stale: run `python -m flyte_lint.docs --catalogue > flyte_lint/catalogue.py`"
    )
    assert RULES == {r.code: (r.symbol, r.severity.value) for r in all_rules()}


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
