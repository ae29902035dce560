"""`flyte-lint graph`: the static DAG of a top-level task, and its export formats."""
