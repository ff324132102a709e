/* qpdfload.h - libqpdf's C API, opened at run time (GModule) by the
 * finishing pass, not linked.
 *
 * libqpdf and what only it brings (GnuTLS, p11-kit, libidn2, libtasn1, GMP,
 * hogweed, libjpeg; its own relocations against libstdc++) were ~2.8 MB of
 * resident memory during the drawing, yet only the finishing pass (after the
 * PDF is drawn) calls it. Its callers (accessible.c, pdfcontent.c,
 * pdfmeta.c, pdfupdate.c, by accessible-private.h) are written against
 * <qpdf/qpdf-c.h> as they were: each function they use is a macro for a
 * pointer of that function's own type in gb_qpdf (the GL loaders' pattern),
 * so a call is type-checked as before; a function missing from the list is
 * an undefined reference at link time.
 *
 * qpdf_init opens the library (once, on whichever thread comes first). When
 * it cannot be opened, qpdf_init gives a handle on stand-ins: qpdf_read_memory
 * fails and qpdf_get_error_full_text says why, so the pass reports it as any
 * file libqpdf cannot read (and gb_qpdf_error() gives the reason). */
#ifndef GB_QPDFLOAD_H
#define GB_QPDFLOAD_H

#include <qpdf/qpdf-c.h>

/* X(function): every libqpdf function gradebrief calls. */
#define GB_QPDF_FUNCTIONS(X)                                                                       \
    X(qpdf_init)                                                                                   \
    X(qpdf_cleanup)                                                                                \
    X(qpdf_silence_errors)                                                                         \
    X(qpdf_set_suppress_warnings)                                                                  \
    X(qpdf_read_memory)                                                                            \
    X(qpdf_has_error)                                                                              \
    X(qpdf_get_error)                                                                              \
    X(qpdf_get_error_full_text)                                                                    \
    X(qpdf_get_trailer)                                                                            \
    X(qpdf_get_root)                                                                               \
    X(qpdf_get_object_by_id)                                                                       \
    X(qpdf_replace_object)                                                                         \
    X(qpdf_get_num_pages)                                                                          \
    X(qpdf_get_page_n)                                                                             \
    X(qpdf_oh_release)                                                                             \
    X(qpdf_oh_is_array)                                                                            \
    X(qpdf_oh_is_dictionary)                                                                       \
    X(qpdf_oh_is_stream)                                                                           \
    X(qpdf_oh_is_integer)                                                                          \
    X(qpdf_oh_is_name)                                                                             \
    X(qpdf_oh_is_name_and_equals)                                                                  \
    X(qpdf_oh_is_string)                                                                           \
    X(qpdf_oh_is_null)                                                                             \
    X(qpdf_oh_is_indirect)                                                                         \
    X(qpdf_oh_get_object_id)                                                                       \
    X(qpdf_oh_get_generation)                                                                      \
    X(qpdf_oh_get_int_value_as_int)                                                                \
    X(qpdf_oh_get_name)                                                                            \
    X(qpdf_oh_get_utf8_value)                                                                      \
    X(qpdf_oh_get_array_n_items)                                                                   \
    X(qpdf_oh_get_array_item)                                                                      \
    X(qpdf_oh_set_array_item)                                                                      \
    X(qpdf_oh_insert_item)                                                                         \
    X(qpdf_oh_append_item)                                                                         \
    X(qpdf_oh_erase_item)                                                                          \
    X(qpdf_oh_wrap_in_array)                                                                       \
    X(qpdf_oh_has_key)                                                                             \
    X(qpdf_oh_get_key)                                                                             \
    X(qpdf_oh_replace_key)                                                                         \
    X(qpdf_oh_remove_key)                                                                          \
    X(qpdf_oh_begin_dict_key_iter)                                                                 \
    X(qpdf_oh_dict_more_keys)                                                                      \
    X(qpdf_oh_dict_next_key)                                                                       \
    X(qpdf_oh_get_dict)                                                                            \
    X(qpdf_oh_get_stream_data)                                                                     \
    X(qpdf_oh_unparse_resolved)                                                                    \
    X(qpdf_oh_new_null)                                                                            \
    X(qpdf_oh_new_bool)                                                                            \
    X(qpdf_oh_new_integer)                                                                         \
    X(qpdf_oh_new_name)                                                                            \
    X(qpdf_oh_new_unicode_string)                                                                  \
    X(qpdf_oh_new_binary_string)                                                                   \
    X(qpdf_oh_new_array)                                                                           \
    X(qpdf_oh_new_dictionary)

typedef struct {
#define GB__QPDF_POINTER(fn) __typeof__(&fn) fn;
    GB_QPDF_FUNCTIONS(GB__QPDF_POINTER)
#undef GB__QPDF_POINTER
} GbQpdf;

/* The functions; set by the first gb__qpdf_init (read only after it). */
extern GbQpdf gb_qpdf;

/* qpdf_init, libqpdf opened first if it is not yet (thread-safe). Never
 * fails: without libqpdf it gives the stand-ins' handle. */
qpdf_data gb__qpdf_init(void);

/* Opens libqpdf if it is not yet open. Returns NULL when it is open, or
 * why it cannot be (one line, static: do not free). Thread-safe. */
