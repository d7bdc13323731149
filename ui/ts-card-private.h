/* ts-card-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ts-card.h"
#include "ts-title-label.h"

G_BEGIN_DECLS

struct _TsCard
{
  GtkWidget        parent_instance;

  TsBlock         *block;
  TsPlayground    *playground;
  char            *problems;
  gboolean         editing;

  GtkWidget       *prompt_editor;
  TsRunner        *runner;
  char            *run_error;
  GPtrArray       *output_boxes;
  guint            refresh_id;
  GtkNativeDialog *chooser;
  GCancellable    *cancellable;

  GtkBox          *root;
  GtkImage        *drag_handle;
  GtkImage        *kind_icon;
  TsTitleLabel    *title_label;
  GtkLabel        *state_label;
  GtkLabel        *error_label;
  GtkImage        *problem_icon;
  GtkButton       *run_button;
  GtkMenuButton   *settings_button;
  GtkMenuButton   *menu_button;
  GtkStack        *body;
  GtkLabel        *details_label;
  GtkImage        *resize_handle;
};

/* ts-card-editors.c */
GtkWidget *_ts_card_build_editor   (TsCard          *self);
GtkWidget *_ts_card_build_view     (TsCard          *self);
void       _ts_card_choose_document (TsCard         *self);
void       _ts_card_load_document   (TsCard         *self,
                                     GFile          *file);
void       _ts_card_refresh_outputs (TsCard         *self);

/* ts-card-run.c */
void       _ts_card_class_add_run_actions (GtkWidgetClass *widget_class);
void       _ts_card_update_run_actions    (TsCard         *self);
void       _ts_card_dispose_run           (TsCard         *self);
gboolean   _ts_card_send_message          (TsCard         *self,
                                           const char     *text);

G_END_DECLS
