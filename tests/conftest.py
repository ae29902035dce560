import os
import sys

import pytest

from flyte_lint.rules.base import Rule

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

_finding = Rule.finding


def _finding_in_its_module(self, module, node, *args, **kwargs):
    assert module.tree is None or node.root() is module.tree, (
        f"{self.code} reports a node of {node.root().file} as a finding of {module.path}")
    return _finding(self, module, node, *args, **kwargs)


@pytest.fixture(autouse=True)
def findings_lie_in_their_module(monkeypatch):
    """Every test checks that a rule reports each finding in the module its node belongs to: the path, line
    and column of a finding placed in another module's file point at nothing (and it is dropped when that
    file is not linted)."""
    monkeypatch.setattr(Rule, "finding", _finding_in_its_module)
