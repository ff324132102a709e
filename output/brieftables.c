/* brieftables.c - the briefing's key findings and tables (see
 * briefing-private.h). Every number comes from the compute stage or
 * pipeline/summary.c; these functions choose words from signs and write the
 * figures out. Regime and grade names come from the reference data. */
#include "output/briefing-private.h"

#include "charts/kit.h"
#include "pipeline/text.h"

#include <math.h>
#include <string.h>

char *
gb__lower(const char *s)
{
    return g_utf8_strdown(s, -1);
}

char *
gb__join_and(GPtrArray *names)
{
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < names->len; i++) {
        if (i > 0)
            g_string_append(s, i + 1 == names->len ? " and " : ", ");
        g_string_append(s, g_ptr_array_index(names, i));
    }
    return g_string_free(s, FALSE);
}

/* The common level of a measure that names a grade, or -1. */
static int
gb__measure_level(const GbRef *ref, const GbMeasure *m)
{
    if (m->regime < 0)
        return -1;
    const GbRegime *r = gb_ref_regime(ref, m->regime);
    for (guint g = 0; g < r->grades->len; g++)
        if (strcmp(gb_ref_grade(ref, m->regime, (int)g)->id, m->measure) == 0)
            return gb_ref_grade(ref, m->regime, (int)g)->common;
    return -1;
}

/* "1,377": the one style for people's numbers. */
static char *
gb__num(double v)
{
    char buf[48];
    gb_format_number(v, 0, buf, sizeof buf);
    return g_strdup(buf);
}

/* "N of BASE (P%)", with thousands separators. */
static char *
gb__n_of(int count, int base)
{
    char n[32], d[32];
    gb_format_number(count, 0, n, sizeof n);
    gb_format_number(base, 0, d, sizeof d);
    return g_strdup_printf("%s of %s (%.1f%%)", n, d, gb_summary_share(count, base));
}

/* A signed change in points, with a true minus sign: "+1.1", "\u22127.0". */
static char *
gb__points(double p)
{
    char buf[32];
    gb_format_number(p, 1, buf, sizeof buf);
    return p > 0 && strcmp(buf, "0.0") != 0 ? g_strdup_printf("+%s", buf) : g_strdup(buf);
}

gboolean
gb__reconciliation_paired(const GbBriefing *b, const GbReconciliation *r)
{
    return gb_summary_group_paired(b->group_pairs, r);
}

char *
gb__grade_counts_text(const GbRef *ref, int regime, const guint *count)
{
    const GbRegime *rg = gb_ref_regime(ref, regime);
    GPtrArray *parts = g_ptr_array_new_with_free_func(g_free);
    for (int g = (int)rg->grades->len - 1; g >= 0; g--) {
        char *label = gb__lower(gb_ref_grade(ref, regime, g)->label);
        g_ptr_array_add(parts, g_strdup_printf("%u %s", count[g], label));
        g_free(label);
    }
    char *out = gb__join_and(parts);
    g_ptr_array_free(parts, TRUE);
    return out;
}

char *
gb__pair_period(const GbGroupPair *p)
{
    if (p->first_date == 0 || p->last_date == 0)
        return g_strdup_printf("%d\u2013%02d", p->from_year, p->to_year % 100);
    char a[32], z[32];
    gb_text_format_date_long(p->first_date, a, sizeof a);
    gb_text_format_date_long(p->last_date, z, sizeof z);
    return g_strdup_printf("%s to %s", a, z);
}

/* The finding of a published period figure and its rows: equal, or how they differ. */
static void
gb__finding_group_pairs(const GbBriefing *b, GPtrArray *f)
{
    const GbRef *ref = b->ref;
    for (guint i = 0; b->group_pairs != NULL && i < b->group_pairs->len; i++) {
        const GbGroupPair *p = &g_array_index(b->group_pairs, GbGroupPair, i);
        if (!p->published)
            continue;
        char *rows = gb__grade_counts_text(ref, p->regime, p->count);
        char *pub = gb__grade_counts_text(ref, p->regime, p->published_count);
        char *period = gb__pair_period(p);
        GString *s = g_string_new(NULL);
        g_string_append_printf(s,
                               "Counted from rows, the %s of %d\u2013%02d (%u inspections, "
                               "published %s) were %s of %u",
                               p->label, p->from_year, p->to_year % 100, p->base, period, rows,
                               p->base);
        char *src = p->published_source != NULL ? gb__source_for_people(p->published_source)
                                                : g_strdup("the press");
        if (p->equal)
            g_string_append_printf(s,
                                   ", equal to the published figures for the same %u "
                                   "inspections (%s, as published)",
                                   p->published_base, src);
        else
            g_string_append_printf(s, "; the published figures (%s) are %s of %u", src, pub,
                                   p->published_base);
        g_free(src);
        g_string_append(s, ": inspections made in a period, not a position.");
        g_ptr_array_add(f, g_string_free(s, FALSE));
        g_free(rows);
        g_free(pub);
        g_free(period);
    }
}

char *
gb__mover_scope(const GbBriefing *b)
{
    const GbRef *ref = b->ref;
    int j = gb_ref_headline_judgement(ref, b->current);
    char *judgement = gb__lower(j >= 0 ? gb_ref_judgement(ref, j)->label : "headline");
    GArray *regimes = gb_summary_mover_regimes(b->movers, b->family);
    GString *s = g_string_new(NULL);
    g_string_append_printf(s, "%s judgements", judgement);
    for (guint i = 0; i < regimes->len; i++)
        g_string_append_printf(s, "%s%s",
                               i == 0                  ? " ("
                               : i + 1 == regimes->len ? " or "
                                                       : ", ",
                               gb_ref_regime(ref, g_array_index(regimes, int, i))->short_name);
    if (regimes->len > 0)
        g_string_append_c(s, ')');
    g_array_free(regimes, TRUE);
    g_free(judgement);
    return g_string_free(s, FALSE);
}

char *
gb__source_for_people(const char *source)
{
    gsize n = strlen(source);
    if (n > 12 && source[n - 12] == ',' && source[n - 11] == ' ' && source[n - 6] == '-' &&
        source[n - 3] == '-') {
        guint32 ymd = (guint32)(g_ascii_strtoull(source + n - 10, NULL, 10) * 10000 +
                                g_ascii_strtoull(source + n - 5, NULL, 10) * 100 +
                                g_ascii_strtoull(source + n - 2, NULL, 10));
        char when[32];
        gb_text_format_date_long(ymd, when, sizeof when);
        return g_strdup_printf("%.*s, %s", (int)(n - 12), source, when);
    }
    return g_strdup(source);
}

char *
gb__data_text(const GbBriefing *b, gboolean cover)
{
    GArray *src = gb_summary_data_sources(b->in.table);
    GString *s = g_string_new(NULL);
    if (src->len == 0) {
        g_string_append(s, "Data: the rows read");
    } else if (cover) {
        /* Ofsted's official statistics first, then the press tables. */
        g_string_append(s, "Sources: ");
        guint official = 0;
        for (guint i = 0; i < src->len; i++) {
            const GbDataSource *d = &g_array_index(src, GbDataSource, i);
            if (!d->official)
                break;
            g_string_append_printf(s, "%s%s", official++ ? "; " : "", d->title);
        }
        if (official > 0)
            g_string_append(s, " (official statistics)");
        for (guint i = official; i < src->len; i++)
            g_string_append_printf(s, "%s%s",
                                   i == official ? (official > 0 ? "; tables from press articles: "
                                                                 : "tables from press articles: ")
                                                 : "; ",
                                   g_array_index(src, GbDataSource, i).title);
    } else {
        g_string_append_printf(s, "Data: %s", g_array_index(src, GbDataSource, 0).title);
        if (src->len > 1)
            g_string_append_printf(s, ", and %u other source%s", src->len - 1,
                                   src->len == 2 ? "" : "s");
    }
    g_array_free(src, TRUE);
    return g_string_free(s, FALSE);
}

/* 0. Today's position for England, and the change since a year earlier. */
static void
gb__finding_position(const GbBriefing *b, GPtrArray *f)
{
    const GbRef *ref = b->ref;
    const GbPosition *p = b->now;
    if (p == NULL || p->base == 0)
        return;
    int j = gb_ref_headline_judgement(ref, b->current);
    char *judgement = gb__lower(gb_ref_judgement(ref, j)->label);
    char *authorities = gb__num(p->authorities);
    GString *s = g_string_new(NULL);
    g_string_append_printf(s, "As at %s, of the %s authorities in England, ", b->as_at_text,
                           authorities);
    for (int k = 0; k < GB_COMMON_LEVELS; k++) {
        char *label = gb__lower(b->labels[k]);
        char *n = gb__n_of(p->count[k], p->base);
        g_string_append_printf(s, "%s%s %s%s",
                               k == 0                      ? ""
                               : k == GB_COMMON_LEVELS - 1 ? " and "
                                                           : ", ",
                               n, k == 0 ? "were judged " : "", label);
        if (k == 0)
            g_string_append_printf(s, " for %s", judgement);
        g_free(label);
        g_free(n);
    }
    if (p->not_judged > 0)
        g_string_append_printf(s, "; %d not yet judged", p->not_judged);
    g_string_append(s, " (a position: each authority's most recent judgement on that date");
    if (b->labels_mixed)
        g_string_append(s, ", under more than one regime, on the common four-level scale");
    g_string_append(s, ").");
    const GbPosition *y = b->year_before;
    if (y != NULL && y->base > 0) {
        char when[32];
        gb_text_format_date_long(y->as_at, when, sizeof when);
        double pts[GB_COMMON_LEVELS], gob;
        gb_summary_position_change(y, p, pts, &gob);
        char *gy = gb__n_of(y->good_or_better, y->base);
        char *iy = gb__n_of(y->count[GB_COMMON_LEVELS - 1], y->base);
        char *gp = gb__points(gob), *ip = gb__points(pts[GB_COMMON_LEVELS - 1]);
        char *worst = gb__lower(b->labels[GB_COMMON_LEVELS - 1]);
        g_string_append_printf(s,
                               " A year earlier, as at %s, %s were good or outstanding and %s "
                               "%s: changes of %s and %s percentage points.",
                               when, gy, iy, worst, gp, ip);
        g_free(gy);
        g_free(iy);
        g_free(gp);
        g_free(ip);
        g_free(worst);
    }
    g_ptr_array_add(f, g_string_free(s, FALSE));
    g_free(judgement);
    g_free(authorities);
    /* Ofsted's own published position for the same date. */
    int published[GB_COMMON_LEVELS], base;
    int year = (int)(p->as_at / 10000);
    if (gb_summary_published_latest(ref, year, published, &base))
        g_ptr_array_add(
            f, g_strdup_printf("This position, computed from the inspection history, %s Ofsted's "
                               "own published position for %d (%d, %d, %d and %d of %d "
                               "authorities, as published).",
                               gb_summary_latest_matches(b->in.latest, published, base)
                                   ? "matches"
                                   : "differs from",
                               year, published[0], published[1], published[2], published[3], base));
}

