/* sheetods.c - .ods workbooks: every sheet of content.xml streamed as rows
 * through libxml2's SAX2 push parser, table:number-columns-repeated and
 * table:number-rows-repeated counted, not materialised; the filter that passes
 * unwanted sheets by before libxml2 parses them; and, for a large content.xml,
 * the inflating done on a second thread. */
#define _POSIX_C_SOURCE 200809L /* pread, O_CLOEXEC */
#include "pipeline/sheet-private.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <isa-l/crc.h>
#include <isa-l/igzip_lib.h>
#include <string.h>
#include <unistd.h>
#include <unzip.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

#define GB__NS_TABLE "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
#define GB__NS_OFFICE "urn:oasis:names:tc:opendocument:xmlns:office:1.0"

/* ---- passing ODS sheets by before the parser sees them ----
 *
 * An .ods keeps every sheet in one content.xml; most of the 2023 workbook's
 * 39 MB are sheets about providers that no profile reads. Rather than have
 * libxml2 parse them only to be ignored, the bytes are filtered on their way
 * in: a tag-level scanner (quotes, comments, CDATA and processing instructions
 * respected; text cannot hold '<' in well-formed XML) finds each sheet's start
 * tag, asks how many rows of it are wanted, and once that many top-level rows
 * have ended drops everything up to the sheet's own end tag. The parser then
 * sees a well-formed, shorter sheet. The cut is made only after a row's end,
 * outside any row group or nested table; with a document that does not bind
 * the "table" prefix to the ODF table namespace, nothing is cut. */

typedef guint64 (*GbKeepRowsFn)(const char *sheet, gpointer user);
typedef void (*GbFeedFn)(gpointer ctx, const guint8 *p, gsize n);

typedef struct {
    GbKeepRowsFn keep;
    gpointer user;
    GbFeedFn feed; /* where the bytes that go through go */
    gpointer feed_ctx;
    gboolean checked_root, enabled, drop, in_table;
    gboolean office; /* the root binds "office" to the ODF office namespace */
    guint nested, group;
    guint styles; /* > 0: in office:automatic-styles (how deep in ones of that name), dropped */
    guint64 rows, keep_rows;
    gsize span_start, span_end; /* bytes of this chunk going through, not yet fed */
} GbSkipper;

static gboolean
gb__has_prefix(const guint8 *p, gsize n, const char *lit)
{
    gsize k = strlen(lit);
    return n >= k && memcmp(p, lit, k) == 0;
}

/* Whether the tag at p (n bytes, '<' to '>') names element `name` exactly. */
static gboolean
gb__tag_is(const guint8 *p, gsize n, const char *name)
{
    gsize k = strlen(name);
    if (n < k + 2 || memcmp(p + 1, name, k) != 0)
        return FALSE;
    guint8 c = p[1 + k];
    return c == ' ' || c == '>' || c == '/' || c == '\t' || c == '\n' || c == '\r';
}

/* The end of the tag starting at p[0] == '<', or 0 when it is not complete. */
static gsize
gb__tag_end(const guint8 *p, gsize n)
{
    const char *close = NULL;
    gsize from = 1;
    if (gb__has_prefix(p, n, "<!--"))
        close = "-->", from = 4;
    else if (gb__has_prefix(p, n, "<![CDATA["))
        close = "]]>", from = 9;
    else if (gb__has_prefix(p, n, "<?"))
        close = "?>", from = 2;
    if (close != NULL) {
        gsize k = strlen(close);
        for (gsize i = from; i + k <= n; i++)
            if (memcmp(p + i, close, k) == 0)
                return i + k;
        return 0;
    }
    guint8 quote = 0;
    for (gsize i = 1; i < n; i++) {
        if (quote != 0) {
            if (p[i] == quote)
                quote = 0;
        } else if (p[i] == '"' || p[i] == '\'') {
            quote = p[i];
        } else if (p[i] == '>') {
            return i + 1;
        }
    }
    return 0;
}

/* The table:name of a sheet's start tag, with the five XML entities decoded. */
static char *
gb__tag_sheet_name(const guint8 *p, gsize n)
{
    const char *key = "table:name=";
    gsize k = strlen(key);
    for (gsize i = 0; i + k + 1 < n; i++) {
        if (memcmp(p + i, key, k) != 0 || (p[i + k] != '"' && p[i + k] != '\''))
            continue;
        guint8 q = p[i + k];
        GString *name = g_string_new(NULL);
        for (gsize j = i + k + 1; j < n && p[j] != q; j++) {
            static const char *const ents[][2] = {
                {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}};
            gboolean done = FALSE;
            for (gsize e = 0; e < G_N_ELEMENTS(ents) && !done; e++)
                if (gb__has_prefix(p + j, n - j, ents[e][0])) {
                    g_string_append(name, ents[e][1]);
                    j += strlen(ents[e][0]) - 1;
                    done = TRUE;
                }
            if (!done)
                g_string_append_c(name, (char)p[j]);
        }
        return g_string_free(name, FALSE);
    }
    return g_strdup("");
}

/* Scans a complete tag: updates the state and says whether it goes through. */
static gboolean
gb__skip_tag(GbSkipper *sk, const guint8 *p, gsize n)
{
    if (!sk->checked_root && gb__tag_is(p, n, "office:document-content")) {
        sk->checked_root = TRUE;
        sk->enabled =
            g_strstr_len((const char *)p, (gssize)n, "xmlns:table=\"" GB__NS_TABLE "\"") != NULL;
        sk->office =
            g_strstr_len((const char *)p, (gssize)n, "xmlns:office=\"" GB__NS_OFFICE "\"") != NULL;
    }
    /* n is 1 for a lone '<' at the end of a broken file: passed on for the parser to report. */
    if (n < 2 || !sk->enabled || p[1] == '!' || p[1] == '?')
        return !sk->drop;
    gboolean end = p[1] == '/', empty = n >= 2 && p[n - 2] == '/';
    const guint8 *q = end ? p + 1 : p;
    gsize qn = end ? n - 1 : n;
    /* The automatic styles before office:body (154 KB of the 2023 workbook's
     * content.xml, 41 KB of the 2025's) say how cells look, which no reader
     * asks: the element is dropped whole, start and end tags too, as a sheet's
     * rows past those wanted are. */
    if (sk->office && !sk->in_table && !empty && gb__tag_is(q, qn, "office:automatic-styles")) {
        if (!end && (sk->styles > 0 || !sk->drop)) {
            sk->styles++;
            sk->drop = TRUE;
            return FALSE;
        }
        if (end && sk->styles > 0) {
            if (--sk->styles == 0)
                sk->drop = FALSE;
            return FALSE;
        }
    }
    if (sk->styles > 0)
        return FALSE;
    if (gb__tag_is(q, qn, "table:table")) {
        if (end) {
            if (sk->nested > 0) {
                sk->nested--;
                return !sk->drop;
            }
            sk->in_table = FALSE;
            sk->drop = FALSE;
            return TRUE; /* the sheet's own end tag always goes through */
        }
        if (sk->in_table) {
            if (!empty)
                sk->nested++;
            return !sk->drop;
        }
        if (!empty) {
            char *name = gb__tag_sheet_name(p, n);
            sk->in_table = TRUE;
            sk->rows = 0;
            sk->group = 0;
            sk->keep_rows = sk->keep != NULL ? sk->keep(name, sk->user) : G_MAXUINT64;
            g_free(name);
        }
        return TRUE;
    }
    if (!sk->in_table || sk->drop || sk->nested > 0)
        return !sk->drop;
    if (gb__tag_is(q, qn, "table:table-header-rows") ||
        gb__tag_is(q, qn, "table:table-row-group") || gb__tag_is(q, qn, "table:table-rows")) {
        if (end && sk->group > 0)
            sk->group--;
        else if (!end && !empty)
            sk->group++;
        return TRUE;
    }
    if (gb__tag_is(q, qn, "table:table-row") && (end || empty) && sk->group == 0 &&
        ++sk->rows >= sk->keep_rows)
        sk->drop = TRUE; /* this end tag goes through; what follows does not */
    return TRUE;
}

