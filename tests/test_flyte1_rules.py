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
from flyte_lint.model.flyte1_index import CONSTRUCTS, NODE_CALLS
from flyte_lint.rules import REGISTRY, Severity
from flyte_lint.rules.flyte1._common import MAPPING, MIGRATE_NOTE
from lintutil import lint, lint_result, messages, split_files, write_project
from sdk_runner import requires_sdk, run_program

V1 = [f"FLY5{n:02d}" for n in range(1, 12)]


def msgs(tmp_path, source, code):
    """The rule's messages without the note every FLY5xx message ends with (checked here)."""
    found = list(messages(tmp_path, source, select=[code]))
    assert all(m.endswith(MIGRATE_NOTE) for m in found), found
    return [m[: -len(MIGRATE_NOTE)] for m in found]


def _case(code, name):
    return next(case for case in [*REGISTRY[code].INVALID, *REGISTRY[code].VALID] if case.name == name)


def case_source(code, name):
    """The source of a rule's case (tests/test_rule_cases.py asserts where it reports)."""
    return _case(code, name).source


# --------------------------------------------------------------------------------------------------------
# The family's cases (on the rules, flyte_lint/rules/flyte1/): tests/test_rule_cases.py compares each case's
# findings of its own rule; a case that selects other FLY5xx rules holds for all of them, every `# expect:` code.
# --------------------------------------------------------------------------------------------------------

FAMILY_CASES = [
    pytest.param(case, id=f"{code}-{case.name}")
    for code in V1
    for case in [*REGISTRY[code].INVALID, *REGISTRY[code].VALID]
    if case.select
]


def test_the_family_has_cases_that_select_it_whole():
    assert len(FAMILY_CASES) >= 17


@pytest.mark.parametrize("case", FAMILY_CASES)
def test_a_case_selecting_other_rules_holds_for_each_of_them(tmp_path, case):
    check(tmp_path, case.source, select=list(case.select))


@pytest.mark.parametrize(
    "case",
    [pytest.param(c, id=f"{code}-{c.name}") for code in V1 for c in REGISTRY[code].INVALID if c.fixed is not None],
)
def test_pinned_fixes_are_python(case):
    for text in split_files(case.fixed).values():
        ast.parse(text)


def test_the_mapping_names_every_construct_the_index_knows():
    assert set(MAPPING) | NODE_CALLS == CONSTRUCTS


# --------------------------------------------------------------------------------------------------------
# FLY501 flytekit-import
# --------------------------------------------------------------------------------------------------------


def test_fly501_messages_name_each_replacement(tmp_path):
    found = msgs(
        tmp_path,
        """
        from flytekit import task, workflow, dynamic, map_task, ImageSpec, Resources, Secret
        from flytekit import current_context, LaunchPlan, CronSchedule, FixedRate, conditional, Cache
        from flytekit.types.file import FlyteFile
        from flytekit.types.directory import FlyteDirectory
        from flytekit.types.structured import StructuredDataset
        from flytekit import kwtypes
    """,
        "FLY501",
    )
    assert len(found) == 6
    first, second, files, dirs, frames, unknown = found
    for expected in (
        "`task` → `env.task` on a `flyte.TaskEnvironment`",
        "`workflow` → `env.task`",
        "`dynamic` → `env.task`",
        "`map_task` → `flyte.map` or `asyncio.gather`",
        "`ImageSpec` → `flyte.Image`",
        "`Resources` → `flyte.Resources`",
        "`Secret` → `flyte.Secret`",
    ):
        assert expected in first, (expected, first)
    for expected in (
        "`current_context` → `flyte.ctx()`",
        "`LaunchPlan` → `flyte.Trigger`",
        "`CronSchedule` → `flyte.Cron`",
        "`FixedRate` → `flyte.FixedRate`",
        "`conditional` → a Python `if`/`else`",
        "`Cache` → `flyte.Cache`",
    ):
        assert expected in second, (expected, second)
    assert "`FlyteFile` → `flyte.io.File`" in files
    assert "`FlyteDirectory` → `flyte.io.Dir`" in dirs
    assert "`StructuredDataset` → `flyte.io.DataFrame`" in frames
    assert "`kwtypes`: no direct Flyte 2 replacement" in unknown


