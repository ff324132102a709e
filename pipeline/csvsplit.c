/* csvsplit.c - a large CSV file read in parts on several threads (see csvsplit.h).
 *
 * Where to cut: a record can only end at a line end outside quotes, and in a
 * well-formed file a byte is inside quotes exactly when an odd number of quote
 * characters come before it (an opening and a closing quote, or a doubled one
 * inside, count two). A part therefore ends at the first line feed after its
 * nominal size that has an even number of quotes since the part's start (which
 * is itself such a point), found by counting quotes. Where the count misleads,
 * the file is malformed before the cut: the part holding the first fault starts
 * at a true boundary, so that fault is found and reported as on one thread, and
 * nothing after it is merged. When no such line feed comes before the end of
 * the file, the rest is one part, read by one thread.
 *
 * Part 0 holds the header and is read on the calling thread before any other;
 * then every thread, the calling one too, takes the next part in file order,
 * parses it with its own libcsv parser into a part output, and merges the
 * parts that are ready in order. At most two parts per thread are out at once. */
#define _GNU_SOURCE /* sched_getaffinity, MAP_NORESERVE, MADV_HUGEPAGE */
#include "pipeline/csvsplit.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define GB__SCAN_BLOCK (256 * 1024)
/* How far past its nominal end a part's first window reaches: most records end
 * well within it; the next window is a whole scan block. */
#define GB__SCAN_REACH (16 * 1024)
#define GB__MERGE_EVERY 512 /* records between merges when reading on one thread */
#define GB__MAX_THREADS 4
#define GB__FIRST_PART (64 * 1024)

static gsize gb__threshold = 4 * 1024 * 1024;
static gsize gb__part_bytes = 1024 * 1024;
static guint gb__threads = 0;

void
gb_csv_split_configure(gsize threshold, gsize part_bytes, guint threads)
{
    gb__threshold = threshold;
    gb__part_bytes = MAX(part_bytes, 1);
    gb__threads = threads;
}

/* The processors this process may run on (taskset, a container's CPU set):
 * GLib's count is of the machine's. */
static guint
gb__thread_count(void)
{
    if (gb__threads > 0)
        return gb__threads;
    guint n = g_get_num_processors();
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
        n = MIN(n, (guint)CPU_COUNT(&set));
    return CLAMP(n, 1, GB__MAX_THREADS);
}

/* Moves src into *dst, adding base to its line when it has one. */
static void
gb__diag_move(GbDiag *dst, GbDiag *src, guint64 base)
{
    gb_diag_clear(dst);
    *dst = *src;
    *src = (GbDiag){0};
    if (dst->line > 0)
        dst->line += base;
}

/* One thread: the whole file through gb_csv_read(), the part merged every few
 * hundred records. */
typedef struct {
    const GbCsvSplitFns *fns;
    gpointer user;
    gpointer worker, part;
    gboolean have_header;
    guint pending;
    GbStatus merge_status;
    GbDiag merge_diag;
} GbSplitOne;

static GbStatus
gb__one_merge(GbSplitOne *o)
{
    if (o->pending == 0 || o->merge_status != GB_OK)
        return o->merge_status;
    o->pending = 0;
    o->merge_status = o->fns->merge(o->part, 0, o->user, &o->merge_diag);
    return o->merge_status;
}

static GbStatus
gb__one_record(const GbCsvRecord *rec, gpointer data, GbDiag *diag)
{
    GbSplitOne *o = data;
    if (!o->have_header) {
        o->have_header = TRUE;
        GbStatus status = o->fns->header(rec, o->user, diag);
        if (status == GB_OK) {
            o->worker = o->fns->worker_new(o->user);
            o->part = o->fns->part_new(o->user);
        }
        return status;
    }
    GbStatus status = o->fns->record(rec, o->worker, o->part, diag);
    o->pending++;
    if (status == GB_OK && o->pending >= GB__MERGE_EVERY)
        status = gb__one_merge(o);
    return status;
}

