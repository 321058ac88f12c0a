"""What we print on stderr: messages as rich Text, never markup, credentials masked, escapes made inert.

Error messages quote file names and document or model text; parsed as rich markup, a ``[link=…]`` in a model
answer would become a live terminal hyperlink, and an escape sequence in a file name would move the cursor.
"""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from .redact import redact, terminal_safe


def stderr_console() -> Console:
    return Console(stderr=True, highlight=False)


def plain(text: str, style: str = "") -> Text:
    """Untrusted text for display: credentials masked, control characters shown as '?', no markup."""
    return Text(terminal_safe(redact(text)), style=style)


def labelled(label: str, style: str, message: str) -> Text:
    """'label: message' with only the label styled."""
    return Text.assemble((label, style), " ", plain(message))


def print_error(console: Console, message: str) -> None:
    console.print(labelled("error:", "bold red", message), soft_wrap=True)


def print_warning(console: Console, message: str) -> None:
    console.print(labelled("warning:", "yellow", message), soft_wrap=True)


def print_note(console: Console, message: str) -> None:
    console.print(plain(message), soft_wrap=True)
