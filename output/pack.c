/* pack.c - one authority's pack (see pack.h) as a document tree, rendered as
 * PDF and HTML. Every figure comes from the compute stage and
 * pipeline/summary.c; the pack only arranges and words them. */
#include "output/pack.h"
#include "output/pack-private.h"

#include "output/chartfile.h"
#include "output/docx.h"
#include "output/html.h"
#include "output/pdf.h"
#include "output/slug.h"
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
    in->histories = gb_stats_histories_new(t);
    /* Dates for people ("25 September 2025"), as the briefing writes them. */
    GPtrArray *sources = gb_summary_sources(t);
    GPtrArray *people = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < sources->len; i++)
        g_ptr_array_add(people, gb_summary_source_for_people(g_ptr_array_index(sources, i)));
    g_ptr_array_free(sources, TRUE);
    g_ptr_array_add(people, NULL);
    in->sources = g_strjoinv("; ", (char **)people->pdata);
    g_ptr_array_free(people, TRUE);
    return in->njudgements > 0;
}

void
gb_pack_input_clear(GbPackInput *in)
{
    g_clear_pointer(&in->judgements, g_free);
    g_clear_pointer(&in->latest, g_free);
    g_clear_pointer(&in->histories, gb_stats_histories_free);
    g_clear_pointer(&in->sources, g_free);
    in->njudgements = 0;
}

const char *
gb__pack_level(const GbPack *p, int level, const char *none)
{
    return level < 0 ? none : gb_summary_level_label(p->ref, p->in->regime, level);
}

char *
gb__pack_good_or_better(const int *count, int n)
{
    int gob = gb_summary_good_or_better(count);
    return g_strdup_printf("%d of %d (%.0f%%)", gob, n, gb_summary_share(gob, n));
}

/* "A and B" of authority names; one named like `self` (today's Dorset, of
 * the old county) with its DfE code, so the two are told apart. */
static char *
gb__names(const GbRef *ref, const GArray *who, const GbAuthority *self)
{
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < who->len; i++) {
        const GbAuthority *a = gb_ref_authority(ref, g_array_index(who, int, i));
        g_string_append_printf(s, "%s%s",
                               i == 0              ? ""
                               : i + 1 == who->len ? " and "
                                                   : ", ",
                               a->name);
        if (self != NULL && strcmp(a->name, self->name) == 0)
            g_string_append_printf(s, " (DfE code %s)", a->code);
    }
    return g_string_free(s, FALSE);
}

/* Every headline judgement of the authority and its predecessors (the
 * timeline's data). */
static GbTreeTable *
gb__timeline_data(GbPack *p)
{
    const GbRef *ref = p->ref;
    static const char *const th[] = {"Year", "Regime", "Judgement", "Grade", NULL};
    GbTreeTable *data = gb_tree_table_new(
        "timeline-data", "Every headline judgement, with the year it was made", th, NULL, TRUE);
    GArray *hist = gb_stats_histories_get(p->in->histories, p->authority);
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
    return data;
}

/* One inspection's row of the inspections table: who made it (the authority,
 * or a predecessor labelled "as NAME"). */
static void
gb__inspection_row(GbPack *p, GbTreeTable *t, int who, guint32 when, int ncols)
{
    const GbRef *ref = p->ref;
    char buf[32];
    gb_text_format_date_long(when, buf, sizeof buf);
    if (who == p->authority)
        gb_tree_cell(t, buf, -1);
    else
        gb_tree_cell_take(t, g_strdup_printf("%s (as %s)", buf, gb_ref_authority(ref, who)->name),
                          -1);
    for (int j = 0; j + 1 < ncols; j++) {
        int g = gb_summary_grade_on(p->in->table, who, p->in->judgements[j], when);
        if (g < 0)
            gb_tree_cell(t, "not judged", -1);
        else
            gb_tree_cell(t, gb_ref_grade(ref, p->in->regime, g)->label,
                         gb_ref_grade(ref, p->in->regime, g)->common);
    }
}

/* 2. Judgements over time: predecessors, every inspection of the current
 * regime with all its judgements, the predecessors' marked "as NAME". */
