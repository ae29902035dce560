"""FLY001: files that cannot be read or parsed. Reported by the engine; registered here for docs."""

from __future__ import annotations

from typing import Iterable

from flyte_lint.rules.base import Finding, Rule, register


@register
class SyntaxErrorRule(Rule):
    code = "FLY001"
    symbol = "syntax-error"
    summary = ("Reports a file that cannot be read, decoded or parsed as Python, is too deeply nested to "
               "analyse, or whose name resolution stopped at its budget (generated code rebinding one name "
               "thousands of times), and a file named on the command line that is not Python.")
    rationale = (
        "Python (and so `flyte run` / `flyte deploy`) cannot import the file. flyte-lint reports it and checks the rest of the project."
        " Severity: error: the file cannot be imported, in local runs and in a cluster alike."
    )
    bad = """
        import flyte

        env = flyte.TaskEnvironment("demo"
    """
    good = """
        import flyte

        env = flyte.TaskEnvironment("demo")
    """
    fix = ("Fix the syntax error (the message gives the reason and position). Files are read with the grammar "
           "of the Python flyte-lint runs under: run it with your project's Python version, or newer syntax "
           "(`type X = ...`, nested quotes in f-strings) reads as an error.")

    def check(self, analysis) -> Iterable[Finding]:
        return ()
