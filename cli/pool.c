/* pool.c - worker threads and the progress bar (see pool.h). */
#include "cli/pool.h"

#include "pipeline/status.h"

#include <stdio.h>
#include <unistd.h>

typedef struct {
    const GbPoolClass *k;
    gpointer ctx;
    GPtrArray *items;
    gint next;   /* atomic: the next item to take */
    GMutex lock; /* progress output */
    int done, total;
    gboolean quiet, tty;
    gint64 started;
    const char *prefix;
} GbPool;

static void
gb__progress(GbPool *p, const char *label)
{
    if (p->quiet)
        return;
    g_mutex_lock(&p->lock);
    p->done++;
    if (p->tty) {
        double elapsed = (g_get_monotonic_time() - p->started) / 1e6;
        double left = p->done ? elapsed / p->done * (p->total - p->done) : 0;
        int width = 30, filled = p->total ? width * p->done / p->total : width;
        fprintf(stderr, "\r[%.*s%*s] %d/%d %-32.32s %3.0fs left", filled,
                "##############################", width - filled, "", p->done, p->total, label,
                left);
        if (p->done == p->total)
            fputc('\n', stderr);
    } else {
        fprintf(stderr, "%s: %d/%d %s\n", p->prefix, p->done, p->total, label);
    }
    fflush(stderr);
    g_mutex_unlock(&p->lock);
}

static gpointer
gb__pool_worker(gpointer data)
{
    GbPool *p = data;
    gpointer state = p->k->worker_new != NULL ? p->k->worker_new(p->ctx) : NULL;
    for (;;) {
        if (gb_cancel_requested())
            break;
        gint i = g_atomic_int_add(&p->next, 1);
        if (i >= (gint)p->items->len)
            break;
        const char *label = p->k->run(p->ctx, state, g_ptr_array_index(p->items, i));
        gb__progress(p, label);
    }
    if (p->k->worker_free != NULL)
        p->k->worker_free(state);
    return NULL;
}

void
gb_pool_run(const GbPoolClass *k, gpointer ctx, GPtrArray *items, int workers, gboolean quiet,
            const char *prefix)
{
    if (items->len == 0)
        return;
    GbPool p = {.k = k,
                .ctx = ctx,
                .items = items,
                .total = (int)items->len,
                .quiet = quiet,
                .tty = isatty(STDERR_FILENO),
                .started = g_get_monotonic_time(),
                .prefix = prefix};
    g_mutex_init(&p.lock);
    workers = MAX(1, MIN(workers, (int)items->len));
    GPtrArray *threads = g_ptr_array_new();
    for (int w = 1; w < workers; w++)
        g_ptr_array_add(threads, g_thread_new("worker", gb__pool_worker, &p));
    gb__pool_worker(&p);
    for (guint w = 0; w < threads->len; w++)
        g_thread_join(g_ptr_array_index(threads, w));
    g_ptr_array_free(threads, TRUE);
    g_mutex_clear(&p.lock);
}
