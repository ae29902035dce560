"""Each rule that claims a runtime effect: its bad example really misbehaves under the real SDK, and its good
example really works. The programs are the rules' own documented examples. What must happen is the rule's own
``runtime`` (a RuntimeSpec of Outcomes, flyte_lint/rules/base.py).

Each runs in both of sdk_runner's modes: a local run (async task bodies on the SDK's syncify thread) and cluster
mode (the body on a main-thread event loop, as the task runtime of a pod runs it). The rule's severity must match
what happens: an error's bad example fails (or silently misbehaves) in both modes, a warning's fails only in a
local run and completes in cluster mode (its ``cluster`` outcome says how), stalling the task's event loop (test_..._stalls_...),
or completes in both modes with a failure hidden that the author may mean (its spec's ``completes_because`` says why)."""

from __future__ import annotations

import pytest

from flyte_lint.findings import Severity
from flyte_lint.rules import REGISTRY
from flyte_lint.rules.base import NOTHING, Outcome, RuntimeSpec
from lintutil import lint, lint_result
from sdk_runner import MODES, requires_cluster_mode, requires_sdk, run_program

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


# -- the rules' own runtime specs (RuntimeSpec) -----------------------------------------------------------

ON_RULES = {code: rule.runtime for code, rule in REGISTRY.items() if rule.runtime is not None}


def probe_program(spec: RuntimeSpec) -> str:
    """The program text a spec appends to the example: its probe, then its own ``append`` text."""
    kind, _, what = (spec.probe or "").partition(":")
    probes = {
        "": "",
        "plan": PLAN_PROBE.format(env=what),
        "image": IMAGE_PROBE,
        "trigger": TRIGGER_PROBE.format(task=what),
    }
    assert kind in probes, f"unknown probe {spec.probe!r}: plan:<envs>, image or trigger:<task>"
    return probes[kind] + spec.append


def unmet(outcome: Outcome, r) -> list[str]:
    """What of ``outcome`` the run ``r`` (sdk_runner.RunResult) does not show; empty when it all holds."""
    problems = []
    text = " ".join(r.error_types) + " " + (r.error or "")

    def need(holds: bool, what: str) -> None:
        if not holds:
            problems.append(what)

    if outcome.ok is not None:
        need(r.ok == outcome.ok, f"ok={outcome.ok}")
    for needle in outcome.error_contains:
        need(needle in text, f"error contains {needle!r}")
    for needle in outcome.error_excludes:
        need(needle not in (r.error or ""), f"error does not contain {needle!r}")
    if outcome.error_code is not None:
        need(r.error_code == outcome.error_code, f"error_code={outcome.error_code}")
    if outcome.phase is not None:
        need(r.phase == outcome.phase, f"phase={outcome.phase}")
    for task, times in outcome.ran.items():
        need(r.ran(task) == times, f"{task} ran {times} times")
    if outcome.output is not NOTHING:
        expected = pytest.approx(outcome.output) if outcome.approx else outcome.output
        need(r.output == expected, f"output == {outcome.output!r}")
    for key, value in outcome.output_items.items():
        need(isinstance(r.output, dict) and r.output.get(key) == value, f"output[{key!r}] == {value!r}")
    for key, needle in outcome.output_item_contains.items():
        need(isinstance(r.output, dict) and needle in str(r.output.get(key)), f"{needle!r} in output[{key!r}]")
    for needle in outcome.warning_contains:
        need(any(needle in w for w in r.warnings), f"a warning contains {needle!r}")
    if outcome.no_network:
        need(r.network_attempts == [], "no network attempts")
    if outcome.last_launched_by is not None:
        need(
            bool(r.calls) and r.calls[-1].launched_by == outcome.last_launched_by,
            f"the last call launched by {outcome.last_launched_by}",
        )
    return problems


