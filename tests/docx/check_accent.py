#!/usr/bin/python3
"""check_accent.py DOCX RRGGBB - the Word document's headings, title and the
running header's rule are in the branding's accent (as the PDF draws them),
read with python3-docx: the styles Title and Heading 1-3, every heading
paragraph's colour (its own run colour, else its style's), and the header
paragraph's bottom border. Exit 1 naming what is another colour."""
import sys

import docx
from docx.oxml.ns import qn


def check(path, want):
    want = want.upper().lstrip("#")
    d = docx.Document(path)
    problems = []
    styles = {s.name: s for s in d.styles}
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
        s = styles.get(name)
        if s is None:
            continue
        got = s.font.color.rgb
        if got is None or str(got) != want:
            problems.append("style %s is %s, not %s" % (name, got, want))
    headings = 0
    for p in d.paragraphs:
        if not p.style.name.startswith("Heading"):
            continue
        headings += 1
        for r in p.runs:
            got = r.font.color.rgb or p.style.font.color.rgb
            if got is None or str(got) != want:
                problems.append("heading '%s' is %s" % (p.text[:40], got))
    if headings == 0:
        problems.append("no heading paragraphs")
    rules = 0
    for section in d.sections:
        for p in section.header.paragraphs:
            style = p.style.element
            bottom = style.find(".//" + qn("w:pBdr") + "/" + qn("w:bottom"))
            if bottom is None:
                continue
            rules += 1
            if bottom.get(qn("w:color")).upper() != want:
                problems.append("header rule is %s" % bottom.get(qn("w:color")))
    if rules == 0:
        problems.append("no header rule")
    return problems


def main(argv):
    if len(argv) != 3:
        print("usage: check_accent.py DOCX RRGGBB", file=sys.stderr)
        return 2
    problems = check(argv[1], argv[2])
    for p in problems:
        print("%s: %s" % (argv[1], p))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
