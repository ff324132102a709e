/* docx.c - the document tree as a Word document (see docx.h): the body.
 *
 * A .docx file is a zip of XML parts (ECMA-376 part 2, Open Packaging
 * Conventions). This file makes word/document.xml and a PNG per figure;
 * docxpart.c makes the few other parts Word needs (content types,
 * relationships, properties, styles, settings, numbering, header and footer)
 * and the zip. Everything a reader sees is styled through named styles
 * (Title, Heading 1-3, Caption, Note, Table Text), so a council's template can
 * restyle the paper in one step. */
#include "output/docx-private.h"

#include "output/chartfile.h"

#include <math.h>
#include <string.h>

/* ---- runs and paragraphs ---- */

/* A link: internal ("#id", to a bookmark) or external (a relationship). */
static void
gb__link(GbDocx *x, const char *text, const char *href)
{
    gb__docx_open(x, "w:hyperlink");
    if (href[0] == '#')
        gb__docx_attr(x, "w:anchor", href + 1);
    else {
        char *rid = gb__docx_rel(x, "hyperlink", href, TRUE);
        gb__docx_attr(x, "r:id", rid);
        g_free(rid);
    }
    gb__docx_run(x, text, FALSE, FALSE, "Hyperlink");
    gb__docx_close(x);
}

static void
gb__bookmark(GbDocx *x, const char *name)
{
    int id = x->bookmarks++;
    gb__docx_open(x, "w:bookmarkStart");
    gb__docx_attrf(x, "w:id", "%d", id);
    gb__docx_attr(x, "w:name", name);
    gb__docx_close(x);
    gb__docx_open(x, "w:bookmarkEnd");
    gb__docx_attrf(x, "w:id", "%d", id);
    gb__docx_close(x);
}

/* ---- blocks ---- */

static const char *
gb__heading_style(int level)
{
    /* Sections are Heading 1, headings inside them one and two levels down;
     * the document's title is the Title style, as Word's own templates do. */
    return level <= 2 ? "Heading1" : level == 3 ? "Heading2" : "Heading3";
}

static void
gb__paragraph(GbDocx *x, const GbTreeBlock *b)
{
    gb__docx_para_begin(x, NULL, FALSE);
    for (guint i = 0; b->runs != NULL && i < b->runs->len; i++) {
        const GbTreeRun *r = &g_array_index(b->runs, GbTreeRun, i);
        if (r->kind == GB_RUN_LINK && r->href != NULL)
            gb__link(x, r->text, r->href);
        else
            gb__docx_run(x, r->text, FALSE, r->kind == GB_RUN_EMPHASIS, NULL);
    }
    gb__docx_close(x);
}

static void
gb__list(GbDocx *x, const GbTreeBlock *b)
{
    for (guint i = 0; b->items != NULL && i < b->items->len; i++) {
        gb__docx_open(x, "w:p");
        gb__docx_open(x, "w:pPr");
        gb__docx_val(x, "w:pStyle", "ListBullet");
        gb__docx_open(x, "w:numPr");
        gb__docx_val(x, "w:ilvl", "0");
        gb__docx_val(x, "w:numId", "1");
        gb__docx_close(x);
        gb__docx_close(x);
        gb__docx_run(x, g_ptr_array_index(b->items, i), FALSE, FALSE, NULL);
        gb__docx_close(x);
    }
}

static void
gb__hex(char out[7], GbRgb c)
{
    g_snprintf(out, 7, "%02X%02X%02X", (int)lround(c.r * 255), (int)lround(c.g * 255),
               (int)lround(c.b * 255));
}

