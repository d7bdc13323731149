/* ts-playground.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "ts-block.h"

G_BEGIN_DECLS

#define TS_PLAYGROUND_MAX_BLOCKS 10000
#define TS_PLAYGROUND_TITLE_MAX_LENGTH 200
#define TS_PLAYGROUND_DESCRIPTION_MAX_LENGTH 10000

#define TS_TYPE_PLAYGROUND (ts_playground_get_type ())

G_DECLARE_FINAL_TYPE (TsPlayground, ts_playground, TS, PLAYGROUND, GObject)

TsPlayground *ts_playground_new                 (void);
const char   *ts_playground_get_title           (TsPlayground *self);
void          ts_playground_set_title           (TsPlayground *self,
                                                 const char   *title);
const char   *ts_playground_get_description     (TsPlayground *self);
void          ts_playground_set_description     (TsPlayground *self,
                                                 const char   *description);
const char   *ts_playground_get_setting         (TsPlayground *self,
                                                 const char   *key);
void          ts_playground_set_setting         (TsPlayground *self,
                                                 const char   *key,
                                                 const char   *value);
const char * const *ts_playground_list_setting_keys (void);
guint         ts_playground_get_n_blocks        (TsPlayground *self);
TsBlock      *ts_playground_get_block           (TsPlayground *self,
                                                 guint         position);
gboolean      ts_playground_find_block          (TsPlayground *self,
                                                 TsBlock      *block,
                                                 guint        *position);
TsBlock      *ts_playground_lookup_block        (TsPlayground *self,
                                                 const char   *id);
const char   *ts_playground_get_removed_title   (TsPlayground *self,
                                                 const char   *id);
TsBlock      *ts_playground_find_block_by_title (TsPlayground *self,
                                                 const char   *title);
TsBlock      *ts_playground_add_block           (TsPlayground *self,
                                                 TsBlockKind   kind);
gboolean      ts_playground_insert_block        (TsPlayground *self,
                                                 guint         position,
                                                 TsBlock      *block);
void          ts_playground_remove_block        (TsPlayground *self,
                                                 TsBlock      *block);
void          ts_playground_move_block          (TsPlayground *self,
                                                 TsBlock      *block,
                                                 guint         position);
char         *ts_playground_dup_unused_id       (TsPlayground *self);
char         *ts_playground_dup_unused_title    (TsPlayground *self,
                                                 const char   *base);
guint64       ts_playground_get_revision        (TsPlayground *self);
GPtrArray    *ts_playground_check               (TsPlayground *self,
                                                 const guint  *file_index);
char         *ts_playground_to_display          (TsPlayground *self,
                                                 const char   *tmpl);

G_END_DECLS
