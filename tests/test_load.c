/* test_load.c - read + validate: every reject class, every accepted variant,
 * the wide Ofsted profiles, and the bundled data's exact counts. */
#include "loadcheck.h"
#include "pipeline/csvread.h"
#include "pipeline/load.h"
#include "pipeline/stats.h"
#include "testutil.h"

#include <string.h>

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

#define HDR "authority,year,regime,judgement,grade\n"

/* Loads one file (len -1: NUL-terminated text) over the reference data only. */
typedef struct {
    GbLoader *l;
    GbTable *t;
    GbStatus status;
    GbDiag diag;
    char *path;
} GbRun;

static void
run_file(GbRun *r, const char *data, gssize len)
{
    memset(r, 0, sizeof *r);
    r->path = gb_test_file("t.csv", data, len);
    ck_assert_int_eq(gb_loader_new(ref, &r->l, &r->diag), GB_OK);
    r->t = gb_table_new(ref);
    r->status = gb_load_file(r->l, r->t, r->path, &r->diag);
}

static void
run_clear(GbRun *r)
{
    gb_table_free(r->t);
    gb_loader_free(r->l);
    gb_diag_clear(&r->diag);
    g_free(r->path);
}

/* The message of the first reject, or of the file-level problem. */
static const GbDiag *
first_problem(const GbRun *r)
{
    if (r->status != GB_OK)
        return &r->diag;
    if (r->l->rejects->items->len == 0)
        return NULL;
    return &g_array_index(r->l->rejects->items, GbDiag, 0);
}

/* Rejects: each row names the input, the status of the file, rejected rows,
 * a piece of the message and the position (0 = not checked). */
