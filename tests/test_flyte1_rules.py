"""FLY501–FLY511: Flyte 1 (flytekit) code, reported with its Flyte 2 replacement.

flytekit is not installed here and is never imported: a name is Flyte 1 when the resolver gives
``External('flytekit…')`` for it. The Flyte 2 names the messages give were checked against the installed
flyte 2.12.1 (``flyte.io.DataFrame``, ``flyte.FixedRate(interval_minutes)``, ``flyte.Cron(expression)``,
``flyte.Trigger(name, automation, inputs=...)``, ``flyte.TriggerTime``, ``flyte.extras.ContainerTask``).
"""

from __future__ import annotations

import ast
import textwrap

import pytest

from expectutil import check
from flyte_lint.fixes import fixed_text
from flyte_lint.rules import REGISTRY, Severity
from lintutil import lint, lint_result, messages, write_project
from sdk_runner import requires_sdk, run_program

V1 = [f"FLY5{n:02d}" for n in range(1, 12)]


def msgs(tmp_path, source, code):
    return [m for m in messages(tmp_path, source, select=[code])]


# --------------------------------------------------------------------------------------------------------
# FLY501 flytekit-import
# --------------------------------------------------------------------------------------------------------


def test_fly501_one_finding_per_import_statement(tmp_path):
    check(tmp_path, """
        import os, flytekit  # expect: FLY501
        import flytekit as fk  # expect: FLY501
        import flytekit.types.file  # expect: FLY501
        from flytekit import task, workflow  # expect: FLY501
        from flytekit.types.file import FlyteFile  # expect: FLY501
        from flytekit.core.task import task as make_task  # expect: FLY501
        from flytekit import (  # expect: FLY501
            ImageSpec,
            map_task,
        )
        import json
        import flyte
        from flyte.io import File
    """, select=["FLY501"])


def test_fly501_messages_name_each_replacement(tmp_path):
    found = msgs(tmp_path, """
        from flytekit import task, workflow, dynamic, map_task, ImageSpec, Resources, Secret
        from flytekit import current_context, LaunchPlan, CronSchedule, FixedRate, conditional, Cache
        from flytekit.types.file import FlyteFile
        from flytekit.types.directory import FlyteDirectory
        from flytekit.types.structured import StructuredDataset
        from flytekit import kwtypes
    """, "FLY501")
    assert len(found) == 6
    first, second, files, dirs, frames, unknown = found
    for expected in ("`task` → `env.task` on a `flyte.TaskEnvironment`", "`workflow` → `env.task`",
                     "`dynamic` → `env.task`", "`map_task` → `flyte.map` or `asyncio.gather`",
                     "`ImageSpec` → `flyte.Image`", "`Resources` → `flyte.Resources`", "`Secret` → `flyte.Secret`"):
        assert expected in first, (expected, first)
    for expected in ("`current_context` → `flyte.ctx()`", "`LaunchPlan` → `flyte.Trigger`", "`CronSchedule` → `flyte.Cron`",
                     "`FixedRate` → `flyte.FixedRate`", "`conditional` → a Python `if`/`else`", "`Cache` → `flyte.Cache`"):
        assert expected in second, (expected, second)
    assert "`FlyteFile` → `flyte.io.File`" in files
    assert "`FlyteDirectory` → `flyte.io.Dir`" in dirs
    assert "`StructuredDataset` → `flyte.io.DataFrame`" in frames
    assert "`kwtypes`: no direct Flyte 2 replacement" in unknown


def test_fly501_replacement_names_exist_in_the_installed_sdk():
    flyte = pytest.importorskip("flyte")
    import flyte.extras
    import flyte.io
    import flyte.remote
    import flyte.report

    for dotted in ("flyte.TaskEnvironment", "flyte.map", "flyte.Image", "flyte.Resources", "flyte.Secret", "flyte.ctx",
                   "flyte.Trigger", "flyte.Cron", "flyte.FixedRate", "flyte.Cache", "flyte.CachePolicy", "flyte.PodTemplate",
                   "flyte.TriggerTime", "flyte.io.File", "flyte.io.Dir", "flyte.io.DataFrame", "flyte.io.PARQUET",
                   "flyte.extras.ContainerTask", "flyte.remote.Task.get", "flyte.report.log", "flyte.GPU"):
        obj = flyte
        for part in dotted.split(".")[1:]:
            obj = getattr(obj, part)
    import inspect

    assert list(inspect.signature(flyte.FixedRate).parameters)[0] == "interval_minutes"
    assert list(inspect.signature(flyte.Trigger).parameters)[:2] == ["name", "automation"]
    assert "version_override" in inspect.signature(flyte.Cache).parameters
    assert {"pod_spec", "primary_container_name", "labels", "annotations"} <= set(inspect.signature(flyte.PodTemplate).parameters)
    assert list(inspect.signature(flyte.Secret).parameters)[:2] == ["key", "group"]


