/* test_numfmt.c - cli/numfmt.c (the executable's exact fast path for the
 * numbers cairo prints) against glibc's own vsnprintf, reached explicitly in
 * libc.so.6: every format it takes, at the edges and over millions of seeded
 * random values, with a check that the fast path (not the fallback) made
 * them; then the real binary: its __snprintf_chk is what cairo binds to, and
 * its outputs are byte-identical with the fast path and with glibc alone. */
#define _GNU_SOURCE
#include "cli/numfmt.h"
#include "writeutil.h"

#include <dlfcn.h>
#include <fenv.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>

typedef int (*GbVsnprintf)(char *, size_t, const char *, va_list);

/* glibc's vsnprintf, looked up in libc.so.6 itself by its version. */
static GbVsnprintf
glibc_vsnprintf(void)
{
    static GbVsnprintf fn;
    if (fn == NULL) {
        void *libc = dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD);
        ck_assert_ptr_nonnull(libc);
        fn = (GbVsnprintf)dlvsym(libc, "vsnprintf", "GLIBC_2.2.5");
        ck_assert_ptr_nonnull(fn);
    }
    return fn;
}

/* Formats with the fast path and with glibc; fails unless both give the same
 * bytes and return value, or unless the fast path took it when want_fast is 1
 * (declined it when 0; -1: either). Returns 1 when the fast path took it. */
static int
check(int want_fast, const char *fmt, ...)
{
    char mine[128], theirs[128];
    va_list ap, a1, a2;
    va_start(ap, fmt);
    va_copy(a1, ap);
    va_copy(a2, ap);
    int r1 = gb_numfmt_try(mine, sizeof mine, fmt, a1);
    int fast = r1 != GB_NUMFMT_DECLINED;
    if (!fast) {
        va_end(a1);
        va_copy(a1, ap);
        r1 = gb_numfmt_vsnprintf(mine, sizeof mine, fmt, a1);
    }
    int r2 = glibc_vsnprintf()(theirs, sizeof theirs, fmt, a2);
    va_end(a1);
    va_end(a2);
    va_end(ap);
    if (r1 != r2 || strcmp(mine, theirs) != 0)
        ck_abort_msg("%s: fast path \"%s\" (%d), glibc \"%s\" (%d)", fmt, mine, r1, theirs, r2);
    if (want_fast >= 0 && fast != want_fast)
        ck_abort_msg("%s: fast path %s \"%s\"", fmt, fast ? "took" : "declined", theirs);
    return fast;
}

/* Every float format on d: %f, %.Nf and %.*f for N in 0-18. */
static int
check_double(int want_fast, double d)
{
    static char fmts[19][8];
    int fast = check(want_fast, "%f", d);
    for (int p = 0; p <= 18; p++) {
        if (fmts[p][0] == '\0')
            snprintf(fmts[p], sizeof fmts[p], "%%.%df", p);
        fast &= check(want_fast, fmts[p], d);
        fast &= check(want_fast, "%.*f", p, d);
    }
    return fast;
}

static const struct {
    const char *name;
    double d;
    int fast; /* 1: the fast path must take it at every precision */
} doubles[] = {
    {"zero", 0.0, 1},
    {"negative zero", -0.0, 1},
    {"smallest denormal", 4.9406564584124654e-324, 1},
    {"largest denormal", 2.2250738585072009e-308, 1},
    {"smallest normal", DBL_MIN, 1},
    {"0.1", 0.1, 1},
    {"below 0.1", 0.09999999999999999, 1},
    {"above 0.1", 0.10000000000000002, 1},
    {"0.05", 0.05, 1},
    {"1e-7 (rounds to zero)", 1e-7, 1},
    {"5e-7 (half a unit of %f, not a tie)", 5e-7, 1},
    {"4.9999999e-7", 4.9999999e-7, 1},
    {"0.5 (tie at precision 0)", 0.5, 1},
    {"1.5", 1.5, 1},
    {"2.5", 2.5, 1},
    {"0.125", 0.125, 1},
    {"0.375", 0.375, 1},
    {"9.9999995", 9.9999995, 1},
    {"0.9999995", 0.9999995, 1},
    {"999999.9999995", 999999.9999995, 1},
    {"1/3", 1.0 / 3.0, 1},
    {"2/3", 2.0 / 3.0, 1},
    {"pi", 3.14159265358979323846, 1},
    {"595.2756 (A4)", 595.2756, 1},
    {"841.8898", 841.8898, 1},
    {"1e15", 1e15, 1},
    {"2^52 + 0.5", 4503599627370496.5, 1},
    {"2^53 - 1", 9007199254740991.0, 1},
    {"2^53", 9007199254740992.0, 1},
    {"2^53 + 2", 9007199254740994.0, 1},
    {"1e18", 1e18, 1},
    {"2^63", 9223372036854775808.0, 1},
    {"largest below 2^64", 18446744073709549568.0, 1},
    {"2^64 (falls back)", 18446744073709551616.0, 0},
    {"1e20 (falls back)", 1e20, 0},
    {"1e300 (falls back)", 1e300, 0},
    {"largest double (falls back)", DBL_MAX, 0},
    {"infinity (falls back)", INFINITY, 0},
    {"NaN (falls back)", NAN, 0},
};

