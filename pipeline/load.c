/* load.c - read and validate grade tables (see load.h).
 *
 * A file's header decides its layout: the long columns
 * (authority, year, regime, judgement, grade[, date][, source]) or the first
 * profile whose match columns it holds. Each record then resolves every field
 * against the reference data; a record that cannot be resolved is rejected as
 * a whole, with the first problem found, at its line and column. */
#include "pipeline/load.h"

#include "pipeline/csvread.h"
#include "pipeline/profile.h"
#include "pipeline/text.h"

#include <string.h>

#define GB__DIAG_CAP 20

enum { L_AUTHORITY, L_YEAR, L_REGIME, L_JUDGEMENT, L_GRADE, L_DATE, L_SOURCE, L_N };
static const GbColumnSpec gb__long_cols[L_N] = {
    {"authority", TRUE}, {"year", FALSE}, {"regime", TRUE},  {"judgement", TRUE},
    {"grade", TRUE},     {"date", FALSE}, {"source", FALSE},
};

/* Most values in a column repeat ("Good", "ilacs", an authority's name), so the
 * raw bytes of each distinct value are remembered with what they resolved to:
 * normalising and looking up happen once per distinct value, not per row. */
#define GB__MEMO_CAP 200000

static int
gb__memo_get(GHashTable *memo, const char *raw)
{
    return GPOINTER_TO_INT(g_hash_table_lookup(memo, raw)) - 1;
}

/* The memos' keys live side by side in one chunk: a lookup's key comparison
 * then mostly finds them in cache, where a malloc each scattered them. */
static void
gb__memo_put(GHashTable *memo, GStringChunk *keys, const char *raw, int value)
{
    if (g_hash_table_size(memo) < GB__MEMO_CAP)
        g_hash_table_insert(memo, g_string_chunk_insert(keys, raw), GINT_TO_POINTER(value + 1));
}

typedef struct {
    GbLoader *l;
    GbTable *t;
    guint file;
    const GbProfile *profile;         /* NULL for the long layout */
    int idx[L_N];                     /* long layout columns */
    int auth_col, date_col, year_col; /* wide layout columns */
    GArray *judgement_cols;           /* int per profile judgement, -1 if absent */
    guint width;
    guint32 source;
    GString *scratch, *msg;
    GbDiag diag;
    GHashTable *memo_authority; /* raw -> authority, for names naming one authority */
    GHashTable *memo_grade[32]; /* per regime: raw -> grade */
    GStringChunk *memo_keys;    /* the memos' keys */
} GbFileLoad;

GbStatus
gb_loader_new(const GbRef *ref, GbLoader **out, GbDiag *diag)
{
    GbLoader *l = g_new0(GbLoader, 1);
    l->ref = ref;
    l->rejects = gb_diag_list_new(GB__DIAG_CAP);
    l->warnings = gb_diag_list_new(GB__DIAG_CAP);
    GbStatus status = gb_profile_load_all(ref, &l->profiles, diag);
    if (status != GB_OK) {
        gb_loader_free(l);
        l = NULL;
    }
    *out = l;
    return status;
}

void
gb_loader_free(GbLoader *l)
{
    if (l == NULL)
        return;
    if (l->profiles != NULL)
        g_ptr_array_unref(l->profiles);
    gb_diag_list_free(l->rejects);
    gb_diag_list_free(l->warnings);
    g_free(l);
}

static GbFileAccount *
gb__account(GbFileLoad *fl)
{
    return &g_array_index(fl->t->files, GbFileAccount, fl->file);
}

/* Rejects the record: counts it and keeps the message fl->msg at field col. */
static void
gb__reject(GbFileLoad *fl, const GbCsvRecord *rec, int col)
{
    gb__account(fl)->rejected++;
    if (fl->l->rejects->items->len >= fl->l->rejects->cap) {
        fl->l->rejects->dropped++; /* skip the costly locate past the cap */
        return;
    }
    if (col >= 0)
        gb_csv_diag_field(rec, (guint)col, &fl->diag, "%s", fl->msg->str);
    else
        gb_diag_set(&fl->diag, rec->path, rec->line, 1, "%s", fl->msg->str);
    gb_diag_list_take(fl->l->rejects, &fl->diag);
}

