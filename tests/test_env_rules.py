"""FLY401, FLY402: environment dependencies that remote runs and `flyte deploy` get wrong.

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
from lintutil import lint_result, messages
from sdk_runner import requires_sdk, run_program

# The callee env's image must be built: a child submitted into it needs the run's image cache to know it.
TASKS = """
# file: envs.py
import flyte

gpu = flyte.TaskEnvironment("gpu", image=flyte.Image.from_debian_base().with_pip_packages("torch"))
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
# FLY401 missing-env-dependency (more cases on the rule: flyte_lint/rules/envs/missing_env_dependency.py)
# --------------------------------------------------------------------------------------------------------


def test_fly401_every_call_form(tmp_path):
    # Each cpu task is a root (no task calls it): its run plans 'cpu' only.
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

        @cpu.task
        def via_forward(x: int) -> int:
            return strain.forward(x)  # (runs the body in this task: no child is submitted)
    """))


# Task objects whose images must be built (a ContainerTask's own image, a shell task's), and one plugin task.
OBJECTS = """
# file: containers.py
import flyte
from flyte.extras import ContainerTask, shell
from flyteplugins.connectors.snowflake import Snowflake

tools = flyte.Image.from_debian_base().with_apt_packages("jq")
greet = ContainerTask(name="greet", image=tools, command=["echo"], inputs={"x": int}, outputs={"y": int})
query = Snowflake(name="q", query_template="select 1")
head = shell.create("head", image=tools, inputs={"f": str}, script="head {inputs.f}")
upper = shell.create("upper", image=tools, script="true")
lonely = ContainerTask(name="lonely", image=tools, command=["echo"])  # in no env
# file: object_envs.py
import flyte
import containers

greet_env = flyte.TaskEnvironment.from_task("greet_env", containers.greet, containers.query)
text_env = flyte.TaskEnvironment.from_task("text", containers.upper.as_task())
"""


def test_fly401_task_objects_made_outside_env_task(tmp_path):
    # A ContainerTask or a shell task runs in the env `from_task` gives it (the module that calls `from_task`
    # need not be imported by the caller), a shell task otherwise in an env of its own. Its own image decides.
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
            await query()  # (a plugin's task: how it is serialized is not known)
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


def test_fly401_task_objects_whose_image_needs_no_build_stay_quiet(tmp_path):
    # A ContainerTask's or a shell task's image given as a URI string is used as is: no dependency needed (the
    # shell task's env exists: another env's depends_on reads `head.env`).
    check(tmp_path, """
        # file: main.py
        import flyte
        from flyte.extras import ContainerTask, shell

        greet = ContainerTask(name="greet", image="alpine:3.20", command=["echo"], inputs={"x": int})
        greet_env = flyte.TaskEnvironment.from_task("greet_env", greet)
        head = shell.create("head", image="debian:12-slim", inputs={"f": str}, script="head {inputs.f}")
        other = flyte.TaskEnvironment("other", depends_on=[head.env])
        cpu = flyte.TaskEnvironment("cpu")

        @cpu.task
        async def main(x: int) -> int:
            await greet(x=x)
            await head(f="a")
            return x
    """, select=["FLY401"])


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
        "FLY401 task 'cpu.main' (env 'cpu') calls `greet`, a task of env 'greet_env', whose image must be built "
        "(`.with_apt_packages(...)`): a remote run of 'cpu.main' (no task calls it) builds images only for env 'cpu' "
        "and its depends_on, which do not include 'greet_env', so submitting `greet` there fails with \"Environment "
        "'greet_env' not found in image cache\" (a local run works). Add `depends_on=[greet_env]` to env 'cpu'",
        "FLY401 task 'cpu.main' (env 'cpu') calls `head`, a task of env 'head', a shell task whose env is made only "
        "when `head.env` is read, which no `depends_on` does: a remote run of 'cpu.main' (no task calls it) builds "
        "images only for env 'cpu' and its depends_on, which do not include 'head', so submitting `head` there fails "
        "with \"Task head has no parent environment name\" (a local run does not serialize it). Add "
        "`depends_on=[head.env]` to env 'cpu'",
    ]


def test_fly401_task_objects_that_look_alike_stay_quiet(tmp_path):
    check(tmp_path, """
        # file: main.py
        import flyte
        from flyte.extras import ContainerTask

        tools = flyte.Image.from_debian_base().with_apt_packages("jq")
        cpu = flyte.TaskEnvironment("cpu")
        greet = ContainerTask(name="greet", image=tools, command=["echo"])
        if flyte.__version__:
            greet = ContainerTask(name="other", image=tools, command=["echo"])
        group = flyte.TaskEnvironment.from_task("group", greet)

        class Runner:
            def __call__(self):
                return 1

        runner = Runner()

        @cpu.task
        async def main(x: int) -> int:
            await greet()  # (bound twice: which object is not known)
            local = ContainerTask(name="local", image=tools, command=["echo"])
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


