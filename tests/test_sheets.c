/* test_sheets.c - workbooks in: .ods and .xlsx read as typed, the profile
 * features real publications need, every message a workbook can give, CSV date
 * orders, overlapping sources, and Ofsted's two workbooks end to end with the
 * figures Ofsted publishes.
 *
 * The small workbooks are written by tests/sheets/gen_sheets.py (CTest runs it
 * first, into GB_SHEETS_DIR); the two OLE files (.xls and an encrypted .xlsx)
 * are written here with libgsf's OLE writer. */
#include "pipeline/load.h"
#include "pipeline/profile.h"
#include "pipeline/sheet.h"
#include "pipeline/stats.h"
#include "pipeline/text.h"
#include "testutil.h"

#include <gsf/gsf.h>
#include <string.h>

static GbRef *ref;     /* the bundled reference tables and profiles */
static char *nogrades; /* a data folder like the bundled one with no grade tables */

static char *
fixture(const char *name)
{
    return g_build_filename(GB_SHEETS_DIR, name, NULL);
}

/* Copies the bundled data folder without its grade tables (and with extra
 * profile text, when given) and loads its reference tables. */
static char *
data_copy(const char *profile_name, const char *profile_text)
{
    char *dir = gb_test_tmpdir("gbsheets");
    const char *cp[] = {"cp", "-r", GB_DATADIR "/.", dir, NULL};
    char *out, *err;
    ck_assert_int_eq(gb_test_run(NULL, cp, &out, &err), 0);
    g_free(out);
    g_free(err);
    char *grades = g_build_filename(dir, "grades", NULL);
    gb_test_rmtree(grades);
    g_mkdir(grades, 0755);
    g_free(grades);
    if (profile_name != NULL) {
        char *p = g_build_filename(dir, "profiles", profile_name, NULL);
        ck_assert(g_file_set_contents(p, profile_text, -1, NULL));
        g_free(p);
    }
    return dir;
}

static void
setup(void)
{
    GbDiag d = {0};
    nogrades = data_copy(NULL, NULL);
    ck_assert_int_eq(gb_ref_load(nogrades, &ref, &d), GB_OK);
}

static void
teardown(void)
{
    gb_ref_free(ref);
    g_free(nogrades);
}

typedef struct {
    GbLoader *l;
    GbTable *t;
    GbStatus status;
    GbDiag diag;
} GbLoad;

static gboolean in_turn; /* every workbook read on this thread, none ahead */

/* Loads files (NULL-terminated) over the reference data with no grade tables. */
static void
load(GbLoad *r, const GbRef *over, const char *const *files)
{
    memset(r, 0, sizeof *r);
    ck_assert_int_eq(gb_loader_new(over, &r->l, &r->diag), GB_OK);
    r->l->no_ahead = in_turn;
    r->t = gb_table_new(over);
    r->status = gb_load_all(r->l, r->t, files, &r->diag);
}

static void
load_clear(GbLoad *r)
{
    gb_table_free(r->t);
    gb_loader_free(r->l);
    gb_diag_clear(&r->diag);
}

/* Loads path over ref in one of three ways: 0 read ahead (on its own
 * thread), 1 read ahead with content.xml inflated on a second thread
 * (gb_sheet_configure(1)), 2 read in turn on this thread. */
static void
load_way(GbLoad *r, const char *path, int way)
{
    if (way == 1)
        gb_sheet_configure(1);
    in_turn = way != 2;
    const char *list[] = {path, NULL};
    load(r, ref, list);
    gb_sheet_configure(256 * 1024);
    in_turn = FALSE;
}

static const char *
problem(const GbLoad *r)
{
    if (r->status != GB_OK)
        return r->diag.message;
    if (r->l->rejects->items->len == 0)
        return "";
    static char *last;
    g_free(last);
    last = gb_diag_format(&g_array_index(r->l->rejects->items, GbDiag, 0));
    return last;
}

/* Writes an OLE compound file with one stream of that name. */
static char *
write_ole(const char *name, const char *stream)
{
    char *dir = gb_test_tmpdir("gbole");
    char *path = g_build_filename(dir, name, NULL);
    g_free(dir);
    GError *err = NULL;
    GsfOutput *sink = gsf_output_stdio_new(path, &err);
    ck_assert_ptr_nonnull(sink);
    GsfOutfile *ole = gsf_outfile_msole_new(sink);
    GsfOutput *child = gsf_outfile_new_child(ole, stream, FALSE);
    static const guint8 junk[600] = {1, 2, 3};
    gsf_output_write(child, sizeof junk, junk);
    gsf_output_close(child);
    g_object_unref(child);
    gsf_output_close(GSF_OUTPUT(ole));
    g_object_unref(ole);
    g_object_unref(sink);
    return path;
}

/* Every fixture: what the accounting says, or the one-line message. */
static const struct {
    const char *name;
    const char *file; /* in GB_SHEETS_DIR, or "ole:STREAM" */
    GbStatus status;
    int used, merged, rejected, judgements, not_judged, warnings;
    const char *message; /* in the file-level diag or the first reject */
} files[] = {
    {"ods typed, title rows, repeats, covered", "history.ods", GB_OK, 3, 0, 0, 13, 2, 0, ""},
    {"xlsx serial dates, shared and inline", "history.xlsx", GB_OK, 2, 0, 0, 9, 1, 0, ""},
    {"a row repeated in its own table", "repeat.ods", GB_OK, 1, 2, 0, 5, 0, 2, ""},
    {"two tables, groups, placeholders", "twotables.ods", GB_OK, 3, 0, 0, 10, 0, 0, ""},
    {"sheets passed by, unparsed, after their first rows", "skip.ods", GB_OK, 2, 0, 0, 6, 0, 0, ""},
    {"text date in a workbook", "textdate.ods", GB_OK, 0, 0, 1, 0, 0, 0,
     "textdate.ods[ILACS_inspection_history]:2:F: not a date"},
    {"no sheet matches", "nomatch.ods", GB_DATA, 0, 0, 0, 0, 0, 0,
     "no sheet matches a profile (sheets: Cover, Data); nearest: profile "
     "'ofsted-ilacs-history', whose header sheet 'Data' row 1 comes closest to, lacks "
     "'Local authority status', 'Inspection type'"},
    {"encrypted ods", "encrypted.ods", GB_DATA, 0, 0, 0, 0, 0, 0, "password-protected workbook"},
    {"encrypted xlsx", "ole:EncryptedPackage", GB_DATA, 0, 0, 0, 0, 0, 0,
     "password-protected workbook"},
    {"xls", "ole:Workbook", GB_DATA, 0, 0, 0, 0, 0, 0, "Excel 97-2003 .xls workbook"},
    {"numbers", "apple.numbers", GB_DATA, 0, 0, 0, 0, 0, 0, "an Apple Numbers workbook"},
    {"odt", "text.odt", GB_DATA, 0, 0, 0, 0, 0, 0,
     "an OpenDocument file that is not a spreadsheet"},
    {"zip", "other.zip", GB_DATA, 0, 0, 0, 0, 0, 0, "neither an .ods nor an .xlsx workbook"},
    {"corrupt zip", "corrupt.ods", GB_DATA, 0, 0, 0, 0, 0, 0, "corrupt workbook"},
    {"malformed xml", "badxml.ods", GB_DATA, 0, 0, 0, 0, 0, 0,
     "badxml.ods[Data]: malformed workbook XML in content.xml"},
};

