"""gnlc-members.csv (its rows from queries/release/members-csv.rq) and descriptions of it that
tools understand: CSV on the Web metadata (W3C) and a Frictionless Data Package, all made from
one table of columns.

A CSVW processor turns the CSV back into RDF: each row describes its city (`aboutUrl` the city
IRI), its membership (`<city>#membership`) and its point (`<city>#point`), with the properties
the release graph uses, so every triple it produces is in the graph. Columns that hold derived
or listed values (region label, attested year, sources) are described but not converted.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from gnlc.namespaces import BASE, GEO, GNLC, NETWORK, ORG, RDF_TYPE, SKOS
from gnlc.paths import DATAPACKAGE, MEMBERS_CSV, MEMBERS_CSV_QUERY, MEMBERS_CSVW

if TYPE_CHECKING:  # pragma: no cover - types only
    import pyoxigraph

LICENSE = "https://creativecommons.org/licenses/by/4.0/"
CSV_NAME, CSVW_NAME, PACKAGE_NAME = MEMBERS_CSV, MEMBERS_CSVW, DATAPACKAGE
MEMBERSHIP = "{+iri}#membership"
POINT = "{+iri}#point"


class Column(NamedTuple):
    """One CSV column: its header, titles, types and how a CSVW processor maps it to RDF."""

    name: str
    title_en: str
    title_th: str
    csvw_datatype: object  # a CSVW datatype (name or {"base": ..., "format": ...})
    frictionless: dict  # a Frictionless Table Schema field (without name/title)
    property_url: str | None = None  # None: the column is not written as RDF (suppressOutput)
    about_url: str | None = None  # None: the city ({+iri})
    value_url: str | None = None
    lang: str | None = None
    separator: str | None = None


COLUMNS = (
    Column(
        "iri",
        "city IRI",
        "IRI ของเมือง",
        "anyURI",
        {"type": "string", "format": "uri", "constraints": {"required": True, "unique": True}},
    ),
    Column(
        "name_en",
        "English name",
        "ชื่อภาษาอังกฤษ",
        "string",
        {"type": "string"},
        property_url=SKOS + "prefLabel",
        lang="en",
    ),
    Column(
        "name_th",
        "Thai name",
        "ชื่อภาษาไทย",
        "string",
        {"type": "string"},
        property_url=SKOS + "prefLabel",
        lang="th",
    ),
    Column(
        "country_code",
        "country (ISO 3166-1 alpha-2)",
        "ประเทศ (รหัส ISO 3166-1 alpha-2)",
        {"base": "string", "format": "^[A-Z]{2}$"},
        {"type": "string", "constraints": {"pattern": "[A-Z]{2}"}},
        property_url=GNLC + "country",
        value_url=BASE + "country/{country_code}",
    ),
    Column(
        "region",
        "UNESCO region",
        "ภูมิภาคของยูเนสโก",
        "string",
        {"type": "string"},
    ),
    Column(
        "cohort_year",
        "year of joining (where a source gives it)",
        "ปีที่เข้าร่วม (เมื่อมีแหล่งที่มาระบุ)",
        "gYear",
        {"type": "year"},
        property_url=GNLC + "startYear",
        about_url=MEMBERSHIP,
    ),
    Column(
        "attested_year",
        "earliest year a source shows the city as a member",
        "ปีแรกสุดที่แหล่งที่มาแสดงว่าเมืองเป็นสมาชิก",
        "gYear",
        {"type": "year"},
    ),
    Column(
        "latitude",
        "latitude (WGS 84)",
        "ละติจูด (WGS 84)",
        "decimal",
        {"type": "number", "constraints": {"minimum": -90, "maximum": 90}},
        property_url=GEO + "lat",
        about_url=POINT,
    ),
    Column(
        "longitude",
        "longitude (WGS 84)",
        "ลองจิจูด (WGS 84)",
        "decimal",
        {"type": "number", "constraints": {"minimum": -180, "maximum": 180}},
        property_url=GEO + "long",
        about_url=POINT,
    ),
    Column(
        "geonames_id",
        "GeoNames id",
        "รหัส GeoNames",
        {"base": "string", "format": "^[0-9]+$"},
        {"type": "string", "constraints": {"pattern": "[0-9]+"}},
        property_url=GNLC + "geonames",
        value_url="https://sws.geonames.org/{geonames_id}/",
    ),
    Column(
        "source",
        "sources naming the city a member (space-separated)",
        "แหล่งที่มาที่ระบุว่าเมืองเป็นสมาชิก (คั่นด้วยช่องว่าง)",
        "anyURI",
        {"type": "string"},
        # Not written as RDF: CSVW expands a valueUrl template once for a whole list (RFC 6570
        # joins it with commas), so a list of IRIs cannot become several IRIs. The graph has
        # each source; the metadata still declares the column a space-separated list of URIs.
        separator=" ",
    ),
)

CSV_COLUMNS = tuple(column.name for column in COLUMNS)

# Triples every row implies (CSVW virtual columns): the city, its membership and the network.
VIRTUAL = (
    (None, RDF_TYPE, GNLC + "LearningCity"),
    (None, GNLC + "memberOf", NETWORK),
    (MEMBERSHIP, RDF_TYPE, GNLC + "Membership"),
    (MEMBERSHIP, ORG + "member", "{+iri}"),
    (MEMBERSHIP, ORG + "organization", NETWORK),
)

TITLE_EN = "Members of the UNESCO Global Network of Learning Cities"
TITLE_TH = "สมาชิกเครือข่ายระดับโลกด้านเมืองแห่งการเรียนรู้ของยูเนสโก"


def _csvw_column(column: Column) -> dict:
    out: dict = {
        "name": column.name,
        "titles": {"und": [column.name], "en": [column.title_en], "th": [column.title_th]},
        "datatype": column.csvw_datatype,
    }
    if column.separator is not None:
        out["separator"] = column.separator
    if column.property_url is None:
        out["suppressOutput"] = True
        return out
    out["propertyUrl"] = column.property_url
    for key, value in (
        ("aboutUrl", column.about_url),
        ("valueUrl", column.value_url),
        ("lang", column.lang),
    ):
        if value is not None:
            out[key] = value
    if column.name == "iri":
        out["required"] = True
    return out


def csvw_metadata(date: str, version: str) -> str:
    """gnlc-members.csv-metadata.json (CSV on the Web, W3C Recommendation 2015)."""
    columns = [_csvw_column(c) for c in COLUMNS]
    columns[0]["required"] = True
    for about, prop, value in VIRTUAL:
        virtual = {"virtual": True, "propertyUrl": prop, "valueUrl": value}
        if about:
            virtual["aboutUrl"] = about
        columns.append(virtual)
    metadata = {
        "@context": ["http://www.w3.org/ns/csvw", {"@language": "en"}],
        "url": CSV_NAME,
        "dc:title": [
            {"@value": TITLE_EN, "@language": "en"},
            {"@value": TITLE_TH, "@language": "th"},
        ],
        "dc:license": {"@id": LICENSE},
        "dc:modified": {"@value": date, "@type": "xsd:date"},
        "dc:hasVersion": version,
        "dc:isPartOf": {"@id": BASE + "dataset"},
        "dialect": {"header": True, "encoding": "utf-8", "lineTerminators": ["\r\n"]},
        "tableSchema": {"columns": columns, "primaryKey": "iri", "aboutUrl": "{+iri}"},
    }
    return json.dumps(metadata, ensure_ascii=False, indent=2) + "\n"


def datapackage(date: str, version: str, csv_bytes: bytes) -> str:
    """datapackage.json (Frictionless Data Package) describing the CSV, with its size and hash."""
    import hashlib

    fields = []
    for column in COLUMNS:
        field = {"name": column.name, "title": column.title_en, **column.frictionless}
        field["description"] = column.title_th
        fields.append(field)
    package = {
        "name": "gnlc",
        "title": TITLE_EN,
        "version": version,
        "created": f"{date}T00:00:00Z",
        "homepage": BASE,
        "licenses": [
            {"name": "CC-BY-4.0", "path": LICENSE, "title": "Creative Commons Attribution 4.0"}
        ],
        "resources": [
            {
                "name": "gnlc-members",
                "path": CSV_NAME,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "bytes": len(csv_bytes),
                "hash": "sha256:" + hashlib.sha256(csv_bytes).hexdigest(),
                "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "header": True},
                "schema": {"fields": fields, "primaryKey": ["iri"], "missingValues": [""]},
            }
        ],
    }
    return json.dumps(package, ensure_ascii=False, indent=2) + "\n"


def members_rows(root: Path, store: pyoxigraph.Store) -> list[dict[str, str]]:
    """The rows of gnlc-members.csv as dicts keyed by CSV_COLUMNS ('' when unknown), from
    queries/release/members-csv.rq."""
    from gnlc.loading import select
    from gnlc.queries import release_query

    rows = []
    query = release_query(root / MEMBERS_CSV_QUERY)
    result = select(store, query)
    # Each row's terms by position (a look-up by name costs more, once per cell).
    index = {variable.value: at for at, variable in enumerate(result.variables)}
    wanted = [index[name] for name in _ROW_VARIABLES]
    for row in result:
        *values, geonames, sources = ["" if (t := row[at]) is None else t.value for at in wanted]
        values.append(geonames.rstrip("/").rsplit("/", 1)[-1] if geonames else "")
        values.append(" ".join(sorted(sources.split())))
        rows.append(dict(zip(CSV_COLUMNS, values, strict=True)))
    return rows


# The query's variables in CSV_COLUMNS order (geonames is an IRI there, an id in the CSV).
_ROW_VARIABLES = (
    "city",
    "en",
    "th",
    "code",
    "region",
    "year",
    "attested",
    "lat",
    "long",
    "geonames",
    "sources",
)


def members_csv(root: Path, store: pyoxigraph.Store) -> str:
    """gnlc-members.csv: one row per current member, sorted by IRI, RFC 4180, no BOM."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in members_rows(root, store):
        writer.writerow([row[column] for column in CSV_COLUMNS])
    return buffer.getvalue()
