"""The static DAG agrees with what the real SDK executes.

Each workflow is run under the Flyte SDK (local mode, see ``sdk_runner``) and compiled by
``flyte_lint.graph.compiler`` from the very same files. ``assert_graph_matches`` checks, generically:

1. the same tasks: every task the SDK ran has a graph node, and every graph task that must run
   (not ``never_runs``, not conditional, not dynamic, nor under such a node) did run;
2. the same counts: for every (task, calling task) pair whose nodes all have a static ``count``, the
   runtime number of runs equals the sum over those nodes of ``count`` x runs of the node's parent,
   where a conditional node contributes anything from nothing (its branch never taken) to all of that;
3. the same callers: every runtime (task, parent) call has a node of that task whose parent node's
   task is that parent (the entry: parent None).

``assert_contract`` checks the graph's shape (attributes, ids, edges between siblings). Per-workflow
assertions pin the edges: data edges where outputs flow, order edges only where the code forces an
order, none between calls combined in one gather, a self data edge for a loop-carried value.
"""

from __future__ import annotations

import tempfile
import textwrap
from pathlib import Path

import networkx as nx

from flyte_lint.config import Settings
from flyte_lint.engine import Options, run
from flyte_lint.graph.compiler import Compiler
from flyte_lint.graph.entry import find_entry
from sdk_runner import RunResult, requires_sdk, run_program

pytestmark = requires_sdk

HEADER = """\
import asyncio
import functools
import flyte

env = flyte.TaskEnvironment("demo")
"""

NODE_ATTRS = (
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
    "handler",
    "parent",
)
KINDS = {"task", "map", "remote", "trace", "unknown"}
RUNS = ("task", "map")  # node kinds that are task executions the SDK records


# --------------------------------------------------------------------------------------------------
# Building and running
# --------------------------------------------------------------------------------------------------


def _files(files: dict[str, str] | str) -> dict[str, str]:
    if isinstance(files, str):
        files = {"main.py": HEADER + textwrap.dedent(files)}
    return {rel: textwrap.dedent(src) for rel, src in files.items()}


def build_graph(
    files: dict[str, str] | str, entry: str = "main", inputs: dict | None = None, use_defaults: bool = True
) -> nx.DiGraph:
    files = _files(files)
    with tempfile.TemporaryDirectory(prefix="flyte_lint_graph_") as tmp:
        root = Path(tmp)
        for rel, src in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(src, encoding="utf-8")
        result = run([root], Settings(), Options())
        assert result.analysis is not None, result.internal_errors
        graph = Compiler(result.analysis, inputs, use_defaults).compile(find_entry(result.analysis, entry))
    assert_contract(graph)
    return graph


def run_both(
    files: dict[str, str] | str,
    args: dict | None = None,
    entry: str = "main",
    ok: bool = True,
    inputs: dict | None = None,
    use_defaults: bool = True,
) -> tuple[nx.DiGraph, RunResult]:
    """Run the workflow under the SDK and compile its graph for the same inputs (``inputs``, by default the
    run's own ``args``), then check they agree."""
    files = _files(files)
    result = run_program(files, entry=entry, args=args)
    assert result.harness_errors == [] and result.network_attempts == [], result.summary()
    assert result.ok is ok, result.summary()
    graph = build_graph(files, entry, args if inputs is None else inputs, use_defaults)
    assert_graph_matches(graph, result)
    return graph, result


# --------------------------------------------------------------------------------------------------
# Generic checks
# --------------------------------------------------------------------------------------------------


def assert_contract(graph: nx.DiGraph) -> None:
    assert {"entry", "static", "flyte_lint_version"} <= set(graph.graph), graph.graph
    roots = [n for n, a in graph.nodes(data=True) if a["parent"] is None]
    assert len(roots) == 1, roots
    assert graph.nodes[roots[0]]["task"] == graph.graph["entry"]
    for node, attrs in graph.nodes(data=True):
        missing = [k for k in NODE_ATTRS if k not in attrs]
        assert not missing, (node, missing)
        assert attrs["id"] == node and ":" not in node, node
        assert attrs["kind"] in KINDS, attrs
        assert attrs["parent"] is None or attrs["parent"] in graph, attrs
        assert attrs["count"] is None or (isinstance(attrs["count"], int) and attrs["count"] >= 0), attrs
        if attrs["count"] is None:
            assert attrs["dynamic"], attrs
        assert attrs["conditional"] == (attrs["condition"] is not None), attrs
        if attrs["handler"]:
            assert attrs["conditional"], attrs
        if attrs["kind"] in RUNS and attrs["parent"] is not None:
            assert isinstance(attrs.get("never_runs"), bool), attrs
            if attrs.get("object"):  # (the SDK names a ContainerTask or a shell task by its name= alone)
                assert attrs["task"] and attrs["object"] in ("ContainerTask", "shell"), attrs
            else:
                assert attrs["task"] and attrs["task"].split(".", 1)[0] == attrs["env"], attrs
    for u, v, attrs in graph.edges(data=True):
        assert attrs["kind"] in ("data", "order"), (u, v, attrs)
        assert graph.nodes[u]["parent"] == graph.nodes[v]["parent"], f"edge {u} -> {v} crosses bodies"
    assert graph.graph["static"] == (not any(a["dynamic"] or a["kind"] == "unknown" for _, a in graph.nodes(data=True)))


def _chain(graph: nx.DiGraph, node: str) -> list[str]:
    """``node`` and its ancestors (parent, grandparent, ..., entry)."""
    out = []
    while node is not None:
        out.append(node)
        node = graph.nodes[node]["parent"]
    return out


def _runs_nodes(graph: nx.DiGraph) -> list[str]:
    return [n for n, a in graph.nodes(data=True) if a["kind"] in RUNS and not a.get("never_runs")]


def _parent_task(graph: nx.DiGraph, node: str) -> str | None:
    parent = graph.nodes[node]["parent"]
    return None if parent is None else graph.nodes[parent]["task"]


def assert_graph_matches(graph: nx.DiGraph, result: RunResult) -> set[str]:
    """Checks (1)-(3) of the module docstring. Returns the ids of the graph nodes that did not run."""
    nodes = _runs_nodes(graph)
    runtime: dict[tuple[str, str | None], int] = {}
    for call in result.calls:
        runtime[(call.task, call.parent)] = runtime.get((call.task, call.parent), 0) + 1
    groups: dict[tuple[str, str | None], list[str]] = {}
    for node in nodes:
        groups.setdefault((graph.nodes[node]["task"], _parent_task(graph, node)), []).append(node)

    def must_run(node: str) -> bool:
        return not any(
            graph.nodes[n]["conditional"] or graph.nodes[n]["dynamic"] or graph.nodes[n]["count"] in (None, 0)
            for n in _chain(graph, node)
        )

    # (1) the same tasks
    ran = {c.task for c in result.calls}
    in_graph = {graph.nodes[n]["task"] for n in nodes}
    assert ran <= in_graph, f"tasks that ran but are not in the graph: {ran - in_graph}\n{result.summary()}"
    required = {graph.nodes[n]["task"] for n in nodes if must_run(n)}
    assert required <= ran, f"unconditional static tasks that did not run: {required - ran}\n{result.summary()}"

    # (3) the same callers
    for task, parent in runtime:
        assert (task, parent) in groups, (
            f"{task} ran called by {parent}, but no graph node of {task} has a parent node of task {parent}; "
            f"graph has {sorted(groups)}"
        )

    # (2) the same counts
    memo: dict[str, int | None] = {}

    def node_runs(node: str | None) -> int | None:
        """How many times ``node`` ran (None: the run itself, once): measured when it is alone in its
        (task, parent task) group, else derived from its parent."""
        if node is None:
            return 1
        if node not in memo:
            attrs = graph.nodes[node]
            if attrs["parent"] is None:
                memo[node] = 1
            else:
                key = (attrs["task"], _parent_task(graph, node))
                if len(groups.get(key, ())) == 1:
                    memo[node] = runtime.get(key, 0)
                elif attrs["count"] is None or attrs["conditional"]:
                    memo[node] = None
                else:
                    parent_runs = node_runs(attrs["parent"])
                    memo[node] = None if parent_runs is None else attrs["count"] * parent_runs
        return memo[node]

    not_run: set[str] = set()
    for key, members in groups.items():
        if any(graph.nodes[n]["count"] is None for n in members):
            continue
        fixed, optional = 0, []
        for node in members:
            parent_runs = node_runs(graph.nodes[node]["parent"])
            if parent_runs is None:
                break
            share = graph.nodes[node]["count"] * parent_runs
            if graph.nodes[node]["conditional"]:
                optional.append((node, share))  # its branch may be taken on none, some or all of those runs
            else:
                fixed += share
        else:
            actual = runtime.get(key, 0)
            upper = fixed + sum(share for _, share in optional)
            assert fixed <= actual <= upper, (
                f"{key[0]} called by {key[1]} ran {actual} times; the graph says {fixed}"
                + (f" plus up to {upper - fixed} in branches {optional}" if optional else "")
                + f" (nodes {members})\n{result.summary()}"
            )
            if actual == fixed:
                not_run |= {n for n, _ in optional}
    for key, members in groups.items():
        if runtime.get(key, 0) == 0:
            not_run |= set(members)
    return not_run


