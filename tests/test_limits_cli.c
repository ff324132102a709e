/* test_limits_cli.c - the program under input that cannot take the machine
 * down (issue 11 §2), run as a real binary: exit codes and suggestions for
 * names typed wrong, fonts that cannot show a title, hostile -c files, file
 * names with control characters, judgements after the run, a signal while
 * reading a FIFO, and bounded memory and time on a 200 MB line and
 * /dev/zero. Each case failed before its fix. test_limits.c has the library
 * side. */
#define _GNU_SOURCE
#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct {
    int status;
    char *out, *err;
} GbExec;

static void
run_in(const char *cwd, GbExec *x, const char *const *args, const char *const *env)
{
    GPtrArray *argv = g_ptr_array_new();
    g_ptr_array_add(argv, (gpointer)GB_BINARY);
    for (const char *const *a = args; *a != NULL; a++)
        g_ptr_array_add(argv, (gpointer)*a);
    g_ptr_array_add(argv, NULL);
    char **envp = g_get_environ();
    for (const char *const *e = env; e != NULL && *e != NULL; e += 2)
        envp = g_environ_setenv(envp, e[0], e[1], TRUE);
    int wait;
    GError *err = NULL;
    ck_assert_msg(g_spawn_sync(cwd, (char **)argv->pdata, envp, G_SPAWN_DEFAULT, NULL, NULL,
                               &x->out, &x->err, &wait, &err),
                  "spawn: %s", err ? err->message : "");
    ck_assert_msg(WIFEXITED(wait), "gradebrief did not exit normally");
    x->status = WEXITSTATUS(wait);
    g_strfreev(envp);
    g_ptr_array_free(argv, TRUE);
}

static void
clear(GbExec *x)
{
    g_free(x->out);
    g_free(x->err);
}

static const struct {
    const char *name;
    const char *args[12];
    int status;
    const char *err; /* in stderr, or NULL */
} cli[] = {
    {"--authority unknown is usage",
     {"stats", "--authority", "Herts", NULL},
     64,
     "unknown authority \"Herts\"; did you mean Hertfordshire?"},
    {"packs --authority unknown is usage",
     {"packs", "-a", "Barnat", "-o", "p", NULL},
     64,
     "did you mean Barnet?"},
    {"chart --authority unknown is usage",
     {"chart", "timeline", "-a", "Hartlepol", "-o", "t.svg", NULL},
     64,
     "did you mean Hartlepool?"},
    {"a long form is an alias",
     {"stats", "--authority", "London Borough of Barnet", NULL},
     0,
     NULL},
    {"pack suggests packs", {"pack", NULL}, 64, "unknown command 'pack'; did you mean 'packs'?"},
    {"chek suggests check", {"chek", NULL}, 64, "did you mean 'check'?"},
    {"far from every command", {"frobnicate", NULL}, 64, "unknown command 'frobnicate'\n"},
    {"a font not installed is configuration",
     {"build", "-q", "-c", "nofont.ini", "-o", "nf", NULL},
     78,
     "font 'No Such Font Regular' is not "
     "installed"},
    {"a title no font can show",
     {"build", "-q", "--title", "Cuneiform \U00012000", "-o", "cuneiform", NULL},
     65,
     "no installed font has a glyph for "
     "U+12000, in \"Cuneiform \U00012000\""},
    {"--title over its limit",
     {"build", "-q", "--title",
      "TTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTT"
      "TTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTT"
      "TTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTT"
      "TTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTT",
      NULL},
     64,
     "title is 226 bytes long; the limit is 200"},
    {"a binary -c refused",
     {"build", "-q", "-c", "binary.ini", "-o", "bin", NULL},
     65,
     "binary.ini:1:5: NUL byte"},
    {"a huge -c refused",
     {"build", "-q", "-c", GB_BINARY, "-o", "bin", NULL},
     65,
     "a settings file can be at most 65536"},
    {"a file name with a newline escaped",
     {"check", "new\nline.csv", NULL},
     66,
     "gradebrief: new\\x0Aline.csv: cannot open"},
    {"a future judgement",
     {"check", "future.csv", NULL},
     65,
     "future.csv:2:8: judgement in "
     "the future"},
};

static char *cli_dir;

