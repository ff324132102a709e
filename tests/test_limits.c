/* test_limits.c - inputs that cannot take the machine down (issue 11 §2): each
 * case failed before its fix. The reader's limits as bytes arrive, escaping of
 * what is printed, briefing.ini, a data folder given with -d, the reference
 * lookups, dates after the run and font coverage, through the library;
 * test_limits_cli.c runs the program itself. */
#define _GNU_SOURCE
#include "charts/kit.h"
#include "output/config.h"
#include "pipeline/csvread.h"
#include "pipeline/load.h"
#include "pipeline/text.h"
#include "testutil.h"

#include <string.h>

/* ---- the CSV reader ---------------------------------------------------- */

static GbStatus
count_record(const GbCsvRecord *rec, gpointer user, GbDiag *diag)
{
    (*(guint64 *)user)++;
    return GB_OK;
}

/* A record on line 3 that fails on its own: "bad" is checked by the caller. */
static GbStatus
fail_on_bad(const GbCsvRecord *rec, gpointer user, GbDiag *diag)
{
    for (guint i = 0; i < rec->nfields; i++)
        if (strcmp(rec->fields[i], "bad") == 0) {
            gb_csv_diag_field(rec, i, diag, "bad field");
            return GB_DATA;
        }
    return GB_OK;
}

static const struct {
    const char *name;
    int kind; /* 0: data as given; 1: a 40 KB field, no newline; 2: 1.5 MB
                 record; 3: CRLF across the block boundary; 4 and 5: a field
                 across the block boundary with a bad byte just after it (4) or
                 just before it (5) */
    const char *data;
    gssize len;
    gboolean check_bad; /* the callback fails on a field "bad" */
    GbStatus status;
    const char *message;
    int line, col;
} csv_cases[] = {
    {"CR-only lines are counted", 0, "a,b\rc,d\rx,bad\r", -1, TRUE, GB_DATA, "bad field", 3, 3},
    {"CRLF lines as before", 0, "a,b\r\nc,d\r\nx,bad\r\n", -1, TRUE, GB_DATA, "bad field", 3, 3},
    {"mixed CR and LF", 0, "a,b\nc,d\rx,bad\n", -1, TRUE, GB_DATA, "bad field", 3, 3},
    {"quoted CR inside a field", 0, "a,b\r\"c\rd\",e\rx,bad\r", -1, TRUE, GB_DATA, "bad field", 4,
     3},
    {"UTF-32 LE named as UTF-32", 0, "\xff\xfe\0\0a\0\0\0", 8, FALSE, GB_DATA, "file is UTF-32", 1,
     1},
    {"UTF-32 BE named as UTF-32", 0, "\0\0\xfe\xff\0\0\0a", 8, FALSE, GB_DATA, "file is UTF-32", 1,
     1},
    {"UTF-16 still UTF-16", 0,
     "\xff\xfe"
     "a\0",
     4, FALSE, GB_DATA, "file is UTF-16", 1, 1},
    {"NUL at its own column", 0, "a,b\ncd\0e\n", 9, FALSE, GB_DATA, "NUL byte", 2, 3},
    {"NUL after a CR line", 0, "a,b\rc\0", 6, FALSE, GB_DATA, "NUL byte", 2, 2},
    {"a field with no end", 1, NULL, 0, FALSE, GB_DATA,
     "field is too long (over 16384 bytes, the limit)", 2, 3},
    {"a record over 1 MiB", 2, NULL, 0, FALSE, GB_DATA,
     "record is too long (over 1048576 bytes, the limit)", 1, 0},
    {"CRLF split between two blocks is one line end", 3, NULL, 0, TRUE, GB_DATA, "bad field", 60002,
     3},
    /* The reader checks the bytes of a whole block at once and skips the
     * per-field check of records in blocks that are all ASCII: a record that
     * starts in a clean block and ends in a dirty one, or the other way, is
     * still checked. */
    {"bad byte after the block boundary, field started before it", 4, NULL, 0, FALSE, GB_DATA,
     "invalid UTF-8 (byte 0xFF at offset 39 of the field)", 65527, 3},
    {"bad byte before the block boundary, field ends after it", 5, NULL, 0, FALSE, GB_DATA,
     "invalid UTF-8 (byte 0xFF at offset 35 of the field)", 65527, 3},
};

