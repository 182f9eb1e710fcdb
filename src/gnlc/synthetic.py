"""Synthetic GNLC-shaped data for benchmarks and tests: made-up members in a copy of the root.

The generator copies ontology/, shapes/, queries/ and data/reference/ of a real root into a new
folder and writes made-up member cities into its data/members/, one Turtle file per country, as
the importer does. Names are obviously fake ("Synthetic City 00042"), every source is under
https://example.org/gnlc-synthetic/, and the cohorts and award editions are synthetic too
(data/reference/cohorts.ttl is replaced). City, membership, point, cohort and award IRIs follow
the project's documented patterns (https://w3id.org/gnlc/city/<cc>-synthetic-city-00042), because
the shapes and the IRI check accept no other; the countries, regions, SDGs and characteristics are
the real reference data. The output depends only on the arguments: same seed, same bytes.
"""

from __future__ import annotations

import random
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from gnlc.namespaces import BASE, NETWORK, PREFIXES
from gnlc.paths import REFERENCE_DIR

SYNTHETIC = "https://example.org/gnlc-synthetic/"
# The network's size the benchmark calls x1 (members announced by UNESCO, 2025).
REAL_CITIES = 425
# Share of member cities that are Thai: Thai members carry the only Thai literals (prefLabel and
# province), which gives the real data's share of Thai language-tagged literals (about 15 %).
THAI_CITY_SHARE = 0.104
COHORT_YEARS = tuple(range(2015, 2026))
AWARD_YEARS = (2015, 2017, 2019, 2021, 2023)
REGIONS = ("africa", "arab-states", "asia-pacific", "europe-north-america", "latin-america-caribbean")
_COPIED = ("ontology", "shapes", "queries", str(REFERENCE_DIR))
_TURTLE_PREFIXES = ("city", "cohort", "country", "award", "region", "dcterms", "geo", "gnlc")
_HEADER = "".join(
    f"@prefix {name}: <{PREFIXES[name]}> .\n"
    for name in (*_TURTLE_PREFIXES, "org", "skos", "xsd")
)


@dataclass(frozen=True)
class City:
    """One made-up member city."""

    number: int
    country: str
    cohort: int
    thai: bool
    region: str | None
    point: tuple[str, str] | None
    alt: bool
    ended: int | None
    award: int | None

    @property
    def slug(self) -> str:
        """The local part of the city's IRI."""
        return f"{self.country.lower()}-synthetic-city-{self.number:05d}"


def country_codes(root: Path) -> list[str]:
    """The ISO codes of the reference countries of a root."""
    text = (root / REFERENCE_DIR / "countries.ttl").read_text(encoding="utf-8")
    return sorted(set(re.findall(r'gnlc:countryCode "([A-Z]{2})"', text)))


def plan(cities: int, codes: list[str], seed: int = 42) -> list[City]:
    """The made-up cities: countries, cohorts, regions, points, awards, drawn from seed."""
    rng = random.Random(seed)
    others = [c for c in codes if c != "TH"]
    weights = [1 + i % 4 for i in range(len(COHORT_YEARS))]
    region_of = {code: REGIONS[i % len(REGIONS)] for i, code in enumerate(codes)}
    out = []
    for number in range(1, cities + 1):
        thai = "TH" in codes and rng.random() < THAI_CITY_SHARE
        country = "TH" if thai else rng.choice(others)
        cohort = rng.choices(COHORT_YEARS, weights)[0]
        region = region_of[country] if rng.random() < 0.5 else None
        point = None
        if rng.random() < 0.9:
            point = (f"{rng.uniform(-60, 70):.4f}", f"{rng.uniform(-170, 175):.4f}")
        ended = cohort + rng.randint(1, 3) if rng.random() < 0.01 else None
        later = [y for y in AWARD_YEARS if y >= cohort and (ended is None or y < ended)]
        award = rng.choice(later) if later and rng.random() < 0.05 else None
        alt = rng.random() < 0.05
        out.append(City(number, country, cohort, thai, region, point, alt, ended, award))
    return out


