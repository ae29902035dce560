"""An image-classification pipeline, written for Flyte 2."""
