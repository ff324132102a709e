/* summary.c - the figures documents quote (see summary.h): counts, shares,
 * published figures, full years, inspection dates, data sources; positions
 * and the pairing with published figures are in summarypair.c. */
#include "pipeline/summary.h"
#include "pipeline/profile.h"
#include "pipeline/text.h"

#include <math.h>
#include <string.h>

double
gb_summary_share(double count, double base)
{
    return base != 0 ? 100.0 * count / base : 0.0;
}

const GbDistribution *
gb_summary_distribution(const GbStats *s, int regime, int judgement, int year)
{
    for (guint i = 0; i < s->distributions->len; i++) {
        const GbDistribution *d = &g_array_index(s->distributions, GbDistribution, i);
        if (d->regime == regime && d->judgement == judgement && d->year == year)
            return d;
    }
    return NULL;
}

const GbMeasure *
gb_summary_published(const GbStats *s, int year, int regime, const char *measure, int base)
{
    for (guint i = 0; i < s->published->len; i++) {
        const GbMeasure *m = &g_array_index(s->published, GbMeasure, i);
        if (m->year == year && m->regime == regime && strcmp(m->measure, measure) == 0 &&
            (base < 0 || m->base == base))
            return m;
    }
    return NULL;
}

void
gb_summary_common_counts(const GbRef *ref, const GbDistribution *d, guint common[GB_COMMON_LEVELS])
{
    memset(common, 0, sizeof(guint) * GB_COMMON_LEVELS);
    for (int k = 0; k < d->ngrades; k++) {
        int c = gb_ref_grade(ref, d->regime, k)->common;
        if (c >= 0)
            common[c] += d->count[k];
    }
}

gboolean
gb_summary_published_counts(const GbRef *ref, const GbStats *s, int year, int regime, int judgement,
                            int base, guint count[GB_MAX_GRADES], guint *base_out)
{
    const GbRegime *r = gb_ref_regime(ref, regime);
    int ngrades = MIN((int)r->grades->len, GB_MAX_GRADES);
    guint found = 0;
    memset(count, 0, sizeof(guint) * GB_MAX_GRADES);
    for (guint i = 0; i < s->published->len; i++) {
        const GbMeasure *m = &g_array_index(s->published, GbMeasure, i);
        if (m->year != year || m->regime != regime || m->count < 0 ||
            (judgement >= 0 && m->judgement != judgement))
            continue;
        for (int g = 0; g < ngrades; g++) {
            if (strcmp(gb_ref_grade(ref, regime, g)->id, m->measure) != 0)
                continue;
            if (base < 0)
                base = m->base;
            if (m->base != base || (found & (1u << g)))
                continue; /* another publication's figure, or a second one */
            count[g] = (guint)m->count;
            found |= 1u << g;
        }
    }
    if (found != (1u << ngrades) - 1 || base <= 0)
        return FALSE;
    guint sum = 0;
    for (int g = 0; g < ngrades; g++)
        sum += count[g];
    if (sum != (guint)base)
        return FALSE;
    if (base_out != NULL)
        *base_out = (guint)base;
    return TRUE;
}

const GbChange *
gb_summary_change_partner(const GbStats *s, const GbChange *c, const char *measure)
{
    const GbChange *found = NULL;
    for (guint k = 0; k < s->changes->len; k++) {
        const GbChange *o = &g_array_index(s->changes, GbChange, k);
        if (o->from.series == GB_SERIES_PUBLISHED && o->from.year == c->from.year &&
            o->to.year == c->to.year && o->from.regime == c->from.regime &&
            strcmp(o->from.measure, measure) == 0)
            found = o;
    }
    return found;
}

static gint
gb__cmp_names(gconstpointer a, gconstpointer b)
{
    return g_utf8_collate(*(char *const *)a, *(char *const *)b);
}

GPtrArray *
gb_summary_names_at_level(const GbTable *t, int judgement, int year, int level)
{
    const GbRef *ref = t->ref;
    int regime = gb_ref_judgement(ref, judgement)->regime;
    GPtrArray *names = g_ptr_array_new();
    for (guint i = 0; i < t->rows->len; i++) {
        const GbRow *row = gb_table_row(t, i);
        if (row->judgement == judgement && row->year == year &&
            gb_ref_grade(ref, regime, row->grade)->common == level)
            g_ptr_array_add(names, gb_ref_authority(ref, row->authority)->name);
    }
    g_ptr_array_sort(names, gb__cmp_names);
    return names;
}

void
gb_summary_full_years(const GbStats *s, int regime, int judgement, int first_year, int last_year,
                      guint min_base, const GbDistribution **first, const GbDistribution **last)
{
    *first = *last = NULL;
    for (int y = first_year; y <= last_year; y++) {
        const GbDistribution *d = gb_summary_distribution(s, regime, judgement, y);
        if (d == NULL || d->base < min_base)
            continue;
        if (*first == NULL)
            *first = d;
        *last = d;
    }
}

