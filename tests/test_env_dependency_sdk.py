"""FLY401 against the SDK's own code: a remote run's child submission, reproduced without a server.

A remote run plans its root task's env (``flyte._deploy.plan_deploy``), builds an image for each planned env,
and hands that image cache down; each parent serializes its children with it in its own pod
(``flyte._internal.runtime.task_serde.translate_task_to_wire``). The probe below does exactly that for a root and
a child of each program: plan the root's env, an ``ImageCache`` of the planned envs, serialize the child. It
runs in a subprocess under the real SDK (tests/sdk_runner.py), as a task of its own env that imports the
programs (nothing here imports them). In a pod the code bundle holds the imported modules only (the default
copy style, "loaded_modules"), so the probe deletes the Dockerfile once the programs are imported.

For every program, "flyte-lint reports FLY401 at the call" must equal "serializing that child under some root
whose run reaches the call fails", so the rule and the SDK cannot drift apart.
"""

from __future__ import annotations

import textwrap

import pytest

from flyte_lint.rules import REGISTRY
from lintutil import lint
from sdk_runner import requires_sdk, run_program

PROBE = """
import importlib
import pathlib

import flyte
from flyte._deploy import plan_deploy
from flyte._internal.image_cache import ImageCache
from flyte._internal.runtime.task_serde import translate_task_to_wire
from flyte.models import SerializationContext

probe_env = flyte.TaskEnvironment("probe")
CASES = {cases!r}


def serialize(root, child) -> list:
    planned = plan_deploy(root.parent_env())[0].envs
    cache = ImageCache(image_lookup={{name: f"registry.example/{{name}}:built" for name in planned}})
    context = SerializationContext(version="v1", project="p", domain="d", org="o", image_cache=cache,
                                   root_dir=pathlib.Path.cwd())
    try:
        spec = translate_task_to_wire(child, context)
    except Exception as exc:
        return [type(exc).__name__, str(exc).splitlines()[0]]
    return ["ok", spec.task_template.container.image]


@probe_env.task
def probe() -> dict:
    modules = {{name: importlib.import_module(name) for name in CASES}}
    pathlib.Path("Dockerfile").unlink()  # (not in a pod's code bundle: only imported modules are)
    return {{
        name: {{root: serialize(getattr(module, root), getattr(module, "CHILD")) for root in module.ROOTS}}
        for name, module in modules.items()
    }}
"""

UV_SCRIPT = """\
# /// script
# requires-python = ">=3.10"
# dependencies = ["httpx"]
# ///
"""


def callee(image: str | None, objects: str = "") -> str:
    """A driver env calling a task of env 'b' whose image is ``image`` (None: no ``image=``)."""
    given = "" if image is None else f", image={image}"
    return f'''
        import pathlib
        import flyte
        from flyte.extras import ContainerTask, shell

        b = flyte.TaskEnvironment("b"{given})
        driver = flyte.TaskEnvironment("driver")
        {objects}

        @b.task
        async def child(x: int) -> int:
            return x

        @driver.task
        async def main(x: int) -> int:
            return await child(x)  # call

        ROOTS, CHILD = ["main"], child
    '''


LAYERED = 'flyte.Image.from_debian_base().with_pip_packages("httpx")'

