/* pdfcontent.c - one page's content stream rewritten for the finishing pass
 * (see accessible-private.h): a small lexer that only recognises operators
 * and marked-content sequences; what cairo marked with an MCID stays as it
 * is, the header and footer sequences become pagination Artifacts, and every
 * run of drawing outside any sequence (rules, fills, chart drawing, leader
 * dots, the cover band) is wrapped in a layout Artifact. The text of Link
 * annotations is collected on the way through the fonts' ToUnicode maps. */
#include "output/accessible-private.h"

#include <stdlib.h>
#include <string.h>

typedef enum { GB_TOK_END, GB_TOK_OPERAND, GB_TOK_OP } GbTokKind;

typedef struct {
    const char *s, *end;
} GbLex;

/* Character classes of the lexer, one table lookup a byte: white space
 * (PDF 7.2.3) and delimiters (white space included). */
enum { GB_WHITE = 1, GB_DELIM = 2, GB_NEST = 4 /* what gb__skip_compound looks at */ };
static const guint8 gb__class[256] = {
    ['\0'] = GB_WHITE | GB_DELIM,
    ['\t'] = GB_WHITE | GB_DELIM,
    ['\n'] = GB_WHITE | GB_DELIM,
    ['\f'] = GB_WHITE | GB_DELIM,
    ['\r'] = GB_WHITE | GB_DELIM,
    [' '] = GB_WHITE | GB_DELIM,
    ['('] = GB_DELIM | GB_NEST,
    [')'] = GB_DELIM | GB_NEST,
    ['<'] = GB_DELIM | GB_NEST,
    ['>'] = GB_DELIM | GB_NEST,
    ['['] = GB_DELIM | GB_NEST,
    [']'] = GB_DELIM | GB_NEST,
    ['{'] = GB_DELIM,
    ['}'] = GB_DELIM,
    ['/'] = GB_DELIM,
    ['%'] = GB_DELIM | GB_NEST,
};

static inline gboolean
gb__white(char c)
{
    return (gb__class[(guint8)c] & GB_WHITE) != 0;
}

static inline gboolean
gb__delim(char c)
{
    return (gb__class[(guint8)c] & GB_DELIM) != 0;
}

/* Skips the (...) string at p, with its escapes and nested parentheses. */
static const char *
gb__skip_string(const char *p, const char *end)
{
    int depth = 0;
    for (; p < end; p++) {
        if (*p == '\\')
            p++;
        else if (*p == '(')
            depth++;
        else if (*p == ')' && --depth == 0)
            return p + 1;
    }
    return end;
}

/* Skips one (...) string, <...> hex string, <<...>> dictionary or [...] array
 * starting at p; returns its end. */
static const char *
gb__skip_compound(const char *p, const char *end)
{
    int nest = 0;
    do {
        char c = *p;
        if (c == '(') {
            p = gb__skip_string(p, end);
        } else if (c == '<' && p + 1 < end && p[1] == '<') {
            nest++, p += 2;
        } else if (c == '>' && p + 1 < end && p[1] == '>') {
            nest--, p += 2;
        } else if (c == '<') {
            const char *gt = memchr(p, '>', (size_t)(end - p));
            p = gt != NULL ? gt + 1 : end;
        } else if (c == '[') {
            nest++, p++;
        } else if (c == ']') {
            nest--, p++;
        } else if (c == '%') {
            while (p < end && *p != '\n' && *p != '\r')
                p++;
        } else { /* a run of bytes none of the above looks at */
            for (p++; p < end && (gb__class[(guint8)*p] & GB_NEST) == 0; p++)
                ;
        }
    } while (p < end && nest > 0);
    return p;
}

