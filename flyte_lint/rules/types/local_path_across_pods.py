"""FLY806 local-path-across-pods: a task returns a path on its own pod's filesystem (a `-> Path` output, or a
`File(path=...)`/`Dir(path=...)` made from a local path), which the consumer's pod cannot read."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.annotations import TypeKind, TypeNode, signature_types
from flyte_lint.model.arguments import keyword_argument
from flyte_lint.model.calls import called_object
from flyte_lint.model.entities import Task
from flyte_lint.model.kinds import CallForm, ParamKind
from flyte_lint.model.values import External, TaskRef
from flyte_lint.rules.base import Finding, Outcome, Rule, RuntimeSpec, Scope, Severity, register
from flyte_lint.rules.types._common import own_nodes
from flyte_lint.rules.types._local_path_cases import INVALID, VALID
from flyte_lint.rules.types._local_paths import _bound_value, local_path, relative_root

_PATHS = frozenset({"pathlib.Path", "pathlib.PosixPath", "pathlib.PurePath", "pathlib.PurePosixPath"})
_FILE_CLASSES = {
    "flyte.io.File": "File",
    "flyte.io._file.File": "File",
    "flyte.io.Dir": "Dir",
    "flyte.io._dir.Dir": "Dir",
}


@register
class LocalPathAcrossPods(Rule):
    code = "FLY806"
    symbol = "local-path-across-pods"
    severity = Severity.WARNING
    pylint_number = 69  # its pylint message id is W6769; never change it once released
    scope = Scope.COMPONENT  # (a `-> str` output counts when a call elsewhere hands it to a task that opens it)
    summary = (
        "Reports a task that returns a path on its own filesystem: any value of a `-> Path` output, a "
        "`flyte.io.File(path=...)` or `Dir(path=...)` built from a local path (an absolute path string, a "
        "`tempfile` directory, `os.path.join`/`Path(...)`/`/` of one), and such a path returned `-> str` to a "
        "task that opens it."
    )
    rationale = (
        "Each action runs in its own pod. A `Path` output is pickled as it is: the consumer gets a path into the "
        "producer's pod. The `File`/`Dir` constructor uploads nothing either (the literal's URI is the local path), "
        "while `File.from_local(path)` (`from_local_sync` in a sync task) uploads the file to the run's raw data "
        "store. A local run shares one filesystem between all its actions, so it works there; in a cluster the "
        "consumer's read fails (FileNotFoundError). Stay quiet on remote URIs (`s3://...`, and constants holding "
        "one), on relative paths (they may name a file of the code bundle, which every pod has), and on traces, "
        "which run in their caller's pod. Severity: warning: it works in local runs, and fails "
        "in a cluster unless every pod mounts the same volume, a setting the code does not show."
    )
    fix = (
        "Upload it: return `await File.from_local(path)` (or `Dir.from_local(path)`; `File.from_local_sync` in a "
        "sync task), declared `-> File`; or write straight to a remote URI."
    )
    runtime = RuntimeSpec(
        entry="main",
        args={"text": "hello"},
        bad=Outcome(ok=True, output="hello"),
        good=Outcome(ok=True, output="hello"),
        completes_because=(
            "a local run, and the driver's cluster mode, give every action one filesystem, so the consumer finds "
            "the producer's file; in a cluster each action has its own pod, where the path names nothing: "
            "tests/test_local_path_sdk.py plays that (the producer's directory gone, a remote raw data store): the "
            "constructor's File fails with FileNotFoundError, `File.from_local`'s is read from the store"
        ),
    )
    INVALID = INVALID
    VALID = VALID

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        opened = _opened_str_outputs(analysis)
        for task in analysis.tasks:
            returns = signature_types(analysis, task.func).returns
            path_output = any(_is_path(member) for member in returns.without_none)
            opener = opened.get(id(task.func)) if _is_str(returns) else None
            for node in own_nodes(task.func, nodes.Return):
                if node.scope() is not task.func or node.value is None:
                    continue
                if isinstance(node.value, nodes.Const) and node.value.value is None:
                    continue
                if path_output:
                    if not relative_root(node.value):  # (a relative path may name a code bundle file)
                        yield self.finding(task.module, node, _path_message(task.name))
                    continue
                why = local_path(analysis, node.value) if opener is not None else None
                if why is not None:
                    yield self.finding(task.module, node, _str_message(task.name, why, opener))
                    continue
                for kind, why in _local_files(analysis, node.value):
                    yield self.finding(task.module, node, _file_message(task.name, kind, why, task.is_async))


def _is_path(declared: TypeNode) -> bool:
    return declared.kind is TypeKind.CLASS and declared.path in _PATHS


def _is_str(declared: TypeNode) -> bool:
    return declared.kind is TypeKind.SCALAR and declared.path == "builtins.str"


def _opened_str_outputs(analysis: Analysis) -> dict[int, str]:
    """Tasks whose ``-> str`` output a call hands straight to another task that opens it (``open(p)``,
    ``Path(p)``...): the producer's def -> the consumer's name."""

    def compute() -> dict[int, str]:
        found: dict[int, str] = {}
        for site in analysis.call_sites:
            if site.task is None or site.form not in (CallForm.CALL, CallForm.AIO, CallForm.OVERRIDE):
                continue
            params = signature_types(analysis, site.task.func).params
            positional = [p for p in params if p.kind is not ParamKind.KEYWORD_ONLY]
            pairs = [(a, positional[i]) for i, a in enumerate(site.node.args) if i < len(positional)]
            pairs += [(k.value, p) for k in site.node.keywords or [] for p in params if p.name == k.arg]
            for value, param in pairs:
                producer = _producer(analysis, value)
                if producer is not None and _is_str(param.type) and _opens(analysis, site.task.func, param.name):
                    found.setdefault(id(producer.func), site.task.name)
        return found

    return analysis.memo("types.local_paths.opened", compute)


def _producer(analysis: Analysis, value: nodes.NodeNG, depth: int = 0) -> Task | None:
    """The task whose call gives ``value``: ``t(...)``, ``await t.aio(...)``, or a local bound once to one."""
    if isinstance(value, nodes.Await):
        value = value.value
    if isinstance(value, nodes.Name) and depth < 2:
        bound = _bound_value(value)
        return _producer(analysis, bound, depth + 1) if bound is not None else None
    if not isinstance(value, nodes.Call):
        return None
    target, _form = called_object(value.func)
    ref = analysis.resolver.value_of(target) if target is not None else None
    return ref.task if isinstance(ref, TaskRef) else None


_OPENERS = frozenset({"builtins.open", "pathlib.Path", "os.listdir", "os.stat"})


def _opens(analysis: Analysis, func: nodes.FunctionDef, name: str) -> bool:
    """The def's own body passes its parameter ``name`` to ``open``, ``Path``, ``os.listdir``... first."""
    for call in own_nodes(func, nodes.Call):
        first = call.args[0] if call.args else None
        if isinstance(first, nodes.Name) and first.name == name:
            callee = analysis.resolver.value_of(call.func)
            if isinstance(callee, External) and callee.path in _OPENERS:
                return True
    return False


