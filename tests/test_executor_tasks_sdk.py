"""The forms of FLY111 (reserved-parameter-name), FLY112 (task-in-executor) and FLY114 (asyncio-run-sync-task)
beyond each rule's documented example, each linted (the rule reports exactly its ``# expect:`` lines) and run
under the real SDK in both of sdk_runner's modes (a local run, and the entry's body on a main-thread event loop
as in a pod): the reported forms misbehave, the quiet look-alikes work.

FLY112's "runs as a plain function" is shown by the SDK runner's own record of task bodies: the task's body ran
(its result is there, or its side effect) while no task action of it was recorded (``ran == 0``), and a task with
``retries=2`` whose first attempt fails is retried when called in the task or through ``asyncio.to_thread``, but
not when handed to a thread pool."""

from __future__ import annotations

import pytest

from expectutil import check
from sdk_runner import MODES, requires_cluster_mode, requires_sdk, run_program

HEADER = """\
import asyncio
import contextvars
import functools
import os
import tempfile
import threading
import concurrent.futures
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import flyte

env = flyte.TaskEnvironment("demo")
SEEN = []
MARK = os.path.join(tempfile.gettempdir(), f"flyte-lint-flaky-{os.getpid()}")


@env.task
def square(x: int) -> int:
    return x * x


@env.task
async def asq(x: int) -> int:
    return x * x


@env.task
def record(x: int) -> int:
    SEEN.append(x)
    return x


@env.task(retries=2)
def flaky(x: int) -> int:
    if not os.path.exists(MARK):
        open(MARK, "w").close()
        raise RuntimeError("first attempt fails")
    os.remove(MARK)
    return x * x
"""


def plain(r, task="demo.square", output=9):
    """The task's function ran (its result came back) and no task action of it was recorded."""
    return r.ok and r.output == output and r.ran(task) == 0


def as_task(r, task="demo.square", output=9):
    return r.ok and r.output == output and r.ran(task) == 1


def failed(r, *needles, ran=None):
    text = " ".join(r.error_types) + " " + (r.error or "")
    return not r.ok and all(n in text for n in needles) and (ran is None or r.ran(ran[0]) == ran[1])


PICKLING = ("PicklingError", "it's not the same object as main.square")