static const struct {
    const char *name;
    const char *data;
    int len; /* -1: strlen */
    GbStatus status;
    int rejected;
    const char *message;
    int line, col;
} rejects[] = {
    {"unknown grade", HDR "Barnet,2007,apa,staying_safe,Excellent\n", -1, GB_OK, 1,
     "unknown grade (field 'grade' = \"Excellent\"; expected one of apa: Outstanding, Good, "
     "Adequate, Inadequate)",
     2, 30},
    {"unknown authority", HDR "Gotham,2007,apa,staying_safe,Good\n", -1, GB_OK, 1,
     "unknown authority (field 'authority' = \"Gotham\"", 2, 1},
    {"unknown regime", HDR "Barnet,2007,ofsted,staying_safe,Good\n", -1, GB_OK, 1,
     "unknown regime (field 'regime' = \"ofsted\"; expected one of: apa,", 2, 13},
    {"unknown judgement", HDR "Barnet,2007,apa,leaders,Good\n", -1, GB_OK, 1,
     "unknown judgement (field 'judgement' = \"leaders\"; apa has: staying_safe)", 2, 17},
    {"empty authority", HDR ",2007,apa,staying_safe,Good\n", -1, GB_OK, 1,
     "empty required field (field 'authority' = \"\"", 2, 1},
    {"empty grade", HDR "Barnet,2007,apa,staying_safe,\n", -1, GB_OK, 1,
     "empty required field (field 'grade'", 2, 30},
    {"year not a number", HDR "Barnet,20o7,apa,staying_safe,Good\n", -1, GB_OK, 1,
     "not a year (field 'year' = \"20o7\"", 2, 8},
    {"year outside regime", HDR "Barnet,2012,apa,staying_safe,Good\n", -1, GB_OK, 1,
     "year 2012 is outside the apa regime's years (2005-2008)", 2, 8},
    {"authority not yet created", HDR "Bedford,2007,apa,staying_safe,Good\n", -1, GB_OK, 1,
     "authority did not exist then (field 'authority' = \"Bedford\"; Bedford existed from "
     "2009-04-01)",
     2, 1},
    {"authority not yet created, its name remembered from a row before",
     HDR "Bedford,2010,slac,overall_effectiveness,Good\nBedford,2007,apa,staying_safe,Good\n", -1,
     GB_OK, 1, "authority did not exist then (field 'authority' = \"Bedford\"", 3, 1},
    {"bad date", "authority,date,regime,judgement,grade\nBarnet,2019-02-30,ilacs,leaders,Good\n",
     -1, GB_OK, 1, "not a date (field 'date' = \"2019-02-30\"", 2, 8},
    {"too few fields", HDR "Barnet,2007,apa,staying_safe\n", -1, GB_OK, 1,
     "record has 4 fields; the header has 5", 2, 1},
    {"too many fields", HDR "Barnet,2007,apa,staying_safe,Good,extra\n", -1, GB_OK, 1,
     "record has 6 fields; the header has 5", 2, 35},
    {"conflicting duplicate",
     HDR "Barnet,2007,apa,staying_safe,Good\nBarnet,2007,apa,"
         "staying_safe,Adequate\n",
     -1, GB_OK, 1, "conflicting duplicate: Barnet apa/staying_safe is Adequate here but Good at ",
     3, 30},
    {"control character echoed safely", HDR "Barnet,2007,apa,staying_safe,Go\x01od\n", -1, GB_OK, 1,
     "\"Go\\x01od\"", 2, 30},
    {"missing column", "authority,year,regime,judgement\nBarnet,2007,apa,staying_safe\n", -1,
     GB_DATA, 0, "unknown table layout", 1, 1},
    {"missing year and date", "authority,regime,judgement,grade\nBarnet,apa,staying_safe,Good\n",
     -1, GB_DATA, 0, "missing required column 'year' (or 'date')", 1, 1},
    {"duplicate column", "authority,year,regime,judgement,grade,Grade\n", -1, GB_DATA, 0,
     "duplicate column 'grade' (also column 5)", 1, 39},
    {"duplicate column in a wide header (found by fuzzing)",
     "Local authority area code,Local authority status,Inspection type,Inspection date,"
     "Overall effectiveness,Overall effectiveness\nE09000003,Current,x,2019-05-13,Good,Good\n",
     -1, GB_OK, 0, NULL, 0, 0},
    {"unknown column", "authority,year,regime,judgement,grade,colour\n", -1, GB_DATA, 0,
     "unknown column \"colour\"; expected columns:", 1, 39},
    {"unterminated quote", HDR "\"Barnet,2007,apa,staying_safe,Good\n", -1, GB_DATA, 0,
     "unterminated quoted field", 2, 1},
    {"unterminated quote later", HDR "Barnet,2007,apa,staying_safe,\"Good\nBarnet,2008\n", -1,
     GB_DATA, 0, "unterminated quoted field", 2, 30},
    {"stray quote", HDR "Bar\"net,2007,apa,staying_safe,Good\n", -1, GB_DATA, 0,
     "stray '\"' in an unquoted field", 2, 4},
    {"junk after quote", HDR "\"Barnet\"x,2007,apa,staying_safe,Good\n", -1, GB_DATA, 0,
     "unexpected character after a closing quote", 2, 9},
    {"NUL byte", HDR "Bar\0net,2007,apa,staying_safe,Good\n", 38 + 34, GB_DATA, 0,
     "NUL byte (this is not a text file", 2, 4},
    {"invalid UTF-8",
     HDR "Bar\xff"
         "net,2007,apa,staying_safe,Good\n",
     -1, GB_DATA, 0, "invalid UTF-8 (byte 0xFF at offset 3 of the field)", 2, 1},
    {"UTF-16",
     "\xff\xfe"
     "a\0u\0",
     6, GB_DATA, 0, "file is UTF-16", 1, 1},
    {"empty file", "", 0, GB_DATA, 0, "file is empty", 0, 0},
    {"only blank lines", "\n\n\r\n", -1, GB_DATA, 0, "file has no records (only blank lines)", 0,
     0},
};

