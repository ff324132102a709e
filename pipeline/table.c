/* table.c - the validated judgement table (see table.h). */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, MADV_HUGEPAGE */
#include "pipeline/table.h"

#include "pipeline/text.h"

#include <string.h>
#include <sys/mman.h>

#define GB_KIND_SELECTION_ID 2 /* GB_KIND_SELECTION (profile.h; load.c checks it is 2) */

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
    t->source_is_file = g_byte_array_new();
    t->origins = g_array_new(FALSE, FALSE, sizeof(GbOrigin));
    t->origin_ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    t->visit_text = g_string_chunk_new(1024);
    t->reported = g_array_new(FALSE, FALSE, sizeof(GbRow));
    t->visits = g_array_new(FALSE, FALSE, sizeof(GbVisit));
    t->source_ids = g_hash_table_new(g_str_hash, g_str_equal);
    t->files = g_array_new(FALSE, TRUE, sizeof(GbFileAccount));
    t->seen = g_hash_table_new(gb__key_hash, g_direct_equal);
    t->min_year = G_MAXINT;
    t->max_year = G_MININT;
    t->date_limit = gb_table_default_date_limit();
    return t;
}

guint32
gb_table_default_date_limit(void)
{
    const char *epoch = g_getenv("SOURCE_DATE_EPOCH");
    gint64 secs;
    GDateTime *dt = NULL;
    if (epoch != NULL && gb_text_parse_int(epoch, 0, G_MAXINT64 / 2, &secs))
        dt = g_date_time_new_from_unix_utc(secs);
    if (dt == NULL)
        dt = g_date_time_new_now_utc();
    guint32 ymd = (guint32)(g_date_time_get_year(dt) * 10000 + g_date_time_get_month(dt) * 100 +
                            g_date_time_get_day_of_month(dt));
    g_date_time_unref(dt);
    return ymd;
}

/* A zeroed block of bytes for t's dense cells and latest judgements. A
 * large one is mapped in huge pages where the system allows them (THP in
 * madvise mode): a register of 22,000 authorities has 11 MB of cells, which
 * in small pages were 2,800 page faults and as many again when a row's read
 * of a cell had mapped the zero page that its write then replaced. */
static gpointer
gb__slab_new(GbTable *t, gsize bytes)
{
    t->slab_bytes = 0;
    if (bytes >= 4 * 1024 * 1024) {
        void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p != MAP_FAILED) {
#ifdef MADV_HUGEPAGE
            madvise(p, bytes, MADV_HUGEPAGE); /* a hint: without it, small pages */
#endif
#ifdef MADV_POPULATE_WRITE
            /* Every page is written, but a row's read of a cell comes first:
             * left to faults, each page was mapped to the zero page by the
             * read and replaced at the write, with a TLB flush sent to the
             * other core (the split read's threads share the mapping) each
             * time. Made writable at once here; a hint, like the one above. */
            madvise(p, bytes, MADV_POPULATE_WRITE);
#endif
            t->slab_bytes = bytes;
            return p;
        }
    }
    return g_malloc0(MAX(bytes, 1));
}

static void
gb__slab_free(GbTable *t)
{
    if (t->slab_bytes > 0)
        munmap(t->slab, t->slab_bytes);
    else
        g_free(t->slab);
    t->slab = NULL;
}

