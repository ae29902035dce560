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
