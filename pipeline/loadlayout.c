/* loadlayout.c - choosing a table's layout from its header (see
 * load-private.h): the long columns or the first profile whose match columns
 * the header holds, with the nearest miss for the message; and workbooks,
 * read sheet by sheet, the header looked for below title and note rows. */
#include "pipeline/load-private.h"

#include <string.h>

static const GbColumnSpec gb__long_cols[L_N] = {
    {"authority", TRUE}, {"year", FALSE}, {"regime", TRUE},  {"judgement", TRUE},
    {"grade", TRUE},     {"date", FALSE}, {"source", FALSE}, {"kind", FALSE},
};

/* Lookup keys of a header row: key -> GUINT(column + 1), first place kept. */
static GHashTable *
gb__header_keys(const GbCsvRecord *hdr)
{
    GHashTable *cols = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    GString *key = g_string_new(NULL);
    for (guint f = 0; f < hdr->nfields; f++) {
        gb_text_key(hdr->fields[f], hdr->lens[f], key);
        if (key->len == 0 || g_hash_table_contains(cols, key->str))
            continue;
        g_hash_table_insert(cols, g_strdup(key->str), GUINT_TO_POINTER(f + 1));
    }
    g_string_free(key, TRUE);
    return cols;
}

static void
gb__set_layout(GbFileLoad *fl, const char *layout)
{
    GbFileAccount *acc = gb__account(fl);
    g_free(acc->layout);
    acc->layout = g_strdup(layout);
}

/* Maps profile p's columns onto the header. */
static GbStatus
gb__use_profile(GbFileLoad *fl, const GbProfile *p, GHashTable *cols, const GbCsvRecord *hdr,
                GbDiag *diag)
{
    fl->profile = p;
    gb__set_layout(fl, p->id);
    guint32 as_at;
    if (p->as_at != NULL && gb_text_parse_date(p->as_at, &as_at))
        gb_table_state_as_at(fl->t, as_at);
    fl->source = gb_table_intern_origin(fl->t, p->source != NULL ? p->source : fl->path,
                                        p->source == NULL, p->kind, NULL);
    fl->auth_col = gb_profile_column(p->authority_col, cols);
    fl->event_col = gb_profile_column(p->event_col, cols);
    fl->theme_col = gb_profile_column(p->theme_col, cols);
    if (fl->group_cols != NULL)
        g_ptr_array_free(fl->group_cols, TRUE);
    fl->group_cols = g_ptr_array_new_with_free_func((GDestroyNotify)g_array_unref);
    gboolean dated = FALSE; /* some group has its date column here */
    for (guint gi = 0; gi < p->groups->len; gi++) {
        const GbProfileGroup *g = g_ptr_array_index(p->groups, gi);
        GArray *c = g_array_new(FALSE, FALSE, sizeof(int));
        int date_col = gb_profile_column(g->date_col, cols);
        int year_col = gb_profile_column(g->year_col, cols);
        g_array_append_val(c, date_col);
        g_array_append_val(c, year_col);
        gb__order_add(fl, date_col);
        for (guint i = 0; i < g->judgement_cols->len; i++) {
            int col = gb_profile_column(g_ptr_array_index(g->judgement_cols, i), cols);
            g_array_append_val(c, col);
        }
        g_ptr_array_add(fl->group_cols, c);
        if (date_col >= 0 || year_col >= 0)
            dated = TRUE;
    }
    if (fl->auth_col < 0 || !dated) {
        GString *m = g_string_new(NULL);
        g_string_printf(m,
                        "profile '%s' matched, but the header lacks its authority or a date "
                        "column",
                        p->id);
        gb__diag_at(diag, hdr->path, hdr->line, hdr->offset, fl->sheet, -1, m->str);
        g_string_free(m, TRUE);
        return GB_DATA;
    }
    return GB_OK;
}

/* The profile whose match columns the header holds, or NULL. With a forced
 * profile, only that one. In a workbook, only profiles for this sheet. */
static const GbProfile *
gb__pick_profile(GbFileLoad *fl, GHashTable *cols)
{
    GbLoader *l = fl->l;
    for (guint i = 0; i < l->profiles->len; i++) {
        const GbProfile *p = g_ptr_array_index(l->profiles, i);
        if (fl->forced && strcmp(p->id, l->force_profile) != 0)
            continue;
        if (fl->sheet && !gb_profile_wants_sheet(p, fl->sheet_name))
            continue;
        if (gb_profile_matches(p, cols))
            return p;
    }
    return NULL;
}

