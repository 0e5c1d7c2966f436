#!/usr/bin/env bash
# Runs every subcommand on the shipped corpus and writes what each prints into OUT_DIR, so that
# two builds can be compared byte for byte (`diff -r OLD NEW`): a refactoring must not change them.
#
# Usage: scripts/snapshot.sh OUT_DIR [BIN]
#   BIN defaults to target/debug/stance (or $CARGO_TARGET_DIR/debug/stance); build it first.
# Run from anywhere: the script works in the repository root, on seeds/, with seed 0. Workspace
# commands run in a temporary folder whose path, and the clock times the workspace records, are
# replaced by placeholders (WS, TIME, N for durations) so two runs compare equal.
set -uo pipefail

out=${1:?usage: scripts/snapshot.sh OUT_DIR [BIN]}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${2:-${CARGO_TARGET_DIR:-$root/target}/debug/stance}
[ -x "$bin" ] || { echo "snapshot: $bin is not an executable; build it first (cargo build)" >&2; exit 2; }
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$root"

cat > "$work/new.txt" <<'TEXT'
Les États membres de l'Union africaine soutiennent l'élaboration d'un instrument
juridiquement contraignant sur la sécurité de l'information, sous l'égide des Nations Unies.

Ils rappellent que la Convention de Budapest ne saurait servir de modèle universel.
TEXT

# run NAME ARGS…: stdout to OUT/NAME.out, stderr and exit code to OUT/NAME.err, with the temporary
# folder and clock times masked.
run() {
    local name=$1
    shift
    "$bin" "$@" >"$out/$name.out" 2>"$out/$name.err"
    echo "exit $?" >>"$out/$name.err"
    sed -i -e "s#$work#WS#g" -e 's/[0-9]\{4\}-[0-9][0-9]-[0-9][0-9][T ][0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z\?/TIME/g' \
        -e 's/ in [0-9]*\.[0-9]* s\b/ in N s/g' -e 's/"stages_s":{[^}]*}/"stages_s":{…}/g' \
        -e 's/"total_s":[0-9.e-]*/"total_s":N/g' "$out/$name.out" "$out/$name.err"
}

run help --help
for c in similarity agreement positions clusters compare topics passages classify evaluate tokens vectors fit init ingest \
    update diff doctor history report export completions; do
    run "help-$c" "$c" --help
done
run version

for f in table json csv; do
    run "similarity-$f" similarity --format $f --quiet
    run "similarity-bloc-ci-$f" similarity --by bloc --ci --format $f --quiet
    run "similarity-topic-$f" similarity --topic internet_governance --format $f --quiet
    run "similarity-document-$f" similarity --by document --topic binding_norms --format $f --quiet
    run "agreement-$f" agreement --topic binding_norms --format $f --quiet
    run "agreement-bloc-ci-$f" agreement --by bloc --ci --format $f --quiet
    run "positions-$f" positions --topic budapest_convention --format $f --quiet
    run "clusters-$f" clusters --topic binding_norms --format $f --quiet
    run "clusters-all-$f" clusters --format $f --quiet
    run "compare-$f" compare russia-aligned western --format $f --quiet
    run "compare-evidence-$f" compare russia-aligned western --topic binding_norms --evidence 2 --explain --format $f --quiet
    run "compare-issuers-$f" compare issuer:Russia issuer:France --keyness g2 --format $f --quiet
    run "topics-$f" topics --format $f --quiet
    run "topics-check-$f" topics --check --format $f --quiet
    run "passages-$f" passages --topic budapest_convention --issuer Russia --limit 3 --format $f --quiet
    run "passages-stance-$f" passages --topic binding_norms --stance oppose --format $f --quiet
    run "passages-source-$f" passages --show-source 001_appel-de-paris-2018.txt --format $f --quiet
    run "classify-$f" classify "$work/new.txt" --format $f --quiet
    run "classify-seed-$f" classify seeds/001_appel-de-paris-2018.txt --blocs western,china --format $f --quiet
    run "evaluate-$f" evaluate --gold tests/fixtures/gold_passages.csv --format $f --quiet
    run "evaluate-nearest-$f" evaluate --nearest-bloc --format $f --quiet
    run "tokens-$f" tokens seeds/2020-12-22_cis_heads-of-state-declaration.txt --format $f --quiet
    run "vectors-$f" vectors --format $f --quiet
done
run seed-7-similarity similarity --by bloc --ci --seed 7 --format json --quiet
run seed-7-topics topics --seed 7 --format json --quiet

run fit fit --out "$work/model" --quiet
run fit-json fit --out "$work/model-json" --format json --quiet
cmp -s "$work/model/model.bin" "$work/model-json/model.bin"; echo "same model: $?" >"$out/fit-model-same.out"
sha256sum <"$work/model/model.bin" >"$out/fit-model.sha256"
run classify-model classify "$work/new.txt" --model "$work/model" --format json --quiet
run classify-model-table classify "$work/new.txt" --model "$work/model" --quiet

run report report --out "$work/report.html"
cp "$work/report.html" "$out/report.html"
run report-compare report --out "$work/report2.html" --compare issuer:Russia issuer:France --seed 3
cp "$work/report2.html" "$out/report-compare.html"
run export export --out "$work/exports"
cp -r "$work/exports" "$out/exports"
run export-compare export --out "$work/exports2" --compare issuer:China western --format json
cp -r "$work/exports2" "$out/exports-compare"
run completions completions bash

ws="$work/ws"
run ws-init init --workspace "$ws"
run ws-ingest ingest --workspace "$ws" "$work/new.txt" --issuer "African Union" --bloc african-union --date 2025-03-01
run ws-ingest-again ingest --workspace "$ws" "$work/new.txt" --issuer "African Union" --bloc african-union --date 2025-03-01
run ws-update update --workspace "$ws"
run ws-update-json update --workspace "$ws" --format json
for f in table json csv; do
    run "ws-diff-$f" diff --workspace "$ws" --format $f
    run "ws-history-$f" history --workspace "$ws" --format $f
    run "ws-similarity-$f" similarity --workspace "$ws" --by bloc --format $f --quiet
done
run ws-diff-runs diff --workspace "$ws" 1 2 --evidence 1 --format json
run ws-diff-runs-csv diff --workspace "$ws" 1 2 --evidence 1 --format csv
run ws-doctor doctor --workspace "$ws"
run ws-doctor-json doctor --workspace "$ws" --format json
run ws-fit fit --workspace "$ws" --format json
run ws-history-after-fit history --workspace "$ws" --format json

# errors: the one-line messages
run err-unknown-bloc compare nowhere western
run err-by similarity --by nothing
run err-keyness compare china western --keyness nothing
run err-stance passages --stance nothing
run err-no-workspace diff
run err-missing-file classify /nonexistent.txt
echo "snapshot: $(ls "$out" | wc -l) entries in $out"
