/* writeio.c - the write stage's file operations (see write-private.h): writes,
 * flushes and renames (with the fault hook the tests use), temporaries, folders
 * opened without following links, stale temporaries, and single files. */
#define _GNU_SOURCE /* sync_file_range */
#include "output/write-private.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

gboolean
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

int
gb__fsync(int fd)
{
    if (gb__injected(GB__OP_FSYNC))
        return -1;
    return fsync(fd);
}

int
gb__rename(int dirfd, const char *from, const char *to)
{
    if (gb__injected(GB__OP_RENAME))
        return -1;
    return renameat(dirfd, from, dirfd, to);
}

/* Makes a new temporary "base.XXXXXX" in dirfd (the shape g_file_set_contents
 * used, so its leftovers are recognised too); returns its fd and name. */
int
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

int
gb__tmp_begin(int dirfd, const char *base, const guint8 *data, gsize len, char **name)
{
    int fd = gb__tmp_open(dirfd, base, name);
    if (fd < 0)
        return -1;
    if (!gb__write_all(fd, data, len)) {
        int saved = errno;
        close(fd);
        unlinkat(dirfd, *name, 0);
        g_clear_pointer(name, g_free);
        errno = saved;
        return -1;
    }
#ifdef SYNC_FILE_RANGE_WRITE
    sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE); /* a hint, as below */
#endif
    return fd;
}

