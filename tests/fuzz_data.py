"""Fuzz gnlc with mutated copies of the real data: seeded, bounded, run as the user runs it.

Each case copies nothing new: the repository's ontology/, data/, shapes/ and queries/ are copied
once to a temporary root; a case mutates one data file (or adds one), runs `gnlc validate`,
`gnlc fmt FILE` and `gnlc build --out` on that root as subprocesses with a time bound, then puts
the file back. A case fails when a command

- exits with a code outside {0, 1, 2}, prints a traceback or an "internal error",
- runs over the bound (the subprocess is killed), or
- accepts (exit 0) a mutation that must be refused: a vocabulary prefix moved to another
  namespace, an invisible character in an IRI (validate and build must exit 1 or 2).

The mutation of case i is a pure function of (seed, i), so any failure is replayed with
`--seed S --only I`; `--keep DIR` saves the mutated file of each failing case.

Usage: python tests/fuzz_data.py [--seed 1] [--cases 40] [--bound 120]
           [--kinds namespace,invisible,...] [--commands validate,fmt,build] [--only I]
           [--keep DIR] [--max-depth 3000] [--max-literal-mb 24]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("ontology", "data", "shapes", "queries")
OK_CODES = (0, 1, 2)
# Prefixes whose terms are classes and predicates: moving one must fail validation.
VOCABULARY_PREFIXES = ("gnlc", "geo", "skos", "skosxl", "dcterms", "org", "rdfs", "rdf")
INVISIBLE = ("\u200d", "\u200b", "\u200c", "\u202e", "\u2066", "\u00ad", "\ufeff", "\u2028")
PREFIX_LINE = re.compile(r"^@prefix ([A-Za-z][\w-]*): <([^>]*)> \.$", re.MULTILINE)


@dataclass
class Mutation:
    """What a case did to which file, and whether gnlc must refuse it."""

    kind: str
    path: str
    detail: str
    must_fail: bool = False


@dataclass
class Case:
    """One case's outcome."""

    index: int
    mutation: Mutation
    runs: list[dict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


# --- mutations: (rng, text of a data file, options) -> (new text, detail, must_fail) -----------


def byte_flip(rng: random.Random, data: bytes, opts) -> tuple[bytes, str, bool]:
    """Flip one to eight random bits anywhere (may break UTF-8, add NUL, anything)."""
    raw = bytearray(data)
    spots = []
    for _ in range(rng.randint(1, 8)):
        at = rng.randrange(len(raw))
        raw[at] ^= 1 << rng.randrange(8)
        spots.append(at)
    return bytes(raw), f"bits flipped at {sorted(spots)}", False


def truncate(rng: random.Random, data: bytes, opts) -> tuple[bytes, str, bool]:
    """Cut the file at a random byte."""
    at = rng.randrange(len(data))
    return data[:at], f"cut at byte {at} of {len(data)}", False


def delete_lines(rng: random.Random, data: bytes, opts) -> tuple[bytes, str, bool]:
    """Delete one to five random lines."""
    lines = data.split(b"\n")
    gone = sorted(rng.sample(range(len(lines)), min(len(lines), rng.randint(1, 5))))
    kept = [line for i, line in enumerate(lines) if i not in set(gone)]
    return b"\n".join(kept), f"lines {[i + 1 for i in gone]} deleted", False


def duplicate_block(rng: random.Random, data: bytes, opts) -> tuple[bytes, str, bool]:
    """Repeat a random blank-line-separated block at the end (same triples twice)."""
    blocks = data.split(b"\n\n")
    i = rng.randrange(len(blocks))
    return data + b"\n\n" + blocks[i] + b"\n", f"block {i} repeated", False


def namespace(rng: random.Random, data: bytes, opts) -> tuple[bytes, str, bool]:
    """Move one used vocabulary prefix to another namespace (http/https swap, # and / swap)."""
    text = data.decode("utf-8")
    used = [
        m
        for m in PREFIX_LINE.finditer(text)
        if m.group(1) in VOCABULARY_PREFIXES and text.count(m.group(1) + ":") > 1
    ]
    if not used:
        return data, "no vocabulary prefix used", False
    m = rng.choice(used)
    iri = m.group(2)
    choices = [
        iri.replace("https://", "http://", 1)
        if iri.startswith("https://")
        else iri.replace("http://", "https://", 1),
        iri[:-1] + ("/" if iri.endswith("#") else "#"),
        iri.replace("www.", "", 1) if "www." in iri else iri.replace("://", "://www.", 1),
    ]
    new = rng.choice(choices)
    line = f"@prefix {m.group(1)}: <{new}> ."
    return (
        (text[: m.start()] + line + text[m.end() :]).encode("utf-8"),
        f"{m.group(1)}: <{iri}> -> <{new}>",
        True,
    )


def invisible(rng: random.Random, data: bytes, opts) -> tuple[bytes, str, bool]:
    """Insert an invisible character into an IRI: a prefix, an <IRI> or a prefixed name."""
    text = data.decode("utf-8")
    char = rng.choice(INVISIBLE)
    spots = [
        m.start() + 1 + rng.randrange(1, max(2, len(m.group(0)) - 1))
        for m in re.finditer(r"<https?://[^>\s]{4,}>", text)
    ]
    # Inside a prefixed name's local part (PN_CHARS allow U+200C and U+200D only).
    if char in "\u200c\u200d":
        spots += [
            m.start(1) + rng.randrange(1, len(m.group(1)))
            for m in re.finditer(r"\b(?:city|country|cohort|award):([a-z][a-z0-9-]{2,})", text)
        ]
    if not spots:
        return data, "no IRI", False
    at = rng.choice(spots)
    line = text.count("\n", 0, at) + 1
    new = text[:at] + char + text[at:]
    return new.encode("utf-8"), f"U+{ord(char):04X} inserted at line {line}", True


def deep_nesting(rng: random.Random, data: bytes, opts) -> tuple[bytes, str, bool]:
    """Append a subject with blank nodes nested deep (allowed terms, so it may validate)."""
    text = data.decode("utf-8")
    subjects = re.findall(r"^(city:[a-z0-9-]+|<https://w3id\.org/gnlc/[^>\s]+>)$", text, re.M)
    subject = rng.choice(subjects) if subjects else "<https://w3id.org/gnlc/city/xx-fuzz>"
    depth = rng.randint(2, opts.max_depth)
    prefix = (
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        if "@prefix rdfs:" not in text
        else ""
    )
    nest = "rdfs:seeAlso [ " * depth + "rdfs:seeAlso <https://example.org/x>" + " ]" * depth
    return (prefix + text + f"\n{subject} {nest} .\n").encode("utf-8"), f"depth {depth}", False


def huge_literal(rng: random.Random, data: bytes, opts) -> tuple[bytes, str, bool]:
    """Give a subject an rdfs:comment of up to --max-literal-mb MiB."""
    text = data.decode("utf-8")
    size = rng.randint(1, max(1, int(opts.max_literal_mb * 1024 * 1024)))
    prefix = (
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        if "@prefix rdfs:" not in text
        else ""
    )
    literal = "".join(rng.choice("ab ก\u0e34") for _ in range(64)) * (size // 64 + 1)
    body = f'\n<https://w3id.org/gnlc/city/xx-fuzz> rdfs:comment "{literal[:size]}"@en .\n'
    return (prefix + text + body).encode("utf-8"), f"{size:,}-character literal", False


def entity_bomb(rng: random.Random, data: bytes, opts) -> tuple[bytes, str, bool]:
    """A new RDF/XML file whose DTD declares nested entities ("billion laughs"): refused."""
    levels = rng.randint(3, 9)
    fan = rng.randint(4, 10)
    lines = ['<!ENTITY e0 "lol">']
    for level in range(1, levels + 1):
        lines.append(f'<!ENTITY e{level} "{f"&e{level - 1};" * fan}">')
    bomb = (
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n' + "\n".join(lines) + "\n]>\n"
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        ' xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">\n'
        '<rdf:Description rdf:about="https://w3id.org/gnlc/city/xx-fuzz">'
        f"<rdfs:comment>&e{levels};</rdfs:comment></rdf:Description>\n</rdf:RDF>\n"
    )
    return bomb.encode("utf-8"), f"{levels} levels of {fan} (up to {fan**levels:,} copies)", True


# Mutations that add a file of their own (beside the chosen one) instead of changing it.
NEW_FILE = {"entity-bomb": ".rdf"}

MUTATIONS: dict[str, Callable] = {
    "namespace": namespace,
    "invisible": invisible,
    "byte-flip": byte_flip,
    "truncate": truncate,
    "delete-lines": delete_lines,
    "duplicate-block": duplicate_block,
    "deep-nesting": deep_nesting,
    "huge-literal": huge_literal,
    "entity-bomb": entity_bomb,
}


# --- running ---------------------------------------------------------------------------------


def gnlc_command() -> list[str]:
    """The installed `gnlc` beside this Python (as the README runs it), else through -c."""
    script = Path(sys.executable).with_name("gnlc")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from gnlc.cli import main; main()"]


def run_gnlc(args: list[str], bound: float, env: dict) -> dict:
    """One command: exit code, seconds, the output's last lines; killed past the bound."""
    start = time.monotonic()
    try:
        done = subprocess.run(
            gnlc_command() + args, capture_output=True, text=True, timeout=bound, env=env
        )
        code, out, err = done.returncode, done.stdout, done.stderr
    except subprocess.TimeoutExpired as exc:
        code = None
        out = (exc.stdout or b"").decode("utf-8", "replace") if exc.stdout else ""
        err = (exc.stderr or b"").decode("utf-8", "replace") if exc.stderr else ""
    return {
        "args": args,
        "code": code,
        "seconds": round(time.monotonic() - start, 2),
        "traceback": "Traceback" in out + err,
        "internal": "internal error" in err,
        "stderr": err.strip().splitlines()[-3:],
    }


def pick_file(rng: random.Random, root: Path) -> Path:
    """A data file: member files more often, since most of the data lives there."""
    files = sorted((root / "data").rglob("*.ttl"))
    return rng.choice(files)


def judge(case: Case, bound: float) -> None:
    """Record each broken promise of the case."""
    for run in case.runs:
        name = run["args"][2]
        if run["code"] is None:
            case.problems.append(f"{name}: killed after the {bound:g}s bound")
        elif run["code"] not in OK_CODES:
            case.problems.append(f"{name}: exit {run['code']}")
        if run["traceback"]:
            case.problems.append(f"{name}: traceback")
        if run["internal"]:
            case.problems.append(f"{name}: internal error: {' / '.join(run['stderr'])}")
        if case.mutation.must_fail and name in ("validate", "build") and run["code"] == 0:
            case.problems.append(f"{name}: accepted a {case.mutation.kind} mutation")


def fuzz(opts, log=print) -> list[Case]:
    """Run the cases; return them all (failures have problems)."""
    kinds = opts.kinds.split(",") if opts.kinds else list(MUTATIONS)
    unknown = set(kinds) - set(MUTATIONS)
    if unknown:
        raise SystemExit(f"unknown mutation kinds: {sorted(unknown)}")
    commands = opts.commands.split(",")
    env = {**os.environ, "GNLC_CACHE": "0"}
    env.pop("GNLC_ROOT", None)
    env.pop("GNLC_DEBUG", None)
    cases = []
    with tempfile.TemporaryDirectory(prefix="gnlc-fuzz-") as tmp:
        root = Path(tmp) / "root"
        for name in SOURCES:
            shutil.copytree(opts.source / name, root / name)
        indices = [opts.only] if opts.only is not None else range(opts.cases)
        for index in indices:
            rng = random.Random(f"{opts.seed}:{index}")
            kind = kinds[index % len(kinds)]
            path = pick_file(rng, root)
            original: bytes | None = path.read_bytes()
            data, detail, must_fail = MUTATIONS[kind](rng, original, opts)
            if kind in NEW_FILE:
                path, original = path.with_name(f"fuzz-{index}{NEW_FILE[kind]}"), None
            shown = str(path.relative_to(root))
            case = Case(index, Mutation(kind, shown, detail, must_fail))
            path.write_bytes(data)
            try:
                for command in commands:
                    args = ["--root", str(root), command]
                    if command == "fmt":
                        args.append(str(path))
                    elif command == "build":
                        args += ["--out", str(Path(tmp) / "dist")]
                    case.runs.append(run_gnlc(args, opts.bound, env))
                judge(case, opts.bound)
                if case.problems and opts.keep:
                    keep = Path(opts.keep)
                    keep.mkdir(parents=True, exist_ok=True)
                    shutil.copy(path, keep / f"case-{opts.seed}-{index}-{path.name}")
            finally:
                if original is None:
                    path.unlink(missing_ok=True)
                else:
                    path.write_bytes(original)
            codes = " ".join(f"{r['args'][2]}={r['code']}({r['seconds']}s)" for r in case.runs)
            verdict = "FAIL " + "; ".join(case.problems) if case.problems else "ok"
            log(f"case {index:3d} {kind:15s} {shown} [{detail[:60]}] {codes}: {verdict}")
            cases.append(case)
    return cases


def options(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cases", type=int, default=40)
    parser.add_argument("--only", type=int, default=None, help="replay one case by its index")
    parser.add_argument("--bound", type=float, default=120.0, help="seconds per command")
    parser.add_argument("--kinds", default="", help=f"comma list of {', '.join(MUTATIONS)}")
    parser.add_argument("--commands", default="validate,fmt,build")
    parser.add_argument("--keep", default="", help="save mutated files of failing cases here")
    parser.add_argument("--max-depth", type=int, default=3000)
    parser.add_argument("--max-literal-mb", type=float, default=24.0)
    parser.add_argument("--source", type=Path, default=ROOT, help="project root to copy")
    parser.add_argument("--json", default="", help="write every case's outcome here")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run, print one line per case and a summary; exit 1 if any case failed."""
    opts = options(argv)
    cases = fuzz(opts)
    failed = [c for c in cases if c.problems]
    if opts.json:
        rows = [
            {"index": c.index, **c.mutation.__dict__, "runs": c.runs, "problems": c.problems}
            for c in cases
        ]
        Path(opts.json).write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    print(f"{len(cases)} cases, {len(failed)} failed (seed {opts.seed})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
