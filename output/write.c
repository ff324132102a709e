/* write.c - the write stage (see write.h): one folder, one lock, temporaries
 * flushed beside their places, renamed only when all of them exist, the
 * manifest last. Folders are opened with O_NOFOLLOW|O_DIRECTORY from the
 * output folder down, so a link swapped in anywhere below -o is refused, not
 * followed; files are never opened for writing in place, only renamed over. */
#define _DEFAULT_SOURCE
#include "output/write.h"

#include "output/manifest.h"
#include "output/write-private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define GB__MANIFEST "manifest.ini"
#define GB__STATS "manifest.stat"
/* Temporaries are flushed at commit, together (gb__flush_all), not one by one
 * as they are made (each fsync a journal commit of its own on ext4); past
 * this many open at once, each is flushed and closed as it is written. */
#define GB__MAX_OPEN 256

typedef struct {
    char *rel;        /* as added: "charts/map.svg" */
    const char *base; /* the last component of rel */
    int dirfd;        /* the folder it goes in (owned by the set) */
    char *tmp;        /* its temporary's name in that folder; NULL when unchanged */
    int fd;           /* the temporary, still open to be flushed at commit, or -1 */
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
    int open_fds;         /* temporaries held open (see GB__MAX_OPEN) */
    GbStatus failed;
    GbDiag fail_diag;
    guint written, unchanged;
    gboolean committed;
};

/* The folder of relative folder `reldir` ("" the root), opened once per set.
 * Call with w->mu held. */
static int
gb__folder(GbWriteSet *w, const char *reldir, gboolean create, GbDiag *diag)
{
    gpointer had = g_hash_table_lookup(w->dirs, reldir);
    if (had != NULL)
        return GPOINTER_TO_INT(had) - 1;
    char *parent_rel = g_path_get_dirname(reldir);
    if (strcmp(parent_rel, ".") == 0)
        parent_rel[0] = '\0';
    int parent = gb__folder(w, parent_rel, create, diag);
    g_free(parent_rel);
    if (parent < 0)
        return -1;
    const char *slash = strrchr(reldir, '/');
    gboolean made;
    int fd =
        gb__open_folder(parent, slash ? slash + 1 : reldir, create, w->dir, reldir, &made, diag);
    if (made)
        g_ptr_array_add(w->made, g_strdup(reldir));
    if (fd >= 0)
        g_hash_table_insert(w->dirs, g_strdup(reldir), GINT_TO_POINTER(fd + 1));
    return fd;
}

/* TRUE when rel is a plain relative path: no empty, "." or ".." part. */
static gboolean
gb__rel_ok(const char *rel)
{
    if (rel == NULL || *rel == '\0' || *rel == '/')
        return FALSE;
    char **parts = g_strsplit(rel, "/", -1);
    gboolean ok = TRUE;
    for (char **p = parts; *p != NULL && ok; p++)
        ok = **p != '\0' && strcmp(*p, ".") != 0 && strcmp(*p, "..") != 0;
    g_strfreev(parts);
    return ok;
}

/* Takes the folder's lock without waiting; GB_TEMPFAIL naming the holder.
 * The lock file is removed when the set is freed, so it is checked after
 * locking to be the one still in the folder: a run that opened it just before
 * its holder removed it would otherwise hold a lock nobody else sees. */
