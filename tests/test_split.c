/* test_split.c - a CSV file read in parts on several threads (csvsplit.c and
 * the loader's parts) against the same file on one thread: the reader's records,
 * positions and first error; then the loader's whole outcome (accounting, every
 * message in order, the table, sources, visits) for long and wide tables, dates
 * in slash form whose order is settled from the whole file, publication-dated
 * rows matched across files, streaming tables, random files cut anywhere. */
#include "loadcheck.h"
#include "pipeline/csvread.h"
#include "pipeline/csvsplit.h"
#include "pipeline/load.h"
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

/* ---- the reader ---- */

typedef struct {
    GString *log;
    const char *fail_value; /* the callback fails at the record whose field 1 is this */
    guint64 records;        /* records merged so far (split reads) */
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
    if (t->fail_value != NULL && rec->nfields > 1 && strcmp(rec->fields[1], t->fail_value) == 0) {
        gb_csv_diag_field(rec, 1, diag, "stop at %s", t->fail_value);
        return GB_DATA;
    }
    return GB_OK;
}

/* The transcript of a split read: each part keeps its records with the lines
 * its reader gave them; the merge numbers them and adds the line base. */
typedef struct {
    guint64 line, offset;
    char *text;
} GbPartEntry;

static GbStatus
split_header(const GbCsvRecord *rec, gpointer user, GbDiag *diag)
{
    GbTranscript *t = user;
    t->records = 1;
    return transcribe(rec, user, diag);
}

static gpointer
split_worker_new(gpointer user)
{
    return user; /* the transcript's fail setting, read only */
}

static void
split_worker_free(gpointer worker)
{
}

static gpointer
split_part_new(gpointer user)
{
    return g_array_new(FALSE, FALSE, sizeof(GbPartEntry));
}

static void
split_part_free(gpointer part)
{
    GArray *a = part;
    for (guint i = 0; i < a->len; i++)
        g_free(g_array_index(a, GbPartEntry, i).text);
    g_array_free(a, TRUE);
}

static GbStatus
split_record(const GbCsvRecord *rec, gpointer worker, gpointer part, GbDiag *diag)
{
    const GbTranscript *t = worker;
    GString *text = g_string_new(NULL);
    for (guint i = 0; i < rec->nfields; i++)
        g_string_append_printf(text, "|%zu:%s", rec->lens[i], rec->fields[i]);
    GbPartEntry e = {rec->line, rec->offset, g_string_free(text, FALSE)};
    g_array_append_val((GArray *)part, e);
    if (t->fail_value != NULL && rec->nfields > 1 && strcmp(rec->fields[1], t->fail_value) == 0) {
        gb_csv_diag_field(rec, 1, diag, "stop at %s", t->fail_value);
        return GB_DATA;
    }
    return GB_OK;
}

static GbStatus
split_merge(gpointer part, guint64 line_base, gpointer user, GbDiag *diag)
{
    GbTranscript *t = user;
    GArray *a = part;
    for (guint i = 0; i < a->len; i++) {
        GbPartEntry *e = &g_array_index(a, GbPartEntry, i);
        g_string_append_printf(
            t->log, "%" G_GUINT64_FORMAT "@%" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT "%s\n",
            ++t->records, e->line + line_base, e->offset, e->text);
        g_free(e->text);
    }
    g_array_set_size(a, 0);
    return GB_OK;
}

static const GbCsvSplitFns split_fns = {
    .direct = transcribe,
    .header = split_header,
    .worker_new = split_worker_new,
    .worker_free = split_worker_free,
    .part_new = split_part_new,
    .part_free = split_part_free,
    .record = split_record,
    .merge = split_merge,
};

/* Reads path on one thread and split in parts of part_bytes on `threads`:
 * records, positions, status and diagnosis must agree. */
