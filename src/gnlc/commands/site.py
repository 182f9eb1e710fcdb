"""`gnlc site`: validate, then write the static linked-data site atomically."""

from __future__ import annotations

from pathlib import Path

import click

from gnlc.commands.common import (
    default_output,
    echo_out,
    refuse,
    root_of,
    shacl_options,
    warn_gaps,
)
from gnlc.errors import NONCONFORMING, OK
from gnlc.terminal import visible


@click.command("site", short_help="Validate, then build the static site.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Site folder (default: site/ under the root); replaced whole on every build.",
)
@click.option(
    "--base-url",
    default=None,
    metavar="URL",
    help="Where the site will be hosted (default: the IRI base https://w3id.org/gnlc/): "
    "absolute URLs in sitemap, canonical links and schema.org; the 404 page's path; "
    "w3id.htaccess forwarding w3id.org/gnlc/ to it.",
)
@click.pass_context
def command(ctx: click.Context, out: Path | None, base_url: str | None) -> None:
    """Validate, then build the static linked-data site in English and Thai.

    \b
    One page per city, country, region, cohort, characteristic, SDG, award edition and
    vocabulary term (en/PATH.html, th/PATH.html) with its RDF beside it (PATH.ttl,
    PATH.jsonld, PATH.nt, PATH.rdf); index pages, an offline world map, a growth chart, the
    release dumps in dist/, sitemap.xml, a 404 page and the .htaccess that negotiates (Apache
    type maps: Accept and Accept-Language q-values honoured).
    Nothing is written if the data does not conform.

    \b
    Examples:
      gnlc site && python -m http.server -d site 8000   # runs until Ctrl-C
      gnlc site --out /tmp/site --base-url https://example.org/gnlc/
    """
    from gnlc.site import build_site

    root = root_of(ctx)
    out = out or default_output(ctx, root, "site")
    report, result = build_site(root, out, base_url, options=shacl_options())
    if result is None:
        refuse(report, f"site refused: data does not conform; {out} left unchanged")
        ctx.exit(NONCONFORMING)
    warn_gaps(report)
    size = sum(len(data) for data in result.files.values())
    echo_out(visible(f"wrote {out}: {result.pages} pages, {len(result.files)} files, {size:,} B"))
    ctx.exit(OK)
