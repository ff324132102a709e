/* build.c - `gradebrief build`: the national briefing, its charts and tables,
 * committed to the output folder as one set. */
#include "cli/cli.h"

#include "output/accessible.h"
#include "output/briefing.h"
#include "output/qpdfload.h"
#include "output/write.h"
#include "pipeline/selection.h"
#include "pipeline/summary.h"

#include <malloc.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    GbCommon common;
    char *config_path, *outdir, *as_at, *title, *formats, *changes;
    char *regimes, *from, *to; /* the selection */
    gboolean timings, force, quiet, verify;
    gboolean pdf, html, docx; /* the documents to write (--formats) */
} GbBuildRequest;

static void
gb__build_request_clear(GbBuildRequest *r)
{
    gb_cli_common_clear(&r->common);
    g_free(r->config_path);
    g_free(r->outdir);
    g_free(r->as_at);
    g_free(r->title);
    g_free(r->formats);
    g_free(r->changes);
    g_free(r->regimes);
    g_free(r->from);
    g_free(r->to);
}

static GbStatus
gb__build_parse(int argc, char **argv, GbBuildRequest *r, GbDiag *diag)
{
    GOptionEntry extra[] = {
        {"config", 'c', 0, G_OPTION_ARG_FILENAME, &r->config_path,
         "Your settings (key file), read over DATADIR/briefing.ini: keys it sets replace the "
         "folder's, the rest are kept (gradebrief config shows the result)",
         "FILE"},
        {"output", 'o', 0, G_OPTION_ARG_FILENAME, &r->outdir, "Output folder (default out)", "DIR"},
        {"as-at", 0, 0, G_OPTION_ARG_STRING, &r->as_at,
         "Latest judgements on this date (default: the newest in the data)", "DATE"},
        {"title", 0, 0, G_OPTION_ARG_STRING, &r->title, "Title (overrides the config)", "TEXT"},
        {"formats", 0, 0, G_OPTION_ARG_STRING, &r->formats,
         "Documents to write: any of pdf, html, docx (default all three)", "LIST"},
        {"timings", 0, 0, G_OPTION_ARG_NONE, &r->timings, "Print the time of each stage", NULL},
        {"force", 0, 0, G_OPTION_ARG_NONE, &r->force, "Rewrite every file, changed or not", NULL},
        {"verify", 0, 0, G_OPTION_ARG_NONE, &r->verify,
         "Read every output file to check its SHA-256 (default: trust a file whose size, "
         "times and inode are as the last run recorded)",
         NULL},
        {"quiet", 'q', 0, G_OPTION_ARG_NONE, &r->quiet, "Print nothing on success", NULL},
        {"regimes", 0, 0, G_OPTION_ARG_STRING, &r->regimes,
         "Only judgements of these regimes (comma-separated ids, e.g. ilacs); the methodology "
         "says what was left out",
         "LIST"},
        {"from", 0, 0, G_OPTION_ARG_STRING, &r->from,
         "Only judgements made on or after this date (YYYY or YYYY-MM-DD)", "DATE"},
        {"to", 0, 0, G_OPTION_ARG_STRING, &r->to,
         "Only judgements made on or before this date (YYYY or YYYY-MM-DD)", "DATE"},
        {"changes", 0, 0, G_OPTION_ARG_FILENAME, &r->changes,
         "Write what this run changed (files rewritten, figures that moved) to FILE as CSV "
         "('-': standard output)",
         "FILE"},
        G_OPTION_ENTRY_NULL,
    };
    GOptionContext *ctx = g_option_context_new("[FILE...] - write the national briefing");
    gb_cli_common_entries(ctx, &r->common, extra);
    GbStatus rc = gb_cli_parse(
        "build",
        "Writes OUTDIR/briefing.pdf (tagged, A4, with contents, bookmarks "
        "and alt text), OUTDIR/briefing.html (one self-contained "
        "accessible page), OUTDIR/briefing.docx (Word, with real headings, "
        "tables and described pictures), OUTDIR/charts/*.svg and *.png for every chart in "
        "it, and OUTDIR/tables/*.csv with every figure it shows. The files "
        "are replaced together, only once all are made; a run that fails "
        "changes nothing.",
        ctx, &argc, &argv);
    g_option_context_free(ctx);
    if (rc == GB_OK)
        rc = gb_cli_formats(r->formats, &r->pdf, &r->html, &r->docx, diag);
    if (rc == GB_OK)
        rc = gb_cli_output_folder("build", r->outdir, diag);
    r->common.quiet = r->quiet;
    return rc;
}

