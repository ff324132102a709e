/* tree.h - a document as plain data: document -> sections -> blocks (heading,
 * paragraph of runs, list, figure, table, note). Composition (briefing.c,
 * pack.c) builds it once from the compute stage's results; renderers (the
 * paginated tagged PDF in pdf.c + doc.c, HTML in html.c) turn it into files
 * and know no statistics. Everything in the tree is owned by the tree: texts
 * are copied in, charts handed over. Read-only once built. */
#ifndef GB_TREE_H
#define GB_TREE_H

#include "charts/chart.h"

typedef enum { GB_RUN_TEXT, GB_RUN_EMPHASIS, GB_RUN_NUMBER, GB_RUN_LINK } GbTreeRunKind;

typedef struct {
    GbTreeRunKind kind;
    char *text;
    char *href;       /* links: "#section-id" or a URL */
    char *print_href; /* links: the target in print (a PDF's for an HTML page), NULL: href */
} GbTreeRun;

/* A table cell: its text and the grade class (common level, -1 none) that
 * colours it; the grade is always written in text too. */
typedef struct {
    char *text;
    int level;
} GbTreeCell;

typedef struct GbTreeTable {
    char *id; /* stable name: the CSV file stem, the HTML id */
    char *caption;
    int ncols;
    int header_rows;      /* the first rows of cells are column headers */
    gboolean row_headers; /* the first column names each row */
    double *widths;       /* ncols fractions of the text width (print layout) */
    GArray *cells;        /* GbTreeCell, row-major, header rows first */
    /* The table for analysts (tables/ *.csv): tidy, one row per observation,
     * numbers as numbers (count, base and percent in their own columns),
     * codes on authority rows, ISO dates; NULL: the cells themselves. Owned. */
    struct GbTreeTable *tidy;
} GbTreeTable;

typedef enum {
    GB_BLOCK_HEADING,
    GB_BLOCK_PARAGRAPH,
    GB_BLOCK_LIST,
    GB_BLOCK_FIGURE,
    GB_BLOCK_TABLE,
    GB_BLOCK_NOTE,
} GbTreeBlockKind;

typedef struct {
    GbTreeBlockKind kind;
    int level;            /* heading: 3 = a heading inside a section */
    char *text;           /* heading, note */
    GArray *runs;         /* paragraph: GbTreeRun */
    GPtrArray *items;     /* list: char* */
    const GbChart *chart; /* figure (owned by the tree's charts) */
    char *alt, *caption;  /* figure */
    int number;           /* figure: 1, 2, ... in document order */
    GbTreeTable *table;   /* table; figure: its data */
    double width;         /* figure: fraction of the text width in print, 0 = all of it */
    gboolean beside;      /* figure: placed right of the figure before it when it fits */
    gboolean under;       /* figure: placed under the first figure of the row, in its column */
    gboolean shrink;      /* figure: in print, drawn smaller (to its least height) to stay on
                           * the page (a one-page summary) */
} GbTreeBlock;

typedef struct {
    char *id, *title;
    int number;          /* 1, 2, ... */
    GPtrArray *blocks;   /* GbTreeBlock* */
    gboolean page_after; /* print: the next section starts on a new page (a summary page) */
} GbTreeSection;

typedef struct {
    char *title, *subtitle; /* title is the one level-1 heading */
    GPtrArray *cover_lines; /* char*: the cover's small print */
    gboolean cover;         /* a cover page and a contents list (the briefing) */
    gboolean compact;       /* sections run on (packs) */
    char *language;         /* BCP 47 */
    GPtrArray *sections;    /* GbTreeSection* */
    GPtrArray *charts;      /* GbChart*, owned */
    int figures;
} GbTree;

GbTree *gb_tree_new(const char *title, const char *subtitle, const char *language);
void gb_tree_free(GbTree *t);

void gb_tree_cover_line(GbTree *t, const char *text);
GbTreeSection *gb_tree_section(GbTree *t, const char *id, const char *title);
/* The section with id, or NULL. */
const GbTreeSection *gb_tree_find_section(const GbTree *t, const char *id);