static void
gb__describe(GbFileLoad *fl, const char *what, const char *field, const char *value, gsize len)
{
    g_string_printf(fl->msg, "%s (field '%s' = ", what, field);
    gb_text_append_quoted(fl->msg, value, len);
}

/* Resolves the year and date of a record. Returns FALSE after rejecting it. */
static gboolean
gb__when(GbFileLoad *fl, const GbCsvRecord *rec, int date_col, int year_col, int *year,
         guint32 *date)
{
    *date = 0;
    *year = 0;
    const char *d = date_col >= 0 ? rec->fields[date_col] : "";
    const char *y = year_col >= 0 ? rec->fields[year_col] : "";
    if (*d != '\0') {
        if (!gb_text_parse_date(d, date)) {
            gb__describe(fl, "not a date", "date", d, strlen(d));
            g_string_append(fl->msg, "; expected YYYY-MM-DD or DD/MM/YYYY)");
            gb__reject(fl, rec, date_col);
            return FALSE;
        }
        *year = (int)(*date / 10000);
    }
    if (*y != '\0') {
        gint64 v;
        if (!gb_text_parse_int(y, 1900, 2999, &v)) {
            gb__describe(fl, "not a year", "year", y, strlen(y));
            g_string_append(fl->msg, "; expected a year such as 2007)");
            gb__reject(fl, rec, year_col);
            return FALSE;
        }
        if (*date != 0 && v != *year) {
            gb__describe(fl, "year disagrees with date", "year", y, strlen(y));
            g_string_append_printf(fl->msg, "; the date says %d)", *year);
            gb__reject(fl, rec, year_col);
            return FALSE;
        }
        *year = (int)v;
    }
    if (*year == 0) {
        g_string_assign(fl->msg, "no year: both 'year' and 'date' are empty");
        gb__reject(fl, rec, year_col >= 0 ? year_col : date_col);
        return FALSE;
    }
    guint32 limit = fl->t->date_limit;
    if (limit != 0 && (*date > limit || (guint32)*year > limit / 10000)) {
        char day[11];
        gb_text_format_date(limit, day);
        gboolean dated = *date > limit;
        gb__describe(fl, "judgement in the future", dated ? "date" : "year", dated ? d : y,
                     strlen(dated ? d : y));
        g_string_append_printf(fl->msg,
                               "; nothing can be judged after %s, the date of this "
                               "run%s)",
                               day,
                               g_getenv("SOURCE_DATE_EPOCH") ? " "
                                                               "(SOURCE_DATE_EPOCH)"
                                                             : "");
        gb__reject(fl, rec, dated ? date_col : year_col);
        return FALSE;
    }
    return TRUE;
}

/* Resolves the authority of a record for year/date. Returns -1 after rejecting. */
static int
gb__authority(GbFileLoad *fl, const GbCsvRecord *rec, int col, int year, guint32 date)
{
    const GbRef *ref = fl->l->ref;
    const char *s = rec->fields[col];
    int a = gb__memo_get(fl->memo_authority, s);
    if (a < 0) {
        gboolean unique;
        a = gb_ref_find_authority(ref, s, rec->lens[col], year, date, fl->scratch, &unique);
        if (a >= 0 && unique)
            gb__memo_put(fl->memo_authority, fl->memo_keys, s, a);
    }
    if (a < 0) {
        gb__describe(fl, rec->lens[col] ? "unknown authority" : "empty required field", "authority",
                     s, rec->lens[col]);
        g_string_append(fl->msg, "; use a name, alias, ONS or DfE code from authorities.csv)");
        gb__reject(fl, rec, col);
        return -1;
    }
    const GbAuthority *au = gb_ref_authority(ref, a);
    if (date != 0 ? !gb_ref_active_on(au, date) : !gb_ref_active_in(au, year)) {
        gb__describe(fl, "authority did not exist then", "authority", s, rec->lens[col]);
        char from[11] = "", to[11] = "";
        if (au->from)
            gb_text_format_date(au->from, from);
        if (au->to)
            gb_text_format_date(au->to, to);
        g_string_append_printf(fl->msg, "; %s existed %s%s%s%s)", au->name, au->from ? "from " : "",
                               from, au->to ? " until " : "", to);
        gb__reject(fl, rec, col);
        return -1;
    }
    return a;
}

