"""Each rule that claims a runtime effect: its bad example really misbehaves under the real SDK (run
locally), and its good example really works. The programs are the rules' own documented examples."""

from __future__ import annotations

import pytest

from flyte_lint.rules import REGISTRY
from sdk_runner import requires_sdk, run_program

# Appended to an example to ask the SDK's deploy planner what `flyte deploy` would do.
PLAN_PROBE = """

probe_env = flyte.TaskEnvironment("probe")


@probe_env.task
def main() -> list[str]:
    from flyte._deploy import plan_deploy

    return sorted(plan_deploy({env})[0].envs)
"""


# The image an env really gets, as the SDK builds the Image object (nothing is built locally).
IMAGE_PROBE = """


@env.task
def image_probe() -> dict:
    return {"base_image": env.image.base_image, "layers": [type(layer).__name__ for layer in env.image._layers]}
"""

# What `flyte deploy` does with a task's triggers before it contacts the backend (flyte._deploy._deploy_task).
TRIGGER_PROBE = """

probe_env = flyte.TaskEnvironment("probe")


@probe_env.task
async def trigger_probe() -> list[str]:
    from flyte._internal.runtime.trigger_serde import to_task_trigger
    from flyte._internal.runtime.types_serde import transform_native_to_typed_interface

    interface = transform_native_to_typed_interface({task}.native_interface)
    return [(await to_task_trigger(t, {task}.name, interface.inputs, [])).name for t in {task}.triggers]
"""


def _failed_with(result, *needles: str) -> bool:
    text = " ".join(result.error_types) + " " + (result.error or "")
    return not result.ok and all(n in text for n in needles)