static GbStatus
gb__read_one(const char *path, const GbCsvSplitFns *fns, gpointer user, GbDiag *diag)
{
    if (fns->direct != NULL)
        return gb_csv_read(path, fns->direct, user, diag);
    GbSplitOne o = {.fns = fns, .user = user};
    GbStatus status = gb_csv_read(path, gb__one_record, &o, diag);
    /* What came before a failure is merged first: it came first. */
    if (o.part != NULL && gb__one_merge(&o) != GB_OK) {
        status = o.merge_status;
        gb__diag_move(diag, &o.merge_diag, 0);
    }
    gb_diag_clear(&o.merge_diag);
    if (o.part != NULL)
        fns->part_free(o.part);
    if (o.worker != NULL)
        fns->worker_free(o.worker);
    return status;
}

/* Several threads. */
typedef struct {
    gpointer part;
    gboolean done;   /* parsed, waiting for its merge */
    GbStatus status; /* of reading it */
    GbDiag diag;
    guint64 lines; /* line ends in it */
} GbSplitSlot;

typedef struct {
    const char *path;
    const GbCsvSplitFns *fns;
    gpointer user;
    guint64 size;
    int fd; /* for the scan */
    gsize page;

    GMutex claim; /* guards the scan: next, next_index, scan_buf */
    guint64 next; /* where the next part starts */
    guint next_index;
    char *scan_buf;

    GPtrArray *ahead; /* GbAheadPart read ahead: parts 0.. (claimed under claim) */

    GMutex lock; /* guards the rest */
    GCond cond;
    GbSplitSlot *slots; /* part k in slots[k % nslots] */
    guint nslots, nthreads;
    guint merged;      /* parts merged so far */
    guint64 line_base; /* line ends before part `merged` */
    gboolean merging;
    gboolean stop; /* the outcome is known */
    guint stop_at; /* a part that failed: none after it is needed */
    GbStatus status;
    GbDiag diag;
} GbSplit;

typedef struct {
    GbSplit *s;
    gpointer worker, part;
} GbSplitPart;

/* A thread's copy of its part's bytes, read by the scan and kept for the
 * part's parse; the buffer stays with the thread from part to part, so its
 * pages are faulted in once (a mapping of each part's bytes cost a page table
 * entry a page, made and torn down again, with a TLB flush on the other core
 * at each unmap: 4% of the CPU time of a 1M-row read). */
typedef struct {
    char *buf;
    gsize cap;
} GbPartBuf;

static void
gb__part_buf_clear(GbPartBuf *b)
{
    g_free(b->buf);
    *b = (GbPartBuf){0};
}

/* Reads up to n bytes at offset off into p; returns how many were read (fewer
 * only at the end of the file), or -1 on an error. */
static gssize
gb__pread_full(int fd, char *p, gsize n, guint64 off)
{
    gsize got = 0;
    while (got < n) {
        ssize_t r = pread(fd, p + got, n - got, (off_t)(off + got));
        if (r < 0 && errno == EINTR && !gb_cancel_requested())
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        got += (gsize)r;
    }
    return (gssize)got;
}

/* Returns where the part starting at `from` (a boundary) ends: just after the
 * first line feed past from + part size with an even number of quotes since
 * from, or the end of the file. When the whole part lies in the first window
 * the scan reads (the part's nominal size and a little more), its bytes are
 * left in keep and *mem points at them; otherwise (a read error, a part far
 * over its size) *mem is NULL and the part is read from its FILE. */
