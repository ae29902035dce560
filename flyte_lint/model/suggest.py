""" "Did you mean": the closest of some known names to a name that is not one of them (difflib's ratio)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(value: str, candidates: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The candidate closest to ``value`` with a similarity of at least ``cutoff``; None: none is."""
    found = difflib.get_close_matches(value, list(candidates), n=1, cutoff=cutoff)
    return found[0] if found else None


def did_you_mean(name: str, candidates: Iterable[str], given: Iterable[str] = ()) -> str:
    """ "; did you mean `x`?" for the candidate closest to the keyword ``name``, to end a message with ("" when
    none is close); never a keyword the call already passes (``given``): renaming to it would pass it twice."""
    close = closest(name, candidates)
    if close is None:
        return ""
    if close in set(given):
        return f"; the call already passes `{close}=`: put what `{name}=` means into that value, or remove `{name}=`"
    return f"; did you mean `{close}`?"
