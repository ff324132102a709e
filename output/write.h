/* write.h - the write stage: every file a run makes is committed as one set.
 *
 * Commands describe what to write; this module writes it. A write set is
 * opened on an output folder (build's, packs'): the folder and every folder
 * under it must be a real folder or absent (never a symbolic link), the
 * folder is locked against other runs, and temporaries left by a run that was
 * killed are removed. Each file added is written to a temporary beside its
 * place; nothing is replaced until commit, which flushes every temporary and
 * the new manifest (manifest.h: each file's inputs, SHA-256 and size) to
 * disk, and only then renames the temporaries into place, the manifest last,
 * and flushes the folders. A failure before the renames changes nothing that
 * was there. After a
 * commit the stat cache (manifest.stat) records how each file looks on disk,
 * so the next run need not read it to know it is intact. */
#ifndef GB_WRITE_H
#define GB_WRITE_H

#include "pipeline/status.h"

typedef struct GbWriteSet GbWriteSet;

typedef enum {
    GB_WRITE_FORCE = 1 << 0,     /* rewrite every file, fresh or not */
    GB_WRITE_KEEP_SAME = 1 << 1, /* leave a file that already holds these bytes alone */
    GB_WRITE_VERIFY = 1 << 2,    /* read and hash every recorded file, trusting no stat */
} GbWriteFlags;

/* The lock file in every output folder. */
#define GB_WRITE_LOCK_NAME ".gradebrief.lock"

/* Opens a write set on folder dir, making it (and its parents) when absent.
 * Fails with GB_USAGE for an empty name, GB_CANTCREAT when dir or a folder
 * in it is a link or not a folder or cannot be made, GB_TEMPFAIL when another
 * run holds the folder's lock (diag names its pid). The caller frees *out
 * with gb_write_free. */
GbStatus gb_write_open(const char *dir, guint flags, GbWriteSet **out, GbDiag *diag);
/* Frees w: an uncommitted set's temporaries are removed, so the folder is as
 * it was; the lock is released. NULL does nothing. */
void gb_write_free(GbWriteSet *w);

/* TRUE when the manifest existed but could not be read (every file is then
 * treated as stale). */
gboolean gb_write_manifest_corrupt(const GbWriteSet *w);
/* TRUE when relpath is recorded as made from input and is on disk as a
 * regular file with the recorded size and SHA-256 (so a missing, truncated,
 * edited or replaced file is never fresh). Always FALSE with GB_WRITE_FORCE.
 * Thread-safe.
 *
 * A file whose stat (size, modification and change times to the nanosecond,
 * device, inode) is exactly what manifest.stat recorded once it was in place
 * is trusted without being read, as git trusts its index; any other file is
 * read and hashed, and if it is as recorded its stat is recorded when the
 * run commits. What that cannot see: a change that keeps the size, the inode
 * and both times (the change time is set by the kernel on every write,
 * chmod, link or rename, so only a file system edited behind the kernel's
 * back, a clock set back, or a forged manifest.stat can do it). With
 * GB_WRITE_VERIFY (build and packs --verify) every file is read and hashed. */
gboolean gb_write_fresh(GbWriteSet *w, const char *relpath, const char *input);
/* How many files gb_write_fresh has read and hashed so far (the others were
 * trusted by their stat, or not recorded). */
guint gb_write_hashed(const GbWriteSet *w);
/* The files the manifest records as made from input, NULL-terminated
 * (g_strfreev). */
char **gb_write_recorded(const GbWriteSet *w, const char *input);
/* The page count recorded for relpath, or 0. */
int gb_write_pages(const GbWriteSet *w, const char *relpath);

/* Adds file relpath ("briefing.pdf", "charts/map.svg"; no "..", no leading
 * "/") made from input, with its page count (0 for none): its bytes go to a
 * temporary beside its place now (flushed at commit), and replace it at
 * commit; with GB_WRITE_KEEP_SAME a file already holding them is left as it
 * is. Fails
 * with GB_CANTCREAT (diag set) when a folder or the file's place is not
 * usable or a write fails; the set then refuses to commit, and later adds
 * write nothing and return the same status with diag left as it was (the
 * first failure was reported once); an add that fails while another thread's
 * has just failed returns with diag cleared too. Thread-safe. */
