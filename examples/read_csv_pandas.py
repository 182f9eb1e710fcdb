"""Read the release CSV with pandas, keeping country codes as text.

Usage: gnlc build   then   python examples/read_csv_pandas.py dist/gnlc-members.csv

pandas turns the text "NA" (Namibia's ISO code) into a missing value by default: read every
column as text and only the empty cell as missing.
"""

from __future__ import annotations

import sys

import pandas as pd


def read(path: str) -> pd.DataFrame:
    """The members table, codes intact; years and coordinates as numbers where known."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    for column in ("cohort_year", "attested_year"):
        frame[column] = pd.to_numeric(frame[column]).astype("Int64")
    for column in ("latitude", "longitude"):
        frame[column] = pd.to_numeric(frame[column])
    return frame


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__.splitlines()[2])
    frame = read(sys.argv[1])
    per_country = frame.groupby("country_code").size().sort_values(ascending=False)
    print(f"{len(frame)} members in {frame['country_code'].nunique()} countries")
    print(per_country.head(10).to_string())


if __name__ == "__main__":
    main()
