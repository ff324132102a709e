/* briefing.c - the national briefing as a document tree (see briefing.h): a
 * registry of sections, each one function that arranges figures, tables and
 * sentences from brieftables.c; then the renderers (PDF, HTML) and the
 * companion files (charts, CSV tables) from the same tree. Nothing here
 * computes a figure: counts, shares and comparisons come from the compute
 * stage and pipeline/summary.c. */
#include "output/briefing-private.h"
#include "output/docx.h"

#include "output/chartfile.h"
#include "output/csvout.h"
#include "output/html.h"
#include "output/mapkey.h"
#include "output/pdf.h"
#include "pipeline/text.h"

#include <string.h>

/* A section: adding one is a row here and its function. compose returns FALSE
 * with *error when a chart it needs cannot be made. */
typedef gboolean (*GbSectionFn)(GbBriefing *b, GbTreeSection *s, char **error);

typedef struct {
    const char *id, *title;
    GbSectionFn compose;
} GbBriefingSection;

/* Adds chart `name` as a figure captioned with its title; takes data. */
static gboolean
gb__figure(GbBriefing *b, GbTreeSection *s, const char *name, GbTreeTable *data, char **error)
{
    GbChartInput ci = {.table = b->in.table,
                       .stats = b->in.stats,
                       .moves = b->in.moves,
                       .latest = b->in.latest,
                       .authority = -1,
                       .positions = b->positions,
                       .family = b->family,
                       .mover_totals = b->movers != NULL ? &b->moved : NULL,
                       .mover_scope = b->mover_scope,
                       .level_labels = b->labels};
    char *why = NULL;
    GbChart *c = gb_chart_new(name, &ci, &why);
    if (c == NULL) {
        *error = g_strdup_printf("chart '%s': %s", name, why);
        g_free(why);
        gb_tree_table_free(data);
        return FALSE;
    }
    gb_tree_figure(b->tree, s, c, gb_chart_title(c), data);
    return TRUE;
}

static gboolean
gb__sec_findings(GbBriefing *b, GbTreeSection *s, char **error)
{
    GPtrArray *f = gb__briefing_findings(b);
    gb_tree_list(s, (const char *const *)f->pdata, (int)f->len);
    g_ptr_array_free(f, TRUE);
    gb_tree_note(s, "Figures marked \"as published\" are the inspectorate's own, as the press "
                    "reported them; all others are computed by gradebrief from one row per "
                    "authority and judgement. The methodology section reconciles the two where "
                    "both exist.");
    return TRUE;
}

/* The years whose rows are a selection (coverage.csv), left out of the
 * distribution chart, and those of them shown from published counts. */
static char *
gb__selection_text(const GbBriefing *b)
{
    const GbRef *ref = b->ref;
    GPtrArray *years = g_ptr_array_new_with_free_func(g_free);
    GString *instead = g_string_new(NULL);
    for (guint i = 0; i < ref->coverage->len; i++) {
        const GbCoverage *c = &g_array_index(ref->coverage, GbCoverage, i);
        if (c->regime < 0 || c->judgement != gb_ref_headline_judgement(ref, c->regime))
            continue;
        const char *name = gb_ref_regime(ref, c->regime)->short_name;
        g_ptr_array_add(years, g_strdup_printf("%s in %d", name, c->year));
        guint count[GB_MAX_GRADES], base;
        if (gb_summary_published_counts(ref, b->in.stats, c->year, c->regime, c->judgement, -1,
                                        count, &base))
            g_string_append_printf(instead,
                                   "%sfor %s in %d the published counts of %u "
                                   "councils",
                                   instead->len ? ", and " : "", name, c->year, base);
    }
    char *list = gb__join_and(years);
    char *text = years->len == 0 ? g_strdup("")
                 : instead->len == 0
                     ? g_strdup_printf(" Years whose rows name only some authorities are left "
                                       "out of the chart: %s.",
                                       list)
                     : g_strdup_printf(" Years whose rows name only some authorities are left "
                                       "out of the chart: %s; %s are shown instead.",
                                       list, instead->str);
    g_free(list);
    g_ptr_array_free(years, TRUE);
    g_string_free(instead, TRUE);
    return text;
}

static gboolean
gb__sec_distributions(GbBriefing *b, GbTreeSection *s, char **error)
{
    char *selection = gb__selection_text(b);
    gb_tree_paragraph_take(
        s, g_strdup_printf("Each bar splits one year's headline judgements by grade. The "
                           "inspection regime changed every few years and with it the "
                           "grade scale; grades are shown on a common four-level scale, "
                           "on which \"adequate\" (before 2013) and \"requires "
                           "improvement\" (since) share the third level.%s",
                           selection));
    g_free(selection);
    GbTreeTable *t = gb__table_distributions(b);
    if (!gb__figure(b, s, "distribution",
                    gb_tree_table_copy(t, "distribution-data",
                                       "Headline judgements made in each year: counted from "
                                       "rows, or as Ofsted published them, with their bases"),
                    error)) {
        gb_tree_table_free(t);
        return FALSE;
    }
    gb_tree_heading(s, "Counts and shares");
    gb_tree_add_table(s, t);
    return TRUE;
}