START_TEST(test_csv)
{
    GString *s = g_string_new(NULL);
    if (csv_cases[_i].kind == 0) {
        gssize len = csv_cases[_i].len;
        g_string_append_len(s, csv_cases[_i].data,
                            len < 0 ? (gssize)strlen(csv_cases[_i].data) : len);
    } else if (csv_cases[_i].kind == 1) {
        g_string_append(s, "a,b\nx,");
        for (int i = 0; i < 40000; i++)
            g_string_append_c(s, 'y');
    } else if (csv_cases[_i].kind == 3) {
        /* 5-byte lines: the CR of line 52429 is the last byte of the reader's
         * first 256 KiB block, its LF the first of the next. */
        g_string_append(s, "a,b\r\n");
        for (int i = 0; i < 60000; i++)
            g_string_append(s, "x,y\r\n");
        g_assert(s->str[256 * 1024 - 1] == '\r');
        g_string_append(s, "x,bad\r\n");
    } else if (csv_cases[_i].kind == 4 || csv_cases[_i].kind == 5) {
        /* 4-byte lines up to byte 262104, then x,"zzz...\xFF...": the bad
         * byte at 256 KiB + 2 (4) or 256 KiB - 2 (5). */
        g_string_append(s, "a,b\n");
        for (int i = 0; i < 65525; i++)
            g_string_append(s, "x,y\n");
        g_assert(s->len == 262104);
        g_string_append(s, "x,\"");
        int before = csv_cases[_i].kind == 4 ? 39 : 35;
        for (int i = 0; i < before; i++)
            g_string_append_c(s, 'z');
        g_string_append_c(s, '\xff');
        g_assert(s->len == (csv_cases[_i].kind == 4 ? 256 * 1024 + 3 : 256 * 1024 - 1));
        for (int i = 0; i < 30; i++)
            g_string_append_c(s, 'z');
        g_string_append(s, "\"\nx,y\n");
    } else {
        for (int f = 0; f < 100; f++) {
            if (f)
                g_string_append_c(s, ',');
            for (int i = 0; i < 15000; i++)
                g_string_append_c(s, 'z');
        }
        g_string_append_c(s, '\n');
    }
    char *path = gb_test_file("t.csv", s->str, (gssize)s->len);
    for (int piped = 0; piped < 2; piped++) {
        gb_csv_set_pipe_threshold(piped ? 0 : G_MAXSIZE);
        GbDiag d = {0};
        guint64 n = 0;
        GbStatus st = csv_cases[_i].check_bad ? gb_csv_read(path, fail_on_bad, NULL, &d)
                                              : gb_csv_read(path, count_record, &n, &d);
        ck_assert_msg(st == csv_cases[_i].status, "%s: status %d", csv_cases[_i].name, st);
        ck_assert_msg(d.message && strstr(d.message, csv_cases[_i].message), "%s: '%s'",
                      csv_cases[_i].name, d.message);
        ck_assert_msg(d.line == (guint64)csv_cases[_i].line, "%s: line %" G_GUINT64_FORMAT,
                      csv_cases[_i].name, d.line);
        if (csv_cases[_i].col > 0)
            ck_assert_msg(d.column == (guint64)csv_cases[_i].col, "%s: column %" G_GUINT64_FORMAT,
                          csv_cases[_i].name, d.column);
        gb_diag_clear(&d);
    }
    g_string_free(s, TRUE);
    g_free(path);
}
END_TEST

/* ---- escaping ---------------------------------------------------------- */

static const struct {
    const char *name, *in, *out;
} escapes[] = {
    {"zero-width joiner", "Lee\u200Dds", "\"Lee\\u200Dds\""},
    {"right-to-left override", "a\u202Eb", "\"a\\u202Eb\""},
    {"bidi isolate", "\u2066x\u2069", "\"\\u2066x\\u2069\""},
    {"no-break space", "Leeds\u00A0", "\"Leeds\\u00A0\""},
    {"byte order mark", "\uFEFFLeeds", "\"\\uFEFFLeeds\""},
    {"ESC", "a\x1b[31mb", "\"a\\x1B[31mb\""},
    {"newline", "a\nb", "\"a\\x0Ab\""},
    {"C1 control",
     "a\xc2\x85"
     "b",
     "\"a\\u0085b\""},
    {"tag character", "a\U000E0001b", "\"a\\U000E0001b\""},
    {"letters and emoji kept", "Sa\u0303o \U0001F600 \u4E2D", "\"Sa\u0303o \U0001F600 \u4E2D\""},
};

START_TEST(test_escape)
{
    GString *s = g_string_new(NULL);
    gb_text_append_quoted(s, escapes[_i].in, strlen(escapes[_i].in));
    ck_assert_msg(strcmp(s->str, escapes[_i].out) == 0, "%s: %s", escapes[_i].name, s->str);
    g_string_free(s, TRUE);
}
END_TEST

/* Lookup keys (gb_text_key): spaces folded to one and trimmed, case folded;
 * the output buffer holds a longer key from before, which must not show. */
static const struct {
    const char *name, *in, *out;
} keys[] = {
    {"plain", "Barnet", "barnet"},
    {"spaces around", "  Barnet \t", "barnet"},
    {"runs of spaces", "London  Borough\tOF \n Barnet", "london borough of barnet"},
    {"digits and punctuation kept", "E09000003 (Barnet)", "e09000003 (barnet)"},
    {"empty", "", ""},
    {"only spaces", " \t\r\n ", ""},
    {"one letter", "Z", "z"},
    {"non-ASCII folded", "  \u00CEle  De ", "\u00EEle de"},
    {"non-ASCII after ASCII", "London  Borough OF \u00CEle", "london borough of \u00EEle"},
};