static void
gb__cell(GbDocx *x, const GbTreeCell *c, double width_pt, gboolean header, gboolean row_header)
{
    gb__docx_open(x, "w:tc");
    gb__docx_open(x, "w:tcPr");
    gb__docx_open(x, "w:tcW");
    gb__docx_attrf(x, "w:w", "%ld", lround(width_pt * GB__TWIPS_PER_PT));
    gb__docx_attr(x, "w:type", "dxa");
    gb__docx_close(x);
    gboolean dark = FALSE;
    if (header || c->level >= 0) {
        GbRgb fill = header ? (GbRgb){0.90, 0.92, 0.95} : gb_palette_level(c->level);
        dark = !header && gb_palette_dark(fill);
        char hex[7];
        gb__hex(hex, fill);
        gb__docx_open(x, "w:shd");
        gb__docx_attr(x, "w:val", "clear");
        gb__docx_attr(x, "w:color", "auto");
        gb__docx_attr(x, "w:fill", hex);
        gb__docx_close(x);
    }
    gb__docx_close(x);
    gb__docx_para_begin(x, header ? "TableHeader" : "TableText", FALSE);
    gb__docx_open(x, "w:r");
    if (dark || row_header) {
        gb__docx_open(x, "w:rPr");
        if (row_header)
            gb__docx_val(x, "w:b", NULL);
        if (dark)
            gb__docx_val(x, "w:color", "FFFFFF");
        gb__docx_close(x);
    }
    gb__docx_open(x, "w:t");
    gb__docx_attr(x, "xml:space", "preserve");
    gb__docx_text(x, c->text);
    gb__docx_close(x);
    gb__docx_close(x);
    gb__docx_close(x);
    gb__docx_close(x);
}

static void
gb__table(GbDocx *x, const GbTreeTable *t)
{
    if (t->caption != NULL && t->caption[0] != '\0') {
        gb__docx_para_begin(x, "Caption", TRUE);
        gb__docx_run(x, t->caption, FALSE, FALSE, NULL);
        gb__docx_close(x);
    }
    gb__docx_open(x, "w:tbl");
    gb__docx_open(x, "w:tblPr");
    gb__docx_val(x, "w:tblStyle", "GradeTable");
    gb__docx_open(x, "w:tblW");
    gb__docx_attr(x, "w:w", "5000");
    gb__docx_attr(x, "w:type", "pct");
    gb__docx_close(x);
    gb__docx_open(x, "w:tblLook");
    gb__docx_attr(x, "w:val", t->row_headers ? "04A0" : "0420");
    gb__docx_attr(x, "w:firstRow", "1");
    gb__docx_attr(x, "w:firstColumn", t->row_headers ? "1" : "0");
    gb__docx_close(x);
    if (t->caption != NULL)
        gb__docx_val(x, "w:tblCaption", t->caption);
    gb__docx_close(x);
    gb__docx_open(x, "w:tblGrid");
    for (int c = 0; c < t->ncols; c++) {
        gb__docx_open(x, "w:gridCol");
        gb__docx_attrf(x, "w:w", "%ld", lround(t->widths[c] * x->text_width * GB__TWIPS_PER_PT));
        gb__docx_close(x);
    }
    gb__docx_close(x);
    int rows = (int)(t->cells->len / (guint)MAX(t->ncols, 1));
    for (int r = 0; r < rows; r++) {
        gboolean header = r < t->header_rows;
        gb__docx_open(x, "w:tr");
        gb__docx_open(x, "w:trPr");
        gb__docx_val(x, "w:cantSplit", NULL);
        if (header)
            gb__docx_val(x, "w:tblHeader", NULL);
        gb__docx_close(x);
        for (int c = 0; c < t->ncols; c++) {
            const GbTreeCell *cell = &g_array_index(t->cells, GbTreeCell, r * t->ncols + c);
            gb__cell(x, cell, t->widths[c] * x->text_width, header,
                     !header && c == 0 && t->row_headers);
        }
        gb__docx_close(x);
    }
    gb__docx_close(x);
    gb__docx_para(x, "Spacer", "");
}