START_TEST(test_double_edges)
{
    check_double(doubles[_i].fast, doubles[_i].d);
    check_double(doubles[_i].fast, -doubles[_i].d);
    if (isfinite(doubles[_i].d) && doubles[_i].d != 0) {
        check_double(doubles[_i].fast ? 1 : -1, nextafter(doubles[_i].d, 0));
        check_double(doubles[_i].fast ? -1 : 0, nextafter(doubles[_i].d, INFINITY));
        check_double(doubles[_i].fast ? 1 : -1, -nextafter(doubles[_i].d, 0));
    }
}
END_TEST

/* Exact ties at precision p are the odd multiples of 2^-(p+1): each, its
 * neighbours, and the same with integer parts, at p and at every other
 * precision. */
START_TEST(test_ties)
{
    int p = _i;
    char fmt[8];
    snprintf(fmt, sizeof fmt, "%%.%df", p);
    for (int j = 0; j < 2000; j++) {
        double frac = ldexp(2.0 * j + 1, -(p + 1));
        if (frac >= 1)
            break;
        static const double ints[] = {0, 1, 2, 7, 10, 99, 12345, 1048575, 4294967296.0};
        for (size_t i = 0; i < G_N_ELEMENTS(ints); i++) {
            double d = ints[i] + frac;
            if (d - ints[i] != frac)
                continue; /* not representable: not a tie */
            for (int s = 0; s < 2; s++) {
                double v = s ? -d : d;
                check(1, fmt, v);
                check(1, "%.*f", p, v);
                check(1, fmt, nextafter(v, 0));
                check(1, fmt, nextafter(v, 2 * v));
            }
        }
    }
    /* Ties of large integer parts at precision 0: 2^52 + 0.5 and its kin. */
    for (int j = 0; j < 64; j++) {
        double d = 4503599627370496.0 + j + 0.5;
        check(1, "%.0f", d);
        check(1, "%.*f", p, d);
    }
}
END_TEST

/* A seeded xorshift64*: the same values every run. */
static uint64_t
next_u64(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ull;
}

