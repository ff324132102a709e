/* nextinspection.c - the ILACS rule table and the window it gives (see
 * nextinspection.h). */
#include "pipeline/nextinspection.h"

#include "pipeline/csvread.h"

#include <stdlib.h>
#include <string.h>

enum { GB__REGIME, GB__GRADE, GB__NEXT, GB__FROM, GB__TO, GB__RULE, GB__SOURCE, GB__NCOLS };

static const GbColumnSpec gb__cols[GB__NCOLS] = {
    {"regime", TRUE},    {"grade", TRUE}, {"next", TRUE},   {"months_from", TRUE},
    {"months_to", TRUE}, {"rule", TRUE},  {"source", TRUE},
};

typedef struct {
    GbNextRules *r;
    int idx[GB__NCOLS];
    gboolean header_done;
} GbNextLoad;

static void
gb__rule_clear(gpointer p)
{
    GbNextRule *x = p;
    g_free(x->grade);
    g_free(x->next);
    g_free(x->rule);
    g_free(x->source);
}

/* A month count: empty is -1, else 0..120. */
static gboolean
gb__months(const char *s, int *out)
{
    if (*s == '\0') {
        *out = -1;
        return TRUE;
    }
    char *end = NULL;
    long v = strtol(s, &end, 10);
    if (end == s || *end != '\0' || v < 0 || v > 120)
        return FALSE;
    *out = (int)v;
    return TRUE;
}

static GbStatus
gb__record(const GbCsvRecord *rec, gpointer user, GbDiag *diag)
{
    GbNextLoad *ld = user;
    if (!ld->header_done) {
        ld->header_done = TRUE;
        return gb_csv_map_header(rec, gb__cols, GB__NCOLS, FALSE, ld->idx, diag);
    }
    const char *f[GB__NCOLS];
    for (int c = 0; c < GB__NCOLS; c++)
        f[c] = (guint)ld->idx[c] < rec->nfields ? rec->fields[ld->idx[c]] : "";
    if (ld->r->regime == NULL)
        ld->r->regime = g_strdup(f[GB__REGIME]);
    else if (strcmp(ld->r->regime, f[GB__REGIME]) != 0) {
        gb_csv_diag_field(rec, (guint)ld->idx[GB__REGIME], diag,
                          "regime '%s': the table is for one regime ('%s')", f[GB__REGIME],
                          ld->r->regime);
        return GB_DATA;
    }
    if (*f[GB__GRADE] == '\0' || gb_next_rule(ld->r, f[GB__GRADE]) != NULL) {
        gb_csv_diag_field(rec, (guint)ld->idx[GB__GRADE], diag,
                          *f[GB__GRADE] ? "grade '%s' has a rule already" : "grade is empty%s",
                          f[GB__GRADE]);
        return GB_DATA;
    }
    if (strcmp(f[GB__NEXT], "short") != 0 && strcmp(f[GB__NEXT], "standard") != 0) {
        gb_csv_diag_field(rec, (guint)ld->idx[GB__NEXT], diag,
                          "next '%s': expected short or standard", f[GB__NEXT]);
        return GB_DATA;
    }
    GbNextRule x = {0};
    if (!gb__months(f[GB__FROM], &x.months_from)) {
        gb_csv_diag_field(rec, (guint)ld->idx[GB__FROM], diag,
                          "months_from '%s': expected a whole number of months 0-120, or empty",
                          f[GB__FROM]);
        return GB_DATA;
    }
    if (!gb__months(f[GB__TO], &x.months_to)) {
        gb_csv_diag_field(rec, (guint)ld->idx[GB__TO], diag,
                          "months_to '%s': expected a whole number of months 0-120, or empty",
                          f[GB__TO]);
        return GB_DATA;
    }
    if ((x.months_from < 0) != (x.months_to < 0) || x.months_to < x.months_from) {
        gb_csv_diag_field(rec, (guint)ld->idx[GB__TO], diag,
                          "months_to must be empty with months_from, and not before it");
        return GB_DATA;
    }
    if (*f[GB__RULE] == '\0' || *f[GB__SOURCE] == '\0') {
        gb_csv_diag_field(rec, (guint)ld->idx[*f[GB__RULE] ? GB__SOURCE : GB__RULE], diag,
                          "every rule states itself and its source");
        return GB_DATA;
    }
    x.grade = g_strdup(f[GB__GRADE]);
    x.next = g_strdup(f[GB__NEXT]);
    x.rule = g_strdup(f[GB__RULE]);
    x.source = g_strdup(f[GB__SOURCE]);
    g_array_append_val(ld->r->rules, x);
    return GB_OK;
}

GbStatus
gb_next_rules_load(const char *path, GbNextRules **out, GbDiag *diag)
{
    *out = NULL;
    if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
        gb_diag_set(diag, path, 0, 0, "no inspection interval table");
        return GB_NOINPUT;
    }
    GbNextLoad ld = {.r = g_new0(GbNextRules, 1)};
    ld.r->rules = g_array_new(FALSE, TRUE, sizeof(GbNextRule));
    g_array_set_clear_func(ld.r->rules, gb__rule_clear);
    GbStatus st = gb_csv_read(path, gb__record, &ld, diag);
    if (st == GB_OK && ld.r->rules->len == 0) {
        gb_diag_set(diag, path, 1, 1, "the inspection interval table has no rows");
        st = GB_DATA;
    }
    if (st != GB_OK) {
        gb_next_rules_free(ld.r);
        return st;
    }
    *out = ld.r;
    return GB_OK;
}

void
gb_next_rules_free(GbNextRules *r)
{
    if (r == NULL)
        return;
    g_array_free(r->rules, TRUE);
    g_free(r->regime);
    g_free(r);
}

const GbNextRule *
gb_next_rule(const GbNextRules *r, const char *grade)
{
    for (guint i = 0; r != NULL && grade != NULL && i < r->rules->len; i++) {
        const GbNextRule *x = &g_array_index(r->rules, GbNextRule, i);
        if (strcmp(x->grade, grade) == 0)
            return x;
    }
    return NULL;
}

guint32
gb_next_add_months(guint32 ymd, int months)
{
    int y = (int)(ymd / 10000), m = (int)(ymd / 100 % 100) - 1 + months, d = (int)(ymd % 100);
    y += m >= 0 ? m / 12 : (m - 11) / 12;
    m = ((m % 12) + 12) % 12 + 1;
    int last = g_date_get_days_in_month((GDateMonth)m, (GDateYear)y);
    return (guint32)(y * 10000 + m * 100 + MIN(d, last));
}

gboolean
gb_next_estimate(const GbNextRules *r, const char *grade, guint32 last, guint32 as_at,
                 GbNextEstimate *out)
{
    *out = (GbNextEstimate){0};
    out->rule = gb_next_rule(r, grade);
    if (out->rule == NULL || last == 0)
        return out->rule != NULL;
    if (out->rule->months_from >= 0) {
        out->from = gb_next_add_months(last, out->rule->months_from);
        out->to = gb_next_add_months(last, out->rule->months_to);
        out->passed = as_at != 0 && out->to < as_at;
    }
    return TRUE;
}
