/* refdata.c - load and look up the reference tables (see refdata.h).
 *
 * Each table is read by one row function over a header-mapped record; any
 * problem in a reference table stops the load, since every grade row depends
 * on them. */
#include "pipeline/refdata.h"

#include "pipeline/csvread.h"
#include "pipeline/text.h"

#include <math.h>
#include <string.h>

#define GB__MAX_COLS 16

typedef GbStatus (*GbRowFn)(GbRef *ref, const GbCsvRecord *rec, const int *idx, GbDiag *diag);

typedef struct {
    GbRef *ref;
    const GbColumnSpec *specs;
    guint nspecs;
    GbRowFn row;
    int idx[GB__MAX_COLS];
    guint width;
    GString *scratch;
} GbTableLoad;

static const char *
gb__field(const GbCsvRecord *rec, const int *idx, int col)
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

static GbStatus
gb__load_table(GbRef *ref, const char *file, const GbColumnSpec *specs, guint n, GbRowFn row,
               GbDiag *diag)
{
    char *path = g_build_filename(ref->datadir, file, NULL);
    GbTableLoad tl = {.ref = ref, .specs = specs, .nspecs = n, .row = row};
    GbStatus status = gb_csv_read(path, gb__table_record, &tl, diag);
    g_free(path);
    return status;
}

/* Adds the non-empty, trimmed parts of s between '|' to out, as strings of chunk. */
static void
gb__split_into(GPtrArray *out, GStringChunk *chunk, const char *s)
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

/* The loose form of a name: its letters and digits, case-folded. Two names
 * of different authorities must not meet here unless they are the same name
 * (Dorset, used by two authorities in turn): "Barnet!" or "BARNET" beside
 * Barnet would pass for it. */
static void
gb__loose_key(const char *s, GString *out)
{
    g_string_truncate(out, 0);
    const char *a = s;
    for (; *a != '\0' && (guchar)*a < 0x80; a++) /* the common case: ASCII */
        if (g_ascii_isalnum(*a))
            g_string_append_c(out, g_ascii_tolower(*a));
    if (*a == '\0')
        return;
    g_string_truncate(out, 0);
    char *folded = g_utf8_casefold(s, -1);
    for (const char *p = folded; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (g_unichar_isalnum(c))
            g_string_append_unichar(out, c);
    }
    g_free(folded);
}

typedef struct {
    int authority;
    guint64 line;
    const char *name; /* in ref->strings */
} GbLooseName;

static void
gb__loose_free(GbRef *ref)
{
    if (ref->loose_names == NULL)
        return;
    g_hash_table_destroy(ref->loose_names);
    g_string_chunk_free(ref->loose_keys);
    g_array_free(ref->loose_items, TRUE);
    g_string_free(ref->loose_scratch, TRUE);
    ref->loose_names = NULL;
}

/* Fails when name (of authority i, on line) looks like another authority's
 * name without being it. */
static gboolean
gb__check_loose(GbRef *ref, const GbCsvRecord *rec, guint field, const char *name, int i,
                GbDiag *diag)
{
    GString *key = ref->loose_scratch;
    gb__loose_key(name, key);
    gboolean ok = TRUE;
    guint at = key->len ? GPOINTER_TO_UINT(g_hash_table_lookup(ref->loose_names, key->str)) : 0;
    const GbLooseName *had = at ? &g_array_index(ref->loose_items, GbLooseName, at - 1) : NULL;
    if (had == NULL && key->len > 0) {
        GbLooseName n = {.authority = i, .line = rec->line, .name = name};
        g_array_append_val(ref->loose_items, n);
        g_hash_table_insert(ref->loose_names,
                            g_string_chunk_insert_len(ref->loose_keys, key->str, (gssize)key->len),
                            GUINT_TO_POINTER(ref->loose_items->len));
    } else if (had != NULL && had->authority != i && strcmp(had->name, name) != 0) {
        GString *msg = g_string_new(NULL);
        gb_text_append_quoted(msg, name, strlen(name));
        g_string_append(msg, " differs only in case, spaces or punctuation from ");
        gb_text_append_quoted(msg, had->name, strlen(had->name));
        g_string_append_printf(msg,
                               ", a name of %s (line %" G_GUINT64_FORMAT "); names of two "
                               "authorities must differ in their letters or digits",
                               gb_ref_authority(ref, had->authority)->name, had->line);
        gb_csv_diag_field(rec, field, diag, "%s", msg->str);
        g_string_free(msg, TRUE);
        ok = FALSE;
    }
    return ok;
}

/* Most keys name one authority: the value is its index + 1. The few names two
 * authorities have used (Dorset) map to -1 and list them in auth_shared. */
