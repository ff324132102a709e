/* docxpart.c - the parts of a Word file around its document body (see
 * docx.h): content types, relationships, core and app properties, styles,
 * settings, bullet numbering, the header and footer; the XML helpers; and the
 * zip, made by minizip with fixed timestamps. */
#include "output/docx-private.h"

#include <errno.h>
#include <libdeflate.h>
#include <math.h>
#include <string.h>
#include <zip.h>

/* ---- XML writing: thin wrappers, so the part builders read like the XML ---- */

void
gb__docx_open(GbDocx *x, const char *name)
{
    xmlTextWriterStartElement(x->w, BAD_CAST name);
}

void
gb__docx_close(GbDocx *x)
{
    xmlTextWriterEndElement(x->w);
}

void
gb__docx_attr(GbDocx *x, const char *name, const char *value)
{
    xmlTextWriterWriteAttribute(x->w, BAD_CAST name, BAD_CAST value);
}

void
gb__docx_attrf(GbDocx *x, const char *name, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *v = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    gb__docx_attr(x, name, v);
    g_free(v);
}

/* <name w:val="value"/>, the shape of most Word properties. */
void
gb__docx_val(GbDocx *x, const char *name, const char *value)
{
    gb__docx_open(x, name);
    if (value != NULL)
        gb__docx_attr(x, "w:val", value);
    gb__docx_close(x);
}

void
gb__docx_text(GbDocx *x, const char *s)
{
    xmlTextWriterWriteString(x->w, BAD_CAST(s != NULL ? s : ""));
}

void
gb__docx_escape(GString *xml, const char *s)
{
    xmlChar *e = xmlEncodeSpecialChars(NULL, BAD_CAST(s != NULL ? s : ""));
    if (e != NULL)
        g_string_append(xml, (const char *)e);
    xmlFree(e);
}

void
gb__docx_raw(GbDocx *x, const char *xml, gsize len)
{
    xmlTextWriterWriteRawLen(x->w, BAD_CAST xml, (int)len);
}

void
gb__docx_inline(GbDocx *x, const char *rid, const char *svg_rid, double w, double h, int id,
                const char *name, const char *descr, gboolean decorative)
{
    long cx = lround(w * GB__EMU_PER_PT), cy = lround(h * GB__EMU_PER_PT);
    gb__docx_open(x, "w:r");
    gb__docx_open(x, "w:drawing");
    gb__docx_open(x, "wp:inline");
    gb__docx_open(x, "wp:extent");
    gb__docx_attrf(x, "cx", "%ld", cx);
    gb__docx_attrf(x, "cy", "%ld", cy);
    gb__docx_close(x);
    gb__docx_open(x, "wp:docPr");
    gb__docx_attrf(x, "id", "%d", id);
    gb__docx_attr(x, "name", name);
    gb__docx_attr(x, "descr", decorative ? "" : descr);
    if (decorative) {
        gb__docx_open(x, "a:extLst");
        gb__docx_open(x, "a:ext");
        gb__docx_attr(x, "uri", "{C183D7F6-B498-43B3-948B-1728B52AA6E4}");
        gb__docx_open(x, "adec:decorative");
        gb__docx_attr(x, "xmlns:adec",
                      "http://schemas.microsoft.com/office/drawing/2017/decorative");
        gb__docx_attr(x, "val", "1");
        gb__docx_close(x);
        gb__docx_close(x);
        gb__docx_close(x);
    }
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
    gb__docx_attrf(x, "id", "%d", id);
    gb__docx_attr(x, "name", name);
    gb__docx_attr(x, "descr", decorative ? "" : descr);
    gb__docx_close(x);
    gb__docx_open(x, "pic:cNvPicPr");
    gb__docx_close(x);
    gb__docx_close(x);
    gb__docx_open(x, "pic:blipFill");
    gb__docx_open(x, "a:blip");
    gb__docx_attr(x, "r:embed", rid);
    if (svg_rid != NULL) { /* as Word 365 stores an inserted SVG (MS-ODRAWXML svgBlip) */
        gb__docx_open(x, "a:extLst");
        gb__docx_open(x, "a:ext");
        gb__docx_attr(x, "uri", "{96DAC541-7B7A-43D3-8B79-37D633B846F1}");
        gb__docx_open(x, "asvg:svgBlip");
        gb__docx_attr(x, "xmlns:asvg", "http://schemas.microsoft.com/office/drawing/2016/SVG/main");
        gb__docx_attr(x, "r:embed", svg_rid);
        gb__docx_close(x);
        gb__docx_close(x);
        gb__docx_close(x);
    }
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
}

/* The writer's output, straight into the part's bytes: no buffer of libxml2's
 * to copy them from (document.xml is about 1 MB). */
static int
gb__part_write(void *ctx, const char *data, int len)
{
    g_byte_array_append(ctx, (const guint8 *)data, (guint)len);
    return len;
}

/* Starts a part: fresh bytes and a writer with the XML declaration. */
void
gb__docx_part_begin(GbDocx *x)
{
    x->part = g_byte_array_new();
    x->w = xmlNewTextWriter(xmlOutputBufferCreateIO(gb__part_write, NULL, x->part, NULL));
    xmlTextWriterStartDocument(x->w, NULL, "UTF-8", "yes");
}

