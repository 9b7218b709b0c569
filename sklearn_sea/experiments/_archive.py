"""Finished runs in a compact form that can be committed, and figures drawn from it.

A paper-size phase transition writes a CSV of about 1.8 million rows: too
big to commit, and hours to compute again. :func:`archive_run` reduces the
main table of a finished run to the aggregate its figures and table are
drawn from (success counts per grid point, mean support distance per k, a
digest of each algorithm's results), and writes it to one JSON file with the
run's manifest, the machine, and the row count and SHA-256 of the raw CSV.
:func:`render_archive` draws the figures and prints the table from that file
with the current plotting code, without the sweep; given the raw CSV, it
first checks it against the recorded checksum.

The aggregate is what the run itself draws its figures from (each
experiment's ``compact`` and ``restore``), so a figure drawn from the archive
is the figure of the run.
"""

# SPDX-License-Identifier: BSD-3-Clause

import csv
import gzip
import hashlib
import json
import shutil
from pathlib import Path

from ._registry import EXPERIMENTS
from ._results import (
    IncompleteResultsError,
    _parse,
    describe_machine,
    read_manifest,
    write_json,
)

#: The format of the archive files (changed whenever their layout changes).
ARCHIVE_FORMAT = "sklearn-sea compact results 1"

#: Suffix of an archive file: ``phase_transition.results.json``.
ARCHIVE_SUFFIX = ".results.json"


class ArchiveError(ValueError):
    """An archive that cannot be written or read, or raw data that does not match."""