static void
split_both_ways(const char *path, const char *fail_value, gsize part_bytes, guint threads)
{
    GbTranscript one = {.log = g_string_new(NULL), .fail_value = fail_value};
    GbTranscript two = {.log = g_string_new(NULL), .fail_value = fail_value};
    GbDiag d1 = {0}, d2 = {0};
    gb_csv_set_pipe_threshold(G_MAXSIZE);
    GbStatus s1 = gb_csv_read(path, transcribe, &one, &d1);
    gb_csv_set_pipe_threshold(1024 * 1024);
    gb_csv_split_configure(0, part_bytes, threads);
    GbStatus s2 = gb_csv_read_split(path, &split_fns, &two, &d2);
    gb_test_split_default();
    ck_assert_msg(s1 == s2, "parts of %zu on %u threads: status %d, split %d", part_bytes, threads,
                  s1, s2);
    if (!g_string_equal(one.log, two.log)) {
        char *where = gb_test_first_difference(one.log->str, two.log->str);
        ck_abort_msg("parts of %zu on %u threads: records differ %s", part_bytes, threads, where);
    }
    ck_assert_msg(
        g_strcmp0(d1.message, d2.message) == 0 && d1.line == d2.line && d1.column == d2.column,
        "parts of %zu on %u threads: '%s' at %" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT
        ", split '%s' at %" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT,
        part_bytes, threads, d1.message, d1.line, d1.column, d2.message, d2.line, d2.column);
    /* The same with its first parts read ahead (gb_csv_split_prefetch). */
    GbTranscript three = {.log = g_string_new(NULL), .fail_value = fail_value};
    GbDiag d3 = {0};
    gb_csv_split_configure(0, part_bytes, threads);
    gb_csv_split_prefetch(path);
    gb_csv_split_prefetch_wait();
    GbStatus s3 = gb_csv_read_split(path, &split_fns, &three, &d3);
    gb_csv_split_prefetch_end();
    gb_test_split_default();
    ck_assert_msg(s1 == s3, "parts of %zu read ahead: status %d, split %d", part_bytes, s1, s3);
    if (!g_string_equal(one.log, three.log)) {
        char *where = gb_test_first_difference(one.log->str, three.log->str);
        ck_abort_msg("parts of %zu read ahead: records differ %s", part_bytes, where);
    }
    ck_assert_msg(
        g_strcmp0(d1.message, d3.message) == 0 && d1.line == d3.line && d1.column == d3.column,
        "parts of %zu read ahead: '%s' at %" G_GUINT64_FORMAT ", split '%s' at %" G_GUINT64_FORMAT,
        part_bytes, d1.message, d1.line, d3.message, d3.line);
    gb_diag_clear(&d1);
    gb_diag_clear(&d2);
    gb_diag_clear(&d3);
    g_string_free(one.log, TRUE);
    g_string_free(two.log, TRUE);
    g_string_free(three.log, TRUE);
}

/* Random short files over the bytes that matter to a CSV parser (quotes,
 * commas, CR, LF, spaces, a letter, a non-ASCII byte): cut anywhere, read on
 * one thread and split, the same records and the same first error. */
START_TEST(test_split_random)
{
    static const char alphabet[] = "a,\"\n\r \xc3\xa9"
                                   "a,,\n\"";
    GRand *rng = g_rand_new_with_seed(20261201u + (guint32)_i);
    char *dir = gb_test_tmpdir("gbsplit");
    char *path = g_build_filename(dir, "r.csv", NULL);
    for (int round = 0; round < 60; round++) {
        GString *s = g_string_new("h1,h2\n");
        int n = g_rand_int_range(rng, 0, 120);
        for (int i = 0; i < n; i++)
            g_string_append_c(s, alphabet[g_rand_int_range(rng, 0, sizeof alphabet - 1)]);
        /* Half the files are well formed: fields quoted, quotes doubled. */
        if (round % 2 == 0) {
            g_string_assign(s, "h1,h2\n");
            for (int i = 0; i < n / 6; i++) {
                int q = g_rand_int_range(rng, 0, 4);
                if (q == 0)
                    g_string_append(s, "\"x,\"\"y\"\"\nz\",");
                else if (q == 1)
                    g_string_append(s, " a ,");
                else if (q == 2)
                    g_string_append(s, "\"\"\r\n");
                else
                    g_string_append(s, "b\n\n");
            }
        }
        ck_assert(g_file_set_contents(path, s->str, (gssize)s->len, NULL));
        for (gsize part = 1; part <= 16; part *= 4)
            split_both_ways(path, NULL, part, 2 + (guint)(round % 2));
        g_string_free(s, TRUE);
    }
    g_free(path);
    g_free(dir);
    g_rand_free(rng);
}
END_TEST