static gboolean
gb__sec_changes(GbBriefing *b, GbTreeSection *s, char **error)
{
    const GbPosition *now, *before, *base;
    gb_summary_change_positions(b->ref, b->positions, b->family, b->as_at, &now, &before, &base);
    if (now == NULL || (before == NULL && base == NULL)) {
        gb_tree_paragraph(s, "The data has no earlier position to compare today's with.");
    } else {
        int j = gb_ref_headline_judgement(b->ref, b->current);
        char *judgement = gb__lower(gb_ref_judgement(b->ref, j)->label);
        char when[32], wb[32] = "", wf[32] = "";
        gb_text_format_date_long(now->as_at, when, sizeof when);
        if (before != NULL)
            gb_text_format_date_long(before->as_at, wb, sizeof wb);
        if (base != NULL)
            gb_text_format_date_long(base->as_at, wf, sizeof wf);
        GString *t = g_string_new(NULL);
        g_string_append_printf(t,
                               "England's position as at %s (each authority's most recent %s "
                               "judgement: a position, counting every authority once) against ",
                               when, judgement);
        if (before != NULL)
            g_string_append_printf(t, "the position a year earlier, as at %s", wb);
        if (before != NULL && base != NULL)
            g_string_append(t, ", and against ");
        if (base != NULL) {
            char *regimes = gb__position_regimes(b->ref, base);
            g_string_append_printf(t,
                                   "the position as at %s, after the first full year of %s "
                                   "inspections (its authorities' latest judgements then: %s)",
                                   wf, gb_ref_regime(b->ref, b->current)->short_name, regimes);
            g_free(regimes);
        }
        g_string_append(t, ". Each figure is a count of the authorities with a judgement "
                           "on the date (N of BASE) with its share; changes are in percentage "
                           "points. The inspections made in each year are a different set of "
                           "authorities each year and are not compared here (see the grade "
                           "distributions).");
        gb_tree_paragraph_take(s, g_string_free(t, FALSE));
        g_free(judgement);
        GbTreeTable *t2 = gb__table_changes(b);
        if (!gb__figure(b, s, "dumbbell",
                        gb_tree_table_copy(t2, "dumbbell-data",
                                           "England's position at each date and the changes "
                                           "in percentage points"),
                        error)) {
            gb_tree_table_free(t2);
            return FALSE;
        }
        gb_tree_add_table(s, t2);
    }
    GbTreeTable *pub = gb__table_published_changes(b);
    if (gb_tree_table_rows(pub) > 0) {
        gb_tree_heading(s, "Changes Ofsted published");
        gb_tree_paragraph(s, "A secondary figure: the changes the sources published between "
                             "two years, each a share of the councils inspected that year "
                             "(a flow, as published), not England's position.");
        gb_tree_add_table(s, pub);
    } else {
        gb_tree_table_free(pub);
    }
    return TRUE;
}

/* A family id for people: "overall_effectiveness" -> "overall effectiveness". */
static char *
gb__family_words(const GbRef *ref, int family)
{
    char *w = g_strdup(g_ptr_array_index(ref->families, family));
    g_strdelimit(w, "_", ' ');
    return w;
}

/* When the published position of as_at counts another judgement family than
 * the table of positions, one sentence saying which each counts and why their
 * figures differ; NULL when they count the same family or either is missing. */
static char *
gb__position_family_note(const GbBriefing *b, guint32 as_at)
{
    const GbPositionPair *pair = NULL;
    for (guint i = 0; b->position_pairs != NULL && i < b->position_pairs->len && pair == NULL; i++)
        if (g_array_index(b->position_pairs, GbPositionPair, i).as_at == as_at)
            pair = &g_array_index(b->position_pairs, GbPositionPair, i);
    const GbPosition *row = NULL;
    for (guint i = 0; b->positions != NULL && i < b->positions->len && row == NULL; i++)
        if (g_array_index(b->positions, GbPosition, i).as_at == as_at)
            row = &g_array_index(b->positions, GbPosition, i);
    if (pair == NULL || row == NULL || b->family < 0 || pair->family == b->family ||
        !gb_summary_position_covered(row))
        return NULL;
    char when[32];
    gb_text_format_date_long(as_at, when, sizeof when);
    char *ours = gb__family_words(b->ref, b->family);
    char *theirs = gb__family_words(b->ref, pair->family);
    char *row_inad = gb__n_of(row->count[GB_COMMON_LEVELS - 1], row->base);
    char *pub_inad = gb__n_of(pair->position.count[GB_COMMON_LEVELS - 1], pair->position.base);
    char *out = g_strdup_printf(
        "The table of positions above counts each authority's most recent %s judgement, "
        "%s inadequate as at %s; this position counts its most recent %s judgement, the "
        "family Ofsted's annual report counted, %s inadequate, and the two differ because "
        "an authority's %s and %s judgements need not be the same grade.",
        ours, row_inad, when, theirs, pub_inad, theirs, ours);
    g_free(ours);
    g_free(theirs);
    g_free(row_inad);
    g_free(pub_inad);
    return out;
}

