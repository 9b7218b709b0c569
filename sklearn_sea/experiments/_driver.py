"""Run one registered experiment into an output directory, safely.

:func:`run_experiment` is the same for every :class:`~._registry.Experiment`:

- the directory is locked (:class:`~._lock.OutputLock`) and a manifest is
  written before any computation, so an unwritable ``--out`` fails at once;
- every finished task goes to a journal, tables go to ``NAME.csv.part`` and
  get their final name only when the sweep is complete;
- ``resume=True`` continues an interrupted run from its journal, refusing
  other settings than the run's own;
- Ctrl-C and SIGTERM stop the workers, keep what was finished and say how
  to resume; an I/O error is one line saying what was kept;
- with ``scheduler``, the tasks run on a dask.distributed cluster.
"""

# SPDX-License-Identifier: BSD-3-Clause

import contextlib
import json
import os
import signal
import sys
import threading
import time
from pathlib import Path

from ._engine import recording
from ._journal import Journal
from ._lock import OutputLock, OutputLocked
from ._registry import RUNTIME_SETTINGS
from ._results import (
    PART_SUFFIX,
    CSVWriter,
    describe_machine,
    now,
    read_manifest,
    write_json,
)

#: Seconds between two updates of the manifest's task count during a run.
MANIFEST_INTERVAL = 30.0

#: Exit status of a run stopped by SIGINT or SIGTERM (128 + signal number).
INTERRUPTED_STATUS = {"SIGINT": 130, "SIGTERM": 143}


class Console:
    """Print lines; once stdout is a closed pipe, go on silently.

    ``sklearn-sea ... | head -1`` closes the pipe after one line: the run
    must still write its files, without a BrokenPipeError traceback.
    """

    def __init__(self):
        self.broken = False

    def __call__(self, text="", *, error=False):
        stream = sys.stderr if error else sys.stdout
        if self.broken and not error:
            return
        try:
            print(text, file=stream, flush=True)
        except BrokenPipeError:
            if error:
                return
            self.broken = True
            # Python flushes stdout again at exit: point it at /dev/null.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())


class RunError(Exception):
    """A run that cannot start or go on; the message is one line for the user.

    ``status`` is the exit status: 2 for a refused request, 1 for a failure.
    """

    def __init__(self, message, status=1):
        super().__init__(message)
        self.status = status


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the main thread is, like Ctrl-C's KeyboardInterrupt."""


@contextlib.contextmanager
def _sigterm_raises():
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        raise Terminated()

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def stop_workers():
    """End joblib's process pool now instead of letting it idle for minutes."""
    try:
        from joblib.externals.loky import reusable_executor
    except ImportError:  # pragma: no cover
        return
    executor = getattr(reusable_executor, "_executor", None)
    if executor is not None:
        executor.shutdown(wait=True, kill_workers=True)


@contextlib.contextmanager
def on_cluster(address):
    """Send the joblib tasks run inside to the dask scheduler at ``address``."""
    if address is None:
        yield None
        return
    try:
        from distributed import Client
    except ImportError:
        raise RunError(
            "--scheduler needs dask.distributed: "
            'pip install "sklearn-sea[distributed]"',
            status=2,
        ) from None
    from joblib import parallel_config

    try:
        client = Client(address, timeout=30)
    except (OSError, TimeoutError) as exc:
        raise RunError(f"cannot reach the scheduler at {address}: {exc}") from None
    with client, parallel_config(backend="dask"):
        yield client


def _comparable(settings):
    # JSON is what the manifest keeps: compare through it (tuples are lists).
    data = json.loads(json.dumps(settings))
    return {key: value for key, value in data.items() if key not in RUNTIME_SETTINGS}


def settings_difference(previous, settings):
    """``name value (was old)`` for every setting that changes the rows."""
    old, new = _comparable(previous), _comparable(settings)
    return [
        f"{key} {json.dumps(new.get(key))} (was {json.dumps(old.get(key))})"
        for key in sorted(set(old) | set(new))
        if old.get(key) != new.get(key)
    ]


class _Tables:
    """The tables of a run, streamed to ``.part`` files until :meth:`commit`."""

    def __init__(self, out):
        self.out = out
        self.writers = {}

    def stream(self, name, rows):
        writer = self.writers[name] = CSVWriter(self.out / f"{name}.csv")
        for row in rows:
            writer.write(row)
            yield row

    def write(self, name, rows):
        return list(self.stream(name, rows))

    def close(self):
        for writer in self.writers.values():
            writer.close()

    def commit(self):
        return {name: writer.commit() for name, writer in self.writers.items()}