static const char *
gb__fell_rose(double points)
{
    return points < 0 ? "fell" : points > 0 ? "rose" : "was unchanged";
}

/* 1. Changes the sources published for consecutive years. */
static void
gb__finding_published_changes(const GbBriefing *b, GPtrArray *f)
{
    const GbRef *ref = b->ref;
    for (guint i = 0; i < b->in.stats->changes->len; i++) {
        const GbChange *c = &g_array_index(b->in.stats->changes, GbChange, i);
        if (c->from.series != GB_SERIES_PUBLISHED || gb__measure_level(ref, &c->from) != 0)
            continue;
        const GbChange *gob = gb_summary_change_partner(b->in.stats, c, "good_or_better");
        char *judgement = gb__lower(gb_ref_judgement(ref, c->from.judgement)->label);
        char *grade = gb__lower(gb_summary_level_label(ref, c->from.regime, 0));
        GString *s = g_string_new(NULL);
        g_string_append_printf(s,
                               "The share of councils judged %s for %s %s from %.0f%% in %d "
                               "to %.0f%% in %d",
                               grade, judgement, gb__fell_rose(c->points), c->from.percent,
                               c->from.year, c->to.percent, c->to.year);
        if (gob != NULL)
            g_string_append_printf(s,
                                   ", and the share judged good or better %s from %.0f%% "
                                   "to %.0f%%",
                                   gob->points < 0 ? "fell" : "rose", gob->from.percent,
                                   gob->to.percent);
        g_string_append_printf(s, " (%s, as published).", gb_ref_regime(ref, c->from.regime)->name);
        g_ptr_array_add(f, g_string_free(s, FALSE));
        g_free(judgement);
        g_free(grade);
    }
}

static const char *
gb__pair_measure(const GbHeadline *h)
{
    if (strcmp(h->grade, "good_or_better") == 0)
        return "Good or better";
    if (strcmp(h->grade, "less_than_good") == 0)
        return "Less than good";
    if (strcmp(h->grade, "inadequate") == 0)
        return "Inadequate";
    if (strcmp(h->grade, "outstanding") == 0)
        return "Outstanding";
    return h->grade;
}

static char *
gb__pair_published(const GbHeadline *h)
{
    const char *q = strcmp(h->qualifier, "more_than") == 0 ? "more than "
                    : strcmp(h->qualifier, "approx") == 0  ? "about "
                                                           : "";
    char *base = h->base > 0 ? g_strdup_printf(" of %d", h->base) : g_strdup("");
    char *out = strcmp(h->unit, "percent") == 0 ? g_strdup_printf("%s%.0f%%%s", q, h->value, base)
                                                : g_strdup_printf("%s%.0f%s", q, h->value, base);
    g_free(base);
    return out;
}

/* 1b. Published positions of earlier dates, and whether the rows agree. */
static void
gb__finding_position_pairs(const GbBriefing *b, GPtrArray *f)
{
    for (guint i = 0; b->position_pairs != NULL && i < b->position_pairs->len; i++) {
        const GbPositionPair *p = &g_array_index(b->position_pairs, GbPositionPair, i);
        if (i > 0 && g_array_index(b->position_pairs, GbPositionPair, i - 1).as_at == p->as_at)
            continue;
        const GbPosition *q = &p->position;
        gboolean all = TRUE;
        GString *pub = g_string_new(NULL);
        for (guint k = i; k < b->position_pairs->len; k++) {
            const GbPositionPair *o = &g_array_index(b->position_pairs, GbPositionPair, k);
            if (o->as_at != p->as_at)
                break;
            all = all && o->agrees;
            char *v = gb__pair_published(o->headline);
            char *m = gb__lower(gb__pair_measure(o->headline));
            g_string_append_printf(pub, "%s%s %s", pub->len ? "; " : "", v, m);
            g_free(v);
            g_free(m);
        }
        char when[32];
        gb_text_format_date_long(p->as_at, when, sizeof when);
        char *inad = gb__n_of(q->count[GB_COMMON_LEVELS - 1], q->base);
        char *gob = gb__n_of(q->good_or_better, q->base);
        g_ptr_array_add(
            f, g_strdup_printf("As at %s, %s authorities were inadequate and %s good "
                               "or outstanding for %s (each one's most recent "
                               "judgement: a position), %s Ofsted's published "
                               "position (%s, as published).",
                               when, inad, gob,
                               (const char *)g_ptr_array_index(b->ref->families, p->family),
                               all ? "as in" : "against", pub->str));
        g_free(inad);
        g_free(gob);
        g_string_free(pub, TRUE);
    }
}

/* 2. Who was inadequate in years whose rows are complete and for which the
 * inspectorate published how many it inspected. */
static void
gb__finding_inadequate_named(const GbBriefing *b, GPtrArray *f)
{
    const GbRef *ref = b->ref;
    for (guint r = 0; r < ref->regimes->len; r++) {
        int j = gb_ref_headline_judgement(ref, (int)r);
        const GbRegime *rg = gb_ref_regime(ref, (int)r);
        if (j < 0 || !rg->graded)
            continue;
        int last = rg->last_year ? rg->last_year : b->in.table->max_year;
        for (int y = rg->first_year; y <= last; y++) {
            const GbDistribution *d = gb_summary_distribution(b->in.stats, (int)r, j, y);
            const GbMeasure *insp = gb_summary_published(b->in.stats, y, (int)r, "inspected", -1);
            if (d == NULL || d->selection != NULL || insp == NULL)
                continue;
            GPtrArray *names = gb_summary_names_at_level(b->in.table, j, y, GB_COMMON_LEVELS - 1);
            char *list = gb__join_and(names);
            char *judgement = gb__lower(gb_ref_judgement(ref, j)->label);
            char *grade = gb__lower(gb_summary_level_label(ref, (int)r, GB_COMMON_LEVELS - 1));
            GString *s = g_string_new(NULL);
            char *n = gb__n_of((int)d->inadequate, (int)d->base);
            g_string_append_printf(s,
                                   "In the %s table of %d, which lists all %u councils, %s "
                                   "were judged %s for %s",
                                   rg->short_name, y, d->base, n, grade, judgement);
            if (names->len > 0)
                g_string_append_printf(s, ": %s", list);
            g_string_append_printf(s,
                                   ". Ofsted's published shares for %d are of the %d of %d "
                                   "councils it inspected that year.",
                                   y, insp->count, insp->base);
            g_free(n);
            g_ptr_array_add(f, g_string_free(s, FALSE));
            g_free(list);
            g_free(judgement);
            g_free(grade);
            g_ptr_array_free(names, TRUE);
        }
    }
}

/* 4. Inspections without a graded scale: how many got the worst outcome. */
static void
gb__finding_ungraded(const GbBriefing *b, GPtrArray *f)
{
    const GbRef *ref = b->ref;
    int ua = b->ungraded;
    if (ua < 0)
        return;
    const GbRegime *rg = gb_ref_regime(ref, ua);
    int j = gb_ref_headline_judgement(ref, ua), worst = (int)rg->grades->len - 1;
    char *kind = gb__lower(rg->short_name);
    char *outcome = gb__lower(gb_ref_grade(ref, ua, worst)->label);
    for (int y = rg->first_year; y <= b->in.table->max_year; y++) {
        const GbDistribution *d = gb_summary_distribution(b->in.stats, ua, j, y);
        if (d == NULL || worst < 0)
            continue;
        char *n = gb__n_of((int)d->count[worst], (int)d->base);
        if (d->selection != NULL)
            g_ptr_array_add(f, g_strdup_printf("Of the %u %s inspections of %d recorded here (a "
                                               "selection, not the year: %s), %s had %s.",
                                               d->base, kind, y, d->selection, n, outcome));
        else
            g_ptr_array_add(f, g_strdup_printf("Of the %s inspections made in %d (%u "
                                               "inspections), %s had %s.",
                                               kind, y, d->base, n, outcome));
        g_free(n);
    }
    g_free(kind);
    g_free(outcome);
}

/* 5. Published distributions with no complete rows behind them. */
static void
gb__finding_published_only(const GbBriefing *b, GPtrArray *f)
{
    const GbRef *ref = b->ref;
    for (guint r = 0; r < ref->regimes->len; r++) {
        const GbRegime *rg = gb_ref_regime(ref, (int)r);
        int j = gb_ref_headline_judgement(ref, (int)r);
        if (!rg->graded || j < 0)
            continue;
        int last = rg->last_year ? rg->last_year : b->in.table->max_year;
        for (int y = rg->first_year; y <= last; y++) {
            const GbDistribution *d = gb_summary_distribution(b->in.stats, (int)r, j, y);
            guint count[GB_MAX_GRADES], base;
            if ((d != NULL && d->selection == NULL) ||
                !gb_summary_published_counts(ref, b->in.stats, y, (int)r, j, -1, count, &base))
                continue;
            GPtrArray *parts = g_ptr_array_new_with_free_func(g_free);
            for (int g = (int)rg->grades->len - 1; g >= 0; g--) {
                char *label = gb__lower(gb_ref_grade(ref, (int)r, g)->label);
                char num[16] = "none";
                if (count[g] > 0)
                    g_snprintf(num, sizeof num, "%u", count[g]);
                g_ptr_array_add(
                    parts,
                    g_strdup_printf(parts->len == 0 ? "%s were judged %s" : "%s %s", num, label));
                g_free(label);
            }
            char *list = gb__join_and(parts);
            char *name = gb__lower(rg->name);
            g_ptr_array_add(f, g_strdup_printf("Of the %u councils in the figures Ofsted "
                                               "published for %d under the %s, %s (as "
                                               "published).",
                                               base, y, name, list));
            g_free(name);
            g_free(list);
            g_ptr_array_free(parts, TRUE);
        }
    }
}

