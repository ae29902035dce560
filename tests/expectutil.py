"""Expected findings written next to the code they are about.

A line that ends in ``# expect: FLY106`` (or ``# expect: FLY106 FLY102``) must be reported with those
codes, and no other line may be reported::

    check(tmp_path, '''
        import flyte
        ...
        train(bogus=1)  # expect: FLY106
    ''')

``select`` limits both the rules that run and the expectations that are compared.
"""

from __future__ import annotations

import re
from pathlib import Path

from lintutil import lint, split_files

EXPECT = re.compile(r"#\s*expect:\s*(?P<codes>(?:FLY\d{3}[\s,]*)+)\s*$")


def expectations(source: str, select: list[str] | None = None) -> list[tuple[str, int, str]]:
    found = []
    for path, text in split_files(source).items():
        for number, line in enumerate(text.splitlines(), start=1):
            match = EXPECT.search(line)
            if match:
                for code in re.findall(r"FLY\d{3}", match.group("codes")):
                    if select is None or code in select:
                        found.append((code, number, path))
    return sorted(found)


def check(tmp_path: Path, source: str, select: list[str] | None = None) -> list[tuple[str, int, str]]:
    """Lint ``source`` and assert the findings are exactly the ``# expect:`` marks. Returns the findings."""
    found = sorted(lint(tmp_path, source, select=select))
    expected = expectations(source, select)
    assert found == expected, (
        f"\nfound:    {found}\nexpected: {expected}\nmissing:  {sorted(set(expected) - set(found))}\nextra:    {sorted(set(found) - set(expected))}"
    )
    return found