/* The next token: an operand (its span in *t0..*t1) or an operator. */
static GbTokKind
gb__next(GbLex *lx, const char **t0, const char **t1)
{
    const char *p = lx->s, *end = lx->end;
    for (;;) {
        while (p < end && gb__white(*p))
            p++;
        if (p < end && *p == '%') {
            while (p < end && *p != '\n' && *p != '\r')
                p++;
            continue;
        }
        break;
    }
    if (p >= end) {
        lx->s = p;
        return GB_TOK_END;
    }
    *t0 = p;
    char c = *p;
    GbTokKind kind = GB_TOK_OPERAND;
    if (c == '(' || c == '<' || c == '[') {
        p = gb__skip_compound(p, end);
    } else if (c == '/') {
        for (p++; p < end && !gb__delim(*p); p++)
            ;
    } else {
        for (; p < end && !gb__delim(*p); p++)
            ;
        if (p == *t0) /* a stray ) > ] or } */
            p++;
        gboolean number = c == '+' || c == '-' || c == '.' || (c >= '0' && c <= '9');
        size_t n = (size_t)(p - *t0);
        /* true, false and null looked for only where the token is no number
         * (most are: ~100,000 of the briefing's 164,000 tokens) */
        if (!number && !(c == 't' && n == 4 && memcmp(*t0, "true", 4) == 0) &&
            !(c == 'n' && n == 4 && memcmp(*t0, "null", 4) == 0) &&
            !(c == 'f' && n == 5 && memcmp(*t0, "false", 5) == 0))
            kind = GB_TOK_OP;
    }
    *t1 = p;
    lx->s = p;
    return kind;
}

static gboolean
gb__op_is(const char *t0, const char *t1, const char *name)
{
    size_t n = strlen(name);
    return (size_t)(t1 - t0) == n && memcmp(t0, name, n) == 0;
}

/* The operators the rewrite tells apart. */
typedef enum {
    GB_OP_OTHER,
    GB_OP_BI,
    GB_OP_BDC,
    GB_OP_BMC,
    GB_OP_EMC,
    GB_OP_BT,
    GB_OP_ET,
    GB_OP_PATH,  /* m, re: a path starts */
    GB_OP_TF,    /* Tf */
    GB_OP_TEXT,  /* Tj, TJ, ', " */
    GB_OP_PAINT, /* S s f F f* B B* b b* */
    GB_OP_XOBJ,  /* sh, Do: an object painted at once */
    GB_OP_N      /* n: a path ends unpainted */
} GbOp;

/* The operator t0..t1, by its length and bytes (one switch instead of a
 * string comparison per operator known). */
static GbOp
gb__op(const char *t0, const char *t1)
{
    char a = t0[0], b = t1 - t0 > 1 ? t0[1] : '\0';
    switch (t1 - t0) {
    case 1:
        switch (a) {
        case 'S':
        case 's':
        case 'f':
        case 'F':
        case 'B':
        case 'b':
            return GB_OP_PAINT;
        case 'm':
            return GB_OP_PATH;
        case 'n':
            return GB_OP_N;
        case '\'':
        case '"':
            return GB_OP_TEXT;
        }
        return GB_OP_OTHER;
    case 2:
        if (b == '*' && (a == 'f' || a == 'B' || a == 'b'))
            return GB_OP_PAINT;
        if (a == 'T' && (b == 'j' || b == 'J'))
            return GB_OP_TEXT;
        if (a == 'T' && b == 'f')
            return GB_OP_TF;
        if (a == 'B' && b == 'T')
            return GB_OP_BT;
        if (a == 'E' && b == 'T')
            return GB_OP_ET;
        if (a == 'B' && b == 'I')
            return GB_OP_BI;
        if ((a == 'r' && b == 'e'))
            return GB_OP_PATH;
        if ((a == 's' && b == 'h') || (a == 'D' && b == 'o'))
            return GB_OP_XOBJ;
        return GB_OP_OTHER;
    case 3:
        if (a == 'B' && b == 'D' && t0[2] == 'C')
            return GB_OP_BDC;
        if (a == 'B' && b == 'M' && t0[2] == 'C')
            return GB_OP_BMC;
        if (a == 'E' && b == 'M' && t0[2] == 'C')
            return GB_OP_EMC;
        return GB_OP_OTHER;
    }
    return GB_OP_OTHER;
}

static void
gb__copy_to(GbPage *pg, size_t upto)
{
    if (upto > pg->copied) {
        g_string_append_len(pg->out, pg->in + pg->copied, (gssize)(upto - pg->copied));
        pg->copied = upto;
    }
}