static gboolean
gb__sec_inadequate(GbBriefing *b, GbTreeSection *s, char **error)
{
    const GbRef *ref = b->ref;
    int j = b->current >= 0 ? gb_ref_headline_judgement(ref, b->current) : -1;
    char *judgement = gb__lower(j >= 0 ? gb_ref_judgement(ref, j)->label : "headline");
    gboolean any = FALSE;
    for (guint i = 0; b->positions != NULL && i < b->positions->len; i++)
        any = any || gb_summary_position_covered(&g_array_index(b->positions, GbPosition, i));
    gb_tree_paragraph_take(
        s, g_strdup_printf("The share of authorities whose most recent %s judgement was "
                           "inadequate, as at 31 March each year (Ofsted's own series)%s%s: a "
                           "position, counting every authority once, not the inspections "
                           "made in a year. The base is the authorities with a judgement on the "
                           "date; dates on which fewer than half had one are left out. The "
                           "inspections made in each year are in the table of grade "
                           "distributions.",
                           judgement, b->as_at % 10000 == 331 ? "" : " and as at ",
                           b->as_at % 10000 == 331 ? "" : b->as_at_text));
    g_free(judgement);
    if (!any) {
        gb_tree_paragraph(s, "No date in the data has a judgement for at least half of the "
                             "authorities, so no position is shown.");
        return TRUE;
    }
    if (!gb__figure(b, s, "trend", gb__data_trend(b), error))
        return FALSE;
    gb_tree_heading(s, "Positions at every grade");
    gb_tree_add_table(s, gb__table_positions(b));
    /* Ofsted's published positions of earlier dates, against the rows. */
    for (guint i = 0; b->position_pairs != NULL && i < b->position_pairs->len; i++) {
        guint32 d = g_array_index(b->position_pairs, GbPositionPair, i).as_at;
        /* The document's own date is the section's first table, reconciled there. */
        if (d == b->as_at ||
            (i > 0 && g_array_index(b->position_pairs, GbPositionPair, i - 1).as_at == d))
            continue;
        char when[32];
        gb_text_format_date_long(d, when, sizeof when);
        char *heading = g_strdup_printf("The position as at %s, as published", when);
        gb_tree_heading(s, heading);
        g_free(heading);
        char *text = gb__position_pairs_text(b, d);
        if (text != NULL)
            gb_tree_paragraph_take(s, text);
        char *why = gb__position_family_note(b, d);
        if (why != NULL)
            gb_tree_paragraph_take(s, why);
        GbTreeTable *t = gb__table_position_pairs(b, d);
        if (t != NULL)
            gb_tree_add_table(s, t);
    }
    return TRUE;
}

static gboolean
gb__sec_unannounced(GbBriefing *b, GbTreeSection *s, char **error)
{
    gb_tree_paragraph(s, "From 2009 Ofsted made unannounced inspections of councils' contact, "
                         "referral and assessment arrangements. They give no grade: a council "
                         "has \"areas for priority action\" or only \"areas for development\". "
                         "Early press reports called the former \"serious concerns\".");
    if (b->ungraded >= 0) {
        const GbRegime *rg = gb_ref_regime(b->ref, b->ungraded);
        const GbGrade *worst = gb_ref_grade(b->ref, b->ungraded, (int)rg->grades->len - 1);
        const GbMeasure *early = gb_summary_smallest_published(b->in.stats, b->ungraded, worst->id);
        if (early != NULL)
            gb_tree_paragraph_take(
                s, g_strdup_printf("Before the reports were published, %d of the first "
                                   "%d councils spot-checked were reported to have "
                                   "serious concerns (%.0f%%).",
                                   early->count, early->base, early->percent));
    }
    gb_tree_add_table(s, gb__table_unannounced(b));
    return TRUE;
}

static gboolean
gb__sec_map(GbBriefing *b, GbTreeSection *s, char **error)
{
    if (!gb__figure(b, s, "counts", gb__data_counts(b), error) ||
        !gb__figure(b, s, "map", NULL, error))
        return FALSE;
    /* The key to the tiles' codes right after the map: its data table, which
     * the PDF shows too (a figure's own data table is for HTML and Word). */
    gb_tree_add_table(s, gb_map_key_table(b->ref, b->in.latest, b->labels, b->tree->figures));
    return TRUE;
}

