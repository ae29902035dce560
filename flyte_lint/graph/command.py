"""The `flyte-lint graph` command: a thin adapter over the analysis model and the DAG compiler."""

from __future__ import annotations

import sys
from pathlib import Path

from flyte_lint.config import Settings
from flyte_lint.engine import Options, run
from flyte_lint.graph import diff as graph_diff
from flyte_lint.graph.compiler import Compiler
from flyte_lint.graph.entry import EntryError, candidates, entry_spec, find_entry
from flyte_lint.graph.export import from_json, to_dot, to_graphml, to_json, to_mermaid
from flyte_lint.graph.html import to_html
from flyte_lint.rules import REGISTRY
from flyte_lint.rules.base import Finding

RENDERERS = {"json": to_json, "dot": to_dot, "mermaid": to_mermaid, "graphml": to_graphml, "html": to_html}


def graph_command(args, settings: Settings) -> int:
    if not args.path.exists():
        print(f"flyte-lint: error: {args.path}: no such file or directory", file=sys.stderr)
        return 2
    result = run([args.path], settings, Options(select=["FLY001"], root_dirs=[p.resolve() for p in args.root_dir]))
    analysis = result.analysis
    if analysis is None:
        print("flyte-lint: error: " + "; ".join(result.internal_errors), file=sys.stderr)
        return 2
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
    compiler = Compiler(analysis)
    graph = compiler.compile(entry)
    if not args.no_notes:
        for note in notes(graph, compiler, analysis):
            print(f"{note.path}:{note.line}:{note.column}: {note.code} {note.message}", file=sys.stderr)

    if args.diff is not None:
        try:
            old = from_json(args.diff.read_text(encoding="utf-8"))
        except (OSError, ValueError, KeyError) as exc:
            print(f"flyte-lint: error: cannot read {args.diff}: {exc}", file=sys.stderr)
            return 2
        delta = graph_diff.diff(old, graph)
        text = {"text": lambda: graph_diff.to_text(delta, old, graph), "json": lambda: graph_diff.to_json(delta),
                "mermaid": lambda: graph_diff.to_mermaid_view(delta, old, graph)}[args.diff_format]()
        code = _emit(text, args.output, args.path)
        return code if code else (1 if args.check and not graph.graph["static"] else 0)

    code = _emit(RENDERERS[args.format](graph), args.output, args.path)
    if code:
        return code
    if args.check and not graph.graph["static"]:
        print(f"flyte-lint: {graph.graph['entry']} is not fully static (see the notes above)", file=sys.stderr)
        return 1
    return 0


def notes(graph, compiler: Compiler, analysis) -> list[Finding]:
    found = []
    for node, attrs in graph.nodes(data=True):
        call = compiler.call_of.get(node)
        if call is None:
            continue
        module = analysis.resolver.module_of(call)
        if attrs.get("kind") == "unknown":
            rule, message = REGISTRY["FLY703"], f"call not resolvable statically: {attrs.get('reason')} (node {node})"
        elif attrs.get("recursive"):
            rule, message = REGISTRY["FLY702"], f"task '{attrs.get('task')}' is called recursively: the DAG cuts the recursion here (node {node})"
        elif attrs.get("dynamic"):
            rule, message = REGISTRY["FLY701"], f"task '{attrs.get('task')}' runs a number of times known only at run time (node {node})"
        else:
            continue
        found.append(rule.finding(module, call, message))
    return sorted(found, key=lambda f: f.sort_key)


def _emit(text: str, output: Path | None, source: Path) -> int:
    if output is None:
        sys.stdout.write(text)
        return 0
    if output.suffix in (".py", ".pyi") or (output.exists() and output.resolve() == source.resolve()):
        print(f"flyte-lint: error: refusing to overwrite {output}: it looks like a source file", file=sys.stderr)
        return 2
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"flyte-lint: error: cannot write {output}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    return 0
