"""FLY001 syntax-error: a file that cannot be read or parsed. The engine reports it (flyte_lint/unit.py makes the
finding from the module's parse failure); the rule is registered here for its record: docs, cases, pylint number."""

from __future__ import annotations

from collections.abc import Iterable

from flyte_lint.rules.base import Case, Finding, Rule, Scope, register


@register
class SyntaxErrorRule(Rule):
    code = "FLY001"
    symbol = "syntax-error"
    pylint_symbol = "flyte-lint-syntax-error"  # pylint's E0001 is syntax-error
    pylint_number = 1
    runtime_untestable = "a file that does not parse: nothing to run"
    scope = Scope.MODULE  # a file's own text
    summary = (
        "Reports a file that cannot be read, decoded or parsed as Python, is too deeply nested to "
        "analyse, or whose name resolution stopped at its budget (generated code rebinding one name "
        "thousands of times), and a file named on the command line that is not Python."
    )
    rationale = (
        "Python (and so `flyte run` / `flyte deploy`) cannot import the file. flyte-lint reports it and checks the rest of the project."
        " A file whose syntax only a newer Python reads (PEP 701 f-strings, `type X = ...`, `def f[T]`: the error's line"
        " shows such syntax and LibCST, whose grammar follows the newest Python, reads the whole file) is reported as a"
        " warning instead: it is right for a Python newer than the one flyte-lint runs under, and only could not be"
        " analysed."
        " Severity: error: the file cannot be imported, in local runs and in a cluster alike."
    )
    fix = (
        "Fix the syntax error (the message gives the reason and position). Files are read with the grammar "
        "of the Python flyte-lint runs under: run it with your project's Python version, or newer syntax "
        "(`type X = ...`, nested quotes in f-strings) reads as an error."
    )

    # No message is pinned: it quotes the parser of the Python flyte-lint runs under ("'(' was never closed
    # (read as Python 3.11)"), whose wording and version differ from one supported Python to another.
    INVALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo"  # expect: FLY001
            """,
        ),
    ]
    VALID = [
        Case(
            """
            import flyte

            env = flyte.TaskEnvironment("demo")
            """,
        ),
    ]

    def check(self, analysis) -> Iterable[Finding]:
        return ()
