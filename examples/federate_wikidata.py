"""Federate the graph with Wikidata: population and website of member cities you have linked.

Usage: python examples/federate_wikidata.py --link CITY_IRI=QID [...] [--wikidata URL]

The data holds owl:sameAs links to Wikidata only where they were reviewed and sourced; this
example adds the links you give (e.g. from scripts/link_wikidata.py's review file) to an
in-memory copy of the graph and runs queries/examples/wikidata-federated.rq on it, the SERVICE
call going to --wikidata (default: the Wikidata Query Service; any endpoint with Wikidata's
shapes works, e.g. a local mirror). This contacts that endpoint.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pyoxigraph

import gnlc

WIKIDATA = "https://query.wikidata.org/sparql"
QUERY = Path(__file__).resolve().parents[1] / "queries/examples/wikidata-federated.rq"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--link", action="append", default=[], metavar="CITY_IRI=QID")
    parser.add_argument("--wikidata", default=WIKIDATA, help="Wikidata-shaped SPARQL endpoint")
    args = parser.parse_args()
    store = gnlc.load()
    same_as = pyoxigraph.NamedNode("http://www.w3.org/2002/07/owl#sameAs")
    for link in args.link:
        city, _, qid = link.partition("=")
        entity = pyoxigraph.NamedNode(f"http://www.wikidata.org/entity/{qid}")
        store.add(pyoxigraph.Quad(pyoxigraph.NamedNode(city), same_as, entity))
    text = QUERY.read_text(encoding="utf-8").replace(WIKIDATA, args.wikidata)
    for row in store.query(text):
        values = [row[v].value if row[v] is not None else "" for v in ("city", "population")]
        print("\t".join(values))


if __name__ == "__main__":
    main()