def test_fly501_plain_import_lists_the_attributes_used(tmp_path):
    found = msgs(tmp_path, """
        import flytekit as fk

        @fk.task(requests=fk.Resources(cpu="1"))
        def work() -> int:
            return 1
    """, "FLY501")
    assert found == ["FLY501 `import flytekit as fk` is Flyte 1; Flyte 2 is `import flyte`: "
                     "`Resources` → `flyte.Resources` (`mem=` is `memory=`, `ephemeral_storage=` is `disk=`); "
                     "`task` → `env.task` on a `flyte.TaskEnvironment`"]


def test_fly501_quiet_on_lookalikes(tmp_path):
    # A project module named flytekit_utils, an uninstalled one, the plugin packages, and flyte itself.
    check(tmp_path, """
        # file: flytekit_utils.py
        def task(fn):
            return fn
        # file: main.py
        import flyte
        import flytekit_utils
        from flytekit_utils import task
        from flytekit_helpers import workflow
        from flytekitplugins.spark import Spark
        from flyte import Resources

        @task
        def f() -> int:
            return 1
    """, select=V1)


def test_fly501_quiet_on_a_project_package_named_flytekit(tmp_path):
    check(tmp_path, """
        # file: flytekit/__init__.py
        def workflow(fn):
            return fn
        # file: main.py
        import flyte
        from flytekit import workflow

        @workflow
        def f() -> int:
            return 1
    """, select=V1)


def test_fly5xx_quiet_on_flytekit_used_as_a_library_inside_flyte2_code(tmp_path):
    # A Flyte 2 task (or a helper of a Flyte 2 module) importing flytekit in its body uses it as a library its
    # image installs: not Flyte 1 code to migrate. Envs and tasks from another module make a module Flyte 2 too.
    check(tmp_path, """
        # file: envs.py
        import flyte as fl

        lib_env = fl.TaskEnvironment("lib", image=fl.Image.from_debian_base().with_pip_packages("flytekit"))
        # file: main.py
        from envs import lib_env

        @lib_env.task
        async def version() -> str:
            import flytekit
            from flytekit import current_context

            current_context()
            return flytekit.__version__

        def helper() -> str:
            import flytekit as fk
            return fk.__version__
        # file: caller.py
        from main import version

        async def report() -> str:
            from flytekit.core.context_manager import FlyteContextManager
            FlyteContextManager.current_context()
            return await version()
    """, select=V1)


def test_fly5xx_still_report_flyte1_modules_and_top_level_imports(tmp_path):
    # A function-local import in a module that is not Flyte 2 code, and a top-level flytekit import in a Flyte 2
    # module (and what it binds, even when used inside a task), are Flyte 1 code.
    check(tmp_path, """
        # file: v1.py
        def make():
            from flytekit import workflow  # expect: FLY501

            @workflow  # expect: FLY502
            def work() -> int:
                return 1
            return work
        # file: mixed.py
        import flyte
        import flytekit  # expect: FLY501

        env = flyte.TaskEnvironment("mixed")

        @env.task
        def version() -> str:
            flytekit.current_context()  # expect: FLY506
            return flytekit.__version__
    """, select=V1)


# -- the unsafe fix --------------------------------------------------------------------------------------


def _fix(tmp_path, source, name="main.py"):
    result = lint_result(tmp_path, source, select=V1)
    module = next(m for m in result.files if m.path.name == name)
    fixable = [f for f in result.findings if f.fix is not None and f.module is module]
    new, applied = fixed_text(module.text, fixable, unsafe=True)
    return result, new, applied


def test_fly501_fix_rewrites_one_to_one_imports(tmp_path):
    result, new, applied = _fix(tmp_path, """
        import flyte
        from flytekit import Resources, Secret
        from flytekit.core.pod_template import PodTemplate as PT

        env = flyte.TaskEnvironment(
            "demo",
            resources=Resources(cpu="1", mem="2Gi"),
            secrets=[Secret(key="token", group="api")],
            pod_template=PT(primary_container_name="main"),
        )
    """)
    assert len(applied) == 2 and all(not f.fix.safe for f in applied)
    ast.parse(new)
    assert "from flyte import Resources, Secret\n" in new
    assert "from flyte import PodTemplate as PT\n" in new
    assert "flytekit" not in new
    # A second run has nothing left to fix for these rules (FLY301 then renames `mem=`, safely).
    again = lint_result(tmp_path / "again", new, select=V1)
    assert [f for f in again.findings if f.fix is not None] == [] and again.findings == []
    assert [f.code for f in lint_result(tmp_path / "mem", new).findings] == ["FLY301"]