/* The chart as a PNG part and an inline picture at the text width. */
static void
gb__figure(GbDocx *x, const GbTreeBlock *b)
{
    double width = x->text_width;
    /* The file's own height (with its margins): the chart's alone clipped it. */
    double height = gb_chartfile_height(b->chart, x->fonts, width);
    GbChartFileOptions co = {.format = GB_FORMAT_PNG,
                             .width = width,
                             .height = height,
                             .dpi = x->o->dpi > 0 ? x->o->dpi : 300,
                             .date = NULL};
    GByteArray *png = NULL;
    guint k;
    const GPtrArray *drawn = x->o->pictures;
    if (drawn != NULL && g_ptr_array_find(x->tree->charts, b->chart, &k) && k < drawn->len) {
        png = g_byte_array_ref(g_ptr_array_index(drawn, k));
    } else {
        GbStatus st = gb_chartfile_render(b->chart, x->fonts, &co, &png, x->diag);
        if (st != GB_OK) {
            x->status = st;
            return;
        }
    }
    int n = ++x->pictures;
    char *name = g_strdup_printf("word/media/figure%d.png", n);
    GbDocxPart part = {.name = name, .bytes = png, .stored = TRUE};
    g_array_append_val(x->parts, part);
    char *target = g_strdup_printf("media/figure%d.png", n);
    char *rid = gb__docx_rel(x, "image", target, FALSE);
    g_free(target);

    long cx = lround(width * GB__EMU_PER_PT), cy = lround(height * GB__EMU_PER_PT);
    char *title = g_strdup_printf("Figure %d", b->number);
    gb__docx_para_begin(x, "Figure", TRUE);
    gb__docx_open(x, "w:r");
    gb__docx_open(x, "w:drawing");
    gb__docx_open(x, "wp:inline");
    gb__docx_open(x, "wp:extent");
    gb__docx_attrf(x, "cx", "%ld", cx);
    gb__docx_attrf(x, "cy", "%ld", cy);
    gb__docx_close(x);
    gb__docx_open(x, "wp:docPr");
    gb__docx_attrf(x, "id", "%d", n);
    gb__docx_attr(x, "name", title);
    gb__docx_attr(x, "descr", b->alt != NULL ? b->alt : "");
    gb__docx_close(x);
    gb__docx_open(x, "wp:cNvGraphicFramePr");
    gb__docx_open(x, "a:graphicFrameLocks");
    gb__docx_attr(x, "noChangeAspect", "1");
    gb__docx_close(x);
    gb__docx_close(x);
    gb__docx_open(x, "a:graphic");
    gb__docx_open(x, "a:graphicData");
    gb__docx_attr(x, "uri", "http://schemas.openxmlformats.org/drawingml/2006/picture");
    gb__docx_open(x, "pic:pic");
    gb__docx_open(x, "pic:nvPicPr");
    gb__docx_open(x, "pic:cNvPr");
    gb__docx_attrf(x, "id", "%d", n);
    gb__docx_attr(x, "name", title);
    gb__docx_attr(x, "descr", b->alt != NULL ? b->alt : "");
    gb__docx_close(x);
    gb__docx_open(x, "pic:cNvPicPr");
    gb__docx_close(x);
    gb__docx_close(x);
    gb__docx_open(x, "pic:blipFill");
    gb__docx_open(x, "a:blip");
    gb__docx_attr(x, "r:embed", rid);
    gb__docx_close(x);
    gb__docx_open(x, "a:stretch");
    gb__docx_open(x, "a:fillRect");
    gb__docx_close(x);
    gb__docx_close(x);
    gb__docx_close(x);
    gb__docx_open(x, "pic:spPr");
    gb__docx_open(x, "a:xfrm");
    gb__docx_open(x, "a:off");
    gb__docx_attr(x, "x", "0");
    gb__docx_attr(x, "y", "0");
    gb__docx_close(x);
    gb__docx_open(x, "a:ext");
    gb__docx_attrf(x, "cx", "%ld", cx);
    gb__docx_attrf(x, "cy", "%ld", cy);
    gb__docx_close(x);
    gb__docx_close(x);
    gb__docx_open(x, "a:prstGeom");
    gb__docx_attr(x, "prst", "rect");
    gb__docx_open(x, "a:avLst");
    gb__docx_close(x);
    gb__docx_close(x);
    gb__docx_close(x); /* spPr */
    gb__docx_close(x); /* pic */
    gb__docx_close(x); /* graphicData */
    gb__docx_close(x); /* graphic */
    gb__docx_close(x); /* inline */
    gb__docx_close(x); /* drawing */
    gb__docx_close(x); /* r */
    gb__docx_close(x); /* p */
    g_free(rid);

    char *caption = g_strdup_printf("%s: %s", title, b->caption != NULL ? b->caption : "");
    gb__docx_para(x, "Caption", caption);
    g_free(caption);
    g_free(title);
    if (b->table != NULL)
        gb__table(x, b->table);
}

