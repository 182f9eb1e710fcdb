"""Add member cities from a reviewed CSV to data/members/<CC>.ttl (and countries they need).

Usage: python scripts/import_members.py scripts/import/members.csv [--dry-run]

The CSV is research input; every row names the page that lists the city as a member.
Columns: name_en, country, cohort_year (only where a source gives it), attested_date (the date of
the source, needed when cohort_year is empty; the membership is then gnlc:attestedBy that source;
left empty only when no page that names the city shows a date, and the note then says "shows
no date"),
source, evidence, and optionally attested_by (when the attesting page is not the first source),
name_en_source (the reference for the English name when the membership source gives the name only
in another language), name_local + name_local_lang (the name as the source writes it),
name_local_source, name_th, name_th_source, province_en, province_th, alt_en (';'-separated) with
alt_en_source, note (an editorial note on the membership), region (ignored: UNESCO regions are
recorded on countries, from scripts/import/country-regions.csv). Every name becomes a SKOS-XL label
citing its own source. Country names are mapped to ISO codes only through the reviewed table
scripts/import/country-names.csv (never fuzzy matching). Cities already in data/ (same IRI, or
the same English name in the country's file) are left untouched, so hand edits survive a re-run;
new ones are merged into their country's file, which is then written in canonical form.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections import defaultdict
from pathlib import Path

from gnlc.namespaces import BASE, GNLC, NETWORK, PREFIXES

ROOT = Path(__file__).resolve().parents[1]
DATE = r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?"
# A row with neither cohort_year nor attested_date must say so in its note: the membership is
# then attested by an undated page (gnlc:attestedBy without gnlc:attestedDate).
UNDATED = "shows no date"


def slug(text: str) -> str:
    """ASCII, lower case, hyphens: 'São Paulo' -> 'sao-paulo', 'Sønderborg' -> 'sonderborg'.

    Letters are transliterated by anyascii (ø, ł, ß and ı have no accent to strip: folding
    accents alone dropped them, which made 'dk-snderborg' and 'tr-balkesir'); apostrophes go
    without a hyphen ("Xi'an" -> 'xian'). Cities already in data/ keep the IRI they were
    given (main() recognises them by their English name too).
    """
    from anyascii import anyascii

    ascii_text = anyascii(text).replace("'", "").lower()
    out, dash = [], False
    for char in ascii_text:
        if char.isascii() and char.isalnum():
            out.append(char)
            dash = False
        elif not dash and out:
            out.append("-")
            dash = True
    return "".join(out).strip("-")


def city_iri(code: str, name: str) -> str:
    """https://w3id.org/gnlc/city/<cc>-<slug>."""
    return f"{BASE}city/{code.lower()}-{slug(name)}"


def english_names(triples: list) -> set[str]:
    """The English preferred names of the cities in triples (a country's members file): a city
    is already there when its name is, whatever IRI it was minted with."""
    label_of = {
        t.object.value: t.subject.value
        for t in triples
        if t.predicate.value == PREFIXES["skosxl"] + "prefLabel"
    }
    return {
        t.object.value
        for t in triples
        if t.predicate.value == PREFIXES["skosxl"] + "literalForm"
        and t.subject.value in label_of
        and t.object.language == "en"
    }