static void
check_file(int _i)
{
    char *path = g_str_has_prefix(files[_i].file, "ole:")
                     ? write_ole("book.bin", files[_i].file + 4)
                     : fixture(files[_i].file);
    const char *list[] = {path, NULL};
    GbLoad r;
    gint64 t0 = g_get_monotonic_time();
    load(&r, ref, list);
    /* A million repeated blank rows of 16,384 repeated cells cost nothing. */
    ck_assert_int_lt(g_get_monotonic_time() - t0, 5 * G_USEC_PER_SEC);
    ck_assert_msg(r.status == files[_i].status, "%s: status %d (%s)", files[_i].name, r.status,
                  problem(&r));
    ck_assert_msg(strstr(problem(&r), files[_i].message) != NULL, "%s: message %s", files[_i].name,
                  problem(&r));
    if (r.status != GB_OK) {
        ck_assert_ptr_null(strchr(r.diag.message, '\n')); /* one line */
        load_clear(&r);
        g_free(path);
        return;
    }
    GbFileAccount total;
    gb_table_totals(r.t, &total);
    ck_assert_msg(total.used == (guint64)files[_i].used, "%s: used %" G_GUINT64_FORMAT,
                  files[_i].name, total.used);
    ck_assert_uint_eq(total.merged, files[_i].merged);
    ck_assert_uint_eq(total.rejected, files[_i].rejected);
    ck_assert_msg(total.judgements == (guint64)files[_i].judgements,
                  "%s: judgements %" G_GUINT64_FORMAT, files[_i].name, total.judgements);
    ck_assert_uint_eq(total.not_judged, files[_i].not_judged);
    ck_assert_uint_eq(total.rows, total.used + total.merged + total.rejected);
    ck_assert_uint_eq(gb_diag_list_total(r.l->warnings), files[_i].warnings);
    load_clear(&r);
    g_free(path);
}

START_TEST(test_files)
{
    in_turn = TRUE;
    check_file(_i);
    in_turn = FALSE;
}
END_TEST

/* The same with every .ods inflated on a second thread. */
START_TEST(test_files_threaded)
{
    gb_sheet_configure(1);
    in_turn = TRUE;
    check_file(_i);
    in_turn = FALSE;
    gb_sheet_configure(256 * 1024);
}
END_TEST

/* The same as gb_load_all reads them: the workbook read ahead on a thread of
 * its own and its rows played through the loader afterwards. */
START_TEST(test_files_ahead)
{
    check_file(_i);
}
END_TEST

/* Writes an .ods whose content.xml is text, deflated or (stored) not. */
static char *
write_ods_as(const char *name, const char *text, gboolean stored)
{
    char *dir = gb_test_tmpdir("gbods");
    char *path = g_build_filename(dir, name, NULL);
    g_free(dir);
    GError *err = NULL;
    GsfOutput *sink = gsf_output_stdio_new(path, &err);
    ck_assert_ptr_nonnull(sink);
    GsfOutfile *zip = gsf_outfile_zip_new(sink, &err);
    ck_assert_ptr_nonnull(zip);
    static const char mime[] = "application/vnd.oasis.opendocument.spreadsheet";
    GsfOutput *m = gsf_outfile_new_child_full(zip, "mimetype", FALSE, "compression-level",
                                              GSF_ZIP_STORED, NULL);
    gsf_output_write(m, strlen(mime), (const guint8 *)mime);
    gsf_output_close(m);
    g_object_unref(m);
    m = gsf_outfile_new_child_full(zip, "content.xml", FALSE, "compression-level",
                                   stored ? GSF_ZIP_STORED : GSF_ZIP_DEFLATED, NULL);
    gsf_output_write(m, strlen(text), (const guint8 *)text);
    gsf_output_close(m);
    g_object_unref(m);
    gsf_output_close(GSF_OUTPUT(zip));
    g_object_unref(zip);
    g_object_unref(sink);
    return path;
}

static char *
write_ods(const char *name, const char *text)
{
    return write_ods_as(name, text, FALSE);
}

/* Malformed XML is named as libxml2's xmlTextReader named it (the reader this
 * one replaced): the sheet only once the reader had given its start, which it
 * did 512 bytes of content.xml at a time. Each case runs on one thread, on
 * two, and read ahead (_i % 3). */
static const struct {
    const char *name;
    int pad, cells, tail; /* spaces before the body, good cells, spaces after */
    const char *message;
} xml_cases[] = {
    {"an error in the piece the sheet starts in", 1000, 0, 2000,
     "/x.ods: malformed workbook XML in content.xml: line 1: Opening and ending tag mismatch: "
     "table-cell line 1 and table-row"},
    {"an error pieces after the sheet starts", 1000, 30, 2000,
     "/x.ods[Data]: malformed workbook XML in content.xml: line 1: Opening and ending tag "
     "mismatch: table-cell line 1 and table-row"},
    {"an error in the one short piece", 0, 0, 0,
     "/x.ods: malformed workbook XML in content.xml: line 1: Opening and ending tag mismatch: "
     "table-cell line 1 and table-row"},
    {"cut short past the first piece: the last push gives nothing", 300, 2, -1,
     "/x.ods: malformed workbook XML in content.xml: line 1: AttValue: ' expected"},
    {"cut short in a cell's start tag", 0, 2, -1,
     "/x.ods[Data]: malformed workbook XML in content.xml: line 1: AttValue: ' expected"},
};

