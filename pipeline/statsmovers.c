/* statsmovers.c - `stats --movers family|any`: the moves between an
 * authority's consecutive comparable judgements and the transition matrices
 * per pair of regimes (pipeline/position.h), as a table, CSV or JSON. */
#include "pipeline/statsfmt-private.h"

#include "pipeline/text.h"

/* TRUE when --family leaves family f out (f -1: across families, never). */
static gboolean
gb__family_skipped(const GbRun *run, int f)
{
    if (run->o->family == NULL || f < 0)
        return FALSE;
    return f != g_array_index(run->families, int, 0);
}

static const char *
gb__family_id(const GbRef *ref, int f)
{
    return f >= 0 ? (const char *)g_ptr_array_index(ref->families, f) : "any";
}

static void
gb__movers_csv(const GbRun *run, const GbMovers *mv, GString *s)
{
    const GbRef *ref = run->t->ref;
    const char *header[] = {"family",      "authority",        "dfe_code",     "ons_code",
                            "region",      "from_authority",   "from_date",    "from_year",
                            "from_regime", "from_judgement",   "from_grade",   "to_date",
                            "to_year",     "to_regime",        "to_judgement", "to_grade",
                            "steps",       "from_predecessor", "counted",      "cross_family"};
    gb__statsfmt_csv_row(s, header, G_N_ELEMENTS(header));
    for (guint i = 0; i < mv->moves->len; i++) {
        const GbMover *m = &g_array_index(mv->moves, GbMover, i);
        if (gb__family_skipped(run, m->family))
            continue;
        const GbAuthority *au = gb_ref_authority(ref, m->authority);
        char fy[8], ty[8], steps[8], d1[11] = "", d2[11] = "";
        if (m->from.date)
            gb_text_format_date(m->from.date, d1);
        if (m->to.date)
            gb_text_format_date(m->to.date, d2);
        g_snprintf(fy, sizeof fy, "%d", m->from.year);
        g_snprintf(ty, sizeof ty, "%d", m->to.year);
        g_snprintf(steps, sizeof steps, "%d", m->steps);
        const char *cells[] = {gb__family_id(ref, m->family),
                               au->name,
                               au->code,
                               gb__statsfmt_ons(au),
                               g_ptr_array_index(ref->regions, au->region),
                               m->from.as_authority >= 0
                                   ? gb_ref_authority(ref, m->from.as_authority)->name
                                   : au->name,
                               d1,
                               fy,
                               gb_ref_regime(ref, m->from.regime)->id,
                               gb_ref_judgement(ref, m->from.judgement)->id,
                               gb__statsfmt_common_ids[m->from.common],
                               d2,
                               ty,
                               gb_ref_regime(ref, m->to.regime)->id,
                               gb_ref_judgement(ref, m->to.judgement)->id,
                               gb__statsfmt_common_ids[m->to.common],
                               steps,
                               m->from_predecessor ? "yes" : "no",
                               m->counted ? "yes" : "no",
                               m->cross_family ? "yes" : "no"};
        gb__statsfmt_csv_row(s, cells, G_N_ELEMENTS(cells));
    }
}

static void
gb__json_matrix(JsonBuilder *b, const GbRef *ref, const GbTransitionMatrix *x)
{
    json_builder_begin_object(b);
    gb__statsfmt_json_str(b, "family", gb__family_id(ref, x->family));
    gb__statsfmt_json_str(b, "from_regime", gb_ref_regime(ref, x->from_regime)->id);
    gb__statsfmt_json_str(b, "to_regime", gb_ref_regime(ref, x->to_regime)->id);
    gb__statsfmt_json_int(b, "pairs", x->pairs);
    gb__statsfmt_json_int(b, "up", x->up);
    gb__statsfmt_json_int(b, "down", x->down);
    gb__statsfmt_json_int(b, "same", x->same);
    json_builder_set_member_name(b, "count");
    json_builder_begin_array(b);
    for (int p = 0; p < GB_COMMON_LEVELS; p++) {
        json_builder_begin_array(b);
        for (int q = 0; q < GB_COMMON_LEVELS; q++)
            json_builder_add_int_value(b, x->count[p][q]);
        json_builder_end_array(b);
    }
    json_builder_end_array(b);
    json_builder_end_object(b);
}

static void
gb__json_move(JsonBuilder *b, const GbRef *ref, const GbMover *m)
{
    const GbAuthority *au = gb_ref_authority(ref, m->authority);
    json_builder_begin_object(b);
    gb__statsfmt_json_str(b, "family", gb__family_id(ref, m->family));
    gb__statsfmt_json_str(b, "authority", au->name);
    gb__statsfmt_json_str(b, "dfe_code", au->code);
    gb__statsfmt_json_str(b, "ons_code", gb__statsfmt_ons(au));
    if (m->from_predecessor)
        gb__statsfmt_json_str(b, "from_predecessor",
                              gb_ref_authority(ref, m->from.as_authority)->name);
    gb__statsfmt_json_date(b, "from_date", m->from.date);
    gb__statsfmt_json_int(b, "from_year", m->from.year);
    gb__statsfmt_json_str(b, "from_regime", gb_ref_regime(ref, m->from.regime)->id);
    gb__statsfmt_json_str(b, "from_grade", gb__statsfmt_common_ids[m->from.common]);
    gb__statsfmt_json_date(b, "to_date", m->to.date);
    gb__statsfmt_json_int(b, "to_year", m->to.year);
    gb__statsfmt_json_str(b, "to_regime", gb_ref_regime(ref, m->to.regime)->id);
    gb__statsfmt_json_str(b, "to_grade", gb__statsfmt_common_ids[m->to.common]);
    gb__statsfmt_json_int(b, "steps", m->steps);
    json_builder_set_member_name(b, "counted");
    json_builder_add_boolean_value(b, m->counted);
    json_builder_set_member_name(b, "cross_family");
    json_builder_add_boolean_value(b, m->cross_family);
    json_builder_end_object(b);
}

