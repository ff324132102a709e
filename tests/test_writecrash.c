/* test_writecrash.c - one run per folder (a lock in process, two processes),
 * and runs killed mid-write (SIGKILL, a crash at the 1st, 7th and last rename
 * through the killrename shim) leaving nothing once the next build or packs
 * run is done. */
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

START_TEST(test_lock_in_process)
{
    char *dir = gb_test_tmpdir("gbwrite");
    GbDiag d = {0};
    GbWriteSet *a, *b;
    ck_assert_int_eq(gb_write_open(dir, 0, &a, &d), GB_OK);
    ck_assert_int_eq(gb_write_open(dir, 0, &b, &d), GB_TEMPFAIL);
    char *pid =
        g_strdup_printf("another gradebrief run (pid %ld) is writing this folder", (long)getpid());
    ck_assert_msg(strstr(d.message, pid) != NULL, "%s", d.message);
    gb_diag_clear(&d);
    gb_write_free(a);
    ck_assert_int_eq(gb_write_open(dir, 0, &b, &d), GB_OK);
    gb_write_free(b);
    /* The lock file goes with the run. */
    char *t = tree(dir);
    ck_assert_str_eq(t, "");
    g_free(t);
    g_free(pid);
    g_free(dir);
}
END_TEST

/* Waits (up to 20 s) for path to exist. */
static gboolean
wait_for(const char *path)
{
    for (int i = 0; i < 2000; i++) {
        if (g_file_test(path, G_FILE_TEST_EXISTS))
            return TRUE;
        g_usleep(10 * 1000);
    }
    return FALSE;
}

START_TEST(test_two_processes)
{
    char *dir = gb_test_tmpdir("gbwrite");
    const char *first[] = {GB_BINARY, "packs", "-q", "-j", "1", "-o", "p", NULL};
    GPid pid;
    ck_assert(g_spawn_async(dir, (char **)first, NULL,
                            G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL |
                                G_SPAWN_STDERR_TO_DEV_NULL,
                            NULL, NULL, &pid, NULL));
    char *lock = g_build_filename(dir, "p", GB_WRITE_LOCK_NAME, NULL);
    ck_assert(wait_for(lock));
    g_usleep(100 * 1000); /* its pid is written just after the lock is taken */
    /* The second run, with other inputs, on the same folder. */
    char *row = g_build_filename(dir, "row.csv", NULL);
    ck_assert(g_file_set_contents(row,
                                  "authority,year,regime,judgement,grade\n"
                                  "Leeds,2006,apa,staying_safe,Good\n",
                                  -1, NULL));
    const char *second[] = {GB_BINARY, "packs", "-q", "row.csv", "-o", "p", NULL};
    char *out, *err;
    ck_assert_int_eq(gb_test_run(dir, second, &out, &err), 75);
    char *said =
        g_strdup_printf("another gradebrief run (pid %d) is writing this folder", (int)pid);
    ck_assert_msg(strstr(err, said) != NULL, "stderr: %s", err);
    g_free(out);
    g_free(err);
    int wait;
    ck_assert_int_eq(waitpid(pid, &wait, 0), pid);
    ck_assert(WIFEXITED(wait) && WEXITSTATUS(wait) == 0);
    /* What is there is the first run's, all of it, and says so. */
    const char *again[] = {GB_BINARY, "packs", "-o", "p", NULL};
    ck_assert_int_eq(gb_test_run(dir, again, &out, &err), 0);
    ck_assert_msg(strstr(out, "0 written, 153 up to date") != NULL, "%s", out);
    ck_assert(!g_file_test(lock, G_FILE_TEST_EXISTS));
    g_free(out);
    g_free(err);
    g_free(said);
    g_free(row);
    g_free(lock);
    g_free(dir);
}
END_TEST

/* Temporaries in p and p's folders (NAME.EXT.XXXXXX). */
static int
temporaries(const char *dir)
{
    char *t = tree(dir);
    int n = 0;
    char **lines = g_strsplit(t, "\n", -1);
    for (char **l = lines; *l; l++) {
        char *sp = strchr(*l, ' ');
        if (sp != NULL && sp - *l > 7 && (*l)[sp - *l - 7] == '.' && strstr(*l, ".pdf.") != NULL)
            n++;
    }
    g_strfreev(lines);
    g_free(t);
    return n;
}

