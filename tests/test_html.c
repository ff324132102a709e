/* test_html.c - the HTML contract of tests/html/README.md, checked on the file
 * parsed as XML by libxml2 (XML_PARSE_NONET): a parse error, such as an element
 * left open, is a failure; the rest is XPath over the tree.
 *
 * Two modes:
 * - a file (argv[1], or GB_HTML_FILE): every check on that file. GB_HTML_KIND
 *   adds the checks of what it is: "briefing" (every authority that exists
 *   today is a row header), "pack" (its authority named in the h1, its ten
 *   statistical neighbours row headers; the authority is the row of index.csv
 *   beside the file whose file has the same stem). Both: when the PDF made
 *   with it lies beside it (NAME.pdf), its Figures' /Alt texts are the HTML
 *   figures' <desc> texts, in order (one document tree, two renderers).
 * - no file: the checks' own tests. The fixtures under tests/html/fixture pass
 *   every check, and each mutation of them (an unclosed element, an svg
 *   without desc, a remote image...) fails the check it names. */
#include "pipeline/refdata.h"
#include "testutil.h"

#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <qpdf/qpdf-c.h>
#include <string.h>

#define XHTML_NS "http://www.w3.org/1999/xhtml"
#define SVG_NS "http://www.w3.org/2000/svg"
#define MAX_PROBLEMS 25

typedef struct {
    char *name;  /* for messages */
    xmlDoc *doc; /* NULL when the file did not parse */
    xmlXPathContext *xp;
    GString *parse_errors; /* libxml2's errors, one a line */
    GString *ns_problems;  /* elements outside their namespace */
} GbHtml;

/* The reference data, loaded once per test process (grade labels, authorities,
 * neighbours). */
static GbRef *gb__ref;

static const GbRef *
ref(void)
{
    if (gb__ref == NULL) {
        GbDiag d = {0};
        if (gb_ref_load(GB_DATADIR, &gb__ref, &d) != GB_OK) {
            fprintf(stderr, "test_html: cannot load %s: %s\n", GB_DATADIR, d.message);
            abort();
        }
    }
    return gb__ref;
}

/* ---- parsing ---- */

static void
gb__xml_error(void *data, xmlErrorPtr e)
{
    if (e == NULL || e->level < XML_ERR_ERROR)
        return;
    GString *s = data;
    g_string_append_printf(s, "line %d: %s", e->line, e->message ? e->message : "?\n");
}

/* Records elements outside their namespace, then drops namespaces so that the
 * XPath expressions can use plain names. */
static void
gb__strip_ns(xmlNode *n, GString *problems)
{
    for (; n != NULL; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        const char *href = n->ns ? (const char *)n->ns->href : "";
        const char *want = strcmp((const char *)n->name, "svg") == 0 ? SVG_NS : NULL;
        if (n->parent && n->parent->type == XML_DOCUMENT_NODE)
            want = XHTML_NS;
        if (want != NULL && strcmp(href, want) != 0)
            g_string_append_printf(problems, "line %ld: <%s> is not in namespace %s; ",
                                   xmlGetLineNo(n), n->name, want);
        n->ns = NULL;
        gb__strip_ns(n->children, problems);
    }
}

/* Parses buf as XML; never returns NULL (a failed parse leaves doc NULL).
 * Free with html_free. */
static GbHtml *
html_parse(const char *buf, gsize len, const char *name)
{
    GbHtml *h = g_new0(GbHtml, 1);
    h->name = g_strdup(name);
    h->parse_errors = g_string_new(NULL);
    h->ns_problems = g_string_new(NULL);
    xmlSetStructuredErrorFunc(h->parse_errors, gb__xml_error);
    h->doc = xmlReadMemory(buf, (int)len, name, "UTF-8", XML_PARSE_NONET);
    xmlSetStructuredErrorFunc(NULL, NULL);
    if (h->doc == NULL && h->parse_errors->len == 0)
        g_string_append(h->parse_errors, "not parsed\n");
    if (h->doc != NULL) {
        gb__strip_ns(h->doc->children, h->ns_problems);
        h->xp = xmlXPathNewContext(h->doc);
    }
    return h;
}

static char *
read_or_die(const char *path, gsize *len)
{
    char *buf = NULL;
    GError *e = NULL;
    ck_assert_msg(g_file_get_contents(path, &buf, len, &e), "%s", e ? e->message : path);
    return buf;
}

static GbHtml *
html_load(const char *path)
{
    gsize len;
    char *buf = read_or_die(path, &len);
    GbHtml *h = html_parse(buf, len, path);
    g_free(buf);
    return h;
}

static void
html_free(GbHtml *h)
{
    if (h == NULL)
        return;
    xmlXPathFreeContext(h->xp);
    xmlFreeDoc(h->doc);
    g_string_free(h->parse_errors, TRUE);
    g_string_free(h->ns_problems, TRUE);
    g_free(h->name);
    g_free(h);
}

/* ---- XPath helpers ---- */

/* The nodes expr selects from node (NULL: the document); free with
 * xmlXPathFreeObject. Never NULL: a bad expression aborts the test. */
static xmlXPathObject *
xp(const GbHtml *h, xmlNode *node, const char *expr)
{
    xmlXPathObject *o = node ? xmlXPathNodeEval(node, (const xmlChar *)expr, h->xp)
                             : xmlXPathEvalExpression((const xmlChar *)expr, h->xp);
    ck_assert_msg(o != NULL && o->type == XPATH_NODESET, "bad XPath %s", expr);
    return o;
}

static int
xp_len(const xmlXPathObject *o)
{
    return o->nodesetval ? o->nodesetval->nodeNr : 0;
}

static xmlNode *
xp_at(const xmlXPathObject *o, int i)
{
    return o->nodesetval->nodeTab[i];
}

static int
xp_count(const GbHtml *h, xmlNode *node, const char *expr)
{
    xmlXPathObject *o = xp(h, node, expr);
    int n = xp_len(o);
    xmlXPathFreeObject(o);
    return n;
}

/* The first node expr selects, or NULL. */
static xmlNode *
xp_first(const GbHtml *h, xmlNode *node, const char *expr)
{
    xmlXPathObject *o = xp(h, node, expr);
    xmlNode *n = xp_len(o) > 0 ? xp_at(o, 0) : NULL;
    xmlXPathFreeObject(o);
    return n;
}

/* The text of n with runs of white space made one space, trimmed; g_free it. */
static char *
text_of(xmlNode *n)
{
    if (n == NULL)
        return g_strdup("");
    xmlChar *raw = xmlNodeGetContent(n);
    GString *s = g_string_new(NULL);
    gboolean space = FALSE;
    for (const char *p = raw ? (const char *)raw : ""; *p; p++) {
        if (g_ascii_isspace(*p)) {
            space = s->len > 0;
            continue;
        }
        if (space)
            g_string_append_c(s, ' ');
        space = FALSE;
        g_string_append_c(s, *p);
    }
    xmlFree(raw);
    return g_string_free(s, FALSE);
}

/* The value of attribute name (in no namespace: not xml:lang for lang) of n,
 * or NULL; g_free it. */
static char *
attr(xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
    char *s = v ? g_strdup((const char *)v) : NULL;
    xmlFree(v);
    return s;
}

static gboolean
attr_is(xmlNode *n, const char *name, const char *value)
{
    char *v = attr(n, name);
    gboolean is = v != NULL && strcmp(v, value) == 0;
    g_free(v);
    return is;
}

static gboolean
has_id(const GbHtml *h, const char *id)
{
    if (id == NULL || *id == '\0' || strchr(id, '\'') != NULL)
        return FALSE;
    char *e = g_strdup_printf("//*[@id='%s']", id);
    gboolean found = xp_count(h, NULL, e) > 0;
    g_free(e);
    return found;
}

