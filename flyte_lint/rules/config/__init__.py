"""FLY301–FLY313: configuration values the SDK, the backend or Kubernetes reject, one rule per module."""
