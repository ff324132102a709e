/* csvread.c - streaming CSV reader over libcsv with positions (see csvread.h).
 *
 * libcsv reports fields and record ends but no positions, so the input is fed
 * to it one physical line at a time: the reader then knows the line and byte
 * offset at which each record starts. The column of a field is only needed for
 * error messages and is found afterwards by gb_csv_locate(). A large regular
 * file is parsed on a thread of its own (the pipe, below). */
#define _POSIX_C_SOURCE 200809L
#include "pipeline/csvread.h"
#include "pipeline/text.h"

#include <csv.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define GB__BLOCK (256 * 1024)
#define GB__CSV_OPTIONS (CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL)
/* libcsv's buffer for the field being read may grow to this and no further:
 * a little over the limit, so that most long fields still reach gb__on_field
 * and are reported with their length. */
#define GB__FIELD_BUFFER_MAX (GB_CSV_MAX_FIELD_BYTES + 4096)
/* A part's records are handed on in batches of GB__BATCH. */
#define GB__BATCH 64
#define GB__BATCH_FIELDS (2 * GB_CSV_MAX_FIELDS) /* a batch, then one record more */
#define GB__BATCH_BYTES (256 * 1024)

typedef struct {
    guint64 record, line, offset;
    guint first, nfields; /* into the field tables */
} GbBatchRecord;

typedef struct {
    const char *path;
    GbCsvRecordFn fn;
    gpointer user;
    GbDiag *diag;
    GbStatus status;

    GString *buf;                   /* this record's fields (a batch's), each followed by NUL */
    guint nfields;                  /* in the tables */
    guint rec_first;                /* the current record's first field in the tables */
    gsize starts[GB__BATCH_FIELDS]; /* offsets into buf */
    gsize lens[GB__BATCH_FIELDS];
    char *fields[GB__BATCH_FIELDS];

    /* A part's batch (batching): records parsed, not yet handed to fn. */
    gboolean batching;
    GbBatchRecord batch[GB__BATCH];
    guint nbatch;
    GbDiag *fn_diag;     /* fn's; diag is then the parser's own */
    gboolean fn_stopped; /* fn returned fn_status, which wins */
    GbStatus fn_status;
    guint last_width; /* fields of the last record (a group's room, below) */

    /* A group (gb__feed_group): whole lines fed to libcsv in one call, each
     * line taken to be one record; the records' positions come from the
     * lines' starts and are confirmed after the call. */
    gboolean grouping;
    const guint64 *group_starts;
    guint group_lines, group_records;

    struct GbCsvPipe *pipe; /* records go to the consumer thread; NULL: straight to fn */

    guint64 record;
    guint64 end;         /* a part (csvsplit.c) stops before this offset; 0: at the end */
    gboolean part;       /* a part: no checks of the file as a whole at its end */
    gsize rec_bytes;     /* bytes of the current record's fields so far */
    gboolean after_cr;   /* the last byte fed ended a line with '\r' */
    guint64 line;        /* physical line being fed */
    guint64 offset;      /* file offset of the next byte fed */
    guint64 line_offset; /* file offset where the physical line starts */
    gboolean at_line_start;
    gboolean have_start; /* the current record's start is known */
    guint64 rec_line, rec_offset;
    /* Bytes from here on, up to what has been fed, are all ASCII (no NUL either:
     * a block stops at one): a record starting here needs no check of its
     * fields' bytes. Each block is looked at once, as a whole. */
    guint64 clean_from;
    /* A part already in memory (csvsplit.c maps it): the byte at file offset
     * mem_start is mem[0]; the bytes are read from there, not from a FILE. */
    const char *mem;
    guint64 mem_start;
} GbCsvState;

static void
gb__fail_at_field(GbCsvState *st, guint field, const char *fmt, const char *detail)
{
    guint64 line, col;
    gb_csv_locate(st->path, st->rec_offset, st->rec_line, field, &line, &col);
    gb_diag_set(st->diag, st->path, line, col, fmt, detail);
    st->status = GB_DATA;
}

/* Checks a field's bytes: no NUL, valid UTF-8. Reports and returns FALSE when
 * they are not. */
static G_GNUC_NO_INLINE gboolean
gb__field_valid(GbCsvState *st, const char *f, gsize len, guint index)
{
    /* One pass finds the rare bytes: NUL and non-ASCII. Eight bytes at a time:
     * a byte that is 0 or has its top bit set sets a top bit of (v - 1s) | v
     * (borrows only after a zero byte, and then the bytewise loop decides). */
    gsize k = 0;
    for (guint64 v; k + 8 <= len; k += 8) {
        memcpy(&v, f + k, 8);
        if (((v - 0x0101010101010101ull) | v) & 0x8080808080808080ull)
            break;
    }
    while (k < len && (guchar)(f[k] - 1) < 0x7F) /* c - 1 wraps NUL to 0xFF */
        k++;
    if (k < len) {
        if (memchr(f + k, '\0', len - k) != NULL) {
            gb__fail_at_field(st, index, "%s",
                              "NUL byte in field (is this a UTF-16 or binary file?)");
            return FALSE;
        }
        const char *end;
        if (!g_utf8_validate_len(f + k, len - k, &end)) {
            char at[64];
            g_snprintf(at, sizeof at, "byte 0x%02X at offset %zu of the field", (guchar)*end,
                       (size_t)(end - f));
            gb__fail_at_field(st, index, "invalid UTF-8 (%s); save the file as UTF-8", at);
            return FALSE;
        }
    }
    return TRUE;
}