START_TEST(test_text_key)
{
    GString *s = g_string_new("a much longer key left over from the last lookup");
    gb_text_key(keys[_i].in, strlen(keys[_i].in), s);
    ck_assert_msg(strcmp(s->str, keys[_i].out) == 0 && s->len == strlen(keys[_i].out),
                  "%s: \"%s\" (%zu)", keys[_i].name, s->str, s->len);
    g_string_free(s, TRUE);
}
END_TEST

START_TEST(test_diag_path_escaped)
{
    GbDiag d = {0};
    gb_diag_set(&d, "a\nb\x1b.csv", 2, 3, "unknown authority \u200D");
    char *line = gb_diag_format(&d);
    ck_assert_str_eq(line, "a\\x0Ab\\x1B.csv:2:3: unknown authority \\u200D");
    g_free(line);
    gb_diag_clear(&d);
}
END_TEST

/* ---- the first number parsed, beside other threads ---------------------- */

/* About one build in 1,000 stopped at "scales.csv:2:5: rank must number the
 * regime's grades": the process's first gb_text_parse_int of a number that is
 * not a year (that rank, "1") made GLib's C locale under the lock of every
 * g_once_init_enter while the fonts thread was in one, and GLib 2.74's
 * g_mutex_lock, having waited, left errno at EAGAIN, which
 * g_ascii_string_to_signed takes for a bad number. Each child here is a fresh
 * process whose first parse runs while four threads do nothing but enter
 * g_once_init_enter (a fifth to a half of the children failed so before the
 * fix: 13-31 of 64 in six runs). */
enum { GB__ONCE_THREADS = 4, GB__FIRST_PARSE_CHILDREN = 64 };

typedef struct {
    gint started, stop;
} OnceStorm;

static gpointer
once_storm(gpointer data)
{
    OnceStorm *o = data;
    g_atomic_int_inc(&o->started);
    while (!g_atomic_int_get(&o->stop)) {
        gsize *once = g_new0(gsize, 1);
        if (g_once_init_enter(once))
            g_once_init_leave(once, 1);
        g_free(once);
    }
    return NULL;
}

/* The child (GB_TEST_FIRST_PARSE set): 0 when "1" parsed as 1. */
static int
first_parse_child(void)
{
    OnceStorm o = {0};
    GThread *threads[GB__ONCE_THREADS];
    for (int i = 0; i < GB__ONCE_THREADS; i++)
        threads[i] = g_thread_new("onces", once_storm, &o);
    while (g_atomic_int_get(&o.started) < GB__ONCE_THREADS)
        g_thread_yield();
    gint64 v = 0;
    gboolean ok = gb_text_parse_int("1", 1, 16, &v) && v == 1;
    g_atomic_int_set(&o.stop, 1);
    for (int i = 0; i < GB__ONCE_THREADS; i++)
        g_thread_join(threads[i]);
    return ok ? 0 : 1;
}

START_TEST(test_first_parse_beside_onces)
{
    char *self = g_file_read_link("/proc/self/exe", NULL);
    ck_assert_ptr_nonnull(self);
    char **env = g_environ_setenv(g_get_environ(), "GB_TEST_FIRST_PARSE", "1", TRUE);
    const char *argv[] = {self, NULL};
    int failed = 0;
    for (int i = 0; i < GB__FIRST_PARSE_CHILDREN; i++) {
        int wait;
        GError *e = NULL;
        ck_assert_msg(g_spawn_sync(NULL, (char **)argv, env, 0, NULL, NULL, NULL, NULL, &wait, &e),
                      "spawn: %s", e ? e->message : "");
        ck_assert_msg(WIFEXITED(wait), "child %d: signal %d", i, WTERMSIG(wait));
        failed += WEXITSTATUS(wait) != 0;
    }
    ck_assert_msg(failed == 0, "%d of %d first parses beside g_once_init_enter failed", failed,
                  GB__FIRST_PARSE_CHILDREN);
    g_strfreev(env);
    g_free(self);
}
END_TEST

/* ---- briefing.ini ------------------------------------------------------ */

static const struct {
    const char *name;
    const char *text;
    gssize len;
    GbStatus status;
    const char *message; /* NULL: accepted */
    int line;
    const char *title; /* accepted: the title read */
} configs[] = {
    {"NUL byte", "[briefing]\ntitle=A\nsubtitle=B\0C\npalette=greyscale\n", 42, GB_DATA, "NUL byte",
     3, NULL},
    {"binary",
     "\x7f"
     "ELF\x02\x01\x01\0\0\0",
     10, GB_DATA, "NUL byte", 1, NULL},
    {"invalid UTF-8 names its line", "[briefing]\n\ntitle=caf\xe9\n", -1, GB_DATA, "invalid UTF-8",
     3, NULL},
    {"byte order mark accepted", "\xef\xbb\xbf[briefing]\ntitle=Notepad\n", -1, GB_OK, NULL, 0,
     "Notepad"},
    {"syntax error names its line", "[briefing]\ntitle=A\n# fine\nthis is not a setting\n", -1,
     GB_DATA, "not a key file", 4, NULL},
    {"syntax error after CRLF lines", "[briefing]\r\ntitle=A\r\nbroken\r\n", -1, GB_DATA,
     "not a key file", 3, NULL},
    {"key before any group", "title=A\n[briefing]\n", -1, GB_DATA, "not a key file", 1, NULL},
    {"title over its limit", NULL, 0, GB_DATA, "title is 201 bytes long; the limit is 200", 2,
     NULL},
};

