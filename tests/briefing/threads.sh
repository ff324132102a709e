#!/bin/sh
# threads.sh BINARY DATADIR OUTDIR [RUNS]: the briefing's two chains (the PDF
# drawn on one thread while the chart files, tables, HTML and Word file are
# made on another, the main thread then helping with the chart files left;
# cli/build.c) give the same bytes run after run, and the same as one core
# (taskset -c 0: the chains take turns instead of running at once). Every
# file is compared (documents, charts, tables, figures.csv, changes.csv,
# manifest.ini; not manifest.stat, which records inodes and times), for all
# three formats and for PDF only, and the PDF of a PDF-only run is the PDF of
# an all-formats run.
set -eu
bin=$1 data=$2 out=$3 runs=${4:-5}
rm -rf "$out"
mkdir -p "$out"
fail=0
# The files of folder $1 and their SHA-256, one a line, in name order.
sums() { (cd "$1" && find . -type f ! -name manifest.stat ! -name '.*' | LC_ALL=C sort |
          xargs sha256sum); }
one_core=
if command -v taskset > /dev/null 2>&1 && taskset -c 0 true 2> /dev/null; then
    one_core="taskset -c 0"
fi
for formats in pdf,html,docx pdf; do
    # shellcheck disable=SC2086
    $one_core "$bin" build -d "$data" -q --force --formats "$formats" -o "$out/ref-$formats"
    sums "$out/ref-$formats" > "$out/ref-$formats.sums"
    n=$(grep -c '' "$out/ref-$formats.sums")
    [ "$n" -ge 25 ] || { echo "$formats: only $n files" >&2; fail=1; }
    i=1
    while [ "$i" -le "$runs" ]; do
        rm -rf "$out/run"
        "$bin" build -d "$data" -q --force --formats "$formats" -o "$out/run"
        sums "$out/run" > "$out/run.sums"
        if ! cmp -s "$out/ref-$formats.sums" "$out/run.sums"; then
            echo "--formats $formats, run $i differs from ${one_core:-the first run}:" >&2
            diff "$out/ref-$formats.sums" "$out/run.sums" >&2 || true
            fail=1
        fi
        i=$((i + 1))
    done
done
cmp -s "$out/ref-pdf/briefing.pdf" "$out/ref-pdf,html,docx/briefing.pdf" ||
    { echo "the PDF of --formats pdf differs from the PDF of all three" >&2; fail=1; }
[ "$fail" -eq 0 ] && rm -rf "$out"
exit "$fail"
