/* pack.c - one authority's pack (see pack.h) as a document tree, rendered as
 * PDF and HTML. Every figure comes from the compute stage and
 * pipeline/summary.c; the pack only arranges and words them. */
#include "output/pack.h"

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
    return in->njudgements > 0;
}

void
gb_pack_input_clear(GbPackInput *in)
{
    g_clear_pointer(&in->judgements, g_free);
    g_clear_pointer(&in->latest, g_free);
    in->njudgements = 0;
}

typedef struct {
    const GbPackInput *in;
    int authority;
    const GbRef *ref;
    const GbAuthority *au;
    guint32 as_at;
    gboolean abolished;
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

static char *
gb__month(guint32 ymd)
{
    static const char *const m[] = {"January",   "February", "March",    "April",
                                    "May",       "June",     "July",     "August",
                                    "September", "October",  "November", "December"};
    return g_strdup_printf("%s %u", m[(ymd / 100 % 100 + 11) % 12], ymd / 10000);
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

/* The first page: latest judgements, the estimate of the next inspection, the
 * visits since, the position series beside the map, the timeline. */
static void
gb__summary(GbPack *p, GbTree *tree, GbChart *timeline, GbTreeTable *timeline_data)
{
    const GbRef *ref = p->ref;
    const GbPackInput *in = p->in;
    char *stitle = g_strdup_printf("Summary as at %s", p->date);
    GbTreeSection *s = gb_tree_section(tree, "summary", stitle);
    g_free(stitle);
    s->page_after = TRUE;
    GbPackLatest *l = g_new0(GbPackLatest, MAX(in->njudgements, 1));
    gb_packsummary_latest(in->table, p->authority, in->judgements, in->njudgements, p->as_at, l);
    static const char *const lh[] = {"Judgement", "Grade", "Date", "Inspection", NULL};
    static const double lw[] = {0.48, 0.21, 0.19, 0.12};
    char *cap = g_strdup_printf("Latest judgements as at %s", p->date);
    GbTreeTable *t = gb_tree_table_new("latest", cap, lh, lw, TRUE);
    for (int j = 0; j < in->njudgements; j++) {
        const GbJudgement *jd = gb_ref_judgement(ref, l[j].judgement);
        gb_tree_cell(t, jd->label, -1);
        if (l[j].grade < 0) {
            gb_tree_cell(t, "not judged", -1);
            gb_tree_cell(t, "", -1);
            gb_tree_cell(t, "", -1);
            continue;
        }
        /* A judgement not made under the regime: its family's, under the older one. */
        int regime = gb_ref_judgement(ref, l[j].judged)->regime;
        gb_tree_cell(t, gb_ref_grade(ref, regime, l[j].grade)->label, l[j].level);
        char d[32];
        gb_text_format_date_long(l[j].date, d, sizeof d);
        gb_tree_cell(t, d, -1);
        const char *rg = gb_ref_regime(ref, regime)->short_name;
        gb_tree_cell_take(
            t,
            l[j].as_authority >= 0
                ? g_strdup_printf("%s, as %s", rg, gb_ref_authority(ref, l[j].as_authority)->name)
                : g_strdup(rg),
            -1);
    }
    gb_tree_add_table(s, t);
    g_free(cap);
    /* The estimate and the visits, each with its base. */
    static const char *const fh[] = {"Question", "What the data shows", NULL};
    static const double fw[] = {0.3, 0.7};
    GbTreeTable *f = gb_tree_table_new("glance", "Next inspection and visits", fh, fw, TRUE);
    const GbPackLatest *head = &l[0];
    gb_tree_cell(f, "Next inspection (estimate)", -1);
    GbNextEstimate est = {0};
    const GbRegime *cur = gb_ref_regime(ref, in->regime);
    if (head->grade < 0 || head->as_authority >= 0 || head->judged != head->judgement) {
        gb_tree_cell_take(f,
                          g_strdup_printf("No estimate: %s has no %s inspection of its own in "
                                          "the data.",
                                          p->au->name, cur->short_name),
                          -1);
    } else if (in->next == NULL ||
               !gb_next_estimate(in->next, gb_ref_grade(ref, in->regime, head->grade)->id,
                                 head->date, p->as_at, &est)) {
        gb_tree_cell(f, "No estimate: the data has no inspection interval rule for this grade.",
                     -1);
    } else {
        char last[32];
        gb_text_format_date_long(head->date, last, sizeof last);
        const char *grade = gb_ref_grade(ref, in->regime, head->grade)->label;
        char *window;
        if (est.from == 0) {
            window = g_strdup(", no set window");
        } else {
            char *a = gb__month(est.from), *b = gb__month(est.to);
            window = g_strdup_printf(" between %s and %s%s", a, b,
                                     est.passed ? " (that window has passed with no later "
                                                  "inspection in the data)"
                                                : "");
            g_free(a);
            g_free(b);
        }
        char *kind = g_strdup(est.rule->next);
        kind[0] = g_ascii_toupper(kind[0]);
        gb_tree_cell_take(f,
                          g_strdup_printf("%s inspection%s. Rule after %s (%s, %s): %s. "
                                          "Source: %s.",
                                          kind, window, grade, cur->short_name, last,
                                          est.rule->rule, est.rule->source),
                          -1);
        g_free(kind);
        g_free(window);
    }
    gb_tree_cell(f, "Focused and monitoring visits", -1);
    {
        /* The visits' base: the span the data's visits cover (one sheet). */
        guint32 first, last;
        char *span = NULL;
        if (gb_packsummary_visit_span(in->table, &first, &last)) {
            char *a = gb__month(first), *b = gb__month(last);
            span = g_strdup_printf("visits in the data: %s to %s", a, b);
            g_free(a);
            g_free(b);
        }
        char since[32] = "";
        if (head->grade >= 0)
            gb_text_format_date_long(head->date, since, sizeof since);
        GArray *v = gb_packsummary_visits(in->table, p->authority,
                                          head->grade >= 0 ? head->date : 0, p->as_at);
        GString *list = g_string_new(NULL);
        if (v->len == 0)
            g_string_append_printf(list, "None%s%s", *since ? " since " : "", since);
        for (guint i = 0; i < v->len; i++) {
            const GbVisit *x =
                &g_array_index(in->table->visits, GbVisit, g_array_index(v, guint, i));
            char d[32];
            gb_text_format_date_long(x->date, d, sizeof d);
            g_string_append_printf(list, "%s%s %s%s%s%s", i ? "; " : "", d, x->type,
                                   x->theme ? " (" : "", x->theme ? x->theme : "",
                                   x->theme ? ")" : "");
        }
        if (v->len > 0)
            g_string_append_printf(list, ". Visits since %s; they carry no grade", since);
        if (span != NULL)
            g_string_append_printf(list, " (%s)", span);
        g_string_append_c(list, '.');
        gb_tree_cell_take(f, g_string_free(list, FALSE), -1);
        g_array_free(v, TRUE);
        g_free(span);
    }
    gb_tree_add_table(s, f);
    g_free(l);
    /* The position series, the map beside it (drawn smaller when the page
     * has less room; its tiles keep their codes), the timeline under the
     * series: the summary is one page. */
    const char *labels[GB_COMMON_LEVELS];
    gboolean labelled = FALSE;
    if (in->standings != NULL) {
        GArray *years = gb_packsummary_years(in->table, in->standings, p->authority);
        /* The map's key names the grades as England's position on the date does
         * ("Requires improvement" when every latest judgement is ILACS). */
        if (years->len > 0) {
            const GbPackYear *now = &g_array_index(years, GbPackYear, years->len - 1);
            for (int k = 0; k < GB_COMMON_LEVELS; k++)
                labels[k] = gb_summary_position_label(ref, &now->cmp[0], k, NULL);
            labelled = now->cmp[0].base > 0;
        }
        GbChartInput ci = {
            .table = in->table, .authority = p->authority, .years = years, .latest = in->latest[0]};
        char *err = NULL;
        GbChart *pos = gb_chart_new("position", &ci, &err);
        g_free(err);
        if (pos != NULL) {
            static const char *const ph[] = {"As at",  "Here",       "England",
                                             "Region", "Neighbours", NULL};
            GbTreeTable *data =
                gb_tree_table_new("position-data",
                                  "Latest overall effectiveness: the authority's grade and "
                                  "the comparators good or better, as at each date",
                                  ph, NULL, TRUE);
            for (guint i = 0; i < years->len; i++) {
                const GbPackYear *y = &g_array_index(years, GbPackYear, i);
                char d[32];
                gb_text_format_date_long(y->as_at, d, sizeof d);
                gb_tree_cell(data, d, -1);
                gb_tree_cell_take(data,
                                  y->own_as >= 0
                                      ? g_strdup_printf("%s (as %s)",
                                                        gb__level(p, y->own, "not judged"),
                                                        gb_ref_authority(ref, y->own_as)->name)
                                      : g_strdup(y->own == -2 ? "did not exist"
                                                              : gb__level(p, y->own, "not judged")),
                                  y->own);
                for (int k = 0; k < 3; k++)
                    gb_tree_cell_take(data, gb__good_or_better(y->cmp[k].count, y->cmp[k].base),
                                      -1);
            }
            GbTreeBlock *b = gb_tree_figure(tree, s, pos, gb_chart_title(pos), data);
            gb_tree_figure_place(b, 0.58, GB_TREE_BELOW, FALSE);
        }
        g_array_free(years, TRUE);
    }
    {
        GbChartInput ci = {.table = in->table,
                           .latest = in->latest[0],
                           .authority = p->authority,
                           .level_labels = labelled ? labels : NULL};
        char *err = NULL;
        GbChart *map = gb_chart_new("map", &ci, &err);
        g_free(err);
        if (map != NULL) {
            GbTreeBlock *b = gb_tree_figure(tree, s, map, "Every authority's latest grade", NULL);
            gb_tree_figure_place(b, 0.39, GB_TREE_BESIDE, TRUE);
        }
    }
    if (timeline != NULL) {
        GbTreeBlock *b =
            gb_tree_figure(tree, s, timeline, "Inspection history, every regime", timeline_data);
        gb_tree_figure_place(b, 0.58, GB_TREE_UNDER, FALSE);
    } else {
        gb_tree_table_free(timeline_data);
    }
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
    GArray *hist = gb_stats_history(p->in->table, p->authority);
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
        gb__summary(p, tree, timeline, gb__timeline_data(p));
        gb__history(p, tree);
        gb__stands(p, tree);
        gb__peers(p, tree);
        gb__changes(p, tree);
    }
    GbTreeSection *s = gb_tree_section(tree, "sources", "Sources");
    GPtrArray *sources = gb_summary_sources(p->in->table);
    /* Dates for people ("25 September 2025"), as the briefing writes them. */
    GPtrArray *people = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < sources->len; i++)
        g_ptr_array_add(people, gb_summary_source_for_people(g_ptr_array_index(sources, i)));
    g_ptr_array_free(sources, TRUE);
    g_ptr_array_add(people, NULL);
    char *list = g_strjoinv("; ", (char **)people->pdata);
    g_ptr_array_free(people, TRUE);
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
    GChecksum *h = g_checksum_new(G_CHECKSUM_SHA256);
    char *head = g_strdup_printf("gradebrief %s pack\n%s\n%s\n%s\n%s\n%s\n%s\n%g %g\n%s\n%s\n",
                                 GB_VERSION, c->palette, c->organisation, c->author, c->keywords,
                                 c->font, c->language, c->page_width, c->page_height,
                                 doc->in->date ? doc->in->date : "", gb__pack_subject);
    g_checksum_update(h, (const guchar *)head, (gssize)strlen(head));
    g_free(head);
    gb_config_branding_digest(c, h);
    gb_tree_digest(doc->tree, h);
    char *hex = g_strdup(g_checksum_get_string(h));
    g_checksum_free(h);
    return hex;
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
                             .footer_left = c->organisation,
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
            .footer = c->branding.footer ? c->branding.footer : c->organisation,
            .has_accent = c->branding.has_accent,
            .accent = {c->branding.accent[0], c->branding.accent[1], c->branding.accent[2]}};
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
