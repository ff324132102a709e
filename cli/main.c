/* main.c - the gradebrief command line: pick the command, run it, print its
 * diagnostic once and exit with its status's sysexits(3) code. Each command
 * (cli/check.c, stats.c, chart.c, build.c, packs.c) turns its options into a
 * request and runs it; nothing here knows a stage. */
#define _POSIX_C_SOURCE 200809L
#include "cli/cli.h"
#include "pipeline/text.h"

#include <errno.h>
#include <locale.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    const char *name;
    const char *args;
    const char *summary;
    GbCommandFn run;
} GbCommand;

static const GbCommand gb__commands[] = {
    {"build", "[FILE...] [-d DIR] [-c briefing.ini] [-o OUTDIR]",
     "write the national briefing PDF, charts and tables (default)", gb_cmd_build},
    {"check", "[FILE...] [-d DIR]", "validate the data and print the row accounting", gb_cmd_check},
    {"stats", "[FILE...] [-d DIR] [--by LIST] [-f table|csv|json]",
     "grade distributions, changes, reconciliation, movers", gb_cmd_stats},
    {"chart", "NAME [FILE...] [-f pdf|svg|png] [-o FILE]", "draw one chart (--list)", gb_cmd_chart},
    {"packs", "[FILE...] [-o DIR] [--authority NAME]... [-j N]",
     "one briefing pack per authority, only what changed", gb_cmd_packs},
    {"config", "[-c FILE] [-d DIR]", "the settings in force and where each came from",
     gb_cmd_config},
};

static void
gb__usage(FILE *out)
{
    fprintf(out, "Usage: gradebrief COMMAND [OPTION...] [FILE...]\n\n"
                 "Turns tables of Ofsted inspection grades into figures and briefings.\n\n"
                 "Commands:\n");
    for (gsize i = 0; i < G_N_ELEMENTS(gb__commands); i++)
        fprintf(out, "  %-6s %-52s %s\n", gb__commands[i].name, gb__commands[i].args,
                gb__commands[i].summary);
    fprintf(out, "\nOptions:\n  -h, --help     show this help (COMMAND --help for a command)\n"
                 "  -V, --version  print the version\n\n"
                 "Exit status: 0 ok, 64 usage, 65 bad data, 66 missing input, "
                 "70 internal error, 73 cannot create output, 74 I/O error, 75 interrupted "
                 "or the output folder busy, 78 configuration (a font not installed).\n");
}

/* Runs command k with argv (argv[0] is replaced by "gradebrief NAME") and
 * prints its diagnostic: "gradebrief: FILE:LINE:COL: message" when it names a
 * file, else "gradebrief NAME: message". Returns the exit code. */
static int
gb__run(const GbCommand *k, int argc, char **argv)
{
    char *prg = g_strdup_printf("gradebrief %s", k->name);
    g_set_prgname(prg);
    argv[0] = prg;
    GbDiag diag = {0};
    GbStatus status = k->run(argc, argv, &diag);
    if (diag.message != NULL) {
        char *line = gb_diag_format(&diag);
        if (diag.path != NULL)
            fprintf(stderr, "gradebrief: %s\n", line);
        else
            fprintf(stderr, "gradebrief %s: %s\n", k->name, line);
        g_free(line);
    }
    gb_diag_clear(&diag);
    g_free(prg);
    return (int)status;
}

/* What was printed must have reached standard output: `check > /dev/full`
 * is an I/O error (74), not a success. */
static int
gb__flush_stdout(int rc)
{
    if (fflush(stdout) == 0 && !ferror(stdout))
        return rc;
    if (errno == EPIPE)
        return rc; /* the reader went away (| head): not ours to report */
    fprintf(stderr, "gradebrief: cannot write to standard output: %s\n", g_strerror(errno));
    return rc != GB_OK ? rc : GB_IOERR;
}

/* Chart images, PDFs and their scratch buffers are megabytes each. Mapped on
 * their own (256 KB and up) and unmapped when freed, not kept in the heap: in
 * the heap each left its pages resident for good, a freed picture's pages were
 * reused by a buffer that touches only its start (a PNG's worst-case deflate
 * bound), and the heap's top stayed at the largest mix of them the threads
 * ever held (briefing peak RSS PDF only 50.6 -> 47.1 MB, all formats 83.9 ->
 * 69.2 MB; the same user time, about 0.02-0.03 s more system time in all
 * formats, when the Word file had 300 dpi pictures of its own: each one's
 * pages were faulted in afresh). A mapped
 * GByteArray grows by mremap, without a copy. Fixed, so glibc does not raise
 * it after the first big free. packs keeps them in the heap (up to 64 MB,
 * never trimmed): it draws hundreds of pictures, and fresh pages for each were
 * 3x the page faults (its target is time; its peak is one pack's). */