static int
gb__grade(GbFileLoad *fl, const GbCsvRecord *rec, int col, int regime, const char *field)
{
    GHashTable *memo = regime < (int)G_N_ELEMENTS(fl->memo_grade) ? fl->memo_grade[regime] : NULL;
    int g = memo != NULL ? gb__memo_get(memo, rec->fields[col]) : -1;
    if (g >= 0)
        return g;
    g = gb_ref_find_grade(fl->l->ref, regime, rec->fields[col], rec->lens[col], fl->scratch);
    if (g >= 0 && memo != NULL)
        gb__memo_put(memo, fl->memo_keys, rec->fields[col], g);
    if (g < 0) {
        gb__describe(fl, rec->lens[col] ? "unknown grade" : "empty required field", field,
                     rec->fields[col], rec->lens[col]);
        g_string_append_printf(fl->msg,
                               "; expected one of %s: ", gb_ref_regime(fl->l->ref, regime)->id);
        gb_ref_append_grade_list(fl->l->ref, regime, fl->msg);
        g_string_append_c(fl->msg, ')');
        gb__reject(fl, rec, col);
    }
    return g;
}

/* Adds the resolved judgements of one record and accounts for it: used when
 * any judgement is new, merged when all repeat earlier ones, rejected on a
 * conflicting duplicate. */
static void
gb__commit(GbFileLoad *fl, const GbCsvRecord *rec, GbRow *rows, guint n, const int *cols)
{
    GbFileAccount *acc = gb__account(fl);
    guint added = 0;
    guint prev_file = 0;
    guint64 prev_line = 0;
    for (guint i = 0; i < n; i++) {
        int prev_grade;
        GbAddResult r =
            gb_table_add(fl->t, &rows[i], rec->line, &prev_file, &prev_line, &prev_grade);
        if (r == GB_ADD_NEW) {
            added++;
            continue;
        }
        const GbFileAccount *prev = &g_array_index(fl->t->files, GbFileAccount, prev_file);
        const GbJudgement *j = gb_ref_judgement(fl->l->ref, rows[i].judgement);
        if (r == GB_ADD_CONFLICT) {
            g_string_printf(fl->msg,
                            "conflicting duplicate: %s %s/%s is %s here but %s at "
                            "%s",
                            gb_ref_authority(fl->l->ref, rows[i].authority)->name,
                            gb_ref_regime(fl->l->ref, j->regime)->id, j->id,
                            gb_ref_grade(fl->l->ref, j->regime, rows[i].grade)->label,
                            gb_ref_grade(fl->l->ref, j->regime, prev_grade)->label, prev->path);
            if (prev_line > 0) /* a streaming table does not keep lines */
                g_string_append_printf(fl->msg, ":%" G_GUINT64_FORMAT, prev_line);
            acc->judgements += added;
            gb__reject(fl, rec, cols[i]);
            return;
        }
    }
    acc->judgements += added;
    if (added > 0 || n == 0) {
        acc->used++;
        return;
    }
    acc->merged++;
    GbDiagList *w = fl->l->warnings;
    if (w->items->len >= w->cap) {
        w->dropped++;
        return;
    }
    if (prev_line > 0)
        gb_diag_set(&fl->diag, rec->path, rec->line, 1,
                    "identical duplicate of %s:%" G_GUINT64_FORMAT " merged",
                    g_array_index(fl->t->files, GbFileAccount, prev_file).path, prev_line);
    else
        gb_diag_set(&fl->diag, rec->path, rec->line, 1,
                    "identical duplicate of a row of %s "
                    "merged",
                    g_array_index(fl->t->files, GbFileAccount, prev_file).path);
    gb_diag_list_take(w, &fl->diag);
}

