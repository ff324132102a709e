#!/usr/bin/python3
"""check.py - the PDF/UA-1 machine checks gradebrief's PDFs must pass.

Walks the structure tree and every page's content stream with pikepdf (Debian's
python3-pikepdf, on libqpdf) and counts, per page, each failure condition of
the Matterhorn Protocol that issue 14 lists, plus a few more the project holds
itself to. It is not veraPDF: it checks what is named below and nothing else.

    check.py [--header-band PT] [--footer-band PT] [--summary] FILE.pdf|FOLDER...

Prints the failures of each file by page and condition; exits 1 when any file
has one, 2 when a file cannot be read. --summary prints only the totals.
The header (footer) band is the strip at the top (bottom) of each page where
text is a running header (footer); gradebrief's body never reaches into it.
"""
import argparse
import os
import re
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict

import pikepdf

CONDITIONS = [
    ("01-005", "content neither tagged nor Artifact"),
    ("18-001", "running header/footer text not a pagination Artifact"),
    ("06-001", "no XMP metadata stream"),
    ("06-002", "XMP has no dc:title"),
    ("06-003", "XMP has no pdfuaid:part 1"),
    ("07-001", "ViewerPreferences without DisplayDocTitle true"),
    ("11-lang", "catalog has no /Lang"),
    ("01-mark", "MarkInfo /Marked is not true"),
    ("13-004", "Figure without /Alt"),
    ("fig-cap", "Figure whose only child is its Caption"),
    ("15-003", "TH without /Scope"),
    ("rep-hdr", "header row repeated after a page break tagged as a row"),
    ("14-007", "H used together with H1-H6"),
    ("28-012", "Link annotation without /Contents"),
    ("28-008", "page with annotations without /Tabs /S"),
    ("31-005", "Type0 CIDFontType2 font without CIDToGIDMap"),
    ("mcid", "marked content whose MCID has no structure element"),
]
NAMES = dict(CONDITIONS)

PAINT = {"Tj", "TJ", "'", '"', "S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "sh", "Do",
         "INLINE IMAGE", "BI"}
TEXT = {"Tj", "TJ", "'", '"'}
HN = re.compile(r"^H[1-6]$")


class Failures:
    """Counts of each condition by page (0 = the document as a whole)."""

    def __init__(self):
        self.counts = defaultdict(lambda: defaultdict(int))

    def add(self, cond, page, n=1):
        assert cond in NAMES, cond
        self.counts[cond][page] += n

    def total(self, cond=None):
        conds = [cond] if cond else list(self.counts)
        return sum(sum(self.counts[c].values()) for c in conds)


def mul(a, b):
    """a x b for 2x3 affine matrices (a, b, c, d, e, f)."""
    return (a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
            a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
            a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5])


def marked_props(page, operands):
    """The property list of a BDC: an inline dict or a /Properties resource."""
    props = operands[1] if len(operands) > 1 else None
    if isinstance(props, pikepdf.Name):
        res = page.obj.get("/Resources", {}).get("/Properties", {})
        props = res.get(props)
    return props if isinstance(props, pikepdf.Dictionary) else None


def check_content(page, pageno, height, bands, mcids, fails):
    """Every painting operator must sit in an Artifact or a sequence with an MCID;
    text in the header (footer) band in a pagination Header (Footer) Artifact."""
    stack = []          # per open sequence: ("art", type, subtype) | ("mcid", n) | None
    gstack, ctm = [], (1, 0, 0, 1, 0, 0)
    tm = tlm = (1, 0, 0, 1, 0, 0)
    leading = 0.0
    for operands, op in pikepdf.parse_content_stream(page):
        op = str(op)
        if op in ("BDC", "BMC"):
            tag = str(operands[0])
            props = marked_props(page, operands) if op == "BDC" else None
            if tag == "/Artifact":
                t = str(props.get("/Type", "")) if props is not None else ""
                s = str(props.get("/Subtype", "")) if props is not None else ""
                stack.append(("art", t, s))
            elif props is not None and "/MCID" in props:
                n = int(props.MCID)
                stack.append(("mcid", n))
                if n not in mcids:
                    fails.add("mcid", pageno)
            else:
                stack.append(None)
            continue
        if op == "EMC":
            if stack:
                stack.pop()
            continue
        if op == "q":
            gstack.append(ctm)
        elif op == "Q":
            ctm = gstack.pop() if gstack else ctm
        elif op == "cm":
            ctm = mul(tuple(float(x) for x in operands), ctm)
        elif op == "BT":
            tm = tlm = (1, 0, 0, 1, 0, 0)
        elif op == "Tm":
            tm = tlm = tuple(float(x) for x in operands)
        elif op in ("Td", "TD"):
            tx, ty = float(operands[0]), float(operands[1])
            if op == "TD":
                leading = -ty
            tm = tlm = mul((1, 0, 0, 1, tx, ty), tlm)
        elif op == "TL":
            leading = float(operands[0])
        elif op in ("T*", "'", '"'):
            tm = tlm = mul((1, 0, 0, 1, 0, -leading), tlm)
        if op not in PAINT:
            continue
        owner = next((e for e in reversed(stack) if e is not None), None)
        if owner is None:
            fails.add("01-005", pageno)
        if op in TEXT:
            y = mul(tm, ctm)[5]        # the baseline origin in default user space
            from_top = height - y
            want = "/Header" if from_top < bands[0] else (
                "/Footer" if from_top > height - bands[1] else None)
            if want and owner != ("art", "/Pagination", want):
                fails.add("18-001", pageno)


