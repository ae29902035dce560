"""`--format html`: one self-contained page (no network) that draws the DAG as SVG. Drag to pan, wheel to
zoom, click a node to see its file:line, env, resources and the rest of its attributes."""

from __future__ import annotations

import html
import json

import networkx as nx

from flyte_lint.graph.export import label

NODE_W, NODE_H, GAP_X, GAP_Y = 190, 46, 40, 70
GROUP_PAD, GROUP_LABEL = 12, 16  # a group's box: its margin around the nodes, and room for its name
COLOURS = {"task": "#dbe9ff", "map": "#e4dbff", "remote": "#dff5e3", "trace": "#fdf0d5", "unknown": "#ffd9d9"}


def layout(graph: nx.DiGraph) -> dict[str, tuple[float, float]]:
    """Layered layout: a node sits one layer below everything that must come before it (its edges and
    its parent task), in the order of the source."""
    dag = nx.DiGraph()
    dag.add_nodes_from(graph.nodes)
    for u, v in graph.edges:
        if u != v:
            dag.add_edge(u, v)
    for node, attrs in graph.nodes(data=True):
        if attrs.get("parent") is not None and attrs["parent"] in graph:
            dag.add_edge(attrs["parent"], node)
    dag.remove_edges_from(_back_edges(dag))  # loop-carried edges: what remains is acyclic
    layers: dict[str, int] = {}
    for node in nx.topological_sort(dag):
        layers[node] = max((layers[p] + 1 for p in dag.predecessors(node)), default=0)
    by_layer: dict[int, list[str]] = {}
    for node, layer in layers.items():
        by_layer.setdefault(layer, []).append(node)
    # Each flyte.group gets a band of columns of its own (ungrouped nodes first, then the groups by name), as
    # wide as its widest layer, so that the box drawn around a group holds its nodes and no others.
    bands = sorted({graph.nodes[n].get("group") for n in graph.nodes}, key=lambda g: (g is not None, g or ""))
    width = dict.fromkeys(bands, 0)
    for members in by_layer.values():
        for band in bands:
            width[band] = max(width[band], sum(1 for n in members if graph.nodes[n].get("group") == band))
    start, column = {}, 0
    for band in bands:
        start[band], column = column, column + width[band]
    positions = {}
    for layer, members in by_layer.items():
        members.sort(key=lambda n: (str(graph.nodes[n].get("file")), graph.nodes[n].get("line") or 0, n))
        used = dict.fromkeys(bands, 0)
        for node in members:
            band = graph.nodes[node].get("group")
            index = start[band] + used[band]
            used[band] += 1
            positions[node] = (index * (NODE_W + GAP_X) + GAP_X, layer * (NODE_H + GAP_Y) + GAP_Y)
    return positions


def _back_edges(graph: nx.DiGraph) -> list[tuple[str, str]]:
    """The edges that close a cycle in a depth-first search from the nodes in order: without them the graph
    is acyclic. One pass (finding and breaking one cycle at a time was quadratic in the loop-carried edges)."""
    state: dict[str, int] = {}  # 1: on the search path, 2: done
    back = []
    for root in graph:
        if root in state:
            continue
        state[root] = 1
        stack = [(root, iter(graph.successors(root)))]
        while stack:
            node, children = stack[-1]
            for child in children:
                if state.get(child) == 1:
                    back.append((node, child))
                elif child not in state:
                    state[child] = 1
                    stack.append((child, iter(graph.successors(child))))
                    break
            else:
                state[node] = 2
                stack.pop()
    return back


def group_boxes(
    graph: nx.DiGraph, positions: dict[str, tuple[float, float]]
) -> list[tuple[str, float, float, float, float]]:
    """(group, x, y, width, height) of a box around each flyte.group's nodes, its name above them."""
    boxes = []
    for group in sorted({a.get("group") for _, a in graph.nodes(data=True)} - {None}):
        points = [positions[n] for n, a in graph.nodes(data=True) if a.get("group") == group]
        x0, y0 = min(x for x, _ in points) - GROUP_PAD, min(y for _, y in points) - GROUP_PAD - GROUP_LABEL
        x1, y1 = max(x for x, _ in points) + NODE_W + GROUP_PAD, max(y for _, y in points) + NODE_H + GROUP_PAD
        boxes.append((group, x0, y0, x1 - x0, y1 - y0))
    return boxes


