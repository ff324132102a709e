/* mapkey.h - the key to the tile map's codes, as a table to set beside the
 * map wherever it is shown (the briefing; a pack that shows the map). */
#ifndef GB_MAPKEY_H
#define GB_MAPKEY_H

#include "output/tree.h"

/* The key: one row per tile of an authority in existence on l's date, in the
 * order of the codes (case aside): the code on the tile (the row header), the
 * authority, its region and its latest grade, written with labels[level] and
 * coloured ("not yet inspected" for none). Its caption names figure, the map's
 * number, and the date; its tidy form (tables/map-key.csv) adds the DfE and ONS
 * codes and the ISO date. The caller owns the table; this function can't fail. */
GbTreeTable *gb_map_key_table(const GbRef *ref, const GbLatest *l, const char *const *labels,
                              int figure);

#endif
