/* common.c - what the commands share (see cli.h). */
#include "cli/cli.h"

#include "charts/kit.h"
#include "pipeline/report.h"
#include "pipeline/text.h"

#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void
gb_cli_common_entries(GOptionContext *ctx, GbCommon *c, GOptionEntry *extra)
{
    GOptionEntry entries[] = {
        {"data", 'd', 0, G_OPTION_ARG_FILENAME, &c->datadir,
         "Data directory laid out like data/ (default: the bundled data)", "DIR"},
        {"profile", 0, 0, G_OPTION_ARG_STRING, &c->profile,
         "Read every FILE with this profile (from DIR/profiles)", "ID"},
        {"keep-going", 'k', 0, G_OPTION_ARG_NONE, &c->keep_going,
         "Go on when rows are rejected (they are left out and counted)", NULL},
        {"verbose", 'v', 0, G_OPTION_ARG_NONE, &c->verbose,
         "List every warning, not just a summary", NULL},
        {G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &c->files, NULL, "[FILE...]"},
        G_OPTION_ENTRY_NULL,
    };
    g_option_context_add_main_entries(ctx, entries, NULL);
    if (extra != NULL)
        g_option_context_add_main_entries(ctx, extra, NULL);
}

void
gb_cli_common_clear(GbCommon *c)
{
    g_free(c->datadir);
    g_free(c->profile);
    g_strfreev(c->files);
}

GbStatus
gb_cli_parse(const char *name, const char *summary, GOptionContext *ctx, int *argc, char ***argv)
{
    GError *err = NULL;
    g_option_context_set_summary(ctx, summary);
    if (!g_option_context_parse(ctx, argc, argv, &err)) {
        fprintf(stderr, "gradebrief %s: %s\nTry 'gradebrief %s --help'.\n", name, err->message,
                name);
        g_error_free(err);
        return GB_USAGE;
    }
    return GB_OK;
}

GbStatus
gb_cli_output_folder(const char *cmd, const char *dir, GbDiag *diag)
{
    if (dir == NULL)
        return GB_OK;
    if (*dir == '\0') {
        gb_diag_set(diag, NULL, 0, 0, "-o: the output folder name is empty");
        return GB_USAGE;
    }
    if (strcmp(dir, "-") == 0) {
        gb_diag_set(diag, NULL, 0, 0,
                    "-o -: %s writes a folder of files; only chart writes "
                    "to standard output",
                    cmd);
        return GB_USAGE;
    }
    /* stat, not lstat: a link is the write stage's to refuse, with its own
     * message; here only what can never become a folder. */
    struct stat st;
    int err = stat(dir, &st) == 0 ? (S_ISDIR(st.st_mode) ? 0 : ENOTDIR) : errno;
    if (err == ENOTDIR) {
        gb_diag_set(diag, dir, 0, 0, "cannot create the folder: %s", g_strerror(ENOTDIR));
        return GB_CANTCREAT;
    }
    return GB_OK;
}

GbStatus
gb_cli_formats(const char *list, gboolean *pdf, gboolean *html, gboolean *docx, GbDiag *diag)
{
    *pdf = *html = *docx = list == NULL;
    if (list == NULL)
        return GB_OK;
    char **parts = g_strsplit(list, ",", -1);
    GbStatus rc = GB_OK;
    for (char **p = parts; *p != NULL && rc == GB_OK; p++) {
        char *f = g_strstrip(*p);
        if (strcmp(f, "pdf") == 0) {
            *pdf = TRUE;
        } else if (strcmp(f, "html") == 0) {
            *html = TRUE;
        } else if (strcmp(f, "docx") == 0) {
            *docx = TRUE;
        } else {
            gb_diag_set(diag, NULL, 0, 0, "--formats: unknown format '%s' (pdf, html, docx)", f);
            rc = GB_USAGE;
        }
    }
    g_strfreev(parts);
    if (rc == GB_OK && !*pdf && !*html && !*docx) {
        gb_diag_set(diag, NULL, 0, 0, "--formats: name one or more of pdf, html, docx");
        rc = GB_USAGE;
    }
    return rc;
}

