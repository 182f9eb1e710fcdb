"""Validation reports as text, JSON, Turtle (a SHACL report) or GitHub annotations."""

from __future__ import annotations

import json
import re

from gnlc.findings import Report
from gnlc.namespaces import RDF_TYPE, SH, XSD, compact_iri
from gnlc.terminal import visible

# How many resources a text summary line names before "and N more".
LISTED = 20
# `path:line:col: message` (line and column when the parser knows them), as errors.located writes.
_PLACE = re.compile(r"^(?P<file>.+?):(?P<line>[0-9]+)(?::(?P<column>[0-9]+))?: (?P<text>.*)$")


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
        focuses: dict[str, list[str]] = {}
        for f in report.warnings:
            focuses.setdefault(f.message_en, []).append(compact_iri(f.focus) if f.focus else "?")
        for message, names in sorted(focuses.items()):
            names = sorted(set(names))
            shown = ", ".join(names[:LISTED])
            if len(names) > LISTED:
                shown += f" and {len(names) - LISTED} more (--strict or --format json lists all)"
            lines.append(f"warning: {len(names)} resource(s): {message}: {shown}")
    violations, warnings = len(report.violations), len(report.warnings)
    verdict = "conforms" if report.conforms(strict) else "does not conform"
    lines.append(
        f"{verdict}: {violations} violation{'s' * (violations != 1)}, "
        f"{warnings} warning{'s' * (warnings != 1)}, {report.triples} triples checked"
    )
    # File names and values come from the data: a control character in them (a newline that
    # forges a second `file:line:` line, an escape sequence that retitles the terminal) is
    # written as an escape, one finding a line.
    return "\n".join(visible(line) for line in lines) + "\n"


def esc(text: str) -> str:
    """A workflow command's message, escaped as GitHub's toolkit does; other control
    characters (an escape sequence in a file name) are written as escapes first."""
    parts = re.split(r"(\r|\n)", text)
    marks = {"\r": "%0D", "\n": "%0A"}
    return "".join(marks.get(part) or visible(part).replace("%", "%25") for part in parts)


def _property(text: str) -> str:
    """A workflow command's property value (also escapes ':' and ',')."""
    return esc(text).replace(":", "%3A").replace(",", "%2C")


def _github(report: Report) -> str:
    lines = []
    for f in report.findings:
        level = "error" if f.severity == "Violation" else "warning"
        props = []
        if f.file:
            props.append(f"file={_property(f.file)}")
            if f.line:
                props.append(f"line={f.line}")
        props.append(f"title={_property(f.constraint.rsplit('#', 1)[-1])}")
        lines.append(f"::{level} {','.join(props)}::{esc(f'<{f.focus}> {f.message_en}')}")
    return "".join(line + "\n" for line in lines)


def _turtle(report: Report, strict: bool) -> str:
    import pyoxigraph as ox

    from gnlc.turtle import serialize

    sh = SH
    rdf_type = ox.NamedNode(RDF_TYPE)
    node = ox.BlankNode("report")
    triples = [
        ox.Triple(node, rdf_type, ox.NamedNode(sh + "ValidationReport")),
        ox.Triple(
            node,
            ox.NamedNode(sh + "conforms"),
            ox.Literal(
                "true" if report.conforms(strict) else "false",
                datatype=ox.NamedNode(XSD + "boolean"),
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


def _error_place(message: str) -> dict:
    """file, line, column and the message proper from a `path:line:col: message` error."""
    match = _PLACE.match(message)
    if match:
        return {
            "file": match.group("file"),
            "line": int(match.group("line")),
            "column": int(match.group("column") or 0),
            "message_en": match.group("text"),
        }
    file, sep, text = message.partition(": ")
    if sep and " " not in file:
        return {"file": file, "line": 0, "column": 0, "message_en": text}
    return {"file": "", "line": 0, "column": 0, "message_en": message}


def render_error(message: str, fmt: str) -> str:
    """An input error (syntax error, unreadable file...) as a report in fmt, for the machine
    formats; text reports it as the usual one line on stderr, so this gives ""."""
    place = _error_place(message)
    if fmt == "json":
        result = {
            "severity": "Error",
            "focus": "",
            "path": "",
            "constraint": "input-error",
            "message_en": place["message_en"],
            "message_th": "",
            "file": place["file"],
            "line": place["line"],
            "column": place["column"],
            "value": "",
            "shape": "",
        }
        body = {
            "conforms": False,
            "triples": 0,
            "violations": 0,
            "warnings": 0,
            "errors": 1,
            "results": [result],
        }
        return json.dumps(body, ensure_ascii=False, indent=2) + "\n"
    if fmt == "github":
        props = []
        if place["file"]:
            props.append(f"file={_property(place['file'])}")
            if place["line"]:
                props.append(f"line={place['line']}")
            if place["column"]:
                props.append(f"col={place['column']}")
        props.append("title=input error")
        return f"::error {','.join(props)}::{esc(place['message_en'])}\n"
    if fmt == "turtle":
        return _turtle_error(message)
    return ""


def _turtle_error(message: str) -> str:
    """A SHACL report that does not conform, its one result carrying the error message."""
    import pyoxigraph as ox

    from gnlc.turtle import serialize

    sh = SH
    rdf_type = ox.NamedNode(RDF_TYPE)
    node, result = ox.BlankNode("report"), ox.BlankNode("error")
    false = ox.Literal("false", datatype=ox.NamedNode(XSD + "boolean"))
    triples = [
        ox.Triple(node, rdf_type, ox.NamedNode(sh + "ValidationReport")),
        ox.Triple(node, ox.NamedNode(sh + "conforms"), false),
        ox.Triple(node, ox.NamedNode(sh + "result"), result),
        ox.Triple(result, rdf_type, ox.NamedNode(sh + "ValidationResult")),
        ox.Triple(result, ox.NamedNode(sh + "resultSeverity"), ox.NamedNode(sh + "Violation")),
        ox.Triple(result, ox.NamedNode(sh + "resultMessage"), ox.Literal(message, language="en")),
    ]
    return serialize(triples)
