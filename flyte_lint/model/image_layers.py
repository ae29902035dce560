"""Whether an image can take another layer (flyte 2.12.1 ``Image.clone``), read from the code like
model/images.py reads whether it must be built.

Every layer builder (``with_*``) is ``self.clone(addl_layer=...)``, which raises ValueError when the image is not
extendable ("Cannot add additional layers to a non-extendable image") or was made from a Dockerfile ("Flyte
current cannot add additional layers to a Dockerfile-based Image"). ``Image.from_base`` and ``from_ref_name``
make non-extendable images, ``from_dockerfile`` a Dockerfile one; ``from_debian_base``, ``from_uv_script`` and
``from_pixi_script`` extendable ones; ``.clone(extendable=...)`` sets it and ``.clone()`` without it keeps the
source's. A value the model cannot pin down is UNKNOWN.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from astroid import nodes

from flyte_lint import sdk
from flyte_lint.model.images import _IMAGE_METHOD, ImageReader, _given
from flyte_lint.model.values import External

if TYPE_CHECKING:
    from flyte_lint.model.analysis import Analysis


@dataclass(frozen=True)
class Layering:
    """``extendable``: whether a layer can be added (None: not known); ``dockerfile``: made by
    ``Image.from_dockerfile`` (no layer, whatever ``extendable`` says); ``origin``: what makes it so, as the
    code writes it ("`Image.from_base(...)`", "`.clone(..., extendable=False)`")."""

    extendable: bool | None
    origin: str = ""
    dockerfile: bool = False

    @property
    def takes_layers(self) -> bool | None:
        return False if self.dockerfile else self.extendable


UNKNOWN = Layering(None)
_MAKERS = {
    "from_base": Layering(False, "`Image.from_base(...)`"),
    "from_ref_name": Layering(False, "`Image.from_ref_name(...)`"),
    "from_dockerfile": Layering(False, "`Image.from_dockerfile(...)`", dockerfile=True),
    "from_debian_base": Layering(True, "`Image.from_debian_base(...)`"),
    "from_uv_script": Layering(True, "`Image.from_uv_script(...)`"),
    "from_pixi_script": Layering(True, "`Image.from_pixi_script(...)`"),
}


@cache
def layer_builders() -> frozenset[str]:
    """The Image methods that add a layer: every ``with_*`` method of the SDK table (each is a
    ``clone(addl_layer=...)``; not all are annotated as returning an Image, ``with_poetry_project`` is not)."""
    return frozenset(
        path.rsplit(".", 1)[1]
        for path, info in sdk.table().get("callables", {}).items()
        if path.startswith("flyte.Image.with_") and info.get("kind") == "method"
    )


def _combine(found: list[Layering]) -> Layering:
    if not found or any(f.takes_layers is None for f in found):
        return UNKNOWN
    if len({(f.extendable, f.dockerfile) for f in found}) > 1:
        return UNKNOWN
    return found[0]


class LayeringReader(ImageReader):
    """Reads whether image expressions take layers (``image_layering``); names are followed as ImageReader
    follows them."""

    def _evaluate(self, node: nodes.NodeNG, depth: int) -> Layering:  # type: ignore[override]
        if isinstance(node, (nodes.Name, nodes.Attribute)) and not self._is_image_callable(node):
            values = self._definitions(node, depth)
            if values is None:
                return UNKNOWN
            return _combine([self.of_expression(v, depth + 1) for v in values])
        if isinstance(node, nodes.Call):
            return self._layering_of_call(node, depth)
        return UNKNOWN

    def _layering_of_call(self, call: nodes.Call, depth: int) -> Layering:
        callee = self.resolver.value_of(call.func)
        method = None
        if isinstance(callee, External):
            match = _IMAGE_METHOD.match(callee.path)
            method = match.group(1) if match else None
        if (
            method is None
            and isinstance(call.func, nodes.Attribute)
            and (call.func.attrname.startswith("with_") or call.func.attrname == "clone")
        ):
            method = call.func.attrname  # a builder of an image the resolver does not follow (bound twice...)
        if method is None or sdk.callable_info(f"flyte.Image.{method}") is None:
            return UNKNOWN
        if method in _MAKERS:
            return _MAKERS[method]
        if not isinstance(call.func, nodes.Attribute):
            return UNKNOWN
        base = self.of_expression(call.func.expr, depth + 1)
        if base.takes_layers is None:
            return UNKNOWN
        if method == "clone":
            layer, known = _given(call, "flyte.Image.clone", "addl_layer")
            if not known or (layer is not None and not (isinstance(layer, nodes.Const) and layer.value is None)):
                return UNKNOWN  # (a layer given to clone: raises on a non-extendable image, FLY320)
            node, known = _given(call, "flyte.Image.clone", "extendable")
            if node is None or (isinstance(node, nodes.Const) and node.value is None):
                return base if known else UNKNOWN
            if isinstance(node, nodes.Const) and isinstance(node.value, bool):
                origin = f"`.clone(..., extendable={node.value})`"
                return Layering(node.value, origin, base.dockerfile) if not base.dockerfile else base
            return UNKNOWN
        if method in layer_builders():
            # A layer on an image that takes none raises: what follows never runs (one finding, not a chain).
            return base if base.takes_layers else UNKNOWN
        return UNKNOWN


def image_layering(analysis: Analysis, node: nodes.NodeNG) -> Layering:
    """Whether the image ``node`` evaluates to takes layers, and why (UNKNOWN when the code does not show it)."""
    reader = analysis.memo("image_layers.reader", lambda: LayeringReader(analysis.resolver))
    return reader.of_expression(node)