def test_fly501_fix_keeps_parentheses_and_comments(tmp_path):
    _, new, applied = _fix(tmp_path, """
        import flyte
        from flytekit import (  # the old SDK
            Resources,  # requests
        )

        env = flyte.TaskEnvironment("demo", resources=Resources(cpu="1"))
    """)
    assert len(applied) == 1
    ast.parse(new)
    assert "from flyte import (  # the old SDK\n    Resources,  # requests\n)" in new


@pytest.mark.parametrize("body", [
    # not every name maps one to one
    'from flytekit import Resources, task\n\n@task(requests=Resources(cpu="1"))\ndef f() -> int:\n    return 1\n',
    # Flyte 1 takes Secret(group, key) by position; Flyte 2 takes Secret(key, group)
    'import flyte\nfrom flytekit import Secret\n\nenv = flyte.TaskEnvironment("d", secrets=[Secret("api", "token")])\n',
    # Flyte 1 keywords Flyte 2 does not have
    'import flyte\nfrom flytekit import Secret\n\nenv = flyte.TaskEnvironment("d", secrets=[Secret(key="t", env_var="T")])\n',
    # Secret.MountType does not exist in Flyte 2
    'from flytekit import Secret\n\nmode = Secret.MountType.ENV_VAR\n',
    # a star import
    'from flytekit import *\n',
    # `import flytekit` is not rewritten
    'import flyte\nimport flytekit\n\nenv = flyte.TaskEnvironment("d", resources=flytekit.Resources(cpu="1"))\n',
    # a line continuation between `from` and the module
    'import flyte\nfrom \\\n    flytekit import Resources\n\nenv = flyte.TaskEnvironment("d", resources=Resources(cpu="1"))\n',
])
def test_fly501_no_fix(tmp_path, body):
    result, new, applied = _fix(tmp_path, body)
    assert "FLY501" in [f.code for f in result.findings]
    assert applied == [] and new == result.files[0].text


def test_fly501_fix_through_the_cli(tmp_path, capsys):
    from flyte_lint.cli import main

    root = write_project(tmp_path / "p", {"main.py": 'import flyte\nfrom flytekit import Resources\n\n'
                                          'env = flyte.TaskEnvironment("d", resources=Resources(cpu="1"))\n'})
    assert main(["check", "--select", "FLY501", "--fix", str(root)]) == 1  # unsafe: not applied without the flag
    assert "flytekit" in (root / "main.py").read_text()
    capsys.readouterr()
    main(["check", "--select", "FLY501", "--fix", "--unsafe-fixes", str(root)])
    text = (root / "main.py").read_text()
    assert "from flyte import Resources\n" in text
    ast.parse(text)
    capsys.readouterr()
    assert main(["check", "--select", "FLY5", str(root)]) == 0


# --------------------------------------------------------------------------------------------------------
# FLY502 workflow-decorator, FLY503 dynamic-decorator
# --------------------------------------------------------------------------------------------------------


def test_fly502_workflow_in_every_spelling(tmp_path):
    check(tmp_path, """
        import flytekit
        import flytekit as fk
        from flytekit import workflow
        from flytekit import workflow as wf
        from flytekit.core.workflow import workflow as core_workflow

        @workflow  # expect: FLY502
        def a() -> None: ...

        @flytekit.workflow  # expect: FLY502
        def b() -> None: ...

        @fk.workflow(on_failure=a)  # expect: FLY502
        def c() -> None: ...

        @wf  # expect: FLY502
        def d() -> None: ...

        @core_workflow  # expect: FLY502
        def e() -> None: ...

        later = workflow(e)  # expect: FLY502
    """, select=["FLY502"])


def test_fly502_messages(tmp_path):
    found = msgs(tmp_path, """
        from flytekit import workflow

        def handler() -> None: ...

        @workflow(on_failure=handler)
        def pipeline() -> None: ...
    """, "FLY502")
    assert found == ["FLY502 `@workflow(on_failure=handler)` on `pipeline` is Flyte 1: Flyte 2 has no workflows; make "
                     "`pipeline` an `@env.task` of a `flyte.TaskEnvironment` that calls the tasks; `on_failure=` → call "
                     "the handler in an `except` around the calls"]


def test_fly502_quiet_on_a_local_workflow_function_and_v2_code(tmp_path):
    check(tmp_path, """
        import flyte

        env = flyte.TaskEnvironment("demo")

        def workflow(fn):
            return fn

        @workflow
        def local() -> None: ...

        @env.task
        def main() -> None:
            local()
    """, select=V1)


