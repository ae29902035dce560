"""Compile the top-level task of a Flyte 2 workflow into a static DAG (a networkx DiGraph), without running it.

The compiler walks the entry task's body in program order as an abstract interpreter. It tracks which task
outputs reach each variable (data edges), which task coroutines exist but have not started (so calls combined
by ``asyncio.gather`` or created and awaited later stay parallel), the completed tasks that later starts must
follow (order edges), loop trip counts (fan-out ``count``), branch conditions, ``flyte.group`` blocks and
``except`` handlers. Calls to tasks that call tasks are compiled under their node; recursion is cut.
Whatever it cannot resolve becomes a node of kind ``unknown`` with the reason.
"""

from __future__ import annotations

from typing import Any

import networkx as nx
from astroid import nodes

from flyte_lint import __version__
from flyte_lint.findings import char_column
from flyte_lint.graph.calls import CallsMixin
from flyte_lint.graph.constants import ConstantsMixin, jsonable
from flyte_lint.graph.deep_stack import DEEP_STACK_THREAD, with_deep_stack
from flyte_lint.graph.emission import EmissionMixin, GraphTooLarge, add_condition
from flyte_lint.graph.expressions import ExpressionsMixin
from flyte_lint.graph.scheduling import SchedulingMixin
from flyte_lint.graph.statements import StatementsMixin
from flyte_lint.graph.unresolved import UnresolvedMixin
from flyte_lint.graph.values import NOTHING, Context, Flow, Frame, Pending
from flyte_lint.model.analysis import Analysis, TaskObjectCall
from flyte_lint.model.entities import CallSite, Task

__all__ = ["DEEP_STACK_THREAD", "Compiler", "GraphTooLarge", "compile_entry", "lost_coroutine_calls", "with_deep_stack"]