static GbStatus
gb__lock(GbWriteSet *w, GbDiag *diag)
{
    for (int tries = 0; tries < 100; tries++) {
        int fd =
            openat(w->root, GB_WRITE_LOCK_NAME, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (fd < 0) {
            gb__fail(diag, w->dir, GB_WRITE_LOCK_NAME, "cannot open the lock file: %s",
                     g_strerror(errno));
            return GB_CANTCREAT;
        }
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            int e = errno;
            char buf[32] = {0};
            ssize_t n = e == EWOULDBLOCK ? pread(fd, buf, sizeof buf - 1, 0) : 0;
            close(fd);
            if (e != EWOULDBLOCK) {
                gb__fail(diag, w->dir, NULL, "cannot lock the folder: %s", g_strerror(e));
                return GB_CANTCREAT;
            }
            gint64 pid = n > 0 ? g_ascii_strtoll(buf, NULL, 10) : 0;
            char who[48] = "";
            if (pid > 0)
                g_snprintf(who, sizeof who, " (pid %" G_GINT64_FORMAT ")", pid);
            gb__fail(diag, w->dir, NULL,
                     "another gradebrief run%s is writing this folder; run "
                     "again when it has finished",
                     who);
            return GB_TEMPFAIL;
        }
        struct stat held, there;
        if (fstat(fd, &held) == 0 &&
            fstatat(w->root, GB_WRITE_LOCK_NAME, &there, AT_SYMLINK_NOFOLLOW) == 0 &&
            held.st_dev == there.st_dev && held.st_ino == there.st_ino) {
            char pid[32];
            int len = g_snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
            /* Without the pid the lock still holds; only a message would lack it. */
            if (ftruncate(fd, 0) == 0 && pwrite(fd, pid, (size_t)len, 0) != len) {
            }
            w->lock = fd;
            return GB_OK;
        }
        close(fd); /* removed by the run that held it: take the new one */
    }
    gb__fail(diag, w->dir, GB_WRITE_LOCK_NAME, "cannot lock the folder: it keeps changing");
    return GB_CANTCREAT;
}

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
static void
gb__load_manifest(GbWriteSet *w)
{
    gsize len;
    char *text = gb__read_root(w, GB__MANIFEST, &len);
    w->manifest = gb_manifest_parse(text, len, &w->corrupt);
    g_free(text);
    text = w->corrupt ? NULL : gb__read_root(w, GB__STATS, &len);
    w->stats = gb_manifest_stats_parse(text, len);
    g_free(text);
}

static void
gb__verified_free(gpointer p)
{
    GbVerified *v = p;
    g_free(v->base);
    g_free(v);
}

static void
gb__entry_free(gpointer p)
{
    GbWriteEntry *e = p;
    g_free(e->rel);
    g_free(e->tmp);
    g_free(e);
}

GbStatus
gb_write_open(const char *dir, guint flags, GbWriteSet **out, GbDiag *diag)
{
    *out = NULL;
    if (dir == NULL || *dir == '\0') {
        gb_diag_set(diag, NULL, 0, 0, "-o: the output folder name is empty");
        return GB_USAGE;
    }
    /* "out/" names the same folder as "out"; with the slash, lstat and
     * O_NOFOLLOW would both go through a link called out. */
    char *plain = g_strdup(dir);
    for (gsize n = strlen(plain); n > 1 && plain[n - 1] == '/'; n--)
        plain[n - 1] = '\0';
    struct stat st;
    gboolean absent = lstat(plain, &st) != 0 && errno == ENOENT;
    gboolean link = !absent && S_ISLNK(st.st_mode);
    g_free(plain);
    if (link) {
        gb_diag_set(diag, dir, 0, 0,
                    "is a symbolic link; gradebrief writes only into real "
                    "folders, never through a link");
        return GB_CANTCREAT;
    }
    if (g_mkdir_with_parents(dir, 0777) != 0) {
        gb_diag_set(diag, dir, 0, 0, "cannot create the folder: %s", g_strerror(errno));
        return GB_CANTCREAT;
    }
    int root = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (root < 0) {
        gb_diag_set(diag, dir, 0, 0,
                    errno == ELOOP ? "is a symbolic link; gradebrief writes "
                                     "only into real folders, never through a link"
                                   : "cannot open the folder: %s",
                    g_strerror(errno));
        return GB_CANTCREAT;
    }
    GbWriteSet *w = g_new0(GbWriteSet, 1);
    w->dir = g_strdup(dir);
    w->root = root;
    w->lock = -1;
    w->flags = flags;
    w->made_root = absent;
    w->made = g_ptr_array_new_with_free_func(g_free);
    g_mutex_init(&w->mu);
    w->dirs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_hash_table_insert(w->dirs, g_strdup(""), GINT_TO_POINTER(root + 1));
    w->entries = g_ptr_array_new_with_free_func(gb__entry_free);
    w->names = g_hash_table_new(g_str_hash, g_str_equal);
    w->verified = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, gb__verified_free);
    GbStatus st_lock = gb__lock(w, diag);
    if (st_lock != GB_OK) {
        gb_write_free(w);
        return st_lock;
    }
    gb__remove_stale(root, 2);
    gb__load_manifest(w);
    *out = w;
    return GB_OK;
}