static gboolean
gb__sec_authorities(GbBriefing *b, GbTreeSection *s, char **error)
{
    char *current = b->current >= 0 ? g_strdup_printf(" (and, for %s, the one before)",
                                                      gb_ref_regime(b->ref, b->current)->short_name)
                                    : g_strdup("");
    GPtrArray *tables = gb__tables_authorities(b);
    gb_tree_paragraph_take(
        s, g_strdup_printf("Every children's services authority since 2006, with its "
                           "latest headline judgement in each regime%s and the date it "
                           "was made or published. Authorities created or abolished "
                           "since 2006 are marked with the dates they existed; successors' "
                           "histories include their predecessors' judgements. Cells are "
                           "coloured by grade on the common scale and the grade is written "
                           "out.%s",
                           current,
                           tables->len > 1 ? " The recent regimes come first, the earlier "
                                             "ones in a second table."
                                           : ""));
    g_free(current);
    for (guint i = 0; i < tables->len; i++)
        gb_tree_add_table(s, g_ptr_array_index(tables, i));
    g_ptr_array_free(tables, TRUE);
    return TRUE;
}

static gboolean
gb__sec_movers(GbBriefing *b, GbTreeSection *s, char **error)
{
    if (b->movers == NULL || b->moved.moves == 0) {
        gb_tree_paragraph(s, "No authority has two consecutive judgements of the same family "
                             "to compare.");
        return TRUE;
    }
    gb_tree_paragraph_take(
        s,
        g_strdup_printf("A move is between two consecutive %s of the same authority: like "
                        "with like, within one judgement family and the same or the next "
                        "regime, never from a row of a year whose rows name only some "
                        "authorities. A move from a predecessor authority's judgement is "
                        "labelled and counted for one successor only. Grades are compared "
                        "on the common four-level scale and the number of grades moved is "
                        "shown. Of %d moves, %d were up, %d down and %d the same grade.",
                        b->mover_scope, b->moved.moves, b->moved.up, b->moved.down, b->moved.same));
    if (!gb__figure(b, s, "transitions", gb__data_transitions(b), error))
        return FALSE;
    gb_tree_heading(s, "Every move, improvements first");
    gb_tree_add_table(s, gb__table_movers(b));
    return TRUE;
}

static gboolean
gb__sec_context(GbBriefing *b, GbTreeSection *s, char **error)
{
    const GbHeadline *r0, *r1;
    double pct;
    if (gb_summary_context_change(b->ref, "referrals", &r0, &r1, &pct)) {
        char a[32], z[32];
        gb_format_number(r0->value, 0, a, sizeof a);
        gb_format_number(r1->value, 0, z, sizeof z);
        gb_tree_paragraph_take(s, g_strdup_printf("The number of children referred to social "
                                                  "services rose from %s in %d to %s in %d, "
                                                  "%.1f%% more.",
                                                  a, r0->year, z, r1->year, pct));
    }
    gb_tree_heading(s, "Every published figure");
    gb_tree_add_table(s, gb__table_published(b));
    return TRUE;
}

static gboolean
gb__sec_methodology(GbBriefing *b, GbTreeSection *s, char **error)
{
    if (b->in.selection != NULL) {
        /* A restricted briefing says first what it leaves out. */
        gb_tree_heading(s, "What this briefing leaves out");
        gb_tree_paragraph(s, b->in.selection);
    }
    gb_tree_heading(s, "Regimes and their scales");
    gb_tree_paragraph(s, "Ofsted's inspection framework for children's services changed every "
                         "few years, and with it the grade scale. To compare across regimes, "
                         "each grade is mapped to a common four-level scale: outstanding, good, "
                         "adequate or requires improvement, and inadequate. The unannounced "
                         "inspections of 2009 gave no grade and stay outside it.");
    gb_tree_add_table(s, gb__table_regimes(b));
    gb_tree_heading(s, "Computed and published figures");
    gb_tree_paragraph(s, "Where a year has both rows and a published figure of the same "
                         "measure on the same base, the two are shown side by side with the "
                         "reason for any difference. Pairs that do not measure the same thing "
                         "(a published figure of those inspected against rows of every council, "
                         "or rows that name only some councils) are listed after the table and "
                         "not subtracted.");
    gb_tree_add_table(s, gb__table_reconciliation(b));
    GPtrArray *left = gb__reconciliation_left_out(b);
    if (left->len > 0) {
        gb_tree_heading(s, "Figures not compared");
        gb_tree_list(s, (const char *const *)left->pdata, (int)left->len);
    }
    g_ptr_array_free(left, TRUE);
    gb_tree_heading(s, "What was read");
    gb_tree_paragraph(s, "Every input row is accounted for: used, merged as an identical "
                         "duplicate of a row already read (the latest-judgements sheet repeats "
                         "the inspection history), or rejected. Cells that mean \"not judged\" "
                         "(care leavers before 2023) are counted, not used.");
    gb_tree_add_table(s, gb__table_accounting(b));
    if (b->in.table->after > 0) {
        /* Reported, never shown: nothing dated after the as-at date appears. */
        char n[32];
        gb_format_number((double)b->in.table->after, 0, n, sizeof n);
        gb_tree_paragraph_take(s,
                               g_strdup_printf("%s judgement%s dated after %s, the date "
                                               "this briefing is as at, %s left out of "
                                               "every figure, table and chart.",
                                               n, b->in.table->after == 1 ? "" : "s", b->as_at_text,
                                               b->in.table->after == 1 ? "was" : "were"));
    }
    gb_tree_heading(s, "Sources and licences");
    GPtrArray *sources = gb_summary_sources(b->in.table);
    GPtrArray *people = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < sources->len; i++)
        g_ptr_array_add(people, gb__source_for_people(g_ptr_array_index(sources, i)));
    gb_tree_list(s, (const char *const *)people->pdata, (int)people->len);
    g_ptr_array_free(people, TRUE);
    g_ptr_array_free(sources, TRUE);
    gb_tree_paragraph(s, "Ofsted data: \u00a9 Crown copyright, Open Government Licence v3.0. "
                         "DfE statistical neighbours model 2025. Tile map layout: ODI Leeds hex "
                         "map of English upper-tier authorities (MIT licence), updated for the "
                         "2021 and 2023 reorganisations. Press articles: only names and figures "
                         "are reproduced.");
    return TRUE;
}