GPtrArray *
gb__briefing_findings(const GbBriefing *b)
{
    const GbRef *ref = b->ref;
    GPtrArray *f = g_ptr_array_new_with_free_func(g_free);
    /* Today's position first, then history. */
    gb__finding_position(b, f);
    gb__finding_published_changes(b, f);
    gb__finding_position_pairs(b, f);
    gb__finding_inadequate_named(b, f);
    /* 3. The reconciliation that the press figures need. */
    for (guint i = 0; i < b->in.stats->reconciliations->len; i++) {
        const GbReconciliation *r =
            &g_array_index(b->in.stats->reconciliations, GbReconciliation, i);
        if (gb__measure_level(ref, &r->computed) != 0 || r->reason == NULL || r->selection ||
            r->published.base < 0 || gb__reconciliation_paired(b, r))
            continue;
        char *grade = gb__lower(gb_summary_level_label(ref, r->computed.regime, 0));
        char *n = gb__n_of(r->computed.count, r->computed.base);
        g_ptr_array_add(
            f, g_strdup_printf("Counting the %d councils in the %d table gives %s judged %s; "
                               "Ofsted's published %.0f%% is of the %d it inspected and rounded "
                               "to a whole percent, so the two measure different things and are "
                               "not subtracted.",
                               r->computed.base, r->computed.year, n, grade, r->published.percent,
                               r->published.base));
        g_free(n);
        g_free(grade);
    }
    gb__finding_group_pairs(b, f);
    gb__finding_ungraded(b, f);
    gb__finding_published_only(b, f);
    /* 7. The current regime: its first and last full years (part years with
     * few inspections say little). */
    if (b->current >= 0) {
        int j = gb_ref_headline_judgement(ref, b->current);
        const GbDistribution *first, *last;
        gb_summary_full_years(b->in.stats, b->current, j,
                              gb_ref_regime(ref, b->current)->first_year, b->in.table->max_year, 20,
                              &first, &last);
        char *judgement = gb__lower(gb_ref_judgement(ref, j)->label);
        if (first != NULL && last != NULL && first != last) {
            char *lf = gb_stats_flow_label(last), *ff = gb_stats_flow_label(first);
            char *ln = gb__n_of((int)last->good_or_better, (int)last->base);
            char *fn = gb__n_of((int)first->good_or_better, (int)first->base);
            g_ptr_array_add(
                f, g_strdup_printf("Of the %s %s, %s found %s good or outstanding; of the %s, "
                                   "%s. Each year's inspections are a different set of "
                                   "authorities, so these are not England's position.",
                                   gb_ref_regime(ref, b->current)->short_name, lf, ln, judgement,
                                   ff, fn));
            g_free(lf);
            g_free(ff);
            g_free(ln);
            g_free(fn);
        }
        g_free(judgement);
    }
    /* 8. Movers, like with like. */
    if (b->movers != NULL && b->moved.moves > 0) {
        const GbMoverTotals *m = &b->moved;
        GString *s = g_string_new(NULL);
        g_string_append_printf(s,
                               "Between consecutive %s of the same authority, each authority "
                               "once, %d of %d moves were up (%d by two or more grades), %d "
                               "down (%d by two or more) and %d the same",
                               b->mover_scope, m->up, m->moves, m->up_big, m->down, m->down_big,
                               m->same);
        if (m->from_predecessor > 0)
            g_string_append_printf(s, "; %d of them from a predecessor authority's judgement",
                                   m->from_predecessor);
        g_string_append(s, ". Moves across judgement families are not counted.");
        g_ptr_array_add(f, g_string_free(s, FALSE));
    }
    return f;
}

/* ---- tables ---------------------------------------------------------------- */

/* "17 of 50 (34.0%)". */
static char *
gb__count_of_pct(guint count, guint base)
{
    return g_strdup_printf("%u of %u (%.1f%%)", count, base, gb_summary_share(count, base));
}

static char *
gb__count_pct(guint count, guint base)
{
    return g_strdup_printf("%u (%.1f%%)", count, gb_summary_share(count, base));
}

/* ---- tidy tables for tables/ *.csv: numbers as numbers, ISO dates ---- */

static GbTreeTable *
gb__tidy(const char *id, const char *const *headers)
{
    return gb_tree_table_new(id, id, headers, NULL, FALSE);
}

static void
gb__t_int(GbTreeTable *t, long v)
{
    gb_tree_cell_take(t, g_strdup_printf("%ld", v), -1);
}

/* A number with `decimals` places, C locale; empty for NaN or a negative count. */
static void
gb__t_num(GbTreeTable *t, double v, int decimals)
{
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    if (isnan(v)) {
        gb_tree_cell(t, "", -1);
        return;
    }
    char fmt[8];
    g_snprintf(fmt, sizeof fmt, "%%.%df", decimals);
    gb_tree_cell(t, g_ascii_formatd(buf, sizeof buf, fmt, v), -1);
}

static void
gb__t_date(GbTreeTable *t, guint32 ymd)
{
    char buf[11] = "";
    if (ymd)
        gb_text_format_date(ymd, buf);
    gb_tree_cell(t, buf, -1);
}

/* An authority's name, DfE and ONS codes: three cells. */
static void
gb__t_authority(GbTreeTable *t, const GbRef *ref, int a)
{
    const GbAuthority *au = gb_ref_authority(ref, a);
    gb_tree_cell(t, au->name, -1);
    gb_tree_cell(t, au->code, -1);
    gb_tree_cell(t, au->ons != NULL && au->ons->len > 0 ? g_ptr_array_index(au->ons, 0) : "", -1);
}

GbTreeTable *
gb__table_distributions(const GbBriefing *b)
{
    const GbRef *ref = b->ref;
    /* The third level's name: the regimes' own where one name serves all. */
    const char *h[] = {
        "Regime",     "What is counted", "Outstanding", "Good", ref->common_labels[2],
        "Inadequate", "Good or better",  NULL};
    static const double w[] = {0.09, 0.25, 0.13, 0.11, 0.15, 0.13, 0.14};
    GbTreeTable *g = gb_tree_table_new("distributions",
                                       "Headline judgements of the inspections made in each "
                                       "year (a flow, not a position): count of base (share)",
                                       h, w, TRUE);
    static const char *const th[] = {"regime",    "year",    "kind",    "period_from",
                                     "period_to", "partial", "series",  "grade",
                                     "count",     "base",    "percent", NULL};
    GbTreeTable *tidy = gb__tidy("distributions", th);
    for (guint i = 0; i < b->in.stats->distributions->len; i++) {
        const GbDistribution *d = &g_array_index(b->in.stats->distributions, GbDistribution, i);
        if (!d->graded || d->judgement != gb_ref_headline_judgement(ref, d->regime) ||
            d->base == 0 || d->selection != NULL)
            continue;
        gb_tree_cell(g, gb_ref_regime(ref, d->regime)->short_name, -1);
        char *label = gb_stats_flow_label(d);
        label[0] = g_ascii_toupper(label[0]);
        gb_tree_cell_take(g, label, -1);
        guint common[GB_COMMON_LEVELS];
        gb_summary_common_counts(ref, d, common);
        for (int c = 0; c < GB_COMMON_LEVELS; c++)
            gb_tree_cell_take(g, gb__count_pct(common[c], d->base), -1);
        gb_tree_cell_take(g, gb__count_pct(d->good_or_better, d->base), -1);
        for (int c = 0; c <= GB_COMMON_LEVELS; c++) {
            gb_tree_cell(tidy, gb_ref_regime(ref, d->regime)->short_name, -1);
            gb__t_int(tidy, d->year);
            gb_tree_cell(tidy, "inspections", -1);
            gb__t_date(tidy, d->period_from);
            gb__t_date(tidy, d->period_to);
            gb_tree_cell(tidy, d->partial ? "true" : "false", -1);
            gb_tree_cell(tidy, "computed", -1);
            guint n = c < GB_COMMON_LEVELS ? common[c] : d->good_or_better;
            gb_tree_cell(tidy, c < GB_COMMON_LEVELS ? ref->common_labels[c] : "Good or better", -1);
            gb__t_int(tidy, n);
            gb__t_int(tidy, d->base);
            gb__t_num(tidy, gb_summary_share(n, d->base), 1);
        }
    }
    /* Published distributions: complete counts on one base. */
    for (guint i = 0; i < b->in.stats->published->len; i++) {
        const GbMeasure *m = &g_array_index(b->in.stats->published, GbMeasure, i);
        if (m->count < 0 || m->base <= 0 || gb__measure_level(ref, m) != 0 ||
            !gb_ref_regime(ref, m->regime)->graded)
            continue;
        guint count[GB_MAX_GRADES], base;
        if (!gb_summary_published_counts(ref, b->in.stats, m->year, m->regime, m->judgement,
                                         m->base, count, &base))
            continue;
        GbDistribution d = {.regime = m->regime,
                            .ngrades = (int)gb_ref_regime(ref, m->regime)->grades->len};
        memcpy(d.count, count, sizeof count);
        guint common[GB_COMMON_LEVELS];
        gb_summary_common_counts(ref, &d, common);
        gb_tree_cell(g, gb_ref_regime(ref, m->regime)->short_name, -1);
        const GbGroupPair *pair = gb_summary_group_pair_for(b->group_pairs, m->year, m->regime);
        if (pair != NULL && pair->published_base == base) {
            char *period = gb__pair_period(pair);
            char *label = g_strdup_printf("%s of %d\u2013%02d", pair->label, pair->from_year,
                                          pair->to_year % 100);
            label[0] = g_ascii_toupper(label[0]);
            gb_tree_cell_take(g, g_strdup_printf("%s, as published (%u inspections)", label, base),
                              -1);
            for (int c = 0; c < GB_COMMON_LEVELS; c++)
                gb_tree_cell_take(g, gb__count_pct(common[c], base), -1);
            gb_tree_cell_take(g, gb__count_pct(common[0] + common[1], base), -1);
            /* ... and the same inspections counted from rows, beside it. */
            GbDistribution rows = {.regime = m->regime,
                                   .ngrades = (int)gb_ref_regime(ref, m->regime)->grades->len};
            memcpy(rows.count, pair->count, sizeof rows.count);
            guint rc[GB_COMMON_LEVELS];
            gb_summary_common_counts(ref, &rows, rc);
            gb_tree_cell(g, gb_ref_regime(ref, m->regime)->short_name, -1);
            gb_tree_cell_take(g,
                              g_strdup_printf("%s, from rows (%u inspections, published %s)", label,
                                              pair->base, period),
                              -1);
            for (int c = 0; c < GB_COMMON_LEVELS; c++)
                gb_tree_cell_take(g, gb__count_pct(rc[c], pair->base), -1);
            gb_tree_cell_take(g, gb__count_pct(rc[0] + rc[1], pair->base), -1);
            g_free(label);
            g_free(period);
        } else {
            gb_tree_cell_take(g,
                              g_strdup_printf("Inspections made in %d, as published (%u "
                                              "inspections)",
                                              m->year, base),
                              -1);
            for (int c = 0; c < GB_COMMON_LEVELS; c++)
                gb_tree_cell_take(g, gb__count_pct(common[c], base), -1);
            gb_tree_cell_take(g, gb__count_pct(common[0] + common[1], base), -1);
        }
        for (int c = 0; c <= GB_COMMON_LEVELS; c++) {
            gb_tree_cell(tidy, gb_ref_regime(ref, m->regime)->short_name, -1);
            gb__t_int(tidy, m->year);
            gb_tree_cell(tidy, "inspections", -1);
            gb_tree_cell(tidy, "", -1);
            gb_tree_cell(tidy, "", -1);
            gb_tree_cell(tidy, "", -1);
            gb_tree_cell(tidy, "published", -1);
            guint n = c < GB_COMMON_LEVELS ? common[c] : common[0] + common[1];
            gb_tree_cell(tidy, c < GB_COMMON_LEVELS ? ref->common_labels[c] : "Good or better", -1);
            gb__t_int(tidy, n);
            gb__t_int(tidy, base);
            gb__t_num(tidy, gb_summary_share(n, base), 1);
        }
    }
    gb_tree_table_set_tidy(g, tidy);
    return g;
}