def node_of(graph: nx.DiGraph, task: str, parent: str | None = "main", nth: int = 0) -> str:
    """The id of the ``nth`` node (in line order) of task ``demo.<task>`` (or a full name) under ``parent``."""
    name = task if "." in task else f"demo.{task}"
    found = sorted((a["line"], n) for n, a in graph.nodes(data=True) if a["task"] == name and a["parent"] == parent)
    assert len(found) > nth, (task, parent, sorted(graph.nodes))
    return found[nth][1]


def edge_kinds(graph: nx.DiGraph, u: str, v: str) -> str | None:
    return graph.edges[u, v]["kind"] if graph.has_edge(u, v) else None


def data_edges(graph: nx.DiGraph) -> set[tuple[str, str]]:
    return {(u, v) for u, v, a in graph.edges(data=True) if a["kind"] == "data"}


def order_edges(graph: nx.DiGraph) -> set[tuple[str, str]]:
    return {(u, v) for u, v, a in graph.edges(data=True) if a["kind"] == "order"}


# --------------------------------------------------------------------------------------------------
# Workflows
# --------------------------------------------------------------------------------------------------


def test_sync_chain():
    graph, r = run_both(
        """
        @env.task
        def a(x: int) -> int:
            return x + 1

        @env.task
        def b(x: int) -> int:
            return x * 2

        @env.task
        def c(x: int) -> int:
            return x - 3

        @env.task
        def main(x: int) -> int:
            y = a(x)
            z = b(y)
            return c(z)
        """,
        args={"x": 1},
    )
    assert r.output == 1 and r.tasks == ["demo.main", "demo.a", "demo.b", "demo.c"]
    assert graph.graph["entry"] == "demo.main" and graph.graph["static"]
    assert data_edges(graph) == {("main/a", "main/b"), ("main/b", "main/c")}
    assert order_edges(graph) == set()
    assert all(graph.nodes[n]["count"] == 1 and not graph.nodes[n]["dynamic"] for n in graph)


def test_async_chain_orders_sequential_awaits():
    graph, r = run_both(
        """
        @env.task
        async def a(x: int) -> int:
            return x + 1

        @env.task
        async def b(x: int) -> int:
            return x * 2

        @env.task
        async def d(x: int) -> int:
            return x + 100

        @env.task
        async def c(x: int) -> int:
            return x - 3

        @env.task
        async def main(x: int) -> int:
            y = await a(x)
            z = await b(y)
            u = await d(x)  # independent of y and z, but the awaits run one after the other
            return await c(z + u)
        """,
        args={"x": 1},
    )
    assert r.output == 102 and r.tasks == ["demo.main", "demo.a", "demo.b", "demo.d", "demo.c"]
    assert data_edges(graph) == {("main/a", "main/b"), ("main/b", "main/c"), ("main/d", "main/c")}
    assert order_edges(graph) == {("main/b", "main/d")}


def test_diamond_gather_and_tuple_unpacking():
    graph, r = run_both(
        """
        @env.task
        async def src(x: int) -> int:
            return x + 1

        @env.task
        async def double(x: int) -> int:
            return 2 * x

        @env.task
        async def square(x: int) -> int:
            return x * x

        @env.task
        async def join(a: int, b: int) -> int:
            return a + b

        @env.task
        async def main(x: int) -> int:
            top = await src(x)
            left, right = await asyncio.gather(double(top), square(top))
            again = await double(left)  # only `double`'s output flows here
            return await join(again, right)
        """,
        args={"x": 2},
    )
    assert r.output == 21
    src, dbl, sq, dbl2, join = "main/src", "main/double", "main/square", "main/double#2", "main/join"
    assert set(graph.nodes) == {"main", src, dbl, sq, dbl2, join}
    assert data_edges(graph) == {(src, dbl), (src, sq), (dbl, dbl2), (dbl2, join), (sq, join)}
    assert not graph.has_edge(dbl, sq) and not graph.has_edge(sq, dbl)  # combined in one gather
    assert order_edges(graph) == {(sq, dbl2)}  # the gather completes (square too) before `double(left)` starts


def test_gather_fan_out_over_static_range_and_list():
    graph, r = run_both(
        """
        @env.task
        async def leaf(i: int) -> int:
            return i * 10

        @env.task
        async def total(xs: list[int]) -> int:
            return sum(xs)

        @env.task
        async def main() -> int:
            first = await asyncio.gather(*(leaf(i) for i in range(4)))
            second = await asyncio.gather(*[leaf(i) for i in [7, 8, 9]])
            return await total(list(first) + [y + 1 for y in second])
        """,
    )
    assert r.ran("demo.leaf") == 7 and r.output == 60 + 240 + 3
    leaf1, leaf2, total = "main/leaf", "main/leaf#2", "main/total"
    assert graph.nodes[leaf1]["count"] == 4 and graph.nodes[leaf2]["count"] == 3
    assert not graph.nodes[leaf1]["dynamic"] and graph.graph["static"]
    assert data_edges(graph) == {(leaf1, total), (leaf2, total)}  # through list(), + and a comprehension
    assert order_edges(graph) == {(leaf1, leaf2)}  # the second gather starts after the first is awaited
    assert not graph.has_edge(leaf1, leaf1)  # one gather: the 4 runs are parallel


def test_flyte_map_with_partial_over_literal_list():
    graph, r = run_both(
        """
        @env.task
        def base() -> int:
            return 3

        @env.task
        def scale(x: int, factor: int) -> int:
            return x * factor

        @env.task
        def report(xs: list[int]) -> int:
            return sum(xs)

        @env.task
        def main() -> int:
            f = base()
            ys = list(flyte.map(functools.partial(scale, factor=f), [1, 2, 3, 4]))
            return report(ys)
        """,
    )
    assert r.output == 30 and r.ran("demo.scale") == 4 and r.callers("demo.scale") == {"demo.main"}
    mapped = node_of(graph, "scale")
    assert graph.nodes[mapped]["kind"] == "map" and graph.nodes[mapped]["count"] == 4
    assert data_edges(graph) == {("main/base", mapped), (mapped, "main/report")}
    assert order_edges(graph) == set()


def test_flyte_map_over_a_comprehension_of_a_static_sequence():
    # One `for` over a known sequence, no condition: as many items as the sequence. With a condition, or
    # a second `for`, the count is known only at run time.
    graph, r = run_both(
        """
        @env.task
        async def square(x: int) -> int:
            return x * x

        @env.task
        async def main(n: int = 3) -> int:
            a = [y async for y in flyte.map.aio(square, [i * 2 for i in range(n)])]
            b = [y async for y in flyte.map.aio(square, (i for i in [1, 2] if i), concurrency=2)]
            c = [y async for y in flyte.map.aio(square, [j for i in range(2) for j in range(i + 1)])]
            return sum(a) + len(b) + sum(c)
        """,
    )
    assert r.ran("demo.square") == 3 + 2 + 3
    counts = sorted((a["line"], a["count"]) for _, a in graph.nodes(data=True) if a["kind"] == "map")
    assert [count for _, count in counts] == [3, None, None]