/* Whether the tag at p (left bytes from its '<') is one the scanner must read
 * whole even where it passes tags by unread: a comment, CDATA, a processing
 * instruction, or a table:table start or end tag. */
static inline gboolean
gb__skip_delim(guint8 c)
{
    return c == ' ' || c == '>' || c == '/' || c == '\t' || c == '\n' || c == '\r';
}

static inline gboolean
gb__skip_special(const guint8 *p, gsize left)
{
    if (left < 2)
        return TRUE;
    switch (p[1]) {
    case '!':
    case '?':
        return TRUE;
    case 't': /* as gb__tag_is(p, left, "table:table"); a cell's tag has '-' at 12 */
        return left >= 13 && gb__skip_delim(p[12]) && memcmp(p + 1, "table:table", 11) == 0;
    case '/':
        return left >= 14 && gb__skip_delim(p[13]) && memcmp(p + 2, "table:table", 11) == 0;
    default:
        return FALSE;
    }
}

/* The first '<' in p[i..n) that starts a tag gb__skip_special names, or that
 * has fewer than 16 bytes after it when more input is to come; n when there is
 * none. Where SSE2 is there (every x86-64) sixteen '<' are sifted at once,
 * without a branch, by bytes every such tag has: '!' or '?' after it, or a 't'
 * with the ':' of "table:table" five on and no '-' at 12 (a cell's or a row's
 * tag has one), or a '/' with both one further. One '<' in 35 bytes of the
 * 2023 workbook's content.xml, 1.14 M of them, and 555 pass the sift (style
 * ends, database ranges, the sheets' own tags): a branch per '<' (on its next
 * byte) was mispredicted often enough to make this loop cost as much time as
 * inflating the file. */
#if defined(__x86_64__) && defined(__GNUC__)
#define GB__SIFT_AVX2 1
/* The sift of gb__skip_fast, 32 bytes at a time where the CPU has AVX2 (the
 * code is built for plain x86-64: this one function is compiled for AVX2 and
 * called only where __builtin_cpu_supports says so). Returns where it stopped:
 * a tag gb__skip_special names (*found set), or the first block without 16
 * bytes after each of its '<'. */
__attribute__((target("avx2"))) static gsize
gb__skip_sift_avx2(const guint8 *p, gsize i, gsize n, gboolean *found)
{
    const __m256i lt = _mm256_set1_epi8('<'), bang = _mm256_set1_epi8('!'),
                  qm = _mm256_set1_epi8('?'), t = _mm256_set1_epi8('t'),
                  slash = _mm256_set1_epi8('/'), colon = _mm256_set1_epi8(':'),
                  dash = _mm256_set1_epi8('-');
    for (; i + 48 <= n; i += 32) {
#define GB__AT(k) _mm256_loadu_si256((const __m256i *)(const void *)(p + i + (k)))
        __m256i v1 = GB__AT(1);
        __m256i other = _mm256_or_si256(_mm256_cmpeq_epi8(v1, bang), _mm256_cmpeq_epi8(v1, qm));
        __m256i start = _mm256_andnot_si256(
            _mm256_cmpeq_epi8(GB__AT(12), dash),
            _mm256_and_si256(_mm256_cmpeq_epi8(v1, t), _mm256_cmpeq_epi8(GB__AT(6), colon)));
        __m256i close = _mm256_andnot_si256(
            _mm256_cmpeq_epi8(GB__AT(13), dash),
            _mm256_and_si256(_mm256_cmpeq_epi8(v1, slash), _mm256_cmpeq_epi8(GB__AT(7), colon)));
        __m256i sift = _mm256_and_si256(_mm256_cmpeq_epi8(GB__AT(0), lt),
                                        _mm256_or_si256(other, _mm256_or_si256(start, close)));
#undef GB__AT
        for (unsigned m = (unsigned)_mm256_movemask_epi8(sift); m != 0; m &= m - 1) {
            gsize j = i + (gsize)__builtin_ctz(m);
            if (gb__skip_special(p + j, n - j)) {
                *found = TRUE;
                return j;
            }
        }
    }
    return i;
}
#endif

static gsize
gb__skip_fast(const guint8 *p, gsize i, gsize n, gboolean eof)
{
#ifdef GB__SIFT_AVX2
    if (__builtin_cpu_supports("avx2")) {
        gboolean found = FALSE;
        i = gb__skip_sift_avx2(p, i, n, &found);
        if (found)
            return i;
    }
#endif
#ifdef __SSE2__
    const __m128i lt = _mm_set1_epi8('<'), bang = _mm_set1_epi8('!'), qm = _mm_set1_epi8('?'),
                  t = _mm_set1_epi8('t'), slash = _mm_set1_epi8('/'), colon = _mm_set1_epi8(':'),
                  dash = _mm_set1_epi8('-');
    gsize end = n >= 32 ? n - 32 : 0; /* every '<' before it has 16 bytes after it */
    for (; i < end; i += 16) {
#define GB__AT(k) _mm_loadu_si128((const __m128i *)(const void *)(p + i + (k)))
        __m128i v1 = GB__AT(1);
        __m128i other = _mm_or_si128(_mm_cmpeq_epi8(v1, bang), _mm_cmpeq_epi8(v1, qm));
        __m128i start = _mm_andnot_si128(
            _mm_cmpeq_epi8(GB__AT(12), dash),
            _mm_and_si128(_mm_cmpeq_epi8(v1, t), _mm_cmpeq_epi8(GB__AT(6), colon)));
        __m128i close = _mm_andnot_si128(
            _mm_cmpeq_epi8(GB__AT(13), dash),
            _mm_and_si128(_mm_cmpeq_epi8(v1, slash), _mm_cmpeq_epi8(GB__AT(7), colon)));
        __m128i sift = _mm_and_si128(_mm_cmpeq_epi8(GB__AT(0), lt),
                                     _mm_or_si128(other, _mm_or_si128(start, close)));
#undef GB__AT
        for (unsigned m = (unsigned)_mm_movemask_epi8(sift); m != 0; m &= m - 1) {
            gsize j = i + (gsize)__builtin_ctz(m);
            if (gb__skip_special(p + j, n - j))
                return j;
        }
    }
#endif
    for (; i < n; i++)
        if (p[i] == '<' && ((n - i < 16 && !eof) || gb__skip_special(p + i, n - i)))
            return i;
    return n;
}

/* Hands bytes [a, b) of the chunk to the parser, joining runs that touch. */
static void
gb__skip_pass(GbSkipper *sk, const guint8 *p, gsize a, gsize b)
{
    if (a == b)
        return;
    if (sk->span_end == a && sk->span_end > sk->span_start) {
        sk->span_end = b;
        return;
    }
    if (sk->span_end > sk->span_start)
        sk->feed(sk->feed_ctx, p + sk->span_start, sk->span_end - sk->span_start);
    sk->span_start = a;
    sk->span_end = b;
}

/* Scans p[0..n): hands what goes through to sk->feed, in order, and returns
 * how many bytes were scanned; an incomplete tag at the end is left for the
 * next call (eof: there is no more). Only table:table tags, comments, CDATA and
 * PIs are read whole inside a sheet that is being dropped or kept whole; any
 * other tag there is passed by to the next '<', which well-formed XML never has
 * inside a tag or in text (and where it does, the parser fails at it, before
 * any byte the scanner treated differently). */
