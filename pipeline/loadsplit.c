/* loadsplit.c - a large CSV file read on every core (csvsplit.c; see
 * load-private.h): each worker thread validates its part's records into events
 * (commits, rejects, stops, visits) with the part's own origins, and the parts
 * are replayed into the table and the lists in file order, one at a time, so
 * the table, the accounting and every message are those of one thread. */
#include "pipeline/load-private.h"

#include <string.h>

/* ---- a worker's part (csvsplit.c) ---- */

/* Appends an event for rec to the part and returns it; the counts of the
 * record so far go with it. */
GbLoadEvent *
gb__part_event(GbLoadPart *p, guint8 kind, const GbCsvRecord *rec)
{
    if (p->nevents == p->cap) {
        p->cap = MAX(1024, p->cap * 2);
        p->events = g_renew(GbLoadEvent, p->events, p->cap);
    }
    GbLoadEvent *ev = &p->events[p->nevents++];
    *ev = (GbLoadEvent){.kind = kind,
                        .not_judged = p->not_judged,
                        .not_inspected = p->not_inspected,
                        .line = rec->line,
                        .offset = rec->offset};
    p->not_judged = 0;
    p->not_inspected = 0;
    return ev;
}

void
gb__part_reject(GbFileLoad *fl, const GbCsvRecord *rec, int col)
{
    GbLoadPart *p = fl->part;
    GbLoadEvent *ev = gb__part_event(p, GB__EV_REJECT, rec);
    ev->first = GB__NO_DIAG;
    /* Past the list's cap in this part alone (or once the list is full), the
     * message would be dropped: skip the costly locate, as on one thread. */
    if (!p->list_full && p->rejects++ < fl->l->rejects->cap) {
        gb__diag_at(&fl->diag, rec->path, rec->line, rec->offset, FALSE, col, fl->msg->str);
        ev->first = p->diags->len;
        g_array_append_val(p->diags, fl->diag);
        fl->diag = (GbDiag){0};
    }
}

/* ---- a CSV file on every core (csvsplit.c) ---- */

/* A worker thread's loading: the file's layout (group_cols shared, read only),
 * its own memos and date orders, the prescan shared. Made on the calling
 * thread, after the header. */
static gpointer
gb__worker_new(gpointer user)
{
    GbFileLoad *fl = user;
    GbPrescan *ps = fl->split_prescan;
    if (ps->orders == NULL)
        ps->orders = g_array_copy(fl->orders);
    GbFileLoad *w = g_new(GbFileLoad, 1);
    *w = *fl;
    gb__load_init(w);
    w->orders = g_array_copy(fl->orders);
    w->prescan = ps;
    w->prescanned = FALSE;
    return w;
}

static void
gb__worker_free(gpointer data)
{
    GbFileLoad *w = data;
    gb__load_clear(w);
    g_array_free(w->orders, TRUE);
    g_free(w);
}

static gpointer
gb__part_new(gpointer user)
{
    GbLoadPart *p = g_new0(GbLoadPart, 1);
    p->rows = g_array_new(FALSE, FALSE, sizeof(GbPendingRow));
    p->diags = g_array_new(FALSE, FALSE, sizeof(GbDiag));
    p->origins = g_array_new(FALSE, FALSE, sizeof(GbPartOrigin));
    for (guint i = 0; i <= GB__ORIGIN_KINDS; i++)
        p->origin_ids[i] = gb__memo_new();
    p->origin_map = g_array_new(FALSE, FALSE, sizeof(guint32));
    p->visits = g_array_new(FALSE, FALSE, sizeof(GbVisit));
    p->text = g_string_chunk_new(4096);
    return p;
}

static void
gb__part_free(gpointer data)
{
    GbLoadPart *p = data;
    for (guint i = 0; i < p->diags->len; i++)
        gb_diag_clear(&g_array_index(p->diags, GbDiag, i));
    g_free(p->events);
    g_array_free(p->rows, TRUE);
    g_array_free(p->diags, TRUE);
    g_array_free(p->origins, TRUE);
    for (guint i = 0; i <= GB__ORIGIN_KINDS; i++)
        gb__memo_free(p->origin_ids[i]);
    g_array_free(p->origin_map, TRUE);
    g_array_free(p->visits, TRUE);
    g_string_chunk_free(p->text);
    g_free(p);
}

static GbStatus
gb__part_record(const GbCsvRecord *rec, gpointer worker, gpointer part, GbDiag *diag)
{
    GbFileLoad *w = worker;
    w->part = part;
    GbStatus status = gb__body_record(w, rec, diag);
    w->part = NULL;
    return status;
}

/* Interns the part's origins first asked for by event `event`, in the order
 * they were asked for. */
static void
gb__merge_origins(GbFileLoad *fl, GbLoadPart *p, guint *next, guint event)
{
    for (; *next < p->origins->len; (*next)++) {
        const GbPartOrigin *o = &g_array_index(p->origins, GbPartOrigin, *next);
        if (o->event != event)
            return;
        g_array_index(p->origin_map, guint32, *next) =
            gb_table_intern_origin(fl->t, o->source, o->is_file, o->kind, o->group);
    }
}

/* Replays a part into the table and the lists, as if its records were read
 * here, in order, and empties it. */
