/* digest.h - the SHA-256 that content digests (what a pack or the briefing
 * shows, gb_tree_digest, gb_chart_digest) are fed into: nettle's, which uses
 * the CPU's SHA instructions where there are any (GLib's GChecksum is
 * software only). The same algorithm, so the same digests. */
#ifndef GB_DIGEST_H
#define GB_DIGEST_H

#include <glib.h>
#include <nettle/sha2.h>

typedef struct sha256_ctx GbDigest;

static inline void
gb_digest_init(GbDigest *d)
{
    sha256_init(d);
}

static inline void
gb_digest_update(GbDigest *d, const void *data, gsize len)
{
    sha256_update(d, len, (const uint8_t *)data);
}

/* The digest as 64 lowercase hex digits (g_free), as g_checksum_get_string
 * gave; d is reset. */
static inline char *
gb_digest_hex(GbDigest *d)
{
    uint8_t raw[SHA256_DIGEST_SIZE];
    sha256_digest(d, sizeof raw, raw);
    char *hex = g_malloc(2 * sizeof raw + 1);
    for (gsize i = 0; i < sizeof raw; i++) {
        hex[2 * i] = "0123456789abcdef"[raw[i] >> 4];
        hex[2 * i + 1] = "0123456789abcdef"[raw[i] & 15];
    }
    hex[2 * sizeof raw] = '\0';
    return hex;
}

#endif
