/* doctext.c - flowed text on the pages of doc.c (see doc.h): paragraphs
 * and notes split between pages with no lone line, and bulleted lists. */
#include "output/doc-private.h"

/* Places ly's lines from the cursor on, splitting between pages with no lone
 * first or last line, each page's part its own P element (so that the running
 * header and footer never land inside a paragraph). */
static void
gb__flow(GbDoc *d, const char *text, double size, gboolean justify, GbRgb colour, double after)
{
    /* Cut from the text's shaping where that is pango's layout (doc.c), else laid out. */
    const GbDocCut *cut = gb__doc_flow_cut(d, text, size, gb__doc_width(d), justify);
    PangoLayout *ly =
        cut == NULL ? gb__doc_layout(d, text, size, FALSE, gb__doc_width(d), justify) : NULL;
    int n = cut != NULL ? gb__doc_cut_lines(cut) : pango_layout_get_line_count(ly);
    double *top = g_new(double, n), *bot = g_new(double, n);
    PangoLayoutIter *it = ly != NULL ? pango_layout_get_iter(ly) : NULL;
    for (int i = 0; i < n; i++) {
        int y0, y1;
        if (cut != NULL) {
            gb__doc_cut_line_yrange(cut, i, &y0, &y1);
        } else {
            pango_layout_iter_get_line_yrange(it, &y0, &y1);
            pango_layout_iter_next_line(it);
        }
        top[i] = (double)y0 / PANGO_SCALE;
        bot[i] = (double)y1 / PANGO_SCALE;
    }
    if (it != NULL)
        pango_layout_iter_free(it);
    int i = 0;
    while (i < n) {
        double avail = gb__doc_bottom(d) - *gb__doc_y(d);
        int k = 0;
        while (i + k < n && bot[i + k] - top[i] <= avail)
            k++;
        int rest = n - i;
        if (k < rest) {
            if (k < 2 && !gb__doc_at_top(d)) { /* a lone first line: move it all on */
                gb__doc_new_page(d);
                continue;
            }
            if (rest - k < 2 && k > 2) /* a lone last line: take one more along */
                k = rest - 2;
            if (k == 0) /* taller than a page: place one line regardless */
                k = 1;
        }
        gb__doc_tag(d, "P", TRUE);
        cairo_t *cr = gb__doc_cr(d);
        if (cr != NULL && cut != NULL) {
            cairo_set_source_rgb(cr, colour.r, colour.g, colour.b);
            for (int j = i; j < i + k; j++) {
                cairo_move_to(cr, gb__doc_left(d),
                              *gb__doc_y(d) +
                                  (double)gb__doc_cut_line_baseline(cut, j) / PANGO_SCALE - top[i]);
                gb__doc_show_cut_line(d, cut, j);
            }
        } else if (cr != NULL) {
            cairo_set_source_rgb(cr, colour.r, colour.g, colour.b);
            it = pango_layout_get_iter(ly);
            for (int j = 0; j < i + k; j++, pango_layout_iter_next_line(it)) {
                if (j < i)
                    continue;
                int baseline = pango_layout_iter_get_baseline(it);
                PangoRectangle logical;
                pango_layout_iter_get_line_extents(it, NULL, &logical);
                cairo_move_to(cr, gb__doc_left(d) + (double)logical.x / PANGO_SCALE,
                              *gb__doc_y(d) + (double)baseline / PANGO_SCALE - top[i]);
                pango_cairo_show_layout_line(cr, pango_layout_iter_get_line_readonly(it));
            }
            pango_layout_iter_free(it);
        }
        gb__doc_tag(d, "P", FALSE);
        *gb__doc_y(d) += bot[i + k - 1] - top[i];
        i += k;
        if (i < n)
            gb__doc_new_page(d);
    }
    *gb__doc_y(d) += after;
    g_free(top);
    g_free(bot);
    if (ly != NULL)
        g_object_unref(ly);
}

void
gb_doc_paragraph(GbDoc *d, const char *text)
{
    gb__flow(d, text, GB__BODY, TRUE, (GbRgb){0.1, 0.1, 0.1}, 7);
}

void
gb_doc_note(GbDoc *d, const char *text)
{
    gb__flow(d, text, GB__NOTE, FALSE, (GbRgb){0.35, 0.35, 0.35}, 6);
}

void
gb_doc_bullets(GbDoc *d, const char *const *items, int n)
{
    double indent = 14, w = gb__doc_width(d) - indent;
    gb__doc_tag(d, "L", TRUE);
    for (int i = 0; i < n; i++) {
        double h = gb__doc_text_height(d, items[i], GB__BODY, FALSE, w);
        gb__doc_need(d, MIN(h, 3 * GB__BODY * GB__LEADING));
        if (*gb__doc_y(d) + h > gb__doc_bottom(d) && !gb__doc_at_top(d))
            gb__doc_new_page(d); /* items are short: keep each whole */
        gb__doc_tag(d, "LI", TRUE);
        gb__doc_tag(d, "Lbl", TRUE);
        gb__doc_text_show(d, "\u2022", GB__BODY, TRUE, -1, gb__doc_left(d) + 3, *gb__doc_y(d),
                          gb_palette_level(0));
        gb__doc_tag(d, "Lbl", FALSE);
        gb__doc_tag(d, "LBody", TRUE);
        gb__doc_text_show(d, items[i], GB__BODY, FALSE, w, gb__doc_left(d) + indent, *gb__doc_y(d),
                          (GbRgb){0.1, 0.1, 0.1});
        gb__doc_tag(d, "LBody", FALSE);
        gb__doc_tag(d, "LI", FALSE);
        *gb__doc_y(d) += h + 6;
    }
    gb__doc_tag(d, "L", FALSE);
    *gb__doc_y(d) += 4;
}