static char *
gb__measure_text(const GbMeasure *m)
{
    if (isnan(m->percent))
        return g_strdup_printf("%d", m->count);
    const char *q = g_strcmp0(m->qualifier, "more_than") == 0 ? "more than "
                    : g_strcmp0(m->qualifier, "approx") == 0  ? "about "
                                                              : "";
    if (m->count >= 0 && m->base > 0)
        return g_strdup_printf("%s%d of %d (%.1f%%)", q, m->count, m->base, m->percent);
    if (m->base > 0)
        return g_strdup_printf("%s%.*f%% of %d", q, m->series == GB_SERIES_PUBLISHED ? 0 : 1,
                               m->percent, m->base);
    return g_strdup_printf("%s%.0f%%", q, m->percent);
}

static const char *
gb__measure_name(const GbRef *ref, const GbMeasure *m)
{
    if (strcmp(m->measure, "good_or_better") == 0)
        return "Good or better";
    if (strcmp(m->measure, "inspected") == 0)
        return "Inspected";
    const GbRegime *r = gb_ref_regime(ref, m->regime);
    for (guint g = 0; g < r->grades->len; g++)
        if (strcmp(g_array_index(r->grades, GbGrade, g).id, m->measure) == 0)
            return g_array_index(r->grades, GbGrade, g).label;
    return m->measure;
}

/* England's position now against a year earlier and the baseline (the
 * current regime's first full year): N of BASE (P%) at every grade, and the
 * changes in percentage points. */
GbTreeTable *
gb__table_changes(const GbBriefing *b)
{
    const GbRef *ref = b->ref;
    const GbPosition *now, *before, *base;
    gb_summary_change_positions(ref, b->positions, b->family, b->as_at, &now, &before, &base);
    const GbPosition *cols[3] = {base, before, now};
    GPtrArray *h = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(h, g_strdup("Measure"));
    for (int c = 0; c < 3; c++)
        if (cols[c] != NULL) {
            char when[32];
            gb_text_format_date_long(cols[c]->as_at, when, sizeof when);
            g_ptr_array_add(h, g_strdup_printf("As at %s", when));
        }
    if (now != NULL && before != NULL)
        g_ptr_array_add(h, g_strdup("Change since a year earlier"));
    if (now != NULL && base != NULL)
        g_ptr_array_add(h, g_strdup_printf("Change since %u", base->as_at / 10000));
    int ncols = (int)h->len;
    g_ptr_array_add(h, NULL);
    double *w = g_new(double, ncols);
    int nval = (before != NULL) + (base != NULL) + (now != NULL);
    w[0] = 0.20;
    for (int c = 1; c < ncols; c++)
        w[c] = c <= nval ? 0.56 / MAX(nval, 1) : 0.24 / MAX(ncols - 1 - nval, 1);
    int j = gb_ref_headline_judgement(ref, b->current);
    char *judgement = gb__lower(j >= 0 ? gb_ref_judgement(ref, j)->label : "headline");
    char *caption = g_strdup_printf("England's position at each date: each authority's most "
                                    "recent %s judgement, count of the authorities with one "
                                    "(share), and the changes in percentage points",
                                    judgement);
    GbTreeTable *g = gb_tree_table_new("changes", caption, (const char *const *)h->pdata, w, TRUE);
    g_free(caption);
    g_free(w);
    g_ptr_array_free(h, TRUE);
    static const char *const th[] = {"family",    "measure",      "from_as_at",    "from_count",
                                     "from_base", "from_percent", "to_as_at",      "to_count",
                                     "to_base",   "to_percent",   "change_points", NULL};
    GbTreeTable *tidy = gb__tidy("changes", th);
    for (int lv = 0; now != NULL && lv <= GB_COMMON_LEVELS; lv++) {
        /* The four levels, then good or better. */
        const char *name = lv < GB_COMMON_LEVELS ? b->labels[lv] : "Good or better";
        gb_tree_cell(g, name, lv < GB_COMMON_LEVELS ? lv : -1);
        for (int c = 0; c < 3; c++) {
            const GbPosition *p = cols[c];
            if (p == NULL)
                continue;
            int n = lv < GB_COMMON_LEVELS ? p->count[lv] : p->good_or_better;
            gb_tree_cell_take(g, gb__n_of(n, p->base), -1);
        }
        const GbPosition *from[2] = {before, base};
        for (int c = 0; c < 2; c++) {
            const GbPosition *p = from[c];
            if (p == NULL)
                continue;
            int n0 = lv < GB_COMMON_LEVELS ? p->count[lv] : p->good_or_better;
            int n1 = lv < GB_COMMON_LEVELS ? now->count[lv] : now->good_or_better;
            double pts = gb_summary_share(n1, now->base) - gb_summary_share(n0, p->base);
            char *v = gb__points(pts);
            gb_tree_cell_take(g, g_strdup_printf("%s points", v), -1);
            g_free(v);
            gb_tree_cell(tidy, j >= 0 ? gb_ref_judgement(ref, j)->label : "", -1);
            gb_tree_cell(tidy, name, -1);
            gb__t_date(tidy, p->as_at);
            gb__t_int(tidy, n0);
            gb__t_int(tidy, p->base);
            gb__t_num(tidy, gb_summary_share(n0, p->base), 1);
            gb__t_date(tidy, now->as_at);
            gb__t_int(tidy, n1);
            gb__t_int(tidy, now->base);
            gb__t_num(tidy, gb_summary_share(n1, now->base), 1);
            gb__t_num(tidy, pts, 1);
        }
    }
    g_free(judgement);
    gb_tree_table_set_tidy(g, tidy);
    return g;
}

/* The changes the sources published between two years (shares of the
 * councils inspected in each year, as published): a secondary figure. */
GbTreeTable *
gb__table_published_changes(const GbBriefing *b)
{
    static const char *const h[] = {"Regime", "Measure", "From", "To", "Change", NULL};
    static const double w[] = {0.10, 0.22, 0.26, 0.26, 0.16};
    GbTreeTable *g = gb_tree_table_new("published-changes",
                                       "Secondary: changes Ofsted published between the "
                                       "inspections of two years (a flow: the councils "
                                       "inspected each year), as published",
                                       h, w, TRUE);
    static const char *const th[] = {"regime",     "measure",       "series",  "from_year",
                                     "from_base",  "from_percent",  "to_year", "to_base",
                                     "to_percent", "change_points", NULL};
    GbTreeTable *tidy = gb__tidy("published-changes", th);
    const GbRef *ref = b->ref;
    for (guint i = 0; i < b->in.stats->changes->len; i++) {
        const GbChange *c = &g_array_index(b->in.stats->changes, GbChange, i);
        if (c->from.series != GB_SERIES_PUBLISHED || c->to.series != GB_SERIES_PUBLISHED)
            continue;
        gb_tree_cell(g, gb_ref_regime(ref, c->from.regime)->short_name, -1);
        gb_tree_cell(g, gb__measure_name(ref, &c->from), -1);
        const GbMeasure *ends[2] = {&c->from, &c->to};
        for (int e = 0; e < 2; e++) {
            char *v = gb__measure_text(ends[e]);
            gb_tree_cell_take(g, g_strdup_printf("Inspections of %d: %s", ends[e]->year, v), -1);
            g_free(v);
        }
        char *pts = gb__points(c->points);
        gb_tree_cell_take(g, g_strdup_printf("%s points", pts), -1);
        g_free(pts);
        gb_tree_cell(tidy, gb_ref_regime(ref, c->from.regime)->short_name, -1);
        gb_tree_cell(tidy, gb__measure_name(ref, &c->from), -1);
        gb_tree_cell(tidy, "published", -1);
        for (int e = 0; e < 2; e++) {
            gb__t_int(tidy, ends[e]->year);
            gb__t_num(tidy, ends[e]->base > 0 ? ends[e]->base : NAN, 0);
            gb__t_num(tidy, ends[e]->percent, 1);
        }
        gb__t_num(tidy, c->points, 1);
    }
    gb_tree_table_set_tidy(g, tidy);
    return g;
}