def test_every_runtime_claim_has_a_runtime_test():
    """Every error and warning rule runs its bad and good example under the SDK, or says why it cannot."""
    for code, rule in REGISTRY.items():
        if rule.severity is Severity.INFO:
            continue
        assert (rule.runtime is None) == bool(rule.runtime_untestable), (
            f"{code}: give it a `runtime` spec, or (only) a `runtime_untestable` reason"
        )


def _warns_in_a_cluster_only(code: str) -> bool:
    """The bad example fails only in a local run and completes in a cluster (a ``cluster`` outcome)."""
    return ON_RULES[code].bad.cluster is not None


def _local_only(code: str) -> bool:
    return ON_RULES[code].modes == ("local",)


def _completes_with_something_hidden(code: str) -> bool:
    """The bad example completes in every mode, and the spec says why that is a warning (``completes_because``):
    what goes wrong is hidden, and whether it is wrong depends on the author's intent (FLY205)."""
    spec = ON_RULES[code]
    if spec.completes_because is None:
        return False
    assert spec.bad.ok is True and spec.bad.cluster is None and set(spec.modes) == set(MODES), code
    return True


@pytest.mark.parametrize("code", sorted(ON_RULES))
def test_severity_follows_the_modes_the_bad_example_fails_in(code):
    """Failing in both modes is an error; failing only in a local run (CLUSTER) is a warning, and so is completing
    in every mode with a failure hidden that the author may mean (``completes_because``)."""
    assert not (_warns_in_a_cluster_only(code) and _local_only(code))
    warns = _warns_in_a_cluster_only(code) or _completes_with_something_hidden(code)
    expected = Severity.WARNING if warns else Severity.ERROR
    assert REGISTRY[code].severity == expected, (code, REGISTRY[code].severity)
    assert f"Severity: {expected.value}:" in REGISTRY[code].rationale, REGISTRY[code].rationale


def test_every_rationale_ends_with_its_severity_and_why():
    for code, rule in REGISTRY.items():
        last = rule.rationale.rsplit("Severity: ", 1)
        assert len(last) == 2 and last[1].startswith(f"{rule.severity.value}: "), (code, rule.rationale)
        assert last[1].endswith(".") and "\n" not in last[1], (code, last[1])


def _with_mode(code: str, mode: str):
    marks = [requires_cluster_mode] if mode == "cluster" else []
    return pytest.param(code, mode, marks=marks, id=f"{code}-{mode}")


@requires_sdk
@pytest.mark.parametrize(
    "code, mode",
    [_with_mode(code, mode) for code, spec in sorted(ON_RULES.items()) for mode in spec.modes],
)
@pytest.mark.parametrize("which", ["bad", "good"])
def test_example_behaves_as_its_runtime_spec_says(code, which, mode):
    spec = ON_RULES[code]
    assert set(spec.modes) <= set(MODES), spec.modes
    source = REGISTRY[code].example(which) + probe_program(spec)
    result = run_program(source, entry=spec.entry, args=spec.args, mode=mode)
    problems = unmet(getattr(spec, which).in_mode(mode), result)
    assert not problems, f"{which} in {mode}: not {problems}\n{result.summary()}"


# -- a warning's cluster effect: the task's event loop stands still ---------------------------------------
# `blocker` makes the call under test while a gathered sibling waits for an asyncio.Event that `blocker` set just
# before. The sibling can only run when the loop gets control back: during the call if the call yields (its async
# twin), only after it if the call blocks the loop. No clock is read.

