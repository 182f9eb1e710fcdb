"""Benchmark: gnlc against the plain rdflib + pySHACL pipeline, on synthetic GNLC-shaped data.

Not a test: nothing here asserts a speed. For each size it writes a synthetic root (the
repository's ontology/, shapes/, queries/ and data/reference/, plus made-up members from
benchmarks/synthetic.py; never the repository's data/) and measures, each case in its own
subprocess:

- gnlc: load (sources.load_graph: parse + derive), validate (validation.validate_loaded),
  build (the release rendered and written, as `gnlc build` does after validating) and three
  named queries (queries.run_local, rows consumed);
- the baseline, written the plain way: rdflib Graph.parse of the same files and the rules run
  by rdflib's SPARQL to a fixpoint; pyshacl.validate with default options plus the SPARQL checks
  through rdflib; rdflib's Turtle, N-Triples, JSON-LD and RDF/XML serializers; the queries
  through rdflib. Each baseline case is capped (reported as >cap) and skipped at larger sizes
  once it exceeded the cap.

Times are of the stage itself (setup such as loading excluded); peak memory is the case
process's maximum resident set size (wait4). Then start-up and real-size command times
(hyperfine when installed, else the median of repeated runs). It prints a table and writes
benchmarks/results/bench.json.

Usage: python benchmarks/bench.py [--sizes 0.1,1,10,100] [--cap 120] [--no-baseline]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results" / "bench.json"
QUERIES = ("members-by-country", "cities-serving-sdg", "data-gaps")
STAGES = ("load", "validate", "build")
CASES = (*STAGES, "queries")
RDFLIB_FORMATS = {".ttl": "turtle", ".nt": "nt", ".jsonld": "json-ld", ".rdf": "xml"}
BASELINE_DUMPS = (("turtle", "gnlc.ttl"), ("nt", "gnlc.nt"), ("json-ld", "gnlc.jsonld"))
BASELINE_DUMPS += (("xml", "gnlc.rdf"),)


class Capped(Exception):
    """The measured stage ran past the cap."""


# ---------------------------------------------------------------- cases (run in a subprocess)


def _gnlc_load(root: Path):
    from gnlc.sources import load_graph

    return load_graph(root)


def _gnlc_parse(root: Path):
    from gnlc.sources import load_graph

    return load_graph(root, derive=False)


def _gnlc_derive(root: Path, loaded) -> None:
    from gnlc.rules import materialise

    materialise(loaded.store, root)


def _baseline_load(root: Path):
    return _baseline_derive(root, _baseline_parse(root))


def _baseline_parse(root: Path):
    import rdflib

    from gnlc.sources import graph_files

    base, data = graph_files(root)
    graph = rdflib.Graph()
    for path in base + data:
        graph.parse(path, format=RDFLIB_FORMATS[path.suffix])
    return graph


def _baseline_derive(root: Path, graph):
    from gnlc.rules import rule_files

    rules = [path.read_text(encoding="utf-8") for path in rule_files(root)]
    while True:
        size = len(graph)
        for rule in rules:
            for triple in graph.query(rule):
                graph.add(triple)
        if len(graph) == size:
            return graph


def _finding_key(severity, focus, path, constraint, shape, value) -> list[str]:
    return [
        str(x) if x is not None else "" for x in (severity, focus, path, constraint, shape, value)
    ]


def _gnlc_validate(root: Path, loaded) -> list:
    from gnlc.sources import shapes_files
    from gnlc.validation import validate_loaded

    report = validate_loaded(loaded, root, shapes_files(root))
    return [
        _finding_key(f.severity, f.focus, f.path, f.constraint, f.shape, f.value)
        for f in report.findings
    ]


def _baseline_validate(root: Path, graph, unsupported: list) -> list:
    import pyshacl
    import rdflib

    from gnlc.paths import SHAPES_FILE
    from gnlc.queries import read_header
    from gnlc.validation import check_files

    shapes = rdflib.Graph().parse(root / SHAPES_FILE, format="turtle")
    _, report, _ = pyshacl.validate(graph, shacl_graph=shapes)
    out = _report_findings(report)
    for check in check_files(root):
        text = check.read_text(encoding="utf-8")
        severity = read_header(text).get("severity", "Violation")
        try:
            rows = list(graph.query(text))
        except Exception as exc:  # rdflib's own failure (e.g. a regex it cannot read)
            unsupported.append(f"{check.stem}: {type(exc).__name__}: {exc}")
            continue
        for row in rows:
            values = {k: v for k, v in row.asdict().items() if v is not None}
            focus = values.get("focus") or next(iter(values.values()), "")
            out.append(
                _finding_key(
                    severity,
                    focus,
                    values.get("path", ""),
                    f"check:{check.stem}",
                    "",
                    values.get("value", ""),
                )
            )
    return out


def _report_findings(report) -> list:
    """The top-level results of a SHACL validation report graph (rdflib), as finding keys.

    Results under sh:detail only explain another result and are left out, as gnlc does; a path
    is written in gnlc's notation (SPARQL path syntax, a bare IRI alone).
    """
    import rdflib

    from gnlc.validation import _path_text

    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    out = []
    for result in report.objects(None, sh.result):
        shape = report.value(result, sh.sourceConstraint)
        if not isinstance(shape, rdflib.URIRef):
            shape = report.value(result, sh.sourceShape)
        out.append(
            _finding_key(
                str(report.value(result, sh.resultSeverity)).rsplit("#", 1)[-1],
                report.value(result, sh.focusNode),
                _path_text(report, report.value(result, sh.resultPath)),
                report.value(result, sh.sourceConstraintComponent),
                shape if isinstance(shape, rdflib.URIRef) else "",
                report.value(result, sh.value),
            )
        )
    return out


def _turbo_validate(root: Path, loaded, verdicts: dict) -> list:
    """pyshacl-turbo (a second, Rust SHACL engine) on the same derived graph as gnlc.

    The graph goes in as N-Triples bytes, not as the pyoxigraph Store: pyshacl-turbo 0.6.5
    reads a Store's plain literals as `"AD"^^xsd:string` and then fails sh:in and sh:hasValue
    against the shapes' `"AD"` (the same RDF term). Only SHACL: the queries/checks are not
    SHACL and are left out of this comparison. `verdicts` gets the engine's own `conforms`
    (as pySHACL's: false on any result, warnings included).
    """
    import pyoxigraph
    import pyshacl_turbo
    import rdflib

    from gnlc.paths import SHAPES_FILE

    shapes = rdflib.Graph().parse(root / SHAPES_FILE, format="turtle")
    data = loaded.store.dump(
        format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=pyoxigraph.DefaultGraph()
    )
    conforms, report, _ = pyshacl_turbo.validate(data, data_graph_format="nt", shacl_graph=shapes)
    found = _report_findings(report)
    verdicts["conforms"] = bool(conforms)
    return found


def _gnlc_build(root: Path, loaded, out: Path) -> None:
    from gnlc.export import write_rendered

    write_rendered(root, loaded.store, out)


def _baseline_build(root: Path, graph, out: Path) -> None:
    from gnlc.paths import CONTEXT_FILE

    context = json.loads((root / CONTEXT_FILE).read_text(encoding="utf-8"))["@context"]
    out.mkdir(parents=True, exist_ok=True)
    for fmt, name in BASELINE_DUMPS:
        extra = {"context": context, "auto_compact": True} if fmt == "json-ld" else {}
        graph.serialize(destination=out / name, format=fmt, **extra)


def _named(root: Path):
    from gnlc.queries import bindings, resolve

    for name in QUERIES:
        query = resolve(root, name)
        yield name, query, bindings(query, {})


def _gnlc_queries(root: Path, loaded, timings: dict) -> dict:
    from gnlc.queries import run_local

    rows = {}
    for name, query, terms in _named(root):
        start = time.perf_counter()
        rows[name] = len([tuple(row) for row in run_local(loaded.store, query, terms)])
        timings[name] = time.perf_counter() - start
    return rows


def _baseline_queries(root: Path, graph, timings: dict) -> dict:
    from gnlc.queries import with_values

    rows = {}
    for name, query, terms in _named(root):
        start = time.perf_counter()
        # A VALUES block, as for endpoints: rdflib's initBindings are overridden by a BIND
        # that computes the parameter (cities-serving-sdg's ?goal).
        rows[name] = len(list(graph.query(with_values(query.text, terms))))
        timings[name] = time.perf_counter() - start
    return rows


def run_case(engine: str, case: str, root: Path, cap: float) -> dict:
    """One case, timed; the baseline's measured stage stops at the cap (signal.alarm)."""
    load = _baseline_load if engine == "baseline" else _gnlc_load
    result: dict = {"engine": engine, "case": case}

    unsupported: list = []

    def alarm(signum, frame):
        raise Capped

    capped = engine == "baseline"
    timings: dict = {}
    signal.signal(signal.SIGALRM, alarm)
    try:
        if case == "load":
            parse = _gnlc_parse if engine == "gnlc" else _baseline_parse
            derive = _gnlc_derive if engine == "gnlc" else _baseline_derive
            start = time.perf_counter()
            if capped:
                signal.setitimer(signal.ITIMER_REAL, cap)
            graph = parse(root)
            parsed = time.perf_counter()
            graph = derive(root, graph) or graph
            result["seconds"] = time.perf_counter() - start
            result["parse_seconds"] = parsed - start
            result["derive_seconds"] = result["seconds"] - result["parse_seconds"]
            signal.setitimer(signal.ITIMER_REAL, 0)
            store = getattr(graph, "store", graph)
            result["triples"] = len(store)
            return result
        graph = load(root)
        if capped:
            signal.setitimer(signal.ITIMER_REAL, cap)
        start, cpu = time.perf_counter(), time.process_time()
        if case == "validate":
            if engine == "gnlc":
                findings = _gnlc_validate(root, graph)
            elif engine == "turbo":
                verdicts: dict = {}
                findings = _turbo_validate(root, graph, verdicts)
                result.update(verdicts, triples=len(graph.store))
            else:
                findings = _baseline_validate(root, graph, unsupported)
                result["unsupported_checks"] = unsupported
            result["findings"] = sorted(findings)
        elif case == "build":
            with tempfile.TemporaryDirectory() as folder:
                (_gnlc_build if engine == "gnlc" else _baseline_build)(
                    root, graph, Path(folder) / "dist"
                )
        else:
            run = _gnlc_queries if engine == "gnlc" else _baseline_queries
            result["rows"] = run(root, graph, timings)
            result["query_seconds"] = timings
        result["seconds"] = time.perf_counter() - start
        result["cpu_seconds"] = time.process_time() - cpu  # this process's threads only
        signal.setitimer(signal.ITIMER_REAL, 0)
    except Capped:
        result["capped"] = True
        result["query_seconds"] = timings if case == "queries" else {}
    return result


# ------------------------------------------------------------------------- the parent process


def _spawn(engine: str, case: str, root: Path, cap: float, timeout: float) -> dict:
    """Run one case in a child process; add its peak memory (MB) from wait4."""
    command = [sys.executable, str(Path(__file__).resolve()), "--case", f"{engine}:{case}"]
    command += ["--root", str(root), "--cap", str(cap)]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(command, stdout=out, stderr=err, env={**os.environ, "CI": "1"})
        deadline = time.monotonic() + timeout
        killed = False
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline and not killed:
                proc.kill()
                killed = True
            time.sleep(0.05)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        text = out.read().decode("utf-8", "replace").strip()
        problem = err.read().decode("utf-8", "replace").strip()
    result = {"engine": engine, "case": case}
    if text and proc.returncode == 0:
        result = json.loads(text.splitlines()[-1])
    elif killed:
        result["capped"] = True
    else:
        result["error"] = (problem.splitlines() or [f"exit {proc.returncode}"])[-1]
    result["peak_mb"] = round(usage.ru_maxrss / 1024, 1)
    return result


def _same_findings(gnlc: dict, baseline: dict) -> dict | None:
    """Verdicts and findings of both engines, leaving out checks rdflib could not run."""
    if "findings" not in gnlc or "findings" not in baseline:
        return None
    skipped = {f"check:{u.split(':', 1)[0]}" for u in baseline.get("unsupported_checks", [])}
    mine = [f for f in gnlc["findings"] if f[3] not in skipped]
    theirs = baseline["findings"]

    def violations(found: list) -> list:
        return [f for f in found if f[0] == "Violation"]

    return {
        "same_verdict": (not violations(mine)) == (not violations(theirs)),
        "same_violations": violations(mine) == violations(theirs),
        "same_findings": mine == theirs,
        "violations": len(violations(mine)),
        "warnings": len(mine) - len(violations(mine)),
        "checks_left_out": sorted(skipped),
    }


def measure_size(
    factor: float,
    workdir: Path,
    cap: float,
    baseline: bool,
    over: set,
    share: float,
    cases: tuple[str, ...] = CASES,
    repeat: int = 1,
    second: bool = False,
) -> dict:
    """Generate the synthetic root for one size and run every case on it.

    Each case runs `repeat` times, gnlc and the baseline back to back with the order swapped
    on every repetition, so a change in the machine's load hits both sides of a pair; each
    engine's run with the median time is kept, and each pair's ratio with the load average.
    With `second`, gnlc's SHACL findings are compared with pyshacl-turbo's, on this root and on
    a copy with the broken records of benchmarks/synthetic.py added.
    """
    from synthetic import REAL_CITIES, data_files, generate, thai_share

    cities = max(1, round(REAL_CITIES * factor))
    root = generate(workdir / f"x{factor:g}", cities, REPO, thai_share=share)
    size = {
        "factor": factor,
        "cities": cities,
        "thai_share": round(thai_share(data_files(root)), 4),
    }
    size["gnlc"] = {}
    size["baseline"] = {}
    size["paired"] = {}
    for case in cases:
        skipped = not baseline or case in over or (case != "load" and "load" in over)
        runs: dict[str, list[dict]] = {"gnlc": [], "baseline": []}
        pairs = []
        for turn in range(repeat):
            load = round(os.getloadavg()[0], 2)
            got = {}
            for engine in ("gnlc", "baseline") if turn % 2 == 0 else ("baseline", "gnlc"):
                if engine == "baseline" and (
                    skipped or any(r.get("capped") for r in runs["baseline"])
                ):
                    continue
                print(f"  x{factor:g} {engine} {case} ...", file=sys.stderr, flush=True)
                timeout = 7200 if engine == "gnlc" else 2 * cap + 120
                got[engine] = _spawn(engine, case, root, cap, timeout)
                runs[engine].append(got[engine])
            if len(got) == 2:
                pairs.append((got["gnlc"], got["baseline"], load))
        size["gnlc"][case] = _median_run(runs["gnlc"])
        if runs["baseline"]:
            size["baseline"][case] = _median_run(runs["baseline"])
            if size["baseline"][case].get("capped"):
                over.add(case)
        elif baseline:
            size["baseline"][case] = {"capped": True, "skipped": True}
        keys = ("seconds", "parse_seconds", "derive_seconds") if case == "load" else ("seconds",)
        paired = {key: _paired(pairs, key) for key in keys}
        size["paired"][case] = {key: value for key, value in paired.items() if value}
    size["triples"] = size["gnlc"]["load"].get("triples")
    if "validate" in size["gnlc"]:  # --cases may leave validation out
        size["equivalence"] = _same_findings(
            size["gnlc"]["validate"], size["baseline"].get("validate", {})
        )
        if second:
            broken = generate(
                workdir / f"x{factor:g}-broken", cities, REPO, errors=True, thai_share=share
            )
            size["second_engine"] = {
                "valid": _second_engine(root, cap, size["gnlc"]["validate"]),
                "broken": _second_engine(broken, cap),
            }
            shutil.rmtree(broken, ignore_errors=True)
    for engine in ("gnlc", "baseline"):
        found = size[engine].get("validate", {}).pop("findings", None)
        if found is not None:
            size[engine]["validate"]["violations"] = sum(1 for f in found if f[0] == "Violation")
            size[engine]["validate"]["warnings"] = sum(1 for f in found if f[0] != "Violation")
    shutil.rmtree(root, ignore_errors=True)
    return size


SH = "http://www.w3.org/ns/shacl#"


def _second_engine(root: Path, cap: float, mine: dict | None = None) -> dict:
    """gnlc's SHACL findings against pyshacl-turbo's on root, finding by finding.

    `mine` is gnlc's validate run on root when one was already made. The queries/checks and
    anything else that is not a SHACL constraint component are left out (counted by name).
    """
    if mine is None or "findings" not in mine:
        print(f"  {root.name} gnlc validate ...", file=sys.stderr, flush=True)
        mine = _spawn("gnlc", "validate", root, cap, 7200)
    print(f"  {root.name} turbo validate ...", file=sys.stderr, flush=True)
    theirs = _spawn("turbo", "validate", root, cap, 7200)
    out: dict = {
        "gnlc_seconds": _seconds(mine),
        "turbo_seconds": _seconds(theirs),
        "turbo_peak_mb": theirs.get("peak_mb"),
        "triples": theirs.get("triples"),
    }
    if "findings" not in mine or "findings" not in theirs:
        out["error"] = theirs.get("error") or mine.get("error") or "no findings"
        return out
    shacl = [f for f in mine["findings"] if f[3].startswith(SH)]
    left_out: dict[str, int] = {}
    for f in mine["findings"]:
        if not f[3].startswith(SH):
            left_out[f[3]] = left_out.get(f[3], 0) + 1
    a, b = Counter(map(tuple, shacl)), Counter(map(tuple, theirs["findings"]))
    violations = sum(1 for f in shacl if f[0] == "Violation")
    out.update(
        {
            "violations": violations,
            "warnings": len(shacl) - violations,
            "turbo_violations": sum(1 for f in theirs["findings"] if f[0] == "Violation"),
            "turbo_warnings": sum(1 for f in theirs["findings"] if f[0] != "Violation"),
            "same_findings": a == b,
            "same_verdict": (violations == 0)
            == (not any(f[0] == "Violation" for f in theirs["findings"])),
            "gnlc_conforms": not any(f[0] == "Violation" for f in mine["findings"]),
            "turbo_conforms": theirs.get("conforms"),
            "only_gnlc": [list(f) for f in sorted((a - b).elements())][:20],
            "only_turbo": [list(f) for f in sorted((b - a).elements())][:20],
            "left_out": left_out,
        }
    )
    return out


def _median_run(runs: list[dict]) -> dict:
    """The run with the median time (the lower middle one), with every run's seconds.

    Capped runs count only when no run finished; parse and derive are their own medians.
    """
    finished = sorted(
        (r for r in runs if "seconds" in r and not r.get("capped")), key=lambda r: r["seconds"]
    )
    if not finished:
        return runs[0]
    chosen = dict(finished[(len(finished) - 1) // 2])
    if len(runs) > 1:
        chosen["runs_seconds"] = [round(r["seconds"], 4) for r in finished]
        chosen["capped_runs"] = len(runs) - len(finished)
        for key in ("parse_seconds", "derive_seconds"):
            values = sorted(r[key] for r in finished if key in r)
            if values:
                chosen[key] = values[(len(values) - 1) // 2]
    return chosen


def _paired(pairs: list[tuple[dict, dict, float]], key: str = "seconds") -> dict | None:
    """baseline / gnlc for each back-to-back pair that both finished, their median and loads."""
    ratios, loads = [], []
    for mine, theirs, load in pairs:
        a, b = mine.get(key), theirs.get(key)
        if a and b and not mine.get("capped") and not theirs.get("capped"):
            ratios.append(b / a)
            loads.append(load)
    if not ratios:
        return None
    return {
        "ratios": [round(r, 2) for r in ratios],
        "median": round(statistics.median(ratios), 2),
        "load_average": loads,
    }


def _seconds(result: dict | None) -> float | None:
    if not result or result.get("capped") or "seconds" not in result:
        return None
    return result["seconds"]


def ratios(sizes: list[dict], cap: float) -> dict:
    """baseline / gnlc per case at the largest size the baseline finished, and at the largest."""
    out: dict = {}
    names = [*CASES, "pipeline", *(f"query:{q}" for q in QUERIES)]
    for name in names:
        finished = None
        for size in sizes:
            pair = _pair(size, name)
            if pair and pair[1] is not None and pair[0]:
                finished = {
                    "factor": size["factor"],
                    "triples": size["triples"],
                    "ratio": round(pair[1] / pair[0], 1),
                }
        largest = sizes[-1]
        pair = _pair(largest, name, cap)
        bound = None
        if pair and pair[0]:
            bound = {
                "factor": largest["factor"],
                "triples": largest["triples"],
                "at_least": round(pair[1] / pair[0], 1) if pair[1] else None,
            }
        out[name] = {"largest_finished": finished, "largest_size": bound}
    return out


def _pair(size: dict, name: str, cap: float | None = None):
    """(gnlc seconds, baseline seconds or None); with cap, capped baseline counts as cap."""

    def base(result):
        value = _seconds(result)
        if value is None and cap is not None and result and result.get("capped"):
            return cap
        return value

    if name == "pipeline":
        mine = [_seconds(size["gnlc"].get(s)) for s in STAGES]
        theirs = [base(size["baseline"].get(s)) for s in STAGES]
        if None in mine:
            return None
        return sum(mine), (None if None in theirs else sum(theirs))
    if name.startswith("query:"):
        query = name.split(":", 1)[1]
        mine = size["gnlc"].get("queries", {}).get("query_seconds", {}).get(query)
        result = size["baseline"].get("queries") or {}
        theirs = result.get("query_seconds", {}).get(query)
        if theirs is None and cap is not None and result.get("capped"):
            theirs = cap
        return (mine, theirs) if mine else None
    mine = _seconds(size["gnlc"].get(name))
    return (mine, base(size["baseline"].get(name))) if mine else None


# ------------------------------------------------------------------ issue 18's goals, README

README_START, README_END = "<!-- bench:start -->", "<!-- bench:end -->"


def goals(report: dict) -> list[dict]:
    """Each goal of issue 18 against one run's JSON: {goal, measured, met}; met is None where
    the run did not measure it (a part skipped by its options)."""
    rows: list[dict] = []
    floor = report.get("floor") or {}
    for label, limit in (("real data", 3.0), ("x10", 2.5)):
        row = floor.get(label)
        measured, met = "not measured", None
        if row:
            measured = f"{row['median_ratio']:.2f}x"
            if "median_same_graph_ratio" in row:
                measured += f" (same-graph floor {row['median_same_graph_ratio']:.2f}x)"
            met = row["median_ratio"] <= limit
        rows.append(
            {
                "goal": f"`gnlc build` <= {limit:g}x the Oxigraph parse+serialize floor, {label}",
                "measured": measured,
                "met": met,
            }
        )
    largest = next((z for z in report.get("sizes", []) if z["factor"] == 100), None)
    validate = (largest or {}).get("gnlc", {}).get("validate") or {}
    measured, met = "not measured", None
    if validate.get("seconds") and largest and largest.get("triples"):
        rate = largest["triples"] / validate["seconds"]
        measured = f"{rate:,.0f} triples/s ({largest['triples']:,} in {validate['seconds']:.2f} s"
        if validate.get("cpu_seconds"):
            measured += f"; CPU {validate['cpu_seconds']:.2f} s"
        measured += ")"
        met = rate >= 200_000
    rows.append({"goal": "validate >= 200,000 triples/s at x100", "measured": measured, "met": met})
    for factor in (10, 100):
        size = next((z for z in report.get("sizes", []) if z["factor"] == factor), None)
        compared = (size or {}).get("second_engine") or {}
        measured, met = "not measured", None
        if compared:
            same = {data: bool(found.get("same_findings")) for data, found in compared.items()}
            measured = ", ".join(
                f"{data}: {'identical' if ok else 'differ'}" for data, ok in same.items()
            )
            met = len(same) == 2 and all(same.values())
        rows.append(
            {
                "goal": f"SHACL findings identical to a second engine at x{factor}",
                "measured": measured,
                "met": met,
            }
        )
    commands = (report.get("startup") or {}).get("commands", {})
    for command, base, limit in (
        ("gnlc query members-by-country", "import click, pyoxigraph", 1.5),
        ("gnlc --help", "import click", 1.2),
    ):
        for kind in ("editable", "wheel"):
            mine, theirs = commands.get(f"{command} ({kind})"), commands.get(base)
            measured, met = "not measured", None
            if mine and theirs and "cpus_ms" in mine and "cpus_ms" in theirs:
                ratio = _paired_ratio(mine["cpus_ms"], theirs["cpus_ms"])
                if ratio is not None:
                    measured = f"{ratio:.2f}x (CPU, paired; {mine['cpu_median_ms']:.0f} ms)"
                    met = ratio <= limit
            rows.append(
                {
                    "goal": f"`{command}` <= {limit:g}x `{base}`, {kind} install",
                    "measured": measured,
                    "met": met,
                }
            )
    return rows


def goals_table(report: dict) -> str:
    """goals() as a Markdown table."""
    shown = {True: "yes", False: "**no**", None: "-"}
    lines = ["| goal (issue 18) | measured | met |", "|---|---|---|"]
    lines += [f"| {g['goal']} | {g['measured']} | {shown[g['met']]} |" for g in goals(report)]
    return "\n".join(lines)


def readme_section(report: dict, source: str) -> str:
    """The README's generated benchmark section: which run, the goals, the tables."""
    run = report.get("started", "date not recorded")
    commit = report.get("commit") or "commit not recorded"
    load = report["machine"].get("load_average")
    parts = [
        f"Generated by `python benchmarks/bench.py --readme` from `{source}`: one run of"
        f" `python benchmarks/bench.py` started {run} on {commit}"
        f" ({report['machine']['nproc']} CPUs, {report['machine']['cpu']}, Python"
        f" {report['machine']['python']}; load average at the start"
        f" {', '.join(f'{x:.2f}' for x in load) if load else 'not recorded'};"
        f" the whole run took {report.get('wall_seconds', 0):,.0f} s).",
        "",
        goals_table(report),
    ]
    body = table(report) if report.get("sizes") or report.get("startup") else ""
    if body:
        parts += ["", body]
    if report.get("floor"):
        parts += ["", floor_table(report["floor"])]
        if report.get("floor_install"):
            parts += ["", install_line(report["floor_install"])]
    return "\n".join(parts)


def write_readme(results: Path, readme: Path) -> int:
    """Replace the text between README_START and README_END with readme_section(results)."""
    try:
        report = json.loads(results.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(f"{results}: {exc}", file=sys.stderr)
        return 2
    text = readme.read_text(encoding="utf-8")
    if text.count(README_START) != 1 or text.count(README_END) != 1:
        print(f"{readme}: needs one {README_START} and one {README_END}", file=sys.stderr)
        return 2
    head, rest = text.split(README_START)
    _, tail = rest.split(README_END)
    try:
        source = results.resolve().relative_to(REPO).as_posix()
    except ValueError:
        source = str(results)
    try:
        section = readme_section(report, source)
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        print(
            f"{results}: not the JSON of a bench.py run ({type(exc).__name__}: {exc})",
            file=sys.stderr,
        )
        return 2
    from gnlc.formatting import write_atomic

    text = f"{head}{README_START}\n{section}\n{README_END}{tail}"
    write_atomic(readme, text.encode("utf-8"))  # an interrupted write leaves the old README
    print(f"{readme}: benchmark section rewritten from {results}")
    return 0


# ---------------------------------------------------------------------------------- start-up


def _hyperfine(commands: dict[str, list[str]], runs: int, cwd: Path) -> dict:
    import shlex

    with tempfile.NamedTemporaryFile(suffix=".json") as report:
        argv = ["hyperfine", "-N", "-i", "--warmup", "2", "--runs", str(runs)]
        argv += ["--export-json", report.name]
        for command in commands.values():
            argv.append(shlex.join(command))
        subprocess.run(argv, cwd=cwd, capture_output=True, check=True)
        data = json.loads(Path(report.name).read_text())
    out = {}
    for name, result in zip(commands, data["results"], strict=True):
        codes = sorted(set(result.get("exit_codes") or [0]))
        out[name] = {
            "median_ms": round(1000 * result["median"], 1),
            "mean_ms": round(1000 * result["mean"], 1),
            "stddev_ms": round(1000 * (result.get("stddev") or 0), 1),
            "exit_codes": codes,
        }
    return out


def _repeat(commands: dict[str, list[str]], runs: int, cwd: Path) -> dict:
    """Each command `runs` times (after two warm-up rounds), interleaved: one run of each in
    turn, so a change in the machine's load falls on all of them. Wall time and CPU time (user +
    system of the process and the children it waited for, from wait4): on a shared machine the
    CPU time moves much less than the wall time. Every run's times are kept ("walls_ms",
    "cpus_ms", in turn order) so that ratios can be taken turn by turn (_paired_ratio)."""
    walls: dict[str, list[float]] = {name: [] for name in commands}
    cpus: dict[str, list[float]] = {name: [] for name in commands}
    codes: dict[str, set] = {name: set() for name in commands}
    loads: list[float] = []
    for turn in range(runs + 2):
        if turn >= 2:
            loads.append(round(os.getloadavg()[0], 2))
        for name, command in commands.items():
            start = time.perf_counter()
            proc = subprocess.Popen(
                command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - start
            if turn >= 2:
                walls[name].append(wall)
                cpus[name].append(usage.ru_utime + usage.ru_stime)
            codes[name].add(os.waitstatus_to_exitcode(status))
    out = {}
    for name in commands:
        out[name] = {
            "median_ms": round(1000 * statistics.median(walls[name]), 1),
            "mean_ms": round(1000 * statistics.mean(walls[name]), 1),
            "stddev_ms": round(1000 * statistics.pstdev(walls[name]), 1),
            "cpu_median_ms": round(1000 * statistics.median(cpus[name]), 1),
            "exit_codes": sorted(codes[name]),
            "walls_ms": [round(1000 * w, 1) for w in walls[name]],
            "cpus_ms": [round(1000 * c, 1) for c in cpus[name]],
            "load_average": loads,
        }
    return out


def _paired_ratio(mine: list[float], base: list[float]) -> float | None:
    """The median of the turn-by-turn ratios mine/base (runs of the same turn are neighbours in
    time, so a change in the machine's load falls on both)."""
    pairs = [m / b for m, b in zip(mine, base, strict=True) if b > 0]
    return round(statistics.median(pairs), 2) if pairs else None


def startup(workdir: Path, runs: int, wheel: bool = True) -> dict:
    """Start-up and real-size command times: hyperfine if installed, else interleaved runs.

    `gnlc --help` and `gnlc query` are timed for this environment's install (editable or not,
    see "install") and, with `wheel`, for a wheel of this checkout installed in its own venv
    (pip compiles its bytecode at install time, so it is cached even where this machine sets
    PYTHONDONTWRITEBYTECODE, which makes an editable install compile gnlc on every run).
    """
    from synthetic import REAL_CITIES, generate

    python = sys.executable
    gnlc = str(Path(python).with_name("gnlc"))
    synthetic = generate(workdir / "startup-x1", REAL_CITIES, REPO)
    out_dir = workdir / "startup-dist"
    query = ["--root", str(REPO), "query", "members-by-country"]
    kinds = {"editable" if _install_kind()["editable"] else "installed": gnlc}
    wheel_note = "not asked"
    if wheel:
        wheel_gnlc, wheel_note = _wheel_install(workdir)
        if wheel_gnlc:
            kinds["wheel"] = wheel_gnlc
    commands = {
        "import click": [python, "-c", "import click"],
        "import click, pyoxigraph": [python, "-c", "import click, pyoxigraph"],
    }
    for kind, program in kinds.items():
        commands[f"gnlc --help ({kind})"] = [program, "--help"]
        commands[f"gnlc query members-by-country ({kind})"] = [program, *query]
    commands |= {
        "gnlc query members-by-country (no cache)": ["env", "GNLC_CACHE=0", gnlc, *query],
        "gnlc validate (real data)": [gnlc, "--root", str(REPO), "validate"],
        "gnlc build (real data)": [gnlc, "--root", str(REPO), "build", "--out", str(out_dir)],
        "gnlc validate (x1 synthetic)": [gnlc, "--root", str(synthetic), "validate"],
        "gnlc build (x1 synthetic)": [
            gnlc,
            "--root",
            str(synthetic),
            "build",
            "--out",
            str(out_dir),
        ],
    }
    # The derived-graph cache of `gnlc query` in its own folder; the warm-up runs fill it.
    os.environ["GNLC_CACHE_DIR"] = str(workdir / "cache")
    tool = "hyperfine" if shutil.which("hyperfine") else "interleaved runs"
    measure = _hyperfine if shutil.which("hyperfine") else _repeat
    result = {"tool": tool, "install": _install_kind(), "kinds": list(kinds), "wheel": wheel_note}
    result["commands"] = measure(commands, runs, workdir)
    times = result["commands"]
    result["ratios"] = {}
    for kind in kinds:
        pairs = {
            "help_vs_import_click": (f"gnlc --help ({kind})", "import click"),
            "query_vs_import_click_pyoxigraph": (
                f"gnlc query members-by-country ({kind})",
                "import click, pyoxigraph",
            ),
        }
        for name, (mine, base) in pairs.items():
            ratios = {"wall": round(times[mine]["median_ms"] / times[base]["median_ms"], 2)}
            if "cpu_median_ms" in times[mine]:
                ratios["cpu"] = round(
                    times[mine]["cpu_median_ms"] / times[base]["cpu_median_ms"], 2
                )
            if "walls_ms" in times[mine]:
                ratios["wall_paired"] = _paired_ratio(
                    times[mine]["walls_ms"], times[base]["walls_ms"]
                )
                ratios["cpu_paired"] = _paired_ratio(times[mine]["cpus_ms"], times[base]["cpus_ms"])
            result["ratios"][f"{name} ({kind})"] = ratios
    shutil.rmtree(synthetic, ignore_errors=True)
    shutil.rmtree(out_dir, ignore_errors=True)
    return result


def _wheel_install(workdir: Path) -> tuple[str | None, str]:
    """This checkout built as a wheel and installed in a venv of its own, which sees this
    environment's dependencies through a .pth file; its gnlc command, or None and why not."""
    import venv

    wheels, env = workdir / "wheel", workdir / "wheel-venv"
    try:
        pip = [sys.executable, "-m", "pip"]
        subprocess.run(
            [*pip, "wheel", "--no-deps", "-q", "-w", str(wheels), str(REPO)],
            check=True,
            capture_output=True,
        )
        [built] = wheels.glob("gnlc-*.whl")
        venv.create(env, with_pip=False, symlinks=True)
        env_python = str(env / "bin" / "python")
        subprocess.run(
            [*pip, "--python", env_python, "install", "--no-deps", "-q", str(built)],
            check=True,
            capture_output=True,
        )
        purelib = subprocess.run(
            [env_python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except (subprocess.CalledProcessError, ValueError, OSError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        lines = detail.decode("utf-8", "replace").strip().splitlines() if detail else []
        return None, f"wheel install failed: {lines[-1] if lines else exc}"
    import sysconfig

    # After the wheel's own gnlc: this environment's click, pyoxigraph... (a path added by a
    # .pth file is not scanned for .pth files, so the editable install's path stays out).
    Path(purelib, "zz-gnlc-bench-deps.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8"
    )
    compiled = any(Path(purelib, "gnlc", "__pycache__").glob("cli.*.pyc"))
    return str(env / "bin" / "gnlc"), f"{built.name}, bytecode compiled at install: {compiled}"


def _wall(command: list[str], cwd: Path) -> float:
    """Seconds one command takes, start to exit (it must succeed)."""
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - start


def _timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one command, start to exit (it must succeed); the CPU
    time (user + system) counts its child processes too, and changes less than the wall time
    when other jobs share the machine."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = _wall(command, cwd)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def floor_comparison(
    workdir: Path, factors: list[str], repeat: int, share: float, gnlc: str | None = None
) -> dict:
    """`gnlc build` against two Oxigraph floors (benchmarks/floor.py), as whole processes, on the
    real data and synthetic sizes: "floor" parses the sources and writes them in the four
    syntaxes; "same graph" also runs the project's rules once each as SPARQL INSERTs first, so
    it writes the graph the release holds (checked: as many triples as the build's gnlc.nt).

    gnlc: the command to time (default: the one beside this Python, i.e. this environment's
    install). Each turn runs the three back to back, the order turned every turn; the ratio
    build/floor of each turn and the 1-minute load average before it are kept, with their
    median.
    """
    from synthetic import REAL_CITIES, generate

    from gnlc.paths import rule_files
    from gnlc.rules import as_update, read_rule
    from gnlc.sources import graph_files

    python = sys.executable
    gnlc = gnlc or default_gnlc()
    floor = str(REPO / "benchmarks" / "floor.py")
    out: dict = {}
    for factor in factors:
        if factor == "real":
            root, label = REPO, "real data"
        else:
            cities = max(1, round(REAL_CITIES * float(factor)))
            root = generate(workdir / f"floor-x{factor}", cities, REPO, thai_share=share)
            label = f"x{factor}"
        base, data = graph_files(root)
        updates: list[str] = []
        for index, path in enumerate(rule_files(root)):
            update = as_update(read_rule(path))
            if update is None:
                raise SystemExit(f"{path}: not a CONSTRUCT rule the floor can run as an INSERT")
            written = workdir / f"floor-rule-{index:02d}.ru"
            written.write_text(update, encoding="utf-8")
            updates += ["--update", str(written)]
        sources = list(map(str, base + data))
        dist = workdir / "floor-dist"
        commands = {
            "build": [gnlc, "--root", str(root), "build", "--out", str(dist)],
            "floor": [python, floor, str(workdir / "floor-out"), *sources],
            "same graph": [python, floor, *updates, str(workdir / "floor-same"), *sources],
        }
        for command in commands.values():  # warm the file cache and the bytecode
            _wall(command, workdir)
        built, same = _triples(dist / "gnlc.nt"), _triples(workdir / "floor-same" / "gnlc.nt")
        if built != same:
            raise SystemExit(f"{label}: same-graph floor wrote {same} triples, build {built}")
        names = list(commands)
        times: dict[str, list[float]] = {name: [] for name in names}
        cpu: dict[str, list[float]] = {name: [] for name in names}
        ratios: dict[str, list[float]] = {"floor": [], "same graph": []}
        cpu_ratios: dict[str, list[float]] = {"floor": [], "same graph": []}
        loads = []
        for turn in range(repeat):
            loads.append(round(os.getloadavg()[0], 2))
            order = names[turn % 3 :] + names[: turn % 3]
            got = {name: _timed(commands[name], workdir) for name in order}
            for name, (seconds, used) in got.items():
                times[name].append(round(seconds, 3))
                cpu[name].append(round(used, 3))
            for name in ratios:
                ratios[name].append(round(got["build"][0] / got[name][0], 2))
                cpu_ratios[name].append(round(got["build"][1] / max(got[name][1], 1e-3), 2))
        print(
            f"  floor {label}: build/floor {statistics.median(ratios['floor']):.2f}, "
            f"build/same-graph floor {statistics.median(ratios['same graph']):.2f}",
            file=sys.stderr,
        )
        out[label] = {
            "build_seconds": times["build"],
            "floor_seconds": times["floor"],
            "build_median": round(statistics.median(times["build"]), 3),
            "floor_median": round(statistics.median(times["floor"]), 3),
            "ratios": ratios["floor"],
            "median_ratio": round(statistics.median(ratios["floor"]), 2),
            "build_cpu_seconds": cpu["build"],
            "floor_cpu_seconds": cpu["floor"],
            "cpu_ratios": cpu_ratios["floor"],
            "median_cpu_ratio": round(statistics.median(cpu_ratios["floor"]), 2),
            "triples": built,
            "same_graph_seconds": times["same graph"],
            "same_graph_median": round(statistics.median(times["same graph"]), 3),
            "same_graph_cpu_seconds": cpu["same graph"],
            "same_graph_ratios": ratios["same graph"],
            "median_same_graph_ratio": round(statistics.median(ratios["same graph"]), 2),
            "same_graph_cpu_ratios": cpu_ratios["same graph"],
            "median_same_graph_cpu_ratio": round(statistics.median(cpu_ratios["same graph"]), 2),
            "load_average": loads,
        }
        if root != REPO:
            shutil.rmtree(root, ignore_errors=True)
    return out


def _triples(ntriples: Path) -> int:
    """The triples in an N-Triples file (its lines that are neither blank nor comments)."""
    with open(ntriples, "rb") as handle:
        return sum(1 for line in handle if line.strip() and not line.startswith(b"#"))


def default_gnlc() -> str:
    """This environment's gnlc command (beside the Python running the benchmark)."""
    return str(Path(sys.executable).with_name("gnlc"))


def gnlc_install(gnlc: str) -> dict:
    """Which gnlc command runs and how its package is installed (editable or not, bytecode
    cached or compiled on every run), asked of the Python its script starts."""
    import shlex

    found = shutil.which(gnlc) or gnlc
    try:
        first = Path(found).read_bytes()[:512].split(b"\n", 1)[0].decode("utf-8", "replace")
    except OSError as exc:
        return {"command": found, "error": exc.strerror}
    python = shlex.split(first[2:])[0] if first.startswith("#!") else sys.executable
    code = (
        "import importlib.util, json, os, pathlib; "
        "o = pathlib.Path(importlib.util.find_spec('gnlc').origin).resolve(); "
        "c = o.parent / '__pycache__'; "
        "print(json.dumps({'package': str(o.parent), "
        "'bytecode_cached': c.is_dir() and any(c.glob('cli.*.pyc')), "
        "'dont_write_bytecode': bool(os.environ.get('PYTHONDONTWRITEBYTECODE'))}))"
    )
    try:
        done = subprocess.run(
            [python, "-c", code], capture_output=True, text=True, check=True, timeout=120
        )
        kind = json.loads(done.stdout)
    except (OSError, subprocess.SubprocessError, ValueError) as exc:
        return {"command": found, "python": python, "error": str(exc)}
    kind["editable"] = Path(kind["package"]).is_relative_to(REPO / "src")
    return {"command": found, "python": python, **kind}


def install_line(install: dict) -> str:
    """One sentence: which gnlc the floor comparison ran, and how it is installed."""
    if "error" in install:
        return f"gnlc: `{install['command']}` ({install['error']})."
    kind = "editable install" if install["editable"] else "installed package (e.g. a wheel)"
    if install["bytecode_cached"]:
        compiled = "bytecode cached"
    elif install["dont_write_bytecode"]:
        compiled = "modules compiled on every run (PYTHONDONTWRITEBYTECODE, no __pycache__)"
    else:
        compiled = "bytecode written on first run"
    return f"gnlc: `{install['command']}`, {kind}, {compiled}."


def floor_table(floor: dict) -> str:
    """The floor comparison as a Markdown table."""
    lines = [
        "| data | gnlc build s | Oxigraph floor s | build / floor (median of pairs) "
        "| CPU build / floor (median of pairs) | same-graph floor s "
        "| build / same-graph floor | CPU build / same-graph floor | pairs | load average |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for label, row in floor.items():
        loads = row["load_average"]
        # Runs recorded before CPU time (or the same-graph floor) was measured lack those.
        cpu = f"{row['median_cpu_ratio']:.2f}x" if "median_cpu_ratio" in row else "-"
        same = ["-", "-", "-"]
        if "same_graph_median" in row:
            same = [
                f"{row['same_graph_median']:.2f}",
                f"{row['median_same_graph_ratio']:.2f}x",
                f"{row['median_same_graph_cpu_ratio']:.2f}x",
            ]
        lines.append(
            f"| {label} | {row['build_median']:.2f} | {row['floor_median']:.2f} "
            f"| {row['median_ratio']:.2f}x | {cpu} | {' | '.join(same)} | {len(row['ratios'])} "
            f"| {min(loads):.2f}-{max(loads):.2f} |"
        )
    return "\n".join(lines)


def _install_kind() -> dict:
    """Editable (gnlc imported from this repository's src/) or not, and whether the modules'
    bytecode can be cached: with PYTHONDONTWRITEBYTECODE and no __pycache__, every run
    compiles gnlc's modules again."""
    import importlib.util

    origin = Path(importlib.util.find_spec("gnlc").origin).resolve()
    folder = origin.parent / "__pycache__"
    return {
        "editable": origin.is_relative_to(REPO / "src"),
        "dont_write_bytecode": bool(os.environ.get("PYTHONDONTWRITEBYTECODE")),
        "pycache_prefix": os.environ.get("PYTHONPYCACHEPREFIX", ""),
        "bytecode_cached": folder.is_dir() and any(folder.glob("cli.*.pyc")),
    }


def _version(name: str) -> str | None:
    """An installed distribution's version, or None."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return None


def real_size() -> dict:
    """The repository's own data: triples after derivation and share of Thai literals."""
    from synthetic import THAI_SHARE, data_files, thai_share

    from gnlc.errors import GnlcError
    from gnlc.sources import load_graph

    files = data_files(REPO)
    members = list((REPO / "data" / "members").glob("*.ttl"))
    try:
        triples = len(load_graph(REPO).store)
        share = round(thai_share(files), 4)
    except GnlcError as exc:
        return {"error": exc.message, "thai_share": THAI_SHARE}
    return {"triples": triples, "members_files": len(members), "thai_share": share}


def commit() -> str | None:
    """The checkout's commit, with "+changes" when the working tree differs from it."""

    def git(*args: str) -> str:
        command = ["git", "-C", str(REPO), *args]
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()

    try:
        head = git("rev-parse", "--short", "HEAD")
        dirty = git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.CalledProcessError):
        return None
    return head + ("+changes" if dirty else "")


def machine() -> dict:
    """CPU count and model, Python and library versions."""
    from importlib.metadata import version

    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        model = platform.processor()
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "versions": {name: version(name) for name in ("pyoxigraph", "rdflib", "pyshacl")},
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


# ------------------------------------------------------------------------------------- report


def _fmt_s(result: dict | None) -> str:
    if not result:
        return "-"
    if result.get("capped"):
        return ">cap"
    if "error" in result:
        return "error"
    return f"{'>' if result.get('at_least') else ''}{result['seconds']:.2f}"


def _fmt_x(mine: dict | None, theirs: dict | None, cap: float) -> str:
    a, b = _seconds(mine), _seconds(theirs)
    if a is None or not a:
        return "-"
    if b is not None:
        bound = ">" if theirs.get("at_least") else ""
        return f"{bound}{b / a:.0f}x" if b / a >= 10 else f"{bound}{b / a:.1f}x"
    if theirs and theirs.get("capped"):
        return f">{cap / a:.0f}x"
    return "-"


def table(report: dict) -> str:
    """The results as a Markdown table."""
    cap = report["cap_seconds"]
    lines = [
        "| size | cities | triples | case | gnlc s | baseline s | speed-up | gnlc MB "
        "| baseline MB | paired speed-up |",
        "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    loads = []
    for size in report["sizes"]:
        rows = [(case, size["gnlc"].get(case), size["baseline"].get(case)) for case in STAGES]
        for part in ("derive", "parse"):
            key = f"{part}_seconds"
            mine, theirs = size["gnlc"].get("load") or {}, size["baseline"].get("load") or {}
            rows.insert(
                1,
                (
                    f"load: {part}",
                    {"seconds": mine[key]} if key in mine else None,
                    {"seconds": theirs[key]} if key in theirs else _fmt_bound(theirs),
                ),
            )
        for query in QUERIES if "queries" in size["gnlc"] else ():
            mine = size["gnlc"].get("queries", {})
            theirs = size["baseline"].get("queries", {})
            a = mine.get("query_seconds", {}).get(query)
            b = (theirs or {}).get("query_seconds", {}).get(query)
            rows.append(
                (
                    f"query {query}",
                    {"seconds": a} if a is not None else None,
                    {"seconds": b} if b is not None else ({"capped": True} if theirs else None),
                )
            )
        rows.insert(len(STAGES) + 2, ("load + validate + build", *_pipeline(size, cap)))
        for case, mine, theirs in rows:
            memory = ("", "")
            if case in STAGES:
                memory = (_mb(mine), _mb(theirs))
            elif case == f"query {QUERIES[0]}":
                memory = (_mb(size["gnlc"].get("queries")), _mb(size["baseline"].get("queries")))
            stage, _, part = case.partition(": ")
            key = f"{part}_seconds" if part else "seconds"
            paired = size.get("paired", {}).get(stage, {}).get(key)
            shown = "-"
            if paired:
                loads += paired["load_average"]
                shown = f"{paired['median']:.1f}x (n={len(paired['ratios'])})"
            lines.append(
                f"| x{size['factor']:g} | {size['cities']:,} | {size['triples'] or 0:,} | {case} "
                f"| {_fmt_s(mine)} | {_fmt_s(theirs)} | {_fmt_x(mine, theirs, cap)} "
                f"| {memory[0]} | {memory[1]} | {shown} |"
            )
    if loads:
        lines.append("")
        lines.append(
            "Paired speed-up: the median of baseline/gnlc over back-to-back runs (order swapped"
            f" each time); 1-minute load average during them {min(loads):.2f}-{max(loads):.2f}."
        )
    if not report["sizes"]:  # --sizes "": start-up only
        lines = []
    second = second_engine_table(report)
    if second:
        lines += ["", second]
    if report.get("startup"):
        lines += ["", startup_table(report["startup"])]
    return "\n".join(lines).strip("\n")


def startup_table(result: dict) -> str:
    """Start-up and real-size command times, each install kind against its import baseline:
    the ratio of the medians and, where every run was kept, the median of the turn-by-turn
    ratios (paired), with the load average during the runs."""
    paired = any("walls_ms" in times for times in result["commands"].values())
    loads = next(
        (t["load_average"] for t in result["commands"].values() if "load_average" in t), []
    )
    during = f"; 1-minute load average {min(loads):.2f}-{max(loads):.2f}" if loads else ""
    lines = [
        f"Start-up ({result.get('tool', 'runs')}; wall and CPU time, medians{during};"
        f" wheel: {result.get('wheel', 'not timed')}):",
        "",
        "| command | wall ms | CPU ms | x baseline, wall | x baseline, CPU |"
        + (" paired x, wall | paired x, CPU |" if paired else ""),
        "|---|---:|---:|---:|---:|" + ("---:|---:|" if paired else ""),
    ]
    for name, times in result["commands"].items():
        base = None
        if name.startswith("gnlc --help ("):
            base = result["commands"]["import click"]
        elif name.startswith("gnlc query members-by-country ("):
            base = result["commands"]["import click, pyoxigraph"]
        wall = cpu = wall_paired = cpu_paired = ""
        if base:
            wall = f"{times['median_ms'] / base['median_ms']:.2f}x"
            if "cpu_median_ms" in times:
                cpu = f"{times['cpu_median_ms'] / base['cpu_median_ms']:.2f}x"
            if "walls_ms" in times and "walls_ms" in base:
                wall_paired = f"{_paired_ratio(times['walls_ms'], base['walls_ms']):.2f}x"
                cpu_paired = f"{_paired_ratio(times['cpus_ms'], base['cpus_ms']):.2f}x"
        shown_cpu = f"{times['cpu_median_ms']:,.0f}" if "cpu_median_ms" in times else "-"
        row = f"| `{name}` | {times['median_ms']:,.0f} | {shown_cpu} | {wall} | {cpu} |"
        lines.append(row + (f" {wall_paired} | {cpu_paired} |" if paired else ""))
    return "\n".join(lines)


def second_engine_table(report: dict) -> str:
    """gnlc's SHACL findings against pyshacl-turbo's (and pySHACL's where it finished)."""
    rows = []
    for size in report["sizes"]:
        for data, found in (size.get("second_engine") or {}).items():
            if "error" in found:
                rows.append(f"| x{size['factor']:g} | {data} | error: {found['error']} |||||||")
                continue
            pyshacl = size.get("equivalence") if data == "valid" else None
            same_pyshacl = "-"
            if pyshacl:
                same_pyshacl = "identical" if pyshacl["same_findings"] else "differ"
            found_shown = f"{found['violations']:,} / {found['warnings']:,}"
            triples = f"{found.get('triples') or 0:,}"
            turbo_shown = f"{found['turbo_violations']:,} / {found['turbo_warnings']:,}"
            rows.append(
                f"| x{size['factor']:g} | {data} | {triples} "
                f"| {found_shown} "
                f"| {turbo_shown} | {'identical' if found['same_findings'] else 'differ'} "
                f"| {same_pyshacl} | {found['gnlc_seconds'] or 0:.2f} "
                f"| {found['turbo_seconds'] or 0:.2f} | {found['turbo_peak_mb'] or 0:,.0f} |"
            )
    if not rows:
        return ""
    versions = report["machine"]["versions"]
    head = [
        f"SHACL findings, gnlc against pyshacl-turbo {versions.get('pyshacl-turbo')} (focus,"
        " path, constraint component, source shape, value, severity; queries/checks left out):",
        "",
        "| size | data | triples | gnlc violations / warnings | pyshacl-turbo violations /"
        " warnings | gnlc = pyshacl-turbo | gnlc = pySHACL | gnlc s | pyshacl-turbo s "
        "| pyshacl-turbo MB |",
        "|---|---|---:|---:|---:|---|---|---:|---:|---:|",
    ]
    return "\n".join(head + rows)


def _fmt_bound(result: dict) -> dict | None:
    """A capped or skipped load's parse and derive cells: capped too, else unknown."""
    return {"capped": True} if result.get("capped") else None


def _pipeline(size: dict, cap: float) -> tuple[dict | None, dict | None]:
    """The three stages summed; a baseline stage stopped at the cap counts as the cap (a bound).

    A stage skipped because a smaller size already went over the cap leaves the sum unknown.
    """
    mine = [_seconds(size["gnlc"].get(stage)) for stage in STAGES]
    if None in mine:
        return None, None
    theirs, bounded = 0.0, False
    for stage in STAGES:
        result = size["baseline"].get(stage)
        if not result or result.get("skipped") or "error" in result:
            return {"seconds": sum(mine)}, None
        if result.get("capped"):
            theirs, bounded = theirs + cap, True
        else:
            theirs += result["seconds"]
    return {"seconds": sum(mine)}, {"seconds": theirs, "at_least": bounded}


def _mb(result: dict | None) -> str:
    if not result or "peak_mb" not in result:
        return "-"
    prefix = ">=" if result.get("capped") else ""
    return f"{prefix}{result['peak_mb']:,.0f}"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark (or, with --case, one case as a child process)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="0.1,1,10,100", help="factors of the real size")
    parser.add_argument("--cap", type=float, default=120.0, help="seconds per baseline case")
    parser.add_argument("--no-baseline", action="store_true", help="measure gnlc only")
    parser.add_argument("--no-startup", action="store_true", help="skip start-up timings")
    parser.add_argument(
        "--no-wheel",
        action="store_true",
        help="time start-up for this environment's install only, not also a wheel install",
    )
    parser.add_argument("--runs", type=int, default=10, help="runs per start-up command")
    parser.add_argument(
        "--repeat", type=int, default=3, help="interleaved gnlc/baseline runs per case and size"
    )
    parser.add_argument(
        "--cases",
        default=",".join(CASES),
        help="cases to run (load is always run: it gives the size)",
    )
    parser.add_argument(
        "--no-second-engine",
        action="store_true",
        help="skip the finding-by-finding comparison with pyshacl-turbo",
    )
    parser.add_argument(
        "--floor-sizes",
        default="real,10",
        help="data for `gnlc build` against the Oxigraph floor: real and/or factors ('' skips)",
    )
    parser.add_argument(
        "--floor-only", action="store_true", help="only the floor comparison (no cases)"
    )
    parser.add_argument(
        "--gnlc",
        help="the gnlc command the floor comparison times (default: this environment's), "
        "e.g. a wheel install's",
    )
    parser.add_argument("--json", type=Path, default=RESULTS, help="where to write the results")
    parser.add_argument(
        "--readme",
        action="store_true",
        help="measure nothing: rewrite README.md's generated benchmark section from --json",
    )
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.readme:
        return write_readme(args.json, REPO / "README.md")
    if args.case:
        engine, case = args.case.split(":")
        print(json.dumps(run_case(engine, case, args.root, args.cap)))
        return 0
    started = time.perf_counter()
    report: dict = {"machine": machine(), "cap_seconds": args.cap, "real": real_size()}
    report["started"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    report["commit"] = commit()
    over: set = set()
    second = not args.no_second_engine and "validate" in args.cases.split(",")
    if second:
        report["machine"]["versions"]["pyshacl-turbo"] = _version("pyshacl-turbo")
        second = report["machine"]["versions"]["pyshacl-turbo"] is not None
    # --sizes "": start-up only; --floor-only: only the floor comparison
    sizes = [] if args.floor_only else [float(x) for x in args.sizes.split(",") if x.strip()]
    cases = tuple(c for c in CASES if c == "load" or c in args.cases.split(","))
    with tempfile.TemporaryDirectory(prefix="gnlc-bench-") as folder:
        workdir = Path(folder)
        share = report["real"]["thai_share"]
        report["sizes"] = [
            measure_size(
                f, workdir, args.cap, not args.no_baseline, over, share, cases, args.repeat, second
            )
            for f in sizes
        ]
        report["ratios"] = ratios(report["sizes"], args.cap) if report["sizes"] else {}
        floors = [x for x in args.floor_sizes.split(",") if x]
        if floors:
            gnlc = args.gnlc or default_gnlc()
            found = shutil.which(gnlc)
            if found is None:
                parser.error(f"--gnlc: {gnlc}: no such command")
            gnlc = os.path.abspath(found)  # the runs start in a temporary folder
            report["floor_install"] = gnlc_install(gnlc)
            report["floor"] = floor_comparison(workdir, floors, args.repeat, share, gnlc)
        if not args.no_startup and not args.floor_only:
            print("  start-up ...", file=sys.stderr, flush=True)
            report["startup"] = startup(workdir, args.runs, not args.no_wheel)
    report["wall_seconds"] = round(time.perf_counter() - started, 1)
    report["table"] = table(report) if report["sizes"] or report.get("startup") else ""
    if "floor" in report:
        floor = floor_table(report["floor"]) + "\n\n" + install_line(report["floor_install"])
        report["table"] = (report["table"] + "\n\n" + floor).strip()
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(report["table"])
    print(json.dumps({"ratios": report["ratios"], "startup": report.get("startup")}, indent=1))
    return 0


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    sys.exit(main())
