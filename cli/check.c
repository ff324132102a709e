/* check.c - `gradebrief check`: read and validate, print the row accounting. */
#include "cli/cli.h"

GbStatus
gb_cmd_check(int argc, char **argv, GbDiag *diag)
{
    GbCommon c = {0};
    GbLoaded ld = {0};
    GOptionContext *ctx = g_option_context_new("[FILE...] - validate grade tables");
    gb_cli_common_entries(ctx, &c, NULL);
    GbStatus rc = gb_cli_parse("check",
                               "Reads the data directory and every FILE, checks every "
                               "row against the reference tables and prints the row "
                               "accounting.\nExit status: 0 all rows valid, 65 rows rejected or "
                               "a file malformed, 66 an input missing or unreadable, 64 usage.",
                               ctx, &argc, &argv);
    if (rc == GB_OK) {
        c.keep_going = FALSE;
        c.stream = TRUE; /* validation only: memory bounded by the register */
        rc = gb_cli_load(&c, &ld, TRUE, diag);
    }
    gb_cli_loaded_clear(&ld);
    gb_cli_common_clear(&c);
    g_option_context_free(ctx);
    return rc;
}
