/* selection.c - --regimes, --from, --to (see selection.h). */
#include "pipeline/selection.h"

#include "pipeline/text.h"

#include <string.h>

static gboolean
gb__sel_date(const char *s, gboolean end, guint32 *out)
{
    gint64 y;
    if (strlen(s) == 4 && gb_text_parse_int(s, 1900, 2100, &y)) {
        *out = (guint32)y * 10000 + (end ? 1231 : 101);
        return TRUE;
    }
    return gb_text_parse_date(s, out);
}

GbStatus
gb_selection_parse(GbSelection *sel, const GbRef *ref, const char *regimes, const char *from,
                   const char *to, GbDiag *diag)
{
    memset(sel, 0, sizeof *sel);
    sel->nregimes = (int)ref->regimes->len;
    sel->left = g_new0(guint64, sel->nregimes);
    sel->left_first = g_new0(guint32, sel->nregimes);
    sel->left_last = g_new0(guint32, sel->nregimes);
    if (regimes != NULL) {
        sel->regime_on = g_new0(gboolean, sel->nregimes);
        char **parts = g_strsplit(regimes, ",", -1);
        GbStatus rc = GB_OK;
        for (char **p = parts; *p != NULL && rc == GB_OK; p++) {
            char *id = g_strstrip(*p);
            int r = -1;
            for (int i = 0; i < sel->nregimes; i++)
                if (g_ascii_strcasecmp(gb_ref_regime(ref, i)->id, id) == 0)
                    r = i;
            if (r < 0) {
                GString *known = g_string_new(NULL);
                for (int i = 0; i < sel->nregimes; i++)
                    g_string_append_printf(known, "%s%s", i ? ", " : "", gb_ref_regime(ref, i)->id);
                gb_diag_set(diag, NULL, 0, 0, "--regimes: unknown regime '%s' (regimes: %s)", id,
                            known->str);
                g_string_free(known, TRUE);
                rc = GB_USAGE;
            } else {
                sel->regime_on[r] = TRUE;
            }
        }
        g_strfreev(parts);
        if (rc != GB_OK)
            return rc;
    }
    if (from != NULL && !gb__sel_date(from, FALSE, &sel->from)) {
        gb_diag_set(diag, NULL, 0, 0, "--from: '%s' is not a date (YYYY or YYYY-MM-DD)", from);
        return GB_USAGE;
    }
    if (to != NULL && !gb__sel_date(to, TRUE, &sel->to)) {
        gb_diag_set(diag, NULL, 0, 0, "--to: '%s' is not a date (YYYY or YYYY-MM-DD)", to);
        return GB_USAGE;
    }
    if (sel->from != 0 && sel->to != 0 && sel->from > sel->to) {
        gb_diag_set(diag, NULL, 0, 0, "--from %s is after --to %s", from, to);
        return GB_USAGE;
    }
    return GB_OK;
}

gboolean
gb_selection_active(const GbSelection *sel)
{
    return sel->regime_on != NULL || sel->from != 0 || sel->to != 0;
}

void
gb_selection_apply(GbSelection *sel, GbTable *t)
{
    if (!gb_selection_active(sel))
        return;
    const GbRef *ref = t->ref;
    guint kept = 0;
    guint32 newest = 0;
    for (guint i = 0; i < t->rows->len; i++) {
        const GbRow *r = gb_table_row(t, i);
        int regime = gb_ref_judgement(ref, r->judgement)->regime;
        /* A year alone counts from 1 January for --from and to 31 December
         * for --to: the year is kept when it overlaps the period. */
        guint32 first = r->date ? r->date : (guint32)r->year * 10000 + 101;
        guint32 last = gb_table_row_when(r);
        gboolean in = (sel->regime_on == NULL || sel->regime_on[regime]) &&
                      (sel->from == 0 || last >= sel->from) && (sel->to == 0 || first <= sel->to);
        if (!in) {
            sel->left[regime]++;
            if (sel->left_first[regime] == 0 || first < sel->left_first[regime])
                sel->left_first[regime] = first;
            sel->left_last[regime] = MAX(sel->left_last[regime], last);
            continue;
        }
        newest = MAX(newest, r->date);
        g_array_index(t->rows, GbRow, kept++) = *r;
    }
    g_array_set_size(t->rows, kept);
    t->kept = kept;
    t->newest_date = newest;
    sel->kept = kept;
}

char *
gb_selection_describe(const GbSelection *sel, const GbRef *ref)
{
    if (!gb_selection_active(sel))
        return NULL;
    GString *s = g_string_new("This briefing is restricted to ");
    if (sel->regime_on != NULL) {
        int n = 0;
        for (int i = 0; i < sel->nregimes; i++)
            if (sel->regime_on[i])
                g_string_append_printf(s, "%s%s", n++ ? ", " : "",
                                       gb_ref_regime(ref, i)->short_name);
        g_string_append(s, " judgements");
    } else {
        g_string_append(s, "the judgements");
    }
    char a[32], b[32];
    if (sel->from != 0)
        gb_text_format_date_long(sel->from, a, sizeof a);
    if (sel->to != 0)
        gb_text_format_date_long(sel->to, b, sizeof b);
    if (sel->from != 0 && sel->to != 0)
        g_string_append_printf(s, " made from %s to %s", a, b);
    else if (sel->from != 0)
        g_string_append_printf(s, " made on or after %s", a);
    else if (sel->to != 0)
        g_string_append_printf(s, " made on or before %s", b);
    g_string_append_printf(
        s, " (--regimes, --from, --to): %" G_GUINT64_FORMAT " judgements kept. Left out",
        sel->kept);
    guint64 total = 0;
    int parts = 0;
    for (int i = 0; i < sel->nregimes; i++) {
        if (sel->left[i] == 0)
            continue;
        total += sel->left[i];
        g_string_append_printf(s, "%s %" G_GUINT64_FORMAT " judgement%s under %s (%u to %u)",
                               parts++ ? ";" : ":", sel->left[i], sel->left[i] == 1 ? "" : "s",
                               gb_ref_regime(ref, i)->short_name, sel->left_first[i] / 10000,
                               sel->left_last[i] / 10000);
    }
    if (parts == 0)
        g_string_append(s, ": nothing (every judgement in the data is inside the selection)");
    else
        g_string_append_printf(s, "; %" G_GUINT64_FORMAT " in all", total);
    g_string_append(s, ". The published figures (headlines) are shown as published, "
                       "whatever their regime or year.");
    return g_string_free(s, FALSE);
}

void
gb_selection_clear(GbSelection *sel)
{
    g_free(sel->regime_on);
    g_free(sel->left);
    g_free(sel->left_first);
    g_free(sel->left_last);
    memset(sel, 0, sizeof *sel);
}
