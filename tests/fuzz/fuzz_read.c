/* fuzz_read.c - libFuzzer target: read + validate of one grade table (long or
 * wide) over the bundled reference data; then the same input read in parts on
 * two threads (csvsplit.c), and split with its first parts read ahead, which
 * must all come to the same outcome. */
#include "../rmtree.h"
#include "pipeline/csvsplit.h"
#include "pipeline/load.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

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

/* Loads path and returns what came of it as text: status, diagnosis,
 * accounting, every reject and warning with its place. Aborts when the
 * accounting does not add up. */
static char *
gb__outcome(void)
{
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
    GString *o = g_string_new(NULL);
    g_string_append_printf(
        o,
        "%d %" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT " %s\n%" G_GUINT64_FORMAT
        " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
        " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT "\n",
        s, d.line, d.column, d.message ? d.message : "", total.rows, total.used, total.merged,
        total.rejected, total.judgements, total.not_judged, total.not_inspected, t->kept);
    GbDiagList *lists[] = {l->rejects, l->warnings};
    for (guint k = 0; k < 2; k++) {
        for (guint i = 0; i < lists[k]->items->len; i++) {
            const GbDiag *x = &g_array_index(lists[k]->items, GbDiag, i);
            g_string_append_printf(o, "%" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT " %s\n", x->line,
                                   x->column, x->message);
        }
        g_string_append_printf(o, "dropped %" G_GUINT64_FORMAT "\n", lists[k]->dropped);
    }
    gb_diag_clear(&d);
    gb_table_free(t);
    gb_loader_free(l);
    return g_string_free(o, FALSE);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!g_file_set_contents(path, (const char *)data, (gssize)size, NULL))
        return 0;
    gb_csv_split_configure(G_MAXSIZE, 1024 * 1024, 1);
    char *one = gb__outcome();
    /* Parts of 1 to 64 bytes on two threads: the same, byte for byte. */
    gb_csv_split_configure(0, 1 + (size > 0 ? data[size - 1] % 64 : 0), 2);
    char *two = gb__outcome();
    if (strcmp(one, two) != 0) {
        fprintf(stderr, "one thread:\n%s\nsplit:\n%s\n", one, two);
        abort();
    }
    /* The same with the first parts read ahead (gb_csv_split_prefetch). */
    gb_csv_split_prefetch(path);
    gb_csv_split_prefetch_wait();
    char *ahead = gb__outcome();
    gb_csv_split_prefetch_end();
    if (strcmp(one, ahead) != 0) {
        fprintf(stderr, "one thread:\n%s\nread ahead:\n%s\n", one, ahead);
        abort();
    }
    g_free(one);
    g_free(two);
    g_free(ahead);
    return 0;
}
