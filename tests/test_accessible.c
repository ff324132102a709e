/* test_accessible.c - the libqpdf finishing pass on small PDFs cairo draws
 * here: each case draws one awkward thing (text whose bytes look like
 * operators, the header and footer inside a table with its header row
 * repeated, an image, a link in
 * characters outside WinAnsi, a Figure whose only child is its Caption), runs
 * gb_accessible_finish, and asserts that tests/pdfua/check.py passes the
 * result, that no text was lost (pdftotext) and what the case is about. */
#include "charts/kit.h"
#include "output/accessible-private.h"
#include "output/doc-private.h"
#include "testutil.h"

#include <cairo-pdf.h>
#include <string.h>

static GbFonts *fonts;

static cairo_status_t
append(void *closure, const unsigned char *data, unsigned int length)
{
    g_byte_array_append(closure, data, length);
    return CAIRO_STATUS_SUCCESS;
}

static void
text(cairo_t *cr, const char *s, double x, double y, double size)
{
    PangoLayout *ly = gb_fonts_layout(fonts, cr, s, size, FALSE, FALSE, -1);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    cairo_move_to(cr, x, y);
    pango_cairo_show_layout(cr, ly);
    g_object_unref(ly);
}

static void
furniture(cairo_t *cr)
{
    cairo_tag_begin(cr, GB_TAG_HEADER, NULL);
    text(cr, "Running title", 56, 30, 8);
    cairo_move_to(cr, 56, 52);
    cairo_line_to(cr, 540, 52);
    cairo_set_line_width(cr, 0.5);
    cairo_stroke(cr);
    cairo_tag_end(cr, GB_TAG_HEADER);
    cairo_tag_begin(cr, GB_TAG_FOOTER, NULL);
    text(cr, "Page 1 of 1", 480, 800, 8);
    cairo_tag_end(cr, GB_TAG_FOOTER);
}

/* Text whose bytes are operators and a property list, drawn untagged. */
static void
draw_operator_text(cairo_t *cr)
{
    cairo_tag_begin(cr, "P", NULL);
    text(cr, "Tagged paragraph", 56, 80, 10);
    cairo_tag_end(cr, "P");
    text(cr, "a) EMC /P <</MCID 7>> BDC (b \\ c ET BT", 56, 120, 10);
    cairo_rectangle(cr, 56, 140, 100, 10);
    cairo_fill(cr);
    furniture(cr);
}

/* The header and footer drawn between two rows of a table, and the table's
 * header row repeated, as a page break inside a table does. */
static void
draw_table_break(cairo_t *cr)
{
    cairo_tag_begin(cr, "Table", NULL);
    cairo_tag_begin(cr, "TR", NULL);
    cairo_tag_begin(cr, "TH", NULL);
    text(cr, "Authority", 56, 80, 9);
    cairo_tag_end(cr, "TH");
    cairo_tag_begin(cr, "TH", NULL);
    text(cr, "Grade", 200, 80, 9);
    cairo_tag_end(cr, "TH");
    cairo_tag_end(cr, "TR");
    furniture(cr);
    cairo_tag_begin(cr, "TR", NULL); /* the header repeated, as after a page break */
    cairo_tag_begin(cr, "TH", NULL);
    text(cr, "Authority", 56, 90, 9);
    cairo_tag_end(cr, "TH");
    cairo_tag_begin(cr, "TH", NULL);
    text(cr, "Grade", 200, 90, 9);
    cairo_tag_end(cr, "TH");
    cairo_tag_end(cr, "TR");
    cairo_tag_begin(cr, "TR", NULL);
    cairo_tag_begin(cr, "TH", NULL);
    text(cr, "Camden", 56, 100, 9);
    cairo_tag_end(cr, "TH");
    cairo_tag_begin(cr, "TD", NULL);
    cairo_rectangle(cr, 198, 98, 80, 12);
    cairo_set_source_rgb(cr, 0.2, 0.3, 0.6);
    cairo_fill(cr);
    text(cr, "Outstanding", 200, 100, 9);
    cairo_tag_end(cr, "TD");
    cairo_tag_end(cr, "TR");
    cairo_tag_end(cr, "Table");
}

/* An image painted untagged (an XObject), a figure of its own with a
 * caption as its only child. */