# name -> (program, the roots whose runs reach the call, as ROOTS names them). Each program marks its call
# with "# call", names the roots in ROOTS and the child in CHILD.
PROGRAMS = {
    # The images that need no build: the child gets its own image, with no dependency.
    "no_image": callee(None),
    "auto": callee('"auto"'),
    "uri": callee('"ghcr.io/acme/b:1.0"'),
    "bare_debian": callee("flyte.Image.from_debian_base(python_version=(3, 12))"),
    "named_debian": callee('flyte.Image.from_debian_base(name="b", registry="ghcr.io/acme")'),
    "from_base": callee('flyte.Image.from_base("ghcr.io/acme/b:1.0")'),
    # The images that must be built.
    "pip": callee(LAYERED),
    "apt": callee('flyte.Image.from_debian_base().with_apt_packages("curl")'),
    "env_vars": callee('flyte.Image.from_debian_base().with_env_vars({"A": "1"})'),
    "commands": callee('flyte.Image.from_debian_base().with_commands(["true"]).with_workdir("/w")'),
    "uv_script": callee('flyte.Image.from_uv_script("script.py", name="b")'),
    "ref_name": callee('flyte.Image.from_ref_name("trainer")'),
    "no_flyte": callee("flyte.Image.from_debian_base(install_flyte=False)"),
    "dockerfile": callee(
        'flyte.Image.from_dockerfile(pathlib.Path(__file__).parent / "Dockerfile", registry="ghcr.io/acme", name="b")'
    ),
    # The root decides: 'worker' lacks 'b', but main's env has it; entry's has not.
    "covered_by_root": f"""
        import flyte

        b = flyte.TaskEnvironment("b", image={LAYERED})
        worker = flyte.TaskEnvironment("worker")
        driver = flyte.TaskEnvironment("driver", depends_on=[worker, b])

        @b.task
        async def child(x: int) -> int:
            return x

        @worker.task
        async def step(x: int) -> int:
            return await child(x)  # call

        @driver.task
        async def main(x: int) -> int:
            return await step(x)

        ROOTS, CHILD = ["main"], child
    """,
    "one_root_uncovered": f"""
        import flyte

        b = flyte.TaskEnvironment("b", image={LAYERED})
        worker = flyte.TaskEnvironment("worker")
        driver = flyte.TaskEnvironment("driver", depends_on=[worker, b])
        other = flyte.TaskEnvironment("other", depends_on=[worker])

        @b.task
        async def child(x: int) -> int:
            return x

        @worker.task
        async def step(x: int) -> int:
            return await child(x)  # call

        @driver.task
        async def main(x: int) -> int:
            return await step(x)

        @other.task
        async def entry(x: int) -> int:
            return await step(x)

        ROOTS, CHILD = ["main", "entry"], child
    """,
    # A task passed to flyte.run is a root of its own, though a task calls it.
    "run_root": f"""
        import flyte

        b = flyte.TaskEnvironment("b", image={LAYERED})
        worker = flyte.TaskEnvironment("worker")
        driver = flyte.TaskEnvironment("driver", depends_on=[worker, b])

        @b.task
        async def child(x: int) -> int:
            return x

        @worker.task
        async def step(x: int) -> int:
            return await child(x)  # call

        @driver.task
        async def main(x: int) -> int:
            return await step(x)

        def start():
            return flyte.run(step, x=1)

        ROOTS, CHILD = ["main", "step"], child
    """,
    # clone_with copies depends_on when it runs: 'late' misses what its source got afterwards, 'early' has it.
    "clone_late": f"""
        import flyte

        b = flyte.TaskEnvironment("b", image={LAYERED})
        base = flyte.TaskEnvironment("base")
        late = base.clone_with("late")
        base.add_dependency(b)

        @b.task
        async def child(x: int) -> int:
            return x

        @late.task
        async def main(x: int) -> int:
            return await child(x)  # call

        ROOTS, CHILD = ["main"], child
    """,
    "clone_early": f"""
        import flyte

        b = flyte.TaskEnvironment("b", image={LAYERED})
        base = flyte.TaskEnvironment("base")
        base.add_dependency(b)
        early = base.clone_with("early")

        @b.task
        async def child(x: int) -> int:
            return x

        @early.task
        async def main(x: int) -> int:
            return await child(x)  # call

        ROOTS, CHILD = ["main"], child
    """,
    # 'b' depends on 'driver' (its task calls the driver's): depends_on=[b] on 'driver' would close a cycle. The
    # rule's advice: run the root in a clone of 'driver' that depends on both.
    "cycle": f"""
        import flyte

        driver = flyte.TaskEnvironment("driver")
        b = flyte.TaskEnvironment("b", image={LAYERED}, depends_on=[driver])

        @driver.task
        async def log(x: int) -> int:
            return x

        @b.task
        async def child(x: int) -> int:
            return await log(x)

        @driver.task
        async def main(x: int) -> int:
            return await child(x)  # call

        ROOTS, CHILD = ["main"], child
    """,
    "cycle_driver_env": f"""
        import flyte

        driver = flyte.TaskEnvironment("driver")
        b = flyte.TaskEnvironment("b", image={LAYERED}, depends_on=[driver])
        entry = driver.clone_with("driver2", depends_on=[driver, b])

        @driver.task
        async def log(x: int) -> int:
            return x

        @b.task
        async def child(x: int) -> int:
            return await log(x)

        @entry.task
        async def main(x: int) -> int:
            return await child(x)  # call

        ROOTS, CHILD = ["main"], child
    """,
    # A task picked from a literal dict: every candidate is a task of 'b'.
    "picked_from_dict": f"""
        import flyte

        b = flyte.TaskEnvironment("b", image={LAYERED})
        driver = flyte.TaskEnvironment("driver")

        @b.task
        async def child(x: int) -> int:
            return x

        @b.task
        async def other(x: int) -> int:
            return -x

        TOOLS = {{"child": child, "other": other}}

        @driver.task
        async def main(name: str, x: int) -> int:
            return await TOOLS[name](x)  # call

        ROOTS, CHILD = ["main"], child
    """,
    # Task objects: a ContainerTask's or a shell task's own image decides.
    "container_layered": f"""
        import flyte
        from flyte.extras import ContainerTask

        greet = ContainerTask(name="greet", image={LAYERED}, command=["echo"], inputs={{"x": int}})
        greet_env = flyte.TaskEnvironment.from_task("greet_env", greet)
        driver = flyte.TaskEnvironment("driver")

        @driver.task
        async def main(x: int) -> int:
            await greet(x=x)  # call
            return x

        ROOTS, CHILD = ["main"], greet
    """,
    "container_uri": """
        import flyte
        from flyte.extras import ContainerTask

        greet = ContainerTask(name="greet", image="alpine:3.20", command=["echo"], inputs={"x": int})
        greet_env = flyte.TaskEnvironment.from_task("greet_env", greet)
        driver = flyte.TaskEnvironment("driver")

        @driver.task
        async def main(x: int) -> int:
            await greet(x=x)  # call
            return x

        ROOTS, CHILD = ["main"], greet
    """,
    "shell_layered": f"""
        import flyte
        from flyte.extras import shell

        head = shell.create("head", image={LAYERED}, inputs={{"f": str}}, script="head {{inputs.f}}")
        driver = flyte.TaskEnvironment("driver")

        @driver.task
        async def main(f: str) -> str:
            await head(f=f)  # call
            return f

        ROOTS, CHILD = ["main"], head.as_task()
    """,
    # A shell task's env exists once its `.env` is read: in another env's depends_on here, not the root's.
    "shell_layered_env_elsewhere": f"""
        import flyte
        from flyte.extras import shell

        head = shell.create("head", image={LAYERED}, inputs={{"f": str}}, script="head {{inputs.f}}")
        other = flyte.TaskEnvironment("other", depends_on=[head.env])
        driver = flyte.TaskEnvironment("driver")

        @driver.task
        async def main(f: str) -> str:
            await head(f=f)  # call
            return f

        ROOTS, CHILD = ["main"], head.as_task()
    """,
    "shell_uri_env_elsewhere": """
        import flyte
        from flyte.extras import shell

        head = shell.create("head", image="debian:12-slim", inputs={"f": str}, script="head {inputs.f}")
        other = flyte.TaskEnvironment("other", depends_on=[head.env])
        driver = flyte.TaskEnvironment("driver")

        @driver.task
        async def main(f: str) -> str:
            await head(f=f)  # call
            return f

        ROOTS, CHILD = ["main"], head.as_task()
    """,
    # Nothing reads `head.env`: the shell task's container task has no parent env, whatever its image.
    "shell_uri_no_env": """
        import flyte
        from flyte.extras import shell

        head = shell.create("head", image="debian:12-slim", inputs={"f": str}, script="head {inputs.f}")
        driver = flyte.TaskEnvironment("driver")

        @driver.task
        async def main(f: str) -> str:
            await head(f=f)  # call
            return f

        ROOTS, CHILD = ["main"], head.as_task()
    """,
    "shell_covered": f"""
        import flyte
        from flyte.extras import shell

        head = shell.create("head", image={LAYERED}, inputs={{"f": str}}, script="head {{inputs.f}}")
        driver = flyte.TaskEnvironment("driver", depends_on=[head.env])

        @driver.task
        async def main(f: str) -> str:
            await head(f=f)  # call
            return f

        ROOTS, CHILD = ["main"], head.as_task()
    """,
}

