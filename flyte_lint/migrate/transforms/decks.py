"""Flyte 1's Decks -> Flyte 2's report (``flyte.report``; the decorator's ``enable_deck=True`` is ``report=True``
already, task_options.py). Checked against flytekit's deck.py and flyte 2.12.1's flyte/report:

- ``Deck(name, html)`` as a statement -> ``flyte.report.get_tab(name).log(html)``; ``d = Deck(name[, html])`` ->
  ``d = flyte.report.get_tab(name)`` (then ``d.log(html)``), and ``d.append(html)`` -> ``d.log(html)`` (a Flyte 2
  tab, like a Flyte 1 deck, is one named page of the task's report);
- ``ctx.default_deck.append(html)`` (Flyte 1 makes a deck named "default" on each read) -> the report's main tab:
  ``flyte.report.log(html)``, in an ``async def`` ``await flyte.report.log.aio(html)`` (a syncified call in async
  code stalls the loop: FLY105); ``dd = ctx.default_deck`` read only by ``dd.append(...)`` statements goes;
- ``Deck.publish()`` -> ``flyte.report.flush()`` / ``await flyte.report.flush.aio()`` (Flyte 2 also flushes a
  report with content when the task ends);
- a ``ctx = flyte.ctx()`` read for its ``default_deck`` that nothing reads any more goes;
- flytekit.deck's ``MarkdownRenderer().to_html(text)`` -> ``MarkdownIt().render(text)`` (what it runs;
  markdown-it-py comes with flyte 2 through rich). Other renderers (flytekitplugins.deck) get the imports' TODO.

Anything else (``auto_add_to_deck=False``, a deck's value used as an expression, ``ctx.decks``...) gets a TODO.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from flyte_lint.migrate.transforms.base import Transform

SECTION_DECKS = '§6 "Task and Workflow Migration" (TaskEnvironment Configuration: report=True)'
CTX_CALL = "flyte.ctx()"


def _code(node: cst.CSTNode) -> str:
    return cst.Module(body=[]).code_for_node(node)


def _call(dotted: str, args: list[cst.Arg]) -> cst.Call:
    return cst.Call(
        func=cst.parse_expression(dotted), args=[a.with_changes(comma=cst.MaybeSentinel.DEFAULT) for a in args]
    )


@dataclass
class _Function:
    is_async: bool
    ctx_names: set[str] = field(default_factory=set)  # names bound to flyte.ctx() and read for a default_deck
    tabs: set[str] = field(default_factory=set)  # names bound to a Deck (now a report tab)
    default_decks: set[str] = field(default_factory=set)  # names bound to ctx.default_deck, read only by appends
    statement_calls: set[int] = field(default_factory=set)  # calls that are whole statements (value unused)


class _Reads(cst.CSTVisitor):
    """How each name is read in a function: ``appends`` counts ``name.append(...)`` statements, ``reads`` all
    reads (assignment targets aside)."""

    def __init__(self) -> None:
        self.reads: dict[str, int] = {}
        self.appends: dict[str, int] = {}
        self.deck_reads: set[str] = set()  # the names read as `name.default_deck`

    def visit_Expr(self, node: cst.Expr) -> None:
        call = node.value
        if (
            isinstance(call, cst.Call)
            and isinstance(call.func, cst.Attribute)
            and call.func.attr.value == "append"
            and isinstance(call.func.value, cst.Name)
        ):
            self.appends[call.func.value.value] = self.appends.get(call.func.value.value, 0) + 1

    def visit_AssignTarget(self, node: cst.AssignTarget) -> bool:
        return not isinstance(node.target, cst.Name)

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        if node.attr.value == "default_deck" and isinstance(node.value, cst.Name):
            self.deck_reads.add(node.value.value)
        node.value.visit(self)
        return False

    def visit_Name(self, node: cst.Name) -> None:
        self.reads[node.value] = self.reads.get(node.value, 0) + 1


class DecksTransform(Transform):
    section = SECTION_DECKS

    def __init__(self, file) -> None:
        super().__init__(file)
        self._stack: list[_Function] = []
        self._after: dict[int, cst.BaseSmallStatement] = {}  # an assignment's id -> the statement to add after it
        self._assigned: dict[int, cst.Assign] = {}  # a Deck(...) call's id -> the `d = Deck(...)` it is the value of
        self._consumed: set[int] = set()  # the `ctx.default_deck` nodes an `.append(...)` rewrites
        self._lines: set[int] = set()  # the small statements alone on their line

    # -- where we are ------------------------------------------------------------------------------------------
    @property
    def _frame(self) -> _Function | None:
        return self._stack[-1] if self._stack else None

    def _is_ctx(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.Name):
            return self._frame is not None and node.value in self._frame.ctx_names
        return isinstance(node, cst.Call) and _code(node) == CTX_CALL

    def _is_default_deck(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.Name):
            return self._frame is not None and node.value in self._frame.default_decks
        return isinstance(node, cst.Attribute) and node.attr.value == "default_deck" and self._is_ctx(node.value)

    def _is_deck_class(self, node: cst.BaseExpression) -> bool:
        path = self.v1_path(node)
        return self.v1_symbol(node) == "Deck" and bool(path) and path.rsplit(".", 1)[-1] == "Deck"

    def _syncified(self, dotted: str, args: list[cst.Arg]) -> cst.BaseExpression:
        self.require("import flyte")
        if self._frame is not None and self._frame.is_async:
            return cst.Await(expression=_call(f"{dotted}.aio", args))
        return _call(dotted, args)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        frame = _Function(is_async=node.asynchronous is not None)
        reads = _Reads()
        node.body.visit(reads)
        assignments = _assignments(node.body)
        frame.ctx_names = {
            name
            for name, value in assignments
            if isinstance(value, cst.Call) and self._is_ctx(value) and name in reads.deck_reads
        }
        self._stack.append(frame)
        for name, value in assignments:
            if self._is_default_deck(value) and reads.reads.get(name, 0) == reads.appends.get(name, 0):
                frame.default_decks.add(name)
        return True

    def leave_FunctionDef(self, original, updated):
        frame = self._stack.pop()
        if not frame.ctx_names:
            return updated
        reads = _Reads()
        updated.body.visit(reads)
        unread = {n for n in frame.ctx_names if not reads.reads.get(n)}
        return updated.visit(_DropAssignments(unread, CTX_CALL)) if unread else updated

    def visit_Expr(self, node: cst.Expr) -> None:
        if self._frame is not None:
            self._frame.statement_calls.add(id(node.value))

    # -- the rewrites ------------------------------------------------------------------------------------------
    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = original.func
        frame = self._frame
        statement = frame is not None and id(original) in frame.statement_calls
        if isinstance(func, cst.Attribute) and func.attr.value == "append" and frame is not None:
            one_arg = len(updated.args) == 1 and updated.args[0].keyword is None and not updated.args[0].star
            if self._is_default_deck(func.value):
                if not (statement and one_arg):
                    self.todo_here("log to the report's main tab: flyte.report.log(html)")
                    return updated
                return self._syncified("flyte.report.log", list(updated.args))
            if isinstance(func.value, cst.Name) and func.value.value in frame.tabs:
                if not (statement and one_arg):
                    self.todo_here("a report tab's log() returns None, not the tab: log to it statement by statement")
                    return updated
                return updated.with_changes(func=updated.func.with_changes(attr=cst.Name("log")))
        if isinstance(func, cst.Attribute) and func.attr.value == "publish" and self._is_deck_class(func.value):
            return self._syncified("flyte.report.flush", [])
        if self._is_deck_class(func):
            return self._deck(original, updated, statement)
        if self._is_markdown_rendering(original):
            self.require("from markdown_it import MarkdownIt")
            return updated.with_changes(
                func=cst.Attribute(value=cst.parse_expression("MarkdownIt()"), attr=cst.Name("render"))
            )
        return updated

    def _is_markdown_rendering(self, call: cst.Call) -> bool:
        """``MarkdownRenderer().to_html(text)`` of flytekit.deck: ``MarkdownIt().render(text)`` is what it runs."""
        func = call.func
        if not (
            isinstance(func, cst.Attribute)
            and func.attr.value == "to_html"
            and isinstance(func.value, cst.Call)
            and not func.value.args
            and len(call.args) == 1
        ):
            return False
        path = self.v1_path(func.value.func) or ""
        return path.startswith("flytekit.deck") and path.endswith(".MarkdownRenderer")

    def _deck(self, original: cst.Call, updated: cst.Call, statement: bool) -> cst.BaseExpression:
        args: dict[str, cst.Arg] = {}
        for i, arg in enumerate(updated.args):
            key = arg.keyword.value if arg.keyword else ("name", "html", "auto_add_to_deck")[i] if i < 3 else "*"
            args["*" if arg.star else key] = arg
        auto = args.pop("auto_add_to_deck", None)
        if "*" in args or "name" not in args or (auto is not None and _code(auto.value) != "True"):
            self.todo_here("write the deck as a report tab: flyte.report.get_tab(name).log(html)")
            return original
        tab = _call("flyte.report.get_tab", [cst.Arg(args["name"].value)])
        self.require("import flyte")
        html = args.get("html")
        if statement:
            return (
                cst.Call(func=cst.Attribute(value=tab, attr=cst.Name("log")), args=[cst.Arg(html.value)])
                if html
                else tab
            )
        assign = self._assigned.get(id(original))
        if assign is None:
            self.todo_here("write the deck as a report tab: flyte.report.get_tab(name).log(html)")
            return original
        if html is not None:
            self._after[id(assign)] = cst.Expr(
                cst.Call(
                    func=cst.Attribute(value=cst.Name(assign.targets[0].target.value), attr=cst.Name("log")),
                    args=[cst.Arg(html.value)],
                )
            )
        return tab

    def visit_Assign(self, node: cst.Assign) -> None:
        frame = self._frame
        if frame is None or len(node.targets) != 1 or not isinstance(node.targets[0].target, cst.Name):
            return
        name = node.targets[0].target.value
        if name in frame.default_decks:
            self._consumed.add(id(node.value))  # (the statement goes)
        if isinstance(node.value, cst.Call) and self._is_deck_class(node.value.func) and id(node) in self._lines:
            frame.tabs.add(name)
            self._assigned[id(node.value)] = node

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        if len(node.body) == 1:  # (a statement added after it, or its removal, needs a line of its own)
            self._lines.add(id(node.body[0]))

    def leave_SimpleStatementLine(self, original, updated):
        frame = self._frame
        if frame is not None and len(original.body) == 1 and isinstance(original.body[0], cst.Assign):
            assign = original.body[0]
            target = assign.targets[0].target if len(assign.targets) == 1 else None
            if isinstance(target, cst.Name) and target.value in frame.default_decks:
                return cst.RemoveFromParent()  # `dd = ctx.default_deck`: its appends log to the report now
            after = self._after.pop(id(assign), None)
            if after is not None:
                return cst.FlattenSentinel([updated, cst.SimpleStatementLine(body=[after])])
        return updated

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute) -> cst.BaseExpression:
        attr = original.attr.value
        if attr in ("default_deck", "decks") and self._is_ctx(original.value) and id(original) not in self._consumed:
            self.todo_here("Flyte 2 writes a task's report with flyte.report (log, get_tab, flush)")
        return updated

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func  # `ctx.default_deck.append(html)`: the append rewrites the `ctx.default_deck`
        if isinstance(func, cst.Attribute) and func.attr.value == "append" and isinstance(func.value, cst.Attribute):
            self._consumed.add(id(func.value))


class _Assignments(cst.CSTVisitor):
    """The ``name = value`` statements of a function body (not of nested functions or classes)."""

    def __init__(self) -> None:
        self.found: list[tuple[str, cst.BaseExpression]] = []

    def visit_FunctionDef(self, node) -> bool:
        return False

    def visit_ClassDef(self, node) -> bool:
        return False

    def visit_SimpleStatementSuite(self, node) -> bool:
        return False  # (`if x: dd = ctx.default_deck`: no line of its own to drop)

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> bool:
        return len(node.body) == 1

    def visit_Assign(self, node: cst.Assign) -> None:
        if len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name):
            self.found.append((node.targets[0].target.value, node.value))


def _assignments(body: cst.BaseSuite) -> list[tuple[str, cst.BaseExpression]]:
    visitor = _Assignments()
    body.visit(visitor)
    return visitor.found


class _DropAssignments(cst.CSTTransformer):
    """Drops ``name = <value>`` statements (``value`` given as code) for the given names, not in nested defs."""

    def __init__(self, names: set[str], value: str) -> None:
        self.names = names
        self.value = value
        self.depth = 0

    def visit_FunctionDef(self, node) -> bool:
        self.depth += 1
        return self.depth == 1

    def leave_FunctionDef(self, original, updated):
        self.depth -= 1
        return updated

    def leave_SimpleStatementLine(self, original, updated):
        if len(updated.body) == 1 and isinstance(updated.body[0], cst.Assign):
            assign = updated.body[0]
            if (
                len(assign.targets) == 1
                and isinstance(assign.targets[0].target, cst.Name)
                and assign.targets[0].target.value in self.names
                and _code(assign.value) == self.value
            ):
                return cst.RemoveFromParent()
        return updated


TRANSFORM = DecksTransform
