/* statsauthority.c - `stats --authority NAME`: one authority's history
 * across regimes (its predecessors' too) and where it stands in each family
 * against England, its region and its statistical neighbours, as a table,
 * as CSV (the history) or as JSON. */
#include "pipeline/statsfmt-private.h"

#include "pipeline/summary.h"
#include "pipeline/text.h"

/* Where authority a stands in each family on the run's date, against
 * England, its region and its statistical neighbours. */
static void
gb__table_comparators(const GbRun *run, int a, GString *s)
{
    const GbTable *t = run->t;
    const GbRef *ref = t->ref;
    char date[32], label[64];
    gb_text_format_date_long(run->at.date, date, sizeof date);
    g_string_append_printf(s, "\nPositions as at %s (%s), by judgement family\n", date,
                           gb_position_as_at_source(run->at.source));
    for (guint k = 0; k < run->families->len; k++) {
        int f = g_array_index(run->families, int, k);
        GbStanding *st = gb_position_standing(t, f, run->at.date);
        if (st == NULL)
            continue;
        int own = g_array_index(st->grade_of, int, a), j = g_array_index(st->judgement_of, int, a);
        g_string_append_printf(s, "  %s: %s",
                               gb__statsfmt_family_label(ref, f, label, sizeof label),
                               own >= 0    ? ref->common_labels[own]
                               : own == -1 ? "no judgement"
                                           : "did not exist");
        if (j >= 0) {
            char when[32];
            gb_text_format_date_long(g_array_index(st->when_of, guint32, a), when, sizeof when);
            g_string_append_printf(s, " (%s %s)",
                                   gb_ref_regime(ref, gb_ref_judgement(ref, j)->regime)->short_name,
                                   when);
        }
        g_string_append_c(s, '\n');
        GbPosition c[3];
        gb_position_comparators(t, st, a, c);
        static const char *const names[3] = {"England", "Region", "Statistical neighbours"};
        for (int r = 0; r < 3; r++) {
            g_string_append_printf(s, "    %-24s %3d of %3d judged:", names[r], c[r].base,
                                   c[r].authorities);
            /* Each count with its level's name (the regimes' own where they share one). */
            for (int g = 0; g < GB_COMMON_LEVELS; g++)
                g_string_append_printf(s, " %d %s (%.1f%%)%s", c[r].count[g],
                                       gb_summary_position_label(ref, &c[r], g, NULL),
                                       c[r].percent[g], g + 1 < GB_COMMON_LEVELS ? "," : "");
            g_string_append_c(s, '\n');
        }
        gb_position_standing_free(st);
    }
}

static void
gb__json_comparators(JsonBuilder *b, const GbRun *run, int a)
{
    const GbTable *t = run->t;
    const GbRef *ref = t->ref;
    json_builder_set_member_name(b, "positions");
    json_builder_begin_array(b);
    for (guint k = 0; k < run->families->len; k++) {
        int f = g_array_index(run->families, int, k);
        GbStanding *st = gb_position_standing(t, f, run->at.date);
        if (st == NULL)
            continue;
        int own = g_array_index(st->grade_of, int, a), j = g_array_index(st->judgement_of, int, a);
        json_builder_begin_object(b);
        gb__statsfmt_json_str(b, "family", g_ptr_array_index(ref->families, f));
        gb__statsfmt_json_date(b, "as_at", run->at.date);
        gb__statsfmt_json_str(b, "grade", own >= 0 ? gb__statsfmt_common_ids[own] : NULL);
        if (j >= 0) {
            gb__statsfmt_json_str(b, "regime",
                                  gb_ref_regime(ref, gb_ref_judgement(ref, j)->regime)->id);
            gb__statsfmt_json_date(b, "date", g_array_index(st->when_of, guint32, a));
        }
        GbPosition c[3];
        gb_position_comparators(t, st, a, c);
        json_builder_set_member_name(b, "comparators");
        json_builder_begin_array(b);
        for (int r = 0; r < 3; r++)
            gb__statsfmt_json_position(b, ref, &c[r], NULL);
        json_builder_end_array(b);
        json_builder_end_object(b);
        gb_position_standing_free(st);
    }
    json_builder_end_array(b);
}

