/* write.c - the write stage (see write.h): one folder, one lock, temporaries
 * flushed beside their places, renamed only when all of them exist, the
 * manifest last. Folders are opened with O_NOFOLLOW|O_DIRECTORY from the
 * output folder down, so a link swapped in anywhere below -o is refused, not
 * followed; files are never opened for writing in place, only renamed over. */
#define _DEFAULT_SOURCE
#include "output/write.h"

#include "output/manifest.h"

#include <dirent.h>
#include <stdarg.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define GB__MANIFEST "manifest.ini"

typedef struct {
    char *rel;        /* as added: "charts/map.svg" */
    const char *base; /* the last component of rel */
    int dirfd;        /* the folder it goes in (owned by the set) */
    char *tmp;        /* its temporary's name in that folder; NULL when unchanged */
    gboolean done;    /* in place (renamed, or unchanged) */
    GbManifestEntry e;
} GbWriteEntry;

struct GbWriteSet {
    char *dir;             /* as given, for messages */
    int root;              /* the output folder */
    int lock;              /* its lock file, flocked */
    guint flags;
    GbManifest *manifest;
    gboolean corrupt;
    GMutex mu;             /* guards everything below */
    GHashTable *dirs;      /* relative folder -> fd + 1 ("" is root) */
    GPtrArray *entries;    /* GbWriteEntry* */
    GHashTable *names;     /* rel -> TRUE: each file once */
    GbStatus failed;
    GbDiag fail_diag;
    guint written, unchanged;
    gboolean committed;
};

/* Fault injection for tests: remaining calls before a failure, per operation. */
enum { GB__OP_WRITE, GB__OP_FSYNC, GB__OP_RENAME, GB__OPS };
static gint gb__fail_count[GB__OPS];
static gint gb__fail_errno[GB__OPS];

void
gb__write_fail_at(const char *op, int n, int err)
{
    static const char *const names[GB__OPS] = {"write", "fsync", "rename"};
    for (int i = 0; i < GB__OPS; i++) {
        if (strcmp(op, names[i]) == 0) {
            g_atomic_int_set(&gb__fail_errno[i], err);
            g_atomic_int_set(&gb__fail_count[i], n);
        }
    }
}

/* TRUE (errno set) when this call of op is the one a test asked to fail. */
static gboolean
gb__injected(int op)
{
    for (;;) {
        gint n = g_atomic_int_get(&gb__fail_count[op]);
        if (n <= 0)
            return FALSE;
        if (g_atomic_int_compare_and_exchange(&gb__fail_count[op], n, n - 1)) {
            if (n != 1)
                return FALSE;
            errno = g_atomic_int_get(&gb__fail_errno[op]);
            return TRUE;
        }
    }
}

static gboolean
gb__write_all(int fd, const guint8 *data, gsize len)
{
    while (len > 0) {
        if (gb__injected(GB__OP_WRITE))
            return FALSE;
        ssize_t n = write(fd, data, MIN(len, (gsize)1 << 30));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0)
                errno = EIO;
            return FALSE;
        }
        data += n;
        len -= (gsize)n;
    }
    return TRUE;
}

static int
gb__fsync(int fd)
{
    if (gb__injected(GB__OP_FSYNC))
        return -1;
    return fsync(fd);
}

static int
gb__rename(int dirfd, const char *from, const char *to)
{
    if (gb__injected(GB__OP_RENAME))
        return -1;
    return renameat(dirfd, from, dirfd, to);
}

/* Makes a new temporary "base.XXXXXX" in dirfd (the shape g_file_set_contents
 * used, so its leftovers are recognised too); returns its fd and name. */