/* Several parts of records with a BOM, quoted commas and line breaks, CRLF and
 * blank lines: a part per record or so, parts of 4 KiB, one part larger than
 * the file; two, three and four threads; a callback that stops deep inside, a
 * bad byte deep inside, an open quote at the end. */
START_TEST(test_split_reader)
{
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
    char *dir = gb_test_tmpdir("gbsplit");
    char *path = g_build_filename(dir, "big.csv", NULL);
    ck_assert(g_file_set_contents(path, s->str, (gssize)s->len, NULL));
    for (guint threads = 2; threads <= 4; threads++) {
        split_both_ways(path, NULL, 1, threads);
        split_both_ways(path, NULL, 4096, threads);
        split_both_ways(path, "35007", 4096, threads); /* record 5002 */
    }
    split_both_ways(path, NULL, s->len * 2, 2);
    GString *bad = g_string_new(s->str);
    g_string_append(bad, "Last,1,\"open\n");
    ck_assert(g_file_set_contents(path, bad->str, (gssize)bad->len, NULL));
    split_both_ways(path, NULL, 4096, 2);
    g_string_truncate(bad, 2000);
    g_string_append(bad, "Mid,1,ca\xfe\n");
    g_string_append(bad, s->str + 2000);
    ck_assert(g_file_set_contents(path, bad->str, (gssize)bad->len, NULL));
    split_both_ways(path, NULL, 1, 2);
    split_both_ways(path, NULL, 4096, 3);
    /* A part hands its records on in batches: a fault a few records after the
     * callback's stop (parsed in the same batch) must not win over it, and one
     * a few records before it must. */
    static const char *const faults[] = {"Bad,1,a\"b\n", "Bad,1,ca\xfe\n"};
    for (guint f = 0; f < G_N_ELEMENTS(faults); f++) {
        for (int at = 4998; at <= 5004; at += 6) {
            g_string_assign(bad, "name,n,note\n");
            for (int i = 0; i < 5100; i++) {
                if (i == at)
                    g_string_append(bad, faults[f]);
                g_string_append_printf(bad, "\"Area %d\",%d,plain\n", i, i * 7);
            }
            ck_assert(g_file_set_contents(path, bad->str, (gssize)bad->len, NULL));
            split_both_ways(path, "35007", 4096, 2);
            split_both_ways(path, "35007", 100000, 2);
        }
    }
    /* A record of 40 quoted fields of 10 KB with line breaks: one part of
     * 400 KB after the header, over what a part read ahead may hold (it is
     * dropped, and the read parses it itself). */
    g_string_assign(bad, "h1,h2\n");
    for (int i = 0; i < 40; i++) {
        g_string_append_c(bad, '"');
        for (int k = 0; k < 1000; k++)
            g_string_append(bad, k % 10 == 9 ? "long\nline" : "0123456789");
        g_string_append(bad, i < 39 ? "\"," : "\"\n");
    }
    g_string_append(bad, "after,it\n");
    ck_assert(g_file_set_contents(path, bad->str, (gssize)bad->len, NULL));
    split_both_ways(path, NULL, 1, 2);
    /* A file that changes after its parts were read ahead is read anew. */
    gb_csv_split_configure(0, 4096, 2);
    gb_csv_split_prefetch(path);
    gb_csv_split_prefetch_wait();
    g_string_assign(bad, s->str);
    g_string_truncate(bad, (gsize)(strchr(bad->str + 4000, '\n') + 1 - bad->str));
    g_string_append(bad, "\"Area x\",1,changed\n");
    ck_assert(g_file_set_contents(path, bad->str, (gssize)bad->len, NULL));
    GbTranscript t = {.log = g_string_new(NULL)};
    GbDiag d = {0};
    ck_assert_int_eq(gb_csv_read_split(path, &split_fns, &t, &d), GB_OK);
    gb_csv_split_prefetch_end();
    gb_test_split_default();
    ck_assert_msg(strstr(t.log->str, "|7:changed\n") != NULL, "read the old parts: %.200s",
                  t.log->str + t.log->len - MIN(t.log->len, 200));
    g_string_free(t.log, TRUE);
    g_free(path);
    g_free(dir);
    g_string_free(bad, TRUE);
    g_string_free(s, TRUE);
}
END_TEST