def test_fly503_dynamic_and_eager(tmp_path):
    check(tmp_path, """
        from flytekit import dynamic, eager, task
        import flytekit as fk

        @task
        def one(x: int) -> int:
            return x

        @dynamic  # expect: FLY503
        def fan(xs: list[int]) -> list[int]:
            return [one(x=x) for x in xs]

        @fk.dynamic(cache=True, cache_version="2")  # expect: FLY503 FLY511
        def fan2(xs: list[int]) -> list[int]:
            return [one(x=x) for x in xs]

        @eager  # expect: FLY503
        async def loop(xs: list[int]) -> int:
            return sum([await one(x=x) for x in xs])
    """, select=["FLY503", "FLY511"])
    found = msgs(tmp_path / "m", "from flytekit import eager\n\n@eager\nasync def run() -> None: ...\n", "FLY503")
    assert "every async Flyte 2 task is eager" in found[0] and "`run`" in found[0]


# --------------------------------------------------------------------------------------------------------
# FLY504 map-task
# --------------------------------------------------------------------------------------------------------


def test_fly504_map_task(tmp_path):
    src = """
        from functools import partial

        import flytekit
        from flytekit import map_task, task, workflow

        @task
        def scale(value: int, factor: int) -> int:
            return value * factor

        @workflow
        def main(values: list[int]) -> list[int]:
            a = map_task(partial(scale, factor=2), concurrency=3)(value=values)  # expect: FLY504
            b = flytekit.map_task(scale, min_success_ratio=0.5)(value=values, factor=values)  # expect: FLY504
            return a
    """
    check(tmp_path, src, select=["FLY504"])
    first, second = msgs(tmp_path / "m", src, "FLY504")
    assert "`list(flyte.map(partial(scale, factor=2), values, concurrency=3))`" in first
    assert "asyncio.gather" in first
    assert "`min_success_ratio=` → `flyte.map` returns failures as exception values" in second
    assert "flyte.map(scale, items)" in second


def test_fly504_quiet_on_flyte_map(tmp_path):
    check(tmp_path, """
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        def square(x: int) -> int:
            return x * x

        def map_task(fn):
            return fn

        @env.task
        def main(xs: list[int]) -> list[int]:
            map_task(square)
            return list(flyte.map(square, xs))
    """, select=V1)


# --------------------------------------------------------------------------------------------------------
# FLY505 conditional
# --------------------------------------------------------------------------------------------------------


def test_fly505_once_per_chain_at_the_outermost_call(tmp_path):
    src = """
        from flytekit import conditional, task, workflow

        @task
        def low(x: int) -> int:
            return x

        @task
        def high(x: int) -> int:
            return x

        @workflow
        def main(x: int) -> int:
            return (
                conditional("band")  # expect: FLY505
                .if_(x < 10)
                .then(low(x=x))
                .elif_(x < 100)
                .then(high(x=x))
                .else_()
                .fail("too big")
            )

        @workflow
        def split(x: int) -> int:
            branch = conditional("two").if_(x < 0)  # expect: FLY505
            return branch.then(low(x=x)).else_().then(high(x=x))
    """
    check(tmp_path, src, select=["FLY505"])
    result = lint_result(tmp_path / "m", src, select=["FLY505"])
    first = result.findings[0]
    assert (first.line, first.end_line) == (14, 20)  # the whole chain, reported once
    assert "`conditional('band')` is Flyte 1: write a Python `if`/`elif`/`else`" in first.message


# --------------------------------------------------------------------------------------------------------
# FLY506 current-context
# --------------------------------------------------------------------------------------------------------


def test_fly506_current_context(tmp_path):
    src = """
        import flytekit
        from flytekit import current_context, task
        from flytekit.core.context_manager import FlyteContextManager

        @task
        def work() -> str:
            token = current_context().secrets.get(group="api", key="token")  # expect: FLY506
            folder = flytekit.current_context().working_directory  # expect: FLY506
            run = current_context().execution_id.name  # expect: FLY506
            ctx = current_context()  # expect: FLY506
            raw = FlyteContextManager.current_context()  # expect: FLY506
            return token + folder + run
    """
    check(tmp_path, src, select=["FLY506"])
    found = msgs(tmp_path / "m", src, "FLY506")
    assert "for `.secrets`: declare `secrets=[flyte.Secret(key=..., as_env_var=...)]` on the TaskEnvironment and read `os.environ[...]`" in found[0]
    assert "for `.working_directory`: use `os.getcwd()`" in found[1]
    assert "`flyte.ctx().action`" in found[2]
    assert found[3] == "FLY506 `current_context()` is Flyte 1: use `flyte.ctx()`"


def test_fly506_quiet_on_flyte_ctx(tmp_path):
    check(tmp_path, """
        import flyte

        env = flyte.TaskEnvironment("demo")

        def current_context():
            return None

        @env.task
        def work() -> str:
            current_context()
            return str(flyte.ctx().action.run_name)
    """, select=V1)


