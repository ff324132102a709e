/* pack.h - one authority's briefing pack: its judgements over time, where it
 * stands against England, its region and its statistical neighbours, those
 * authorities' latest judgements, what changed since its previous inspection. */
#ifndef GB_PACK_H
#define GB_PACK_H

#include "output/config.h"
#include "output/doc.h"
#include "output/tree.h"
#include "pipeline/nextinspection.h"
#include "pipeline/packsummary.h"

/* Shared, read-only inputs of every pack (computed once). */
typedef struct {
    const GbTable *table;
    const GbStats *stats;
    const GbMoves *moves;
    int regime; /* the regime in use (summary.h) */
    int njudgements;
    int *judgements;         /* its judgements, headline first (gb_pack_input_init) */
    const GbLatest **latest; /* as at the pack date, per judgement (the caller's) */
    const GbConfig *config;
    const char *date;      /* ISO date for the PDF metadata */
    const char *data_line; /* the footer's "Data: …" (gb_summary_data_line), or NULL */
    /* The first page's figures (packsummary.h), shared by every pack. */
    int family;                 /* the headline judgement's family (overall effectiveness) */
    const GPtrArray *standings; /* GbStanding*: 31 March each year since 2018, the pack date */
    const GbMovers *movers;     /* GB_MOVERS_FAMILY as at the pack date: the briefing's rule */
    const GbNextRules *next;    /* ILACS inspection intervals, NULL: no estimate */
    /* Made once a run by gb_pack_input_init, not once a pack. */
    GbHistories *histories; /* every authority's judgements over time */
    char *sources;          /* the sources note's list of sources */
} GbPackInput;

/* Fills the regime and judgement fields of in from the data: the regime
 * still in use with a graded scale (summary.h), its judgements headline first;
 * and the histories and sources every pack reads. Returns FALSE when there is
 * no such regime. */
gboolean gb_pack_input_init(GbPackInput *in, const GbTable *t);
/* Frees what gb_pack_input_init made (not the GbLatest it points at). */
void gb_pack_input_clear(GbPackInput *in);

/* A pack composed but not rendered: its document tree, from which both its
 * hash and its files are made. */
typedef struct GbPackDoc GbPackDoc;
/* Composes pack `authority` (no fonts, no drawing: cheap). The caller frees
 * it with gb_pack_doc_free; in must outlive it. This function can't fail. */
GbPackDoc *gb_pack_compose(const GbPackInput *in, int authority);
void gb_pack_doc_free(GbPackDoc *doc);
/* A hex SHA-256 of exactly what the pack shows (gb_tree_digest) and what is
 * stamped on it (date, settings, branding, version): a data change that moves
 * no figure of this pack leaves it, and so its files, unchanged. g_free it. */
char *gb_pack_doc_hash(const GbPackDoc *doc);
/* gb_pack_doc_hash of a fresh composition of pack `authority`. */
char *gb_pack_hash(const GbPackInput *in, int authority);
/* Renders a composed pack as PDF (pdf non-NULL), HTML (html non-NULL) and
 * Word (docx non-NULL). */
GbStatus gb_pack_doc_render(const GbPackDoc *doc, GbFonts *f, GByteArray **pdf, GByteArray **html,
                            GByteArray **docx, int *pages, GbDiag *diag);

/* The pack's document tree (pack.c's composition), for its tests; NULL
 * never. Free with gb_tree_free. */
GbTree *gb_pack_tree(const GbPackInput *in, int authority);

/* Makes the pack PDF for authority (tagged, with alt text, as the briefing). */
GbStatus gb_pack_pdf(const GbPackInput *in, GbFonts *f, int authority, GByteArray **pdf, int *pages,
                     GbDiag *diag);
/* The pack's tree rendered as PDF (pdf non-NULL), HTML (html non-NULL) and
 * Word (docx non-NULL), all from one composition. *pages is 0 without a PDF. */
GbStatus gb_pack_render(const GbPackInput *in, GbFonts *f, int authority, GByteArray **pdf,
                        GByteArray **html, GByteArray **docx, int *pages, GbDiag *diag);

#endif