static gsize
gb__skip_scan(GbSkipper *sk, const guint8 *p, gsize n, gboolean eof)
{
    gsize i = 0;
    sk->span_start = sk->span_end = 0;
    while (i < n) {
        if (sk->enabled && sk->in_table && (sk->drop || sk->keep_rows == G_MAXUINT64)) {
            /* No row is counted here: only where the sheet ends matters. */
            gsize from = i;
            i = gb__skip_fast(p, i, n, eof);
            if (!sk->drop)
                gb__skip_pass(sk, p, from, i);
            if (i == n || (n - i < 16 && !eof))
                break;
        }
        if (p[i] != '<') {
            const guint8 *lt = memchr(p + i, '<', n - i);
            gsize stop = lt != NULL ? (gsize)(lt - p) : n;
            if (!sk->drop)
                gb__skip_pass(sk, p, i, stop);
            i = stop;
            continue;
        }
        gsize len = gb__tag_end(p + i, n - i);
        if (len == 0) {
            if (!eof)
                break;
            len = n - i; /* a broken tail: the parser will say so */
        }
        if (gb__skip_tag(sk, p + i, len))
            gb__skip_pass(sk, p, i, i + len);
        i += len;
    }
    if (sk->span_end > sk->span_start)
        sk->feed(sk->feed_ctx, p + sk->span_start, sk->span_end - sk->span_start);
    sk->span_start = sk->span_end = 0;
    return i;
}

/* ---- ODS ----
 *
 * content.xml goes through libxml2's SAX2 push parser: no tree, no node
 * objects. What the pull reader this replaced gave is kept, to the sheet named
 * in an error message: the filtered bytes are pushed in 512-byte pieces, as the
 * reader pushed them, and what the parser finds in a piece is queued as plain
 * events and acted on only once the piece (and those after it up to one that
 * starts an element, as the reader went on) parsed without error: libxml2's
 * first error drops what the reader had not yet given either. An element is
 * known by its local name (the sheet's also by the table namespace); an empty
 * element (<x/>) acts at once and has no end; a subtree passed by (a skipped
 * sheet, a cell's annotation) is not looked into; text is taken whole per run
 * of characters (a text node), and the error keeps the line of the innermost
 * open element, as the reader's locator gave it. */

#define GB__ODS_PIECE 512 /* the reader's CHUNK_SIZE */

typedef struct {
    const xmlChar *table, *row, *cell, *covered, *p, *s, *tab, *line_break, *annotation, *name,
        *value_type, *value, *date_value, *boolean_value, *rows_repeated, *cols_repeated, *c,
        *ns_table, *ns_text;
} GbOdsNames;

static guint64
gb__count_attr(const xmlChar *v)
{
    guint64 n = g_ascii_strtoull((const char *)v, NULL, 10);
    return n == 0 ? 1 : n;
}

typedef struct {
    guint8 type;
    guint64 repeat;
    char value[64]; /* office:value / date-value / boolean-value */
    gboolean has_value;
    int paragraphs;
} GbOdsCell;

enum { GB__EV_START, GB__EV_END, GB__EV_TEXT, GB__EV_CDATA, GB__EV_OTHER };

/* What an element is, from its names alone. */
enum {
    GB__K_OTHER,
    GB__K_UNNAMED,   /* an undeclared prefix: its name is "prefix:local" */
    GB__K_TABLE,     /* table:table in the table namespace */
    GB__K_TABLE_ANY, /* local name "table", another namespace */
    GB__K_ROW,
    GB__K_CELL,
    GB__K_COVERED,
    GB__K_ANNOTATION,
    GB__K_P,
    GB__K_S,
    GB__K_TAB,
    GB__K_LINE_BREAK,
};

typedef struct {
    guint8 type, kind;
    gboolean empty; /* END: of an element written <x/> */
    guint64 num;    /* START ROW: rows repeated; S: spaces */
    gsize off, len; /* TEXT, CDATA, START TABLE (name; len G_MAXSIZE: none): in text */
    GbOdsCell cell; /* START CELL, COVERED */
} GbOdsEvent;

typedef struct {
    GbRowBuild *rb;
    xmlParserCtxtPtr ctxt;
    GbOdsNames n;
    GbStatus status;
    GString *err;
    GArray *lines;          /* int: the line of each open element's start tag */
    guint depth;            /* the first depth lines are the open elements' */
    GArray *events;         /* GbOdsEvent: the first nevents parsed, not yet acted on */
    guint nevents;          /* (lines and events only grow: a callback only counts) */
    GString *text;          /* their text */
    gboolean piece_started; /* an element started in what is queued */
    /* acting on events */
    gboolean in_sheet, in_cell, cell_was_in; /* cell_was_in: in_cell before this cell */
    guint skip_depth;                        /* > 0: inside a subtree passed by */
    int started; /* GB__K_ROW / _CELL: what the last start did, for <x/> */
    guint64 row_repeat;
    GbOdsCell cell;
    int text_run;     /* GB__EV_TEXT / _CDATA: the run going on, else -1 */
    gboolean text_ok; /* whether the run is kept */
    GString *attr;    /* an attribute's value, made a C string */
    gboolean halted;
} GbOdsSax;

/* An attribute's (or namespace declaration's) value as a C string in st->attr,
 * with what the parser leaves for the tree builder undone: "&#38;" (an '&'). */
static const char *
gb__ods_attr_value(GbOdsSax *st, const xmlChar *v, const xmlChar *end)
{
    g_string_truncate(st->attr, 0);
    if (end == NULL)
        end = v + xmlStrlen(v);
    const xmlChar *amp;
    while ((amp = memchr(v, '&', (gsize)(end - v))) != NULL) {
        g_string_append_len(st->attr, (const char *)v, amp - v);
        g_string_append_c(st->attr, '&');
        v = end - amp >= 5 && memcmp(amp, "&#38;", 5) == 0 ? amp + 5 : amp + 1;
    }
    g_string_append_len(st->attr, (const char *)v, end - v);
    return st->attr->str;
}

/* Calls fn for each attribute as the reader's MoveToNextAttribute walked them:
 * namespace declarations first (named by their prefix, "xmlns" for the
 * default), then the attributes (one with an undeclared prefix has no local
 * name that can match). */
typedef void (*GbOdsAttrFn)(GbOdsSax *st, const xmlChar *ln, const xmlChar *v, const xmlChar *end,
                            gpointer user);

static void
gb__ods_each_attr(GbOdsSax *st, int nb_ns, const xmlChar **ns, int nb_attrs, const xmlChar **attrs,
                  GbOdsAttrFn fn, gpointer user)
{
    for (int i = 0; i < nb_ns; i++) {
        const xmlChar *prefix = ns[2 * i];
        fn(st, prefix != NULL ? prefix : BAD_CAST "xmlns", ns[2 * i + 1], NULL, user);
    }
    for (int i = 0; i < nb_attrs; i++) {
        const xmlChar **a = attrs + 5 * i;
        if (a[1] != NULL && a[2] == NULL)
            continue;
        fn(st, a[0], a[3], a[4], user);
    }
}

static void
gb__ods_row_attr(GbOdsSax *st, const xmlChar *ln, const xmlChar *v, const xmlChar *end,
                 gpointer user)
{
    if (ln == st->n.rows_repeated)
        *(guint64 *)user = gb__count_attr(BAD_CAST gb__ods_attr_value(st, v, end));
}

typedef struct {
    GbOdsCell *c;
    const char *vtype;
    char vbuf[32];
} GbOdsCellAttrs;