# name: (the rule, the program after HEADER, what running its task `main(x=3)` must show)
VARIANTS = {
    # -- FLY112: the executor forms, each runs the task as a plain function -------------------------------------
    "FLY112-run-in-executor": (
        "FLY112",
        """
@env.task
async def main(x: int) -> int:
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, square, x)  # expect: FLY112
""",
        plain,
    ),
    "FLY112-get-event-loop-run-in-executor": (
        "FLY112",
        """
@env.task
async def main(x: int) -> int:
    return await asyncio.get_event_loop().run_in_executor(None, square, x)  # expect: FLY112
""",
        plain,
    ),
    "FLY112-with-pool-submit": (
        "FLY112",
        """
@env.task
def main(x: int) -> int:
    with ThreadPoolExecutor() as pool:
        return pool.submit(square, x).result()  # expect: FLY112
""",
        plain,
    ),
    "FLY112-pool-map": (
        "FLY112",
        """
@env.task
def main(x: int) -> int:
    with ThreadPoolExecutor(max_workers=2) as pool:
        return max(pool.map(square, [x, 1]))  # expect: FLY112
""",
        plain,
    ),
    "FLY112-pool-bound-to-a-name": (
        "FLY112",
        """
@env.task
def main(x: int) -> int:
    pool = concurrent.futures.ThreadPoolExecutor()
    try:
        return pool.submit(square, x).result()  # expect: FLY112
    finally:
        pool.shutdown()
""",
        plain,
    ),
    "FLY112-aliased-import": (
        "FLY112",
        """
from concurrent.futures import ThreadPoolExecutor as TPE


@env.task
def main(x: int) -> int:
    with TPE() as pool:
        return pool.submit(square, x).result()  # expect: FLY112
""",
        plain,
    ),
    "FLY112-partial": (
        "FLY112",
        """
@env.task
def main(x: int) -> int:
    with ThreadPoolExecutor() as pool:
        return pool.submit(functools.partial(square, x)).result()  # expect: FLY112
""",
        plain,
    ),
    "FLY112-override": (
        "FLY112",
        """
@env.task
def main(x: int) -> int:
    with ThreadPoolExecutor() as pool:
        return pool.submit(square.override(retries=2), x).result()  # expect: FLY112
""",
        plain,
    ),
    "FLY112-lambda": (
        "FLY112",
        """
@env.task
async def main(x: int) -> int:
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, lambda: square(x))  # expect: FLY112
""",
        plain,
    ),
    "FLY112-function-calling-a-task": (
        "FLY112",
        """
def process_one(x: int) -> int:
    return square(x)


@env.task
def main(x: int) -> int:
    with ThreadPoolExecutor() as pool:
        return max(pool.map(process_one, [x, 1]))  # expect: FLY112
""",
        plain,
    ),
    "FLY112-thread-target": (
        "FLY112",
        """
@env.task
def main(x: int) -> list[int]:
    worker = threading.Thread(target=record, args=(x,))  # expect: FLY112
    worker.start()
    worker.join()
    return SEEN
""",
        lambda r: plain(r, "demo.record", [3]),
    ),
    "FLY112-timer": (
        "FLY112",
        """
@env.task
def main(x: int) -> list[int]:
    timer = threading.Timer(0.0, record, args=(x,))  # expect: FLY112
    timer.start()
    timer.join()
    return SEEN
""",
        lambda r: plain(r, "demo.record", [3]),
    ),
    "FLY112-async-task": (
        "FLY112",
        """
@env.task
async def main(x: int) -> str:
    loop = asyncio.get_running_loop()
    value = await loop.run_in_executor(None, asq, x)  # expect: FLY112
    value.close()
    return type(value).__name__
""",
        lambda r: plain(r, "demo.asq", "coroutine"),
    ),
    "FLY112-no-retries": (
        "FLY112",
        """
@env.task
def main(x: int) -> int:
    with ThreadPoolExecutor() as pool:
        return pool.submit(flaky, x).result()  # expect: FLY112
""",
        lambda r: failed(r, "first attempt fails", ran=("demo.flaky", 0)),
    ),
    "FLY112-process-pool": (
        "FLY112",
        """
@env.task
def main(x: int) -> int:
    with ProcessPoolExecutor() as pool:
        return pool.submit(square, x).result()  # expect: FLY112
""",
        lambda r: failed(r, *PICKLING, ran=("demo.square", 0)),
    ),
    "FLY112-process-pool-in-run-in-executor": (
        "FLY112",
        """
@env.task
async def main(x: int) -> int:
    with ProcessPoolExecutor() as pool:
        return await asyncio.get_running_loop().run_in_executor(pool, square, x)  # expect: FLY112
""",
        lambda r: failed(r, *PICKLING, ran=("demo.square", 0)),
    ),
    # What a process pool does with the callable, outside any run too (at import): pickle it.
    "FLY112-a-task-does-not-pickle-outside-a-run": (
        "FLY112",
        """
import pickle

try:
    pickle.dumps(square)
    OUTSIDE = "pickled"
except pickle.PicklingError as exc:
    OUTSIDE = str(exc)


@env.task
def main(x: int) -> str:
    return OUTSIDE
""",
        lambda r: r.ok and "it's not the same object as main.square" in r.output,
    ),
    # -- FLY112: what copies the context runs the task as a task --------------------------------------------------
    "FLY112-to-thread": (
        "FLY112",
        """
@env.task
async def main(x: int) -> int:
    return await asyncio.to_thread(square, x)
""",
        as_task,
    ),
    "FLY112-to-thread-partial": (
        "FLY112",
        """
@env.task
async def main(x: int) -> int:
    return await asyncio.to_thread(functools.partial(square, x))
""",
        as_task,
    ),
    "FLY112-to-thread-lambda": (
        "FLY112",
        """
@env.task
async def main(x: int) -> int:
    return await asyncio.to_thread(lambda: square(x))
""",
        as_task,
    ),
    "FLY112-copied-context-in-a-pool": (
        "FLY112",
        """
@env.task
def main(x: int) -> int:
    with ThreadPoolExecutor() as pool:
        return pool.submit(contextvars.copy_context().run, square, x).result()
""",
        as_task,
    ),
    "FLY112-to-thread-retries": (
        "FLY112",
        """
@env.task
async def main(x: int) -> int:
    return await asyncio.to_thread(flaky, x)
""",
        lambda r: r.ok and r.output == 9 and r.ran("demo.flaky") == 2,
    ),
    # -- FLY114: a sync task's call handed to an event loop runner ------------------------------------------------
    "FLY114-asyncio-run-alias": (
        "FLY114",
        """
import asyncio as aio


@env.task
def main(x: int) -> int:
    return aio.run(square(x))  # expect: FLY114
""",
        lambda r: failed(r, "ValueError", "a coroutine was expected", ran=("demo.square", 1)),
    ),
    "FLY114-from-asyncio-import-run": (
        "FLY114",
        """
from asyncio import run


@env.task
def main(x: int) -> int:
    return run(square.override(retries=2)(x))  # expect: FLY114
""",
        lambda r: failed(r, "ValueError", "a coroutine was expected", ran=("demo.square", 1)),
    ),
    "FLY114-partial": (
        "FLY114",
        """
@env.task
def main(x: int) -> int:
    return asyncio.run(functools.partial(square, x)())  # expect: FLY114
""",
        lambda r: failed(r, "ValueError", "a coroutine was expected", ran=("demo.square", 1)),
    ),
    "FLY114-run-until-complete": (
        "FLY114",
        """
@env.task
def main(x: int) -> int:
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(square(x))  # expect: FLY114
    finally:
        loop.close()
""",
        lambda r: failed(r, "TypeError", "An asyncio.Future, a coroutine or an awaitable is required"),
    ),
    "FLY114-a-name-holding-the-result": (
        "FLY114",
        """
@env.task
def main(x: int) -> int:
    value = square(x)
    return asyncio.run(value)  # expect: FLY114
""",
        lambda r: failed(r, "ValueError", "a coroutine was expected", ran=("demo.square", 1)),
    ),
    "FLY114-outside-a-run": (
        "FLY114",
        """
RESULT = asyncio.run(square(3))  # expect: FLY114


@env.task
def main(x: int) -> int:
    return x
""",
        lambda r: failed(r, "ValueError", "a coroutine was expected") and r.phase == "import",
    ),
    "FLY114-async-task": (
        "FLY114",
        """
RESULT = asyncio.run(asq(3))


@env.task
def main(x: int) -> int:
    loop = asyncio.new_event_loop()
    try:
        y = loop.run_until_complete(asq(x))
    finally:
        loop.close()
    return asyncio.run(asq(x)) + y + RESULT
""",
        lambda r: r.ok and r.output == 27,
    ),
    "FLY114-aio-of-a-sync-task": (
        "FLY114",
        """
@env.task
def main(x: int) -> int:
    return asyncio.run(square.aio(x))
""",
        as_task,
    ),
    # -- FLY111: a parameter named custom_context -----------------------------------------------------------------
    "FLY111-aio-by-keyword": (
        "FLY111",
        """
@env.task
async def tag(custom_context: str, x: int) -> str:  # expect: FLY111
    return f"{custom_context}:{x}"


@env.task
async def main(x: int) -> str:
    return await tag.aio(custom_context="a", x=x)
""",
        lambda r: failed(r, "Missing required inputs: custom_context", ran=("demo.tag", 0)),
    ),
    "FLY111-keyword-only": (
        "FLY111",
        """
@env.task
def tag(x: int, *, custom_context: str) -> str:  # expect: FLY111
    return f"{custom_context}:{x}"


@env.task
def main(x: int) -> str:
    return tag(x, custom_context="a")
""",
        lambda r: failed(r, "Missing required inputs: custom_context", ran=("demo.tag", 0)),
    ),
    "FLY111-positional-call-works": (
        "FLY111",
        """
@env.task
def tag(custom_context: str, x: int) -> str:  # expect: FLY111
    return f"{custom_context}:{x}"


@env.task
def main(x: int) -> str:
    return tag("a", x)
""",
        lambda r: as_task(r, "demo.tag", "a:3"),
    ),
    "FLY111-default-becomes-the-context": (
        "FLY111",
        """
@env.task
def tag(x: int, custom_context: dict[str, str] = {"k": "default"}) -> str:  # expect: FLY111
    return f"{custom_context['k']}:{flyte.get_custom_context().get('k')}"


@env.task
def main(x: int) -> str:
    return tag(x=x, custom_context={"k": "given"})
""",
        lambda r: as_task(r, "demo.tag", "default:given"),
    ),
    "FLY111-interface": (
        "FLY111",
        """
@env.task
def describe(interface: str, x: int) -> str:  # expect: FLY111
    return f"{interface}:{x}"


@env.task
def main(x: int) -> str:
    return describe(interface="a", x=x)
""",
        lambda r: failed(r, "TypeError", "got multiple values for argument 'interface'", ran=("demo.describe", 0)),
    ),
    "FLY111-underscore-task-aio": (
        "FLY111",
        """
@env.task
async def describe(_task: str, x: int) -> str:  # expect: FLY111
    return f"{_task}:{x}"


@env.task
async def main(x: int) -> str:
    return await describe.aio(_task="a", x=x)
""",
        lambda r: failed(r, "TypeError", "got multiple values for argument '_task'", ran=("demo.describe", 0)),
    ),
    "FLY111-traced-interface": (
        "FLY111",
        """
@flyte.trace
async def fetch(interface: str, x: int) -> str:  # expect: FLY111
    return f"{interface}:{x}"


@env.task
async def main(x: int) -> str:
    return await fetch(interface="a", x=x)
""",
        lambda r: failed(r, "TypeError", "got multiple values for argument 'interface'"),
    ),
    "FLY111-sync-traced-func": (
        "FLY111",
        """
@flyte.trace
def lookup(_func: str, x: int) -> str:  # expect: FLY111
    return f"{_func}:{x}"


@env.task
def main(x: int) -> str:
    return lookup(_func="a", x=x)
""",
        lambda r: failed(r, "TypeError", "got multiple values for argument '_func'"),
    ),
    "FLY111-traced-custom-context": (
        "FLY111",
        """
@flyte.trace
async def tag(custom_context: str, x: int) -> str:  # expect: FLY111
    return f"{custom_context}:{x}"


@env.task
async def main(x: int) -> str:
    return await tag(custom_context="a", x=x)
""",
        lambda r: failed(r, "Missing required inputs: custom_context"),
    ),
    "FLY111-traced-default-custom-context-reaches-it": (
        "FLY111",
        """
@flyte.trace
async def tag(x: int, custom_context: dict[str, str] = {"k": "default"}) -> str:
    return f"{custom_context['k']}:{x}"


@env.task
async def main(x: int) -> str:
    return await tag(x=x, custom_context={"k": "given"})
""",
        lambda r: r.ok and r.output == "given:3",
    ),
    "FLY111-renamed": (
        "FLY111",
        """
@env.task
def tag(context: str, x: int) -> str:
    return f"{context}:{x}"


@env.task
def main(x: int) -> str:
    return tag(context="a", x=x)
""",
        lambda r: as_task(r, "demo.tag", "a:3"),
    ),
}