START_TEST(test_xml_errors)
{
    int c = _i / 3;
    GString *x = g_string_new("<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content "
                              "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "
                              "xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" "
                              "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\">");
    for (int i = 0; i < xml_cases[c].pad; i++)
        g_string_append_c(x, ' ');
    g_string_append(x, "<office:body><office:spreadsheet><table:table table:name=\"Data\">"
                       "<table:table-row>");
    for (int i = 0; i < xml_cases[c].cells; i++)
        g_string_append(x, "<table:table-cell><text:p>a</text:p></table:table-cell>");
    if (xml_cases[c].tail < 0) {
        g_string_append(x, "<table:table-cell office:value-type=\"fl");
    } else {
        g_string_append(x, "<table:table-cell></table:table-row>");
        for (int i = 0; i < xml_cases[c].tail; i++)
            g_string_append_c(x, ' ');
        g_string_append(x, "</table:table></office:spreadsheet></office:body>"
                           "</office:document-content>");
    }
    char *path = write_ods("x.ods", x->str);
    g_string_free(x, TRUE);
    if (_i % 3 == 1)
        gb_sheet_configure(1);
    in_turn = _i % 3 != 2;
    const char *list[] = {path, NULL};
    GbLoad r;
    load(&r, ref, list);
    gb_sheet_configure(256 * 1024);
    in_turn = FALSE;
    ck_assert_int_eq(r.status, GB_DATA);
    ck_assert_msg(strstr(r.diag.message, xml_cases[c].message) != NULL, "%s: %s", xml_cases[c].name,
                  r.diag.message);
    load_clear(&r);
    g_free(path);
}
END_TEST

/* A value past the last column read is an error where the sheet is read, and
 * nothing in the rows of a sheet passed by (here after the 30 rows searched for
 * a header): read in turn and read ahead (odd _i), where the row is only
 * marked and judged as it is played. */
static const struct {
    const char *name;
    int row; /* the row (1-based) with a value in column 601 */
    const char *message;
} wide_cases[] = {
    {"in a row searched for a header", 3,
     "/w.ods[Data]:3:WC: a value past column 512; at most 512 columns are read"},
    {"in the first row passed by", 31, "no sheet matches a profile (sheets: Data)"},
};

START_TEST(test_wide_values)
{
    int c = _i / 2;
    GString *x = g_string_new("<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content "
                              "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "
                              "xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" "
                              "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\">"
                              "<office:body><office:spreadsheet><table:table table:name=\"Data\">");
    for (int r = 1; r <= 40; r++) {
        g_string_append(x, "<table:table-row><table:table-cell office:value-type=\"string\">"
                           "<text:p>note</text:p></table:table-cell>");
        if (r == wide_cases[c].row)
            g_string_append(x, "<table:table-cell table:number-columns-repeated=\"599\"/>"
                               "<table:table-cell office:value-type=\"string\"><text:p>x</text:p>"
                               "</table:table-cell>");
        g_string_append(x, "</table:table-row>");
    }
    g_string_append(x, "</table:table></office:spreadsheet></office:body>"
                       "</office:document-content>");
    char *path = write_ods("w.ods", x->str);
    g_string_free(x, TRUE);
    in_turn = _i % 2 == 0;
    const char *list[] = {path, NULL};
    GbLoad r;
    load(&r, ref, list);
    in_turn = FALSE;
    ck_assert_int_eq(r.status, GB_DATA);
    ck_assert_msg(strstr(r.diag.message, wide_cases[c].message) != NULL, "%s: %s",
                  wide_cases[c].name, r.diag.message);
    load_clear(&r);
    g_free(path);
}
END_TEST

/* A content.xml whose compressed bytes are damaged half way: however it is
 * read (in turn, with the second thread inflating, ahead), the same message. */
START_TEST(test_damaged_inflate)
{
    GString *x = g_string_new("<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content "
                              "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "
                              "xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" "
                              "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\">"
                              "<office:body><office:spreadsheet><table:table table:name=\"Data\">");
    for (int r = 1; r <= 20000; r++)
        g_string_append_printf(x,
                               "<table:table-row><table:table-cell office:value-type=\"float\" "
                               "office:value=\"%d\"><text:p>%d</text:p></table:table-cell>"
                               "</table:table-row>",
                               r * 7919 % 100003, r * 7919 % 100003);
    g_string_append(x, "</table:table></office:spreadsheet></office:body>"
                       "</office:document-content>");
    char *path = write_ods("d.ods", x->str);
    g_string_free(x, TRUE);
    gchar *bytes;
    gsize n;
    ck_assert(g_file_get_contents(path, &bytes, &n, NULL));
    /* content.xml's compressed bytes run from its local header to the
     * central directory (it is the last member). */
    const char *name = NULL, *dir = NULL;
    for (gsize i = 0; i + 11 <= n && dir == NULL; i++) {
        if (name == NULL && memcmp(bytes + i, "content.xml", 11) == 0)
            name = bytes + i;
        else if (memcmp(bytes + i, "PK\1\2", 4) == 0)
            dir = bytes + i;
    }
    ck_assert(name != NULL && dir != NULL && dir > name + 200);
    gsize mid = (gsize)(name - bytes) + (gsize)(dir - name) / 2;
    for (gsize i = mid; i < mid + 64; i++)
        bytes[i] ^= 0x5A;
    ck_assert(g_file_set_contents(path, bytes, (gssize)n, NULL));
    g_free(bytes);
    char *msg[3] = {NULL, NULL, NULL};
    for (int way = 0; way < 3; way++) {
        GbLoad r;
        load_way(&r, path, way);
        ck_assert_int_eq(r.status, GB_DATA);
        msg[way] = g_strdup(r.diag.message);
        load_clear(&r);
    }
    ck_assert_msg(strstr(msg[0], "malformed workbook XML in content.xml") != NULL, "%s", msg[0]);
    ck_assert_str_eq(msg[1], msg[0]);
    ck_assert_str_eq(msg[2], msg[0]);
    for (int way = 0; way < 3; way++)
        g_free(msg[way]);
    g_free(path);
}
END_TEST

/* A content.xml whose bytes inflate cleanly but whose CRC-32 is not the one
 * the zip directory gives (both its headers changed): refused, however it is
 * read, with the message of a content.xml that cannot be inflated. */
