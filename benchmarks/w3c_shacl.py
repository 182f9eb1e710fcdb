"""Run the W3C SHACL test suite (Core and SPARQL) through `gnlc validate DATA --shapes SHAPES`.

The suite is not part of this repository: fetch w3c/data-shapes and point this script at a copy
of `data-shapes-test-suite/tests` (or any folder of it holding `manifest.ttl` files):

    python benchmarks/w3c_shacl.py /path/to/tests            # every test, `gnlc` in a subprocess
    python benchmarks/w3c_shacl.py /path/to/tests --in-process   # the same CLI through CliRunner

Each test runs in a throwaway gnlc root whose ontology, shapes and checks are empty, so the
report holds exactly what the test's shapes find; `--project-root` runs inside this repository
instead (its own shapes added, as a user would) and keeps only results on nodes of the test's
data. `--strict` makes warnings count, as SHACL's sh:conforms does. For each test it compares
conforms and the set of results (focus node, path, severity, constraint component and the
value where the manifest gives one; blank nodes match any blank node) with the manifest's
expected report; a test expecting sht:Failure passes when gnlc refuses the shapes (exit 2). It
prints pass/fail counts per folder and, with `--debug`, which tests fell back to pySHACL.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
SHT = "http://www.w3.org/ns/shacl-test#"
SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
BLANK = "_:"
# gnlc prints this line on stderr under --debug when the compiled engine hands over to pySHACL.
FALLBACK = re.compile(r"using pySHACL", re.IGNORECASE)


@dataclass
class Case:
    """One sht:Validate entry of a manifest."""

    name: str
    folder: str
    data: Path
    shapes: Path
    failure: bool
    conforms: bool | None = None
    results: Counter = field(default_factory=Counter)


@dataclass
class Outcome:
    """What gnlc did with one case."""

    case: Case
    passed: bool
    reason: str = ""
    fallback: bool = False


def _path_text(graph, node, top: bool = True) -> str:
    """A SHACL path as SPARQL property path text: the same notation gnlc's reports use."""
    import rdflib

    sh = rdflib.Namespace(SH)
    if isinstance(node, rdflib.URIRef):
        return str(node) if top else f"<{node}>"

    def wrap(text: str) -> str:
        return text if top else f"({text})"

    def inner(n) -> str:
        text = _path_text(graph, n, top=False)
        return text if isinstance(n, rdflib.URIRef) or text.startswith("(") else f"({text})"

    if graph.value(node, rdflib.RDF.first) is not None:
        items = list(rdflib.collection.Collection(graph, node))
        return wrap("/".join(_path_text(graph, i, top=False) for i in items))
    alternatives = graph.value(node, sh.alternativePath)
    if alternatives is not None:
        items = list(rdflib.collection.Collection(graph, alternatives))
        return wrap("|".join(_path_text(graph, i, top=False) for i in items))
    for predicate, mark in (
        (sh.zeroOrMorePath, "*"),
        (sh.oneOrMorePath, "+"),
        (sh.zeroOrOnePath, "?"),
    ):
        target = graph.value(node, predicate)
        if target is not None:
            return inner(target) + mark
    target = graph.value(node, sh.inversePath)
    if target is not None:
        return "^" + inner(target)
    return "(unknown path)"


def _term(node) -> str:
    import rdflib

    if node is None:
        return ""
    if isinstance(node, rdflib.BNode):
        return BLANK
    return str(node)


def _severity(node) -> str:
    text = str(node)
    return text[len(SH) :] if text.startswith(SH) else text


def _expected(graph, report, case: Case) -> None:
    import rdflib

    sh = rdflib.Namespace(SH)
    conforms = graph.value(report, sh.conforms)
    case.conforms = conforms is not None and conforms.toPython() is True
    for result in graph.objects(report, sh.result):
        path = graph.value(result, sh.resultPath)
        value = graph.value(result, sh.value)
        case.results[
            (
                _term(graph.value(result, sh.focusNode)),
                _path_text(graph, path) if path is not None else "",
                _severity(graph.value(result, sh.resultSeverity)),
                str(graph.value(result, sh.sourceConstraintComponent)),
                _term(value) if value is not None else None,
            )
        ] += 1


def _file_of(iri, base: Path) -> Path:
    from urllib.parse import unquote, urlparse

    return Path(unquote(urlparse(str(iri)).path)) if str(iri).startswith("file:") else base