def test_fly501_replacement_names_exist_in_the_installed_sdk():
    pytest.importorskip("flyte")
    import flyte.extras
    import flyte.io
    import flyte.remote
    import flyte.report

    for dotted in (
        "flyte.TaskEnvironment",
        "flyte.map",
        "flyte.Image",
        "flyte.Resources",
        "flyte.Secret",
        "flyte.ctx",
        "flyte.Trigger",
        "flyte.Cron",
        "flyte.FixedRate",
        "flyte.Cache",
        "flyte.CachePolicy",
        "flyte.PodTemplate",
        "flyte.TriggerTime",
        "flyte.io.File",
        "flyte.io.Dir",
        "flyte.io.DataFrame",
        "flyte.io.PARQUET",
        "flyte.extras.ContainerTask",
        "flyte.remote.Task.get",
        "flyte.report.log",
        "flyte.GPU",
    ):
        obj = flyte
        for part in dotted.split(".")[1:]:
            obj = getattr(obj, part)
    import inspect

    assert list(inspect.signature(flyte.FixedRate).parameters)[0] == "interval_minutes"
    assert list(inspect.signature(flyte.Trigger).parameters)[:2] == ["name", "automation"]
    assert "version_override" in inspect.signature(flyte.Cache).parameters
    assert {"pod_spec", "primary_container_name", "labels", "annotations"} <= set(
        inspect.signature(flyte.PodTemplate).parameters
    )
    assert list(inspect.signature(flyte.Secret).parameters)[:2] == ["key", "group"]


# -- the unsafe fix --------------------------------------------------------------------------------------


def _fix(tmp_path, source, name="main.py"):
    result = lint_result(tmp_path, source, select=V1)
    module = next(m for m in result.files if m.path.name == name)
    fixable = [f for f in result.findings if f.fix is not None and f.module is module]
    new, applied = fixed_text(module.text, fixable, unsafe=True)
    return result, new, applied


def test_fly501_fixed_one_to_one_imports_lint_clean(tmp_path):
    # The case pins the rewrite; a second run has nothing left to report (the fix writes Flyte 2's keywords).
    new = split_files(_case("FLY501", "fix-is-the-edit-migrate-makes").fixed)["main.py"]
    ast.parse(new)
    assert "flytekit" not in new
    again = lint_result(tmp_path / "again", new, select=V1)
    assert [f for f in again.findings if f.fix is not None] == [] and again.findings == []
    assert lint_result(tmp_path / "all", new).findings == []


FIXABLE = [
    'import flyte\nfrom flytekit import Resources\n\nenv = flyte.TaskEnvironment("d", resources=Resources(cpu="1", mem="1Gi"))\n',
    # Flyte 1 takes Secret(group, key) by position; the fix names both
    'import flyte\nfrom flytekit import Secret\n\nenv = flyte.TaskEnvironment("d", secrets=[Secret("api", "token")])\n',
    # a line continuation between `from` and the module; two import statements (one fix, on the first)
    "import flyte\nfrom \\\n    flytekit import Resources\nfrom flytekit.core.pod_template import PodTemplate as PT\n\n"
    'env = flyte.TaskEnvironment("d", resources=Resources(cpu="1"), pod_template=PT(primary_container_name="c"))\n',
    # a Resources bound to a name, with CRLF line endings
    'import flyte\r\nfrom flytekit import Resources\r\n\r\nBIG = Resources(cpu=2, ephemeral_storage="10Gi")\r\n'
    'env = flyte.TaskEnvironment("d", resources=BIG)\r\n',
]


@pytest.mark.parametrize("body", FIXABLE)
def test_fly501_fix_is_the_edit_migrate_makes(tmp_path, body):
    from migrateutil import migrate

    result, new, applied = _fix(tmp_path / "fix", body)
    assert [f.code for f in applied] == ["FLY501"]
    root = tmp_path / "migrated"
    root.mkdir()
    (root / "main.py").write_bytes(body.encode())
    assert migrate(root) == 0
    assert new == (root / "main.py").read_bytes().decode()
    assert "flytekit" not in new and lint_result(tmp_path / "again", new).findings == []


