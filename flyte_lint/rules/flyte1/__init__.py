"""FLY501–FLY511: Flyte 1 (flytekit) code, each reported with its Flyte 2 replacement (model/flyte1_index.py)."""
