/* numfmt.c - an exact fast path for the numbers cairo 1.16 prints.
 *
 * Why: cairo writes every number of a PDF or SVG through
 * _cairo_output_stream_vprintf, which calls snprintf once per conversion
 * (_cairo_dtostr: "%f" when |d| >= 0.1, else "%.18f" then "%.*f"; "%.*f" with
 * 3 for limited precision; "%d", "%ld", "%010ld", "%04x"... for the rest).
 * Debian builds cairo with _FORTIFY_SOURCE, so the calls are glibc's
 * __snprintf_chk: about 1.5 k instructions a number, 208 M on the PDF's thread
 * and 191 M on the chart files' thread of one briefing (of 3.0 G). This file
 * gives the executable its own __snprintf_chk, which the dynamic linker binds
 * cairo's (and GLib's) references to before libc's; glibc's own calls go to
 * its internal aliases and never reach it.
 *
 * What: a format that is exactly one conversion of
 *   %f   %.Nf (N literal, 0-18)   %.*f (precision argument 0-18)
 *   %[0][W][l]d|u|x|X|o (W at most 32)
 * in the "C" decimal point ('.', nl_langinfo(RADIXCHAR) of the calling
 * thread's locale) and the default rounding mode (FE_TONEAREST), with a finite
 * double below 2^64 in magnitude. Anything else (other formats, NaN, inf,
 * |d| >= 2^64, another decimal point or rounding mode, slen < maxlen, which
 * glibc turns into __chk_fail) goes to glibc's __vsnprintf_chk unchanged.
 * It is linked into the executable only, and not under the sanitizer and fuzz
 * presets, whose printf interceptors it would bypass (CMakeLists.txt).
 *
 * How it is exact: a finite double is m * 2^e (m < 2^53). For e >= 0 and
 * |d| < 2^64 it is the integer m << e, with no fraction. For e = -k < 0 the
 * integer part is m >> k and the fraction f / 2^k (f < 2^k, f < 2^53); its
 * first P decimals are q = floor(f * 10^P / 2^k) and the rest r = f * 10^P mod
 * 2^k, both exact in unsigned __int128 as f * 10^P < 2^53 * 10^18 < 2^113.
 * When k >= 114 the whole of f * 10^P is below 2^(k-1), half a unit of the
 * last place, so q = 0 and the value rounds down. glibc's printf_fp rounds in
 * the current rounding mode; in FE_TONEAREST that is up when r > 2^(k-1) and,
 * on an exact tie (r == 2^(k-1)), up only when the last digit is odd (round
 * half to even); a carry out of the P decimals adds one to the integer part.
 * The sign is printed when the sign bit is set (-0.0 and negatives that round
 * to zero give "-0.000000", as glibc does). tests/test_numfmt.c compares every
 * format against glibc's own vsnprintf: the edge cases (0, -0, denormals, the
 * 0.1 boundary, ties at every precision, 2^53 and up, the 2^64 limit) and
 * millions of seeded random values, and checks that the fast path took them;
 * it also builds the briefing and three packs with the fast path and with
 * GB_NUMFMT=glibc in the environment (every call to glibc) and compares every
 * byte. */
#define _GNU_SOURCE
#include "cli/numfmt.h"

#include <fenv.h>
#include <langinfo.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef unsigned __int128 gb_u128;

#define GB__MAX_PREC 18
#define GB__MAX_WIDTH 32

static const uint64_t gb__pow10[GB__MAX_PREC + 1] = {
    1ull,
    10ull,
    100ull,
    1000ull,
    10000ull,
    100000ull,
    1000000ull,
    10000000ull,
    100000000ull,
    1000000000ull,
    10000000000ull,
    100000000000ull,
    1000000000000ull,
    10000000000000ull,
    100000000000000ull,
    1000000000000000ull,
    10000000000000000ull,
    100000000000000000ull,
    1000000000000000000ull,
};

static const char gb__pairs[201] = "00010203040506070809"
                                   "10111213141516171819"
                                   "20212223242526272829"
                                   "30313233343536373839"
                                   "40414243444546474849"
                                   "50515253545556575859"
                                   "60616263646566676869"
                                   "70717273747576777879"
                                   "80818283848586878889"
                                   "90919293949596979899";

/* Writes the n lowest decimal digits of v ending just before end, two at a
 * time; returns where they start. */
static char *
gb__digits_back(char *end, uint64_t v, int n)
{
    for (; n >= 2 && v > UINT32_MAX; n -= 2) {
        unsigned d = (unsigned)(v % 100);
        v /= 100;
        end -= 2;
        end[0] = gb__pairs[2 * d];
        end[1] = gb__pairs[2 * d + 1];
    }
    uint32_t w = (uint32_t)v; /* 32-bit division is cheaper */
    for (; n >= 2; n -= 2) {
        unsigned d = w % 100;
        w /= 100;
        end -= 2;
        end[0] = gb__pairs[2 * d];
        end[1] = gb__pairs[2 * d + 1];
    }
    if (n == 1)
        *--end = (char)('0' + w % 10);
    return end;
}