START_TEST(test_config)
{
    GString *text = g_string_new(NULL);
    if (configs[_i].text == NULL) {
        g_string_append(text, "[briefing]\ntitle=");
        for (int i = 0; i < GB_CONFIG_MAX_TITLE_BYTES + 1; i++)
            g_string_append_c(text, 't');
        g_string_append_c(text, '\n');
    } else {
        gssize len = configs[_i].len;
        g_string_append_len(text, configs[_i].text,
                            len < 0 ? (gssize)strlen(configs[_i].text) : len);
    }
    char *path = gb_test_file("briefing.ini", text->str, (gssize)text->len);
    GbConfig *c = gb_config_new();
    GbDiag d = {0};
    GbStatus st = gb_config_load(c, path, &d);
    ck_assert_msg(st == configs[_i].status, "%s: status %d (%s)", configs[_i].name, st, d.message);
    if (configs[_i].message != NULL) {
        ck_assert_msg(strstr(d.message, configs[_i].message) != NULL, "%s: '%s'", configs[_i].name,
                      d.message);
        ck_assert_msg(d.line == (guint64)configs[_i].line, "%s: line %" G_GUINT64_FORMAT,
                      configs[_i].name, d.line);
    }
    if (configs[_i].title != NULL)
        ck_assert_str_eq(c->title, configs[_i].title);
    gb_diag_clear(&d);
    gb_config_free(c);
    g_free(path);
    g_string_free(text, TRUE);
}
END_TEST

/* ---- a data folder given with -d ---------------------------------------- */

/* A copy of the bundled reference tables (not the grades) in a fresh folder. */
static char *
copy_refdata(void)
{
    char *dir = gb_test_tmpdir("gbref");
    GDir *d = g_dir_open(GB_DATADIR, 0, NULL);
    const char *name;
    while ((name = g_dir_read_name(d)) != NULL) {
        char *from = g_build_filename(GB_DATADIR, name, NULL), *to;
        char *text;
        gsize len;
        if (g_file_test(from, G_FILE_TEST_IS_REGULAR) &&
            g_file_get_contents(from, &text, &len, NULL)) {
            to = g_build_filename(dir, name, NULL);
            g_file_set_contents(to, text, (gssize)len, NULL);
            g_free(to);
            g_free(text);
        }
        g_free(from);
    }
    g_dir_close(d);
    return dir;
}

/* Appends line to dir/file. */
static void
append_line(const char *dir, const char *file, const char *line)
{
    char *path = g_build_filename(dir, file, NULL), *text;
    ck_assert(g_file_get_contents(path, &text, NULL, NULL));
    char *more = g_strconcat(text, line, "\n", NULL);
    ck_assert(g_file_set_contents(path, more, -1, NULL));
    g_free(more);
    g_free(text);
    g_free(path);
}

static int
count_lines_of(const char *dir, const char *file)
{
    char *path = g_build_filename(dir, file, NULL), *text;
    ck_assert(g_file_get_contents(path, &text, NULL, NULL));
    int n = 0;
    for (char *p = text; *p; p++)
        n += *p == '\n';
    g_free(text);
    g_free(path);
    return n;
}

