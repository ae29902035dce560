"""FLY116 against the real SDK: each import variant is linted as a module of its own and executed under flyte
(tests/sdk_runner.py). flyte-lint reports it exactly when the import raises, and the finding names the exception
the import really raises (ImportError, or ModuleNotFoundError for a module), so an author's guard for it works.
(``except Exception:`` around the import is no guard by the rules' policy, model/guards.py: the case
"guards-that-do-not-catch-it" of the rule says it is still reported.)
"""

from __future__ import annotations

import textwrap

import pytest

from flyte_lint.config import Options, Settings
from flyte_lint.engine import run
from lintutil import lint_result, write_project
from sdk_runner import requires_sdk, run_program

# name -> import statements (a module of their own); the SDK says whether they raise.
VARIANTS = {
    "flyte1-task-workflow": "from flyte import task, workflow",
    "flyte1-file": "from flyte.io import FlyteFile",
    "flyte1-dir-alias": "from flyte.io import FlyteDirectory as D",
    "missing-module": "import flyte.nonexistent",
    "missing-module-from": "from flyte.nonexistent import thing",
    "name-as-module": "import flyte.io.DataFrame",
    "private-child-missing": "import flyte.remote._nothing_here",
    "name-of-another-module": "from flyte import File",
    "typo": "from flyte import TaskEnviroment",
    "wrong-guard": "try:\n    from flyte import workflow\nexcept ModuleNotFoundError:\n    workflow = None",
    # correct: names loaded on first use, submodules, aliases, guards, imports that never run
    "lazy-top-level": "from flyte import deploy, build, build_images, ImageBuild",
    "lazy-io": "from flyte.io import DataFrame, PARQUET, File as F",
    "lazy-remote": "from flyte.remote import Task, Run, upload_file",
    "submodules": "import flyte.io.extend\nfrom flyte import io, remote\nimport flyte.remote",
    "private-module": "from flyte._internal.runtime.entrypoints import load_task",
    "guarded": "try:\n    from flyte import workflow\nexcept ImportError:\n    workflow = None",
    "guarded-module": "try:\n    import flyte.nonexistent\nexcept ImportError:\n    pass",
    "guarded-module-exactly": "try:\n    import flyte.nonexistent\nexcept ModuleNotFoundError:\n    pass",
    "type-checking": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from flyte import Workflow",
}

PROGRAM = """
import flyte

env = flyte.TaskEnvironment("probe")
VARIANTS = {variants!r}


@env.task
def main() -> dict:
    found = {{}}
    for name, source in VARIANTS.items():
        try:
            exec(source, {{"__name__": "variant_" + name.replace("-", "_")}})
        except ImportError as e:
            found[name] = [type(e).__name__, str(e)]
        else:
            found[name] = None
    return found
"""


@pytest.fixture(scope="module")
def outcomes():
    result = run_program(PROGRAM.format(variants=VARIANTS), entry="main")
    assert result.ok, result.error
    return result.output


def _findings(tmp_path, source: str):
    return list(lint_result(tmp_path, {"main.py": source}, select=["FLY116"]).findings)


@requires_sdk
@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_reported_exactly_when_the_import_raises(name, outcomes, tmp_path):
    raised = outcomes[name]
    findings = _findings(tmp_path, VARIANTS[name])
    assert bool(findings) == (raised is not None), (name, raised, [f.message for f in findings])
    if raised is None:
        return
    assert len(findings) == 1
    exc_type, text = raised
    finding = findings[0]
    assert finding.raises == f"builtins.{exc_type}", (finding.raises, exc_type)
    assert exc_type in finding.message, finding.message
    if exc_type == "ImportError":  # "cannot import name 'task' from 'flyte'": the finding names what is missing
        missing = text.split("'")[1]
        assert f"`{missing}`" in finding.message, (text, finding.message)


@requires_sdk
def test_the_suggested_name_imports(tmp_path):
    """Applying the did-you-mean rewrite gives an import that runs."""
    source = "from flyte import TaskEnviroment\n"
    (finding,) = _findings(tmp_path, source)
    (suggestion,) = finding.suggestions
    (edit,) = suggestion.edits
    line = source.splitlines()[edit.start[0] - 1]
    fixed = line[: edit.start[1]] + edit.text + line[edit.end[1] :]
    assert fixed == "from flyte import TaskEnvironment"
    variants = {"fixed": fixed}
    result = run_program(PROGRAM.format(variants=variants), entry="main")
    assert result.ok and result.output == {"fixed": None}, result.error


def test_another_target_flyte_version_stays_quiet(tmp_path):
    """The table's names are 2.12's: for a project that targets 2.6, a name may exist there, so nothing is said."""
    source = "from flyte import task, workflow\n"
    for version, expected in (("2.6", 0), ("2.12", 1), (None, 1)):
        root = write_project(tmp_path / f"p{version}", {"main.py": textwrap.dedent(source)})
        result = run([root], Settings(target_flyte_version=version), Options(select=["FLY116"]), cwd=root)
        assert len(result.findings) == expected, version


def test_the_rewrite_lands_on_the_name_after_non_ascii_text_and_across_lines(tmp_path):
    from flyte_lint.fixes import apply_edits

    source = 'x = "é"; from flyte import TaskEnviroment\nif True:\n\tfrom flyte.io import (Fiel,  # c\n\t    Dir)\n'
    findings = _findings(tmp_path, source)
    rewritten = [apply_edits(source, s.edits) for f in findings for s in f.suggestions]
    assert rewritten == [
        source.replace("TaskEnviroment", "TaskEnvironment"),
        source.replace("(Fiel,", "(File,"),
    ]