void
gb_summary_moves_up_down(const GbMoves *m, int *up, int *down)
{
    *up = *down = 0;
    for (int a = 0; a < GB_COMMON_LEVELS; a++)
        for (int c = 0; c < GB_COMMON_LEVELS; c++) {
            *up += c < a ? m->transitions[a][c] : 0;
            *down += c > a ? m->transitions[a][c] : 0;
        }
}

gboolean
gb_summary_published_latest(const GbRef *ref, int year, int count[GB_COMMON_LEVELS], int *base)
{
    for (int k = 0; k < GB_COMMON_LEVELS; k++)
        count[k] = -1;
    *base = -1;
    for (guint i = 0; i < ref->headlines->len; i++) {
        const GbHeadline *h = &g_array_index(ref->headlines, GbHeadline, i);
        if (strcmp(h->measure, "latest") != 0 || h->regime < 0 || h->year != year)
            continue;
        for (guint k = 0; k < gb_ref_regime(ref, h->regime)->grades->len; k++) {
            const GbGrade *g = gb_ref_grade(ref, h->regime, (int)k);
            if (strcmp(g->id, h->grade) == 0 && g->common >= 0)
                count[g->common] = (int)h->value;
        }
        *base = h->base;
    }
    if (*base <= 0)
        return FALSE;
    for (int k = 0; k < GB_COMMON_LEVELS; k++)
        if (count[k] < 0)
            return FALSE;
    return TRUE;
}

gboolean
gb_summary_latest_matches(const GbLatest *l, const int count[GB_COMMON_LEVELS], int base)
{
    gboolean same = base == l->authorities;
    for (int k = 0; k < GB_COMMON_LEVELS; k++)
        same = same && count[k] == l->count[k];
    return same;
}

const GbMeasure *
gb_summary_smallest_published(const GbStats *s, int regime, const char *measure)
{
    const GbMeasure *best = NULL;
    for (guint i = 0; i < s->published->len; i++) {
        const GbMeasure *m = &g_array_index(s->published, GbMeasure, i);
        if (m->regime == regime && strcmp(m->measure, measure) == 0 &&
            (best == NULL || m->base < best->base))
            best = m;
    }
    return best;
}

gboolean
gb_summary_context_change(const GbRef *ref, const char *grade, const GbHeadline **first,
                          const GbHeadline **last, double *percent)
{
    const GbHeadline *r0 = NULL, *r1 = NULL;
    for (guint i = 0; i < ref->headlines->len; i++) {
        const GbHeadline *h = &g_array_index(ref->headlines, GbHeadline, i);
        if (strcmp(h->grade, grade) != 0)
            continue;
        if (r0 == NULL || h->year < r0->year)
            r0 = h;
        if (r1 == NULL || h->year > r1->year)
            r1 = h;
    }
    if (r0 == NULL || r1 == NULL || r0 == r1 || r0->value == 0)
        return FALSE;
    *first = r0;
    *last = r1;
    *percent = 100.0 * (r1->value - r0->value) / r0->value;
    return TRUE;
}

int
gb_summary_current_regime(const GbRef *ref)
{
    int best = -1;
    for (guint r = 0; r < ref->regimes->len; r++) {
        const GbRegime *rg = gb_ref_regime(ref, (int)r);
        if (rg->last_year != 0 || !rg->graded)
            continue;
        if (best < 0 || rg->first_year > gb_ref_regime(ref, best)->first_year)
            best = (int)r;
    }
    return best;
}

GArray *
gb_summary_regimes_with_rows(const GbTable *t)
{
    const GbRef *ref = t->ref;
    gboolean *has = g_new0(gboolean, ref->regimes->len);
    for (guint i = 0; i < t->rows->len; i++) {
        const GbRow *row = gb_table_row(t, i);
        int r = gb_ref_judgement(ref, row->judgement)->regime;
        if (gb_ref_headline_judgement(ref, r) == row->judgement)
            has[r] = TRUE;
    }
    GArray *out = g_array_new(FALSE, FALSE, sizeof(int));
    for (guint r = 0; r < ref->regimes->len; r++)
        if (has[r]) {
            int ri = (int)r;
            g_array_append_val(out, ri);
        }
    g_free(has);
    return out;
}

void
gb_summary_last_two(const GArray *history, int regime, const GbEvent **before, const GbEvent **last)
{
    *before = *last = NULL;
    for (guint k = 0; k < history->len; k++) {
        const GbEvent *e = &g_array_index(history, GbEvent, k);
        if (e->regime != regime || e->as_authority >= 0)
            continue;
        *before = *last;
        *last = e;
    }
}