# A run started by name: the task itself is the run's entry, its inputs given by keyword.
BY_NAME = """
@env.task
def tag(custom_context: str, x: int) -> str:  # expect: FLY111
    return f"{custom_context}:{x}"


@env.task
def describe(interface: str, x: int) -> str:  # expect: FLY111
    return f"{interface}:{x}"


@env.task
def submit(_task: str, x: int) -> str:  # expect: FLY111
    return f"{_task}:{x}"
"""


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_variant_is_reported_at_its_expect_lines(tmp_path, variant):
    code, body, _ = VARIANTS[variant]
    check(tmp_path, HEADER + body, select=[code])


def test_a_run_by_name_is_reported(tmp_path):
    check(tmp_path, HEADER + BY_NAME, select=["FLY111"])


def _modes():
    return [pytest.param(m, marks=[requires_cluster_mode] if m == "cluster" else []) for m in MODES]


@requires_sdk
@pytest.mark.parametrize("mode", _modes())
@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_variant_behaves_so_under_the_sdk(variant, mode):
    _, body, shows = VARIANTS[variant]
    r = run_program(HEADER + body, entry="main", args={"x": 3}, mode=mode)
    assert shows(r), r.summary()


@requires_sdk
@pytest.mark.parametrize("mode", _modes())
@pytest.mark.parametrize(
    "entry, parameter, error",
    [
        ("tag", "custom_context", "Missing required inputs: custom_context"),
        ("describe", "interface", "got multiple values for argument 'interface'"),
        ("submit", "_task", "got multiple values for argument '_task'"),
    ],
)
def test_a_run_by_name_fails(mode, entry, parameter, error):
    r = run_program(HEADER + BY_NAME, entry=entry, args={parameter: "a", "x": 3}, mode=mode)
    assert not r.ok and error in (r.error or ""), r.summary()
    assert r.ran(f"demo.{entry}") == 0
