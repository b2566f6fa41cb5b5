"""The ``mealroute`` command's entry point: the command line, after a head start.

A one-station ``mealroute plan`` (or ``replan``) spends most of what is not its search
on loading: the command line (typer, rich, the settings: 0.2 s) here and the planner
(OR-Tools, numpy: 0.35 s) in the process that plans. So for these a planning process
is started first (:func:`mealroute.processes.start_early`) and both load at once; the
command's pool of planning processes then takes it.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

_NO_HEAD_START = {"--help", "-h", "--scheduler"}  # help plans nothing; a cluster plans there


def wants_head_start(args: Sequence[str]) -> bool:
    """Whether these command-line arguments plan stations on this machine."""
    return args[:1] in (["plan"], ["replan"]) and not any(
        a.split("=")[0] in _NO_HEAD_START for a in args
    )


def main() -> None:
    """Console-script entry point (``mealroute``); see :func:`mealroute.cli.main`."""
    try:
        if wants_head_start(sys.argv[1:]):
            from .processes import start_early

            start_early()
        from .cli import main as cli_main

        cli_main()
    except KeyboardInterrupt:  # Ctrl-C before a command could take it: nothing done yet
        sys.exit(130)