static int
gb__tmp_open(int dirfd, const char *base, char **name)
{
    static const char chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    for (int tries = 0; tries < 100; tries++) {
        char suffix[7];
        for (int i = 0; i < 6; i++)
            suffix[i] = chars[g_random_int_range(0, (gint32)sizeof chars - 1)];
        suffix[6] = '\0';
        char *n = g_strdup_printf("%s.%s", base, suffix);
        int fd = openat(dirfd, n, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (fd >= 0) {
            *name = n;
            return fd;
        }
        g_free(n);
        if (errno != EEXIST)
            return -1;
    }
    return -1;
}

/* Writes data to a new flushed temporary beside base in dirfd; returns its
 * name, or NULL with errno set (and no temporary left). */
static char *
gb__tmp_write(int dirfd, const char *base, const guint8 *data, gsize len)
{
    char *name = NULL;
    int fd = gb__tmp_open(dirfd, base, &name);
    if (fd < 0)
        return NULL;
    gboolean ok = gb__write_all(fd, data, len) && gb__fsync(fd) == 0;
    int saved = errno;
    if (close(fd) != 0 && ok)
        ok = FALSE, saved = errno;
    if (!ok) {
        unlinkat(dirfd, name, 0);
        g_free(name);
        errno = saved;
        return NULL;
    }
    return name;
}

/* TRUE when name in dirfd is a regular file of exactly these bytes. */
static gboolean
gb__same_bytes(int dirfd, const char *name, const guint8 *data, gsize len)
{
    struct stat st;
    if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode) ||
        (guint64)st.st_size != len)
        return FALSE;
    int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return FALSE;
    guint8 buf[65536];
    gsize at = 0;
    gboolean same = TRUE;
    while (same) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            same = n == 0 && at == len;
            break;
        }
        same = at + (gsize)n <= len && memcmp(buf, data + at, (gsize)n) == 0;
        at += (gsize)n;
    }
    close(fd);
    return same;
}

/* The SHA-256 and size of name in dirfd when it is a regular file. */
static gboolean
gb__file_digest(int dirfd, const char *name, char hex[65], guint64 *size)
{
    struct stat st;
    if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
        return FALSE;
    int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return FALSE;
    GChecksum *h = g_checksum_new(G_CHECKSUM_SHA256);
    guint8 buf[65536];
    guint64 total = 0;
    ssize_t n;
    for (;;) {
        n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        g_checksum_update(h, buf, n);
        total += (guint64)n;
    }
    close(fd);
    if (n == 0)
        g_strlcpy(hex, g_checksum_get_string(h), 65);
    g_checksum_free(h);
    *size = total;
    return n == 0;
}

/* What is at name in dirfd, in words, when gradebrief must not replace it;
 * NULL when it is absent, a regular file, or a link (a link in a file's place
 * is replaced by the file, never written through). */
static const char *
gb__unusable_place(int dirfd, const char *name)
{
    struct stat st;
    if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 || S_ISREG(st.st_mode) ||
        S_ISLNK(st.st_mode))
        return NULL;
    if (S_ISDIR(st.st_mode))
        return "a folder";
    if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
        return "a device";
    if (S_ISFIFO(st.st_mode))
        return "a pipe";
    return "not a regular file";
}

static void
gb__fail(GbDiag *diag, const char *dir, const char *rel, const char *fmt, ...) G_GNUC_PRINTF(4, 5);

static void
gb__fail(GbDiag *diag, const char *dir, const char *rel, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    char *path = rel != NULL && *rel ? g_build_filename(dir, rel, NULL) : g_strdup(dir);
    gb_diag_set(diag, path, 0, 0, "%s", msg);
    g_free(path);
    g_free(msg);
}

/* Opens folder name in parent without following a link, making it when absent
 * and create is set. Returns -1 with diag set (or silently when !create and
 * it is absent). */
static int
gb__open_folder(int parent, const char *name, gboolean create, const char *dir,
                const char *rel, GbDiag *diag)
{
    struct stat st;
    if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno != ENOENT || !create) {
            if (create)
                gb__fail(diag, dir, rel, "cannot open the folder: %s", g_strerror(errno));
            return -1;
        }
        if (mkdirat(parent, name, 0777) != 0 && errno != EEXIST) {
            gb__fail(diag, dir, rel, "cannot create the folder: %s", g_strerror(errno));
            return -1;
        }
    } else if (S_ISLNK(st.st_mode)) {
        if (create)
            gb__fail(diag, dir, rel, "is a symbolic link; gradebrief writes only into real "
                     "folders, never through a link");
        return -1;
    } else if (!S_ISDIR(st.st_mode)) {
        if (create)
            gb__fail(diag, dir, rel, "cannot create the folder: %s", g_strerror(ENOTDIR));
        return -1;
    }
    int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 && create)
        gb__fail(diag, dir, rel, errno == ELOOP ? "is a symbolic link; gradebrief writes only "
                 "into real folders, never through a link" : "cannot open the folder: %s",
                 g_strerror(errno));
    return fd;
}

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
    int fd = gb__open_folder(parent, slash ? slash + 1 : reldir, create, w->dir, reldir, diag);
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

