"""Whether an environment's image must be built, as a child task's submission sees it (flyte 2.12.1).

A parent submits a child by serializing it in its own pod with the image cache of the run's root
(``flyte._internal.runtime.task_serde.lookup_image_in_cache``): the cache's entry for the child's env when there
is one; otherwise the image's own URI, unless the image has layers or is a named reference
(``from_ref_name``), which raises "Environment '...' not found in image cache". The URI of an image made by
``from_dockerfile`` is its tag, hashed from the Dockerfile, read in the pod.

Images are read from the code, never run: a value the model cannot pin down is UNKNOWN_IMAGE.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from astroid import nodes

from flyte_lint import sdk
from flyte_lint.model.arguments import argument, is_static
from flyte_lint.model.kinds import EnvOrigin, ImageKind
from flyte_lint.model.values import EnvRef, External, FunctionRef, ModuleRef

if TYPE_CHECKING:
    from flyte_lint.model.entities import Env
    from flyte_lint.model.resolver import Resolver


@dataclass(frozen=True)
class ImageNeed:
    """``kind`` (an ImageKind): "none" (no build: the child gets the image's own URI: no ``image=``, ``"auto"``, a URI string, a
    bare ``Image.from_debian_base()`` or ``Image.from_base(uri)``), "build" (layers or a named reference: the
    image cache must know the env), "dockerfile" (``Image.from_dockerfile``), "unknown". ``builder`` names what
    makes it so, as the code writes it: "`.with_pip_packages(...)`"."""

    kind: ImageKind
    builder: str = ""

    @property
    def needs_build(self) -> bool:
        return self.kind in (ImageKind.BUILD, ImageKind.DOCKERFILE)


NO_BUILD = ImageNeed(ImageKind.NO_BUILD)
UNKNOWN_IMAGE = ImageNeed(ImageKind.UNKNOWN)

_IMAGE_METHOD = re.compile(r"^flyte(?:\._image)?\.Image\.(\w+)$")
CONTAINER_TASK = "flyte.extras.ContainerTask"
SHELL_CREATE = "flyte.extras.shell.create"
MAX_DEPTH = 12  # names followed from one image expression


def _param_index(path: str, name: str) -> int | None:
    """The position of parameter ``name`` of the SDK callable ``path`` (None: keyword only, or not known)."""
    info = sdk.callable_info(path) or {}
    positional = [p["name"] for p in info.get("params", ()) if p["kind"] != "keyword_only"]
    return positional.index(name) if name in positional else None


def _given(call: nodes.Call, path: str, name: str) -> tuple[nodes.NodeNG | None, bool]:
    """The argument ``name`` of a call to ``path``, and whether the call's arguments are known (no ``*args``
    before it, no ``**kwargs``: either could carry it)."""
    node = argument(call, _param_index(path, name), name)
    if node is not None:
        return node, True
    return None, is_static(call)


def _combine(needs: list[ImageNeed]) -> ImageNeed:
    """What several possible values make: the one kind they all have (the first's builder), else unknown."""
    if not needs or any(n.kind == ImageKind.UNKNOWN for n in needs) or len({n.kind for n in needs}) > 1:
        return UNKNOWN_IMAGE
    return needs[0]


class ImageReader:
    """Reads environments' images (Analysis.image_need)."""

    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver
        self._memo: dict[int, ImageNeed] = {}
        self._busy: set[int] = set()

    # -- environments and task objects -------------------------------------------------------------
    def of_env(self, env: Env, depth: int = 0) -> ImageNeed:
        if depth > MAX_DEPTH:
            return UNKNOWN_IMAGE
        if env.origin == EnvOrigin.SHELL:  # a shell task's own env: the image given to shell.create
            return self.of_object(env.node)
        if env.origin == EnvOrigin.FROM_TASK:  # the image of the tasks it holds (TaskEnvironment.from_task)
            if any(isinstance(a, nodes.Starred) for a in env.node.args):
                return UNKNOWN_IMAGE
            found = []
            for arg in env.node.args[1:]:
                if (
                    isinstance(arg, nodes.Call)
                    and isinstance(arg.func, nodes.Attribute)
                    and arg.func.attrname == "as_task"
                ):
                    arg = arg.func.expr
                made = self.resolver.construction_of(arg)
                found.append(self.of_object(made) if made is not None else UNKNOWN_IMAGE)
            return _combine(found) if found else NO_BUILD  # (no task: "auto")
        if env.origin == EnvOrigin.CLONE_WITH:
            node, known = _given(env.node, "flyte.TaskEnvironment.clone_with", "image")
            if node is None or (isinstance(node, nodes.Const) and node.value is None):
                if not known:
                    return UNKNOWN_IMAGE
                return self.of_env(env.parent, depth + 1) if env.parent is not None else UNKNOWN_IMAGE
            return self.of_expression(node)
        node, known = _given(env.node, "flyte.TaskEnvironment", "image")
        if node is None:
            return NO_BUILD if known else UNKNOWN_IMAGE  # (the default: "auto")
        return self.of_expression(node)

    def of_object(self, made: nodes.Call) -> ImageNeed:
        """The image of a task object (a ContainerTask, a shell task, a plugin's task) made by ``made``."""
        maker = self.resolver.value_of(made.func)
        path = maker.path if isinstance(maker, External) else None
        if path == SHELL_CREATE:
            node, _ = _given(made, SHELL_CREATE, "image")
        elif path == CONTAINER_TASK:
            node, _ = _given(made, CONTAINER_TASK, "image")
        else:  # a plugin's task class: how it is serialized (a connector's, a container's) is not known here
            return UNKNOWN_IMAGE
        return self.of_expression(node) if node is not None else UNKNOWN_IMAGE

    # -- expressions -------------------------------------------------------------------------------
    def of_expression(self, node: nodes.NodeNG, depth: int = 0) -> ImageNeed:
        key = id(node)
        found = self._memo.get(key)
        if found is not None:
            return found
        if key in self._busy or depth > MAX_DEPTH:
            return UNKNOWN_IMAGE
        self._busy.add(key)
        try:
            found = self._evaluate(node, depth)
        except RecursionError:  # pragma: no cover
            found = UNKNOWN_IMAGE
        finally:
            self._busy.discard(key)
        self._memo[key] = found
        return found

    def _evaluate(self, node: nodes.NodeNG, depth: int) -> ImageNeed:
        if isinstance(node, nodes.Const):
            # A string is a URI ("auto": the default image), made into Image.from_base(uri): nothing to build.
            return NO_BUILD if node.value is None or isinstance(node.value, str) else UNKNOWN_IMAGE
        if isinstance(node, nodes.JoinedStr):
            return NO_BUILD
        if isinstance(node, nodes.IfExp):
            return _combine([self.of_expression(node.body, depth + 1), self.of_expression(node.orelse, depth + 1)])
        if isinstance(node, nodes.Attribute) and node.attrname == "image":
            owner = self.resolver.value_of(node.expr)
            if isinstance(owner, EnvRef):  # another env's image: ``image=gpu_env.image``
                return self.of_env(owner.env, depth + 1)
        if isinstance(node, (nodes.Name, nodes.Attribute)) and not self._is_image_callable(node):
            values = self._definitions(node, depth)
            if values is None:
                return UNKNOWN_IMAGE
            return _combine([self.of_expression(v, depth + 1) for v in values])
        if isinstance(node, nodes.Call):
            return self._of_call(node, depth)
        return UNKNOWN_IMAGE

    def _is_image_callable(self, node: nodes.NodeNG) -> bool:
        value = self.resolver.value_of(node)
        return isinstance(value, External) and _IMAGE_METHOD.match(value.path) is not None

    def _of_call(self, call: nodes.Call, depth: int) -> ImageNeed:
        callee = self.resolver.value_of(call.func)
        method = None
        if isinstance(callee, External):
            if callee.path in ("os.getenv", "os.environ.get") and len(call.args) >= 1:
                return NO_BUILD  # a string (a URI) or None (the default image)
            match = _IMAGE_METHOD.match(callee.path)
            method = match.group(1) if match else None
        if isinstance(callee, FunctionRef):
            return self._returned(callee.func, depth)
        if (
            method is None
            and isinstance(call.func, nodes.Attribute)
            and (call.func.attrname.startswith("with_") or call.func.attrname == "clone")
        ):
            method = call.func.attrname  # a builder of an image the resolver does not follow (bound twice...)
        if method is None or sdk.callable_info(f"flyte.Image.{method}") is None:
            return UNKNOWN_IMAGE
        path = f"flyte.Image.{method}"
        if method == "from_base":
            return NO_BUILD
        if method == "from_ref_name":
            return ImageNeed(ImageKind.BUILD, "`Image.from_ref_name(...)`")
        if method in ("from_uv_script", "from_pixi_script"):
            return ImageNeed(ImageKind.BUILD, f"`Image.{method}(...)`")
        if method == "from_dockerfile":
            return ImageNeed(ImageKind.DOCKERFILE, "`Image.from_dockerfile(...)`")
        if method == "from_debian_base":
            node, known = _given(call, path, "install_flyte")
            if node is None:
                return NO_BUILD if known else UNKNOWN_IMAGE
            if not isinstance(node, nodes.Const):
                return UNKNOWN_IMAGE
            # install_flyte=False: the default image is made of layers (flyte 2.12.1 Image._get_default_image_for)
            return (
                NO_BUILD if node.value else ImageNeed(ImageKind.BUILD, "`Image.from_debian_base(install_flyte=False)`")
            )
        if not isinstance(call.func, nodes.Attribute):
            return UNKNOWN_IMAGE
        base = self.of_expression(call.func.expr, depth + 1)
        if base.kind not in (ImageKind.NO_BUILD, ImageKind.BUILD) and not (
            method == "clone" and base.kind == ImageKind.DOCKERFILE
        ):
            return UNKNOWN_IMAGE  # (a layer on a Dockerfile image raises ValueError)
        if method == "clone":
            layer, known = _given(call, path, "addl_layer")
            if layer is None:
                return base if known else UNKNOWN_IMAGE
            if isinstance(layer, nodes.Const) and layer.value is None:
                return base
            return base if base.kind == ImageKind.BUILD else ImageNeed(ImageKind.BUILD, "`.clone(addl_layer=...)`")
        if method.startswith("with_"):  # every with_* builder adds a layer (clone(addl_layer=...))
            return base if base.kind == ImageKind.BUILD else ImageNeed(ImageKind.BUILD, f"`.{method}(...)`")
        return UNKNOWN_IMAGE  # (a from_* maker called on an image: not followed)

    def _returned(self, func: nodes.FunctionDef, depth: int) -> ImageNeed:
        """What a project function that makes an image returns: every ``return`` value agreeing."""
        if isinstance(func, nodes.AsyncFunctionDef) or depth > MAX_DEPTH:
            return UNKNOWN_IMAGE
        returns = list(
            func.nodes_of_class(
                nodes.Return, skip_klass=(nodes.FunctionDef, nodes.AsyncFunctionDef, nodes.Lambda, nodes.ClassDef)
            )
        )
        if (
            not returns
            or any(r.value is None for r in returns)
            or any(
                True
                for _ in func.nodes_of_class(
                    (nodes.Yield, nodes.YieldFrom), skip_klass=(nodes.FunctionDef, nodes.AsyncFunctionDef)
                )
            )
        ):
            return UNKNOWN_IMAGE
        return _combine([self.of_expression(r.value, depth + 1) for r in returns])

    # -- names -------------------------------------------------------------------------------------
    def _definitions(self, node: nodes.NodeNG, depth: int) -> list[nodes.NodeNG] | None:
        """The expressions a name (or a module's attribute) may stand for where it is used; None: not known."""
        if isinstance(node, nodes.Attribute):
            base = self.resolver.value_of(node.expr)
            if isinstance(base, ModuleRef):
                return self._module_definitions(base.module, node.attrname, depth)
            return None
        try:
            _, stmts = node.lookup(node.name)
        except Exception:  # astroid lookup on odd trees  # pragma: no cover
            return None
        if not stmts:
            return None
        found: list[nodes.NodeNG] = []
        for stmt in stmts:
            values = self._binding(stmt, node.name, depth)
            if values is None:
                return None
            found.extend(values)
        return found

    def _binding(self, stmt: nodes.NodeNG, name: str, depth: int) -> list[nodes.NodeNG] | None:
        if isinstance(stmt, nodes.AssignName):
            parent = stmt.parent
            if isinstance(parent, nodes.Assign) and parent.targets == [stmt]:
                return [parent.value]
            if isinstance(parent, (nodes.AnnAssign, nodes.NamedExpr)) and parent.value is not None:
                return [parent.value]
            return None
        if isinstance(stmt, nodes.ImportFrom) and depth <= MAX_DEPTH:
            for original, alias in stmt.names:
                if (alias or original) == name and original != "*":
                    source = self.resolver.imported_module(stmt)
                    if isinstance(source, ModuleRef):
                        return self._module_definitions(source.module, original, depth + 1)
        return None

    def _module_definitions(self, module, name: str, depth: int) -> list[nodes.NodeNG] | None:
        """What importing ``name`` from ``module`` gives: the last binding when all are top-level statements
        (they run in order), else any of them."""
        tree = module.tree
        stmts = tree.locals.get(name) if tree is not None else None
        if not stmts or depth > MAX_DEPTH:
            return None
        if all(s.statement().parent is tree for s in stmts):
            stmts = [max(stmts, key=lambda s: (s.lineno or 0, s.col_offset or 0))]
        found: list[nodes.NodeNG] = []
        for stmt in stmts:
            values = self._binding(stmt, name, depth)
            if values is None:
                return None
            found.extend(values)
        return found
