#!/bin/sh
# convert.sh SOFFICE FILE.docx OUTDIR: converts a Word file gradebrief wrote
# to PDF with LibreOffice and checks what came out: section headings and
# "Page 2 of" (the cover has no footer) in the text, at least ten pages, no page without text. Exit 77
# (skipped) when LibreOffice is not installed, unless CI or GB_REQUIRE_OFFICE is set.
set -eu
soffice=$1 docx=$2 out=$3
if [ -z "$soffice" ] || [ "$soffice" = "GB_SOFFICE-NOTFOUND" ] || ! command -v "$soffice" >/dev/null; then
    if [ -n "${CI:-}${GB_REQUIRE_OFFICE:-}" ]; then
        echo "convert.sh: LibreOffice is not installed (scripts/install-deps installs it)" >&2
        exit 1
    fi
    echo "convert.sh: skipped: LibreOffice is not installed" >&2
    exit 77
fi
rm -rf "$out" && mkdir -p "$out"
# A profile of its own, so a desktop LibreOffice (or a second run) does not interfere.
HOME=$out timeout 240 "$soffice" -env:UserInstallation=file://"$out"/profile --headless \
    --convert-to pdf --outdir "$out" "$docx" >/dev/null 2>&1
pdf=$out/$(basename "$docx" .docx).pdf
[ -s "$pdf" ] || { echo "convert.sh: LibreOffice made no PDF of $docx" >&2; exit 1; }
pages=$(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}')
[ "$pages" -ge 10 ] || { echo "convert.sh: $pages pages" >&2; exit 1; }
pdftotext "$pdf" "$out/text.txt"
for want in "Page 2 of" "Key findings" "Methodology and sources" "Contents"; do
    grep -q "$want" "$out/text.txt" || { echo "convert.sh: '$want' is not in the converted text" >&2; exit 1; }
done
i=1
while [ "$i" -le "$pages" ]; do
    n=$(pdftotext -f "$i" -l "$i" "$pdf" - | tr -d '[:space:]' | wc -c)
    [ "$n" -gt 40 ] || { echo "convert.sh: page $i of $pages is (nearly) empty" >&2; exit 1; }
    i=$((i + 1))
done
echo "convert.sh: $docx -> $pages pages"
