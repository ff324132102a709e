/* loaddate.c - the dates of a record (see load-private.h): slash dates in a
 * known order, the date-order prescan that settles each CSV date column's order
 * from the whole column (once per file, shared by the threads of a split read),
 * and the year and date of a record. */
#include "pipeline/load-private.h"

#include <string.h>

/* ---- dates ---- */

/* Splits "a/b/c" into three numbers; FALSE unless it is 1-2, 1-2, 4 digits (or
 * 4, 1-2, 1-2 when ymd). */
static gboolean
gb__slash_parts(const char *s, gboolean ymd, int *a, int *b, int *c)
{
    int v[3] = {0}, n[3] = {0}, k = 0;
    for (const char *p = s; *p != '\0'; p++) {
        if (*p == '/') {
            if (++k > 2)
                return FALSE;
        } else if (g_ascii_isdigit(*p)) {
            v[k] = v[k] * 10 + (*p - '0');
            if (++n[k] > 4)
                return FALSE;
        } else {
            return FALSE;
        }
    }
    if (k != 2)
        return FALSE;
    if (ymd ? (n[0] != 4 || n[1] < 1 || n[1] > 2 || n[2] < 1 || n[2] > 2)
            : (n[0] < 1 || n[0] > 2 || n[1] < 1 || n[1] > 2 || n[2] != 4))
        return FALSE;
    *a = v[0];
    *b = v[1];
    *c = v[2];
    return TRUE;
}

static gboolean
gb__ymd(int y, int m, int d, guint32 *out)
{
    if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1 ||
        !g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y))
        return FALSE;
    *out = (guint32)(y * 10000 + m * 100 + d);
    return TRUE;
}

/* Parses a slash date in a known order. */
static gboolean
gb__slash_date(const char *s, GbDateOrder order, guint32 *ymd)
{
    int a, b, c;
    if (!gb__slash_parts(s, order == GB_ORDER_YMD, &a, &b, &c))
        return FALSE;
    switch (order) {
    case GB_ORDER_DMY:
        return gb__ymd(c, b, a, ymd);
    case GB_ORDER_MDY:
        return gb__ymd(c, a, b, ymd);
    case GB_ORDER_YMD:
        return gb__ymd(a, b, c, ymd);
    default:
        return FALSE;
    }
}

static GbColumnOrder *
gb__order(GbFileLoad *fl, int col)
{
    for (guint i = 0; fl->orders != NULL && i < fl->orders->len; i++)
        if (g_array_index(fl->orders, GbColumnOrder, i).col == col)
            return &g_array_index(fl->orders, GbColumnOrder, i);
    return NULL;
}

void
gb__order_add(GbFileLoad *fl, int col)
{
    if (col < 0 || gb__order(fl, col) != NULL)
        return;
    GbColumnOrder o = {.col = col,
                       .order = fl->profile != NULL ? fl->profile->date_order : GB_ORDER_INFER};
    g_array_append_val(fl->orders, o);
}

static GbStatus
gb__prescan_record(const GbCsvRecord *rec, gpointer user, GbDiag *diag)
{
    GArray *orders = user;
    if (rec->record == 1)
        return GB_OK;
    for (guint i = 0; i < orders->len; i++) {
        GbColumnOrder *o = &g_array_index(orders, GbColumnOrder, i);
        int a, b, c;
        guint32 ymd;
        if (o->order != GB_ORDER_INFER || o->col >= (int)rec->nfields ||
            !gb__slash_parts(rec->fields[o->col], FALSE, &a, &b, &c))
            continue;
        gboolean dmy = gb__ymd(c, b, a, &ymd), mdy = gb__ymd(c, a, b, &ymd);
        o->any = TRUE;
        if (dmy && mdy && o->amb_line == 0)
            o->amb_line = rec->line;
        if (dmy && !mdy && o->dmy_line == 0)
            o->dmy_line = rec->line;
        if (mdy && !dmy && o->mdy_line == 0)
            o->mdy_line = rec->line;
    }
    return GB_OK;
}

/* Reads the whole CSV file once more to learn the order of every date column
 * of orders whose order is not set: the one order all its slash dates fit. */
static void
gb__prescan_file(const char *path, GArray *orders)
{
    GbDiag d = {0};
    gb_csv_read(path, gb__prescan_record, orders, &d);
    gb_diag_clear(&d);
    for (guint i = 0; i < orders->len; i++) {
        GbColumnOrder *c = &g_array_index(orders, GbColumnOrder, i);
        if (c->order != GB_ORDER_INFER)
            continue;
        if (c->dmy_line && !c->mdy_line)
            c->order = GB_ORDER_DMY;
        else if (c->mdy_line && !c->dmy_line)
            c->order = GB_ORDER_MDY;
    }
}

/* Settles fl's date orders from the whole file, once per file. The threads of
 * a split read (csvsplit.c) share one prescan: the first to need it reads the
 * file, the others wait for it and take a copy, so every thread reads the
 * column as one thread would, whichever part it is in. */
static void
gb__prescan(GbFileLoad *fl)
{
    fl->prescanned = TRUE;
    GbPrescan *ps = fl->prescan;
    if (ps == NULL) {
        gb__prescan_file(fl->path, fl->orders);
        return;
    }
    g_mutex_lock(&ps->lock);
    if (!ps->done) {
        gb__prescan_file(fl->path, ps->orders);
        ps->done = TRUE;
    }
    g_array_set_size(fl->orders, 0);
    g_array_append_vals(fl->orders, ps->orders->data, ps->orders->len);
    g_mutex_unlock(&ps->lock);
}

