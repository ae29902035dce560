"""The types rules, one per module."""
