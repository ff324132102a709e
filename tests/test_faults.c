/* test_faults.c - what happens when the world misbehaves: an output folder
 * that cannot be made, a full disk, a signal mid-run, an input cut short, and
 * pathological inputs near every limit. Each must end with one clear line, a
 * sysexits code, no temporary files, and earlier outputs intact. */
#include "testutil.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int
run(const char *cwd, const char *const *argv, char **out, char **err)
{
    return gb_test_run(cwd, argv, out, err);
}

/* Lines of stderr that are not the expected duplicate-merge warning. */
static int
problem_lines(const char *err)
{
    int n = 0;
    char **lines = g_strsplit(err, "\n", -1);
    for (char **l = lines; *l; l++)
        n += **l && strstr(*l, "warning:") == NULL;
    g_strfreev(lines);
    return n;
}

static int
temporaries(const char *dir)
{
    /* g_file_set_contents writes NAME.XXXXXX and renames it. */
    int n = 0;
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *name;
    while (d && (name = g_dir_read_name(d)) != NULL) {
        const char *dot = strrchr(name, '.');
        if (dot && strlen(dot) == 7 && strcmp(dot, ".csv") != 0)
            n++;
    }
    if (d)
        g_dir_close(d);
    return n;
}

START_TEST(test_output_not_a_folder)
{
    char *dir = gb_test_tmpdir("gbfault");
    char *file = g_build_filename(dir, "file", NULL);
    ck_assert(g_file_set_contents(file, "x", 1, NULL));
    const char *argv[] = {GB_BINARY, "build", "-q", "-o", "file/out", NULL};
    char *out, *err;
    ck_assert_int_eq(run(dir, argv, &out, &err), 73);
    ck_assert_int_eq(problem_lines(err), 1);
    ck_assert_msg(strstr(err, "file/out: cannot create the folder: Not a directory") != NULL,
                  "stderr: %s", err);
    g_free(out);
    g_free(err);
    /* Refused before any data is read: with a data folder that does not
     * exist the folder is still what is reported (73), not the data (66). */
    const char *first[] = {GB_BINARY, "packs", "-q", "-d", "no-such-data", "-o", "file", NULL};
    ck_assert_int_eq(run(dir, first, &out, &err), 73);
    ck_assert_int_eq(problem_lines(err), 1);
    ck_assert_msg(strstr(err, "file: cannot create the folder: Not a directory") != NULL,
                  "stderr: %s", err);
    g_free(out);
    g_free(err);
    const char *build[] = {GB_BINARY, "build", "-q", "-d", "no-such-data", "-o", "file/out", NULL};
    ck_assert_int_eq(run(dir, build, &out, &err), 73);
    g_free(out);
    g_free(err);
    /* A missing parent is made. */
    const char *deep[] = {GB_BINARY, "chart", "counts", "-o", "a/b/c/counts.svg", NULL};
    ck_assert_int_eq(run(dir, deep, &out, &err), 0);
    char *made = g_build_filename(dir, "a", "b", "c", "counts.svg", NULL);
    ck_assert(g_file_test(made, G_FILE_TEST_IS_REGULAR));
    g_free(made);
    g_free(out);
    g_free(err);
    g_free(file);
    g_free(dir);
}
END_TEST

