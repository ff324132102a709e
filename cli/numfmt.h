/* numfmt.h - the exact fast path for the numbers cairo prints (see numfmt.c).
 * Only the executable links numfmt.c (and test_numfmt, which checks it). */
#ifndef GB_NUMFMT_H
#define GB_NUMFMT_H

#include <stdarg.h>
#include <stddef.h>

/* What gb_numfmt_try returns when it leaves a call to glibc. */
#define GB_NUMFMT_DECLINED (-2)

/* Formats like vsnprintf(s, n, fmt, ap) when fmt is one of the formats of
 * numfmt.c and the value is in its proven range, and returns what vsnprintf
 * would; otherwise returns GB_NUMFMT_DECLINED and writes nothing to s. It
 * reads ap either way: pass a va_copy when the caller may go on to glibc.
 * This function can't fail and holds no state (any thread may call it). */
int gb_numfmt_try(char *s, size_t n, const char *fmt, va_list ap);

/* gb_numfmt_try, or glibc's vsnprintf for what it declines. */
int gb_numfmt_vsnprintf(char *s, size_t n, const char *fmt, va_list ap);

#endif