def file_sha256(path):
    """SHA-256 of a file's bytes, as hex, read in chunks (the file can be big)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def iter_rows(path):
    """Rows of a CSV table, parsed as :func:`~._results.read_results` does, one by one."""
    with open(path, newline="") as handle:
        for row in csv.DictReader(handle):
            yield {key: _parse(value) for key, value in row.items()}


def _counted(rows, counter):
    for row in rows:
        counter[0] += 1
        yield row


def _experiment(name):
    experiment = EXPERIMENTS.get(name)
    if experiment is None or experiment.compact is None:
        archivable = [
            spec.name for spec in EXPERIMENTS.values() if spec.compact is not None
        ]
        raise ArchiveError(
            f"no compact form for the experiment {name!r}; archivable: "
            f"{', '.join(archivable)}."
        )
    return experiment


def archive_run(manifest_path, to, *, gzip_raw=False):
    """Write the compact form of a finished run, its summary and its figures.

    Parameters
    ----------
    manifest_path : path-like
        ``EXPERIMENT.manifest.json`` of a complete run; its main table (the
        first of the experiment's tables) is read from the same directory.
    to : path-like
        Directory receiving ``STEM.results.json`` (the aggregate, the
        manifest, the machine, the raw table's row count and SHA-256),
        ``STEM.summary.txt`` (the printed table) and the figures; created
        if missing.
    gzip_raw : bool, default=False
        Also write the raw table as ``NAME.csv.gz`` (deterministic bytes).

    Returns
    -------
    archive : Path
        The ``.results.json`` file written.

    Raises
    ------
    ArchiveError
        When the run is not complete, its table does not have the manifest's
        row count, or the experiment has no compact form.
    """
    manifest_path = Path(manifest_path)
    manifest = read_manifest(manifest_path)
    if manifest is None:
        raise ArchiveError(f"{manifest_path} does not exist.")
    experiment = _experiment(manifest.get("experiment"))
    if manifest.get("status") != "complete":
        raise IncompleteResultsError(
            f"{manifest_path} records a run whose status is "
            f"{manifest.get('status')!r}: finish it with --resume first."
        )
    table = f"{experiment.tables[0]}.csv"
    raw = manifest_path.parent / table
    expected = manifest["tables"].get(table)
    counter = [0]
    aggregate = experiment.compact(_counted(iter_rows(raw), counter))
    if counter[0] != expected:
        raise IncompleteResultsError(
            f"{raw} has {counter[0]} rows but its run wrote {expected}: the file "
            "was changed or truncated."
        )
    archive = {
        "format": ARCHIVE_FORMAT,
        "experiment": experiment.name,
        "manifest": manifest,
        "machine": manifest.get("machine") or describe_machine(),
        "machine_recorded_by": "run" if manifest.get("machine") else "archive",
        "raw": {
            "file": table,
            "rows": counter[0],
            "bytes": raw.stat().st_size,
            "sha256": file_sha256(raw),
        },
        "aggregate": aggregate,
    }
    to = Path(to)
    to.mkdir(parents=True, exist_ok=True)
    path = to / f"{experiment.stem}{ARCHIVE_SUFFIX}"
    write_json(path, archive)
    if gzip_raw:
        with open(raw, "rb") as source, open(to / f"{table}.gz", "wb") as target:
            # mtime=0 and no file name: the same table gives the same bytes.
            with gzip.GzipFile(
                filename="", mode="wb", fileobj=target, mtime=0
            ) as packed:
                shutil.copyfileobj(source, packed, 1 << 20)
    render_archive(path, out=to)
    return path


def read_archive(path):
    """The archive at ``path`` as a dict (its format checked)."""
    path = Path(path)
    try:
        archive = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise ArchiveError(f"cannot read the archive {path}: {exc}") from None
    if not isinstance(archive, dict) or archive.get("format") != ARCHIVE_FORMAT:
        raise ArchiveError(
            f"{path} is not a sklearn-sea results archive ({ARCHIVE_FORMAT})."
        )
    return archive


def verify_raw(archive, raw):
    """Check a raw CSV against the archive's row count and SHA-256.

    Raises
    ------
    ArchiveError
        When the file's checksum differs from the recorded one (its row
        count then is reported too).
    """
    raw = Path(raw)
    if raw.suffix == ".gz":
        digest = hashlib.sha256()
        with gzip.open(raw, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        sha256 = digest.hexdigest()
    else:
        sha256 = file_sha256(raw)
    if sha256 != archive["raw"]["sha256"]:
        raise ArchiveError(
            f"{raw} is not the raw table of this archive: SHA-256 {sha256} "
            f"instead of {archive['raw']['sha256']}."
        )


def render_archive(path, *, out=None, raw=None, say=print):
    """Draw the figures and print the table of an archived run.

    Parameters
    ----------
    path : path-like
        A ``.results.json`` file of :func:`archive_run`.
    out : path-like, default=None
        Directory of the figures and of ``STEM.summary.txt``; None means the
        archive's directory.
    raw : path-like, default=None
        The raw CSV (or its ``.csv.gz``), checked against the archive's
        SHA-256 before anything is drawn.
    say : callable, default=print
        Where the lines of the table go.

    Returns
    -------
    figures : list of Path
        The figures written (none when matplotlib is missing).
    """
    from ._driver import _figure

    path = Path(path)
    archive = read_archive(path)
    if raw is not None:
        verify_raw(archive, raw)
    experiment = _experiment(archive["experiment"])
    settings = archive["manifest"]["settings"]
    outcome = experiment.restore(archive["aggregate"], settings)
    out = path.parent if out is None else Path(out)
    out.mkdir(parents=True, exist_ok=True)
    manifest = archive["manifest"]
    stages = manifest.get("stages", 1)
    stages = f" in {stages} stages" if stages > 1 else ""
    lines = [
        f"{experiment.title}: {manifest.get('command') or experiment.name}",
        f"run {manifest.get('started')} to {manifest.get('finished')}, wall time "
        f"{manifest.get('wall_time')} s{stages}, sklearn_sea "
        f"{manifest.get('sklearn_sea_version')}",
        "machine: "
        + ", ".join(f"{key}={value}" for key, value in archive["machine"].items()),
        f"raw table: {archive['raw']['file']}, {archive['raw']['rows']} rows, "
        f"sha256 {archive['raw']['sha256']}",
        *experiment.summary(outcome, settings),
    ]
    (out / f"{experiment.stem}.summary.txt").write_text("\n".join(lines) + "\n")
    for line in lines:
        say(line)
    figures = []
    for name, plot, args, kwargs in experiment.figures(outcome, settings):
        figure = _figure(plot, args, kwargs, out / f"{name}.png", say)
        if figure is not None:
            figures.append(figure)
    return figures
