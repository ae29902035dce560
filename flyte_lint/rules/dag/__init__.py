"""FLY701-FLY703: notes from the static DAG compiler (info severity; off unless selected, e.g. `--extend-select FLY7`)."""