static void
gb__index_authority(GbRef *ref, const char *name, int i)
{
    GString *key = ref->scratch;
    gb_text_key(name, strlen(name), key);
    gpointer had;
    if (!g_hash_table_lookup_extended(ref->auth_by_key, key->str, NULL, &had)) {
        g_hash_table_insert(ref->auth_by_key,
                            g_string_chunk_insert_len(ref->strings, key->str, (gssize)key->len),
                            GINT_TO_POINTER(i + 1));
        return;
    }
    int was = GPOINTER_TO_INT(had) - 1;
    if (was == i)
        return;
    GArray *list = g_hash_table_lookup(ref->auth_shared, key->str);
    if (list == NULL) {
        list = g_array_new(FALSE, FALSE, sizeof(int));
        g_array_append_val(list, was);
        char *shared = g_string_chunk_insert_len(ref->strings, key->str, (gssize)key->len);
        g_hash_table_insert(ref->auth_shared, shared, list);
        g_hash_table_insert(ref->auth_by_key, shared, GINT_TO_POINTER(0));
    }
    for (guint k = 0; k < list->len; k++)
        if (g_array_index(list, int, k) == i)
            return;
    g_array_append_val(list, i);
}

static gboolean
gb__parse_optional_date(const char *s, guint32 *ymd)
{
    *ymd = 0;
    return *s == '\0' || gb_text_parse_date(s, ymd);
}

/* authorities.csv */
enum { A_CODE, A_NAME, A_ONS, A_ALIASES, A_REGION, A_FROM, A_TO, A_SUCC, A_N };
static const GbColumnSpec gb__authority_cols[A_N] = {
    {"code", TRUE},   {"name", TRUE},        {"ons_codes", TRUE}, {"aliases", TRUE},
    {"region", TRUE}, {"active_from", TRUE}, {"active_to", TRUE}, {"successors", TRUE},
};

static GbStatus
gb__authority_row(GbRef *ref, const GbCsvRecord *rec, const int *idx, GbDiag *diag)
{
    GbAuthority a = {0};
    const char *code = gb__field(rec, idx, A_CODE), *name = gb__field(rec, idx, A_NAME);
    if (*code == '\0' || *name == '\0') {
        gb_csv_diag_field(rec, (guint)idx[*code == '\0' ? A_CODE : A_NAME], diag,
                          "empty required field");
        return GB_DATA;
    }
    if (g_hash_table_contains(ref->auth_by_code, code)) {
        gb_csv_diag_field(rec, (guint)idx[A_CODE], diag, "duplicate authority code %s", code);
        return GB_DATA;
    }
    if (ref->authorities->len >= G_MAXUINT16) {
        gb_csv_diag_field(rec, (guint)idx[A_CODE], diag, "more than %d authorities (the limit)",
                          G_MAXUINT16);
        return GB_DATA;
    }
    if (!gb__parse_optional_date(gb__field(rec, idx, A_FROM), &a.from) ||
        !gb__parse_optional_date(gb__field(rec, idx, A_TO), &a.to)) {
        gb_csv_diag_field(rec, (guint)idx[A_FROM], diag,
                          "active_from/active_to must be "
                          "YYYY-MM-DD or empty");
        return GB_DATA;
    }
    const char *region = gb__field(rec, idx, A_REGION);
    a.region = -1;
    for (guint i = 0; i < ref->regions->len; i++)
        if (strcmp(g_ptr_array_index(ref->regions, i), region) == 0)
            a.region = (int)i;
    if (a.region < 0) {
        g_ptr_array_add(ref->regions, g_strdup(region));
        a.region = (int)ref->regions->len - 1;
    }
    a.code = g_string_chunk_insert(ref->strings, code);
    a.name = g_string_chunk_insert(ref->strings, name);
    a.ons = g_ptr_array_new();
    a.aliases = g_ptr_array_new();
    gb__split_into(a.ons, ref->strings, gb__field(rec, idx, A_ONS));
    gb__split_into(a.aliases, ref->strings, gb__field(rec, idx, A_ALIASES));
    a.successors = g_array_new(FALSE, FALSE, sizeof(int));
    /* Successor codes are resolved once every authority is loaded. */
    g_ptr_array_add(ref->pending_successors, g_strdup(gb__field(rec, idx, A_SUCC)));
    for (int k = 0; k < 10; k++)
        a.neighbours[k] = -1;
    a.tile_q = a.tile_r = -1;
    g_array_append_val(ref->authorities, a);
    int i = (int)ref->authorities->len - 1;
    g_hash_table_insert(ref->auth_by_code, a.code, GINT_TO_POINTER(i + 1));
    gb__index_authority(ref, a.code, i);
    gb__index_authority(ref, a.name, i);
    for (guint k = 0; k < a.ons->len; k++)
        gb__index_authority(ref, g_ptr_array_index(a.ons, k), i);
    for (guint k = 0; k < a.aliases->len; k++)
        gb__index_authority(ref, g_ptr_array_index(a.aliases, k), i);
    if (!gb__check_loose(ref, rec, (guint)idx[A_NAME], a.name, i, diag))
        return GB_DATA;
    for (guint k = 0; k < a.aliases->len; k++)
        if (!gb__check_loose(ref, rec, (guint)idx[A_ALIASES], g_ptr_array_index(a.aliases, k), i,
                             diag))
            return GB_DATA;
    return GB_OK;
}

