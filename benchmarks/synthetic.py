"""Synthetic GNLC-shaped data for benchmarks and tests: made-up members in a copy of the root.

The generator copies ontology/, shapes/, queries/ and data/reference/ of a real root into a new
folder and writes made-up data laid out as the real data is: data/members/<CC>.ttl (cities and
memberships), data/geonames/<CC>.ttl (points, GeoNames links, Thai alternative names) and
data/awards.ttl. Names are obviously fake ("Synthetic City 00042"), every source is under
https://example.org/gnlc-synthetic/, and the cohorts and award editions are synthetic too
(data/reference/cohorts.ttl is replaced). IRIs follow the documented patterns, because the shapes
and the IRI check accept no other: cities are https://w3id.org/gnlc/city/<cc>-synthetic-city-00042
in a real reference country, and GeoNames links use IDs from 9,000,000,001 up, which GeoNames has
never assigned. The shares (Thai cities, points, regions, awards, Thai alternative names) follow
the real data; the share of Thai literals is a parameter, so a benchmark can match the data it
runs beside. The output depends only on the arguments: same arguments, same bytes.
"""

from __future__ import annotations

import random
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from gnlc.namespaces import BASE, GNLC, NETWORK, PREFIXES
from gnlc.paths import REFERENCE_DIR

SYNTHETIC = "https://example.org/gnlc-synthetic/"
# The network's size the benchmark calls x1 (members announced by UNESCO, 2025).
REAL_CITIES = 425
# Shares measured on the real data (283 members, November 2026).
THAI_SHARE = 0.28  # language-tagged literals in data/ (not reference/) that are Thai
THAI_CITIES = 0.046  # members in Thailand: Thai prefLabel and province
POINTS = 0.79  # members matched to GeoNames: a point and a gnlc:geonames link
REGION = 0.35
AWARDED = 0.11
ENGLISH_ALT = 0.025
NOTE = 0.045
TWO_SOURCES = 0.05
THAI_ALT_NAMES = 1.16  # Thai alternative names per city that has any
ENDED = 0.005  # none yet in the real data; a few keep the end-year constraints at work
# Admissions per cohort year in the real data (no cohort node for a year without admissions).
COHORTS = {2015: 5, 2016: 39, 2017: 6, 2018: 3, 2019: 23, 2020: 42, 2022: 68, 2024: 53, 2025: 44}
AWARD_YEARS = (2015, 2017, 2019, 2021, 2023)
REGIONS = (
    "africa",
    "arab-states",
    "asia-pacific",
    "europe-north-america",
    "latin-america-caribbean",
)
_COPIED = ("ontology", "shapes", "queries", str(REFERENCE_DIR))
_PREFIXED = ("award", "city", "cohort", "country", "dcterms", "geo", "gnlc", "org", "region")
_HEADER = "".join(f"@prefix {name}: <{PREFIXES[name]}> .\n" for name in (*_PREFIXED, "skos", "xsd"))
_GEONAMES = 9_000_000_000


@dataclass(frozen=True)
class City:
    """One made-up member city."""

    number: int
    country: str
    cohort: int
    thai: bool
    region: str | None
    point: tuple[str, str] | None
    thai_alt: int
    alt: bool
    note: bool
    sources: int
    ended: int | None
    award: int | None

    @property
    def slug(self) -> str:
        """The local part of the city's IRI."""
        return f"{self.country.lower()}-synthetic-city-{self.number:05d}"

    @property
    def iri(self) -> str:
        """The city's IRI."""
        return f"{BASE}city/{self.slug}"


def country_codes(root: Path) -> list[str]:
    """The ISO codes of the reference countries of a root."""
    text = (root / REFERENCE_DIR / "countries.ttl").read_text(encoding="utf-8")
    return sorted(set(re.findall(r'gnlc:countryCode "([A-Z]{2})"', text)))


def thai_alt_rate(thai_share: float) -> float:
    """Expected Thai alternative names per city that gives thai_share of Thai literals."""
    english = 1 + ENGLISH_ALT + NOTE + THAI_CITIES  # prefLabel, altLabel, note, province
    thai = 2 * THAI_CITIES  # prefLabel and province of Thai members
    return max(0.0, (thai_share * (english + thai) - thai) / (1 - thai_share))


