/* legend.c - swatch legends shared by the charts (see legend.h). */
#include "charts/legend.h"

#include <string.h>

#define GB__SWATCH 8.0
#define GB__GAP 12.0
#define GB__LINE 12.0

void
gb_legend_add(GbLegend *l, GbRgb colour, int level, const char *label)
{
    for (int i = 0; i < l->n; i++)
        if (strcmp(l->label[i], label) == 0)
            return;
    if (l->n == GB_LEGEND_MAX)
        return;
    l->colour[l->n] = colour;
    l->level[l->n] = level;
    l->label[l->n] = label;
    l->n++;
}

void
gb_legend_layout(GbLegend *l, GbFonts *f, double width)
{
    double x = 0, y = 0;
    for (int i = 0; i < l->n; i++) {
        double w, h;
        gb_fonts_measure(f, l->label[i], GB_SIZE_LABEL, FALSE, -1, &w, &h);
        double item = GB__SWATCH + 4 + w;
        if (x > 0 && x + item > width) {
            x = 0;
            y += GB__LINE;
        }
        l->x[i] = x;
        l->y[i] = y;
        x += item + GB__GAP;
    }
    l->height = l->n > 0 ? y + GB__LINE : 0;
}

void
gb_legend_draw(const GbLegend *l, GbFonts *f, cairo_t *cr, double x, double y)
{
    for (int i = 0; i < l->n; i++) {
        cairo_rectangle(cr, x + l->x[i], y + l->y[i] + 1.5, GB__SWATCH, GB__SWATCH);
        gb_palette_fill(cr, l->colour[i], l->level[i]);
        gb_text_draw(f, cr, l->label[i], GB_SIZE_LABEL, FALSE, x + l->x[i] + GB__SWATCH + 4,
                     y + l->y[i], (GbRgb){0.1, 0.1, 0.1});
    }
}
