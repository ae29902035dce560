"""The tree builder: astroid's TreeRebuilder on ``ast.parse`` output, with two additions.

It notes the nodes the analysis model starts from (INDEXED_NODES) as it builds them, so that nothing walks
the tree again; and it builds the most common nodes (names, constants, attributes, calls, keywords,
assignments, expression statements, returns, awaits, comparisons, binary operations, subscripts, tuples,
lists, f-strings and the parameters of most defs: 90% of the corpus's nodes) without astroid's
keyword-argument constructors, which cost a third of the build. Those nodes come out exactly as astroid
builds them: ``FAST`` checks that at import, on a probe covering every fast path, and turns the fast paths
off if an astroid release builds them differently.
"""

from __future__ import annotations

import ast
import sys

from astroid import nodes
from astroid._ast import BIN_OP_CLASSES, CMP_OP_CLASSES, CONTEXT_CLASSES
from astroid.const import Context
from astroid.manager import AstroidManager
from astroid.rebuilder import REDIRECT, TreeRebuilder

# The nodes the analysis model starts from, noted while the tree is built.
INDEXED_NODES = (
    nodes.FunctionDef,
    nodes.AsyncFunctionDef,
    nodes.Call,
    nodes.Import,
    nodes.ImportFrom,
    nodes.Return,
    nodes.Yield,
    nodes.YieldFrom,
)

_new = object.__new__
_NONE = type(None)
_LOAD, _STORE = ast.Load, ast.Store
_CONTEXTS, _LOADING = CONTEXT_CLASSES, Context.Load
_OPERATORS, _COMPARISONS = BIN_OP_CLASSES, CMP_OP_CLASSES


def _noted(build):
    """``build`` (a visit method of an INDEXED_NODES type), noting the node in ``found``. Its place in
    ``found`` is taken before its children are built, so the order is the pre-order a tree walk gives."""

    def visit(self, node, parent):
        found = self.found
        slot = len(found)
        found.append(None)
        built = build(self, node, parent)
        found[slot] = built
        return built

    visit.__name__ = build.__name__
    return visit


def _nothing(builder, node: None, parent: nodes.NodeNG) -> None:
    return None


def _valued(kind: type):
    """The fast path of a node whose one field is ``value`` (a missing value, as in ``return``, visits as None):
    made once per node type, so that it costs no more than a method written out."""

    def visit(self, node: ast.Expr | ast.Return | ast.Await, parent: nodes.NodeNG) -> nodes.NodeNG:
        built = _new(kind)
        built.lineno, built.col_offset, built.parent = node.lineno, node.col_offset, parent
        built.end_lineno, built.end_col_offset, built.position = node.end_lineno, node.end_col_offset, None
        built.value = self.visit(node.value, built)
        return built

    visit.__name__ = f"visit_{kind.__name__.lower()}"
    return visit


def _contained(kind: type):
    """The fast path of a tuple or a list (whose constructor sets its context and an empty ``elts`` first)."""

    def visit(self, node: ast.Tuple | ast.List, parent: nodes.NodeNG) -> nodes.NodeNG:
        built = _new(kind)
        built.ctx = _CONTEXTS.get(node.ctx.__class__, _LOADING)
        built.elts = []
        built.lineno, built.col_offset, built.parent = node.lineno, node.col_offset, parent
        built.end_lineno, built.end_col_offset, built.position = node.end_lineno, node.end_col_offset, None
        visit = self.visit
        built.elts = [visit(child, built) for child in node.elts]
        return built

    visit.__name__ = f"visit_{kind.__name__.lower()}"
    return visit


