"""Progress of long sweeps on stderr: a bar on a terminal, lines in a log."""

# SPDX-License-Identifier: BSD-3-Clause

import sys
import time


def _format_seconds(seconds):
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


class ProgressBar:
    """Count completed tasks and show ``label [####....] done/total eta``.

    On a terminal the bar is redrawn in place at most ``refresh`` times per
    second. On a pipe or a log file (where carriage returns pile up), one
    line with the count done, the rate and the time left is written every
    ``interval`` seconds, and a final line at the end.

    Parameters
    ----------
    total : int
        Number of tasks expected. It may be lowered while running, when a
        sweep decides to skip tasks (see :meth:`discard`).
    label : str, default=""
        Text before the bar.
    stream : file-like, default=None
        Where to write; None means ``sys.stderr``.
    enabled : bool, default=True
        False writes nothing.
    refresh : float, default=10.0
        Maximum number of redraws per second on a terminal.
    width : int, default=30
        Number of characters of the bar itself.
    interval : float, default=30.0
        Seconds between two progress lines when not on a terminal.
    clock : callable, default=time.monotonic
        Source of the time in seconds.

    Examples
    --------
    >>> import io
    >>> from sklearn_sea.experiments._progress import ProgressBar
    >>> stream = io.StringIO()
    >>> with ProgressBar(4, "sweep", stream=stream) as bar:
    ...     for _ in range(4):
    ...         bar.update()
    >>> print(stream.getvalue().strip().split()[:3])
    ['sweep', '[##############################]', '4/4']
    """

    def __init__(
        self,
        total,
        label="",
        *,
        stream=None,
        enabled=True,
        refresh=10.0,
        width=30,
        interval=30.0,
        clock=time.monotonic,
    ):
        self.total = int(total)
        self.label = label
        self.stream = sys.stderr if stream is None else stream
        self.enabled = enabled
        self.refresh = refresh
        self.width = width
        self.interval = interval
        self.clock = clock
        self.done = 0
        self._start = clock()
        self._last_draw = -float("inf")
        self._last_log = self._start
        isatty = getattr(self.stream, "isatty", None)
        self._live = bool(isatty and isatty())

    def update(self, n=1):
        """Record ``n`` more completed tasks."""
        self.done += n
        self._maybe_draw()

    def discard(self, n):
        """Lower the expected total by ``n`` tasks that will not run."""
        self.total = max(self.done, self.total - n)
        self._maybe_draw()

    def _maybe_draw(self):
        if not self.enabled:
            return
        now = self.clock()
        if not self._live:
            if now - self._last_log >= self.interval and self.done < self.total:
                self._last_log = now
                self.stream.write(self._log_line(now) + "\n")
                self.stream.flush()
            return
        if now - self._last_draw >= 1.0 / self.refresh or self.done >= self.total:
            self._last_draw = now
            self.stream.write("\r" + self._line())
            self.stream.flush()

    def _log_line(self, now):
        elapsed = now - self._start
        rate = self.done / elapsed if elapsed > 0 else 0.0
        left = self.total - self.done
        eta = _format_seconds(left / rate) if rate > 0 else "unknown"
        prefix = f"{self.label}: " if self.label else ""
        return (
            f"{prefix}{self.done}/{self.total} tasks done, "
            f"{rate:.3g} tasks/s, eta {eta}"
        )

    def _line(self):
        total = max(self.total, 1)
        fraction = min(self.done / total, 1.0)
        filled = int(round(fraction * self.width))
        bar = "#" * filled + "." * (self.width - filled)
        elapsed = self.clock() - self._start
        if self.done >= self.total:
            timing = f"in {_format_seconds(elapsed)}"
        elif self.done:
            timing = f"eta {_format_seconds(elapsed * (total - self.done) / self.done)}"
        else:
            timing = ""
        prefix = f"{self.label} " if self.label else ""
        return f"{prefix}[{bar}] {self.done}/{self.total} {timing}".rstrip()

    def close(self):
        """Write the final state and end the line."""
        if not self.enabled:
            return
        prefix = "\r" if self._live else ""
        self.stream.write(prefix + self._line() + "\n")
        self.stream.flush()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()
        return False


def track(results, bar):
    """Yield from ``results`` and count each item on ``bar``.

    ``results`` is typically ``Parallel(return_as="generator")(...)``, whose
    items arrive as tasks complete, in submission order.
    """
    for result in results:
        bar.update()
        yield result