/* Ends the part begun last and files it under name. */
void
gb__docx_part_end(GbDocx *x, const char *name)
{
    xmlTextWriterEndDocument(x->w);
    xmlFreeTextWriter(x->w); /* flushes what it holds into x->part */
    x->w = NULL;
    GbDocxPart p = {.name = g_strdup(name), .bytes = g_steal_pointer(&x->part)};
    gb__docx_part_add(x, &p);
}

void
gb__docx_part_add(GbDocx *x, const GbDocxPart *p)
{
    g_array_append_val(x->parts, *p);
    gb__docx_zip_add(x->zip, &g_array_index(x->parts, GbDocxPart, x->parts->len - 1));
}

/* Adds a document relationship; returns its id ("rId7"), which the caller frees. */
char *
gb__docx_rel(GbDocx *x, const char *type, const char *target, gboolean external)
{
    guint n = x->rels->len + 1;
    g_ptr_array_add(
        x->rels, g_strdup_printf("rId%u\t%s%s\t%s\t%d", n, GB__REL_BASE, type, target, external));
    return g_strdup_printf("rId%u", n);
}

/* A run of text with optional character formatting. */
void
gb__docx_run(GbDocx *x, const char *text, gboolean bold, gboolean italic, const char *style)
{
    gb__docx_open(x, "w:r");
    if (bold || italic || style != NULL) {
        gb__docx_open(x, "w:rPr");
        if (style != NULL)
            gb__docx_val(x, "w:rStyle", style);
        if (bold)
            gb__docx_val(x, "w:b", NULL);
        if (italic)
            gb__docx_val(x, "w:i", NULL);
        gb__docx_close(x);
    }
    gb__docx_open(x, "w:t");
    gb__docx_attr(x, "xml:space", "preserve");
    gb__docx_text(x, text);
    gb__docx_close(x);
    gb__docx_close(x);
}

void
gb__docx_para_begin(GbDocx *x, const char *style, gboolean keep_next)
{
    gb__docx_open(x, "w:p");
    if (style != NULL || keep_next) {
        gb__docx_open(x, "w:pPr");
        if (style != NULL)
            gb__docx_val(x, "w:pStyle", style);
        if (keep_next)
            gb__docx_val(x, "w:keepNext", NULL);
        gb__docx_close(x);
    }
}

/* A paragraph of one plain run in style. */
void
gb__docx_para(GbDocx *x, const char *style, const char *text)
{
    gb__docx_para_begin(x, style, FALSE);
    gb__docx_run(x, text, FALSE, FALSE, NULL);
    gb__docx_close(x);
}

/* A complex field ("PAGE", "NUMPAGES") with a cached result. */
void
gb__docx_field(GbDocx *x, const char *instr, const char *cached)
{
    gb__docx_open(x, "w:r");
    gb__docx_open(x, "w:fldChar");
    gb__docx_attr(x, "w:fldCharType", "begin");
    gb__docx_close(x);
    gb__docx_close(x);
    gb__docx_open(x, "w:r");
    gb__docx_open(x, "w:instrText");
    gb__docx_attr(x, "xml:space", "preserve");
    gb__docx_text(x, instr);
    gb__docx_close(x);
    gb__docx_close(x);
    gb__docx_open(x, "w:r");
    gb__docx_open(x, "w:fldChar");
    gb__docx_attr(x, "w:fldCharType", "separate");
    gb__docx_close(x);
    gb__docx_close(x);
    gb__docx_run(x, cached, FALSE, FALSE, NULL);
    gb__docx_open(x, "w:r");
    gb__docx_open(x, "w:fldChar");
    gb__docx_attr(x, "w:fldCharType", "end");
    gb__docx_close(x);
    gb__docx_close(x);
}

/* A run holding a tab (to the footer's or a contents line's right tab stop). */
void
gb__docx_tab(GbDocx *x)
{
    gb__docx_open(x, "w:r");
    gb__docx_open(x, "w:tab");
    gb__docx_close(x);
    gb__docx_close(x);
}

/* The paragraph properties of a line with one right-aligned tab stop at the
 * text's right edge (leader "dot" or NULL). */
void
gb__docx_right_tab(GbDocx *x, const char *style, const char *leader)
{
    gb__docx_open(x, "w:p");
    gb__docx_open(x, "w:pPr");
    gb__docx_val(x, "w:pStyle", style);
    gb__docx_open(x, "w:tabs");
    gb__docx_open(x, "w:tab");
    gb__docx_attr(x, "w:val", "right");
    if (leader != NULL)
        gb__docx_attr(x, "w:leader", leader);
    gb__docx_attrf(x, "w:pos", "%ld", lround(x->text_width * GB__TWIPS_PER_PT));
    gb__docx_close(x);
    gb__docx_close(x);
    gb__docx_close(x);
}

static void
gb__marking(GbDocx *x)
{
    if (x->o->marking == NULL || x->o->marking[0] == '\0')
        return;
    gb__docx_para_begin(x, "Marking", FALSE);
    gb__docx_run(x, x->o->marking, TRUE, FALSE, NULL);
    gb__docx_close(x);
}

static void
gb__hf_begin(GbDocx *x, const char *element)
{
    gb__docx_part_begin(x);
    gb__docx_open(x, element);
    gb__docx_attr(x, "xmlns:w", GB__NS_W);
    gb__docx_attr(x, "xmlns:r", GB__NS_R);
    gb__docx_attr(x, "xmlns:wp",
                  "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing");
    gb__docx_attr(x, "xmlns:a", "http://schemas.openxmlformats.org/drawingml/2006/main");
    gb__docx_attr(x, "xmlns:pic", "http://schemas.openxmlformats.org/drawingml/2006/picture");
}

