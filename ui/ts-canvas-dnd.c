/* ts-canvas-dnd.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ts-canvas-private.h"
#include "ts-layout.h"

/* Moving a card by dragging its handle onto the canvas, and resizing it by dragging its
 * corner: model edits, grouped into one undo step per gesture. In one column a drop only
 * changes a card's row, and the corner hides. */

static void
begin_group (TsCanvas *self)
{
  if (self->history != NULL)
    ts_history_begin_group (self->history);
}

static void
end_group (TsCanvas *self)
{
  if (self->history != NULL)
    ts_history_end_group (self->history);
}

static GdkContentProvider *
drag_prepare_cb (GtkDragSource *source,
                 double         x,
                 double         y,
                 TsCard        *card)
{
  return gdk_content_provider_new_typed (TS_TYPE_BLOCK, ts_card_get_block (card));
}

static void
drag_begin_cb (GtkDragSource *source,
               GdkDrag       *drag,
               TsCard        *card)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (GTK_WIDGET (card));

  gtk_drag_source_set_icon (source, paintable, 16, 16);
}

/* The grid cell under a point of the canvas. */
static void
cell_at (TsCanvas *self,
         double    x,
         double    y,
         int      *column,
         int      *row)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  g_autofree Box *boxes = g_new0 (Box, MAX (1, self->cards->len));
  int col_w = _ts_canvas_column_width (width);
  int best_row = ts_layout_get_end_row (self->playground);

  _ts_canvas_compute_layout (self, width, boxes);

  /* The row of the card whose top is nearest above the point. */
  for (guint i = 0; i < self->cards->len; i++)
    {
      int card_row;

      ts_block_get_layout (ts_card_get_block (g_ptr_array_index (self->cards, i)),
                           NULL, &card_row, NULL, NULL);
      if (y >= boxes[i].y && y < boxes[i].y + boxes[i].height)
        {
          best_row = card_row;
          break;
        }
    }

  *column = CLAMP ((int) (x / (col_w + GAP)), 0, TS_GRID_COLUMNS - 1);
  *row = best_row;
}

/* Where a card dropped at @y goes in the single column of a narrow canvas: before the
 * card under the point if it is in that card's upper half, else after it. Only the row
 * changes; the columns cannot be seen here, so the card keeps its own. Returns the card
 * to go before, if any. */
static TsBlock *
narrow_row_at (TsCanvas *self,
               TsBlock  *dragged,
               double    y,
               int      *row)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  g_autofree Box *boxes = g_new0 (Box, MAX (1, self->cards->len));

  _ts_canvas_compute_layout (self, width, boxes);
  ts_block_get_layout (dragged, NULL, row, NULL, NULL);

  for (guint i = 0; i < self->cards->len; i++)
    {
      TsBlock *block = ts_card_get_block (g_ptr_array_index (self->cards, i));
      int block_row, block_row_span;

      if (y < boxes[i].y || y >= boxes[i].y + boxes[i].height + GAP)
        continue;

      if (block == dragged)
        return NULL;

      ts_block_get_layout (block, NULL, &block_row, NULL, &block_row_span);
      if (y < boxes[i].y + boxes[i].height / 2)
        {
          *row = block_row;
          return block;
        }

      *row = block_row + block_row_span;
      return NULL;
    }

  *row = y < 0 ? 0 : ts_layout_get_end_row (self->playground);

  return NULL;
}

static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         TsCanvas      *self)
{
  TsBlock *block = g_value_get_object (value);
  TsBlock *before = NULL;
  int column, row, column_span, row_span;

  if (!TS_IS_BLOCK (block) || !ts_playground_find_block (self->playground, block, NULL))
    return FALSE;

  ts_block_get_layout (block, &column, NULL, &column_span, &row_span);
  if (ts_canvas_is_narrow (self))
    before = narrow_row_at (self, block, y, &row);
  else
    cell_at (self, x, y, &column, &row);

  begin_group (self);
  ts_layout_place (self->playground, block, column, row, column_span, row_span);

  /* A card beside the dropped one, in a column left of it, still shows before it. */
  if (before != NULL && _ts_canvas_compare_blocks (before, block) < 0)
    {
      int before_column, before_column_span, before_row_span;

      ts_block_get_layout (before, &before_column, NULL, &before_column_span, &before_row_span);
      ts_layout_place (self->playground, before, before_column, row + row_span,
                       before_column_span, before_row_span);
    }
  end_group (self);

  return TRUE;
}

static void
resize_begin_cb (GtkGestureDrag *gesture,
                 double          x,
                 double          y,
                 TsCanvas       *self)
{
  TsCard *card = TS_CARD (gtk_widget_get_ancestor (gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture)),
                                                   TS_TYPE_CARD));

  /* A narrow canvas shows every card at full width: no columns to resize to. */
  if (ts_canvas_is_narrow (self))
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }

  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  self->resizing = card;
  ts_block_get_layout (ts_card_get_block (card), NULL, NULL, &self->start_column_span,
                       &self->start_row_span);
  begin_group (self);
}

static void
resize_update_cb (GtkGestureDrag *gesture,
                  double          dx,
                  double          dy,
                  TsCanvas       *self)
{
  TsBlock *block;
  int col_w = _ts_canvas_column_width (gtk_widget_get_width (GTK_WIDGET (self)));
  int column, row;

  if (self->resizing == NULL)
    return;

  block = ts_card_get_block (self->resizing);
  ts_block_get_layout (block, &column, &row, NULL, NULL);
  ts_layout_place (self->playground, block, column, row,
                   self->start_column_span + (int) (dx / (col_w + GAP) + (dx < 0 ? -0.5 : 0.5)),
                   self->start_row_span + (int) (dy / (ROW_HEIGHT + GAP) + (dy < 0 ? -0.5 : 0.5)));
}

static void
resize_end_cb (GtkGestureDrag *gesture,
               double          dx,
               double          dy,
               TsCanvas       *self)
{
  if (self->resizing == NULL)
    return;

  self->resizing = NULL;
  end_group (self);
}

/* Lets @card be dragged by its handle and resized by its corner. */
void
_ts_canvas_add_card_gestures (TsCanvas *self,
                              TsCard   *card)
{
  GtkDragSource *source = gtk_drag_source_new ();
  GtkGesture *resize = gtk_gesture_drag_new ();

  gtk_drag_source_set_actions (source, GDK_ACTION_MOVE);
  g_signal_connect (source, "prepare", G_CALLBACK (drag_prepare_cb), card);
  g_signal_connect (source, "drag-begin", G_CALLBACK (drag_begin_cb), card);
  gtk_widget_add_controller (ts_card_get_drag_handle (card), GTK_EVENT_CONTROLLER (source));

  g_signal_connect (resize, "drag-begin", G_CALLBACK (resize_begin_cb), self);
  g_signal_connect (resize, "drag-update", G_CALLBACK (resize_update_cb), self);
  g_signal_connect (resize, "drag-end", G_CALLBACK (resize_end_cb), self);
  gtk_widget_add_controller (ts_card_get_resize_handle (card), GTK_EVENT_CONTROLLER (resize));
}

/* Lets cards be dropped on @self. */
void
_ts_canvas_add_drop_target (TsCanvas *self)
{
  GtkDropTarget *target = gtk_drop_target_new (TS_TYPE_BLOCK, GDK_ACTION_MOVE);

  g_signal_connect (target, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (target));
}