START_TEST(test_reject)
{
    GbRun r;
    gssize len = rejects[_i].len;
    run_file(&r, rejects[_i].data, len < 0 ? (gssize)strlen(rejects[_i].data) : len);
    gb_test_split_same_file(ref, r.path); /* the same read on two and three threads */
    ck_assert_msg(r.status == rejects[_i].status, "%s: status %d", rejects[_i].name, r.status);
    GbFileAccount total;
    gb_table_totals(r.t, &total);
    ck_assert_msg(total.rejected == (guint64)rejects[_i].rejected,
                  "%s: rejected %" G_GUINT64_FORMAT, rejects[_i].name, total.rejected);
    ck_assert_uint_eq(total.rows, total.used + total.merged + total.rejected);
    const GbDiag *d = first_problem(&r);
    if (rejects[_i].message == NULL) { /* must simply not crash, and account */
        run_clear(&r);
        return;
    }
    ck_assert_msg(d != NULL && d->message != NULL, "%s: no message", rejects[_i].name);
    ck_assert_msg(strstr(d->message, rejects[_i].message) != NULL, "%s: message '%s'",
                  rejects[_i].name, d->message);
    if (rejects[_i].line > 0)
        ck_assert_msg(d->line == (guint64)rejects[_i].line, "%s: line %" G_GUINT64_FORMAT,
                      rejects[_i].name, d->line);
    if (rejects[_i].col > 0)
        ck_assert_msg(d->column == (guint64)rejects[_i].col, "%s: column %" G_GUINT64_FORMAT,
                      rejects[_i].name, d->column);
    ck_assert_msg(strchr(d->message, '\n') == NULL, "%s: message spans lines", rejects[_i].name);
    run_clear(&r);
}
END_TEST

START_TEST(test_field_too_long)
{
    GString *s = g_string_new(HDR);
    for (int i = 0; i < GB_CSV_MAX_FIELD_BYTES + 1; i++)
        g_string_append_c(s, 'x');
    g_string_append(s, ",2007,apa,staying_safe,Good\n");
    GbRun r;
    run_file(&r, s->str, (gssize)s->len);
    ck_assert_int_eq(r.status, GB_DATA);
    ck_assert_ptr_nonnull(strstr(r.diag.message, "field is too long"));
    ck_assert_ptr_nonnull(strstr(r.diag.message, "the limit is 16384"));
    run_clear(&r);
    g_string_free(s, TRUE);
}
END_TEST

START_TEST(test_missing_and_directory)
{
    GbLoader *l;
    GbDiag d = {0};
    ck_assert_int_eq(gb_loader_new(ref, &l, &d), GB_OK);
    GbTable *t = gb_table_new(ref);
    ck_assert_int_eq(gb_load_file(l, t, "/nonexistent/grades.csv", &d), GB_NOINPUT);
    ck_assert_ptr_nonnull(strstr(d.message, "cannot open"));
    char *dir = gb_test_tmpdir("gbtest");
    ck_assert_int_eq(gb_load_file(l, t, dir, &d), GB_NOINPUT);
    ck_assert_ptr_nonnull(strstr(d.message, "is a directory"));
    g_free(dir);
    gb_diag_clear(&d);
    gb_table_free(t);
    gb_loader_free(l);
}
END_TEST

/* Accepted variants: rows used, merged, judgements kept, and one authority's
 * code that the first row must resolve to. */