/* Reports the first limit the field breaks, in this order: the record's
 * number of fields, the field's length, the record's length. Out of the way of
 * gb__on_field, which calls it rarely. */
static G_GNUC_NO_INLINE void
gb__field_over(GbCsvState *st, gsize len, guint index)
{
    char limit[64];
    if (index >= GB_CSV_MAX_FIELDS) {
        g_snprintf(limit, sizeof limit, "%d", GB_CSV_MAX_FIELDS);
        gb__fail_at_field(st, index, "record has more than %s fields (the limit)", limit);
    } else if (len > GB_CSV_MAX_FIELD_BYTES) {
        g_snprintf(limit, sizeof limit, "%zu bytes; the limit is %d", len, GB_CSV_MAX_FIELD_BYTES);
        gb__fail_at_field(st, index, "field is too long (%s)", limit);
    } else {
        g_snprintf(limit, sizeof limit, "%d", GB_CSV_MAX_RECORD_BYTES);
        gb__fail_at_field(st, index, "record is too long (over %s bytes, the limit)", limit);
    }
}

/* Copies field f[0..len) and its NUL to `to`. Most fields are short:
 * overlapping words, no call. */
static inline void
gb__copy_field(char *to, const char *f, gsize len)
{
    if (len >= 8 && len <= 16) {
        guint64 a, b;
        memcpy(&a, f, 8);
        memcpy(&b, f + len - 8, 8);
        memcpy(to, &a, 8);
        memcpy(to + len - 8, &b, 8);
    } else if (len > 16 && len <= 32) {
        guint64 a, b, c, d;
        memcpy(&a, f, 8);
        memcpy(&b, f + 8, 8);
        memcpy(&c, f + len - 16, 8);
        memcpy(&d, f + len - 8, 8);
        memcpy(to, &a, 8);
        memcpy(to + 8, &b, 8);
        memcpy(to + len - 16, &c, 8);
        memcpy(to + len - 8, &d, 8);
    } else if (len >= 4 && len < 8) {
        guint32 a, b;
        memcpy(&a, f, 4);
        memcpy(&b, f + len - 4, 4);
        memcpy(to, &a, 4);
        memcpy(to + len - 4, &b, 4);
    } else if (len > 0 && len < 4) {
        to[0] = f[0];
        to[len / 2] = f[len / 2];
        to[len - 1] = f[len - 1];
    } else if (len > 0) {
        memcpy(to, f, len);
    }
    to[len] = '\0';
}

/* gb__on_field for every field the quick path below does not take: a stopped
 * parse, a limit, bytes to check, a buffer to grow. */
static G_GNUC_NO_INLINE void
gb__on_field_slow(GbCsvState *st, const char *field, gsize len)
{
    if (st->status != GB_OK)
        return;
    const char *f = field != NULL ? field : "";
    guint index = st->nfields - st->rec_first;
    st->rec_bytes += len + 1;
    if (index >= GB_CSV_MAX_FIELDS || len > GB_CSV_MAX_FIELD_BYTES ||
        st->rec_bytes > GB_CSV_MAX_RECORD_BYTES) {
        gb__field_over(st, len, index);
        return;
    }
    /* Fields of a record in blocks that are all ASCII are valid UTF-8 without
     * a NUL; others are looked at here. */
    if (st->rec_offset < st->clean_from && !gb__field_valid(st, f, len, index))
        return;
    gsize at = st->buf->len;
    st->starts[st->nfields] = at;
    st->lens[st->nfields] = len;
    st->nfields++;
    g_string_set_size(st->buf, at + len + 1);
    gb__copy_field(st->buf->str + at, f, len);
}

/* The field callback. Most fields take the quick path: a running parse, no
 * limit near, a record known to be ASCII, room in the buffer; it makes no
 * call but the copy's, so it saves no registers (the rest is
 * gb__on_field_slow's, a tail call). */
static void
gb__on_field(void *field, size_t len, void *data)
{
    GbCsvState *st = data;
    gsize at = st->buf->len, need = at + len + 1, rec_bytes = st->rec_bytes + len + 1;
    guint n = st->nfields;
    if (G_UNLIKELY(st->status != GB_OK || field == NULL || n - st->rec_first >= GB_CSV_MAX_FIELDS ||
                   len > GB_CSV_MAX_FIELD_BYTES || rec_bytes > GB_CSV_MAX_RECORD_BYTES ||
                   st->rec_offset < st->clean_from || need >= st->buf->allocated_len)) {
        gb__on_field_slow(st, field, len);
        return;
    }
    st->rec_bytes = rec_bytes;
    st->starts[n] = at;
    st->lens[n] = len;
    st->nfields = n + 1;
    st->buf->len = need;
    gb__copy_field(st->buf->str + at, field, len);
}

static void gb__pipe_record(GbCsvState *st);

/* Hands the batch's records to fn in order and empties it; a status other
 * than GB_OK from fn stops the read. */
