"""What a finding is: a rule's report at a place in a file, with an optional fix. Nothing here imports astroid
or the rules, so a run that analyses nothing (every file's findings cached) never loads them."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flyte_lint.model.project import Module


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Edit:
    """Replace the text between two (line, column) positions, 1-based lines and 0-based character columns."""

    start: tuple[int, int]
    end: tuple[int, int]
    text: str


@dataclass(frozen=True)
class Fix:
    edits: tuple[Edit, ...]
    safe: bool
    title: str


@dataclass(frozen=True)
class Suggestion:
    """A rewrite that a finding's message proposes, in machine-readable form. ``shown`` is the code the message
    shows in backticks (``...`` stands for code kept as it is); ``edits`` make that rewrite, with the real
    arguments, in the finding's file, or in ``path`` (a display path) when the rewrite belongs in another file (the
    env a task's call needs a dependency on). ``--fix`` never applies a suggestion (a fix does); tests apply it and
    lint the result."""

    shown: str
    edits: tuple[Edit, ...]
    path: str | None = None


@dataclass
class Finding:
    code: str
    symbol: str
    severity: Severity
    message: str
    path: str
    line: int
    column: int  # 1-based
    end_line: int
    end_column: int  # 1-based, exclusive
    fix: Fix | None = field(default=None, compare=False)
    suggestions: tuple[Suggestion, ...] = field(default=(), compare=False)
    module: Module | None = field(default=None, compare=False, repr=False)
    # The exception the reported failure raises (a class by dotted path, "builtins.TypeError"; None: it raises
    # none where the code runs) and the node it is raised at: the rule runner drops the finding when the
    # author's code catches it there (flyte_lint.model.guards). Never cached: only the runner reads them.
    raises: str | None = field(default=None, compare=False, repr=False)
    raised_at: object = field(default=None, compare=False, repr=False)

    @property
    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column, self.code, self.message)


def char_column(module: Module, line: int, byte_col: int) -> int:
    """astroid columns count UTF-8 bytes; convert to characters."""
    if not module.text or byte_col <= 0:
        return max(byte_col, 0)
    lines = module.lines
    if not 0 < line <= len(lines):
        return byte_col
    text = lines[line - 1]
    if text.isascii():
        return byte_col
    return len(text.encode("utf-8")[:byte_col].decode("utf-8", errors="ignore"))
