#!/bin/sh
# diskfull.sh BIN - run inside a private mount namespace (unshare -m): build into
# a small tmpfs, fill it, rebuild with --force, and report what happened. Called
# by test_faults; needs root.
set -eu
bin=$1
d=$(mktemp -d)
log=$(mktemp) # outside the tmpfs, which will be full
mount -t tmpfs -o size=6m tmpfs "$d"
cd "$d"
"$bin" build -q -o out 2>/dev/null
before=$(sha256sum out/briefing.pdf | cut -d' ' -f1)
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
cd /
umount "$d"
rmdir "$d"
rm -f "$log"
