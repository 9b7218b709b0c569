"""Every example of the documentation runs as pasted.

The README's and the documentation pages' ``>>>`` snippets, and every
docstring example, are run as doctests with nothing predefined: a snippet
that uses a name it does not import fails here (the doctests that pytest
collects from the modules see the module's globals, and would not).
"""

import doctest
import importlib
import pkgutil
from pathlib import Path

import pytest

import sklearn_sea

ROOT = Path(__file__).parents[1]
PAGES = [ROOT / "README.rst", *sorted((ROOT / "doc").glob("*.rst"))]
FLAGS = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS
# The experiments package is being rewritten separately (its docstrings
# included); it is checked by its own module doctests meanwhile.
SKIPPED_PACKAGES = ("sklearn_sea.experiments",)


def _run(test):
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    runner.run(test)
    assert runner.failures == 0, f"{test.name}: {runner.failures} failing example(s)"


def test_the_readme_has_a_runnable_snippet():
    parser = doctest.DocTestParser()
    examples = parser.get_examples((ROOT / "README.rst").read_text())
    assert any("SEARegressor(" in example.source for example in examples)


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_page_snippets_run_as_pasted(page):
    test = doctest.DocTestParser().get_doctest(
        page.read_text(), {}, page.name, str(page), 0
    )
    _run(test)


def _public_modules():
    names = ["sklearn_sea"]
    for info in pkgutil.walk_packages(sklearn_sea.__path__, "sklearn_sea."):
        if not info.name.startswith(SKIPPED_PACKAGES):
            names.append(info.name)
    return names


@pytest.mark.parametrize("module_name", _public_modules())
def test_docstring_examples_run_as_pasted(module_name):
    module = importlib.import_module(module_name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    for test in finder.find(module, globs={}):
        if test.examples:
            test.globs = {}
            _run(test)
