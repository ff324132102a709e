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
                       .authority = -1};
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
    gb_tree_paragraph(s, "Changes are in percentage points between consecutive years of the "
                         "same regime. Both ends of a change come from the same series: the "
                         "published figures where both years have one, otherwise the figures "
                         "computed from rows.");
    GbTreeTable *t = gb__table_changes(b);
    if (!gb__figure(b, s, "dumbbell",
                    gb_tree_table_copy(t, "dumbbell-data",
                                       "Changes between consecutive years of a regime, each "
                                       "from one series (published or computed)"),
                    error)) {
        gb_tree_table_free(t);
        return FALSE;
    }
    gb_tree_add_table(s, t);
    return TRUE;
}

static gboolean
gb__sec_inadequate(GbBriefing *b, GbTreeSection *s, char **error)
{
    /* The graded regimes with no rows in the data: only published counts. */
    GArray *with = gb_summary_regimes_with_rows(b->in.table);
    GPtrArray *without = g_ptr_array_new();
    for (guint r = 0; r < b->ref->regimes->len; r++) {
        gboolean has = FALSE;
        for (guint k = 0; k < with->len; k++)
            has = has || g_array_index(with, int, k) == (int)r;
        if (!has && gb_ref_regime(b->ref, (int)r)->graded)
            g_ptr_array_add(without, gb_ref_regime(b->ref, (int)r)->short_name);
    }
    char *list = gb__join_and(without);
    char *rest = without->len ? g_strdup_printf(": %s %s represented here only by published "
                                                "counts, where there are any",
                                                list, without->len > 1 ? "are" : "is")
                              : g_strdup("");
    gb_tree_paragraph_take(s, g_strdup_printf("The share of each year's headline judgements "
                                              "that were inadequate. Years without data are "
                                              "gaps, not zeros%s.",
                                              rest));
    g_free(rest);
    g_free(list);
    g_ptr_array_free(without, TRUE);
    g_array_free(with, TRUE);
    return gb__figure(b, s, "trend", gb__data_trend(b), error);
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
    return gb__figure(b, s, "counts", gb__data_counts(b), error) &&
           gb__figure(b, s, "map", gb__data_map(b), error);
}

static gboolean
gb__sec_authorities(GbBriefing *b, GbTreeSection *s, char **error)
{
    char *current = b->current >= 0 ? g_strdup_printf(" (and, for %s, the one before)",
                                                      gb_ref_regime(b->ref, b->current)->short_name)
                                    : g_strdup("");
    gb_tree_paragraph_take(
        s, g_strdup_printf("Every children's services authority since 2006, with its "
                           "latest headline judgement in each regime%s. Abolished "
                           "authorities are marked with the year they ceased; their "
                           "successors' histories include their judgements. Cells are "
                           "coloured by grade on the common scale and the grade is "
                           "written out.",
                           current));
    g_free(current);
    gb_tree_add_table(s, gb__table_authorities(b));
    return TRUE;
}

