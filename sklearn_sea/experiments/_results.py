"""Result files that cannot be mistaken for complete ones, and their manifest.

A run writes each table to ``NAME.csv.part`` and renames it to ``NAME.csv``
only when the whole sweep has finished. Next to the tables, a manifest
``EXPERIMENT.manifest.json`` records the settings, the package version, the
planned and finished task counts, the row count of every table and the run's
status (``running``, ``interrupted``, ``failed`` or ``complete``).
:func:`read_results` reads a table back only when its manifest says it is
complete and whole.
"""

# SPDX-License-Identifier: BSD-3-Clause

import csv
import datetime
import json
import os
import platform
from pathlib import Path

import numpy as np

PART_SUFFIX = ".part"


class IncompleteResultsError(ValueError):
    """A results file that is not the complete output of a finished run."""


def as_rows(table):
    """Rows (dicts of Python scalars) of a table.

    The one table type of the experiments is a sequence of rows; the STE
    functions' dict of numpy columns is converted here.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_sea.experiments._results import as_rows
    >>> as_rows({"run": np.array([0, 1]), "ok": np.array([True, False])})
    [{'run': 0, 'ok': True}, {'run': 1, 'ok': False}]
    """
    if isinstance(table, dict):
        names = list(table)
        columns = [np.asarray(table[name]).tolist() for name in names]
        return [
            dict(zip(names, values, strict=True))
            for values in zip(*columns, strict=True)
        ]
    return table


def _parse(text):
    if text in ("True", "False"):
        return text == "True"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def now():
    """The current UTC time, as the manifest writes it."""
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


def describe_machine():
    """The machine a run is measured on, as the manifest records it."""
    processor = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    processor = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {
        "platform": platform.platform(),
        "processor": processor,
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
    }


def write_json(path, data):
    """Write ``data`` as JSON to ``path`` atomically (a reader never sees half)."""
    path = Path(path)
    partial = path.with_name(path.name + PART_SUFFIX)
    partial.write_text(json.dumps(data, indent=2) + "\n")
    os.replace(partial, path)


def read_manifest(path):
    """The manifest at ``path`` as a dict, or None when there is none."""
    try:
        return json.loads(Path(path).read_text())
    except FileNotFoundError:
        return None


class CSVWriter:
    """Stream rows to ``path + ".part"``; :meth:`commit` gives the final name.

    Parameters
    ----------
    path : path-like
        The final name of the table.
    """

    def __init__(self, path):
        self.path = Path(path)
        self.partial = self.path.with_name(self.path.name + PART_SUFFIX)
        self.n_rows = 0
        self._handle = open(self.partial, "w", newline="")
        self._writer = None

    def write(self, row):
        if self._writer is None:
            self._writer = csv.DictWriter(self._handle, fieldnames=list(row))
            self._writer.writeheader()
        self._writer.writerow(row)
        self.n_rows += 1

    def close(self):
        if not self._handle.closed:
            self._handle.flush()
            os.fsync(self._handle.fileno())
            self._handle.close()

    def commit(self):
        """Close the file and give it its final name."""
        self.close()
        os.replace(self.partial, self.path)
        return self.path


def find_manifest(path):
    """The manifest of the run that wrote the table ``path`` (or None)."""
    path = Path(path)
    for candidate in sorted(path.parent.glob("*.manifest.json")):
        manifest = read_manifest(candidate)
        if manifest and path.name in manifest.get("tables", {}):
            return candidate, manifest
    return None, None


def read_results(path):
    """Rows of a results table, refused unless its run finished.

    Parameters
    ----------
    path : path-like
        A CSV table written by ``sklearn-sea`` (e.g.
        ``sklearn_sea_results/phase_transition.csv``).

    Returns
    -------
    rows : list of dict
        One dict per row; numbers and booleans are parsed back.

    Raises
    ------
    IncompleteResultsError
        When ``path`` is the ``.part`` file of an unfinished run, has no
        manifest saying its run completed, or has fewer or more rows than
        the manifest records.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sklearn_sea.experiments import read_results
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "table.csv"
    >>> _ = path.write_text("run,recovered\\n0,1\\n")
    >>> try:
    ...     read_results(path)
    ... except ValueError as exc:
    ...     print(str(exc).split(";")[0].endswith("no manifest"))
    True
    """
    path = Path(path)
    if path.name.endswith(PART_SUFFIX):
        raise IncompleteResultsError(
            f"{path} is the partial output of a run that did not finish; "
            "finish it with the same command and --resume."
        )
    manifest_path, manifest = find_manifest(path)
    if manifest is None:
        raise IncompleteResultsError(
            f"{path} has no manifest; cannot tell whether its run finished "
            "(rerun the experiment with this version of sklearn-sea)."
        )
    if manifest.get("status") != "complete":
        tasks = manifest.get("tasks", {})
        raise IncompleteResultsError(
            f"{path} belongs to a run whose status is {manifest.get('status')!r} "
            f"({tasks.get('done')} of {tasks.get('planned')} tasks, see "
            f"{manifest_path.name}); finish it with --resume."
        )
    with open(path, newline="") as handle:
        rows = [
            {key: _parse(value) for key, value in row.items()}
            for row in csv.DictReader(handle)
        ]
    expected = manifest["tables"][path.name]
    if len(rows) != expected:
        raise IncompleteResultsError(
            f"{path} has {len(rows)} rows but its run wrote {expected} "
            f"(see {manifest_path.name}): the file was changed or truncated."
        )
    return rows
