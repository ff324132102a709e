/* htmlchecks.c - the structure checks of the HTML contract, items 1-12 of
 * tests/html/README.md, each by XPath over the parsed file. */
#include "html/htmlcheck.h"

#include <string.h>

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
    HtmlProblems p = {0};
    xmlNode *root = xmlDocGetRootElement(h->doc);
    if (root == NULL || strcmp((const char *)root->name, "html") != 0)
        html_problem(&p, root, "the root element is not <html>");
    else if (!html_attr_is(root, "lang", "en-GB"))
        html_problem(&p, root, "lang is not \"en-GB\"");
    return html_problems_end(&p);
}

static char *
check_head(const GbHtml *h)
{
    HtmlProblems p = {0};
    if (html_xp_count(h, NULL, "/html/head/title") != 1)
        html_problem(&p, NULL, "no <title> in <head> (or more than one)");
    char *title = html_text(html_xp_first(h, NULL, "/html/head/title"));
    if (*title == '\0')
        html_problem(&p, NULL, "the <title> is empty");
    g_free(title);
    if (html_xp_count(h, NULL, "/html/head/meta[translate(@charset,'UTF','utf')='utf-8']") != 1)
        html_problem(&p, NULL, "no <meta charset=\"utf-8\" /> in <head>");
    if (html_xp_count(h, NULL,
                      "/html/head/meta[@name='viewport'][contains(@content,"
                      "'width=device-width')]") != 1)
        html_problem(&p, NULL, "no <meta name=\"viewport\" content=\"width=device-width...\" />");
    return html_problems_end(&p);
}

static char *
check_skip_link(const GbHtml *h)
{
    HtmlProblems p = {0};
    xmlNode *first = html_xp_first(h, NULL, "(/html/body//a)[1]");
    if (first == NULL || !html_attr_is(first, "href", "#main"))
        html_problem(&p, first, "the first link in <body> is not a skip link to #main");
    if (html_xp_count(h, NULL, "//main") != 1)
        html_problem(&p, NULL, "%d <main> elements, not 1", html_xp_count(h, NULL, "//main"));
    if (html_xp_count(h, NULL, "//main[@id='main']") != 1)
        html_problem(&p, NULL, "no <main id=\"main\">");
    if (html_xp_count(h, NULL, "//*[@id='main'][not(self::main)]") > 0)
        html_problem(&p, NULL, "id \"main\" is on an element that is not <main>");
    return html_problems_end(&p);
}

static char *
check_contents(const GbHtml *h)
{
    HtmlProblems p = {0};
    if (html_xp_count(h, NULL, "//nav//a[starts-with(@href,'#')]") == 0)
        html_problem(&p, NULL, "no contents: no <nav> with links to the sections");
    xmlXPathObject *o = html_xp(h, NULL, "//main//section[@id][not(ancestor::section)]");
    for (int i = 0; i < html_xp_len(o); i++) {
        char *id = html_attr(html_xp_at(o, i), "id");
        char *e = g_strdup_printf("//nav//a[@href='#%s']", id);
        if (strchr(id, '\'') != NULL || html_xp_count(h, NULL, e) == 0)
            html_problem(&p, html_xp_at(o, i), "section \"%s\" is not in the contents", id);
        g_free(e);
        g_free(id);
    }
    xmlXPathFreeObject(o);
    return html_problems_end(&p);
}

