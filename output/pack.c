/* pack.c - one authority's pack (see pack.h) as a document tree, rendered as
 * PDF and HTML. Every figure comes from the compute stage and
 * pipeline/summary.c; the pack only arranges and words them. */
#include "output/pack.h"

#include "output/chartfile.h"
#include "output/docx.h"
#include "output/html.h"
#include "output/pdf.h"
#include "output/tree.h"
#include "pipeline/summary.h"
#include "pipeline/text.h"

#include <string.h>

gboolean
gb_pack_input_init(GbPackInput *in, const GbTable *t)
{
    const GbRef *ref = t->ref;
    in->table = t;
    in->regime = gb_summary_current_regime(ref);
    if (in->regime < 0)
        return FALSE;
    in->njudgements = 0;
    in->judgements = g_new(int, ref->judgements->len);
    for (guint j = 0; j < ref->judgements->len; j++)
        if (gb_ref_judgement(ref, (int)j)->regime == in->regime)
            in->judgements[in->njudgements++] = (int)j;
    in->latest = g_new0(const GbLatest *, MAX(in->njudgements, 1));
    return in->njudgements > 0;
}

void
gb_pack_input_clear(GbPackInput *in)
{
    g_clear_pointer(&in->judgements, g_free);
    g_clear_pointer(&in->latest, g_free);
    in->njudgements = 0;
}

char *
gb_pack_hash(const GbPackInput *in, int authority)
{
    const GbRef *ref = in->table->ref;
    GChecksum *h = g_checksum_new(G_CHECKSUM_SHA256);
    GString *s = g_string_new(NULL);
    const GbConfig *c = in->config;
    g_string_append_printf(s, "gradebrief %s\n%s\n%s\n%s\n%s\n%s\n%s\n%s\n%g %g\n%s\n", GB_VERSION,
                           c->palette, c->title, c->subtitle ? c->subtitle : "", c->organisation,
                           c->author, c->font, c->language, c->page_width, c->page_height,
                           in->date ? in->date : "");
    const GbAuthority *a = gb_ref_authority(ref, authority);
    g_string_append_printf(s, "%s %s %d\n", a->code, a->name, a->region);
    for (gsize k = 0; k < G_N_ELEMENTS(a->neighbours); k++)
        g_string_append_printf(s, "%d ", a->neighbours[k]);
    g_checksum_update(h, (const guchar *)s->str, (gssize)s->len);
    /* Its own rows and those of the authorities it succeeded. */
    GArray *hist = gb_stats_history(in->table, authority);
    g_checksum_update(h, (const guchar *)hist->data, (gssize)(hist->len * sizeof(GbEvent)));
    g_array_free(hist, TRUE);
    for (guint i = 0; i < in->table->rows->len; i++) {
        const GbRow *r = gb_table_row(in->table, i);
        if (r->authority == authority)
            g_checksum_update(h, (const guchar *)r, sizeof *r - sizeof r->source - sizeof r->file);
    }
    /* Every authority's latest judgements: the England, region and neighbour figures. */
    for (int j = 0; j < in->njudgements; j++)
        if (in->latest[j] != NULL)
            g_checksum_update(h, (const guchar *)in->latest[j]->grade_of->data,
                              (gssize)(in->latest[j]->grade_of->len * sizeof(int)));
    char *hex = g_strdup(g_checksum_get_string(h));
    g_checksum_free(h);
    g_string_free(s, TRUE);
    return hex;
}

typedef struct {
    const GbPackInput *in;
    int authority;
    const GbRef *ref;
    const GbAuthority *au;
    GArray *dates; /* its inspections under the current regime (guint32) */
    char *date;    /* "31 March 2025" */
} GbPack;

/* The regime's own name for a common level ("Requires improvement"). */
static const char *
gb__level(const GbPack *p, int level, const char *none)
{
    return level < 0 ? none : gb_summary_level_label(p->ref, p->in->regime, level);
}