static void
draw_image_figure(cairo_t *cr)
{
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 4, 4);
    cairo_t *ic = cairo_create(img);
    cairo_set_source_rgb(ic, 0.8, 0.2, 0.2);
    cairo_paint(ic);
    cairo_destroy(ic);
    cairo_tag_begin(cr, "Figure", NULL);
    cairo_set_source_surface(cr, img, 56, 80);
    cairo_paint(cr);
    cairo_tag_begin(cr, "Caption", NULL);
    text(cr, "Figure 1: a red square", 56, 100, 9);
    cairo_tag_end(cr, "Caption");
    cairo_tag_end(cr, "Figure");
    cairo_surface_destroy(img);
    furniture(cr);
}

/* A link in characters outside WinAnsi: its /Contents comes from ToUnicode. */
static void
draw_link(cairo_t *cr)
{
    cairo_tag_begin(cr, "TOC", NULL);
    cairo_tag_begin(cr, "TOCI", NULL);
    cairo_tag_begin(cr, CAIRO_TAG_LINK, "uri='https://example.org/'");
    text(cr, "Caf\u00e9 \u2192 \u0141\u00f3d\u017a \u2018q\u2019", 56, 80, 11);
    cairo_tag_end(cr, CAIRO_TAG_LINK);
    cairo_tag_end(cr, "TOCI");
    cairo_tag_end(cr, "TOC");
    furniture(cr);
}

static const struct {
    const char *name;
    void (*draw)(cairo_t *cr);
    int figures;
    const char *must_read;  /* pdftotext must still find this */
    const char *tree_lacks; /* pdfinfo -struct must not show this */
    const char *qpdf_has;   /* qpdf --qdf output must show this */
} cases[] = {
    {"operator text", draw_operator_text, 0, "a) EMC /P <</MCID 7>> BDC (b \\ c ET BT", "Private",
     "/Type /Pagination"},
    {"table break", draw_table_break, 0, "Camden", "NonStruct", "/Scope"},
    {"image figure", draw_image_figure, 1, "Figure 1: a red square", NULL, "/Alt"},
    {"link", draw_link, 0, "Caf\u00e9 \u2192", NULL, "/Contents"},
};

/* Case i drawn by cairo alone (a heading with its name, then the case), not
 * yet finished; title NULL: none set. */
static GByteArray *
raw_of(int i, const char *title)
{
    GByteArray *raw = g_byte_array_new();
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(append, raw, 595.28, 841.89);
    if (title != NULL)
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, title);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, "2025-03-24");
    cairo_t *cr = cairo_create(s);
    cairo_tag_begin(cr, "Document", NULL);
    cairo_tag_begin(cr, "H1", NULL);
    text(cr, cases[i].name, 56, 60, 14);
    cairo_tag_end(cr, "H1");
    cases[i].draw(cr);
    cairo_tag_end(cr, "Document");
    cairo_show_page(cr);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    ck_assert_int_eq(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(s);
    return raw;
}

static GByteArray *
render(int i)
{
    GByteArray *raw = raw_of(i, "Pass test");
    GPtrArray *alts = g_ptr_array_new();
    for (int k = 0; k < cases[i].figures; k++)
        g_ptr_array_add(alts, "A red square");
    GByteArray *out = NULL;
    GbDiag diag = {0};
    ck_assert_int_eq(gb_accessible_finish(raw->data, raw->len, "en-GB", alts, &out, &diag), GB_OK);
    g_ptr_array_free(alts, TRUE);
    g_byte_array_unref(raw);
    return out;
}

static char *
run(const char *a0, const char *a1, const char *a2, const char *a3, int *rc)
{
    const char *argv[] = {a0, a1, a2, a3, NULL};
    char *out = NULL, *err = NULL;
    *rc = gb_test_run(NULL, argv, &out, &err);
    char *both = g_strconcat(out, err, NULL);
    g_free(out);
    g_free(err);
    return both;
}

