"""How to cite the dataset: read from the repository's CITATION.cff (the Citation File Format)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

CITATION_FILE = "CITATION.cff"


@dataclass(frozen=True)
class Citation:
    """What a "how to cite" block and schema.org's Dataset need from CITATION.cff."""

    title: str
    authors: tuple[str, ...]
    version: str
    date: str
    url: str
    licence: str
    message: str
    repository: str  # repository-code; '' when CITATION.cff names none

    def text(self) -> str:
        """One reference in the usual author (year). title (version) [Data set]. URL form."""
        year = f" ({self.date[:4]})" if self.date else ""
        version = f" (Version {self.version})" if self.version else ""
        return f"{', '.join(self.authors)}{year}. {self.title}{version} [Data set]. {self.url}"


def read_citation(root: Path) -> Citation | None:
    """The citation in root/CITATION.cff, or None when there is no such file."""
    import yaml

    path = root / CITATION_FILE
    if not path.is_file():
        return None
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    authors = tuple(
        a.get("name") or " ".join(p for p in (a.get("given-names"), a.get("family-names")) if p)
        for a in data.get("authors") or []
    )
    urls = [i.get("value", "") for i in data.get("identifiers") or [] if i.get("type") == "url"]
    return Citation(
        title=str(data.get("title", "")),
        authors=authors,
        version=str(data.get("version", "")),
        date=str(data.get("date-released", "")),
        url=str(data.get("url") or (urls[0] if urls else "")),
        licence=str(data.get("license", "")),
        message=str(data.get("message", "")),
        repository=str(data.get("repository-code", "")),
    )
