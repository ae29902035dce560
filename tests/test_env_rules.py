"""FLY401, FLY402: environment dependencies that remote runs and `flyte deploy` get wrong; FLY403: remote task
references without a version.

What the SDK really does (flyte 2.12.1):
- a remote run builds (or looks up) images for its root task's env and that env's transitive ``depends_on`` only,
  and each parent submits a child by serializing it with that image cache: a child whose env is missing fails
  ("Environment 'b' not found in image cache") only when its image must be built (layers, ``from_uv_script``,
  ``from_ref_name``); ``from_dockerfile`` hashes the Dockerfile in the pod; any other image is used as is
  (tests/test_env_dependency_sdk.py measures each case);
- deploy planning follows ``depends_on`` transitively and never looks at which task calls which;
- ``env.add_dependency(other)`` appends to ``depends_on`` and can run in any module (a deploy script);
  ``env.add_dependency(env)`` raises ValueError "Cannot add self as a dependency";
- ``env.clone_with(name, ...)`` copies ``depends_on`` when it runs, unless ``depends_on`` is given (``None`` counts
  as not given: ``if depends_on is not None``);
- a ``depends_on`` cycle makes deploy planning recurse until RecursionError.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from expectutil import check
from flyte_lint.findings import Severity
from flyte_lint.rules import REGISTRY
from flyte_lint.rules.envs._cases import OBJECTS, with_tasks
from lintutil import lint_result, messages
from sdk_runner import requires_sdk, run_program

# --------------------------------------------------------------------------------------------------------
# FLY401 missing-env-dependency (its cases are on the rule: flyte_lint/rules/envs/missing_env_dependency.py and
# the _missing_dependency_*_cases.py beside it; here what a case cannot say: several messages, a severity)
# --------------------------------------------------------------------------------------------------------


def test_fly401_task_objects_messages(tmp_path):
    found = messages(
        tmp_path,
        textwrap.dedent(OBJECTS)
        + textwrap.dedent("""
        # file: main.py
        import flyte
        from containers import greet, head

        cpu = flyte.TaskEnvironment("cpu")

        @cpu.task
        async def main(x: int) -> int:
            await greet(x=x)
            return await head(f=x)
    """),
        select=["FLY401"],
    )
    assert found == [
        "FLY401 task 'cpu.main' (env 'cpu') calls `greet`, a task of env 'greet_env', whose image must be built "
        "(`.with_apt_packages(...)`): a remote run of 'cpu.main' (no task calls it) builds images only for env 'cpu' "
        "and its depends_on, which do not include 'greet_env', so submitting `greet` there fails with \"Environment "
        "'greet_env' not found in image cache\" (a local run works). Add `depends_on=[greet_env]` to env 'cpu'",
        "FLY401 task 'cpu.main' (env 'cpu') calls `head`, a task of env 'head', a shell task whose env is made only "
        "when `head.env` is read, which no `depends_on` does: a remote run of 'cpu.main' (no task calls it) builds "
        "images only for env 'cpu' and its depends_on, which do not include 'head', so submitting `head` there fails "
        'with "Task head has no parent environment name" (a local run does not serialize it). Add '
        "`depends_on=[head.env]` to env 'cpu'",
    ]


def test_fly401_env_defined_in_another_module_reports_once_per_call(tmp_path):
    src = with_tasks("""
        # file: main.py
        import flyte
        from gpu_tasks import train

        driver = flyte.TaskEnvironment("driver")

        @driver.task
        async def main(x: int) -> int:
            a = await train(x)  # expect: FLY401
            b = await train(x + 1)  # expect: FLY401
            return a + b
    """)
    check(tmp_path, src)
    msg = messages(tmp_path, src)[0]
    assert "task 'driver.main' (env 'driver') calls task 'gpu.train' of env 'gpu'" in msg
    assert "`depends_on=[gpu]`" in msg


# -- what the callee's image needs --------------------------------------------------------------------------


def test_model_image_need_and_run_roots(tmp_path):
    analysis = lint_result(
        tmp_path,
        """
        # file: main.py
        import flyte

        gpu = flyte.TaskEnvironment("gpu", image=flyte.Image.from_ref_name("trainer"))
        cpu = flyte.TaskEnvironment("cpu", image="python:3.12")
        docker = flyte.TaskEnvironment("docker", image=flyte.Image.from_dockerfile("Dockerfile", registry="r", name="d"))
        unknown = flyte.TaskEnvironment("unknown", image=flyte.__dict__["image"])

        @gpu.task
        async def train(x: int) -> int:
            return x

        @cpu.task(triggers=flyte.Trigger("hourly", flyte.Cron("0 * * * *")))
        async def step(x: int = 1) -> int:
            return await train(x)

        @cpu.task
        async def main(x: int) -> int:
            return await step(x)

        def start():
            flyte.run(train, x=1)
    """,
    ).analysis
    needs = {env.label: analysis.image_need(env) for env in analysis.envs}
    assert {label: need.kind for label, need in needs.items()} == {
        "gpu": "build",
        "cpu": "none",
        "docker": "dockerfile",
        "unknown": "unknown",
    }
    assert needs["gpu"].builder == "`Image.from_ref_name(...)`"
    roots = analysis.run_roots
    by_name = {task.name: task for task in analysis.tasks}
    assert {t.name: r.why for t, r in roots.roots.items()} == {
        "cpu.main": "no caller",
        "cpu.step": "trigger",
        "gpu.train": "run",
    }
    assert [r.task.name for r in roots.reaching(by_name["gpu.train"])] == ["cpu.main", "cpu.step", "gpu.train"]
    assert [r.task.name for r in roots.reaching(by_name["cpu.step"])] == ["cpu.main", "cpu.step"]


# -- which roots reach the call -----------------------------------------------------------------------------


def test_fly401_a_task_with_a_trigger_is_a_root(tmp_path):
    # step is called by main (whose env covers 'gpu') and has a trigger: its triggered runs use the images of the
    # deploy that registered it, which holds 'gpu' only when it was deployed in the same command: a warning.
    src = """
        # file: main.py
        import flyte

        gpu = flyte.TaskEnvironment("gpu", image=flyte.Image.from_debian_base().with_pip_packages("torch"))
        worker = flyte.TaskEnvironment("worker")
        driver = flyte.TaskEnvironment("driver", depends_on=[worker, gpu])

        @gpu.task
        async def train(x: int) -> int:
            return x

        @worker.task(triggers=flyte.Trigger("hourly", flyte.Cron("0 * * * *")))
        async def step(x: int = 1) -> int:
            return await train(x)  # expect: FLY401

        @worker.task(triggers=())
        async def quiet_step(x: int = 1) -> int:
            return await train(x)

        @driver.task
        async def main(x: int) -> int:
            return await step(x) + await quiet_step(x)
    """
    check(tmp_path, src)
    [finding] = lint_result(tmp_path, src).findings
    assert finding.severity == Severity.WARNING
    assert (
        "the runs that the trigger of root task 'worker.step' starts use the image cache of the `flyte deploy` "
        "that registered env 'worker': 'worker', its depends_on (which do not include 'gpu') and the envs deployed "
        "in the same command, so unless 'gpu' is deployed in that command, submitting 'gpu.train' there fails "
        "with \"Environment 'gpu' not found in image cache\""
    ) in finding.message, finding.message


def test_fly401_a_task_with_a_trigger_no_task_calls_is_a_root_a_run_can_start(tmp_path):
    # (`flyte run` starts it too: its env alone is planned then, an error)
    src = """
        import flyte

        gpu = flyte.TaskEnvironment("gpu", image=flyte.Image.from_debian_base().with_pip_packages("torch"))
        worker = flyte.TaskEnvironment("worker")

        @gpu.task
        async def train(x: int) -> int:
            return x

        @worker.task(triggers=flyte.Trigger("hourly", flyte.Cron("0 * * * *")))
        async def step(x: int = 1) -> int:
            return await train(x)  # expect: FLY401
    """
    check(tmp_path, src)
    [finding] = lint_result(tmp_path, src).findings
    assert finding.severity == Severity.ERROR and "(no task calls it)" in finding.message


@pytest.mark.parametrize(
    "root_name, suggested", [("orchestrator", "orchestrator-driver"), ("ml_root", "ml_root_driver")]
)
def test_fly401_driver_env_name_does_not_depend_on_the_jobs(tmp_path, root_name, suggested):
    # The suggested name comes from the root env's name alone: an env named "driver" in a module the finding's
    # analysis may or may not hold (-j 1: one analysis; -j 2: one per component) changes nothing.
    pipeline = f"""
        import flyte

        orchestrator = flyte.TaskEnvironment("{root_name}")
        gpu = flyte.TaskEnvironment("gpu", image=flyte.Image.from_debian_base().with_pip_packages("torch"),
                                    depends_on=[orchestrator])

        @orchestrator.task
        async def log(x: int) -> int:
            return x

        @gpu.task
        async def train(x: int) -> int:
            return await log(x)

        @orchestrator.task
        async def main(x: int) -> int:
            return await train(x)
    """
    other = """
        import flyte

        driver = flyte.TaskEnvironment("driver")

        @driver.task
        async def hello() -> str:
            return "hi"
    """
    for name, text in {"pipeline.py": pipeline, "other.py": other}.items():
        (tmp_path / name).write_text(textwrap.dedent(text))
    outputs = []
    for jobs in ("1", "2"):
        done = subprocess.run(
            [sys.executable, "-m", "flyte_lint", "check", "--no-cache", "--select", "FLY401", "-j", jobs, "."],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 1, done.stderr
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    assert f'`orchestrator.clone_with("{suggested}", depends_on=[orchestrator, gpu])`' in outputs[0], outputs[0]


# --------------------------------------------------------------------------------------------------------
# FLY403 remote-task-version (its cases are on the rule: flyte_lint/rules/envs/remote_task_version.py; here the
# messages of a program with several findings)
#
# What the SDK does (flyte 2.12.1): ``flyte.remote.Task.get(name)`` without version/auto_version raises ValueError
# "Either version or auto_version must be provided"; ``auto_version="newest"`` raises ValueError "auto_version must
# be either 'latest' or 'current'"; with ``auto_version="latest"`` the reference is made lazily, without a backend.
# --------------------------------------------------------------------------------------------------------


def test_fly403_messages(tmp_path):
    msgs = messages(
        tmp_path,
        """
        import flyte.remote

        a = flyte.remote.Task.get("analytics.summarize")
        b = flyte.remote.Task.get("x.y", auto_version="Latest")
    """,
        select=["FLY403"],
    )
    assert "Either version or auto_version must be provided" in msgs[0] and "imported" in msgs[0]
    assert 'auto_version="latest"' in msgs[0] and 'auto_version="current"' in msgs[0]
    assert 'did you mean auto_version="latest"?' in msgs[1]


def test_fly403_hint_direct_call_when_the_task_is_local_and_a_dependency(tmp_path):
    source = """
        # file: analytics.py
        import flyte

        analytics = flyte.TaskEnvironment("analytics")

        @analytics.task
        async def summarize(day: str) -> str:
            return day
        # file: main.py
        import flyte
        import flyte.remote
        from analytics import analytics

        reports = flyte.TaskEnvironment("reports", depends_on=[analytics])
        other = flyte.TaskEnvironment("other")
        summarize_ref = flyte.remote.Task.get("analytics.summarize")

        @reports.task
        async def main(day: str) -> str:
            return await summarize_ref(day=day)

        @other.task
        async def elsewhere(day: str) -> str:
            ref = flyte.remote.Task.get("analytics.summarize")
            return await ref(day=day)
    """
    msgs = messages(tmp_path, source, select=["FLY403"])
    assert len(msgs) == 2
    assert "defined in this project" in msgs[0] and "'reports'" in msgs[0] and "`summarize(...)` directly" in msgs[0]
    assert "defined in this project" not in msgs[1]  # 'other' does not depend on 'analytics'


# --------------------------------------------------------------------------------------------------------
# The rules' cases with every default rule on (FLY402's are all on the rule: rules/envs/env_dependency_cycle.py)
# --------------------------------------------------------------------------------------------------------

# Cases whose source no other default rule may report either: the whole report is their `# expect:` lines
# (None: the documented example, INVALID[0]).
EVERY_RULE_QUIET_ELSEWHERE = {
    "FLY401": [
        "message-names-root-builder-effect-and-fix",
        "clone-with-replacing-depends-on",
        "transitive-dependencies",
        "clone-with-inherits-depends-on",
        "clone-with-passes-depends-on-none",
        "a-task-passed-to-flyte-run-is-a-root-0",
        "a-task-passed-to-flyte-run-is-a-root-1",
        "a-task-passed-to-flyte-run-is-a-root-2",
        "a-task-passed-to-flyte-run-is-a-root-3",
        "every-call-form",
        "a-shell-tasks-env-in-depends-on-is-known",
        "call-from-a-plain-helper-a-task-calls",
        "nested-function-inside-a-task",
        "call-inside-a-lambda-inside-a-task",
        "task-objects-whose-env-is-a-dependency-stay-quiet",
        "task-objects-that-look-alike-stay-quiet",
        "quiet-within-the-same-env-and-outside-tasks",
        "a-dependency-added-to-the-source-after-the-clone-does-not-reach-it",
        "names-the-uncovered-root-of-a-deep-call",
        "tasks-calling-one-another-with-no-outside-caller-are-roots",
        "never-suggests-a-dependency-that-closes-a-cycle",
        "quiet-with-add-dependency-in-a-separate-deploy-module",
        "quiet-when-depends-on-cannot-be-resolved",
        "quiet-when-the-root-env-covers-the-callee",
        "a-task-handed-to-other-code-is-no-root",
        "a-run-method-of-another-library-or-a-local-run-makes-no-root",
    ],
    "FLY402": [
        None,
        "two-add-dependency-calls",
        "three-cycle-closed-by-the-deploy-script",
        "self-dependency",
        "cycles-through-what-a-clone-inherits",
        "the-source-env-depends-on-its-clone",
        "a-dag",
    ],
}


@pytest.mark.parametrize(
    "code, name", [(code, name) for code, names in EVERY_RULE_QUIET_ELSEWHERE.items() for name in names]
)
def test_no_other_rule_reports_the_case(tmp_path, code, name):
    rule = REGISTRY[code]
    [case] = [rule.INVALID[0]] if name is None else [c for c in [*rule.INVALID, *rule.VALID] if c.name == name]
    check(tmp_path, case.source)


# --------------------------------------------------------------------------------------------------------
# What the SDK really does: the facts the rules above rely on
# --------------------------------------------------------------------------------------------------------

SDK_FACTS = """
import flyte
from flyte._deploy import plan_deploy

