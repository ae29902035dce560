"""The imports, last: add what the other transforms require (``import flyte``, env imports...), drop the
flytekit names nothing uses any more, the names only the rewritten Flyte 1 code read (and statements left empty)
and flyte-migrate's shim (``import flyte_migrate``), keep every other import. A flytekit import
still used gets a TODO: something no transform translated uses it."""

from __future__ import annotations

import re

import libcst as cst

from flyte_lint.migrate.transforms.base import Transform

SECTION_IMPORTS = '§2 "Package Imports"'
STILL_USED = "flytekit is still used here: migrate what uses it by hand"
SHIM = "flyte_migrate"  # flyteorg/flyte-migrate: runs Flyte 1 code on Flyte 2 when imported first


class _Names(cst.CSTVisitor):
    """The names a module reads outside its import statements (string annotations included)."""

    def __init__(self) -> None:
        self.used: set[str] = set()
        self._annotations = 0

    def visit_Import(self, node) -> bool:
        return False

    def visit_ImportFrom(self, node) -> bool:
        return False

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        node.value.visit(self)  # (`env.task` reads `env`, not `task`)
        return False

    def visit_Name(self, node: cst.Name) -> None:
        self.used.add(node.value)

    def visit_Annotation(self, node: cst.Annotation) -> None:
        self._annotations += 1

    def leave_Annotation(self, node: cst.Annotation) -> None:
        self._annotations -= 1

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        if self._annotations:  # a forward reference: "FlyteFile", "typing.List[FlyteFile]"
            self.used.update(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", node.evaluated_value))


class ImportsTransform(Transform):
    section = SECTION_IMPORTS

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        names = _Names()
        updated.visit(names)
        aliases = self.file.module.aliases
        self._dropped_uses = self._read_before() - names.used  # (names only the rewritten Flyte 1 code read)
        body: list[cst.CSTNode] = []
        insert_at: int | None = None
        present: set[str] = set()
        carried: list[cst.EmptyLine] = []  # the blank lines and comments above a dropped import
        carried_at: dict[int, int] = {}  # where they went: position -> how many
        for stmt in updated.body:
            if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1:
                small = stmt.body[0]
                if isinstance(small, (cst.Import, cst.ImportFrom)):
                    present.add(cst.Module(body=[]).code_for_node(small))
                    kept = self._prune(small, aliases, names.used)
                    if isinstance(small, cst.Import) and all(a.evaluated_name == SHIM for a in small.names):
                        kept = None  # flyte-migrate's runtime shim: migrated code needs none
                    if kept is not small:
                        if insert_at is None:
                            insert_at = len(body)
                        if kept is None:
                            carried.extend(stmt.leading_lines)
                            continue
                        stmt = stmt.with_changes(body=[kept])
                    if self._flytekit(kept):
                        stmt = self.todo(stmt, STILL_USED)
            if carried:
                stmt = stmt.with_changes(leading_lines=[*carried, *stmt.leading_lines])
                carried_at[len(body)] = len(carried)
                carried = []
            body.append(stmt)
        needed = [
            s
            for s in self.file.imports
            if s not in present and not self._has(body, s) and self._binds(s) & names.used  # (what the code reads)
        ]
        needed = [s for s in needed if not self._merged(body, s)]
        if needed:
            position = insert_at if insert_at is not None else self._after_imports(body)
            new = [cst.parse_statement(s + "\n") for s in needed]
            count = carried_at.get(position, 0) if position == insert_at else 0
            if count:  # in the place of a dropped import: the lines that were above it
                lines = list(body[position].leading_lines)
                body[position] = body[position].with_changes(leading_lines=lines[count:])
                new[0] = new[0].with_changes(leading_lines=lines[:count])
            if position == 0:  # (the module's first statement: no blank line above it)
                lines = list(new[0].leading_lines)
                while lines and lines[0].comment is None:
                    lines.pop(0)
                new[0] = new[0].with_changes(leading_lines=lines)
            body[position:position] = new
        return updated.with_changes(body=body)

    def _read_before(self) -> set[str]:
        """The names the module read before the migration (outside its imports)."""
        text = self.file.module.module.text
        if text is None:
            return set()
        names = _Names()
        cst.parse_module(text).visit(names)
        return names.used

    def _prune(self, node, aliases: dict[str, str], used: set[str]):
        """``node`` without the flytekit names nothing uses, and without the names only the Flyte 1 code the
        migration rewrote read (``timedelta`` of a FixedRate, ``partial`` of a map_task...): None when nothing is
        left, ``node`` itself when nothing changes."""
        if isinstance(node.names, cst.ImportStar):  # (what it binds is not known: kept, with a TODO)
            return node
        if (
            isinstance(node, cst.ImportFrom)
            and node.module is not None
            and not node.relative
            and cst.Module(body=[]).code_for_node(node.module) == "__future__"
        ):
            return node
        keep, dropped = [], False
        for alias in node.names:
            bound = alias.evaluated_alias or alias.evaluated_name.split(".")[0]
            flytekit = bound in aliases and aliases[bound].startswith("flytekit")
            if bound not in used and (flytekit or bound in self._dropped_uses):
                dropped = True
                continue
            keep.append(alias)
        if not dropped:
            return node
        if not keep:
            return None
        keep[-1] = keep[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return node.with_changes(names=keep)

    @staticmethod
    def _flytekit(node) -> bool:
        if isinstance(node, cst.Import):
            return any(a.evaluated_name.split(".")[0] in ("flytekit", "flytekitplugins") for a in node.names)
        if isinstance(node, cst.ImportFrom) and node.module is not None and not node.relative:
            dotted = cst.Module(body=[]).code_for_node(node.module)
            return dotted.split(".")[0] in ("flytekit", "flytekitplugins")
        return False

    @staticmethod
    def _merged(body: list, statement: str) -> bool:
        """``from m import a`` joins a top-level ``from m import b`` the module has (``body`` is updated in
        place); False when there is none."""
        node = cst.parse_statement(statement + "\n").body[0]
        if not isinstance(node, cst.ImportFrom) or node.relative or isinstance(node.names, cst.ImportStar):
            return False
        code = cst.Module(body=[]).code_for_node
        for i, stmt in enumerate(body[: ImportsTransform._after_imports(body)]):  # (the imports at the top)
            other = stmt.body[0] if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 else None
            if (
                isinstance(other, cst.ImportFrom)
                and not other.relative
                and not isinstance(other.names, cst.ImportStar)
                and other.module is not None
                and code(other.module) == code(node.module)
                and other.lpar is None  # (a parenthesised list keeps its layout)
            ):
                names = [n.with_changes(comma=cst.MaybeSentinel.DEFAULT) for n in other.names]
                body[i] = stmt.with_changes(body=[other.with_changes(names=[*names, *node.names])])
                return True
        return False

    @staticmethod
    def _binds(statement: str) -> set[str]:
        """The names an import statement binds."""
        node = cst.parse_statement(statement + "\n").body[0]
        if isinstance(node.names, cst.ImportStar):
            return {"*"}
        return {a.evaluated_alias or a.evaluated_name.split(".")[0] for a in node.names}

    @staticmethod
    def _has(body, statement: str) -> bool:
        if statement == "import flyte":
            for stmt in body:
                if (
                    isinstance(stmt, cst.SimpleStatementLine)
                    and isinstance(stmt.body[0], cst.Import)
                    and any(a.evaluated_name == "flyte" and a.asname is None for a in stmt.body[0].names)
                ):
                    return True
        return False

    @staticmethod
    def _after_imports(body) -> int:
        """After the docstring, ``from __future__`` and the other top-level imports."""
        position = 0
        for i, stmt in enumerate(body):
            if isinstance(stmt, cst.SimpleStatementLine) and isinstance(stmt.body[0], (cst.Import, cst.ImportFrom)):
                position = i + 1
            elif i == 0 and isinstance(stmt, cst.SimpleStatementLine) and isinstance(stmt.body[0], cst.Expr):
                position = 1
            elif isinstance(stmt, (cst.FunctionDef, cst.ClassDef)) or not isinstance(stmt, cst.SimpleStatementLine):
                break
        return position


TRANSFORM = ImportsTransform