static char *
gb__default_datadir(void)
{
    const char *env = g_getenv("GRADEBRIEF_DATA");
    if (env != NULL && *env != '\0')
        return g_strdup(env);
    if (g_file_test(GB_DATADIR "/authorities.csv", G_FILE_TEST_EXISTS))
        return g_strdup(GB_DATADIR);
    return g_strdup(GB_INSTALL_DATADIR);
}

void
gb_cli_loaded_clear(GbLoaded *ld)
{
    gb_table_free(ld->table);
    gb_loader_free(ld->loader);
    gb_ref_free(ld->ref);
}

GbStatus
gb_cli_load(GbCommon *c, GbLoaded *ld, gboolean report, GbDiag *diag)
{
    if (c->datadir == NULL)
        c->datadir = gb__default_datadir();
    /* The grade file's parse needs no reference data: it starts meanwhile. */
    gb_load_prefetch(c->datadir, (const char *const *)c->files);
    GbStatus status = gb_ref_load(c->datadir, &ld->ref, diag);
    if (status == GB_OK)
        status = gb_loader_new(ld->ref, &ld->loader, diag);
    if (status == GB_OK) {
        ld->loader->force_profile = c->profile;
        if (c->verbose) /* -v promises every warning, not the first 20 */
            ld->loader->warnings->cap = G_MAXUINT;
        ld->table = gb_table_new(ld->ref);
        if (c->stream)
            gb_table_set_streaming(ld->table, c->stream_as_at);
        status = gb_load_all(ld->loader, ld->table, (const char *const *)c->files, diag);
    }
    gb_load_prefetch_end();
    if (status != GB_OK)
        return status;
    if (report)
        gb_report_accounting(stdout, ld->table);
    gb_report_diags(stderr, ld->loader->rejects, "", "rejected rows");
    const GbDiagList *w = ld->loader->warnings;
    GbFileAccount total;
    gb_table_totals(ld->table, &total);
    if (c->verbose || total.merged == 0 || gb_diag_list_total(w) == 0) {
        /* Duplicates across publications merge silently; only repeats within
         * one table are warnings. */
        gb_report_diags(stderr, w, "warning: ", "warnings");
    } else if (!c->quiet) {
        /* Merged duplicates are expected (sheets that repeat each other): one line. */
        const GbDiag *first = w->items->len ? &g_array_index(w->items, GbDiag, 0) : NULL;
        char *where = first ? gb_diag_format(first) : g_strdup("");
        fprintf(stderr,
                "gradebrief: warning: %" G_GUINT64_FORMAT " identical duplicate row%s "
                "merged (first: %s); -v lists them\n",
                gb_diag_list_total(w), gb_diag_list_total(w) == 1 ? "" : "s", where);
        g_free(where);
    }
    guint64 rejected = gb_diag_list_total(ld->loader->rejects);
    if (rejected > 0 && !c->keep_going) {
        /* check's accounting has already said it. */
        if (!report)
            gb_diag_set(diag, NULL, 0, 0,
                        "%" G_GUINT64_FORMAT " row%s rejected; fix them or "
                        "pass --keep-going to leave them out",
                        rejected, rejected == 1 ? "" : "s");
        return GB_DATA;
    }
    return GB_OK;
}

GbStatus
gb_cli_apply_as_at(GbCommon *c, GbLoaded *ld, guint32 option, guint32 config, GbAsAt *at,
                   GbDiag *diag)
{
    return gb_cli_apply_selection(c, ld, option, config, NULL, at, diag);
}

