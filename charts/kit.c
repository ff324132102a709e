/* kit.c - fonts, palette, text, ticks and frames shared by every chart. */
#include "charts/kit.h"

#include "pipeline/text.h"

#include <fontconfig/fontconfig.h>
#include <math.h>
#include <pango/pangofc-fontmap.h>
#include <string.h>

static gboolean gb__greyscale; /* set by gb_palette_use before drawing */

struct GbFonts {
    char *family;
    FcConfig *config;
    PangoFontMap *map;
    PangoContext *context; /* for measuring, without a surface */
    GHashTable *layouts;   /* "size|bold|italic|width|text" -> PangoLayout; one thread's */
    char *uncovered;       /* the first text no font could show, since the last take */
    FcCharSet *coverage;   /* every character some font of config has */
    guint64 ascii[2];      /* the same for U+0000..U+007F, as bits */
};

/* Fonts that give the pinned family the scripts it lacks, each where its
 * Debian package installs it (scripts/install-deps): used, in this order,
 * only for characters the family has no glyph for. A missing one is skipped;
 * text it would have shown is then refused (gb_fonts_take_uncovered). */
static const struct {
    const char *file, *package;
} gb__fallbacks[] = {
    /* Greek, Cyrillic, Arabic, Hebrew, Armenian, Georgian, most symbols */
    {"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "fonts-dejavu-core"},
    {"/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", "fonts-dejavu-core"},
    /* Chinese, Japanese, Korean */
    {"/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", "fonts-droid-fallback"},
    /* emoji and the rest of the symbols, as outlines (they extract as text) */
    {"/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf", "fonts-symbola"},
};

/* The fallback fonts, scanned once per process and shared by every
 * configuration: scanning the CJK font's character map for each packs worker
 * was 40 M instructions. The set lives as long as the process. */
static FcFontSet *
gb__fallback_fonts(void)
{
    static gsize once = 0;
    if (g_once_init_enter(&once)) {
        FcFontSet *set = FcFontSetCreate();
        for (gsize i = 0; i < G_N_ELEMENTS(gb__fallbacks); i++)
            if (g_file_test(gb__fallbacks[i].file, G_FILE_TEST_IS_REGULAR))
                FcFreeTypeQueryAll((const FcChar8 *)gb__fallbacks[i].file, (unsigned)-1, NULL, NULL,
                                   set);
        g_once_init_leave(&once, (gsize)set);
    }
    return (FcFontSet *)once;
}

/* Texts with a run of more than this many bytes without a space are wrapped at
 * any character: pango's word-then-character wrapping re-shapes such a run for
 * every break it tries, quadratic in its length (a 64 KB title took 7 s). */
#define GB__LONG_RUN_BYTES 200

/* Where Debian's fonts-liberation2 puts the pinned family's file for style,
 * or NULL when it is not there. */
static char *
gb__pinned_file(const char *style)
{
    GString *path = g_string_new("/usr/share/fonts/truetype/liberation2/LiberationSans-");
    for (const char *c = style; *c != '\0'; c++) /* "Bold Italic" -> "BoldItalic" */
        if (*c != ' ')
            g_string_append_c(path, *c);
    g_string_append(path, ".ttf");
    if (g_file_test(path->str, G_FILE_TEST_IS_REGULAR))
        return g_string_free(path, FALSE);
    g_string_free(path, TRUE);
    return NULL;
}

/* The system fontconfig configuration, loaded once, on first need: not the
 * current one, which may be a pinned set (see gb_fonts_new). */
static FcConfig *
gb__system_fonts(void)
{
    static gsize system = 0;
    if (g_once_init_enter(&system))
        g_once_init_leave(&system, (gsize)FcInitLoadConfigAndFonts());
    return (FcConfig *)system;
}

/* Finds the file of family in the given style through the system
 * configuration; returns NULL when that family is not installed. */
static char *
gb__font_file(const char *family, const char *style)
{
    FcConfig *system = gb__system_fonts();
    FcPattern *pat =
        FcPatternBuild(NULL, FC_FAMILY, FcTypeString, family, FC_STYLE, FcTypeString, style, NULL);
    FcConfigSubstitute(system, pat, FcMatchPattern);
    FcDefaultSubstitute(pat);
    FcResult res;
    FcPattern *match = FcFontMatch(system, pat, &res);
    char *path = NULL;
    FcChar8 *file, *fam;
    if (match != NULL && FcPatternGetString(match, FC_FAMILY, 0, &fam) == FcResultMatch &&
        g_ascii_strcasecmp((const char *)fam, family) == 0 &&
        FcPatternGetString(match, FC_FILE, 0, &file) == FcResultMatch)
        path = g_strdup((const char *)file);
    if (match != NULL)
        FcPatternDestroy(match);
    FcPatternDestroy(pat);
    return path;
}

static void
gb__set_options(PangoContext *ctx)
{
    cairo_font_options_t *o = cairo_font_options_create();
    cairo_font_options_set_hint_style(o, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(o, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_antialias(o, CAIRO_ANTIALIAS_GRAY);
    pango_cairo_context_set_font_options(ctx, o);
    cairo_font_options_destroy(o);
    pango_cairo_context_set_resolution(ctx, 72.0);
    pango_context_set_round_glyph_positions(ctx, FALSE);
}

GbFonts *
gb_fonts_new(const char *family, char **error)
{
    if (family == NULL)
        family = GB_FONT_FAMILY;
    static const char *const styles[] = {"Regular", "Bold", "Italic", "Bold Italic"};
    /* The pinned family is looked for where Debian installs it first: then
     * nothing needs the system configuration, whose loading (every installed
     * font's cache) was most of the font set-up. */
    gboolean pinned = strcmp(family, GB_FONT_FAMILY) == 0;
    FcConfig *config = FcConfigCreate();
    for (gsize i = 0; i < G_N_ELEMENTS(styles); i++) {
        char *file = pinned ? gb__pinned_file(styles[i]) : NULL;
        pinned = pinned && file != NULL;
        if (file == NULL)
            file = gb__font_file(family, styles[i]);
        if (file == NULL && i < 2) {
            *error = g_strdup_printf("font '%s %s' is not installed (Debian: apt-get install "
                                     "fonts-liberation2)",
                                     family, styles[i]);
            FcConfigDestroy(config);
            return NULL;
        }
        if (file != NULL)
            FcConfigAppFontAddFile(config, (const FcChar8 *)file);
        g_free(file);
    }
    FcFontSet *app = FcConfigGetFonts(config, FcSetApplication);
    const FcFontSet *fallbacks = gb__fallback_fonts();
    for (int i = 0; app != NULL && i < fallbacks->nfont; i++) {
        FcPatternReference(fallbacks->fonts[i]);
        if (!FcFontSetAdd(app, fallbacks->fonts[i]))
            FcPatternDestroy(fallbacks->fonts[i]);
    }
    /* The first pinned set becomes fontconfig's current configuration, so
     * that pango, which initialises fontconfig, does not load the system one. */
    static gsize current = 0;
    if (pinned && g_once_init_enter(&current)) {
        FcConfigSetCurrent(config);
        g_once_init_leave(&current, 1);
    }
    GbFonts *f = g_new0(GbFonts, 1);
    f->family = g_strdup(family);
    f->config = config;
    f->map = pango_cairo_font_map_new_for_font_type(CAIRO_FONT_TYPE_FT);
    pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(f->map), config);
    f->context = pango_font_map_create_context(f->map);
    gb__set_options(f->context);
    f->layouts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_object_unref);
    f->coverage = FcCharSetCreate();
    for (int i = 0; app != NULL && i < app->nfont; i++) {
        FcCharSet *cs;
        if (FcPatternGetCharSet(app->fonts[i], FC_CHARSET, 0, &cs) == FcResultMatch)
            FcCharSetMerge(f->coverage, cs, NULL);
    }
    for (FcChar32 c = 0; c < 128; c++)
        if (FcCharSetHasChar(f->coverage, c))
            f->ascii[c / 64] |= (guint64)1 << (c % 64);
    return f;
}

void
gb_fonts_free(GbFonts *f)
{
    if (f == NULL)
        return;
    g_hash_table_destroy(f->layouts);
    g_object_unref(f->context);
    /* pango took a reference to the configuration that it never gives back
     * when the map goes (one FcConfig and its fonts lost per packs worker). */
    pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(f->map), NULL);
    g_object_unref(f->map);
    FcConfigDestroy(f->config);
    g_free(f->uncovered);
    FcCharSetDestroy(f->coverage);
    g_free(f->family);
    g_free(f);
}