static void
gb__ods_cell_attr(GbOdsSax *st, const xmlChar *ln, const xmlChar *v, const xmlChar *end,
                  gpointer user)
{
    GbOdsCellAttrs *ca = user;
    GbOdsCell *c = ca->c;
    if (ln == st->n.cols_repeated) {
        c->repeat = gb__count_attr(BAD_CAST gb__ods_attr_value(st, v, end));
    } else if (ln == st->n.value_type) {
        g_strlcpy(ca->vbuf, gb__ods_attr_value(st, v, end), sizeof ca->vbuf);
        ca->vtype = ca->vbuf;
    } else if (ln == st->n.value || ln == st->n.date_value || ln == st->n.boolean_value) {
        /* The cell's own value wins over its display text. */
        if (ln == st->n.date_value || !c->has_value)
            g_strlcpy(c->value, gb__ods_attr_value(st, v, end), sizeof c->value);
        c->has_value = TRUE;
    }
}

static void
gb__ods_cell_attrs(GbOdsSax *st, GbOdsCell *c, int nb_ns, const xmlChar **ns, int nb_attrs,
                   const xmlChar **attrs)
{
    *c = (GbOdsCell){.type = GB_CELL_TEXT, .repeat = 1};
    GbOdsCellAttrs ca = {.c = c};
    gb__ods_each_attr(st, nb_ns, ns, nb_attrs, attrs, gb__ods_cell_attr, &ca);
    const char *vtype = ca.vtype;
    if (vtype == NULL || strcmp(vtype, "string") == 0) {
        c->type = GB_CELL_TEXT;
        c->has_value = FALSE;
    } else if (strcmp(vtype, "date") == 0) {
        c->type = GB_CELL_DATE;
        c->value[10] = '\0'; /* YYYY-MM-DD[THH:MM:SS]: the day */
    } else if (strcmp(vtype, "boolean") == 0) {
        c->type = GB_CELL_BOOL;
    } else if (strcmp(vtype, "float") == 0 || strcmp(vtype, "percentage") == 0 ||
               strcmp(vtype, "currency") == 0) {
        c->type = GB_CELL_NUMBER;
    } else {
        c->type = GB_CELL_TEXT; /* time: its display text */
        c->has_value = FALSE;
    }
}

/* The first attribute named ln in namespace uri, or NULL. */
static const char *
gb__ods_attr_ns(GbOdsSax *st, int nb_attrs, const xmlChar **attrs, const xmlChar *ln,
                const xmlChar *uri)
{
    for (int i = 0; i < nb_attrs; i++) {
        const xmlChar **a = attrs + 5 * i;
        if (a[0] == ln && a[2] != NULL && xmlStrEqual(a[2], uri))
            return gb__ods_attr_value(st, a[3], a[4]);
    }
    return NULL;
}

static int
gb__ods_kind(const GbOdsNames *n, const xmlChar *ln, const xmlChar *prefix, const xmlChar *uri)
{
    if (prefix != NULL && uri == NULL)
        return GB__K_UNNAMED;
    if (ln == n->table)
        return uri != NULL && xmlStrEqual(uri, n->ns_table) ? GB__K_TABLE : GB__K_TABLE_ANY;
    if (ln == n->row)
        return GB__K_ROW;
    if (ln == n->cell)
        return GB__K_CELL;
    if (ln == n->covered)
        return GB__K_COVERED;
    if (ln == n->annotation)
        return GB__K_ANNOTATION;
    if (ln == n->p)
        return GB__K_P;
    if (ln == n->s)
        return GB__K_S;
    if (ln == n->tab)
        return GB__K_TAB;
    if (ln == n->line_break)
        return GB__K_LINE_BREAK;
    return GB__K_OTHER;
}

/* ---- parsing: SAX callbacks queue events ---- */

/* The parser state for a callback, or NULL when it is not for the document
 * itself (an entity's content parsed on its own) or the read is over. */
static GbOdsSax *
gb__ods_sax(void *ctx)
{
    xmlParserCtxtPtr ctxt = ctx;
    GbOdsSax *st = ctxt->_private;
    if (st == NULL || st->ctxt != ctxt || st->halted || !ctxt->wellFormed)
        return NULL;
    return st;
}

static GbOdsEvent *
gb__ods_event(GbOdsSax *st, guint8 type, guint8 kind)
{
    if (st->nevents == st->events->len)
        g_array_set_size(st->events, st->nevents + 1);
    GbOdsEvent *e = &g_array_index(st->events, GbOdsEvent, st->nevents++);
    e->type = type;
    e->kind = kind;
    e->empty = FALSE;
    return e;
}

static void
gb__ods_start(void *ctx, const xmlChar *ln, const xmlChar *prefix, const xmlChar *uri, int nb_ns,
              const xmlChar **ns, int nb_attrs, int nb_defaulted, const xmlChar **attrs)
{
    GbOdsSax *st = gb__ods_sax(ctx);
    if (st == NULL)
        return;
    int line = st->ctxt->input != NULL ? MIN(st->ctxt->input->line, 65535) : -1;
    if (st->depth == st->lines->len)
        g_array_set_size(st->lines, st->depth + 1);
    g_array_index(st->lines, int, st->depth++) = line;
    st->piece_started = TRUE;
    int kind = gb__ods_kind(&st->n, ln, prefix, uri);
    GbOdsEvent *e = gb__ods_event(st, GB__EV_START, (guint8)kind);
    if (kind == GB__K_TABLE) {
        const char *name = gb__ods_attr_ns(st, nb_attrs, attrs, st->n.name, st->n.ns_table);
        e->off = st->text->len;
        e->len = name != NULL ? strlen(name) : G_MAXSIZE;
        if (name != NULL)
            g_string_append_len(st->text, name, (gssize)e->len);
    } else if (kind == GB__K_ROW) {
        e->num = 1;
        gb__ods_each_attr(st, nb_ns, ns, nb_attrs, attrs, gb__ods_row_attr, &e->num);
    } else if (kind == GB__K_CELL || kind == GB__K_COVERED) {
        gb__ods_cell_attrs(st, &e->cell, nb_ns, ns, nb_attrs, attrs);
    } else if (kind == GB__K_S) {
        const char *c = gb__ods_attr_ns(st, nb_attrs, attrs, st->n.c, st->n.ns_text);
        e->num = c != NULL ? MIN(gb__count_attr(BAD_CAST c), 1024) : 1;
    }
}

static void
gb__ods_end(void *ctx, const xmlChar *ln, const xmlChar *prefix, const xmlChar *uri)
{
    GbOdsSax *st = gb__ods_sax(ctx);
    if (st == NULL)
        return;
    if (st->depth > 0)
        st->depth--;
    GbOdsEvent *e = gb__ods_event(st, GB__EV_END, (guint8)gb__ods_kind(&st->n, ln, prefix, uri));
    /* An empty element's end comes straight after its start, with the input
     * just past its "/>" (an end tag cannot end so). */
    const xmlChar *cur = st->ctxt->input->cur;
    e->empty = cur - st->ctxt->input->base >= 2 && cur[-2] == '/' && cur[-1] == '>';
}

static void
gb__ods_chars(GbOdsSax *st, guint8 type, const xmlChar *ch, int len)
{
    GbOdsEvent *last =
        st->nevents > 0 ? &g_array_index(st->events, GbOdsEvent, st->nevents - 1) : NULL;
    if (last != NULL && last->type == type && last->off + last->len == st->text->len) {
        last->len += (gsize)len;
    } else {
        GbOdsEvent *e = gb__ods_event(st, type, 0);
        e->off = st->text->len;
        e->len = (gsize)len;
    }
    g_string_append_len(st->text, (const char *)ch, len);
}