static void
gb__movers_json(const GbRun *run, const GbMovers *mv, FILE *out)
{
    const GbRef *ref = run->t->ref;
    JsonBuilder *b = json_builder_new();
    json_builder_begin_object(b);
    gb__statsfmt_json_as_at(b, run);
    gb__statsfmt_json_str(b, "mode", mv->mode == GB_MOVERS_ANY ? "any" : "family");
    gb__statsfmt_json_int(b, "gaps", mv->gaps);
    gb__statsfmt_json_int(b, "selection_rows_left_out", mv->selection_rows);
    json_builder_set_member_name(b, "matrices");
    json_builder_begin_array(b);
    for (guint i = 0; i < mv->matrices->len; i++) {
        const GbTransitionMatrix *x = &g_array_index(mv->matrices, GbTransitionMatrix, i);
        if (!gb__family_skipped(run, x->family))
            gb__json_matrix(b, ref, x);
    }
    json_builder_end_array(b);
    json_builder_set_member_name(b, "moves");
    json_builder_begin_array(b);
    for (guint i = 0; i < mv->moves->len; i++) {
        const GbMover *m = &g_array_index(mv->moves, GbMover, i);
        if (!gb__family_skipped(run, m->family))
            gb__json_move(b, ref, m);
    }
    json_builder_end_array(b);
    json_builder_end_object(b);
    gb__statsfmt_json_write(b, out);
}

static void
gb__table_matrix(GString *s, const GbRef *ref, const GbTransitionMatrix *x)
{
    char label[64];
    g_string_append_printf(s,
                           "\n%s: %s -> %s, %d pairs (%d up, %d down, %d the same)\n"
                           "  %-32s",
                           x->family >= 0
                               ? gb__statsfmt_family_label(ref, x->family, label, sizeof label)
                               : "Any family",
                           gb_ref_regime(ref, x->from_regime)->short_name,
                           gb_ref_regime(ref, x->to_regime)->short_name, x->pairs, x->up, x->down,
                           x->same, "from \\ to");
    /* Each level's label in full: a column is as wide as its label. */
    int width[GB_COMMON_LEVELS];
    for (int q = 0; q < GB_COMMON_LEVELS; q++) {
        width[q] = MAX(12, (int)g_utf8_strlen(ref->common_labels[q], -1));
        g_string_append_printf(s, " %*s", width[q], ref->common_labels[q]);
    }
    g_string_append_c(s, '\n');
    for (int p = 0; p < GB_COMMON_LEVELS; p++) {
        g_string_append_printf(s, "  %-32s", ref->common_labels[p]);
        for (int q = 0; q < GB_COMMON_LEVELS; q++)
            g_string_append_printf(s, " %*d", width[q], x->count[p][q]);
        g_string_append_c(s, '\n');
    }
}

static void
gb__movers_table(const GbRun *run, const GbMovers *mv, GString *s)
{
    const GbRef *ref = run->t->ref;
    char d1[32];
    gb_text_format_date_long(mv->as_at, d1, sizeof d1);
    g_string_append_printf(
        s, "Movers on or before %s (%s): %s\n", d1, gb_position_as_at_source(run->at.source),
        mv->mode == GB_MOVERS_ANY ? "consecutive headline judgements of any regimes, ACROSS "
                                    "FAMILIES where marked (different questions)"
                                  : "consecutive judgements of one family, same or adjacent "
                                    "regimes");
    g_string_append_printf(s,
                           "Not compared: %u pairs of non-adjacent regimes; %u selection "
                           "rows left out\n",
                           mv->gaps, mv->selection_rows);
    for (guint i = 0; i < mv->matrices->len; i++) {
        const GbTransitionMatrix *x = &g_array_index(mv->matrices, GbTransitionMatrix, i);
        if (!gb__family_skipped(run, x->family))
            gb__table_matrix(s, ref, x);
    }
    g_string_append(s, "\nMoves (steps: + up, - down)\n");
    for (guint i = 0; i < mv->moves->len; i++) {
        const GbMover *m = &g_array_index(mv->moves, GbMover, i);
        if (m->steps == 0 || gb__family_skipped(run, m->family))
            continue;
        g_string_append_printf(s, "  %-22.22s %-36.36s %+d  ", gb__family_id(ref, m->family),
                               gb_ref_authority(ref, m->authority)->name, m->steps);
        gb__statsfmt_event_text(s, ref, &m->from);
        g_string_append(s, " -> ");
        gb__statsfmt_event_text(s, ref, &m->to);
        if (m->from_predecessor)
            g_string_append(s, " [from its predecessor]");
        if (!m->counted)
            g_string_append(s, " [counted under another successor]");
        if (m->cross_family)
            g_string_append(s, " [across families]");
        g_string_append_c(s, '\n');
    }
}

void
gb__statsfmt_movers(const GbRun *run, const GbMovers *mv, FILE *out)
{
    if (run->o->format == GB_FMT_JSON) {
        gb__movers_json(run, mv, out);
        return;
    }
    GString *s = g_string_new(NULL);
    if (run->o->format == GB_FMT_CSV)
        gb__movers_csv(run, mv, s);
    else
        gb__movers_table(run, mv, s);
    fwrite(s->str, 1, s->len, out);
    g_string_free(s, TRUE);
}
