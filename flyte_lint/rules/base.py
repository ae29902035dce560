"""What a rule is: its code, symbol, severity, documentation, a bad and a good example, and a check."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, ClassVar, Iterable

from astroid import nodes

from flyte_lint.findings import Edit, Finding, Fix, Severity, Suggestion, char_column

if TYPE_CHECKING:
    from types import EllipsisType

    from flyte_lint.model.analysis import Analysis
    from flyte_lint.model.project import Module

# What a rule module imports from here (a finding's parts are defined in flyte_lint.findings).
__all__ = ["Edit", "Finding", "Fix", "Rule", "Severity", "Suggestion", "REGISTRY", "char_column", "keyword_added",
           "register", "short", "source_of"]


class Rule:
    """Subclasses set the class attributes and implement ``check``."""

    code: ClassVar[str]
    symbol: ClassVar[str]
    severity: ClassVar[Severity] = Severity.ERROR
    summary: ClassVar[str]  # what it does, one sentence
    rationale: ClassVar[str]  # why it is bad: the effect at runtime or deploy
    bad: ClassVar[str]  # an example it reports
    good: ClassVar[str]  # the same example fixed; it must stay quiet
    fix: ClassVar[str]  # how to fix it
    fix_safety: ClassVar[str | None] = None  # autofix availability and safety, ruff style
    # A test runs ``bad`` and ``good`` under the real SDK when this is set: what happens to ``bad``.
    runtime_effect: ClassVar[str | None] = None
    # The exception every finding's failure raises at the finding's node, a class by dotted path
    # ("builtins.TypeError"); None: no exception there (a deploy-time or silent failure). A finding whose failure
    # differs says so (``finding(raises=..., raised_at=...)``). The runner drops a finding when the code around its
    # node catches that exception (flyte_lint.model.guards: ``try: ... except TypeError:``, a deliberate probe).
    raises: ClassVar[str | None] = None

    def check(self, analysis: "Analysis") -> Iterable[Finding]:
        raise NotImplementedError

    def finding(
        self, module: "Module", node: nodes.NodeNG, message: str, fix: Fix | None = None, severity: Severity | None = None,
        suggestions: Iterable[Suggestion | None] = (), raises: "str | None | EllipsisType" = ...,
        raised_at: nodes.NodeNG | None = None,
    ) -> Finding:
        """A finding at ``node``; ``severity`` overrides the rule's own for this one finding. ``suggestions`` are
        the rewrites the message shows (None entries are dropped). ``raises``: the exception this finding's failure
        raises, at ``raised_at`` (default ``node``); by default the rule's ``raises``."""
        line = node.lineno or 1
        end_line = node.end_lineno or line
        col = char_column(module, line, node.col_offset or 0)
        end_col = char_column(module, end_line, node.end_col_offset or 0) if node.end_col_offset is not None else col
        return Finding(
            code=self.code, symbol=self.symbol, severity=severity or self.severity, message=message,
            path=module.display_path, line=line, column=col + 1, end_line=end_line, end_column=end_col + 1,
            fix=fix, suggestions=tuple(s for s in suggestions if s is not None), module=module,
            raises=self.raises if raises is ... else raises, raised_at=raised_at if raised_at is not None else node,
        )

    @classmethod
    def example(cls, which: str) -> str:
        return textwrap.dedent(getattr(cls, which)).strip("\n") + "\n"


REGISTRY: dict[str, Rule] = {}


def register(cls: type[Rule]) -> type[Rule]:
    assert cls.code not in REGISTRY, cls.code
    REGISTRY[cls.code] = cls()
    return cls


def source_of(module: "Module", node: nodes.NodeNG) -> str:
    """The exact source text of ``node``."""
    try:
        return node.as_string()
    except Exception:  # pragma: no cover - as_string on odd nodes
        return "..."


def short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def keyword_added(call: nodes.Call, keyword: str) -> Suggestion:
    """``keyword`` (``name=value``, as a message shows it) added after the last argument of ``call``."""
    given = [*call.args, *(call.keywords or [])]
    if not given:
        end = (call.end_lineno, call.end_col_offset - 1)  # before the closing parenthesis
        return Suggestion(keyword, (Edit(end, end, keyword),))
    last = max(given, key=lambda arg: (arg.end_lineno, arg.end_col_offset))
    end = (last.end_lineno, last.end_col_offset)
    return Suggestion(keyword, (Edit(end, end, f", {keyword}"),))
