"""Algorithms whose results coincide, found from the data, so figures can say so.

Two algorithms can give the same result on every problem of a sweep (OMPR
and OMP do on spike deconvolution): their curves are then drawn exactly on
top of each other and one of them disappears from the figure. Coinciding
results are detected here, from the rows, never from a list of names, and the
figures and tables mark them.

A sweep of the paper's size streams millions of rows: :class:`ResultDigests`
keeps one running hash per algorithm instead of the rows. The rows of an
algorithm arrive in task order, the same for every algorithm, so two
algorithms have the same digest exactly when they solved the same problems
with the same results.
"""

# SPDX-License-Identifier: BSD-3-Clause

import hashlib

#: Columns identifying a problem, per table of the sparse-recovery sweeps.
PROBLEM_KEYS = {
    "phase_transition": ("n_samples", "n_nonzero_coefs", "run", "seed"),
    "deconvolution": ("n_nonzero_coefs", "run", "seed"),
}


class ResultDigests:
    """One running hash per algorithm of its problems and support distances.

    Parameters
    ----------
    problem_keys : sequence of str
        Columns of a row that identify its problem.
    name : callable, default=None
        ``name(row)``: what is compared; None means ``row["algorithm"]``.

    Examples
    --------
    >>> from sklearn_sea.experiments._coincidence import ResultDigests, same_results
    >>> rows = [
    ...     {"algorithm": name, "run": run, "support_distance": distance}
    ...     for run in range(2)
    ...     for name, distance in [("A", run), ("B", run), ("C", 0)]
    ... ]
    >>> digests = ResultDigests(["run"])
    >>> _ = list(digests.watch(rows))
    >>> same_results(digests.hexdigests())
    {'B': 'A'}
    """

    def __init__(self, problem_keys, name=None):
        self.problem_keys = tuple(problem_keys)
        self.name = name
        self._hashes = {}
        self.n_problems = {}

    def add(self, row):
        name = row["algorithm"] if self.name is None else self.name(row)
        if name not in self._hashes:
            self._hashes[name] = hashlib.sha256()
            self.n_problems[name] = 0
        problem = [str(row[key]) for key in self.problem_keys]
        record = ",".join([*problem, str(row["support_distance"])]) + "\n"
        self._hashes[name].update(record.encode())
        self.n_problems[name] += 1

    def watch(self, rows):
        """Yield ``rows`` unchanged, hashing each on the way."""
        for row in rows:
            self.add(row)
            yield row

    def hexdigests(self):
        """``{algorithm: hex digest}``, in the order the algorithms came."""
        return {name: digest.hexdigest() for name, digest in self._hashes.items()}


def _first_equal(items):
    """``{later: first}`` for the items whose value equals an earlier one's."""
    first = {}
    same = {}
    for name, value in items.items():
        key = repr(value)
        if key in first:
            same[name] = first[key]
        else:
            first[key] = name
    return same


def same_results(digests):
    """``{algorithm: earlier algorithm}`` for algorithms with identical results.

    Parameters
    ----------
    digests : dict
        ``{algorithm: digest}`` of :meth:`ResultDigests.hexdigests`, in the
        order of the legend.

    Returns
    -------
    same : dict
        Each algorithm whose every result equals that of an algorithm before
        it, mapped to the first such algorithm.
    """
    return _first_equal(digests)


def same_curves(curves):
    """``{algorithm: earlier algorithm}`` for curves drawn at the same points.

    Parameters
    ----------
    curves : dict
        ``{algorithm: points}``, points being any comparable sequence.

    Examples
    --------
    >>> from sklearn_sea.experiments._coincidence import same_curves
    >>> same_curves({"A": [(0.5, 0.2)], "B": [(0.5, 0.3)], "C": [(0.5, 0.2)]})
    {'C': 'A'}
    """
    return _first_equal(curves)


def coincidence_notes(same_result, same_curve):
    """``{algorithm: note}``: what a legend adds to a curve drawn over another.

    Identical results on every problem are the stronger statement; a curve
    that only coincides where it is drawn says so.
    """
    from ._algorithms import algorithm_label

    notes = {}
    for name, other in same_curve.items():
        notes[name] = f"same curve as {algorithm_label(other)}"
    for name, other in same_result.items():
        notes[name] = f"= {algorithm_label(other)} on every problem"
    return notes