static void
gb__history(GbPack *p, GbTree *tree)
{
    const GbRef *ref = p->ref;
    const GbPackInput *in = p->in;
    GbTreeSection *s = gb_tree_section(tree, "history", "Judgements over time");
    GArray *pred = gb_summary_predecessors(ref, p->authority);
    if (pred->len > 0) {
        char *names = gb__names(ref, pred, p->au);
        char from[32];
        gb_text_format_date_long(p->au->from, from, sizeof from);
        gb_tree_paragraph_take(
            s, g_strdup_printf("%s was formed on %s from %s; the judgements "
                               "of %s before then are shown, marked \u201cas "
                               "%s\u201d.",
                               p->au->name, from, names, names,
                               gb_ref_authority(ref, g_array_index(pred, int, 0))->name));
        g_free(names);
    }
    g_array_free(pred, TRUE);
    gb_tree_paragraph(s, "The timeline across every regime since 2007 is in section 1.");
    GArray *shown = gb_packsummary_inspections(in->table, p->authority, in->judgements[0]);
    if (shown->len > 0) {
        GPtrArray *h = g_ptr_array_new();
        g_ptr_array_add(h, "Inspection");
        for (int j = 0; j < in->njudgements; j++)
            g_ptr_array_add(h, gb_ref_judgement(ref, in->judgements[j])->label);
        int ncols = (int)h->len;
        g_ptr_array_add(h, NULL);
        char *caption = g_strdup_printf("%s inspections and their judgements",
                                        gb_ref_regime(ref, in->regime)->short_name);
        /* The first column wide enough for "2019-06-17 (as Northamptonshire)". */
        double *w = g_new(double, ncols);
        w[0] = 0.24;
        for (int c = 1; c < ncols; c++)
            w[c] = 0.76 / (ncols - 1);
        GbTreeTable *t =
            gb_tree_table_new("inspections", caption, (const char *const *)h->pdata, w, TRUE);
        g_free(w);
        g_ptr_array_free(h, TRUE);
        for (guint k = 0; k < shown->len; k++) {
            const GbPackInspection *x = &g_array_index(shown, GbPackInspection, k);
            gb__inspection_row(p, t, x->who, x->date, ncols);
        }
        gb_tree_heading(s, caption);
        gb_tree_add_table(s, t);
        g_free(caption);
    }
    g_array_free(shown, TRUE);
}
/* 3. Where it stands against England, its region and its neighbours. */
static void
gb__stands(GbPack *p, GbTree *tree)
{
    const GbRef *ref = p->ref;
    const GbPackInput *in = p->in;
    GbTreeSection *s = gb_tree_section(tree, "stands", "Where it stands");
    const char *region = g_ptr_array_index(ref->regions, p->au->region);
    gb_tree_paragraph_take(s, g_strdup_printf("Positions as at %s: each authority's latest "
                                              "judgement, against England, the %s region and "
                                              "the %d statistical neighbours of the DfE 2025 "
                                              "model.",
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
        gb_tree_cell(t, gb__pack_level(p, c.own, "not judged"), c.own);
        gb_tree_cell_take(t, gb__pack_good_or_better(c.england, c.england_n), -1);
        gb_tree_cell_take(t, gb__pack_good_or_better(c.region, c.region_n), -1);
        gb_tree_cell_take(t, gb__pack_good_or_better(c.neighbours, c.neighbours_n), -1);
        gb_tree_cell_take(t,
                          c.own >= 0 ? g_strdup_printf("%d of %d", c.better_england, c.england_n)
                                     : g_strdup(""),
                          -1);
    }
    gb_tree_add_table(s, t);
}

/* 4. The neighbours' and the region's latest judgements. */
static void
gb__peers(GbPack *p, GbTree *tree)
{
    const GbRef *ref = p->ref;
    const GbAuthority *au = p->au;
    GbTreeSection *s = gb_tree_section(tree, "peers", "Region and statistical neighbours");
    static const char *const ph[] = {"Authority", "Relation", "Latest overall effectiveness", NULL};
    static const double pw[] = {0.40, 0.28, 0.32};
    char *cap = g_strdup_printf("The statistical neighbours' and the region's latest judgements, "
                                "as at %s",
                                p->date);
    GbTreeTable *t = gb_tree_table_new("peers", cap, ph, pw, TRUE);
    g_free(cap);
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
        gb_tree_cell(t, gb__pack_level(p, g, "not inspected"), g);
    }
    for (guint i = 0; i < ref->authorities->len; i++) {
        const GbAuthority *o = gb_ref_authority(ref, (int)i);
        int g = g_array_index(l->grade_of, int, i);
        if ((int)i == p->authority || gb_summary_is_neighbour(au, (int)i) ||
            o->region != au->region || g == -2)
            continue;
        gb_tree_cell(t, o->name, -1);
        gb_tree_cell(t, "same region", -1);
        gb_tree_cell(t, gb__pack_level(p, g, "not inspected"), g);
    }
    gb_tree_add_table(s, t);
}