def to_html(graph: nx.DiGraph) -> str:
    positions = layout(graph)
    width = max((x for x, _ in positions.values()), default=0) + NODE_W + 2 * GAP_X
    height = max((y for _, y in positions.values()), default=0) + NODE_H + 2 * GAP_Y
    parts = []
    for group, x, y, w, h in group_boxes(graph, positions):
        parts.append(
            f'<g class="group"><rect x="{x}" y="{y}" width="{w}" height="{h}" rx="10"/>'
            f'<text x="{x + 10}" y="{y + 15}">{html.escape(_clip(group, 40))}</text></g>'
        )
    for node, attrs in graph.nodes(data=True):
        parent = attrs.get("parent")
        if parent in positions:
            parts.append(f'<path class="nest" d="{_route(positions[parent], positions[node], lane=0.3)}"/>')
    for u, v, attrs in graph.edges(data=True):
        (ux, uy) = positions[u]
        cls = "edge order" if attrs.get("kind") == "order" else "edge data"
        if u == v:
            d = f"M{ux + NODE_W} {uy + 12} C{ux + NODE_W + 45} {uy - 10},{ux + NODE_W + 45} {uy + NODE_H + 10},{ux + NODE_W} {uy + NODE_H - 12}"
        else:
            d = _route(positions[u], positions[v])
        parts.append(f'<path class="{cls}" d="{d}" marker-end="url(#arrow)"/>')
    for node, attrs in graph.nodes(data=True):
        x, y = positions[node]
        kind = attrs.get("kind", "task")
        classes = (
            ["node", kind]
            + (["conditional"] if attrs.get("conditional") else [])
            + (["dynamic"] if attrs.get("dynamic") else [])
        )
        text = label(attrs)
        sub = attrs.get("env") or attrs.get("group") or ""
        parts.append(
            f'<g class="{" ".join(classes)}" data-id="{html.escape(node, quote=True)}" transform="translate({x},{y})">'
            f'<rect width="{NODE_W}" height="{NODE_H}" rx="8" fill="{COLOURS.get(kind, "#eee")}"/>'
            f'<text x="10" y="19">{html.escape(_clip(text, 26))}</text>'
            f'<text class="sub" x="10" y="36">{html.escape(_clip(sub, 30))}</text></g>'
        )
    details = {node: dict(attrs) for node, attrs in graph.nodes(data=True)}
    title = html.escape(str(graph.graph.get("entry", "flyte workflow")))
    static = "static" if graph.graph.get("static") else "not fully static"
    # No '<' may reach the script: "</script>" would end it and "<!--<script>" would swallow its end tag.
    data = json.dumps(details, default=str).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return TEMPLATE.format(
        title=title,
        static=static,
        width=width,
        height=height,
        body="\n".join(parts),
        data=data,
        nodes=graph.number_of_nodes(),
        edges=graph.number_of_edges(),
    )


