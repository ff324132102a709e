#!/usr/bin/python3
"""test_check.py GOOD.docx [MUTANT [PACK.docx]] - each way of breaking a good
Word file fails check_docx.

Every mutation below rewrites one part of a copy of GOOD (a briefing; the
PACK_MUTATIONS a copy of PACK, a pack whose summary sets its figures side by
side) and must make check_docx report the problem it names (and the unbroken
copy must pass)."""
import io
import os
import re
import sys
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_docx  # noqa: E402

DOC = "word/document.xml"
MUTATIONS = [
    # (name, part, pattern, replacement, the problem check_docx must report)
    ("header row", DOC, r"<w:tblHeader/>", "", "repeating header row"),
    ("alt text", DOC, r'descr="[^"]*"', 'descr=""', "no description"),
    ("skipped level", DOC, r'w:val="Heading2"', 'w:val="Heading3"', "heading level skipped"),
    ("language", "word/styles.xml", r'w:val="en-GB"', 'w:val="en-US"', "not en-GB"),
    ("title", "docProps/core.xml", r"<dc:title>[^<]*</dc:title>", "<dc:title>x</dc:title>",
     "differs from the Title"),
    ("bookmark", DOC, r'w:name="findings"', 'w:name="elsewhere"', "which no bookmark names"),
    ("grade text", DOC, r'(<w:shd [^>]*w:fill="[0-9A-F]{6}"/></w:tcPr><w:p>.*?<w:t xml:space="preserve">)[^<]+',
     r"\1", "colour alone"),
    ("picture size", DOC, r'<wp:extent cx="\d+"', '<wp:extent cx="100"', "wide, the text"),
    ("svg dropped", DOC, r'<a:extLst><a:ext uri="\{96DAC541[^"]*"><asvg:svgBlip [^>]*/></a:ext></a:extLst>',
     "", "has no SVG"),
    ("svg uri", DOC, r'uri="\{96DAC541-7B7A-43D3-8B79-37D633B846F1\}"', 'uri="{00000000-0000-0000-0000-000000000000}"',
     "not Word's SVG one"),
    ("svg target", "word/_rels/document.xml.rels", r'Target="media/figure1.svg"',
     'Target="media/figure1.png"', "names no SVG part"),
    ("svg size", "word/media/figure1.svg", r'width="[0-9.]+pt"', 'width="100pt"',
     "its SVG is"),
    ("svg type", "[Content_Types].xml", r'<Default Extension="svg" ContentType="image/svg\+xml"/>',
     '<Default Extension="svg" ContentType="image/png"/>', "content type is"),
]

PACK_MUTATIONS = [
    ("moved data", DOC, r"Data for figure 1:", "Data for figure 9:", "which no table caption is"),
    ("layout width", DOC, r'<wp:extent cx="\d+"', '<wp:extent cx="9000000"', "in a layout cell"),
    ("layout text", DOC, r'(<w:tblStyle w:val="LayoutTable"/>.*?<w:pStyle w:val=")Caption',
     r"\1Note", "not only figures"),
    ("data heading", DOC, r"Data for the summary\u2019s figures</w:t>", "Figure data</w:t>",
     "no 'Data for the summary's figures' heading"),
]


def mutate(raw, part, pattern, repl, date=None):
    src = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == part:
                text = data.decode("utf-8")
                new = re.sub(pattern, repl, text, count=1, flags=re.S)
                if new == text and pattern != repl:
                    raise SystemExit("mutation found nothing to change in %s: %s" % (part, pattern))
                data = new.encode("utf-8")
            zi = zipfile.ZipInfo(info.filename, date or info.date_time)
            dst.writestr(zi, data)
    return out.getvalue()


def main(argv):
    raw = open(argv[1], "rb").read()
    tmp = argv[2] if len(argv) > 2 else "/tmp/gb-docx-mutant.docx"
    failures = 0
    base = check_docx.check("briefing", argv[1])
    if base:
        print("the good file fails: %s" % base)
        return 1
    cases = [("briefing", raw, m) for m in MUTATIONS]
    cases.append(("briefing", raw, ("zip date", DOC, r"<w:body>", "<w:body>", "not 1980-01-01")))
    if len(argv) > 3:
        pack = open(argv[3], "rb").read()
        base = check_docx.check("pack", argv[3])
        if base:
            print("the good pack fails: %s" % base)
            return 1
        cases += [("pack", pack, m) for m in PACK_MUTATIONS]
    for kind, good, (name, part, pattern, repl, expect) in cases:
        date = (2024, 5, 6, 7, 8, 10) if name == "zip date" else None
        open(tmp, "wb").write(mutate(good, part, pattern, repl, date))
        got = check_docx.check(kind, tmp)
        ok = any(expect in p for p in got)
        print("%s %s%s" % ("ok  " if ok else "FAIL", name, "" if ok else ": got %s" % got))
        failures += not ok
    os.unlink(tmp)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
