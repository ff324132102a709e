/* refdata.c - load and free the reference tables (see refdata.h): the
 * table reader, the order of the tables, and the companion tables
 * (headlines, statistical neighbours, tiles, coverage). Authorities are read
 * in refauthority.c, regimes, judgements and scales in refregime.c.
 *
 * Each table is read by one row function over a header-mapped record; any
 * problem in a reference table stops the load, since every grade row depends
 * on them. */
#include "pipeline/refdata-private.h"

#include "pipeline/text.h"

#include <math.h>
#include <string.h>

#define GB__MAX_COLS 24

typedef struct {
    GbRef *ref;
    const GbColumnSpec *specs;
    guint nspecs;
    GbRowFn row;
    int idx[GB__MAX_COLS];
    guint width;
    GString *scratch;
} GbTableLoad;

const char *
gb__ref_field(const GbCsvRecord *rec, const int *idx, int col)
{
    return idx[col] >= 0 ? rec->fields[idx[col]] : "";
}

static GbStatus
gb__table_record(const GbCsvRecord *rec, gpointer user, GbDiag *diag)
{
    GbTableLoad *tl = user;
    if (rec->record == 1) {
        tl->width = rec->nfields;
        return gb_csv_map_header(rec, tl->specs, tl->nspecs, FALSE, tl->idx, diag);
    }
    if (rec->nfields != tl->width) {
        gb_diag_set(diag, rec->path, rec->line, 1, "record has %u fields; the header has %u",
                    rec->nfields, tl->width);
        return GB_DATA;
    }
    return tl->row(tl->ref, rec, tl->idx, diag);
}

GbStatus
gb__ref_load_table(GbRef *ref, const char *file, const GbColumnSpec *specs, guint n, GbRowFn row,
                   GbDiag *diag)
{
    char *path = g_build_filename(ref->datadir, file, NULL);
    GbTableLoad tl = {.ref = ref, .specs = specs, .nspecs = n, .row = row};
    GbStatus status = gb_csv_read(path, gb__table_record, &tl, diag);
    g_free(path);
    return status;
}

void
gb__ref_split_into(GPtrArray *out, GStringChunk *chunk, const char *s)
{
    for (const char *p = s;; p++) {
        const char *end = strchr(p, '|');
        if (end == NULL)
            end = p + strlen(p);
        const char *a = p, *b = end;
        while (a < b && g_ascii_isspace(*a))
            a++;
        while (b > a && g_ascii_isspace(b[-1]))
            b--;
        if (b > a)
            g_ptr_array_add(out, g_string_chunk_insert_len(chunk, a, b - a));
        if (*end == '\0')
            return;
        p = end;
    }
}

/* headlines.csv */
enum {
    H_ID,
    H_YEAR,
    H_REGIME,
    H_JUDGEMENT,
    H_MEASURE,
    H_GRADE,
    H_VALUE,
    H_UNIT,
    H_BASE,
    H_QUAL,
    H_DESC,
    H_SOURCE,
    H_KIND,
    H_AS_AT,
    H_FROM,
    H_TO,
    H_GROUP,
    H_ROUNDED,
    H_N
};
static const GbColumnSpec gb__headline_cols[H_N] = {
    {"id", TRUE},      {"year", TRUE},        {"regime", TRUE},      {"judgement", TRUE},
    {"measure", TRUE}, {"grade", TRUE},       {"value", TRUE},       {"unit", TRUE},
    {"base", TRUE},    {"qualifier", TRUE},   {"description", TRUE}, {"source", TRUE},
    {"kind", FALSE},   {"as_at", FALSE},      {"from", FALSE},       {"to", FALSE},
    {"group", FALSE},  {"rounded_to", FALSE},
};

/* A date column of headlines.csv: empty gives 0; else a YYYY-MM-DD date. */
static gboolean
gb__headline_date(const GbCsvRecord *rec, const int *idx, int col, guint32 *out, GbDiag *diag)
{
    const char *v = gb__ref_field(rec, idx, col);
    *out = 0;
    if (*v == '\0' || gb_text_parse_date(v, out))
        return TRUE;
    gb_csv_diag_field(rec, (guint)idx[col], diag, "%s must be a date (YYYY-MM-DD), not '%s'",
                      gb__headline_cols[col].name, v);
    return FALSE;
}