@pytest.mark.parametrize(
    "body",
    [
        # not every name maps one to one
        'from flytekit import Resources, task\n\n@task(requests=Resources(cpu="1"))\ndef f() -> int:\n    return 1\n',
        # Flyte 1 keywords Flyte 2 does not have (migrate leaves a TODO)
        'import flyte\nfrom flytekit import Secret\n\nenv = flyte.TaskEnvironment("d", secrets=[Secret(key="t", env_var="T")])\n',
        # Secret.MountType does not exist in Flyte 2
        "from flytekit import Secret\n\nmode = Secret.MountType.ENV_VAR\n",
        # a star import
        "from flytekit import *\n",
        # `import flytekit` is not rewritten
        'import flyte\nimport flytekit\n\nenv = flyte.TaskEnvironment("d", resources=flytekit.Resources(cpu="1"))\n',
        # one import of the module names a class with no namesake
        "import flyte\nfrom flytekit import Resources\nfrom flytekit import current_context\n\n"
        'env = flyte.TaskEnvironment("d", resources=Resources(cpu="1"))\n',
    ],
)
def test_fly501_no_fix(tmp_path, body):
    result, new, applied = _fix(tmp_path, body)
    assert "FLY501" in [f.code for f in result.findings]
    assert applied == [] and new == result.files[0].text


def test_fly501_fix_through_the_cli(tmp_path, capsys):
    from flyte_lint.cli import main

    root = write_project(
        tmp_path / "p",
        {
            "main.py": "import flyte\nfrom flytekit import Resources\n\n"
            'env = flyte.TaskEnvironment("d", resources=Resources(cpu="1"))\n'
        },
    )
    assert main(["check", "--select", "FLY501", "--fix", str(root)]) == 1  # unsafe: not applied without the flag
    assert "flytekit" in (root / "main.py").read_text()
    capsys.readouterr()
    main(["check", "--select", "FLY501", "--fix", "--unsafe-fixes", str(root)])
    text = (root / "main.py").read_text()
    assert 'resources=flyte.Resources(cpu="1")' in text and "flytekit" not in text
    ast.parse(text)
    capsys.readouterr()
    assert main(["check", "--select", "FLY5", str(root)]) == 0


# --------------------------------------------------------------------------------------------------------
# FLY502 workflow-decorator, FLY503 dynamic-decorator
# --------------------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------------------
# FLY504 map-task
# --------------------------------------------------------------------------------------------------------


def test_fly504_map_task(tmp_path):
    src = case_source("FLY504", "map-task-forms")  # (the case asserts where it reports)
    first, second = msgs(tmp_path / "m", src, "FLY504")
    assert "`list(flyte.map(partial(scale, factor=2), values, concurrency=3, return_exceptions=False))`" in first
    assert (
        "`[r async for r in flyte.map.aio(partial(scale, factor=2), values, concurrency=3, return_exceptions=False)]`"
        in first
    )
    assert "`min_success_ratio=` → `flyte.map` returns failures as exception values" in second
    assert "`list(flyte.map(scale, items, return_exceptions=True))`" in second and "fails the map" not in second


# --------------------------------------------------------------------------------------------------------
# FLY505 conditional
# --------------------------------------------------------------------------------------------------------


def test_fly505_once_per_chain_at_the_outermost_call(tmp_path):
    src = case_source("FLY505", "once-per-chain-at-the-outermost-call")  # (the case asserts where it reports)
    result = lint_result(tmp_path / "m", src, select=["FLY505"])
    first = result.findings[0]
    assert (first.line, first.end_line) == (14, 20)  # the whole chain, reported once
    assert "`conditional('band')` is Flyte 1: write a Python `if`/`elif`/`else`" in first.message


# --------------------------------------------------------------------------------------------------------
# FLY506 current-context
# --------------------------------------------------------------------------------------------------------


def test_fly506_current_context(tmp_path):
    src = case_source("FLY506", "current-context-forms")  # (the case asserts where it reports)
    found = msgs(tmp_path / "m", src, "FLY506")
    assert (
        "for `.secrets`: declare `secrets=[flyte.Secret(key=..., as_env_var=...)]` on the TaskEnvironment and read `os.environ[...]`"
        in found[0]
    )
    assert "for `.working_directory`: use `os.getcwd()`" in found[1]
    assert "`flyte.ctx().action`" in found[2]
    assert found[3] == "FLY506 `current_context()` is Flyte 1: use `flyte.ctx()`"