/* TRUE for a temporary of ours: NAME.EXT.XXXXXX, EXT one we write. */
static gboolean
gb__is_temporary(const char *name)
{
    static const char *const exts[] = {".pdf", ".svg", ".png", ".csv", ".ini", ".html", ".docx"};
    gsize len = strlen(name);
    if (len < 8 || name[len - 7] != '.')
        return FALSE;
    for (gsize i = len - 6; i < len; i++)
        if (!g_ascii_isalnum(name[i]))
            return FALSE;
    for (gsize e = 0; e < G_N_ELEMENTS(exts); e++) {
        gsize el = strlen(exts[e]);
        if (len - 7 > el && strncmp(name + len - 7 - el, exts[e], el) == 0)
            return TRUE;
    }
    return FALSE;
}

/* Removes temporaries of ours in folder fd and (depth permitting) its real
 * subfolders: what a run killed before its commit left. */
static void
gb__remove_stale(int fd, int depth)
{
    int copy = dup(fd);
    DIR *d = copy >= 0 ? fdopendir(copy) : NULL;
    if (d == NULL) {
        if (copy >= 0)
            close(copy);
        return;
    }
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        struct stat st;
        if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
            continue;
        if (S_ISDIR(st.st_mode) && depth > 0) {
            int sub = openat(fd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub >= 0) {
                gb__remove_stale(sub, depth - 1);
                close(sub);
            }
        } else if (S_ISREG(st.st_mode) && gb__is_temporary(de->d_name)) {
            unlinkat(fd, de->d_name, 0);
        }
    }
    closedir(d);
}

/* Takes the folder's lock without waiting; GB_TEMPFAIL naming the holder.
 * The lock file is removed when the set is freed, so it is checked after
 * locking to be the one still in the folder: a run that opened it just before
 * its holder removed it would otherwise hold a lock nobody else sees. */
