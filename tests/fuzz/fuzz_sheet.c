/* fuzz_sheet.c - libFuzzer target: the workbook reader. The input is the XML
 * of an .ods content.xml (or, after a first byte 'X', of an .xlsx worksheet);
 * the harness wraps it in a valid zip with libgsf, so mutations reach the XML
 * reader, the ODS sheet filter and the loader rather than the inflater. An
 * input of odd length is read with the filter on a second thread. */
#include "../rmtree.h"
#include "pipeline/load.h"
#include "pipeline/sheet.h"

#include <gsf/gsf.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static GbRef *ref;
static char *path;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    GbDiag d = {0};
    if (gb_ref_load(GB_DATADIR, &ref, &d) != GB_OK)
        abort();
    char *dir = gb_test_exit_scratch("gbfuzz");
    path = g_build_filename(dir, "input.book", NULL);
    g_free(dir);
    return 0;
}

static void
member(GsfOutfile *zip, const char *name, const void *data, size_t size, gboolean stored)
{
    GsfOutput *m = gsf_outfile_new_child_full(zip, name, FALSE, "compression-level",
                                              stored ? GSF_ZIP_STORED : GSF_ZIP_DEFLATED, NULL);
    gsf_output_write(m, size, data);
    gsf_output_close(m);
    g_object_unref(m);
}

static const char xlsx_book[] =
    "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets>"
    "<sheet name=\"ILACS_inspection_history\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
static const char xlsx_rels[] =
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Target=\"worksheets/sheet1.xml\"/></Relationships>";
static const char xlsx_styles[] =
    "<styleSheet><numFmts><numFmt numFmtId=\"164\" formatCode=\"dd/mm/yyyy\"/></numFmts>"
    "<cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"164\"/><xf numFmtId=\"14\"/></cellXfs>"
    "</styleSheet>";
static const char xlsx_strings[] = "<sst><si><t>Local authority area code</t></si>"
                                   "<si><t>Inspection date</t></si><si><t>Good</t></si></sst>";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    GError *err = NULL;
    GsfOutput *sink = gsf_output_stdio_new(path, &err);
    if (sink == NULL) {
        g_clear_error(&err);
        return 0;
    }
    GsfOutfile *zip = gsf_outfile_zip_new(sink, &err);
    if (zip == NULL) {
        g_clear_error(&err);
        g_object_unref(sink);
        return 0;
    }
    gboolean xlsx = size > 0 && data[0] == 'X';
    if (xlsx) {
        member(zip, "[Content_Types].xml", "<Types/>", 8, FALSE);
        GsfOutput *xl = gsf_outfile_new_child(zip, "xl", TRUE);
        member(GSF_OUTFILE(xl), "workbook.xml", xlsx_book, strlen(xlsx_book), FALSE);
        member(GSF_OUTFILE(xl), "styles.xml", xlsx_styles, strlen(xlsx_styles), FALSE);
        member(GSF_OUTFILE(xl), "sharedStrings.xml", xlsx_strings, strlen(xlsx_strings), FALSE);
        GsfOutput *rels = gsf_outfile_new_child(GSF_OUTFILE(xl), "_rels", TRUE);
        member(GSF_OUTFILE(rels), "workbook.xml.rels", xlsx_rels, strlen(xlsx_rels), FALSE);
        gsf_output_close(rels);
        g_object_unref(rels);
        GsfOutput *ws = gsf_outfile_new_child(GSF_OUTFILE(xl), "worksheets", TRUE);
        member(GSF_OUTFILE(ws), "sheet1.xml", data + 1, size - 1, FALSE);
        gsf_output_close(ws);
        g_object_unref(ws);
        gsf_output_close(xl);
        g_object_unref(xl);
    } else {
        static const char mime[] = "application/vnd.oasis.opendocument.spreadsheet";
        member(zip, "mimetype", mime, strlen(mime), TRUE);
        member(zip, "content.xml", data, size, FALSE);
    }
    gsf_output_close(GSF_OUTPUT(zip));
    g_object_unref(zip);
    g_object_unref(sink);

    gb_sheet_configure(size % 2 ? 1 : 256 * 1024);
    GbLoader *l;
    GbDiag d = {0};
    if (gb_loader_new(ref, &l, &d) != GB_OK)
        abort();
    GbTable *t = gb_table_new(ref);
    gb_load_file(l, t, path, &d);
    /* Whatever happened, the accounting adds up. */
    GbFileAccount total;
    gb_table_totals(t, &total);
    if (total.rows != total.used + total.merged + total.rejected)
        abort();
    gb_diag_clear(&d);
    gb_table_free(t);
    gb_loader_free(l);
    return 0;
}