static char *
gb__good_or_better(const int *count, int n)
{
    int gob = gb_summary_good_or_better(count);
    return g_strdup_printf("%d of %d (%.0f%%)", gob, n, gb_summary_share(gob, n));
}

/* 1. Judgements over time: predecessors, the timeline, every inspection of
 * the current regime with all its judgements. */
static void
gb__history(GbPack *p, GbTree *tree, GbChart *timeline)
{
    const GbRef *ref = p->ref;
    const GbPackInput *in = p->in;
    GbTreeSection *s = gb_tree_section(tree, "history", "Judgements over time");
    GArray *pred = gb_summary_predecessors(ref, p->authority);
    if (pred->len > 0) {
        GString *names = g_string_new(NULL);
        for (guint i = 0; i < pred->len; i++)
            g_string_append_printf(names, "%s%s", i ? " and " : "",
                                   gb_ref_authority(ref, g_array_index(pred, int, i))->name);
        gb_tree_paragraph_take(s, g_strdup_printf("%s was formed in %u from %s; the judgements "
                                                  "of %s before then are shown, marked as such.",
                                                  p->au->name, p->au->from / 10000, names->str,
                                                  names->str));
        g_string_free(names, TRUE);
    }
    g_array_free(pred, TRUE);
    if (timeline != NULL) {
        static const char *const th[] = {"Year", "Regime", "Judgement", "Grade", NULL};
        GbTreeTable *data = gb_tree_table_new("timeline-data",
                                              "Every headline judgement, with "
                                              "the year it was made",
                                              th, NULL, TRUE);
        GArray *hist = gb_stats_history(in->table, p->authority);
        for (guint i = 0; i < hist->len; i++) {
            const GbEvent *e = &g_array_index(hist, GbEvent, i);
            gb_tree_cell_take(data, g_strdup_printf("%d", e->year), -1);
            gb_tree_cell(data, gb_ref_regime(ref, e->regime)->short_name, -1);
            gb_tree_cell(data, gb_ref_judgement(ref, e->judgement)->label, -1);
            gb_tree_cell_take(data,
                              e->as_authority >= 0
                                  ? g_strdup_printf("%s (as %s)",
                                                    gb_ref_grade(ref, e->regime, e->grade)->label,
                                                    gb_ref_authority(ref, e->as_authority)->name)
                                  : g_strdup(gb_ref_grade(ref, e->regime, e->grade)->label),
                              e->common);
        }
        g_array_free(hist, TRUE);
        gb_tree_figure(tree, s, timeline, gb_chart_title(timeline), data);
    }
    if (p->dates->len == 0)
        return;
    GPtrArray *h = g_ptr_array_new();
    g_ptr_array_add(h, "Inspection");
    for (int j = 0; j < in->njudgements; j++)
        g_ptr_array_add(h, gb_ref_judgement(ref, in->judgements[j])->label);
    int ncols = (int)h->len;
    g_ptr_array_add(h, NULL);
    char *caption = g_strdup_printf("%s inspections and their judgements",
                                    gb_ref_regime(ref, in->regime)->short_name);
    GbTreeTable *t =
        gb_tree_table_new("inspections", caption, (const char *const *)h->pdata, NULL, TRUE);
    g_ptr_array_free(h, TRUE);
    for (guint k = 0; k < p->dates->len; k++) {
        guint32 when = g_array_index(p->dates, guint32, k);
        char buf[11];
        gb_text_format_date(when, buf);
        gb_tree_cell(t, buf, -1);
        for (int j = 0; j + 1 < ncols; j++) {
            int g = gb_summary_grade_on(in->table, p->authority, in->judgements[j], when);
            if (g < 0)
                gb_tree_cell(t, "not judged", -1);
            else
                gb_tree_cell(t, gb_ref_grade(ref, in->regime, g)->label,
                             gb_ref_grade(ref, in->regime, g)->common);
        }
    }
    gb_tree_heading(s, caption);
    gb_tree_add_table(s, t);
    g_free(caption);
}

