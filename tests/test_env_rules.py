"""FLY401, FLY402: environment dependencies that `flyte deploy` gets wrong.

What the SDK really does (flyte 2.12.1):
- deploy planning follows ``depends_on`` transitively and never looks at which task calls which;
- ``env.add_dependency(other)`` appends to ``depends_on`` and can run in any module (a deploy script);
  ``env.add_dependency(env)`` raises ValueError "Cannot add self as a dependency";
- ``env.clone_with(name, ...)`` copies ``depends_on`` unless ``depends_on`` is given (``None`` counts as not
  given: ``if depends_on is not None``);
- a ``depends_on`` cycle makes deploy planning recurse until RecursionError.
"""

from __future__ import annotations

import textwrap

from expectutil import check
from lintutil import messages
from sdk_runner import requires_sdk, run_program

TASKS = """
# file: envs.py
import flyte

gpu = flyte.TaskEnvironment("gpu")
cpu = flyte.TaskEnvironment("cpu")
# file: gpu_tasks.py
from envs import gpu

@gpu.task
async def train(x: int) -> int:
    return x

@gpu.task
def strain(x: int) -> int:
    return x
"""


def with_tasks(source: str) -> str:
    """The two-env project above, plus more files."""
    return textwrap.dedent(TASKS) + textwrap.dedent(source)


# --------------------------------------------------------------------------------------------------------
# FLY401 missing-env-dependency
# --------------------------------------------------------------------------------------------------------


def test_fly401_every_call_form(tmp_path):
    check(tmp_path, with_tasks("""
        # file: main.py
        import functools
        import flyte
        from envs import cpu
        from gpu_tasks import strain, train

        @cpu.task
        async def direct(x: int) -> int:
            return await train(x)  # expect: FLY401

        @cpu.task
        async def via_aio(x: int) -> int:
            return await strain.aio(x)  # expect: FLY401

        @cpu.task
        async def via_override(x: int) -> int:
            return await train.override(retries=1)(x)  # expect: FLY401

        @cpu.task
        async def via_partial(x: int) -> int:
            p = functools.partial(train)
            return await p(x)  # expect: FLY401

        @cpu.task
        async def via_map(xs: list[int]) -> list[int]:
            return [r async for r in flyte.map.aio(train, xs)]  # expect: FLY401

        @cpu.task
        def via_sync_map(xs: list[int]) -> list[int]:
            return list(flyte.map(functools.partial(strain), xs))  # expect: FLY401
    """))


OBJECTS = """
# file: containers.py
import flyte
from flyte.extras import ContainerTask, shell
from flyteplugins.connectors.snowflake import Snowflake

greet = ContainerTask(name="greet", image="alpine", command=["echo"], inputs={"x": int}, outputs={"y": int})
query = Snowflake(name="q", query_template="select 1")
head = shell.create("head", image="debian:12-slim", inputs={"f": str}, script="head {inputs.f}")
upper = shell.create("upper", image="debian:12-slim", script="true")
lonely = ContainerTask(name="lonely", image="alpine", command=["echo"])  # in no env
# file: object_envs.py
import flyte
import containers

greet_env = flyte.TaskEnvironment.from_task("greet_env", containers.greet, containers.query)
text_env = flyte.TaskEnvironment.from_task("text", containers.upper.as_task())
"""


def test_fly401_task_objects_made_outside_env_task(tmp_path):
    # A ContainerTask, a plugin's task or a shell task runs in the env `from_task` gives it (the module that
    # calls `from_task` need not be imported by the caller), a shell task otherwise in an env of its own.
    check(tmp_path, textwrap.dedent(OBJECTS) + textwrap.dedent("""
        # file: main.py
        import flyte
        import containers
        from containers import greet, head, lonely, query, upper as up

        cpu = flyte.TaskEnvironment("cpu")

        @cpu.task
        async def main(x: int) -> int:
            await greet(x=x)  # expect: FLY401
            await greet.aio(x=x)  # expect: FLY401
            await greet.override(retries=2)(x=x)  # expect: FLY401
            await containers.greet(x=x)  # expect: FLY401
            await query()  # expect: FLY401
            await head(f=x)  # expect: FLY401
            await up()  # expect: FLY401
            greet.forward(x=x)  # (runs the container in this task)
            await lonely()  # (in no env the model knows)
            return x

        @cpu.task
        async def fan_out(xs: list[int]) -> list[int]:
            mapped = [y async for y in flyte.map.aio(greet, xs)]  # expect: FLY401
            return mapped + [y async for y in flyte.map.aio(head, xs)]  # (a shell task mapped runs nothing: FLY202)

        @cpu.task
        def fan_out_sync(xs: list[int]) -> list[int]:
            return list(flyte.map(containers.greet.override(retries=1), xs))  # expect: FLY401
    """), select=["FLY401"])