GPtrArray *
gb_summary_rows_worst_first(const GbTable *t, int regime)
{
    const GbRef *ref = t->ref;
    int j = gb_ref_headline_judgement(ref, regime);
    GPtrArray *rows = g_ptr_array_new();
    for (int g = (int)gb_ref_regime(ref, regime)->grades->len - 1; g >= 0; g--)
        for (guint i = 0; i < t->rows->len; i++) {
            const GbRow *r = gb_table_row(t, i);
            if (r->judgement == j && r->grade == g)
                g_ptr_array_add(rows, (gpointer)r);
        }
    return rows;
}

GPtrArray *
gb_summary_sources(const GbTable *t)
{
    const GbRef *ref = t->ref;
    GPtrArray *sources = g_ptr_array_new();
    for (guint i = 0; i < t->sources->len; i++) {
        const char *s = g_ptr_array_index(t->sources, i);
        /* A file's path stands in for rows with no source; a source text may
         * well contain a "/" ("Ofsted / DfE"). */
        if (!gb_table_source_is_file(t, i))
            g_ptr_array_add(sources, (gpointer)s);
    }
    for (guint i = 0; i < ref->headlines->len; i++) {
        const char *s = g_array_index(ref->headlines, GbHeadline, i).source;
        gboolean seen = FALSE;
        for (guint k = 0; k < sources->len && !seen; k++)
            seen = strcmp(g_ptr_array_index(sources, k), s) == 0;
        if (!seen)
            g_ptr_array_add(sources, (gpointer)s);
    }
    g_ptr_array_sort(sources, gb__cmp_names);
    return sources;
}

static guint32
gb__row_date(const GbRow *r)
{
    return r->date ? r->date : (guint32)r->year * 10000 + 1231;
}

GArray *
gb_summary_inspection_dates(const GbTable *t, int authority, int judgement)
{
    GArray *dates = g_array_new(FALSE, FALSE, sizeof(guint32));
    for (guint i = 0; i < t->rows->len; i++) {
        const GbRow *r = gb_table_row(t, i);
        if (r->authority != authority || r->judgement != judgement)
            continue;
        guint32 when = gb__row_date(r);
        guint k = 0;
        while (k < dates->len && g_array_index(dates, guint32, k) < when)
            k++;
        if (k < dates->len && g_array_index(dates, guint32, k) == when)
            continue;
        g_array_insert_val(dates, k, when);
    }
    return dates;
}

int
gb_summary_grade_on(const GbTable *t, int authority, int judgement, guint32 date)
{
    for (guint i = 0; i < t->rows->len; i++) {
        const GbRow *r = gb_table_row(t, i);
        if (r->authority == authority && r->judgement == judgement && gb__row_date(r) == date)
            return r->grade;
    }
    return -1;
}

GArray *
gb_summary_predecessors(const GbRef *ref, int authority)
{
    GArray *out = g_array_new(FALSE, FALSE, sizeof(int));
    for (guint i = 0; i < ref->authorities->len; i++) {
        const GArray *succ = gb_ref_authority(ref, (int)i)->successors;
        for (guint k = 0; k < succ->len; k++)
            if (g_array_index(succ, int, k) == authority) {
                int ii = (int)i;
                g_array_append_val(out, ii);
            }
    }
    return out;
}

int
gb_summary_neighbour_count(const GbAuthority *a)
{
    int n = 0;
    for (gsize k = 0; k < G_N_ELEMENTS(a->neighbours); k++)
        n += a->neighbours[k] >= 0;
    return n;
}

gboolean
gb_summary_is_neighbour(const GbAuthority *a, int other)
{
    for (gsize k = 0; k < G_N_ELEMENTS(a->neighbours); k++)
        if (a->neighbours[k] == other)
            return TRUE;
    return FALSE;
}

const char *
gb_summary_level_label(const GbRef *ref, int regime, int level)
{
    if (level < 0 || level >= GB_COMMON_LEVELS)
        return NULL;
    const GbRegime *r = gb_ref_regime(ref, regime);
    for (guint g = 0; g < r->grades->len; g++)
        if (gb_ref_grade(ref, regime, (int)g)->common == level)
            return gb_ref_grade(ref, regime, (int)g)->label;
    return ref->common_labels[level];
}

int
gb_summary_good_or_better(const int count[GB_COMMON_LEVELS])
{
    return count[0] + count[1];
}

int
gb_summary_direction(int from, int to)
{
    return to < from ? 1 : to > from ? -1 : 0;
}

int
gb_summary_headline_family(const GbRef *ref, int regime)
{
    if (regime < 0)
        return -1;
    int j = gb_ref_headline_judgement(ref, regime);
    if (j < 0)
        return -1;
    guint32 bits = gb_ref_judgement(ref, j)->families;
    for (int f = 0; f < 32 && f < (int)ref->families->len; f++)
        if (bits >> f & 1u)
            return f;
    return -1;
}

