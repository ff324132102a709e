/* test_tiles.c - the hex tile map's layout (data/tiles.csv) against geography.
 *
 * Two checks. First, against a published layout: ODI Leeds' hex map of the
 * 2019-20 upper-tier authorities (tests/tiles/, MIT). For every pair of
 * neighbouring hexes there, the same compass relation must hold between our
 * tiles of the same authorities: north or south when the two are in different
 * rows, east or west when they share a row. An authority reorganised since
 * (Northamptonshire, Cumbria; codes changed in Buckinghamshire, North
 * Yorkshire, Somerset, ...) stands for its successors. Where we depart from
 * that layout on purpose, the departure is listed with why, and must really
 * be one. Second, facts of geography the map must keep (the ODI layout itself
 * puts North Tyneside above Northumberland). */
#include "pipeline/refdata.h"
#include "testutil.h"

#include <json-glib/json-glib.h>
#include <string.h>

static GbRef *ref;

static void
setup(void)
{
    GbDiag d = {0};
    ck_assert_int_eq(gb_ref_load(GB_DATADIR, &ref, &d), GB_OK);
}

static void
teardown(void)
{
    gb_ref_free(ref);
}

/* Our tile's centre in hex columns (odd rows sit half a column east) and rows
 * (growing northward). */
static void
tile_xy(const GbAuthority *a, double *x, double *y)
{
    *x = a->tile_q + ((a->tile_r & 1) ? 0.5 : 0);
    *y = a->tile_r;
}

static int
find(const char *name)
{
    for (guint i = 0; i < ref->authorities->len; i++)
        if (strcmp(gb_ref_authority(ref, (int)i)->name, name) == 0)
            return (int)i;
    ck_abort_msg("no authority %s", name);
    return -1;
}

/* Adds authority i, or its successors in existence today, to out. */
static void
add_current(int i, GArray *out)
{
    const GbAuthority *a = gb_ref_authority(ref, i);
    if (a->to == 0) {
        g_array_append_val(out, i);
        return;
    }
    for (guint k = 0; k < a->successors->len; k++)
        add_current(g_array_index(a->successors, int, k), out);
}

typedef struct {
    char *code;
    int q, r;
    GArray *now; /* int: today's authorities for this hex */
} GbHex;

static void
hex_clear(gpointer p)
{
    GbHex *h = p;
    g_free(h->code);
    g_array_free(h->now, TRUE);
}

/* The ODI hexes, each with today's authorities (none missing). */
static GArray *
load_hexes(void)
{
    JsonParser *parser = json_parser_new();
    GError *err = NULL;
    ck_assert_msg(json_parser_load_from_file(
                      parser, GB_TESTS_DIR "/tiles/odileeds-upper-tier-2019-20.hexjson", &err),
                  "%s", err ? err->message : "");
    JsonObject *root = json_node_get_object(json_parser_get_root(parser));
    ck_assert_str_eq(json_object_get_string_member(root, "layout"), "odd-r");
    JsonObject *hexes = json_object_get_object_member(root, "hexes");
    GArray *out = g_array_new(FALSE, TRUE, sizeof(GbHex));
    g_array_set_clear_func(out, hex_clear);
    GList *codes = json_object_get_members(hexes);
    for (GList *l = codes; l != NULL; l = l->next) {
        JsonObject *o = json_object_get_object_member(hexes, l->data);
        GbHex h = {g_strdup(l->data), (int)json_object_get_int_member(o, "q"),
                   (int)json_object_get_int_member(o, "r"), g_array_new(FALSE, FALSE, sizeof(int))};
        for (guint i = 0; i < ref->authorities->len; i++) {
            const GbAuthority *a = gb_ref_authority(ref, (int)i);
            for (guint k = 0; k < a->ons->len; k++)
                if (strcmp(g_ptr_array_index(a->ons, k), h.code) == 0)
                    add_current((int)i, h.now);
        }
        ck_assert_msg(h.now->len > 0, "ODI hex %s is no authority of ours", h.code);
        g_array_append_val(out, h);
    }
    g_list_free(codes);
    g_object_unref(parser);
    ck_assert_int_eq(out->len, 151);
    return out;
}

/* TRUE when hexes (q1, r1) and (q2, r2) of an odd-r layout touch. */
static gboolean
touching(int q1, int r1, int q2, int r2)
{
    if (r1 == r2)
        return abs(q1 - q2) == 1;
    if (abs(r1 - r2) != 1)
        return FALSE;
    /* An odd row sits half a column east: it touches q and q+1 of the rows
     * beside it; an even row touches q-1 and q. */
    int d = q2 - q1;
    return (r1 & 1) ? (d == 0 || d == 1) : (d == -1 || d == 0);
}