static int
gb__authority_by_code(const GbRef *ref, const char *code)
{
    return GPOINTER_TO_INT(g_hash_table_lookup(ref->auth_by_code, code)) - 1;
}

/* regimes.csv */
enum { R_ID, R_NAME, R_SHORT, R_FIRST, R_LAST, R_N };
static const GbColumnSpec gb__regime_cols[R_N] = {
    {"regime", TRUE},     {"name", TRUE},      {"short_name", TRUE},
    {"first_year", TRUE}, {"last_year", TRUE},
};

static GbStatus
gb__regime_row(GbRef *ref, const GbCsvRecord *rec, const int *idx, GbDiag *diag)
{
    GbRegime r = {0};
    gint64 first, last = 0;
    if (!gb_text_parse_int(gb__field(rec, idx, R_FIRST), 1900, 2999, &first)) {
        gb_csv_diag_field(rec, (guint)idx[R_FIRST], diag, "first_year must be a year");
        return GB_DATA;
    }
    const char *l = gb__field(rec, idx, R_LAST);
    if (*l != '\0' && (!gb_text_parse_int(l, first, 2999, &last))) {
        gb_csv_diag_field(rec, (guint)idx[R_LAST], diag,
                          "last_year must be a year no earlier than first_year, or empty");
        return GB_DATA;
    }
    const char *id = gb__field(rec, idx, R_ID);
    if (*id == '\0' || gb_ref_find_regime(ref, id) >= 0) {
        gb_csv_diag_field(rec, (guint)idx[R_ID], diag,
                          "empty or duplicate regime id "
                          "(ids are compared ignoring case and spaces)");
        return GB_DATA;
    }
    r.id = g_strdup(id);
    r.name = g_strdup(gb__field(rec, idx, R_NAME));
    r.short_name = g_strdup(gb__field(rec, idx, R_SHORT));
    r.first_year = (int)first;
    r.last_year = (int)last;
    r.grades = g_array_new(FALSE, TRUE, sizeof(GbGrade));
    g_array_append_val(ref->regimes, r);
    g_hash_table_insert(ref->regime_by_id, g_strdup(id), GINT_TO_POINTER(ref->regimes->len));
    GString *key = g_string_new(NULL);
    gb_text_key(id, strlen(id), key);
    if (strcmp(key->str, id) != 0)
        g_hash_table_insert(ref->regime_by_id, g_strdup(key->str),
                            GINT_TO_POINTER(ref->regimes->len));
    g_string_free(key, TRUE);
    return GB_OK;
}

/* judgements.csv */
enum { J_REGIME, J_ID, J_LABEL, J_FAMILY, J_NOTE, J_N };
static const GbColumnSpec gb__judgement_cols[J_N] = {
    {"regime", TRUE}, {"judgement", TRUE}, {"label", TRUE}, {"family", FALSE}, {"note", FALSE},
};

/* Sets j's family bits from a '|' list of family ids, adding new ids to the
 * register's list. Fails on an id that is not [a-z_] or past the limit. */
static GbStatus
gb__judgement_families(GbRef *ref, const GbCsvRecord *rec, const int *idx, GbJudgement *j,
                       GbDiag *diag)
{
    char **parts = g_strsplit(gb__field(rec, idx, J_FAMILY), "|", -1);
    GbStatus status = GB_OK;
    for (char **p = parts; *p != NULL && status == GB_OK; p++) {
        const char *id = g_strstrip(*p);
        if (*id == '\0')
            continue;
        int f = gb_ref_find_family(ref, id);
        gboolean ok = strspn(id, "abcdefghijklmnopqrstuvwxyz_") == strlen(id);
        if (ok && f < 0 && ref->families->len < GB_MAX_FAMILIES) {
            g_ptr_array_add(ref->families, g_strdup(id));
            f = (int)ref->families->len - 1;
        }
        if (!ok || f < 0) {
            gb_csv_diag_field(rec, (guint)idx[J_FAMILY], diag,
                              "family '%s' is not an id of "
                              "a-z and _, or more than %d families",
                              id, GB_MAX_FAMILIES);
            status = GB_DATA;
        } else {
            j->families |= 1u << f;
        }
    }
    g_strfreev(parts);
    return status;
}