START_TEST(test_sigkill_mid_write)
{
    char *dir = gb_test_tmpdir("gbwrite");
    const char *argv[] = {GB_BINARY, "packs", "-q", "-o", "p", NULL};
    char *p = g_build_filename(dir, "p", NULL);
    /* Killed while its temporaries exist (each pack's is written as it is made). */
    int left = 0;
    for (int attempt = 0; attempt < 5 && left == 0; attempt++) {
        GPid pid;
        ck_assert(g_spawn_async(dir, (char **)argv, NULL,
                                G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL |
                                    G_SPAWN_STDERR_TO_DEV_NULL,
                                NULL, NULL, &pid, NULL));
        for (int i = 0;
             i < 2000 && (left = g_file_test(p, G_FILE_TEST_IS_DIR) ? temporaries(p) : 0) < 3; i++)
            g_usleep(5 * 1000);
        kill(pid, SIGKILL);
        int wait;
        ck_assert_int_eq(waitpid(pid, &wait, 0), pid);
        left = temporaries(p);
    }
    ck_assert_msg(left > 0, "no run was caught with temporaries");
    /* Nothing but temporaries (and the lock file) was there: no pack, no manifest. */
    char *t = tree(p);
    ck_assert_msg(strstr(t, "pdf file") == NULL && strstr(t, "manifest.ini file") == NULL, "%s", t);
    g_free(t);
    const char *again[] = {GB_BINARY, "packs", "-q", "-o", "p", NULL};
    char *out, *err;
    ck_assert_int_eq(gb_test_run(dir, again, &out, &err), 0);
    ck_assert_int_eq(temporaries(p), 0);
    t = tree(p);
    ck_assert_msg(strstr(t, GB_WRITE_LOCK_NAME) == NULL, "%s", t);
    ck_assert_ptr_nonnull(strstr(t, "manifest.ini file"));
    ck_assert_ptr_nonnull(strstr(t, "leeds.pdf file"));
    g_free(t);
    g_free(out);
    g_free(err);
    g_free(p);
    g_free(dir);
}
END_TEST

/* Every file of a build, restored byte for byte by the rerun when damaged. */
START_TEST(test_build_repairs)
{
    char *dir = gb_test_tmpdir("gbwrite");
    const char *argv[] = {GB_BINARY, "build", "-q", "-o", "out", NULL};
    char *out, *err;
    ck_assert_int_eq(gb_test_run(dir, argv, &out, &err), 0);
    g_free(out);
    g_free(err);
    char *o = g_build_filename(dir, "out", NULL);
    char *before = tree(o);
    char *pdf = g_build_filename(o, "briefing.pdf", NULL);
    char *svg = g_build_filename(o, "charts", "map.svg", NULL);
    char *png = g_build_filename(o, "charts", "map.png", NULL);
    char *csv = g_build_filename(o, "tables", "findings.csv", NULL);
    char *outside = g_build_filename(dir, "findings-copy.csv", NULL);
    char *text;
    gsize len;
    ck_assert(g_file_get_contents(csv, &text, &len, NULL));
    ck_assert(g_file_set_contents(outside, text, (gssize)len, NULL));
    ck_assert_int_eq(truncate(pdf, 1000), 0); /* cut short */
    g_free(text);
    ck_assert(g_file_get_contents(svg, &text, &len, NULL));
    text[len / 2] ^= 1; /* edited, same size */
    ck_assert(g_file_set_contents(svg, text, (gssize)len, NULL));
    g_free(text);
    ck_assert_int_eq(unlink(png), 0); /* missing */
    ck_assert_int_eq(unlink(csv), 0); /* a link in its place */
    ck_assert_int_eq(symlink(outside, csv), 0);
    const char *again[] = {GB_BINARY, "build", "-o", "out", NULL};
    ck_assert_int_eq(gb_test_run(dir, again, &out, &err), 0);
    ck_assert_msg(strstr(out, ": 4 written, ") != NULL, "%s", out);
    char *after = tree(o);
    ck_assert_msg(strcmp(before, after) == 0, "not restored:\n%s\n---\n%s", before, after);
    g_free(out);
    g_free(err);
    /* Then nothing is left to do. */
    ck_assert_int_eq(gb_test_run(dir, again, &out, &err), 0);
    ck_assert_msg(strstr(out, "0 written, ") != NULL, "%s", out);
    g_free(out);
    g_free(err);
    g_free(after);
    g_free(before);
    g_free(outside);
    g_free(csv);
    g_free(png);
    g_free(svg);
    g_free(pdf);
    g_free(o);
    g_free(dir);
}
END_TEST