static guint64
gb__scan(GbSplit *s, guint64 from, gsize part_bytes, GbPartBuf *keep, const char **mem)
{
    *mem = NULL;
    guint64 nominal = from + part_bytes;
    gsize window = (gsize)MIN(s->size - from,
                              nominal >= s->size ? s->size - from : part_bytes + GB__SCAN_REACH);
    if (window > keep->cap) {
        g_free(keep->buf);
        keep->cap = MAX(window, keep->cap + keep->cap / 2);
        keep->buf = g_malloc(keep->cap);
    }
    gssize n = gb__pread_full(s->fd, keep->buf, window, from);
    if (n < 0 || (gsize)n < window)
        return s->size; /* one part to the end: its reader meets the error */
    if (nominal >= s->size) {
        /* The rest of the file is the part. */
        *mem = keep->buf;
        return s->size;
    }
    const char *p = keep->buf;
    /* Only the parity counts: a byte-wide XOR, which the compiler vectorises
     * without widening. */
    guchar parity = 0;
    for (gsize k = 0; k < part_bytes; k++)
        parity ^= (guchar)(p[k] == '"');
    guint quotes = parity;
    for (gsize i = part_bytes; i < window; i++) {
        if (p[i] == '"')
            quotes++;
        else if (p[i] == '\n' && (quotes & 1) == 0) {
            *mem = p;
            return from + i + 1;
        }
    }
    /* No end in the window: on in scan blocks, not kept. */
    for (guint64 pos = from + window; pos < s->size;) {
        n = gb__pread_full(s->fd, s->scan_buf, (gsize)MIN(s->size - pos, GB__SCAN_BLOCK), pos);
        if (n <= 0)
            return s->size;
        for (gssize i = 0; i < n; i++) {
            if (s->scan_buf[i] == '"')
                quotes++;
            else if (s->scan_buf[i] == '\n' && (quotes & 1) == 0)
                return pos + (guint64)i + 1;
        }
        pos += (guint64)n;
    }
    return s->size;
}

/* ---- reading ahead (gb_csv_split_prefetch) ----
 *
 * The first parts of a file, parsed on a thread of their own while the caller
 * does something else (loads the reference data), are kept as records; the
 * split read then replays them to its callbacks instead of parsing them. The
 * cuts are those the split read itself would make (the same scan from the
 * same start), so records, errors and their order do not change. */
#define GB__AHEAD_PARTS 16 /* parts of the nominal size read ahead, at most */

/* The parts read ahead are kept in one block, one after another, each as a
 * stream of records: a GbAheadHead, the record's field lengths (guint32
 * each), then its fields, each followed by NUL, padded to 8 bytes. The block
 * is mapped at once and in huge pages where the system allows them: the
 * records of a part in small fresh pages were some 450 page faults a part
 * (5,000-7,000 a 1M-row run), all for memory freed again a few milliseconds
 * later. The block is freed with its last part. */
typedef struct {
    guint64 record, line, offset;
    guint32 nfields, bytes; /* bytes: of the fields with their NULs */
} GbAheadHead;

typedef struct {
    char *base;
    gsize cap, used;
    gboolean mapped; /* by mmap, else g_malloc */
    gint refs;       /* atomic: the read ahead and its parts */
} GbAheadBlock;

static GbAheadBlock *
gb__ahead_block_new(gsize cap)
{
    GbAheadBlock *b = g_new0(GbAheadBlock, 1);
    b->cap = cap;
    b->refs = 1;
    void *p =
        mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p != MAP_FAILED) {
#ifdef MADV_HUGEPAGE
        madvise(p, cap, MADV_HUGEPAGE); /* a hint: without it, small pages */
#endif
        b->base = p;
        b->mapped = TRUE;
    } else {
        /* No room (a limit on the address space): nothing is read ahead. */
        b->base = g_try_malloc(cap);
        if (b->base == NULL)
            b->cap = 0;
    }
    return b;
}

static void
gb__ahead_block_unref(GbAheadBlock *b)
{
    if (b == NULL || !g_atomic_int_dec_and_test(&b->refs))
        return;
    if (b->mapped)
        munmap(b->base, b->cap);
    else
        g_free(b->base);
    g_free(b);
}

typedef struct {
    guint64 start, end;
    guint64 line; /* what gb__csv_read_part left in *line */
    GbStatus status;
    GbDiag diag;
    GbAheadBlock *block;
    gsize first, len; /* the part's stream: block->base[first..first + len) */
    guint nrecords;   /* in the stream */
    gsize nfields;    /* of all its records */
    gboolean dropped; /* stopped or over the size: not kept */
    const gint *stop; /* the read ahead's stop */
} GbAheadPart;