/* A hex SHA-256 of everything the national briefing is made from. */
static char *
gb__build_hash(const GbTable *t, const GbConfig *c, guint32 when, const char *date,
               const char *selection)
{
    GbDigest h;
    gb_digest_init(&h);
    GString *s = g_string_new(selection != NULL ? selection : "");
    gb_config_branding_digest(c, &h);
    g_string_append_printf(s, "gradebrief %s\n%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s\n%g %g\n%u\n%s\n",
                           GB_VERSION, c->palette, c->title, c->subtitle ? c->subtitle : "",
                           c->organisation, c->author, c->keywords, c->font, c->language,
                           c->page_width, c->page_height, when, date);
    for (guint i = 0; i < c->sections->len; i++)
        g_string_append_printf(s, "%s;", (char *)g_ptr_array_index(c->sections, i));
    for (guint i = 0; i < t->files->len; i++) {
        const GbFileAccount *a = &g_array_index(t->files, GbFileAccount, i);
        char *base = g_path_get_basename(a->path);
        g_string_append_printf(s,
                               "\n%s %s %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
                               " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT,
                               base, a->layout, a->rows, a->used, a->merged, a->judgements,
                               a->not_judged);
        g_free(base);
    }
    for (guint i = 0; i < t->sources->len; i++)
        g_string_append_printf(s, "\n%s", (char *)g_ptr_array_index(t->sources, i));
    const GbRef *ref = t->ref;
    for (guint i = 0; i < ref->headlines->len; i++) {
        const GbHeadline *hl = &g_array_index(ref->headlines, GbHeadline, i);
        g_string_append_printf(s, "\n%s %d %g %d %s %s %s", hl->id, hl->year, hl->value, hl->base,
                               hl->qualifier, hl->description, hl->source);
    }
    for (guint i = 0; i < ref->authorities->len; i++) {
        const GbAuthority *a = gb_ref_authority(ref, (int)i);
        g_string_append_printf(s, "\n%s %s %d %u %u %d %d", a->code, a->name, a->region, a->from,
                               a->to, a->tile_q, a->tile_r);
    }
    gb_digest_update(&h, s->str, s->len);
    gb_digest_update(&h, t->rows->data, t->rows->len * sizeof(GbRow));
    char *hex = gb_digest_hex(&h);
    g_string_free(s, TRUE);
    return hex;
}

/* TRUE when the manifest records this build's inputs for the documents asked
 * for (briefing.pdf, .html, .docx) and every file made with them is on disk
 * as written; *n counts them. */
static gboolean
gb__build_fresh(const GbBuildRequest *r, GbWriteSet *ws, const char *hash, guint *n)
{
    char **made = gb_write_recorded(ws, hash);
    gboolean all = (!r->pdf || g_strv_contains((const char *const *)made, "briefing.pdf")) &&
                   (!r->html || g_strv_contains((const char *const *)made, "briefing.html")) &&
                   (!r->docx || g_strv_contains((const char *const *)made, "briefing.docx"));
    for (char **m = made; *m != NULL && all; m++)
        all = gb_write_fresh(ws, *m, hash);
    *n = g_strv_length(made);
    g_strfreev(made);
    return all;
}

/* A run's state, from the settings to the write set; cleared by
 * gb__build_state_clear whatever was reached. */
typedef struct {
    GbLoaded ld;
    GbConfig *config;
    GbSelection sel;
    char *selection;      /* in words, for the methodology; NULL: none */
    GbFonts *fonts;       /* the PDF's, or every file's without a PDF */
    GbFonts *files_fonts; /* the files' chain's beside the PDF; NULL without one */
    guint32 when;         /* the as-at date */
    char *date;           /* stamped on the files */
    const char *dir;      /* the output folder */
    GbWriteSet *ws;
    char *hash; /* of everything the briefing is made from */
    GbStats *stats;
    GbMoves *moves;
    GbLatest *latest;
    GbBriefing *brief;
    gsize pdf_len; /* the finished PDF's size, once added */
    int pages;
    gint64 t0; /* --timings */
} GbBuildState;

