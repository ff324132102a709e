/* statsfmt.c - `gradebrief stats` output: table, CSV, JSON (see statsfmt.h). */
#include "pipeline/statsfmt.h"

#include "pipeline/text.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

static gint
gb__cmp_u32(gconstpointer a, gconstpointer b)
{
    guint32 x = *(const guint32 *)a, y = *(const guint32 *)b;
    return x < y ? -1 : x > y;
}

/* Parses a comma list of dates, sorted and without repeats; prints the
 * problem and returns NULL on a bad one. */
static GArray *
gb__parse_dates(const char *s, const char *option)
{
    GArray *out = g_array_new(FALSE, FALSE, sizeof(guint32));
    char **parts = g_strsplit(s, ",", -1);
    for (char **p = parts; *p != NULL; p++) {
        guint32 d;
        if (!gb_text_parse_date(g_strstrip(*p), &d)) {
            fprintf(stderr, "gradebrief stats: %s: '%s' is not a date (YYYY-MM-DD)\n", option, *p);
            g_array_free(out, TRUE);
            out = NULL;
            break;
        }
        g_array_append_val(out, d);
    }
    g_strfreev(parts);
    if (out != NULL && out->len == 0) {
        fprintf(stderr, "gradebrief stats: %s: no date given\n", option);
        g_array_free(out, TRUE);
        return NULL;
    }
    if (out == NULL)
        return NULL;
    g_array_sort(out, gb__cmp_u32);
    guint k = 0;
    for (guint i = 0; i < out->len; i++)
        if (k == 0 || g_array_index(out, guint32, i) != g_array_index(out, guint32, k - 1))
            g_array_index(out, guint32, k++) = g_array_index(out, guint32, i);
    g_array_set_size(out, k);
    return out;
}

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
            else if (strcmp(w, "authority") == 0)
                o->by_authority = TRUE;
            else {
                fprintf(stderr,
                        "gradebrief stats: --by: unknown group '%s' (use year, regime, "
                        "judgement, region, authority)\n",
                        w);
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
    if (as_at != NULL) {
        if ((o->dates = gb__parse_dates(as_at, "--as-at")) == NULL)
            return 64;
        o->as_at = g_array_index(o->dates, guint32, o->dates->len - 1);
        if (o->dates->len == 1) {
            g_array_free(o->dates, TRUE);
            o->dates = NULL;
        }
    }
    o->authority = g_strdup(authority);
    return 0;
}

int
gb_statsfmt_parse_positions(const char *series, const char *movers, const char *family,
                            GbStatsOptions *o)
{
    if (series != NULL) {
        int d, m;
        char end;
        if (sscanf(series, "%2d-%2d%c", &d, &m, &end) == 2 && strlen(series) <= 5) {
            if (!g_date_valid_dmy((GDateDay)d, (GDateMonth)m, 2000)) {
                fprintf(stderr,
                        "gradebrief stats: --as-at-series: '%s' is not a day and month "
                        "(DD-MM, e.g. 31-03)\n",
                        series);
                return 64;
            }
            o->series_day = d;
            o->series_month = m;
        } else {
            GArray *dates = gb__parse_dates(series, "--as-at-series");
            if (dates == NULL)
                return 64;
            if (o->dates != NULL)
                g_array_free(o->dates, TRUE);
            o->dates = dates;
            o->as_at = MAX(o->as_at, g_array_index(dates, guint32, dates->len - 1));
        }
    }
    if (movers != NULL) {
        o->movers = TRUE;
        if (strcmp(movers, "family") == 0 || *movers == '\0') {
            o->movers_mode = GB_MOVERS_FAMILY;
        } else if (strcmp(movers, "any") == 0) {
            o->movers_mode = GB_MOVERS_ANY;
        } else {
            fprintf(stderr, "gradebrief stats: --movers: '%s' is not family or any\n", movers);
            return 64;
        }
    }
    o->family = g_strdup(family);
    return 0;
}

gboolean
gb_statsfmt_needs_rows(const GbStatsOptions *o)
{
    return o->authority != NULL || o->movers || o->dates != NULL || o->series_month != 0;
}

void
gb_statsfmt_options_clear(GbStatsOptions *o)
{
    g_free(o->authority);
    o->authority = NULL;
    g_free(o->family);
    o->family = NULL;
    if (o->dates != NULL)
        g_array_free(o->dates, TRUE);
    o->dates = NULL;
}

