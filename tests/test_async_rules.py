"""FLY101–FLY108: how tasks are called. What cases cannot say: fixes and messages in context, SDK runs, and every
case of the calls family (rules/calls/, moved there from this file and test_argument_rules.py) linted with the other
rules on, as these tests linted them.

Sources mark the findings they expect with a trailing ``# expect: FLY101`` comment (several codes:
``# expect: FLY102, FLY401``). ``check`` lints with every rule enabled and compares the findings with the
marks, so a quiet case is simply a source without marks, and any extra finding fails the test.
"""

from __future__ import annotations

import re

import pytest

from expectutil import expectations
from flyte_lint.rules import all_rules
from flyte_lint.rules.calls._cases import TASKS
from flyte_lint.rules.calls._container_programs import CONTAINERS_RUN, DEAD_CONTAINERS
from flyte_lint.rules.calls._decorated_task_programs import AGENT_TOOL_RUN, TENACITY_RUN, WRAPPED_RUN
from flyte_lint.rules.calls._task_object_programs import TASK_OBJECTS_RUN
from lintutil import lint, lint_result, split_files
from sdk_runner import needs_docker, requires_sdk, run_program

EXPECT = re.compile(r"#\s*expect:\s*(?P<codes>FLY\d{3}(?:\s*,\s*FLY\d{3})*)\s*$")

HEADER = TASKS


def expected(files: dict[str, str]) -> list[tuple[str, int, str]]:
    found = []
    for path, text in files.items():
        for number, line in enumerate(text.splitlines(), 1):
            match = EXPECT.search(line)
            if match:
                found.extend((code.strip(), number, path) for code in match.group("codes").split(","))
    return sorted(found)


def check(tmp_path, source: str, header: bool = True) -> None:
    """Lint ``source`` (after HEADER, as main.py, unless it has ``# file:`` markers) with all rules;
    the findings must be exactly the ``# expect:`` marks."""
    files = split_files(source)
    if header and list(files) == ["main.py"]:
        files = {"main.py": HEADER + "\n\n" + files["main.py"]}
    found = sorted(lint(tmp_path, files))
    assert found == expected(files), "\n" + "\n".join(
        f"{p}:{n}: {line}" for p, text in files.items() for n, line in enumerate(text.splitlines(), 1)
    )


def test_header_is_clean(tmp_path):
    check(tmp_path, "")


def test_expect_marks_are_parsed():
    assert expected({"m.py": "a\nb  # expect: FLY101\nc  # expect: FLY102, FLY401\n"}) == [
        ("FLY101", 2, "m.py"),
        ("FLY102", 3, "m.py"),
        ("FLY401", 3, "m.py"),
    ]


# -- the family's cases, with the other rules on ---------------------------------------------------------------

FAMILY_CASES = [
    pytest.param(case, id=f"{rule.code}-{case.name}")
    for rule in all_rules()
    if rule.code.startswith("FLY10")
    for case in [*rule.INVALID, *rule.VALID]
    if case.name
]


@pytest.mark.parametrize("case", FAMILY_CASES)
def test_family_case_with_the_other_rules_on(tmp_path, case):
    """A named case of FLY101-FLY108 linted with every default rule on (or, when it names them, its ``select``): the
    findings of every code are exactly its ``# expect:`` lines, so a case also shows that no other rule reports it."""
    found = sorted(lint(tmp_path, case.source, select=case.select))
    assert found == expectations(case.source, case.select)


# -- FLY103 unawaited-coroutine --------------------------------------------------------------------------


@requires_sdk
@pytest.mark.parametrize("entry", ["bad", "bad_sync", "good", "good_sync"])
def test_fly103_fly104_task_objects_under_the_sdk(entry):
    # The discarded calls never start their task: the parent succeeds without needing Docker. The awaited
    # calls do start it, and get as far as needing Docker.
    r = run_program(TASK_OBJECTS_RUN, entry=entry)
    assert r.ok, r.summary()
    started = {"bad": (0, 0), "bad_sync": (0, 0), "good": (2, 1), "good_sync": (1, 0)}[entry]
    assert (r.ran("echo"), r.ran("sh")) == started, r.summary()
    if entry.startswith("bad"):
        assert r.output == "parent ok"
        assert any("was never awaited" in w for w in r.warnings), r.summary()
    else:
        outputs = r.output if isinstance(r.output, list) else [r.output]
        assert all(needs_docker(out) for out in outputs), r.summary()


# -- the SDK agrees ---------------------------------------------------------------------------------------
# The cases above that rest on a less obvious SDK behaviour, run under the real SDK.