static const struct {
    const char *name;
    const char *data;
    int used, merged;
    const char *code;
} accepts[] = {
    {"BOM and CRLF",
     "\xEF\xBB\xBF"
     "authority,year,regime,judgement,grade\r\nBarnet,2006,apa,"
     "staying_safe,Good\r\n",
     1, 0, "302"},
    {"alias", HDR "Kingston/Thames,2006,apa,staying_safe,Good\n", 1, 0, "314"},
    {"case and spaces", HDR "  kingston   UPON thames ,2006, apa ,STAYING_SAFE,  GOOD \n", 1, 0,
     "314"},
    {"quoted comma", HDR "\"Bristol, City of\",2006,apa,staying_safe,Good\n", 1, 0, "801"},
    {"quoted newline in source",
     "authority,year,regime,judgement,grade,source\nBarnet,2006,apa,"
     "staying_safe,Good,\"line one\nline two\"\n",
     1, 0, "302"},
    {"column order", "grade,judgement,regime,year,authority\nGood,staying_safe,apa,2006,Barnet\n",
     1, 0, "302"},
    {"identical duplicates",
     HDR "Barnet,2006,apa,staying_safe,Good\nBARNET,2006,apa,"
         "staying_safe,good\n",
     1, 1, "302"},
    {"no trailing newline", HDR "Barnet,2006,apa,staying_safe,Good", 1, 0, "302"},
    {"ONS code", HDR "E09000003,2006,apa,staying_safe,Good\n", 1, 0, "302"},
    {"old ONS code", HDR "E08000016,2006,apa,staying_safe,Good\n", 1, 0, "370"},
    {"DfE code", HDR "302,2006,apa,staying_safe,Good\n", 1, 0, "302"},
    {"UK date",
     "authority,date,regime,judgement,grade\nBarnet,15/05/2019,ilacs,leaders,"
     "Requires improvement to be good\n",
     1, 0, "302"},
    {"name reused: old Dorset", HDR "Dorset,2006,apa,staying_safe,Good\n", 1, 0, "835"},
    {"name reused: new Dorset", HDR "Dorset,2020,ilacs,leaders,Good\n", 1, 0, "838"},
    {"unannounced alias", HDR "Leeds,2010,unannounced,contact_referral,serious concerns\n", 1, 0,
     "383"},
    {"header only", HDR, 0, 0, NULL},
};

START_TEST(test_accept)
{
    GbRun r;
    run_file(&r, accepts[_i].data, -1);
    gb_test_split_same_file(ref, r.path);
    const GbDiag *d = first_problem(&r);
    ck_assert_msg(r.status == GB_OK && d == NULL, "%s: %s", accepts[_i].name, d ? d->message : "");
    GbFileAccount total;
    gb_table_totals(r.t, &total);
    ck_assert_msg(total.used == (guint64)accepts[_i].used, "%s: used", accepts[_i].name);
    ck_assert_msg(total.merged == (guint64)accepts[_i].merged, "%s: merged", accepts[_i].name);
    ck_assert_uint_eq(total.rejected, 0);
    if (accepts[_i].code != NULL) {
        const GbRow *row = gb_table_row(r.t, 0);
        ck_assert_str_eq(gb_ref_authority(ref, row->authority)->code, accepts[_i].code);
    }
    run_clear(&r);
}
END_TEST

START_TEST(test_profile_wide)
{
    /* The Ofsted history layout, columns reordered, with a blank care-leavers cell. */
    const char *data =
        "Local authority name,Local authority area code,Local authority status,Ofsted region,"
        "Inspection date,Publication date,Inspection type,Overall effectiveness,"
        "The impact of leaders on social work practice with children and families,"
        "The experiences and progress of children who need help and protection,"
        "The experiences and progress of children in care,"
        "The experiences and progress of care leavers,Web link (URL)\n"
        "Barnet,E09000003,Current,London,2019-05-13,2019-07-01,ILACS Standard Inspection,Good,"
        "Good,Good,Good,,x\n"
        "Barnet,E09000003,Current,London,2024-06-10,2024-07-23,ILACS Short Inspection,Good,"
        "Good,Good,Outstanding,Excellent,x\n";
    GbRun r;
    run_file(&r, data, -1);
    gb_test_split_same_file(ref, r.path);
    ck_assert_int_eq(r.status, GB_OK);
    const GbFileAccount *a = &g_array_index(r.t->files, GbFileAccount, 0);
    ck_assert_str_eq(a->layout, "ofsted-ilacs-history");
    ck_assert_uint_eq(a->rows, 2);
    ck_assert_uint_eq(a->used, 1);
    ck_assert_uint_eq(a->rejected, 1);
    ck_assert_uint_eq(a->not_judged, 1);
    ck_assert_uint_eq(a->judgements, 4);
    const GbDiag *d = first_problem(&r);
    ck_assert_ptr_nonnull(strstr(d->message, "field 'The experiences and progress of care "
                                             "leavers' = \"Excellent\""));
    ck_assert_uint_eq(d->line, 3);
    run_clear(&r);
}
END_TEST

