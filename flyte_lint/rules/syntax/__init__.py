"""FLY001: files flyte-lint cannot read or parse (reported by the engine, not by a check over the model)."""