STALL = """\
import asyncio
import threading

import flyte

env = flyte.TaskEnvironment("demo")
events = []
sibling_ran = threading.Event()


@env.task
async def child(x: int) -> int:
    return x + 1


@flyte.trace
def normalize(x: float) -> float:
    return x / 100


@flyte.trace
async def normalize_async(x: float) -> float:
    return x / 100


async def sibling(started: asyncio.Event) -> None:
    await started.wait()
    events.append("sibling")
    sibling_ran.set()


async def blocker(started: asyncio.Event, how: str) -> None:
    started.set()
    events.append("call")
    if how == "flyte.run":
        flyte.run(child, x=1)
    elif how == "flyte.run.aio":
        await flyte.run.aio(child, x=1)
    elif how == "flyte.map":
        list(flyte.map(child, [1, 2]))
    elif how == "flyte.map.aio":
        [r async for r in flyte.map.aio(child, [1, 2])]
    elif how == "sync trace":
        normalize(1.0)
    elif how == "async trace":
        await normalize_async(1.0)
    events.append("returned, sibling ran meanwhile" if sibling_ran.is_set() else "returned, sibling stalled")


@env.task
async def main(how: str) -> list[str]:
    started = asyncio.Event()
    await asyncio.gather(sibling(started), blocker(started, how))
    return events
"""

STALLED = ["call", "returned, sibling stalled", "sibling"]
FREE = ["call", "sibling", "returned, sibling ran meanwhile"]


def test_the_stall_program_is_what_the_rules_report(tmp_path):
    found = {(code, line) for code, line, _ in lint(tmp_path, STALL, select=["FLY105", "FLY603"])}
    lines = STALL.splitlines()

    def line_of(text: str) -> int:
        return next(i for i, line in enumerate(lines, 1) if line.strip() == text)

    assert found == {
        ("FLY105", line_of("flyte.run(child, x=1)")),
        ("FLY105", line_of("list(flyte.map(child, [1, 2]))")),
        ("FLY603", line_of("normalize(1.0)")),
    }


def test_the_messages_say_both_effects(tmp_path):
    found = lint_result(tmp_path, STALL, select=["FLY105", "FLY603"]).findings
    assert len(found) == 3
    for finding in found:
        assert finding.severity == Severity.WARNING
        assert "in a cluster it blocks the task's event loop" in finding.message, finding.message
        assert "(gathered siblings and the controller stall)" in finding.message, finding.message
        local = (
            'in a local run each item comes back as a "Deadlock detected" error'
            if "flyte.map" in finding.message
            else 'a local run fails with "Deadlock detected'
        )
        assert local in finding.message, finding.message


@requires_sdk
@requires_cluster_mode
@pytest.mark.parametrize(
    "how, code",
    [
        ("flyte.run", "FLY105"),
        ("flyte.map", "FLY105"),
        ("sync trace", "FLY603"),
        ("flyte.run.aio", None),
        ("flyte.map.aio", None),
        ("async trace", None),
    ],
)
def test_a_blocking_call_fails_locally_and_stalls_the_loop_in_a_cluster(how, code):
    local = run_program(STALL, entry="main", args={"how": how})
    cluster = run_program(STALL, entry="main", args={"how": how}, mode="cluster")
    assert cluster.ok, cluster.summary()
    if code is None:  # the async twin: works in both modes, and the loop stays free during the call
        assert local.ok and local.output == FREE, local.summary()
        assert cluster.output == FREE, cluster.summary()
        return
    assert REGISTRY[code].severity == Severity.WARNING
    # In a cluster the call completes, and nothing else on the task's loop ran until it returned.
    assert cluster.output == STALLED, cluster.summary()
    if how == "flyte.map":
        # Locally sync flyte.map hands back each item as the deadlock error; the loop stalls all the same.
        assert local.ok and local.output == STALLED and local.ran("demo.child") == 0, local.summary()
        assert cluster.ran("demo.child") == 2
    else:
        assert not local.ok and "Deadlock detected" in local.error, local.summary()


# -- error rules in async code: their failure does not depend on the thread the loop runs on ------------------
# The documented examples of some error rules are sync tasks; these are their forms in async task code, where a
# local run and a cluster differ. Each must be reported with the rule's (error) severity and fail the same way in
# both modes.
ASYNC_HEADER = """\
import flyte

env = flyte.TaskEnvironment("demo")


@env.task
def square(x: int) -> int:
    return x * x


@env.task
async def double(x: int) -> int:
    return x * 2
"""

