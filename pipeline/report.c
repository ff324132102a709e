/* report.c - row accounting and diagnostics for the terminal (see report.h). */
#include "pipeline/report.h"

#include "pipeline/text.h"

#include <string.h>

void
gb_report_accounting(FILE *out, const GbTable *t)
{
    gsize w = strlen("file");
    /* File names as gb_diag_format prints them: a newline or ESC escaped. */
    GPtrArray *paths = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < t->files->len; i++) {
        const char *raw = g_array_index(t->files, GbFileAccount, i).path;
        GString *p = g_string_new(NULL);
        gb_text_append_visible(p, raw, strlen(raw));
        g_ptr_array_add(paths, g_string_free(p, FALSE));
        w = MAX(w, strlen(g_ptr_array_index(paths, i)));
    }
    w = MIN(w, 60);
    fprintf(out, "%-*s  %-26s %8s %8s %8s %8s %11s %10s\n", (int)w, "file", "layout", "rows",
            "used", "merged", "rejected", "judgements", "not judged");
    for (guint i = 0; i < t->files->len; i++) {
        const GbFileAccount *a = &g_array_index(t->files, GbFileAccount, i);
        const char *p = g_ptr_array_index(paths, i);
        gsize len = strlen(p);
        if (len > w)
            p += len - w; /* keep the informative end of long paths */
        fprintf(out,
                "%-*s  %-26s %8" G_GUINT64_FORMAT " %8" G_GUINT64_FORMAT " %8" G_GUINT64_FORMAT
                " %8" G_GUINT64_FORMAT " %11" G_GUINT64_FORMAT " %10" G_GUINT64_FORMAT "\n",
                (int)w, p, a->layout, a->rows, a->used, a->merged, a->rejected, a->judgements,
                a->not_judged);
    }
    g_ptr_array_free(paths, TRUE);
    GbFileAccount s;
    gb_table_totals(t, &s);
    fprintf(out,
            "%-*s  %-26s %8" G_GUINT64_FORMAT " %8" G_GUINT64_FORMAT " %8" G_GUINT64_FORMAT
            " %8" G_GUINT64_FORMAT " %11" G_GUINT64_FORMAT " %10" G_GUINT64_FORMAT "\n",
            (int)w, "total", "", s.rows, s.used, s.merged, s.rejected, s.judgements, s.not_judged);
    fprintf(out,
            "rows read %" G_GUINT64_FORMAT " = used %" G_GUINT64_FORMAT
            " + merged %" G_GUINT64_FORMAT " + rejected %" G_GUINT64_FORMAT
            "; %u judgements kept\n",
            s.rows, s.used, s.merged, s.rejected, (guint)t->kept);
}

void
gb_report_diags(FILE *out, const GbDiagList *l, const char *prefix, const char *what)
{
    for (guint i = 0; i < l->items->len; i++) {
        char *line = gb_diag_format(&g_array_index(l->items, GbDiag, i));
        fprintf(out, "gradebrief: %s%s\n", prefix, line);
        g_free(line);
    }
    if (l->dropped > 0)
        fprintf(out, "gradebrief: %s... and %" G_GUINT64_FORMAT " more %s\n", prefix, l->dropped,
                what);
}