/* packs: an emptied pack and a pack replaced by a link are made again. */
START_TEST(test_packs_repairs)
{
    char *dir = gb_test_tmpdir("gbwrite");
    const char *argv[] = {GB_BINARY, "packs", "-o", "p", "-a", "Leeds", "-a", "Kent", NULL};
    char *out, *err;
    ck_assert_int_eq(gb_test_run(dir, argv, &out, &err), 0);
    g_free(out);
    g_free(err);
    char *p = g_build_filename(dir, "p", NULL);
    char *before = tree(p);
    char *kent = g_build_filename(p, "kent.pdf", NULL);
    char *leeds = g_build_filename(p, "leeds.pdf", NULL);
    char *copy = g_build_filename(dir, "leeds-copy.pdf", NULL);
    char *text;
    gsize len;
    ck_assert(g_file_get_contents(leeds, &text, &len, NULL));
    ck_assert(g_file_set_contents(copy, text, (gssize)len, NULL));
    g_free(text);
    ck_assert_int_eq(truncate(kent, 0), 0);
    ck_assert_int_eq(unlink(leeds), 0);
    ck_assert_int_eq(symlink(copy, leeds), 0);
    ck_assert_int_eq(gb_test_run(dir, argv, &out, &err), 0);
    ck_assert_msg(strstr(out, "2 written, 0 up to date (p)") != NULL, "%s", out);
    char *after = tree(p);
    ck_assert_msg(strcmp(before, after) == 0, "not restored:\n%s\n---\n%s", before, after);
    g_free(out);
    g_free(err);
    g_free(after);
    g_free(before);
    g_free(copy);
    g_free(leeds);
    g_free(kent);
    g_free(p);
    g_free(dir);
}
END_TEST

/* The first case: new data, and tables/ cannot be written. Nothing of
 * the new run may be put in place, not even the briefing made first. */
static const int kill_at[] = {1, 7, -1}; /* -1: the manifest's rename, the last */

static void
build_into(const char *dir, const char *out, gboolean with_row, int kill, gboolean *killed)
{
    GPtrArray *argv = g_ptr_array_new();
    const char *base[] = {GB_BINARY, "build", "-q", "--force", "-o", out};
    for (gsize i = 0; i < G_N_ELEMENTS(base); i++)
        g_ptr_array_add(argv, (gpointer)base[i]);
    if (with_row)
        g_ptr_array_add(argv, (gpointer) "row.csv");
    g_ptr_array_add(argv, NULL);
    char **env = g_get_environ();
    if (kill != 0) {
        char n[16];
        g_snprintf(n, sizeof n, "%d", kill);
        env = g_environ_setenv(env, "LD_PRELOAD", GB_KILLRENAME, TRUE);
        env = g_environ_setenv(env, "GB_KILL_AT_RENAME", n, TRUE);
        const char *asan = g_environ_getenv(env, "ASAN_OPTIONS");
        char *opts =
            g_strconcat(asan ? asan : "", asan ? ":" : "", "verify_asan_link_order=0", NULL);
        env = g_environ_setenv(env, "ASAN_OPTIONS", opts, TRUE);
        g_free(opts);
    }
    int wait;
    GError *e = NULL;
    ck_assert_msg(g_spawn_sync(dir, (char **)argv->pdata, env,
                               G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                               NULL, NULL, &wait, &e),
                  "%s", e ? e->message : "");
    *killed = WIFSIGNALED(wait) && WTERMSIG(wait) == SIGKILL;
    if (!*killed)
        ck_assert_msg(WIFEXITED(wait) && WEXITSTATUS(wait) == 0, "build %s: status %d", out, wait);
    g_strfreev(env);
    g_ptr_array_free(argv, TRUE);
}

/* The regular files under dir and their SHA-256, manifest and lock left out. */
static GHashTable *
digests(const char *dir)
{
    GHashTable *h = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    char *t = tree(dir);
    char **lines = g_strsplit(t, "\n", -1);
    for (char **l = lines; *l != NULL; l++) {
        char **f = g_strsplit(*l, " ", 3);
        if (g_strv_length(f) == 3 && strcmp(f[1], "file") == 0 && strcmp(f[0], "manifest.ini") != 0)
            g_hash_table_insert(h, g_strdup(f[0]), g_strdup(f[2]));
        g_strfreev(f);
    }
    g_strfreev(lines);
    g_free(t);
    return h;
}

/* tree(dir) without changes.csv, whose text depends on the run before, and
 * without the manifest, which records changes.csv's hash. */
static char *
content_tree(const char *dir)
{
    char *t = tree(dir);
    char **lines = g_strsplit(t, "\n", -1);
    GString *out = g_string_new(NULL);
    for (char **l = lines; *l != NULL; l++)
        if (!g_str_has_prefix(*l, "changes.csv ") && !g_str_has_prefix(*l, "manifest.ini "))
            g_string_append_printf(out, "%s\n", *l);
    g_strfreev(lines);
    g_free(t);
    return g_string_free(out, FALSE);
}

