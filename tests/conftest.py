import os
import sys

import pytest

from flyte_lint.rules.base import Rule

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import sdk_runner
import v1_runner

_finding = Rule.finding


def _finding_in_its_module(self, module, node, *args, **kwargs):
    assert module.tree is None or node.root() is module.tree, (
        f"{self.code} reports a node of {node.root().file} as a finding of {module.path}"
    )
    return _finding(self, module, node, *args, **kwargs)


@pytest.fixture(autouse=True)
def findings_lie_in_their_module(monkeypatch):
    """Every test checks that a rule reports each finding in the module its node belongs to: the path, line
    and column of a finding placed in another module's file point at nothing (and it is dropped when that
    file is not linted)."""
    monkeypatch.setattr(Rule, "finding", _finding_in_its_module)


# A test skipped without flytekit (``@requires_flytekit``, tests/v1_runner.py) runs a Flyte 1 program: an SDK test too.
_SDK_SKIP_REASONS = sdk_runner.SDK_SKIP_REASONS | {v1_runner.requires_flytekit.kwargs["reason"]}


def pytest_collection_modifyitems(items):
    """A test skipped without the SDK (``@requires_sdk``, ``requires_cluster_mode``, ``@requires_flytekit``) runs
    the SDK: it gets the `sdk` marker, so `pytest -m "not sdk and not slow"` is the quick loop."""
    for item in items:
        if any(mark.kwargs.get("reason") in _SDK_SKIP_REASONS for mark in item.iter_markers("skipif")):
            item.add_marker(pytest.mark.sdk)


@pytest.fixture(autouse=True)
def sdk_runs_only_in_sdk_tests(request):
    """run_program refuses to start the SDK for a test without the `sdk` marker (see sdk_runner.CURRENT_TEST)."""
    sdk_runner.CURRENT_TEST = (request.node.nodeid, request.node.get_closest_marker("sdk") is not None)
    yield
    sdk_runner.CURRENT_TEST = None