START_TEST(test_pass)
{
    GByteArray *pdf = render(_i), *again = render(_i);
    ck_assert_msg(pdf->len == again->len && memcmp(pdf->data, again->data, pdf->len) == 0,
                  "%s: two runs differ", cases[_i].name);
    char *path = gb_test_file("pass.pdf", (const char *)pdf->data, pdf->len);
    int rc;
    char *out = run(GB_PYTHON3, GB_TESTS_DIR "/pdfua/check.py", path, NULL, &rc);
    ck_assert_msg(rc == 0, "%s: check.py exit %d:\n%s", cases[_i].name, rc, out);
    g_free(out);
    out = run(PDFTOTEXT, path, "-", NULL, &rc);
    ck_assert_int_eq(rc, 0);
    ck_assert_msg(strstr(out, cases[_i].must_read) != NULL, "%s: text lost:\n%s", cases[_i].name,
                  out);
    ck_assert_msg(strstr(out, "Running title") != NULL, "%s: header lost", cases[_i].name);
    g_free(out);
    if (cases[_i].tree_lacks != NULL) {
        out = run(PDFINFO, "-struct", path, NULL, &rc);
        ck_assert_msg(strstr(out, cases[_i].tree_lacks) == NULL, "%s: %s left in the tree:\n%s",
                      cases[_i].name, cases[_i].tree_lacks, out);
        g_free(out);
    }
    out = run(QPDF, "--qdf", path, "-", &rc);
    ck_assert_msg(strstr(out, cases[_i].qpdf_has) != NULL, "%s: no %s", cases[_i].name,
                  cases[_i].qpdf_has);
    g_free(out);
    g_free(path);
    g_byte_array_unref(pdf);
    g_byte_array_unref(again);
}
END_TEST

/* libqpdf's teardown deferred (build's): the pass returns the same bytes,
 * and the teardowns are left to the caller to wait for, one a pass; not
 * deferred, none is left. */
START_TEST(test_teardown_deferred)
{
    GByteArray *plain = render(_i);
    ck_assert_uint_eq(gb_accessible_teardown_wait(), 0);
    gb_accessible_defer_teardown(TRUE);
    GByteArray *a = render(_i), *b = render(_i);
    gb_accessible_defer_teardown(FALSE);
    ck_assert_uint_eq(gb_accessible_teardown_wait(), 2);
    ck_assert_uint_eq(gb_accessible_teardown_wait(), 0);
    ck_assert(a->len == plain->len && memcmp(a->data, plain->data, plain->len) == 0);
    ck_assert(b->len == plain->len && memcmp(b->data, plain->data, plain->len) == 0);
    g_byte_array_unref(plain);
    g_byte_array_unref(a);
    g_byte_array_unref(b);
}
END_TEST

/* The link's /Contents, read back through the pass's own reader of the file
 * (qpdf's JSON escapes non-ASCII, so compare in a Python one-liner). */
START_TEST(test_link_contents)
{
    GByteArray *pdf = render(3);
    char *path = gb_test_file("link.pdf", (const char *)pdf->data, pdf->len);
    int rc;
    char *out = run(GB_PYTHON3, "-c",
                    "import pikepdf,sys; p=pikepdf.open(sys.argv[1]); "
                    "print(str(p.pages[0].Annots[0].Contents))",
                    path, &rc);
    ck_assert_msg(rc == 0, "%s", out);
    ck_assert_str_eq(g_strstrip(out), "Caf\u00e9 \u2192 \u0141\u00f3d\u017a \u2018q\u2019");
    g_free(out);
    g_free(path);
    g_byte_array_unref(pdf);
}
END_TEST

/* The update writer refuses an object the pass put a stand-in in place of
 * (a TR it never parsed): written, the stand-in would replace the row. */
START_TEST(test_stand_in_refused)
{
    GByteArray *raw = raw_of(1, NULL);
    GbEdit ed = {.q = qpdf_init(),
                 .touched = g_hash_table_new(NULL, NULL),
                 .freed = g_hash_table_new(NULL, NULL),
                 .data = g_hash_table_new_full(NULL, NULL, NULL, (GDestroyNotify)g_bytes_unref),
                 .made = g_hash_table_new(NULL, NULL)};
    qpdf_silence_errors(ed.q);
    ck_assert_int_eq(
        qpdf_read_memory(ed.q, "t.pdf", (const char *)raw->data, raw->len, NULL) & QPDF_ERRORS, 0);
    qpdf_oh root = qpdf_get_root(ed.q);
    int id = qpdf_oh_get_object_id(ed.q, root);
    char *err = NULL;
    gb__touch(&ed, root);
    GbIdHash *md5 = gb__id_hash_start(raw->data, raw->len);
    GString *fine = gb__update(&ed, raw->data, raw->len, md5, &err);
    gb__id_hash_free(md5);
    ck_assert_msg(fine != NULL, "%s", err);
    g_string_free(fine, TRUE);
    qpdf_replace_object(ed.q, id, 0, qpdf_oh_new_name(ed.q, GB_STAND_IN));
    md5 = gb__id_hash_start(raw->data, raw->len);
    ck_assert_ptr_null(gb__update(&ed, raw->data, raw->len, md5, &err));
    gb__id_hash_free(md5);
    char *want = g_strdup_printf("cannot write object %d", id);
    ck_assert_str_eq(err, want);
    g_free(want);
    g_free(err);
    g_hash_table_destroy(ed.touched);
    g_hash_table_destroy(ed.freed);
    g_hash_table_destroy(ed.data);
    g_hash_table_destroy(ed.made);
    qpdf_cleanup(&ed.q);
    g_byte_array_unref(raw);
}
END_TEST