START_TEST(test_unknown_layout)
{
    GbRun r;
    run_file(&r, "LA,Grade\nBarnet,Good\n", -1);
    ck_assert_int_eq(r.status, GB_DATA);
    ck_assert_ptr_nonnull(strstr(r.diag.message, "ofsted-ilacs-history, ofsted-inyear-activity"));
    run_clear(&r);
}
END_TEST

static const GbDistribution *
find_dist(GArray *ds, const char *regime, const char *judgement, int year)
{
    int rg = gb_ref_find_regime(ref, regime);
    int j = gb_ref_find_judgement(ref, rg, judgement);
    for (guint i = 0; i < ds->len; i++) {
        const GbDistribution *d = &g_array_index(ds, GbDistribution, i);
        if (d->regime == rg && d->judgement == j && d->year == year)
            return d;
    }
    return NULL;
}

START_TEST(test_bundled_data)
{
    GbLoader *l;
    GbDiag d = {0};
    ck_assert_int_eq(gb_loader_new(ref, &l, &d), GB_OK);
    GbTable *t = gb_table_new(ref);
    ck_assert_int_eq(gb_load_all(l, t, NULL, &d), GB_OK);
    GbFileAccount total;
    gb_table_totals(t, &total);
    ck_assert_uint_eq(total.rejected, 0);
    ck_assert_uint_eq(total.rows, total.used + total.merged + total.rejected);
    ck_assert_uint_eq(gb_diag_list_total(l->rejects), 0);

    GArray *ds = gb_stats_distributions(t, GB_BY_YEAR | GB_BY_REGIME | GB_BY_JUDGEMENT);
    const GbDistribution *apa = find_dist(ds, "apa", "staying_safe", 2007);
    ck_assert_ptr_nonnull(apa);
    ck_assert_uint_eq(apa->base, 150);
    ck_assert_uint_eq(apa->count[0], 12);
    ck_assert_uint_eq(apa->count[1], 90);
    ck_assert_uint_eq(apa->count[2], 43);
    ck_assert_uint_eq(apa->count[3], 5);
    const GbDistribution *il = find_dist(ds, "ilacs", "overall_effectiveness", 2018);
    ck_assert_ptr_nonnull(il);
    ck_assert_uint_eq(il->count[0], 5);
    ck_assert_uint_eq(il->count[1], 16);
    ck_assert_uint_eq(il->count[2], 10);
    ck_assert_uint_eq(il->count[3], 3);
    const GbDistribution *un = find_dist(ds, "unannounced", "contact_referral", 2009);
    ck_assert_uint_eq(un->base, 18);
    ck_assert_uint_eq(un->count[1], 9); /* areas for priority action */
    g_array_free(ds, TRUE);
    gb_table_free(t);
    gb_loader_free(l);
}
END_TEST

/* gb_table_find_near: the latest dated judgement of the authority and
 * judgement in [from, to] from another file, whether the table keeps rows (the
 * duplicate hash) or streams (a cell a year, a second date that year in the
 * hash). Expected answers come from the rows themselves. */
static const struct {
    guint32 date;
    int grade;
    guint file;
} near_rows[] = {
    {20190310, 1, 0}, {20190901, 2, 0}, {20201215, 0, 1}, {20210105, 3, 0}, {20220620, 1, 1},
};

static const struct {
    const char *name;
    gboolean other_authority;
    guint not_file;
    guint32 from, to;
    guint32 want; /* 0: none */
} near_cases[] = {
    {"latest of two that year", FALSE, 1, 20190101, 20191231, 20190901},
    {"the earlier of that year", FALSE, 1, 20190101, 20190801, 20190310},
    {"on the first day", FALSE, 1, 20190310, 20190601, 20190310},
    {"on the last day", FALSE, 1, 20190101, 20190310, 20190310},
    {"another file only", FALSE, 0, 20190101, 20211231, 20201215},
    {"across a new year", FALSE, 1, 20201201, 20210201, 20210105},
    {"same file only", FALSE, 0, 20210101, 20210201, 0},
    {"a gap", FALSE, 1, 20190902, 20201231, 0},
    {"a window of one day", FALSE, 0, 20220620, 20220620, 20220620},
    {"an empty window", FALSE, 0, 20220621, 20220620, 0},
    {"another authority", TRUE, 1, 20190101, 20221231, 0},
};