void
gb_statsfmt_csv_field(GString *out, const char *s)
{
    gboolean formula =
        s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r';
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

/* What one run of `stats` computed beyond the distributions: the as-at date,
 * the dates of the positions, and each family's positions. */
typedef struct {
    const GbTable *t;
    const GbStatsOptions *o;
    GbAsAt at;
    GArray *dates;        /* guint32 */
    GArray *families;     /* int: family indices */
    GPtrArray *positions; /* per family: GArray of GbPosition (date-major, England first) */
    GPtrArray *standings; /* per family: GbStanding on at.date (--by authority), or empty */
} GbRun;

static const char *const gb__common_ids[GB_COMMON_LEVELS] = {"outstanding", "good", "adequate",
                                                             "inadequate"};

/* "overall_effectiveness" -> "Overall effectiveness" into buf. */
static const char *
gb__family_label(const GbRef *ref, int f, char *buf, gsize len)
{
    g_strlcpy(buf, g_ptr_array_index(ref->families, f), len);
    for (char *p = buf; *p; p++)
        if (*p == '_')
            *p = ' ';
    buf[0] = g_ascii_toupper(buf[0]);
    return buf;
}

static const char *
gb__group_id(GbGroupKind k)
{
    return k == GB_GROUP_ENGLAND ? "england" : k == GB_GROUP_REGION ? "region" : "neighbours";
}

static const char *
gb__ons(const GbAuthority *a)
{
    return a->ons->len ? (const char *)g_ptr_array_index(a->ons, 0) : "";
}

/* The position before p in its series for the same group, or NULL. */
static const GbPosition *
gb__previous(const GArray *series, guint i)
{
    const GbPosition *p = &g_array_index(series, GbPosition, i);
    while (i-- > 0) {
        const GbPosition *q = &g_array_index(series, GbPosition, i);
        if (q->group == p->group && q->region == p->region && q->authority == p->authority &&
            q->as_at < p->as_at)
            return q;
    }
    return NULL;
}

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
            const GbPosition *prev = gb__previous(series, i);
            for (int g = 0; g < GB_COMMON_LEVELS; g++) {
                GbCsvLine l;
                gb__line_clear(&l);
                l.cell[C_KIND] = "position";
                gb__line_date(&l, C_AS_AT, p->as_at);
                l.cell[C_FAMILY] = g_ptr_array_index(ref->families, f);
                l.cell[C_GROUP] = gb__group_id(p->group);
                if (p->region >= 0)
                    l.cell[C_REGION] = g_ptr_array_index(ref->regions, p->region);
                if (p->authority >= 0) {
                    const GbAuthority *a = gb_ref_authority(ref, p->authority);
                    l.cell[C_AUTHORITY] = a->name;
                    l.cell[C_DFE] = a->code;
                    l.cell[C_ONS] = gb__ons(a);
                }
                l.cell[C_SERIES] = "computed";
                l.cell[C_GRADE] = gb__common_ids[g];
                gb__line_num(&l, C_COUNT, "%d", p->count[g]);
                gb__line_num(&l, C_BASE, "%d", p->base);
                if (p->base > 0) {
                    gb__line_num(&l, C_PERCENT, "%.1f", p->percent[g]);
                    gb__line_num(&l, C_WHOLE, "%d", p->whole[g]);
                }
                gb__line_num(&l, C_AUTHORITIES, "%d", p->authorities);
                if (prev != NULL && prev->base > 0 && p->base > 0)
                    gb__line_num(&l, C_CHANGE, "%.1f", p->percent[g] - prev->percent[g]);
                gb__csv_row(s, l.cell, C_N);
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
            l.cell[C_ONS] = gb__ons(au);
            l.cell[C_SERIES] = "computed";
            l.cell[C_GRADE] = g >= 0 ? gb__common_ids[g] : "none";
            int j = g_array_index(st->judgement_of, int, a);
            if (j >= 0) {
                guint32 when = g_array_index(st->when_of, guint32, a);
                const GbJudgement *jj = gb_ref_judgement(ref, j);
                l.cell[C_REGIME] = gb_ref_regime(ref, jj->regime)->id;
                l.cell[C_JUDGEMENT] = jj->id;
                gb__line_num(&l, C_YEAR, "%u", when / 10000);
                gb__line_date(&l, C_DATE, when);
            }
            gb__csv_row(s, l.cell, C_N);
        }
    }
}

