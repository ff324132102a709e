/* packfirst.c - the pack's first page (see pack-private.h): the latest
 * judgements, the next inspection and the visits since, and its three figures
 * (the position series, the map beside it, the timeline under them). The
 * figures come from pipeline/packsummary.c; this file only arranges and words
 * them. */
#include "output/pack-private.h"

#include "output/tree.h"
#include "pipeline/summary.h"
#include "pipeline/text.h"

#include <string.h>

static char *
gb__month(guint32 ymd)
{
    static const char *const m[] = {"January",   "February", "March",    "April",
                                    "May",       "June",     "July",     "August",
                                    "September", "October",  "November", "December"};
    return g_strdup_printf("%s %u", m[(ymd / 100 % 100 + 11) % 12], ymd / 10000);
}

/* The latest judgements table, added to s; returns the latest judgements
 * (g_free), one per judgement of the input. */
static GbPackLatest *
gb__first_latest(GbPack *p, GbTreeSection *s)
{
    const GbRef *ref = p->ref;
    const GbPackInput *in = p->in;
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
    return l;
}

/* The estimate of the next inspection from head (the headline judgement), as
 * one cell of f, with its rule and source. */
static void
gb__first_next(GbPack *p, GbTreeTable *f, const GbPackLatest *head)
{
    const GbRef *ref = p->ref;
    const GbPackInput *in = p->in;
    GbNextEstimate est = {0};
    const GbRegime *cur = gb_ref_regime(ref, in->regime);
    if (head->grade < 0 || head->as_authority >= 0 || head->judged != head->judgement) {
        gb_tree_cell_take(f,
                          g_strdup_printf("No estimate: %s has no %s inspection of its own in "
                                          "the data.",
                                          p->au->name, cur->short_name),
                          -1);
        return;
    }
    if (in->next == NULL ||
        !gb_next_estimate(in->next, gb_ref_grade(ref, in->regime, head->grade)->id, head->date,
                          p->as_at, &est)) {
        gb_tree_cell(f, "No estimate: the data has no inspection interval rule for this grade.",
                     -1);
        return;
    }
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
                                      kind, window, grade, cur->short_name, last, est.rule->rule,
                                      est.rule->source),
                      -1);
    g_free(kind);
    g_free(window);
}

/* The focused and monitoring visits since head's date, as one cell of f, with
 * their base: the span the data's visits cover (one sheet). */
static void
gb__first_visits(GbPack *p, GbTreeTable *f, const GbPackLatest *head)
{
    const GbPackInput *in = p->in;
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
    GArray *v =
        gb_packsummary_visits(in->table, p->authority, head->grade >= 0 ? head->date : 0, p->as_at);
    GString *list = g_string_new(NULL);
    if (v->len == 0)
        g_string_append_printf(list, "None%s%s", *since ? " since " : "", since);
    for (guint i = 0; i < v->len; i++) {
        const GbVisit *x = &g_array_index(in->table->visits, GbVisit, g_array_index(v, guint, i));
        char d[32];
        gb_text_format_date_long(x->date, d, sizeof d);
        g_string_append_printf(list, "%s%s %s%s%s%s", i ? "; " : "", d, x->type,
                               x->theme ? " (" : "", x->theme ? x->theme : "", x->theme ? ")" : "");
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

/* The position series figure with its data table, added to s; fills labels
 * with the grades' names as England's position on the date has them, and
 * *labelled when it did. */
static void
gb__first_position(GbPack *p, GbTree *tree, GbTreeSection *s, const char **labels,
                   gboolean *labelled)
{
    const GbRef *ref = p->ref;
    const GbPackInput *in = p->in;
    GArray *years = gb_packsummary_years(in->table, in->standings, p->authority);
    /* The map's key names the grades as England's position on the date does
     * ("Requires improvement" when every latest judgement is ILACS). */
    if (years->len > 0) {
        const GbPackYear *now = &g_array_index(years, GbPackYear, years->len - 1);
        for (int k = 0; k < GB_COMMON_LEVELS; k++)
            labels[k] = gb_summary_position_label(ref, &now->cmp[0], k, NULL);
        *labelled = now->cmp[0].base > 0;
    }
    GbChartInput ci = {
        .table = in->table, .authority = p->authority, .years = years, .latest = in->latest[0]};
    char *err = NULL;
    GbChart *pos = gb_chart_new("position", &ci, &err);
    g_free(err);
    if (pos != NULL) {
        static const char *const ph[] = {"As at", "Here", "England", "Region", "Neighbours", NULL};
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
            gb_tree_cell_take(
                data,
                y->own_as >= 0
                    ? g_strdup_printf("%s (as %s)", gb__pack_level(p, y->own, "not judged"),
                                      gb_ref_authority(ref, y->own_as)->name)
                    : g_strdup(y->own == -2 ? "did not exist"
                                            : gb__pack_level(p, y->own, "not judged")),
                y->own);
            for (int k = 0; k < 3; k++)
                gb_tree_cell_take(data, gb__pack_good_or_better(y->cmp[k].count, y->cmp[k].base),
                                  -1);
        }
        GbTreeBlock *b = gb_tree_figure(tree, s, pos, gb_chart_title(pos), data);
        gb_tree_figure_place(b, 0.58, GB_TREE_BELOW, FALSE);
    }
    g_array_free(years, TRUE);
}

void
gb__pack_summary(GbPack *p, GbTree *tree, GbChart *timeline, GbTreeTable *timeline_data)
{
    const GbPackInput *in = p->in;
    char *stitle = g_strdup_printf("Summary as at %s", p->date);
    GbTreeSection *s = gb_tree_section(tree, "summary", stitle);
    g_free(stitle);
    s->page_after = TRUE;
    GbPackLatest *l = gb__first_latest(p, s);
    /* The estimate and the visits, each with its base. */
    static const char *const fh[] = {"Question", "What the data shows", NULL};
    static const double fw[] = {0.3, 0.7};
    GbTreeTable *f = gb_tree_table_new("glance", "Next inspection and visits", fh, fw, TRUE);
    const GbPackLatest *head = &l[0];
    gb_tree_cell(f, "Next inspection (estimate)", -1);
    gb__first_next(p, f, head);
    gb_tree_cell(f, "Focused and monitoring visits", -1);
    gb__first_visits(p, f, head);
    gb_tree_add_table(s, f);
    g_free(l);
    /* The position series, the map beside it (drawn smaller when the page
     * has less room; its tiles keep their codes), the timeline under the
     * series: the summary is one page. */
    const char *labels[GB_COMMON_LEVELS];
    gboolean labelled = FALSE;
    if (in->standings != NULL)
        gb__first_position(p, tree, s, labels, &labelled);
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
