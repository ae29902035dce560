#!/usr/bin/env python
"""Write a new rule's file with every section of the record (flyte_lint/rules/base.py), ready to fill in::

    python scripts/add_rule.py FLY314 image-without-tag config
    python scripts/add_rule.py FLY314 image-without-tag config --severity warning

writes flyte_lint/rules/config/image_without_tag.py (creating the family package when it is new), with the next
free pylint message number, and prints what to fill in. The rules package discovers the file: nothing else needs
editing, except the generated docs (``python -m flyte_lint.docs --write``). It refuses a code or symbol that a
rule already has, and a file that exists. ``--root DIR`` works on the checkout at DIR (default: this one).
Exit status: 0 written, 2 refused or bad usage.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

TEMPLATE = '''"""{code} {symbol}: TODO what it reports, in a few words."""

from __future__ import annotations

from collections.abc import Iterable

from flyte_lint.model.analysis import Analysis
from flyte_lint.rules.base import Case, Finding, Rule, Scope, Severity, register


@register
class {cls}(Rule):
    code = "{code}"
    symbol = "{symbol}"
    severity = Severity.{severity_name}
    pylint_number = {number}  # its pylint message id is {letter}67{number:02d}; never change it once released
    scope = Scope.COMPONENT  # MODULE | IMPORTERS | COMPONENT: what its findings on a module depend on
    summary = "TODO: Reports ... (one sentence: what it reports)."
    rationale = (
        "TODO: why it is bad: what the SDK, the backend or a deploy really does with it (measured, not guessed)."
        " Severity: {severity}: TODO why this severity."
    )
    fix = "TODO: how to fix it."
    fix_safety = None  # with an autofix: "Safe: ..." or "Unsafe: ..." (and an INVALID case with fixed=...)
    runtime_effect = None  # what the bad example does under the SDK, when it does something (then set runtime)
    runtime = None  # RuntimeSpec(entry="main", bad=Outcome(...), good=Outcome(...)): what the SDK does with the
    #                 first INVALID and first VALID case (tests/test_runtime_effects.py runs them)

    # The first INVALID and VALID case are the documented example (rules.md, `flyte-lint explain`).
    INVALID = [
        Case(
            """
            import flyte

            todo = "TODO: code the rule reports"  # expect: {code}
            """,
        ),
    ]
    VALID = [
        Case(
            """
            import flyte

            todo = "TODO: the same code, fixed"
            """,
        ),
    ]

    def check(self, analysis: Analysis) -> Iterable[Finding]:
        # TODO: read the analysis model (flyte_lint/model/) and yield self.finding(module, node, message, fix).
        return ()
'''

FILL_IN = """wrote {path}
fill in (search for TODO):
  - summary, rationale (ending "Severity: {severity}: <why>."), fix; fix_safety if it has an autofix
  - scope: MODULE if its findings on a module depend on that module alone, IMPORTERS if also on its importers
  - INVALID / VALID cases (`# expect: {code}` on each reported line; message=... and fixed=... to pin them;
    `# file: pkg/mod.py` lines for several files); the first of each is the documented example
  - runtime_effect and runtime (RuntimeSpec/Outcome) when the bad example misbehaves under the SDK
  - check()
then: python -m flyte_lint.docs --write
      pytest -q tests/test_rule_cases.py tests/test_rule_examples.py tests/test_docs.py tests/test_pylint_plugin.py -k {code}
"""


def class_name(symbol: str) -> str:
    return "".join(part.capitalize() for part in symbol.split("-"))


def existing(root: Path) -> tuple[dict, set[int]]:
    """The registry of the checkout at ``root`` and the pylint numbers its rules hold."""
    sys.path.insert(0, str(root))
    from flyte_lint.rules import REGISTRY

    return REGISTRY, {rule.pylint_number for rule in REGISTRY.values() if rule.pylint_number is not None}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a new flyte-lint rule's file with every section.")
    parser.add_argument("code", help="FLYnnn")
    parser.add_argument("symbol", help="kebab-case symbol, e.g. discarded-image-builder")
    parser.add_argument("family", help="rules/<family>/ package, e.g. config")
    parser.add_argument("--severity", choices=["error", "warning", "info"], default="error")
    parser.add_argument(
        "--root",
        type=Path,
        default=Path(__file__).resolve().parent.parent,
        help="the flyte-lint checkout to write into (default: this one)",
    )
    args = parser.parse_args(argv)

    def refuse(message: str) -> int:
        print(f"add_rule: {message}", file=sys.stderr)
        return 2

    if not re.fullmatch(r"FLY\d{3}", args.code):
        return refuse(f"{args.code!r} is not a code like FLY314")
    if not re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", args.symbol):
        return refuse(f"{args.symbol!r} is not a kebab-case symbol like discarded-image-builder")
    if not re.fullmatch(r"[a-z][a-z0-9_]*", args.family) or args.family in {"base", "runner"}:
        return refuse(f"{args.family!r} is not a family package name like config")
    root = args.root.resolve()
    rules_dir = root / "flyte_lint" / "rules"
    if not (rules_dir / "base.py").is_file():
        return refuse(f"{root} is not a flyte-lint checkout (no flyte_lint/rules/base.py)")

    registry, numbers = existing(root)
    if args.code in registry:
        return refuse(f"{args.code} exists: {registry[args.code].symbol} ({type(registry[args.code]).__module__})")
    taken = [rule for rule in registry.values() if rule.symbol == args.symbol]
    if taken:
        return refuse(f"symbol {args.symbol} is {taken[0].code}'s")
    family = rules_dir / args.family
    path = family / f"{args.symbol.replace('-', '_')}.py"
    if path.exists():
        return refuse(f"{path} exists")
    number = max(numbers, default=0) + 1
    if number > 99:
        return refuse("pylint leaves two digits per checker: no free pylint message number")

    if not family.is_dir():
        family.mkdir()
    init = family / "__init__.py"
    if not init.exists():
        init.write_text(f'"""The {args.family} rules, one per module."""\n', encoding="utf-8")
    letter = {"error": "E", "warning": "W", "info": "I"}[args.severity]
    path.write_text(
        TEMPLATE.format(
            code=args.code,
            symbol=args.symbol,
            cls=class_name(args.symbol),
            severity=args.severity,
            severity_name=args.severity.upper(),
            number=number,
            letter=letter,
        ),
        encoding="utf-8",
    )
    print(FILL_IN.format(path=path.relative_to(root), code=args.code, severity=args.severity))
    return 0


if __name__ == "__main__":
    sys.exit(main())