class _Run:
    """The manifest and the journal of one run in its output directory."""

    def __init__(self, experiment, settings, out, command):
        self.experiment = experiment
        self.out = out
        self.manifest_path = out / f"{experiment.stem}.manifest.json"
        self.journal_path = out / f"{experiment.stem}.journal"
        self.journal = None
        self._last_update = time.monotonic()
        # A resumed run goes on counting: its wall time and stages are those
        # of every stage, so that a run finished in stages reports its whole
        # cost, not the last stage's.
        self.earlier_wall_time, self.stage = 0.0, 1
        self._stage_start = None
        from .. import __version__

        self.manifest = {
            "experiment": experiment.name,
            "status": "running",
            "sklearn_sea_version": __version__,
            "command": command,
            "machine": describe_machine(),
            "settings": settings,
            "tasks": {"planned": experiment.n_tasks(settings), "done": 0},
            "tables": {},
            "started": now(),
            "updated": now(),
        }

    def start_stage(self):
        """The sweep starts: from now on the manifest counts its time."""
        self._stage_start = time.perf_counter()

    def wall_time(self):
        """Seconds of sweeping over every stage of the run so far."""
        if self._stage_start is None:
            return self.earlier_wall_time
        return self.earlier_wall_time + time.perf_counter() - self._stage_start

    def save(self, **changes):
        self.manifest.update(changes, updated=now())
        self.manifest.update(wall_time=round(self.wall_time(), 3), stages=self.stage)
        if self.journal is not None:
            self.manifest["tasks"]["done"] = self.journal.n_recorded
        write_json(self.manifest_path, self.manifest)

    def tick(self):
        """After each finished task: refresh the manifest's count now and then."""
        if time.monotonic() - self._last_update >= MANIFEST_INTERVAL:
            self._last_update = time.monotonic()
            self.save()

    def kept(self):
        """What an interrupted or failed run leaves, for its last message."""
        done = self.journal.n_recorded if self.journal is not None else 0
        planned = self.manifest["tasks"]["planned"]
        return f"{done} of {planned} tasks kept in {self.journal_path}"


def _outputs(experiment, out):
    for name in experiment.tables:
        yield out / f"{name}.csv"
        yield out / f"{name}.csv{PART_SUFFIX}"
        yield out / f"{name}.png"


def _prepare(experiment, settings, run, resume, restart):
    """Check what the directory holds against what is asked; clean for a new run."""
    previous = read_manifest(run.manifest_path)
    unfinished = (
        previous is not None
        and previous.get("status") != "complete"
        and run.journal_path.exists()
    )
    if resume:
        if previous is None or not (unfinished or previous.get("status") == "complete"):
            raise RunError(
                f"nothing to resume: {run.out} holds no unfinished "
                f"{experiment.name} run",
                status=2,
            )
        difference = settings_difference(previous["settings"], settings)
        if previous.get("sklearn_sea_version") != run.manifest["sklearn_sea_version"]:
            difference.append(
                f"sklearn_sea {run.manifest['sklearn_sea_version']} "
                f"(was {previous.get('sklearn_sea_version')})"
            )
        if difference:
            raise RunError(
                f"cannot resume with other settings than the {experiment.name} "
                f"run of {run.out}: " + ", ".join(difference),
                status=2,
            )
        if previous.get("status") == "complete":
            return "complete"
        run.manifest["started"] = previous.get("started", run.manifest["started"])
        run.earlier_wall_time = float(previous.get("wall_time", 0.0))
        run.stage = int(previous.get("stages", 1)) + 1
        return "resume"
    if unfinished and not restart:
        tasks = previous.get("tasks", {})
        raise RunError(
            f"{run.out} holds an unfinished {experiment.name} run "
            f"({tasks.get('done')} of {tasks.get('planned')} tasks, status "
            f"{previous.get('status')!r}): add --resume to continue it, or "
            "--restart to discard it",
            status=2,
        )
    for path in [*_outputs(experiment, run.out), run.journal_path]:
        path.unlink(missing_ok=True)
    return "new"


def _figure(plot, args, kwargs, path, say):
    """Draw a figure atomically, or say how to get it when matplotlib is missing."""
    partial = path.with_name(path.stem + PART_SUFFIX + path.suffix)
    try:
        plot(*args, partial, **kwargs)
    except ImportError as exc:
        say(f"figure skipped: {exc}")
        return None
    except OSError as exc:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        raise RunError(
            f"cannot write {path}: {exc.strerror or exc}; the tables are complete"
        ) from None
    os.replace(partial, path)
    say(f"figure: {path}")
    return path


