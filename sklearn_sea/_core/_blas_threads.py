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

from contextlib import contextmanager
from functools import lru_cache

from threadpoolctl import ThreadpoolController


@lru_cache(maxsize=1)
def _blas_libraries():
    # Found at the first solve, once numpy's and scipy's BLAS are loaded:
    # scanning the loaded libraries costs a millisecond. Setting a library's
    # thread count directly costs a microsecond, where threadpoolctl's
    # limit() (which describes every library) cost 0.1 ms per support.
    return tuple(ThreadpoolController().select(user_api="blas").lib_controllers)


@contextmanager
def single_blas_thread():
    """Run the BLAS libraries on one thread inside the block, then restore them."""
    threads = [(library, library.num_threads) for library in _blas_libraries()]
    libraries = [(library, count) for library, count in threads if count != 1]
    for library, _ in libraries:
        library.set_num_threads(1)
    try:
        yield
    finally:
        for library, count in libraries:
            library.set_num_threads(count)