GbStatus gb_write_add(GbWriteSet *w, const char *relpath, const guint8 *data, gsize len,
                      const char *input, int pages, GbDiag *diag);
/* A file's SHA-256 in the making: its first bytes hashed while the rest is
 * still being made (the PDF's, cairo's part hashed while the finishing pass
 * appends to it), for gb_write_add_hashed. new/free pair; can't fail. */
typedef struct GbWriteHash GbWriteHash;
GbWriteHash *gb_write_hash_new(void);
void gb_write_hash_update(GbWriteHash *h, const guint8 *data, gsize len);
gsize gb_write_hash_len(const GbWriteHash *h); /* the bytes hashed so far */
/* gb_write_hash_update of a new h that also writes the bytes, now, to a
 * temporary of file relpath of w, which gb_write_add_hashed of relpath with
 * h completes with the rest (the PDF's cairo part written while the
 * finishing pass makes the update that follows it). Best effort: when the
 * temporary cannot be written (or h is not new, or relpath's folder does not
 * exist yet) only the hash is taken, and the add writes the whole file and
 * reports what fails. A temporary no add took is removed by
 * gb_write_hash_free, which must then come before gb_write_free(w). */
void gb_write_hash_update_file(GbWriteHash *h, GbWriteSet *w, const char *relpath,
                               const guint8 *data, gsize len);
void gb_write_hash_free(GbWriteHash *h); /* NULL does nothing */
/* A file written to its temporary as it is made and read back before it is
 * done (the PDF: cairo's bytes go to briefing.pdf's temporary as it draws,
 * are mapped for the finishing pass, and the pass's update follows them), so
 * that it is never held in memory. gb_write_hash_open_file opens the
 * temporary of relpath of w for a new h and writes nothing yet; FALSE where
 * gb_write_hash_update_file would write no temporary (the caller then keeps
 * the bytes and adds them as before). gb_write_hash_append writes bytes
 * after those written so far (buffered; nothing is hashed), FALSE with errno
 * set once a write failed. gb_write_hash_map gives every byte written so
 * far, read-only, or NULL with errno set when a write or the mapping failed;
 * the caller hashes what it needs (gb_write_hash_update) and adds the file
 * with gb_write_add_hashed and the map's bytes, which then writes nothing
 * more. */
gboolean gb_write_hash_open_file(GbWriteHash *h, GbWriteSet *w, const char *relpath);
gboolean gb_write_hash_append(GbWriteHash *h, const guint8 *data, gsize len);
GBytes *gb_write_hash_map(GbWriteHash *h);
/* GB_OK unless an append to h's temporary or its mapping failed: then the
 * set fails as a failed add does (GB_CANTCREAT, "cannot write", diag set). */
GbStatus gb_write_hash_status(GbWriteHash *h, GbWriteSet *w, GbDiag *diag);
/* gb_write_add, with h (not NULL) holding the hash of data's first
 * gb_write_hash_len(h) bytes, which the caller has made sure are those
 * hashed; only the rest is hashed here. h is used up (free it after). */
GbStatus gb_write_add_hashed(GbWriteSet *w, const char *relpath, const guint8 *data, gsize len,
                             GbWriteHash *h, const char *input, int pages, GbDiag *diag);

/* A file written as it is made by a writer that goes back over its bytes (a
 * zip's): its bytes go straight to a temporary beside relpath's place, never
 * held in memory; gb_write_add_stream then adds it as gb_write_add would add
 * the same bytes (hashed from the temporary). open fails as gb_write_add
 * does (the set then fails); write puts bytes at the stream's offset, which
 * seek moves (from the start), both FALSE with errno set when they fail;
 * gb_write_stream_free (NULL does nothing) abandons a stream not added, its
 * temporary removed. */
