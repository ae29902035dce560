"""Every autofix and every rewrite a message suggests leaves code that flyte-lint passes.

For each rule's bad example (and each program in the rule test files that has a fix or a suggestion), every
fix (safe and unsafe) and every structured suggestion (``Finding.suggestions``) is applied on its own; the result
must compile, and linting it with every rule must report nothing at the rewritten place (a DAG note that was
there before may stay: it describes the graph, not a defect).

A message that shows a literal rewrite ("Write `await square.aio(...)`", "did you mean cache=\"auto\"?") must carry
it as a suggestion whose ``shown`` is exactly that text, unless the rule says why not (``shows_no_rewrite``, ``advice_elsewhere``).
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from pathlib import Path

import pytest

from flyte_lint.findings import Edit, Finding
from flyte_lint.fixes import _compiles, apply_edits
from flyte_lint.rules import REGISTRY, all_rules
from lintutil import lint_result, split_files

RULES = all_rules()
EVERY_RULE = [rule.code for rule in RULES]
NOTES = ("FLY7",)  # DAG notes: what the graph makes of the code, not a defect

# Backticked code (or, after "did you mean" / a verb, a bare `name=value`) that a message offers as the code to
# write. Prose around code (`flyte.map` is given a lambda) is not matched: only code right after a directive.
_DIRECTIVE = (
    r"(?:write|use|call|await|pass|add|set|iterate it, e\.g\.|e\.g\.|keep it with|replace with|rename to|"
    r"did you mean|twin:|off the loop:|by keyword:|iterate it,? e\.g\.)"
)
LITERAL = re.compile(
    _DIRECTIVE + r"\s+(?:`(?P<code>[^`]+)`|(?P<bare>[\w.]+=(?:\"[^\"]*\"|\([^)]*\)|[\w.]+)|\"[^\"]*\"))", re.IGNORECASE
)


def exempt(finding: Finding) -> bool:
    """The rule says the message shows no rewrite of the reported place (``shows_no_rewrite``, ``advice_elsewhere``)."""
    rule = REGISTRY[finding.code]
    return bool(rule.shows_no_rewrite) or any(
        re.search(pattern, finding.message) for pattern, _ in rule.advice_elsewhere
    )


def literal_rewrites(message: str) -> list[str]:
    """The code a message offers to write, as it shows it."""
    return [m.group("code") or m.group("bare") for m in LITERAL.finditer(message)]


def _shown_pattern(shown: str) -> re.Pattern:
    """``shown`` as a pattern: ``...`` stands for any code, and spacing may differ. A ``name=value`` also matches
    the bare value, which a call may pass by position."""

    def pattern(text: str) -> str:
        parts = [r"\s*".join(re.escape(ch) for ch in piece.replace(" ", "")) for piece in text.split("...")]
        return r".*?".join(parts)

    keyword = re.match(r"(\w+)=(?!=)(.+)$", shown, re.S)
    if keyword:
        return re.compile(f"(?:{pattern(shown)}|{pattern(keyword.group(2))})", re.S)
    return re.compile(pattern(shown), re.S)


def _rewritten_lines(text: str, edits: tuple[Edit, ...]) -> tuple[int, int]:
    """The lines of the rewritten text that the edits wrote."""
    first = min(e.start[0] for e in edits)
    last = max(e.end[0] for e in edits)
    grown = sum(e.text.count("\n") - (e.end[0] - e.start[0]) for e in edits)
    return first, last + grown


def _new_findings(
    before: list[Finding],
    rewritten: Finding,
    after: list[Finding],
    files: dict[str, str],
    name: str,
    first: int,
    last: int,
) -> list[str]:
    """What ``after`` reports at lines ``first``-``last`` of file ``name`` beyond what ``before`` reported there
    (counted by rule: a message may name what the rewrite renamed), the rewritten finding aside."""

    def at_place(found):
        return [f for f in found if _file_named(files, f.path) == name and f.line <= last and f.end_line >= first]

    left = Counter(f.code for f in at_place(before) if f is not rewritten)
    new = []
    for f in at_place(after):
        if left[f.code]:
            left[f.code] -= 1
        else:
            new.append(f"{f.code} {f.line}: {f.message}")
    return new


def _project(source: str) -> dict[str, str]:
    return split_files(source)


def _rewrites(finding: Finding):
    """(what it is, its edits, the code it shows, the file it edits)."""
    if finding.fix is not None:
        yield (
            f"{'safe' if finding.fix.safe else 'unsafe'} fix {finding.fix.title!r}",
            finding.fix.edits,
            None,
            finding.path,
        )
    for suggestion in finding.suggestions:
        yield (f"suggestion `{suggestion.shown}`", suggestion.edits, suggestion.shown, suggestion.path or finding.path)


def _file_named(files: dict[str, str], path: str) -> str:
    """The key of ``files`` that the display path ``path`` names."""
    path = path.replace("\\", "/")
    return next(name for name in sorted(files, key=len, reverse=True) if path == name or path.endswith("/" + name))


def check_rewrites(tmp_path: Path, source: str) -> int:
    """Apply each fix and suggestion of each finding of ``source`` on its own and lint the result. Returns how
    many rewrites were checked."""
    files = _project(source)
    result = lint_result(tmp_path / "before", files, select=EVERY_RULE)
    checked = 0
    for index, finding in enumerate(result.findings):
        for label, edits, shown, path in _rewrites(finding):
            checked += 1
            where = f"{finding.code} at {finding.path}:{finding.line} ({finding.message}): {label}"
            name = _file_named(files, path)
            new_text = apply_edits(files[name], list(edits))
            assert _compiles(new_text, name) is None, f"{where} leaves code that does not compile:\n{new_text}"
            first, last = _rewritten_lines(files[name], edits)
            if shown is not None:
                region = "".join(new_text.splitlines(keepends=True)[first - 1 : last])
                assert _shown_pattern(shown).search(region), f"{where}: the rewrite is not the code shown:\n{region}"
            # What was reported there before and is not this finding may stay (another finding on the same line, a
            # DAG note): the rewrite must add nothing.
            after = lint_result(tmp_path / f"after{index}-{checked}", {**files, name: new_text}, select=EVERY_RULE)
            left = _new_findings(result.findings, finding, after.findings, files, name, first, last)
            assert not left, f"{where} leaves findings at lines {first}-{last}:\n" + "\n".join(left) + f"\n{new_text}"
    return checked


def check_messages(tmp_path: Path, source: str) -> None:
    """Every literal rewrite a message shows is carried as a suggestion (or the rule is exempt)."""
    result = lint_result(tmp_path / "messages", _project(source), select=EVERY_RULE)
    for finding in result.findings:
        if exempt(finding):
            continue
        carried = {s.shown for s in finding.suggestions}
        missing = [code for code in literal_rewrites(finding.message) if code not in carried]
        assert not missing, (
            f"{finding.code}'s message shows {missing} but carries {sorted(carried)} as suggestions: {finding.message}"
        )
        for shown in carried:
            assert shown in finding.message, (
                f"{finding.code}: suggestion `{shown}` is not in its message: {finding.message}"
            )


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_fixes_and_suggestions_of_the_bad_example_leave_clean_code(tmp_path, rule):
    check_rewrites(tmp_path, rule.example("bad"))


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_rewrites_a_message_shows_are_carried_as_suggestions(tmp_path, rule):
    check_messages(tmp_path, rule.example("bad"))


def test_exemptions_give_a_reason():
    for code, rule in REGISTRY.items():
        reasons = [rule.shows_no_rewrite] if rule.shows_no_rewrite else []
        reasons += [why for pattern, why in rule.advice_elsewhere if re.compile(pattern)]
        assert all(len(reason) > 30 for reason in reasons), code


def test_a_message_with_a_literal_rewrite_is_detected():
    assert literal_rewrites("the SDK raises X. Write `await square.aio(...)`") == ["await square.aio(...)"]
    assert literal_rewrites('raises ValueError; did you mean cache="auto"? (accepted: ...)') == ['cache="auto"']
    assert literal_rewrites("fails; write python_version=(3, 11)") == ["python_version=(3, 11)"]
    assert literal_rewrites("`flyte.map` is given a lambda, not a task") == []


# Programs of the rule test files: each with a finding that has a fix or a suggestion is checked too.
RULE_TESTS = sorted(Path(__file__).parent.glob("test_*_rules.py"))


def _programs() -> list[tuple[str, str]]:
    found = []
    for path in RULE_TESTS:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and "# expect: FLY" in node.value:
                found.append((f"{path.stem}:{node.lineno}", node.value))
    return found


PROGRAMS = _programs()


@pytest.mark.parametrize("source", [p for _, p in PROGRAMS], ids=[i for i, _ in PROGRAMS])
def test_fixes_and_suggestions_in_rule_test_programs_leave_clean_code(tmp_path, source):
    check_rewrites(tmp_path, source)


@pytest.mark.parametrize("source", [p for _, p in PROGRAMS], ids=[i for i, _ in PROGRAMS])
def test_rewrites_messages_show_in_rule_test_programs_are_carried(tmp_path, source):
    check_messages(tmp_path, source)


# Random programs (test_fuzz's generator): every fix and every suggestion, applied on its own, compiles and
# shows the code its message shows.
from hypothesis import (  # noqa: E402
    assume,
    given,
    note,
    strategies as st,
)

from flyte_lint.config import Settings  # noqa: E402
from flyte_lint.engine import Options, run  # noqa: E402
from test_fuzz import PROFILE, programs, project  # noqa: E402


@pytest.mark.slow
@PROFILE
@given(programs())
def test_fixes_and_suggestions_of_random_programs_compile(program):
    text = program.render()
    with project(text) as root:
        result = run([root], Settings(), Options(select=EVERY_RULE), cwd=root)
    assert not result.internal_errors, result.internal_errors[0]
    for finding in result.findings:
        for label, edits, shown, path in _rewrites(finding):
            if path != finding.path:
                continue  # (a rewrite in another file: none in a one-file program)
            new_text = apply_edits(text, list(edits))
            note(f"{finding.code} {finding.message}: {label}\n{new_text}")
            assert _compiles(new_text, "wf.py") is None
            if shown is not None:
                first, last = _rewritten_lines(text, edits)
                region = "".join(new_text.splitlines(keepends=True)[first - 1 : last])
                assert _shown_pattern(shown).search(region), region


@pytest.mark.slow
@PROFILE
@given(programs(), st.data())
def test_a_suggestion_in_a_random_program_leaves_nothing_new_at_its_place(program, data):
    text = program.render()
    with project(text) as root:
        result = run([root], Settings(), Options(select=EVERY_RULE), cwd=root)
        rewrites = [(finding, rewrite) for finding in result.findings for rewrite in _rewrites(finding)]
        assume(rewrites)
        finding, (label, edits, shown, path) = data.draw(st.sampled_from(rewrites))
        new_text = apply_edits(text, list(edits))
        note(f"{finding.code} {finding.message}: {label}\n{new_text}")
        (root / "wf.py").write_text(new_text, encoding="utf-8")
        after = run([root], Settings(), Options(select=EVERY_RULE), cwd=root)
    first, last = _rewritten_lines(text, edits)
    left = _new_findings(result.findings, finding, after.findings, {"wf.py": text}, "wf.py", first, last)
    assert not left, left


def test_suggestions_survive_the_result_cache():
    from flyte_lint.cache import finding_from_dict, finding_to_dict
    from flyte_lint.findings import Severity, Suggestion

    rewrite = Suggestion("depends_on=[gpu]", (Edit((3, 40), (3, 40), ", depends_on=[gpu]"),), "envs.py")
    finding = Finding(
        "FLY401",
        "missing-env-dependency",
        Severity.ERROR,
        "m",
        "main.py",
        1,
        1,
        1,
        2,
        suggestions=(rewrite, Suggestion("x", ())),
    )
    assert finding_from_dict(finding_to_dict(finding)).suggestions == finding.suggestions