static void
gb__relationship(GbDocx *x, const char *id, const char *type, const char *target, gboolean external)
{
    gb__docx_open(x, "Relationship");
    gb__docx_attr(x, "Id", id);
    gb__docx_attr(x, "Type", type);
    gb__docx_attr(x, "Target", target);
    if (external)
        gb__docx_attr(x, "TargetMode", "External");
    gb__docx_close(x);
}

/* The running header's own relationships: its logo. */
static void
gb__header_rels(GbDocx *x)
{
    gb__docx_part_begin(x);
    gb__docx_open(x, "Relationships");
    gb__docx_attr(x, "xmlns", GB__NS_REL);
    gb__relationship(x, "rId1", GB__REL_BASE "image", "media/logo-header.png", FALSE);
    gb__docx_close(x);
    gb__docx_part_end(x, "word/_rels/header1.xml.rels");
}

/* The header: the protective marking (centred, bold) and the running title;
 * the footer: the footer text on the left, "Page N of M" on the right, and the
 * marking again. A document with a cover has a first-page header and footer
 * too, with the marking alone (the cover has no running title, as in the PDF). */
static void
gb__header_footer(GbDocx *x)
{
    gb__hf_begin(x, "w:hdr");
    gb__marking(x);
    if (x->logo_png[GB__LOGO_HEADER] != NULL) { /* the title left, the logo right */
        gb__docx_right_tab(x, "Header", NULL);
        gb__docx_run(x, x->tree->title, FALSE, FALSE, NULL);
        gb__docx_tab(x);
        const double *sz = x->logo_size[GB__LOGO_HEADER];
        gb__docx_inline(x, "rId1", NULL, sz[0], sz[1], 9001, "Logo", NULL, TRUE);
        gb__docx_close(x);
    } else {
        gb__docx_para(x, "Header", x->tree->title);
    }
    gb__docx_close(x);
    gb__docx_part_end(x, "word/header1.xml");
    if (x->logo_png[GB__LOGO_HEADER] != NULL)
        gb__header_rels(x);

    gb__hf_begin(x, "w:ftr");
    gb__docx_right_tab(x, "Footer", NULL);
    if (x->o->footer != NULL && x->o->footer[0] != '\0')
        gb__docx_run(x, x->o->footer, FALSE, FALSE, NULL);
    gb__docx_tab(x);
    gb__docx_run(x, "Page ", FALSE, FALSE, NULL);
    gb__docx_field(x, " PAGE ", "1");
    gb__docx_run(x, " of ", FALSE, FALSE, NULL);
    gb__docx_field(x, " NUMPAGES ", "1");
    gb__docx_close(x);
    gb__marking(x);
    gb__docx_close(x);
    gb__docx_part_end(x, "word/footer1.xml");

    if (!x->tree->cover)
        return;
    static const char *const first[][2] = {{"w:hdr", "word/header2.xml"},
                                           {"w:ftr", "word/footer2.xml"}};
    for (size_t i = 0; i < G_N_ELEMENTS(first); i++) {
        gb__hf_begin(x, first[i][0]);
        gb__marking(x);
        if (x->o->marking == NULL || x->o->marking[0] == '\0')
            gb__docx_para(x, "Header", ""); /* a header part holds at least one paragraph */
        gb__docx_close(x);
        gb__docx_part_end(x, first[i][1]);
    }
}

/* ---- styles: one place for every size, so the paper restyles in one step ---- */

/* The dark blue of headings and the title: replaced by the branding's
 * accent, as the PDF and HTML do. */
#define GB__HEADING "1F3864"

typedef struct {
    const char *id, *name, *based_on, *next;
    int half_points; /* 0: inherit */
    gboolean bold, italic, keep_next;
    int outline;                   /* heading outline level, -1 none */
    int space_before, space_after; /* twips */
    const char *colour;            /* hex or NULL */
    const char *align;             /* "center" or NULL */
} GbDocxStyle;

