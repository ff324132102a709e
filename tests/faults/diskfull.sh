#!/bin/sh
# diskfull.sh BIN - run inside a private mount namespace (unshare -m): build
# and make packs into a small tmpfs, fill it, make them again with --force,
# and report what happened. Called by test_faults; needs root.
set -eu
bin=$1
d=$(mktemp -d)
log=$(mktemp) # outside the tmpfs, which will be full
mount -t tmpfs -o size=48m tmpfs "$d"
cd "$d"
"$bin" build -q -o out 2>/dev/null
before=$(sha256sum out/briefing.pdf | cut -d' ' -f1)
# Twenty packs (two authorities named twice over is not allowed: twenty names).
set -- $(printf -- '-a %s ' Leeds Kent Barnet Wigan Camden Bury Bolton Derby Essex Halton \
    Luton Medway Poole Reading Rutland Salford Sefton Slough Swindon Wirral)
"$bin" packs -q -o p "$@" 2>/dev/null
packs_before=$(cat p/*.pdf p/index.csv p/manifest.ini | sha256sum | cut -d' ' -f1)
dd if=/dev/zero of=fill bs=4k 2>/dev/null || true
set +e
"$bin" build --force -q -o out 2>"$log"
rc=$?
set -e
after=$(sha256sum out/briefing.pdf | cut -d' ' -f1)
echo "rc=$rc"
echo "lines=$(grep -vc 'warning:' "$log")"
grep -v 'warning:' "$log" | head -1
[ "$before" = "$after" ] && echo "previous=intact" || echo "previous=changed"
echo "temporaries=$(find out -name '*.??????' | wc -l)"
set +e
summary=$("$bin" packs --force -q -j 2 -o p "$@" 2>"$log")
rc=$?
set -e
echo "packs_rc=$rc"
echo "packs_summary=$summary"
echo "packs_lines=$(grep -vc 'warning:' "$log")"
grep -v 'warning:' "$log" | head -3
packs_after=$(cat p/*.pdf p/index.csv p/manifest.ini | sha256sum | cut -d' ' -f1)
[ "$packs_before" = "$packs_after" ] && echo "packs_previous=intact" || echo "packs_previous=changed"
echo "packs_temporaries=$(find p -name '*.??????' | wc -l)"
cd /
umount "$d"
rmdir "$d"
rm -f "$log"
