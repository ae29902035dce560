"""Run a Flyte 1 (flytekit) program locally, in a subprocess, and give its output compared by content.

The proof that ``flyte-lint migrate`` keeps what a program computes runs the original under flytekit and the migrated
copy under flyte 2, and compares the two outputs::

    from v1_runner import outputs_match, requires_flytekit, run_v1, run_v2

    @requires_flytekit
    @requires_sdk
    def test_same_result():
        before = run_v1(V1_SRC, entry="wf", args={"n": 3})
        after = run_v2(migrated_src, entry="wf", args={"n": 3})
        assert before.ok and after.ok and outputs_match(before.output, after.output)

``run_v1(files, entry, args)`` mirrors tests/sdk_runner.py's ``run_program``: ``files`` maps relative paths to source
text (a str means ``{"main.py": src}``, dedented), ``entry`` is "module:name" or "name" in main.py (a ``@workflow``, a
``@task``, a ``@dynamic`` or a launch plan), ``args`` JSON-able keyword arguments.  The entry is called the way
``pyflyte run`` runs it locally (``entry(**args)``: flytekit's local execution), and the result is a
:class:`sdk_runner.RunResult` with ``mode="flytekit"``:

* ``output``: the return value as tests/output_content.py's ``content_jsonable`` makes it (files, directories and
  dataframes by content, dataclasses as dicts, several outputs as a list); ``run_v2`` (``run_program(...,
  outputs_by_content=True)``) gives the migrated program's output in the same form;
* ``calls``: every task body flytekit executed, in start order (``PythonTask.dispatch_execute`` runs once per task
  execution), named as flytekit names tasks (``main.add``); ``parent`` is the task whose body launched it (a
  ``@dynamic``), None for a call made by a workflow or by the entry itself;
* ``ok``/``phase``/``error_types``/``error``/``traceback``: as in sdk_runner (phases "import", "run", "bootstrap",
  "timeout"); flytekit wraps a task's exception, so the user's exception class is in ``error_types``.

The child runs ``$FLYTE_LINT_V1_PYTHON`` (default: ``sys.executable``, where the test extra installs flytekit next to
flyte), offline (non-loopback connections are refused and recorded), with ``HOME`` and ``TMPDIR`` in a temporary
directory so flytekit's local cache and sandbox start empty and are removed afterwards.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time

try:  # the child process need not have pytest
    import pytest
except ImportError:  # pragma: no cover
    pytest = None  # type: ignore[assignment]

# The tests' directory is on sys.path: put there by tests/conftest.py, or as this script's own in the child.
import sdk_runner
from output_content import outputs_match  # re-exported for the tests
from sdk_runner import RunResult, _normalise_entry, _read_result, bootstrap_result, run_program

__all__ = [
    "FLYTE1_PACKAGES",
    "flytekit_available",
    "flytekit_python",
    "flytekit_version",
    "outputs_match",
    "requires_flytekit",
    "run_v1",
    "run_v2",
]

_THIS_FILE = os.path.abspath(__file__)


def flytekit_python() -> str:
    """The interpreter that runs Flyte 1 programs: ``$FLYTE_LINT_V1_PYTHON`` or ``sys.executable``."""
    return os.environ.get("FLYTE_LINT_V1_PYTHON") or sys.executable


@functools.cache
def _probe(python: str) -> str | None:
    try:
        proc = subprocess.run(
            [python, "-c", "import importlib.metadata as m, flytekit; print(m.version('flytekit'))"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout.strip() or None if proc.returncode == 0 else None


def flytekit_version() -> str | None:
    """The version of flytekit that the Flyte 1 python imports (None: it does not)."""
    return _probe(flytekit_python())


def flytekit_available() -> bool:
    """Whether flytekit is importable. Asked without importing it here (it takes seconds and sets up logging)."""
    python = flytekit_python()
    if os.path.abspath(python) == os.path.abspath(sys.executable):
        import importlib.util

        return importlib.util.find_spec("flytekit") is not None
    return _probe(python) is not None


if pytest is not None:
    requires_flytekit = pytest.mark.skipif(
        not flytekit_available(), reason="flytekit not installed (the test extra pins it; or set FLYTE_LINT_V1_PYTHON)"
    )


# What a migrated program must not import, though the test venv has it.
FLYTE1_PACKAGES = ("flytekit", "flytekitplugins", "flyte_migrate")


def run_v2(
    files: dict[str, str] | str, entry: str = "main", args: dict | None = None, timeout: float = 120
) -> RunResult:
    """The migrated (Flyte 2) program's run (sdk_runner's ``run_program``), its output in :func:`run_v1`'s form;
    flytekit, its plugins and flyte-migrate's shim cannot be imported (ModuleNotFoundError)."""
    return run_program(
        files, entry=entry, args=args, timeout=timeout, outputs_by_content=True, blocked_modules=FLYTE1_PACKAGES
    )


