"""Precision on real Flyte 2 code: each class of false error finding met in tests/realworld/*.tsv, reduced to a
small program of our own. The reduced code is correct (or, for a severity class, fails only in local runs), and
each test here says which rule must stay quiet, or must not call it an error. Where the SDK decides, a second
test runs the reduced program under the real SDK to show it really works.

Classes (and the triage rows they come from):
- FLY401 on a callee env whose image needs no build: unionai-examples caching.py, secrets.py,
  task_config.py; every FLY401 row of flyte-benchmark.tsv.
- FLY401 on a call inside a tree whose root env depends on the callee's env: flyte-sdk image/image_cache.py.
- FLY401 on a task reached only through a helper that maps a task handed to it, under a root that covers the
  callee: unionai-examples tutorials/parallelized_autoresearch.
- FLY202 / FLY302 on a call the author guarded with `except TypeError`: flyte-sdk basics/map_with_partials.py,
  flyte-benchmark image_build_with_packages.
- FLY302 on a flyte class the project itself replaced (`flyte.Cache = LenientCache`): flyte-benchmark
  task_with_cache_config (2026-05-07__00-58-48).
- FLY302's "did you mean" naming a keyword the call already passes: unionai-examples deep_research_agent.
- FLY105 as an error for blocking flyte calls in async code, which fail only in local runs: flyte-sdk queues/*,
  sandbox/code_sandbox.py, artifacts/artifact_example.py; unionai-examples report examples; flyte-agent-loop.
- FLY001 as an error on syntax that newer Python accepts (PEP 701 f-strings), in a project whose image runs
  Python 3.13: unionai-examples qwen_vl_frozen_backbone_finetuning/callbacks.py.
And one class of lost true findings: a flyte.Cache patch in an unrelated folder of flyte-benchmark hid FLY302
elsewhere when the whole corpus was checked in one process.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess

import pytest

from lintutil import lint, lint_result, messages
from sdk_runner import requires_sdk, run_program

# ---------------------------------------------------------------------------------------------------------
# FLY401: callees whose image needs no build run with their own image; no depends_on needed
# ---------------------------------------------------------------------------------------------------------

UNBUILT_CALLEES = """
import flyte

counter = flyte.TaskEnvironment("counter", resources=flyte.Resources(cpu=1, memory="1Gi"))
pinned = flyte.TaskEnvironment("pinned", image="ghcr.io/flyteorg/flyte:py3.11-v2.12.1")
bare = flyte.TaskEnvironment("bare", image=flyte.Image.from_debian_base())
cached = flyte.TaskEnvironment("cached", cache=flyte.Cache(behavior="auto"))
driver = flyte.TaskEnvironment("driver", image=flyte.Image.from_debian_base().with_pip_packages("requests"))


@counter.task
async def count(n: int) -> int:
    return n + 1


@pinned.task
async def scale(n: int) -> int:
    return n * 3


@bare.task
def shift(n: int) -> int:
    return n - 2


@cached.task
async def remember(n: int) -> int:
    return n


@driver.task
async def main(n: int = 1) -> int:
    a = await count(n)
    b = await scale.override(retries=2)(a)
    c = await shift.aio(b)
    return await remember(c)
"""


def test_fly401_quiet_for_callees_whose_image_needs_no_build(tmp_path):
    assert lint(tmp_path, UNBUILT_CALLEES, select=["FLY401"]) == []


ROOT_COVERS = """
import flyte

base = flyte.Image.from_debian_base()
leaf = flyte.TaskEnvironment("leaf", image=base.with_pip_packages("boto3"))
middle = flyte.TaskEnvironment("middle", image=base.with_pip_packages("rich"))
top = flyte.TaskEnvironment("top", image=base.with_pip_packages("httpx"), depends_on=[middle, leaf])


@leaf.task
async def fetch() -> str:
    return "leaf"


@middle.task
async def combine() -> str:
    # middle does not depend on leaf, but the only root, main, deploys both.
    return "middle+" + await fetch()


@top.task
async def main() -> str:
    return await combine()


if __name__ == "__main__":
    flyte.init_from_config()
    flyte.run(main)