static const GbBriefingSection gb__sections[] = {
    {"findings", "Key findings", gb__sec_findings},
    {"distributions", "Grade distributions by year and regime", gb__sec_distributions},
    {"changes", "Headline changes", gb__sec_changes},
    {"inadequate", "Inadequate judgements over time", gb__sec_inadequate},
    {"unannounced", "Unannounced inspections", gb__sec_unannounced},
    {"map", "Latest grades across England", gb__sec_map},
    {"authorities", "Every authority's judgements", gb__sec_authorities},
    {"movers", "Who moved up or down", gb__sec_movers},
    {"context", "Context figures", gb__sec_context},
    {"methodology", "Methodology and sources", gb__sec_methodology},
};

static const GbBriefingSection *
gb__find_section(const char *id)
{
    for (gsize i = 0; i < G_N_ELEMENTS(gb__sections); i++)
        if (strcmp(gb__sections[i].id, id) == 0)
            return &gb__sections[i];
    return NULL;
}

gboolean
gb_briefing_has_section(const char *id)
{
    return id != NULL && gb__find_section(id) != NULL;
}

const char *const *
gb_briefing_section_ids(void)
{
    static const char *ids[G_N_ELEMENTS(gb__sections) + 1];
    for (gsize i = 0; i < G_N_ELEMENTS(gb__sections); i++)
        ids[i] = gb__sections[i].id;
    return ids;
}

static int
gb__first_ungraded(const GbRef *ref)
{
    for (guint r = 0; r < ref->regimes->len; r++)
        if (!gb_ref_regime(ref, (int)r)->graded)
            return (int)r;
    return -1;
}

GbBriefing *
gb_briefing_new(const GbBriefingInput *in, char **error)
{
    GbBriefing *b = g_new0(GbBriefing, 1);
    const GbConfig *c = in->config;
    b->in = *in;
    b->ref = in->table->ref;
    b->current = gb_summary_current_regime(b->ref);
    b->ungraded = gb__first_ungraded(b->ref);
    char when[32];
    b->as_at = in->latest->as_at;
    gb_text_format_date_long(b->as_at, when, sizeof when);
    b->as_at_text = g_strdup(when);
    /* Positions as at a date and movers like with like: computed by the
     * compute stage (position.h, summary.h), only chosen here. */
    b->family = gb_summary_headline_family(b->ref, b->current);
    for (int k = 0; k < GB_COMMON_LEVELS; k++)
        b->labels[k] = b->ref->common_labels[k];
    if (b->family >= 0) {
        GArray *dates = gb_summary_position_dates(in->table, b->as_at);
        b->positions = gb_position_series(in->table, b->family,
                                          (const guint32 *)(void *)dates->data, dates->len, FALSE);
        g_array_free(dates, TRUE);
        b->now = gb_summary_position_on(b->positions, b->family, b->as_at);
        b->year_before =
            gb_summary_position_on(b->positions, b->family, gb_position_year_earlier(b->as_at));
        if (b->now != NULL)
            for (int k = 0; k < GB_COMMON_LEVELS; k++)
                b->labels[k] = gb_summary_position_label(b->ref, b->now, k, &b->labels_mixed);
        if (in->table->rows != NULL && in->table->rows->len > 0) {
            b->movers = gb_position_movers(in->table, GB_MOVERS_FAMILY, b->as_at);
            gb_summary_mover_totals(b->movers, b->family, &b->moved);
            b->mover_scope = gb__mover_scope(b);
        }
    }
    b->group_pairs = gb_summary_group_pairs(in->table, in->stats);
    b->position_pairs = in->table->rows != NULL ? gb_summary_position_pairs(in->table) : NULL;
    b->tree = gb_tree_new(c->title, c->subtitle, c->language);
    b->tree->cover = TRUE;
    gb_tree_cover_line(b->tree, c->organisation);
    char *asat = g_strdup_printf("Data as at %s", when);
    gb_tree_cover_line(b->tree, asat);
    g_free(asat);
    char *data = gb__data_text(b, TRUE);
    gb_tree_cover_line(b->tree, data);
    g_free(data);
    b->data_text = gb__data_text(b, FALSE);
    char nj[32], na[32], nh[32];
    gb_format_number(in->table->rows->len, 0, nj, sizeof nj);
    gb_format_number(b->ref->authorities->len, 0, na, sizeof na);
    gb_format_number(b->ref->headlines->len, 0, nh, sizeof nh);
    char *rows = g_strdup_printf("Computed from %s judgements of %s authorities, and %s "
                                 "published figures",
                                 nj, na, nh);
    gb_tree_cover_line(b->tree, rows);
    g_free(rows);
    for (guint i = 0; i < c->sections->len; i++) {
        const GbBriefingSection *sec = gb__find_section(g_ptr_array_index(c->sections, i));
        if (sec == NULL) { /* config.c checks ids against this registry */
            *error =
                g_strdup_printf("unknown section '%s'", (char *)g_ptr_array_index(c->sections, i));
            gb_briefing_free(b);
            return NULL;
        }
        if (!sec->compose(b, gb_tree_section(b->tree, sec->id, sec->title), error)) {
            gb_briefing_free(b);
            return NULL;
        }
    }
    return b;
}

