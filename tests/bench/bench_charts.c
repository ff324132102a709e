/* bench_charts.c - every chart to PDF, SVG and PNG in one process: the time of
 * the fastest of several rounds (fonts and data loaded once, as in `build`). */
#include "output/chartfile.h"
#include "pipeline/load.h"

#include <malloc.h>
#include <stdio.h>
#include <time.h>

/* This thread's CPU time, in microseconds: the one-thread figures are CPU
 * time, which a machine shared with other work disturbs less than the clock. */
static gint64
gb__cpu_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (gint64)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

static int
gb__cmp_time(gconstpointer a, gconstpointer b)
{
    gint64 x = *(const gint64 *)a, y = *(const gint64 *)b;
    return (x > y) - (x < y);
}

int
main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 10;
    /* As gradebrief's main does. */
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
    mallopt(M_TRIM_THRESHOLD, 128 << 20);
    GbRef *ref;
    GbLoader *l;
    GbDiag d = {0};
    if (gb_ref_load(GB_DATADIR, &ref, &d) != GB_OK || gb_loader_new(ref, &l, &d) != GB_OK)
        return 70;
    GbTable *t = gb_table_new(ref);
    if (gb_load_all(l, t, NULL, &d) != GB_OK)
        return 65;
    char *err = NULL;
    gint64 f0 = g_get_monotonic_time();
    GbFonts *fonts = gb_fonts_new(NULL, &err);
    gint64 f1 = g_get_monotonic_time();
    gint64 again = G_MAXINT64;
    for (int r = 0; r < rounds; r++) {
        gint64 a0 = g_get_monotonic_time();
        gb_fonts_free(gb_fonts_new(NULL, &err));
        again = MIN(again, g_get_monotonic_time() - a0);
    }
    GbStats *s = gb_stats_compute(t, GB_BY_YEAR | GB_BY_REGIME | GB_BY_JUDGEMENT);
    GbMoves *m = gb_stats_moves(t);
    GbLatest *lt = gb_stats_latest(t, "overall_effectiveness", 20250331);
    GbChartInput in = {.table = t, .stats = s, .moves = m, .latest = lt, .authority = 0};
    GString *scratch = g_string_new(NULL);
    in.authority = gb_ref_find_authority(ref, "Hertfordshire", 13, 0, 20250331, scratch, NULL);
    /* As `build` does: every chart file, on two threads. */
    GPtrArray *charts = g_ptr_array_new_with_free_func((GDestroyNotify)gb_chart_free);
    /* Every chart this input can make (the position chart needs a pack's
     * years, which it has not: left out, as it was a NULL chart here). */
    for (const char *const *n = gb_chart_names(); *n != NULL; n++) {
        GbChart *c = gb_chart_new(*n, &in, &err);
        if (c != NULL)
            g_ptr_array_add(charts, c);
        g_clear_pointer(&err, g_free);
    }
    GbChartFileOptions opts[3] = {{.format = GB_FORMAT_PDF, .width = 481.9, .date = "2025-03-31"},
                                  {.format = GB_FORMAT_SVG, .width = 481.9},
                                  {.format = GB_FORMAT_PNG, .width = 481.9, .dpi = 150}};
    GArray *two = g_array_new(FALSE, FALSE, sizeof(gint64));
    for (int r = 0; r < rounds; r++) {
        gint64 t0 = g_get_monotonic_time();
        GPtrArray *out;
        if (gb_chartfile_render_all(charts, opts, 3, fonts, NULL, 2, &out, &d) != GB_OK)
            return 70;
        gint64 took = g_get_monotonic_time() - t0;
        g_array_append_val(two, took);
        g_ptr_array_unref(out);
    }
    g_array_sort(two, gb__cmp_time);
    guint ncharts = charts->len;
    g_ptr_array_unref(charts);
    gint64 best = G_MAXINT64, best_fmt[4] = {G_MAXINT64, G_MAXINT64, G_MAXINT64, G_MAXINT64};
    gsize bytes = 0, word_bytes = 0;
    for (int r = 0; r < rounds; r++) {
        gint64 t0 = gb__cpu_us(), by_fmt[4] = {0};
        bytes = 0, word_bytes = 0;
        for (const char *const *n = gb_chart_names(); *n != NULL; n++) {
            GbChart *c = gb_chart_new(*n, &in, &err);
            g_clear_pointer(&err, g_free);
            if (c == NULL)
                continue;
            for (int fmt = 0; fmt < 3; fmt++) {
                GbChartFileOptions o = {
                    .format = (GbFormat)fmt, .width = 481.9, .dpi = 150, .date = "2025-03-31"};
                GByteArray *out;
                gint64 c0 = gb__cpu_us();
                if (gb_chartfile_render(c, fonts, &o, &out, &d) != GB_OK)
                    return 70;
                by_fmt[fmt] += gb__cpu_us() - c0;
                bytes += out->len;
                g_byte_array_unref(out);
            }
            gint64 word0 = gb__cpu_us();
            /* A 300 dpi Word picture, as packs draw them (not counted in the
             * total; the briefing's Word pictures are its SVG and PNG above). */
            GbChartFileOptions o = {.format = GB_FORMAT_PNG, .width = 481.9, .dpi = 300};
            GByteArray *out;
            if (gb_chartfile_render(c, fonts, &o, &out, &d) != GB_OK)
                return 70;
            t0 += gb__cpu_us() - word0;
            by_fmt[3] += gb__cpu_us() - word0;
            word_bytes += out->len;
            g_byte_array_unref(out);
            gb_chart_free(c);
        }
        best = MIN(best, gb__cpu_us() - t0);
        for (int fmt = 0; fmt < 4; fmt++)
            best_fmt[fmt] = MIN(best_fmt[fmt], by_fmt[fmt]);
    }
    printf("fonts: %.1f ms the first time, %.1f ms again (each worker thread's)\n",
           (f1 - f0) / 1000.0, again / 1000.0);
    printf("%u charts x PDF, SVG, PNG (150 dpi), one thread: %.1f ms CPU (best of %d), %zu KB\n",
           ncharts, best / 1000.0, rounds, bytes / 1024);
    printf("  of which PDF %.1f ms, SVG %.1f ms, PNG %.1f ms (each its best round)\n",
           best_fmt[0] / 1000.0, best_fmt[1] / 1000.0, best_fmt[2] / 1000.0);
    printf("  and 300 dpi PNGs (packs' Word pictures) beside them: %.1f ms, %zu KB\n",
           best_fmt[3] / 1000.0, word_bytes / 1024);
    printf("the same on two threads (this one with its fonts, the other setting up its own): "
           "%.1f ms best, %.1f ms median of %d\n",
           g_array_index(two, gint64, 0) / 1000.0,
           g_array_index(two, gint64, two->len / 2) / 1000.0, rounds);
    g_array_free(two, TRUE);
    /* A pack's map in Word (300 dpi, outlining its authority), for the first
     * ten authorities: each drawn over the base kept from the first, and
     * with the kept base forgotten before every map (drawn and compressed
     * again each time): the same files. */
    gint64 kept = G_MAXINT64, whole = G_MAXINT64;
    gsize kept_bytes = 0, whole_bytes = 0;
    for (int r = 0; r < MAX(rounds / 5, 1); r++) {
        for (int forget = 0; forget < 2; forget++) {
            gb_chartfile_forget();
            gsize total = 0;
            gint64 t0 = g_get_monotonic_time();
            for (int a = 0; a < 10; a++) {
                GbChartInput one = in;
                one.authority = a;
                GbChart *c = gb_chart_new("map", &one, &err);
                if (c == NULL)
                    return 70;
                GbChartFileOptions o = {.format = GB_FORMAT_PNG, .width = 481.9, .dpi = 300};
                GByteArray *out;
                if (forget)
                    gb_chartfile_forget();
                if (gb_chartfile_render(c, fonts, &o, &out, &d) != GB_OK)
                    return 70;
                total += out->len;
                g_byte_array_unref(out);
                gb_chart_free(c);
            }
            gint64 took = g_get_monotonic_time() - t0;
            if (forget)
                whole = MIN(whole, took), whole_bytes = total;
            else
                kept = MIN(kept, took), kept_bytes = total;
        }
    }
    gb_chartfile_forget();
    printf("10 packs' maps, PNG at 300 dpi, one thread: %.1f ms over the kept base, %.1f ms "
           "with the base drawn again for each, %zu KB (best of %d)\n",
           kept / 1000.0, whole / 1000.0, kept_bytes / 1024, MAX(rounds / 5, 1));
    if (kept_bytes != whole_bytes)
        return 70; /* the same files either way */
    g_string_free(scratch, TRUE);
    gb_stats_latest_free(lt);
    gb_stats_moves_free(m);
    gb_stats_free(s);
    gb_fonts_free(fonts);
    gb_table_free(t);
    gb_loader_free(l);
    gb_ref_free(ref);
    return 0;
}