def test_static_for_loops_carry_values_and_order():
    graph, r = run_both(
        """
        @env.task
        async def step(x: int) -> int:
            return x + 1

        @env.task
        async def ping(i: int) -> int:
            return i

        @env.task
        async def main(x: int) -> int:
            for _ in range(3):
                x = await step(x)
            acc = []
            for i in [10, 20]:
                acc.append(await ping(i))
            return await step(sum(acc) + x)
        """,
        args={"x": 0},
    )
    assert r.output == 34 and r.ran("demo.step") == 4 and r.ran("demo.ping") == 2
    step, ping, final = "main/step", "main/ping", "main/step#2"
    assert graph.nodes[step]["count"] == 3 and graph.nodes[ping]["count"] == 2 and graph.nodes[final]["count"] == 1
    assert edge_kinds(graph, step, step) == "data"  # loop-carried x
    assert edge_kinds(graph, ping, ping) == "order"  # sequential awaits, no data between iterations
    assert data_edges(graph) == {(step, step), (step, final), (ping, final)}
    assert order_edges(graph) == {(ping, ping), (step, ping)}


def test_if_elif_else_untaken_branches_are_conditional():
    graph, r = run_both(
        """
        @env.task
        async def probe(x: int) -> int:
            return x * 2

        @env.task
        async def polish(x: int) -> int:
            return x

        @env.task
        async def large(x: int) -> int:
            return await polish(x) + 1000

        @env.task
        async def medium(x: int) -> int:
            return x + 100

        @env.task
        async def small(x: int) -> int:
            return x

        @env.task
        async def finish(x: int) -> int:
            return x + 1

        @env.task
        async def main(x: int) -> int:
            y = await probe(x)
            if y > 100:
                r = await large(y)
            elif y > 10:
                r = await medium(y)
            else:
                r = await small(y)
            return await finish(r)
        """,
        args={"x": 10},
    )
    assert r.output == 121 and {c.task for c in r.calls} == {"demo.main", "demo.probe", "demo.medium", "demo.finish"}
    large, medium, small = node_of(graph, "large"), node_of(graph, "medium"), node_of(graph, "small")
    assert graph.nodes[large]["condition"] == "y > 100"
    assert graph.nodes[medium]["condition"] == "not (y > 100) and y > 10"
    assert graph.nodes[small]["condition"] == "not (y > 100) and not (y > 10)"
    assert all(graph.nodes[n]["conditional"] and graph.nodes[n]["count"] == 1 for n in (large, medium, small))
    polish = node_of(graph, "polish", parent=large)  # the untaken branch is compiled too
    assert not graph.nodes["main/finish"]["conditional"]
    assert {("main/probe", n) for n in (large, medium, small)} <= data_edges(graph)
    assert {(n, "main/finish") for n in (large, medium, small)} <= data_edges(graph)
    not_run = assert_graph_matches(graph, r)
    assert not_run == {large, small, polish}


def test_try_except_handlers():
    graph, r = run_both(
        """
        @env.task
        async def boom(x: int) -> int:
            raise ValueError("boom")

        @env.task
        async def recover(x: int) -> int:
            return x + 1

        @env.task
        async def fine(x: int) -> int:
            return x * 2

        @env.task
        async def fallback(x: int) -> int:
            return -1

        @env.task
        async def main(x: int) -> int:
            try:
                y = await boom(x)
            except Exception:
                y = await recover(x)
            try:
                z = await fine(y)
            except ValueError:
                z = await fallback(y)
            return z
        """,
        args={"x": 1},
    )
    assert r.output == 4 and [c.ok for c in r.calls if c.task == "demo.boom"] == [False]
    boom, recover, fine, fallback = "main/boom", "main/recover", "main/fine", "main/fallback"
    assert not graph.nodes[boom]["handler"] and not graph.nodes[boom]["conditional"]
    assert graph.nodes[recover]["handler"] and graph.nodes[recover]["condition"] == "except Exception"
    assert graph.nodes[fallback]["handler"] and graph.nodes[fallback]["condition"] == "except ValueError"
    assert not graph.nodes[fine]["handler"] and not graph.nodes[fine]["conditional"]
    assert edge_kinds(graph, boom, recover) == "order"  # the handler runs once the body failed
    assert edge_kinds(graph, fine, fallback) == "order"
    # y comes from the body or from the handler; fallback gets the same y as fine
    assert data_edges(graph) == {(boom, fine), (recover, fine), (boom, fallback), (recover, fallback)}
    assert assert_graph_matches(graph, r) == {fallback}


def test_groups():
    graph, r = run_both(
        """
        @env.task
        async def prep(x: int) -> int:
            return x + 1

        @env.task
        async def train(x: int) -> int:
            return x * 10

        @env.task
        async def evaluate(x: int) -> int:
            return x - 1

        @env.task
        async def main(x: int) -> int:
            with flyte.group("prepare"):
                a = await prep(x)
                b = await prep(a)
            with flyte.group("train"):
                m = await train(b)
            return await evaluate(m)
        """,
        args={"x": 0},
    )
    assert r.output == 19
    assert {n: graph.nodes[n]["group"] for n in graph} == {
        "main": None,
        "main/prep": "prepare",
        "main/prep#2": "prepare",
        "main/train": "train",
        "main/evaluate": None,
    }
    assert data_edges(graph) == {
        ("main/prep", "main/prep#2"),
        ("main/prep#2", "main/train"),
        ("main/train", "main/evaluate"),
    }


def test_nested_tasks_three_levels():
    graph, r = run_both(
        """
        @env.task
        async def leaf(i: int) -> int:
            return i

        @env.task
        async def middle(x: int) -> int:
            total = 0
            for i in range(3):
                total += await leaf(x + i)
            return total

        @env.task
        async def outer(x: int) -> int:
            a, b = await asyncio.gather(middle(x), middle(x + 10))
            return a + b

        @env.task
        async def main(x: int) -> int:
            return await outer(x)
        """,
        args={"x": 1},
    )
    assert r.ran("demo.leaf") == 6 and r.callers("demo.leaf") == {"demo.middle"}
    assert r.callers("demo.middle") == {"demo.outer"} and r.callers("demo.outer") == {"demo.main"}
    assert set(graph.nodes) == {
        "main",
        "main/outer",
        "main/outer/middle",
        "main/outer/middle#2",
        "main/outer/middle/leaf",
        "main/outer/middle#2/leaf",
    }
    assert graph.nodes["main/outer/middle/leaf"]["parent"] == "main/outer/middle"
    assert graph.nodes["main/outer/middle#2/leaf"]["count"] == 3
    assert edge_kinds(graph, "main/outer/middle/leaf", "main/outer/middle/leaf") == "order"
    assert graph.number_of_edges() == 2  # the two loops' self edges; nothing between the gathered middles


def test_plain_helpers_are_inlined():
    graph, r = run_both(
        """
        @env.task
        async def start(x: int) -> int:
            return x

        @env.task
        async def inc(x: int) -> int:
            return x + 1

        @env.task
        async def show(s: str) -> str:
            return s

        async def twice(x: int) -> int:
            y = await inc(x)
            return await inc(y)

        def label(x: int) -> str:
            return f"v{x}"

        @env.task
        async def main(x: int) -> str:
            a = await start(x)
            b = await twice(a)
            c, d = await asyncio.gather(twice(b), twice(a))
            return await show(label(b) + label(c) + label(d))
        """,
        args={"x": 1},
    )
    assert r.output == "v3v5v3" and r.ran("demo.inc") == 6 and r.callers("demo.inc") == {"demo.main"}
    first, second, third = "main/twice", "main/twice#2", "main/twice#3"
    assert all(graph.nodes[f"{h}/inc"]["parent"] == "main" for h in (first, second, third))
    assert data_edges(graph) == {
        ("main/start", f"{first}/inc"),
        (f"{first}/inc", f"{first}/inc#2"),
        (f"{first}/inc#2", f"{second}/inc"),
        (f"{second}/inc", f"{second}/inc#2"),
        ("main/start", f"{third}/inc"),
        (f"{third}/inc", f"{third}/inc#2"),
        (f"{first}/inc#2", "main/show"),
        (f"{second}/inc#2", "main/show"),
        (f"{third}/inc#2", "main/show"),
    }
    # the two helpers gathered together run in parallel: no edge from one's tasks to the other's
    between = {
        (u, v)
        for u, v in graph.edges
        if u.startswith(second) and v.startswith(third) or u.startswith(third) and v.startswith(second)
    }
    assert between == set()
    assert order_edges(graph) == {(f"{first}/inc#2", f"{third}/inc")}


