/* statsjson.c - `stats -f json`: the as-at date, positions, standings,
 * distributions, published figures, changes, reconciliation and the latest
 * judgements as one JSON object in a stable key order (json-glib), and the
 * JSON pieces the --authority and --movers writers use too. */
#include "pipeline/statsfmt-private.h"

#include "pipeline/text.h"

#include <math.h>

void
gb__statsfmt_json_write(JsonBuilder *b, FILE *out)
{
    JsonGenerator *gen = json_generator_new();
    JsonNode *root = json_builder_get_root(b);
    json_generator_set_root(gen, root);
    json_generator_set_pretty(gen, TRUE);
    gsize len;
    char *text = json_generator_to_data(gen, &len);
    fwrite(text, 1, len, out);
    fputc('\n', out);
    g_free(text);
    json_node_unref(root);
    g_object_unref(gen);
    g_object_unref(b);
}

static void
gb__json_measure(JsonBuilder *b, const GbRef *ref, const char *name, const GbMeasure *m)
{
    json_builder_set_member_name(b, name);
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "year");
    json_builder_add_int_value(b, m->year);
    json_builder_set_member_name(b, "regime");
    json_builder_add_string_value(b, gb_ref_regime(ref, m->regime)->id);
    json_builder_set_member_name(b, "judgement");
    json_builder_add_string_value(b, gb_ref_judgement(ref, m->judgement)->id);
    json_builder_set_member_name(b, "measure");
    json_builder_add_string_value(b, m->measure);
    json_builder_set_member_name(b, "series");
    json_builder_add_string_value(b, m->series == GB_SERIES_PUBLISHED ? "published" : "computed");
    json_builder_set_member_name(b, "percent");
    if (isnan(m->percent))
        json_builder_add_null_value(b);
    else
        json_builder_add_double_value(b, round(m->percent * 10) / 10);
    json_builder_set_member_name(b, "count");
    if (m->count < 0)
        json_builder_add_null_value(b);
    else
        json_builder_add_int_value(b, m->count);
    json_builder_set_member_name(b, "base");
    if (m->base < 0)
        json_builder_add_null_value(b);
    else
        json_builder_add_int_value(b, m->base);
    json_builder_set_member_name(b, "qualifier");
    json_builder_add_string_value(b, m->qualifier);
    json_builder_end_object(b);
}

void
gb__statsfmt_json_int(JsonBuilder *b, const char *name, gint64 v)
{
    json_builder_set_member_name(b, name);
    json_builder_add_int_value(b, v);
}

void
gb__statsfmt_json_str(JsonBuilder *b, const char *name, const char *v)
{
    json_builder_set_member_name(b, name);
    if (v != NULL)
        json_builder_add_string_value(b, v);
    else
        json_builder_add_null_value(b);
}

void
gb__statsfmt_json_date(JsonBuilder *b, const char *name, guint32 ymd)
{
    char date[11];
    gb_text_format_date(ymd, date);
    gb__statsfmt_json_str(b, name, ymd ? date : NULL);
}

void
gb__statsfmt_json_as_at(JsonBuilder *b, const GbRun *run)
{
    json_builder_set_member_name(b, "as_at");
    json_builder_begin_object(b);
    gb__statsfmt_json_date(b, "date", run->at.date);
    gb__statsfmt_json_str(b, "source", gb_position_as_at_source(run->at.source));
    gb__statsfmt_json_int(b, "left_out_after", (gint64)run->t->after);
    gb__statsfmt_json_date(b, "left_out_first", run->t->after_first);
    gb__statsfmt_json_date(b, "left_out_newest", run->t->after_newest);
    json_builder_end_object(b);
}

