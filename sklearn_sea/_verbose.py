"""Progress lines of the iterative k-sparse solvers (``verbose``)."""

# SPDX-License-Identifier: BSD-3-Clause


class IterationPrinter:
    """Prints periodic lines while a solver runs, and one line when it ends.

    A line gives the iteration, the objective ``1/2 ||y - X w_t - b_t||^2``
    at that iteration and the best one so far (in the units of the user's
    target, as ``loss_curve_``), and the number of supports explored.

    Parameters
    ----------
    name : str
        Prefix of every line (the estimator's class name).
    max_iter : int
        Iteration budget of the run.
    loss_scale : float
        Factor from the solver's objective to the user's units.
    verbose : int
        1: about ten lines per run; 2 or more: a line per iteration.
    """

    def __init__(self, name, max_iter, loss_scale, verbose):
        self.name = name
        self.max_iter = max_iter
        self.loss_scale = loss_scale
        self.period = 1 if verbose >= 2 else max(1, -(-max_iter // 10))
        self._printed = 0

    def _objective(self, rss):
        return 0.5 * rss * self.loss_scale

    def __call__(self, n_iter, rss, best_rss, n_supports):
        # Fast-forwarded runs advance several iterations at once: print when
        # a multiple of the period was crossed.
        if n_iter // self.period > self._printed // self.period:
            self._printed = n_iter
            print(
                f"[{self.name}] iter {n_iter:>{len(str(self.max_iter))}}/"
                f"{self.max_iter}  objective {self._objective(rss):.6e}  "
                f"best {self._objective(best_rss):.6e}  "
                f"supports explored {n_supports}",
                flush=True,
            )

    def done(self, result):
        """The summary line of a finished run (a SolverResult)."""
        best = result.loss_curve[result.best_iter] * self.loss_scale
        print(
            f"[{self.name}] done: {result.n_iter} iterations, best objective "
            f"{best:.6e} at iteration {result.best_iter}, "
            f"{result.n_supports_explored} supports explored",
            flush=True,
        )
