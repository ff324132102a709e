/* loadfield.c - resolving a record's fields against the reference data (see
 * load-private.h): the memos that remember each distinct raw value with what it
 * resolved to, one thread's loading state (memos, scratch strings, diag), the
 * origin ids of rows, and the authority and grade of a record. */
#include "pipeline/load-private.h"

#include <string.h>

/* Most values in a column repeat ("Good", "ilacs", an authority's name), so the
 * raw bytes of each distinct value are remembered with what they resolved to:
 * normalising and looking up happen once per distinct value, not per row. */
#define GB__MEMO_CAP 200000
#define GB__ALWAYS 0x40000000 /* in the authority memo: active in every year */

/* A memo is an open-addressed table of small slots over one array of entries
 * (the value, then the key's bytes). GLib's table costs three cache misses a
 * lookup (its hashes, its keys, the key's text) over 1.2 MB for a register of
 * 22,000 spellings, more than a core's L2; here a hit reads one 8-byte slot,
 * whose tag and length almost always settle a miss, and one entry: 0.5 MB for
 * the same register. */
typedef struct {
    guint32 off; /* of the entry in bytes; 0: empty */
    guint16 tag; /* the hash's top bits */
    guint16 len; /* of the key */
} GbMemoSlot;

struct GbMemo {
    GbMemoSlot *slots;
    guint mask;  /* slots - 1 */
    guint n;     /* keys */
    char *bytes; /* entries: gint32 value, then the key (no NUL) */
    gsize used, cap;
};

#define GB__MEMO_FIRST 8 /* bytes before the first entry: offset 0 means empty */

/* x rotated left by 31 bits. */
static inline guint64
gb__rotl31(guint64 x)
{
    return x << 31 | x >> 33;
}

/* Hashes len bytes at s. Keys of 4 to 32 bytes (names, codes, sources: all
 * but a few) are read as two or four overlapping words, each multiplied on
 * its own (no chain of multiplies), then mixed once; longer keys eight bytes
 * at a time, the tail as the last eight. No byte past s[len) is touched. */
static inline guint64
gb__memo_hash(const char *s, gsize n)
{
    guint64 h;
    if (n >= 8 && n <= 16) {
        h = gb__word(s, 0) * 0x9E3779B97F4A7C15ULL ^
            gb__rotl31(gb__word(s, n - 8) * 0xC4CEB9FE1A85EC53ULL);
    } else if (n > 16 && n <= 32) {
        h = (gb__word(s, 0) * 0x9E3779B97F4A7C15ULL ^ gb__word(s, n - 16) * 0xD6E8FEB86659FD93ULL) ^
            gb__rotl31(gb__word(s, 8) * 0xC4CEB9FE1A85EC53ULL ^
                       gb__word(s, n - 8) * 0xFF51AFD7ED558CCDULL);
    } else if (n >= 4 && n < 8) {
        guint32 a, b;
        memcpy(&a, s, 4);
        memcpy(&b, s + n - 4, 4);
        h = ((guint64)a << 32 | b) * 0x9E3779B97F4A7C15ULL;
    } else if (n < 4) {
        guint64 v = n == 0 ? 0
                           : (guchar)s[0] | (guint64)(guchar)s[n / 2] << 8 |
                                 (guint64)(guchar)s[n - 1] << 16;
        h = v * 0x9E3779B97F4A7C15ULL;
    } else {
        h = (guint64)n * 0x9E3779B97F4A7C15ULL;
        gsize i = 0;
        for (; i + 8 <= n; i += 8) {
            h = (h ^ gb__word(s, i)) * 0xFF51AFD7ED558CCDULL;
            h ^= h >> 29;
        }
        if (i < n)
            h = (h ^ gb__word(s, n - 8)) * 0xC4CEB9FE1A85EC53ULL;
    }
    h ^= (guint64)n;
    h ^= h >> 32;
    h *= 0xFF51AFD7ED558CCDULL;
    return h ^ (h >> 29);
}

GbMemo *
gb__memo_new(void)
{
    GbMemo *m = g_new0(GbMemo, 1);
    m->mask = 63;
    m->slots = g_new0(GbMemoSlot, m->mask + 1);
    m->cap = 1024;
    m->bytes = g_malloc(m->cap);
    m->used = GB__MEMO_FIRST;
    return m;
}

void
gb__memo_free(GbMemo *m)
{
    if (m == NULL)
        return;
    g_free(m->slots);
    g_free(m->bytes);
    g_free(m);
}

void
gb__memo_clear(GbMemo *m)
{
    memset(m->slots, 0, (m->mask + 1) * sizeof *m->slots);
    m->n = 0;
    m->used = GB__MEMO_FIRST;
}