void
gb_table_set_streaming(GbTable *t, guint32 as_at)
{
    t->streaming = TRUE;
    t->stream_as_at = as_at;
    t->cut = as_at;               /* nothing dated after the as-at date is counted either */
    t->dense = g_ptr_array_new(); /* into the slab */
    g_ptr_array_set_size(t->dense, (gint)t->ref->authorities->len);
    /* The years regimes cover, an open-ended one for 20 years: the rest go to
     * the hash. */
    int lo = G_MAXINT, hi = G_MININT;
    for (guint i = 0; i < t->ref->regimes->len; i++) {
        const GbRegime *rg = gb_ref_regime(t->ref, (int)i);
        lo = MIN(lo, rg->first_year);
        hi = MAX(hi, rg->last_year ? rg->last_year : rg->first_year + 20);
    }
    t->year0 = lo;
    t->years = hi >= lo ? hi - lo + 1 : 0;
    gsize nj = t->ref->judgements->len, nr = t->ref->regions->len;
    /* The duplicate index needs a judgement's cells only over its regime's
     * years, an open-ended regime's up to the date limit (nothing later is
     * loaded): a third of the cells of the whole span, per authority. */
    t->cell_year0 = g_new0(int, nj);
    t->cell_years = g_new0(int, nj);
    t->cell_first = g_new0(gsize, nj);
    t->cells = 0;
    for (gsize j = 0; j < nj; j++) {
        const GbRegime *rg = gb_ref_regime(t->ref, gb_ref_judgement(t->ref, (int)j)->regime);
        int last = rg->last_year   ? rg->last_year
                   : t->date_limit ? MAX(rg->first_year, (int)(t->date_limit / 10000))
                                   : rg->first_year + 20;
        t->cell_year0[j] = rg->first_year;
        t->cell_years[j] = last >= rg->first_year ? last - rg->first_year + 1 : 0;
        t->cell_first[j] = t->cells;
        t->cells += (gsize)t->cell_years[j];
    }
    t->counts = g_new0(guint32, nj * (gsize)t->years * nr * GB_TABLE_GRADES);
    t->far_counts = g_hash_table_new(gb__key_hash, g_direct_equal);
    /* Each authority's cells (beside their lines) and its latest judgements. */
    gsize na = t->ref->authorities->len;
    t->slab = gb__slab_new(t, na * (2 * t->cells * sizeof(guint32) + nj * sizeof(guint64)));
    t->latest = t->slab;
    /* Each authority's region at hand (its record would be a cache miss a row). */
    t->region_of = g_new(guint16, t->ref->authorities->len);
    for (guint a = 0; a < t->ref->authorities->len; a++)
        t->region_of[a] = (guint16)gb_ref_authority(t->ref, (int)a)->region;
}

void
gb_table_free(GbTable *t)
{
    if (t == NULL)
        return;
    if (t->streaming) {
        g_free(t->counts);
        g_hash_table_destroy(t->far_counts);
        gb__slab_free(t);
        g_ptr_array_free(t->dense, TRUE);
        g_free(t->cell_year0);
        g_free(t->cell_years);
        g_free(t->cell_first);
        g_free(t->region_of);
    }
    for (guint i = 0; i < t->files->len; i++) {
        g_free(g_array_index(t->files, GbFileAccount, i).path);
        g_free(g_array_index(t->files, GbFileAccount, i).layout);
    }
    g_array_free(t->files, TRUE);
    g_array_free(t->rows, TRUE);
    g_hash_table_destroy(t->source_ids);
    g_ptr_array_free(t->sources, TRUE);
    g_byte_array_unref(t->source_is_file);
    g_array_free(t->origins, TRUE);
    g_hash_table_destroy(t->origin_ids);
    g_string_chunk_free(t->visit_text);
    g_array_free(t->reported, TRUE);
    g_array_free(t->visits, TRUE);
    g_hash_table_destroy(t->seen);
    if (t->near != NULL)
        g_hash_table_destroy(t->near);
    g_free(t);
}

guint
gb_table_begin_file(GbTable *t, const char *path, const char *layout)
{
    GbFileAccount a = {.path = g_strdup(path), .layout = g_strdup(layout)};
    g_array_append_val(t->files, a);
    return t->files->len - 1;
}

static guint32
gb__intern(GbTable *t, const char *source, guint8 is_file)
{
    gpointer id;
    if (g_hash_table_lookup_extended(t->source_ids, source, NULL, &id)) {
        guint32 n = GPOINTER_TO_UINT(id);
        if (!is_file) /* named as a source by some row: a source, whatever else */
            t->source_is_file->data[n] = 0;
        return n;
    }
    char *copy = g_strdup(source);
    g_ptr_array_add(t->sources, copy);
    g_byte_array_append(t->source_is_file, &is_file, 1);
    guint32 n = t->sources->len - 1;
    g_hash_table_insert(t->source_ids, copy, GUINT_TO_POINTER(n));
    return n;
}

guint32
gb_table_intern_origin(GbTable *t, const char *source, gboolean is_file, int kind,
                       const char *group)
{
    /* The key is the kind's digit, the group and the text: each has one id. */
    if (group == NULL)
        group = "";
    char *key = g_strdup_printf("%c%c%s\x1f%s", '0' + kind, is_file ? 'f' : 's', group, source);
    guint32 text = gb__intern(t, source, is_file ? 1 : 0);
    gpointer id;
    if (g_hash_table_lookup_extended(t->origin_ids, key, NULL, &id)) {
        g_free(key);
        return GPOINTER_TO_UINT(id);
    }
    GbOrigin o = {.text = text,
                  .kind = (guint8)kind,
                  .group = g_string_chunk_insert_const(t->visit_text, group)};
    g_array_append_val(t->origins, o);
    guint32 n = t->origins->len - 1;
    g_hash_table_insert(t->origin_ids, key, GUINT_TO_POINTER(n));
    return n;
}