START_TEST(test_wrong_crc)
{
    GString *x = g_string_new("<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content "
                              "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "
                              "xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" "
                              "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\">"
                              "<office:body><office:spreadsheet><table:table table:name=\"Data\">");
    for (int r = 1; r <= 20000; r++)
        g_string_append_printf(x,
                               "<table:table-row><table:table-cell><text:p>%d</text:p>"
                               "</table:table-cell></table:table-row>",
                               r);
    g_string_append(x, "</table:table></office:spreadsheet></office:body>"
                       "</office:document-content>");
    char *path = write_ods("c.ods", x->str);
    g_string_free(x, TRUE);
    gchar *bytes;
    gsize n;
    ck_assert(g_file_get_contents(path, &bytes, &n, NULL));
    int changed = 0;
    for (gsize i = 0; i + 46 + 11 <= n; i++) {
        gsize crc = 0; /* where the CRC-32 is in a header naming content.xml */
        if (memcmp(bytes + i, "PK\3\4", 4) == 0 && memcmp(bytes + i + 30, "content.xml", 11) == 0)
            crc = i + 14;
        else if (memcmp(bytes + i, "PK\1\2", 4) == 0 &&
                 memcmp(bytes + i + 46, "content.xml", 11) == 0)
            crc = i + 16;
        if (crc != 0) {
            bytes[crc] ^= 0x01;
            changed++;
        }
    }
    ck_assert_int_eq(changed, 2);
    ck_assert(g_file_set_contents(path, bytes, (gssize)n, NULL));
    g_free(bytes);
    for (int way = 0; way < 3; way++) {
        GbLoad r;
        load_way(&r, path, way);
        ck_assert_int_eq(r.status, GB_DATA);
        ck_assert_msg(strstr(r.diag.message, "malformed workbook XML in content.xml") != NULL, "%s",
                      r.diag.message);
        load_clear(&r);
    }
    g_free(path);
}
END_TEST

/* The filter that passes sheets by must find each sheet's own end tag
 * whatever comes before it (and drops the automatic styles, whatever they
 * hold, nested ones too): nested tables (one empty), end and start tags
 * with other white space, and comments, CDATA and processing instructions
 * that hold what looks like a sheet's end or start. Each sheet's rows are
 * written down as the callbacks see them; "Drop" is passed by after its
 * first row, "Whole" is read whole. A filter that ended a sheet early (or
 * late) would hand libxml2 a stray end tag, or lose "After"'s rows. Read on
 * this thread and with the second thread inflating. */
static GbStatus
scan_begin(const char *path, const char *sheet, gpointer user, gboolean *skip, GbDiag *diag)
{
    (void)path, (void)skip, (void)diag;
    g_string_append_printf(user, "[%s]", sheet);
    return GB_OK;
}

static GbStatus
scan_row(const GbSheetRow *row, gpointer user, gboolean *skip_rest, GbDiag *diag)
{
    (void)skip_rest, (void)diag;
    g_string_append_printf(user, " %" G_GUINT64_FORMAT ":", row->row);
    for (guint i = 0; i < row->ncells; i++)
        g_string_append_printf(user, "%s%s", i > 0 ? "|" : "", row->cells[i]);
    return GB_OK;
}

static guint64
scan_keep(const char *path, const char *sheet, gpointer user)
{
    (void)path, (void)user;
    return strcmp(sheet, "Drop") == 0 ? 1 : G_MAXUINT64;
}

#define SCAN_ROW(v)                                                                                \
    "<table:table-row><table:table-cell><text:p>" v "</text:p></table:table-cell>"                 \
    "</table:table-row>"

START_TEST(test_skip_scan)
{
    static const char fake[] = "</table:table></office:spreadsheet><table:table table:name=\"X\">";
    GString *x = g_string_new("<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content "
                              "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "
                              "xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" "
                              "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\">"
                              "<office:automatic-styles><s x=\"'>'\">"
                              "<!-- </office:automatic-styles> --><office:automatic-styles>"
                              "<?gb </office:automatic-styles>?></office:automatic-styles>a&lt;</s>"
                              "</office:automatic-styles\n>"
                              "<office:body><office:spreadsheet>"
                              "<table:table table:name=\"Drop\">" SCAN_ROW("d1"));
    for (int i = 0; i < 3000; i++) /* past a chunk (256 KiB), so cut between two */
        g_string_append(x, SCAN_ROW("passed by"));
    g_string_append_printf(x, "<!-- %s --><![CDATA[%s]]><?gb %s?>", fake, fake, fake);
    g_string_append(
        x, "<table:table-row><table:table-cell>"
           "<table:table\ttable:name=\"Inner\">" SCAN_ROW(
               "in") "</table:table\n>"
                     "<table:table table:name=\"Empty\"/></table:table-cell></table:table-row>");
    for (int i = 0; i < 3000; i++)
        g_string_append(x, SCAN_ROW("passed by"));
    g_string_append(x, "</table:table \r\n><table:table\ntable:name=\"Whole\">" SCAN_ROW("w1"));
    g_string_append_printf(x, "<!-- %s --><?gb %s?>", fake, fake);
    g_string_append(x,
                    SCAN_ROW("w2") "</table:table><table:table table:name='After'>" SCAN_ROW("a1")
                        SCAN_ROW("a2") "</table:table></office:spreadsheet></office:body>"
                                       "</office:document-content>");
    GbSheetFns fns = {.sheet_begin = scan_begin, .row = scan_row, .keep_rows = scan_keep};
    for (int way = 0; way < 4; way++) {
        /* stored: inflated by libgsf's reader; deflated: by ISA-L */
        char *path = write_ods_as("s.ods", x->str, way >= 2);
        gb_sheet_configure(way % 2 == 0 ? 0 : 1);
        GString *seen = g_string_new(NULL);
        GbDiag diag = {0};
        GbStatus status = gb_sheet_read(path, GB_SHEET_ODS, &fns, seen, &diag);
        gb_sheet_configure(256 * 1024);
        ck_assert_msg(status == GB_OK, "way %d: %s", way, diag.message);
        ck_assert_str_eq(seen->str, "[Drop] 1:d1[Whole] 1:w1 2:w2[After] 1:a1 2:a2");
        g_string_free(seen, TRUE);
        gb_diag_clear(&diag);
        g_free(path);
    }
    g_string_free(x, TRUE);
}
END_TEST

/* The sift that passes a sheet's tags by looks at 16 or 32 bytes at a time:
 * each tag it must stop at (a comment, CDATA, a processing instruction, a
 * nested table's start and end, an empty one, the sheet's end) is put at each
 * place in a block, by _i / 2 bytes of text before it, in a sheet passed by
 * and (all but the nested tables) in one read whole; read on this thread (even
 * _i) and with the second thread inflating. */