/* The text of the elements n's aria-labelledby names, joined by spaces
 * (empty when one is missing or there is none); g_free it. */
static char *
labelled_text(const GbHtml *h, xmlNode *n)
{
    char *by = attr(n, "aria-labelledby");
    char **ids = g_strsplit_set(by ? by : "", " \t\n", -1);
    GString *s = g_string_new(NULL);
    gboolean all = TRUE;
    for (char **id = ids; *id && all; id++) {
        if (**id == '\0')
            continue;
        all = has_id(h, *id);
        if (!all)
            break;
        char *e = g_strdup_printf("//*[@id='%s']", *id);
        char *t = text_of(xp_first(h, NULL, e));
        g_string_append_printf(s, "%s%s", s->len ? " " : "", t);
        g_free(t);
        g_free(e);
    }
    if (!all)
        g_string_truncate(s, 0);
    g_strfreev(ids);
    g_free(by);
    return g_string_free(s, FALSE);
}

/* TRUE when needle occurs in hay as whole words (not inside a longer word:
 * "adequate" is not in "inadequate"). */
static gboolean
contains_words(const char *hay, const char *needle)
{
    gsize n = strlen(needle);
    for (const char *at = strstr(hay, needle); at != NULL; at = strstr(at + 1, needle)) {
        gboolean before = at == hay || !g_ascii_isalnum(at[-1]);
        gboolean after = !g_ascii_isalnum(at[n]);
        if (before && after)
            return TRUE;
    }
    return FALSE;
}

/* A list of problems, each with the line of the element it is about. */
typedef struct {
    GString *s;
    int n;
} Problems;

static void G_GNUC_PRINTF(3, 4) problem(Problems *p, xmlNode *n, const char *fmt, ...)
{
    if (p->s == NULL)
        p->s = g_string_new(NULL);
    if (++p->n > MAX_PROBLEMS)
        return;
    if (n != NULL)
        g_string_append_printf(p->s, "\n    line %ld <%s>: ", xmlGetLineNo(n), n->name);
    else
        g_string_append(p->s, "\n    ");
    va_list ap;
    va_start(ap, fmt);
    g_string_append_vprintf(p->s, fmt, ap);
    va_end(ap);
}

/* NULL when there were none, else the list (g_free it). */
static char *
problems_end(Problems *p)
{
    if (p->s == NULL)
        return NULL;
    if (p->n > MAX_PROBLEMS)
        g_string_append_printf(p->s, "\n    ... and %d more", p->n - MAX_PROBLEMS);
    return g_string_free(p->s, FALSE);
}

/* ---- the checks: each returns NULL, or its problems (g_free them) ---- */

typedef char *(*HtmlCheck)(const GbHtml *h);

static char *
check_wellformed(const GbHtml *h)
{
    if (h->doc != NULL && h->parse_errors->len == 0)
        return NULL;
    return g_strdup_printf("not well-formed XML (an element left open, a bare & or an HTML-only "
                           "entity such as &nbsp;):\n%s",
                           h->parse_errors->str);
}

static char *
check_namespace(const GbHtml *h)
{
    return h->ns_problems->len ? g_strdup(h->ns_problems->str) : NULL;
}

static char *
check_lang(const GbHtml *h)
{
    Problems p = {0};
    xmlNode *root = xmlDocGetRootElement(h->doc);
    if (root == NULL || strcmp((const char *)root->name, "html") != 0)
        problem(&p, root, "the root element is not <html>");
    else if (!attr_is(root, "lang", "en-GB"))
        problem(&p, root, "lang is not \"en-GB\"");
    return problems_end(&p);
}

static char *
check_head(const GbHtml *h)
{
    Problems p = {0};
    if (xp_count(h, NULL, "/html/head/title") != 1)
        problem(&p, NULL, "no <title> in <head> (or more than one)");
    char *title = text_of(xp_first(h, NULL, "/html/head/title"));
    if (*title == '\0')
        problem(&p, NULL, "the <title> is empty");
    g_free(title);
    if (xp_count(h, NULL, "/html/head/meta[translate(@charset,'UTF','utf')='utf-8']") != 1)
        problem(&p, NULL, "no <meta charset=\"utf-8\" /> in <head>");
    if (xp_count(h, NULL,
                 "/html/head/meta[@name='viewport'][contains(@content,"
                 "'width=device-width')]") != 1)
        problem(&p, NULL, "no <meta name=\"viewport\" content=\"width=device-width...\" />");
    return problems_end(&p);
}

static char *
check_skip_link(const GbHtml *h)
{
    Problems p = {0};
    xmlNode *first = xp_first(h, NULL, "(/html/body//a)[1]");
    if (first == NULL || !attr_is(first, "href", "#main"))
        problem(&p, first, "the first link in <body> is not a skip link to #main");
    if (xp_count(h, NULL, "//main") != 1)
        problem(&p, NULL, "%d <main> elements, not 1", xp_count(h, NULL, "//main"));
    if (xp_count(h, NULL, "//main[@id='main']") != 1)
        problem(&p, NULL, "no <main id=\"main\">");
    if (xp_count(h, NULL, "//*[@id='main'][not(self::main)]") > 0)
        problem(&p, NULL, "id \"main\" is on an element that is not <main>");
    return problems_end(&p);
}

static char *
check_contents(const GbHtml *h)
{
    Problems p = {0};
    if (xp_count(h, NULL, "//nav//a[starts-with(@href,'#')]") == 0)
        problem(&p, NULL, "no contents: no <nav> with links to the sections");
    xmlXPathObject *o = xp(h, NULL, "//main//section[@id][not(ancestor::section)]");
    for (int i = 0; i < xp_len(o); i++) {
        char *id = attr(xp_at(o, i), "id");
        char *e = g_strdup_printf("//nav//a[@href='#%s']", id);
        if (strchr(id, '\'') != NULL || xp_count(h, NULL, e) == 0)
            problem(&p, xp_at(o, i), "section \"%s\" is not in the contents", id);
        g_free(e);
        g_free(id);
    }
    xmlXPathFreeObject(o);
    return problems_end(&p);
}

/* Every in-page link and every id reference goes somewhere; ids are unique. */
static char *
check_links(const GbHtml *h)
{
    Problems p = {0};
    xmlXPathObject *o = xp(h, NULL, "//a[starts-with(@href,'#')]");
    for (int i = 0; i < xp_len(o); i++) {
        char *href = attr(xp_at(o, i), "href");
        if (!has_id(h, href + 1))
            problem(&p, xp_at(o, i), "link to \"%s\", which no element has as id", href);
        g_free(href);
    }
    xmlXPathFreeObject(o);
    o = xp(h, NULL, "//*[@aria-labelledby or @aria-describedby]");
    for (int i = 0; i < xp_len(o); i++) {
        for (int k = 0; k < 2; k++) {
            char *v = attr(xp_at(o, i), k ? "aria-describedby" : "aria-labelledby");
            char **ids = g_strsplit_set(v ? v : "", " \t\n", -1);
            for (char **id = ids; *id; id++)
                if (**id && !has_id(h, *id))
                    problem(&p, xp_at(o, i), "refers to id \"%s\", which does not exist", *id);
            g_strfreev(ids);
            g_free(v);
        }
    }
    xmlXPathFreeObject(o);
    o = xp(h, NULL, "//*[@id]");
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (int i = 0; i < xp_len(o); i++) {
        char *id = attr(xp_at(o, i), "id");
        if (!g_hash_table_add(seen, id))
            problem(&p, xp_at(o, i), "id \"%s\" is used twice", id);
    }
    g_hash_table_unref(seen);
    xmlXPathFreeObject(o);
    return problems_end(&p);
}