/* Where our layout departs from the ODI one on purpose. */
static const struct {
    const char *a, *b, *why;
} departures[] = {
    {"Northumberland", "North Tyneside",
     "ODI put North Tyneside on the row above Northumberland; Northumberland is the county "
     "north and west of Tyneside, so it sits west of North Tyneside and above Newcastle"},
    {"North Tyneside", "South Tyneside",
     "North Tyneside came down a row to where Northumberland was, beside South Tyneside across "
     "the Tyne's mouth (west of it, as it is)"},
    {"Bolton", "Salford",
     "Bolton is north-west of Salford: ODI had it east, beside Bury; now beside Wigan, under "
     "Blackburn with Darwen"},
    {"Portsmouth", "Hampshire",
     "ODI put Hampshire on the coast east of Portsmouth; Hampshire lies north and west of it, "
     "so Portsmouth sits east of Hampshire, beside West Sussex"},
    {"Derby", "Derbyshire",
     "Derbyshire is north and west of the city of Derby: ODI had it east; now it touches "
     "Stoke-on-Trent and Stockport as the county does, and Derby touches Nottingham"},
    {"Brent", "Camden",
     "Brent and Camden swapped: ODI had Camden north-west of Brent, which lies west of it"},
    {"Brent", "Hillingdon", "Brent now shares a row with Hillingdon, east of it, as it is"},
    {"Camden", "Islington", "Camden now shares a row with Islington, west of it, as it is"},
    {"Milton Keynes", "Buckinghamshire",
     "North Northamptonshire (Northamptonshire's other successor) and Milton Keynes swapped: "
     "the new authority had gone south of Milton Keynes, which lies south of it; Milton Keynes "
     "now sits beside Buckinghamshire"},
    {"Milton Keynes", "Ealing", "Milton Keynes came down to Buckinghamshire's row, west of Ealing"},
    {"North Northamptonshire", "Leicester",
     "North Northamptonshire sits on the row of Leicester and Leicestershire, east of them and "
     "under Rutland, which it borders"},
    {"North Northamptonshire", "Leicestershire", "as for Leicester"},
};

static int
departure(const char *a, const char *b)
{
    for (gsize i = 0; i < G_N_ELEMENTS(departures); i++)
        if ((strcmp(departures[i].a, a) == 0 && strcmp(departures[i].b, b) == 0) ||
            (strcmp(departures[i].a, b) == 0 && strcmp(departures[i].b, a) == 0))
            return (int)i;
    return -1;
}

START_TEST(test_odi_relations)
{
    GArray *hexes = load_hexes();
    gboolean used[G_N_ELEMENTS(departures)] = {FALSE};
    int pairs = 0;
    GString *wrong = g_string_new(NULL);
    for (guint i = 0; i < hexes->len; i++) {
        const GbHex *h = &g_array_index(hexes, GbHex, i);
        for (guint j = i + 1; j < hexes->len; j++) {
            const GbHex *k = &g_array_index(hexes, GbHex, j);
            if (!touching(h->q, h->r, k->q, k->r))
                continue;
            for (guint s = 0; s < h->now->len; s++)
                for (guint t = 0; t < k->now->len; t++) {
                    const GbAuthority *a = gb_ref_authority(ref, g_array_index(h->now, int, s));
                    const GbAuthority *b = gb_ref_authority(ref, g_array_index(k->now, int, t));
                    double ax, ay, bx, by;
                    tile_xy(a, &ax, &ay);
                    tile_xy(b, &bx, &by);
                    gboolean same = h->r != k->r ? (by - ay) * (k->r - h->r) > 0
                                                 : (bx - ax) * (k->q - h->q) > 0;
                    const char *rel = h->r != k->r ? (k->r > h->r ? "north" : "south")
                                                   : (k->q > h->q ? "east" : "west");
                    pairs++;
                    int dep = departure(a->name, b->name);
                    if (dep >= 0) {
                        ck_assert_msg(!same,
                                      "%s and %s are listed as a departure from the ODI "
                                      "layout but are not one",
                                      a->name, b->name);
                        used[dep] = TRUE;
                    } else if (!same) {
                        g_string_append_printf(wrong,
                                               "\n  %s is %s of %s in the ODI layout, "
                                               "not in tiles.csv",
                                               b->name, rel, a->name);
                    }
                }
        }
    }
    ck_assert_msg(wrong->len == 0, "relations lost:%s", wrong->str);
    for (gsize i = 0; i < G_N_ELEMENTS(departures); i++)
        ck_assert_msg(used[i], "departure %s / %s: not neighbours in the ODI layout",
                      departures[i].a, departures[i].b);
    /* 151 hexes, 399 neighbouring pairs once Northamptonshire and Cumbria
     * stand for their two successors each; 12 of them departures. */
    ck_assert_int_eq(pairs, 399);
    g_string_free(wrong, TRUE);
    g_array_free(hexes, TRUE);
}
END_TEST