static void
setup(void)
{
    char *err = NULL;
    fonts = gb_fonts_new(NULL, &err);
    ck_assert_msg(fonts != NULL, "%s", err);
}

static void
teardown(void)
{
    gb_fonts_free(fonts);
}

/* ---- the layout's record of the tree ----------------------------------- */

static GByteArray *
finish(const GByteArray *raw, const GbTagTree *tags, int figures)
{
    GPtrArray *alts = g_ptr_array_new();
    for (int k = 0; k < figures; k++)
        g_ptr_array_add(alts, "A red square");
    GByteArray *out = NULL;
    GbDiag diag = {0};
    ck_assert_int_eq(
        gb_accessible_finish_tagged(raw->data, raw->len, "en-GB", alts, tags, &out, &diag), GB_OK);
    g_ptr_array_free(alts, TRUE);
    return out;
}

/* Records of the table-break case's tree: the true one, and ones the file
 * disagrees with (a row too few, a type that is not the file's, a tag left
 * open), each giving the bytes of a pass with no record. */
static void
rec(GbTagTree *t, const char *name, int kids, const char *const *kid)
{
    gb_tag_tree_begin(t, name);
    for (int i = 0; i < kids; i++) {
        gb_tag_tree_begin(t, kid[i]);
        gb_tag_tree_end(t);
    }
    gb_tag_tree_end(t);
}

static GbTagTree *
table_record(const char *table, int rows, gboolean close, int first_cells)
{
    static const char *const th2[] = {"TH", "TH", "TD"}, *const thd[] = {"TH", "TD"};
    GbTagTree *t = gb_tag_tree_new();
    gb_tag_tree_begin(t, "Document");
    rec(t, "H1", 0, NULL);
    gb_tag_tree_begin(t, table);
    rec(t, "TR", first_cells, th2);
    rec(t, GB_TAG_HEADER, 0, NULL);
    rec(t, GB_TAG_FOOTER, 0, NULL);
    for (int r = 1; r < rows; r++)
        rec(t, "TR", 2, r == rows - 1 ? thd : th2);
    gb_tag_tree_end(t);
    if (close)
        gb_tag_tree_end(t);
    return t;
}

static const struct {
    const char *name;
    const char *table;
    int rows;
    gboolean close;
    int first_cells; /* the first row's cells (the file's: 2) */
    int skipped;     /* elements the pass takes the record's word for */
} records[] = {
    /* the H1, the first row's TR (its TH cells found by number, not read
     * through it) and the last row's TD; the H1 only where the table
     * disagrees; none */
    {"the tree as drawn", "Table", 3, TRUE, 2, 3},
    {"a row too few", "Table", 2, TRUE, 2, 1},
    {"a type not the file's", "L", 3, TRUE, 2, 1},
    {"a tag left open", "Table", 3, FALSE, 2, 0},
    /* the file's next row is not numbered where the record's cells end:
     * the row is read (the H1 and the TD, as with no row known) */
    {"a cell too many", "Table", 3, TRUE, 3, 2},
};