START_TEST(test_skip_sift)
{
    static const char fake[] = "</table:table><table:table table:name=\"X\">";
    GString *pad = g_string_new("p");
    for (int i = 1; i < _i / 2; i++)
        g_string_append_c(pad, (char)('a' + i % 26));
    GString *x = g_string_new("<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content "
                              "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "
                              "xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" "
                              "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\">"
                              "<office:body><office:spreadsheet>");
    GString *want = g_string_new(NULL);
    for (int whole = 0; whole < 2; whole++) {
        g_string_append_printf(x, "<table:table table:name=\"%s\">" SCAN_ROW("first"),
                               whole ? "Whole" : "Drop");
        g_string_append_printf(want, "[%s] 1:first", whole ? "Whole" : "Drop");
        int row = 1;
        for (int i = 0; i < 4; i++)
            g_string_append(x, SCAN_ROW("passed by"));
        g_string_append_printf(x, SCAN_ROW("%s") "<!--%s-->", pad->str, fake);
        g_string_append_printf(x, SCAN_ROW("%s") "<![CDATA[%s]]>", pad->str, fake);
        g_string_append_printf(x, SCAN_ROW("%s") "<?gb %s?>", pad->str, fake);
        if (!whole)
            g_string_append_printf(
                x,
                SCAN_ROW("%s") "<table:table-row><table:table-cell><text:p>%s"
                               "</text:p><table:table table:name=\"Inner\">" SCAN_ROW(
                                   "in") "<text:p>%s</text:p></table:table\t>"
                                         "<text:p>%s</text:p><table:table "
                                         "table:name=\"Empty\"/>"
                                         "</table:table-cell></table:table-row>",
                pad->str, pad->str, pad->str, pad->str);
        g_string_append_printf(x, SCAN_ROW("%s") "<text:p>%s</text:p></table:table%s>", pad->str,
                               pad->str, whole ? "\n" : "");
        if (whole) {
            for (int i = 0; i < 4; i++)
                g_string_append_printf(want, " %d:passed by", ++row);
            for (int i = 0; i < 4; i++)
                g_string_append_printf(want, " %d:%s", ++row, pad->str);
        }
    }
    g_string_append(x, "<table:table table:name='After'>" SCAN_ROW(
                           "a1") "</table:table></office:spreadsheet></office:body>"
                                 "</office:document-content>");
    g_string_append(want, "[After] 1:a1");
    GbSheetFns fns = {.sheet_begin = scan_begin, .row = scan_row, .keep_rows = scan_keep};
    char *path = write_ods_as("s.ods", x->str, FALSE);
    gb_sheet_configure(_i % 2 == 0 ? 0 : 1);
    GString *seen = g_string_new(NULL);
    GbDiag diag = {0};
    GbStatus status = gb_sheet_read(path, GB_SHEET_ODS, &fns, seen, &diag);
    gb_sheet_configure(256 * 1024);
    ck_assert_msg(status == GB_OK, "pad %d: %s", _i / 2, diag.message);
    ck_assert_str_eq(seen->str, want->str);
    g_string_free(seen, TRUE);
    gb_diag_clear(&diag);
    g_free(path);
    g_string_free(want, TRUE);
    g_string_free(x, TRUE);
    g_string_free(pad, TRUE);
}
END_TEST

static int
auth(const GbRef *over, const char *name)
{
    GString *s = g_string_new(NULL);
    int a = gb_ref_find_authority(over, name, strlen(name), 0, 20250101, s, NULL);
    g_string_free(s, TRUE);
    ck_assert_int_ge(a, 0);
    return a;
}

/* The date of (authority, regime, judgement) rows, comma separated in order. */
static char *
dates_of(const GbTable *t, const char *name, const char *regime, const char *judgement)
{
    int a = auth(t->ref, name), rg = gb_ref_find_regime(t->ref, regime);
    int j = gb_ref_find_judgement(t->ref, rg, judgement);
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < t->rows->len; i++) {
        const GbRow *r = gb_table_row(t, i);
        if (r->authority == a && r->judgement == j)
            g_string_append_printf(s, "%s%u:%s", s->len ? "," : "", r->date,
                                   gb_ref_grade(t->ref, rg, r->grade)->id);
    }
    return g_string_free(s, FALSE);
}

/* Dates are taken as typed, whatever their display format. */
static const struct {
    const char *file, *authority, *regime, *judgement, *want;
} dates[] = {
    {"history.ods", "Barnet", "ilacs", "overall_effectiveness", "20240610:good,20190513:good"},
    {"history.ods", "Haringey", "ilacs", "care_leavers", ""}, /* covered: not judged */
    {"history.ods", "Haringey", "ilacs", "children_in_care", "20230213:requires_improvement"},
    {"history.xlsx", "Barnet", "ilacs", "care_leavers", "20240610:outstanding"},
    {"history.xlsx", "Haringey", "ilacs", "overall_effectiveness", "20230213:good"},
    {"twotables.ods", "Barnet", "slac", "looked_after_children", "20120224:good"},
    {"twotables.ods", "Barnet", "sif", "overall_effectiveness", "20170707:inadequate"},
    {"twotables.ods", "Wirral", "slac", "overall_effectiveness", ""}, /* not yet inspected */
    {"twotables.ods", "Wirral", "cp2012", "child_protection", "20130510:adequate"},
    /* The second table, under its own header with other column names. */
    {"twotables.ods", "Northamptonshire", "ilacs", "overall_effectiveness", "20190729:inadequate"},
    {"twotables.ods", "Northamptonshire", "cp2012", "child_protection", "20130320:inadequate"},
};

START_TEST(test_typed_dates)
{
    char *path = fixture(dates[_i].file);
    const char *list[] = {path, NULL};
    GbLoad r;
    load(&r, ref, list);
    ck_assert_int_eq(r.status, GB_OK);
    char *got = dates_of(r.t, dates[_i].authority, dates[_i].regime, dates[_i].judgement);
    ck_assert_msg(strcmp(got, dates[_i].want) == 0, "%s %s: %s, want %s", dates[_i].file,
                  dates[_i].authority, got, dates[_i].want);
    g_free(got);
    load_clear(&r);
    g_free(path);
}
END_TEST

