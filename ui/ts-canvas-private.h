/* ts-canvas-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ts-canvas.h"

G_BEGIN_DECLS

#define ROW_HEIGHT 72
#define GAP 12
#define NARROW_WIDTH 640

struct _TsCanvas
{
  GtkWidget     parent_instance;

  TsPlayground *playground;
  TsHistory    *history;
  TsRunner     *runner;
  GPtrArray    *cards;         /* in the playground's order */
  gboolean      editing;

  /* A card to focus and scroll to once it has been laid out. */
  TsCard       *revealing;
  guint         reveal_id;
  guint         reveal_ticks;

  /* During a resize by the corner. */
  TsCard       *resizing;
  int           start_column_span;
  int           start_row_span;
};

typedef struct
{
  int x, y, width, height;
} Box;

/* ts-canvas.c */
int  _ts_canvas_compute_layout      (TsCanvas       *self,
                                     int             width,
                                     Box            *boxes);
int  _ts_canvas_column_width        (int             width);
int  _ts_canvas_compare_blocks      (TsBlock        *block_a,
                                     TsBlock        *block_b);

/* ts-canvas-dnd.c */
void _ts_canvas_add_card_gestures   (TsCanvas       *self,
                                     TsCard         *card);
void _ts_canvas_add_drop_target     (TsCanvas       *self);

/* ts-canvas-focus.c */
void _ts_canvas_class_add_bindings  (GtkWidgetClass *widget_class);
void _ts_canvas_focus_after_removal (TsCanvas       *self,
                                     GtkWidget      *removed);
void _ts_canvas_stop_reveal         (TsCanvas       *self);

G_END_DECLS
