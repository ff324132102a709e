/* statsfmt.c - `gradebrief stats` output: table, CSV, JSON (see statsfmt.h). */
#include "pipeline/statsfmt.h"

#include "pipeline/text.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

int
gb_statsfmt_parse_options(const char *by, const char *format, const char *as_at,
                          const char *authority, GbStatsOptions *o)
{
    *o = (GbStatsOptions){.by = GB_BY_YEAR | GB_BY_REGIME | GB_BY_JUDGEMENT};
    if (by != NULL) {
        o->by = 0;
        char **parts = g_strsplit(by, ",", -1);
        for (char **p = parts; *p != NULL; p++) {
            char *w = g_strstrip(*p);
            if (strcmp(w, "year") == 0)
                o->by |= GB_BY_YEAR;
            else if (strcmp(w, "regime") == 0)
                o->by |= GB_BY_REGIME;
            else if (strcmp(w, "judgement") == 0)
                o->by |= GB_BY_JUDGEMENT;
            else if (strcmp(w, "region") == 0)
                o->by |= GB_BY_REGION;
            else {
                fprintf(stderr, "gradebrief stats: --by: unknown group '%s' (use year, regime, "
                        "judgement, region)\n", w);
                g_strfreev(parts);
                return 64;
            }
        }
        g_strfreev(parts);
    }
    if (format == NULL || strcmp(format, "table") == 0)
        o->format = GB_FMT_TABLE;
    else if (strcmp(format, "csv") == 0)
        o->format = GB_FMT_CSV;
    else if (strcmp(format, "json") == 0)
        o->format = GB_FMT_JSON;
    else {
        fprintf(stderr, "gradebrief stats: --format: '%s' is not table, csv or json\n", format);
        return 64;
    }
    if (as_at != NULL && !gb_text_parse_date(as_at, &o->as_at)) {
        fprintf(stderr, "gradebrief stats: --as-at: '%s' is not a date (YYYY-MM-DD)\n", as_at);
        return 64;
    }
    o->authority = g_strdup(authority);
    return 0;
}

void
gb_statsfmt_options_clear(GbStatsOptions *o)
{
    g_free(o->authority);
    o->authority = NULL;
}

void
gb_statsfmt_csv_field(GString *out, const char *s)
{
    gboolean formula = s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' ||
                       s[0] == '\t' || s[0] == '\r';
    /* A number such as -7.0 is data, not a formula. */
    if (s[0] == '-' || s[0] == '+') {
        char *end;
        g_ascii_strtod(s, &end);
        if (end != s && *end == '\0')
            formula = FALSE;
    }
    gboolean quote = formula || strpbrk(s, ",\"\r\n") != NULL;
    if (!quote) {
        g_string_append(out, s);
        return;
    }
    g_string_append_c(out, '"');
    if (formula)
        g_string_append_c(out, '\'');
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            g_string_append_c(out, '"');
        g_string_append_c(out, *p);
    }
    g_string_append_c(out, '"');
}

/* Names of a distribution's group, "" where not grouped. */
typedef struct {
    char year[8];
    const char *regime, *judgement, *region;
} GbNames;

static void
gb__names(const GbRef *ref, int year, int regime, int judgement, int region, GbNames *n)
{
    if (year >= 0)
        g_snprintf(n->year, sizeof n->year, "%d", year);
    else
        n->year[0] = '\0';
    n->regime = regime >= 0 ? gb_ref_regime(ref, regime)->id : (regime == -1 ? "common" : "");
    n->judgement = judgement >= 0 ? gb_ref_judgement(ref, judgement)->id : "";
    n->region = region >= 0 ? (const char *)g_ptr_array_index(ref->regions, region) : "";
}

static const char *
gb__grade_id(const GbRef *ref, const GbDistribution *d, int g)
{
    static const char *const common[GB_COMMON_LEVELS] = {"outstanding", "good", "adequate",
                                                         "inadequate"};
    return d->regime >= 0 ? gb_ref_grade(ref, d->regime, g)->id : common[g];
}

static void
gb__csv_row(GString *s, const char *const *cells, int n)
{
    for (int i = 0; i < n; i++) {
        if (i)
            g_string_append_c(s, ',');
        gb_statsfmt_csv_field(s, cells[i]);
    }
    g_string_append(s, "\r\n");
}