def xmp_checks(pdf, fails):
    meta = pdf.Root.get("/Metadata")
    if not isinstance(meta, pikepdf.Stream):
        fails.add("06-001", 0)
        fails.add("06-002", 0)
        fails.add("06-003", 0)
        return
    title, part = xmp_fields(meta.read_bytes())
    if not title:
        fails.add("06-002", 0)
    if part != "1":
        fails.add("06-003", 0)


RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
DC_TITLE = "{http://purl.org/dc/elements/1.1/}title"
UA_PART = "{http://www.aiim.org/pdfua/ns/id/}part"


def xmp_fields(data):
    """dc:title's first text and pdfuaid:part (element or attribute form) of an
    XMP packet; None for what it lacks or cannot be parsed."""
    try:
        tree = ET.fromstring(data.strip(b"\0 \r\n\t"))
    except ET.ParseError:
        return None, None
    title = part = None
    for d in tree.iter(RDF + "Description"):
        part = d.get(UA_PART, part)
        for e in d.iter(UA_PART):
            part = (e.text or "").strip()
        for e in d.iter(DC_TITLE):
            texts = [(li.text or "").strip() for li in e.iter(RDF + "li")]
            title = next((t for t in texts if t), title)
    return title, part


def resolve_role(rolemap, s):
    """The standard type a structure type maps to, without its slash."""
    seen = set()
    while s in rolemap and s not in seen:
        seen.add(s)
        s = str(rolemap[s])
    return s.lstrip("/")


def walk_tree(pdf, pages, fails):
    """Checks the structure elements; returns {page number: set of MCIDs} for
    which the ParentTree names an element."""
    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        return {}
    rolemap = {str(k): v for k, v in root.get("/RoleMap", {}).items()}
    elems = []   # (type, element, page, types of its child elements)

    def visit(e, page, depth):
        """Returns the element's page: its /Pg, else its first content's."""
        if depth > 100:
            return page
        s = resolve_role(rolemap, str(e.get("/S", "")))
        own = pages.get(e.Pg.objgen, 0) if "/Pg" in e else 0
        kids = e.get("/K")
        kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []
        struct_kids = [k for k in kids if isinstance(k, pikepdf.Dictionary) and "/S" in k]
        for k in kids:  # marked-content and object references name their page
            if not own and isinstance(k, pikepdf.Dictionary) and "/S" not in k and "/Pg" in k:
                own = pages.get(k.Pg.objgen, 0)
        entry = [s, e, own or page, [resolve_role(rolemap, str(k.S)) for k in struct_kids]]
        elems.append(entry)
        for k in struct_kids:
            p = visit(k, own or page, depth + 1)
            if not entry[2]:
                entry[2] = p
        return entry[2]

    k = root.get("/K")
    for e in (list(k) if isinstance(k, pikepdf.Array) else [k] if k is not None else []):
        if isinstance(e, pikepdf.Dictionary):
            visit(e, 0, 0)

    has_hn = any(HN.match(t) for t, *_ in elems)
    for t, e, page, kid_types in elems:
        if t == "Figure":
            if "/Alt" not in e:
                fails.add("13-004", page)
            if kid_types == ["Caption"]:
                fails.add("fig-cap", page)
        elif t == "TH" and not has_scope(e):
            fails.add("15-003", page)
        elif t == "Table":
            for page in repeated_header_rows(e, rolemap, pages):
                fails.add("rep-hdr", page)
        elif t == "H" and has_hn:  # Matterhorn 14-007: H and Hn in one document
            fails.add("14-007", page)

    by_key = {int(p.obj.StructParents): i + 1 for i, p in enumerate(pdf.pages)
              if "/StructParents" in p.obj}
    mcids = defaultdict(set)
    for key, value in number_tree(root.get("/ParentTree")):
        if key in by_key and isinstance(value, pikepdf.Array):
            mcids[by_key[key]].update(i for i, v in enumerate(value)
                                      if isinstance(v, pikepdf.Dictionary))
    return mcids


def kids_of(e):
    k = e.get("/K")
    k = list(k) if isinstance(k, pikepdf.Array) else [k] if k is not None else []
    return [x for x in k if isinstance(x, pikepdf.Dictionary) and "/S" in x]


