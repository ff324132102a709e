/* loadwide.c - records of a profile's wide layout (see load-private.h): one
 * row per authority with repeated column groups (date, year, judgements), each
 * group a set of judgements, and event rows (a visit that carries no grade). */
#include "pipeline/load-private.h"

#include <string.h>

#define GB__MAX_ROW_JUDGEMENTS 64 /* judgements one record may carry */

static gboolean
gb__is_blank(const GbCsvRecord *rec, int col)
{
    return col < 0 || rec->lens[col] == 0;
}

/* Reads an event row (a visit that carries no grade). */
static GbStatus
gb__event_record(GbFileLoad *fl, const GbCsvRecord *rec, const GArray *cols, GbDiag *diag)
{
    int year;
    guint32 date;
    gboolean ok;
    GbStatus status = gb__when(fl, rec, g_array_index(cols, int, 0), g_array_index(cols, int, 1),
                               &year, &date, &ok, diag);
    if (status != GB_OK || !ok)
        return status;
    int a = gb__authority(fl, rec, fl->auth_col, year, date);
    if (a < 0)
        return GB_OK;
    /* A worker's part keeps the texts in its own chunk until the merge. */
    GStringChunk *text = fl->part != NULL ? fl->part->text : fl->t->visit_text;
    GbVisit e = {.date = date != 0 ? date : (guint32)year * 10000 + 1231,
                 .authority = (guint16)a,
                 .file = (guint16)fl->file,
                 .type = g_string_chunk_insert_const(text, rec->fields[fl->event_col]),
                 .theme = gb__is_blank(rec, fl->theme_col)
                              ? NULL
                              : g_string_chunk_insert_const(text, rec->fields[fl->theme_col])};
    if (fl->part != NULL) {
        GbLoadEvent *ev = gb__part_event(fl->part, GB__EV_VISIT, rec);
        ev->first = fl->part->visits->len;
        g_array_append_val(fl->part->visits, e);
        return GB_OK;
    }
    gb_table_add_visit(fl->t, &e);
    gb__account(fl)->events++;
    gb__account(fl)->used++;
    return GB_OK;
}

GbStatus
gb__wide_record(GbFileLoad *fl, const GbCsvRecord *rec, GbDiag *diag)
{
    const GbRef *ref = fl->l->ref;
    const GbProfile *p = fl->profile;
    GbPendingRow rows[GB__MAX_ROW_JUDGEMENTS];
    guint k = 0;
    if (fl->event_col >= 0 && !gb__is_blank(rec, fl->event_col)) {
        gb_text_key(rec->fields[fl->event_col], rec->lens[fl->event_col], fl->scratch);
        for (char **e = p->event_types; *e != NULL; e++) {
            GString *want = g_string_new(NULL);
            gb_text_key(*e, strlen(*e), want);
            gboolean is = g_string_equal(want, fl->scratch);
            g_string_free(want, TRUE);
            if (is)
                return gb__event_record(fl, rec, g_ptr_array_index(fl->group_cols, 0), diag);
        }
    }
    for (guint gi = 0; gi < p->groups->len; gi++) {
        const GbProfileGroup *g = g_ptr_array_index(p->groups, gi);
        const GArray *cols = g_ptr_array_index(fl->group_cols, gi);
        int date_col = g_array_index(cols, int, 0), year_col = g_array_index(cols, int, 1);
        if (date_col < 0 && year_col < 0)
            continue; /* this table has no such inspection */
        if (g->id[0] != '\0') {
            /* A group with no date, or a "not inspected" one, is an inspection
             * that did not happen; judgements there without a date are an error. */
            gboolean no_date = gb__is_blank(rec, date_col) && gb__is_blank(rec, year_col);
            if (!no_date && date_col >= 0) {
                gb_text_key(rec->fields[date_col], rec->lens[date_col], fl->scratch);
                no_date = g_hash_table_contains(p->not_inspected, fl->scratch->str);
                if (no_date && fl->scratch->len == 0)
                    no_date = gb__is_blank(rec, year_col);
            }
            if (no_date) {
                for (guint i = 0; i < g->judgement_ids->len; i++) {
                    int col = g_array_index(cols, int, 2 + i);
                    if (gb__is_blank(rec, col))
                        continue;
                    gb_text_key(rec->fields[col], rec->lens[col], fl->scratch);
                    if (g_hash_table_contains(p->not_judged, fl->scratch->str))
                        continue;
                    g_string_printf(fl->msg,
                                    "a judgement without a date: '%s' has a grade but "
                                    "'%s' is empty",
                                    (const char *)g_ptr_array_index(g->judgement_cols, i),
                                    g->date_col ? g->date_col : g->year_col);
                    gb__reject(fl, rec, col);
                    return GB_OK;
                }
                if (fl->part != NULL)
                    fl->part->not_inspected++;
                else
                    gb__account(fl)->not_inspected++;
                continue;
            }
        }
        int year;
        guint32 date;
        gboolean ok;
        char *dn = gb__spec_name(g->date_col, "date"), *yn = gb__spec_name(g->year_col, "year");
        GbStatus status =
            gb__when_named(fl, rec, date_col, year_col, dn, yn, &year, &date, &ok, diag);
        g_free(dn);
        g_free(yn);
        if (status != GB_OK || !ok)
            return status;
        int regime = gb_profile_regime(g, year, date);
        if (regime < 0) {
            g_string_printf(fl->msg, "no regime in profile '%s' covers %d", p->id, year);
            gb__reject(fl, rec, date_col >= 0 ? date_col : year_col);
            return GB_OK;
        }
        int a = gb__authority(fl, rec, fl->auth_col, year, date);
        if (a < 0)
            return GB_OK;
        guint32 source = gb__origin(fl, g->source != NULL ? g->source : fl->path, g->source == NULL,
                                    g->kind, g->id);
        for (guint i = 0; i < g->judgement_ids->len && k < G_N_ELEMENTS(rows); i++) {
            int col = g_array_index(cols, int, 2 + i);
            if (col < 0)
                continue;
            gb_text_key(rec->fields[col], rec->lens[col], fl->scratch);
            if (g_hash_table_contains(p->not_judged, fl->scratch->str)) {
                if (fl->part != NULL)
                    fl->part->not_judged++;
                else
                    gb__account(fl)->not_judged++;
                continue;
            }
            const GbJudgement *pj = gb_ref_judgement(ref, g_array_index(g->judgement_ids, int, i));
            int j = gb_ref_find_judgement(ref, regime, pj->id);
            if (j < 0) {
                g_string_printf(fl->msg, "the %s regime has no judgement '%s' (column '%s')",
                                gb_ref_regime(ref, regime)->id, pj->id,
                                (const char *)g_ptr_array_index(g->judgement_cols, i));
                gb__reject(fl, rec, col);
                return GB_OK;
            }
            int gr = gb__grade(fl, rec, col, regime, g_ptr_array_index(g->judgement_cols, i));
            if (gr < 0)
                return GB_OK;
            rows[k++] = (GbPendingRow){.row = {.date = date,
                                               .year = (guint16)year,
                                               .authority = (guint16)a,
                                               .judgement = (guint8)j,
                                               .grade = (gint8)gr,
                                               .source = source,
                                               .file = (guint16)fl->file},
                                       .col = col,
                                       .published = g->date_kind == GB_DATE_PUBLICATION,
                                       .kind = g->kind};
        }
    }
    gb__commit(fl, rec, rows, k);
    return GB_OK;
}