char *
gb__tmp_end(int dirfd, int fd, char *name, const guint8 *data, gsize len, gboolean flush,
            GbFileStat *st)
{
    gboolean ok = gb__write_all(fd, data, len) && (!flush || gb__fsync(fd) == 0);
    int saved = errno;
    struct stat sb;
    if (st != NULL) {
        /* Its times are set by the writes; a rename keeps them and the inode. */
        if (ok && fstat(fd, &sb) == 0)
            gb__file_stat(&sb, st);
        else
            memset(st, 0, sizeof *st);
    }
#ifdef SYNC_FILE_RANGE_WRITE
    /* Start writing it out now, while the next file is made, so that the
     * fsync at commit mostly finds it done. Only a hint: errors show at the
     * fsync. */
    if (ok && !flush)
        sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
#endif
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

/* Writes data to a new temporary beside base in dirfd; returns its name, or
 * NULL with errno set (and no temporary left). With flush, it is on disk when
 * this returns; otherwise its write-out is only started, for gb__tmp_flush at
 * commit. */
char *
gb__tmp_write(int dirfd, const char *base, const guint8 *data, gsize len, gboolean flush,
              GbFileStat *st)
{
    char *name = NULL;
    int fd = gb__tmp_open(dirfd, base, &name);
    return fd >= 0 ? gb__tmp_end(dirfd, fd, name, data, len, flush, st) : NULL;
}

/* Flushes temporary name in dirfd, written unflushed by gb__tmp_write as the
 * file st describes. fsync flushes the file, not the descriptor, so one
 * opened again for it is enough; a temporary that is no longer that file
 * (same device and inode) is an error (ESTALE), never flushed in its place. */
gboolean
gb__tmp_flush(int dirfd, const char *name, const GbFileStat *st)
{
    int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return FALSE;
    struct stat sb;
    gboolean ok = fstat(fd, &sb) == 0;
    if (ok && ((guint64)sb.st_dev != st->dev || (guint64)sb.st_ino != st->ino)) {
        ok = FALSE;
        errno = ESTALE;
    }
    ok = ok && gb__fsync(fd) == 0;
    int saved = errno;
    if (close(fd) != 0 && ok)
        ok = FALSE, saved = errno;
    errno = saved;
    return ok;
}

static void
gb__sha256_finish(struct sha256_ctx *ctx, char hex[65])
{
    static const char digits[] = "0123456789abcdef";
    guint8 d[SHA256_DIGEST_SIZE];
    sha256_digest(ctx, sizeof d, d);
    for (gsize i = 0; i < sizeof d; i++) {
        hex[2 * i] = digits[d[i] >> 4];
        hex[2 * i + 1] = digits[d[i] & 15];
    }
    hex[64] = '\0';
}

void
gb__sha256_hex(const guint8 *data, gsize len, char hex[65])
{
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    sha256_update(&ctx, len, data);
    gb__sha256_finish(&ctx, hex);
}

GbWriteHash *
gb_write_hash_new(void)
{
    GbWriteHash *h = g_new0(GbWriteHash, 1);
    sha256_init(&h->ctx);
    h->fd = -1;
    return h;
}

void
gb_write_hash_update(GbWriteHash *h, const guint8 *data, gsize len)
{
    sha256_update(&h->ctx, len, data);
    h->len += len;
}

gsize
gb_write_hash_len(const GbWriteHash *h)
{
    return h->len;
}

void
gb_write_hash_free(GbWriteHash *h)
{
    if (h == NULL)
        return;
    if (h->fd >= 0) { /* a temporary no add took: removed */
        close(h->fd);
        unlinkat(h->dirfd, h->tmp, 0);
    }
    g_free(h->tmp);
    g_free(h->rel);
    g_free(h->buf);
    g_free(h);
}

/* cairo writes its PDF a few bytes at a time: written a block at a time. */
#define GB__HASH_BUFFER (64 * 1024)

/* Writes what gb_write_hash_append has buffered. */
static gboolean
gb__hash_drain(GbWriteHash *h)
{
    if (h->err == 0 && h->buffered > 0) {
        if (gb__write_all(h->fd, h->buf, h->buffered))
            h->written += h->buffered;
        else
            h->err = errno != 0 ? errno : EIO;
    }
    h->buffered = 0;
    errno = h->err;
    return h->err == 0;
}

gboolean
gb_write_hash_append(GbWriteHash *h, const guint8 *data, gsize len)
{
    if (h->fd < 0 || h->err != 0) {
        errno = h->fd < 0 ? EBADF : h->err;
        return FALSE;
    }
    if (h->buffered + len > GB__HASH_BUFFER && !gb__hash_drain(h))
        return FALSE;
    if (len >= GB__HASH_BUFFER) { /* a block of its own */
        if (!gb__write_all(h->fd, data, len)) {
            h->err = errno != 0 ? errno : EIO;
            return FALSE;
        }
        h->written += len;
        return TRUE;
    }
    if (h->buf == NULL)
        h->buf = g_malloc(GB__HASH_BUFFER);
    memcpy(h->buf + h->buffered, data, len);
    h->buffered += len;
    return TRUE;
}

GBytes *
gb_write_hash_map(GbWriteHash *h)
{
    if (h->fd < 0 || !gb__hash_drain(h))
        return NULL;
    g_clear_pointer(&h->buf, g_free);
    /* The temporary is open for writing only: mapped through a second,
     * read-only descriptor of the same file (ours, in the locked folder). */
    GBytes *b = gb__map_file(h->dirfd, h->tmp);
    if (b == NULL || g_bytes_get_size(b) != h->written) {
        h->err = b != NULL || errno == 0 ? EIO : errno;
        if (b != NULL)
            g_bytes_unref(b);
        errno = h->err;
        return NULL;
    }
    return b;
}

GBytes *
gb__map_file(int dirfd, const char *name)
{
    int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    GMappedFile *m = g_mapped_file_new_from_fd(fd, FALSE, NULL);
    int saved = errno;
    close(fd);
    if (m == NULL) {
        errno = saved != 0 ? saved : EIO;
        return NULL;
    }
    GBytes *b = g_mapped_file_get_bytes(m); /* an empty file: no mapping, no bytes */
    g_mapped_file_unref(m);
    return b;
}

void
gb__write_hash_finish(GbWriteHash *h, const guint8 *data, gsize len, char hex[65])
{
    g_assert(len >= h->len);
    sha256_update(&h->ctx, len - h->len, data + h->len);
    gb__sha256_finish(&h->ctx, hex);
}

void
gb__file_stat(const struct stat *sb, GbFileStat *st)
{
    st->size = (guint64)sb->st_size;
    st->dev = (guint64)sb->st_dev;
    st->ino = (guint64)sb->st_ino;
    st->mtime_ns = (gint64)sb->st_mtim.tv_sec * G_GINT64_CONSTANT(1000000000) + sb->st_mtim.tv_nsec;
    st->ctime_ns = (gint64)sb->st_ctim.tv_sec * G_GINT64_CONSTANT(1000000000) + sb->st_ctim.tv_nsec;
}

gboolean
gb__stat_equal(const GbFileStat *a, const GbFileStat *b)
{
    return a->ino != 0 && a->size == b->size && a->dev == b->dev && a->ino == b->ino &&
           a->mtime_ns == b->mtime_ns && a->ctime_ns == b->ctime_ns;
}

gboolean
gb__stat_at(int dirfd, const char *name, GbFileStat *st)
{
    struct stat sb;
    if (fstatat(dirfd, name, &sb, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(sb.st_mode))
        return FALSE;
    gb__file_stat(&sb, st);
    return TRUE;
}

/* Opens regular file name in dirfd for reading, never through a link, with
 * its stat in *st; -1 when it is not one. */
static int
gb__open_regular(int dirfd, const char *name, GbFileStat *st)
{
    int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    struct stat sb;
    if (fd >= 0 && (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))) {
        close(fd);
        return -1;
    }
    if (fd >= 0)
        gb__file_stat(&sb, st);
    return fd;
}

/* Marks *before as unusable when fd's file changed since it was taken. */
static void
gb__still(int fd, GbFileStat *before)
{
    struct stat sb;
    GbFileStat now;
    if (fstat(fd, &sb) != 0) {
        before->ino = 0;
        return;
    }
    gb__file_stat(&sb, &now);
    if (!gb__stat_equal(before, &now))
        before->ino = 0;
}

/* TRUE when name in dirfd is a regular file of exactly these bytes. */
gboolean
gb__same_bytes(int dirfd, const char *name, const guint8 *data, gsize len, GbFileStat *st_out)
{
    GbFileStat st;
    int fd = gb__open_regular(dirfd, name, &st);
    if (fd < 0)
        return FALSE;
    if (st.size != len) {
        close(fd);
        return FALSE;
    }
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
    if (same && st_out != NULL) {
        gb__still(fd, &st);
        *st_out = st;
    }
    close(fd);
    return same;
}

/* The SHA-256 and size of name in dirfd when it is a regular file. */
gboolean
gb__file_digest(int dirfd, const char *name, char hex[65], guint64 *size, GbFileStat *st_out)
{
    GbFileStat st;
    int fd = gb__open_regular(dirfd, name, &st);
    if (fd < 0)
        return FALSE;
    struct sha256_ctx h;
    sha256_init(&h);
    guint8 buf[65536];
    guint64 total = 0;
    ssize_t n;
    for (;;) {
        n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        sha256_update(&h, (size_t)n, buf);
        total += (guint64)n;
    }
    if (st_out != NULL) {
        gb__still(fd, &st);
        *st_out = st;
    }
    close(fd);
    if (n == 0)
        gb__sha256_finish(&h, hex);
    *size = total;
    return n == 0;
}

/* What is at name in dirfd, in words, when gradebrief must not replace it;
 * NULL when it is absent, a regular file, or a link (a link in a file's place
 * is replaced by the file, never written through). */
const char *
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

void
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
int
gb__open_folder(int parent, const char *name, gboolean create, const char *dir, const char *rel,
                gboolean *made, GbDiag *diag)
{
    struct stat st;
    *made = FALSE;
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
        *made = TRUE;
    } else if (S_ISLNK(st.st_mode)) {
        if (create)
            gb__fail(diag, dir, rel,
                     "is a symbolic link; gradebrief writes only into real "
                     "folders, never through a link");
        return -1;
    } else if (!S_ISDIR(st.st_mode)) {
        if (create)
            gb__fail(diag, dir, rel, "cannot create the folder: %s", g_strerror(ENOTDIR));
        return -1;
    }
    int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 && create)
        gb__fail(diag, dir, rel,
                 errno == ELOOP ? "is a symbolic link; gradebrief writes only "
                                  "into real folders, never through a link"
                                : "cannot open the folder: %s",
                 g_strerror(errno));
    return fd;
}

/* TRUE for a temporary of ours: NAME.EXT.XXXXXX, EXT one we write. */
gboolean
gb__is_temporary(const char *name)
{
    static const char *const exts[] = {".pdf", ".svg",  ".png",  ".csv",
                                       ".ini", ".html", ".docx", ".stat"};
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
void
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
            gb_diag_set(diag, path, 0, 0,
                        "is a symbolic link; gradebrief will not write through "
                        "it or replace it (-o - writes to standard output)");
        else
            gb_diag_set(diag, path, 0, 0,
                        "is %s, not a regular file; gradebrief will not "
                        "replace it (-o - writes to standard output)",
                        gb__unusable_place(dirfd, base));
        goto out;
    }
    if ((tmp = gb__tmp_write(dirfd, base, data, len, TRUE, NULL)) == NULL) {
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
