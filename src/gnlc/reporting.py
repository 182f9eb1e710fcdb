"""Validation reports as text, JSON, Turtle (a SHACL report) or GitHub annotations."""

from __future__ import annotations

import json

from gnlc.validation import Report


def _line(f) -> str:
    place = f"{f.file}:{f.line}: " if f.file and f.line else (f"{f.file}: " if f.file else "")
    path = f" [{f.path}]" if f.path else ""
    value = f" (value: {f.value})" if f.value else ""
    return f"{place}{f.severity.lower()}: <{f.focus}>{path}: {f.message_en}{value}"


def _text(report: Report, strict: bool, verbose: bool = False) -> str:
    """Violations one a line; warnings (data gaps) summarised unless strict or verbose."""
    lines = [_line(f) for f in report.violations]
    if strict or verbose:
        lines += [_line(f) for f in report.warnings]
    else:
        counts: dict[str, int] = {}
        for f in report.warnings:
            counts[f.message_en] = counts.get(f.message_en, 0) + 1
        for message, count in sorted(counts.items()):
            lines.append(f"warning: {count} resource(s): {message} (--format json lists them)")
    violations, warnings = len(report.violations), len(report.warnings)
    verdict = "conforms" if report.conforms(strict) else "does not conform"
    lines.append(
        f"{verdict}: {violations} violation{'s' * (violations != 1)}, "
        f"{warnings} warning{'s' * (warnings != 1)}, {report.triples} triples checked"
    )
    return "\n".join(lines) + "\n"


def _github(report: Report) -> str:
    def esc(text: str) -> str:
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    lines = []
    for f in report.findings:
        level = "error" if f.severity == "Violation" else "warning"
        props = []
        if f.file:
            props.append(f"file={esc(f.file)}")
            if f.line:
                props.append(f"line={f.line}")
        props.append(f"title={esc(f.constraint.rsplit('#', 1)[-1])}")
        lines.append(f"::{level} {','.join(props)}::{esc(f'<{f.focus}> {f.message_en}')}")
    return "".join(line + "\n" for line in lines)


def _turtle(report: Report, strict: bool) -> str:
    import pyoxigraph as ox

    from gnlc.turtle import serialize

    sh = "http://www.w3.org/ns/shacl#"
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    node = ox.BlankNode("report")
    triples = [
        ox.Triple(node, rdf_type, ox.NamedNode(sh + "ValidationReport")),
        ox.Triple(
            node,
            ox.NamedNode(sh + "conforms"),
            ox.Literal(
                "true" if report.conforms(strict) else "false",
                datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"),
            ),
        ),
    ]
    for i, f in enumerate(report.findings):
        result = ox.BlankNode(f"r{i}")
        triples.append(ox.Triple(node, ox.NamedNode(sh + "result"), result))
        triples.append(ox.Triple(result, rdf_type, ox.NamedNode(sh + "ValidationResult")))
        triples.append(
            ox.Triple(result, ox.NamedNode(sh + "resultSeverity"), ox.NamedNode(sh + f.severity))
        )
        if f.focus:
            focus = ox.NamedNode(f.focus) if ":" in f.focus else ox.Literal(f.focus)
            triples.append(ox.Triple(result, ox.NamedNode(sh + "focusNode"), focus))
        if f.path and not f.path.startswith(("^", "(")):
            triples.append(ox.Triple(result, ox.NamedNode(sh + "resultPath"), ox.NamedNode(f.path)))
        if f.constraint.startswith("http"):
            triples.append(
                ox.Triple(
                    result,
                    ox.NamedNode(sh + "sourceConstraintComponent"),
                    ox.NamedNode(f.constraint),
                )
            )
        if f.shape:
            triples.append(
                ox.Triple(result, ox.NamedNode(sh + "sourceShape"), ox.NamedNode(f.shape))
            )
        for text, lang in ((f.message_en, "en"), (f.message_th, "th")):
            if text:
                triples.append(
                    ox.Triple(
                        result, ox.NamedNode(sh + "resultMessage"), ox.Literal(text, language=lang)
                    )
                )
    return serialize(triples)


def render_report(report: Report, fmt: str, strict: bool = False) -> str:
    """The report in one of text, json, turtle, github."""
    if fmt == "json":
        body = {
            "conforms": report.conforms(strict),
            "triples": report.triples,
            "violations": len(report.violations),
            "warnings": len(report.warnings),
            "results": [f.as_dict() for f in report.findings],
        }
        return json.dumps(body, ensure_ascii=False, indent=2) + "\n"
    if fmt == "turtle":
        return _turtle(report, strict)
    if fmt == "github":
        return _github(report)
    return _text(report, strict)