/* Remembers how close the header came to each candidate profile. */
static void
gb__near_miss(GbFileLoad *fl, GHashTable *cols, guint64 row)
{
    GbLoader *l = fl->l;
    GString *missing = g_string_new(NULL);
    for (guint i = 0; i < l->profiles->len; i++) {
        const GbProfile *p = g_ptr_array_index(l->profiles, i);
        if (fl->forced && strcmp(p->id, l->force_profile) != 0)
            continue;
        /* Counted first: the names are written only for a nearer miss. */
        guint n = gb_profile_missing(p, cols, NULL);
        guint have = g_strv_length(p->match) - n;
        if (have == 0 || (fl->near_msg->len > 0 && n >= fl->near_missing))
            continue;
        g_string_truncate(missing, 0);
        gb_profile_missing(p, cols, missing);
        fl->near_missing = n;
        if (fl->sheet)
            g_string_printf(fl->near_msg,
                            "nearest: profile '%s', whose header sheet '%s' row %" G_GUINT64_FORMAT
                            " comes closest to, lacks %s",
                            p->id, fl->sheet_name, row, missing->str);
        else
            g_string_printf(fl->near_msg, "nearest: profile '%s', whose header lacks %s", p->id,
                            missing->str);
    }
    g_string_free(missing, TRUE);
}

GbStatus
gb__choose_layout(GbFileLoad *fl, const GbCsvRecord *hdr, GbDiag *diag)
{
    GbLoader *l = fl->l;
    GHashTable *cols = gb__header_keys(hdr);
    GbStatus status = GB_OK;
    gboolean is_long = !fl->forced && g_hash_table_contains(cols, "authority") &&
                       g_hash_table_contains(cols, "grade");
    const GbProfile *chosen = is_long ? NULL : gb__pick_profile(fl, cols);
    if (chosen != NULL) {
        status = gb__use_profile(fl, chosen, cols, hdr, diag);
    } else if (is_long) {
        status = gb_csv_map_header(hdr, gb__long_cols, L_N, FALSE, fl->idx, diag);
        if (status == GB_OK && fl->idx[L_YEAR] < 0 && fl->idx[L_DATE] < 0) {
            gb_diag_set(diag, hdr->path, hdr->line, 1,
                        "missing required column 'year' (or 'date')");
            status = GB_DATA;
        }
        if (status == GB_OK)
            gb__order_add(fl, fl->idx[L_DATE]);
        gb__set_layout(fl, "long");
    } else {
        gb__near_miss(fl, cols, hdr->line);
        GString *names = g_string_new(NULL);
        for (guint i = 0; i < l->profiles->len; i++)
            g_string_append_printf(names, "%s%s", i ? ", " : "",
                                   ((GbProfile *)g_ptr_array_index(l->profiles, i))->id);
        if (fl->forced)
            gb_diag_set(diag, hdr->path, hdr->line, 1,
                        "the header lacks the columns of profile "
                        "'%s'%s%s",
                        l->force_profile, fl->near_msg->len ? "; " : "", fl->near_msg->str);
        else
            gb_diag_set(diag, hdr->path, hdr->line, 1,
                        "unknown table layout: the header has neither the long columns "
                        "(authority, year, regime, judgement, grade) nor the columns of a "
                        "profile (%s)%s%s",
                        names->len ? names->str : "none found", fl->near_msg->len ? "; " : "",
                        fl->near_msg->str);
        g_string_free(names, TRUE);
        status = GB_DATA;
    }
    g_hash_table_destroy(cols);
    return status;
}

/* ---- workbooks ---- */

static void
gb__sheet_table_end(GbFileLoad *fl)
{
    fl->in_table = FALSE;
    fl->seek_rows = 0;
    fl->profile = NULL;
}

static GbStatus
gb__sheet_begin(const char *path, const char *sheet, gpointer user, gboolean *skip, GbDiag *diag)
{
    GbFileLoad *fl = user;
    g_ptr_array_add(fl->sheet_names, g_strdup(sheet));
    g_free(fl->sheet_name);
    fl->sheet_name = g_strdup(sheet);
    g_free((char *)fl->display);
    fl->display = g_strdup_printf("%s[%s]", path, sheet);
    fl->sheet_has_file = FALSE;
    fl->record = 0;
    gb__sheet_table_end(fl);
    return GB_OK;
}

/* The most rows any candidate profile looks through for a header. */
static guint
gb__seek_budget(GbFileLoad *fl, const char *sheet)
{
    guint budget = GB_PROFILE_HEADER_ROWS;
    for (guint i = 0; i < fl->l->profiles->len; i++) {
        const GbProfile *p = g_ptr_array_index(fl->l->profiles, i);
        if (gb_profile_wants_sheet(p, sheet) &&
            (!fl->forced || strcmp(p->id, fl->l->force_profile) == 0))
            budget = MAX(budget, p->header_rows);
    }
    return budget;
}

static GbStatus
gb__sheet_start_table(GbFileLoad *fl, const GbCsvRecord *hdr, GHashTable *cols, const GbProfile *p,
                      GbDiag *diag)
{
    if (!fl->sheet_has_file) {
        fl->file = gb_table_begin_file(fl->t, fl->display, p != NULL ? p->id : "long");
        fl->sheet_has_file = TRUE;
    }
    fl->width = hdr->nfields;
    fl->in_table = TRUE;
    fl->tables++;
    g_array_set_size(fl->orders, 0);
    if (p != NULL)
        return gb__use_profile(fl, p, cols, hdr, diag);
    gb__set_layout(fl, "long");
    return gb_csv_map_header(hdr, gb__long_cols, L_N, TRUE, fl->idx, diag);
}