guint32
gb_table_intern_source(GbTable *t, const char *source)
{
    return gb_table_intern_origin(t, source, FALSE, 0, NULL);
}

guint32
gb_table_intern_file_source(GbTable *t, const char *path)
{
    return gb_table_intern_origin(t, path, TRUE, 0, NULL);
}

static const GbOrigin *
gb__origin(const GbTable *t, const GbRow *r)
{
    return r->source < t->origins->len ? &g_array_index(t->origins, GbOrigin, r->source) : NULL;
}

const char *
gb_table_row_group(const GbTable *t, const GbRow *r)
{
    const GbOrigin *o = gb__origin(t, r);
    return o != NULL ? o->group : "";
}

int
gb_table_row_kind(const GbTable *t, const GbRow *r)
{
    const GbOrigin *o = gb__origin(t, r);
    return o != NULL ? o->kind : 0;
}

const char *
gb_table_row_source(const GbTable *t, const GbRow *r)
{
    const GbOrigin *o = gb__origin(t, r);
    return o != NULL ? g_ptr_array_index(t->sources, o->text) : "";
}

void
gb_table_add_reported(GbTable *t, const GbRow *r)
{
    if (!t->streaming)
        g_array_append_val(t->reported, *r);
}

void
gb_table_add_visit(GbTable *t, const GbVisit *e)
{
    g_array_append_val(t->visits, *e);
}

gboolean
gb_table_source_is_file(const GbTable *t, guint32 source)
{
    return source < t->source_is_file->len && t->source_is_file->data[source] != 0;
}

/* Streaming duplicate index: a cell per (authority, judgement, year) over the
 * judgement's regime's years, holding 1 | dated | day of year | file | grade, and beside it
 * the line the row came from (4 bytes more per cell); anything else
 * (a second date in the same year, a year outside) falls back to the hash. */
static guint32 *
gb__cell(GbTable *t, const GbRow *r, guint32 **line)
{
    int y0 = t->cell_year0[r->judgement];
    if (r->year < y0 || r->year >= y0 + t->cell_years[r->judgement])
        return NULL;
    guint32 *cells = g_ptr_array_index(t->dense, r->authority);
    if (cells == NULL) {
        /* Each cell beside the line its row came from (so that a conflict
         * names the other file's line, as without streaming): one cache line
         * for both. */
        guint32 *first =
            (guint32 *)(t->latest + t->ref->authorities->len * t->ref->judgements->len);
        cells = first + 2 * t->cells * r->authority;
        g_ptr_array_index(t->dense, r->authority) = cells;
    }
    gsize i = t->cell_first[r->judgement] + (gsize)(r->year - y0);
    *line = &cells[2 * i + 1];
    return &cells[2 * i];
}

/* Day of the year (1-366) of a dated row, 0 for a year-only one. A cell only
 * needs days to tell dates apart, so months count as 31 days (1-372 fits). */
static guint32
gb__day(const GbRow *r)
{
    if (r->date == 0)
        return 0;
    return (r->date / 100 % 100 - 1) * 31 + r->date % 100;
}

static void
gb__count(GbTable *t, const GbRow *r)
{
    gsize nj = t->ref->judgements->len, nr = t->ref->regions->len;
    int region = t->region_of[r->authority];
    if (r->year >= t->year0 && r->year < t->year0 + t->years && r->grade >= 0 &&
        r->grade < GB_TABLE_GRADES) {
        gsize i = (((gsize)r->judgement * (gsize)t->years + (gsize)(r->year - t->year0)) * nr +
                   (gsize)region) *
                      GB_TABLE_GRADES +
                  (gsize)r->grade;
        t->counts[i]++;
    } else {
        guint64 key = ((guint64)r->judgement << 32) | ((guint64)r->year << 16) |
                      ((guint64)region << 8) | (guint8)r->grade;
        gpointer k = (gpointer)(gsize)key;
        g_hash_table_insert(
            t->far_counts, k,
            GSIZE_TO_POINTER(GPOINTER_TO_SIZE(g_hash_table_lookup(t->far_counts, k)) + 1));
    }
    guint32 when = gb_table_row_when(r);
    /* Only a row of kind selection, or a year-only row when coverage.csv lists
     * any, can be of a selection: most rows need no call to know. */
    if ((gb_table_row_kind(t, r) == GB_KIND_SELECTION_ID ||
         (r->date == 0 && t->ref->coverage->len != 0)) &&
        gb_table_row_selection(t, r) != NULL)
        return;
    guint64 *had = &t->latest[(gsize)r->authority * nj + r->judgement];
    if (*had == 0 || (*had >> 8) <= when)
        *had = ((guint64)when << 8) | (guint8)r->grade;
}

