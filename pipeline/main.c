/* main.c - the gradebrief command line: parse the command and its options, run
 * the stages, and print every error once, as "gradebrief: FILE:LINE:COL: ...",
 * exiting with a sysexits(3) code. */
#define _POSIX_C_SOURCE 200809L
#include "output/briefing.h"
#include "output/chartfile.h"
#include "output/manifest.h"
#include "output/pack.h"
#include "output/slug.h"
#include "pipeline/load.h"
#include "pipeline/report.h"
#include "pipeline/statsfmt.h"
#include "pipeline/text.h"

#include <errno.h>
#include <locale.h>
#include <malloc.h>
#include <signal.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *datadir;
    char *profile;
    gboolean keep_going;
    gboolean verbose;
    gboolean quiet;       /* set by commands with --quiet: no merged-duplicates note */
    gboolean stream;      /* keep counts, not rows (check; stats without --authority) */
    guint32 stream_as_at;
    char **files;
} GbCommon;

typedef struct {
    const char *name;
    const char *args;
    const char *summary;
    int (*run)(int argc, char **argv);
} GbCommand;

static void
gb__common_entries(GOptionContext *ctx, GbCommon *c, GOptionEntry *extra)
{
    GOptionEntry entries[] = {
        {"data", 'd', 0, G_OPTION_ARG_FILENAME, &c->datadir,
         "Data directory laid out like data/ (default: the bundled data)", "DIR"},
        {"profile", 0, 0, G_OPTION_ARG_STRING, &c->profile,
         "Read every FILE with this profile (from DIR/profiles)", "ID"},
        {"keep-going", 'k', 0, G_OPTION_ARG_NONE, &c->keep_going,
         "Go on when rows are rejected (they are left out and counted)", NULL},
        {"verbose", 'v', 0, G_OPTION_ARG_NONE, &c->verbose,
         "List every warning, not just a summary", NULL},
        {G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &c->files, NULL, "[FILE...]"},
        G_OPTION_ENTRY_NULL,
    };
    g_option_context_add_main_entries(ctx, entries, NULL);
    if (extra != NULL)
        g_option_context_add_main_entries(ctx, extra, NULL);
}

static void
gb__common_clear(GbCommon *c)
{
    g_free(c->datadir);
    g_free(c->profile);
    g_strfreev(c->files);
}

/* Parses argv for command `name`; prints usage and returns 64 on error, 0 ok. */
static int
gb__parse(const char *name, const char *summary, GOptionContext *ctx, int *argc, char ***argv)
{
    GError *err = NULL;
    g_option_context_set_summary(ctx, summary);
    if (!g_option_context_parse(ctx, argc, argv, &err)) {
        fprintf(stderr, "gradebrief %s: %s\nTry 'gradebrief %s --help'.\n", name, err->message,
                name);
        g_error_free(err);
        return GB_USAGE;
    }
    return GB_OK;
}

static char *
gb__default_datadir(void)
{
    const char *env = g_getenv("GRADEBRIEF_DATA");
    if (env != NULL && *env != '\0')
        return g_strdup(env);
    if (g_file_test(GB_DATADIR "/authorities.csv", G_FILE_TEST_EXISTS))
        return g_strdup(GB_DATADIR);
    return g_strdup(GB_INSTALL_DATADIR);
}

static void
gb__print_diag(const GbDiag *d)
{
    char *line = gb_diag_format(d);
    fprintf(stderr, "gradebrief: %s\n", line);
    g_free(line);
}

typedef struct {
    GbRef *ref;
    GbLoader *loader;
    GbTable *table;
} GbLoaded;

static void
gb__loaded_clear(GbLoaded *ld)
{
    gb_table_free(ld->table);
    gb_loader_free(ld->loader);
    gb_ref_free(ld->ref);
}

/* Runs read + validate for a command. Prints problems; returns the exit code
 * (0, 65 with rejects unless keep_going, or that of a fatal problem). */
static int
gb__load(GbCommon *c, GbLoaded *ld, gboolean report)
{
    GbDiag diag = {0};
    if (c->datadir == NULL)
        c->datadir = gb__default_datadir();
    GbStatus status = gb_ref_load(c->datadir, &ld->ref, &diag);
    if (status == GB_OK)
        status = gb_loader_new(ld->ref, &ld->loader, &diag);
    if (status == GB_OK) {
        ld->loader->force_profile = c->profile;
        ld->table = gb_table_new(ld->ref);
        if (c->stream)
            gb_table_set_streaming(ld->table, c->stream_as_at);
        status = gb_load_all(ld->loader, ld->table, (const char *const *)c->files, &diag);
    }
    if (status != GB_OK) {
        gb__print_diag(&diag);
        gb_diag_clear(&diag);
        return status;
    }
    if (report)
        gb_report_accounting(stdout, ld->table);
    gb_report_diags(stderr, ld->loader->rejects, "", "rejected rows");
    const GbDiagList *w = ld->loader->warnings;
    GbFileAccount total;
    gb_table_totals(ld->table, &total);
    if (c->verbose || total.merged == 0 || gb_diag_list_total(w) == 0) {
        /* Duplicates across publications merge silently; only repeats within
         * one table are warnings. */
        gb_report_diags(stderr, w, "warning: ", "warnings");
    } else if (!c->quiet) {
        /* Merged duplicates are expected (sheets that repeat each other): one line. */
        const GbDiag *first = w->items->len ? &g_array_index(w->items, GbDiag, 0) : NULL;
        char *where = first ? gb_diag_format(first) : g_strdup("");
        fprintf(stderr, "gradebrief: warning: %" G_GUINT64_FORMAT " identical duplicate row%s "
                "merged (first: %s); -v lists them\n", gb_diag_list_total(w),
                gb_diag_list_total(w) == 1 ? "" : "s", where);
        g_free(where);
    }
    guint64 rejected = gb_diag_list_total(ld->loader->rejects);
    if (rejected > 0 && !c->keep_going) {
        if (!report)
            fprintf(stderr, "gradebrief: %" G_GUINT64_FORMAT " row%s rejected; fix them or "
                    "pass --keep-going to leave them out\n", rejected, rejected == 1 ? "" : "s");
        return GB_DATA;
    }
    return GB_OK;
}

