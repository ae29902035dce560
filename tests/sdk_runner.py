"""Run a small Flyte 2 program under the real SDK, locally, in a subprocess.

Tests use this to prove that code a rule flags really fails (or silently
misbehaves) and that the fixed code works, and to compare the static DAG with
the tasks the SDK really executes::

    from sdk_runner import requires_sdk, run_program

    @requires_sdk
    def test_chain():
        r = run_program(SRC, entry="main", args={"x": 1})
        assert r.ok and r.ran("env.b") == 1 and r.callers("env.b") == {"env.a"}

Run modes
---------
``run_program(..., mode="local")`` (the default) is a normal local run,
``flyte.with_runcontext(mode="local").run(entry, ...)``: ``run`` is syncified,
so async task bodies run on the SDK's ``flyte_syncify`` thread, where a
blocking syncified call (``flyte.run``, sync ``flyte.map``, a sync
``@flyte.trace``...) raises "Deadlock detected".

``mode="cluster"`` runs the entry the way the task runtime of a pod does
(``flyte/_bin/runtime.py``: ``asyncio.run(...)`` of the task coroutine on the
main thread): ``asyncio.run(flyte.with_runcontext(mode="local")._run_local(entry, ...))``.
Async task bodies then run on a main-thread event loop, and a blocking
syncified call hands its coroutine to the syncify thread and waits: it works,
but the task's event loop stands still meanwhile.  Children still run through
the local controller, on that same loop (in a cluster each runs in its own
pod, again on a main-thread loop).  Sync task bodies run in a worker thread in
both modes.  ``_run_local`` is private, so cluster mode is checked against one
SDK version (:data:`CLUSTER_MODE_SDK_VERSION`, the version the test extra
pins); ``requires_cluster_mode`` skips a test, and the child refuses to run,
under any other version.

How it works
------------
``run_program`` writes the program files to a temporary directory and starts
``$FLYTE_LINT_SDK_PYTHON`` (default: ``sys.executable``) on *this very file*
with ``--bootstrap SPEC``.  The bootstrap (``_bootstrap`` below) runs only in
that child process; it

* blocks every non-loopback network connection (and records the attempt), sets
  ``DO_NOT_TRACK`` and points ``HOME`` at the temp dir so no user config,
  credentials or local cache are picked up;
* patches the SDK (never the user program) to record every task body the SDK
  executes: ``flyte._internal.runtime.taskrunner.run_task`` runs exactly once
  per task attempt, around ``task.execute``;
* imports the entry module, calls ``flyte.init()`` (no endpoint: no client, so
  runs are local), then ``flyte.with_runcontext(mode="local").run(entry, **args)``
  (or, in cluster mode, ``asyncio.run(...)`` of its ``_run_local``);
* forces garbage collection so "coroutine ... was never awaited" warnings are
  emitted, and writes a JSON result file that becomes a :class:`RunResult`.

Parent recording: the parent of a call is taken from the SDK's own context.
``LocalController.submit`` calls ``direct_dispatch(action=<child action id>)``
while the caller's ``TaskContext`` is still current, so the wrapper of
``direct_dispatch`` maps child action -> caller action
(``task_context.task_action``, which stays pinned to the real task inside
``@flyte.trace``).  ``run_task`` maps action -> task name.  Independently, a
``ContextVar`` holding the running task is set around each task body; it
travels exactly where the SDK's own context travels (asyncio tasks from
``gather``, ``run_sync_in_thread`` for sync bodies, ``run_coroutine_threadsafe``
for ``submit_sync`` and ``flyte.map``).  Both answers are compared for every
call and any disagreement is reported in ``RunResult.harness_errors``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from dataclasses import dataclass, field, fields
from typing import Any

try:  # the bootstrap child process need not have pytest
    import pytest
except ImportError:  # pragma: no cover
    pytest = None  # type: ignore[assignment]

__all__ = [
    "CLUSTER_MODE_SDK_VERSION",
    "MODES",
    "Call",
    "RunResult",
    "run_program",
    "sdk_available",
    "sdk_python",
    "sdk_version",
    "requires_sdk",
    "requires_cluster_mode",
]

# The run modes of `run_program` (see "Run modes" above).
MODES = ("local", "cluster")
# Cluster mode drives the SDK's private `_run_local`: the one version it is checked against (the test extra's pin).
CLUSTER_MODE_SDK_VERSION = "2.12.1"

_THIS_FILE = os.path.abspath(__file__)


# --------------------------------------------------------------------------- #
# Parent-process API
# --------------------------------------------------------------------------- #


def sdk_python() -> str:
    """The interpreter that runs programs: ``$FLYTE_LINT_SDK_PYTHON`` or ``sys.executable``."""
    return os.environ.get("FLYTE_LINT_SDK_PYTHON") or sys.executable


_SDK_AVAILABLE: dict[str, bool] = {}


def sdk_available() -> bool:
    """True when ``flyte`` can be imported by the python that will run programs."""
    py = sdk_python()
    if py not in _SDK_AVAILABLE:
        # No realpath: a venv's python is a symlink to its base interpreter, with other packages.
        if os.path.abspath(py) == os.path.abspath(sys.executable):
            import importlib.util

            _SDK_AVAILABLE[py] = importlib.util.find_spec("flyte") is not None
        else:
            try:
                proc = subprocess.run(
                    [py, "-c", "import importlib.util,sys; sys.exit(importlib.util.find_spec('flyte') is None)"],
                    capture_output=True,
                    timeout=60,
                    check=False,
                )
                _SDK_AVAILABLE[py] = proc.returncode == 0
            except (OSError, subprocess.SubprocessError):
                _SDK_AVAILABLE[py] = False
    return _SDK_AVAILABLE[py]


_SDK_VERSION: dict[str, str | None] = {}


def sdk_version() -> str | None:
    """The version of ``flyte`` installed for the python that will run programs (None: not installed)."""
    py = sdk_python()
    if py not in _SDK_VERSION:
        _SDK_VERSION[py] = None
        if sdk_available() and os.path.abspath(py) == os.path.abspath(sys.executable):
            import importlib.metadata

            with contextlib.suppress(importlib.metadata.PackageNotFoundError):
                _SDK_VERSION[py] = importlib.metadata.version("flyte")
        elif sdk_available():
            try:
                proc = subprocess.run(
                    [py, "-c", "import importlib.metadata as m; print(m.version('flyte'))"],
                    capture_output=True,
                    text=True,
                    timeout=60,
                    check=False,
                )
                if proc.returncode == 0:
                    _SDK_VERSION[py] = proc.stdout.strip() or None
            except (OSError, subprocess.SubprocessError):
                pass
    return _SDK_VERSION[py]


if pytest is not None:
    requires_sdk = pytest.mark.skipif(not sdk_available(), reason="flyte SDK not installed")
    requires_cluster_mode = pytest.mark.skipif(
        sdk_version() != CLUSTER_MODE_SDK_VERSION,
        reason=(
            f"cluster mode drives flyte's private Runner._run_local, checked only on flyte=={CLUSTER_MODE_SDK_VERSION} "
            f"(installed: {sdk_version() or 'none'})"
        ),
    )
    # tests/conftest.py gives every test carrying one of these skips the `sdk` marker (`pytest -m "not sdk"`).
    SDK_SKIP_REASONS = frozenset(m.mark.kwargs["reason"] for m in (requires_sdk, requires_cluster_mode))

# Set by tests/conftest.py for the test being run: (node id, whether it carries the `sdk` marker). run_program
# refuses to run for a test without the marker, so `pytest -m "not sdk"` never starts the SDK.
CURRENT_TEST: tuple[str, bool] | None = None


@dataclass
class Call:
    """One execution of a task body (one attempt), in start order."""

    task: str  # "<env name>.<function>", as the SDK names tasks
    parent: str | None  # calling task's name; None for the entry task of a run
    action: str = ""  # the SDK's action id of this call
    parent_action: str | None = None  # action id of the calling task (None for an entry)
    run: str | None = None  # the run's name; differs from the program's for a nested flyte.run
    # Task whose code was running when this call was launched. Equal to `parent`, except for
    # the entry of a run started by `flyte.run(...)` inside a task (parent None, launched_by set).
    launched_by: str | None = None
    ok: bool | None = None  # did the body return normally (None: never finished)
    error_type: str | None = None  # class of the exception the body raised
    error_code: str | None = None
    error_types: list[str] = field(default_factory=list)  # its cause chain and Flyte error codes
    error: str | None = None
    traceback: str | None = None
    thread: str = ""  # thread the task body's dispatch ran in

    @classmethod
    def from_json(cls, d: dict) -> Call:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in names})


@dataclass
class RunResult:
    ok: bool
    error_type: str | None = None  # class name of the exception flyte.run raised
    # Class names of that exception, its __cause__/__context__ chain and Flyte error codes, then
    # those of what the failing task bodies raised (innermost first); e.g. for `await sync_task()`
    # in an async task: ["RuntimeUserError", "SyncTaskCallInAsyncContextError"].
    error_types: list[str] = field(default_factory=list)
    error_code: str | None = None  # `.code` of a Flyte runtime error (the original class name)
    error: str | None = None  # "Type: message" of each exception in the chain, joined
    output: Any = None  # JSON-able form of the entry's return value
    calls: list[Call] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # "Category: message"
    stdout: str = ""
    stderr: str = ""
    phase: str | None = None  # where it failed: "import" | "init" | "run" | "bootstrap" | "timeout"
    traceback: str | None = None
    returncode: int | None = None
    duration: float = 0.0  # wall time of the subprocess, seconds
    network_attempts: list[str] = field(default_factory=list)  # blocked connection attempts
    harness_errors: list[str] = field(default_factory=list)  # the harness's own inconsistencies
    mode: str = "local"  # "local" or "cluster": how the entry was run (see "Run modes")
    entry_thread: str | None = None  # the thread the run was driven from: the event loop's, in cluster mode

    def ran(self, task_name: str) -> int:
        """How many times the body of ``task_name`` was executed (attempts included)."""
        return sum(1 for c in self.calls if c.task == task_name)

    def callers(self, task_name: str) -> set[str | None]:
        """The set of parents (task names, None for a top-level call) of ``task_name``."""
        return {c.parent for c in self.calls if c.task == task_name}

    @property
    def tasks(self) -> list[str]:
        """Task names in execution (start) order."""
        return [c.task for c in self.calls]

    @property
    def edges(self) -> set[tuple[str, str]]:
        """(parent, child) task-name pairs that really executed."""
        return {(c.parent, c.task) for c in self.calls if c.parent is not None}

    def summary(self) -> str:
        """A short multi-line description, handy in assertion messages."""
        lines = [
            f"mode={self.mode} ok={self.ok} phase={self.phase} error_types={self.error_types}",
            f"error={self.error}",
            f"output={self.output!r}",
            f"calls={[(c.task, c.parent) for c in self.calls]}",
            f"warnings={self.warnings}",
        ]
        if self.harness_errors:
            lines.append(f"harness_errors={self.harness_errors}")
        if self.network_attempts:
            lines.append(f"network_attempts={self.network_attempts}")
        if self.traceback:
            lines.append(self.traceback)
        if self.stderr:
            lines.append("stderr (tail):\n" + self.stderr[-3000:])
        return "\n".join(lines)


def _normalise_entry(entry: str) -> tuple[str, str]:
    if ":" in entry:
        module, func = entry.split(":", 1)
    else:
        module, func = "main", entry
    if module.endswith(".py"):
        module = module[:-3]
    module = module.replace("/", ".").replace(os.sep, ".")
    return module, func


def run_program(
    files: dict[str, str] | str,
    entry: str = "main",
    args: dict | None = None,
    timeout: float = 120,
    mode: str = "local",
    outputs_by_content: bool = False,
    blocked_modules: tuple[str, ...] = (),
) -> RunResult:
    """Run ``entry`` ("module:function", or "function" in main.py) of the program ``files``
    under the real Flyte SDK, without a backend, in a subprocess, and report what happened.

    ``files`` maps relative paths to source text (a str means ``{"main.py": src}``);
    sources are dedented.  ``args`` are JSON-able keyword arguments for the entry task.
    ``mode`` is "local" (a normal local run) or "cluster" (the entry's body on a main-thread
    event loop, as the task runtime of a pod runs it); see "Run modes" above.
    ``outputs_by_content`` gives ``output`` as tests/output_content.py's ``content_jsonable`` makes it (files,
    directories and dataframes by content), the form tests/v1_runner.py gives a flytekit run's output.
    ``blocked_modules``: top-level packages the program cannot import (ModuleNotFoundError), e.g. ``("flytekit",)``
    for a migrated program that must not need Flyte 1 in a venv that has it.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    if CURRENT_TEST is not None and not CURRENT_TEST[1]:
        raise RuntimeError(f"{CURRENT_TEST[0]} runs the SDK: mark it @requires_sdk (it gives the `sdk` marker)")
    if isinstance(files, str):
        files = {"main.py": files}
    module, func = _normalise_entry(entry)

    tmp = tempfile.mkdtemp(prefix="flyte_lint_sdk_")
    run_name = "fl" + uuid.uuid4().hex[:12]  # also names the run's /tmp/flyte/metadata/<run> dir
    calls_log = os.path.join(tmp, "calls.jsonl")
    try:
        prog = os.path.join(tmp, "prog")
        home = os.path.join(tmp, "home")
        os.makedirs(prog)
        os.makedirs(home)
        for rel, src in files.items():
            path = os.path.join(prog, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(textwrap.dedent(src))
        result_path = os.path.join(tmp, "result.json")
        spec = {
            "prog_dir": prog,
            "module": module,
            "func": func,
            "args": args or {},
            "result_path": result_path,
            "run_name": run_name,
            "raw_data_path": os.path.join(tmp, "raw"),
            "calls_log": calls_log,
            "mode": mode,
            "cluster_sdk_version": CLUSTER_MODE_SDK_VERSION,
            "outputs_by_content": outputs_by_content,
            "blocked_modules": list(blocked_modules),
        }
        spec_path = os.path.join(tmp, "spec.json")
        with open(spec_path, "w", encoding="utf-8") as fh:
            json.dump(spec, fh)

        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("FLYTE", "UCTL", "_UNION", "UNION_", "PYTEST_")) or k.startswith("FLYTE_LINT")
        }
        env.update(
            HOME=home,
            DO_NOT_TRACK="1",
            FLYTE_DISABLE_TELEMETRY="true",
            PYTHONDONTWRITEBYTECODE="1",
            PYTHONUNBUFFERED="1",
            PYTHONIOENCODING="utf-8",
        )
        env.pop("PYTHONSTARTUP", None)

        cmd = [sdk_python(), _THIS_FILE, "--bootstrap", spec_path]
        t0 = time.monotonic()
        try:
            proc = subprocess.run(
                cmd,
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
            duration = time.monotonic() - t0
            # subprocess.run already killed the child; report the calls that had started.
            started = _read_calls_log(calls_log)
            out = e.stdout.decode("utf-8", "replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
            err = e.stderr.decode("utf-8", "replace") if isinstance(e.stderr, bytes) else (e.stderr or "")
            return RunResult(
                ok=False,
                error_type="TimeoutExpired",
                error_types=["TimeoutExpired"],
                error=f"program did not finish within {timeout}s",
                calls=[Call.from_json(c) for c in started],
                stdout=out,
                stderr=err,
                phase="timeout",
                duration=duration,
                mode=mode,
            )
        duration = time.monotonic() - t0
        return bootstrap_result(_read_result(result_path), proc, duration, mode)
    finally:
        # The child cleans up after itself, unless it was killed.
        for name in {run_name, *(c.get("run") for c in _read_calls_log(calls_log))}:
            if name:
                shutil.rmtree(os.path.join("/tmp/flyte/metadata", name), ignore_errors=True)
                shutil.rmtree(os.path.join("/tmp/flyte/raw_data", name), ignore_errors=True)
        shutil.rmtree(tmp, ignore_errors=True)


def _read_calls_log(path: str) -> list[dict]:
    try:
        with open(path, encoding="utf-8") as fh:
            return [json.loads(line) for line in fh if line.endswith("\n")]
    except (OSError, ValueError):
        return []


def bootstrap_result(res: dict | None, proc, duration: float, mode: str) -> RunResult:
    """The RunResult of a finished child process from the result its bootstrap wrote (None: it wrote none)."""
    if res is None:
        return RunResult(
            ok=False,
            error_type="BootstrapError",
            error_types=["BootstrapError"],
            error=f"bootstrap wrote no result (exit code {proc.returncode})",
            stdout=proc.stdout,
            stderr=proc.stderr,
            phase="bootstrap",
            returncode=proc.returncode,
            duration=duration,
            mode=mode,
        )
    return RunResult(
        ok=bool(res.get("ok")),
        error_type=res.get("error_type"),
        error_types=list(res.get("error_types") or []),
        error_code=res.get("error_code"),
        error=res.get("error"),
        output=res.get("output"),
        calls=[Call.from_json(c) for c in res.get("calls", [])],
        warnings=list(res.get("warnings") or []),
        stdout=proc.stdout,
        stderr=proc.stderr,
        phase=res.get("phase"),
        traceback=res.get("traceback"),
        returncode=proc.returncode,
        duration=duration,
        network_attempts=list(res.get("network_attempts") or []),
        harness_errors=list(res.get("harness_errors") or []),
        mode=mode,
        entry_thread=res.get("entry_thread"),
    )


def _read_result(path: str) -> dict | None:
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError):
        return None


# --------------------------------------------------------------------------- #
# Child-process bootstrap (runs under the SDK's python; never imported by tests)
# --------------------------------------------------------------------------- #


def _to_jsonable(value: Any, _depth: int = 0) -> Any:
    import dataclasses
    import enum

    if _depth > 20:
        return repr(value)
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if value == value and value not in (float("inf"), float("-inf")) else repr(value)
    if isinstance(value, enum.Enum):
        return _to_jsonable(value.value, _depth + 1)
    if isinstance(value, dict):
        return {str(k): _to_jsonable(v, _depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=repr) if isinstance(value, (set, frozenset)) else value
        return [_to_jsonable(v, _depth + 1) for v in items]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _to_jsonable(getattr(value, f.name), _depth + 1) for f in dataclasses.fields(value)}
    dump = getattr(value, "model_dump", None)  # pydantic v2
    if callable(dump):
        try:
            return _to_jsonable(dump(), _depth + 1)
        except Exception:  # pylint: disable=broad-exception-caught
            pass
    return repr(value)


def _exc_chain(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        chain.append(cur)
        seen.add(id(cur))
        cur = cur.__cause__ or (None if cur.__suppress_context__ else cur.__context__)
    return chain


def _chain_types(exc: BaseException) -> list[str]:
    """Class names of ``exc`` and its causes, plus the ``code`` a Flyte runtime error carries.

    Crossing a task boundary, the SDK turns an exception into an error proto and back into
    ``RuntimeUserError(code=<original class name>, ...)``: the class survives only as the code.
    """
    names: list[str] = []
    for e in _exc_chain(exc):
        for name in (type(e).__name__, getattr(e, "code", None)):
            if isinstance(name, str) and name.isidentifier() and name not in names:
                names.append(name)
    return names


def _describe_error(exc: BaseException) -> dict:
    import traceback

    def one(e: BaseException) -> str:
        code = getattr(e, "code", None)
        tag = f"[{code}]" if isinstance(code, str) and code and code != type(e).__name__ else ""
        return f"{type(e).__name__}{tag}: {e}"

    code = getattr(exc, "code", None)
    return {
        "error_type": type(exc).__name__,
        "error_code": code if isinstance(code, str) else None,
        "error_types": _chain_types(exc),
        "error": " <- caused by ".join(one(e) for e in _exc_chain(exc)),
        "traceback": "".join(traceback.format_exception(exc)),
    }


def _install_network_guard(attempts: list[str]) -> None:
    """Refuse every connection that is not to a unix socket or a loopback address."""
    import socket

    def _is_local(sock: Any, address: Any) -> bool:
        if getattr(socket, "AF_UNIX", None) is not None and sock.family == socket.AF_UNIX:
            return True
        host = address[0] if isinstance(address, tuple) and address else address
        return str(host) in ("127.0.0.1", "::1", "localhost") or str(host).startswith("127.")

    orig_connect = socket.socket.connect
    orig_connect_ex = socket.socket.connect_ex

    def connect(self: Any, address: Any) -> Any:
        if not _is_local(self, address):
            attempts.append(repr(address))
            raise OSError(f"flyte-lint sdk_runner: network access blocked ({address!r})")
        return orig_connect(self, address)

    def connect_ex(self: Any, address: Any) -> Any:
        if not _is_local(self, address):
            attempts.append(repr(address))
            raise OSError(f"flyte-lint sdk_runner: network access blocked ({address!r})")
        return orig_connect_ex(self, address)

    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]


def _block_modules(names: list[str]) -> None:
    """Make the top-level packages ``names`` (and their submodules) unimportable: ModuleNotFoundError."""
    import importlib.abc

    blocked = frozenset(names)

    class Blocker(importlib.abc.MetaPathFinder):
        def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> None:
            if fullname.split(".")[0] in blocked:
                raise ModuleNotFoundError(f"No module named {fullname!r} (blocked by the harness)", name=fullname)

    if blocked:
        sys.meta_path.insert(0, Blocker())


def _load_output_content() -> Any:
    """tests/output_content.py, loaded by path (this directory is not on the child's sys.path)."""
    import importlib.util

    path = os.path.join(os.path.dirname(_THIS_FILE), "output_content.py")
    spec = importlib.util.spec_from_file_location("_flyte_lint_output_content", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_LOGGED_CALL_FIELDS = ("task", "parent", "action", "parent_action", "run", "launched_by", "thread")


def _bootstrap(spec_path: str) -> None:
    import asyncio
    import contextvars
    import gc
    import importlib
    import threading
    import warnings

    with open(spec_path, encoding="utf-8") as fh:
        spec = json.load(fh)

    # The program dir replaces this file's directory (tests/) as sys.path[0].
    here = os.path.dirname(_THIS_FILE)
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    sys.path.insert(0, spec["prog_dir"])

    result: dict[str, Any] = {
        "ok": False,
        "phase": "bootstrap",
        "calls": [],
        "warnings": [],
        "network_attempts": [],
        "harness_errors": [],
    }

    def write_result() -> None:
        tmp_path = spec["result_path"] + ".tmp"
        with open(tmp_path, "w", encoding="utf-8") as fh:
            json.dump(result, fh, default=repr)
        os.replace(tmp_path, spec["result_path"])

    # ---- warnings (the "never awaited" RuntimeWarning is emitted at gc time) ----
    def showwarning(message: Any, category: type, *_where: Any, **_kw: Any) -> None:
        result["warnings"].append(f"{category.__name__}: {message}")

    def install_warning_capture() -> None:
        warnings.resetwarnings()
        warnings.simplefilter("always")
        warnings.showwarning = showwarning

    install_warning_capture()
    _orig_unraisablehook = sys.unraisablehook

    def unraisablehook(unraisable: Any) -> None:
        exc = unraisable.exc_value
        result["warnings"].append(
            f"Unraisable: {type(exc).__name__}: {exc} ({unraisable.err_msg or ''} {unraisable.object!r})"
        )
        _orig_unraisablehook(unraisable)

    sys.unraisablehook = unraisablehook
    _install_network_guard(result["network_attempts"])
    _block_modules(spec.get("blocked_modules") or [])

    lock = threading.Lock()
    calls: list[dict] = result["calls"]
    action_task: dict[str, str] = {}  # action id -> task name
    action_parent: dict[str, str | None] = {}  # child action id -> caller action id (SDK context)
    action_run: dict[str, str | None] = {}  # task action id -> name of the run it belongs to
    current: contextvars.ContextVar[tuple[str, str] | None] = contextvars.ContextVar(
        "flyte_lint_current_task", default=None
    )

    try:
        import flyte
        from flyte._context import internal_ctx
        from flyte._internal.controllers import _local_controller
        from flyte._internal.runtime import taskrunner
    except Exception as e:  # pylint: disable=broad-exception-caught  # flyte missing or changed
        result.update(phase="bootstrap", **_describe_error(e))
        write_result()
        return

    # ---- SDK patches (bootstrap only; the user program is untouched) ----
    orig_direct_dispatch = _local_controller.direct_dispatch
    orig_run_task = taskrunner.run_task

    async def direct_dispatch(task: Any, *, action: Any, **kwargs: Any) -> Any:
        # Called by LocalController.submit while the *caller's* TaskContext is current.
        tctx = internal_ctx().data.task_context
        caller = (tctx.task_action or tctx.action).name if tctx is not None else None
        with lock:
            action_parent.setdefault(action.name, caller)
        return await orig_direct_dispatch(task, action=action, **kwargs)

    async def run_task(tctx: Any, controller: Any, task: Any, inputs: Any) -> Any:
        action = tctx.action.name
        via_var = current.get()  # (task name, action) of the task whose code launched this one
        with lock:
            caller_action = action_parent.get(action)
            if caller_action in action_task:
                parent_action: str | None = caller_action
                parent_task: str | None = action_task[caller_action]
                run_name = action_run[caller_action]
            else:
                # The caller is a run's root action, not a task: this is the entry task of a
                # run (the program's run, or one started by flyte.run inside a task).
                parent_action, parent_task, run_name = None, None, caller_action
            action_task[action] = task.name
            action_run[action] = run_name
            call = {
                "task": task.name,
                "parent": parent_task,
                "action": action,
                "parent_action": parent_action,
                "run": run_name,
                "launched_by": via_var[0] if via_var else None,
                "ok": None,
                "error_type": None,
                "error_types": [],
                "error": None,
                "traceback": None,
                "thread": threading.current_thread().name,
            }
            calls.append(call)
            with open(spec["calls_log"], "a", encoding="utf-8") as fh:  # survives a timeout
                fh.write(json.dumps({k: call[k] for k in _LOGGED_CALL_FIELDS}) + "\n")
            if action not in action_parent:
                result["harness_errors"].append(f"{task.name} ({action}) ran without passing LocalController.submit")
            elif parent_action is not None and (via_var is None or via_var[1] != parent_action):
                result["harness_errors"].append(
                    f"parent of {task.name} ({action}): SDK context says {parent_task!r} ({parent_action}), "
                    f"contextvar says {via_var!r}"
                )
            elif parent_action is None and run_name == spec["run_name"] and via_var is not None:
                result["harness_errors"].append(
                    f"{task.name} ({action}) is an entry of the program's run but was launched by {via_var!r}"
                )
        token = current.set((task.name, action))
        try:
            out, err = await orig_run_task(tctx, controller, task, inputs)
        except BaseException as e:
            call.update(_describe_error(e), ok=False)
            raise
        finally:
            current.reset(token)
        if err is not None:
            # `err` is still the original exception object (or CustomError caused by it).
            call.update(_describe_error(err), ok=False)
        else:
            call["ok"] = True
        return out, err

    _local_controller.direct_dispatch = direct_dispatch
    taskrunner.run_task = run_task

    # ---- import, init, run ----
    try:
        result["phase"] = "import"
        mod = importlib.import_module(spec["module"])
        entry = getattr(mod, spec["func"])
        result["phase"] = "init"
        flyte.init(root_dir=spec["prog_dir"])
        install_warning_capture()  # init configures logging; keep our capture in charge
        result["phase"] = "run"
        runner = flyte.with_runcontext(
            mode="local",
            name=spec["run_name"],
            raw_data_path=spec["raw_data_path"],
            disable_run_cache=True,
        )
        if spec.get("mode", "local") == "local":
            result["entry_thread"] = threading.current_thread().name
            run = runner.run(entry, **spec["args"])
        else:
            if flyte.__version__ != spec["cluster_sdk_version"]:
                result["phase"] = "bootstrap"
                raise RuntimeError(
                    f"cluster mode drives flyte's private Runner._run_local, checked only on "
                    f"flyte=={spec['cluster_sdk_version']}; this is flyte {flyte.__version__}"
                )
            from flyte.models import RawDataPath

            async def run_as_in_a_pod() -> Any:
                # flyte/_bin/runtime.py runs the task coroutine with asyncio.run on the main thread. Runner.run
                # would hop to the syncify thread first; here only its raw-data context is kept, so the two modes
                # differ in where the loop runs and nothing else.
                result["entry_thread"] = threading.current_thread().name
                raw = RawDataPath.from_local_folder(local_folder=spec["raw_data_path"])
                with internal_ctx().new_raw_data_path(raw_data_path=raw):
                    return await runner._run_local(entry, **spec["args"])  # pylint: disable=protected-access

            run = asyncio.run(run_as_in_a_pod())
        outputs = tuple(run.outputs())
        to_jsonable = _load_output_content().content_jsonable if spec.get("outputs_by_content") else _to_jsonable
        result["output"] = to_jsonable(outputs[0] if len(outputs) == 1 else (list(outputs) or None))
        result["ok"] = True
        result["phase"] = None
    except BaseException as e:  # pylint: disable=broad-exception-caught  # incl. SystemExit
        result.update(**_describe_error(e))
        # Add the class names the task bodies really raised, innermost (last started) first.
        for call in reversed(calls):
            for name in call.get("error_types") or ():
                if name not in result["error_types"]:
                    result["error_types"].append(name)
        del e
    finally:
        for _ in range(3):
            gc.collect()
        time.sleep(0.05)  # let other threads finish reporting
        gc.collect()
        with lock:
            write_result()
        # Local runs keep metadata under the fixed /tmp/flyte/metadata/<run>; nested flyte.run
        # calls also default their raw data to /tmp/flyte/raw_data/<run>.
        for run_name in {spec["run_name"], *(c.get("run") for c in calls)}:
            if run_name:
                shutil.rmtree(os.path.join("/tmp/flyte/metadata", run_name), ignore_errors=True)
                shutil.rmtree(os.path.join("/tmp/flyte/raw_data", run_name), ignore_errors=True)
        sys.stdout.flush()
        sys.stderr.flush()
        # Skip interpreter shutdown: stray non-daemon threads or atexit hooks of a broken
        # program must not hang the harness; everything worth knowing is already written.
        os._exit(0)


if __name__ == "__main__" and len(sys.argv) == 3 and sys.argv[1] == "--bootstrap":
    _bootstrap(sys.argv[2])


def needs_docker(text: str) -> bool:
    """A container task's run got as far as starting its container: without Docker it fails there, with the
    SDK's own message (no docker CLI) or the docker client's (the docker package installed, no daemon: flytekit
    in the test extra brings it)."""
    return "Docker" in text or "Error while fetching server API version" in text