static char *
check_headings(const GbHtml *h)
{
    Problems p = {0};
    xmlXPathObject *o = xp(h, NULL,
                           "//*[self::h1 or self::h2 or self::h3 or self::h4 or "
                           "self::h5 or self::h6]");
    int ones = 0, last = 0;
    for (int i = 0; i < xp_len(o); i++) {
        xmlNode *n = xp_at(o, i);
        int level = n->name[1] - '0';
        ones += level == 1;
        if (level > last + 1)
            problem(&p, n, "h%d after h%d skips a level", level, last);
        char *t = text_of(n);
        if (*t == '\0')
            problem(&p, n, "empty heading");
        g_free(t);
        last = level;
    }
    if (ones != 1)
        problem(&p, NULL, "%d h1 elements, not 1", ones);
    xmlXPathFreeObject(o);
    return problems_end(&p);
}

static gboolean
has_digit(const char *s)
{
    for (; *s; s++)
        if (g_ascii_isdigit(*s))
            return TRUE;
    return FALSE;
}

static char *
check_figures(const GbHtml *h)
{
    Problems p = {0};
    xmlXPathObject *o = xp(h, NULL, "//figure");
    for (int i = 0; i < xp_len(o); i++) {
        xmlNode *f = xp_at(o, i);
        xmlNode *svg = xp_first(h, f, ".//svg");
        if (svg == NULL || xp_count(h, f, ".//svg") != 1) {
            problem(&p, f, "a figure holds %d inline <svg>, not 1", xp_count(h, f, ".//svg"));
            continue;
        }
        if (!attr_is(svg, "role", "img"))
            problem(&p, svg, "no role=\"img\"");
        xmlNode *title = xp_first(h, svg, "title"), *desc = xp_first(h, svg, "desc");
        char *tt = text_of(title), *dt = text_of(desc);
        if (*tt == '\0')
            problem(&p, svg, "no <title> (or it is empty)");
        if (*dt == '\0')
            problem(&p, svg, "no <desc> (or it is empty): the alt text is missing");
        else if (!has_digit(dt))
            problem(&p, desc, "the alt text has no numbers: \"%.60s\"", dt);
        char *tid = title ? attr(title, "id") : NULL;
        char *by = attr(svg, "aria-labelledby");
        char **ids = g_strsplit_set(by ? by : "", " \t\n", -1);
        if (tid == NULL || !g_strv_contains((const char *const *)ids, tid))
            problem(&p, svg, "aria-labelledby does not name its <title> (by its id)");
        g_strfreev(ids);
        g_free(by);
        g_free(tid);
        g_free(tt);
        g_free(dt);
        char *cap = text_of(xp_first(h, f, "figcaption"));
        if (*cap == '\0')
            problem(&p, f, "no <figcaption> (or it is empty)");
        g_free(cap);
        if (xp_count(h, f, ".//table") == 0 &&
            xp_count(h, f, "following-sibling::*[1][self::table or .//table]") == 0)
            problem(&p, f, "its data is not a <table> in the figure or right after it");
    }
    xmlXPathFreeObject(o);
    return problems_end(&p);
}

static char *
check_tables(const GbHtml *h)
{
    Problems p = {0};
    xmlXPathObject *o = xp(h, NULL, "//table");
    for (int i = 0; i < xp_len(o); i++) {
        xmlNode *t = xp_at(o, i);
        char *cap = text_of(xp_first(h, t, "*[1][self::caption]"));
        if (*cap == '\0')
            problem(&p, t, "no <caption> as its first child (or it is empty)");
        g_free(cap);
        if (xp_count(h, t, "thead/tr/th") == 0)
            problem(&p, t, "no <thead> with <th> column headers");
        if (xp_count(h, t, "thead//td") > 0)
            problem(&p, t, "a <td> in <thead>");
        xmlXPathObject *c = xp(h, t, "thead//th[not(@scope='col' or @scope='colgroup')]");
        for (int k = 0; k < xp_len(c); k++)
            problem(&p, xp_at(c, k), "column header without scope=\"col\"");
        xmlXPathFreeObject(c);
        if (xp_count(h, t, "tbody/tr|tr|tfoot/tr") == 0)
            problem(&p, t, "no body rows");
        c = xp(h, t, "(tbody/tr|tr|tfoot/tr)[not(th[@scope='row'])]");
        for (int k = 0; k < xp_len(c); k++) {
            char *row = text_of(xp_at(c, k));
            problem(&p, xp_at(c, k), "row \"%.40s\" has no row header (<th scope=\"row\">)", row);
            g_free(row);
        }
        xmlXPathFreeObject(c);
        c = xp(h, t, "(tbody/tr|tr|tfoot/tr)/th[not(@scope='row' or @scope='rowgroup')]");
        for (int k = 0; k < xp_len(c); k++)
            problem(&p, xp_at(c, k), "header cell in a body row without scope=\"row\"");
        xmlXPathFreeObject(c);
    }
    xmlXPathFreeObject(o);
    return problems_end(&p);
}

/* The grade labels of common level `level` in every regime, lower case. */
static GPtrArray *
grade_labels(int level)
{
    const GbRef *r = ref();
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    if (r->common_labels[level] != NULL)
        g_ptr_array_add(out, g_utf8_strdown(r->common_labels[level], -1));
    for (guint g = 0; g < r->regimes->len; g++)
        for (guint k = 0; k < gb_ref_regime(r, (int)g)->grades->len; k++)
            if (gb_ref_grade(r, (int)g, (int)k)->common == level)
                g_ptr_array_add(out, g_utf8_strdown(gb_ref_grade(r, (int)g, (int)k)->label, -1));
    return out;
}

/* The grade level a class token names: grade-N or gN (N the common level),
 * as the renderer spells it. Returns 1 and sets *level, 0 for a token that is
 * no grade, -1 for a grade token with a bad level. */
static int
grade_token(const char *tok, long *level)
{
    const char *digits = g_str_has_prefix(tok, "grade-")            ? tok + 6
                         : tok[0] == 'g' && g_ascii_isdigit(tok[1]) ? tok + 1
                                                                    : NULL;
    if (digits == NULL)
        return 0;
    char *end;
    *level = strtol(digits, &end, 10);
    if (*end != '\0' || end == digits || *level < 0 || *level >= GB_COMMON_LEVELS)
        return -1;
    return 1;
}

/* Calls fn for every element that has a grade class token. */
static int
grade_cells(const GbHtml *h,
            void (*fn)(xmlNode *n, const char *tok, int ok, long level, void *data), void *data)
{
    int count = 0;
    xmlXPathObject *o = xp(h, NULL, "//*[@class]");
    for (int i = 0; i < xp_len(o); i++) {
        char *cls = attr(xp_at(o, i), "class");
        char **tokens = g_strsplit_set(cls, " \t\n", -1);
        for (char **tok = tokens; *tok; tok++) {
            long level = -1;
            int ok = grade_token(*tok, &level);
            if (ok == 0)
                continue;
            count++;
            if (fn)
                fn(xp_at(o, i), *tok, ok, level, data);
        }
        g_strfreev(tokens);
        g_free(cls);
    }
    xmlXPathFreeObject(o);
    return count;
}

typedef struct {
    Problems p;
    GPtrArray *labels[GB_COMMON_LEVELS];
} GradeCheck;

