#!/usr/bin/env python3
"""Builds models/silver_ungdc.csv: the UNGDC passages the learned complement may take silver labels from.

The learned complement (src/learned/, docs/evaluation.md) is trained on the dev gold plus SILVER
passages: passages on which the lexicon is confident. This script only picks candidate passages
from the UN General Debate subset; `stance fit` labels them with the lexicon in use and keeps the
confident ones, so the silver labels never go stale when the cues change. The speeches themselves
are not in the repository (they are in ../shared/corpora/ungdc-50mb.tar.xz):

    tar -xJf ../shared/corpora/ungdc-50mb.tar.xz -C /tmp
    python3 models/make_silver.py --corpus /tmp/ungdc-50mb --out models/silver_ungdc.csv

Steps (deterministic; Python 3 standard library only):
1. Cold speeches out. Every speech named in the `file` column of tests/fixtures/cold_gold.csv or
   tests/fixtures/cold_domain.csv is skipped whole (matched on the file name): those are the cold
   test sets, and nothing is trained on them. No other column of those files is read.
2. Passages, as the cold-set draw makes them (tests/fixtures/cold/make_cold_gold.py: layout-aware
   paragraphs, wrapped lines joined, cut into whole sentences of at most 80 words, at least 12).
3. `cyber` rows: every passage matching the cold draw's digital keywords (cyber*, ICT(s),
   information technology, information security, Internet, digital*, online, social media,
   artificial intelligence, AI) — where the topics are.
4. `general` rows: GENERAL passages drawn with random.Random(SEED) from speeches of 2000 and
   later among the other passages, at most one per speech: examples of the General Debate's
   ordinary subjects, which the topic head must learn to leave without a cyber topic.

Output columns: `file,kind,passage`, sorted by (kind, file, position).
"""

import argparse
import csv
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "fixtures" / "cold"))
from make_cold_gold import MIN_WORDS, clean, is_candidate, passages, raw_paragraphs, word_count  # noqa: E402

SEED = 41
GENERAL = 400
GENERAL_FROM_YEAR = 2000
COLD = ["tests/fixtures/cold_gold.csv", "tests/fixtures/cold_domain.csv"]


def cold_speeches(root):
    """File names (no folder) of the speeches in the cold sets: their `file` column only."""
    names = set()
    for rel in COLD:
        with open(root / rel, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                names.add(Path(row["file"]).name)
    return names


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, default=Path("/tmp/ungdc-50mb"), help="unpacked ungdc-50mb/")
    ap.add_argument("--out", type=Path, default=HERE / "silver_ungdc.csv")
    args = ap.parse_args()
    if not (args.corpus / "manifest.csv").is_file():
        sys.exit(f"{args.corpus}/manifest.csv not found; unpack ../shared/corpora/ungdc-50mb.tar.xz to /tmp first")
    cold = cold_speeches(HERE.parent)
    with open(args.corpus / "manifest.csv", newline="", encoding="utf-8") as f:
        manifest = sorted(csv.DictReader(f), key=lambda r: r["file"])
    cyber, general, skipped = [], {}, 0
    for row in manifest:
        if Path(row["file"]).name in cold:
            skipped += 1
            continue
        text = (args.corpus / row["file"]).read_text(encoding="utf-8")
        for pos, p in enumerate(p for par in raw_paragraphs(text) for p in passages(clean(par))):
            if word_count(p) < MIN_WORDS:
                continue
            if is_candidate(p):
                cyber.append((row["file"], pos, p))
            elif int(row["date"][:4]) >= GENERAL_FROM_YEAR:
                general.setdefault(row["file"], []).append((row["file"], pos, p))
    rng = random.Random(SEED)
    speeches = sorted(general)
    rng.shuffle(speeches)
    drawn = sorted(rng.choice(general[s]) for s in speeches[:GENERAL])
    with open(args.out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["file", "kind", "passage"])
        for kind, rows in (("cyber", sorted(cyber)), ("general", drawn)):
            for file, _, p in rows:
                w.writerow([file, kind, p])
    print(
        f"{skipped} cold speeches skipped; {len(cyber)} cyber passages from "
        f"{len({c[0] for c in cyber})} speeches, {len(drawn)} general passages -> {args.out}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
