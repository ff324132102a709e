/* write-private.h - what the write stage's files share; not for other
 * modules: the set itself (write.c, its manifest and stat cache in
 * writestat.c) and the file operations under it (writeio.c). Every file
 * operation that can fail sets errno; none follows a link. */
#ifndef GB_WRITE_PRIVATE_H
#define GB_WRITE_PRIVATE_H

#include "output/manifest.h"
#include "output/write.h"

#include <nettle/sha2.h>
#include <sys/stat.h>

#define GB__MANIFEST "manifest.ini"
#define GB__STATS "manifest.stat"
/* Temporaries are flushed together (gb_write_flush, then the rest at commit
 * with the manifest), never one by one as they are made: each fsync is a
 * journal commit of its own on ext4, and a worker waiting in one leaves its
 * core idle. They are closed once written (so a set holds no descriptor per
 * file) and opened again to be flushed. */

typedef struct {
    char *rel;        /* as added: "charts/map.svg" */
    const char *base; /* the last component of rel */
    int dirfd;        /* the folder it goes in (owned by the set) */
    char *tmp;        /* its temporary's name in that folder; NULL when unchanged */
    gboolean flushed; /* its temporary is on disk */
    gboolean done;    /* in place (renamed, or unchanged) */
    GbFileStat st;    /* the bytes' file as written (or found holding them) */
    GbManifestEntry e;
} GbWriteEntry;

/* A recorded file a freshness check read and found as recorded. */
typedef struct {
    int dirfd;
    char *base;
    char output[65];
    GbFileStat st; /* as it was while read */
} GbVerified;

struct GbWriteSet {
    char *dir; /* as given, for messages */
    int root;  /* the output folder */
    int lock;  /* its lock file, flocked */
    guint flags;
    GbManifest *manifest;
    GbManifestStats *stats; /* manifest.stat: read-only until commit */
    gboolean corrupt;
    gint hashed;      /* atomic: files gb_write_fresh read and hashed */
    GMutex mu;        /* guards everything below */
    GHashTable *dirs; /* relative folder -> fd + 1 ("" is root) */
    GPtrArray *made;  /* folders this set made, in order, removed if it never commits */
    gboolean made_root;
    GPtrArray *entries;   /* GbWriteEntry* */
    GHashTable *names;    /* rel -> TRUE: each file once */
    GHashTable *verified; /* rel -> GbVerified: hashed and found as recorded */
    GbStatus failed;
    GbDiag fail_diag;
    guint written, unchanged;
    gboolean committed;
    GArray *replaced;          /* int: an fd on each file the commit renamed over */
    struct GbRelease *release; /* the threads closing them, joined by gb_write_free */
};

/* The folder of relative folder `reldir` ("" the root), opened once per set,
 * with w->mu held; -1 when it cannot be (diag set when create). */
int gb__write_folder(GbWriteSet *w, const char *reldir, gboolean create, GbDiag *diag);
/* TRUE when rel is a plain relative path: no empty, "." or ".." part. */
gboolean gb__write_rel_ok(const char *rel);
/* The folder part of rel ("" for none, g_free) and its last component. */
char *gb__write_split(const char *rel, const char **base);

/* writestat.c: reads the manifest and the stat cache into a new set; writes
 * the manifest's temporary at commit (its name, or NULL with diag set;
 * flushed when flush is set, else for gb__tmp_flush with st, which may then
 * not be NULL); replaces manifest.stat after a commit, ignoring failure. */
void gb__write_load_manifest(GbWriteSet *w);
char *gb__write_manifest_tmp(GbWriteSet *w, const GbManifest *m, gboolean flush, GbFileStat *st,
                             GbDiag *diag);
void gb__write_save_stats(GbWriteSet *w, gboolean renamed);

/* write(2) of all of data, retried on EINTR; the fault hook applies. */
gboolean gb__write_all(int fd, const guint8 *data, gsize len);
/* fsync(2) and renameat(2) in one folder, through the fault hook. */
int gb__fsync(int fd);
int gb__rename(int dirfd, const char *from, const char *to);

/* Writes data to a new temporary "base.XXXXXX" beside base in dirfd; returns
 * its name (g_free), or NULL with errno set and no temporary left. It is
 * closed either way; with flush it is on disk when this returns, otherwise
 * only its write-out is started and the caller flushes it with
 * gb__tmp_flush. st (may be NULL) gets the temporary's stat once its bytes
 * are written. */
char *gb__tmp_write(int dirfd, const char *base, const guint8 *data, gsize len, gboolean flush,
                    GbFileStat *st);
