"""scripts/import_members.py on small CSVs: what it writes and what it refuses (read by rdflib)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from conftest import ROOT
from helpers import load_script

COLUMNS = [
    "name_en",
    "country",
    "cohort_year",
    "attested_date",
    "source",
    "evidence",
    "attested_by",
    "name_en_source",
    "name_local",
    "name_local_lang",
    "note",
]
GNLC = "https://w3id.org/gnlc/ontology#"
XL = "http://www.w3.org/2008/05/skos-xl#"
DCT = "http://purl.org/dc/terms/"


@pytest.fixture(scope="module")
def importer():
    return load_script(ROOT, "import_members")


def run(importer, tmp_path: Path, rows: list[dict]) -> tuple[int, Path]:
    table = tmp_path / "rows.csv"
    with table.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, COLUMNS)
        writer.writeheader()
        writer.writerows({c: row.get(c, "") for c in COLUMNS} for row in rows)
    out = tmp_path / "members"
    code = importer.main([str(table), "--out", str(out)])
    return code, out


def test_a_member_without_a_year_is_attested_and_its_names_cite_their_sources(
    importer, tmp_path: Path
) -> None:
    import rdflib

    news, reference = "https://example.org/news-2024", "https://example.org/reference"
    row = {
        "name_en": "Testgrad",
        "country": "Russian Federation",
        "attested_date": "2024-02",
        "source": f"{news} https://example.org/a-later-page",
        "name_en_source": reference,
        "name_local": "Тестград",
        "name_local_lang": "ru",
    }
    code, out = run(importer, tmp_path, [row])
    assert code == 0
    g = rdflib.Graph().parse(out / "RU.ttl", format="turtle")
    city = rdflib.URIRef("https://w3id.org/gnlc/city/ru-testgrad")
    membership = rdflib.URIRef(str(city) + "#membership")
    assert (membership, rdflib.URIRef(GNLC + "startYear"), None) not in g
    assert g.value(membership, rdflib.URIRef(GNLC + "attestedBy")) == rdflib.URIRef(news)
    date = g.value(membership, rdflib.URIRef(GNLC + "attestedDate"))
    assert str(date) == "2024-02" and str(date.datatype).endswith("#gYearMonth")
    labels = {
        str(g.value(label, rdflib.URIRef(XL + "literalForm"))): {
            str(s) for s in g.objects(label, rdflib.URIRef(DCT + "source"))
        }
        for label in g.objects(city, rdflib.URIRef(XL + "prefLabel"))
    }
    assert labels == {
        "Testgrad": {reference},
        "Тестград": {news, "https://example.org/a-later-page"},
    }


def test_a_member_no_dated_page_names_is_attested_without_a_date(importer, tmp_path: Path) -> None:
    import rdflib

    row = {
        "name_en": "Testgrad",
        "country": "Russian Federation",
        "source": "https://example.org/profile",
        "note": "The page shows no date and gives no joining year.",
    }
    code, out = run(importer, tmp_path, [row])
    assert code == 0
    g = rdflib.Graph().parse(out / "RU.ttl", format="turtle")
    membership = rdflib.URIRef("https://w3id.org/gnlc/city/ru-testgrad#membership")
    assert g.value(membership, rdflib.URIRef(GNLC + "attestedBy")) == rdflib.URIRef(row["source"])
    assert (membership, rdflib.URIRef(GNLC + "attestedDate"), None) not in g
    assert (membership, rdflib.URIRef(GNLC + "startYear"), None) not in g


def test_a_row_with_more_cells_than_the_header_is_refused(importer, tmp_path: Path, capsys) -> None:
    table = tmp_path / "rows.csv"
    table.write_text(
        ",".join(COLUMNS) + "\n"
        "Testgrad,Russian Federation,,2024-02,https://example.org/x,e,,,,,"
        "a note, with an unquoted comma\n",
        encoding="utf-8",
    )
    code = importer.main([str(table), "--out", str(tmp_path / "members")])
    assert code == 2 and not (tmp_path / "members").exists()
    assert "rows.csv:2: 12 cells, the header has 11" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"cohort_year": "", "attested_date": ""}, "attested_date"),
        ({"cohort_year": "", "note": "no year known"}, "shows no date"),
        ({"cohort_year": "", "attested_date": "May 2024"}, "attested_date"),
        ({"cohort_year": "24"}, "is not a year"),
        ({"cohort_year": "2024", "name_local": "Тестград"}, "name_local_lang"),
        ({"cohort_year": "2024", "country": "Ruritania"}, "reviewed table"),
    ],
)
def test_rows_that_cannot_be_recorded_are_refused(
    importer, tmp_path: Path, capsys, row: dict, message: str
) -> None:
    base = {
        "name_en": "Testgrad",
        "country": "Russian Federation",
        "source": "https://example.org/x",
    }
    code, out = run(importer, tmp_path, [{**base, **row}])
    assert code == 2 and not out.exists()
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("São Paulo", "sao-paulo"),  # accents folded
        ("Sønderborg", "sonderborg"),  # ø has no accent to fold: it was dropped ('snderborg')
        ("Balıkesir", "balikesir"),  # dotless i (was 'balkesir')
        ("Łódź", "lodz"),
        ("Straße", "strasse"),
        ("Xi’an", "xian"),  # apostrophes, typographic or not, go without a hyphen
        ("l'Alcora", "lalcora"),
        ("Dun Laoghaire-Rathdown", "dun-laoghaire-rathdown"),
    ],
)
def test_slug_transliterates_every_letter(importer, name: str, expected: str) -> None:
    assert importer.slug(name) == expected


def test_importing_the_real_table_again_changes_nothing(importer, tmp_path: Path) -> None:
    """Every row of scripts/import/members.csv is already in data/members: a re-run adds no city
    and rewrites no file, although two cities were minted before letters like ø were
    transliterated (dk-snderborg, tr-balkesir): they are recognised by their English name."""
    import shutil

    out = shutil.copytree(ROOT / "data/members", tmp_path / "members")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert importer.main([str(ROOT / "scripts/import/members.csv"), "--out", str(out)]) == 0
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
