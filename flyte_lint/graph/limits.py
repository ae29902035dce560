"""How far the graph compiler goes: inlined helpers, loop passes and the size of a graph."""

from __future__ import annotations

MAX_INLINE_DEPTH = 8
MAX_LOOP_REPASS_DEPTH = 4
# The most dependencies a graph may have. Real workflows have hundreds; 5,000 calls in a chain have 5,000.
# But n optional calls in a row (`if c: v = await t(v)`) may each feed every later one: n**2 / 2 edges
# (5,000 of them: 12.5 million edges and 140 s), which no reader or CI job can use.
MAX_EDGES = 250_000
