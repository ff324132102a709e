/* test_write.c - the write stage: all or nothing (a failure injected at every
 * write, fsync and rename leaves the folder byte for byte as it was, or for a
 * rename each file old or new and the manifest saying which), freshness
 * checked against the bytes on disk, no writing through links or into
 * devices, stale temporaries removed, build's tables and charts folders.
 * Locks, killed runs and crashes are in test_writecrash.c. */
#define _DEFAULT_SOURCE
#include "output/manifest.h"
#include "output/write.h"
#include "testutil.h"
#include "writeutil.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct {
    const char *op;
    int n;
} faults[] = {
    {"write", 1}, {"write", 2}, {"write", 3}, {"write", 5},
    {"write", 6}, {"fsync", 1}, {"fsync", 4}, {"fsync", 6},
};

START_TEST(test_all_or_nothing)
{
    char *dir = gb_test_tmpdir("gbwrite");
    GbDiag d = {0};
    ck_assert_int_eq(write_version(dir, 1, 0, &d), GB_OK);
    char *before = tree(dir);
    gb__write_fail_at(faults[_i].op, faults[_i].n, ENOSPC);
    GbStatus st = write_version(dir, 2, GB_WRITE_FORCE, &d);
    gb__write_fail_at(faults[_i].op, 0, 0);
    ck_assert_msg(st == GB_CANTCREAT, "%s #%d: status %d", faults[_i].op, faults[_i].n, st);
    ck_assert_ptr_nonnull(strstr(d.message, "No space left on device"));
    char *after = tree(dir);
    ck_assert_msg(strcmp(before, after) == 0, "%s #%d changed the folder:\n%s\n---\n%s",
                  faults[_i].op, faults[_i].n, before, after);
    /* And the next run without a fault makes them all. */
    gb_diag_clear(&d);
    ck_assert_int_eq(write_version(dir, 2, 0, &d), GB_OK);
    char *text = slurp(dir, "charts/map.svg");
    ck_assert_str_eq(text, "charts/map.svg version 2 even\n");
    g_free(text);
    gb_diag_clear(&d);
    g_free(before);
    g_free(after);
    g_free(dir);
}
END_TEST

/* A rename that fails part-way: the files before it are new, the rest old,
 * and the manifest records each as what it is; a rerun repairs. */
START_TEST(test_rename_fails_midway)
{
    char *dir = gb_test_tmpdir("gbwrite");
    GbDiag d = {0};
    ck_assert_int_eq(write_version(dir, 1, 0, &d), GB_OK);
    gb__write_fail_at("rename", 3, EIO);
    ck_assert_int_eq(write_version(dir, 2, 0, &d), GB_CANTCREAT);
    gb__write_fail_at("rename", 0, 0);
    gb_diag_clear(&d);
    char *mtext = slurp(dir, "manifest.ini");
    GbManifest *m = gb_manifest_parse(mtext, strlen(mtext), NULL);
    int fresh_new = 0, old = 0;
    for (gsize i = 0; i < G_N_ELEMENTS(files); i++) {
        char *text = slurp(dir, files[i]);
        GbManifestEntry e;
        ck_assert(gb_manifest_get(m, files[i], &e));
        char *h = g_compute_checksum_for_string(G_CHECKSUM_SHA256, text, -1);
        ck_assert_msg(strcmp(h, e.output) == 0, "%s: the manifest does not say what it is",
                      files[i]);
        if (strstr(text, "version 2") != NULL) {
            ck_assert_str_eq(e.input, "v2");
            fresh_new++;
        } else {
            ck_assert_str_eq(e.input, "v1");
            old++;
        }
        g_free(h);
        g_free(text);
    }
    ck_assert_int_eq(fresh_new, 2); /* sorted: briefing.pdf, charts/map.png */
    ck_assert_int_eq(old, 3);
    gb_manifest_free(m);
    g_free(mtext);
    /* No temporary, no lock file: the five files, two folders, the manifest
     * and the first run's stat cache. */
    char *t = tree(dir);
    char **lines = g_strsplit(t, "\n", -1);
    ck_assert_msg(g_strv_length(lines) == 9, "%s", t);
    g_strfreev(lines);
    GbWriteSet *w;
    ck_assert_int_eq(gb_write_open(dir, 0, &w, &d), GB_OK);
    ck_assert(gb_write_fresh(w, "briefing.pdf", "v2"));
    ck_assert(!gb_write_fresh(w, "index.csv", "v2"));
    gb_write_free(w);
    ck_assert_int_eq(write_version(dir, 2, 0, &d), GB_OK);
    for (gsize i = 0; i < G_N_ELEMENTS(files); i++) {
        char *text = slurp(dir, files[i]);
        ck_assert_ptr_nonnull(strstr(text, "version 2"));
        g_free(text);
    }
    g_free(t);
    g_free(dir);
}
END_TEST

/* What happens to an output on disk, and whether the rerun rewrites it. */
static const struct {
    const char *name;
    int kind;
} damage[] = {
    {"missing", 0},          {"truncated", 1},   {"changed, same size", 2},
    {"a link to a copy", 3}, {"not damaged", 4},
};