/* ---- the loader ---- */

/* An authority of the register by name (quoted when it has a comma) or code. */
static char *
authority_text(int i)
{
    const GbAuthority *au = gb_ref_authority(ref, (i * 7) % (int)ref->authorities->len);
    if (i % 89 == 0)
        return g_strdup("Gotham");
    if (i % 3 == 0)
        return g_strdup(au->code);
    return strchr(au->name, ',') ? g_strdup_printf("\"%s\"", au->name) : g_strdup(au->name);
}

/* A long table with every kind of record: good rows naming authorities by
 * name or code (so identical and conflicting duplicates, near and far apart),
 * rejects of several kinds past the lists' caps, quoted commas and line
 * breaks, CRLF and blank lines, many sources, reported and selection rows. */
static GString *
mixed_table(int n)
{
    static const char *apa[] = {"Outstanding", "Good", "Adequate", "Inadequate"};
    static const char *ilacs[] = {"outstanding", "good", "Requires improvement to be good",
                                  "inadequate"};
    static const char *ij[] = {"overall_effectiveness", "leaders", "help_and_protection"};
    static const char *kinds[] = {"", "published", "reported", "selection", ""};
    GString *s = g_string_new("authority,year,regime,judgement,grade,source,kind\n");
    for (int i = 0; i < n; i++) {
        int k = (i * 7) % (int)ref->authorities->len, year = (i / 13) % 4, j = (i / 5) % 3;
        char *a = authority_text(i);
        /* The grade follows the judgement; a few duplicates conflict. */
        int g = (k * 5 + year * 3 + j + (i % 43 == 0)) % 4;
        if (i % 2 == 0)
            g_string_append_printf(s, "%s,%d,apa,staying_safe,%s", a, 2005 + year,
                                   i % 37 == 0 ? "Excellent" : apa[g]);
        else if (i % 71 == 1)
            g_string_append_printf(s, "%s,20x7,ilacs,leaders,good", a);
        else if (i % 53 == 1)
            g_string_append_printf(s, "%s,2019,ilacs,leaders", a);
        else
            g_string_append_printf(s, "%s,%d,ilacs,%s,%s", a, 2018 + year + 4 * (i % 2), ij[j],
                                   ilacs[g]);
        if (i % 53 != 1 || i % 2 == 0) {
            if (i % 29 == 0)
                g_string_append_printf(s, ",\"batch %d,\nsecond line\"", i % 5);
            else if (i % 11 == 0)
                g_string_append(s, ",");
            else
                g_string_append_printf(s, ",batch %d", i % 7 + (i > n / 2 ? 10 : 0));
            g_string_append_printf(s, ",%s", i % 79 == 0 ? "rumour" : kinds[i % 5]);
        }
        g_string_append(s, i % 13 == 0 ? "\r\n" : "\n");
        if (i % 61 == 0)
            g_string_append(s, "\n");
        g_free(a);
    }
    return s;
}