/* 5. Since the previous inspection: the move into the latest one, as the
 * briefing's movers take it (from a predecessor's last inspection when the
 * authority has had only one). */
static void
gb__changes(GbPack *p, GbTree *tree)
{
    const GbRef *ref = p->ref;
    const GbPackInput *in = p->in;
    GbTreeSection *s = gb_tree_section(tree, "changes", "Since the previous inspection");
    GbPackPrevious pv;
    gb_packsummary_previous(in->movers, p->authority, in->family, in->regime, p->dates, &pv);
    if (pv.last == 0) {
        gb_tree_paragraph(s, "There is no inspection under the current framework in the data.");
        return;
    }
    const GbMover *m = pv.move;
    guint32 last = pv.last, prev = pv.prev;
    int who = pv.who;
    if (prev == 0) {
        if (m != NULL) {
            /* The previous judgement is of another regime: the headline move only. */
            char a[32] = "", b[32] = "";
            if (m->from.date)
                gb_text_format_date_long(m->from.date, a, sizeof a);
            else
                g_snprintf(a, sizeof a, "%d", m->from.year);
            gb_text_format_date_long(last, b, sizeof b);
            gb_tree_paragraph_take(
                s, g_strdup_printf(
                       "One inspection under the current framework. The previous "
                       "overall judgement%s%s was %s under %s (%s); the latest, "
                       "%s (%s): %s, as the briefing counts movers.",
                       m->from_predecessor ? ", as " : "",
                       m->from_predecessor ? gb_ref_authority(ref, m->from.as_authority)->name : "",
                       gb_ref_grade(ref, m->from.regime, m->from.grade)->label,
                       gb_ref_regime(ref, m->from.regime)->short_name, a,
                       gb_ref_grade(ref, m->to.regime, m->to.grade)->label, b,
                       m->steps > 0   ? "up"
                       : m->steps < 0 ? "down"
                                      : "the same"));
        } else {
            gb_tree_paragraph(s, "There is one inspection under the current framework in the "
                                 "data and no earlier comparable judgement; nothing to compare "
                                 "yet.");
        }
        return;
    }
    char a[32], b[32];
    gb_text_format_date_long(prev, a, sizeof a);
    gb_text_format_date_long(last, b, sizeof b);
    char *ha = who == p->authority
                   ? g_strdup_printf("Previous (%s)", a)
                   : g_strdup_printf("Previous (%s, as %s)", a, gb_ref_authority(ref, who)->name);
    char *hb = g_strdup_printf("Latest (%s)", b);
    const char *ch[] = {"Judgement", ha, hb, "Change", NULL};
    static const double cw[] = {0.34, 0.24, 0.24, 0.18};
    GbTreeTable *t =
        gb_tree_table_new("changes", "Each judgement at the last two inspections", ch, cw, TRUE);
    g_free(ha);
    g_free(hb);
    for (int j = 0; j < in->njudgements; j++) {
        int gp = gb_summary_grade_on(in->table, who, in->judgements[j], prev);
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

/* An abolished authority's first section: when, and its successors' packs. */
static void
gb__abolished(GbPack *p, GbTree *tree)
{
    const GbRef *ref = p->ref;
    GbTreeSection *s = gb_tree_section(tree, "abolished", "Abolished");
    char to[32];
    gb_text_format_date_long(p->au->to, to, sizeof to);
    char *names = gb__names(ref, p->au->successors, p->au);
    gb_tree_paragraph_take(s, g_strdup_printf("%s ceased to exist on %s%s%s. Its inspections "
                                              "are shown below and, marked \u201cas %s\u201d, "
                                              "in the packs of its successors; positions and "
                                              "comparisons are in those packs.",
                                              p->au->name, to,
                                              p->au->successors->len ? "; its services passed "
                                                                       "to "
                                                                     : "",
                                              names, p->au->name));
    g_free(names);
    if (p->au->successors->len > 0)
        gb_tree_paragraph(s, "The successors' packs:");
    for (guint i = 0; i < p->au->successors->len; i++) {
        int a = g_array_index(p->au->successors, int, i);
        char *slug = gb_slug_authority(ref, a);
        char *html = g_strdup_printf("%s.html", slug), *pdf = g_strdup_printf("%s.pdf", slug);
        char *text =
            g_strdup_printf("%s: children's services inspections", gb_ref_authority(ref, a)->name);
        GbTreeBlock *b = gb_tree_paragraph(s, "");
        g_array_set_size(b->runs, 0);
        gb_tree_link(b, text, html, pdf);
        g_free(text);
        g_free(html);
        g_free(pdf);
        g_free(slug);
    }
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
    if (p->abolished) {
        char to[32];
        gb_text_format_date_long(au->to, to, sizeof to);
        g_string_append_printf(sub, " \u00b7 abolished on %s", to);
    } else {
        g_string_append_printf(sub, " \u00b7 data as at %s", p->date);
    }
    GbTree *tree = gb_tree_new(title, sub->str, p->in->config->language);
    g_string_free(sub, TRUE);
    tree->compact = TRUE;
    if (p->abolished) {
        gb__abolished(p, tree);
        GbTreeSection *s = g_ptr_array_index(tree->sections, 0);
        if (timeline != NULL)
            gb_tree_figure(tree, s, timeline, gb_chart_title(timeline), gb__timeline_data(p));
        gb__history(p, tree);
    } else {
        gb__pack_summary(p, tree, timeline, gb__timeline_data(p));
        gb__history(p, tree);
        gb__stands(p, tree);
        gb__peers(p, tree);
        gb__changes(p, tree);
    }
    GbTreeSection *s = gb_tree_section(tree, "sources", "Sources");
    gb_tree_note_take(s, g_strdup_printf("%s. Ofsted data \u00a9 Crown copyright, Open "
                                         "Government Licence v3.0; statistical neighbours: DfE "
                                         "model 2025. Computed by gradebrief; the national "
                                         "briefing's methodology section describes the regimes, "
                                         "the common scale and the reconciliation of published "
                                         "figures.",
                                         p->in->sources));
    return tree;
}

struct GbPackDoc {
    const GbPackInput *in;
    int authority;
    char *title;
    GbTree *tree;
};

static void
gb__pack_init(GbPack *p, const GbPackInput *in, int authority, char *date, gsize len)
{
    const GbRef *ref = in->table->ref;
    *p = (GbPack){
        .in = in, .authority = authority, .ref = ref, .au = gb_ref_authority(ref, authority)};
    p->as_at = in->latest[0]->as_at;
    p->abolished = gb_packsummary_abolished(p->au, p->as_at);
    gb_text_format_date_long(p->as_at, date, len);
    p->date = date;
    p->dates = gb_summary_inspection_dates(in->table, authority, in->judgements[0]);
}

static GbChart *
gb__timeline(const GbPackInput *in, int authority)
{
    GbChartInput ci = {.table = in->table,
                       .stats = in->stats,
                       .moves = in->moves,
                       .latest = in->latest[0],
                       .authority = authority};
    char *err = NULL;
    GbChart *timeline = gb_chart_new("timeline", &ci, &err); /* NULL: no judgements */
    g_free(err);
    return timeline;
}

GbPackDoc *
gb_pack_compose(const GbPackInput *in, int authority)
{
    GbPack p;
    char date[32];
    gb__pack_init(&p, in, authority, date, sizeof date);
    GbPackDoc *doc = g_new0(GbPackDoc, 1);
    doc->in = in;
    doc->authority = authority;
    doc->title = g_strdup_printf("%s: children's services inspections", p.au->name);
    doc->tree = gb__compose(&p, gb__timeline(in, authority), doc->title);
    g_array_free(p.dates, TRUE);
    return doc;
}

GbTree *
gb_pack_tree(const GbPackInput *in, int authority)
{
    GbPack p;
    char date[32];
    gb__pack_init(&p, in, authority, date, sizeof date);
    char *title = g_strdup_printf("%s: children's services inspections", p.au->name);
    GbTree *tree = gb__compose(&p, gb__timeline(in, authority), title);
    g_free(title);
    g_array_free(p.dates, TRUE);
    return tree;
}

void
gb_pack_doc_free(GbPackDoc *doc)
{
    if (doc == NULL)
        return;
    gb_tree_free(doc->tree);
    g_free(doc->title);
    g_free(doc);
}

static const char gb__pack_subject[] = "Inspection judgements against England, region and "
                                       "statistical neighbours";

char *
gb_pack_doc_hash(const GbPackDoc *doc)
{
    /* What the pack shows (its tree) and how it is drawn and stamped (the
     * settings and the date): nothing else, so a row that changes no figure
     * of this pack leaves its hash, and its file, alone. */
    const GbConfig *c = doc->in->config;
    GbDigest h;
    gb_digest_init(&h);
    char *head = g_strdup_printf("gradebrief %s pack\n%s\n%s\n%s\n%s\n%s\n%s\n%g %g\n%s\n%s\n%s\n",
                                 GB_VERSION, c->palette, c->organisation, c->author, c->keywords,
                                 c->font, c->language, c->page_width, c->page_height,
                                 doc->in->date ? doc->in->date : "", gb__pack_subject,
                                 doc->in->data_line ? doc->in->data_line : "");
    gb_digest_update(&h, head, strlen(head));
    g_free(head);
    gb_config_branding_digest(c, &h);
    gb_tree_digest(doc->tree, &h);
    return gb_digest_hex(&h);
}

char *
gb_pack_hash(const GbPackInput *in, int authority)
{
    GbPackDoc *doc = gb_pack_compose(in, authority);
    char *hex = gb_pack_doc_hash(doc);
    gb_pack_doc_free(doc);
    return hex;
}

GbStatus
gb_pack_doc_render(const GbPackDoc *doc, GbFonts *f, GByteArray **pdf, GByteArray **html,
                   GByteArray **docx, int *pages, GbDiag *diag)
{
    const GbPackInput *in = doc->in;
    const GbConfig *c = in->config;
    GbTree *tree = doc->tree;
    GbStatus st = GB_OK;
    *pages = 0;
    if (pdf != NULL) {
        GbPageSetup setup = {.width = c->page_width,
                             .height = c->page_height,
                             .top = 62,
                             .bottom = 56,
                             .left = 56.7,
                             .right = 56.7,
                             .running_title = doc->title,
                             .footer_left = in->data_line ? in->data_line : c->organisation,
                             .branding = &c->branding};
        GbPdfMeta meta = {.title = doc->title,
                          .author = c->author,
                          .subject = gb__pack_subject,
                          .keywords = c->keywords,
                          .date = in->date,
                          .language = c->language};
        st = gb_pdf_render_tree(f, &setup, &meta, tree, pdf, pages, diag);
    }
    if (st == GB_OK && html != NULL) {
        GPtrArray *svgs = g_ptr_array_new_with_free_func((GDestroyNotify)g_byte_array_unref);
        for (guint i = 0; i < tree->charts->len && st == GB_OK; i++) {
            const GbChart *ch = g_ptr_array_index(tree->charts, i);
            /* At the text width, whatever its print placement: the page's CSS
             * scales a chart to its region, so one drawn narrow for a
             * two-column print page would show its text oversized. */
            GbChartFileOptions o = {.format = GB_FORMAT_SVG, .width = 481.9};
            GByteArray *svg = NULL;
            st = gb_chartfile_render(ch, f, &o, &svg, diag);
            if (st == GB_OK) {
                g_ptr_array_add(svgs, gb_html_svg_file(svg, gb_chart_title(ch), gb_chart_alt(ch)));
                g_byte_array_unref(svg);
            }
        }
        if (st == GB_OK)
            *html = gb_html_render_branded(tree, svgs, &c->branding);
        g_ptr_array_free(svgs, TRUE);
    }
    if (st == GB_OK && docx != NULL) {
        GbDocxOptions o = {
            .author = c->author,
            .subject = gb__pack_subject,
            .keywords = c->keywords,
            .date = in->date,
            .page_width = c->page_width,
            .page_height = c->page_height,
            .margin = 56.7,
            .marking = c->branding.marking,
            .footer = c->branding.footer ? c->branding.footer
                      : in->data_line    ? in->data_line
                                         : c->organisation,
            .has_accent = c->branding.has_accent,
            .accent = {c->branding.accent[0], c->branding.accent[1], c->branding.accent[2]},
            .logo = c->branding.logo_data,
            .logo_svg = c->branding.logo_svg,
            .logo_alt = c->branding.logo_alt};
        st = gb_docx_render(tree, f, &o, docx, diag);
    }
    if (st != GB_OK && pdf != NULL && *pdf != NULL)
        g_clear_pointer(pdf, g_byte_array_unref);
    if (st != GB_OK && html != NULL && *html != NULL)
        g_clear_pointer(html, g_byte_array_unref);
    return st;
}

GbStatus
gb_pack_render(const GbPackInput *in, GbFonts *f, int authority, GByteArray **pdf,
               GByteArray **html, GByteArray **docx, int *pages, GbDiag *diag)
{
    GbPackDoc *doc = gb_pack_compose(in, authority);
    GbStatus st = gb_pack_doc_render(doc, f, pdf, html, docx, pages, diag);
    gb_pack_doc_free(doc);
    return st;
}

GbStatus
gb_pack_pdf(const GbPackInput *in, GbFonts *f, int authority, GByteArray **pdf, int *pages,
            GbDiag *diag)
{
    return gb_pack_render(in, f, authority, pdf, NULL, NULL, pages, diag);
}