/* The kind columns: what the figure measures, checked against each other. */
static GbStatus
gb__headline_kind(GbRef *ref, const GbCsvRecord *rec, const int *idx, GbHeadline *h, GbDiag *diag)
{
    const char *kind = gb__ref_field(rec, idx, H_KIND);
    const char *group = gb__ref_field(rec, idx, H_GROUP);
    if (idx[H_KIND] < 0 || strcmp(kind, "published-only") == 0)
        h->kind = GB_HEADLINE_PUBLISHED_ONLY;
    else if (strcmp(kind, "position") == 0)
        h->kind = GB_HEADLINE_POSITION;
    else if (strcmp(kind, "period") == 0)
        h->kind = GB_HEADLINE_PERIOD;
    else {
        gb_csv_diag_field(rec, (guint)idx[H_KIND], diag,
                          "kind must be position, period or published-only, not '%s'", kind);
        return GB_DATA;
    }
    if (!gb__headline_date(rec, idx, H_AS_AT, &h->as_at, diag) ||
        !gb__headline_date(rec, idx, H_FROM, &h->from, diag) ||
        !gb__headline_date(rec, idx, H_TO, &h->to, diag))
        return GB_DATA;
    gint64 rounded = 1;
    const char *rt = gb__ref_field(rec, idx, H_ROUNDED);
    if (*rt != '\0' && !gb_text_parse_int(rt, 1, 100, &rounded)) {
        gb_csv_diag_field(rec, (guint)idx[H_ROUNDED], diag,
                          "rounded_to must be a whole number of points 1-100 or empty");
        return GB_DATA;
    }
    h->rounded_to = (int)rounded;
    int bad = -1;
    const char *why = NULL;
    if (h->kind == GB_HEADLINE_POSITION) {
        h->family = gb_ref_find_family(ref, group);
        if (h->as_at == 0)
            bad = H_AS_AT, why = "a position needs its as_at date";
        else if (h->from != 0 || h->to != 0)
            bad = h->from != 0 ? H_FROM : H_TO, why = "a position has an as_at date, not a period";
        else if (h->family < 0)
            bad = H_GROUP, why = "a position's group must be a judgement family of judgements.csv";
    } else if (h->kind == GB_HEADLINE_PERIOD) {
        if (h->from == 0 || h->to == 0)
            bad = h->from == 0 ? H_FROM : H_TO, why = "a period needs its from and to dates";
        else if (h->to < h->from)
            bad = H_TO, why = "a period's to date is before its from date";
        else if (h->as_at != 0)
            bad = H_AS_AT, why = "a period has from and to dates, not an as_at date";
        else if (h->regime < 0)
            bad = H_REGIME, why = "a period's figure needs its regime and judgement";
        else if (*group != '\0')
            h->group = g_strdup(group);
    } else if (h->as_at != 0 || h->from != 0 || h->to != 0) {
        bad = h->as_at != 0 ? H_AS_AT : h->from != 0 ? H_FROM : H_TO;
        why = "a published-only figure has no dates to pair it by";
    }
    if (bad < 0)
        return GB_OK;
    gb_csv_diag_field(rec, (guint)(idx[bad] >= 0 ? idx[bad] : idx[H_KIND]), diag, "%s", why);
    return GB_DATA;
}

