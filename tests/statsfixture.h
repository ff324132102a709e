/* statsfixture.h - the bundled tables loaded once a test (setup/teardown), and
 * an authority's index by code: shared by test_stats and test_positions. */
#ifndef GB_STATSFIXTURE_H
#define GB_STATSFIXTURE_H

#include "pipeline/load.h"
#include "testutil.h"

#include <string.h>

static GbRef *ref;
static GbLoader *loader;
static GbTable *table;

static inline void
setup(void)
{
    GbDiag d = {0};
    ck_assert_int_eq(gb_ref_load(GB_DATADIR, &ref, &d), GB_OK);
    ck_assert_int_eq(gb_loader_new(ref, &loader, &d), GB_OK);
    table = gb_table_new(ref);
    ck_assert_int_eq(gb_load_all(loader, table, NULL, &d), GB_OK);
}

static inline void
teardown(void)
{
    gb_table_free(table);
    gb_loader_free(loader);
    gb_ref_free(ref);
}

/* The index of the authority with this code in the register on 1 January 2025. */
static inline int
code_index(const char *code)
{
    GString *scratch = g_string_new(NULL);
    int a = gb_ref_find_authority(ref, code, strlen(code), 0, 20250101, scratch, NULL);
    g_string_free(scratch, TRUE);
    return a;
}

#endif