static void
gb__batch_flush(GbCsvState *st)
{
    guint n = st->nbatch;
    st->nbatch = 0;
    for (guint i = 0; i < st->nfields && !st->fn_stopped; i++)
        st->fields[i] = st->buf->str + st->starts[i];
    for (guint i = 0; i < n && !st->fn_stopped; i++) {
        const GbBatchRecord *b = &st->batch[i];
        GbCsvRecord rec = {.path = st->path,
                           .record = b->record,
                           .line = b->line,
                           .offset = b->offset,
                           .nfields = b->nfields,
                           .fields = st->fields + b->first,
                           .lens = st->lens + b->first};
        GbStatus status = st->fn(&rec, st->user, st->fn_diag);
        if (status != GB_OK) {
            st->fn_stopped = TRUE;
            st->fn_status = status;
            st->status = status; /* the parser stops too */
        }
    }
    g_string_truncate(st->buf, 0);
    st->nfields = 0;
    st->rec_first = 0;
}

static void
gb__on_record(int term, void *data)
{
    GbCsvState *st = data;
    if (st->status != GB_OK)
        return;
    st->record++;
    st->rec_bytes = 0;
    if (st->batching) {
        st->batch[st->nbatch++] = (GbBatchRecord){.record = st->record,
                                                  .line = st->rec_line,
                                                  .offset = st->rec_offset,
                                                  .first = st->rec_first,
                                                  .nfields = st->nfields - st->rec_first};
        st->last_width = st->nfields - st->rec_first;
        st->rec_first = st->nfields;
        gboolean full = st->nbatch == GB__BATCH ||
                        st->nfields > GB__BATCH_FIELDS - GB_CSV_MAX_FIELDS ||
                        st->buf->len > GB__BATCH_BYTES;
        if (st->grouping) {
            /* The next line's record starts at its start (the group's last
             * entry is the end of its bytes); the batch is handed on once the
             * group is confirmed, where one line at a time would have (a group
             * fills it at most). */
            guint i = ++st->group_records;
            st->rec_line++;
            st->rec_offset = st->group_starts[i];
            if (G_UNLIKELY(full && i < st->group_lines)) {
                /* Not a group after all: nothing more is taken, and the
                 * group is undone (the status too). */
                st->status = GB_DATA;
            }
            return;
        }
        st->have_start = FALSE;
        if (full)
            gb__batch_flush(st);
        return;
    }
    if (st->pipe != NULL) { /* the fields are in the batch already */
        gb__pipe_record(st);
        st->nfields = 0;
        st->have_start = FALSE;
        return;
    }
    for (guint i = 0; i < st->nfields; i++)
        st->fields[i] = st->buf->str + st->starts[i];
    GbCsvRecord rec = {
        .path = st->path,
        .record = st->record,
        .line = st->rec_line,
        .offset = st->rec_offset,
        .nfields = st->nfields,
        .fields = st->fields,
        .lens = st->lens,
    };
    st->status = st->fn(&rec, st->user, st->diag);
    g_string_truncate(st->buf, 0);
    st->nfields = 0;
    st->have_start = FALSE;
}

static gboolean
gb__blank(const char *p, gsize n)
{
    for (gsize i = 0; i < n; i++)
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
            return FALSE;
    return TRUE;
}

/* The length of the physical line that starts at p: up to and with its
 * "\n", "\r\n" or lone "\r" (old Mac files), or n when it goes on past p[n).
 * cr is the first CR at or after p in p[0..n), or NULL. *ended says whether a
 * line end was found. */
static gsize
gb__line_len(const char *p, gsize n, const char *cr, gboolean *ended)
{
    const char *nl = memchr(p, '\n', n);
    gsize upto = nl != NULL ? (gsize)(nl - p) : n;
    if (cr != NULL && (gsize)(cr - p) >= upto)
        cr = NULL;
    *ended = TRUE;
    if (cr != NULL && cr + 1 != nl)
        return (gsize)(cr - p) + 1; /* a lone CR (or one at the block's end) */
    if (nl != NULL)
        return upto + 1;
    *ended = FALSE;
    return n;
}

/* Reports a libcsv stop at p[done] of the line being fed. */
static void
gb__parse_error(GbCsvState *st, struct csv_parser *parser, const char *p, gsize done)
{
    guint64 col = st->offset + done - st->line_offset + 1;
    if (csv_error(parser) == CSV_ENOMEM) {
        /* gb__field_realloc refused to grow the field past the limit. */
        char limit[64];
        g_snprintf(limit, sizeof limit, "over %d bytes, the limit", GB_CSV_MAX_FIELD_BYTES);
        gb__fail_at_field(st, st->nfields - st->rec_first,
                          "field is too long (%s); is a quote or a line "
                          "end missing?",
                          limit);
        return;
    }
    if (p[done] == '"')
        gb_diag_set(st->diag, st->path, st->line, col,
                    "stray '\"' in an unquoted field (quote the whole field "
                    "and double inner quotes: \"a \"\"b\"\" c\")");
    else
        gb_diag_set(st->diag, st->path, st->line, col,
                    "unexpected character after a closing quote "
                    "(a quoted field must end at a comma or line end)");
    st->status = GB_DATA;
}