static void
gb__write_csv(const GbTable *t, const GbStats *st, FILE *out)
{
    const GbRef *ref = t->ref;
    GString *s = g_string_new(NULL);
    const char *header[] = {"year", "regime", "judgement", "region", "series", "grade",
                            "count", "base", "percent", "percent_whole"};
    gb__csv_row(s, header, G_N_ELEMENTS(header));
    for (guint i = 0; i < st->distributions->len; i++) {
        const GbDistribution *d = &g_array_index(st->distributions, GbDistribution, i);
        GbNames n;
        gb__names(ref, d->year, d->regime, d->judgement, d->region, &n);
        for (int g = 0; g < d->ngrades; g++) {
            char count[16], base[16], pct[16], whole[16];
            g_snprintf(count, sizeof count, "%u", d->count[g]);
            g_snprintf(base, sizeof base, "%u", d->base);
            g_snprintf(pct, sizeof pct, "%.1f", d->percent[g]);
            g_snprintf(whole, sizeof whole, "%d", d->whole[g]);
            const char *cells[] = {n.year, n.regime, n.judgement, n.region, "computed",
                                   gb__grade_id(ref, d, g), count, base, pct, whole};
            gb__csv_row(s, cells, G_N_ELEMENTS(cells));
        }
    }
    for (guint i = 0; i < st->published->len; i++) {
        const GbMeasure *m = &g_array_index(st->published, GbMeasure, i);
        GbNames n;
        gb__names(ref, m->year, m->regime, m->judgement, -2, &n);
        char count[16] = "", base[16] = "", pct[16] = "";
        if (m->count >= 0)
            g_snprintf(count, sizeof count, "%d", m->count);
        if (m->base >= 0)
            g_snprintf(base, sizeof base, "%d", m->base);
        if (!isnan(m->percent))
            g_snprintf(pct, sizeof pct, "%.1f", m->percent);
        const char *cells[] = {n.year, n.regime, n.judgement, "", "published", m->measure,
                               count, base, pct, ""};
        gb__csv_row(s, cells, G_N_ELEMENTS(cells));
    }
    fwrite(s->str, 1, s->len, out);
    g_string_free(s, TRUE);
}

/* Writes what b built, pretty-printed, and frees b. */
static void
gb__json_write(JsonBuilder *b, FILE *out)
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