def read_manifest(path: Path, suite: Path, seen: set | None = None) -> list[Case]:
    """Every test of a manifest and the manifests it includes, in order."""
    import rdflib
    from rdflib.collection import Collection

    seen = set() if seen is None else seen
    path = path.resolve()
    if path in seen:
        return []
    seen.add(path)
    # Lexical forms as written (gnlc reports them so): rdflib would rewrite "01" as "1".
    normalize, rdflib.NORMALIZE_LITERALS = rdflib.NORMALIZE_LITERALS, False
    try:
        graph = rdflib.Graph().parse(path, format="turtle", publicID=path.as_uri())
    finally:
        rdflib.NORMALIZE_LITERALS = normalize
    mf, sht = rdflib.Namespace(MF), rdflib.Namespace(SHT)
    cases = []
    for manifest in graph.subjects(rdflib.RDF.type, mf.Manifest):
        for include in graph.objects(manifest, mf.include):
            cases += read_manifest(_file_of(include, path), suite, seen)
        for entries in graph.objects(manifest, mf.entries):
            for test in Collection(graph, entries):
                if (test, rdflib.RDF.type, sht.Validate) not in graph:
                    continue
                action = graph.value(test, mf.action)
                result = graph.value(test, mf.result)
                folder = path.parent.relative_to(suite).as_posix()
                case = Case(
                    name=f"{folder}/{str(test).rsplit('/', 1)[-1]}",
                    folder=folder,
                    data=_file_of(graph.value(action, sht.dataGraph), path),
                    shapes=_file_of(graph.value(action, sht.shapesGraph), path),
                    failure=result == sht.Failure,
                )
                if not case.failure:
                    _expected(graph, result, case)
                cases.append(case)
    return cases


def collect(suite: Path) -> list[Case]:
    """The tests under suite: its manifest.ttl, else each manifest.ttl below it."""
    top = suite / "manifest.ttl"
    manifests = [top] if top.is_file() else sorted(suite.rglob("manifest.ttl"))
    seen: set = set()
    cases = []
    for manifest in manifests:
        cases += read_manifest(manifest, suite, seen)
    return cases


def empty_root(where: Path) -> Path:
    """A gnlc root with an empty ontology, no reference data, no shapes and no checks."""
    for folder in ("ontology", "data/reference", "shapes", "queries/checks"):
        (where / folder).mkdir(parents=True, exist_ok=True)
    (where / "ontology/gnlc.ttl").write_text("", encoding="utf-8")
    (where / "shapes/gnlc.shacl.ttl").write_text("", encoding="utf-8")
    return where


def _gnlc_command() -> str:
    """The installed `gnlc` beside this Python, else the one on PATH."""
    beside = Path(sys.executable).parent / "gnlc"
    return str(beside) if beside.exists() else (shutil.which("gnlc") or "gnlc")


def run_gnlc(args: list[str], in_process: bool) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `gnlc ARGS`."""
    if not in_process:
        done = subprocess.run(
            [_gnlc_command(), *args],
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        )
        return done.returncode, done.stdout, done.stderr
    from click.testing import CliRunner

    from gnlc.cli import cli

    before = os.environ.get("GNLC_DEBUG")
    try:
        result = CliRunner().invoke(cli, args, catch_exceptions=True)
    finally:  # `--debug` sets GNLC_DEBUG for the process: leave it as it was
        if before is None:
            os.environ.pop("GNLC_DEBUG", None)
        else:
            os.environ["GNLC_DEBUG"] = before
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        return 3, result.stdout, f"{type(result.exception).__name__}: {result.exception}"
    return result.exit_code, result.stdout, result.stderr


def _data_terms(path: Path) -> set[str]:
    """The IRIs and literal forms written in a test's data (to tell them from blank-node ids)."""
    import pyoxigraph as ox

    with path.open("rb") as handle:
        triples = ox.parse(handle, format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri())
        return {
            t.value
            for q in triples
            for t in (q.subject, q.predicate, q.object)
            if not isinstance(t, ox.BlankNode)
        }


def with_base(path: Path, folder: Path) -> Path:
    """A copy of a test file that states its base IRI (the suite writes `<>` for the file).

    gnlc refuses relative IRIs in a file without @base (they would depend on where the file
    lies); Turtle resolves them against the document's address, so the copy says it.
    """
    target = folder / path.parent.name / path.name
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        text = path.read_text(encoding="utf-8")
        target.write_text(f"@base <{path.resolve().as_uri()}> .\n{text}", encoding="utf-8")
    return target


