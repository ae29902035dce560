"""Import astroid without its brain plugins, in flyte-lint's own process.

``import astroid`` registers every brain plugin on its global manager (``astroid/astroid_manager.py``): some
60 modules, and ``importlib.metadata`` for numpy's version, about 20 ms of the 110 ms a cold run spends
importing before it reads a file. flyte-lint builds its trees without transforms and never infers, so it
uses none of them. ``install`` puts a stand-in for ``astroid.astroid_manager`` in ``sys.modules`` before
anything imports astroid. Its ``MANAGER`` is an ``AstroidManager()`` made without registering the brains
(the class is a borg: every instance shares one state, so this is the manager astroid would have made). Any
other name, or a manager that cannot be made that way (a future astroid), comes from the real module, brains
and all: slower, never wrong.

Only the console script installs it. The pylint plugin runs inside pylint, whose checkers infer with the
brains; and a process that imported astroid before (a test session) keeps what it has.
"""

from __future__ import annotations

import sys
import types

NAME = "astroid.astroid_manager"


def install() -> None:
    if "astroid" not in sys.modules and NAME not in sys.modules:
        sys.modules[NAME] = _ManagerModule(NAME)


class _ManagerModule(types.ModuleType):
    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        value = _manager_without_brains() if name == "MANAGER" else None
        if value is None:
            value = getattr(_real_module(), name)
        setattr(self, name, value)
        return value


def _manager_without_brains():
    try:
        from astroid.manager import AstroidManager

        return AstroidManager()
    except Exception:  # an astroid that no longer has it there: the real module's
        return None


def _real_module() -> types.ModuleType:
    """astroid/astroid_manager.py, run as astroid would run it (registering the brains)."""
    import importlib.machinery
    import importlib.util

    package = sys.modules["astroid"]  # (being imported: its __path__ is set)
    spec = importlib.machinery.PathFinder.find_spec(NAME, package.__path__)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