char *
gb_fonts_take_uncovered(GbFonts *f)
{
    char *msg = f->uncovered;
    f->uncovered = NULL;
    return msg;
}

static gboolean
gb__has_long_run(const char *text)
{
    gsize run = 0;
    for (const char *p = text; *p != '\0'; p++) {
        run = g_ascii_isspace(*p) ? 0 : run + 1;
        if (run > GB__LONG_RUN_BYTES)
            return TRUE;
    }
    return FALSE;
}

/* FALSE when every character of text is in some font's character map (then
 * pango finds a glyph for each); TRUE when pango must be asked. Asking costs a
 * layout now, and again once the caller changes the layout (spacing, justify). */
static gboolean
gb__maybe_uncovered(const GbFonts *f, const char *text)
{
    for (const char *p = text; *p != '\0';) {
        guchar c = (guchar)*p;
        if (c < 0x80) {
            if (c != '\n' && c != '\t' && !(f->ascii[c / 64] & ((guint64)1 << (c % 64))))
                return TRUE;
            p++;
            continue;
        }
        if (!FcCharSetHasChar(f->coverage, g_utf8_get_char(p)))
            return TRUE;
        p = g_utf8_next_char(p);
    }
    return FALSE;
}

/* Records, once per take, the first text of ly that has a glyph no font has
 * (pango would draw it as a box with its hex code). */
