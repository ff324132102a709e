/* htmldoc.c - an HTML file parsed as XML, and the XPath and text helpers the
 * checks use (see htmlcheck.h). */
#include "html/htmlcheck.h"

#include <libxml/xpathInternals.h>
#include <string.h>

/* The reference data, loaded once per test process (grade labels, authorities,
 * neighbours). */
static GbRef *gb__ref;

const GbRef *
html_ref(void)
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
GbHtml *
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
        h->xpc = xmlXPathNewContext(h->doc);
    }
    return h;
}

char *
html_read_file(const char *path, gsize *len)
{
    char *buf = NULL;
    GError *e = NULL;
    ck_assert_msg(g_file_get_contents(path, &buf, len, &e), "%s", e ? e->message : path);
    return buf;
}

GbHtml *
html_load(const char *path)
{
    gsize len;
    char *buf = html_read_file(path, &len);
    GbHtml *h = html_parse(buf, len, path);
    g_free(buf);
    return h;
}

void
html_free(GbHtml *h)
{
    if (h == NULL)
        return;
    xmlXPathFreeContext(h->xpc);
    xmlFreeDoc(h->doc);
    g_string_free(h->parse_errors, TRUE);
    g_string_free(h->ns_problems, TRUE);
    g_free(h->name);
    g_free(h);
}

/* ---- XPath helpers ---- */

/* The nodes expr selects from node (NULL: the document); free with
 * xmlXPathFreeObject. Never NULL: a bad expression aborts the test. */
xmlXPathObject *
html_xp(const GbHtml *h, xmlNode *node, const char *expr)
{
    xmlXPathObject *o = node ? xmlXPathNodeEval(node, (const xmlChar *)expr, h->xpc)
                             : xmlXPathEvalExpression((const xmlChar *)expr, h->xpc);
    ck_assert_msg(o != NULL && o->type == XPATH_NODESET, "bad XPath %s", expr);
    return o;
}

int
html_xp_len(const xmlXPathObject *o)
{
    return o->nodesetval ? o->nodesetval->nodeNr : 0;
}

xmlNode *
html_xp_at(const xmlXPathObject *o, int i)
{
    return o->nodesetval->nodeTab[i];
}

int
html_xp_count(const GbHtml *h, xmlNode *node, const char *expr)
{
    xmlXPathObject *o = html_xp(h, node, expr);
    int n = html_xp_len(o);
    xmlXPathFreeObject(o);
    return n;
}

/* The first node expr selects, or NULL. */
xmlNode *
html_xp_first(const GbHtml *h, xmlNode *node, const char *expr)
{
    xmlXPathObject *o = html_xp(h, node, expr);
    xmlNode *n = html_xp_len(o) > 0 ? html_xp_at(o, 0) : NULL;
    xmlXPathFreeObject(o);
    return n;
}

/* The text of n with runs of white space made one space, trimmed; g_free it. */
char *
html_text(xmlNode *n)
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
char *
html_attr(xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
    char *s = v ? g_strdup((const char *)v) : NULL;
    xmlFree(v);
    return s;
}

gboolean
html_attr_is(xmlNode *n, const char *name, const char *value)
{
    char *v = html_attr(n, name);
    gboolean is = v != NULL && strcmp(v, value) == 0;
    g_free(v);
    return is;
}

gboolean
html_has_id(const GbHtml *h, const char *id)
{
    if (id == NULL || *id == '\0' || strchr(id, '\'') != NULL)
        return FALSE;
    char *e = g_strdup_printf("//*[@id='%s']", id);
    gboolean found = html_xp_count(h, NULL, e) > 0;
    g_free(e);
    return found;
}

/* The text of the elements n's aria-labelledby names, joined by spaces
 * (empty when one is missing or there is none); g_free it. */
char *
html_labelled_text(const GbHtml *h, xmlNode *n)
{
    char *by = html_attr(n, "aria-labelledby");
    char **ids = g_strsplit_set(by ? by : "", " \t\n", -1);
    GString *s = g_string_new(NULL);
    gboolean all = TRUE;
    for (char **id = ids; *id && all; id++) {
        if (**id == '\0')
            continue;
        all = html_has_id(h, *id);
        if (!all)
            break;
        char *e = g_strdup_printf("//*[@id='%s']", *id);
        char *t = html_text(html_xp_first(h, NULL, e));
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
gboolean
html_contains_words(const char *hay, const char *needle)
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

void
html_problem(HtmlProblems *p, xmlNode *n, const char *fmt, ...)
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
char *
html_problems_end(HtmlProblems *p)
{
    if (p->s == NULL)
        return NULL;
    if (p->n > MAX_PROBLEMS)
        g_string_append_printf(p->s, "\n    ... and %d more", p->n - MAX_PROBLEMS);
    return g_string_free(p->s, FALSE);
}