static double
u64_to_double(uint64_t u)
{
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

/* Random doubles of four kinds, 500,000 each: any bit pattern, any exponent a
 * cairo number can have, coordinates with a few decimals, and small numbers
 * printed as cairo's _cairo_dtostr does (%.18f, then %.*f). */
START_TEST(test_random_doubles)
{
    uint64_t seed = 0x9e3779b97f4a7c15ull * (uint64_t)(_i + 1);
    int n = 500000, taken = 0, in_range = 0;
    for (int k = 0; k < n; k++) {
        uint64_t u = next_u64(&seed);
        int p = (int)(next_u64(&seed) % 19);
        double d;
        switch (_i) {
        case 0:
            d = u64_to_double(u);
            in_range += isfinite(d) && fabs(d) < 0x1p64;
            break;
        case 1:
            d = ldexp((double)(u >> 11) / 0x1p53, (int)(next_u64(&seed) % 194) - 130);
            in_range++;
            break;
        case 2:
            d = (double)(int64_t)(u % 4000000) / 1000.0 - 2000.0 + (double)(u >> 40) * 1e-13;
            in_range++;
            break;
        default:
            d = ldexp((double)(u >> 11) / 0x1p53, -(int)(next_u64(&seed) % 40) - 4);
            in_range++;
            break;
        }
        if (u & 1)
            d = -d;
        taken += check(-1, "%.*f", p, d);
        if (_i == 2)
            taken += check(-1, "%f", d) - 1;
        if (_i == 3)
            taken += check(-1, "%.18f", d) - 1;
    }
    ck_assert_int_eq(taken, in_range);
}
END_TEST

static const char *const int_formats[] = {"%d",   "%u",   "%x",  "%X",   "%o",    "%02x",
                                          "%04x", "%03o", "%5d", "%05d", "%032d", "%8x"};
static const char *const long_formats[] = {"%ld", "%lu", "%lx", "%lX", "%lo", "%010ld", "%020lu"};

static const struct {
    const char *name;
    long v;
} ints[] = {
    {"0", 0},
    {"1", 1},
    {"-1", -1},
    {"9", 9},
    {"10", 10},
    {"255", 255},
    {"4096", 4096},
    {"-12345", -12345},
    {"INT_MAX", INT_MAX},
    {"INT_MIN", INT_MIN},
    {"UINT_MAX", (long)UINT_MAX},
    {"LONG_MAX", LONG_MAX},
    {"LONG_MIN", LONG_MIN},
    {"1e10", 10000000000l},
};

START_TEST(test_int_edges)
{
    for (size_t f = 0; f < G_N_ELEMENTS(int_formats); f++)
        check(1, int_formats[f], (int)ints[_i].v);
    for (size_t f = 0; f < G_N_ELEMENTS(long_formats); f++)
        check(1, long_formats[f], ints[_i].v);
}
END_TEST

START_TEST(test_random_ints)
{
    uint64_t seed = 12345;
    for (int k = 0; k < 1000000; k++) {
        uint64_t u = next_u64(&seed);
        int bits = (int)(next_u64(&seed) % 64) + 1;
        long v = (long)(bits == 64 ? u : u & ((1ull << bits) - 1));
        if (k & 1)
            v = -v;
        check(1, int_formats[k % G_N_ELEMENTS(int_formats)], (int)v);
        check(1, long_formats[k % G_N_ELEMENTS(long_formats)], v);
    }
}
END_TEST

/* Formats the fast path must leave to glibc (which must then print them as
 * glibc does): all but the exact set of the head comment. */
START_TEST(test_declined)
{
    check(0, "CairoFont-%d-%d", 1, 2);
    check(0, "%0*x", 4, 255);
    check(0, "%%");
    check(0, "%5.3d", 7);
    check(0, "%+d", 7);
    check(0, "%-5d", 7);
    check(0, "% d", 7);
    check(0, "%#x", 255);
    check(0, "%lld", 7ll);
    check(0, "%i", 7);
    check(0, "%033d", 7);
    check(0, "%s", "text");
    check(0, "%c", 'c');
    check(0, "%.f", 1.5);
    check(0, "%.19f", 1.5);
    check(0, "%.*f", 19, 1.5);
    check(0, "%.*f", -1, 1.5);
    check(0, "%10f", 1.5);
    check(0, "%e", 1.5);
    check(0, "%g", 1.5);
    check(0, "%F", 1.5);
    check(0, "%Lf", 1.5L);
    check(0, "x%f", 1.5);
    check(0, "%f ", 1.5);
    char buf[8];
    va_list none;
    memset(&none, 0, sizeof none);
    ck_assert_int_eq(gb_numfmt_try(buf, sizeof buf, "%", none), GB_NUMFMT_DECLINED);
    ck_assert_int_eq(gb_numfmt_try(buf, sizeof buf, "", none), GB_NUMFMT_DECLINED);
}
END_TEST

/* In any other rounding mode glibc rounds differently: the fast path declines. */
START_TEST(test_rounding_modes)
{
    static const int modes[] = {FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO};
    for (size_t m = 0; m < G_N_ELEMENTS(modes); m++) {
        ck_assert_int_eq(fesetround(modes[m]), 0);
        check(0, "%f", 0.1234565);
        check(0, "%.*f", 3, -2.0005);
        check(0, "%.0f", 0.5);
        check(1, "%d", 5); /* no rounding in integers */
    }
    ck_assert_int_eq(fesetround(FE_TONEAREST), 0);
    check(1, "%f", 0.1234565);
}
END_TEST

static int
try_n(char *s, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = gb_numfmt_try(s, n, fmt, ap);
    va_end(ap);
    return r;
}

static int
glibc_n(char *s, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = glibc_vsnprintf()(s, n, fmt, ap);
    va_end(ap);
    return r;
}

/* Sizes as snprintf's: truncated to n - 1 bytes and terminated, nothing
 * written past n, the full length returned; n = 0 writes nothing. */
START_TEST(test_truncation)
{
    for (size_t n = 0; n <= 12; n++) {
        char mine[16], theirs[16];
        memset(mine, 'X', sizeof mine);
        memset(theirs, 'X', sizeof theirs);
        ck_assert_int_eq(try_n(mine, n, "%f", -123.456), 11);
        ck_assert_int_eq(glibc_n(theirs, n, "%f", -123.456), 11);
        ck_assert_mem_eq(mine, theirs, sizeof mine);
        memset(mine, 'X', sizeof mine);
        memset(theirs, 'X', sizeof theirs);
        ck_assert_int_eq(try_n(mine, n, "%010ld", -42l), 10);
        ck_assert_int_eq(glibc_n(theirs, n, "%010ld", -42l), 10);
        ck_assert_mem_eq(mine, theirs, sizeof mine);
    }
    ck_assert_int_eq(try_n(NULL, 0, "%d", 12345), 5);
    ck_assert_int_eq(try_n(NULL, 0, "%.18f", 0.01), 20);
}
END_TEST

#ifdef GB_NUMFMT_INTERPOSE
int __snprintf_chk(char *s, size_t maxlen, int flag, size_t slen, const char *fmt, ...);

/* This program's __snprintf_chk is numfmt.c's (as the executable's is), and it
 * prints as glibc's does, fast path or not. */
START_TEST(test_interposer)
{
    void *libc = dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD);
    ck_assert_ptr_nonnull(libc);
    void *ours = dlsym(RTLD_DEFAULT, "__snprintf_chk");
    ck_assert_ptr_eq(ours, (void *)__snprintf_chk);
    ck_assert_ptr_ne(ours, dlsym(libc, "__snprintf_chk"));

    char mine[64], theirs[64];
    ck_assert_int_eq(__snprintf_chk(mine, sizeof mine, 1, sizeof mine, "%f", -0.0000004), 9);
    glibc_n(theirs, sizeof theirs, "%f", -0.0000004);
    ck_assert_str_eq(mine, theirs);
    ck_assert_str_eq(mine, "-0.000000");
    __snprintf_chk(mine, sizeof mine, 1, sizeof mine, "%.*f", 3, 2.0625);
    ck_assert_str_eq(mine, "2.062");
    __snprintf_chk(mine, sizeof mine, 1, sizeof mine, "CairoFont-%d-%d", 3, 14);
    ck_assert_str_eq(mine, "CairoFont-3-14");
    __snprintf_chk(mine, 4, 1, sizeof mine, "%04x", 0xbeef1);
    ck_assert_str_eq(mine, "bee");
}
END_TEST