/* ---- published positions against the rows ---- */

static char *
gb__pair_agreement(const GbPositionPair *p)
{
    const GbHeadline *h = p->headline;
    if (!p->agrees)
        return g_strdup_printf("No: %.1f%% of %d computed", p->percent, p->position.base);
    if (strcmp(h->unit, "count") == 0)
        return g_strdup("Yes: the same count of the same base");
    if (strcmp(h->qualifier, "more_than") == 0)
        return g_strdup_printf("Yes: %.1f%% is more than %.0f%%", p->percent, h->value);
    return g_strdup_printf("Yes: %.1f%% is %.0f%% to the nearest %d points", p->percent, h->value,
                           p->rounding > 0 ? p->rounding : 1);
}

char *
gb__position_regimes(const GbRef *ref, const GbPosition *p)
{
    GPtrArray *parts = g_ptr_array_new_with_free_func(g_free);
    for (int r = 0; r < GB_POSITION_REGIMES && r < (int)ref->regimes->len; r++)
        if (p->by_regime[r] > 0)
            g_ptr_array_add(parts, g_strdup_printf("%d under %s", p->by_regime[r],
                                                   gb_ref_regime(ref, r)->short_name));
    char *out = gb__join_and(parts);
    g_ptr_array_free(parts, TRUE);
    return out;
}

char *
gb__position_pairs_text(const GbBriefing *b, guint32 as_at)
{
    const GbRef *ref = b->ref;
    const GbPositionPair *first = NULL;
    gboolean all = TRUE;
    GPtrArray *sources = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; b->position_pairs != NULL && i < b->position_pairs->len; i++) {
        const GbPositionPair *p = &g_array_index(b->position_pairs, GbPositionPair, i);
        if (p->as_at != as_at)
            continue;
        first = first != NULL ? first : p;
        all = all && p->agrees;
        char *src = gb__source_for_people(p->headline->source);
        gboolean seen = FALSE;
        for (guint k = 0; k < sources->len && !seen; k++)
            seen = strcmp(g_ptr_array_index(sources, k), src) == 0;
        if (seen)
            g_free(src);
        else
            g_ptr_array_add(sources, src);
    }
    if (first == NULL) {
        g_ptr_array_free(sources, TRUE);
        return NULL;
    }
    const GbPosition *q = &first->position;
    char when[32];
    gb_text_format_date_long(as_at, when, sizeof when);
    char *regimes = gb__position_regimes(ref, q);
    GPtrArray *levels = g_ptr_array_new_with_free_func(g_free);
    for (int k = 0; k < GB_COMMON_LEVELS; k++) {
        char *label = gb__lower(gb_summary_position_label(ref, q, k, NULL));
        g_ptr_array_add(levels, g_strdup_printf("%d %s", q->count[k], label));
        g_free(label);
    }
    char *list = gb__join_and(levels);
    char *src = gb__join_and(sources);
    char *gob = gb__n_of(q->good_or_better, q->base);
    char *inad = gb__n_of(q->count[GB_COMMON_LEVELS - 1], q->base);
    char *out = g_strdup_printf(
        "As at %s, the most recent %s judgement of each of the %d authorities then in "
        "existence (%s; a position, not the inspections made in a year) was: %s, of a base "
        "of %d. That is %s inadequate and %s good or outstanding. Ofsted's social care "
        "annual report published this position (%s, as published); the table sets each "
        "published figure beside the computed one%s.",
        when, (const char *)g_ptr_array_index(ref->families, first->family), q->authorities,
        regimes, list, q->base, inad, gob, src, all ? ", and they agree" : "");
    g_free(regimes);
    g_free(list);
    g_free(src);
    g_free(gob);
    g_free(inad);
    g_ptr_array_free(levels, TRUE);
    g_ptr_array_free(sources, TRUE);
    return out;
}

GbTreeTable *
gb__table_position_pairs(const GbBriefing *b, guint32 as_at)
{
    static const char *const h[] = {"Measure", "Computed position", "Published", "Agree", NULL};
    static const double w[] = {0.20, 0.24, 0.22, 0.34};
    char when[32];
    gb_text_format_date_long(as_at, when, sizeof when);
    char *caption = g_strdup_printf("England's position as at %s: computed from rows (count of "
                                    "the authorities with a judgement) and as published",
                                    when);
    char id[32];
    g_snprintf(id, sizeof id, "position-%u", as_at / 10000);
    GbTreeTable *g = gb_tree_table_new(id, caption, h, w, TRUE);
    g_free(caption);
    static const char *const th[] = {"as_at",           "family",         "measure",
                                     "computed_count",  "computed_base",  "computed_percent",
                                     "published_value", "published_unit", "published_base",
                                     "qualifier",       "agrees",         NULL};
    GbTreeTable *tidy = gb__tidy(id, th);
    int rows = 0;
    for (guint i = 0; b->position_pairs != NULL && i < b->position_pairs->len; i++) {
        const GbPositionPair *p = &g_array_index(b->position_pairs, GbPositionPair, i);
        if (p->as_at != as_at)
            continue;
        rows++;
        gb_tree_cell(g, gb__pair_measure(p->headline), -1);
        gb_tree_cell_take(g, gb__n_of(p->count, p->position.base), -1);
        gb_tree_cell_take(g, gb__pair_published(p->headline), -1);
        gb_tree_cell_take(g, gb__pair_agreement(p), -1);
        gb__t_date(tidy, p->as_at);
        gb_tree_cell(tidy, g_ptr_array_index(b->ref->families, p->family), -1);
        gb_tree_cell(tidy, p->headline->grade, -1);
        gb__t_int(tidy, p->count);
        gb__t_int(tidy, p->position.base);
        gb__t_num(tidy, p->percent, 1);
        gb__t_num(tidy, p->headline->value, 1);
        gb_tree_cell(tidy, p->headline->unit, -1);
        gb__t_num(tidy, p->headline->base > 0 ? p->headline->base : NAN, 0);
        gb_tree_cell(tidy, p->headline->qualifier, -1);
        gb_tree_cell(tidy, p->agrees ? "true" : "false", -1);
    }
    gb_tree_table_set_tidy(g, tidy);
    if (rows == 0) {
        gb_tree_table_free(g);
        return NULL;
    }
    return g;
}

/* TRUE when r's published figure is one of the published positions. */
static gboolean
gb__reconciliation_position(const GbBriefing *b, const GbReconciliation *r)
{
    return gb_summary_position_paired_measure(b->position_pairs, r);
}

/* TRUE when the rows behind r's computed figure came from the very source
 * that published r's figure (a selection's own count of itself). */
static gboolean
gb__same_source(const GbTable *t, const GbReconciliation *r)
{
    if (r->published.source == NULL || t->rows == NULL)
        return FALSE;
    gboolean any = FALSE;
    for (guint i = 0; i < t->rows->len; i++) {
        const GbRow *row = gb_table_row(t, i);
        if (row->judgement != r->computed.judgement || row->year != r->computed.year)
            continue;
        if (strcmp(gb_table_row_source(t, row), r->published.source) != 0)
            return FALSE;
        any = TRUE;
    }
    return any;
}

/* TRUE when r's two figures measure the same thing: the same base, and rows
 * that are not a selection, or a selection counted by the source that lists
 * it (the 18 unannounced inspections of 2009 and the article's 9 of 18). */
static gboolean
gb__reconciles_in(const GbTable *t, const GbReconciliation *r)
{
    return r->published.base > 0 && r->published.base == r->computed.base &&
           (!r->selection || gb__same_source(t, r));
}
#define gb__reconciles(r) gb__reconciles_in(b->in.table, (r))

