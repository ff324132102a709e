/* packs.c - `gradebrief packs`: one pack per authority, made in parallel and
 * committed to the output folder as one set with index.csv. */
#include "cli/cli.h"

#include "cli/pool.h"
#include "output/csvout.h"
#include "output/pack.h"
#include "output/slug.h"
#include "output/write.h"
#include "pipeline/report.h"
#include "pipeline/summary.h"

#include <stdio.h>
#include <string.h>

typedef struct {
    GbCommon common;
    char *config_path, *outdir, *as_at, *formats, *changes;
    char **names; /* --authority, or NULL for every authority in existence */
    int jobs;     /* 0: the cores */
    gboolean force, quiet, verify;
    gboolean pdf, html, docx; /* the documents to write (--formats) */
} GbPacksRequest;

/* One pack to make: who, where, and (once made) its pages. */
typedef struct {
    int authority;
    char *name;      /* file name in the output folder (the PDF's) */
    char *html_name; /* the HTML's */
    char *docx_name; /* the Word document's */
    char *hash;
    GbPackDoc *doc; /* composed, kept while the pack is to be made */
    gboolean stale; /* a file of it is not on disk as it would be made */
    gboolean made;  /* made and handed to the write set */
    int pages;
    GbStatus status;
    GbDiag diag; /* when status is not GB_OK; empty after an earlier failure */
} GbPackJob;

/* What every worker shares. */
typedef struct {
    const GbPackInput *in;
    GbWriteSet *out; /* where each pack goes as soon as it is made */
    const char *font;
    gboolean pdf, html, docx;
} GbPackRun;

static void
gb__packs_request_clear(GbPacksRequest *r)
{
    gb_cli_common_clear(&r->common);
    g_free(r->config_path);
    g_free(r->outdir);
    g_free(r->as_at);
    g_free(r->formats);
    g_free(r->changes);
    g_strfreev(r->names);
}

static GbStatus
gb__packs_parse(int argc, char **argv, GbPacksRequest *r, GbDiag *diag)
{
    GOptionEntry extra[] = {
        {"config", 'c', 0, G_OPTION_ARG_FILENAME, &r->config_path,
         "Your settings (key file), read over DATADIR/briefing.ini (gradebrief config "
         "shows the result)",
         "FILE"},
        {"output", 'o', 0, G_OPTION_ARG_FILENAME, &r->outdir, "Output folder (default out/packs)",
         "DIR"},
        {"authority", 'a', 0, G_OPTION_ARG_STRING_ARRAY, &r->names,
         "Only this authority (repeat for more; default: every authority in existence)", "NAME"},
        {"jobs", 'j', 0, G_OPTION_ARG_INT, &r->jobs, "Packs made at once (default: the cores)",
         "N"},
        {"as-at", 0, 0, G_OPTION_ARG_STRING, &r->as_at, "Latest judgements on this date", "DATE"},
        {"force", 0, 0, G_OPTION_ARG_NONE, &r->force, "Rewrite every pack, changed or not", NULL},
        {"verify", 0, 0, G_OPTION_ARG_NONE, &r->verify,
         "Read every output file to check its SHA-256 (default: trust a file whose size, "
         "times and inode are as the last run recorded)",
         NULL},
        {"quiet", 'q', 0, G_OPTION_ARG_NONE, &r->quiet, "No progress output", NULL},
        {"changes", 0, 0, G_OPTION_ARG_FILENAME, &r->changes,
         "Write what this run changed (files rewritten, figures that moved) to FILE as CSV "
         "('-': standard output)",
         "FILE"},
        {"formats", 0, 0, G_OPTION_ARG_STRING, &r->formats,
         "Documents to write: any of pdf, html, docx (default all three)", "LIST"},
        G_OPTION_ENTRY_NULL,
    };
    GOptionContext *ctx = g_option_context_new("[FILE...] - one briefing pack per authority");
    gb_cli_common_entries(ctx, &r->common, extra);
    GbStatus rc =
        gb_cli_parse("packs",
                     "Writes OUTDIR/<authority>.pdf, .html and .docx for each authority (2-4 "
                     "pages: its "
                     "judgements over time; where it stands against England, its "
                     "region and its statistical neighbours; their latest judgements; "
                     "what changed since its previous inspection) and "
                     "OUTDIR/index.csv. Only packs whose inputs changed are rewritten "
                     "(OUTDIR/manifest.ini); --force rewrites all. The files are "
                     "replaced together, only once all are made.",
                     ctx, &argc, &argv);
    g_option_context_free(ctx);
    if (rc != GB_OK)
        return rc;
    if ((rc = gb_cli_formats(r->formats, &r->pdf, &r->html, &r->docx, diag)) != GB_OK)
        return rc;
    if (r->jobs < 0 || r->jobs > 64) {
        gb_diag_set(diag, NULL, 0, 0, "-j must be 1 to 64");
        return GB_USAGE;
    }
    if ((rc = gb_cli_output_folder("packs", r->outdir, diag)) != GB_OK)
        return rc;
    r->common.quiet = r->quiet;
    return GB_OK;
}

