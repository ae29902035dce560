"""FLY806 local-path-across-pods: a task returns a path on its own pod's filesystem (a `-> Path` output, or a
`File(path=...)`/`Dir(path=...)` made from a local path), which the consumer's pod cannot read."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from astroid import nodes

from flyte_lint.model.analysis import Analysis
from flyte_lint.model.annotations import TypeKind, TypeNode, signature_types
from flyte_lint.model.arguments import keyword_argument
from flyte_lint.model.values import External
from flyte_lint.rules.base import Finding, Outcome, Rule, RuntimeSpec, Scope, Severity, register
from flyte_lint.rules.types._common import own_nodes
from flyte_lint.rules.types._local_path_cases import INVALID, VALID
from flyte_lint.rules.types._local_paths import _bound_value, local_path

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
    scope = Scope.IMPORTERS  # (whether a def is a task: `env.task(fn)` in an importer makes one)
    summary = (
        "Reports a task that returns a path on its own filesystem: any value of a `-> Path` output, and a "
        "`flyte.io.File(path=...)` or `Dir(path=...)` built from a local path (a string without a URI scheme, a "
        "`tempfile` directory, `os.path.join`/`Path(...)`/`/` of one)."
    )
    rationale = (
        "Each action runs in its own pod. A `Path` output is pickled as it is: the consumer gets a path into the "
        "producer's pod. The `File`/`Dir` constructor uploads nothing either (the literal's URI is the local path), "
        "while `File.from_local(path)` (`from_local_sync` in a sync task) uploads the file to the run's raw data "
        "store. A local run shares one filesystem between all its actions, so it works there; in a cluster the "
        "consumer's read fails (FileNotFoundError). Stay quiet on remote URIs (`s3://...`, and constants holding "
        "one), and on traces, which run in their caller's pod. Severity: warning: it works in local runs, and fails "
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
        for task in analysis.tasks:
            returns = signature_types(analysis, task.func).returns
            path_output = any(_is_path(member) for member in returns.without_none)
            for node in own_nodes(task.func, nodes.Return):
                if node.scope() is not task.func or node.value is None:
                    continue
                if isinstance(node.value, nodes.Const) and node.value.value is None:
                    continue
                if path_output:
                    yield self.finding(task.module, node, _path_message(task.name))
                    continue
                for kind, why in _local_files(analysis, node.value):
                    yield self.finding(task.module, node, _file_message(task.name, kind, why, task.is_async))


def _is_path(declared: TypeNode) -> bool:
    return declared.kind is TypeKind.CLASS and declared.path in _PATHS


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


def _file_message(task: str, kind: str, why: str, is_async: bool) -> str:
    upload = f"await {kind}.from_local(path)" if is_async else f"{kind}.from_local_sync(path)"
    return (
        f"task '{task}' returns `{kind}(path=...)` of a local path ({why}): the constructor uploads nothing, so the "
        "literal names a path in this task's pod. A local run shares one filesystem and works; in a cluster each "
        f"action runs in its own pod, and reading it fails (FileNotFoundError). Return `{upload}`, which uploads it"
    )