/* Ends the current run: wrapped in a layout Artifact when it paints. */
static void
gb__close_run(GbPage *pg)
{
    if (!pg->open)
        return;
    pg->open = FALSE;
    if (!pg->paint || pg->other != 0 || pg->run1 <= pg->run0)
        return; /* nothing drawn, or a sequence would cross: left as it is */
    gb__copy_to(pg, pg->run0);
    g_string_append(pg->out, "/Artifact <</Type /Layout>> BDC\n");
    gb__copy_to(pg, pg->run1);
    g_string_append(pg->out, "\nEMC");
}

static void
gb__object(GbPage *pg, size_t start)
{
    if (pg->structs > 0 || pg->open)
        return;
    pg->open = TRUE;
    pg->paint = FALSE;
    pg->other = 0;
    pg->in_text_start = pg->in_text;
    pg->run0 = start;
    pg->run1 = start;
}

/* The integer after /MCID in a property list's bytes, or -1. */
static int
gb__mcid(const char *t0, const char *t1)
{
    for (const char *p = t0; p + 5 < t1; p++)
        if (memcmp(p, "/MCID", 5) == 0) {
            p += 5;
            while (p < t1 && gb__white(*p))
                p++;
            return p < t1 && g_ascii_isdigit(*p) ? atoi(p) : -1;
        }
    return -1;
}

/* ---- link text: ToUnicode ------------------------------------------- */

static int
gb__hex(const char *p, const char *end, guint8 *buf, int max)
{
    int n = 0, hi = -1;
    for (; p < end && *p != '>' && n < max; p++) {
        int v = g_ascii_xdigit_value(*p);
        if (v < 0)
            continue;
        if (hi < 0) {
            hi = v;
        } else {
            buf[n++] = (guint8)(hi * 16 + v);
            hi = -1;
        }
    }
    if (hi >= 0 && n < max)
        buf[n++] = (guint8)(hi * 16);
    return n;
}

static guint
gb__code(const guint8 *b, int n)
{
    guint c = 0;
    for (int i = 0; i < n; i++)
        c = c << 8 | b[i];
    return c;
}

static char *
gb__utf16(const guint8 *b, int n, guint offset)
{
    gunichar2 u[32];
    int k = 0;
    for (int i = 0; i + 1 < n && k < 32; i += 2)
        u[k++] = (gunichar2)(b[i] << 8 | b[i + 1]);
    if (k > 0)
        u[k - 1] = (gunichar2)(u[k - 1] + offset);
    return g_utf16_to_utf8(u, k, NULL, NULL, NULL);
}

/* Parses the bfchar and bfrange sections of a ToUnicode CMap. */
static GHashTable *
gb__tounicode(const char *s, size_t len)
{
    GHashTable *map = g_hash_table_new_full(NULL, NULL, NULL, g_free);
    const char *end = s + len, *p = s;
    guint8 a[8], b[8], d[64];
    while (p < end) {
        const char *bc = g_strstr_len(p, end - p, "beginbf");
        if (bc == NULL)
            break;
        gboolean range = bc + 12 <= end && memcmp(bc, "beginbfrange", 12) == 0;
        const char *stop = g_strstr_len(bc, end - bc, range ? "endbfrange" : "endbfchar");
        if (stop == NULL)
            break;
        p = bc + 11;
        for (;;) {
            const char *lt = memchr(p, '<', (size_t)(stop - p));
            if (lt == NULL)
                break;
            int na = gb__hex(lt + 1, stop, a, 8);
            p = memchr(lt, '>', (size_t)(stop - lt));
            if (p == NULL)
                break;
            p++;
            if (!range) {
                lt = memchr(p, '<', (size_t)(stop - p));
                if (lt == NULL)
                    break;
                int nd = gb__hex(lt + 1, stop, d, 64);
                p = memchr(lt, '>', (size_t)(stop - lt));
                if (p == NULL)
                    break;
                p++;
                g_hash_table_replace(map, GUINT_TO_POINTER(gb__code(a, na) + 1),
                                     gb__utf16(d, nd, 0));
                continue;
            }
            lt = memchr(p, '<', (size_t)(stop - p));
            if (lt == NULL)
                break;
            int nb = gb__hex(lt + 1, stop, b, 8);
            p = memchr(lt, '>', (size_t)(stop - lt));
            if (p == NULL)
                break;
            p++;
            while (p < stop && gb__white(*p))
                p++;
            if (p < stop && *p == '<') {
                int nd = gb__hex(p + 1, stop, d, 64);
                p = memchr(p, '>', (size_t)(stop - p));
                if (p == NULL)
                    break;
                p++;
                guint lo = gb__code(a, na), hi = gb__code(b, nb);
                for (guint c = lo; c <= hi && c - lo < 65536; c++)
                    g_hash_table_replace(map, GUINT_TO_POINTER(c + 1), gb__utf16(d, nd, c - lo));
            } else { /* an array of destinations: cairo does not write these */
                const char *rb = memchr(p, ']', (size_t)(stop - p));
                p = rb != NULL ? rb + 1 : stop;
            }
        }
        p = stop + 1;
    }
    return map;
}