def test_aio_and_override_calls():
    graph, r = run_both(
        """
        @env.task
        def sync_step(x: int) -> int:
            return x + 1

        @env.task
        async def astep(x: int) -> int:
            return x * 2

        @env.task
        async def main(x: int) -> int:
            a = await sync_step.aio(x)
            b, c = await asyncio.gather(sync_step.aio(a), astep.override(retries=2)(a))
            return await astep.override(retries=1)(b + c)
        """,
        args={"x": 1},
    )
    assert r.output == 14 and r.ran("demo.sync_step") == 2 and r.ran("demo.astep") == 2
    s1, s2, a1, a2 = "main/sync_step", "main/sync_step#2", "main/astep", "main/astep#2"
    assert set(graph.nodes) == {"main", s1, s2, a1, a2}
    assert data_edges(graph) == {(s1, s2), (s1, a1), (s2, a2), (a1, a2)}
    assert order_edges(graph) == set()


def test_tasks_imported_from_another_module():
    graph, r = run_both(
        {
            "tasks.py": """
                import flyte

                env = flyte.TaskEnvironment("lib")

                @env.task
                async def load(x: int) -> int:
                    return x + 1

                @env.task
                async def clean(x: int) -> int:
                    return x * 3
            """,
            "pipeline/__init__.py": "",
            "pipeline/steps.py": """
                from tasks import env

                @env.task
                async def publish(x: int) -> int:
                    return x - 1
            """,
            "main.py": """
                import flyte
                import tasks
                from tasks import load
                from pipeline.steps import publish

                env = flyte.TaskEnvironment("app", depends_on=[tasks.env])

                @env.task
                async def main(x: int) -> int:
                    raw = await load(x)
                    cleaned = await tasks.clean(raw)
                    return await publish(cleaned)
            """,
        },
        args={"x": 1},
    )
    assert r.output == 5 and r.tasks == ["app.main", "lib.load", "lib.clean", "lib.publish"]
    assert graph.graph["entry"] == "app.main"
    assert {n: (a["task"], a["env"], Path(a["file"]).name) for n, a in graph.nodes(data=True)} == {
        "main": ("app.main", "app", "main.py"),
        "main/load": ("lib.load", "lib", "main.py"),
        "main/clean": ("lib.clean", "lib", "main.py"),
        "main/publish": ("lib.publish", "lib", "main.py"),
    }
    assert data_edges(graph) == {("main/load", "main/clean"), ("main/clean", "main/publish")}


def test_cross_env_calls():
    graph, r = run_both(
        """
        import asyncio
        import flyte

        workers = flyte.TaskEnvironment("workers")
        driver = flyte.TaskEnvironment("driver", depends_on=[workers])

        @workers.task
        async def work(i: int) -> int:
            return i * i

        @workers.task
        async def reduce(xs: list[int]) -> int:
            return sum(xs)

        @driver.task
        async def main() -> int:
            parts = await asyncio.gather(*(work(i) for i in range(3)))
            return await reduce(list(parts))
        """.replace("\n        ", "\n"),
    )
    assert r.output == 5 and r.callers("workers.work") == {"driver.main"}
    assert graph.graph["entry"] == "driver.main"
    assert graph.nodes["main"]["env"] == "driver"
    assert graph.nodes["main/work"]["env"] == "workers" and graph.nodes["main/work"]["count"] == 3
    assert data_edges(graph) == {("main/work", "main/reduce")}


def test_dynamic_fan_out_over_runtime_list():
    graph, r = run_both(
        """
        @env.task
        async def leaf(x: int) -> int:
            return x + 1

        @env.task
        async def total(xs: list[int]) -> int:
            return sum(xs)

        @env.task
        async def main(xs: list[int]) -> int:
            ys = await asyncio.gather(*[leaf(x) for x in xs])
            for y in ys:
                await leaf(y)
            return await total(list(ys))
        """,
        args={"xs": [1, 2, 3]},
        inputs={},
        use_defaults=False,  # xs: data known only at run time
    )
    assert r.output == 9 and r.ran("demo.leaf") == 6
    fan, loop, total = "main/leaf", "main/leaf#2", "main/total"
    assert graph.graph["static"] is False
    for node in (fan, loop):
        assert graph.nodes[node]["count"] is None and graph.nodes[node]["dynamic"] is True
    assert graph.nodes[total]["count"] == 1 and not graph.nodes[total]["dynamic"]
    assert data_edges(graph) == {(fan, loop), (fan, total)}


def test_coroutine_created_then_awaited_later_starts_at_the_await():
    graph, r = run_both(
        """
        @env.task
        async def slow(x: int) -> int:
            return x + 1

        @env.task
        async def fast(x: int) -> int:
            return x * 2

        @env.task
        async def main(x: int) -> int:
            later = slow(x)
            unused = slow(99)  # never awaited: never runs
            first = await fast(x)
            second = await later
            return first + second
        """,
        args={"x": 1},
    )
    assert r.output == 4 and r.tasks == ["demo.main", "demo.fast", "demo.slow"]
    assert any("never awaited" in w for w in r.warnings), r.warnings
    assert graph.nodes["main/slow"]["never_runs"] is False and graph.nodes["main/slow#2"]["never_runs"] is True
    # a task coroutine runs only once awaited: after `fast`
    assert order_edges(graph) == {("main/fast", "main/slow")} and data_edges(graph) == set()


def test_asyncio_create_task_runs_concurrently():
    graph, r = run_both(
        """
        @env.task
        async def slow(x: int) -> int:
            await asyncio.sleep(0.2)
            return x + 1

        @env.task
        async def fast(x: int) -> int:
            return x * 2

        @env.task
        async def join(a: int, b: int) -> int:
            return a + b

        async def helper(x: int) -> int:
            return await slow(x)

        @env.task
        async def main(x: int) -> int:
            t = asyncio.create_task(slow(x))
            h = asyncio.create_task(helper(x))
            first = await fast(x)
            second = await t
            third = await h
            return await join(first, second + third)
        """,
        args={"x": 1},
    )
    assert r.output == 6 and r.ran("demo.slow") == 2
    slow, hslow, fast, join = "main/slow", "main/helper/slow", "main/fast", "main/join"
    assert set(graph.nodes) == {"main", slow, hslow, fast, join}
    assert data_edges(graph) == {(slow, join), (hslow, join), (fast, join)}
    assert order_edges(graph) == set()  # all three run at the same time; join needs all their outputs


def test_code_after_an_early_return_is_conditional():
    graph, r = run_both(
        """
        @env.task
        async def check(x: int) -> int:
            return x

        @env.task
        async def quick(x: int) -> int:
            return -x

        @env.task
        async def full(x: int) -> int:
            return x * 100

        @env.task
        async def audit(x: int) -> int:
            return x

        @env.task
        async def main(x: int) -> int:
            y = await check(x)
            if y < 0:
                if y < -10:
                    raise ValueError("far too small")  # an error, not another way through
                await audit(y)
                return await quick(y)
            return await full(y)
        """,
        args={"x": -1},
    )
    assert r.output == 1 and {c.task for c in r.calls} == {"demo.main", "demo.check", "demo.audit", "demo.quick"}
    audit, quick, full = "main/audit", "main/quick", "main/full"
    assert graph.nodes[audit]["condition"] == "y < 0" and graph.nodes[quick]["condition"] == "y < 0"
    assert graph.nodes[full]["conditional"] and graph.nodes[full]["condition"] == "not (y < 0)"
    assert not graph.has_edge(quick, full) and not graph.has_edge(audit, full)
    assert data_edges(graph) == {("main/check", audit), ("main/check", quick), ("main/check", full)}
    assert assert_graph_matches(graph, r) == {full}