"""


def test_fly401_quiet_when_every_root_reaching_the_call_covers_the_callee(tmp_path):
    assert lint(tmp_path, ROOT_COVERS, select=["FLY401"]) == []


MAPPED_THROUGH_A_HELPER = {
    "fanout.py": """
        import flyte


        async def run_all(task, items: list[int]) -> list[int]:
            out = []
            async for r in flyte.map.aio(task, items):
                out.append(r)
            return out
    """,
    "main.py": """
        import flyte

        from fanout import run_all

        image = flyte.Image.from_debian_base().with_pip_packages("numpy")
        builder = flyte.TaskEnvironment("builder", image=image)
        trial = flyte.TaskEnvironment("trial", image=image)
        agent = flyte.TaskEnvironment("agent", image=image, depends_on=[trial, builder])


        @builder.task
        async def build(x: int) -> int:
            return x * 10


        @trial.task
        async def run_trial(x: int) -> int:
            # trial does not depend on builder; run_trial runs only under agent's root, which does.
            return await build(x) + 1


        @agent.task
        async def main(xs: list[int]) -> list[int]:
            return await run_all(run_trial, xs)


        if __name__ == "__main__":
            flyte.init_from_config()
            flyte.run(main, xs=[1, 2])
    """,
}


def test_fly401_quiet_for_a_task_mapped_by_a_helper_under_a_covering_root(tmp_path):
    assert lint(tmp_path, MAPPED_THROUGH_A_HELPER, select=["FLY401"]) == []


# Serializes each callee the way a parent pod does: the image cache of the root's deploy plan, then
# translate_task_to_wire (flyte._internal.runtime.task_serde). Runs in a probe module, not in the program.
WIRE_PROBE = """
import pathlib

import flyte
from flyte._deploy import plan_deploy
from flyte._internal.image_cache import ImageCache
from flyte._internal.runtime.task_serde import translate_task_to_wire
from flyte.models import SerializationContext

import main as program

probe_env = flyte.TaskEnvironment("probe")


def serialize(root, *children) -> dict:
    planned = sorted({name for plan in plan_deploy(root.parent_env()) for name in plan.envs})
    cache = ImageCache(image_lookup={name: f"registry.example/{name}:v1" for name in planned})
    ctx = SerializationContext(version="v1", project="p", domain="d", org="o", image_cache=cache,
                               root_dir=pathlib.Path(program.__file__).parent)
    out = {"planned": planned}
    for child in children:
        try:
            out[child.name] = translate_task_to_wire(child, ctx).task_template.container.image
        except Exception as exc:
            out[child.name] = f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
    return out


@probe_env.task
def probe() -> dict:
    return PROBE
"""


def _wire(program: dict[str, str] | str, probe_expr: str) -> dict:
    files = dict(program) if isinstance(program, dict) else {"main.py": program}
    files["probe.py"] = WIRE_PROBE.replace("PROBE", probe_expr)
    r = run_program(files, entry="probe:probe")
    assert r.ok, r.summary()
    return r.output


@requires_sdk
def test_sdk_serializes_unbuilt_callees_without_depends_on():
    out = _wire(
        UNBUILT_CALLEES, "serialize(program.main, program.count, program.scale, program.shift, program.remember)"
    )
    assert out["planned"] == ["driver"]
    assert out["counter.count"] == out["cached.remember"] == "ghcr.io/flyteorg/flyte:py3.11-v2.12.1"
    assert out["pinned.scale"] == "ghcr.io/flyteorg/flyte:py3.11-v2.12.1"
    assert "Error" not in out["bare.shift"], out


@requires_sdk
def test_sdk_the_root_decides_which_callee_images_are_found():
    out = _wire(
        ROOT_COVERS,
        '{"main": serialize(program.main, program.fetch), "middle": serialize(program.combine, program.fetch)}',
    )
    from_main, from_middle = out["main"], out["middle"]
    assert from_main == {"planned": ["leaf", "middle", "top"], "leaf.fetch": "registry.example/leaf:v1"}
    # The same call under a root in `middle` would fail: that is the case FLY401 is for.
    assert from_middle["leaf.fetch"].startswith("RuntimeUserError: Environment 'leaf' not found in image cache")


@requires_sdk
def test_sdk_a_helper_mapped_task_runs_under_its_covering_root():
    out = _wire(MAPPED_THROUGH_A_HELPER, "serialize(program.main, program.run_trial, program.build)")
    assert out["planned"] == ["agent", "builder", "trial"]
    assert out["builder.build"] == "registry.example/builder:v1"
    r = run_program(MAPPED_THROUGH_A_HELPER, entry="main", args={"xs": [1, 2]})
    assert r.ok and r.output == [11, 21], r.summary()


# ---------------------------------------------------------------------------------------------------------
# FLY202 / FLY302: the author's own TypeError guard
# ---------------------------------------------------------------------------------------------------------

GUARDED_PARTIAL_MAP = """
from functools import partial