for which in ("bad", "good"):  # the rule's own examples
    PROGRAMS[f"example_{which}"] = (
        REGISTRY["FLY401"].example(which).replace("return await train(3)", "return await train(3)  # call")
        + "\n\nROOTS, CHILD = ['main'], train\n"
    )

# What each program's SDK run must show: the child fails ("not found in image cache", or FileNotFoundError for
# the Dockerfile), or serializes with the image's own URI (or the root's cache entry).
FAILS = {
    "pip",
    "apt",
    "env_vars",
    "commands",
    "uv_script",
    "ref_name",
    "no_flyte",
    "dockerfile",
    "one_root_uncovered",
    "run_root",
    "clone_late",
    "picked_from_dict",
    "cycle",
    "container_layered",
    "shell_layered",
    "shell_layered_env_elsewhere",
    "shell_uri_no_env",
    "example_bad",
}
NO_ENV = {"shell_layered", "shell_uri_no_env"}  # (fail with "Task head has no parent environment name")


def _sources() -> dict[str, str]:
    return {f"case_{name}.py": textwrap.dedent(src) for name, src in PROGRAMS.items()}


@pytest.fixture(scope="module")
def serialized() -> dict:
    """For each program, each root's serialization of the child: ["ok", image] or [error type, first line]."""
    files = {
        **_sources(),
        "Dockerfile": "FROM python:3.12-slim\n",
        "script.py": UV_SCRIPT,
        "probe.py": PROBE.format(cases=[f"case_{name}" for name in PROGRAMS]),
    }
    result = run_program(files, entry="probe:probe", timeout=300)
    assert result.ok, result.summary()
    return {name[len("case_") :]: outcome for name, outcome in result.output.items()}