def test_break_and_continue_in_static_loops():
    graph, r = run_both(
        """
        @env.task
        async def probe(i: int) -> int:
            return i

        @env.task
        async def even(i: int) -> int:
            return i

        @env.task
        async def finish(x: int) -> int:
            return x

        @env.task
        async def main() -> int:
            total = 0
            for i in range(5):
                total += await probe(i)
                if total >= 3:
                    break
            for j in range(4):
                if j % 2:
                    continue
                total += await even(j)
            return await finish(total)
        """,
    )
    assert r.ran("demo.probe") == 3 and r.ran("demo.even") == 2 and r.output == 5
    probe, even, finish = "main/probe", "main/even", "main/finish"
    # `break`: how many times the body runs is known only at run time
    assert graph.nodes[probe]["count"] is None and graph.nodes[probe]["dynamic"]
    # `continue`: the rest of the body is conditional; the loop still has 4 iterations
    assert graph.nodes[even]["count"] == 4 and graph.nodes[even]["condition"] == "not (j % 2)"
    assert not graph.nodes[finish]["conditional"] and graph.nodes[finish]["count"] == 1
    assert data_edges(graph) == {(probe, finish), (even, finish)}
    assert order_edges(graph) == {(probe, probe), (probe, even), (even, even)}


def test_entry_parameters_take_their_defaults_or_the_inputs_given():
    source = """
        @env.task
        async def leaf(i: int) -> int:
            return i

        @env.task
        async def main(n: int = 2) -> int:
            return sum(await asyncio.gather(*(leaf(i) for i in range(n))))
        """
    # A run with the default inputs: the graph's count is the default's.
    graph, r = run_both(source)
    assert r.ran("demo.leaf") == 2 and graph.nodes["main/leaf"]["count"] == 2 and graph.graph["static"]
    assert graph.graph["inputs"] == {"n": 2}
    # A run with other inputs: compiled with those inputs, the graph agrees again.
    graph, r = run_both(source, args={"n": 5}, inputs={"n": 5})
    assert r.ran("demo.leaf") == 5 and graph.nodes["main/leaf"]["count"] == 5 and graph.graph["inputs"] == {"n": 5}


def test_defaults_and_trip_counts_from_constants_of_another_module():
    # The model's one constant evaluator follows a name bound once across modules (`from settings import N`,
    # `settings.M`): the default and the loop bound are known, so the graph's counts are the run's.
    files = {
        "settings.py": "N = 2\nM = N + 1\n",
        "main.py": HEADER
        + textwrap.dedent("""
            import settings
            from settings import N

            @env.task
            async def leaf(i: int) -> int:
                return i

            @env.task
            async def main(n: int = N) -> int:
                total = sum(await asyncio.gather(*(leaf(i) for i in range(n))))
                for i in range(settings.M):
                    total += await leaf(i)
                return total
            """),
    }
    graph, r = run_both(files)
    assert r.output == 4 and r.ran("demo.leaf") == 5 and graph.graph["static"]
    assert graph.graph["inputs"] == {"n": 2}
    assert sorted(graph.nodes[n]["count"] for n in graph if n != "main") == [2, 3]


def test_a_loop_leaves_the_values_it_does_not_assign_static():
    # `n` keeps its default after the first loop, so the map and the gather over range(n) that follow have a
    # static count (they were dynamic: every variable lost its value at the end of any loop)
    graph, r = run_both(
        """
        @env.task
        async def leaf(i: int) -> int:
            return i

        @env.task
        async def main(n: int = 3) -> int:
            total = 0
            for i in range(n):
                total += await leaf(i)
            async for v in flyte.map.aio(leaf, range(n)):
                total += v
            return total + sum(await asyncio.gather(*(leaf(i) for i in range(n))))
        """,
    )
    assert r.output == 9 and r.ran("demo.leaf") == 9 and graph.graph["static"]
    counts = sorted((graph.nodes[n]["kind"], graph.nodes[n]["count"]) for n in graph if n != "main")
    assert counts == [("map", 3), ("task", 3), ("task", 3)]


def test_entry_parameters_are_run_inputs_when_defaults_are_not_assumed():
    graph, r = run_both(
        """
        @env.task
        async def leaf(i: int) -> int:
            return i

        @env.task
        async def fan(k: int) -> int:
            return sum(await asyncio.gather(*(leaf(i) for i in range(k))))

        @env.task
        async def main(n: int = 2) -> int:
            outs = await asyncio.gather(*(leaf(i) for i in range(n)))
            return sum(outs) + await fan(3)
        """,
        args={"n": 4},
        inputs={},
        use_defaults=False,
    )
    assert r.output == 6 + 3 and r.ran("demo.leaf") == 7
    # the run passed n=4: the default 2 says nothing about it
    assert graph.nodes["main/leaf"]["count"] is None and graph.nodes["main/leaf"]["dynamic"]
    # an argument the parent passes as a constant does fix the count in the callee
    assert graph.nodes["main/fan/leaf"]["count"] == 3 and not graph.nodes["main/fan/leaf"]["dynamic"]


def test_outputs_flow_through_containers_and_indexing():
    graph, r = run_both(
        """
        @env.task
        async def one(x: int) -> int:
            return x + 1

        @env.task
        async def two(x: int) -> int:
            return x + 2

        @env.task
        async def use(x: int) -> int:
            return x * 10

        @env.task
        async def main(x: int) -> int:
            p, q = await asyncio.gather(one(x), two(x))
            box = {"first": p, "second": q}
            pair = [q, p]
            r = await use(box["first"])  # one's output only
            s = await use(pair[0])  # two's output only
            ys = [v * 2 for v in (r, s)]
            both = await asyncio.gather(one(r), two(s))
            return await use(sum(ys) + both[1])  # the two uses, and the second gather's `two` only
        """,
        args={"x": 0},
    )
    assert r.output == (20 + 40 + 22) * 10
    one, two, use1, use2, one2, two2, use3 = (
        "main/one",
        "main/two",
        "main/use",
        "main/use#2",
        "main/one#2",
        "main/two#2",
        "main/use#3",
    )
    assert data_edges(graph) == {
        (one, use1),
        (two, use2),
        (use1, one2),
        (use2, two2),
        (use1, use3),
        (use2, use3),
        (two2, use3),
    }
    # what awaiting forces: the whole first gather before `use`, one use after the other, the second
    # gather (`one` too) before the last use
    assert order_edges(graph) == {(two, use1), (use1, use2), (use2, one2), (one2, use3)}
    assert not graph.has_edge(one, two) and not graph.has_edge(one2, two2)


UNRELATED = """
@env.task
async def unrelated(x: int) -> int:
    return await src(x) + await double(await src(x))


def noise(v: int) -> list[int]:
    return [v] * 3


TABLE = noise(1)

"""


def test_node_ids_do_not_change_when_unrelated_code_is_inserted_above_the_entry():
    program = HEADER + textwrap.dedent(
        """
        @env.task
        async def src(x: int) -> int:
            return x + 1

        @env.task
        async def double(x: int) -> int:
            return 2 * x

        async def twice(x: int) -> int:
            return await double(await double(x))

        @env.task
        async def main(x: int) -> int:
            top = await src(x)
            left, right = await asyncio.gather(double(top), twice(top))
            for _ in range(2):
                left = await double(left)
            return await src(left + right)
        """
    )
    before = build_graph(program)
    again = build_graph(program)
    marker = "@env.task\nasync def main"
    after = build_graph(program.replace(marker, UNRELATED + marker))

    def shape(graph):
        nodes = {
            n: {k: Path(v).name if k == "file" else v for k, v in a.items() if k != "line"}
            for n, a in graph.nodes(data=True)
        }
        return nodes, {(u, v, a["kind"]) for u, v, a in graph.edges(data=True)}

    assert shape(before) == shape(again)  # deterministic
    assert shape(before) == shape(after)  # same ids, attributes and edges; only the lines moved
    shift = UNRELATED.count("\n")
    for node in before:  # the lines did move: the calls in main's body, not those in the helper above it
        moved = 0 if node.startswith("main/twice/") else shift
        assert after.nodes[node]["line"] == before.nodes[node]["line"] + moved, node
    assert sorted(before.nodes) == [
        "main",
        "main/double",
        "main/double#2",
        "main/src",
        "main/src#2",
        "main/twice/double",
        "main/twice/double#2",
    ]


