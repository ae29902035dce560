"""FLY810, FLY813 and FLY814 against the SDK: a task `main` makes each call under test through the engine (a run), and
records what happened on each line marked `# probe: <label>`; the rule must report exactly the probes that fail (or,
for FLY810, change the value)."""

from __future__ import annotations

import importlib.util
import re
import textwrap

import pytest

from flyte_lint.rules.types._unpicklable import ANNOTATED, MADE_BY
from lintutil import lint_result
from sdk_runner import requires_cluster_mode, requires_sdk, run_program

PROBE = re.compile(r"#\s*probe:\s*(\S+)")


def _lines(source: str) -> list[str]:
    """The program's lines as the linter numbers them (lintutil.split_files: dedented, blank ends stripped)."""
    return textwrap.dedent(source).strip("\n").split("\n")


def _probe_lines(source: str) -> dict[str, int]:
    """label -> line number (1-based)."""
    return {m.group(1): i for i, line in enumerate(_lines(source), 1) if (m := PROBE.search(line))}


def _line_of(source: str, prefix: str) -> int:
    return next(i for i, line in enumerate(_lines(source), 1) if line.startswith(prefix))


def _reported_labels(tmp_path, source: str, code: str) -> set[str]:
    lines = _probe_lines(source)
    result = lint_result(tmp_path, source, select=[code])
    flagged = {f.line for f in result.findings if f.code == code}
    unmarked = flagged - set(lines.values())
    assert not unmarked, f"{code} reports unmarked lines {sorted(unmarked)}"
    return {label for label, line in lines.items() if line in flagged}


# -- FLY813: a NamedTuple-returning task's result in the caller ---------------------------------------------------
NAMEDTUPLES = """
import functools
from typing import NamedTuple

import flyte

env = flyte.TaskEnvironment("demo")


class Stats(NamedTuple):
    mean: float
    count: int


class One(NamedTuple):
    value: int


@env.task
async def stats(x: float) -> Stats:
    return Stats(x, 1)


@env.task
def sync_stats(x: float) -> Stats:
    return Stats(x, 2)


@env.task
async def one(x: int) -> One:
    return One(x)


@env.task
async def takes(s: Stats) -> float:
    return s.mean


@flyte.trace
async def traced(x: float) -> Stats:
    return Stats(x, 3)


def helper(x: float) -> float:
    got = sync_stats(x)
    return got.mean  # probe: sync_in_helper


@env.task
def sync_caller(x: float) -> float:
    return helper(x)


@env.task
async def main() -> dict:
    out = {}

    async def probe(label, make):
        try:
            await make()
            out[label] = "ok"
        except Exception as e:  # noqa: BLE001
            out[label] = f"{type(e).__name__}: {e}"

    r = await stats(1.0)
    o = await one(4)
    a = await stats.aio(2.0)
    v = await stats.override(cache="disable")(3.0)
    t = await traced(1.0)
    mean, count = await stats(5.0)

    async def field():
        return r.mean  # probe: field
    async def asdict():
        return r._asdict()  # probe: asdict
    async def one_field():
        return o.value  # probe: one_field
    async def via_aio():
        return a.mean  # probe: via_aio
    async def tuple_method_ok():
        return a.count  # probe: tuple_method_ok
    async def overridden():
        return v.mean  # probe: overridden
    async def direct():
        return (await stats(1.0)).mean  # probe: direct
    async def mapped():
        return [p.mean async for p in flyte.map.aio(stats, [1.0, 2.0])]  # probe: mapped
    async def in_helper():
        return await sync_caller.aio(1.0)
    async def index_ok():
        return r[0] + r[1]  # probe: index_ok
    async def unpack_ok():
        return mean + count  # probe: unpack_ok
    async def passed_ok():
        return await takes(r)  # probe: passed_ok
    async def rebuilt_ok():
        return Stats(*r).mean  # probe: rebuilt_ok
    async def trace_ok():
        return t.mean  # probe: trace_ok
    async def forward_ok():
        return stats.forward(1.0)  # probe: forward_ok

    for label, make in [
        ("field", field), ("asdict", asdict), ("one_field", one_field), ("via_aio", via_aio),
        ("overridden", overridden), ("direct", direct), ("mapped", mapped), ("sync_in_helper", in_helper),
        ("index_ok", index_ok), ("unpack_ok", unpack_ok), ("passed_ok", passed_ok), ("rebuilt_ok", rebuilt_ok),
        ("trace_ok", trace_ok), ("tuple_method_ok", tuple_method_ok),
    ]:
        await probe(label, make)
    return out
"""