static GbStatus
gb__merge_part(gpointer part, guint64 line_base, gpointer user, GbDiag *diag)
{
    GbFileLoad *fl = user;
    GbLoadPart *p = part;
    GbDiagList *rejects = fl->l->rejects;
    GbFileAccount *acc = gb__account(fl);
    g_array_set_size(p->origin_map, p->origins->len);
    guint next_origin = 0;
    for (guint i = 0; i < p->nevents; i++) {
        GbLoadEvent *ev = &p->events[i];
        /* The table's cells for a row a few events on: a miss each, otherwise. */
        /* Two steps: where the cells are 2 * GB__PREFETCH events on, then the
         * cells themselves GB__PREFETCH on. */
        if (i + 2 * GB__PREFETCH < p->nevents) {
            const GbLoadEvent *far = &p->events[i + 2 * GB__PREFETCH];
            if (far->kind == GB__EV_COMMIT && far->n == 1)
                gb_table_prefetch(fl->t, &far->row.row, TRUE);
        }
        if (i + GB__PREFETCH < p->nevents) {
            const GbLoadEvent *ahead = &p->events[i + GB__PREFETCH];
            if (ahead->kind == GB__EV_COMMIT && ahead->n == 1)
                gb_table_prefetch(fl->t, &ahead->row.row, FALSE);
        }
        gb__merge_origins(fl, p, &next_origin, i);
        acc->rows++;
        acc->not_judged += ev->not_judged;
        acc->not_inspected += ev->not_inspected;
        switch (ev->kind) {
        case GB__EV_STOP:
            acc->rejected++;
            continue;
        case GB__EV_REJECT:
            acc->rejected++;
            if (ev->first == GB__NO_DIAG) {
                rejects->dropped++;
                continue;
            }
            GbDiag *d = &g_array_index(p->diags, GbDiag, ev->first);
            if (d->line > 0)
                d->line += line_base;
            gb_diag_list_take(rejects, d);
            continue;
        case GB__EV_VISIT: {
            GbVisit e = g_array_index(p->visits, GbVisit, ev->first);
            e.type = g_string_chunk_insert_const(fl->t->visit_text, e.type);
            if (e.theme != NULL)
                e.theme = g_string_chunk_insert_const(fl->t->visit_text, e.theme);
            gb_table_add_visit(fl->t, &e);
            acc->events++;
            acc->used++;
            continue;
        }
        default:
            break;
        }
        GbPendingRow *rows =
            ev->n == 1 ? &ev->row : &g_array_index(p->rows, GbPendingRow, ev->first);
        for (guint k = 0; k < ev->n; k++)
            if (rows[k].row.source & GB__PART_ORIGIN)
                rows[k].row.source =
                    g_array_index(p->origin_map, guint32, rows[k].row.source & ~GB__PART_ORIGIN);
        GbCsvRecord rec = {.path = fl->path, .line = ev->line + line_base, .offset = ev->offset};
        gb__commit(fl, &rec, rows, ev->n);
    }
    /* Origins asked for by the record that stopped the part (no event). */
    gb__merge_origins(fl, p, &next_origin, p->nevents);
    p->list_full = rejects->items->len >= rejects->cap;
    p->rejects = 0;
    p->not_judged = 0;
    p->not_inspected = 0;
    p->nevents = 0;
    g_array_set_size(p->rows, 0);
    g_array_set_size(p->diags, 0);
    g_array_set_size(p->origins, 0);
    for (guint i = 0; i <= GB__ORIGIN_KINDS; i++)
        gb__memo_clear(p->origin_ids[i]);
    g_array_set_size(p->visits, 0);
    g_string_chunk_clear(p->text);
    return GB_OK;
}

/* No peek: fetching the authority memo's slot and entry of the records
 * ahead (some 110 instructions a record, the key hashed in a ring for the
 * lookup) cost more than the misses it hid, on a memo of 22,000 spellings
 * (0.6 MB): 1M rows, 20 alternating runs twice, user+sys CPU 0.540 -> 0.525 s
 * and 0.555 -> 0.540 s without it. The table's cells are fetched ahead in the
 * merge, which pays (without it 0.565 -> 0.590 s). */
const GbCsvSplitFns gb__split_fns = {
    .direct = gb__file_record,
    .header = gb__file_record,
    .worker_new = gb__worker_new,
    .worker_free = gb__worker_free,
    .part_new = gb__part_new,
    .part_free = gb__part_free,
    .record = gb__part_record,
    .merge = gb__merge_part,
};

/* ---- reading ahead ---- */

void
gb_load_prefetch(const char *datadir, const char *const *files)
{
    /* The first file gb_load_all reads: the first in the grades folder, in
     * its order, else the first one named. */
    GPtrArray *paths = gb__grades_paths(datadir);
    char *first = paths->len > 0 ? g_strdup(g_ptr_array_index(paths, 0)) : NULL;
    g_ptr_array_free(paths, TRUE);
    if (first == NULL && files != NULL && files[0] != NULL)
        first = g_strdup(files[0]);
    /* Workbooks are read otherwise: only what is named as CSV. */
    char *lower = first != NULL ? g_ascii_strdown(first, -1) : NULL;
    if (lower != NULL && g_str_has_suffix(lower, ".csv"))
        gb_csv_split_prefetch(first);
    g_free(lower);
    g_free(first);
}

void
gb_load_prefetch_end(void)
{
    gb_csv_split_prefetch_end();
}
