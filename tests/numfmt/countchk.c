/* countchk.c - an LD_PRELOAD shim for test_numfmt: counts the calls of
 * glibc's __vsnprintf_chk made from the object that defines the winning
 * __snprintf_chk (the executable, whose cli/numfmt.c falls back to it), not
 * GLib's g_snprintf and the like, and appends the count to the file
 * GB_COUNTCHK_FILE names at exit. So a test can see that the fast path took
 * cairo's numbers (few calls) and that GB_NUMFMT=glibc sent them all to glibc
 * (many). Calls pass through. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

int __vsnprintf_chk(char *s, size_t maxlen, int flag, size_t slen, const char *fmt, va_list ap);

static long gb__calls;

int
__vsnprintf_chk(char *s, size_t maxlen, int flag, size_t slen, const char *fmt, va_list ap)
{
    static int (*next)(char *, size_t, int, size_t, const char *, va_list);
    if (next == NULL)
        next = (int (*)(char *, size_t, int, size_t, const char *, va_list))dlsym(
            RTLD_NEXT, "__vsnprintf_chk");
    static void *interposer;
    if (interposer == NULL) {
        Dl_info di;
        if (dladdr(dlsym(RTLD_DEFAULT, "__snprintf_chk"), &di) != 0)
            interposer = di.dli_fbase;
    }
    Dl_info caller;
    if (dladdr(__builtin_return_address(0), &caller) != 0 && caller.dli_fbase == interposer)
        __atomic_add_fetch(&gb__calls, 1, __ATOMIC_RELAXED);
    return next(s, maxlen, flag, slen, fmt, ap);
}

__attribute__((destructor)) static void
gb__countchk_report(void)
{
    const char *path = getenv("GB_COUNTCHK_FILE");
    FILE *f = path != NULL ? fopen(path, "a") : NULL;
    if (f == NULL)
        return;
    fprintf(f, "%ld\n", __atomic_load_n(&gb__calls, __ATOMIC_RELAXED));
    fclose(f);
}
