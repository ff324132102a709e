/* loadcheck.h - for the Check suites: everything a load comes to, as text, and
 * the check that a CSV file read in parts on several threads (csvsplit.c) comes
 * to exactly what one thread makes of it. */
#ifndef GB_LOADCHECK_H
#define GB_LOADCHECK_H

#include "pipeline/csvread.h"
#include "pipeline/csvsplit.h"
#include "pipeline/load.h"

#include <check.h>
#include <string.h>

/* The default split settings (csvsplit.h). */
static inline void
gb_test_split_default(void)
{
    gb_csv_split_configure(4 * 1024 * 1024, 1024 * 1024, 0);
}

/* Set: gb_test_load_outcome reads each file's first parts ahead (and waits
 * for them) before loading it (gb_csv_split_prefetch). */
static gboolean gb__test_ahead;

static inline void
gb__outcome_diag(GString *o, char tag, const GbDiag *d)
{
    g_string_append_printf(o, "%c %s:%" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT " %s\n", tag,
                           d->path ? d->path : "", d->line, d->column,
                           d->message ? d->message : "");
}

/* Loads paths (NULL-terminated) over ref with gb_load_file, one after another,
 * and returns what came of it as text (g_free it): every status and diagnosis,
 * every file's accounting, every reject and warning in order with its place,
 * the sources and origins in the order interned, the rows (or a streaming
 * table's counts and latest judgements), reported statements and visits.
 * cap > 0 keeps that many rejects and warnings in place of the loader's cap. */
static inline char *
gb_test_load_outcome(const GbRef *ref, const char *const *paths, gboolean streaming, guint cap)
{
    GbLoader *l;
    GbDiag d = {0};
    ck_assert_int_eq(gb_loader_new(ref, &l, &d), GB_OK);
    if (cap > 0)
        l->rejects->cap = l->warnings->cap = cap;
    GbTable *t = gb_table_new(ref);
    if (streaming)
        gb_table_set_streaming(t, 0);
    GString *o = g_string_new(NULL);
    for (const char *const *p = paths; *p != NULL; p++) {
        if (gb__test_ahead) {
            gb_csv_split_prefetch(*p);
            gb_csv_split_prefetch_wait();
        }
        GbStatus status = gb_load_file(l, t, *p, &d);
        g_string_append_printf(o, "status %d\n", status);
        gb__outcome_diag(o, 'd', &d);
        gb_diag_clear(&d);
    }
    for (guint i = 0; i < t->files->len; i++) {
        const GbFileAccount *a = &g_array_index(t->files, GbFileAccount, i);
        g_string_append_printf(o,
                               "file %s %s rows %" G_GUINT64_FORMAT " used %" G_GUINT64_FORMAT
                               " merged %" G_GUINT64_FORMAT " rejected %" G_GUINT64_FORMAT
                               " judgements %" G_GUINT64_FORMAT " not_judged %" G_GUINT64_FORMAT
                               " not_inspected %" G_GUINT64_FORMAT " reported %" G_GUINT64_FORMAT
                               " events %" G_GUINT64_FORMAT " after %" G_GUINT64_FORMAT "\n",
                               a->path, a->layout, a->rows, a->used, a->merged, a->rejected,
                               a->judgements, a->not_judged, a->not_inspected, a->reported,
                               a->events, a->after);
    }
    g_string_append_printf(o, "kept %" G_GUINT64_FORMAT " years %d-%d newest %u as_at %u\n",
                           t->kept, t->min_year, t->max_year, t->newest_date,
                           gb_table_stated_as_at(t));
    GbDiagList *lists[] = {l->rejects, l->warnings};
    for (guint k = 0; k < 2; k++) {
        for (guint i = 0; i < lists[k]->items->len; i++)
            gb__outcome_diag(o, k ? 'w' : 'r', &g_array_index(lists[k]->items, GbDiag, i));
        g_string_append_printf(o, "dropped %" G_GUINT64_FORMAT "\n", lists[k]->dropped);
    }
    for (guint i = 0; i < t->sources->len; i++)
        g_string_append_printf(o, "source %u %s %d\n", i,
                               (const char *)g_ptr_array_index(t->sources, i),
                               t->source_is_file->data[i]);
    for (guint i = 0; i < t->origins->len; i++) {
        const GbOrigin *g = &g_array_index(t->origins, GbOrigin, i);
        g_string_append_printf(o, "origin %u %u %u %s\n", i, g->text, g->kind, g->group);
    }
    GArray *rows[] = {t->rows, t->reported};
    for (guint k = 0; k < 2; k++)
        for (guint i = 0; i < rows[k]->len; i++) {
            const GbRow *r = &g_array_index(rows[k], GbRow, i);
            g_string_append_printf(o, "%c %u %u %u %u %d %u %u\n", k ? 'R' : 'j', r->date, r->year,
                                   r->authority, r->judgement, r->grade, r->file, r->source);
        }
    for (guint i = 0; i < t->visits->len; i++) {
        const GbVisit *v = &g_array_index(t->visits, GbVisit, i);
        g_string_append_printf(o, "visit %u %u %u %u %s %s\n", v->date, v->published, v->authority,
                               v->file, v->type, v->theme ? v->theme : "-");
    }
    if (streaming) {
        gsize nj = ref->judgements->len, na = ref->authorities->len;
        gsize cells = nj * (gsize)t->years * ref->regions->len * GB_TABLE_GRADES;
        for (gsize i = 0; i < cells; i++)
            if (t->counts[i])
                g_string_append_printf(o, "c%zu=%u ", i, t->counts[i]);
        for (gsize i = 0; i < na * nj; i++)
            if (t->latest[i])
                g_string_append_printf(o, "l%zu=%" G_GUINT64_FORMAT " ", i, t->latest[i]);
    }
    gb_table_free(t);
    gb_loader_free(l);
    return g_string_free(o, FALSE);
}

