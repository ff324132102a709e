/* manifest.h - what each output file was made from and what it holds, so a
 * rerun rewrites only what changed, and anything missing, cut short, edited or
 * replaced on disk. Stored as OUTDIR/manifest.ini (GKeyFile, version 2):
 * [files] name=hash of its inputs, [outputs] name=SHA-256 and size of the bytes
 * written, [pages] name=count. Only this module reads or writes that format;
 * the write stage (write.h) reads and replaces the file. A missing or
 * unreadable manifest is an empty one: every file is then rewritten, never
 * wrongly skipped. The stat cache beside it (OUTDIR/manifest.stat, below) is
 * this module's too. */
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

/* ---- The stat cache (OUTDIR/manifest.stat) ----
 * What each recorded file looked like on disk once it was in place: size,
 * modification and change times in nanoseconds, device and inode, as git's
 * index keeps them. A rerun trusts a file whose stat is exactly as recorded
 * (and whose record names the SHA-256 the manifest has for it) without
 * reading it; anything else is read and hashed. It is a cache beside the
 * manifest, not part of it: manifest.ini stays the same bytes for the same
 * inputs in any folder, and a lost, stale or unreadable stat cache only
 * costs the hashing. */
typedef struct {
    guint64 size, dev, ino;
    gint64 mtime_ns, ctime_ns;
} GbFileStat;

typedef struct GbManifestStats GbManifestStats;

/* Parses the stat cache's text (NULL: none); lines it cannot read are
 * dropped. Free with gb_manifest_stats_free. This function can't fail. */
GbManifestStats *gb_manifest_stats_parse(const char *text, gsize len);
void gb_manifest_stats_free(GbManifestStats *s);
/* Fills output (the SHA-256 the record was made for) and st with name's
 * record; FALSE when there is none. */
gboolean gb_manifest_stats_get(const GbManifestStats *s, const char *name, char output[65],
                               GbFileStat *st);
void gb_manifest_stats_set(GbManifestStats *s, const char *name, const char *output,
                           const GbFileStat *st);
void gb_manifest_stats_remove(GbManifestStats *s, const char *name);
/* Drops every record whose name the manifest does not record with the same
 * output SHA-256. */
void gb_manifest_stats_prune(GbManifestStats *s, const GbManifest *m);
/* The cache's text, one line a file sorted by name; g_free it. */
char *gb_manifest_stats_to_data(const GbManifestStats *s, gsize *len);

#endif
