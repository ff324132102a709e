/* statstable.c - `stats` (-f table, the default): the positions, the
 * distributions of the inspections made in each year, the published figures,
 * changes, reconciliation and the latest judgements, aligned for people. */
#include "pipeline/statsfmt-private.h"

#include "pipeline/summary.h"
#include "pipeline/text.h"

#include <math.h>
#include <string.h>

static void
gb__pct(GString *s, const char *fmt, double p)
{
    if (isnan(p))
        g_string_append_printf(s, fmt, "-");
    else {
        char buf[16];
        g_snprintf(buf, sizeof buf, "%.1f%%", p);
        g_string_append_printf(s, fmt, buf);
    }
}

static void
gb__measure_text(GString *s, const GbMeasure *m)
{
    gb__pct(s, "%s", m->percent);
    if (m->count >= 0 && m->base >= 0)
        g_string_append_printf(s, " (%d of %d)", m->count, m->base);
    else if (m->base >= 0)
        g_string_append_printf(s, " (of %d)", m->base);
    g_string_append_printf(s, " %s", m->series == GB_SERIES_PUBLISHED ? "published" : "computed");
}

/* What a person reads: the reference data's names in full. */
static const char *
gb__regime_name(const GbRef *ref, int regime)
{
    return regime >= 0 ? gb_ref_regime(ref, regime)->name : "Every regime, on the common scale";
}

static const char *
gb__judgement_label(const GbRef *ref, int judgement)
{
    return judgement >= 0 ? gb_ref_judgement(ref, judgement)->label : "";
}

/* A measure's name: the grade's label in the regime's scale, "Good or
 * better", "Inspected", or the measure as the data names it. */
static const char *
gb__measure_name(const GbRef *ref, const GbMeasure *m)
{
    if (strcmp(m->measure, "good_or_better") == 0)
        return "Good or better";
    if (strcmp(m->measure, "inspected") == 0)
        return "Inspected";
    if (m->regime >= 0) {
        const GbRegime *r = gb_ref_regime(ref, m->regime);
        for (guint g = 0; g < r->grades->len; g++)
            if (strcmp(gb_ref_grade(ref, m->regime, (int)g)->id, m->measure) == 0)
                return gb_ref_grade(ref, m->regime, (int)g)->label;
    }
    return m->measure;
}

/* "2007 Annual performance assessment, Staying safe, Outstanding: ". */
static void
gb__measure_scope(GString *s, const GbRef *ref, const GbMeasure *m)
{
    g_string_append_printf(s, "  %d %s", m->year, gb__regime_name(ref, m->regime));
    if (m->judgement >= 0)
        g_string_append_printf(s, ", %s", gb__judgement_label(ref, m->judgement));
    g_string_append_printf(s, ", %s: ", gb__measure_name(ref, m));
}

/* The published positions against the positions computed on their dates. */
static void
gb__table_position_pairs(const GbRef *ref, const GbStats *st, GString *s)
{
    for (guint i = 0; i < st->position_pairs->len; i++) {
        const GbPositionPair *p = &g_array_index(st->position_pairs, GbPositionPair, i);
        const GbHeadline *h = p->headline;
        char when[32];
        gb_text_format_date_long(p->as_at, when, sizeof when);
        char *family =
            g_strdelimit(g_strdup(g_ptr_array_index(ref->families, p->family)), "_", ' ');
        const char *name =
            gb__measure_name(ref, &(GbMeasure){.regime = h->regime, .measure = h->grade});
        if (strcmp(h->grade, "less_than_good") == 0)
            name = "Less than good";
        g_string_append_printf(s,
                               "  As at %s, England, latest %s judgement, %s: %d of %d (%.1f%%) "
                               "computed vs ",
                               when, family, name, p->count, p->position.base, p->percent);
        g_free(family);
        const char *q = strcmp(h->qualifier, "more_than") == 0 ? "more than "
                        : strcmp(h->qualifier, "approx") == 0  ? "about "
                                                               : "";
        if (strcmp(h->unit, "percent") == 0)
            g_string_append_printf(s, "%s%.0f%%", q, h->value);
        else
            g_string_append_printf(s, "%s%.0f", q, h->value);
        if (h->base > 0)
            g_string_append_printf(s, " of %d", h->base);
        g_string_append_printf(s, " published: %s; both are positions\n",
                               p->agrees ? "they agree" : "they differ");
    }
}

