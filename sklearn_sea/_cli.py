"""Command line: ``sklearn-sea`` (or ``python -m sklearn_sea``).

One subcommand per experiment of the registry
(:mod:`sklearn_sea.experiments._registry`); each writes its raw results to
CSV and its figures to PNG under ``--out`` and prints a short table. Every
experiment has a quick default (well under a minute on two cores) and a
``--paper`` mode with the papers' sizes; any explicit option overrides
either. Options are range-checked here, before any work; the run itself
(outputs, resume, lock, signals, cluster) is the driver's
(:mod:`sklearn_sea.experiments._driver`).
"""

# SPDX-License-Identifier: BSD-3-Clause

import argparse
import shlex
import sys

from . import __version__
from .experiments import _options as opt
from .experiments._driver import RunError, run_experiment
from .experiments._registry import EXPERIMENTS

DEFAULT_OUT = "sklearn_sea_results"

#: Settings of each experiment: quick default, then the papers' sizes.
QUICK = {name: experiment.quick for name, experiment in EXPERIMENTS.items()}
PAPER = {name: experiment.paper for name, experiment in EXPERIMENTS.items()}


def resolve_settings(args):
    """Quick or paper settings of ``args.experiment``, overridden by explicit options."""
    settings = EXPERIMENTS[args.experiment].settings(args.paper, vars(args))
    settings["seed"] = args.seed
    settings["n_jobs"] = args.n_jobs
    return settings


def _scheduler(address):
    """A scheduler address; dask.distributed must be installed to use one."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise argparse.ArgumentTypeError(
            'needs dask.distributed: pip install "sklearn-sea[distributed]"'
        ) from None
    return address


def _add_common(parser, experiment):
    quick, paper = experiment.quick, experiment.paper
    parser.add_argument(
        "--paper",
        action="store_true",
        help="the papers' sizes instead of the quick defaults: "
        + ", ".join(
            f"{key}={value}" for key, value in paper.items() if quick[key] != value
        ),
    )
    parser.add_argument(
        "--runs",
        type=opt.POSITIVE,
        help=f"problems per point (quick {quick['runs']}, paper {paper['runs']})",
    )
    parser.add_argument(
        "--n-jobs",
        type=opt.n_jobs,
        default=-1,
        help="joblib workers (default -1: all cores, or all workers of --scheduler)",
    )
    parser.add_argument("--seed", type=opt.SEED, default=0, help="seed of the sweep")
    parser.add_argument(
        "--out",
        default=DEFAULT_OUT,
        help=f"directory of the CSV and PNG files (default ./{DEFAULT_OUT}); "
        "one run at a time per directory",
    )
    again = parser.add_mutually_exclusive_group()
    again.add_argument(
        "--resume",
        action="store_true",
        help="continue the interrupted run of --out (same settings)",
    )
    again.add_argument(
        "--restart",
        action="store_true",
        help="discard the interrupted run of --out and start over",
    )
    parser.add_argument(
        "--scheduler",
        type=_scheduler,
        metavar="ADDRESS",
        help="run the tasks on the dask.distributed scheduler at ADDRESS "
        "(e.g. tcp://SCHEDULER:8786; needs the distributed extra)",
    )
    parser.add_argument(
        "--quiet",
        action="store_true",
        help="no progress (a bar on a terminal, a line every 30 s in a log)",
    )


def build_parser():
    """The argument parser of ``sklearn-sea``."""
    parser = argparse.ArgumentParser(
        prog="sklearn-sea",
        description=(
            "Experiments of the SEA paper (phase transition, spike deconvolution) "
            "and of the STE paper (binary network). Each writes a CSV and a PNG."
        ),
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {__version__}"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for experiment in EXPERIMENTS.values():
        quick = ", ".join(
            f"{k}={v}" for k, v in experiment.quick.items() if v is not None
        )
        for name, help_text in {
            **experiment.aliases,
            experiment.name: experiment.help,
        }.items():
            sub = commands.add_parser(
                name,
                # argparse %-formats help strings (not descriptions).
                help=help_text.replace("%", "%%"),
                description=f"{help_text}; quick defaults: {quick}.",
            )
            _add_common(sub, experiment)
            experiment.add_options(sub)
            sub.set_defaults(experiment=experiment.name, usage_error=sub.error)
    _add_archive_commands(commands)
    return parser


def _add_archive_commands(commands):
    archive = commands.add_parser(
        "archive",
        help="write the compact form of a finished run (aggregate, manifest, "
        "machine, SHA-256 of the raw CSV) and its figures, for committing",
        description="Reduce the main table of a complete run to the aggregate "
        "its figures are drawn from, and write it with the run's manifest, the "
        "machine and the raw CSV's row count and SHA-256 to "
        "TO/EXPERIMENT.results.json, with the summary and the figures.",
    )
    archive.add_argument("manifest", help="EXPERIMENT.manifest.json of a complete run")
    archive.add_argument("--to", required=True, help="directory of the compact results")
    archive.add_argument(
        "--gzip-raw",
        action="store_true",
        help="also write the raw CSV, gzip-compressed, next to them",
    )
    render = commands.add_parser(
        "render",
        help="draw the figures and print the table of an archived run (no computation)",
        description="Draw the figures and print the table of an "
        "EXPERIMENT.results.json written by `sklearn-sea archive`, with the "
        "current plotting code.",
    )
    render.add_argument("archive", help="an EXPERIMENT.results.json file")
    render.add_argument(
        "--out", help="directory of the figures (default: the archive's)"
    )
    render.add_argument(
        "--raw",
        help="the raw CSV (or .csv.gz): refuse to draw unless its SHA-256 is "
        "the archive's",
    )


def _archive_main(args):
    from .experiments._archive import ArchiveError, archive_run, render_archive

    try:
        if args.command == "archive":
            path = archive_run(args.manifest, args.to, gzip_raw=args.gzip_raw)
            print(f"archive: {path}")
        else:
            render_archive(args.archive, out=args.out, raw=args.raw)
    except (ArchiveError, OSError) as exc:
        print(f"sklearn-sea: error: {exc}", file=sys.stderr)
        return 1
    except RunError as exc:
        print(f"sklearn-sea: error: {exc}", file=sys.stderr)
        return exc.status
    return 0


def main(argv=None):
    """Run ``sklearn-sea`` with ``argv`` (default: the process arguments)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser().parse_args(argv)
    if args.command in ("archive", "render"):
        return _archive_main(args)
    experiment = EXPERIMENTS[args.experiment]
    settings = resolve_settings(args)
    for option, message in experiment.check(settings):
        args.usage_error(f"argument {option}: {message}")
    try:
        return run_experiment(
            experiment,
            settings,
            out=args.out,
            resume=args.resume,
            restart=args.restart,
            scheduler=args.scheduler,
            progress=not args.quiet,
            command=shlex.join(["sklearn-sea", *argv]),
        )
    except RunError as exc:
        print(f"sklearn-sea: error: {exc}", file=sys.stderr)
        return exc.status
    except KeyboardInterrupt:
        # Outside the sweep (the driver handles it there): before the lock,
        # or while the figures of a complete run are drawn.
        print("sklearn-sea: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
