#!/usr/bin/env python3
"""Draws the DEV sample of the domain gate (models/dev_domain.csv): UN General Debate passages that
the developers of the domain rules may read, label and tune on, since the cold sets may not be read.

- Passages: as the cold domain draw makes them (tests/fixtures/cold/make_cold_domain.py:
  paragraphs, cut at 80 words, at least 6 words), of every speech of the UNGDC 50 MB subset,
  all years (MIN_YEAR is lowered to 1946).
- Excluded: every passage of tests/fixtures/cold_gold.csv, cold_sentences.csv and cold_domain.csv,
  matched on the file name and the first 60 characters of the whitespace-normalised passage
  (either contains the other's). Only
  those two columns of the cold files are read, into a set; nothing of them is printed.
- Strata, one random.Random(9001): `d` = passages with a domain word (make_cold_domain.DOMAIN_RE),
  2010 and later; `w` = the same before 2010 (WSIS era); `g` = 2010+ passages with a general word
  (GENERAL_RE) and no domain word. Sizes: --d, --w, --g.

Usage: python3 models/make_dev_domain.py --corpus /tmp/ungdc-50mb --out models/dev_domain.csv
The labels (domain in/out, topic, stance, against ../shared/corpora/topics.md) are written by hand
into the output; re-drawing overwrites them, so draw to another file and compare.
"""
import argparse
import csv
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "fixtures" / "cold"))
import make_cold_domain as mcd  # noqa: E402

COLD = ["tests/fixtures/cold_gold.csv", "tests/fixtures/cold_sentences.csv", "tests/fixtures/cold_domain.csv"]
COLUMNS = ["file", "passage", "topic", "stance", "issuer", "bloc", "year", "stratum", "domain", "note"]


def norm(passage):
    return " ".join(passage.split()).lower()


def cold_texts(root):
    """file name -> normalised cold passages of that speech (never printed)."""
    texts = {}
    for rel in COLD:
        with open(root / rel, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                texts.setdefault(Path(row.get("file", "")).name, []).append(norm(row.get("passage", "")))
    return texts


def is_cold(texts, file, passage):
    """The passage overlaps a cold passage of its speech: either holds the other's first 60
    characters (the cold draws cut paragraphs slightly differently)."""
    p = norm(passage)
    return any(c[:60] in p or p[:60] in c for c in texts.get(Path(file).name, []))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--d", type=int, default=90)
    ap.add_argument("--w", type=int, default=30)
    ap.add_argument("--g", type=int, default=30)
    args = ap.parse_args()
    mcd.MIN_YEAR = 1946
    cold = cold_texts(HERE.parent)
    every = mcd.all_passages(args.corpus)
    rows = [r for r in every if not is_cold(cold, r["file"], r["passage"])]
    rng = random.Random(9001)
    d = [r for r in rows if int(r["year"]) >= 2010 and mcd.DOMAIN_RE.search(r["passage"])]
    w = [r for r in rows if int(r["year"]) < 2010 and mcd.DOMAIN_RE.search(r["passage"])]
    g = [r for r in rows if int(r["year"]) >= 2010 and not mcd.DOMAIN_RE.search(r["passage"])
         and mcd.GENERAL_RE.search(r["passage"])]
    out = []
    for name, pool, n in (("d", d, args.d), ("w", w, args.w), ("g", g, args.g)):
        for r in rng.sample(pool, min(n, len(pool))):
            out.append({**r, "stratum": name})
    print(f"pools: d {len(d)}, w {len(w)}, g {len(g)}; excluded {len(every) - len(rows)} cold passages", file=sys.stderr)
    mcd.write_csv(args.out, COLUMNS, out)


if __name__ == "__main__":
    main()