START_TEST(test_record_same_bytes)
{
    GByteArray *raw = raw_of(1, NULL); /* the table-break case, finished with no record */
    GByteArray *plain = finish(raw, NULL, 0);
    ck_assert_int_eq(gb__accessible_skipped(), 0);
    GbTagTree *t = table_record(records[_i].table, records[_i].rows, records[_i].close,
                                records[_i].first_cells);
    GByteArray *known = finish(raw, t, 0);
    ck_assert_msg(plain->len == known->len && memcmp(plain->data, known->data, plain->len) == 0,
                  "%s: the record changed the bytes", records[_i].name);
    ck_assert_msg(gb__accessible_skipped() == records[_i].skipped, "%s: %d elements skipped",
                  records[_i].name, gb__accessible_skipped());
    /* Finished in place (the update appended to cairo's own array): the same file. */
    GByteArray *grown = g_byte_array_new();
    g_byte_array_append(grown, raw->data, raw->len);
    GbDiag diag = {0};
    GPtrArray *none = g_ptr_array_new();
    ck_assert_int_eq(gb_accessible_finish_in_place(grown, "en-GB", none, t, &diag), GB_OK);
    g_ptr_array_free(none, TRUE);
    ck_assert_msg(grown->len == plain->len && memcmp(grown->data, plain->data, plain->len) == 0,
                  "%s: finished in place, the bytes differ", records[_i].name);
    g_byte_array_unref(grown);
    gb_tag_tree_free(t);
    g_byte_array_unref(known);
    g_byte_array_unref(plain);
    g_byte_array_unref(raw);
}
END_TEST

/* A layout's own record (doc.c's drawing pass: sections, a table broken over
 * pages, a list, a link) skips most of the tree and changes no byte. */
static void
compose(GbDoc *d)
{
    static const char *const ids[] = {"a", "b"}, *const titles[] = {"First", "Second"};
    static const char *const items[] = {"One point", "Another point"};
    static const char *const headers[] = {"Authority", "Region", "Grade"};
    static const double widths[] = {0.4, 0.3, 0.3};
    gb_doc_cover(d, "Title", "Subtitle", NULL);
    gb_doc_contents(d, ids, titles, 2);
    gb_doc_section(d, "a", "First");
    gb_doc_paragraph(d, "A paragraph before the table, long enough to fill a line or two of the "
                        "page so that it wraps at least once across the text width.");
    GArray *cells = g_array_new(FALSE, FALSE, sizeof(GbCell));
    for (int r = 0; r < 90; r++) {
        GbCell row[] = {{.text = "Camden", .level = -1},
                        {.text = "London", .level = -1},
                        {.text = "Good", .level = r % 4}};
        g_array_append_vals(cells, row, 3);
    }
    GbDocTable t = {
        .ncols = 3, .headers = headers, .widths = widths, .cells = cells, .row_headers = TRUE};
    gb_doc_table(d, &t);
    g_array_free(cells, TRUE);
    gb_doc_section(d, "b", "Second");
    gb_doc_bullets(d, items, 2);
    gb_doc_link_line(d, "A link", "https://example.org/");
}

/* cairo's PDF of compose() and the record its drawing pass kept. */
static GByteArray *
layout_raw(GbTagTree **tags)
{
    GbPageSetup setup = {.width = 595.28,
                         .height = 841.89,
                         .top = 56,
                         .bottom = 56,
                         .left = 56,
                         .right = 56,
                         .running_title = "Running title"};
    GbDoc *measure = gb_doc_new(fonts, &setup, NULL, NULL);
    compose(measure);
    gb_doc_finish(measure);
    GByteArray *raw = g_byte_array_new();
    cairo_surface_t *s =
        cairo_pdf_surface_create_for_stream(append, raw, setup.width, setup.height);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, "Record test");
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, "2025-03-24");
    GbDoc *draw = gb_doc_new(fonts, &setup, s, measure);
    compose(draw);
    ck_assert_int_ge(gb_doc_finish(draw), 4);
    *tags = gb__doc_take_tags(draw);
    ck_assert_ptr_nonnull(*tags);
    ck_assert_uint_gt(gb_tag_tree_len(*tags), 300);
    gb_doc_free(draw);
    gb_doc_free(measure);
    cairo_surface_finish(s);
    ck_assert_int_eq(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(s);
    return raw;
}

