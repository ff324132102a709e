/* chart.c - `gradebrief chart NAME`: one chart as a PDF, SVG or PNG file, or
 * on standard output with -o -. */
#include "cli/cli.h"

#include "output/chartfile.h"
#include "output/write.h"
#include "pipeline/packsummary.h"
#include "pipeline/summary.h"
#include "pipeline/text.h"

#include <string.h>

typedef struct {
    GbCommon common;
    char *name; /* the chart */
    GbFormat format;
    char *output; /* NULL: out/NAME.FMT; "-": standard output */
    double width, height, dpi;
    char *authority;
    guint32 as_at; /* 0: the newest judgement date */
    gboolean list;
} GbChartRequest;

static void
gb__chart_request_clear(GbChartRequest *r)
{
    gb_cli_common_clear(&r->common);
    g_free(r->name);
    g_free(r->output);
    g_free(r->authority);
}

/* Fills r from argv; every check that needs no data is made here. */
static GbStatus
gb__chart_parse(int argc, char **argv, GbChartRequest *r, GbDiag *diag)
{
    char *format = NULL, *as_at = NULL;
    r->width = 481.9, r->height = 0, r->dpi = 150;
    GOptionEntry extra[] = {
        {"list", 'l', 0, G_OPTION_ARG_NONE, &r->list, "Print the chart names, one per line", NULL},
        {"format", 'f', 0, G_OPTION_ARG_STRING, &format, "pdf (default), svg or png", "FMT"},
        {"output", 'o', 0, G_OPTION_ARG_FILENAME, &r->output,
         "Write here (default out/NAME.FMT; - for standard output)", "FILE"},
        {"width", 0, 0, G_OPTION_ARG_DOUBLE, &r->width,
         "Width in points (default 481.9, A4 "
         "text width)",
         "PT"},
        {"height", 0, 0, G_OPTION_ARG_DOUBLE, &r->height,
         "Height in points (default: what the "
         "chart needs)",
         "PT"},
        {"dpi", 0, 0, G_OPTION_ARG_DOUBLE, &r->dpi, "PNG resolution (default 150)", "N"},
        {"authority", 'a', 0, G_OPTION_ARG_STRING, &r->authority,
         "The authority (only charts about one authority: timeline)", "NAME"},
        {"as-at", 0, 0, G_OPTION_ARG_STRING, &as_at,
         "Latest judgements on this date (only charts of latest judgements: counts, map)", "DATE"},
        G_OPTION_ENTRY_NULL,
    };
    GOptionContext *ctx = g_option_context_new("NAME [FILE...] - draw one chart");
    gb_cli_common_entries(ctx, &r->common, extra);
    GString *names = g_string_new("Draws one chart from the same computed results the briefing "
                                  "uses. Charts:");
    for (const char *const *n = gb_chart_names(); *n != NULL; n++)
        g_string_append_printf(names, " %s%s%s", *n,
                               gb_chart_needs_authority(*n) ? " (needs --authority)" : "",
                               gb_chart_takes(*n, GB_CHART_TAKES_AS_AT) ? " (takes --as-at)" : "");
    g_string_append(names, ". An option a chart does not take is an error. --height below what "
                           "the chart needs is refused, with the least height it needs.");
    GbStatus rc = gb_cli_parse("chart", names->str, ctx, &argc, &argv);
    g_string_free(names, TRUE);
    g_option_context_free(ctx);
    if (rc != GB_OK || r->list)
        goto out;
    rc = GB_USAGE;
    char **files = r->common.files;
    if (files == NULL || files[0] == NULL) {
        gb_diag_set(diag, NULL, 0, 0, "name a chart (gradebrief chart --list)");
        goto out;
    }
    r->name = g_strdup(files[0]);
    /* The remaining arguments are data files. */
    r->common.files = g_strdupv(files + 1);
    g_strfreev(files);
    if (!g_strv_contains(gb_chart_names(), r->name)) {
        gb_diag_set(diag, NULL, 0, 0, "unknown chart '%s' (gradebrief chart --list names them)",
                    r->name);
        goto out;
    }
    /* An option the chart does not take is refused, not ignored. */
    static const struct {
        GbChartTakes opt;
        const char *name;
    } chart_opts[] = {
        {GB_CHART_TAKES_AUTHORITY, "--authority"},
        {GB_CHART_TAKES_AS_AT, "--as-at"},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(chart_opts); i++) {
        gboolean given =
            chart_opts[i].opt == GB_CHART_TAKES_AUTHORITY ? r->authority != NULL : as_at != NULL;
        if (given && !gb_chart_takes(r->name, chart_opts[i].opt)) {
            char *takers = gb_chart_names_taking(chart_opts[i].opt);
            gb_diag_set(diag, NULL, 0, 0, "chart '%s' does not take %s (%s take%s it)", r->name,
                        chart_opts[i].name, takers, strchr(takers, ' ') ? "" : "s");
            g_free(takers);
            goto out;
        }
    }
    if (gb_chart_needs_authority(r->name) && r->authority == NULL) {
        gb_diag_set(diag, NULL, 0, 0,
                    "chart '%s' is about one authority: name it with "
                    "--authority",
                    r->name);
        goto out;
    }
    r->format = GB_FORMAT_PDF;
    if (format != NULL && !gb_format_parse(format, &r->format)) {
        gb_diag_set(diag, NULL, 0, 0, "--format: '%s' is not pdf, svg or png", format);
        goto out;
    }
    if (r->output != NULL && *r->output == '\0') {
        gb_diag_set(diag, NULL, 0, 0,
                    "-o: the output file name is empty (-o - writes to "
                    "standard output)");
        goto out;
    }
    if (format == NULL && r->output != NULL)
        gb_format_from_path(r->output, &r->format);
    if (!(r->width >= 72 && r->width <= 5000) ||
        !(r->height == 0 || (r->height >= 36 && r->height <= 5000)) ||
        !(r->dpi >= 36 && r->dpi <= 1200)) {
        gb_diag_set(diag, NULL, 0, 0,
                    "--width/--height must be 72-5000 points and --dpi "
                    "36-1200");
        goto out;
    }
    if (as_at != NULL && !gb_text_parse_date(as_at, &r->as_at)) {
        gb_diag_set(diag, NULL, 0, 0, "--as-at: '%s' is not a date (YYYY-MM-DD)", as_at);
        goto out;
    }
    rc = GB_OK;
out:
    g_free(format);
    g_free(as_at);
    return rc;
}

