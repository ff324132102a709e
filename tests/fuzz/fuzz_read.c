/* fuzz_read.c - libFuzzer target: read + validate of one grade table (long or
 * wide) over the bundled reference data. */
#include "../rmtree.h"
#include "pipeline/load.h"

#include <stdint.h>
#include <stdio.h>

static GbRef *ref;
static char *path;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    GbDiag d = {0};
    if (gb_ref_load(GB_DATADIR, &ref, &d) != GB_OK)
        abort();
    char *dir = gb_test_exit_scratch("gbfuzz");
    path = g_build_filename(dir, "input.csv", NULL);
    g_free(dir);
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!g_file_set_contents(path, (const char *)data, (gssize)size, NULL))
        return 0;
    GbLoader *l;
    GbDiag d = {0};
    if (gb_loader_new(ref, &l, &d) != GB_OK)
        abort();
    GbTable *t = gb_table_new(ref);
    GbStatus s = gb_load_file(l, t, path, &d);
    /* Whatever happened, the accounting adds up. */
    GbFileAccount total;
    gb_table_totals(t, &total);
    if (total.rows != total.used + total.merged + total.rejected)
        abort();
    if (s != GB_OK && d.message == NULL)
        abort();
    gb_diag_clear(&d);
    gb_table_free(t);
    gb_loader_free(l);
    return 0;
}
