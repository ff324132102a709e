/* cli.h - what the commands share: the common options, loading the data and
 * the settings, the output date, stage timings and stopping on a signal.
 *
 * Each command (cli/check.c, stats.c, chart.c, build.c, packs.c) parses its
 * options into a request, runs it and returns a GbStatus with its diagnostic;
 * main() prints the diagnostic once and exits with the status's code. */
#ifndef GB_CLI_H
#define GB_CLI_H

#include "output/config.h"
#include "output/write.h"
#include "pipeline/figures.h"
#include "pipeline/load.h"
#include "pipeline/position.h"
#include "pipeline/selection.h"

/* Options every command takes. */
typedef struct {
    char *datadir;
    char *profile;
    gboolean keep_going;
    gboolean verbose;
    gboolean quiet;  /* set by commands with --quiet: no merged-duplicates note */
    gboolean stream; /* keep counts, not rows (check; stats without --authority) */
    guint32 stream_as_at;
    char **files;
} GbCommon;

/* The read and validated data. */
typedef struct {
    GbRef *ref;
    GbLoader *loader;
    GbTable *table;
} GbLoaded;

/* A command: parses argv (argv[0] is "gradebrief NAME") into its request and
 * runs it. Returns the status; diag holds the one line to print, if any
 * (a usage error from GOptionContext is printed at once, with its hint). */
typedef GbStatus (*GbCommandFn)(int argc, char **argv, GbDiag *diag);

GbStatus gb_cmd_check(int argc, char **argv, GbDiag *diag);
GbStatus gb_cmd_stats(int argc, char **argv, GbDiag *diag);
GbStatus gb_cmd_chart(int argc, char **argv, GbDiag *diag);
GbStatus gb_cmd_build(int argc, char **argv, GbDiag *diag);
GbStatus gb_cmd_packs(int argc, char **argv, GbDiag *diag);
GbStatus gb_cmd_config(int argc, char **argv, GbDiag *diag);

/* Adds the common options (and extra, may be NULL) to ctx, storing into c. */
void gb_cli_common_entries(GOptionContext *ctx, GbCommon *c, GOptionEntry *extra);
void gb_cli_common_clear(GbCommon *c);
/* Parses argv for command `name`; on a bad option prints it with the hint to
 * use --help and returns GB_USAGE. */
GbStatus gb_cli_parse(const char *name, const char *summary, GOptionContext *ctx, int *argc,
                      char ***argv);

/* Reads and validates the data for a command (printing the row accounting
 * when report is set, and the rejected rows and warnings). GB_DATA when rows
 * were rejected and c->keep_going is not set. */
GbStatus gb_cli_load(GbCommon *c, GbLoaded *ld, gboolean report, GbDiag *diag);
void gb_cli_loaded_clear(GbLoaded *ld);

/* The settings for build, packs and config: the defaults, DATADIR/briefing.ini
 * over them when there is one, config_path (-c) over that, then --as-at; each
 * key's origin is recorded; the palette is put in use. */
GbStatus gb_cli_settings(GbCommon *c, const char *config_path, const char *as_at, GbConfig *config,
                         GbDiag *diag);

/* The one as-at rule (gb_position_as_at): option (--as-at, 0 when not given),
 * else config (briefing.ini's as_at, 0 when not set), else the publication's
 * own date, else the newest judgement date, into *at. Leaves out the rows
 * dated after it and says so on stderr; a streaming table that kept rows
 * dated after a date only known once read is read again. */
GbStatus gb_cli_apply_as_at(GbCommon *c, GbLoaded *ld, guint32 option, guint32 config, GbAsAt *at,
                            GbDiag *diag);
/* The same with a selection (build --regimes, --from, --to; parsed, not yet
 * applied): --to earlier than that date moves the as-at date to it (--from
 * never does), and sel is applied before the cut, so every row it leaves out
 * is counted in it. A table of rows only (not streaming). */
GbStatus gb_cli_apply_selection(GbCommon *c, GbLoaded *ld, guint32 option, guint32 config,
                                GbSelection *sel, GbAsAt *at, GbDiag *diag);

/* The date written into generated files (PDF creation and XMP dates):
 * SOURCE_DATE_EPOCH when set, else as_at, the date the file's figures are as
 * at and which it prints (0: the newest judgement date in the data), never the
 * clock, as ISO 8601. So a file's date changes only with what it shows. The
 * caller frees it. */
char *gb_cli_output_date(const GbTable *t, guint32 as_at);

/* GB_TEMPFAIL with the line to print when SIGINT or SIGTERM arrived, else
 * GB_OK. Commands call it before committing their write set. */
GbStatus gb_cli_interrupted(GbDiag *diag);

/* --formats LIST for build and packs: any of pdf, html, docx, comma-separated
 * (NULL: all three). An unknown or empty list is GB_USAGE with diag set. */
GbStatus gb_cli_formats(const char *list, gboolean *pdf, gboolean *html, gboolean *docx,
                        GbDiag *diag);

/* -o DIR for build and packs, checked before any data is read: GB_USAGE for
 * an empty name or "-", GB_CANTCREAT when DIR (or one of its parents) exists
 * and is not a folder, which the write stage would refuse only after the
 * whole run. NULL (the default folder) is left to the write stage. */
GbStatus gb_cli_output_folder(const char *cmd, const char *dir, GbDiag *diag);

/* What a run changes, for changes.csv and --changes: call it after every
 * other file is added to ws and before the commit. Compares now with the
 * figures the previous run stored (OUTDIR/figures.csv) and, when the run
 * rewrites a file or a figure moved, adds figures.csv and changes.csv (the
 * files rewritten, then the figures that moved; only the files when there was
 * no previous run) to ws; a run that changes nothing adds nothing, so both
 * stay as the last run that changed something left them. *report gets the
 * changes.csv text of this run (a header alone when nothing changed), for
 * --changes FILE; g_free it. */
GbStatus gb_cli_changes(GbWriteSet *ws, const GbFigures *now, char **report, gsize *report_len,
                        GbDiag *diag);
/* Writes report to path (--changes FILE; "-" is standard output). */
GbStatus gb_cli_write_changes(const char *path, const char *report, gsize len, GbDiag *diag);

/* With on, prints the time since *t0 for stage; resets *t0. */
void gb_cli_timing(gboolean on, const char *stage, gint64 *t0);

#endif