static char *
write_file(const char *name, const GString *s)
{
    return gb_test_file(name, s->str, (gssize)s->len);
}

/* The loader's outcome read on one thread and split, for a table kept in rows
 * and a streaming one: identical. (Dropping, reordering or misplacing one
 * record changes the rows, counts, lines or messages.) */
/* A part feeds whole lines to libcsv in groups and takes each line for a
 * record, undoing a group where that fails: records over two lines, blank
 * and space-led lines, a lone CR, a wider record than the ones before it (the
 * group's room in fields), one of 600 fields (over the limit) and one over 16
 * KB, a stray quote and a bad byte, each at several places in a batch, must
 * give the records, positions and first error of one thread. */
START_TEST(test_split_groups)
{
    static const char *const odd[] = {
        "\"two\nlines\",x\n",
        "\n",
        "   \t\n",
        " lead,x\n",
        "lone,cr\rnext,x\n",
        "crlf,x\r\n",
        "w,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29\n",
        NULL, /* 600 fields */
        NULL, /* a field over the limit */
        "bad,a\"b\n",
        "bad,ca\xfe\n",
    };
    char *dir = gb_test_tmpdir("gbsplit");
    char *path = g_build_filename(dir, "g.csv", NULL);
    for (guint k = 0; k < G_N_ELEMENTS(odd); k++) {
        for (int at = 0; at < 140; at += 23) {
            GString *s = g_string_new("name,n\n");
            for (int i = 0; i < 300; i++) {
                if (i == at || i == at + 130) {
                    if (odd[k] != NULL) {
                        g_string_append(s, odd[k]);
                    } else if (k == 7) {
                        for (int f = 0; f < 600; f++)
                            g_string_append(s, f ? ",f" : "f");
                        g_string_append_c(s, '\n');
                    } else {
                        g_string_append(s, "long,");
                        for (int c = 0; c < 17000; c++)
                            g_string_append_c(s, 'a');
                        g_string_append_c(s, '\n');
                    }
                }
                g_string_append_printf(s, "\"Area %d\",%d\n", i, i * 7);
            }
            ck_assert(g_file_set_contents(path, s->str, (gssize)s->len, NULL));
            split_both_ways(path, NULL, 4096, 2);
            split_both_ways(path, "700", 1000, 2);
            g_string_free(s, TRUE);
        }
    }
    g_free(path);
    g_free(dir);
}
END_TEST

START_TEST(test_split_long)
{
    GString *s = mixed_table(3000);
    char *path = write_file("mixed.csv", s);
    const char *paths[] = {path, NULL};
    for (int streaming = 0; streaming < 2; streaming++) {
        /* The loader's cap on the lists (the first 20 kept), and every message. */
        g_free(gb_test_split_same(ref, paths, streaming, 0));
        char *one = gb_test_split_same(ref, paths, streaming, 100000);
        /* The outcome has what it must: both kinds of duplicate, each kind of
         * reject, reported rows, several sources. */
        ck_assert_ptr_nonnull(strstr(one, "conflicting duplicate"));
        ck_assert_ptr_nonnull(strstr(one, "identical duplicate"));
        ck_assert_ptr_nonnull(strstr(one, "unknown kind"));
        ck_assert_ptr_nonnull(strstr(one, "unknown authority"));
        ck_assert_ptr_nonnull(strstr(one, "not a year"));
        ck_assert_ptr_nonnull(strstr(one, "record has 4 fields"));
        ck_assert_ptr_nonnull(strstr(one, "source 12 batch"));
        ck_assert_ptr_null(strstr(one, " reported 0 "));
        g_free(one);
    }
    g_string_free(s, TRUE);
    g_free(path);
}
END_TEST