static int
gb_cmd_check(int argc, char **argv)
{
    GbCommon c = {0};
    GbLoaded ld = {0};
    GOptionContext *ctx = g_option_context_new("[FILE...] - validate grade tables");
    gb__common_entries(ctx, &c, NULL);
    int rc = gb__parse("check", "Reads the data directory and every FILE, checks every row "
                       "against the reference tables and prints the row accounting.\n"
                       "Exit status: 0 all rows valid, 65 rows rejected or a file malformed, "
                       "66 an input missing or unreadable, 64 usage.",
                       ctx, &argc, &argv);
    if (rc == GB_OK) {
        c.keep_going = FALSE;
        c.stream = TRUE; /* validation only: memory bounded by the register */
        rc = gb__load(&c, &ld, TRUE);
    }
    gb__loaded_clear(&ld);
    gb__common_clear(&c);
    g_option_context_free(ctx);
    return rc;
}

static int
gb_cmd_stats(int argc, char **argv)
{
    GbCommon c = {0};
    GbLoaded ld = {0};
    GbStatsOptions o = {0};
    char *by = NULL, *format = NULL, *as_at = NULL, *authority = NULL;
    GOptionEntry extra[] = {
        {"by", 0, 0, G_OPTION_ARG_STRING, &by,
         "Group by any of year,regime,judgement,region (default year,regime,judgement)",
         "LIST"},
        {"format", 'f', 0, G_OPTION_ARG_STRING, &format, "table (default), csv or json", "FMT"},
        {"as-at", 0, 0, G_OPTION_ARG_STRING, &as_at,
         "Latest judgements on this date (YYYY-MM-DD)", "DATE"},
        {"authority", 'a', 0, G_OPTION_ARG_STRING, &authority,
         "History, movers and comparators for one authority", "NAME"},
        G_OPTION_ENTRY_NULL,
    };
    GOptionContext *ctx = g_option_context_new("[FILE...] - grade distributions and changes");
    gb__common_entries(ctx, &c, extra);
    int rc = gb__parse("stats",
                       "Prints grade distributions (count, base, percent, whole percents "
                       "summing to 100, good or better, inadequate) for each group, the "
                       "published figures beside them, changes between years, the "
                       "reconciliation of computed and published figures, and movers.\n\n"
                       "CSV columns (one row per grade per group):\n"
                       "  year,regime,judgement,region,series,grade,count,base,percent,"
                       "percent_whole\n"
                       "series is 'computed' (from rows) or 'published' (headlines.csv).",
                       ctx, &argc, &argv);
    if (rc == GB_OK)
        rc = gb_statsfmt_parse_options(by, format, as_at, authority, &o);
    /* National figures need counts, not rows: memory stays flat in the rows. */
    c.stream = o.authority == NULL;
    c.stream_as_at = o.as_at;
    if (rc == GB_OK)
        rc = gb__load(&c, &ld, FALSE);
    if (rc == GB_OK)
        rc = gb_statsfmt_run(ld.table, &o, stdout);
    gb_statsfmt_options_clear(&o);
    g_free(by);
    g_free(format);
    g_free(as_at);
    g_free(authority);
    gb__loaded_clear(&ld);
    gb__common_clear(&c);
    g_option_context_free(ctx);
    return rc;
}

/* The date written into generated files: SOURCE_DATE_EPOCH when set, else the
 * newest judgement date in the data (never the clock), as ISO 8601. */
static char *
gb__output_date(const GbTable *t)
{
    const char *epoch = g_getenv("SOURCE_DATE_EPOCH");
    gint64 secs;
    if (epoch != NULL && gb_text_parse_int(epoch, 0, G_MAXINT64, &secs)) {
        GDateTime *dt = g_date_time_new_from_unix_utc(secs);
        char *s = g_date_time_format(dt, "%Y-%m-%dT%H:%M:%SZ");
        g_date_time_unref(dt);
        return s;
    }
    guint32 d = t->newest_date ? t->newest_date : (guint32)MAX(t->max_year, 1970) * 10000 + 1231;
    char buf[11];
    gb_text_format_date(d, buf);
    return g_strdup(buf);
}