START_TEST(test_overlap_merged)
{
    /* Barnet's 2019 ILACS inspection: 13 May by inspection date in one workbook,
     * 1 July by publication date in the other: one inspection, its date kept. */
    char *a = fixture("history.ods"), *b = fixture("twotables.ods");
    const char *list[] = {b, a, NULL}; /* order does not matter */
    GbLoad r;
    load(&r, ref, list);
    ck_assert_int_eq(r.status, GB_OK);
    char *got = dates_of(r.t, "Barnet", "ilacs", "overall_effectiveness");
    ck_assert_str_eq(got, "20240610:good,20190513:good");
    g_free(got);
    GbFileAccount total;
    gb_table_totals(r.t, &total);
    ck_assert_uint_eq(total.judgements, 13 + 10 - 1);
    ck_assert_uint_eq(gb_diag_list_total(r.l->warnings), 0);
    ck_assert_uint_eq(total.rejected, 0);
    load_clear(&r);
    g_free(a);
    g_free(b);
}
END_TEST

START_TEST(test_overlap_conflict)
{
    char *a = fixture("history.ods"), *b = fixture("conflict.ods");
    const char *list[] = {a, b, NULL};
    GbLoad r;
    load(&r, ref, list);
    ck_assert_int_eq(r.status, GB_OK);
    const char *p = problem(&r);
    ck_assert_msg(strstr(p, "conflict.ods[LA_inspections_2009-2023]:6:N: conflicting duplicate: "
                            "Barnet ilacs/overall_effectiveness is Inadequate here but Good at ") !=
                      NULL,
                  "%s", p);
    ck_assert_msg(strstr(p, "history.ods[ILACS_inspection_history]:6 (inspected 2019-05-13)") !=
                      NULL,
                  "%s", p);
    load_clear(&r);
    g_free(a);
    g_free(b);
}
END_TEST

/* CSV slash dates: one order read as such, ambiguous or mixed refused. */
static const struct {
    const char *name;
    const char *csv;
    GbStatus status;
    const char *want; /* Barnet's dates, or the message */
} orders[] = {
    {"day first, inferred", "Barnet,10/06/2024\nHaringey,25/06/2024\n", GB_OK, "20240610:good"},
    {"month first, inferred", "Barnet,06/10/2024\nHaringey,06/25/2024\n", GB_OK, "20240610:good"},
    {"ISO always", "Barnet,2024-06-10\nHaringey,25/06/2024\n", GB_OK, "20240610:good"},
    {"ambiguous", "Barnet,06/10/2024\nHaringey,05/03/2024\n", GB_DATA,
     "fits both day/month/year and month/day/year; gradebrief will not guess"},
    {"mixed", "Barnet,25/06/2024\nHaringey,06/25/2024\n", GB_DATA,
     "mix orders: line 2 fits only day/month/year, line 3 only month/day/year"},
};

START_TEST(test_csv_date_order)
{
    GString *csv = g_string_new("authority,date,regime,judgement,grade\n");
    char **lines = g_strsplit(orders[_i].csv, "\n", -1);
    for (char **l = lines; *l != NULL && **l != '\0'; l++)
        g_string_append_printf(csv, "%s,ilacs,overall_effectiveness,Good\n", *l);
    g_strfreev(lines);
    char *path = gb_test_file("orders.csv", csv->str, (gssize)csv->len);
    g_string_free(csv, TRUE);
    const char *list[] = {path, NULL};
    GbLoad r;
    load(&r, ref, list);
    ck_assert_msg(r.status == orders[_i].status, "%s: %s", orders[_i].name, problem(&r));
    if (r.status == GB_OK) {
        char *got = dates_of(r.t, "Barnet", "ilacs", "overall_effectiveness");
        ck_assert_str_eq(got, orders[_i].want);
        g_free(got);
    } else {
        ck_assert_msg(strstr(r.diag.message, orders[_i].want) != NULL, "%s", r.diag.message);
        ck_assert_uint_eq(r.diag.line, 2);
    }
    load_clear(&r);
    g_free(path);
}
END_TEST

/* Profile keys: date_order set, and the errors a profile can have. */
static const struct {
    const char *name;
    const char *profile;
    GbStatus status;
    const char *message;
} profiles[] = {
    {"date_order=mdy",
     "[profile]\nname=Visits\nmatch=LA;Visit date;Outcome\nauthority=LA\ndate=Visit date\n"
     "date_order=mdy\nregime=ilacs\n[judgements]\noverall_effectiveness=Outcome\n",
     GB_OK, NULL},
    {"unknown key",
     "[profile]\nname=Visits\nmatch=LA\nauthority=LA\ndate=D\nregime=ilacs\ncolour=blue\n"
     "[judgements]\noverall_effectiveness=Outcome\n",
     GB_DATA, "x.ini:7:1: unknown key 'colour' in [profile]"},
    {"bad date_order",
     "[profile]\nname=V\nmatch=LA\nauthority=LA\ndate=D\nregime=ilacs\ndate_order=dym\n"
     "[judgements]\noverall_effectiveness=Outcome\n",
     GB_DATA, "date_order must be dmy, mdy or ymd, not 'dym'"},
    {"group without judgements",
     "[profile]\nname=V\nmatch=LA\nauthority=LA\n[group first]\nregime=sif\ndate=D\n", GB_DATA,
     "[group first] names no judgement column"},
    {"unknown judgement in a group",
     "[profile]\nname=V\nmatch=LA\nauthority=LA\n[group first]\nregime=slac\ndate=D\n"
     "adoption=Adoption\n",
     GB_DATA, "unknown judgement 'adoption' for the regime of [group first]"},
    {"bad kind",
     "[profile]\nname=V\nmatch=LA\nauthority=LA\ndate=D\nregime=ilacs\nkind=rumour\n"
     "[judgements]\noverall_effectiveness=O\n",
     GB_DATA, "kind must be published, reported or selection, not 'rumour'"},
};

START_TEST(test_profiles)
{
    char *dir = data_copy("x.ini", profiles[_i].profile);
    GbRef *over;
    GbDiag d = {0};
    ck_assert_int_eq(gb_ref_load(dir, &over, &d), GB_OK);
    GbLoader *l;
    GbStatus st = gb_loader_new(over, &l, &d);
    ck_assert_msg(st == profiles[_i].status, "%s: %s", profiles[_i].name, d.message);
    if (st != GB_OK) {
        char *line = gb_diag_format(&d);
        ck_assert_msg(strstr(line, profiles[_i].message) != NULL, "%s", line);
        g_free(line);
    } else {
        gb_loader_free(l);
        char *path = gb_test_file("v.csv", "LA,Visit date,Outcome\nBarnet,06/10/2024,Good\n", -1);
        const char *list[] = {path, NULL};
        GbLoad r;
        load(&r, over, list);
        ck_assert_int_eq(r.status, GB_OK);
        char *got = dates_of(r.t, "Barnet", "ilacs", "overall_effectiveness");
        ck_assert_str_eq(got, "20240610:good");
        g_free(got);
        load_clear(&r);
        g_free(path);
    }
    gb_diag_clear(&d);
    gb_ref_free(over);
    g_free(dir);
}
END_TEST