def test_as_completed_iterated_coroutines_and_awaits_in_comprehensions():
    graph, r = run_both(
        """
        @env.task
        async def first(x: int) -> int:
            return x + 1

        @env.task
        async def second(x: int) -> int:
            return x + 2

        @env.task
        async def step(i: int) -> int:
            return i * 10

        @env.task
        async def total(x: int) -> int:
            return x

        @env.task
        async def main(x: int) -> int:
            acc = 0
            for fut in asyncio.as_completed([first(x), second(x)]):
                acc += await fut
            for coro in [first(acc), second(acc)]:
                acc += await coro
            steps = [await step(i) for i in range(3)]
            return await total(acc + sum(steps))
        """,
        args={"x": 0},
    )
    assert r.output == 3 + 4 + 5 + 30 and r.ran("demo.first") == 2 and r.ran("demo.second") == 2
    f1, s1, f2, s2, step, total = (
        "main/first",
        "main/second",
        "main/first#2",
        "main/second#2",
        "main/step",
        "main/total",
    )
    assert all(graph.nodes[n]["never_runs"] is False for n in (f1, s1, f2, s2, step, total))
    assert graph.nodes[step]["count"] == 3
    assert edge_kinds(graph, step, step) == "order"  # each await in the comprehension waits for the previous
    assert not graph.has_edge(f1, s1) and not graph.has_edge(s1, f1)  # as_completed runs them together
    assert {(f1, f2), (s1, f2), (f1, s2), (s1, s2), (f2, total), (s2, total), (step, total)} <= data_edges(graph)


def test_partial_forward_recursion_and_conditional_expression():
    graph, r = run_both(
        """
        @env.task
        async def scale(x: int, factor: int) -> int:
            return x * factor

        @env.task
        async def sub(x: int) -> int:
            return x + 1

        @env.task
        async def leaf(x: int) -> int:
            return await sub(x) * 2

        @env.task
        async def countdown(n: int) -> int:
            if n <= 0:
                return 0
            return await countdown(n - 1) + 1

        @env.task
        async def main(x: int) -> int:
            p = functools.partial(scale, factor=2)
            a = await p(x)
            b = await leaf.forward(a)  # leaf's body runs inside main: sub is main's child
            c = await countdown(3)
            return await sub(b) if c > 100 else await scale(b, c)
        """,
        args={"x": 1},
    )
    assert r.output == 18 and r.callers("demo.sub") == {"demo.main"} and r.ran("demo.countdown") == 4
    assert graph.nodes["main/leaf/sub"]["parent"] == "main"
    cut = "main/countdown/countdown"
    assert graph.nodes[cut]["recursive"] and graph.nodes[cut]["dynamic"] and graph.nodes[cut]["count"] is None
    assert graph.nodes[cut]["condition"] == "not (n <= 0)"
    other, chosen = "main/sub", "main/scale#2"
    assert graph.nodes[other]["condition"] == "c > 100" and graph.nodes[chosen]["condition"] == "not (c > 100)"
    assert not graph.has_edge(other, chosen)  # alternatives: neither follows the other
    assert data_edges(graph) == {
        ("main/scale", "main/leaf/sub"),
        ("main/leaf/sub", other),
        ("main/leaf/sub", chosen),
        ("main/countdown", chosen),
    }
    assert assert_graph_matches(graph, r) == {other}


def test_handler_that_returns_and_match_cases():
    graph, r = run_both(
        """
        @env.task
        async def boom(x: int) -> int:
            raise ValueError("boom")

        @env.task
        async def cleanup(x: int) -> int:
            return x

        @env.task
        async def after(x: int) -> int:
            return x

        @env.task
        async def one(x: int) -> int:
            return 1

        @env.task
        async def other(x: int) -> int:
            return 2

        @env.task
        async def main(x: int) -> int:
            match x:
                case 1:
                    y = await one(x)
                case _:
                    y = await other(x)
            try:
                y = await boom(y)
            except Exception:
                return -1
            finally:
                await cleanup(y)
            return await after(y)  # only when boom did not raise
        """,
        args={"x": 1},
    )
    assert r.output == -1 and {c.task for c in r.calls} == {"demo.main", "demo.one", "demo.boom", "demo.cleanup"}
    assert graph.nodes["main/one"]["condition"] == "match x: case 1"
    assert graph.nodes["main/other"]["condition"] == "match x: case _"
    assert not graph.nodes["main/boom"]["conditional"] and not graph.nodes["main/cleanup"]["conditional"]
    assert graph.nodes["main/after"]["condition"] == "no Exception raised"
    assert assert_graph_matches(graph, r) == {"main/other", "main/after"}


def test_tasks_chosen_at_run_time_or_wrapped_run_where_the_graph_has_unknown_nodes():
    # The SDK runs every one of these tasks; the graph cannot say which task each call runs, so each call is
    # an unknown node of main with the reason (it had no node at all, and the graph was "static").
    files = {
        "main.py": HEADER
        + textwrap.dedent("""
            from wrappers import logged

            @env.task
            async def child(x: int) -> int:
                return x + 1

            @env.task
            async def other(x: int) -> int:
                return x + 2

            @logged
            @env.task
            async def wrapped(x: int) -> int:
                return x * 10

            REGISTRY = {"c": child, "o": other}

            @env.task
            async def main(x: int, which: str = "o") -> int:
                total = 0
                for task in (child, other):
                    total += await task(x)
                pick = REGISTRY[which]
                total += await pick(x)
                return total + await wrapped(x)
            """),
        "wrappers.py": "def logged(fn):\n    print('logged', fn)\n    return fn\n",
    }
    result = run_program(files, args={"x": 1})
    assert result.ok and result.output == 2 + 3 + 3 + 10, result.summary()
    assert (result.ran("demo.child"), result.ran("demo.other"), result.ran("demo.wrapped")) == (1, 2, 1)
    graph = build_graph(files, inputs={"x": 1})
    unknown = {a["reason"] for _, a in graph.nodes(data=True) if a["kind"] == "unknown" and a["parent"] == "main"}
    assert unknown == {
        "the callee `task` is chosen by a loop at run time",
        "the callee `pick` is chosen at run time (`REGISTRY[which]`)",
        "`wrapped` is task demo.wrapped under a decorator the graph cannot see through",
    }
    # every task that ran without a node of its own ran under a node (main) that has unknown calls
    absent = {c.task for c in result.calls} - {a["task"] for _, a in graph.nodes(data=True)}
    assert absent == {"demo.child", "demo.other", "demo.wrapped"}
    assert {c.parent for c in result.calls if c.task in absent} == {"demo.main"}
    assert graph.graph["static"] is False


def test_container_and_shell_tasks_are_task_nodes():
    # The SDK starts them as tasks of their own, named by `name=` (here they then fail: no Docker, which the
    # workflow catches). A call never awaited starts nothing; a ContainerTask map runs one per item.
    graph, result = run_both(
        {
            "main.py": HEADER
            + textwrap.dedent("""
        from flyte.extras import ContainerTask, shell

        echo = ContainerTask(name="echo", image="alpine", command=["echo"], inputs={"x": int}, outputs={"y": int})
        count = shell.create(name="count", image="alpine", script="echo {inputs.x}", inputs={"x": int})
        tools = flyte.TaskEnvironment.from_task("tools", echo)
        env.add_dependency(tools, count.env)

        @env.task
        async def add(x: int) -> int:
            return x + 1

        async def attempt(coro) -> int:
            try:
                await coro
            except Exception:
                pass
            return 1

        @env.task
        async def main(n: int = 2) -> int:
            a = await add(n)
            try:
                await echo(x=a)
            except Exception:
                pass
            done = await attempt(count(x=a))
            items = [r async for r in flyte.map.aio(echo, [1, 2, 3])]
            echo(x=5)  # (never awaited: never runs)
            local = ContainerTask(name="local", image="alpine", command=["true"])
            done += await attempt(local())
            return a + done + len(items)
    """)
        }
    )
    assert result.output == 3 + 2 + 3, result.summary()
    assert (result.ran("echo"), result.ran("count"), result.ran("local")) == (4, 1, 1)  # (echo: a call, 3 items)
    facts = {
        n: (a["kind"], a["task"], a["env"], a["object"], a["count"], a["never_runs"])
        for n, a in graph.nodes(data=True)
        if a.get("object")
    }
    assert facts == {
        "main/echo": ("task", "echo", "tools", "ContainerTask", 1, False),
        "main/count": ("task", "count", "count", "shell", 1, False),
        "main/map-echo": ("map", "echo", "tools", "ContainerTask", 3, False),
        "main/echo#2": ("task", "echo", "tools", "ContainerTask", 1, True),
        "main/local": ("task", "local", None, "ContainerTask", 1, False),
    }
    assert edge_kinds(graph, "main/add", "main/echo") == "data"
    assert graph.graph["static"] is True