typedef struct {
    char *path;
    struct stat sb;
    GThread *thread;
    gint stop;        /* atomic: the reader wants the parts now */
    GPtrArray *parts; /* GbAheadPart, complete ones in file order */
    GbAheadBlock *block;
} GbAhead;

static GbAhead *gb__ahead; /* the one read ahead, or NULL; on the calling thread */

static void
gb__ahead_part_free(gpointer data)
{
    GbAheadPart *a = data;
    if (a == NULL)
        return;
    gb_diag_clear(&a->diag);
    /* The pages wholly the part's go back now, not with the block's last
     * part: peak memory as when each part had its own buffers. */
    GbAheadBlock *b = a->block;
    gsize page = (gsize)sysconf(_SC_PAGESIZE), lo = (a->first + page - 1) & ~(page - 1),
          hi = (a->first + a->len) & ~(page - 1);
    if (b->mapped && hi > lo)
        madvise(b->base + lo, hi - lo, MADV_DONTNEED);
    gb__ahead_block_unref(b);
    g_free(a);
}

static GbStatus
gb__ahead_record(const GbCsvRecord *rec, gpointer data, GbDiag *diag)
{
    GbAheadPart *a = data;
    GbAheadBlock *b = a->block;
    guint n = rec->nfields;
    gsize bytes = 0;
    for (guint i = 0; i < n; i++)
        bytes += rec->lens[i] + 1;
    gsize need = sizeof(GbAheadHead) + n * sizeof(guint32) + bytes;
    need = (need + 7) & ~(gsize)7;
    /* A part far over its size (a cut in a malformed file), a full block or a
     * read that wants the parts now: this one is not kept, and the read
     * parses it. */
    if (a->len + need > 6 * MAX(gb__part_bytes, GB__FIRST_PART) || b->used + need > b->cap ||
        g_atomic_int_get(a->stop)) {
        a->dropped = TRUE;
        return GB_TEMPFAIL;
    }
    char *at = b->base + b->used;
    GbAheadHead h = {.record = rec->record,
                     .line = rec->line,
                     .offset = rec->offset,
                     .nfields = n,
                     .bytes = (guint32)bytes};
    memcpy(at, &h, sizeof h);
    guint32 *lens = (guint32 *)(at + sizeof h);
    for (guint i = 0; i < n; i++)
        lens[i] = (guint32)rec->lens[i];
    char *to = at + sizeof h + n * sizeof(guint32);
    for (guint i = 0; i < n; i++) {
        memcpy(to, rec->fields[i], rec->lens[i] + 1); /* with its NUL */
        to += rec->lens[i] + 1;
    }
    b->used += need;
    a->len += need;
    a->nrecords++;
    a->nfields += n;
    return GB_OK;
}

/* Bytes of a part starting at start (which is `left` bytes from the end): the
 * split read's own rule, so that the cuts read ahead are its cuts. */
static gsize
gb__part_size(guint64 start, guint64 left, guint nthreads)
{
    if (start == 0)
        return MIN(gb__part_bytes, GB__FIRST_PART);
    return (gsize)MIN(gb__part_bytes, MAX(left / (2 * nthreads), GB__FIRST_PART));
}

static guint64 gb__scan(GbSplit *s, guint64 from, gsize part_bytes, GbPartBuf *keep,
                        const char **mem);