/* 2. Where it stands against England, its region and its neighbours. */
static void
gb__stands(GbPack *p, GbTree *tree)
{
    const GbRef *ref = p->ref;
    const GbPackInput *in = p->in;
    GbTreeSection *s = gb_tree_section(tree, "stands", "Where it stands");
    const char *region = g_ptr_array_index(ref->regions, p->au->region);
    gb_tree_paragraph_take(s, g_strdup_printf("Each authority's latest judgement as at %s, "
                                              "against England, the %s region and the %d "
                                              "statistical neighbours of the DfE 2025 model.",
                                              p->date, region, gb_summary_neighbour_count(p->au)));
    static const char *const sh[] = {"Judgement",
                                     "Here",
                                     "England good or better",
                                     "Region good or better",
                                     "Neighbours good or better",
                                     "Judged better in England",
                                     NULL};
    static const double sw[] = {0.22, 0.14, 0.17, 0.16, 0.17, 0.14};
    GbTreeTable *t = gb_tree_table_new("stands",
                                       "Latest judgements against England, the "
                                       "region and the statistical neighbours",
                                       sh, sw, TRUE);
    for (int j = 0; j < in->njudgements; j++) {
        GbComparison c;
        gb_stats_compare(in->table, in->latest[j], p->authority, &c);
        gb_tree_cell(t, gb_ref_judgement(ref, in->judgements[j])->label, -1);
        gb_tree_cell(t, gb__level(p, c.own, "not judged"), c.own);
        gb_tree_cell_take(t, gb__good_or_better(c.england, c.england_n), -1);
        gb_tree_cell_take(t, gb__good_or_better(c.region, c.region_n), -1);
        gb_tree_cell_take(t, gb__good_or_better(c.neighbours, c.neighbours_n), -1);
        gb_tree_cell_take(t,
                          c.own >= 0 ? g_strdup_printf("%d of %d", c.better_england, c.england_n)
                                     : g_strdup(""),
                          -1);
    }
    gb_tree_add_table(s, t);
}

/* 3. The neighbours' and the region's latest judgements. */
static void
gb__peers(GbPack *p, GbTree *tree)
{
    const GbRef *ref = p->ref;
    const GbAuthority *au = p->au;
    GbTreeSection *s = gb_tree_section(tree, "peers", "Region and statistical neighbours");
    static const char *const ph[] = {"Authority", "Relation", "Latest overall effectiveness", NULL};
    static const double pw[] = {0.40, 0.28, 0.32};
    GbTreeTable *t = gb_tree_table_new("peers",
                                       "The statistical neighbours' and the region's "
                                       "latest judgements",
                                       ph, pw, TRUE);
    const GbLatest *l = p->in->latest[0];
    for (gsize k = 0; k < G_N_ELEMENTS(au->neighbours); k++) {
        int n = au->neighbours[k];
        if (n < 0)
            continue;
        int g = g_array_index(l->grade_of, int, n);
        gb_tree_cell(t, gb_ref_authority(ref, n)->name, -1);
        gb_tree_cell_take(t,
                          g_strdup_printf("neighbour %d%s%s", (int)k + 1,
                                          au->closeness[k] ? ", " : "",
                                          au->closeness[k] ? au->closeness[k] : ""),
                          -1);
        gb_tree_cell(t, gb__level(p, g, "not inspected"), g);
    }
    for (guint i = 0; i < ref->authorities->len; i++) {
        const GbAuthority *o = gb_ref_authority(ref, (int)i);
        int g = g_array_index(l->grade_of, int, i);
        if ((int)i == p->authority || gb_summary_is_neighbour(au, (int)i) ||
            o->region != au->region || g == -2)
            continue;
        gb_tree_cell(t, o->name, -1);
        gb_tree_cell(t, "same region", -1);
        gb_tree_cell(t, gb__level(p, g, "not inspected"), g);
    }
    gb_tree_add_table(s, t);
}

