"""``ImageSpec(...)`` -> a ``flyte.Image`` builder chain (guide §3), the one FLY508's message spells
(rules/flyte1/image_spec.py's ``image_chain``: both read the same table): ``flyte.Image.from_debian_base(
python_version=(3, 11), name=..., registry=..., platform=(...))`` or ``flyte.Image.from_base(uri)``, then
``.with_apt_packages(...)``, ``.with_env_vars({...})``, ``.with_pip_packages(..., index_url=...,
extra_index_urls=...)``, ``.with_requirements(path)``, ``.with_commands([...])`` in the order flytekit's builder
runs them. A nested ``base_image=ImageSpec(...)`` (or a name bound to one) is continued from.

The image reaches the generated TaskEnvironment unchanged: ``container_image=image`` became ``image=image``
(task_options.py), and the env definition the tasks transform wrote names the variable this transform rewrites (or
holds the ``ImageSpec(...)`` call itself, rewritten here in place).

``image.is_container()`` has no Flyte 2 counterpart (a Flyte 2 ``Image`` cannot tell which image runs): an ``if``
of it around imports only becomes ``try: <imports> except ImportError: pass`` (they run wherever the modules are
installed; only a module missing from a local run fails later, at its use, rather than at import), anything else
gets a TODO, as does an ImageSpec with options the table does not map (conda packages, ``copy=``,
``source_root=``...).
"""

from __future__ import annotations

import re

import libcst as cst
from astroid import nodes

from flyte_lint.migrate.task_options import SECTION_IMAGES
from flyte_lint.migrate.transforms.base import Transform
from flyte_lint.rules.flyte1.image_spec import IMAGE_OPTIONS, image_chain

ONE_LINE = 88  # a longer chain goes on one line per call, in parentheses (as the guide writes it)


class ImagesTransform(Transform):
    section = SECTION_IMAGES

    def visit_Module(self, node: cst.Module) -> bool:
        # the values of module-level assignments: a long chain there goes on several lines
        self._assigned = {
            id(stmt.body[0].value)
            for stmt in node.body
            if isinstance(stmt, cst.SimpleStatementLine) and isinstance(stmt.body[0], cst.Assign)
        }
        return True

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = updated.func
        if self.v1_symbol(func) != "ImageSpec":
            return updated
        code = cst.Module([]).code_for_node
        if any(a.keyword is None for a in updated.args):
            self.todo_here("ImageSpec with positional or ** arguments: build the flyte.Image by hand")
            return updated
        given = {a.keyword.value: code(a.value).strip() for a in updated.args}
        base = (
            updated.args[[a.keyword.value for a in updated.args].index("base_image")].value
            if "base_image" in given
            else None
        )
        if isinstance(base, cst.Name) and not self._is_image(base):
            self.todo_here(f"base_image `{base.value}` is not an image of this module: use flyte.Image.from_base(uri)")
            return updated
        parts = image_chain(given)
        if parts is None:
            unmapped = sorted(k for k in given if k in IMAGE_OPTIONS and k not in _MAPPED)
            hints = "; ".join(f"`{k}=` → {IMAGE_OPTIONS[k]}" for k in unmapped) or (
                'python_version must be a "3.x" string and platform a string literal; base_image a string or an image'
            )
            self.todo_here(f"ImageSpec not migrated: {hints}")
            return updated
        self.require("import flyte")
        text = "".join(parts)
        if len(text) > ONE_LINE and len(parts) > 1 and id(original) in self._assigned:
            if parts[0].startswith("flyte.Image."):  # (a nested ImageSpec's chain, migrated first: one call a line)
                parts = [*re.sub(r"\)\.(with_\w+)\(", ")\n.\\1(", parts[0]).split("\n"), *parts[1:]]
            text = "(\n" + "".join(f"    {p}\n" for p in parts) + ")"
        return cst.parse_expression(text)

    def leave_If(self, original: cst.If, updated: cst.If) -> cst.BaseStatement:
        """``if image.is_container(): import x`` (modules only that image installs; flytekit answers True outside
        a cluster, and in a cluster whether this image runs) -> ``try: import x`` / ``except ImportError: pass``:
        the imports run wherever the modules are installed, as they ran where the image was. Any other body gets
        a TODO."""
        test = updated.test
        func = test.func if isinstance(test, cst.Call) else None
        if not (isinstance(func, cst.Attribute) and func.attr.value == "is_container" and self._is_image(func.value)):
            return updated
        body = updated.body.body if isinstance(updated.body, cst.IndentedBlock) else ()
        imports_only = body and all(
            isinstance(stmt, cst.SimpleStatementLine)
            and all(isinstance(s, (cst.Import, cst.ImportFrom)) for s in stmt.body)
            for stmt in body
        )
        if not imports_only or updated.orelse is not None:
            return self.todo(
                updated, "a Flyte 2 image has no is_container(): import these modules inside the tasks that need them"
            )
        comment = cst.TrailingWhitespace(
            whitespace=cst.SimpleWhitespace("  "),
            comment=cst.Comment(f"# (only `{func.value.value}` installs them)"),
        )
        handler = cst.ExceptHandler(
            body=cst.IndentedBlock(body=[cst.SimpleStatementLine(body=[cst.Pass()])], header=comment),
            type=cst.Name("ImportError"),
        )
        return cst.Try(body=updated.body, handlers=[handler], leading_lines=updated.leading_lines)

    def _is_image(self, node: cst.BaseExpression) -> bool:
        """``node`` names a module-level variable bound once to an ``ImageSpec(...)`` (in the original code)."""
        if not isinstance(node, cst.Name):
            return False
        tree = self.file.module.module.tree
        bound = tree.locals.get(node.value, []) if tree is not None else []
        if len(bound) != 1 or not isinstance(bound[0], nodes.AssignName):
            return False
        value = getattr(bound[0].parent, "value", None)
        if not isinstance(value, nodes.Call):
            return False
        parts: list[str] = []
        func = value.func
        while isinstance(func, nodes.Attribute):
            parts.append(func.attrname)
            func = func.expr
        if not isinstance(func, nodes.Name) or func.name not in self.file.module.aliases:
            return False
        path = ".".join([self.file.module.aliases[func.name], *reversed(parts)])
        return path.rsplit(".", 1)[-1] == "ImageSpec"


_MAPPED = {
    "name",
    "registry",
    "python_version",
    "platform",
    "base_image",
    "builder",
    "pip_index",
    "pip_extra_index_url",
}
_MAPPED |= {"packages", "apt_packages", "requirements", "env", "commands"}

TRANSFORM = ImagesTransform
