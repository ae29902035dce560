"""`flyte-lint graph --input NAME=VALUE`: values of the entry's parameters, checked against its signature.

A VALUE is JSON (``n=5``, ``'items=[1,2]'``, ``flag=true``); text that is not JSON is a string. A parameter
annotated ``str`` takes the text as it is (``name=5`` is the string "5"), one annotated ``float`` takes an
integer as a float (``rate=2`` is 2.0, as ``flyte run --rate 2`` reads it). A name the entry does not take, or a
value that is not of the annotated type (int, float, str, bool, list, dict, their ``Optional``), is an error:
a graph compiled for inputs the run would reject describes no run. Other annotations (dataclasses, files, enums)
are not checked.
"""

from __future__ import annotations

import json
from typing import Any

from astroid import nodes

SCALARS = {"int": "an int", "float": "a float", "str": "a string", "bool": "a bool (true or false)"}
LISTS = {"list", "List", "Sequence", "MutableSequence"}
DICTS = {"dict", "Dict", "Mapping", "MutableMapping"}


class InputError(Exception):
    pass


def parse_inputs(items: list[str], func: nodes.FunctionDef, entry_name: str) -> dict[str, Any]:
    """The values of ``items`` (``NAME=VALUE``) for the parameters of ``func``; InputError says what is wrong."""
    annotations = _annotations(func)
    takes_any_name = func.args.kwarg is not None
    values: dict[str, Any] = {}
    for item in items:
        name, sep, text = item.partition("=")
        if not sep or not name.isidentifier():
            raise InputError(f"--input takes NAME=VALUE, not {item!r}")
        if name not in annotations and not takes_any_name:
            known = ", ".join(annotations) or "none"
            raise InputError(f"--input {name}: {entry_name} has no parameter {name!r} (its parameters: {known})")
        annotation = annotations.get(name)
        try:
            value = json.loads(text)
        except ValueError:
            value = text  # a bare string
        if annotation is not None and _name(annotation) == "str":
            value = value if isinstance(value, str) else text
        problem = _mismatch(value, annotation) if annotation is not None else None
        if problem is not None:
            raise InputError(
                f"--input {name}={text}: parameter {name!r} of {entry_name} is annotated "
                f"`{annotation.as_string()}`, {problem}"
            )
        if annotation is not None and _name(annotation) == "float" and isinstance(value, int):
            value = float(value)  # (as `flyte run`'s option parser reads `--rate 2`; flyte.run(rate=2) refuses an int)
        values[name] = value
    return values


def _annotations(func: nodes.FunctionDef) -> dict[str, nodes.NodeNG | None]:
    args = func.args
    pairs = list(zip(args.posonlyargs or [], args.posonlyargs_annotations or [], strict=True))
    pairs += list(zip(args.args or [], args.annotations or [], strict=True))
    pairs += list(zip(args.kwonlyargs or [], args.kwonlyargs_annotations or [], strict=True))
    return {arg.name: annotation for arg, annotation in pairs}


def _name(annotation: nodes.NodeNG) -> str | None:
    """The last part of a plain or dotted name (``typing.List`` -> ``List``), or None."""
    if isinstance(annotation, nodes.Name):
        return annotation.name
    if isinstance(annotation, nodes.Attribute):
        return annotation.attrname
    if isinstance(annotation, nodes.Const) and annotation.value is None:
        return "None"
    return None


def _mismatch(value: Any, annotation: nodes.NodeNG) -> str | None:
    """Why ``value`` is not of type ``annotation`` (``not a ...``), or None when it is or the type is not checked."""
    options = _union(annotation)
    if options is not None:
        problems = [_mismatch(value, option) for option in options]
        if any(p is None for p in problems):
            return None
        return f"but {json.dumps(value)} is none of its types"
    base, params = annotation, []
    if isinstance(annotation, nodes.Subscript):
        base = annotation.value
        params = list(annotation.slice.elts) if isinstance(annotation.slice, nodes.Tuple) else [annotation.slice]
    name = _name(base)
    if name == "None":
        return None if value is None else f"but {json.dumps(value)} is not null"
    if name in SCALARS and base is annotation:
        ok = {
            "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
            "float": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
            "str": lambda v: isinstance(v, str),
            "bool": lambda v: isinstance(v, bool),
        }[name](value)
        return None if ok else f"but {json.dumps(value)} is not {SCALARS[name]}"
    if name in LISTS:
        if not isinstance(value, list):
            return f"but {json.dumps(value)} is not a JSON list"
        for element in value if params else ():
            problem = _mismatch(element, params[0])
            if problem is not None:
                return f"and its element {problem.removeprefix('but ')}"
        return None
    if name in DICTS:
        if not isinstance(value, dict):
            return f"but {json.dumps(value)} is not a JSON object"
        if len(params) == 2:
            for element in value.values():
                problem = _mismatch(element, params[1])
                if problem is not None:
                    return f"and its value {problem.removeprefix('but ')}"
        return None
    return None  # a type this check does not know: not checked


def _union(annotation: nodes.NodeNG) -> list[nodes.NodeNG] | None:
    """The members of ``Optional[X]``, ``Union[X, Y]`` or ``X | Y``, or None when it is not a union."""
    if isinstance(annotation, nodes.BinOp) and annotation.op == "|":
        return [*(_union(annotation.left) or [annotation.left]), *(_union(annotation.right) or [annotation.right])]
    if isinstance(annotation, nodes.Subscript) and _name(annotation.value) in ("Optional", "Union"):
        members = list(annotation.slice.elts) if isinstance(annotation.slice, nodes.Tuple) else [annotation.slice]
        if _name(annotation.value) == "Optional":
            members.append(nodes.Const(None))
        return members
    return None