/* The published figures of a period against the rows of the same group of
 * inspections over the same period. */
static void
gb__table_group_pairs(const GbRef *ref, const GbStats *st, GString *s)
{
    for (guint i = 0; i < st->group_pairs->len; i++) {
        const GbGroupPair *p = &g_array_index(st->group_pairs, GbGroupPair, i);
        if (!p->published)
            continue;
        char a[32], z[32];
        gb_text_format_date_long(p->from, a, sizeof a);
        gb_text_format_date_long(p->to, z, sizeof z);
        const GbRegime *rg = gb_ref_regime(ref, p->regime);
        for (int k = (int)rg->grades->len - 1; k >= 0; k--)
            g_string_append_printf(
                s, "  %s to %s, %s, %s: %u of %u (%.1f%%) computed vs %u of %u published%s\n", a, z,
                p->label, gb_ref_grade(ref, p->regime, k)->label, p->count[k], p->base,
                gb_summary_share(p->count[k], p->base), p->published_count[k], p->published_base,
                p->equal ? "" : "; the published figures are of another number of inspections");
    }
}

/* Like with like only: one calendar year's rows against the figures published
 * for that year's inspections with the same base, positions against
 * positions, a group's inspections against the same group's rows. Then the
 * published figures that are not compared, and why. */
static void
gb__table_reconciliation(const GbRef *ref, const GbStats *st, gboolean streaming, GString *s)
{
    g_string_append(s, "\nReconciliation of computed and published figures (like with like: "
                       "the same kind, period or date, and base)\n");
    for (guint i = 0; i < st->reconciliations->len; i++) {
        const GbReconciliation *r = &g_array_index(st->reconciliations, GbReconciliation, i);
        if (!r->like)
            continue;
        gb__measure_scope(s, ref, &r->computed);
        gb__measure_text(s, &r->computed);
        g_string_append(s, " vs ");
        gb__measure_text(s, &r->published);
        if (!isnan(r->difference))
            g_string_append_printf(s, ": %+.1f points", r->difference);
        g_string_append_printf(s, "; both of the inspections made in %d\n", r->computed.year);
    }
    gb__table_position_pairs(ref, st, s);
    gb__table_group_pairs(ref, st, s);
    g_string_append(s, "\nPublished figures not compared\n");
    for (guint i = 0; i < st->published->len; i++) {
        const GbMeasure *m = &g_array_index(st->published, GbMeasure, i);
        if (gb_summary_headline_paired(st, m->headline))
            continue;
        const GbReconciliation *r = NULL;
        for (guint k = 0; k < st->reconciliations->len && r == NULL; k++) {
            const GbReconciliation *c = &g_array_index(st->reconciliations, GbReconciliation, k);
            r = c->published.headline == m->headline ? c : NULL;
        }
        gb__measure_scope(s, ref, m);
        gb__measure_text(s, m);
        if (r != NULL && r->reason != NULL)
            g_string_append_printf(s, ": not compared with the %d rows of %d because %s\n",
                                   r->computed.base, r->computed.year, r->reason);
        else
            g_string_append(s, ": not computed from these rows\n");
    }
    if (streaming) {
        g_string_append(s, "  (With one date, stats keeps only the judgements in force on it: give "
                           "--as-at a list of dates, or --as-at-series, to compute the positions "
                           "of other dates and the figures of a period.)\n");
    }
}