static void
gb__block(GbDocx *x, const GbTreeBlock *b)
{
    switch (b->kind) {
    case GB_BLOCK_HEADING:
        gb__docx_para_begin(x, gb__heading_style(b->level), TRUE);
        gb__docx_run(x, b->text, FALSE, FALSE, NULL);
        gb__docx_close(x);
        break;
    case GB_BLOCK_PARAGRAPH:
        gb__paragraph(x, b);
        break;
    case GB_BLOCK_LIST:
        gb__list(x, b);
        break;
    case GB_BLOCK_FIGURE:
        gb__figure(x, b);
        break;
    case GB_BLOCK_TABLE:
        gb__table(x, b->table);
        break;
    case GB_BLOCK_NOTE:
        gb__docx_para(x, "Note", b->text);
        break;
    }
}

static char *
gb__section_heading(const GbTreeSection *s)
{
    return s->number > 0 ? g_strdup_printf("%d. %s", s->number, s->title) : g_strdup(s->title);
}

/* A heading paragraph, on a new page when page_break (the briefing's sections
 * start on a page of their own, as in the PDF). */
static void
gb__heading_begin(GbDocx *x, const char *style, gboolean page_break)
{
    gb__docx_open(x, "w:p");
    gb__docx_open(x, "w:pPr");
    gb__docx_val(x, "w:pStyle", style);
    gb__docx_val(x, "w:keepNext", NULL);
    if (page_break)
        gb__docx_val(x, "w:pageBreakBefore", NULL);
    gb__docx_close(x);
}

/* The contents as a TOC field whose cached result lists every section (each a
 * link), so the list reads right before Word updates the field with the page
 * numbers of its own layout (settings.xml asks it to on opening; LibreOffice
 * shows the cached list). */
static void
gb__fldchar(GbDocx *x, const char *type)
{
    gb__docx_open(x, "w:r");
    gb__docx_open(x, "w:fldChar");
    gb__docx_attr(x, "w:fldCharType", type);
    gb__docx_close(x);
    gb__docx_close(x);
}

static void
gb__instr(GbDocx *x, const char *instr)
{
    gb__docx_open(x, "w:r");
    gb__docx_open(x, "w:instrText");
    gb__docx_attr(x, "xml:space", "preserve");
    gb__docx_text(x, instr);
    gb__docx_close(x);
    gb__docx_close(x);
}

static void
gb__contents(GbDocx *x)
{
    gb__heading_begin(x, "TOCHeading", TRUE);
    gb__docx_run(x, "Contents", FALSE, FALSE, NULL);
    gb__docx_close(x);
    const GPtrArray *ss = x->tree->sections;
    for (guint i = 0; i < ss->len; i++) {
        const GbTreeSection *s = g_ptr_array_index(ss, i);
        gb__docx_para_begin(x, "TOC1", FALSE);
        if (i == 0) {
            gb__fldchar(x, "begin");
            gb__instr(x, " TOC \\o \"1-2\" \\h \\z \\u ");
            gb__fldchar(x, "separate");
        }
        char *text = gb__section_heading(s);
        char *href = g_strconcat("#", s->id, NULL);
        gb__link(x, text, href);
        g_free(href);
        g_free(text);
        if (i + 1 == ss->len)
            gb__fldchar(x, "end");
        gb__docx_close(x);
    }
}

static void
gb__reference(GbDocx *x, const char *element, const char *type, const char *rid)
{
    gb__docx_open(x, element);
    gb__docx_attr(x, "w:type", type);
    gb__docx_attr(x, "r:id", rid);
    gb__docx_close(x);
}

/* rids: the default header and footer, then (with a cover) the first page's. */
static void
gb__section_properties(GbDocx *x, char *const rids[4])
{
    const GbDocxOptions *o = x->o;
    gb__docx_open(x, "w:sectPr");
    gb__reference(x, "w:headerReference", "default", rids[0]);
    if (rids[2] != NULL)
        gb__reference(x, "w:headerReference", "first", rids[2]);
    gb__reference(x, "w:footerReference", "default", rids[1]);
    if (rids[3] != NULL)
        gb__reference(x, "w:footerReference", "first", rids[3]);
    gb__docx_open(x, "w:pgSz");
    gb__docx_attrf(x, "w:w", "%ld", lround(o->page_width * GB__TWIPS_PER_PT));
    gb__docx_attrf(x, "w:h", "%ld", lround(o->page_height * GB__TWIPS_PER_PT));
    gb__docx_close(x);
    long m = lround(o->margin * GB__TWIPS_PER_PT);
    gb__docx_open(x, "w:pgMar");
    gb__docx_attrf(x, "w:top", "%ld", m);
    gb__docx_attrf(x, "w:right", "%ld", m);
    gb__docx_attrf(x, "w:bottom", "%ld", m);
    gb__docx_attrf(x, "w:left", "%ld", m);
    gb__docx_attr(x, "w:header", "567");
    gb__docx_attr(x, "w:footer", "567");
    gb__docx_attr(x, "w:gutter", "0");
    gb__docx_close(x);
    if (rids[2] != NULL)
        gb__docx_val(x, "w:titlePg", NULL);
    gb__docx_close(x);
}