static void
gb__write_csv(const GbRun *run, const GbStats *st, FILE *out)
{
    const GbRef *ref = run->t->ref;
    GString *s = g_string_new(NULL);
    gb__csv_row(s, gb__csv_header, C_N);
    gb__csv_positions(run, s);
    for (guint i = 0; i < st->distributions->len; i++) {
        const GbDistribution *d = &g_array_index(st->distributions, GbDistribution, i);
        GbNames n;
        gb__names(ref, d->year, d->regime, d->judgement, d->region, &n);
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
            l.cell[C_GRADE] = gb__grade_id(ref, d, g);
            gb__line_num(&l, C_COUNT, "%u", d->count[g]);
            gb__line_num(&l, C_BASE, "%u", d->base);
            gb__line_num(&l, C_PERCENT, "%.1f", d->percent[g]);
            gb__line_num(&l, C_WHOLE, "%d", d->whole[g]);
            gb__csv_row(s, l.cell, C_N);
        }
    }
    for (guint i = 0; i < st->published->len; i++) {
        const GbMeasure *m = &g_array_index(st->published, GbMeasure, i);
        GbNames n;
        gb__names(ref, m->year, m->regime, m->judgement, -2, &n);
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
        gb__csv_row(s, l.cell, C_N);
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
gb__json_int(JsonBuilder *b, const char *name, gint64 v)
{
    json_builder_set_member_name(b, name);
    json_builder_add_int_value(b, v);
}

static void
gb__json_str(JsonBuilder *b, const char *name, const char *v)
{
    json_builder_set_member_name(b, name);
    if (v != NULL)
        json_builder_add_string_value(b, v);
    else
        json_builder_add_null_value(b);
}

static void
gb__json_date(JsonBuilder *b, const char *name, guint32 ymd)
{
    char date[11];
    gb_text_format_date(ymd, date);
    gb__json_str(b, name, ymd ? date : NULL);
}

/* The as-at date, where it came from, and what was left out after it. */
static void
gb__json_as_at(JsonBuilder *b, const GbRun *run)
{
    json_builder_set_member_name(b, "as_at");
    json_builder_begin_object(b);
    gb__json_date(b, "date", run->at.date);
    gb__json_str(b, "source", gb_position_as_at_source(run->at.source));
    gb__json_int(b, "left_out_after", (gint64)run->t->after);
    gb__json_date(b, "left_out_first", run->t->after_first);
    gb__json_date(b, "left_out_newest", run->t->after_newest);
    json_builder_end_object(b);
}

static void
gb__json_position(JsonBuilder *b, const GbRef *ref, const GbPosition *p, const GbPosition *prev)
{
    json_builder_begin_object(b);
    gb__json_date(b, "as_at", p->as_at);
    gb__json_str(b, "family", g_ptr_array_index(ref->families, p->family));
    gb__json_str(b, "group", gb__group_id(p->group));
    if (p->region >= 0)
        gb__json_str(b, "region", g_ptr_array_index(ref->regions, p->region));
    if (p->authority >= 0) {
        const GbAuthority *a = gb_ref_authority(ref, p->authority);
        gb__json_str(b, "authority", a->name);
        gb__json_str(b, "dfe_code", a->code);
        gb__json_str(b, "ons_code", gb__ons(a));
    }
    gb__json_int(b, "authorities", p->authorities);
    gb__json_int(b, "base", p->base);
    gb__json_int(b, "not_judged", p->not_judged);
    json_builder_set_member_name(b, "grades");
    json_builder_begin_array(b);
    for (int g = 0; g < GB_COMMON_LEVELS; g++) {
        json_builder_begin_object(b);
        gb__json_str(b, "grade", gb__common_ids[g]);
        gb__json_int(b, "count", p->count[g]);
        json_builder_set_member_name(b, "percent");
        json_builder_add_double_value(b, round(p->percent[g] * 10) / 10);
        gb__json_int(b, "percent_whole", p->whole[g]);
        json_builder_set_member_name(b, "change_points");
        if (prev != NULL && prev->base > 0 && p->base > 0)
            json_builder_add_double_value(b, round((p->percent[g] - prev->percent[g]) * 10) / 10);
        else
            json_builder_add_null_value(b);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    gb__json_int(b, "good_or_better", p->good_or_better);
    json_builder_set_member_name(b, "latest_by_regime");
    json_builder_begin_object(b);
    for (guint r = 0; r < ref->regimes->len && r < GB_POSITION_REGIMES; r++)
        if (p->by_regime[r] > 0)
            gb__json_int(b, gb_ref_regime(ref, (int)r)->id, p->by_regime[r]);
    json_builder_end_object(b);
    gb__json_date(b, "oldest_judgement", p->oldest);
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
            gb__json_position(b, ref, &g_array_index(series, GbPosition, i),
                              gb__previous(series, i));
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
            gb__json_str(b, "family", g_ptr_array_index(ref->families, st->family));
            gb__json_str(b, "authority", au->name);
            gb__json_str(b, "dfe_code", au->code);
            gb__json_str(b, "ons_code", gb__ons(au));
            gb__json_str(b, "region", g_ptr_array_index(ref->regions, au->region));
            gb__json_str(b, "grade", g >= 0 ? gb__common_ids[g] : NULL);
            int j = g_array_index(st->judgement_of, int, a);
            if (j >= 0) {
                gb__json_str(b, "regime", gb_ref_regime(ref, gb_ref_judgement(ref, j)->regime)->id);
                gb__json_str(b, "judgement", gb_ref_judgement(ref, j)->id);
                gb__json_date(b, "date", g_array_index(st->when_of, guint32, a));
            }
            json_builder_end_object(b);
        }
    }
    json_builder_end_array(b);
}

