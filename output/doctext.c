/* doctext.c - flowed text on the pages of doc.c (see doc.h): paragraphs
 * and notes split between pages with no lone line, and bulleted lists. */
#include "output/doc-private.h"

/* Places ly's lines from the cursor on, splitting between pages with no lone
 * first or last line, each page's part its own P element (so that the running
 * header and footer never land inside a paragraph). */
static void
gb__flow(GbDoc *d, PangoLayout *ly, GbRgb colour, double after)
{
    int n = pango_layout_get_line_count(ly);
    double *top = g_new(double, n), *bot = g_new(double, n);
    PangoLayoutIter *it = pango_layout_get_iter(ly);
    for (int i = 0; i < n; i++, pango_layout_iter_next_line(it)) {
        int y0, y1;
        pango_layout_iter_get_line_yrange(it, &y0, &y1);
        top[i] = (double)y0 / PANGO_SCALE;
        bot[i] = (double)y1 / PANGO_SCALE;
    }
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
        if (cr != NULL) {
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
}

void
gb_doc_paragraph(GbDoc *d, const char *text)
{
    PangoLayout *ly = gb__doc_layout(d, text, GB__BODY, FALSE, gb__doc_width(d), TRUE);
    gb__flow(d, ly, (GbRgb){0.1, 0.1, 0.1}, 7);
    g_object_unref(ly);
}

void
gb_doc_note(GbDoc *d, const char *text)
{
    PangoLayout *ly = gb__doc_layout(d, text, GB__NOTE, FALSE, gb__doc_width(d), FALSE);
    gb__flow(d, ly, (GbRgb){0.35, 0.35, 0.35}, 6);
    g_object_unref(ly);
}

void
gb_doc_bullets(GbDoc *d, const char *const *items, int n)
{
    double indent = 14, w = gb__doc_width(d) - indent;
    gb__doc_tag(d, "L", TRUE);
    for (int i = 0; i < n; i++) {
        PangoLayout *ly = gb__doc_layout(d, items[i], GB__BODY, FALSE, w, FALSE);
        double h = gb__doc_layout_height(ly);
        gb__doc_need(d, MIN(h, 3 * GB__BODY * GB__LEADING));
        if (*gb__doc_y(d) + h > gb__doc_bottom(d) && !gb__doc_at_top(d))
            gb__doc_new_page(d); /* items are short: keep each whole */
        gb__doc_tag(d, "LI", TRUE);
        gb__doc_tag(d, "Lbl", TRUE);
        PangoLayout *lb = gb__doc_layout(d, "\u2022", GB__BODY, TRUE, -1, FALSE);
        gb__doc_show(d, lb, gb__doc_left(d) + 3, *gb__doc_y(d), gb_palette_level(0));
        g_object_unref(lb);
        gb__doc_tag(d, "Lbl", FALSE);
        gb__doc_tag(d, "LBody", TRUE);
        gb__doc_show(d, ly, gb__doc_left(d) + indent, *gb__doc_y(d), (GbRgb){0.1, 0.1, 0.1});
        gb__doc_tag(d, "LBody", FALSE);
        gb__doc_tag(d, "LI", FALSE);
        *gb__doc_y(d) += h + 6;
        g_object_unref(ly);
    }
    gb__doc_tag(d, "L", FALSE);
    *gb__doc_y(d) += 4;
}