static int
gb_cmd_chart(int argc, char **argv)
{
    GbCommon c = {0};
    GbLoaded ld = {0};
    char *format = NULL, *output = NULL, *authority = NULL, *as_at = NULL;
    gboolean list = FALSE;
    double width = 481.9, height = 0, dpi = 150;
    GOptionEntry extra[] = {
        {"list", 'l', 0, G_OPTION_ARG_NONE, &list, "Print the chart names, one per line", NULL},
        {"format", 'f', 0, G_OPTION_ARG_STRING, &format, "pdf (default), svg or png", "FMT"},
        {"output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
         "Write here (default out/NAME.FMT)", "FILE"},
        {"width", 0, 0, G_OPTION_ARG_DOUBLE, &width, "Width in points (default 481.9, A4 text "
         "width)", "PT"},
        {"height", 0, 0, G_OPTION_ARG_DOUBLE, &height, "Height in points (default: what the "
         "chart needs)", "PT"},
        {"dpi", 0, 0, G_OPTION_ARG_DOUBLE, &dpi, "PNG resolution (default 150)", "N"},
        {"authority", 'a', 0, G_OPTION_ARG_STRING, &authority, "For charts about one authority",
         "NAME"},
        {"as-at", 0, 0, G_OPTION_ARG_STRING, &as_at, "Latest judgements on this date", "DATE"},
        G_OPTION_ENTRY_NULL,
    };
    GOptionContext *ctx = g_option_context_new("NAME [FILE...] - draw one chart");
    gb__common_entries(ctx, &c, extra);
    GString *names = g_string_new("Draws one chart from the same computed results the briefing "
                                  "uses. Charts:");
    for (const char *const *n = gb_chart_names(); *n != NULL; n++)
        g_string_append_printf(names, " %s%s", *n, gb_chart_needs_authority(*n) ? " (needs "
                               "--authority)" : "");
    int rc = gb__parse("chart", names->str, ctx, &argc, &argv);
    g_string_free(names, TRUE);
    GbFonts *fonts = NULL;
    GbStats *stats = NULL;
    GbMoves *moves = NULL;
    GbLatest *latest = NULL;
    GbChart *chart = NULL;
    char *path = NULL, *date = NULL, *err = NULL, *name = NULL;
    GbFormat fmt = GB_FORMAT_PDF;
    guint32 when = 0;
    if (rc != GB_OK)
        goto out;
    if (list) {
        for (const char *const *n = gb_chart_names(); *n != NULL; n++)
            printf("%s\n", *n);
        goto out;
    }
    if (c.files == NULL || c.files[0] == NULL) {
        fprintf(stderr, "gradebrief chart: name a chart (gradebrief chart --list)\n");
        rc = GB_USAGE;
        goto out;
    }
    name = g_strdup(c.files[0]);
    /* The remaining arguments are data files. */
    char **rest = g_strdupv(c.files + 1);
    g_strfreev(c.files);
    c.files = rest;
    if (format != NULL && !gb_format_parse(format, &fmt)) {
        fprintf(stderr, "gradebrief chart: --format: '%s' is not pdf, svg or png\n", format);
        rc = GB_USAGE;
        goto out;
    }
    if (format == NULL && output != NULL)
        gb_format_from_path(output, &fmt);
    if (!(width >= 72 && width <= 5000) || !(height == 0 || (height >= 36 && height <= 5000)) ||
        !(dpi >= 36 && dpi <= 1200)) {
        fprintf(stderr, "gradebrief chart: --width/--height must be 72-5000 points and --dpi "
                "36-1200\n");
        rc = GB_USAGE;
        goto out;
    }
    if (as_at != NULL && !gb_text_parse_date(as_at, &when)) {
        fprintf(stderr, "gradebrief chart: --as-at: '%s' is not a date (YYYY-MM-DD)\n", as_at);
        rc = GB_USAGE;
        goto out;
    }
    if ((rc = gb__load(&c, &ld, FALSE)) != GB_OK)
        goto out;
    if ((fonts = gb_fonts_new(NULL, &err)) == NULL) {
        fprintf(stderr, "gradebrief: %s\n", err);
        rc = GB_SOFTWARE;
        goto out;
    }
    if (when == 0)
        when = ld.table->newest_date;
    GbChartInput in = {.table = ld.table, .authority = -1};
    if (authority != NULL) {
        GString *scratch = g_string_new(NULL);
        in.authority = gb_ref_find_authority(ld.ref, authority, strlen(authority), 0, when,
                                             scratch, NULL);
        g_string_free(scratch, TRUE);
        if (in.authority < 0) {
            fprintf(stderr, "gradebrief chart: --authority: unknown authority '%s'\n",
                    authority);
            rc = GB_DATA;
            goto out;
        }
    }
    in.stats = stats = gb_stats_compute(ld.table, GB_BY_YEAR | GB_BY_REGIME | GB_BY_JUDGEMENT);
    in.moves = moves = gb_stats_moves(ld.table);
    in.latest = latest = gb_stats_latest(ld.table, "overall_effectiveness", when);
    if ((chart = gb_chart_new(name, &in, &err)) == NULL) {
        fprintf(stderr, "gradebrief chart: %s\n", err);
        rc = strncmp(err, "unknown chart", 13) == 0 || strstr(err, "--authority") ? GB_USAGE
                                                                                    : GB_DATA;
        goto out;
    }
    static const char *const ext[] = {"pdf", "svg", "png"};
    if (output != NULL) {
        path = g_strdup(output);
    } else {
        if (g_mkdir_with_parents("out", 0777) != 0) {
            fprintf(stderr, "gradebrief: out: cannot create the folder\n");
            rc = GB_CANTCREAT;
            goto out;
        }
        path = g_strdup_printf("out/%s.%s", name, ext[fmt]);
    }
    date = gb__output_date(ld.table);
    GbChartFileOptions o = {.format = fmt, .width = width, .height = height, .dpi = dpi,
                            .date = date};
    GbDiag diag = {0};
    rc = gb_chartfile_write(chart, fonts, path, &o, &diag);
    if (rc != GB_OK)
        gb__print_diag(&diag);
    gb_diag_clear(&diag);
out:
    gb_chart_free(chart);
    gb_stats_free(stats);
    gb_stats_moves_free(moves);
    gb_stats_latest_free(latest);
    gb_fonts_free(fonts);
    g_free(err);
    g_free(path);
    g_free(date);
    g_free(name);
    g_free(format);
    g_free(output);
    g_free(authority);
    g_free(as_at);
    gb__loaded_clear(&ld);
    gb__common_clear(&c);
    g_option_context_free(ctx);
    return rc;
}

static int gb__write_file(const char *dir, const char *name, const GByteArray *bytes);

/* Writes bytes to dir/name atomically (a temporary file, then rename), making
 * the folders it needs. A file that already holds exactly these bytes is left
 * alone, modification time and all; *written (may be NULL) says which. */
static int
gb__write_file_if_changed(const char *dir, const char *name, const GByteArray *bytes,
                          gboolean *written)
{
    char *path = g_build_filename(dir, name, NULL);
    char *old = NULL;
    gsize old_len = 0;
    gboolean same = g_file_get_contents(path, &old, &old_len, NULL) && old_len == bytes->len &&
                    memcmp(old, bytes->data, old_len) == 0;
    g_free(old);
    g_free(path);
    if (written != NULL)
        *written = !same;
    if (same)
        return GB_OK;
    return gb__write_file(dir, name, bytes);
}