static void
gb__note_uncovered(GbFonts *f, PangoLayout *ly, const char *text)
{
    if (f->uncovered != NULL)
        return;
    gunichar missing = 0;
    PangoLayoutIter *it = pango_layout_get_iter(ly);
    do {
        PangoGlyphItem *run = pango_layout_iter_get_run_readonly(it);
        for (int i = 0; run != NULL && missing == 0 && i < run->glyphs->num_glyphs; i++) {
            PangoGlyph g = run->glyphs->glyphs[i].glyph;
            if (g & PANGO_GLYPH_UNKNOWN_FLAG)
                missing = g & ~PANGO_GLYPH_UNKNOWN_FLAG;
        }
    } while (missing == 0 && pango_layout_iter_next_run(it));
    pango_layout_iter_free(it);
    GString *msg = g_string_new(NULL);
    g_string_append_printf(msg, "no installed font has a glyph for U+%04X, in ", missing);
    gb_text_append_quoted(msg, text, strlen(text));
    g_string_append(msg, " (the fonts tried: the pinned family, then");
    for (gsize i = 0; i < G_N_ELEMENTS(gb__fallbacks); i++)
        if (i == 0 || strcmp(gb__fallbacks[i].package, gb__fallbacks[i - 1].package) != 0)
            g_string_append_printf(msg, "%s %s", i ? "," : "", gb__fallbacks[i].package);
    g_string_append(msg, "); install the missing package, or change the text");
    f->uncovered = g_string_free(msg, FALSE);
}

