/* figures.h - a run's key figures (each authority's latest grades, England's
 * and each region's counts at each grade, as at the run's date) and what moved
 * between two runs: "Barnet overall effectiveness Good -> Outstanding",
 * "England overall effectiveness outstanding 36 -> 37". build and packs store
 * their figures in their output folder (figures.csv) and compare the next
 * run's with them to write changes.csv. */
#ifndef GB_FIGURES_H
#define GB_FIGURES_H

#include "pipeline/stats.h"

/* One figure: a stable id ("authority/E09000003/overall_effectiveness"), what
 * a reader calls it ("Barnet overall effectiveness") and its value. */
typedef struct {
    char *id, *label, *value;
} GbFigure;

/* One figure that moved; from or to is "" when it is new or gone. */
typedef struct {
    char *label, *from, *to;
} GbFigureChange;

typedef struct GbFigures GbFigures;

GbFigures *gb_figures_new(void);
void gb_figures_free(GbFigures *f);
guint gb_figures_count(const GbFigures *f);
const GbFigure *gb_figures_get(const GbFigures *f, guint i);
/* Adds one figure (copied); a second with the same id replaces nothing and is
 * dropped. */
void gb_figures_add(GbFigures *f, const char *id, const char *label, const char *value);
/* Adds the figures of latest judgement l (labelled judgement_label, its
 * grades named as regime names them): each existing authority's grade,
 * England's count at each grade and each region's. */
void gb_figures_add_latest(GbFigures *f, const GbRef *ref, const GbLatest *l,
                           const char *judgement_label, int regime);

/* The figures as CSV (id,label,value; RFC 4180), to g_free. */
char *gb_figures_to_csv(const GbFigures *f, gsize *len);
/* Parses what gb_figures_to_csv wrote. NULL text (no previous run), or text
 * that is not such a file, gives an empty set (*ok FALSE for the latter; ok
 * may be NULL). This function can't fail. */
GbFigures *gb_figures_parse_csv(const char *text, gsize len, gboolean *ok);

/* What moved from old to new, in new's order then the figures gone: a
 * GPtrArray of GbFigureChange (free with g_ptr_array_unref). */
GPtrArray *gb_figures_diff(const GbFigures *old, const GbFigures *new_);

/* changes.csv: kind,item,from,to, one "file" row per file rewritten (item the
 * file's path) then one "figure" row per change. g_free it. */
char *gb_figures_changes_csv(const char *const *files, const GPtrArray *changes, gsize *len);

#endif