GbTreeTable *
gb__table_reconciliation(const GbBriefing *b)
{
    static const char *const h[] = {"Year",      "Regime",     "Measure",         "Computed",
                                    "Published", "Difference", "Why they differ", NULL};
    static const double w[] = {0.09, 0.13, 0.14, 0.15, 0.15, 0.11, 0.23};
    GbTreeTable *g = gb_tree_table_new("reconciliation",
                                       "Computed and published figures that measure the same "
                                       "thing (the same year, measure and base)",
                                       h, w, TRUE);
    static const char *const th[] = {"year",
                                     "regime",
                                     "measure",
                                     "computed_count",
                                     "computed_base",
                                     "computed_percent",
                                     "published_count",
                                     "published_base",
                                     "published_percent",
                                     "difference_points",
                                     "reason",
                                     NULL};
    GbTreeTable *tidy = gb__tidy("reconciliation", th);
    const GbRef *ref = b->ref;
    for (guint i = 0; i < b->in.stats->reconciliations->len; i++) {
        const GbReconciliation *r =
            &g_array_index(b->in.stats->reconciliations, GbReconciliation, i);
        if (!gb__reconciles(r) || gb__reconciliation_paired(b, r) ||
            gb__reconciliation_position(b, r))
            continue;
        gb_tree_cell_take(g, g_strdup_printf("%d", r->computed.year), -1);
        gb_tree_cell(g, gb_ref_regime(ref, r->computed.regime)->short_name, -1);
        gb_tree_cell(g, gb__measure_name(ref, &r->computed), -1);
        gb_tree_cell_take(g, gb__measure_text(&r->computed), -1);
        gb_tree_cell_take(g, gb__measure_text(&r->published), -1);
        char *pts = isnan(r->difference) ? NULL : gb__points(r->difference);
        gb_tree_cell_take(g, pts ? g_strdup_printf("%s points", pts) : g_strdup(""), -1);
        g_free(pts);
        gb_tree_cell(g,
                     r->selection && r->difference == 0
                         ? "None: the same inspections, as the source that lists them counts them"
                     : r->reason && !r->selection ? r->reason
                     : r->difference == 0         ? "None: the same count of the same base"
                                                  : "The published share is rounded",
                     -1);
        gb__t_int(tidy, r->computed.year);
        gb_tree_cell(tidy, gb_ref_regime(ref, r->computed.regime)->short_name, -1);
        gb_tree_cell(tidy, gb__measure_name(ref, &r->computed), -1);
        gb__t_num(tidy, r->computed.count, 0);
        gb__t_num(tidy, r->computed.base, 0);
        gb__t_num(tidy, r->computed.percent, 1);
        gb__t_num(tidy, r->published.count >= 0 ? r->published.count : NAN, 0);
        gb__t_num(tidy, r->published.base, 0);
        gb__t_num(tidy, r->published.percent, 1);
        gb__t_num(tidy, r->difference, 1);
        gb_tree_cell(tidy, r->reason ? r->reason : "", -1);
    }
    /* Published positions against the position computed on the same date. */
    for (guint i = 0; b->position_pairs != NULL && i < b->position_pairs->len; i++) {
        const GbPositionPair *p = &g_array_index(b->position_pairs, GbPositionPair, i);
        char when[32];
        gb_text_format_date_long(p->as_at, when, sizeof when);
        gb_tree_cell_take(g, g_strdup_printf("%u", p->as_at / 10000), -1);
        GString *regimes = g_string_new(NULL);
        for (int r = 0; r < GB_POSITION_REGIMES && r < (int)ref->regimes->len; r++)
            if (p->position.by_regime[r] > 0)
                g_string_append_printf(regimes, "%s%s", regimes->len ? ", " : "",
                                       gb_ref_regime(ref, r)->short_name);
        gb_tree_cell_take(g, g_string_free(regimes, FALSE), -1);
        gb_tree_cell_take(g, g_strdup_printf("%s, as at %s", gb__pair_measure(p->headline), when),
                          -1);
        gb_tree_cell_take(g, gb__n_of(p->count, p->position.base), -1);
        gb_tree_cell_take(g, gb__pair_published(p->headline), -1);
        gboolean exact = strcmp(p->headline->unit, "count") == 0;
        char *pts = exact ? gb__points(0) : NULL;
        gb_tree_cell_take(g, pts ? g_strdup_printf("%s points", pts) : g_strdup(""), -1);
        g_free(pts);
        char *agree = gb__pair_agreement(p);
        gb_tree_cell_take(g, g_strdup_printf("%s; both are positions", agree), -1);
        gb__t_int(tidy, p->as_at / 10000);
        gb_tree_cell(tidy, g_ptr_array_index(ref->families, p->family), -1);
        gb_tree_cell(tidy, p->headline->grade, -1);
        gb__t_num(tidy, p->count, 0);
        gb__t_num(tidy, p->position.base, 0);
        gb__t_num(tidy, p->percent, 1);
        gb__t_num(tidy, exact ? p->headline->value : NAN, 0);
        gb__t_num(tidy, p->headline->base > 0 ? p->headline->base : NAN, 0);
        gb__t_num(tidy,
                  exact ? gb_summary_share(p->headline->value, p->headline->base)
                        : p->headline->value,
                  1);
        gb__t_num(tidy, exact ? 0.0 : NAN, 1);
        gb_tree_cell(tidy, p->agrees ? "" : agree, -1);
        g_free(agree);
    }
    /* Published figures of a period against the rows of the same inspections. */
    for (guint i = 0; b->group_pairs != NULL && i < b->group_pairs->len; i++) {
        const GbGroupPair *p = &g_array_index(b->group_pairs, GbGroupPair, i);
        if (!p->published)
            continue;
        const GbRegime *rg = gb_ref_regime(ref, p->regime);
        char *period = gb__pair_period(p);
        char *why = p->equal ? g_strdup_printf("None: equal, the same %u inspections (rows "
                                               "published %s)",
                                               p->base, period)
                             : g_strdup_printf("The published figures are of %u inspections, "
                                               "the rows of %u %s (published %s)",
                                               p->published_base, p->base, p->label, period);
        for (int k = (int)rg->grades->len - 1; k >= 0; k--) {
            double c = gb_summary_share(p->count[k], p->base);
            double q = gb_summary_share(p->published_count[k], p->published_base);
            gb_tree_cell_take(g, g_strdup_printf("%d\u2013%02d", p->from_year, p->to_year % 100),
                              -1);
            gb_tree_cell(g, rg->short_name, -1);
            gb_tree_cell(g, gb_ref_grade(ref, p->regime, k)->label, -1);
            gb_tree_cell_take(g, gb__count_of_pct(p->count[k], p->base), -1);
            gb_tree_cell_take(g, gb__count_of_pct(p->published_count[k], p->published_base), -1);
            char *pts = gb__points(q - c);
            gb_tree_cell_take(g, g_strdup_printf("%s points", pts), -1);
            g_free(pts);
            gb_tree_cell(g, why, -1);
            gb__t_int(tidy, p->published_year);
            gb_tree_cell(tidy, rg->short_name, -1);
            gb_tree_cell(tidy, gb_ref_grade(ref, p->regime, k)->label, -1);
            gb__t_num(tidy, p->count[k], 0);
            gb__t_num(tidy, p->base, 0);
            gb__t_num(tidy, c, 1);
            gb__t_num(tidy, p->published_count[k], 0);
            gb__t_num(tidy, p->published_base, 0);
            gb__t_num(tidy, q, 1);
            gb__t_num(tidy, q - c, 1);
            gb_tree_cell(tidy, p->equal ? "" : why, -1);
        }
        g_free(why);
        g_free(period);
    }
    gb_tree_table_set_tidy(g, tidy);
    return g;
}

GPtrArray *
gb__reconciliation_left_out(const GbBriefing *b)
{
    const GbRef *ref = b->ref;
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < b->in.stats->reconciliations->len; i++) {
        const GbReconciliation *r =
            &g_array_index(b->in.stats->reconciliations, GbReconciliation, i);
        if (gb__reconciles(r) || gb__reconciliation_paired(b, r) ||
            gb__reconciliation_position(b, r))
            continue;
        char *c = gb__measure_text(&r->computed), *p = gb__measure_text(&r->published);
        char *name = gb__lower(gb__measure_name(ref, &r->computed));
        const char *why = r->selection ? "the rows name only some authorities (a selection), "
                                         "so a share of them is not a share of the councils"
                          : r->published.base > 0 ? "the two have different bases"
                                                  : "the published figure states no base";
        g_ptr_array_add(out, g_strdup_printf("%s %d, %s: computed %s, published %s; not "
                                             "compared because %s%s.",
                                             gb_ref_regime(ref, r->computed.regime)->short_name,
                                             r->computed.year, name, c, p, why,
                                             isnan(r->published.percent) || r->published.count >= 0
                                                 ? ""
                                                 : ", and the published share is rounded to "
                                                   "a whole percent"));
        g_free(c);
        g_free(p);
        g_free(name);
    }
    for (guint i = 0; b->group_pairs != NULL && i < b->group_pairs->len; i++) {
        const GbGroupPair *p = &g_array_index(b->group_pairs, GbGroupPair, i);
        const GbDistribution *d =
            gb_summary_distribution(b->in.stats, p->regime, p->judgement, p->published_year);
        if (!p->published || d == NULL)
            continue;
        g_ptr_array_add(out, g_strdup_printf("%s %d: the figures published for the %u %s are "
                                             "compared above with the rows of the same "
                                             "inspections, not with the %u rows of %s "
                                             "inspections made in %d, which are another set.",
                                             gb_ref_regime(ref, p->regime)->short_name,
                                             p->published_year, p->published_base, p->label,
                                             d->base, gb_ref_regime(ref, p->regime)->short_name,
                                             p->published_year));
    }
    return out;
}

static char *
gb__event_text(const GbRef *ref, const GbEvent *e)
{
    char when[32];
    if (e->date)
        gb_text_format_date_long(e->date, when, sizeof when);
    else
        g_snprintf(when, sizeof when, "%d", e->year);
    return g_strdup_printf("%s %s, %s%s%s", gb_ref_regime(ref, e->regime)->short_name,
                           gb_ref_grade(ref, e->regime, e->grade)->label, when,
                           e->as_authority >= 0 ? ", as predecessor " : "",
                           e->as_authority >= 0 ? gb_ref_authority(ref, e->as_authority)->name
                                                : "");
}

