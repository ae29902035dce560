"""`flyte-lint graph` end to end: the json contract, golden dot/mermaid/graphml output, Mermaid's limits, the
html page in a real headless browser, --diff, --check, -o and the usage errors.

The workflows are small sources under tests/corpus/graph/ (excluded from linting this repository), copied to a
temporary directory so that file paths in the output are stable. Golden files live under tests/golden/graph/:
`FLYTE_LINT_UPDATE_GOLDEN=1 pytest tests/test_graph_cli.py` rewrites them, otherwise they must match exactly.
"""

from __future__ import annotations

import difflib
import html
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import textwrap
import zlib
from collections import Counter
from pathlib import Path
from typing import get_args

import networkx as nx
import pytest

from flyte_lint import __version__
from flyte_lint.cli import main
from flyte_lint.graph.export import MERMAID_MAX_CHARS, MERMAID_MAX_EDGES, flatten, from_json, to_graphml, to_json
from flyte_lint.graph.html import COLOURS, NODE_H, NODE_W
from flyte_lint.model import values as model_values
from flyte_lint.rules import REGISTRY

HERE = Path(__file__).parent
CORPUS = HERE / "corpus" / "graph"
GOLDEN = HERE / "golden" / "graph"
UPDATE = os.environ.get("FLYTE_LINT_UPDATE_GOLDEN") == "1"

# corpus file stem -> --entry
ENTRIES = {
    "chain": "chain:pipeline",
    "fanout": "fanout:fan",
    "branch": "branch:decide",
    "grouped": "grouped:grouped",
    "nested": "nested:nested",
    "kinds": "kinds:kinds",
    "escaping": "escaping:escaping",
    "dynamic": "dynamic:dynamic",
    "recursive": "recursive:countdown",
    "loop": "loop:looper",
    "buckets": "buckets:buckets",
}
GOLDEN_GRAPHS = ["chain", "fanout", "branch", "grouped", "nested", "kinds", "escaping", "buckets"]
CONTRACT = (
    "id",
    "kind",
    "task",
    "env",
    "file",
    "line",
    "count",
    "dynamic",
    "conditional",
    "condition",
    "group",
    "parent",
)
MACHINE_FORMATS = ["json", "dot", "mermaid", "graphml"]


# -- running the command ------------------------------------------------------------------------------
@pytest.fixture
def work(tmp_path, monkeypatch):
    """A copy of the corpus as the current directory."""
    root = tmp_path / "wf"
    shutil.copytree(CORPUS, root)
    monkeypatch.chdir(root)
    return root


def graph_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["graph", *map(str, args)])
    out = capsys.readouterr()
    return code, out.out, out.err


def export(capsys, name: str, fmt: str = "json", *extra: str) -> str:
    code, out, err = graph_cli(capsys, f"{name}.py", "--entry", ENTRIES[name], "--format", fmt, *extra)
    assert code == 0, err
    return out


def compiled(capsys, name: str) -> nx.DiGraph:
    return from_json(export(capsys, name))


# -- json ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_json_is_node_link_data_with_the_node_contract(work, capsys, name):
    text = export(capsys, name, "json", "--no-notes")
    data = json.loads(text)
    assert set(data) == {"directed", "multigraph", "graph", "nodes", "edges"}  # edges="edges", not "links"
    assert data["directed"] is True and data["multigraph"] is False
    assert data["graph"]["entry"] == data["nodes"][0]["task"]
    assert isinstance(data["graph"]["static"], bool)
    assert data["graph"]["flyte_lint_version"] == __version__
    ids = [node["id"] for node in data["nodes"]]
    assert len(ids) == len(set(ids))
    for node in data["nodes"]:
        missing = [key for key in CONTRACT if key not in node]
        assert not missing, f"{node['id']} lacks {missing}"
        assert ":" not in node["id"]
        assert node["kind"] in {"task", "map", "remote", "trace", "unknown"}
        assert isinstance(node["line"], int) and node["file"] == f"{name}.py"
        assert node["count"] is None or isinstance(node["count"], int)
        assert isinstance(node["dynamic"], bool) and isinstance(node["conditional"], bool)
        assert (node["condition"] is not None) == node["conditional"]
        assert node["parent"] is None or node["parent"] in ids
    assert [n["id"] for n in data["nodes"] if n["parent"] is None] == [ids[0]]  # one root: the entry
    for edge in data["edges"]:
        assert edge["source"] in ids and edge["target"] in ids
        assert edge["kind"] in {"data", "order"}
    assert data["graph"]["static"] == (not any(n["dynamic"] or n["kind"] == "unknown" for n in data["nodes"]))


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_from_json_round_trips(work, capsys, name):
    text = export(capsys, name, "json", "--no-notes")
    graph = from_json(text)
    data = json.loads(text)
    assert graph.graph == data["graph"]
    assert list(graph.nodes(data=True)) == [(node["id"], node) for node in data["nodes"]]
    assert sorted(graph.edges(data=True)) == sorted(
        (e["source"], e["target"], {"kind": e["kind"]}) for e in data["edges"]
    )
    assert to_json(graph) == text  # byte for byte, attribute order included


def test_json_facts_of_the_small_graphs(work, capsys):
    chain = compiled(capsys, "chain")
    assert set(chain.edges) == {("pipeline/load", "pipeline/clean"), ("pipeline/clean", "pipeline/report")}
    assert chain.graph["static"] is True

    fan = compiled(capsys, "fanout")
    assert fan.nodes["fan/process"]["count"] == 4 and fan.nodes["fan/process"]["kind"] == "task"
    assert fan.nodes["fan/map-square"]["count"] == 8 and fan.nodes["fan/map-square"]["kind"] == "map"
    assert fan.edges["fan/process", "fan/combine"]["kind"] == "data"
    assert fan.edges["fan/map-square", "fan/combine"]["kind"] == "data"

    branch = compiled(capsys, "branch")
    assert branch.nodes["decide/large"]["condition"] == "size > 10"
    assert branch.nodes["decide/small"]["condition"] == "not (size > 10)"
    assert not branch.nodes["decide/measure"]["conditional"]

    grouped = compiled(capsys, "grouped")
    assert {n: a["group"] for n, a in grouped.nodes(data=True)} == {
        "grouped": None,
        "grouped/prepare": None,
        "grouped/train": "training",
        "grouped/evaluate": "training",
    }

    nested = compiled(capsys, "nested")
    assert {n: a["parent"] for n, a in nested.nodes(data=True)} == {
        "nested": None,
        "nested/ingest": "nested",
        "nested/ingest/fetch": "nested/ingest",
        "nested/ingest/parse": "nested/ingest",
        "nested/summarize": "nested",
    }
    assert nested.nodes["nested/ingest/fetch"]["env"] == "inner"

    kinds = compiled(capsys, "kinds")
    assert sorted(a["kind"] for _, a in kinds.nodes(data=True)) == ["map", "remote", "task", "task", "trace", "unknown"]
    assert kinds.graph["static"] is False

    dynamic = compiled(capsys, "dynamic")
    assert dynamic.nodes["dynamic/work"]["count"] is None and dynamic.nodes["dynamic/work"]["dynamic"] is True


def test_unknown_node_receives_data_edges_from_its_arguments(work, capsys):
    kinds = compiled(capsys, "kinds")
    # extra = await getattr(flyte, config["name"])(score): config comes from the trace, score from the remote task
    assert kinds.edges["kinds/remote", "kinds/unknown"]["kind"] == "data"
    assert kinds.has_edge("kinds/fetch_config", "kinds/unknown")


def test_code_after_an_early_return_is_conditional(work, capsys):
    escaping = compiled(capsys, "escaping")
    # `if ...: return await render(...)` then `return await render(mode)`: the second runs only when the first does not
    assert escaping.nodes["escaping/render#2"]["conditional"] is True
    assert not escaping.has_edge("escaping/render", "escaping/render#2")


# -- golden files ----------------------------------------------------------------------------------------
def check_golden(filename: str, text: str) -> None:
    text = text.replace(f">{__version__}</data>", ">@VERSION@</data>")  # a release must not break the goldens
    path = GOLDEN / filename
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        return
    assert path.exists(), f"{path} is missing: run FLYTE_LINT_UPDATE_GOLDEN=1 pytest tests/test_graph_cli.py"
    with path.open(encoding="utf-8", newline="") as handle:
        expected = handle.read()
    if text != expected:
        delta = "".join(difflib.unified_diff(expected.splitlines(True), text.splitlines(True), str(path), "output"))
        pytest.fail(f"{filename} differs from its golden file (FLYTE_LINT_UPDATE_GOLDEN=1 rewrites it):\n{delta}")


@pytest.mark.parametrize("fmt,suffix", [("dot", "dot"), ("mermaid", "mmd"), ("graphml", "graphml")])
@pytest.mark.parametrize("name", GOLDEN_GRAPHS)
def test_golden(work, capsys, name, fmt, suffix):
    check_golden(f"{name}.{suffix}", export(capsys, name, fmt, "--no-notes"))


def test_every_golden_file_is_used():
    expected = {f"{name}.{suffix}" for name in GOLDEN_GRAPHS for suffix in ("dot", "mmd", "graphml")}
    assert {p.name for p in GOLDEN.iterdir()} == expected


# -- dot -----------------------------------------------------------------------------------------------
DOT_TOKEN = re.compile(
    r'"(?:[^"\\]|\\.)*"|->|[A-Za-z_][A-Za-z0-9_]*|-?\d+(?:\.\d+)?|[{}\[\];,=]|(?P<space>\s+)|(?P<bad>.)', re.S
)


def parse_dot(text: str) -> dict:
    """A strict parser for the subset of DOT we write. Every node id must be a quoted string."""
    tokens = []
    for match in DOT_TOKEN.finditer(text):
        assert match.group("bad") is None, f"unexpected {match.group('bad')!r} at offset {match.start()}"
        if match.group("space") is None:
            tokens.append(match.group(0))
    pos = 0

    def take(expected: str | None = None) -> str:
        nonlocal pos
        token = tokens[pos]
        assert expected is None or token == expected, f"expected {expected!r}, got {token!r} (token {pos})"
        pos += 1
        return token

    def quoted() -> str:
        token = take()
        assert token.startswith('"'), f"unquoted id {token!r}"
        return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), token[1:-1])

    def value() -> str:
        token = take()
        return quoted_text(token) if token.startswith('"') else token

    def quoted_text(token: str) -> str:
        return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), token[1:-1])

    def attrs() -> dict:
        found = {}
        if tokens[pos] != "[":
            return found
        take("[")
        while tokens[pos] != "]":
            key = take()
            take("=")
            found[key] = value()
            if tokens[pos] == ",":
                take(",")
        take("]")
        return found

    result = {"name": None, "nodes": {}, "edges": [], "clusters": []}

    def statements(cluster: dict | None) -> None:
        while tokens[pos] != "}":
            token = tokens[pos]
            if token in ("node", "edge", "graph"):
                take()
                attrs()
            elif token == "subgraph":
                take()
                name = quoted()
                take("{")
                inner = {"name": name, "label": None, "members": []}
                result["clusters"].append(inner)
                statements(inner)
                take("}")
                continue
            elif tokens[pos + 1] == "=":
                key = take()
                take("=")
                setting = value()
                if cluster is not None and key == "label":
                    cluster["label"] = setting
            else:
                source = quoted()
                if tokens[pos] == "->":
                    take("->")
                    target = quoted()
                    result["edges"].append((source, target, attrs()))
                else:
                    assert source not in result["nodes"], f"node {source!r} declared twice"
                    result["nodes"][source] = attrs()
                    if cluster is not None:
                        cluster["members"].append(source)
            take(";")

    take("digraph")
    result["name"] = quoted()
    take("{")
    statements(None)
    take("}")
    assert pos == len(tokens), "text after the closing brace"
    return result


