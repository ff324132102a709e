#!/usr/bin/python3
"""test_check.py - proves every condition of check.py can fail.

Builds one small PDF that meets every check (it must report nothing), then
breaks it one way at a time and asserts that exactly the condition meant to
catch that break fires, on the page where it is. Table-driven: one row a break.
"""
import os
import sys
import tempfile

import pikepdf

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check  # noqa: E402

HEADER = b"/Artifact <</Type /Pagination /Subtype /Header>> BDC\n" \
         b"BT /F1 8 Tf 56 795 Td (Running title) Tj ET 56 790 m 540 790 l S EMC\n"
FOOTER = b"/Artifact <</Type /Pagination /Subtype /Footer>> BDC\n" \
         b"BT /F1 8 Tf 480 30 Td (Page 1 of 1) Tj ET EMC\n"
BODY = b"/H1 <</MCID 0>> BDC BT /F1 16 Tf 56 740 Td (Title) Tj ET EMC\n" \
       b"/Artifact BMC 0.9 g 56 690 200 20 re f EMC\n" \
       b"/TH <</MCID 1>> BDC BT /F2 9 Tf 60 695 Td <0001> Tj ET EMC\n" \
       b"/Figure <</MCID 2>> BDC 56 500 100 100 re f EMC\n" \
       b"/Caption <</MCID 3>> BDC BT /F1 9 Tf 56 480 Td (Figure 1: a box) Tj ET EMC\n" \
       b"/Link <</MCID 4>> BDC BT /F1 9 Tf 56 460 Td (Contents) Tj ET EMC\n"