static const struct {
    const char *name, *file, *line, *message;
} refdata[] = {
    {"nan headline", "headlines.csv",
     "x-nan,2007,apa,staying_safe,share,outstanding,nan,percent,,exact,Bad,Nobody,published-only,,,"
     ",,",
     "value must be a number (not nan or inf)"},
    {"inf headline", "headlines.csv",
     "x-inf,2007,apa,staying_safe,share,outstanding,inf,percent,,exact,Bad,Nobody,published-only,,,"
     ",,",
     "value must be a number (not nan or inf)"},
    /* What a published figure measures: kind, its dates and its group. */
    {"unknown headline kind", "headlines.csv",
     "x-k,2013,cp2012,child_protection,count,inadequate,20,count,152,exact,Bad,Nobody,stock,,,,,",
     "kind must be position, period or published-only, not 'stock'"},
    {"bad as_at date", "headlines.csv",
     "x-d,2013,cp2012,child_protection,count,inadequate,20,count,152,exact,Bad,Nobody,position,"
     "2013-02-30,,,safeguarding,",
     "as_at must be a date (YYYY-MM-DD), not '2013-02-30'"},
    {"position without as_at", "headlines.csv",
     "x-p,2013,cp2012,child_protection,count,inadequate,20,count,152,exact,Bad,Nobody,position,,,,"
     "safeguarding,",
     "a position needs its as_at date"},
    {"position of no family", "headlines.csv",
     "x-f,2013,cp2012,child_protection,count,inadequate,20,count,152,exact,Bad,Nobody,position,"
     "2013-03-31,,,nowhere,",
     "a position's group must be a judgement family"},
    {"period backwards", "headlines.csv",
     "x-b,2013,cp2012,child_protection,count,inadequate,17,count,50,exact,Bad,Nobody,period,,"
     "2013-09-30,2012-05-01,cpi,",
     "a period's to date is before its from date"},
    {"period date in the wrong form", "headlines.csv",
     "x-w,2013,cp2012,child_protection,count,inadequate,17,count,50,exact,Bad,Nobody,period,,"
     "1/5/2012,2013-09-30,cpi,",
     "from must be a date (YYYY-MM-DD), not '1/5/2012'"},
    {"published-only with a date", "headlines.csv",
     "x-o,2013,,,count,inadequate,17,count,50,exact,Bad,Nobody,published-only,2013-03-31,,,,",
     "a published-only figure has no dates to pair it by"},
    {"far tile", "tiles.csv", "999,200,200,Far", "q and r must be whole numbers 0-40"},
    {"own neighbour", "neighbours.csv", "302,1,302,Close",
     "Barnet is listed as its own statistical neighbour"},
    {"name differing by punctuation", "authorities.csv", "998,Barnet!,E09999998,,London,,,",
     "\"Barnet!\" differs only in case, spaces or "
     "punctuation from \"Barnet\", a name of Barnet (line 3)"},
    {"name differing by case", "authorities.csv", "998,BARNET,E09999998,,London,,,",
     "\"BARNET\" differs only in case"},
    {"alias differing by punctuation", "authorities.csv", "998,Nowhere,E09999998,Bar-net,London,,,",
     "\"Bar-net\" differs only in case"},
    {"regime ids that differ by case", "regimes.csv", "APA,Again,APA,2005,2008",
     "duplicate regime id"},
};

/* The far tile needs an authority with no tile: one is added first. */
START_TEST(test_refdata)
{
    char *dir = copy_refdata();
    if (strcmp(refdata[_i].file, "tiles.csv") == 0)
        append_line(dir, "authorities.csv", "999,Faraway,E09999999,,London,,,");
    append_line(dir, refdata[_i].file, refdata[_i].line);
    int line = count_lines_of(dir, refdata[_i].file);
    GbRef *ref = NULL;
    GbDiag d = {0};
    GbStatus st = gb_ref_load(dir, &ref, &d);
    ck_assert_msg(st == GB_DATA, "%s: status %d", refdata[_i].name, st);
    ck_assert_msg(strstr(d.message, refdata[_i].message) != NULL, "%s: '%s'", refdata[_i].name,
                  d.message);
    ck_assert_msg(g_str_has_suffix(d.path, refdata[_i].file), "%s: in %s", refdata[_i].name,
                  d.path);
    ck_assert_msg(d.line == (guint64)line, "%s: line %" G_GUINT64_FORMAT " not %d",
                  refdata[_i].name, d.line, line);
    gb_diag_clear(&d);
    g_free(dir);
}
END_TEST

static GbRef *ref;

static void
setup(void)
{
    GbDiag d = {0};
    ck_assert_int_eq(gb_ref_load(GB_DATADIR, &ref, &d), GB_OK);
}

static void
teardown(void)
{
    gb_ref_free(ref);
}

static const struct {
    const char *regime, *judgement, *want_regime, *want_judgement;
} ids[] = {
    {"SIF", "Overall_Effectiveness", "sif", "overall_effectiveness"},
    {" APA ", "STAYING_SAFE", "apa", "staying_safe"},
    {"ilacs", " leaders ", "ilacs", "leaders"},
    {"Ilacs", "Help_And_Protection", "ilacs", "help_and_protection"},
};

START_TEST(test_ids_ignore_case)
{
    int r = gb_ref_find_regime(ref, ids[_i].regime);
    ck_assert_msg(r >= 0, "regime '%s' not found", ids[_i].regime);
    ck_assert_str_eq(gb_ref_regime(ref, r)->id, ids[_i].want_regime);
    int j = gb_ref_find_judgement(ref, r, ids[_i].judgement);
    ck_assert_msg(j >= 0, "judgement '%s' not found", ids[_i].judgement);
    ck_assert_str_eq(gb_ref_judgement(ref, j)->id, ids[_i].want_judgement);
}
END_TEST

static const struct {
    const char *given, *name;
} long_forms[] = {
    {"London Borough of Barnet", "Barnet"},
    {"Royal Borough of Kensington and Chelsea", "Kensington and Chelsea"},
    {"Leeds City Council", "Leeds"},
    {"Hertfordshire County Council", "Hertfordshire"},
    {"City of York", "York"},
    {"city of westminster", "Westminster"},
    {"Wigan Metropolitan Borough Council", "Wigan"},
    {"City of London", "City of London"},
};

