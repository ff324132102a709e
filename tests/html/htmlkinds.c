/* htmlkinds.c - what the briefing and a pack must hold beyond the structure:
 * every current authority, a pack's authority and neighbours, grade cells, and
 * the same alt texts as the PDF beside it (read with libqpdf). */
#include "html/htmlcheck.h"

#include <qpdf/qpdf-c.h>
#include <string.h>

/* The row headers of every table, as texts. */
static GHashTable *
row_headers(const GbHtml *h)
{
    GHashTable *set = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    xmlXPathObject *o = html_xp(h, NULL, "//table//th[@scope='row']");
    for (int i = 0; i < html_xp_len(o); i++)
        g_hash_table_add(set, html_text(html_xp_at(o, i)));
    xmlXPathFreeObject(o);
    return set;
}

/* TRUE when name is a row header, alone or followed by a note in brackets
 * ("Westmorland and Furness (from 2023)"). */
static gboolean
is_row_header(GHashTable *headers, const char *name)
{
    if (g_hash_table_contains(headers, name))
        return TRUE;
    char *prefix = g_strconcat(name, " (", NULL);
    GHashTableIter it;
    gpointer key;
    gboolean found = FALSE;
    g_hash_table_iter_init(&it, headers);
    while (!found && g_hash_table_iter_next(&it, &key, NULL))
        found = g_str_has_prefix(key, prefix);
    g_free(prefix);
    return found;
}

/* NULL when every name is a row header of some table, else the missing ones. */
char *
html_missing_row_headers(const GbHtml *h, const char *const *names, int n, const char *what)
{
    HtmlProblems p = {0};
    GHashTable *headers = row_headers(h);
    for (int i = 0; i < n; i++)
        if (!is_row_header(headers, names[i]))
            html_problem(&p, NULL,
                         "%s \"%s\" is not a row header (<th scope=\"row\">) of any table", what,
                         names[i]);
    g_hash_table_unref(headers);
    return html_problems_end(&p);
}

/* Every authority that exists today (no end date) is a row header. */
char *
html_check_briefing_authorities(const GbHtml *h, const char *unused)
{
    const GbRef *r = html_ref();
    GPtrArray *names = g_ptr_array_new();
    for (guint i = 0; i < r->authorities->len; i++)
        if (gb_ref_authority(r, (int)i)->to == 0)
            g_ptr_array_add(names, gb_ref_authority(r, (int)i)->name);
    char *p = names->len == 0 ? g_strdup("no authority exists today in the reference data")
                              : html_missing_row_headers(h, (const char *const *)names->pdata,
                                                         (int)names->len, "authority");
    g_ptr_array_free(names, TRUE);
    return p;
}

static int
find_authority(const char *name)
{
    const GbRef *r = html_ref();
    for (guint i = 0; i < r->authorities->len; i++)
        if (strcmp(gb_ref_authority(r, (int)i)->name, name) == 0)
            return (int)i;
    return -1;
}

static char *
check_pack_h1(const GbHtml *h, const char *authority)
{
    char *t = html_text(html_xp_first(h, NULL, "//h1"));
    char *p = strstr(t, authority)
                  ? NULL
                  : g_strdup_printf("the h1 \"%s\" does not name %s", t, authority);
    g_free(t);
    return p;
}

static char *
check_pack_neighbours(const GbHtml *h, const char *authority)
{
    int a = find_authority(authority);
    if (a < 0)
        return g_strdup_printf("%s is not in the reference data", authority);
    const char *names[10];
    int n = 0;
    for (int k = 0; k < 10; k++)
        if (gb_ref_authority(html_ref(), a)->neighbours[k] >= 0)
            names[n++] =
                gb_ref_authority(html_ref(), gb_ref_authority(html_ref(), a)->neighbours[k])->name;
    if (n == 0)
        return NULL;
    return html_missing_row_headers(h, names, n, "statistical neighbour");
}