static const GbDocxStyle gb__styles[] = {
    {"Normal", "Normal", NULL, NULL, 22, FALSE, FALSE, FALSE, -1, 0, 120, NULL, NULL},
    {"Logo", "Logo", "Normal", "Title", 0, FALSE, FALSE, FALSE, -1, 0, 480, NULL, NULL},
    {"Title", "Title", "Normal", "Normal", 44, TRUE, FALSE, FALSE, -1, 0, 240, GB__HEADING, NULL},
    {"Subtitle", "Subtitle", "Normal", "Normal", 28, FALSE, FALSE, FALSE, -1, 0, 240, "404040",
     NULL},
    {"CoverLine", "Cover line", "Normal", NULL, 20, FALSE, FALSE, FALSE, -1, 0, 60, "404040", NULL},
    {"Heading1", "heading 1", "Normal", "Normal", 32, TRUE, FALSE, TRUE, 0, 360, 120, GB__HEADING,
     NULL},
    {"Heading2", "heading 2", "Normal", "Normal", 26, TRUE, FALSE, TRUE, 1, 240, 80, GB__HEADING,
     NULL},
    {"Heading3", "heading 3", "Normal", "Normal", 24, TRUE, FALSE, TRUE, 2, 200, 60, GB__HEADING,
     NULL},
    {"Caption", "caption", "Normal", "Normal", 20, FALSE, TRUE, FALSE, -1, 60, 120, "404040", NULL},
    {"Figure", "Figure", "Normal", "Caption", 0, FALSE, FALSE, TRUE, -1, 120, 0, NULL, "center"},
    {"Note", "Note", "Normal", NULL, 18, FALSE, FALSE, FALSE, -1, 0, 120, "505050", NULL},
    {"TableText", "Table Text", "Normal", NULL, 18, FALSE, FALSE, FALSE, -1, 20, 20, NULL, NULL},
    {"TableHeader", "Table Header", "TableText", NULL, 18, TRUE, FALSE, FALSE, -1, 20, 20, NULL,
     NULL},
    {"Spacer", "Spacer", "Normal", NULL, 8, FALSE, FALSE, FALSE, -1, 0, 60, NULL, NULL},
    {"ListBullet", "List Bullet", "Normal", NULL, 0, FALSE, FALSE, FALSE, -1, 0, 60, NULL, NULL},
    {"TOCHeading", "TOC Heading", "Heading1", "Normal", 32, TRUE, FALSE, TRUE, -1, 0, 120,
     GB__HEADING, NULL},
    {"TOC1", "toc 1", "Normal", "Normal", 0, FALSE, FALSE, FALSE, -1, 0, 60, NULL, NULL},
    {"Header", "header", "Normal", NULL, 18, FALSE, FALSE, FALSE, -1, 0, 0, "505050", NULL},
    {"Footer", "footer", "Normal", NULL, 18, FALSE, FALSE, FALSE, -1, 0, 0, "505050", NULL},
    {"Marking", "Protective marking", "Normal", NULL, 20, TRUE, FALSE, FALSE, -1, 0, 0, NULL,
     "center"},
};

/* Headings, the title and the header's rule in the accent, else this. */
static void
gb__accent_hex(const GbDocx *x, char *buf, gsize len)
{
    const GbDocxOptions *o = x->o;
    if (o != NULL && o->has_accent)
        g_snprintf(buf, len, "%02X%02X%02X", (int)lround(o->accent[0] * 255),
                   (int)lround(o->accent[1] * 255), (int)lround(o->accent[2] * 255));
    else
        g_strlcpy(buf, GB__HEADING, len);
}

static void
gb__style(GbDocx *x, const GbDocxStyle *s)
{
    char half[16], accent[8];
    gb__accent_hex(x, accent, sizeof accent);
    gb__docx_open(x, "w:style");
    gb__docx_attr(x, "w:type", "paragraph");
    gb__docx_attr(x, "w:styleId", s->id);
    if (strcmp(s->id, "Normal") == 0)
        gb__docx_attr(x, "w:default", "1");
    gb__docx_val(x, "w:name", s->name);
    if (s->based_on != NULL)
        gb__docx_val(x, "w:basedOn", s->based_on);
    if (s->next != NULL)
        gb__docx_val(x, "w:next", s->next);
    gb__docx_val(x, "w:qFormat", NULL);
    gb__docx_open(x, "w:pPr");
    if (s->keep_next)
        gb__docx_val(x, "w:keepNext", NULL);
    if (strcmp(s->id, "Normal") == 0) /* no line left alone at a page's foot or head */
        gb__docx_val(x, "w:widowControl", NULL);
    /* The running header's rule, as the PDF's (pBdr goes before spacing in
     * ECMA-376's order, which Word holds to). */
    if (strcmp(s->id, "Header") == 0) {
        gb__docx_open(x, "w:pBdr");
        gb__docx_open(x, "w:bottom");
        gb__docx_attr(x, "w:val", "single");
        gb__docx_attr(x, "w:sz", "4");
        gb__docx_attr(x, "w:space", "4");
        gb__docx_attr(x, "w:color", x->o != NULL && x->o->has_accent ? accent : "BFBFBF");
        gb__docx_close(x);
        gb__docx_close(x);
    }
    gb__docx_open(x, "w:spacing");
    gb__docx_attrf(x, "w:before", "%d", s->space_before);
    gb__docx_attrf(x, "w:after", "%d",
                   x->tree->compact && strcmp(s->id, "Subtitle") == 0 ? 60 : s->space_after);
    gb__docx_close(x);
    if (s->align != NULL)
        gb__docx_val(x, "w:jc", s->align);
    if (s->outline >= 0) {
        g_snprintf(half, sizeof half, "%d", s->outline);
        gb__docx_val(x, "w:outlineLvl", half);
    }
    gb__docx_close(x);
    gb__docx_open(x, "w:rPr");
    if (s->bold)
        gb__docx_val(x, "w:b", NULL);
    if (s->italic)
        gb__docx_val(x, "w:i", NULL);
    if (s->colour != NULL)
        gb__docx_val(x, "w:color", strcmp(s->colour, GB__HEADING) == 0 ? accent : s->colour);
    int size = s->half_points;
    /* A pack (sections run on) has its one-page summary under the title: a
     * smaller title and subtitle leave the summary its room, and the
     * subtitle (region, codes, date) on one line. */
    if (x->tree->compact && strcmp(s->id, "Title") == 0)
        size = 40;
    else if (x->tree->compact && strcmp(s->id, "Subtitle") == 0)
        size = 22;
    if (size > 0) {
        g_snprintf(half, sizeof half, "%d", size);
        gb__docx_val(x, "w:sz", half);
        gb__docx_val(x, "w:szCs", half);
    }
    gb__docx_close(x);
    gb__docx_close(x);
}

