"""FLY314-FLY316 against the SDK's own code, beyond each rule's documented example (its ``runtime`` spec).

Each test lints every variant a rule must tell apart on its own, and evaluates all of them in one program under
the real SDK (tests/sdk_runner.py), so "flyte-lint reports it" must equal "the SDK misbehaves or fails on it":

- FLY314: what ``TaskTemplate.override`` leaves in the task it returns, for a falsy value of each setting it
  merges as ``given or self.x``, for the settings it merges otherwise, and for a task with no setting of its own.
- FLY315: whether ``.override(...)`` on a reusable task (an env's policy, a clone's, the call's own, an earlier
  override's) raises ValueError, and whether ``env.task(...)`` of a reusable env does (it raises before any
  function is decorated, so the program calls it inside a ``try``).
- FLY316: whether ``depends_on`` / ``clone_with`` / ``add_dependency`` of a TaskEnvironment or an AppEnvironment
  accept each object.
"""

from __future__ import annotations

import textwrap

import pytest

from lintutil import fixed_files, lint, lint_result
from sdk_runner import MODES, requires_cluster_mode, requires_sdk, run_program


def _reported(tmp_path, source: str, code: str) -> bool:
    found = [c for c, _, _ in lint(tmp_path, textwrap.dedent(source), select=[code])]
    assert set(found) <= {code}
    return bool(found)


def _table(variants: dict[str, str], evaluate: str) -> str:
    """A ``main`` task returning ``{name: <evaluate>(lambda: <expression>)}`` for every variant."""
    rows = "\n".join(f"        {name!r}: {evaluate}(lambda: {expr})," for name, expr in variants.items())
    return f"""

@probe_env.task
async def main() -> dict:
    return {{
{rows}
    }}
"""


def _mode(mode: str):
    return pytest.param(mode, marks=[requires_cluster_mode] if mode == "cluster" else [], id=mode)


# -- FLY314 ------------------------------------------------------------------------------------------------------
FALSY_HEADER = """
import flyte

NO_QUEUE = ""
probe_env = flyte.TaskEnvironment("probe")
env = flyte.TaskEnvironment(
    "demo", env_vars={"MODE": "full"}, secrets=["token"], service_account="etl", queue="gpu", pod_template="t"
)
plain = flyte.TaskEnvironment("plain")


class Docs:
    def get_link(self, **kwargs) -> str:
        return "https://example.com"


@env.task(retries=2, timeout=600, max_inline_io_bytes=1024, links=(Docs(),), interruptible=True)
async def work(x: int) -> int:
    return x


@plain.task
async def bare(x: int) -> int:
    return x
"""

# name -> (the override call, the setting it asks to drop): the SDK misbehaves when that setting is still on.
FALSY = {
    "retries_0": ("work.override(retries=0)", "retries"),
    "retries_false": ("work.override(retries=False)", "retries"),
    "timeout_0": ("work.override(timeout=0)", "timeout"),
    "timeout_none": ("work.override(timeout=None)", "timeout"),
    "env_vars_empty": ("work.override(env_vars={})", "env_vars"),
    "secrets_empty": ("work.override(secrets=[])", "secrets"),
    "max_inline_0": ("work.override(max_inline_io_bytes=0)", "max_inline_io_bytes"),
    "service_account_empty": ('work.override(service_account="")', "service_account"),
    "queue_constant": ("work.override(queue=NO_QUEUE)", "queue"),
    "pod_template_none": ("work.override(pod_template=None)", "pod_template"),
    "links_empty": ("work.override(links=())", "links"),
    "chained": ("work.override(queue='a').override(retries=0)", "retries"),
    # honoured: merged with `is not None`, or a truthy value
    "interruptible_false": ("work.override(interruptible=False)", "interruptible"),
    "retry_strategy_0": ("work.override(retries=flyte.RetryStrategy(count=0))", "retries"),
    # the task has no such setting: the override changes nothing, and nothing is on
    "bare_retries_0": ("bare.override(retries=0)", "retries"),
    "bare_timeout_0": ("bare.override(timeout=0)", "timeout"),
    "bare_env_vars_empty": ("bare.override(env_vars={})", "env_vars"),
    "bare_queue_none": ("bare.override(queue=None)", "queue"),
    # ... but max_inline_io_bytes always has the SDK's default (10 MiB)
    "bare_max_inline_0": ("bare.override(max_inline_io_bytes=0)", "max_inline_io_bytes"),
}

STILL_ON = """

def still_on(task, setting: str) -> bool:
    value = getattr(task, setting)
    return bool(value.count if setting == "retries" else value)
"""