void
gb_table_foreach_count(const GbTable *t, GbCountFn fn, gpointer user)
{
    gsize nj = t->ref->judgements->len, nr = t->ref->regions->len;
    for (gsize j = 0; j < nj; j++)
        for (gsize y = 0; y < (gsize)t->years; y++)
            for (gsize r = 0; r < nr; r++)
                for (gsize g = 0; g < GB_TABLE_GRADES; g++) {
                    guint32 n =
                        t->counts[((j * (gsize)t->years + y) * nr + r) * GB_TABLE_GRADES + g];
                    if (n != 0)
                        fn((int)j, t->year0 + (int)y, (int)r, (int)g, n, user);
                }
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, t->far_counts);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        guint64 key = (guint64)GPOINTER_TO_SIZE(k);
        fn((int)(key >> 32), (int)((key >> 16) & 0xFFFF), (int)((key >> 8) & 0xFF),
           (int)(gint8)(guint8)(key & 0xFF), (guint)GPOINTER_TO_SIZE(v), user);
    }
}

/* Settles r against the dense index when it can: TRUE with *result set, or
 * FALSE when the hash must decide (another date that year, a far year). */
static gboolean
gb__seen_dense(GbTable *t, const GbRow *r, guint64 line, GbAddResult *result, guint *prev_file,
               guint64 *prev_line, int *prev_grade)
{
    guint32 *cell_line;
    guint32 *cell = gb__cell(t, r, &cell_line);
    if (cell == NULL)
        return FALSE;
    guint32 mine = 0x80000000u | (r->date ? 0x40000000u : 0) | (gb__day(r) << 20) |
                   ((guint32)(r->file & 0xFFF) << 8) | (guint8)r->grade;
    if (*cell == 0) {
        *cell = mine;
        *cell_line = line <= G_MAXUINT32 ? (guint32)line : 0; /* 0: not known */
        *result = GB_ADD_NEW;
        return TRUE;
    }
    if (((*cell ^ mine) & 0x7FF00000u) != 0) /* dated differently */
        return FALSE;
    *prev_grade = (int)(gint8)(guint8)(*cell & 0xFF);
    *prev_file = (*cell >> 8) & 0xFFF;
    *prev_line = *cell_line;
    *result = *prev_grade == r->grade ? GB_ADD_IDENTICAL : GB_ADD_CONFLICT;
    return TRUE;
}

static void gb__near_note(GbTable *t, guint64 key);

static GbAddResult
gb__seen_hash(GbTable *t, const GbRow *r, guint64 line, guint *prev_file, guint64 *prev_line,
              int *prev_grade)
{
    guint64 when = r->date != 0 ? r->date : r->year;
    guint64 key = ((guint64)r->authority << 40) | ((guint64)r->judgement << 32) | when;
    /* origin: grade (8 bits) | file (16 bits) | line (40 bits) */
    guint64 origin =
        ((guint64)(guint8)r->grade << 56) | ((guint64)r->file << 40) | (line & 0xFFFFFFFFFFULL);
    gpointer found;
    if (g_hash_table_lookup_extended(t->seen, (gpointer)(gsize)key, NULL, &found)) {
        guint64 o = (guint64)(gsize)found;
        *prev_grade = (int)(gint8)(guint8)(o >> 56);
        *prev_file = (guint)((o >> 40) & 0xFFFF);
        *prev_line = o & 0xFFFFFFFFFFULL;
        return *prev_grade == r->grade ? GB_ADD_IDENTICAL : GB_ADD_CONFLICT;
    }
    g_hash_table_insert(t->seen, (gpointer)(gsize)key, (gpointer)(gsize)origin);
    if (t->near != NULL)
        gb__near_note(t, key);
    return GB_ADD_NEW;
}