def test_fly401_task_objects_whose_env_is_a_dependency_stay_quiet(tmp_path):
    check(tmp_path, textwrap.dedent(OBJECTS) + textwrap.dedent("""
        # file: main.py
        import flyte
        from containers import greet, head, query, upper
        from object_envs import greet_env, text_env

        cpu = flyte.TaskEnvironment("cpu", depends_on=[greet_env, text_env, head.env])

        @cpu.task
        async def main(x: int) -> int:
            await greet(x=x)
            await query()
            await head(f=x)
            await upper()
            return x + len([y async for y in flyte.map.aio(greet, [x])])
    """))


def test_fly401_a_shell_tasks_env_in_depends_on_is_known(tmp_path):
    # (`head.env` names an env: the others of the list are still checked)
    check(tmp_path, textwrap.dedent(OBJECTS) + textwrap.dedent("""
        # file: main.py
        import flyte
        from containers import greet, head

        cpu = flyte.TaskEnvironment("cpu", depends_on=[head.env])
        gpu = flyte.TaskEnvironment("gpu")
        gpu.add_dependency(head.env)

        @cpu.task
        async def main(x: int) -> int:
            await head(f=x)
            return await greet(x=x)  # expect: FLY401

        @gpu.task
        async def other(x: int) -> int:
            return await head(f=x)
    """))


def test_fly401_task_objects_messages(tmp_path):
    found = messages(tmp_path, textwrap.dedent(OBJECTS) + textwrap.dedent("""
        # file: main.py
        import flyte
        from containers import greet, head

        cpu = flyte.TaskEnvironment("cpu")

        @cpu.task
        async def main(x: int) -> int:
            await greet(x=x)
            return await head(f=x)
    """), select=["FLY401"])
    assert found == [
        "FLY401 task 'cpu.main' (env 'cpu') calls `greet`, a task of env 'greet_env', which 'cpu' does not depend on: "
        "deploying 'cpu' leaves 'greet_env' out, and the task with it. Add `depends_on=[greet_env]` to env 'cpu'",
        "FLY401 task 'cpu.main' (env 'cpu') calls `head`, a task of env 'head', which 'cpu' does not depend on: "
        "deploying 'cpu' leaves 'head' out, and the task with it. Add `depends_on=[head.env]` to env 'cpu'",
    ]


def test_fly401_task_objects_that_look_alike_stay_quiet(tmp_path):
    check(tmp_path, """
        # file: main.py
        import flyte
        from flyte.extras import ContainerTask

        cpu = flyte.TaskEnvironment("cpu")
        greet = ContainerTask(name="greet", image="alpine", command=["echo"])
        if flyte.__version__:
            greet = ContainerTask(name="other", image="alpine", command=["echo"])
        group = flyte.TaskEnvironment.from_task("group", greet)

        class Runner:
            def __call__(self):
                return 1

        runner = Runner()

        @cpu.task
        async def main(x: int) -> int:
            await greet()  # (bound twice: which object is not known)
            local = ContainerTask(name="local", image="alpine", command=["echo"])
            grouped = flyte.TaskEnvironment.from_task("grouped", local)
            await local()  # (its env is made as the task runs: no deploy plans it)
            return runner()
    """)


def test_fly401_call_from_a_plain_helper_a_task_calls(tmp_path):
    check(tmp_path, with_tasks("""
        # file: helpers.py
        from gpu_tasks import strain

        def run_training(x):
            return strain(x)  # expect: FLY401

        def unused_helper(x):
            return strain(x)
        # file: main.py
        from envs import cpu
        from helpers import run_training

        @cpu.task
        def main(x: int) -> int:
            return run_training(x)
    """))


def test_fly401_nested_function_inside_a_task(tmp_path):
    check(tmp_path, with_tasks("""
        # file: main.py
        from envs import cpu
        from gpu_tasks import strain

        @cpu.task
        def main(xs: list[int]) -> list[int]:
            def one(x):
                return strain(x)  # expect: FLY401
            return [one(x) for x in xs]
    """))


def test_fly401_call_inside_a_lambda_inside_a_task(tmp_path):
    check(tmp_path, with_tasks("""
        # file: main.py
        from envs import cpu
        from gpu_tasks import strain

        @cpu.task
        def main(xs: list[int]) -> list[int]:
            return sorted(xs, key=lambda x: strain(x))  # expect: FLY401

        if __name__ == "__main__":
            print(sorted([3, 1], key=lambda x: strain(x)))
    """))


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


def test_fly401_quiet_with_add_dependency_in_a_separate_deploy_module(tmp_path):
    check(tmp_path, with_tasks("""
        # file: main.py
        from envs import cpu
        from gpu_tasks import train

        @cpu.task
        async def main(x: int) -> int:
            return await train(x)
        # file: deploy.py
        import flyte
        from envs import cpu, gpu

        cpu.add_dependency(gpu)

        if __name__ == "__main__":
            flyte.init_from_config()
            flyte.deploy(cpu)
    """))


