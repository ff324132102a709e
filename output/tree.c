/* tree.c - the document tree (see tree.h). */
#include "output/tree.h"

#include <string.h>

static void
gb__run_clear(gpointer p)
{
    GbTreeRun *r = p;
    g_free(r->text);
    g_free(r->href);
    g_free(r->print_href);
}

static void
gb__cell_clear(gpointer p)
{
    g_free(((GbTreeCell *)p)->text);
}

void
gb_tree_table_free(GbTreeTable *t)
{
    if (t == NULL)
        return;
    g_free(t->id);
    g_free(t->caption);
    g_free(t->widths);
    g_array_free(t->cells, TRUE);
    gb_tree_table_free(t->tidy);
    g_free(t);
}

void
gb_tree_table_set_tidy(GbTreeTable *t, GbTreeTable *tidy)
{
    gb_tree_table_free(t->tidy);
    t->tidy = tidy;
}

static void
gb__block_free(gpointer p)
{
    GbTreeBlock *b = p;
    g_free(b->text);
    if (b->runs != NULL)
        g_array_free(b->runs, TRUE);
    if (b->items != NULL)
        g_ptr_array_free(b->items, TRUE);
    g_free(b->alt);
    g_free(b->caption);
    gb_tree_table_free(b->table);
    g_free(b);
}

static void
gb__section_free(gpointer p)
{
    GbTreeSection *s = p;
    g_free(s->id);
    g_free(s->title);
    g_ptr_array_free(s->blocks, TRUE);
    g_free(s);
}

GbTree *
gb_tree_new(const char *title, const char *subtitle, const char *language)
{
    GbTree *t = g_new0(GbTree, 1);
    t->title = g_strdup(title);
    t->subtitle = g_strdup(subtitle);
    t->language = g_strdup(language != NULL ? language : "en-GB");
    t->cover_lines = g_ptr_array_new_with_free_func(g_free);
    t->sections = g_ptr_array_new_with_free_func(gb__section_free);
    t->charts = g_ptr_array_new_with_free_func((GDestroyNotify)gb_chart_free);
    return t;
}

void
gb_tree_free(GbTree *t)
{
    if (t == NULL)
        return;
    g_free(t->title);
    g_free(t->subtitle);
    g_free(t->language);
    g_ptr_array_free(t->cover_lines, TRUE);
    g_ptr_array_free(t->sections, TRUE);
    g_ptr_array_free(t->charts, TRUE);
    g_free(t);
}

void
gb_tree_cover_line(GbTree *t, const char *text)
{
    if (text != NULL)
        g_ptr_array_add(t->cover_lines, g_strdup(text));
}

GbTreeSection *
gb_tree_section(GbTree *t, const char *id, const char *title)
{
    GbTreeSection *s = g_new0(GbTreeSection, 1);
    s->id = g_strdup(id);
    s->title = g_strdup(title);
    s->blocks = g_ptr_array_new_with_free_func(gb__block_free);
    g_ptr_array_add(t->sections, s);
    s->number = (int)t->sections->len;
    return s;
}

const GbTreeSection *
gb_tree_find_section(const GbTree *t, const char *id)
{
    for (guint i = 0; i < t->sections->len; i++) {
        const GbTreeSection *s = g_ptr_array_index(t->sections, i);
        if (strcmp(s->id, id) == 0)
            return s;
    }
    return NULL;
}

static GbTreeBlock *
gb__block(GbTreeSection *s, GbTreeBlockKind kind)
{
    GbTreeBlock *b = g_new0(GbTreeBlock, 1);
    b->kind = kind;
    g_ptr_array_add(s->blocks, b);
    return b;
}

void
gb_tree_heading(GbTreeSection *s, const char *text)
{
    GbTreeBlock *b = gb__block(s, GB_BLOCK_HEADING);
    b->level = 3;
    b->text = g_strdup(text);
}

void
gb_tree_run(GbTreeBlock *p, GbTreeRunKind kind, const char *text, const char *href)
{
    GbTreeRun r = {.kind = kind, .text = g_strdup(text), .href = g_strdup(href)};
    g_array_append_val(p->runs, r);
}

GbTreeBlock *
gb_tree_paragraph(GbTreeSection *s, const char *text)
{
    GbTreeBlock *b = gb__block(s, GB_BLOCK_PARAGRAPH);
    b->runs = g_array_new(FALSE, FALSE, sizeof(GbTreeRun));
    g_array_set_clear_func(b->runs, gb__run_clear);
    if (text != NULL)
        gb_tree_run(b, GB_RUN_TEXT, text, NULL);
    return b;
}