static void
grade_cell_says(xmlNode *n, const char *tok, int ok, long level, void *data)
{
    GradeCheck *g = data;
    if (ok < 0) {
        problem(&g->p, n, "class \"%s\" is not a level 0 to %d", tok, GB_COMMON_LEVELS - 1);
        return;
    }
    char *t = text_of(n), *low = g_utf8_strdown(t, -1);
    gboolean said = FALSE;
    for (guint k = 0; k < g->labels[level]->len && !said; k++)
        said = contains_words(low, g_ptr_array_index(g->labels[level], k));
    if (*t == '\0')
        problem(&g->p, n, "a %s cell with no text: the grade is shown by colour alone", tok);
    else if (!said)
        problem(&g->p, n, "a %s cell says \"%.40s\", not a grade of that level", tok, t);
    g_free(t);
    g_free(low);
}

/* A cell coloured by grade (class grade-N or gN, N the common level 0..3)
 * says the grade in words, and the right one. */
static char *
check_grades(const GbHtml *h)
{
    GradeCheck g;
    memset(&g, 0, sizeof g);
    for (int l = 0; l < GB_COMMON_LEVELS; l++)
        g.labels[l] = grade_labels(l);
    grade_cells(h, grade_cell_says, &g);
    for (int l = 0; l < GB_COMMON_LEVELS; l++)
        g_ptr_array_unref(g.labels[l]);
    return problems_end(&g.p);
}

static char *
check_no_script(const GbHtml *h)
{
    Problems p = {0};
    xmlXPathObject *o = xp(h, NULL,
                           "//script | //*[@*[starts-with(name(),'on')]] | "
                           "//*[@href[starts-with(translate(normalize-space(.),'JAVSCRIPT',"
                           "'javscript'),'javascript:')]]");
    for (int i = 0; i < xp_len(o); i++)
        problem(&p, xp_at(o, i), "script: a <script>, an on... handler or a javascript: link");
    xmlXPathFreeObject(o);
    return problems_end(&p);
}

/* CSS text that loads something: @import, or url() of anything but data: or #. */
static void
css_loads(Problems *p, xmlNode *n, const char *css)
{
    if (css == NULL)
        return;
    char *low = g_ascii_strdown(css, -1);
    if (strstr(low, "@import") != NULL)
        problem(p, n, "CSS @import");
    for (const char *u = strstr(low, "url("); u != NULL; u = strstr(u + 4, "url(")) {
        const char *v = u + 4;
        while (*v == ' ' || *v == '"' || *v == '\'')
            v++;
        if (!g_str_has_prefix(v, "data:") && *v != '#')
            problem(p, n, "CSS url() that loads \"%.*s\"", (int)MIN(strcspn(v, ")\"'"), 60), v);
    }
    g_free(low);
}

/* The file stands alone: nothing it shows comes from elsewhere. Hyperlinks
 * (<a href>) are fine: they load nothing until followed. */
static char *
check_self_contained(const GbHtml *h)
{
    Problems p = {0};
    xmlXPathObject *o = xp(h, NULL, "//@src | //@srcset | //@poster | //@data | //@background");
    for (int i = 0; i < xp_len(o); i++) {
        xmlChar *v = xmlNodeGetContent(xp_at(o, i));
        if (v == NULL || !g_str_has_prefix((const char *)v, "data:"))
            problem(&p, xp_at(o, i)->parent, "%s=\"%.50s\" loads a resource", xp_at(o, i)->name,
                    v ? (const char *)v : "");
        xmlFree(v);
    }
    xmlXPathFreeObject(o);
    o = xp(h, NULL,
           "//iframe | //frame | //object | //embed | //video | //audio | //base | "
           "//meta[translate(@http-equiv,'REFSH','refsh')='refresh']");
    for (int i = 0; i < xp_len(o); i++)
        problem(&p, xp_at(o, i), "an element that loads or redirects");
    xmlXPathFreeObject(o);
    o = xp(h, NULL, "//link");
    for (int i = 0; i < xp_len(o); i++) {
        char *rel = attr(xp_at(o, i), "rel");
        char *low = g_ascii_strdown(rel ? rel : "", -1);
        static const char *const loads[] = {"stylesheet",    "icon",     "preload", "prefetch",
                                            "modulepreload", "manifest", "import",  "preconnect",
                                            "dns-prefetch",  "prerender"};
        for (gsize k = 0; k < G_N_ELEMENTS(loads); k++)
            if (strstr(low, loads[k]) != NULL) {
                problem(&p, xp_at(o, i), "<link rel=\"%s\"> loads a resource", rel);
                break;
            }
        g_free(low);
        g_free(rel);
    }
    xmlXPathFreeObject(o);
    /* SVG references (href or xlink:href) that point outside the file. */
    o = xp(h, NULL,
           "//svg//@*[local-name()='href'][not(starts-with(.,'#')) and "
           "not(starts-with(.,'data:'))][not(parent::a)]");
    for (int i = 0; i < xp_len(o); i++)
        problem(&p, xp_at(o, i)->parent, "an SVG reference outside the file");
    xmlXPathFreeObject(o);
    o = xp(h, NULL, "//style | //*[@style]");
    for (int i = 0; i < xp_len(o); i++) {
        xmlNode *n = xp_at(o, i);
        char *css = strcmp((const char *)n->name, "style") == 0 ? text_of(n) : attr(n, "style");
        css_loads(&p, n, css);
        g_free(css);
    }
    xmlXPathFreeObject(o);
    return problems_end(&p);
}

static char *
check_print_css(const GbHtml *h)
{
    Problems p = {0};
    xmlXPathObject *o = xp(h, NULL, "/html/head/style");
    GString *css = g_string_new(NULL);
    for (int i = 0; i < xp_len(o); i++) {
        char *t = text_of(xp_at(o, i));
        g_string_append(css, t);
        g_free(t);
    }
    xmlXPathFreeObject(o);
    if (css->len == 0)
        problem(&p, NULL, "no inline <style> in <head>");
    if (strstr(css->str, "@media print") == NULL)
        problem(&p, NULL, "no @media print rule");
    const char *page = strstr(css->str, "@page");
    const char *close = page ? strchr(page, '}') : NULL;
    char *rule = page && close ? g_ascii_strdown(page, close - page) : NULL;
    if (rule == NULL || strstr(rule, "a4") == NULL)
        problem(&p, NULL, "no @page rule with size A4");
    g_free(rule);
    g_string_free(css, TRUE);
    return problems_end(&p);
}

/* Regions that scroll sideways (the wide tables) can be reached by keyboard and
 * are named. Whether they do scroll is the browser check's business. */
static char *
check_scroll_regions(const GbHtml *h)
{
    Problems p = {0};
    xmlXPathObject *o = xp(h, NULL, "//*[@tabindex]");
    for (int i = 0; i < xp_len(o); i++) {
        xmlNode *n = xp_at(o, i);
        if (!attr_is(n, "tabindex", "0") && !attr_is(n, "tabindex", "-1"))
            problem(&p, n, "tabindex other than 0 or -1 changes the reading order");
        if (!attr_is(n, "tabindex", "0") || xp_count(h, n, "self::a|self::button") > 0)
            continue;
        if (!attr_is(n, "role", "region"))
            problem(&p, n, "a focusable region without role=\"region\"");
        char *label = attr(n, "aria-label"), *by = labelled_text(h, n);
        gboolean named = (label != NULL && *g_strstrip(label) != '\0') || *by != '\0';
        if (!named)
            problem(&p, n, "a focusable region without a name (aria-label or aria-labelledby)");
        g_free(label);
        g_free(by);
    }
    xmlXPathFreeObject(o);
    return problems_end(&p);
}