static GbStatus
gb__headline_row(GbRef *ref, const GbCsvRecord *rec, const int *idx, GbDiag *diag)
{
    GbHeadline h = {.regime = -1, .judgement = -1, .base = -1, .family = -1};
    gint64 year, base;
    if (!gb_text_parse_int(gb__ref_field(rec, idx, H_YEAR), 1900, 2999, &year)) {
        gb_csv_diag_field(rec, (guint)idx[H_YEAR], diag, "year must be a year");
        return GB_DATA;
    }
    const char *regime = gb__ref_field(rec, idx, H_REGIME);
    if (*regime != '\0') {
        h.regime = gb_ref_find_regime(ref, regime);
        h.judgement = h.regime < 0 ? -1
                                   : gb_ref_find_judgement(ref, h.regime,
                                                           gb__ref_field(rec, idx, H_JUDGEMENT));
        if (h.judgement < 0) {
            gb_csv_diag_field(rec, (guint)idx[H_REGIME], diag,
                              "unknown regime/judgement "
                              "'%s/%s'",
                              regime, gb__ref_field(rec, idx, H_JUDGEMENT));
            return GB_DATA;
        }
    }
    char *end;
    const char *v = gb__ref_field(rec, idx, H_VALUE);
    h.value = g_ascii_strtod(v, &end);
    if (*v == '\0' || *end != '\0' || !isfinite(h.value)) {
        gb_csv_diag_field(rec, (guint)idx[H_VALUE], diag,
                          "value must be a number (not nan "
                          "or inf)");
        return GB_DATA;
    }
    const char *b = gb__ref_field(rec, idx, H_BASE);
    if (*b != '\0') {
        if (!gb_text_parse_int(b, 1, G_MAXINT, &base)) {
            gb_csv_diag_field(rec, (guint)idx[H_BASE], diag, "base must be a count or empty");
            return GB_DATA;
        }
        h.base = (int)base;
    }
    if (gb__headline_kind(ref, rec, idx, &h, diag) != GB_OK) {
        g_free(h.group);
        return GB_DATA;
    }
    h.year = (int)year;
    h.id = g_strdup(gb__ref_field(rec, idx, H_ID));
    h.measure = g_strdup(gb__ref_field(rec, idx, H_MEASURE));
    h.grade = g_strdup(gb__ref_field(rec, idx, H_GRADE));
    h.unit = g_strdup(gb__ref_field(rec, idx, H_UNIT));
    h.qualifier = g_strdup(gb__ref_field(rec, idx, H_QUAL));
    h.description = g_strdup(gb__ref_field(rec, idx, H_DESC));
    h.source = g_strdup(gb__ref_field(rec, idx, H_SOURCE));
    g_array_append_val(ref->headlines, h);
    return GB_OK;
}

/* neighbours.csv */
enum { N_CODE, N_RANK, N_NEIGHBOUR, N_CLOSE, N_N };
static const GbColumnSpec gb__neighbour_cols[N_N] = {
    {"code", TRUE},
    {"rank", TRUE},
    {"neighbour", TRUE},
    {"closeness", TRUE},
};

static GbStatus
gb__neighbour_row(GbRef *ref, const GbCsvRecord *rec, const int *idx, GbDiag *diag)
{
    int a = gb__ref_authority_by_code(ref, gb__ref_field(rec, idx, N_CODE));
    int n = gb__ref_authority_by_code(ref, gb__ref_field(rec, idx, N_NEIGHBOUR));
    gint64 rank;
    if (a < 0 || n < 0) {
        gb_csv_diag_field(rec, (guint)idx[a < 0 ? N_CODE : N_NEIGHBOUR], diag,
                          "unknown authority code '%s'",
                          gb__ref_field(rec, idx, a < 0 ? N_CODE : N_NEIGHBOUR));
        return GB_DATA;
    }
    if (!gb_text_parse_int(gb__ref_field(rec, idx, N_RANK), 1, 10, &rank)) {
        gb_csv_diag_field(rec, (guint)idx[N_RANK], diag, "rank must be 1 to 10");
        return GB_DATA;
    }
    GbAuthority *au = &g_array_index(ref->authorities, GbAuthority, a);
    if (n == a) {
        gb_csv_diag_field(rec, (guint)idx[N_NEIGHBOUR], diag,
                          "%s is listed as its own "
                          "statistical neighbour",
                          au->name);
        return GB_DATA;
    }
    for (int k = 0; k < 10; k++)
        if (k != rank - 1 && au->neighbours[k] == n) {
            gb_csv_diag_field(rec, (guint)idx[N_NEIGHBOUR], diag,
                              "%s is already %s's "
                              "neighbour of rank %d",
                              gb_ref_authority(ref, n)->name, au->name, k + 1);
            return GB_DATA;
        }
    au->neighbours[rank - 1] = n;
    g_free(au->closeness[rank - 1]);
    au->closeness[rank - 1] = g_strdup(gb__ref_field(rec, idx, N_CLOSE));
    return GB_OK;
}

