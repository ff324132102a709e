/* pack.c - one authority's pack (see pack.h). Every figure comes from the
 * compute stage; the pack only arranges and words them. */
#include "output/pack.h"

#include "output/pdf.h"
#include "pipeline/text.h"

#include <string.h>

gboolean
gb_pack_input_init(GbPackInput *in, const GbTable *t)
{
    const GbRef *ref = t->ref;
    in->table = t;
    in->regime = gb_ref_find_regime(ref, "ilacs");
    if (in->regime < 0)
        return FALSE;
    int n = 0;
    for (guint j = 0; j < ref->judgements->len && n < GB_PACK_JUDGEMENTS; j++)
        if (gb_ref_judgement(ref, (int)j)->regime == in->regime)
            in->judgements[n++] = (int)j;
    for (; n < GB_PACK_JUDGEMENTS; n++)
        in->judgements[n] = -1;
    return TRUE;
}

char *
gb_pack_hash(const GbPackInput *in, int authority)
{
    const GbRef *ref = in->table->ref;
    GChecksum *h = g_checksum_new(G_CHECKSUM_SHA256);
    GString *s = g_string_new(NULL);
    const GbConfig *c = in->config;
    g_string_append_printf(s, "gradebrief %s\n%s\n%s\n%s\n%s\n%s\n%s\n%s\n%g %g\n%s\n",
                           GB_VERSION, c->palette, c->title, c->subtitle ? c->subtitle : "", c->organisation,
                           c->author, c->font, c->language, c->page_width, c->page_height,
                           in->date ? in->date : "");
    const GbAuthority *a = gb_ref_authority(ref, authority);
    g_string_append_printf(s, "%s %s %d\n", a->code, a->name, a->region);
    for (int k = 0; k < 10; k++)
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
    for (int j = 0; j < GB_PACK_JUDGEMENTS; j++)
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
    GbChart *timeline;
    GPtrArray *strings;     /* owned by the pack while it is composed */
} GbPack;

static const char *
gb__keep(GbPack *p, char *s)
{
    g_ptr_array_add(p->strings, s);
    return s;
}

/* A table from rows of cells (text kept by p). */
static void
gb__table(GbDoc *d, const char *const *headers, const double *widths, int ncols, GArray *cells,
          double size)
{
    GbDocTable t = {.ncols = ncols, .headers = headers, .widths = widths, .cells = cells,
                    .size = size};
    gb_doc_table(d, &t);
}

static void
gb__cell(GArray *cells, const char *text, int level)
{
    GbCell c = {.text = text, .level = level};
    g_array_append_val(cells, c);
}

/* The regime's own name for a common level ("Requires improvement", not the
 * common scale's "Adequate / requires improvement"). */
static const char *
gb__level(const GbPackInput *in, int level, const char *none)
{
    const GbRef *ref = in->table->ref;
    if (level < 0)
        return none;
    const GbRegime *r = gb_ref_regime(ref, in->regime);
    for (guint g = 0; g < r->grades->len; g++)
        if (gb_ref_grade(ref, in->regime, (int)g)->common == level)
            return gb_ref_grade(ref, in->regime, (int)g)->label;
    return ref->common_labels[level];
}

static void
gb__count_text(GString *s, const int *count, int n)
{
    g_string_append_printf(s, "%d of %d (%.0f%%)", count[0] + count[1], n,
                           n ? 100.0 * (count[0] + count[1]) / n : 0.0);
}