static void
gb__write_json(const GbTable *t, const GbStats *st, const GbLatest *latest, FILE *out)
{
    const GbRef *ref = t->ref;
    JsonBuilder *b = json_builder_new();
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "distributions");
    json_builder_begin_array(b);
    for (guint i = 0; i < st->distributions->len; i++) {
        const GbDistribution *d = &g_array_index(st->distributions, GbDistribution, i);
        GbNames n;
        gb__names(ref, d->year, d->regime, d->judgement, d->region, &n);
        json_builder_begin_object(b);
        if (d->year >= 0) {
            json_builder_set_member_name(b, "year");
            json_builder_add_int_value(b, d->year);
        }
        json_builder_set_member_name(b, "regime");
        json_builder_add_string_value(b, n.regime);
        if (d->judgement >= 0) {
            json_builder_set_member_name(b, "judgement");
            json_builder_add_string_value(b, n.judgement);
        }
        if (d->region >= 0) {
            json_builder_set_member_name(b, "region");
            json_builder_add_string_value(b, n.region);
        }
        json_builder_set_member_name(b, "series");
        json_builder_add_string_value(b, "computed");
        json_builder_set_member_name(b, "base");
        json_builder_add_int_value(b, d->base);
        json_builder_set_member_name(b, "grades");
        json_builder_begin_array(b);
        for (int g = 0; g < d->ngrades; g++) {
            json_builder_begin_object(b);
            json_builder_set_member_name(b, "grade");
            json_builder_add_string_value(b, gb__grade_id(ref, d, g));
            json_builder_set_member_name(b, "count");
            json_builder_add_int_value(b, d->count[g]);
            json_builder_set_member_name(b, "percent");
            json_builder_add_double_value(b, round(d->percent[g] * 10) / 10);
            json_builder_set_member_name(b, "percent_whole");
            json_builder_add_int_value(b, d->whole[g]);
            json_builder_end_object(b);
        }
        json_builder_end_array(b);
        if (d->graded) {
            json_builder_set_member_name(b, "good_or_better");
            json_builder_add_int_value(b, d->good_or_better);
            json_builder_set_member_name(b, "inadequate");
            json_builder_add_int_value(b, d->inadequate);
        }
        if (d->selection != NULL) {
            json_builder_set_member_name(b, "selection");
            json_builder_add_string_value(b, d->selection);
        }
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
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
        json_builder_set_member_name(b, "difference");
        if (isnan(r->difference))
            json_builder_add_null_value(b);
        else
            json_builder_add_double_value(b, round(r->difference * 10) / 10);
        json_builder_set_member_name(b, "reason");
        if (r->reason != NULL)
            json_builder_add_string_value(b, r->reason);
        else
            json_builder_add_null_value(b);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    json_builder_set_member_name(b, "latest");
    json_builder_begin_object(b);
    char date[11];
    gb_text_format_date(latest->as_at, date);
    json_builder_set_member_name(b, "as_at");
    json_builder_add_string_value(b, date);
    json_builder_set_member_name(b, "judgement");
    json_builder_add_string_value(b, latest->judgement);
    json_builder_set_member_name(b, "authorities");
    json_builder_add_int_value(b, latest->authorities);
    static const char *const common[GB_COMMON_LEVELS] = {"outstanding", "good", "adequate",
                                                         "inadequate"};
    for (int g = 0; g < GB_COMMON_LEVELS; g++) {
        json_builder_set_member_name(b, common[g]);
        json_builder_add_int_value(b, latest->count[g]);
    }
    json_builder_set_member_name(b, "not_inspected");
    json_builder_add_int_value(b, latest->not_inspected);
    json_builder_end_object(b);
    json_builder_end_object(b);

    gb__json_write(b, out);
}

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

