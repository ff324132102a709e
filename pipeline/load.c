/* load.c - read and validate grade tables (see load.h).
 *
 * A file's content decides how it is read: a zip is a workbook (.ods, .xlsx,
 * read sheet by sheet through sheet.c), anything else CSV. A table's header
 * decides its layout: the long columns (authority, year, regime, judgement,
 * grade[, date][, source][, kind]) or the first profile whose match columns it
 * holds. In a sheet the header is looked for below title and note rows, and a
 * blank row ends a table, after which another may follow under its own header.
 * Each record then resolves every field against the reference data; a record
 * that cannot be resolved is rejected as a whole, with the first problem
 * found, at its line and column (FILE[Sheet]:ROW:COL in a workbook).
 *
 * One inspection often reaches the tool from several publications: the same
 * date twice (merged as identical), or once by inspection date and once by
 * publication date. Rows a profile dates by publication wait until every file
 * is read; each is then matched with an inspection-dated judgement of the same
 * authority, judgement and grade made up to merge_window days before, and
 * merged into it (its inspection date kept). A different grade there is a
 * conflict naming both places; no match keeps the publication date.
 *
 * This file holds the loader, rejects, committing and merging judgements, the
 * long layout and the load of a file; the other parts are loadfield.c,
 * loaddate.c, loadwide.c, loadlayout.c and loadsplit.c (load-private.h). */
#include "pipeline/load-private.h"

#include <string.h>

#define GB__DIAG_CAP 20
G_STATIC_ASSERT(GB_KIND_SELECTION == 2); /* gb_table_row_selection knows it as 2 */

GbStatus
gb_loader_new(const GbRef *ref, GbLoader **out, GbDiag *diag)
{
    GbLoader *l = g_new0(GbLoader, 1);
    l->ref = ref;
    l->rejects = gb_diag_list_new(GB__DIAG_CAP);
    l->warnings = gb_diag_list_new(GB__DIAG_CAP);
    l->pending_rows = g_array_new(FALSE, FALSE, sizeof(GbPendingRow));
    l->pending_recs = g_array_new(FALSE, FALSE, sizeof(GbPendingRec));
    l->places = g_string_chunk_new(4096);
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
    g_array_free(l->pending_rows, TRUE);
    g_array_free(l->pending_recs, TRUE);
    g_string_chunk_free(l->places);
    g_free(l);
}

GbFileAccount *
gb__account(GbFileLoad *fl)
{
    return &g_array_index(fl->t->files, GbFileAccount, fl->file);
}

/* Points diag at cell col of a record: FILE:LINE:COL for CSV (the column found
 * by re-reading the record), FILE[Sheet]:ROW:COL with the column letter in a
 * workbook, FILE:LINE when col < 0. */
void
gb__diag_at(GbDiag *diag, const char *path, guint64 line, guint64 offset, gboolean sheet, int col,
            const char *msg)
{
    if (sheet) {
        char name[8] = "";
        if (col >= 0)
            gb_sheet_column_name((guint)col, name);
        char *where = col >= 0 ? g_strdup_printf("%s:%" G_GUINT64_FORMAT ":%s", path, line, name)
                               : g_strdup_printf("%s:%" G_GUINT64_FORMAT, path, line);
        gb_diag_set(diag, where, 0, 0, "%s", msg);
        g_free(where);
    } else if (col >= 0) {
        GbCsvRecord rec = {.path = path, .line = line, .offset = offset};
        gb_csv_diag_field(&rec, (guint)col, diag, "%s", msg);
    } else {
        gb_diag_set(diag, path, line, 1, "%s", msg);
    }
}

static void
gb__reject_at(GbLoader *l, GbFileAccount *acc, GbDiag *scratch, const char *path, guint64 line,
              guint64 offset, gboolean sheet, int col, const char *msg)
{
    acc->rejected++;
    if (l->rejects->items->len >= l->rejects->cap) {
        l->rejects->dropped++; /* skip the costly locate past the cap */
        return;
    }
    gb__diag_at(scratch, path, line, offset, sheet, col, msg);
    gb_diag_list_take(l->rejects, scratch);
}