@requires_sdk
def test_fly813_reports_exactly_the_field_reads_that_fail(tmp_path):
    r = run_program(NAMEDTUPLES, entry="main")
    assert r.ok, r.summary()
    failed = {label for label, result in r.output.items() if result != "ok"}
    assert all("has no attribute" in r.output[label] for label in failed), r.output
    assert failed == {"field", "asdict", "one_field", "via_aio", "overridden", "direct", "mapped", "sync_in_helper"}
    assert "'int' object has no attribute 'value'" in r.output["one_field"]
    # (`a.count` reads tuple.count: a method, no AttributeError; the rule leaves fields named like tuple methods alone)
    # (forward_ok runs the function itself, outside the engine: not probed at run time, it must stay quiet)
    assert _reported_labels(tmp_path, NAMEDTUPLES, "FLY813") == failed


# -- FLY814: the documented list of unpicklable resources ---------------------------------------------------------
# How the test makes one of each (the module must be importable here; the others were pickled with a private install,
# see flyte_lint/rules/types/_unpicklable.py).
MAKE = {
    "threading.Lock": "threading.Lock()",
    "threading.RLock": "threading.RLock()",
    "threading.Event": "threading.Event()",
    "threading.Condition": "threading.Condition()",
    "threading.Semaphore": "threading.Semaphore()",
    "threading.BoundedSemaphore": "threading.BoundedSemaphore()",
    "threading.Barrier": "threading.Barrier(2)",
    "queue.Queue": "queue.Queue()",
    "queue.LifoQueue": "queue.LifoQueue()",
    "queue.PriorityQueue": "queue.PriorityQueue()",
    "queue.SimpleQueue": "queue.SimpleQueue()",
    "sqlite3.connect": 'sqlite3.connect(":memory:")',
    "socket.socket": "socket.socket()",
    "concurrent.futures.ThreadPoolExecutor": "concurrent.futures.ThreadPoolExecutor()",
    "concurrent.futures.ProcessPoolExecutor": "concurrent.futures.ProcessPoolExecutor()",
    "httpx.Client": "httpx.Client()",
    "httpx.AsyncClient": "httpx.AsyncClient()",
    "urllib3.PoolManager": "urllib3.PoolManager()",
    "openai.OpenAI": 'openai.OpenAI(api_key="x")',
    "openai.AsyncOpenAI": 'openai.AsyncOpenAI(api_key="x")',
    "anthropic.Anthropic": 'anthropic.Anthropic(api_key="x")',
    "anthropic.AsyncAnthropic": 'anthropic.AsyncAnthropic(api_key="x")',
    "boto3.client": 'boto3.client("s3", region_name="us-east-1")',
    "boto3.resource": 'boto3.resource("s3", region_name="us-east-1")',
}
# Values that look like resources but pickle (the rule must stay quiet on them).
PICKLES = {
    "asyncio_lock": "asyncio.Lock()",
    "asyncio_queue": "asyncio.Queue()",
    "logger": 'logging.getLogger("x")',
}


def test_fly814_every_listed_resource_has_a_probe():
    assert set(MAKE) == set(MADE_BY)
    assert {path for path in ANNOTATED if path in MADE_BY} <= set(MAKE)


def _importable(path: str) -> bool:
    return importlib.util.find_spec(path.split(".")[0]) is not None


def _attempt(key: str, call: str, probe: bool = True) -> str:
    """Lines of ``main`` making one call and recording "ok" or the error under ``key``."""
    mark = f"  # probe: {key}" if probe else ""
    return (
        f"    try:\n        await {call}{mark}\n        out[{key!r}] = 'ok'\n"
        f"    except Exception as e:  # noqa: BLE001\n        out[{key!r}] = f'{{type(e).__name__}}: {{e}}'\n"
    )