static void
gb__write_table(const GbTable *t, const GbStats *st, const GbLatest *latest, FILE *out)
{
    const GbRef *ref = t->ref;
    GString *s = g_string_new("Grade distributions (computed from rows; count and share)\n");
    int last_regime = -100, last_judgement = -100;
    for (guint i = 0; i < st->distributions->len; i++) {
        const GbDistribution *d = &g_array_index(st->distributions, GbDistribution, i);
        GbNames n;
        gb__names(ref, d->year, d->regime, d->judgement, d->region, &n);
        if (d->regime != last_regime || d->judgement != last_judgement) {
            g_string_append_printf(s, "\n%s%s%s\n  %-6s %-26s %5s", n.regime,
                                   d->judgement >= 0 ? " / " : "", n.judgement, "year",
                                   "region", "base");
            for (int g = 0; g < d->ngrades; g++) {
                const char *label = d->regime >= 0 ? gb_ref_grade(ref, d->regime, g)->label
                                                   : ref->common_labels[g];
                g_string_append_printf(s, " %20.20s", label);
            }
            g_string_append_printf(s, " %16s\n", d->graded ? "good or better" : "");
            last_regime = d->regime;
            last_judgement = d->judgement;
        }
        g_string_append_printf(s, "  %-6s %-26.26s %5u", n.year, n.region, d->base);
        for (int g = 0; g < d->ngrades; g++) {
            char cell[32];
            g_snprintf(cell, sizeof cell, "%u (%.1f%%)", d->count[g], d->percent[g]);
            g_string_append_printf(s, " %20s", cell);
        }
        if (d->graded && d->base > 0) {
            char cell[32];
            g_snprintf(cell, sizeof cell, "%u (%.1f%%)", d->good_or_better,
                       100.0 * d->good_or_better / d->base);
            g_string_append_printf(s, " %16s", cell);
        }
        if (d->selection != NULL)
            g_string_append(s, "  [selection]");
        g_string_append_c(s, '\n');
    }
    g_string_append(s, "\nPublished figures (headlines.csv)\n");
    for (guint i = 0; i < st->published->len; i++) {
        const GbMeasure *m = &g_array_index(st->published, GbMeasure, i);
        g_string_append_printf(s, "  %d %-12s %-18s %-16s ", m->year,
                               gb_ref_regime(ref, m->regime)->id,
                               gb_ref_judgement(ref, m->judgement)->id, m->measure);
        gb__measure_text(s, m);
        if (strcmp(m->qualifier, "exact") != 0)
            g_string_append_printf(s, " [%s]", m->qualifier);
        g_string_append_c(s, '\n');
    }
    g_string_append(s, "\nChanges between consecutive years (percentage points)\n");
    for (guint i = 0; i < st->changes->len; i++) {
        const GbChange *c = &g_array_index(st->changes, GbChange, i);
        g_string_append_printf(s, "  %-12s %-18s %-16s %d ", gb_ref_regime(ref, c->from.regime)->id,
                               gb_ref_judgement(ref, c->from.judgement)->id, c->from.measure,
                               c->from.year);
        gb__measure_text(s, &c->from);
        g_string_append_printf(s, " -> %d ", c->to.year);
        gb__measure_text(s, &c->to);
        g_string_append_printf(s, ": %+.1f points\n", c->points);
    }
    g_string_append(s, "\nReconciliation of computed and published figures\n");
    for (guint i = 0; i < st->reconciliations->len; i++) {
        const GbReconciliation *r = &g_array_index(st->reconciliations, GbReconciliation, i);
        g_string_append_printf(s, "  %d %-12s %-18s %-16s ", r->computed.year,
                               gb_ref_regime(ref, r->computed.regime)->id,
                               gb_ref_judgement(ref, r->computed.judgement)->id,
                               r->computed.measure);
        gb__measure_text(s, &r->computed);
        g_string_append(s, " vs ");
        gb__measure_text(s, &r->published);
        if (!isnan(r->difference))
            g_string_append_printf(s, ": %+.1f points", r->difference);
        if (r->reason != NULL)
            g_string_append_printf(s, "\n      because %s", r->reason);
        g_string_append_c(s, '\n');
    }
    char date[11];
    gb_text_format_date(latest->as_at, date);
    g_string_append_printf(s, "\nLatest %s as at %s: %d authorities:", latest->judgement, date,
                           latest->authorities);
    for (int g = 0; g < GB_COMMON_LEVELS; g++)
        g_string_append_printf(s, " %d %s%s", latest->count[g], ref->common_labels[g],
                               g + 1 < GB_COMMON_LEVELS ? "," : "");
    g_string_append_printf(s, "; %d not inspected\n", latest->not_inspected);
    fwrite(s->str, 1, s->len, out);
    g_string_free(s, TRUE);
}

static void
gb__event_text(GString *s, const GbRef *ref, const GbEvent *e)
{
    char date[11] = "";
    if (e->date)
        gb_text_format_date(e->date, date);
    g_string_append_printf(s, "%d%s%s%s %s %s", e->year, e->date ? " (" : "", date,
                           e->date ? ")" : "", gb_ref_regime(ref, e->regime)->short_name,
                           gb_ref_grade(ref, e->regime, e->grade)->label);
    if (e->as_authority >= 0)
        g_string_append_printf(s, " [as %s]", gb_ref_authority(ref, e->as_authority)->name);
}

static void
gb__write_authority(const GbTable *t, int a, const GbLatest *latest, FILE *out)
{
    const GbRef *ref = t->ref;
    const GbAuthority *au = gb_ref_authority(ref, a);
    GString *s = g_string_new(NULL);
    g_string_append_printf(s, "%s (DfE %s, %s)\n\nHistory (headline judgement of each "
                           "regime)\n", au->name, au->code,
                           (char *)g_ptr_array_index(ref->regions, au->region));
    GArray *h = gb_stats_history(t, a);
    const GbEvent *prev = NULL;
    for (guint i = 0; i < h->len; i++) {
        const GbEvent *e = &g_array_index(h, GbEvent, i);
        g_string_append(s, "  ");
        gb__event_text(s, ref, e);
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
    char date[11];
    gb_text_format_date(latest->as_at, date);
    g_string_append_printf(s, "\nLatest %s as at %s: %s\n", latest->judgement, date,
                           c.own >= 0 ? ref->common_labels[c.own] : "not inspected");
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
            g_string_append_printf(s, " %d %s (%.1f%%)%s", rows[r].counts[g],
                                   ref->common_labels[g],
                                   rows[r].n ? 100.0 * rows[r].counts[g] / rows[r].n : 0.0,
                                   g + 1 < GB_COMMON_LEVELS ? "," : "");
        if (c.own >= 0)
            g_string_append_printf(s, "; %d judged better", rows[r].better);
        g_string_append_c(s, '\n');
    }
    g_string_append(s, "\nStatistical neighbours\n");
    for (int k = 0; k < 10; k++) {
        int n = au->neighbours[k];
        if (n < 0)
            continue;
        int g = g_array_index(latest->grade_of, int, n);
        g_string_append_printf(s, "  %2d %-36s %-16s %s\n", k + 1, gb_ref_authority(ref, n)->name,
                               au->closeness[k] ? au->closeness[k] : "",
                               g >= 0 ? ref->common_labels[g] : "not inspected");
    }
    fwrite(s->str, 1, s->len, out);
    g_string_free(s, TRUE);
}

