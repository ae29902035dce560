"""The Python packages an environment's image installs, when the code shows them all (flyte 2.12.1), read the way
model/images.py reads whether an image must be built (its names, imports and project functions followed alike).

Known only for an image made by ``Image.from_debian_base(...)`` (flyte and its dependencies) with layers that are
``.with_pip_packages("literal", ...)`` or layers that install no Python package (apt packages, env vars, a workdir,
source files or folders, a dockerignore, a code bundle). Anything else (the default ``"auto"`` image, which a deploy
config may replace; a URI; ``from_base``/``from_dockerfile``/``from_uv_script``...; requirement files, uv/poetry/pixi
projects, commands; a non-literal package) leaves the packages unknown: None.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from astroid import nodes

from flyte_lint import sdk
from flyte_lint.model.images import _IMAGE_METHOD, MAX_DEPTH, ImageReader, _given
from flyte_lint.model.kinds import EnvOrigin
from flyte_lint.model.values import EnvRef, External, FunctionRef

if TYPE_CHECKING:
    from flyte_lint.model.analysis import Analysis
    from flyte_lint.model.entities import Env

Packages = tuple[str, ...]  # the pip requirement strings, as written, in layer order
_NO_PACKAGES = frozenset(
    {
        "with_apt_packages",
        "with_env_vars",
        "with_workdir",
        "with_source_file",
        "with_source_folder",
        "with_dockerignore",
        "with_code_bundle",
        "with_local_v2",
    }
)


def image_packages(analysis: Analysis, env: Env) -> Packages | None:
    """The pip requirements ``env``'s image installs besides flyte, when all are known; None otherwise."""
    reader = analysis.memo("image_packages.reader", lambda: PackagesReader(analysis.resolver))
    return reader.of_env_packages(env)


class PackagesReader(ImageReader):
    """Reads the pip packages of image expressions; names are followed as ImageReader follows them."""

    def of_env_packages(self, env: Env, depth: int = 0) -> Packages | None:
        if depth > MAX_DEPTH:
            return None
        if env.origin == EnvOrigin.CLONE_WITH:
            node, known = _given(env.node, "flyte.TaskEnvironment.clone_with", "image")
            if node is None or (isinstance(node, nodes.Const) and node.value is None):
                parent = env.parent
                return self.of_env_packages(parent, depth + 1) if known and parent is not None else None
            return self.of_expression(node)
        if env.origin != EnvOrigin.CONSTRUCTOR:
            return None
        node, _known = _given(env.node, "flyte.TaskEnvironment", "image")
        return self.of_expression(node) if node is not None else None  # (none given: "auto", unknown)

    def _evaluate(self, node: nodes.NodeNG, depth: int) -> Packages | None:  # type: ignore[override]
        if isinstance(node, nodes.Attribute) and node.attrname == "image":
            owner = self.resolver.value_of(node.expr)
            if isinstance(owner, EnvRef):
                return self.of_env_packages(owner.env, depth + 1)
        if isinstance(node, (nodes.Name, nodes.Attribute)) and not self._is_image_callable(node):
            values = self._definitions(node, depth)
            if not values:
                return None
            found = {self.of_expression(v, depth + 1) for v in values}
            return found.pop() if len(found) == 1 else None
        if isinstance(node, nodes.Call):
            return self._packages_of_call(node, depth)
        return None

    def _packages_of_call(self, call: nodes.Call, depth: int) -> Packages | None:
        callee = self.resolver.value_of(call.func)
        if isinstance(callee, FunctionRef):
            returns = [r.value for r in callee.func.nodes_of_class(nodes.Return, skip_klass=nodes.FunctionDef)]
            found = {self.of_expression(v, depth + 1) if v is not None else None for v in returns}
            return found.pop() if len(found) == 1 else None
        method = None
        if isinstance(callee, External):
            match = _IMAGE_METHOD.match(callee.path)
            method = match.group(1) if match else None
        if method is None and isinstance(call.func, nodes.Attribute) and call.func.attrname.startswith("with_"):
            method = call.func.attrname
        if method is None or sdk.callable_info(f"flyte.Image.{method}") is None:
            return None
        if method == "from_debian_base":
            flyte, known = _given(call, "flyte.Image.from_debian_base", "install_flyte")
            return () if flyte is None and known else None
        if not isinstance(call.func, nodes.Attribute) or not method.startswith("with_"):
            return None
        base = self.of_expression(call.func.expr, depth + 1)
        if base is None:
            return None
        if method in _NO_PACKAGES:
            return base
        if method != "with_pip_packages" or any(k.arg is None or k.arg == "extra_args" for k in call.keywords or []):
            return None
        added = [a.value for a in call.args if isinstance(a, nodes.Const) and isinstance(a.value, str)]
        return base + tuple(added) if len(added) == len(call.args) else None