static void
gb__table_positions(const GbRun *run, GString *s)
{
    const GbRef *ref = run->t->ref;
    char date[32], label[64];
    gb_text_format_date_long(run->at.date, date, sizeof date);
    g_string_append_printf(s, "As at %s (%s)\n", date, gb_position_as_at_source(run->at.source));
    if (run->t->after > 0) {
        char first[32], newest[32];
        gb_text_format_date_long(run->t->after_first, first, sizeof first);
        gb_text_format_date_long(run->t->after_newest, newest, sizeof newest);
        g_string_append_printf(s,
                               "Left out: %" G_GUINT64_FORMAT " judgement%s dated after "
                               "it (%s to %s)\n",
                               run->t->after, run->t->after == 1 ? "" : "s", first, newest);
    }
    g_string_append(s, "\nPositions as at a date (each authority's most recent judgement of the "
                       "family on or before it; shares of the authorities with one)\n");
    for (guint k = 0; k < run->families->len; k++) {
        int f = g_array_index(run->families, int, k);
        const GArray *series = g_ptr_array_index(run->positions, k);
        g_string_append_printf(s, "\n%s\n  %-17s %-26s %11s %16s",
                               gb__statsfmt_family_label(ref, f, label, sizeof label), "As at",
                               "Group", "Authorities", "With a judgement");
        /* The scale of the regimes shown, never cut short: a column is as
         * wide as its label. */
        const char *labels[GB_COMMON_LEVELS];
        int width[GB_COMMON_LEVELS];
        const GbPosition *last =
            series->len > 0 ? &g_array_index(series, GbPosition, series->len - 1) : NULL;
        gboolean one = TRUE;
        for (guint i = 0; i < series->len && last != NULL; i++) {
            gboolean mixed;
            gb_summary_position_label(ref, &g_array_index(series, GbPosition, i), 0, &mixed);
            one = one && !mixed;
        }
        for (int g = 0; g < GB_COMMON_LEVELS; g++) {
            labels[g] = last != NULL && one ? gb_summary_position_label(ref, last, g, NULL)
                                            : ref->common_labels[g];
            width[g] = MAX(16, (int)g_utf8_strlen(labels[g], -1));
            g_string_append_printf(s, " %*s", width[g], labels[g]);
        }
        g_string_append_printf(s, " %14s  %s\n", "Good or better", "Latest judgement under");
        for (guint i = 0; i < series->len; i++) {
            const GbPosition *p = &g_array_index(series, GbPosition, i);
            gb_text_format_date_long(p->as_at, date, sizeof date);
            const char *group = p->group == GB_GROUP_ENGLAND
                                    ? "England"
                                    : (const char *)g_ptr_array_index(ref->regions, p->region);
            g_string_append_printf(s, "  %-17s %-26s %11d %16d", date, group, p->authorities,
                                   p->base);
            for (int g = 0; g < GB_COMMON_LEVELS; g++) {
                char cell[32];
                g_snprintf(cell, sizeof cell, "%d (%.1f%%)", p->count[g], p->percent[g]);
                g_string_append_printf(s, " %*s", width[g], p->base ? cell : "-");
            }
            char cell[32];
            g_snprintf(cell, sizeof cell, "%d (%.1f%%)", p->good_or_better,
                       p->base ? 100.0 * p->good_or_better / p->base : 0.0);
            g_string_append_printf(s, " %14s ", p->base ? cell : "-");
            for (guint r = 0; r < ref->regimes->len && r < GB_POSITION_REGIMES; r++)
                if (p->by_regime[r] > 0)
                    g_string_append_printf(s, " %s %d", gb_ref_regime(ref, (int)r)->short_name,
                                           p->by_regime[r]);
            g_string_append_c(s, '\n');
        }
    }
    g_string_append_c(s, '\n');
}