/* Parses the date in field col. Returns GB_OK with *ymd (0 when it is not a
 * date: the caller rejects the row), or GB_DATA with diag set when the column's
 * slash dates cannot be read in one order: then the file stops. */
static GbStatus
gb__date(GbFileLoad *fl, const GbCsvRecord *rec, int col, const char *field, guint32 *ymd,
         GbDiag *diag)
{
    const char *s = rec->fields[col];
    *ymd = 0;
    if (strchr(s, '/') == NULL) {
        if (strlen(s) == 10 && s[4] == '-')
            gb_text_parse_date(s, ymd);
        return GB_OK;
    }
    GbColumnOrder *o = gb__order(fl, col);
    GbDateOrder order = o != NULL             ? o->order
                        : fl->profile != NULL ? fl->profile->date_order
                                              : GB_ORDER_INFER;
    if (order == GB_ORDER_INFER && fl->sheet) {
        *ymd = 0; /* the caller says why */
        return GB_OK;
    }
    if (order == GB_ORDER_INFER && o != NULL && !fl->prescanned) {
        gb__prescan(fl);
        o = gb__order(fl, col);
        order = o->order;
    }
    if (order == GB_ORDER_INFER) {
        char *msg;
        if (o != NULL && o->dmy_line && o->mdy_line)
            msg =
                g_strdup_printf("the slash dates of column '%s' mix orders: line %" G_GUINT64_FORMAT
                                " fits only day/month/year, line %" G_GUINT64_FORMAT " only "
                                "month/day/year; gradebrief will not guess: correct the column, "
                                "or write ISO dates (YYYY-MM-DD)",
                                field, o->dmy_line, o->mdy_line);
        else
            msg = g_strdup_printf("every slash date of column '%s' fits both day/month/year and "
                                  "month/day/year; gradebrief will not guess: set date_order=dmy "
                                  "or mdy in the profile, or write ISO dates (YYYY-MM-DD)",
                                  field);
        gb__diag_at(diag, rec->path, rec->line, rec->offset, FALSE, col, msg);
        g_free(msg);
        return GB_DATA;
    }
    gb__slash_date(s, order, ymd);
    return GB_OK;
}

/* Resolves the year and date of a record. Returns GB_OK with *ok FALSE after
 * rejecting it, or a status that stops the file. */
GbStatus
gb__when_named(GbFileLoad *fl, const GbCsvRecord *rec, int date_col, int year_col,
               const char *date_name, const char *year_name, int *year, guint32 *date, gboolean *ok,
               GbDiag *diag)
{
    *date = 0;
    *year = 0;
    *ok = FALSE;
    const char *d = date_col >= 0 ? rec->fields[date_col] : "";
    const char *y = year_col >= 0 ? rec->fields[year_col] : "";
    if (*d != '\0') {
        GbStatus status = gb__date(fl, rec, date_col, date_name, date, diag);
        if (status != GB_OK)
            return status;
        if (*date == 0) {
            gb__describe(fl, "not a date", date_name, d, strlen(d));
            if (fl->sheet && strchr(d, '/') != NULL)
                g_string_append(fl->msg, "; a date typed as text: make the cell a date, or set "
                                         "date_order in the profile)");
            else
                g_string_append(fl->msg, "; expected YYYY-MM-DD, a slash date, or a date cell)");
            gb__reject(fl, rec, date_col);
            return GB_OK;
        }
        *year = (int)(*date / 10000);
    }
    if (*y != '\0') {
        gint64 v;
        if (!gb_text_parse_int(y, 1900, 2999, &v)) {
            gb__describe(fl, "not a year", year_name, y, strlen(y));
            g_string_append(fl->msg, "; expected a year such as 2007)");
            gb__reject(fl, rec, year_col);
            return GB_OK;
        }
        if (*date != 0 && v != *year) {
            gb__describe(fl, "year disagrees with date", year_name, y, strlen(y));
            g_string_append_printf(fl->msg, "; the date says %d)", *year);
            gb__reject(fl, rec, year_col);
            return GB_OK;
        }
        *year = (int)v;
    }
    if (*year == 0) {
        g_string_assign(fl->msg, "no year: both 'year' and 'date' are empty");
        gb__reject(fl, rec, year_col >= 0 ? year_col : date_col);
        return GB_OK;
    }
    guint32 limit = fl->t->date_limit;
    if (limit != 0 && (*date > limit || (guint32)*year > limit / 10000)) {
        char day[11];
        gb_text_format_date(limit, day);
        gboolean dated = *date > limit;
        gb__describe(fl, "judgement in the future", dated ? date_name : year_name, dated ? d : y,
                     strlen(dated ? d : y));
        g_string_append_printf(fl->msg,
                               "; nothing can be judged after %s, the date of this "
                               "run%s)",
                               day,
                               g_getenv("SOURCE_DATE_EPOCH") ? " "
                                                               "(SOURCE_DATE_EPOCH)"
                                                             : "");
        gb__reject(fl, rec, dated ? date_col : year_col);
        return GB_OK;
    }
    *ok = TRUE;
    return GB_OK;
}

GbStatus
gb__when(GbFileLoad *fl, const GbCsvRecord *rec, int date_col, int year_col, int *year,
         guint32 *date, gboolean *ok, GbDiag *diag)
{
    return gb__when_named(fl, rec, date_col, year_col, "date", "year", year, date, ok, diag);
}
