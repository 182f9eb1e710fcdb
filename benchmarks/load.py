"""Bounded load check: N concurrent clients x M queries against `gnlc serve` on loopback.

Not a test (nothing is asserted about speed). It writes a synthetic release (made-up cities under
https://example.org/gnlc-synthetic/, never data/), starts the real `gnlc serve --data` on a free
127.0.0.1 port, and lets N client threads each send up to M of the project's named queries
(default parameters, round robin, SPARQL POST, JSON results) until M are done or the time is up.
It prints a table of throughput, p50/p99 latency and errors, and writes the numbers as JSON.

Usage: python benchmarks/load.py [--clients 8] [--queries 500] [--duration 30] [--cities 500]
Exit status: 0 when every query succeeded, 1 when any failed.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import queue
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from gnlc import __version__
from gnlc.namespaces import GNLC, NETWORK, PREFIXES

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results" / "load.json"
SYN = "https://example.org/gnlc-synthetic/"
# User-assigned ISO 3166 ranges (QM-QZ, XA-XZ): obviously not real countries.
CODES = [f"Q{c}" for c in "MNOPQRSTUVWXYZ"] + [f"X{c}" for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"]
YEARS = list(range(2013, 2025))
AWARD_YEARS = (2015, 2017, 2019, 2021, 2023)


def synthetic_triples(cities: int, seed: int = 7) -> list:
    """A release-shaped graph of made-up members, derived links included (as gnlc build adds)."""
    import pyoxigraph as ox

    rng = random.Random(seed)

    def n(iri: str):
        return ox.NamedNode(iri)

    def p(curie: str):
        prefix, local = curie.split(":", 1)
        return n(PREFIXES[prefix] + local)

    def lit(value: object, datatype: str | None = None, lang: str | None = None):
        if lang:
            return ox.Literal(str(value), language=lang)
        return ox.Literal(str(value), datatype=p(datatype) if datatype else None)

    t: list = []
    add = t.append
    a = p("rdf:type")
    # The named queries name the network's own IRI; every other node here is synthetic.
    network = n(NETWORK)
    add(ox.Triple(network, a, n(GNLC + "Network")))
    add(ox.Triple(network, p("skos:prefLabel"), lit("Synthetic network", lang="en")))
    sdgs = []
    for goal in range(1, 18):
        sdg = n(f"{SYN}sdg/{goal}")
        sdgs.append(sdg)
        add(ox.Triple(sdg, a, n(GNLC + "SDG")))
        add(ox.Triple(sdg, p("skos:notation"), lit(goal)))
        add(ox.Triple(sdg, p("skos:exactMatch"), n(f"http://metadata.un.org/sdg/{goal}")))
        add(ox.Triple(sdg, p("skos:prefLabel"), lit(f"Synthetic goal {goal}", lang="en")))
        add(ox.Triple(sdg, p("skos:prefLabel"), lit(f"เป้าหมายสังเคราะห์ {goal}", lang="th")))
        add(ox.Triple(network, n(GNLC + "supportsSDG"), sdg))
    for goal in (4, 11):
        add(ox.Triple(network, n(GNLC + "focusSDG"), sdgs[goal - 1]))
    characteristics = []
    for number in range(1, 7):
        c = n(f"{SYN}characteristic/{number}")
        characteristics.append(c)
        add(ox.Triple(c, a, n(GNLC + "Characteristic")))
        add(ox.Triple(c, p("skos:notation"), lit(number)))
        add(ox.Triple(c, p("skos:prefLabel"), lit(f"Synthetic characteristic {number}", lang="en")))
        add(ox.Triple(network, n(GNLC + "promotesCharacteristic"), c))
    regions = [n(f"{SYN}region/{r}") for r in range(1, 6)]
    for r, region in enumerate(regions, 1):
        add(ox.Triple(region, a, n(GNLC + "Region")))
        add(ox.Triple(region, p("skos:prefLabel"), lit(f"Synthetic region {r}", lang="en")))
    countries = {}
    for code in CODES:
        country = countries[code] = n(f"{SYN}country/{code}")
        add(ox.Triple(country, a, n(GNLC + "Country")))
        add(ox.Triple(country, n(GNLC + "countryCode"), lit(code)))
        add(ox.Triple(country, p("skos:prefLabel"), lit(f"Synthetic country {code}", lang="en")))
        add(ox.Triple(country, n(GNLC + "region"), rng.choice(regions)))
    cohorts = {}
    per_year = max(1, cities // len(YEARS))
    for i, year in enumerate(YEARS, 1):
        cohort = cohorts[year] = n(f"{SYN}cohort/{year}")
        add(ox.Triple(cohort, a, n(GNLC + "Cohort")))
        add(ox.Triple(cohort, n(GNLC + "year"), lit(year, "xsd:gYear")))
        add(ox.Triple(cohort, n(GNLC + "announced"), lit(f"{year}-09", "xsd:gYearMonth")))
        add(ox.Triple(cohort, n(GNLC + "announcedNewMembers"), lit(per_year + 2, "xsd:integer")))
        add(ox.Triple(cohort, n(GNLC + "announcedTotalMembers"), lit(i * per_year, "xsd:integer")))
        add(ox.Triple(cohort, p("skos:prefLabel"), lit(f"Synthetic cohort {year}", lang="en")))
        add(ox.Triple(cohort, p("dcterms:source"), n(f"{SYN}source/cohort-{year}")))
    awards = {}
    for year in AWARD_YEARS:
        award = awards[year] = n(f"{SYN}award/{year}")
        add(ox.Triple(award, a, n(GNLC + "LearningCityAward")))
        add(ox.Triple(award, n(GNLC + "year"), lit(year, "xsd:gYear")))
        add(ox.Triple(award, p("dcterms:source"), n(f"{SYN}source/award-{year}")))
    for i in range(cities):
        code = CODES[i % len(CODES)]
        city = n(f"{SYN}city/{code.lower()}-synthetic-{i:05d}")
        name = f"Synthetic City {i:05d}"
        add(ox.Triple(city, a, n(GNLC + "LearningCity")))
        add(ox.Triple(city, p("skos:prefLabel"), lit(name, lang="en")))
        add(ox.Triple(city, p("rdfs:label"), lit(name, lang="en")))
        if rng.random() < 0.3:
            add(ox.Triple(city, p("skos:prefLabel"), lit(f"เมืองสังเคราะห์ {i:05d}", lang="th")))
        add(ox.Triple(city, n(GNLC + "country"), countries[code]))
        if rng.random() < 0.8:
            add(ox.Triple(city, n(GNLC + "region"), rng.choice(regions)))
        if rng.random() < 0.2:
            add(ox.Triple(city, n(GNLC + "province"), lit(f"Province {i % 77}", lang="en")))
        add(ox.Triple(city, p("dcterms:source"), n(f"{SYN}source/city-{i}")))
        if rng.random() < 0.7:
            point = n(f"{city.value}#point")
            add(ox.Triple(city, p("geo:location"), point))
            add(ox.Triple(point, a, p("geo:Point")))
            add(ox.Triple(point, p("geo:lat"), lit(f"{rng.uniform(-60, 70):.4f}", "xsd:decimal")))
            add(
                ox.Triple(point, p("geo:long"), lit(f"{rng.uniform(-180, 180):.4f}", "xsd:decimal"))
            )
            add(ox.Triple(point, p("dcterms:source"), n(f"{SYN}geonames/{i}")))
        if rng.random() < 0.6:
            add(
                ox.Triple(
                    city, n(GNLC + "geonames"), n(f"https://sws.geonames.org/{900000000 + i}/")
                )
            )
        year = YEARS[min(len(YEARS) - 1, i // per_year)]
        membership = n(f"{city.value}#membership")
        add(ox.Triple(membership, a, n(GNLC + "Membership")))
        add(ox.Triple(membership, p("org:member"), city))
        add(ox.Triple(membership, p("org:organization"), network))
        add(ox.Triple(membership, n(GNLC + "cohort"), cohorts[year]))
        add(ox.Triple(membership, n(GNLC + "startYear"), lit(year, "xsd:gYear")))
        add(ox.Triple(membership, p("dcterms:source"), n(f"{SYN}source/city-{i}")))
        if rng.random() < 0.03:
            add(ox.Triple(membership, n(GNLC + "endYear"), lit(2024, "xsd:gYear")))
            add(ox.Triple(membership, n(GNLC + "endSource"), n(f"{SYN}source/end-{i}")))
            continue
        add(ox.Triple(city, n(GNLC + "memberOf"), network))
        for sdg in sdgs:
            add(ox.Triple(city, n(GNLC + "supportsSDG"), sdg))
        for c in characteristics:
            add(ox.Triple(city, n(GNLC + "promotesCharacteristic"), c))
        if i % 97 == 0:
            add(ox.Triple(city, n(GNLC + "awarded"), awards[AWARD_YEARS[i % len(AWARD_YEARS)]]))
    return t


def write_release(folder: Path, cities: int) -> int:
    """A release folder holding only gnlc.nt (what `gnlc serve --data` reads)."""
    from gnlc.export import ntriples

    triples = synthetic_triples(cities)
    folder.mkdir(parents=True, exist_ok=True)
    text = ntriples(triples, "synthetic benchmark data (example.org/gnlc-synthetic); not the GNLC")
    (folder / "gnlc.nt").write_text(text, encoding="utf-8")
    return len(set(map(str, triples)))


def query_mix(root: Path) -> list[tuple[str, str]]:
    """(name, text) of every named query, default parameters bound as in `gnlc query`."""
    from gnlc import queries

    mix = []
    for query in queries.list_queries(root):
        terms = queries.bindings(query, {})
        mix.append((query.name, queries.with_values(query.text, terms)))
    return mix


def gnlc_executable() -> str:
    """The installed `gnlc` command."""
    return shutil.which("gnlc") or str(Path(sys.executable).parent / "gnlc")


def start_serve(release: Path) -> tuple[subprocess.Popen, str]:
    """Run `gnlc serve --port 0 --data RELEASE`; return the process and its query URL."""
    process = subprocess.Popen(
        [gnlc_executable(), "serve", "--port", "0", "--data", str(release)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    while True:
        line = lines.get(timeout=300)
        if line is None:
            _, err = process.communicate()
            raise SystemExit(f"gnlc serve failed: {err.strip()}")
        match = re.match(r"SPARQL endpoint: (http://\S+)$", line.strip())
        if match:
            return process, match.group(1)


@dataclass
class Sample:
    """One query's outcome."""

    name: str
    seconds: float
    ok: bool
    error: str = ""