# --------------------------------------------------------------------------------------------------------
# FLY507 launch-plan
# --------------------------------------------------------------------------------------------------------


def test_fly507_launch_plans_and_schedules(tmp_path):
    src = case_source("FLY507", "launch-plans-and-schedules")  # (the case asserts where it reports)
    daily, fast, plain, every = msgs(tmp_path / "m", src, "FLY507")
    assert (
        '`@env.task(triggers=flyte.Trigger("daily_report", flyte.Cron("30 6 * * *"), '
        'inputs={"day": flyte.TriggerTime, "limit": 10}, auto_activate=False))` on `report`'
    ) in daily
    assert "(the schedule leaves required input `day` unset)" in fast  # (Flyte 1 refuses it too; migrate: a TODO)
    assert '`@env.task(triggers=flyte.Trigger("fast", flyte.FixedRate(120)))` on `report`' in fast
    assert "`plain` becomes an `@env.task` that calls `report` (its default inputs the task's defaults)" in plain
    assert "`flyte.FixedRate(15)`" in every


LAUNCH_PLANS = """
from datetime import timedelta

from flytekit import CronSchedule, Email, FixedRate, LaunchPlan, WorkflowExecutionPhase, task, workflow


@task
def double(x: int) -> int:
    return x * 2


@workflow
def wf(x: int = 1, when: str = "") -> int:
    return double(x=x)


nightly = LaunchPlan.get_or_create(
    wf, name="nightly", schedule=CronSchedule(schedule="@daily", kickoff_time_input_arg="when"), fixed_inputs={"x": 3}
)
often = LaunchPlan.get_or_create(wf, "often", default_inputs={"x": 4}, schedule=FixedRate(duration=timedelta(hours=4)))
LaunchPlan.get_or_create(
    wf,
    "told",
    notifications=[Email(phases=[WorkflowExecutionPhase.FAILED], recipients_email=["a@b.c"])],
    auto_activate=True,
)
"""


def test_fly507_names_the_triggers_migrate_writes(tmp_path):
    from migrateutil import migrate

    messages = msgs(tmp_path / "m", LAUNCH_PLANS, "FLY507")
    suggested = [ast.dump(ast.parse(m.split("triggers=", 1)[1].split(")` on `")[0], mode="eval")) for m in messages]
    root = write_project(tmp_path / "p", {"main.py": LAUNCH_PLANS})
    assert migrate(root) == 0
    tree = ast.parse((root / "main.py").read_text(encoding="utf-8"))
    wf = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "wf")
    triggers = next(k.value for d in wf.decorator_list if isinstance(d, ast.Call) for k in d.keywords)
    written = [ast.dump(ast.Expression(t)) for t in triggers.elts]
    assert suggested == written and len(written) == 3
    assert "0 0 * * *" in messages[0]  # (@daily spelled out: flyte.Cron takes five fields)


def test_fly507_inside_a_workflow_names_the_task_migrate_calls(tmp_path):
    src = """
from flytekit import LaunchPlan, task, workflow


@task
def double(x: int) -> int:
    return x * 2


@workflow
def sub(x: int) -> int:
    return double(x=x)


@workflow
def main() -> int:
    a = LaunchPlan.get_or_create(sub, "lp")(x=1)
    return LaunchPlan.get_or_create(sub, "lp_fixed", fixed_inputs={"x": 2})()
"""
    plain, fixed = msgs(tmp_path / "m", src, "FLY507")
    assert "in Flyte 2, call the task `sub` itself" in plain
    assert "call the task `sub` with its inputs bound (`functools.partial`)" in fixed


# --------------------------------------------------------------------------------------------------------
# FLY508 image-spec
# --------------------------------------------------------------------------------------------------------


