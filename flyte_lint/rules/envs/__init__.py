"""FLY401-FLY403: environments and references that remote runs and `flyte deploy` get wrong."""