static void
gb__json_counts(JsonBuilder *b, const GbRef *ref, const char *name, const int *counts, int n,
                int better)
{
    static const char *const ids[GB_COMMON_LEVELS] = {"outstanding", "good", "adequate",
                                                      "inadequate"};
    json_builder_set_member_name(b, name);
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "authorities");
    json_builder_add_int_value(b, n);
    for (int g = 0; g < GB_COMMON_LEVELS; g++) {
        json_builder_set_member_name(b, ids[g]);
        json_builder_add_int_value(b, counts[g]);
    }
    if (better >= 0) {
        json_builder_set_member_name(b, "judged_better");
        json_builder_add_int_value(b, better);
    }
    json_builder_end_object(b);
}

static void
gb__write_authority_data(const GbTable *t, int a, const GbLatest *latest, gboolean json,
                         FILE *out)
{
    const GbRef *ref = t->ref;
    const GbAuthority *au = gb_ref_authority(ref, a);
    GArray *h = gb_stats_history(t, a);
    if (!json) {
        GString *s = g_string_new(NULL);
        const char *header[] = {"authority", "year", "date", "regime", "judgement", "grade",
                                "common", "as_authority"};
        gb__csv_row(s, header, G_N_ELEMENTS(header));
        for (guint i = 0; i < h->len; i++) {
            const GbEvent *e = &g_array_index(h, GbEvent, i);
            char year[8], date[11] = "";
            g_snprintf(year, sizeof year, "%d", e->year);
            if (e->date)
                gb_text_format_date(e->date, date);
            const char *cells[] = {au->name, year, date, gb_ref_regime(ref, e->regime)->id,
                                   gb_ref_judgement(ref, e->judgement)->id,
                                   gb_ref_grade(ref, e->regime, e->grade)->id,
                                   e->common >= 0 ? ref->common_labels[e->common] : "",
                                   e->as_authority >= 0
                                       ? gb_ref_authority(ref, e->as_authority)->name
                                       : ""};
            gb__csv_row(s, cells, G_N_ELEMENTS(cells));
        }
        fwrite(s->str, 1, s->len, out);
        g_string_free(s, TRUE);
        g_array_free(h, TRUE);
        return;
    }
    JsonBuilder *b = json_builder_new();
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "authority");
    json_builder_add_string_value(b, au->name);
    json_builder_set_member_name(b, "dfe_code");
    json_builder_add_string_value(b, au->code);
    json_builder_set_member_name(b, "region");
    json_builder_add_string_value(b, g_ptr_array_index(ref->regions, au->region));
    json_builder_set_member_name(b, "history");
    json_builder_begin_array(b);
    for (guint i = 0; i < h->len; i++) {
        const GbEvent *e = &g_array_index(h, GbEvent, i);
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "year");
        json_builder_add_int_value(b, e->year);
        if (e->date) {
            char date[11];
            gb_text_format_date(e->date, date);
            json_builder_set_member_name(b, "date");
            json_builder_add_string_value(b, date);
        }
        json_builder_set_member_name(b, "regime");
        json_builder_add_string_value(b, gb_ref_regime(ref, e->regime)->id);
        json_builder_set_member_name(b, "judgement");
        json_builder_add_string_value(b, gb_ref_judgement(ref, e->judgement)->id);
        json_builder_set_member_name(b, "grade");
        json_builder_add_string_value(b, gb_ref_grade(ref, e->regime, e->grade)->id);
        if (e->as_authority >= 0) {
            json_builder_set_member_name(b, "as_authority");
            json_builder_add_string_value(b, gb_ref_authority(ref, e->as_authority)->name);
        }
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    GbComparison c;
    gb_stats_compare(t, latest, a, &c);
    char date[11];
    gb_text_format_date(latest->as_at, date);
    json_builder_set_member_name(b, "latest");
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "as_at");
    json_builder_add_string_value(b, date);
    json_builder_set_member_name(b, "judgement");
    json_builder_add_string_value(b, latest->judgement);
    json_builder_set_member_name(b, "grade");
    if (c.own >= 0)
        json_builder_add_string_value(b, ref->common_labels[c.own]);
    else
        json_builder_add_null_value(b);
    gb__json_counts(b, ref, "england", c.england, c.england_n, c.own >= 0 ? c.better_england : -1);
    gb__json_counts(b, ref, "region", c.region, c.region_n, c.own >= 0 ? c.better_region : -1);
    gb__json_counts(b, ref, "neighbours", c.neighbours, c.neighbours_n,
                    c.own >= 0 ? c.better_neighbours : -1);
    json_builder_end_object(b);
    json_builder_set_member_name(b, "neighbours");
    json_builder_begin_array(b);
    for (int k = 0; k < 10; k++) {
        int n = au->neighbours[k];
        if (n < 0)
            continue;
        int g = g_array_index(latest->grade_of, int, n);
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "rank");
        json_builder_add_int_value(b, k + 1);
        json_builder_set_member_name(b, "authority");
        json_builder_add_string_value(b, gb_ref_authority(ref, n)->name);
        json_builder_set_member_name(b, "closeness");
        json_builder_add_string_value(b, au->closeness[k] ? au->closeness[k] : "");
        json_builder_set_member_name(b, "grade");
        if (g >= 0)
            json_builder_add_string_value(b, ref->common_labels[g]);
        else
            json_builder_add_null_value(b);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    json_builder_end_object(b);
    gb__json_write(b, out);
    g_array_free(h, TRUE);
}