static gboolean
gb__sec_movers(GbBriefing *b, GbTreeSection *s, char **error)
{
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
    gb_tree_heading(s, "Regimes and their scales");
    gb_tree_paragraph(s, "Ofsted's inspection framework for children's services changed every "
                         "few years, and with it the grade scale. To compare across regimes, "
                         "each grade is mapped to a common four-level scale: outstanding, good, "
                         "adequate or requires improvement, and inadequate. The unannounced "
                         "inspections of 2009 gave no grade and stay outside it.");
    gb_tree_add_table(s, gb__table_regimes(b));
    gb_tree_heading(s, "Computed and published figures");
    gb_tree_paragraph(s, "Where a year has both rows and a published figure, both are shown "
                         "with their bases. They differ when the published figure is of those "
                         "inspected and the rows cover every council, or when the rows name only "
                         "some councils.");
    gb_tree_add_table(s, gb__table_reconciliation(b));
    gb_tree_heading(s, "What was read");
    gb_tree_paragraph(s, "Every input row is accounted for: used, merged as an identical "
                         "duplicate of a row already read (the latest-judgements sheet repeats "
                         "the inspection history), or rejected. Cells that mean \"not judged\" "
                         "(care leavers before 2023) are counted, not used.");
    gb_tree_add_table(s, gb__table_accounting(b));
    gb_tree_heading(s, "Sources and licences");
    GPtrArray *sources = gb_summary_sources(b->in.table);
    gb_tree_list(s, (const char *const *)sources->pdata, (int)sources->len);
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
    gb_text_format_date_long(in->latest->as_at, when, sizeof when);
    b->as_at_text = g_strdup(when);
    b->tree = gb_tree_new(c->title, c->subtitle, c->language);
    b->tree->cover = TRUE;
    gb_tree_cover_line(b->tree, c->organisation);
    char *asat = g_strdup_printf("Data as at %s", when);
    gb_tree_cover_line(b->tree, asat);
    g_free(asat);
    char *rows =
        g_strdup_printf("Computed from %u judgements of %u authorities, and %u "
                        "published figures",
                        in->table->rows->len, b->ref->authorities->len, b->ref->headlines->len);
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
    g_free(b);
}

const GbTree *
gb_briefing_tree(const GbBriefing *b)
{
    return b->tree;
}

static void
gb__setup(const GbConfig *c, const char *running_title, GbPageSetup *setup)
{
    *setup = (GbPageSetup){.width = c->page_width,
                           .height = c->page_height,
                           .top = 62,
                           .bottom = 56,
                           .left = 56.7,
                           .right = 56.7,
                           .running_title = running_title,
                           .footer_left = c->organisation};
}

GbStatus
gb_briefing_pdf_start(GbBriefing *b, GbFonts *f, GbPdfJob **job, int *pages, GbDiag *diag)
{
    const GbConfig *c = b->in.config;
    GbPageSetup setup;
    gb__setup(c, c->title, &setup);
    GbPdfMeta meta = {.title = c->title,
                      .author = c->author,
                      .subject = c->subtitle,
                      .keywords = c->keywords,
                      .date = b->in.date,
                      .language = c->language};
    return gb_pdf_render_tree_start(f, &setup, &meta, b->tree, job, pages, diag);
}

/* The chart files, on as many threads as there are cores (this one with f):
 * an SVG and a PNG of each figure, SVGs with their title and description. */
static GbStatus
gb__chart_files(GbBriefing *b, GbFonts *f, GPtrArray *names, GPtrArray *bytes, GPtrArray *svgs,
                GbDiag *diag)
{
    /* An SVG and a PNG of each chart for charts/, and the Word pictures when
     * asked for: all drawn in one go on the threads. */
    const GbChartFileOptions opts[] = {
        {.format = GB_FORMAT_SVG, .width = 481.9},
        {.format = GB_FORMAT_PNG, .width = 481.9, .dpi = 150},
        {.format = GB_FORMAT_PNG, .width = 481.9, .dpi = b->in.picture_dpi},
    };
    int nopts = b->in.picture_dpi > 0 ? 3 : 2;
    GPtrArray *made;
    GPtrArray *charts = b->tree->charts;
    GbStatus st = gb_chartfile_render_all(charts, opts, nopts, f, b->in.config->font,
                                          (int)g_get_num_processors(), &made, diag);
    if (st != GB_OK)
        return st;
    for (guint i = 0; i < made->len; i++) {
        const GbChart *c = g_ptr_array_index(charts, i / (guint)nopts);
        GByteArray *out = g_byte_array_ref(g_ptr_array_index(made, i));
        int k = (int)(i % (guint)nopts);
        if (k == 2) {
            g_ptr_array_add(b->pngs, out);
            continue;
        }
        if (k == 0) {
            GByteArray *norm = gb_html_svg_file(out, gb_chart_title(c), gb_chart_alt(c));
            g_byte_array_unref(out);
            out = norm;
            if (svgs != NULL)
                g_ptr_array_add(svgs, g_byte_array_ref(out));
        }
        g_ptr_array_add(names,
                        g_strdup_printf("charts/%s.%s", gb_chart_name(c), k == 0 ? "svg" : "png"));
        g_ptr_array_add(bytes, out);
    }
    g_ptr_array_unref(made);
    return GB_OK;
}