static void
gb__long_record(GbFileLoad *fl, const GbCsvRecord *rec)
{
    const GbRef *ref = fl->l->ref;
    const int *idx = fl->idx;
    int year;
    guint32 date;
    if (!gb__when(fl, rec, idx[L_DATE], idx[L_YEAR], &year, &date))
        return;
    const char *rs = rec->fields[idx[L_REGIME]];
    int regime = gb_ref_find_regime(ref, rs);
    if (regime < 0) {
        gb__describe(fl, *rs ? "unknown regime" : "empty required field", "regime", rs,
                     rec->lens[idx[L_REGIME]]);
        g_string_append(fl->msg, "; expected one of: ");
        for (guint i = 0; i < ref->regimes->len; i++)
            g_string_append_printf(fl->msg, "%s%s", i ? ", " : "", gb_ref_regime(ref, (int)i)->id);
        g_string_append_c(fl->msg, ')');
        gb__reject(fl, rec, idx[L_REGIME]);
        return;
    }
    const GbRegime *r = gb_ref_regime(ref, regime);
    if (year < r->first_year || (r->last_year != 0 && year > r->last_year)) {
        int col = idx[L_YEAR] >= 0 && rec->lens[idx[L_YEAR]] ? idx[L_YEAR] : idx[L_DATE];
        char last[16] = "now";
        if (r->last_year)
            g_snprintf(last, sizeof last, "%d", r->last_year);
        g_string_printf(fl->msg, "year %d is outside the %s regime's years (%d-%s)", year, r->id,
                        r->first_year, last);
        gb__reject(fl, rec, col);
        return;
    }
    const char *js = rec->fields[idx[L_JUDGEMENT]];
    int j = gb_ref_find_judgement(ref, regime, js);
    if (j < 0) {
        gb__describe(fl, *js ? "unknown judgement" : "empty required field", "judgement", js,
                     rec->lens[idx[L_JUDGEMENT]]);
        g_string_append_printf(fl->msg, "; %s has:", r->id);
        for (guint i = 0; i < ref->judgements->len; i++)
            if (gb_ref_judgement(ref, (int)i)->regime == regime)
                g_string_append_printf(fl->msg, " %s", gb_ref_judgement(ref, (int)i)->id);
        g_string_append_c(fl->msg, ')');
        gb__reject(fl, rec, idx[L_JUDGEMENT]);
        return;
    }
    int g = gb__grade(fl, rec, idx[L_GRADE], regime, "grade");
    if (g < 0)
        return;
    int a = gb__authority(fl, rec, idx[L_AUTHORITY], year, date);
    if (a < 0)
        return;
    guint32 source = fl->source;
    if (idx[L_SOURCE] >= 0 && rec->lens[idx[L_SOURCE]] > 0)
        source = gb_table_intern_source(fl->t, rec->fields[idx[L_SOURCE]]);
    GbRow row = {.date = date,
                 .year = (guint16)year,
                 .authority = (guint16)a,
                 .judgement = (guint8)j,
                 .grade = (gint8)g,
                 .source = source,
                 .file = (guint16)fl->file};
    gb__commit(fl, rec, &row, 1, &idx[L_GRADE]);
}

static void
gb__wide_record(GbFileLoad *fl, const GbCsvRecord *rec)
{
    const GbRef *ref = fl->l->ref;
    const GbProfile *p = fl->profile;
    int year;
    guint32 date;
    if (!gb__when(fl, rec, fl->date_col, fl->year_col, &year, &date))
        return;
    int regime = gb_profile_regime(p, year, date);
    if (regime < 0) {
        g_string_printf(fl->msg, "no regime in profile '%s' covers %d", p->id, year);
        gb__reject(fl, rec, fl->date_col >= 0 ? fl->date_col : fl->year_col);
        return;
    }
    int a = gb__authority(fl, rec, fl->auth_col, year, date);
    if (a < 0)
        return;
    guint n = p->judgement_ids->len, k = 0;
    GbRow rows[16];
    int cols[16];
    for (guint i = 0; i < n && i < G_N_ELEMENTS(rows); i++) {
        int col = g_array_index(fl->judgement_cols, int, i);
        if (col < 0)
            continue;
        gb_text_key(rec->fields[col], rec->lens[col], fl->scratch);
        if (g_hash_table_contains(p->not_judged, fl->scratch->str)) {
            gb__account(fl)->not_judged++;
            continue;
        }
        const GbJudgement *pj = gb_ref_judgement(ref, g_array_index(p->judgement_ids, int, i));
        int j = gb_ref_find_judgement(ref, regime, pj->id);
        if (j < 0) {
            g_string_printf(fl->msg, "the %s regime has no judgement '%s' (column '%s')",
                            gb_ref_regime(ref, regime)->id, pj->id,
                            (const char *)g_ptr_array_index(p->judgement_cols, i));
            gb__reject(fl, rec, col);
            return;
        }
        int g = gb__grade(fl, rec, col, regime, g_ptr_array_index(p->judgement_cols, i));
        if (g < 0)
            return;
        rows[k] = (GbRow){.date = date,
                          .year = (guint16)year,
                          .authority = (guint16)a,
                          .judgement = (guint8)j,
                          .grade = (gint8)g,
                          .source = fl->source,
                          .file = (guint16)fl->file};
        cols[k++] = col;
    }
    gb__commit(fl, rec, rows, k, cols);
}