env = flyte.TaskEnvironment("demo")

def attempt(fn):
    try:
        return ["ok", fn()]
    except BaseException as exc:
        return [type(exc).__name__, str(exc)[:200]]

def plan(e):
    return sorted(plan_deploy(e)[0].envs)

def names(e):
    return [d.name for d in e.depends_on]

@env.task
def main() -> dict:
    out = {}
    gpu = flyte.TaskEnvironment("gpu")
    base = flyte.TaskEnvironment("base", depends_on=[gpu])
    out["clone_inherits"] = names(base.clone_with("c1"))
    out["clone_none_inherits"] = names(base.clone_with("c2", depends_on=None))
    out["clone_replaces"] = names(base.clone_with("c3", depends_on=[]))
    a = flyte.TaskEnvironment("a")
    x = flyte.TaskEnvironment("x")
    a.add_dependency(x)
    b = a.clone_with("b")
    a.add_dependency(b)
    out["copied_at_clone"] = [names(a), names(b), plan(a)]
    out["self"] = attempt(lambda: a.add_dependency(a))
    p = flyte.TaskEnvironment("p")
    q = flyte.TaskEnvironment("q", depends_on=[p])
    p.add_dependency(q)
    out["cycle"] = attempt(lambda: plan(p))
    top = flyte.TaskEnvironment("top", depends_on=[base])
    out["transitive"] = plan(top)
    return out