START_TEST(test_damaged_outputs_are_stale)
{
    char *dir = gb_test_tmpdir("gbwrite");
    GbDiag d = {0};
    ck_assert_int_eq(write_version(dir, 1, 0, &d), GB_OK);
    char *path = g_build_filename(dir, "charts", "map.svg", NULL);
    char *copy = g_build_filename(dir, "..", "copy.svg", NULL);
    char *orig = slurp(dir, "charts/map.svg");
    ck_assert(g_file_set_contents(copy, orig, -1, NULL));
    switch (damage[_i].kind) {
    case 0:
        ck_assert_int_eq(unlink(path), 0);
        break;
    case 1:
        ck_assert_int_eq(truncate(path, 5), 0);
        break;
    case 2: {
        char *edited = g_strdup(orig);
        edited[0] = 'C';
        ck_assert(g_file_set_contents(path, edited, -1, NULL));
        g_free(edited);
        break;
    }
    case 3:
        ck_assert_int_eq(unlink(path), 0);
        ck_assert_int_eq(symlink(copy, path), 0);
        break;
    default:
        break;
    }
    GbWriteSet *w;
    ck_assert_int_eq(gb_write_open(dir, 0, &w, &d), GB_OK);
    ck_assert_msg(gb_write_fresh(w, "charts/map.svg", "v1") == (damage[_i].kind == 4), "%s",
                  damage[_i].name);
    ck_assert(gb_write_fresh(w, "briefing.pdf", "v1"));
    ck_assert(!gb_write_fresh(w, "briefing.pdf", "v2"));
    /* The rerun writes it again: a regular file, the link replaced, not followed. */
    ck_assert_int_eq(gb_write_add(w, "charts/map.svg", (guint8 *)orig, strlen(orig), "v1", 0, &d),
                     GB_OK);
    ck_assert_int_eq(gb_write_commit(w, &d), GB_OK);
    gb_write_free(w);
    struct stat st;
    ck_assert_int_eq(lstat(path, &st), 0);
    ck_assert(S_ISREG(st.st_mode));
    char *now = slurp(dir, "charts/map.svg");
    ck_assert_str_eq(now, orig);
    char *c = NULL;
    ck_assert(g_file_get_contents(copy, &c, NULL, NULL));
    ck_assert_str_eq(c, orig);
    ck_assert_int_eq(gb_write_open(dir, 0, &w, &d), GB_OK);
    ck_assert(gb_write_fresh(w, "charts/map.svg", "v1"));
    gb_write_free(w);
    g_unlink(copy);
    g_free(c);
    g_free(now);
    g_free(orig);
    g_free(copy);
    g_free(path);
    g_free(dir);
}
END_TEST

/* The stat cache (manifest.stat): a file whose stat is as recorded is
 * trusted without being read; any change to it, made even at once and with
 * its modification time put back, is caught (its change time moves) and the
 * file read; a file read and found good is trusted from the next run on. */
static const struct {
    const char *name;
    int kind;
    guint flags;
    gboolean fresh; /* charts/map.svg up to date */
    guint hashed;   /* files read by the five freshness checks */
    guint hashed2;  /* by the same checks after a commit of nothing */
} stat_cases[] = {
    {"untouched", 0, 0, TRUE, 0, 0},
    {"edited in place, same size, mtime put back", 1, 0, FALSE, 1, 1},
    {"replaced, same size, mtime copied", 2, 0, FALSE, 1, 1},
    {"touched, same bytes", 3, 0, TRUE, 1, 0},
    {"no stat cache", 4, 0, TRUE, 5, 0},
    {"stat cache garbage", 5, 0, TRUE, 5, 0},
    {"stat cache of another file's bytes", 6, 0, TRUE, 1, 0},
    {"--verify", 0, GB_WRITE_VERIFY, TRUE, 5, 0},
};

static void
stat_damage(const char *dir, int kind)
{
    char *path = g_build_filename(dir, "charts", "map.svg", NULL);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    struct timespec times[2] = {st.st_atim, st.st_mtim};
    switch (kind) {
    case 1: {
        int fd = open(path, O_WRONLY);
        ck_assert_int_ge(fd, 0);
        ck_assert_int_eq(pwrite(fd, "X", 1, 0), 1);
        ck_assert_int_eq(futimens(fd, times), 0);
        close(fd);
        break;
    }
    case 2: {
        char *other = g_build_filename(dir, "charts", "other.svg", NULL);
        char *text = slurp(dir, "charts/map.svg");
        text[0] = 'X';
        ck_assert(g_file_set_contents(other, text, -1, NULL));
        ck_assert_int_eq(utimensat(AT_FDCWD, other, times, 0), 0);
        ck_assert_int_eq(rename(other, path), 0);
        g_free(text);
        g_free(other);
        break;
    }
    case 3:
        g_usleep(10000);
        ck_assert_int_eq(utimensat(AT_FDCWD, path, NULL, 0), 0);
        break;
    case 4: {
        char *cache = g_build_filename(dir, "manifest.stat", NULL);
        ck_assert_int_eq(unlink(cache), 0);
        g_free(cache);
        break;
    }
    case 5:
        put(dir, "manifest.stat", "# gradebrief stat cache 1\nnonsense\n\x01\x02 1 2 3\n");
        break;
    case 6: {
        /* map.svg's line made to name map.png's bytes: not trusted. */
        char *text = slurp(dir, "manifest.stat");
        char **lines = g_strsplit(text, "\n", -1);
        const char *png = NULL;
        for (char **l = lines; *l != NULL; l++)
            if (g_str_has_suffix(*l, " charts/map.png"))
                png = *l;
        ck_assert_ptr_nonnull(png);
        for (char **l = lines; *l != NULL; l++)
            if (g_str_has_suffix(*l, " charts/map.svg"))
                memcpy(*l, png, 64);
        char *joined = g_strjoinv("\n", lines);
        put(dir, "manifest.stat", joined);
        g_free(joined);
        g_strfreev(lines);
        g_free(text);
        break;
    }
    default:
        break;
    }
    g_free(path);
}

/* Runs the five freshness checks of version 1; the number of files read. */
static guint
stat_checks(const char *dir, guint flags, gboolean *svg_fresh)
{
    GbWriteSet *w;
    GbDiag d = {0};
    ck_assert_int_eq(gb_write_open(dir, flags, &w, &d), GB_OK);
    for (gsize i = 0; i < G_N_ELEMENTS(files); i++) {
        gboolean f = gb_write_fresh(w, files[i], "v1");
        if (strcmp(files[i], "charts/map.svg") == 0)
            *svg_fresh = f;
        else
            ck_assert_msg(f, "%s not fresh", files[i]);
    }
    guint n = gb_write_hashed(w);
    ck_assert_int_eq(gb_write_commit(w, &d), GB_OK);
    gb_write_free(w);
    return n;
}

