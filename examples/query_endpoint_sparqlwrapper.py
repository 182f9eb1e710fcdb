"""Query a gnlc SPARQL endpoint with SPARQLWrapper: members per country.

Usage: gnlc serve &   then   python examples/query_endpoint_sparqlwrapper.py http://127.0.0.1:7878/query
"""

from __future__ import annotations

import sys

from SPARQLWrapper import JSON, SPARQLWrapper

QUERY = """
PREFIX gnlc: <https://w3id.org/gnlc/ontology#>
SELECT ?code (COUNT(DISTINCT ?city) AS ?members)
WHERE { ?city gnlc:memberOf <https://w3id.org/gnlc/network> ; gnlc:country/gnlc:countryCode ?code }
GROUP BY ?code
ORDER BY DESC(?members) ?code
"""


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__.splitlines()[2])
    sparql = SPARQLWrapper(sys.argv[1])
    sparql.setQuery(QUERY)
    sparql.setReturnFormat(JSON)
    sparql.setTimeout(30)
    results = sparql.queryAndConvert()
    for row in results["results"]["bindings"]:
        print(f"{row['code']['value']}\t{row['members']['value']}")


if __name__ == "__main__":
    main()
