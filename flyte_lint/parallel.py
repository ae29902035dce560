"""`-j N`: independent components analysed in worker processes. Each worker builds its own analysis model
of the component it is handed; results are identical to one process because nothing a file's findings
depend on lies outside its component."""

from __future__ import annotations

import contextlib
import os
import signal
from pathlib import Path

from flyte_lint.cache import finding_from_dict, finding_to_dict
from flyte_lint.unit import RunContext, Unit, UnitResult, analyse


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


BATCHES_PER_JOB = 4
POLL_SECONDS = 0.1  # how often the progress line reads the workers' count of files parsed

_parsed = None  # in a worker: the count of files parsed, shared with the parent (None: no progress line)
_imported = False  # in a worker: the analysis and the rules are imported


def _start(counter) -> None:
    """Each worker's first step: end quietly on Ctrl-C and note the shared count of files parsed (None
    without a progress line). The analysis is imported later (``_ready``): a cold run has the workers scan
    the project's files first."""
    global _parsed
    # Ctrl-C reaches every process of the terminal's group: a worker just ends (a KeyboardInterrupt would
    # print its traceback, waiting for work or not), and the main process stops the run (exit status 130).
    # A run started with SIGINT ignored (nohup, a background job of a script) ignores it in every process:
    # its workers too, or one SIGINT to the group would leave the main process with a broken pool.
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        signal.signal(signal.SIGINT, _interrupted)
    if hasattr(signal, "pthread_sigmask"):  # (held back while the worker was started: see Workers.start)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    _parsed = counter


def _ready() -> None:
    """Import the analysis and the rules (about 0.1 s), once: after the byte scans a cold run hands the
    workers first (see Workers.scan), or before a worker's first analysis."""
    global _imported
    if _imported:
        return
    import flyte_lint.model.analysis
    import flyte_lint.rules  # noqa: F401  (registers every rule)
    from flyte_lint import sdk

    sdk.table()
    _imported = True


def _scan(keys: list[str], stamped: bool) -> list[tuple | None]:
    from flyte_lint.index import scan_ahead

    return [scan_ahead(key, stamped) for key in keys]