def repeated_header_rows(table, rolemap, pages):
    """Pages of the rows after the first, outside THead, made of as many TH
    cells as an all-TH first row: a header repeated after a page break."""
    rows = []
    for k in kids_of(table):
        s = resolve_role(rolemap, str(k.S))
        if s == "TR":
            rows.append((k, False))
        elif s in ("THead", "TBody", "TFoot"):
            rows += [(r, s == "THead") for r in kids_of(k)
                     if resolve_role(rolemap, str(r.S)) == "TR"]

    def cells(row):
        return [resolve_role(rolemap, str(c.S)) for c in kids_of(row)]

    if not rows or not cells(rows[0][0]) or set(cells(rows[0][0])) != {"TH"}:
        return []
    n = len(cells(rows[0][0]))
    out = []
    for row, in_head in rows[1:]:
        c = cells(row)
        if not in_head and len(c) == n and set(c) == {"TH"}:
            first = kids_of(row)[0]
            out.append(pages.get(first.Pg.objgen, 0) if "/Pg" in first else 0)
    return out


def number_tree(node, depth=0):
    if node is None or depth > 20:
        return
    nums = node.get("/Nums")
    if nums is not None:
        for i in range(0, len(nums) - 1, 2):
            yield int(nums[i]), nums[i + 1]
    for kid in node.get("/Kids", []):
        yield from number_tree(kid, depth + 1)


def has_scope(e):
    a = e.get("/A")
    attrs = list(a) if isinstance(a, pikepdf.Array) else [a] if a is not None else []
    return any(isinstance(x, pikepdf.Dictionary) and x.get("/O") == "/Table" and
               x.get("/Scope") in ("/Row", "/Column", "/Both") for x in attrs)


def font_checks(page, pageno, fails):
    for _, font in page.obj.get("/Resources", {}).get("/Font", {}).items():
        if font.get("/Subtype") != "/Type0":
            continue
        for d in font.get("/DescendantFonts", []):
            if d.get("/Subtype") == "/CIDFontType2" and "/CIDToGIDMap" not in d:
                fails.add("31-005", pageno)


def annot_checks(page, pageno, fails):
    annots = page.obj.get("/Annots")
    if not annots:
        return
    if page.obj.get("/Tabs") != "/S":
        fails.add("28-008", pageno)
    for a in annots:
        if a.get("/Subtype") == "/Link" and not str(a.get("/Contents", "")).strip():
            fails.add("28-012", pageno)


def check(path, bands=(56.0, 50.0)):
    """Returns the Failures of the PDF at path; raises on an unreadable file."""
    fails = Failures()
    with pikepdf.open(path) as pdf:
        pages = {p.obj.objgen: i + 1 for i, p in enumerate(pdf.pages)}
        root = pdf.Root
        xmp_checks(pdf, fails)
        prefs = root.get("/ViewerPreferences", {})
        if prefs.get("/DisplayDocTitle") is not True:
            fails.add("07-001", 0)
        if not str(root.get("/Lang", "")).strip():
            fails.add("11-lang", 0)
        if root.get("/MarkInfo", {}).get("/Marked") is not True:
            fails.add("01-mark", 0)
        mcids = walk_tree(pdf, pages, fails)
        for i, page in enumerate(pdf.pages):
            box = [float(x) for x in page.obj.get("/MediaBox", [0, 0, 612, 792])]
            check_content(page, i + 1, box[3] - box[1], bands, mcids.get(i + 1, set()), fails)
            font_checks(page, i + 1, fails)
            annot_checks(page, i + 1, fails)
    return fails


def report(path, fails, out):
    if fails.total() == 0:
        print(f"{path}: no failures", file=out)
        return
    for cond, name in CONDITIONS:
        by_page = fails.counts.get(cond)
        if not by_page or not sum(by_page.values()):
            continue
        pages = sorted(p for p in by_page if p)
        where = "document" if not pages else (
            f"{len(pages)} page(s): " + ", ".join(f"p{p} {by_page[p]}" for p in pages))
        print(f"{path}: {cond} {name}: {sum(by_page.values())} ({where})", file=out)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="+")
    ap.add_argument("--header-band", type=float, default=56.0)
    ap.add_argument("--footer-band", type=float, default=50.0)
    ap.add_argument("--summary", action="store_true", help="totals over all files only")
    args = ap.parse_args(argv)
    totals, failing, status = defaultdict(int), 0, 0
    files = []
    for path in args.files:  # a folder stands for the PDFs in it
        files += sorted(os.path.join(path, f) for f in os.listdir(path)
                        if f.endswith(".pdf")) if os.path.isdir(path) else [path]
    if not files:
        print("no PDF to check", file=sys.stderr)
        return 2
    for path in files:
        try:
            fails = check(path, (args.header_band, args.footer_band))
        except Exception as exc:  # pikepdf.PdfError, OSError: say which file
            print(f"{path}: cannot check: {exc}", file=sys.stderr)
            status = 2
            continue
        if not args.summary:
            report(path, fails, sys.stdout)
        if fails.total():
            failing += 1
            status = max(status, 1)
        for cond in fails.counts:
            totals[cond] += fails.total(cond)
    print(f"{len(files)} file(s), {failing} with failures" +
          "".join(f"; {c} {totals[c]}" for c, _ in CONDITIONS if totals.get(c)))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