class _FastRebuilder(TreeRebuilder):
    """The common nodes built by setting their fields, as their constructors and ``postinit`` do, and in
    their order (so that the nodes keep sharing one key table per class: a dict per node would cost 30 % more
    memory). The fields NodeNG.__init__ sets are set in place (lineno, col_offset, parent, end_lineno,
    end_col_offset, position): a helper function would cost a call per node."""

    # astroid's dispatch (a method per ast class, by name), from one table per builder class instead of one per
    # module built, and with None (a missing child) in it: dispatching, 330,000 calls on the corpus, was the
    # largest single cost of building. The functions are unbound (called with the builder).
    _dispatch: dict[type, object] = {}

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        cls._dispatch = {}  # (a subclass may override visit methods: its own table)

    def _learn(self, kind: type):
        if kind is _NONE:
            function = _nothing
        else:
            name = kind.__name__
            function = getattr(type(self), "visit_" + REDIRECT.get(name, name).lower())
        self._dispatch[kind] = function
        return function

    def visit(self, node: ast.AST | None, parent: nodes.NodeNG) -> nodes.NodeNG | None:
        return (self._dispatch.get(node.__class__) or self._learn(node.__class__))(self, node, parent)

    def visit_name(self, node: ast.Name, parent: nodes.NodeNG) -> nodes.NodeNG:
        kind = node.ctx.__class__
        if kind is _LOAD:
            built = _new(nodes.Name)
        elif kind is _STORE:  # a binding: astroid also records it in its scope
            built = _new(nodes.AssignName)
        else:  # a del
            return TreeRebuilder.visit_name(self, node, parent)
        built.name = node.id
        built.lineno, built.col_offset, built.parent = node.lineno, node.col_offset, parent
        built.end_lineno, built.end_col_offset, built.position = node.end_lineno, node.end_col_offset, None
        if kind is _STORE:
            self._save_assignment(built)
        return built

    def visit_constant(self, node: ast.Constant, parent: nodes.NodeNG) -> nodes.Const:
        built = _new(nodes.Const)
        built.value, built.kind = node.value, node.kind
        built.lineno, built.col_offset, built.parent = node.lineno, node.col_offset, parent
        built.end_lineno, built.end_col_offset, built.position = node.end_lineno, node.end_col_offset, None
        return built

    def visit_attribute(self, node: ast.Attribute, parent: nodes.NodeNG) -> nodes.NodeNG:
        if node.ctx.__class__ is not _LOAD:  # an assignment or a del: astroid records the former
            return TreeRebuilder.visit_attribute(self, node, parent)
        built = _new(nodes.Attribute)
        built.attrname = node.attr
        built.lineno, built.col_offset, built.parent = node.lineno, node.col_offset, parent
        built.end_lineno, built.end_col_offset, built.position = node.end_lineno, node.end_col_offset, None
        built.expr = self.visit(node.value, built)
        return built

    def visit_call(self, node: ast.Call, parent: nodes.NodeNG) -> nodes.Call:
        built = _new(nodes.Call)
        built.lineno, built.col_offset, built.parent = node.lineno, node.col_offset, parent
        built.end_lineno, built.end_col_offset, built.position = node.end_lineno, node.end_col_offset, None
        visit = self.visit
        built.func = visit(node.func, built)
        built.args = [visit(child, built) for child in node.args]
        built.keywords = [self.visit_keyword(child, built) for child in node.keywords]
        return built

    # Statements and expressions whose constructors take only positions: their own fields are set after them.
    visit_expr = _valued(nodes.Expr)
    visit_return = _valued(nodes.Return)
    visit_await = _valued(nodes.Await)

    def visit_assign(self, node: ast.Assign, parent: nodes.NodeNG) -> nodes.Assign:
        if node.type_comment is not None:  # (never from ast.parse without type_comments=True)
            return TreeRebuilder.visit_assign(self, node, parent)
        built = _new(nodes.Assign)
        built.lineno, built.col_offset, built.parent = node.lineno, node.col_offset, parent
        built.end_lineno, built.end_col_offset, built.position = node.end_lineno, node.end_col_offset, None
        visit = self.visit
        built.targets = [visit(child, built) for child in node.targets]  # (bound before the value is built)
        built.value = visit(node.value, built)
        built.type_annotation = None
        return built

    def visit_compare(self, node: ast.Compare, parent: nodes.NodeNG) -> nodes.Compare:
        built = _new(nodes.Compare)
        built.lineno, built.col_offset, built.parent = node.lineno, node.col_offset, parent
        built.end_lineno, built.end_col_offset, built.position = node.end_lineno, node.end_col_offset, None
        visit = self.visit
        built.left = visit(node.left, built)
        built.ops = [
            (_COMPARISONS[op.__class__], visit(expr, built))
            for op, expr in zip(node.ops, node.comparators, strict=True)
        ]
        return built

    # Those whose constructors set a field of their own first.
    def visit_binop(self, node: ast.BinOp, parent: nodes.NodeNG) -> nodes.BinOp:
        built = _new(nodes.BinOp)
        built.op = _OPERATORS[node.op.__class__]
        built.lineno, built.col_offset, built.parent = node.lineno, node.col_offset, parent
        built.end_lineno, built.end_col_offset, built.position = node.end_lineno, node.end_col_offset, None
        built.left = self.visit(node.left, built)
        built.right = self.visit(node.right, built)
        return built

    def visit_subscript(self, node: ast.Subscript, parent: nodes.NodeNG) -> nodes.Subscript:
        built = _new(nodes.Subscript)
        built.ctx = _CONTEXTS.get(node.ctx.__class__, _LOADING)
        built.lineno, built.col_offset, built.parent = node.lineno, node.col_offset, parent
        built.end_lineno, built.end_col_offset, built.position = node.end_lineno, node.end_col_offset, None
        built.value = self.visit(node.value, built)
        built.slice = self.visit(node.slice, built)
        return built

    visit_tuple = _contained(nodes.Tuple)
    visit_list = _contained(nodes.List)

    def visit_joinedstr(self, node: ast.JoinedStr, parent: nodes.NodeNG) -> nodes.JoinedStr:
        built = _new(nodes.JoinedStr)
        built.values = []
        built.lineno, built.col_offset, built.parent = node.lineno, node.col_offset, parent
        built.end_lineno, built.end_col_offset, built.position = node.end_lineno, node.end_col_offset, None
        visit = self.visit
        built.values = [visit(child, built) for child in node.values]
        return built

    def visit_formattedvalue(self, node: ast.FormattedValue, parent: nodes.NodeNG) -> nodes.FormattedValue:
        built = _new(nodes.FormattedValue)
        built.format_spec = None
        built.lineno, built.col_offset, built.parent = node.lineno, node.col_offset, parent
        built.end_lineno, built.end_col_offset, built.position = node.end_lineno, node.end_col_offset, None
        built.value = self.visit(node.value, built)
        built.conversion = node.conversion
        built.format_spec = self.visit(node.format_spec, built)
        return built

    def visit_arguments(self, node: ast.arguments, parent: nodes.NodeNG) -> nodes.Arguments:
        """A def's parameters when they are only positional ones (with annotations and defaults): no ``*``,
        ``**`` or keyword-only ones, which astroid builds (with their bindings, in its order)."""
        if (
            node.vararg
            or node.kwarg
            or node.kwonlyargs
            or node.posonlyargs
            or any(arg.type_comment is not None for arg in node.args)
        ):  # (never from ast.parse without type_comments)
            return TreeRebuilder.visit_arguments(self, node, parent)
        built = _new(nodes.Arguments)
        built.lineno, built.col_offset, built.parent = None, None, parent
        built.end_lineno, built.end_col_offset, built.position = None, None, None
        built.vararg = built.kwarg = built.vararg_node = built.kwarg_node = None
        save, visit = self._save_assignment, self.visit
        args = []
        for arg in node.args:  # (astroid's visit_arg: a binding, saved as it is built)
            name = _new(nodes.AssignName)
            name.name = arg.arg
            name.lineno, name.col_offset, name.parent = arg.lineno, arg.col_offset, built
            name.end_lineno, name.end_col_offset, name.position = arg.end_lineno, arg.end_col_offset, None
            save(name)
            args.append(name)
        built.args = args
        built.defaults = [visit(child, built) for child in node.defaults]
        built.kwonlyargs, built.posonlyargs, built.kw_defaults = [], [], []
        built.annotations = [visit(arg.annotation, built) for arg in node.args]
        built.kwonlyargs_annotations, built.posonlyargs_annotations = [], []
        built.varargannotation = built.kwargannotation = None
        built.type_comment_args = [None] * len(args)  # (no type comments: parsed without them)
        built.type_comment_kwonlyargs, built.type_comment_posonlyargs = [], []
        if args:
            built.lineno = min(arg.lineno for arg in node.args)
            built.end_lineno = max(arg.end_lineno for arg in node.args)
        return built

    def visit_keyword(self, node: ast.keyword, parent: nodes.NodeNG) -> nodes.Keyword:
        built = _new(nodes.Keyword)
        built.arg = node.arg
        built.lineno, built.col_offset, built.parent = node.lineno, node.col_offset, parent
        built.end_lineno, built.end_col_offset, built.position = node.end_lineno, node.end_col_offset, None
        built.value = self.visit(node.value, built)
        return built


