/* pdfobj.h - a reader and writer for the PDF files cairo 1.16 writes, so that
 * the finishing pass (accessible.c) parses only the objects it reads or
 * changes and copies every other object as the bytes cairo wrote.
 *
 * Reads a file with a classic cross-reference table (what cairo writes; no
 * xref streams, object streams or encryption). Objects are parsed on demand
 * into GbPdfVal trees that point into the file's bytes; a changed object is
 * marked with gb_pdfobj_touch and written from its tree. The writer packs
 * every object that is not a stream into object streams (PDF 1.5) and ends
 * with a cross-reference stream and a deterministic /ID, so the same input
 * and the same changes give the same bytes. */
#ifndef GB_PDFOBJ_H
#define GB_PDFOBJ_H

#include <glib.h>

typedef enum {
    GB_PV_NULL,
    GB_PV_ATOM, /* a number, true or false, as written */
    GB_PV_INT,  /* an integer: num */
    GB_PV_NAME, /* s..len with its slash */
    GB_PV_STRING,
    GB_PV_REF, /* num 0 R */
    GB_PV_ARRAY,
    GB_PV_DICT /* items alternate: key (a NAME), value */
} GbPdfKind;

typedef struct GbPdfVal GbPdfVal;
struct GbPdfVal {
    GbPdfKind kind;
    int num;
    int len;
    const char *s;          /* scalars: the bytes as written (or made) */
    GbPdfVal *first, *last; /* containers */
    GbPdfVal *next;         /* the next item of the container */
};

typedef struct GbPdfFile GbPdfFile;

/* Indexes data (not copied: it must outlive the file). NULL with *err set
 * (g_free it) when it is not a file this reader knows. */
GbPdfFile *gb_pdfobj_open(const guint8 *data, gsize len, char **err);
void gb_pdfobj_free(GbPdfFile *f);

GbPdfVal *gb_pdfobj_trailer(GbPdfFile *f);
/* Object num parsed (once; the same tree each call), or NULL when it is free,
 * out of range or cannot be parsed. For a stream it is its dictionary. */
GbPdfVal *gb_pdfobj_get(GbPdfFile *f, int num);
/* v, or the object it refers to. NULL stays NULL. */
GbPdfVal *gb_pdfobj_resolve(GbPdfFile *f, GbPdfVal *v);
/* The stream data of object num decoded (FlateDecode or none) into a new
 * buffer (g_free it), or NULL. */
guint8 *gb_pdfobj_stream_data(GbPdfFile *f, int num, gsize *len);
/* Object num is written from its (changed) tree. */
void gb_pdfobj_touch(GbPdfFile *f, int num);
/* Object num gets new stream data (taken; already encoded as dict says). */
void gb_pdfobj_set_stream(GbPdfFile *f, int num, guint8 *data, gsize len);
/* A new object (a dictionary, with stream data when data is not NULL);
 * returns its number. */
int gb_pdfobj_add(GbPdfFile *f, GbPdfVal *dict, guint8 *data, gsize len);
/* Object num is left out of the output. */
void gb_pdfobj_drop(GbPdfFile *f, int num);
/* The whole file with the changes. FALSE when an object cannot be read. */
gboolean gb_pdfobj_write(GbPdfFile *f, GByteArray **out, char **err);

/* Values live as long as the file. */
GbPdfVal *gb_pdfval_new(GbPdfFile *f, GbPdfKind kind);
GbPdfVal *gb_pdfval_name(GbPdfFile *f, const char *name); /* "/Name" */
GbPdfVal *gb_pdfval_int(GbPdfFile *f, int n);
GbPdfVal *gb_pdfval_ref(GbPdfFile *f, int num);
GbPdfVal *gb_pdfval_atom(GbPdfFile *f, const char *atom); /* "true", "null" */
/* A text string: PDFDocEncoding when it is printable ASCII, else UTF-16BE. */
GbPdfVal *gb_pdfval_text(GbPdfFile *f, const char *utf8);
/* A string value as UTF-8 (g_free it); NULL when v is not a string. */
char *gb_pdfval_utf8(const GbPdfVal *v);

gboolean gb_pdfval_is_name(const GbPdfVal *v, const char *name);
GbPdfVal *gb_pdfval_get(const GbPdfVal *dict, const char *key);
void gb_pdfval_put(GbPdfFile *f, GbPdfVal *dict, const char *key, GbPdfVal *value);
void gb_pdfval_remove(GbPdfVal *dict, const char *key);
void gb_pdfval_append(GbPdfVal *array, GbPdfVal *item);
int gb_pdfval_count(const GbPdfVal *array);

#endif