def run_case(case: Case, root: Path, in_process: bool, debug: bool, project: bool) -> Outcome:
    """Validate one case with gnlc and compare with its expected report."""
    args = ["--root", str(root)] + (["--debug"] if debug else [])
    copies = root / "w3c-copies" if not project else Path(tempfile.mkdtemp(prefix="gnlc-w3c-"))
    data, shapes = with_base(case.data, copies), with_base(case.shapes, copies)
    args += ["validate", str(data), "--shapes", str(shapes), "--format", "json"]
    args += ["--strict"]
    code, out, err = run_gnlc(args, in_process)
    fallback = bool(FALLBACK.search(err))
    if case.failure:
        ok = code == 2
        return Outcome(case, ok, "" if ok else f"expected a refusal (exit 2), got exit {code}")
    if code not in (0, 1):
        last = err.strip().splitlines()[-1] if err.strip() else ""
        return Outcome(case, False, f"exit {code}: {last}", fallback)
    terms = _data_terms(case.data)
    try:
        report = json.loads(out)
    except json.JSONDecodeError:
        return Outcome(case, False, f"exit {code} without a JSON report: {err.strip()[-200:]}")
    found: Counter = Counter()
    for r in report["results"]:
        focus = r["focus"] if r["focus"] in terms else BLANK
        if project and focus == BLANK and r["focus"].startswith(("http:", "https:")):
            continue  # a result of the project's own shapes on its own reference data
        found[(focus, r["path"], r["severity"], r["constraint"], r.get("value", ""))] += 1
    # In the project's root its own reference data is validated too: judge by the kept results.
    conforms = not found if project else code == 0
    # The manifest leaves sh:value out where it does not matter: compare it only where given.
    expected = Counter()
    for (focus, path, severity, component, value), n in case.results.items():
        expected[(focus, path, severity, component, value)] += n
    actual: Counter = Counter()
    for (focus, path, severity, component, value), n in found.items():
        wanted_value = any(
            k[:4] == (focus, path, severity, component) and k[4] is not None for k in expected
        )
        shown_value = (value if value in terms else BLANK) if wanted_value else None
        actual[(focus, path, severity, component, shown_value)] += n
    reasons = []
    if conforms != case.conforms:
        reasons.append(f"conforms {conforms}, expected {case.conforms}")
    # gnlc's report is a set of findings: results equal in every compared field count once.
    if set(actual) != set(expected):
        missing, extra = set(expected) - set(actual), set(actual) - set(expected)
        if missing:
            reasons.append(f"missing {sorted(missing, key=str)[:3]}")
        if extra:
            reasons.append(f"unexpected {sorted(extra, key=str)[:3]}")
    return Outcome(case, not reasons, "; ".join(reasons), fallback)


def run_suite(
    suite: Path,
    in_process: bool = False,
    debug: bool = True,
    project_root: Path | None = None,
    only: str = "",
) -> list[Outcome]:
    """Every case of the suite, run and compared."""
    cases = [c for c in collect(suite) if only in c.name]
    with tempfile.TemporaryDirectory(prefix="gnlc-w3c-") as tmp:
        root = project_root or empty_root(Path(tmp))
        return [run_case(c, root, in_process, debug, project_root is not None) for c in cases]


def summary(outcomes: list[Outcome]) -> dict:
    """Pass/fail counts per folder and in total, the failures and the fallbacks."""
    folders: dict[str, dict[str, int]] = {}
    for o in outcomes:
        counts = folders.setdefault(o.case.folder, {"passed": 0, "failed": 0})
        counts["passed" if o.passed else "failed"] += 1
    return {
        "folders": folders,
        "passed": sum(o.passed for o in outcomes),
        "total": len(outcomes),
        "failed": {o.case.name: o.reason for o in outcomes if not o.passed},
        "fallback": sorted(o.case.name for o in outcomes if o.fallback),
    }


def main(argv: list[str] | None = None) -> int:
    """Command line: run the suite, print the counts; exit 1 if any test failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("suite", type=Path, help="folder holding the suite's manifest.ttl files")
    parser.add_argument("--in-process", action="store_true", help="CliRunner, not a subprocess")
    parser.add_argument("--no-debug", action="store_true", help="do not pass --debug to gnlc")
    parser.add_argument("--project-root", type=Path, help="run inside this gnlc root")
    parser.add_argument("--only", default="", help="only tests whose name contains this")
    parser.add_argument("--json", type=Path, help="also write the summary here")
    args = parser.parse_args(argv)
    logging.getLogger("rdflib").setLevel(logging.CRITICAL)  # the suite's ill-formed literals
    warnings.simplefilter("ignore")
    if not args.suite.is_dir():
        print(f"{args.suite}: no such folder", file=sys.stderr)
        return 2
    outcomes = run_suite(
        args.suite, args.in_process, not args.no_debug, args.project_root, args.only
    )
    result = summary(outcomes)
    for folder, counts in sorted(result["folders"].items()):
        total = counts["passed"] + counts["failed"]
        print(f"{folder:28} {counts['passed']:3} / {total:3} passed")
    print(f"{'total':28} {result['passed']:3} / {result['total']:3} passed")
    for name, reason in sorted(result["failed"].items()):
        print(f"FAIL {name}: {reason}")
    for name in result["fallback"]:
        print(f"fallback to pySHACL: {name}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0 if result["passed"] == result["total"] else 1


if __name__ == "__main__":
    sys.exit(main())
