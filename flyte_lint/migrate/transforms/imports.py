"""The imports, last: add what the other transforms require (``import flyte``, env imports...), drop the
flytekit names nothing uses any more, the names only the rewritten Flyte 1 code read (and statements left empty)
and flyte-migrate's shim (``import flyte_migrate``), keep every other import. A flytekit import
still used gets a TODO: something no transform translated uses it."""

from __future__ import annotations

import sys

import libcst as cst

from flyte_lint.migrate.transforms.base import TODO_PREFIX, Transform, names_read

SECTION_IMPORTS = '§2 "Package Imports"'
STILL_USED = "Flyte 1's {names} still in use here: migrate by hand the code that uses it"
SHIM = "flyte_migrate"  # flyteorg/flyte-migrate: runs Flyte 1 code on Flyte 2 when imported first


class ImportsTransform(Transform):
    section = SECTION_IMPORTS

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        used = names_read(updated)
        aliases = self.file.module.aliases
        self._dropped_uses = self._read_before() - used  # (names only the rewritten Flyte 1 code read)
        body: list[cst.CSTNode] = []
        present: set[str] = set()
        carried: list[cst.EmptyLine] = []  # the blank lines and comments above a dropped import
        slots: dict[int, tuple[int, set[int]]] = {}  # where they went: position -> (how many, the dropped groups)
        dropped_groups: set[int] = set()  # the groups of the dropped imports above this statement
        for stmt in updated.body:
            if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1:
                small = stmt.body[0]
                if isinstance(small, (cst.Import, cst.ImportFrom)):
                    present.add(cst.Module(body=[]).code_for_node(small))
                    kept = self._prune(small, aliases, used)
                    if isinstance(small, cst.Import) and all(a.evaluated_name == SHIM for a in small.names):
                        kept = None  # flyte-migrate's runtime shim: migrated code needs none
                    if kept is not small:
                        if kept is None:
                            dropped_groups.add(self._group(small))
                            carried.extend(stmt.leading_lines)
                            continue
                        stmt = stmt.with_changes(body=[kept])
                    if self._flytekit(kept):
                        stmt = self.todo(stmt, STILL_USED.format(names=self._still_used(kept, used)))
            if dropped_groups:
                stmt = stmt.with_changes(leading_lines=[*carried, *stmt.leading_lines])
                slots[len(body)] = (len(carried), dropped_groups)
                carried, dropped_groups = [], set()
            body.append(stmt)
        needed = [
            s
            for s in self.file.imports
            if s not in present and not self._has(body, s) and self._binds(s) & used  # (what the code reads)
        ]
        needed = [s for s in needed if not self._merged(body, s)]
        first_dropped = bool(updated.body) and 0 in slots  # (the module's first statement went)
        inserted: list[cst.CSTNode] = []
        placed = []  # first where a dropped import of the group was, then the others among their group
        for statement in sorted(needed, key=self._order):
            slot = self._slot(body, slots, statement)
            if slot is None:
                placed.append(statement)
                continue
            position, lines = slot
            inserted.append(cst.parse_statement(statement + "\n").with_changes(leading_lines=lines))
            body.insert(position, inserted[-1])
        for position, (count, _) in slots.items():  # (no import took the place: blank lines are not doubled)
            lines = list(body[position].leading_lines)
            carried, own = lines[:count], lines[count:]
            if all(line.comment is None for line in carried) and any(line.comment is None for line in own[:1]):
                body[position] = body[position].with_changes(leading_lines=own)
        for statement in placed:
            position, lines = self._place(body, statement)
            inserted.append(cst.parse_statement(statement + "\n").with_changes(leading_lines=lines))
            body.insert(position, inserted[-1])
        if first_dropped and body and not any(body[0] is node for node in inserted):
            lines = list(body[0].leading_lines)  # (the module's first statement now: no blank line above it)
            while lines and lines[0].comment is None:
                lines.pop(0)
            body[0] = body[0].with_changes(leading_lines=lines)
        return updated.with_changes(body=body)

    # -- where a new import goes: its group (isort's: __future__, stdlib, third party, the project) ----------
    def _group(self, node) -> int:
        if isinstance(node, cst.ImportFrom):
            if node.relative:
                return 3
            top = cst.Module(body=[]).code_for_node(node.module).split(".")[0] if node.module else ""
        else:
            top = node.names[0].evaluated_name.split(".")[0]
        if top == "__future__":
            return 0
        if top in sys.stdlib_module_names:
            return 1
        plan = self.file.plan
        if top in plan.local_packages or top in {e.home.split(".")[0] for e in plan.shared}:
            return 3
        return 2

    def _key(self, node) -> tuple:
        """isort's order within a group: ``import x`` before ``from x import y``, then by module."""
        if isinstance(node, cst.ImportFrom):
            module = cst.Module(body=[]).code_for_node(node.module) if node.module else ""
            return (self._group(node), 1, "." * len(node.relative) + module.lower())
        return (self._group(node), 0, node.names[0].evaluated_name.lower())

    def _order(self, statement: str) -> tuple:
        return self._key(cst.parse_statement(statement + "\n").body[0])

    def _slot(self, body: list, slots: dict[int, tuple[int, set[int]]], statement: str):
        """The place of a dropped import of ``statement``'s group, and the lines that were above it (``from
        flytekit import task`` becomes ``import flyte`` where it was); None when there is none. ``body`` and
        ``slots`` are updated in place."""
        key = self._order(statement)
        for position, (count, dropped) in sorted(slots.items()):
            if key[0] in dropped and self._sorted_at(body, position, key):
                del slots[position]
                for other in sorted(p for p in slots if p >= position):
                    slots[other + 1] = slots.pop(other)
                lines = list(body[position].leading_lines)
                body[position] = body[position].with_changes(leading_lines=lines[count:])
                lines = lines[:count]
                while position == 0 and lines and lines[0].comment is None:
                    lines.pop(0)  # (the module's first statement: no blank line above it)
                return position, lines
        return None

    def _top_imports(self, body: list) -> list[tuple[int, tuple]]:
        """The imports at the top of ``body``: (position, sort key)."""
        return [
            (i, self._key(stmt.body[0]))
            for i, stmt in enumerate(body[: self._after_imports(body)])
            if isinstance(stmt, cst.SimpleStatementLine)
            and len(stmt.body) == 1
            and isinstance(stmt.body[0], (cst.Import, cst.ImportFrom))
        ]

    def _sorted_at(self, body: list, position: int, key: tuple) -> bool:
        """An import sorting as ``key`` at ``position`` keeps its group in order."""
        same = [(i, k) for i, k in self._top_imports(body) if k[0] == key[0]]
        return all(k <= key for i, k in same if i < position) and all(k >= key for i, k in same if i >= position)

    def _place(self, body: list, statement: str) -> tuple[int, list[cst.EmptyLine]]:
        """Where ``statement`` goes among the imports at the top of ``body``, and the lines above it: in its
        group, before the first import that sorts after it (or after the group's last); else a group of its own
        after the groups before it (or before those after it), set apart by a blank line. The first import of a
        group takes the lines above the group (its comments); ``body`` is updated in place."""
        new = cst.parse_statement(statement + "\n").body[0]
        group, key = self._group(new), self._key(new)
        tops = self._top_imports(body)
        same = [i for i, k in tops if k[0] == group]
        if same:
            after = [i for i, k in tops if k[0] == group and k > key]
            if not after:
                return same[-1] + 1, []
            if after[0] != same[0]:
                return after[0], []
            return after[0], self._lines_moved(body, after[0], [])
        lower = [i for i, k in tops if k[0] < group]
        if lower:
            return lower[-1] + 1, [cst.EmptyLine()]
        higher = [i for i, k in tops if k[0] > group]
        if higher:
            return higher[0], self._lines_moved(body, higher[0], [cst.EmptyLine()])
        position = self._after_imports(body)
        return position, [cst.EmptyLine()] if position else []

    @staticmethod
    def _lines_moved(body: list, i: int, left: list[cst.EmptyLine]) -> list[cst.EmptyLine]:
        """The lines above ``body[i]``, which keeps ``left`` instead (and its own TODO comments)."""
        lines = list(body[i].leading_lines)
        own = len(lines)
        while own and lines[own - 1].comment is not None and lines[own - 1].comment.value.startswith(TODO_PREFIX):
            own -= 1
        body[i] = body[i].with_changes(leading_lines=[*left, *lines[own:]])
        return lines[:own]

    def _read_before(self) -> set[str]:
        """The names the module read before the migration (outside its imports)."""
        text = self.file.module.module.text
        if text is None:
            return set()
        return names_read(cst.parse_module(text))

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
    def _still_used(node, used: set[str]) -> str:
        """The names a flytekit import binds that the migrated module still reads: ``FlyteContextManager``,
        ``flytekit.current_context``..."""
        if isinstance(node.names, cst.ImportStar):
            return "`*`"
        bound = [a.evaluated_alias or a.evaluated_name for a in node.names]
        shown = [f"`{b}`" for b in bound if b.split(".")[0] in used]
        return ", ".join(shown or [f"`{b}`" for b in bound])

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
        if not isinstance(node, cst.ImportFrom) or isinstance(node.names, cst.ImportStar):
            return False
        code = cst.Module(body=[]).code_for_node
        for i, stmt in enumerate(body[: ImportsTransform._after_imports(body)]):  # (the imports at the top)
            other = stmt.body[0] if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 else None
            if (
                isinstance(other, cst.ImportFrom)
                and len(other.relative) == len(node.relative)
                and not isinstance(other.names, cst.ImportStar)
                and other.module is not None
                and node.module is not None
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