START_TEST(test_stat_cache)
{
    char *dir = gb_test_tmpdir("gbwrite");
    GbDiag d = {0};
    ck_assert_int_eq(write_version(dir, 1, 0, &d), GB_OK);
    char *cache = slurp(dir, "manifest.stat");
    ck_assert_ptr_nonnull(cache);
    for (gsize i = 0; i < G_N_ELEMENTS(files); i++) {
        char *tail = g_strdup_printf(" %s\n", files[i]);
        ck_assert_msg(strstr(cache, tail) != NULL, "%s not recorded:\n%s", files[i], cache);
        g_free(tail);
    }
    g_free(cache);
    stat_damage(dir, stat_cases[_i].kind);
    gboolean fresh;
    guint n = stat_checks(dir, stat_cases[_i].flags, &fresh);
    ck_assert_msg(fresh == stat_cases[_i].fresh, "%s: map.svg fresh %d", stat_cases[_i].name,
                  fresh);
    ck_assert_msg(n == stat_cases[_i].hashed, "%s: %u files read", stat_cases[_i].name, n);
    n = stat_checks(dir, 0, &fresh);
    ck_assert_msg(fresh == stat_cases[_i].fresh, "%s: then map.svg fresh %d", stat_cases[_i].name,
                  fresh);
    ck_assert_msg(n == stat_cases[_i].hashed2, "%s: then %u files read", stat_cases[_i].name, n);
    /* A damaged file is repaired by a rerun, then trusted. */
    if (!stat_cases[_i].fresh) {
        ck_assert_int_eq(write_version(dir, 1, GB_WRITE_KEEP_SAME, &d), GB_OK);
        n = stat_checks(dir, 0, &fresh);
        ck_assert(fresh);
        ck_assert_uint_eq(n, 0);
    }
    g_free(dir);
}
END_TEST

/* A first run into a new folder that fails leaves no folder behind either. */
START_TEST(test_failed_first_run_leaves_nothing)
{
    char *dir = gb_test_tmpdir("gbwrite");
    char *out = g_build_filename(dir, "new", NULL);
    GbDiag d = {0};
    gb__write_fail_at("write", 4, ENOSPC);
    ck_assert_int_eq(write_version(out, 1, 0, &d), GB_CANTCREAT);
    gb__write_fail_at("write", 0, 0);
    gb_diag_clear(&d);
    char *t = tree(dir);
    ck_assert_str_eq(t, "");
    g_free(t);
    g_free(out);
    g_free(dir);
}
END_TEST

START_TEST(test_links_refused)
{
    char *dir = gb_test_tmpdir("gbwrite");
    char *out = g_build_filename(dir, "out", NULL);
    char *elsewhere = g_build_filename(dir, "elsewhere", NULL);
    ck_assert_int_eq(g_mkdir_with_parents(out, 0777), 0);
    ck_assert_int_eq(g_mkdir_with_parents(elsewhere, 0777), 0);
    char *charts = g_build_filename(out, "charts", NULL);
    ck_assert_int_eq(symlink(elsewhere, charts), 0);
    GbDiag d = {0};
    GbWriteSet *w;
    ck_assert_int_eq(gb_write_open(out, 0, &w, &d), GB_OK);
    ck_assert_int_eq(gb_write_add(w, "briefing.pdf", (guint8 *)"x", 1, "v1", 0, &d), GB_OK);
    ck_assert_int_eq(gb_write_add(w, "charts/map.svg", (guint8 *)"x", 1, "v1", 0, &d),
                     GB_CANTCREAT);
    ck_assert_ptr_nonnull(strstr(d.path, "out/charts"));
    ck_assert_ptr_nonnull(strstr(d.message, "symbolic link"));
    gb_diag_clear(&d);
    ck_assert_int_eq(gb_write_commit(w, &d), GB_CANTCREAT);
    gb_write_free(w);
    gb_diag_clear(&d);
    /* Nothing went through the link, and nothing else changed. */
    char *t = tree(elsewhere);
    ck_assert_str_eq(t, "");
    g_free(t);
    t = tree(out);
    char *want = g_strdup_printf("charts link %s", elsewhere);
    ck_assert_str_eq(t, want);
    g_free(want);
    g_free(t);
    /* The output folder itself a link: refused too. */
    char *link = g_build_filename(dir, "linked", NULL);
    ck_assert_int_eq(symlink(elsewhere, link), 0);
    ck_assert_int_eq(gb_write_open(link, 0, &w, &d), GB_CANTCREAT);
    ck_assert_ptr_nonnull(strstr(d.message, "symbolic link"));
    gb_diag_clear(&d);
    char *slashed = g_strconcat(link, "//", NULL);
    ck_assert_int_eq(gb_write_open(slashed, 0, &w, &d), GB_CANTCREAT);
    ck_assert_ptr_nonnull(strstr(d.message, "symbolic link"));
    gb_diag_clear(&d);
    g_free(slashed);
    ck_assert_int_eq(gb_write_open("", 0, &w, &d), GB_USAGE);
    gb_diag_clear(&d);
    g_free(link);
    g_free(charts);
    g_free(elsewhere);
    g_free(out);
    g_free(dir);
}
END_TEST

/* Places gb_write_file must refuse without replacing them. */
static const struct {
    const char *name;
    int kind;
} places[] = {
    {"/dev/null", 0}, {"/dev/full", 1}, {"a link to a file", 2},
    {"a pipe", 3},    {"a folder", 4},  {"/dev/stdout (a link)", 5},
};

START_TEST(test_single_file_refuses)
{
    char *dir = gb_test_tmpdir("gbwrite");
    char *target = g_build_filename(dir, "real.svg", NULL);
    ck_assert(g_file_set_contents(target, "mine", -1, NULL));
    char *path = NULL;
    switch (places[_i].kind) {
    case 0:
        path = g_strdup("/dev/null");
        break;
    case 1:
        path = g_strdup("/dev/full");
        break;
    case 2:
        path = g_build_filename(dir, "link.svg", NULL);
        ck_assert_int_eq(symlink(target, path), 0);
        break;
    case 3:
        path = g_build_filename(dir, "fifo.svg", NULL);
        ck_assert_int_eq(mkfifo(path, 0600), 0);
        break;
    case 4:
        path = g_build_filename(dir, "folder.svg", NULL);
        ck_assert_int_eq(g_mkdir(path, 0700), 0);
        break;
    default:
        path = g_strdup("/dev/stdout");
        break;
    }
    struct stat before, after;
    ck_assert_int_eq(lstat(path, &before), 0);
    GbDiag d = {0};
    ck_assert_int_eq(gb_write_file(path, (guint8 *)"chart", 5, &d), GB_CANTCREAT);
    ck_assert_msg(strstr(d.message, "symbolic link") || strstr(d.message, "not a regular file"),
                  "%s", d.message);
    ck_assert_int_eq(lstat(path, &after), 0);
    ck_assert_int_eq(before.st_ino, after.st_ino);
    ck_assert_int_eq(before.st_mode, after.st_mode);
    char *t = NULL;
    ck_assert(g_file_get_contents(target, &t, NULL, NULL));
    ck_assert_str_eq(t, "mine");
    /* A regular file is replaced, and no temporary is left. */
    gb_diag_clear(&d);
    ck_assert_int_eq(gb_write_file(target, (guint8 *)"chart", 5, &d), GB_OK);
    g_free(t);
    ck_assert(g_file_get_contents(target, &t, NULL, NULL));
    ck_assert_str_eq(t, "chart");
    char *listing = tree(dir);
    ck_assert_msg(strstr(listing, "real.svg.") == NULL, "%s", listing);
    g_free(listing);
    g_free(t);
    if (places[_i].kind >= 2 && places[_i].kind <= 4)
        gb_test_rmtree(path);
    g_free(path);
    g_free(target);
    g_free(dir);
}
END_TEST