static void
gb__malloc_policy(const char *cmd)
{
    gboolean packs = strcmp(cmd, "packs") == 0;
    mallopt(M_MMAP_THRESHOLD, packs ? 64 << 20 : 256 << 10);
    mallopt(M_TRIM_THRESHOLD, 128 << 20);
}

/* libqpdf brings GnuTLS in as its crypto provider, and GnuTLS's constructor
 * initialises the library before main (its random generator, the system's
 * priority settings, p11-kit's modules): 0.6-0.9 MB of the briefing's peak
 * RSS, and nothing here ever asks GnuTLS for anything. gradebrief's libqpdf
 * only reads PDFs cairo has just written (unencrypted, so no decryption) and
 * writes nothing with QPDFWriter: the finishing pass appends its own update
 * and hashes its /ID with GLib's MD5 (output/pdfupdate.c); the write stage's
 * SHA-256 is nettle's, called directly. GnuTLS asks this hook, a weak symbol
 * it exports and calls through its PLT, before its implicit initialisation
 * and its clean-up at exit: the executable's definition wins, as
 * GNUTLS_NO_IMPLICIT_INIT=1 in the environment would (too late from main).
 * Should a GnuTLS call ever be made, it fails with
 * GNUTLS_E_LIB_IN_ERROR_STATE rather than giving wrong bytes: libqpdf throws
 * and the finishing pass reports it (tests/test_cli checks that the hook is
 * what GnuTLS finds). */
int _gnutls_global_init_skip(void);
int
_gnutls_global_init_skip(void)
{
    return 1;
}

static const GbCommand *
gb__command(const char *name)
{
    for (gsize i = 0; i < G_N_ELEMENTS(gb__commands); i++)
        if (strcmp(name, gb__commands[i].name) == 0)
            return &gb__commands[i];
    return NULL;
}

int
main(int argc, char **argv)
{
    /* Output must not depend on the user's locale: LC_NUMERIC would turn 8.0
     * into "8,0" in every printf of a double, LC_COLLATE and LC_CTYPE would
     * reorder sorted names and change pango's language. Everything runs in
     * C.UTF-8; only messages from the system (strerror) follow the user. */
    if (setlocale(LC_ALL, "C.UTF-8") == NULL)
        setlocale(LC_ALL, "C");
    setlocale(LC_MESSAGES, "");
    struct sigaction sa = {.sa_handler = gb_cancel_request};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    /* No command, or only options and files: the default command, build. */
    const char *cmd = argc < 2 || (argv[1][0] == '-' && strcmp(argv[1], "--help") != 0 &&
                                   strcmp(argv[1], "-h") != 0 &&
                                   strcmp(argv[1], "--version") != 0 && strcmp(argv[1], "-V") != 0)
                          ? "build"
                          : argv[1];
    gb__malloc_policy(cmd);
    if (strcmp(cmd, "build") == 0 && (argc < 2 || strcmp(argv[1], "build") != 0)) {
        /* argv with "build" put in as the command. */
        char **args = g_new0(char *, argc + 2);
        args[0] = argv[0];
        for (int i = 1; i < argc; i++)
            args[i] = argv[i];
        int rc = gb__run(gb__command("build"), argc, args);
        g_free(args);
        return gb__flush_stdout(rc);
    }
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        gb__usage(stdout);
        return gb__flush_stdout(GB_OK);
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
        printf("gradebrief %s\n", GB_VERSION);
        return gb__flush_stdout(GB_OK);
    }
    const GbCommand *k = gb__command(cmd);
    if (k != NULL)
        return gb__flush_stdout(gb__run(k, argc - 1, argv + 1));
    /* The nearest command, if one is near ("pack" -> packs). */
    const char *near = NULL;
    guint best = G_MAXUINT;
    for (gsize i = 0; i < G_N_ELEMENTS(gb__commands); i++) {
        guint d = gb_ref_nearness(cmd, gb__commands[i].name);
        if (d < best) {
            best = d;
            near = gb__commands[i].name;
        }
    }
    GString *shown = g_string_new(NULL);
    gb_text_append_visible(shown, cmd, strlen(cmd));
    if (near != NULL)
        fprintf(stderr, "gradebrief: unknown command '%s'; did you mean '%s'?\n\n", shown->str,
                near);
    else
        fprintf(stderr, "gradebrief: unknown command '%s'\n\n", shown->str);
    g_string_free(shown, TRUE);
    gb__usage(stderr);
    return GB_USAGE;
}
