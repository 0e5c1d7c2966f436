#!/usr/bin/env python3
"""Draws the UNGDC passages added to the learned complement's training data
(models/train_ungdc.csv, stratum `t`), to be labelled by hand with the label rules of
docs/cold_domain.md (domain in/out, topic, stance against ../shared/corpora/topics.md).

- Passages: as the cold domain draw makes them (tests/fixtures/cold/make_cold_domain.py:
  paragraphs, cut at 80 words, at least 6 words), of every speech of the UNGDC 50 MB subset,
  all years.
- Excluded: every passage of tests/fixtures/cold_gold.csv, cold_sentences.csv and cold_domain.csv
  (models/make_dev_domain.py's `is_cold`: file name and the first 60 characters of the
  whitespace-normalised passage, either containing the other's; only those two columns of the
  cold files are read, into a set, and nothing of them is printed), and every passage of
  models/dev_domain.csv (matched the same way: it is in the training file already).
- Strata, one random.Random(1017), each pool shuffled and taken in order with at most
  --per-speech passages per speech: `t` = passages with a domain word (make_cold_domain.DOMAIN_RE),
  any year, up to --n (the pool is small: after the exclusions it is almost all taken);
  `x` = passages of 2010 and later with a word of the digital world's neighbourhood (NEAR_RE:
  technology, telecommunications, connectivity, broadband, data, e-government, mobile phones,
  the fourth industrial revolution, …) and no domain word, up to --nx: the passages on which a
  `none` is hardest to learn from sentences.

Usage: python3 models/make_train_ungdc.py --corpus /tmp/ungdc-50mb --out /tmp/draw.csv
The draw has the columns of models/dev_domain.csv with topic, stance, domain and note empty;
the labels are written by hand (models/train_ungdc.csv holds dev_domain.csv's 150 rows, stratum
d/w/g, then these, stratum t).
"""
import argparse
import csv
import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "fixtures" / "cold"))
sys.path.insert(0, str(HERE))
import make_cold_domain as mcd  # noqa: E402
import make_dev_domain as mdd  # noqa: E402


NEAR_RE = re.compile(
    r"\b(?:technolog\w*|telecommunication\w*|connectivity|broadband|data|e-\w+|mobile phones?|"
    r"fourth industrial revolution|innovation|smart|satellite\w*|network\w*|electronic)\b",
    re.IGNORECASE,
)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--n", type=int, default=150)
    ap.add_argument("--nx", type=int, default=50)
    ap.add_argument("--per-speech", type=int, default=3)
    args = ap.parse_args()
    mcd.MIN_YEAR = 1946
    cold = mdd.cold_texts(HERE.parent)
    dev = {}
    with open(HERE / "dev_domain.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            dev.setdefault(Path(row["file"]).name, []).append(mdd.norm(row["passage"]))
    every = mcd.all_passages(args.corpus)
    rows = [r for r in every if not mdd.is_cold(cold, r["file"], r["passage"])
            and not mdd.is_cold(dev, r["file"], r["passage"])]
    rng = random.Random(1017)
    t = [r for r in rows if mcd.DOMAIN_RE.search(r["passage"])]
    x = [r for r in rows if int(r["year"]) >= 2010 and not mcd.DOMAIN_RE.search(r["passage"])
         and NEAR_RE.search(r["passage"])]
    per_speech = {}
    out = []
    for name, pool, n in (("t", t, args.n), ("x", x, args.nx)):
        rng.shuffle(pool)
        taken = 0
        for r in pool:
            if taken == n:
                break
            if per_speech.get(r["file"], 0) >= args.per_speech:
                continue
            per_speech[r["file"]] = per_speech.get(r["file"], 0) + 1
            out.append({**r, "stratum": name})
            taken += 1
        print(f"stratum {name}: pool {len(pool)}, drawn {taken}", file=sys.stderr)
    print(f"passages {len(every)}; excluded (cold or dev_domain) {len(every) - len(rows)}; "
          f"drawn {len(out)} from {len(per_speech)} speeches", file=sys.stderr)
    mcd.write_csv(args.out, mdd.COLUMNS, out)


if __name__ == "__main__":
    main()
