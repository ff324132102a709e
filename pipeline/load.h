/* load.h - the read + validate stages: grade tables (long, or wide through a
 * profile; CSV, .ods or .xlsx, told apart by content) into a GbTable, every row
 * used, merged or rejected with a reason. */
#ifndef GB_LOAD_H
#define GB_LOAD_H

#include "pipeline/table.h"

typedef struct {
    const GbRef *ref;
    GPtrArray *profiles;       /* GbProfile*, from gb_profile_load_all */
    const char *force_profile; /* profile id for the files given by name, or NULL */
    GbDiagList *rejects;       /* one line per rejected row (capped) */
    GbDiagList *warnings;      /* repeated rows within one table and other notes (capped) */
    /* Rows dated by publication wait until every file is read, then are matched
     * with the inspection they report (see gb_load_all). */
    GArray *pending_rows; /* GbPendingRow (load.c) */
    GArray *pending_recs; /* GbPendingRec (load.c) */
    GStringChunk *places; /* the pending records' places */
    gboolean batch;       /* inside gb_load_all: pending rows wait for its end */
    gboolean no_ahead;    /* gb_load_all reads each workbook in turn, none ahead */
} GbLoader;

/* Creates a loader over ref, loading ref's profiles. Free with gb_loader_free. */
GbStatus gb_loader_new(const GbRef *ref, GbLoader **out, GbDiag *diag);
void gb_loader_free(GbLoader *l);

/* Reads one grade table (CSV) or workbook (.ods, .xlsx: every sheet a profile
 * matches) into t. Bad rows are counted as rejected and described in
 * l->rejects; the call still returns GB_OK. A problem with the file as a
 * whole (missing, empty, unknown layout, malformed CSV, encoding, a workbook
 * that cannot be read or whose sheets no profile matches) returns GB_NOINPUT or
 * GB_DATA with diag set (GB_USAGE for an unknown --profile). */
GbStatus gb_load_file(GbLoader *l, GbTable *t, const char *path, GbDiag *diag);

/* Reads every file in DATADIR/grades in name order (names starting with '.'
 * and ending in '~', .md or .txt left out), then each of files (the only ones
 * l->force_profile applies to). Rows dated by their publication are matched
 * last, against every inspection-dated row read. The first two .ods
 * workbooks are parsed ahead, each on a thread of its own, while this thread
 * validates what comes before them (unless l->no_ahead); their rows still reach
 * the loader in turn, so messages and accounting are the same. */
GbStatus gb_load_all(GbLoader *l, GbTable *t, const char *const *files, GbDiag *diag);

/* Starts parsing the first file gb_load_all(datadir's reference, files) will
 * read, when it is a CSV file large enough to be read in parts, on a thread of
 * its own (gb_csv_split_prefetch): call it before loading the reference data,
 * which the parse does not need. gb_load_prefetch_end() frees what no read took. */
void gb_load_prefetch(const char *datadir, const char *const *files);
void gb_load_prefetch_end(void);

#endif