static GbStatus
gb__judgement_row(GbRef *ref, const GbCsvRecord *rec, const int *idx, GbDiag *diag)
{
    int regime = gb_ref_find_regime(ref, gb__field(rec, idx, J_REGIME));
    if (regime < 0) {
        gb_csv_diag_field(rec, (guint)idx[J_REGIME], diag, "unknown regime '%s'",
                          gb__field(rec, idx, J_REGIME));
        return GB_DATA;
    }
    const char *id = gb__field(rec, idx, J_ID);
    if (*id == '\0' || gb_ref_find_judgement(ref, regime, id) >= 0) {
        gb_csv_diag_field(rec, (guint)idx[J_ID], diag,
                          "empty or duplicate judgement id "
                          "(ids are compared ignoring case and spaces)");
        return GB_DATA;
    }
    GbJudgement j = {.regime = regime};
    if (gb__judgement_families(ref, rec, idx, &j, diag) != GB_OK)
        return GB_DATA;
    j.id = g_strdup(id);
    j.label = g_strdup(gb__field(rec, idx, J_LABEL));
    const char *note = gb__field(rec, idx, J_NOTE);
    j.note = *note ? g_strdup(note) : NULL;
    g_array_append_val(ref->judgements, j);
    return GB_OK;
}

/* scales.csv */
enum { S_REGIME, S_RANK, S_GRADE, S_LABEL, S_ALIASES, S_GOB, S_COMMON, S_N };
static const GbColumnSpec gb__scale_cols[S_N] = {
    {"regime", TRUE},  {"rank", TRUE},           {"grade", TRUE},  {"label", TRUE},
    {"aliases", TRUE}, {"good_or_better", TRUE}, {"common", TRUE},
};

static void
gb__index_grade(GbRef *ref, int regime, const char *s, int grade)
{
    GString *key = g_string_new(gb_ref_regime(ref, regime)->id);
    GString *k = g_string_new(NULL);
    gb_text_key(s, strlen(s), k);
    g_string_append_c(key, '\x1f');
    g_string_append(key, k->str);
    g_hash_table_insert(ref->grade_by_key, g_string_free(key, FALSE), GINT_TO_POINTER(grade + 1));
    g_string_free(k, TRUE);
}

static GbStatus
gb__scale_row(GbRef *ref, const GbCsvRecord *rec, const int *idx, GbDiag *diag)
{
    int regime = gb_ref_find_regime(ref, gb__field(rec, idx, S_REGIME));
    if (regime < 0) {
        gb_csv_diag_field(rec, (guint)idx[S_REGIME], diag, "unknown regime '%s'",
                          gb__field(rec, idx, S_REGIME));
        return GB_DATA;
    }
    GbRegime *r = &g_array_index(ref->regimes, GbRegime, regime);
    gint64 rank;
    if (!gb_text_parse_int(gb__field(rec, idx, S_RANK), 1, 16, &rank) ||
        rank != (gint64)r->grades->len + 1) {
        gb_csv_diag_field(rec, (guint)idx[S_RANK], diag,
                          "rank must number the regime's grades 1, 2, 3 ... best first");
        return GB_DATA;
    }
    const char *gob = gb__field(rec, idx, S_GOB), *common = gb__field(rec, idx, S_COMMON);
    GbGrade g = {.id = g_strdup(gb__field(rec, idx, S_GRADE)),
                 .label = g_strdup(gb__field(rec, idx, S_LABEL)),
                 .good_or_better = strcmp(gob, "yes") == 0,
                 .common = -1};
    if (*common != '\0') {
        for (int k = 0; k < GB_COMMON_LEVELS; k++) {
            static const char *const ids[GB_COMMON_LEVELS] = {"outstanding", "good", "adequate",
                                                              "inadequate"};
            if (strcmp(common, ids[k]) == 0)
                g.common = k;
        }
        if (g.common < 0) {
            gb_csv_diag_field(rec, (guint)idx[S_COMMON], diag,
                              "common must be one of "
                              "outstanding, good, adequate, inadequate, or empty");
            g_free(g.id);
            g_free(g.label);
            return GB_DATA;
        }
        r->graded = TRUE;
    }
    g_array_append_val(r->grades, g);
    int gi = (int)r->grades->len - 1;
    gb__index_grade(ref, regime, g.id, gi);
    gb__index_grade(ref, regime, g.label, gi);
    GPtrArray *aliases = g_ptr_array_new();
    gb__split_into(aliases, ref->strings, gb__field(rec, idx, S_ALIASES));
    for (guint k = 0; k < aliases->len; k++)
        gb__index_grade(ref, regime, g_ptr_array_index(aliases, k), gi);
    g_ptr_array_free(aliases, TRUE);
    return GB_OK;
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
    H_N
};
static const GbColumnSpec gb__headline_cols[H_N] = {
    {"id", TRUE},      {"year", TRUE},      {"regime", TRUE},      {"judgement", TRUE},
    {"measure", TRUE}, {"grade", TRUE},     {"value", TRUE},       {"unit", TRUE},
    {"base", TRUE},    {"qualifier", TRUE}, {"description", TRUE}, {"source", TRUE},
};