START_TEST(test_device_in_folder_refused)
{
    char *dir = gb_test_tmpdir("gbwrite");
    char *fifo = g_build_filename(dir, "briefing.pdf", NULL);
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    GbDiag d = {0};
    GbWriteSet *w;
    ck_assert_int_eq(gb_write_open(dir, 0, &w, &d), GB_OK);
    ck_assert_int_eq(gb_write_add(w, "briefing.pdf", (guint8 *)"x", 1, "v1", 0, &d), GB_CANTCREAT);
    ck_assert_ptr_nonnull(strstr(d.message, "is a pipe, not a regular file"));
    gb_write_free(w);
    struct stat st;
    ck_assert_int_eq(lstat(fifo, &st), 0);
    ck_assert(S_ISFIFO(st.st_mode));
    gb_diag_clear(&d);
    g_free(fifo);
    g_free(dir);
}
END_TEST

START_TEST(test_stale_temporaries)
{
    char *dir = gb_test_tmpdir("gbwrite");
    put(dir, "leeds.pdf.Ab3x9Z", "half a pack");
    put(dir, "charts/map.svg.ZZZZZZ", "half a chart");
    put(dir, "tables/movers.csv.q1w2e3", "half a table");
    put(dir, "manifest.ini.000000", "half a manifest");
    put(dir, "notes.txt.abcdef", "not ours");
    put(dir, "leeds.pdf.old", "not ours either");
    put(dir, "kent.pdf", "a pack");
    GbDiag d = {0};
    GbWriteSet *w;
    ck_assert_int_eq(gb_write_open(dir, 0, &w, &d), GB_OK);
    gb_write_free(w);
    char *t = tree(dir);
    ck_assert_msg(strstr(t, "Ab3x9Z") == NULL && strstr(t, "ZZZZZZ") == NULL &&
                      strstr(t, "q1w2e3") == NULL && strstr(t, "000000") == NULL,
                  "%s", t);
    ck_assert_msg(strstr(t, "notes.txt.abcdef") && strstr(t, "leeds.pdf.old") &&
                      strstr(t, "kent.pdf file"),
                  "%s", t);
    g_free(t);
    g_free(dir);
}
END_TEST

START_TEST(test_build_tables_unwritable)
{
    char *dir = gb_test_tmpdir("gbwrite");
    const char *argv[] = {GB_BINARY, "build", "-q", "-o", "out", NULL};
    char *out, *err;
    ck_assert_int_eq(gb_test_run(dir, argv, &out, &err), 0);
    g_free(out);
    g_free(err);
    char *tables = g_build_filename(dir, "out", "tables", NULL);
    gb_test_rmtree(tables);
    ck_assert(g_file_set_contents(tables, "not a folder", -1, NULL));
    char *o = g_build_filename(dir, "out", NULL);
    char *before = tree(o);
    char *row = g_build_filename(dir, "row.csv", NULL);
    ck_assert(g_file_set_contents(row,
                                  "authority,year,regime,judgement,grade\n"
                                  "Leeds,2006,apa,staying_safe,Good\n",
                                  -1, NULL));
    const char *again[] = {GB_BINARY, "build", "-q", "-o", "out", "row.csv", NULL};
    ck_assert_int_eq(gb_test_run(dir, again, &out, &err), 73);
    ck_assert_msg(strstr(err, "out/tables: cannot create the folder: Not a directory") != NULL,
                  "%s", err);
    char *after = tree(o);
    ck_assert_msg(strcmp(before, after) == 0, "changed:\n%s\n---\n%s", before, after);
    g_free(out);
    g_free(err);
    g_free(after);
    g_free(before);
    g_free(row);
    g_free(o);
    g_free(tables);
    g_free(dir);
}
END_TEST

START_TEST(test_build_charts_link)
{
    char *dir = gb_test_tmpdir("gbwrite");
    char *away = g_build_filename(dir, "away", NULL);
    char *charts = g_build_filename(dir, "out", "charts", NULL);
    ck_assert_int_eq(g_mkdir_with_parents(away, 0777), 0);
    ck_assert_int_eq(g_mkdir_with_parents(charts, 0777), 0);
    ck_assert_int_eq(g_rmdir(charts), 0);
    ck_assert_int_eq(symlink(away, charts), 0);
    const char *argv[] = {GB_BINARY, "build", "-q", "-o", "out", NULL};
    char *out, *err;
    ck_assert_int_eq(gb_test_run(dir, argv, &out, &err), 73);
    ck_assert_msg(strstr(err, "gradebrief: out/charts: is a symbolic link") != NULL, "%s", err);
    char *o = g_build_filename(dir, "out", NULL);
    char *t = tree(o);
    char *want = g_strdup_printf("charts link %s", away);
    ck_assert_str_eq(t, want);
    g_free(t);
    t = tree(away);
    ck_assert_str_eq(t, "");
    g_free(t);
    g_free(want);
    g_free(o);
    g_free(out);
    g_free(err);
    g_free(charts);
    g_free(away);
    g_free(dir);
}
END_TEST

