#!/usr/bin/python3
"""check_docx.py KIND FILE.docx [AUTHORITY] - checks a Word file gradebrief wrote.

KIND is "briefing" or "pack". Opens the file with python-docx (Debian's
python3-docx) and with zipfile/lxml for what python-docx does not expose, and
fails (exit 1, one line per problem) unless:
- the package is a zip whose first entry is [Content_Types].xml, every entry
  dated 1980-01-01 (deterministic), every XML part well-formed;
- core properties carry the title (equal to the Title paragraph), en-GB, a date;
- headings use Word's own Heading 1-3 styles, with no level skipped, and the
  briefing has a TOC field whose entries link to bookmarks that exist;
- every table's first row repeats as a header row, except a layout table
  (style "Layout Table": figures side by side on a pack's summary page), which
  holds pictures and their captions only; every shaded (grade) cell has its
  grade written out; a pack's title names the authority;
- every picture is a PNG at the text width (in a layout table: within its
  cell; the branding's logo on the cover: within 200 x 72 pt), drawn at 300 dpi, with a description (alt text) that carries a
  number; a picture that also names an SVG (a:blip's a:extLst/a:ext of Word's
  SVG uri holding asvg:svgBlip, as Word 2016+ stores an inserted SVG) may have
  a PNG fallback of 150 dpi or more; its SVG is an SVG part of the picture's
  size in points, and the package lists image/svg+xml; every figure of a
  briefing has an SVG; a description that says its data are in a table "Data for figure
  N" names a table caption that exists, under "Data for the summary's
  figures".
tests/docx/test_check.py proves that each check can fail.
"""
import io
import re
import struct
import sys
import zipfile

import docx
from docx.shared import Emu
from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W,
      "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
      "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
      "asvg": "http://schemas.microsoft.com/office/drawing/2016/SVG/main"}
SVG_EXT = "{96DAC541-7B7A-43D3-8B79-37D633B846F1}"


def png_size(data):
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    w, h = struct.unpack(">II", data[16:24])
    dpi = None
    i = 8
    while i + 8 <= len(data):
        n, kind = struct.unpack(">I4s", data[i:i + 8])
        if kind == b"pHYs":
            ppm = struct.unpack(">I", data[i + 8:i + 12])[0]
            dpi = round(ppm * 0.0254)
        i += 12 + n
    return w, h, dpi


def svg_size(data):
    """The width and height in points of an SVG's root, or None."""
    try:
        root = etree.fromstring(data)
    except etree.XMLSyntaxError:
        return None
    if root.tag != "{http://www.w3.org/2000/svg}svg":
        return None
    size = []
    for a in ("width", "height"):
        m = re.fullmatch(r"([0-9.]+)(pt)?", root.get(a) or "")
        if not m:
            return None
        size.append(float(m.group(1)))
    return tuple(size)