static void
gb__build_state_clear(GbBuildState *s)
{
    gb_briefing_free(s->brief);
    g_free(s->hash);
    gb_stats_free(s->stats);
    gb_stats_moves_free(s->moves);
    gb_stats_latest_free(s->latest);
    gb_fonts_free(s->fonts);
    gb_fonts_free(s->files_fonts);
    gb_config_free(s->config);
    g_free(s->date);
    g_free(s->selection);
    gb_selection_clear(&s->sel);
    gb_cli_loaded_clear(&s->ld);
    /* Last: the files the commit replaced are released meanwhile (write.c). */
    gb_write_free(s->ws);
}

/* The fonts, made on a thread of their own while the data is read (the read
 * leaves the second core partly idle; 20 M instructions, the fallback fonts'
 * scan included): the PDF's (s->fonts) and, with a PDF, the files' chain's
 * own. Laying out two texts there as well, to load the faces before the
 * PDF's first text, took only 2 M instructions off the PDF: not done. */
typedef struct {
    char *family;
    gboolean two;
    GbFonts *pdf, *files;
    char *err;
} GbBuildFonts;

static gpointer
gb__build_fonts_thread(gpointer data)
{
    GbBuildFonts *m = data;
    if ((m->pdf = gb_fonts_new(m->family, &m->err)) == NULL)
        return NULL;
    if (m->two && (m->files = gb_fonts_new(m->family, &m->err)) == NULL)
        g_clear_pointer(&m->pdf, gb_fonts_free);
    return NULL;
}

/* Settings (and --title), the data, the selection and the one as-at date,
 * the fonts (made meanwhile). */
static GbStatus
gb__build_prepare(GbBuildRequest *r, GbBuildState *s, GbDiag *diag)
{
    s->config = gb_config_new();
    GbStatus rc = gb_cli_settings(&r->common, r->config_path, r->as_at, s->config, diag);
    if (rc != GB_OK)
        return rc;
    if (r->title != NULL) {
        char *msg = NULL;
        if (gb_config_check_value("title", r->title, &msg) != GB_OK) {
            gb_diag_set(diag, NULL, 0, 0, "--title: %s", msg);
            g_free(msg);
            return GB_USAGE;
        }
        g_free(s->config->title);
        s->config->title = g_strdup(r->title);
    }
    GbBuildFonts fonts = {.family = g_strdup(s->config->font), .two = r->pdf};
    GThread *fonts_thread = g_thread_new("fonts", gb__build_fonts_thread, &fonts);
    GbAsAt at;
    if ((rc = gb_cli_load(&r->common, &s->ld, FALSE, diag)) == GB_OK &&
        (rc = gb_selection_parse(&s->sel, s->ld.ref, r->regimes, r->from, r->to, diag)) == GB_OK &&
        (rc = gb_cli_apply_selection(&r->common, &s->ld, 0, s->config->as_at, &s->sel, &at,
                                     diag)) == GB_OK) {
        s->config->as_at = s->when = at.date; /* the one date of every section (--to moves it) */
        s->selection = gb_selection_describe(&s->sel, s->ld.ref);
        gb_cli_timing(r->timings, "read", &s->t0);
    }
    g_thread_join(fonts_thread);
    g_free(fonts.family);
    s->fonts = fonts.pdf;
    s->files_fonts = fonts.files;
    if (rc == GB_OK && s->fonts == NULL) {
        gb_diag_set(diag, NULL, 0, 0, "%s", fonts.err);
        rc = GB_CONFIG;
    }
    g_free(fonts.err);
    if (rc != GB_OK)
        return rc;
    gb_cli_timing(r->timings, "fonts", &s->t0);
    s->date = gb_cli_output_date(s->ld.table, s->when);
    return GB_OK;
}

/* The files' chain: the chart files, tables, HTML and Word file, each handed
 * to the write set as it is made (hashed, written as a temporary and freed;
 * nothing is replaced before the commit, and a failed run's temporaries are
 * removed). With a PDF it runs on a thread of its own beside the PDF's chain
 * (measure, draw, then the finishing pass), with fonts of its own: pango
 * objects never cross threads. */
typedef struct {
    GbBuildRequest *r;
    GbBuildState *s;
    GbFonts *fonts;   /* the chain's: s->fonts without a PDF, else its own */
    GbChartRun *run;  /* the chart files' tasks; NULL: its own */
    int threads;      /* for the chart files */
    gint64 us[4];     /* --timings: charts, html, docx, write-add */
    gboolean reached; /* the chart files were made */
    GbStatus rc;
    GbDiag diag;
    char *uncovered; /* what its fonts had no glyph for, once they are freed */
    GThread *thread;
} GbBuildFiles;

