/* refauthority.c - authorities.csv: each authority's codes, names, aliases,
 * region, years and successors, checked so that no two authorities' names
 * differ only in punctuation; and looking authorities up by name, alias,
 * code or a council's long form, respecting reorganisations, with
 * suggestions for a name not found. */
#include "pipeline/refdata-private.h"

#include "pipeline/text.h"

#include <string.h>

/* The loose form of a name: its letters and digits, case-folded. Two names
 * of different authorities must not meet here unless they are the same name
 * (Dorset, used by two authorities in turn): "Barnet!" or "BARNET" beside
 * Barnet would pass for it. */
static void
gb__loose_key(const char *s, GString *out)
{
    gsize len = strlen(s), k = 0;
    g_string_set_size(out, len); /* the key is never longer than s */
    const char *a = s;
    for (; *a != '\0' && (guchar)*a < 0x80; a++) /* the common case: ASCII */
        if (g_ascii_isalnum(*a))
            out->str[k++] = *a >= 'A' && *a <= 'Z' ? (char)(*a - 'A' + 'a') : *a;
    g_string_truncate(out, k);
    if (*a == '\0')
        return;
    g_string_truncate(out, 0);
    char *folded = g_utf8_casefold(s, -1);
    for (const char *p = folded; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (g_unichar_isalnum(c))
            g_string_append_unichar(out, c);
    }
    g_free(folded);
}

typedef struct {
    int authority;
    guint64 line;
    const char *name; /* in ref->strings */
} GbLooseName;

void
gb__ref_loose_free(GbRef *ref)
{
    if (ref->loose_names == NULL)
        return;
    g_hash_table_destroy(ref->loose_names);
    g_string_chunk_free(ref->loose_keys);
    g_array_free(ref->loose_items, TRUE);
    g_string_free(ref->loose_scratch, TRUE);
    ref->loose_names = NULL;
}

/* Fails when name (of authority i, on line) looks like another authority's
 * name without being it. */
static gboolean
gb__check_loose(GbRef *ref, const GbCsvRecord *rec, guint field, const char *name, int i,
                GbDiag *diag)
{
    GString *key = ref->loose_scratch;
    gb__loose_key(name, key);
    gboolean ok = TRUE;
    guint at = key->len ? GPOINTER_TO_UINT(g_hash_table_lookup(ref->loose_names, key->str)) : 0;
    const GbLooseName *had = at ? &g_array_index(ref->loose_items, GbLooseName, at - 1) : NULL;
    if (had == NULL && key->len > 0) {
        GbLooseName n = {.authority = i, .line = rec->line, .name = name};
        g_array_append_val(ref->loose_items, n);
        g_hash_table_insert(ref->loose_names,
                            g_string_chunk_insert_len(ref->loose_keys, key->str, (gssize)key->len),
                            GUINT_TO_POINTER(ref->loose_items->len));
    } else if (had != NULL && had->authority != i && strcmp(had->name, name) != 0) {
        GString *msg = g_string_new(NULL);
        gb_text_append_quoted(msg, name, strlen(name));
        g_string_append(msg, " differs only in case, spaces or punctuation from ");
        gb_text_append_quoted(msg, had->name, strlen(had->name));
        g_string_append_printf(msg,
                               ", a name of %s (line %" G_GUINT64_FORMAT "); names of two "
                               "authorities must differ in their letters or digits",
                               gb_ref_authority(ref, had->authority)->name, had->line);
        gb_csv_diag_field(rec, field, diag, "%s", msg->str);
        g_string_free(msg, TRUE);
        ok = FALSE;
    }
    return ok;
}

/* Most keys name one authority: the value is its index + 1. The few names two
 * authorities have used (Dorset) map to -1 and list them in auth_shared. */
static void
gb__index_authority(GbRef *ref, const char *name, int i)
{
    GString *key = ref->scratch;
    gb_text_key(name, strlen(name), key);
    gpointer had;
    if (!g_hash_table_lookup_extended(ref->auth_by_key, key->str, NULL, &had)) {
        g_hash_table_insert(ref->auth_by_key,
                            g_string_chunk_insert_len(ref->strings, key->str, (gssize)key->len),
                            GINT_TO_POINTER(i + 1));
        return;
    }
    int was = GPOINTER_TO_INT(had) - 1;
    if (was == i)
        return;
    GArray *list = g_hash_table_lookup(ref->auth_shared, key->str);
    if (list == NULL) {
        list = g_array_new(FALSE, FALSE, sizeof(int));
        g_array_append_val(list, was);
        char *shared = g_string_chunk_insert_len(ref->strings, key->str, (gssize)key->len);
        g_hash_table_insert(ref->auth_shared, shared, list);
        g_hash_table_insert(ref->auth_by_key, shared, GINT_TO_POINTER(0));
    }
    for (guint k = 0; k < list->len; k++)
        if (g_array_index(list, int, k) == i)
            return;
    g_array_append_val(list, i);
}

