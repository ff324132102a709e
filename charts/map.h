/* map.h - geometry of the hex tile map, exposed for its tests. */
#ifndef GB_MAP_H
#define GB_MAP_H

#include "charts/kit.h"

/* Centre and size of every tile of the current authorities that have one,
 * fitted into a box of w x h points (pointy-top hexes, odd-r offset rows, row
 * numbers growing northward). radius is the centre-to-corner distance. */
typedef struct {
    int n;
    int *authority; /* index into ref->authorities */
    double *cx, *cy;
    double radius;
    double width, height; /* extent actually used */
} GbTileGeometry;

void gb_map_geometry(const GbRef *ref, guint32 as_at, double w, double h, GbTileGeometry *g);
void gb_map_geometry_clear(GbTileGeometry *g);

#endif