/* gb__tmp_write in two steps: a new temporary beside base with data written
 * (its writeout started), its fd returned and its name in *name, or -1 with
 * errno set and nothing left; then the rest of its bytes, as gb__tmp_write
 * ends (fd closed, and name returned, or freed with the temporary removed
 * and NULL returned). */
/* A new, empty temporary "base.XXXXXX" beside base in dirfd, open for
 * writing (its name in *name), or -1 with errno set. */
int gb__tmp_open(int dirfd, const char *base, char **name);
int gb__tmp_begin(int dirfd, const char *base, const guint8 *data, gsize len, char **name);
/* File name in dirfd mapped read-only (through a descriptor of its own, never
 * following a link), or NULL with errno set. */
GBytes *gb__map_file(int dirfd, const char *name);
char *gb__tmp_end(int dirfd, int fd, char *name, const guint8 *data, gsize len, gboolean flush,
                  GbFileStat *st);
/* Flushes temporary name in dirfd, which gb__tmp_write wrote as st; FALSE
 * with errno set when it cannot be (ESTALE: name is no longer that file). */
gboolean gb__tmp_flush(int dirfd, const char *name, const GbFileStat *st);

/* TRUE when name in dirfd is a regular file of exactly these bytes; st (may
 * be NULL) then gets its stat, taken before it was read (ino 0 when it
 * changed while being read). */
gboolean gb__same_bytes(int dirfd, const char *name, const guint8 *data, gsize len, GbFileStat *st);
/* The SHA-256 (hex) and size of name in dirfd; FALSE unless a regular file.
 * st (may be NULL) gets its stat as before it was read, ino 0 when it
 * changed while being read. */
gboolean gb__file_digest(int dirfd, const char *name, char hex[65], guint64 *size, GbFileStat *st);

/* A file's SHA-256 in the making (write.h), and the temporary its first
 * bytes went to (gb_write_hash_update_file; fd -1 when none). */
struct GbWriteHash {
    struct sha256_ctx ctx;
    gsize len;
    int dirfd; /* the folder of rel (the set's) */
    int fd;    /* the temporary, open, its first `written` bytes in */
    char *tmp; /* its name */
    char *rel; /* the file it is for */
    gsize written;
    /* gb_write_hash_append's bytes not yet written (GB__HASH_BUFFER of
     * them at most), and the errno of the first write that failed. */
    guint8 *buf;
    gsize buffered;
    int err;
};

/* The SHA-256 of data as 64 lowercase hex digits and a NUL (nettle's, which
 * uses the CPU's SHA instructions where there are any). Can't fail. */
void gb__sha256_hex(const guint8 *data, gsize len, char hex[65]);
/* The SHA-256 (hex) of data, whose first gb_write_hash_len(h) bytes h has
 * hashed already: only the rest is hashed here. h is used up. Can't fail. */
void gb__write_hash_finish(GbWriteHash *h, const guint8 *data, gsize len, char hex[65]);

/* The parts of a stat the stat cache keeps. */
void gb__file_stat(const struct stat *sb, GbFileStat *st);
/* TRUE when a and b are the same file with the same size and times. */
gboolean gb__stat_equal(const GbFileStat *a, const GbFileStat *b);
/* The stat of name in dirfd when it is a regular file (never through a link). */
gboolean gb__stat_at(int dirfd, const char *name, GbFileStat *st);
/* What is at name in dirfd, in words, when gradebrief must not replace it
 * ("a device", "a pipe", "a folder"); NULL when it is absent, a regular file
 * or a link (a link in a file's place is replaced, never written through). */
const char *gb__unusable_place(int dirfd, const char *name);

/* Sets diag to "DIR/REL: message" (REL NULL or "" for DIR alone). */
void gb__fail(GbDiag *diag, const char *dir, const char *rel, const char *fmt, ...)
    G_GNUC_PRINTF(4, 5);

/* Opens folder name in parent with O_NOFOLLOW, making it when absent and
 * create is set (*made says so). Returns -1 with diag naming DIR/REL, or
 * silently when !create and it is absent. */
int gb__open_folder(int parent, const char *name, gboolean create, const char *dir, const char *rel,
                    gboolean *made, GbDiag *diag);

/* TRUE for a temporary of ours: NAME.EXT.XXXXXX with EXT one gradebrief writes. */
gboolean gb__is_temporary(const char *name);
/* Removes temporaries of ours in folder fd and, depth permitting, its real
 * subfolders (what a run killed before its commit left). */
void gb__remove_stale(int fd, int depth);

#endif
