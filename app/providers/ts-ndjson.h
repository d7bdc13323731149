/* ts-ndjson.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cJSON.h>
#include <glib.h>

G_BEGIN_DECLS

/**
 * TsNdjsonFunc:
 * @object: one parsed line, owned by the parser, valid during the call
 * @user_data: the data given to the parser
 * @error: where to put the reason when returning %FALSE
 *
 * Returns: %TRUE to go on, %FALSE to stop the stream with @error
 */
typedef gboolean (*TsNdjsonFunc) (cJSON     *object,
                                  gpointer   user_data,
                                  GError   **error);

typedef struct _TsNdjsonParser TsNdjsonParser;

TsNdjsonParser *ts_ndjson_parser_new    (gsize            max_line,
                                         TsNdjsonFunc     func,
                                         gpointer         user_data);
void            ts_ndjson_parser_free   (TsNdjsonParser  *parser);
void            ts_ndjson_parser_set_source (TsNdjsonParser *parser,
                                             const char     *source);
gboolean        ts_ndjson_parser_feed   (TsNdjsonParser  *parser,
                                         const char      *data,
                                         gsize            length,
                                         GError         **error);
gboolean        ts_ndjson_parser_finish (TsNdjsonParser  *parser,
                                         GError         **error);
guint64         ts_ndjson_parser_get_n_lines (TsNdjsonParser *parser);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsNdjsonParser, ts_ndjson_parser_free)

G_END_DECLS