/* Ofsted's ILACS history (inspection dates) and its 2009-2023 table (every
 * date a publication date, slash dates day first, groups not inspected, cells
 * not judged, judgements without a date, bad grades) read one after the other:
 * the publication-dated rows are matched with the inspections when the second
 * file ends, so lines, merges and conflicts come from both. */
static GString *
history_table(int n)
{
    static const char *grades[] = {"Outstanding", "Good", "Requires improvement to be good",
                                   "Inadequate", "Not judged"};
    GString *s = g_string_new("Local authority area code,Local authority status,Inspection type,"
                              "Inspection date,Overall effectiveness,"
                              "The impact of leaders on social work practice with children and "
                              "families,The experiences and progress of care leavers\n");
    for (int i = 0; i < n; i++) {
        char *a = authority_text(i);
        g_string_append_printf(s, "%s,Current,ILACS,%d-%02d-%02d,%s,%s,%s\n", a, 2019 + i % 5,
                               1 + i % 12, 1 + i % 27, grades[i % 4],
                               i % 41 == 0 ? "Superb" : grades[(i / 3) % 4], grades[i % 5]);
        g_free(a);
    }
    return s;
}

static GString *
la_table(int n, gboolean month_first)
{
    static const char *grades[] = {"Outstanding", "Good", "Requires improvement to be good",
                                   "Inadequate", "-"};
    GString *s = g_string_new("Local authority name,LA region,"
                              "Child Protection Inspections (CPI) publication date,"
                              "CPI Overall Effectiveness (OE),"
                              "First ILACS framework publication date,"
                              "First ILACS framework overall effectiveness,"
                              "First ILACS framework impact of leaders,"
                              "First SIF Overall Judgement (OE)\n");
    for (int i = 0; i < n; i++) {
        char *a = authority_text(i);
        int d = 1 + i % 27, m = 1 + (i / 2) % 12;
        /* The first date whose day is over 12 comes late, so the order is
         * settled from rows far from the first slash date. */
        if (i < n / 2)
            d = 1 + i % 12;
        char cpi[16], ilacs[16];
        g_snprintf(cpi, sizeof cpi, "%02d/%02d/2013", month_first ? m : d, month_first ? d : m);
        g_snprintf(ilacs, sizeof ilacs, "%02d/%02d/%d", month_first ? m : d, month_first ? d : m,
                   2019 + i % 5);
        g_string_append_printf(s, "%s,London,%s,%s,%s,%s,%s,\n", a,
                               i % 9 == 0 ? "Not yet inspected" : (i % 17 == 0 ? "" : cpi),
                               i % 9 == 0 || i % 23 == 0 ? "-" : grades[(i + 1) % 4],
                               i % 7 == 0 ? "" : ilacs, grades[i % 5],
                               i % 31 == 0 ? "Fab" : grades[(i / 3) % 5]);
        g_free(a);
    }
    return s;
}

START_TEST(test_split_wide)
{
    GString *h = history_table(600), *la = la_table(700, _i == 1);
    char *hp = write_file("history.csv", h), *lp = write_file("la.csv", la);
    const char *paths[] = {hp, lp, NULL};
    g_free(gb_test_split_same(ref, paths, FALSE, 0));
    char *one = gb_test_split_same(ref, paths, FALSE, 100000);
    ck_assert_ptr_nonnull(strstr(one, " ofsted-la-inspections-2009-2023 "));
    ck_assert_ptr_nonnull(strstr(one, "a judgement without a date"));
    ck_assert_ptr_nonnull(strstr(one, "unknown grade"));
    ck_assert_ptr_nonnull(strstr(one, "conflicting duplicate"));
    ck_assert_ptr_nonnull(strstr(one, "this row is dated by publication"));
    ck_assert_ptr_null(strstr(one, " not_inspected 0 events 0 after 0\nkept"));
    g_free(one);
    g_string_free(h, TRUE);
    g_string_free(la, TRUE);
    g_free(hp);
    g_free(lp);
}
END_TEST

