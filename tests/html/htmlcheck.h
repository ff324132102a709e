/* htmlcheck.h - the HTML contract's checks (tests/html/README.md), shared by
 * test_html's modes: a file parsed as XML with libxml2 (XML_PARSE_NONET), XPath
 * helpers, the structure checks (htmlchecks.c) and the checks of what a
 * briefing or a pack must hold (htmlkinds.c). Test code: a bad XPath
 * expression or an unreadable file fails the running Check test. */
#ifndef GB_HTMLCHECK_H
#define GB_HTMLCHECK_H

#include "pipeline/refdata.h"

#include <check.h>
#include <glib.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>

#define XHTML_NS "http://www.w3.org/1999/xhtml"
#define SVG_NS "http://www.w3.org/2000/svg"
#define MAX_PROBLEMS 25

typedef struct {
    char *name;  /* the path, for messages (and to find the PDF beside it) */
    xmlDoc *doc; /* NULL when the file did not parse */
    xmlXPathContext *xpc;
    GString *parse_errors; /* libxml2's errors, one a line */
    GString *ns_problems;  /* elements outside their namespace */
} GbHtml;

/* ---- htmldoc.c: parsing and XPath ---- */

/* The bundled reference data, loaded once per process; aborts if it cannot. */
const GbRef *html_ref(void);

/* Parses buf as XML (namespaces recorded, then dropped so XPath can use plain
 * names); never NULL: a failed parse leaves doc NULL. Free with html_free. */
GbHtml *html_parse(const char *buf, gsize len, const char *name);
GbHtml *html_load(const char *path);
void html_free(GbHtml *h);
/* The file's bytes (g_free them); fails the test when it cannot be read. */
char *html_read_file(const char *path, gsize *len);

/* The nodes expr selects from node (NULL: the document); free with
 * xmlXPathFreeObject. Never NULL: a bad expression fails the test. */
xmlXPathObject *html_xp(const GbHtml *h, xmlNode *node, const char *expr);
int html_xp_len(const xmlXPathObject *o);
xmlNode *html_xp_at(const xmlXPathObject *o, int i);
int html_xp_count(const GbHtml *h, xmlNode *node, const char *expr);
xmlNode *html_xp_first(const GbHtml *h, xmlNode *node, const char *expr);

/* n's text with white space runs made one space, trimmed ("" for NULL). */
char *html_text(xmlNode *n);
/* Attribute name in no namespace (lang, not xml:lang), or NULL. */
char *html_attr(xmlNode *n, const char *name);
gboolean html_attr_is(xmlNode *n, const char *name, const char *value);
gboolean html_has_id(const GbHtml *h, const char *id);
/* The text of what n's aria-labelledby names; "" if any id is missing. */
char *html_labelled_text(const GbHtml *h, xmlNode *n);
/* needle in hay as whole words ("adequate" is not in "inadequate"). */
gboolean html_contains_words(const char *hay, const char *needle);

/* A list of problems, each with the line of the element it is about. */
typedef struct {
    GString *s;
    int n;
} HtmlProblems;

void html_problem(HtmlProblems *p, xmlNode *n, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
/* NULL when there were none, else the list (g_free it). */
char *html_problems_end(HtmlProblems *p);

/* ---- htmlchecks.c: the structure checks ---- */

/* A check returns NULL, or its problems (g_free them). */
typedef char *(*HtmlCheck)(const GbHtml *h);
typedef struct {
    const char *name;
    HtmlCheck fn;
} HtmlCheckEntry;

extern const HtmlCheckEntry html_checks[]; /* wellformed first */
extern const gsize html_n_checks;

HtmlCheck html_check_named(const char *name);
/* Runs fn; a document that did not parse fails every check but wellformed
 * with "not parsed". */
char *html_run_check(const GbHtml *h, HtmlCheck fn);
/* Calls fn (may be NULL) for every grade class token (grade-N or gN) of an
 * element; returns how many there are. ok is -1 for a bad level. */
int html_grade_cells(const GbHtml *h,
                     void (*fn)(xmlNode *n, const char *tok, int ok, long level, void *data),
                     void *data);

/* ---- htmlkinds.c: what a briefing and a pack hold ---- */

typedef char *(*HtmlKindCheck)(const GbHtml *h, const char *authority);
typedef struct {
    const char *kind, *name; /* kind: briefing | pack */
    HtmlKindCheck fn;
} HtmlKindCheckEntry;

extern const HtmlKindCheckEntry html_kind_checks[];
extern const gsize html_n_kind_checks;

/* NULL when each of names is a row header (alone or with a bracketed note). */
char *html_missing_row_headers(const GbHtml *h, const char *const *names, int n, const char *what);
char *html_check_briefing_authorities(const GbHtml *h, const char *unused);
char *html_check_has_grade_cells(const GbHtml *h, const char *unused);
/* Every Figure's /Alt in structure order, or NULL when unreadable. */
GPtrArray *html_pdf_alts(const char *path);
char *html_compare_alts(const GbHtml *h, const GPtrArray *alts, const char *pdf);
/* The authority of the pack at path, from index.csv beside it (g_free). */
char *html_pack_authority(const char *path);

#endif
