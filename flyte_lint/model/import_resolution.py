"""What import statements bind, and the modules and attributes they reach (a part of Resolver)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from astroid import nodes

from flyte_lint.index import NAMESPACE
from flyte_lint.model.project import Module, _locate, candidate_files
from flyte_lint.model.scopes import agree
from flyte_lint.model.values import (
    UNKNOWN,
    External,
    ModuleRef,
    NamespaceRef,
    Value,
)

if TYPE_CHECKING:
    from flyte_lint.model.resolver import Resolver

    _Base = Resolver
else:
    _Base = object


class ImportResolution(_Base):
    """Modules, imports and module attributes (a part of Resolver). ``loads`` (Resolver) notes the files each
    lookup through a package or namespace may find."""

    def module_value(self, dotted: str, importer: Module) -> Value:
        key = (id(importer), dotted)
        cached = self._module_values.get(key)
        if cached is None:
            cached = self._module_values[key] = self._module_value(dotted, importer)
        return cached

    def _module_value(self, dotted: str, importer: Module) -> Value:
        found = self.project.find_module(dotted, importer)
        if found is not None:
            self.register(found)
            return ModuleRef(found)
        if self.project.is_namespace_package(dotted, importer):
            if importer is not None:
                self._note_load(str(importer.path), [NAMESPACE + dotted])
            return NamespaceRef(dotted)
        return External(dotted)

    def _note_load(self, through: str, targets: list) -> None:
        self.loads.setdefault(through, set()).update(map(str, targets))

    def imported_module(self, stmt: nodes.ImportFrom) -> Value:
        importer = self.module_of(stmt)
        if not stmt.level:
            return self.module_value(stmt.modname, importer)
        base = importer.path.parent
        for _ in range(stmt.level - 1):
            base = base.parent
        if not stmt.modname:
            init = base / "__init__.py"
            if init.is_file():
                return self._module_at(init)
            self._note_load(str(importer.path), [NAMESPACE + str(base)])
            return NamespaceRef(str(base))
        located = _locate(base, stmt.modname)
        if located is not None:
            return self._module_at(located)
        return UNKNOWN

    def import_targets(self, stmt: nodes.Import | nodes.ImportFrom, importer: Module) -> list[Value]:
        """What an import statement of ``importer`` binds: the modules of ``import a.b, c``; the module of
        ``from m import x, y`` and then each name (a star import: the module only). Resolved once per
        statement (rules ask for these after the model is built)."""
        found = self._import_targets.get(id(stmt))
        if found is None:
            if isinstance(stmt, nodes.ImportFrom):
                found = [self.imported_module(stmt)]
                found += [self.import_from(stmt, name) for name, _ in stmt.names if name != "*"]
            else:
                found = [self.module_value(dotted, importer) for dotted, _ in stmt.names]
            self._import_targets[id(stmt)] = found
        return found

    def _module_at(self, path: Path) -> Value:
        module = self.project.load(path)
        self.register(module)
        return ModuleRef(module)

    def import_from(self, stmt: nodes.ImportFrom, name: str) -> Value:
        source = self.imported_module(stmt)
        if isinstance(source, External):
            return source.attr(name)
        if isinstance(source, ModuleRef):
            if source.module.is_package and source.module is self.module_of(stmt):
                # `from . import tasks` in the package's own __init__: the name is not bound yet when the
                # statement runs, so Python imports the submodule.
                located = _locate(source.module.path.parent, name)
                if located is not None:
                    return self._module_at(located)
            return self.module_attr(source.module, name)
        if isinstance(source, NamespaceRef):
            return self._submodule(source, name, self.module_of(stmt))
        return UNKNOWN

    def module_attr(self, module: Module, name: str) -> Value:
        tree = module.tree
        if tree is None:
            return UNKNOWN
        stmts = tree.locals.get(name)
        if stmts:
            key = ("attr", id(tree), name)
            if key in self._busy:
                return UNKNOWN
            self._busy.add(key)  # type: ignore[arg-type]
            try:
                return agree(self.binding_value(stmt, name) for stmt in stmts)
            finally:
                self._busy.discard(key)  # type: ignore[arg-type]
        if module.is_package:
            self._note_load(str(module.path), candidate_files(module.path.parent, name))
            located = _locate(module.path.parent, name)
            if located is not None:
                return self._module_at(located)
        return self._star_lookup(tree, name)

    def _submodule(self, package: NamespaceRef, name: str, importer: Module) -> Value:
        through = NAMESPACE + package.name
        if package.name.startswith("/"):
            self._note_load(through, candidate_files(Path(package.name), name))
            located = _locate(Path(package.name), name)
            return self._module_at(located) if located else UNKNOWN
        dotted = f"{package.name}.{name}"
        near = importer.path.parent if importer is not None else None
        self._note_load(through, [*self.project.candidate_files(dotted, near), NAMESPACE + dotted])
        return self.module_value(dotted, importer)
