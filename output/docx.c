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
#include "output/logo.h"
#include "output/png.h"

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
gb__paragraph(GbDocx *x, const GbTreeBlock *b, gboolean keep_next)
{
    gb__docx_para_begin(x, NULL, keep_next);
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

/* Cell c appended to xml as the writer would write it element by element
 * (gb__docx_open and its kin, some 25,000 instructions a cell through
 * libxml2's writer; a table's cells are most of document.xml): width is its
 * w:tcW in twips, already a string. */
static void
gb__cell(GString *xml, const GbTreeCell *c, const char *width, gboolean header, gboolean row_header,
         gboolean keep)
{
    g_string_append(xml, "<w:tc><w:tcPr><w:tcW w:w=\"");
    g_string_append(xml, width);
    g_string_append(xml, "\" w:type=\"dxa\"/>");
    gboolean dark = FALSE;
    if (header || c->level >= 0) {
        GbRgb fill = header ? (GbRgb){0.90, 0.92, 0.95} : gb_palette_level(c->level);
        dark = !header && gb_palette_dark(fill);
        char hex[7];
        gb__hex(hex, fill);
        g_string_append(xml, "<w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"");
        g_string_append(xml, hex);
        g_string_append(xml, "\"/>");
    }
    g_string_append(xml, header ? "</w:tcPr><w:p><w:pPr><w:pStyle w:val=\"TableHeader\"/>"
                                : "</w:tcPr><w:p><w:pPr><w:pStyle w:val=\"TableText\"/>");
    g_string_append(xml, keep ? "<w:keepNext/></w:pPr><w:r>" : "</w:pPr><w:r>");
    if (dark || row_header) {
        g_string_append(xml, "<w:rPr>");
        if (row_header)
            g_string_append(xml, "<w:b/>");
        if (dark)
            g_string_append(xml, "<w:color w:val=\"FFFFFF\"/>");
        g_string_append(xml, "</w:rPr>");
    }
    g_string_append(xml, "<w:t xml:space=\"preserve\">");
    gb__docx_escape(xml, c->text);
    g_string_append(xml, "</w:t></w:r></w:p></w:tc>");
}

/* Tables of at most this many body rows are kept on one page. */
#define GB__KEEP_WHOLE 8

/* TRUE when the table block blocks[k] comes right under a heading of the
 * same words as its caption. */
static gboolean
gb__caption_is_heading(const GPtrArray *blocks, guint k)
{
    const GbTreeBlock *t = g_ptr_array_index(blocks, k);
    const GbTreeBlock *h = k > 0 ? g_ptr_array_index(blocks, k - 1) : NULL;
    return h != NULL && h->kind == GB_BLOCK_HEADING && t->table->caption != NULL &&
           g_strcmp0(h->text, t->table->caption) == 0;
}

/* TRUE when b is a table kept on one page. */
static gboolean
gb__short_table(const GbTreeBlock *b)
{
    return b->kind == GB_BLOCK_TABLE && gb_tree_table_rows(b->table) <= GB__KEEP_WHOLE;
}

/* The longest word (by characters) of text, copied into buf. */
static void
gb__longest_word(const char *text, char *buf, gsize len, glong *chars)
{
    const char *p = text != NULL ? text : "";
    while (*p != '\0') {
        while (*p == ' ')
            p++;
        const char *e = p;
        while (*e != '\0' && *e != ' ')
            e++;
        glong n = g_utf8_strlen(p, e - p);
        if (n > *chars && (gsize)(e - p) < len) {
            *chars = n;
            memcpy(buf, p, (gsize)(e - p));
            buf[e - p] = '\0';
        }
        p = e;
    }
}

/* The print widths of t's columns in points (w[ncols]): the tree's
 * fractions of the text width, with a column too narrow for its longest word
 * ("Yorkshire" of "Yorkshire and the Humber" would break as "Yorkshir-e")
 * widened to fit it, the room taken from the columns with some to spare. */
static void
gb__column_widths(GbDocx *x, const GbTreeTable *t, double *w)
{
    const double pad = 2 * 57 / GB__TWIPS_PER_PT + 1.5; /* GradeTable's cell margins */
    double need[t->ncols], spare = 0, short_by = 0;
    int rows = (int)(t->cells->len / (guint)MAX(t->ncols, 1));
    for (int c = 0; c < t->ncols; c++) {
        w[c] = t->widths[c] * x->text_width;
        need[c] = 0;
        /* The longest word of the header (bold) and of the body (bold in
         * the row header column). */
        for (int part = 0; part < 2; part++) {
            char word[256] = "";
            glong chars = 0;
            for (int r = part == 0 ? 0 : t->header_rows; r < (part == 0 ? t->header_rows : rows);
                 r++)
                gb__longest_word(g_array_index(t->cells, GbTreeCell, r * t->ncols + c).text, word,
                                 sizeof word, &chars);
            if (chars == 0)
                continue;
            double ww = 0, hh = 0;
            gb_fonts_measure(x->fonts, word, 9, part == 0 || (c == 0 && t->row_headers), -1, &ww,
                             &hh);
            need[c] = MAX(need[c], ww + pad);
        }
        if (need[c] > w[c])
            short_by += need[c] - w[c];
        else
            spare += w[c] - need[c];
    }
    if (short_by <= 0 || spare < short_by)
        return; /* nothing to fix, or no room to fix it */
    for (int c = 0; c < t->ncols; c++)
        w[c] = need[c] > w[c] ? need[c] : w[c] - (w[c] - need[c]) * short_by / spare;
}

/* Table t under caption (NULL: its own), with a bookmark on the caption when
 * bookmark is set; shown FALSE: the caption is the table's title (its alt
 * text) only, not a paragraph above it (a one-page summary's tables, under
 * the heading that says what they are as at). */
static void
gb__table_as(GbDocx *x, const GbTreeTable *t, const char *caption, const char *bookmark,
             gboolean shown)
{
    if (caption == NULL)
        caption = t->caption;
    if (shown && caption != NULL && caption[0] != '\0') {
        gb__docx_para_begin(x, "Caption", TRUE);
        if (bookmark != NULL)
            gb__bookmark(x, bookmark);
        gb__docx_run(x, caption, FALSE, FALSE, NULL);
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
    if (caption != NULL)
        gb__docx_val(x, "w:tblCaption", caption);
    gb__docx_close(x);
    double widths[MAX(t->ncols, 1)];
    gb__column_widths(x, t, widths);
    gb__docx_open(x, "w:tblGrid");
    for (int c = 0; c < t->ncols; c++) {
        gb__docx_open(x, "w:gridCol");
        gb__docx_attrf(x, "w:w", "%ld", lround(widths[c] * GB__TWIPS_PER_PT));
        gb__docx_close(x);
    }
    gb__docx_close(x);
    int rows = (int)(t->cells->len / (guint)MAX(t->ncols, 1));
    /* Rows kept with the next: a short table stays whole (with its
     * caption), a long one leaves neither its first 3 rows nor its last 3
     * on a page without the others (as the PDF's GB__TABLE_KEEP). */
    int body = rows - t->header_rows;
    int keep_from = body <= GB__KEEP_WHOLE ? 0 : rows - 3;
    /* Each row written whole, as the writer would write it (gb__cell). */
    char(*twips)[24] = g_malloc_n((gsize)MAX(t->ncols, 1), sizeof *twips);
    for (int c = 0; c < t->ncols; c++)
        g_snprintf(twips[c], sizeof twips[c], "%ld", lround(widths[c] * GB__TWIPS_PER_PT));
    GString *row = g_string_sized_new(4096);
    for (int r = 0; r < rows; r++) {
        gboolean header = r < t->header_rows;
        gboolean keep = r < t->header_rows + 2 || (r >= keep_from && r + 1 < rows);
        g_string_assign(row, header ? "<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>"
                                    : "<w:tr><w:trPr><w:cantSplit/></w:trPr>");
        for (int c = 0; c < t->ncols; c++) {
            const GbTreeCell *cell = &g_array_index(t->cells, GbTreeCell, r * t->ncols + c);
            gb__cell(row, cell, twips[c], header, !header && c == 0 && t->row_headers, keep);
        }
        g_string_append(row, "</w:tr>");
        gb__docx_raw(x, row->str, row->len);
    }
    g_string_free(row, TRUE);
    g_free(twips);
    gb__docx_close(x);
    gb__docx_para(x, "Spacer", "");
}

static void
gb__table(GbDocx *x, const GbTreeTable *t)
{
    gb__table_as(x, t, NULL, NULL, TRUE);
}

/* The alt text of figure b: its own, and where its data are when they were
 * moved to the end of the document (g_free). */
static char *
gb__figure_alt(const GbTreeBlock *b, gboolean deferred)
{
    const char *alt = b->alt != NULL ? b->alt : "";
    if (!deferred)
        return g_strdup(alt);
    return g_strdup_printf("%s%sIts data are in the table \u201cData for figure %d\u201d, under "
                           "\u201cData for the summary\u2019s figures\u201d at the end of the "
                           "document.",
                           alt, alt[0] != '\0' ? " " : "", b->number);
}

/* A table of blocks with the same cells as t (another table block: the
 * section shows the figure's data itself), or NULL. */
static const GbTreeTable *
gb__twin(const GPtrArray *blocks, const GbTreeTable *t)
{
    for (guint i = 0; t != NULL && i < blocks->len; i++) {
        const GbTreeBlock *b = g_ptr_array_index(blocks, i);
        const GbTreeTable *o = b->kind == GB_BLOCK_TABLE ? b->table : NULL;
        if (o == NULL || o == t || o->ncols != t->ncols || o->cells->len != t->cells->len ||
            o->header_rows != t->header_rows)
            continue;
        gboolean same = TRUE;
        for (guint c = 0; same && c < t->cells->len; c++)
            same = g_strcmp0(g_array_index(t->cells, GbTreeCell, c).text,
                             g_array_index(o->cells, GbTreeCell, c).text) == 0;
        if (same)
            return o;
    }
    return NULL;
}

/* The chart of b as a PNG part and an inline picture width points wide (the
 * chart file's own height at that width), then its caption. */
static void
gb__picture(GbDocx *x, const GbTreeBlock *b, double width, const char *alt, gboolean in_cell)
{
    /* The file's own height (with its margins): the chart's alone clipped it. */
    double height = gb_chartfile_height(b->chart, x->fonts, width);
    GbChartFileOptions co = {.format = GB_FORMAT_PNG,
                             .width = width,
                             .height = height,
                             .dpi = x->o->dpi > 0 ? x->o->dpi : 300,
                             .date = NULL};
    GByteArray *png = NULL, *svg = NULL;
    GBytes *png_read = NULL, *svg_read = NULL;
    guint k;
    GPtrArray *drawn = x->o->pictures, *svgs = x->o->picture_svgs;
    /* The briefing's pictures are drawn beforehand at the text width: taken
     * out of their slots, for the zip to let go once it has them. */
    gboolean at_text_width =
        fabs(width - x->text_width) < 0.01 && g_ptr_array_find(x->tree->charts, b->chart, &k);
    if (x->o->picture != NULL && at_text_width &&
        (png_read = x->o->picture(x->o->picture_user, k, FALSE)) != NULL) {
        svg_read = x->o->picture(x->o->picture_user, k, TRUE);
    } else if (drawn != NULL && at_text_width && k < drawn->len &&
               g_ptr_array_index(drawn, k) != NULL) {
        png = g_steal_pointer(&g_ptr_array_index(drawn, k));
        if (svgs != NULL && k < svgs->len)
            svg = g_steal_pointer(&g_ptr_array_index(svgs, k));
    } else {
        GbStatus st = gb_chartfile_render(b->chart, x->fonts, &co, &png, x->diag);
        if (st != GB_OK) {
            x->status = st;
            return;
        }
    }
    int n = ++x->pictures;
    char *name = g_strdup_printf("word/media/figure%d.png", n);
    GbDocxPart part = {.name = name, .bytes = png, .read = png_read, .stored = TRUE};
    gb__docx_part_add(x, &part);
    char *target = g_strdup_printf("media/figure%d.png", n);
    char *rid = gb__docx_rel(x, "image", target, FALSE);
    g_free(target);
    char *svg_rid = NULL;
    if (svg != NULL || svg_read != NULL) {
        /* Text: deflated (docxpart.c). */
        GbDocxPart vector = {
            .name = g_strdup_printf("word/media/figure%d.svg", n), .bytes = svg, .read = svg_read};
        gb__docx_part_add(x, &vector);
        target = g_strdup_printf("media/figure%d.svg", n);
        svg_rid = gb__docx_rel(x, "image", target, FALSE);
        g_free(target);
    }

    char *title = g_strdup_printf("Figure %d", b->number);
    if (in_cell) { /* flush left in its cell: LibreOffice clips a centred one */
        gb__docx_open(x, "w:p");
        gb__docx_open(x, "w:pPr");
        gb__docx_val(x, "w:pStyle", "Figure");
        gb__docx_open(x, "w:spacing"); /* the picture has its own white margin */
        gb__docx_attr(x, "w:before", "0");
        gb__docx_attr(x, "w:after", "0");
        gb__docx_close(x);
        gb__docx_val(x, "w:jc", "left");
        gb__docx_close(x);
    } else {
        gb__docx_para_begin(x, "Figure", TRUE);
    }
    gb__docx_inline(x, rid, svg_rid, width, height, n, title, alt, FALSE);
    gb__docx_close(x); /* p */
    g_free(rid);
    g_free(svg_rid);

    char *caption = g_strdup_printf("%s: %s", title, b->caption != NULL ? b->caption : "");
    if (in_cell) { /* a summary page's: close under its picture */
        gb__docx_open(x, "w:p");
        gb__docx_open(x, "w:pPr");
        gb__docx_val(x, "w:pStyle", "Caption");
        gb__docx_open(x, "w:spacing");
        gb__docx_attr(x, "w:before", "0");
        gb__docx_attr(x, "w:after", "60");
        gb__docx_close(x);
        gb__docx_close(x);
        gb__docx_run(x, caption, FALSE, FALSE, NULL);
        gb__docx_close(x);
    } else {
        gb__docx_para(x, "Caption", caption);
    }
    g_free(caption);
    g_free(title);
}

/* A figure at the text width, its data table under it. */
static void
gb__figure(GbDocx *x, const GbTreeBlock *b)
{
    char *alt = gb__figure_alt(b, FALSE);
    gb__picture(x, b, x->text_width, alt, FALSE);
    g_free(alt);
    if (b->table != NULL && x->status == GB_OK)
        gb__table(x, b->table);
}

static double
gb__figure_width(const GbDocx *x, const GbTreeBlock *b)
{
    return b->width > 0 && b->width <= 1 ? b->width * x->text_width : x->text_width;
}

/* One cell of a layout table: the figures of cells[], each at its own
 * width. */
static void
gb__layout_cell(GbDocx *x, GPtrArray *cells, double width, gboolean defer)
{
    gb__docx_open(x, "w:tc");
    gb__docx_open(x, "w:tcPr");
    gb__docx_open(x, "w:tcW");
    gb__docx_attrf(x, "w:w", "%ld", lround(width * GB__TWIPS_PER_PT));
    gb__docx_attr(x, "w:type", "dxa");
    gb__docx_close(x);
    gb__docx_close(x);
    for (guint i = 0; i < cells->len && x->status == GB_OK; i++) {
        const GbTreeBlock *b = g_ptr_array_index(cells, i);
        char *alt = gb__figure_alt(b, defer && b->table != NULL);
        gb__picture(x, b, MIN(gb__figure_width(x, b), width), alt, TRUE);
        g_free(alt);
    }
    if (cells->len == 0)
        gb__docx_para(x, NULL, "");
    gb__docx_close(x);
}

/* The figures of a print row from blocks[*k] on (a figure, the figures
 * placed beside it and under it), as the PDF places them: side by side in a
 * borderless layout table of one row (the first figure and those under it
 * on the left, those beside it on the right), read left column first. In a
 * one-page summary (defer) their data tables go to the end of the document;
 * otherwise each follows its row. Advances *k past the row. */
static void
gb__figure_row(GbDocx *x, const GPtrArray *blocks, guint *k, gboolean defer)
{
    const GbTreeBlock *first = g_ptr_array_index(blocks, *k);
    GPtrArray *left = g_ptr_array_new(), *right = g_ptr_array_new();
    g_ptr_array_add(left, (gpointer)first);
    guint j = *k + 1;
    for (; j < blocks->len; j++) {
        const GbTreeBlock *b = g_ptr_array_index(blocks, j);
        if (b->kind != GB_BLOCK_FIGURE || !(b->beside || b->under))
            break;
        g_ptr_array_add(b->beside ? right : left, (gpointer)b);
    }
    *k = j - 1;
    if (right->len == 0) { /* nothing beside: one below the other */
        for (guint i = 0; i < left->len && x->status == GB_OK; i++) {
            const GbTreeBlock *b = g_ptr_array_index(left, i);
            gboolean later = defer && b->table != NULL;
            /* A figure whose data the section tables anyway: once is enough
             * (the PDF shows that table alone). */
            const GbTreeTable *twin = later ? NULL : gb__twin(blocks, b->table);
            char *alt = gb__figure_alt(b, later);
            if (twin != NULL && twin->caption != NULL) {
                char *longer = g_strdup_printf("%s%sIts data are in this section\u2019s table "
                                               "\u201c%s\u201d.",
                                               alt, alt[0] != '\0' ? " " : "", twin->caption);
                g_free(alt);
                alt = longer;
            }
            gb__picture(x, b, gb__figure_width(x, b), alt, FALSE);
            g_free(alt);
            if (twin != NULL)
                continue;
            if (later)
                g_ptr_array_add(x->deferred, (gpointer)b);
            else if (b->table != NULL && x->status == GB_OK)
                gb__table(x, b->table);
        }
        goto out;
    }
    double lw = 0;
    for (guint i = 0; i < left->len; i++)
        lw = MAX(lw, gb__figure_width(x, g_ptr_array_index(left, i)));
    double rw = 0;
    for (guint i = 0; i < right->len; i++)
        rw = MAX(rw, gb__figure_width(x, g_ptr_array_index(right, i)));
    /* The gap between the columns is split between the two cells. */
    double gap = MAX(x->text_width - lw - rw, 0);
    lw = MIN(lw + gap / 2, x->text_width);
    rw = x->text_width - lw;
    gb__docx_open(x, "w:tbl");
    gb__docx_open(x, "w:tblPr");
    gb__docx_val(x, "w:tblStyle", "LayoutTable");
    gb__docx_open(x, "w:tblW");
    gb__docx_attrf(x, "w:w", "%ld", lround(x->text_width * GB__TWIPS_PER_PT));
    gb__docx_attr(x, "w:type", "dxa");
    gb__docx_close(x);
    gb__docx_open(x, "w:tblLayout");
    gb__docx_attr(x, "w:type", "fixed");
    gb__docx_close(x);
    gb__docx_open(x, "w:tblCellMar"); /* LibreOffice reads these here, not from the style */
    static const char *const sides[] = {"w:top", "w:left", "w:bottom", "w:right"};
    for (size_t i = 0; i < G_N_ELEMENTS(sides); i++) {
        gb__docx_open(x, sides[i]);
        gb__docx_attr(x, "w:w", "0");
        gb__docx_attr(x, "w:type", "dxa");
        gb__docx_close(x);
    }
    gb__docx_close(x);
    gb__docx_open(x, "w:tblLook");
    gb__docx_attr(x, "w:val", "0000");
    gb__docx_attr(x, "w:firstRow", "0");
    gb__docx_attr(x, "w:firstColumn", "0");
    gb__docx_close(x);
    gb__docx_close(x);
    gb__docx_open(x, "w:tblGrid");
    double cols[2] = {lw, rw};
    for (int c = 0; c < 2; c++) {
        gb__docx_open(x, "w:gridCol");
        gb__docx_attrf(x, "w:w", "%ld", lround(cols[c] * GB__TWIPS_PER_PT));
        gb__docx_close(x);
    }
    gb__docx_close(x);
    gb__docx_open(x, "w:tr");
    gb__docx_open(x, "w:trPr");
    gb__docx_val(x, "w:cantSplit", NULL);
    gb__docx_close(x);
    gb__layout_cell(x, left, lw, defer);
    gb__layout_cell(x, right, rw, defer);
    gb__docx_close(x);
    gb__docx_close(x);
    for (int side = 0; side < 2; side++) {
        GPtrArray *col = side == 0 ? left : right;
        for (guint i = 0; i < col->len && x->status == GB_OK; i++) {
            const GbTreeBlock *b = g_ptr_array_index(col, i);
            if (b->table == NULL)
                continue;
            if (defer)
                g_ptr_array_add(x->deferred, (gpointer)b);
            else
                gb__table(x, b->table);
        }
    }
out:
    g_ptr_array_free(left, TRUE);
    g_ptr_array_free(right, TRUE);
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
        gb__paragraph(x, b, FALSE);
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
    /* A marking and a logo make the header and footer taller: set them
     * nearer the page's edge, so the body keeps its room. */
    gboolean branded = x->logo_png[GB__LOGO_HEADER] != NULL || (o->marking && o->marking[0]);
    gb__docx_attr(x, "w:header", branded ? "397" : "567");
    gb__docx_attr(x, "w:footer", branded ? "397" : "567");
    gb__docx_attr(x, "w:gutter", "0");
    gb__docx_close(x);
    if (rids[2] != NULL)
        gb__docx_val(x, "w:titlePg", NULL);
    gb__docx_close(x);
}

static gint
gb__by_number(gconstpointer a, gconstpointer b)
{
    const GbTreeBlock *x = *(const GbTreeBlock *const *)a, *y = *(const GbTreeBlock *const *)b;
    return (x->number > y->number) - (x->number < y->number);
}

/* The data tables of a one-page summary's figures, moved to the end of the
 * document under a heading of their own (each figure's alt text says so). */
static void
gb__deferred(GbDocx *x)
{
    if (x->deferred->len == 0 || x->status != GB_OK)
        return;
    gb__heading_begin(x, "Heading1", FALSE);
    gb__bookmark(x, "figure-data");
    gb__docx_run(x, "Data for the summary\u2019s figures", FALSE, FALSE, NULL);
    gb__docx_close(x);
    g_ptr_array_sort(x->deferred, gb__by_number);
    for (guint i = 0; i < x->deferred->len; i++) {
        const GbTreeBlock *b = g_ptr_array_index(x->deferred, i);
        char *caption = g_strdup_printf("Data for figure %d: %s", b->number,
                                        b->table->caption != NULL ? b->table->caption : "");
        char *mark = g_strdup_printf("figure-%d-data", b->number);
        gb__table_as(x, b->table, caption, mark, TRUE);
        g_free(mark);
        g_free(caption);
    }
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
    if (t->cover && x->logo_png[GB__LOGO_COVER] != NULL) { /* the council's logo, described */
        char *rid = gb__docx_rel(x, "image", "media/logo-cover.png", FALSE);
        const double *sz = x->logo_size[GB__LOGO_COVER];
        gb__docx_para_begin(x, "Logo", FALSE);
        gb__docx_inline(x, rid, NULL, sz[0], sz[1], 9000, "Logo", x->o->logo_alt, FALSE);
        gb__docx_close(x);
        g_free(rid);
    }
    gb__docx_para(x, "Title", t->title);
    if (t->subtitle != NULL && t->subtitle[0] != '\0')
        gb__docx_para(x, "Subtitle", t->subtitle);
    for (guint i = 0; t->cover_lines != NULL && i < t->cover_lines->len; i++)
        gb__docx_para(x, "CoverLine", g_ptr_array_index(t->cover_lines, i));
    if (t->cover)
        gb__contents(x);
    gboolean new_page = FALSE;
    for (guint i = 0; i < t->sections->len && x->status == GB_OK; i++) {
        const GbTreeSection *s = g_ptr_array_index(t->sections, i);
        /* A briefing's sections start on a page of their own, as in the
         * PDF; so does what follows a one-page summary. */
        gb__heading_begin(x, "Heading1", t->cover || new_page);
        gb__bookmark(x, s->id);
        char *heading = gb__section_heading(s);
        gb__docx_run(x, heading, FALSE, FALSE, NULL);
        g_free(heading);
        gb__docx_close(x);
        for (guint k = 0; k < s->blocks->len && x->status == GB_OK; k++) {
            const GbTreeBlock *b = g_ptr_array_index(s->blocks, k);
            if (b->kind == GB_BLOCK_FIGURE)
                gb__figure_row(x, s->blocks, &k, s->page_after);
            else if (b->kind == GB_BLOCK_TABLE &&
                     (s->page_after || gb__caption_is_heading(s->blocks, k)))
                /* Its caption is its title only: the heading above says it. */
                gb__table_as(x, b->table, NULL, NULL, FALSE);
            else if (b->kind == GB_BLOCK_PARAGRAPH && k + 1 < s->blocks->len)
                /* What introduces a short table goes to its page with it. */
                gb__paragraph(x, b, gb__short_table(g_ptr_array_index(s->blocks, k + 1)));
            else
                gb__block(x, b);
        }
        new_page = s->page_after;
    }
    gb__deferred(x);
    gb__section_properties(x, rids);
    gb__docx_close(x);
    gb__docx_close(x);
    gb__docx_part_end(x, "word/document.xml");
    for (int i = 0; i < 4; i++)
        g_free(rids[i]);
}

/* The logo drawn to fit bw x bh points at 300 dpi, as a PNG part named
 * name; its size in points in size[]. FALSE with x->status set when the
 * logo does not decode or encode. */
static gboolean
gb__logo_part(GbDocx *x, cairo_surface_t *logo, double w, double h, double bw, double bh,
              const char *name, GByteArray **png, double size[2])
{
    const double dpi = 300;
    double k = MIN(bw / w, bh / h);
    int pw = MAX((int)lround(w * k * dpi / 72), 1), ph = MAX((int)lround(h * k * dpi / 72), 1);
    size[0] = pw * 72 / dpi;
    size[1] = ph * 72 / dpi;
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, pw, ph);
    cairo_t *cr = cairo_create(img);
    cairo_set_source_rgb(cr, 1, 1, 1); /* the page under it */
    cairo_paint(cr);
    gb_logo_draw(cr, logo, w, h, 0, 0, pw, ph, FALSE);
    cairo_destroy(cr);
    cairo_surface_flush(img);
    GByteArray *bytes = g_byte_array_new();
    gboolean ok =
        cairo_surface_status(img) == CAIRO_STATUS_SUCCESS && gb_png_write(img, dpi, bytes);
    cairo_surface_destroy(img);
    if (!ok) {
        g_byte_array_unref(bytes);
        gb_diag_set(x->diag, NULL, 0, 0, "cannot draw the logo for the Word file");
        x->status = GB_SOFTWARE;
        return FALSE;
    }
    GbDocxPart part = {.name = g_strdup(name), .bytes = bytes, .stored = TRUE};
    gb__docx_part_add(x, &part);
    *png = bytes;
    return TRUE;
}

/* The cover's logo (with a cover) and the running header's, in the boxes
 * the PDF draws them in: 200 x 72 points on the cover, 90 x 16 in the
 * header. */
static void
gb__logos(GbDocx *x)
{
    const GbDocxOptions *o = x->o;
    if (o->logo == NULL)
        return;
    double w = 0, h = 0;
    char *err = NULL;
    cairo_surface_t *logo = gb_logo_surface(o->logo, o->logo_svg, &w, &h, &err);
    if (logo == NULL || w <= 0 || h <= 0) {
        gb_diag_set(x->diag, NULL, 0, 0, "cannot draw the logo for the Word file: %s",
                    err != NULL ? err : "no size");
        g_free(err);
        if (logo != NULL)
            cairo_surface_destroy(logo);
        x->status = GB_SOFTWARE;
        return;
    }
    if (!x->tree->cover ||
        gb__logo_part(x, logo, w, h, 200, 72, "word/media/logo-cover.png",
                      &x->logo_png[GB__LOGO_COVER], x->logo_size[GB__LOGO_COVER]))
        gb__logo_part(x, logo, w, h, 90, 16, "word/media/logo-header.png",
                      &x->logo_png[GB__LOGO_HEADER], x->logo_size[GB__LOGO_HEADER]);
    cairo_surface_destroy(logo);
}

static void
gb__part_clear(gpointer p)
{
    GbDocxPart *part = p;
    g_free(part->name);
    /* Unref, not free: a picture's bytes may be the caller's chart file too
     * (freeing a shared array empties it). */
    if (part->bytes != NULL) /* NULL once zipped */
        g_byte_array_unref(part->bytes);
    if (part->read != NULL)
        g_bytes_unref(part->read);
}

/* gb_docx_render into memory (*out) or, with to, into that file. */
static GbStatus
gb__docx_render(const GbTree *tree, GbFonts *f, const GbDocxOptions *o, GbWriteStream *to,
                GByteArray **out, GbDiag *diag)
{
    GbDocx x = {
        .tree = tree,
        .o = o,
        .fonts = f,
        .text_width = o->page_width - 2 * o->margin,
        .rels = g_ptr_array_new_with_free_func(g_free),
        .parts = g_array_new(FALSE, FALSE, sizeof(GbDocxPart)),
        .zip = gb__docx_zip_new(to),
        .deferred = g_ptr_array_new(),
        .svgs = (o->pictures != NULL && o->picture_svgs != NULL) || o->picture != NULL,
        .status = GB_OK,
        .diag = diag,
    };
    g_array_set_clear_func(x.parts, gb__part_clear);
    if (out != NULL)
        *out = NULL;

    /* Parts go into the zip in the order they are made: [Content_Types].xml
     * first and the package relationships next, as Office writes them. */
    gb__docx_package(&x);
    gb__logos(&x);
    if (x.status == GB_OK)
        gb__document(&x);
    if (x.status == GB_OK)
        gb__docx_parts(&x);
    GByteArray *zip = NULL;
    GbStatus zipped = gb__docx_zip_end(x.zip, &zip, x.status == GB_OK ? diag : NULL);
    if (x.status == GB_OK)
        x.status = zipped;
    if (x.status == GB_OK && out != NULL)
        *out = g_steal_pointer(&zip);
    if (zip != NULL)
        g_byte_array_unref(zip);
    g_array_free(x.parts, TRUE);
    g_ptr_array_free(x.rels, TRUE);
    g_ptr_array_free(x.deferred, TRUE);
    return x.status;
}

GbStatus
gb_docx_render(const GbTree *tree, GbFonts *f, const GbDocxOptions *o, GByteArray **out,
               GbDiag *diag)
{
    return gb__docx_render(tree, f, o, NULL, out, diag);
}

GbStatus
gb_docx_render_to(const GbTree *tree, GbFonts *f, const GbDocxOptions *o, GbWriteStream *to,
                  GbDiag *diag)
{
    return gb__docx_render(tree, f, o, to, NULL, diag);
}