/* Every in-page link and every id reference goes somewhere; ids are unique. */
static char *
check_links(const GbHtml *h)
{
    HtmlProblems p = {0};
    xmlXPathObject *o = html_xp(h, NULL, "//a[starts-with(@href,'#')]");
    for (int i = 0; i < html_xp_len(o); i++) {
        char *href = html_attr(html_xp_at(o, i), "href");
        if (!html_has_id(h, href + 1))
            html_problem(&p, html_xp_at(o, i), "link to \"%s\", which no element has as id", href);
        g_free(href);
    }
    xmlXPathFreeObject(o);
    o = html_xp(h, NULL, "//*[@aria-labelledby or @aria-describedby]");
    for (int i = 0; i < html_xp_len(o); i++) {
        for (int k = 0; k < 2; k++) {
            char *v = html_attr(html_xp_at(o, i), k ? "aria-describedby" : "aria-labelledby");
            char **ids = g_strsplit_set(v ? v : "", " \t\n", -1);
            for (char **id = ids; *id; id++)
                if (**id && !html_has_id(h, *id))
                    html_problem(&p, html_xp_at(o, i), "refers to id \"%s\", which does not exist",
                                 *id);
            g_strfreev(ids);
            g_free(v);
        }
    }
    xmlXPathFreeObject(o);
    o = html_xp(h, NULL, "//*[@id]");
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (int i = 0; i < html_xp_len(o); i++) {
        char *id = html_attr(html_xp_at(o, i), "id");
        if (!g_hash_table_add(seen, id))
            html_problem(&p, html_xp_at(o, i), "id \"%s\" is used twice", id);
    }
    g_hash_table_unref(seen);
    xmlXPathFreeObject(o);
    return html_problems_end(&p);
}

static char *
check_headings(const GbHtml *h)
{
    HtmlProblems p = {0};
    xmlXPathObject *o = html_xp(h, NULL,
                                "//*[self::h1 or self::h2 or self::h3 or self::h4 or "
                                "self::h5 or self::h6]");
    int ones = 0, last = 0;
    for (int i = 0; i < html_xp_len(o); i++) {
        xmlNode *n = html_xp_at(o, i);
        int level = n->name[1] - '0';
        ones += level == 1;
        if (level > last + 1)
            html_problem(&p, n, "h%d after h%d skips a level", level, last);
        char *t = html_text(n);
        if (*t == '\0')
            html_problem(&p, n, "empty heading");
        g_free(t);
        last = level;
    }
    if (ones != 1)
        html_problem(&p, NULL, "%d h1 elements, not 1", ones);
    xmlXPathFreeObject(o);
    return html_problems_end(&p);
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
    HtmlProblems p = {0};
    xmlXPathObject *o = html_xp(h, NULL, "//figure");
    for (int i = 0; i < html_xp_len(o); i++) {
        xmlNode *f = html_xp_at(o, i);
        xmlNode *svg = html_xp_first(h, f, ".//svg");
        if (svg == NULL || html_xp_count(h, f, ".//svg") != 1) {
            html_problem(&p, f, "a figure holds %d inline <svg>, not 1",
                         html_xp_count(h, f, ".//svg"));
            continue;
        }
        if (!html_attr_is(svg, "role", "img"))
            html_problem(&p, svg, "no role=\"img\"");
        xmlNode *title = html_xp_first(h, svg, "title"), *desc = html_xp_first(h, svg, "desc");
        char *tt = html_text(title), *dt = html_text(desc);
        if (*tt == '\0')
            html_problem(&p, svg, "no <title> (or it is empty)");
        if (*dt == '\0')
            html_problem(&p, svg, "no <desc> (or it is empty): the alt text is missing");
        else if (!has_digit(dt))
            html_problem(&p, desc, "the alt text has no numbers: \"%.60s\"", dt);
        char *tid = title ? html_attr(title, "id") : NULL;
        char *by = html_attr(svg, "aria-labelledby");
        char **ids = g_strsplit_set(by ? by : "", " \t\n", -1);
        if (tid == NULL || !g_strv_contains((const char *const *)ids, tid))
            html_problem(&p, svg, "aria-labelledby does not name its <title> (by its id)");
        g_strfreev(ids);
        g_free(by);
        g_free(tid);
        g_free(tt);
        g_free(dt);
        char *cap = html_text(html_xp_first(h, f, "figcaption"));
        if (*cap == '\0')
            html_problem(&p, f, "no <figcaption> (or it is empty)");
        g_free(cap);
        if (html_xp_count(h, f, ".//table") == 0 &&
            html_xp_count(h, f, "following-sibling::*[1][self::table or .//table]") == 0)
            html_problem(&p, f, "its data is not a <table> in the figure or right after it");
    }
    xmlXPathFreeObject(o);
    return html_problems_end(&p);
}

