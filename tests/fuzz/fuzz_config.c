/* fuzz_config.c - libFuzzer target: briefing.ini parsing. */
#include "../rmtree.h"
#include "output/config.h"

#include <stdint.h>

static char *path;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char *dir = gb_test_exit_scratch("gbfuzz");
    path = g_build_filename(dir, "briefing.ini", NULL);
    g_free(dir);
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!g_file_set_contents(path, (const char *)data, (gssize)size, NULL))
        return 0;
    GbConfig *c = gb_config_new();
    GbDiag d = {0};
    GbStatus s = gb_config_load(c, path, &d);
    if (s != GB_OK && d.message == NULL)
        abort();
    if (s == GB_OK && c->sections->len > 16)
        abort(); /* at most every section once */
    gb_diag_clear(&d);
    gb_config_free(c);
    return 0;
}
