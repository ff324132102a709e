/* writestat.c - the write stage's manifest (see write.h): reading it and the
 * stat cache beside it when a set opens, the freshness checks against them,
 * the manifest's temporary at commit and the stat cache saved after it. */
#define _DEFAULT_SOURCE
#include "output/write.h"

#include "output/manifest.h"
#include "output/write-private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The text of file name in the root folder, never through a link: NULL when
 * absent, "" when there but not a regular file. */
static char *
gb__read_root(GbWriteSet *w, const char *name, gsize *len)
{
    char *text = NULL;
    *len = 0;
    int fd = openat(w->root, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        GString *s = g_string_sized_new((gsize)st.st_size + 1);
        char buf[65536];
        ssize_t n;
        while ((n = read(fd, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
            if (n > 0)
                g_string_append_len(s, buf, n);
        *len = s->len;
        text = g_string_free(s, FALSE);
    } else if (fd >= 0 || errno == ELOOP) {
        text = g_strdup(""); /* there, but not a file: unreadable */
    }
    if (fd >= 0)
        close(fd);
    return text;
}

/* Reads the manifest and, when it is readable, the stat cache beside it. */
void
gb__write_load_manifest(GbWriteSet *w)
{
    gsize len;
    char *text = gb__read_root(w, GB__MANIFEST, &len);
    w->manifest = gb_manifest_parse(text, len, &w->corrupt);
    g_free(text);
    text = w->corrupt ? NULL : gb__read_root(w, GB__STATS, &len);
    w->stats = gb_manifest_stats_parse(text, len);
    g_free(text);
}

gboolean
gb_write_manifest_corrupt(const GbWriteSet *w)
{
    return w->corrupt;
}

gboolean
gb_write_fresh(GbWriteSet *w, const char *relpath, const char *input)
{
    if (w->flags & GB_WRITE_FORCE || !gb__write_rel_ok(relpath))
        return FALSE;
    GbManifestEntry e;
    g_mutex_lock(&w->mu);
    gboolean known = gb_manifest_get(w->manifest, relpath, &e) && strcmp(e.input, input) == 0 &&
                     e.output[0] != '\0';
    const char *base;
    char *reldir = gb__write_split(relpath, &base);
    int dirfd = known ? gb__write_folder(w, reldir, FALSE, NULL) : -1;
    g_mutex_unlock(&w->mu);
    g_free(reldir);
    if (dirfd < 0)
        return FALSE;
    /* Its stat exactly as recorded once it was in place, for these bytes:
     * trusted without reading it (see write.h for what that cannot see). */
    char rec_out[65];
    GbFileStat rec, now;
    if (!(w->flags & GB_WRITE_VERIFY) && gb_manifest_stats_get(w->stats, relpath, rec_out, &rec) &&
        strcmp(rec_out, e.output) == 0 && rec.size == e.size && gb__stat_at(dirfd, base, &now) &&
        gb__stat_equal(&rec, &now))
        return TRUE;
    char hex[65];
    guint64 size;
    GbFileStat st;
    g_atomic_int_inc(&w->hashed);
    if (!gb__file_digest(dirfd, base, hex, &size, &st) || size != e.size ||
        strcmp(hex, e.output) != 0)
        return FALSE;
    if (st.ino != 0) { /* its stat is recorded at the end of the run */
        GbVerified *v = g_new0(GbVerified, 1);
        v->dirfd = dirfd;
        v->base = g_strdup(base);
        memcpy(v->output, e.output, sizeof v->output);
        v->st = st;
        g_mutex_lock(&w->mu);
        g_hash_table_replace(w->verified, g_strdup(relpath), v);
        g_mutex_unlock(&w->mu);
    }
    return TRUE;
}

guint
gb_write_hashed(const GbWriteSet *w)
{
    return (guint)g_atomic_int_get(&((GbWriteSet *)w)->hashed);
}

char **
gb_write_recorded(const GbWriteSet *w, const char *input)
{
    return gb_manifest_names_with_input(w->manifest, input);
}

int
gb_write_pages(const GbWriteSet *w, const char *relpath)
{
    GbManifestEntry e;
    gb_manifest_get(w->manifest, relpath, &e);
    return e.pages;
}

/* Writes the manifest's text to a temporary, flushed when flush is set; its
 * name, or NULL with diag set. */
char *
gb__write_manifest_tmp(GbWriteSet *w, const GbManifest *m, gboolean flush, GbFileStat *st,
                       GbDiag *diag)
{
    const char *odd = gb__unusable_place(w->root, GB__MANIFEST);
    if (odd != NULL) {
        gb__fail(diag, w->dir, GB__MANIFEST,
                 "is %s, not a regular file; gradebrief will not "
                 "replace it",
                 odd);
        return NULL;
    }
    gsize len;
    char *text = gb_manifest_to_data(m, &len);
    char *tmp = gb__tmp_write(w->root, GB__MANIFEST, (const guint8 *)text, len, flush, st);
    if (tmp == NULL)
        gb__fail(diag, w->dir, GB__MANIFEST, "cannot write: %s", g_strerror(errno));
    g_free(text);
    return tmp;
}

/* The file system's clock now (ns), read from the lock file's change time
 * after touching it; -1 when that fails. */
static gint64
gb__fs_now(GbWriteSet *w)
{
    struct stat sb;
    if (w->lock < 0 || futimens(w->lock, NULL) != 0 || fstat(w->lock, &sb) != 0)
        return -1;
    return (gint64)sb.st_ctim.tv_sec * G_GINT64_CONSTANT(1000000000) + sb.st_ctim.tv_nsec;
}

/* Records rel's stat in the cache when the file is still the one `was`
 * describes (same inode, size and modification time; change time too unless
 * it was renamed since) and both its times are before `now`: a change after
 * this stat then shows in its change time, even within one tick of the
 * file system's clock. Otherwise drops its record, so it is hashed next time. */
static void
gb__note_stat(GbWriteSet *w, const char *rel, int dirfd, const char *base, const char *output,
              const GbFileStat *was, gboolean renamed, gint64 now)
{
    GbFileStat st;
    gboolean ok = was->ino != 0 && gb__stat_at(dirfd, base, &st) && st.ino == was->ino &&
                  st.dev == was->dev && st.size == was->size && st.mtime_ns == was->mtime_ns &&
                  (renamed || st.ctime_ns == was->ctime_ns) && st.mtime_ns < now &&
                  st.ctime_ns < now;
    if (ok)
        gb_manifest_stats_set(w->stats, rel, output, &st);
    else
        gb_manifest_stats_remove(w->stats, rel);
}

/* Replaces manifest.stat after a commit: the stat of every file the run put
 * in place or found as recorded. A cache, so it is not flushed and a failure
 * is ignored (the next run hashes what it cannot trust). With renamed, waits
 * (up to 50 ms) for the file system's clock to pass the renames, so their
 * stats can be trusted. */
void
gb__write_save_stats(GbWriteSet *w, gboolean renamed)
{
    gint64 now = gb__fs_now(w);
    if (now < 0)
        return;
    /* Asked again at once first: a file system with fine-grained times
     * (Linux 6.13 and later on ext4) has passed already. */
    for (gint64 t0 = g_get_monotonic_time(), later = now, tries = 0;
         renamed && later <= now && g_get_monotonic_time() - t0 < 50000; tries++) {
        if (tries > 0)
            g_usleep(250);
        if ((later = gb__fs_now(w)) < 0)
            return;
        if (later > now) {
            now = later;
            break;
        }
    }
    for (guint i = 0; i < w->entries->len; i++) {
        const GbWriteEntry *e = g_ptr_array_index(w->entries, i);
        if (e->done)
            gb__note_stat(w, e->rel, e->dirfd, e->base, e->e.output, &e->st, TRUE, now);
    }
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, w->verified);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        const GbVerified *f = v;
        if (!g_hash_table_contains(w->names, k))
            gb__note_stat(w, k, f->dirfd, f->base, f->output, &f->st, FALSE, now);
    }
    gb_manifest_stats_prune(w->stats, w->manifest);
    gsize len;
    char *text = gb_manifest_stats_to_data(w->stats, &len);
    char *tmp = gb__unusable_place(w->root, GB__STATS) == NULL
                    ? gb__tmp_write(w->root, GB__STATS, (const guint8 *)text, len, FALSE, NULL)
                    : NULL;
    if (tmp != NULL && renameat(w->root, tmp, w->root, GB__STATS) != 0)
        unlinkat(w->root, tmp, 0);
    g_free(tmp);
    g_free(text);
}
