/* cli.h - what the commands share: the common options, loading the data and
 * the settings, the output date, stage timings and stopping on a signal.
 *
 * Each command (cli/check.c, stats.c, chart.c, build.c, packs.c) parses its
 * options into a request, runs it and returns a GbStatus with its diagnostic;
 * main() prints the diagnostic once and exits with the status's code. */
#ifndef GB_CLI_H
#define GB_CLI_H

#include "output/config.h"
#include "pipeline/load.h"
#include "pipeline/position.h"

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

/* The date written into generated files: SOURCE_DATE_EPOCH when set, else
 * the newest judgement date in the data (never the clock), as ISO 8601. The
 * caller frees it. */
char *gb_cli_output_date(const GbTable *t);

/* GB_TEMPFAIL with the line to print when SIGINT or SIGTERM arrived, else
 * GB_OK. Commands call it before committing their write set. */
GbStatus gb_cli_interrupted(GbDiag *diag);

/* --formats LIST for build and packs: any of pdf, html, docx, comma-separated
 * (NULL: all three). An unknown or empty list is GB_USAGE with diag set. */
GbStatus gb_cli_formats(const char *list, gboolean *pdf, gboolean *html, gboolean *docx,
                        GbDiag *diag);

/* With on, prints the time since *t0 for stage; resets *t0. */
void gb_cli_timing(gboolean on, const char *stage, gint64 *t0);

#endif