static void
gb__styles_part(GbDocx *x)
{
    gb__docx_part_begin(x);
    gb__docx_open(x, "w:styles");
    gb__docx_attr(x, "xmlns:w", GB__NS_W);
    gb__docx_open(x, "w:docDefaults");
    gb__docx_open(x, "w:rPrDefault");
    gb__docx_open(x, "w:rPr");
    gb__docx_open(x, "w:rFonts");
    /* Arial is on every council PC; LibreOffice maps it to the metric-compatible
     * Liberation Sans the PDF uses, so the two lay out alike. */
    gb__docx_attr(x, "w:ascii", "Arial");
    gb__docx_attr(x, "w:hAnsi", "Arial");
    gb__docx_attr(x, "w:cs", "Arial");
    gb__docx_attr(x, "w:eastAsia", "Arial");
    gb__docx_close(x);
    gb__docx_open(x, "w:lang");
    const char *lang = x->tree->language != NULL ? x->tree->language : "en-GB";
    gb__docx_attr(x, "w:val", lang);
    gb__docx_attr(x, "w:eastAsia", lang);
    gb__docx_attr(x, "w:bidi", lang);
    gb__docx_close(x);
    gb__docx_close(x);
    gb__docx_close(x);
    gb__docx_close(x);
    for (size_t i = 0; i < G_N_ELEMENTS(gb__styles); i++)
        gb__style(x, &gb__styles[i]);

    gb__docx_open(x, "w:style");
    gb__docx_attr(x, "w:type", "character");
    gb__docx_attr(x, "w:styleId", "Hyperlink");
    gb__docx_val(x, "w:name", "Hyperlink");
    gb__docx_open(x, "w:rPr");
    gb__docx_val(x, "w:color", "1F4E79");
    gb__docx_val(x, "w:u", "single");
    gb__docx_close(x);
    gb__docx_close(x);

    gb__docx_open(x, "w:style");
    gb__docx_attr(x, "w:type", "table");
    gb__docx_attr(x, "w:styleId", "GradeTable");
    gb__docx_val(x, "w:name", "Grade Table");
    gb__docx_open(x, "w:tblPr");
    gb__docx_open(x, "w:tblBorders");
    static const char *const sides[] = {"w:top", "w:bottom", "w:insideH"};
    for (size_t i = 0; i < G_N_ELEMENTS(sides); i++) {
        gb__docx_open(x, sides[i]);
        gb__docx_attr(x, "w:val", "single");
        gb__docx_attr(x, "w:sz", "4");
        gb__docx_attr(x, "w:space", "0");
        gb__docx_attr(x, "w:color", "8C8C8C");
        gb__docx_close(x);
    }
    gb__docx_close(x);
    gb__docx_open(x, "w:tblCellMar");
    gb__docx_open(x, "w:left");
    gb__docx_attr(x, "w:w", "57");
    gb__docx_attr(x, "w:type", "dxa");
    gb__docx_close(x);
    gb__docx_open(x, "w:right");
    gb__docx_attr(x, "w:w", "57");
    gb__docx_attr(x, "w:type", "dxa");
    gb__docx_close(x);
    gb__docx_close(x);
    gb__docx_close(x);
    gb__docx_close(x);

    /* Figures side by side on a summary page: no borders, no cell margins. */
    gb__docx_open(x, "w:style");
    gb__docx_attr(x, "w:type", "table");
    gb__docx_attr(x, "w:styleId", "LayoutTable");
    gb__docx_val(x, "w:name", "Layout Table");
    gb__docx_open(x, "w:tblPr");
    gb__docx_open(x, "w:tblBorders");
    static const char *const none[] = {"w:top",   "w:left",    "w:bottom",
                                       "w:right", "w:insideH", "w:insideV"};
    for (size_t i = 0; i < G_N_ELEMENTS(none); i++) {
        gb__docx_open(x, none[i]);
        gb__docx_attr(x, "w:val", "nil");
        gb__docx_close(x);
    }
    gb__docx_close(x);
    gb__docx_open(x, "w:tblCellMar");
    static const char *const sides0[] = {"w:top", "w:left", "w:bottom", "w:right"};
    for (size_t i = 0; i < G_N_ELEMENTS(sides0); i++) {
        gb__docx_open(x, sides0[i]);
        gb__docx_attr(x, "w:w", "0");
        gb__docx_attr(x, "w:type", "dxa");
        gb__docx_close(x);
    }
    gb__docx_close(x);
    gb__docx_close(x);
    gb__docx_close(x);
    gb__docx_close(x);
    gb__docx_part_end(x, "word/styles.xml");
}

static void
gb__settings_part(GbDocx *x)
{
    gb__docx_part_begin(x);
    gb__docx_open(x, "w:settings");
    gb__docx_attr(x, "xmlns:w", GB__NS_W);
    gb__docx_val(x, "w:defaultTabStop", "720");
    gb__docx_val(x, "w:characterSpacingControl", "doNotCompress");
    /* Word refreshes the contents' page numbers (the TOC and its PAGEREF
     * fields) when it opens the file. */
    gb__docx_val(x, "w:updateFields", "true");
    gb__docx_open(x, "w:compat");
    gb__docx_open(x, "w:compatSetting");
    gb__docx_attr(x, "w:name", "compatibilityMode");
    gb__docx_attr(x, "w:uri", "http://schemas.microsoft.com/office/word");
    gb__docx_attr(x, "w:val", "15");
    gb__docx_close(x);
    gb__docx_close(x);
    gb__docx_val(x, "w:themeFontLang", x->tree->language != NULL ? x->tree->language : "en-GB");
    gb__docx_close(x);
    gb__docx_part_end(x, "word/settings.xml");
}