/* Line breaking and shaping are done under one process-wide lock. Two packs
 * laid out at once on two threads (each with its own font map, context and
 * identical font options) gave one justified paragraph of torbay.pdf two
 * word spacings: the width left on a wrapped line, and so the space added to
 * each gap, came out as if the space at the break were kerned with the next
 * line's first letter in some runs and not in others. The glyphs, fonts and
 * patterns were the same; only concurrent layout in pango/HarfBuzz differed
 * (serialising just this step made 15 of 15 runs identical to -j 1, against
 * 4-8 of 15 differing). Drawing, encoding and the rest stay parallel. */
static GMutex gb__layout_lock;

void
gb_fonts_lock(void)
{
    g_mutex_lock(&gb__layout_lock);
}

void
gb_fonts_unlock(void)
{
    g_mutex_unlock(&gb__layout_lock);
}

void
gb_fonts_settle(PangoLayout *ly)
{
    g_mutex_lock(&gb__layout_lock);
    pango_layout_get_extents(ly, NULL, NULL);
    g_mutex_unlock(&gb__layout_lock);
}

static PangoLayout *
gb__layout(GbFonts *f, PangoContext *ctx, const char *text, double size, gboolean bold,
           gboolean italic, double width)
{
    PangoLayout *ly = pango_layout_new(ctx);
    PangoFontDescription *fd = pango_font_description_new();
    pango_font_description_set_family(fd, f->family);
    pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
    pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_font_description_set_style(fd, italic ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
    pango_layout_set_font_description(ly, fd);
    pango_font_description_free(fd);
    /* No ligatures: text extracted from PDFs then reads "fi", not a ligature. */
    PangoAttrList *attrs = pango_attr_list_new();
    pango_attr_list_insert(attrs, pango_attr_font_features_new("liga=0, clig=0"));
    pango_layout_set_attributes(ly, attrs);
    pango_attr_list_unref(attrs);
    if (width > 0) {
        pango_layout_set_width(ly, (int)(width * PANGO_SCALE));
        pango_layout_set_wrap(ly, gb__has_long_run(text) ? PANGO_WRAP_CHAR : PANGO_WRAP_WORD_CHAR);
    }
    pango_layout_set_text(ly, text, -1);
    if (gb__maybe_uncovered(f, text) && (gb_fonts_settle(ly), TRUE) &&
        pango_layout_get_unknown_glyphs_count(ly) > 0) {
        g_object_set_data(G_OBJECT(ly), "gb-uncovered", GINT_TO_POINTER(1));
        gb__note_uncovered(f, ly, text);
    }
    return ly;
}

PangoContext *
gb_fonts_context(GbFonts *f, cairo_t *cr)
{
    /* One context per drawing target; its options must match the measuring one. */
    PangoContext *ctx = pango_font_map_create_context(f->map);
    gb__set_options(ctx);
    pango_cairo_update_context(cr, ctx);
    gb__set_options(ctx);
    return ctx;
}

const char *
gb_fonts_family(const GbFonts *f)
{
    return f->family;
}

PangoLayout *
gb_fonts_layout_in(GbFonts *f, PangoContext *ctx, const char *text, double size, gboolean bold,
                   gboolean italic, double width)
{
    return gb__layout(f, ctx, text, size, bold, italic, width);
}

PangoLayout *
gb_fonts_layout(GbFonts *f, cairo_t *cr, const char *text, double size, gboolean bold,
                gboolean italic, double width)
{
    PangoContext *ctx = gb_fonts_context(f, cr);
    PangoLayout *ly = gb__layout(f, ctx, text, size, bold, italic, width);
    g_object_unref(ctx);
    return ly;
}

/* Chart texts are measured and drawn again and again (geometry, height, then
 * each of PDF, SVG and PNG), so each is laid out once, on the measuring
 * context, and drawn from there on any surface: the options are the same and
 * hinting is off, so the glyph positions do not depend on the surface. The
 * cache is bounded (packs draw thousands of distinct labels on one thread). */
#define GB__LAYOUTS_MAX 4096

/* The cache's key of a layout (g_free it): size's and width's bits in hex,
 * the weight and style, the text. A printf'd "%g" key was 4 k instructions
 * a lookup, and took widths alike to six digits for one. */
static char *
gb__layout_key(const char *text, double size, gboolean bold, gboolean italic, double width)
{
    static const char hex[] = "0123456789abcdef";
    size_t len = strlen(text);
    char *key = g_malloc(2 * 16 + 2 + len + 1), *p = key;
    guint64 u[2];
    memcpy(&u[0], &size, sizeof u[0]);
    memcpy(&u[1], &width, sizeof u[1]);
    for (int i = 0; i < 2; i++)
        for (int s = 60; s >= 0; s -= 4)
            *p++ = hex[(u[i] >> s) & 15];
    *p++ = bold ? 'b' : '-';
    *p++ = italic ? 'i' : '-';
    memcpy(p, text, len + 1);
    return key;
}

static PangoLayout *
gb__cached_layout(GbFonts *f, const char *text, double size, gboolean bold, gboolean italic,
                  double width)
{
    char *key = gb__layout_key(text, size, bold, italic, width);
    PangoLayout *ly = g_hash_table_lookup(f->layouts, key);
    if (ly != NULL) {
        g_free(key);
        if (g_object_get_data(G_OBJECT(ly), "gb-uncovered") != NULL)
            gb__note_uncovered(f, ly, text); /* again, for whoever takes it next */
        return ly;
    }
    if (g_hash_table_size(f->layouts) >= GB__LAYOUTS_MAX)
        g_hash_table_remove_all(f->layouts);
    ly = gb__layout(f, f->context, text, size, bold, italic, width);
    gb_fonts_settle(ly);
    g_hash_table_insert(f->layouts, key, ly);
    return ly;
}

static void
gb__measure(GbFonts *f, const char *text, double size, gboolean bold, gboolean italic, double width,
            double *w, double *h)
{
    PangoRectangle logical;
    pango_layout_get_extents(gb__cached_layout(f, text, size, bold, italic, width), NULL, &logical);
    *w = (double)logical.width / PANGO_SCALE;
    *h = (double)logical.height / PANGO_SCALE;
}

void
gb_fonts_measure(GbFonts *f, const char *text, double size, gboolean bold, double width, double *w,
                 double *h)
{
    gb__measure(f, text, size, bold, FALSE, width, w, h);
}

gboolean
gb_palette_use(const char *name)
{
    if (g_strcmp0(name, "default") == 0)
        gb__greyscale = FALSE;
    else if (g_strcmp0(name, "greyscale") == 0)
        gb__greyscale = TRUE;
    else
        return FALSE;
    return TRUE;
}

GbRgb
gb_palette_level(int level)
{
    /* Dark blue, mid blue, pale amber, red: luminance 20, 55, 87, 45 in greyscale,
     * and inadequate is hatched on top. */
    static const GbRgb levels[] = {
        {0.031, 0.188, 0.420}, {0.259, 0.573, 0.776}, {0.992, 0.831, 0.620}, {0.780, 0.122, 0.125}};
    /* Greyscale: four steps far apart, inadequate darkest after outstanding and
     * hatched, so it never depends on telling two greys apart. */
    static const GbRgb greys[] = {
        {0.15, 0.15, 0.15}, {0.55, 0.55, 0.55}, {0.85, 0.85, 0.85}, {0.38, 0.38, 0.38}};
    if (level < 0 || level > 3)
        return (GbRgb){0.80, 0.80, 0.80};
    return gb__greyscale ? greys[level] : levels[level];
}

GbRgb
gb_palette_category(int i)
{
    /* Apart from the grade colours: sage and burnt orange, then grey. */
    static const GbRgb cats[] = {{0.600, 0.690, 0.580}, {0.850, 0.372, 0.008}, {0.45, 0.45, 0.45}};
    static const GbRgb greys[] = {{0.72, 0.72, 0.72}, {0.30, 0.30, 0.30}, {0.50, 0.50, 0.50}};
    return gb__greyscale ? greys[i % 3] : cats[i % 3];
}

gboolean
gb_palette_dark(GbRgb c)
{
    return 0.2126 * c.r + 0.7152 * c.g + 0.0722 * c.b < 0.5;
}

static double
gb__linear(double v)
{
    return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
}

double
gb_palette_luminance(GbRgb c)
{
    return 0.2126 * gb__linear(c.r) + 0.7152 * gb__linear(c.g) + 0.0722 * gb__linear(c.b);
}

double
gb_palette_contrast(GbRgb a, GbRgb b)
{
    double la = gb_palette_luminance(a), lb = gb_palette_luminance(b);
    return (MAX(la, lb) + 0.05) / (MIN(la, lb) + 0.05);
}

gboolean
gb_palette_outline(GbRgb c, GbRgb *outline)
{
    const GbRgb white = {1, 1, 1};
    if (gb_palette_contrast(c, white) >= 3.0)
        return FALSE;
    /* The fill's own colour, darkened in steps until it stands 3:1 against
     * both the white around it and the fill inside it. */
    for (double k = 0.98; k > 0; k -= 0.02) {
        GbRgb o = {c.r * k, c.g * k, c.b * k};
        if (gb_palette_contrast(o, white) >= 3.0 && gb_palette_contrast(o, c) >= 3.0) {
            *outline = o;
            return TRUE;
        }
    }
    *outline = (GbRgb){0, 0, 0};
    return TRUE;
}

GbRgb
gb_palette_ink(GbRgb c)
{
    const GbRgb white = {1, 1, 1}, dark = {0.1, 0.1, 0.1}, black = {0, 0, 0};
    double w = gb_palette_contrast(white, c), d = gb_palette_contrast(dark, c);
    if (MAX(w, d) >= GB_PALETTE_TEXT_CONTRAST)
        return w >= d ? white : dark;
    /* Luminance about 0.18 to 0.22, where neither reaches 4.5:1: black does. */
    return gb_palette_contrast(black, c) >= w ? black : white;
}

GbRgb
gb_palette_label_backing(cairo_t *cr, GbRgb c, int level, double x, double y, double w, double h)
{
    if (level == 3) {
        cairo_rectangle(cr, x - GB_PALETTE_PLATE, y, w + 2 * GB_PALETTE_PLATE, h);
        cairo_set_source_rgb(cr, c.r, c.g, c.b);
        cairo_fill(cr);
    }
    return gb_palette_ink(c);
}

GbRgb
gb_palette_ramp(double t)
{
    t = CLAMP(t, 0.0, 1.0);
    return (GbRgb){1 - 0.85 * t, 1 - 0.62 * t, 1 - 0.35 * t};
}

static void
gb__fill_hatched(cairo_t *cr, GbRgb c, int level)
{
    cairo_set_source_rgb(cr, c.r, c.g, c.b);
    if (level != 3) {
        cairo_fill(cr);
        return;
    }
    cairo_fill_preserve(cr);
    if (cairo_surface_get_type(cairo_get_target(cr)) == CAIRO_SURFACE_TYPE_IMAGE) {
        /* On an image: a tile of whole device pixels, repeated by pixman, is
         * far cheaper than stroking every diagonal through a clip. */
        double sx = 1, sy = 0;
        cairo_user_to_device_distance(cr, &sx, &sy);
        double scale = hypot(sx, sy);
        int n = MAX(3, (int)lround(4 * scale));
        cairo_surface_t *tile = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, n, n);
        cairo_t *t = cairo_create(tile);
        cairo_set_source_rgba(t, 1, 1, 1, 0.55);
        cairo_set_line_width(t, scale);
        cairo_move_to(t, -n * 0.25, n * 1.25);
        cairo_line_to(t, n * 1.25, -n * 0.25);
        cairo_move_to(t, -n * 0.25, n * 0.25);
        cairo_line_to(t, n * 0.25, -n * 0.25);
        cairo_move_to(t, n * 0.75, n * 1.25);
        cairo_line_to(t, n * 1.25, n * 0.75);
        cairo_stroke(t);
        cairo_destroy(t);
        cairo_pattern_t *p = cairo_pattern_create_for_surface(tile);
        cairo_pattern_set_extend(p, CAIRO_EXTEND_REPEAT);
        cairo_pattern_set_filter(p, CAIRO_FILTER_NEAREST);
        cairo_matrix_t m;
        cairo_matrix_init_scale(&m, scale, scale);
        cairo_pattern_set_matrix(p, &m);
        cairo_set_source(cr, p);
        cairo_fill(cr);
        cairo_pattern_destroy(p);
        cairo_surface_destroy(tile);
        return;
    }
    cairo_save(cr);
    cairo_clip(cr);
    double x1, y1, x2, y2;
    cairo_clip_extents(cr, &x1, &y1, &x2, &y2);
    cairo_set_source_rgba(cr, 1, 1, 1, 0.55);
    cairo_set_line_width(cr, 1.0);
    for (double d = x1 - (y2 - y1); d < x2; d += 4.0) {
        cairo_move_to(cr, d, y2);
        cairo_line_to(cr, d + (y2 - y1), y1);
    }
    cairo_stroke(cr);
    cairo_restore(cr);
}