def run_experiment(
    experiment,
    settings,
    *,
    out,
    resume=False,
    restart=False,
    scheduler=None,
    progress=True,
    command="",
    say=None,
):
    """Run ``experiment`` with ``settings`` into the directory ``out``.

    Parameters
    ----------
    experiment : Experiment
        A registered spec.
    settings : dict
        Its complete settings (``seed`` and ``n_jobs`` included).
    out : path-like
        Output directory, created if missing.
    resume : bool, default=False
        Continue the unfinished run of ``out`` (same settings required).
    restart : bool, default=False
        Discard an unfinished run of ``out`` instead of refusing to start.
    scheduler : str, default=None
        Address of a dask.distributed scheduler to run the tasks on.
    progress : bool, default=True
        Show the progress of the sweep on stderr.
    command : str, default=""
        The command line, recorded in the manifest and used in messages.
    say : callable, default=None
        Where the output lines go: ``say(text, error=False)``; None prints
        them (a :class:`Console`).

    Returns
    -------
    status : int
        0 when complete; 130 or 143 when stopped by SIGINT or SIGTERM.

    Raises
    ------
    RunError
        When the run cannot start or fails, with a one-line message.
    """
    say = Console() if say is None else say
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
        lock = OutputLock(out).acquire()
    except OutputLocked as exc:
        raise RunError(str(exc), status=2) from None
    except OSError as exc:
        raise RunError(f"cannot write to --out {out}: {exc.strerror}") from None
    run = _Run(experiment, settings, out, command)
    try:
        mode = _prepare(experiment, settings, run, resume, restart)
        if mode == "complete":
            say(f"{experiment.name}: the run in {out} is already complete.")
            return 0
        try:
            run.save()  # the first write: an unwritable --out fails here
        except OSError as exc:
            raise RunError(f"cannot write to --out {out}: {exc.strerror}") from None
        shown = ", ".join(
            f"{key}={value}" for key, value in settings.items() if value is not None
        )
        say(f"{experiment.title}: {shown}")
        with on_cluster(scheduler):
            return _compute(experiment, settings, run, mode, progress, command, say)
    finally:
        lock.release()


def _compute(experiment, settings, run, mode, progress, command, say):
    run.journal = Journal(run.journal_path, resume=mode == "resume", on_append=run.tick)
    if mode == "resume":
        say(f"resuming: {run.journal.n_recorded} tasks already done")
    tables = _Tables(run.out)
    run.start_stage()
    try:
        with recording(run.journal), _sigterm_raises():
            outcome = experiment.run({**settings, "progress": progress}, tables)
            paths = tables.commit()
    except KeyboardInterrupt as exc:
        tables.close()
        stop_workers()
        run.journal.close()
        name = "SIGTERM" if isinstance(exc, Terminated) else "SIGINT"
        run.save(status="interrupted")
        resume_command = command if "--resume" in command else f"{command} --resume"
        say(
            f"interrupted by {name}: {run.kept()}; continue with: {resume_command}",
            error=True,
        )
        return INTERRUPTED_STATUS[name]
    except OSError as exc:
        tables.close()
        stop_workers()
        run.journal.close()
        with contextlib.suppress(OSError):
            run.save(status="failed")
        raise RunError(
            f"cannot write {exc.filename or run.out}: {exc.strerror}; "
            f"{run.kept()} (free space, then rerun with --resume)"
        ) from None
    elapsed = run.wall_time()
    run.journal.close()
    try:
        run.save(
            status="complete",
            tables={
                path.name: tables.writers[name].n_rows for name, path in paths.items()
            },
            finished=now(),
        )
    except OSError as exc:
        raise RunError(
            f"cannot write {run.manifest_path}: {exc.strerror}; {run.kept()} "
            "(free space, then rerun with --resume)"
        ) from None
    run.journal_path.unlink()
    for path in paths.values():
        say(f"results: {path}")
    for line in experiment.summary(outcome, settings):
        say(line)
    stages = f" in {run.stage} stages" if run.stage > 1 else ""
    say(f"wall time: {elapsed:.1f} s{stages}")
    for name, plot, args, kwargs in experiment.figures(outcome, settings):
        _figure(plot, args, kwargs, run.out / f"{name}.png", say)
    return 0