void
gb_write_free(GbWriteSet *w)
{
    if (w == NULL)
        return;
    for (guint i = 0; i < w->entries->len; i++) {
        GbWriteEntry *e = g_ptr_array_index(w->entries, i);
        if (e->fd >= 0)
            close(e->fd);
        if (e->tmp != NULL)
            unlinkat(e->dirfd, e->tmp, 0);
    }
    g_ptr_array_unref(w->entries);
    g_hash_table_destroy(w->names);
    g_hash_table_destroy(w->verified);
    GHashTableIter it;
    gpointer key, value;
    g_hash_table_iter_init(&it, w->dirs);
    while (g_hash_table_iter_next(&it, &key, &value))
        if (GPOINTER_TO_INT(value) - 1 != w->root)
            close(GPOINTER_TO_INT(value) - 1);
    g_hash_table_destroy(w->dirs);
    /* A set that never committed leaves no folder it made (when empty). */
    for (guint i = w->made->len; i > 0 && !w->committed; i--)
        unlinkat(w->root, g_ptr_array_index(w->made, i - 1), AT_REMOVEDIR);
    g_ptr_array_unref(w->made);
    if (w->lock >= 0) {
        /* Removed while still held, so no other run can hold it meanwhile. */
        unlinkat(w->root, GB_WRITE_LOCK_NAME, 0);
        close(w->lock); /* releases the flock */
    }
    close(w->root);
    if (w->made_root && !w->committed)
        rmdir(w->dir);
    gb_manifest_free(w->manifest);
    gb_manifest_stats_free(w->stats);
    gb_diag_clear(&w->fail_diag);
    g_mutex_clear(&w->mu);
    g_free(w->dir);
    g_free(w);
}

gboolean
gb_write_manifest_corrupt(const GbWriteSet *w)
{
    return w->corrupt;
}

/* The folder part of rel ("" for none) and its last component. */
static char *
gb__split(const char *rel, const char **base)
{
    const char *slash = strrchr(rel, '/');
    *base = slash ? slash + 1 : rel;
    return slash ? g_strndup(rel, (gsize)(slash - rel)) : g_strdup("");
}

