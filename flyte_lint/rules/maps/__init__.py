"""FLY201-FLY203: `flyte.map` generators that never run, or that are handed the wrong thing."""
