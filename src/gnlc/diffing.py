"""What changed between two states of the knowledge graph: members, facts and sources.

A state is a release folder (its gnlc.nt), one RDF file, a gnlc root (its sources with derived
links) or a git revision of the project (its sources at that commit). Both graphs are compared
as sets of triples with blank nodes relabelled canonically (RDFC-1.0), so the result does not
depend on file layout, order or blank-node ids.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from gnlc.errors import GnlcError
from gnlc.namespaces import DCTERMS, GNLC, NETWORK, SKOS
from gnlc.paths import RDF_SUFFIXES, RELEASE_DUMP, SOURCE_DIRS
from gnlc.terminal import visible

if TYPE_CHECKING:  # pragma: no cover - types only
    import pyoxigraph

SKOS_PREF = SKOS + "prefLabel"
SOURCE_PREDICATES = (
    DCTERMS + "source",
    f"{GNLC}attestedBy",
    f"{GNLC}regionSource",
)
GIT_TIMEOUT = 60


@dataclass
class Member:
    """A member city by IRI, with its English name (as the state that has it records it)."""

    iri: str
    name: str


@dataclass
class Change:
    """One subject present in both states whose values of one predicate differ."""

    subject: str
    label: str
    predicate: str
    removed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)


@dataclass
class Diff:
    """Everything that differs between OLD and NEW."""

    old: str
    new: str
    old_triples: int
    new_triples: int
    triples_added: int
    triples_removed: int
    old_members: int
    new_members: int
    members_added: list[Member]
    members_removed: list[Member]
    subjects_added: int
    subjects_removed: int
    changes: list[Change]
    sources_added: list[str]
    sources_removed: list[str]

    def as_dict(self) -> dict:
        """The JSON form."""
        return asdict(self)

    @property
    def empty(self) -> bool:
        """True when both states hold the same triples."""
        return not (self.triples_added or self.triples_removed)


def _git(root: Path, *args: str, binary: bool = False) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(
            ["git", "-C", str(root), *args],
            capture_output=True,
            text=not binary,
            timeout=GIT_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise GnlcError(f"git: {exc}") from None


def _revision(root: Path, spec: str) -> str | None:
    """The commit id spec names in root's repository, or None."""
    if spec.startswith("-") or not spec or len(spec) > 256 or re.search(r"[\x00-\x20]", spec):
        return None
    found = _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{spec}^{{commit}}")
    commit = found.stdout.strip() if found.returncode == 0 else ""
    return commit if re.fullmatch(r"[0-9a-f]{40,64}", commit) else None


def _sources_at(root: Path, commit: str, into: Path) -> Path:
    """The project's source folders as they were at commit, extracted under into."""
    import io
    import tarfile

    listed = _git(root, "ls-tree", "--name-only", commit)
    present = [name for name in SOURCE_DIRS if name in listed.stdout.split()]
    if len(present) != len(SOURCE_DIRS):
        missing = ", ".join(sorted(set(SOURCE_DIRS) - set(present)))
        raise GnlcError(f"revision {commit[:12]}: not a gnlc root (no {missing}/)")
    _refuse_large_blobs(root, commit, present)
    archive = _git(root, "archive", "--format=tar", commit, "--", *present, binary=True)
    if archive.returncode != 0:
        message = archive.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GnlcError(f"git archive {commit[:12]}: {message[-1] if message else 'failed'}")
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        if hasattr(tarfile, "data_filter"):
            try:
                tar.extractall(into, filter="data")
            except tarfile.FilterError as exc:  # e.g. a link to /etc/passwd in data/
                raise GnlcError(f"git archive {commit[:12]}: refused entry ({exc})") from None
        else:  # Python before the extraction filters: only plain files and folders, inside into
            for member in tar.getmembers():
                name = Path(member.name)
                if (
                    name.is_absolute()
                    or ".." in name.parts
                    or not (member.isfile() or member.isdir())
                ):
                    raise GnlcError(f"git archive {commit[:12]}: refused entry {member.name!r}")
            tar.extractall(into)
    return into


