"""The rule runner isolates an internal error by the scope a rule declares (rules/runner.py): a MODULE-scope
rule loses only the module it fails on, an IMPORTERS- or COMPONENT-scope rule the import-connected component,
and the message names what was lost. (tests/test_robustness.py holds the single-file cases.)"""

from __future__ import annotations

import pytest

from flyte_lint import engine
from flyte_lint.catalogue import RULES
from flyte_lint.rules import REGISTRY
from flyte_lint.rules.base import Rule, Scope
from lintutil import run_cli, write_project

FILES = {
    "pkg/__init__.py": "",
    "pkg/a.py": "import flyte\nfrom pkg import boom\n",
    "pkg/boom.py": "import flyte\n",
    "pkg/c.py": "import flyte\nfrom pkg import boom\n",
    "alone.py": "import flyte\n",
}


class ExplodingOnBoom(Rule):
    code = "FLY995"
    symbol = "exploding-on-boom-test-rule"
    summary = rationale = bad = good = fix = "test only"

    def check(self, analysis):
        for module in sorted(analysis.modules, key=lambda m: m.path):
            if module.path.name == "boom.py":
                raise RuntimeError("rule exploded on purpose")
            yield self.finding(module, module.tree, "seen")


def install(monkeypatch, scope: Scope) -> None:
    rule = type("Exploding", (ExplodingOnBoom,), {"scope": scope})()
    monkeypatch.setitem(REGISTRY, rule.code, rule)
    monkeypatch.setitem(RULES, rule.code, (rule.symbol, rule.severity.value))


def check(capsys, root, *args):
    return run_cli(["check", "--no-cache", "--select", "FLY995", *args, "."], root, capsys)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_module_scope_rule_loses_only_the_module_it_fails_on(tmp_path, capsys, monkeypatch, jobs):
    install(monkeypatch, Scope.MODULE)
    monkeypatch.setattr(engine, "PARALLEL_MIN_FILES", 1)  # (the components analysed on two workers)
    root = write_project(tmp_path / "p", FILES)
    code, out, err = check(capsys, root, "-j", jobs)
    assert code == 2
    assert err.count("internal error in rule FLY995") == 1
    assert "FLY995 (exploding-on-boom-test-rule) on pkg/boom.py: RuntimeError('rule exploded on purpose')" in err
    for name in ("pkg/a.py", "pkg/c.py", "alone.py"):  # (a.py and c.py are in boom.py's component)
        assert f"{name}:1:1: FLY995 seen" in out
    assert "boom.py:" not in out


@pytest.mark.parametrize("scope", [Scope.IMPORTERS, Scope.COMPONENT])
def test_a_rule_reading_other_modules_loses_the_component_it_fails_on(tmp_path, capsys, monkeypatch, scope):
    install(monkeypatch, scope)
    root = write_project(tmp_path / "p", FILES)
    code, out, err = check(capsys, root, "-j", "1")
    assert code == 2
    assert err.count("internal error in rule FLY995") == 1
    message = err[err.index("internal error in rule FLY995") :].splitlines()[0]
    assert "pkg/boom.py" in message and "pkg/a.py" in message and "stopped" not in message
    assert "alone.py:1:1: FLY995 seen" in out  # another component
    assert "pkg/" not in out


def test_a_rule_failing_in_every_component_stops_with_one_message(tmp_path, capsys, monkeypatch):
    install(monkeypatch, Scope.MODULE)
    root = write_project(tmp_path / "p", {"boom.py": "import flyte\n", "sub/boom.py": "import flyte\n"})
    code, out, err = check(capsys, root, "-j", "1")
    assert code == 2
    assert err.count("internal error in rule FLY995") == 1
    assert "FLY995 (exploding-on-boom-test-rule); the rule stopped there: RuntimeError(" in err
    assert "FLY995" not in out


def test_a_rule_failing_on_the_only_file_names_it(tmp_path, capsys, monkeypatch):
    install(monkeypatch, Scope.COMPONENT)
    root = write_project(tmp_path / "p", {"boom.py": "import flyte\n"})
    code, out, err = check(capsys, root, "-j", "1")
    assert code == 2 and err.count("internal error in rule FLY995") == 1
    assert "FLY995 (exploding-on-boom-test-rule) on boom.py: RuntimeError(" in err
