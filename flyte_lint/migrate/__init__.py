"""`flyte-lint migrate`: rewrite Flyte 1 (flytekit) code as idiomatic Flyte 2.

command.py is the CLI adapter, plan.py the project-wide plan computed once from the analysis model,
environments.py the TaskEnvironments it generates, task_options.py what decorator options become, transforms/
one LibCST transformer per concern (base.py: the interface and the order), rewrite.py applies them to one file
and checks the result parses.
"""