static GbStatus
gb__headline_row(GbRef *ref, const GbCsvRecord *rec, const int *idx, GbDiag *diag)
{
    GbHeadline h = {.regime = -1, .judgement = -1, .base = -1};
    gint64 year, base;
    if (!gb_text_parse_int(gb__field(rec, idx, H_YEAR), 1900, 2999, &year)) {
        gb_csv_diag_field(rec, (guint)idx[H_YEAR], diag, "year must be a year");
        return GB_DATA;
    }
    const char *regime = gb__field(rec, idx, H_REGIME);
    if (*regime != '\0') {
        h.regime = gb_ref_find_regime(ref, regime);
        h.judgement = h.regime < 0
                          ? -1
                          : gb_ref_find_judgement(ref, h.regime, gb__field(rec, idx, H_JUDGEMENT));
        if (h.judgement < 0) {
            gb_csv_diag_field(rec, (guint)idx[H_REGIME], diag,
                              "unknown regime/judgement "
                              "'%s/%s'",
                              regime, gb__field(rec, idx, H_JUDGEMENT));
            return GB_DATA;
        }
    }
    char *end;
    const char *v = gb__field(rec, idx, H_VALUE);
    h.value = g_ascii_strtod(v, &end);
    if (*v == '\0' || *end != '\0' || !isfinite(h.value)) {
        gb_csv_diag_field(rec, (guint)idx[H_VALUE], diag,
                          "value must be a number (not nan "
                          "or inf)");
        return GB_DATA;
    }
    const char *b = gb__field(rec, idx, H_BASE);
    if (*b != '\0') {
        if (!gb_text_parse_int(b, 1, G_MAXINT, &base)) {
            gb_csv_diag_field(rec, (guint)idx[H_BASE], diag, "base must be a count or empty");
            return GB_DATA;
        }
        h.base = (int)base;
    }
    h.year = (int)year;
    h.id = g_strdup(gb__field(rec, idx, H_ID));
    h.measure = g_strdup(gb__field(rec, idx, H_MEASURE));
    h.grade = g_strdup(gb__field(rec, idx, H_GRADE));
    h.unit = g_strdup(gb__field(rec, idx, H_UNIT));
    h.qualifier = g_strdup(gb__field(rec, idx, H_QUAL));
    h.description = g_strdup(gb__field(rec, idx, H_DESC));
    h.source = g_strdup(gb__field(rec, idx, H_SOURCE));
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
    int a = gb__authority_by_code(ref, gb__field(rec, idx, N_CODE));
    int n = gb__authority_by_code(ref, gb__field(rec, idx, N_NEIGHBOUR));
    gint64 rank;
    if (a < 0 || n < 0) {
        gb_csv_diag_field(rec, (guint)idx[a < 0 ? N_CODE : N_NEIGHBOUR], diag,
                          "unknown authority code '%s'",
                          gb__field(rec, idx, a < 0 ? N_CODE : N_NEIGHBOUR));
        return GB_DATA;
    }
    if (!gb_text_parse_int(gb__field(rec, idx, N_RANK), 1, 10, &rank)) {
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
    au->closeness[rank - 1] = g_strdup(gb__field(rec, idx, N_CLOSE));
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
    int a = gb__authority_by_code(ref, gb__field(rec, idx, T_CODE));
    gint64 q, r;
    if (a < 0) {
        gb_csv_diag_field(rec, (guint)idx[T_CODE], diag, "unknown authority code '%s'",
                          gb__field(rec, idx, T_CODE));
        return GB_DATA;
    }
    if (!gb_text_parse_int(gb__field(rec, idx, T_Q), 0, GB_REF_TILE_MAX, &q) ||
        !gb_text_parse_int(gb__field(rec, idx, T_R), 0, GB_REF_TILE_MAX, &r)) {
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
    au->short_label = g_strdup(gb__field(rec, idx, T_SHORT));
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
    if (!gb_text_parse_int(gb__field(rec, idx, C_YEAR), 1900, 2999, &year)) {
        gb_csv_diag_field(rec, (guint)idx[C_YEAR], diag, "year must be a year");
        return GB_DATA;
    }
    c.year = (int)year;
    c.regime = gb_ref_find_regime(ref, gb__field(rec, idx, C_REGIME));
    c.judgement =
        c.regime < 0 ? -1 : gb_ref_find_judgement(ref, c.regime, gb__field(rec, idx, C_JUDGEMENT));
    if (c.judgement < 0) {
        gb_csv_diag_field(rec, (guint)idx[C_REGIME], diag, "unknown regime/judgement");
        return GB_DATA;
    }
    if (strcmp(gb__field(rec, idx, C_COVERAGE), "selection") != 0) {
        gb_csv_diag_field(rec, (guint)idx[C_COVERAGE], diag, "coverage must be 'selection'");
        return GB_DATA;
    }
    c.note = g_strdup(gb__field(rec, idx, C_NOTE));
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
    ref->scratch = g_string_new(NULL);
    ref->regions = g_ptr_array_new_with_free_func(g_free);
    ref->regimes = g_array_new(FALSE, TRUE, sizeof(GbRegime));
    ref->judgements = g_array_new(FALSE, TRUE, sizeof(GbJudgement));
    ref->families = g_ptr_array_new_with_free_func(g_free);
    ref->headlines = g_array_new(FALSE, TRUE, sizeof(GbHeadline));
    ref->coverage = g_array_new(FALSE, TRUE, sizeof(GbCoverage));
    ref->strings = g_string_chunk_new(64 * 1024);
    ref->auth_by_key = g_hash_table_new(g_str_hash, g_str_equal);
    ref->auth_shared = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, gb__free_list);
    ref->auth_by_code = g_hash_table_new(g_str_hash, g_str_equal);
    ref->regime_by_id = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    ref->grade_by_key = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    ref->loose_names = g_hash_table_new(g_str_hash, g_str_equal);
    ref->loose_keys = g_string_chunk_new(16 * 1024);
    ref->loose_items = g_array_new(FALSE, FALSE, sizeof(GbLooseName));
    ref->loose_scratch = g_string_new(NULL);
    static const char *const common[GB_COMMON_LEVELS] = {
        "Outstanding", "Good", "Adequate / requires improvement", "Inadequate"};
    for (int k = 0; k < GB_COMMON_LEVELS; k++)
        ref->common_labels[k] = g_strdup(common[k]);

    GbStatus status;
    if ((status = gb__load_table(ref, "authorities.csv", gb__authority_cols, A_N, gb__authority_row,
                                 diag)) != GB_OK ||
        (status = gb__load_table(ref, "regimes.csv", gb__regime_cols, R_N, gb__regime_row, diag)) !=
            GB_OK ||
        (status = gb__load_table(ref, "judgements.csv", gb__judgement_cols, J_N, gb__judgement_row,
                                 diag)) != GB_OK ||
        (status = gb__load_table(ref, "scales.csv", gb__scale_cols, S_N, gb__scale_row, diag)) !=
            GB_OK ||
        (status = gb__load_table(ref, "headlines.csv", gb__headline_cols, H_N, gb__headline_row,
                                 diag)) != GB_OK ||
        (status = gb__load_table(ref, "neighbours.csv", gb__neighbour_cols, N_N, gb__neighbour_row,
                                 diag)) != GB_OK ||
        (status = gb__load_table(ref, "coverage.csv", gb__coverage_cols, C_N, gb__coverage_row,
                                 diag)) != GB_OK ||
        (g_file_test(ref->datadir, G_FILE_TEST_IS_DIR) && gb__has_file(ref, "tiles.csv") &&
         (status = gb__load_table(ref, "tiles.csv", gb__tile_cols, T_N, gb__tile_row, diag)) !=
             GB_OK))
        goto fail;

    /* Resolve successor codes now that every authority is known. */
    for (guint i = 0; i < ref->authorities->len; i++) {
        GbAuthority *a = &g_array_index(ref->authorities, GbAuthority, i);
        GPtrArray *codes = g_ptr_array_new();
        gb__split_into(codes, ref->strings, g_ptr_array_index(ref->pending_successors, i));
        for (guint k = 0; k < codes->len && status == GB_OK; k++) {
            int s = gb__authority_by_code(ref, g_ptr_array_index(codes, k));
            if (s < 0) {
                gb_diag_set(diag, "authorities.csv", 0, 0, "%s: unknown successor code '%s'",
                            a->name, (char *)g_ptr_array_index(codes, k));
                status = GB_DATA;
            }
            g_array_append_val(a->successors, s);
        }
        g_ptr_array_free(codes, TRUE);
        if (status != GB_OK)
            goto fail;
    }
    for (guint i = 0; i < ref->regimes->len; i++) {
        if (gb_ref_regime(ref, (int)i)->grades->len == 0) {
            gb_diag_set(diag, "scales.csv", 0, 0, "regime '%s' has no grades",
                        gb_ref_regime(ref, (int)i)->id);
            status = GB_DATA;
            goto fail;
        }
    }
    gb__loose_free(ref); /* only needed while loading */
    *out = ref;
    return GB_OK;
fail:
    gb_ref_free(ref);
    return status;
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
        g_array_free(a->successors, TRUE);
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
    }
    for (int k = 0; k < GB_COMMON_LEVELS; k++)
        g_free(ref->common_labels[k]);
    for (guint i = 0; i < ref->coverage->len; i++)
        g_free(g_array_index(ref->coverage, GbCoverage, i).note);
    g_array_free(ref->coverage, TRUE);
    g_array_free(ref->authorities, TRUE);
    g_ptr_array_free(ref->pending_successors, TRUE);
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
    gb__loose_free(ref);
    g_free(ref->datadir);
    g_free(ref);
}

