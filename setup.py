"""Build hook: say so loudly when the optional compiled SEA loop is not built.

Package metadata and the extension itself are declared in pyproject.toml;
this file only replaces ``build_ext`` so that a build without a working
compiler ends with a notice instead of a warning lost in the build log (pip
shows build output with ``-v``; ``sklearn_sea.show_versions()`` tells it at
run time).
"""

import os
import sys

from setuptools import setup
from setuptools.command.build_ext import build_ext


class BuildExtWithNotice(build_ext):
    def run(self):
        super().run()
        missing = [
            ext.name
            for ext in self.extensions
            if not os.path.exists(self.get_ext_fullpath(ext.name))
        ]
        if missing:
            bar = "*" * 72
            print(
                f"\n{bar}\n"
                "sklearn_sea: the compiled SEA loop was NOT built (no working C++\n"
                "compiler?). The package works on its pure-Python loop, with the\n"
                "same results, 2 to 3 times slower. Check with\n"
                "    python -c 'import sklearn_sea; sklearn_sea.show_versions()'\n"
                f"{bar}\n",
                file=sys.stderr,
            )


setup(cmdclass={"build_ext": BuildExtWithNotice})
