/* config.h - briefing.ini: what the briefing says about itself and which
 * sections it has, in which order. Command-line options override it. */
#ifndef GB_CONFIG_H
#define GB_CONFIG_H

#include "pipeline/status.h"

/* The section ids and their default order are the briefing's registry
 * (gb_briefing_section_ids in briefing.h). */

typedef struct {
    char *title, *subtitle, *organisation, *author, *keywords;
    char *font;                 /* family, pinned */
    char *palette;              /* "default" or "greyscale" */
    char *language;             /* BCP 47, e.g. en-GB */
    double page_width, page_height;
    guint32 as_at;              /* YYYYMMDD, 0 = the newest judgement date */
    GPtrArray *sections;        /* char* ids, in order */
} GbConfig;

/* The defaults: A4, Liberation Sans, every section. */
GbConfig *gb_config_new(void);
void gb_config_free(GbConfig *c);

/* Reads path over c. Unknown groups or keys and bad values fail with GB_DATA
 * and diag naming the file and line; a missing file with GB_NOINPUT. */
GbStatus gb_config_load(GbConfig *c, const char *path, GbDiag *diag);

/* TRUE when id names a section of the registry. */
gboolean gb_config_is_section(const char *id);

#endif