/* Rejects the record: counts it and keeps the message fl->msg at field col. */
void
gb__reject(GbFileLoad *fl, const GbCsvRecord *rec, int col)
{
    if (fl->part != NULL) {
        gb__part_reject(fl, rec, col);
        return;
    }
    gb__reject_at(fl->l, gb__account(fl), &fl->diag, rec->path, rec->line, rec->offset, fl->sheet,
                  col, fl->msg->str);
}

void
gb__describe(GbFileLoad *fl, const char *what, const char *field, const char *value, gsize len)
{
    g_string_printf(fl->msg, "%s (field '%s' = ", what, field);
    gb_text_append_quoted(fl->msg, value, len);
}

/* Offers one judgement to the table. Returns the outcome; on a repeat, *prev_*
 * say where the earlier one came from. A reported statement is kept aside. */
static GbAddResult
gb__offer(GbTable *t, const GbRow *row, GbSourceKind kind, guint64 line, guint *prev_file,
          guint64 *prev_line, int *prev_grade)
{
    if (kind == GB_KIND_REPORTED) {
        gb_table_add_reported(t, row);
        return GB_ADD_NEW;
    }
    return gb_table_add(t, row, line, prev_file, prev_line, prev_grade);
}

static void
gb__conflict_msg(GString *msg, const GbRef *ref, const GbTable *t, const GbRow *row, int prev_grade,
                 guint prev_file, guint64 prev_line, guint32 prev_date)
{
    const GbJudgement *j = gb_ref_judgement(ref, row->judgement);
    const GbFileAccount *prev = &g_array_index(t->files, GbFileAccount, prev_file);
    g_string_printf(msg, "conflicting duplicate: %s %s/%s is %s here but %s at %s",
                    gb_ref_authority(ref, row->authority)->name, gb_ref_regime(ref, j->regime)->id,
                    j->id, gb_ref_grade(ref, j->regime, row->grade)->label,
                    gb_ref_grade(ref, j->regime, prev_grade)->label, prev->path);
    if (prev_line > 0) /* a streaming table does not keep lines */
        g_string_append_printf(msg, ":%" G_GUINT64_FORMAT, prev_line);
    if (prev_date != 0) {
        char d[11];
        gb_text_format_date(prev_date, d);
        g_string_append_printf(msg, " (inspected %s)", d);
    }
}

/* Accounts for a record whose judgements were offered: used when any is new,
 * merged when all repeat earlier ones. A repeat within the same table is worth
 * a warning (the table lists a row twice); across publications it is expected. */
static void
gb__account_record(GbLoader *l, GbFileAccount *acc, guint file, GbDiag *scratch, const char *path,
                   guint64 line, guint added, guint n, guint prev_file, guint64 prev_line)
{
    if (added > 0 || n == 0) {
        acc->used++;
        return;
    }
    acc->merged++;
    if (prev_file != file)
        return;
    GbDiagList *w = l->warnings;
    if (w->items->len >= w->cap) {
        w->dropped++;
        return;
    }
    if (prev_line > 0)
        gb_diag_set(scratch, path, line, 0,
                    "identical duplicate of line %" G_GUINT64_FORMAT " merged", prev_line);
    else
        gb_diag_set(scratch, path, line, 0, "identical duplicate of an earlier row merged");
    gb_diag_list_take(w, scratch);
}

/* Adds the resolved judgements of one record and accounts for it: used when
 * any judgement is new, merged when all repeat earlier ones, rejected on a
 * conflicting duplicate. A record with judgements dated by publication waits
 * for gb__flush (all of it, so that it is accounted for once). */
