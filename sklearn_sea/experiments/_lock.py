"""One run at a time per output directory."""

# SPDX-License-Identifier: BSD-3-Clause

import os

LOCK_NAME = ".sklearn-sea.lock"


class OutputLocked(RuntimeError):
    """Another run holds the output directory."""


def _try_lock(handle):
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
    else:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)


class OutputLock:
    """An exclusive lock on a directory, held while a run writes into it.

    The lock is taken on a file of the directory by the operating system,
    so it is released when its process ends in any way (SIGKILL included):
    no stale lock survives a crash.

    Parameters
    ----------
    directory : path-like
        The output directory (it must exist).

    Examples
    --------
    >>> import tempfile
    >>> from sklearn_sea.experiments._lock import OutputLock, OutputLocked
    >>> directory = tempfile.mkdtemp()
    >>> with OutputLock(directory):
    ...     try:
    ...         OutputLock(directory).acquire()
    ...     except OutputLocked as exc:
    ...         print("refused")
    refused
    """

    def __init__(self, directory):
        self.path = os.path.join(os.fspath(directory), LOCK_NAME)
        self._handle = None

    def acquire(self):
        """Take the lock, or raise :class:`OutputLocked` saying who holds it."""
        handle = open(self.path, "a+")
        try:
            _try_lock(handle)
        except OSError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise OutputLocked(
                f"{os.path.dirname(self.path)} is in use by another run ({holder}); "
                "wait for it to finish or choose another --out"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}\n")
        handle.flush()
        self._handle = handle
        return self

    def release(self):
        """Give the lock back."""
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def __enter__(self):
        return self.acquire()

    def __exit__(self, *exc_info):
        self.release()
        return False