START_TEST(test_long_forms)
{
    GString *scratch = g_string_new(NULL);
    const char *s = long_forms[_i].given;
    int a = gb_ref_find_authority(ref, s, strlen(s), 0, 20250331, scratch, NULL);
    ck_assert_msg(a >= 0, "'%s' not found", s);
    ck_assert_str_eq(gb_ref_authority(ref, a)->name, long_forms[_i].name);
    g_string_free(scratch, TRUE);
}
END_TEST

static const struct {
    const char *given, *said;
} suggestions[] = {
    {"Herts", "did you mean Hertfordshire?"},
    {"Barnat", "did you mean Barnet?"},
    {"London Borough of Barnt", "did you mean Barnet?"},
    {"Gotham", "use a name, alias, ONS or DfE code"},
};

START_TEST(test_suggest)
{
    char *msg = gb_ref_unknown_authority(ref, suggestions[_i].given);
    ck_assert_msg(strstr(msg, suggestions[_i].said) != NULL, "%s: %s", suggestions[_i].given, msg);
    g_free(msg);
}
END_TEST

/* ---- loading: duplicates and dates -------------------------------------- */

#define HDR "authority,year,regime,judgement,grade\n"

/* Rows with ids and names as people type them are used, not rejected. */
START_TEST(test_rows_as_typed)
{
    char *path = gb_test_file("typed.csv",
                              HDR "\"London Borough of Barnet\",2007,\" APA \","
                                  "STAYING_SAFE,good\nLeeds City Council,2013,SIF,"
                                  "Overall_Effectiveness,Good\n",
                              -1);
    GbLoader *l;
    GbDiag d = {0};
    ck_assert_int_eq(gb_loader_new(ref, &l, &d), GB_OK);
    GbTable *t = gb_table_new(ref);
    ck_assert_int_eq(gb_load_file(l, t, path, &d), GB_OK);
    const GbDiag *r = l->rejects->items->len ? &g_array_index(l->rejects->items, GbDiag, 0) : NULL;
    ck_assert_msg(r == NULL, "rejected: %s", r ? r->message : "");
    ck_assert_uint_eq(t->kept, 2);
    gb_table_free(t);
    gb_loader_free(l);
    g_free(path);
}
END_TEST

START_TEST(test_conflict_names_line_streaming)
{
    char *a = gb_test_file("a.csv",
                           HDR "Barnet,2006,apa,staying_safe,Good\n\n"
                               "Leeds,2006,apa,staying_safe,Good\n",
                           -1);
    char *b = gb_test_file("b.csv", HDR "Leeds,2006,apa,staying_safe,Adequate\n", -1);
    for (int streaming = 0; streaming < 2; streaming++) {
        GbLoader *l;
        GbDiag d = {0};
        ck_assert_int_eq(gb_loader_new(ref, &l, &d), GB_OK);
        GbTable *t = gb_table_new(ref);
        if (streaming)
            gb_table_set_streaming(t, 0);
        ck_assert_int_eq(gb_load_file(l, t, a, &d), GB_OK);
        ck_assert_int_eq(gb_load_file(l, t, b, &d), GB_OK);
        ck_assert_uint_eq(l->rejects->items->len, 1);
        const GbDiag *r = &g_array_index(l->rejects->items, GbDiag, 0);
        char *want = g_strdup_printf("but Good at %s:4", a);
        ck_assert_msg(strstr(r->message, want) != NULL, "streaming %d: %s", streaming, r->message);
        g_free(want);
        gb_table_free(t);
        gb_loader_free(l);
    }
    g_free(a);
    g_free(b);
}
END_TEST

static const struct {
    const char *name, *data, *message;
    int line, col;
} futures[] = {
    {"a date after the run",
     "authority,date,regime,judgement,grade\n"
     "Barnet,2052-05-01,ilacs,leaders,Good\n",
     "judgement in the future (field 'date' = "
     "\"2052-05-01\"; nothing can be judged after 2025-03-31",
     2, 8},
    {"the next day",
     "authority,date,regime,judgement,grade\n"
     "Barnet,2025-04-01,ilacs,leaders,Good\n",
     "judgement in the future", 2, 8},
    {"a year after the run", HDR "Barnet,2026,ilacs,leaders,Good\n",
     "judgement in the future (field 'year' = \"2026\"", 2, 8},
};