void
gb__commit(GbFileLoad *fl, const GbCsvRecord *rec, const GbPendingRow *rows, guint n)
{
    GbLoader *l = fl->l;
    if (fl->part != NULL) {
        GbLoadEvent *ev = gb__part_event(fl->part, GB__EV_COMMIT, rec);
        ev->n = (guint8)n;
        if (n == 1) { /* the long layout: in the event itself */
            ev->row = rows[0];
        } else {
            ev->first = fl->part->rows->len;
            g_array_append_vals(fl->part->rows, rows, n);
        }
        return;
    }
    gboolean wait = FALSE;
    for (guint i = 0; i < n && !wait; i++)
        wait = rows[i].published;
    if (wait) {
        GbPendingRec pr = {.first = l->pending_rows->len,
                           .n = n,
                           .file = fl->file,
                           .line = rec->line,
                           .offset = rec->offset,
                           .sheet = fl->sheet,
                           .path = g_string_chunk_insert_const(l->places, rec->path),
                           .window = fl->profile != NULL ? fl->profile->merge_window : 0};
        g_array_append_vals(l->pending_rows, rows, n);
        g_array_append_val(l->pending_recs, pr);
        return;
    }
    GbFileAccount *acc = gb__account(fl);
    guint added = 0, prev_file = 0;
    guint64 prev_line = 0;
    for (guint i = 0; i < n; i++) {
        int prev_grade;
        GbAddResult r = gb__offer(fl->t, &rows[i].row, rows[i].kind, rec->line, &prev_file,
                                  &prev_line, &prev_grade);
        if (r == GB_ADD_NEW) {
            added++;
            if (rows[i].kind == GB_KIND_REPORTED)
                acc->reported++;
            continue;
        }
        if (r == GB_ADD_CONFLICT) {
            gb__conflict_msg(fl->msg, l->ref, fl->t, &rows[i].row, prev_grade, prev_file, prev_line,
                             0);
            acc->judgements += added;
            gb__reject(fl, rec, rows[i].col);
            return;
        }
    }
    acc->judgements += added;
    gb__account_record(l, acc, fl->file, &fl->diag, rec->path, rec->line, added, n, prev_file,
                       prev_line);
}

/* Settles the records that waited for every file: each judgement dated by its
 * publication is merged into the inspection it reports, when one was read. */
static void
gb__flush(GbLoader *l, GbTable *t)
{
    GString *msg = g_string_new(NULL);
    GbDiag scratch = {0};
    for (guint r = 0; r < l->pending_recs->len; r++) {
        const GbPendingRec *pr = &g_array_index(l->pending_recs, GbPendingRec, r);
        GbFileAccount *acc = &g_array_index(t->files, GbFileAccount, pr->file);
        guint added = 0, prev_file = 0;
        guint64 prev_line = 0;
        gboolean rejected = FALSE;
        for (guint i = 0; i < pr->n && !rejected; i++) {
            GbPendingRow *p = &g_array_index(l->pending_rows, GbPendingRow, pr->first + i);
            GbRow row = p->row;
            int prev_grade = 0;
            guint32 near = 0;
            if (p->published && p->kind != GB_KIND_REPORTED && row.date != 0) {
                GDate d;
                g_date_clear(&d, 1);
                g_date_set_dmy(&d, (GDateDay)(row.date % 100), (GDateMonth)(row.date / 100 % 100),
                               (GDateYear)(row.date / 10000));
                g_date_subtract_days(&d, pr->window);
                guint32 from = (guint32)g_date_get_year(&d) * 10000 +
                               (guint32)g_date_get_month(&d) * 100 + (guint32)g_date_get_day(&d);
                if (gb_table_find_near(t, row.authority, row.judgement, from, row.date, pr->file,
                                       &near, &prev_grade, &prev_file, &prev_line)) {
                    if (prev_grade == row.grade)
                        continue; /* the same inspection, by its inspection date */
                    gb__conflict_msg(msg, l->ref, t, &row, prev_grade, prev_file, prev_line, near);
                    g_string_append_printf(msg,
                                           "; this row is dated by publication, within %u "
                                           "days of that inspection",
                                           pr->window);
                    gb__reject_at(l, acc, &scratch, pr->path, pr->line, pr->offset, pr->sheet,
                                  p->col, msg->str);
                    rejected = TRUE;
                    break;
                }
            }
            GbAddResult res =
                gb__offer(t, &row, p->kind, pr->line, &prev_file, &prev_line, &prev_grade);
            if (res == GB_ADD_NEW) {
                added++;
                if (p->kind == GB_KIND_REPORTED)
                    acc->reported++;
            } else if (res == GB_ADD_CONFLICT) {
                gb__conflict_msg(msg, l->ref, t, &row, prev_grade, prev_file, prev_line, 0);
                rejected = TRUE;
            }
            if (rejected) {
                gb__reject_at(l, acc, &scratch, pr->path, pr->line, pr->offset, pr->sheet, p->col,
                              msg->str);
                break;
            }
        }
        acc->judgements += added;
        if (rejected)
            continue;
        gb__account_record(l, acc, pr->file, &scratch, pr->path, pr->line, added, pr->n, prev_file,
                           prev_line);
    }
    g_array_set_size(l->pending_rows, 0);
    g_array_set_size(l->pending_recs, 0);
    gb_diag_clear(&scratch);
    g_string_free(msg, TRUE);
}

