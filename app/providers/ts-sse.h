/* ts-sse.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * TsSseFunc:
 * @event: the event type, "message" when the stream named none
 * @data: the data lines joined with "\n", NUL-terminated
 * @length: the length of @data
 * @user_data: the data given to the parser
 * @error: where to put the reason when returning %FALSE
 *
 * Returns: %TRUE to go on, %FALSE to stop the stream with @error
 */
typedef gboolean (*TsSseFunc) (const char  *event,
                               const char  *data,
                               gsize        length,
                               gpointer     user_data,
                               GError     **error);

typedef struct _TsSseParser TsSseParser;

TsSseParser *ts_sse_parser_new          (gsize         max_event,
                                         TsSseFunc     func,
                                         gpointer      user_data);
void         ts_sse_parser_free         (TsSseParser  *parser);
void         ts_sse_parser_set_source   (TsSseParser  *parser,
                                         const char   *source);
gboolean     ts_sse_parser_feed         (TsSseParser  *parser,
                                         const char   *data,
                                         gsize         length,
                                         GError      **error);
const char  *ts_sse_parser_get_last_id  (TsSseParser  *parser);
guint64      ts_sse_parser_get_n_events (TsSseParser  *parser);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsSseParser, ts_sse_parser_free)

G_END_DECLS
