#!/bin/sh
# threads.sh BINARY DATADIR OUTDIR [RUNS]: packs made two at once (-j 2) are
# byte-identical to packs made one at a time (-j 1), in every format, run
# after run. Torbay's justified "Since the previous inspection" paragraph had
# two word spacings under -j 2 (about one run in two) while pango laid out
# text on both workers at once (charts/kit.c, gb_fonts_settle). Also: two
# `build --force` runs give the same briefing.
set -eu
bin=$1 data=$2 out=$3 runs=${4:-6}
rm -rf "$out"
mkdir -p "$out"
set -- -a Torbay -a Devon -a Plymouth -a Cornwall
"$bin" packs -d "$data" -j 1 --force -q "$@" -o "$out/ref"
fail=0
i=1
while [ "$i" -le "$runs" ]; do
    "$bin" packs -d "$data" -j 2 --force -q "$@" -o "$out/run"
    for f in "$out/ref"/*.pdf "$out/ref"/*.html "$out/ref"/*.docx; do
        if ! cmp -s "$f" "$out/run/$(basename "$f")"; then
            echo "run $i: $(basename "$f") under -j 2 differs from -j 1" >&2
            fail=1
        fi
    done
    i=$((i + 1))
done
n=$(ls "$out/ref" | grep -cE '\.(pdf|html|docx)$')
[ "$n" -eq 12 ] || { echo "expected 12 documents, got $n" >&2; exit 1; }
"$bin" build -d "$data" -q --force -o "$out/b1"
"$bin" build -d "$data" -q --force -o "$out/b2"
for f in "$out/b1"/briefing.*; do
    cmp -s "$f" "$out/b2/$(basename "$f")" || { echo "build: $(basename "$f") differs" >&2; fail=1; }
done
[ "$fail" -eq 0 ] && rm -rf "$out"
exit "$fail"