static gpointer
gb__ahead_thread(gpointer data)
{
    GbAhead *ah = data;
    GbSplit s = {.size = (guint64)ah->sb.st_size, .page = (gsize)sysconf(_SC_PAGESIZE)};
    guint nthreads = gb__thread_count();
    s.fd = open(ah->path, O_RDONLY);
    FILE *f = fopen(ah->path, "rb");
    s.scan_buf = g_malloc(GB__SCAN_BLOCK);
    GbPartBuf buf = {0};
    guint64 next = 0, line = 1;
    while (s.fd >= 0 && f != NULL && next < s.size && next < GB__AHEAD_PARTS * gb__part_bytes &&
           !g_atomic_int_get(&ah->stop)) {
        GbAheadPart *a = g_new0(GbAheadPart, 1);
        a->stop = &ah->stop;
        a->block = ah->block;
        g_atomic_int_inc(&a->block->refs);
        a->first = a->block->used;
        a->start = next;
        const char *mem;
        a->end = gb__scan(&s, next, gb__part_size(next, s.size - next, nthreads), &buf, &mem);
        a->line = line;
        a->status = gb__csv_read_part(ah->path, f, mem, a->start, a->end, &a->line,
                                      gb__ahead_record, a, &a->diag);
        if (a->dropped) {
            a->block->used = a->first;
            gb__ahead_part_free(a);
            break;
        }
        g_ptr_array_add(ah->parts, a);
        if (a->status != GB_OK)
            break; /* the read stops here */
        next = a->end;
        line = 1; /* later parts count their lines from 1 */
    }
    if (f != NULL)
        fclose(f);
    if (s.fd >= 0)
        close(s.fd);
    g_free(s.scan_buf);
    gb__part_buf_clear(&buf);
    return NULL;
}

void
gb_csv_split_prefetch(const char *path)
{
    gb_csv_split_prefetch_end();
    struct stat sb;
    if (gb__thread_count() < 2 || stat(path, &sb) != 0 || !S_ISREG(sb.st_mode) ||
        (guint64)sb.st_size < gb__threshold || sb.st_size == 0)
        return;
    GbAhead *ah = g_new0(GbAhead, 1);
    ah->path = g_strdup(path);
    ah->sb = sb;
    ah->parts = g_ptr_array_new_with_free_func(gb__ahead_part_free);
    /* Room for the parts read ahead at about one and a half times their
     * bytes (a part of 1 MiB of the bench's rows takes 1.4 MiB). */
    gsize part = MAX(gb__part_bytes, GB__FIRST_PART);
    ah->block = gb__ahead_block_new(2 * (GB__AHEAD_PARTS + 1) * part);
    ah->thread = g_thread_new("csvahead", gb__ahead_thread, ah);
    gb__ahead = ah;
}

/* Waits for the read ahead's thread; stop: tells it to stop first. */
static void
gb__ahead_join(GbAhead *ah, gboolean stop)
{
    if (stop)
        g_atomic_int_set(&ah->stop, 1);
    if (ah->thread != NULL)
        g_thread_join(ah->thread);
    ah->thread = NULL;
}

void
gb_csv_split_prefetch_wait(void)
{
    if (gb__ahead != NULL)
        gb__ahead_join(gb__ahead, FALSE);
}

void
gb_csv_split_prefetch_end(void)
{
    GbAhead *ah = gb__ahead;
    if (ah == NULL)
        return;
    gb__ahead = NULL;
    gb__ahead_join(ah, TRUE);
    g_ptr_array_free(ah->parts, TRUE);
    gb__ahead_block_unref(ah->block);
    g_free(ah->path);
    g_free(ah);
}

/* The parts read ahead of path (the same file, unchanged), the read ahead
 * stopped; NULL when there are none. Free with g_ptr_array_free. */
static GPtrArray *
gb__ahead_take(const char *path, const struct stat *sb)
{
    GbAhead *ah = gb__ahead;
    if (ah == NULL || strcmp(ah->path, path) != 0)
        return NULL;
    gb__ahead_join(ah, TRUE);
    GPtrArray *parts = NULL;
    if (ah->sb.st_dev == sb->st_dev && ah->sb.st_ino == sb->st_ino &&
        ah->sb.st_size == sb->st_size && ah->sb.st_mtim.tv_sec == sb->st_mtim.tv_sec &&
        ah->sb.st_mtim.tv_nsec == sb->st_mtim.tv_nsec && ah->parts->len > 0)
        parts = g_steal_pointer(&ah->parts);
    gb__ahead = NULL;
    if (ah->parts != NULL)
        g_ptr_array_free(ah->parts, TRUE);
    gb__ahead_block_unref(ah->block); /* its parts hold it */
    g_free(ah->path);
    g_free(ah);
    return parts;
}

/* Records of a part read ahead are decoded a batch of 64 at a time. Decoding
 * the whole part at once took three arrays of some 700 KB each per part, fresh
 * pages from the system every time (a quarter of a 1M-row run's page faults). */
