/* statsfmt.c - `gradebrief stats`: its options, the run (what to compute for
 * them, then which writer), and the names and labels every writer uses. The
 * writers are statscsv.c, statsjson.c, statstable.c (distributions and
 * positions), statsauthority.c (--authority) and statsmovers.c (--movers). */
#include "pipeline/statsfmt-private.h"

#include "pipeline/summary.h"
#include "pipeline/text.h"

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

const char *const gb__statsfmt_common_ids[GB_COMMON_LEVELS] = {"outstanding", "good", "adequate",
                                                               "inadequate"};

void
gb__statsfmt_names(const GbRef *ref, int year, int regime, int judgement, int region, GbNames *n)
{
    if (year >= 0)
        g_snprintf(n->year, sizeof n->year, "%d", year);
    else
        n->year[0] = '\0';
    n->regime = regime >= 0 ? gb_ref_regime(ref, regime)->id : (regime == -1 ? "common" : "");
    n->judgement = judgement >= 0 ? gb_ref_judgement(ref, judgement)->id : "";
    n->region = region >= 0 ? (const char *)g_ptr_array_index(ref->regions, region) : "";
}

const char *
gb__statsfmt_grade_id(const GbRef *ref, const GbDistribution *d, int g)
{
    return d->regime >= 0 ? gb_ref_grade(ref, d->regime, g)->id : gb__statsfmt_common_ids[g];
}

void
gb__statsfmt_csv_row(GString *s, const char *const *cells, int n)
{
    for (int i = 0; i < n; i++) {
        if (i)
            g_string_append_c(s, ',');
        gb_text_csv_field(s, cells[i]);
    }
    g_string_append(s, "\r\n");
}

const char *
gb__statsfmt_family_label(const GbRef *ref, int f, char *buf, gsize len)
{
    g_strlcpy(buf, g_ptr_array_index(ref->families, f), len);
    for (char *p = buf; *p; p++)
        if (*p == '_')
            *p = ' ';
    buf[0] = g_ascii_toupper(buf[0]);
    return buf;
}

const char *
gb__statsfmt_group_id(GbGroupKind k)
{
    return k == GB_GROUP_ENGLAND ? "england" : k == GB_GROUP_REGION ? "region" : "neighbours";
}

const char *
gb__statsfmt_ons(const GbAuthority *a)
{
    return a->ons->len ? (const char *)g_ptr_array_index(a->ons, 0) : "";
}

const GbPosition *
gb__statsfmt_previous(const GArray *series, guint i)
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

const char *
gb__statsfmt_judgement_name(const GbRef *ref, const char *id)
{
    int current = gb_summary_current_regime(ref);
    int jc = current >= 0 ? gb_ref_find_judgement(ref, current, id) : -1;
    if (jc >= 0)
        return gb_ref_judgement(ref, jc)->label;
    for (guint j = 0; j < ref->judgements->len; j++)
        if (strcmp(gb_ref_judgement(ref, (int)j)->id, id) == 0)
            return gb_ref_judgement(ref, (int)j)->label;
    return id;
}

void
gb__statsfmt_latest_labels(const GbRun *run, const GbLatest *latest,
                           const char *labels[GB_COMMON_LEVELS])
{
    const GbRef *ref = run->t->ref;
    for (int g = 0; g < GB_COMMON_LEVELS; g++)
        labels[g] = ref->common_labels[g];
    for (guint k = 0; run->families != NULL && k < run->families->len; k++) {
        int f = g_array_index(run->families, int, k);
        const GArray *series = g_ptr_array_index(run->positions, k);
        const GbPosition *p = gb_summary_position_on(series, f, latest->as_at);
        gboolean in_family = FALSE;
        for (guint j = 0; j < ref->judgements->len; j++)
            in_family =
                in_family || (strcmp(gb_ref_judgement(ref, (int)j)->id, latest->judgement) == 0 &&
                              gb_ref_in_family(ref, (int)j, f));
        if (p != NULL && in_family) {
            for (int g = 0; g < GB_COMMON_LEVELS; g++)
                labels[g] = gb_summary_position_label(ref, p, g, NULL);
            return;
        }
    }
}

void
gb__statsfmt_event_text(GString *s, const GbRef *ref, const GbEvent *e)
{
    /* For people: "19 November 2010 SLAC Adequate", or the year alone when
     * the row has no date (ISO dates stay in CSV and JSON). */
    char date[32];
    if (e->date)
        gb_text_format_date_long(e->date, date, sizeof date);
    else
        g_snprintf(date, sizeof date, "%d", e->year);
    g_string_append_printf(s, "%s %s %s", date, gb_ref_regime(ref, e->regime)->short_name,
                           gb_ref_grade(ref, e->regime, e->grade)->label);
    if (e->as_authority >= 0)
        g_string_append_printf(s, " [as %s]", gb_ref_authority(ref, e->as_authority)->name);
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

/* Every other family's positions, from family `first` on (a thread's share
 * of gb__run_positions); series[k] is NULL where the table cannot answer. */
typedef struct {
    const GbRun *run;
    GArray **series;
    guint first;
} GbSeriesShare;

static gpointer
gb__series_share(gpointer data)
{
    const GbSeriesShare *sh = data;
    const GbRun *run = sh->run;
    for (guint k = sh->first; k < run->families->len; k += 2)
        sh->series[k] = gb_position_series(run->t, g_array_index(run->families, int, k),
                                           (const guint32 *)(void *)run->dates->data,
                                           run->dates->len, (run->o->by & GB_BY_REGION) != 0);
    return NULL;
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
    /* The families' positions are independent reads of the table: half of
     * them on a second thread (each is a pass over every authority; the last
     * serial stretch of a 1M-row run). */
    guint nf = run->families->len;
    GArray **series = g_new0(GArray *, MAX(nf, 1));
    GbSeriesShare mine = {.run = run, .series = series, .first = 0},
                  other = {.run = run, .series = series, .first = 1};
    GThread *helper = nf >= 2 ? g_thread_new("positions", gb__series_share, &other) : NULL;
    gb__series_share(&mine);
    if (helper != NULL)
        g_thread_join(helper);
    int rc = 0;
    for (guint k = 0; k < nf; k++) {
        if (rc != 0 || series[k] == NULL) {
            if (series[k] != NULL)
                gb__free_positions(series[k]);
            rc = 70;
            continue;
        }
        g_ptr_array_add(run->positions, series[k]);
        if (run->o->by_authority)
            g_ptr_array_add(
                run->standings,
                gb_position_standing(t, g_array_index(run->families, int, k), run->at.date));
    }
    g_free(series);
    if (rc != 0)
        fprintf(stderr, "gradebrief stats: internal error: the positions need the rows\n");
    return rc;
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
            gb__statsfmt_authority_table(&run, a, latest, out);
        } else {
            gb__statsfmt_authority_data(&run, a, latest, o->format == GB_FMT_JSON, out);
        }
    } else if (o->movers) {
        GbMovers *mv = gb_position_movers(t, o->movers_mode, as_at);
        gb__statsfmt_movers(&run, mv, out);
        gb_position_movers_free(mv);
    } else {
        GbStats *st = gb_stats_compute(t, o->by);
        switch (o->format) {
        case GB_FMT_CSV:
            gb__statsfmt_csv(&run, st, out);
            break;
        case GB_FMT_JSON:
            gb__statsfmt_json(&run, st, latest, out);
            break;
        case GB_FMT_TABLE:
            gb__statsfmt_table(&run, st, latest, out);
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
