/* status.c - status strings and diagnostics (see status.h). */
#include "pipeline/status.h"

#include "pipeline/text.h"

#include <signal.h>
#include <stdarg.h>
#include <string.h>

static volatile sig_atomic_t gb__cancel;

void
gb_cancel_request(int signal_number)
{
    /* A second signal means now: the default action, which ends the process. */
    if (gb__cancel != 0) {
        signal(signal_number, SIG_DFL);
        raise(signal_number);
        return;
    }
    gb__cancel = signal_number;
}

int
gb_cancel_requested(void)
{
    return gb__cancel;
}

const char *
gb_status_str(GbStatus status)
{
    switch (status) {
#define GB__STATUS_CASE(name, code, text)                                                          \
    case GB_##name:                                                                                \
        return text;
        GB_STATUS_MAP(GB__STATUS_CASE)
#undef GB__STATUS_CASE
    }
    return "unknown status";
}

void
gb_diag_clear(GbDiag *d)
{
    if (d == NULL)
        return;
    g_free(d->path);
    g_free(d->message);
    *d = (GbDiag){0};
}

void
gb_diag_set(GbDiag *d, const char *path, guint64 line, guint64 col, const char *fmt, ...)
{
    if (d == NULL)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    gb_diag_clear(d);
    d->path = g_strdup(path);
    d->line = line;
    d->column = col;
    d->message = msg;
}

char *
gb_diag_format(const GbDiag *d)
{
    /* File names and values can hold newlines, ESC or invisible characters
     * (a zero-width joiner in "Leeds"): escaped, what is printed is what is there. */
    GString *s = g_string_new(NULL);
    if (d->path != NULL) {
        gb_text_append_visible(s, d->path, strlen(d->path));
        if (d->line > 0)
            g_string_append_printf(s, ":%" G_GUINT64_FORMAT, d->line);
        if (d->column > 0)
            g_string_append_printf(s, ":%" G_GUINT64_FORMAT, d->column);
        g_string_append(s, ": ");
    }
    const char *m = d->message != NULL ? d->message : "unknown error";
    gb_text_append_visible(s, m, strlen(m));
    return g_string_free(s, FALSE);
}

static void
gb__diag_array_clear(gpointer p)
{
    gb_diag_clear(p);
}

GbDiagList *
gb_diag_list_new(guint cap)
{
    GbDiagList *l = g_new0(GbDiagList, 1);
    l->items = g_array_new(FALSE, TRUE, sizeof(GbDiag));
    g_array_set_clear_func(l->items, gb__diag_array_clear);
    l->cap = cap;
    return l;
}

void
gb_diag_list_free(GbDiagList *l)
{
    if (l == NULL)
        return;
    g_array_unref(l->items);
    g_free(l);
}

void
gb_diag_list_take(GbDiagList *l, GbDiag *d)
{
    if (l->items->len < l->cap) {
        g_array_append_val(l->items, *d);
        *d = (GbDiag){0};
        return;
    }
    l->dropped++;
    gb_diag_clear(d);
}

guint64
gb_diag_list_total(const GbDiagList *l)
{
    return l->items->len + l->dropped;
}
