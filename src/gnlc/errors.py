"""Errors that reach the user as one line and a documented exit code."""

from __future__ import annotations

import os
import sys

import click

from gnlc.terminal import visible

OK = 0
NONCONFORMING = 1
UNUSABLE = 2


def debugging() -> bool:
    """True when --debug or GNLC_DEBUG asks for tracebacks."""
    return os.environ.get("GNLC_DEBUG", "") not in ("", "0")


class GnlcError(click.ClickException):
    """A failure the user can act on: printed as one line, mapped to an exit code."""

    def __init__(self, message: str, code: int = UNUSABLE) -> None:
        super().__init__(message)
        self.exit_code: int = code  # type: ignore[misc]  # click declares it on the class

    @property
    def code(self) -> int:
        """The exit code."""
        return self.exit_code

    def show(self, file=None) -> None:
        """One line on stderr (and the traceback under --debug)."""
        if debugging():
            import traceback

            traceback.print_exception(type(self), self, self.__traceback__, file=sys.stderr)
        # Messages quote file names, values and servers' text: their controls are escaped.
        click.echo(f"gnlc: {visible(self.message)}", err=True)


def shown(path: object) -> str:
    """A path as the user would type it: relative to the working folder when inside it."""
    text = str(path)
    try:
        relative = os.path.relpath(text)
    except ValueError:
        return text
    return relative if not relative.startswith("..") else text


def located(path: object, line: int | None, column: int | None, message: str) -> str:
    """Format `path:line:col: message`, leaving out what is unknown."""
    place = shown(path)
    if line:
        place += f":{line}"
        if column:
            place += f":{column}"
    return f"{place}: {message}"
