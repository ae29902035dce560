"""scripts/add_rule.py writes a new rule's file, which imports and registers with nothing else edited."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def checkout(tmp_path) -> Path:
    """A copy of the package (what add_rule.py reads and writes) in tmp_path."""
    shutil.copytree(REPO / "flyte_lint", tmp_path / "flyte_lint", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def add_rule(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(REPO / "scripts" / "add_rule.py"), *args, "--root", str(root)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def registered(root: Path, code: str) -> str:
    """What the copy's registry knows about ``code``: module, symbol, severity, pylint number, cases."""
    probe = (
        f"import sys; sys.path.insert(0, {str(root)!r}); from flyte_lint.rules import REGISTRY; "
        f"r = REGISTRY[{code!r}]; import flyte_lint; assert flyte_lint.__file__.startswith({str(root)!r}); "
        "print(type(r).__module__, r.symbol, r.severity.value, r.pylint_number, len(r.INVALID), len(r.VALID), "
        "repr(r.example('bad')))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, cwd=root)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_new_rule_in_a_new_family_imports_and_registers(checkout):
    done = add_rule(checkout, "FLY990", "some-new-check", "newfamily", "--severity", "warning")
    assert done.returncode == 0, done.stderr
    path = checkout / "flyte_lint" / "rules" / "newfamily" / "some_new_check.py"
    assert path.is_file() and (path.parent / "__init__.py").is_file()
    assert "fill in" in done.stdout and "newfamily/some_new_check.py" in done.stdout
    text = path.read_text()
    for section in (
        "code = ",
        "symbol = ",
        "severity = Severity.WARNING",
        "pylint_number = ",
        "scope = ",
        "summary = ",
        "rationale = ",
        "fix = ",
        "fix_safety = ",
        "runtime = None",
        "INVALID = [",
        "VALID = [",
        "def check(",
    ):
        assert section in text, section
    module, symbol, severity, number, invalid, valid, bad = registered(checkout, "FLY990").split(" ", 6)
    assert (module, symbol, severity, invalid, valid) == (
        "flyte_lint.rules.newfamily.some_new_check",
        "some-new-check",
        "warning",
        "1",
        "1",
    )
    assert "# expect:" not in bad
    from flyte_lint import pylint_plugin  # the next free number after every released one

    assert int(number) == max(pylint_plugin.rule_numbers().values()) + 1
    assert f"W67{int(number):02d}" in text


def test_an_existing_family_gets_the_file_and_a_second_rule_the_next_number(checkout):
    assert add_rule(checkout, "FLY990", "first-new-check", "config").returncode == 0
    assert add_rule(checkout, "FLY991", "second-new-check", "config").returncode == 0
    first = registered(checkout, "FLY990").split(" ")
    second = registered(checkout, "FLY991").split(" ")
    assert int(second[3]) == int(first[3]) + 1


@pytest.mark.parametrize(
    "args, says",
    [
        (["FLY309", "another-symbol", "config"], "FLY309 exists"),
        (["FLY990", "discarded-image-builder", "config"], "is FLY309's"),
        (["FLY9", "x-y", "config"], "not a code"),
        (["FLY990", "Not_Kebab", "config"], "not a kebab-case symbol"),
        (["FLY990", "x-y", "base"], "not a family package"),
    ],
)
def test_refuses_a_taken_code_or_symbol_and_bad_names(checkout, args, says):
    before = sorted((checkout / "flyte_lint").rglob("*.py"))
    done = add_rule(checkout, *args)
    assert done.returncode == 2 and says in done.stderr, done.stderr
    assert sorted((checkout / "flyte_lint").rglob("*.py")) == before