static GbSourceKind
gb__kind_of(GbFileLoad *fl, const GbCsvRecord *rec, gboolean *ok)
{
    *ok = TRUE;
    int col = fl->idx[L_KIND];
    GbSourceKind kind = GB_KIND_PUBLISHED;
    if (col < 0 || rec->lens[col] == 0)
        return kind;
    if (!gb_profile_parse_kind(rec->fields[col], &kind)) {
        gb__describe(fl, "unknown kind", "kind", rec->fields[col], rec->lens[col]);
        g_string_append(fl->msg, "; expected published, reported or selection)");
        gb__reject(fl, rec, col);
        *ok = FALSE;
    }
    return kind;
}

/* gb__when for the common record: no date, and a year of four digits that
 * gb__when takes (1900-2999, not after the run's date limit). FALSE: gb__when
 * decides, and says what is wrong. */
static inline gboolean
gb__when_quick(const GbFileLoad *fl, const GbCsvRecord *rec, int date_col, int year_col, int *year)
{
    if (year_col < 0 || (date_col >= 0 && rec->lens[date_col] != 0) || rec->lens[year_col] != 4)
        return FALSE;
    const guchar *s = (const guchar *)rec->fields[year_col];
    guint a = s[0] - (guint)'0', b = s[1] - (guint)'0', c = s[2] - (guint)'0',
          d = s[3] - (guint)'0';
    if (a > 9 || b > 9 || c > 9 || d > 9)
        return FALSE;
    guint y = a * 1000 + b * 100 + c * 10 + d;
    guint32 limit = fl->t->date_limit;
    if (y < 1900 || y > 2999 || (limit != 0 && y > limit / 10000))
        return FALSE;
    *year = (int)y;
    return TRUE;
}