# A program's own record of the flyte.group each task call is submitted in: the SDK reads the group from the
# task context when the call's coroutine submits it (LocalController.submit), so the program wraps that.
GROUP_RECORDER = """
from flyte._context import internal_ctx
from flyte._internal.controllers import _local_controller

SUBMITTED: list[str] = []
_submit = _local_controller.LocalController.submit


async def _recording_submit(self, _task, *args, **kwargs):
    tctx = internal_ctx().data.task_context
    SUBMITTED.append(f"{_task.name}@{tctx.group_data.name if tctx.group_data else ''}")
    return await _submit(self, _task, *args, **kwargs)


_local_controller.LocalController.submit = _recording_submit
"""


def _graph_groups(graph: nx.DiGraph) -> set[str]:
    return {
        f"{a['task']}@{a['group'] or ''}"
        for n, a in graph.nodes(data=True)
        if a["parent"] is not None and a["kind"] in RUNS and not a.get("never_runs")
    }


def test_coroutines_kept_in_containers_run_in_the_group_they_are_gathered_in():
    # The shape of flyte-sdk's basics/grouping.py: coroutines made in a loop go into lists of a dict under a key
    # known only at run time, and each list is gathered inside its own flyte.group. They run (no "never runs"),
    # in the group where they are gathered, not where they were made.
    graph, r = run_both(
        {
            "main.py": HEADER
            + GROUP_RECORDER
            + textwrap.dedent("""
        @env.task
        async def double(x: int) -> int:
            return x * 2

        @env.task
        async def total(xs: list[int]) -> int:
            return sum(xs)

        @env.task
        async def main(n: int = 4) -> list[str]:
            buckets: dict[str, list] = {"even": [], "odd": []}
            for i in range(n):
                key = "even" if i % 2 == 0 else "odd"
                buckets[key].append(double(i))
            with flyte.group("evens"):
                a = await asyncio.gather(*buckets["even"])
            with flyte.group("odds"):
                b = await asyncio.gather(*buckets["odd"])
            await total(list(a) + list(b))
            return SUBMITTED
        """)
        }
    )
    submitted = sorted(call for call in r.output if not call.startswith("demo.main@"))  # (the run's entry too)
    assert submitted == ["demo.double@evens"] * 2 + ["demo.double@odds"] * 2 + ["demo.total@"]
    evens, odds, total = "main/double", "main/double@odds", "main/total"
    assert {
        n: (graph.nodes[n]["group"], graph.nodes[n]["never_runs"], graph.nodes[n]["count"]) for n in (evens, odds)
    } == {evens: ("evens", False, 4), odds: ("odds", False, 4)}
    # the key is known only at run time: each node holds some of the 4 runs
    assert graph.nodes[evens]["conditional"] and graph.nodes[odds]["conditional"]
    assert _graph_groups(graph) == set(submitted)
    assert data_edges(graph) == {(evens, total), (odds, total)}
    assert order_edges(graph) == {(evens, odds)}  # the odd ones start once the even ones are done


def test_coroutines_in_lists_dicts_tasks_task_groups_as_completed_and_wait_run():
    source = HEADER + textwrap.dedent("""
        @env.task
        async def double(x: int) -> int:
            return x * 2

        @env.task
        async def total(xs: list[int]) -> int:
            return sum(xs)

        @env.task
        async def main(n: int = 2) -> int:
            coros = [double(1), double(2)]
            built = []
            for i in range(n):
                built.append(double(i))
            by_name = {"x": double(10), "y": double(20)}
            later = {}
            later["z"] = double(30)
            kept = asyncio.create_task(double(5))
            with flyte.group("lists"):
                first = await asyncio.gather(*coros, *built)
            second = await asyncio.gather(*by_name.values(), later["z"])
            async with asyncio.TaskGroup() as tg:
                t = tg.create_task(double(7))
            done, _ = await asyncio.wait([asyncio.create_task(double(j)) for j in range(2)])
            s = 0
            for fut in asyncio.as_completed([double(3), double(4)]):
                s += await fut
            rest = [await kept, t.result(), s] + [d.result() for d in done]
            return await total(list(first) + list(second) + rest)
        """)
    graph, r = run_both({"main.py": source})
    assert r.ran("demo.double") == 2 + 2 + 2 + 1 + 1 + 1 + 2 + 2 and r.output == 2 * (3 + 1 + 30 + 30 + 5 + 7 + 1 + 7)
    line = {text.strip(): n for n, text in enumerate(source.splitlines(), 1)}
    at = {graph.nodes[n]["line"]: n for n, a in graph.nodes(data=True) if a["task"] == "demo.double"}
    assert all(graph.nodes[n]["never_runs"] is False and not graph.nodes[n]["conditional"] for n in at.values())
    assert sum(graph.nodes[n]["count"] for n in graph if graph.nodes[n]["task"] == "demo.double") == r.ran(
        "demo.double"
    )
    assert {graph.nodes[n]["group"] for n in graph if graph.nodes[n]["task"] == "demo.double"} == {"lists", None}
    # in the group where they are gathered, not where they were made; a task from create_task where it was created
    assert graph.nodes[at[line["coros = [double(1), double(2)]"]]]["group"] == "lists"
    assert graph.nodes[at[line["kept = asyncio.create_task(double(5))"]]]["group"] is None
    assert {n for n in graph if graph.nodes[n]["task"] == "demo.double"} == {
        u for u, v in data_edges(graph) if v == "main/total"
    }
    # the TaskGroup's block ends when its task has completed: the tasks started after it follow it
    in_group, waited = (
        at[line["t = tg.create_task(double(7))"]],
        at[line["done, _ = await asyncio.wait([asyncio.create_task(double(j)) for j in range(2)])"]],
    )
    assert edge_kinds(graph, in_group, waited) == "order"
    assert not graph.has_edge(at[line["kept = asyncio.create_task(double(5))"]], in_group)  # (kept runs alongside)


def test_a_loop_over_a_known_sequence_runs_and_replaces_the_values_it_always_assigns():
    graph, r = run_both(
        """
        @env.task
        async def a(x: int) -> int:
            return x + 1

        @env.task
        async def b(x: int) -> int:
            return x * 2

        @env.task
        async def c(x: int) -> int:
            return x - 1

        @env.task
        async def main(x: int = 1) -> int:
            y = await a(x)
            for i in range(3):
                y = await b(i)          # replaces y on every path: a's y does not reach c
            z = await c(y)
            w = await a(x)
            for i in [1, 2]:
                if i == 1:
                    continue            # before the assignment: a's w may reach c
                w = await b(w)
            v = await a(x)
            for i in (5, 6):
                if i == 6:
                    v = await b(v)      # under `if`: a's v may reach c
            u = await a(x)
            for i in range(4):
                if i == x:
                    break               # before the assignment: a's u may reach c
                u = await b(u)
            return await c(z + w + v + u)
        """,
    )
    assert r.ran("demo.b") == 3 + 1 + 1 + 1 and r.output == (4 - 1) + 4 + 4 + 4 - 1
    a1, b1, c1, a2, b2, a3, b3, a4, b4, c2 = (
        "main/a",
        "main/b",
        "main/c",
        "main/a#2",
        "main/b#2",
        "main/a#3",
        "main/b#3",
        "main/a#4",
        "main/b#4",
        "main/c#2",
    )
    # the body of a loop over a known non-empty sequence always runs: its calls are not conditional
    assert (graph.nodes[b1]["count"], graph.nodes[b1]["conditional"]) == (3, False)
    assert graph.nodes[b2]["conditional"] and graph.nodes[b3]["conditional"]
    assert graph.nodes[b4]["count"] is None  # (a `break`: how often is known at run time)
    assert data_edges(graph) == {
        (b1, c1),
        (a2, b2),
        (b2, b2),
        (b2, c2),
        (a2, c2),
        (a3, b3),
        (b3, b3),
        (b3, c2),
        (a3, c2),
        (c1, c2),
        (a4, b4),
        (b4, b4),
        (b4, c2),
        (a4, c2),
    }
    assert (a1, c1) not in data_edges(graph)