static void
gb__numbering_part(GbDocx *x)
{
    gb__docx_part_begin(x);
    gb__docx_open(x, "w:numbering");
    gb__docx_attr(x, "xmlns:w", GB__NS_W);
    gb__docx_open(x, "w:abstractNum");
    gb__docx_attr(x, "w:abstractNumId", "0");
    gb__docx_open(x, "w:lvl");
    gb__docx_attr(x, "w:ilvl", "0");
    gb__docx_val(x, "w:start", "1");
    gb__docx_val(x, "w:numFmt", "bullet");
    gb__docx_val(x, "w:lvlText", "\xE2\x80\xA2");
    gb__docx_val(x, "w:lvlJc", "left");
    gb__docx_open(x, "w:pPr");
    gb__docx_open(x, "w:ind");
    gb__docx_attr(x, "w:left", "360");
    gb__docx_attr(x, "w:hanging", "360");
    gb__docx_close(x);
    gb__docx_close(x);
    gb__docx_close(x);
    gb__docx_close(x);
    gb__docx_open(x, "w:num");
    gb__docx_attr(x, "w:numId", "1");
    gb__docx_val(x, "w:abstractNumId", "0");
    gb__docx_close(x);
    gb__docx_close(x);
    gb__docx_part_end(x, "word/numbering.xml");
}

static void
gb__properties_parts(GbDocx *x)
{
    const GbDocxOptions *o = x->o;
    gb__docx_part_begin(x);
    gb__docx_open(x, "cp:coreProperties");
    gb__docx_attr(x, "xmlns:cp",
                  "http://schemas.openxmlformats.org/package/2006/metadata/core-properties");
    gb__docx_attr(x, "xmlns:dc", "http://purl.org/dc/elements/1.1/");
    gb__docx_attr(x, "xmlns:dcterms", "http://purl.org/dc/terms/");
    gb__docx_attr(x, "xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance");
    xmlTextWriterWriteElement(x->w, BAD_CAST "dc:title", BAD_CAST x->tree->title);
    if (o->subject != NULL)
        xmlTextWriterWriteElement(x->w, BAD_CAST "dc:subject", BAD_CAST o->subject);
    if (o->author != NULL)
        xmlTextWriterWriteElement(x->w, BAD_CAST "dc:creator", BAD_CAST o->author);
    if (o->keywords != NULL)
        xmlTextWriterWriteElement(x->w, BAD_CAST "cp:keywords", BAD_CAST o->keywords);
    xmlTextWriterWriteElement(x->w, BAD_CAST "dc:language",
                              BAD_CAST(x->tree->language != NULL ? x->tree->language : "en-GB"));
    if (o->date != NULL && strlen(o->date) >= 10) {
        char *when = g_strdup_printf("%.10sT00:00:00Z", o->date);
        static const char *const stamps[] = {"dcterms:created", "dcterms:modified"};
        for (size_t i = 0; i < G_N_ELEMENTS(stamps); i++) {
            gb__docx_open(x, stamps[i]);
            gb__docx_attr(x, "xsi:type", "dcterms:W3CDTF");
            gb__docx_text(x, when);
            gb__docx_close(x);
        }
        g_free(when);
    }
    gb__docx_close(x);
    gb__docx_part_end(x, "docProps/core.xml");

    gb__docx_part_begin(x);
    gb__docx_open(x, "Properties");
    gb__docx_attr(x, "xmlns",
                  "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties");
    xmlTextWriterWriteElement(x->w, BAD_CAST "Application", BAD_CAST "gradebrief " GB_VERSION);
    gb__docx_close(x);
    gb__docx_part_end(x, "docProps/app.xml");
}