/* A hex SHA-256 of everything the national briefing is made from. */
static char *
gb__build_hash(const GbTable *t, const GbConfig *c, guint32 when, const char *date)
{
    GChecksum *h = g_checksum_new(G_CHECKSUM_SHA256);
    GString *s = g_string_new(NULL);
    g_string_append_printf(s, "gradebrief %s\n%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s\n%g %g\n%u\n%s\n",
                           GB_VERSION, c->palette, c->title, c->subtitle ? c->subtitle : "", c->organisation,
                           c->author, c->keywords, c->font, c->language, c->page_width,
                           c->page_height, when, date);
    for (guint i = 0; i < c->sections->len; i++)
        g_string_append_printf(s, "%s;", (char *)g_ptr_array_index(c->sections, i));
    for (guint i = 0; i < t->files->len; i++) {
        const GbFileAccount *a = &g_array_index(t->files, GbFileAccount, i);
        char *base = g_path_get_basename(a->path);
        g_string_append_printf(s, "\n%s %s %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
                               " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT,
                               base, a->layout, a->rows, a->used, a->merged, a->judgements,
                               a->not_judged);
        g_free(base);
    }
    for (guint i = 0; i < t->sources->len; i++)
        g_string_append_printf(s, "\n%s", (char *)g_ptr_array_index(t->sources, i));
    const GbRef *ref = t->ref;
    for (guint i = 0; i < ref->headlines->len; i++) {
        const GbHeadline *hl = &g_array_index(ref->headlines, GbHeadline, i);
        g_string_append_printf(s, "\n%s %d %g %d %s %s %s", hl->id, hl->year, hl->value, hl->base,
                               hl->qualifier, hl->description, hl->source);
    }
    for (guint i = 0; i < ref->authorities->len; i++) {
        const GbAuthority *a = gb_ref_authority(ref, (int)i);
        g_string_append_printf(s, "\n%s %s %d %u %u %d %d", a->code, a->name, a->region, a->from,
                               a->to, a->tile_q, a->tile_r);
    }
    g_checksum_update(h, (const guchar *)s->str, (gssize)s->len);
    g_checksum_update(h, (const guchar *)t->rows->data, (gssize)(t->rows->len * sizeof(GbRow)));
    char *hex = g_strdup(g_checksum_get_string(h));
    g_checksum_free(h);
    g_string_free(s, TRUE);
    return hex;
}

/* Stops a command at a safe point after SIGINT or SIGTERM: every file is
 * written whole or not at all, so what is on disk stays consistent. */