/* Ends the chain's stage k (--timings): its time since *t0, less the adds
 * made in it since *added (counted as write-add). */
static void
gb__files_lap(GbBuildFiles *j, int k, gint64 *t0, gint64 *added)
{
    gint64 now = g_get_monotonic_time();
    gint64 adds = __atomic_load_n(&j->us[3], __ATOMIC_RELAXED);
    j->us[k] = now - *t0 - (adds - *added);
    *added = adds;
    *t0 = now;
}

/* A chart file read back from its temporary (GbBriefingReadFn). */
static GBytes *
gb__build_read(const char *name, gpointer user)
{
    GbBuildFiles *j = user;
    return gb_write_added_bytes(j->s->ws, name);
}

/* Adds one file of the chain to the write set (its bytes are copied to a
 * temporary there), unless a signal came: then nothing more is written. */
static GbStatus
gb__build_emit(const char *name, const GByteArray *bytes, gpointer user, GbDiag *diag)
{
    GbBuildFiles *j = user;
    gint64 t0 = g_get_monotonic_time();
    GbStatus rc = gb_cli_interrupted(diag);
    if (rc == GB_OK)
        rc = gb_write_add(j->s->ws, name, bytes->data, bytes->len, j->s->hash, 0, diag);
    /* A chart file drawn by the PDF's thread is added from there. */
    __atomic_fetch_add(&j->us[3], g_get_monotonic_time() - t0, __ATOMIC_RELAXED);
    return rc;
}

/* Makes the files and adds them as they are made, unless one failed or a
 * signal came. A text that no font has is looked for by the caller, in every
 * chain's fonts. Files are held only until added: the chart files, tables
 * and HTML page are not beside the Word file's making, nor any of them beside
 * the PDF's drawing and finishing pass. */
static GbStatus
gb__build_files(GbBuildFiles *j)
{
    GbBuildRequest *r = j->r;
    GbBuildState *s = j->s;
    GbDiag *diag = &j->diag;
    gint64 t0 = g_get_monotonic_time(), added = 0;
    GbStatus rc =
        gb_briefing_files(s->brief, j->fonts, j->run, j->threads, r->html, gb__build_emit, j, diag);
    gb__files_lap(j, 0, &t0, &added);
    j->reached = TRUE;
    if (rc == GB_OK && r->html) {
        /* Written into its temporary as it is made: the page (1.4 MB, its
         * charts inline) is never whole in memory. */
        GbWriteStream *html = NULL;
        if ((rc = gb_cli_interrupted(diag)) == GB_OK &&
            (rc = gb_write_stream_open(s->ws, "briefing.html", &html, diag)) == GB_OK) {
            gb_briefing_html_to(s->brief, html);
            rc = gb_write_add_stream(g_steal_pointer(&html), s->hash, 0, diag);
        }
        gb__files_lap(j, 1, &t0, &added);
    }
    if (rc == GB_OK && r->docx) {
        /* Zipped straight into its temporary: the Word file (about 1 MB) is
         * never held in memory beside the PDF's drawing. */
        GbWriteStream *docx = NULL;
        if ((rc = gb_cli_interrupted(diag)) == GB_OK &&
            (rc = gb_write_stream_open(s->ws, "briefing.docx", &docx, diag)) == GB_OK) {
            rc = gb_briefing_docx_to(s->brief, j->fonts, docx, diag);
            /* A write that failed is the write set's to report, as for any file. */
            if (rc == GB_OK || gb_write_stream_failed(docx)) {
                gb_diag_clear(diag);
                gint64 a0 = g_get_monotonic_time();
                rc = gb_write_add_stream(g_steal_pointer(&docx), s->hash, 0, diag);
                __atomic_fetch_add(&j->us[3], g_get_monotonic_time() - a0, __ATOMIC_RELAXED);
            }
        }
        gb_write_stream_free(docx);
        gb__files_lap(j, 2, &t0, &added);
    }
    /* The HTML page and the Word file are made: their SVGs and PNGs freed. */
    gb_briefing_files_release(s->brief);
    return rc;
}