/* Writes v in decimal (no leading zeros; "0" for 0) ending just before end;
 * returns where it starts. */
static char *
gb__utoa_back(char *end, uint64_t v)
{
    if (v < 10) { /* most of cairo's integer parts and counts */
        *--end = (char)('0' + v);
        return end;
    }
    if (v < 100) {
        end -= 2;
        end[0] = gb__pairs[2 * v];
        end[1] = gb__pairs[2 * v + 1];
        return end;
    }
    int n = 3;
    while (n <= GB__MAX_PREC && v >= gb__pow10[n])
        n++;
    if (n > GB__MAX_PREC && v >= 10000000000000000000ull) /* 10^19: a 20th digit */
        n++;
    return gb__digits_back(end, v, n);
}

/* Formats d as "%.<prec>f" ending just before end (at least 41 bytes after
 * the buffer's start: sign, 20 digits, point, 18 decimals); returns where it
 * starts, or NULL when d is outside the proven range (not finite, or
 * |d| >= 2^64). */
static char *
gb__fixed(char *end, double d, int prec)
{
    uint64_t bits;
    memcpy(&bits, &d, sizeof bits);
    int neg = (int)(bits >> 63);
    int bexp = (int)((bits >> 52) & 0x7ff);
    uint64_t m = bits & ((1ull << 52) - 1);
    int e;

    if (bexp == 0x7ff || bexp >= 1023 + 64)
        return NULL;
    if (bexp == 0) {
        e = -1074;
    } else {
        m |= 1ull << 52;
        e = bexp - 1075;
    }

    uint64_t ip, q = 0;
    if (e >= 0) {
        ip = m << e; /* e <= 11 here: below 2^64, no bits lost */
    } else {
        int k = -e;
        uint64_t f;
        if (k < 64) {
            ip = m >> k;
            f = m & ((1ull << k) - 1);
        } else {
            ip = 0;
            f = m;
        }
        if (f != 0 && k < 114) {
            gb_u128 t = (gb_u128)f * gb__pow10[prec];
            gb_u128 half = (gb_u128)1 << (k - 1);
            gb_u128 r = t & ((half << 1) - 1);
            q = (uint64_t)(t >> k);
            int odd = (int)((prec > 0 ? q : ip) & 1);
            if (r > half || (r == half && odd)) {
                if (++q == gb__pow10[prec]) {
                    q = 0;
                    ip++; /* ip < 2^53 here: no overflow */
                }
            }
        }
    }

    char *p = end;
    if (prec > 0) {
        if (q == 0) { /* a whole number (a third of cairo's): no digits to work out */
            p -= prec;
            memset(p, '0', (size_t)prec);
        } else if (prec == 6) { /* "%f", cairo's usual: three pairs, two divisions */
            uint32_t w = (uint32_t)q, hi = w / 10000, lo = w % 10000;
            p -= 6;
            memcpy(p, &gb__pairs[2 * hi], 2);
            memcpy(p + 2, &gb__pairs[2 * (lo / 100)], 2);
            memcpy(p + 4, &gb__pairs[2 * (lo % 100)], 2);
        } else {
            p = gb__digits_back(p, q, prec);
        }
        *--p = '.';
    }
    p = gb__utoa_back(p, ip);
    if (neg)
        *--p = '-';
    return p;
}

/* Formats one integer conversion ending just before end (at least 33 bytes
 * after the buffer's start); returns where it starts. */
static char *
gb__integer(char *end, uint64_t mag, int neg, int base, int upper, int zero, int width)
{
    static const char lower_digits[] = "0123456789abcdef";
    static const char upper_digits[] = "0123456789ABCDEF";
    char *p = end;

    if (base == 10) {
        p = gb__utoa_back(p, mag);
    } else {
        const char *dig = upper ? upper_digits : lower_digits;
        unsigned shift = base == 16 ? 4 : 3;
        do {
            *--p = dig[mag & (unsigned)(base - 1)];
            mag >>= shift;
        } while (mag != 0);
    }
    int body = (int)(end - p) + neg;
    if (zero)
        for (; body < width; body++)
            *--p = '0';
    if (neg)
        *--p = '-';
    if (!zero)
        for (; body < width; body++)
            *--p = ' ';
    return p;
}

/* Copies the len bytes of out to s as snprintf does (truncated to n - 1 and
 * terminated when n > 0); returns len. */
static int
gb__emit(char *s, size_t n, const char *out, int len)
{
    if (n > 0) {
        size_t c = (size_t)len < n ? (size_t)len : n - 1;
        memcpy(s, out, c);
        s[c] = '\0';
    }
    return len;
}

