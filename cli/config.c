/* config.c - `gradebrief config`: the briefing settings in force for a data
 * folder and a -c file, and where each came from. */
#include "cli/cli.h"

#include <stdio.h>

GbStatus
gb_cmd_config(int argc, char **argv, GbDiag *diag)
{
    GbCommon c = {0};
    char *config_path = NULL;
    GOptionEntry entries[] = {
        {"data", 'd', 0, G_OPTION_ARG_FILENAME, &c.datadir,
         "Data directory laid out like data/ (default: the bundled data)", "DIR"},
        {"config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path,
         "Your settings file, read over DIR/briefing.ini", "FILE"},
        G_OPTION_ENTRY_NULL,
    };
    GOptionContext *ctx = g_option_context_new("- print the settings in force");
    g_option_context_add_main_entries(ctx, entries, NULL);
    GbStatus rc = gb_cli_parse(
        "config",
        "Prints the briefing settings that build and packs would use, as a briefing.ini: "
        "the defaults, DIR/briefing.ini over them, then -c FILE over that (a key FILE does "
        "not set keeps the data folder's value). Above each key a comment says where its "
        "value came from: FILE:LINE, or default. The output can itself be given with -c.\n"
        "Exit status: 0 ok, 64 usage, 65 a settings file malformed, 66 one missing.",
        ctx, &argc, &argv);
    g_option_context_free(ctx);
    GbConfig *config = gb_config_new();
    GKeyFile *kf = g_key_file_new();
    if (rc == GB_OK && argc > 1) {
        gb_diag_set(diag, NULL, 0, 0, "config takes no FILE arguments (settings: -c FILE)");
        rc = GB_USAGE;
    }
    if (rc == GB_OK && c.datadir != NULL && !g_file_test(c.datadir, G_FILE_TEST_IS_DIR)) {
        gb_diag_set(diag, c.datadir, 0, 0, "data directory does not exist");
        rc = GB_NOINPUT;
    }
    if (rc == GB_OK)
        rc = gb_cli_settings(&c, config_path, NULL, config, diag);
    if (rc != GB_OK)
        goto out;
    GString *head = g_string_new(NULL);
    g_string_append_printf(head, " Settings in force for data folder %s", c.datadir);
    if (config_path != NULL)
        g_string_append_printf(head, " with -c %s", config_path);
    g_string_append(head, ".\n Each key's origin is on the line above it (FILE:LINE, or "
                          "default).");
    for (const char *const *k = gb_config_keys(); *k != NULL; k++) {
        char *v = gb_config_value(config, *k);
        if (v == NULL) { /* only as_at can be unset */
            g_string_append_printf(head,
                                   "\n %s is not set: the newest judgement date in the "
                                   "data is used.",
                                   *k);
            continue;
        }
        const char *from = gb_config_origin(config, *k);
        g_key_file_set_string(kf, "briefing", *k, v);
        char *comment = g_strdup_printf(" %s", from != NULL ? from : "default");
        g_key_file_set_comment(kf, "briefing", *k, comment, NULL);
        g_free(comment);
        g_free(v);
    }
    g_key_file_set_comment(kf, NULL, NULL, head->str, NULL);
    g_string_free(head, TRUE);
    char *text = g_key_file_to_data(kf, NULL, NULL);
    fputs(text, stdout);
    g_free(text);
out:
    g_key_file_free(kf);
    gb_config_free(config);
    g_free(config_path);
    gb_cli_common_clear(&c);
    return rc;
}