GbTreeBlock *
gb_tree_paragraph_take(GbTreeSection *s, char *text)
{
    GbTreeBlock *b = gb_tree_paragraph(s, text);
    g_free(text);
    return b;
}

void
gb_tree_note(GbTreeSection *s, const char *text)
{
    gb__block(s, GB_BLOCK_NOTE)->text = g_strdup(text);
}

void
gb_tree_note_take(GbTreeSection *s, char *text)
{
    gb__block(s, GB_BLOCK_NOTE)->text = text;
}

void
gb_tree_list(GbTreeSection *s, const char *const *items, int n)
{
    GbTreeBlock *b = gb__block(s, GB_BLOCK_LIST);
    b->items = g_ptr_array_new_with_free_func(g_free);
    for (int i = 0; i < n; i++)
        g_ptr_array_add(b->items, g_strdup(items[i]));
}

GbTreeBlock *
gb_tree_figure(GbTree *t, GbTreeSection *s, GbChart *chart, const char *caption, GbTreeTable *data)
{
    GbTreeBlock *b = gb__block(s, GB_BLOCK_FIGURE);
    g_ptr_array_add(t->charts, chart);
    b->chart = chart;
    b->alt = g_strdup(gb_chart_alt(chart));
    b->caption = g_strdup(caption);
    b->number = ++t->figures;
    b->table = data;
    return b;
}

void
gb_tree_add_table(GbTreeSection *s, GbTreeTable *table)
{
    gb__block(s, GB_BLOCK_TABLE)->table = table;
}

void
gb_tree_link(GbTreeBlock *p, const char *text, const char *href, const char *print_href)
{
    GbTreeRun r = {.kind = GB_RUN_LINK,
                   .text = g_strdup(text),
                   .href = g_strdup(href),
                   .print_href = g_strdup(print_href)};
    g_array_append_val(p->runs, r);
}

void
gb_tree_figure_place(GbTreeBlock *b, double width, GbTreePlace where, gboolean shrink)
{
    b->width = CLAMP(width, 0.0, 1.0);
    b->beside = where == GB_TREE_BESIDE;
    b->under = where == GB_TREE_UNDER;
    b->shrink = shrink;
}

GbTreeTable *
gb_tree_table_new(const char *id, const char *caption, const char *const *headers,
                  const double *widths, gboolean row_headers)
{
    GbTreeTable *t = g_new0(GbTreeTable, 1);
    t->id = g_strdup(id);
    t->caption = g_strdup(caption);
    t->row_headers = row_headers;
    t->cells = g_array_new(FALSE, FALSE, sizeof(GbTreeCell));
    g_array_set_clear_func(t->cells, gb__cell_clear);
    while (headers[t->ncols] != NULL)
        t->ncols++;
    t->widths = g_new(double, MAX(t->ncols, 1));
    for (int i = 0; i < t->ncols; i++) {
        t->widths[i] = widths != NULL ? widths[i] : 1.0 / t->ncols;
        gb_tree_cell(t, headers[i], -1);
    }
    t->header_rows = 1;
    return t;
}

void
gb_tree_cell_take(GbTreeTable *t, char *text, int level)
{
    GbTreeCell c = {.text = text != NULL ? text : g_strdup(""), .level = level};
    g_array_append_val(t->cells, c);
}

void
gb_tree_cell(GbTreeTable *t, const char *text, int level)
{
    gb_tree_cell_take(t, g_strdup(text), level);
}

int
gb_tree_table_rows(const GbTreeTable *t)
{
    return t->ncols ? (int)t->cells->len / t->ncols - t->header_rows : 0;
}

const GbTreeCell *
gb_tree_table_cell(const GbTreeTable *t, int row, int col)
{
    int r = row < 0 ? 0 : row + t->header_rows;
    return &g_array_index(t->cells, GbTreeCell, (guint)(r * t->ncols + col));
}

char *
gb_tree_paragraph_text(const GbTreeBlock *p)
{
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < p->runs->len; i++)
        g_string_append(s, g_array_index(p->runs, GbTreeRun, i).text);
    return g_string_free(s, FALSE);
}