static void
gb__pack_job_free(gpointer p)
{
    GbPackJob *job = p;
    g_free(job->name);
    g_free(job->html_name);
    g_free(job->docx_name);
    g_free(job->hash);
    gb_pack_doc_free(job->doc);
    gb_diag_clear(&job->diag);
    g_free(job);
}

/* A worker's state: fonts of its own (pango objects stay on one thread). */
static gpointer
gb__pack_worker_new(gpointer ctx)
{
    const GbPackRun *run = ctx;
    char *err = NULL;
    GbFonts *fonts = gb_fonts_new(run->font, &err);
    g_free(err); /* reported per pack below */
    return fonts;
}

static void
gb__pack_worker_free(gpointer state)
{
    gb_fonts_free(state);
}

/* Makes one pack and hands it to the write set. */
static const char *
gb__pack_make(gpointer ctx, gpointer state, gpointer item)
{
    const GbPackRun *run = ctx;
    GbFonts *fonts = state;
    GbPackJob *job = item;
    if (fonts == NULL) {
        char *err = NULL;
        gb_fonts_free(gb_fonts_new(run->font, &err));
        job->status = GB_CONFIG;
        gb_diag_set(&job->diag, NULL, 0, 0, "%s", err ? err : "cannot load the fonts");
        g_free(err);
        return job->name;
    }
    GByteArray *pdf = NULL, *html = NULL, *docx = NULL;
    job->status =
        gb_pack_doc_render(job->doc, fonts, run->pdf ? &pdf : NULL, run->html ? &html : NULL,
                           run->docx ? &docx : NULL, &job->pages, &job->diag);
    char *uncovered = gb_fonts_take_uncovered(fonts);
    if (uncovered != NULL && job->status == GB_OK) {
        /* Never a pack with boxes for text. */
        job->status = GB_DATA;
        gb_diag_set(&job->diag, NULL, 0, 0, "%s: %s", job->name, uncovered);
    }
    g_free(uncovered);
    if (job->status == GB_OK && pdf != NULL)
        job->status = gb_write_add(run->out, job->name, pdf->data, pdf->len, job->hash, job->pages,
                                   &job->diag);
    if (job->status == GB_OK && html != NULL)
        job->status =
            gb_write_add(run->out, job->html_name, html->data, html->len, job->hash, 0, &job->diag);
    if (job->status == GB_OK && docx != NULL)
        job->status =
            gb_write_add(run->out, job->docx_name, docx->data, docx->len, job->hash, 0, &job->diag);
    job->made = job->status == GB_OK;
    g_clear_pointer(&job->doc, gb_pack_doc_free);
    if (pdf != NULL)
        g_byte_array_unref(pdf);
    if (html != NULL)
        g_byte_array_unref(html);
    if (docx != NULL)
        g_byte_array_unref(docx);
    return job->name;
}

static const GbPoolClass gb__pack_pool = {gb__pack_worker_new, gb__pack_worker_free, gb__pack_make};

/* Who gets a pack: the named authorities, or every one in existence on when. */
static GbStatus
gb__packs_who(const GbPacksRequest *r, const GbRef *ref, guint32 when, GArray *who, GbDiag *diag)
{
    if (r->names == NULL) {
        for (guint a = 0; a < ref->authorities->len; a++)
            if (gb_ref_active_on(gb_ref_authority(ref, (int)a), when)) {
                int ai = (int)a;
                g_array_append_val(who, ai);
            }
        return GB_OK;
    }
    GString *scratch = g_string_new(NULL);
    GbStatus rc = GB_OK;
    for (char **n = r->names; *n != NULL && rc == GB_OK; n++) {
        int a = gb_ref_find_authority(ref, *n, strlen(*n), 0, when, scratch, NULL);
        if (a < 0) {
            /* A name typed on the command line: a usage error, with the nearest names. */
            char *msg = gb_ref_unknown_authority(ref, *n);
            gb_diag_set(diag, NULL, 0, 0, "--authority: %s", msg);
            g_free(msg);
            rc = GB_USAGE;
        }
        /* One pack an authority, however often (or by whatever name) it is named. */
        gboolean seen = FALSE;
        for (guint i = 0; i < who->len && !seen; i++)
            seen = g_array_index(who, int, i) == a;
        if (!seen)
            g_array_append_val(who, a);
    }
    g_string_free(scratch, TRUE);
    return rc;
}

