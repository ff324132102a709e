/* pngsame.c - compare the pixels of PNG files pairwise: `pngsame A1 B1 [A2 B2 ...]`
 * reads each through libpng (cairo's reader) and prints how many pixels of
 * each pair differ. Exit 0 when every pair has the same size, format and
 * pixels; 1 otherwise; 64 on a wrong call. For tests/png/reference.sh. */
#include <cairo.h>
#include <stdint.h>
#include <stdio.h>

int
main(int argc, char **argv)
{
    if (argc < 3 || argc % 2 == 0) {
        fprintf(stderr, "usage: pngsame A.png B.png [A2.png B2.png ...]\n");
        return 64;
    }
    int bad = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        cairo_surface_t *a = cairo_image_surface_create_from_png(argv[i]);
        cairo_surface_t *b = cairo_image_surface_create_from_png(argv[i + 1]);
        int w = cairo_image_surface_get_width(a), h = cairo_image_surface_get_height(a);
        if (cairo_surface_status(a) != CAIRO_STATUS_SUCCESS ||
            cairo_surface_status(b) != CAIRO_STATUS_SUCCESS) {
            printf("%s %s: cannot be read\n", argv[i], argv[i + 1]);
            bad = 1;
        } else if (w != cairo_image_surface_get_width(b) ||
                   h != cairo_image_surface_get_height(b) ||
                   cairo_image_surface_get_format(a) != cairo_image_surface_get_format(b)) {
            printf("%s %s: sizes or formats differ\n", argv[i], argv[i + 1]);
            bad = 1;
        } else {
            const unsigned char *pa = cairo_image_surface_get_data(a);
            const unsigned char *pb = cairo_image_surface_get_data(b);
            int sa = cairo_image_surface_get_stride(a), sb = cairo_image_surface_get_stride(b);
            long differ = 0;
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    differ += ((const uint32_t *)(const void *)(pa + (long)y * sa))[x] !=
                              ((const uint32_t *)(const void *)(pb + (long)y * sb))[x];
            printf("%s %dx%d: %ld pixels differ\n", argv[i], w, h, differ);
            bad |= differ != 0;
        }
        cairo_surface_destroy(a);
        cairo_surface_destroy(b);
    }
    return bad;
}