START_TEST(test_future)
{
    char *path = gb_test_file("f.csv", futures[_i].data, -1);
    GbLoader *l;
    GbDiag d = {0};
    ck_assert_int_eq(gb_loader_new(ref, &l, &d), GB_OK);
    GbTable *t = gb_table_new(ref);
    t->date_limit = 20250331;
    ck_assert_int_eq(gb_load_file(l, t, path, &d), GB_OK);
    ck_assert_uint_eq(l->rejects->items->len, 1);
    const GbDiag *r = &g_array_index(l->rejects->items, GbDiag, 0);
    ck_assert_msg(strstr(r->message, futures[_i].message) != NULL, "%s: %s", futures[_i].name,
                  r->message);
    ck_assert_uint_eq(r->line, futures[_i].line);
    ck_assert_uint_eq(r->column, futures[_i].col);
    ck_assert_uint_eq(t->newest_date, 0); /* nothing moved */
    gb_table_free(t);
    gb_loader_free(l);
    g_free(path);
}
END_TEST

START_TEST(test_date_limit_from_epoch)
{
    g_setenv("SOURCE_DATE_EPOCH", "1743379200", TRUE); /* 2025-03-31T00:00:00Z */
    ck_assert_uint_eq(gb_table_default_date_limit(), 20250331);
    g_unsetenv("SOURCE_DATE_EPOCH");
    GDateTime *now = g_date_time_new_now_utc();
    guint32 today = (guint32)(g_date_time_get_year(now) * 10000 + g_date_time_get_month(now) * 100 +
                              g_date_time_get_day_of_month(now));
    g_date_time_unref(now);
    ck_assert_uint_eq(gb_table_default_date_limit(), today);
}
END_TEST

/* ---- fonts ----------------------------------------------------------------- */

static const struct {
    const char *name, *text;
    gboolean covered;
} scripts[] = {
    {"Latin", "Kingston upon Thames", TRUE},
    {"Arabic", "\u0645\u0631\u062D\u0628\u0627", TRUE},
    {"CJK", "\u4E2D\u6587", TRUE},
    {"emoji", "\U0001F600", TRUE},
    {"cuneiform: no font", "\U00012000", FALSE},
    {"a control character", "a\x01z", FALSE},
};

START_TEST(test_font_coverage)
{
    char *err = NULL;
    GbFonts *f = gb_fonts_new(NULL, &err);
    ck_assert_msg(f != NULL, "%s", err);
    double w, h;
    gb_fonts_measure(f, scripts[_i].text, 10, FALSE, -1, &w, &h);
    char *missing = gb_fonts_take_uncovered(f);
    ck_assert_msg((missing == NULL) == scripts[_i].covered, "%s: %s", scripts[_i].name,
                  missing ? missing : "covered");
    if (missing != NULL) {
        ck_assert_ptr_nonnull(strstr(missing, "no installed font has a glyph for U+"));
        g_free(missing);
        /* Noted again from the cache, for the next take (the next pack). */
        gb_fonts_measure(f, scripts[_i].text, 10, FALSE, -1, &w, &h);
        missing = gb_fonts_take_uncovered(f);
        ck_assert_ptr_nonnull(missing);
        g_free(missing);
    }
    gb_fonts_free(f);
}
END_TEST

/* A 64 KB run with no space took 3.3 s in one layout: pango's word-then-
 * character wrapping re-shapes such a run for every break it tries (quadratic).
 * A run of more than 200 bytes without a space is wrapped at any character
 * instead (charts/kit.c). Checked by what the layout is asked to do, not by a
 * clock: a text with a long run gets PANGO_WRAP_CHAR, one just under the
 * threshold or with spaces keeps WORD_CHAR, and the 64 KB run is still wrapped
 * over many lines at the width asked. */
START_TEST(test_long_run_linear)
{
    char *err = NULL;
    GbFonts *f = gb_fonts_new(NULL, &err);
    ck_assert_msg(f != NULL, "%s", err);
    cairo_surface_t *surf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 8, 8);
    cairo_t *cr = cairo_create(surf);
    char *run = g_strnfill(64 * 1024, 'x');
    char *edge = g_strnfill(200, 'x'); /* the longest run still wrapped by word */
    char *over = g_strnfill(201, 'x');
    char *spaced = g_strjoinv(" ", (char *[]){edge, edge, edge, NULL});
    const struct {
        const char *text;
        PangoWrapMode wrap;
    } cases[] = {{run, PANGO_WRAP_CHAR},
                 {over, PANGO_WRAP_CHAR},
                 {edge, PANGO_WRAP_WORD_CHAR},
                 {spaced, PANGO_WRAP_WORD_CHAR}};
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        PangoLayout *ly = gb_fonts_layout(f, cr, cases[i].text, 10, FALSE, FALSE, 300);
        ck_assert_msg(pango_layout_get_wrap(ly) == cases[i].wrap, "case %zu: wrap %d, not %d", i,
                      (int)pango_layout_get_wrap(ly), (int)cases[i].wrap);
        g_object_unref(ly);
    }
    double w, h;
    gb_fonts_measure(f, run, 10, FALSE, 300, &w, &h);
    ck_assert_double_le(w, 300);
    ck_assert_double_gt(h, 1000); /* wrapped over many lines, not one */
    g_free(spaced);
    g_free(over);
    g_free(edge);
    g_free(run);
    cairo_destroy(cr);
    cairo_surface_destroy(surf);
    gb_fonts_free(f);
}
END_TEST

