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
    module: "Module | None" = field(default=None, compare=False, repr=False)

    @property
    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column, self.code, self.message)


def char_column(module: "Module", line: int, byte_col: int) -> int:
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