gboolean
gb_write_fresh(GbWriteSet *w, const char *relpath, const char *input)
{
    if (w->flags & GB_WRITE_FORCE || !gb__rel_ok(relpath))
        return FALSE;
    GbManifestEntry e;
    g_mutex_lock(&w->mu);
    gboolean known = gb_manifest_get(w->manifest, relpath, &e) && strcmp(e.input, input) == 0 &&
                     e.output[0] != '\0';
    const char *base;
    char *reldir = gb__split(relpath, &base);
    int dirfd = known ? gb__folder(w, reldir, FALSE, NULL) : -1;
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

/* Records the set's first failure (the one reported); later ones are dropped. */
static GbStatus
gb__set_failed(GbWriteSet *w, GbStatus status, GbDiag *diag)
{
    g_mutex_lock(&w->mu);
    gboolean first = w->failed == GB_OK;
    if (first) {
        w->failed = status;
        gb_diag_set(&w->fail_diag, diag->path, diag->line, diag->column, "%s", diag->message);
    }
    g_mutex_unlock(&w->mu);
    /* Another thread's add failed first (a full disk fails them all at once):
     * that one is the report, this one a consequence. */
    if (!first) {
        gb_diag_clear(diag);
        return w->failed;
    }
    return status;
}

GbStatus
gb_write_add(GbWriteSet *w, const char *relpath, const guint8 *data, gsize len, const char *input,
             int pages, GbDiag *diag)
{
    GbDiag local = {0};
    GbDiag *d = diag != NULL ? diag : &local;
    if (!gb__rel_ok(relpath) || input == NULL || strlen(input) > 64) {
        gb__fail(d, w->dir, relpath, "not a file name gradebrief can write");
        GbStatus s = gb__set_failed(w, GB_SOFTWARE, d);
        gb_diag_clear(&local);
        return s;
    }
    const char *base;
    char *reldir = gb__split(relpath, &base);
    GbStatus status = GB_OK;
    int dirfd = -1;
    g_mutex_lock(&w->mu);
    if (w->failed != GB_OK) {
        status = w->failed; /* the set will not commit: write nothing more */
    } else if (g_hash_table_contains(w->names, relpath)) {
        status = GB_SOFTWARE;
        gb__fail(d, w->dir, relpath, "written twice in one run");
    } else if ((dirfd = gb__folder(w, reldir, TRUE, d)) < 0) {
        status = GB_CANTCREAT;
    }
    g_mutex_unlock(&w->mu);
    g_free(reldir);
    if (status != GB_OK) {
        if (status != w->failed)
            gb__set_failed(w, status, d);
        gb_diag_clear(&local);
        return status;
    }
    const char *odd = gb__unusable_place(dirfd, base);
    if (odd != NULL) {
        gb__fail(d, w->dir, relpath, "is %s, not a regular file; gradebrief will not replace it",
                 odd);
        GbStatus s = gb__set_failed(w, GB_CANTCREAT, d);
        gb_diag_clear(&local);
        return s;
    }
    GbWriteEntry *e = g_new0(GbWriteEntry, 1);
    e->rel = g_strdup(relpath);
    e->base = e->rel + (base - relpath);
    e->dirfd = dirfd;
    g_strlcpy(e->e.input, input, sizeof e->e.input);
    gb__sha256_hex(data, len, e->e.output);
    e->e.size = len;
    e->e.pages = pages;
    gboolean keep = (w->flags & GB_WRITE_KEEP_SAME) && !(w->flags & GB_WRITE_FORCE) &&
                    gb__same_bytes(dirfd, base, data, len, &e->st);
    e->fd = -1;
    gboolean hold = g_atomic_int_add(&w->open_fds, 1) < GB__MAX_OPEN;
    if (!hold)
        g_atomic_int_add(&w->open_fds, -1);
    if (!keep &&
        (e->tmp = gb__tmp_write(dirfd, base, data, len, hold ? &e->fd : NULL, &e->st)) == NULL) {
        gb__fail(d, w->dir, relpath, "cannot write: %s", g_strerror(errno));
        gb__entry_free(e);
        GbStatus s = gb__set_failed(w, GB_CANTCREAT, d);
        gb_diag_clear(&local);
        return s;
    }
    g_mutex_lock(&w->mu);
    g_hash_table_add(w->names, e->rel);
    g_ptr_array_add(w->entries, e);
    g_mutex_unlock(&w->mu);
    gb_diag_clear(&local);
    return GB_OK;
}

static gint
gb__entry_cmp(gconstpointer a, gconstpointer b)
{
    const GbWriteEntry *x = *(GbWriteEntry *const *)a, *y = *(GbWriteEntry *const *)b;
    return strcmp(x->rel, y->rel);
}

/* Flushes every folder the set wrote in, so the renames are on disk. */
static void
gb__sync_folders(GbWriteSet *w)
{
    GHashTableIter it;
    gpointer key, value;
    g_hash_table_iter_init(&it, w->dirs);
    while (g_hash_table_iter_next(&it, &key, &value))
        fsync(GPOINTER_TO_INT(value) - 1);
}

/* Writes the manifest's text to a flushed temporary; its name, or NULL with
 * diag set. */
static char *
gb__manifest_tmp(GbWriteSet *w, const GbManifest *m, GbDiag *diag)
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
    char *tmp = gb__tmp_write(w->root, GB__MANIFEST, (const guint8 *)text, len, NULL, NULL);
    if (tmp == NULL)
        gb__fail(diag, w->dir, GB__MANIFEST, "cannot write: %s", g_strerror(errno));
    g_free(text);
    return tmp;
}

/* Flushes and closes the temporaries still open, on a few threads: fsyncs
 * issued together share the file system's journal commits, where one after
 * the other each waits for its own. FALSE with diag set when one fails. */