# --------------------------------------------------------------------------------------------------------
# FLY507 launch-plan
# --------------------------------------------------------------------------------------------------------


def test_fly507_launch_plans_and_schedules(tmp_path):
    src = """
        from datetime import timedelta

        from flytekit import CronSchedule, FixedRate, LaunchPlan, workflow

        @workflow
        def report(day: str, limit: int = 5) -> None: ...

        daily = LaunchPlan.get_or_create(  # expect: FLY507
            workflow=report,
            name="daily_report",
            default_inputs={"limit": 10},
            schedule=CronSchedule(schedule="30 6 * * *", kickoff_time_input_arg="day"),
        )
        fast = LaunchPlan.create("fast", report, schedule=FixedRate(duration=timedelta(hours=2)))  # expect: FLY507
        plain = LaunchPlan.get_or_create(report, "plain", default_inputs={"day": "x"})  # expect: FLY507
        every = FixedRate(duration=timedelta(minutes=15))  # expect: FLY507
    """
    check(tmp_path, src, select=["FLY507"])
    daily, fast, plain, every = msgs(tmp_path / "m", src, "FLY507")
    assert ('`@env.task(triggers=flyte.Trigger("daily_report", flyte.Cron("30 6 * * *"), '
            'inputs={**{"limit": 10}, **{"day": flyte.TriggerTime}}))` on `report`') in daily
    assert '`@env.task(triggers=flyte.Trigger("fast", flyte.FixedRate(120)))` on `report`' in fast
    assert "a trigger without automation is fired on demand" in plain and 'inputs={"day": "x"}' in plain
    assert "`flyte.FixedRate(15)`" in every


# --------------------------------------------------------------------------------------------------------
# FLY508 image-spec
# --------------------------------------------------------------------------------------------------------


def test_fly508_image_spec(tmp_path):
    src = """
        import flytekit
        from flytekit import ImageSpec

        simple = ImageSpec(name="etl", python_version="3.12", packages=["polars", "duckdb"], apt_packages=["git"])  # expect: FLY508
        based = flytekit.ImageSpec(base_image="ghcr.io/org/base:1", packages=["torch"])  # expect: FLY508
        odd = ImageSpec(name="x", conda_packages=["numpy"], builder="envd")  # expect: FLY508
    """
    check(tmp_path, src, select=["FLY508"])
    simple, based, odd = msgs(tmp_path / "m", src, "FLY508")
    assert ('use `flyte.Image.from_debian_base(python_version=(3, 12), name="etl")'
            '.with_pip_packages("polars", "duckdb").with_apt_packages("git")`') in simple
    assert 'use `flyte.Image.from_base("ghcr.io/org/base:1").with_pip_packages("torch")`' in based
    assert "`conda_packages=` → no equivalent" in odd and "`builder=` → `image.builder` in the config file" in odd


def test_fly508_suggestion_is_valid_flyte_code(tmp_path):
    flyte = pytest.importorskip("flyte")
    src = 'from flytekit import ImageSpec\n\nimg = ImageSpec(name="etl", python_version="3.12", packages=["polars"], env={"A": "1"})\n'
    message = msgs(tmp_path, src, "FLY508")[0]
    expression = message.split("use `", 1)[1].rstrip("`")
    image = eval(expression, {"flyte": flyte})  # builds the Image object only: nothing runs
    assert isinstance(image, flyte.Image)


# --------------------------------------------------------------------------------------------------------
# FLY509 node-ordering
# --------------------------------------------------------------------------------------------------------


def test_fly509_ordering_between_task_results(tmp_path):
    check(tmp_path, """
        from flytekit import create_node, task, workflow, LaunchPlan

        @task
        def extract() -> int:
            return 1

        @task
        def publish() -> None: ...

        @workflow
        def sub() -> None:
            publish()

        plan = LaunchPlan.get_or_create(sub, "plan")

        @workflow
        def main() -> None:
            first = extract()
            second = publish()
            first >> second  # expect: FLY509
            second << first  # expect: FLY509
            extract() >> publish() >> sub()  # expect: FLY509
            a, b = extract(), publish()
            a >> b  # expect: FLY509
            n1 = create_node(extract)
            n2 = create_node(publish)
            n1.runs_before(n2)  # expect: FLY509
            plan() >> sub()  # expect: FLY509
    """, select=["FLY509"])


def test_fly509_quiet_on_shifts_of_plain_values(tmp_path):
    check(tmp_path, """
        import flyte
        from flytekit import task

        env = flyte.TaskEnvironment("demo")

        @task
        def old() -> int:
            return 1

        @env.task
        def shifts(x: int, y: int) -> int:
            a = x >> 2
            b = 1 << y
            c = x >> y
            flags = 8
            flags >>= 1
            return a + b + c + flags

        def helper(pipe, other):
            pipe >> other
            pipe.runs_before(other)
            return 1 >> old()

        class Node:
            def __rshift__(self, other):
                return other

        Node() >> Node()
    """, select=["FLY509"])