void
gb_palette_fill(cairo_t *cr, GbRgb c, int level)
{
    cairo_path_t *path = cairo_copy_path(cr);
    gb__fill_hatched(cr, c, level);
    GbRgb o;
    if (gb_palette_outline(c, &o)) {
        /* Too light against white (WCAG 1.4.11): a dark outline inside the
         * fill, GB_PALETTE_OUTLINE wide. */
        cairo_save(cr);
        cairo_append_path(cr, path);
        cairo_clip_preserve(cr);
        cairo_set_source_rgb(cr, o.r, o.g, o.b);
        cairo_set_line_width(cr, 2 * GB_PALETTE_OUTLINE + GB_PALETTE_SEPARATOR);
        cairo_stroke(cr);
        cairo_restore(cr);
    }
    /* A white line on the edge parts every fill from the next, so that each
     * stands against white, never against a neighbour it may be too close to. */
    cairo_append_path(cr, path);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_set_line_width(cr, GB_PALETTE_SEPARATOR);
    cairo_stroke(cr);
    cairo_path_destroy(path);
}

void
gb_ticks_nice(double lo, double hi, int max_ticks, GbTicks *t)
{
    if (max_ticks < 2)
        max_ticks = 2;
    if (max_ticks > 31)
        max_ticks = 31;
    if (!(hi > lo))
        hi = lo + 1;
    double raw = (hi - lo) / (max_ticks - 1);
    double mag = pow(10, floor(log10(raw)));
    static const double steps[] = {1, 2, 2.5, 5, 10};
    double step = mag * 10;
    for (gsize i = 0; i < G_N_ELEMENTS(steps); i++) {
        if (mag * steps[i] >= raw) {
            step = mag * steps[i];
            break;
        }
    }
    t->step = step;
    t->lo = floor(lo / step + 1e-9) * step;
    t->hi = ceil(hi / step - 1e-9) * step;
    t->n = 0;
    for (double v = t->lo; v <= t->hi + step * 1e-6 && t->n < 32; v += step)
        t->values[t->n++] = fabs(v) < step * 1e-9 ? 0 : v;
}