START_TEST(test_find_near)
{
    int regime = gb_ref_find_regime(ref, "ilacs");
    int j = gb_ref_find_judgement(ref, regime, "overall_effectiveness");
    ck_assert_int_ge(j, 0);
    for (int streaming = 0; streaming < 2; streaming++) {
        GbTable *t = gb_table_new(ref);
        t->date_limit = 0; /* the rows' dates are not checked here */
        if (streaming)
            gb_table_set_streaming(t, 20250331);
        gb_table_begin_file(t, "a.csv", "long");
        gb_table_begin_file(t, "b.csv", "long");
        /* A first call before every row is added: later rows must be found too. */
        guint32 d0 = 0;
        int g0 = 0;
        guint f0 = 0;
        guint64 l0 = 0;
        gb_table_find_near(t, 0, j, 20190101, 20191231, 9, &d0, &g0, &f0, &l0);
        for (gsize i = 0; i < G_N_ELEMENTS(near_rows); i++) {
            GbRow r = {.date = near_rows[i].date,
                       .year = (guint16)(near_rows[i].date / 10000),
                       .authority = 0,
                       .judgement = (guint8)j,
                       .grade = (gint8)near_rows[i].grade,
                       .file = (guint16)near_rows[i].file};
            guint pf;
            guint64 pl;
            int pg;
            ck_assert_int_eq(gb_table_add(t, &r, 10 + i, &pf, &pl, &pg), GB_ADD_NEW);
        }
        for (gsize c = 0; c < G_N_ELEMENTS(near_cases); c++) {
            guint32 date = 0;
            int grade = -1;
            guint file = 99;
            guint64 line = 0;
            gboolean found = gb_table_find_near(
                t, near_cases[c].other_authority ? 1 : 0, j, near_cases[c].from, near_cases[c].to,
                near_cases[c].not_file, &date, &grade, &file, &line);
            ck_assert_msg(found == (near_cases[c].want != 0), "%s (streaming %d): found %d",
                          near_cases[c].name, streaming, found);
            if (!found)
                continue;
            ck_assert_msg(date == near_cases[c].want, "%s (streaming %d): %u", near_cases[c].name,
                          streaming, date);
            gsize i = 0;
            while (near_rows[i].date != date)
                i++;
            ck_assert_int_eq(grade, near_rows[i].grade);
            ck_assert_uint_eq(file, near_rows[i].file);
            ck_assert_uint_eq(line, 10 + i);
        }
        gb_table_free(t);
    }
}
END_TEST

/* The same files, every one parsed on a thread of its own (the pipe). */
START_TEST(test_reject_piped)
{
    gb_csv_set_pipe_threshold(0);
    test_reject_fn(_i);
    gb_csv_set_pipe_threshold(1024 * 1024);
}
END_TEST

START_TEST(test_accept_piped)
{
    gb_csv_set_pipe_threshold(0);
    test_accept_fn(_i);
    gb_csv_set_pipe_threshold(1024 * 1024);
}
END_TEST

typedef struct {
    GString *log;
    guint64 fail_at; /* the callback fails at this record; 0: never */
} GbTranscript;

static GbStatus
transcribe(const GbCsvRecord *rec, gpointer user, GbDiag *diag)
{
    GbTranscript *t = user;
    g_string_append_printf(t->log, "%" G_GUINT64_FORMAT "@%" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT,
                           rec->record, rec->line, rec->offset);
    for (guint i = 0; i < rec->nfields; i++)
        g_string_append_printf(t->log, "|%zu:%s", rec->lens[i], rec->fields[i]);
    g_string_append_c(t->log, '\n');
    if (rec->record == t->fail_at) {
        gb_csv_diag_field(rec, 1, diag, "stop at record %" G_GUINT64_FORMAT, rec->record);
        return GB_DATA;
    }
    return GB_OK;
}

