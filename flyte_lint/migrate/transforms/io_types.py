"""``FlyteFile`` / ``FlyteDirectory`` / ``StructuredDataset`` (and ``FlyteSchema``) -> ``flyte.io.File`` / ``Dir`` /
``DataFrame`` (guide §14, example 1), in annotations and in the calls whose API changed (each checked against flyte
2.12.1's flyte/io):

- the types (``FlyteFile[...]``, ``CSVFile`` and the other format aliases too) -> ``File`` / ``Dir`` / ``DataFrame``;
- ``FlyteFile(path)`` / ``FlyteDirectory(path)`` of a local path -> ``File.from_local_sync(path)`` (in an
  ``async def``: ``await File.from_local(path)``), ``remote_path=`` -> ``remote_destination=``; of a literal
  remote URI (``"s3://..."``) or ``FlyteFile.from_source(uri)`` -> ``File.from_existing_remote(uri)``;
- ``x.download()`` -> ``x.download_sync()`` / ``await x.download()`` (both return the local path, as Flyte 1's
  did); Flyte 1's ``x.path`` is the local copy after it, Flyte 2's stays the remote one, so a later ``x.path``
  reads the downloaded path (``x_path = x.download_sync()``);
- ``open(x)``, ``os.listdir(x)``, ``os.path...(x)``, ``pd.read_csv(x)``... (Flyte 1's types are ``os.PathLike``
  and download on ``__fspath__``; Flyte 2's are not) -> the same call of ``x.download_sync()``;
- ``StructuredDataset(dataframe=df)`` -> ``DataFrame.wrap_df(df)`` (``from_df`` is its deprecated name),
  ``StructuredDataset(uri=u)`` -> ``DataFrame.from_existing_remote(u)``; ``sd.open(T).all()`` ->
  ``sd.open(T).all_sync()`` / ``await sd.open(T).all()``.

- ``FlyteFile.new_remote_file(name)`` / ``FlyteDirectory.new_remote(stem)`` -> ``File.new_remote(name)`` /
  ``Dir.new_remote(stem)``; ``with f.open(mode)`` in sync code -> ``with f.open_sync(mode)``;
- a field a class of the module declares with one of the types, read through a parameter of that class
  (``b.notes``), is rewritten as a parameter of the type is;
- a File/Dir parameter's default of a remote URI string -> ``File.from_existing_remote(uri)``;
- ``HashMethod(fn)`` (in ``Annotated``) -> ``HashFunction.from_fn(fn)``;
- ``x.remote_source`` (Flyte 1: the remote URI of an input) -> ``x.path`` (Flyte 2's path is the remote one);
- a local path returned for a File/Dir output (``return out_path``) -> ``File.from_local_sync(out_path)``.

Anything else of these classes (``FlyteDirectory.listdir``, ``sd.open(T).iter()``, other constructor
arguments...) gets a TODO and stays as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst
from astroid import nodes

from flyte_lint.migrate.transforms.base import Transform
from flyte_lint.model.flyte1_index import DIR_TYPES, FILE_TYPES, v1_symbol
from flyte_lint.model.values import External

SECTION_IO = '§14 "Complete Migration Examples" (Example 1: FlyteFile -> flyte.io.File)'
KINDS = {
    **dict.fromkeys(FILE_TYPES, "File"),
    **dict.fromkeys(DIR_TYPES, "Dir"),
    "StructuredDataset": "DataFrame",
    "FlyteSchema": "DataFrame",  # (Flyte 1's deprecated table type)
}
# Flyte 1 methods with no one-for-one Flyte 2 call: what the TODO says
METHOD_HINTS = {
    "open": "Flyte 2's File.open() is an async context manager (`async with f.open(mode)`; open_sync in sync code)",
    "crawl": "Flyte 2's Dir.walk_sync() yields its Files (Flyte 1's crawl() yielded (base, relative path) pairs)",
    "new_file": "Flyte 2's Dir has no new_file(): write the files locally, then Dir.from_local_sync(that directory)",
    "new_dir": "Flyte 2's Dir has no new_dir(): write the directory locally, then Dir.from_local_sync(it)",
}
CONSTRUCTORS = ("new_remote_file", "new_remote", "from_source")  # the class methods that make one
# Calls that take a path: Flyte 1's File/Dir is os.PathLike there (downloaded on __fspath__).
PATH_FUNCTIONS = ("open", "Path", "pathlib.Path")
PATH_MODULES = ("os.", "shutil.", "pd.", "pandas.", "np.", "numpy.")


@dataclass
class _Function:
    is_async: bool
    kinds: dict[str, str] = field(default_factory=dict)  # a name -> "File" / "Dir" / "DataFrame"
    records: dict[str, str] = field(default_factory=dict)  # a parameter -> its class, which has fields of the types
    local_paths: dict[str, str] = field(default_factory=dict)  # a File/Dir name -> the name of its download
    names: set[str] = field(default_factory=set)  # every name the function reads or binds
    tops: dict[int, int | None] = field(default_factory=dict)  # a statement of its body -> its position (None: try)
    current_top: int | None = None  # the position of the body's statement being visited
    hoists: dict[int, list[cst.SimpleStatementLine]] = field(default_factory=dict)  # position -> statements before it
    outputs: list[str | None] = field(default_factory=list)  # the Flyte 2 class of each output (None: another type)
    paths: set[str] = field(default_factory=set)  # the names bound once, to a local path (a str or a Path)


class _Names(cst.CSTVisitor):
    def __init__(self) -> None:
        self.names: set[str] = set()

    def visit_Name(self, node: cst.Name) -> None:
        self.names.add(node.value)


def _imported_from_flyte_io(module: cst.Module) -> set[str]:
    names: set[str] = set()
    for statement in module.body:
        for small in statement.body if isinstance(statement, cst.SimpleStatementLine) else ():
            if (
                isinstance(small, cst.ImportFrom)
                and small.module is not None
                and _dotted(small.module) == "flyte.io"
                and not isinstance(small.names, cst.ImportStar)
            ):
                names.update(a.evaluated_alias or a.evaluated_name for a in small.names)
    return names


class _Bindings(cst.CSTVisitor):
    """The values each name is assigned in a function body (not in nested functions)."""

    def __init__(self) -> None:
        self.values: dict[str, list[cst.BaseExpression]] = {}

    def visit_FunctionDef(self, node) -> bool:
        return False

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            name = target.target.value if isinstance(target.target, cst.Name) else None
            if name:
                self.values.setdefault(name, []).append(node.value)
            elif isinstance(target.target, (cst.Tuple, cst.List)):
                for element in target.target.elements:  # (unpacked: no one value)
                    if isinstance(element.value, cst.Name):
                        self.values.setdefault(element.value.value, []).extend([node.value, node.value])

    def visit_For(self, node: cst.For) -> None:
        if isinstance(node.target, cst.Name):
            self.values.setdefault(node.target.value, []).extend([node.iter, node.iter])


PATH_CALLS = ("Path", "pathlib.Path", "os.path.join", "os.path.abspath", "tempfile.mkdtemp", "os.getcwd")


def _is_local_path(node: cst.BaseExpression, paths: set[str]) -> bool:
    """Whether ``node`` is surely a local path: a Path or path-making call, a ``/`` on one, or a name bound once
    to one (``paths``)."""
    if isinstance(node, cst.Name):
        return node.value in paths
    if isinstance(node, cst.Call):
        if _dotted(node.func) == "str" and len(node.args) == 1:
            return _is_local_path(node.args[0].value, paths)
        return _dotted(node.func) in PATH_CALLS
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Divide):
        return _is_local_path(node.left, paths)
    return False


def _code(node: cst.CSTNode) -> str:
    return cst.Module(body=[]).code_for_node(node)


def _dotted(node: cst.BaseExpression) -> str | None:
    parts: list[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if not isinstance(node, cst.Name):
        return None
    return ".".join([node.value, *reversed(parts)])


def _keyword(name: str, value: cst.BaseExpression) -> cst.Arg:
    return cst.Arg(
        value, keyword=cst.Name(name), equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace(""))
    )


def _is_remote(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.SimpleString) and "://" in (node.evaluated_value or "")


class IoTypesTransform(Transform):
    section = SECTION_IO

    def __init__(self, file) -> None:
        super().__init__(file)
        self._stack: list[_Function] = []
        self._with_items: set[int] = set()  # the calls that are `with` items
        self._used: set[str] = set()  # the flyte.io classes the module now names
        self._attribute_names: set[int] = set()
        self._classes: dict[str, dict[str, str]] = {}  # a class of the module -> its fields of the types
        self._headers: dict[int, int] = {}  # the header expression of a for/with/if/while -> that statement
        self._header: tuple[int, int] | None = None  # (header expression, its statement) being visited
        self._header_todos: dict[int, list[str]] = {}  # a statement -> the TODOs its header's calls need

    # -- where we are ------------------------------------------------------------------------------------------
    @property
    def _async(self) -> bool:
        return bool(self._stack) and self._stack[-1].is_async

    def _kind_of_name(self, node: cst.BaseExpression) -> str | None:
        """The type of a name (a parameter or variable of the function), or of a field of a parameter whose class
        (a dataclass of this module) declares the field with one of the types (``res.file``)."""
        if not self._stack:
            return None
        frame = self._stack[-1]
        if isinstance(node, cst.Name):
            return frame.kinds.get(node.value)
        if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and node.value.value in frame.records:
            return self._classes[frame.records[node.value.value]].get(node.attr.value)
        return None

    def _is_hash_method(self, node: cst.BaseExpression) -> bool:
        path = self.v1_path(node) or ""
        return path.startswith("flytekit.") and path.endswith(".HashMethod")

    def _made(self, node: cst.BaseExpression) -> str | None:
        """The type a Flyte 1 construction makes (``FlyteFile(p)``, ``FlyteFile.new_remote_file()``)."""
        if not isinstance(node, cst.Call):
            return None
        if isinstance(node.func, cst.Attribute) and node.func.attr.value in CONSTRUCTORS:
            return self._type_kind(node.func.value)
        return self._type_kind(node.func)

    def visit_Module(self, node: cst.Module) -> None:
        for statement in node.body:
            if isinstance(statement, cst.ClassDef):
                fields = {
                    small.target.value: kind
                    for line in statement.body.body
                    if isinstance(line, cst.SimpleStatementLine)
                    for small in line.body
                    if isinstance(small, cst.AnnAssign)
                    and isinstance(small.target, cst.Name)
                    and (kind := self._type_kind(small.annotation.annotation))
                }
                if fields:
                    self._classes[statement.name.value] = fields

    def _type_kind(self, node: cst.BaseExpression | None) -> str | None:
        """The Flyte 2 class a Flyte 1 type expression (``FlyteFile``, ``FlyteFile[...]``) becomes."""
        if isinstance(node, cst.Subscript):
            node = node.value
        if node is None or not isinstance(node, (cst.Name, cst.Attribute)):
            return None
        path = self.v1_path(node)
        symbol = self.v1_symbol(node)
        if not symbol or not path or path.rsplit(".", 1)[-1] != symbol or ".models." in path:
            return None  # (flytekit.models.literals.StructuredDataset is the literal, no type of task code)
        return KINDS.get(symbol)

    def _is_dataframe(self, node: cst.BaseExpression) -> bool:
        """A StructuredDataset: a name of that type, or a call of a task of this module that returns one."""
        if self._kind_of_name(node) == "DataFrame":
            return True
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Name):
            task = self.file.module.tasks.get(node.func.value)
            returns = task.func.returns if task is not None else None
            return returns is not None and any(t in returns.as_string() for t in ("StructuredDataset", "FlyteSchema"))
        return False

    def _name(self, kind: str) -> cst.Name:
        self._used.add(kind)
        return cst.Name(kind)

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        names = _Names()
        updated.visit(names)  # (the classes a TODO'd call named are no longer there)
        needed = (self._used & names.names) - _imported_from_flyte_io(updated)
        if needed:  # one import of them all, as flyte-sdk's examples write it
            self.require(f"from flyte.io import {', '.join(sorted(needed))}")
        return updated

    def visit_Import(self, node) -> bool:
        return False

    def visit_ImportFrom(self, node) -> bool:
        return False

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        frame = _Function(is_async=node.asynchronous is not None)
        for param in [*node.params.params, *node.params.kwonly_params, *node.params.posonly_params]:
            annotation = param.annotation.annotation if param.annotation else None
            kind = self._type_kind(annotation)
            if kind:
                frame.kinds[param.name.value] = kind
            elif isinstance(annotation, cst.Name) and annotation.value in self._classes:
                frame.records[param.name.value] = annotation.value
        names = _Names()
        node.body.visit(names)
        frame.names = names.names | {p.name.value for p in node.params.params}
        if isinstance(node.body, cst.IndentedBlock):
            # (not above a try: a download failing there must still reach its handlers; not above an if: its
            # branch may not read the file at all)
            frame.tops = {
                id(stmt): None if isinstance(stmt, (cst.Try, cst.TryStar, cst.If, cst.Match)) else i
                for i, stmt in enumerate(node.body.body)
            }
        frame.outputs = self._output_kinds(node.returns.annotation if node.returns else None)
        bindings = _Bindings()
        node.body.visit(bindings)
        single = {name: values[0] for name, values in bindings.values.items() if len(values) == 1}
        while True:  # (a name bound to a path made of another: `out = root / "x"`)
            found = {name for name, value in single.items() if _is_local_path(value, frame.paths)}
            if found == frame.paths:
                break
            frame.paths = found
        self._stack.append(frame)
        return True

    def _output_kinds(self, returns: cst.BaseExpression | None) -> list[str | None]:
        """The Flyte 2 class of each output a Flyte 1 return annotation declares (``Tuple[FlyteFile, int]``)."""
        if isinstance(returns, cst.Subscript) and _dotted(returns.value) in ("Tuple", "tuple", "typing.Tuple"):
            return [self._type_kind(e.slice.value) if isinstance(e.slice, cst.Index) else None for e in returns.slice]
        return [self._type_kind(returns)]

    def leave_Return(self, original: cst.Return, updated: cst.Return) -> cst.Return:
        """A local path (str or Path) returned for a File/Dir output: Flyte 1 uploaded it, Flyte 2 needs the
        File (``File.from_local_sync(path)``)."""
        frame = self._stack[-1] if self._stack else None
        if frame is None or updated.value is None or not any(k in ("File", "Dir") for k in frame.outputs):
            return updated
        if len(frame.outputs) == 1:
            return updated.with_changes(value=self._uploaded(frame, frame.outputs[0], original.value, updated.value))
        if isinstance(updated.value, cst.Tuple) and len(updated.value.elements) == len(frame.outputs):
            elements = [
                element.with_changes(value=self._uploaded(frame, kind, before.value, element.value))
                for kind, before, element in zip(
                    frame.outputs, original.value.elements, updated.value.elements, strict=True
                )
            ]
            return updated.with_changes(value=updated.value.with_changes(elements=elements))
        return updated

    def _uploaded(self, frame, kind, before: cst.BaseExpression, after: cst.BaseExpression) -> cst.BaseExpression:
        if kind not in ("File", "Dir") or not (
            _is_local_path(before, frame.paths) or isinstance(before, cst.SimpleString)
        ):
            return after
        return self._construct(kind, cst.Call(func=cst.Name(kind), args=[cst.Arg(after)])) or after

    def on_visit(self, node) -> bool:
        result = super().on_visit(node)
        if self._stack and id(node) in self._stack[-1].tops:
            self._stack[-1].current_top = self._stack[-1].tops[id(node)]
        if isinstance(node, (cst.For, cst.While, cst.If)):
            header = node.iter if isinstance(node, cst.For) else node.test
            self._headers[id(header)] = id(node)
        elif isinstance(node, cst.With):
            self._headers.update({id(item.item): id(node) for item in node.items})
        if id(node) in self._headers and self._header is None:
            self._header = (id(node), self._headers[id(node)])
        return result

    def on_leave(self, original_node, updated_node):
        result = super().on_leave(original_node, updated_node)
        if self._header is not None and self._header[0] == id(original_node):
            self._header = None
        for comment in self._header_todos.pop(id(original_node), []):
            result = self.todo(result, comment)
        return result

    def todo_here(self, message: str, section: str | None = None) -> None:
        """A TODO above the statement; for a call in the header of a for/with/if/while: above that statement, not
        above the first statement of its body."""
        if self._header is None:
            super().todo_here(message, section)
        elif message not in self._header_todos.setdefault(self._header[1], []):
            self._header_todos[self._header[1]].append(message)

    def leave_FunctionDef(self, original, updated):
        frame = self._stack.pop()
        if not frame.hoists:
            return updated
        body: list[cst.BaseStatement] = []
        for i, stmt in enumerate(updated.body.body):
            hoisted = frame.hoists.get(i, [])
            if hoisted:  # (below the statement's comments)
                hoisted[0] = hoisted[0].with_changes(leading_lines=stmt.leading_lines)
                stmt = stmt.with_changes(leading_lines=[])
            body.extend([*hoisted, stmt])
        return updated.with_changes(body=updated.body.with_changes(body=body))

    def visit_WithItem(self, node: cst.WithItem) -> None:
        self._with_items.add(id(node.item))

    def visit_Assign(self, node: cst.Assign) -> None:
        # `x = FlyteFile(...)` / `x = StructuredDataset(...)`: x is one of the types.
        if self._stack and isinstance(node.value, cst.Call) and len(node.targets) == 1:
            target = node.targets[0].target
            func = node.value.func
            kind = self._type_kind(func)
            if isinstance(func, cst.Attribute) and func.attr.value in CONSTRUCTORS:
                kind = self._type_kind(func.value)  # x = FlyteFile.new_remote_file(...)
            if kind and isinstance(target, cst.Name):
                self._stack[-1].kinds[target.value] = kind

    # -- the types ---------------------------------------------------------------------------------------------
    def leave_Subscript(self, original: cst.Subscript, updated: cst.Subscript) -> cst.BaseExpression:
        kind = self._type_kind(original)
        if kind and isinstance(updated.value, cst.Name) and updated.value.value == kind:
            return updated.value  # FlyteFile[TypeVar("csv")] -> File (the format is no part of Flyte 2's type)
        return self._without_batch_size(original, updated)

    def _without_batch_size(self, original: cst.Subscript, updated: cst.Subscript) -> cst.BaseExpression:
        """``Annotated[list[T], BatchSize(n)]`` -> ``list[T]``: Flyte 1's hint of how many pickled items go in one
        blob; Flyte 2 has none, and the values are the same without it."""
        if _dotted(original.value) not in ("Annotated", "typing.Annotated", "typing_extensions.Annotated"):
            return updated
        kept = [
            element
            for element, before in zip(updated.slice, original.slice, strict=True)
            if not (
                isinstance(before.slice, cst.Index)
                and isinstance(before.slice.value, cst.Call)
                and (self.v1_path(before.slice.value.func) or "").endswith(".BatchSize")
            )
        ]
        if len(kept) == len(updated.slice):
            return updated
        if len(kept) == 1:
            return kept[0].slice.value
        return updated.with_changes(slice=[*kept[:-1], kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)])

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._attribute_names.add(id(node.attr))  # (`literals.StructuredDataset`'s name is no flytekit import)

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.BaseExpression:
        kind = None if id(original) in self._attribute_names else self._type_kind(original)
        return self._name(kind) if kind else updated

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute) -> cst.BaseExpression:
        kind = self._type_kind(original)
        if kind:
            return self._name(kind)  # flytekit.types.file.FlyteFile -> File
        # x.path after x.download(): the downloaded copy (Flyte 2's x.path stays the remote path)
        if updated.attr.value == "path" and self._stack:
            local = self._stack[-1].local_paths.get(_code(updated.value))
            if local:
                return cst.Name(local)
        if updated.attr.value == "remote_source" and self._kind_of_name(original.value) in ("File", "Dir"):
            return updated.with_changes(attr=cst.Name("path"))  # (Flyte 2's path is the remote one)
        return updated

    # -- the calls ---------------------------------------------------------------------------------------------
    def _await(self, call: cst.BaseExpression) -> cst.BaseExpression:
        return cst.Await(expression=call)

    def _download(self, name: cst.BaseExpression, args=()) -> cst.BaseExpression:
        if self._async:
            return self._await(cst.Call(func=cst.Attribute(value=name, attr=cst.Name("download")), args=args))
        return cst.Call(func=cst.Attribute(value=name, attr=cst.Name("download_sync")), args=args)

    def _local_copy(self, name: cst.BaseExpression) -> cst.BaseExpression:
        """The local copy of File/Dir ``name``, downloaded once per function as Flyte 1 did (``x_path =
        x.download_sync()`` before the body's statement that first reads it), so that writes to it and a later
        ``x.path`` (Flyte 1: the local copy) see the same files."""
        frame = self._stack[-1] if self._stack else None
        if frame is None or frame.current_top is None:
            return self._download(name)
        key = _code(name)
        local = frame.local_paths.get(key)
        if local:
            return cst.Name(local)
        local = f"{key.replace('.', '_')}_path"
        if local in frame.names:
            return self._download(name)
        frame.local_paths[key] = local
        frame.names.add(local)
        assign = cst.Assign(targets=[cst.AssignTarget(cst.Name(local))], value=self._download(name))
        frame.hoists.setdefault(frame.current_top, []).append(cst.SimpleStatementLine(body=[assign]))
        return cst.Name(local)

    def leave_Param(self, original: cst.Param, updated: cst.Param) -> cst.Param:
        """A File/Dir parameter's default of a remote URI: Flyte 1 converted the str, Flyte 2 needs the File."""
        annotation = original.annotation.annotation if original.annotation else None
        kind = self._type_kind(annotation)
        default = original.default
        if kind in ("File", "Dir") and isinstance(default, cst.SimpleString):
            if not _is_remote(default):
                self.todo_here(f"a local path default of a flyte.io.{kind}: upload it in the task instead")
                return updated
            call = cst.Call(func=cst.Attribute(value=self._name(kind), attr=cst.Name("from_existing_remote")))
            return updated.with_changes(default=call.with_changes(args=[cst.Arg(default)]))
        return updated

    def _param_kinds(self, task) -> list[tuple[str, str | None]]:
        """A planned task's parameters in order, each with the Flyte 2 class its Flyte 1 annotation becomes."""
        owner = next((m for m in self.file.plan.modules.values() if task in m.tasks.values()), None)
        aliases = owner.aliases if owner is not None else {}
        args = task.func.args
        params: list[tuple[str, str | None]] = []
        for arg, annotation in zip(
            [*args.args, *args.kwonlyargs], [*args.annotations, *args.kwonlyargs_annotations], strict=False
        ):
            node = annotation.value if isinstance(annotation, nodes.Subscript) else annotation
            head, _, rest = node.as_string().partition(".") if node is not None else ("", "", "")
            path = f"{aliases[head]}.{rest}" if head in aliases and rest else aliases.get(head)
            symbol = v1_symbol(External(path)) if path else None
            kind = KINDS.get(symbol) if symbol and path.rsplit(".", 1)[-1] == symbol else None
            params.append((arg.name, kind))
        return params

    def _task_arguments(self, call: cst.Call) -> cst.Call:
        """A task called with a str for a File/Dir parameter: Flyte 1 converted it, Flyte 2 needs the File."""
        task = self.file.module.task_names.get(call.func.value)
        params = self._param_kinds(task) if task is not None else []
        kinds = dict(params)
        args = list(call.args)
        for i, arg in enumerate(args):
            name = arg.keyword.value if arg.keyword else params[i][0] if i < len(params) and not arg.star else None
            kind = kinds.get(name)
            if kind in ("File", "Dir") and isinstance(arg.value, cst.SimpleString):
                made = self._construct(kind, cst.Call(func=cst.Name(kind), args=[cst.Arg(arg.value)]))
                args[i] = arg.with_changes(value=made) if made is not None else arg
        return call.with_changes(args=args)

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = original.func
        if isinstance(func, cst.Name) and func.value in self.file.module.task_names:
            return self._task_arguments(updated)
        if self._is_hash_method(func) and len(updated.args) == 1 and updated.args[0].keyword is None:
            # Annotated[pd.DataFrame, HashMethod(fn)]: Flyte 2's HashFunction.from_fn(fn), the same content hash
            return cst.Call(
                func=cst.Attribute(value=self._name("HashFunction"), attr=cst.Name("from_fn")), args=updated.args
            )
        kind = self._type_kind(func)
        if kind:
            return self._construct(kind, updated) or original
        if isinstance(func, cst.Attribute):
            owner_kind = self._type_kind(func.value)
            if owner_kind:
                return self._class_method(owner_kind, func.attr.value, updated) or original
            if self._kind_of_name(func.value) in ("File", "Dir") or self._made(func.value) in ("File", "Dir"):
                with_item = id(original) in self._with_items
                result = self._method(func.value, func.attr.value, updated, with_item)
                return result
            if (
                func.attr.value in ("all", "iter")
                and isinstance(func.value, cst.Call)
                and isinstance(func.value.func, cst.Attribute)
                and func.value.func.attr.value == "open"
                and self._is_dataframe(func.value.func.value)
            ):
                if len(func.value.args) != 1:
                    self.todo_here(
                        "Flyte 2's DataFrame.open(T) names the dataframe type to read it as (pd.DataFrame...)"
                    )
                    return updated
                if func.attr.value == "iter":
                    self.todo_here("Flyte 2's DataFrame.iter() is an async iterator: `async for` in an async task")
                    return updated
                if self._async:
                    return self._await(updated)
                return updated.with_changes(func=updated.func.with_changes(attr=cst.Name("all_sync")))
        dotted = _dotted(func)
        if dotted and updated.args and (dotted in PATH_FUNCTIONS or dotted.startswith(PATH_MODULES)):
            first = updated.args[0]
            if first.keyword is None and self._kind_of_name(original.args[0].value) in ("File", "Dir"):
                return updated.with_changes(
                    args=[first.with_changes(value=self._local_copy(first.value)), *updated.args[1:]]
                )
        return updated

    def _construct(self, kind: str, call: cst.Call) -> cst.BaseExpression | None:
        """The Flyte 2 construction; None (and a TODO) when there is none to write."""
        first = "dataframe" if kind == "DataFrame" else "path"  # Flyte 1's first parameter
        args: dict[str | None, cst.Arg] = {}
        for i, arg in enumerate(call.args):
            args[arg.keyword.value if arg.keyword else first if i == 0 else None] = arg
        if None in args or any(a.star for a in call.args):
            self.todo_here(f"construct the Flyte 2 {kind} (flyte.io.{kind}) from these arguments by hand")
            return None
        cls = self._name(kind)
        if kind == "DataFrame":
            if set(args) <= {"dataframe", "uri"} and "dataframe" in args:
                new = [cst.Arg(args["dataframe"].value)]
                if "uri" in args:
                    new.append(_keyword("uri", args["uri"].value))
                return cst.Call(func=cst.Attribute(value=cls, attr=cst.Name("wrap_df")), args=new)
            if set(args) <= {"uri", "file_format"} and "uri" in args:
                new = [cst.Arg(args["uri"].value)]
                if "file_format" in args:
                    new.append(_keyword("format", args["file_format"].value))
                return cst.Call(func=cst.Attribute(value=cls, attr=cst.Name("from_existing_remote")), args=new)
            self.todo_here(
                "construct the flyte.io.DataFrame by hand: DataFrame.wrap_df(df) or from_existing_remote(uri)"
            )
            return None
        if "path" not in args or not set(args) <= {"path", "remote_path"}:
            self.todo_here(
                f"construct the flyte.io.{kind} by hand: {kind}.from_local(path) or from_existing_remote(uri)"
            )
            return None
        path = args["path"].value
        if _is_remote(path) and "remote_path" not in args:
            return cst.Call(func=cst.Attribute(value=cls, attr=cst.Name("from_existing_remote")), args=[cst.Arg(path)])
        new = [cst.Arg(path)]
        if "remote_path" in args:
            new.append(_keyword("remote_destination", args["remote_path"].value))
        if self._async:
            return self._await(cst.Call(func=cst.Attribute(value=cls, attr=cst.Name("from_local")), args=new))
        return cst.Call(func=cst.Attribute(value=cls, attr=cst.Name("from_local_sync")), args=new)

    def _class_method(self, kind: str, method: str, call: cst.Call) -> cst.BaseExpression | None:
        new_remote = {"File": "new_remote_file", "Dir": "new_remote"}.get(kind)
        if (
            method == new_remote
            and len(call.args) <= 1
            and all(a.keyword is None or a.keyword.value in ("name", "stem") for a in call.args)
        ):
            # a new file/dir in the run's raw data store (alt=, another store, has no Flyte 2 parameter)
            args = [a.with_changes(keyword=None, equal=cst.MaybeSentinel.DEFAULT) for a in call.args]
            return cst.Call(func=cst.Attribute(value=self._name(kind), attr=cst.Name("new_remote")), args=args)
        if method == "from_source" and kind in ("File", "Dir") and len(call.args) == 1 and not call.args[0].keyword:
            return cst.Call(
                func=cst.Attribute(value=self._name(kind), attr=cst.Name("from_existing_remote")), args=call.args
            )
        if method == "listdir":
            self.todo_here("Flyte 2's Dir.list_files_sync(d) lists its files (Flyte 1's listdir: its files and dirs)")
        else:
            self.todo_here(f"Flyte 1's {method}() has no direct counterpart on flyte.io.{kind}: see its methods")
        return None

    def _method(self, name: cst.BaseExpression, method: str, call: cst.Call, with_item: bool) -> cst.BaseExpression:
        if method == "download" and not call.args:
            return self._download(name)
        if method == "open" and with_item and not self._async:  # `with f.open(mode) as fh:`
            return call.with_changes(func=call.func.with_changes(attr=cst.Name("open_sync")))
        hint = METHOD_HINTS.get(method)
        if hint:
            self.todo_here(hint)
        return call

    # -- `x.download()` as a statement: a name for the downloaded copy, which a later `x.path` reads -------------
    def leave_SimpleStatementLine(self, original, updated):
        if len(original.body) != 1 or not self._stack:
            return updated
        stmt = original.body[0]
        frame = self._stack[-1]
        if isinstance(stmt, cst.Expr) and self._is_download(stmt.value):
            owner = _code(stmt.value.func.value)
            local = f"{owner.replace('.', '_')}_path"
            if local in frame.names:
                return updated
            frame.local_paths[owner] = local
            frame.names.add(local)
            assign = cst.Assign(targets=[cst.AssignTarget(cst.Name(local))], value=updated.body[0].value)
            return updated.with_changes(body=[assign])
        if (
            isinstance(stmt, cst.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0].target, cst.Name)
            and self._is_download(stmt.value)
        ):
            frame.local_paths[_code(stmt.value.func.value)] = stmt.targets[0].target.value
        return updated

    def _is_download(self, node: cst.BaseExpression) -> bool:
        return (
            isinstance(node, cst.Call)
            and not node.args
            and isinstance(node.func, cst.Attribute)
            and node.func.attr.value == "download"
            and self._kind_of_name(node.func.value) in ("File", "Dir")
        )


TRANSFORM = IoTypesTransform