def _resource_program(paths: list[str]) -> str:
    modules = {p.rsplit(".", 1)[0] for p in paths if p != "sqlite3.connect"}
    modules = sorted(modules | {"sqlite3", "asyncio", "logging", "functools"})
    calls = "".join(_attempt(p, f"echo({MAKE[p]})") for p in paths)
    quiet = "".join(_attempt(k, f"echo({v})") for k, v in PICKLES.items())
    return (
        "\n".join(f"import {m}" for m in modules)
        + """
import flyte

env = flyte.TaskEnvironment("demo")


@env.task
async def echo(x) -> int:
    return 1


@flyte.trace
async def traced(x) -> int:
    return 1


@env.task
async def annotated(c: httpx.Client) -> int:  # probe: annotated
    return 1


@env.task
async def main() -> dict:
    out = {}
"""
        + calls
        + quiet
        + _attempt("trace", "traced(threading.Lock())")
        + _attempt("partial", "functools.partial(echo, threading.Lock())()")
        + "    items = [repr(r) async for r in flyte.map.aio(echo, [threading.Lock()])]  # probe: map\n"
        + "    out['map'] = items[0]\n"
        + _attempt("annotated", "annotated(httpx.Client())", probe=False)
        + "    return out\n"
    )


@requires_sdk
def test_fly814_each_listed_resource_fails_through_a_task_call_and_is_reported(tmp_path):
    paths = [p for p in MAKE if _importable(p)]
    assert {"threading.Lock", "sqlite3.connect", "httpx.Client"} <= set(paths)
    source = _resource_program(paths)
    r = run_program(source, entry="main")
    assert r.ok, r.summary()
    for path in [*paths, "trace", "annotated", "partial"]:
        assert r.output[path].startswith("TypeError") and "pickle" in r.output[path], (path, r.output[path])
    # (a mapped item's failure comes back as the item: flyte.map's return_exceptions defaults to True)
    assert r.output["map"].startswith("TypeError") and "cannot pickle '_thread.lock'" in r.output["map"]
    for path in paths:
        assert MADE_BY[path].refusal in r.output[path], (path, r.output[path])
    for key in PICKLES:
        assert r.output[key] == "ok", (key, r.output[key])
    # The argument findings sit at `echo`'s parameter: one line for all of them; the trace's at its parameter.
    lint = lint_result(tmp_path, source, select=["FLY814"])
    lines = _probe_lines(source)
    echo_line, trace_line = _line_of(source, "async def echo("), _line_of(source, "async def traced(")
    on_line = re.compile(r"the (?:call|`flyte.map`|functools.partial) on line (\d+) ")
    flagged_calls = {m.group(1) for f in lint.findings if (m := on_line.search(f.message))}
    assert flagged_calls == {str(lines[p]) for p in [*paths, "trace", "map", "partial"]}
    assert {f.line for f in lint.findings} == {echo_line, trace_line, lines["annotated"]}


# -- FLY810: naive datetimes across a task boundary ---------------------------------------------------------------
DATETIMES = """
import datetime as dt
import functools
import os
import time
from datetime import date, datetime, timedelta, timezone

os.environ["TZ"] = "Asia/Tokyo"  # (a machine whose clock is not UTC: +09:00, no daylight saving)
time.tzset()

import flyte

env = flyte.TaskEnvironment("demo")


@env.task
async def echo(when: datetime) -> datetime:
    return when


@env.task
async def tz_of(when: datetime) -> str:
    return str(when.tzinfo)


@env.task
async def now_naive() -> datetime:
    return datetime.now()  # probe: now_naive


@env.task
async def tz_default(when: datetime = datetime(2024, 1, 1)) -> str:  # probe: default
    return str(when.tzinfo)


@env.task
async def pair() -> tuple[datetime, int]:
    return datetime(2024, 1, 1), 1  # probe: tuple_output


@env.task
async def now_aware() -> datetime:
    return datetime.now(timezone.utc)


@env.task
async def echo_date(d: date) -> date:
    return d


@env.task
async def echo_span(s: timedelta) -> timedelta:
    return s


@flyte.trace
async def traced(when: datetime) -> datetime:
    return when


@flyte.trace
async def traced_now() -> datetime:
    return datetime.now()


@env.task
async def main() -> dict:
    out = {}
    naive = datetime(2024, 1, 1, 12, 0)
    aware = datetime(2024, 1, 1, 12, 0, tzinfo=timezone.utc)
    out["received_tz"] = await tz_of(naive)  # probe: received_tz
    back = await echo(naive)  # probe: echo_naive
    out["back"] = str(back)
    out["equal"] = back == naive
    try:
        out["compare"] = back < datetime.now()
    except TypeError as e:
        out["compare"] = str(e)
    try:
        out["subtract"] = str(back - naive)
    except TypeError as e:
        out["subtract"] = str(e)
    out["aware_equal"] = (await echo(aware)) == aware
    out["naive_now_shift_h"] = round(((await now_naive()).timestamp() - time.time()) / 3600)
    out["aware_now_shift_h"] = round(((await now_aware()).timestamp() - time.time()) / 3600)
    out["date"] = (await echo_date(date(2024, 1, 1))) == date(2024, 1, 1)
    out["span"] = (await echo_span(timedelta(hours=3))) == timedelta(hours=3)
    out["trace_in"] = (await traced(naive)).tzinfo is None
    out["trace_out"] = (await traced_now()).tzinfo is None
    out["default_tz"] = await tz_default()
    out["tuple_output_tz"] = str((await pair())[0].tzinfo)
    out["mapped_tz"] = [r async for r in flyte.map.aio(tz_of, [datetime(2024, 1, 2)])]  # probe: mapped
    out["partial_tz"] = await functools.partial(tz_of, datetime(2024, 1, 1))()  # probe: partial
    out["utcnow_tz"] = str((await echo(dt.datetime.utcnow())).tzinfo)  # probe: utcnow
    return out
"""