static void
cli_setup(void)
{
    cli_dir = gb_test_tmpdir("gblimits");
    char *p = g_build_filename(cli_dir, "nofont.ini", NULL);
    g_file_set_contents(p, "[briefing]\nfont=No Such Font\n", -1, NULL);
    g_free(p);
    p = g_build_filename(cli_dir, "binary.ini", NULL);
    g_file_set_contents(p,
                        "\x7f"
                        "ELF\0\x02\x01",
                        7, NULL);
    g_free(p);
    /* A table that lists one row 31 times: 30 repeats within one table, each a
     * warning (duplicates across publications merge silently). */
    GString *rep = g_string_new("authority,year,regime,judgement,grade\n");
    for (int i = 0; i < 31; i++)
        g_string_append(rep, "Barnet,2006,apa,staying_safe,Good\n");
    p = g_build_filename(cli_dir, "repeats.csv", NULL);
    g_file_set_contents(p, rep->str, (gssize)rep->len, NULL);
    g_string_free(rep, TRUE);
    g_free(p);
    p = g_build_filename(cli_dir, "future.csv", NULL);
    g_file_set_contents(p,
                        "authority,date,regime,judgement,grade\n"
                        "Barnet,2052-05-01,ilacs,leaders,Good\n",
                        -1, NULL);
    g_free(p);
}

static void
cli_teardown(void)
{
    g_free(cli_dir);
}

START_TEST(test_cli)
{
    GbExec x;
    run_in(cli_dir, &x, cli[_i].args, NULL);
    ck_assert_msg(x.status == cli[_i].status, "%s: exit %d, stderr %s", cli[_i].name, x.status,
                  x.err);
    if (cli[_i].err != NULL)
        ck_assert_msg(strstr(x.err, cli[_i].err) != NULL, "%s: stderr %s", cli[_i].name, x.err);
    clear(&x);
}
END_TEST

/* A refused title leaves nothing behind: no folder, no file. */
START_TEST(test_uncovered_writes_nothing)
{
    GbExec x;
    const char *args[] = {"build", "-q", "--title", "Cuneiform \U00012000", "-o", "none", NULL};
    run_in(cli_dir, &x, args, NULL);
    ck_assert_int_eq(x.status, 65);
    char *pdf = g_build_filename(cli_dir, "none", "briefing.pdf", NULL);
    ck_assert(!g_file_test(pdf, G_FILE_TEST_EXISTS));
    g_free(pdf);
    clear(&x);
}
END_TEST

/* CJK and Arabic in a title are drawn from the fallback fonts and extract as text. */
START_TEST(test_fallback_in_pdf)
{
    GbExec x;
    const char *args[] = {"build",
                          "-q",
                          "--force",
                          "--title",
                          "\u4E2D\u6587 \u0645\u0631\u062D\u0628\u0627 \U0001F600",
                          "-o",
                          "cjk",
                          NULL};
    run_in(cli_dir, &x, args, NULL);
    ck_assert_msg(x.status == 0, "%s", x.err);
    clear(&x);
    char *pdf = g_build_filename(cli_dir, "cjk", "briefing.pdf", NULL);
    const char *text[] = {PDFTOTEXT, "-l", "1", pdf, "-", NULL};
    char *out, *err;
    ck_assert_int_eq(gb_test_run(NULL, text, &out, &err), 0);
    ck_assert_msg(strstr(out, "\u4E2D\u6587") != NULL, "page 1: %s", out);
    ck_assert_msg(strstr(out, "\U0001F600") != NULL, "page 1: %s", out);
    g_free(out);
    g_free(err);
    const char *fonts[] = {PDFFONTS, pdf, NULL};
    ck_assert_int_eq(gb_test_run(NULL, fonts, &out, &err), 0);
    ck_assert_msg(strstr(out, "DroidSansFallback") != NULL, "fonts: %s", out);
    g_free(out);
    g_free(err);
    g_free(pdf);
}
END_TEST

/* A source text with a "/" is credited in Sources and licences. */
START_TEST(test_source_with_slash)
{
    char *p = g_build_filename(cli_dir, "src.csv", NULL);
    g_file_set_contents(p,
                        "authority,date,regime,judgement,grade,source\n"
                        "Barnet,2025-01-10,ilacs,leaders,Good,Ofsted / DfE letter\n",
                        -1, NULL);
    GbExec x;
    const char *args[] = {"build", "-q", "--force", "src.csv", "-o", "src", NULL};
    run_in(cli_dir, &x, args, NULL);
    ck_assert_msg(x.status == 0, "%s", x.err);
    clear(&x);
    char *pdf = g_build_filename(cli_dir, "src", "briefing.pdf", NULL);
    const char *text[] = {PDFTOTEXT, pdf, "-", NULL};
    char *out, *err;
    ck_assert_int_eq(gb_test_run(NULL, text, &out, &err), 0);
    ck_assert_msg(strstr(out, "\u2022 Ofsted / DfE letter") != NULL, "no source bullet");
    g_free(out);
    g_free(err);
    g_free(pdf);
    g_free(p);
}
END_TEST

