"""Every namespace and base IRI of the project, named once."""

BASE = "https://w3id.org/gnlc/"
ONTOLOGY = "https://w3id.org/gnlc/ontology"
GNLC = ONTOLOGY + "#"
NETWORK = BASE + "network"

# Prefixes used when writing Turtle and compacting JSON-LD; order is irrelevant (output is sorted).
PREFIXES: dict[str, str] = {
    "gnlc": GNLC,
    "city": BASE + "city/",
    "country": BASE + "country/",
    "region": BASE + "region/",
    "cohort": BASE + "cohort/",
    "sdg": BASE + "sdg/",
    "characteristic": BASE + "characteristic/",
    "award": BASE + "award/",
    "gnlcorg": BASE + "organization/",
    "shape": BASE + "shapes#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "geo": "http://www.w3.org/2003/01/geo/wgs84_pos#",
    "org": "http://www.w3.org/ns/org#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "https://schema.org/",
    "sh": "http://www.w3.org/ns/shacl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "skosxl": "http://www.w3.org/2008/05/skos-xl#",
    "unsdg": "http://metadata.un.org/sdg/",
    "vann": "http://purl.org/vocab/vann/",
    "void": "http://rdfs.org/ns/void#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

RDF_TYPE = PREFIXES["rdf"] + "type"
XSD = PREFIXES["xsd"]
DCTERMS = PREFIXES["dcterms"]
SKOS = PREFIXES["skos"]
SKOSXL = PREFIXES["skosxl"]
