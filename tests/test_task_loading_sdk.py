"""FLY109 and FLY110 against the SDK's own code: how a pod loads a task, and what a deploy registers, without a
server.

A pod runs ``flyte/_bin/runtime.py``: ``load_and_run_task`` loads the task with the resolver and loader args of its
wire spec (``translate_task_to_wire``: the default resolver's ``["mod", <module>, "instance", <func.__name__>]``),
through ``entrypoints.load_task`` (``importlib.import_module`` + ``getattr``), reads its ``native_interface`` to
convert the inputs, and runs ``task.execute``. The probe below does exactly that for each variant of one program,
inside a task of its own env. Every variant's task returns a value of its own, so "the pod ran this task" is
"the probe got that value". The rule must report exactly the variants that do not.

``flyte deploy`` registers ``env.tasks.values()`` of each env the deploy planner plans (``_deploy_task_env``),
each serialized with ``translate_task_to_wire``; the second probe reads what that registers for one env shared by
two modules, a clone of it and another env.
"""

from __future__ import annotations

import textwrap

from expectutil import check
from sdk_runner import requires_sdk, run_program

LIB = """
def dedupe(x: int) -> int:
    return x + 100
"""

MAIN = """
import functools

import flyte
import tenacity
from flyte.ai.agents import tool

from lib.text import dedupe

env = flyte.TaskEnvironment("demo")


def timed(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return fn(*args, **kwargs)

    return wrapper


def logged(prefix: str):
    def decorate(fn):
        def wrapper(*args, **kwargs):
            print(prefix)
            return fn(*args, **kwargs)

        return wrapper

    return decorate


def register(fn):
    return fn


def _parse(x: int) -> int:
    return x + 1


parse = env.task(_parse)  # expect: FLY109
dedupe = env.task(dedupe)  # expect: FLY109


def t(x: int) -> int:
    return x + 2


t = env.task(t)


@env.task
def x(x: int) -> int:
    return x + 3


x = x.override(retries=2)


@env.task
def process(x: int) -> int:
    return x + 4


process = timed(process)  # expect: FLY109


@timed  # expect: FLY109
@env.task
def stacked(x: int) -> int:
    return x + 5


@tenacity.retry  # expect: FLY109
@env.task
def retried(x: int) -> int:
    return x + 6


@logged("go")  # expect: FLY109
@env.task
def logged_task(x: int) -> int:
    return x + 7


@tool
@env.task
async def tooled(x: int) -> int:
    return x + 8


@register
@env.task
def registered(x: int) -> int:
    return x + 9


@env.task
@timed
def below(x: int) -> int:
    return x + 10


def make(n: int):
    @env.task
    def inner(x: int) -> int:
        return x + n

    return inner


inner = make(11)
other = make(5)  # expect: FLY109


def make_hidden():
    @env.task  # expect: FLY109
    def hidden(x: int) -> int:
        return x + 12

    return hidden


hidden_task = make_hidden()


class Steps:
    @env.task  # expect: FLY109
    def step(x: int) -> int:
        return x + 13


@env.task
def scaled(x: int, by: int = 16) -> int:
    return x + by


scaled = functools.partial(scaled, by=16)  # expect: FLY109

LOOP = []
for k in (14, 15):
    @env.task  # expect: FLY109
    def looped(x: int, k: int = k) -> int:
        return x + k

    LOOP.append(looped)
"""

# variant: (the task object the parent holds, the value its own code returns for x=1)
VARIANTS = {
    "plain function under another name": ("parse", 2),
    "imported function wrapped": ("dedupe", 101),
    "t = env.task(t)": ("t", 3),
    "x = x.override(...)": ("x", 4),
    "process = timed(process)": ("process.__wrapped__", 5),
    "wrapper stacked above": ("stacked.__wrapped__", 6),
    "tenacity.retry stacked above": ("retried.__wrapped__", 7),
    "decorator factory stacked above": ("logged_task_task", 8),
    "flyte.ai.agents.tool stacked above": ("tooled.__wrapped_task__", 9),
    "identity decorator stacked above": ("registered", 10),
    "functools.wraps wrapper below": ("below", 11),
    "factory bound under the inner name": ("inner", 12),
    "factory bound under another name too": ("other", 6),
    "factory bound under another name only": ("hidden_task", 13),
    "defined in a class": ("Steps.step", 14),
    "defined in a loop, first iteration": ("LOOP[0]", 15),
    "functools.partial over the name": ("scaled.func", 17),
}
REPORTED = {
    "plain function under another name",
    "imported function wrapped",
    "process = timed(process)",
    "wrapper stacked above",
    "tenacity.retry stacked above",
    "decorator factory stacked above",
    "factory bound under another name only",
    "factory bound under another name too",
    "defined in a class",
    "defined in a loop, first iteration",
    "functools.partial over the name",
}