@requires_sdk
def test_fly314_reports_exactly_the_falsy_overrides_the_sdk_drops(tmp_path):
    rows = "\n".join(f"        {name!r}: still_on({call}, {setting!r})," for name, (call, setting) in FALSY.items())
    program = (
        FALSY_HEADER + STILL_ON + f"\n\n@probe_env.task\nasync def main() -> dict:\n    return {{\n{rows}\n    }}\n"
    )
    r = run_program(program, entry="main")
    assert r.ok, r.summary()
    assert r.output["retries_0"] and r.output["env_vars_empty"] and not r.output["bare_retries_0"]
    for name, (call, _) in FALSY.items():
        reported = _reported(tmp_path / name, FALSY_HEADER + f"\nprobe = {call}\n", "FLY314")
        assert reported == r.output[name], (name, reported, r.output[name])


# -- FLY315 ------------------------------------------------------------------------------------------------------
REUSE_HEADER = """
import functools

import flyte

POLICY = flyte.ReusePolicy(replicas=2)
probe_env = flyte.TaskEnvironment("probe")
pool = flyte.TaskEnvironment("pool", reusable=POLICY, service_account="etl")
plain = flyte.TaskEnvironment("plain")
warm = pool.clone_with("warm")
cold = pool.clone_with("cold", reusable=None)


@pool.task
async def score(x: int) -> int:
    return x


@plain.task
async def other(x: int) -> int:
    return x


@warm.task
async def rank(x: int) -> int:
    return x


@cold.task
async def chilled(x: int) -> int:
    return x


def raises_value_error(make) -> bool:
    try:
        make()
    except ValueError:
        return True
    except Exception:
        return False
    return False
"""
CPU = "flyte.Resources(cpu=2)"
OVERRIDES = {
    "resources": f"score.override(resources={CPU})",
    "env_vars": 'score.override(env_vars={"A": "1"})',
    "env_vars_empty": "score.override(env_vars={})",
    "secrets": 'score.override(secrets=["token"])',
    "service_account_same": 'score.override(service_account="etl")',
    "reusable_none_keeps_it": f"score.override(reusable=None, resources={CPU})",
    "chain_keeps_it": 'score.override(retries=2).override(secrets="token")',
    "clone_keeps_it": 'rank.override(env_vars={"A": "1"})',
    "policy_in_the_call": 'other.override(reusable=flyte.ReusePolicy(replicas=1), env_vars={"A": "1"})',
    "off": f"score.override(reusable='off', resources={CPU})",
    "earlier_off": "score.override(reusable='off').override(secrets=['token'])",
    "clone_off": f"chilled.override(resources={CPU})",
    "not_reusable": f"other.override(resources={CPU}, env_vars={{}})",
    "none_values": "score.override(resources=None, env_vars=None, secrets=None, service_account=None)",
    "partial_has_no_override": f"functools.partial(score, 1).override(resources={CPU})",
    # env.task(...) of a reusable env: raises before decorating anything
    "pod_template": 'pool.task(pod_template="t")',
    "pod_template_on_a_clone": 'warm.task(pod_template="t")',
    "other_service_account": 'pool.task(service_account="admin")',
    "same_service_account": 'pool.task(service_account="etl")',
    "pod_template_not_reusable": 'plain.task(pod_template="t")',
    "pod_template_clone_off": 'cold.task(pod_template="t")',
}


@requires_sdk
@pytest.mark.parametrize("mode", [_mode(m) for m in MODES])
def test_fly315_reports_exactly_what_raises_valueerror_on_a_reusable_task(tmp_path, mode):
    r = run_program(REUSE_HEADER + _table(OVERRIDES, "raises_value_error"), entry="main", mode=mode)
    assert r.ok, r.summary()
    assert r.output["resources"] and r.output["env_vars_empty"] and not r.output["off"]
    for name, expr in OVERRIDES.items():
        reported = _reported(tmp_path / name, REUSE_HEADER + f"\nprobe = {expr}\n", "FLY315")
        assert reported == r.output[name], (name, reported, r.output[name])


@requires_sdk
def test_fly315_an_override_on_a_reusable_task_is_one_finding_of_fly315_not_fly314(tmp_path):
    """``env_vars={}`` on a reusable task raises (FLY315); ``env_vars=None`` there is dropped (FLY314)."""
    source = REUSE_HEADER.replace('service_account="etl")', 'service_account="etl", env_vars={"M": "1"})')
    found = lint(
        tmp_path, source + "\nraising = score.override(env_vars={})\ndropped = score.override(env_vars=None)\n"
    )
    lines = len(source.splitlines())
    assert sorted((code, line - lines) for code, line, _ in found) == [("FLY314", 2), ("FLY315", 1)], found
    program = source + _table({"raising": "score.override(env_vars={})"}, "raises_value_error")
    program += "\n\n@probe_env.task\nasync def kept() -> dict:\n    return score.override(env_vars=None).env_vars\n"
    assert run_program(program, entry="main").output == {"raising": True}
    assert run_program(program, entry="kept").output == {"M": "1"}