static GbStatus
gb__long_record(GbFileLoad *fl, const GbCsvRecord *rec, GbDiag *diag)
{
    const GbRef *ref = fl->l->ref;
    const int *idx = fl->idx;
    int year;
    guint32 date = 0;
    gboolean ok;
    if (!gb__when_quick(fl, rec, idx[L_DATE], idx[L_YEAR], &year)) {
        GbStatus status = gb__when(fl, rec, idx[L_DATE], idx[L_YEAR], &year, &date, &ok, diag);
        if (status != GB_OK || !ok)
            return status;
    }
    const char *rs = rec->fields[idx[L_REGIME]];
    gsize rlen = rec->lens[idx[L_REGIME]];
    int regime = gb__small_get(&fl->small_regime, 0, rs, rlen);
    if (regime < 0) {
        regime = gb_ref_find_regime(ref, rs);
        if (regime >= 0)
            gb__small_put(&fl->small_regime, 0, rs, rlen, regime);
    }
    if (regime < 0) {
        gb__describe(fl, *rs ? "unknown regime" : "empty required field", "regime", rs,
                     rec->lens[idx[L_REGIME]]);
        g_string_append(fl->msg, "; expected one of: ");
        for (guint i = 0; i < ref->regimes->len; i++)
            g_string_append_printf(fl->msg, "%s%s", i ? ", " : "", gb_ref_regime(ref, (int)i)->id);
        g_string_append_c(fl->msg, ')');
        gb__reject(fl, rec, idx[L_REGIME]);
        return GB_OK;
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
        return GB_OK;
    }
    const char *js = rec->fields[idx[L_JUDGEMENT]];
    gsize jlen = rec->lens[idx[L_JUDGEMENT]];
    GbSmallMemo *jsmall =
        regime < (int)G_N_ELEMENTS(fl->small_judgement) ? &fl->small_judgement[regime] : NULL;
    int j = jsmall != NULL ? gb__small_get(jsmall, regime, js, jlen) : -1;
    if (j < 0) {
        j = gb_ref_find_judgement(ref, regime, js);
        if (j >= 0 && jsmall != NULL)
            gb__small_put(jsmall, regime, js, jlen, j);
    }
    if (j < 0) {
        gb__describe(fl, *js ? "unknown judgement" : "empty required field", "judgement", js,
                     rec->lens[idx[L_JUDGEMENT]]);
        g_string_append_printf(fl->msg, "; %s has:", r->id);
        for (guint i = 0; i < ref->judgements->len; i++)
            if (gb_ref_judgement(ref, (int)i)->regime == regime)
                g_string_append_printf(fl->msg, " %s", gb_ref_judgement(ref, (int)i)->id);
        g_string_append_c(fl->msg, ')');
        gb__reject(fl, rec, idx[L_JUDGEMENT]);
        return GB_OK;
    }
    int g = gb__grade(fl, rec, idx[L_GRADE], regime, "grade");
    if (g < 0)
        return GB_OK;
    int a = gb__authority(fl, rec, idx[L_AUTHORITY], year, date);
    if (a < 0)
        return GB_OK;
    GbSourceKind kind = gb__kind_of(fl, rec, &ok);
    if (!ok)
        return GB_OK;
    guint32 source = fl->source;
    if (idx[L_SOURCE] >= 0 && rec->lens[idx[L_SOURCE]] > 0)
        source = gb__origin_len(fl, rec->fields[idx[L_SOURCE]], rec->lens[idx[L_SOURCE]], FALSE,
                                kind, NULL);
    else if (kind != GB_KIND_PUBLISHED)
        source = gb__origin(fl, fl->path, TRUE, kind, NULL);
    GbPendingRow row = {.row = {.date = date,
                                .year = (guint16)year,
                                .authority = (guint16)a,
                                .judgement = (guint8)j,
                                .grade = (gint8)g,
                                .source = source,
                                .file = (guint16)fl->file},
                        .col = idx[L_GRADE],
                        .kind = kind};
    gb__commit(fl, rec, &row, 1);
    return GB_OK;
}

static GbStatus
gb__data_record(GbFileLoad *fl, const GbCsvRecord *rec, GbDiag *diag)
{
    if (fl->profile != NULL)
        return gb__wide_record(fl, rec, diag);
    return gb__long_record(fl, rec, diag);
}

/* gb__data_record for a record already counted in rows: a record that stops
 * the file (a date column whose order cannot be told, say) is counted as
 * rejected too, so that rows = used + merged + rejected still holds. */
GbStatus
gb__counted_record(GbFileLoad *fl, const GbCsvRecord *rec, GbDiag *diag)
{
    GbStatus st = gb__data_record(fl, rec, diag);
    if (st != GB_OK && fl->part != NULL)
        gb__part_event(fl->part, GB__EV_STOP, rec);
    else if (st != GB_OK)
        gb__account(fl)->rejected++;
    return st;
}