int
gb_ticks_year_step(double year_w, double label_w)
{
    static const int steps[] = {1, 2, 5, 10, 20, 50, 100};
    for (gsize i = 0; i < G_N_ELEMENTS(steps); i++)
        if (year_w * steps[i] >= label_w + 6)
            return steps[i];
    return 1000; /* nothing fits: label none but the millennia */
}

void
gb_format_number(double v, int decimals, char *buf, gsize len)
{
    char raw[64];
    g_snprintf(raw, sizeof raw, "%.*f", decimals, fabs(v));
    char *dot = strchr(raw, '.');
    gsize int_len = dot ? (gsize)(dot - raw) : strlen(raw);
    GString *s = g_string_new(v < 0 && strspn(raw, "0.") != strlen(raw) ? "\u2212" : "");
    for (gsize i = 0; i < int_len; i++) {
        if (i > 0 && (int_len - i) % 3 == 0)
            g_string_append_c(s, ',');
        g_string_append_c(s, raw[i]);
    }
    if (dot)
        g_string_append(s, dot);
    g_strlcpy(buf, s->str, len);
    g_string_free(s, TRUE);
}

void
gb_frame_layout(GbFonts *f, GbFrame *fr)
{
    double w;
    fr->title_h = fr->subtitle_h = fr->source_h = 0;
    if (fr->title)
        gb_fonts_measure(f, fr->title, GB_SIZE_TITLE, TRUE, fr->outer.w, &w, &fr->title_h);
    if (fr->subtitle)
        gb_fonts_measure(f, fr->subtitle, GB_SIZE_SUBTITLE, FALSE, fr->outer.w, &w,
                         &fr->subtitle_h);
    if (fr->source)
        gb__measure(f, fr->source, GB_SIZE_SMALL, FALSE, TRUE, fr->outer.w, &w, &fr->source_h);
    double top = fr->title_h + fr->subtitle_h + (fr->title || fr->subtitle ? 6 : 0);
    double bottom = fr->source_h + (fr->source ? 4 : 0);
    fr->plot =
        (GbBox){fr->outer.x, fr->outer.y + top, fr->outer.w, MAX(fr->outer.h - top - bottom, 0)};
}