/* The code -> text map of the page font resource named by t0..t1 ("/f-0-1"),
 * or NULL when it has no ToUnicode; key 0 holds "2" for two-byte (Type0)
 * codes, "1" for one-byte codes. */
static GHashTable *
gb__font_map(GbPage *pg, const char *t0, const char *t1)
{
    qpdf_data q = pg->ed->q;
    char *name = g_strndup(t0, (gsize)(t1 - t0));
    gpointer found;
    if (g_hash_table_lookup_extended(pg->links->fonts, name, NULL, &found)) {
        g_free(name);
        return found;
    }
    GHashTable *map = NULL;
    qpdf_oh font = qpdf_oh_get_key(q, pg->links->font_dict, name);
    qpdf_oh tu = qpdf_oh_get_key(q, font, "/ToUnicode");
    unsigned char *buf = NULL;
    size_t len = 0;
    QPDF_BOOL filtered = QPDF_FALSE;
    if (qpdf_oh_is_stream(q, tu) &&
        qpdf_oh_get_stream_data(q, tu, qpdf_dl_generalized, &filtered, &buf, &len) == 0 &&
        filtered && buf != NULL) {
        map = gb__tounicode((const char *)buf, len);
        g_hash_table_insert(
            map, GUINT_TO_POINTER(0),
            g_strdup(qpdf_oh_is_name_and_equals(q, qpdf_oh_get_key(q, font, "/Subtype"), "/Type0")
                         ? "2"
                         : "1"));
    }
    free(buf);
    g_hash_table_insert(pg->links->fonts, name, map);
    return map;
}

/* Appends the text a string operand (literal or hex) shows in font map. */
static void
gb__show_text(GString *into, GHashTable *map, const char *t0, const char *t1)
{
    guint8 *bytes = g_malloc((gsize)(t1 - t0) + 1);
    int n = 0;
    if (*t0 == '<') {
        n = gb__hex(t0 + 1, t1, bytes, (int)(t1 - t0));
    } else {
        for (const char *p = t0 + 1; p < t1 - 1; p++) {
            if (*p != '\\') {
                bytes[n++] = (guint8)*p;
                continue;
            }
            if (++p >= t1 - 1)
                break;
            static const char names[] = "nrtbf", codes[] = "\n\r\t\b\f";
            const char *esc = *p != '\0' ? strchr(names, *p) : NULL;
            if (esc != NULL) {
                bytes[n++] = (guint8)codes[esc - names];
            } else if (*p >= '0' && *p <= '7') {
                int v = 0, k = 0;
                for (; k < 3 && p < t1 - 1 && *p >= '0' && *p <= '7'; k++, p++)
                    v = v * 8 + (*p - '0');
                p--;
                bytes[n++] = (guint8)v;
            } else if (*p != '\n' && *p != '\r') {
                bytes[n++] = (guint8)*p;
            }
        }
    }
    const char *width = map != NULL ? g_hash_table_lookup(map, GUINT_TO_POINTER(0)) : NULL;
    int step = width != NULL && *width == '2' ? 2 : 1;
    for (int i = 0; i + step <= n; i += step) {
        guint code = gb__code(bytes + i, step);
        const char *u = map != NULL ? g_hash_table_lookup(map, GUINT_TO_POINTER(code + 1)) : NULL;
        if (u != NULL)
            g_string_append(into, u);
        else if (step == 1 && code >= 0x20 && code < 0x7f)
            g_string_append_c(into, (char)code);
    }
    g_free(bytes);
}