def _refuse_large_blobs(root: Path, commit: str, folders: list[str]) -> None:
    """Refuse a revision whose source files are larger than gnlc reads, before archiving it:
    the archive is held in memory, and git stores a 12 GB file of one repeated byte in a few
    MB (the limits of paths.read_regular: each file, and all of them together)."""
    from gnlc.paths import MAX_SOURCE_BYTES

    listed = _git(root, "ls-tree", "-r", "-l", "-z", commit, "--", *folders, binary=True)
    if listed.returncode != 0:
        return  # git archive says what is wrong
    total = 0
    for entry in listed.stdout.split(b"\0"):
        head, _, name = entry.partition(b"\t")
        fields = head.split()
        if len(fields) == 4 and fields[3].isdigit():
            size = int(fields[3])
            total += size
            if size > MAX_SOURCE_BYTES or total > 2 * MAX_SOURCE_BYTES:
                shown = name.decode("utf-8", "replace")
                raise GnlcError(
                    f"revision {commit[:12]}: {shown} is {size:,} bytes; a source file is read"
                    f" only up to {MAX_SOURCE_BYTES:,} bytes (and a revision's sources up to"
                    f" {2 * MAX_SOURCE_BYTES:,})"
                )


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except (OSError, ValueError):
        return False


def load_state(spec: str, root: Path):
    """(pyoxigraph store, description) for a release folder, RDF file, root or git revision."""
    import pyoxigraph

    from gnlc.loading import parse_file
    from gnlc.sources import load_graph

    path = Path(spec)
    if _exists(path):
        if path.is_dir() and (path / RELEASE_DUMP).is_file():
            path = path / RELEASE_DUMP
        if path.is_file() and path.suffix in RDF_SUFFIXES:
            store = pyoxigraph.Store()
            store.extend(
                pyoxigraph.Quad(t.subject, t.predicate, t.object) for t in parse_file(path, [])
            )
            return store, str(path)
        if path.is_dir() and all((path / name).is_dir() for name in SOURCE_DIRS):
            return load_graph(path.resolve()).store, str(path)
        raise GnlcError(
            f"{spec}: not a release folder (with gnlc.nt), an RDF file "
            f"({', '.join(sorted(RDF_SUFFIXES))}) or a gnlc root"
        )
    commit = _revision(root, spec)
    if commit is None:
        raise GnlcError(
            f"{spec}: no such file or folder, and not a git revision of {root}"
            " (give a release folder, an RDF file, a gnlc root or a revision such as HEAD~1)"
        )
    with tempfile.TemporaryDirectory(prefix="gnlc-diff-") as tmp:
        store = load_graph(_sources_at(root, commit, Path(tmp))).store
    return store, f"{spec} ({commit[:12]})"


def _triples(store: pyoxigraph.Store) -> set[tuple[str, str, str]]:
    from gnlc.canonical import canonical_triples

    return {(str(t.subject), str(t.predicate), str(t.object)) for t in canonical_triples(store)}


def _iri(text: str) -> str:
    return text[1:-1] if text.startswith("<") and text.endswith(">") else text


def _members(triples: set) -> set[str]:
    member_of = f"<{GNLC}memberOf>"
    return {s for s, p, o in triples if p == member_of and o == f"<{NETWORK}>"}


def _english(triples: set) -> dict[str, str]:
    names = {}
    for s, p, o in triples:
        if p == f"<{SKOS_PREF}>" and o.endswith('"@en'):
            names[s] = o[1:-4]
    return names


def _sources(triples: set) -> set[str]:
    wanted = {f"<{p}>" for p in SOURCE_PREDICATES}
    return {_iri(o) for _, p, o in triples if p in wanted and o.startswith("<")}