/* tiles.csv */
enum { T_CODE, T_Q, T_R, T_SHORT, T_N };
static const GbColumnSpec gb__tile_cols[T_N] = {
    {"code", TRUE},
    {"q", TRUE},
    {"r", TRUE},
    {"short", TRUE},
};

static GbStatus
gb__tile_row(GbRef *ref, const GbCsvRecord *rec, const int *idx, GbDiag *diag)
{
    int a = gb__ref_authority_by_code(ref, gb__ref_field(rec, idx, T_CODE));
    gint64 q, r;
    if (a < 0) {
        gb_csv_diag_field(rec, (guint)idx[T_CODE], diag, "unknown authority code '%s'",
                          gb__ref_field(rec, idx, T_CODE));
        return GB_DATA;
    }
    if (!gb_text_parse_int(gb__ref_field(rec, idx, T_Q), 0, GB_REF_TILE_MAX, &q) ||
        !gb_text_parse_int(gb__ref_field(rec, idx, T_R), 0, GB_REF_TILE_MAX, &r)) {
        gb_csv_diag_field(rec, (guint)idx[T_Q], diag,
                          "q and r must be whole numbers 0-%d "
                          "(England's map is about 17 tiles a side; one far tile would shrink "
                          "the rest to specks)",
                          GB_REF_TILE_MAX);
        return GB_DATA;
    }
    for (guint i = 0; i < ref->authorities->len; i++) {
        const GbAuthority *o = gb_ref_authority(ref, (int)i);
        if (o->tile_q == q && o->tile_r == r) {
            gb_csv_diag_field(rec, (guint)idx[T_Q], diag, "tile (%d, %d) is already %s's", (int)q,
                              (int)r, o->name);
            return GB_DATA;
        }
    }
    GbAuthority *au = &g_array_index(ref->authorities, GbAuthority, a);
    au->tile_q = (int)q;
    au->tile_r = (int)r;
    g_free(au->short_label);
    au->short_label = g_strdup(gb__ref_field(rec, idx, T_SHORT));
    return GB_OK;
}

/* coverage.csv */
enum { C_YEAR, C_REGIME, C_JUDGEMENT, C_COVERAGE, C_NOTE, C_N };
static const GbColumnSpec gb__coverage_cols[C_N] = {
    {"year", TRUE}, {"regime", TRUE}, {"judgement", TRUE}, {"coverage", TRUE}, {"note", TRUE},
};

static GbStatus
gb__coverage_row(GbRef *ref, const GbCsvRecord *rec, const int *idx, GbDiag *diag)
{
    GbCoverage c = {0};
    gint64 year;
    if (!gb_text_parse_int(gb__ref_field(rec, idx, C_YEAR), 1900, 2999, &year)) {
        gb_csv_diag_field(rec, (guint)idx[C_YEAR], diag, "year must be a year");
        return GB_DATA;
    }
    c.year = (int)year;
    c.regime = gb_ref_find_regime(ref, gb__ref_field(rec, idx, C_REGIME));
    c.judgement = c.regime < 0
                      ? -1
                      : gb_ref_find_judgement(ref, c.regime, gb__ref_field(rec, idx, C_JUDGEMENT));
    if (c.judgement < 0) {
        gb_csv_diag_field(rec, (guint)idx[C_REGIME], diag, "unknown regime/judgement");
        return GB_DATA;
    }
    if (strcmp(gb__ref_field(rec, idx, C_COVERAGE), "selection") != 0) {
        gb_csv_diag_field(rec, (guint)idx[C_COVERAGE], diag, "coverage must be 'selection'");
        return GB_DATA;
    }
    c.note = g_strdup(gb__ref_field(rec, idx, C_NOTE));
    g_array_append_val(ref->coverage, c);
    return GB_OK;
}