const char *gb_qpdf_error(void);

#ifndef GB_QPDF_LOADER /* qpdfload.c itself names the library's own functions */
#define qpdf_init gb__qpdf_init
#define qpdf_cleanup (gb_qpdf.qpdf_cleanup)
#define qpdf_silence_errors (gb_qpdf.qpdf_silence_errors)
#define qpdf_set_suppress_warnings (gb_qpdf.qpdf_set_suppress_warnings)
#define qpdf_read_memory (gb_qpdf.qpdf_read_memory)
#define qpdf_has_error (gb_qpdf.qpdf_has_error)
#define qpdf_get_error (gb_qpdf.qpdf_get_error)
#define qpdf_get_error_full_text (gb_qpdf.qpdf_get_error_full_text)
#define qpdf_get_trailer (gb_qpdf.qpdf_get_trailer)
#define qpdf_get_root (gb_qpdf.qpdf_get_root)
#define qpdf_get_object_by_id (gb_qpdf.qpdf_get_object_by_id)
#define qpdf_replace_object (gb_qpdf.qpdf_replace_object)
#define qpdf_get_num_pages (gb_qpdf.qpdf_get_num_pages)
#define qpdf_get_page_n (gb_qpdf.qpdf_get_page_n)
#define qpdf_oh_release (gb_qpdf.qpdf_oh_release)
#define qpdf_oh_is_array (gb_qpdf.qpdf_oh_is_array)
#define qpdf_oh_is_dictionary (gb_qpdf.qpdf_oh_is_dictionary)
#define qpdf_oh_is_stream (gb_qpdf.qpdf_oh_is_stream)
#define qpdf_oh_is_integer (gb_qpdf.qpdf_oh_is_integer)
#define qpdf_oh_is_name (gb_qpdf.qpdf_oh_is_name)
#define qpdf_oh_is_name_and_equals (gb_qpdf.qpdf_oh_is_name_and_equals)
#define qpdf_oh_is_string (gb_qpdf.qpdf_oh_is_string)
#define qpdf_oh_is_null (gb_qpdf.qpdf_oh_is_null)
#define qpdf_oh_is_indirect (gb_qpdf.qpdf_oh_is_indirect)
#define qpdf_oh_get_object_id (gb_qpdf.qpdf_oh_get_object_id)
#define qpdf_oh_get_generation (gb_qpdf.qpdf_oh_get_generation)
#define qpdf_oh_get_int_value_as_int (gb_qpdf.qpdf_oh_get_int_value_as_int)
#define qpdf_oh_get_name (gb_qpdf.qpdf_oh_get_name)
#define qpdf_oh_get_utf8_value (gb_qpdf.qpdf_oh_get_utf8_value)
#define qpdf_oh_get_array_n_items (gb_qpdf.qpdf_oh_get_array_n_items)
#define qpdf_oh_get_array_item (gb_qpdf.qpdf_oh_get_array_item)
#define qpdf_oh_set_array_item (gb_qpdf.qpdf_oh_set_array_item)
#define qpdf_oh_insert_item (gb_qpdf.qpdf_oh_insert_item)
#define qpdf_oh_append_item (gb_qpdf.qpdf_oh_append_item)
#define qpdf_oh_erase_item (gb_qpdf.qpdf_oh_erase_item)
#define qpdf_oh_wrap_in_array (gb_qpdf.qpdf_oh_wrap_in_array)
#define qpdf_oh_has_key (gb_qpdf.qpdf_oh_has_key)
#define qpdf_oh_get_key (gb_qpdf.qpdf_oh_get_key)
#define qpdf_oh_replace_key (gb_qpdf.qpdf_oh_replace_key)
#define qpdf_oh_remove_key (gb_qpdf.qpdf_oh_remove_key)
#define qpdf_oh_begin_dict_key_iter (gb_qpdf.qpdf_oh_begin_dict_key_iter)
#define qpdf_oh_dict_more_keys (gb_qpdf.qpdf_oh_dict_more_keys)
#define qpdf_oh_dict_next_key (gb_qpdf.qpdf_oh_dict_next_key)
#define qpdf_oh_get_dict (gb_qpdf.qpdf_oh_get_dict)
#define qpdf_oh_get_stream_data (gb_qpdf.qpdf_oh_get_stream_data)
#define qpdf_oh_unparse_resolved (gb_qpdf.qpdf_oh_unparse_resolved)
#define qpdf_oh_new_null (gb_qpdf.qpdf_oh_new_null)
#define qpdf_oh_new_bool (gb_qpdf.qpdf_oh_new_bool)
#define qpdf_oh_new_integer (gb_qpdf.qpdf_oh_new_integer)
#define qpdf_oh_new_name (gb_qpdf.qpdf_oh_new_name)
#define qpdf_oh_new_unicode_string (gb_qpdf.qpdf_oh_new_unicode_string)
#define qpdf_oh_new_binary_string (gb_qpdf.qpdf_oh_new_binary_string)
#define qpdf_oh_new_array (gb_qpdf.qpdf_oh_new_array)
#define qpdf_oh_new_dictionary (gb_qpdf.qpdf_oh_new_dictionary)
#endif

#endif