def _indexing(base: type[TreeRebuilder]) -> type[TreeRebuilder]:
    class Indexing(base):
        def __init__(self, manager: AstroidManager) -> None:
            super().__init__(manager)
            self.found: list[nodes.NodeNG] = []

        visit_functiondef = _noted(base.visit_functiondef)
        visit_asyncfunctiondef = _noted(base.visit_asyncfunctiondef)
        visit_call = _noted(base.visit_call)
        visit_import = _noted(base.visit_import)
        visit_importfrom = _noted(base.visit_importfrom)
        visit_return = _noted(base.visit_return)
        visit_yield = _noted(base.visit_yield)
        visit_yieldfrom = _noted(base.visit_yieldfrom)

    Indexing.__name__ = Indexing.__qualname__ = f"Indexing{base.__name__}"
    return Indexing


def same_tree(a: nodes.NodeNG, b: nodes.NodeNG) -> bool:
    """``a`` and ``b`` are the same tree: the same node types with the same attributes set in the same order
    and stored alike, child for child (a parent compared by its place, not its identity)."""
    pairs = [(a, b, None, None)]
    while pairs:
        x, y, x_parent, y_parent = pairs.pop()
        if type(x) is not type(y):
            return False
        if not isinstance(x, nodes.NodeNG):
            if isinstance(x, (list, tuple)):
                if len(x) != len(y):
                    return False
                pairs.extend((i, j, x_parent, y_parent) for i, j in zip(x, y, strict=True))
                continue
            if x != y and not (x != x and y != y):  # (NaN equals itself here)
                return False
            continue
        if list(x.__dict__) != list(y.__dict__) or sys.getsizeof(x.__dict__) != sys.getsizeof(y.__dict__):
            return False  # other fields, another order, or a dict of its own instead of the class's shared keys
        for name, value in x.__dict__.items():
            other = y.__dict__[name]
            if name == "parent":
                if (value is x_parent) != (other is y_parent):
                    return False
            elif isinstance(value, dict):  # a scope's locals: the same names, each bound as often
                if type(other) is not dict or {k: len(v) for k, v in value.items()} != {
                    k: len(v) for k, v in other.items()
                }:
                    return False
            elif isinstance(value, (nodes.NodeNG, list, tuple)):
                pairs.append((value, other, x, y))
            elif value != other and value is not other and not (value != value and other != other):
                return False
    return True