START_TEST(test_crash_during_renames)
{
    char *dir = gb_test_tmpdir("gbwrite");
    char *row = g_build_filename(dir, "row.csv", NULL);
    ck_assert(g_file_set_contents(row,
                                  "authority,year,regime,judgement,grade\n"
                                  "Leeds,2006,apa,staying_safe,Good\n",
                                  -1, NULL));
    gboolean killed;
    build_into(dir, "old", FALSE, 0, &killed);
    build_into(dir, "new", TRUE, 0, &killed);
    char *old_dir = g_build_filename(dir, "old", NULL);
    char *new_dir = g_build_filename(dir, "new", NULL);
    char *out = g_build_filename(dir, "out", NULL);
    GHashTable *old = digests(old_dir), *fresh = digests(new_dir);
    char *old_tree = content_tree(old_dir), *new_tree = content_tree(new_dir);
    /* The files the rebuild renames: those whose bytes change, and changes.csv
     * (what a run changed: it depends on the run before it, so it is renamed
     * in its turn but differs between a first build and a rebuild). */
    GList *names = g_list_sort(g_hash_table_get_keys(fresh), (GCompareFunc)strcmp);
    int renamed = 0;
    for (GList *n = names; n != NULL; n = n->next)
        renamed +=
            strcmp(n->data, "changes.csv") == 0 ||
            g_strcmp0(g_hash_table_lookup(old, n->data), g_hash_table_lookup(fresh, n->data));
    int kill = kill_at[_i] > 0 ? kill_at[_i] : renamed + 1;
    build_into(dir, "out", FALSE, 0, &killed);
    build_into(dir, "out", TRUE, kill, &killed);
    ck_assert_msg(killed, "not killed at rename %d", kill);
    /* Each file old or new, and whole; with the crash before the last rename
     * the manifest is still the old one, so a rerun knows what to redo. */
    GHashTable *now = digests(out);
    int differ = 0;
    for (GList *n = names; n != NULL; n = n->next) {
        const char *o = g_hash_table_lookup(old, n->data), *f = g_hash_table_lookup(fresh, n->data);
        const char *h = g_hash_table_lookup(now, n->data);
        ck_assert_msg(h != NULL, "%s missing after the crash at rename %d", (char *)n->data, kill);
        if (strcmp(n->data, "changes.csv") == 0)
            continue;
        ck_assert_msg(g_strcmp0(h, o) == 0 || g_strcmp0(h, f) == 0,
                      "%s is neither the old nor the new file after a crash at rename %d",
                      (char *)n->data, kill);
        differ += g_strcmp0(o, f) != 0;
    }
    ck_assert_int_gt(differ, 0);
    g_list_free(names);
    char *m = slurp(old_dir, "manifest.ini"), *m_now = slurp(out, "manifest.ini");
    ck_assert_msg(strcmp(m, m_now) == 0, "the manifest is not the old one");
    /* The next run with the new data: exactly the new build, nothing left. */
    build_into(dir, "out", TRUE, 0, &killed);
    char *t = content_tree(out);
    ck_assert_msg(strcmp(t, new_tree) == 0, "after the rerun: the folder is not the new build");
    g_free(t);
    /* And back to the old data: exactly the old build. */
    build_into(dir, "out", FALSE, 0, &killed);
    t = content_tree(out);
    ck_assert_msg(strcmp(t, old_tree) == 0, "back:\n%s\n---\n%s", t, old_tree);
    g_free(t);
    g_free(m);
    g_free(m_now);
    g_hash_table_unref(now);
    g_hash_table_unref(old);
    g_hash_table_unref(fresh);
    g_free(old_tree);
    g_free(new_tree);
    g_free(out);
    g_free(new_dir);
    g_free(old_dir);
    g_free(row);
    g_free(dir);
}
END_TEST

static Suite *
writecrash_suite(void)
{
    Suite *s = suite_create("writecrash");
    TCase *tc = tcase_create("writecrash");
    tcase_set_timeout(tc, 300); /* whole packs runs, several times, under ASan too */
    tcase_add_test(tc, test_lock_in_process);
    tcase_add_test(tc, test_two_processes);
    tcase_add_test(tc, test_sigkill_mid_write);
    tcase_add_test(tc, test_build_repairs);
    tcase_add_loop_test(tc, test_crash_during_renames, 0, G_N_ELEMENTS(kill_at));
    tcase_add_test(tc, test_packs_repairs);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return gb_test_main(writecrash_suite());
}