GbStatus
gb_cli_apply_selection(GbCommon *c, GbLoaded *ld, guint32 option, guint32 config, GbSelection *sel,
                       GbAsAt *at, GbDiag *diag)
{
    *at = gb_position_as_at(ld->table, option, config);
    /* A period ending before the as-at date moves it: the figures are then
     * as at the period's end, not at a date whose judgements are left out. */
    gboolean by_to = sel != NULL && sel->to != 0 && sel->to < at->date;
    if (by_to)
        at->date = sel->to;
    /* The selection first, so what it leaves out (after --to too) is counted
     * and said as left out by it, not as dated after the as-at date. */
    if (sel != NULL)
        gb_selection_apply(sel, ld->table);
    if (!gb_table_cut(ld->table, at->date)) {
        gb_cli_loaded_clear(ld);
        *ld = (GbLoaded){0};
        c->stream_as_at = at->date;
        gboolean quiet = c->quiet;
        c->quiet = TRUE; /* its warnings were printed the first time */
        GbStatus rc = gb_cli_load(c, ld, FALSE, diag);
        c->quiet = quiet;
        if (rc != GB_OK)
            return rc;
        gb_table_cut(ld->table, at->date);
    }
    const GbTable *t = ld->table;
    if (t->after > 0) {
        char date[11], first[11], newest[11];
        gb_text_format_date(at->date, date);
        gb_text_format_date(t->after_first, first);
        gb_text_format_date(t->after_newest, newest);
        fprintf(stderr,
                "gradebrief: warning: %" G_GUINT64_FORMAT " judgement%s dated after the "
                "as-at date %s (%s) left out: %s to %s\n",
                t->after, t->after == 1 ? "" : "s", date,
                by_to ? "--to" : gb_position_as_at_source(at->source), first, newest);
    }
    return GB_OK;
}

GbStatus
gb_cli_settings(GbCommon *c, const char *config_path, const char *as_at, GbConfig *config,
                GbDiag *diag)
{
    if (c->datadir == NULL)
        c->datadir = gb__default_datadir();
    /* The data folder's own settings first, then the user's file over them:
     * a -c file that sets only the title keeps the folder's as_at. */
    char *own = g_build_filename(c->datadir, "briefing.ini", NULL);
    GbStatus status = GB_OK;
    if (g_file_test(own, G_FILE_TEST_EXISTS))
        status = gb_config_load(config, own, diag);
    g_free(own);
    if (status == GB_OK && config_path != NULL)
        status = gb_config_load(config, config_path, diag);
    if (status != GB_OK)
        return status;
    if (as_at != NULL) {
        if (!gb_text_parse_date(as_at, &config->as_at)) {
            gb_diag_set(diag, NULL, 0, 0, "--as-at: '%s' is not a date (YYYY-MM-DD)", as_at);
            return GB_USAGE;
        }
        gb_config_set_origin(config, "as_at", "--as-at");
    }
    gb_palette_use(config->palette);
    return GB_OK;
}

char *
gb_cli_output_date(const GbTable *t, guint32 as_at)
{
    const char *epoch = g_getenv("SOURCE_DATE_EPOCH");
    gint64 secs;
    if (epoch != NULL && gb_text_parse_int(epoch, 0, G_MAXINT64, &secs)) {
        GDateTime *dt = g_date_time_new_from_unix_utc(secs);
        char *s = g_date_time_format(dt, "%Y-%m-%dT%H:%M:%SZ");
        g_date_time_unref(dt);
        return s;
    }
    /* The date the file's figures are as at, which it prints: never a date
     * from rows it does not show, so a new row elsewhere leaves it alone. */
    guint32 d = as_at            ? as_at
                : t->newest_date ? t->newest_date
                                 : (guint32)MAX(t->max_year, 1970) * 10000 + 1231;
    char buf[11];
    gb_text_format_date(d, buf);
    return g_strdup(buf);
}

GbStatus
gb_cli_interrupted(GbDiag *diag)
{
    int sig = gb_cancel_requested();
    if (sig == 0)
        return GB_OK;
    gb_diag_set(diag, NULL, 0, 0,
                "interrupted by %s; no file was changed (run again to make "
                "them)",
                sig == SIGINT ? "SIGINT" : "SIGTERM");
    return GB_TEMPFAIL;
}

