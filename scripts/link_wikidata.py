"""Propose owl:sameAs links from member cities to Wikidata items, for a person to review.

Usage: python scripts/link_wikidata.py [--endpoint URL] [--members gnlc-members.csv] [--out FILE]

For each member city, the Wikidata Query Service (or any endpoint holding Wikidata-shaped data,
see --endpoint) is asked for items whose English label (or, scoring lower, English alias) equals
the city's English name, that lie in the city's country (P17, matched by the ISO 3166-1 alpha-2
code P297) and that are an instance (P31) of a subclass (P279*) of human settlement (Q486972) or
administrative territorial entity (Q56061). The answer is a review CSV
(city, qid, label, score, reason); nothing is written into data/: a link goes there only by hand,
with the source that confirms it (see CONTRACT.md, "Wikidata").

Cities come from the graph at --root (default: the project found upwards), or from a release's
gnlc-members.csv with --members.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from gnlc.errors import GnlcError
from gnlc.namespaces import GNLC, SKOS
from gnlc.paths import SOURCE_DIRS

WDQS = "https://query.wikidata.org/sparql"
WD = "http://www.wikidata.org/entity/"
ROOT_CLASSES = {"Q486972": "human settlement", "Q56061": "administrative territorial entity"}
COLUMNS = ("city", "qid", "label", "score", "reason")
# Words UNESCO's lists add to a name that Wikidata's label usually leaves out.
AFFIXES = re.compile(
    r"^(city of|municipality of|county of|district of)\s+|"
    r"\s+(city|municipality|metropolitan city|special city|county|district|city council|"
    r"province|town)$",
    flags=re.IGNORECASE,
)
SCORE_LABEL = 1.0
SCORE_ALIAS = 0.8
PENALTY_VARIANT = 0.2
PENALTY_AMBIGUOUS = 0.3


@dataclass
class City:
    """A member city as the linker sees it."""

    iri: str
    name: str
    code: str
    other_names: list[str] = field(default_factory=list)


@dataclass
class Candidate:
    """One Wikidata item proposed for one city."""

    city: str
    qid: str
    label: str
    matched: str
    how: str
    classes: set[str]
    variant: bool
    score: float = 0.0
    reason: str = ""


def name_variants(city: City) -> dict[str, bool]:
    """Names to look up -> True when the name is a variant (affixes dropped, other name)."""
    names: dict[str, bool] = {city.name.strip(): False}
    for name in [city.name, *city.other_names]:
        for form in (name.strip(), AFFIXES.sub("", name.strip()).strip(), name.split(",")[0]):
            form = re.sub(r"\s*\(.*?\)\s*", " ", form).strip()
            if form and form not in names:
                names[form] = True
    return names


def cities_from_csv(path: Path) -> list[City]:
    """Cities from a release's gnlc-members.csv (iri, name_en, country_code)."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    missing = {"iri", "name_en", "country_code"} - set(rows[0] if rows else {})
    if rows and missing:
        raise GnlcError(f"{path}: missing columns {', '.join(sorted(missing))}")
    return [
        City(row["iri"], row["name_en"], row["country_code"])
        for row in rows
        if row["name_en"] and row["country_code"]
    ]


def cities_from_graph(root: Path) -> list[City]:
    """Cities with an English name and a country code from the project's graph."""
    from gnlc.sources import load_graph

    store = load_graph(root).store
    query = f"""
    SELECT ?city ?name ?code (GROUP_CONCAT(DISTINCT ?alt; separator="\\u001f") AS ?alts)
    WHERE {{
      ?city a <{GNLC}LearningCity> ; <{SKOS}prefLabel> ?name ;
            <{GNLC}country>/<{GNLC}countryCode> ?code .
      FILTER (lang(?name) = "en")
      OPTIONAL {{ ?city <{SKOS}altLabel> ?alt FILTER (lang(?alt) = "en") }}
    }}
    GROUP BY ?city ?name ?code ORDER BY STR(?city)
    """
    out = []
    for row in store.query(query):
        alts = [a for a in row["alts"].value.split("\u001f") if a] if row["alts"] else []
        out.append(City(row["city"].value, row["name"].value, row["code"].value, alts))
    return out


def lookup_query(names: list[tuple[str, str]]) -> str:
    """A SELECT for (English name, country code) pairs; values written as escaped literals."""
    import pyoxigraph

    rows = " ".join(
        f"({pyoxigraph.Literal(name, language='en')} {pyoxigraph.Literal(code)})"
        for name, code in names
    )
    roots = " ".join(f"wd:{qid}" for qid in ROOT_CLASSES)
    return f"""PREFIX wd: <{WD}>
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?name ?code ?item ?how ?root ?itemLabel WHERE {{
  VALUES (?name ?code) {{ {rows} }}
  {{ ?item rdfs:label ?name . BIND ("label" AS ?how) }}
  UNION
  {{ ?item skos:altLabel ?name . BIND ("alias" AS ?how) }}
  ?item wdt:P17 ?country . ?country wdt:P297 ?code .
  ?item wdt:P31 ?class . ?class wdt:P279* ?root .
  VALUES ?root {{ {roots} }}
  OPTIONAL {{ ?item rdfs:label ?itemLabel FILTER (lang(?itemLabel) = "en") }}
}}
ORDER BY ?item"""