void
gb__statsfmt_authority_table(const GbRun *run, int a, const GbLatest *latest, FILE *out)
{
    const GbTable *t = run->t;
    const GbRef *ref = t->ref;
    const GbAuthority *au = gb_ref_authority(ref, a);
    GString *s = g_string_new(NULL);
    g_string_append_printf(s,
                           "%s (DfE %s, %s)\n\nHistory (headline judgement of each "
                           "regime)\n",
                           au->name, au->code, (char *)g_ptr_array_index(ref->regions, au->region));
    GArray *h = gb_stats_history(t, a);
    const GbEvent *prev = NULL;
    for (guint i = 0; i < h->len; i++) {
        const GbEvent *e = &g_array_index(h, GbEvent, i);
        g_string_append(s, "  ");
        gb__statsfmt_event_text(s, ref, e);
        if (prev != NULL && prev->common >= 0 && e->common >= 0 && prev->common != e->common)
            g_string_append(s, e->common < prev->common ? "  (up)" : "  (down)");
        g_string_append_c(s, '\n');
        if (e->common >= 0)
            prev = e;
    }
    if (h->len == 0)
        g_string_append(s, "  no judgements in the data\n");
    g_array_free(h, TRUE);
    GbComparison c;
    gb_stats_compare(t, latest, a, &c);
    char date[32];
    gb_text_format_date_long(latest->as_at, date, sizeof date);
    const char *labels[GB_COMMON_LEVELS];
    gb__statsfmt_latest_labels(run, latest, labels);
    g_string_append_printf(s, "\nLatest %s as at %s: %s\n",
                           gb__statsfmt_judgement_name(ref, latest->judgement), date,
                           c.own >= 0 ? labels[c.own] : "not inspected");
    const struct {
        const char *name;
        const int *counts;
        int n, better;
    } rows[] = {{"England", c.england, c.england_n, c.better_england},
                {"Region", c.region, c.region_n, c.better_region},
                {"Statistical neighbours", c.neighbours, c.neighbours_n, c.better_neighbours}};
    for (gsize r = 0; r < G_N_ELEMENTS(rows); r++) {
        g_string_append_printf(s, "  %-24s %3d:", rows[r].name, rows[r].n);
        for (int g = 0; g < GB_COMMON_LEVELS; g++)
            g_string_append_printf(s, " %d %s (%.1f%%)%s", rows[r].counts[g], ref->common_labels[g],
                                   rows[r].n ? 100.0 * rows[r].counts[g] / rows[r].n : 0.0,
                                   g + 1 < GB_COMMON_LEVELS ? "," : "");
        if (c.own >= 0)
            g_string_append_printf(s, "; %d judged better", rows[r].better);
        g_string_append_c(s, '\n');
    }
    g_string_append(s, "\nStatistical neighbours\n");
    for (int k = 0; k < (int)G_N_ELEMENTS(au->neighbours); k++) {
        int n = au->neighbours[k];
        if (n < 0)
            continue;
        int g = g_array_index(latest->grade_of, int, n);
        g_string_append_printf(s, "  %2d %-36s %-16s %s\n", k + 1, gb_ref_authority(ref, n)->name,
                               au->closeness[k] ? au->closeness[k] : "",
                               g >= 0 ? ref->common_labels[g] : "not inspected");
    }
    gb__table_comparators(run, a, s);
    fwrite(s->str, 1, s->len, out);
    g_string_free(s, TRUE);
}

static void
gb__json_counts(JsonBuilder *b, const char *name, const int *counts, int n, int better)
{
    json_builder_set_member_name(b, name);
    json_builder_begin_object(b);
    gb__statsfmt_json_int(b, "authorities", n);
    for (int g = 0; g < GB_COMMON_LEVELS; g++)
        gb__statsfmt_json_int(b, gb__statsfmt_common_ids[g], counts[g]);
    if (better >= 0)
        gb__statsfmt_json_int(b, "judged_better", better);
    json_builder_end_object(b);
}

/* The history as CSV, one row per judgement, with the authority's codes. */
static void
gb__authority_csv(const GbRef *ref, const GbAuthority *au, const GArray *h, FILE *out)
{
    GString *s = g_string_new(NULL);
    const char *header[] = {"authority", "dfe_code",  "ons_code", "year",   "date",
                            "regime",    "judgement", "grade",    "common", "as_authority"};
    gb__statsfmt_csv_row(s, header, G_N_ELEMENTS(header));
    for (guint i = 0; i < h->len; i++) {
        const GbEvent *e = &g_array_index(h, GbEvent, i);
        char year[8], date[11] = "";
        g_snprintf(year, sizeof year, "%d", e->year);
        if (e->date)
            gb_text_format_date(e->date, date);
        const char *cells[] = {au->name,
                               au->code,
                               gb__statsfmt_ons(au),
                               year,
                               date,
                               gb_ref_regime(ref, e->regime)->id,
                               gb_ref_judgement(ref, e->judgement)->id,
                               gb_ref_grade(ref, e->regime, e->grade)->id,
                               e->common >= 0 ? ref->common_labels[e->common] : "",
                               e->as_authority >= 0 ? gb_ref_authority(ref, e->as_authority)->name
                                                    : ""};
        gb__statsfmt_csv_row(s, cells, G_N_ELEMENTS(cells));
    }
    fwrite(s->str, 1, s->len, out);
    g_string_free(s, TRUE);
}