/* Feeds the whole lines at p[0..n) that the batch has room for to libcsv in
 * one call, instead of one call a line. Taken are lines that end in "\n" or
 * "\r\n" (no other CR), do not start with a blank, and start a record; the
 * records' lines and offsets are those of the lines, which holds when libcsv
 * ends exactly one record per line: a record can only end at a line end, a
 * blank line ends none and a quoted line end none either, so that is when the
 * group gave as many records as it has lines. Then the group is kept and the
 * batch handed on when full, as line by line. Otherwise (a record over two
 * lines, a parse error, a field or record over a limit, a batch that would
 * be handed on inside the group) everything the group did is undone and its
 * lines are fed again one at a time, which gives the records and messages
 * their positions; *off is then set, and no group is tried for the rest of
 * the block. Returns the bytes consumed: 0 when nothing was kept. *cr is the
 * next CR (gb__feed's). */
static gsize
gb__feed_group(GbCsvState *st, struct csv_parser *parser, const char *p, gsize n, const char **cr,
               gboolean *off)
{
    if (st->nfields >= GB__BATCH_FIELDS - GB_CSV_MAX_FIELDS)
        return 0;
    guint width = MAX(st->last_width, 1);
    guint room =
        MIN(GB__BATCH - st->nbatch, (GB__BATCH_FIELDS - GB_CSV_MAX_FIELDS - st->nfields) / width);
    if (room < 2 || st->buf->len >= GB__BATCH_BYTES)
        return 0;
    guint64 starts[GB__BATCH + 2]; /* + the end, + one past it (never read) */
    const char *next_cr = *cr;
    gsize at = 0;
    guint lines = 0;
    while (lines < room && at < n && st->buf->len + at < GB__BATCH_BYTES) {
        const char *q = p + at;
        if (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\n')
            break; /* perhaps blank: line by line */
        const char *nl = memchr(q, '\n', n - at);
        if (nl == NULL)
            break;
        if (next_cr != NULL && next_cr < nl) {
            if (next_cr + 1 != nl)
                break; /* a lone CR ends a line of its own */
            next_cr = memchr(nl + 1, '\r', n - (gsize)(nl + 1 - p));
        }
        starts[lines++] = st->offset + at;
        at = (gsize)(nl - p) + 1;
    }
    if (lines < 2)
        return 0;
    starts[lines] = starts[lines + 1] = st->offset + at;

    /* What the group may change, to undo it. */
    guint64 record = st->record;
    guint nbatch = st->nbatch, nfields = st->nfields, rec_first = st->rec_first;
    guint last_width = st->last_width;
    gsize buf_len = st->buf->len;
    int pstate = parser->pstate, quoted = parser->quoted, pstatus = parser->status;
    size_t spaces = parser->spaces, entry_pos = parser->entry_pos;

    st->grouping = TRUE;
    st->group_starts = starts;
    st->group_lines = lines;
    st->group_records = 0;
    st->line_offset = starts[0];
    st->have_start = TRUE;
    st->rec_line = st->line;
    st->rec_offset = starts[0];
    size_t done = csv_parse(parser, p, at, gb__on_field, gb__on_record, st);
    st->grouping = FALSE;
    if (done == at && st->status == GB_OK && st->group_records == lines) {
        st->line += lines;
        st->offset += at;
        st->at_line_start = TRUE;
        st->have_start = FALSE;
        st->after_cr = FALSE;
        *cr = next_cr;
        if (st->nbatch == GB__BATCH || st->nfields > GB__BATCH_FIELDS - GB_CSV_MAX_FIELDS ||
            st->buf->len > GB__BATCH_BYTES)
            gb__batch_flush(st);
        return at;
    }
    st->record = record;
    st->nbatch = nbatch;
    st->nfields = nfields;
    st->rec_first = rec_first;
    st->last_width = last_width;
    g_string_truncate(st->buf, buf_len);
    st->rec_bytes = 0;
    st->have_start = FALSE;
    st->line_offset = st->offset;
    gb_diag_clear(st->diag);
    st->status = GB_OK;
    parser->pstate = pstate;
    parser->quoted = quoted;
    parser->status = pstatus;
    parser->spaces = spaces;
    parser->entry_pos = entry_pos;
    *off = TRUE;
    return 0;
}

/* Feeds p[0..n) to libcsv one physical line at a time. Returns FALSE when
 * the callback or the parser stopped; a parse error is reported here. */
static gboolean
gb__feed(GbCsvState *st, struct csv_parser *parser, const char *p, gsize n)
{
    if (st->after_cr && n > 0) {
        st->after_cr = FALSE;
        /* A CR that ended the last block and this LF are one line end. */
        if (*p == '\n') {
            if (csv_parse(parser, p, 1, gb__on_field, gb__on_record, st) != 1 &&
                st->status == GB_OK)
                gb__parse_error(st, parser, p, 0);
            if (st->status != GB_OK)
                return FALSE;
            st->offset++;
            p++;
            n--;
        }
    }
    /* The next CR, looked for again only once it is behind: most lines have
     * none, and a search per line would cost as much as the one for LF. */
    const char *cr = n > 0 ? memchr(p, '\r', n) : NULL;
    /* Parts (batches) feed whole lines in groups where they can. */
    gboolean group_off = !st->batching;
    while (n > 0 && st->status == GB_OK) {
        gboolean ended;
        if (cr != NULL && cr < p)
            cr = memchr(p, '\r', n);
        if (!group_off && st->at_line_start && !st->have_start) {
            gsize used = gb__feed_group(st, parser, p, n, &cr, &group_off);
            if (used > 0) {
                p += used;
                n -= used;
                continue;
            }
        }
        gsize chunk = gb__line_len(p, n, cr, &ended);
        if (st->at_line_start) {
            st->line_offset = st->offset;
            if (!st->have_start && !gb__blank(p, chunk)) {
                st->have_start = TRUE;
                st->rec_line = st->line;
                st->rec_offset = st->offset;
            }
        }
        size_t done = csv_parse(parser, p, chunk, gb__on_field, gb__on_record, st);
        if (st->status != GB_OK)
            return FALSE;
        if (done < chunk) {
            /* libcsv stopped at the offending byte, p[done]. */
            gb__parse_error(st, parser, p, done);
            return FALSE;
        }
        st->offset += chunk;
        p += chunk;
        n -= chunk;
        st->at_line_start = ended;
        if (ended) {
            st->line++;
            st->after_cr = n == 0 && p[-1] == '\r';
        }
    }
    return st->status == GB_OK;
}

/* Grows libcsv's field buffer, but never past GB__FIELD_BUFFER_MAX: a field
 * with no end (a gigabyte line, /dev/zero) is then stopped as its bytes
 * arrive, in bounded memory, and libcsv fails with CSV_ENOMEM. */
static void *
gb__field_realloc(void *p, size_t size)
{
    if (size > GB__FIELD_BUFFER_MAX)
        return NULL;
    return realloc(p, size);
}

/* Whether p[0..n) is all ASCII: a word at a time, which the compiler
 * vectorises. */
static gboolean
gb__ascii(const char *p, gsize n)
{
    guint64 acc = 0, v;
    gsize i = 0;
    for (; i + 8 <= n; i += 8) {
        memcpy(&v, p + i, 8);
        acc |= v;
    }
    for (; i < n; i++)
        acc |= (guchar)p[i];
    return (acc & 0x8080808080808080ull) == 0;
}

/* Parses the open file f to its end, handing every record on (st->fn, or
 * the pipe); leaves the outcome in st->status and st->diag. */
static void
gb__parse(GbCsvState *st, FILE *f)
{
    const char *path = st->path;
    GbDiag *diag = st->diag;
    struct csv_parser parser;
    if (csv_init(&parser, GB__CSV_OPTIONS) != 0) {
        st->status = GB_SOFTWARE;
        gb_diag_set(diag, path, 0, 0, "cannot initialise the CSV parser");
        return;
    }
    csv_set_realloc_func(&parser, gb__field_realloc);
    if (st->pipe == NULL)
        st->buf = g_string_sized_new(256);
    char *block = st->mem == NULL ? g_malloc(GB__BLOCK) : NULL;

    gboolean first = st->offset == 0; /* a part may start later */
    for (;;) {
        if (gb_cancel_requested()) {
            gb_diag_set(diag, path, st->line, 0, "interrupted while reading");
            st->status = GB_TEMPFAIL;
            goto out;
        }
        size_t want = GB__BLOCK;
        if (st->end != 0)
            want = st->offset < st->end ? MIN(want, st->end - st->offset) : 0;
        size_t n;
        const char *p = block;
        if (st->mem != NULL) {
            n = want;
            p = st->mem + (st->offset - st->mem_start);
        } else {
            n = want > 0 ? fread(block, 1, want, f) : 0;
        }
        if (n == 0 && st->mem != NULL)
            break;
        if (n == 0) {
            if (ferror(f) && errno == EINTR && gb_cancel_requested()) {
                gb_diag_set(diag, path, st->line, 0, "interrupted while reading");
                st->status = GB_TEMPFAIL;
                goto out;
            }
            if (ferror(f)) {
                gb_diag_set(diag, path, st->line, 0, "read error: %s", g_strerror(errno));
                st->status = GB_IOERR;
                goto out;
            }
            break;
        }
        if (first) {
            first = FALSE;
            if (n >= 4 &&
                ((memcmp(p, "\xFF\xFE\0\0", 4) == 0) || memcmp(p, "\0\0\xFE\xFF", 4) == 0)) {
                gb_diag_set(diag, path, 1, 1,
                            "file is UTF-32; convert it to UTF-8 first: "
                            "iconv -f UTF-32 -t UTF-8 IN > OUT.csv");
                st->status = GB_DATA;
                goto out;
            }
            if (n >= 2 && (((guchar)p[0] == 0xFF && (guchar)p[1] == 0xFE) ||
                           ((guchar)p[0] == 0xFE && (guchar)p[1] == 0xFF))) {
                gb_diag_set(diag, path, 1, 1,
                            "file is UTF-16; convert it to UTF-8 first: "
                            "iconv -f UTF-16 -t UTF-8 IN > OUT.csv");
                st->status = GB_DATA;
                goto out;
            }
            if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
                p += 3;
                n -= 3;
                st->offset = 3;
            }
        }
        /* A NUL byte stops the read where it is: no text file has one, and
         * libcsv would take a stream of them (/dev/zero) as one endless field. */
        const char *nul = memchr(p, '\0', n);
        gsize feed = nul != NULL ? (gsize)(nul - p) : n;
        if (!gb__ascii(p, feed))
            st->clean_from = st->offset + feed;
        else if (st->clean_from == G_MAXUINT64)
            st->clean_from = st->offset;
        if (!gb__feed(st, &parser, p, feed))
            goto out;
        if (nul != NULL) {
            guint64 col = st->at_line_start ? 1 : st->offset - st->line_offset + 1;
            gb_diag_set(diag, path, st->line, col,
                        "NUL byte (this is not a text file: "
                        "binary, or UTF-16 or UTF-32 without a byte order mark?)");
            st->status = GB_DATA;
            goto out;
        }
    }
    if (!st->part && st->offset <= 3 && st->record == 0 && !st->have_start) {
        gb_diag_set(diag, path, 0, 0, "file is empty");
        st->status = GB_DATA;
        goto out;
    }
    if (csv_fini(&parser, gb__on_field, gb__on_record, st) != 0) {
        /* The open quote starts the field after the last complete one. */
        guint64 line, col;
        gb_csv_locate(path, st->rec_offset, st->rec_line, st->nfields - st->rec_first, &line, &col);
        gb_diag_set(diag, path, line, col, "unterminated quoted field (this \" is never closed)");
        st->status = GB_DATA;
        goto out;
    }
    if (!st->part && st->status == GB_OK && st->record == 0) {
        gb_diag_set(diag, path, 0, 0, "file has no records (only blank lines)");
        st->status = GB_DATA;
    }
out:
    /* The records parsed before a stop come before it. */
    if (st->batching && !st->fn_stopped)
        gb__batch_flush(st);
    csv_free(&parser);
    if (st->pipe == NULL)
        g_string_free(st->buf, TRUE);
    st->buf = NULL;
    g_free(block);
}

