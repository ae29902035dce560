"""Reading and parsing one file into a lean astroid tree, without executing it.

The tree is built by astroid's TreeRebuilder (model/builder.py) directly on ``ast.parse`` output: no brain transforms,
no inference, and nothing is ever imported, so analysed code can never run.
"""

from __future__ import annotations

import ast
import gc
import io
import re
import sys
import tokenize
import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from astroid import nodes

GRAMMAR = f"{sys.version_info.major}.{sys.version_info.minor}"


class ParseFailure(Exception):
    """The file cannot be read or parsed. ``line``/``column`` are 1-based where known."""

    def __init__(self, reason: str, line: int = 1, column: int = 1, newer_syntax: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = max(1, line or 1)
        self.column = max(1, column or 1)
        # The running interpreter's grammar rejects it, but it is valid in a newer Python (newer_python_accepts).
        self.newer_syntax = newer_syntax


def decode_source(data: bytes) -> str:
    """Decode bytes as Python does: BOM and ``# coding:`` declarations, UTF-8 by default."""
    if b"\x00" in data:
        raise ParseFailure("source contains NUL bytes (binary file?)")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        raise ParseFailure(f"unknown encoding: {exc}") from None
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise ParseFailure(f"cannot decode as {encoding}: {exc}") from None
    return text[1:] if text.startswith("\ufeff") else text


def parse_module(text: str, modname: str, path: str) -> nodes.Module:
    """Build the lean astroid tree of ``text``; raises ParseFailure on invalid syntax or absurd nesting."""
    return parse_indexed(text, modname, path)[0]


def parse_indexed(text: str, modname: str, path: str) -> tuple[nodes.Module, list[nodes.NodeNG]]:
    """The lean astroid tree of ``text`` and its INDEXED_NODES in source order."""
    from flyte_lint.model.builder import build  # (astroid: imported by the first parse, not by a cached run)

    # Parsing allocates a node per token and frees nothing: the cyclic garbage collector would only rescan the
    # growing tree (half the parse time of a 200,000-line file), so it is paused meanwhile.
    paused = gc.isenabled()
    gc.disable()
    tree = None
    try:
        tree = ast.parse(text, filename=path)
        # No source text for the builder: it would only re-tokenize every def and class to find where its name
        # sits (``.position``), which nothing here reads.
        module, found, import_from_nodes = build(tree, modname, path)
    except SyntaxError as err:
        # The grammar is the running interpreter's: syntax newer than it (`type X = ...` before 3.12) is an
        # error here, so the message says which grammar read the file.
        line, column = err.lineno or 1, err.offset or 1
        if newer_python_accepts(text, line):
            raise ParseFailure(
                f"it uses syntax newer than Python {GRAMMAR}, which flyte-lint runs under ({err.msg}): run "
                "flyte-lint under the Python your project targets",
                line,
                column,
                newer_syntax=True,
            ) from None
        raise ParseFailure(f"syntax error: {err.msg} (read as Python {GRAMMAR})", line, column) from None
    except RecursionError:
        depth, line, column = _deepest(tree) if tree is not None else (0, 1, 1)
        where = f": {depth} levels of nesting" if depth else ""
        raise ParseFailure(f"too deeply nested to analyse{where} (recursion limit)", line, column) from None
    except MemoryError:
        # CPython's parser reports absurd nesting (10,000 unary operators or lambdas) as MemoryError.
        raise ParseFailure("too deeply nested or too large to parse (the parser ran out of memory)") from None
    except (ValueError, TypeError) as exc:
        raise ParseFailure(f"cannot parse: {exc or type(exc).__name__}") from None
    finally:
        if paused:
            gc.enable()
    module.file_encoding = "utf-8"
    # The part of astroid's post-build step that needs no import: bind ``from x import y`` names.
    for from_node, global_names in import_from_nodes:
        for name, asname in from_node.names:
            if name == "*":
                continue
            bound = asname or name
            target = from_node.root() if bound in global_names else from_node.parent
            target.set_local(bound, from_node)
            target.scope().locals[bound].sort(key=lambda n: n.fromlineno or 0)
    _NOTED[module] = found
    return module, found


# Each parsed tree's INDEXED_NODES, by tree (what parse_indexed returned): queries that start from a node find
# the calls, returns and yields of its module without walking it.
_NOTED: weakref.WeakKeyDictionary[nodes.Module, list[nodes.NodeNG]] = weakref.WeakKeyDictionary()


def noted_nodes(tree: nodes.Module) -> list[nodes.NodeNG] | None:
    """The INDEXED_NODES of a tree parse_indexed built, in source order (None for a tree built elsewhere)."""
    return _NOTED.get(tree)


# What a newer Python added to the grammar, as it shows on the line a parse error points at: f-strings that nest
# their own quotes or hold backslashes (3.12, PEP 701), type parameters and the `type` statement (3.12, PEP 695),
# template strings (3.14, PEP 750), `except A, B:` without parentheses (3.14, PEP 758).
_NEWER_SYNTAX = re.compile(
    r"""(?ix) \b[rb]?[ft][rb]?["'] | ^\s*type\s+\w+\s*(\[|=) | \b(def|class)\s+\w+\s*\[ | ^\s*except\*?\s+[^(:]+,[^:]*:"""
)


NEWER_SYNTAX_WINDOW = 40  # lines at and above a parse error where newer syntax may have started


def newer_python_accepts(text: str, line: int) -> bool:
    """The text is valid in a newer Python than this one: the error's line (or one just above) shows newer syntax, and LibCST's
    parser (whose grammar follows the newest Python) reads the whole file. Both are asked, so a broken file
    that merely contains an f-string is still a syntax error."""
    if sys.version_info >= (3, 14):
        return False  # (no newer grammar to ask for: LibCST does not read past 3.14)
    lines = text.splitlines()
    # The error's line, or one of the lines just above it: Python 3.11 reports a multi-line f-string's error
    # at its closing quotes, lines after the `f"""` that opens it.
    if not 0 < line <= len(lines) or not any(
        _NEWER_SYNTAX.search(text_line) for text_line in lines[max(0, line - NEWER_SYNTAX_WINDOW) : line]
    ):
        return False
    try:
        import libcst
    except ImportError:  # pragma: no cover - a dependency
        return False
    try:
        libcst.parse_module(text)
    except Exception:  # a syntax error in any grammar LibCST knows (or a file it cannot read)
        return False
    return True


def _deepest(tree: ast.AST) -> tuple[int, int, int]:
    """The nesting depth of ``tree`` and the (line, 1-based column) of its deepest node, without recursion."""
    best = (0, 1, 1)
    stack: list[tuple[ast.AST, int, int, int]] = [(tree, 1, 1, 0)]
    while stack:
        node, depth, line, col = stack.pop()
        line, col = getattr(node, "lineno", line), getattr(node, "col_offset", col)
        if depth > best[0]:
            best = (depth, line, col + 1)
        stack.extend((child, depth + 1, line, col) for child in ast.iter_child_nodes(node))
    return best


@dataclass
class Comments:
    """The comments of a file by line, for suppressions."""

    by_line: dict[int, str] = field(default_factory=dict)

    @classmethod
    def scan(cls, text: str) -> Comments:
        found: dict[int, str] = {}
        if "#" not in text:
            return cls(found)
        try:
            for tok in tokenize.generate_tokens(io.StringIO(text).readline):
                if tok.type == tokenize.COMMENT:
                    found[tok.start[0]] = tok.string
        except (tokenize.TokenError, SyntaxError, IndentationError):
            pass
        return cls(found)


# -- the source text of a node (what messages quote) ------------------------------------------------------------
def rendered(node: nodes.NodeNG) -> str:
    """astroid's rendering of ``node`` (normalised: its own quotes and spacing); "..." when it cannot render it."""
    try:
        return node.as_string()
    except Exception:  # pragma: no cover - as_string on odd nodes
        return "..."


def exact_source(module, node: nodes.NodeNG) -> str | None:
    """The source text of ``node`` exactly as written in ``module`` (its quotes, spacing and line breaks); None
    when its position is not known."""
    lines = (module.text or "").splitlines()
    line, end = node.lineno, node.end_lineno
    if line is None or end is None or node.end_col_offset is None or not 0 < line <= end <= len(lines):
        return None
    chunk = [text.encode("utf-8") for text in lines[line - 1 : end]]
    if len(chunk) == 1:
        raw = chunk[0][node.col_offset : node.end_col_offset]
    else:
        raw = b"\n".join([chunk[0][node.col_offset :], *chunk[1:-1], chunk[-1][: node.end_col_offset]])
    return raw.decode("utf-8", errors="replace")


def one_line_source(module, node: nodes.NodeNG) -> str | None:
    """The exact source of a node written on one line; None for one spread over lines or of unknown position."""
    if node.lineno != node.end_lineno:
        return None
    return exact_source(module, node)


def source_text(module, node: nodes.NodeNG) -> str:
    """The exact source text of ``node``, or astroid's rendering of it when its position is not known."""
    found = exact_source(module, node)
    return found if found is not None else rendered(node)


def short(text: str, limit: int = 60) -> str:
    """``text`` on one line (runs of white space made one space), cut to ``limit`` characters with "..."."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def short_source(module, node: nodes.NodeNG, limit: int = 60) -> str:
    """Short exact source text for a message; a long or multi-line call shows as ``func(...)``."""
    # (imported here: a cached run reads source.py without importing astroid)
    from astroid import nodes as astroid_nodes

    text = source_text(module, node)
    if isinstance(node, astroid_nodes.Call) and ("\n" in text or len(text) > limit):
        return short(source_text(module, node.func), limit - 5) + "(...)"
    return short(text, limit)