def check(kind, path, authority=None):
    problems = []
    raw = open(path, "rb").read()
    z = zipfile.ZipFile(io.BytesIO(raw))
    names = z.namelist()
    if not names or names[0] != "[Content_Types].xml":
        problems.append("first zip entry is %r, not [Content_Types].xml" % (names[:1],))
    for info in z.infolist():
        if info.date_time[:3] != (1980, 1, 1):
            problems.append("%s: zip date %s, not 1980-01-01" % (info.filename, info.date_time))
        if info.filename.endswith(".xml") or info.filename.endswith(".rels"):
            try:
                etree.fromstring(z.read(info.filename))
            except etree.XMLSyntaxError as e:
                problems.append("%s: not well-formed: %s" % (info.filename, e))
    if problems:
        return problems

    d = docx.Document(io.BytesIO(raw))
    body = etree.fromstring(z.read("word/document.xml"))

    # Core properties.
    cp = d.core_properties
    titles = [p.text for p in d.paragraphs if p.style.name == "Title"]
    if len(titles) != 1:
        problems.append("%d Title paragraphs, not 1" % len(titles))
    elif cp.title != titles[0]:
        problems.append("core title %r differs from the Title paragraph %r" % (cp.title, titles[0]))
    if cp.language != "en-GB":
        problems.append("core language %r, not en-GB" % cp.language)
    if cp.created is None:
        problems.append("no creation date in the core properties")
    styles = etree.fromstring(z.read("word/styles.xml"))
    lang = styles.find(".//w:docDefaults//w:lang", NS)
    if lang is None or lang.get("{%s}val" % W) != "en-GB":
        problems.append("the default run language is not en-GB")

    # Headings: Word's own styles, in order.
    levels = []
    for p in d.paragraphs:
        m = re.fullmatch(r"Heading ([1-9])", p.style.name)
        if m:
            levels.append(int(m.group(1)))
            if not p.text.strip():
                problems.append("an empty %s" % p.style.name)
    if not levels or levels[0] != 1:
        problems.append("the first heading is not a Heading 1 (%s)" % levels[:1])
    for a, b in zip(levels, levels[1:]):
        if b > a + 1:
            problems.append("heading level skipped: Heading %d after Heading %d" % (b, a))
    if kind == "briefing" and levels.count(1) < 5:
        problems.append("only %d Heading 1 sections" % levels.count(1))

    # Contents: a TOC field whose entries link to bookmarks.
    bookmarks = {b.get("{%s}name" % W) for b in body.iter("{%s}bookmarkStart" % W)}
    anchors = [h.get("{%s}anchor" % W) for h in body.iter("{%s}hyperlink" % W)
               if h.get("{%s}anchor" % W)]
    for a in anchors:
        if a not in bookmarks:
            problems.append("link to #%s, which no bookmark names" % a)
    instr = "".join(t.text or "" for t in body.iter("{%s}instrText" % W))
    if kind == "briefing":
        if "TOC" not in instr:
            problems.append("no TOC field")
        if len(anchors) < 5:
            problems.append("the contents link %d sections" % len(anchors))

    # Tables.
    if not d.tables:
        problems.append("no tables")
    layout_cells = {}
    for i, t in enumerate(d.tables):
        first = t.rows[0]._tr
        if t.style is not None and t.style.name == "Layout Table":
            for tc in t._tbl.iter("{%s}tc" % W):
                if tc.find("w:tcPr/w:shd", NS) is not None or tc.find(".//w:tbl", NS) is not None:
                    problems.append("layout table %d holds a data table or shading" % (i + 1))
                width = int(tc.find("w:tcPr/w:tcW", NS).get("{%s}w" % W)) / 20.0
                for p in tc.iter("{%s}p" % W):
                    style = p.find("w:pPr/w:pStyle", NS)
                    style = style.get("{%s}val" % W) if style is not None else None
                    if style not in ("Figure", "Caption"):
                        problems.append("layout table %d holds a %s paragraph, not only "
                                        "figures" % (i + 1, style))
                for pr in tc.iter("{%s}docPr" % NS["wp"]):
                    layout_cells[pr.get("id")] = width
            continue
        if first.find("w:trPr/w:tblHeader", NS) is None:
            problems.append("table %d: the first row is not a repeating header row" % (i + 1))
        for tc in t._tbl.iter("{%s}tc" % W):
            shd = tc.find("w:tcPr/w:shd", NS)
            text = "".join(x.text or "" for x in tc.iter("{%s}t" % W)).strip()
            if shd is not None and not text:
                problems.append("table %d: a shaded cell with no text (colour alone)" % (i + 1))
    if authority and not any(authority in t for t in titles):
        problems.append("the title does not name %r" % authority)

    # Pictures.
    section = d.sections[-1]
    text_width = section.page_width - section.left_margin - section.right_margin
    shapes = list(d.inline_shapes)
    if kind == "briefing" and len(shapes) < 4:
        problems.append("only %d pictures" % len(shapes))
    captions = {"".join(p.itertext()).strip()
                for p in body.iter("{%s}p" % W)
                if p.find("w:pPr/w:pStyle[@w:val='Caption']", NS) is not None}
    for i, s in enumerate(shapes):
        descr = s._inline.docPr.get("descr") or ""
        m = re.search("\u201cData for figure (\\d+)\u201d", descr)
        if m:
            if not any(c.startswith("Data for figure %s:" % m.group(1)) for c in captions):
                problems.append("picture %d: its description points to 'Data for figure %s', "
                                "which no table caption is" % (i + 1, m.group(1)))
            if "Data for the summary\u2019s figures" not in [p.text for p in d.paragraphs
                                                              if p.style.name == "Heading 1"]:
                problems.append("picture %d: its data are moved, but there is no 'Data for the "
                                "summary's figures' heading" % (i + 1))
        logo = s._inline.docPr.get("name") == "Logo"  # the branding's, on the cover
        if not descr.strip():
            problems.append("picture %d has no description" % (i + 1))
        elif not logo and not re.search(r"\d", descr):
            problems.append("picture %d: the description has no figure: %r" % (i + 1, descr[:60]))
        cell = layout_cells.get(s._inline.docPr.get("id"))
        if logo:
            if Emu(s.width).pt > 200.5 or Emu(s.height).pt > 72.5:
                problems.append("the logo is %.1f x %.1f pt, more than the cover's 200 x 72" %
                                (Emu(s.width).pt, Emu(s.height).pt))
        elif cell is not None:
            if Emu(s.width).pt > cell + 0.5 or Emu(s.width).pt < 0.3 * Emu(text_width).pt:
                problems.append("picture %d is %.1f pt wide in a layout cell of %.1f pt" %
                                (i + 1, Emu(s.width).pt, cell))
        elif abs(Emu(s.width).pt - Emu(text_width).pt) > 1.5:
            problems.append("picture %d is %.1f pt wide, the text %.1f pt" %
                            (i + 1, Emu(s.width).pt, Emu(text_width).pt))
        blip = s._inline.find(".//a:blip", NS)
        part = d.part.related_parts[blip.get("{%s}embed" % NS["r"])]
        exts = blip.findall("a:extLst/a:ext", NS)
        svgs = [e.find("asvg:svgBlip", NS) for e in exts if e.get("uri") == SVG_EXT]
        svgs = [e for e in svgs if e is not None]
        if len(exts) != len(svgs):
            problems.append("picture %d: an a:blip extension that is not Word's SVG one" % (i + 1))
        least = 300
        if svgs:
            least = 150
            rid = svgs[0].get("{%s}embed" % NS["r"])
            vector = d.part.related_parts.get(rid)
            vsize = svg_size(vector.blob) if vector is not None else None
            if vsize is None:
                problems.append("picture %d: its svgBlip %s names no SVG part" % (i + 1, rid))
            elif (abs(vsize[0] - Emu(s.width).pt) > 0.5 or
                  abs(vsize[1] - Emu(s.height).pt) > 0.5):
                problems.append("picture %d: its SVG is %.1f x %.1f pt, the picture %.1f x %.1f" %
                                (i + 1, vsize[0], vsize[1], Emu(s.width).pt, Emu(s.height).pt))
            if vector is not None and vector.content_type != "image/svg+xml":
                problems.append("picture %d: its SVG's content type is %r" %
                                (i + 1, vector.content_type))
        elif kind == "briefing" and not logo:
            problems.append("picture %d has no SVG (asvg:svgBlip)" % (i + 1))
        size = png_size(part.blob)
        if size is None:
            problems.append("picture %d is not a PNG" % (i + 1))
            continue
        w, h, dpi = size
        want = Emu(s.width).pt / 72 * (dpi or 0)
        if dpi is None or dpi < least or abs(w - want) > 2:
            problems.append("picture %d: %d px at %s dpi for %.1f pt (want %d dpi)" %
                            (i + 1, w, dpi, Emu(s.width).pt, least))
    # Tables: no row splits across pages; a long table (more than 8 body
    # rows) keeps its header with its first 3 body rows and its last 3
    # together (each row's paragraphs keep with the next), so no page holds
    # a header and 2 rows, or a table's last 1 or 2 rows, alone.
    for ti, tbl in enumerate(body.iter("{%s}tbl" % W)):
        trs = tbl.findall("w:tr", NS)
        head = sum(1 for tr in trs if tr.find("w:trPr/w:tblHeader", NS) is not None)
        kept = [all(p.find("w:pPr/w:keepNext", NS) is not None
                    for p in tr.iter("{%s}p" % W)) for tr in trs]
        if any(tr.find("w:trPr/w:cantSplit", NS) is None for tr in trs):
            problems.append("table %d: a row without cantSplit" % (ti + 1))
        if len(trs) - head > 8:
            want = list(range(head + 2)) + [len(trs) - 3, len(trs) - 2]
            for r in want:
                if not kept[r]:
                    problems.append("table %d (%d rows): row %d does not keep with the next" %
                                    (ti + 1, len(trs), r + 1))
    # The briefing's footer names the data, as the PDF's does.
    if kind == "briefing" and "word/footer1.xml" in names:
        foot = "".join(etree.fromstring(z.read("word/footer1.xml")).itertext())
        if not foot.startswith("Data: "):
            problems.append("footer %r does not name the data as the PDF's does" % foot[:60])
    return problems


def main(argv):
    if len(argv) < 3 or argv[1] not in ("briefing", "pack"):
        print("usage: check_docx.py briefing|pack FILE.docx [AUTHORITY]", file=sys.stderr)
        return 2
    problems = check(argv[1], argv[2], argv[3] if len(argv) > 3 else None)
    for p in problems:
        print("%s: %s" % (argv[2], p))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
