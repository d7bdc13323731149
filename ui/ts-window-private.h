/* ts-window-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ts-window.h"

G_BEGIN_DECLS

struct _TsWindow
{
  AdwApplicationWindow  parent_instance;

  TsPlayground         *playground;
  GFile                *file;
  GFile                *loading_file;
  GCancellable         *cancellable;
  GSignalGroup         *playground_signals;
  GtkNativeDialog      *chooser;
  char                 *last_error;
  char                 *warnings;
  guint                 n_pending;
  gboolean              disposed;

  AdwWindowTitle       *window_title;
  AdwToastOverlay      *toast_overlay;
  GtkStack             *stack;
  GtkLabel             *title_label;
  GtkLabel             *description_label;
  GtkLabel             *count_label;
  GtkListBox           *card_list;
};

/* ts-window.c */
gboolean  _ts_window_is_example         (GFile          *file);
char     *_ts_window_dup_display_name   (GFile          *file);
void      _ts_window_set_document       (TsWindow       *self,
                                         TsPlayground   *playground,
                                         GFile          *file);
void      _ts_window_set_file           (TsWindow       *self,
                                         GFile          *file);
void      _ts_window_set_last_error     (TsWindow       *self,
                                         const char     *message);
void      _ts_window_begin_busy         (TsWindow       *self);
void      _ts_window_end_busy           (TsWindow       *self);
void      _ts_window_show_message       (TsWindow       *self,
                                         const char     *heading,
                                         const char     *body);
void      _ts_window_show_error         (TsWindow       *self,
                                         const char     *heading,
                                         const char     *body);

/* ts-window-actions.c */
void      _ts_window_class_add_actions  (GtkWidgetClass *widget_class);
void      _ts_window_clear_chooser      (TsWindow       *self);

G_END_DECLS