typedef struct {
    GbWriteSet *w;
    gint next;   /* atomic: the next entry */
    gint failed; /* atomic: index + 1 of the first failure */
    gint err;
} GbFlush;

static gpointer
gb__flush_worker(gpointer data)
{
    GbFlush *f = data;
    for (;;) {
        gint i = g_atomic_int_add(&f->next, 1);
        if (i >= (gint)f->w->entries->len)
            break;
        GbWriteEntry *e = g_ptr_array_index(f->w->entries, i);
        if (e->fd < 0)
            continue;
        gboolean ok = gb__fsync(e->fd) == 0;
        int saved = errno;
        if (close(e->fd) != 0 && ok)
            ok = FALSE, saved = errno;
        e->fd = -1;
        if (!ok && g_atomic_int_compare_and_exchange(&f->failed, 0, i + 1))
            g_atomic_int_set(&f->err, saved);
    }
    return NULL;
}

static gboolean
gb__flush_all(GbWriteSet *w, GbDiag *diag)
{
    guint open = 0;
    for (guint i = 0; i < w->entries->len; i++)
        open += ((GbWriteEntry *)g_ptr_array_index(w->entries, i))->fd >= 0;
    GbFlush f = {.w = w};
    guint threads = CLAMP((open + 3) / 4, 1, 8);
    GPtrArray *pool = g_ptr_array_new();
    for (guint t = 1; t < threads; t++)
        g_ptr_array_add(pool, g_thread_new("flush", gb__flush_worker, &f));
    gb__flush_worker(&f);
    for (guint t = 0; t < pool->len; t++)
        g_thread_join(g_ptr_array_index(pool, t));
    g_ptr_array_free(pool, TRUE);
    if (f.failed == 0)
        return TRUE;
    GbWriteEntry *e = g_ptr_array_index(w->entries, (guint)f.failed - 1);
    gb__fail(diag, w->dir, e->rel, "cannot write: %s", g_strerror(f.err));
    return FALSE;
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
static void
gb__save_stats(GbWriteSet *w, gboolean renamed)
{
    gint64 now = gb__fs_now(w);
    if (now < 0)
        return;
    for (gint64 t0 = g_get_monotonic_time(), later = now;
         renamed && later <= now && g_get_monotonic_time() - t0 < 50000;) {
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
    int fd = -1;
    char *tmp = gb__unusable_place(w->root, GB__STATS) == NULL
                    ? gb__tmp_write(w->root, GB__STATS, (const guint8 *)text, len, &fd, NULL)
                    : NULL;
    if (fd >= 0)
        close(fd);
    if (tmp != NULL && renameat(w->root, tmp, w->root, GB__STATS) != 0)
        unlinkat(w->root, tmp, 0);
    g_free(tmp);
    g_free(text);
}

GbStatus
gb_write_commit(GbWriteSet *w, GbDiag *diag)
{
    if (w->failed != GB_OK) {
        gb_diag_set(diag, w->fail_diag.path, 0, 0, "%s", w->fail_diag.message);
        return w->failed;
    }
    if (w->entries->len == 0) {
        w->committed = TRUE;
        /* Nothing made: the manifest stays as it is; files read to check them
         * are trusted by their stat next time. */
        if (g_hash_table_size(w->verified) > 0)
            gb__save_stats(w, FALSE);
        return GB_OK;
    }
    g_ptr_array_sort(w->entries, gb__entry_cmp);
    /* Every temporary on disk before anything is renamed. */
    if (!gb__flush_all(w, diag))
        return GB_CANTCREAT;
    /* The new manifest is made and flushed before anything is renamed, so a
     * full disk stops the run while everything is still as it was. */
    gsize old_len;
    char *old_text = gb_manifest_to_data(w->manifest, &old_len);
    for (guint i = 0; i < w->entries->len; i++) {
        GbWriteEntry *e = g_ptr_array_index(w->entries, i);
        gb_manifest_set(w->manifest, e->rel, &e->e);
    }
    char *mtmp = gb__manifest_tmp(w, w->manifest, diag);
    if (mtmp == NULL) {
        g_free(old_text);
        return GB_CANTCREAT;
    }
    GbStatus status = GB_OK;
    w->committed = TRUE; /* from here on, files change */
    for (guint i = 0; i < w->entries->len && status == GB_OK; i++) {
        GbWriteEntry *e = g_ptr_array_index(w->entries, i);
        if (e->tmp == NULL) {
            e->done = TRUE;
            w->unchanged++;
        } else if (gb__rename(e->dirfd, e->tmp, e->base) != 0) {
            gb__fail(diag, w->dir, e->rel, "cannot replace: %s", g_strerror(errno));
            status = GB_CANTCREAT;
        } else {
            g_free(e->tmp);
            e->tmp = NULL;
            e->done = TRUE;
            w->written++;
        }
    }
    gb__sync_folders(w);
    if (status != GB_OK) {
        /* Part-way: the manifest records what is now in place, so that it
         * tells which files are new (best effort: a rerun repairs anyway,
         * since a file that differs from its record is never fresh). */
        unlinkat(w->root, mtmp, 0);
        g_free(mtmp);
        gb_manifest_free(w->manifest);
        w->manifest = gb_manifest_parse(old_text, old_len, NULL);
        for (guint i = 0; i < w->entries->len; i++) {
            GbWriteEntry *e = g_ptr_array_index(w->entries, i);
            if (e->done)
                gb_manifest_set(w->manifest, e->rel, &e->e);
        }
        GbDiag ignored = {0};
        mtmp = gb__manifest_tmp(w, w->manifest, &ignored);
        gb_diag_clear(&ignored);
    }
    if (mtmp != NULL && gb__rename(w->root, mtmp, GB__MANIFEST) != 0) {
        if (status == GB_OK)
            gb__fail(diag, w->dir, GB__MANIFEST, "cannot replace: %s", g_strerror(errno));
        status = GB_CANTCREAT;
        unlinkat(w->root, mtmp, 0);
    }
    fsync(w->root);
    g_free(mtmp);
    g_free(old_text);
    if (status == GB_OK)
        gb__save_stats(w, TRUE);
    return status;
}

guint
gb_write_written(const GbWriteSet *w)
{
    return w->written;
}

guint
gb_write_unchanged(const GbWriteSet *w)
{
    return w->unchanged;
}

guint
gb_write_added(const GbWriteSet *w)
{
    return w->entries->len;
}

static gint
gb__str_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char **
gb_write_pending(GbWriteSet *w)
{
    GPtrArray *names = g_ptr_array_new();
    g_mutex_lock(&w->mu);
    for (guint i = 0; i < w->entries->len; i++) {
        const GbWriteEntry *e = g_ptr_array_index(w->entries, i);
        GbManifestEntry old;
        /* A file put back as the last run made it (it was missing, cut
         * short or edited) is a repair, not a change. */
        if (e->tmp != NULL && !(gb_manifest_get(w->manifest, e->rel, &old) &&
                                strcmp(old.output, e->e.output) == 0 && old.size == e->e.size))
            g_ptr_array_add(names, g_strdup(e->rel));
    }
    g_mutex_unlock(&w->mu);
    g_ptr_array_sort(names, gb__str_cmp);
    g_ptr_array_add(names, NULL);
    return (char **)g_ptr_array_free(names, FALSE);
}

char *
gb_write_read(GbWriteSet *w, const char *relpath, gsize *len)
{
    *len = 0;
    if (!gb__rel_ok(relpath))
        return NULL;
    const char *base;
    char *reldir = gb__split(relpath, &base);
    g_mutex_lock(&w->mu);
    int dirfd = gb__folder(w, reldir, FALSE, NULL);
    g_mutex_unlock(&w->mu);
    g_free(reldir);
    if (dirfd < 0)
        return NULL;
    int fd = openat(dirfd, base, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > 64 * 1024 * 1024) {
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    GString *s = g_string_sized_new((gsize)st.st_size + 1);
    char buf[65536];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
        if (n > 0)
            g_string_append_len(s, buf, n);
    close(fd);
    *len = s->len;
    return g_string_free(s, FALSE);
}