static void
gb__write_json(const GbRun *run, const GbStats *st, const GbLatest *latest, FILE *out)
{
    const GbTable *t = run->t;
    const GbRef *ref = t->ref;
    JsonBuilder *b = json_builder_new();
    json_builder_begin_object(b);
    gb__json_as_at(b, run);
    gb__json_positions(b, run);
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
        if (d->year >= 0) {
            char *label = gb_stats_flow_label(d);
            gb__json_str(b, "kind", "inspections made in a period");
            gb__json_str(b, "label", label);
            g_free(label);
            gb__json_date(b, "period_from", d->period_from);
            gb__json_date(b, "period_to", d->period_to);
            json_builder_set_member_name(b, "partial");
            json_builder_add_boolean_value(b, d->partial);
        }
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
gb__table_positions(const GbRun *run, GString *s)
{
    const GbRef *ref = run->t->ref;
    char date[11], label[64];
    gb_text_format_date(run->at.date, date);
    g_string_append_printf(s, "As at %s (%s)\n", date, gb_position_as_at_source(run->at.source));
    if (run->t->after > 0) {
        char first[11], newest[11];
        gb_text_format_date(run->t->after_first, first);
        gb_text_format_date(run->t->after_newest, newest);
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
        g_string_append_printf(s, "\n%s\n  %-10s %-26s %5s %5s",
                               gb__family_label(ref, f, label, sizeof label), "as at", "group",
                               "exist", "base");
        for (int g = 0; g < GB_COMMON_LEVELS; g++)
            g_string_append_printf(s, " %16.16s", ref->common_labels[g]);
        g_string_append_printf(s, " %14s  %s\n", "good or better", "latest under");
        for (guint i = 0; i < series->len; i++) {
            const GbPosition *p = &g_array_index(series, GbPosition, i);
            gb_text_format_date(p->as_at, date);
            const char *group = p->group == GB_GROUP_ENGLAND
                                    ? "England"
                                    : (const char *)g_ptr_array_index(ref->regions, p->region);
            g_string_append_printf(s, "  %-10s %-26.26s %5d %5d", date, group, p->authorities,
                                   p->base);
            for (int g = 0; g < GB_COMMON_LEVELS; g++) {
                char cell[32];
                g_snprintf(cell, sizeof cell, "%d (%.1f%%)", p->count[g], p->percent[g]);
                g_string_append_printf(s, " %16s", p->base ? cell : "-");
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

static void
gb__write_table(const GbRun *run, const GbStats *st, const GbLatest *latest, FILE *out)
{
    const GbTable *t = run->t;
    const GbRef *ref = t->ref;
    GString *s = g_string_new(NULL);
    gb__table_positions(run, s);
    g_string_append(s, "Inspections made in each year (flows: a different set of authorities "
                       "each year, not England's position; count and share)\n");
    int last_regime = -100, last_judgement = -100;
    for (guint i = 0; i < st->distributions->len; i++) {
        const GbDistribution *d = &g_array_index(st->distributions, GbDistribution, i);
        GbNames n;
        gb__names(ref, d->year, d->regime, d->judgement, d->region, &n);
        if (d->regime != last_regime || d->judgement != last_judgement) {
            g_string_append_printf(s, "\n%s%s%s\n  %-6s %-26s %5s", n.regime,
                                   d->judgement >= 0 ? " / " : "", n.judgement, "year", "region",
                                   "base");
            for (int g = 0; g < d->ngrades; g++) {
                const char *label =
                    d->regime >= 0 ? gb_ref_grade(ref, d->regime, g)->label : ref->common_labels[g];
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

static void gb__table_comparators(const GbRun *run, int a, GString *s);
static void gb__json_comparators(JsonBuilder *b, const GbRun *run, int a);

static void
gb__write_authority(const GbRun *run, int a, const GbLatest *latest, FILE *out)
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
gb__write_authority_data(const GbRun *run, int a, const GbLatest *latest, gboolean json, FILE *out)
{
    const GbTable *t = run->t;
    const GbRef *ref = t->ref;
    const GbAuthority *au = gb_ref_authority(ref, a);
    GArray *h = gb_stats_history(t, a);
    if (!json) {
        GString *s = g_string_new(NULL);
        const char *header[] = {"authority", "dfe_code",  "ons_code", "year",   "date",
                                "regime",    "judgement", "grade",    "common", "as_authority"};
        gb__csv_row(s, header, G_N_ELEMENTS(header));
        for (guint i = 0; i < h->len; i++) {
            const GbEvent *e = &g_array_index(h, GbEvent, i);
            char year[8], date[11] = "";
            g_snprintf(year, sizeof year, "%d", e->year);
            if (e->date)
                gb_text_format_date(e->date, date);
            const char *cells[] = {
                au->name,
                au->code,
                gb__ons(au),
                year,
                date,
                gb_ref_regime(ref, e->regime)->id,
                gb_ref_judgement(ref, e->judgement)->id,
                gb_ref_grade(ref, e->regime, e->grade)->id,
                e->common >= 0 ? ref->common_labels[e->common] : "",
                e->as_authority >= 0 ? gb_ref_authority(ref, e->as_authority)->name : ""};
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
    gb__json_str(b, "ons_code", gb__ons(au));
    gb__json_as_at(b, run);
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
    for (int k = 0; k < (int)G_N_ELEMENTS(au->neighbours); k++) {
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
    gb__json_comparators(b, run, a);
    json_builder_end_object(b);
    gb__json_write(b, out);
    g_array_free(h, TRUE);
}

/* Where authority a stands in each family on the run's date, against
 * England, its region and its statistical neighbours. */
static void
gb__table_comparators(const GbRun *run, int a, GString *s)
{
    const GbTable *t = run->t;
    const GbRef *ref = t->ref;
    char date[11], label[64];
    gb_text_format_date(run->at.date, date);
    g_string_append_printf(s, "\nPositions as at %s (%s), by judgement family\n", date,
                           gb_position_as_at_source(run->at.source));
    for (guint k = 0; k < run->families->len; k++) {
        int f = g_array_index(run->families, int, k);
        GbStanding *st = gb_position_standing(t, f, run->at.date);
        if (st == NULL)
            continue;
        int own = g_array_index(st->grade_of, int, a), j = g_array_index(st->judgement_of, int, a);
        g_string_append_printf(s, "  %s: %s", gb__family_label(ref, f, label, sizeof label),
                               own >= 0    ? ref->common_labels[own]
                               : own == -1 ? "no judgement"
                                           : "did not exist");
        if (j >= 0) {
            char when[11];
            gb_text_format_date(g_array_index(st->when_of, guint32, a), when);
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
            for (int g = 0; g < GB_COMMON_LEVELS; g++)
                g_string_append_printf(s, " %d (%.1f%%)%s", c[r].count[g], c[r].percent[g],
                                       g + 1 < GB_COMMON_LEVELS ? "," : "");
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
        gb__json_str(b, "family", g_ptr_array_index(ref->families, f));
        gb__json_date(b, "as_at", run->at.date);
        gb__json_str(b, "grade", own >= 0 ? gb__common_ids[own] : NULL);
        if (j >= 0) {
            gb__json_str(b, "regime", gb_ref_regime(ref, gb_ref_judgement(ref, j)->regime)->id);
            gb__json_date(b, "date", g_array_index(st->when_of, guint32, a));
        }
        GbPosition c[3];
        gb_position_comparators(t, st, a, c);
        json_builder_set_member_name(b, "comparators");
        json_builder_begin_array(b);
        for (int r = 0; r < 3; r++)
            gb__json_position(b, ref, &c[r], NULL);
        json_builder_end_array(b);
        json_builder_end_object(b);
        gb_position_standing_free(st);
    }
    json_builder_end_array(b);
}

/* TRUE when --family leaves family f out (f -1: across families, never). */
static gboolean
gb__family_skipped(const GbRun *run, int f)
{
    if (run->o->family == NULL || f < 0)
        return FALSE;
    return f != g_array_index(run->families, int, 0);
}

static void
gb__write_movers(const GbRun *run, const GbMovers *mv, FILE *out)
{
    const GbTable *t = run->t;
    const GbRef *ref = t->ref;
    GString *s = g_string_new(NULL);
    char label[64], d1[11], d2[11];
    gboolean any = mv->mode == GB_MOVERS_ANY;
    if (run->o->format == GB_FMT_CSV) {
        const char *header[] = {"family",      "authority",        "dfe_code",     "ons_code",
                                "region",      "from_authority",   "from_date",    "from_year",
                                "from_regime", "from_judgement",   "from_grade",   "to_date",
                                "to_year",     "to_regime",        "to_judgement", "to_grade",
                                "steps",       "from_predecessor", "counted",      "cross_family"};
        gb__csv_row(s, header, G_N_ELEMENTS(header));
        for (guint i = 0; i < mv->moves->len; i++) {
            const GbMover *m = &g_array_index(mv->moves, GbMover, i);
            if (gb__family_skipped(run, m->family))
                continue;
            const GbAuthority *au = gb_ref_authority(ref, m->authority);
            char fy[8], ty[8], steps[8];
            d1[0] = d2[0] = '\0';
            if (m->from.date)
                gb_text_format_date(m->from.date, d1);
            if (m->to.date)
                gb_text_format_date(m->to.date, d2);
            g_snprintf(fy, sizeof fy, "%d", m->from.year);
            g_snprintf(ty, sizeof ty, "%d", m->to.year);
            g_snprintf(steps, sizeof steps, "%d", m->steps);
            const char *cells[] = {
                m->family >= 0 ? (const char *)g_ptr_array_index(ref->families, m->family) : "any",
                au->name,
                au->code,
                gb__ons(au),
                g_ptr_array_index(ref->regions, au->region),
                m->from.as_authority >= 0 ? gb_ref_authority(ref, m->from.as_authority)->name
                                          : au->name,
                d1,
                fy,
                gb_ref_regime(ref, m->from.regime)->id,
                gb_ref_judgement(ref, m->from.judgement)->id,
                gb__common_ids[m->from.common],
                d2,
                ty,
                gb_ref_regime(ref, m->to.regime)->id,
                gb_ref_judgement(ref, m->to.judgement)->id,
                gb__common_ids[m->to.common],
                steps,
                m->from_predecessor ? "yes" : "no",
                m->counted ? "yes" : "no",
                m->cross_family ? "yes" : "no"};
            gb__csv_row(s, cells, G_N_ELEMENTS(cells));
        }
    } else if (run->o->format == GB_FMT_JSON) {
        JsonBuilder *b = json_builder_new();
        json_builder_begin_object(b);
        gb__json_as_at(b, run);
        gb__json_str(b, "mode", any ? "any" : "family");
        gb__json_int(b, "gaps", mv->gaps);
        gb__json_int(b, "selection_rows_left_out", mv->selection_rows);
        json_builder_set_member_name(b, "matrices");
        json_builder_begin_array(b);
        for (guint i = 0; i < mv->matrices->len; i++) {
            const GbTransitionMatrix *x = &g_array_index(mv->matrices, GbTransitionMatrix, i);
            if (gb__family_skipped(run, x->family))
                continue;
            json_builder_begin_object(b);
            gb__json_str(b, "family",
                         x->family >= 0 ? g_ptr_array_index(ref->families, x->family) : "any");
            gb__json_str(b, "from_regime", gb_ref_regime(ref, x->from_regime)->id);
            gb__json_str(b, "to_regime", gb_ref_regime(ref, x->to_regime)->id);
            gb__json_int(b, "pairs", x->pairs);
            gb__json_int(b, "up", x->up);
            gb__json_int(b, "down", x->down);
            gb__json_int(b, "same", x->same);
            json_builder_set_member_name(b, "count");
            json_builder_begin_array(b);
            for (int p = 0; p < GB_COMMON_LEVELS; p++) {
                json_builder_begin_array(b);
                for (int q = 0; q < GB_COMMON_LEVELS; q++)
                    json_builder_add_int_value(b, x->count[p][q]);
                json_builder_end_array(b);
            }
            json_builder_end_array(b);
            json_builder_end_object(b);
        }
        json_builder_end_array(b);
        json_builder_set_member_name(b, "moves");
        json_builder_begin_array(b);
        for (guint i = 0; i < mv->moves->len; i++) {
            const GbMover *m = &g_array_index(mv->moves, GbMover, i);
            if (gb__family_skipped(run, m->family))
                continue;
            const GbAuthority *au = gb_ref_authority(ref, m->authority);
            json_builder_begin_object(b);
            gb__json_str(b, "family",
                         m->family >= 0 ? g_ptr_array_index(ref->families, m->family) : "any");
            gb__json_str(b, "authority", au->name);
            gb__json_str(b, "dfe_code", au->code);
            gb__json_str(b, "ons_code", gb__ons(au));
            if (m->from_predecessor)
                gb__json_str(b, "from_predecessor",
                             gb_ref_authority(ref, m->from.as_authority)->name);
            gb__json_date(b, "from_date", m->from.date);
            gb__json_int(b, "from_year", m->from.year);
            gb__json_str(b, "from_regime", gb_ref_regime(ref, m->from.regime)->id);
            gb__json_str(b, "from_grade", gb__common_ids[m->from.common]);
            gb__json_date(b, "to_date", m->to.date);
            gb__json_int(b, "to_year", m->to.year);
            gb__json_str(b, "to_regime", gb_ref_regime(ref, m->to.regime)->id);
            gb__json_str(b, "to_grade", gb__common_ids[m->to.common]);
            gb__json_int(b, "steps", m->steps);
            json_builder_set_member_name(b, "counted");
            json_builder_add_boolean_value(b, m->counted);
            json_builder_set_member_name(b, "cross_family");
            json_builder_add_boolean_value(b, m->cross_family);
            json_builder_end_object(b);
        }
        json_builder_end_array(b);
        json_builder_end_object(b);
        gb__json_write(b, out);
        g_string_free(s, TRUE);
        return;
    } else {
        gb_text_format_date(mv->as_at, d1);
        g_string_append_printf(s, "Movers on or before %s (%s): %s\n", d1,
                               gb_position_as_at_source(run->at.source),
                               any ? "consecutive headline judgements of any regimes, ACROSS "
                                     "FAMILIES where marked (different questions)"
                                   : "consecutive judgements of one family, same or adjacent "
                                     "regimes");
        g_string_append_printf(s,
                               "Not compared: %u pairs of non-adjacent regimes; %u selection "
                               "rows left out\n",
                               mv->gaps, mv->selection_rows);
        for (guint i = 0; i < mv->matrices->len; i++) {
            const GbTransitionMatrix *x = &g_array_index(mv->matrices, GbTransitionMatrix, i);
            if (gb__family_skipped(run, x->family))
                continue;
            g_string_append_printf(s,
                                   "\n%s: %s -> %s, %d pairs (%d up, %d down, %d the same)\n"
                                   "  %-32s",
                                   x->family >= 0
                                       ? gb__family_label(ref, x->family, label, sizeof label)
                                       : "Any family",
                                   gb_ref_regime(ref, x->from_regime)->short_name,
                                   gb_ref_regime(ref, x->to_regime)->short_name, x->pairs, x->up,
                                   x->down, x->same, "from \\ to");
            for (int q = 0; q < GB_COMMON_LEVELS; q++)
                g_string_append_printf(s, " %12.12s", ref->common_labels[q]);
            g_string_append_c(s, '\n');
            for (int p = 0; p < GB_COMMON_LEVELS; p++) {
                g_string_append_printf(s, "  %-32s", ref->common_labels[p]);
                for (int q = 0; q < GB_COMMON_LEVELS; q++)
                    g_string_append_printf(s, " %12d", x->count[p][q]);
                g_string_append_c(s, '\n');
            }
        }
        g_string_append(s, "\nMoves (steps: + up, - down)\n");
        for (guint i = 0; i < mv->moves->len; i++) {
            const GbMover *m = &g_array_index(mv->moves, GbMover, i);
            if (m->steps == 0 || gb__family_skipped(run, m->family))
                continue;
            g_string_append_printf(
                s, "  %-22.22s %-36.36s %+d  ",
                m->family >= 0 ? (const char *)g_ptr_array_index(ref->families, m->family) : "any",
                gb_ref_authority(ref, m->authority)->name, m->steps);
            gb__event_text(s, ref, &m->from);
            g_string_append(s, " -> ");
            gb__event_text(s, ref, &m->to);
            if (m->from_predecessor)
                g_string_append(s, " [from its predecessor]");
            if (!m->counted)
                g_string_append(s, " [counted under another successor]");
            if (m->cross_family)
                g_string_append(s, " [across families]");
            g_string_append_c(s, '\n');
        }
    }
    fwrite(s->str, 1, s->len, out);
    g_string_free(s, TRUE);
}

/* The dates positions are computed for: the --as-at list, the series up to
 * the as-at date, or the as-at date alone. */
static GArray *
gb__run_dates(const GbRun *run)
{
    const GbStatsOptions *o = run->o;
    if (o->series_month != 0)
        return gb_position_annual_dates(run->t, o->series_day, o->series_month, run->at.date);
    GArray *out = g_array_new(FALSE, FALSE, sizeof(guint32));
    if (o->dates != NULL)
        g_array_append_vals(out, o->dates->data, o->dates->len);
    else
        g_array_append_val(out, run->at.date);
    return out;
}

static void
gb__run_clear(GbRun *run)
{
    if (run->dates != NULL)
        g_array_free(run->dates, TRUE);
    if (run->families != NULL)
        g_array_free(run->families, TRUE);
    if (run->positions != NULL)
        g_ptr_array_free(run->positions, TRUE);
    if (run->standings != NULL)
        g_ptr_array_free(run->standings, TRUE);
}

static void
gb__free_positions(gpointer p)
{
    g_array_free(p, TRUE);
}

/* Fills run's positions; prints the problem and returns 64 for an unknown
 * --family, 70 when a streaming table cannot answer a date (a bug). */
static int
gb__run_positions(GbRun *run)
{
    const GbTable *t = run->t;
    const GbRef *ref = t->ref;
    run->dates = gb__run_dates(run);
    run->families = gb_position_families(ref);
    if (run->o->family != NULL) {
        int f = gb_ref_find_family(ref, run->o->family);
        if (f < 0) {
            GString *ids = g_string_new(NULL);
            for (guint k = 0; k < run->families->len; k++)
                g_string_append_printf(
                    ids, "%s%s", k ? ", " : "",
                    (char *)g_ptr_array_index(ref->families, g_array_index(run->families, int, k)));
            fprintf(stderr, "gradebrief stats: --family: unknown family '%s' (use %s)\n",
                    run->o->family, ids->str);
            g_string_free(ids, TRUE);
            return 64;
        }
        g_array_set_size(run->families, 0);
        g_array_append_val(run->families, f);
    }
    run->positions = g_ptr_array_new_with_free_func(gb__free_positions);
    run->standings = g_ptr_array_new_with_free_func((GDestroyNotify)gb_position_standing_free);
    for (guint k = 0; k < run->families->len; k++) {
        int f = g_array_index(run->families, int, k);
        GArray *series = gb_position_series(t, f, (const guint32 *)(void *)run->dates->data,
                                            run->dates->len, (run->o->by & GB_BY_REGION) != 0);
        if (series == NULL) {
            fprintf(stderr, "gradebrief stats: internal error: the positions need the rows\n");
            return 70;
        }
        g_ptr_array_add(run->positions, series);
        if (run->o->by_authority)
            g_ptr_array_add(run->standings, gb_position_standing(t, f, run->at.date));
    }
    return 0;
}

int
gb_statsfmt_run(const GbTable *t, const GbStatsOptions *o, FILE *out)
{
    GbRun run = {.t = t, .o = o, .at = gb_position_as_at(t, o->as_at, o->config_as_at)};
    guint32 as_at = run.at.date;
    int rc = gb__run_positions(&run);
    if (rc != 0) {
        gb__run_clear(&run);
        return rc;
    }
    GbLatest *latest = gb_stats_latest(t, "overall_effectiveness", as_at);
    if (o->authority != NULL) {
        GString *scratch = g_string_new(NULL);
        int a = gb_ref_find_authority(t->ref, o->authority, strlen(o->authority), 0, as_at, scratch,
                                      NULL);
        g_string_free(scratch, TRUE);
        if (a < 0) {
            /* A name typed on the command line: a usage error, with the nearest names. */
            char *msg = gb_ref_unknown_authority(t->ref, o->authority);
            fprintf(stderr, "gradebrief stats: --authority: %s\n", msg);
            g_free(msg);
            rc = 64;
        } else if (o->format == GB_FMT_TABLE) {
            gb__write_authority(&run, a, latest, out);
        } else {
            gb__write_authority_data(&run, a, latest, o->format == GB_FMT_JSON, out);
        }
    } else if (o->movers) {
        GbMovers *mv = gb_position_movers(t, o->movers_mode, as_at);
        gb__write_movers(&run, mv, out);
        gb_position_movers_free(mv);
    } else {
        GbStats *st = gb_stats_compute(t, o->by);
        switch (o->format) {
        case GB_FMT_CSV:
            gb__write_csv(&run, st, out);
            break;
        case GB_FMT_JSON:
            gb__write_json(&run, st, latest, out);
            break;
        case GB_FMT_TABLE:
            gb__write_table(&run, st, latest, out);
            break;
        }
        gb_stats_free(st);
    }
    gb_stats_latest_free(latest);
    gb__run_clear(&run);
    if (rc == 0 && (fflush(out) != 0 || ferror(out))) {
        fprintf(stderr, "gradebrief stats: cannot write the output\n");
        rc = 74;
    }
    return rc;
}