static void
gb__count_after(GbTable *t, const GbRow *r, guint32 when)
{
    if (r->file < t->files->len)
        g_array_index(t->files, GbFileAccount, r->file).after++;
    t->after++;
    if (t->after_first == 0 || when < t->after_first)
        t->after_first = when;
    t->after_newest = MAX(t->after_newest, when);
}

const char *
gb_table_row_selection(const GbTable *t, const GbRow *r)
{
    const GbJudgement *j = gb_ref_judgement(t->ref, r->judgement);
    if (gb_table_row_kind(t, r) == GB_KIND_SELECTION_ID) {
        const char *note = gb_ref_selection_note(t->ref, r->year, j->regime, r->judgement);
        return note != NULL ? note : "the source names only some of the authorities judged";
    }
    if (r->date != 0 || t->ref->coverage->len == 0)
        return NULL;
    return gb_ref_selection_note(t->ref, r->year, j->regime, r->judgement);
}

void
gb_table_state_as_at(GbTable *t, guint32 ymd)
{
    t->stated_as_at = MAX(t->stated_as_at, ymd);
}

guint32
gb_table_stated_as_at(const GbTable *t)
{
    return t->stated_as_at;
}

gboolean
gb_table_cut(GbTable *t, guint32 ymd)
{
    if (ymd == 0 || (t->cut != 0 && ymd >= t->cut))
        return TRUE;
    if (t->streaming) {
        /* Its counts and latest judgements cannot be cut afterwards: only
         * when nothing is dated after ymd (or nothing was read yet). */
        if (t->kept != 0 && t->newest_when > ymd)
            return FALSE;
        t->cut = t->stream_as_at = ymd;
        return TRUE;
    }
    guint kept = 0;
    t->newest_date = 0;
    for (guint i = 0; i < t->rows->len; i++) {
        const GbRow *r = gb_table_row(t, i);
        guint32 when = gb_table_row_when(r);
        if (when > ymd) {
            gb__count_after(t, r, when);
            continue;
        }
        t->newest_date = MAX(t->newest_date, r->date);
        g_array_index(t->rows, GbRow, kept++) = *r;
    }
    g_array_set_size(t->rows, kept);
    t->kept = kept;
    t->cut = ymd;
    return TRUE;
}

void
gb_table_prefetch(const GbTable *t, const GbRow *r, gboolean early)
{
    if (!t->streaming || r->authority >= t->ref->authorities->len ||
        r->judgement >= t->ref->judgements->len)
        return;
    if (early) { /* where the cells' address is, and the latest judgement */
        __builtin_prefetch(&g_ptr_array_index(t->dense, r->authority));
        __builtin_prefetch(
            &t->latest[(gsize)r->authority * t->ref->judgements->len + r->judgement]);
        return;
    }
    int y0 = t->cell_year0[r->judgement];
    const guint32 *cells = g_ptr_array_index(t->dense, r->authority);
    if (cells != NULL && r->year >= y0 && r->year < y0 + t->cell_years[r->judgement])
        __builtin_prefetch(&cells[2 * (t->cell_first[r->judgement] + (gsize)(r->year - y0))]);
    __builtin_prefetch(&t->latest[(gsize)r->authority * t->ref->judgements->len + r->judgement]);
}

GbAddResult
gb_table_add(GbTable *t, const GbRow *r, guint64 line, guint *prev_file, guint64 *prev_line,
             int *prev_grade)
{
    GbAddResult res;
    if (!(t->streaming && gb__seen_dense(t, r, line, &res, prev_file, prev_line, prev_grade)))
        res = gb__seen_hash(t, r, line, prev_file, prev_line, prev_grade);
    if (res != GB_ADD_NEW)
        return res;
    t->newest_when = MAX(t->newest_when, gb_table_row_when(r));
    if (t->cut != 0 && gb_table_row_when(r) > t->cut) {
        gb__count_after(t, r, gb_table_row_when(r));
        return GB_ADD_NEW;
    }
    if (r->date > t->newest_date)
        t->newest_date = r->date;
    t->kept++;
    if (t->streaming)
        gb__count(t, r);
    else
        g_array_append_val(t->rows, *r);
    t->min_year = MIN(t->min_year, r->year);
    t->max_year = MAX(t->max_year, r->year);
    return GB_ADD_NEW;
}

/* Notes the date of a key of t->seen in t->near, when it has one (a year-only
 * row's key holds the year, which no window of days holds). */
