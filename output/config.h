/* config.h - briefing.ini: what the briefing says about itself and which
 * sections it has, in which order. Command-line options override it. */
#ifndef GB_CONFIG_H
#define GB_CONFIG_H

#include "pipeline/digest.h"
#include "pipeline/status.h"

/* Limits: a settings file, and the longest value of each setting in bytes
 * (the title is on the cover and in every running header). */
#define GB_CONFIG_MAX_FILE_BYTES (64 * 1024)
#define GB_CONFIG_MAX_TITLE_BYTES 200
#define GB_CONFIG_MAX_TEXT_BYTES 1000 /* subtitle, keywords, sections */
#define GB_CONFIG_MAX_NAME_BYTES 200  /* organisation, author, font, and the rest */

/* The section ids and their default order are the briefing's registry
 * (gb_briefing_section_ids in briefing.h). */

/* The [branding] group: a council's logo, colour, footer and protective
 * marking, honoured by every renderer (PDF, HTML, Word). All optional; NULL
 * or has_accent FALSE when not set. Plain values, owned by the GbConfig. */
typedef struct {
    char *logo;                  /* the file as resolved (relative to the settings file) */
    GBytes *logo_data;           /* its bytes, read and checked when the settings are */
    gboolean logo_svg;           /* SVG, else PNG */
    int logo_width, logo_height; /* its size in pixels (SVG: its own units) */
    char *logo_alt;              /* its alt text (required with a logo) */
    gboolean has_accent;
    double accent[3];  /* 0..1 sRGB: headings, the cover band, header rules */
    char *accent_text; /* "#1b5e7a" as written */
    char *footer;      /* text in every page's footer */
    char *marking;     /* "OFFICIAL": at the top and the bottom of every page */
} GbBranding;

#define GB_CONFIG_MAX_LOGO_BYTES (2 * 1024 * 1024)
/* The contrast the accent needs against the white it is drawn on: as text
 * (WCAG 2.2 1.4.3) and as a band or rule (1.4.11). */
#define GB_ACCENT_TEXT_CONTRAST 4.5
#define GB_ACCENT_SHAPE_CONTRAST 3.0

typedef struct {
    char *title, *subtitle, *organisation, *author, *keywords;
    char *font;     /* family, pinned */
    char *palette;  /* "default" or "greyscale" */
    char *language; /* BCP 47, e.g. en-GB */
    double page_width, page_height;
    guint32 as_at;       /* YYYYMMDD, 0 = the newest judgement date */
    GPtrArray *sections; /* char* ids, in order */
    GHashTable *origins; /* key -> where its value came from ("FILE:LINE",
                          * "--as-at"); a key not in it has its default */
    GbBranding branding; /* [branding] */
} GbConfig;

/* The defaults: A4, Liberation Sans, every section. */
GbConfig *gb_config_new(void);
void gb_config_free(GbConfig *c);

/* Reads path over c: the keys it has replace c's values (and record path:line
 * as their origin), the others are left as they were, so files can be read
 * one over another. Unknown groups or keys, bad values, values over their
 * limit, NUL bytes, invalid UTF-8 and syntax errors fail with GB_DATA and diag
 * naming the file and line; a missing file with GB_NOINPUT. A UTF-8 byte
 * order mark is skipped. */
GbStatus gb_config_load(GbConfig *c, const char *path, GbDiag *diag);

/* The [branding] keys, NULL-terminated: logo, logo_alt, accent, footer, marking. */
const char *const *gb_config_branding_keys(void);
/* Checks accent (#RRGGBB or #RGB) against what the renderers draw it next to
 * (config.c lists each pair): headings in it on white need 4.5:1, its cover
 * band and header rules beside white 3:1; it is never drawn beside a grade
 * fill, so palette changes nothing today. GB_OK and rgb filled, else GB_DATA
 * with *message (g_free) naming the pair, the measured ratio and the one it
 * needs. */
GbStatus gb_config_check_accent(const char *accent, const char *palette, double rgb[3],
                                char **message);
/* Feeds every branding value (the logo's bytes too) into h. */
void gb_config_branding_digest(const GbConfig *c, GbDigest *h);

/* The setting keys, NULL-terminated, in the order the bundled file has them. */
const char *const *gb_config_keys(void);
/* Where key's value came from ("FILE:LINE" of the file that set it last,
 * "--as-at"), or NULL when it has its default. This function can't fail. */
const char *gb_config_origin(const GbConfig *c, const char *key);
/* Records that key's value now comes from origin (copied). */
void gb_config_set_origin(GbConfig *c, const char *key, const char *origin);
/* key's value in force as a briefing.ini would write it (page_size A4 or
 * Letter, as_at YYYY-MM-DD, sections joined with ';'); NULL for an as_at that
 * is not set. The caller frees it. */
char *gb_config_value(const GbConfig *c, const char *key);

/* GB_OK when value fits the limit of setting key, else GB_DATA and *message
 * (to g_free) saying by how much. For settings given on the command line. */
GbStatus gb_config_check_value(const char *key, const char *value, char **message);

/* TRUE when id names a section of the registry. */
gboolean gb_config_is_section(const char *id);

#endif