START_TEST(test_column_names)
{
    static const struct {
        guint col;
        const char *name;
    } names[] = {{0, "A"},   {7, "H"},    {25, "Z"},    {26, "AA"},    {51, "AZ"},
                 {52, "BA"}, {701, "ZZ"}, {702, "AAA"}, {16383, "XFD"}};
    for (gsize i = 0; i < G_N_ELEMENTS(names); i++) {
        char buf[8];
        gb_sheet_column_name(names[i].col, buf);
        ck_assert_str_eq(buf, names[i].name);
    }
}
END_TEST

/* ---- Ofsted's two workbooks, as bundled ---- */

static GbRef *bref;
static GbLoader *bl;
static GbTable *bt;

static void
bundled_setup(void)
{
    GbDiag d = {0};
    ck_assert_int_eq(gb_ref_load(GB_DATADIR, &bref, &d), GB_OK);
    ck_assert_int_eq(gb_loader_new(bref, &bl, &d), GB_OK);
    bt = gb_table_new(bref);
    ck_assert_int_eq(gb_load_all(bl, bt, NULL, &d), GB_OK);
}

static void
bundled_teardown(void)
{
    gb_table_free(bt);
    gb_loader_free(bl);
    gb_ref_free(bref);
}

START_TEST(test_bundled_clean)
{
    GbFileAccount total;
    gb_table_totals(bt, &total);
    ck_assert_uint_eq(total.rejected, 0);
    ck_assert_uint_eq(gb_diag_list_total(bl->warnings), 0);
    ck_assert_uint_eq(total.rows, total.used + total.merged + total.rejected);
    /* Both workbooks are read sheet by sheet. */
    int sheets = 0;
    for (guint i = 0; i < bt->files->len; i++)
        sheets += strstr(g_array_index(bt->files, GbFileAccount, i).path, ".ods[") != NULL;
    ck_assert_int_eq(sheets, 4);
    /* The latest-judgements sheet states its date. */
    ck_assert_uint_eq(bt->stated_as_at, 20250331);
    /* The in-year sheet's focused and monitoring visits carry no grade; each has
     * its type and theme, which are not sources. */
    ck_assert_uint_eq(bt->visits->len, 60);
    for (guint i = 0; i < bt->visits->len; i++) {
        const GbVisit *v = &g_array_index(bt->visits, GbVisit, i);
        ck_assert(strcmp(v->type, "ILACS Focused Visit") == 0 ||
                  strcmp(v->type, "LA Monitoring visit") == 0);
        ck_assert_ptr_nonnull(v->theme);
        ck_assert_uint_gt(v->date, 20240400);
    }
    /* Each source text once, whatever the kinds of its rows. */
    for (guint i = 0; i < bt->sources->len; i++) {
        const char *a = g_ptr_array_index(bt->sources, i);
        ck_assert_str_ne(a, "Care leavers");
        for (guint k = i + 1; k < bt->sources->len; k++)
            ck_assert_str_ne(a, g_ptr_array_index(bt->sources, k));
    }
    /* Hertfordshire's 2008 statement is kept aside, never counted. */
    ck_assert_uint_eq(bt->reported->len, 26);
    int herts = auth(bref, "Hertfordshire"), seen = 0;
    for (guint i = 0; i < bt->reported->len; i++) {
        const GbRow *r = &g_array_index(bt->reported, GbRow, i);
        if (r->authority == herts && r->year == 2008) {
            ck_assert_int_eq(gb_table_row_kind(bt, r), GB_KIND_REPORTED);
            seen++;
        }
    }
    ck_assert_int_eq(seen, 1);
    for (guint i = 0; i < bt->rows->len; i++) {
        const GbRow *r = gb_table_row(bt, i);
        ck_assert_int_ne(gb_table_row_kind(bt, r), GB_KIND_REPORTED);
        ck_assert(!(r->authority == auth(bref, "Haringey") && r->year == 2008));
        const GbJudgement *j = gb_ref_judgement(bref, r->judgement);
        if (strcmp(gb_ref_regime(bref, j->regime)->id, "unannounced") == 0)
            ck_assert_int_eq(gb_table_row_kind(bt, r), GB_KIND_SELECTION);
    }
}
END_TEST

/* Counts of the judgement of rows from profile group `source_part` (any: NULL),
 * made in [y0, y1], per grade rank. */
static void
count_rows(const char *regime, const char *judgement, const char *source_part, int y0, int y1,
           guint counts[4], guint *base)
{
    int rg = gb_ref_find_regime(bref, regime), j = gb_ref_find_judgement(bref, rg, judgement);
    memset(counts, 0, 4 * sizeof counts[0]);
    *base = 0;
    for (guint i = 0; i < bt->rows->len; i++) {
        const GbRow *r = gb_table_row(bt, i);
        if (r->judgement != j || r->year < y0 || r->year > y1)
            continue;
        if (source_part != NULL && strcmp(gb_table_row_group(bt, r), source_part) != 0)
            continue;
        counts[r->grade]++;
        (*base)++;
    }
}

START_TEST(test_bundled_figures)
{
    guint c[4], base;
    /* ILACS overall effectiveness by inspection year, 2018. */
    count_rows("ilacs", "overall_effectiveness", NULL, 2018, 2018, c, &base);
    ck_assert_uint_eq(base, 34);
    ck_assert(c[0] == 5 && c[1] == 16 && c[2] == 10 && c[3] == 3);
    /* Child protection inspections of 2012-13 (CPI, not the CPRI): Ofsted's 17/29/4/0. */
    count_rows("cp2012", "child_protection", "cpi", 2012, 2013, c, &base);
    ck_assert_uint_eq(base, 50);
    ck_assert_msg(c[0] == 0 && c[1] == 4 && c[2] == 29 && c[3] == 17, "%u/%u/%u/%u", c[0], c[1],
                  c[2], c[3]);
    /* ... equal to the published figure in headlines.csv. */
    guint published[4] = {0}, pbase = 0;
    for (guint i = 0; i < bref->headlines->len; i++) {
        const GbHeadline *h = &g_array_index(bref->headlines, GbHeadline, i);
        if (h->id != NULL && g_str_has_prefix(h->id, "cp2012-2013-")) {
            GString *k = g_string_new(NULL);
            int g = gb_ref_find_grade(bref, gb_ref_find_regime(bref, "cp2012"), h->grade,
                                      strlen(h->grade), k);
            g_string_free(k, TRUE);
            ck_assert_int_ge(g, 0);
            published[g] = (guint)h->value;
            pbase = (guint)h->base;
        }
    }
    ck_assert_uint_eq(pbase, base);
    ck_assert_int_eq(memcmp(published, c, sizeof c), 0);
    /* First SIF inspections, published 2014-2017. */
    count_rows("sif", "overall_effectiveness", "sif", 2014, 2017, c, &base);
    ck_assert_uint_eq(base, 152);
    ck_assert_msg(c[0] == 3 && c[1] == 51 && c[2] == 65 && c[3] == 33, "%u/%u/%u/%u", c[0], c[1],
                  c[2], c[3]);
    /* The position as at 31 March 2025. */
    GbLatest *l = gb_stats_latest(bt, "overall_effectiveness", 20250331);
    ck_assert_int_eq(l->authorities, 153);
    ck_assert(l->count[0] == 36 && l->count[1] == 67 && l->count[2] == 31 && l->count[3] == 19);
    gb_stats_latest_free(l);
}
END_TEST