def _city_turtle(city: City) -> str:
    n = f"{city.number:05d}"
    iri = f"city:{city.slug}"
    lines = [
        f"{iri} a gnlc:LearningCity ;",
        f"    dcterms:source <{SYNTHETIC}source/city-{n}> ;",
        f"    gnlc:country country:{city.country} ;",
        f'    skos:prefLabel "Synthetic City {n}"@en',
    ]
    if city.thai:
        lines[-1] += " ;"
        lines += [
            f'    skos:prefLabel "เมืองสังเคราะห์ {n}"@th ;',
            f'    gnlc:province "Synthetic Province {city.number % 77:03d}"@en ;',
            f'    gnlc:province "จังหวัดสังเคราะห์ {city.number % 77:03d}"@th',
        ]
    if city.region:
        lines[-1] += " ;"
        lines.append(f"    gnlc:region region:{city.region}")
    if city.alt:
        lines[-1] += " ;"
        lines.append(f'    skos:altLabel "Synthetic Town {n}"@en')
    if city.point:
        lines[-1] += " ;"
        lines.append(f"    geo:location <{BASE}city/{city.slug}#point>")
    if city.award:
        lines[-1] += " ;"
        lines.append(f"    gnlc:awarded award:{city.award}")
    lines[-1] += " ."
    membership = [
        f"<{BASE}city/{city.slug}#membership> a gnlc:Membership ;",
        f"    dcterms:source <{SYNTHETIC}source/announcement-{city.cohort}> ;",
        f"    gnlc:cohort cohort:{city.cohort} ;",
        f'    gnlc:startYear "{city.cohort}"^^xsd:gYear ;',
        f"    org:member {iri} ;",
        f"    org:organization <{NETWORK}>",
    ]
    if city.ended:
        membership[-1] += " ;"
        membership += [
            f'    gnlc:endYear "{city.ended}"^^xsd:gYear ;',
            f"    gnlc:endSource <{SYNTHETIC}source/departure-{n}>",
        ]
    membership[-1] += " ."
    blocks = ["\n".join(lines), "\n".join(membership)]
    if city.point:
        lat, long = city.point
        blocks.append(
            f"<{BASE}city/{city.slug}#point> a geo:Point ;\n"
            f"    geo:lat {lat} ;\n    geo:long {long} ;\n"
            f"    dcterms:source <{SYNTHETIC}place/{n}> ."
        )
    return "\n\n".join(blocks)


def _cohorts_turtle(planned: list[City], overfull: bool = False) -> str:
    counts = {year: 0 for year in COHORT_YEARS}
    for city in planned:
        counts[city.cohort] += 1
    blocks = []
    for year, count in counts.items():
        announced = count - 1 if overfull and year == COHORT_YEARS[-1] else count
        blocks.append(
            f"cohort:{year} a gnlc:Cohort ;\n"
            f"    dcterms:source <{SYNTHETIC}source/announcement-{year}> ;\n"
            f'    gnlc:announced "{year}"^^xsd:gYear ;\n'
            f"    gnlc:announcedNewMembers {announced} ;\n"
            f'    gnlc:year "{year}"^^xsd:gYear ;\n'
            f'    skos:prefLabel "Synthetic cohort {year}"@en , "รุ่นสังเคราะห์ปี {year}"@th .'
        )
    for year in AWARD_YEARS:
        blocks.append(
            f"award:{year} a gnlc:LearningCityAward ;\n"
            f"    dcterms:source <{SYNTHETIC}source/award-{year}> ;\n"
            f'    gnlc:year "{year}"^^xsd:gYear ;\n'
            f'    skos:prefLabel "Synthetic award edition {year}"@en .'
        )
    return _HEADER + "\n" + "\n\n".join(blocks) + "\n"