/* A CSV record after the header, counted in rows already. */
GbStatus
gb__body_record(GbFileLoad *fl, const GbCsvRecord *rec, GbDiag *diag)
{
    if (rec->nfields != fl->width) {
        g_string_printf(fl->msg, "record has %u fields; the header has %u", rec->nfields,
                        fl->width);
        gb__reject(fl, rec, rec->nfields > fl->width ? (int)fl->width : -1);
        return GB_OK;
    }
    return gb__counted_record(fl, rec, diag);
}

GbStatus
gb__file_record(const GbCsvRecord *rec, gpointer user, GbDiag *diag)
{
    GbFileLoad *fl = user;
    if (rec->record == 1) {
        fl->width = rec->nfields;
        return gb__choose_layout(fl, rec, diag);
    }
    gb__account(fl)->rows++;
    return gb__body_record(fl, rec, diag);
}

static GbStatus
gb__load_one(GbLoader *l, GbTable *t, const char *path, gboolean forced, GbDiag *diag)
{
    if (forced) {
        gboolean known = FALSE;
        GString *names = g_string_new(NULL);
        for (guint i = 0; i < l->profiles->len; i++) {
            const GbProfile *p = g_ptr_array_index(l->profiles, i);
            known = known || strcmp(p->id, l->force_profile) == 0;
            g_string_append_printf(names, "%s%s", i ? ", " : "", p->id);
        }
        if (!known) {
            gb_diag_set(diag, NULL, 0, 0, "no profile named '%s' in %s/profiles (there: %s)",
                        l->force_profile, l->ref->datadir, names->len ? names->str : "none");
            g_string_free(names, TRUE);
            return GB_USAGE;
        }
        g_string_free(names, TRUE);
    }
    GbSheetFormat fmt;
    GbStatus status = gb_sheet_detect(path, &fmt, diag);
    if (status != GB_OK)
        return status;
    GbFileLoad fl = {.l = l,
                     .t = t,
                     .path = path,
                     .display = path,
                     .forced = forced,
                     .auth_col = -1,
                     .event_col = -1,
                     .theme_col = -1};
    gb__load_init(&fl);
    fl.near_msg = g_string_new(NULL);
    fl.orders = g_array_new(FALSE, FALSE, sizeof(GbColumnOrder));
    GbPrescan prescan = {0};
    g_mutex_init(&prescan.lock);
    if (fmt == GB_SHEET_CSV) {
        fl.file = gb_table_begin_file(t, path, "unknown");
        fl.source = gb_table_intern_file_source(t, path);
        /* A large file is validated on every core, in parts (csvsplit.c). */
        fl.split_prescan = &prescan;
        status = gb_csv_read_split(path, &gb__split_fns, &fl, diag);
        if (status == GB_OK && gb__account(&fl)->rows == 0 && fl.width > 0) {
            /* A header and nothing else is legal, but worth a word. */
            gb_diag_set(&fl.diag, path, 0, 0, "has a header but no rows");
            gb_diag_list_take(l->warnings, &fl.diag);
        }
    } else {
        fl.display = NULL;
        status = gb__load_workbook(&fl, fmt, diag);
    }
    gb__load_clear(&fl);
    g_string_free(fl.near_msg, TRUE);
    g_array_free(fl.orders, TRUE);
    if (prescan.orders != NULL)
        g_array_free(prescan.orders, TRUE);
    g_mutex_clear(&prescan.lock);
    if (fl.group_cols != NULL)
        g_ptr_array_free(fl.group_cols, TRUE);
    return status;
}

GbStatus
gb_load_file(GbLoader *l, GbTable *t, const char *path, GbDiag *diag)
{
    GbStatus status = gb__load_one(l, t, path, l->force_profile != NULL, diag);
    if (!l->batch)
        gb__flush(l, t);
    return status;
}