/* gb__memo_get with the key's hash h already made (gb__memo_hash). */
static int
gb__memo_get_hashed(const GbMemo *m, guint64 h, const char *s, gsize len)
{
    if (len > G_MAXUINT16)
        return -1;
    guint16 tag = (guint16)(h >> 48);
    for (guint i = (guint)(h >> 20) & m->mask;; i = (i + 1) & m->mask) {
        const GbMemoSlot *sl = &m->slots[i];
        if (sl->off == 0)
            return -1;
        const char *e = m->bytes + sl->off;
        if (sl->tag == tag && sl->len == len && gb__memo_same(e + sizeof(gint32), s, len)) {
            gint32 value;
            memcpy(&value, e, sizeof value);
            return value;
        }
    }
}

int
gb__memo_get(const GbMemo *m, const char *s, gsize len)
{
    if (len > G_MAXUINT16)
        return -1;
    return gb__memo_get_hashed(m, gb__memo_hash(s, len), s, len);
}

/* Places a slot for an entry whose hash is h. */
static void
gb__memo_place(GbMemo *m, guint64 h, guint32 off, guint16 len)
{
    guint i = (guint)(h >> 20) & m->mask;
    while (m->slots[i].off != 0)
        i = (i + 1) & m->mask;
    m->slots[i] = (GbMemoSlot){.off = off, .tag = (guint16)(h >> 48), .len = len};
}

void
gb__memo_put(GbMemo *m, const char *s, gsize len, int value)
{
    if (m->n >= GB__MEMO_CAP || len > G_MAXUINT16 || m->used + sizeof(gint32) + len > G_MAXUINT32)
        return;
    if ((m->n + 1) * 4 > (m->mask + 1) * 3) { /* over 3/4 full: twice the slots */
        GbMemoSlot *old = m->slots;
        guint nold = m->mask + 1;
        m->mask = 2 * nold - 1;
        /* Cleared by a write, not calloc's fresh pages: those are mapped to
         * the zero page by the first lookup's read and replaced at the first
         * put, with a TLB flush to the other core each time. */
        m->slots = g_new(GbMemoSlot, m->mask + 1);
        memset(m->slots, 0, (m->mask + 1) * sizeof *m->slots);
        for (guint i = 0; i < nold; i++)
            if (old[i].off != 0)
                gb__memo_place(m, gb__memo_hash(m->bytes + old[i].off + sizeof(gint32), old[i].len),
                               old[i].off, old[i].len);
        g_free(old);
    }
    gsize need = m->used + sizeof(gint32) + len;
    if (need > m->cap) {
        while (need > m->cap)
            m->cap *= 2;
        m->bytes = g_realloc(m->bytes, m->cap);
    }
    guint32 off = (guint32)m->used;
    gint32 v = value;
    memcpy(m->bytes + off, &v, sizeof v);
    memcpy(m->bytes + off + sizeof v, s, len);
    m->used = need;
    m->n++;
    gb__memo_place(m, gb__memo_hash(s, len), off, (guint16)len);
}

/* The origin id of rows from source (gb_table_intern_origin), remembered by
 * its key (the memo's ids are the table's, or in a worker's part ids local to
 * the part, interned when the part is merged). */
guint32
gb__origin(GbFileLoad *fl, const char *source, gboolean is_file, int kind, const char *group)
{
    return gb__origin_len(fl, source, strlen(source), is_file, kind, group);
}

guint32
gb__origin_len(GbFileLoad *fl, const char *source, gsize len, gboolean is_file, int kind,
               const char *group)
{
    GbLoadPart *p = fl->part;
    const char *key = source;
    gsize klen = len;
    /* A source column's text is its key, one memo per kind; other origins
     * (a file's, a group's) have a key of their own. */
    guint m = (guint)kind < GB__ORIGIN_KINDS ? (guint)kind : 0;
    if (is_file || group != NULL || (guint)kind >= GB__ORIGIN_KINDS) {
        GString *k = fl->origin_key;
        g_string_truncate(k, 0);
        g_string_append_c(k, (char)('0' + kind));
        g_string_append_c(k, is_file ? 'f' : 's');
        if (group != NULL)
            g_string_append(k, group);
        g_string_append_c(k, '\x1f');
        g_string_append_len(k, source, (gssize)len);
        key = k->str;
        klen = k->len;
        m = GB__ORIGIN_KINDS;
    }
    GbMemo *memo = p != NULL ? p->origin_ids[m] : fl->memo_origin[m];
    int id = gb__memo_get(memo, key, klen);
    if (id >= 0)
        return p != NULL ? GB__PART_ORIGIN | (guint32)id : (guint32)id;
    if (p == NULL) {
        id = (int)gb_table_intern_origin(fl->t, source, is_file, kind, group);
        gb__memo_put(memo, key, klen, id);
        return (guint32)id;
    }
    GbPartOrigin o = {.source = g_string_chunk_insert(p->text, source),
                      .group = group != NULL ? g_string_chunk_insert(p->text, group) : NULL,
                      .is_file = is_file,
                      .kind = kind,
                      .event = p->nevents};
    g_array_append_val(p->origins, o);
    id = (int)p->origins->len - 1;
    gb__memo_put(memo, key, klen, id);
    return GB__PART_ORIGIN | (guint32)id;
}

