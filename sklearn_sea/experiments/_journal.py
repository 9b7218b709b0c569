"""An append-only record of finished tasks: what makes a sweep resumable.

Each finished task is appended as one length-prefixed pickle of
``(key, result)`` and flushed, so a run stopped at any point (Ctrl-C,
SIGTERM, SIGKILL, a full disk) leaves every task it finished readable; a
record cut short by the stop is detected and dropped on reading. Results come
back exactly as the task returned them (numpy arrays and fit times included),
so a resumed sweep rebuilds the same rows as an uninterrupted one.

The journal is read back only from the run's own output directory: like any
pickle, it must not be loaded from an untrusted source.
"""

# SPDX-License-Identifier: BSD-3-Clause

import os
import pickle
import struct

_MAGIC = b"sklearn-sea journal 1\n"
_LENGTH = struct.Struct("<Q")


class Journal:
    """Results of the finished tasks of one sweep, kept in a file.

    Parameters
    ----------
    path : path-like
        The journal file; created (empty) when missing.
    resume : bool, default=False
        Read the tasks already recorded in ``path``; False starts an empty
        journal, discarding any previous one.
    on_append : callable, default=None
        Called with no argument after each task is recorded.

    Attributes
    ----------
    n_recorded : int
        Number of tasks recorded, read back and appended.
    n_replayed : int
        Number of recorded results handed back by :meth:`get`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sklearn_sea.experiments._journal import Journal
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "sweep.journal"
    >>> with Journal(path) as journal:
    ...     journal.append("task 0", [1, 2.5])
    >>> with Journal(path, resume=True) as journal:
    ...     found, result = journal.get("task 0")
    >>> found, result, journal.n_recorded
    (True, [1, 2.5], 1)
    """

    def __init__(self, path, *, resume=False, on_append=None):
        self.path = os.fspath(path)
        self.on_append = on_append
        self._results = {}
        self.n_replayed = 0
        good_end = len(_MAGIC)
        if resume and os.path.exists(self.path):
            good_end = self._read()
            self._handle = open(self.path, "r+b")
            # A record cut short by the stop that ended the previous run.
            self._handle.truncate(good_end)
            self._handle.seek(good_end)
        else:
            self._handle = open(self.path, "wb")
            self._handle.write(_MAGIC)
            self._handle.flush()
        self.n_recorded = len(self._results)

    def _read(self):
        with open(self.path, "rb") as handle:
            data = handle.read()
        if not data.startswith(_MAGIC):
            raise ValueError(f"{self.path} is not a sklearn-sea journal.")
        offset = len(_MAGIC)
        while offset + _LENGTH.size <= len(data):
            (length,) = _LENGTH.unpack_from(data, offset)
            end = offset + _LENGTH.size + length
            if end > len(data):
                break
            try:
                key, result = pickle.loads(data[offset + _LENGTH.size : end])
            except Exception:  # a damaged record ends what can be trusted
                break
            self._results[key] = result
            offset = end
        return offset

    def get(self, key):
        """``(True, result)`` for a recorded task, ``(False, None)`` otherwise."""
        if key in self._results:
            self.n_replayed += 1
            return True, self._results[key]
        return False, None

    def append(self, key, result):
        """Record a finished task (flushed at once, to survive any stop)."""
        payload = pickle.dumps((key, result), protocol=pickle.HIGHEST_PROTOCOL)
        self._handle.write(_LENGTH.pack(len(payload)) + payload)
        self._handle.flush()
        self._results[key] = result
        self.n_recorded += 1
        if self.on_append is not None:
            self.on_append()

    def close(self):
        """Write everything to disk and close the file."""
        if self._handle.closed:
            return
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self._handle.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()
        return False