static void
gb__draw_wrapped(GbFonts *f, cairo_t *cr, const char *text, double size, gboolean bold,
                 gboolean italic, double x, double y, double width, GbRgb c)
{
    cairo_set_source_rgb(cr, c.r, c.g, c.b);
    cairo_move_to(cr, x, y);
    pango_cairo_show_layout(cr, gb__cached_layout(f, text, size, bold, italic, width));
}

void
gb_frame_draw(GbFonts *f, cairo_t *cr, const GbFrame *fr)
{
    const GbRgb ink = {0.1, 0.1, 0.1}, grey = {0.35, 0.35, 0.35};
    double y = fr->outer.y;
    if (fr->title) {
        gb__draw_wrapped(f, cr, fr->title, GB_SIZE_TITLE, TRUE, FALSE, fr->outer.x, y, fr->outer.w,
                         ink);
        y += fr->title_h;
    }
    if (fr->subtitle)
        gb__draw_wrapped(f, cr, fr->subtitle, GB_SIZE_SUBTITLE, FALSE, FALSE, fr->outer.x, y,
                         fr->outer.w, grey);
}

void
gb_frame_draw_source(GbFonts *f, cairo_t *cr, const GbFrame *fr)
{
    const GbRgb grey = {0.35, 0.35, 0.35};
    if (fr->source)
        gb__draw_wrapped(f, cr, fr->source, GB_SIZE_SMALL, FALSE, TRUE, fr->outer.x,
                         fr->outer.y + fr->outer.h - fr->source_h, fr->outer.w, grey);
}

void
gb_text_draw(GbFonts *f, cairo_t *cr, const char *text, double size, gboolean bold, double x,
             double y, GbRgb colour)
{
    gb__draw_wrapped(f, cr, text, size, bold, FALSE, x, y, -1, colour);
}

void
gb_text_draw_aligned(GbFonts *f, cairo_t *cr, const char *text, double size, gboolean bold,
                     double x, double y, double align, GbRgb colour)
{
    double w, h;
    gb_fonts_measure(f, text, size, bold, -1, &w, &h);
    gb_text_draw(f, cr, text, size, bold, x - align * w, y, colour);
}