/* One run of the program (gb_test_run, testutil.h). */
typedef struct {
    int status;
    char *out, *err;
} GbExec;

/* ---- the program: headlines.csv errors -------------------------------- */

/* A headlines.csv row whose kind or date is bad stops every command with one
 * line naming the file, line and column of the cell, and exit 65. */
static const struct {
    const char *name, *line, *cell, *message;
} bad_headlines[] = {
    {"kind",
     "x-k,2013,cp2012,child_protection,count,inadequate,20,count,152,exact,Bad,Nobody,stock,,,,,",
     "stock", "kind must be position, period or published-only"},
    {"as_at",
     "x-d,2013,cp2012,child_protection,count,inadequate,20,count,152,exact,Bad,Nobody,position,"
     "2013-13-01,,,safeguarding,",
     "2013-13-01", "as_at must be a date (YYYY-MM-DD)"},
    {"to",
     "x-t,2013,cp2012,child_protection,count,inadequate,17,count,50,exact,Bad,Nobody,period,,"
     "2012-05-01,September 2013,cpi,",
     "September 2013", "to must be a date (YYYY-MM-DD)"},
};

START_TEST(test_bad_headline_cli)
{
    char *dir = copy_refdata();
    append_line(dir, "headlines.csv", bad_headlines[_i].line);
    int line = count_lines_of(dir, "headlines.csv");
    char *grades = g_build_filename(GB_DATADIR, "grades", "apa-2007-staying-safe.csv", NULL);
    const char *args[] = {GB_BINARY, "stats", "-d", dir, grades, NULL};
    GbExec x;
    x.status = gb_test_run(NULL, args, &x.out, &x.err);
    ck_assert_msg(x.status == 65, "%s: exit %d: %s", bad_headlines[_i].name, x.status, x.err);
    int column =
        (int)(strstr(bad_headlines[_i].line, bad_headlines[_i].cell) - bad_headlines[_i].line) + 1;
    char *where = g_strdup_printf("headlines.csv:%d:%d: ", line, column);
    ck_assert_msg(strstr(x.err, where) != NULL, "%s: '%s' lacks '%s'", bad_headlines[_i].name,
                  x.err, where);
    ck_assert_msg(strstr(x.err, bad_headlines[_i].message) != NULL, "%s: '%s'",
                  bad_headlines[_i].name, x.err);
    /* One line. */
    const char *nl = strchr(x.err, '\n');
    ck_assert_msg(nl != NULL && nl[1] == '\0', "%s: not one line: '%s'", bad_headlines[_i].name,
                  x.err);
    g_free(where);
    g_free(grades);
    g_free(x.out);
    g_free(x.err);
    g_free(dir);
}
END_TEST
static Suite *
limits_suite(void)
{
    Suite *s = suite_create("limits");
    TCase *tc = tcase_create("input");
    tcase_add_loop_test(tc, test_csv, 0, G_N_ELEMENTS(csv_cases));
    tcase_add_loop_test(tc, test_escape, 0, G_N_ELEMENTS(escapes));
    tcase_add_loop_test(tc, test_text_key, 0, G_N_ELEMENTS(keys));
    tcase_add_test(tc, test_diag_path_escaped);
    tcase_add_test(tc, test_first_parse_beside_onces);
    tcase_add_loop_test(tc, test_config, 0, G_N_ELEMENTS(configs));
    tcase_add_loop_test(tc, test_refdata, 0, G_N_ELEMENTS(refdata));
    tcase_add_loop_test(tc, test_bad_headline_cli, 0, G_N_ELEMENTS(bad_headlines));
    suite_add_tcase(s, tc);

    TCase *rc = tcase_create("reference");
    tcase_add_checked_fixture(rc, setup, teardown);
    tcase_add_loop_test(rc, test_ids_ignore_case, 0, G_N_ELEMENTS(ids));
    tcase_add_loop_test(rc, test_long_forms, 0, G_N_ELEMENTS(long_forms));
    tcase_add_loop_test(rc, test_suggest, 0, G_N_ELEMENTS(suggestions));
    tcase_add_test(rc, test_rows_as_typed);
    tcase_add_test(rc, test_conflict_names_line_streaming);
    tcase_add_loop_test(rc, test_future, 0, G_N_ELEMENTS(futures));
    tcase_add_test(rc, test_date_limit_from_epoch);
    suite_add_tcase(s, rc);

    TCase *fc = tcase_create("fonts");
    tcase_set_timeout(fc, 60);
    tcase_add_loop_test(fc, test_font_coverage, 0, G_N_ELEMENTS(scripts));
    tcase_add_test(fc, test_long_run_linear);
    suite_add_tcase(s, fc);
    return s;
}

int
main(void)
{
    if (g_getenv("GB_TEST_FIRST_PARSE") != NULL)
        return first_parse_child();
    return gb_test_main(limits_suite());
}