# Records that each break one shape or check; the equivalence test expects every engine to report
# the same results for them. TH cities need a Thai label; QQ is not an ISO 3166 code.
_ERRORS = f"""
city:th-synthetic-broken-00001 a gnlc:LearningCity ;
    dcterms:source <{SYNTHETIC}source/broken> ;
    skos:prefLabel "Synthetic Broken 00001"@en , "Synthetic Broken Twice 00001"@en .

city:th-synthetic-broken-00002 a gnlc:LearningCity ;
    dcterms:source "not an IRI" , <ftp://example.org/gnlc-synthetic/source> ;
    gnlc:country country:TH , country:FR ;
    gnlc:region country:FR ;
    gnlc:province "untagged province" ;
    skos:prefLabel "Synthetic Duplicate"@en , "bad\\u0001name"@en-x-control ;
    geo:location <{BASE}city/th-synthetic-broken-00002#location> .

<{BASE}city/th-synthetic-broken-00002#location> a geo:Point ;
    geo:lat 123.5 ;
    geo:long "east" ;
    dcterms:source <{SYNTHETIC}place/broken> .

<{BASE}city/th-synthetic-broken-00002#membership> a gnlc:Membership ;
    dcterms:source <{SYNTHETIC}source/broken> ;
    gnlc:cohort cohort:2016 ;
    gnlc:startYear "2017"^^xsd:gYear ;
    gnlc:endYear "2014"^^xsd:gYear ;
    org:member city:th-synthetic-broken-00002 ;
    org:organization <{NETWORK}> .

<{BASE}city/Synthetic_Bad_IRI> a gnlc:LearningCity ;
    dcterms:source <{SYNTHETIC}source/broken> ;
    gnlc:country country:QQ ;
    skos:prefLabel "Synthetic Bad IRI"@en .

country:QQ a gnlc:Country ;
    dcterms:source <{SYNTHETIC}source/broken> ;
    gnlc:countryCode "QQ" ;
    skos:prefLabel "Synthetic Country QQ"@en .

<{BASE}city/fr-synthetic-broken-00003#membership> a gnlc:Membership ;
    dcterms:source <{SYNTHETIC}source/broken> ;
    gnlc:cohort cohort:1999 ;
    gnlc:startYear "19999"^^xsd:gYear ;
    org:member country:FR .

city:th-synthetic-broken-00004 a gnlc:LearningCity ;
    dcterms:source <{SYNTHETIC}source/broken> ;
    gnlc:country country:TH ;
    skos:prefLabel "SYNTHETIC DUPLICATE"@en , "เมืองสังเคราะห์ซ้ำ"@th .

<{BASE}city/th-synthetic-broken-00004#membership> a gnlc:Membership ;
    dcterms:source <{SYNTHETIC}source/broken> ;
    gnlc:cohort cohort:2016 ;
    gnlc:startYear "2016"^^xsd:gYear ;
    org:member city:th-synthetic-broken-00004 ;
    org:organization <{NETWORK}> .

country:FR gnlc:awarded award:2015 .
"""


def generate(
    dest: Path, cities: int, source_root: Path, seed: int = 42, errors: bool = False
) -> Path:
    """Write a synthetic root at dest (which must not exist); errors adds broken records."""
    dest = Path(dest)
    dest.mkdir(parents=True)
    for name in _COPIED:
        shutil.copytree(source_root / name, dest / name)
    planned = plan(cities, country_codes(dest), seed)
    (dest / REFERENCE_DIR / "cohorts.ttl").write_text(
        _cohorts_turtle(planned, overfull=errors), encoding="utf-8"
    )
    members = dest / "data" / "members"
    members.mkdir(parents=True)
    by_country: dict[str, list[City]] = {}
    for city in planned:
        by_country.setdefault(city.country, []).append(city)
    for code, group in sorted(by_country.items()):
        body = "\n\n".join(_city_turtle(city) for city in group)
        (members / f"{code}.ttl").write_text(_HEADER + "\n" + body + "\n", encoding="utf-8")
    if errors:
        (members / "ZZ-injected-errors.ttl").write_text(_HEADER + _ERRORS, encoding="utf-8")
    return dest


def thai_share(files: list[Path]) -> float:
    """Share of language-tagged literals in files that are Thai (the benchmark reports it)."""
    import pyoxigraph as ox

    tagged = thai = 0
    for path in files:
        for quad in ox.parse(path.read_bytes(), format=ox.RdfFormat.TURTLE):
            obj = quad.object
            if isinstance(obj, ox.Literal) and obj.language:
                tagged += 1
                thai += obj.language == "th"
    return thai / tagged if tagged else 0.0