SDK_HEADER = """\
import asyncio
import flyte

env = flyte.TaskEnvironment("demo")

@env.task
def square(x: int) -> int:
    return x * x

@env.task
async def inc(x: int) -> int:
    return x + 1
"""


@requires_sdk
@pytest.mark.parametrize(
    "body, ok, error",
    [
        # FLY102: a plain helper called from async task code runs on the event loop
        (
            "def helper(x):\n    return square(x)\n\n@env.task\nasync def main(x: int) -> int:\n    return helper(x)\n",
            False,
            "SyncTaskCallInAsyncContextError",
        ),
        # quiet: the same helper in a thread
        (
            "def helper(x):\n    return square(x)\n\n@env.task\nasync def main(x: int) -> int:\n"
            "    return await asyncio.to_thread(helper, x)\n",
            True,
            None,
        ),
        # FLY105: flyte.run in a plain helper called from async task code
        (
            "def launch(x):\n    return flyte.run(inc, x=x)\n\n@env.task\nasync def main(x: int) -> int:\n"
            "    launch(x)\n    return x\n",
            False,
            "Deadlock detected",
        ),
        # FLY103: a coroutine returned as an async task's output
        ("@env.task\nasync def main(x: int) -> int:\n    return inc(x)\n", False, "failed to serialize"),
        # quiet: a helper behind a decorator that runs it in a thread
        (
            "import functools\n\ndef in_thread(fn):\n    @functools.wraps(fn)\n    async def wrapper(*a, **k):\n"
            "        return await asyncio.to_thread(fn, *a, **k)\n    return wrapper\n\n@in_thread\ndef helper(x):\n"
            "    return square(x)\n\n@env.task\nasync def main(x: int) -> int:\n    return await helper(x)\n",
            True,
            None,
        ),
        # quiet: a plain helper returns the coroutine and the task awaits it
        (
            "def make(x):\n    return inc(x)\n\n@env.task\nasync def main(x: int) -> int:\n    return await make(x)\n",
            True,
            None,
        ),
        # FLY102: asyncio.run inside a sync task body starts a loop, and the SDK sees it
        (
            "@env.task\ndef main(x: int) -> int:\n    async def go() -> int:\n        return square(x)\n"
            "    return asyncio.run(go())\n",
            False,
            "SyncTaskCallInAsyncContextError",
        ),
        # quiet: the advice for a partial of a sync task (FLY101/FLY102)
        (
            "import functools\n\n@env.task\nasync def main(x: int) -> int:\n"
            "    return await functools.partial(square.aio, x=x)()\n",
            True,
            None,
        ),
        # quiet: a coroutine kept as a class attribute and awaited later
        (
            "class Jobs:\n    first = inc(2)\n\n@env.task\nasync def main(x: int) -> int:\n    return await Jobs.first\n",
            True,
            None,
        ),
    ],
    ids=[
        "sync-helper-sync-task",
        "to-thread-helper",
        "decorated-thread-helper",
        "sync-helper-flyte-run",
        "returned-coroutine",
        "helper-returns-coroutine",
        "asyncio-run-in-sync-task",
        "partial-of-aio",
        "class-attribute-coroutine",
    ],
)
def test_sdk_behaviour_behind_the_rules(body, ok, error):
    r = run_program(SDK_HEADER + "\n" + body, entry="main", args={"x": 2})
    assert r.ok is ok, r.summary()
    if error:
        assert error in (r.error or "") + " ".join(r.error_types), r.summary()


# -- tasks kept in containers: a call of one of several tasks -------------------------------------------


@requires_sdk
@pytest.mark.parametrize(
    "entry, args",
    [("bad", {"k": "a"}), ("good", {"k": "a"}), ("bad_sync_list", {"x": 2}), ("good_sync_list", {"x": 2})],
)
def test_containers_under_the_sdk(entry, args):
    r = run_program(CONTAINERS_RUN, entry=entry, args=args)
    if entry == "bad":  # the discarded coroutine: the child never runs, the parent succeeds
        assert r.ok and r.output == "parent ok" and r.ran("demo.a") == 0, r.summary()
        assert any("was never awaited" in w for w in r.warnings), r.summary()
    elif entry == "good":
        assert r.ok and r.output == 2 and r.ran("demo.a") == 1, r.summary()
    elif entry == "bad_sync_list":
        assert not r.ok and "SyncTaskCallInAsyncContextError" in (r.error or "") + " ".join(r.error_types), r.summary()
    else:
        assert r.ok and r.output == 10 and r.ran("demo.s") == 1 and r.ran("demo.c") == 1, r.summary()