START_TEST(test_bundled_histories)
{
    /* Every authority of today has a history from 2007 (APA) through SLAC, SIF and
     * ILACS (its predecessors' where it is new); child protection inspections
     * (CPI) were made only of 50. */
    const char *need[] = {"apa", "slac", "sif", "ilacs"};
    int with_cp = 0, today = 0;
    for (guint a = 0; a < bref->authorities->len; a++) {
        const GbAuthority *au = gb_ref_authority(bref, (int)a);
        if (!gb_ref_active_on(au, 20250331))
            continue;
        today++;
        GArray *h = gb_stats_history(bt, (int)a);
        gboolean has[G_N_ELEMENTS(need)] = {FALSE}, cp = FALSE;
        int last_year = 0;
        for (guint i = 0; i < h->len; i++) {
            const GbEvent *e = &g_array_index(h, GbEvent, i);
            const char *id = gb_ref_regime(bref, e->regime)->id;
            for (gsize k = 0; k < G_N_ELEMENTS(need); k++)
                has[k] = has[k] || strcmp(id, need[k]) == 0;
            cp = cp || strcmp(id, "cp2012") == 0;
            ck_assert_int_ge(e->year, last_year);
            last_year = e->year;
        }
        for (gsize k = 0; k < G_N_ELEMENTS(need); k++)
            ck_assert_msg(has[k], "%s has no %s judgement", au->name, need[k]);
        with_cp += cp;
        g_array_free(h, TRUE);
    }
    ck_assert_int_eq(today, 153);
    ck_assert_int_ge(with_cp, 45);
}
END_TEST

/* The command line on the bundled data and on workbooks. */
static const struct {
    const char *name;
    const char *argv[8];
    int rc;
    const char *err; /* in stderr; NULL: stderr empty */
} cli[] = {
    {"clean run, no warning", {"check", NULL}, 0, NULL},
    {"--profile with the bundled data",
     {"check", GB_DATADIR "/grades/ofsted_LA_Inspection_Outcomes_as_at_31_March_2025.ods",
      "--profile", "ofsted-ilacs-history", NULL},
     0,
     NULL},
    {"unknown --profile",
     {"check", "x.ods", "--profile", "nosuch", NULL},
     64,
     "no profile named 'nosuch'"},
    {"encrypted",
     {"check", GB_SHEETS_DIR "/encrypted.ods", NULL},
     65,
     "encrypted.ods: password-protected workbook"},
    {"no sheet", {"check", GB_SHEETS_DIR "/nomatch.ods", NULL}, 65, "no sheet matches"},
};

START_TEST(test_cli)
{
    const char *argv[10] = {GB_BINARY};
    for (int i = 0; cli[_i].argv[i] != NULL; i++)
        argv[i + 1] = cli[_i].argv[i];
    char *out, *err;
    int rc = gb_test_run(NULL, argv, &out, &err);
    ck_assert_msg(rc == cli[_i].rc, "%s: rc %d: %s", cli[_i].name, rc, err);
    if (cli[_i].err == NULL) {
        ck_assert_msg(err[0] == '\0', "%s: stderr %s", cli[_i].name, err);
    } else {
        ck_assert_msg(strstr(err, cli[_i].err) != NULL, "%s: %s", cli[_i].name, err);
        ck_assert_ptr_eq(strchr(err, '\n'), err + strlen(err) - 1); /* one line */
    }
    g_free(out);
    g_free(err);
}
END_TEST

static Suite *
sheets_suite(void)
{
    Suite *s = suite_create("sheets");
    TCase *tc = tcase_create("sheets");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_files, 0, G_N_ELEMENTS(files));
    tcase_add_loop_test(tc, test_files_threaded, 0, G_N_ELEMENTS(files));
    tcase_add_loop_test(tc, test_files_ahead, 0, G_N_ELEMENTS(files));
    tcase_add_loop_test(tc, test_xml_errors, 0, 3 * G_N_ELEMENTS(xml_cases));
    tcase_add_loop_test(tc, test_wide_values, 0, 2 * G_N_ELEMENTS(wide_cases));
    tcase_add_test(tc, test_damaged_inflate);
    tcase_add_test(tc, test_skip_scan);
    tcase_add_loop_test(tc, test_skip_sift, 0, 2 * 80);
    tcase_add_test(tc, test_wrong_crc);
    tcase_add_loop_test(tc, test_typed_dates, 0, G_N_ELEMENTS(dates));
    tcase_add_test(tc, test_overlap_merged);
    tcase_add_test(tc, test_overlap_conflict);
    tcase_add_loop_test(tc, test_csv_date_order, 0, G_N_ELEMENTS(orders));
    tcase_add_loop_test(tc, test_profiles, 0, G_N_ELEMENTS(profiles));
    tcase_add_test(tc, test_column_names);
    suite_add_tcase(s, tc);
    TCase *b = tcase_create("bundled");
    tcase_add_unchecked_fixture(b, bundled_setup, bundled_teardown);
    tcase_set_timeout(b, 120);
    tcase_add_test(b, test_bundled_clean);
    tcase_add_test(b, test_bundled_figures);
    tcase_add_test(b, test_bundled_histories);
    tcase_add_loop_test(b, test_cli, 0, G_N_ELEMENTS(cli));
    suite_add_tcase(s, b);
    return s;
}

int
main(void)
{
    return gb_test_main(sheets_suite());
}
