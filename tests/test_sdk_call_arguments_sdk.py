"""FLY321 against the real SDK: each call variant is linted as a module of its own and made under flyte
(tests/sdk_runner.py), in a task. flyte-lint reports it exactly when the call raises TypeError, and a message's
wording matches what Python says (the TypeError texts the issue quotes included).
"""

from __future__ import annotations

import textwrap

import pytest

from flyte_lint.config import Options, Settings
from flyte_lint.engine import run
from lintutil import lint_result, write_project
from sdk_runner import requires_sdk, run_program

HEADER = """
import functools
import flyte
import flyte.io
from flyte.app.extras import FastAPIAppEnvironment
from flyte.io import File as F

env = flyte.TaskEnvironment("probe")
image = flyte.Image.from_debian_base()
app = object()
"""

# name -> (a statement, a text of Python's TypeError when it raises one)
VARIANTS = {
    "file-positional": ('flyte.io.File("s3://bucket/data.csv")', "takes 1 positional argument but 2 were given"),
    "file-alias-positional": ('F("s3://bucket/data.csv")', "takes 1 positional argument but 2 were given"),
    "dir-positional": ('flyte.io.Dir("s3://b", "name")', "takes 1 positional argument but 3 were given"),
    "fastapi-app-by-position": (
        "FastAPIAppEnvironment(app)",
        "missing 1 required keyword-only argument: 'app'",
    ),
    "env-missing-name": ("flyte.TaskEnvironment()", "missing 1 required positional argument: 'name'"),
    "env-name-twice": ('flyte.TaskEnvironment("a", name="a")', "multiple values for argument 'name'"),
    "cache-missing-behavior": ("flyte.Cache()", "missing 1 required positional argument: 'behavior'"),
    "cron-too-many": ('flyte.Cron("0 * * * *", "UTC", "x")', "positional argument"),
    "group-missing": ("flyte.group()", "missing 1 required positional argument: 'name'"),
    "clone-with-missing": ("env.clone_with()", "missing 1 required positional argument: 'name'"),
    "image-clone-too-many": (
        'image.clone("n", None, True, False, None, None, 1, 2, 3, 4)',
        "positional arguments but 11 were given",
    ),
    "with-runcontext-positional": ('flyte.with_runcontext("local", "name")', "positional argument"),
    "override-positional": ("work.override(1)", "takes 1 positional argument but 2 were given"),
    "secret-too-many": ('flyte.Secret("k", "g", None, None, "x")', "positional argument"),
    # correct calls
    "file-keyword": ('flyte.io.File(path="s3://bucket/data.csv")', None),
    "fastapi-keywords": ('FastAPIAppEnvironment(name="api", app=app)', None),
    "env-ok": ('flyte.TaskEnvironment("a", resources=flyte.Resources(cpu=1))', None),
    "cache-ok": ('flyte.Cache("auto")', None),
    "secret-ok": ('flyte.Secret("k", "g")', None),
    "clone-ok": ('env.clone_with("gpu", image="auto")', None),
    "image-pip": ('image.with_pip_packages("numpy", "pandas", pre=True)', None),
    "unbound-clone": ('flyte.Image.clone(image, name="x")', None),
    "override-ok": ("work.override(retries=2)", None),
    "partial": ("functools.partial(flyte.Resources, cpu=1)()", None),
    "splat": ('flyte.TaskEnvironment(*("a",))', None),
    "with-runcontext-ok": ('flyte.with_runcontext("local", name="n")', None),
}

PROGRAM = (
    HEADER
    + """

@env.task
def work(x: int) -> int:
    return x


@env.task
def main() -> dict:
    found = {{}}
    for name, statement in {statements!r}.items():
        try:
            eval(statement)
        except TypeError as e:
            found[name] = str(e)
        except ModuleNotFoundError:  # (FastAPIAppEnvironment, its arguments bound, wants fastapi: not installed here)
            found[name] = None
        else:
            found[name] = None
    return found
"""
)

LINTED = (
    HEADER
    + """

@env.task
def work(x: int) -> int:
    return x


@env.task
def main() -> None:
    {statement}
"""
)


@pytest.fixture(scope="module")
def outcomes():
    statements = {name: statement for name, (statement, _) in VARIANTS.items()}
    result = run_program(PROGRAM.format(statements=statements), entry="main")
    assert result.ok, result.error
    return result.output


@requires_sdk
@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_reported_exactly_when_the_call_raises_type_error(name, outcomes, tmp_path):
    statement, text = VARIANTS[name]
    raised = outcomes[name]
    if text is None:
        assert raised is None, (name, raised)
    else:
        assert raised is not None and text in raised, (name, raised)
    findings = lint_result(tmp_path, {"main.py": LINTED.format(statement=statement)}, select=["FLY321"]).findings
    assert bool(findings) == (raised is not None), (name, raised, [f.message for f in findings])
    for finding in findings:
        assert "TypeError" in finding.message and finding.raises == "builtins.TypeError"
        if "multiple values" in (raised or ""):
            assert "multiple values for argument" in finding.message
        if "missing" in (raised or ""):
            missing = raised.split("'")[1]
            assert "missing 1 required" in finding.message and f"`{missing}`" in finding.message, finding.message
        if "positional argument" in (raised or "") and "missing" not in raised:
            assert "positional argument" in finding.message, finding.message


def test_another_target_flyte_version_stays_quiet(tmp_path):
    source = "import flyte\nenv = flyte.TaskEnvironment()\n"
    for version, expected in (("2.6", 0), ("2.12", 1), (None, 1)):
        root = write_project(tmp_path / f"p{version}", {"main.py": textwrap.dedent(source)})
        result = run([root], Settings(target_flyte_version=version), Options(select=["FLY321"]), cwd=root)
        assert len(result.findings) == expected, version


@requires_sdk
def test_fly302_says_a_pydantic_model_drops_an_unknown_keyword(tmp_path):
    """Beside FLY321: a keyword that is no field of flyte.io.File is no TypeError (pydantic's extra="ignore"); the
    value is lost, which FLY302 says instead."""
    source = textwrap.dedent(
        """
        import flyte
        import flyte.io

        env = flyte.TaskEnvironment("probe")


        @env.task
        def main() -> str:
            return flyte.io.File(path="s3://bucket/data.csv", nmae="mine.csv").name
        """
    )
    (finding,) = lint_result(tmp_path, {"main.py": source}, select=["FLY302", "FLY321"]).findings
    assert finding.code == "FLY302" and "drops it silently" in finding.message and finding.raises is None
    result = run_program(source, entry="main")
    assert result.ok and result.output == "data.csv", result.error  # the name comes from the path, not nmae=