static GbStatus
gb__choose_layout(GbFileLoad *fl, const GbCsvRecord *hdr, GbDiag *diag)
{
    GbLoader *l = fl->l;
    GHashTable *keys = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    GHashTable *cols = g_hash_table_new(g_str_hash, g_str_equal);
    GString *key = g_string_new(NULL);
    for (guint f = 0; f < hdr->nfields; f++) {
        gb_text_key(hdr->fields[f], hdr->lens[f], key);
        /* A repeated column keeps its first place; the long mapper below reports
         * duplicates. (g_hash_table_add would free the first key, which cols
         * still points at.) */
        if (g_hash_table_contains(keys, key->str))
            continue;
        char *k = g_strdup(key->str);
        g_hash_table_add(keys, k);
        g_hash_table_insert(cols, k, GUINT_TO_POINTER(f + 1));
    }
    GbStatus status = GB_OK;
    const GbProfile *chosen = NULL;
    gboolean is_long =
        g_hash_table_contains(keys, "authority") && g_hash_table_contains(keys, "grade");
    for (guint i = 0; i < l->profiles->len && !is_long; i++) {
        const GbProfile *p = g_ptr_array_index(l->profiles, i);
        if (l->force_profile != NULL ? strcmp(p->id, l->force_profile) == 0
                                     : gb_profile_matches(p, keys)) {
            chosen = p;
            break;
        }
    }
    if (l->force_profile != NULL && chosen == NULL) {
        gb_diag_set(diag, hdr->path, 0, 0, "no profile named '%s' in %s/profiles", l->force_profile,
                    l->ref->datadir);
        status = GB_USAGE;
        goto out;
    }
    if (chosen == NULL) {
        if (!is_long) {
            GString *names = g_string_new(NULL);
            for (guint i = 0; i < l->profiles->len; i++)
                g_string_append_printf(names, "%s%s", i ? ", " : "",
                                       ((GbProfile *)g_ptr_array_index(l->profiles, i))->id);
            gb_diag_set(diag, hdr->path, hdr->line, 1,
                        "unknown table layout: the header has neither the long columns "
                        "(authority, year, regime, judgement, grade) nor the columns of a "
                        "profile (%s)",
                        names->len ? names->str : "none found");
            g_string_free(names, TRUE);
            status = GB_DATA;
            goto out;
        }
        status = gb_csv_map_header(hdr, gb__long_cols, L_N, FALSE, fl->idx, diag);
        if (status == GB_OK && fl->idx[L_YEAR] < 0 && fl->idx[L_DATE] < 0) {
            gb_diag_set(diag, hdr->path, hdr->line, 1,
                        "missing required column 'year' (or 'date')");
            status = GB_DATA;
        }
        g_free(g_array_index(fl->t->files, GbFileAccount, fl->file).layout);
        g_array_index(fl->t->files, GbFileAccount, fl->file).layout = g_strdup("long");
        goto out;
    }
    fl->profile = chosen;
    g_free(g_array_index(fl->t->files, GbFileAccount, fl->file).layout);
    g_array_index(fl->t->files, GbFileAccount, fl->file).layout = g_strdup(chosen->id);
    if (chosen->source != NULL)
        fl->source = gb_table_intern_source(fl->t, chosen->source);
#define GB__COL(name)                                                                              \
    (name == NULL ? -1                                                                             \
                  : (gb_text_key(name, strlen(name), key),                                         \
                     (int)GPOINTER_TO_UINT(g_hash_table_lookup(cols, key->str)) - 1))
    fl->auth_col = GB__COL(chosen->authority_col);
    fl->date_col = GB__COL(chosen->date_col);
    fl->year_col = GB__COL(chosen->year_col);
    fl->judgement_cols = g_array_new(FALSE, FALSE, sizeof(int));
    for (guint i = 0; i < chosen->judgement_cols->len; i++) {
        int c = GB__COL((const char *)g_ptr_array_index(chosen->judgement_cols, i));
        g_array_append_val(fl->judgement_cols, c);
    }
#undef GB__COL
    if (fl->auth_col < 0 || (fl->date_col < 0 && fl->year_col < 0)) {
        gb_diag_set(diag, hdr->path, hdr->line, 1,
                    "profile '%s' matched, but the header lacks "
                    "its authority or date column",
                    chosen->id);
        status = GB_DATA;
    }
out:
    g_string_free(key, TRUE);
    g_hash_table_destroy(cols);
    g_hash_table_destroy(keys);
    return status;
}

