"""`gnlc stats`: what the graph holds, against what UNESCO announced."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gnlc.loading import select
from gnlc.namespaces import NETWORK, sparql_prefixes

if TYPE_CHECKING:  # pragma: no cover - types only
    import pyoxigraph

_PREFIX = sparql_prefixes("gnlc", "org", "skos", "geo")


def _rows(store: pyoxigraph.Store, query: str) -> list[dict]:
    result = select(store, _PREFIX + query)
    names = [v.value for v in result.variables]
    out = []
    for row in result:
        out.append({n: (row[n].value if row[n] is not None else None) for n in names})
    return out


def _int(value: str | None) -> int | None:
    return int(value) if value is not None else None


def collect(store: pyoxigraph.Store) -> dict:
    """Every figure `gnlc stats` shows, as plain data."""
    classes = {
        r["c"].rsplit("#", 1)[-1]: int(r["n"])
        for r in _rows(
            store,
            "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c "
            "FILTER STRSTARTS(STR(?c), STR(gnlc:)) } GROUP BY ?c ORDER BY ?c",
        )
    }
    cohorts = []
    for r in _rows(
        store,
        """
        SELECT ?year ?announced ?newMembers ?newCountries ?totalMembers ?totalCountries
               (COUNT(DISTINCT ?city) AS ?recorded) (COUNT(DISTINCT ?country) AS ?countries)
        WHERE {
          ?cohort a gnlc:Cohort ; gnlc:year ?year .
          OPTIONAL { ?cohort gnlc:announced ?announced }
          OPTIONAL { ?cohort gnlc:announcedNewMembers ?newMembers }
          OPTIONAL { ?cohort gnlc:announcedNewCountries ?newCountries }
          OPTIONAL { ?cohort gnlc:announcedTotalMembers ?totalMembers }
          OPTIONAL { ?cohort gnlc:announcedTotalCountries ?totalCountries }
          OPTIONAL { ?m gnlc:cohort ?cohort ; org:member ?city .
                     OPTIONAL { ?city gnlc:country ?country } }
        }
        GROUP BY ?year ?announced ?newMembers ?newCountries ?totalMembers ?totalCountries
        ORDER BY ?year""",
    ):
        cohorts.append(
            {
                "year": int(r["year"]),
                "announced": r["announced"],
                "recorded_members": int(r["recorded"]),
                "announced_new_members": _int(r["newMembers"]),
                "recorded_countries": int(r["countries"]),
                "announced_new_countries": _int(r["newCountries"]),
                "announced_total_members": _int(r["totalMembers"]),
                "announced_total_countries": _int(r["totalCountries"]),
            }
        )
    members = f"?city gnlc:memberOf <{NETWORK}> ."
    by_country = [
        {"country": r["code"], "name": r["name"], "members": int(r["n"])}
        for r in _rows(
            store,
            f"""
        SELECT ?code ?name (COUNT(DISTINCT ?city) AS ?n) WHERE {{
          {members} ?city gnlc:country ?c . ?c gnlc:countryCode ?code .
          OPTIONAL {{ ?c skos:prefLabel ?name FILTER (lang(?name) = "en") }}
        }} GROUP BY ?code ?name ORDER BY DESC(?n) ?code""",
        )
    ]
    by_region = [
        {"region": r["name"] or "(not recorded)", "members": int(r["n"])}
        for r in _rows(
            store,
            f"""
        SELECT ?name (COUNT(DISTINCT ?city) AS ?n) WHERE {{
          {members}
          OPTIONAL {{ ?city gnlc:region/skos:prefLabel ?name FILTER (lang(?name) = "en") }}
        }} GROUP BY ?name ORDER BY DESC(?n) ?name""",
        )
    ]
    enrichment = _rows(
        store,
        f"""
        SELECT (COUNT(DISTINCT ?city) AS ?members) (COUNT(DISTINCT ?withPoint) AS ?coordinates)
               (COUNT(DISTINCT ?withGeo) AS ?geonames) (COUNT(DISTINCT ?withThai) AS ?thai)
               (COUNT(DISTINCT ?country) AS ?countries)
        WHERE {{
          {members}
          OPTIONAL {{ ?city gnlc:country ?country }}
          OPTIONAL {{ ?city geo:location ?p . BIND (?city AS ?withPoint) }}
          OPTIONAL {{ ?city gnlc:geonames ?g . BIND (?city AS ?withGeo) }}
          OPTIONAL {{ ?city skos:prefLabel ?th FILTER (lang(?th) = "th")
                      BIND (?city AS ?withThai) }}
        }}""",
    )[0]
    unknown = _rows(
        store,
        f"""SELECT (COUNT(DISTINCT ?city) AS ?n) (COUNT(DISTINCT ?country) AS ?countries)
          (COUNT(DISTINCT ?undated) AS ?nUndated) (COUNT(DISTINCT ?undatedCountry) AS ?cUndated)
        WHERE {{ {members} ?m org:member ?city .
          FILTER NOT EXISTS {{ ?m gnlc:endYear ?end }}
          FILTER NOT EXISTS {{ ?m gnlc:startYear ?start }}
          OPTIONAL {{ ?city gnlc:country ?country }}
          BIND (NOT EXISTS {{ ?m gnlc:attestedDate ?date }} AS ?noDate)
          BIND (IF(?noDate, ?city, ?unbound) AS ?undated)
          BIND (IF(?noDate, ?country, ?unbound) AS ?undatedCountry) }}""",
    )[0]
    latest = next((c for c in reversed(cohorts) if c["announced_total_members"]), None)
    ended = _rows(store, "SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m gnlc:endYear ?y }")[0]
    thai_alt = _rows(
        store,
        f"""SELECT (COUNT(DISTINCT ?city) AS ?n) WHERE {{ {members}
        ?city skos:altLabel ?alt FILTER (lang(?alt) = "th") }}""",
    )[0]
    return {
        "classes": classes,
        "members": int(enrichment["members"]),
        "countries": int(enrichment["countries"]),
        "ended_memberships": int(ended["n"]),
        "latest_announced": {
            "year": latest["year"],
            "members": latest["announced_total_members"],
            "countries": latest["announced_total_countries"],
        }
        if latest
        else None,
        "cohorts": cohorts,
        # Current members whose joining year no source gives: dated only by an attestation,
        # so they are in no cohort count; "undated" are those no page with a date names.
        "year_unknown": {
            "members": int(unknown["n"]),
            "countries": int(unknown["countries"]),
            "undated": {
                "members": int(unknown["nUndated"]),
                "countries": int(unknown["cUndated"]),
            },
        },
        "by_country": by_country,
        "by_region": by_region,
        "enrichment": {
            "coordinates": int(enrichment["coordinates"]),
            "geonames": int(enrichment["geonames"]),
            "thai_labels": int(enrichment["thai"]),
            "thai_alternative_labels": int(thai_alt["n"]),
        },
    }


def _pct(part: int, whole: int | None) -> str:
    if not whole:
        return ""
    return f"{100 * part / whole:.0f}%"


def render_table(stats: dict) -> str:
    """The human-readable report."""
    from gnlc.results import table

    class Cell:
        def __init__(self, value: object) -> None:
            self.value = "" if value is None else str(value)

    def block(title: str, headers: list[str], rows: list[list]) -> str:
        body = table(headers, [[Cell(v) for v in row] for row in rows])
        return f"{title}\n{body}"

    parts = []
    latest = stats["latest_announced"] or {}
    parts.append(
        block(
            "Totals",
            ["what", "recorded", "announced", "coverage"],
            [
                [
                    "current members",
                    stats["members"],
                    latest.get("members"),
                    _pct(stats["members"], latest.get("members")),
                ],
                [
                    "countries",
                    stats["countries"],
                    latest.get("countries"),
                    _pct(stats["countries"], latest.get("countries")),
                ],
                ["ended memberships", stats["ended_memberships"], "", ""],
            ],
        )
    )
    parts.append(
        block(
            "Cohorts (members with a sourced start year vs announced; then those no source dates)",
            [
                "year",
                "announced",
                "members",
                "of",
                "countries",
                "of",
                "network after",
                "countries after",
            ],
            [
                [
                    c["year"],
                    c["announced"],
                    c["recorded_members"],
                    c["announced_new_members"],
                    c["recorded_countries"],
                    c["announced_new_countries"],
                    c["announced_total_members"],
                    c["announced_total_countries"],
                ]
                for c in stats["cohorts"]
            ]
            + [
                [
                    "year unknown",
                    "",
                    stats["year_unknown"]["members"],
                    "",
                    stats["year_unknown"]["countries"],
                    "",
                    "",
                    "",
                ],
                [
                    "  no dated page",
                    "",
                    stats["year_unknown"]["undated"]["members"],
                    "",
                    stats["year_unknown"]["undated"]["countries"],
                    "",
                    "",
                    "",
                ],
            ],
        )
    )
    members = stats["members"]
    e = stats["enrichment"]
    parts.append(
        block(
            "Enrichment",
            ["what", "members", "share"],
            [
                ["coordinates", e["coordinates"], _pct(e["coordinates"], members)],
                ["GeoNames id", e["geonames"], _pct(e["geonames"], members)],
                ["Thai name (official)", e["thai_labels"], _pct(e["thai_labels"], members)],
                [
                    "Thai alternative name (GeoNames)",
                    e["thai_alternative_labels"],
                    _pct(e["thai_alternative_labels"], members),
                ],
            ],
        )
    )
    parts.append(
        block(
            "Members per region",
            ["region", "members"],
            [[r["region"], r["members"]] for r in stats["by_region"]],
        )
    )
    parts.append(
        block(
            "Members per country",
            ["code", "country", "members"],
            [[r["country"], r["name"], r["members"]] for r in stats["by_country"]],
        )
    )
    parts.append(
        block(
            "Resources per class",
            ["class", "count"],
            [[k, v] for k, v in sorted(stats["classes"].items())],
        )
    )
    return "\n".join(parts)