"""


@requires_sdk
def test_sdk_confirms_what_fly401_fly402_say():
    r = run_program(SDK_FACTS, entry="main")
    assert r.ok, r.summary()
    out = r.output
    assert out["clone_inherits"] == ["gpu"]
    assert out["clone_none_inherits"] == ["gpu"]
    assert out["clone_replaces"] == []
    assert out["copied_at_clone"] == [["x", "b"], ["x"], ["a", "b", "x"]]
    assert out["self"][0] == "ValueError" and "Cannot add self as a dependency" in out["self"][1]
    assert out["cycle"][0] == "RecursionError"
    assert out["transitive"] == ["base", "gpu", "top"]


TASK_OBJECTS_PLANNED = """
import flyte
from flyte._deploy import plan_deploy
from flyte.extras import ContainerTask, shell

tools = flyte.Image.from_debian_base().with_apt_packages("jq")  # (must be built: FLY401 applies)
greet = ContainerTask(name="greet", image=tools, command=["echo"], inputs={"x": int}, outputs={"y": int})
greet_env = flyte.TaskEnvironment.from_task("greet_env", greet)
head = shell.create("head", image=tools, inputs={"f": str}, script="echo {inputs.f}")
upper = shell.create("upper", image=tools, script="true")
text_env = flyte.TaskEnvironment.from_task("text", upper.as_task())
bad = flyte.TaskEnvironment("bad")
good = flyte.TaskEnvironment("good", depends_on=[greet_env, text_env, head.env])
probe = flyte.TaskEnvironment("probe")


@bad.task
async def bad_caller(x: int) -> int:
    await head(f=x)  # expect: FLY401
    await upper()  # expect: FLY401
    return await greet(x=x)  # expect: FLY401


@good.task
async def good_caller(x: int) -> int:
    await head(f=x)
    await upper()
    return await greet(x=x)


@probe.task
def main() -> dict:
    return {env.name: sorted(plan_deploy(env)[0].envs) for env in (bad, good)}
"""


@requires_sdk
def test_sdk_deploys_a_task_objects_env_only_through_depends_on(tmp_path):
    # What FLY401 says of ContainerTask and shell tasks, as the SDK's deploy planner sees it: `bad` deploys
    # alone, `good` with the env of each object it calls.
    check(tmp_path, TASK_OBJECTS_PLANNED)
    r = run_program(TASK_OBJECTS_PLANNED, entry="main")
    assert r.ok, r.summary()
    assert r.output == {"bad": ["bad"], "good": ["good", "greet_env", "head", "text"]}