static void
gb__document(GbDocx *x)
{
    const GbTree *t = x->tree;
    /* The header and footer relationships come first: their ids are known
     * before the pictures and links the body adds. */
    char *rids[4] = {gb__docx_rel(x, "header", "header1.xml", FALSE),
                     gb__docx_rel(x, "footer", "footer1.xml", FALSE)};
    if (t->cover) {
        rids[2] = gb__docx_rel(x, "header", "header2.xml", FALSE);
        rids[3] = gb__docx_rel(x, "footer", "footer2.xml", FALSE);
    }

    gb__docx_part_begin(x);
    gb__docx_open(x, "w:document");
    gb__docx_attr(x, "xmlns:w", GB__NS_W);
    gb__docx_attr(x, "xmlns:r", GB__NS_R);
    gb__docx_attr(x, "xmlns:wp",
                  "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing");
    gb__docx_attr(x, "xmlns:a", "http://schemas.openxmlformats.org/drawingml/2006/main");
    gb__docx_attr(x, "xmlns:pic", "http://schemas.openxmlformats.org/drawingml/2006/picture");
    gb__docx_open(x, "w:body");
    gb__docx_para(x, "Title", t->title);
    if (t->subtitle != NULL && t->subtitle[0] != '\0')
        gb__docx_para(x, "Subtitle", t->subtitle);
    for (guint i = 0; t->cover_lines != NULL && i < t->cover_lines->len; i++)
        gb__docx_para(x, "CoverLine", g_ptr_array_index(t->cover_lines, i));
    if (t->cover)
        gb__contents(x);
    for (guint i = 0; i < t->sections->len && x->status == GB_OK; i++) {
        const GbTreeSection *s = g_ptr_array_index(t->sections, i);
        gb__heading_begin(x, "Heading1", t->cover);
        gb__bookmark(x, s->id);
        char *heading = gb__section_heading(s);
        gb__docx_run(x, heading, FALSE, FALSE, NULL);
        g_free(heading);
        gb__docx_close(x);
        for (guint k = 0; k < s->blocks->len && x->status == GB_OK; k++)
            gb__block(x, g_ptr_array_index(s->blocks, k));
    }
    gb__section_properties(x, rids);
    gb__docx_close(x);
    gb__docx_close(x);
    gb__docx_part_end(x, "word/document.xml");
    for (int i = 0; i < 4; i++)
        g_free(rids[i]);
}

static void
gb__part_clear(gpointer p)
{
    GbDocxPart *part = p;
    g_free(part->name);
    g_byte_array_free(part->bytes, TRUE);
}

GbStatus
gb_docx_render(const GbTree *tree, GbFonts *f, const GbDocxOptions *o, GByteArray **out,
               GbDiag *diag)
{
    GbDocx x = {
        .tree = tree,
        .o = o,
        .fonts = f,
        .text_width = o->page_width - 2 * o->margin,
        .rels = g_ptr_array_new_with_free_func(g_free),
        .parts = g_array_new(FALSE, FALSE, sizeof(GbDocxPart)),
        .status = GB_OK,
        .diag = diag,
    };
    g_array_set_clear_func(x.parts, gb__part_clear);
    *out = NULL;

    /* Parts go into the zip in the order they are made: [Content_Types].xml
     * first and the package relationships next, as Office writes them. */
    gb__docx_package(&x);
    gb__document(&x);
    if (x.status == GB_OK) {
        gb__docx_parts(&x);
        x.status = gb__docx_zip(x.parts, out, diag);
    }
    g_array_free(x.parts, TRUE);
    g_ptr_array_free(x.rels, TRUE);
    return x.status;
}
