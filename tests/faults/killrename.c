/* killrename.c - an LD_PRELOAD shim for test_write: the process kills itself
 * with SIGKILL at its N-th renameat(2) (GB_KILL_AT_RENAME=N), before that
 * rename happens: a crash in the middle of a write set's renames, exactly
 * where the test wants it. Other calls pass through. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

int renameat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath);

int
renameat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath)
{
    static int (*next)(int, const char *, int, const char *);
    static int calls;
    if (next == NULL)
        next = (int (*)(int, const char *, int, const char *))dlsym(RTLD_NEXT, "renameat");
    const char *at = getenv("GB_KILL_AT_RENAME");
    if (at != NULL && ++calls == atoi(at))
        raise(SIGKILL);
    return next(olddirfd, oldpath, newdirfd, newpath);
}