/* ---- the page rewrite -------------------------------------------------- */

/* The marked content's structure entry is gone: its ParentTree slot is null. */
static void
gb__unparent(GbPage *pg, int mcid)
{
    if (pg->parents == 0 || mcid < 0 || mcid >= pg->n_parents)
        return;
    qpdf_oh_set_array_item(pg->ed->q, pg->parents, mcid, qpdf_oh_new_null(pg->ed->q));
    gb__touch(pg->ed, pg->parents_owner);
}

/* A BDC or BMC with tag tag0..tag1 (NULL: none) and MCID mcid (or -1). */
static void
gb__begin_marked(GbPage *pg, const char *tag0, const char *tag1, int mcid, size_t opstart,
                 size_t opend)
{
    gboolean header = tag0 != NULL && gb__op_is(tag0, tag1, "/" GB_TAG_HEADER);
    gboolean footer = tag0 != NULL && gb__op_is(tag0, tag1, "/" GB_TAG_FOOTER);
    gboolean artifact = tag0 != NULL && gb__op_is(tag0, tag1, "/Artifact");
    gboolean structural = mcid >= 0 || artifact;
    char one = structural ? 1 : 0;
    if (structural && pg->structs == 0) {
        gb__close_run(pg);
        if (header || footer) {
            gb__copy_to(pg, opstart);
            g_string_append_printf(pg->out, "/Artifact <</Type /Pagination /Subtype /%s>> BDC",
                                   header ? "Header" : "Footer");
            pg->copied = opend;
            gb__unparent(pg, mcid);
        } else if (mcid >= 0 && g_hash_table_contains(pg->repeats, gb__mc_key(pg->page_id, mcid))) {
            gb__copy_to(pg, opstart);
            g_string_append(pg->out, "/Artifact <</Type /Pagination>> BDC");
            pg->copied = opend;
            gb__unparent(pg, mcid);
        } else if (mcid >= 0 && pg->links != NULL) {
            pg->collect = g_hash_table_lookup(pg->links->by_mcid, GINT_TO_POINTER(mcid));
        }
    } else if (!structural && pg->structs == 0) {
        gb__object(pg, opstart);
        pg->other++;
    }
    g_array_append_val(pg->stack, one);
    pg->structs += one;
}

/* The text a Tj/TJ/'/" operand (s0..s1) shows, added to the link text. */
static void
gb__collect_text(GbPage *pg, const char *font0, const char *font1, const char *s0, const char *s1)
{
    GHashTable *map = gb__font_map(pg, font0, font1);
    if (*s0 != '[') {
        gb__show_text(pg->collect, map, s0, s1);
        return;
    }
    GbLex inner = {s0 + 1, s1 - 1}; /* TJ: the strings of the array */
    const char *u0, *u1;
    while (gb__next(&inner, &u0, &u1) != GB_TOK_END)
        if (*u0 == '(' || *u0 == '<')
            gb__show_text(pg->collect, map, u0, u1);
}