/* Large files are read on two threads: a parser thread runs libcsv and checks
 * every field, and hands the records over in batches; the calling thread takes
 * them in order and calls fn, so fn and everything it touches stay on one
 * thread, and records, errors and their order are exactly those of reading on
 * one thread. A few batches circulate between the two, so memory stays bounded. */
#define GB__PIPE_RECORDS 512
#define GB__PIPE_BATCHES 8
static gsize gb__pipe_threshold = 1024 * 1024;

typedef struct {
    guint64 record, line, offset;
    guint first, nfields; /* into the batch's field tables */
} GbPipeRecord;

typedef struct {
    GString *bytes;        /* the fields, each followed by NUL */
    GArray *starts, *lens; /* gsize each, one per field */
    GArray *records;       /* GbPipeRecord */
    gboolean last;         /* the parser is done: its status and diag follow */
    GbStatus status;
    GbDiag diag;
} GbPipeBatch;

typedef struct GbCsvPipe {
    GAsyncQueue *full, *empty;
    GbPipeBatch *batch; /* being filled by the parser */
    gint stop;          /* atomic: the consumer wants no more */
    GbCsvState *st;
    FILE *f;
} GbCsvPipe;

static GbPipeBatch *
gb__batch_new(void)
{
    GbPipeBatch *b = g_new0(GbPipeBatch, 1);
    b->bytes = g_string_sized_new(64 * 1024);
    b->starts = g_array_sized_new(FALSE, FALSE, sizeof(gsize), GB__PIPE_RECORDS * 8);
    b->lens = g_array_sized_new(FALSE, FALSE, sizeof(gsize), GB__PIPE_RECORDS * 8);
    b->records = g_array_sized_new(FALSE, FALSE, sizeof(GbPipeRecord), GB__PIPE_RECORDS);
    return b;
}

