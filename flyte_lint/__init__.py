"""flyte-lint: a static analyzer and linter for Flyte 2 workflow code."""

__version__ = "0.1.0"
