"""The program's entry point (`reportgen`, `python -m reportgen`).

`reportgen build` starts its PDF child before click and the rest of reportgen are imported:
the child's WeasyPrint import is the longest thing before layout can start, so every ~0.1 s
of our own start-up before it would be in the build's time. Only the standard library,
core and pdf.sandbox are imported first. If argv is misread, the idle child finds its stdin
closed when the program exits and leaves quietly."""

from __future__ import annotations

import os
import sys

from reportgen.pdf import sandbox


def pdf_build(argv: list[str]) -> bool:
    """Tell whether argv (a command line after the program) is `build` making a PDF: its
    first word that is not an option, and no --format without pdf, nor --help."""
    words = [a for a in argv if not a.startswith("-")]
    if not words or words[0] != "build" or {"-h", "--help"} & set(argv):
        return False
    for i, arg in enumerate(argv):
        given = (arg.split("=", 1)[1] if arg.startswith("--format=") else
                 argv[i + 1] if arg == "--format" and i + 1 < len(argv) else None)
        if given is not None and "pdf" not in given:
            return False
    return True


def main() -> None:
    """Run the command line as `reportgen`, its PDF child first where it will need one."""
    if pdf_build(sys.argv[1:]):
        sandbox.prestart()
    # Pydantic looks for plugins in every installed package's metadata the first time a
    # model is built (~15 ms); the file schemas use none, and a plugin another package
    # installed should not change how a council's files are checked.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    from reportgen.commands.cli import main as cli

    # the name people type, so help and _REPORTGEN_COMPLETE work the same either way
    cli(prog_name="reportgen")