static void
gb__ods_text(void *ctx, const xmlChar *ch, int len)
{
    GbOdsSax *st = gb__ods_sax(ctx);
    if (st != NULL)
        gb__ods_chars(st, GB__EV_TEXT, ch, len);
}

static void
gb__ods_cdata(void *ctx, const xmlChar *ch, int len)
{
    GbOdsSax *st = gb__ods_sax(ctx);
    if (st != NULL)
        gb__ods_chars(st, GB__EV_CDATA, ch, len);
}

/* A comment, PI or entity reference: a node of its own, between text runs. */
static void
gb__ods_other(void *ctx, const xmlChar *a)
{
    GbOdsSax *st = gb__ods_sax(ctx);
    if (st != NULL)
        gb__ods_event(st, GB__EV_OTHER, 0);
}

static void
gb__ods_pi(void *ctx, const xmlChar *target, const xmlChar *data)
{
    gb__ods_other(ctx, target);
}

/* Keeps libxml2's first error (warnings aside) as the reader's handler did:
 * "line N: message", N the line of the innermost open element. */
static void
gb__ods_error(void *ctx, xmlErrorPtr e)
{
    xmlParserCtxtPtr ctxt = ctx;
    GbOdsSax *st = ctxt != NULL ? ctxt->_private : NULL;
    if (st == NULL || e == NULL || e->level == XML_ERR_WARNING || st->err->len > 0)
        return;
    int line = st->depth > 0 ? g_array_index(st->lines, int, st->depth - 1) : e->line;
    g_string_printf(st->err, "line %d: %s", line, e->message != NULL ? e->message : "");
    g_strchomp(st->err->str);
    st->err->len = strlen(st->err->str);
}

/* ---- acting on events, in order, as on the reader's nodes ---- */

static GbStatus
gb__ods_cell_done(GbRowBuild *rb, GbOdsCell *c)
{
    if (c->has_value)
        return gb__sheet_rb_cell(rb, c->value, strlen(c->value), c->type, c->repeat);
    return gb__sheet_rb_cell(rb, rb->cell->str, rb->cell->len,
                             rb->cell->len ? GB_CELL_TEXT : GB_CELL_EMPTY, c->repeat);
}

static GbStatus
gb__ods_on_start(GbOdsSax *st, const GbOdsEvent *e)
{
    GbRowBuild *rb = st->rb;
    st->started = GB__K_OTHER;
    if (st->skip_depth > 0) {
        st->skip_depth++;
        return GB_OK;
    }
    GbStatus status = GB_OK;
    int k = e->kind;
    if (k == GB__K_TABLE && !st->in_cell) {
        char *name = e->len != G_MAXSIZE ? g_strndup(st->text->str + e->off, e->len) : NULL;
        status = gb__sheet_rb_begin_sheet(rb, name);
        g_free(name);
        st->in_sheet = TRUE;
        if (status == GB_OK && rb->skipping) {
            st->skip_depth = 1; /* the whole sheet, unparsed by us */
            st->in_sheet = FALSE;
        }
    } else if (!st->in_sheet || rb->skipping) {
        /* outside a sheet, or passing one by */
    } else if (k == GB__K_ROW) {
        st->row_repeat = e->num;
        gb__sheet_rb_reset(rb);
        st->started = GB__K_ROW;
    } else if (k == GB__K_CELL || k == GB__K_COVERED) {
        st->cell = e->cell;
        if (k == GB__K_COVERED) { /* hidden under a merged cell: a place, no value */
            st->cell.has_value = FALSE;
            st->cell.type = GB_CELL_EMPTY;
        }
        g_string_truncate(rb->cell, 0);
        st->cell_was_in = st->in_cell;
        st->in_cell = TRUE;
        st->started = GB__K_CELL;
    } else if (st->in_cell && k == GB__K_ANNOTATION) {
        st->skip_depth = 1; /* a comment, not the value */
    } else if (st->in_cell && k == GB__K_P) {
        if (st->cell.paragraphs++ > 0)
            g_string_append_c(rb->cell, '\n');
    } else if (st->in_cell && k == GB__K_S) {
        for (guint64 i = 0; i < e->num; i++)
            g_string_append_c(rb->cell, ' ');
    } else if (st->in_cell && k == GB__K_TAB) {
        g_string_append_c(rb->cell, '\t');
    } else if (st->in_cell && k == GB__K_LINE_BREAK) {
        g_string_append_c(rb->cell, '\n');
    }
    return status;
}

static GbStatus
gb__ods_on_end(GbOdsSax *st, const GbOdsEvent *e)
{
    GbRowBuild *rb = st->rb;
    int started = st->started;
    st->started = GB__K_OTHER;
    if (st->skip_depth > 0) {
        st->skip_depth--;
        return GB_OK;
    }
    int k = e->kind;
    gboolean table = k == GB__K_TABLE || k == GB__K_TABLE_ANY;
    if (e->empty) {
        /* What the reader did at an empty element's start. */
        if (started == GB__K_ROW)
            return gb__sheet_rb_emit(rb, st->row_repeat);
        if (started == GB__K_CELL) {
            st->in_cell = st->cell_was_in;
            return gb__ods_cell_done(rb, &st->cell);
        }
        if (k == GB__K_TABLE && st->in_sheet && !st->in_cell) {
            st->in_sheet = FALSE;
            return gb__sheet_rb_end_sheet(rb);
        }
        return GB_OK;
    }
    if (table && st->in_sheet && !st->in_cell) {
        st->in_sheet = FALSE;
        return rb->skipping ? GB_OK : gb__sheet_rb_end_sheet(rb);
    }
    if (st->in_sheet && !rb->skipping) {
        if (st->in_cell && (k == GB__K_CELL || k == GB__K_COVERED)) {
            st->in_cell = FALSE;
            return gb__ods_cell_done(rb, &st->cell);
        }
        if (k == GB__K_ROW && !st->in_cell)
            return gb__sheet_rb_emit(rb, st->row_repeat);
    }
    return GB_OK;
}

/* Acts on the queued events; a status other than GB_OK ends the read. */
static void
gb__ods_deliver(GbOdsSax *st)
{
    for (guint i = 0; i < st->nevents && st->status == GB_OK; i++) {
        const GbOdsEvent *e = &g_array_index(st->events, GbOdsEvent, i);
        if (e->type == GB__EV_TEXT || e->type == GB__EV_CDATA) {
            if (st->text_run != e->type) {
                /* The reader gave a text node whole, if the cell was short yet. */
                st->text_run = e->type;
                st->text_ok = st->skip_depth == 0 && st->in_cell && !st->rb->skipping &&
                              st->rb->cell->len < 64 * 1024;
            }
            if (st->text_ok)
                g_string_append_len(st->rb->cell, st->text->str + e->off, (gssize)e->len);
            continue;
        }
        st->text_run = -1;
        if (e->type == GB__EV_START)
            st->status = gb__ods_on_start(st, e);
        else if (e->type == GB__EV_END)
            st->status = gb__ods_on_end(st, e);
    }
    st->nevents = 0;
    g_string_truncate(st->text, 0);
    st->piece_started = FALSE;
    if (st->status != GB_OK) {
        st->halted = TRUE;
        xmlStopParser(st->ctxt);
    }
}