/* "Ofsted, LA outcomes as at 31 March 2025 (latest judgements), 2025-09-25"
 * -> "Ofsted, LA outcomes as at 31 March 2025", with *published = 20250925
 * (0 when the text ends in no full date). */
static char *
gb__source_title(const char *s, guint32 *published)
{
    GString *o = g_string_new(s);
    gsize n = o->len;
    *published = 0;
    if (n > 12 && o->str[n - 12] == ',' && o->str[n - 11] == ' ' &&
        g_ascii_isdigit(o->str[n - 10]) && o->str[n - 6] == '-' && o->str[n - 3] == '-') {
        guint32 ymd;
        if (gb_text_parse_date(o->str + n - 10, &ymd))
            *published = ymd;
        g_string_truncate(o, n - 12);
    } else if (n > 6 && o->str[n - 6] == ',' && o->str[n - 5] == ' ' &&
               g_ascii_isdigit(o->str[n - 4]) && g_ascii_isdigit(o->str[n - 1])) {
        g_string_truncate(o, n - 6);
    }
    char *open = strstr(o->str, " (");
    char *close = open != NULL ? strchr(open, ')') : NULL;
    if (close != NULL)
        g_string_erase(o, open - o->str, close - open + 1);
    return g_string_free(o, FALSE);
}

static int
gb__cmp_data_source(const void *pa, const void *pb)
{
    const GbDataSource *a = pa, *b = pb;
    if (a->official != b->official)
        return a->official ? -1 : 1;
    /* Official statistics: the newest publication (the one the position is
     * as at) first; press tables: the one behind most rows first. */
    if (a->official && a->published != b->published)
        return a->published > b->published ? -1 : 1;
    if (a->rows != b->rows)
        return a->rows > b->rows ? -1 : 1;
    return strcmp(a->title, b->title);
}

/* TRUE when rows of origin o of file f are a publication's own table: read
 * through a profile (not a long table transcribed from an article) and of
 * kind published. */
static gboolean
gb__official(const GbTable *t, const GbOrigin *o, guint16 file)
{
    if (o->kind != GB_KIND_PUBLISHED || file >= t->files->len)
        return FALSE;
    const char *layout = g_array_index(t->files, GbFileAccount, file).layout;
    return layout != NULL && strcmp(layout, "long") != 0;
}

static void
gb__data_source_free(gpointer p)
{
    g_free(((GbDataSource *)p)->title);
}

GArray *
gb_summary_data_sources(const GbTable *t)
{
    /* Rows per origin, and whether any of them came through a profile. */
    guint norigins = t->origins->len;
    guint *per = g_new0(guint, norigins + 1);
    gboolean *official = g_new0(gboolean, norigins + 1);
    for (guint i = 0; i < t->rows->len; i++) {
        const GbRow *r = gb_table_row(t, i);
        if (r->source >= norigins)
            continue;
        per[r->source]++;
        if (!official[r->source])
            official[r->source] =
                gb__official(t, &g_array_index(t->origins, GbOrigin, r->source), r->file);
    }
    GArray *acc = g_array_new(FALSE, TRUE, sizeof(GbDataSource));
    g_array_set_clear_func(acc, gb__data_source_free);
    for (guint i = 0; i < norigins; i++) {
        const GbOrigin *o = &g_array_index(t->origins, GbOrigin, i);
        if (per[i] == 0 || gb_table_source_is_file(t, o->text))
            continue;
        guint32 published;
        char *title = gb__source_title(g_ptr_array_index(t->sources, o->text), &published);
        GbDataSource *same = NULL;
        for (guint k = 0; k < acc->len && same == NULL; k++)
            if (strcmp(g_array_index(acc, GbDataSource, k).title, title) == 0)
                same = &g_array_index(acc, GbDataSource, k);
        if (same != NULL) {
            same->rows += per[i];
            same->official = same->official || official[i];
            same->published = MAX(same->published, published);
            g_free(title);
        } else {
            GbDataSource c = {title, per[i], official[i], published};
            g_array_append_val(acc, c);
        }
    }
    g_free(per);
    g_free(official);
    g_array_sort(acc, gb__cmp_data_source); /* qsort of an empty array is undefined */
    return acc;
}

char *
gb_summary_data_line(const GbTable *t)
{
    GArray *src = gb_summary_data_sources(t);
    GString *s = g_string_new(NULL);
    if (src->len == 0)
        g_string_append(s, "Data: the rows read");
    else
        g_string_append_printf(s, "Data: %s", g_array_index(src, GbDataSource, 0).title);
    if (src->len > 1)
        g_string_append_printf(s, ", and %u other source%s", src->len - 1,
                               src->len == 2 ? "" : "s");
    g_array_free(src, TRUE);
    return g_string_free(s, FALSE);
}
