/* statscsv.c - `stats -f csv`: the positions, standings, distributions and
 * published figures as one tidy table, one row per grade per date and group
 * (the columns are listed in the README). */
#include "pipeline/statsfmt-private.h"

#include "pipeline/summary.h"
#include "pipeline/text.h"

#include <math.h>
#include <stdarg.h>

enum {
    C_KIND,
    C_AS_AT,
    C_FAMILY,
    C_GROUP,
    C_REGION,
    C_AUTHORITY,
    C_DFE,
    C_ONS,
    C_DATE,
    C_YEAR,
    C_FROM,
    C_TO,
    C_PARTIAL,
    C_REGIME,
    C_JUDGEMENT,
    C_SERIES,
    C_GRADE,
    C_COUNT,
    C_BASE,
    C_PERCENT,
    C_WHOLE,
    C_AUTHORITIES,
    C_CHANGE,
    C_N
};
static const char *const gb__csv_header[C_N] = {
    "kind",     "as_at",    "family",        "group",       "region",       "authority",
    "dfe_code", "ons_code", "date",          "year",        "period_from",  "period_to",
    "partial",  "regime",   "judgement",     "series",      "grade",        "count",
    "base",     "percent",  "percent_whole", "authorities", "change_points"};

/* Cells of one CSV row, with the buffers the numbers are printed into. */
typedef struct {
    const char *cell[C_N];
    char buf[C_N][40];
} GbCsvLine;

static void
gb__line_clear(GbCsvLine *l)
{
    for (int i = 0; i < C_N; i++)
        l->cell[i] = "";
}

