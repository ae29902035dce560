"""A run's output as JSON-able data compared by content, the same for Flyte 1 (flytekit) and Flyte 2 (flyte).

Both harnesses (tests/v1_runner.py under flytekit, tests/sdk_runner.py's ``run_program(..., outputs_by_content=True)``
under flyte 2) turn the entry's return value into data with :func:`content_jsonable` in their child process, while
the run's files still exist:

* a file (``FlyteFile``, ``flyte.io.File``, a ``pathlib.Path`` to a file) becomes ``{"__file__": <sha256>}``;
* a directory (``FlyteDirectory``, ``flyte.io.Dir``, a path to a directory) becomes
  ``{"__dir__": {<relative path>: <sha256>, ...}}``;
* a dataframe (a pandas ``DataFrame``, flytekit's ``StructuredDataset``, ``flyte.io.DataFrame``) becomes
  ``{"__dataframe__": {"columns": [...], "rows": [[...], ...]}}`` (the index dropped);
* dataclasses and pydantic models become dicts of their fields, enums their values, tuples and NamedTuples lists,
  sets sorted lists, generators and flytekit's ``FlyteIterator`` the list of their items; a float that is not finite
  becomes its repr.

Names, upload locations and random suffixes differ between the two SDKs; only the bytes and values are kept.
:func:`outputs_match` compares two such values, floats within a relative 1e-9.

This module is loaded by file path in the child processes and must not import pytest or the project.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import math
import os
import types
from typing import Any

__all__ = ["content_jsonable", "outputs_match", "file_digest", "dir_digest"]

_MAX_DEPTH = 20


def file_digest(path: str) -> str:
    """sha256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def dir_digest(path: str) -> dict[str, str]:
    """Every file under ``path``: its path relative to ``path`` (``/``-separated) -> sha256."""
    out: dict[str, str] = {}
    for root, dirs, files in os.walk(path):
        dirs.sort()
        for name in sorted(files):
            full = os.path.join(root, name)
            out[os.path.relpath(full, path).replace(os.sep, "/")] = file_digest(full)
    return out


def _local_path(value: Any) -> str | None:
    """The local path holding a file or directory object's data (downloading it first where the SDK needs to)."""
    mod = type(value).__module__ or ""
    if mod.startswith("flytekit"):
        # FlyteFile / FlyteDirectory: os.fspath downloads (locally: copies from the local raw-data store).
        return os.fspath(value)
    if mod.startswith("flyte.io"):
        return value.download_sync()
    return os.fspath(value)


def _is_kind(value: Any, names: tuple[str, ...], modules: tuple[str, ...]) -> bool:
    return any(
        klass.__name__ in names and (klass.__module__ or "").startswith(modules) for klass in type(value).__mro__
    )


def _dataframe_content(df: Any, depth: int) -> dict:
    frame = df.reset_index(drop=True)
    rows = [[content_jsonable(v, depth + 1) for v in row] for row in frame.itertuples(index=False, name=None)]
    return {"__dataframe__": {"columns": [str(c) for c in frame.columns], "rows": rows}}


def _open_as_pandas(value: Any) -> Any:
    import pandas as pd

    held = getattr(value, "val", None) if (type(value).__module__ or "").startswith("flyte.io") else None
    if isinstance(held, pd.DataFrame):  # flyte.io.DataFrame.from_df(...) handed back by a local run
        return held
    uri = getattr(value, "uri", None)
    if isinstance(uri, str) and os.path.exists(uri.removeprefix("file://")):  # a local run's stored dataframe
        return pd.read_parquet(uri.removeprefix("file://"))
    opened = value.open(pd.DataFrame)
    reader = getattr(opened, "all_sync", None)  # flyte.io.DataFrame: all() is async, all_sync() is not
    return reader() if callable(reader) else opened.all()


def content_jsonable(value: Any, _depth: int = 0) -> Any:
    """``value`` as JSON-able data, with files, directories and dataframes replaced by their content."""
    if _depth > _MAX_DEPTH:
        return repr(value)
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else repr(value)
    if isinstance(value, bytes):
        return {"__bytes__": hashlib.sha256(value).hexdigest()}
    if isinstance(value, enum.Enum):
        return content_jsonable(value.value, _depth + 1)
    if isinstance(value, dict):
        return {str(k): content_jsonable(v, _depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [content_jsonable(v, _depth + 1) for v in value]
    if isinstance(value, (set, frozenset)):
        return [content_jsonable(v, _depth + 1) for v in sorted(value, key=repr)]
    if _is_kind(value, ("FlyteFile", "File"), ("flytekit", "flyte.io")):
        return {"__file__": file_digest(_local_path(value))}
    if _is_kind(value, ("FlyteDirectory", "Dir"), ("flytekit", "flyte.io")):
        return {"__dir__": dir_digest(_local_path(value))}
    if _is_kind(value, ("StructuredDataset", "DataFrame"), ("flytekit", "flyte.io")):
        return _dataframe_content(_open_as_pandas(value), _depth)
    if _is_kind(value, ("DataFrame",), ("pandas",)):
        return _dataframe_content(value, _depth)
    if _is_kind(value, ("Series",), ("pandas",)):
        return [content_jsonable(v, _depth + 1) for v in value.tolist()]
    if _is_kind(value, ("ndarray",), ("numpy",)) or _is_kind(value, ("generic",), ("numpy",)):
        return content_jsonable(value.tolist(), _depth + 1)
    if isinstance(value, os.PathLike):
        path = os.fspath(value)
        if os.path.isdir(path):
            return {"__dir__": dir_digest(path)}
        if os.path.isfile(path):
            return {"__file__": file_digest(path)}
        return str(path)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: content_jsonable(getattr(value, f.name), _depth + 1) for f in dataclasses.fields(value)}
    model_fields = getattr(type(value), "model_fields", None)  # pydantic v2: field by field, files by content
    if isinstance(model_fields, dict) and callable(getattr(value, "model_dump", None)):
        return {name: content_jsonable(getattr(value, name, None), _depth + 1) for name in model_fields}
    if _is_kind(value, ("FlyteIterator",), ("flytekit",)) or isinstance(value, types.GeneratorType):
        return [content_jsonable(v, _depth + 1) for v in value]
    dump = getattr(value, "model_dump", None)  # pydantic v2
    if callable(dump):
        try:
            return content_jsonable(dump(), _depth + 1)
        except Exception:  # pylint: disable=broad-exception-caught
            pass
    return repr(value)


def outputs_match(a: Any, b: Any, rel_tol: float = 1e-9) -> bool:
    """Whether two :func:`content_jsonable` values are equal, floats (and ints against floats) within ``rel_tol``."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b or math.isclose(a, b, rel_tol=rel_tol, abs_tol=1e-12)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(outputs_match(a[k], b[k], rel_tol) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(outputs_match(x, y, rel_tol) for x, y in zip(a, b, strict=True))
    return a == b
