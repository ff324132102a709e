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

/* Hashes a memo key eight bytes at a time (g_str_hash takes a byte per step,
 * and a field of every record is looked up). */
static guint
gb__memo_hash(gconstpointer key)
{
    const char *s = key;
    gsize n = strlen(s), i = 0;
    guint64 h = (guint64)n * 0x9E3779B97F4A7C15ULL, v;
    for (; i + 8 <= n; i += 8) {
        memcpy(&v, s + i, 8);
        h = (h ^ v) * 0xFF51AFD7ED558CCDULL;
        h ^= h >> 29;
    }
    if (i < n) {
        v = 0;
        memcpy(&v, s + i, n - i);
        h = (h ^ v) * 0xC4CEB9FE1A85EC53ULL;
    }
    h ^= h >> 32;
    return (guint)h;
}

GHashTable *
gb__memo_new(void)
{
    return g_hash_table_new(gb__memo_hash, g_str_equal);
}

/* A memo is a set of keys, each stored with its value in the four bytes before
 * it: a hit reads the value beside the key it has just compared, and the table
 * keeps no array of values (GLib's sets share the keys' array). */
static int
gb__memo_get(GHashTable *memo, const char *raw)
{
    const char *key = g_hash_table_lookup(memo, raw);
    if (key == NULL)
        return -1;
    gint32 value;
    memcpy(&value, key - sizeof value, sizeof value);
    return value;
}

/* The memos' keys live side by side in one chunk: a lookup's key comparison
 * then mostly finds them in cache, where a malloc each scattered them. */
static void
gb__memo_put(GHashTable *memo, GStringChunk *keys, const char *raw, int value)
{
    if (g_hash_table_size(memo) >= GB__MEMO_CAP)
        return;
    gsize n = strlen(raw);
    char small[256];
    char *buf = n + 4 <= sizeof small ? small : g_malloc(n + 4);
    gint32 v = value;
    memcpy(buf, &v, sizeof v);
    memcpy(buf + sizeof v, raw, n);
    char *key = g_string_chunk_insert_len(keys, buf, (gssize)(n + sizeof v)) + sizeof v;
    g_hash_table_add(memo, key);
    if (buf != small)
        g_free(buf);
}
/* The origin id of rows from source (gb_table_intern_origin), remembered by
 * its key (the memo's ids are the table's, or in a worker's part ids local to
 * the part, interned when the part is merged). */
guint32
gb__origin(GbFileLoad *fl, const char *source, gboolean is_file, int kind, const char *group)
{
    GbLoadPart *p = fl->part;
    const char *key = source;
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
        g_string_append(k, source);
        key = k->str;
        m = GB__ORIGIN_KINDS;
    }
    GHashTable *memo = p != NULL ? p->origin_ids[m] : fl->memo_origin[m];
    int id = gb__memo_get(memo, key);
    if (id >= 0)
        return p != NULL ? GB__PART_ORIGIN | (guint32)id : (guint32)id;
    if (p == NULL) {
        id = (int)gb_table_intern_origin(fl->t, source, is_file, kind, group);
        gb__memo_put(memo, fl->memo_keys, key, id);
        return (guint32)id;
    }
    GbPartOrigin o = {.source = g_string_chunk_insert(p->text, source),
                      .group = group != NULL ? g_string_chunk_insert(p->text, group) : NULL,
                      .is_file = is_file,
                      .kind = kind,
                      .event = p->nevents};
    g_array_append_val(p->origins, o);
    id = (int)p->origins->len - 1;
    gb__memo_put(memo, p->text, key, id);
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
    int a = gb__memo_get(fl->memo_authority, s);
    if (a >= 0 && (a & GB__ALWAYS)) /* existed in every year: no need to look */
        return a & ~GB__ALWAYS;
    if (a < 0) {
        gboolean unique;
        a = gb_ref_find_authority(ref, s, rec->lens[col], year, date, fl->scratch, &unique);
        if (a >= 0 && unique) {
            const GbAuthority *au = gb_ref_authority(ref, a);
            gb__memo_put(fl->memo_authority, fl->memo_keys, s,
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
    int g = small != NULL ? gb__small_get(small, regime, rec->fields[col], rec->lens[col]) : -1;
    if (g >= 0)
        return g;
    GHashTable *memo = regime < (int)G_N_ELEMENTS(fl->memo_grade) ? fl->memo_grade[regime] : NULL;
    g = memo != NULL ? gb__memo_get(memo, rec->fields[col]) : -1;
    if (g >= 0)
        return g;
    g = gb_ref_find_grade(fl->l->ref, regime, rec->fields[col], rec->lens[col], fl->scratch);
    if (g >= 0 && small != NULL)
        gb__small_put(small, regime, rec->fields[col], rec->lens[col], g);
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

/* The memos, scratch strings and diag of one thread's loading. */
void
gb__load_init(GbFileLoad *fl)
{
    fl->part = NULL;
    fl->diag = (GbDiag){0};
    fl->scratch = g_string_new(NULL);
    fl->msg = g_string_new(NULL);
    fl->memo_keys = g_string_chunk_new(64 * 1024);
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
    g_hash_table_destroy(fl->memo_authority);
    for (guint i = 0; i <= GB__ORIGIN_KINDS; i++)
        g_hash_table_destroy(fl->memo_origin[i]);
    g_string_free(fl->origin_key, TRUE);
    for (guint i = 0; i < G_N_ELEMENTS(fl->memo_grade); i++)
        if (fl->memo_grade[i] != NULL)
            g_hash_table_destroy(fl->memo_grade[i]);
    g_string_chunk_free(fl->memo_keys);
}
