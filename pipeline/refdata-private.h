/* refdata-private.h - what the files of the reference register share while
 * loading: refdata.c (the table reader, the load and free, and the companion
 * tables: headlines, neighbours, tiles, coverage), refauthority.c
 * (authorities.csv and looking authorities up) and refregime.c (regimes,
 * judgements, scales and their lookups). Not for other modules. */
#ifndef GB_REFDATA_PRIVATE_H
#define GB_REFDATA_PRIVATE_H

#include "pipeline/csvread.h"
#include "pipeline/refdata.h"

/* Reads one record of a reference table into ref; fails with diag set. */
typedef GbStatus (*GbRowFn)(GbRef *ref, const GbCsvRecord *rec, const int *idx, GbDiag *diag);

/* Reads DATADIR/file, its header mapped by specs, calling row for each
 * record; stops at the first problem, with diag set. */
GbStatus gb__ref_load_table(GbRef *ref, const char *file, const GbColumnSpec *specs, guint n,
                            GbRowFn row, GbDiag *diag);
/* The field of column col (an index into specs), or "" when it is absent. */
const char *gb__ref_field(const GbCsvRecord *rec, const int *idx, int col);
/* Adds the non-empty, trimmed parts of s between '|' to out, as strings of chunk. */
void gb__ref_split_into(GPtrArray *out, GStringChunk *chunk, const char *s);

/* authorities.csv (refauthority.c): reads it, with the index of names that
 * catches two authorities' names differing only in punctuation. */
GbStatus gb__ref_load_authorities(GbRef *ref, GbDiag *diag);
/* Resolves each authority's successor codes, once every authority is known. */
GbStatus gb__ref_resolve_successors(GbRef *ref, GbDiag *diag);
/* Frees the loading-time index of names (NULL-safe: does nothing twice). */
void gb__ref_loose_free(GbRef *ref);
/* A GHashFunc for the register's string tables: g_str_hash's job eight bytes
 * at a time. None of them is iterated, so no output depends on its order. */
guint gb__ref_str_hash(gconstpointer key);
/* The index of the authority with DfE code, or -1. */
int gb__ref_authority_by_code(const GbRef *ref, const char *code);

/* regimes.csv, judgements.csv and scales.csv, in that order (refregime.c). */
GbStatus gb__ref_load_regimes(GbRef *ref, GbDiag *diag);
/* Fails when a regime has no grades in scales.csv. */
GbStatus gb__ref_check_scales(const GbRef *ref, GbDiag *diag);

#endif