static void
gb__compose(GbDoc *d, gpointer user)
{
    GbPack *p = user;
    const GbPackInput *in = p->in;
    const GbRef *ref = in->table->ref;
    const GbAuthority *au = gb_ref_authority(ref, p->authority);
    char date[32];
    gb_text_format_date_long(in->latest[0]->as_at, date, sizeof date);
    GString *sub = g_string_new(NULL);
    g_string_append_printf(sub, "%s \u00b7 DfE code %s", (char *)g_ptr_array_index(ref->regions, au->region),
                           au->code);
    if (au->ons->len > 0)
        g_string_append_printf(sub, " \u00b7 ONS code %s", (char *)g_ptr_array_index(au->ons, 0));
    g_string_append_printf(sub, " \u00b7 data as at %s", date);
    gb_doc_title(d, gb__keep(p, g_strdup_printf("%s: children's services inspections", au->name)),
                 gb__keep(p, g_string_free(sub, FALSE)));

    /* 1. Judgements over time. */
    gb_doc_section(d, "history", "Judgements over time");
    GString *pred = g_string_new(NULL);
    for (guint i = 0; i < ref->authorities->len; i++) {
        const GArray *succ = gb_ref_authority(ref, (int)i)->successors;
        for (guint k = 0; k < succ->len; k++)
            if (g_array_index(succ, int, k) == p->authority)
                g_string_append_printf(pred, "%s%s", pred->len ? " and " : "",
                                       gb_ref_authority(ref, (int)i)->name);
    }
    if (pred->len > 0) {
        char year[8];
        g_snprintf(year, sizeof year, "%u", au->from / 10000);
        gb_doc_paragraph(d, gb__keep(p, g_strdup_printf(
                                            "%s was formed in %s from %s; the judgements of %s "
                                            "before then are shown, marked as such.", au->name,
                                            year, pred->str, pred->str)));
    }
    g_string_free(pred, TRUE);
    if (p->timeline != NULL)
        gb_doc_figure(d, p->timeline, gb_chart_title(p->timeline));
    /* Every ILACS inspection with all its judgements. */
    static const char *const ih[] = {"Inspection", "Overall", "Leaders", "Help and protection",
                                     "Children in care", "Care leavers"};
    static const double iw[] = {0.16, 0.17, 0.17, 0.17, 0.17, 0.16};
    GArray *cells = g_array_new(FALSE, FALSE, sizeof(GbCell));
    GArray *dates = g_array_new(FALSE, FALSE, sizeof(guint32));
    for (guint i = 0; i < in->table->rows->len; i++) {
        const GbRow *r = gb_table_row(in->table, i);
        if (r->authority != p->authority || r->judgement != in->judgements[0])
            continue;
        guint32 when = r->date ? r->date : (guint32)r->year * 10000 + 1231;
        guint k = 0;
        while (k < dates->len && g_array_index(dates, guint32, k) < when)
            k++;
        g_array_insert_val(dates, k, when);
    }
    for (guint k = 0; k < dates->len; k++) {
        guint32 when = g_array_index(dates, guint32, k);
        char buf[11];
        gb_text_format_date(when, buf);
        gb__cell(cells, gb__keep(p, g_strdup(buf)), -1);
        for (int j = 0; j < GB_PACK_JUDGEMENTS; j++) {
            const GbRow *found = NULL;
            for (guint i = 0; i < in->table->rows->len && found == NULL; i++) {
                const GbRow *r = gb_table_row(in->table, i);
                if (r->authority == p->authority && r->judgement == in->judgements[j] &&
                    (r->date ? r->date : (guint32)r->year * 10000 + 1231) == when)
                    found = r;
            }
            if (found == NULL) {
                gb__cell(cells, "not judged", -1);
                continue;
            }
            const GbGrade *g = gb_ref_grade(ref, in->regime, found->grade);
            gb__cell(cells, g->label, g->common);
        }
    }
    if (cells->len > 0) {
        gb_doc_heading(d, gb__keep(p, g_strdup_printf("%s inspections and their judgements",
                                                      gb_ref_regime(ref, in->regime)->short_name)));
        gb__table(d, ih, iw, 6, cells, 7.5);
    }
    g_array_set_size(cells, 0);

    /* 2. Where it stands. */
    gb_doc_section(d, "stands", "Where it stands");
    gb_doc_paragraph(d, gb__keep(p, g_strdup_printf(
                                        "Each authority's latest judgement as at %s, against "
                                        "England, the %s region and the ten statistical "
                                        "neighbours of the DfE 2025 model.",
                                        date, (char *)g_ptr_array_index(ref->regions, au->region))));
    static const char *const sh[] = {"Judgement", "Here", "England good or better",
                                     "Region good or better", "Neighbours good or better",
                                     "Judged better in England"};
    static const double sw[] = {0.22, 0.14, 0.17, 0.16, 0.17, 0.14};
    for (int j = 0; j < GB_PACK_JUDGEMENTS && in->judgements[j] >= 0; j++) {
        GbComparison c;
        gb_stats_compare(in->table, in->latest[j], p->authority, &c);
        gb__cell(cells, gb_ref_judgement(ref, in->judgements[j])->label, -1);
        gb__cell(cells, gb__level(in, c.own, "not judged"), c.own);
        GString *e = g_string_new(NULL), *r = g_string_new(NULL), *n = g_string_new(NULL);
        gb__count_text(e, c.england, c.england_n);
        gb__count_text(r, c.region, c.region_n);
        gb__count_text(n, c.neighbours, c.neighbours_n);
        gb__cell(cells, gb__keep(p, g_string_free(e, FALSE)), -1);
        gb__cell(cells, gb__keep(p, g_string_free(r, FALSE)), -1);
        gb__cell(cells, gb__keep(p, g_string_free(n, FALSE)), -1);
        gb__cell(cells, c.own >= 0 ? gb__keep(p, g_strdup_printf("%d of %d", c.better_england,
                                                                 c.england_n))
                                   : "", -1);
    }
    gb__table(d, sh, sw, 6, cells, 7.5);
    g_array_set_size(cells, 0);

    /* 3. The region's and the neighbours' latest judgements. */
    gb_doc_section(d, "peers", "Region and statistical neighbours");
    static const char *const ph[] = {"Authority", "Relation", "Latest overall effectiveness"};
    static const double pw[] = {0.40, 0.28, 0.32};
    const GbLatest *l = in->latest[0];
    for (int k = 0; k < 10; k++) {
        int n = au->neighbours[k];
        if (n < 0)
            continue;
        int g = g_array_index(l->grade_of, int, n);
        gb__cell(cells, gb_ref_authority(ref, n)->name, -1);
        gb__cell(cells, gb__keep(p, g_strdup_printf("neighbour %d%s%s", k + 1,
                                                    au->closeness[k] ? ", " : "",
                                                    au->closeness[k] ? au->closeness[k] : "")), -1);
        gb__cell(cells, gb__level(in, g, "not inspected"), g);
    }
    for (guint i = 0; i < ref->authorities->len; i++) {
        const GbAuthority *o = gb_ref_authority(ref, (int)i);
        int g = g_array_index(l->grade_of, int, i);
        gboolean neighbour = FALSE;
        for (int k = 0; k < 10; k++)
            neighbour = neighbour || au->neighbours[k] == (int)i;
        if ((int)i == p->authority || neighbour || o->region != au->region || g == -2)
            continue;
        gb__cell(cells, o->name, -1);
        gb__cell(cells, "same region", -1);
        gb__cell(cells, gb__level(in, g, "not inspected"), g);
    }
    gb__table(d, ph, pw, 3, cells, 7.5);
    g_array_set_size(cells, 0);

    /* 4. Since the previous inspection. */
    gb_doc_section(d, "changes", "Since the previous inspection");
    if (dates->len < 2) {
        gb_doc_paragraph(d, dates->len == 0 ? "There is no inspection under the current "
                                              "framework in the data."
                                            : "There is one inspection under the current "
                                              "framework in the data; nothing to compare yet.");
    } else {
        guint32 prev = g_array_index(dates, guint32, dates->len - 2);
        guint32 last = g_array_index(dates, guint32, dates->len - 1);
        char a[11], b[11];
        gb_text_format_date(prev, a);
        gb_text_format_date(last, b);
        static const char *const ch[] = {"Judgement", "Previous", "Latest", "Change"};
        static const double cw[] = {0.34, 0.24, 0.24, 0.18};
        const char *ch2[] = {ch[0], gb__keep(p, g_strdup_printf("Previous (%s)", a)),
                             gb__keep(p, g_strdup_printf("Latest (%s)", b)), ch[3]};
        for (int j = 0; j < GB_PACK_JUDGEMENTS && in->judgements[j] >= 0; j++) {
            int gp = -1, gl = -1;
            for (guint i = 0; i < in->table->rows->len; i++) {
                const GbRow *r = gb_table_row(in->table, i);
                if (r->authority != p->authority || r->judgement != in->judgements[j])
                    continue;
                guint32 w = r->date ? r->date : (guint32)r->year * 10000 + 1231;
                if (w == prev)
                    gp = r->grade;
                if (w == last)
                    gl = r->grade;
            }
            const GbGrade *g1 = gp >= 0 ? gb_ref_grade(ref, in->regime, gp) : NULL;
            const GbGrade *g2 = gl >= 0 ? gb_ref_grade(ref, in->regime, gl) : NULL;
            gb__cell(cells, gb_ref_judgement(ref, in->judgements[j])->label, -1);
            gb__cell(cells, g1 ? g1->label : "not judged", g1 ? g1->common : -1);
            gb__cell(cells, g2 ? g2->label : "not judged", g2 ? g2->common : -1);
            gb__cell(cells, g1 == NULL || g2 == NULL ? ""
                            : g2->common < g1->common ? "up"
                            : g2->common > g1->common ? "down"
                                                      : "same", -1);
        }
        gb__table(d, ch2, cw, 4, cells, 7.5);
    }
    g_array_free(cells, TRUE);
    g_array_free(dates, TRUE);

    gb_doc_section(d, "sources", "Sources");
    gb_doc_note(d, "Ofsted, LA inspection outcomes as at 31 March 2025 (\u00a9 Crown copyright, "
                   "Open Government Licence v3.0); earlier judgements as reported by BBC News "
                   "(2008), Children & Young People Now (2009), LocalGov and The Independent "
                   "(2013); statistical neighbours: DfE model 2025. Computed by gradebrief; the "
                   "national briefing's methodology section describes the regimes, the common "
                   "scale and the reconciliation of published figures.");
}