static GbStatus
gb__sheet_row(const GbSheetRow *row, gpointer user, gboolean *skip_rest, GbDiag *diag)
{
    GbFileLoad *fl = user;
    if (row->ncells == 0) {
        if (fl->in_table)
            gb__sheet_table_end(fl);
        return GB_OK;
    }
    guint width = fl->in_table ? fl->width : row->ncells;
    g_ptr_array_set_size(fl->padded, (gint)MAX(width, 1));
    g_array_set_size(fl->padded_lens, MAX(width, 1));
    for (guint i = 0; i < width; i++) {
        fl->padded->pdata[i] = i < row->ncells ? row->cells[i] : (char *)"";
        g_array_index(fl->padded_lens, gsize, i) = i < row->ncells ? row->lens[i] : 0;
    }
    GbCsvRecord rec = {.path = fl->display,
                       .record = fl->record + 1,
                       .line = row->row,
                       .nfields = width,
                       .fields = (char *const *)fl->padded->pdata,
                       .lens = (const gsize *)(void *)fl->padded_lens->data};
    if (fl->in_table) {
        fl->record++;
        gb__account(fl)->rows++;
        return gb__counted_record(fl, &rec, diag);
    }
    GHashTable *cols = gb__header_keys(&rec);
    GbStatus status = GB_OK;
    const GbProfile *p = gb__pick_profile(fl, cols);
    gboolean is_long = p == NULL && !fl->forced && g_hash_table_contains(cols, "authority") &&
                       g_hash_table_contains(cols, "grade") &&
                       (g_hash_table_contains(cols, "year") || g_hash_table_contains(cols, "date"));
    if (p != NULL || is_long) {
        status = gb__sheet_start_table(fl, &rec, cols, p, diag);
    } else {
        gb__near_miss(fl, cols, row->row);
        if (++fl->seek_rows >= gb__seek_budget(fl, fl->sheet_name))
            *skip_rest = TRUE;
    }
    g_hash_table_destroy(cols);
    return status;
}

/* A sheet that a candidate profile names, or that any sheet-less profile may
 * read, is read whole; any other only as far as a header is looked for (a long
 * table, or the nearest miss for the message when nothing matches). */
guint64
gb__sheet_keep_rows(const char *path, const char *sheet, gpointer user)
{
    GbFileLoad *fl = user;
    for (guint i = 0; i < fl->l->profiles->len; i++) {
        const GbProfile *p = g_ptr_array_index(fl->l->profiles, i);
        if (fl->forced && strcmp(p->id, fl->l->force_profile) != 0)
            continue;
        if (gb_profile_wants_sheet(p, sheet))
            return G_MAXUINT64;
    }
    /* Called as the sheet's bytes arrive, maybe before the last sheet's rows are
     * all read: the current sheet's state is left alone. */
    return gb__seek_budget(fl, sheet) + 1;
}

GbStatus
gb__load_workbook(GbFileLoad *fl, GbSheetFormat fmt, GbDiag *diag)
{
    GbSheetFns fns = {
        .sheet_begin = gb__sheet_begin, .row = gb__sheet_row, .keep_rows = gb__sheet_keep_rows};
    fl->sheet = TRUE;
    fl->sheet_names = g_ptr_array_new_with_free_func(g_free);
    fl->padded = g_ptr_array_new();
    fl->padded_lens = g_array_new(FALSE, FALSE, sizeof(gsize));
    GbStatus status = gb_sheet_read(fl->path, fmt, &fns, fl, diag);
    if (status == GB_OK && fl->tables == 0) {
        GString *names = g_string_new(NULL);
        for (guint i = 0; i < fl->sheet_names->len; i++)
            g_string_append_printf(names, "%s%s", i ? ", " : "",
                                   (const char *)g_ptr_array_index(fl->sheet_names, i));
        if (fl->forced)
            gb_diag_set(diag, fl->path, 0, 0, "no sheet matches profile '%s' (sheets: %s)%s%s",
                        fl->l->force_profile, names->str, fl->near_msg->len ? "; " : "",
                        fl->near_msg->str);
        else
            gb_diag_set(diag, fl->path, 0, 0, "no sheet matches a profile (sheets: %s)%s%s",
                        names->str, fl->near_msg->len ? "; " : "",
                        fl->near_msg->len ? fl->near_msg->str
                                          : "; no sheet has a header like any profile's");
        g_string_free(names, TRUE);
        status = GB_DATA;
    }
    g_ptr_array_free(fl->sheet_names, TRUE);
    g_ptr_array_free(fl->padded, TRUE);
    g_array_free(fl->padded_lens, TRUE);
    g_free(fl->sheet_name);
    g_free((char *)fl->display);
    return status;
}
