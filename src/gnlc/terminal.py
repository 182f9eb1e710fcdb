"""Text bound for a terminal: characters that steer it are shown as escapes instead."""

from __future__ import annotations

import re

# C0 controls, DEL and C1 controls (ESC and CSI start colour, cursor and title sequences; CR
# overwrites a line), the line and paragraph separators, and the bidirectional controls that
# reorder what is shown (a "Trojan Source" value could otherwise look like another one).
_STEERING = "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]"


def _escape(match: re.Match) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(text: str) -> str:
    """The text with every control and bidi character written as \\xNN or \\uNNNN."""
    if text.isprintable():  # none of _STEERING is printable: the common case, without a regex
        return text
    # compiled on first use (re caches it): gnlc.errors imports this module at start-up
    return re.sub(_STEERING, _escape, text)


# In Turtle and N-Triples the serializers already escape C0 controls and DEL inside terms (and
# newlines outside them are the syntax); C1 and bidi characters pass through raw.
_RDF_STEERING = "[\x80-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]"


def visible_rdf(text: str) -> str:
    """Turtle or N-Triples with C1 and bidi characters written as \\uXXXX escapes (the same
    graph: both syntaxes read such an escape as the character, in IRIs and strings alike)."""
    return re.sub(_RDF_STEERING, lambda m: f"\\u{ord(m.group(0)):04X}", text)