@dataclass
class Client:
    """One client thread's connection and samples."""

    endpoint: str
    mix: list[tuple[str, str]]
    offset: int
    samples: list[Sample] = field(default_factory=list)

    def _connect(self) -> http.client.HTTPConnection:
        parts = urlsplit(self.endpoint)
        return http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)

    def run(self, stop_at: float, limit: int) -> None:
        """Send queries until the limit or the deadline."""
        path = urlsplit(self.endpoint).path
        headers = {
            "Content-Type": "application/sparql-query",
            "Accept": "application/sparql-results+json",
            "User-Agent": f"gnlc-load/{__version__}",
        }
        connection = self._connect()
        i = self.offset
        while len(self.samples) < limit and time.monotonic() < stop_at:
            name, text = self.mix[i % len(self.mix)]
            i += 1
            start = time.perf_counter()
            try:
                connection.request("POST", path, body=text.encode("utf-8"), headers=headers)
                response = connection.getresponse()
                body = response.read()
                ok = response.status == 200
                error = "" if ok else f"HTTP {response.status}"
                if ok:
                    json.loads(body)
            except (OSError, http.client.HTTPException, ValueError) as exc:
                ok, error = False, f"{type(exc).__name__}: {exc}"
                connection.close()
                connection = self._connect()
            self.samples.append(Sample(name, time.perf_counter() - start, ok, error))
        connection.close()


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of sorted values (0 when empty)."""
    if not values:
        return 0.0
    rank = max(1, int(-(-fraction * len(values) // 1)))
    return values[min(len(values), rank) - 1]


def summary(samples: list[Sample], seconds: float) -> dict[str, float | int]:
    """Counts, throughput and latency percentiles (milliseconds)."""
    times = sorted(s.seconds for s in samples if s.ok)
    return {
        "requests": len(samples),
        "errors": sum(1 for s in samples if not s.ok),
        "throughput_per_s": round(len(samples) / seconds, 1) if seconds else 0.0,
        "p50_ms": round(percentile(times, 0.50) * 1000, 2),
        "p99_ms": round(percentile(times, 0.99) * 1000, 2),
        "max_ms": round((times[-1] if times else 0.0) * 1000, 2),
    }


def table(per_query: dict[str, dict], total: dict) -> str:
    """The results as aligned columns."""
    head = ("query", "requests", "errors", "q/s", "p50 ms", "p99 ms", "max ms")
    rows = [
        (
            name,
            str(s["requests"]),
            str(s["errors"]),
            f"{s['throughput_per_s']:.1f}",
            f"{s['p50_ms']:.2f}",
            f"{s['p99_ms']:.2f}",
            f"{s['max_ms']:.2f}",
        )
        for name, s in [*sorted(per_query.items()), ("ALL", total)]
    ]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]

    def line(cells: tuple[str, ...]) -> str:
        first = cells[0].ljust(widths[0])
        return "  ".join([first] + [c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True)])

    return "\n".join([line(head), line(tuple("-" * w for w in widths)), *map(line, rows)])


def oxigraph_version() -> str:
    """`oxigraph --version`, or 'unknown'."""
    from gnlc.server import find_oxigraph

    out = subprocess.run(
        [find_oxigraph(), "--version"], capture_output=True, text=True, check=False
    )
    return out.stdout.strip() or "unknown"


def main(argv: list[str] | None = None) -> int:
    """Run the load check and report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (N)")
    parser.add_argument("--queries", type=int, default=500, help="queries per client (M)")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds (the bound)")
    parser.add_argument("--cities", type=int, default=500, help="synthetic member cities")
    parser.add_argument("--out", type=Path, default=RESULTS, help="JSON results file")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="gnlc-load-"))
    process = None
    try:
        triples = write_release(workdir / "release", args.cities)
        mix = query_mix(REPO)
        process, endpoint = start_serve(workdir / "release")
        for name, text in mix:  # warm up: every query once, not measured
            Client(endpoint, [(name, text)], 0).run(time.monotonic() + 60, 1)
        clients = [Client(endpoint, mix, i) for i in range(args.clients)]
        stop_at = time.monotonic() + args.duration
        threads = [threading.Thread(target=c.run, args=(stop_at, args.queries)) for c in clients]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    finally:
        if process is not None:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)
        shutil.rmtree(workdir, ignore_errors=True)

    samples = [s for c in clients for s in c.samples]
    per_query = {name: summary([s for s in samples if s.name == name], elapsed) for name, _ in mix}
    total = summary(samples, elapsed)
    errors = sorted({s.error for s in samples if not s.ok})
    report = {
        "config": {
            "clients": args.clients,
            "queries_per_client": args.queries,
            "duration_s": args.duration,
            "elapsed_s": round(elapsed, 2),
            "synthetic_cities": args.cities,
            "triples": triples,
            "queries": [name for name, _ in mix],
        },
        "environment": {
            "gnlc": __version__,
            "oxigraph": oxigraph_version(),
            "python": platform.python_version(),
            "machine": platform.machine(),
            "cpus": os.cpu_count(),
        },
        "total": total,
        "per_query": per_query,
        "errors": errors[:20],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(table(per_query, total))
    print(
        f"\n{args.clients} clients x up to {args.queries} queries, {elapsed:.1f} s, "
        f"{triples:,} synthetic triples; {total['throughput_per_s']} queries/s, "
        f"p50 {total['p50_ms']} ms, p99 {total['p99_ms']} ms, {total['errors']} errors"
    )
    print(f"wrote {args.out}")
    for error in errors[:5]:
        print(f"error: {error}", file=sys.stderr)
    return 0 if total["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
