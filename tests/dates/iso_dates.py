#!/usr/bin/python3
"""Dates for people: no ISO date (YYYY-MM-DD) in what a person reads.

Builds the briefing and one pack, and runs `stats` (table output) in a few
forms; extracts the text of the briefing's PDF, the pack's PDF and HTML and the
stats output, and fails on any YYYY-MM-DD date, except where a label says it
is a file name or a code (the word "file" or "code" just before it, or a file
name around it). ISO stays in CSV and JSON, which are not read here.

usage: iso_dates.py GRADEBRIEF OUTDIR
"""
import html.parser
import os
import re
import shutil
import subprocess
import sys

ISO = re.compile(r"(?<![\d-])(\d{4})-(\d{2})-(\d{2})(?![\d-])")
FILE_NAME = re.compile(r"\S*\d{4}-\d{2}-\d{2}\S*\.(csv|ods|xlsx|json|ini|pdf|html|docx)\b")


class Text(html.parser.HTMLParser):
    """The text a person reads in an HTML file, with alt texts, without scripts and styles."""

    def __init__(self):
        super().__init__()
        self.parts, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        for k, v in attrs:
            if k in ("alt", "aria-label", "title") and v:
                self.parts.append(v)

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def excused(text, m):
    before = text[max(0, m.start() - 40):m.start()].lower()
    if "file" in before or "code" in before:
        return True
    line_start = text.rfind("\n", 0, m.start()) + 1
    line_end = text.find("\n", m.end())
    line = text[line_start:line_end if line_end >= 0 else len(text)]
    return any(f.start() <= m.start() - line_start < f.end() for f in FILE_NAME.finditer(line))


def iso_dates(name, text):
    bad = []
    for m in ISO.finditer(text):
        if not excused(text, m):
            ctx = text[max(0, m.start() - 50):m.end() + 20].replace("\n", " ")
            bad.append(f"{name}: {m.group(0)} in '...{ctx}...'")
    return bad


def run(argv):
    r = subprocess.run(argv, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"{' '.join(argv)}: exit {r.returncode}: {r.stderr}")
    return r.stdout


def pdf_text(path):
    return run(["pdftotext", "-layout", path, "-"])


def html_text(path):
    p = Text()
    with open(path, encoding="utf-8") as f:
        p.feed(f.read())
    return " ".join(p.parts)


def main():
    gb, out = sys.argv[1], sys.argv[2]
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    run([gb, "build", "-q", "--force", "-o", out])
    run([gb, "packs", "-q", "--force", "-o", os.path.join(out, "packs"), "--authority", "Barnet"])
    texts = {
        "briefing.pdf": pdf_text(os.path.join(out, "briefing.pdf")),
        "briefing.html": html_text(os.path.join(out, "briefing.html")),
        "packs/barnet.pdf": pdf_text(os.path.join(out, "packs", "barnet.pdf")),
        "packs/barnet.html": html_text(os.path.join(out, "packs", "barnet.html")),
        "stats": run([gb, "stats"]),
        "stats --as-at list": run([gb, "stats", "--as-at", "2013-03-31,2025-03-31"]),
        "stats -a Hertfordshire": run([gb, "stats", "-a", "Hertfordshire"]),
        "stats --movers family": run([gb, "stats", "--movers", "family"]),
    }
    bad = []
    for name, text in texts.items():
        if not text.strip():
            bad.append(f"{name}: no text")
        bad += iso_dates(name, text)
    # The scanner itself: it finds a date for people written in ISO, and lets a
    # file name and a labelled code pass.
    assert iso_dates("self", "published 2025-09-25 by Ofsted"), "scanner misses an ISO date"
    assert not iso_dates("self", "file ilacs-2025-03-31.csv; code 2025-03-31"), "scanner too strict"
    for b in bad:
        print(b)
    if bad:
        sys.exit(f"{len(bad)} ISO dates in text for people")
    print(f"no ISO dates in {len(texts)} texts")


main()