def find_candidates(
    cities: list[City],
    endpoint: str = WDQS,
    batch: int = 25,
    timeout: float = 60.0,
    retries: int = 3,
    pause: float = 1.0,
) -> list[Candidate]:
    """Ask the endpoint for candidates, a batch of cities per query; score them."""
    from gnlc.remote import run_remote

    found: dict[tuple[str, str], Candidate] = {}
    for start in range(0, len(cities), batch):
        if start and pause:
            time.sleep(pause)  # the Wikidata Query Service asks clients to go easy
        chunk = cities[start : start + batch]
        wanted: dict[tuple[str, str], list[tuple[City, bool]]] = {}
        for city in chunk:
            for name, variant in name_variants(city).items():
                wanted.setdefault((name, city.code), []).append((city, variant))
        result = run_remote(endpoint, lookup_query(sorted(wanted)), timeout, retries)
        for row in result:
            key = (row["name"].value, row["code"].value)
            item = row["item"].value
            if not item.startswith(WD):
                continue
            qid = item[len(WD) :]
            label = row["itemLabel"].value if row["itemLabel"] else ""
            root = row["root"].value[len(WD) :]
            for city, variant in wanted.get(key, []):
                how = row["how"].value
                best = found.get((city.iri, qid))
                if best is None:
                    best = found[(city.iri, qid)] = Candidate(
                        city.iri, qid, label, key[0], how, set(), variant
                    )
                elif (variant, how != "label") < (best.variant, best.how != "label"):
                    best.matched, best.how, best.variant = key[0], how, variant
                best.classes.add(root)
    candidates = list(found.values())
    score(candidates)
    return candidates


def score(candidates: list[Candidate]) -> None:
    """Set each candidate's score and reason: label > alias, exact > variant, unique > shared."""
    per_city: dict[str, int] = {}
    for c in candidates:
        per_city[c.city] = per_city.get(c.city, 0) + 1
    for c in candidates:
        value = SCORE_LABEL if c.how == "label" else SCORE_ALIAS
        reasons = [f"English {c.how} {c.matched!r}" + (" (name variant)" if c.variant else "")]
        if c.variant:
            value -= PENALTY_VARIANT
        classes = ", ".join(f"{ROOT_CLASSES[q]} ({q})" for q in sorted(c.classes))
        reasons.append(f"same country; instance of {classes}")
        if per_city[c.city] > 1:
            value -= PENALTY_AMBIGUOUS
            reasons.append(f"one of {per_city[c.city]} candidates")
        c.score = round(max(0.0, value), 2)
        c.reason = "; ".join(reasons)


def review_rows(cities: list[City], candidates: list[Candidate]) -> list[dict[str, str]]:
    """CSV rows: every candidate, best first per city; a city without any gets one empty row."""
    by_city: dict[str, list[Candidate]] = {}
    for c in candidates:
        by_city.setdefault(c.city, []).append(c)
    rows = []
    for city in sorted(cities, key=lambda c: c.iri):
        found = sorted(by_city.get(city.iri, []), key=lambda c: (-c.score, int(c.qid[1:])))
        if not found:
            rows.append(
                {"city": city.iri, "qid": "", "label": "", "score": "0", "reason": "no candidate"}
            )
        for c in found:
            rows.append(
                {
                    "city": c.city,
                    "qid": c.qid,
                    "label": c.label,
                    "score": f"{c.score:g}",
                    "reason": c.reason,
                }
            )
    return rows


def refuse_data_folder(out: Path) -> None:
    """Never write into a gnlc root's data/: links go there only by hand, with a source."""
    for folder in out.resolve().parents:
        root = folder.parent
        if folder.name == "data" and all((root / d).is_dir() for d in SOURCE_DIRS):
            raise GnlcError(f"{out}: inside {folder}; write the review file elsewhere")


def write_review(rows: list[dict[str, str]], out: Path) -> None:
    """The review CSV, UTF-8, RFC 4180."""
    refuse_data_folder(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)


def main(argv: list[str] | None = None) -> int:
    """Command line: read cities, query the endpoint, write the review file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", default=WDQS, help=f"SPARQL endpoint (default {WDQS})")
    parser.add_argument("--root", type=Path, help="gnlc root (default: found upwards)")
    parser.add_argument("--members", type=Path, help="read cities from gnlc-members.csv")
    parser.add_argument("--out", type=Path, default=Path("wikidata-review.csv"))
    parser.add_argument("--batch", type=int, default=25, help="cities per query")
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--retries", type=int, default=3, help="retries on HTTP 429/503")
    parser.add_argument("--pause", type=float, default=1.0, help="seconds between queries")
    args = parser.parse_args(argv)
    try:
        refuse_data_folder(args.out)
        if args.members:
            cities = cities_from_csv(args.members)
        else:
            from gnlc.paths import find_root

            cities = cities_from_graph(find_root(args.root))
        candidates = find_candidates(
            cities, args.endpoint, max(1, args.batch), args.timeout, args.retries, args.pause
        )
        rows = review_rows(cities, candidates)
        write_review(rows, args.out)
    except GnlcError as exc:
        print(f"link_wikidata: {exc.message}", file=sys.stderr)
        return 2
    linked = len({c.city for c in candidates})
    print(
        f"{len(candidates)} candidates for {linked} of {len(cities)} cities; review {args.out}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