def _route(start: tuple[float, float], end: tuple[float, float], lane: float = 0.6) -> str:
    """An SVG path from the bottom of the node at ``start`` to the top of the node at ``end``. Between adjacent
    layers, a plain curve. Across more layers (or back up, for a loop-carried edge) it runs down the free
    column gap (at ``lane`` of its width), so that it never passes behind the nodes of the layers in between."""
    (ux, uy), (vx, vy) = start, end
    x1, y1, x2, y2 = ux + NODE_W / 2, uy + NODE_H, vx + NODE_W / 2, vy
    if 0 < y2 - y1 <= GAP_Y:
        return f"M{x1} {y1} C{x1} {(y1 + y2) / 2},{x2} {(y1 + y2) / 2},{x2} {y2}"
    side = max(ux, vx) + NODE_W + GAP_X * lane
    half = GAP_Y / 2
    return (
        f"M{x1} {y1} C{x1} {y1 + half},{side} {y1},{side} {y1 + half} "
        f"L{side} {y2 - half} C{side} {y2},{x2} {y2 - half},{x2} {y2}"
    )


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} — flyte-lint graph</title>
<style>
 body {{ margin:0; font-family: Helvetica, Arial, sans-serif; display:flex; height:100vh; }}
 #canvas {{ flex:1; overflow:hidden; cursor:grab; background:#fafbfc; }}
 #panel {{ width:320px; border-left:1px solid #ddd; padding:12px; overflow:auto; font-size:13px; }}
 #panel h2 {{ font-size:15px; margin:0 0 8px; overflow-wrap:anywhere; }}
 #panel table {{ border-collapse:collapse; width:100%; }}
 #panel td {{ border-bottom:1px solid #eee; padding:3px 4px; vertical-align:top; overflow-wrap:anywhere; }}
 #panel td:first-child {{ width:1%; white-space:nowrap; color:#567; }}
 .node rect {{ stroke:#5a6b85; stroke-width:1.2; }}
 .node.conditional rect {{ stroke-dasharray:5 3; }}
 .node.dynamic rect {{ stroke-width:3; }}
 .node.unknown rect {{ stroke:#c33; }}
 .node.selected rect {{ stroke:#f60; stroke-width:3; }}
 .node text {{ font-size:12px; fill:#123; pointer-events:none; }}
 .node text.sub {{ font-size:10px; fill:#567; }}
 .node {{ cursor:pointer; }}
 .edge {{ fill:none; stroke:#345; stroke-width:1.4; }}
 .edge.order {{ stroke-dasharray:4 3; stroke:#89a; }}
 .nest {{ fill:none; stroke:#bbc; stroke-width:1; stroke-dasharray:2 3; }}
 .group rect {{ fill:#f1f3f7; stroke:#c5ccd8; stroke-width:1; }}
 .group text {{ font-size:11px; fill:#567; font-style:italic; }}
</style></head>
<body>
<div id="canvas"><svg id="svg" width="100%" height="100%" xmlns="http://www.w3.org/2000/svg">
<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
<path d="M0 0 L10 5 L0 10 z" fill="#345"/></marker></defs>
<g id="viewport" transform="translate(0,0) scale(1)">
{body}
</g></svg></div>
<div id="panel"><h2>{title}</h2><p>{nodes} nodes, {edges} edges; {static}.</p>
<p>Drag to pan, scroll to zoom, click a node for details. Solid arrows carry data; dashed arrows are order only;
dotted lines join a task to the tasks it calls.</p><div id="details"></div></div>
<script>
const DATA = {data};
const svg = document.getElementById("svg"), vp = document.getElementById("viewport");
let scale = 1, tx = 0, ty = 0, drag = null;
const bbox = {{w: {width}, h: {height}}};
function apply() {{ vp.setAttribute("transform", `translate(${{tx}},${{ty}}) scale(${{scale}})`); }}
function fit() {{
  const r = svg.getBoundingClientRect();
  scale = Math.min(1.5, r.width / bbox.w, r.height / bbox.h) || 1; tx = (r.width - bbox.w * scale) / 2; ty = 10; apply();
}}
svg.addEventListener("mousedown", e => {{ drag = {{x: e.clientX - tx, y: e.clientY - ty}}; }});
window.addEventListener("mousemove", e => {{ if (drag) {{ tx = e.clientX - drag.x; ty = e.clientY - drag.y; apply(); }} }});
window.addEventListener("mouseup", () => {{ drag = null; }});
svg.addEventListener("wheel", e => {{
  e.preventDefault(); const f = e.deltaY < 0 ? 1.1 : 1 / 1.1; const r = svg.getBoundingClientRect();
  const mx = e.clientX - r.left, my = e.clientY - r.top; tx = mx - (mx - tx) * f; ty = my - (my - ty) * f; scale *= f; apply();
}}, {{passive: false}});
function esc(s) {{ return String(s).replace(/[&<>"]/g, c => ({{"&":"&amp;","<":"&lt;",">":"&gt;",'"':"&quot;"}})[c]); }}
function show(id) {{
  document.querySelectorAll(".node.selected").forEach(n => n.classList.remove("selected"));
  const el = document.querySelector(`.node[data-id="${{CSS.escape(id)}}"]`); if (el) el.classList.add("selected");
  const a = DATA[id]; let rows = "";
  const first = ["task", "kind", "env", "file", "line", "count", "dynamic", "conditional", "condition", "group", "parent", "resources", "cache", "retries"];
  const keys = first.filter(k => k in a).concat(Object.keys(a).filter(k => !first.includes(k) && k !== "id"));
  for (const k of keys) {{ if (a[k] !== null && a[k] !== undefined && a[k] !== false) rows += `<tr><td>${{esc(k)}}</td><td>${{esc(a[k])}}</td></tr>`; }}
  const where = a.file ? `<p><code>${{esc(a.file)}}:${{esc(a.line)}}</code></p>` : "";
  document.getElementById("details").innerHTML = `<h2>${{esc(id)}}</h2>${{where}}<table>${{rows}}</table>`;
}}
document.querySelectorAll(".node").forEach(n => n.addEventListener("click", e => {{ e.stopPropagation(); show(n.dataset.id); }}));
window.addEventListener("load", fit);
</script>
</body></html>
"""