/* Facts of geography, each one a place a reader would look first. */
static const struct {
    const char *a;
    const char *dir; /* "north of", "west of", "not south of" */
    const char *b;
} facts[] = {
    {"Northumberland", "north of", "Newcastle upon Tyne"},
    {"Northumberland", "not south of", "North Tyneside"},
    {"Northumberland", "west of", "North Tyneside"},
    {"Northumberland", "north of", "County Durham"},
    {"North Tyneside", "north of", "Gateshead"},
    {"North Tyneside", "west of", "South Tyneside"},
    {"Newcastle upon Tyne", "west of", "Gateshead"},
    {"South Tyneside", "north of", "Sunderland"},
    {"Sunderland", "north of", "County Durham"},
    {"Cumberland", "north of", "Westmorland and Furness"},
    {"Cumberland", "west of", "Northumberland"},
    {"Westmorland and Furness", "north of", "Lancashire"},
    {"West Northamptonshire", "west of", "North Northamptonshire"},
    {"Isles of Scilly", "west of", "Cornwall"},
    {"Cornwall", "west of", "Devon"},
    {"Plymouth", "west of", "Torbay"},
    {"Hampshire", "west of", "West Sussex"},
    {"Surrey", "west of", "Kent"},
    {"Norfolk", "north of", "Suffolk"},
    {"Suffolk", "north of", "Essex"},
    {"Lincolnshire", "north of", "Rutland"},
    {"East Riding of Yorkshire", "north of", "North East Lincolnshire"},
    {"Liverpool", "west of", "Manchester"},
    {"Wirral", "west of", "Liverpool"},
    {"Leeds", "east of", "Bradford"},
    {"Sheffield", "north of", "Derbyshire"},
    {"Bolton", "west of", "Salford"},
    {"Bolton", "north of", "Trafford"},
    {"Salford", "west of", "Bury"},
    {"Hampshire", "west of", "Portsmouth"},
    {"Southampton", "west of", "Hampshire"},
    {"Portsmouth", "west of", "West Sussex"},
    {"Derbyshire", "west of", "Derby"},
    {"Derby", "west of", "Nottingham"},
    {"Derbyshire", "north of", "Staffordshire"},
    {"Hillingdon", "west of", "Brent"},
    {"Brent", "west of", "Haringey"},
    {"Camden", "west of", "Islington"},
    {"Ealing", "west of", "Camden"},
    {"North Northamptonshire", "north of", "Milton Keynes"},
    {"Rutland", "north of", "North Northamptonshire"},
    {"Milton Keynes", "north of", "Hounslow"},
};

START_TEST(test_geography)
{
    double ax, ay, bx, by;
    const GbAuthority *a = gb_ref_authority(ref, find(facts[_i].a));
    const GbAuthority *b = gb_ref_authority(ref, find(facts[_i].b));
    tile_xy(a, &ax, &ay);
    tile_xy(b, &bx, &by);
    const char *d = facts[_i].dir;
    gboolean ok = strcmp(d, "north of") == 0       ? ay > by
                  : strcmp(d, "not south of") == 0 ? ay >= by
                  : strcmp(d, "west of") == 0      ? ax < bx
                  : strcmp(d, "east of") == 0      ? ax > bx
                                                   : FALSE;
    ck_assert_msg(ok, "%s (tile %d,%d) is not %s %s (tile %d,%d)", a->name, a->tile_q, a->tile_r, d,
                  b->name, b->tile_q, b->tile_r);
}
END_TEST

static Suite *
tiles_suite(void)
{
    Suite *s = suite_create("tiles");
    TCase *tc = tcase_create("tiles");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_odi_relations);
    tcase_add_loop_test(tc, test_geography, 0, G_N_ELEMENTS(facts));
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return gb_test_main(tiles_suite());
}