def test_fly401_quiet_with_transitive_dependencies(tmp_path):
    check(tmp_path, """
        import flyte

        gpu = flyte.TaskEnvironment("gpu")
        middle = flyte.TaskEnvironment("middle", depends_on=[gpu])
        top = flyte.TaskEnvironment("top", depends_on=[middle])

        @gpu.task
        async def train(x: int) -> int:
            return x

        @top.task
        async def main(x: int) -> int:
            return await train(x)
    """)


def test_fly401_quiet_when_clone_with_inherits_depends_on(tmp_path):
    check(tmp_path, """
        import flyte

        gpu = flyte.TaskEnvironment("gpu")
        base = flyte.TaskEnvironment("base", depends_on=[gpu])
        big = base.clone_with("big", resources=flyte.Resources(cpu="8"))

        @gpu.task
        async def train(x: int) -> int:
            return x

        @big.task
        async def main(x: int) -> int:
            return await train(x)
    """)


def test_fly401_clone_with_replacing_depends_on_is_reported(tmp_path):
    check(tmp_path, """
        import flyte

        gpu = flyte.TaskEnvironment("gpu")
        other = flyte.TaskEnvironment("other")
        base = flyte.TaskEnvironment("base", depends_on=[gpu])
        big = base.clone_with("big", depends_on=[other])

        @gpu.task
        async def train(x: int) -> int:
            return x

        @big.task
        async def main(x: int) -> int:
            return await train(x)  # expect: FLY401
    """)


def test_fly401_quiet_when_clone_with_passes_depends_on_none(tmp_path):
    check(tmp_path, """
        import flyte

        gpu = flyte.TaskEnvironment("gpu")
        base = flyte.TaskEnvironment("base", depends_on=[gpu])
        big = base.clone_with("big", depends_on=None)

        @gpu.task
        async def train(x: int) -> int:
            return x

        @big.task
        async def main(x: int) -> int:
            return await train(x)
    """)


def test_fly401_quiet_when_depends_on_cannot_be_resolved(tmp_path):
    check(tmp_path, """
        # file: registry.py
        def get_envs():
            return []
        # file: main.py
        import flyte
        from registry import get_envs
        from somewhere import external_env

        extra = [flyte.TaskEnvironment("extra")]
        gpu = flyte.TaskEnvironment("gpu")
        a = flyte.TaskEnvironment("a", depends_on=get_envs())
        b = flyte.TaskEnvironment("b", depends_on=[*extra])
        c = flyte.TaskEnvironment("c", depends_on=[external_env])

        @gpu.task
        async def train(x: int) -> int:
            return x

        @a.task
        async def ta(x: int) -> int:
            return await train(x)

        @b.task
        async def tb(x: int) -> int:
            return await train(x)

        @c.task
        async def tc(x: int) -> int:
            return await train(x)
    """)


def test_fly401_quiet_within_the_same_env_and_outside_tasks(tmp_path):
    check(tmp_path, with_tasks("""
        # file: more_gpu.py
        from envs import gpu
        from gpu_tasks import strain, train

        @gpu.task
        async def main(x: int) -> int:
            return await train(x) + await strain.aio(x)
        # file: run.py
        import flyte
        from gpu_tasks import strain

        def helper_nobody_calls(x):
            return strain(x)

        if __name__ == "__main__":
            flyte.init()
            print(strain(1))
            flyte.run(strain, x=1)
    """))


def test_fly401_message_names_runtime_effect_and_fix(tmp_path):
    [msg] = messages(tmp_path, """
        import flyte

        gpu_env = flyte.TaskEnvironment("gpu")
        driver_env = flyte.TaskEnvironment("driver")

        @gpu_env.task
        async def train(x: int) -> int:
            return x

        @driver_env.task
        async def main(x: int) -> int:
            return await train(x)
    """)
    assert msg.startswith("FLY401 ")
    assert "deploying 'driver' leaves 'gpu' out" in msg
    assert "Environment 'gpu' not found in image cache" in msg and "default image" in msg
    assert "Add `depends_on=[gpu_env]` to env 'driver'" in msg


# --------------------------------------------------------------------------------------------------------
# FLY402 env-dependency-cycle
# --------------------------------------------------------------------------------------------------------


def test_fly402_two_cycle_reported_once_at_the_last_declared_dependency(tmp_path):
    src = """
        import flyte

        a = flyte.TaskEnvironment("a")
        b = flyte.TaskEnvironment("b", depends_on=[a])
        a.add_dependency(b)  # expect: FLY402
    """
    check(tmp_path, src)
    [msg] = messages(tmp_path, src)
    assert "'b' -> 'a' -> 'b'" in msg  # ends with the dependency that closes it