# code -> (entry, args, program transform, check of the bad run, check of the good run)
SPECS = {
    "FLY101": ("main", {"x": 3}, None,
               lambda r: _failed_with(r, "SyncTaskCallInAsyncContextError") and r.ran("demo.square") == 0,
               lambda r: r.ok and r.output == 9 and r.ran("demo.square") == 1),
    "FLY102": ("main", {"n": 3}, None,
               lambda r: _failed_with(r, "SyncTaskCallInAsyncContextError") and r.ran("demo.square") == 0,
               lambda r: r.ok and r.output == [0, 1, 4] and r.ran("demo.square") == 3),
    "FLY103": ("main", {}, None,
               lambda r: r.ok and r.ran("demo.notify") == 0 and any("never awaited" in w for w in r.warnings),
               lambda r: r.ok and r.ran("demo.notify") == 1),
    "FLY104": ("main", {"n": 2}, None,
               lambda r: r.ok and r.ran("demo.fetch") == 0,
               lambda r: r.ok and r.ran("demo.fetch") == 1),
    "FLY105": ("main", {"x": 1}, None,
               lambda r: _failed_with(r, "Deadlock detected"),
               lambda r: r.ok),
    # The unknown keyword is dropped silently: train runs with the default lr, not the one passed.
    # A shell task run for real needs Docker: the good example gets that far (its task started), the bad one
    # fails before any task starts.
    "FLY108": ("main", {"x": 1}, None,
               lambda r: _failed_with(r, "AttributeError", "no attribute 'aio'") and r.ran("count") == 0,
               lambda r: _failed_with(r, "Docker") and r.ran("count") == 1),
    "FLY106": ("main", {}, None,
               lambda r: r.ok and r.output == pytest.approx(0.3),
               lambda r: r.ok and r.output == pytest.approx(0.03)),
    "FLY201": ("main", {"items": [1, 2, 3]}, None,
               lambda r: r.ok and r.ran("demo.process") == 0,
               lambda r: r.ok and r.ran("demo.process") == 3 and r.output == [2, 4, 6]),
    "FLY202": ("main", {"items": [1, 2]}, None,
               lambda r: _failed_with(r, "has no attribute 'name'"),
               lambda r: r.ok and r.output == [2, 4]),
    "FLY203": ("main", {"items": [1, 2]}, None,
               lambda r: _failed_with(r, "TypeError"),
               lambda r: r.ok and r.output == [2, 4]),
    "FLY301": ("main", {}, lambda src: src + PLAN_PROBE.format(env="env"),
               lambda r: _failed_with(r, "TypeError", "mem") and r.phase == "import",
               lambda r: r.ok),
    "FLY302": ("work", {}, None,
               lambda r: _failed_with(r, "TypeError", "resources") and r.phase == "import",
               lambda r: r.ok and r.output == 1),
    "FLY303": ("main", {}, None,
               lambda r: _failed_with(r, "ValueError", "L40S:1") and r.phase == "import",
               lambda r: r.ok and r.output == "trained"),
    "FLY304": ("main", {"day": "mon"}, None,
               lambda r: _failed_with(r, "ValueError", "Invalid cache behavior") and r.phase == "import",
               lambda r: r.ok and r.output == "rows for mon"),
    "FLY305": ("main", {}, None,
               lambda r: _failed_with(r, "ValueError", "memory must be a Kubernetes quantity string") and r.phase == "import",
               lambda r: r.ok and r.output == 1),
    "FLY306": ("main", {}, None,
               lambda r: _failed_with(r, "ValueError", "snake_case or kebab-case") and r.phase == "import",
               lambda r: r.ok and r.output == 1),
    # Deploying both envs (as `flyte deploy --all` does) stops at planning. Both envs sit in one file here,
    # which the SDK words as "Environment 'etl' ... was imported twice under different module names";
    # from two files it says "Duplicate environment name 'etl'".
    "FLY307": ("main", {}, lambda src: src + PLAN_PROBE.format(env="ingest_env, train_env"),
               lambda r: _failed_with(r, "ValueError", "Environment 'etl'"),
               lambda r: r.ok and r.output == ["etl"]),
    # python_version="3.11" is read character by character: the base image tag is 'py3..'.
    "FLY308": ("image_probe", {}, lambda src: src + IMAGE_PROBE,
               lambda r: r.ok and r.output["base_image"].endswith(f"py3..-v{r.output['base_image'].rsplit('-v', 1)[1]}"),
               lambda r: r.ok and ":py3.11-" in r.output["base_image"]),
    # The discarded builder leaves the env's image without the pip layer.
    "FLY309": ("image_probe", {}, lambda src: src + IMAGE_PROBE,
               lambda r: r.ok and r.output["layers"] == [],
               lambda r: r.ok and r.output["layers"] == ["PipPackages"]),
    "FLY310": ("main", {}, None,
               lambda r: _failed_with(r, "ValueError", "Invalid environment variable name: OPENAI.API_KEY") and r.phase == "import",
               lambda r: r.ok and r.output == 1),
    # The trigger serialization `flyte deploy` runs rejects the input the task does not have.
    "FLY311": ("trigger_probe", {}, lambda src: src + TRIGGER_PROBE.format(task="main"),
               lambda r: _failed_with(r, "the TriggerTime input 'run_date' must be an input to the task"),
               lambda r: r.ok and r.output == ["nightly"]),
    "FLY313": ("main", {"x": 3}, None,
               lambda r: _failed_with(r, "ValueError", "concurrency greater than 1") and r.phase == "import",
               lambda r: r.ok and r.output == 6),
    # The good reference imports; calling it needs a backend, which local runs do not have.
    "FLY403": ("main", {"day": "mon"}, None,
               lambda r: _failed_with(r, "ValueError", "Either version or auto_version must be provided") and r.phase == "import",
               lambda r: r.phase == "run" and "version" not in (r.error or "") and r.network_attempts == []),
    "FLY601": ("main", {}, None,
               lambda r: _failed_with(r, "AttributeError", "has no attribute '__name__'") and r.ran("demo.fetch") == 0,
               lambda r: r.ok and r.output == 2 and r.ran("demo.fetch") == 1),
    "FLY602": ("main", {"n": 3}, None,
               lambda r: _failed_with(r, "TraceDoesNotAllowNestedTasksError") and r.ran("demo.square") == 0,
               lambda r: r.ok and r.output == 5),
    "FLY603": ("main", {"x": 50.0}, None,
               lambda r: _failed_with(r, "Deadlock detected"),
               lambda r: r.ok and r.output == 0.5),
    # Deploying the driver env plans only what depends_on reaches: the bad example leaves 'gpu' out.
    "FLY401": ("main", {}, lambda src: src + PLAN_PROBE.format(env="driver_env"),
               lambda r: r.ok and r.output == ["driver"],
               lambda r: r.ok and r.output == ["driver", "gpu"]),
    "FLY402": ("main", {}, lambda src: src + PLAN_PROBE.format(env="a"),
               lambda r: _failed_with(r, "RecursionError"),
               lambda r: r.ok and r.output == ["a"]),
}


def test_every_runtime_claim_has_a_runtime_test():
    claimed = {code for code, rule in REGISTRY.items() if rule.runtime_effect}
    assert claimed <= set(SPECS), claimed - set(SPECS)


@requires_sdk
@pytest.mark.parametrize("code", sorted(SPECS))
@pytest.mark.parametrize("which", ["bad", "good"])
def test_example_behaves_as_documented(code, which):
    entry, args, transform, bad_check, good_check = SPECS[code]
    source = REGISTRY[code].example(which)
    if transform is not None:
        source = transform(source)
    result = run_program(source, entry=entry, args=args)
    check = bad_check if which == "bad" else good_check
    assert check(result), result.summary()