/* 4. Since the previous inspection. */
static void
gb__changes(GbPack *p, GbTree *tree)
{
    const GbRef *ref = p->ref;
    const GbPackInput *in = p->in;
    GbTreeSection *s = gb_tree_section(tree, "changes", "Since the previous inspection");
    if (p->dates->len < 2) {
        gb_tree_paragraph(s, p->dates->len == 0 ? "There is no inspection under the current "
                                                  "framework in the data."
                                                : "There is one inspection under the current "
                                                  "framework in the data; nothing to compare "
                                                  "yet.");
        return;
    }
    guint32 prev = g_array_index(p->dates, guint32, p->dates->len - 2);
    guint32 last = g_array_index(p->dates, guint32, p->dates->len - 1);
    char a[11], b[11];
    gb_text_format_date(prev, a);
    gb_text_format_date(last, b);
    char *ha = g_strdup_printf("Previous (%s)", a), *hb = g_strdup_printf("Latest (%s)", b);
    const char *ch[] = {"Judgement", ha, hb, "Change", NULL};
    static const double cw[] = {0.34, 0.24, 0.24, 0.18};
    GbTreeTable *t =
        gb_tree_table_new("changes", "Each judgement at the last two inspections", ch, cw, TRUE);
    g_free(ha);
    g_free(hb);
    for (int j = 0; j < in->njudgements; j++) {
        int gp = gb_summary_grade_on(in->table, p->authority, in->judgements[j], prev);
        int gl = gb_summary_grade_on(in->table, p->authority, in->judgements[j], last);
        const GbGrade *g1 = gp >= 0 ? gb_ref_grade(ref, in->regime, gp) : NULL;
        const GbGrade *g2 = gl >= 0 ? gb_ref_grade(ref, in->regime, gl) : NULL;
        gb_tree_cell(t, gb_ref_judgement(ref, in->judgements[j])->label, -1);
        gb_tree_cell(t, g1 ? g1->label : "not judged", g1 ? g1->common : -1);
        gb_tree_cell(t, g2 ? g2->label : "not judged", g2 ? g2->common : -1);
        int dir = g1 && g2 ? gb_summary_direction(g1->common, g2->common) : 2;
        gb_tree_cell(t, dir == 2 ? "" : dir > 0 ? "up" : dir < 0 ? "down" : "same", -1);
    }
    gb_tree_add_table(s, t);
}

/* The pack's tree; takes timeline (may be NULL). */
static GbTree *
gb__compose(GbPack *p, GbChart *timeline, const char *title)
{
    const GbRef *ref = p->ref;
    const GbAuthority *au = p->au;
    GString *sub = g_string_new(NULL);
    g_string_append_printf(sub, "%s \u00b7 DfE code %s",
                           (char *)g_ptr_array_index(ref->regions, au->region), au->code);
    if (au->ons->len > 0)
        g_string_append_printf(sub, " \u00b7 ONS code %s", (char *)g_ptr_array_index(au->ons, 0));
    g_string_append_printf(sub, " \u00b7 data as at %s", p->date);
    GbTree *tree = gb_tree_new(title, sub->str, p->in->config->language);
    g_string_free(sub, TRUE);
    tree->compact = TRUE;
    gb__history(p, tree, timeline);
    gb__stands(p, tree);
    gb__peers(p, tree);
    gb__changes(p, tree);
    GbTreeSection *s = gb_tree_section(tree, "sources", "Sources");
    GPtrArray *sources = gb_summary_sources(p->in->table);
    g_ptr_array_add(sources, NULL);
    char *list = g_strjoinv("; ", (char **)sources->pdata);
    g_ptr_array_free(sources, TRUE);
    gb_tree_note_take(s, g_strdup_printf("%s. Ofsted data \u00a9 Crown copyright, Open "
                                         "Government Licence v3.0; statistical neighbours: DfE "
                                         "model 2025. Computed by gradebrief; the national "
                                         "briefing's methodology section describes the regimes, "
                                         "the common scale and the reconciliation of published "
                                         "figures.",
                                         list));
    g_free(list);
    return tree;
}

