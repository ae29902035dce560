"""The result cache: a warm run reuses findings, and a stale cache can never hide or invent a finding.

Every scenario compares a cached run with a run without cache on the same tree, after each edit.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st

from flyte_lint import engine, incremental, index
from flyte_lint.cache import FORMAT
from flyte_lint.catalogue import RULES, SCOPES
from flyte_lint.cli import main
from flyte_lint.config import Settings
from flyte_lint.engine import Options, run
from flyte_lint.rules import REGISTRY
from flyte_lint.rules.base import Rule, Scope
from lintutil import write_project

ENVS = """
import flyte

driver = flyte.TaskEnvironment("driver")
worker = flyte.TaskEnvironment("worker", image=flyte.Image.from_debian_base().with_pip_packages("numpy"))
"""

TASKS_SYNC = """
from envs import worker

@worker.task
def square(x: int) -> int:
    return x * x
"""

TASKS_ASYNC = TASKS_SYNC.replace("def square", "async def square")

WORKFLOW = """
from envs import driver
from tasks import square

@driver.task
async def main(x: int) -> int:
    return await square(x)
"""

DEPLOY = """
from envs import driver, worker

driver.add_dependency(worker)
"""


def findings(root: Path, cache: Path | None, settings: Settings | None = None) -> list[tuple]:
    result = run([root], settings or Settings(), Options(), cwd=root, cache_dir=cache)
    assert not result.internal_errors, result.internal_errors
    return sorted((f.path, f.line, f.column, f.code, f.message) for f in result.findings)


def assert_same(root: Path, cache: Path, settings: Settings | None = None) -> list[tuple]:
    cached = findings(root, cache, settings)
    assert cached == findings(root, None, settings)
    return cached


def edit(root: Path, name: str, text: str) -> None:
    path = root / name
    path.write_text(textwrap.dedent(text))
    # Same size and mtime tricks cannot fool a content hash; still, make the edit visible to mtime readers.
    os.utime(path, None)


DECLARED_SCOPES = dict(SCOPES)  # (as the rules declare them, before any test pins them)


@pytest.fixture(autouse=True)
def rules_read_their_importers(monkeypatch):
    """Every rule as if it declared IMPORTERS scope (incremental.py: its module, its importers, and the facts the
    model keeps per component about it), whatever the rules declare: the cache's per-file keys are then the
    finest the model allows, and these tests hold them to never hiding or inventing a finding of any rule.
    (The tests at the end register rules of each scope of their own.)"""
    for code in SCOPES:
        monkeypatch.setitem(SCOPES, code, "importers")


@pytest.fixture
def project(tmp_path):
    root = write_project(tmp_path / "p", {"envs.py": ENVS, "tasks.py": TASKS_SYNC, "workflow.py": WORKFLOW})
    return root, tmp_path / "cache"


def codes(found):
    return [(f[0], f[3]) for f in found]


def test_warm_run_reuses_and_matches(project):
    root, cache = project
    first = assert_same(root, cache)
    assert ("workflow.py", "FLY101") in codes(first) and ("workflow.py", "FLY401") in codes(first)
    assert (cache / f"results-v{FORMAT}.json").is_file() and (cache / ".gitignore").read_text().strip().endswith("*")
    assert assert_same(root, cache) == first


def test_changing_an_imported_module_rechecks_its_importers(project):
    root, cache = project
    assert ("workflow.py", "FLY101") in codes(assert_same(root, cache))
    edit(root, "tasks.py", TASKS_ASYNC)  # workflow.py is unchanged, but its await is now right
    assert ("workflow.py", "FLY101") not in codes(assert_same(root, cache))
    edit(root, "tasks.py", TASKS_SYNC)
    assert ("workflow.py", "FLY101") in codes(assert_same(root, cache))


def test_a_deploy_script_adding_a_dependency_clears_a_missing_dependency(project):
    root, cache = project
    assert ("workflow.py", "FLY401") in codes(assert_same(root, cache))
    edit(root, "deploy.py", DEPLOY)
    assert ("workflow.py", "FLY401") not in codes(assert_same(root, cache))
    (root / "deploy.py").unlink()
    assert ("workflow.py", "FLY401") in codes(assert_same(root, cache))


def test_a_new_caller_changes_a_helpers_task_context(tmp_path):
    root = write_project(
        tmp_path / "p",
        {
            "envs.py": ENVS,
            "tasks.py": TASKS_SYNC,
            "helpers.py": """
            from tasks import square

            async def helper(x: int) -> int:
                return square(x)
        """,
            "workflow.py": "from envs import driver\n",
        },
    )
    cache = tmp_path / "cache"
    assert ("helpers.py", "FLY102") not in codes(assert_same(root, cache))  # nobody runs it in a task yet
    edit(
        root,
        "workflow.py",
        """
        from envs import driver
        from helpers import helper

        @driver.task
        async def main(x: int) -> int:
            return await helper(x)
    """,
    )
    assert ("helpers.py", "FLY102") in codes(assert_same(root, cache))


def test_a_new_file_that_shadows_an_import(tmp_path):
    root = write_project(
        tmp_path / "p",
        {
            "envs.py": ENVS,
            "tasks.py": TASKS_SYNC,
            "app/workflow.py": WORKFLOW,
        },
    )
    cache = tmp_path / "cache"
    assert ("app/workflow.py", "FLY101") in codes(assert_same(root, cache))
    # The importer's own folder comes first on the import path: app/tasks.py now answers `from tasks import`.
    edit(root, "app/tasks.py", TASKS_ASYNC)
    assert ("app/workflow.py", "FLY101") not in codes(assert_same(root, cache))


def test_a_value_re_exported_through_plain_modules(tmp_path):
    # workflow.py -> settings.py -> defaults.py: neither of the two mentions flyte, and the finding in
    # workflow.py depends on the string at the end of the chain.
    root = write_project(
        tmp_path / "p",
        {
            "workflow.py": """
            import flyte
            from settings import MODE

            env = flyte.TaskEnvironment("x", cache=MODE)
        """,
            "settings.py": "from defaults import MODE\n",
            "defaults.py": 'MODE = "auto"\n',
        },
    )
    cache = tmp_path / "cache"
    assert not assert_same(root, cache)
    edit(root, "defaults.py", 'MODE = "sometimes"\n')
    assert ("workflow.py", "FLY304") in codes(assert_same(root, cache))
    edit(root, "defaults.py", 'MODE = "auto"\n')
    assert not assert_same(root, cache)


@pytest.mark.parametrize("package", ["app", "ns"], ids=["package", "namespace-package"])
def test_a_module_reached_as_a_packages_attribute(tmp_path, package):
    # `import app` then `app.consts.MODE`: no import line names app/consts.py, so only the lookup the
    # analysis made says the finding depends on it (a namespace package, no __init__.py, the same).
    files = {
        "workflow.py": f"""
            import flyte
            import {package}

            env = flyte.TaskEnvironment("x", cache={package}.consts.MODE)
        """,
        f"{package}/defaults.py": 'MODE = "auto"\n',
    }
    if package == "app":
        files["app/__init__.py"] = ""
    root = write_project(tmp_path / "p", files)
    cache = tmp_path / "cache"
    assert not assert_same(root, cache)  # consts.py does not exist yet: the name is unknown
    edit(root, f"{package}/consts.py", 'MODE = "sometimes"\n')  # created after it was looked up
    assert ("workflow.py", "FLY304") in codes(assert_same(root, cache))
    edit(root, f"{package}/consts.py", 'MODE = "auto"\n')
    assert not assert_same(root, cache)
    edit(root, f"{package}/consts.py", f"from {package}.defaults import MODE\n")  # and what it imports
    assert not assert_same(root, cache)
    edit(root, f"{package}/defaults.py", 'MODE = "sometimes"\n')
    assert ("workflow.py", "FLY304") in codes(assert_same(root, cache))


# A package as applications lay one out: every flow imports app/envs.py, nothing imports a flow.
PACKAGE = {
    "app/__init__.py": "",
    "app/envs.py": """
        import flyte

        worker = flyte.TaskEnvironment("worker")
        driver = flyte.TaskEnvironment("driver", depends_on=[worker])
    """,
    **{
        f"app/flow{i}.py": f"""
        from app.envs import driver, worker

        @worker.task
        async def step{i}(x: int) -> int:
            return x + {i}

        @driver.task
        async def main{i}(x: int) -> int:
            return await step{i}(x)
    """
        for i in range(6)
    },
}


def analysed_files(monkeypatch) -> list[set[str]]:
    """The files of each analysis the engine runs from now on."""
    seen: list[set[str]] = []
    real = engine.analyse

    def noting(project, unit, *args, **kwargs):
        seen.append({p.name for p in unit.analysed})
        return real(project, unit, *args, **kwargs)

    monkeypatch.setattr(engine, "analyse", noting)
    return seen


def test_an_edit_in_a_package_analyses_the_edited_file_and_what_it_imports(tmp_path, monkeypatch):
    root = write_project(tmp_path / "p", PACKAGE)
    cache = tmp_path / "cache"
    assert_same(root, cache)
    seen = analysed_files(monkeypatch)
    edit(root, "app/flow3.py", PACKAGE["app/flow3.py"].replace("return await step3(x)", "return step3(x)"))
    assert ("app/flow3.py", "FLY103") in codes(findings(root, cache))
    assert seen == [{"flow3.py", "envs.py"}]  # not the package: nothing else can see flow3.py
    assert ("app/flow3.py", "FLY103") in codes(assert_same(root, cache))


# The usual layout: one module holds the environments and the tasks every flow calls.
SHARED_TASKS = {
    "app/__init__.py": "",
    "app/envs.py": """
        import flyte

        worker = flyte.TaskEnvironment("worker")
        driver = flyte.TaskEnvironment("driver", depends_on=[worker])

        @worker.task
        async def shared(x: int) -> int:
            return x * 2
    """,
    **{
        f"app/flow{i}.py": f"""
        from app.envs import driver, shared

        @driver.task
        async def main{i}(x: int) -> int:
            return await shared(x + {i})
    """
        for i in range(8)
    },
}


def test_an_edit_to_a_flow_does_not_re_analyse_the_flows_beside_it_through_a_module_of_tasks(tmp_path, monkeypatch):
    # app/envs.py may define something its importers use (by its bytes: it has a def), but its analysis found
    # only tasks there: no finding of it depends on the eight flows, so an edit to one re-analyses that flow
    # and what it imports, not the package.
    root = write_project(tmp_path / "p", SHARED_TASKS)
    cache = tmp_path / "cache"
    assert assert_same(root, cache) == []
    seen = analysed_files(monkeypatch)
    edit(root, "app/flow3.py", SHARED_TASKS["app/flow3.py"].replace("return await shared", "return shared"))
    assert codes(findings(root, cache)) == [("app/flow3.py", "FLY103")]
    assert seen == [{"flow3.py", "envs.py"}]
    assert codes(assert_same(root, cache)) == [("app/flow3.py", "FLY103")]


def test_a_module_of_tasks_that_gains_a_helper_depends_on_its_importers_again(tmp_path, monkeypatch):
    # The helper's task context comes from the flow that calls it (the blocking flyte.run deadlocks on the
    # event loop of an async task): once app/envs.py has one, a flow's edit must re-check app/envs.py, or the
    # cache would keep its findings from before the call.
    root = write_project(tmp_path / "p", SHARED_TASKS)
    cache = tmp_path / "cache"
    assert_same(root, cache)
    envs = (
        SHARED_TASKS["app/envs.py"]
        + "\n        async def helper(x):\n            flyte.run(shared, x=x)\n            return x\n"
    )
    edit(root, "app/envs.py", envs)
    assert assert_same(root, cache) == []  # nothing calls the helper from a task yet
    seen = analysed_files(monkeypatch)
    edit(root, "app/flow5.py", SHARED_TASKS["app/flow5.py"].replace("shared", "helper"))
    assert codes(findings(root, cache)) == [("app/envs.py", "FLY105")]
    assert len(seen) == 1 and {"envs.py", "flow5.py", "flow0.py"} <= seen[0]  # (the package: every importer)
    assert codes(assert_same(root, cache)) == [("app/envs.py", "FLY105")]
    edit(root, "app/flow5.py", SHARED_TASKS["app/flow5.py"])  # and back: the finding goes
    assert assert_same(root, cache) == []


def test_the_model_gives_methods_and_lambdas_no_context_from_their_callers(tmp_path, monkeypatch):
    # What incremental.independent_of_importers assumes of the model: a call through a class or an instance,
    # or of a lambda bound at module level, is not resolved to the function it runs, so a task calling them
    # in another module gives them no task context. Should the model learn to resolve them, they become
    # helpers whose findings depend on their callers, and that function must stop counting them out.
    root = write_project(
        tmp_path / "p",
        {
            "app/__init__.py": "",
            "app/lib.py": """
            import flyte

            scale = lambda v: flyte.run(v)

            class Box:
                def __init__(self):
                    flyte.run(0)

                def get(self, x):
                    return flyte.run(x)

                @staticmethod
                def put(x):
                    return flyte.run(x)

                @classmethod
                def make(cls, x):
                    return flyte.run(x)
        """,
            "app/flow.py": """
            import functools

            import flyte
            from app import lib
            from app.lib import Box, scale

            env = flyte.TaskEnvironment("env")

            @env.task
            async def main(x: int) -> int:
                Box().get(x)
                Box.get(None, x)
                lib.Box.put(x)
                Box.make(x)
                box = Box()
                box.get(x)
                scale(x)
                lib.scale(x)
                functools.partial(scale, x)()
                flyte.trace(Box.put)(x)
                env.task(Box.put)
                return x
        """,
        },
    )
    analyses = []
    real = engine.analyse

    def keeping(project, unit, *args, **kwargs):
        result = real(project, unit, *args, **kwargs)
        analyses.append(result)
        return result

    monkeypatch.setattr(engine, "analyse", keeping)
    assert findings(root, None) == []
    [result] = analyses
    analysis = result.analysis
    [lib] = [m for m in result.modules if m.path.name == "lib.py"]
    runs = [call for call in analysis.calls if call.module is lib]
    assert len(runs) == 5  # flyte.run in the lambda and the four methods
    for call in runs:
        assert analysis.context_tasks(call.function) == set() and not analysis.runs_on_event_loop(call.function)
    assert len(analysis.tasks) == 1
    assert incremental.independent_of_importers(analysis, lib)


@pytest.mark.parametrize("name, code", [("worker", "FLY307"), ("data-prep", "FLY306")])
def test_an_env_added_in_one_module_reaches_an_unchanged_one(tmp_path, monkeypatch, name, code):
    # FLY307 (a second "worker", in a module that sorts first) lands on app/envs.py; FLY306's advice for
    # "DataPrep" changes once "data-prep" is taken. app/envs.py itself never changes.
    files = {**PACKAGE, "app/billing.py": PACKAGE["app/flow0.py"]}
    files["app/envs.py"] = textwrap.dedent(files["app/envs.py"]) + 'prep = flyte.TaskEnvironment("DataPrep")\n'
    root = write_project(tmp_path / "p", files)
    cache = tmp_path / "cache"
    monkeypatch.setattr(incremental, "FULL_SHARE", 2.0)  # (a small package: analysed whole otherwise)
    before = [f for f in assert_same(root, cache) if f[0] == "app/envs.py" and f[3] == code]
    flow = textwrap.dedent(files["app/billing.py"])
    edit(root, "app/billing.py", f'import flyte\n{flow}\nextra = flyte.TaskEnvironment("{name}")\n')
    after = [f for f in assert_same(root, cache) if f[0] == "app/envs.py" and f[3] == code]
    assert after != before and after


# Each case: a project, one edit that keeps every import line (so the component, its import structure and
# the edited file's environments stay the same, and only what the edit reaches is analysed again), and a
# finding the edit changes (or, last element False, keeps) in a file it reaches.
REACH_CASES = {
    "a trigger checked against the tasks it decorates elsewhere (FLY311)": (
        {
            "trig.py": 'import flyte\n\nnightly = flyte.Trigger("nightly", flyte.Cron("0 2 * * *"), inputs={"region": "eu"})\n',
            "flow.py": "import flyte\nfrom trig import nightly\n\nenv = flyte.TaskEnvironment('reports')\n\n"
            "@env.task(triggers=nightly)\nasync def report(x: int) -> int:\n    return x\n",
        },
        ("flow.py", "triggers=nightly", "cache='auto'"),
        ("trig.py", "FLY311"),
    ),
    "a dependency declared in a deploy script (FLY401)": (
        {
            "envs.py": ENVS,
            "tasks.py": TASKS_SYNC,
            "workflow.py": WORKFLOW.replace("await square(x)", "square(x)"),
            "deploy.py": "from envs import driver, worker\n\nworker.add_dependency(driver)\n",
        },
        ("deploy.py", "worker.add_dependency(driver)", "driver.add_dependency(worker)"),
        ("workflow.py", "FLY401"),
    ),
    "a caller in an importer decides whether a task is the root of a run (FLY401)": (
        {
            "envs.py": 'import flyte\n\ngpu = flyte.TaskEnvironment("gpu", image=flyte.Image.from_debian_base()'
            '.with_pip_packages("torch"))\nworker = flyte.TaskEnvironment("worker")\n'
            'driver = flyte.TaskEnvironment("driver", depends_on=[worker, gpu])\n',
            "tasks.py": "from envs import gpu, worker\n\n@gpu.task\nasync def train(x: int) -> int:\n    return x\n\n"
            "@worker.task\nasync def step(x: int) -> int:\n    return await train(x)\n",
            "main.py": "from envs import driver\nfrom tasks import step\n\n@driver.task\nasync def main(x: int) -> int:\n"
            "    return await step(x)\n",
        },
        ("main.py", "return await step(x)", "return x"),
        ("tasks.py", "FLY401"),
    ),
    "a task object's env given by from_task in a module its caller does not import (FLY401)": (
        {
            "containers.py": 'import flyte\nfrom flyte.extras import ContainerTask\n\ngreet = ContainerTask(name="greet", '
            'image=flyte.Image.from_debian_base().with_apt_packages("jq"), command=["echo"])\n',
            "object_envs.py": "import flyte\nimport containers\n\ngreet_env = flyte.TaskEnvironment.from_task("
            '"greet_env", containers.greet)\n',
            "flow.py": "import flyte\nfrom containers import greet\n\nenv = flyte.TaskEnvironment('flow')\n\n"
            "@env.task\nasync def main() -> int:\n    return await greet()\n",
        },
        ("object_envs.py", "containers.greet)", ")"),
        ("flow.py", "FLY401"),
    ),
    "a caller edited, its task object's env given in a module it does not import (FLY401)": (
        {
            "containers.py": 'import flyte\nfrom flyte.extras import ContainerTask\n\ngreet = ContainerTask(name="greet", '
            'image=flyte.Image.from_debian_base().with_apt_packages("jq"), command=["echo"])\n',
            "object_envs.py": "import flyte\nimport containers\n\ngreet_env = flyte.TaskEnvironment.from_task("
            '"greet_env", containers.greet)\n',
            "envs.py": "import flyte\n\nenv = flyte.TaskEnvironment('flow')\n",
            "flow.py": "from containers import greet\nfrom envs import env\n\n"
            "@env.task\nasync def main() -> int:\n    return await greet()\n",
        },
        ("flow.py", "return await greet()", "return await greet()  # edited"),
        ("flow.py", "FLY401"),
        False,
    ),
    "a shell task's env taken by from_task elsewhere (FLY401)": (
        {
            "shells.py": 'from flyte.extras import shell\n\nup = shell.create("up", image="debian:12-slim", script="true")\n',
            "group.py": 'import flyte\nfrom shells import up\n\ntext = flyte.TaskEnvironment.from_task("text", up.as_task())\n',
            "flow.py": "import flyte\nfrom shells import up\n\nenv = flyte.TaskEnvironment('flow')\n\n"
            "@env.task\nasync def main() -> int:\n    return await up()\n",
        },
        ("group.py", ", up.as_task()", ""),
        ("flow.py", "FLY401"),  # (its env is then its own, 'up', not 'text')
    ),
    "an import that joins two deploy groups (FLY307)": (
        {
            "a.py": 'import flyte\n\nenv = flyte.TaskEnvironment("worker")\n',
            "b.py": 'import flyte\n\nenv = flyte.TaskEnvironment("worker")\n',
            "deploy.py": "import a\nimport b\n\ndef deploy():\n    pass\n",
            "single.py": "import a\n",
        },
        ("deploy.py", "import a\nimport b\n", "import a\nimport c\n"),
        ("b.py", "FLY307"),
    ),
    "an env file edited, its duplicate in another module (FLY307)": (
        {
            "app/__init__.py": "",
            "app/billing.py": 'import flyte\n\nextra = flyte.TaskEnvironment("worker")\n',
            "app/envs.py": 'import flyte\n\nworker = flyte.TaskEnvironment("worker")\n',
        },
        ("app/envs.py", 'worker = flyte.TaskEnvironment("worker")', 'worker = flyte.TaskEnvironment("worker")  # hi'),
        ("app/envs.py", "FLY307"),
        False,
    ),
    "a task looked up by name for a remote reference (FLY403)": (
        {
            "envs.py": 'import flyte\n\nworker = flyte.TaskEnvironment("worker")\n'
            'driver = flyte.TaskEnvironment("driver", depends_on=[worker])\n',
            "tasks.py": TASKS_SYNC,
            "flow.py": 'import flyte.remote\nfrom envs import driver\n\nref = flyte.remote.Task.get("worker.square")\n\n'
            "@driver.task\nasync def main(x: int) -> int:\n    return await ref(x=x)\n",
        },
        ("tasks.py", "def square", "def cube"),
        ("flow.py", "FLY403"),
    ),
    "a helper's caller runs it in a task, where a ContainerTask call makes a coroutine (FLY104)": (
        {
            "containers.py": 'import flyte\nfrom flyte.extras import ContainerTask\n\ngreet = ContainerTask(name="greet", '
            'image="alpine", command=["echo"])\nenv = flyte.TaskEnvironment.from_task("greet_env", greet)\n',
            "helpers.py": "from containers import greet\n\ndef helper():\n    greet()\n",
            "workflow.py": "import flyte\nfrom containers import env as greet_env\nfrom helpers import helper\n\n"
            "env = flyte.TaskEnvironment('flow', depends_on=[greet_env])\n\n"
            "@env.task\ndef main() -> int:\n    helper()\n    return 1\n",
        },
        ("workflow.py", "@env.task\n", ""),
        ("helpers.py", "FLY104"),
    ),
    "a helper's caller (FLY102)": (
        {
            "envs.py": ENVS,
            "tasks.py": TASKS_SYNC,
            "helpers.py": "from tasks import square\n\nasync def helper(x):\n    return square(x)\n",
            "workflow.py": "from envs import driver\nfrom helpers import helper\n\n@driver.task\n"
            "async def main(x: int) -> int:\n    return await helper(x)\n",
        },
        ("workflow.py", "@driver.task\n", ""),
        ("helpers.py", "FLY102"),
    ),
}


@pytest.mark.parametrize("case", sorted(REACH_CASES))
def test_an_edit_reaches_the_findings_of_files_it_does_not_change(tmp_path, monkeypatch, case):
    files, (name, old, new), (where, code), *changes = REACH_CASES[case]
    root = write_project(tmp_path / "p", files)
    cache = tmp_path / "cache"
    monkeypatch.setattr(incremental, "FULL_SHARE", 2.0)  # (small projects: analysed whole otherwise)
    monkeypatch.setattr(index, "SETTLED_NS", 0)
    before = [f for f in assert_same(root, cache) if f[0] == where and f[3] == code]
    text = (root / name).read_text()
    assert old in text
    edit(root, name, text.replace(old, new))
    after = [f for f in assert_same(root, cache) if f[0] == where and f[3] == code]
    assert (after != before) if changes != [False] else (after == before and after)


def test_project_wide_rules_follow_edits_anywhere(project):
    root, cache = project
    assert not [c for c in codes(assert_same(root, cache)) if c[1] == "FLY402"]
    edit(
        root,
        "deploy.py",
        DEPLOY.replace("driver.add_dependency(worker)", "driver.add_dependency(worker)\nworker.add_dependency(driver)"),
    )
    assert ("deploy.py", "FLY402") in codes(assert_same(root, cache))
    edit(root, "deploy.py", DEPLOY)
    assert not [c for c in codes(assert_same(root, cache)) if c[1] == "FLY402"]


def test_deleting_a_file(project):
    root, cache = project
    assert_same(root, cache)
    (root / "workflow.py").unlink()
    assert assert_same(root, cache) == []


@pytest.mark.parametrize("damage", ["truncate", "garbage", "foreign", "wrong-types"])
def test_a_damaged_cache_is_ignored_and_rebuilt(project, damage):
    root, cache = project
    expected = assert_same(root, cache)
    target = cache / f"results-v{FORMAT}.json"
    text = target.read_text()
    if damage == "truncate":
        target.write_text(text[: len(text) // 2])
    elif damage == "garbage":
        target.write_bytes(b"\x00\xff not json")
    elif damage == "foreign":
        data = json.loads(text)
        data["key"] = "another version"
        target.write_text(json.dumps(data))
    else:
        target.write_text(json.dumps({"format": 1, "key": json.loads(text)["key"], "entries": {"x": 5}}))
    assert assert_same(root, cache) == expected


# -- the byte scan's memo: files whose stat is unchanged are not read again -----------------------------
@pytest.fixture
def settled_at_once(monkeypatch):
    """Every stat counts as settled (the default waits SETTLED_NS, two seconds, before trusting one)."""
    monkeypatch.setattr(index, "SETTLED_NS", 0)


def reads_of(root: Path, monkeypatch) -> list[str]:
    """The project files opened for reading from now on (by the byte scan or the parser)."""
    opened: list[str] = []
    real_read_whole, real_read_bytes = index.read_whole, Path.read_bytes

    def counting_read_whole(key):
        if key.startswith(str(root)):
            opened.append(os.path.relpath(key, root))
        return real_read_whole(key)

    def counting_read_bytes(self):
        if str(self).startswith(str(root)):
            opened.append(os.path.relpath(self, root))
        return real_read_bytes(self)

    monkeypatch.setattr(index, "read_whole", counting_read_whole)
    monkeypatch.setattr(Path, "read_bytes", counting_read_bytes)
    return opened


def test_a_warm_run_reads_no_file_whose_stat_is_unchanged(project, settled_at_once, monkeypatch):
    root, cache = project
    write_project(root, {f"plain{i}.py": f"import os\n\nVALUE = {i}\n" for i in range(5)})
    first = assert_same(root, cache)
    opened = reads_of(root, monkeypatch)
    assert findings(root, cache) == first
    assert opened == []
    edit(root, "plain3.py", "import os\n\nVALUE = 33\n")
    assert findings(root, cache) == first
    assert opened == ["plain3.py"]  # the one file whose stat changed


def test_worker_processes_bring_back_what_the_cache_keeps(tmp_path, monkeypatch):
    # Two packages of 25 flows: two components, enough files for -j to hand them to worker processes,
    # whose results carry the environments each module defines and the lookups of their analyses.
    files = {}
    for package in ("one", "two"):
        for name, text in PACKAGE.items():
            files[name.replace("app/", f"{package}/")] = text.replace("app.envs", f"{package}.envs")
        for i in range(6, 25):
            files[f"{package}/flow{i}.py"] = files[f"{package}/flow0.py"].replace("0(", f"{i}(")
    root = write_project(tmp_path / "p", files)
    cache = tmp_path / "cache"

    def parallel(use_cache: bool) -> list[tuple]:
        result = run([root], Settings(), Options(), cwd=root, cache_dir=cache if use_cache else None, jobs=2)
        assert not result.internal_errors, result.internal_errors
        return sorted((f.path, f.line, f.column, f.code, f.message) for f in result.findings)

    assert parallel(True) == parallel(False)
    stored = json.loads((cache / f"results-v{FORMAT}.json").read_text())
    assert len(stored["envs"]) == 52 and sum(bool(facts) for _, facts, _ in stored["envs"].values()) == 2
    # Every module there defines tasks only, or nothing; only the flows depend on their importers: their
    # driver task calls a worker task, and whether it is the root of a run (FLY401) depends on who calls it.
    assert all(
        independent == (not Path(path).name.startswith("flow")) for path, (_, _, independent) in stored["envs"].items()
    )
    seen = analysed_files(monkeypatch)
    edit(root, "two/flow3.py", files["two/flow3.py"].replace("return await step3(x)", "return step3(x)"))
    assert ("two/flow3.py", "FLY103") in codes(parallel(True))
    assert seen == [{"flow3.py", "envs.py"}]
    assert parallel(True) == parallel(False)


def test_a_warm_run_analyses_nothing_even_with_a_file_that_does_not_parse(project, monkeypatch):
    root, cache = project
    edit(root, "broken.py", "import flyte\n\ndef broken(:\n")
    assert ("broken.py", "FLY001") in codes(assert_same(root, cache))
    seen = analysed_files(monkeypatch)
    assert ("broken.py", "FLY001") in codes(findings(root, cache))
    assert seen == []


def test_a_warm_run_imports_neither_astroid_nor_the_rules(project):
    # What is enabled, and the cache's key, come from the rule catalogue: a run that reuses every finding
    # pays for no parser and no rule module. In a fresh interpreter, since this one has them all loaded.
    root, cache = project
    edit(root, "tasks.py", TASKS_ASYNC.replace("async def", "def"))
    script = textwrap.dedent(f"""
        import sys
        from flyte_lint.cli import main
        status = main(["check", "--cache-dir", {str(cache)!r}, {str(root)!r}])
        print(status, sorted(m for m in sys.modules if m == "astroid" or m.startswith("flyte_lint.rules")))
    """)

    def fresh_run() -> tuple[str, str]:
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=root, check=True)
        report, _, modules = done.stdout.rstrip("\n").rpartition("\n")
        return report, modules

    report, cold = fresh_run()
    assert "FLY101" in report
    assert cold.startswith("1 [") and "'astroid'" in cold and "'flyte_lint.rules'" in cold
    assert fresh_run() == (report, "1 []")  # the same findings, from the cache alone
    edit(root, "workflow.py", WORKFLOW + "\n# edited\n")
    assert "'astroid'" in fresh_run()[1]  # an edit is analysed again


def test_a_run_that_learns_nothing_does_not_write_the_cache(project, settled_at_once, monkeypatch):
    from flyte_lint.cache import CacheStore

    root, cache = project
    assert_same(root, cache)
    findings(root, cache)  # (the stats the first run saw, now settled, are recorded)
    writes: list[int] = []
    real = CacheStore._write
    monkeypatch.setattr(CacheStore, "_write", lambda store: (writes.append(1), real(store)))
    findings(root, cache)
    assert writes == []
    edit(root, "tasks.py", TASKS_ASYNC)
    findings(root, cache)
    assert writes == [1]


def test_an_edit_that_keeps_size_and_mtime_is_still_seen(project, settled_at_once):
    root, cache = project
    assert ("workflow.py", "FLY101") in codes(assert_same(root, cache))
    tasks = root / "tasks.py"
    before = tasks.stat()
    tasks.write_text(tasks.read_text().replace("def square", "def sqrare"))  # the same size: no task `square`
    os.utime(tasks, ns=(before.st_atime_ns, before.st_mtime_ns))  # mtime put back; the ctime moves on
    after = tasks.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    assert ("workflow.py", "FLY101") not in codes(assert_same(root, cache))


def test_a_stat_is_remembered_only_once_it_has_settled(tmp_path):
    path = tmp_path / "fresh.py"
    path.write_text("import flyte\n")
    memo = index.FileMemo()
    facts, data, stamp = memo.facts(path)
    assert facts.mentions and data == b"import flyte\n"
    memo.remember(path, facts, stamp)  # written just now: an edit within the clock's tick could hide
    assert memo.records == {} and not memo.changed
    settled = index.FileMemo()
    settled.started += 10 * index.SETTLED_NS  # the same stat, seen from twenty seconds later
    settled.remember(path, facts, stamp)
    assert settled.records[str(path)][:4] == list(stamp) and settled.changed
    facts, data, _ = settled.facts(path)
    assert facts.mentions and data is None  # known from the memo: not read
    for field in range(4):  # any difference in mtime, ctime, size or inode: read again
        record = list(settled.records[str(path)])
        record[field] += 1
        assert index.FileMemo({str(path): record}).facts(path)[1] == b"import flyte\n"


@pytest.mark.parametrize(
    "record",
    [
        ["x"],
        [1, 2, 3, 4, "yes", False, None, None],
        7,
        None,
        "__stat__",
        [0, 0, 0, 0, True, True, 5, None],
        "__stat__words",
    ],
)
def test_a_damaged_memo_record_is_read_past(project, settled_at_once, record):
    root, cache = project
    expected = assert_same(root, cache)
    target = cache / f"results-v{FORMAT}.json"
    data = json.loads(target.read_text())
    assert data["files"], "nothing was remembered"
    for path in data["files"]:
        st = os.stat(path)
        stamp = [st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino]
        if record == "__stat__":  # the right stat with facts of the wrong types
            data["files"][path] = stamp + [1, 0, None, None]
        elif record == "__stat__words":
            data["files"][path] = stamp + [True, False, None, [1, 2]]
        else:
            data["files"][path] = record
    target.write_text(json.dumps(data))
    assert assert_same(root, cache) == expected


def test_cli_cache_flags_and_clean(project, capsys):
    root, _ = project
    old = os.getcwd()
    os.chdir(root)
    try:
        assert main(["check", "."]) == 1
        assert (root / ".flyte-lint-cache" / f"results-v{FORMAT}.json").is_file()
        assert main(["clean"]) == 0
        assert not (root / ".flyte-lint-cache").exists()
        assert main(["check", "--no-cache", "."]) == 1
        assert not (root / ".flyte-lint-cache").exists()
    finally:
        os.chdir(old)
    capsys.readouterr()


# Random edit sequences over a small project: after every edit, cached and uncached runs agree.
VARIANTS = {
    "envs.py": [
        ENVS,
        ENVS.replace('"worker"', '"driver"'),
        ENVS + "\nextra = flyte.TaskEnvironment('extra', depends_on=[driver])\n",
    ],
    "tasks.py": [TASKS_SYNC, TASKS_ASYNC, TASKS_SYNC.replace("x: int", "x: int, y: int")],
    "workflow.py": [
        WORKFLOW,
        WORKFLOW.replace("await square(x)", "await square.aio(x)"),
        WORKFLOW.replace("return await square(x)", "square(x)\n    return x"),
        "import flyte\n",
    ],
    "deploy.py": [DEPLOY, DEPLOY + "\nworker.add_dependency(driver)\n", "import flyte\n"],
    "helpers.py": ["from tasks import square\n\nasync def helper(x):\n    return square(x)\n", "x = 1\n"],
}


@pytest.mark.slow
@pytest.mark.parametrize("settled_ns", [index.SETTLED_NS, 0], ids=["default", "every-stat-settled"])
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(sorted(VARIANTS)), st.integers(0, 3)), min_size=1, max_size=6))
def test_random_edits_never_make_the_cache_lie(tmp_path_factory, monkeypatch, settled_ns, edits):
    monkeypatch.setattr(index, "SETTLED_NS", settled_ns)  # 0: the memo answers for every file not edited
    base = tmp_path_factory.mktemp("edits")
    root = write_project(base / "p", {"envs.py": ENVS, "tasks.py": TASKS_SYNC, "workflow.py": WORKFLOW})
    replay(root, base / "cache", VARIANTS, edits)


def replay(
    root: Path,
    cache: Path,
    variants: dict[str, list[str]],
    edits: list[tuple[str, int]],
    settings: Settings | None = None,
) -> None:
    """Apply the edits one by one (each picks a variant of a file); cached and uncached runs agree after each."""
    assert_same(root, cache, settings)
    for name, choice in edits:
        options = variants[name]
        edit(root, name, options[choice % len(options)])
        assert_same(root, cache, settings)


# The same over a package, where an edit is analysed with only what it reaches (always, in the second
# parametrization: even where analysing the whole component would cost as much). Each variant exercises
# one way a finding in one module depends on another: a helper's callers, call-form tasks, triggers,
# env names and deploy groups, env dependencies declared elsewhere, remote tasks looked up by name, a
# module reached as a package attribute.
PACKAGE_VARIANTS = {
    "app/envs.py": [
        'import flyte\n\nworker = flyte.TaskEnvironment("worker")\ndriver = flyte.TaskEnvironment("driver", depends_on=[worker])\n',
        'import flyte\n\nworker = flyte.TaskEnvironment("worker")\ndriver = flyte.TaskEnvironment("driver")\n'
        'prep = flyte.TaskEnvironment("DataPrep")\n',
        'import flyte\n\nworker = flyte.TaskEnvironment("worker")\ndriver = worker.clone_with("driver")\n',
        # (the usual layout: the environments and a task every flow may call; then with a helper whose
        # task context comes from the flows that call it)
        'import flyte\n\nworker = flyte.TaskEnvironment("worker")\ndriver = flyte.TaskEnvironment("driver", depends_on=[worker])\n'
        "\n@worker.task\nasync def shared(x: int) -> int:\n    return x\n",
        'import flyte\n\nworker = flyte.TaskEnvironment("worker")\ndriver = flyte.TaskEnvironment("driver")\n'
        "\n@worker.task\nasync def shared(x: int) -> int:\n    return x\n\nasync def helper2(x):\n    flyte.run(shared, x=x)\n    return x\n",
        # (a sync task, which the flows must call with .aio(); a traced helper, whose calls run in its callers)
        'import flyte\n\nworker = flyte.TaskEnvironment("worker")\ndriver = flyte.TaskEnvironment("driver", depends_on=[worker])\n'
        "\n@worker.task\ndef shared(x: int) -> int:\n    return x\n\ndef helper2(x):\n    return x\n",
        'import flyte\n\nworker = flyte.TaskEnvironment("worker")\ndriver = flyte.TaskEnvironment("driver")\n'
        "\n@worker.task\nasync def shared(x: int) -> int:\n    return x\n\n@flyte.trace\nasync def helper2(x):\n"
        "    return await shared(x)\n",
    ],
    "app/tasks.py": [
        "from app.envs import worker\n\n@worker.task\ndef square(x: int) -> int:\n    return x * x\n",
        "from app.envs import worker\n\n@worker.task\nasync def square(x: int) -> int:\n    return x * x\n",
        "from app.envs import worker\n\ndef square(x: int) -> int:\n    return x * x\n\nwrapped = worker.task(square)\n",
        # (what a module of tasks may hold besides them, each a way others could reach into it, or not)
        "from app.envs import worker\n\n@worker.task\nasync def square(x: int) -> int:\n    def inner(y):\n"
        "        return y * y\n    return inner(x)\n",
        "import flyte\nfrom app.envs import worker\n\nscale = lambda v: flyte.run(square, x=v)\n\n@worker.task\n"
        "async def square(x: int) -> int:\n    return x\n",
        "import flyte\nfrom app.envs import worker\n\nclass Box:\n    def get(self, x):\n        return flyte.run(square, x=x)\n\n"
        "    @staticmethod\n    def put(x):\n        return flyte.run(square, x=x)\n\n@worker.task\n"
        "async def square(x: int) -> int:\n    return x\n",
        "from app.envs import worker\n\nslow = worker.task(retries=2)\n\n@slow\nasync def square(x: int) -> int:\n"
        "    return x * x\n",
    ],
    "app/helpers.py": [
        "from app.tasks import square\n\nasync def helper(x):\n    return square(x)\n",
        "import time\n\nasync def helper(x):\n    time.sleep(1)\n    return x\n",
        # (a fan-out the DAG notes find once the helper is inlined into a task that calls it)
        "from app.tasks import square\n\nasync def helper(x):\n    for i in range(x):\n        await square(i)\n"
        "    return x\n",
        "def helper(x):\n    return x\n",
    ],
    "app/flow0.py": [
        "from app.envs import driver\nfrom app.helpers import helper\n\n@driver.task\nasync def main(x: int) -> int:\n"
        "    return await helper(x)\n",
        "from app.envs import driver\nfrom app.tasks import square\n\n@driver.task\nasync def main(x: int) -> int:\n"
        "    return square(x)\n",
        'import flyte\n\nother = flyte.TaskEnvironment("data-prep")\n',
        'import flyte\n\nother = flyte.TaskEnvironment("worker")\n',
        "import flyte\n",
        "from app.envs import driver, helper2, shared\n\n@driver.task\nasync def main(x: int) -> int:\n"
        "    await shared(x)\n    return await helper2(x)\n",
        "from app.envs import driver, helper2, shared\n\n@driver.task\nasync def main(x: int) -> int:\n"
        "    return await shared(x)\n",
        "import flyte\nfrom app.envs import driver, helper2, shared\n\nagain = driver.task(helper2)\n"
        "traced = flyte.trace(shared)\n\n@driver.task\nasync def main(x: int) -> int:\n    return await shared.aio(x)\n",
    ],
    "app/flow1.py": [
        "from app.envs import driver\nfrom app.tasks import square\n\n@driver.task\nasync def main1(x: int) -> int:\n"
        "    return await square(x)\n",
        'import flyte.remote\nfrom app.envs import driver\n\nref = flyte.remote.Task.get("worker.square")\n\n'
        "@driver.task\nasync def main1(x: int) -> int:\n    return await ref(x=x)\n",
        "import app\nfrom app.envs import driver\n\n@driver.task\nasync def main1(x: int) -> int:\n"
        "    return app.tasks.square(x)\n",
        "from app.envs import driver\nfrom app.tasks import square\n\nagain = driver.task(square)\n\n@driver.task\n"
        "async def main1(x: int) -> int:\n    return again(x)\n",
        "from app.envs import driver\nfrom app.tasks import slow\n\n@slow\nasync def cube(x: int) -> int:\n"
        "    return x\n\n@driver.task\nasync def main1(x: int) -> int:\n    return cube(x)\n",
        "from app import tasks\nfrom app.envs import driver\n\n@driver.task\nasync def main1(x: int) -> int:\n"
        "    tasks.Box().get(x)\n    tasks.Box.put(x)\n    return tasks.scale(x)\n",
    ],
    "app/trig.py": [
        'import flyte\n\nnightly = flyte.Trigger("nightly", flyte.Cron("0 2 * * *"), inputs={"region": "eu"})\n',
        'import flyte\n\nnightly = flyte.Trigger("nightly", flyte.Cron("0 2 * * *"), inputs={"x": 1})\n',
    ],
    "app/flow2.py": [
        "from app.envs import worker\nfrom app.trig import nightly\n\n@worker.task(triggers=nightly)\n"
        "async def report(x: int) -> int:\n    return x\n",
        "x = 2\n",
    ],
    "app/deploy.py": [
        "from app.envs import driver, worker\n\ndriver.add_dependency(worker)\n",
        "from app.envs import driver, worker\n\nworker.add_dependency(driver)\n",
        "import flyte\n",
    ],
}


@pytest.mark.slow
@pytest.mark.parametrize("selected", [[], ["FLY7"]], ids=["default-rules", "with-dag-notes"])
@pytest.mark.parametrize("full_share", [incremental.FULL_SHARE, 2.0], ids=["default", "always-restricted"])
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(sorted(PACKAGE_VARIANTS)), st.integers(0, 7)), min_size=1, max_size=6))
# (a flow starts calling the helper beside the shared task, with the same imports)
@example([("app/envs.py", 4), ("app/flow0.py", 6), ("app/flow0.py", 5)])
def test_random_edits_in_a_package_never_make_the_cache_lie(tmp_path_factory, monkeypatch, full_share, selected, edits):
    monkeypatch.setattr(incremental, "FULL_SHARE", full_share)
    monkeypatch.setattr(index, "SETTLED_NS", 0)
    base = tmp_path_factory.mktemp("package")
    files = {
        "app/__init__.py": "",
        **{name: texts[0] for name, texts in PACKAGE_VARIANTS.items() if name != "app/deploy.py"},
    }
    replay(write_project(base / "p", files), base / "cache", PACKAGE_VARIANTS, edits, Settings(extend_select=selected))


@pytest.mark.slow
@pytest.mark.parametrize("selected", [[], ["FLY7"]], ids=["default-rules", "with-dag-notes"])
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(sorted(PACKAGE_VARIANTS)), st.integers(0, 7)), min_size=1, max_size=6))
def test_random_edits_in_a_package_never_make_the_cache_lie_with_the_declared_scopes(
    tmp_path_factory, monkeypatch, selected, edits
):
    # (the rules' own scopes, some of them narrower than IMPORTERS: a rule declaring MODULE keeps its findings
    # on a file while only the file and what it imports are unchanged, so it must read nothing else)
    for code, scope in DECLARED_SCOPES.items():
        monkeypatch.setitem(SCOPES, code, scope)
    monkeypatch.setattr(incremental, "FULL_SHARE", 2.0)
    monkeypatch.setattr(index, "SETTLED_NS", 0)
    base = tmp_path_factory.mktemp("package")
    files = {
        "app/__init__.py": "",
        **{name: texts[0] for name, texts in PACKAGE_VARIANTS.items() if name != "app/deploy.py"},
    }
    replay(write_project(base / "p", files), base / "cache", PACKAGE_VARIANTS, edits, Settings(extend_select=selected))


# -- the keys follow the enabled rules' scopes ------------------------------------------------------------
class FirstLinesOfTheComponent(Rule):
    """Reports on each module of b.py's component (b.py and the modules importing it) the first line of every
    other: its findings on a module depend on its whole component (a rule registered by these tests only)."""

    code = "FLY993"
    symbol = "first-lines-of-the-component-test-rule"
    summary = rationale = bad = good = fix = "test only"

    def check(self, analysis):
        component = [m for m in analysis.modules if m.path.name == "b.py" or "import b\n" in m.text]
        for module in component:
            others = sorted(m.text.splitlines()[0] for m in component if m is not module)
            yield self.finding(module, module.tree, " | ".join(others))


class OwnFirstLine(Rule):
    """Reports on each module its own first line: its findings depend on that module alone."""

    code = "FLY992"
    symbol = "own-first-line-test-rule"
    summary = rationale = bad = good = fix = "test only"

    def check(self, analysis):
        for module in analysis.modules:
            yield self.finding(module, module.tree, module.text.splitlines()[0])


def install(monkeypatch, rule: Rule, scope: Scope) -> None:
    rule = type(type(rule).__name__, (type(rule),), {"scope": scope})()
    monkeypatch.setitem(REGISTRY, rule.code, rule)
    monkeypatch.setitem(RULES, rule.code, (rule.symbol, rule.severity.value))
    monkeypatch.setitem(SCOPES, rule.code, scope.value)


# a.py and c.py are in one component through b.py, though neither imports the other nor is imported by it
SCOPED = {
    "a.py": "# a\nimport flyte\nimport b\n",
    "b.py": "# b\nimport flyte\n\ndef helper():\n    return 1\n",
    "c.py": "# c\nimport flyte\nimport b\n",
    "alone.py": "# alone\nimport flyte\n",
}


def scoped_findings(root: Path, cache: Path | None, code: str) -> list[tuple]:
    result = run([root], Settings(), Options(select=[code]), cwd=root, cache_dir=cache)
    assert not result.internal_errors, result.internal_errors
    return sorted((f.path, f.code, f.message) for f in result.findings)


def test_a_component_scope_rule_follows_an_edit_anywhere_in_its_component(tmp_path, monkeypatch):
    install(monkeypatch, FirstLinesOfTheComponent(), Scope.COMPONENT)
    monkeypatch.setattr(incremental, "FULL_SHARE", 2.0)  # (a small project: analysed whole otherwise)
    root = write_project(tmp_path / "p", SCOPED)
    cache = tmp_path / "cache"
    assert scoped_findings(root, cache, "FLY993") == scoped_findings(root, None, "FLY993")
    seen = analysed_files(monkeypatch)
    edit(root, "c.py", SCOPED["c.py"].replace("# c", "# c, edited"))
    found = scoped_findings(root, cache, "FLY993")
    assert ("a.py", "FLY993", "# b | # c, edited") in found  # a.py's finding, though a.py reaches no c.py
    assert found == scoped_findings(root, None, "FLY993")
    assert seen[0] == {"a.py", "b.py", "c.py"}  # (the cached run) the component, not alone.py


def test_a_module_scope_rule_keeps_its_findings_when_another_module_changes(tmp_path, monkeypatch):
    install(monkeypatch, OwnFirstLine(), Scope.MODULE)
    monkeypatch.setattr(incremental, "FULL_SHARE", 2.0)  # (a small project: analysed whole otherwise)
    root = write_project(tmp_path / "p", SCOPED)
    cache = tmp_path / "cache"
    before = scoped_findings(root, cache, "FLY992")
    assert before == scoped_findings(root, None, "FLY992")
    seen = analysed_files(monkeypatch)
    edit(root, "c.py", SCOPED["c.py"].replace("# c", "# c, edited"))
    found = scoped_findings(root, cache, "FLY992")
    assert found == scoped_findings(root, None, "FLY992") and ("c.py", "FLY992", "# c, edited") in found
    assert seen[0] == {"c.py", "b.py"}  # c.py with what it imports: a.py's and b.py's findings came from the cache


def test_the_widest_enabled_scope_decides(tmp_path, monkeypatch):
    install(monkeypatch, FirstLinesOfTheComponent(), Scope.COMPONENT)
    install(monkeypatch, OwnFirstLine(), Scope.MODULE)
    assert incremental.scope_reach(["FLY992"]) == index.OWN
    assert incremental.scope_reach(["FLY992", "FLY993"]) == index.COMPONENT
    assert incremental.scope_reach(["FLY992", "FLY990-not-in-the-catalogue"]) == index.COMPONENT  # (the safe choice)
