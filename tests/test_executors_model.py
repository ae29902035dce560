"""model/executors.py: which expressions are executors (a thread pool, a process pool, an event loop), and which
calls hand a callable to one (HandOff), as FLY112 and FLY114 read them."""

from __future__ import annotations

from astroid import nodes

from flyte_lint.model.executors import Executor, executor_of, hand_offs
from flyte_lint.model.source import rendered
from lintutil import lint_result

PROGRAM = """
import asyncio
import asyncio as aio
import concurrent.futures as cf
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import ThreadPoolExecutor as TPE
from threading import Thread

import flyte

SHARED = TPE(max_workers=2)


def work(x):
    return x


def given(pool, flag: bool):
    maybe = TPE() if flag else None
    either = TPE()
    if flag:
        either = ProcessPoolExecutor()
    pool.submit(work, 1)
    either.submit(work, 2)
    return maybe


async def main():
    loop = asyncio.get_running_loop()
    other = aio.new_event_loop()
    await loop.run_in_executor(None, work, 1)
    await loop.run_in_executor(SHARED, work, 2)
    with ProcessPoolExecutor() as procs:
        await loop.run_in_executor(procs, work, 3)
        procs.map(work, [4])
    with cf.ThreadPoolExecutor() as pool:
        pool.submit(work, 5)
        pool.map(fn=work)
    SHARED.submit(work, 6)
    threading.Thread(target=work, args=(7,))
    Thread(None, work)
    threading.Timer(1.0, work)
    other.run_until_complete(asyncio.sleep(0))
    asyncio.get_event_loop().run_in_executor(None, work, 8)
"""


def _analysis(tmp_path):
    result = lint_result(tmp_path, PROGRAM, select=["FLY112"])
    return result.analysis


def _name(analysis, text: str, function: str) -> nodes.Name:
    for module in analysis.modules:
        for node in module.tree.nodes_of_class(nodes.Name):
            if node.name == text and node.scope().name == function:
                return node
    raise AssertionError(text)


def test_executors_by_call_name_alias_and_with(tmp_path):
    analysis = _analysis(tmp_path)
    assert executor_of(analysis, _name(analysis, "loop", "main")) is Executor.EVENT_LOOP
    assert executor_of(analysis, _name(analysis, "other", "main")) is Executor.EVENT_LOOP
    assert executor_of(analysis, _name(analysis, "procs", "main")) is Executor.PROCESS_POOL
    assert executor_of(analysis, _name(analysis, "pool", "main")) is Executor.THREAD_POOL
    assert executor_of(analysis, _name(analysis, "SHARED", "main")) is Executor.THREAD_POOL


def test_not_executors_a_parameter_a_conditional_and_two_kinds(tmp_path):
    analysis = _analysis(tmp_path)
    assert executor_of(analysis, _name(analysis, "pool", "given")) is None
    assert executor_of(analysis, _name(analysis, "maybe", "given")) is None
    assert executor_of(analysis, _name(analysis, "either", "given")) is None


def test_hand_offs_name_the_callable_and_what_runs_it(tmp_path):
    analysis = _analysis(tmp_path)
    found = [(rendered(h.call.node.func), h.handed.as_string(), h.runner.value, h.how) for h in hand_offs(analysis)]
    assert found == [
        ("loop.run_in_executor", "work", "thread pool", "run_in_executor"),
        ("loop.run_in_executor", "work", "thread pool", "run_in_executor"),
        ("loop.run_in_executor", "work", "process pool", "run_in_executor"),
        ("procs.map", "work", "process pool", "map"),
        ("pool.submit", "work", "thread pool", "submit"),
        ("pool.map", "work", "thread pool", "map"),
        ("SHARED.submit", "work", "thread pool", "submit"),
        ("threading.Thread", "work", "thread", "threading.Thread"),
        ("Thread", "work", "thread", "threading.Thread"),
        ("threading.Timer", "work", "thread", "threading.Timer"),
        ("asyncio.get_event_loop().run_in_executor", "work", "thread pool", "run_in_executor"),
    ]