gboolean
gb_ref_active_on(const GbAuthority *a, guint32 ymd)
{
    return (a->from == 0 || a->from <= ymd) && (a->to == 0 || ymd < a->to);
}

gboolean
gb_ref_active_in(const GbAuthority *a, int year)
{
    guint32 first = (guint32)year * 10000 + 101, last = (guint32)year * 10000 + 1231;
    return (a->from == 0 || a->from <= last) && (a->to == 0 || first < a->to);
}

/* The long forms councils use for their own names, accepted by rule for
 * every authority: "London Borough of Barnet", "Leeds City Council". Keys. */
static const char *const gb__long_prefixes[] = {
    "london borough of ",
    "royal borough of ",
    "metropolitan borough of ",
    "borough of ",
    "city of ",
    "county of ",
    "the ",
};
static const char *const gb__long_suffixes[] = {
    " metropolitan borough council",
    " borough council",
    " city council",
    " county council",
    " district council",
    " council",
};

/* Strips one long-form prefix and one suffix from the key in place; FALSE
 * when it has neither. */
static gboolean
gb__strip_long_form(GString *key)
{
    gboolean stripped = FALSE;
    for (gsize i = 0; i < G_N_ELEMENTS(gb__long_prefixes); i++) {
        gsize n = strlen(gb__long_prefixes[i]);
        if (key->len > n && strncmp(key->str, gb__long_prefixes[i], n) == 0) {
            g_string_erase(key, 0, (gssize)n);
            stripped = TRUE;
            break;
        }
    }
    for (gsize i = 0; i < G_N_ELEMENTS(gb__long_suffixes); i++) {
        gsize n = strlen(gb__long_suffixes[i]);
        if (key->len > n && strcmp(key->str + key->len - n, gb__long_suffixes[i]) == 0) {
            g_string_truncate(key, key->len - n);
            stripped = TRUE;
            break;
        }
    }
    return stripped;
}

