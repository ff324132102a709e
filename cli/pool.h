/* pool.h - a pool of worker threads over a list of items, with a progress
 * bar on a terminal (one line per item otherwise). Each worker has state of
 * its own (pango and cairo objects never cross threads); items are taken one
 * at a time, so the work done for each does not depend on the thread count.
 * Workers stop taking items after SIGINT or SIGTERM. */
#ifndef GB_POOL_H
#define GB_POOL_H

#include <glib.h>

typedef struct {
    /* Makes a worker's state (may return NULL; run is still called). */
    gpointer (*worker_new)(gpointer ctx);
    void (*worker_free)(gpointer state);
    /* Does one item; returns its label for the progress line. */
    const char *(*run)(gpointer ctx, gpointer state, gpointer item);
} GbPoolClass;

/* Runs k->run over every item of items on `workers` threads (this one
 * included), printing progress as "PREFIX: i/n LABEL" unless quiet. */
void gb_pool_run(const GbPoolClass *k, gpointer ctx, GPtrArray *items, int workers, gboolean quiet,
                 const char *prefix);

#endif