_PROBE = (
    "import a\nx = a.b.c(1, 'two', *d, k=-3.0, **e)\nx.y = f(x)\ndel x.y, g\nprint(x[0].z)\n"
    "def h(p):\n    global q\n    q, [r, *s] = t[1:2] = p, [2, 3]\n    y = f'{p!r:>{q}} {r}' + (p < q <= r)\n"
    "    return\n\nasync def i(n: int = 1):\n    return await h(n)\n"
)


def _build(rebuilder: type[TreeRebuilder], text: str) -> tuple[nodes.Module, list[nodes.NodeNG]]:
    builder = rebuilder(_MANAGER)
    module = builder.visit_module(ast.parse(text), "probe", "probe.py", False)
    return module, builder.found


# The manager is only handed to the rebuilder; it is never bootstrapped (no builtins module is built from
# live objects) and nothing is ever imported through it.
_MANAGER = AstroidManager()
_PLAIN, _FASTER = _indexing(TreeRebuilder), _indexing(_FastRebuilder)


def builds_as_astroid(rebuilder: type[TreeRebuilder]) -> bool:
    """``rebuilder`` builds the probe (every fast path, and the bindings they leave to astroid) exactly as
    astroid's own builder does, noting the same nodes."""
    plain, plain_found = _build(_PLAIN, _PROBE)
    built, found = _build(rebuilder, _PROBE)
    return same_tree(plain, built) and [type(n) for n in plain_found] == [type(n) for n in found]


FAST = builds_as_astroid(_FASTER)
Rebuilder = _FASTER if FAST else _PLAIN


def build(tree: ast.Module, modname: str, path: str) -> tuple[nodes.Module, list[nodes.NodeNG], list]:
    """The astroid module for ``tree``, its INDEXED_NODES in source order, and the ``from`` imports whose names
    the caller binds (astroid's post-build step, without its imports)."""
    builder = Rebuilder(_MANAGER)
    module = builder.visit_module(tree, modname, path, path.endswith("__init__.py"))
    return module, builder.found, builder._import_from_nodes