static const struct {
    const char *name;
    HtmlCheck fn;
} checks[] = {
    {"wellformed", check_wellformed},
    {"namespace", check_namespace},
    {"lang", check_lang},
    {"head", check_head},
    {"skip-link", check_skip_link},
    {"contents", check_contents},
    {"links", check_links},
    {"headings", check_headings},
    {"figures", check_figures},
    {"tables", check_tables},
    {"grades", check_grades},
    {"no-script", check_no_script},
    {"self-contained", check_self_contained},
    {"print-css", check_print_css},
    {"scroll-regions", check_scroll_regions},
};

static HtmlCheck
check_named(const char *name)
{
    for (gsize i = 0; i < G_N_ELEMENTS(checks); i++)
        if (strcmp(checks[i].name, name) == 0)
            return checks[i].fn;
    ck_abort_msg("no check named %s", name);
    return NULL;
}

/* Runs check i; a document that did not parse fails every check but the
 * first with "not parsed", so the reason is given once. */
static char *
run_check(const GbHtml *h, HtmlCheck fn)
{
    if (h->doc == NULL && fn != check_wellformed)
        return g_strdup("not parsed (see wellformed)");
    return fn(h);
}

/* ---- what a briefing and a pack must hold ---- */

/* The row headers of every table, as texts. */
static GHashTable *
row_headers(const GbHtml *h)
{
    GHashTable *set = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    xmlXPathObject *o = xp(h, NULL, "//table//th[@scope='row']");
    for (int i = 0; i < xp_len(o); i++)
        g_hash_table_add(set, text_of(xp_at(o, i)));
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
static char *
missing_row_headers(const GbHtml *h, const char *const *names, int n, const char *what)
{
    Problems p = {0};
    GHashTable *headers = row_headers(h);
    for (int i = 0; i < n; i++)
        if (!is_row_header(headers, names[i]))
            problem(&p, NULL, "%s \"%s\" is not a row header (<th scope=\"row\">) of any table",
                    what, names[i]);
    g_hash_table_unref(headers);
    return problems_end(&p);
}

/* Every authority that exists today (no end date) is a row header. */
static char *
check_briefing_authorities(const GbHtml *h, const char *unused)
{
    const GbRef *r = ref();
    GPtrArray *names = g_ptr_array_new();
    for (guint i = 0; i < r->authorities->len; i++)
        if (gb_ref_authority(r, (int)i)->to == 0)
            g_ptr_array_add(names, gb_ref_authority(r, (int)i)->name);
    char *p = names->len == 0 ? g_strdup("no authority exists today in the reference data")
                              : missing_row_headers(h, (const char *const *)names->pdata,
                                                    (int)names->len, "authority");
    g_ptr_array_free(names, TRUE);
    return p;
}

static int
find_authority(const char *name)
{
    const GbRef *r = ref();
    for (guint i = 0; i < r->authorities->len; i++)
        if (strcmp(gb_ref_authority(r, (int)i)->name, name) == 0)
            return (int)i;
    return -1;
}

static char *
check_pack_h1(const GbHtml *h, const char *authority)
{
    char *t = text_of(xp_first(h, NULL, "//h1"));
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
        if (gb_ref_authority(ref(), a)->neighbours[k] >= 0)
            names[n++] = gb_ref_authority(ref(), gb_ref_authority(ref(), a)->neighbours[k])->name;
    if (n == 0)
        return NULL;
    return missing_row_headers(h, names, n, "statistical neighbour");
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
static GPtrArray *
pdf_alts(const char *path)
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
static char *
compare_alts(const GbHtml *h, const GPtrArray *alts, const char *pdf)
{
    Problems p = {0};
    xmlXPathObject *o = xp(h, NULL, "//figure//svg/desc");
    if ((guint)xp_len(o) != alts->len)
        problem(&p, NULL, "%d figures with a <desc> here, %u Figures in %s", xp_len(o), alts->len,
                pdf);
    for (guint i = 0; i < MIN((guint)xp_len(o), alts->len); i++) {
        char *d = text_of(xp_at(o, (int)i));
        const char *a = g_ptr_array_index(alts, i);
        if (strcmp(d, a) != 0) {
            gsize k = 0;
            while (d[k] && d[k] == a[k])
                k++;
            problem(&p, xp_at(o, (int)i),
                    "figure %u's <desc> differs from the PDF's /Alt from character %zu: "
                    "\"%.50s\" here, \"%.50s\" in the PDF",
                    i + 1, k, d + k, a + k);
        }
        g_free(d);
    }
    xmlXPathFreeObject(o);
    return problems_end(&p);
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
        GPtrArray *alts = pdf_alts(pdf);
        p = alts ? compare_alts(h, alts, pdf) : g_strdup_printf("%s cannot be read", pdf);
        if (alts)
            g_ptr_array_unref(alts);
    }
    g_free(pdf);
    return p;
}

/* The briefing's and a pack's tables colour grades: with no grade class at
 * all, the grades check would pass for want of cells. */
static char *
check_has_grade_cells(const GbHtml *h, const char *unused)
{
    return grade_cells(h, NULL, NULL) > 0
               ? NULL
               : g_strdup(
                     "no cell has a grade class (grade-N or gN): the grades check saw nothing");
}

typedef char *(*KindCheck)(const GbHtml *h, const char *authority);
static const struct {
    const char *kind, *name;
    KindCheck fn;
} kind_checks[] = {
    {"briefing", "briefing-authorities", check_briefing_authorities},
    {"briefing", "briefing-alts-as-pdf", check_same_alts_as_pdf},
    {"briefing", "briefing-grade-cells", check_has_grade_cells},
    {"pack", "pack-grade-cells", check_has_grade_cells},
    {"pack", "pack-alts-as-pdf", check_same_alts_as_pdf},
    {"pack", "pack-h1", check_pack_h1},
    {"pack", "pack-neighbours", check_pack_neighbours},
};

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
static char *
pack_authority(const char *path)
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

/* ---- file mode ---- */

static const char *the_file, *the_kind;

START_TEST(t_file_check)
{
    GbHtml *h = html_load(the_file);
    char *p = run_check(h, checks[_i].fn);
    ck_assert_msg(p == NULL, "[%s] FAIL %s: %s", checks[_i].name, the_file, p);
    html_free(h);
}
END_TEST

START_TEST(t_file_kind_check)
{
    if (strcmp(kind_checks[_i].kind, the_kind) != 0)
        return;
    char *authority = NULL;
    if (strcmp(the_kind, "pack") == 0) {
        authority = pack_authority(the_file);
        ck_assert_msg(authority != NULL, "[%s] FAIL %s: no row for it in index.csv beside it",
                      kind_checks[_i].name, the_file);
    }
    GbHtml *h = html_load(the_file);
    ck_assert_msg(h->doc != NULL, "[%s] FAIL %s: not parsed", kind_checks[_i].name, the_file);
    char *p = kind_checks[_i].fn(h, authority);
    ck_assert_msg(p == NULL, "[%s] FAIL %s: %s", kind_checks[_i].name, the_file, p);
    html_free(h);
    g_free(authority);
}
END_TEST

/* Several files (a whole packs run): one test per file, each parsed once and
 * given every check, failing with the list of checks it failed. */
static char **the_files;

START_TEST(t_files_all_checks)
{
    const char *file = the_files[_i];
    GbHtml *h = html_load(file);
    GString *failed = g_string_new(NULL);
    /* A file that does not parse fails `wellformed` alone, not every check. */
    for (gsize k = 0; k < (h->doc ? G_N_ELEMENTS(checks) : 1); k++) {
        char *p = run_check(h, checks[k].fn);
        if (p != NULL)
            g_string_append_printf(failed, "\n  [%s] FAIL %s", checks[k].name, p);
        g_free(p);
    }
    char *authority = strcmp(the_kind, "pack") == 0 ? pack_authority(file) : NULL;
    for (gsize k = 0; k < G_N_ELEMENTS(kind_checks) && h->doc != NULL; k++) {
        if (strcmp(kind_checks[k].kind, the_kind) != 0)
            continue;
        char *p = strcmp(the_kind, "pack") == 0 && authority == NULL
                      ? g_strdup("no row for it in index.csv beside it")
                      : kind_checks[k].fn(h, authority);
        if (p != NULL)
            g_string_append_printf(failed, "\n  [%s] FAIL %s", kind_checks[k].name, p);
        g_free(p);
    }
    ck_assert_msg(failed->len == 0, "%s:%s", file, failed->str);
    g_string_free(failed, TRUE);
    g_free(authority);
    html_free(h);
}
END_TEST

/* ---- self-test mode: the fixtures pass, each mutation fails its check ---- */

#define FIXTURE GB_TESTS_DIR "/html/fixture/sample.html"
#define PACK_FIXTURE GB_TESTS_DIR "/html/fixture/packs/barnet.html"

START_TEST(t_fixture_passes)
{
    const char *files[] = {FIXTURE, PACK_FIXTURE};
    for (gsize f = 0; f < G_N_ELEMENTS(files); f++) {
        GbHtml *h = html_load(files[f]);
        char *p = run_check(h, checks[_i].fn);
        ck_assert_msg(p == NULL, "[%s] FAIL on the fixture %s: %s", checks[_i].name, files[f], p);
        html_free(h);
    }
}
END_TEST

START_TEST(t_pack_fixture_passes)
{
    char *authority = pack_authority(PACK_FIXTURE);
    ck_assert_str_eq(authority, "Barnet");
    GbHtml *h = html_load(PACK_FIXTURE);
    for (gsize k = 0; k < G_N_ELEMENTS(kind_checks); k++) {
        if (strcmp(kind_checks[k].kind, "pack") != 0)
            continue;
        char *p = kind_checks[k].fn(h, authority);
        ck_assert_msg(p == NULL, "[%s] FAIL on the pack fixture: %s", kind_checks[k].name, p);
    }
    html_free(h);
    g_free(authority);
}
END_TEST

/* A fixture with up to two edits (each replaces the first occurrence of from,
 * which must be there) must fail `check`. */
static const struct {
    const char *name, *file;
    const char *from, *to, *from2, *to2;
    const char *check;
} mutations[] = {
    {"unclosed li", FIXTURE, "<li><a href=\"#findings\">1. Key findings</a></li>",
     "<li><a href=\"#findings\">1. Key findings</a>", NULL, NULL, "wellformed"},
    {"unclosed td", FIXTURE, "<td>London</td>", "<td>London", NULL, NULL, "wellformed"},
    {"html-only entity", FIXTURE, "1. Key findings</h2>", "1.&nbsp;Key findings</h2>", NULL, NULL,
     "wellformed"},
    {"bare ampersand", FIXTURE, "(Crown copyright,", "(Crown copyright & OGL,", NULL, NULL,
     "wellformed"},
    {"no xhtml namespace", FIXTURE, " xmlns=\"http://www.w3.org/1999/xhtml\"", "", NULL, NULL,
     "namespace"},
    {"svg outside its namespace", FIXTURE, "<svg xmlns=\"http://www.w3.org/2000/svg\"", "<svg",
     NULL, NULL, "namespace"},
    {"lang en", FIXTURE, "lang=\"en-GB\" xml:lang", "lang=\"en\" xml:lang", NULL, NULL, "lang"},
    {"no lang", FIXTURE, "lang=\"en-GB\" xml:lang", "xml:lang", NULL, NULL, "lang"},
    {"empty title", FIXTURE,
     "<title>Children's services inspections in England: briefing "
     "(fixture)</title>",
     "<title> </title>", NULL, NULL, "head"},
    {"no charset", FIXTURE, "<meta charset=\"utf-8\" />", "", NULL, NULL, "head"},
    {"no viewport", FIXTURE, "<meta name=\"viewport\"", "<meta name=\"generator\"", NULL, NULL,
     "head"},
    {"skip link to nowhere", FIXTURE, "href=\"#main\"", "href=\"#content\"", NULL, NULL,
     "skip-link"},
    {"main without its id", FIXTURE, "<main id=\"main\">", "<main>", NULL, NULL, "skip-link"},
    {"skip link not first", FIXTURE, "<a class=\"skip\"",
     "<a href=\"#findings\">x</a><a class=\"skip\"", NULL, NULL, "skip-link"},
    {"section not in contents", FIXTURE,
     "<li><a href=\"#methodology\">4. Methodology and sources</a></li>", "", NULL, NULL,
     "contents"},
    {"no nav", FIXTURE, "<nav aria-labelledby=\"contents-title\">", "<div>", "</nav>", "</div>",
     "contents"},
    {"contents link dangling", FIXTURE, "href=\"#authorities\"", "href=\"#authority\"", NULL, NULL,
     "links"},
    {"labelledby dangling", FIXTURE, "aria-labelledby=\"findings-h\"",
     "aria-labelledby=\"findings-heading\"", NULL, NULL, "links"},
    {"duplicate id", FIXTURE, "id=\"figure-1\"", "id=\"findings\"", NULL, NULL, "links"},
    {"two h1", FIXTURE, "<h2 id=\"findings-h\">1. Key findings</h2>",
     "<h1 id=\"findings-h\">1. Key findings</h1>", NULL, NULL, "headings"},
    {"skipped level", FIXTURE, "<h3>ILACS overall effectiveness</h3>",
     "<h4>ILACS overall effectiveness</h4>", NULL, NULL, "headings"},
    {"empty heading", FIXTURE, "<h3>ILACS overall effectiveness</h3>", "<h3> </h3>", NULL, NULL,
     "headings"},
    {"svg without role", FIXTURE, "role=\"img\" viewBox", "viewBox", NULL, NULL, "figures"},
    {"svg without desc", FIXTURE, "<desc id=\"figure-1-desc\">", "<metadata id=\"figure-1-desc\">",
     "2025: outstanding 24, good 79, requires improvement 40, inadequate 10 of 153.</desc>",
     "</metadata>", "figures"},
    {"alt text without numbers", FIXTURE, "Stacked bars, one a year. 2023:",
     "Stacked bars, one a year.</desc><desc>2023:", NULL, NULL, "figures"},
    {"svg not named by its title", FIXTURE, "aria-labelledby=\"figure-1-title figure-1-desc\"",
     "aria-labelledby=\"figure-1-desc\"", NULL, NULL, "figures"},
    {"figure without caption", FIXTURE, "<figcaption>", "<p>", "</figcaption>", "</p>", "figures"},
    {"figure without data table", FIXTURE, "</figcaption>\n<div class=\"scroll\"",
     "</figcaption>\n</figure>\n<p>x</p>\n<div class=\"scroll\"", "</div>\n</figure>", "</div>",
     "figures"},
    {"figure with a picture, not svg", FIXTURE, "<figure id=\"figure-1\">",
     "<figure id=\"figure-0\"><img alt=\"Chart: 67% good or better in 2025\" src=\"data:,\" />"
     "<figcaption>Figure 0: a picture</figcaption></figure>\n<figure id=\"figure-1\">",
     NULL, NULL, "figures"},
    {"grade 2 cell that says inadequate", FIXTURE, "<td class=\"grade-3\">Inadequate (2024)</td>",
     "<td class=\"grade-2\">Inadequate (2024)</td>", NULL, NULL, "grades"},
    {"table without caption", FIXTURE,
     "<caption id=\"authorities-caption\">Latest headline judgement of each authority in each "
     "regime</caption>",
     "", NULL, NULL, "tables"},
    {"column header without scope", FIXTURE, "<th scope=\"col\">Region</th>", "<th>Region</th>",
     NULL, NULL, "tables"},
    {"row without row header", FIXTURE, "<tr><th scope=\"row\">Barnet</th>", "<tr><td>Barnet</td>",
     NULL, NULL, "tables"},
    {"row header scoped as column", FIXTURE, "<th scope=\"row\">2024</th>",
     "<th scope=\"col\">2024</th>", NULL, NULL, "tables"},
    {"no thead", FIXTURE, "<thead>\n<tr><th scope=\"col\">Authority</th>",
     "<tbody>\n<tr><th scope=\"col\">Authority</th>", "ILACS latest</th></tr>\n</thead>",
     "ILACS latest</th></tr>\n</tbody>", "tables"},
    {"grade by colour alone", FIXTURE, "<td class=\"grade-3\">Inadequate (2024)</td>",
     "<td class=\"grade-3\"></td>", NULL, NULL, "grades"},
    {"grade that says another", FIXTURE, "<td class=\"grade-3\">Inadequate (2024)</td>",
     "<td class=\"grade-3\">Good (2024)</td>", NULL, NULL, "grades"},
    {"short grade class, wrong words", FIXTURE, "<td class=\"grade-3\">Inadequate (2024)</td>",
     "<td class=\"g1\">Inadequate (2024)</td>", NULL, NULL, "grades"},
    {"grade level out of range", FIXTURE, "<td class=\"grade-3\">", "<td class=\"grade-7\">", NULL,
     NULL, "grades"},
    {"script", FIXTURE, "</footer>", "</footer>\n<script>document.title = 'x';</script>", NULL,
     NULL, "no-script"},
    {"event handler", FIXTURE, "<body>", "<body onload=\"go()\">", NULL, NULL, "no-script"},
    {"javascript link", FIXTURE, "href=\"https://www.gov.uk/", "href=\"JavaScript:void(0)//", NULL,
     NULL, "no-script"},
    {"remote image", FIXTURE, "</footer>",
     "<p><img src=\"https://example.org/chart.png\" alt=\"chart\" /></p></footer>", NULL, NULL,
     "self-contained"},
    {"local image", FIXTURE, "</footer>", "<p><img src=\"chart.png\" alt=\"chart\" /></p></footer>",
     NULL, NULL, "self-contained"},
    {"stylesheet link", FIXTURE, "</title>", "</title>\n<link rel=\"stylesheet\" href=\"b.css\" />",
     NULL, NULL, "self-contained"},
    {"css import", FIXTURE, "/* A hand-written", "@import url(\"b.css\");\n/* A hand-written", NULL,
     NULL, "self-contained"},
    {"css url", FIXTURE, ".grade-0 { background: #c6dbef; }",
     ".grade-0 { background: url('stripes.png'); }", NULL, NULL, "self-contained"},
    {"svg image", FIXTURE, "<g stroke=\"#ffffff\"",
     "<image href=\"bars.png\" width=\"1\" height=\"1\" /><g stroke=\"#ffffff\"", NULL, NULL,
     "self-contained"},
    {"iframe", FIXTURE, "</footer>", "<iframe title=\"map\"></iframe></footer>", NULL, NULL,
     "self-contained"},
    {"no print rule", FIXTURE, "@media print {", "@media screen and (min-width: 1px) {", NULL, NULL,
     "print-css"},
    {"letter paper", FIXTURE, "size: A4;", "size: letter;", NULL, NULL, "print-css"},
    {"style outside head", FIXTURE, "<style>", "</head><body><style>", "</style>\n</head>\n<body>",
     "</style>", "print-css"},
    {"region without a name", FIXTURE, "tabindex=\"0\" aria-labelledby=\"authorities-caption\"",
     "tabindex=\"0\"", NULL, NULL, "scroll-regions"},
    {"region without role", FIXTURE, "role=\"region\" tabindex=\"0\" aria-labelledby=\"auth",
     "tabindex=\"0\" aria-labelledby=\"auth", NULL, NULL, "scroll-regions"},
    {"positive tabindex", FIXTURE, "tabindex=\"0\" aria-labelledby=\"authorities-caption\"",
     "tabindex=\"2\" aria-labelledby=\"authorities-caption\"", NULL, NULL, "scroll-regions"},
    {"pack h1 names another", PACK_FIXTURE, "<h1>Barnet:", "<h1>Barnsley:", NULL, NULL, "pack-h1"},
    {"pack neighbour as a data cell", PACK_FIXTURE, "<tr><th scope=\"row\">Harrow</th>",
     "<tr><td>Harrow</td>", NULL, NULL, "pack-neighbours"},
    {"pack neighbour missing", PACK_FIXTURE,
     "<tr><th scope=\"row\">Ealing</th><td>neighbour 10, Close</td><td class=\"grade-1\">Good</td>"
     "</tr>",
     "", NULL, NULL, "pack-neighbours"},
};

static char *
replace_first(char *s, const char *from, const char *to, const char *name)
{
    char *at = strstr(s, from);
    ck_assert_msg(at != NULL, "mutation %s: \"%s\" is not in the fixture", name, from);
    char *out = g_strdup_printf("%.*s%s%s", (int)(at - s), s, to, at + strlen(from));
    g_free(s);
    return out;
}

START_TEST(t_mutation_fails)
{
    gsize len;
    char *s = read_or_die(mutations[_i].file, &len);
    s = replace_first(s, mutations[_i].from, mutations[_i].to, mutations[_i].name);
    if (mutations[_i].from2)
        s = replace_first(s, mutations[_i].from2, mutations[_i].to2, mutations[_i].name);
    GbHtml *h = html_parse(s, strlen(s), mutations[_i].name);
    char *p = NULL;
    const char *check = mutations[_i].check;
    /* Only a mutation aimed at well-formedness may break the parse: any other
     * would fail its check for the wrong reason. */
    if (strcmp(check, "wellformed") != 0)
        ck_assert_msg(h->doc != NULL && h->parse_errors->len == 0,
                      "mutation %s broke the parse: %s", mutations[_i].name, h->parse_errors->str);
    if (g_str_has_prefix(check, "pack-")) {
        ck_assert_msg(h->doc != NULL, "mutation %s: not parsed", mutations[_i].name);
        for (gsize k = 0; k < G_N_ELEMENTS(kind_checks); k++)
            if (strcmp(kind_checks[k].name, check) == 0)
                p = kind_checks[k].fn(h, "Barnet");
    } else {
        p = run_check(h, check_named(check));
    }
    ck_assert_msg(p != NULL, "mutation \"%s\" passed the %s check", mutations[_i].name, check);
    if (g_getenv("GB_HTML_VERBOSE"))
        fprintf(stderr, "%s -> [%s] %s\n", mutations[_i].name, check, p);
    g_free(p);
    html_free(h);
    g_free(s);
}
END_TEST

/* index.csv beside a pack: the row whose file has the pack's stem. */
static const struct {
    const char *name, *index, *pack, *want;
} index_cases[] = {
    {"plain", "authority,dfe_code,ons_code,file,pages\nBarnet,302,E09000003,barnet.pdf,2\n",
     "barnet.html", "Barnet"},
    {"quoted name with a comma",
     "authority,dfe_code,ons_code,file,pages\r\nBarnet,302,E09000003,barnet.pdf,2\r\n"
     "\"Bournemouth, Christchurch and Poole\",839,E06000058,"
     "bournemouth-christchurch-and-poole.pdf,3\r\n",
     "bournemouth-christchurch-and-poole.html", "Bournemouth, Christchurch and Poole"},
    {"columns in another order", "file,html,authority\nbarnet.pdf,barnet.html,Barnet\n",
     "barnet.html", "Barnet"},
    {"no row for it", "authority,dfe_code,ons_code,file,pages\nBarnet,302,E09000003,barnet.pdf,2\n",
     "barnsley.html", NULL},
    {"no file column", "authority,pages\nBarnet,2\n", "barnet.html", NULL},
};

START_TEST(t_pack_index)
{
    char *index = gb_test_file("index.csv", index_cases[_i].index, -1);
    char *dir = g_path_get_dirname(index);
    char *pack = g_build_filename(dir, index_cases[_i].pack, NULL);
    char *got = pack_authority(pack);
    ck_assert_msg(g_strcmp0(got, index_cases[_i].want) == 0, "%s: got %s", index_cases[_i].name,
                  got ? got : "(none)");
    g_free(got);
    g_free(pack);
    g_free(dir);
    g_free(index);
}
END_TEST

/* The real PDF's alt texts, compared with an HTML that has them as <desc>
 * (passes), one changed (fails), one missing (fails). */
START_TEST(t_alts_against_real_pdf)
{
    char *dir = gb_test_tmpdir("alts");
    const char *argv[] = {GB_BINARY, "build", "-q", "-o", dir, NULL};
    char *out = NULL, *err = NULL;
    ck_assert_int_eq(gb_test_run(NULL, argv, &out, &err), 0);
    char *pdf = g_build_filename(dir, "briefing.pdf", NULL);
    GPtrArray *alts = pdf_alts(pdf);
    ck_assert_msg(alts != NULL && alts->len >= 3, "%s: %u figures", pdf, alts ? alts->len : 0);
    for (int variant = 0; variant < 3; variant++) {
        GString *html = g_string_new("<html xmlns=\"http://www.w3.org/1999/xhtml\"><body>");
        for (guint i = 0; i < alts->len; i++) {
            if (variant == 2 && i == 1)
                continue;
            char *esc = g_markup_escape_text(g_ptr_array_index(alts, i), -1);
            g_string_append_printf(html,
                                   "<figure><svg xmlns=\"http://www.w3.org/2000/svg\"><desc>\n"
                                   "%s%s</desc></svg></figure>",
                                   esc, variant == 1 && i == 2 ? " (changed)" : "");
            g_free(esc);
        }
        g_string_append(html, "</body></html>");
        GbHtml *h = html_parse(html->str, html->len, "alts.html");
        char *p = compare_alts(h, alts, pdf);
        if (variant == 0)
            ck_assert_msg(p == NULL, "the PDF's own alts: %s", p);
        else
            ck_assert_msg(p != NULL, "variant %d passed", variant);
        g_free(p);
        html_free(h);
        g_string_free(html, TRUE);
    }
    g_ptr_array_unref(alts);
    g_free(pdf);
    g_free(out);
    g_free(err);
    g_free(dir);
}
END_TEST

/* The grade-cells check fails a page with no grade class, and passes one
 * with either spelling. */
START_TEST(t_grade_cells_needed)
{
    static const struct {
        const char *cell;
        gboolean pass;
    } cases[] = {{"<td>Good</td>", FALSE},
                 {"<td class=\"num\">Good</td>", FALSE},
                 {"<td class=\"num g1\">Good</td>", TRUE},
                 {"<td class=\"grade-1\">Good</td>", TRUE}};
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        char *html = g_strdup_printf("<html xmlns=\"http://www.w3.org/1999/xhtml\"><body><table>"
                                     "<tr>%s</tr></table></body></html>",
                                     cases[i].cell);
        GbHtml *h = html_parse(html, strlen(html), "cells.html");
        char *p = check_has_grade_cells(h, NULL);
        ck_assert_msg((p == NULL) == cases[i].pass, "%s: %s", cases[i].cell, p ? p : "passed");
        g_free(p);
        html_free(h);
        g_free(html);
    }
}
END_TEST

