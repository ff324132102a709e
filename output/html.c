/* html.c - the HTML renderer (see html.h). Written as polyglot HTML5: every
 * element closed, attributes quoted, only XML's own entities, so the page
 * parses as XML as well as HTML. */
#define _GNU_SOURCE /* memmem */
#include "output/html.h"

#include <math.h>
#include <string.h>

/* Appends text escaped for element content and attribute values. */
static void
gb__esc(GString *out, const char *s)
{
    for (const char *p = s; p != NULL && *p; p++) {
        switch (*p) {
        case '&':
            g_string_append(out, "&amp;");
            break;
        case '<':
            g_string_append(out, "&lt;");
            break;
        case '>':
            g_string_append(out, "&gt;");
            break;
        case '"':
            g_string_append(out, "&quot;");
            break;
        default:
            g_string_append_c(out, *p);
        }
    }
}

/* A cell's text: as gb__esc, and in a word longer than 20 characters (a file
 * name, a sheet) a break opportunity after each _ or / and before each [, so
 * that the word wraps there instead of widening its table. */
static void
gb__esc_cell(GString *out, const char *s)
{
    for (const char *p = s; p != NULL && *p; p++) {
        const char *a = p, *b = p;
        while (a > s && a[-1] != ' ')
            a--;
        while (*b && *b != ' ')
            b++;
        gboolean long_word = b - a > 20;
        if (long_word && *p == '[' && p > a)
            g_string_append(out, "<wbr/>");
        char one[2] = {*p, '\0'};
        gb__esc(out, one);
        if (long_word && (*p == '_' || *p == '/') && p + 1 < b)
            g_string_append(out, "<wbr/>");
    }
}

/* ---- SVG -------------------------------------------------------------------- */

/* The first needle in [p, end), or NULL. glibc's memmem (two-way, vectorised),
 * not g_strstr_len, which compares at every byte: it was 80% of the page's
 * time on a pack's chart. */
static const char *
gb__find(const char *p, const char *end, const char *needle)
{
    return p < end ? memmem(p, (gsize)(end - p), needle, strlen(needle)) : NULL;
}

/* Copies src to out with every occurrence of each needle[i] followed by
 * ins[i] inserted after it (one left-to-right pass). */
static void
gb__insert_after(GString *out, const char *src, gsize len, const char *const *needles,
                 const char *const *ins, int n)
{
    const char *p = src, *end = src + len;
    const char *next[8];
    g_assert(n <= 8);
    /* Each needle's next place, searched again only once passed: one pass. */
    for (int i = 0; i < n; i++)
        next[i] = gb__find(p, end, needles[i]);
    for (;;) {
        int which = -1;
        for (int i = 0; i < n; i++)
            if (next[i] != NULL && (which < 0 || next[i] < next[which]))
                which = i;
        if (which < 0) {
            g_string_append_len(out, p, end - p);
            break;
        }
        gsize nl = strlen(needles[which]);
        g_string_append_len(out, p, next[which] + nl - p);
        g_string_append(out, ins[which]);
        p = next[which] + nl;
        for (int i = 0; i < n; i++)
            if (next[i] != NULL && next[i] < p)
                next[i] = gb__find(p, end, needles[i]);
    }
}

/* SVG group ids come from a counter global to the process (surfaceN), so the
 * same chart gets other ids in another run; number them in order instead. */
static GString *
gb__renumber_surfaces(const GByteArray *svg)
{
    GString *out = g_string_sized_new(svg->len + 512);
    GHashTable *ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    const char *p = (const char *)svg->data, *end = p + svg->len;
    while (p < end) {
        const char *q = gb__find(p, end, "surface");
        if (q == NULL) {
            g_string_append_len(out, p, end - p);
            break;
        }
        const char *e = q + 7;
        while (e < end && g_ascii_isdigit(*e))
            e++;
        g_string_append_len(out, p, q - p);
        if (e == q + 7) {
            g_string_append(out, "surface");
        } else {
            char *id = g_strndup(q, (gsize)(e - q));
            gpointer n = g_hash_table_lookup(ids, id);
            if (n == NULL) {
                n = GUINT_TO_POINTER(g_hash_table_size(ids) + 1);
                g_hash_table_insert(ids, id, n);
            } else {
                g_free(id);
            }
            g_string_append_printf(out, "surface%u", GPOINTER_TO_UINT(n));
        }
        p = e;
    }
    g_hash_table_destroy(ids);
    return out;
}

