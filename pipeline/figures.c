/* figures.c - key figures and their differences (see figures.h). */
#include "pipeline/figures.h"

#include "pipeline/summary.h"

#include <csv.h>
#include <string.h>

struct GbFigures {
    GPtrArray *items; /* GbFigure* */
    GHashTable *ids;  /* id -> GbFigure* */
};

static void
gb__figure_free(gpointer p)
{
    GbFigure *f = p;
    g_free(f->id);
    g_free(f->label);
    g_free(f->value);
    g_free(f);
}

GbFigures *
gb_figures_new(void)
{
    GbFigures *f = g_new0(GbFigures, 1);
    f->items = g_ptr_array_new_with_free_func(gb__figure_free);
    f->ids = g_hash_table_new(g_str_hash, g_str_equal);
    return f;
}

void
gb_figures_free(GbFigures *f)
{
    if (f == NULL)
        return;
    g_hash_table_destroy(f->ids);
    g_ptr_array_unref(f->items);
    g_free(f);
}

guint
gb_figures_count(const GbFigures *f)
{
    return f->items->len;
}

const GbFigure *
gb_figures_get(const GbFigures *f, guint i)
{
    return g_ptr_array_index(f->items, i);
}

void
gb_figures_add(GbFigures *f, const char *id, const char *label, const char *value)
{
    if (g_hash_table_contains(f->ids, id))
        return;
    GbFigure *x = g_new0(GbFigure, 1);
    x->id = g_strdup(id);
    x->label = g_strdup(label);
    x->value = g_strdup(value);
    g_ptr_array_add(f->items, x);
    g_hash_table_insert(f->ids, x->id, x);
}

void
gb_figures_add_latest(GbFigures *f, const GbRef *ref, const GbLatest *l,
                      const char *judgement_label, int regime)
{
    char *jl = g_utf8_strdown(judgement_label, -1);
    guint nreg = ref->regions->len;
    int *region = g_new0(int, (gsize)nreg *GB_COMMON_LEVELS);
    for (guint a = 0; a < ref->authorities->len && a < l->grade_of->len; a++) {
        int g = g_array_index(l->grade_of, int, a);
        if (g == -2)
            continue; /* not in existence on the date */
        const GbAuthority *au = gb_ref_authority(ref, (int)a);
        char *id = g_strdup_printf("authority/%s/%s", au->code, l->judgement);
        char *label = g_strdup_printf("%s %s", au->name, jl);
        gb_figures_add(f, id, label,
                       g >= 0 ? gb_summary_level_label(ref, regime, g) : "not inspected");
        g_free(id);
        g_free(label);
        if (g >= 0 && au->region >= 0 && (guint)au->region < nreg)
            region[au->region * GB_COMMON_LEVELS + g]++;
    }
    for (int level = 0; level < GB_COMMON_LEVELS; level++) {
        char *grade = g_utf8_strdown(gb_summary_level_label(ref, regime, level), -1);
        char num[16];
        char *id = g_strdup_printf("england/%s/%d", l->judgement, level);
        char *label = g_strdup_printf("England %s %s", jl, grade);
        g_snprintf(num, sizeof num, "%d", l->count[level]);
        gb_figures_add(f, id, label, num);
        g_free(id);
        g_free(label);
        for (guint r = 0; r < nreg; r++) {
            id = g_strdup_printf("region/%u/%s/%d", r, l->judgement, level);
            label = g_strdup_printf("%s %s %s", (const char *)g_ptr_array_index(ref->regions, r),
                                    jl, grade);
            g_snprintf(num, sizeof num, "%d", region[r * GB_COMMON_LEVELS + level]);
            gb_figures_add(f, id, label, num);
            g_free(id);
            g_free(label);
        }
        g_free(grade);
    }
    g_free(region);
    g_free(jl);
}

/* Appends one RFC 4180 field. */
static void
gb__field(GString *s, const char *v, gboolean last)
{
    gboolean quote = strpbrk(v, ",\"\r\n") != NULL;
    if (quote) {
        g_string_append_c(s, '"');
        for (const char *p = v; *p; p++) {
            if (*p == '"')
                g_string_append_c(s, '"');
            g_string_append_c(s, *p);
        }
        g_string_append_c(s, '"');
    } else {
        g_string_append(s, v);
    }
    g_string_append(s, last ? "\r\n" : ",");
}