POD_PROBE = """
import pathlib

import flyte
from flyte._internal.image_cache import ImageCache
from flyte._internal.runtime.entrypoints import load_task
from flyte._internal.runtime.task_serde import translate_task_to_wire
from flyte.models import SerializationContext

import main
from main import *  # noqa: F403

logged_task_task = env.tasks["demo.logged_task"]
probe_env = flyte.TaskEnvironment("probe")
VARIANTS = {variants!r}


async def in_a_pod(task) -> str:
    cache = ImageCache(image_lookup={{"demo": "registry.example/demo:v1"}})
    context = SerializationContext(version="v1", root_dir=pathlib.Path(main.__file__).parent, image_cache=cache)
    args = list(translate_task_to_wire(task, context).task_template.container.args)
    try:
        loaded = load_task(*args[args.index("--resolver") + 1 :])
        loaded.native_interface
        return f"ok:{{await loaded.execute(x=1)}}"
    except Exception as exc:
        return f"{{type(exc).__name__}}: {{str(exc).splitlines()[0]}}"


@probe_env.task
async def probe() -> dict[str, str]:
    return {{name: await in_a_pod(eval(expr)) for name, (expr, _) in VARIANTS.items()}}
"""


def _program() -> dict[str, str]:
    return {
        "lib/__init__.py": "",
        "lib/text.py": LIB,
        "main.py": MAIN,
        "probe.py": POD_PROBE.format(variants=VARIANTS),
    }


def test_fly109_reports_the_variants_marked(tmp_path):
    check(tmp_path, "# file: lib/__init__.py\n# file: lib/text.py" + LIB + "# file: main.py" + MAIN, select=["FLY109"])
    marked = [line for line in MAIN.splitlines() if line.endswith("# expect: FLY109")]
    assert len(marked) == len(REPORTED)  # (one reported line per reported variant)


@requires_sdk
def test_a_pod_loads_exactly_the_variants_fly109_leaves_alone():
    r = run_program(_program(), entry="probe:probe")
    assert r.ok, r.summary()
    outcomes = r.output
    ran_its_own_code = {name for name, (_, own) in VARIANTS.items() if outcomes[name] == f"ok:{own}"}
    assert ran_its_own_code == set(VARIANTS) - REPORTED, outcomes
    # How each reported variant fails in the pod:
    no_attribute = "AttributeError: 'function' object has no attribute 'native_interface'"
    for name in ("plain function under another name", "imported function wrapped", "process = timed(process)"):
        assert outcomes[name] == no_attribute, (name, outcomes[name])
    for name in ("wrapper stacked above", "tenacity.retry stacked above", "decorator factory stacked above"):
        assert outcomes[name] == no_attribute, (name, outcomes[name])
    assert (
        outcomes["factory bound under another name only"] == "AttributeError: module 'main' has no attribute 'hidden'"
    )
    assert outcomes["defined in a class"] == "AttributeError: module 'main' has no attribute 'step'"
    assert outcomes["defined in a loop, first iteration"] == "ok:16"  # (the last iteration's task ran)
    assert outcomes["factory bound under another name too"] == "ok:12"  # (inner = make(11) ran)
    partial = "AttributeError: 'functools.partial' object has no attribute 'native_interface'"
    assert outcomes["functools.partial over the name"] == partial


SHARED = {
    "pipeline/__init__.py": "",
    "pipeline/envs.py": """
        import flyte

        env = flyte.TaskEnvironment("shared")
        clone = env.clone_with("clone")
        other = flyte.TaskEnvironment("other")
    """,
    "pipeline/a.py": """
        from pipeline.envs import clone, env, other


        @env.task
        def process(x: int) -> int:
            return x + 1


        @clone.task
        def train(x: int) -> int:
            return x


        @other.task
        def train_other(x: int) -> int:
            return x
    """,
    "pipeline/b.py": """
        from pipeline.envs import env


        @env.task  # expect: FLY110
        def process(x: int) -> int:
            return x * 2
    """,
    "pipeline/c.py": """
        from pipeline.envs import clone


        @clone.task
        def process(x: int) -> int:
            return x * 3
    """,
    "pipeline/d.py": """
        from pipeline.envs import other


        @other.task
        def process(x: int) -> int:
            return x * 4
    """,
}