GbStatus
gb_cli_changes(GbWriteSet *ws, const GbFigures *now, char **report, gsize *report_len, GbDiag *diag)
{
    char **pending = gb_write_pending(ws);
    gsize old_len = 0;
    char *old_text = gb_write_read(ws, "figures.csv", &old_len);
    GbFigures *old = gb_figures_parse_csv(old_text, old_len, NULL);
    GPtrArray *moved = old_text != NULL ? gb_figures_diff(old, now) : g_ptr_array_new();
    *report = gb_figures_changes_csv((const char *const *)pending, moved, report_len);
    GbStatus rc = GB_OK;
    if (pending[0] != NULL || moved->len > 0) {
        gsize len;
        char *text = gb_figures_to_csv(now, &len);
        if (old_text == NULL || len != old_len || memcmp(text, old_text, len) != 0) {
            char *hash = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)text, len);
            rc = gb_write_add(ws, "figures.csv", (const guint8 *)text, len, hash, 0, diag);
            g_free(hash);
        }
        g_free(text);
        if (rc == GB_OK) {
            char *hash = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)*report,
                                                     *report_len);
            rc = gb_write_add(ws, "changes.csv", (const guint8 *)*report, *report_len, hash, 0,
                              diag);
            g_free(hash);
        }
    }
    g_ptr_array_unref(moved);
    gb_figures_free(old);
    g_free(old_text);
    g_strfreev(pending);
    return rc;
}

GbStatus
gb_cli_write_changes(const char *path, const char *report, gsize len, GbDiag *diag)
{
    if (path == NULL)
        return GB_OK;
    return gb_write_file(path, (const guint8 *)report, len, diag);
}

/* The kB of a "Name:  N kB" line of /proc/self/status; -1 if absent. */
static long
gb__status_kb(const char *status, const char *name)
{
    const char *p = status != NULL ? strstr(status, name) : NULL;
    return p != NULL ? strtol(p + strlen(name), NULL, 10) : -1;
}

/* The kernel's peak resident size (VmHWM) set back to the size now, for the
 * next stage's own peak (Linux 4.0 on; FALSE without it). */
static gboolean
gb__peak_reset(void)
{
    FILE *f = fopen("/proc/self/clear_refs", "w");
    if (f == NULL)
        return FALSE;
    gboolean ok = fputs("5", f) >= 0;
    return fclose(f) == 0 && ok;
}

void
gb_cli_timing(gboolean on, const char *stage, gint64 *t0)
{
    gint64 now = g_get_monotonic_time();
    if (on) {
        /* The resident size now, the stage's own peak and the run's (Linux),
         * so a stage that costs memory shows where: the kernel's peak is set
         * back after each reading, so the run's is the largest of the
         * stages' (and GNU time's %M of a --timings run is its last stage's). */
        static long run_hwm = -1;
        char *status = NULL;
        g_file_get_contents("/proc/self/status", &status, NULL, NULL);
        long rss = gb__status_kb(status, "\nVmRSS:"), hwm = gb__status_kb(status, "\nVmHWM:");
        long anon = gb__status_kb(status, "\nRssAnon:"), file = gb__status_kb(status, "\nRssFile:");
        g_free(status);
        struct mallinfo2 mi = mallinfo2();
        run_hwm = MAX(run_hwm, hwm);
        gboolean staged = hwm >= 0 && gb__peak_reset();
        if (rss >= 0 && hwm >= 0)
            fprintf(stderr,
                    "gradebrief: %-10s %7.1f ms  RSS %5.1f MB (anon %4.1f, files %4.1f), peak "
                    "%5.1f MB%s%.1f%s, malloc %5.1f MB in use of %5.1f\n",
                    stage, (now - *t0) / 1000.0, rss / 1024.0, anon / 1024.0, file / 1024.0,
                    run_hwm / 1024.0, staged ? " (stage " : "", staged ? hwm / 1024.0 : 0.0,
                    staged ? ")" : "", mi.uordblks / 1048576.0, (mi.arena + mi.hblkhd) / 1048576.0);
        else
            fprintf(stderr, "gradebrief: %-10s %7.1f ms\n", stage, (now - *t0) / 1000.0);
        now = g_get_monotonic_time(); /* the reading is not the next stage's */
    }
    *t0 = now;
}
