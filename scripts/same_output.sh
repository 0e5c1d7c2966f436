#!/usr/bin/env bash
# Checks that two builds of stance print the same bytes for every command of scripts/snapshot.sh
# (every subcommand and format on the shipped corpus, exports, report, workspace, errors): what a
# refactoring must keep. Exit 0 when identical, 1 with the differences otherwise.
#
# Usage: scripts/same_output.sh OLD_BIN NEW_BIN
#   e.g. build main, `cp target/debug/stance /tmp/stance-main`, build the branch, then
#   scripts/same_output.sh /tmp/stance-main target/debug/stance
set -uo pipefail

old=${1:?usage: scripts/same_output.sh OLD_BIN NEW_BIN}
new=${2:?usage: scripts/same_output.sh OLD_BIN NEW_BIN}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Both run as `stance` (help and errors print the program's name).
for side in old new; do
    bin=${!side}
    [ -x "$bin" ] || { echo "same_output: $bin is not an executable" >&2; exit 2; }
    mkdir -p "$work/$side/bin"
    ln -s "$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")" "$work/$side/bin/stance"
    "$here/snapshot.sh" "$work/$side/out" "$work/$side/bin/stance" >/dev/null || exit 2
done
if diff -r "$work/old/out" "$work/new/out"; then
    echo "same_output: identical ($(ls "$work/new/out" | wc -l) outputs)"
else
    echo "same_output: the outputs differ (above)" >&2
    exit 1
fi