static GbStatus
gb__lock(GbWriteSet *w, GbDiag *diag)
{
    for (int tries = 0; tries < 100; tries++) {
        int fd = openat(w->root, GB_WRITE_LOCK_NAME, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
                        0666);
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
            gb__fail(diag, w->dir, NULL, "another gradebrief run%s is writing this folder; run "
                     "again when it has finished", who);
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

/* Reads the manifest through the root folder, never through a link. */
static void
gb__load_manifest(GbWriteSet *w)
{
    char *text = NULL;
    gsize len = 0;
    int fd = openat(w->root, GB__MANIFEST, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        GString *s = g_string_sized_new((gsize)st.st_size + 1);
        char buf[65536];
        ssize_t n;
        while ((n = read(fd, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
            if (n > 0)
                g_string_append_len(s, buf, n);
        len = s->len;
        text = g_string_free(s, FALSE);
    } else if (fd >= 0 || errno == ELOOP) {
        text = g_strdup(""); /* there, but not a file: unreadable */
    }
    if (fd >= 0)
        close(fd);
    w->manifest = gb_manifest_parse(text, len, &w->corrupt);
    g_free(text);
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
    struct stat st;
    if (lstat(dir, &st) == 0 && S_ISLNK(st.st_mode)) {
        gb_diag_set(diag, dir, 0, 0, "is a symbolic link; gradebrief writes only into real "
                    "folders, never through a link");
        return GB_CANTCREAT;
    }
    if (g_mkdir_with_parents(dir, 0777) != 0) {
        gb_diag_set(diag, dir, 0, 0, "cannot create the folder: %s", g_strerror(errno));
        return GB_CANTCREAT;
    }
    int root = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (root < 0) {
        gb_diag_set(diag, dir, 0, 0, errno == ELOOP ? "is a symbolic link; gradebrief writes "
                    "only into real folders, never through a link" : "cannot open the folder: %s",
                    g_strerror(errno));
        return GB_CANTCREAT;
    }
    GbWriteSet *w = g_new0(GbWriteSet, 1);
    w->dir = g_strdup(dir);
    w->root = root;
    w->lock = -1;
    w->flags = flags;
    g_mutex_init(&w->mu);
    w->dirs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_hash_table_insert(w->dirs, g_strdup(""), GINT_TO_POINTER(root + 1));
    w->entries = g_ptr_array_new_with_free_func(gb__entry_free);
    w->names = g_hash_table_new(g_str_hash, g_str_equal);
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
        if (e->tmp != NULL)
            unlinkat(e->dirfd, e->tmp, 0);
    }
    g_ptr_array_unref(w->entries);
    g_hash_table_destroy(w->names);
    GHashTableIter it;
    gpointer key, value;
    g_hash_table_iter_init(&it, w->dirs);
    while (g_hash_table_iter_next(&it, &key, &value))
        if (GPOINTER_TO_INT(value) - 1 != w->root)
            close(GPOINTER_TO_INT(value) - 1);
    g_hash_table_destroy(w->dirs);
    if (w->lock >= 0) {
        /* Removed while still held, so no other run can hold it meanwhile. */
        unlinkat(w->root, GB_WRITE_LOCK_NAME, 0);
        close(w->lock); /* releases the flock */
    }
    close(w->root);
    gb_manifest_free(w->manifest);
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
    gboolean known = gb_manifest_get(w->manifest, relpath, &e) &&
                     strcmp(e.input, input) == 0 && e.output[0] != '\0';
    const char *base;
    char *reldir = gb__split(relpath, &base);
    int dirfd = known ? gb__folder(w, reldir, FALSE, NULL) : -1;
    g_mutex_unlock(&w->mu);
    g_free(reldir);
    char hex[65];
    guint64 size;
    return dirfd >= 0 && gb__file_digest(dirfd, base, hex, &size) && size == e.size &&
           strcmp(hex, e.output) == 0;
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
    if (w->failed == GB_OK) {
        w->failed = status;
        gb_diag_set(&w->fail_diag, diag->path, diag->line, diag->column, "%s", diag->message);
    }
    g_mutex_unlock(&w->mu);
    return status;
}

GbStatus
gb_write_add(GbWriteSet *w, const char *relpath, const guint8 *data, gsize len,
             const char *input, int pages, GbDiag *diag)
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
    char *hex = g_compute_checksum_for_data(G_CHECKSUM_SHA256, data, len);
    g_strlcpy(e->e.output, hex, sizeof e->e.output);
    g_free(hex);
    e->e.size = len;
    e->e.pages = pages;
    gboolean keep = (w->flags & GB_WRITE_KEEP_SAME) && !(w->flags & GB_WRITE_FORCE) &&
                    gb__same_bytes(dirfd, base, data, len);
    if (!keep && (e->tmp = gb__tmp_write(dirfd, base, data, len)) == NULL) {
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

GbStatus
gb_write_commit(GbWriteSet *w, GbDiag *diag)
{
    if (w->failed != GB_OK) {
        gb_diag_set(diag, w->fail_diag.path, 0, 0, "%s", w->fail_diag.message);
        return w->failed;
    }
    g_ptr_array_sort(w->entries, gb__entry_cmp);
    GbStatus status = GB_OK;
    for (guint i = 0; i < w->entries->len; i++) {
        GbWriteEntry *e = g_ptr_array_index(w->entries, i);
        if (e->tmp == NULL) {
            e->done = TRUE;
            w->unchanged++;
            continue;
        }
        if (status != GB_OK)
            continue;
        if (gb__rename(e->dirfd, e->tmp, e->base) != 0) {
            gb__fail(diag, w->dir, e->rel, "cannot replace: %s", g_strerror(errno));
            status = GB_CANTCREAT;
            continue;
        }
        g_free(e->tmp);
        e->tmp = NULL;
        e->done = TRUE;
        w->written++;
    }
    gb__sync_folders(w);
    /* The manifest last, recording what is now in place (after a failed
     * rename too, so that it tells which files are new). */
    for (guint i = 0; i < w->entries->len; i++) {
        GbWriteEntry *e = g_ptr_array_index(w->entries, i);
        if (e->done)
            gb_manifest_set(w->manifest, e->rel, &e->e);
    }
    gsize len;
    char *text = gb_manifest_to_data(w->manifest, &len);
    char *tmp = NULL;
    const char *odd = gb__unusable_place(w->root, GB__MANIFEST);
    if (odd != NULL) {
        if (status == GB_OK)
            gb__fail(diag, w->dir, GB__MANIFEST, "is %s, not a regular file; gradebrief will "
                     "not replace it", odd);
        status = GB_CANTCREAT;
    } else if ((tmp = gb__tmp_write(w->root, GB__MANIFEST, (const guint8 *)text, len)) == NULL ||
               gb__rename(w->root, tmp, GB__MANIFEST) != 0) {
        if (status == GB_OK)
            gb__fail(diag, w->dir, GB__MANIFEST, "cannot write: %s", g_strerror(errno));
        status = GB_CANTCREAT;
        if (tmp != NULL)
            unlinkat(w->root, tmp, 0);
    } else {
        fsync(w->root);
    }
    g_free(tmp);
    g_free(text);
    w->committed = TRUE;
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

/* Writes all of data to standard output. */
static GbStatus
gb__write_stdout(const guint8 *data, gsize len, GbDiag *diag)
{
    if (!gb__write_all(STDOUT_FILENO, data, len)) {
        gb_diag_set(diag, "standard output", 0, 0, "cannot write: %s", g_strerror(errno));
        return GB_CANTCREAT;
    }
    return GB_OK;
}

GbStatus
gb_write_file(const char *path, const guint8 *data, gsize len, GbDiag *diag)
{
    if (path == NULL || *path == '\0') {
        gb_diag_set(diag, NULL, 0, 0, "-o: the output file name is empty");
        return GB_USAGE;
    }
    if (strcmp(path, "-") == 0)
        return gb__write_stdout(data, len, diag);
    char *parent = g_path_get_dirname(path);
    char *base = g_path_get_basename(path);
    GbStatus status = GB_CANTCREAT;
    int dirfd = -1;
    char *tmp = NULL;
    struct stat st;
    if (g_mkdir_with_parents(parent, 0777) != 0) {
        gb_diag_set(diag, parent, 0, 0, "cannot create the folder: %s", g_strerror(errno));
        goto out;
    }
    if ((dirfd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
        gb_diag_set(diag, parent, 0, 0, "cannot open the folder: %s", g_strerror(errno));
        goto out;
    }
    if (fstatat(dirfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISREG(st.st_mode)) {
        if (S_ISLNK(st.st_mode))
            gb_diag_set(diag, path, 0, 0, "is a symbolic link; gradebrief will not write through "
                        "it or replace it (-o - writes to standard output)");
        else
            gb_diag_set(diag, path, 0, 0, "is %s, not a regular file; gradebrief will not "
                        "replace it (-o - writes to standard output)",
                        gb__unusable_place(dirfd, base));
        goto out;
    }
    if ((tmp = gb__tmp_write(dirfd, base, data, len)) == NULL) {
        gb_diag_set(diag, path, 0, 0, "cannot write: %s", g_strerror(errno));
        goto out;
    }
    if (gb__rename(dirfd, tmp, base) != 0) {
        gb_diag_set(diag, path, 0, 0, "cannot replace: %s", g_strerror(errno));
        unlinkat(dirfd, tmp, 0);
        goto out;
    }
    fsync(dirfd);
    status = GB_OK;
out:
    if (dirfd >= 0)
        close(dirfd);
    g_free(tmp);
    g_free(base);
    g_free(parent);
    return status;
}