const char *
gb_ref_selection_note(const GbRef *ref, int year, int regime, int judgement)
{
    for (guint i = 0; i < ref->coverage->len; i++) {
        const GbCoverage *c = &g_array_index(ref->coverage, GbCoverage, i);
        if (c->year == year && c->regime == regime && c->judgement == judgement)
            return c->note;
    }
    return NULL;
}

static gboolean
gb__has_file(const GbRef *ref, const char *file)
{
    char *path = g_build_filename(ref->datadir, file, NULL);
    gboolean ok = g_file_test(path, G_FILE_TEST_EXISTS);
    g_free(path);
    return ok;
}

guint
gb__ref_str_hash(gconstpointer key)
{
    /* Loading the register hashes some 280,000 keys; g_str_hash (a multiply
     * a byte) was 31 M instructions of it. */
    const char *s = key;
    gsize n = strlen(s);
    guint64 h = 0x9E3779B97F4A7C15u ^ n;
    for (; n >= 8; s += 8, n -= 8) {
        guint64 w;
        memcpy(&w, s, 8);
        h = (h ^ w) * 0xBF58476D1CE4E5B9u;
        h ^= h >> 31;
    }
    guint64 w = 0;
    memcpy(&w, s, n);
    h = (h ^ w) * 0x94D049BB133111EBu;
    h ^= h >> 29;
    return (guint)(h ^ h >> 32);
}

static void
gb__free_list(gpointer p)
{
    g_array_free(p, TRUE);
}

GbStatus
gb_ref_load(const char *datadir, GbRef **out, GbDiag *diag)
{
    *out = NULL;
    if (!g_file_test(datadir, G_FILE_TEST_IS_DIR)) {
        gb_diag_set(diag, datadir, 0, 0, "data directory does not exist");
        return GB_NOINPUT;
    }
    GbRef *ref = g_new0(GbRef, 1);
    ref->datadir = g_strdup(datadir);
    ref->authorities = g_array_new(FALSE, TRUE, sizeof(GbAuthority));
    ref->pending_successors = g_ptr_array_new_with_free_func(g_free);
    ref->no_successors = g_array_new(FALSE, FALSE, sizeof(int));
    ref->scratch = g_string_new(NULL);
    ref->regions = g_ptr_array_new_with_free_func(g_free);
    ref->regimes = g_array_new(FALSE, TRUE, sizeof(GbRegime));
    ref->judgements = g_array_new(FALSE, TRUE, sizeof(GbJudgement));
    ref->families = g_ptr_array_new_with_free_func(g_free);
    ref->headlines = g_array_new(FALSE, TRUE, sizeof(GbHeadline));
    ref->coverage = g_array_new(FALSE, TRUE, sizeof(GbCoverage));
    ref->strings = g_string_chunk_new(64 * 1024);
    ref->auth_by_key = g_hash_table_new(gb__ref_str_hash, g_str_equal);
    ref->auth_shared = g_hash_table_new_full(gb__ref_str_hash, g_str_equal, NULL, gb__free_list);
    ref->auth_by_code = g_hash_table_new(gb__ref_str_hash, g_str_equal);
    ref->regime_by_id = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    ref->grade_by_key = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    static const char *const common[GB_COMMON_LEVELS] = {
        "Outstanding", "Good", "Adequate / requires improvement", "Inadequate"};
    for (int k = 0; k < GB_COMMON_LEVELS; k++)
        ref->common_labels[k] = g_strdup(common[k]);

    GbStatus status;
    if ((status = gb__ref_load_authorities(ref, diag)) != GB_OK ||
        (status = gb__ref_load_regimes(ref, diag)) != GB_OK ||
        (status = gb__ref_load_table(ref, "headlines.csv", gb__headline_cols, H_N, gb__headline_row,
                                     diag)) != GB_OK ||
        (status = gb__ref_load_table(ref, "neighbours.csv", gb__neighbour_cols, N_N,
                                     gb__neighbour_row, diag)) != GB_OK ||
        (status = gb__ref_load_table(ref, "coverage.csv", gb__coverage_cols, C_N, gb__coverage_row,
                                     diag)) != GB_OK ||
        (g_file_test(ref->datadir, G_FILE_TEST_IS_DIR) && gb__has_file(ref, "tiles.csv") &&
         (status = gb__ref_load_table(ref, "tiles.csv", gb__tile_cols, T_N, gb__tile_row, diag)) !=
             GB_OK) ||
        (status = gb__ref_resolve_successors(ref, diag)) != GB_OK ||
        (status = gb__ref_check_scales(ref, diag)) != GB_OK)
        goto fail;
    gb__ref_loose_free(ref); /* only needed while loading */
    *out = ref;
    return GB_OK;
fail:
    gb_ref_free(ref);
    return status;
}