def plan(cities: int, codes: list[str], seed: int = 42, thai_share: float = THAI_SHARE) -> list:
    """The made-up cities: countries, cohorts, regions, points, awards, drawn from seed."""
    rng = random.Random(seed)
    others = [c for c in codes if c != "TH"]
    years, weights = list(COHORTS), list(COHORTS.values())
    region_of = {code: REGIONS[i % len(REGIONS)] for i, code in enumerate(codes)}
    # Thai alternative names come with a GeoNames match: one or two for a city that has any.
    per_match = thai_alt_rate(thai_share) / POINTS
    out = []
    for number in range(1, cities + 1):
        thai = "TH" in codes and rng.random() < THAI_CITIES
        country = "TH" if thai else rng.choice(others)
        cohort = rng.choices(years, weights)[0]
        region = region_of[country] if rng.random() < REGION else None
        point, thai_alt = None, 0
        if rng.random() < POINTS:
            point = (f"{rng.uniform(-60, 70):.5f}", f"{rng.uniform(-170, 175):.5f}")
            if rng.random() * THAI_ALT_NAMES < per_match:
                thai_alt = 2 if rng.random() < THAI_ALT_NAMES - 1 else 1
        ended = cohort + rng.randint(1, 3) if rng.random() < ENDED else None
        later = [y for y in AWARD_YEARS if y >= cohort and (ended is None or y < ended)]
        award = rng.choice(later) if later and rng.random() < AWARDED else None
        alt, note = rng.random() < ENGLISH_ALT, rng.random() < NOTE
        sources = 2 if rng.random() < TWO_SOURCES else 1
        out.append(
            City(
                number,
                country,
                cohort,
                thai,
                region,
                point,
                thai_alt,
                alt,
                note,
                sources,
                ended,
                award,
            )
        )
    return out


def _block(subject: str, pairs: list[tuple[str, str]]) -> str:
    body = " ;\n".join(f"    {predicate} {obj}" for predicate, obj in pairs)
    return f"{subject}\n{body} ."


def _member_turtle(city: City) -> str:
    n = f"{city.number:05d}"
    pairs = [("a", "gnlc:LearningCity")]
    pairs += [("dcterms:source", f"<{SYNTHETIC}source/city-{n}-{i}>") for i in range(city.sources)]
    pairs += [("gnlc:country", f"country:{city.country}")]
    if city.thai:
        province = f"{city.number % 77:03d}"
        pairs += [("gnlc:province", f'"Synthetic Province {province}"@en')]
        pairs += [("gnlc:province", f'"จังหวัดสังเคราะห์ {province}"@th')]
    if city.alt:
        pairs.append(("skos:altLabel", f'"Synthetic Town {n}"@en'))
    if city.note:
        pairs.append(("skos:editorialNote", f'"Synthetic note on city {n}."@en'))
    pairs.append(("skos:prefLabel", f'"Synthetic City {n}"@en'))
    if city.thai:
        pairs.append(("skos:prefLabel", f'"เมืองสังเคราะห์ {n}"@th'))
    membership = [
        ("a", "gnlc:Membership"),
        ("dcterms:source", f"<{SYNTHETIC}source/announcement-{city.cohort}>"),
        ("gnlc:cohort", f"cohort:{city.cohort}"),
        ("gnlc:startYear", f'"{city.cohort}"^^xsd:gYear'),
    ]
    if city.ended:
        membership += [
            ("gnlc:endSource", f"<{SYNTHETIC}source/departure-{n}>"),
            ("gnlc:endYear", f'"{city.ended}"^^xsd:gYear'),
        ]
    membership += [("org:member", f"city:{city.slug}"), ("org:organization", f"<{NETWORK}>")]
    return (
        _block(f"city:{city.slug}", pairs) + "\n\n" + _block(f"<{city.iri}#membership>", membership)
    )


def _geonames_turtle(city: City) -> str:
    n = f"{city.number:05d}"
    geonames = f"<https://sws.geonames.org/{_GEONAMES + city.number}/>"
    pairs = [
        ("dcterms:source", geonames),
        ("geo:location", f"<{city.iri}#point>"),
        ("gnlc:geonames", geonames),
    ]
    pairs += [("skos:altLabel", f'"เมืองสังเคราะห์ {n} ชื่อที่ {i + 1}"@th') for i in range(city.thai_alt)]
    lat, long = city.point
    point = [("a", "geo:Point"), ("dcterms:source", geonames)]
    point += [("geo:lat", lat), ("geo:long", long)]
    return _block(f"city:{city.slug}", pairs) + "\n\n" + _block(f"<{city.iri}#point>", point)


def _regions_turtle(root: Path, planned: list[City]) -> str:
    import pyoxigraph

    store = pyoxigraph.Store()
    store.load(path=str(root / REFERENCE_DIR / "countries.ttl"), format=pyoxigraph.RdfFormat.TURTLE)
    known = {
        q.subject.value
        for q in store.quads_for_pattern(None, pyoxigraph.NamedNode(GNLC + "region"), None)
    }
    blocks = []
    for index, code in enumerate(sorted({city.country for city in planned})):
        iri = f"{BASE}country/{code}"
        if iri not in known:
            region = REGIONS[index % len(REGIONS)]
            pairs = [
                ("gnlc:region", f"region:{region}"),
                ("gnlc:regionSource", f"<{SYNTHETIC}source/region-{code}>"),
            ]
            blocks.append(_block(f"country:{code}", pairs))
    return _HEADER + "\n" + "\n\n".join(blocks) + "\n"