/* The in-year sheet's layout as CSV: graded inspections and visits (no grade)
 * side by side, visits kept in order with their texts. */
START_TEST(test_split_visits)
{
    GString *s = g_string_new("Local authority area code,Inspection/Visit date,"
                              "Inspection/Visit type,Visit Theme,Overall effectiveness\n");
    for (int i = 0; i < 800; i++) {
        char *a = authority_text(i);
        if (i % 3 == 0)
            g_string_append_printf(s, "%s,2024-%02d-%02d,ILACS Standard Inspection,,Good\n", a,
                                   1 + i % 12, 1 + i % 28);
        else
            g_string_append_printf(s, "%s,2024-%02d-%02d,%s,\"Theme %d, part\",\n", a, 1 + i % 12,
                                   1 + i % 28,
                                   i % 2 ? "ILACS Focused Visit" : "LA Monitoring visit", i % 9);
        g_free(a);
    }
    char *path = write_file("inyear.csv", s);
    const char *paths[] = {path, NULL};
    char *one = gb_test_split_same(ref, paths, FALSE, 0);
    ck_assert_ptr_nonnull(strstr(one, "visit 2024"));
    ck_assert_ptr_nonnull(strstr(one, "Theme 4, part"));
    g_free(one);
    g_string_free(s, TRUE);
    g_free(path);
}
END_TEST

/* Slash dates whose order comes from the whole column: read day or month
 * first, or refused (mixed, or every date fitting both) at the first slash
 * date, wherever in the file the telling dates are; ISO dates before them. */
static const struct {
    const char *name;
    int iso_rows;   /* rows with ISO dates first */
    int tell_at;    /* the row whose date fits one order only (-1: none) */
    int other_at;   /* the row that fits only the other order (-1: none) */
    gboolean month; /* the telling date is month first */
    GbStatus status;
} orders[] = {
    {"day first, told late", 0, 1900, -1, FALSE, GB_OK},
    {"month first, told late", 0, 1900, -1, TRUE, GB_OK},
    {"day first after ISO rows", 700, 1500, -1, FALSE, GB_OK},
    {"every date fits both", 300, -1, -1, FALSE, GB_DATA},
    {"mixed far apart", 100, 400, 1800, FALSE, GB_DATA},
    {"mixed, month first first", 0, 5, 1990, TRUE, GB_DATA},
};

START_TEST(test_split_date_order)
{
    GString *s = g_string_new("authority,date,regime,judgement,grade\n");
    for (int i = 0; i < 2000; i++) {
        char *a = authority_text(i);
        int d = 1 + i % 12, m = 1 + (i / 3) % 12, y = 2019 + i % 5;
        if (i < orders[_i].iso_rows) {
            g_string_append_printf(s, "%s,%d-%02d-%02d", a, y, m, d);
        } else {
            gboolean tell = i == orders[_i].tell_at, other = i == orders[_i].other_at;
            if (tell || other)
                d = 25;
            gboolean month = tell ? orders[_i].month : !orders[_i].month;
            if (tell || other)
                g_string_append_printf(s, "%s,%02d/%02d/%d", a, month ? m : d, month ? d : m, y);
            else
                g_string_append_printf(s, "%s,%02d/%02d/%d", a, d, m, y);
        }
        g_string_append_printf(s, ",ilacs,%s,%s\n", i % 2 ? "leaders" : "overall_effectiveness",
                               i % 57 == 0 ? "Grand" : "Good");
        g_free(a);
    }
    char *path = write_file("orders.csv", s);
    const char *paths[] = {path, NULL};
    char *one = gb_test_split_same(ref, paths, FALSE, 100000);
    char want[32];
    g_snprintf(want, sizeof want, "status %d\n", orders[_i].status);
    ck_assert_msg(g_str_has_prefix(one, want), "%s: %.300s", orders[_i].name, one);
    if (orders[_i].status == GB_OK)
        ck_assert_msg(strstr(one, "unknown grade (field 'grade' = \"Grand\"") != NULL, "%s: %.600s",
                      orders[_i].name, one);
    else
        ck_assert_msg(strstr(one, orders[_i].tell_at < 0 ? "fits both day/month/year"
                                                         : "mix orders: line ") != NULL,
                      "%s: %.600s", orders[_i].name, one);
    g_free(one);
    g_string_free(s, TRUE);
    g_free(path);
}
END_TEST