/* index.csv: one line per pack, its pages from this run or the manifest. */
static GString *
gb__packs_index(const GbRef *ref, const GPtrArray *all, const GbWriteSet *ws)
{
    GString *index = g_string_new(NULL);
    const char *header[] = {"authority", "dfe_code", "ons_code", "file", "pages"};
    gb_csvout_row(index, header, G_N_ELEMENTS(header));
    for (guint i = 0; i < all->len; i++) {
        const GbPackJob *job = g_ptr_array_index(all, i);
        const GbAuthority *au = gb_ref_authority(ref, job->authority);
        int pages = job->made ? job->pages : gb_write_pages(ws, job->name);
        char num[16];
        g_snprintf(num, sizeof num, "%d", pages);
        const char *cells[] = {au->name, au->code,
                               au->ons->len ? g_ptr_array_index(au->ons, 0) : "", job->name, num};
        gb_csvout_row(index, cells, G_N_ELEMENTS(cells));
    }
    return index;
}

/* A run's state, from the data read to the write set; cleared by
 * gb__packs_state_clear whatever was reached. */
typedef struct {
    GbLoaded ld;
    GbConfig *config;
    GbStats *stats;
    GbMoves *moves;
    GbPackInput in;
    GPtrArray *standings; /* the first page's positions on the series dates */
    GbMovers *movers;
    GbNextRules *next;
    char *date;
    char *data_line; /* every pack's footer */
    guint32 when;
    GArray *who;     /* authority indices */
    GPtrArray *all;  /* GbPackJob*, one per pack */
    GPtrArray *todo; /* borrowed from all: the packs to make */
    GbWriteSet *ws;
    const char *dir;
} GbPacksState;

static void
gb__packs_state_clear(GbPacksState *s)
{
    if (s->who != NULL)
        g_array_free(s->who, TRUE);
    if (s->todo != NULL)
        g_ptr_array_free(s->todo, TRUE);
    if (s->all != NULL)
        g_ptr_array_free(s->all, TRUE);
    gb_write_free(s->ws);
    for (int j = 0; j < s->in.njudgements; j++)
        gb_stats_latest_free((GbLatest *)s->in.latest[j]);
    gb_pack_input_clear(&s->in);
    if (s->standings != NULL)
        g_ptr_array_free(s->standings, TRUE);
    gb_position_movers_free(s->movers);
    gb_next_rules_free(s->next);
    gb_stats_free(s->stats);
    gb_stats_moves_free(s->moves);
    gb_config_free(s->config);
    g_free(s->date);
    g_free(s->data_line);
    gb_cli_loaded_clear(&s->ld);
}

/* Settings, data, the one as-at date, what every pack is computed from, and
 * who gets a pack. */