static void
gb__add_csv(GPtrArray *names, GPtrArray *bytes, const char *stem, GString *s)
{
    g_ptr_array_add(names, g_strdup_printf("tables/%s.csv", stem));
    gsize len = s->len;
    g_ptr_array_add(bytes, g_byte_array_new_take((guint8 *)g_string_free(s, FALSE), len));
}

GbStatus
gb_briefing_files(GbBriefing *b, GbFonts *f, GPtrArray *names, GPtrArray *bytes, GbDiag *diag)
{
    if (b->svgs != NULL)
        g_ptr_array_free(b->svgs, TRUE);
    if (b->pngs != NULL)
        g_ptr_array_free(b->pngs, TRUE);
    b->svgs = g_ptr_array_new_with_free_func((GDestroyNotify)g_byte_array_unref);
    b->pngs = g_ptr_array_new_with_free_func((GDestroyNotify)g_byte_array_unref);
    GbStatus st = gb__chart_files(b, f, names, bytes, b->svgs, diag);
    if (st != GB_OK)
        return st;
    /* Every table of a section (not the figures' data) as CSV, and the findings. */
    for (guint i = 0; i < b->tree->sections->len; i++) {
        const GbTreeSection *sec = g_ptr_array_index(b->tree->sections, i);
        for (guint k = 0; k < sec->blocks->len; k++) {
            const GbTreeBlock *blk = g_ptr_array_index(sec->blocks, k);
            if (blk->kind != GB_BLOCK_TABLE)
                continue;
            const GbTreeTable *t = blk->table;
            GString *s = g_string_new(NULL);
            for (guint c = 0; c < t->cells->len; c++) {
                if (c % (guint)t->ncols)
                    g_string_append_c(s, ',');
                gb_csvout_field(s, g_array_index(t->cells, GbTreeCell, c).text);
                if (c % (guint)t->ncols == (guint)t->ncols - 1)
                    g_string_append(s, "\r\n");
            }
            gb__add_csv(names, bytes, t->id, s);
        }
    }
    const GbTreeSection *fs = gb_tree_find_section(b->tree, "findings");
    if (fs != NULL) {
        GString *s = g_string_new("finding\r\n");
        const GbTreeBlock *list = g_ptr_array_index(fs->blocks, 0);
        for (guint i = 0; i < list->items->len; i++) {
            gb_csvout_field(s, g_ptr_array_index(list->items, i));
            g_string_append(s, "\r\n");
        }
        gb__add_csv(names, bytes, "findings", s);
    }
    return GB_OK;
}

GByteArray *
gb_briefing_html(const GbBriefing *b)
{
    return gb_html_render(b->tree, b->svgs);
}

GbStatus
gb_briefing_docx(const GbBriefing *b, GbFonts *f, GByteArray **out, GbDiag *diag)
{
    const GbConfig *c = b->in.config;
    GbDocxOptions o = {.author = c->author,
                       .subject = c->subtitle,
                       .keywords = c->keywords,
                       .date = b->in.date,
                       .page_width = c->page_width,
                       .page_height = c->page_height,
                       .margin = 56.7,
                       .dpi = b->in.picture_dpi,
                       .footer = c->organisation,
                       .pictures = b->pngs != NULL && b->pngs->len > 0 ? b->pngs : NULL};
    return gb_docx_render(b->tree, f, &o, out, diag);
}