/* Reads data both ways and checks records, positions, status and diagnosis agree. */
static void
read_both_ways(const GString *data, guint64 fail_at, GbStatus want, const char *want_msg)
{
    char *dir = gb_test_tmpdir("gbpipe");
    char *path = g_build_filename(dir, "big.csv", NULL);
    ck_assert(g_file_set_contents(path, data->str, (gssize)data->len, NULL));
    GbTranscript one = {g_string_new(NULL), fail_at}, two = {g_string_new(NULL), fail_at};
    GbDiag d1 = {0}, d2 = {0};
    gb_csv_set_pipe_threshold(G_MAXSIZE);
    GbStatus s1 = gb_csv_read(path, transcribe, &one, &d1);
    gb_csv_set_pipe_threshold(0);
    GbStatus s2 = gb_csv_read(path, transcribe, &two, &d2);
    gb_csv_set_pipe_threshold(1024 * 1024);
    ck_assert_int_eq(s1, want);
    ck_assert_int_eq(s2, want);
    ck_assert_uint_gt(one.log->len, 0);
    ck_assert(g_string_equal(one.log, two.log));
    if (want_msg != NULL) {
        ck_assert_ptr_nonnull(strstr(d1.message, want_msg));
        ck_assert_str_eq(d1.message, d2.message);
        ck_assert_uint_eq(d1.line, d2.line);
        ck_assert_uint_eq(d1.column, d2.column);
    }
    gb_diag_clear(&d1);
    gb_diag_clear(&d2);
    g_string_free(one.log, TRUE);
    g_string_free(two.log, TRUE);
    g_unlink(path);
    g_rmdir(dir);
    g_free(path);
    g_free(dir);
}

START_TEST(test_pipe_same_records)
{
    /* Several batches of records, with a BOM, quoted commas and line breaks,
     * CRLF and blank lines: the same transcript on one thread and on two; then a
     * callback that stops, a bad byte and an open quote deep in the file. */
    GString *s = g_string_new("\xEF\xBB\xBF"
                              "name,n,note\n");
    for (int i = 0; i < 7000; i++) {
        g_string_append_printf(s, "\"Area %d, the \"\"north\"\"\",%d,", i, i * 7);
        if (i % 97 == 0)
            g_string_append(s, "\"two\nlines\"\r\n");
        else if (i % 101 == 0)
            g_string_append(s, "x\n\n");
        else
            g_string_append(s, "plain\n");
    }
    read_both_ways(s, 0, GB_OK, NULL);
    read_both_ways(s, 5000, GB_DATA, "stop at record 5000");
    GString *bad = g_string_new(s->str);
    g_string_append(bad, "Last,1,caf\xe9\n");
    read_both_ways(bad, 0, GB_DATA, "invalid UTF-8");
    g_string_truncate(bad, s->len);
    g_string_append(bad, "Last,1,\"open\n");
    read_both_ways(bad, 0, GB_DATA, "unterminated quoted field");
    g_string_free(bad, TRUE);
    g_string_free(s, TRUE);
}
END_TEST

static Suite *
load_suite(void)
{
    Suite *s = suite_create("load");
    TCase *tc = tcase_create("load");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_loop_test(tc, test_reject, 0, G_N_ELEMENTS(rejects));
    tcase_add_loop_test(tc, test_accept, 0, G_N_ELEMENTS(accepts));
    tcase_add_test(tc, test_field_too_long);
    tcase_add_test(tc, test_missing_and_directory);
    tcase_add_test(tc, test_profile_wide);
    tcase_add_test(tc, test_unknown_layout);
    tcase_add_test(tc, test_bundled_data);
    tcase_add_test(tc, test_find_near);
    tcase_add_loop_test(tc, test_reject_piped, 0, G_N_ELEMENTS(rejects));
    tcase_add_loop_test(tc, test_accept_piped, 0, G_N_ELEMENTS(accepts));
    tcase_add_test(tc, test_pipe_same_records);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return gb_test_main(load_suite());
}