/* chart -o: devices and links refused (the node left alone), - is standard output. */
static const struct {
    const char *target;
    int status;
    const char *err;
} chart_targets[] = {
    {"/dev/null", 73, "/dev/null: is a device, not a regular file"},
    {"/dev/full", 73, "/dev/full: is a device, not a regular file"},
    {"/dev/stdout", 73, "/dev/stdout: is a symbolic link"},
    {"", 64, "-o: the output file name is empty"},
    {"-", 0, NULL},
};

START_TEST(test_chart_targets)
{
    struct stat before, after;
    gboolean node = chart_targets[_i].target[0] == '/';
    if (node)
        ck_assert_int_eq(lstat(chart_targets[_i].target, &before), 0);
    const char *argv[] = {GB_BINARY, "chart", "counts", "-o", chart_targets[_i].target, NULL};
    char *out, *err;
    int rc = gb_test_run(NULL, argv, &out, &err);
    ck_assert_msg(rc == chart_targets[_i].status, "%s: exit %d: %s", chart_targets[_i].target, rc,
                  err);
    if (chart_targets[_i].err != NULL)
        ck_assert_msg(strstr(err, chart_targets[_i].err) != NULL, "%s", err);
    else
        ck_assert_msg(strncmp(out, "%PDF-", 5) == 0, "standard output is not the PDF");
    if (node) {
        ck_assert_int_eq(lstat(chart_targets[_i].target, &after), 0);
        ck_assert_int_eq(before.st_ino, after.st_ino);
        ck_assert_int_eq(before.st_mode, after.st_mode);
        ck_assert_int_eq(before.st_rdev, after.st_rdev);
    }
    g_free(out);
    g_free(err);
}
END_TEST

/* A file hashed in two parts (gb_write_add_hashed: the first bytes before
 * the add, the rest in it) is recorded with the SHA-256 of all its bytes, as
 * GLib computes it, whatever the split (inside, at and across 64-byte blocks,
 * none, all); and the bytes written are the file's. */
static const gsize hash_splits[] = {0, 1, 63, 64, 65, 1000, 4095, 4096};

/* len bytes that are not a repeat of any short run (g_free): byte i is
 * i * mul + (i >> shift), truncated. */
static guint8 *
test_bytes(gsize len, guint mul, guint shift)
{
    guint8 *data = g_malloc(len);
    for (gsize i = 0; i < len; i++)
        data[i] = (guint8)(i * mul + (i >> shift));
    return data;
}

/* name in dir holds data (len bytes) and the manifest records it under the
 * SHA-256 of those bytes, as GLib computes it. */
static void
assert_committed(const char *dir, const char *name, const guint8 *data, gsize len)
{
    char *text = slurp(dir, "manifest.ini");
    GbManifest *m = gb_manifest_parse(text, strlen(text), NULL);
    GbManifestEntry e;
    ck_assert(gb_manifest_get(m, name, &e));
    char *want = g_compute_checksum_for_data(G_CHECKSUM_SHA256, data, len);
    ck_assert_str_eq(e.output, want);
    char *path = g_build_filename(dir, name, NULL), *got = NULL;
    gsize got_len = 0;
    ck_assert(g_file_get_contents(path, &got, &got_len, NULL));
    ck_assert(got_len == len && memcmp(got, data, len) == 0);
    g_free(got);
    g_free(path);
    g_free(want);
    gb_manifest_free(m);
    g_free(text);
}

START_TEST(test_add_hashed)
{
    char *dir = gb_test_tmpdir("gbwrite");
    gsize len = 4096;
    guint8 *data = test_bytes(len, 131, 7);
    GbDiag d = {0};
    GbWriteSet *w = NULL;
    ck_assert_int_eq(gb_write_open(dir, GB_WRITE_FORCE, &w, &d), GB_OK);
    GbWriteHash *h = gb_write_hash_new();
    gb_write_hash_update(h, data, hash_splits[_i]);
    ck_assert_uint_eq(gb_write_hash_len(h), hash_splits[_i]);
    ck_assert_int_eq(gb_write_add_hashed(w, "file.bin", data, len, h, "in", 0, &d), GB_OK);
    gb_write_hash_free(h);
    ck_assert_int_eq(gb_write_commit(w, &d), GB_OK);
    gb_write_free(w);
    assert_committed(dir, "file.bin", data, len);
    g_free(data);
    g_free(dir);
}
END_TEST

/* The temporaries in dir (NAME.XXXXXX) beside name, and the size of the last. */
static int
temporaries_of(const char *dir, const char *name, goffset *size)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *n;
    int count = 0;
    gsize len = strlen(name);
    while (d != NULL && (n = g_dir_read_name(d)) != NULL) {
        if (strncmp(n, name, len) != 0 || n[len] != '.' || strlen(n) != len + 7)
            continue;
        char *p = g_build_filename(dir, n, NULL);
        struct stat st;
        ck_assert_int_eq(stat(p, &st), 0);
        *size = st.st_size;
        g_free(p);
        count++;
    }
    if (d != NULL)
        g_dir_close(d);
    return count;
}

/* A file begun before it is added (gb_write_hash_update_file: the PDF's
 * cairo part written while the finishing pass runs): its first bytes are in
 * a temporary at once, the add appends the rest, and the file committed is
 * all its bytes under their SHA-256, whatever the split; a begun file that
 * is never added leaves no temporary once its hash is freed. */
START_TEST(test_add_begun)
{
    char *dir = gb_test_tmpdir("gbwrite");
    gsize len = 4096;
    guint8 *data = test_bytes(len, 37, 5);
    GbDiag d = {0};
    GbWriteSet *w = NULL;
    ck_assert_int_eq(gb_write_open(dir, GB_WRITE_FORCE, &w, &d), GB_OK);
    gsize split = hash_splits[_i];
    GbWriteHash *h = gb_write_hash_new(), *unused = gb_write_hash_new();
    gb_write_hash_update_file(h, w, "file.bin", data, split);
    gb_write_hash_update_file(unused, w, "other.bin", data, 100);
    goffset size = -1;
    ck_assert_int_eq(temporaries_of(dir, "file.bin", &size), 1);
    ck_assert_int_eq(size, (goffset)split);
    ck_assert_int_eq(temporaries_of(dir, "other.bin", &size), 1);
    ck_assert_int_eq(gb_write_add_hashed(w, "file.bin", data, len, h, "in", 0, &d), GB_OK);
    ck_assert_int_eq(temporaries_of(dir, "file.bin", &size), 1);
    ck_assert_int_eq(size, (goffset)len);
    gb_write_hash_free(h);
    gb_write_hash_free(unused);
    ck_assert_int_eq(temporaries_of(dir, "other.bin", &size), 0);
    ck_assert_int_eq(gb_write_commit(w, &d), GB_OK);
    gb_write_free(w);
    assert_committed(dir, "file.bin", data, len);
    char *t = tree(dir);
    ck_assert_msg(strstr(t, "other.bin") == NULL && strstr(t, "file.bin.") == NULL, "%s", t);
    g_free(t);
    g_free(data);
    g_free(dir);
}
END_TEST

