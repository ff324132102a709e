/* stats.c - `gradebrief stats`: figures on standard output (the formats are
 * pipeline/statsfmt's). */
#include "cli/cli.h"

#include "pipeline/statsfmt.h"

GbStatus
gb_cmd_stats(int argc, char **argv, GbDiag *diag)
{
    GbCommon c = {0};
    GbLoaded ld = {0};
    GbStatsOptions o = {0};
    char *by = NULL, *format = NULL, *as_at = NULL, *authority = NULL;
    GOptionEntry extra[] = {
        {"by", 0, 0, G_OPTION_ARG_STRING, &by,
         "Group by any of year,regime,judgement,region (default year,regime,judgement)", "LIST"},
        {"format", 'f', 0, G_OPTION_ARG_STRING, &format, "table (default), csv or json", "FMT"},
        {"as-at", 0, 0, G_OPTION_ARG_STRING, &as_at, "Latest judgements on this date (YYYY-MM-DD)",
         "DATE"},
        {"authority", 'a', 0, G_OPTION_ARG_STRING, &authority,
         "History, movers and comparators for one authority", "NAME"},
        G_OPTION_ENTRY_NULL,
    };
    GOptionContext *ctx = g_option_context_new("[FILE...] - grade distributions and changes");
    gb_cli_common_entries(ctx, &c, extra);
    GbStatus rc = gb_cli_parse("stats",
                               "Prints grade distributions (count, base, percent, whole percents "
                               "summing to 100, good or better, inadequate) for each group, the "
                               "published figures beside them, changes between years, the "
                               "reconciliation of computed and published figures, and movers."
                               "\n\nCSV columns (one row per grade per group):\n"
                               "  year,regime,judgement,region,series,grade,count,base,percent,"
                               "percent_whole\n"
                               "series is 'computed' (from rows) or 'published' (headlines.csv).",
                               ctx, &argc, &argv);
    /* statsfmt prints its own option and lookup problems; its codes are
     * sysexits codes, hence statuses. */
    if (rc == GB_OK)
        rc = (GbStatus)gb_statsfmt_parse_options(by, format, as_at, authority, &o);
    /* National figures need counts, not rows: memory stays flat in the rows. */
    c.stream = o.authority == NULL;
    c.stream_as_at = o.as_at;
    if (rc == GB_OK)
        rc = gb_cli_load(&c, &ld, FALSE, diag);
    if (rc == GB_OK)
        rc = (GbStatus)gb_statsfmt_run(ld.table, &o, stdout);
    gb_statsfmt_options_clear(&o);
    g_free(by);
    g_free(format);
    g_free(as_at);
    g_free(authority);
    gb_cli_loaded_clear(&ld);
    gb_cli_common_clear(&c);
    g_option_context_free(ctx);
    return rc;
}
