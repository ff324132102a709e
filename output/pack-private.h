/* pack-private.h - what pack.c and packfirst.c (the pack's first page) share;
 * not for other modules. */
#ifndef GB_PACK_PRIVATE_H
#define GB_PACK_PRIVATE_H

#include "output/pack.h"
#include "output/tree.h"

typedef struct {
    const GbPackInput *in;
    int authority;
    const GbRef *ref;
    const GbAuthority *au;
    guint32 as_at;
    gboolean abolished;
    GArray *dates; /* its inspections under the current regime (guint32) */
    char *date;    /* "31 March 2025" */
} GbPack;

/* The regime's own name for a common level ("Requires improvement"), or none
 * for a level below 0. This function can't fail. */
const char *gb__pack_level(const GbPack *p, int level, const char *none);
/* "3 of 10 (30%)": the good-or-better count of count[] over n (g_free). */
char *gb__pack_good_or_better(const int *count, int n);

/* The first page (section "summary"): latest judgements, the estimate of the
 * next inspection, the visits since, the position series beside the map, the
 * timeline. Takes timeline (may be NULL) and timeline_data. */
void gb__pack_summary(GbPack *p, GbTree *tree, GbChart *timeline, GbTreeTable *timeline_data);

#endif