def test_fly401_a_dependency_added_to_the_source_after_the_clone_does_not_reach_it(tmp_path):
    # clone_with copies depends_on when it runs: 'late' gets 'gpu' only on its source, after the clone;
    # 'early' is cloned after the add_dependency and has it; where the order is not known, the rule is silent.
    check(tmp_path, """
        # file: main.py
        import flyte

        gpu = flyte.TaskEnvironment("gpu", image=flyte.Image.from_debian_base().with_pip_packages("torch"))
        base = flyte.TaskEnvironment("base")
        late = base.clone_with("late")
        base.add_dependency(gpu)
        early = base.clone_with("early")
        other = flyte.TaskEnvironment("other")
        unordered = other.clone_with("unordered")

        @gpu.task
        async def train(x: int) -> int:
            return x

        @late.task
        async def late_main(x: int) -> int:
            return await train(x)  # expect: FLY401

        @early.task
        async def early_main(x: int) -> int:
            return await train(x)

        @unordered.task
        async def unordered_main(x: int) -> int:
            return await train(x)
        # file: wiring.py
        from main import gpu, other

        other.add_dependency(gpu)
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
        gpu = flyte.TaskEnvironment("gpu", image=flyte.Image.from_debian_base().with_pip_packages("torch"))
        a = flyte.TaskEnvironment("a", depends_on=get_envs())
        b = flyte.TaskEnvironment("b", depends_on=[*extra])
        c = flyte.TaskEnvironment("c", depends_on=[external_env])
        d = a.clone_with("d")

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

        @d.task
        async def td(x: int) -> int:
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


# -- what the callee's image needs --------------------------------------------------------------------------


def test_fly401_callee_images_that_must_be_built(tmp_path):
    # Layers (any with_* builder), a script's image, a named reference, the default image without flyte (made of
    # layers), a Dockerfile: each is reported.
    check(tmp_path, """
        # file: main.py
        import flyte

        base = flyte.Image.from_debian_base()
        pip_env = flyte.TaskEnvironment("pip", image=base.with_pip_packages("torch"))
        apt_env = flyte.TaskEnvironment("apt", image=flyte.Image.from_debian_base().with_apt_packages("curl"))
        vars_env = flyte.TaskEnvironment("vars", image=base.with_env_vars({"A": "1"}))
        cmd_env = flyte.TaskEnvironment("cmd", image=base.with_commands(["true"]).with_workdir("/w"))
        req_env = flyte.TaskEnvironment("req", image=base.with_requirements("requirements.txt"))
        src_env = flyte.TaskEnvironment("src", image=base.with_source_folder("src"))
        uv_env = flyte.TaskEnvironment("uv", image=flyte.Image.from_uv_script("script.py", name="uv"))
        ref_env = flyte.TaskEnvironment("ref", image=flyte.Image.from_ref_name("trainer"))
        bare_env = flyte.TaskEnvironment("bare", image=flyte.Image.from_debian_base(install_flyte=False))
        docker_env = flyte.TaskEnvironment("docker", image=flyte.Image.from_dockerfile("Dockerfile", registry="r", name="d"))
        driver = flyte.TaskEnvironment("driver")

        @pip_env.task
        async def pip_task() -> int:
            return 1

        @apt_env.task
        async def apt_task() -> int:
            return 1

        @vars_env.task
        async def vars_task() -> int:
            return 1

        @cmd_env.task
        async def cmd_task() -> int:
            return 1

        @req_env.task
        async def req_task() -> int:
            return 1

        @src_env.task
        async def src_task() -> int:
            return 1

        @uv_env.task
        async def uv_task() -> int:
            return 1

        @ref_env.task
        async def ref_task() -> int:
            return 1

        @bare_env.task
        async def bare_task() -> int:
            return 1

        @docker_env.task
        async def docker_task() -> int:
            return 1

        @driver.task
        async def main() -> int:
            total = await pip_task()  # expect: FLY401
            total += await apt_task()  # expect: FLY401
            total += await vars_task()  # expect: FLY401
            total += await cmd_task()  # expect: FLY401
            total += await req_task()  # expect: FLY401
            total += await src_task()  # expect: FLY401
            total += await uv_task()  # expect: FLY401
            total += await ref_task()  # expect: FLY401
            total += await bare_task()  # expect: FLY401
            total += await docker_task()  # expect: FLY401
            return total
    """, select=["FLY401"])


def test_fly401_callee_images_that_need_no_build_stay_quiet(tmp_path):
    # The child is serialized with the image's own URI: no `image=`, "auto", a URI string (also an f-string or from
    # the environment), a bare default image (with a Python version, or a name: no layers), `from_base`.
    check(tmp_path, """
        # file: main.py
        import os
        import flyte

        TAG = "1.0"
        default_env = flyte.TaskEnvironment("default")
        auto_env = flyte.TaskEnvironment("auto", image="auto")
        uri_env = flyte.TaskEnvironment("uri", image="ghcr.io/acme/trainer:1.0")
        fstr_env = flyte.TaskEnvironment("fstr", image=f"ghcr.io/acme/trainer:{TAG}")
        getenv_env = flyte.TaskEnvironment("getenv", image=os.getenv("IMAGE", "ghcr.io/acme/trainer:1.0"))
        debian_env = flyte.TaskEnvironment("debian", image=flyte.Image.from_debian_base(python_version=(3, 12)))
        named_env = flyte.TaskEnvironment("named", image=flyte.Image.from_debian_base(name="trainer", registry="ghcr.io/acme"))
        base_env = flyte.TaskEnvironment("base", image=flyte.Image.from_base("ghcr.io/acme/trainer:1.0"))
        none_env = flyte.TaskEnvironment("none", image=None)
        driver = flyte.TaskEnvironment("driver")

        @default_env.task
        async def t1() -> int:
            return 1

        @auto_env.task
        async def t2() -> int:
            return 1

        @uri_env.task
        async def t3() -> int:
            return 1

        @fstr_env.task
        async def t4() -> int:
            return 1

        @getenv_env.task
        async def t5() -> int:
            return 1

        @debian_env.task
        async def t6() -> int:
            return 1

        @named_env.task
        async def t7() -> int:
            return 1

        @base_env.task
        async def t8() -> int:
            return 1

        @none_env.task
        async def t9() -> int:
            return 1

        @driver.task
        async def main() -> int:
            return (await t1() + await t2() + await t3() + await t4() + await t5() + await t6() + await t7()
                    + await t8() + await t9())
    """, select=["FLY401"])


def test_fly401_follows_images_through_names_modules_aliases_and_clones(tmp_path):
    check(tmp_path, """
        # file: images.py
        import flyte as fl
        from flyte import Image as Img

        base = Img.from_debian_base()
        trainer = base.with_pip_packages("torch")
        plain = fl.Image.from_base("ghcr.io/acme/plain:1")

        def layered():
            return fl.Image.from_debian_base().with_pip_packages("pandas")
        # file: envs.py
        import flyte as fl
        import images
        from images import layered, plain, trainer as trainer_image

        image = images.base
        image = image.with_apt_packages("git")
        gpu = fl.TaskEnvironment("gpu", image=trainer_image)
        rebound = fl.TaskEnvironment("rebound", image=image)
        made = fl.TaskEnvironment("made", image=layered())
        light = fl.TaskEnvironment("light", image=plain)
        gpu_big = gpu.clone_with("gpu_big", resources=fl.Resources(gpu=2))  # (keeps gpu's image)
        gpu_uri = gpu.clone_with("gpu_uri", image="ghcr.io/acme/trainer:1")  # (its own image: a URI)
        light_built = light.clone_with("light_built", image=trainer_image)
        borrowed = fl.TaskEnvironment("borrowed", image=gpu.image)  # (gpu's image)
        borrowed_light = fl.TaskEnvironment("borrowed_light", image=light.image)
        # file: main.py
        import flyte as fl
        from envs import borrowed, borrowed_light, gpu, gpu_big, gpu_uri, light, light_built, made, rebound

        driver = fl.TaskEnvironment("driver")

        @gpu.task
        async def a() -> int:
            return 1

        @rebound.task
        async def b() -> int:
            return 1

        @made.task
        async def c() -> int:
            return 1

        @light.task
        async def d() -> int:
            return 1

        @gpu_big.task
        async def e() -> int:
            return 1

        @gpu_uri.task
        async def f() -> int:
            return 1

        @light_built.task
        async def g() -> int:
            return 1

        @borrowed.task
        async def h() -> int:
            return 1

        @borrowed_light.task
        async def i() -> int:
            return 1

        @driver.task
        async def main() -> int:
            total = await a()  # expect: FLY401
            total += await b()  # expect: FLY401
            total += await c()  # expect: FLY401
            total += await d()
            total += await e()  # expect: FLY401
            total += await f()
            total += await g()  # expect: FLY401
            total += await h()  # expect: FLY401
            total += await i()
            return total
    """, select=["FLY401"])


def test_fly401_quiet_when_the_callee_image_is_not_known(tmp_path):
    check(tmp_path, """
        # file: main.py
        import flyte
        from company.images import trainer_image
        from company.builders import Builder

        IMAGES = {"gpu": flyte.Image.from_debian_base().with_pip_packages("torch")}
        if flyte.__version__:
            maybe = flyte.Image.from_debian_base().with_pip_packages("torch")
        else:
            maybe = "ghcr.io/acme/trainer:1"
        options = {"image": flyte.Image.from_debian_base().with_pip_packages("torch")}

        external = flyte.TaskEnvironment("external", image=trainer_image)
        looked_up = flyte.TaskEnvironment("looked_up", image=IMAGES["gpu"])
        branch = flyte.TaskEnvironment("branch", image=maybe)
        spread = flyte.TaskEnvironment("spread", **options)
        look_alike = flyte.TaskEnvironment("look_alike", image=Builder().with_pip_packages("torch"))
        driver = flyte.TaskEnvironment("driver")

        @external.task
        async def t1() -> int:
            return 1

        @looked_up.task
        async def t2() -> int:
            return 1

        @branch.task
        async def t3() -> int:
            return 1

        @spread.task
        async def t4() -> int:
            return 1

        @look_alike.task
        async def t5() -> int:
            return 1

        @driver.task
        async def main() -> int:
            return await t1() + await t2() + await t3() + await t4() + await t5()
    """, select=["FLY401"])


def test_model_image_need_and_run_roots(tmp_path):
    analysis = lint_result(tmp_path, """
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
    """).analysis
    needs = {env.label: analysis.image_need(env) for env in analysis.envs}
    assert {label: need.kind for label, need in needs.items()} == {
        "gpu": "build", "cpu": "none", "docker": "dockerfile", "unknown": "unknown"}
    assert needs["gpu"].builder == "`Image.from_ref_name(...)`"
    roots = analysis.run_roots
    by_name = {task.name: task for task in analysis.tasks}
    assert {t.name: r.why for t, r in roots.roots.items()} == {
        "cpu.main": "no caller", "cpu.step": "trigger", "gpu.train": "run"}
    assert [r.task.name for r in roots.reaching(by_name["gpu.train"])] == ["cpu.main", "cpu.step", "gpu.train"]
    assert [r.task.name for r in roots.reaching(by_name["cpu.step"])] == ["cpu.main", "cpu.step"]


# -- which roots reach the call -----------------------------------------------------------------------------

ROOTED = """
# file: envs.py
import flyte

image = flyte.Image.from_debian_base().with_pip_packages("torch")
gpu = flyte.TaskEnvironment("gpu", image=image)
worker = flyte.TaskEnvironment("worker")
driver = flyte.TaskEnvironment("driver", depends_on=[worker, gpu])
# file: tasks.py
from envs import gpu, worker

@gpu.task
async def train(x: int) -> int:
    return x

@worker.task
async def step(x: int) -> int:
    return await train(x)  {mark}
"""


def test_fly401_quiet_when_the_root_env_covers_the_callee(tmp_path):
    # 'worker' does not depend on 'gpu', but every run that reaches step starts at driver.main, whose env does.
    check(tmp_path, ROOTED.format(mark="") + textwrap.dedent("""
        # file: main.py
        import flyte
        from envs import driver
        from tasks import step

        @driver.task
        async def main(x: int) -> int:
            return await step(x)

        if __name__ == "__main__":
            flyte.init_from_config()
            flyte.run(main, x=1)
    """))


def test_fly401_a_task_passed_to_flyte_run_is_a_root_even_when_called(tmp_path):
    # `flyte.run(step)` (also through with_runcontext, and .aio) starts a run at step: it plans 'worker' only.
    for index, run in enumerate(("flyte.run(step, x=1)", "flyte.with_runcontext(mode=\"remote\").run(step, x=1)",
                "asyncio.run(flyte.run.aio(step, x=1))", "asyncio.run(fl.with_runcontext().run.aio(step, x=1))")):
        src = ROOTED.format(mark="# expect: FLY401") + textwrap.dedent(f"""
            # file: main.py
            import asyncio
            import flyte
            import flyte as fl
            from envs import driver
            from tasks import step

            @driver.task
            async def main(x: int) -> int:
                return await step(x)

            if __name__ == "__main__":
                flyte.init_from_config()
                {run}
        """)
        check(tmp_path / f"run{index}", src)
        [msg] = messages(tmp_path / f"run{index}", src)
        assert "a remote run of 'worker.step' (run by `flyte.run`)" in msg, msg
        assert "Add `depends_on=[gpu]` to env 'worker'" in msg, msg


def test_fly401_a_call_of_one_of_several_tasks_of_one_env(tmp_path):
    # A task picked from a literal container (Analysis.choice_sites) is reported when every candidate is a task of
    # the same env; candidates of several envs are left alone. The candidates count as called: no roots.
    check(tmp_path, """
        # file: main.py
        import flyte

        tools = flyte.TaskEnvironment("tools", image=flyte.Image.from_debian_base().with_pip_packages("httpx"))
        other = flyte.TaskEnvironment("other", image=flyte.Image.from_debian_base().with_pip_packages("numpy"))
        agent = flyte.TaskEnvironment("agent")

        @tools.task
        async def search(q: str) -> str:
            return q

        @tools.task
        async def fetch(q: str) -> str:
            return q

        @other.task
        async def crunch(q: str) -> str:
            return q

        TOOLS = {"search": search, "fetch": fetch}
        MIXED = {"search": search, "crunch": crunch}

        @agent.task
        async def run_tool(name: str, q: str) -> str:
            await MIXED[name](q)
            return await TOOLS[name](q)  # expect: FLY401
    """, select=["FLY401"])


def test_fly401_a_task_handed_to_other_code_is_no_root(tmp_path):
    # `fan_out` hands `step` to a helper that maps it: step is called by fan_out's run (env 'driver', which covers
    # 'gpu'), not a root. `register([alone])` at import hands `alone` to code that may call it: not a root either.
    check(tmp_path, ROOTED.format(mark="") + textwrap.dedent("""
        # file: helpers.py
        import flyte

        async def map_all(task, xs):
            return [y async for y in flyte.map.aio(task, xs)]

        def register(tasks):
            return tasks
        # file: main.py
        from envs import driver, worker
        from helpers import map_all, register
        from tasks import train

        @driver.task
        async def fan_out(xs: list[int]) -> list[int]:
            return await map_all(step_alias, xs)

        @worker.task
        async def alone(x: int) -> int:
            return await train(x)

        from tasks import step as step_alias
        register([alone])
    """))


def test_fly401_a_task_under_a_decorator_the_model_cannot_see_through(tmp_path):
    # `@wandb_init` above the task: calls through its name are not seen. Nothing uses the name `pipeline`: it is
    # a root (`flyte run ... pipeline`). `experiment`'s name is rebound and handed on: its calls may be hidden.
    check(tmp_path, """
        # file: main.py
        import dataclasses
        import flyte
        from flyteplugins.wandb import wandb_init
        from tools import run_all

        gpu = flyte.TaskEnvironment("gpu", image=flyte.Image.from_debian_base().with_pip_packages("torch"))
        driver = flyte.TaskEnvironment("driver")

        @gpu.task
        async def train(x: int) -> int:
            return x

        @wandb_init(project="demo")
        @driver.task
        async def pipeline(x: int) -> int:
            return await train(x)  # expect: FLY401

        @wandb_init
        @driver.task
        async def experiment(x: int) -> int:
            return await train(x)

        experiment = dataclasses.replace(experiment, name="x")

        @gpu.task
        async def batch(xs: list[int]) -> list[int]:
            return await run_all(experiment, xs)
    """, select=["FLY401"])


def test_fly401_a_run_method_of_another_library_or_a_local_run_makes_no_root(tmp_path):
    check(tmp_path, ROOTED.format(mark="") + textwrap.dedent("""
        # file: main.py
        import flyte
        from envs import driver
        from tasks import step
        from scheduler import Runner

        @driver.task
        async def main(x: int) -> int:
            return await step(x)

        if __name__ == "__main__":
            Runner().run(step, x=1)
            flyte.with_runcontext(mode="local").run(step, x=1)  # (in this process: no image is looked up)
    """))


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
    assert ("the runs that the trigger of root task 'worker.step' starts use the image cache of the `flyte deploy` "
            "that registered env 'worker': 'worker', its depends_on (which do not include 'gpu') and the envs deployed "
            "in the same command, so unless 'gpu' is deployed in that command, submitting 'gpu.train' there fails "
            "with \"Environment 'gpu' not found in image cache\"") in finding.message, finding.message


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


def test_fly401_names_the_uncovered_root_of_a_deep_call(tmp_path):
    # Two roots reach step: driver.main covers 'gpu', other.entry does not; the finding names the latter.
    src = ROOTED.format(mark="# expect: FLY401") + textwrap.dedent("""
        # file: main.py
        import flyte
        from envs import driver, worker
        from tasks import step

        other = flyte.TaskEnvironment("other", depends_on=[worker])

        @driver.task
        async def main(x: int) -> int:
            return await step(x)

        @other.task
        async def entry(x: int) -> int:
            return await step(x)
    """)
    check(tmp_path, src)
    [msg] = messages(tmp_path, src)
    assert msg == (
        "FLY401 task 'worker.step' (env 'worker') calls task 'gpu.train' of env 'gpu', whose image must be built "
        "(`.with_pip_packages(...)`): a remote run started at root task 'other.entry' (env 'other': no task calls "
        "it) builds images only for env 'other' and its depends_on, which do not include 'gpu', so submitting "
        "'gpu.train' there fails with \"Environment 'gpu' not found in image cache\" (a local run works). Add "
        "`depends_on=[gpu]` to env 'other' (the env of root task 'other.entry')"
    )


def test_fly401_tasks_calling_one_another_with_no_outside_caller_are_roots(tmp_path):
    check(tmp_path, """
        import flyte

        gpu = flyte.TaskEnvironment("gpu", image=flyte.Image.from_debian_base().with_pip_packages("torch"))
        cpu = flyte.TaskEnvironment("cpu")

        @gpu.task
        async def train(x: int) -> int:
            return x

        @cpu.task
        async def ping(x: int) -> int:
            return await pong(x - 1) if x else await train(x)  # expect: FLY401

        @cpu.task
        async def pong(x: int) -> int:
            return await ping(x)
    """)


def test_fly401_never_suggests_a_dependency_that_closes_a_cycle(tmp_path):
    # 'gpu' depends on 'driver' (its tasks call the driver's): `depends_on=[gpu]` on 'driver' would make
    # planning recurse forever (FLY402). The advice is a separate driver env.
    src = """
        import flyte

        driver = flyte.TaskEnvironment("driver")
        gpu = flyte.TaskEnvironment("gpu", image=flyte.Image.from_debian_base().with_pip_packages("torch"),
                                    depends_on=[driver])

        @driver.task
        async def log(x: int) -> int:
            return x

        @gpu.task
        async def train(x: int) -> int:
            return await log(x)

        @driver.task
        async def main(x: int) -> int:
            return await train(x)  # expect: FLY401
    """
    check(tmp_path, src)
    [msg] = messages(tmp_path, src)
    assert "Add `depends_on" not in msg
    assert msg.endswith(
        "'gpu' already depends on 'driver', so `depends_on=[gpu]` on 'driver' would close a cycle: run "
        "'driver.main' in a new driver env that depends on both, e.g. "
        "`driver.clone_with(\"driver-driver\", depends_on=[driver, gpu])` (a clone keeps its image)"
    ), msg


@pytest.mark.parametrize("root_name, suggested", [("orchestrator", "orchestrator-driver"), ("ml_root", "ml_root_driver")])
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
        done = subprocess.run([sys.executable, "-m", "flyte_lint", "check", "--no-cache", "--select", "FLY401",
                               "-j", jobs, "."], cwd=tmp_path, capture_output=True, text=True, timeout=300)
        assert done.returncode == 1, done.stderr
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    assert f'`orchestrator.clone_with("{suggested}", depends_on=[orchestrator, gpu])`' in outputs[0], outputs[0]


# --------------------------------------------------------------------------------------------------------
# The rules' cases with every default rule on (FLY402's are all on the rule: rules/envs/env_dependency_cycle.py)
# --------------------------------------------------------------------------------------------------------

# Cases whose source no other default rule may report either: the whole report is their `# expect:` lines
# (None: the documented example, INVALID[0]).
EVERY_RULE_QUIET_ELSEWHERE = {
    "FLY401": ["message-names-root-builder-effect-and-fix", "clone-with-replacing-depends-on",
               "transitive-dependencies", "clone-with-inherits-depends-on", "clone-with-passes-depends-on-none"],
    "FLY402": [None, "two-add-dependency-calls", "three-cycle-closed-by-the-deploy-script", "self-dependency",
               "cycles-through-what-a-clone-inherits", "the-source-env-depends-on-its-clone", "a-dag"],
}


@pytest.mark.parametrize("code, name", [(code, name) for code, names in EVERY_RULE_QUIET_ELSEWHERE.items() for name in names])
def test_no_other_rule_reports_the_case(tmp_path, code, name):
    rule = REGISTRY[code]
    [case] = [rule.INVALID[0]] if name is None else [c for c in [*rule.INVALID, *rule.VALID] if c.name == name]
    check(tmp_path, case.source)


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
'''


@requires_sdk
def test_sdk_deploys_a_task_objects_env_only_through_depends_on(tmp_path):
    # What FLY401 says of ContainerTask and shell tasks, as the SDK's deploy planner sees it: `bad` deploys
    # alone, `good` with the env of each object it calls.
    check(tmp_path, TASK_OBJECTS_PLANNED)
    r = run_program(TASK_OBJECTS_PLANNED, entry="main")
    assert r.ok, r.summary()
    assert r.output == {"bad": ["bad"], "good": ["good", "greet_env", "head", "text"]}