/* A destination smaller than maxlen is glibc's to reject (__chk_fail aborts). */
START_TEST(test_chk_fail)
{
    char buf[16];
    __snprintf_chk(buf, sizeof buf, 1, 8, "%f", 1.0);
}
END_TEST
#endif

#ifdef GB_NUMFMT_IN_BINARY
/* Runs the binary with argv and extra environment (NULL-terminated
 * "NAME=value" pairs); returns its exit status and its standard error. */
static int
run_env(const char *const *argv, const char *const *env, char **err)
{
    char **envp = g_get_environ();
    for (const char *const *e = env; *e != NULL; e++) {
        char **kv = g_strsplit(*e, "=", 2);
        envp = g_environ_setenv(envp, kv[0], kv[1], TRUE);
        g_strfreev(kv);
    }
    int wait;
    GError *error = NULL;
    ck_assert_msg(g_spawn_sync(NULL, (char **)argv, envp, 0, NULL, NULL, NULL, err, &wait, &error),
                  "spawn %s: %s", argv[0], error ? error->message : "");
    g_strfreev(envp);
    ck_assert_msg(WIFEXITED(wait), "%s: signal %d", argv[0], WTERMSIG(wait));
    return WEXITSTATUS(wait);
}

/* cairo's (and GLib's) __snprintf_chk bind to the executable's; libc binds
 * none of its own to it. */
START_TEST(test_binds)
{
    const char *argv[] = {GB_BINARY, "--version", NULL};
    const char *env[] = {"LD_BIND_NOW=1", "LD_DEBUG=bindings", NULL};
    char *err = NULL;
    ck_assert_int_eq(run_env(argv, env, &err), 0);
    char *cairo = NULL, *libc = NULL;
    char **lines = g_strsplit(err, "\n", -1);
    for (char **l = lines; *l != NULL; l++) {
        if (strstr(*l, "`__snprintf_chk'") == NULL)
            continue;
        if (strstr(*l, "/libcairo.so.2 [0] to " GB_BINARY " [0]:") != NULL)
            cairo = *l;
        if (strstr(*l, "/libc.so.6 [0] to ") != NULL)
            libc = *l;
    }
    ck_assert_msg(cairo != NULL, "no binding of cairo's __snprintf_chk to " GB_BINARY);
    ck_assert_msg(libc == NULL, "libc binds its own: %s", libc);
    g_strfreev(lines);
    g_free(err);
}
END_TEST