static gboolean
gb__parse_optional_date(const char *s, guint32 *ymd)
{
    *ymd = 0;
    return *s == '\0' || gb_text_parse_date(s, ymd);
}

/* authorities.csv */
enum { A_CODE, A_NAME, A_ONS, A_ALIASES, A_REGION, A_FROM, A_TO, A_SUCC, A_N };
static const GbColumnSpec gb__authority_cols[A_N] = {
    {"code", TRUE},   {"name", TRUE},        {"ons_codes", TRUE}, {"aliases", TRUE},
    {"region", TRUE}, {"active_from", TRUE}, {"active_to", TRUE}, {"successors", TRUE},
};

static GbStatus
gb__authority_row(GbRef *ref, const GbCsvRecord *rec, const int *idx, GbDiag *diag)
{
    GbAuthority a = {0};
    const char *code = gb__ref_field(rec, idx, A_CODE), *name = gb__ref_field(rec, idx, A_NAME);
    if (*code == '\0' || *name == '\0') {
        gb_csv_diag_field(rec, (guint)idx[*code == '\0' ? A_CODE : A_NAME], diag,
                          "empty required field");
        return GB_DATA;
    }
    /* The code is indexed first, with the index the authority is about to
     * take: a code already there is a duplicate (one hash, not two; any
     * failure from here on fails the whole load). */
    a.code = g_string_chunk_insert(ref->strings, code);
    if (!g_hash_table_insert(ref->auth_by_code, a.code,
                             GINT_TO_POINTER((int)ref->authorities->len + 1))) {
        gb_csv_diag_field(rec, (guint)idx[A_CODE], diag, "duplicate authority code %s", code);
        return GB_DATA;
    }
    if (ref->authorities->len >= G_MAXUINT16) {
        gb_csv_diag_field(rec, (guint)idx[A_CODE], diag, "more than %d authorities (the limit)",
                          G_MAXUINT16);
        return GB_DATA;
    }
    if (!gb__parse_optional_date(gb__ref_field(rec, idx, A_FROM), &a.from) ||
        !gb__parse_optional_date(gb__ref_field(rec, idx, A_TO), &a.to)) {
        gb_csv_diag_field(rec, (guint)idx[A_FROM], diag,
                          "active_from/active_to must be "
                          "YYYY-MM-DD or empty");
        return GB_DATA;
    }
    const char *region = gb__ref_field(rec, idx, A_REGION);
    a.region = -1;
    for (guint i = 0; i < ref->regions->len; i++)
        if (strcmp(g_ptr_array_index(ref->regions, i), region) == 0)
            a.region = (int)i;
    if (a.region < 0) {
        g_ptr_array_add(ref->regions, g_strdup(region));
        a.region = (int)ref->regions->len - 1;
    }
    a.name = g_string_chunk_insert(ref->strings, name);
    a.ons = g_ptr_array_new();
    a.aliases = g_ptr_array_new();
    gb__ref_split_into(a.ons, ref->strings, gb__ref_field(rec, idx, A_ONS));
    gb__ref_split_into(a.aliases, ref->strings, gb__ref_field(rec, idx, A_ALIASES));
    /* Successor codes are resolved once every authority is loaded; most
     * authorities have none (NULL: no copy, nothing to split), and share one
     * empty list (a list each was 22,000 allocations for a large register). */
    const char *succ = gb__ref_field(rec, idx, A_SUCC);
    a.successors = g_array_ref(ref->no_successors);
    g_ptr_array_add(ref->pending_successors, *succ != '\0' ? g_strdup(succ) : NULL);
    for (int k = 0; k < 10; k++)
        a.neighbours[k] = -1;
    a.tile_q = a.tile_r = -1;
    g_array_append_val(ref->authorities, a);
    int i = (int)ref->authorities->len - 1;
    gb__index_authority(ref, a.code, i);
    gb__index_authority(ref, a.name, i);
    for (guint k = 0; k < a.ons->len; k++)
        gb__index_authority(ref, g_ptr_array_index(a.ons, k), i);
    for (guint k = 0; k < a.aliases->len; k++)
        gb__index_authority(ref, g_ptr_array_index(a.aliases, k), i);
    if (!gb__check_loose(ref, rec, (guint)idx[A_NAME], a.name, i, diag))
        return GB_DATA;
    for (guint k = 0; k < a.aliases->len; k++)
        if (!gb__check_loose(ref, rec, (guint)idx[A_ALIASES], g_ptr_array_index(a.aliases, k), i,
                             diag))
            return GB_DATA;
    return GB_OK;
}