def _cohorts_turtle(planned: list[City], overfull: bool = False) -> str:
    counts: dict[int, int] = {}
    for city in planned:
        counts[city.cohort] = counts.get(city.cohort, 0) + 1
    blocks = []
    last = max(counts) if counts else None
    for year, count in sorted(counts.items()):
        announced = count - 1 if overfull and year == last else count
        pairs = [
            ("a", "gnlc:Cohort"),
            ("dcterms:source", f"<{SYNTHETIC}source/announcement-{year}>"),
            ("gnlc:announced", f'"{year}"^^xsd:gYear'),
            ("gnlc:announcedNewMembers", str(announced)),
            ("gnlc:year", f'"{year}"^^xsd:gYear'),
            ("skos:prefLabel", f'"Synthetic cohort {year}"@en'),
            ("skos:prefLabel", f'"รุ่นสังเคราะห์ปี {year}"@th'),
        ]
        blocks.append(_block(f"cohort:{year}", pairs))
    return _HEADER + "\n" + "\n\n".join(blocks) + "\n"


def _awards_turtle(planned: list[City]) -> str:
    blocks = []
    for year in AWARD_YEARS:
        pairs = [
            ("a", "gnlc:LearningCityAward"),
            ("dcterms:source", f"<{SYNTHETIC}source/award-{year}>"),
            ("gnlc:year", f'"{year}"^^xsd:gYear'),
            ("skos:prefLabel", f'"Synthetic award edition {year}"@en'),
        ]
        blocks.append(_block(f"award:{year}", pairs))
    for city in planned:
        if city.award:
            blocks.append(_block(f"city:{city.slug}", [("gnlc:awarded", f"award:{city.award}")]))
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
    gnlc:geonames <https://example.org/gnlc-synthetic/place/broken> ;
    skos:prefLabel "Synthetic Duplicate"@en , "bad\\u0001name"@en-x-control ;
    skos:altLabel "untagged alternative name" ;
    geo:location <{BASE}city/th-synthetic-broken-00002#location> .

<{BASE}city/th-synthetic-broken-00002#location> a geo:Point ;
    geo:lat 123.5 ;
    geo:long "east" .

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
    gnlc:awarded award:2015 ;
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
    dest: Path,
    cities: int,
    source_root: Path,
    seed: int = 42,
    errors: bool = False,
    thai_share: float = THAI_SHARE,
) -> Path:
    """Write a synthetic root at dest (which must not exist); errors adds broken records."""
    dest = Path(dest)
    dest.mkdir(parents=True)
    for name in _COPIED:
        shutil.copytree(source_root / name, dest / name)
    planned = plan(cities, country_codes(dest), seed, thai_share)
    (dest / REFERENCE_DIR / "cohorts.ttl").write_text(
        _cohorts_turtle(planned, overfull=errors), encoding="utf-8"
    )
    (dest / "data" / "awards.ttl").write_text(_awards_turtle(planned), encoding="utf-8")
    for folder in ("members", "geonames"):
        (dest / "data" / folder).mkdir()
    by_country: dict[str, list[City]] = {}
    for city in planned:
        by_country.setdefault(city.country, []).append(city)
    for code, group in sorted(by_country.items()):
        body = "\n\n".join(_member_turtle(city) for city in group)
        (dest / "data" / "members" / f"{code}.ttl").write_text(
            _HEADER + "\n" + body + "\n", encoding="utf-8"
        )
        matched = [city for city in group if city.point]
        if matched:
            body = "\n\n".join(_geonames_turtle(city) for city in matched)
            (dest / "data" / "geonames" / f"{code}.ttl").write_text(
                _HEADER + "\n" + body + "\n", encoding="utf-8"
            )
    # UNESCO regions are recorded on countries; made-up ones for the countries the copied
    # reference data leaves without one, so a valid synthetic graph has no region gap.
    (dest / REFERENCE_DIR / "synthetic-regions.ttl").write_text(
        _regions_turtle(dest, planned), encoding="utf-8"
    )
    if errors:
        (dest / "data" / "members" / "ZZ-injected-errors.ttl").write_text(
            _HEADER + _ERRORS, encoding="utf-8"
        )
    return dest


def data_files(root: Path) -> list[Path]:
    """The files of data/ outside data/reference/ (members, GeoNames, awards)."""
    reference = root / REFERENCE_DIR
    return sorted(p for p in (root / "data").rglob("*.ttl") if reference not in p.parents)


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