def test_fly402_two_cycle_with_two_add_dependency_calls(tmp_path):
    check(tmp_path, """
        import flyte

        a = flyte.TaskEnvironment("a")
        b = flyte.TaskEnvironment("b")
        b.add_dependency(a)
        a.add_dependency(b)  # expect: FLY402
        a.add_dependency(b)
    """)


def test_fly402_three_cycle_across_modules_is_closed_by_the_deploy_script(tmp_path):
    src = """
        # file: x.py
        import flyte
        from y import ey

        ex = flyte.TaskEnvironment("ex", depends_on=[ey])
        # file: y.py
        import flyte
        from z import ez

        ey = flyte.TaskEnvironment("ey", depends_on=[ez])
        # file: z.py
        import flyte

        ez = flyte.TaskEnvironment("ez")
        # file: a_deploy.py
        from x import ex
        from z import ez

        ez.add_dependency(ex)  # expect: FLY402
    """
    check(tmp_path, src)
    [msg] = messages(tmp_path, src)
    assert "'ex' -> 'ey' -> 'ez' -> 'ex'" in msg


def test_fly402_self_dependency(tmp_path):
    src = """
        import flyte

        c = flyte.TaskEnvironment("c")
        c.add_dependency(c)  # expect: FLY402
    """
    check(tmp_path, src)
    [msg] = messages(tmp_path, src)
    assert "Cannot add self as a dependency" in msg and "ValueError" in msg


def test_fly402_quiet_when_the_source_env_depends_on_its_clone(tmp_path):
    # clone_with copies depends_on when it runs: b's list is [x]; a -> b is no cycle.
    check(tmp_path, """
        import flyte

        a = flyte.TaskEnvironment("a")
        x = flyte.TaskEnvironment("x")
        a.add_dependency(x)
        b = a.clone_with("b")
        a.add_dependency(b)
    """)


def test_fly402_cycles_through_what_a_clone_inherits(tmp_path):
    check(tmp_path, """
        import flyte

        a = flyte.TaskEnvironment("a")
        b = flyte.TaskEnvironment("b", depends_on=[a])
        c = b.clone_with("c")
        a.add_dependency(c)  # expect: FLY402
        x = flyte.TaskEnvironment("x")
        y = flyte.TaskEnvironment("y")
        x.add_dependency(y)
        x2 = x.clone_with("x2")
        y.add_dependency(x2)  # expect: FLY402
    """)


def test_fly402_quiet_on_a_dag(tmp_path):
    check(tmp_path, """
        # file: envs.py
        import flyte

        base = flyte.TaskEnvironment("base")
        left = flyte.TaskEnvironment("left", depends_on=[base])
        right = flyte.TaskEnvironment("right", depends_on=[base])
        top = flyte.TaskEnvironment("top", depends_on=[left, right])
        big = top.clone_with("big")
        # file: deploy.py
        from envs import base, big, left, right, top

        top.add_dependency(base)
        big.add_dependency(left, right)
    """)


def test_fly402_message_names_runtime_effect_and_fix(tmp_path):
    [msg] = messages(tmp_path, """
        import flyte

        a = flyte.TaskEnvironment("a")
        b = flyte.TaskEnvironment("b", depends_on=[a])
        a.add_dependency(b)
    """)
    assert msg.startswith("FLY402 ")
    assert "RecursionError" in msg and "Remove one of these dependencies" in msg


# --------------------------------------------------------------------------------------------------------
# What the SDK really does: the facts the rules above rely on
# --------------------------------------------------------------------------------------------------------

SDK_FACTS = '''
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
'''


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


TASK_OBJECTS_PLANNED = '''
import flyte
from flyte._deploy import plan_deploy
from flyte.extras import ContainerTask, shell

greet = ContainerTask(name="greet", image="alpine", command=["echo"], inputs={"x": int}, outputs={"y": int})
greet_env = flyte.TaskEnvironment.from_task("greet_env", greet)
head = shell.create("head", image="debian:12-slim", inputs={"f": str}, script="echo {inputs.f}")
upper = shell.create("upper", image="debian:12-slim", script="true")
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
'''


@requires_sdk
def test_sdk_deploys_a_task_objects_env_only_through_depends_on(tmp_path):
    # What FLY401 says of ContainerTask and shell tasks, as the SDK's deploy planner sees it: `bad` deploys
    # alone, `good` with the env of each object it calls.
    check(tmp_path, TASK_OBJECTS_PLANNED)
    r = run_program(TASK_OBJECTS_PLANNED, entry="main")
    assert r.ok, r.summary()
    assert r.output == {"bad": ["bad"], "good": ["good", "greet_env", "head", "text"]}