static void
gb__batch_free(GbPipeBatch *b)
{
    g_string_free(b->bytes, TRUE);
    g_array_free(b->starts, TRUE);
    g_array_free(b->lens, TRUE);
    g_array_free(b->records, TRUE);
    gb_diag_clear(&b->diag);
    g_free(b);
}

static void
gb__batch_reset(GbPipeBatch *b)
{
    g_string_truncate(b->bytes, 0);
    g_array_set_size(b->starts, 0);
    g_array_set_size(b->lens, 0);
    g_array_set_size(b->records, 0);
}

static void
gb__pipe_record(GbCsvState *st)
{
    GbCsvPipe *pp = st->pipe;
    if (g_atomic_int_get(&pp->stop)) {
        st->status = GB_TEMPFAIL; /* the consumer has its own outcome; this one is dropped */
        return;
    }
    GbPipeBatch *b = pp->batch;
    GbPipeRecord r = {.record = st->record,
                      .line = st->rec_line,
                      .offset = st->rec_offset,
                      .first = b->starts->len,
                      .nfields = st->nfields};
    /* st->buf is b->bytes: the starts are offsets in it already. */
    g_array_append_vals(b->starts, st->starts, st->nfields);
    g_array_append_vals(b->lens, st->lens, st->nfields);
    g_array_append_val(b->records, r);
    if (b->records->len >= GB__PIPE_RECORDS) {
        g_async_queue_push(pp->full, b);
        pp->batch = g_async_queue_pop(pp->empty);
        gb__batch_reset(pp->batch);
        st->buf = pp->batch->bytes;
    }
}