/* The briefing's authority check, on a list of names: present, with a note in
 * brackets, and missing. */
static const struct {
    const char *name;
    const char *names[3];
    gboolean pass;
} authority_cases[] = {
    {"all present", {"Barnet", "Hertfordshire", NULL}, TRUE},
    {"with a bracketed note", {"Westmorland and Furness", "Cumbria", NULL}, TRUE},
    {"one missing", {"Barnet", "Enfield", NULL}, FALSE},
    {"a prefix is not a name", {"Barn", NULL, NULL}, FALSE},
    {"a data cell is not a row header", {"London", NULL, NULL}, FALSE},
};

START_TEST(t_authority_list)
{
    GbHtml *h = html_load(FIXTURE);
    int n = 0;
    while (n < 3 && authority_cases[_i].names[n] != NULL)
        n++;
    char *p = missing_row_headers(h, authority_cases[_i].names, n, "authority");
    ck_assert_msg((p == NULL) == authority_cases[_i].pass, "%s: %s", authority_cases[_i].name,
                  p ? p : "passed");
    g_free(p);
    html_free(h);
}
END_TEST

/* The real briefing check fails the fixture, which holds four authorities. */
START_TEST(t_briefing_check_fails_fixture)
{
    GbHtml *h = html_load(FIXTURE);
    char *p = check_briefing_authorities(h, NULL);
    ck_assert_msg(p != NULL && strstr(p, "\"Barking and Dagenham\"") != NULL, "%s",
                  p ? p : "passed");
    ck_assert_msg(strstr(p, "\"Barnet\"") == NULL, "%s", p);
    g_free(p);
    html_free(h);
}
END_TEST