GByteArray *
gb_html_svg_file(const GByteArray *svg, const char *title, const char *desc)
{
    GString *s = gb__renumber_surfaces(svg);
    /* After the root's opening tag: role, then the title and description. */
    char *root = strstr(s->str, "<svg ");
    char *close = root != NULL ? strchr(root, '>') : NULL;
    /* Once: a map's tiles have titles of their own (chartfile.c). */
    if (close != NULL && strstr(s->str, "<title id=\"title\">") == NULL) {
        gsize at = (gsize)(close - s->str);
        GString *ins = g_string_new(" role=\"img\" aria-labelledby=\"title desc\">\n<title "
                                    "id=\"title\">");
        gb__esc(ins, title);
        g_string_append(ins, "</title>\n<desc id=\"desc\">");
        gb__esc(ins, desc);
        g_string_append(ins, "</desc");
        g_string_insert(s, (gssize)at, ins->str);
        g_string_free(ins, TRUE);
    }
    gsize len = s->len;
    return g_byte_array_new_take((guint8 *)g_string_free(s, FALSE), len);
}

/* The SVG inline: no XML declaration, every id and reference prefixed (each
 * chart's glyphs are glyph0-1 ...), sized by CSS from its viewBox. */
static void
gb__inline_svg(GString *out, const guint8 *svg, gsize len, int figure)
{
    const char *p = (const char *)svg, *end = p + len;
    const char *root = gb__find(p, end, "<svg ");
    if (root == NULL)
        return;
    const char *open_end = memchr(root, '>', (gsize)(end - root));
    if (open_end == NULL)
        return;
    /* The root's attributes, less width and height. */
    g_string_append(out, "<svg");
    const char *a = root + 4;
    while (a < open_end) {
        while (a < open_end && g_ascii_isspace(*a))
            a++;
        const char *eq = memchr(a, '=', (gsize)(open_end - a));
        if (eq == NULL)
            break;
        const char *q1 = eq + 1,
                   *q2 = q1 < open_end ? memchr(q1 + 1, *q1, (gsize)(open_end - q1 - 1)) : NULL;
        if (q2 == NULL)
            break;
        gsize nlen = (gsize)(eq - a);
        gboolean skip = (nlen == 5 && strncmp(a, "width", 5) == 0) ||
                        (nlen == 6 && strncmp(a, "height", 6) == 0);
        if (nlen == 15 && strncmp(a, "aria-labelledby", 15) == 0) {
            g_string_append_printf(out, " aria-labelledby=\"f%d-title f%d-desc\"", figure, figure);
        } else if (!skip) {
            g_string_append_c(out, ' ');
            g_string_append_len(out, a, q2 + 1 - a);
        }
        a = q2 + 1;
    }
    g_string_append_c(out, '>');
    char prefix[32];
    g_snprintf(prefix, sizeof prefix, "f%d-", figure);
    const char *needles[] = {"id=\"", "href=\"#", "url(#"};
    const char *ins[] = {prefix, prefix, prefix};
    gb__insert_after(out, open_end + 1, (gsize)(end - open_end - 1), needles, ins, 3);
    while (out->len > 0 && g_ascii_isspace(out->str[out->len - 1]))
        g_string_truncate(out, out->len - 1);
    g_string_append_c(out, '\n');
}

/* ---- the page --------------------------------------------------------------- */

