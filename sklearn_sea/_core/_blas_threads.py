"""One BLAS thread for the many small dense systems of a support solve.

A multinomial support solve makes dozens of BLAS and LAPACK calls on
matrices of a few hundred rows (the Hessian of ``k n_classes`` unknowns, its
Cholesky factor, products with the support's columns). At these sizes
OpenBLAS's threads cost more in synchronisation than they save: on 2 cores
the digits fit of ``benchmarks/classification.py`` took 6.1 to 7.7 s with the
default two threads against 2.4 to 3.1 s with one (the Cholesky factor of the
270 x 270 Hessian alone 9 ms against 0.8 ms). Products over the whole design,
such as the exploration gradient, stay outside the limit.
"""

# SPDX-License-Identifier: BSD-3-Clause

from functools import lru_cache

from threadpoolctl import ThreadpoolController


@lru_cache(maxsize=1)
def _controller():
    # Made at the first solve, once numpy's and scipy's BLAS are loaded;
    # scanning the loaded libraries costs a millisecond, a limit 20 us.
    return ThreadpoolController()


def single_blas_thread():
    """A context manager under which the BLAS libraries run one thread."""
    return _controller().limit(limits=1, user_api="blas")