/* The one register left to the process's end (gb_ref_leave). */
static GbRef *gb__ref_left;

void
gb_ref_leave(GbRef *ref)
{
    gb_ref_free(g_atomic_pointer_exchange(&gb__ref_left, ref));
}

void
gb_ref_free(GbRef *ref)
{
    if (ref == NULL)
        return;
    for (guint i = 0; i < ref->authorities->len; i++) {
        GbAuthority *a = &g_array_index(ref->authorities, GbAuthority, i);
        g_ptr_array_free(a->ons, TRUE);
        g_ptr_array_free(a->aliases, TRUE);
        g_array_unref(a->successors); /* perhaps the shared empty one */
        g_free(a->short_label);
        for (int k = 0; k < 10; k++)
            g_free(a->closeness[k]);
    }
    for (guint i = 0; i < ref->regimes->len; i++) {
        GbRegime *r = &g_array_index(ref->regimes, GbRegime, i);
        for (guint k = 0; k < r->grades->len; k++) {
            g_free(g_array_index(r->grades, GbGrade, k).id);
            g_free(g_array_index(r->grades, GbGrade, k).label);
        }
        g_array_free(r->grades, TRUE);
        g_free(r->id);
        g_free(r->name);
        g_free(r->short_name);
    }
    for (guint i = 0; i < ref->judgements->len; i++) {
        g_free(g_array_index(ref->judgements, GbJudgement, i).id);
        g_free(g_array_index(ref->judgements, GbJudgement, i).label);
        g_free(g_array_index(ref->judgements, GbJudgement, i).note);
    }
    g_ptr_array_free(ref->families, TRUE);
    for (guint i = 0; i < ref->headlines->len; i++) {
        GbHeadline *h = &g_array_index(ref->headlines, GbHeadline, i);
        g_free(h->id);
        g_free(h->measure);
        g_free(h->grade);
        g_free(h->unit);
        g_free(h->qualifier);
        g_free(h->description);
        g_free(h->source);
        g_free(h->group);
    }
    for (int k = 0; k < GB_COMMON_LEVELS; k++)
        g_free(ref->common_labels[k]);
    for (guint i = 0; i < ref->coverage->len; i++)
        g_free(g_array_index(ref->coverage, GbCoverage, i).note);
    g_array_free(ref->coverage, TRUE);
    g_array_free(ref->authorities, TRUE);
    g_ptr_array_free(ref->pending_successors, TRUE);
    g_array_unref(ref->no_successors);
    g_string_free(ref->scratch, TRUE);
    g_ptr_array_free(ref->regions, TRUE);
    g_array_free(ref->regimes, TRUE);
    g_array_free(ref->judgements, TRUE);
    g_array_free(ref->headlines, TRUE);
    g_hash_table_destroy(ref->auth_by_key);
    g_hash_table_destroy(ref->auth_shared);
    g_hash_table_destroy(ref->auth_by_code);
    g_string_chunk_free(ref->strings);
    g_hash_table_destroy(ref->regime_by_id);
    g_hash_table_destroy(ref->grade_by_key);
    gb__ref_loose_free(ref);
    g_free(ref->datadir);
    g_free(ref);
}