static Suite *
html_suite(void)
{
    Suite *s = suite_create("html");
    TCase *tc = tcase_create(the_files ? "files" : the_file ? "file" : "contract");
    if (the_files != NULL) {
        tcase_add_loop_test(tc, t_files_all_checks, 0, (int)g_strv_length(the_files));
    } else if (the_file != NULL) {
        tcase_add_loop_test(tc, t_file_check, 0, G_N_ELEMENTS(checks));
        tcase_add_loop_test(tc, t_file_kind_check, 0, G_N_ELEMENTS(kind_checks));
    } else {
        tcase_add_loop_test(tc, t_fixture_passes, 0, G_N_ELEMENTS(checks));
        tcase_add_test(tc, t_pack_fixture_passes);
        tcase_add_loop_test(tc, t_mutation_fails, 0, G_N_ELEMENTS(mutations));
        tcase_add_loop_test(tc, t_authority_list, 0, G_N_ELEMENTS(authority_cases));
        tcase_add_loop_test(tc, t_pack_index, 0, G_N_ELEMENTS(index_cases));
        tcase_add_test(tc, t_alts_against_real_pdf);
        tcase_add_test(tc, t_grade_cells_needed);
        tcase_add_test(tc, t_briefing_check_fails_fixture);
    }
    suite_add_tcase(s, tc);
    return s;
}

int
main(int argc, char **argv)
{
    the_file = argc > 1 ? argv[1] : g_getenv("GB_HTML_FILE");
    the_kind = g_getenv("GB_HTML_KIND") ? g_getenv("GB_HTML_KIND") : "page";
    if (argc > 2)
        the_files = argv + 1; /* NULL-terminated, as argv is */
    for (int i = 1; i < MAX(argc, 2); i++) {
        const char *f = argc > 1 ? argv[i] : the_file;
        if (f != NULL && !g_file_test(f, G_FILE_TEST_EXISTS)) {
            fprintf(stderr, "test_html: %s: no such file (did the build fixture run?)\n", f);
            return EXIT_FAILURE;
        }
    }
    if (the_files != NULL)
        printf("test_html: %d files (%s)\n", argc - 1, the_kind);
    else if (the_file != NULL)
        printf("test_html: %s (%s)\n", the_file, the_kind);
    return gb_test_main(html_suite());
}