START_TEST(test_disk_full)
{
    char *unshare = g_find_program_in_path("unshare");
    gboolean can = geteuid() == 0 && unshare != NULL;
    g_free(unshare);
    if (!can) {
        fprintf(stderr, "test_disk_full: needs root and unshare to mount a small tmpfs; "
                        "not run here\n");
        return;
    }
    const char *argv[] = {"unshare", "-m", GB_TESTS_DIR "/faults/diskfull.sh", GB_BINARY, NULL};
    char *out, *err;
    int rc = run(NULL, argv, &out, &err);
    if (rc != 0 && strstr(err, "mount") != NULL) {
        fprintf(stderr, "test_disk_full: cannot mount tmpfs here (%s); not run\n", err);
        return;
    }
    ck_assert_msg(rc == 0, "diskfull.sh failed: %s", err);
    ck_assert_msg(strstr(out, "rc=73\n") != NULL, "%s", out);
    ck_assert_msg(strstr(out, "lines=1\n") != NULL, "%s", out);
    ck_assert_msg(strstr(out, "No space left on device") != NULL, "%s", out);
    ck_assert_msg(strstr(out, "previous=intact") != NULL, "%s", out);
    ck_assert_msg(strstr(out, "temporaries=0") != NULL, "%s", out);
    /* packs on a full disk: an honest summary, a capped report, nothing changed. */
    ck_assert_msg(strstr(out, "packs_rc=73\n") != NULL, "%s", out);
    ck_assert_msg(strstr(out, "packs_summary=0 written, 0 up to date, 20 failed (p)\n") != NULL,
                  "%s", out);
    ck_assert_msg(strstr(out, "packs_lines=1\n") != NULL, "%s", out);
    ck_assert_msg(strstr(out, "packs_previous=intact") != NULL, "%s", out);
    ck_assert_msg(strstr(out, "packs_temporaries=0") != NULL, "%s", out);
    g_free(out);
    g_free(err);
}
END_TEST

static const struct {
    int signal;
    const char *name;
} signals_[] = {{SIGTERM, "SIGTERM"}, {SIGINT, "SIGINT"}};