/* A file written to its temporary as it is made and mapped back before it is
 * done (gb_write_hash_open_file: the PDF, cairo's bytes streamed while it
 * draws, the finishing pass's update after them): appends of every size,
 * buffered or past the buffer, reach the temporary in order; the map holds
 * every byte appended so far; hashed from the maps and added with the whole
 * file's, the file committed is those bytes under their SHA-256. A write
 * that fails (disk full) fails the append, the map and the set, which then
 * commits nothing and leaves the file in place as it was. */
START_TEST(test_hash_streamed)
{
    char *dir = gb_test_tmpdir("gbwrite");
    gsize len = 300000;
    guint8 *data = test_bytes(len, 41, 9);
    static const gsize pieces[] = {1, 7, 65535, 65536, 100000, 3};
    GbDiag d = {0};
    GbWriteSet *w = NULL;
    ck_assert_int_eq(gb_write_open(dir, GB_WRITE_FORCE, &w, &d), GB_OK);
    GbWriteHash *h = gb_write_hash_new();
    ck_assert(gb_write_hash_open_file(h, w, "file.pdf"));
    ck_assert(!gb_write_hash_open_file(h, w, "file.pdf")); /* one temporary an h */
    gsize at = 0;
    for (guint i = 0; at < len; i = (i + 1) % G_N_ELEMENTS(pieces)) {
        gsize n = MIN(pieces[i], len - at);
        ck_assert(gb_write_hash_append(h, data + at, n));
        at += n;
        if (at > 200000 && at - n <= 200000) { /* "cairo's part" mapped back */
            GBytes *part = gb_write_hash_map(h);
            ck_assert_ptr_nonnull(part);
            ck_assert_uint_eq(g_bytes_get_size(part), at);
            ck_assert(memcmp(g_bytes_get_data(part, NULL), data, at) == 0);
            gb_write_hash_update(h, g_bytes_get_data(part, NULL), at);
            g_bytes_unref(part);
        }
    }
    GBytes *whole = gb_write_hash_map(h);
    ck_assert_ptr_nonnull(whole);
    ck_assert_uint_eq(g_bytes_get_size(whole), len);
    ck_assert_int_eq(gb_write_hash_status(h, w, &d), GB_OK);
    ck_assert_int_eq(
        gb_write_add_hashed(w, "file.pdf", g_bytes_get_data(whole, NULL), len, h, "in", 3, &d),
        GB_OK);
    g_bytes_unref(whole);
    gb_write_hash_free(h);
    goffset size = -1;
    ck_assert_int_eq(temporaries_of(dir, "file.pdf", &size), 1);
    ck_assert_int_eq(gb_write_commit(w, &d), GB_OK);
    gb_write_free(w);
    assert_committed(dir, "file.pdf", data, len);

    /* The disk fills while the file is being made. */
    ck_assert_int_eq(gb_write_open(dir, GB_WRITE_FORCE, &w, &d), GB_OK);
    h = gb_write_hash_new();
    ck_assert(gb_write_hash_open_file(h, w, "file.pdf"));
    gb__write_fail_at("write", 2, ENOSPC);
    gboolean ok = TRUE;
    for (at = 0; at < len && ok; at += 1000)
        ok = gb_write_hash_append(h, data + at, MIN(1000, len - at));
    gb__write_fail_at("write", 0, 0);
    ck_assert(!ok);
    ck_assert_int_eq(errno, ENOSPC);
    ck_assert_ptr_null(gb_write_hash_map(h));
    ck_assert_int_eq(gb_write_hash_status(h, w, &d), GB_CANTCREAT);
    ck_assert_ptr_nonnull(strstr(d.message, "cannot write"));
    ck_assert_ptr_nonnull(strstr(d.path, "file.pdf"));
    gb_diag_clear(&d);
    gb_write_hash_free(h);
    ck_assert_int_ne(gb_write_commit(w, &d), GB_OK);
    gb_diag_clear(&d);
    gb_write_free(w);
    ck_assert_int_eq(temporaries_of(dir, "file.pdf", &size), 0);
    assert_committed(dir, "file.pdf", data, len);
    g_free(data);
    g_free(dir);
}
END_TEST

/* A file added is read back from the set as it was added (the HTML page's
 * and the Word file's pictures: the chart files, not held): from its
 * temporary before the commit, or, when an add found the file in place
 * holding the same bytes (GB_WRITE_KEEP_SAME), from the file; a file not
 * added is not there to read. */
START_TEST(test_added_bytes)
{
    char *dir = gb_test_tmpdir("gbwrite");
    gsize len = 70000;
    guint8 *data = test_bytes(len, 53, 11);
    for (int run = 0; run < 2; run++) {
        GbDiag d = {0};
        GbWriteSet *w = NULL;
        ck_assert_int_eq(gb_write_open(dir, GB_WRITE_KEEP_SAME, &w, &d), GB_OK);
        ck_assert_int_eq(gb_write_add(w, "charts/a.svg", data, len, "in", 0, &d), GB_OK);
        /* the first run's bytes are in a temporary; the second's add kept the file */
        goffset size = -1;
        char *charts = g_build_filename(dir, "charts", NULL);
        ck_assert_int_eq(temporaries_of(charts, "a.svg", &size), run == 0 ? 1 : 0);
        g_free(charts);
        GBytes *b = gb_write_added_bytes(w, "charts/a.svg");
        ck_assert_ptr_nonnull(b);
        ck_assert_uint_eq(g_bytes_get_size(b), len);
        ck_assert(memcmp(g_bytes_get_data(b, NULL), data, len) == 0);
        g_bytes_unref(b);
        errno = 0;
        ck_assert_ptr_null(gb_write_added_bytes(w, "charts/b.svg"));
        ck_assert_int_eq(errno, ENOENT);
        ck_assert_int_eq(gb_write_commit(w, &d), GB_OK);
        /* the second run kept the file: nothing was rewritten */
        ck_assert_uint_eq(gb_write_written(w), run == 0 ? 1 : 0);
        gb_write_free(w);
        assert_committed(dir, "charts/a.svg", data, len);
    }
    g_free(data);
    g_free(dir);
}
END_TEST