START_TEST(test_record_of_layout)
{
    GbTagTree *tags;
    GByteArray *raw = layout_raw(&tags);
    GByteArray *plain = finish(raw, NULL, 0);
    ck_assert_int_eq(gb__accessible_raw(), 0); /* without a record, libqpdf reads it all */
    GByteArray *known = finish(raw, tags, 0);
    int skipped = gb__accessible_skipped();
    ck_assert_msg(skipped > 180, "only %d elements known from the record", skipped);
    /* the 90 rows' TR and TH cells, the header row's, the table and its
     * THead and TBody (the table done wholly from cairo's bytes), and the
     * running header and footer of each page */
    ck_assert_msg(gb__accessible_raw() > 180, "only %d elements read from cairo's bytes",
                  gb__accessible_raw());
    /* every page but the contents page (its link texts are collected in line) */
    ck_assert_msg(gb__accessible_beside() >= 3, "%d pages rewritten beside the walk",
                  gb__accessible_beside());
    ck_assert_msg(plain->len == known->len && memcmp(plain->data, known->data, plain->len) == 0,
                  "the record changed the bytes");
    char *path = gb_test_file("record.pdf", (const char *)known->data, known->len);
    int rc;
    char *out = run(GB_PYTHON3, GB_TESTS_DIR "/pdfua/check.py", path, NULL, &rc);
    ck_assert_msg(rc == 0, "check.py exit %d:\n%s", rc, out);
    g_free(out);
    g_free(path);
    gb_tag_tree_free(tags);
    g_byte_array_unref(known);
    g_byte_array_unref(plain);
    g_byte_array_unref(raw);
}
END_TEST

/* Objects whose bytes are not cairo's shape (the same PDF to any reader,
 * of the same length, so the cross-reference table still holds) are
 * refused by the pass's reading of cairo's bytes and read through libqpdf:
 * the same file as with no record. A running header or footer so read is
 * not one the walk knows the page rewrite nulls the ParentTree entry of:
 * that page is rewritten again, nulling them through libqpdf. */
static const struct {
    const char *name, *from, *to;
    int fewer; /* at least this many fewer objects read from the bytes */
} mangles[] = {
    {"TH", "\n   /S /TH\n", "\n  /S /TH \n", 80},
    {"header", "\n   /S /" GB_TAG_HEADER "\n", "\n  /S /" GB_TAG_HEADER " \n", 4},
    {"footer", "\n   /S /" GB_TAG_FOOTER "\n", "\n  /S /" GB_TAG_FOOTER " \n", 4},
    {"ParentTree array", " 0 obj\n[\n  ", " 0 obj\n[ \n ", 4},
};

static void
replace_all(GByteArray *a, const char *from, const char *to)
{
    size_t n = strlen(from);
    ck_assert_uint_eq(n, strlen(to));
    for (guint i = 0; i + n <= a->len; i++)
        if (memcmp(a->data + i, from, n) == 0)
            memcpy(a->data + i, to, n);
}

START_TEST(test_raw_refused)
{
    GbTagTree *tags;
    GByteArray *raw = layout_raw(&tags);
    GByteArray *good = finish(raw, tags, 0);
    int all = gb__accessible_raw();
    g_byte_array_unref(good);
    replace_all(raw, mangles[_i].from, mangles[_i].to);
    GByteArray *plain = finish(raw, NULL, 0), *known = finish(raw, tags, 0);
    int left = gb__accessible_raw();
    ck_assert_msg(left > 0 && all - left >= mangles[_i].fewer,
                  "%s: %d of %d objects still read from the bytes", mangles[_i].name, left, all);
    if (plain->len != known->len || memcmp(plain->data, known->data, plain->len) != 0) {
        g_free(gb_test_file("refused-plain.pdf", (const char *)plain->data, plain->len));
        g_free(gb_test_file("refused-known.pdf", (const char *)known->data, known->len));
        ck_abort_msg("%s: refused objects changed the bytes", mangles[_i].name);
    }
    gb_tag_tree_free(tags);
    g_byte_array_unref(known);
    g_byte_array_unref(plain);
    g_byte_array_unref(raw);
}
END_TEST

static Suite *
accessible_suite(void)
{
    Suite *s = suite_create("accessible");
    TCase *tc = tcase_create("pass");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_pass, 0, G_N_ELEMENTS(cases));
    tcase_add_test(tc, test_link_contents);
    tcase_add_loop_test(tc, test_record_same_bytes, 0, G_N_ELEMENTS(records));
    tcase_add_test(tc, test_record_of_layout);
    tcase_add_loop_test(tc, test_raw_refused, 0, G_N_ELEMENTS(mangles));
    tcase_add_test(tc, test_stand_in_refused);
    tcase_add_loop_test(tc, test_teardown_deferred, 0, G_N_ELEMENTS(cases));
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return gb_test_main(accessible_suite());
}