static gpointer
gb__pipe_parser(gpointer data)
{
    GbCsvPipe *pp = data;
    GbCsvState *st = pp->st;
    GbDiag diag = {0};
    st->diag = &diag;
    gb__parse(st, pp->f);
    pp->batch->last = TRUE;
    pp->batch->status = st->status;
    pp->batch->diag = diag;
    g_async_queue_push(pp->full, pp->batch);
    pp->batch = NULL;
    return NULL;
}

static GbStatus
gb__read_piped(GbCsvState *st, FILE *f, GbDiag *diag)
{
    GbCsvPipe pp = {.full = g_async_queue_new(), .empty = g_async_queue_new(), .st = st, .f = f};
    st->pipe = &pp;
    pp.batch = gb__batch_new();
    st->buf = pp.batch->bytes; /* fields are copied straight into the batch */
    for (int i = 1; i < GB__PIPE_BATCHES; i++)
        g_async_queue_push(pp.empty, gb__batch_new());
    GThread *parser = g_thread_new("csv", gb__pipe_parser, &pp);
    GbStatus status = GB_OK;
    char **fields = g_new(char *, GB_CSV_MAX_FIELDS);
    GbPipeBatch *b;
    for (;;) {
        b = g_async_queue_pop(pp.full);
        for (guint i = 0; i < b->records->len && status == GB_OK; i++) {
            const GbPipeRecord *r = &g_array_index(b->records, GbPipeRecord, i);
            const gsize *starts = &g_array_index(b->starts, gsize, r->first);
            for (guint k = 0; k < r->nfields; k++)
                fields[k] = b->bytes->str + starts[k];
            GbCsvRecord rec = {.path = st->path,
                               .record = r->record,
                               .line = r->line,
                               .offset = r->offset,
                               .nfields = r->nfields,
                               .fields = fields,
                               .lens = &g_array_index(b->lens, gsize, r->first)};
            status = st->fn(&rec, st->user, diag);
            if (status != GB_OK)
                g_atomic_int_set(&pp.stop, 1);
        }
        if (b->last)
            break;
        gb__batch_reset(b);
        g_async_queue_push(pp.empty, b);
    }
    g_thread_join(parser);
    if (status == GB_OK) {
        status = b->status;
        *diag = b->diag;
        b->diag = (GbDiag){0};
    }
    gb__batch_free(b);
    while ((b = g_async_queue_try_pop(pp.empty)) != NULL)
        gb__batch_free(b);
    g_async_queue_unref(pp.full);
    g_async_queue_unref(pp.empty);
    g_free(fields);
    return status;
}

void
gb_csv_set_pipe_threshold(gsize bytes)
{
    gb__pipe_threshold = bytes;
}

GbStatus
gb_csv_read(const char *path, GbCsvRecordFn fn, gpointer user, GbDiag *diag)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL && errno == EINTR && gb_cancel_requested()) {
        /* A signal while waiting to open a FIFO: interrupted, not missing. */
        gb_diag_set(diag, path, 0, 0, "interrupted while waiting to open");
        return GB_TEMPFAIL;
    }
    if (f == NULL) {
        gb_diag_set(diag, path, 0, 0, "cannot open: %s", g_strerror(errno));
        return GB_NOINPUT;
    }
    struct stat sb;
    if (fstat(fileno(f), &sb) == 0 && S_ISDIR(sb.st_mode)) {
        fclose(f);
        gb_diag_set(diag, path, 0, 0, "is a directory, not a CSV file");
        return GB_NOINPUT;
    }
    GbCsvState *st = g_new0(GbCsvState, 1); /* ~12 KiB of field tables: not on the stack */
    *st = (GbCsvState){.path = path,
                       .fn = fn,
                       .user = user,
                       .diag = diag,
                       .line = 1,
                       .at_line_start = TRUE,
                       .clean_from = G_MAXUINT64};
    GbStatus status;
    /* A pipe or a small file: one thread (a thread costs more than it saves). */
    if (S_ISREG(sb.st_mode) && (gsize)sb.st_size >= gb__pipe_threshold) {
        status = gb__read_piped(st, f, diag);
    } else {
        gb__parse(st, f);
        status = st->status;
    }
    fclose(f);
    g_free(st);
    return status;
}

GbStatus
gb__csv_read_part(const char *path, FILE *f, const char *mem, guint64 start, guint64 end,
                  guint64 *line, GbCsvRecordFn fn, gpointer user, GbDiag *diag)
{
    if (mem == NULL && fseeko(f, (off_t)start, SEEK_SET) != 0) {
        gb_diag_set(diag, path, 0, 0, "cannot seek: %s", g_strerror(errno));
        return GB_IOERR;
    }
    GbCsvState *st = g_new0(GbCsvState, 1);
    GbDiag parse_diag = {0};
    *st = (GbCsvState){.path = path,
                       .fn = fn,
                       .user = user,
                       .diag = &parse_diag,
                       .line = *line,
                       .offset = start,
                       .end = end,
                       .part = TRUE,
                       .at_line_start = TRUE,
                       .batching = TRUE,
                       .fn_diag = diag,
                       .clean_from = G_MAXUINT64,
                       .mem = mem,
                       .mem_start = start};
    gb__parse(st, f);
    GbStatus status = st->fn_stopped ? st->fn_status : st->status;
    if (!st->fn_stopped && status != GB_OK) {
        gb_diag_clear(diag);
        *diag = parse_diag;
    } else {
        gb_diag_clear(&parse_diag);
    }
    *line = st->line;
    g_free(st);
    return status;
}

