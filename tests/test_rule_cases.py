"""Tests generated from the rules' cases (``INVALID``/``VALID`` on each rule, see flyte_lint/rules/base.py).

An INVALID case is reported by its rule at exactly its ``# expect:`` lines (per file), with the pinned ``message``
and, after ``--fix --unsafe-fixes``, the pinned ``fixed`` source; a VALID case is not reported at all. The
meta-tests hold every rule to the record: cases of both kinds, a pinned fix when it has an autofix, a pylint
number."""

from __future__ import annotations

import pytest

from expectutil import expectations
from flyte_lint.rules import all_rules
from flyte_lint.rules.base import Case, Rule, strip_expectations
from lintutil import fixed_files, lint_result, split_files

RULES = all_rules()


def _params(kind: str):
    for rule in RULES:
        for index, case in enumerate(getattr(rule, kind)):
            yield pytest.param(rule, case, id=f"{rule.code}-{kind.lower()}-{case.name or index}")


def _select(rule: Rule, case: Case) -> list[str]:
    return sorted({rule.code, *(case.select or ())})


def _report(found, expected) -> str:
    return (
        f"\nfound:    {found}\nexpected: {expected}\nmissing:  {sorted(set(expected) - set(found))}"
        f"\nextra:    {sorted(set(found) - set(expected))}"
    )


@pytest.mark.parametrize("rule, case", list(_params("INVALID")))
def test_invalid_case_is_reported_at_its_expect_lines(tmp_path, rule, case):
    expected = expectations(case.source, [rule.code])
    assert expected, f"{rule.code}: an INVALID case needs at least one `# expect: {rule.code}` line"
    result = lint_result(tmp_path, case.source, select=_select(rule, case))
    mine = [f for f in result.findings if f.code == rule.code]
    found = sorted((f.code, f.line, f.path) for f in mine)
    assert found == expected, _report(found, expected)
    if case.message is not None:
        assert len(mine) == 1, f"a pinned message needs a case with one finding: {found}"
        assert mine[0].message == case.message
    fixes = [f.fix for f in mine if f.fix is not None]
    if fixes:
        assert rule.fix_safety, f"{rule.code} offers an autofix: its fix_safety must say how safe it is"
        if rule.fix_safety.startswith("Unsafe"):
            assert not any(fix.safe for fix in fixes), f"{rule.code}'s fix_safety says Unsafe, but a fix is safe"
        elif rule.fix_safety.startswith("Safe:"):
            assert all(fix.safe for fix in fixes), f"{rule.code}'s fix_safety says Safe, but a fix is unsafe"
    if case.fixed is not None:
        want = split_files(case.fixed)
        got = fixed_files(tmp_path, mine, paths=sorted(want))
        for path in want:  # the case's `# expect:` comments are no part of the fixed source
            fixed = strip_expectations(got[path])
            assert fixed == want[path], f"{path} after --fix --unsafe-fixes:\n{fixed}"


@pytest.mark.parametrize("rule, case", list(_params("VALID")))
def test_valid_case_is_quiet(tmp_path, rule, case):
    assert not expectations(case.source), "a VALID case has no `# expect:` lines (make it INVALID)"
    assert case.fixed is None and case.message is None, "a VALID case has no finding to pin"
    result = lint_result(tmp_path, case.source, select=_select(rule, case))
    found = [(f.code, f.line, f.path) for f in result.findings if f.code == rule.code]
    assert found == []


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_rule_is_a_record_with_cases(rule):
    assert rule.INVALID and rule.VALID, f"{rule.code} needs at least one INVALID and one VALID case"
    assert all(isinstance(case, Case) for case in [*rule.INVALID, *rule.VALID])
    assert isinstance(rule.pylint_number, int), f"{rule.code} needs its pylint_number"
    if rule.fix_safety:
        assert any(case.fixed is not None for case in rule.INVALID), f"{rule.code} has an autofix: pin one `fixed=`"


def test_bad_and_good_come_from_the_first_cases():
    for rule in RULES:
        assert rule.bad == strip_expectations(rule.INVALID[0].source) and "# expect:" not in rule.example("bad")
        assert rule.good == rule.VALID[0].source