# --------------------------------------------------------------------------------------------------------
# FLY510 flyte-file
# --------------------------------------------------------------------------------------------------------


def test_fly510_files_dirs_and_dataframes(tmp_path):
    src = """
        import typing

        import pandas as pd
        import flytekit
        from flytekit.types.file import FlyteFile, CSVFile
        from flytekit.types.directory import FlyteDirectory
        from flytekit.types.structured import StructuredDataset
        from flytekit import task

        @task
        def save(
            df: pd.DataFrame,
            folder: FlyteDirectory,  # expect: FLY510
            table: typing.Annotated[StructuredDataset, "cols"],  # expect: FLY510
        ) -> FlyteFile:  # expect: FLY510
            return FlyteFile(path="out.csv")  # expect: FLY510

        @task
        def typed(report: CSVFile) -> flytekit.types.file.FlyteFile:  # expect: FLY510 FLY510
            remote = FlyteFile.new_remote_file()  # expect: FLY510
            return StructuredDataset(dataframe=pd.DataFrame())  # expect: FLY510
    """
    check(tmp_path, src, select=["FLY510"])
    found = msgs(tmp_path / "m", src, "FLY510")
    assert "FLY510 `FlyteDirectory` is Flyte 1: use `flyte.io.Dir`" in found
    assert ("FLY510 `FlyteFile(path=\"out.csv\")` is Flyte 1: use `flyte.io.File` (`await File.from_local(path)`, "
            "or `File.from_local_sync(path)` in a sync task)") in found
    assert any("`flyte.io.DataFrame.from_df(df)`" in m for m in found)
    assert "FLY510 `CSVFile` is Flyte 1: use `flyte.io.File`" in found


def test_fly510_quiet_on_flyte_io(tmp_path):
    check(tmp_path, """
        import flyte
        from flyte.io import DataFrame, Dir, File

        env = flyte.TaskEnvironment("demo")

        class FlyteFile:
            pass

        @env.task
        async def save(folder: Dir, table: DataFrame, old: FlyteFile) -> File:
            return await File.from_local("out.csv")
    """, select=V1)


# --------------------------------------------------------------------------------------------------------
# FLY511 v1-task-arguments
# --------------------------------------------------------------------------------------------------------


def test_fly511_says_where_each_option_goes(tmp_path):
    src = """
        from datetime import timedelta

        import flytekit as fk
        from flytekit import Cache, Resources, Secret, task as t

        @t(  # expect: FLY511
            container_image="python:3.12",
            requests=Resources(cpu="1"),
            limits=Resources(cpu="2"),
            environment={"MODE": "prod"},
            secret_requests=[Secret(key="token")],
            cache=True,
            cache_version="3",
            retries=2,
            timeout=timedelta(minutes=5),
        )
        def a() -> int:
            return 1

        @fk.task(cache=Cache(version="7"), enable_deck=True, accelerator=None, pod_template_name="big")  # expect: FLY511
        def b() -> int:
            return 1

        @t(retries=3, timeout=60, interruptible=True)
        def c() -> int:
            return 1

        @t
        def d() -> int:
            return 1

        e = t(d, requests=Resources(mem="1Gi"))  # expect: FLY511
    """
    check(tmp_path, src, select=["FLY511"])
    a, b, e = msgs(tmp_path / "m", src, "FLY511")
    assert a == ("FLY511 `@t(...)` has Flyte 1 options; in Flyte 2: `container_image=` → `image=` on the TaskEnvironment; "
                 "`requests=` and `limits=` → one `resources=flyte.Resources(...)` on the TaskEnvironment (a `(request, limit)` "
                 "tuple per value); `environment=` → `env_vars=` on the TaskEnvironment; `secret_requests=` → "
                 "`secrets=[flyte.Secret(key=..., as_env_var=...)]` on the TaskEnvironment; `cache=` → `cache=\"auto\"`; "
                 "`cache_version=` → `cache=flyte.Cache(behavior=\"auto\", version_override=...)`")
    assert "`cache=` → `cache=flyte.Cache(behavior=\"auto\", version_override=\"7\")`" in b
    assert "`enable_deck=` → `report=True` on `@env.task`" in b and "`accelerator=` → `gpu=`" in b
    assert "`pod_template_name=` → `pod_template=\"<name>\"`" in b
    assert e.startswith("FLY511 `t(...)` has Flyte 1 options")