int
gb_ref_find_authority(const GbRef *ref, const char *s, gsize len, int year, guint32 ymd,
                      GString *scratch, gboolean *unique)
{
    gb_text_key(s, len, scratch);
    gpointer v;
    if (unique != NULL)
        *unique = FALSE;
    if (!g_hash_table_lookup_extended(ref->auth_by_key, scratch->str, NULL, &v) &&
        (!gb__strip_long_form(scratch) ||
         !g_hash_table_lookup_extended(ref->auth_by_key, scratch->str, NULL, &v)))
        return -1;
    int one = GPOINTER_TO_INT(v) - 1;
    if (one >= 0) {
        if (unique != NULL)
            *unique = TRUE;
        return one;
    }
    GArray *list = g_hash_table_lookup(ref->auth_shared, scratch->str);
    for (guint k = 0; k < list->len; k++) {
        const GbAuthority *a = gb_ref_authority(ref, g_array_index(list, int, k));
        if (ymd != 0 ? gb_ref_active_on(a, ymd) : gb_ref_active_in(a, year))
            return g_array_index(list, int, k);
    }
    return g_array_index(list, int, 0);
}

int
gb_ref_find_regime(const GbRef *ref, const char *id)
{
    int r = GPOINTER_TO_INT(g_hash_table_lookup(ref->regime_by_id, id)) - 1;
    if (r >= 0)
        return r;
    /* "SIF", " apa ": ids match ignoring case and spaces, as names do. */
    GString *key = g_string_new(NULL);
    gb_text_key(id, strlen(id), key);
    r = GPOINTER_TO_INT(g_hash_table_lookup(ref->regime_by_id, key->str)) - 1;
    g_string_free(key, TRUE);
    return r;
}

int
gb_ref_headline_judgement(const GbRef *ref, int regime)
{
    for (guint j = 0; j < ref->judgements->len; j++)
        if (gb_ref_judgement(ref, (int)j)->regime == regime)
            return (int)j;
    return -1;
}

int
gb_ref_find_judgement(const GbRef *ref, int regime, const char *id)
{
    /* Exact ids are the rule; case-insensitive matching is the fallback. */
    for (guint i = 0; i < ref->judgements->len; i++) {
        const GbJudgement *j = gb_ref_judgement(ref, (int)i);
        if (j->regime == regime && strcmp(j->id, id) == 0)
            return (int)i;
    }
    GString *key = g_string_new(NULL), *their = g_string_new(NULL);
    gb_text_key(id, strlen(id), key);
    int found = -1;
    for (guint i = 0; i < ref->judgements->len && found < 0; i++) {
        const GbJudgement *j = gb_ref_judgement(ref, (int)i);
        if (j->regime != regime)
            continue;
        gb_text_key(j->id, strlen(j->id), their);
        if (g_string_equal(key, their))
            found = (int)i;
    }
    g_string_free(key, TRUE);
    g_string_free(their, TRUE);
    return found;
}