def read_country_table(path: Path) -> dict[str, str]:
    """UNESCO country name -> ISO alpha-2, from the reviewed table."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["name"].strip(): row["code"].strip() for row in csv.DictReader(handle)}


def attested_literal(text: str):
    """The attestation date as xsd:date, xsd:gYearMonth or xsd:gYear (as precise as given)."""
    import pyoxigraph as ox

    kind = {10: "date", 7: "gYearMonth", 4: "gYear"}[len(text)]
    return ox.Literal(text, datatype=ox.NamedNode(PREFIXES["xsd"] + kind))


def city_triples(row: dict, code: str) -> list:
    """Triples for one city, its membership and its names, each name with its own source."""
    import pyoxigraph as ox

    def p(curie: str):
        prefix, local = curie.split(":", 1)
        return ox.NamedNode(PREFIXES[prefix] + local)

    def cell(name: str) -> str:
        return (row.get(name) or "").strip()

    def iris(text: str) -> list:
        return [ox.NamedNode(s) for s in sorted(set(text.split()))]

    city = ox.NamedNode(city_iri(code, row["name_en"]))
    membership = ox.NamedNode(city.value + "#membership")
    year = cell("cohort_year")
    sources = iris(row["source"])
    t = [
        ox.Triple(city, p("rdf:type"), ox.NamedNode(GNLC + "LearningCity")),
        ox.Triple(city, ox.NamedNode(GNLC + "country"), ox.NamedNode(f"{BASE}country/{code}")),
        ox.Triple(membership, p("rdf:type"), ox.NamedNode(GNLC + "Membership")),
        ox.Triple(membership, p("org:member"), city),
        ox.Triple(membership, p("org:organization"), ox.NamedNode(NETWORK)),
    ]
    if year:
        t.append(
            ox.Triple(
                membership, ox.NamedNode(GNLC + "cohort"), ox.NamedNode(f"{BASE}cohort/{year}")
            )
        )
        t.append(
            ox.Triple(
                membership,
                ox.NamedNode(GNLC + "startYear"),
                ox.Literal(year, datatype=p("xsd:gYear")),
            )
        )
    else:
        # The attesting page: named, or else the first source as the row lists it.
        attested_by = ox.NamedNode(cell("attested_by") or row["source"].split()[0])
        t.append(ox.Triple(membership, ox.NamedNode(GNLC + "attestedBy"), attested_by))
        if cell("attested_date"):
            t.append(
                ox.Triple(
                    membership,
                    ox.NamedNode(GNLC + "attestedDate"),
                    attested_literal(cell("attested_date")),
                )
            )
    for source in sources:
        t.append(ox.Triple(city, p("dcterms:source"), source))
        t.append(ox.Triple(membership, p("dcterms:source"), source))

    def label(kind: str, suffix: str, form: str, lang: str, label_sources: list) -> None:
        node = ox.NamedNode(f"{city.value}#{suffix}")
        t.append(ox.Triple(city, p(f"skosxl:{kind}"), node))
        t.append(ox.Triple(node, p("rdf:type"), p("skosxl:Label")))
        t.append(ox.Triple(node, p("skosxl:literalForm"), ox.Literal(form, language=lang)))
        t.extend(ox.Triple(node, p("dcterms:source"), s) for s in label_sources)

    label(
        "prefLabel",
        "name-en",
        row["name_en"].strip(),
        "en",
        iris(cell("name_en_source")) or sources,
    )
    if cell("name_local"):
        lang = cell("name_local_lang")
        label(
            "prefLabel",
            f"name-{lang}",
            cell("name_local"),
            lang,
            iris(cell("name_local_source")) or sources,
        )
    if cell("name_th"):
        label(
            "prefLabel", "name-th", cell("name_th"), "th", iris(cell("name_th_source")) or sources
        )
    for alt in cell("alt_en").split(";"):
        if alt.strip():
            label("altLabel", f"alt-en-{slug(alt)}", alt.strip(), "en", iris(cell("alt_en_source")))
    note = cell("note")
    if note:
        t.append(ox.Triple(membership, p("skos:editorialNote"), ox.Literal(note, language="en")))
    for lang in ("en", "th"):
        value = cell(f"province_{lang}")
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
            if None in row:
                # csv puts cells past the header under the key None: an unquoted comma
                # would otherwise shift every later cell into the wrong column.
                problems.append(
                    f"{where}: {len(row) - 1 + len(row[None])} cells, the header has"
                    f" {len(row) - 1}: quote a cell that contains a comma"
                )
                continue
            code = table.get(row["country"].strip())
            if not code:
                problems.append(f"{where}: country {row['country']!r} is not in the reviewed table")
                continue
            if not row["source"].startswith(("http://", "https://")):
                problems.append(f"{where}: source is not an http(s) IRI")
                continue
            year = (row.get("cohort_year") or "").strip()
            attested = (row.get("attested_date") or "").strip()
            if year and not (year.isdigit() and len(year) == 4):
                problems.append(f"{where}: cohort_year {year!r} is not a year")
                continue
            undated = not attested and UNDATED in (row.get("note") or "")
            if not year and not undated and not re.fullmatch(DATE, attested):
                problems.append(
                    f"{where}: no cohort_year, so attested_date (YYYY, YYYY-MM or YYYY-MM-DD,"
                    f" the date of the source) is needed, not {attested!r}; or, when no page"
                    f" that names the city shows a date, a note saying {UNDATED!r}"
                )
                continue
            if row.get("alt_en", "").strip() and not row.get("alt_en_source", "").strip():
                problems.append(f"{where}: alt_en needs alt_en_source, the page that writes it")
                continue
            if row.get("name_local", "").strip() and not row.get("name_local_lang", "").strip():
                problems.append(f"{where}: name_local needs name_local_lang")
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
        named = english_names(existing)
        new = []
        for row in rows:
            if city_iri(code, row["name_en"]) not in present and row["name_en"] not in named:
                new.extend(city_triples(row, code))
                added += 1
        if new and not args.dry_run:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(serialize(existing + new), encoding="utf-8")
    print(f"added {added} cities in {len(by_country)} countries", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