int
gb__ref_authority_by_code(const GbRef *ref, const char *code)
{
    return GPOINTER_TO_INT(g_hash_table_lookup(ref->auth_by_code, code)) - 1;
}

GbStatus
gb__ref_load_authorities(GbRef *ref, GbDiag *diag)
{
    ref->loose_names = g_hash_table_new(gb__ref_str_hash, g_str_equal);
    ref->loose_keys = g_string_chunk_new(16 * 1024);
    ref->loose_items = g_array_new(FALSE, FALSE, sizeof(GbLooseName));
    ref->loose_scratch = g_string_new(NULL);
    return gb__ref_load_table(ref, "authorities.csv", gb__authority_cols, A_N, gb__authority_row,
                              diag);
}

GbStatus
gb__ref_resolve_successors(GbRef *ref, GbDiag *diag)
{
    GbStatus status = GB_OK;
    for (guint i = 0; i < ref->authorities->len && status == GB_OK; i++) {
        const char *pending = g_ptr_array_index(ref->pending_successors, i);
        if (pending == NULL)
            continue;
        GbAuthority *a = &g_array_index(ref->authorities, GbAuthority, i);
        g_array_unref(a->successors); /* the shared empty list: a list of its own */
        a->successors = g_array_new(FALSE, FALSE, sizeof(int));
        GPtrArray *codes = g_ptr_array_new();
        gb__ref_split_into(codes, ref->strings, pending);
        for (guint k = 0; k < codes->len && status == GB_OK; k++) {
            int s = gb__ref_authority_by_code(ref, g_ptr_array_index(codes, k));
            if (s < 0) {
                gb_diag_set(diag, "authorities.csv", 0, 0, "%s: unknown successor code '%s'",
                            a->name, (char *)g_ptr_array_index(codes, k));
                status = GB_DATA;
            }
            g_array_append_val(a->successors, s);
        }
        g_ptr_array_free(codes, TRUE);
    }
    return status;
}

gboolean
gb_ref_active_on(const GbAuthority *a, guint32 ymd)
{
    return (a->from == 0 || a->from <= ymd) && (a->to == 0 || ymd < a->to);
}

gboolean
gb_ref_active_in(const GbAuthority *a, int year)
{
    guint32 first = (guint32)year * 10000 + 101, last = (guint32)year * 10000 + 1231;
    return (a->from == 0 || a->from <= last) && (a->to == 0 || first < a->to);
}

void
gb_ref_active_years(const GbAuthority *a, int *first, int *last)
{
    /* gb_ref_active_in's rule solved for the year: from <= Y-12-31 holds from
     * from's own year on; Y-01-01 < to up to to's year, or the year before
     * when to is 1 January. */
    *first = a->from == 0 ? G_MININT : (int)(a->from / 10000);
    *last = a->to == 0 ? G_MAXINT : (int)(a->to / 10000) - (a->to % 10000 <= 101 ? 1 : 0);
}

/* The long forms councils use for their own names, accepted by rule for
 * every authority: "London Borough of Barnet", "Leeds City Council". Keys. */
static const char *const gb__long_prefixes[] = {
    "london borough of ",
    "royal borough of ",
    "metropolitan borough of ",
    "borough of ",
    "city of ",
    "county of ",
    "the ",
};
static const char *const gb__long_suffixes[] = {
    " metropolitan borough council",
    " borough council",
    " city council",
    " county council",
    " district council",
    " council",
};

/* Strips one long-form prefix and one suffix from the key in place; FALSE
 * when it has neither. */
static gboolean
gb__strip_long_form(GString *key)
{
    gboolean stripped = FALSE;
    for (gsize i = 0; i < G_N_ELEMENTS(gb__long_prefixes); i++) {
        gsize n = strlen(gb__long_prefixes[i]);
        if (key->len > n && strncmp(key->str, gb__long_prefixes[i], n) == 0) {
            g_string_erase(key, 0, (gssize)n);
            stripped = TRUE;
            break;
        }
    }
    for (gsize i = 0; i < G_N_ELEMENTS(gb__long_suffixes); i++) {
        gsize n = strlen(gb__long_suffixes[i]);
        if (key->len > n && strcmp(key->str + key->len - n, gb__long_suffixes[i]) == 0) {
            g_string_truncate(key, key->len - n);
            stripped = TRUE;
            break;
        }
    }
    return stripped;
}

