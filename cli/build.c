/* build.c - `gradebrief build`: the national briefing, its charts and tables,
 * committed to the output folder as one set. */
#include "cli/cli.h"

#include "output/briefing.h"
#include "output/write.h"

#include <stdio.h>
#include <string.h>

typedef struct {
    GbCommon common;
    char *config_path, *outdir, *as_at, *title, *formats;
    gboolean timings, force, quiet;
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
        {"quiet", 'q', 0, G_OPTION_ARG_NONE, &r->quiet, "Print nothing on success", NULL},
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
    if (rc == GB_OK && r->outdir != NULL && *r->outdir == '\0') {
        gb_diag_set(diag, NULL, 0, 0, "-o: the output folder name is empty");
        rc = GB_USAGE;
    } else if (rc == GB_OK && r->outdir != NULL && strcmp(r->outdir, "-") == 0) {
        gb_diag_set(diag, NULL, 0, 0,
                    "-o -: build writes a folder of files; only chart writes "
                    "to standard output");
        rc = GB_USAGE;
    }
    r->common.quiet = r->quiet;
    return rc;
}

/* A hex SHA-256 of everything the national briefing is made from. */
static char *
gb__build_hash(const GbTable *t, const GbConfig *c, guint32 when, const char *date)
{
    GChecksum *h = g_checksum_new(G_CHECKSUM_SHA256);
    GString *s = g_string_new(NULL);
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
    g_checksum_update(h, (const guchar *)s->str, (gssize)s->len);
    g_checksum_update(h, (const guchar *)t->rows->data, (gssize)(t->rows->len * sizeof(GbRow)));
    char *hex = g_strdup(g_checksum_get_string(h));
    g_checksum_free(h);
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

static GbStatus
gb__build_run(GbBuildRequest *r, GbDiag *diag)
{
    GbLoaded ld = {0};
    GbConfig *config = gb_config_new();
    GbFonts *fonts = NULL;
    GbStats *stats = NULL;
    GbMoves *moves = NULL;
    GbLatest *latest = NULL;
    GbBriefing *brief = NULL;
    GbWriteSet *ws = NULL;
    char *hash = NULL;
    GByteArray *pdf = NULL;
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    GPtrArray *bytes = g_ptr_array_new_with_free_func((GDestroyNotify)g_byte_array_unref);
    char *err = NULL, *date = NULL;
    gint64 t0 = g_get_monotonic_time();
    GbStatus rc = gb_cli_settings(&r->common, r->config_path, r->as_at, config, diag);
    if (rc != GB_OK)
        goto out;
    if (r->title != NULL) {
        char *msg = NULL;
        if (gb_config_check_value("title", r->title, &msg) != GB_OK) {
            gb_diag_set(diag, NULL, 0, 0, "--title: %s", msg);
            g_free(msg);
            rc = GB_USAGE;
            goto out;
        }
        g_free(config->title);
        config->title = g_strdup(r->title);
    }
    GbAsAt at;
    if ((rc = gb_cli_load(&r->common, &ld, FALSE, diag)) != GB_OK ||
        (rc = gb_cli_apply_as_at(&r->common, &ld, 0, config->as_at, &at, diag)) != GB_OK)
        goto out;
    config->as_at = at.date; /* the one date of every section */
    gb_cli_timing(r->timings, "read", &t0);
    if ((fonts = gb_fonts_new(config->font, &err)) == NULL) {
        gb_diag_set(diag, NULL, 0, 0, "%s", err);
        rc = GB_CONFIG;
        goto out;
    }
    gb_cli_timing(r->timings, "fonts", &t0);
    guint32 when = at.date;
    date = gb_cli_output_date(ld.table);
    const char *dir = r->outdir != NULL ? r->outdir : "out";
    /* The folder is locked from here to the end of the run. */
    guint flags = (r->force ? GB_WRITE_FORCE : 0) | GB_WRITE_KEEP_SAME;
    if ((rc = gb_write_open(dir, flags, &ws, diag)) != GB_OK)
        goto out;
    /* Nothing changed since the last build: nothing to make. */
    hash = gb__build_hash(ld.table, config, when, date);
    guint n_fresh;
    if (gb__build_fresh(r, ws, hash, &n_fresh)) {
        gb_cli_timing(r->timings, "compute", &t0);
        if (!r->quiet)
            printf("0 written, %u up to date (%s)\n", n_fresh, dir);
        goto out;
    }
    stats = gb_stats_compute(ld.table, GB_BY_YEAR | GB_BY_REGIME | GB_BY_JUDGEMENT);
    moves = gb_stats_moves(ld.table);
    latest = gb_stats_latest(ld.table, "overall_effectiveness", when);
    GbBriefingInput in = {.table = ld.table,
                          .stats = stats,
                          .moves = moves,
                          .latest = latest,
                          .config = config,
                          .date = date,
                          .picture_dpi = r->docx ? 300 : 0};
    if ((brief = gb_briefing_new(&in, &err)) == NULL) {
        gb_diag_set(diag, NULL, 0, 0, "%s", err);
        rc = GB_DATA;
        goto out;
    }
    gb_cli_timing(r->timings, "compute", &t0);
    int pages = 0;
    GbPdfJob *job = NULL;
    if (r->pdf && (rc = gb_briefing_pdf_start(brief, fonts, &job, &pages, diag)) != GB_OK)
        goto out;
    gb_cli_timing(r->timings, "pdf", &t0);
    /* The chart files and the HTML are made while the PDF's finishing pass runs. */
    rc = gb_briefing_files(brief, fonts, names, bytes, diag);
    gb_cli_timing(r->timings, "charts", &t0);
    if (rc == GB_OK && r->html) {
        g_ptr_array_add(names, g_strdup("briefing.html"));
        g_ptr_array_add(bytes, gb_briefing_html(brief));
        gb_cli_timing(r->timings, "html", &t0);
    }
    if (rc == GB_OK && r->docx) {
        GByteArray *docx = NULL;
        if ((rc = gb_briefing_docx(brief, fonts, &docx, diag)) == GB_OK) {
            g_ptr_array_add(names, g_strdup("briefing.docx"));
            g_ptr_array_add(bytes, docx);
        }
        gb_cli_timing(r->timings, "docx", &t0);
    }
    GbDiag finish_diag = {0};
    GbStatus finished = job != NULL ? gb_pdf_render_join(job, &pdf, &finish_diag) : GB_OK;
    gb_cli_timing(r->timings, "pdf-finish", &t0);
    if (rc == GB_OK && finished != GB_OK) {
        rc = finished;
        gb_diag_clear(diag);
        *diag = finish_diag;
        finish_diag = (GbDiag){0};
    }
    gb_diag_clear(&finish_diag);
    if (rc != GB_OK)
        goto out;
    char *uncovered = gb_fonts_take_uncovered(fonts);
    if (uncovered != NULL) {
        /* Never a briefing with boxes for text: nothing is written. */
        gb_diag_set(diag, NULL, 0, 0, "%s", uncovered);
        g_free(uncovered);
        rc = GB_DATA;
        goto out;
    }
    if ((rc = gb_cli_interrupted(diag)) != GB_OK)
        goto out;
    /* Everything is made: the write set takes it all, then replaces it at once. */
    if (pdf != NULL) {
        g_ptr_array_insert(names, 0, g_strdup("briefing.pdf"));
        g_ptr_array_insert(bytes, 0, g_byte_array_ref(pdf));
    }
    for (guint i = 0; i < names->len && rc == GB_OK; i++) {
        const GByteArray *b = g_ptr_array_index(bytes, i);
        rc = gb_write_add(ws, g_ptr_array_index(names, i), b->data, b->len, hash,
                          i == 0 && pdf != NULL ? pages : 0, diag);
    }
    /* A signal while the files were written: nothing is replaced. */
    if (rc != GB_OK || (rc = gb_cli_interrupted(diag)) != GB_OK)
        goto out;
    if ((rc = gb_write_commit(ws, diag)) != GB_OK)
        goto out;
    gb_cli_timing(r->timings, "write", &t0);
    guint written = gb_write_written(ws);
    if (!r->quiet && pdf != NULL)
        printf("wrote %s/briefing.pdf (%d pages, %.0f KB): %u written, %u up to date\n", dir, pages,
               pdf->len / 1024.0, written, names->len - written);
    else if (!r->quiet)
        printf("wrote %s/briefing.html: %u written, %u up to date\n", dir, written,
               names->len - written);
out:
    g_ptr_array_free(names, TRUE);
    g_ptr_array_free(bytes, TRUE);
    if (pdf != NULL)
        g_byte_array_unref(pdf);
    gb_briefing_free(brief);
    gb_write_free(ws);
    g_free(hash);
    gb_stats_free(stats);
    gb_stats_moves_free(moves);
    gb_stats_latest_free(latest);
    gb_fonts_free(fonts);
    gb_config_free(config);
    g_free(err);
    g_free(date);
    gb_cli_loaded_clear(&ld);
    return rc;
}

GbStatus
gb_cmd_build(int argc, char **argv, GbDiag *diag)
{
    GbBuildRequest r = {0};
    GbStatus rc = gb__build_parse(argc, argv, &r, diag);
    if (rc == GB_OK)
        rc = gb__build_run(&r, diag);
    gb__build_request_clear(&r);
    return rc;
}