GbTreeTable *
gb__table_movers(const GbBriefing *b)
{
    static const char *const h[] = {"Authority", "From", "To", "Grades moved", NULL};
    static const double w[] = {0.26, 0.30, 0.30, 0.14};
    char *caption = g_strdup_printf("Every move up or down between consecutive %s of the same "
                                    "authority, each authority once, improvements first",
                                    b->mover_scope ? b->mover_scope : "judgements");
    GbTreeTable *g = gb_tree_table_new("movers", caption, h, w, TRUE);
    g_free(caption);
    const GbRef *ref = b->ref;
    if (b->movers == NULL)
        return g;
    /* Up by three steps first, down by three last. */
    for (int steps = 3; steps >= -3; steps--) {
        if (steps == 0)
            continue;
        for (guint i = 0; i < b->movers->moves->len; i++) {
            const GbMover *m = &g_array_index(b->movers->moves, GbMover, i);
            if (m->family != b->family || !m->counted || m->steps != steps)
                continue;
            gb_tree_cell(g, gb_ref_authority(ref, m->authority)->name, -1);
            gb_tree_cell_take(g, gb__event_text(ref, &m->from), m->from.common);
            gb_tree_cell_take(g, gb__event_text(ref, &m->to), m->to.common);
            gb_tree_cell_take(g, g_strdup_printf("%s %d", steps > 0 ? "up" : "down", ABS(steps)),
                              -1);
        }
    }
    /* Every counted pair, the same grade included, for analysts. */
    static const char *const th[] = {"authority",      "dfe_code",   "ons_code",  "family",
                                     "from_regime",    "from_grade", "from_date", "from_year",
                                     "from_authority", "to_regime",  "to_grade",  "to_date",
                                     "to_year",        "steps",      NULL};
    GbTreeTable *tidy = gb__tidy("movers", th);
    for (guint i = 0; i < b->movers->moves->len; i++) {
        const GbMover *m = &g_array_index(b->movers->moves, GbMover, i);
        if (m->family != b->family || !m->counted)
            continue;
        gb__t_authority(tidy, ref, m->authority);
        gb_tree_cell(tidy, gb_ref_judgement(ref, gb_ref_headline_judgement(ref, b->current))->label,
                     -1);
        const GbEvent *ev[2] = {&m->from, &m->to};
        for (int e = 0; e < 2; e++) {
            gb_tree_cell(tidy, gb_ref_regime(ref, ev[e]->regime)->short_name, -1);
            gb_tree_cell(tidy, gb_ref_grade(ref, ev[e]->regime, ev[e]->grade)->label, -1);
            gb__t_date(tidy, ev[e]->date);
            gb__t_int(tidy, ev[e]->year);
            if (e == 0)
                gb_tree_cell(tidy,
                             ev[e]->as_authority >= 0
                                 ? gb_ref_authority(ref, ev[e]->as_authority)->name
                                 : "",
                             -1);
        }
        gb__t_int(tidy, m->steps);
    }
    gb_tree_table_set_tidy(g, tidy);
    return g;
}

GbTreeTable *
gb__table_unannounced(const GbBriefing *b)
{
    static const char *const h[] = {"Authority", "Year", "Outcome", NULL};
    static const double w[] = {0.40, 0.15, 0.45};
    GbTreeTable *g = gb_tree_table_new("unannounced",
                                       "Every inspection, the worst outcome "
                                       "first",
                                       h, w, TRUE);
    const GbRef *ref = b->ref;
    if (b->ungraded < 0)
        return g;
    GPtrArray *rows = gb_summary_rows_worst_first(b->in.table, b->ungraded);
    for (guint i = 0; i < rows->len; i++) {
        const GbRow *r = g_ptr_array_index(rows, i);
        gb_tree_cell(g, gb_ref_authority(ref, r->authority)->name, -1);
        gb_tree_cell_take(g, g_strdup_printf("%d", r->year), -1);
        gb_tree_cell(g, gb_ref_grade(ref, b->ungraded, r->grade)->label, -1);
    }
    static const char *const th[] = {"authority", "dfe_code", "ons_code", "year",
                                     "date",      "outcome",  NULL};
    GbTreeTable *tidy = gb__tidy("unannounced", th);
    for (guint i = 0; i < rows->len; i++) {
        const GbRow *r = g_ptr_array_index(rows, i);
        gb__t_authority(tidy, ref, r->authority);
        gb__t_int(tidy, r->year);
        gb__t_date(tidy, r->date);
        gb_tree_cell(tidy, gb_ref_grade(ref, b->ungraded, r->grade)->label, -1);
    }
    gb_tree_table_set_tidy(g, tidy);
    g_ptr_array_free(rows, TRUE);
    return g;
}

GbTreeTable *
gb__table_published(const GbBriefing *b)
{
    static const char *const h[] = {"Year", "Figure", "Value", "Source", NULL};
    static const double w[] = {0.07, 0.43, 0.17, 0.33};
    GbTreeTable *g = gb_tree_table_new("published", "Every published figure", h, w, TRUE);
    static const char *const th[] = {"year", "figure",    "value",  "unit",
                                     "base", "qualifier", "source", NULL};
    GbTreeTable *tidy = gb__tidy("published", th);
    for (guint i = 0; i < b->ref->headlines->len; i++) {
        const GbHeadline *hl = &g_array_index(b->ref->headlines, GbHeadline, i);
        gb_tree_cell_take(g, g_strdup_printf("%d", hl->year), -1);
        gb_tree_cell(g, hl->description, -1);
        const char *q = strcmp(hl->qualifier, "more_than") == 0 ? "more than "
                        : strcmp(hl->qualifier, "approx") == 0  ? "about "
                                                                : "";
        char num[48];
        gb_format_number(hl->value, hl->value == floor(hl->value) ? 0 : 1, num, sizeof num);
        char *value = strcmp(hl->unit, "percent") == 0 ? g_strdup_printf("%s%s%%", q, num)
                      : strcmp(hl->unit, "gbp") == 0   ? g_strdup_printf("%s\u00a3%s", q, num)
                      : hl->base > 0 ? g_strdup_printf("%s%s of %d", q, num, hl->base)
                                     : g_strdup_printf("%s%s", q, num);
        gb_tree_cell_take(g, value, -1);
        gb_tree_cell_take(g, gb__source_for_people(hl->source), -1);
        gb__t_int(tidy, hl->year);
        gb_tree_cell(tidy, hl->description, -1);
        gb__t_num(tidy, hl->value, hl->value == floor(hl->value) ? 0 : 1);
        gb_tree_cell(tidy, hl->unit, -1);
        gb__t_num(tidy, hl->base > 0 ? hl->base : NAN, 0);
        gb_tree_cell(tidy, hl->qualifier, -1);
        gb_tree_cell(tidy, hl->source, -1);
    }
    gb_tree_table_set_tidy(g, tidy);
    return g;
}

GbTreeTable *
gb__table_accounting(const GbBriefing *b)
{
    static const char *const h[] = {"Input file", "Layout",     "Rows",       "Used", "Merged",
                                    "Rejected",   "Judgements", "Not judged", NULL};
    static const double w[] = {0.24, 0.14, 0.08, 0.08, 0.09, 0.11, 0.14, 0.12};
    GbTreeTable *g =
        gb_tree_table_new("accounting", "What happened to every input row", h, w, TRUE);
    static const char *const th[] = {"file",     "layout",     "rows",       "used", "merged",
                                     "rejected", "judgements", "not_judged", NULL};
    GbTreeTable *tidy = gb__tidy("accounting", th);
    const GbTable *t = b->in.table;
    for (guint i = 0; i <= t->files->len; i++) {
        GbFileAccount total;
        const GbFileAccount *a;
        if (i < t->files->len) {
            a = &g_array_index(t->files, GbFileAccount, i);
        } else {
            gb_table_totals(t, &total);
            a = &total;
        }
        gb_tree_cell_take(g, i < t->files->len ? g_path_get_basename(a->path) : g_strdup("Total"),
                          -1);
        gb_tree_cell(g, a->layout ? a->layout : "", -1);
        guint64 v[] = {a->rows, a->used, a->merged, a->rejected, a->judgements, a->not_judged};
        for (gsize k = 0; k < G_N_ELEMENTS(v); k++)
            gb_tree_cell_take(g, gb__num((double)v[k]), -1);
        gb_tree_cell_take(tidy,
                          i < t->files->len ? g_path_get_basename(a->path) : g_strdup("Total"), -1);
        gb_tree_cell(tidy, a->layout ? a->layout : "", -1);
        for (gsize k = 0; k < G_N_ELEMENTS(v); k++)
            gb_tree_cell_take(tidy, g_strdup_printf("%" G_GUINT64_FORMAT, v[k]), -1);
    }
    gb_tree_table_set_tidy(g, tidy);
    return g;
}

GbTreeTable *
gb__table_regimes(const GbBriefing *b)
{
    static const char *const h[] = {"Regime", "Years", "Grades, best first", "On the common scale",
                                    NULL};
    static const double w[] = {0.30, 0.11, 0.30, 0.29};
    GbTreeTable *g =
        gb_tree_table_new("regimes", "Inspection regimes and their grade scales", h, w, TRUE);
    const GbRef *ref = b->ref;
    for (guint r = 0; r < ref->regimes->len; r++) {
        const GbRegime *rg = gb_ref_regime(ref, (int)r);
        gb_tree_cell_take(g, g_strdup_printf("%s (%s)", rg->name, rg->short_name), -1);
        gb_tree_cell_take(g,
                          rg->last_year
                              ? g_strdup_printf("%d\u2013%d", rg->first_year, rg->last_year)
                              : g_strdup_printf("%d\u2013", rg->first_year),
                          -1);
        GString *scale = g_string_new(NULL), *common = g_string_new(NULL);
        for (guint k = 0; k < rg->grades->len; k++) {
            const GbGrade *gr = gb_ref_grade(ref, (int)r, (int)k);
            g_string_append_printf(scale, "%s%s", k ? "; " : "", gr->label);
            g_string_append_printf(common, "%s%s", k ? "; " : "",
                                   gr->common >= 0 ? ref->common_labels[gr->common] : "not graded");
        }
        gb_tree_cell_take(g, g_string_free(scale, FALSE), -1);
        gb_tree_cell_take(g, g_string_free(common, FALSE), -1);
    }
    return g;
}

typedef struct {
    const GbAuthority *authority;
    char *key; /* g_utf8_collate_key of its name */
} GbNameOrder;

