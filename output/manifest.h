/* manifest.h - what each output file was made from and what it holds, so a
 * rerun rewrites only what changed, and anything missing, cut short, edited or
 * replaced on disk. Stored as OUTDIR/manifest.ini (GKeyFile, version 2):
 * [files] name=hash of its inputs, [outputs] name=SHA-256 and size of the bytes
 * written, [pages] name=count. Only this module reads or writes that format;
 * the write stage (write.h) reads and replaces the file. A missing or
 * unreadable manifest is an empty one: every file is then rewritten, never
 * wrongly skipped. */
#ifndef GB_MANIFEST_H
#define GB_MANIFEST_H

#include <glib.h>

typedef struct GbManifest GbManifest;

/* One file's record. Strings are hex digests ("" when not recorded). */
typedef struct {
    char input[65];  /* what the command says the file was made from */
    char output[65]; /* SHA-256 of the bytes written */
    guint64 size;    /* bytes written */
    int pages;       /* 0 when not a paginated document */
} GbManifestEntry;

/* Parses a manifest's text (NULL: none, an empty manifest). *corrupt (may be
 * NULL) says text was given but unreadable; the result is then empty. The
 * caller frees it with gb_manifest_free. This function can't fail. */
GbManifest *gb_manifest_parse(const char *text, gsize len, gboolean *corrupt);
void gb_manifest_free(GbManifest *m);

/* Fills e with name's record; FALSE (e cleared) when there is none. */
gboolean gb_manifest_get(const GbManifest *m, const char *name, GbManifestEntry *e);
void gb_manifest_set(GbManifest *m, const char *name, const GbManifestEntry *e);
/* The names recorded with input hash `input`, NULL-terminated (g_strfreev). */
char **gb_manifest_names_with_input(const GbManifest *m, const char *input);

/* The manifest's text, for the write stage to store; g_free it. */
char *gb_manifest_to_data(const GbManifest *m, gsize *len);

#endif