static char *
check_tables(const GbHtml *h)
{
    HtmlProblems p = {0};
    xmlXPathObject *o = html_xp(h, NULL, "//table");
    for (int i = 0; i < html_xp_len(o); i++) {
        xmlNode *t = html_xp_at(o, i);
        char *cap = html_text(html_xp_first(h, t, "*[1][self::caption]"));
        if (*cap == '\0')
            html_problem(&p, t, "no <caption> as its first child (or it is empty)");
        g_free(cap);
        if (html_xp_count(h, t, "thead/tr/th") == 0)
            html_problem(&p, t, "no <thead> with <th> column headers");
        if (html_xp_count(h, t, "thead//td") > 0)
            html_problem(&p, t, "a <td> in <thead>");
        xmlXPathObject *c = html_xp(h, t, "thead//th[not(@scope='col' or @scope='colgroup')]");
        for (int k = 0; k < html_xp_len(c); k++)
            html_problem(&p, html_xp_at(c, k), "column header without scope=\"col\"");
        xmlXPathFreeObject(c);
        if (html_xp_count(h, t, "tbody/tr|tr|tfoot/tr") == 0)
            html_problem(&p, t, "no body rows");
        c = html_xp(h, t, "(tbody/tr|tr|tfoot/tr)[not(th[@scope='row'])]");
        for (int k = 0; k < html_xp_len(c); k++) {
            char *row = html_text(html_xp_at(c, k));
            html_problem(&p, html_xp_at(c, k),
                         "row \"%.40s\" has no row header (<th scope=\"row\">)", row);
            g_free(row);
        }
        xmlXPathFreeObject(c);
        c = html_xp(h, t, "(tbody/tr|tr|tfoot/tr)/th[not(@scope='row' or @scope='rowgroup')]");
        for (int k = 0; k < html_xp_len(c); k++)
            html_problem(&p, html_xp_at(c, k), "header cell in a body row without scope=\"row\"");
        xmlXPathFreeObject(c);
    }
    xmlXPathFreeObject(o);
    return html_problems_end(&p);
}

