"""Text bound for a terminal: every steering character is escaped, on the fast path too."""

from __future__ import annotations

import re
import sys

from gnlc.namespaces import PREFIXES, compact_iri
from gnlc.terminal import _STEERING, visible


def test_no_steering_character_is_printable() -> None:
    """visible() returns printable text unchanged without its regex: that is only right while
    Python's Unicode data calls none of the characters it escapes printable."""
    pattern = re.compile(_STEERING)
    steering = [chr(c) for c in range(sys.maxunicode + 1) if pattern.fullmatch(chr(c))]
    assert len(steering) > 64
    assert [c for c in steering if c.isprintable()] == []


def test_visible_escapes_controls_and_bidi_and_keeps_thai() -> None:
    assert visible("เชียงใหม่ Chiang Mai") == "เชียงใหม่ Chiang Mai"
    assert visible("a\x1b[31mb") == "a\\x1b[31mb"
    assert visible("x\u202ey") == "x\\u202ey"
    assert visible("\x85") == "\\x85"


def test_compact_iri_with_the_project_prefixes_and_others() -> None:
    """The default prefixes (sorted once) give what a fresh sort of the same mapping gives."""
    iris = [ns + "x-1" for ns in PREFIXES.values()] + [PREFIXES["gnlc"] + "a/b", "urn:x"]
    fresh = dict(PREFIXES)  # not the same object: the slow path
    assert [compact_iri(i) for i in iris] == [compact_iri(i, fresh) for i in iris]
    assert compact_iri(PREFIXES["city"] + "th-chiang-mai") == "city:th-chiang-mai"
    assert compact_iri("https://example.org/x", {"ex": "https://example.org/"}) == "ex:x"