/* A file written as it is made by a writer that goes back over its bytes
 * (the Word file's zip, gb_write_stream_*): its bytes go to a temporary at
 * once; what is committed is the bytes as they stand after the last write,
 * under their SHA-256. With GB_WRITE_KEEP_SAME a second run of the same bytes
 * keeps the file (unchanged, no temporary left), and a stream abandoned
 * leaves nothing behind; a file both streamed and added is refused. */
START_TEST(test_stream)
{
    char *dir = gb_test_tmpdir("gbwrite");
    gsize len = 10000;
    guint8 *data = test_bytes(len, 29, 6);
    for (int run = 0; run < 2; run++) {
        GbDiag d = {0};
        GbWriteSet *w = NULL;
        ck_assert_int_eq(gb_write_open(dir, GB_WRITE_KEEP_SAME, &w, &d), GB_OK);
        GbWriteStream *s = NULL, *dropped = NULL;
        ck_assert_int_eq(gb_write_stream_open(w, "file.zip", &s, &d), GB_OK);
        ck_assert_int_eq(gb_write_stream_open(w, "dropped.zip", &dropped, &d), GB_OK);
        ck_assert(gb_write_stream_write(dropped, data, 100));
        /* Its header written last, over the zeros first put in its place. */
        guint8 zeros[64] = {0};
        ck_assert(gb_write_stream_write(s, zeros, sizeof zeros));
        ck_assert(gb_write_stream_write(s, data + sizeof zeros, len - sizeof zeros));
        ck_assert(gb_write_stream_seek(s, 0));
        ck_assert(gb_write_stream_write(s, data, sizeof zeros));
        goffset size = -1;
        ck_assert_int_eq(temporaries_of(dir, "file.zip", &size), 1);
        ck_assert_int_eq(size, (goffset)len);
        gb_write_stream_free(dropped);
        ck_assert_int_eq(temporaries_of(dir, "dropped.zip", &size), 0);
        ck_assert_int_eq(gb_write_add_stream(s, "in", 0, &d), GB_OK);
        ck_assert_int_eq(temporaries_of(dir, "file.zip", &size), run == 0 ? 1 : 0);
        ck_assert_int_eq(gb_write_add(w, "file.zip", data, len, "in", 0, &d), GB_SOFTWARE);
        ck_assert_ptr_nonnull(strstr(d.message, "written twice"));
        gb_diag_clear(&d);
        gb_write_free(w);
        /* The refused add failed that set: the same again, committed. */
        ck_assert_int_eq(gb_write_open(dir, GB_WRITE_KEEP_SAME, &w, &d), GB_OK);
        ck_assert_int_eq(gb_write_stream_open(w, "file.zip", &s, &d), GB_OK);
        ck_assert(gb_write_stream_write(s, data, len));
        ck_assert_int_eq(gb_write_add_stream(s, "in", 0, &d), GB_OK);
        ck_assert_int_eq(gb_write_commit(w, &d), GB_OK);
        ck_assert_uint_eq(gb_write_written(w), run == 0 ? 1 : 0);
        ck_assert_uint_eq(gb_write_unchanged(w), run == 0 ? 0 : 1);
        gb_write_free(w);
        assert_committed(dir, "file.zip", data, len);
        ck_assert_int_eq(temporaries_of(dir, "file.zip", &size), 0);
    }
    /* A write that fails: the stream writes nothing more, and its add fails
     * the set as a failed gb_write_add does, leaving no temporary. */
    GbDiag d = {0};
    GbWriteSet *w = NULL;
    ck_assert_int_eq(gb_write_open(dir, GB_WRITE_FORCE, &w, &d), GB_OK);
    GbWriteStream *s = NULL;
    ck_assert_int_eq(gb_write_stream_open(w, "file.zip", &s, &d), GB_OK);
    gb__write_fail_at("write", 1, ENOSPC);
    ck_assert(!gb_write_stream_write(s, data, len));
    gb__write_fail_at("write", 0, 0);
    ck_assert(gb_write_stream_failed(s));
    ck_assert(!gb_write_stream_write(s, data, len));
    ck_assert_int_eq(gb_write_add_stream(s, "in", 0, &d), GB_CANTCREAT);
    ck_assert_ptr_nonnull(strstr(d.message, "No space left on device"));
    goffset size = -1;
    ck_assert_int_eq(temporaries_of(dir, "file.zip", &size), 0);
    gb_diag_clear(&d);
    ck_assert_int_eq(gb_write_commit(w, &d), GB_CANTCREAT);
    gb_diag_clear(&d);
    gb_write_free(w);
    assert_committed(dir, "file.zip", data, len);
    char *t = tree(dir);
    ck_assert_msg(strstr(t, "dropped") == NULL, "%s", t);
    g_free(t);
    g_free(data);
    g_free(dir);
}
END_TEST

/* gb_write_flush part-way through a set (as build's files chain does while
 * the PDF is still being made): the files it flushed are not flushed again
 * at commit (an fsync failure injected at the commit's fourth - there are
 * three: two files and the manifest - never fires), and the folder is the
 * new version; a flush that fails fails the set: the adds after it and the
 * commit refuse with its message, and nothing in the folder changes. */