/* The header a column spec names in messages: its first alternative. */
char *
gb__spec_name(const char *spec, const char *dflt)
{
    if (spec == NULL)
        return g_strdup(dflt);
    const char *bar = strchr(spec, '|');
    return bar != NULL ? g_strndup(spec, (gsize)(bar - spec)) : g_strdup(spec);
}
/* Resolves the authority of a record for year/date. Returns -1 after rejecting. */
int
gb__authority(GbFileLoad *fl, const GbCsvRecord *rec, int col, int year, guint32 date)
{
    const GbRef *ref = fl->l->ref;
    const char *s = rec->fields[col];
    int a = gb__memo_get(fl->memo_authority, s, rec->lens[col]);
    if (a >= 0 && (a & GB__ALWAYS)) /* existed in every year: no need to look */
        return a & ~GB__ALWAYS;
    if (a < 0) {
        gboolean unique;
        a = gb_ref_find_authority(ref, s, rec->lens[col], year, date, fl->scratch, &unique);
        if (a >= 0 && unique) {
            const GbAuthority *au = gb_ref_authority(ref, a);
            gb__memo_put(fl->memo_authority, s, rec->lens[col],
                         a | (au->from == 0 && au->to == 0 ? GB__ALWAYS : 0));
        }
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

int
gb__grade(GbFileLoad *fl, const GbCsvRecord *rec, int col, int regime, const char *field)
{
    GbSmallMemo *small =
        regime < (int)G_N_ELEMENTS(fl->small_grade) ? &fl->small_grade[regime] : NULL;
    int g = small != NULL ? gb__small_scan(small, regime, rec->fields[col], rec->lens[col]) : -1;
    if (g >= 0)
        return g;
    GbMemo *memo = regime < (int)G_N_ELEMENTS(fl->memo_grade) ? fl->memo_grade[regime] : NULL;
    g = memo != NULL ? gb__memo_get(memo, rec->fields[col], rec->lens[col]) : -1;
    if (g >= 0)
        return g;
    g = gb_ref_find_grade(fl->l->ref, regime, rec->fields[col], rec->lens[col], fl->scratch);
    if (g >= 0 && small != NULL)
        gb__small_put(small, regime, rec->fields[col], rec->lens[col], g);
    if (g >= 0 && memo != NULL)
        gb__memo_put(memo, rec->fields[col], rec->lens[col], g);
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

/* The memos, scratch strings and diag of one thread's loading. */
void
gb__load_init(GbFileLoad *fl)
{
    fl->part = NULL;
    fl->diag = (GbDiag){0};
    fl->scratch = g_string_new(NULL);
    fl->msg = g_string_new(NULL);
    fl->small_regime.n = 0;
    for (guint i = 0; i < G_N_ELEMENTS(fl->small_grade); i++)
        fl->small_judgement[i].n = fl->small_grade[i].n = 0;
    fl->memo_authority = gb__memo_new();
    for (guint i = 0; i <= GB__ORIGIN_KINDS; i++)
        fl->memo_origin[i] = gb__memo_new();
    fl->origin_key = g_string_new(NULL);
    for (guint i = 0; i < G_N_ELEMENTS(fl->memo_grade); i++)
        fl->memo_grade[i] = i < fl->l->ref->regimes->len ? gb__memo_new() : NULL;
}

void
gb__load_clear(GbFileLoad *fl)
{
    gb_diag_clear(&fl->diag);
    g_string_free(fl->scratch, TRUE);
    g_string_free(fl->msg, TRUE);
    gb__memo_free(fl->memo_authority);
    for (guint i = 0; i <= GB__ORIGIN_KINDS; i++)
        gb__memo_free(fl->memo_origin[i]);
    g_string_free(fl->origin_key, TRUE);
    for (guint i = 0; i < G_N_ELEMENTS(fl->memo_grade); i++)
        gb__memo_free(fl->memo_grade[i]);
}
