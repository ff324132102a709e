#!/bin/sh
# The chart PNGs of `build` (all formats) and the Word files' pictures of
# `build` and of three packs have every pixel of a reference binary's
# (GRADEBRIEF_BASE, e.g. main's bench build): the PNG bytes may change with
# the encoder, the pixels may not. Every other file of the runs must be
# byte-identical but for the .docx files (they hold the PNGs) and the
# manifests (they hold the files' hashes). Skipped (77) without a reference.
# usage: reference.sh GRADEBRIEF PNGSAME DATADIR OUTDIR
set -eu
gb=$1 same=$2 data=$3 out=$4
[ -n "${GRADEBRIEF_BASE:-}" ] && [ -x "$GRADEBRIEF_BASE" ] || {
    echo "GRADEBRIEF_BASE (a reference gradebrief) not set: skipped"
    exit 77
}
rm -rf "$out"
mkdir -p "$out"
for who in new ref; do
    bin=$gb
    [ $who = ref ] && bin=$GRADEBRIEF_BASE
    "$bin" build -d "$data" --force -q -o "$out/$who/build"
    "$bin" packs -d "$data" -q -o "$out/$who/packs" -a Kent -a Torbay -a "North Northamptonshire"
    for docx in "$out/$who"/build/*.docx "$out/$who"/packs/*.docx; do
        mkdir -p "$docx.d"
        (cd "$docx.d" && unzip -q ../"$(basename "$docx")")
    done
done
status=0
cd "$out/ref"
pairs=""
for f in $(find . -type f | sort); do
    case $f in
    *.png) pairs="$pairs $f ../new/$f" ;;
    *.docx | */manifest.ini | */manifest.stat) ;;
    *) cmp -s "$f" "../new/$f" || { echo "$f: differs"; status=1; } ;;
    esac
done
"$same" $pairs || status=1
[ "$(find . -type f | sort)" = "$(cd ../new && find . -type f | sort)" ] ||
    { echo "the runs made different files"; status=1; }
exit $status