# -- FLY316 ------------------------------------------------------------------------------------------------------
DEPENDENCY_HEADER = """
import flyte
import flyte.app

probe_env = flyte.TaskEnvironment("probe")
train_env = flyte.TaskEnvironment("train")
later = flyte.TaskEnvironment("later")


@train_env.task
async def train(x: int) -> int:
    return x


def raises_type_error(make) -> bool:
    try:
        make()
    except TypeError:
        return True
    return False
"""
DEPENDENCIES = {
    "depends_on_task": 'flyte.TaskEnvironment("d1", depends_on=[train])',
    "clone_with_task": 'train_env.clone_with("d2", depends_on=[train])',
    "add_dependency_task": "later.add_dependency(train)",
    "overridden_task": 'flyte.TaskEnvironment("d3", depends_on=[train.override(retries=1)])',
    "parent_env": 'flyte.TaskEnvironment("d4", depends_on=[train.parent_env()])',
    "add_parent_env": "later.add_dependency(train.parent_env())",
    "env": 'flyte.TaskEnvironment("d5", depends_on=[train_env])',
    "app_depends_on_task": 'flyte.app.AppEnvironment(name="a1", depends_on=[train])',
    "app_add_dependency_task": 'flyte.app.AppEnvironment(name="a2").add_dependency(train)',
    "app_env": 'flyte.app.AppEnvironment(name="a3", depends_on=[train_env])',
}


@requires_sdk
def test_fly316_reports_exactly_the_dependencies_the_sdk_rejects(tmp_path):
    r = run_program(DEPENDENCY_HEADER + _table(DEPENDENCIES, "raises_type_error"), entry="main")
    assert r.ok, r.summary()
    assert r.output["depends_on_task"] and not r.output["parent_env"]
    for name, expr in DEPENDENCIES.items():
        reported = _reported(tmp_path / name, DEPENDENCY_HEADER + f"\nprobe = {expr}\n", "FLY316")
        assert reported == r.output[name], (name, reported, r.output[name])


@requires_sdk
def test_fly316_every_fix_imports_and_deploys_the_tasks_env(tmp_path):
    """The fixed program (its env variable, an imported alias, ``<module>.<variable>``, ``.parent_env()``)
    imports, and the deploy planner plans the task's env with the driver."""
    files = {
        "pkg/__init__.py": "",
        "pkg/envs.py": 'import flyte\n\ntrain_env = flyte.TaskEnvironment("train")\n',
        "pkg/tasks.py": "from pkg.envs import train_env\n\n\n@train_env.task\nasync def train(x: int) -> int:\n"
        "    return x\n",
        "pkg/more.py": 'import flyte\n\nscore_env = flyte.TaskEnvironment("score")\n\n\n@score_env.task\n'
        "async def score(x: int) -> int:\n    return x\n",
        "main.py": """
            import flyte
            from pkg import more
            from pkg.tasks import train

            env = flyte.TaskEnvironment("main", depends_on=[train, more.score])


            @env.task
            async def main() -> list[str]:
                from flyte._deploy import plan_deploy

                return sorted(plan_deploy(env)[0].envs)
        """,
    }
    findings = lint_result(tmp_path, files, select=["FLY316"]).findings
    assert len(findings) == 2
    fixed = fixed_files(tmp_path, findings)
    assert "depends_on=[train.parent_env(), more.score_env]" in fixed["main.py"]
    assert run_program(files, entry="main").error_types[:1] == ["TypeError"]
    r = run_program({**files, "main.py": fixed["main.py"]}, entry="main")
    assert r.ok and r.output == ["main", "score", "train"], r.summary()


def test_fly316_names_the_env_only_by_a_name_that_stands_for_it_there(tmp_path):
    """model/env_names.py: an import below the use, or a local that shadows the variable, is no name for the env
    there (``.parent_env()`` is offered instead); ``<module>.<variable>`` needs the module reference itself."""
    files = {
        "pkg/__init__.py": "",
        "pkg/envs.py": 'import flyte\n\ntrain_env = flyte.TaskEnvironment("train")\n',
        "pkg/tasks.py": "from pkg.envs import train_env\n\n\n@train_env.task\nasync def train(x: int) -> int:\n"
        "    return x\n",
        "main.py": """
            import flyte
            from pkg import tasks
            from pkg.tasks import train

            first = flyte.TaskEnvironment("first", depends_on=[train])
            via_module = flyte.TaskEnvironment("via", depends_on=[tasks.train])

            from pkg.envs import train_env as te

            later = flyte.TaskEnvironment("later", depends_on=[train])


            def wire(te: str) -> None:
                first.add_dependency(train)
        """,
    }
    findings = lint_result(tmp_path, files, select=["FLY316"]).findings
    shown = [s.shown for f in findings for s in f.suggestions]
    assert shown == ["train.parent_env()", "tasks.train.parent_env()", "te", "train.parent_env()"], shown