def test_a_loop_over_a_literal_of_coroutines_runs_once_per_element():
    graph, r = run_both(
        """
        @env.task
        async def a(x: int) -> int:
            return x + 1

        @env.task
        async def b(x: int) -> int:
            return x * 2

        @env.task
        async def main(x: int = 1) -> int:
            y = await a(0)
            for coro in [a(x), b(x)]:
                y = await b(await coro)
            steps = [a(1), a(2), b(3)]
            del steps[0]
            for step in steps:
                y += await step
            return await a(y)
        """,
    )
    assert r.output == 4 + 3 + 6 + 1 and r.ran("demo.a") == 4 and r.ran("demo.b") == 4
    first, made, inner = "main/a", ("main/a#2", "main/b"), "main/b#2"
    # a loop over a literal takes as many elements as it has: its body runs twice, and always (first's y does
    # not reach past it)
    assert (graph.nodes[inner]["count"], graph.nodes[inner]["conditional"]) == (2, False)
    assert (first, "main/a#5") not in data_edges(graph) and (inner, "main/a#5") in data_edges(graph)
    assert graph.graph["static"]
    kept = ("main/a#4", "main/b#3")
    assert all(graph.nodes[n]["never_runs"] is False and not graph.nodes[n]["conditional"] for n in made + kept)
    # the coroutine deleted from the list before the loop never runs; FLY103 cannot tell, so the graph says "maybe"
    assert graph.nodes["main/a#3"]["never_runs"] is False and graph.nodes["main/a#3"]["conditional"]


def test_a_coroutine_handed_to_asyncio_wait_runs_only_before_python_3_11():
    import sys

    graph, r = run_both(
        """
        @env.task
        async def double(x: int) -> int:
            return x * 2

        @env.task
        async def main() -> int:
            done, _ = await asyncio.wait([asyncio.create_task(double(1))])
            try:
                more, _ = await asyncio.wait([double(2)])
            except TypeError:  # Python 3.11 and later: "Passing coroutines is forbidden, use tasks explicitly."
                more = set()
            return sum(d.result() for d in done | more)
        """,
    )
    assert r.ran("demo.double") == (2 if sys.version_info < (3, 11) else 1)
    assert not graph.nodes["main/double"]["conditional"]
    assert (
        graph.nodes["main/double#2"]["condition"]
        == "Python 3.10 (asyncio.wait raises TypeError for a coroutine from 3.11 on)"
    )


def test_asyncio_gather_starts_its_coroutines_when_called_not_when_awaited():
    graph, r = run_both(
        """
        @env.task
        async def slow(x: int) -> int:
            await asyncio.sleep(0.2)
            return x + 1

        @env.task
        async def fast(x: int) -> int:
            return x * 2

        @env.task
        async def main(x: int = 1) -> int:
            work = asyncio.gather(slow(x), slow(x + 1))
            first = await fast(x)
            await asyncio.wait({work})  # a future, not a coroutine: fine on every Python
            second, third = await work
            return first + second + third
        """,
    )
    assert r.output == 2 + 2 + 3 and r.ran("demo.slow") == 2
    slow1, slow2, fast = "main/slow", "main/slow#2", "main/fast"
    assert order_edges(graph) == set()  # the slow ones run alongside fast: none follows another
    assert not any(graph.nodes[n]["conditional"] for n in (slow1, slow2, fast))


def test_a_task_picked_from_a_dict_by_a_constant_key_is_its_own_node_however_it_is_called():
    # `TASKS["o"].aio(x)` and the partials of a task's `.aio` had no node at all (the graph said "static").
    graph, r = run_both(
        """
        @env.task
        async def child(x: int) -> int:
            return x + 1

        @env.task
        async def other(x: int) -> int:
            return x * 2

        TASKS = {"c": child, "o": other}

        @env.task
        async def main(x: int) -> int:
            y = await TASKS["o"].aio(x)
            z = await TASKS["c"].override(retries=1).aio(y)
            w = await functools.partial(TASKS["o"].aio, x=z)()
            p = functools.partial(child.aio, x=w)
            return await p()
        """,
        args={"x": 1},
    )
    assert r.output == 7 and r.tasks == ["demo.main", "demo.other", "demo.child", "demo.other", "demo.child"]
    runs = sorted((a["line"], n, a["task"]) for n, a in graph.nodes(data=True) if a["parent"] == "main")
    assert [(node, task) for _, node, task in runs] == [
        ("main/other", "demo.other"),
        ("main/child", "demo.child"),
        ("main/other#2", "demo.other"),
        ("main/child#2", "demo.child"),
    ]
    assert data_edges(graph) == {
        ("main/other", "main/child"),
        ("main/child", "main/other#2"),
        ("main/other#2", "main/child#2"),
    }
    assert graph.graph["static"] is True and assert_graph_matches(graph, r) == set()


def test_a_task_chosen_from_a_dict_at_run_time_and_called_by_aio_is_an_unknown_node():
    files = HEADER + textwrap.dedent("""
        @env.task
        async def child(x: int) -> int:
            return x + 1

        @env.task
        async def other(x: int) -> int:
            return x * 2

        TASKS = {"c": child, "o": other}

        @env.task
        async def main(x: int, which: str = "o") -> int:
            y = await TASKS[which].aio(x)
            z = await functools.partial(TASKS[which].override(retries=1).aio, x=y)()
            for task in TASKS.values():
                z += await task.aio(z)
            return z
        """)
    r = run_program({"main.py": files}, args={"x": 1})
    assert r.ok and r.output == 27 and r.ran("demo.other") == 3 and r.ran("demo.child") == 1, r.summary()
    graph = build_graph({"main.py": files}, inputs={"x": 1})
    unknown = sorted((a["line"], a["reason"]) for _, a in graph.nodes(data=True) if a["kind"] == "unknown")
    assert [reason for _, reason in unknown] == [
        "the callee `TASKS[which]` is chosen at run time",
        ("the callee `TASKS[which].override(retries=1)` is one of demo.child, demo.other, chosen at run time"),
        "the callee `task` is chosen by a loop at run time",
    ]
    assert all(graph.nodes[n]["parent"] == "main" for n, a in graph.nodes(data=True) if a["kind"] == "unknown")
    assert {c.parent for c in r.calls if c.parent is not None} == {"demo.main"}  # (each ran under main's unknowns)
    assert graph.graph["static"] is False
    # each one's output flows into the next (y into the partial, z into the loop, which carries it on)
    ids = [n for n, a in sorted(graph.nodes(data=True), key=lambda na: na[1]["line"]) if a["kind"] == "unknown"]
    assert data_edges(graph) == {(ids[0], ids[1]), (ids[1], ids[2]), (ids[2], ids[2])}


def test_tasks_called_in_a_method_of_a_project_class_run_where_the_graph_has_an_unknown_node():
    # The model resolves no method of an instance; these calls had no node and the graph said "static".
    files = HEADER + textwrap.dedent("""
        @env.task
        async def child(x: int) -> int:
            return x + 1

        class Runner:
            async def go(self, x: int) -> int:
                return await self.step(x) * 10

            async def step(self, x: int) -> int:
                return await child(x)

        @env.task
        async def main(x: int) -> int:
            r = Runner()
            return await r.go(x)
        """)
    r = run_program({"main.py": files}, args={"x": 1})
    assert r.ok and r.output == 20 and r.callers("demo.child") == {"demo.main"}, r.summary()
    graph = build_graph({"main.py": files}, inputs={"x": 1})
    assert [(a["parent"], a["reason"]) for _, a in graph.nodes(data=True) if a["kind"] == "unknown"] == [
        ("main", "`r.go` is method Runner.go of the project, which calls tasks: the graph does not follow methods")
    ]
    assert graph.graph["static"] is False
