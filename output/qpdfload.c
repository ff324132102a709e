/* qpdfload.c - libqpdf opened at the finishing pass's first qpdf_init (see
 * qpdfload.h). */
#define GB_QPDF_LOADER
#include "output/qpdfload.h"

#include <gmodule.h>

GbQpdf gb_qpdf;

/* ---- the stand-ins, for when libqpdf cannot be opened ----------------- */

/* What the stand-ins' handles point at; never read. */
static char gb__stand_in_data, gb__stand_in_error;
static char *gb__error; /* why libqpdf cannot be opened; NULL when it was */

static qpdf_data
gb__stand_in_init(void)
{
    return (qpdf_data)(void *)&gb__stand_in_data;
}

static void
gb__stand_in_cleanup(qpdf_data *q)
{
    *q = NULL;
}

static void
gb__stand_in_silence_errors(qpdf_data q)
{
}

static void
gb__stand_in_set_suppress_warnings(qpdf_data q, QPDF_BOOL value)
{
}

static QPDF_ERROR_CODE
gb__stand_in_read_memory(qpdf_data q, char const *description, char const *buffer,
                         unsigned long long size, char const *password)
{
    return QPDF_ERRORS;
}

static QPDF_BOOL
gb__stand_in_has_error(qpdf_data q)
{
    return QPDF_TRUE;
}

static qpdf_error
gb__stand_in_get_error(qpdf_data q)
{
    return (qpdf_error)(void *)&gb__stand_in_error;
}

static char const *
gb__stand_in_get_error_full_text(qpdf_data q, qpdf_error e)
{
    return gb__error;
}

/* What a pass calls before it learns that the file cannot be read: every
 * other function stays NULL, never reached. */
static void
gb__stand_ins(void)
{
    gb_qpdf = (GbQpdf){
        .qpdf_init = gb__stand_in_init,
        .qpdf_cleanup = gb__stand_in_cleanup,
        .qpdf_silence_errors = gb__stand_in_silence_errors,
        .qpdf_set_suppress_warnings = gb__stand_in_set_suppress_warnings,
        .qpdf_read_memory = gb__stand_in_read_memory,
        .qpdf_has_error = gb__stand_in_has_error,
        .qpdf_get_error = gb__stand_in_get_error,
        .qpdf_get_error_full_text = gb__stand_in_get_error_full_text,
    };
}

/* ---- the library ------------------------------------------------------ */

static gpointer
gb__qpdf_open(gpointer data)
{
    const char *lib = g_getenv("GRADEBRIEF_QPDF"); /* another build of it, or a test's */
    if (lib == NULL || *lib == '\0')
        lib = GB_QPDF_SONAME;
    GModule *m = g_module_open(lib, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);
    if (m == NULL) {
        gb__error = g_strdup_printf("the PDF's finishing pass needs libqpdf (Debian: libqpdf29), "
                                    "which cannot be loaded (%s)",
                                    g_module_error());
        gb__stand_ins();
        return NULL;
    }
    struct {
        const char *name;
        gpointer *fn;
    } fns[] = {
#define GB__QPDF_ENTRY(fn) {#fn, (gpointer *)&gb_qpdf.fn},
        GB_QPDF_FUNCTIONS(GB__QPDF_ENTRY)
#undef GB__QPDF_ENTRY
    };
    for (gsize i = 0; i < G_N_ELEMENTS(fns); i++) {
        if (!g_module_symbol(m, fns[i].name, fns[i].fn) || *fns[i].fn == NULL) {
            gb__error = g_strdup_printf("the PDF's finishing pass needs libqpdf 11 or later; "
                                        "%s has no %s",
                                        lib, fns[i].name);
            g_module_close(m);
            gb__stand_ins();
            return NULL;
        }
    }
    g_module_make_resident(m); /* its objects live to the end of the run */
    return NULL;
}

static void
gb__qpdf_once(void)
{
    static GOnce once = G_ONCE_INIT;
    g_once(&once, gb__qpdf_open, NULL);
}

qpdf_data
gb__qpdf_init(void)
{
    gb__qpdf_once();
    return gb_qpdf.qpdf_init();
}

const char *
gb_qpdf_error(void)
{
    gb__qpdf_once();
    return gb__error;
}
