/* table.c - the validated judgement table (see table.h). */
#include "pipeline/table.h"

G_STATIC_ASSERT(sizeof(gpointer) >= 8); /* keys and origins are packed into pointers */
G_STATIC_ASSERT(sizeof(GbRow) == 16);

/* Mixes the packed 64-bit key (murmur3's finaliser): g_direct_hash would drop
 * the high half, where the authority lives. */
static guint
gb__key_hash(gconstpointer k)
{
    guint64 x = (guint64)(gsize)k;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return (guint)x;
}

GbTable *
gb_table_new(const GbRef *ref)
{
    GbTable *t = g_new0(GbTable, 1);
    t->ref = ref;
    t->rows = g_array_new(FALSE, FALSE, sizeof(GbRow));
    t->sources = g_ptr_array_new_with_free_func(g_free);
    t->source_ids = g_hash_table_new(g_str_hash, g_str_equal);
    t->files = g_array_new(FALSE, TRUE, sizeof(GbFileAccount));
    t->seen = g_hash_table_new(gb__key_hash, g_direct_equal);
    t->min_year = G_MAXINT;
    t->max_year = G_MININT;
    return t;
}

void
gb_table_free(GbTable *t)
{
    if (t == NULL)
        return;
    for (guint i = 0; i < t->files->len; i++) {
        g_free(g_array_index(t->files, GbFileAccount, i).path);
        g_free(g_array_index(t->files, GbFileAccount, i).layout);
    }
    g_array_free(t->files, TRUE);
    g_array_free(t->rows, TRUE);
    g_hash_table_destroy(t->source_ids);
    g_ptr_array_free(t->sources, TRUE);
    g_hash_table_destroy(t->seen);
    g_free(t);
}

guint
gb_table_begin_file(GbTable *t, const char *path, const char *layout)
{
    GbFileAccount a = {.path = g_strdup(path), .layout = g_strdup(layout)};
    g_array_append_val(t->files, a);
    return t->files->len - 1;
}

guint32
gb_table_intern_source(GbTable *t, const char *source)
{
    gpointer id;
    if (g_hash_table_lookup_extended(t->source_ids, source, NULL, &id))
        return GPOINTER_TO_UINT(id);
    char *copy = g_strdup(source);
    g_ptr_array_add(t->sources, copy);
    guint32 n = t->sources->len - 1;
    g_hash_table_insert(t->source_ids, copy, GUINT_TO_POINTER(n));
    return n;
}

GbAddResult
gb_table_add(GbTable *t, const GbRow *r, guint64 line, guint *prev_file, guint64 *prev_line,
             int *prev_grade)
{
    guint64 when = r->date != 0 ? r->date : r->year;
    guint64 key = ((guint64)r->authority << 40) | ((guint64)r->judgement << 32) | when;
    /* origin: grade (8 bits) | file (16 bits) | line (40 bits) */
    guint64 origin = ((guint64)(guint8)r->grade << 56) | ((guint64)r->file << 40) |
                     (line & 0xFFFFFFFFFFULL);
    gpointer found;
    if (g_hash_table_lookup_extended(t->seen, (gpointer)(gsize)key, NULL, &found)) {
        guint64 o = (guint64)(gsize)found;
        *prev_grade = (int)(gint8)(guint8)(o >> 56);
        *prev_file = (guint)((o >> 40) & 0xFFFF);
        *prev_line = o & 0xFFFFFFFFFFULL;
        return *prev_grade == r->grade ? GB_ADD_IDENTICAL : GB_ADD_CONFLICT;
    }
    g_hash_table_insert(t->seen, (gpointer)(gsize)key, (gpointer)(gsize)origin);
    g_array_append_val(t->rows, *r);
    if (r->date > t->newest_date)
        t->newest_date = r->date;
    t->min_year = MIN(t->min_year, r->year);
    t->max_year = MAX(t->max_year, r->year);
    return GB_ADD_NEW;
}

void
gb_table_totals(const GbTable *t, GbFileAccount *total)
{
    *total = (GbFileAccount){0};
    for (guint i = 0; i < t->files->len; i++) {
        const GbFileAccount *a = &g_array_index(t->files, GbFileAccount, i);
        total->rows += a->rows;
        total->used += a->used;
        total->merged += a->merged;
        total->rejected += a->rejected;
        total->judgements += a->judgements;
        total->not_judged += a->not_judged;
    }
}