def balanced_outside_strings(text: str, opening: str, closing: str) -> bool:
    depth = 0
    for token in re.findall(r'"(?:[^"\\]|\\.)*"|.', text, re.S):
        if token == opening:
            depth += 1
        elif token == closing:
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


@pytest.mark.parametrize("name", GOLDEN_GRAPHS + ["dynamic", "recursive", "loop"])
def test_dot_structure(work, capsys, name):
    text = export(capsys, name, "dot", "--no-notes")
    graph = compiled(capsys, name)
    assert balanced_outside_strings(text, "{", "}") and balanced_outside_strings(text, "[", "]")
    dot = parse_dot(text)
    assert dot["name"] == graph.graph["entry"]
    assert set(dot["nodes"]) == set(graph.nodes)
    nesting = [(u, v, a) for u, v, a in dot["edges"] if a.get("arrowhead") == "none"]
    flow = [(u, v, a) for u, v, a in dot["edges"] if a.get("arrowhead") != "none"]
    assert sorted((u, v) for u, v, _ in nesting) == sorted(
        (a["parent"], n) for n, a in graph.nodes(data=True) if a["parent"]
    )
    assert sorted((u, v) for u, v, _ in flow) == sorted(graph.edges)
    for u, v, attrs in flow:
        assert (attrs.get("style") == "dashed") == (graph.edges[u, v]["kind"] == "order")
    # one cluster per group, holding exactly that group's nodes
    groups = {a["group"] for _, a in graph.nodes(data=True) if a["group"] is not None}
    assert sorted(c["label"] for c in dot["clusters"]) == sorted(groups)
    for cluster in dot["clusters"]:
        assert cluster["name"].startswith("cluster")
        assert sorted(cluster["members"]) == sorted(
            n for n, a in graph.nodes(data=True) if a["group"] == cluster["label"]
        )
    for node, attrs in graph.nodes(data=True):
        shown = dot["nodes"][node]["label"]
        if attrs["dynamic"] and attrs["kind"] != "unknown":
            assert "×?" in shown
        elif attrs["count"] not in (None, 1):
            assert f"×{attrs['count']}" in shown, shown
        if attrs["conditional"]:
            assert f"if {attrs['condition']}" in shown
            assert "dashed" in dot["nodes"][node]["style"]
            assert [a.get("label") for u, v, a in nesting if v == node] == [f"if {attrs['condition']}"]


def test_dot_shows_fan_out_counts_and_conditions(work, capsys):
    fan = parse_dot(export(capsys, "fanout", "dot"))["nodes"]
    assert fan["fan/process"]["label"].startswith("fan.process ×4")
    assert fan["fan/map-square"]["label"].startswith("map fan.square ×8") and fan["fan/map-square"]["shape"] == "box3d"
    branch = parse_dot(export(capsys, "branch", "dot"))
    assert branch["nodes"]["decide/large"]["label"].endswith("\nif size > 10")
    escaping = parse_dot(export(capsys, "escaping", "dot"))
    assert escaping["clusters"][0]["label"] == 'say "hi" <b>'
    assert """mode == 'C:\\\\tmp & "x"'""" in escaping["nodes"]["escaping/render"]["label"]


@pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz `dot` is not installed (apt-get install graphviz)")
@pytest.mark.parametrize("name", GOLDEN_GRAPHS)
def test_dot_renders_with_graphviz(work, capsys, name):
    text = export(capsys, name, "dot", "--no-notes")
    result = subprocess.run(["dot", "-Tsvg"], input=text, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr
    assert "<svg" in result.stdout


# -- mermaid -------------------------------------------------------------------------------------------
SHAPES = {"[": "]", "[[": "]]", "[/": "/]", "([": "])", "{{": "}}", "{": "}"}
MERMAID_NODE = re.compile(
    r'(?P<id>[A-Za-z0-9]+)(?P<open>\[\[|\[/|\(\[|\{\{|\{|\[)"(?P<label>[^"]*)"(?P<close>\]\]|/\]|\]\)|\}\}|\}|\])'
)
MERMAID_LINK = re.compile(r"(?P<a>[A-Za-z0-9]+) (?P<arrow>-->|-\.->|-\.-) (?P<b>[A-Za-z0-9]+)")
MERMAID_SUBGRAPH = re.compile(r'subgraph (?P<id>[A-Za-z0-9]+)\["(?P<label>[^"]*)"\]')
MERMAID_CLASS = re.compile(r"class (?P<ids>[A-Za-z0-9]+(?:,[A-Za-z0-9]+)*) (?P<cls>[A-Za-z]+)")
MERMAID_CLASSDEF = re.compile(r"classDef (?P<cls>[A-Za-z]+) [a-z-]+:[^\s,]+(?:,[a-z-]+:[^,]+)*")
MERMAID_LINKSTYLE = re.compile(r"linkStyle (?P<at>\d+(?:,\d+)*) [a-z-]+:[^,]+(?:,[a-z-]+:[^,]+)*")
MERMAID_RESERVED = {"end", "graph", "flowchart", "subgraph", "class", "classDef", "style", "linkStyle", "click"}


def parse_mermaid(text: str) -> dict:
    """Check every line against the few statement forms we emit, and what GitHub's Mermaid accepts."""
    lines = text.splitlines()
    assert lines[0] == "flowchart TD"
    result = {"nodes": {}, "links": [], "subgraphs": [], "classes": {}, "classdefs": set(), "linkstyles": []}
    depth = 0
    for line in lines[1:]:
        body = line.strip()
        if m := MERMAID_NODE.fullmatch(body):
            assert SHAPES[m["open"]] == m["close"], body
            label = m["label"]
            assert "<" not in label.replace("<br/>", "") and ">" not in label.replace("<br/>", ""), label
            assert not label.startswith("`"), label  # a markdown string
            assert m["id"] not in result["nodes"]
            result["nodes"][m["id"]] = label
        elif m := MERMAID_LINK.fullmatch(body):
            result["links"].append((m["a"], m["arrow"], m["b"]))
        elif m := MERMAID_SUBGRAPH.fullmatch(body):
            assert "<" not in m["label"] and ">" not in m["label"]
            result["subgraphs"].append(m["label"])
            depth += 1
        elif body == "end":
            depth -= 1
            assert depth >= 0
        elif m := MERMAID_CLASS.fullmatch(body):
            for node in m["ids"].split(","):
                result["classes"].setdefault(m["cls"], []).append(node)
        elif m := MERMAID_CLASSDEF.fullmatch(body):
            result["classdefs"].add(m["cls"])
        elif m := MERMAID_LINKSTYLE.fullmatch(body):
            result["linkstyles"].append(([int(i) for i in m["at"].split(",")], body))
        else:
            raise AssertionError(f"not a statement we emit: {line!r}")
    assert depth == 0, "unbalanced subgraph/end"
    ids = set(result["nodes"])
    assert not ids & MERMAID_RESERVED
    for a, _, b in result["links"]:
        assert a in ids and b in ids
    for cls, members in result["classes"].items():
        assert cls in result["classdefs"] and set(members) <= ids
    for positions, _ in result["linkstyles"]:
        assert all(0 <= i < len(result["links"]) for i in positions)
    return result


@pytest.mark.parametrize("name", GOLDEN_GRAPHS + ["dynamic", "recursive", "loop"])
def test_mermaid_structure(work, capsys, name):
    text = export(capsys, name, "mermaid", "--no-notes")
    graph = compiled(capsys, name)
    assert text.startswith("flowchart")
    chart = parse_mermaid(text)
    assert len(chart["nodes"]) == graph.number_of_nodes()
    nesting = [link for link in chart["links"] if link[1] == "-.-"]
    assert len(nesting) == sum(1 for _, a in graph.nodes(data=True) if a["parent"])
    assert sorted(link[1] for link in chart["links"] if link[1] != "-.-") == sorted(
        "-.->" if a["kind"] == "order" else "-->" for _, _, a in graph.edges(data=True)
    )
    groups = {a["group"] for _, a in graph.nodes(data=True) if a["group"] is not None}
    assert len(chart["subgraphs"]) == len(groups)
    assert len(chart["classes"].get("dynamic", [])) == sum(1 for _, a in graph.nodes(data=True) if a["dynamic"])


def test_mermaid_labels(work, capsys):
    fan = parse_mermaid(export(capsys, "fanout", "mermaid"))["nodes"]
    assert sorted(fan.values()) == ["fan.combine", "fan.fan", "fan.process ×4", "map fan.square ×8"]
    branch = parse_mermaid(export(capsys, "branch", "mermaid"))["nodes"]
    assert "branchy.large<br/>if size #gt; 10" in branch.values()
    escaping = parse_mermaid(export(capsys, "escaping", "mermaid"))
    assert escaping["subgraphs"] == ["say #quot;hi#quot; #lt;b#gt;"]


def big_workflow(tasks: int = 300, nested: int = 5, chain: bool = False) -> str:
    """``tasks`` distinct tasks, each calling ``nested`` tasks, started together (or one after another)."""
    parts = ["import asyncio\n\nimport flyte\n\nenv = flyte.TaskEnvironment('big')\n"]
    for j in range(nested):
        parts.append(f"\n@env.task\nasync def leaf{j}(x: int) -> int:\n    return x + 1\n")
    for i in range(tasks):
        calls = "".join(f"    x = await leaf{j}(x)\n" for j in range(nested))
        parts.append(f"\n@env.task\nasync def step{i}(x: int) -> int:\n{calls}    return x\n")
    if chain:
        body = "".join(f"    x = await step{i}(x)\n" for i in range(tasks)) + "    return [x]\n"
    else:
        body = "    return list(await asyncio.gather(" + ", ".join(f"step{i}(x)" for i in range(tasks)) + "))\n"
    parts.append(f"\n@env.task\nasync def big(x: int = 0) -> list[int]:\n{body}")
    return "".join(parts)


def mermaid_links(text: str) -> int:
    return sum(text.count(arrow) for arrow in (" --> ", " -.-> ", " -.- "))


def test_mermaid_collapses_a_large_workflow_within_the_default_limits(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    Path("big.py").write_text(big_workflow(300, 5), encoding="utf-8")
    graph = from_json(export_file(capsys, "big.py", "big:big", "json"))
    assert graph.number_of_nodes() == 1 + 300 + 300 * 5
    text = export_file(capsys, "big.py", "big:big", "mermaid")
    assert len(text) <= MERMAID_MAX_CHARS and mermaid_links(text) <= MERMAID_MAX_EDGES
    assert MERMAID_MAX_CHARS == 50_000 and MERMAID_MAX_EDGES == 500  # Mermaid's maxTextSize and maxEdges
    chart = parse_mermaid(text)
    # the nested calls are folded into the 300 tasks that make them, which all stay visible
    assert len(chart["nodes"]) == 301
    assert sorted(chart["nodes"].values())[:2] == ["big.big", "big.step0 (+5 nested)"]
    assert sum(label.endswith("(+5 nested)") for label in chart["nodes"].values()) == 300


def test_mermaid_collapses_a_long_chain_to_fit(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    Path("big.py").write_text(big_workflow(300, 5, chain=True), encoding="utf-8")
    text = export_file(capsys, "big.py", "big:big", "mermaid")
    assert len(text) <= MERMAID_MAX_CHARS and mermaid_links(text) <= MERMAID_MAX_EDGES
    chart = parse_mermaid(text)
    assert any(re.search(r"\(\+\d+ nested\)$", label) for label in chart["nodes"].values())


def test_mermaid_small_graphs_are_not_collapsed(work, capsys):
    assert "nested)" not in export(capsys, "nested", "mermaid")


def export_file(capsys, path: str, entry: str, fmt: str) -> str:
    code, out, err = graph_cli(capsys, path, "--entry", entry, "--format", fmt, "--no-notes")
    assert code == 0, err
    return out


# -- graphml -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", GOLDEN_GRAPHS + ["dynamic", "recursive", "loop"])
def test_graphml_loads_with_networkx(work, capsys, name):
    graph = compiled(capsys, name)
    assert graph_cli(
        capsys, f"{name}.py", "--entry", ENTRIES[name], "--format", "graphml", "-o", "out.graphml", "--no-notes"
    ) == (0, "", "")
    loaded = nx.read_graphml("out.graphml")
    assert isinstance(loaded, nx.DiGraph)
    assert set(loaded.nodes) == set(graph.nodes)
    assert set(loaded.edges) == set(graph.edges)
    flat = flatten(graph)
    for node in graph.nodes:
        assert loaded.nodes[node] == flat.nodes[node]
        for value in loaded.nodes[node].values():
            assert value is not None and not isinstance(value, (list, dict))
    assert {k: v for k, v in loaded.graph.items() if not k.endswith("_default")} == flat.graph
    for u, v in graph.edges:
        assert loaded.edges[u, v] == {"kind": graph.edges[u, v]["kind"]}


def test_graphml_flattens_none_lists_dicts_and_mixed_types(tmp_path):
    graph = nx.DiGraph(entry="e", static=False, flyte_lint_version=__version__)
    graph.add_node("a", count=3, condition=None, tags=["x", "y"], meta={"k": 1}, dynamic=False)
    graph.add_node("b", count=None, condition="x > 1", tags=[], meta={}, dynamic=True)
    graph.add_edge("a", "b", kind="data", weights=[1, 2])
    path = tmp_path / "g.graphml"
    path.write_text(to_graphml(graph), encoding="utf-8")
    loaded = nx.read_graphml(path)
    assert loaded.nodes["a"] == {
        "count": "3",
        "condition": "",
        "tags": '["x", "y"]',
        "meta": '{"k": 1}',
        "dynamic": False,
    }
    assert loaded.nodes["b"] == {"count": "", "condition": "x > 1", "tags": "[]", "meta": "{}", "dynamic": True}
    assert loaded.edges["a", "b"] == {"kind": "data", "weights": "[1, 2]"}
    assert {k: v for k, v in loaded.graph.items() if not k.endswith("_default")} == {
        "entry": "e",
        "static": False,
        "flyte_lint_version": __version__,
    }


# -- html ----------------------------------------------------------------------------------------------
def page_data(page: str) -> dict:
    match = re.search(r"^const DATA = (.*);$", page, re.M)
    assert match, "no DATA in the page"
    return json.loads(match.group(1))


@pytest.mark.parametrize("name", GOLDEN_GRAPHS + ["dynamic", "loop"])
def test_html_is_one_self_contained_page(work, capsys, name):
    page = export(capsys, name, "html", "--no-notes")
    graph = compiled(capsys, name)
    assert page.startswith("<!DOCTYPE html>") and page.count("<html") == 1 and page.rstrip().endswith("</html>")
    assert not re.search(r"""\b(?:src|href|xlink:href)\s*=\s*["']?\s*(?:https?:)?//""", page, re.I)
    assert not re.search(
        r"<script[^>]*\bsrc\b|<link\b|<iframe\b|<img\b|@import|url\(\s*['\"]?(?:https?:)?//", page, re.I
    )
    assert page.count("<script") == 1 and page.count("</script>") == 1
    assert "<!--" not in page
    data = page_data(page)
    assert list(data) == list(graph.nodes)
    assert data == {n: dict(a) for n, a in graph.nodes(data=True)}
    for node in graph.nodes:
        assert page.count(f'data-id="{html.escape(node, quote=True)}"') == 1


def svg_path_points(d: str, steps: int = 40) -> list[tuple[float, float]]:
    """Points along an SVG path made of M, L and C commands."""
    points: list[tuple[float, float]] = []
    for command, numbers in re.findall(r"([MLC])([^MLC]*)", d):
        values = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", numbers)]
        if command == "M":
            points.append((values[0], values[1]))
        elif command == "L":
            (x0, y0), (x1, y1) = points[-1], (values[0], values[1])
            points += [(x0 + (x1 - x0) * t / steps, y0 + (y1 - y0) * t / steps) for t in range(1, steps + 1)]
        else:
            p0, p1, p2, p3 = points[-1], values[0:2], values[2:4], values[4:6]
            for step in range(1, steps + 1):
                t = step / steps
                w = ((1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t**2, t**3)
                points.append(
                    tuple(sum(wi * pi[k] for wi, pi in zip(w, (p0, p1, p2, p3), strict=True)) for k in (0, 1))
                )
    return points


@pytest.mark.parametrize("name", ["fanout", "kinds", "loop", "nested", "branch"])
def test_html_draws_no_edge_behind_a_node(work, capsys, name):
    """An edge that skips layers (or goes back up a loop) is routed around the nodes in between, so a reader
    never mistakes it for an edge into one of them."""
    page = export(capsys, name, "html", "--no-notes")
    graph = compiled(capsys, name)
    boxes = {
        html.unescape(node): (float(x), float(y))
        for node, x, y in re.findall(r'data-id="([^"]*)" transform="translate\(([-\d.]+),([-\d.]+)\)"', page)
    }
    assert set(boxes) == set(graph.nodes)
    paths = re.findall(r'<path class="(edge [a-z]+|nest)" d="([^"]+)"', page)
    assert len([c for c, _ in paths if c.startswith("edge")]) == graph.number_of_edges()
    assert len([c for c, _ in paths if c == "nest"]) == sum(1 for _, a in graph.nodes(data=True) if a["parent"])
    for cls, d in paths:
        for x, y in svg_path_points(d):
            inside = [
                n for n, (bx, by) in boxes.items() if bx + 1 < x < bx + NODE_W - 1 and by + 1 < y < by + NODE_H - 1
            ]
            assert not inside, f"{cls} path {d!r} passes behind {inside}"


def test_html_layout_breaks_every_cycle_in_one_pass():
    # loop-carried edges in every direction: 300 nodes, 89,700 edges (breaking one cycle per search would
    # take minutes; the fuzz test met such a graph)
    from flyte_lint.graph.html import _back_edges, layout

    graph = nx.complete_graph(300, nx.DiGraph)
    nx.relabel_nodes(graph, {i: f"n{i}" for i in graph}, copy=False)
    back = _back_edges(graph)
    rest = nx.DiGraph(graph)
    rest.remove_edges_from(back)
    assert nx.is_directed_acyclic_graph(rest) and len(back) == 300 * 299 // 2  # each pair keeps one direction
    positions = layout(graph)
    assert len(positions) == 300 and len(set(positions.values())) == 300


GROUPS_WORKFLOW = """
import asyncio

import flyte

env = flyte.TaskEnvironment("groups")


@env.task
async def prepare() -> int:
    return 1


@env.task
async def train(x: int) -> int:
    return x + 1


@env.task
async def evaluate(x: int) -> float:
    return x / 2


@env.task
async def main() -> float:
    x = await prepare()
    with flyte.group("training"):
        a, b = await asyncio.gather(train(x), train(x + 1))
    side = await prepare()
    with flyte.group("evaluation <&>"):
        s = await evaluate(a)
        t = await evaluate(b)
    return s + t + side
"""


def test_html_draws_each_flyte_group_as_a_box_around_its_nodes_and_no_others(work, capsys):
    (work / "groups.py").write_text(GROUPS_WORKFLOW)
    code, _, err = graph_cli(
        capsys, "groups.py", "--entry", "groups:main", "--format", "html", "-o", "g.html", "--no-notes"
    )
    assert code == 0, err
    page = (work / "g.html").read_text()
    nodes = {
        html.unescape(n): (float(x), float(y))
        for n, x, y in re.findall(r'data-id="([^"]*)" transform="translate\(([-\d.]+),([-\d.]+)\)"', page)
    }
    groups = {n: a.get("group") for n, a in page_data(page).items()}
    boxes = re.findall(
        r'<g class="group"><rect x="([-\d.]+)" y="([-\d.]+)" width="([\d.]+)" height="([\d.]+)" '
        r'rx="10"/><text [^>]*>([^<]*)</text></g>',
        page,
    )
    assert sorted(html.unescape(b[4]) for b in boxes) == ["evaluation <&>", "training"]
    for x, y, w, h, name in boxes:
        x, y, w, h = map(float, (x, y, w, h))
        inside = {n for n, (nx_, ny) in nodes.items() if x < nx_ + NODE_W / 2 < x + w and y < ny + NODE_H / 2 < y + h}
        assert inside == {n for n, g in groups.items() if g == html.unescape(name)}, (name, inside)
        assert len(inside) == 2
    assert page.index('class="group"') < page.index('class="node')  # drawn first: behind the nodes and edges


# PNG reading without Pillow: 8-bit RGB(A), non-interlaced, which is what Chromium writes.
def read_png(path: Path) -> tuple[int, int, list[bytes], int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        chunk = data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat += chunk
        elif kind == b"IEND":
            break
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and interlace == 0 and colour in (2, 6), f"unsupported PNG: depth {depth}, colour type {colour}"
    bpp = 3 if colour == 2 else 4
    raw, stride = zlib.decompress(idat), width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        if kind == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 0xFF
        elif kind == 2:
            line = bytearray((a + b) & 0xFF for a, b in zip(line, prev, strict=True))
        elif kind == 3:
            for i in range(stride):
                line[i] = (line[i] + ((line[i - bpp] if i >= bpp else 0) + prev[i]) // 2) & 0xFF
        elif kind == 4:
            for i in range(stride):
                a, b, c = (line[i - bpp] if i >= bpp else 0), prev[i], (prev[i - bpp] if i >= bpp else 0)
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        rows.append(bytes(line))
        prev = line
    return width, height, rows, bpp


def colours(rows: list[bytes], bpp: int, x0: int, x1: int) -> Counter:
    """How many pixels of each RGB colour lie in columns x0..x1."""
    found: Counter = Counter()
    for row in rows:
        found.update(row[i : i + 3] for i in range(x0 * bpp, x1 * bpp, bpp))
    return found


def rgb(hex_colour: str) -> bytes:
    return bytes.fromhex(hex_colour.lstrip("#"))


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"):
        if path := shutil.which(name):
            return path
    return None


CHROMIUM = find_chromium()
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no chromium binary on PATH (chromium, chromium-browser, google-chrome): "
    "on Debian, apt-get install -y chromium",
)
WIDTH, HEIGHT, PANEL = 1200, 800, 345  # the page's right-hand panel: 320px + padding + border


def chromium(page: Path, tmp_path: Path, *mode: str) -> str:
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        *mode,
        f"--window-size={WIDTH},{HEIGHT}",
        page.as_uri(),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def screenshot(page: Path, tmp_path: Path) -> tuple[int, int, list[bytes], int]:
    png = page.with_suffix(".png")
    chromium(page, tmp_path, f"--screenshot={png}")
    assert png.is_file() and png.stat().st_size > 1000
    return read_png(png)


def with_click(page: Path, node: str) -> Path:
    """A copy of the page that clicks ``node`` once loaded, as a user would."""
    text = page.read_text(encoding="utf-8")
    script = f'<script>window.addEventListener("load", () => show({json.dumps(node)}));</script>\n'
    clicked = page.with_name(page.stem + "-clicked.html")
    clicked.write_text(text.replace("</body>", script + "</body>"), encoding="utf-8")
    return clicked


@pytest.fixture
def kinds_page(work, capsys) -> Path:
    assert graph_cli(
        capsys, "kinds.py", "--entry", ENTRIES["kinds"], "--format", "html", "-o", "kinds.html", "--no-notes"
    ) == (0, "", "")
    return work / "kinds.html"


@needs_chromium
def test_html_draws_the_graph_in_chromium(kinds_page, tmp_path):
    width, height, rows, bpp = screenshot(kinds_page, tmp_path)
    assert (width, height) == (WIDTH, HEIGHT)
    canvas = colours(rows, bpp, 0, WIDTH - PANEL)
    background, _ = canvas.most_common(1)[0]
    assert background == rgb("#fafbfc")
    drawn = sum(n for colour, n in canvas.items() if colour != background)
    assert drawn > 0.03 * (WIDTH - PANEL) * HEIGHT, f"only {drawn} pixels drawn"
    for kind, fill in COLOURS.items():  # kinds.py has a node of every kind
        assert canvas[rgb(fill)] > 1500, f"the {kind} fill {fill} is (almost) absent: {canvas[rgb(fill)]} pixels"
    panel = colours(rows, bpp, WIDTH - PANEL + 10, WIDTH)
    assert panel.most_common(1)[0][0] == rgb("#ffffff")
    assert sum(n for colour, n in panel.items() if colour != rgb("#ffffff")) > 500  # the title and the help text


@needs_chromium
def test_html_click_shows_the_node_details(kinds_page, tmp_path):
    data = page_data(kinds_page.read_text(encoding="utf-8"))
    node = "kinds/map-double"
    clicked = with_click(kinds_page, node)
    dom = chromium(clicked, tmp_path, "--dump-dom")
    details = re.search(r'<div id="details">(.*?)</div>', dom, re.S)
    assert details, dom[-2000:]
    assert f"<code>kinds.py:{data[node]['line']}</code>" in details.group(1)
    assert f"<h2>{node}</h2>" in details.group(1)
    assert "<td>count</td><td>3</td>" in details.group(1)
    assert re.search(r'class="node map selected"[^>]*data-id="kinds/map-double"', dom)

    _, _, before, bpp = screenshot(kinds_page, tmp_path)
    _, _, after, _ = screenshot(clicked, tmp_path)
    white = rgb("#ffffff")
    ink_before = sum(n for c, n in colours(before, bpp, WIDTH - PANEL + 10, WIDTH).items() if c != white)
    ink_after = sum(n for c, n in colours(after, bpp, WIDTH - PANEL + 10, WIDTH).items() if c != white)
    assert ink_after > 2 * ink_before, (ink_before, ink_after)
    assert colours(after, bpp, 0, WIDTH - PANEL)[rgb("#ff6600")] > 200  # the selected node's outline


@needs_chromium
def test_html_survives_hostile_text_in_chromium(work, capsys, tmp_path):
    """Conditions and group names reach the page's script and markup: they must not end or derail either."""
    assert (
        graph_cli(
            capsys, "escaping.py", "--entry", ENTRIES["escaping"], "--format", "html", "-o", "esc.html", "--no-notes"
        )[0]
        == 0
    )
    dom = chromium(with_click(work / "esc.html", "escaping/render"), tmp_path, "--dump-dom")
    details = re.search(r'<div id="details">(.*?)</div>', dom, re.S)
    assert details and "<code>escaping.py:16</code>" in details.group(1), dom[-2000:]
    assert "mode == '&lt;/script&gt;&lt;!--&lt;script&gt;' or mode == 'C:\\\\tmp &amp; \"x\"'" in details.group(1)
    assert '<td>group</td><td>say "hi" &lt;b&gt;</td>' in details.group(1)


# -- --diff --------------------------------------------------------------------------------------------
def changed_chain(text: str) -> str:
    """chain.py two lines lower, with report replaced by a new task and clean run twice."""
    text = text.replace('"""\n', '"""\n# moved\n# down\n', 1)
    text = text.replace(
        "@env.task\nasync def pipeline",
        "@env.task\nasync def publish(rows: list[int]) -> str:\n"
        "    return str(rows)\n\n\n@env.task\nasync def pipeline",
    )
    return text.replace(
        "    cleaned = await clean(rows)\n    return await report(cleaned)\n",
        "    for _ in range(2):\n        cleaned = await clean(rows)\n    return await publish(cleaned)\n",
    )


@pytest.fixture
def old_chain(work, capsys) -> Path:
    assert graph_cli(capsys, "chain.py", "--entry", "chain:pipeline", "-o", "old.json") == (0, "", "")
    return work / "old.json"


def diff(capsys, fmt: str, *extra: str) -> tuple[int, str, str]:
    return graph_cli(
        capsys, "chain.py", "--entry", "chain:pipeline", "--diff", "old.json", "--diff-format", fmt, *extra
    )


def test_diff_of_an_unchanged_graph_is_empty(old_chain, capsys):
    assert diff(capsys, "text") == (0, "No change to the graph.\n", "")
    code, out, _ = diff(capsys, "json")
    assert code == 0 and json.loads(out) == {
        "added_nodes": [],
        "removed_nodes": [],
        "changed_nodes": {},
        "added_edges": [],
        "removed_edges": [],
    }


def test_diff_ignores_moved_lines(old_chain, capsys):
    source = Path("chain.py")
    source.write_text("# a comment\n\n\n" + source.read_text(encoding="utf-8"), encoding="utf-8")
    new = from_json(export(capsys, "chain"))
    old = from_json(old_chain.read_text(encoding="utf-8"))
    assert new.nodes["pipeline/load"]["line"] == old.nodes["pipeline/load"]["line"] + 3
    assert diff(capsys, "text") == (0, "No change to the graph.\n", "")


def test_diff_text(old_chain, capsys):
    source = Path("chain.py")
    source.write_text(changed_chain(source.read_text(encoding="utf-8")), encoding="utf-8")
    code, out, err = diff(capsys, "text")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "+ node pipeline/publish: chain.publish",
        "- node pipeline/report: chain.report",
        "~ node pipeline/clean: count 1 -> 2",
        "+ edge pipeline/clean -> pipeline/clean (order)",  # the loop runs clean twice, one after the other
        "+ edge pipeline/clean -> pipeline/publish (data)",
        "- edge pipeline/clean -> pipeline/report (data)",
    ]
    assert "pipeline/load" not in out  # it moved two lines down: not a change


def test_diff_json(old_chain, capsys):
    source = Path("chain.py")
    source.write_text(changed_chain(source.read_text(encoding="utf-8")), encoding="utf-8")
    code, out, _ = diff(capsys, "json")
    assert code == 0 and json.loads(out) == {
        "added_nodes": ["pipeline/publish"],
        "removed_nodes": ["pipeline/report"],
        "changed_nodes": {"pipeline/clean": {"count": [1, 2]}},
        "added_edges": [["pipeline/clean", "pipeline/clean", "order"], ["pipeline/clean", "pipeline/publish", "data"]],
        "removed_edges": [["pipeline/clean", "pipeline/report", "data"]],
    }


def test_diff_mermaid_marks_the_changes(old_chain, capsys):
    source = Path("chain.py")
    source.write_text(changed_chain(source.read_text(encoding="utf-8")), encoding="utf-8")
    code, out, _ = diff(capsys, "mermaid")
    assert code == 0
    chart = parse_mermaid(out)
    by_label = {label: node for node, label in chart["nodes"].items()}
    assert chart["classes"]["added"] == [by_label["chain.publish"]]
    assert chart["classes"]["removed"] == [by_label["chain.report"]]  # drawn, though gone
    assert chart["classes"]["changed"] == [by_label["chain.clean ×2"]]
    assert {"added", "removed", "changed"} <= chart["classdefs"]
    assert by_label["chain.load"] not in sum(chart["classes"].values(), [])
    # edges: the removed one is still drawn, and styled by its position among the links
    styled = {}
    for positions, line in chart["linkstyles"]:
        kind = "added" if "#2a2" in line else "removed" if "#a22" in line else "changed"
        styled.update({chart["links"][i]: kind for i in positions})
    clean, publish, report = by_label["chain.clean ×2"], by_label["chain.publish"], by_label["chain.report"]
    assert styled == {
        (clean, "-.->", clean): "added",
        (clean, "-->", publish): "added",
        (clean, "-->", report): "removed",
    }


def test_diff_with_check_and_a_bad_old_file(old_chain, capsys):
    assert diff(capsys, "text", "--check")[0] == 0
    Path("old.json").write_text("{not json", encoding="utf-8")
    code, out, err = diff(capsys, "text")
    assert code == 2 and out == "" and "cannot read old.json" in err


# -- exit codes, -o, entries, notes ----------------------------------------------------------------------
def test_check_exits_1_for_a_dynamic_workflow_and_0_for_a_static_one(work, capsys):
    code, out, err = graph_cli(capsys, "dynamic.py", "--entry", "dynamic:dynamic", "--check")
    assert code == 1 and json.loads(out)["graph"]["static"] is False
    assert "dyn.dynamic is not fully static" in err
    code, out, err = graph_cli(capsys, "chain.py", "--entry", "chain:pipeline", "--check")
    assert code == 0 and json.loads(out)["graph"]["static"] is True and err == ""
    assert graph_cli(capsys, "kinds.py", "--entry", "kinds:kinds", "--check", "--no-notes")[0] == 1
    assert graph_cli(capsys, "recursive.py", "--entry", "recursive:countdown", "--check", "--no-notes")[0] == 1


def test_output_file(work, capsys):
    assert graph_cli(capsys, "chain.py", "--entry", "chain:pipeline", "--format", "dot", "-o", "chain.dot") == (
        0,
        "",
        "",
    )
    assert Path("chain.dot").read_text(encoding="utf-8") == export(capsys, "chain", "dot")


@pytest.mark.parametrize("target", ["chain.py", "other.py", "stub.pyi"])
def test_output_refuses_to_overwrite_a_python_file(work, capsys, target):
    path = Path(target)
    before = path.read_bytes() if path.exists() else b"keep me\n"
    path.write_bytes(before)
    code, out, err = graph_cli(capsys, "chain.py", "--entry", "chain:pipeline", "-o", target)
    assert code == 2 and out == ""
    assert f"refusing to overwrite {target}" in err
    assert path.read_bytes() == before


def test_unknown_entry_lists_the_tasks(work, capsys):
    code, out, err = graph_cli(capsys, "chain.py", "--entry", "chain:nope")
    assert code == 2 and out == ""
    assert "no task matches --entry 'chain:nope'" in err
    assert "tasks found: chain:clean, chain:load, chain:pipeline, chain:report" in err


def test_entry_by_function_name_alone_and_ambiguity(work, capsys):
    code, out, _ = graph_cli(capsys, ".", "--entry", "countdown", "--no-notes")
    assert code == 0 and json.loads(out)["graph"]["entry"] == "rec.countdown"
    shutil.copy("chain.py", "chain2.py")
    code, out, err = graph_cli(capsys, ".", "--entry", "pipeline")
    assert code == 2 and out == ""
    assert "--entry 'pipeline' is ambiguous: chain2:pipeline, chain:pipeline" in err
    assert graph_cli(capsys, ".", "--entry", "chain2:pipeline", "--no-notes")[0] == 0


def test_no_entry_lists_candidates_roots_first(work, capsys):
    code, out, err = graph_cli(capsys, "nested.py")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].startswith("Candidate entry tasks (roots first")
    rows = [line.split() for line in lines[1:]]
    assert [row[0] for row in rows] == [
        "nested:nested",
        "nested:fetch",
        "nested:ingest",
        "nested:parse",
        "nested:summarize",
    ]
    assert [row[-1] == "(root)" for row in rows] == [True, False, False, False, False]


def test_no_entry_in_a_project_lists_every_root_before_any_callee(work, capsys):
    code, out, _ = graph_cli(capsys, ".")
    assert code == 0
    roots = [line.endswith("(root)") for line in out.splitlines()[1:]]
    assert roots == sorted(roots, reverse=True) and roots.count(True) == len(ENTRIES)
    assert {line.split()[0] for line in out.splitlines()[1:] if line.endswith("(root)")} == set(ENTRIES.values())


def test_missing_path_exits_2(work, capsys):
    code, out, err = graph_cli(capsys, "nope.py", "--entry", "nope:main")
    assert code == 2 and out == "" and "nope.py: no such file or directory" in err


@pytest.mark.parametrize("name,code", [("dynamic", "FLY701"), ("recursive", "FLY702"), ("kinds", "FLY703")])
@pytest.mark.parametrize("fmt", MACHINE_FORMATS)
def test_notes_go_to_stderr_never_stdout(work, capsys, name, code, fmt):
    status, out, err = graph_cli(capsys, f"{name}.py", "--entry", ENTRIES[name], "--format", fmt)
    assert status == 0
    assert re.search(rf"^{name}\.py:\d+:\d+: {code} ", err, re.M), err
    assert "FLY7" not in out
    if fmt == "json":
        json.loads(out)
    status, quiet_out, quiet_err = graph_cli(
        capsys, f"{name}.py", "--entry", ENTRIES[name], "--format", fmt, "--no-notes"
    )
    assert (status, quiet_out, quiet_err) == (0, out, "")


def test_static_workflows_have_no_notes(work, capsys):
    for name in ("chain", "fanout", "branch", "grouped", "nested"):
        assert graph_cli(capsys, f"{name}.py", "--entry", ENTRIES[name])[2] == ""


def test_subprocess_entry_point(work):
    """The installed console script behaves as main() does (exit code, streams)."""
    exe = Path(sys.executable).with_name("flyte-lint")
    if not exe.exists():
        pytest.skip("flyte-lint console script not installed next to this Python")
    result = subprocess.run(
        [str(exe), "graph", "dynamic.py", "--entry", "dynamic:dynamic", "--check", "--format", "mermaid"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1 and result.stdout.startswith("flowchart TD")
    assert "FLY701" in result.stderr and "FLY701" not in result.stdout


def test_corpus_sources_are_valid_python():
    for path in CORPUS.glob("*.py"):
        compile(path.read_text(encoding="utf-8"), str(path), "exec")
    compile(big_workflow(3, 2), "big.py", "exec")
    compile(big_workflow(3, 2, chain=True), "big.py", "exec")


def test_entry_inputs_default_given_or_unknown(tmp_path, capsys):
    """The graph describes a run with the entry's default inputs, with --input values, or (--no-defaults)
    with inputs unknown until run time."""
    import json as _json

    from flyte_lint.cli import main as cli_main

    src = tmp_path / "flow.py"
    src.write_text(
        "import asyncio\nimport flyte\n\nenv = flyte.TaskEnvironment('demo')\n\n"
        "@env.task\nasync def leaf(i: int) -> int:\n    return i\n\n"
        "@env.task\nasync def main(n: int = 3) -> int:\n"
        "    return sum(await asyncio.gather(*[leaf(i) for i in range(n)]))\n"
    )

    def compiled(*extra):
        assert cli_main(["graph", str(src), "--entry", "flow:main", "--no-notes", *extra]) == 0
        data = _json.loads(capsys.readouterr().out)
        leaf = next(n for n in data["nodes"] if n["id"] == "main/leaf")
        return data["graph"], leaf["count"]

    assert compiled() == ({**compiled()[0], "inputs": {"n": 3}, "static": True}, 3)
    graph, count = compiled("--input", "n=7")
    assert graph["inputs"] == {"n": 7} and count == 7
    graph, count = compiled("--no-defaults")
    assert graph["inputs"] == {} and count is None and graph["static"] is False
    assert cli_main(["graph", str(src), "--entry", "flow:main", "--input", "bad"]) == 2


INPUTS_FLOW = """
from typing import List, Optional

import flyte

env = flyte.TaskEnvironment("demo")


@env.task
async def main(n: int = 3, rate: float = 0.5, name: str = "x", flag: bool = False, xs: list[int] = [1],
               weights: dict[str, float] = {}, limit: Optional[int] = None, tags: List[str] | None = None,
               anything=None) -> int:
    return n
"""


@pytest.mark.parametrize(
    "given",
    [
        "n=7",
        "rate=2",
        "rate=1e-3",
        "name=hello",
        "name=5",
        'name="quoted"',
        "flag=true",
        "xs=[1,2]",
        "xs=[]",
        'weights={"a":1,"b":0.5}',
        "limit=null",
        "limit=4",
        'tags=["a"]',
        "tags=null",
        "anything=[1,{}]",
    ],
)
def test_input_values_of_the_annotated_type_are_accepted(tmp_path, capsys, given):
    (tmp_path / "flow.py").write_text(INPUTS_FLOW)
    code, out, err = graph_cli(capsys, tmp_path / "flow.py", "--entry", "flow:main", "--no-notes", "--input", given)
    assert code == 0 and err == "", err
    name, _, text = given.partition("=")
    value = json.loads(out)["graph"]["inputs"][name]
    assert value == (text if name == "name" and not text.startswith('"') else json.loads(text))
    assert type(value) is (float if name == "rate" else type(value))  # (rate=2 is 2.0)


@pytest.mark.parametrize(
    "given,message",
    [
        (
            "count=3",
            "--input count: flow:main has no parameter 'count' (its parameters: n, rate, name, flag, xs, "
            "weights, limit, tags, anything)",
        ),
        ("n=abc", "--input n=abc: parameter 'n' of flow:main is annotated `int`, but \"abc\" is not an int"),
        ("n=2.5", "--input n=2.5: parameter 'n' of flow:main is annotated `int`, but 2.5 is not an int"),
        ("n=true", "--input n=true: parameter 'n' of flow:main is annotated `int`, but true is not an int"),
        ("rate=fast", "parameter 'rate' of flow:main is annotated `float`, but \"fast\" is not a float"),
        ("flag=1", "parameter 'flag' of flow:main is annotated `bool`, but 1 is not a bool (true or false)"),
        ("xs=3", "parameter 'xs' of flow:main is annotated `list[int]`, but 3 is not a JSON list"),
        ('xs=[1,"2"]', "parameter 'xs' of flow:main is annotated `list[int]`, and its element \"2\" is not an int"),
        (
            "weights=[1]",
            "parameter 'weights' of flow:main is annotated `dict[str, float]`, but [1] is not a JSON object",
        ),
        ('weights={"a":"b"}', 'annotated `dict[str, float]`, and its value "b" is not a float'),
        ("limit=x", "parameter 'limit' of flow:main is annotated `Optional[int]`, but \"x\" is none of its types"),
        ("tags=[1]", "parameter 'tags' of flow:main is annotated `List[str] | None`, but [1] is none of its types"),
        ("=1", "--input takes NAME=VALUE, not '=1'"),
    ],
)
def test_input_of_an_unknown_name_or_the_wrong_type_is_a_usage_error(tmp_path, capsys, given, message):
    (tmp_path / "flow.py").write_text(INPUTS_FLOW)
    code, out, err = graph_cli(capsys, tmp_path / "flow.py", "--entry", "flow:main", "--input", given)
    assert code == 2 and out == ""
    assert err.startswith("flyte-lint: error: ") and message in err and err.count("\n") == 1, err


def test_an_entry_with_keyword_arguments_takes_any_input_name(tmp_path, capsys):
    (tmp_path / "flow.py").write_text(
        "import flyte\n\nenv = flyte.TaskEnvironment('demo')\n\n"
        "@env.task\nasync def main(n: int = 1, **extra) -> int:\n    return n\n"
    )
    code, out, err = graph_cli(capsys, tmp_path / "flow.py", "--entry", "flow:main", "--input", "other=1")
    assert code == 0, err


UNMODELLED = """
import asyncio
import flyte
from flyte.extras import ContainerTask, shell
from flyteplugins.connectors.snowflake import Snowflake
from plugin_decorators import traced_run
from elsewhere import greet as greet_there, wrapped_there as far

env = flyte.TaskEnvironment("unmodelled")

greet = ContainerTask(name="greet", image="alpine", command=["echo"], inputs={"x": int}, outputs={"y": int})
head = shell.create("head", image="debian:12-slim", inputs={"f": str}, script="head {inputs.f}")
query = Snowflake(name="q", query_template="select 1")


def make_shell(name):
    return shell.create(name, image="debian:12-slim", script="true")


made = make_shell("made")


@env.task
async def a(x: int) -> int:
    return x


@env.task
async def b(x: int) -> int:
    return -x


@traced_run
@env.task
async def wrapped(x: int) -> int:
    return x


TASKS = {"a": a, "b": b}


@env.task
async def main(x: int, which: str = "a") -> int:
    await greet(x=x)
    await greet.aio(x=x)
    await head(f="x")
    await query()
    await made()
    await wrapped(x)
    await greet_there(x=x)
    await far(x)
    for task in (a, b):
        await task(x)
    pick = TASKS[which]
    await pick(x)
    found = getattr(asyncio, which)
    await found(x)
    return x
"""

ELSEWHERE = """
import flyte
from flyte.extras import ContainerTask
from plugin_decorators import traced_run

there = flyte.TaskEnvironment("there")
greet = ContainerTask(name="greet", image="alpine", command=["echo"], inputs={"x": int}, outputs={"y": int})


@traced_run
@there.task
async def wrapped_there(x: int) -> int:
    return x
"""

# Calls of names that are no task, or that nothing marks as possibly one: no node, no note.
QUIET = """
import functools
import flyte
import httpx
from flyte.report import log
from tenacity import retry

env = flyte.TaskEnvironment("quiet")


@retry
async def fetch(x: int) -> int:  # a plain coroutine under an unknown decorator (not a task)
    return x


class Optimizer:
    async def __call__(self) -> int:
        return 1


def make_client():
    return httpx.AsyncClient()


handlers = [abs, round]


@env.task
async def main(x: int) -> int:
    await fetch(x)
    optimizer = Optimizer()
    await optimizer()
    client = make_client()
    await client(x)
    await log.aio("done")
    for handler in handlers:
        handler(x)  # (not awaited: a loop over plain callables)
    same = functools.partial(fetch, 1)
    await same()
    return x
"""


def test_calls_the_model_cannot_resolve_are_unknown_nodes_with_their_reason(tmp_path, monkeypatch, capsys):
    # Each of these ran a task and had no node at all (the graph said it was static).
    (tmp_path / "unmodelled.py").write_text(UNMODELLED)
    (tmp_path / "elsewhere.py").write_text(ELSEWHERE)
    monkeypatch.chdir(tmp_path)
    code, out, err = graph_cli(capsys, "unmodelled.py", "--entry", "unmodelled:main", "--check")
    graph = from_json(out)
    reasons = sorted((a["line"], a["reason"]) for _, a in graph.nodes(data=True) if a["kind"] == "unknown")
    line = {text.strip(): n for n, text in enumerate(UNMODELLED.splitlines(), 1)}
    assert reasons == [
        (
            line["await query()"],
            "`query` is made by `Snowflake(...)`, a task of plugin `flyteplugins.connectors.snowflake`, "
            "which the graph does not model",
        ),
        (line["await made()"], "`made` is made by `make_shell(...)`, a Shell task, which the graph does not model"),
        (
            line["await wrapped(x)"],
            "`wrapped` is task unmodelled.wrapped under a decorator the graph cannot see through",
        ),
        (line["await far(x)"], "`far` is task there.wrapped_there under a decorator the graph cannot see through"),
        (line["await task(x)"], "the callee `task` is chosen by a loop at run time"),
        (line["await pick(x)"], "the callee `pick` is chosen at run time (`TASKS[which]`)"),
        (line["await found(x)"], "the callee `found` is looked up at run time (`getattr(asyncio, which)`)"),
    ]
    assert code == 1 and graph.graph["static"] is False  # (--check: not fully static)
    assert err.count("FLY703") == len(reasons)
    # The ContainerTasks and the shell task the model resolves are task nodes, named as the SDK names them.
    objects = sorted(
        (a["line"], a["task"], a["env"], a["object"]) for _, a in graph.nodes(data=True) if a.get("object")
    )
    assert objects == [
        (line["await greet(x=x)"], "greet", None, "ContainerTask"),
        (line["await greet.aio(x=x)"], "greet", None, "ContainerTask"),
        (line['await head(f="x")'], "head", "head", "shell"),
        (line["await greet_there(x=x)"], "greet", None, "ContainerTask"),
    ]


def test_calls_of_what_surely_is_no_task_stay_out_of_the_graph(tmp_path, monkeypatch, capsys):
    (tmp_path / "quiet.py").write_text(QUIET)
    monkeypatch.chdir(tmp_path)
    code, out, err = graph_cli(capsys, "quiet.py", "--entry", "quiet:main", "--check")
    graph = from_json(out)
    assert (code, err, graph.graph["static"], sorted(graph.nodes)) == (0, "", True, ["main"])


def test_a_flyte_map_of_no_task_has_its_own_unknown_node(tmp_path, monkeypatch, capsys):
    # Its id was taken from the count of "map" calls while the node was an "unknown": it took the id of the
    # first unknown node of the body, which vanished, and the order edge into it made a cycle.
    (tmp_path / "maps.py").write_text(
        textwrap.dedent("""
        import asyncio
        import flyte
        from flyte.extras import ContainerTask

        env = flyte.TaskEnvironment("m")
        greet = ContainerTask(name="greet", image="alpine", command=["echo"], inputs={"x": int})


        @env.task
        async def main(which: str = "x") -> int:
            ys = await asyncio.gather(*[getattr(flyte, which)(x=i) for i in range(3)])
            await getattr(flyte, "y")(x=1)
            async for r in flyte.map.aio(getattr(flyte, which), [1, 2]):
                pass
            async for r in flyte.map.aio(greet, [1, 2]):
                pass
            return len(ys)
    """)
    )
    monkeypatch.chdir(tmp_path)
    graph = from_json(graph_cli(capsys, "maps.py", "--entry", "maps:main", "--no-notes")[1])
    nodes = sorted((a["line"], n, a["count"], a["reason"]) for n, a in graph.nodes(data=True) if a["kind"] == "unknown")
    assert nodes == [
        (12, "main/unknown", 3, "the callee `getattr(flyte, which)` is looked up at run time"),
        (13, "main/unknown#2", 1, "the callee `getattr(flyte, 'y')` is looked up at run time"),
        (14, "main/unknown#3", 1, "flyte.map of something that is not a resolvable task"),
    ]
    assert graph.nodes["main/map-greet"]["kind"] == "map" and graph.nodes["main/map-greet"]["count"] == 2
    assert sorted(graph.edges) == [
        ("main/unknown", "main/unknown#2"),
        ("main/unknown#2", "main/unknown#3"),
        ("main/unknown#3", "main/map-greet"),
    ]


# -- the graph and `check` agree about what runs ---------------------------------------------------------------
AGREEMENT = {
    "lost.py": """
        import asyncio
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        async def double(x: int) -> int:
            return x * 2

        @env.task
        def plain(x: int) -> int:
            return x

        async def forget(x: int) -> int:
            double(x)  # lost
            return x

        def make(x: int):
            return double(x)

        @env.task
        async def main(n: int = 2) -> int:
            double(1)  # lost
            unused = double(2)  # lost
            shown = double(3)
            print(shown)  # (used, never awaited: the graph cannot tell)
            pile = []  # (a local list nothing reads: FLY103 reports what is put in it)
            pile.append(double(4))  # lost
            shown_pile = []
            shown_pile.append(double(12))
            print(shown_pile)  # (kept in a list that is read, never awaited: the graph cannot tell)
            double.aio(5)  # lost
            await forget(6)
            await make(7)
            return await double(8)

        @env.task
        def sync_main() -> int:
            double(9)  # lost
            asyncio.run(double(10))
            return plain(1)

        @env.task
        async def returned() -> int:
            return double(11)  # lost
    """,
    "kept.py": """
        import asyncio
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        async def double(x: int) -> int:
            return x * 2

        @env.task
        async def main(n: int = 3) -> int:
            by_key = {"a": [], "b": []}
            for i in range(n):
                by_key["a" if i else "b"].append(double(i))
            listed = [double(i) for i in range(n)]
            named = {"x": double(1)}
            named["y"] = double(2)
            groups = {}
            groups.setdefault("k", []).append(double(3))
            task = asyncio.create_task(double(4))
            async with asyncio.TaskGroup() as tg:
                tg.create_task(double(5))
            with flyte.group("one"):
                a = await asyncio.gather(*by_key["a"], *listed)
            with flyte.group("two"):
                b = await asyncio.gather(*by_key["b"], *named.values(), *groups["k"])
            done, _ = await asyncio.wait([asyncio.create_task(double(6))])
            return sum(a) + sum(b) + await task + len(done)
    """,
    "maps.py": """
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        def sq(x: int) -> int:
            return x * x

        @env.task
        async def asq(x: int) -> int:
            return x * x

        @env.task
        def main() -> int:
            flyte.map(sq, [1, 2])  # lost
            gen = flyte.map(sq, [3, 4])  # lost
            kept = flyte.map(sq, [5])  # lost
            print(kept)
            later = flyte.map(sq, [6])
            return sum(flyte.map(sq, [7])) + sum(later)

        @env.task
        async def amain() -> int:
            flyte.map.aio(asq, [1, 2])  # lost
            return sum([r async for r in flyte.map.aio(asq, [3])])
    """,
}


# The rules whose findings are calls that never run (Rule.finds_calls_that_never_run).
NEVER_RUN_CODES = sorted(code for code, rule in REGISTRY.items() if rule.finds_calls_that_never_run)


def test_the_rules_that_find_calls_that_never_run_are_the_lost_coroutine_and_map_rules():
    assert NEVER_RUN_CODES == ["FLY103", "FLY104", "FLY201"]


def _never_runs_and_findings(tmp_path, name: str, entry: str) -> tuple[set[int], set[int], nx.DiGraph]:
    """The lines of the graph's never-runs nodes, and of the FLY103/FLY104/FLY201 findings at calls the graph has."""
    from flyte_lint.config import Settings
    from flyte_lint.engine import Options, run
    from flyte_lint.graph.compiler import Compiler
    from flyte_lint.graph.entry import find_entry

    path = tmp_path / name
    path.write_text(textwrap.dedent(AGREEMENT[name]))
    result = run([path], Settings(), Options(select=NEVER_RUN_CODES))
    compiler = Compiler(result.analysis)
    graph = compiler.compile(find_entry(result.analysis, entry))
    calls = {(call.lineno, call.col_offset + 1) for call in compiler.call_of.values()}
    found = {f.line for f in result.findings if (f.line, f.column) in calls}
    never = {a["line"] for _, a in graph.nodes(data=True) if a.get("never_runs")}
    return never, found, graph


@pytest.mark.parametrize(
    "name,entry",
    [
        ("lost.py", "lost:main"),
        ("lost.py", "lost:sync_main"),
        ("lost.py", "lost:returned"),
        ("kept.py", "kept:main"),
        ("maps.py", "maps:main"),
        ("maps.py", "maps:amain"),
    ],
)
def test_the_graph_never_runs_exactly_what_check_reports_as_never_run(tmp_path, name, entry):
    never, found, graph = _never_runs_and_findings(tmp_path, name, entry)
    assert never == found
    lost = {n for n, text in enumerate(textwrap.dedent(AGREEMENT[name]).splitlines(), 1) if text.endswith("# lost")}
    reached = {a["line"] for _, a in graph.nodes(data=True)}
    assert never == lost & reached
    if name == "kept.py":  # each runs; only the calls put under a key known at run time are split between groups
        conditions = {n: a["condition"] for n, a in graph.nodes(data=True) if a["conditional"]}
        assert never == set() and conditions == {
            "main/double": "started in group 'one'",
            "main/double@two": "started in group 'two'",
        }
        assert {
            a["line"]: a["group"]
            for _, a in graph.nodes(data=True)
            if a["task"] == "demo.double" and not a["conditional"]
        } == {16: "one", 17: "two", 18: "two", 20: "two", 21: None, 23: None, 28: None}


def test_a_coroutine_the_graph_cannot_follow_is_conditional_not_never_run(tmp_path):
    never, found, graph = _never_runs_and_findings(tmp_path, "lost.py", "lost:main")
    source = textwrap.dedent(AGREEMENT["lost.py"]).splitlines()
    for marker in ("shown = double(3)", "shown_pile.append(double(12))"):
        line = next(n for n, text in enumerate(source, 1) if marker in text)
        attrs = next(a for _, a in graph.nodes(data=True) if a["line"] == line)
        assert attrs["never_runs"] is False and attrs["conditional"]
        assert attrs["condition"] == "its coroutine, kept where the graph cannot follow it, is awaited"


def test_a_list_changed_by_a_method_has_no_static_length_left(tmp_path, capsys):
    # `codes` starts empty and grows under a condition: a map over it has a count known only at run time (not 0)
    (tmp_path / "flow.py").write_text(
        textwrap.dedent("""
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        def hello(code: str) -> str:
            return code

        @env.task
        def main(words: list[str]) -> list[str]:
            codes: list[str] = []
            for word in words:
                if word:
                    codes.append(word[:2])
            fixed = ["a"]
            fixed.extend(["b", "c"])
            return list(flyte.map(hello, codes)) + list(flyte.map(hello, fixed))
    """)
    )
    code, out, err = graph_cli(capsys, tmp_path / "flow.py", "--entry", "flow:main", "--no-notes")
    assert code == 0, err
    assert [n["count"] for n in sorted(json.loads(out)["nodes"], key=lambda n: n["id"]) if n["kind"] == "map"] == [
        None,
        None,
    ]


def test_a_call_split_between_groups_has_one_note(work, capsys):
    code, out, err = graph_cli(capsys, "buckets.py", "--entry", "buckets:buckets", "--no-defaults")
    assert code == 0
    nodes = {n["id"]: n for n in json.loads(out)["nodes"]}
    assert nodes["buckets/square@large-ones"]["copy_of"] == "buckets/square"
    assert [line for line in err.splitlines() if "FLY701" in line] == [
        "buckets.py:24:55: FLY701 task 'buckets.square' runs a number of times known only at run time (node buckets/square)"
    ]


def test_a_call_of_one_of_several_tasks_is_an_unknown_node_naming_them(tmp_path, capsys):
    (tmp_path / "flow.py").write_text(
        textwrap.dedent("""
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        def a(x: int) -> int:
            return x

        @env.task
        def b(x: int) -> int:
            return -x

        TOOLS = {"a": a, "b": b}

        @env.task
        def main(x: int, which: str = "a") -> int:
            total = 0
            for tool in (a, b):
                total += tool(x)
            return total + TOOLS[which](x)
    """)
    )
    code, out, err = graph_cli(capsys, tmp_path / "flow.py", "--entry", "flow:main", "--no-notes")
    assert code == 0, err
    reasons = sorted((n["line"], n["reason"]) for n in json.loads(out)["nodes"] if n["kind"] == "unknown")
    # (a sync call of a choice reads like an awaited one: what chose it, a loop or a lookup)
    assert reasons == [
        (20, "the callee `tool` is chosen by a loop at run time"),
        (21, "the callee `TOOLS[which]` is chosen at run time"),
    ]


def test_nodes_split_by_groups_whose_names_look_alike_keep_apart(tmp_path, capsys):
    (tmp_path / "flow.py").write_text(
        textwrap.dedent("""
        import asyncio
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        async def double(x: int) -> int:
            return x * 2

        @env.task
        async def main(n: int) -> int:
            b = {"x": [], "y": [], "z": []}
            for i in range(n):
                b[str(i % 3)].append(double(i))
            with flyte.group("a b"):
                p = await asyncio.gather(*b["x"])
            with flyte.group("a:b"):
                q = await asyncio.gather(*b["y"])
            with flyte.group("a/b"):
                r = await asyncio.gather(*b["z"])
            return sum(p) + sum(q) + sum(r)
    """)
    )
    code, out, err = graph_cli(capsys, tmp_path / "flow.py", "--entry", "flow:main", "--no-notes")
    assert code == 0, err
    groups = {n["id"]: n["group"] for n in json.loads(out)["nodes"] if n["task"] == "demo.double"}
    assert groups == {"main/double": "a b", "main/double@a_b": "a:b", "main/double@a_b-1": "a/b"}


def test_an_async_trace_call_never_awaited_is_conditional(tmp_path, capsys):
    (tmp_path / "flow.py").write_text(
        textwrap.dedent("""
        import flyte

        env = flyte.TaskEnvironment("demo")

        @flyte.trace
        async def note(x: int) -> int:
            return x

        @env.task
        async def main(x: int = 1) -> int:
            note(x)
            return await note(x + 1)
    """)
    )
    code, out, err = graph_cli(capsys, tmp_path / "flow.py", "--entry", "flow:main", "--no-notes")
    assert code == 0, err
    traces = {
        n["id"]: (n["conditional"], n["condition"], n["never_runs"])
        for n in json.loads(out)["nodes"]
        if n["kind"] == "trace"
    }
    assert traces == {
        "main/note": (True, "its coroutine is awaited (the graph did not see it awaited)", False),
        "main/note#2": (False, None, False),
    }


def test_a_traced_async_generator_runs_as_it_is_iterated(tmp_path, capsys):
    (tmp_path / "flow.py").write_text(
        textwrap.dedent("""
        from typing import AsyncIterator

        import flyte

        env = flyte.TaskEnvironment("demo")

        @flyte.trace
        async def stream(q: str) -> AsyncIterator[str]:
            for i in range(2):
                yield f"{q}{i}"

        @env.task
        async def main(q: str = "x") -> str:
            out = ""
            async for part in stream(q):
                out += part
            parts = [p async for p in stream(out)]
            return out + "".join(parts)
    """)
    )
    code, out, err = graph_cli(capsys, tmp_path / "flow.py", "--entry", "flow:main", "--no-notes")
    assert code == 0, err
    graph = json.loads(out)
    traces = {n["id"]: (n["conditional"], n["never_runs"]) for n in graph["nodes"] if n["kind"] == "trace"}
    assert traces == {"main/stream": (False, False), "main/stream#2": (False, False)}
    assert {(e["source"], e["target"], e["kind"]) for e in graph["edges"]} == {("main/stream", "main/stream#2", "data")}


# -- no call that may run a task vanishes ---------------------------------------------------------------
# Every kind of value the model resolves a callee to, by what calling it does. A call of a kind in TASK_VALUES
# (or a method/partial/map of one, see _runs_a_task) runs a task: the graph must give it a node. A new kind of
# value fails test_every_value_kind_is_placed until it is placed here, so none can be dropped silently again.
TASK_VALUES = (model_values.TaskRef, model_values.TaskChoice, model_values.AgentToolRef, model_values.RemoteTaskRef)
# runs what its target or owner runs: a partial called, a task's .aio (its .forward runs the task's body in the
# caller, whose calls are nodes; .override gives a task, runs none)
DERIVED_VALUES = (model_values.PartialRef, model_values.Method)
# the SDK's task objects (ContainerTask, shell tasks: an object node or an unknown one) and flyte.map are
# External/Instance; project functions are inlined (their calls are nodes); Unknown calls that may be a task
# are unknown nodes (their reasons are tested above). The rest run no task when called.
OTHER_VALUES = (
    model_values.External,
    model_values.Instance,
    model_values.FunctionRef,
    model_values.Unknown,
    model_values.ModuleRef,
    model_values.NamespaceRef,
    model_values.EnvRef,
    model_values.TaskCollection,
    model_values.TaskDecorator,
    model_values.ClassRef,
    model_values.LambdaRef,
)

EVERY_CALLEE = {
    "main.py": """
import asyncio
import functools
import flyte
import flyte.remote
from flyte.ai.agents import tool
from flyte.extras import ContainerTask
from other import far, FAR_TASKS


env = flyte.TaskEnvironment("every")
greet = ContainerTask(name="greet", image="alpine", command=["echo"], inputs={"x": int})


def logged(fn):
    return fn


@env.task
async def a(x: int) -> int:
    return x


@env.task
async def b(x: int) -> int:
    return -x


@env.task
def s(x: int) -> int:
    return x


@tool
@env.task
async def agent(x: int) -> int:
    return x


TASKS = {"a": a, "b": b}
SAME = {"p": a, "q": a.override(retries=1)}
LIST = [a, b]


async def helper(x: int) -> int:
    return await b(x)


@env.task
async def main(x: int, which: str = "a", i: int = 0) -> int:
    await a(x)
    await a.aio(x)
    s(x)
    await s.aio(x)
    await a.override(retries=1)(x)
    await a.override(retries=1).aio(x)
    await functools.partial(a, x=1)()
    await functools.partial(a.aio, x=1)()
    await functools.partial(functools.partial(a, x=1))()
    await a.forward(x)
    await agent(x)
    await far(x)
    await TASKS["a"](x)
    await TASKS["b"].aio(x)
    await LIST[1].aio(x)
    await TASKS[which](x)
    await TASKS[which].aio(x)
    await LIST[i].aio(x)
    await TASKS[which].override(retries=1)(x)
    await TASKS[which].override(retries=1).aio(x)
    await functools.partial(TASKS[which], x=1)()
    await functools.partial(TASKS[which].aio, x=1)()
    await SAME[which](x)
    await FAR_TASKS[which].aio(x)
    pick = TASKS[which].aio
    await pick(x)
    for t in TASKS.values():
        await t.aio(x)
    for k, t in TASKS.items():
        await t(x)
    await asyncio.gather(*[t.aio(x) for t in LIST])
    list(flyte.map(a, [1, 2]))
    list(flyte.map(TASKS[which], [1, 2]))
    list(flyte.map(functools.partial(TASKS[which]), [1, 2]))
    async for _ in flyte.map.aio(TASKS["b"], [1, 2]):
        pass
    ref = flyte.remote.Task.get("proj.remote_task", auto_version="latest")
    await ref(x=x)
    await ref.aio(x=x)
    await greet(x=x)
    await greet.aio(x=x)
    await helper(x)
    return x
""",
    "other.py": """
import flyte

there = flyte.TaskEnvironment("there")


@there.task
async def far(x: int) -> int:
    return x


@there.task
async def near(x: int) -> int:
    return x


FAR_TASKS = {"far": far, "near": near}
""",
}


def _runs_a_task(callee) -> bool:
    """Whether the call of ``callee`` runs a task (the test's own reading of the model's values)."""
    if isinstance(callee, TASK_VALUES):
        return True
    if isinstance(callee, model_values.Method):
        return callee.name == "aio" and _runs_a_task(callee.owner)
    if isinstance(callee, model_values.PartialRef):
        return _runs_a_task(callee.target)
    return isinstance(callee, model_values.External) and callee.path in ("flyte.map", "flyte.map.aio")


def test_every_value_kind_is_placed():
    kinds = set(get_args(model_values.Value))
    placed = [*TASK_VALUES, *DERIVED_VALUES, *OTHER_VALUES]
    assert len(placed) == len(set(placed)) and kinds == set(placed), kinds ^ set(placed)


def test_every_call_that_runs_a_task_has_a_node(tmp_path):
    from flyte_lint.config import Settings
    from flyte_lint.engine import Options, run
    from flyte_lint.graph.compiler import Compiler
    from flyte_lint.graph.entry import find_entry

    for rel, src in EVERY_CALLEE.items():
        (tmp_path / rel).write_text(src)
    result = run([tmp_path], Settings(), Options())
    analysis = result.analysis
    compiler = Compiler(analysis)
    graph = compiler.compile(find_entry(analysis, "main:main"))
    with_node = {id(call) for call in compiler.call_of.values()}
    entry = next(t for t in analysis.tasks if t.func.name == "main")
    in_main = [c for c in analysis.calls if c.function is entry.func]
    running = [c for c in in_main if _runs_a_task(c.callee)]
    missing = [
        (c.node.lineno, c.node.as_string(), type(c.callee).__name__) for c in running if id(c.node) not in with_node
    ]
    assert missing == []
    # every kind of callee that runs a task is in the program, so each is checked
    kinds = {type(c.callee) for c in running} | {
        type(c.callee.owner) for c in running if isinstance(c.callee, model_values.Method)
    }
    assert set(TASK_VALUES) | set(DERIVED_VALUES) <= kinds, kinds
    # the ContainerTask calls (External .aio / Instance callees) are nodes too, and so are the helper's calls
    lines = {text.strip(): n for n, text in enumerate(EVERY_CALLEE["main.py"].splitlines(), 1)}
    nodes_at = {a["line"]: a for _, a in graph.nodes(data=True) if a["parent"] == "main"}
    assert (
        nodes_at[lines["await greet(x=x)"]]["object"]
        == nodes_at[lines["await greet.aio(x=x)"]]["object"]
        == "ContainerTask"
    )
    assert graph.nodes["main/helper/b"]["task"] == "every.b"
    # what a constant key or a choice of one task picks is that task's node; a choice made at run time is unknown
    for text, task in [
        ('await TASKS["a"](x)', "every.a"),
        ('await TASKS["b"].aio(x)', "every.b"),
        ("await LIST[1].aio(x)", "every.b"),
        ("await SAME[which](x)", "every.a"),
        ("await functools.partial(a.aio, x=1)()", "every.a"),
        ("await functools.partial(functools.partial(a, x=1))()", "every.a"),
    ]:
        assert (nodes_at[lines[text]]["kind"], nodes_at[lines[text]]["task"]) == ("task", task), text
    for text in (
        "await TASKS[which].aio(x)",
        "await LIST[i].aio(x)",
        "await TASKS[which].override(retries=1).aio(x)",
        "await functools.partial(TASKS[which].aio, x=1)()",
        "await FAR_TASKS[which].aio(x)",
        "await pick(x)",
        "await t.aio(x)",
        "list(flyte.map(TASKS[which], [1, 2]))",
    ):
        assert nodes_at[lines[text]]["kind"] == "unknown", text


def test_check_fails_on_a_task_chosen_at_run_time_and_called_by_aio(tmp_path, monkeypatch, capsys):
    # `TASKS[which].aio(x)` had no node: --check said "static": true and exited 0.
    (tmp_path / "flow.py").write_text(
        textwrap.dedent("""
        import functools
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        async def a(x: int) -> int:
            return x

        @env.task
        async def b(x: int) -> int:
            return -x

        TASKS = {"a": a, "b": b}

        @env.task
        async def main(x: int, which: str = "a") -> int:
            return await TASKS[which].aio(x)
    """)
    )
    monkeypatch.chdir(tmp_path)
    code, out, err = graph_cli(capsys, "flow.py", "--entry", "flow:main", "--check")
    graph = from_json(out)
    unknown = [a for _, a in graph.nodes(data=True) if a["kind"] == "unknown"]
    assert code == 1 and graph.graph["static"] is False
    assert [(a["line"], a["reason"], a["parent"]) for a in unknown] == [
        (19, "the callee `TASKS[which]` is chosen at run time", "main")
    ]
    assert (
        "flow.py:19:18: FLY703 call not resolvable statically: the callee `TASKS[which]` is chosen at run time" in err
    )
    # The same call by a constant key is task a's node, and the graph is static again.
    source = (tmp_path / "flow.py").read_text()
    for call, task in [
        ('TASKS["a"].aio(x)', "demo.a"),
        ('TASKS["b"].override(retries=1).aio(x)', "demo.b"),
        ('functools.partial(TASKS["a"].aio, x=x)()', "demo.a"),
    ]:
        (tmp_path / "flow.py").write_text(source.replace("TASKS[which].aio(x)", call))
        code, out, err = graph_cli(capsys, "flow.py", "--entry", "flow:main", "--check")
        graph = from_json(out)
        assert (code, err, graph.graph["static"]) == (0, "", True), call
        assert [(a["kind"], a["task"]) for n, a in graph.nodes(data=True) if n != "main"] == [("task", task)], call


@pytest.mark.parametrize(
    "call, reason",
    [
        (
            "TASKS[which].override(retries=1).aio(x)",
            "the callee `TASKS[which].override(retries=1)` is one of demo.a, demo.b, chosen at run time",
        ),
        ("functools.partial(TASKS[which].aio, x=x)()", "the callee `TASKS[which]` is chosen at run time"),
        ("[await t.aio(x) for t in TASKS.values()][0]", "the callee `t` is chosen by a loop at run time"),
    ],
)
def test_check_fails_on_every_aio_form_of_a_task_chosen_at_run_time(tmp_path, monkeypatch, capsys, call, reason):
    (tmp_path / "flow.py").write_text(
        textwrap.dedent("""
        import functools
        import flyte

        env = flyte.TaskEnvironment("demo")

        @env.task
        async def a(x: int) -> int:
            return x

        @env.task
        async def b(x: int) -> int:
            return -x

        TASKS = {"a": a, "b": b}

        @env.task
        async def main(x: int, which: str = "a") -> int:
            return await CALL
    """).replace("await CALL", f"await {call}" if not call.startswith("[") else call)
    )
    monkeypatch.chdir(tmp_path)
    code, out, err = graph_cli(capsys, "flow.py", "--entry", "flow:main", "--check")
    graph = from_json(out)
    assert code == 1 and graph.graph["static"] is False, err
    assert [a["reason"] for _, a in graph.nodes(data=True) if a["kind"] == "unknown"] == [reason]
    assert err.count("FLY703") == 1 and "is not fully static" in err


METHODS = """
import flyte
import httpx

env = flyte.TaskEnvironment("m")


@env.task
async def a(x: int) -> int:
    return x


class Runner:
    async def go(self, x: int) -> int:
        return await self.step(x)

    async def step(self, x: int) -> int:
        return await a(x)

    @staticmethod
    async def st(x: int) -> int:
        return await a(x)

    def quiet(self, x: int) -> int:
        return x + 1


runner = Runner()


@env.task
async def main(x: int) -> int:
    r = Runner()
    await r.go(x)
    await runner.go(x)
    await Runner.st(x)
    await Runner().step(x)
    r.quiet(x)
    client = httpx.AsyncClient()
    await client.go(x)
    return x
"""


def test_a_method_of_a_project_class_that_calls_tasks_is_an_unknown_node(tmp_path, monkeypatch, capsys):
    # The model resolves no method of an instance: each of these ran task a under main and had no node at all.
    (tmp_path / "methods.py").write_text(METHODS)
    monkeypatch.chdir(tmp_path)
    code, out, err = graph_cli(capsys, "methods.py", "--entry", "methods:main", "--check")
    graph = from_json(out)
    line = {text.strip(): n for n, text in enumerate(METHODS.splitlines(), 1)}
    reasons = sorted((a["line"], a["reason"]) for _, a in graph.nodes(data=True) if a["kind"] == "unknown")
    follows = "of the project, which calls tasks: the graph does not follow methods"
    assert reasons == [
        (line["await r.go(x)"], f"`r.go` is method Runner.go {follows}"),
        (line["await runner.go(x)"], f"`runner.go` is method Runner.go {follows}"),
        (line["await Runner.st(x)"], f"`Runner.st` is method Runner.st {follows}"),
        (line["await Runner().step(x)"], f"`Runner().step` is method Runner.step {follows}"),
    ]
    # a method that calls no task, and a library object's method of the same name as a project one: no node
    assert code == 1 and graph.graph["static"] is False and err.count("FLY703") == 4


HANDED = """
import asyncio
import functools
import flyte

env = flyte.TaskEnvironment("h")


@env.task
def s(x: int) -> int:
    return x


def sync_helper(x: int) -> int:
    return s(x)


def plain(x: int) -> int:
    return x + 1


@env.task
async def main(x: int) -> int:
    await asyncio.to_thread(sync_helper, x)
    list(map(sync_helper, [1, 2]))
    await asyncio.get_running_loop().run_in_executor(None, functools.partial(sync_helper, x))
    sorted([1, 2], key=lambda v: s(v))
    await asyncio.to_thread(plain, x)
    list(map(plain, [1, 2]))
    traced = flyte.trace(sync_helper)
    print(sync_helper)
    return x
"""


def test_a_function_that_calls_tasks_handed_to_code_that_calls_it_is_an_unknown_node(tmp_path, monkeypatch, capsys):
    # These ran task s with no node (the graph said static): the graph does not follow what to_thread, map, an
    # executor or sorted do with the function they are given.
    (tmp_path / "handed.py").write_text(HANDED)
    monkeypatch.chdir(tmp_path)
    code, out, err = graph_cli(capsys, "handed.py", "--entry", "handed:main", "--check")
    graph = from_json(out)
    line = {text.strip(): n for n, text in enumerate(HANDED.splitlines(), 1)}
    reasons = sorted((a["line"], a["reason"]) for _, a in graph.nodes(data=True) if a["kind"] == "unknown")
    where = "which may call it where the graph does not follow"
    assert reasons == [
        (
            line["await asyncio.to_thread(sync_helper, x)"],
            f"`sync_helper` calls tasks and is handed to `asyncio.to_thread`, {where}",
        ),
        (line["list(map(sync_helper, [1, 2]))"], f"`sync_helper` calls tasks and is handed to `map`, {where}"),
        (
            line["await asyncio.get_running_loop().run_in_executor(None, functools.partial(sync_helper, x))"],
            f"`functools.partial(sync_helper, x)` calls tasks and is handed to `asyncio.get_running_loop().run_in_executor`, {where}",
        ),
        (
            line["sorted([1, 2], key=lambda v: s(v))"],
            f"`lambda v: s(v)` calls tasks and is handed to `sorted`, {where}",
        ),
    ]
    # whether and when it runs is up to what it is handed to: conditional, and nothing after it waits for it
    unknown = [a for _, a in graph.nodes(data=True) if a["kind"] == "unknown"]
    assert [a["condition"] for a in unknown if a["line"] == line["list(map(sync_helper, [1, 2]))"]] == [
        "`map` calls what it is handed"
    ]
    assert all(a["conditional"] for a in unknown) and not any(
        graph.in_edges(a["id"]) or graph.out_edges(a["id"]) for a in unknown
    )
    # a function that calls no task handed over, a function wrapped (flyte.trace) or printed: no node
    assert (
        code == 1
        and err.count("FLY703") == 4
        and sorted(graph.nodes) == ["main", *sorted(n for n, a in graph.nodes(data=True) if a["kind"] == "unknown")]
    )


def test_a_partial_of_a_project_function_runs_its_body_where_it_is_called(tmp_path, capsys):
    (tmp_path / "flow.py").write_text(
        textwrap.dedent("""
        import functools
        import flyte

        env = flyte.TaskEnvironment("p")

        @env.task
        async def a(x: int) -> int:
            return x

        async def helper(x: int, y: int) -> int:
            return await a(x + y)

        @env.task
        async def main(x: int) -> int:
            first = await a(x)
            p = functools.partial(helper, first)
            await p(1)
            return await functools.partial(helper, y=2)(x)
    """)
    )
    code, out, err = graph_cli(capsys, tmp_path / "flow.py", "--entry", "flow:main", "--check")
    graph = from_json(out)
    assert (code, err, graph.graph["static"]) == (0, "", True)
    assert sorted(graph.nodes) == ["main", "main/a", "main/helper#2/a", "main/helper/a"]
    # what the partial was made from reaches the task its body calls
    assert graph.edges["main/a", "main/helper/a"]["kind"] == "data"