def test_fly508_image_spec(tmp_path):
    src = case_source("FLY508", "image-spec-forms")  # (the case asserts where it reports)
    simple, based, odd = msgs(tmp_path / "m", src, "FLY508")
    assert (
        'use `flyte.Image.from_debian_base(python_version=(3, 12), name="etl")'
        '.with_apt_packages("git").with_pip_packages("polars", "duckdb")`'
    ) in simple
    assert (
        'use `flyte.Image.from_base("ghcr.io/org/base:1").clone(name="base", extendable=True).with_pip_packages("torch")`'
        in based
    )
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


# --------------------------------------------------------------------------------------------------------
# FLY510 flyte-file
# --------------------------------------------------------------------------------------------------------


def test_fly510_files_dirs_and_dataframes(tmp_path):
    src = case_source("FLY510", "files-dirs-and-dataframes")  # (the case asserts where it reports)
    found = msgs(tmp_path / "m", src, "FLY510")
    assert "FLY510 `FlyteDirectory` is Flyte 1: use `flyte.io.Dir`" in found
    assert (
        'FLY510 `FlyteFile(path="out.csv")` is Flyte 1: use `flyte.io.File` (`await File.from_local(path)`, '
        "or `File.from_local_sync(path)` in a sync task)"
    ) in found
    assert any("`flyte.io.DataFrame.wrap_df(df)`" in m for m in found)
    assert "FLY510 `CSVFile` is Flyte 1: use `flyte.io.File`" in found


# --------------------------------------------------------------------------------------------------------
# FLY511 v1-task-arguments
# --------------------------------------------------------------------------------------------------------


def test_fly511_says_where_each_option_goes(tmp_path):
    src = case_source("FLY511", "says-where-each-option-goes")  # (the case asserts where it reports)
    a, b, e = msgs(tmp_path / "m", src, "FLY511")
    assert a == (
        "FLY511 `@t(...)` has Flyte 1 options; in Flyte 2: `container_image=` → `image=` on the TaskEnvironment; "
        "`requests=` and `limits=` → one `resources=flyte.Resources(...)` on the TaskEnvironment (a `(request, limit)` "
        "tuple per value); `environment=` → `env_vars=` on the TaskEnvironment; `secret_requests=` → "
        '`secrets=[flyte.Secret(key=..., as_env_var=...)]` on the TaskEnvironment; `cache=` → `cache="auto"`; '
        '`cache_version=` → `cache=flyte.Cache(behavior="override", version_override=...)`'
    )
    assert '`cache=` → `cache=flyte.Cache(behavior="override", version_override="7")`' in b
    assert "`enable_deck=` → `report=True` on `@env.task`" in b and "`accelerator=` → `gpu=`" in b
    assert '`pod_template_name=` → `pod_template="<name>"`' in b
    assert e.startswith("FLY511 `t(...)` has Flyte 1 options")


# --------------------------------------------------------------------------------------------------------
# Aliases, guards, severity, and Flyte 2 code
# --------------------------------------------------------------------------------------------------------


def test_severity_is_warning_and_on_by_default(tmp_path):
    for code in V1:
        assert REGISTRY[code].severity is Severity.WARNING
    found = lint(tmp_path, "from flytekit import workflow\n\n@workflow\ndef main() -> None: ...\n")
    assert [c for c, _, _ in found] == ["FLY501", "FLY502"]


# --------------------------------------------------------------------------------------------------------
# FLY509 on Flyte 2 task results: `>>` is Python's shift, and `.runs_before` does not exist
# --------------------------------------------------------------------------------------------------------

FLYTE2_ORDERING = case_source("FLY509", "flyte2-task-results")


def test_fly509_flyte2_task_results(tmp_path):
    result = lint_result(tmp_path, FLYTE2_ORDERING, select=["FLY509"])  # (the case asserts where it reports)
    assert {f.severity for f in result.findings} == {Severity.ERROR}  # they fail, wherever the code runs
    texts = [f.message for f in result.findings]
    assert "'coroutine' and 'coroutine'" in texts[0] and "never runs" in texts[0]
    assert "'NoneType' and 'NoneType'" in texts[1] and "never runs" not in texts[1]
    assert "'NoneType' object has no attribute 'runs_before'" in texts[-1]
    assert len(texts) == 5


@requires_sdk
@pytest.mark.parametrize(
    "entry", ["bad_coroutines", "bad_awaited", "bad_sync", "bad_runs_before", "ints_shift", "good", "good_sync"]
)
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