/* cairo's PDF bytes, to the PDF's temporary (gb_write_hash_append). */
static cairo_status_t
gb__pdf_out(void *hash, const unsigned char *data, unsigned int len)
{
    return gb_write_hash_append(hash, data, len) ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

static gpointer
gb__build_files_thread(gpointer data)
{
    GbBuildFiles *j = data;
    j->rc = gb__build_files(j);
    /* Its files on disk now, while the PDF is still being made (this thread
     * would only end): the commit then waits for the PDF's and the
     * manifest's flush alone. */
    if (j->rc == GB_OK)
        j->rc = gb_write_flush(j->s->ws, &j->diag);
    /* Its fonts (layouts, glyph caches) are not needed again: freed now, not
     * held beside the PDF's drawing until the join. */
    j->uncovered = gb_fonts_take_uncovered(j->fonts);
    j->fonts = NULL;
    g_clear_pointer(&j->s->files_fonts, gb_fonts_free);
    return NULL;
}

/* Prints the files' chain's stage times (measured on its thread). */
static void
gb__build_files_timings(const GbBuildFiles *j)
{
    static const char *const stage[] = {"charts", "html", "docx", "write-add"};
    const gboolean made[] = {j->reached, j->r->html, j->r->docx, TRUE};
    for (gsize i = 0; i < G_N_ELEMENTS(stage) && j->r->timings; i++)
        if (made[i])
            fprintf(stderr, "gradebrief: %-10s %7.1f ms%s\n", stage[i], j->us[i] / 1000.0,
                    j->thread != NULL ? " (beside the PDF)" : "");
}

/* Never a briefing with boxes for text: GB_DATA, and nothing is committed,
 * when a text was laid out that no font has; the PDF's fonts are asked first
 * (its texts came first when one thread made everything), then the files'
 * chain's (other: what its fonts found, or NULL; taken). */
static GbStatus
gb__build_uncovered(GbFonts *a, char *other, GbDiag *diag)
{
    char *uncovered = gb_fonts_take_uncovered(a);
    if (uncovered == NULL)
        uncovered = g_steal_pointer(&other);
    g_free(other);
    if (uncovered == NULL)
        return GB_OK;
    gb_diag_set(diag, NULL, 0, 0, "%s", uncovered);
    g_free(uncovered);
    return GB_DATA;
}

/* Computes and makes every file of the briefing into the write set: the
 * files' chain beside the PDF's, the PDF added last, once its finishing pass
 * (on a thread of its own) has joined. Errors are taken in the order the
 * stages ran one after the other: the PDF's drawing, the files, a text no
 * font has, a signal, the finishing pass. */
static GbStatus
gb__build_make(GbBuildRequest *r, GbBuildState *s, GbDiag *diag)
{
    const GbTable *t = s->ld.table;
    s->stats = gb_stats_compute(t, GB_BY_YEAR | GB_BY_REGIME | GB_BY_JUDGEMENT);
    s->moves = gb_stats_moves(t);
    s->latest = gb_stats_latest(t, "overall_effectiveness", s->when);
    GbBriefingInput in = {.table = s->ld.table,
                          .stats = s->stats,
                          .moves = s->moves,
                          .latest = s->latest,
                          .config = s->config,
                          .date = s->date,
                          .selection = s->selection,
                          .picture_dpi = r->docx ? 300 : 0};
    char *err = NULL;
    if ((s->brief = gb_briefing_new(&in, &err)) == NULL) {
        gb_diag_set(diag, NULL, 0, 0, "%s", err);
        g_free(err);
        return GB_DATA;
    }
    gb_cli_timing(r->timings, "compute", &s->t0);
    GbBuildFiles files = {.r = r, .s = s, .threads = (int)g_get_num_processors()};
    if (!r->pdf) {
        files.fonts = s->fonts;
        gb_briefing_read_back(s->brief, NULL, gb__build_emit, gb__build_read, &files);
        GbStatus rc = gb__build_files(&files);
        gb__build_files_timings(&files);
        if (rc != GB_OK)
            *diag = files.diag;
        return rc == GB_OK ? gb__build_uncovered(s->fonts, NULL, diag) : rc;
    }
    /* The files' chain on the second core while this one draws the PDF; this
     * one then takes the chart tasks left (the SVGs and the 150 dpi PNGs,
     * which the Word file also uses) once the PDF is drawn, with its
     * fonts, warm from the PDF's charts. */
    files.threads = 1;
    files.fonts = s->files_fonts;
    files.run = gb_briefing_chart_run(s->brief);
    /* Each chart file written as it is drawn, then let go: the HTML page and
     * the Word file read them back one at a time (1.9 MB of SVGs and PNGs
     * not held beside the PDF's drawing). */
    gb_briefing_read_back(s->brief, files.run, gb__build_emit, gb__build_read, &files);
    files.thread = g_thread_new("files", gb__build_files_thread, &files);
    /* cairo's bytes go to the PDF's temporary as it draws, not into memory
     * beside the drawing (1.0 MB by its end, with the files' chain at its
     * own peak), and are mapped back for the finishing pass. Where no
     * temporary can be begun (something odd in the PDF's place) they are
     * held, and the add reports what is wrong. */
    GbWriteHash *hash = gb_write_hash_new();
    gboolean streamed = gb_write_hash_open_file(hash, s->ws, "briefing.pdf");
    GbPdfJob *job = NULL;
    GbStatus rc = gb_briefing_pdf_start(s->brief, s->fonts, streamed ? gb__pdf_out : NULL, hash,
                                        &job, &s->pages, diag);
    GbDiag wrote = {0};
    if (streamed && gb_write_hash_status(hash, s->ws, &wrote) != GB_OK) {
        /* cairo's "error while writing to output stream" is the disk's error. */
        gb_diag_clear(diag);
        *diag = wrote;
        rc = GB_CANTCREAT;
    }
    gb_cli_timing(r->timings, "pdf", &s->t0);
    if (rc == GB_OK) {
        gb_chartfile_run_help(files.run, s->fonts);
        gb_cli_timing(r->timings, "help", &s->t0);
    }
    g_thread_join(files.thread);
    gb_chartfile_run_free(files.run);
    gb__build_files_timings(&files);
    gb_cli_timing(r->timings, "files-wait", &s->t0);
    /* The files' failure is the report when it came first (the PDF's
     * temporary then failed silently: the set reports its first failure once). */
    if (files.rc != GB_OK && (rc == GB_OK || diag->message == NULL)) {
        rc = files.rc;
        *diag = files.diag;
        files.diag = (GbDiag){0};
    }
    if (rc == GB_OK)
        rc = gb__build_uncovered(s->fonts, g_steal_pointer(&files.uncovered), diag);
    g_free(files.uncovered);
    gb_diag_clear(&files.diag);
    /* Nothing is drawn from here on (the finishing pass works on the PDF's
     * bytes): the PDF's fonts, their layouts and glyph caches, are freed
     * before it begins, not held beside it to the end (the files' chain
     * freed its own as it ended). */
    g_clear_pointer(&s->fonts, gb_fonts_free);
    g_clear_pointer(&s->brief, gb_briefing_free); /* the pass has its own copies */
    /* Nor is anything drawn again in this run, so the chart bases kept for a
     * next chart and cairo's own caches (fonts' faces, their mapped files,
     * glyph caches) go too: no cairo object is left (the files' chain has
     * joined, the PDF's surface is destroyed, both font maps are freed), as
     * cairo_debug_reset_static_data asks. Peak RSS, the finishing pass's with
     * libqpdf mapped, 10 runs each: median 30.6 -> 29.9 MiB all formats,
     * 29.9 -> 29.6 MiB PDF only. */
    gb_chartfile_forget();
    cairo_debug_reset_static_data();
    /* Their pages given back: glibc trims only its heap's top, and the
     * finishing pass's allocations would otherwise land in pages still
     * resident from the drawing (its peak 32.8 -> 31.4 MB, PDF only). */
    malloc_trim(0);
    /* The finishing pass only now, which maps libqpdf (2.9 MiB) first. Begun
     * as the drawing ended, it overlapped the Word file's making in about one
     * run in three, and with libqpdf loaded beside the files' chain the peak
     * was 4-5 MB higher (35-37 MB). Begun after the files' chain but before
     * the frees and the trim above, in about one run in ten it mapped libqpdf
     * before the drawing's pages were given back (peak 31-32 MiB, PDF only).
     * After them: peak RSS max 31.6 -> 29.9 MiB in 25 alternating PDF-only
     * builds, the wall the same (median 209.9 -> 212.1 ms, first quartile
     * 202.9 -> 199.2). */
    /* What cairo wrote, mapped back for the pass. */
    GBytes *mapped = NULL;
    if (job != NULL && streamed) {
        if (rc == GB_OK && (mapped = gb_write_hash_map(hash)) != NULL) {
            gb_pdf_job_set_raw(job, mapped);
        } else { /* nothing to finish */
            if (rc == GB_OK)
                rc = gb_write_hash_status(hash, s->ws, diag);
            g_clear_pointer(&job, gb_pdf_job_abandon);
        }
    }
    if (job != NULL)
        gb_pdf_job_begin(job);
    /* cairo's bytes, which the finished PDF begins with, hashed (and, when
     * they were held, written to the PDF's temporary) while the finishing
     * pass runs (this core would only wait for it): the write stage then
     * hashes and writes just the update the pass appended. */
    GByteArray *raw = job != NULL && !streamed ? g_byte_array_ref(gb_pdf_job_raw(job)) : NULL;
    if (raw != NULL && rc == GB_OK)
        gb_write_hash_update_file(hash, s->ws, "briefing.pdf", raw->data, raw->len);
    else if (mapped != NULL && rc == GB_OK)
        gb_write_hash_update(hash, g_bytes_get_data(mapped, NULL), g_bytes_get_size(mapped));
    GbDiag finish_diag = {0};
    GByteArray *pdf = NULL;
    GBytes *update = NULL;
    GbStatus finished = GB_OK;
    if (job != NULL)
        finished = streamed ? gb_pdf_render_join_update(job, &update, &finish_diag)
                            : gb_pdf_render_join(job, &pdf, &finish_diag);
    g_clear_pointer(&mapped, g_bytes_unref);
    gb_cli_timing(r->timings, "pdf-finish", &s->t0);
    if (rc == GB_OK && finished != GB_OK) {
        rc = finished;
        gb_diag_clear(diag);
        *diag = finish_diag;
        finish_diag = (GbDiag){0};
        /* libqpdf, opened only for the pass, missing: that, not "cannot read". */
        if (gb_qpdf_error() != NULL)
            gb_diag_set(diag, NULL, 0, 0, "%s", gb_qpdf_error());
    }
    gb_diag_clear(&finish_diag);
    if (rc == GB_OK)
        rc = gb_cli_interrupted(diag);
    if (rc == GB_OK && streamed) {
        /* The update after cairo's bytes in the temporary; the whole file
         * mapped again, for the add to hash the update and, keeping a file
         * that holds the same bytes, to compare. */
        GBytes *whole = NULL;
        gb_write_hash_append(hash, g_bytes_get_data(update, NULL), g_bytes_get_size(update));
        if ((whole = gb_write_hash_map(hash)) == NULL) {
            rc = gb_write_hash_status(hash, s->ws, diag);
        } else {
            gsize len;
            const guint8 *data = g_bytes_get_data(whole, &len);
            rc = gb_write_add_hashed(s->ws, "briefing.pdf", data, len, hash, s->hash, s->pages,
                                     diag);
            s->pdf_len = len;
            g_bytes_unref(whole);
        }
    } else if (rc == GB_OK) {
        /* Everything is made: the write set takes the PDF too, then replaces it all at once.
         * The finished PDF is cairo's array, grown by the update (gb_pdf_render_join):
         * it begins with the bytes hashed. */
        gboolean begun = pdf == raw;
        rc = begun ? gb_write_add_hashed(s->ws, "briefing.pdf", pdf->data, pdf->len, hash, s->hash,
                                         s->pages, diag)
                   : gb_write_add(s->ws, "briefing.pdf", pdf->data, pdf->len, s->hash, s->pages,
                                  diag);
        s->pdf_len = pdf->len;
    }
    if (update != NULL)
        g_bytes_unref(update);
    if (pdf != NULL)
        g_byte_array_unref(pdf);
    gb_write_hash_free(hash);
    if (raw != NULL)
        g_byte_array_unref(raw);
    return rc;
}

/* changes.csv and figures.csv, the commit (unless a signal came), --changes
 * FILE, and the line saying what was written. */
static GbStatus
gb__build_commit(GbBuildRequest *r, GbBuildState *s, GbDiag *diag)
{
    char *report = NULL;
    gsize report_len = 0;
    GbFigures *figs = gb_figures_new();
    gb_figures_add_latest(figs, s->ld.ref, s->latest, "Overall effectiveness",
                          gb_summary_current_regime(s->ld.ref));
    GbStatus rc = gb_cli_changes(s->ws, figs, &report, &report_len, diag);
    gb_figures_free(figs);
    /* A signal while the files were written: nothing is replaced. */
    if (rc == GB_OK && (rc = gb_cli_interrupted(diag)) == GB_OK &&
        (rc = gb_write_commit(s->ws, diag)) == GB_OK)
        rc = gb_cli_write_changes(r->changes, report, report_len, diag);
    g_free(report);
    if (rc != GB_OK)
        return rc;
    gb_cli_timing(r->timings, "write", &s->t0);
    /* Counted by the write stage over every file of the run (changes.csv and
     * figures.csv too), so the two numbers add up to what was committed. */
    guint written = gb_write_written(s->ws), fresh = gb_write_unchanged(s->ws);
    if (r->quiet)
        return GB_OK;
    /* Every document named: "wrote out/briefing.pdf (45 pages, 1292 KB), .html, .docx". */
    GString *docs = g_string_new(NULL);
    if (r->pdf)
        g_string_append_printf(docs, "%s/briefing.pdf (%d pages, %.0f KB)", s->dir, s->pages,
                               s->pdf_len / 1024.0);
    const char *more[] = {r->html ? "html" : NULL, r->docx ? "docx" : NULL};
    for (gsize i = 0; i < G_N_ELEMENTS(more); i++) {
        if (more[i] == NULL)
            continue;
        if (docs->len == 0)
            g_string_append_printf(docs, "%s/briefing.%s", s->dir, more[i]);
        else
            g_string_append_printf(docs, ", .%s", more[i]);
    }
    printf("wrote %s: %u written, %u up to date\n", docs->str, written, fresh);
    g_string_free(docs, TRUE);
    return GB_OK;
}

static GbStatus
gb__build_run(GbBuildRequest *r, GbDiag *diag)
{
    GbBuildState s = {.t0 = g_get_monotonic_time()};
    GbStatus rc = gb__build_prepare(r, &s, diag);
    if (rc != GB_OK)
        goto out;
    s.dir = r->outdir != NULL ? r->outdir : "out";
    /* The folder is locked from here to the end of the run. */
    guint flags =
        (r->force ? GB_WRITE_FORCE : 0) | (r->verify ? GB_WRITE_VERIFY : 0) | GB_WRITE_KEEP_SAME;
    if ((rc = gb_write_open(s.dir, flags, &s.ws, diag)) != GB_OK)
        goto out;
    /* Nothing changed since the last build: nothing to make. */
    s.hash = gb__build_hash(s.ld.table, s.config, s.when, s.date, s.selection);
    guint n_fresh;
    if (gb__build_fresh(r, s.ws, s.hash, &n_fresh)) {
        gb_cli_timing(r->timings, "compute", &s.t0);
        static const char none[] = "kind,item,from,to\r\n";
        /* Commits nothing; records the stat of files it had to read. */
        rc = gb_write_commit(s.ws, diag);
        if (rc == GB_OK)
            rc = gb_cli_write_changes(r->changes, none, sizeof none - 1, diag);
        if (!r->quiet && rc == GB_OK)
            printf("0 written, %u up to date (%s)\n", n_fresh, s.dir);
        goto out;
    }
    if ((rc = gb__build_make(r, &s, diag)) == GB_OK)
        rc = gb__build_commit(r, &s, diag);
out:
    gb__build_state_clear(&s);
    return rc;
}

GbStatus
gb_cmd_build(int argc, char **argv, GbDiag *diag)
{
    /* Two malloc arenas: this thread's, and one the others share in turn (the
     * workbooks' readers, then the files' chain, then the PDF's finishing
     * pass, each taking the arena the one before it left). With one arena the
     * PDF's drawing and the files' chain, both allocating all the time, waited
     * for each other's lock some 500 times a build (15 ms of the drawing
     * asleep, `perf record -e sched:sched_switch`): PDF-only build 0.236 ->
     * 0.214 s median, peak RSS +0.4 MB. glibc's default (an arena a thread, up
     * to 16) kept megabytes a thread of what each had freed (peak RSS 48 ->
     * 43.5 MB with one). Before any thread exists; packs keeps the default
     * (its two workers allocate all the time). */
    mallopt(M_ARENA_MAX, 2);
    /* libqpdf's teardown after the finishing pass beside the write stage
     * (which mostly waits for the disk), not before it. */
    gb_accessible_defer_teardown(TRUE);
    GbBuildRequest r = {0};
    GbStatus rc = gb__build_parse(argc, argv, &r, diag);
    if (rc == GB_OK)
        rc = gb__build_run(&r, diag);
    gb__build_request_clear(&r);
    gb_accessible_teardown_wait();
    gb_accessible_defer_teardown(FALSE);
    return rc;
}