static long
read_count(const char *path)
{
    char *text = NULL;
    ck_assert_msg(g_file_get_contents(path, &text, NULL, NULL), "no count in %s", path);
    long n = atol(text);
    g_free(text);
    return n;
}

static const struct {
    const char *name;
    const char *args[10];
    long glibc_min; /* calls that reach glibc without the fast path, at least */
} runs[] = {
    {"build, all formats", {"build", "--force", "-q", NULL}, 100000},
    {"packs Kent, Torbay, North Northamptonshire",
     {"packs", "--force", "-q", "-a", "Kent", "-a", "Torbay", "-a", "North Northamptonshire", NULL},
     100000},
};

/* The outputs with the fast path and with glibc alone (GB_NUMFMT=glibc) are
 * the same bytes; a preloaded counter of glibc's __vsnprintf_chk shows that
 * the fast path printed the numbers in one run and glibc in the other. */
START_TEST(test_outputs_identical)
{
    char *dir = gb_test_tmpdir("numfmt");
    char *out[2], *count[2], *trees[2];
    long calls[2];
    for (int glibc = 0; glibc < 2; glibc++) {
        out[glibc] = g_strdup_printf("%s/%s", dir, glibc ? "glibc" : "fast");
        count[glibc] = g_strdup_printf("%s/%s.count", dir, glibc ? "glibc" : "fast");
        const char *argv[16] = {GB_BINARY};
        int n = 1;
        for (const char *const *a = runs[_i].args; *a != NULL; a++)
            argv[n++] = *a;
        argv[n++] = "-o";
        argv[n++] = out[glibc];
        argv[n] = NULL;
        char *preload = g_strdup_printf("LD_PRELOAD=%s", GB_COUNTCHK);
        char *file = g_strdup_printf("GB_COUNTCHK_FILE=%s", count[glibc]);
        const char *env[] = {preload, file, glibc ? "GB_NUMFMT=glibc" : "GB_NUMFMT=fast", NULL};
        char *err = NULL;
        ck_assert_msg(run_env(argv, env, &err) == 0, "%s: %s", runs[_i].name, err);
        g_free(err);
        g_free(preload);
        g_free(file);
        trees[glibc] = tree(out[glibc]);
        calls[glibc] = read_count(count[glibc]);
    }
    ck_assert_msg(strstr(trees[0], "file ") != NULL, "no files written");
    ck_assert_str_eq(trees[0], trees[1]);
    ck_assert_msg(calls[0] < 1000, "%s: %ld calls reached glibc with the fast path", runs[_i].name,
                  calls[0]);
    ck_assert_msg(calls[1] >= runs[_i].glibc_min, "%s: only %ld calls reached glibc without it",
                  runs[_i].name, calls[1]);
    for (int i = 0; i < 2; i++) {
        g_free(out[i]);
        g_free(count[i]);
        g_free(trees[i]);
    }
    g_free(dir);
}
END_TEST
#endif

static Suite *
numfmt_suite(void)
{
    Suite *s = suite_create("numfmt");
    TCase *tc = tcase_create("differential");
    tcase_set_timeout(tc, 300);
    tcase_add_loop_test(tc, test_double_edges, 0, G_N_ELEMENTS(doubles));
    tcase_add_loop_test(tc, test_ties, 0, 19);
    tcase_add_loop_test(tc, test_random_doubles, 0, 4);
    tcase_add_loop_test(tc, test_int_edges, 0, G_N_ELEMENTS(ints));
    tcase_add_test(tc, test_random_ints);
    tcase_add_test(tc, test_declined);
    tcase_add_test(tc, test_rounding_modes);
    tcase_add_test(tc, test_truncation);
#ifdef GB_NUMFMT_INTERPOSE
    tcase_add_test(tc, test_interposer);
    tcase_add_test_raise_signal(tc, test_chk_fail, SIGABRT);
#endif
    suite_add_tcase(s, tc);
#ifdef GB_NUMFMT_IN_BINARY
    TCase *te = tcase_create("end to end");
    tcase_set_timeout(te, 300);
    tcase_add_test(te, test_binds);
    tcase_add_loop_test(te, test_outputs_identical, 0, G_N_ELEMENTS(runs));
    suite_add_tcase(s, te);
#endif
    return s;
}

int
main(void)
{
    return gb_test_main(numfmt_suite());
}