import flyte

env = flyte.TaskEnvironment("probe_partial")


@env.task
def label(name: str, suffix: str, item: str) -> str:
    return f"{name}-{item}{suffix}"


@env.task
def main() -> str:
    try:
        # Binding `name` by keyword leaves it open as the first parameter: the SDK raises TypeError.
        bound = partial(label, suffix="!", name="x")
        return ",".join(flyte.map(bound, ["a", "b"]))
    except TypeError as exc:
        return f"caught: {exc}"
"""


def test_fly202_quiet_inside_a_typeerror_guard(tmp_path):
    assert lint(tmp_path, GUARDED_PARTIAL_MAP, select=["FLY202"]) == []


GUARDED_KEYWORDS = """
import flyte

try:
    image = flyte.Image.from_debian_base().with_env_vars(MODE="prod")
except TypeError:
    image = flyte.Image.from_debian_base().with_env_vars({"MODE": "prod"})

try:
    policy = flyte.Cache(behavior="auto", version="2")
except (TypeError, ValueError):
    policy = flyte.Cache(behavior="auto", version_override="2")

env = flyte.TaskEnvironment("guarded", image=image, cache=policy)


@env.task
def main() -> str:
    return "ok"
"""


def test_fly302_quiet_inside_a_typeerror_guard(tmp_path):
    assert lint(tmp_path, GUARDED_KEYWORDS, select=["FLY302"]) == []


PATCHED_CACHE = """
import datetime

import flyte


class LenientCache(flyte.Cache):
    def __init__(self, ttl=None, version=None, **kwargs):
        kwargs.setdefault("behavior", "auto")
        if version:
            kwargs["version_override"] = version
        super().__init__(**kwargs)


flyte.Cache = LenientCache

env = flyte.TaskEnvironment("patched")


@env.task(cache=flyte.Cache(ttl=datetime.timedelta(hours=1), version="v1"))
def main() -> str:
    return flyte.Cache.__name__
"""


def test_fly302_quiet_for_a_flyte_class_the_project_replaced(tmp_path):
    assert lint(tmp_path, PATCHED_CACHE, select=["FLY302"]) == []


@requires_sdk
def test_sdk_the_guards_catch_what_they_probe():
    r = run_program(GUARDED_PARTIAL_MAP, entry="main")
    assert r.ok and r.output.startswith("caught: ") and "both as positional" in r.output, r.summary()
    r = run_program(GUARDED_KEYWORDS, entry="main")
    assert r.ok and r.output == "ok", r.summary()
    r = run_program(PATCHED_CACHE, entry="main")
    assert r.ok and r.output == "LenientCache", r.summary()


def test_fly302_hint_never_names_a_keyword_already_passed(tmp_path):
    source = """
        import flyte

        env = flyte.TaskEnvironment("retrying")


        @env.task(retries=flyte.RetryStrategy(count=3, backoff=10, backoff_factor=2))
        async def main() -> int:
            return 1
    """
    found = [m for m in messages(tmp_path, source, select=["FLY302"]) if "backoff_factor" in m]
    assert found, "the unknown keyword is still reported"
    assert all("did you mean `backoff`" not in m for m in found), found


# ---------------------------------------------------------------------------------------------------------
# FLY105: a blocking flyte call in async code fails only in local runs, so it is not an error
# ---------------------------------------------------------------------------------------------------------

BLOCKING_IN_ASYNC = """
import flyte
import flyte.report

env = flyte.TaskEnvironment("blocking")


@env.task
async def item(i: int) -> int:
    return i * 2


def note(text: str) -> None:
    flyte.report.log(f"<p>{text}</p>")


@env.task(report=True)
async def main(n: int = 3) -> int:
    flyte.report.log("<h2>start</h2>")
    note("helper")
    values = list(flyte.map(item, range(n)))
    flyte.report.flush()
    return sum(values)