GbStatus
gb_pack_render(const GbPackInput *in, GbFonts *f, int authority, GByteArray **pdf,
               GByteArray **html, GByteArray **docx, int *pages, GbDiag *diag)
{
    const GbRef *ref = in->table->ref;
    GbPack p = {
        .in = in, .authority = authority, .ref = ref, .au = gb_ref_authority(ref, authority)};
    char date[32];
    gb_text_format_date_long(in->latest[0]->as_at, date, sizeof date);
    p.date = date;
    p.dates = gb_summary_inspection_dates(in->table, authority, in->judgements[0]);
    GbChartInput ci = {.table = in->table,
                       .stats = in->stats,
                       .moves = in->moves,
                       .latest = in->latest[0],
                       .authority = authority};
    char *err = NULL;
    GbChart *timeline = gb_chart_new("timeline", &ci, &err); /* NULL: no judgements */
    g_free(err);
    const GbConfig *c = in->config;
    char *title = g_strdup_printf("%s: children's services inspections", p.au->name);
    GbTree *tree = gb__compose(&p, timeline, title);
    GbStatus st = GB_OK;
    *pages = 0;
    if (pdf != NULL) {
        GbPageSetup setup = {.width = c->page_width,
                             .height = c->page_height,
                             .top = 62,
                             .bottom = 56,
                             .left = 56.7,
                             .right = 56.7,
                             .running_title = title,
                             .footer_left = c->organisation};
        GbPdfMeta meta = {.title = title,
                          .author = c->author,
                          .subject = "Inspection judgements against England, region and "
                                     "statistical neighbours",
                          .keywords = c->keywords,
                          .date = in->date,
                          .language = c->language};
        st = gb_pdf_render_tree(f, &setup, &meta, tree, pdf, pages, diag);
    }
    if (st == GB_OK && html != NULL) {
        GPtrArray *svgs = g_ptr_array_new_with_free_func((GDestroyNotify)g_byte_array_unref);
        for (guint i = 0; i < tree->charts->len && st == GB_OK; i++) {
            const GbChart *ch = g_ptr_array_index(tree->charts, i);
            GbChartFileOptions o = {.format = GB_FORMAT_SVG, .width = 481.9};
            GByteArray *svg = NULL;
            st = gb_chartfile_render(ch, f, &o, &svg, diag);
            if (st == GB_OK) {
                g_ptr_array_add(svgs, gb_html_svg_file(svg, gb_chart_title(ch), gb_chart_alt(ch)));
                g_byte_array_unref(svg);
            }
        }
        if (st == GB_OK)
            *html = gb_html_render(tree, svgs);
        g_ptr_array_free(svgs, TRUE);
    }
    if (st == GB_OK && docx != NULL) {
        GbDocxOptions o = {.author = c->author,
                           .subject = "Inspection judgements against England, region and "
                                      "statistical neighbours",
                           .keywords = c->keywords,
                           .date = in->date,
                           .page_width = c->page_width,
                           .page_height = c->page_height,
                           .margin = 56.7,
                           .footer = c->organisation};
        st = gb_docx_render(tree, f, &o, docx, diag);
    }
    if (st != GB_OK && pdf != NULL && *pdf != NULL)
        g_clear_pointer(pdf, g_byte_array_unref);
    if (st != GB_OK && html != NULL && *html != NULL)
        g_clear_pointer(html, g_byte_array_unref);
    gb_tree_free(tree);
    g_array_free(p.dates, TRUE);
    g_free(title);
    return st;
}

GbStatus
gb_pack_pdf(const GbPackInput *in, GbFonts *f, int authority, GByteArray **pdf, int *pages,
            GbDiag *diag)
{
    return gb_pack_render(in, f, authority, pdf, NULL, NULL, pages, diag);
}
