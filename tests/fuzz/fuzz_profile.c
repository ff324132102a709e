/* fuzz_profile.c - libFuzzer target: a profile and a wide table to match it.
 * The input is the profile's key file, a NUL byte, then the table. */
#include "../rmtree.h"
#include "pipeline/load.h"

#include <glib/gstdio.h>
#include <stdint.h>
#include <string.h>

static GbRef *ref;
static char *dir, *ini, *csv;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    GbDiag d = {0};
    if (gb_ref_load(GB_DATADIR, &ref, &d) != GB_OK)
        abort();
    dir = gb_test_exit_scratch("gbfuzz");
    char *profiles = g_build_filename(dir, "profiles", NULL);
    g_mkdir(profiles, 0700);
    ini = g_build_filename(profiles, "fuzz.ini", NULL);
    csv = g_build_filename(dir, "table.csv", NULL);
    g_free(profiles);
    /* Profiles are looked up under ref->datadir: point it at the fuzz folder. */
    g_free(ref->datadir);
    ref->datadir = g_strdup(dir);
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    size_t ini_len = nul ? (size_t)(nul - data) : size;
    if (!g_file_set_contents(ini, (const char *)data, (gssize)ini_len, NULL))
        return 0;
    const char *rest = nul ? (const char *)nul + 1 : "";
    size_t rest_len = nul ? size - ini_len - 1 : 0;
    if (!g_file_set_contents(csv, rest, (gssize)rest_len, NULL))
        return 0;
    GbLoader *l;
    GbDiag d = {0};
    if (gb_loader_new(ref, &l, &d) == GB_OK) {
        GbTable *t = gb_table_new(ref);
        gb_load_file(l, t, csv, &d);
        gb_table_free(t);
        gb_loader_free(l);
    }
    gb_diag_clear(&d);
    return 0;
}