@requires_sdk
def test_fly810_a_naive_datetime_comes_back_tagged_utc_and_the_rule_reports_it(tmp_path):
    r = run_program(DATETIMES, entry="main")
    assert r.ok, r.summary()
    out = r.output
    # The task receives the naive value tagged UTC, with the same wall-clock fields; the run goes on.
    assert out["received_tz"] == "UTC" and out["back"] == "2024-01-01 12:00:00+00:00"
    assert out["equal"] is False and out["aware_equal"] is True
    assert out["compare"] == "can't compare offset-naive and offset-aware datetimes"
    assert out["subtract"] == "can't subtract offset-naive and offset-aware datetimes"
    # A naive local time made where the clock is not UTC names another instant (+9 h here); an aware one does not.
    assert out["naive_now_shift_h"] == 9 and out["aware_now_shift_h"] == 0
    # date and timedelta round-trip; a trace's input and output reach it and its caller unchanged (still naive).
    assert out["date"] is True and out["span"] is True
    assert out["trace_in"] is True and out["trace_out"] is True
    assert out["utcnow_tz"] == "UTC"
    # A naive default, a naive item of a tuple output, a naive mapped item and a partial's bound value: tagged UTC too.
    assert out["default_tz"] == "UTC" and out["tuple_output_tz"] == "UTC" and out["mapped_tz"] == ["UTC"]
    assert out["partial_tz"] == "UTC"
    reported = _reported_labels(tmp_path, DATETIMES, "FLY810")
    expected = {"now_naive", "received_tz", "echo_naive", "utcnow", "default", "tuple_output", "mapped", "partial"}
    assert reported == expected


@requires_sdk
@pytest.mark.parametrize("mode", ["local", pytest.param("cluster", marks=requires_cluster_mode)])
def test_fly810_the_value_changes_in_both_modes_on_a_utc_clock(mode):
    source = DATETIMES.replace('os.environ["TZ"] = "Asia/Tokyo"', 'os.environ["TZ"] = "UTC"')
    r = run_program(source, entry="main", mode=mode)
    assert r.ok, r.summary()
    assert r.output["back"] == "2024-01-01 12:00:00+00:00" and r.output["equal"] is False
    assert r.output["naive_now_shift_h"] == 0  # (on a UTC clock the instant is right: only the tag changes)


RUN_INPUT = """
from datetime import datetime, timezone

import flyte

env = flyte.TaskEnvironment("demo")


@env.task
def show(when: datetime) -> str:
    return str(when)


@env.task
def main() -> list[str]:
    naive = flyte.with_runcontext(mode="local").run(show, when=datetime(2024, 1, 1, 12))  # probe: naive
    aware = flyte.with_runcontext(mode="local").run(show, datetime(2024, 1, 1, 12, tzinfo=timezone.utc))
    return [str(naive.outputs()[0]), str(aware.outputs()[0])]
"""


@requires_sdk
def test_fly810_an_input_of_flyte_run_arrives_tagged_utc_too(tmp_path):
    r = run_program(RUN_INPUT, entry="main")
    assert r.ok, r.summary()
    assert r.output == ["2024-01-01 12:00:00+00:00", "2024-01-01 12:00:00+00:00"]
    assert _reported_labels(tmp_path, RUN_INPUT, "FLY810") == {"naive"}