static double
gb__lum(double c)
{
    return c <= 0.03928 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

/* The grade fills and, for each, black or white ink, whichever contrasts more. */
static void
gb__grade_css(GString *out)
{
    for (int k = 0; k < 4; k++) {
        GbRgb c = gb_palette_level(k);
        double l = 0.2126 * gb__lum(c.r) + 0.7152 * gb__lum(c.g) + 0.0722 * gb__lum(c.b);
        gboolean white = (1.05 / (l + 0.05)) > ((l + 0.05) / 0.05);
        g_string_append_printf(out, ".g%d{background:#%02x%02x%02x;color:%s}", k,
                               (int)lround(c.r * 255), (int)lround(c.g * 255),
                               (int)lround(c.b * 255), white ? "#fff" : "#000");
    }
    g_string_append_c(out, '\n');
}

static const char gb__css[] =
    "*{box-sizing:border-box}\n"
    "html{-webkit-text-size-adjust:100%}\n"
    "body{font-family:\"Liberation Sans\",Arial,Helvetica,sans-serif;line-height:1.5;"
    "color:#1a1a1a;background:#fff;margin:0 auto;max-width:52rem;padding:0 1rem 2rem}\n"
    "p,li,caption,figcaption,h1,h2,h3{overflow-wrap:break-word}\n"
    ".skip{position:absolute;left:-10000px;top:auto}\n"
    ".skip:focus{position:static;display:inline-block;margin:.5rem 0;padding:.25rem .5rem;"
    "background:#ffdd00;color:#0b0c0c;outline:3px solid #0b0c0c}\n"
    "h1{font-size:1.9rem;line-height:1.2;color:#12436d;margin:1.5rem 0 .5rem}\n"
    "h2{font-size:1.45rem;line-height:1.25;color:#12436d;margin:2rem 0 .75rem}\n"
    "h3{font-size:1.15rem;margin:1.5rem 0 .5rem}\n"
    ".subtitle{font-size:1.1rem;color:#333}\n"
    ".note,.small{font-size:.9rem;color:#444}\n"
    "a{color:#1d4f91}a:focus{outline:3px solid #ffdd00;background:#ffdd00;color:#0b0c0c}\n"
    "nav ol{padding-left:1.5rem}\n"
    "figure{margin:1.5rem 0}\n"
    "figcaption{font-weight:bold;margin-bottom:.5rem}\n"
    /* A chart is never drawn narrower than 37.65rem (602 px: its 481.9 pt
     * viewBox at 1.25 px a point), so that its 8 pt text is at least 10 CSS px;
     * on a narrower screen it scrolls in its own labelled region. */
    "figure svg{display:block;width:100%;height:auto;min-width:37.65rem}\n"
    ".scroll{overflow-x:auto;max-width:100%;margin:.75rem 0}\n"
    ".scroll:focus{outline:3px solid #1d4f91}\n"
    "table{border-collapse:collapse;font-size:.9rem}\n"
    "caption{text-align:left;font-weight:bold;padding:.25rem 0;position:sticky;left:0;"
    "max-width:calc(100vw - 2rem)}\n"
    /* Cells take the width their words need, no more: words are never broken
     * (a table too wide for its words scrolls in its region); a heading of
     * many words keeps room for a short phrase a line, not one word a line. */
    "th,td{border-bottom:1px solid #b1b4b6;padding:.3rem .45rem;text-align:left;"
    "vertical-align:top;overflow-wrap:normal;word-break:normal;hyphens:manual}\n"
    "thead th.long{min-width:min(8em,35vw)}\n"
    ".nw{white-space:nowrap}\n"
    "@media (max-width:40rem){th,td{padding:.3rem}}\n"
    "thead th{background:#e6ebf2;color:#0b0c0c}\n"
    "tbody th{font-weight:bold}\n"
    "@media (min-width:40rem){caption{max-width:none;position:static}}\n"
    "@media print{@page{size:A4;margin:18mm 16mm}\n"
    "body{max-width:none;padding:0;font-size:10pt}.skip{display:none}\n"
    "a{color:#000;text-decoration:none}.scroll{overflow:visible}figure svg{min-width:0}\n"
    "table{font-size:8pt}th,td,thead th,thead th.long{min-width:0;padding:.15rem .25rem}\n"
    "caption{position:static;max-width:none}\n"
    "main>section{break-before:page}h2,h3,caption,figcaption{break-after:avoid}\n"
    "figure,tr{break-inside:avoid}thead{display:table-header-group}\n"
    "td,th{-webkit-print-color-adjust:exact;print-color-adjust:exact}}\n";

static void
gb__table(GString *out, const GbTreeTable *t, const char *id, const char *caption)
{
    g_string_append_printf(out,
                           "<div class=\"scroll\" role=\"region\" tabindex=\"0\" "
                           "aria-labelledby=\"%s-cap\">\n<table id=\"%s\">\n"
                           "<caption id=\"%s-cap\">",
                           id, id, id);
    gb__esc(out, caption != NULL ? caption : t->caption);
    g_string_append(out, "</caption>\n<thead>\n");
    for (int r = 0; r < t->header_rows; r++) {
        g_string_append(out, "<tr>");
        for (int c = 0; c < t->ncols; c++) {
            /* A heading of many words gets room for several a line. */
            const char *text = g_array_index(t->cells, GbTreeCell, (guint)(r * t->ncols + c)).text;
            int words = 1;
            for (const char *q = text; q != NULL && *q != '\0'; q++)
                words += *q == ' ';
            g_string_append(out,
                            words > 5 ? "<th scope=\"col\" class=\"long\">" : "<th scope=\"col\">");
            gb__esc(out, text);
            g_string_append(out, "</th>");
        }
        g_string_append(out, "</tr>\n");
    }
    g_string_append(out, "</thead>\n<tbody>\n");
    int rows = gb_tree_table_rows(t);
    for (int r = 0; r < rows; r++) {
        g_string_append(out, "<tr>");
        for (int c = 0; c < t->ncols; c++) {
            const GbTreeCell *x = gb_tree_table_cell(t, r, c);
            const char *tag = c == 0 && t->row_headers ? "th" : "td";
            g_string_append_printf(out, "<%s", tag);
            if (c == 0 && t->row_headers)
                g_string_append(out, " scope=\"row\"");
            /* A date (2019-05-13) is one word: never broken at its hyphens. */
            const char *v = x->text != NULL ? x->text : "";
            gboolean date = strlen(v) == 10 && v[4] == '-' && v[7] == '-' &&
                            g_ascii_isdigit(v[0]) && g_ascii_isdigit(v[9]);
            if (x->level >= 0 && x->level < 4)
                g_string_append_printf(out, " class=\"g%d%s\"", x->level, date ? " nw" : "");
            else if (date)
                g_string_append(out, " class=\"nw\"");
            g_string_append_c(out, '>');
            gb__esc_cell(out, x->text);
            g_string_append_printf(out, "</%s>", tag);
        }
        g_string_append(out, "</tr>\n");
    }
    g_string_append(out, "</tbody>\n</table>\n</div>\n");
}

static void
gb__paragraph(GString *out, const GbTreeBlock *b)
{
    g_string_append(out, "<p>");
    for (guint i = 0; i < b->runs->len; i++) {
        const GbTreeRun *r = &g_array_index(b->runs, GbTreeRun, i);
        switch (r->kind) {
        case GB_RUN_EMPHASIS:
            g_string_append(out, "<em>");
            gb__esc(out, r->text);
            g_string_append(out, "</em>");
            break;
        case GB_RUN_LINK:
            g_string_append(out, "<a href=\"");
            gb__esc(out, r->href);
            g_string_append(out, "\">");
            gb__esc(out, r->text);
            g_string_append(out, "</a>");
            break;
        case GB_RUN_NUMBER:
        case GB_RUN_TEXT:
            gb__esc(out, r->text);
            break;
        }
    }
    g_string_append(out, "</p>\n");
}

/* The charts' SVGs: held in memory (svgs[i], t->charts[i]'s), or read back
 * one at a time as each is inlined (fn). */
typedef struct {
    const GPtrArray *held;
    GbPictureFn fn;
    gpointer user;
} GbHtmlSvgs;

/* Chart i's SVG, a new reference, or NULL. */
static GBytes *
gb__svg(const GbHtmlSvgs *svgs, int i)
{
    if (i < 0)
        return NULL;
    if (svgs->fn != NULL)
        return svgs->fn(svgs->user, (guint)i, TRUE);
    if (svgs->held == NULL || (guint)i >= svgs->held->len)
        return NULL;
    const GByteArray *b = g_ptr_array_index(svgs->held, i);
    return g_bytes_new_static(b->data, b->len); /* the caller's while the page is made */
}

static void
gb__figure(GString *out, const GbTree *t, const GbTreeBlock *b, const GbHtmlSvgs *svgs)
{
    int index = -1;
    for (guint i = 0; i < t->charts->len; i++)
        if (g_ptr_array_index(t->charts, i) == b->chart)
            index = (int)i;
    g_string_append_printf(out,
                           "<figure id=\"figure-%d\" aria-labelledby=\"figure-%d-cap\">\n"
                           "<figcaption id=\"figure-%d-cap\">Figure %d: ",
                           b->number, b->number, b->number, b->number);
    gb__esc(out, b->caption);
    g_string_append(out, "</figcaption>\n");
    GBytes *svg = gb__svg(svgs, index);
    if (svg != NULL) {
        /* The chart in a region of its own, named by the caption, which
         * scrolls where the screen is narrower than the chart's least width. */
        g_string_append_printf(out,
                               "<div class=\"scroll chart\" role=\"region\" tabindex=\"0\" "
                               "aria-labelledby=\"figure-%d-cap\">\n",
                               b->number);
        gsize len;
        const guint8 *data = g_bytes_get_data(svg, &len);
        gb__inline_svg(out, data, len, b->number);
        g_bytes_unref(svg);
        g_string_append(out, "</div>\n");
    } else { /* no drawing: the alt text stands in */
        g_string_append(out, "<p>");
        gb__esc(out, b->alt);
        g_string_append(out, "</p>\n");
    }
    if (b->table != NULL) {
        char *id = g_strdup_printf("figure-%d-data", b->number);
        char *cap = g_strdup_printf("Data for figure %d: %s", b->number, b->table->caption);
        gb__table(out, b->table, id, cap);
        g_free(cap);
        g_free(id);
    }
    g_string_append(out, "</figure>\n");
}

static void
gb__block(GString *out, const GbTree *t, const GbTreeBlock *b, const GbHtmlSvgs *svgs)
{
    switch (b->kind) {
    case GB_BLOCK_HEADING:
        g_string_append_printf(out, "<h%d>", CLAMP(b->level, 3, 6));
        gb__esc(out, b->text);
        g_string_append_printf(out, "</h%d>\n", CLAMP(b->level, 3, 6));
        break;
    case GB_BLOCK_PARAGRAPH:
        gb__paragraph(out, b);
        break;
    case GB_BLOCK_NOTE:
        g_string_append(out, "<p class=\"note\">");
        gb__esc(out, b->text);
        g_string_append(out, "</p>\n");
        break;
    case GB_BLOCK_LIST:
        g_string_append(out, "<ul>\n");
        for (guint i = 0; i < b->items->len; i++) {
            g_string_append(out, "<li>");
            gb__esc(out, g_ptr_array_index(b->items, i));
            g_string_append(out, "</li>\n");
        }
        g_string_append(out, "</ul>\n");
        break;
    case GB_BLOCK_FIGURE:
        gb__figure(out, t, b, svgs);
        break;
    case GB_BLOCK_TABLE: {
        char *id = g_strdup_printf("t-%s", b->table->id);
        gb__table(out, b->table, id, NULL);
        g_free(id);
        break;
    }
    }
}

/* The branding's CSS: the accent on headings and the header's rule, and the
 * marking on every printed page. */
static void
gb__brand_css(GString *out, const GbBranding *b)
{
    if (b == NULL)
        return;
    if (b->has_accent)
        g_string_append_printf(out,
                               "h1, h2 { color: #%02x%02x%02x; }\n"
                               "header { border-top: 6px solid #%02x%02x%02x; }\n",
                               (int)lround(b->accent[0] * 255), (int)lround(b->accent[1] * 255),
                               (int)lround(b->accent[2] * 255), (int)lround(b->accent[0] * 255),
                               (int)lround(b->accent[1] * 255), (int)lround(b->accent[2] * 255));
    if (b->logo_data != NULL)
        g_string_append(out, ".logo { display: block; max-width: 12rem; height: auto; "
                             "margin: 0.5rem 0; }\n");
    if (b->marking != NULL || b->footer != NULL)
        g_string_append(out, ".marking { font-weight: bold; text-align: center; "
                             "letter-spacing: 0.05em; margin: 0.25rem 0; }\n"
                             "footer { border-top: 1px solid #767676; margin-top: 2rem; "
                             "padding-top: 0.5rem; }\n"
                             "@media print { .marking-top { position: fixed; top: 0; left: 0; "
                             "right: 0; } .marking-bottom { position: fixed; bottom: 0; left: 0; "
                             "right: 0; } }\n");
}

static void
gb__marking_html(GString *out, const GbBranding *b, const char *where)
{
    if (b == NULL || b->marking == NULL)
        return;
    g_string_append_printf(out, "<p class=\"marking marking-%s\">", where);
    gb__esc(out, b->marking);
    g_string_append(out, "</p>\n");
}

GByteArray *
gb_html_render(const GbTree *t, const GPtrArray *svgs)
{
    return gb_html_render_branded(t, svgs, NULL);
}

/* What out holds written to `to` (when not NULL) once it is past 64 KB, or
 * at the end: the page then never whole in memory. FALSE once a write failed
 * (the stream keeps its error). */
static gboolean
gb__html_flush(GString *out, GbWriteStream *to, gboolean end)
{
    if (to == NULL || (!end && out->len < 64 * 1024))
        return TRUE;
    gboolean ok = gb_write_stream_write(to, (const guint8 *)out->str, out->len);
    g_string_truncate(out, 0);
    return ok;
}

/* The page into a new string, or into `to` as it is made (the string then
 * left empty). */
static GString *
gb__html(const GbTree *t, const GbHtmlSvgs *svgs, const GbBranding *brand, GbWriteStream *to)
{
    gsize guess = 64 * 1024;
    for (guint i = 0; to == NULL && svgs->held != NULL && i < svgs->held->len; i++)
        guess += ((GByteArray *)g_ptr_array_index(svgs->held, i))->len;
    GString *out = g_string_sized_new(to == NULL ? guess : 128 * 1024);
    gboolean ok = TRUE;
    g_string_append(out, "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"");
    gb__esc(out, t->language);
    g_string_append(out, "\" xml:lang=\"");
    gb__esc(out, t->language);
    g_string_append(out, "\">\n<head>\n<meta charset=\"utf-8\"/>\n"
                         "<meta name=\"viewport\" content=\"width=device-width, "
                         "initial-scale=1\"/>\n<title>");
    gb__esc(out, t->title);
    g_string_append(out, "</title>\n<style>\n");
    g_string_append(out, gb__css);
    gb__grade_css(out);
    gb__brand_css(out, brand);
    g_string_append(out, "</style>\n</head>\n<body>\n"
                         "<a class=\"skip\" href=\"#main\">Skip to the content</a>\n"
                         "<header>\n");
    gb__marking_html(out, brand, "top");
    if (brand != NULL && brand->logo_data != NULL) {
        gsize n;
        const guchar *d = g_bytes_get_data(brand->logo_data, &n);
        char *b64 = g_base64_encode(d, n);
        g_string_append_printf(out, "<img class=\"logo\" src=\"data:%s;base64,%s\" alt=\"",
                               brand->logo_svg ? "image/svg+xml" : "image/png", b64);
        gb__esc(out, brand->logo_alt);
        g_string_append_printf(out, "\" width=\"%d\" height=\"%d\"/>\n", brand->logo_width,
                               brand->logo_height);
        g_free(b64);
    }
    g_string_append(out, "<h1>");
    gb__esc(out, t->title);
    g_string_append(out, "</h1>\n");
    if (t->subtitle != NULL) {
        g_string_append(out, "<p class=\"subtitle\">");
        gb__esc(out, t->subtitle);
        g_string_append(out, "</p>\n");
    }
    for (guint i = 0; i < t->cover_lines->len; i++) {
        g_string_append(out, "<p class=\"small\">");
        gb__esc(out, g_ptr_array_index(t->cover_lines, i));
        g_string_append(out, "</p>\n");
    }
    g_string_append(out, "</header>\n<nav aria-labelledby=\"contents\">\n"
                         "<h2 id=\"contents\">Contents</h2>\n<ol>\n");
    for (guint i = 0; i < t->sections->len; i++) {
        const GbTreeSection *s = g_ptr_array_index(t->sections, i);
        g_string_append(out, "<li><a href=\"#s-");
        gb__esc(out, s->id);
        g_string_append(out, "\">");
        gb__esc(out, s->title);
        g_string_append(out, "</a></li>\n");
    }
    g_string_append(out, "</ol>\n</nav>\n<main id=\"main\">\n");
    for (guint i = 0; i < t->sections->len; i++) {
        const GbTreeSection *s = g_ptr_array_index(t->sections, i);
        g_string_append(out, "<section id=\"s-");
        gb__esc(out, s->id);
        g_string_append(out, "\" aria-labelledby=\"h-");
        gb__esc(out, s->id);
        g_string_append(out, "\">\n<h2 id=\"h-");
        gb__esc(out, s->id);
        g_string_append_printf(out, "\">%d. ", s->number);
        gb__esc(out, s->title);
        g_string_append(out, "</h2>\n");
        for (guint k = 0; k < s->blocks->len && ok; k++) {
            gb__block(out, t, g_ptr_array_index(s->blocks, k), svgs);
            ok = gb__html_flush(out, to, FALSE);
        }
        g_string_append(out, "</section>\n");
    }
    g_string_append(out, "</main>\n");
    if (brand != NULL && (brand->footer != NULL || brand->marking != NULL)) {
        g_string_append(out, "<footer>\n");
        if (brand->footer != NULL) {
            g_string_append(out, "<p>");
            gb__esc(out, brand->footer);
            g_string_append(out, "</p>\n");
        }
        gb__marking_html(out, brand, "bottom");
        g_string_append(out, "</footer>\n");
    }
    g_string_append(out, "</body>\n</html>\n");
    if (ok)
        gb__html_flush(out, to, TRUE);
    return out;
}

GByteArray *
gb_html_render_branded(const GbTree *t, const GPtrArray *svgs, const GbBranding *brand)
{
    GbHtmlSvgs held = {.held = svgs};
    GString *out = gb__html(t, &held, brand, NULL);
    gsize len = out->len;
    return g_byte_array_new_take((guint8 *)g_string_free(out, FALSE), len);
}

void
gb_html_render_to(const GbTree *t, GbPictureFn svgs, gpointer user, const GbBranding *brand,
                  GbWriteStream *to)
{
    GbHtmlSvgs read = {.fn = svgs, .user = user};
    g_string_free(gb__html(t, &read, brand, to), TRUE);
}