#define GB__REPLAY_BATCH 64

static gsize
gb__ahead_size(const GbAheadHead *h)
{
    gsize size = sizeof *h + h->nfields * sizeof(guint32) + h->bytes;
    return (size + 7) & ~(gsize)7;
}

/* Decodes the `want` records that start at p (the caller knows that many are
 * left) into recs, their fields into *fields and *lens (grown as needed: the
 * records' pointers are set after the growth); returns want. */
static guint
gb__ahead_window(const char *path, const char *p, guint want, GbCsvRecord *recs, char ***fields,
                 gsize **lens, gsize *cap)
{
    gsize total = 0;
    const char *q = p;
    for (guint i = 0; i < want; i++) {
        GbAheadHead h;
        memcpy(&h, q, sizeof h);
        total += h.nfields;
        q += gb__ahead_size(&h);
    }
    if (total > *cap) {
        *cap = MAX(total, 2 * *cap);
        *fields = g_renew(char *, *fields, *cap);
        *lens = g_renew(gsize, *lens, *cap);
    }
    gsize k = 0;
    for (guint i = 0; i < want; i++) {
        GbAheadHead h;
        memcpy(&h, p, sizeof h);
        const guint32 *l = (const guint32 *)(p + sizeof h);
        char *f = (char *)(p + sizeof h + h.nfields * sizeof(guint32));
        recs[i] = (GbCsvRecord){.path = path,
                                .record = h.record,
                                .line = h.line,
                                .offset = h.offset,
                                .nfields = h.nfields,
                                .fields = *fields + k,
                                .lens = *lens + k};
        for (guint j = 0; j < h.nfields; j++, k++) {
            (*fields)[k] = f;
            (*lens)[k] = l[j];
            f += l[j] + 1;
        }
        p += gb__ahead_size(&h);
    }
    return want;
}

/* Hands a part read ahead to fn as gb__csv_read_part would have: fn's stop
 * wins, else the part's own outcome; *line as it left it. */
static GbStatus
gb__ahead_replay(const char *path, GbAheadPart *a, GbCsvRecordFn fn, gpointer user, guint64 *line,
                 GbDiag *diag)
{
    guint n = a->nrecords;
    gsize cap = 0;
    char **fields = NULL;
    gsize *lens = NULL;
    GbCsvRecord recs[GB__REPLAY_BATCH];
    const char *p = a->block->base + a->first; /* record i's head */
    GbStatus status = GB_OK;
    for (guint i = 0; i < n && status == GB_OK; i += GB__REPLAY_BATCH) {
        guint batch =
            gb__ahead_window(path, p, MIN(n - i, GB__REPLAY_BATCH), recs, &fields, &lens, &cap);
        for (guint j = 0; j < batch && status == GB_OK; j++)
            status = fn(&recs[j], user, diag);
        for (guint j = 0; j < batch; j++) {
            GbAheadHead h;
            memcpy(&h, p, sizeof h);
            p += gb__ahead_size(&h);
        }
    }
    g_free(fields);
    g_free(lens);
    if (status != GB_OK)
        return status;
    *line = a->line;
    if (a->status != GB_OK) {
        gb_diag_clear(diag);
        *diag = a->diag;
        a->diag = (GbDiag){0};
    }
    return a->status;
}

static GbStatus
gb__part_record(const GbCsvRecord *rec, gpointer data, GbDiag *diag)
{
    GbSplitPart *pc = data;
    return pc->s->fns->record(rec, pc->worker, pc->part, diag);
}

/* Merges the parts that are ready, in order; called and returns with s->lock
 * held, releasing it while a merge runs. */