typedef struct {
    guint want; /* field index sought */
    guint seen; /* fields completed so far */
    gboolean found, done;
    guint64 pos;   /* offset of the byte being fed */
    guint64 start; /* offset where field `seen` starts */
} GbCsvLocate;

static void
gb__locate_field(void *field, size_t len, void *data)
{
    GbCsvLocate *lc = data;
    if (lc->done)
        return;
    /* The byte just fed ended field `seen`; the next one starts after it. */
    lc->seen++;
    lc->start = lc->pos + 1;
    if (lc->seen == lc->want)
        lc->found = TRUE;
}

static void
gb__locate_record(int term, void *data)
{
    GbCsvLocate *lc = data;
    lc->done = TRUE;
}

gboolean
gb_csv_locate(const char *path, guint64 offset, guint64 line, guint field, guint64 *out_line,
              guint64 *out_col)
{
    *out_line = line;
    *out_col = 1;
    /* Only a regular file can be read twice (a pipe has gone by now). */
    if (!g_file_test(path, G_FILE_TEST_IS_REGULAR))
        return FALSE;
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return FALSE;
    if (fseeko(f, (off_t)offset, SEEK_SET) != 0) {
        fclose(f);
        return FALSE;
    }
    struct csv_parser parser;
    if (csv_init(&parser, GB__CSV_OPTIONS) != 0) {
        fclose(f);
        return FALSE;
    }
    GbCsvLocate lc = {.want = field, .pos = offset, .start = offset, .found = field == 0};
    guint64 target = offset;
    int c;
    while (!lc.found && !lc.done && (c = fgetc(f)) != EOF) {
        char ch = (char)c;
        if (csv_parse(&parser, &ch, 1, gb__locate_field, gb__locate_record, &lc) != 1)
            break;
        lc.pos++;
    }
    gboolean ok = lc.found;
    if (ok)
        target = lc.start;
    /* Count lines and the column from the record start up to the target. */
    if (ok && fseeko(f, (off_t)offset, SEEK_SET) == 0) {
        guint64 l = line, col = 1;
        int prev = 0;
        for (guint64 o = offset; o < target && (c = fgetc(f)) != EOF; o++) {
            if (c == '\r' || (c == '\n' && prev != '\r')) {
                l++;
                col = 1;
            } else if (c != '\n') {
                col++;
            }
            prev = c;
        }
        *out_line = l;
        *out_col = col;
    }
    csv_free(&parser);
    fclose(f);
    return ok;
}

void
gb_csv_diag_field(const GbCsvRecord *rec, guint field, GbDiag *diag, const char *fmt, ...)
{
    guint64 line, col;
    gb_csv_locate(rec->path, rec->offset, rec->line, field, &line, &col);
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    gb_diag_set(diag, rec->path, line, col, "%s", msg);
    g_free(msg);
}

GbStatus
gb_csv_map_header(const GbCsvRecord *hdr, const GbColumnSpec *specs, guint n,
                  gboolean allow_unknown, int *idx, GbDiag *diag)
{
    GString *key = g_string_new(NULL), *want = g_string_new(NULL);
    GbStatus status = GB_OK;
    for (guint i = 0; i < n; i++)
        idx[i] = -1;
    for (guint f = 0; f < hdr->nfields && status == GB_OK; f++) {
        gb_text_key(hdr->fields[f], hdr->lens[f], key);
        if (key->len == 0) {
            gb_csv_diag_field(hdr, f, diag, "empty column name in the header (column %u)", f + 1);
            status = GB_DATA;
            break;
        }
        int match = -1;
        for (guint i = 0; i < n; i++) {
            gb_text_key(specs[i].name, strlen(specs[i].name), want);
            if (g_string_equal(key, want)) {
                match = (int)i;
                break;
            }
        }
        if (match < 0) {
            if (allow_unknown)
                continue;
            GString *msg = g_string_new("unknown column ");
            gb_text_append_quoted(msg, hdr->fields[f], hdr->lens[f]);
            g_string_append(msg, "; expected columns: ");
            for (guint i = 0; i < n; i++)
                g_string_append_printf(msg, "%s%s", i ? ", " : "", specs[i].name);
            gb_csv_diag_field(hdr, f, diag, "%s", msg->str);
            g_string_free(msg, TRUE);
            status = GB_DATA;
        } else if (idx[match] >= 0) {
            gb_csv_diag_field(hdr, f, diag, "duplicate column '%s' (also column %d)",
                              specs[match].name, idx[match] + 1);
            status = GB_DATA;
        } else {
            idx[match] = (int)f;
        }
    }
    for (guint i = 0; i < n && status == GB_OK; i++) {
        if (specs[i].required && idx[i] < 0) {
            gb_diag_set(diag, hdr->path, hdr->line, 1, "missing required column '%s'",
                        specs[i].name);
            status = GB_DATA;
        }
    }
    g_string_free(key, TRUE);
    g_string_free(want, TRUE);
    return status;
}