/* What a chart is drawn from, beyond the table: owned here, pointed at by
 * the chart's input. */
typedef struct {
    GbStats *stats;
    GbMoves *moves;
    GbLatest *latest;
    GArray *positions;
    GbMovers *movers;
    GbMoverTotals moved;
    char *scope;
    const char *labels[GB_COMMON_LEVELS];
    GArray *years; /* the position chart's: a pack's series, or NULL */
} GbChartResults;

static void
gb__chart_results_clear(GbChartResults *res)
{
    gb_stats_free(res->stats);
    gb_stats_moves_free(res->moves);
    gb_stats_latest_free(res->latest);
    if (res->positions != NULL)
        g_array_free(res->positions, TRUE);
    gb_position_movers_free(res->movers);
    g_free(res->scope);
    if (res->years != NULL)
        g_array_free(res->years, TRUE);
}

/* Computes into res what the charts draw on the date when, and points in at
 * it. As the briefing: the trend is England's position as at 31 March each
 * year (a stock, never the inspections made in a year), the transitions are
 * moves like with like, and the labels those of the regimes shown. */
static void
gb__chart_compute(const GbLoaded *ld, guint32 when, GbChartResults *res, GbChartInput *in)
{
    in->stats = res->stats =
        gb_stats_compute(ld->table, GB_BY_YEAR | GB_BY_REGIME | GB_BY_JUDGEMENT);
    in->moves = res->moves = gb_stats_moves(ld->table);
    in->latest = res->latest = gb_stats_latest(ld->table, "overall_effectiveness", when);
    int current = gb_summary_current_regime(ld->ref);
    int family = gb_summary_headline_family(ld->ref, current);
    if (family < 0)
        return;
    GArray *dates = gb_summary_position_dates(ld->table, when);
    res->positions = gb_position_series(ld->table, family, (const guint32 *)(void *)dates->data,
                                        dates->len, FALSE);
    g_array_free(dates, TRUE);
    in->positions = res->positions;
    in->family = family;
    const GbPosition *now = gb_summary_position_on(res->positions, family, when);
    if (now != NULL) {
        for (int k = 0; k < GB_COMMON_LEVELS; k++)
            res->labels[k] = gb_summary_position_label(ld->ref, now, k, NULL);
        in->level_labels = res->labels;
    }
    if (ld->table->rows->len > 0) {
        res->movers = gb_position_movers(ld->table, GB_MOVERS_FAMILY, when);
        gb_summary_mover_totals(res->movers, family, &res->moved);
        int j = gb_ref_headline_judgement(ld->ref, current);
        char *lower = g_utf8_strdown(gb_ref_judgement(ld->ref, j)->label, -1);
        res->scope = g_strdup_printf("%s judgements", lower);
        g_free(lower);
        in->mover_totals = &res->moved;
        in->mover_scope = res->scope;
    }
}

/* The position chart's series for in's authority, as its pack has it: 31
 * March each year since ILACS began. */