/* The real binary on a file of over 4 MiB, which it reads in parts on every
 * core, and the same on one processor (taskset: GLib then counts one, and the
 * file is read on one thread): the same exit status and the same bytes on
 * stdout and stderr, for check (every warning listed) and for stats. */
static void
run_shell(const char *cmd, int *status, char **out, char **err)
{
    const char *argv[] = {"/bin/sh", "-c", cmd, NULL};
    *status = gb_test_run(NULL, argv, out, err);
}

START_TEST(test_split_binary)
{
    if (!g_file_test("/usr/bin/taskset", G_FILE_TEST_IS_EXECUTABLE) || g_get_num_processors() < 2)
        return; /* nothing to compare with: one processor reads on one thread */
    GString *rows = mixed_table(70000);
    /* Blank lines after the header: the first messages come from later parts
     * (only the first 20 of each list are printed), with large line numbers. */
    const char *body = strchr(rows->str, '\n') + 1;
    GString *s = g_string_new_len(rows->str, body - rows->str);
    for (int i = 0; i < 100000; i++)
        g_string_append(s, i % 3 ? "\n" : "\r\n");
    g_string_append(s, body);
    g_string_free(rows, TRUE);
    ck_assert_uint_gt(s->len, 4 * 1024 * 1024);
    char *path = write_file("big.csv", s);
    static const char *commands[] = {"check -v", "stats -k -f csv"};
    for (guint c = 0; c < G_N_ELEMENTS(commands); c++) {
        int st1, st2;
        char *out1, *err1, *out2, *err2;
        char *cmd = g_strdup_printf("exec '%s' %s '%s'", GB_BINARY, commands[c], path);
        run_shell(cmd, &st1, &out1, &err1);
        g_free(cmd);
        cmd = g_strdup_printf("exec /usr/bin/taskset -c 0 '%s' %s '%s'", GB_BINARY, commands[c],
                              path);
        run_shell(cmd, &st2, &out2, &err2);
        g_free(cmd);
        ck_assert_msg(st1 == st2, "%s: exit %d split, %d on one thread", commands[c], st1, st2);
        ck_assert_msg(strstr(err1, "unknown grade") != NULL, "%s: %.500s", commands[c], err1);
        if (strcmp(err1, err2) != 0) {
            char *where = gb_test_first_difference(err2, err1);
            ck_abort_msg("%s: stderr differs (one thread | split) %s", commands[c], where);
        }
        if (strcmp(out1, out2) != 0) {
            char *where = gb_test_first_difference(out2, out1);
            ck_abort_msg("%s: stdout differs (one thread | split) %s", commands[c], where);
        }
        g_free(out1);
        g_free(err1);
        g_free(out2);
        g_free(err2);
    }
    g_string_free(s, TRUE);
    g_free(path);
}
END_TEST

static Suite *
split_suite(void)
{
    Suite *s = suite_create("split");
    TCase *tc = tcase_create("split");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_split_random, 0, 4);
    tcase_add_test(tc, test_split_reader);
    tcase_add_test(tc, test_split_groups);
    tcase_add_test(tc, test_split_long);
    tcase_add_loop_test(tc, test_split_wide, 0, 2);
    tcase_add_test(tc, test_split_visits);
    tcase_add_loop_test(tc, test_split_date_order, 0, G_N_ELEMENTS(orders));
    tcase_add_test(tc, test_split_binary);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return gb_test_main(split_suite());
}