static GbStatus
gb__file_record(const GbCsvRecord *rec, gpointer user, GbDiag *diag)
{
    GbFileLoad *fl = user;
    if (rec->record == 1) {
        fl->width = rec->nfields;
        return gb__choose_layout(fl, rec, diag);
    }
    gb__account(fl)->rows++;
    if (rec->nfields != fl->width) {
        g_string_printf(fl->msg, "record has %u fields; the header has %u", rec->nfields,
                        fl->width);
        gb__reject(fl, rec, rec->nfields > fl->width ? (int)fl->width : -1);
        return GB_OK;
    }
    if (fl->profile != NULL)
        gb__wide_record(fl, rec);
    else
        gb__long_record(fl, rec);
    return GB_OK;
}

GbStatus
gb_load_file(GbLoader *l, GbTable *t, const char *path, GbDiag *diag)
{
    GbFileLoad fl = {.l = l, .t = t, .auth_col = -1, .date_col = -1, .year_col = -1};
    fl.file = gb_table_begin_file(t, path, "unknown");
    fl.source = gb_table_intern_file_source(t, path);
    fl.scratch = g_string_new(NULL);
    fl.msg = g_string_new(NULL);
    fl.memo_keys = g_string_chunk_new(64 * 1024);
    fl.memo_authority = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 0; i < l->ref->regimes->len && i < G_N_ELEMENTS(fl.memo_grade); i++)
        fl.memo_grade[i] = g_hash_table_new(g_str_hash, g_str_equal);
    GbStatus status = gb_csv_read(path, gb__file_record, &fl, diag);
    if (status == GB_OK && gb__account(&fl)->rows == 0 && fl.width > 0) {
        /* A header and nothing else is legal, but worth a word. */
        gb_diag_set(&fl.diag, path, 0, 0, "has a header but no rows");
        gb_diag_list_take(l->warnings, &fl.diag);
    }
    gb_diag_clear(&fl.diag);
    g_string_free(fl.scratch, TRUE);
    g_string_free(fl.msg, TRUE);
    g_hash_table_destroy(fl.memo_authority);
    for (guint i = 0; i < G_N_ELEMENTS(fl.memo_grade); i++)
        if (fl.memo_grade[i] != NULL)
            g_hash_table_destroy(fl.memo_grade[i]);
    g_string_chunk_free(fl.memo_keys);
    if (fl.judgement_cols != NULL)
        g_array_free(fl.judgement_cols, TRUE);
    return status;
}

static gint
gb__cmp_str(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

GbStatus
gb_load_all(GbLoader *l, GbTable *t, const char *const *files, GbDiag *diag)
{
    char *dir = g_build_filename(l->ref->datadir, "grades", NULL);
    GPtrArray *paths = g_ptr_array_new_with_free_func(g_free);
    GDir *d = g_dir_open(dir, 0, NULL);
    if (d != NULL) {
        const char *name;
        while ((name = g_dir_read_name(d)) != NULL)
            if (g_str_has_suffix(name, ".csv"))
                g_ptr_array_add(paths, g_build_filename(dir, name, NULL));
        g_dir_close(d);
    }
    g_free(dir);
    g_ptr_array_sort(paths, gb__cmp_str);
    for (const char *const *f = files; f != NULL && *f != NULL; f++)
        g_ptr_array_add(paths, g_strdup(*f));
    GbStatus status = GB_OK;
    for (guint i = 0; i < paths->len && status == GB_OK; i++)
        status = gb_load_file(l, t, g_ptr_array_index(paths, i), diag);
    g_ptr_array_free(paths, TRUE);
    return status;
}