static void
gb__near_note(GbTable *t, guint64 key)
{
    guint32 ymd = (guint32)(key & 0xFFFFFFFFu);
    if (ymd < 10000)
        return;
    gpointer pair = GSIZE_TO_POINTER((gsize)(key >> 32));
    GArray *dates = g_hash_table_lookup(t->near, pair);
    if (dates == NULL) {
        dates = g_array_new(FALSE, FALSE, sizeof(guint32));
        g_hash_table_insert(t->near, pair, dates);
    }
    g_array_append_val(dates, ymd);
}

static void
gb__near_free(gpointer dates)
{
    g_array_free(dates, TRUE);
}

/* The dates near holds for each (authority, judgement) of the duplicate hash,
 * made at the first gb_table_find_near and kept up by gb__seen_hash: the hash
 * is then probed for those dates only, not for every day of the window. */
static void
gb__near_build(GbTable *t)
{
    t->near = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, gb__near_free);
    GHashTableIter it;
    gpointer k;
    g_hash_table_iter_init(&it, t->seen);
    while (g_hash_table_iter_next(&it, &k, NULL))
        gb__near_note(t, (guint64)(gsize)k);
}

static gboolean
gb__ymd_valid(guint32 ymd)
{
    return g_date_valid_dmy((GDateDay)(ymd % 100), (GDateMonth)(ymd / 100 % 100),
                            (GDateYear)(ymd / 10000));
}

gboolean
gb_table_find_near(GbTable *t, int authority, int judgement, guint32 from, guint32 to,
                   guint not_file, guint32 *date, int *grade, guint *file, guint64 *line)
{
    /* The latest day in [from, to] holding such a judgement, in the dense
     * cells (one date a year; first on a tie) or the hash, as probing each day
     * from `to` back to `from` would find it. */
    if (!gb__ymd_valid(to) || from > to)
        return FALSE;
    gboolean found = FALSE, in_cell = FALSE;
    guint32 best = 0;
    for (int y = (int)(to / 10000); t->streaming && y >= (int)(from / 10000) && y > 0; y--) {
        GbRow probe = {
            .year = (guint16)y, .authority = (guint16)authority, .judgement = (guint8)judgement};
        guint32 *cell_line = NULL;
        guint32 *cell = gb__cell(t, &probe, &cell_line);
        if (cell == NULL || (*cell & 0xC0000000u) != 0xC0000000u ||
            ((*cell >> 8) & 0xFFF) == (not_file & 0xFFF))
            continue;
        guint32 day = (*cell >> 20) & 0x3FF; /* (month - 1) * 31 + day, as gb__day */
        if (day == 0)
            continue;
        guint32 ymd = (guint32)y * 10000 + ((day - 1) / 31 + 1) * 100 + (day - 1) % 31 + 1;
        if (ymd < from || ymd > to || !gb__ymd_valid(ymd) || (found && ymd <= best))
            continue;
        found = in_cell = TRUE;
        best = ymd;
        *date = ymd;
        *grade = (int)(gint8)(guint8)(*cell & 0xFF);
        *file = (*cell >> 8) & 0xFFF;
        *line = *cell_line;
    }
    if (t->near == NULL)
        gb__near_build(t);
    guint64 pair_key = ((guint64)authority << 40) | ((guint64)judgement << 32);
    GArray *dates = g_hash_table_lookup(t->near, GSIZE_TO_POINTER((gsize)(pair_key >> 32)));
    for (guint i = 0; dates != NULL && i < dates->len; i++) {
        guint32 ymd = g_array_index(dates, guint32, i);
        if (ymd < from || ymd > to || (found && (ymd < best || (ymd == best && in_cell))))
            continue;
        gpointer v;
        if (!g_hash_table_lookup_extended(t->seen, (gpointer)(gsize)(pair_key | ymd), NULL, &v))
            continue;
        guint64 o = (guint64)(gsize)v;
        if (((o >> 40) & 0xFFFF) == not_file || !gb__ymd_valid(ymd))
            continue;
        found = TRUE;
        in_cell = FALSE;
        best = ymd;
        *date = ymd;
        *grade = (int)(gint8)(guint8)(o >> 56);
        *file = (guint)((o >> 40) & 0xFFFF);
        *line = o & 0xFFFFFFFFFFULL;
    }
    return found;
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
        total->after += a->after;
        total->not_inspected += a->not_inspected;
        total->reported += a->reported;
        total->events += a->events;
    }
}
