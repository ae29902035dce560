"""What FLY113 (aio-outside-task) and FLY115 (child-exception-unwrapped) claim, under the real SDK, beyond their
documented examples (tests/test_runtime_effects.py runs those).

FLY113: outside a task context, ``.aio`` of an async task gives the task function's coroutine, ``.aio`` of a sync
task its value, and a plain ``await t(...)`` runs the function. Run as a script (``python main.py``, the
``__main__`` block), no run exists at all.

FLY115: in a run (local mode and cluster mode), a child's error reaches its caller as RuntimeUserError whatever the
call form; outside a run a sync task's own call wraps it too, while an async task called directly and ``.aio``
raise the original; a class name containing "Unknown" arrives as RuntimeUnknownError.
"""

from __future__ import annotations

import json
import os
import subprocess
import textwrap

import pytest

from sdk_runner import MODES, requires_cluster_mode, requires_sdk, run_program, sdk_python


def _run_script(tmp_path, source: str) -> tuple[list, str]:
    """Run ``source`` as ``python main.py`` (no run, no task context) under the SDK: the JSON lines it prints, and
    all it writes (the SDK's log included)."""
    (tmp_path / "main.py").write_text(textwrap.dedent(source))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLYTE", "UCTL", "_UNION", "UNION_", "PYTEST_"))}
    env.update(HOME=str(tmp_path), DO_NOT_TRACK="1")
    proc = subprocess.run(
        [sdk_python(), "main.py"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    found = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith(("[", "{", '"'))]
    return found, proc.stdout + proc.stderr


TASKS = """
import asyncio
import json

import flyte

env = flyte.TaskEnvironment("demo")


@env.task
async def predict(x: int) -> int:
    return x * 2


@env.task
def square(x: int) -> int:
    return x * x


@env.task
async def validate(x: int) -> int:
    if x < 0:
        raise ValueError("x must be positive")
    return x


@env.task
def check(x: int) -> int:
    if x < 0:
        raise ValueError("x must be positive")
    return x
"""


@requires_sdk
def test_aio_outside_a_task_context(tmp_path):
    """The bad form gives a coroutine (and the task body never runs); the fine look-alikes give values."""
    out, written = _run_script(
        tmp_path,
        TASKS
        + """

async def main():
    bad = await predict.aio(3)
    gathered = await asyncio.gather(predict.aio(1))
    ran = await asyncio.gather(predict(1))
    results = {
        "aio_async": type(bad).__name__,
        "gather_aio_async": type(gathered[0]).__name__,
        "aio_sync": await square.aio(3),
        "plain_await": await predict(3),
        "gather_plain": ran,
    }
    bad.close()
    gathered[0].close()
    return results


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main())))
    made = asyncio.run(predict.aio(2))  # (a __main__ block's asyncio.run of .aio: a coroutine too)
    print(json.dumps(type(made).__name__))
    made.close()
""",
    )
    first, run_aio = out
    assert first["aio_async"] == "coroutine" and first["gather_aio_async"] == "coroutine"
    assert first["aio_sync"] == 9 and first["plain_await"] == 6 and first["gather_plain"] == [2]
    assert run_aio == "coroutine"
    assert "Task demo.predict running aio outside of a task context" in written


@requires_sdk
def test_errors_outside_a_run(tmp_path):
    """Outside any run: a sync task's own call wraps the error; an async task called directly, and `.aio` of a
    sync task, raise the original exception (FLY115 stays quiet on those); `.aio` of an async task raises nothing,
    it gives the coroutine (FLY113)."""
    out, _ = _run_script(
        tmp_path,
        TASKS
        + """

def caught(thunk):
    try:
        thunk()
    except ValueError:
        return "ValueError"
    except flyte.errors.RuntimeUserError as e:
        return "RuntimeUserError:" + e.code


async def caught_async(make):
    try:
        result = await make()
    except ValueError:
        return "ValueError"
    except flyte.errors.RuntimeUserError as e:
        return "RuntimeUserError:" + e.code
    kind = type(result).__name__
    if kind == "coroutine":
        result.close()
    return "no error: " + kind


async def main():
    return {
        "sync_call": caught(lambda: check(-1)),
        "sync_override_call": caught(lambda: check.override(retries=1)(-1)),
        "async_call": await caught_async(lambda: validate(-1)),
        "async_aio": await caught_async(lambda: validate.aio(-1)),
        "sync_aio": await caught_async(lambda: check.aio(-1)),
    }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main())))
""",
    )
    assert out == [
        {
            "sync_call": "RuntimeUserError:ValueError",
            "sync_override_call": "RuntimeUserError:ValueError",
            "async_call": "ValueError",
            "async_aio": "no error: coroutine",  # (FLY113: the body has not run)
            "sync_aio": "ValueError",
        }
    ]


IN_A_RUN = (
    TASKS
    + """

class UnknownThing(Exception):
    pass


@env.task
async def vague(x: int) -> int:
    raise UnknownThing("odd")


async def caught(make):
    try:
        await make()
    except ValueError:
        return "ValueError"
    except flyte.errors.RuntimeUserError as e:
        return "RuntimeUserError:" + e.code
    except flyte.errors.BaseRuntimeError as e:
        return type(e).__name__ + ":" + e.code
    return "nothing"


@env.task
async def main() -> dict:
    async def gathered():
        await asyncio.gather(validate(1), validate(-1))

    return {
        "call": await caught(lambda: validate(-1)),
        "aio": await caught(lambda: validate.aio(-1)),
        "override": await caught(lambda: validate.override(retries=0)(-1)),
        "sync_aio": await caught(lambda: check.aio(-1)),
        "gather": await caught(gathered),
        "unknown_name": await caught(lambda: vague(1)),
    }


@env.task
def sync_main() -> str:
    try:
        check(-1)
    except ValueError:
        return "ValueError"
    except flyte.errors.RuntimeUserError as e:
        return "RuntimeUserError:" + e.code
    return "nothing"
"""
)


def _mode(mode):
    return pytest.param(mode, marks=[requires_cluster_mode] if mode == "cluster" else [], id=mode)


@requires_sdk
@pytest.mark.parametrize("mode", [_mode(m) for m in MODES])
def test_a_childs_error_is_wrapped_in_a_run(mode):
    r = run_program(IN_A_RUN, entry="main", mode=mode)
    assert r.ok, r.summary()
    assert r.output == {
        "call": "RuntimeUserError:ValueError",
        "aio": "RuntimeUserError:ValueError",
        "override": "RuntimeUserError:ValueError",
        "sync_aio": "RuntimeUserError:ValueError",
        "gather": "RuntimeUserError:ValueError",
        "unknown_name": "RuntimeUnknownError:UnknownThing",  # (missed even by `except RuntimeUserError`)
    }
    r = run_program(IN_A_RUN, entry="sync_main", mode=mode)
    assert r.ok and r.output == "RuntimeUserError:ValueError", r.summary()