static void
gb__ods_names(xmlDictPtr d, GbOdsNames *n)
{
#define GB__N(field, s) n->field = xmlDictLookup(d, BAD_CAST s, -1)
    GB__N(table, "table");
    GB__N(row, "table-row");
    GB__N(cell, "table-cell");
    GB__N(covered, "covered-table-cell");
    GB__N(p, "p");
    GB__N(s, "s");
    GB__N(tab, "tab");
    GB__N(line_break, "line-break");
    GB__N(annotation, "annotation");
    GB__N(name, "name");
    GB__N(value_type, "value-type");
    GB__N(value, "value");
    GB__N(date_value, "date-value");
    GB__N(boolean_value, "boolean-value");
    GB__N(rows_repeated, "number-rows-repeated");
    GB__N(cols_repeated, "number-columns-repeated");
    GB__N(c, "c");
#undef GB__N
    n->ns_table = BAD_CAST GB__NS_TABLE;
    n->ns_text = BAD_CAST "urn:oasis:names:tc:opendocument:xmlns:text:1.0";
}

/* ---- pushing: the filtered bytes in the reader's pieces ---- */

typedef struct {
    GbOdsSax *st;
    xmlSAXHandler sax;
    guint8 piece[GB__ODS_PIECE];
    gsize npiece;
    gsize taken;      /* of the first 4 bytes */
    guint64 total;    /* bytes after them */
    GByteArray *hold; /* bytes short of a whole read */
    gboolean failed;  /* the parser could not be made */
} GbOdsPush;

/* Makes the parser from the first 4 bytes (fewer at the end), as the reader did. */
static gboolean
gb__ods_make(GbOdsPush *pu)
{
    GbOdsSax *st = pu->st;
    st->ctxt = xmlCreatePushParserCtxt(&pu->sax, NULL, (const char *)pu->piece, (int)pu->npiece,
                                       "content.xml");
    pu->npiece = 0;
    if (st->ctxt == NULL) {
        pu->failed = TRUE;
        return FALSE;
    }
    /* No network, no entity substitution, no DTD loading: plain data. */
    xmlCtxtUseOptions(st->ctxt, XML_PARSE_NONET | XML_PARSE_COMPACT | XML_PARSE_NOERROR |
                                    XML_PARSE_NOWARNING);
    st->ctxt->_private = st;
    st->ctxt->linenumbers = 1;
    gb__ods_names(st->ctxt->dict, &st->n);
    return TRUE;
}

/* Parses one piece and acts on what it gave, unless it erred; the reader
 * pushed on past pieces that started no element, but not past the last. */
static void
gb__ods_push(GbOdsPush *pu, const guint8 *p, gsize n, int terminate, gboolean last)
{
    GbOdsSax *st = pu->st;
    xmlParseChunk(st->ctxt, (const char *)p, (int)n, terminate);
    if (!st->ctxt->wellFormed) {
        st->halted = TRUE; /* the first error ends the read */
        st->nevents = 0;
        return;
    }
    if (st->piece_started || last)
        gb__ods_deliver(st);
}

/* Cuts filtered bytes into the parser's pieces. */
static void
gb__ods_take(GbOdsPush *pu, const guint8 *p, gsize n)
{
    GbOdsSax *st = pu->st;
    while (n > 0 && !pu->failed && !st->halted) {
        gsize want = st->ctxt == NULL ? 4 : GB__ODS_PIECE;
        if (pu->npiece == 0 && st->ctxt != NULL && n >= want) {
            gb__ods_push(pu, p, want, 0, FALSE); /* straight from the chunk */
            p += want;
            n -= want;
            continue;
        }
        gsize k = MIN(n, want - pu->npiece);
        memcpy(pu->piece + pu->npiece, p, k);
        pu->npiece += k;
        p += k;
        n -= k;
        if (pu->npiece < want)
            break;
        if (st->ctxt == NULL) {
            gb__ods_make(pu);
        } else {
            gb__ods_push(pu, pu->piece, want, 0, FALSE);
            pu->npiece = 0;
        }
    }
}

#define GB__ODS_READ 4096 /* what the reader asked of its input each time */

/* Takes filtered bytes (sk->feed) as the reader took them: the first 4, then
 * GB__ODS_READ at a time. What is short of a whole read waits in pu->hold for
 * more, or for the end; when inflating fails first it is lost, as it was to the
 * reader, and so the message is the same. */
static void
gb__ods_feed(gpointer ctx, const guint8 *p, gsize n)
{
    GbOdsPush *pu = ctx;
    if (pu->taken < 4) {
        gsize k = MIN(n, 4 - pu->taken);
        gb__ods_take(pu, p, k);
        pu->taken += k;
        p += k;
        n -= k;
    }
    pu->total += n;
    if (pu->hold->len > 0) {
        gsize k = MIN(n, GB__ODS_READ - pu->hold->len);
        g_byte_array_append(pu->hold, p, (guint)k);
        p += k;
        n -= k;
        if (pu->hold->len < GB__ODS_READ)
            return;
        gb__ods_take(pu, pu->hold->data, GB__ODS_READ);
        g_byte_array_set_size(pu->hold, 0);
    }
    gsize whole = n - n % GB__ODS_READ;
    if (whole > 0)
        gb__ods_take(pu, p, whole);
    g_byte_array_append(pu->hold, p + whole, (guint)(n - whole));
}

static guint64
gb__ods_keep_rows(const char *sheet, gpointer user)
{
    GbRowBuild *rb = user;
    return rb->fns->keep_rows != NULL ? rb->fns->keep_rows(rb->path, sheet, rb->user) : G_MAXUINT64;
}

/* ---- content.xml's bytes ----
 *
 * Inflating content.xml was the read's longest step (zlib, through libgsf:
 * 130 M instructions for the 2023 workbook's 39 MB). Where minizip can give the
 * member's raw deflate stream, ISA-L inflates it instead, in about a third of
 * the instructions, and the CRC-32 of the whole member is checked against the
 * zip directory's (ISA-L's CRC too); anything else (a stored member, a zip
 * minizip will not open, a directory that disagrees with libgsf's size) is read
 * through libgsf as before. Either way a read is of n bytes in full or fails,
 * as gsf_input_read: where inflating fails (or the CRC does not match, at the
 * last read), what was read before it is what it was. */

#define GB__RAW_CHUNK (64 * 1024) /* compressed bytes read from the zip at a time */

typedef struct {
    GsfInput *in;             /* libgsf's inflating reader: the fallback, and the size */
    int fd;                   /* the workbook, or -1: read through in */
    guint64 raw_at, raw_left; /* content.xml's raw deflate stream in it, not yet read */
    struct inflate_state *inf;
    guint8 *raw;
    guint64 size, done; /* the member's inflated size, bytes read */
    guint32 crc, want_crc;
} GbOdsSrc;

/* Finds content.xml's raw deflate stream with minizip (which reads the
 * directory and the local header; it is not used to read the stream: raw, it
 * copies it a byte at a time and counts a CRC of the compressed bytes). */
static void
gb__src_open(GbOdsSrc *s, const char *path, GsfInput *in)
{
    *s = (GbOdsSrc){.in = in, .fd = -1, .size = (guint64)MAX(gsf_input_size(in), 0)};
    unzFile zip = unzOpen64(path);
    if (zip == NULL)
        return;
    unz_file_info64 info;
    int method = 0, level = 0;
    if (unzLocateFile(zip, "content.xml", 1) == UNZ_OK &&
        unzGetCurrentFileInfo64(zip, &info, NULL, 0, NULL, 0, NULL, 0) == UNZ_OK &&
        info.compression_method == Z_DEFLATED && (info.flag & 1) == 0 &&
        info.uncompressed_size == s->size &&
        unzOpenCurrentFile2(zip, &method, &level, 1) == UNZ_OK) {
        s->raw_at = (guint64)unzGetCurrentFileZStreamPos64(zip);
        s->raw_left = info.compressed_size;
        s->want_crc = (guint32)info.crc;
        unzCloseCurrentFile(zip);
        s->fd = g_open(path, O_RDONLY | O_CLOEXEC, 0);
    }
    unzClose(zip);
    if (s->fd < 0)
        return;
    s->inf = g_new(struct inflate_state, 1);
    isal_inflate_init(s->inf);
    s->inf->crc_flag = ISAL_DEFLATE; /* raw deflate; the CRC is counted below */
    s->raw = g_malloc(GB__RAW_CHUNK);
}

