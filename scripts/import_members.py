"""Add member cities from a reviewed CSV to data/members/<CC>.ttl (and countries they need).

Usage: python scripts/import_members.py scripts/import/members.csv [--dry-run]

The CSV (columns: name_en,country,cohort_year,region,source,evidence and, optionally,
name_th,name_th_source,province_en,province_th,alt_en,note) is research
input: every row names the page
that lists the city. Country names are mapped to ISO codes only through the reviewed table
scripts/import/country-names.csv (never fuzzy matching). Cities already in data/ (same IRI) are
left untouched, so hand edits survive a re-run; new ones are merged into their country's file,
which is then written in canonical form.
"""

from __future__ import annotations

import argparse
import csv
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

from gnlc.namespaces import BASE, GNLC, NETWORK, PREFIXES

ROOT = Path(__file__).resolve().parents[1]

REGIONS = {
    "Africa": "africa",
    "Arab States": "arab-states",
    "Asia and the Pacific": "asia-pacific",
    "Europe and North America": "europe-north-america",
    "Latin America and the Caribbean": "latin-america-caribbean",
}


def slug(text: str) -> str:
    """ASCII, lower case, hyphens: 'São Paulo' -> 'sao-paulo'."""
    folded = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(c for c in folded if not unicodedata.combining(c))
    ascii_text = ascii_text.encode("ascii", "ignore").decode("ascii").lower()
    out, dash = [], False
    for char in ascii_text:
        if char.isalnum():
            out.append(char)
            dash = False
        elif not dash and out:
            out.append("-")
            dash = True
    return "".join(out).strip("-")


def city_iri(code: str, name: str) -> str:
    """https://w3id.org/gnlc/city/<cc>-<slug>."""
    return f"{BASE}city/{code.lower()}-{slug(name)}"


def read_country_table(path: Path) -> dict[str, str]:
    """UNESCO country name -> ISO alpha-2, from the reviewed table."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["name"].strip(): row["code"].strip() for row in csv.DictReader(handle)}


def city_triples(row: dict, code: str) -> list:
    """Triples for one city and its membership."""
    import pyoxigraph as ox

    def p(curie: str):
        prefix, local = curie.split(":", 1)
        return ox.NamedNode(PREFIXES[prefix] + local)

    city = ox.NamedNode(city_iri(code, row["name_en"]))
    membership = ox.NamedNode(city.value + "#membership")
    year = row["cohort_year"].strip()
    sources = sorted(set(row["source"].split()))
    t = [
        ox.Triple(city, p("rdf:type"), ox.NamedNode(GNLC + "LearningCity")),
        ox.Triple(city, p("skos:prefLabel"), ox.Literal(row["name_en"].strip(), language="en")),
        ox.Triple(city, ox.NamedNode(GNLC + "country"), ox.NamedNode(f"{BASE}country/{code}")),
        ox.Triple(membership, p("rdf:type"), ox.NamedNode(GNLC + "Membership")),
        ox.Triple(membership, p("org:member"), city),
        ox.Triple(membership, p("org:organization"), ox.NamedNode(NETWORK)),
        ox.Triple(membership, ox.NamedNode(GNLC + "cohort"), ox.NamedNode(f"{BASE}cohort/{year}")),
        ox.Triple(
            membership, ox.NamedNode(GNLC + "startYear"), ox.Literal(year, datatype=p("xsd:gYear"))
        ),
    ]
    region = (row.get("region") or "").strip()
    if region:
        t.append(
            ox.Triple(
                city, ox.NamedNode(GNLC + "region"), ox.NamedNode(f"{BASE}region/{REGIONS[region]}")
            )
        )
    for source in sources:
        t.append(ox.Triple(city, p("dcterms:source"), ox.NamedNode(source)))
        t.append(ox.Triple(membership, p("dcterms:source"), ox.NamedNode(source)))
    if (row.get("name_th") or "").strip():
        t.append(
            ox.Triple(city, p("skos:prefLabel"), ox.Literal(row["name_th"].strip(), language="th"))
        )
        for source in (row.get("name_th_source") or "").split():
            t.append(ox.Triple(city, p("dcterms:source"), ox.NamedNode(source)))
    for alt in (row.get("alt_en") or "").split(";"):
        if alt.strip():
            t.append(ox.Triple(city, p("skos:altLabel"), ox.Literal(alt.strip(), language="en")))
    note = (row.get("note") or "").strip()
    if note:
        t.append(ox.Triple(membership, p("skos:editorialNote"), ox.Literal(note, language="en")))
    for lang in ("en", "th"):
        value = (row.get(f"province_{lang}") or "").strip()
        if value:
            t.append(
                ox.Triple(city, ox.NamedNode(GNLC + "province"), ox.Literal(value, language=lang))
            )
    return t


def main(argv: list[str] | None = None) -> int:
    """Import rows; return 0, or 2 with one line per problem."""
    import pyoxigraph as ox

    from gnlc.turtle import serialize

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", type=Path)
    parser.add_argument("--countries", type=Path, default=ROOT / "scripts/import/country-names.csv")
    parser.add_argument("--out", type=Path, default=ROOT / "data/members")
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args(argv)

    table = read_country_table(args.countries)
    problems: list[str] = []
    by_country: dict[str, list] = defaultdict(list)
    seen: dict[str, int] = {}
    with args.csv.open(encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            where = f"{args.csv}:{number}"
            code = table.get(row["country"].strip())
            if not code:
                problems.append(f"{where}: country {row['country']!r} is not in the reviewed table")
                continue
            if not row["source"].startswith(("http://", "https://")):
                problems.append(f"{where}: source is not an http(s) IRI")
                continue
            if not (row["cohort_year"].isdigit() and len(row["cohort_year"]) == 4):
                problems.append(f"{where}: cohort_year {row['cohort_year']!r} is not a year")
                continue
            region = (row.get("region") or "").strip()
            if region and region not in REGIONS:
                problems.append(f"{where}: unknown region {region!r}")
                continue
            iri = city_iri(code, row["name_en"])
            if iri in seen:
                problems.append(f"{where}: same IRI as line {seen[iri]} ({iri})")
                continue
            seen[iri] = number
            by_country[code].append(row)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 2
    added = 0
    for code, rows in sorted(by_country.items()):
        path = args.out / f"{code}.ttl"
        existing = []
        if path.exists():
            existing = [q.triple for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)]
        present = {t.subject.value for t in existing if isinstance(t.subject, ox.NamedNode)}
        new = []
        for row in rows:
            if city_iri(code, row["name_en"]) not in present:
                new.extend(city_triples(row, code))
                added += 1
        if new and not args.dry_run:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(serialize(existing + new), encoding="utf-8")
    print(f"added {added} cities in {len(by_country)} countries", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
