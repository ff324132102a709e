/* status.h - gradebrief's one status enum, its exit codes and its diagnostics.
 *
 * Every fallible function returns a GbStatus. Data problems carry a GbDiag that
 * says where the problem is (file, line, column, field); main() prints it once as
 * "gradebrief: FILE:LINE:COL: message". Exit codes follow sysexits(3). */
#ifndef GB_STATUS_H
#define GB_STATUS_H

#include <glib.h>

/* X(name, exit code, description) */
#define GB_STATUS_MAP(X)                                                                           \
    X(OK, 0, "success")                                                                            \
    X(USAGE, 64, "command line usage error")                                                       \
    X(DATA, 65, "data format error")                                                               \
    X(NOINPUT, 66, "cannot open input")                                                            \
    X(SOFTWARE, 70, "internal software error")                                                     \
    X(CANTCREAT, 73, "cannot create output file")                                                  \
    X(IOERR, 74, "input/output error")                                                             \
    X(TEMPFAIL, 75, "interrupted; run again")                                                      \
    X(CONFIG, 78, "configuration error (a font not installed)")

typedef enum {
#define GB__STATUS_ENUM(name, code, text) GB_##name = code,
    GB_STATUS_MAP(GB__STATUS_ENUM)
#undef GB__STATUS_ENUM
} GbStatus;

/* Returns a static description of status. This function can't fail. */
const char *gb_status_str(GbStatus status);

/* One problem found in the data: where, and what. */
typedef struct {
    char *path;     /* file the problem is in, or NULL */
    guint64 line;   /* 1-based physical line, 0 if unknown */
    guint64 column; /* 1-based byte column, 0 if unknown */
    char *message;  /* one line, no trailing newline, safe to print */
} GbDiag;

/* A capped list of diagnostics: the first `cap` are kept, the rest counted. */
typedef struct {
    GArray *items; /* of GbDiag */
    guint cap;
    guint64 dropped;
} GbDiagList;

void gb_diag_clear(GbDiag *d);
/* Sets d from a printf format; replaces any earlier message. */
void gb_diag_set(GbDiag *d, const char *path, guint64 line, guint64 col, const char *fmt, ...)
    G_GNUC_PRINTF(5, 6);
/* Formats d as "FILE:LINE:COL: message" into a new string the caller frees. */
char *gb_diag_format(const GbDiag *d);

GbDiagList *gb_diag_list_new(guint cap);
void gb_diag_list_free(GbDiagList *l);
/* Moves d's contents into l (or drops them past the cap); d is left cleared. */
void gb_diag_list_take(GbDiagList *l, GbDiag *d);
guint64 gb_diag_list_total(const GbDiagList *l);

/* Cancellation: a signal handler asks, long loops check between units of work
 * (blocks read, packs made, files written) and stop with GB_TEMPFAIL. A second
 * signal ends the process at once. */
void gb_cancel_request(int signal_number); /* async-signal-safe */
int gb_cancel_requested(void);             /* the signal, or 0 */

#endif