def _reported(tmp_path, name: str) -> bool:
    """flyte-lint reports FLY401 at the program's ``# call`` line (linted alone, as main.py)."""
    source = textwrap.dedent(PROGRAMS[name])
    [line] = [i for i, text in enumerate(source.splitlines(), start=1) if text.rstrip().endswith("# call")]
    found = lint(tmp_path / name, {"main.py": source}, select=["FLY401"])
    assert all(f_line == line for _, f_line, _ in found), found  # (no finding anywhere else)
    return bool(found)


@requires_sdk
@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_fly401_agrees_with_the_sdks_serialization(tmp_path, serialized, name):
    outcomes = serialized[name]
    failed = {root: out for root, out in outcomes.items() if out[0] != "ok"}
    assert bool(failed) == (name in FAILS), outcomes
    for out in failed.values():
        if name == "dockerfile":
            assert out[0] == "FileNotFoundError", out
        elif name in NO_ENV:
            assert out[0] == "RuntimeSystemError" and "has no parent environment name" in out[1], out
        else:
            assert out[0] == "RuntimeUserError" and "not found in image cache" in out[1], out
    assert _reported(tmp_path, name) == bool(failed), (name, outcomes)


@requires_sdk
def test_a_child_that_needs_no_build_gets_its_own_image(serialized):
    # Without depends_on, the child is serialized with exactly its own image (no cache entry needed).
    assert serialized["uri"]["main"] == ["ok", "ghcr.io/acme/b:1.0"]
    assert serialized["from_base"]["main"] == ["ok", "ghcr.io/acme/b:1.0"]
    assert serialized["container_uri"]["main"] == ["ok", "alpine:3.20"]
    assert serialized["bare_debian"]["main"][1].startswith("ghcr.io/flyteorg/flyte:py3.12-")
    # A covered child gets the root's cache entry: the image the run built.
    assert serialized["covered_by_root"]["main"] == ["ok", "registry.example/b:built"]
    assert serialized["example_good"]["main"] == ["ok", "registry.example/gpu:built"]
    assert serialized["one_root_uncovered"]["main"] == ["ok", "registry.example/b:built"]
    assert serialized["one_root_uncovered"]["entry"][0] == "RuntimeUserError"