def run_v1(
    files: dict[str, str] | str, entry: str = "main", args: dict | None = None, timeout: float = 180
) -> RunResult:
    """Run ``entry`` of the Flyte 1 program ``files`` locally under flytekit in a subprocess (see the module doc)."""
    current = sdk_runner.CURRENT_TEST  # set by tests/conftest.py: (node id, whether it has the `sdk` marker)
    if current is not None and not current[1]:
        raise RuntimeError(f"{current[0]} runs flytekit: mark it @requires_flytekit (it gives the `sdk` marker)")
    if isinstance(files, str):
        files = {"main.py": files}
    module, func = _normalise_entry(entry)
    tmp = tempfile.mkdtemp(prefix="flyte_lint_v1_")
    try:
        prog, home, scratch = (os.path.join(tmp, d) for d in ("prog", "home", "tmp"))
        for d in (prog, home, scratch):
            os.makedirs(d)
        for rel, src in files.items():
            path = os.path.join(prog, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(textwrap.dedent(src))
        result_path = os.path.join(tmp, "result.json")
        spec_path = os.path.join(tmp, "spec.json")
        with open(spec_path, "w", encoding="utf-8") as fh:
            json.dump(
                {"prog_dir": prog, "module": module, "func": func, "args": args or {}, "result_path": result_path},
                fh,
            )
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("FLYTE", "UCTL", "_UNION", "UNION_", "PYTEST_")) or k.startswith("FLYTE_LINT")
        }
        env.update(
            HOME=home,
            TMPDIR=scratch,
            DO_NOT_TRACK="1",
            PYTHONDONTWRITEBYTECODE="1",
            PYTHONUNBUFFERED="1",
            PYTHONIOENCODING="utf-8",
        )
        env.pop("PYTHONSTARTUP", None)
        t0 = time.monotonic()
        try:
            proc = subprocess.run(
                [flytekit_python(), _THIS_FILE, "--bootstrap", spec_path],
                cwd=prog,
                env=env,
                capture_output=True,
                text=True,
                encoding="utf-8",
                errors="replace",
                timeout=timeout,
                start_new_session=True,
                check=False,
            )
        except subprocess.TimeoutExpired as e:
            out = e.stdout.decode("utf-8", "replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
            err = e.stderr.decode("utf-8", "replace") if isinstance(e.stderr, bytes) else (e.stderr or "")
            return RunResult(
                ok=False,
                error_type="TimeoutExpired",
                error_types=["TimeoutExpired"],
                error=f"program did not finish within {timeout}s",
                stdout=out,
                stderr=err,
                phase="timeout",
                duration=time.monotonic() - t0,
                mode="flytekit",
            )
        duration = time.monotonic() - t0
        return bootstrap_result(_read_result(result_path), proc, duration, "flytekit")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# --------------------------------------------------------------------------- #
# Child-process bootstrap (runs under the flytekit python; never imported by tests)
# --------------------------------------------------------------------------- #


def _bootstrap(spec_path: str) -> None:
    import asyncio
    import importlib
    import inspect
    import threading
    import warnings

    import output_content
    import sdk_runner

    with open(spec_path, encoding="utf-8") as fh:
        spec = json.load(fh)
    here = os.path.dirname(_THIS_FILE)
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    sys.path.insert(0, spec["prog_dir"])

    result: dict = {"ok": False, "phase": "bootstrap", "calls": [], "warnings": [], "network_attempts": []}

    def write_result() -> None:
        with open(spec["result_path"] + ".tmp", "w", encoding="utf-8") as fh:
            json.dump(result, fh, default=repr)
        os.replace(spec["result_path"] + ".tmp", spec["result_path"])

    def showwarning(message: object, category: type, *_where: object, **_kw: object) -> None:
        result["warnings"].append(f"{category.__name__}: {message}")

    sdk_runner._install_network_guard(result["network_attempts"])  # pylint: disable=protected-access
    try:
        from flytekit.core.base_task import PythonTask
    except BaseException as e:  # pylint: disable=broad-exception-caught  # flytekit missing or broken
        result.update(sdk_runner._describe_error(e))  # pylint: disable=protected-access
        write_result()
        os._exit(0)

    running = threading.local()
    orig_dispatch = PythonTask.dispatch_execute

    def dispatch_execute(self: PythonTask, ctx: object, input_literal_map: object) -> object:
        stack = running.__dict__.setdefault("stack", [])
        call = {"task": self.name, "parent": stack[-1] if stack else None, "ok": None, "error_types": []}
        call["thread"] = threading.current_thread().name
        result["calls"].append(call)
        stack.append(self.name)
        try:
            out = orig_dispatch(self, ctx, input_literal_map)
        except BaseException as e:
            call.update(sdk_runner._describe_error(e), ok=False)  # pylint: disable=protected-access
            raise
        finally:
            stack.pop()
        call["ok"] = True
        return out

    PythonTask.dispatch_execute = dispatch_execute  # type: ignore[method-assign]

    try:
        result["phase"] = "import"
        mod = importlib.import_module(spec["module"])
        entry = getattr(mod, spec["func"])
        result["phase"] = "run"
        warnings.simplefilter("always")
        warnings.showwarning = showwarning
        output = entry(**spec["args"])
        if inspect.isawaitable(output):  # an @eager workflow is an async function: run it as pyflyte run does
            output = asyncio.run(output)
        result["output"] = output_content.content_jsonable(output)
        result["ok"] = True
        result["phase"] = None
    except BaseException as e:  # pylint: disable=broad-exception-caught  # incl. SystemExit
        result.update(sdk_runner._describe_error(e))  # pylint: disable=protected-access
        for call in reversed(result["calls"]):
            for name in call.get("error_types") or ():
                if name not in result["error_types"]:
                    result["error_types"].append(name)
    finally:
        write_result()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)  # stray threads or atexit hooks of a broken program must not hang the harness


if __name__ == "__main__" and len(sys.argv) == 3 and sys.argv[1] == "--bootstrap":
    _bootstrap(sys.argv[2])