static void
gb__json_history(JsonBuilder *b, const GbRef *ref, const GArray *h)
{
    json_builder_set_member_name(b, "history");
    json_builder_begin_array(b);
    for (guint i = 0; i < h->len; i++) {
        const GbEvent *e = &g_array_index(h, GbEvent, i);
        json_builder_begin_object(b);
        gb__statsfmt_json_int(b, "year", e->year);
        if (e->date)
            gb__statsfmt_json_date(b, "date", e->date);
        gb__statsfmt_json_str(b, "regime", gb_ref_regime(ref, e->regime)->id);
        gb__statsfmt_json_str(b, "judgement", gb_ref_judgement(ref, e->judgement)->id);
        gb__statsfmt_json_str(b, "grade", gb_ref_grade(ref, e->regime, e->grade)->id);
        if (e->as_authority >= 0)
            gb__statsfmt_json_str(b, "as_authority", gb_ref_authority(ref, e->as_authority)->name);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
}

/* The latest judgement of a, and the counts it is compared with. */
static void
gb__json_latest(JsonBuilder *b, const GbRun *run, int a, const GbLatest *latest)
{
    const GbRef *ref = run->t->ref;
    GbComparison c;
    gb_stats_compare(run->t, latest, a, &c);
    char date[11];
    gb_text_format_date(latest->as_at, date);
    json_builder_set_member_name(b, "latest");
    json_builder_begin_object(b);
    gb__statsfmt_json_str(b, "as_at", date);
    gb__statsfmt_json_str(b, "judgement", latest->judgement);
    gb__statsfmt_json_str(b, "grade", c.own >= 0 ? ref->common_labels[c.own] : NULL);
    gb__json_counts(b, "england", c.england, c.england_n, c.own >= 0 ? c.better_england : -1);
    gb__json_counts(b, "region", c.region, c.region_n, c.own >= 0 ? c.better_region : -1);
    gb__json_counts(b, "neighbours", c.neighbours, c.neighbours_n,
                    c.own >= 0 ? c.better_neighbours : -1);
    json_builder_end_object(b);
}

static void
gb__json_neighbours(JsonBuilder *b, const GbRef *ref, const GbAuthority *au, const GbLatest *latest)
{
    json_builder_set_member_name(b, "neighbours");
    json_builder_begin_array(b);
    for (int k = 0; k < (int)G_N_ELEMENTS(au->neighbours); k++) {
        int n = au->neighbours[k];
        if (n < 0)
            continue;
        int g = g_array_index(latest->grade_of, int, n);
        json_builder_begin_object(b);
        gb__statsfmt_json_int(b, "rank", k + 1);
        gb__statsfmt_json_str(b, "authority", gb_ref_authority(ref, n)->name);
        gb__statsfmt_json_str(b, "closeness", au->closeness[k] ? au->closeness[k] : "");
        gb__statsfmt_json_str(b, "grade", g >= 0 ? ref->common_labels[g] : NULL);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
}

void
gb__statsfmt_authority_data(const GbRun *run, int a, const GbLatest *latest, gboolean json,
                            FILE *out)
{
    const GbRef *ref = run->t->ref;
    const GbAuthority *au = gb_ref_authority(ref, a);
    GArray *h = gb_stats_history(run->t, a);
    if (!json) {
        gb__authority_csv(ref, au, h, out);
        g_array_free(h, TRUE);
        return;
    }
    JsonBuilder *b = json_builder_new();
    json_builder_begin_object(b);
    gb__statsfmt_json_str(b, "authority", au->name);
    gb__statsfmt_json_str(b, "dfe_code", au->code);
    gb__statsfmt_json_str(b, "ons_code", gb__statsfmt_ons(au));
    gb__statsfmt_json_as_at(b, run);
    gb__statsfmt_json_str(b, "region", g_ptr_array_index(ref->regions, au->region));
    gb__json_history(b, ref, h);
    gb__json_latest(b, run, a, latest);
    gb__json_neighbours(b, ref, au, latest);
    gb__json_comparators(b, run, a);
    json_builder_end_object(b);
    gb__statsfmt_json_write(b, out);
    g_array_free(h, TRUE);
}