static GbStatus
gb__packs_prepare(GbPacksRequest *r, GbPacksState *s, GbDiag *diag)
{
    s->config = gb_config_new();
    s->who = g_array_new(FALSE, FALSE, sizeof(int));
    GbAsAt at;
    GbStatus rc = gb_cli_settings(&r->common, r->config_path, r->as_at, s->config, diag);
    if (rc != GB_OK || (rc = gb_cli_load(&r->common, &s->ld, FALSE, diag)) != GB_OK ||
        (rc = gb_cli_apply_as_at(&r->common, &s->ld, 0, s->config->as_at, &at, diag)) != GB_OK)
        return rc;
    s->config->as_at = s->when = at.date; /* the one date of every pack */
    GbPackInput *in = &s->in;
    const GbTable *t = s->ld.table;
    if (!gb_pack_input_init(in, s->ld.table)) {
        gb_diag_set(diag, NULL, 0, 0, "the data has no graded regime in use to compare on");
        return GB_DATA;
    }
    s->stats = gb_stats_compute(t, GB_BY_YEAR | GB_BY_REGIME | GB_BY_JUDGEMENT);
    s->moves = gb_stats_moves(t);
    s->date = gb_cli_output_date(t, s->when);
    in->stats = s->stats;
    in->moves = s->moves;
    in->config = s->config;
    in->date = s->date;
    in->data_line = s->data_line = gb_summary_data_line(t);
    for (int j = 0; j < in->njudgements; j++)
        in->latest[j] =
            gb_stats_latest(t, gb_ref_judgement(t->ref, in->judgements[j])->id, s->when);
    in->family = gb_ref_find_family(t->ref, "overall_effectiveness");
    char *path = g_build_filename(t->ref->datadir, "ilacs-next.csv", NULL);
    GbDiag nd = {0};
    rc = gb_next_rules_load(path, &s->next, &nd);
    g_free(path);
    if (rc != GB_OK && rc != GB_NOINPUT) {
        *diag = nd;
        return rc;
    }
    gb_diag_clear(&nd);
    in->next = s->next;
    /* The first page's shared figures (the positions on the series dates, the
     * movers: the briefing's rule), before composing: every pack is composed
     * to hash what it shows. */
    GArray *series = gb_packsummary_dates(GB_PACK_FIRST_YEAR, s->when);
    s->standings = in->family >= 0 ? gb_packsummary_standings(t, in->family, series) : NULL;
    g_array_free(series, TRUE);
    in->standings = s->standings;
    s->movers = gb_position_movers(t, GB_MOVERS_FAMILY, s->when);
    in->movers = s->movers;
    return gb__packs_who(r, t->ref, s->when, s->who, diag);
}

/* Composes one pack (no fonts, no drawing) to know what it shows, and keeps
 * it when a file of it is not on disk as that; the doc is freed otherwise.
 * Runs on the pool (gb_pack_compose reads only the shared input). */
static const char *
gb__pack_plan(gpointer ctx, gpointer state, gpointer item)
{
    (void)state;
    const GbPackRun *run = ctx;
    GbPackJob *job = item;
    job->doc = gb_pack_compose(run->in, job->authority);
    job->hash = gb_pack_doc_hash(job->doc);
    job->stale = (run->pdf && !gb_write_fresh(run->out, job->name, job->hash)) ||
                 (run->html && !gb_write_fresh(run->out, job->html_name, job->hash)) ||
                 (run->docx && !gb_write_fresh(run->out, job->docx_name, job->hash));
    if (!job->stale)
        g_clear_pointer(&job->doc, gb_pack_doc_free);
    return job->name;
}

/* No state: composing uses no fonts. */
static const GbPoolClass gb__plan_pool = {NULL, NULL, gb__pack_plan};

/* One job per pack, planned on the pool (composed, hashed, checked against
 * the files on disk); the stale ones go to s->todo, in order. */
static void
gb__packs_plan(GbPacksState *s, const GbPackRun *run, int workers)
{
    s->all = g_ptr_array_new_with_free_func(gb__pack_job_free);
    s->todo = g_ptr_array_new();
    for (guint i = 0; i < s->who->len; i++) {
        GbPackJob *job = g_new0(GbPackJob, 1);
        job->authority = g_array_index(s->who, int, i);
        char *slug = gb_slug_authority(s->ld.ref, job->authority);
        job->name = g_strdup_printf("%s.pdf", slug);
        job->html_name = g_strdup_printf("%s.html", slug);
        job->docx_name = g_strdup_printf("%s.docx", slug);
        g_free(slug);
        g_ptr_array_add(s->all, job);
    }
    gb_pool_run(&gb__plan_pool, (gpointer)run, s->all, workers, TRUE, NULL);
    for (guint i = 0; i < s->all->len; i++) {
        GbPackJob *job = g_ptr_array_index(s->all, i);
        if (job->stale)
            g_ptr_array_add(s->todo, job);
    }
}

/* index.csv, changes.csv and figures.csv, then the commit (unless a signal
 * came) and --changes FILE. Problems go to the list; returns the status. */