void gb_tree_heading(GbTreeSection *s, const char *text);
/* A paragraph of one text run; returns it so more runs can be added. */
GbTreeBlock *gb_tree_paragraph(GbTreeSection *s, const char *text);
/* Takes text (g_free'd with the tree). */
GbTreeBlock *gb_tree_paragraph_take(GbTreeSection *s, char *text);
void gb_tree_run(GbTreeBlock *p, GbTreeRunKind kind, const char *text, const char *href);
/* A link run whose target differs in print (print_href) and on the web (href). */
void gb_tree_link(GbTreeBlock *p, const char *text, const char *href, const char *print_href);
void gb_tree_note(GbTreeSection *s, const char *text);
void gb_tree_note_take(GbTreeSection *s, char *text);
/* A list of copies of items[0..n). */
void gb_tree_list(GbTreeSection *s, const char *const *items, int n);
/* A figure of chart (the tree takes it), its alt text from the chart, and its
 * data (the tree takes data too). */
GbTreeBlock *gb_tree_figure(GbTree *t, GbTreeSection *s, GbChart *chart, const char *caption,
                            GbTreeTable *data);
/* Where a figure is placed in print (a one-page summary). */
typedef enum {
    GB_TREE_BELOW,  /* below what came before (as every figure is by default) */
    GB_TREE_BESIDE, /* right of the row of figures before it, top-aligned */
    GB_TREE_UNDER,  /* under the row's first column (a stack beside a tall figure) */
} GbTreePlace;
/* Print placement of figure block b: width a fraction of the text width (0:
 * all), where, and shrink TRUE to let it be drawn smaller, down to its least
 * height, rather than go to the next page. */
void gb_tree_figure_place(GbTreeBlock *b, double width, GbTreePlace where, gboolean shrink);
/* Adds table (taken) to s. */
void gb_tree_add_table(GbTreeSection *s, GbTreeTable *table);

/* A table of ncols columns with one header row from headers (NULL-ended) and
 * widths (ncols fractions; NULL: equal). */
GbTreeTable *gb_tree_table_new(const char *id, const char *caption, const char *const *headers,
                               const double *widths, gboolean row_headers);
void gb_tree_table_free(GbTreeTable *t);
/* Gives t its tidy form (taken; replaces any before). */
void gb_tree_table_set_tidy(GbTreeTable *t, GbTreeTable *tidy);
/* A copy of t under another id and caption. */
GbTreeTable *gb_tree_table_copy(const GbTreeTable *t, const char *id, const char *caption);
/* Appends a cell; _take takes text. */
void gb_tree_cell(GbTreeTable *t, const char *text, int level);
void gb_tree_cell_take(GbTreeTable *t, char *text, int level);
int gb_tree_table_rows(const GbTreeTable *t);                                 /* body rows */
const GbTreeCell *gb_tree_table_cell(const GbTreeTable *t, int row, int col); /* row <0: header */

/* Feeds everything t shows into h: every text, cell and grade class, each
 * figure's chart (gb_chart_digest: its texts and alt text, and what its
 * drawing shows beyond them, such as the map's grade of every tile), its data
 * table and its print placement, in order. Two trees feed the same bytes only
 * when they show the same. This function can't fail. */
void gb_tree_digest(const GbTree *t, GbDigest *h);

/* A chart's file as a document takes it for its picture: chart i of the
 * tree's charts, its SVG (svg TRUE) or its PNG, as a new reference, or NULL
 * when there is none. The briefing's are its chart files read back from the
 * write set as each is wanted (gb_write_added_bytes), not held in memory
 * until the HTML page and the Word file are made. */
typedef GBytes *(*GbPictureFn)(gpointer user, guint chart, gboolean svg);

/* A paragraph's runs as one string (newly allocated). */
char *gb_tree_paragraph_text(const GbTreeBlock *p);

#endif