void
gb_briefing_free(GbBriefing *b)
{
    if (b == NULL)
        return;
    gb_tree_free(b->tree);
    if (b->svgs != NULL)
        g_ptr_array_free(b->svgs, TRUE);
    if (b->pngs != NULL)
        g_ptr_array_free(b->pngs, TRUE);
    g_free(b->as_at_text);
    g_free(b->mover_scope);
    g_free(b->data_text);
    if (b->positions != NULL)
        g_array_free(b->positions, TRUE);
    gb_position_movers_free(b->movers);
    if (b->group_pairs != NULL)
        g_array_free(b->group_pairs, TRUE);
    if (b->position_pairs != NULL)
        g_array_free(b->position_pairs, TRUE);
    g_free(b);
}

const GbTree *
gb_briefing_tree(const GbBriefing *b)
{
    return b->tree;
}

static void
gb__setup(const GbConfig *c, const char *running_title, const char *footer, GbPageSetup *setup)
{
    *setup = (GbPageSetup){.width = c->page_width,
                           .height = c->page_height,
                           .top = 62,
                           .bottom = 56,
                           .left = 56.7,
                           .right = 56.7,
                           .running_title = running_title,
                           .footer_left = footer,
                           .branding = &c->branding};
}

GbStatus
gb_briefing_pdf_start(GbBriefing *b, GbFonts *f, cairo_write_func_t out, gpointer closure,
                      GbPdfJob **job, int *pages, GbDiag *diag)
{
    const GbConfig *c = b->in.config;
    GbPageSetup setup;
    gb__setup(c, c->title, b->data_text, &setup);
    GbPdfMeta meta = {.title = c->title,
                      .author = c->author,
                      .subject = c->subtitle,
                      .keywords = c->keywords,
                      .date = b->in.date,
                      .language = c->language};
    return gb_pdf_render_tree_start(f, &setup, &meta, b->tree, out, closure, job, pages, diag);
}

static gpointer
gb__chart_worker(gpointer run)
{
    gb_chartfile_run_help(run, NULL);
    return NULL;
}

GbChartRun *
gb_briefing_chart_run(GbBriefing *b)
{
    /* An SVG and a PNG of each chart for charts/, drawn in one go on the
     * threads; the Word pictures are the same two files (gb_briefing_docx). */
    const GbChartFileOptions opts[] = {
        {.format = GB_FORMAT_SVG, .width = 481.9},
        {.format = GB_FORMAT_PNG, .width = 481.9, .dpi = 150},
    };
    memcpy(b->chart_opts, opts, sizeof opts);
    return gb_chartfile_run_new(b->tree->charts, b->chart_opts, 2, b->in.config->font);
}

/* Chart i's file in format k (0: its SVG, given its title and description;
 * 1: its PNG) handed to emit, and kept for the HTML page (an SVG, keep_svgs)
 * or the Word file (picture_dpi) unless they read it back; out is taken. */
static GbStatus
gb__chart_emit(GbBriefing *b, guint i, int k, GByteArray *out, gboolean keep_svgs,
               GbBriefingFileFn emit, gpointer user, GbDiag *diag)
{
    const GbChart *c = g_ptr_array_index(b->tree->charts, i);
    if (k == 0) {
        GByteArray *norm = gb_html_svg_file(out, gb_chart_title(c), gb_chart_alt(c));
        g_byte_array_unref(out);
        out = norm;
    }
    char *name = g_strdup_printf("charts/%s.%s", gb_chart_name(c), k == 0 ? "svg" : "png");
    GbStatus st = emit(name, out, user, diag);
    g_free(name);
    /* Unless read back from where emit put it, as wanted. */
    if (b->read_back == NULL && k == 0 && keep_svgs)
        g_ptr_array_add(b->svgs, g_byte_array_ref(out));
    else if (b->read_back == NULL && k == 1 && b->in.picture_dpi > 0)
        g_ptr_array_add(b->pngs, g_byte_array_ref(out));
    g_byte_array_unref(out);
    return st;
}