typedef struct GbWriteStream GbWriteStream;
GbStatus gb_write_stream_open(GbWriteSet *w, const char *relpath, GbWriteStream **out,
                              GbDiag *diag);
gboolean gb_write_stream_write(GbWriteStream *s, const guint8 *data, gsize len);
gboolean gb_write_stream_seek(GbWriteStream *s, guint64 offset);
/* TRUE once a write or seek failed: nothing more is written, and
 * gb_write_add_stream reports it as a failed gb_write_add would. */
gboolean gb_write_stream_failed(const GbWriteStream *s);
void gb_write_stream_free(GbWriteStream *s);
/* Adds the stream's file made from input with its page count and frees s
 * (added or not); statuses as gb_write_add's (a failed write: GB_CANTCREAT,
 * "cannot write"). */
GbStatus gb_write_add_stream(GbWriteStream *s, const char *input, int pages, GbDiag *diag);

/* Flushes to disk, together (on a few threads), every temporary added so
 * far and not yet flushed, so that the commit has only the files added after
 * it to wait for: a chain of files flushes its own as it ends, while the rest
 * of the run is still being made. Nothing is renamed. A failure fails the set
 * as a failed add does (diag set; the commit then refuses and changes
 * nothing); a set that had already failed returns that status with diag
 * cleared. Thread-safe beside adds; never call it beside gb_write_commit. */
GbStatus gb_write_flush(GbWriteSet *w, GbDiag *diag);

/* Renames every added file into place, then replaces the manifest, recording
 * every file it renamed; then replaces manifest.stat (not flushed: a cache)
 * with the stat of every file put in place or found as recorded, after
 * waiting for the file system's clock to pass the renames (a few ms at
 * most). A set with no file added leaves the manifest alone and updates
 * manifest.stat only when a file had to be read. Fails (diag set) if any add failed (nothing is
 * then changed) or a rename fails (files renamed before it are new, the rest old, and the manifest
 * says which). */
GbStatus gb_write_commit(GbWriteSet *w, GbDiag *diag);
/* Files replaced by the commit, and files added that already held their bytes. */
guint gb_write_written(const GbWriteSet *w);
guint gb_write_unchanged(const GbWriteSet *w);
/* Files added so far. */
guint gb_write_added(const GbWriteSet *w);
/* The files added so far that the commit will replace with bytes other than
 * the manifest records for them (a file put back as it was recorded, after
 * it went missing or was edited, is a repair and not listed), sorted,
 * NULL-terminated (g_strfreev): what a run changes. Thread-safe. */
char **gb_write_pending(GbWriteSet *w);
/* The bytes of file relpath as added to w (its temporary, or the file in
 * place that the add found holding them), mapped read-only: what a later
 * file made from it reads back instead of holding it in memory (the HTML
 * page's and the Word file's pictures, the chart files). NULL with errno set
 * when relpath was not added or cannot be read. Thread-safe beside adds;
 * never beside gb_write_commit. */
GBytes *gb_write_added_bytes(GbWriteSet *w, const char *relpath);
/* The bytes of relpath in the output folder as they are now (a regular
 * file, never through a link), NUL-terminated, or NULL when there is none.
 * g_free it. */
char *gb_write_read(GbWriteSet *w, const char *relpath, gsize *len);

/* Writes one file outside any set (chart -o FILE), "-" meaning standard
 * output. The file must be absent or a regular file: a link, device, pipe or
 * folder in its place is refused (GB_CANTCREAT), never written through or
 * replaced. Missing folders above it are made. The file is replaced in one
 * step (a flushed temporary, then rename). */
GbStatus gb_write_file(const char *path, const guint8 *data, gsize len, GbDiag *diag);

/* For tests: the n-th call from now (1-based) of op ("write", "fsync" or
 * "rename") made by this module fails with errno err; n = 0 turns it off. */
void gb__write_fail_at(const char *op, int n, int err);

#endif
