"""What a rule is: one record with its code, symbol, severity, documentation, pylint message number, the scope of
what it reads, its cases (``INVALID``/``VALID``, Fixit style), what the SDK does with them (``runtime``), and a
check. See /work/notes/RULE_RECORD.md.
"""

from __future__ import annotations

import enum
import re
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from astroid import nodes

from flyte_lint.findings import Edit, Finding, Fix, Severity, Suggestion, char_column

if TYPE_CHECKING:
    from types import EllipsisType

    from flyte_lint.model.analysis import Analysis
    from flyte_lint.model.project import Module

# What a rule module imports from here (a finding's parts are defined in flyte_lint.findings).
__all__ = [
    "Case",
    "Edit",
    "Finding",
    "Fix",
    "Outcome",
    "Rule",
    "RuntimeSpec",
    "Scope",
    "Severity",
    "Suggestion",
    "REGISTRY",
    "char_column",
    "keyword_added",
    "register",
    "strip_expectations",
]


class Scope(enum.Enum):
    """What a rule's findings on a module depend on; the runner and the cache read it (flyte_lint/incremental.py
    says exactly what each covers)."""

    # That module and what the model resolves its names to (what it imports, transitively, and the files that
    # declare env dependencies or rebind flyte attributes). Not whether a function is a task, who calls it, nor
    # other modules' envs or tasks.
    MODULE = "module"
    # Also the modules that import it (callers give a function its task context and decide run roots;
    # ``env.task(fn)`` elsewhere makes a task), and what the model keeps per component about it: the component's
    # environments and import structure for a module that defines environments, and the whole component for a
    # module that uses flyte.remote.
    IMPORTERS = "importers"
    COMPONENT = "component"  # anything in its import-connected component


@dataclass(frozen=True)
class Case:
    """One example of a rule, Fixit style. ``source`` may hold several files with ``# file: pkg/mod.py`` lines
    (tests/lintutil.py ``split_files``); a line ending in ``# expect: FLY309`` must be reported by the rule, and no
    other line may be. ``message`` pins the exact message of the case's single finding; ``fixed`` pins the source
    after ``--fix --unsafe-fixes`` (with ``# file:`` lines: the files it names), ``# expect:`` comments left out.
    ``select`` runs other rules too (only this rule's findings are compared); ``name`` names the generated test."""

    source: str
    message: str | None = None
    fixed: str | None = None
    select: list[str] | tuple[str, ...] | None = None
    name: str | None = None


# No ``output`` pinned (an Outcome may pin ``output=None``).
NOTHING: Any = type("Nothing", (), {"__repr__": lambda self: "NOTHING"})()


@dataclass(frozen=True)
class Outcome:
    """What running a case under the real SDK (tests/sdk_runner.py) must show. Every field set is checked:
    ``ok``: the run succeeded or not; ``error_contains``: each text occurs in the error types or the error message;
    ``error_excludes``: none does; ``error_code``: the run's error code; ``phase``: "import" / "run" ...;
    ``ran``: task name -> how many times it ran; ``output``: equal to the entry's output (``approx``: within
    pytest.approx); ``output_items``: key -> value the output mapping holds; ``output_item_contains``: key -> a
    text that output[key] contains; ``warning_contains``: each occurs in some warning; ``no_network``: nothing
    tried to reach the network; ``last_launched_by``: the task that launched the last call. ``cluster``: the
    outcome in cluster mode where it differs (only on a spec that runs in both modes)."""

    ok: bool | None = None
    error_contains: tuple[str, ...] = ()
    error_excludes: tuple[str, ...] = ()
    error_code: str | None = None
    phase: str | None = None
    ran: dict[str, int] = field(default_factory=dict)
    output: Any = NOTHING
    approx: bool = False
    output_items: dict[str, Any] = field(default_factory=dict)
    output_item_contains: dict[str, str] = field(default_factory=dict)
    warning_contains: tuple[str, ...] = ()
    no_network: bool = False
    last_launched_by: str | None = None
    cluster: Outcome | None = None

    def in_mode(self, mode: str) -> Outcome:
        return self.cluster if mode == "cluster" and self.cluster is not None else self


@dataclass(frozen=True)
class RuntimeSpec:
    """What the SDK does with a rule's documented bad and good example (its first INVALID and VALID case):
    tests/test_runtime_effects.py runs each with ``entry(**args)`` in every mode of ``modes``. ``probe`` appends a
    program asking the SDK what a deploy would do: "plan:<env>[, <env>...]" (the envs the deploy planner plans),
    "image" (an ``image_probe`` task returning the env's base image and layer names), "trigger:<task>" (a
    ``trigger_probe`` task serializing the task's triggers); ``append`` is more program text appended verbatim.
    ``modes=("local",)`` for an effect before any task body runs (an import, a probe), where the event loop's
    thread cannot matter. A warning's ``bad`` outcome has a ``cluster`` outcome (it completes there), or the spec
    says in ``completes_because`` why its bad example, which completes in every mode, is a warning (it hides or
    degrades what the author may mean: FLY205's hidden failed map items)."""

    entry: str
    bad: Outcome
    good: Outcome
    args: dict[str, Any] = field(default_factory=dict)
    probe: str | None = None
    append: str = ""
    modes: tuple[str, ...] = ("local", "cluster")
    completes_because: str | None = None


EXPECT_COMMENT = re.compile(r"\s*#\s*expect:\s*(?:FLY\d{3}[\s,]*)+$")