static void
gb__src_close(GbOdsSrc *s)
{
    if (s->fd >= 0)
        close(s->fd);
    g_free(s->inf);
    g_free(s->raw);
}

static guint64
gb__src_remaining(const GbOdsSrc *s)
{
    if (s->fd < 0)
        return (guint64)MAX(gsf_input_remaining(s->in), 0);
    return s->size - s->done;
}

/* Reads the next n bytes into dst: FALSE when they cannot all be had. */
static gboolean
gb__src_read(GbOdsSrc *s, gsize n, guint8 *dst)
{
    if (s->fd < 0)
        return gsf_input_read(s->in, n, dst) != NULL;
    if (n > s->size - s->done)
        return FALSE;
    struct inflate_state *st = s->inf;
    st->next_out = dst;
    st->avail_out = (uint32_t)n;
    while (st->avail_out > 0) {
        if (st->avail_in == 0 && s->raw_left > 0) {
            ssize_t k =
                pread(s->fd, s->raw, (size_t)MIN(s->raw_left, GB__RAW_CHUNK), (off_t)s->raw_at);
            if (k <= 0)
                return FALSE;
            s->raw_at += (guint64)k;
            s->raw_left -= (guint64)k;
            st->next_in = s->raw;
            st->avail_in = (uint32_t)k;
        }
        uint32_t out_before = st->avail_out, in_before = st->avail_in;
        if (isal_inflate(st) < 0)
            return FALSE; /* an invalid block, symbol or distance */
        if (st->avail_out == out_before && st->avail_in == in_before &&
            (s->raw_left == 0 || st->block_state == ISAL_BLOCK_FINISH))
            return FALSE; /* the stream ends short of the member's size */
    }
    s->crc = crc32_gzip_refl(s->crc, dst, n);
    s->done += n;
    return s->done < s->size || s->crc == s->want_crc;
}

#define GB__ODS_CHUNK (256 * 1024)

/* Inflates content.xml in 256 KiB chunks (smaller ones cost zlib a copy of its window each) and
 * scans each through sk, while go_on(ctx) says so. Returns TRUE when libgsf could not read
 * (inflate) it. */
static gboolean
gb__ods_pump(GbOdsSrc *in, GbSkipper *sk, gboolean (*go_on)(gpointer ctx), gpointer ctx)
{
    gboolean failed = FALSE;
    GByteArray *raw = g_byte_array_sized_new(GB__ODS_CHUNK);
    for (;;) {
        /* Reads of GB__ODS_CHUNK from the start, as before: where inflating
         * fails, what was read before it is what it was. */
        gsize chunk = (gsize)MIN(gb__src_remaining(in), GB__ODS_CHUNK);
        if (chunk > 0) {
            guint old = raw->len;
            g_byte_array_set_size(raw, old + (guint)chunk);
            if (!gb__src_read(in, chunk, raw->data + old)) {
                failed = TRUE;
                break;
            }
        }
        gboolean eof = gb__src_remaining(in) == 0;
        gsize used = gb__skip_scan(sk, raw->data, raw->len, eof);
        if (used > 0)
            g_byte_array_remove_range(raw, 0, (guint)used);
        if (eof || !go_on(ctx))
            break;
    }
    g_byte_array_free(raw, TRUE);
    return failed;
}

static gboolean
gb__ods_here_go_on(gpointer ctx)
{
    GbOdsPush *pu = ctx;
    return !pu->st->halted && !pu->failed;
}

/* Reads, filters and parses on this thread. */
static gboolean
gb__ods_read_here(GbOdsSrc *in, GbOdsPush *pu)
{
    GbSkipper sk = {
        .keep = gb__ods_keep_rows, .user = pu->st->rb, .feed = gb__ods_feed, .feed_ctx = pu};
    return gb__ods_pump(in, &sk, gb__ods_here_go_on, pu);
}

/* ---- inflating on a second thread ----
 *
 * For a large content.xml (the 2023 workbook's is 39 MB, nearly all of it
 * passed by) a second thread inflates it while this one filters and parses:
 * the chunks the reads give (GB__ODS_CHUNK each, as gb__ods_pump reads them)
 * pass in order through a short queue, so memory stays bounded, and are
 * filtered here exactly as gb__ods_pump filters them, so every callback runs
 * where gb_sheet_read was called, in the same order as without the thread.
 * Inflating (zlib) and filtering take about the same time, so each core has
 * one of them. Each chunk has room in front of its bytes for what the filter
 * left of the one before (the start of a tag it cut), so that neither is
 * copied whole. */

static gsize gb__thread_bytes = 256 * 1024;

void
gb_sheet_configure(gsize thread_bytes)
{
    gb__thread_bytes = thread_bytes;
}

#define GB__AHEAD_THREAD_BYTES (4u << 20) /* the same, read ahead */
#define GB__PIPE_CHUNKS 1  /* inflated chunks queued at most (one more is being inflated) */
#define GB__PIPE_HEAD 4096 /* room in front of a chunk's bytes */

typedef struct {
    guint8 *mem; /* GB__PIPE_HEAD bytes, then len inflated bytes */
    gsize len;
    gboolean eof; /* the last: nothing remains after it */
} GbOdsChunk;

typedef struct {
    GMutex lock;
    GCond cond;
    GQueue chunks;               /* GbOdsChunk *, in order */
    GSList *spare;               /* chunks' memory given back, for the next chunks */
    gboolean done, failed, stop; /* failed: the next chunk could not be read */
    GbOdsSrc *in;
} GbOdsPipe;

static void
gb__chunk_free(gpointer data)
{
    GbOdsChunk *c = data;
    if (c != NULL)
        g_free(c->mem);
    g_free(c);
}

/* The memory of a chunk: one given back by the filter, else a new one. Every
 * chunk's memory has room for a whole GB__ODS_CHUNK, so that the same three
 * (one inflating, one queued, one filtered) serve the whole file: a new one
 * for each was mapped afresh (it is above the mmap threshold, cli/main.c) and
 * its 65 pages faulted in and cleared, 10,000 page faults for the 2023
 * workbook, as much kernel time on this thread as zlib's inflating. */
static guint8 *
gb__pipe_mem(GbOdsPipe *pp)
{
    g_mutex_lock(&pp->lock);
    guint8 *mem = NULL;
    if (pp->spare != NULL) {
        mem = pp->spare->data;
        pp->spare = g_slist_delete_link(pp->spare, pp->spare);
    }
    g_mutex_unlock(&pp->lock);
    return mem != NULL ? mem : g_malloc(GB__PIPE_HEAD + GB__ODS_CHUNK);
}

/* Gives c's memory back for a later chunk and frees c. */
static void
gb__pipe_give_back(GbOdsPipe *pp, GbOdsChunk *c)
{
    g_mutex_lock(&pp->lock);
    pp->spare = g_slist_prepend(pp->spare, c->mem);
    g_mutex_unlock(&pp->lock);
    g_free(c);
}

