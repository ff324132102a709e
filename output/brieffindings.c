/* brieffindings.c - the briefing's key findings (see briefing-private.h):
 * today's position first, then history, each sentence worded from signs and
 * the compute stage's figures; and what the data is, for the cover and the
 * footer. */
#include "output/briefing-private.h"

#include "charts/kit.h"
#include "pipeline/text.h"

#include <math.h>
#include <string.h>

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
    return gb_summary_source_for_people(source);
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
        g_array_free(src, TRUE);
        g_string_free(s, TRUE);
        return gb_summary_data_line(b->in.table);
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

/* 1b. Published positions of earlier dates, and whether the rows agree. */
static void
gb__finding_position_pairs(const GbBriefing *b, GPtrArray *f)
{
    for (guint i = 0; b->position_pairs != NULL && i < b->position_pairs->len; i++) {
        const GbPositionPair *p = &g_array_index(b->position_pairs, GbPositionPair, i);
        /* The document's own date opens the findings already. */
        if (p->as_at == b->as_at ||
            (i > 0 && g_array_index(b->position_pairs, GbPositionPair, i - 1).as_at == p->as_at))
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
        if (d->selection != NULL) {
            /* Run on after a colon: "The first 18" reads "the first 18"; an
             * acronym ("BBC") keeps its capitals. */
            char *sel = g_strdup(d->selection);
            if (g_ascii_isupper(sel[0]) && g_ascii_islower(sel[1]))
                sel[0] = g_ascii_tolower(sel[0]);
            g_ptr_array_add(f, g_strdup_printf("Of the %u %s inspections of %d recorded here (a "
                                               "selection, not the year: %s), %s had %s.",
                                               d->base, kind, y, sel, n, outcome));
            g_free(sel);
        } else
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
