"""FLY601-FLY603: `flyte.trace` misuse: a trace on a task, a task run inside a trace, a sync trace on an event loop."""
