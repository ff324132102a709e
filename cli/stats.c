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
    char *by = NULL, *format = NULL, *as_at = NULL, *authority = NULL, *series = NULL;
    char *movers = NULL, *family = NULL;
    GOptionEntry extra[] = {
        {"by", 0, 0, G_OPTION_ARG_STRING, &by,
         "Group by any of year,regime,judgement,region,authority (default year,regime,judgement)",
         "LIST"},
        {"format", 'f', 0, G_OPTION_ARG_STRING, &format, "table (default), csv or json", "FMT"},
        {"as-at", 0, 0, G_OPTION_ARG_STRING, &as_at,
         "Positions on this date or these dates (YYYY-MM-DD[,...]; default: briefing.ini's "
         "as_at, else the publication's, else the newest judgement)",
         "DATE"},
        {"as-at-series", 0, 0, G_OPTION_ARG_STRING, &series,
         "Positions on this day of every year in the data (DD-MM, e.g. 31-03), or a date list",
         "DD-MM"},
        {"family", 0, 0, G_OPTION_ARG_STRING, &family,
         "Only this judgement family (e.g. safeguarding, overall_effectiveness)", "ID"},
        {"movers", 0, 0, G_OPTION_ARG_STRING, &movers,
         "List moves and transition matrices: family (within one family, adjacent regimes) or "
         "any (across families, labelled)",
         "MODE"},
        {"authority", 'a', 0, G_OPTION_ARG_STRING, &authority,
         "History, movers and comparators for one authority", "NAME"},
        G_OPTION_ENTRY_NULL,
    };
    GOptionContext *ctx = g_option_context_new("[FILE...] - positions, distributions and changes");
    gb_cli_common_entries(ctx, &c, extra);
    GbStatus rc = gb_cli_parse("stats",
                               "Prints positions as at a date (each authority's most recent "
                               "judgement of each judgement family on or before it: count, base, "
                               "percent), then grade distributions of the inspections made in "
                               "each year (count, base, percent, whole percents summing to 100, "
                               "good or better, inadequate; a partial year marked), the "
                               "published figures beside them, changes between years, and the "
                               "reconciliation of computed and published figures.\n\n"
                               "CSV columns (tidy: one row per grade per date and group):\n"
                               "  kind,as_at,family,group,region,authority,dfe_code,ons_code,date,"
                               "year,period_from,period_to,partial,regime,judgement,series,grade,"
                               "count,base,percent,percent_whole,authorities,change_points\n"
                               "kind is position, standing (--by authority), inspections, "
                               "published or reconciliation (like with like, as headlines.csv's "
                               "kind, as_at, from, to and group say: a computed and a published "
                               "row per pair); series is 'computed' (from rows) or 'published' "
                               "(headlines.csv).",
                               ctx, &argc, &argv);
    /* statsfmt prints its own option and lookup problems; its codes are
     * sysexits codes, hence statuses. */
    if (rc == GB_OK)
        rc = (GbStatus)gb_statsfmt_parse_options(by, format, as_at, authority, &o);
    if (rc == GB_OK)
        rc = (GbStatus)gb_statsfmt_parse_positions(series, movers, family, &o);
    /* briefing.ini's as_at is the default date here too (the one as-at rule). */
    GbConfig *config = gb_config_new();
    if (rc == GB_OK)
        rc = gb_cli_settings(&c, NULL, NULL, config, diag);
    o.config_as_at = config->as_at;
    gb_config_free(config);
    /* National figures on one date need counts, not rows: memory stays flat. */
    c.stream = !gb_statsfmt_needs_rows(&o);
    c.stream_as_at = o.as_at ? o.as_at : o.config_as_at;
    GbAsAt at;
    if (rc == GB_OK)
        rc = gb_cli_load(&c, &ld, FALSE, diag);
    if (rc == GB_OK)
        rc = gb_cli_apply_as_at(&c, &ld, o.as_at, o.config_as_at, &at, diag);
    if (rc == GB_OK)
        rc = (GbStatus)gb_statsfmt_run(ld.table, &o, stdout);
    gb_statsfmt_options_clear(&o);
    g_free(series);
    g_free(movers);
    g_free(family);
    g_free(by);
    g_free(format);
    g_free(as_at);
    g_free(authority);
    /* The process ends after this command: the register's many small blocks
     * are left to the exit (reachable, so no leak is reported). */
    gb_ref_leave(g_steal_pointer(&ld.ref));
    gb_cli_loaded_clear(&ld);
    gb_cli_common_clear(&c);
    g_option_context_free(ctx);
    return rc;
}
