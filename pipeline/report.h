/* report.h - what `check` prints: the row accounting and the diagnostics. */
#ifndef GB_REPORT_H
#define GB_REPORT_H

#include "pipeline/load.h"

#include <stdio.h>

/* Prints one line per input file and a total, then the identity
 * "rows read N = used U + merged M + rejected R". */
void gb_report_accounting(FILE *out, const GbTable *t);

/* Prints each diagnostic as "gradebrief: [prefix]FILE:LINE:COL: message" and,
 * when the list was capped, how many more there were. */
void gb_report_diags(FILE *out, const GbDiagList *l, const char *prefix, const char *what);

#endif