static int
gb__interrupted(void)
{
    int sig = gb_cancel_requested();
    if (sig == 0)
        return GB_OK;
    fprintf(stderr, "gradebrief: interrupted by %s; files already written are complete, the "
            "rest were not changed\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    return GB_TEMPFAIL;
}

static int
gb__write_file(const char *dir, const char *name, const GByteArray *bytes)
{
    char *path = g_build_filename(dir, name, NULL);
    char *parent = g_path_get_dirname(path);
    GError *err = NULL;
    int rc = GB_OK;
    if (g_mkdir_with_parents(parent, 0777) != 0) {
        fprintf(stderr, "gradebrief: %s: cannot create the folder: %s\n", parent,
                g_strerror(errno));
        rc = GB_CANTCREAT;
    } else if (!g_file_set_contents(path, (const char *)bytes->data, (gssize)bytes->len, &err)) {
        fprintf(stderr, "gradebrief: %s\n", err->message);
        g_error_free(err);
        rc = GB_CANTCREAT;
    }
    g_free(parent);
    g_free(path);
    return rc;
}

static void
gb__timing(gboolean on, const char *stage, gint64 *t0)
{
    gint64 now = g_get_monotonic_time();
    if (on)
        fprintf(stderr, "gradebrief: %-10s %7.1f ms\n", stage, (now - *t0) / 1000.0);
    *t0 = now;
}

/* Loads the settings for build and packs: -c FILE, else DATADIR/briefing.ini when
 * the data folder has one, else the defaults; then --as-at over them and the
 * palette. Prints the problem and returns its exit code. */
static int
gb__settings(GbCommon *c, const char *config_path, const char *as_at, const char *command,
             GbConfig *config)
{
    GbDiag diag = {0};
    if (c->datadir == NULL)
        c->datadir = gb__default_datadir();
    char *own = NULL;
    if (config_path == NULL) {
        own = g_build_filename(c->datadir, "briefing.ini", NULL);
        if (g_file_test(own, G_FILE_TEST_EXISTS))
            config_path = own;
    }
    int rc = config_path != NULL ? gb_config_load(config, config_path, &diag) : GB_OK;
    g_free(own);
    if (rc != GB_OK) {
        gb__print_diag(&diag);
        gb_diag_clear(&diag);
        return rc;
    }
    if (as_at != NULL && !gb_text_parse_date(as_at, &config->as_at)) {
        fprintf(stderr, "gradebrief %s: --as-at: '%s' is not a date (YYYY-MM-DD)\n", command,
                as_at);
        return GB_USAGE;
    }
    gb_palette_use(config->palette);
    return GB_OK;
}

static int
gb_cmd_build(int argc, char **argv)
{
    GbCommon c = {0};
    GbLoaded ld = {0};
    char *config_path = NULL, *outdir = NULL, *as_at = NULL, *title = NULL;
    gboolean timings = FALSE, force = FALSE, quiet = FALSE;
    GOptionEntry extra[] = {
        {"config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path, "Briefing settings (key file)",
         "FILE"},
        {"output", 'o', 0, G_OPTION_ARG_FILENAME, &outdir, "Output folder (default out)", "DIR"},
        {"as-at", 0, 0, G_OPTION_ARG_STRING, &as_at,
         "Latest judgements on this date (default: the newest in the data)", "DATE"},
        {"title", 0, 0, G_OPTION_ARG_STRING, &title, "Title (overrides the config)", "TEXT"},
        {"timings", 0, 0, G_OPTION_ARG_NONE, &timings, "Print the time of each stage", NULL},
        {"force", 0, 0, G_OPTION_ARG_NONE, &force, "Rewrite every file, changed or not", NULL},
        {"quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "Print nothing on success", NULL},
        G_OPTION_ENTRY_NULL,
    };
    GOptionContext *ctx = g_option_context_new("[FILE...] - write the national briefing");
    gb__common_entries(ctx, &c, extra);
    int rc = gb__parse("build",
                       "Writes OUTDIR/briefing.pdf (tagged, A4, with contents, bookmarks and "
                       "alt text), OUTDIR/charts/*.svg and *.png for every chart in it, and "
                       "OUTDIR/tables/*.csv with every figure it shows. Files are replaced "
                       "atomically; a run that fails writes nothing.",
                       ctx, &argc, &argv);
    GbConfig *config = gb_config_new();
    GbFonts *fonts = NULL;
    GbStats *stats = NULL;
    GbMoves *moves = NULL;
    GbLatest *latest = NULL;
    GbBriefing *brief = NULL;
    GbManifest *manifest = NULL;
    char *hash = NULL;
    GByteArray *pdf = NULL;
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    GPtrArray *bytes = g_ptr_array_new_with_free_func((GDestroyNotify)g_byte_array_unref);
    char *err = NULL, *date = NULL;
    GbDiag diag = {0};
    gint64 t0 = g_get_monotonic_time();
    if (rc != GB_OK)
        goto out;
    c.quiet = quiet;
    if ((rc = gb__settings(&c, config_path, as_at, "build", config)) != GB_OK)
        goto out;
    if (title != NULL) {
        g_free(config->title);
        config->title = g_strdup(title);
    }
    if ((rc = gb__load(&c, &ld, FALSE)) != GB_OK)
        goto out;
    gb__timing(timings, "read", &t0);
    if ((fonts = gb_fonts_new(config->font, &err)) == NULL) {
        fprintf(stderr, "gradebrief: %s\n", err);
        rc = GB_SOFTWARE;
        goto out;
    }
    gb__timing(timings, "fonts", &t0);
    guint32 when = config->as_at ? config->as_at : ld.table->newest_date;
    date = gb__output_date(ld.table);
    const char *dir = outdir != NULL ? outdir : "out";
    /* Nothing changed since the last build: nothing to make. */
    hash = gb__build_hash(ld.table, config, when, date);
    manifest = gb_manifest_load(dir, NULL);
    if (!force && gb_manifest_fresh(manifest, dir, "briefing.pdf", hash)) {
        char **files = NULL;
        gsize n = 0;
        /* Every companion file listed last time must still be there too. */
        char *list = g_build_filename(dir, "manifest.ini", NULL);
        GKeyFile *kf = g_key_file_new();
        if (g_key_file_load_from_file(kf, list, G_KEY_FILE_NONE, NULL))
            files = g_key_file_get_keys(kf, "files", &n, NULL);
        gboolean all = files != NULL;
        for (gsize i = 0; i < n && all; i++)
            all = gb_manifest_fresh(manifest, dir, files[i], hash);
        g_strfreev(files);
        g_key_file_free(kf);
        g_free(list);
        if (all) {
            gb__timing(timings, "compute", &t0);
            if (!quiet)
                printf("0 written, %" G_GSIZE_FORMAT " up to date (%s)\n", n, dir);
            goto out;
        }
    }
    stats = gb_stats_compute(ld.table, GB_BY_YEAR | GB_BY_REGIME | GB_BY_JUDGEMENT);
    moves = gb_stats_moves(ld.table);
    latest = gb_stats_latest(ld.table, "overall_effectiveness", when);
    GbBriefingInput in = {.table = ld.table, .stats = stats, .moves = moves, .latest = latest,
                          .config = config, .date = date};
    if ((brief = gb_briefing_new(&in, &err)) == NULL) {
        fprintf(stderr, "gradebrief: %s\n", err);
        rc = GB_DATA;
        goto out;
    }
    gb__timing(timings, "compute", &t0);
    int pages = 0;
    GbPdfJob *job;
    if ((rc = gb_briefing_pdf_start(brief, fonts, &job, &pages, &diag)) != GB_OK) {
        gb__print_diag(&diag);
        goto out;
    }
    gb__timing(timings, "pdf", &t0);
    /* The chart files are drawn while the PDF's finishing pass runs. */
    rc = gb_briefing_files(brief, fonts, names, bytes, &diag);
    gb__timing(timings, "charts", &t0);
    GbDiag finish_diag = {0};
    GbStatus finished = gb_pdf_render_join(job, &pdf, &finish_diag);
    gb__timing(timings, "pdf-finish", &t0);
    if (rc == GB_OK && finished != GB_OK)
        rc = finished, diag = finish_diag, finish_diag = (GbDiag){0};
    gb_diag_clear(&finish_diag);
    if (rc != GB_OK) {
        gb__print_diag(&diag);
        goto out;
    }
    if ((rc = gb__interrupted()) != GB_OK)
        goto out;
    /* Everything is made; only now is anything written, and only what changed. */
    g_ptr_array_insert(names, 0, g_strdup("briefing.pdf"));
    g_ptr_array_insert(bytes, 0, g_byte_array_ref(pdf));
    int written = 0;
    for (guint i = 0; i < names->len && rc == GB_OK; i++) {
        gboolean w = TRUE;
        const char *name = g_ptr_array_index(names, i);
        rc = force ? gb__write_file(dir, name, g_ptr_array_index(bytes, i))
                   : gb__write_file_if_changed(dir, name, g_ptr_array_index(bytes, i), &w);
        if (rc == GB_OK) {
            written += w;
            gb_manifest_set(manifest, name, hash, i == 0 ? pages : 0);
        }
    }
    if (rc == GB_TEMPFAIL)
        gb__interrupted();
    if (rc != GB_OK)
        goto out;
    if ((rc = gb_manifest_save(manifest, dir, &diag)) != GB_OK) {
        gb__print_diag(&diag);
        goto out;
    }
    gb__timing(timings, "write", &t0);
    if (!quiet)
        printf("wrote %s/briefing.pdf (%d pages, %.0f KB): %d written, %u up to date\n", dir,
               pages, pdf->len / 1024.0, written, names->len - (guint)written);
out:
    g_ptr_array_free(names, TRUE);
    g_ptr_array_free(bytes, TRUE);
    if (pdf != NULL)
        g_byte_array_unref(pdf);
    gb_briefing_free(brief);
    gb_manifest_free(manifest);
    g_free(hash);
    gb_stats_free(stats);
    gb_stats_moves_free(moves);
    gb_stats_latest_free(latest);
    gb_fonts_free(fonts);
    gb_config_free(config);
    gb_diag_clear(&diag);
    g_free(err);
    g_free(date);
    g_free(config_path);
    g_free(outdir);
    g_free(as_at);
    g_free(title);
    gb__loaded_clear(&ld);
    gb__common_clear(&c);
    g_option_context_free(ctx);
    return rc;
}

/* One pack to make: who, where, and (once made) the bytes. */
typedef struct {
    int authority;
    char *name;           /* file name in the output folder */
    char *hash;
    GByteArray *pdf;
    int pages;
    GbStatus status;
    GbDiag diag;
} GbPackJob;

typedef struct {
    const GbPackInput *in;
    GPtrArray *jobs;       /* GbPackJob*, the ones to make */
    gint next;             /* atomic: the next job to take */
    GMutex lock;           /* progress output */
    int done, total;
    gboolean quiet, tty;
    gint64 started;
    const char *font;
} GbPackRun;

static void
gb__progress(GbPackRun *r, const GbPackJob *job)
{
    if (r->quiet)
        return;
    g_mutex_lock(&r->lock);
    r->done++;
    if (r->tty) {
        double elapsed = (g_get_monotonic_time() - r->started) / 1e6;
        double left = r->done ? elapsed / r->done * (r->total - r->done) : 0;
        int width = 30, filled = r->total ? width * r->done / r->total : width;
        fprintf(stderr, "\r[%.*s%*s] %d/%d %-32.32s %3.0fs left", filled,
                "##############################", width - filled, "", r->done, r->total,
                job->name, left);
        if (r->done == r->total)
            fputc('\n', stderr);
    } else {
        fprintf(stderr, "gradebrief packs: %d/%d %s\n", r->done, r->total, job->name);
    }
    fflush(stderr);
    g_mutex_unlock(&r->lock);
}

/* A worker: its own fonts (pango and cairo objects stay on one thread), jobs
 * taken one at a time, so -j N makes the same bytes as -j 1. */
static gpointer
gb__pack_worker(gpointer data)
{
    GbPackRun *r = data;
    char *err = NULL;
    GbFonts *fonts = gb_fonts_new(r->font, &err);
    for (;;) {
        if (gb_cancel_requested())
            break;
        gint i = g_atomic_int_add(&r->next, 1);
        if (i >= (gint)r->jobs->len)
            break;
        GbPackJob *job = g_ptr_array_index(r->jobs, i);
        if (fonts == NULL) {
            job->status = GB_SOFTWARE;
            gb_diag_set(&job->diag, NULL, 0, 0, "%s", err);
            continue;
        }
        job->status = gb_pack_pdf(r->in, fonts, job->authority, &job->pdf, &job->pages,
                                  &job->diag);
        gb__progress(r, job);
    }
    gb_fonts_free(fonts);
    g_free(err);
    return NULL;
}

static void
gb__pack_job_free(gpointer p)
{
    GbPackJob *job = p;
    g_free(job->name);
    g_free(job->hash);
    if (job->pdf != NULL)
        g_byte_array_unref(job->pdf);
    gb_diag_clear(&job->diag);
    g_free(job);
}

static int
gb_cmd_packs(int argc, char **argv)
{
    GbCommon c = {0};
    GbLoaded ld = {0};
    char *config_path = NULL, *outdir = NULL, *as_at = NULL;
    char **names = NULL;
    int jobs_n = 0;
    gboolean force = FALSE, quiet = FALSE;
    GOptionEntry extra[] = {
        {"config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path, "Settings (key file)", "FILE"},
        {"output", 'o', 0, G_OPTION_ARG_FILENAME, &outdir, "Output folder (default out/packs)",
         "DIR"},
        {"authority", 'a', 0, G_OPTION_ARG_STRING_ARRAY, &names,
         "Only this authority (repeat for more; default: every authority in existence)", "NAME"},
        {"jobs", 'j', 0, G_OPTION_ARG_INT, &jobs_n, "Packs made at once (default: the cores)",
         "N"},
        {"as-at", 0, 0, G_OPTION_ARG_STRING, &as_at, "Latest judgements on this date", "DATE"},
        {"force", 0, 0, G_OPTION_ARG_NONE, &force, "Rewrite every pack, changed or not", NULL},
        {"quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "No progress output", NULL},
        G_OPTION_ENTRY_NULL,
    };
    GOptionContext *ctx = g_option_context_new("[FILE...] - one briefing pack per authority");
    gb__common_entries(ctx, &c, extra);
    int rc = gb__parse("packs",
                       "Writes OUTDIR/<authority>.pdf for each authority (2-4 pages: its "
                       "judgements over time; where it stands against England, its region and "
                       "its statistical neighbours; their latest judgements; what changed since "
                       "its previous inspection) and OUTDIR/index.csv. Only packs whose inputs "
                       "changed are rewritten (OUTDIR/manifest.ini); --force rewrites all.",
                       ctx, &argc, &argv);
    GbConfig *config = gb_config_new();
    GbStats *stats = NULL;
    GbMoves *moves = NULL;
    GbPackInput in = {0};
    GPtrArray *todo = g_ptr_array_new(); /* borrowed from all */
    GPtrArray *all = g_ptr_array_new_with_free_func(gb__pack_job_free);
    GbManifest *manifest = NULL;
    GbDiag diag = {0};
    char *date = NULL;
    const char *dir = NULL;
    if (rc != GB_OK)
        goto out;
    if (jobs_n < 0 || jobs_n > 64) {
        fprintf(stderr, "gradebrief packs: -j must be 1 to 64\n");
        rc = GB_USAGE;
        goto out;
    }
    c.quiet = quiet;
    if ((rc = gb__settings(&c, config_path, as_at, "packs", config)) != GB_OK)
        goto out;
    if ((rc = gb__load(&c, &ld, FALSE)) != GB_OK)
        goto out;
    guint32 when = config->as_at ? config->as_at : ld.table->newest_date;
    if (!gb_pack_input_init(&in, ld.table)) {
        fprintf(stderr, "gradebrief packs: the data has no ILACS regime to compare on\n");
        rc = GB_DATA;
        goto out;
    }
    stats = gb_stats_compute(ld.table, GB_BY_YEAR | GB_BY_REGIME | GB_BY_JUDGEMENT);
    moves = gb_stats_moves(ld.table);
    date = gb__output_date(ld.table);
    in.stats = stats;
    in.moves = moves;
    in.config = config;
    in.date = date;
    for (int j = 0; j < GB_PACK_JUDGEMENTS; j++)
        in.latest[j] = in.judgements[j] >= 0
                           ? gb_stats_latest(ld.table, gb_ref_judgement(ld.ref, in.judgements[j])->id,
                                             when)
                           : NULL;
    /* Who gets a pack. */
    GArray *who = g_array_new(FALSE, FALSE, sizeof(int));
    if (names != NULL) {
        GString *scratch = g_string_new(NULL);
        for (char **n = names; *n != NULL; n++) {
            int a = gb_ref_find_authority(ld.ref, *n, strlen(*n), 0, when, scratch, NULL);
            if (a < 0) {
                fprintf(stderr, "gradebrief packs: --authority: unknown authority '%s'\n", *n);
                rc = GB_DATA;
                break;
            }
            g_array_append_val(who, a);
        }
        g_string_free(scratch, TRUE);
    } else {
        for (guint a = 0; a < ld.ref->authorities->len; a++)
            if (gb_ref_active_on(gb_ref_authority(ld.ref, (int)a), when)) {
                int ai = (int)a;
                g_array_append_val(who, ai);
            }
    }
    if (rc != GB_OK) {
        g_array_free(who, TRUE);
        goto out;
    }
    dir = outdir != NULL ? outdir : "out/packs";
    if (g_mkdir_with_parents(dir, 0777) != 0) {
        fprintf(stderr, "gradebrief: %s: cannot create the folder: %s\n", dir, g_strerror(errno));
        rc = GB_CANTCREAT;
        g_array_free(who, TRUE);
        goto out;
    }
    gboolean corrupt = FALSE;
    manifest = gb_manifest_load(dir, &corrupt);
    if (corrupt && !quiet)
        fprintf(stderr, "gradebrief packs: %s/manifest.ini is unreadable: rebuilding every "
                "pack\n", dir);
    for (guint i = 0; i < who->len; i++) {
        GbPackJob *job = g_new0(GbPackJob, 1);
        job->authority = g_array_index(who, int, i);
        char *slug = gb_slug_authority(ld.ref, job->authority);
        job->name = g_strdup_printf("%s.pdf", slug);
        g_free(slug);
        job->hash = gb_pack_hash(&in, job->authority);
        g_ptr_array_add(all, job);
        if (force || !gb_manifest_fresh(manifest, dir, job->name, job->hash))
            g_ptr_array_add(todo, job);
    }
    g_array_free(who, TRUE);
    /* Make the changed packs, in parallel. */
    GbPackRun run = {.in = &in, .jobs = todo, .total = (int)todo->len, .quiet = quiet,
                     .tty = isatty(STDERR_FILENO), .started = g_get_monotonic_time(),
                     .font = config->font};
    g_mutex_init(&run.lock);
    int workers = jobs_n > 0 ? jobs_n : (int)g_get_num_processors();
    workers = MAX(1, MIN(workers, (int)todo->len));
    GPtrArray *threads = g_ptr_array_new();
    for (int w = 1; w < workers; w++)
        g_ptr_array_add(threads, g_thread_new("pack", gb__pack_worker, &run));
    if (todo->len > 0)
        gb__pack_worker(&run);
    for (guint w = 0; w < threads->len; w++)
        g_thread_join(g_ptr_array_index(threads, w));
    g_ptr_array_free(threads, TRUE);
    g_mutex_clear(&run.lock);
    /* Write what was made; keep the manifest in step with what is on disk. */
    int written = 0, not_made = 0;
    for (guint i = 0; i < todo->len; i++) {
        GbPackJob *job = g_ptr_array_index(todo, i);
        if (job->pdf == NULL && job->status == GB_OK) {
            not_made++; /* interrupted before its turn */
            continue;
        }
        if (job->status != GB_OK) {
            gb__print_diag(&job->diag);
            rc = job->status;
            continue;
        }
        int w = gb__write_file(dir, job->name, job->pdf);
        if (w != GB_OK) {
            rc = w;
            continue;
        }
        gb_manifest_set(manifest, job->name, job->hash, job->pages);
        written++;
    }
    /* index.csv: rewritten only when its content changes. */
    GString *index = g_string_new("authority,dfe_code,ons_code,file,pages\r\n");
    for (guint i = 0; i < all->len; i++) {
        const GbPackJob *job = g_ptr_array_index(all, i);
        const GbAuthority *au = gb_ref_authority(ld.ref, job->authority);
        int pages = job->pdf != NULL ? job->pages : gb_manifest_pages(manifest, job->name);
        char num[16];
        g_snprintf(num, sizeof num, "%d", pages);
        const char *cells[] = {au->name, au->code,
                               au->ons->len ? g_ptr_array_index(au->ons, 0) : "", job->name, num};
        for (gsize k = 0; k < G_N_ELEMENTS(cells); k++) {
            if (k)
                g_string_append_c(index, ',');
            gb_statsfmt_csv_field(index, cells[k]);
        }
        g_string_append(index, "\r\n");
    }
    char *index_path = g_build_filename(dir, "index.csv", NULL), *old = NULL;
    gsize old_len = 0;
    if (!g_file_get_contents(index_path, &old, &old_len, NULL) || old_len != index->len ||
        memcmp(old, index->str, old_len) != 0) {
        GByteArray ba = {.data = (guint8 *)index->str, .len = (guint)index->len};
        int w = gb__write_file(dir, "index.csv", &ba);
        if (w != GB_OK)
            rc = w;
    }
    g_free(old);
    g_free(index_path);
    g_string_free(index, TRUE);
    /* The manifest records what was written, so an interrupted run resumes. */
    if (gb_manifest_save(manifest, dir, &diag) != GB_OK) {
        gb__print_diag(&diag);
        rc = GB_CANTCREAT;
    }
    if (gb_cancel_requested())
        rc = gb__interrupted();
    if (!quiet || rc != GB_OK) {
        printf("%d written, %u up to date", written, all->len - (guint)written - (guint)not_made);
        if (not_made > 0)
            printf(", %d not made", not_made);
        printf(" (%s)\n", dir);
    }
out:
    g_ptr_array_free(todo, TRUE);
    g_ptr_array_free(all, TRUE);
    gb_manifest_free(manifest);
    for (int j = 0; j < GB_PACK_JUDGEMENTS; j++)
        gb_stats_latest_free((GbLatest *)in.latest[j]);
    gb_stats_free(stats);
    gb_stats_moves_free(moves);
    gb_config_free(config);
    gb_diag_clear(&diag);
    g_free(date);
    g_free(config_path);
    g_free(outdir);
    g_free(as_at);
    g_strfreev(names);
    gb__loaded_clear(&ld);
    gb__common_clear(&c);
    g_option_context_free(ctx);
    return rc;
}

static const GbCommand gb__commands[] = {
    {"build", "[FILE...] [-d DIR] [-c briefing.ini] [-o OUTDIR]",
     "write the national briefing PDF, charts and tables (default)", gb_cmd_build},
    {"check", "[FILE...] [-d DIR]", "validate the data and print the row accounting",
     gb_cmd_check},
    {"stats", "[FILE...] [-d DIR] [--by LIST] [-f table|csv|json]",
     "grade distributions, changes, reconciliation, movers", gb_cmd_stats},
    {"chart", "NAME [FILE...] [-f pdf|svg|png] [-o FILE]", "draw one chart (--list)",
     gb_cmd_chart},
    {"packs", "[FILE...] [-o DIR] [--authority NAME]... [-j N]",
     "one briefing pack per authority, only what changed", gb_cmd_packs},
};

static void
gb__usage(FILE *out)
{
    fprintf(out, "Usage: gradebrief COMMAND [OPTION...] [FILE...]\n\n"
                 "Turns tables of Ofsted inspection grades into figures and briefings.\n\n"
                 "Commands:\n");
    for (gsize i = 0; i < G_N_ELEMENTS(gb__commands); i++)
        fprintf(out, "  %-6s %-52s %s\n", gb__commands[i].name, gb__commands[i].args,
                gb__commands[i].summary);
    fprintf(out, "\nOptions:\n  -h, --help     show this help (COMMAND --help for a command)\n"
                 "  -V, --version  print the version\n\n"
                 "Exit status: 0 ok, 64 usage, 65 bad data, 66 missing input, "
                 "70 internal error, 73 cannot create output.\n");
}

int
main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
    /* Chart images, PDFs and their scratch buffers are megabytes each and short
     * lived: kept in the heap once freed, the next one reuses the pages instead
     * of mapping and faulting in fresh ones (-10% for the chart files). */
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
    mallopt(M_TRIM_THRESHOLD, 128 << 20);
    struct sigaction sa = {.sa_handler = gb_cancel_request};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    /* No command, or only options and files: the default command, build. */
    const char *cmd = argc < 2 || (argv[1][0] == '-' && strcmp(argv[1], "--help") != 0 &&
                                   strcmp(argv[1], "-h") != 0 && strcmp(argv[1], "--version") != 0 &&
                                   strcmp(argv[1], "-V") != 0)
                          ? "build"
                          : argv[1];
    if (strcmp(cmd, "build") == 0 && (argc < 2 || strcmp(argv[1], "build") != 0)) {
        char *prg = g_strdup("gradebrief build");
        g_set_prgname(prg);
        char **args = g_new0(char *, argc + 2);
        args[0] = prg;
        for (int i = 1; i < argc; i++)
            args[i] = argv[i];
        int rc = gb_cmd_build(argc, args);
        g_free(args);
        g_free(prg);
        return rc;
    }
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        gb__usage(stdout);
        return GB_OK;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
        printf("gradebrief %s\n", GB_VERSION);
        return GB_OK;
    }
    for (gsize i = 0; i < G_N_ELEMENTS(gb__commands); i++) {
        if (strcmp(cmd, gb__commands[i].name) == 0) {
            char *prg = g_strdup_printf("gradebrief %s", cmd);
            g_set_prgname(prg);
            argv[1] = prg;
            int rc = gb__commands[i].run(argc - 1, argv + 1);
            g_free(prg);
            return rc;
        }
    }
    fprintf(stderr, "gradebrief: unknown command '%s'\n\n", cmd);
    gb__usage(stderr);
    return GB_USAGE;
}
