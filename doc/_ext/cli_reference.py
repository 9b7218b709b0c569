"""The ``cli-reference`` directive: the command line documented from its parser.

The page is generated at build time from
``sklearn_sea._cli.build_parser()``, so that it can never disagree with the
options the command accepts: every subcommand gets a section with its
``--help`` text.
"""

# SPDX-License-Identifier: BSD-3-Clause

import argparse

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import nested_parse_with_titles


def _subcommands(parser):
    """``(name, parser)`` of every subcommand, in the parser's order."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            yield from action.choices.items()


def _help_block(parser):
    # A fixed width: the page must not depend on the terminal of the build.
    formatter = argparse.HelpFormatter
    parser.formatter_class = lambda prog: formatter(prog, width=88)
    return ["", ".. code-block:: text", ""] + [
        "   " + line if line else "" for line in parser.format_help().splitlines()
    ]


def cli_reference_lines(parser):
    """The reStructuredText of the reference, as a list of lines."""
    lines = _help_block(parser)
    for name, sub in _subcommands(parser):
        title = f"``{parser.prog} {name}``"
        lines += ["", title, "-" * len(title)]
        lines += _help_block(sub)
    return lines


class CLIReference(SphinxDirective):
    """Insert the reference of ``sklearn_sea._cli.build_parser()``."""

    has_content = False

    def run(self):
        from sklearn_sea._cli import build_parser

        source = StringList(
            cli_reference_lines(build_parser()), source="sklearn_sea._cli"
        )
        holder = nodes.section()
        holder.document = self.state.document
        nested_parse_with_titles(self.state, source, holder)
        return holder.children


def setup(app):
    app.add_directive("cli-reference", CLIReference)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