int
gb_ref_find_family(const GbRef *ref, const char *id)
{
    for (guint i = 0; i < ref->families->len; i++)
        if (strcmp(g_ptr_array_index(ref->families, i), id) == 0)
            return (int)i;
    return -1;
}

int
gb_ref_find_grade(const GbRef *ref, int regime, const char *s, gsize len, GString *scratch)
{
    /* Key the value first, then put "regime\x1f" in front of it in place. */
    gb_text_key(s, len, scratch);
    const char *id = gb_ref_regime(ref, regime)->id;
    g_string_prepend_c(scratch, '\x1f');
    g_string_prepend(scratch, id);
    return GPOINTER_TO_INT(g_hash_table_lookup(ref->grade_by_key, scratch->str)) - 1;
}

void
gb_ref_append_grade_list(const GbRef *ref, int regime, GString *out)
{
    const GbRegime *r = gb_ref_regime(ref, regime);
    for (guint k = 0; k < r->grades->len; k++)
        g_string_append_printf(out, "%s%s", k ? ", " : "",
                               g_array_index(r->grades, GbGrade, k).label);
}

/* Edit distance of a and b (bytes), with a cap: stops counting past max. */
static guint
gb__distance(const char *a, gsize la, const char *b, gsize lb, guint max)
{
    if (la > lb + max || lb > la + max)
        return max + 1;
    guint *row = g_new(guint, lb + 1);
    for (gsize j = 0; j <= lb; j++)
        row[j] = (guint)j;
    for (gsize i = 1; i <= la; i++) {
        guint diag = row[0], best = row[0] = (guint)i;
        for (gsize j = 1; j <= lb; j++) {
            guint up = row[j];
            guint v = MIN(MIN(row[j] + 1, row[j - 1] + 1), diag + (a[i - 1] != b[j - 1]));
            diag = up;
            row[j] = v;
            best = MIN(best, v);
        }
        if (best > max)
            break;
    }
    guint d = row[lb];
    g_free(row);
    return d;
}

guint
gb_ref_nearness(const char *query, const char *candidate)
{
    gsize lq = strlen(query), lc = strlen(candidate);
    guint max = 1 + (guint)lq / 4;
    guint d = gb__distance(query, lq, candidate, lc, max);
    /* A short form of the start ("herts" for Hertfordshire) is near too. */
    if (lc > lq && lq >= 3) {
        guint p = gb__distance(query, lq, candidate, lq, max) + 1;
        d = MIN(d, p);
    }
    return d <= max ? d : G_MAXUINT;
}

void
gb_ref_suggest_authority(const GbRef *ref, const char *s, GString *out)
{
    GString *key = g_string_new(NULL), *their = g_string_new(NULL);
    gb_text_key(s, strlen(s), key);
    gb__strip_long_form(key);
    guint best = G_MAXUINT;
    GArray *near = g_array_new(FALSE, FALSE, sizeof(int));
    for (guint i = 0; i < ref->authorities->len; i++) {
        const GbAuthority *a = gb_ref_authority(ref, (int)i);
        guint d = G_MAXUINT;
        gb_text_key(a->name, strlen(a->name), their);
        d = MIN(d, gb_ref_nearness(key->str, their->str));
        for (guint k = 0; k < a->aliases->len; k++) {
            const char *al = g_ptr_array_index(a->aliases, k);
            gb_text_key(al, strlen(al), their);
            d = MIN(d, gb_ref_nearness(key->str, their->str));
        }
        if (d == G_MAXUINT || d > best)
            continue;
        if (d < best)
            g_array_set_size(near, 0);
        best = d;
        int ai = (int)i;
        /* One name once (Dorset is two authorities) */
        gboolean dup = FALSE;
        for (guint k = 0; k < near->len; k++)
            dup = dup ||
                  strcmp(gb_ref_authority(ref, g_array_index(near, int, k))->name, a->name) == 0;
        if (!dup)
            g_array_append_val(near, ai);
    }
    for (guint k = 0; k < near->len && k < 3; k++)
        g_string_append_printf(out, "%s%s",
                               k == 0                         ? "did you mean "
                               : k + 1 == near->len || k == 2 ? " or "
                                                              : ", ",
                               gb_ref_authority(ref, g_array_index(near, int, k))->name);
    if (near->len > 0)
        g_string_append_c(out, '?');
    g_array_free(near, TRUE);
    g_string_free(key, TRUE);
    g_string_free(their, TRUE);
}

char *
gb_ref_unknown_authority(const GbRef *ref, const char *s)
{
    GString *msg = g_string_new("unknown authority ");
    gb_text_append_quoted(msg, s, strlen(s));
    GString *near = g_string_new(NULL);
    gb_ref_suggest_authority(ref, s, near);
    if (near->len > 0)
        g_string_append_printf(msg, "; %s", near->str);
    else
        g_string_append(msg, "; use a name, alias, ONS or DfE code from authorities.csv");
    g_string_free(near, TRUE);
    return g_string_free(msg, FALSE);
}