int
gb_statsfmt_run(const GbTable *t, const GbStatsOptions *o, FILE *out)
{
    guint32 as_at = o->as_at != 0 ? o->as_at : t->newest_date;
    if (as_at == 0)
        as_at = (guint32)MAX(t->max_year, 1900) * 10000 + 1231;
    GbLatest *latest = gb_stats_latest(t, "overall_effectiveness", as_at);
    int rc = 0;
    if (o->authority != NULL) {
        GString *scratch = g_string_new(NULL);
        int a = gb_ref_find_authority(t->ref, o->authority, strlen(o->authority), 0, as_at,
                                      scratch, NULL);
        g_string_free(scratch, TRUE);
        if (a < 0) {
            /* A name typed on the command line: a usage error, with the nearest names. */
            char *msg = gb_ref_unknown_authority(t->ref, o->authority);
            fprintf(stderr, "gradebrief stats: --authority: %s\n", msg);
            g_free(msg);
            rc = 64;
        } else if (o->format == GB_FMT_TABLE) {
            gb__write_authority(t, a, latest, out);
        } else {
            gb__write_authority_data(t, a, latest, o->format == GB_FMT_JSON, out);
        }
        gb_stats_latest_free(latest);
        return rc;
    }
    GbStats *st = gb_stats_compute(t, o->by);
    switch (o->format) {
    case GB_FMT_CSV:
        gb__write_csv(t, st, out);
        break;
    case GB_FMT_JSON:
        gb__write_json(t, st, latest, out);
        break;
    case GB_FMT_TABLE:
        gb__write_table(t, st, latest, out);
        break;
    }
    gb_stats_free(st);
    gb_stats_latest_free(latest);
    if (fflush(out) != 0 || ferror(out)) {
        fprintf(stderr, "gradebrief stats: cannot write the output\n");
        rc = 74;
    }
    return rc;
}