void
gb__statsfmt_json_position(JsonBuilder *b, const GbRef *ref, const GbPosition *p,
                           const GbPosition *prev)
{
    json_builder_begin_object(b);
    gb__statsfmt_json_date(b, "as_at", p->as_at);
    gb__statsfmt_json_str(b, "family", g_ptr_array_index(ref->families, p->family));
    gb__statsfmt_json_str(b, "group", gb__statsfmt_group_id(p->group));
    if (p->region >= 0)
        gb__statsfmt_json_str(b, "region", g_ptr_array_index(ref->regions, p->region));
    if (p->authority >= 0) {
        const GbAuthority *a = gb_ref_authority(ref, p->authority);
        gb__statsfmt_json_str(b, "authority", a->name);
        gb__statsfmt_json_str(b, "dfe_code", a->code);
        gb__statsfmt_json_str(b, "ons_code", gb__statsfmt_ons(a));
    }
    gb__statsfmt_json_int(b, "authorities", p->authorities);
    gb__statsfmt_json_int(b, "base", p->base);
    gb__statsfmt_json_int(b, "not_judged", p->not_judged);
    json_builder_set_member_name(b, "grades");
    json_builder_begin_array(b);
    for (int g = 0; g < GB_COMMON_LEVELS; g++) {
        json_builder_begin_object(b);
        gb__statsfmt_json_str(b, "grade", gb__statsfmt_common_ids[g]);
        gb__statsfmt_json_int(b, "count", p->count[g]);
        json_builder_set_member_name(b, "percent");
        json_builder_add_double_value(b, round(p->percent[g] * 10) / 10);
        gb__statsfmt_json_int(b, "percent_whole", p->whole[g]);
        json_builder_set_member_name(b, "change_points");
        if (prev != NULL && prev->base > 0 && p->base > 0)
            json_builder_add_double_value(b, round((p->percent[g] - prev->percent[g]) * 10) / 10);
        else
            json_builder_add_null_value(b);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    gb__statsfmt_json_int(b, "good_or_better", p->good_or_better);
    json_builder_set_member_name(b, "latest_by_regime");
    json_builder_begin_object(b);
    for (guint r = 0; r < ref->regimes->len && r < GB_POSITION_REGIMES; r++)
        if (p->by_regime[r] > 0)
            gb__statsfmt_json_int(b, gb_ref_regime(ref, (int)r)->id, p->by_regime[r]);
    json_builder_end_object(b);
    gb__statsfmt_json_date(b, "oldest_judgement", p->oldest);
    json_builder_end_object(b);
}

static void
gb__json_positions(JsonBuilder *b, const GbRun *run)
{
    const GbRef *ref = run->t->ref;
    json_builder_set_member_name(b, "positions");
    json_builder_begin_array(b);
    for (guint k = 0; k < run->families->len; k++) {
        const GArray *series = g_ptr_array_index(run->positions, k);
        for (guint i = 0; i < series->len; i++)
            gb__statsfmt_json_position(b, ref, &g_array_index(series, GbPosition, i),
                                       gb__statsfmt_previous(series, i));
    }
    json_builder_end_array(b);
    if (run->standings->len == 0)
        return;
    json_builder_set_member_name(b, "standings");
    json_builder_begin_array(b);
    for (guint k = 0; k < run->standings->len; k++) {
        const GbStanding *st = g_ptr_array_index(run->standings, k);
        for (guint a = 0; a < ref->authorities->len; a++) {
            int g = g_array_index(st->grade_of, int, a);
            if (g == -2)
                continue;
            const GbAuthority *au = gb_ref_authority(ref, (int)a);
            json_builder_begin_object(b);
            gb__statsfmt_json_str(b, "family", g_ptr_array_index(ref->families, st->family));
            gb__statsfmt_json_str(b, "authority", au->name);
            gb__statsfmt_json_str(b, "dfe_code", au->code);
            gb__statsfmt_json_str(b, "ons_code", gb__statsfmt_ons(au));
            gb__statsfmt_json_str(b, "region", g_ptr_array_index(ref->regions, au->region));
            gb__statsfmt_json_str(b, "grade", g >= 0 ? gb__statsfmt_common_ids[g] : NULL);
            int j = g_array_index(st->judgement_of, int, a);
            if (j >= 0) {
                gb__statsfmt_json_str(b, "regime",
                                      gb_ref_regime(ref, gb_ref_judgement(ref, j)->regime)->id);
                gb__statsfmt_json_str(b, "judgement", gb_ref_judgement(ref, j)->id);
                gb__statsfmt_json_date(b, "date", g_array_index(st->when_of, guint32, a));
            }
            json_builder_end_object(b);
        }
    }
    json_builder_end_array(b);
}

/* One distribution of the inspections made in a period. */
static void
gb__json_distribution(JsonBuilder *b, const GbRef *ref, const GbDistribution *d)
{
    GbNames n;
    gb__statsfmt_names(ref, d->year, d->regime, d->judgement, d->region, &n);
    json_builder_begin_object(b);
    if (d->year >= 0)
        gb__statsfmt_json_int(b, "year", d->year);
    gb__statsfmt_json_str(b, "regime", n.regime);
    if (d->judgement >= 0)
        gb__statsfmt_json_str(b, "judgement", n.judgement);
    if (d->region >= 0)
        gb__statsfmt_json_str(b, "region", n.region);
    gb__statsfmt_json_str(b, "series", "computed");
    if (d->year >= 0) {
        char *label = gb_stats_flow_label(d);
        gb__statsfmt_json_str(b, "kind", "inspections made in a period");
        gb__statsfmt_json_str(b, "label", label);
        g_free(label);
        gb__statsfmt_json_date(b, "period_from", d->period_from);
        gb__statsfmt_json_date(b, "period_to", d->period_to);
        json_builder_set_member_name(b, "partial");
        json_builder_add_boolean_value(b, d->partial);
    }
    gb__statsfmt_json_int(b, "base", d->base);
    json_builder_set_member_name(b, "grades");
    json_builder_begin_array(b);
    for (int g = 0; g < d->ngrades; g++) {
        json_builder_begin_object(b);
        gb__statsfmt_json_str(b, "grade", gb__statsfmt_grade_id(ref, d, g));
        gb__statsfmt_json_int(b, "count", d->count[g]);
        json_builder_set_member_name(b, "percent");
        json_builder_add_double_value(b, round(d->percent[g] * 10) / 10);
        gb__statsfmt_json_int(b, "percent_whole", d->whole[g]);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    if (d->graded) {
        gb__statsfmt_json_int(b, "good_or_better", d->good_or_better);
        gb__statsfmt_json_int(b, "inadequate", d->inadequate);
    }
    if (d->selection != NULL)
        gb__statsfmt_json_str(b, "selection", d->selection);
    json_builder_end_object(b);
}

/* A number to one decimal, or null for NaN. */
static void
gb__json_tenths(JsonBuilder *b, const char *name, double v)
{
    json_builder_set_member_name(b, name);
    if (isnan(v))
        json_builder_add_null_value(b);
    else
        json_builder_add_double_value(b, round(v * 10) / 10);
}

/* The published figures, the changes between years and the reconciliation. */
static void
gb__json_figures(JsonBuilder *b, const GbRef *ref, const GbStats *st)
{
    json_builder_set_member_name(b, "published");
    json_builder_begin_array(b);
    for (guint i = 0; i < st->published->len; i++) {
        json_builder_begin_object(b);
        gb__json_measure(b, ref, "figure", &g_array_index(st->published, GbMeasure, i));
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    json_builder_set_member_name(b, "changes");
    json_builder_begin_array(b);
    for (guint i = 0; i < st->changes->len; i++) {
        const GbChange *c = &g_array_index(st->changes, GbChange, i);
        json_builder_begin_object(b);
        gb__json_measure(b, ref, "from", &c->from);
        gb__json_measure(b, ref, "to", &c->to);
        json_builder_set_member_name(b, "points");
        json_builder_add_double_value(b, round(c->points * 10) / 10);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    json_builder_set_member_name(b, "reconciliation");
    json_builder_begin_array(b);
    for (guint i = 0; i < st->reconciliations->len; i++) {
        const GbReconciliation *r = &g_array_index(st->reconciliations, GbReconciliation, i);
        json_builder_begin_object(b);
        gb__json_measure(b, ref, "computed", &r->computed);
        gb__json_measure(b, ref, "published", &r->published);
        gb__json_tenths(b, "difference", r->difference);
        gb__statsfmt_json_str(b, "reason", r->reason);
        /* Like with like (the same base, not a selection counted by another
         * source): the pairs the table and CSV list as reconciled. */
        json_builder_set_member_name(b, "like");
        json_builder_add_boolean_value(b, r->like);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
}

/* The latest judgements as at the date, counted on the common scale. */
static void
gb__json_latest(JsonBuilder *b, const GbLatest *latest)
{
    json_builder_set_member_name(b, "latest");
    json_builder_begin_object(b);
    char date[11];
    gb_text_format_date(latest->as_at, date);
    gb__statsfmt_json_str(b, "as_at", date); /* never null, unlike a position's */
    gb__statsfmt_json_str(b, "judgement", latest->judgement);
    gb__statsfmt_json_int(b, "authorities", latest->authorities);
    for (int g = 0; g < GB_COMMON_LEVELS; g++)
        gb__statsfmt_json_int(b, gb__statsfmt_common_ids[g], latest->count[g]);
    gb__statsfmt_json_int(b, "not_inspected", latest->not_inspected);
    json_builder_end_object(b);
}

void
gb__statsfmt_json(const GbRun *run, const GbStats *st, const GbLatest *latest, FILE *out)
{
    const GbRef *ref = run->t->ref;
    JsonBuilder *b = json_builder_new();
    json_builder_begin_object(b);
    gb__statsfmt_json_as_at(b, run);
    gb__json_positions(b, run);
    json_builder_set_member_name(b, "distributions");
    json_builder_begin_array(b);
    for (guint i = 0; i < st->distributions->len; i++)
        gb__json_distribution(b, ref, &g_array_index(st->distributions, GbDistribution, i));
    json_builder_end_array(b);
    gb__json_figures(b, ref, st);
    gb__json_latest(b, latest);
    json_builder_end_object(b);
    gb__statsfmt_json_write(b, out);
}
