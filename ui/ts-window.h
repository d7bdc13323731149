/* ts-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "ts-application.h"
#include "ts-card.h"
#include "ts-draft.h"
#include "ts-history.h"
#include "ts-playground.h"
#include "ts-runner.h"

G_BEGIN_DECLS

#define TS_TYPE_WINDOW (ts_window_get_type ())

G_DECLARE_FINAL_TYPE (TsWindow, ts_window, TS, WINDOW, AdwApplicationWindow)

TsWindow     *ts_window_new              (TsApplication        *application);
TsPlayground *ts_window_get_playground   (TsWindow             *self);
GFile        *ts_window_get_file         (TsWindow             *self);
gboolean      ts_window_get_busy         (TsWindow             *self);
const char   *ts_window_get_last_error   (TsWindow             *self);
gboolean      ts_window_is_empty         (TsWindow             *self);
gboolean      ts_window_has_file         (TsWindow             *self,
                                          GFile                *file);
void          ts_window_open_file_async  (TsWindow             *self,
                                          GFile                *file,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
gboolean      ts_window_open_file_finish (TsWindow             *self,
                                          GAsyncResult         *result,
                                          GError              **error);
void          ts_window_save_file_async  (TsWindow             *self,
                                          GFile                *file,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
gboolean      ts_window_save_file_finish (TsWindow             *self,
                                          GAsyncResult         *result,
                                          GError              **error);
guint         ts_window_get_n_cards      (TsWindow             *self);
TsHistory    *ts_window_get_history      (TsWindow             *self);
gboolean      ts_window_get_modified     (TsWindow             *self);
const char   *ts_window_get_mode         (TsWindow             *self);
void          ts_window_new_playground   (TsWindow             *self);
const char   *ts_window_get_draft_id     (TsWindow             *self);
void          ts_window_restore_draft    (TsWindow             *self,
                                          TsDraftStore         *store,
                                          const TsDraftInfo    *info);
TsCard       *ts_window_get_card         (TsWindow             *self,
                                          guint                 position);
TsRunner     *ts_window_get_runner       (TsWindow             *self);
void          ts_window_set_registry     (TsWindow             *self,
                                          TsProviderRegistry   *registry);

G_END_DECLS
