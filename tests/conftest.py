"""Fixtures shared by the test modules."""

import pytest

from sklearn_sea._core import _accelerator


@pytest.fixture(params=["compiled", "python"])
def sea_kernel(request, monkeypatch):
    """Run a test once with the compiled SEA loop and once with the Python one."""
    compiled = request.param == "compiled"
    if compiled and not _accelerator.COMPILED_AVAILABLE:
        pytest.skip("the compiled SEA kernel is not built in this installation")
    monkeypatch.setattr(_accelerator, "USE_COMPILED", compiled)
    return request.param
