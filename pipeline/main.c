/* main.c - the gradebrief command line: parse the command and its options, run
 * the stages, and print every error once, as "gradebrief: FILE:LINE:COL: ...",
 * exiting with a sysexits(3) code. */
#include "output/briefing.h"
#include "output/chartfile.h"
#include "pipeline/load.h"
#include "pipeline/report.h"
#include "pipeline/statsfmt.h"
#include "pipeline/text.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *datadir;
    char *profile;
    gboolean keep_going;
    gboolean verbose;
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
        {NULL},
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
    if (c->verbose || total.merged == 0) {
        gb_report_diags(stderr, w, "warning: ", "warnings");
    } else {
        /* Merged duplicates are expected (sheets that repeat each other): one line. */
        const GbDiag *first = w->items->len ? &g_array_index(w->items, GbDiag, 0) : NULL;
        char *where = first ? gb_diag_format(first) : g_strdup("");
        fprintf(stderr, "gradebrief: warning: %" G_GUINT64_FORMAT " identical duplicate row%s "
                "merged (first: %s); -v lists them\n", total.merged,
                total.merged == 1 ? "" : "s", where);
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
        {NULL},
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
        {NULL},
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

/* Writes bytes to dir/name atomically (a temporary file, then rename), making
 * the folders it needs. */
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

static int
gb_cmd_build(int argc, char **argv)
{
    GbCommon c = {0};
    GbLoaded ld = {0};
    char *config_path = NULL, *outdir = NULL, *as_at = NULL, *title = NULL;
    gboolean timings = FALSE;
    GOptionEntry extra[] = {
        {"config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path, "Briefing settings (key file)",
         "FILE"},
        {"output", 'o', 0, G_OPTION_ARG_FILENAME, &outdir, "Output folder (default out)", "DIR"},
        {"as-at", 0, 0, G_OPTION_ARG_STRING, &as_at,
         "Latest judgements on this date (default: the newest in the data)", "DATE"},
        {"title", 0, 0, G_OPTION_ARG_STRING, &title, "Title (overrides the config)", "TEXT"},
        {"timings", 0, 0, G_OPTION_ARG_NONE, &timings, "Print the time of each stage", NULL},
        {NULL},
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
    GByteArray *pdf = NULL;
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    GPtrArray *bytes = g_ptr_array_new_with_free_func((GDestroyNotify)g_byte_array_unref);
    char *err = NULL, *date = NULL;
    GbDiag diag = {0};
    gint64 t0 = g_get_monotonic_time();
    if (rc != GB_OK)
        goto out;
    if (c.datadir == NULL)
        c.datadir = gb__default_datadir();
    if (config_path == NULL) { /* the data folder's own settings, when it has them */
        char *own = g_build_filename(c.datadir, "briefing.ini", NULL);
        if (g_file_test(own, G_FILE_TEST_EXISTS))
            config_path = own;
        else
            g_free(own);
    }
    if (config_path != NULL && (rc = gb_config_load(config, config_path, &diag)) != GB_OK) {
        gb__print_diag(&diag);
        goto out;
    }
    if (title != NULL) {
        g_free(config->title);
        config->title = g_strdup(title);
    }
    if (as_at != NULL && !gb_text_parse_date(as_at, &config->as_at)) {
        fprintf(stderr, "gradebrief build: --as-at: '%s' is not a date (YYYY-MM-DD)\n", as_at);
        rc = GB_USAGE;
        goto out;
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
    stats = gb_stats_compute(ld.table, GB_BY_YEAR | GB_BY_REGIME | GB_BY_JUDGEMENT);
    moves = gb_stats_moves(ld.table);
    latest = gb_stats_latest(ld.table, "overall_effectiveness", when);
    date = gb__output_date(ld.table);
    GbBriefingInput in = {.table = ld.table, .stats = stats, .moves = moves, .latest = latest,
                          .config = config, .date = date};
    if ((brief = gb_briefing_new(&in, &err)) == NULL) {
        fprintf(stderr, "gradebrief: %s\n", err);
        rc = GB_DATA;
        goto out;
    }
    gb__timing(timings, "compute", &t0);
    int pages = 0;
    if ((rc = gb_briefing_pdf(brief, fonts, &pdf, &pages, &diag)) != GB_OK) {
        gb__print_diag(&diag);
        goto out;
    }
    gb__timing(timings, "pdf", &t0);
    if ((rc = gb_briefing_files(brief, fonts, names, bytes, &diag)) != GB_OK) {
        gb__print_diag(&diag);
        goto out;
    }
    gb__timing(timings, "charts", &t0);
    const char *dir = outdir != NULL ? outdir : "out";
    /* Everything is made; only now is anything written. */
    if ((rc = gb__write_file(dir, "briefing.pdf", pdf)) != GB_OK)
        goto out;
    for (guint i = 0; i < names->len && rc == GB_OK; i++)
        rc = gb__write_file(dir, g_ptr_array_index(names, i), g_ptr_array_index(bytes, i));
    if (rc != GB_OK)
        goto out;
    gb__timing(timings, "write", &t0);
    printf("wrote %s/briefing.pdf (%d pages, %.0f KB) and %u charts and tables\n", dir, pages,
           pdf->len / 1024.0, names->len);
out:
    g_ptr_array_free(names, TRUE);
    g_ptr_array_free(bytes, TRUE);
    if (pdf != NULL)
        g_byte_array_unref(pdf);
    gb_briefing_free(brief);
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

static const GbCommand gb__commands[] = {
    {"build", "[FILE...] [-d DIR] [-c briefing.ini] [-o OUTDIR]",
     "write the national briefing PDF, charts and tables (default)", gb_cmd_build},
    {"check", "[FILE...] [-d DIR]", "validate the data and print the row accounting",
     gb_cmd_check},
    {"stats", "[FILE...] [-d DIR] [--by LIST] [-f table|csv|json]",
     "grade distributions, changes, reconciliation, movers", gb_cmd_stats},
    {"chart", "NAME [FILE...] [-f pdf|svg|png] [-o FILE]", "draw one chart (--list)",
     gb_cmd_chart},
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