XMP = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">{title}{part}</rdf:Description>
</rdf:RDF></x:xmpmeta><?xpacket end="w"?>"""
TITLE = '<dc:title><rdf:Alt><rdf:li xml:lang="x-default">Test</rdf:li></rdf:Alt></dc:title>'
PART = "<pdfuaid:part>1</pdfuaid:part>"


def xmp(pdf, title=TITLE, part=PART):
    pdf.Root.Metadata = pdf.make_stream(XMP.format(title=title, part=part).encode(),
                                        Type=pikepdf.Name.Metadata,
                                        Subtype=pikepdf.Name.XML)


def good():
    """A one-page PDF that passes every check."""
    pdf = pikepdf.new()
    f1 = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font,
                                              Subtype=pikepdf.Name.Type1,
                                              BaseFont=pikepdf.Name.Helvetica))
    cid = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.CIDFontType2,
                             BaseFont=pikepdf.Name("/X+Font"),
                             CIDToGIDMap=pikepdf.Name.Identity)
    f2 = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font,
                                              Subtype=pikepdf.Name.Type0,
                                              BaseFont=pikepdf.Name("/X+Font"),
                                              Encoding=pikepdf.Name("/Identity-H"),
                                              DescendantFonts=[pdf.make_indirect(cid)]))
    page = pikepdf.Dictionary(Type=pikepdf.Name.Page, MediaBox=[0, 0, 595, 842],
                              Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=f1, F2=f2)),
                              StructParents=0, Tabs=pikepdf.Name.S)
    pdf.pages.append(pikepdf.Page(page))
    page = pdf.pages[0].obj
    page.Contents = pdf.make_stream(HEADER + BODY + FOOTER)
    annot = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Annot,
                                                 Subtype=pikepdf.Name.Link,
                                                 Rect=[56, 455, 120, 470], StructParent=1,
                                                 Contents=pikepdf.String("Contents")))
    page.Annots = pdf.make_indirect([annot])

    def elem(s, k, **kw):
        return pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem,
                                                    S=pikepdf.Name("/" + s), K=k, Pg=page, **kw))
    h1 = elem("H1", 0)
    th = elem("TH", 1, A=pikepdf.Dictionary(O=pikepdf.Name.Table, Scope=pikepdf.Name.Column))
    tr = elem("TR", [th])
    table = elem("Table", [tr])
    fig = elem("Figure", 2, Alt=pikepdf.String("A box"))
    cap = elem("Caption", 3)
    objr = pikepdf.Dictionary(Type=pikepdf.Name.OBJR, Obj=annot, Pg=page)
    link = elem("Link", [4, objr])
    doc = elem("Document", [h1, table, fig, cap, link])
    for kid, parent in ((h1, doc), (table, doc), (tr, table), (th, tr), (fig, doc), (cap, doc),
                        (link, doc)):
        kid.P = parent
    root = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.StructTreeRoot, K=[doc],
        ParentTree=pikepdf.Dictionary(Nums=[0, [h1, th, fig, cap, link], 1, link])))
    doc.P = root
    pdf.Root.StructTreeRoot = root
    pdf.Root.MarkInfo = pikepdf.Dictionary(Marked=True)
    pdf.Root.Lang = pikepdf.String("en-GB")
    pdf.Root.ViewerPreferences = pikepdf.Dictionary(DisplayDocTitle=True)
    xmp(pdf)
    return pdf


def content(pdf, old, new):
    page = pdf.pages[0].obj
    data = page.Contents.read_bytes()
    assert old in data, old
    page.Contents = pdf.make_stream(data.replace(old, new, 1))


def elem_of(pdf, s):
    def find(e):
        if isinstance(e, pikepdf.Dictionary):
            if e.get("/S") == "/" + s:
                return e
            k = e.get("/K")
            for c in (list(k) if isinstance(k, pikepdf.Array) else [k]):
                r = find(c)
                if r is not None:
                    return r
        return None
    return find(pdf.Root.StructTreeRoot.K[0])


def caption_into_figure(pdf):
    fig, cap = elem_of(pdf, "Figure"), elem_of(pdf, "Caption")
    doc = pdf.Root.StructTreeRoot.K[0]
    doc.K = [k for k in doc.K if k.objgen != cap.objgen]
    fig.K = [cap]
    cap.P = fig


def repeat_header(pdf):
    table = elem_of(pdf, "Table")
    th = elem_of(pdf, "TH")
    row = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem,
                                               S=pikepdf.Name.TR, P=table))
    cell = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem,
                                                S=pikepdf.Name.TH, P=row, A=th.A,
                                                Pg=pdf.pages[0].obj))
    row.K = [cell]
    table.K.append(row)


def add_h(pdf):
    doc = pdf.Root.StructTreeRoot.K[0]
    doc.K.append(pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem,
                                                      S=pikepdf.Name.H, P=doc,
                                                      Pg=pdf.pages[0].obj)))


# (name, how to break the good PDF, the condition(s) expected, on page (0 = document))
CASES = [
    ("unmarked text", lambda p: content(p, b"/H1 <</MCID 0>> BDC", b"BT 56 600 Td (x) Tj ET\n/H1 <</MCID 0>> BDC"),
     "01-005", 1),
    ("unmarked fill", lambda p: content(p, b"/Artifact BMC 0.9 g", b"0.9 g 1 1 5 5 re f /Artifact BMC"),
     "01-005", 1),
    ("unmarked text after an EMC", lambda p: content(p, b"(Title) Tj ET EMC", b"(Title) Tj ET EMC BT 56 600 Td (y) Tj ET"),
     "01-005", 1),
    ("header as a layout artifact", lambda p: content(p, b"/Type /Pagination /Subtype /Header", b""),
     "18-001", 1),
    ("footer marked Header", lambda p: content(p, b"/Subtype /Footer", b"/Subtype /Header"),
     "18-001", 1),
    ("header tagged as a P", lambda p: content(p, b"/Artifact <</Type /Pagination /Subtype /Header>> BDC",
                                               b"/P <</MCID 0>> BDC"),
     "18-001", 1),
    ("no XMP", lambda p: p.Root.__delattr__("Metadata"), ("06-001", "06-002", "06-003"), 0),
    ("XMP without dc:title", lambda p: xmp(p, title=""), "06-002", 0),
    ("XMP without pdfuaid:part", lambda p: xmp(p, part=""), "06-003", 0),
    ("pdfuaid:part 2", lambda p: xmp(p, part="<pdfuaid:part>2</pdfuaid:part>"), "06-003", 0),
    ("no DisplayDocTitle", lambda p: p.Root.ViewerPreferences.__delattr__("DisplayDocTitle"),
     "07-001", 0),
    ("no /Lang", lambda p: p.Root.__delattr__("Lang"), "11-lang", 0),
    ("MarkInfo false", lambda p: setattr(p.Root.MarkInfo, "Marked", False), "01-mark", 0),
    ("Figure without /Alt", lambda p: elem_of(p, "Figure").__delattr__("Alt"), "13-004", 1),
    ("Figure > Caption", caption_into_figure, "fig-cap", 1),
    ("TH without /A", lambda p: elem_of(p, "TH").__delattr__("A"), "15-003", 1),
    ("TH with a Layout attribute", lambda p: setattr(elem_of(p, "TH"), "A", pikepdf.Dictionary(
        O=pikepdf.Name.Layout, Placement=pikepdf.Name.Block)), "15-003", 1),
    ("header row repeated", repeat_header, "rep-hdr", 1),
    ("H beside H1", add_h, "14-007", 1),
    ("Link without /Contents", lambda p: p.pages[0].Annots[0].__delattr__("Contents"), "28-012", 1),
    ("page without /Tabs", lambda p: p.pages[0].obj.__delattr__("Tabs"), "28-008", 1),
    ("/Tabs /R", lambda p: setattr(p.pages[0].obj, "Tabs", pikepdf.Name.R), "28-008", 1),
    ("no CIDToGIDMap", lambda p: p.pages[0].Resources.Font.F2.DescendantFonts[0].__delattr__(
        "CIDToGIDMap"), "31-005", 1),
    ("MCID without an element", lambda p: p.Root.StructTreeRoot.ParentTree.Nums[1].__setitem__(
        3, None), "mcid", 1),
]


def run(pdf, tmp, name):
    path = os.path.join(tmp, name.replace(" ", "_").replace("/", "") + ".pdf")
    pdf.save(path)
    return check.check(path)


def main():
    failed = 0
    with tempfile.TemporaryDirectory(prefix="pdfua-") as tmp:
        base = run(good(), tmp, "good")
        if base.total():
            print("FAIL good PDF reports", {c: dict(v) for c, v in base.counts.items()})
            failed += 1
        for name, breaks, cond, page in CASES:
            pdf = good()
            breaks(pdf)
            got = run(pdf, tmp, name)
            want = cond if isinstance(cond, tuple) else (cond,)
            others = {c: got.total(c) for c in got.counts if c not in want and got.total(c)}
            ok = all(got.counts[c][page] > 0 for c in want) and not others
            cond = want[0]
            print(("ok   " if ok else "FAIL ") + f"{name}: {cond} p{page} = "
                  f"{got.counts[cond][page]}" + (f", also {others}" if others else ""))
            failed += not ok
    print(f"{len(CASES) + 1 - failed} of {len(CASES) + 1} cases pass")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