def compare(old_store, new_store, old: str = "OLD", new: str = "NEW") -> Diff:
    """The difference between two graphs (stores)."""
    before, after = _triples(old_store), _triples(new_store)
    added, removed = after - before, before - after
    names = {**_english(before), **_english(after)}
    old_members, new_members = _members(before), _members(after)

    def members(iris: set[str]) -> list[Member]:
        return [Member(_iri(i), names.get(i, "")) for i in sorted(iris)]

    old_subjects = {s for s, _, _ in before}
    new_subjects = {s for s, _, _ in after}
    both = old_subjects & new_subjects
    grouped: dict[tuple[str, str], Change] = {}
    for triples, side in ((removed, "removed"), (added, "added")):
        for s, p, o in triples:
            if s not in both:
                continue
            change = grouped.setdefault((s, p), Change(_iri(s), names.get(s, ""), _iri(p)))
            getattr(change, side).append(o)
    changes = sorted(grouped.values(), key=lambda c: (c.subject, c.predicate))
    for change in changes:
        change.removed.sort()
        change.added.sort()
    old_sources, new_sources = _sources(before), _sources(after)
    return Diff(
        old=old,
        new=new,
        old_triples=len(before),
        new_triples=len(after),
        triples_added=len(added),
        triples_removed=len(removed),
        old_members=len(old_members),
        new_members=len(new_members),
        members_added=members(new_members - old_members),
        members_removed=members(old_members - new_members),
        subjects_added=len(new_subjects - old_subjects),
        subjects_removed=len(old_subjects - new_subjects),
        changes=changes,
        sources_added=sorted(new_sources - old_sources),
        sources_removed=sorted(old_sources - new_sources),
    )


def _member_line(member: Member) -> str:
    return f"{member.name} <{member.iri}>" if member.name else f"<{member.iri}>"


def render_text(diff: Diff) -> str:
    """A plain-text report."""
    out = [
        f"old: {visible(diff.old)}",
        f"new: {visible(diff.new)}",
        f"triples: {diff.old_triples} -> {diff.new_triples} "
        f"(+{diff.triples_added} -{diff.triples_removed})",
        f"members: {diff.old_members} -> {diff.new_members} "
        f"(+{len(diff.members_added)} -{len(diff.members_removed)})",
    ]
    out += [f"  + {_member_line(m)}" for m in diff.members_added]
    out += [f"  - {_member_line(m)}" for m in diff.members_removed]
    out.append(f"resources: +{diff.subjects_added} -{diff.subjects_removed}")
    out.append(f"facts changed on resources in both: {len(diff.changes)}")
    for change in diff.changes:
        who = f"{change.label} " if change.label else ""
        out.append(f"  {who}<{change.subject}> <{change.predicate}>")
        out += [f"    - {value}" for value in change.removed]
        out += [f"    + {value}" for value in change.added]
    out.append(f"sources: +{len(diff.sources_added)} -{len(diff.sources_removed)}")
    out += [f"  + {s}" for s in diff.sources_added]
    out += [f"  - {s}" for s in diff.sources_removed]
    return "\n".join(out) + "\n"


def _md(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>|])", r"\\\1", visible(text))


def render_markdown(diff: Diff) -> str:
    """A changelog entry."""
    out = [
        f"### Data changes ({_md(diff.old)} → {_md(diff.new)})",
        "",
        f"- Members: {diff.old_members} → {diff.new_members} "
        f"(+{len(diff.members_added)}, −{len(diff.members_removed)})",
        f"- Triples: {diff.old_triples} → {diff.new_triples} "
        f"(+{diff.triples_added}, −{diff.triples_removed})",
        f"- Resources with changed facts: {len({c.subject for c in diff.changes})}",
        f"- Sources: +{len(diff.sources_added)}, −{len(diff.sources_removed)}",
    ]
    for title, members in (
        ("Added members", diff.members_added),
        ("Removed", diff.members_removed),
    ):
        if members:
            out += ["", f"#### {title}", ""]
            out += [f"- {_md(m.name or m.iri)} (<{m.iri}>)" for m in members]
    if diff.changes:
        out += ["", "#### Changed facts", ""]
        for change in diff.changes:
            who = _md(change.label or change.subject)
            values = [f"−`{v}`" for v in change.removed] + [f"+`{v}`" for v in change.added]
            out.append(f"- {who}, <{change.predicate}>: {', '.join(values)}")
    return "\n".join(out) + "\n"