ASYNC_VARIANTS = {
    # FLY201: an unconsumed sync map in async code runs nothing (it never reaches the blocking part).
    "FLY201": (
        """
@env.task
async def main(items: list[int]) -> int:
    flyte.map(double, items)
    return 0
""",
        {"items": [1, 2]},
        lambda r: r.ok and r.ran("demo.double") == 0,
    ),
    # FLY201: an unconsumed async map runs nothing either.
    "FLY201-aio": (
        """
@env.task
async def main(items: list[int]) -> int:
    flyte.map.aio(double, items)
    return 0
""",
        {"items": [1, 2]},
        lambda r: r.ok and r.ran("demo.double") == 0,
    ),
    # FLY202: an async map of a lambda fails when it is iterated.
    "FLY202": (
        """
@env.task
async def main(items: list[int]) -> list[int]:
    return [r async for r in flyte.map.aio(lambda x: x * 2, items)]
""",
        {"items": [1, 2]},
        lambda r: not r.ok and "has no attribute 'name'" in (r.error or ""),
    ),
    # FLY203: a sync map is no async iterable.
    "FLY203": (
        """
@env.task
async def main(items: list[int]) -> list[int]:
    return [r async for r in flyte.map(double, items)]
""",
        {"items": [1, 2]},
        lambda r: not r.ok and "TypeError" in r.error_types and r.ran("demo.double") == 0,
    ),
    # FLY102: a sync task in a plain helper that async task code calls directly.
    "FLY102": (
        """
def helper(x: int) -> int:
    return square(x)


@env.task
async def main(x: int) -> int:
    return helper(x)
""",
        {"x": 3},
        lambda r: not r.ok and r.error_code == "SyncTaskCallInAsyncContextError" and r.ran("demo.square") == 0,
    ),
}


@pytest.mark.parametrize(
    "target, severity, effect",
    [
        (None, Severity.ERROR, "raises SyncTaskCallInAsyncContextError"),
        # flyte 2.6 had no guard (flyte2-facts.md): the sync task runs and the loop stalls meanwhile.
        ("2.6", Severity.WARNING, "blocks the run's event loop (flyte 2.6 accepts it silently)"),
    ],
)
def test_fly102_is_a_warning_for_an_sdk_without_the_guard(tmp_path, target, severity, effect):
    from flyte_lint.config import Settings
    from flyte_lint.engine import Options, run
    from lintutil import write_project

    root = write_project(
        tmp_path / "project",
        ASYNC_HEADER
        + ASYNC_VARIANTS["FLY102"][0]
        + """

@env.task
async def direct(x: int) -> int:
    return square(x)
""",
    )
    result = run([root], Settings(target_flyte_version=target), Options(select=["FLY102"]), cwd=root)
    assert len(result.findings) == 2 and not result.internal_errors
    for finding in result.findings:
        assert finding.severity == severity and effect in finding.message, finding.message


@pytest.mark.parametrize("variant", sorted(ASYNC_VARIANTS))
def test_async_variant_is_reported_as_an_error(tmp_path, variant):
    code = variant.split("-")[0]
    source, _, _ = ASYNC_VARIANTS[variant]
    assert [c for c, _, _ in lint(tmp_path, ASYNC_HEADER + source, select=[code])] == [code]
    assert REGISTRY[code].severity == Severity.ERROR


@requires_sdk
@pytest.mark.parametrize(
    "mode", [pytest.param(m, marks=[requires_cluster_mode] if m == "cluster" else []) for m in MODES]
)
@pytest.mark.parametrize("variant", sorted(ASYNC_VARIANTS))
def test_async_variant_fails_in_both_modes(variant, mode):
    source, args, check = ASYNC_VARIANTS[variant]
    result = run_program(ASYNC_HEADER + source, entry="main", args=args, mode=mode)
    assert check(result), result.summary()
