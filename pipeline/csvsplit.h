/* csvsplit.h - read a large CSV file in parts, on several threads, in order.
 *
 * The file is cut at record boundaries (a quote-aware scan finds a line end
 * outside quotes past each part's nominal size). Each part is parsed and its
 * records handled by the caller's `record` function on a worker thread, into a
 * part output; the outputs are handed to `merge` one at a time in file order.
 * Records, errors and their order are those of gb_csv_read(), which reads a
 * file that is small, not regular, or whose first part holds no record, with
 * `direct` for every record. Memory is bounded by a few
 * parts in flight, whatever the size of the file. */
#ifndef GB_CSVSPLIT_H
#define GB_CSVSPLIT_H

#include "pipeline/csvread.h"

typedef struct {
    /* Every record, header included, when the file is read on one thread. */
    GbCsvRecordFn direct;
    /* The first record (the header) of a split file, on the calling thread,
     * before any other. */
    GbCsvRecordFn header;
    /* Per-thread state, made on the calling thread after the header; and a part
     * output. Both freed with the matching _free. */
    gpointer (*worker_new)(gpointer user);
    void (*worker_free)(gpointer worker);
    gpointer (*part_new)(gpointer user);
    void (*part_free)(gpointer part);
    /* Every later record, on some thread, with that thread's state and the
     * output of the part the record is in; in file order within a part. Lines
     * in rec (and in diag) count from the part's start: merge is told what to
     * add. A status other than GB_OK stops the read where the record is. */
    GbStatus (*record)(const GbCsvRecord *rec, gpointer worker, gpointer part, GbDiag *diag);
    /* Takes everything out of part (leaving it empty for the next one), adding
     * line_base to its lines; parts come in file order, one call at a time, from
     * any thread. A status other than GB_OK stops the read. */
    GbStatus (*merge)(gpointer part, guint64 line_base, gpointer user, GbDiag *diag);
} GbCsvSplitFns;

/* Reads path as gb_csv_read() does, calling fns as above. Returns GB_OK, or the
 * first failure in file order (of the reader, record or merge) with diag set. */
GbStatus gb_csv_read_split(const char *path, const GbCsvSplitFns *fns, gpointer user, GbDiag *diag);

/* Starts parsing the first parts of path (up to 16 parts of the nominal size,
 * 16 MiB) on a thread of its
 * own, when gb_csv_read_split() would split it, so that the caller can do
 * other work meanwhile (load the reference data); the next gb_csv_read_split()
 * of the same, unchanged file replays them instead of parsing them: the same
 * records, errors and order. One file at a time; a new call ends the last. */
void gb_csv_split_prefetch(const char *path);
/* Stops and frees what gb_csv_split_prefetch() read and no read took. */
void gb_csv_split_prefetch_end(void);
/* For tests: waits until the read ahead has read all it will. */
void gb_csv_split_prefetch_wait(void);

/* For tests and benchmarks: files of at least threshold bytes (default 4 MiB)
 * are split into parts of about part_bytes (default 1 MiB) read on `threads`
 * threads (0: one per processor this process may run on, at most 4). */
void gb_csv_split_configure(gsize threshold, gsize part_bytes, guint threads);

#endif