static int
gb__cmp_name_order(const void *pa, const void *pb)
{
    const GbNameOrder *a = pa, *b = pb;
    int c = strcmp(a->key, b->key);
    if (c != 0)
        return c;
    /* One name, two authorities: the one that ended first comes first. */
    const GbAuthority *x = a->authority, *y = b->authority;
    if (x->to == y->to)
        return x < y ? -1 : x > y;
    if (x->to == 0)
        return 1;
    if (y->to == 0)
        return -1;
    return x->to < y->to ? -1 : 1;
}

/* "Good, 12 March 2014" (the year alone for a judgement published with no date). */
static void
gb__event_cell(GbTreeTable *g, const GbRef *ref, const GbEvent *e)
{
    if (e == NULL) {
        gb_tree_cell(g, "", -1);
        return;
    }
    char when[32];
    if (e->date)
        gb_text_format_date_long(e->date, when, sizeof when);
    else
        g_snprintf(when, sizeof when, "%d", e->year);
    gb_tree_cell_take(
        g, g_strdup_printf("%s, %s", gb_ref_grade(ref, e->regime, e->grade)->label, when),
        e->common);
}

/* "Bedfordshire (until 31 March 2009)", "Bedford (from 1 April 2009)". */
static char *
gb__authority_span(const GbAuthority *au)
{
    char when[32];
    if (au->to) {
        GDate d;
        g_date_clear(&d, 1);
        g_date_set_dmy(&d, (GDateDay)(au->to % 100), (GDateMonth)(au->to / 100 % 100),
                       (GDateYear)(au->to / 10000));
        g_date_subtract_days(&d, 1);
        guint32 last = (guint32)g_date_get_year(&d) * 10000 + (guint32)g_date_get_month(&d) * 100 +
                       g_date_get_day(&d);
        gb_text_format_date_long(last, when, sizeof when);
        return g_strdup_printf("%s (until %s)", au->name, when);
    }
    if (au->from) {
        gb_text_format_date_long(au->from, when, sizeof when);
        return g_strdup_printf("%s (from %s)", au->name, when);
    }
    return g_strdup(au->name);
}

/* Every authority's latest headline judgement in regimes[first..last) (the
 * current regime's last two), with its date, as table `id`. */
static GbTreeTable *
gb__authorities_part(const GbBriefing *b, const GArray *regimes, guint first, guint last,
                     const char *id, const GbNameOrder *order, GbHistories *histories)
{
    const GbRef *ref = b->ref;
    GPtrArray *h = g_ptr_array_new_with_free_func(g_free);
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(h, g_strdup("Authority"));
    g_ptr_array_add(h, g_strdup("Region"));
    for (guint r = first; r < last; r++) {
        int regime = g_array_index(regimes, int, r);
        const char *name = gb_ref_regime(ref, regime)->short_name;
        g_ptr_array_add(names, g_strdup(name));
        if (regime == b->current) {
            g_ptr_array_add(h, g_strdup_printf("%s earlier", name));
            g_ptr_array_add(h, g_strdup_printf("%s latest", name));
        } else {
            g_ptr_array_add(h, g_strdup(name));
        }
    }
    int ncols = (int)h->len;
    g_ptr_array_add(h, NULL);
    double *w = g_new(double, ncols);
    /* Wide enough for "West Northamptonshire" on one line. */
    w[0] = ncols > 6 ? 0.21 : 0.23;
    w[1] = ncols > 6 ? 0.09 : 0.11;
    for (int c = 2; c < ncols; c++)
        w[c] = (1.0 - w[0] - w[1]) / (ncols - 2);
    char *list = gb__join_and(names);
    char *caption = g_strdup_printf("Every authority's latest headline judgement under %s, "
                                    "with its date",
                                    list);
    GbTreeTable *g = gb_tree_table_new(id, caption, (const char *const *)h->pdata, w, TRUE);
    g_free(caption);
    g_free(list);
    g_free(w);
    g_ptr_array_free(h, TRUE);
    g_ptr_array_free(names, TRUE);
    static const char *const th[] = {"authority",   "dfe_code",  "ons_code", "region",
                                     "active_from", "active_to", "regime",   "which",
                                     "grade",       "year",      "date",     NULL};
    GbTreeTable *tidy = gb__tidy(id, th);
    guint n = ref->authorities->len;
    for (guint i = 0; i < n; i++) {
        const GbAuthority *au = order[i].authority;
        int a = (int)(au - (const GbAuthority *)(void *)ref->authorities->data);
        GArray *hist = gb_stats_histories_get(histories, a);
        gb_tree_cell_take(g, gb__authority_span(au), -1);
        gb_tree_cell(g, g_ptr_array_index(ref->regions, au->region), -1);
        for (guint r = first; r < last; r++) {
            int regime = g_array_index(regimes, int, r);
            const GbEvent *latest, *before;
            gb_summary_last_two(hist, regime, &before, &latest);
            if (regime == b->current)
                gb__event_cell(g, ref, before);
            gb__event_cell(g, ref, latest);
            const GbEvent *ev[2] = {latest, regime == b->current ? before : NULL};
            for (int e = 0; e < 2; e++) {
                if (ev[e] == NULL)
                    continue;
                gb__t_authority(tidy, ref, a);
                gb_tree_cell(tidy, g_ptr_array_index(ref->regions, au->region), -1);
                gb__t_date(tidy, au->from);
                gb__t_date(tidy, au->to);
                gb_tree_cell(tidy, gb_ref_regime(ref, regime)->short_name, -1);
                gb_tree_cell(tidy, e == 0 ? "latest" : "earlier", -1);
                gb_tree_cell(tidy, gb_ref_grade(ref, ev[e]->regime, ev[e]->grade)->label, -1);
                gb__t_int(tidy, ev[e]->year);
                gb__t_date(tidy, ev[e]->date);
            }
        }
        g_array_free(hist, TRUE);
    }
    gb_tree_table_set_tidy(g, tidy);
    return g;
}

GPtrArray *
gb__tables_authorities(const GbBriefing *b)
{
    const GbRef *ref = b->ref;
    GArray *regimes = gb_summary_regimes_with_rows(b->in.table);
    /* By name (collation keys made once), then the older of two authorities
     * with one name first. */
    guint n = ref->authorities->len;
    GbNameOrder *order = g_new(GbNameOrder, n);
    for (guint a = 0; a < n; a++) {
        order[a].authority = gb_ref_authority(ref, (int)a);
        order[a].key = g_utf8_collate_key(order[a].authority->name, -1);
    }
    qsort(order, n, sizeof *order, gb__cmp_name_order);
    GbHistories *histories = gb_stats_histories_new(b->in.table);
    /* Columns wide enough for a grade and a date written out: more than five
     * regime columns are two tables, first the current regime and those whose
     * years touch it (SIF before ILACS: today's judgements and the ones they
     * followed), then the earlier regimes. */
    int columns = 0;
    for (guint r = 0; r < regimes->len; r++)
        columns += g_array_index(regimes, int, r) == b->current ? 2 : 1;
    guint split = 0;
    if (columns > 5 && b->current >= 0) {
        split = regimes->len;
        while (split > 0 && gb_position_regimes_adjacent(
                                ref, g_array_index(regimes, int, split - 1), b->current))
            split--;
        if (split == regimes->len)
            split = 0; /* the current regime has no rows: one table */
    }
    GPtrArray *out = g_ptr_array_new();
    g_ptr_array_add(out, gb__authorities_part(b, regimes, split, regimes->len, "authorities", order,
                                              histories));
    if (split > 0)
        g_ptr_array_add(out, gb__authorities_part(b, regimes, 0, split, "authorities-earlier",
                                                  order, histories));
    gb_stats_histories_free(histories);
    for (guint a = 0; a < n; a++)
        g_free(order[a].key);
    g_free(order);
    g_array_free(regimes, TRUE);
    return out;
}

GbTreeTable *
gb__table_positions(const GbBriefing *b)
{
    const GbRef *ref = b->ref;
    const char *h[] = {"As at",      "Authorities", "With a judgement", b->labels[0], b->labels[1],
                       b->labels[2], b->labels[3],  "Good or better",   NULL};
    static const double w[] = {0.13, 0.12, 0.11, 0.13, 0.12, 0.14, 0.12, 0.13};
    int j = gb_ref_headline_judgement(ref, b->current);
    char *judgement = gb__lower(gb_ref_judgement(ref, j)->label);
    char *caption = g_strdup_printf("England's position as at each date: each authority's most "
                                    "recent %s judgement, count of those with one (share)",
                                    judgement);
    GbTreeTable *g = gb_tree_table_new("positions", caption, h, w, TRUE);
    g_free(caption);
    static const char *const th[] = {"as_at", "family", "group",   "authorities", "base",
                                     "grade", "count",  "percent", NULL};
    GbTreeTable *tidy = gb__tidy("positions", th);
    for (guint i = 0; b->positions != NULL && i < b->positions->len; i++) {
        const GbPosition *p = &g_array_index(b->positions, GbPosition, i);
        if (!gb_summary_position_covered(p))
            continue;
        char when[32];
        gb_text_format_date_long(p->as_at, when, sizeof when);
        gb_tree_cell(g, when, -1);
        gb_tree_cell_take(g, gb__num(p->authorities), -1);
        gb_tree_cell_take(g, gb__num(p->base), -1);
        for (int k = 0; k <= GB_COMMON_LEVELS; k++) {
            int n = k < GB_COMMON_LEVELS ? p->count[k] : p->good_or_better;
            gb_tree_cell_take(g, gb__count_pct((guint)n, (guint)p->base), -1);
            gb__t_date(tidy, p->as_at);
            gb_tree_cell(tidy, gb_ref_judgement(ref, j)->label, -1);
            gb_tree_cell(tidy, "England", -1);
            gb__t_int(tidy, p->authorities);
            gb__t_int(tidy, p->base);
            gb_tree_cell(tidy, k < GB_COMMON_LEVELS ? b->labels[k] : "Good or better", -1);
            gb__t_int(tidy, n);
            gb__t_num(tidy, gb_summary_share(n, p->base), 1);
        }
    }
    g_free(judgement);
    gb_tree_table_set_tidy(g, tidy);
    return g;
}