static gpointer
gb__pipe_thread(gpointer data)
{
    GbOdsPipe *pp = data;
    gboolean failed = FALSE;
    for (gboolean eof = FALSE; !eof;) {
        GbOdsChunk *c = g_new0(GbOdsChunk, 1);
        c->len = (gsize)MIN(gb__src_remaining(pp->in), GB__ODS_CHUNK);
        c->mem = gb__pipe_mem(pp);
        if (c->len > 0 && !gb__src_read(pp->in, c->len, c->mem + GB__PIPE_HEAD)) {
            gb__chunk_free(c);
            failed = TRUE;
            break;
        }
        eof = c->eof = gb__src_remaining(pp->in) == 0;
        g_mutex_lock(&pp->lock);
        while (g_queue_get_length(&pp->chunks) >= GB__PIPE_CHUNKS && !pp->stop)
            g_cond_wait(&pp->cond, &pp->lock);
        gboolean stop = pp->stop;
        if (!stop)
            g_queue_push_tail(&pp->chunks, c);
        g_cond_broadcast(&pp->cond);
        g_mutex_unlock(&pp->lock);
        if (stop) {
            gb__chunk_free(c);
            break;
        }
    }
    g_mutex_lock(&pp->lock);
    pp->failed = failed;
    pp->done = TRUE;
    g_cond_broadcast(&pp->cond);
    g_mutex_unlock(&pp->lock);
    return NULL;
}

/* Filters and parses here what the second thread inflates; TRUE when libgsf
 * could not read (inflate) it, as gb__ods_pump says. */
static gboolean
gb__ods_read_piped(GbOdsSrc *in, GbOdsPush *pu)
{
    GbOdsPipe pp = {.in = in};
    g_mutex_init(&pp.lock);
    g_cond_init(&pp.cond);
    g_queue_init(&pp.chunks);
    GThread *t = g_thread_new("sheetods", gb__pipe_thread, &pp);
    GbSkipper sk = {
        .keep = gb__ods_keep_rows, .user = pu->st->rb, .feed = gb__ods_feed, .feed_ctx = pu};
    GByteArray *left = g_byte_array_new(); /* what the filter left of the chunks so far */
    for (;;) {
        g_mutex_lock(&pp.lock);
        while (g_queue_is_empty(&pp.chunks) && !pp.done)
            g_cond_wait(&pp.cond, &pp.lock);
        GbOdsChunk *c = g_queue_pop_head(&pp.chunks);
        g_cond_broadcast(&pp.cond);
        g_mutex_unlock(&pp.lock);
        if (c == NULL)
            break; /* done: inflating failed (the last chunk, with eof, ends the loop) */
        guint8 *p = c->mem + GB__PIPE_HEAD;
        gsize n = c->len;
        if (left->len <= GB__PIPE_HEAD) {
            if (left->len > 0) { /* an empty GByteArray's data may be NULL */
                p -= left->len;
                memcpy(p, left->data, left->len);
                n += left->len;
            }
        } else { /* a long tag cut by the chunks: gathered, as gb__ods_pump does */
            g_byte_array_append(left, p, (guint)n);
            p = left->data;
            n = left->len;
        }
        gsize used = gb__skip_scan(&sk, p, n, c->eof);
        if (p == left->data) {
            g_byte_array_remove_range(left, 0, (guint)used);
        } else {
            g_byte_array_set_size(left, 0);
            g_byte_array_append(left, p + used, (guint)(n - used));
        }
        gboolean eof = c->eof;
        gb__pipe_give_back(&pp, c);
        if (eof || pu->st->halted || pu->failed)
            break;
    }
    g_byte_array_free(left, TRUE);
    g_mutex_lock(&pp.lock);
    pp.stop = TRUE;
    g_cond_broadcast(&pp.cond);
    g_mutex_unlock(&pp.lock);
    g_thread_join(t);
    g_queue_clear_full(&pp.chunks, gb__chunk_free);
    g_slist_free_full(pp.spare, g_free);
    g_mutex_clear(&pp.lock);
    g_cond_clear(&pp.cond);
    return pp.failed;
}

GbStatus
gb__sheet_ods_read(GsfInfile *zip, GbRowBuild *rb)
{
    GsfInput *in = gb__sheet_member(zip, "content.xml");
    if (in == NULL) {
        gb_diag_set(rb->diag, NULL, 0, 0, "%s: not a readable .ods workbook (no content.xml)",
                    rb->path);
        return GB_DATA;
    }
    GbOdsSax st = {.rb = rb,
                   .err = g_string_new(NULL),
                   .lines = g_array_new(FALSE, FALSE, sizeof(int)),
                   .events = g_array_new(FALSE, FALSE, sizeof(GbOdsEvent)),
                   .text = g_string_new(NULL),
                   .attr = g_string_new(NULL),
                   .text_run = -1};
    GbOdsPush pu = {.st = &st, .hold = g_byte_array_sized_new(GB__ODS_READ)};
    xmlSAXVersion(&pu.sax, 2);
    pu.sax.startElementNs = gb__ods_start;
    pu.sax.endElementNs = gb__ods_end;
    pu.sax.startElement = NULL;
    pu.sax.endElement = NULL;
    pu.sax.characters = gb__ods_text;
    pu.sax.ignorableWhitespace = gb__ods_text;
    pu.sax.cdataBlock = gb__ods_cdata;
    pu.sax.reference = gb__ods_other;
    pu.sax.comment = gb__ods_other;
    pu.sax.processingInstruction = gb__ods_pi;
    pu.sax.serror = gb__ods_error;
    gboolean read_failed;
    GbOdsSrc src;
    gb__src_open(&src, rb->path, in);
    /* Read ahead, the parse is beside the calling thread already: a second
     * thread (and its chunks' memory) pays only for a large content.xml. */
    gsize thread_bytes = gb__thread_bytes;
    if (rb->ahead != NULL && thread_bytes > 0)
        thread_bytes = MAX(thread_bytes, GB__AHEAD_THREAD_BYTES);
    if (thread_bytes > 0 && gsf_input_size(in) >= (gsf_off_t)thread_bytes &&
        g_get_num_processors() > 1)
        read_failed = gb__ods_read_piped(&src, &pu);
    else
        read_failed = gb__ods_read_here(&src, &pu);
    gb__src_close(&src);
    if (!read_failed && pu.hold->len > 0)
        gb__ods_take(&pu, pu.hold->data, pu.hold->len);
    g_byte_array_free(pu.hold, TRUE);
    /* At the end the reader's last read was of the bytes past the last whole
     * GB__ODS_READ. Fewer than a piece it pushed as they came, then nothing
     * with terminate; of more, the pieces, then what was left with terminate,
     * so that an error there loses all it gave. With fewer than 4 bytes in all
     * it made the parser from none and pushed them with terminate. */
    if (st.ctxt == NULL && !pu.failed && !read_failed) {
        gsize n = pu.npiece;
        pu.npiece = 0;
        if (gb__ods_make(&pu))
            gb__ods_push(&pu, pu.piece, n, 1, TRUE);
    } else if (st.ctxt != NULL && !st.halted && !read_failed) {
        gsize last = pu.total % GB__ODS_READ;
        if (last > 0 && last < GB__ODS_PIECE) {
            gb__ods_push(&pu, pu.piece, pu.npiece, 0, TRUE);
            pu.npiece = 0;
        }
        if (!st.halted)
            gb__ods_push(&pu, pu.piece, pu.npiece, 1, TRUE);
    }
    GbStatus status = st.status;
    if (status == GB_OK && (read_failed || pu.failed || st.ctxt == NULL || !st.ctxt->wellFormed))
        status = gb__sheet_xml_failed(rb, "content.xml", st.err);
    if (st.ctxt != NULL) {
        if (st.ctxt->myDoc != NULL)
            xmlFreeDoc(st.ctxt->myDoc);
        xmlFreeParserCtxt(st.ctxt);
    }
    g_string_free(st.err, TRUE);
    g_string_free(st.attr, TRUE);
    g_string_free(st.text, TRUE);
    g_array_free(st.events, TRUE);
    g_array_free(st.lines, TRUE);
    g_object_unref(in);
    return status;
}