/* The grade labels of common level `level` in every regime, lower case. */
static GPtrArray *
grade_labels(int level)
{
    const GbRef *r = html_ref();
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
int
html_grade_cells(const GbHtml *h,
                 void (*fn)(xmlNode *n, const char *tok, int ok, long level, void *data),
                 void *data)
{
    int count = 0;
    xmlXPathObject *o = html_xp(h, NULL, "//*[@class]");
    for (int i = 0; i < html_xp_len(o); i++) {
        char *cls = html_attr(html_xp_at(o, i), "class");
        char **tokens = g_strsplit_set(cls, " \t\n", -1);
        for (char **tok = tokens; *tok; tok++) {
            long level = -1;
            int ok = grade_token(*tok, &level);
            if (ok == 0)
                continue;
            count++;
            if (fn)
                fn(html_xp_at(o, i), *tok, ok, level, data);
        }
        g_strfreev(tokens);
        g_free(cls);
    }
    xmlXPathFreeObject(o);
    return count;
}

typedef struct {
    HtmlProblems p;
    GPtrArray *labels[GB_COMMON_LEVELS];
} GradeCheck;

static void
grade_cell_says(xmlNode *n, const char *tok, int ok, long level, void *data)
{
    GradeCheck *g = data;
    if (ok < 0) {
        html_problem(&g->p, n, "class \"%s\" is not a level 0 to %d", tok, GB_COMMON_LEVELS - 1);
        return;
    }
    char *t = html_text(n), *low = g_utf8_strdown(t, -1);
    gboolean said = FALSE;
    for (guint k = 0; k < g->labels[level]->len && !said; k++)
        said = html_contains_words(low, g_ptr_array_index(g->labels[level], k));
    if (*t == '\0')
        html_problem(&g->p, n, "a %s cell with no text: the grade is shown by colour alone", tok);
    else if (!said)
        html_problem(&g->p, n, "a %s cell says \"%.40s\", not a grade of that level", tok, t);
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
    html_grade_cells(h, grade_cell_says, &g);
    for (int l = 0; l < GB_COMMON_LEVELS; l++)
        g_ptr_array_unref(g.labels[l]);
    return html_problems_end(&g.p);
}

static char *
check_no_script(const GbHtml *h)
{
    HtmlProblems p = {0};
    xmlXPathObject *o = html_xp(h, NULL,
                                "//script | //*[@*[starts-with(name(),'on')]] | "
                                "//*[@href[starts-with(translate(normalize-space(.),'JAVSCRIPT',"
                                "'javscript'),'javascript:')]]");
    for (int i = 0; i < html_xp_len(o); i++)
        html_problem(&p, html_xp_at(o, i),
                     "script: a <script>, an on... handler or a javascript: link");
    xmlXPathFreeObject(o);
    return html_problems_end(&p);
}

/* CSS text that loads something: @import, or url() of anything but data: or #. */
static void
css_loads(HtmlProblems *p, xmlNode *n, const char *css)
{
    if (css == NULL)
        return;
    char *low = g_ascii_strdown(css, -1);
    if (strstr(low, "@import") != NULL)
        html_problem(p, n, "CSS @import");
    for (const char *u = strstr(low, "url("); u != NULL; u = strstr(u + 4, "url(")) {
        const char *v = u + 4;
        while (*v == ' ' || *v == '"' || *v == '\'')
            v++;
        if (!g_str_has_prefix(v, "data:") && *v != '#')
            html_problem(p, n, "CSS url() that loads \"%.*s\"", (int)MIN(strcspn(v, ")\"'"), 60),
                         v);
    }
    g_free(low);
}

/* The file stands alone: nothing it shows comes from elsewhere. Hyperlinks
 * (<a href>) are fine: they load nothing until followed. */
static char *
check_self_contained(const GbHtml *h)
{
    HtmlProblems p = {0};
    xmlXPathObject *o =
        html_xp(h, NULL, "//@src | //@srcset | //@poster | //@data | //@background");
    for (int i = 0; i < html_xp_len(o); i++) {
        xmlChar *v = xmlNodeGetContent(html_xp_at(o, i));
        if (v == NULL || !g_str_has_prefix((const char *)v, "data:"))
            html_problem(&p, html_xp_at(o, i)->parent, "%s=\"%.50s\" loads a resource",
                         html_xp_at(o, i)->name, v ? (const char *)v : "");
        xmlFree(v);
    }
    xmlXPathFreeObject(o);
    o = html_xp(h, NULL,
                "//iframe | //frame | //object | //embed | //video | //audio | //base | "
                "//meta[translate(@http-equiv,'REFSH','refsh')='refresh']");
    for (int i = 0; i < html_xp_len(o); i++)
        html_problem(&p, html_xp_at(o, i), "an element that loads or redirects");
    xmlXPathFreeObject(o);
    o = html_xp(h, NULL, "//link");
    for (int i = 0; i < html_xp_len(o); i++) {
        char *rel = html_attr(html_xp_at(o, i), "rel");
        char *low = g_ascii_strdown(rel ? rel : "", -1);
        static const char *const loads[] = {"stylesheet",    "icon",     "preload", "prefetch",
                                            "modulepreload", "manifest", "import",  "preconnect",
                                            "dns-prefetch",  "prerender"};
        for (gsize k = 0; k < G_N_ELEMENTS(loads); k++)
            if (strstr(low, loads[k]) != NULL) {
                html_problem(&p, html_xp_at(o, i), "<link rel=\"%s\"> loads a resource", rel);
                break;
            }
        g_free(low);
        g_free(rel);
    }
    xmlXPathFreeObject(o);
    /* SVG references (href or xlink:href) that point outside the file. */
    o = html_xp(h, NULL,
                "//svg//@*[local-name()='href'][not(starts-with(.,'#')) and "
                "not(starts-with(.,'data:'))][not(parent::a)]");
    for (int i = 0; i < html_xp_len(o); i++)
        html_problem(&p, html_xp_at(o, i)->parent, "an SVG reference outside the file");
    xmlXPathFreeObject(o);
    o = html_xp(h, NULL, "//style | //*[@style]");
    for (int i = 0; i < html_xp_len(o); i++) {
        xmlNode *n = html_xp_at(o, i);
        char *css =
            strcmp((const char *)n->name, "style") == 0 ? html_text(n) : html_attr(n, "style");
        css_loads(&p, n, css);
        g_free(css);
    }
    xmlXPathFreeObject(o);
    return html_problems_end(&p);
}

static char *
check_print_css(const GbHtml *h)
{
    HtmlProblems p = {0};
    xmlXPathObject *o = html_xp(h, NULL, "/html/head/style");
    GString *css = g_string_new(NULL);
    for (int i = 0; i < html_xp_len(o); i++) {
        char *t = html_text(html_xp_at(o, i));
        g_string_append(css, t);
        g_free(t);
    }
    xmlXPathFreeObject(o);
    if (css->len == 0)
        html_problem(&p, NULL, "no inline <style> in <head>");
    if (strstr(css->str, "@media print") == NULL)
        html_problem(&p, NULL, "no @media print rule");
    const char *page = strstr(css->str, "@page");
    const char *close = page ? strchr(page, '}') : NULL;
    char *rule = page && close ? g_ascii_strdown(page, close - page) : NULL;
    if (rule == NULL || strstr(rule, "a4") == NULL)
        html_problem(&p, NULL, "no @page rule with size A4");
    g_free(rule);
    g_string_free(css, TRUE);
    return html_problems_end(&p);
}

/* Regions that scroll sideways (the wide tables) can be reached by keyboard and
 * are named. Whether they do scroll is the browser check's business. */
static char *
check_scroll_regions(const GbHtml *h)
{
    HtmlProblems p = {0};
    xmlXPathObject *o = html_xp(h, NULL, "//*[@tabindex]");
    for (int i = 0; i < html_xp_len(o); i++) {
        xmlNode *n = html_xp_at(o, i);
        if (!html_attr_is(n, "tabindex", "0") && !html_attr_is(n, "tabindex", "-1"))
            html_problem(&p, n, "tabindex other than 0 or -1 changes the reading order");
        if (!html_attr_is(n, "tabindex", "0") || html_xp_count(h, n, "self::a|self::button") > 0)
            continue;
        if (!html_attr_is(n, "role", "region"))
            html_problem(&p, n, "a focusable region without role=\"region\"");
        char *label = html_attr(n, "aria-label"), *by = html_labelled_text(h, n);
        gboolean named = (label != NULL && *g_strstrip(label) != '\0') || *by != '\0';
        if (!named)
            html_problem(&p, n,
                         "a focusable region without a name (aria-label or aria-labelledby)");
        g_free(label);
        g_free(by);
    }
    xmlXPathFreeObject(o);
    return html_problems_end(&p);
}

const HtmlCheckEntry html_checks[] = {
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
const gsize html_n_checks = G_N_ELEMENTS(html_checks);

HtmlCheck
html_check_named(const char *name)
{
    for (gsize i = 0; i < html_n_checks; i++)
        if (strcmp(html_checks[i].name, name) == 0)
            return html_checks[i].fn;
    ck_abort_msg("no check named %s", name);
    return NULL;
}

/* Runs check i; a document that did not parse fails every check but the
 * first with "not parsed", so the reason is given once. */
char *
html_run_check(const GbHtml *h, HtmlCheck fn)
{
    if (h->doc == NULL && fn != check_wellformed)
        return g_strdup("not parsed (see wellformed)");
    return fn(h);
}