def strip_expectations(source: str) -> str:
    """``source`` without its ``# expect: ...`` comments."""
    return "\n".join(EXPECT_COMMENT.sub("", line) for line in source.split("\n"))


class Rule:
    """Subclasses set the class attributes and implement ``check``."""

    code: ClassVar[str]
    symbol: ClassVar[str]
    severity: ClassVar[Severity] = Severity.ERROR
    summary: ClassVar[str]  # what it does, one sentence
    rationale: ClassVar[str]  # why it is bad: the effect at runtime or deploy
    # The documented example: derived from the first INVALID and VALID case (``# expect:`` comments stripped).
    bad: ClassVar[str]  # an example it reports
    good: ClassVar[str]  # the same example fixed; it must stay quiet
    INVALID: ClassVar[list[Case]] = []  # cases it reports, at their ``# expect:`` lines
    VALID: ClassVar[list[Case]] = []  # cases it must stay quiet on
    pylint_number: ClassVar[int | None] = None  # stable pylint message number (E67nn); never reused
    # The pylint symbol, when pylint already uses ``symbol`` for one of its own messages (tests/test_pylint_plugin.py).
    pylint_symbol: ClassVar[str | None] = None
    scope: ClassVar[Scope] = Scope.COMPONENT  # what its findings depend on
    runtime: ClassVar[RuntimeSpec | None] = None  # what the SDK does with its bad and good example
    # Why an error or warning rule has no ``runtime`` (what it reports cannot be run without a backend...).
    runtime_untestable: ClassVar[str | None] = None
    # Messages that show code which is no rewrite of the reported place (tests/test_fix_outputs.py holds every
    # other message's backticked code to a structured Suggestion): the reason for the whole rule, or
    # (message pattern, reason) pairs for some of its messages.
    shows_no_rewrite: ClassVar[str | None] = None
    advice_elsewhere: ClassVar[tuple[tuple[str, str], ...]] = ()
    fix: ClassVar[str]  # how to fix it
    fix_safety: ClassVar[str | None] = None  # autofix availability and safety, ruff style
    # The exception every finding's failure raises at the finding's node, a class by dotted path
    # ("builtins.TypeError"); None: no exception there (a deploy-time or silent failure). A finding whose failure
    # differs says so (``finding(raises=..., raised_at=...)``). The runner drops a finding when the code around its
    # node catches that exception (flyte_lint.model.guards: ``try: ... except TypeError:``, a deliberate probe).
    raises: ClassVar[str | None] = None
    # Its findings are calls whose child task or map never runs (a coroutine lost, a map never iterated): the
    # graph labels their nodes "never runs" exactly there (flyte_lint/graph/compiler.py).
    finds_calls_that_never_run: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        own = vars(cls)
        for cases, example in (("INVALID", "bad"), ("VALID", "good")):
            if cases in own and example in own:  # (a test's throwaway rule may set the plain strings alone)
                raise TypeError(
                    f"{cls.__name__}: set {cases} or {example}, not both ({example} is the first of {cases})"
                )
            if own.get(cases):
                setattr(cls, example, strip_expectations(own[cases][0].source))

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        raise NotImplementedError

    def finding(
        self,
        module: Module,
        node: nodes.NodeNG,
        message: str,
        fix: Fix | None = None,
        severity: Severity | None = None,
        suggestions: Iterable[Suggestion | None] = (),
        raises: str | None | EllipsisType = ...,
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
            code=self.code,
            symbol=self.symbol,
            severity=severity or self.severity,
            message=message,
            path=module.display_path,
            line=line,
            column=col + 1,
            end_line=end_line,
            end_column=end_col + 1,
            fix=fix,
            suggestions=tuple(s for s in suggestions if s is not None),
            module=module,
            raises=self.raises if raises is ... else raises,
            raised_at=raised_at if raised_at is not None else node,
        )

    @classmethod
    def example(cls, which: str) -> str:
        return textwrap.dedent(getattr(cls, which)).strip("\n") + "\n"


REGISTRY: dict[str, Rule] = {}


def register(cls: type[Rule]) -> type[Rule]:
    assert cls.code not in REGISTRY, cls.code
    REGISTRY[cls.code] = cls()
    return cls


def keyword_added(call: nodes.Call, keyword: str) -> Suggestion:
    """``keyword`` (``name=value``, as a message shows it) added after the last argument of ``call``."""
    given = [*call.args, *(call.keywords or [])]
    if not given:
        end = (call.end_lineno, call.end_col_offset - 1)  # before the closing parenthesis
        return Suggestion(keyword, (Edit(end, end, keyword),))
    last = max(given, key=lambda arg: (arg.end_lineno, arg.end_col_offset))
    end = (last.end_lineno, last.end_col_offset)
    return Suggestion(keyword, (Edit(end, end, f", {keyword}"),))


def import_edit(module: nodes.Module, text: str) -> Edit:
    """``text`` inserted before the first import of ``module`` that is not a ``__future__`` one (or after its
    docstring and future imports when it imports nothing else)."""
    at = 1
    for stmt in module.body:
        if isinstance(stmt, nodes.ImportFrom) and stmt.modname == "__future__":
            at = stmt.end_lineno + 1
            continue
        if isinstance(stmt, nodes.Expr) and stmt is module.body[0] and isinstance(stmt.value, nodes.Const):
            at = stmt.end_lineno + 1
            continue
        at = stmt.lineno
        break
    return Edit((at, 0), (at, 0), text)