/* A chart file as it is drawn (GbChartDoneFn): emitted, not held. */
static GbStatus
gb__chart_drawn(guint chart, int k, GByteArray *bytes, gpointer user, GbDiag *diag)
{
    GbBriefing *b = user;
    return gb__chart_emit(b, chart, k, bytes, FALSE, b->emit_drawn, b->read_back_user, diag);
}

void
gb_briefing_read_back(GbBriefing *b, GbChartRun *run, GbBriefingFileFn emit, GbBriefingReadFn read,
                      gpointer user)
{
    b->emit_drawn = emit;
    b->read_back = read;
    b->read_back_user = user;
    if (run != NULL)
        gb_chartfile_run_on_done(run, gb__chart_drawn, b);
}

/* The chart files of run (NULL: one of its own), helped by `threads` - 1
 * threads of their own and this one with f: an SVG and a PNG of each figure,
 * SVGs with their title and description, each handed to emit and then let
 * go, unless keep_svgs (the SVGs go to b->svgs) or the Word document is made
 * (the PNGs go to b->pngs). */
static GbStatus
gb__chart_files(GbBriefing *b, GbFonts *f, GbChartRun *run, int threads, gboolean keep_svgs,
                GbBriefingFileFn emit, gpointer user, GbDiag *diag)
{
    GbChartRun *own = run == NULL ? gb_briefing_chart_run(b) : NULL;
    GbChartRun *r = run != NULL ? run : own;
    if (own != NULL && b->read_back != NULL)
        gb_chartfile_run_on_done(own, gb__chart_drawn, b);
    const int nopts = 2;
    GPtrArray *workers = g_ptr_array_new();
    for (int t = 1; t < threads; t++)
        g_ptr_array_add(workers, g_thread_new("chart", gb__chart_worker, r));
    gb_chartfile_run_help(r, f);
    for (guint t = 0; t < workers->len; t++)
        g_thread_join(g_ptr_array_index(workers, t));
    g_ptr_array_free(workers, TRUE);
    GPtrArray *made;
    GbStatus st = gb_chartfile_run_end(r, &made, diag);
    if (st != GB_OK) {
        gb_chartfile_run_free(own);
        return st;
    }
    /* Taken out of the run's array (ours once the run has ended), which
     * would hold every chart's bytes until the run is freed; none there when
     * each was emitted as it was drawn. */
    for (guint i = 0; i < made->len && st == GB_OK; i++) {
        GByteArray *out = g_steal_pointer(&g_ptr_array_index(made, i));
        if (out != NULL)
            st = gb__chart_emit(b, i / (guint)nopts, (int)(i % (guint)nopts), out, keep_svgs, emit,
                                user, diag);
    }
    g_ptr_array_unref(made);
    gb_chartfile_run_free(own);
    return st;
}

/* Hands one CSV table to emit; frees s. */
static GbStatus
gb__emit_csv(GbBriefingFileFn emit, gpointer user, const char *stem, GString *s, GbDiag *diag)
{
    char *name = g_strdup_printf("tables/%s.csv", stem);
    gsize len = s->len;
    GByteArray *bytes = g_byte_array_new_take((guint8 *)g_string_free(s, FALSE), len);
    GbStatus st = emit(name, bytes, user, diag);
    g_byte_array_unref(bytes);
    g_free(name);
    return st;
}

/* A slot of b->svgs or b->pngs: NULL once the Word file took it. */
static void
gb__bytes_unref(gpointer bytes)
{
    if (bytes != NULL)
        g_byte_array_unref(bytes);
}