START_TEST(test_early_flush)
{
    gboolean fail = _i == 1;
    char *dir = gb_test_tmpdir("gbwrite");
    GbDiag d = {0};
    ck_assert_int_eq(write_version(dir, 1, 0, &d), GB_OK);
    char *before = tree(dir);
    GbWriteSet *w;
    ck_assert_int_eq(gb_write_open(dir, GB_WRITE_FORCE, &w, &d), GB_OK);
    GbStatus st = GB_OK;
    for (gsize i = 0; i < G_N_ELEMENTS(files); i++) {
        char *body = g_strdup_printf("%s version 2 even\n", files[i]);
        GbStatus added = gb_write_add(w, files[i], (guint8 *)body, strlen(body), "v2", 0, &d);
        g_free(body);
        if (st != GB_OK) { /* after the failed flush: refused, reported once */
            ck_assert_int_eq(added, GB_CANTCREAT);
            ck_assert_ptr_null(d.message);
            continue;
        }
        ck_assert_int_eq(added, GB_OK);
        if (i == 2) {
            gb__write_fail_at("fsync", fail ? 2 : 0, ENOSPC);
            st = gb_write_flush(w, &d);
            gb__write_fail_at("fsync", 0, 0);
            ck_assert_int_eq(st, fail ? GB_CANTCREAT : GB_OK);
            if (fail) {
                ck_assert_ptr_nonnull(strstr(d.message, "No space left on device"));
                gb_diag_clear(&d);
            }
        }
    }
    if (!fail)
        gb__write_fail_at("fsync", 4, ENOSPC);
    GbStatus committed = gb_write_commit(w, &d);
    gb__write_fail_at("fsync", 0, 0);
    gb_write_free(w);
    char *after = tree(dir);
    if (fail) {
        ck_assert_int_eq(committed, GB_CANTCREAT);
        ck_assert_ptr_nonnull(strstr(d.message, "No space left on device"));
        ck_assert_str_eq(before, after);
    } else {
        ck_assert_msg(committed == GB_OK, "%s", d.message);
        for (gsize i = 0; i < G_N_ELEMENTS(files); i++) {
            char *text = slurp(dir, files[i]);
            ck_assert_ptr_nonnull(strstr(text, "version 2"));
            g_free(text);
        }
    }
    gb_diag_clear(&d);
    g_free(before);
    g_free(after);
    g_free(dir);
}
END_TEST

/* A crash in the middle of the renames (SIGKILL at the n-th rename, through
 * an LD_PRELOAD shim): every file is the old or the new one, complete; the
 * manifest is the old one, so no new file passes for up to date; the next run
 * with the new data makes the folder exactly the new build, and with the old
 * data exactly the old one. */
/* The fds of this process open on files that were unlinked (replaced), and
 * of all files. */
static guint
deleted_fds(guint *all)
{
    guint n = 0;
    *all = 0;
    GDir *d = g_dir_open("/proc/self/fd", 0, NULL);
    ck_assert_ptr_nonnull(d);
    for (const char *name; (name = g_dir_read_name(d)) != NULL;) {
        char *path = g_build_filename("/proc/self/fd", name, NULL);
        char *target = g_file_read_link(path, NULL);
        (*all)++;
        n += target != NULL && g_str_has_suffix(target, " (deleted)");
        g_free(target);
        g_free(path);
    }
    g_dir_close(d);
    return n;
}

/* The files a commit renames over stay referenced after it (so the rename
 * does not wait for the file system to free their blocks), each released by
 * the time the set is freed: no fd left open, the new bytes in place, and a
 * commit that replaced nothing (a first run) holds nothing. */
START_TEST(test_replaced_released)
{
    char *dir = gb_test_tmpdir("gbwrite");
    GbDiag d = {0};
    guint all0, all;
    guint deleted0 = deleted_fds(&all0); /* Check's own unlinked message file */
    ck_assert_int_eq(write_version(dir, 1, 0, &d), GB_OK);
    ck_assert_uint_eq(deleted_fds(&all), deleted0);
    ck_assert_uint_eq(all, all0);
    GbWriteSet *w;
    ck_assert_int_eq(gb_write_open(dir, GB_WRITE_FORCE, &w, &d), GB_OK);
    for (gsize i = 0; i < G_N_ELEMENTS(files); i++) {
        char *body = g_strdup_printf("%s version 2 even\n", files[i]);
        ck_assert_int_eq(gb_write_add(w, files[i], (guint8 *)body, strlen(body), "v2", 0, &d),
                         GB_OK);
        g_free(body);
    }
    ck_assert_int_eq(gb_write_commit(w, &d), GB_OK);
    char *text = slurp(dir, "charts/map.svg");
    ck_assert_str_eq(text, "charts/map.svg version 2 even\n");
    g_free(text);
    /* Until the set is freed, each replaced file is either still held or
     * already released by a releasing thread; never more than were replaced. */
    ck_assert_uint_le(deleted_fds(&all), deleted0 + G_N_ELEMENTS(files) + 1);
    gb_write_free(w);
    ck_assert_uint_eq(deleted_fds(&all), deleted0);
    ck_assert_uint_eq(all, all0);
    g_free(dir);
}
END_TEST

static Suite *
write_suite(void)
{
    Suite *s = suite_create("write");
    TCase *tc = tcase_create("write");
    tcase_set_timeout(tc, 300); /* whole packs runs, several times, under ASan too */
    tcase_add_loop_test(tc, test_all_or_nothing, 0, G_N_ELEMENTS(faults));
    tcase_add_test(tc, test_rename_fails_midway);
    tcase_add_loop_test(tc, test_damaged_outputs_are_stale, 0, G_N_ELEMENTS(damage));
    tcase_add_loop_test(tc, test_stat_cache, 0, G_N_ELEMENTS(stat_cases));
    tcase_add_test(tc, test_failed_first_run_leaves_nothing);
    tcase_add_test(tc, test_links_refused);
    tcase_add_loop_test(tc, test_single_file_refuses, 0, G_N_ELEMENTS(places));
    tcase_add_test(tc, test_device_in_folder_refused);
    tcase_add_test(tc, test_stale_temporaries);
    tcase_add_test(tc, test_build_tables_unwritable);
    tcase_add_test(tc, test_build_charts_link);
    tcase_add_loop_test(tc, test_chart_targets, 0, G_N_ELEMENTS(chart_targets));
    tcase_add_loop_test(tc, test_add_hashed, 0, G_N_ELEMENTS(hash_splits));
    tcase_add_loop_test(tc, test_early_flush, 0, 2);
    tcase_add_loop_test(tc, test_add_begun, 0, G_N_ELEMENTS(hash_splits));
    tcase_add_test(tc, test_stream);
    tcase_add_test(tc, test_hash_streamed);
    tcase_add_test(tc, test_added_bytes);
    tcase_add_test(tc, test_replaced_released);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return gb_test_main(write_suite());
}
