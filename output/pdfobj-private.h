/* pdfobj-private.h - the file as pdfobj.c reads it and pdfwrite.c writes it. */
#ifndef GB_PDFOBJ_PRIVATE_H
#define GB_PDFOBJ_PRIVATE_H

#include "output/pdfobj.h"

enum { GB__ORIGINAL, GB__TOUCHED, GB__DROPPED, GB__NEW };

struct GbPdfFile {
    const char *data;
    gsize len;
    int count;    /* object numbers in use: 0 .. count-1 */
    int cap;      /* allocated per-object slots */
    gsize *off;   /* where "N 0 obj" starts; 0 when free */
    gsize *end;   /* the end of its extent: the next object or the xref */
    gsize *after; /* where its parsed value ends */
    GbPdfVal **val;
    guint8 *state;
    guint8 **sdata; /* new stream data (owned) */
    gsize *slen;
    GbPdfVal *trailer;
    GPtrArray *blocks; /* of GbPdfVal[GB__BLOCK] */
    int used;          /* in the last block */
    GStringChunk *text;
};

/* Whether object num is a stream (cairo's: its extent ends in "endstream
 * endobj"; a new one: it has data). */
gboolean gb__pdfobj_is_stream(GbPdfFile *f, int num);
/* Object num's value as cairo wrote it, trimmed (not a stream). */
gboolean gb__pdfobj_raw_value(GbPdfFile *f, int num, const char **s, gsize *n);
/* The raw (encoded) data of stream object num in the file. */
gboolean gb__pdfobj_raw_stream(GbPdfFile *f, int num, const char **data, gsize *len);

#endif