/* With a future row left out (--keep-going), the PDF's date stays. */
START_TEST(test_future_keeps_dates)
{
    const char *plain[] = {"build", "-q", "--force", "-o", "dates-a", NULL};
    const char *with[] = {"build",      "-q", "--force", "--keep-going",
                          "future.csv", "-o", "dates-b", NULL};
    char *dates[2];
    for (int k = 0; k < 2; k++) {
        GbExec x;
        run_in(cli_dir, &x, k ? with : plain, NULL);
        ck_assert_msg(x.status == 0, "%s", x.err);
        clear(&x);
        char *pdf = g_build_filename(cli_dir, k ? "dates-b" : "dates-a", "briefing.pdf", NULL);
        const char *info[] = {PDFINFO, "-isodates", pdf, NULL};
        char *out, *err;
        ck_assert_int_eq(gb_test_run(NULL, info, &out, &err), 0);
        char *c = strstr(out, "CreationDate:");
        ck_assert_ptr_nonnull(c);
        dates[k] = g_strndup(c, strcspn(c, "\n"));
        g_free(out);
        g_free(err);
        g_free(pdf);
    }
    ck_assert_str_eq(dates[0], dates[1]);
    ck_assert_ptr_null(strstr(dates[1], "2052"));
    g_free(dates[0]);
    g_free(dates[1]);
}
END_TEST

START_TEST(test_verbose_every_warning)
{
    GbExec x;
    const char *quiet[] = {"check", "repeats.csv", NULL},
               *verbose[] = {"check", "-v", "repeats.csv", NULL};
    run_in(cli_dir, &x, quiet, NULL);
    ck_assert_int_eq(x.status, 0);
    const char *said = strstr(x.err, "warning: ");
    ck_assert_ptr_nonnull(said);
    int merged = atoi(said + strlen("warning: ")); /* "30 identical duplicate rows merged" */
    ck_assert_int_eq(merged, 30);
    clear(&x);
    run_in(cli_dir, &x, verbose, NULL);
    ck_assert_int_eq(x.status, 0);
    int n = 0;
    for (const char *p = x.err; (p = strstr(p, "warning: ")) != NULL; p++)
        n++;
    ck_assert_int_eq(n, merged); /* every one, not the first 20 */
    ck_assert_ptr_null(strstr(x.err, "more warnings"));
    clear(&x);
}
END_TEST