def _local_files(analysis: Analysis, value: nodes.NodeNG) -> Iterator[tuple[str, str]]:
    """``File(path=<local>)`` / ``Dir(path=<local>)`` returned: in place, bound once to a local, or an item of a
    returned tuple or list display."""
    if isinstance(value, nodes.Name):
        bound = _bound_value(value)
        value = bound if isinstance(bound, nodes.Call) else value
    if isinstance(value, (nodes.Tuple, nodes.List)):
        for item in value.elts:
            yield from _local_files(analysis, item) if not isinstance(item, (nodes.Tuple, nodes.List)) else ()
        return
    if not isinstance(value, nodes.Call):
        return
    made = analysis.resolver.value_of(value.func)
    kind = _FILE_CLASSES.get(made.path) if isinstance(made, External) else None
    if kind is None:
        return
    why = local_path(analysis, keyword_argument(value, "path"))
    if why is not None:
        yield kind, why


def _path_message(task: str) -> str:
    return (
        f"task '{task}' returns a `Path`: the engine pickles the path itself, so its consumer gets a path into this "
        "task's pod. A local run shares one filesystem and works; in a cluster each action runs in its own pod, "
        "and reading it fails (FileNotFoundError). Return `await File.from_local(path)` (`-> File`), which uploads "
        "the file"
    )


def _str_message(task: str, why: str, consumer: str) -> str:
    return (
        f"task '{task}' returns a local path as a string ({why}), and task '{consumer}' opens it: the string "
        "crosses to the consumer's pod, which has no such file. A local run shares one filesystem and works; in a "
        "cluster each action runs in its own pod, and the open fails (FileNotFoundError). Return a `flyte.io.File` "
        "(`await File.from_local(path)`), which uploads it"
    )


def _file_message(task: str, kind: str, why: str, is_async: bool) -> str:
    upload = f"await {kind}.from_local(path)" if is_async else f"{kind}.from_local_sync(path)"
    return (
        f"task '{task}' returns `{kind}(path=...)` of a local path ({why}): the constructor uploads nothing, so the "
        "literal names a path in this task's pod. A local run shares one filesystem and works; in a cluster each "
        f"action runs in its own pod, and reading it fails (FileNotFoundError). Return `{upload}`, which uploads it"
    )