/* The first line where a and b differ, both ways, short enough for a message. */
static inline char *
gb_test_first_difference(const char *a, const char *b)
{
    gsize i = 0, start = 0;
    while (a[i] != '\0' && a[i] == b[i]) {
        if (a[i] == '\n')
            start = i + 1;
        i++;
    }
    return g_strdup_printf("at byte %zu: '%.200s' | split: '%.200s'", i, a + start, b + start);
}

/* Loads paths on one thread, then with every CSV file split into parts of 1,
 * 40 and 4096 bytes on two and three threads: fails unless every outcome is
 * byte for byte the one-thread one. cap as for gb_test_load_outcome. Returns
 * the one-thread outcome (g_free it). */
static inline char *
gb_test_split_same(const GbRef *ref, const char *const *paths, gboolean streaming, guint cap)
{
    static const gsize parts[] = {1, 40, 4096};
    gb_csv_split_configure(G_MAXSIZE, 1024 * 1024, 1);
    char *one = gb_test_load_outcome(ref, paths, streaming, cap);
    for (guint p = 0; p < G_N_ELEMENTS(parts); p++) {
        for (guint threads = 2; threads <= 3; threads++) {
            gb_csv_split_configure(0, parts[p], threads);
            char *two = gb_test_load_outcome(ref, paths, streaming, cap);
            gb_test_split_default();
            if (strcmp(one, two) != 0) {
                char *where = gb_test_first_difference(one, two);
                ck_abort_msg("%s: parts of %zu bytes on %u threads differ from one thread %s",
                             paths[0], parts[p], threads, where);
            }
            g_free(two);
        }
        /* Its first parts read ahead, the rest as it comes (GB__AHEAD_PARTS). */
        gb_csv_split_configure(0, parts[p], 2);
        gb__test_ahead = TRUE;
        char *ahead = gb_test_load_outcome(ref, paths, streaming, cap);
        gb__test_ahead = FALSE;
        gb_csv_split_prefetch_end();
        gb_test_split_default();
        if (strcmp(one, ahead) != 0) {
            char *where = gb_test_first_difference(one, ahead);
            ck_abort_msg("%s: parts of %zu bytes read ahead differ from one thread %s", paths[0],
                         parts[p], where);
        }
        g_free(ahead);
    }
    gb_test_split_default();
    return one;
}

/* gb_test_split_same for one file, kept in rows. */
static inline void
gb_test_split_same_file(const GbRef *ref, const char *path)
{
    const char *paths[] = {path, NULL};
    g_free(gb_test_split_same(ref, paths, FALSE, 0));
}

#endif