# -- a project decorator stacked above @env.task ------------------------------------------------------------


@requires_sdk
@pytest.mark.parametrize("entry", ["bad", "bad_sync", "good", "good_sync", "sync_through_wrappers"])
def test_wrapped_tasks_under_the_sdk(entry):
    r = run_program(WRAPPED_RUN, entry=entry)
    if entry.startswith("bad"):  # the coroutine made through the wrapper is lost: the children never run
        assert r.ok and r.output == "parent ok" and r.ran("demo.a") == r.ran("demo.aa") == 0, r.summary()
        assert any("was never awaited" in w for w in r.warnings), r.summary()
    elif entry == "good":  # awaited through either wrapper, the task runs
        assert r.ok and r.output == 5 and r.ran("demo.a") == r.ran("demo.aa") == 1, r.summary()
    elif entry == "good_sync":
        assert r.ok and r.output == 4 and r.ran("demo.s") == 1, r.summary()
    else:
        assert not r.ok and "SyncTaskCallInAsyncContextError" in " ".join(r.error_types), r.summary()


def _sdk_has_tenacity() -> bool:
    import subprocess

    from sdk_runner import sdk_python

    return subprocess.run([sdk_python(), "-c", "import tenacity"], capture_output=True).returncode == 0


@requires_sdk
@pytest.mark.parametrize("entry", ["bad", "good", "good_sync"])
def test_tenacity_retry_above_a_task_under_the_sdk(entry):
    # tenacity's retry picks its sync Retrying for a task object: an async task's coroutine comes back as is.
    if not _sdk_has_tenacity():
        pytest.skip("tenacity is not installed where the SDK runs")
    r = run_program(TENACITY_RUN.replace(" + s(x=1, y=2)", ""), entry=entry)
    if entry == "bad":
        assert r.ok and r.output == "parent ok" and r.ran("demo.a") == 0, r.summary()
    elif entry == "good":
        assert r.ok and r.output == 2 and r.ran("demo.a") == 1, r.summary()
    else:
        assert r.ok and r.output == 4 and r.ran("demo.s") == 1, r.summary()


# -- flyte.ai.agents.tool stacked above @env.task -----------------------------------------------------------


@requires_sdk
@pytest.mark.parametrize("entry", ["bad", "bad_sync", "good"])
def test_agent_tool_above_a_task_under_the_sdk(entry):
    r = run_program(AGENT_TOOL_RUN, entry=entry)
    if entry.startswith("bad"):  # the AgentTool's coroutine is lost: no child runs
        assert r.ok and r.output == "parent ok" and r.ran("demo.a") == r.ran("demo.s") == 0, r.summary()
        assert any("'AgentTool.aio' was never awaited" in w for w in r.warnings), r.summary()
    else:
        assert r.ok and r.output == 8 and r.ran("demo.a") == 2 and r.ran("demo.s") == 1, r.summary()


# -- FLY103: a coroutine put in a local container that nothing reads ------------------------------------------
# (where FLY103 reports: the case coroutine-put-in-a-local-container-nothing-reads-run)
def test_fly103_dead_container_messages(tmp_path):
    result = lint_result(tmp_path, split_files(DEAD_CONTAINERS), select=["FLY103"])
    shown = sorted(f.message for f in result.findings if "is put in" in f.message)
    assert (
        shown
        == [
            "the coroutine of 'demo.child' is put in `pending`, a dict of this function that nothing reads except to add "
            "to it or take its length, so nothing ever awaits it and the child task never runs. Await the call, or "
            "gather the dict: `await asyncio.gather(*pending.values())`",
        ]
        + [
            "the coroutine of 'demo.child' is put in `pending`, a list of this function that nothing reads except to add "
            "to it or take its length, so nothing ever awaits it and the child task never runs. Await the call, or "
            "gather the list: `await asyncio.gather(*pending)`",
        ]
        * 2
    )


@requires_sdk
@pytest.mark.parametrize("entry", ["bad_list", "bad_dict", "bad_comprehension", "good_gathered", "good_values"])
def test_fly103_dead_container_under_the_sdk(entry):
    r = run_program(split_files(DEAD_CONTAINERS), entry=entry, args={"n": 2})
    assert r.ok, r.summary()
    if entry.startswith("bad"):  # the parent succeeds; the children never run
        assert r.ran("demo.child") == 0, r.summary()
        assert any("was never awaited" in w for w in r.warnings), r.summary()
    else:
        assert r.ran("demo.child") >= 1, r.summary()
