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
#define _GNU_SOURCE /* MAP_POPULATE, sched_getaffinity */
#include "pipeline/csvsplit.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define GB__SCAN_BLOCK (256 * 1024)
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

/* Returns where the part starting at `from` (a boundary) ends: just after the
 * first line feed past from + part size with an even number of quotes since
 * from, or the end of the file. */
static guint64
gb__scan(GbSplit *s, guint64 from, gsize part_bytes)
{
    guint64 nominal = from + part_bytes;
    if (nominal >= s->size)
        return s->size;
    guint quotes = 0; /* only its parity matters */
    for (guint64 pos = from; pos < s->size;) {
        /* The part up to its nominal end in one window, mapped: no copy. */
        gsize window = (gsize)MIN(s->size - pos,
                                  pos < nominal ? nominal - pos + GB__SCAN_BLOCK : GB__SCAN_BLOCK);
        guint64 base = pos - pos % s->page;
        void *map = mmap(NULL, window + (pos - base), PROT_READ, MAP_PRIVATE | MAP_POPULATE, s->fd,
                         (off_t)base);
        const char *p;
        ssize_t n;
        if (map != MAP_FAILED) {
            p = (const char *)map + (pos - base);
            n = (ssize_t)window;
        } else {
            n = pread(s->fd, s->scan_buf, MIN(window, GB__SCAN_BLOCK), (off_t)pos);
            p = s->scan_buf;
            if (n <= 0)
                return s->size; /* one part to the end: its reader meets the error */
        }
        gsize i = 0;
        if (pos < nominal) {
            i = (gsize)MIN((guint64)n, nominal - pos);
            for (gsize k = 0; k < i; k++) /* vectorised by the compiler */
                quotes += p[k] == '"';
        }
        guint64 end = 0;
        for (; i < (gsize)n && end == 0; i++) {
            if (p[i] == '"')
                quotes++;
            else if (p[i] == '\n' && (quotes & 1) == 0)
                end = pos + i + 1;
        }
        if (map != MAP_FAILED)
            munmap(map, window + (pos - base));
        if (end != 0)
            return end;
        pos += (guint64)n;
    }
    return s->size;
}

static GbStatus
gb__part_record(const GbCsvRecord *rec, gpointer data, GbDiag *diag)
{
    GbSplitPart *pc = data;
    return pc->s->fns->record(rec, pc->worker, pc->part, diag);
}

static void
gb__part_peek(const GbCsvRecord *rec, gpointer data, int stage)
{
    GbSplitPart *pc = data;
    pc->s->fns->peek(rec, pc->worker, stage);
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
gb__work(GbSplit *s, gpointer worker, FILE *f)
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
        /* Parts shrink towards the end, so that the threads finish together. */
        guint64 left = s->size - start;
        gsize bytes = (gsize)MIN(gb__part_bytes, MAX(left / (2 * s->nthreads), GB__FIRST_PART));
        guint64 end = gb__scan(s, start, bytes);
        s->next = end;
        g_mutex_unlock(&s->claim);

        GbSplitSlot *slot = &s->slots[k % s->nslots];
        GbSplitPart pc = {.s = s, .worker = worker, .part = slot->part};
        guint64 line = 1;
        GbDiag d = {0};
        GbStatus status = gb__csv_read_part(s->path, f, start, end, &line, gb__part_record,
                                            s->fns->peek != NULL ? gb__part_peek : NULL, &pc, &d);
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
} GbSplitThread;

static gpointer
gb__thread(gpointer data)
{
    GbSplitThread *t = data;
    gb__work(t->s, t->worker, t->f);
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
    /* Part 0 is short: the other threads start once it is read. */
    guint64 end = gb__scan(&s, 0, MIN(gb__part_bytes, GB__FIRST_PART)), line = 1;
    gboolean have_header;
    {
        /* As on one thread: the header first, then a worker for the rest. */
        GbDiag d = {0};
        GbSplitOne o = {.fns = fns, .user = user};
        status = gb__csv_read_part(path, threads[0].f, 0, end, &line, gb__one_record, NULL, &o, &d);
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
    gb__work(&s, threads[0].worker, threads[0].f);
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
    }
    for (guint i = 0; i < s.nslots; i++) {
        if (s.slots[i].part != NULL)
            fns->part_free(s.slots[i].part);
        gb_diag_clear(&s.slots[i].diag);
    }
    gb_diag_clear(&s.diag);
    g_free(s.slots);
    g_free(s.scan_buf);
    g_free(threads);
    close(s.fd);
    g_mutex_clear(&s.claim);
    g_mutex_clear(&s.lock);
    g_cond_clear(&s.cond);
    return status;
}
