/* ts-history.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "ts-playground.h"

G_BEGIN_DECLS

/* Steps kept before the oldest is forgotten. */
#define TS_HISTORY_DEFAULT_MAX_STEPS 500

/* Edits of one text field closer together than this, in milliseconds, are one step. */
#define TS_HISTORY_DEFAULT_COALESCE_MS 1500

#define TS_TYPE_HISTORY (ts_history_get_type ())

G_DECLARE_FINAL_TYPE (TsHistory, ts_history, TS, HISTORY, GObject)

TsHistory    *ts_history_new                   (TsPlayground *playground);
TsPlayground *ts_history_get_playground        (TsHistory    *self);
gboolean      ts_history_can_undo              (TsHistory    *self);
gboolean      ts_history_can_redo              (TsHistory    *self);
gboolean      ts_history_undo                  (TsHistory    *self);
gboolean      ts_history_redo                  (TsHistory    *self);
void          ts_history_seal                  (TsHistory    *self);
void          ts_history_begin_group           (TsHistory    *self);
void          ts_history_end_group             (TsHistory    *self);
void          ts_history_clear                 (TsHistory    *self);
guint         ts_history_get_n_undo            (TsHistory    *self);
guint         ts_history_get_n_redo            (TsHistory    *self);
void          ts_history_set_max_steps         (TsHistory    *self,
                                                guint         max_steps);
void          ts_history_set_coalesce_interval (TsHistory    *self,
                                                guint         milliseconds);

G_END_DECLS