void
gb__statsfmt_table(const GbRun *run, const GbStats *st, const GbLatest *latest, FILE *out)
{
    const GbTable *t = run->t;
    const GbRef *ref = t->ref;
    GString *s = g_string_new(NULL);
    gb__table_positions(run, s);
    g_string_append(s, "Inspections made in each year (flows: a different set of authorities "
                       "each year, not England's position; count and share)\n");
    int last_regime = -100, last_judgement = -100;
    int width[GB_MAX_GRADES] = {0};
    for (guint i = 0; i < st->distributions->len; i++) {
        const GbDistribution *d = &g_array_index(st->distributions, GbDistribution, i);
        GbNames n;
        gb__statsfmt_names(ref, d->year, d->regime, d->judgement, d->region, &n);
        if (d->regime != last_regime || d->judgement != last_judgement) {
            g_string_append_printf(s, "\n%s%s%s\n  %-6s %-26s %5s", gb__regime_name(ref, d->regime),
                                   d->judgement >= 0 ? ": " : "",
                                   gb__judgement_label(ref, d->judgement), "Year", "Region",
                                   "Base");
            /* Each grade's label in full: a column is as wide as its label. */
            for (int g = 0; g < d->ngrades && g < GB_MAX_GRADES; g++) {
                const char *label =
                    d->regime >= 0 ? gb_ref_grade(ref, d->regime, g)->label : ref->common_labels[g];
                width[g] = MAX(20, (int)g_utf8_strlen(label, -1));
                g_string_append_printf(s, " %*s", width[g], label);
            }
            g_string_append_printf(s, " %16s\n", d->graded ? "Good or better" : "");
            last_regime = d->regime;
            last_judgement = d->judgement;
        }
        g_string_append_printf(s, "  %-6s %-26s %5u", n.year, n.region, d->base);
        for (int g = 0; g < d->ngrades && g < GB_MAX_GRADES; g++) {
            char cell[32];
            g_snprintf(cell, sizeof cell, "%u (%.1f%%)", d->count[g], d->percent[g]);
            g_string_append_printf(s, " %*s", width[g], cell);
        }
        if (d->graded && d->base > 0) {
            char cell[32];
            g_snprintf(cell, sizeof cell, "%u (%.1f%%)", d->good_or_better,
                       100.0 * d->good_or_better / d->base);
            g_string_append_printf(s, " %16s", cell);
        }
        if (d->selection != NULL)
            g_string_append(s, "  [selection]");
        if (d->partial) {
            char from[32], to[32];
            gb_text_format_date_long(d->period_from, from, sizeof from);
            gb_text_format_date_long(d->period_to, to, sizeof to);
            g_string_append_printf(s, "  [partial year: %s to %s]", from, to);
        }
        g_string_append_c(s, '\n');
    }
    g_string_append(s, "\nPublished figures (headlines.csv)\n");
    for (guint i = 0; i < st->published->len; i++) {
        const GbMeasure *m = &g_array_index(st->published, GbMeasure, i);
        gb__measure_scope(s, ref, m);
        gb__measure_text(s, m);
        if (strcmp(m->qualifier, "exact") != 0)
            g_string_append_printf(s, " [%s]", m->qualifier);
        char *kind = gb_summary_headline_kind_text(ref, m->headline);
        g_string_append_printf(s, "; %s\n", kind);
        g_free(kind);
    }
    g_string_append(s, "\nChanges between the inspections made in consecutive years (flows, "
                       "not England's position; percentage points)\n");
    for (guint i = 0; i < st->changes->len; i++) {
        const GbChange *c = &g_array_index(st->changes, GbChange, i);
        gb__measure_scope(s, ref, &c->from);
        gb__measure_text(s, &c->from);
        g_string_append_printf(s, " -> %d ", c->to.year);
        gb__measure_text(s, &c->to);
        g_string_append_printf(s, ": %+.1f points\n", c->points);
    }
    gb__table_reconciliation(ref, st, run->t->streaming, s);
    /* For people: the judgement's name, the date written out, and the scale of
     * the regimes the judgements were made under. */
    char date[32];
    gb_text_format_date_long(latest->as_at, date, sizeof date);
    const char *labels[GB_COMMON_LEVELS];
    gb__statsfmt_latest_labels(run, latest, labels);
    g_string_append_printf(s, "\nLatest %s as at %s: %d authorities:",
                           gb__statsfmt_judgement_name(ref, latest->judgement), date,
                           latest->authorities);
    for (int g = 0; g < GB_COMMON_LEVELS; g++)
        g_string_append_printf(s, " %d %s%s", latest->count[g], labels[g],
                               g + 1 < GB_COMMON_LEVELS ? "," : "");
    g_string_append_printf(s, "; %d not inspected\n", latest->not_inspected);
    fwrite(s->str, 1, s->len, out);
    g_string_free(s, TRUE);
}