DEPLOY_PROBE = """
import pathlib

import flyte
from flyte._deploy import plan_deploy
from flyte._internal.image_cache import ImageCache
from flyte._internal.runtime.task_serde import translate_task_to_wire
from flyte.models import SerializationContext

import pipeline.a
import pipeline.b
import pipeline.c
import pipeline.d
from pipeline.envs import clone, env, other

probe_env = flyte.TaskEnvironment("probe")
ROOT = pathlib.Path(pipeline.a.__file__).parent.parent


@probe_env.task
def probe() -> dict:
    registered = {}
    for root in (env, clone, other):
        for plan in plan_deploy(root):
            cache = ImageCache(image_lookup={name: f"registry.example/{name}:v1" for name in plan.envs})
            context = SerializationContext(version="v1", root_dir=ROOT, image_cache=cache)
            for planned in plan.envs.values():
                for task in planned.tasks.values():  # (what flyte._deploy._deploy_task_env registers)
                    args = list(translate_task_to_wire(task, context).task_template.container.args)
                    registered[task.name] = args[args.index("--resolver") + 2 :]
    return {
        "registered": registered,
        "clone is another env": clone is not env and clone.tasks is not env.tasks,
        "defined on env": sum(1 for t in (pipeline.a.process, pipeline.b.process) if t.parent_env() is env),
    }
"""


def test_fly110_reports_the_later_module_only(tmp_path):
    source = "".join(f"# file: {path}\n{textwrap.dedent(text)}" for path, text in SHARED.items())
    check(tmp_path, source, select=["FLY110"])


@requires_sdk
def test_deploy_registers_one_task_per_name_and_env():
    r = run_program({**SHARED, "probe.py": DEPLOY_PROBE}, entry="probe:probe")
    assert r.ok, r.summary()
    assert r.output["defined on env"] == 2  # two task objects on env 'shared'...
    assert r.output["registered"] == {  # ...one registered, from the module imported last
        "shared.process": ["mod", "pipeline.b", "instance", "process"],
        "clone.train": ["mod", "pipeline.a", "instance", "train"],
        "clone.process": ["mod", "pipeline.c", "instance", "process"],
        "other.train_other": ["mod", "pipeline.a", "instance", "train_other"],
        "other.process": ["mod", "pipeline.d", "instance", "process"],
    }
    assert r.output["clone is another env"]


# `python script.py` runs the script as __main__: the guarded block defines a task there, and the task's wire spec
# names the script's module by its path ("script"), which a pod imports under that name: the block does not run.
SCRIPT = """
import flyte

env = flyte.TaskEnvironment("demo")


@env.task
def above(x: int) -> int:
    return x + 1


if __name__ == "__main__":

    @env.task  # expect: FLY109
    def guarded(x: int) -> int:
        return x + 2
"""

SCRIPT_PROBE = """
import importlib.util
import pathlib
import sys

import flyte
from flyte._internal.image_cache import ImageCache
from flyte._internal.runtime.entrypoints import load_task
from flyte._internal.runtime.task_serde import translate_task_to_wire
from flyte.models import SerializationContext

ROOT = pathlib.Path(__file__).parent
probe_env = flyte.TaskEnvironment("probe")


async def in_a_pod(task) -> str:
    cache = ImageCache(image_lookup={"demo": "registry.example/demo:v1"})
    context = SerializationContext(version="v1", root_dir=ROOT, image_cache=cache)
    args = list(translate_task_to_wire(task, context).task_template.container.args)
    try:
        loaded = load_task(*args[args.index("--resolver") + 1 :])
        loaded.native_interface
        return f"ok:{await loaded.execute(x=1)}"
    except Exception as exc:
        return f"{type(exc).__name__}: {str(exc).splitlines()[0]}"


@probe_env.task
async def probe() -> dict[str, str]:
    spec = importlib.util.spec_from_file_location("__main__", ROOT / "script.py")
    script = importlib.util.module_from_spec(spec)
    saved, sys.modules["__main__"] = sys.modules["__main__"], script  # (as `python script.py` runs it)
    try:
        spec.loader.exec_module(script)
        return {name: await in_a_pod(getattr(script, name)) for name in ("above", "guarded")}
    finally:
        sys.modules["__main__"] = saved
"""


def test_fly109_reports_a_task_defined_under_the_main_guard(tmp_path):
    check(tmp_path, "# file: script.py" + SCRIPT, select=["FLY109"])


@requires_sdk
def test_a_pod_does_not_run_the_main_guard_of_a_script():
    r = run_program({"script.py": SCRIPT, "probe.py": SCRIPT_PROBE}, entry="probe:probe")
    assert r.ok, r.summary()
    assert r.output == {"above": "ok:2", "guarded": "AttributeError: module 'script' has no attribute 'guarded'"}