static void
gb__package_parts(GbDocx *x)
{
    gb__docx_part_begin(x);
    gb__docx_open(x, "Types");
    gb__docx_attr(x, "xmlns", "http://schemas.openxmlformats.org/package/2006/content-types");
    static const char *const defaults[][2] = {
        {"rels", "application/vnd.openxmlformats-package.relationships+xml"},
        {"xml", "application/xml"},
        {"png", "image/png"},
        {"svg", "image/svg+xml"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(defaults); i++) {
        if (!x->svgs && strcmp(defaults[i][0], "svg") == 0)
            continue;
        gb__docx_open(x, "Default");
        gb__docx_attr(x, "Extension", defaults[i][0]);
        gb__docx_attr(x, "ContentType", defaults[i][1]);
        gb__docx_close(x);
    }
    static const char *const overrides[][2] = {
        {"/word/document.xml", GB__CT_BASE "document.main+xml"},
        {"/word/styles.xml", GB__CT_BASE "styles+xml"},
        {"/word/settings.xml", GB__CT_BASE "settings+xml"},
        {"/word/numbering.xml", GB__CT_BASE "numbering+xml"},
        {"/word/header1.xml", GB__CT_BASE "header+xml"},
        {"/word/footer1.xml", GB__CT_BASE "footer+xml"},
        {"/word/header2.xml", GB__CT_BASE "header+xml"},
        {"/word/footer2.xml", GB__CT_BASE "footer+xml"},
        {"/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"},
        {"/docProps/app.xml",
         "application/vnd.openxmlformats-officedocument.extended-properties+xml"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(overrides); i++) {
        /* The cover's own header and footer exist only with a cover. */
        if (!x->tree->cover && strstr(overrides[i][0], "2.xml") != NULL)
            continue;
        gb__docx_open(x, "Override");
        gb__docx_attr(x, "PartName", overrides[i][0]);
        gb__docx_attr(x, "ContentType", overrides[i][1]);
        gb__docx_close(x);
    }
    gb__docx_close(x);
    gb__docx_part_end(x, "[Content_Types].xml");

    gb__docx_part_begin(x);
    gb__docx_open(x, "Relationships");
    gb__docx_attr(x, "xmlns", GB__NS_REL);
    gb__relationship(x, "rId1", GB__REL_BASE "officeDocument", "word/document.xml", FALSE);
    gb__relationship(x, "rId2",
                     "http://schemas.openxmlformats.org/package/2006/relationships/metadata/"
                     "core-properties",
                     "docProps/core.xml", FALSE);
    gb__relationship(x, "rId3", GB__REL_BASE "extended-properties", "docProps/app.xml", FALSE);
    gb__docx_close(x);
    gb__docx_part_end(x, "_rels/.rels");
}

static void
gb__document_rels(GbDocx *x)
{
    static const char *const fixed[][2] = {
        {"styles", "styles.xml"}, {"settings", "settings.xml"}, {"numbering", "numbering.xml"}};
    for (size_t i = 0; i < G_N_ELEMENTS(fixed); i++)
        g_free(gb__docx_rel(x, fixed[i][0], fixed[i][1], FALSE));
    gb__docx_part_begin(x);
    gb__docx_open(x, "Relationships");
    gb__docx_attr(x, "xmlns", GB__NS_REL);
    for (guint i = 0; i < x->rels->len; i++) {
        char **f = g_strsplit(g_ptr_array_index(x->rels, i), "\t", 4);
        gb__relationship(x, f[0], f[1], f[2], f[3][0] == '1');
        g_strfreev(f);
    }
    gb__docx_close(x);
    gb__docx_part_end(x, "word/_rels/document.xml.rels");
}

/* ---- the zip ---- */

/* libdeflate's level 1 for the parts not stored, each part deflated whole (it
 * is whole in memory already) and handed to minizip as raw deflate data. On
 * the briefing's parts (document.xml, 1 MB, and the six SVGs, 1.17 MB; 2.2 MB
 * of text in all), natively: zlib's level 1 13.4 ms to 335,017 bytes,
 * libdeflate's level 1 6.8 ms to 302,249, its level 3 13.9 ms to 275,397.
 * (zlib through libgsf's zip writer, 2026-12-03: level 3 124.6 M instructions
 * to 983,363 bytes of zip, level 1 112.7 M to 1,015,278.) */
#define GB__DEFLATE_LEVEL 1

/* Where minizip's writes go: a GByteArray, which the zip's caller then takes,
 * or a file of the write set (a GbWriteStream), never held in memory. minizip
 * writes at the offset it keeps, and goes back over each entry's local header
 * once the entry's sizes and CRC are known; both ways give the same bytes. */
typedef struct {
    GByteArray *bytes; /* NULL when to */
    GbWriteStream *to; /* not owned */
    guint64 at;        /* minizip's offset */
    guint64 end;       /* bytes written */
    guint64 to_at;     /* to's offset */
    gboolean failed;
    int errnum; /* errno when a write failed */
} GbZipSink;

static voidpf ZCALLBACK
gb__zip_sink_open(voidpf opaque, const void *name, int mode)
{
    (void)name, (void)mode;
    return opaque;
}

static uLong ZCALLBACK
gb__zip_sink_read(voidpf opaque, voidpf stream, void *buf, uLong size)
{
    (void)opaque, (void)stream, (void)buf, (void)size;
    return 0; /* never read: the zip is only made */
}

static uLong ZCALLBACK
gb__zip_sink_write(voidpf opaque, voidpf stream, const void *buf, uLong size)
{
    GbZipSink *z = stream;
    (void)opaque;
    if (z->failed)
        return 0;
    if (z->to != NULL) {
        z->failed = !((z->to_at == z->at || gb_write_stream_seek(z->to, z->at)) &&
                      gb_write_stream_write(z->to, buf, size));
        z->to_at = z->at + size;
    } else if (z->at + size > G_MAXUINT) {
        z->failed = TRUE;
    } else {
        GByteArray *b = z->bytes;
        if (z->at + size > b->len)
            g_byte_array_set_size(b, (guint)(z->at + size));
        memcpy(b->data + z->at, buf, size);
    }
    if (z->failed) {
        z->errnum = errno;
        return 0;
    }
    z->at += size;
    z->end = MAX(z->end, z->at);
    return size;
}

static ZPOS64_T ZCALLBACK
gb__zip_sink_tell(voidpf opaque, voidpf stream)
{
    (void)opaque;
    return ((GbZipSink *)stream)->at;
}

static long ZCALLBACK
gb__zip_sink_seek(voidpf opaque, voidpf stream, ZPOS64_T offset, int origin)
{
    GbZipSink *z = stream;
    (void)opaque;
    guint64 base = origin == ZLIB_FILEFUNC_SEEK_CUR   ? z->at
                   : origin == ZLIB_FILEFUNC_SEEK_END ? z->end
                                                      : 0;
    z->at = base + offset;
    return 0;
}

static int ZCALLBACK
gb__zip_sink_close(voidpf opaque, voidpf stream)
{
    (void)opaque, (void)stream;
    return 0;
}

static int ZCALLBACK
gb__zip_sink_error(voidpf opaque, voidpf stream)
{
    (void)opaque;
    return ((GbZipSink *)stream)->failed;
}

struct GbDocxZip {
    GbZipSink sink;
    zipFile zip;
    struct libdeflate_compressor *deflater;
    int err; /* minizip's first error, ZIP_OK while none */
};

/* The parts, in order as added, into a zip with minizip (the library that
 * finds the workbooks' content.xml): every entry dated 1 January 1980,
 * 00:00 (MS-DOS time; no extra fields), the PNGs stored, the XML and the SVGs
 * deflated by libdeflate at GB__DEFLATE_LEVEL, no ZIP64 fields (never near
 * 4 GB): the same parts give the same bytes, in every time zone. Each part is
 * zipped as it is added and its bytes let go: the Word file is never held
 * whole beside its parts (its document.xml, its pictures and the zip, about
 * 1 MB each), nor at all when it goes to a file. */
GbDocxZip *
gb__docx_zip_new(GbWriteStream *to)
{
    GbDocxZip *z = g_new0(GbDocxZip, 1);
    z->sink.to = to;
    if (to == NULL)
        z->sink.bytes = g_byte_array_new();
    zlib_filefunc64_def io = {.zopen64_file = gb__zip_sink_open,
                              .zread_file = gb__zip_sink_read,
                              .zwrite_file = gb__zip_sink_write,
                              .ztell64_file = gb__zip_sink_tell,
                              .zseek64_file = gb__zip_sink_seek,
                              .zclose_file = gb__zip_sink_close,
                              .zerror_file = gb__zip_sink_error,
                              .opaque = &z->sink};
    z->zip = zipOpen2_64("briefing.docx", APPEND_STATUS_CREATE, NULL, &io);
    z->err = z->zip != NULL ? ZIP_OK : ZIP_ERRNO;
    z->deflater = libdeflate_alloc_compressor(GB__DEFLATE_LEVEL);
    if (z->deflater == NULL)
        z->err = ZIP_INTERNALERROR;
    return z;
}

/* p's bytes, made or read back. */
static const guint8 *
gb__part_data(const GbDocxPart *p, gsize *len)
{
    if (p->read != NULL)
        return g_bytes_get_data(p->read, len);
    *len = p->bytes->len;
    return p->bytes->data;
}

/* Zips p's bytes as they are (stored), or deflated first and handed over raw
 * with their CRC and size. */
static int
gb__zip_entry(GbDocxZip *z, const GbDocxPart *p)
{
    /* 1 January 1980, 00:00: day 1 (bits 16-20), month 1 (bits 21-24). */
    zip_fileinfo info = {.dosDate = (1u << 21) | (1u << 16)};
    gsize len;
    const guint8 *data = gb__part_data(p, &len), *whole = data;
    const gsize whole_len = len;
    guint8 *packed = NULL;
    int raw = 0;
    if (!p->stored) {
        gsize cap = libdeflate_deflate_compress_bound(z->deflater, len);
        packed = g_malloc(cap);
        gsize n = libdeflate_deflate_compress(z->deflater, data, len, packed, cap);
        if (n == 0) {
            g_free(packed);
            return ZIP_INTERNALERROR;
        }
        data = packed, len = n, raw = 1;
    }
    int err = zipOpenNewFileInZip2_64(z->zip, p->name, &info, NULL, 0, NULL, 0, NULL,
                                      p->stored ? 0 : Z_DEFLATED, GB__DEFLATE_LEVEL, raw, 0);
    if (err == ZIP_OK && len > 0)
        err = zipWriteInFileInZip(z->zip, data, (unsigned)len);
    int closed =
        raw ? zipCloseFileInZipRaw64(z->zip, whole_len, libdeflate_crc32(0, whole, whole_len))
            : zipCloseFileInZip(z->zip);
    g_free(packed);
    return err != ZIP_OK ? err : closed;
}

void
gb__docx_zip_add(GbDocxZip *z, GbDocxPart *p)
{
    gsize len;
    gb__part_data(p, &len);
    if (z->err == ZIP_OK)
        z->err = len > G_MAXUINT32 ? ZIP_PARAMERROR : gb__zip_entry(z, p);
    g_clear_pointer(&p->bytes, g_byte_array_unref);
    g_clear_pointer(&p->read, g_bytes_unref);
}

GbStatus
gb__docx_zip_end(GbDocxZip *z, GByteArray **out, GbDiag *diag)
{
    int err = z->err;
    if (z->zip != NULL) {
        int closed = zipClose(z->zip, NULL);
        if (err == ZIP_OK)
            err = closed;
    }
    GbStatus st = GB_OK;
    if (err != ZIP_OK || z->sink.failed) {
        gb_diag_set(diag, NULL, 0, 0, "cannot make the Word file's zip: %s",
                    z->sink.failed ? g_strerror(z->sink.errnum) : "minizip failed");
        st = GB_SOFTWARE;
    } else if (out != NULL) {
        *out = g_steal_pointer(&z->sink.bytes);
    }
    if (z->sink.bytes != NULL)
        g_byte_array_unref(z->sink.bytes);
    libdeflate_free_compressor(z->deflater);
    g_free(z);
    return st;
}

void
gb__docx_package(GbDocx *x)
{
    gb__package_parts(x);
    gb__properties_parts(x);
}

void
gb__docx_parts(GbDocx *x)
{
    gb__styles_part(x);
    gb__settings_part(x);
    gb__numbering_part(x);
    gb__header_footer(x);
    gb__document_rels(x);
}