GbStatus
gb_pack_pdf(const GbPackInput *in, GbFonts *f, int authority, GByteArray **pdf, int *pages,
            GbDiag *diag)
{
    const GbRef *ref = in->table->ref;
    GbPack p = {.in = in, .authority = authority,
                .strings = g_ptr_array_new_with_free_func(g_free)};
    GbChartInput ci = {.table = in->table, .stats = in->stats, .moves = in->moves,
                       .latest = in->latest[0], .authority = authority};
    char *err = NULL;
    p.timeline = gb_chart_new("timeline", &ci, &err); /* NULL when it has no judgements */
    g_free(err);
    const GbConfig *c = in->config;
    char *title = g_strdup_printf("%s: children's services inspections",
                                  gb_ref_authority(ref, authority)->name);
    GbPageSetup setup = {.width = c->page_width, .height = c->page_height, .top = 62,
                         .bottom = 56, .left = 56.7, .right = 56.7, .running_title = title,
                         .footer_left = c->organisation};
    GbPdfMeta meta = {.title = title, .author = c->author,
                      .subject = "Inspection judgements against England, region and "
                                 "statistical neighbours",
                      .keywords = c->keywords, .date = in->date, .language = c->language};
    GbStatus st = gb_pdf_render(f, &setup, &meta, TRUE, gb__compose, &p, pdf, pages, diag);
    gb_chart_free(p.timeline);
    g_ptr_array_free(p.strings, TRUE);
    g_free(title);
    return st;
}