char *
gb_figures_to_csv(const GbFigures *f, gsize *len)
{
    GString *s = g_string_new("id,label,value\r\n");
    for (guint i = 0; i < f->items->len; i++) {
        const GbFigure *x = g_ptr_array_index(f->items, i);
        gb__field(s, x->id, FALSE);
        gb__field(s, x->label, FALSE);
        gb__field(s, x->value, TRUE);
    }
    *len = s->len;
    return g_string_free(s, FALSE);
}

typedef struct {
    GbFigures *f;
    GPtrArray *row; /* char* */
    gboolean header, bad;
} GbFigParse;

static void
gb__fig_cell(void *field, size_t len, void *data)
{
    GbFigParse *p = data;
    g_ptr_array_add(p->row, g_strndup(field ? field : "", len));
}

static void
gb__fig_row(int term, void *data)
{
    (void)term;
    GbFigParse *p = data;
    if (p->row->len != 3) {
        p->bad = TRUE;
    } else if (!p->header) {
        p->header = TRUE;
        p->bad |= strcmp(g_ptr_array_index(p->row, 0), "id") != 0;
    } else {
        gb_figures_add(p->f, g_ptr_array_index(p->row, 0), g_ptr_array_index(p->row, 1),
                       g_ptr_array_index(p->row, 2));
    }
    g_ptr_array_set_size(p->row, 0);
}

GbFigures *
gb_figures_parse_csv(const char *text, gsize len, gboolean *ok)
{
    GbFigParse p = {.f = gb_figures_new(), .row = g_ptr_array_new_with_free_func(g_free)};
    if (text != NULL) {
        struct csv_parser cp;
        csv_init(&cp, CSV_STRICT | CSV_STRICT_FINI);
        if (csv_parse(&cp, text, len, gb__fig_cell, gb__fig_row, &p) != len ||
            csv_fini(&cp, gb__fig_cell, gb__fig_row, &p) != 0)
            p.bad = TRUE;
        csv_free(&cp);
        p.bad |= !p.header;
    }
    g_ptr_array_unref(p.row);
    if (p.bad) { /* not ours: as if there were no previous run */
        gb_figures_free(p.f);
        p.f = gb_figures_new();
    }
    if (ok != NULL)
        *ok = !p.bad;
    return p.f;
}

static void
gb__change_free(gpointer p)
{
    GbFigureChange *c = p;
    g_free(c->label);
    g_free(c->from);
    g_free(c->to);
    g_free(c);
}

static void
gb__change(GPtrArray *out, const char *label, const char *from, const char *to)
{
    GbFigureChange *c = g_new0(GbFigureChange, 1);
    c->label = g_strdup(label);
    c->from = g_strdup(from);
    c->to = g_strdup(to);
    g_ptr_array_add(out, c);
}

GPtrArray *
gb_figures_diff(const GbFigures *old, const GbFigures *new_)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(gb__change_free);
    for (guint i = 0; i < new_->items->len; i++) {
        const GbFigure *n = g_ptr_array_index(new_->items, i);
        const GbFigure *o = g_hash_table_lookup(old->ids, n->id);
        if (o == NULL)
            gb__change(out, n->label, "", n->value);
        else if (strcmp(o->value, n->value) != 0)
            gb__change(out, n->label, o->value, n->value);
    }
    for (guint i = 0; i < old->items->len; i++) {
        const GbFigure *o = g_ptr_array_index(old->items, i);
        if (!g_hash_table_contains(new_->ids, o->id))
            gb__change(out, o->label, o->value, "");
    }
    return out;
}

char *
gb_figures_changes_csv(const char *const *files, const GPtrArray *changes, gsize *len)
{
    GString *s = g_string_new("kind,item,from,to\r\n");
    for (const char *const *f = files; f != NULL && *f != NULL; f++) {
        gb__field(s, "file", FALSE);
        gb__field(s, *f, FALSE);
        gb__field(s, "", FALSE);
        gb__field(s, "rewritten", TRUE);
    }
    for (guint i = 0; changes != NULL && i < changes->len; i++) {
        const GbFigureChange *c = g_ptr_array_index(changes, i);
        gb__field(s, "figure", FALSE);
        gb__field(s, c->label, FALSE);
        gb__field(s, c->from, FALSE);
        gb__field(s, c->to, TRUE);
    }
    *len = s->len;
    return g_string_free(s, FALSE);
}