/* Whitespace runs made one space, trimmed; g_free it. */
static char *
squeeze(const char *s)
{
    GString *o = g_string_new(NULL);
    for (; *s; s++) {
        if (g_ascii_isspace(*s)) {
            if (o->len && o->str[o->len - 1] != ' ')
                g_string_append_c(o, ' ');
        } else {
            g_string_append_c(o, *s);
        }
    }
    if (o->len && o->str[o->len - 1] == ' ')
        g_string_truncate(o, o->len - 1);
    return g_string_free(o, FALSE);
}

static void
pdf_alts_walk(qpdf_data q, qpdf_oh node, GPtrArray *alts, int depth)
{
    if (depth > 64)
        return;
    if (qpdf_oh_is_array(q, node)) {
        int n = qpdf_oh_get_array_n_items(q, node);
        for (int i = 0; i < n; i++) {
            qpdf_oh item = qpdf_oh_get_array_item(q, node, i);
            pdf_alts_walk(q, item, alts, depth + 1);
            qpdf_oh_release(q, item);
        }
    } else if (qpdf_oh_is_dictionary(q, node)) {
        qpdf_oh t = qpdf_oh_get_key(q, node, "/S");
        if (qpdf_oh_is_name_and_equals(q, t, "/Figure")) {
            qpdf_oh alt = qpdf_oh_get_key(q, node, "/Alt");
            g_ptr_array_add(
                alts, squeeze(qpdf_oh_is_string(q, alt) ? qpdf_oh_get_utf8_value(q, alt) : ""));
            qpdf_oh_release(q, alt);
        }
        qpdf_oh_release(q, t);
        if (qpdf_oh_has_key(q, node, "/K")) {
            qpdf_oh k = qpdf_oh_get_key(q, node, "/K");
            pdf_alts_walk(q, k, alts, depth + 1);
            qpdf_oh_release(q, k);
        }
    }
}

/* The /Alt of every Figure of the PDF at path, in structure order (an empty
 * string for a Figure without one); NULL when it cannot be read. */
GPtrArray *
html_pdf_alts(const char *path)
{
    qpdf_data q = qpdf_init();
    qpdf_silence_errors(q);
    qpdf_set_suppress_warnings(q, QPDF_TRUE);
    GPtrArray *alts = NULL;
    if ((qpdf_read(q, path, NULL) & QPDF_ERRORS) == 0) {
        alts = g_ptr_array_new_with_free_func(g_free);
        qpdf_oh root = qpdf_get_root(q);
        qpdf_oh tree = qpdf_oh_get_key(q, root, "/StructTreeRoot");
        if (qpdf_oh_is_dictionary(q, tree)) {
            qpdf_oh k = qpdf_oh_get_key(q, tree, "/K");
            pdf_alts_walk(q, k, alts, 0);
        }
    }
    qpdf_cleanup(&q);
    return alts;
}

/* NULL when the HTML figures' <desc> texts are alts, in order. */
char *
html_compare_alts(const GbHtml *h, const GPtrArray *alts, const char *pdf)
{
    HtmlProblems p = {0};
    xmlXPathObject *o = html_xp(h, NULL, "//figure//svg/desc");
    if ((guint)html_xp_len(o) != alts->len)
        html_problem(&p, NULL, "%d figures with a <desc> here, %u Figures in %s", html_xp_len(o),
                     alts->len, pdf);
    for (guint i = 0; i < MIN((guint)html_xp_len(o), alts->len); i++) {
        char *d = html_text(html_xp_at(o, (int)i));
        const char *a = g_ptr_array_index(alts, i);
        if (strcmp(d, a) != 0) {
            gsize k = 0;
            while (d[k] && d[k] == a[k])
                k++;
            html_problem(&p, html_xp_at(o, (int)i),
                         "figure %u's <desc> differs from the PDF's /Alt from character %zu: "
                         "\"%.50s\" here, \"%.50s\" in the PDF",
                         i + 1, k, d + k, a + k);
        }
        g_free(d);
    }
    xmlXPathFreeObject(o);
    return html_problems_end(&p);
}

/* The PDF beside the file (same stem), when there is one, has the same alt
 * texts; a file with no PDF beside it passes (the PDF is optional output). */
