"""Graph exports: json (networkx node-link), dot, mermaid, graphml. html lives in html.py."""

from __future__ import annotations

import json
from collections import defaultdict

import networkx as nx

MERMAID_MAX_EDGES = 500
MERMAID_MAX_CHARS = 50_000


def to_json(graph: nx.DiGraph) -> str:
    data = nx.node_link_data(graph, edges="edges")
    return json.dumps(data, indent=2, sort_keys=False, default=str) + "\n"


def from_json(text: str) -> nx.DiGraph:
    data = json.loads(text)
    graph = nx.node_link_graph(data, edges="edges", directed=True, multigraph=False)
    # node_link_graph takes the "id" key as the node and drops it from the attributes: put it back, first.
    for node, attrs in graph.nodes(data=True):
        rest = dict(attrs)
        attrs.clear()
        attrs.update({"id": node, **rest})
    return graph


def label(attrs: dict) -> str:
    """A short human label: the task (or kind) and its multiplicity."""
    kind = attrs.get("kind")
    name = attrs.get("task") or attrs.get("function") or attrs.get("source") or kind
    if kind == "map":
        name = f"map {name}"
    elif kind == "unknown":
        name = f"? {attrs.get('source') or 'unresolved call'}"
    elif kind == "trace":
        name = f"trace {name}"
    count = attrs.get("count")
    if attrs.get("never_runs"):
        return name + " (never runs)"
    if attrs.get("dynamic") and kind != "unknown":
        name += " ×?"
    elif count not in (None, 1):
        name += f" ×{count}"
    return name


