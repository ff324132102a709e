/* html.h - the HTML renderer of a document tree: one self-contained,
 * well-formed (XML-parseable) HTML5 file with its CSS inline and each chart
 * as inline SVG (role="img", <title> and <desc> carrying the alt text), each
 * chart's data as a table beside it, no scripts and nothing from the network.
 * Reflows down to 320 CSS px; wide tables scroll inside their own region;
 * print CSS for A4. Knows no statistics. */
#ifndef GB_HTML_H
#define GB_HTML_H

#include "output/config.h"
#include "output/tree.h"
#include "output/write.h"

/* The page for t. svgs[i] holds the SVG of t->charts[i] as made by
 * gb_html_svg_file. Returns a new array; this function can't fail. */
GByteArray *gb_html_render(const GbTree *t, const GPtrArray *svgs);
/* The same with branding (NULL: none): the logo (inline, as a data: URI, with
 * its alt text) in the header, the accent on headings and rules, the footer
 * text in a footer, the marking first in the header and last in the footer
 * (and at the top and bottom of every printed page). */
GByteArray *gb_html_render_branded(const GbTree *t, const GPtrArray *svgs, const GbBranding *brand);
/* gb_html_render_branded into file `to` of a write set as the page is made,
 * never whole in memory, each chart's SVG got from svgs (user) as it is
 * inlined and let go after (NULL from it: the alt text stands in); a failed
 * write stops it, and the add of `to` (gb_write_add_stream) reports it. */
void gb_html_render_to(const GbTree *t, GbPictureFn svgs, gpointer user, const GbBranding *brand,
                       GbWriteStream *to);

/* A chart's SVG file as cairo wrote it, made stable and accessible: the
 * process-global surfaceN ids numbered in order, and a <title> and <desc>
 * (ids "title" and "desc") with role="img" on the root. Returns a new array. */
GByteArray *gb_html_svg_file(const GByteArray *svg, const char *title, const char *desc);

#endif