static void
gb__chart_pack_years(const GbLoaded *ld, guint32 when, GbChartResults *res, GbChartInput *in)
{
    GArray *dates = gb_packsummary_dates(GB_PACK_FIRST_YEAR, when);
    GPtrArray *st = gb_packsummary_standings(
        ld->table, gb_ref_find_family(ld->ref, "overall_effectiveness"), dates);
    if (st != NULL) {
        in->years = res->years = gb_packsummary_years(ld->table, st, in->authority);
        g_ptr_array_free(st, TRUE);
    }
    g_array_free(dates, TRUE);
}

/* Finds --authority on the date when; a name typed on the command line that
 * names none is a usage error, with the nearest names. */
static GbStatus
gb__chart_authority(const GbLoaded *ld, const char *name, guint32 when, int *authority,
                    GbDiag *diag)
{
    GString *scratch = g_string_new(NULL);
    *authority = gb_ref_find_authority(ld->ref, name, strlen(name), 0, when, scratch, NULL);
    g_string_free(scratch, TRUE);
    if (*authority >= 0)
        return GB_OK;
    char *msg = gb_ref_unknown_authority(ld->ref, name);
    gb_diag_set(diag, NULL, 0, 0, "--authority: %s", msg);
    g_free(msg);
    return GB_USAGE;
}

static GbStatus
gb__chart_run(GbChartRequest *r, GbDiag *diag)
{
    if (r->list) {
        for (const char *const *n = gb_chart_names(); *n != NULL; n++)
            printf("%s\n", *n);
        return GB_OK;
    }
    GbLoaded ld = {0};
    GbFonts *fonts = NULL;
    GbChartResults res = {0};
    GbChart *chart = NULL;
    GByteArray *bytes = NULL;
    char *path = NULL, *date = NULL, *err = NULL;
    /* briefing.ini's as_at is the chart's date too (the one as-at rule). */
    GbConfig *config = gb_config_new();
    GbStatus rc = gb_cli_settings(&r->common, NULL, NULL, config, diag);
    guint32 config_as_at = config->as_at;
    gb_config_free(config);
    GbAsAt at;
    if (rc != GB_OK || (rc = gb_cli_load(&r->common, &ld, FALSE, diag)) != GB_OK ||
        (rc = gb_cli_apply_as_at(&r->common, &ld, r->as_at, config_as_at, &at, diag)) != GB_OK)
        goto out;
    if ((fonts = gb_fonts_new(NULL, &err)) == NULL) {
        gb_diag_set(diag, NULL, 0, 0, "%s", err);
        rc = GB_CONFIG;
        goto out;
    }
    guint32 when = at.date;
    GbChartInput in = {.table = ld.table, .authority = -1};
    if (r->authority != NULL &&
        (rc = gb__chart_authority(&ld, r->authority, when, &in.authority, diag)) != GB_OK)
        goto out;
    gb__chart_compute(&ld, when, &res, &in);
    if (strcmp(r->name, "position") == 0 && in.authority >= 0)
        gb__chart_pack_years(&ld, when, &res, &in);
    /* The name and the authority were checked with the options: what is left
     * is data with nothing to show. */
    if ((chart = gb_chart_new(r->name, &in, &err)) == NULL) {
        gb_diag_set(diag, NULL, 0, 0, "%s", err);
        rc = GB_DATA;
        goto out;
    }
    static const char *const ext[] = {"pdf", "svg", "png"};
    path = r->output != NULL ? g_strdup(r->output)
                             : g_strdup_printf("out/%s.%s", r->name, ext[r->format]);
    date = gb_cli_output_date(ld.table, when);
    GbChartFileOptions o = {
        .format = r->format, .width = r->width, .height = r->height, .dpi = r->dpi, .date = date};
    rc = gb_chartfile_render(chart, fonts, &o, &bytes, diag);
    char *uncovered = rc == GB_OK ? gb_fonts_take_uncovered(fonts) : NULL;
    if (uncovered != NULL) {
        /* Never a chart with boxes for text: nothing is written. */
        gb_diag_set(diag, NULL, 0, 0, "%s", uncovered);
        g_free(uncovered);
        rc = GB_DATA;
    }
    if (rc == GB_OK)
        rc = gb_write_file(path, bytes->data, bytes->len, diag);
out:
    if (bytes != NULL)
        g_byte_array_unref(bytes);
    gb_chart_free(chart);
    gb__chart_results_clear(&res);
    gb_fonts_free(fonts);
    g_free(err);
    g_free(path);
    g_free(date);
    gb_cli_loaded_clear(&ld);
    return rc;
}

GbStatus
gb_cmd_chart(int argc, char **argv, GbDiag *diag)
{
    GbChartRequest r = {0};
    GbStatus rc = gb__chart_parse(argc, argv, &r, diag);
    if (rc == GB_OK)
        rc = gb__chart_run(&r, diag);
    gb__chart_request_clear(&r);
    return rc;
}