# -- dot -----------------------------------------------------------------------------------------------
def _dot_quote(text: object) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(graph: nx.DiGraph) -> str:
    lines = [
        f"digraph {_dot_quote(graph.graph.get('entry', 'flyte'))} {{",
        "  rankdir=TB;",
        '  node [fontname="Helvetica", fontsize=11];',
        '  edge [fontname="Helvetica", fontsize=9];',
    ]
    groups: dict[str | None, list[str]] = defaultdict(list)
    for node, attrs in graph.nodes(data=True):
        groups[attrs.get("group")].append(node)
    for index, (group, members) in enumerate(sorted(groups.items(), key=lambda kv: (kv[0] is not None, kv[0] or ""))):
        indent = "  "
        if group is not None:
            lines.append(f"  subgraph {_dot_quote('cluster_' + str(index))} {{")
            lines.append(f"    label={_dot_quote(group)}; style=rounded; color=gray;")
            indent = "    "
        for node in members:
            lines.append(indent + _dot_node(node, graph.nodes[node]))
        if group is not None:
            lines.append("  }")
    for node, attrs in graph.nodes(data=True):
        parent = attrs.get("parent")
        if parent is not None and parent in graph:
            cond = (
                f", label={_dot_quote('if ' + attrs['condition'])}"
                if attrs.get("conditional") and attrs.get("condition")
                else ""
            )
            lines.append(
                f"  {_dot_quote(parent)} -> {_dot_quote(node)} [style=dotted, arrowhead=none, color=gray{cond}];"
            )
    for u, v, attrs in graph.edges(data=True):
        style = ' [style=dashed, label="order"]' if attrs.get("kind") == "order" else ""
        lines.append(f"  {_dot_quote(u)} -> {_dot_quote(v)}{style};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _dot_node(node: str, attrs: dict) -> str:
    kind = attrs.get("kind")
    text = label(attrs)
    if attrs.get("env"):
        text += f"\n[{attrs['env']}]"
    if attrs.get("conditional") and attrs.get("condition"):
        text += f"\nif {attrs['condition']}"
    shape = {"task": "box", "map": "box3d", "remote": "component", "trace": "ellipse", "unknown": "octagon"}.get(
        kind, "box"
    )
    style = ["rounded"] if kind == "task" else []
    if attrs.get("conditional"):
        shape = "diamond" if kind == "unknown" else shape
        style.append("dashed")
    if attrs.get("dynamic"):
        style.append("bold")
    extras = f", style={_dot_quote(','.join(style))}" if style else ""
    if kind == "unknown":
        extras += ', color="red"'
    return f"{_dot_quote(node)} [label={_dot_quote(text)}, shape={shape}{extras}];"


# -- mermaid -------------------------------------------------------------------------------------------
def _mermaid_text(text: str) -> str:
    return text.replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def collapse(graph: nx.DiGraph, max_depth: int | None) -> nx.DiGraph:
    """Fold every node nested deeper than ``max_depth`` into its ancestor at that depth."""
    if max_depth is None:
        return graph
    keep = {n for n, a in graph.nodes(data=True) if _depth(graph, n) <= max_depth}
    owner = {}
    for node in graph.nodes:
        current = node
        while current not in keep:
            current = graph.nodes[current].get("parent")
        owner[node] = current
    folded = nx.DiGraph(**graph.graph)
    for node in keep:
        attrs = dict(graph.nodes[node])
        hidden = sum(1 for n, o in owner.items() if o == node and n != node)
        if hidden:
            attrs["collapsed"] = hidden
        folded.add_node(node, **attrs)
    for u, v, attrs in graph.edges(data=True):
        a, b = owner[u], owner[v]
        if a != b and not folded.has_edge(a, b):
            folded.add_edge(a, b, **attrs)
    return folded


def _depth(graph: nx.DiGraph, node: str) -> int:
    depth, parent = 0, graph.nodes[node].get("parent")
    while parent is not None:
        depth += 1
        parent = graph.nodes[parent].get("parent")
    return depth


def to_mermaid(
    graph: nx.DiGraph, marks: dict[str, str] | None = None, edge_marks: dict[tuple[str, str], str] | None = None
) -> str:
    """A `flowchart` GitHub renders. Large graphs are folded by nesting depth to stay within Mermaid's limits.
    ``marks`` and ``edge_marks`` tag nodes and edges as added, removed or changed (for --diff)."""
    for depth in [None] + list(range(max((_depth(graph, n) for n in graph.nodes), default=0), -1, -1)):
        text = _mermaid(collapse(graph, depth), marks or {}, edge_marks or {})
        edges = sum(text.count(arrow) for arrow in (" --> ", " -.-> ", " -.- "))
        if edges <= MERMAID_MAX_EDGES and len(text) <= MERMAID_MAX_CHARS:
            return text
    return text


LINK_STYLES = {
    "added": "stroke:#2a2,stroke-width:2px",
    "removed": "stroke:#a22,stroke-dasharray:4 2",
    "changed": "stroke:#b90,stroke-width:2px",
}


def _mermaid(graph: nx.DiGraph, marks: dict[str, str], edge_marks: dict[tuple[str, str], str]) -> str:
    ids = {node: f"n{i}" for i, node in enumerate(sorted(graph.nodes))}
    lines = ["flowchart TD"]
    groups: dict[str | None, list[str]] = defaultdict(list)
    for node, attrs in graph.nodes(data=True):
        groups[attrs.get("group")].append(node)
    for index, (group, members) in enumerate(sorted(groups.items(), key=lambda kv: (kv[0] is not None, kv[0] or ""))):
        indent = "  "
        if group is not None:
            lines.append(f'  subgraph g{index}["{_mermaid_text(group)}"]')
            indent = "    "
        for node in sorted(members):
            attrs = graph.nodes[node]
            text = _mermaid_text(label(attrs))
            if attrs.get("collapsed"):
                text += f" (+{attrs['collapsed']} nested)"
            if attrs.get("conditional") and attrs.get("condition"):
                text += "<br/>if " + _mermaid_text(attrs["condition"])
            kind = attrs.get("kind")
            shape = {
                "map": ('[["', '"]]'),
                "unknown": ('{{"', '"}}'),
                "trace": ('(["', '"])'),
                "remote": ('[/"', '"/]'),
            }.get(kind, ('["', '"]'))
            if attrs.get("conditional") and kind == "task":
                shape = ('{"', '"}')
            lines.append(f"{indent}{ids[node]}{shape[0]}{text}{shape[1]}")
        if group is not None:
            lines.append("  end")
    links = 0  # linkStyle addresses links by their position among all links
    for node in sorted(graph.nodes):
        parent = graph.nodes[node].get("parent")
        if parent is not None and parent in ids:
            lines.append(f"  {ids[parent]} -.- {ids[node]}")
            links += 1
    styled: dict[str, list[str]] = defaultdict(list)
    for u, v, attrs in sorted(graph.edges(data=True), key=lambda e: (ids[e[0]], ids[e[1]])):
        arrow = "-.->" if attrs.get("kind") == "order" else "-->"
        lines.append(f"  {ids[u]} {arrow} {ids[v]}")
        if (u, v) in edge_marks:
            styled[edge_marks[u, v]].append(str(links))
        links += 1
    for node, mark in sorted(marks.items()):
        if node in ids:
            lines.append(f"  class {ids[node]} {mark}")
    if marks:
        lines += [
            "  classDef added fill:#d4f7d4,stroke:#2a2",
            "  classDef removed fill:#f7d4d4,stroke:#a22,stroke-dasharray: 4 2",
            "  classDef changed fill:#fff3c4,stroke:#b90",
        ]
    for mark, positions in sorted(styled.items()):
        lines.append(f"  linkStyle {','.join(positions)} {LINK_STYLES[mark]}")
    lines += ["  classDef dynamic stroke-width:3px"]
    dynamic = [ids[n] for n, a in graph.nodes(data=True) if a.get("dynamic")]
    if dynamic:
        lines.append(f"  class {','.join(dynamic)} dynamic")
    return "\n".join(lines) + "\n"


# -- graphml -------------------------------------------------------------------------------------------
def flatten(graph: nx.DiGraph) -> nx.DiGraph:
    """GraphML holds only scalars of one type per key: None becomes "", lists and dicts become JSON text,
    and a key whose values mix types (a count that is sometimes unknown) is written as text throughout."""
    flat = nx.DiGraph()
    flat.graph.update({k: _scalar(v) for k, v in graph.graph.items()})
    node_attrs = {n: {k: _scalar(v) for k, v in a.items()} for n, a in graph.nodes(data=True)}
    edge_attrs = {(u, v): {k: _scalar(x) for k, x in a.items()} for u, v, a in graph.edges(data=True)}
    for table in (node_attrs, edge_attrs):
        types: dict[str, set] = defaultdict(set)
        for attrs in table.values():
            for key, value in attrs.items():
                types[key].add(type(value))
        mixed = {k for k, t in types.items() if len(t) > 1}
        for attrs in table.values():
            for key in mixed & set(attrs):
                value = attrs[key]
                attrs[key] = json.dumps(value) if isinstance(value, bool) else str(value)
    for node, attrs in node_attrs.items():
        flat.add_node(node, **attrs)
    for (u, v), attrs in edge_attrs.items():
        flat.add_edge(u, v, **attrs)
    return flat


def _scalar(value):
    if value is None:
        return ""
    if isinstance(value, (list, tuple, dict, set)):
        return json.dumps(value, default=str, sort_keys=True)
    if isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def to_graphml(graph: nx.DiGraph) -> str:
    return "\n".join(nx.generate_graphml(flatten(graph))) + "\n"