static void
gb__merge_ready(GbSplit *s)
{
    while (!s->merging && !s->stop && s->slots[s->merged % s->nslots].done) {
        GbSplitSlot *slot = &s->slots[s->merged % s->nslots];
        s->merging = TRUE;
        guint64 base = s->line_base;
        g_mutex_unlock(&s->lock);
        GbDiag d = {0};
        GbStatus status = s->fns->merge(slot->part, base, s->user, &d);
        g_mutex_lock(&s->lock);
        s->merging = FALSE;
        if (status != GB_OK) {
            s->status = status;
            gb__diag_move(&s->diag, &d, 0);
            s->stop = TRUE;
        } else if (slot->status != GB_OK) {
            s->status = slot->status;
            gb__diag_move(&s->diag, &slot->diag, base);
            s->stop = TRUE;
        }
        gb_diag_clear(&d);
        s->line_base += slot->lines;
        slot->done = FALSE;
        s->merged++;
        g_cond_broadcast(&s->cond);
    }
}

/* Takes parts in order until none is left, parses each, merges what is ready. */
static void
gb__work(GbSplit *s, gpointer worker, FILE *f, GbPartBuf *buf)
{
    for (;;) {
        g_mutex_lock(&s->claim);
        g_mutex_lock(&s->lock);
        while (!s->stop && s->next_index >= s->merged + s->nslots)
            g_cond_wait(&s->cond, &s->lock);
        gboolean over = s->stop || s->next_index > s->stop_at || s->next >= s->size;
        g_mutex_unlock(&s->lock);
        if (over) {
            g_mutex_unlock(&s->claim);
            return;
        }
        guint k = s->next_index++;
        guint64 start = s->next;
        GbAheadPart *ahead = NULL;
        if (s->ahead != NULL && k < s->ahead->len) {
            ahead = g_ptr_array_index(s->ahead, k);
            g_ptr_array_index(s->ahead, k) = NULL;
        }
        /* Parts shrink towards the end, so that the threads finish together. */
        const char *mem = NULL;
        guint64 end =
            ahead != NULL
                ? ahead->end
                : gb__scan(s, start, gb__part_size(start, s->size - start, s->nthreads), buf, &mem);
        s->next = end;
        g_mutex_unlock(&s->claim);

        GbSplitSlot *slot = &s->slots[k % s->nslots];
        GbSplitPart pc = {.s = s, .worker = worker, .part = slot->part};
        guint64 line = 1;
        GbDiag d = {0};
        GbStatus status =
            ahead != NULL
                ? gb__ahead_replay(s->path, ahead, gb__part_record, &pc, &line, &d)
                : gb__csv_read_part(s->path, f, mem, start, end, &line, gb__part_record, &pc, &d);
        gb__ahead_part_free(ahead);
        g_mutex_lock(&s->lock);
        slot->status = status;
        gb__diag_move(&slot->diag, &d, 0);
        slot->lines = line - 1;
        slot->done = TRUE;
        if (status != GB_OK && k < s->stop_at)
            s->stop_at = k;
        gb__merge_ready(s);
        g_mutex_unlock(&s->lock);
    }
}

typedef struct {
    GbSplit *s;
    gpointer worker;
    FILE *f;
    GbPartBuf buf;
} GbSplitThread;

static gpointer
gb__thread(gpointer data)
{
    GbSplitThread *t = data;
    gb__work(t->s, t->worker, t->f, &t->buf);
    return NULL;
}

