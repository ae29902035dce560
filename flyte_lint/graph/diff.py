"""`flyte-lint graph --diff OLD.json`: what a change does to the pipeline, node by node and edge by edge."""

from __future__ import annotations

import json

import networkx as nx

from flyte_lint.graph.export import label, to_mermaid

# Where a call sits in the file moves with unrelated edits; it is not a change of the pipeline.
IGNORED = {"line", "file"}


def diff(old: nx.DiGraph, new: nx.DiGraph) -> dict:
    added = sorted(set(new.nodes) - set(old.nodes))
    removed = sorted(set(old.nodes) - set(new.nodes))
    changed = {}
    for node in sorted(set(old.nodes) & set(new.nodes)):
        a, b = old.nodes[node], new.nodes[node]
        delta = {k: [a.get(k), b.get(k)] for k in sorted(set(a) | set(b)) if k not in IGNORED and a.get(k) != b.get(k)}
        if delta:
            changed[node] = delta
    old_edges = {(u, v, d.get("kind")) for u, v, d in old.edges(data=True)}
    new_edges = {(u, v, d.get("kind")) for u, v, d in new.edges(data=True)}
    return {
        "added_nodes": added,
        "removed_nodes": removed,
        "changed_nodes": changed,
        "added_edges": [list(e) for e in sorted(new_edges - old_edges)],
        "removed_edges": [list(e) for e in sorted(old_edges - new_edges)],
    }


def is_empty(result: dict) -> bool:
    return not any(result[k] for k in result)


def to_text(result: dict, old: nx.DiGraph, new: nx.DiGraph) -> str:
    if is_empty(result):
        return "No change to the graph.\n"
    lines = []
    for node in result["added_nodes"]:
        lines.append(f"+ node {node}: {label(new.nodes[node])}")
    for node in result["removed_nodes"]:
        lines.append(f"- node {node}: {label(old.nodes[node])}")
    for node, delta in result["changed_nodes"].items():
        lines.append(
            f"~ node {node}: " + ", ".join(f"{k} {json.dumps(a)} -> {json.dumps(b)}" for k, (a, b) in delta.items())
        )
    for u, v, kind in result["added_edges"]:
        lines.append(f"+ edge {u} -> {v} ({kind})")
    for u, v, kind in result["removed_edges"]:
        lines.append(f"- edge {u} -> {v} ({kind})")
    return "\n".join(lines) + "\n"


def to_json(result: dict) -> str:
    return json.dumps(result, indent=2, default=str) + "\n"


def to_mermaid_view(result: dict, old: nx.DiGraph, new: nx.DiGraph) -> str:
    """The new graph with removed nodes and edges put back, and every change marked."""
    merged = new.copy()
    for node in result["removed_nodes"]:
        merged.add_node(node, **old.nodes[node])
    for u, v, kind in result["removed_edges"]:
        if u in merged and v in merged and not merged.has_edge(u, v):
            merged.add_edge(u, v, kind=kind)
    marks = dict.fromkeys(result["added_nodes"], "added")
    marks.update(dict.fromkeys(result["removed_nodes"], "removed"))
    marks.update(dict.fromkeys(result["changed_nodes"], "changed"))
    edge_marks = {(u, v): "added" for u, v, _ in result["added_edges"]}
    for u, v, _ in result["removed_edges"]:  # an edge whose kind changed is both removed and added
        edge_marks[u, v] = "changed" if (u, v) in edge_marks else "removed"
    return to_mermaid(merged, marks, edge_marks)