class Compiler(
    EmissionMixin, SchedulingMixin, StatementsMixin, ExpressionsMixin, CallsMixin, UnresolvedMixin, ConstantsMixin
):
    """Compiles one entry task into ``self.graph``: one compiler per graph (it keeps the state of one walk).

    ``compile`` binds the entry's parameters (its inputs) and walks its body. The walk is split by job, one
    mixin each, all sharing the state set up in ``__init__``:

    - statements.py (StatementsMixin): statements in program order; branches, loops, ``try``, ``with``;
    - expressions.py (ExpressionsMixin): the flow of each expression, and which kind of call a call is;
    - calls.py (CallsMixin): the node each task, map, task-object, trace or unknown call makes; inlined helpers;
    - unresolved.py (UnresolvedMixin): why a call that may run a task cannot be resolved (an ``unknown`` node);
    - scheduling.py (SchedulingMixin): where a call's task starts and what it follows (order edges);
    - emission.py (EmissionMixin): the nodes (ids, attributes) and data edges of the output graph;
    - constants.py (ConstantsMixin): static values and the trip counts of loops and maps.

    The walk's state: ``graph`` (the output), ``sites``/``objects`` (what the model resolved each call to),
    ``pred``/``started_at``/``started`` (what started, in which order, after what), ``call_of`` (the call
    expression of each node, which the FLY7xx notes point at), and the stack of tasks being expanded (which
    cuts recursion). After the walk, a node whose coroutine the graph did not see start is "never runs" only
    where `flyte-lint check` says so too (``_confirm_never_runs``)."""

    def __init__(self, analysis: Analysis, inputs: dict[str, Any] | None = None, use_defaults: bool = True) -> None:
        """``inputs``: values of the entry's parameters for the run the graph describes. Parameters not given
        take their default values when ``use_defaults`` (a run with default inputs, the usual reading of a
        static DAG); otherwise they are unknown, and what depends on them is dynamic."""
        self.inputs = dict(inputs or {})
        self.use_defaults = use_defaults
        self.assumed_inputs: dict[str, Any] = {}
        self.analysis = analysis
        self.resolver = analysis.resolver
        self.sites: dict[int, CallSite] = analysis.site_of_call
        # ContainerTasks and shell tasks the model resolves, by id of the call that runs them (see _object_call)
        self.objects: dict[int, TaskObjectCall] = {id(u.call.node): u for u in analysis.task_object_calls}
        # calls of one of several tasks, not known which (``TOOLS[k](x)``), by id of the call
        self.choices: dict[int, CallSite] = {id(s.node): s for s in analysis.choice_sites}
        self.graph = nx.DiGraph()
        self.pred: dict[str, set[str]] = {}
        self.started_at: dict[str, int] = {}  # order in which nodes first started
        self.started: set[Pending] = set()  # identity-hashed; holding them keeps ids unique
        self._ordinals: dict[int, dict[int, int]] = {}
        self._reasons: dict[int, str | None] = {}  # why each call is unresolved (None: surely no task), by id
        self._runs_tasks: dict[int, bool] = {}  # whether a function's body may call a task, by id (_may_run_tasks)
        self._handed: set[int] = set()  # calls handed a function that calls tasks (_why_handed), by id
        self._stack: list[Task] = []
        self.call_of: dict[str, nodes.Call] = {}  # node id -> the call expression that makes it
        self._expanded: set[str] = set()
        self._start_groups: dict[str, dict[str | None, str]] = {}  # node -> group it started in -> node started there
        self._tasks: set[Pending] = set()  # started as asyncio tasks
        self.edges = 0  # edges added so far (see MAX_EDGES)

    # -- entry ---------------------------------------------------------------------------------------
    def compile(self, entry: Task, expand: bool = True) -> nx.DiGraph:
        """Compile ``entry``. Each level of nested task calls costs a few Python frames, so deep workflows
        compile on a thread with a large stack and a raised recursion limit."""
        return with_deep_stack(lambda: self._compile(entry, expand))

    def _compile(self, entry: Task, expand: bool) -> nx.DiGraph:
        self.expand = expand
        root = entry.func.name
        self.graph.graph.update(entry=entry.name, static=True, flyte_lint_version=__version__)
        self._add_node(
            root,
            kind="task",
            task=entry.name,
            site_module=entry.module,
            line=entry.func.lineno,
            env_task=entry,
            ctx=Context(),
            parent=None,
        )
        self._expand(entry, root, {}, entry_call=True)
        self._confirm_never_runs()
        self.graph.graph["inputs"] = {k: jsonable(v) for k, v in sorted(self.assumed_inputs.items())}
        self.graph.graph["static"] = not any(
            attrs.get("dynamic") or attrs.get("kind") == "unknown" for _, attrs in self.graph.nodes(data=True)
        )
        return self.graph

    def _confirm_never_runs(self) -> None:
        """A coroutine (or a map's generator) the compiler did not see start "never runs" only where
        `flyte-lint check` says so too (FLY103/FLY104: discarded, bound to a name never used, returned as a task's
        output; FLY201: a map never iterated). Elsewhere it went where the graph cannot follow (a call of unknown
        code, an attribute, a container left as it is): it runs if something awaits or iterates it, so the node
        is conditional, not "never runs"."""
        lost = None
        for node_id, attrs in self.graph.nodes(data=True):
            if not attrs.get("never_runs"):
                continue
            if lost is None:
                lost = lost_coroutine_calls(self.analysis)
            call = self.call_of.get(node_id)
            if call is None or _finding_place(self.resolver.module_of(call), call) not in lost:
                attrs["never_runs"] = False
                if attrs["kind"] == "trace":  # (no rule tells a lost trace coroutine)
                    kept = "its coroutine is awaited (the graph did not see it awaited)"
                elif attrs["kind"] == "map":
                    kept = "its generator, kept where the graph cannot follow it, is iterated"
                else:
                    kept = "its coroutine, kept where the graph cannot follow it, is awaited"
                add_condition(attrs, kept)

    def _expand(self, task: Task, node_id: str, arguments: dict[str, Flow], entry_call: bool = False) -> None:
        if node_id in self._expanded:
            return
        self._expanded.add(node_id)
        self._stack.append(task)
        try:
            frame = Frame(parent=node_id, prefix=node_id, function=task.func)
            self._bind_parameters(task.func, frame, arguments, entry=entry_call)
            self._block(task.func.body, frame, Context())
        finally:
            self._stack.pop()

    def _bind_parameters(self, func: nodes.FunctionDef, frame: Frame, arguments: dict[str, Flow], entry: bool) -> None:
        args = func.args
        positional = list(args.posonlyargs or []) + list(args.args or [])
        defaults = dict(
            zip(
                [a.name for a in positional[len(positional) - len(args.defaults or []) :]],
                args.defaults or [],
                strict=True,
            )
        )
        defaults.update(
            {a.name: d for a, d in zip(args.kwonlyargs or [], args.kw_defaults or [], strict=True) if d is not None}
        )
        for arg in positional + list(args.kwonlyargs or []):
            flow = arguments.get(arg.name)
            if entry:
                # The entry's inputs come with the run (`flyte.run(main, n=5)`): the graph describes the run
                # with the inputs given, else with the defaults (recorded in the graph's `inputs`).
                if arg.name in self.inputs:
                    frame.vars[arg.name] = Flow(const=self.inputs[arg.name])
                    self.assumed_inputs[arg.name] = self.inputs[arg.name]
                elif self.use_defaults and arg.name in defaults:
                    value = self._const(defaults[arg.name], frame)
                    frame.vars[arg.name] = Flow(const=value)
                    if value is not NOTHING:
                        self.assumed_inputs[arg.name] = value
                else:
                    frame.vars[arg.name] = Flow()
            elif flow is not None:
                frame.vars[arg.name] = flow
            elif arg.name in defaults:
                frame.vars[arg.name] = Flow(const=self._const(defaults[arg.name], frame))
            else:
                frame.vars[arg.name] = Flow()
        for name in (args.vararg, args.kwarg):
            if name:
                flow = arguments.get(name)
                frame.vars[name] = flow if flow is not None and not entry else Flow()


def lost_coroutine_calls(analysis: Analysis) -> set[tuple[str, int, int]]:
    """(path, line, column) of the calls that the rules which find calls that never run (``Rule.
    finds_calls_that_never_run``: FLY103, FLY104, FLY201) report.

    The rules are read from their registry in ``flyte_lint.rules.base`` (importing it runs ``flyte_lint.rules``,
    which registers every rule), not from ``flyte_lint.rules``, whose FLY7xx notes module imports this one: the
    graph reads the rules' registry, the notes read the graph, and no import goes both ways."""
    from flyte_lint.rules.base import REGISTRY

    # (one check per model: the FLY7xx notes compile each task)
    return analysis.memo(
        "graph.lost_coroutine_calls",
        lambda: {
            (finding.path, finding.line, finding.column)
            for rule in REGISTRY.values()
            if rule.finds_calls_that_never_run
            for finding in rule.check(analysis)
        },
    )


def _finding_place(module, call: nodes.Call) -> tuple[str, int, int]:
    """Where a rule's finding at ``call`` is (see Rule.finding)."""
    line = call.lineno or 1
    return module.display_path, line, char_column(module, line, call.col_offset or 0) + 1


def compile_entry(
    analysis: Analysis,
    entry: Task,
    expand: bool = True,
    inputs: dict[str, Any] | None = None,
    use_defaults: bool = True,
) -> nx.DiGraph:
    return Compiler(analysis, inputs, use_defaults).compile(entry, expand=expand)