static void gb__line_num(GbCsvLine *l, int col, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static void
gb__line_num(GbCsvLine *l, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_vsnprintf(l->buf[col], sizeof l->buf[col], fmt, ap);
    va_end(ap);
    l->cell[col] = l->buf[col];
}

static void
gb__line_date(GbCsvLine *l, int col, guint32 ymd)
{
    if (ymd == 0)
        return;
    gb_text_format_date(ymd, l->buf[col]);
    l->cell[col] = l->buf[col];
}

static void
gb__csv_positions(const GbRun *run, GString *s)
{
    const GbRef *ref = run->t->ref;
    for (guint k = 0; k < run->families->len; k++) {
        int f = g_array_index(run->families, int, k);
        const GArray *series = g_ptr_array_index(run->positions, k);
        for (guint i = 0; i < series->len; i++) {
            const GbPosition *p = &g_array_index(series, GbPosition, i);
            const GbPosition *prev = gb__statsfmt_previous(series, i);
            for (int g = 0; g < GB_COMMON_LEVELS; g++) {
                GbCsvLine l;
                gb__line_clear(&l);
                l.cell[C_KIND] = "position";
                gb__line_date(&l, C_AS_AT, p->as_at);
                l.cell[C_FAMILY] = g_ptr_array_index(ref->families, f);
                l.cell[C_GROUP] = gb__statsfmt_group_id(p->group);
                if (p->region >= 0)
                    l.cell[C_REGION] = g_ptr_array_index(ref->regions, p->region);
                if (p->authority >= 0) {
                    const GbAuthority *a = gb_ref_authority(ref, p->authority);
                    l.cell[C_AUTHORITY] = a->name;
                    l.cell[C_DFE] = a->code;
                    l.cell[C_ONS] = gb__statsfmt_ons(a);
                }
                l.cell[C_SERIES] = "computed";
                l.cell[C_GRADE] = gb__statsfmt_common_ids[g];
                gb__line_num(&l, C_COUNT, "%d", p->count[g]);
                gb__line_num(&l, C_BASE, "%d", p->base);
                if (p->base > 0) {
                    gb__line_num(&l, C_PERCENT, "%.1f", p->percent[g]);
                    gb__line_num(&l, C_WHOLE, "%d", p->whole[g]);
                }
                gb__line_num(&l, C_AUTHORITIES, "%d", p->authorities);
                if (prev != NULL && prev->base > 0 && p->base > 0)
                    gb__line_num(&l, C_CHANGE, "%.1f", p->percent[g] - prev->percent[g]);
                gb__statsfmt_csv_row(s, l.cell, C_N);
            }
        }
        const GbStanding *st =
            k < run->standings->len ? g_ptr_array_index(run->standings, k) : NULL;
        for (guint a = 0; st != NULL && a < ref->authorities->len; a++) {
            int g = g_array_index(st->grade_of, int, a);
            if (g == -2)
                continue;
            const GbAuthority *au = gb_ref_authority(ref, (int)a);
            GbCsvLine l;
            gb__line_clear(&l);
            l.cell[C_KIND] = "standing";
            gb__line_date(&l, C_AS_AT, st->as_at);
            l.cell[C_FAMILY] = g_ptr_array_index(ref->families, f);
            l.cell[C_GROUP] = "authority";
            l.cell[C_REGION] = g_ptr_array_index(ref->regions, au->region);
            l.cell[C_AUTHORITY] = au->name;
            l.cell[C_DFE] = au->code;
            l.cell[C_ONS] = gb__statsfmt_ons(au);
            l.cell[C_SERIES] = "computed";
            l.cell[C_GRADE] = g >= 0 ? gb__statsfmt_common_ids[g] : "none";
            int j = g_array_index(st->judgement_of, int, a);
            if (j >= 0) {
                guint32 when = g_array_index(st->when_of, guint32, a);
                const GbJudgement *jj = gb_ref_judgement(ref, j);
                l.cell[C_REGIME] = gb_ref_regime(ref, jj->regime)->id;
                l.cell[C_JUDGEMENT] = jj->id;
                gb__line_num(&l, C_YEAR, "%u", when / 10000);
                gb__line_date(&l, C_DATE, when);
            }
            gb__statsfmt_csv_row(s, l.cell, C_N);
        }
    }
}

/* The reconciliation, like with like (as the briefing's): two rows per pair,
 * series computed and published, kind "reconciliation". */
static void
gb__csv_pair(GString *s, const GbCsvLine *base, int count, int cbase, double cpct, double pvalue,
             gboolean percent, int pbase)
{
    GbCsvLine l = *base;
    for (int i = 0; i < C_N; i++)
        if (base->cell[i] == base->buf[i])
            l.cell[i] = l.buf[i];
    l.cell[C_SERIES] = "computed";
    gb__line_num(&l, C_COUNT, "%d", count);
    gb__line_num(&l, C_BASE, "%d", cbase);
    gb__line_num(&l, C_PERCENT, "%.1f", cpct);
    gb__statsfmt_csv_row(s, l.cell, C_N);
    l.cell[C_SERIES] = "published";
    l.cell[C_COUNT] = l.cell[C_BASE] = l.cell[C_PERCENT] = "";
    if (percent)
        gb__line_num(&l, C_PERCENT, "%.1f", pvalue);
    else
        gb__line_num(&l, C_COUNT, "%.0f", pvalue);
    if (pbase > 0) {
        gb__line_num(&l, C_BASE, "%d", pbase);
        if (!percent)
            gb__line_num(&l, C_PERCENT, "%.1f", gb_summary_share(pvalue, pbase));
    }
    gb__statsfmt_csv_row(s, l.cell, C_N);
}

static void
gb__csv_reconciliation(const GbRef *ref, const GbStats *st, GString *s)
{
    for (guint i = 0; i < st->reconciliations->len; i++) {
        const GbReconciliation *r = &g_array_index(st->reconciliations, GbReconciliation, i);
        if (!r->like)
            continue;
        GbNames n;
        gb__statsfmt_names(ref, r->computed.year, r->computed.regime, r->computed.judgement, -2,
                           &n);
        GbCsvLine l;
        gb__line_clear(&l);
        l.cell[C_KIND] = "reconciliation";
        l.cell[C_YEAR] = n.year;
        gb__line_date(&l, C_FROM, r->published.headline->from);
        gb__line_date(&l, C_TO, r->published.headline->to);
        l.cell[C_REGIME] = n.regime;
        l.cell[C_JUDGEMENT] = n.judgement;
        l.cell[C_GRADE] = r->computed.measure;
        gboolean pct = r->published.count < 0;
        gb__csv_pair(s, &l, r->computed.count, r->computed.base, r->computed.percent,
                     pct ? r->published.percent : r->published.count, pct, r->published.base);
    }
    for (guint i = 0; i < st->position_pairs->len; i++) {
        const GbPositionPair *p = &g_array_index(st->position_pairs, GbPositionPair, i);
        GbCsvLine l;
        gb__line_clear(&l);
        l.cell[C_KIND] = "reconciliation";
        gb__line_date(&l, C_AS_AT, p->as_at);
        l.cell[C_FAMILY] = g_ptr_array_index(ref->families, p->family);
        l.cell[C_GROUP] = "england";
        l.cell[C_GRADE] = p->headline->grade;
        gb__line_num(&l, C_AUTHORITIES, "%d", p->position.authorities);
        gb__csv_pair(s, &l, p->count, p->position.base, p->percent, p->headline->value,
                     strcmp(p->headline->unit, "percent") == 0, p->headline->base);
    }
    for (guint i = 0; i < st->group_pairs->len; i++) {
        const GbGroupPair *p = &g_array_index(st->group_pairs, GbGroupPair, i);
        if (!p->published)
            continue;
        const GbRegime *rg = gb_ref_regime(ref, p->regime);
        for (int k = (int)rg->grades->len - 1; k >= 0; k--) {
            GbCsvLine l;
            gb__line_clear(&l);
            l.cell[C_KIND] = "reconciliation";
            l.cell[C_GROUP] = p->group;
            gb__line_num(&l, C_YEAR, "%d", p->published_year);
            gb__line_date(&l, C_FROM, p->from);
            gb__line_date(&l, C_TO, p->to);
            l.cell[C_REGIME] = rg->id;
            l.cell[C_JUDGEMENT] = gb_ref_judgement(ref, p->judgement)->id;
            l.cell[C_GRADE] = gb_ref_grade(ref, p->regime, k)->id;
            gb__csv_pair(s, &l, (int)p->count[k], (int)p->base,
                         gb_summary_share(p->count[k], p->base), p->published_count[k], FALSE,
                         (int)p->published_base);
        }
    }
}

void
gb__statsfmt_csv(const GbRun *run, const GbStats *st, FILE *out)
{
    const GbRef *ref = run->t->ref;
    GString *s = g_string_new(NULL);
    gb__statsfmt_csv_row(s, gb__csv_header, C_N);
    gb__csv_positions(run, s);
    for (guint i = 0; i < st->distributions->len; i++) {
        const GbDistribution *d = &g_array_index(st->distributions, GbDistribution, i);
        GbNames n;
        gb__statsfmt_names(ref, d->year, d->regime, d->judgement, d->region, &n);
        for (int g = 0; g < d->ngrades; g++) {
            GbCsvLine l;
            gb__line_clear(&l);
            l.cell[C_KIND] = "inspections";
            l.cell[C_YEAR] = n.year;
            gb__line_date(&l, C_FROM, d->period_from);
            gb__line_date(&l, C_TO, d->period_to);
            if (d->year >= 0)
                l.cell[C_PARTIAL] = d->partial ? "yes" : "no";
            l.cell[C_REGIME] = n.regime;
            l.cell[C_JUDGEMENT] = n.judgement;
            l.cell[C_REGION] = n.region;
            l.cell[C_SERIES] = "computed";
            l.cell[C_GRADE] = gb__statsfmt_grade_id(ref, d, g);
            gb__line_num(&l, C_COUNT, "%u", d->count[g]);
            gb__line_num(&l, C_BASE, "%u", d->base);
            gb__line_num(&l, C_PERCENT, "%.1f", d->percent[g]);
            gb__line_num(&l, C_WHOLE, "%d", d->whole[g]);
            gb__statsfmt_csv_row(s, l.cell, C_N);
        }
    }
    for (guint i = 0; i < st->published->len; i++) {
        const GbMeasure *m = &g_array_index(st->published, GbMeasure, i);
        GbNames n;
        gb__statsfmt_names(ref, m->year, m->regime, m->judgement, -2, &n);
        GbCsvLine l;
        gb__line_clear(&l);
        l.cell[C_KIND] = "published";
        l.cell[C_YEAR] = n.year;
        l.cell[C_REGIME] = n.regime;
        l.cell[C_JUDGEMENT] = n.judgement;
        l.cell[C_SERIES] = "published";
        l.cell[C_GRADE] = m->measure;
        if (m->count >= 0)
            gb__line_num(&l, C_COUNT, "%d", m->count);
        if (m->base >= 0)
            gb__line_num(&l, C_BASE, "%d", m->base);
        if (!isnan(m->percent))
            gb__line_num(&l, C_PERCENT, "%.1f", m->percent);
        gb__statsfmt_csv_row(s, l.cell, C_N);
    }
    gb__csv_reconciliation(ref, st, s);
    fwrite(s->str, 1, s->len, out);
    g_string_free(s, TRUE);
}