GbStatus
gb_csv_read_split(const char *path, const GbCsvSplitFns *fns, gpointer user, GbDiag *diag)
{
    struct stat sb;
    guint nthreads = gb__thread_count();
    if (nthreads < 2 || stat(path, &sb) != 0 || !S_ISREG(sb.st_mode) ||
        (guint64)sb.st_size < gb__threshold || sb.st_size == 0)
        return gb__read_one(path, fns, user, diag);
    GbSplitThread *threads = g_new0(GbSplitThread, nthreads);
    GbSplit s = {.path = path,
                 .fns = fns,
                 .user = user,
                 .size = (guint64)sb.st_size,
                 .stop_at = G_MAXUINT,
                 .nslots = 2 * nthreads,
                 .nthreads = nthreads};
    s.fd = open(path, O_RDONLY);
    s.page = (gsize)sysconf(_SC_PAGESIZE);
    threads[0].f = fopen(path, "rb");
    if (s.fd < 0 || threads[0].f == NULL) {
        if (s.fd >= 0)
            close(s.fd);
        if (threads[0].f != NULL)
            fclose(threads[0].f);
        g_free(threads);
        return gb__read_one(path, fns, user, diag); /* it says why */
    }
    g_mutex_init(&s.claim);
    g_mutex_init(&s.lock);
    g_cond_init(&s.cond);
    s.scan_buf = g_malloc(GB__SCAN_BLOCK);
    s.slots = g_new0(GbSplitSlot, s.nslots);

    /* Part 0, with the header, on this thread; the workers exist only after it. */
    GbStatus status;
    /* Part 0 is short: the other threads start once it is read. It and a few
     * after it may have been read ahead (gb_csv_split_prefetch). */
    s.ahead = gb__ahead_take(path, &sb);
    GbAheadPart *ahead0 = s.ahead != NULL ? g_ptr_array_index(s.ahead, 0) : NULL;
    const char *mem0 = NULL;
    guint64 end = ahead0 != NULL
                      ? ahead0->end
                      : gb__scan(&s, 0, gb__part_size(0, s.size, nthreads), &threads[0].buf, &mem0);
    guint64 line = 1;
    gboolean have_header;
    {
        /* As on one thread: the header first, then a worker for the rest. */
        GbDiag d = {0};
        GbSplitOne o = {.fns = fns, .user = user};
        status = ahead0 != NULL ? gb__ahead_replay(path, ahead0, gb__one_record, &o, &line, &d)
                                : gb__csv_read_part(path, threads[0].f, mem0, 0, end, &line,
                                                    gb__one_record, &o, &d);
        if (o.part != NULL && gb__one_merge(&o) != GB_OK) {
            status = o.merge_status;
            gb__diag_move(&d, &o.merge_diag, 0);
        }
        gb_diag_clear(&o.merge_diag);
        have_header = o.have_header;
        threads[0].worker = o.worker;
        s.slots[0].part = o.part;
        if (status != GB_OK) {
            gb__diag_move(diag, &d, 0);
            goto out;
        }
    }
    if (!have_header) {
        /* Only blank lines so far: one thread decides (empty, no records...). */
        fclose(threads[0].f);
        threads[0].f = NULL;
        status = gb__read_one(path, fns, user, diag);
        goto out;
    }
    s.next = end;
    s.next_index = 1;
    s.merged = 1;
    s.line_base = line - 1;
    for (guint i = 1; i < s.nslots; i++)
        s.slots[i].part = fns->part_new(user);
    for (guint i = 1; i < nthreads; i++) {
        threads[i].s = &s;
        threads[i].worker = fns->worker_new(user);
        threads[i].f = fopen(path, "rb");
    }
    GThread **ids = g_new0(GThread *, nthreads);
    for (guint i = 1; i < nthreads; i++)
        if (threads[i].f != NULL)
            ids[i] = g_thread_new("csvsplit", gb__thread, &threads[i]);
    gb__work(&s, threads[0].worker, threads[0].f, &threads[0].buf);
    for (guint i = 1; i < nthreads; i++)
        if (ids[i] != NULL)
            g_thread_join(ids[i]);
    g_free(ids);
    status = s.status;
    if (status != GB_OK)
        gb__diag_move(diag, &s.diag, 0);
out:
    for (guint i = 0; i < nthreads; i++) {
        if (threads[i].worker != NULL)
            fns->worker_free(threads[i].worker);
        if (threads[i].f != NULL)
            fclose(threads[i].f);
        gb__part_buf_clear(&threads[i].buf);
    }
    for (guint i = 0; i < s.nslots; i++) {
        if (s.slots[i].part != NULL)
            fns->part_free(s.slots[i].part);
        gb_diag_clear(&s.slots[i].diag);
    }
    gb_diag_clear(&s.diag);
    if (s.ahead != NULL)
        g_ptr_array_free(s.ahead, TRUE);
    g_free(s.slots);
    g_free(s.scan_buf);
    g_free(threads);
    close(s.fd);
    g_mutex_clear(&s.claim);
    g_mutex_clear(&s.lock);
    g_cond_clear(&s.cond);
    return status;
}