static char *
check_same_alts_as_pdf(const GbHtml *h, const char *unused)
{
    char *pdf = g_strdup(h->name), *dot = strrchr(pdf, '.');
    if (dot == NULL || strchr(dot, '/') != NULL) {
        g_free(pdf);
        return NULL;
    }
    strcpy(dot, ".pdf");
    char *p = NULL;
    if (g_file_test(pdf, G_FILE_TEST_EXISTS)) {
        GPtrArray *alts = html_pdf_alts(pdf);
        p = alts ? html_compare_alts(h, alts, pdf) : g_strdup_printf("%s cannot be read", pdf);
        if (alts)
            g_ptr_array_unref(alts);
    }
    g_free(pdf);
    return p;
}

/* The briefing's and a pack's tables colour grades: with no grade class at
 * all, the grades check would pass for want of cells. */
char *
html_check_has_grade_cells(const GbHtml *h, const char *unused)
{
    return html_grade_cells(h, NULL, NULL) > 0
               ? NULL
               : g_strdup(
                     "no cell has a grade class (grade-N or gN): the grades check saw nothing");
}

const HtmlKindCheckEntry html_kind_checks[] = {
    {"briefing", "briefing-authorities", html_check_briefing_authorities},
    {"briefing", "briefing-alts-as-pdf", check_same_alts_as_pdf},
    {"briefing", "briefing-grade-cells", html_check_has_grade_cells},
    {"pack", "pack-grade-cells", html_check_has_grade_cells},
    {"pack", "pack-alts-as-pdf", check_same_alts_as_pdf},
    {"pack", "pack-h1", check_pack_h1},
    {"pack", "pack-neighbours", check_pack_neighbours},
};
const gsize html_n_kind_checks = G_N_ELEMENTS(html_kind_checks);

/* The fields of one CSV line (RFC 4180 quotes, no newlines in fields);
 * g_strfreev them. */
static char **
csv_fields(const char *line)
{
    GPtrArray *out = g_ptr_array_new();
    GString *f = g_string_new(NULL);
    gboolean quoted = FALSE;
    for (const char *p = line;; p++) {
        if (quoted && *p == '"' && p[1] == '"') {
            g_string_append_c(f, '"');
            p++;
        } else if (*p == '"') {
            quoted = !quoted;
        } else if ((*p == ',' && !quoted) || *p == '\0' || *p == '\r') {
            g_ptr_array_add(out, g_strdup(f->str));
            g_string_truncate(f, 0);
            if (*p != ',')
                break;
        } else {
            g_string_append_c(f, *p);
        }
    }
    g_string_free(f, TRUE);
    g_ptr_array_add(out, NULL);
    return (char **)g_ptr_array_free(out, FALSE);
}

static int
column_of(char *const *header, const char *name)
{
    for (int i = 0; header[i]; i++)
        if (strcmp(header[i], name) == 0)
            return i;
    return -1;
}

/* The authority of pack file path: the row of index.csv beside it whose
 * `file` has the same stem (barnet.pdf for barnet.html). g_free it; NULL when
 * there is none. */
char *
html_pack_authority(const char *path)
{
    char *dir = g_path_get_dirname(path), *stem = g_path_get_basename(path);
    char *index = g_build_filename(dir, "index.csv", NULL), *buf = NULL, *found = NULL;
    char *dot = strrchr(stem, '.');
    if (dot)
        *dot = '\0';
    if (g_file_get_contents(index, &buf, NULL, NULL)) {
        char **lines = g_strsplit(buf, "\n", -1);
        char **header = lines[0] ? csv_fields(lines[0]) : g_new0(char *, 1);
        int name_col = column_of(header, "authority"), file_col = column_of(header, "file");
        for (char **l = lines + 1; *l && **l && found == NULL && name_col >= 0 && file_col >= 0;
             l++) {
            char **f = csv_fields(*l);
            if ((int)g_strv_length(f) > MAX(name_col, file_col)) {
                char *d = strrchr(f[file_col], '.');
                if (d)
                    *d = '\0';
                if (strcmp(f[file_col], stem) == 0)
                    found = g_strdup(f[name_col]);
            }
            g_strfreev(f);
        }
        g_strfreev(header);
        g_strfreev(lines);
    }
    g_free(buf);
    g_free(index);
    g_free(dir);
    g_free(stem);
    return found;
}
