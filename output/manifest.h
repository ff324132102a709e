/* manifest.h - what each output file was made from, so a rerun rewrites only
 * what changed. Stored as OUTDIR/manifest.ini (GKeyFile): [files] name=hash and
 * [pages] name=count. A missing or unreadable manifest is an empty one: every
 * file is then rewritten, never wrongly skipped. */
#ifndef GB_MANIFEST_H
#define GB_MANIFEST_H

#include "pipeline/status.h"

typedef struct GbManifest GbManifest;

/* Loads dir/manifest.ini; *corrupt (may be NULL) says it existed but was unreadable. */
GbManifest *gb_manifest_load(const char *dir, gboolean *corrupt);
void gb_manifest_free(GbManifest *m);

/* TRUE when dir/name exists and was made from hash. */
gboolean gb_manifest_fresh(const GbManifest *m, const char *dir, const char *name,
                           const char *hash);
void gb_manifest_set(GbManifest *m, const char *name, const char *hash, int pages);
int gb_manifest_pages(const GbManifest *m, const char *name);
/* Writes dir/manifest.ini atomically. */
GbStatus gb_manifest_save(const GbManifest *m, const char *dir, GbDiag *diag);

#endif