"""


def test_fly105_is_not_an_error(tmp_path):
    found = list(lint_result(tmp_path, BLOCKING_IN_ASYNC, select=["FLY105"]).findings)
    assert found, "the blocking calls are still reported"
    assert {f.severity for f in found} <= {"warning"}, [(f.line, f.severity) for f in found]


@requires_sdk
def test_sdk_blocking_calls_fail_only_in_a_local_run():
    local = run_program(BLOCKING_IN_ASYNC, entry="main")
    assert not local.ok and "Deadlock detected" in (local.error or ""), local.summary()
    cluster = run_program(BLOCKING_IN_ASYNC, entry="main", mode="cluster")
    assert cluster.ok and cluster.output == 6, cluster.summary()


# ---------------------------------------------------------------------------------------------------------
# FLY001: syntax a newer Python accepts is no error of the code
# ---------------------------------------------------------------------------------------------------------

PEP701_FSTRING = {
    "config.py": """
        import flyte

        image = flyte.Image.from_debian_base(python_version=(3, 13))
        env = flyte.TaskEnvironment("report313", image=image)
    """,
    # Valid from Python 3.12 on (PEP 701): a backslash and the outer quote inside an f-string's expression.
    "render.py": (
        "from config import env\n\n\n@env.task\ndef rows(items: list[str]) -> str:\n"
        '    return f"<ul>{"\\n".join(items)}</ul>"\n'
    ),
}


# The unionai-examples case: a triple-quoted f-string over several lines, where Python 3.11 points its error at the
# closing quotes, not at the line that holds the backslash.
PEP701_MULTILINE = {
    "config.py": PEP701_FSTRING["config.py"],
    "render.py": (
        "from config import env\n\n\n@env.task\ndef page(items: list[str]) -> str:\n"
        '    return f"""\n<ul>\n{"\\n".join(items)}\n</ul>\n"""\n'
    ),
}


def test_fly001_is_not_an_error_for_syntax_of_a_newer_python(tmp_path):
    found = list(lint_result(tmp_path, PEP701_FSTRING, select=["FLY001"]).findings)
    assert all(f.severity != "error" for f in found), [(f.path, f.severity, f.message) for f in found]


def test_fly001_is_not_an_error_for_a_multiline_pep701_fstring(tmp_path):
    found = list(lint_result(tmp_path, PEP701_MULTILINE, select=["FLY001"]).findings)
    assert all(f.severity != "error" for f in found), [(f.path, f.line, f.severity, f.message) for f in found]


def _newer_pythons() -> list[str]:
    found = []
    candidates = [shutil.which(name) for name in ("python3.12", "python3.13", "python3.14")]
    candidates += sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.1[2-9]*/bin/python3")))
    for path in candidates:
        if (
            path
            and subprocess.run(
                [path, "-c", "import sys; sys.exit(sys.version_info < (3, 12))"], capture_output=True, check=False
            ).returncode
            == 0
        ):
            found.append(path)
    return found


@pytest.mark.skipif(not _newer_pythons(), reason="no Python 3.12+ interpreter on PATH")
def test_the_pep701_program_is_valid_python_312():
    for python in _newer_pythons():
        for program in (PEP701_FSTRING, PEP701_MULTILINE):
            r = subprocess.run(
                [python, "-c", "import ast, sys; ast.parse(sys.stdin.read())"],
                input=program["render.py"],
                capture_output=True,
                text=True,
                check=False,
            )
            assert r.returncode == 0, (python, r.stderr)


# ---------------------------------------------------------------------------------------------------------
# The same answer however the corpus is checked (flyte-benchmark: true FLY302 findings on flyte.Cache went
# missing when the whole corpus was checked in one process, because an unrelated job folder patches
# flyte.Cache; checking the file, or the folder with two workers, still reported them)
# ---------------------------------------------------------------------------------------------------------

UNRELATED_PATCH = {
    "jobs/a_patch/patch.py": """
        import flyte


        class LenientCache(flyte.Cache):
            pass


        flyte.Cache = LenientCache
    """,
    "jobs/b_pipeline/pipeline.py": """
        import flyte

        env = flyte.TaskEnvironment("pipeline")


        @env.task(cache=flyte.Cache(behavior="auto", version="1"))
        def main() -> int:
            return 1
    """,
}


def test_a_patch_in_an_unrelated_folder_does_not_hide_findings(tmp_path):
    alone = lint(tmp_path / "file", UNRELATED_PATCH, select=["FLY302"], paths=["jobs/b_pipeline/pipeline.py"])
    together = lint(tmp_path / "folder", UNRELATED_PATCH, select=["FLY302"])
    assert alone == [("FLY302", 7, "jobs/b_pipeline/pipeline.py")]
    assert together == alone
