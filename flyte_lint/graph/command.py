"""The `flyte-lint graph` command: a thin adapter over the analysis model and the DAG compiler."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from flyte_lint.config import Options, Settings
from flyte_lint.discovery import NOT_PYTHON, is_python_file
from flyte_lint.engine import run
from flyte_lint.findings import Finding
from flyte_lint.graph import diff as graph_diff
from flyte_lint.graph.compiler import Compiler
from flyte_lint.graph.emission import GraphTooLarge
from flyte_lint.graph.entry import EntryError, candidates, entry_spec, find_entry
from flyte_lint.graph.export import from_json, to_dot, to_graphml, to_json, to_mermaid
from flyte_lint.graph.html import to_html
from flyte_lint.graph.inputs import InputError, parse_inputs
from flyte_lint.graph.unresolved import recursive_call_note, unresolved_call_note
from flyte_lint.rules import REGISTRY

SOURCE_SUFFIXES = (".py", ".pyi", ".pyw")
RENDERERS = {"json": to_json, "dot": to_dot, "mermaid": to_mermaid, "graphml": to_graphml, "html": to_html}


def graph_command(args, settings: Settings) -> int:
    if not args.path.exists():
        print(f"flyte-lint: error: {args.path}: no such file or directory", file=sys.stderr)
        return 2
    if args.path.is_file() and not is_python_file(args.path):
        print(f"flyte-lint: error: {args.path}: {NOT_PYTHON}", file=sys.stderr)
        return 2
    result = run([args.path], settings, Options(select=["FLY001"], root_dirs=[p.resolve() for p in args.root_dir]))
    for problem in result.path_errors:
        print(f"flyte-lint: error: {problem}", file=sys.stderr)
    for finding in result.findings:  # files that cannot be read or parsed: their tasks are missing below
        print(f"{finding.path}:{finding.line}:{finding.column}: {finding.code} {finding.message}", file=sys.stderr)
    analysis = result.analysis
    if analysis is None:
        if result.internal_errors:
            for error in result.internal_errors:
                print(f"flyte-lint: {error.splitlines()[0] if error else 'internal error'}", file=sys.stderr)
            return 2
        if result.path_errors:
            return 2
        if args.entry:
            print(f"flyte-lint: error: no task matches --entry {args.entry!r}; tasks found: none", file=sys.stderr)
            return 2
        print("no tasks found", file=sys.stderr)
        return 1
    if not args.entry:
        found = candidates(analysis)
        if not found:
            print("no tasks found", file=sys.stderr)
            return 1
        print("Candidate entry tasks (roots first; pass one as --entry MODULE:FUNCTION):")
        for task, root in found:
            print(f"  {entry_spec(task):<50} {task.name}{'  (root)' if root else ''}")
        return 0
    try:
        entry = find_entry(analysis, args.entry)
    except EntryError as exc:
        print(f"flyte-lint: error: {exc}", file=sys.stderr)
        return 2
    protected = {m.path for m in analysis.project.loaded()} | {m.path for m in result.files}
    try:
        return _compile_and_emit(args, analysis, entry, protected)
    except GraphTooLarge as exc:
        print(
            f"flyte-lint: error: the graph of {args.entry} has {exc}: optional calls in a row (under `if`, "
            "in loops) that may each feed every later one; nothing was written",
            file=sys.stderr,
        )
        return 2
    except Exception as exc:  # a bug must not surface as a traceback: name it, where it happened, and exit 2
        print(
            f"flyte-lint: internal error while compiling the graph of {args.entry}: {_describe(exc)}; please report it",
            file=sys.stderr,
        )
        return 2


def _compile_and_emit(args, analysis, entry, protected: set[Path]) -> int:
    try:
        inputs = parse_inputs(args.input, entry.func, entry_spec(entry))
    except InputError as exc:
        print(f"flyte-lint: error: {exc}", file=sys.stderr)
        return 2
    compiler = Compiler(analysis, inputs, use_defaults=not args.no_defaults)
    graph = compiler.compile(entry)
    if not args.no_notes:
        for note in notes(graph, compiler, analysis):
            print(f"{note.path}:{note.line}:{note.column}: {note.code} {note.message}", file=sys.stderr)

    if args.diff is not None:
        try:
            old = from_json(args.diff.read_text(encoding="utf-8"))
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            print(f"flyte-lint: error: cannot read {args.diff}: {exc}", file=sys.stderr)
            return 2
        delta = graph_diff.diff(old, graph)
        text = {
            "text": lambda: graph_diff.to_text(delta, old, graph),
            "json": lambda: graph_diff.to_json(delta),
            "mermaid": lambda: graph_diff.to_mermaid_view(delta, old, graph),
        }[args.diff_format]()
        code = _emit(text, args.output, args.path, protected)
        return code if code else (1 if args.check and not graph.graph["static"] else 0)

    code = _emit(RENDERERS[args.format](graph), args.output, args.path, protected)
    if code:
        return code
    if args.check and not graph.graph["static"]:
        print(f"flyte-lint: {graph.graph['entry']} is not fully static (see the notes above)", file=sys.stderr)
        return 1
    return 0


def _describe(exc: BaseException) -> str:
    """``RecursionError('…') at flyte_lint/graph/compiler.py:455``: enough for a bug report, no traceback."""
    where = ""
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if "flyte_lint" in filename:
            where = f" at {filename[filename.rindex('flyte_lint') :]}:{tb.tb_lineno}"
        tb = tb.tb_next
    text = repr(exc)
    return (text if len(text) <= 200 else text[:197] + "...") + where


def notes(graph, compiler: Compiler, analysis) -> list[Finding]:
    found = []
    for node, attrs in graph.nodes(data=True):
        call = compiler.call_of.get(node)
        if call is None or attrs.get("copy_of"):  # (a node split by group: one note for the call)
            continue
        module = analysis.resolver.module_of(call)
        if attrs.get("kind") == "unknown":
            rule, message = REGISTRY["FLY703"], f"{unresolved_call_note(attrs.get('reason'))} (node {node})"
        elif attrs.get("recursive"):
            rule, message = REGISTRY["FLY702"], f"{recursive_call_note(attrs.get('task'))} (node {node})"
        elif attrs.get("dynamic"):
            rule, message = (
                REGISTRY["FLY701"],
                f"task '{attrs.get('task')}' runs a number of times known only at run time (node {node})",
            )
        else:
            continue
        found.append(rule.finding(module, call, message))
    return sorted(found, key=lambda f: f.sort_key)


def _emit(text: str, output: Path | None, source: Path, protected: set[Path] = frozenset()) -> int:
    if output is None:
        sys.stdout.write(text)
        return 0
    refusal = _refusal(output, source, protected)
    if refusal:
        print(f"flyte-lint: error: refusing to overwrite {output}: {refusal}", file=sys.stderr)
        return 2
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"flyte-lint: error: cannot write {output}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    return 0


def _refusal(output: Path, source: Path, protected: set[Path]) -> str | None:
    """Why ``-o output`` must not be written: it is (or, through symbolic links, leads to) a Python source file,
    the graphed file, or a module the analysis read."""
    target = Path(os.path.realpath(output))
    if output.suffix in SOURCE_SUFFIXES or target.suffix in SOURCE_SUFFIXES:
        return "it looks like a source file"
    if target.is_dir():
        return "it is a directory"
    if target == Path(os.path.realpath(source)) or target in {Path(os.path.realpath(p)) for p in protected}:
        return "it is a file the graph was compiled from"
    if target.is_file():
        try:
            with open(target, "rb") as handle:
                first = handle.readline(256)
        except OSError:
            first = b""
        if first.startswith(b"#!") and b"python" in first:
            return "it looks like a source file (a python script)"
    return None