START_TEST(test_stdout_full)
{
    int fd = open("/dev/full", O_WRONLY);
    ck_assert_int_ge(fd, 0);
    char *argv[] = {(char *)GB_BINARY, (char *)"check", NULL};
    GPid pid;
    int err_fd;
    ck_assert(g_spawn_async_with_pipes_and_fds(NULL, (const char *const *)argv, NULL,
                                               G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, -1, fd, -1,
                                               NULL, NULL, 0, &pid, NULL, NULL, &err_fd, NULL));
    close(fd);
    int wait;
    ck_assert_int_eq(waitpid(pid, &wait, 0), pid);
    char buf[4096];
    ssize_t n = read(err_fd, buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = '\0';
    close(err_fd);
    ck_assert_msg(WIFEXITED(wait) && WEXITSTATUS(wait) == 74, "status %d: %s", wait, buf);
    ck_assert_ptr_nonnull(strstr(buf, "cannot write to standard output"));
}
END_TEST

/* SIGTERM while the open of a FIFO waits for a writer: interrupted (75). */
START_TEST(test_sigterm_on_fifo)
{
    char *dir = gb_test_tmpdir("gbfifo");
    char *fifo = g_build_filename(dir, "wait.csv", NULL);
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    const char *argv[] = {GB_BINARY, "check", fifo, NULL};
    GPid pid;
    int err_fd;
    ck_assert(g_spawn_async_with_pipes(NULL, (char **)argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL,
                                       NULL, &pid, NULL, NULL, &err_fd, NULL));
    g_usleep(700 * 1000); /* the bundled data is read; then it waits on the FIFO */
    kill(pid, SIGTERM);
    int wait;
    ck_assert_int_eq(waitpid(pid, &wait, 0), pid);
    char buf[4096];
    ssize_t n = read(err_fd, buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = '\0';
    close(err_fd);
    ck_assert_msg(WIFEXITED(wait) && WEXITSTATUS(wait) == 75, "status %d: %s", wait, buf);
    ck_assert_ptr_nonnull(strstr(buf, "interrupted"));
    g_free(fifo);
    g_free(dir);
}
END_TEST

/* ---- memory and time: a 200 MB line, /dev/zero ------------------------------ */

static gpointer
endless_line(gpointer data)
{
    int fd = GPOINTER_TO_INT(data);
    const char *hdr = "authority,year,regime,judgement,grade\n";
    if (write(fd, hdr, strlen(hdr)) < 0)
        return NULL;
    char block[65536];
    memset(block, 'x', sizeof block);
    for (gsize sent = 0; sent < 200u * 1024 * 1024; sent += sizeof block)
        if (write(fd, block, sizeof block) < 0)
            break; /* the reader stopped: what we want */
    close(fd);
    return NULL;
}

static const struct {
    const char *name;
    const char *input; /* NULL: a 200 MB line on standard input */
    const char *message;
} bounded[] = {
    {"a 200 MB line without a newline", NULL, "field is too long (over 16384 bytes, the limit)"},
    {"check /dev/zero", "/dev/zero", "/dev/zero:1:1: NUL byte"},
};

START_TEST(test_bounded)
{
    signal(SIGPIPE, SIG_IGN);
    int in[2] = {-1, -1}, errp[2];
    ck_assert_int_eq(pipe(errp), 0);
    if (bounded[_i].input == NULL)
        ck_assert_int_eq(pipe(in), 0);
    gint64 t0 = g_get_monotonic_time();
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
#ifndef __SANITIZE_ADDRESS__ /* ASan reserves terabytes of shadow address space */
        /* The old reader took 12.4 GB here: a hard cap keeps this machine up. */
        struct rlimit as = {.rlim_cur = 1024u << 20, .rlim_max = 1024u << 20};
        setrlimit(RLIMIT_AS, &as);
#endif
        if (in[0] >= 0)
            dup2(in[0], 0);
        dup2(errp[1], 2);
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 1);
        execl(GB_BINARY, GB_BINARY, "check", bounded[_i].input ? bounded[_i].input : "/dev/stdin",
              (char *)NULL);
        _exit(127);
    }
    close(errp[1]);
    GThread *writer = NULL;
    if (in[0] >= 0) {
        close(in[0]);
        writer = g_thread_new("line", endless_line, GINT_TO_POINTER(in[1]));
    }
    int wait;
    struct rusage ru;
    ck_assert_int_eq(wait4(pid, &wait, 0, &ru), pid);
    double s = (g_get_monotonic_time() - t0) / 1e6;
    if (writer != NULL)
        g_thread_join(writer);
    char buf[8192];
    ssize_t n = read(errp[0], buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = '\0';
    close(errp[0]);
    ck_assert_msg(WIFEXITED(wait) && WEXITSTATUS(wait) == 65, "%s: status %d: %s", bounded[_i].name,
                  wait, buf);
    ck_assert_msg(strstr(buf, bounded[_i].message) != NULL, "%s: %s", bounded[_i].name, buf);
#ifndef __SANITIZE_ADDRESS__ /* its shadow memory and quarantine are not the reader's */
    ck_assert_msg(ru.ru_maxrss < 100 * 1024, "%s: peak RSS %ld KB", bounded[_i].name, ru.ru_maxrss);
#endif
    ck_assert_msg(s < 2.0, "%s: %.2f s", bounded[_i].name, s);
    fprintf(stderr, "%s: refused in %.2f s, peak RSS %ld KB\n", bounded[_i].name, s, ru.ru_maxrss);
}
END_TEST

static Suite *
limits_cli_suite(void)
{
    Suite *s = suite_create("limits_cli");
    TCase *cc = tcase_create("cli");
    tcase_set_timeout(cc, 120);
    tcase_add_checked_fixture(cc, cli_setup, cli_teardown);
    tcase_add_loop_test(cc, test_cli, 0, G_N_ELEMENTS(cli));
    tcase_add_test(cc, test_uncovered_writes_nothing);
    tcase_add_test(cc, test_fallback_in_pdf);
    tcase_add_test(cc, test_source_with_slash);
    tcase_add_test(cc, test_future_keeps_dates);
    tcase_add_test(cc, test_verbose_every_warning);
    tcase_add_test(cc, test_stdout_full);
    tcase_add_test(cc, test_sigterm_on_fifo);
    tcase_add_loop_test(cc, test_bounded, 0, G_N_ELEMENTS(bounded));
    suite_add_tcase(s, cc);
    return s;
}

int
main(void)
{
    return gb_test_main(limits_cli_suite());
}
