/* refregime.c - regimes.csv, judgements.csv and scales.csv: each inspection
 * regime, its judgements (with their families) and its grade scale, best
 * first, mapped to the common four-level scale; and looking them up by id,
 * label or alias, ignoring case and spaces. */
#include "pipeline/refdata-private.h"

#include "pipeline/text.h"

#include <string.h>

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
    if (!gb_text_parse_int(gb__ref_field(rec, idx, R_FIRST), 1900, 2999, &first)) {
        gb_csv_diag_field(rec, (guint)idx[R_FIRST], diag, "first_year must be a year");
        return GB_DATA;
    }
    const char *l = gb__ref_field(rec, idx, R_LAST);
    if (*l != '\0' && (!gb_text_parse_int(l, first, 2999, &last))) {
        gb_csv_diag_field(rec, (guint)idx[R_LAST], diag,
                          "last_year must be a year no earlier than first_year, or empty");
        return GB_DATA;
    }
    const char *id = gb__ref_field(rec, idx, R_ID);
    if (*id == '\0' || gb_ref_find_regime(ref, id) >= 0) {
        gb_csv_diag_field(rec, (guint)idx[R_ID], diag,
                          "empty or duplicate regime id "
                          "(ids are compared ignoring case and spaces)");
        return GB_DATA;
    }
    r.id = g_strdup(id);
    r.name = g_strdup(gb__ref_field(rec, idx, R_NAME));
    r.short_name = g_strdup(gb__ref_field(rec, idx, R_SHORT));
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
    char **parts = g_strsplit(gb__ref_field(rec, idx, J_FAMILY), "|", -1);
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
    int regime = gb_ref_find_regime(ref, gb__ref_field(rec, idx, J_REGIME));
    if (regime < 0) {
        gb_csv_diag_field(rec, (guint)idx[J_REGIME], diag, "unknown regime '%s'",
                          gb__ref_field(rec, idx, J_REGIME));
        return GB_DATA;
    }
    const char *id = gb__ref_field(rec, idx, J_ID);
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
    j.label = g_strdup(gb__ref_field(rec, idx, J_LABEL));
    const char *note = gb__ref_field(rec, idx, J_NOTE);
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
    int regime = gb_ref_find_regime(ref, gb__ref_field(rec, idx, S_REGIME));
    if (regime < 0) {
        gb_csv_diag_field(rec, (guint)idx[S_REGIME], diag, "unknown regime '%s'",
                          gb__ref_field(rec, idx, S_REGIME));
        return GB_DATA;
    }
    GbRegime *r = &g_array_index(ref->regimes, GbRegime, regime);
    gint64 rank;
    if (!gb_text_parse_int(gb__ref_field(rec, idx, S_RANK), 1, 16, &rank) ||
        rank != (gint64)r->grades->len + 1) {
        gb_csv_diag_field(rec, (guint)idx[S_RANK], diag,
                          "rank must number the regime's grades 1, 2, 3 ... best first");
        return GB_DATA;
    }
    const char *gob = gb__ref_field(rec, idx, S_GOB), *common = gb__ref_field(rec, idx, S_COMMON);
    GbGrade g = {.id = g_strdup(gb__ref_field(rec, idx, S_GRADE)),
                 .label = g_strdup(gb__ref_field(rec, idx, S_LABEL)),
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
    gb__ref_split_into(aliases, ref->strings, gb__ref_field(rec, idx, S_ALIASES));
    for (guint k = 0; k < aliases->len; k++)
        gb__index_grade(ref, regime, g_ptr_array_index(aliases, k), gi);
    g_ptr_array_free(aliases, TRUE);
    return GB_OK;
}

GbStatus
gb__ref_load_regimes(GbRef *ref, GbDiag *diag)
{
    GbStatus status;
    if ((status = gb__ref_load_table(ref, "regimes.csv", gb__regime_cols, R_N, gb__regime_row,
                                     diag)) != GB_OK ||
        (status = gb__ref_load_table(ref, "judgements.csv", gb__judgement_cols, J_N,
                                     gb__judgement_row, diag)) != GB_OK)
        return status;
    return gb__ref_load_table(ref, "scales.csv", gb__scale_cols, S_N, gb__scale_row, diag);
}

GbStatus
gb__ref_check_scales(const GbRef *ref, GbDiag *diag)
{
    for (guint i = 0; i < ref->regimes->len; i++) {
        if (gb_ref_regime(ref, (int)i)->grades->len == 0) {
            gb_diag_set(diag, "scales.csv", 0, 0, "regime '%s' has no grades",
                        gb_ref_regime(ref, (int)i)->id);
            return GB_DATA;
        }
    }
    return GB_OK;
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