static int
gb__c_numeric(void)
{
    const char *dp = nl_langinfo(RADIXCHAR);
    return dp[0] == '.' && dp[1] == '\0';
}

int
gb_numfmt_try(char *s, size_t n, const char *fmt, va_list ap)
{
    char out[64];
    char *const end = out + sizeof out;
    const char *f = fmt;
    const char *p;

    if (f[0] != '%')
        return GB_NUMFMT_DECLINED;
    f++;

    if (*f == 'f' || *f == '.') {
        int prec = 6;
        if (*f == '.') {
            f++;
            if (*f == '*') {
                f++;
                if (f[0] != 'f' || f[1] != '\0')
                    return GB_NUMFMT_DECLINED;
                prec = va_arg(ap, int);
            } else {
                if (*f < '0' || *f > '9')
                    return GB_NUMFMT_DECLINED;
                prec = *f++ - '0';
                if (*f >= '0' && *f <= '9')
                    prec = prec * 10 + (*f++ - '0');
            }
            if (prec < 0 || prec > GB__MAX_PREC)
                return GB_NUMFMT_DECLINED;
        }
        if (f[0] != 'f' || f[1] != '\0')
            return GB_NUMFMT_DECLINED;
        if (fegetround() != FE_TONEAREST || !gb__c_numeric())
            return GB_NUMFMT_DECLINED;
        p = gb__fixed(end, va_arg(ap, double), prec);
        if (p == NULL)
            return GB_NUMFMT_DECLINED;
        return gb__emit(s, n, p, (int)(end - p));
    }

    int zero = 0, width = 0, islong = 0;
    if (*f == '0') {
        zero = 1;
        f++;
    }
    while (*f >= '0' && *f <= '9') {
        width = width * 10 + (*f++ - '0');
        if (width > GB__MAX_WIDTH)
            return GB_NUMFMT_DECLINED;
    }
    if (*f == 'l') {
        islong = 1;
        f++;
    }
    char conv = f[0];
    if (conv == '\0' || f[1] != '\0')
        return GB_NUMFMT_DECLINED;

    uint64_t mag;
    int neg = 0, base = 10, upper = 0;
    switch (conv) {
    case 'd': {
        long v = islong ? va_arg(ap, long) : va_arg(ap, int);
        neg = v < 0;
        mag = neg ? 0 - (uint64_t)v : (uint64_t)v;
        break;
    }
    case 'u':
    case 'x':
    case 'X':
    case 'o':
        mag = islong ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
        base = conv == 'u' ? 10 : conv == 'o' ? 8 : 16;
        upper = conv == 'X';
        break;
    default:
        return GB_NUMFMT_DECLINED;
    }
    p = gb__integer(end, mag, neg, base, upper, zero, width);
    return gb__emit(s, n, p, (int)(end - p));
}

int
gb_numfmt_vsnprintf(char *s, size_t n, const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    int r = gb_numfmt_try(s, n, fmt, cp);
    va_end(cp);
    if (r == GB_NUMFMT_DECLINED)
        r = vsnprintf(s, n, fmt, ap);
    return r;
}

#ifdef GB_NUMFMT_INTERPOSE
/* glibc's checking entry points (bits/stdio2-decl.h declares them only under
 * _FORTIFY_SOURCE). */
int __snprintf_chk(char *s, size_t maxlen, int flag, size_t slen, const char *fmt, ...);
int __vsnprintf_chk(char *s, size_t maxlen, int flag, size_t slen, const char *fmt, va_list ap);

/* 1: the fast path; 2: glibc only (GB_NUMFMT=glibc in the environment, for
 * the tests that compare whole outputs both ways); 0: not yet read. */
static int gb__mode;

static int
gb__fast(void)
{
    int m = __atomic_load_n(&gb__mode, __ATOMIC_RELAXED);
    if (m == 0) {
        const char *v = getenv("GB_NUMFMT");
        m = v != NULL && strcmp(v, "glibc") == 0 ? 2 : 1;
        __atomic_store_n(&gb__mode, m, __ATOMIC_RELAXED);
    }
    return m == 1;
}

/* cairo's and GLib's __snprintf_chk: the fast path, or glibc's own
 * __vsnprintf_chk with the same arguments (its checks, its __chk_fail). */
int
__snprintf_chk(char *s, size_t maxlen, int flag, size_t slen, const char *fmt, ...)
{
    va_list ap, cp;
    int r = GB_NUMFMT_DECLINED;

    va_start(ap, fmt);
    if (slen >= maxlen && gb__fast()) {
        va_copy(cp, ap);
        r = gb_numfmt_try(s, maxlen, fmt, cp);
        va_end(cp);
    }
    if (r == GB_NUMFMT_DECLINED)
        r = __vsnprintf_chk(s, maxlen, flag, slen, fmt, ap);
    va_end(ap);
    return r;
}
#endif
