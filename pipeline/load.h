/* load.h - the read + validate stages: grade tables (long, or wide through a
 * profile) into a GbTable, every row used, merged or rejected with a reason. */
#ifndef GB_LOAD_H
#define GB_LOAD_H

#include "pipeline/table.h"

typedef struct {
    const GbRef *ref;
    GPtrArray *profiles;       /* GbProfile*, from gb_profile_load_all */
    const char *force_profile; /* profile id to use for every file, or NULL */
    GbDiagList *rejects;       /* one line per rejected row (capped) */
    GbDiagList *warnings;      /* merged duplicates and other notes (capped) */
} GbLoader;

/* Creates a loader over ref, loading ref's profiles. Free with gb_loader_free. */
GbStatus gb_loader_new(const GbRef *ref, GbLoader **out, GbDiag *diag);
void gb_loader_free(GbLoader *l);

/* Reads one grade table into t. Bad rows are counted as rejected and described
 * in l->rejects; the call still returns GB_OK. A problem with the file as a
 * whole (missing, empty, unknown layout, malformed CSV, encoding) returns
 * GB_NOINPUT or GB_DATA with diag set. */
GbStatus gb_load_file(GbLoader *l, GbTable *t, const char *path, GbDiag *diag);

/* Reads every *.csv in DATADIR/grades in name order, then each of files. */
GbStatus gb_load_all(GbLoader *l, GbTable *t, const char *const *files, GbDiag *diag);

#endif