static GbStatus
gb__packs_commit(GbPacksRequest *r, GbPacksState *s, GbStatus rc, GbDiagList *problems, int *sig)
{
    const GbRef *ref = s->ld.ref;
    GString *index = gb__packs_index(ref, s->all, s->ws);
    char *index_hash =
        g_compute_checksum_for_string(G_CHECKSUM_SHA256, index->str, (gssize)index->len);
    GbDiag d = {0};
    if (rc == GB_OK && !gb_write_fresh(s->ws, "index.csv", index_hash))
        rc = gb_write_add(s->ws, "index.csv", (const guint8 *)index->str, index->len, index_hash, 0,
                          &d);
    g_free(index_hash);
    g_string_free(index, TRUE);
    /* changes.csv and figures.csv: what this run changes against the last. */
    GbFigures *figs = gb_figures_new();
    for (int j = 0; j < s->in.njudgements; j++)
        gb_figures_add_latest(figs, ref, s->in.latest[j],
                              gb_ref_judgement(ref, s->in.judgements[j])->label, s->in.regime);
    char *report = NULL;
    gsize report_len = 0;
    if (rc == GB_OK)
        rc = gb_cli_changes(s->ws, figs, &report, &report_len, &d);
    gb_figures_free(figs);
    /* Everything or nothing: a signal or a failure before this point leaves the
     * folder as it was (the write set removes its temporaries). */
    *sig = gb_cancel_requested();
    if (rc == GB_OK && *sig == 0)
        rc = gb_write_commit(s->ws, &d);
    if (rc == GB_OK && *sig == 0)
        rc = gb_cli_write_changes(r->changes, report, report_len, &d);
    g_free(report);
    if (d.message != NULL)
        gb_diag_list_take(problems, &d);
    gb_diag_clear(&d);
    return rc;
}

static GbStatus
gb__packs_run(GbPacksRequest *r, GbDiag *diag)
{
    GbPacksState s = {0};
    GbDiagList *problems = gb_diag_list_new(20);
    GbStatus rc = gb__packs_prepare(r, &s, diag);
    if (rc != GB_OK)
        goto out;
    s.dir = r->outdir != NULL ? r->outdir : "out/packs";
    /* The folder is locked from here to the end of the run. A pack whose
     * bytes are already there is left alone (its time too). */
    guint flags =
        (r->force ? GB_WRITE_FORCE : 0) | (r->verify ? GB_WRITE_VERIFY : 0) | GB_WRITE_KEEP_SAME;
    if ((rc = gb_write_open(s.dir, flags, &s.ws, diag)) != GB_OK)
        goto out;
    if (gb_write_manifest_corrupt(s.ws) && !r->quiet)
        fprintf(stderr,
                "gradebrief packs: %s/manifest.ini is unreadable: rebuilding every "
                "pack\n",
                s.dir);
    GbPackRun run = {.in = &s.in,
                     .out = s.ws,
                     .font = s.config->font,
                     .pdf = r->pdf,
                     .html = r->html,
                     .docx = r->docx};
    int workers = r->jobs > 0 ? r->jobs : (int)g_get_num_processors();
    gb__packs_plan(&s, &run, workers);
    /* Make the changed packs, in parallel; each goes to the write set as made. */
    gb_pool_run(&gb__pack_pool, &run, s.todo, workers, r->quiet, "gradebrief packs");
    int made = 0;
    for (guint i = 0; i < s.todo->len; i++) {
        GbPackJob *job = g_ptr_array_index(s.todo, i);
        made += job->made;
        if (job->status != GB_OK) {
            if (rc == GB_OK)
                rc = job->status;
            if (job->diag.message != NULL)
                gb_diag_list_take(problems, &job->diag);
        }
    }
    int sig = 0;
    rc = gb__packs_commit(r, &s, rc, problems, &sig);
    /* Each problem once, capped: the pack that failed, or the first write. */
    gb_report_diags(stderr, problems, "", "problems");
    if (sig != 0)
        rc = gb_cli_interrupted(diag);
    gboolean committed = rc == GB_OK;
    if (!r->quiet || !committed) {
        printf("%d written, %u up to date", committed ? made : 0, s.all->len - s.todo->len);
        if (!committed && s.todo->len > 0)
            printf(", %u %s", s.todo->len, sig != 0 ? "not made" : "failed");
        printf(" (%s)\n", s.dir);
    }
out:
    gb_diag_list_free(problems);
    gb__packs_state_clear(&s);
    return rc;
}

GbStatus
gb_cmd_packs(int argc, char **argv, GbDiag *diag)
{
    GbPacksRequest r = {0};
    GbStatus rc = gb__packs_parse(argc, argv, &r, diag);
    if (rc == GB_OK)
        rc = gb__packs_run(&r, diag);
    gb__packs_request_clear(&r);
    return rc;
}