GbTreeTable *
gb_tree_table_copy(const GbTreeTable *t, const char *id, const char *caption)
{
    GbTreeTable *c = g_new0(GbTreeTable, 1);
    c->id = g_strdup(id);
    c->caption = g_strdup(caption);
    c->ncols = t->ncols;
    c->header_rows = t->header_rows;
    c->row_headers = t->row_headers;
    c->widths = g_memdup2(t->widths, sizeof(double) * (gsize)MAX(t->ncols, 1));
    c->cells = g_array_new(FALSE, FALSE, sizeof(GbTreeCell));
    g_array_set_clear_func(c->cells, gb__cell_clear);
    for (guint i = 0; i < t->cells->len; i++) {
        const GbTreeCell *x = &g_array_index(t->cells, GbTreeCell, i);
        gb_tree_cell(c, x->text, x->level);
    }
    return c;
}

/* Each text with its length, so that no two different trees feed the same
 * bytes ("ab","c" against "a","bc"). */
static void
gb__digest_text(GbDigest *h, const char *s)
{
    guint32 n = s != NULL ? (guint32)strlen(s) + 1 : 0;
    gb_digest_update(h, (const guchar *)&n, sizeof n);
    if (s != NULL)
        gb_digest_update(h, (const guchar *)s, n - 1);
}

static void
gb__digest_int(GbDigest *h, gint64 v)
{
    gb_digest_update(h, (const guchar *)&v, sizeof v);
}

static void
gb__digest_table(GbDigest *h, const GbTreeTable *t)
{
    gb__digest_int(h, t != NULL);
    if (t == NULL)
        return;
    gb__digest_text(h, t->id);
    gb__digest_text(h, t->caption);
    gb__digest_int(h, t->ncols);
    gb__digest_int(h, t->header_rows);
    gb__digest_int(h, t->row_headers);
    for (int c = 0; c < t->ncols; c++)
        gb__digest_int(h, t->widths ? (gint64)(t->widths[c] * 1e6) : -1);
    gb__digest_int(h, t->cells->len);
    for (guint i = 0; i < t->cells->len; i++) {
        const GbTreeCell *cell = &g_array_index(t->cells, GbTreeCell, i);
        gb__digest_text(h, cell->text);
        gb__digest_int(h, cell->level);
    }
}

void
gb_tree_digest(const GbTree *t, GbDigest *h)
{
    gb__digest_text(h, t->title);
    gb__digest_text(h, t->subtitle);
    gb__digest_text(h, t->language);
    gb__digest_int(h, t->cover);
    gb__digest_int(h, t->compact);
    gb__digest_int(h, t->cover_lines->len);
    for (guint i = 0; i < t->cover_lines->len; i++)
        gb__digest_text(h, g_ptr_array_index(t->cover_lines, i));
    gb__digest_int(h, t->sections->len);
    for (guint i = 0; i < t->sections->len; i++) {
        const GbTreeSection *s = g_ptr_array_index(t->sections, i);
        gb__digest_text(h, s->id);
        gb__digest_text(h, s->title);
        gb__digest_int(h, s->number);
        gb__digest_int(h, s->blocks->len);
        for (guint k = 0; k < s->blocks->len; k++) {
            const GbTreeBlock *b = g_ptr_array_index(s->blocks, k);
            gb__digest_int(h, b->kind);
            gb__digest_int(h, b->level);
            gb__digest_text(h, b->text);
            gb__digest_int(h, b->runs ? (gint64)b->runs->len : -1);
            for (guint r = 0; b->runs != NULL && r < b->runs->len; r++) {
                const GbTreeRun *run = &g_array_index(b->runs, GbTreeRun, r);
                gb__digest_int(h, run->kind);
                gb__digest_text(h, run->text);
                gb__digest_text(h, run->href);
                gb__digest_text(h, run->print_href);
            }
            gb__digest_int(h, b->items ? (gint64)b->items->len : -1);
            for (guint r = 0; b->items != NULL && r < b->items->len; r++)
                gb__digest_text(h, g_ptr_array_index(b->items, r));
            gb__digest_int(h, b->chart != NULL);
            if (b->chart != NULL)
                gb_chart_digest(b->chart, h);
            gb__digest_text(h, b->alt);
            gb__digest_text(h, b->caption);
            gb__digest_int(h, b->number);
            gb__digest_table(h, b->table);
            /* Figure placement (the pack's summary page). */
            gb__digest_int(h, (gint64)(b->width * 1e6 + 0.5));
            gb__digest_int(h, b->beside);
            gb__digest_int(h, b->under);
            gb__digest_int(h, b->shrink);
        }
        gb__digest_int(h, s->page_after);
    }
}