GbStatus
gb_briefing_files(GbBriefing *b, GbFonts *f, GbChartRun *run, int threads, gboolean html,
                  GbBriefingFileFn emit, gpointer user, GbDiag *diag)
{
    if (b->svgs != NULL)
        g_ptr_array_free(b->svgs, TRUE);
    if (b->pngs != NULL)
        g_ptr_array_free(b->pngs, TRUE);
    b->svgs = g_ptr_array_new_with_free_func(gb__bytes_unref);
    b->pngs = g_ptr_array_new_with_free_func(gb__bytes_unref);
    /* The Word file's pictures are the chart files too: SVG and PNG. */
    gboolean keep_svgs = html || b->in.picture_dpi > 0;
    GbStatus st = gb__chart_files(b, f, run, threads, keep_svgs, emit, user, diag);
    /* Every table of a section (not the figures' data) as CSV, and the findings. */
    for (guint i = 0; i < b->tree->sections->len && st == GB_OK; i++) {
        const GbTreeSection *sec = g_ptr_array_index(b->tree->sections, i);
        for (guint k = 0; k < sec->blocks->len && st == GB_OK; k++) {
            const GbTreeBlock *blk = g_ptr_array_index(sec->blocks, k);
            if (blk->kind != GB_BLOCK_TABLE)
                continue;
            const GbTreeTable *t = blk->table->tidy != NULL ? blk->table->tidy : blk->table;
            GString *s = g_string_new(NULL);
            for (guint c = 0; c < t->cells->len; c++) {
                if (c % (guint)t->ncols)
                    g_string_append_c(s, ',');
                gb_csvout_field(s, g_array_index(t->cells, GbTreeCell, c).text);
                if (c % (guint)t->ncols == (guint)t->ncols - 1)
                    g_string_append(s, "\r\n");
            }
            st = gb__emit_csv(emit, user, blk->table->id, s, diag);
        }
    }
    const GbTreeSection *fs = st == GB_OK ? gb_tree_find_section(b->tree, "findings") : NULL;
    if (fs != NULL) {
        GString *s = g_string_new("finding\r\n");
        const GbTreeBlock *list = g_ptr_array_index(fs->blocks, 0);
        for (guint i = 0; i < list->items->len; i++) {
            gb_csvout_field(s, g_ptr_array_index(list->items, i));
            g_string_append(s, "\r\n");
        }
        st = gb__emit_csv(emit, user, "findings", s, diag);
    }
    return st;
}

/* A chart file read back (GbPictureFn), by the name it was emitted under. */
static GBytes *
gb__read_picture(gpointer user, guint chart, gboolean svg)
{
    const GbBriefing *b = user;
    if (chart >= b->tree->charts->len)
        return NULL;
    char *name =
        g_strdup_printf("charts/%s.%s", gb_chart_name(g_ptr_array_index(b->tree->charts, chart)),
                        svg ? "svg" : "png");
    GBytes *bytes = b->read_back(name, b->read_back_user);
    g_free(name);
    return bytes;
}

/* A chart file as held in b->svgs or b->pngs (GbPictureFn), borrowed. */
static GBytes *
gb__held_picture(gpointer user, guint chart, gboolean svg)
{
    const GbBriefing *b = user;
    const GPtrArray *a = svg ? b->svgs : b->pngs;
    const GByteArray *bytes = a != NULL && chart < a->len ? g_ptr_array_index(a, chart) : NULL;
    return bytes != NULL ? g_bytes_new_static(bytes->data, bytes->len) : NULL;
}

void
gb_briefing_files_release(GbBriefing *b)
{
    g_clear_pointer(&b->svgs, g_ptr_array_unref);
    g_clear_pointer(&b->pngs, g_ptr_array_unref);
}

GByteArray *
gb_briefing_html(const GbBriefing *b)
{
    return gb_html_render_branded(b->tree, b->svgs, &b->in.config->branding);
}

/* The Word file's options for b. */
static GbDocxOptions
gb__docx_options(GbBriefing *b)
{
    const GbConfig *c = b->in.config;
    return (GbDocxOptions){
        .author = c->author,
        .subject = c->subtitle,
        .keywords = c->keywords,
        .date = b->in.date,
        .page_width = c->page_width,
        .page_height = c->page_height,
        .margin = 56.7,
        .dpi = b->in.picture_dpi,
        .marking = c->branding.marking,
        .footer = c->branding.footer ? c->branding.footer : b->data_text,
        .has_accent = c->branding.has_accent,
        .accent = {c->branding.accent[0], c->branding.accent[1], c->branding.accent[2]},
        .logo = c->branding.logo_data,
        .logo_svg = c->branding.logo_svg,
        .logo_alt = c->branding.logo_alt,
        .pictures = b->pngs != NULL && b->pngs->len > 0 ? b->pngs : NULL,
        .picture_svgs = b->svgs != NULL && b->svgs->len > 0 ? b->svgs : NULL,
        .picture = b->in.picture_dpi > 0 && b->read_back != NULL ? gb__read_picture : NULL,
        .picture_user = b};
}

void
gb_briefing_html_to(const GbBriefing *b, GbWriteStream *to)
{
    gb_html_render_to(b->tree, b->read_back != NULL ? gb__read_picture : gb__held_picture,
                      (gpointer)b, &b->in.config->branding, to);
}

GbStatus
gb_briefing_docx(GbBriefing *b, GbFonts *f, GByteArray **out, GbDiag *diag)
{
    GbDocxOptions o = gb__docx_options(b);
    return gb_docx_render(b->tree, f, &o, out, diag);
}

GbStatus
gb_briefing_docx_to(GbBriefing *b, GbFonts *f, GbWriteStream *to, GbDiag *diag)
{
    GbDocxOptions o = gb__docx_options(b);
    return gb_docx_render_to(b->tree, f, &o, to, diag);
}
