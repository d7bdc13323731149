/* ts-window-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ts-canvas.h"
#include "ts-draft.h"
#include "ts-history.h"
#include "ts-title-label.h"
#include "ts-window.h"

G_BEGIN_DECLS

struct _TsWindow
{
  AdwApplicationWindow  parent_instance;

  TsPlayground         *playground;
  TsHistory            *history;
  GFile                *file;
  GFile                *loading_file;
  GCancellable         *cancellable;
  GSignalGroup         *playground_signals;
  GSignalGroup         *history_signals;
  GtkNativeDialog      *chooser;
  GtkWidget            *canvas;
  TsDraftStore         *drafts;
  GSettings            *settings;
  TsProviderRegistry   *registry;
  TsRunner             *runner;
  TsCache              *cache;
  GSignalGroup         *runner_signals;
  char                 *draft_id;
  char                 *last_error;
  char                 *warnings;
  char                 *mode;
  AdwToast             *undo_toast;     /* offers to undo a delete; owned by the overlay */
  guint64               undo_revision;  /* the revision right after that delete */
  guint64               saved_revision;
  guint                 autosave_id;
  guint                 check_id;
  guint                 recent_id;
  guint                 n_pending;
  guint                 n_problems;
  gboolean              disposed;
  gboolean              closing;
  GtkWindow            *close_dialog;    /* (weak) the open “Save Changes?” dialog */

  AdwWindowTitle       *window_title;
  AdwToastOverlay      *toast_overlay;
  GtkStack             *stack;
  GtkLabel             *description_label;
  GtkBox               *document_box;
  GtkWidget            *no_widgets_page;
  TsTitleLabel         *title_entry;
  GtkLabel             *modified_label;
  GtkWidget            *add_button;
  GtkWidget            *mode_box;
  GtkWidget            *edit_button;
  GtkWidget            *use_button;
  GtkWidget            *run_button;
  GMenu                *recent_menu;
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
void      _ts_window_mark_saved         (TsWindow       *self,
                                         guint64         revision);
void      _ts_window_show_message       (TsWindow       *self,
                                         const char     *heading,
                                         const char     *body);
void      _ts_window_show_error         (TsWindow       *self,
                                         const char     *heading,
                                         const char     *body);
char     *_ts_window_dup_problem_list   (GPtrArray      *problems);

/* ts-window-check.c */
void      _ts_window_schedule_check     (TsWindow       *self);
void      _ts_window_report_first_frame (TsWindow       *self);

/* ts-window-actions.c */
void      _ts_window_class_add_actions  (GtkWidgetClass *widget_class);
void      _ts_window_init_header        (TsWindow       *self);
void      _ts_window_clear_chooser      (TsWindow       *self);
void      _ts_window_schedule_recent    (TsWindow       *self);
void      _ts_window_add_recent         (TsWindow       *self,
                                         GFile          *file);
void      _ts_window_open_file          (TsWindow       *self,
                                         GFile          *file);
void      _ts_window_expire_undo_toast  (TsWindow       *self);

/* ts-window-run.c */
void      _ts_window_init_runner        (TsWindow       *self);
void      _ts_window_setup_runner       (TsWindow       *self);
void      _ts_window_update_runner      (TsWindow       *self);
void      _ts_window_dispose_runner     (TsWindow       *self);
void      _ts_window_class_add_run_actions (GtkWidgetClass *widget_class);

/* ts-window-dnd.c */
void      _ts_window_init_dnd           (TsWindow       *self);

/* ts-window-draft.c */
void      _ts_window_schedule_autosave  (TsWindow       *self);
void      _ts_window_discard_draft      (TsWindow       *self);
gboolean  _ts_window_close_request      (TsWindow       *self);

G_END_DECLS
