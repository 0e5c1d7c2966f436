#!/usr/bin/env python3
"""Makes a `stance` corpus of the UN General Debate speeches of one period, out of the unpacked
UNGDC 50 MB subset (../shared/corpora/README.md): a folder with manifest.csv and the speeches
(copied: a manifest reads only regular files inside its folder). Issuer = ISO3 code of the
state, bloc = UN regional group, as in the subset's manifest. Nothing is written to the
repository; the texts are not in it.

Usage:
    tar -xJf ../shared/corpora/ungdc-50mb.tar.xz -C /tmp            # -> /tmp/ungdc-50mb/
    python3 scripts/ungdc_subset.py --from /tmp/ungdc-50mb --out /tmp/ungdc-2010 [--since 2010] [--until 2024]
    stance positions --topic internet_governance --corpus /tmp/ungdc-2010

The subset of issue 17 (2010 and later) has 768 speeches of 195 issuers.

`--files` keeps only the speeches named (file names in txt/): the fixture of the Spark test
(python/tests/data/ungdc-slice/, 9 speeches, 116 KB) was made with
    python3 scripts/ungdc_subset.py --from /tmp/ungdc-50mb --out python/tests/data/ungdc-slice \
        --since 2007 --files EST_62_2007.txt,EST_73_2018.txt,CZE_79_2024.txt,RUS_72_2017.txt,\
DEU_74_2019.txt,KEN_79_2024.txt,BRA_78_2023.txt,KOR_68_2013.txt,VAT_77_2022.txt
"""
import argparse
import csv
import shutil
import sys
from pathlib import Path


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--from", dest="src", required=True, type=Path, help="unpacked UNGDC subset (manifest.csv + txt/)")
    ap.add_argument("--out", required=True, type=Path, help="new corpus folder (must not exist, or be empty)")
    ap.add_argument("--since", type=int, default=2010, help="first year kept (default 2010)")
    ap.add_argument("--until", type=int, default=9999, help="last year kept (default: all)")
    ap.add_argument("--files", default="", help="comma-separated speech file names to keep (default: all)")
    args = ap.parse_args()
    manifest = args.src / "manifest.csv"
    if not manifest.is_file():
        sys.exit(f"ungdc_subset: {manifest}: not found; unpack the UNGDC subset first (see --help)")
    if args.out.exists() and any(args.out.iterdir()):
        sys.exit(f"ungdc_subset: {args.out}: exists and is not empty; give a new folder")
    with open(manifest, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        fields = reader.fieldnames
        rows = [r for r in reader if args.since <= int(r["date"][:4]) <= args.until]
    if args.files:
        wanted = {name.strip() for name in args.files.split(",") if name.strip()}
        rows = [r for r in rows if Path(r["file"]).name in wanted]
        missing = wanted - {Path(r["file"]).name for r in rows}
        if missing:
            sys.exit(f"ungdc_subset: not in the period or not in the subset: {', '.join(sorted(missing))}")
    if not rows:
        sys.exit(f"ungdc_subset: no speech between {args.since} and {args.until}")
    (args.out / "txt").mkdir(parents=True, exist_ok=True)
    for r in rows:
        shutil.copyfile(args.src / r["file"], args.out / r["file"])
    with open(args.out / "manifest.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    issuers = len({r["issuer"] for r in rows})
    period = f"{args.since}-{args.until}" if args.until < 9999 else f"{args.since} and later"
    print(f"{args.out}: {len(rows)} speeches of {issuers} issuers, {period}")


if __name__ == "__main__":
    main()