static gint
gb__cmp_str(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

#define GB__AHEADS 2 /* workbooks read ahead at once */

/* Starts reading ahead the first GB__AHEADS .ods workbooks among paths: each
 * keeps a GbFileLoad in fls for keep_rows (the loader and whether the file is
 * forced, as gb__load_one will say), until the read ahead is freed. */
static void
gb__start_aheads(GbLoader *l, GPtrArray *paths, guint bundled, GPtrArray *aheads, GPtrArray *fls)
{
    const GbSheetFns fns = {.keep_rows = gb__sheet_keep_rows};
    for (guint i = 0; i < paths->len && aheads->len < GB__AHEADS; i++) {
        const char *path = g_ptr_array_index(paths, i);
        GbSheetFormat fmt;
        GbDiag scratch = {0};
        GbStatus status = gb_sheet_detect(path, &fmt, &scratch); /* said again in turn */
        gb_diag_clear(&scratch);
        if (status != GB_OK || fmt != GB_SHEET_ODS)
            continue;
        GbFileLoad *fl = g_new0(GbFileLoad, 1);
        fl->l = l;
        fl->forced = i >= bundled && l->force_profile != NULL;
        GbSheetAhead *a = gb_sheet_ahead_start(path, fmt, &fns, fl);
        if (a == NULL) {
            g_free(fl);
            continue;
        }
        g_ptr_array_add(fls, fl);
        g_ptr_array_add(aheads, a);
    }
}

/* The bundled grade files of DATADIR/grades, sorted by path: regular files,
 * not hidden, not editor backups (~), not notes (.md, .txt). */
GPtrArray *
gb__grades_paths(const char *datadir)
{
    char *dir = g_build_filename(datadir, "grades", NULL);
    GPtrArray *paths = g_ptr_array_new_with_free_func(g_free);
    GDir *d = g_dir_open(dir, 0, NULL);
    if (d != NULL) {
        const char *name;
        while ((name = g_dir_read_name(d)) != NULL) {
            if (name[0] == '.' || g_str_has_suffix(name, "~") || g_str_has_suffix(name, ".md") ||
                g_str_has_suffix(name, ".txt"))
                continue;
            char *p = g_build_filename(dir, name, NULL);
            if (g_file_test(p, G_FILE_TEST_IS_REGULAR))
                g_ptr_array_add(paths, p);
            else
                g_free(p);
        }
        g_dir_close(d);
    }
    g_free(dir);
    g_ptr_array_sort(paths, gb__cmp_str);
    return paths;
}

GbStatus
gb_load_all(GbLoader *l, GbTable *t, const char *const *files, GbDiag *diag)
{
    GPtrArray *paths = gb__grades_paths(l->ref->datadir);
    guint bundled = paths->len;
    for (const char *const *f = files; f != NULL && *f != NULL; f++)
        g_ptr_array_add(paths, g_strdup(*f));
    GbStatus status = GB_OK;
    GPtrArray *aheads = g_ptr_array_new_with_free_func((GDestroyNotify)gb_sheet_ahead_free);
    GPtrArray *ahead_fls = g_ptr_array_new_with_free_func(g_free);
    if (!l->no_ahead && g_get_num_processors() > 1)
        gb__start_aheads(l, paths, bundled, aheads, ahead_fls);
    l->batch = TRUE;
    for (guint i = 0; i < paths->len && status == GB_OK; i++)
        status = gb__load_one(l, t, g_ptr_array_index(paths, i),
                              i >= bundled && l->force_profile != NULL, diag);
    l->batch = FALSE;
    g_ptr_array_free(aheads, TRUE); /* stops and joins any not taken */
    g_ptr_array_free(ahead_fls, TRUE);
    if (status == GB_OK)
        gb__flush(l, t);
    g_ptr_array_free(paths, TRUE);
    return status;
}
