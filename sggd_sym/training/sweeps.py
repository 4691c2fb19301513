"""Fan independent trainings out over processes or a Dask cluster.

A sweep is a fixed list of *jobs* (plain, picklable data) and a module-level function that runs one
job.  The list never depends on who executes it, and each job seeds its own random generator, so
the results are identical for a given seed whether the jobs run inline, in a local process pool,
or on a Dask ``distributed`` cluster (an optional extra: ``pip install 'sggd_sym[dask]'``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed

from sggd_sym.exceptions import InputTypeError, InputValueError

__all__ = ["run_jobs", "CONNECT_TIMEOUT"]

#: Seconds to wait for a Dask scheduler given by address before giving up with one clear error.
CONNECT_TIMEOUT = 5.0


def _progress(total: int, enabled: bool, description: str):
    if not enabled:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:  # tqdm is optional: no bar without it
        return None
    return tqdm(total=total, desc=description)


def run_jobs(function: Callable, jobs: Sequence, *, scheduler=None, workers: int | None = None,
             progress: bool = False, description: str = "sweep") -> list:
    """Run ``function(job)`` for every job and return the results in job order.

    ``scheduler``: ``None`` for this machine (a process pool of ``workers`` processes, default the
    number of CPUs; ``workers=1`` runs inline), a Dask scheduler address such as
    ``"tcp://10.0.0.5:8786"``, or a ``distributed.Client``.  ``progress`` shows a tqdm bar.
    ``function`` must be picklable (module level) for a pool or a cluster.

    Raises
    ------
    InputTypeError
        If ``function`` is not callable or ``scheduler`` is neither an address nor a Client.
    InputValueError
        For a bad ``workers``, a scheduler without ``distributed`` installed, or one not reached within
        :data:`CONNECT_TIMEOUT` seconds.

    >>> run_jobs(abs, [-3, 1, -2], workers=1)
    [3, 1, 2]
    """
    if not callable(function):
        raise InputTypeError(f"run_jobs: function must be callable, got {type(function).__name__}")
    jobs = list(jobs)
    if workers is not None and (not isinstance(workers, int) or workers < 1):
        raise InputValueError(f"run_jobs: workers must be a positive int, got {workers!r}")
    bar = _progress(len(jobs), progress, description)
    try:
        if scheduler is not None:
            return _run_dask(function, jobs, scheduler, bar)
        workers = workers or min(len(jobs), os.cpu_count() or 1) or 1
        if workers == 1:
            results = []
            for job in jobs:
                results.append(function(job))
                if bar is not None:
                    bar.update()
            return results
        results = [None] * len(jobs)
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = {pool.submit(function, job): i for i, job in enumerate(jobs)}
            for future in as_completed(futures):
                results[futures[future]] = future.result()
                if bar is not None:
                    bar.update()
        return results
    finally:
        if bar is not None:
            bar.close()


def _run_dask(function, jobs, scheduler, bar) -> list:
    try:
        from distributed import Client
        from distributed import as_completed as dask_completed
    except ImportError:
        raise InputValueError("run_jobs: a Dask scheduler was given but 'distributed' is not installed; "
                              "pip install 'sggd_sym[dask]'") from None
    own = not isinstance(scheduler, Client)
    if own and not isinstance(scheduler, str):
        raise InputTypeError(f"run_jobs: scheduler must be an address string or a distributed.Client, "
                             f"got {type(scheduler).__name__}")
    if own:
        try:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError, ValueError) as err:
            raise InputValueError(f"run_jobs: cannot reach the Dask scheduler {scheduler!r} within "
                                  f"{CONNECT_TIMEOUT:g} s ({type(err).__name__}: {_first_line(err)}); check the "
                                  "address (tcp://host:port of a running dask scheduler) or omit --scheduler to run "
                                  "on this machine") from None
    else:
        client = scheduler
    try:
        futures = client.map(function, jobs, pure=False)
        index = {f.key: i for i, f in enumerate(futures)}
        results = [None] * len(jobs)
        for future in dask_completed(futures):
            results[index[future.key]] = future.result()
            if bar is not None:
                bar.update()
        return results
    finally:
        if own:
            client.close()


def _first_line(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    return text[0][:200] if text else "no detail"
