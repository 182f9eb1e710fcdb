"""void.ttl: VoID and DCAT for the release, describing every file but itself and SHA256SUMS."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gnlc import __version__
from gnlc.dumps import GENERATED
from gnlc.namespaces import BASE, DATASET, DIST_BASE, PREFIXES
from gnlc.paths import MEDIA_TYPES

if TYPE_CHECKING:  # pragma: no cover - types only
    import pyoxigraph


def void_turtle(
    files: dict[str, tuple[int, str]], store: pyoxigraph.Store, date: str, graph_triples: int
) -> str:
    """VoID + DCAT for every file but void.ttl and SHA256SUMS, from each file's (size, SHA-256
    hex digest)."""
    import pyoxigraph as ox

    from gnlc.turtle import serialize

    def n(iri: str):
        return ox.NamedNode(iri)

    def p(curie: str):
        prefix, local = curie.split(":", 1)
        return ox.NamedNode(PREFIXES[prefix] + local)

    def lit(value: object, dt: str | None = None, lang: str | None = None):
        if lang:
            return ox.Literal(str(value), language=lang)
        if dt:
            return ox.Literal(str(value), datatype=p(dt))
        return ox.Literal(str(value))

    ds = n(DATASET)
    t: list[pyoxigraph.Triple] = []
    add = t.append
    add(ox.Triple(ds, p("rdf:type"), p("void:Dataset")))
    add(ox.Triple(ds, p("rdf:type"), p("dcat:Dataset")))
    add(
        ox.Triple(
            ds,
            p("dcterms:title"),
            lit("UNESCO Global Network of Learning Cities knowledge graph", lang="en"),
        )
    )
    add(
        ox.Triple(
            ds,
            p("dcterms:title"),
            lit("กราฟความรู้เครือข่ายระดับโลกด้านเมืองแห่งการเรียนรู้ของยูเนสโก", lang="th"),
        )
    )
    add(
        ox.Triple(
            ds,
            p("dcterms:description"),
            lit(
                "Member cities of the UNESCO Global Network of Learning Cities with their "
                "memberships, cohorts, countries, regions, awards, the six key characteristics "
                "and the SDGs, "
                "every fact with its public source.",
                lang="en",
            ),
        )
    )
    add(ox.Triple(ds, p("dcterms:license"), n("https://creativecommons.org/licenses/by/4.0/")))
    add(ox.Triple(ds, p("dcterms:modified"), lit(date, "xsd:date")))
    add(ox.Triple(ds, p("owl:versionInfo"), lit(__version__)))
    add(ox.Triple(ds, p("void:uriSpace"), lit(BASE)))
    add(ox.Triple(ds, p("void:triples"), lit(graph_triples, "xsd:integer")))
    add(ox.Triple(ds, p("void:vocabulary"), n(PREFIXES["gnlc"].rstrip("#"))))
    for curie in ("schema:", "skos:", "org:", "geo:", "dcterms:"):
        add(ox.Triple(ds, p("void:vocabulary"), n(PREFIXES[curie[:-1]])))
    for example in ("city/th-chiang-rai", "sdg/4", "characteristic/family-community", "network"):
        add(ox.Triple(ds, p("void:exampleResource"), n(BASE + example)))
    classes = store.query(
        "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY STR(?c)"
    )
    for row in classes:
        cls = row["c"].value
        if not cls.startswith(PREFIXES["gnlc"]):
            continue
        part = n(f"{DATASET}#class-{cls.rsplit('#', 1)[-1]}")
        add(ox.Triple(ds, p("void:classPartition"), part))
        add(ox.Triple(part, p("void:class"), n(cls)))
        add(ox.Triple(part, p("void:entities"), lit(row["n"].value, "xsd:integer")))
    for name in sorted(files):
        dist = n(DIST_BASE + name)
        size, digest = files[name]
        add(ox.Triple(ds, p("dcat:distribution"), dist))
        if name.startswith("gnlc.") and name != "gnlc-members.csv":
            add(ox.Triple(ds, p("void:dataDump"), dist))
        add(ox.Triple(dist, p("rdf:type"), p("dcat:Distribution")))
        add(ox.Triple(dist, p("dcterms:title"), lit(name)))
        add(ox.Triple(dist, p("dcat:downloadURL"), dist))
        add(
            ox.Triple(
                dist,
                p("dcat:mediaType"),
                n("https://www.iana.org/assignments/media-types/" + MEDIA_TYPES[name]),
            )
        )
        add(ox.Triple(dist, p("dcat:byteSize"), lit(size, "xsd:integer")))
        add(
            ox.Triple(dist, p("dcterms:license"), n("https://creativecommons.org/licenses/by/4.0/"))
        )
        checksum = n(DIST_BASE + name + "#sha256")
        add(ox.Triple(dist, n("http://spdx.org/rdf/terms#checksum"), checksum))
        add(
            ox.Triple(
                checksum,
                n("http://spdx.org/rdf/terms#algorithm"),
                n("http://spdx.org/rdf/terms#checksumAlgorithm_sha256"),
            )
        )
        add(
            ox.Triple(
                checksum,
                n("http://spdx.org/rdf/terms#checksumValue"),
                lit(digest, "xsd:hexBinary"),
            )
        )
    prefixes = {
        **PREFIXES,
        "spdx": "http://spdx.org/rdf/terms#",
        "dist": DIST_BASE,
        "gnlcdataset": DATASET + "#",
    }
    return serialize(t, prefixes=prefixes, header=f"# {GENERATED}\n")