class Workers:
    """The worker processes of a run, started when first needed, or earlier: before the project is indexed
    when the run is likely to need them (see engine._run). Each then imports the analysis (about 0.1 s)
    while the main process reads the files, instead of after it."""

    def __init__(self, jobs: int, progress: bool) -> None:
        self.jobs = jobs
        self.progress = progress
        self.pool = None
        self.counter = None  # the count of files the workers parsed (with a progress line)

    def start(self) -> Workers:
        if self.pool is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor  # (a warm run never needs it)

            context = multiprocessing.get_context()
            self.counter = context.Value("q", 0) if self.progress else None
            self.pool = ProcessPoolExecutor(
                max_workers=self.jobs, mp_context=context, initializer=_start, initargs=(self.counter,)
            )
            # The workers are born with Ctrl-C held back (blocked, not lost), until _start has given them its
            # quiet handler: one arriving before would print a traceback from the initializer. A Ctrl-C that
            # reaches this process meanwhile is delivered as soon as the workers exist.
            held = hasattr(signal, "pthread_sigmask")
            previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT}) if held else None
            try:
                self.pool.submit(int)  # (the pool starts its processes with its first task)
            finally:
                if held:
                    signal.pthread_sigmask(signal.SIG_SETMASK, previous)
        return self

    def scan(self, keys: list[str], stamped: bool):
        """The byte scans of ``keys`` (see index.scan_ahead), spread over the workers, which then import the
        analysis while the main process resolves the index: on a cold run of a monorepo the scans are most of
        the index, and the main process, scanning alone, kept a core idle once the workers were ready. Returns
        a function that waits for the scans and gives them by key (without the keys of a batch that failed:
        the index scans those itself)."""
        from concurrent.futures import wait

        size = -(-len(keys) // (self.jobs * BATCHES_PER_JOB)) if keys else 1
        batches = [keys[i : i + size] for i in range(0, len(keys), size)]
        futures = [self.pool.submit(_scan, batch, stamped) for batch in batches]
        for _ in range(self.jobs):
            self.pool.submit(_ready)  # (queued after the scans: each worker takes one as it finishes)

        def results() -> dict[str, tuple | None]:
            wait(futures)
            scanned: dict[str, tuple | None] = {}
            for batch, future in zip(batches, futures, strict=True):
                if future.exception() is None:
                    scanned.update(zip(batch, future.result(), strict=True))
            return scanned

        return results

    def run(self, work: list[Unit], context: RunContext, progress=None) -> list[UnitResult]:
        """The results of ``work`` (see run_parallel), on the workers (started if they are not yet)."""
        return run_parallel(work, context, self.start(), progress)

    def abandon(self) -> None:
        """On Ctrl-C: end the workers and leave the pool as it is, for the process ends next (os._exit, launch.py).
        A KeyboardInterrupt raised inside the pool's machinery (a future's lock taken, the signal arriving before
        the ``with`` that releases it) leaves that lock held; ``shutdown(wait=True)`` then waited for good on the
        pool's manager thread, itself waiting for the lock. The workers are ended with SIGTERM (quietly, as their
        own Ctrl-C handler would; SIGINT may be ignored in them, as in a run started in the background)."""
        if self.pool is not None:
            for process in list((getattr(self.pool, "_processes", None) or {}).values()):
                with contextlib.suppress(OSError):
                    process.terminate()
            self.pool = None

    def close(self) -> None:
        if self.pool is not None:
            # Waited for, and they are idle by now (even when started early for nothing: they had the index and
            # an analysis in this process to get ready in). Not waited for, they outlived the command, which
            # ends with os._exit, and stayed asleep for good in most runs whose output was not a pipe.
            self.pool.shutdown(wait=True, cancel_futures=True)


def _interrupted(signum, frame) -> None:
    os._exit(130)


def _count_parsed() -> None:
    with _parsed.get_lock():
        _parsed.value += 1


def _work(batch: list[Unit], context: RunContext):
    _ready()
    from flyte_lint.model.project import Project

    project = Project(context.roots, cwd=context.cwd)
    # The batch's components are independent: analysed as one unit they give the findings each gives alone
    # (a run without the cache analyses everything as one unit), without building a model and running
    # every rule once per component.
    merged = Unit(
        list(dict.fromkeys(p for unit in batch for p in unit.analysed)),
        {p for unit in batch for p in unit.linted},
        remember=any(unit.remember for unit in batch),
        components=[part for unit in batch for part in unit.components],
    )
    result = analyse(project, merged, context, _count_parsed if _parsed is not None else None)
    return (
        [(str(p), finding_to_dict(f)) for p, f in result.findings],
        result.internal,
        result.files_analysed,
        result.loads,
        result.envs,
        sorted(result.independent),
        sorted(map(str, result.linted)),
    )


def run_parallel(work: list[Unit], context: RunContext, workers: Workers, progress=None) -> list[UnitResult]:
    """Balance the units over a few batches per worker (largest first), run them on the workers, and
    rebuild the results."""
    from concurrent.futures import FIRST_COMPLETED, wait

    jobs = min(workers.jobs, len(work))
    # A few batches per worker: each is analysed as one unit (one model, one pass of the rules), and the
    # pool hands the next batch to whichever worker is free.
    count = min(len(work), jobs * BATCHES_PER_JOB)
    batches = [[] for _ in range(count)]
    sizes = [0] * count
    for unit in work:  # largest first, onto the least loaded batch
        i = sizes.index(min(sizes))
        batches[i].append(unit)
        sizes[i] += len(unit.analysed)
    results = []
    total = sum(sizes)
    counter = workers.counter  # the workers count the files they parse; the progress line reads the count
    futures = [workers.pool.submit(_work, batch, context) for batch in batches if batch]
    pending = set(futures)
    while pending:
        finished, pending = wait(
            pending, timeout=POLL_SECONDS if counter is not None else None, return_when=FIRST_COMPLETED
        )
        for future in sorted(finished, key=futures.index):
            found, internal, analysed, loads, envs, independent, linted = future.result()
            findings = [(Path(p), finding_from_dict(f)) for p, f in found]
            results.append(
                UnitResult(
                    findings, [], internal, None, analysed, loads, envs, set(independent), set(map(Path, linted))
                )
            )
        if counter is not None:
            progress(counter.value, total)
    return results
