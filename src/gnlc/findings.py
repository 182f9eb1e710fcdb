"""Validation findings and the report they make: the data every validation stage shares."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from operator import attrgetter


@dataclass(frozen=True, order=True)
class Finding:
    """One validation result, in the fields the JSON report promises."""

    severity: str
    focus: str
    path: str
    constraint: str
    message_en: str
    message_th: str
    file: str = ""
    line: int = 0
    value: str = ""
    shape: str = ""

    def as_dict(self) -> dict:
        """The JSON form."""
        return asdict(self)


# A sort key giving Finding's own order (its fields in turn), without a comparison method call
# per pair: sorted(findings, key=FINDING_ORDER) == sorted(findings).
FINDING_ORDER = attrgetter(*(f.name for f in fields(Finding)))


@dataclass
class Report:
    """All findings of one validation run."""

    findings: list[Finding]
    triples: int

    @property
    def violations(self) -> list[Finding]:
        """Findings that make the data non-conforming."""
        return [f for f in self.findings if f.severity == "Violation"]

    @property
    def warnings(self) -> list[Finding]:
        """Warnings and infos: gaps, not errors."""
        return [f for f in self.findings if f.severity != "Violation"]

    def conforms(self, strict: bool = False) -> bool:
        """True when there is no violation (and, if strict, no warning)."""
        return not (self.findings if strict else self.violations)