void
gb__page_rewrite(GbPage *pg, const char *in, size_t len)
{
    GbLex lx = {in, in + len};
    const char *t0, *t1;
    const char *ops[8][2]; /* the current operation's last operands */
    int nops = 0;
    size_t opstart = 0;
    gboolean have_start = FALSE;
    const char *font0 = NULL, *font1 = NULL;
    GbTokKind kind;
    pg->in = in;
    while ((kind = gb__next(&lx, &t0, &t1)) != GB_TOK_END) {
        if (!have_start) {
            opstart = (size_t)(t0 - in);
            have_start = TRUE;
        }
        if (kind == GB_TOK_OPERAND) {
            if (nops == 8)
                memmove(ops, ops + 1, sizeof ops[0] * 7), nops = 7;
            ops[nops][0] = t0, ops[nops][1] = t1, nops++;
            continue;
        }
        size_t opend = (size_t)(t1 - in);
        GbOp op = gb__op(t0, t1);
        have_start = FALSE;
        if (op == GB_OP_BI) { /* an inline image: its data up to EI */
            const char *p = t1;
            while (p + 2 < lx.end && !(gb__white(p[0]) && p[1] == 'E' && p[2] == 'I' &&
                                       (p + 3 == lx.end || gb__delim(p[3]))))
                p++;
            lx.s = p + 3 <= lx.end ? p + 3 : lx.end;
            gb__object(pg, opstart);
            if (pg->open)
                pg->paint = TRUE, pg->run1 = (size_t)(lx.s - in);
            nops = 0;
            continue;
        }
        if (op == GB_OP_BDC || op == GB_OP_BMC) {
            gboolean bdc = op == GB_OP_BDC;
            const char *tag0 = nops >= (bdc ? 2 : 1) ? ops[nops - (bdc ? 2 : 1)][0] : NULL;
            const char *tag1 = tag0 != NULL ? ops[nops - (bdc ? 2 : 1)][1] : NULL;
            int mcid = bdc && nops >= 1 ? gb__mcid(ops[nops - 1][0], ops[nops - 1][1]) : -1;
            gb__begin_marked(pg, tag0, tag1, mcid, opstart, opend);
            nops = 0;
            continue;
        }
        if (op == GB_OP_EMC) {
            if (pg->stack->len > 0) {
                char one = g_array_index(pg->stack, char, pg->stack->len - 1);
                g_array_set_size(pg->stack, pg->stack->len - 1);
                pg->structs -= one;
                if (one && pg->structs == 0)
                    pg->collect = NULL;
                if (!one && pg->structs == 0 && pg->open && pg->other > 0) {
                    pg->other--;
                    pg->run1 = opend;
                }
            }
            nops = 0;
            continue;
        }
        if (op == GB_OP_BT) {
            gb__object(pg, opstart);
            pg->in_text = TRUE;
            if (pg->collect != NULL && pg->collect->len > 0 &&
                pg->collect->str[pg->collect->len - 1] != ' ')
                g_string_append_c(pg->collect, ' ');
        } else if (op == GB_OP_ET) {
            pg->in_text = FALSE;
            if (pg->open && pg->structs == 0) {
                if (pg->in_text_start) { /* a run that began inside this text object */
                    gb__close_run(pg);
                } else {
                    pg->run1 = opend;
                }
            }
        } else if (op == GB_OP_PATH) {
            if (!pg->in_text)
                gb__object(pg, opstart);
        } else if (op == GB_OP_TF && nops >= 2) {
            font0 = ops[nops - 2][0], font1 = ops[nops - 2][1];
        } else if (op == GB_OP_TEXT) {
            if (pg->in_text) /* a run inside a text object a sequence ended in */
                gb__object(pg, opstart);
            if (pg->open && pg->structs == 0) {
                pg->paint = TRUE;
                if (pg->in_text_start) /* else the run ends, at the latest, before BT */
                    pg->run1 = opend;
            }
            if (pg->collect != NULL && nops >= 1 && font0 != NULL)
                gb__collect_text(pg, font0, font1, ops[nops - 1][0], ops[nops - 1][1]);
        } else if (op == GB_OP_PAINT || op == GB_OP_XOBJ || op == GB_OP_N) {
            if (op == GB_OP_XOBJ)
                gb__object(pg, opstart);
            if (pg->open && pg->structs == 0) {
                pg->run1 = opend;
                if (op != GB_OP_N)
                    pg->paint = TRUE;
            }
        }
        nops = 0;
    }
    gb__close_run(pg);
    gb__copy_to(pg, len);
}