def test_fly511_quiet_on_env_task(tmp_path):
    check(tmp_path, """
        import flyte

        env = flyte.TaskEnvironment("demo", image="python:3.12")

        @env.task(cache="auto", retries=2)
        def a() -> int:
            return 1
    """, select=V1)


# --------------------------------------------------------------------------------------------------------
# Aliases, guards, severity, and Flyte 2 code
# --------------------------------------------------------------------------------------------------------


def test_aliases_report_at_the_decorator_or_expression(tmp_path):
    check(tmp_path, """
        import flytekit as fk  # expect: FLY501
        from flytekit import task as t, workflow as w, dynamic as d  # expect: FLY501

        @fk.task(requests=fk.Resources(cpu="1"))  # expect: FLY511
        def a() -> int:
            return 1

        @t
        def b() -> int:
            return 1

        @d  # expect: FLY503
        def c() -> list[int]:
            return [b()]

        @w  # expect: FLY502
        def main() -> int:
            a() >> b()  # expect: FLY509
            return b()
    """, select=V1)


def test_cross_module_re_export(tmp_path):
    check(tmp_path, """
        # file: compat.py
        from flytekit import task, workflow  # expect: FLY501
        # file: main.py
        import flyte
        from compat import task, workflow

        @workflow  # expect: FLY502
        def main() -> None: ...
    """, select=V1)


def test_cross_module_re_export_through_two_modules(tmp_path):
    # Neither main.py nor shim.py names flytekit: the name still resolves to flytekit.dynamic.
    check(tmp_path, """
        # file: base.py
        from flytekit import dynamic as fan_out  # expect: FLY501
        # file: shim.py
        from base import fan_out
        # file: main.py
        import flyte
        import shim

        @shim.fan_out  # expect: FLY503
        def main() -> None: ...
    """, select=V1)


GUARDED = [
    # flyte first, flytekit as the fallback
    """
        try:
            import flyte
            from flyte.io import File
        except ImportError:
            import flytekit
            from flytekit.types.file import FlyteFile as File

        def save(path: str) -> File:
            return File(path=path)
    """,
    # the reverse, ModuleNotFoundError in a tuple
    """
        try:
            from flytekit import current_context, workflow
        except (ValueError, ModuleNotFoundError):
            import flyte
            current_context = flyte.ctx

        def info():
            return current_context()
    """,
    # uses inside the guarded branch
    """
        try:
            import flyte
            env = flyte.TaskEnvironment("demo")
            task = env.task
        except ImportError:
            from flytekit import task, workflow

            @workflow
            def main() -> None: ...
    """,
    # a use whose name is bound only by a guarded import, outside the try
    """
        try:
            import flyte
            V2 = True
        except ImportError:
            import flytekit
            V2 = False

        if not V2:
            @flytekit.workflow
            def main() -> None: ...
    """,
]


@pytest.mark.parametrize("source", GUARDED)
def test_guarded_dual_sdk_code_is_quiet(tmp_path, source):
    check(tmp_path, source, select=V1)


def test_guards_that_do_not_count(tmp_path):
    check(tmp_path, """
        try:
            from flytekit import task  # expect: FLY501
        except ImportError:
            task = None

        try:
            from flytekit import workflow  # expect: FLY501
        except Exception:
            import flyte

        try:
            import flyte
            from flytekit import map_task  # expect: FLY501
        except ImportError:
            pass

        try:
            import flyte
        except ImportError:
            pass
        else:
            import flytekit  # expect: FLY501
    """, select=V1)


def test_severity_is_warning_and_on_by_default(tmp_path):
    for code in V1:
        assert REGISTRY[code].severity is Severity.WARNING
    found = lint(tmp_path, "from flytekit import workflow\n\n@workflow\ndef main() -> None: ...\n")
    assert [c for c, _, _ in found] == ["FLY501", "FLY502"]


def test_flyte2_code_is_clean(tmp_path):
    check(tmp_path, """
        import asyncio
        from datetime import timedelta

        import flyte
        import flyte.io

        image = flyte.Image.from_debian_base(python_version=(3, 12)).with_pip_packages("pandas")
        env = flyte.TaskEnvironment(
            "demo",
            image=image,
            resources=flyte.Resources(cpu="1", memory="2Gi"),
            secrets=[flyte.Secret(key="token", as_env_var="TOKEN")],
        )
        nightly = flyte.Trigger("nightly", flyte.Cron("0 2 * * *"), inputs={"when": flyte.TriggerTime})

        @env.task(cache=flyte.Cache(behavior="auto", version_override="1"), retries=2, timeout=timedelta(minutes=5))
        async def step(x: int) -> int:
            return x >> 1

        @env.task(triggers=nightly)
        async def main(when: str = "", xs: list[int] = [1, 2]) -> flyte.io.File:
            results = await asyncio.gather(*(step(x) for x in xs))
            if sum(results) > 3:
                print(flyte.ctx().action.run_name)
            return await flyte.io.File.from_local("out.txt")
    """, select=V1)


