/* slug.h - safe, unique file names for authorities. */
#ifndef GB_SLUG_H
#define GB_SLUG_H

#include "pipeline/refdata.h"

/* Writes a file-name-safe slug of s: lower-case ASCII letters, digits and single
 * hyphens ("Kingston upon Thames" -> "kingston-upon-thames"); letters with
 * accents lose them; never empty ("authority"), never over 80 bytes, never a path
 * separator or a dot. The caller frees it. */
char *gb_slug(const char *s);

/* The file stem for authority a: the slug of its name, with "-CODE" added when
 * another authority's name gives the same slug (Dorset 835, Dorset 838). */
char *gb_slug_authority(const GbRef *ref, int a);

#endif