int
gb_ref_find_authority(const GbRef *ref, const char *s, gsize len, int year, guint32 ymd,
                      GString *scratch, gboolean *unique)
{
    gb_text_key(s, len, scratch);
    gpointer v;
    if (unique != NULL)
        *unique = FALSE;
    if (!g_hash_table_lookup_extended(ref->auth_by_key, scratch->str, NULL, &v) &&
        (!gb__strip_long_form(scratch) ||
         !g_hash_table_lookup_extended(ref->auth_by_key, scratch->str, NULL, &v)))
        return -1;
    int one = GPOINTER_TO_INT(v) - 1;
    if (one >= 0) {
        if (unique != NULL)
            *unique = TRUE;
        return one;
    }
    GArray *list = g_hash_table_lookup(ref->auth_shared, scratch->str);
    for (guint k = 0; k < list->len; k++) {
        const GbAuthority *a = gb_ref_authority(ref, g_array_index(list, int, k));
        if (ymd != 0 ? gb_ref_active_on(a, ymd) : gb_ref_active_in(a, year))
            return g_array_index(list, int, k);
    }
    return g_array_index(list, int, 0);
}

static guint
gb__distance(const char *a, gsize la, const char *b, gsize lb, guint max)
{
    if (la > lb + max || lb > la + max)
        return max + 1;
    guint *row = g_new(guint, lb + 1);
    for (gsize j = 0; j <= lb; j++)
        row[j] = (guint)j;
    for (gsize i = 1; i <= la; i++) {
        guint diag = row[0], best = row[0] = (guint)i;
        for (gsize j = 1; j <= lb; j++) {
            guint up = row[j];
            guint v = MIN(MIN(row[j] + 1, row[j - 1] + 1), diag + (a[i - 1] != b[j - 1]));
            diag = up;
            row[j] = v;
            best = MIN(best, v);
        }
        if (best > max)
            break;
    }
    guint d = row[lb];
    g_free(row);
    return d;
}

guint
gb_ref_nearness(const char *query, const char *candidate)
{
    gsize lq = strlen(query), lc = strlen(candidate);
    guint max = 1 + (guint)lq / 4;
    guint d = gb__distance(query, lq, candidate, lc, max);
    /* A short form of the start ("herts" for Hertfordshire) is near too. */
    if (lc > lq && lq >= 3) {
        guint p = gb__distance(query, lq, candidate, lq, max) + 1;
        d = MIN(d, p);
    }
    return d <= max ? d : G_MAXUINT;
}

void
gb_ref_suggest_authority(const GbRef *ref, const char *s, GString *out)
{
    GString *key = g_string_new(NULL), *their = g_string_new(NULL);
    gb_text_key(s, strlen(s), key);
    gb__strip_long_form(key);
    guint best = G_MAXUINT;
    GArray *near = g_array_new(FALSE, FALSE, sizeof(int));
    for (guint i = 0; i < ref->authorities->len; i++) {
        const GbAuthority *a = gb_ref_authority(ref, (int)i);
        guint d = G_MAXUINT;
        gb_text_key(a->name, strlen(a->name), their);
        d = MIN(d, gb_ref_nearness(key->str, their->str));
        for (guint k = 0; k < a->aliases->len; k++) {
            const char *al = g_ptr_array_index(a->aliases, k);
            gb_text_key(al, strlen(al), their);
            d = MIN(d, gb_ref_nearness(key->str, their->str));
        }
        if (d == G_MAXUINT || d > best)
            continue;
        if (d < best)
            g_array_set_size(near, 0);
        best = d;
        int ai = (int)i;
        /* One name once (Dorset is two authorities) */
        gboolean dup = FALSE;
        for (guint k = 0; k < near->len; k++)
            dup = dup ||
                  strcmp(gb_ref_authority(ref, g_array_index(near, int, k))->name, a->name) == 0;
        if (!dup)
            g_array_append_val(near, ai);
    }
    for (guint k = 0; k < near->len && k < 3; k++)
        g_string_append_printf(out, "%s%s",
                               k == 0                         ? "did you mean "
                               : k + 1 == near->len || k == 2 ? " or "
                                                              : ", ",
                               gb_ref_authority(ref, g_array_index(near, int, k))->name);
    if (near->len > 0)
        g_string_append_c(out, '?');
    g_array_free(near, TRUE);
    g_string_free(key, TRUE);
    g_string_free(their, TRUE);
}

char *
gb_ref_unknown_authority(const GbRef *ref, const char *s)
{
    GString *msg = g_string_new("unknown authority ");
    gb_text_append_quoted(msg, s, strlen(s));
    GString *near = g_string_new(NULL);
    gb_ref_suggest_authority(ref, s, near);
    if (near->len > 0)
        g_string_append_printf(msg, "; %s", near->str);
    else
        g_string_append(msg, "; use a name, alias, ONS or DfE code from authorities.csv");
    g_string_free(near, TRUE);
    return g_string_free(msg, FALSE);
}
