/* nextinspection.h - when an authority's next ILACS inspection is expected:
 * the framework's rule for each outcome of the last inspection (a small
 * reference table, data/ilacs-next.csv) and the window it gives from the
 * date of that inspection. Read stage (the table) and compute stage (the
 * window); no wording, no I/O beyond reading the table. */
#ifndef GB_NEXTINSPECTION_H
#define GB_NEXTINSPECTION_H

#include "pipeline/status.h"

#include <glib.h>

/* One row: after an inspection judged `grade` (overall effectiveness) comes
 * an inspection of kind `next` ("short", "standard") between months_from and
 * months_to months later (both -1: the framework gives no interval). */
typedef struct {
    char *grade; /* grade id of the regime's scale: "good" */
    char *next;  /* "short" | "standard" */
    int months_from, months_to;
    char *rule;   /* the framework's rule in a sentence */
    char *source; /* where it says so */
} GbNextRule;

typedef struct {
    char *regime;  /* the regime the rules are for: "ilacs" */
    GArray *rules; /* GbNextRule */
} GbNextRules;

/* Reads path (columns regime, grade, next, months_from, months_to, rule,
 * source). GB_NOINPUT when the file does not exist (a data folder without
 * it: no estimate), GB_DATA with diag at the cell for a bad row (an unknown
 * kind, a bad or reversed interval, two regimes, a grade twice). *out is
 * freed with gb_next_rules_free. */
GbStatus gb_next_rules_load(const char *path, GbNextRules **out, GbDiag *diag);
void gb_next_rules_free(GbNextRules *r);

/* The rule for grade id, or NULL. */
const GbNextRule *gb_next_rule(const GbNextRules *r, const char *grade);

/* ymd plus months (the day clamped to the month's length: 31 August + 6
 * months is 28 or 29 February). This function can't fail. */
guint32 gb_next_add_months(guint32 ymd, int months);

typedef struct {
    const GbNextRule *rule; /* NULL: no rule for that grade */
    guint32 from, to;       /* the window, YYYYMMDD; 0 when the rule gives none */
    gboolean passed;        /* to is before as_at: the window has passed with no
                               later inspection in the data */
} GbNextEstimate;

/* The next inspection after one judged grade (id) on last (YYYYMMDD), seen
 * on as_at. FALSE (out->rule NULL) when r is NULL or has no rule for grade. */
gboolean gb_next_estimate(const GbNextRules *r, const char *grade, guint32 last, guint32 as_at,
                          GbNextEstimate *out);

#endif
