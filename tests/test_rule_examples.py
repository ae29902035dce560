"""Every rule's documented bad example is reported by that rule, and its good example is clean."""

from __future__ import annotations

import pytest

from flyte_lint.rules import all_rules
from lintutil import lint

RULES = all_rules()


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_bad_example_is_reported(tmp_path, rule):
    found = lint(tmp_path, rule.example("bad"), select=[rule.code])
    assert rule.code in [code for code, _, _ in found], found


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_good_example_is_clean(tmp_path, rule):
    assert lint(tmp_path, rule.example("good")) == []
    assert lint(tmp_path, rule.example("good"), select=[rule.code]) == []


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_rule_is_documented(rule):
    assert rule.code.startswith("FLY") and len(rule.code) == 6
    assert rule.symbol == rule.symbol.lower() and " " not in rule.symbol
    for attr in ("summary", "rationale", "fix"):
        assert len(getattr(rule, attr)) > 20, (rule.code, attr)
    assert rule.example("bad") != rule.example("good")