START_TEST(test_signal_mid_run)
{
    char *dir = gb_test_tmpdir("gbfault");
    const char *argv[] = {GB_BINARY, "packs", "-q", "-o", "p", NULL};
    GPid pid;
    int err_fd;
    ck_assert(g_spawn_async_with_pipes(dir, (char **)argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL,
                                       NULL, &pid, NULL, NULL, &err_fd, NULL));
    /* Reading the workbooks takes a moment: stop it in the middle of the packs,
     * once their folder is made. */
    char *out_dir = g_build_filename(dir, "p", NULL);
    for (int i = 0; i < 3000 && !g_file_test(out_dir, G_FILE_TEST_IS_DIR); i++)
        g_usleep(10 * 1000);
    g_usleep(150 * 1000);
    g_free(out_dir);
    kill(pid, signals_[_i].signal);
    int wait;
    ck_assert_int_eq(waitpid(pid, &wait, 0), pid);
    char buf[4096];
    ssize_t n = read(err_fd, buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = '\0';
    close(err_fd);
    ck_assert_msg(WIFEXITED(wait) && WEXITSTATUS(wait) == 75, "status %d", wait);
    char *said = g_strdup_printf("interrupted by %s", signals_[_i].name);
    ck_assert_msg(strstr(buf, said) != NULL, "stderr: %s", buf);
    g_free(said);
    char *p = g_build_filename(dir, "p", NULL);
    ck_assert_int_eq(temporaries(p), 0);
    /* Every pack there is a whole PDF, and a rerun makes them all. */
    GDir *d = g_dir_open(p, 0, NULL);
    const char *name;
    int written = 0;
    while ((name = g_dir_read_name(d)) != NULL) {
        if (!g_str_has_suffix(name, ".pdf"))
            continue;
        char *f = g_build_filename(p, name, NULL);
        const char *info[] = {PDFINFO, f, NULL};
        char *o, *e;
        ck_assert_msg(run(NULL, info, &o, &e) == 0, "%s is not a whole PDF", name);
        g_free(o);
        g_free(e);
        g_free(f);
        written++;
    }
    g_dir_close(d);
    /* All or nothing: the packs made before the signal are not put in place. */
    ck_assert_int_eq(written, 0);
    const char *again[] = {GB_BINARY, "packs", "-o", "p", NULL};
    char *out, *err;
    ck_assert_int_eq(run(dir, again, &out, &err), 0);
    char *want = g_strdup_printf("%d written, %d up to date", 153 - written, written);
    ck_assert_msg(strstr(out, want) != NULL, "rerun said: %s", out);
    g_free(want);
    g_free(out);
    g_free(err);
    g_free(p);
    g_free(dir);
}
END_TEST

static gpointer
half_writer(gpointer path)
{
    /* Writes half a record into the FIFO and goes away. */
    FILE *f = fopen(path, "w");
    if (f != NULL) {
        fputs("authority,year,regime,judgement,grade\nBarnet,2006,apa,\"stay", f);
        fclose(f);
    }
    return NULL;
}

START_TEST(test_input_cut_short)
{
    char *dir = gb_test_tmpdir("gbfault");
    char *fifo = g_build_filename(dir, "cut.csv", NULL);
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    GThread *t = g_thread_new("writer", half_writer, fifo);
    const char *argv[] = {GB_BINARY, "check", "cut.csv", NULL};
    char *out, *err;
    ck_assert_int_eq(run(dir, argv, &out, &err), 65);
    g_thread_join(t);
    ck_assert_int_eq(problem_lines(err), 1);
    ck_assert_ptr_nonnull(strstr(err, "cut.csv:2:"));
    ck_assert_ptr_nonnull(strstr(err, "unterminated quoted field"));
    g_free(out);
    g_free(err);
    g_free(fifo);
    g_free(dir);
}
END_TEST

/* Pathological inputs: each is handled or refused in bounded time, the limit
 * named. The files are made here, big as they are. */
static const struct {
    const char *name;
    int kind;
    const char *message;
} limits[] = {
    {"100,000 columns", 0, "record has more than 512 fields (the limit)"},
    {"a 2 MB field", 1, "field is too long (over 16384 bytes, the limit)"},
    {"a million empty lines", 2, "file has no records (only blank lines)"},
    {"a million distinct authorities", 3, "... and 999980 more rejected rows"},
};

START_TEST(test_limits)
{
    GString *s = g_string_new(NULL);
    switch (limits[_i].kind) {
    case 0:
        for (int i = 0; i < 100000; i++)
            g_string_append_printf(s, "%sc%d", i ? "," : "", i);
        g_string_append_c(s, '\n');
        break;
    case 1:
        g_string_append(s, "authority,year,regime,judgement,grade\n");
        for (int i = 0; i < 2 * 1024 * 1024; i++)
            g_string_append_c(s, 'x');
        g_string_append(s, ",2006,apa,staying_safe,Good\n");
        break;
    case 2:
        for (int i = 0; i < 1000000; i++)
            g_string_append_c(s, '\n');
        break;
    case 3:
        g_string_append(s, "authority,year,regime,judgement,grade\n");
        for (int i = 0; i < 1000000; i++)
            g_string_append_printf(s, "Nowhere %d,2006,apa,staying_safe,Good\n", i);
        break;
    }
    char *path = gb_test_file("big.csv", s->str, (gssize)s->len);
    g_string_free(s, TRUE);
    const char *argv[] = {GB_BINARY, "check", path, NULL};
    char *out, *err;
    gint64 t0 = g_get_monotonic_time();
    ck_assert_int_eq(run(NULL, argv, &out, &err), 65);
    gint64 ms = (g_get_monotonic_time() - t0) / 1000;
    ck_assert_msg(strstr(err, limits[_i].message) != NULL, "%s: %s", limits[_i].name, err);
    ck_assert_msg(problem_lines(err) <= 22, "%s: %d lines", limits[_i].name, problem_lines(err));
    fprintf(stderr, "%s: refused in %" G_GINT64_FORMAT " ms\n", limits[_i].name, ms);
    g_free(out);
    g_free(err);
    g_free(path);
}
END_TEST

static Suite *
faults_suite(void)
{
    Suite *s = suite_create("faults");
    TCase *tc = tcase_create("faults");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_output_not_a_folder);
    tcase_add_test(tc, test_disk_full);
    tcase_add_loop_test(tc, test_signal_mid_run, 0, G_N_ELEMENTS(signals_));
    tcase_add_test(tc, test_input_cut_short);
    tcase_add_loop_test(tc, test_limits, 0, G_N_ELEMENTS(limits));
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return gb_test_main(faults_suite());
}