# --------------------------------------------------------------------------------------------------------
# FLY509 on Flyte 2 task results: `>>` is Python's shift, and `.runs_before` does not exist
# --------------------------------------------------------------------------------------------------------

FLYTE2_ORDERING = """
    # file: steps.py
    import flyte as fl

    env = fl.TaskEnvironment("steps")


    @env.task
    async def clear() -> None:
        print("cleared")


    @env.task
    async def load() -> None:
        print("loaded")


    @env.task
    def sync_clear() -> None:
        print("cleared")


    @env.task
    def sync_load() -> None:
        print("loaded")


    @env.task
    def count() -> int:
        return 8


    @env.task
    def one() -> int:
        return 1
    # file: main.py
    import flyte
    import steps
    from steps import clear, load as fill

    env = flyte.TaskEnvironment("main", depends_on=[steps.env])


    @env.task
    async def bad_coroutines() -> str:
        clear() >> fill()  # expect: FLY509
        return "done"


    @env.task
    async def bad_awaited() -> str:
        await clear() >> await fill.override(retries=1)()  # expect: FLY509
        first = await clear()
        first >> await steps.load.aio()  # expect: FLY509
        return "done"


    @env.task
    def bad_sync() -> str:
        steps.sync_clear() >> steps.sync_load()  # expect: FLY509
        return "done"


    @env.task
    def bad_runs_before() -> str:
        steps.sync_clear().runs_before(steps.sync_load())  # expect: FLY509
        return "done"


    @env.task
    def ints_shift() -> int:
        return steps.count() >> steps.one()


    @env.task
    async def good() -> str:
        await clear()
        await fill()
        return "done"


    @env.task
    def good_sync() -> str:
        steps.sync_clear()
        steps.sync_load()
        return "done"
"""


def test_fly509_flyte2_task_results(tmp_path):
    found = check(tmp_path, FLYTE2_ORDERING, select=["FLY509"])
    result = lint_result(tmp_path, FLYTE2_ORDERING, select=["FLY509"])
    assert {f.severity for f in result.findings} == {Severity.ERROR}  # they fail, wherever the code runs
    texts = [f.message for f in result.findings]
    assert "'coroutine' and 'coroutine'" in texts[0] and "never runs" in texts[0]
    assert "'NoneType' and 'NoneType'" in texts[1] and "never runs" not in texts[1]
    assert "'NoneType' object has no attribute 'runs_before'" in texts[-1]
    assert len(found) == 5


def test_fly509_quiet_on_flyte2_results_it_cannot_type(tmp_path):
    check(tmp_path, """
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        def untyped():
            return 1

        @env.task
        def data() -> list[int]:
            return [1]

        @env.task
        async def later() -> int:
            return 1

        @env.task
        def count() -> int:
            return 2

        @env.task
        async def main(x: int) -> int:
            a = untyped() >> x
            b = data() >> x
            c = await later() >> count.override()()
            d = x >> 1
            e = later() >> x  # (x could be an object with __rrshift__: not a task result)
            return a + b + c + d
    """, select=["FLY509"])


@requires_sdk
@pytest.mark.parametrize("entry", ["bad_coroutines", "bad_awaited", "bad_sync", "bad_runs_before", "ints_shift",
                                   "good", "good_sync"])
def test_fly509_flyte2_ordering_under_the_sdk(entry):
    from lintutil import split_files

    r = run_program(split_files(textwrap.dedent(FLYTE2_ORDERING)), entry=f"main:{entry}")
    ran = (r.ran("steps.clear") + r.ran("steps.sync_clear"), r.ran("steps.load") + r.ran("steps.sync_load"))
    if entry == "bad_coroutines":  # neither coroutine is awaited: neither task runs, then TypeError
        assert not r.ok and "TypeError" in r.error_types and ran == (0, 0), r.summary()
        assert "'coroutine' and 'coroutine'" in r.error, r.summary()
    elif entry in ("bad_awaited", "bad_sync"):  # both tasks run, then `None >> None` fails
        assert not r.ok and "TypeError" in r.error_types and ran == (1, 1), r.summary()
        assert "'NoneType' and 'NoneType'" in r.error, r.summary()
    elif entry == "bad_runs_before":  # the first task runs, then the attribute lookup fails
        assert not r.ok and "AttributeError" in r.error_types and ran == (1, 0), r.summary()
    elif entry == "ints_shift":  # ints shift silently: quiet (the tasks ran in the order written)
        assert r.ok and r.output == 4, r.summary()
    else:  # plain sequencing: both run, in order
        assert r.ok and r.output == "done" and ran == (1, 1), r.summary()
