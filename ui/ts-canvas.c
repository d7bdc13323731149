/* ts-canvas.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ts-canvas.h"

#include <glib/gi18n.h>

#include "ts-canvas-private.h"

/* The canvas lays the cards out on the 12-column grid of the model. A grid row is at
 * least ROW_HEIGHT tall and grows to fit the cards that end in it; rows no card covers
 * take no room. Below NARROW_WIDTH the cards stack in one column, in grid order. Cards
 * move by dragging their handle and resize by dragging their corner (ts-canvas-dnd.c),
 * and move focus by the keyboard (ts-canvas-focus.c). */

G_DEFINE_FINAL_TYPE (TsCanvas, ts_canvas, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_EDITING,
  N_PROPS,
};

static GParamSpec *properties[N_PROPS];

/* Grid order: by row, then by column. */
int
_ts_canvas_compare_blocks (TsBlock *block_a,
                           TsBlock *block_b)
{
  int ac, ar, bc, br;

  ts_block_get_layout (block_a, &ac, &ar, NULL, NULL);
  ts_block_get_layout (block_b, &bc, &br, NULL, NULL);

  return ar != br ? ar - br : ac - bc;
}

static int
compare_cards (gconstpointer a,
               gconstpointer b)
{
  return _ts_canvas_compare_blocks (ts_card_get_block (*(TsCard **) a),
                                    ts_card_get_block (*(TsCard **) b));
}

int
_ts_canvas_column_width (int width)
{
  return MAX (1, (width - (TS_GRID_COLUMNS - 1) * GAP) / TS_GRID_COLUMNS);
}

static int
card_height (TsCard *card,
             int     width)
{
  int natural = 0;

  gtk_widget_measure (GTK_WIDGET (card), GTK_ORIENTATION_VERTICAL, width, NULL, &natural,
                      NULL, NULL);

  return natural;
}

/* Computes a box per card (in self->cards order) for @width; returns the height. */
int
_ts_canvas_compute_layout (TsCanvas *self,
                           int       width,
                           Box      *boxes)
{
  guint n = self->cards->len;
  int col_w = _ts_canvas_column_width (width);
  int end_row = 0;
  g_autofree int *heights = NULL;
  g_autofree int *tops = NULL;
  g_autofree gboolean *used = NULL;
  int y = 0;

  if (n == 0)
    return 0;

  if (width < NARROW_WIDTH)
    {
      g_autoptr(GPtrArray) sorted = g_ptr_array_copy (self->cards, NULL, NULL);

      g_ptr_array_sort (sorted, compare_cards);
      for (guint k = 0; k < n; k++)
        {
          TsCard *card = g_ptr_array_index (sorted, k);
          guint i = 0;

          g_ptr_array_find (self->cards, card, &i);
          boxes[i].x = 0;
          boxes[i].y = y;
          boxes[i].width = width;
          boxes[i].height = MAX (card_height (card, width), ROW_HEIGHT);
          y += boxes[i].height + GAP;
        }

      return y - GAP;
    }

  for (guint i = 0; i < n; i++)
    {
      int row, row_span;

      ts_block_get_layout (ts_card_get_block (g_ptr_array_index (self->cards, i)),
                           NULL, &row, NULL, &row_span);
      end_row = MAX (end_row, row + row_span);
    }

  heights = g_new0 (int, end_row);
  tops = g_new0 (int, end_row + 1);
  used = g_new0 (gboolean, end_row);

  for (guint i = 0; i < n; i++)
    {
      int row, row_span;

      ts_block_get_layout (ts_card_get_block (g_ptr_array_index (self->cards, i)),
                           NULL, &row, NULL, &row_span);
      for (int r = row; r < row + row_span; r++)
        {
          used[r] = TRUE;
          heights[r] = ROW_HEIGHT;
        }
    }

  /* Cards in order of their last row: growing that row cannot undo an earlier fit. */
  for (int last = 0; last < end_row; last++)
    {
      for (guint i = 0; i < n; i++)
        {
          TsCard *card = g_ptr_array_index (self->cards, i);
          int column, row, column_span, row_span, available = 0, needed;

          ts_block_get_layout (ts_card_get_block (card), &column, &row, &column_span, &row_span);
          if (row + row_span - 1 != last)
            continue;

          for (int r = row; r <= last; r++)
            available += heights[r] + (r > row ? GAP : 0);

          needed = card_height (card, column_span * col_w + (column_span - 1) * GAP);
          if (needed > available)
            heights[last] += needed - available;
        }
    }

  for (int r = 0; r < end_row; r++)
    {
      tops[r] = y;
      if (used[r])
        y += heights[r] + GAP;
    }
  tops[end_row] = y;

  for (guint i = 0; i < n; i++)
    {
      int column, row, column_span, row_span;

      ts_block_get_layout (ts_card_get_block (g_ptr_array_index (self->cards, i)),
                           &column, &row, &column_span, &row_span);
      boxes[i].x = column * (col_w + GAP);
      boxes[i].width = column_span * col_w + (column_span - 1) * GAP;
      boxes[i].y = tops[row];
      boxes[i].height = tops[row + row_span] - tops[row] - GAP;
    }

  return y - GAP;
}

static void
ts_canvas_measure (GtkWidget      *widget,
                   GtkOrientation  orientation,
                   int             for_size,
                   int            *minimum,
                   int            *natural,
                   int            *minimum_baseline,
                   int            *natural_baseline)
{
  TsCanvas *self = TS_CANVAS (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      int child_min = 0;

      for (guint i = 0; i < self->cards->len; i++)
        {
          int m;

          gtk_widget_measure (g_ptr_array_index (self->cards, i), orientation, -1, &m, NULL,
                              NULL, NULL);
          child_min = MAX (child_min, m);
        }

      *minimum = child_min;
      *natural = MAX (child_min, 960);
    }
  else
    {
      g_autofree Box *boxes = g_new0 (Box, MAX (1, self->cards->len));
      int height = _ts_canvas_compute_layout (self, for_size < 0 ? 960 : for_size, boxes);

      *minimum = *natural = height;
    }
}

static void
ts_canvas_size_allocate (GtkWidget *widget,
                         int        width,
                         int        height,
                         int        baseline)
{
  TsCanvas *self = TS_CANVAS (widget);
  g_autofree Box *boxes = g_new0 (Box, MAX (1, self->cards->len));

  _ts_canvas_compute_layout (self, width, boxes);

  for (guint i = 0; i < self->cards->len; i++)
    {
      TsCard *card = g_ptr_array_index (self->cards, i);
      GtkWidget *handle = ts_card_get_resize_handle (card);

      /* Cards in one column have no columns to resize to: the corner hides (the card's
       * own visibility of it is for Edit and Use mode). */
      gtk_widget_set_opacity (handle, width < NARROW_WIDTH ? 0.0 : 1.0);
      gtk_widget_set_can_target (handle, width >= NARROW_WIDTH);

      gtk_widget_size_allocate (GTK_WIDGET (card),
                                &(GtkAllocation) { boxes[i].x, boxes[i].y,
                                                   boxes[i].width, boxes[i].height },
                                -1);
    }
}

/* Keeps the widget order, which is the focus order, that of the grid. */
static void
sort_children (TsCanvas *self)
{
  g_autoptr(GPtrArray) sorted = g_ptr_array_copy (self->cards, NULL, NULL);
  GtkWidget *previous = NULL;

  g_ptr_array_sort (sorted, compare_cards);
  for (guint i = 0; i < sorted->len; i++)
    {
      GtkWidget *card = g_ptr_array_index (sorted, i);

      if (gtk_widget_get_prev_sibling (card) != previous)
        gtk_widget_insert_after (card, GTK_WIDGET (self), previous);
      previous = card;
    }
}

/**
 * ts_canvas_is_narrow:
 * @self: a canvas
 *
 * Whether @self, as last laid out, is too narrow for the grid and stacks its cards in
 * one column, each as wide as the canvas: their column and width in the grid do not show.
 *
 * Returns: %TRUE when the cards are stacked
 */
gboolean
ts_canvas_is_narrow (TsCanvas *self)
{
  int width;

  g_return_val_if_fail (TS_IS_CANVAS (self), FALSE);

  /* Not laid out yet, it has no width to go by. */
  width = gtk_widget_get_width (GTK_WIDGET (self));

  return width > 0 && width < NARROW_WIDTH;
}

static void
block_changed_cb (TsCanvas     *self,
                  TsBlock      *block,
                  const char   *property,
                  TsPlayground *playground)
{
  if (g_str_equal (property, "column") || g_str_equal (property, "row") ||
      g_str_equal (property, "column-span") || g_str_equal (property, "row-span"))
    {
      sort_children (self);
      gtk_widget_queue_resize (GTK_WIDGET (self));
    }
}

static GtkWidget *
create_card (TsCanvas *self,
             TsBlock  *block)
{
  GtkWidget *card = ts_card_new (block, self->playground);

  ts_card_set_editing (TS_CARD (card), self->editing);
  if (self->runner != NULL)
    ts_card_set_runner (TS_CARD (card), self->runner);
  _ts_canvas_add_card_gestures (self, TS_CARD (card));

  return card;
}

static void
items_changed_cb (TsCanvas   *self,
                  guint       position,
                  guint       removed,
                  guint       added,
                  GListModel *model)
{
  for (guint i = 0; i < removed; i++)
    {
      GtkWidget *card = g_ptr_array_index (self->cards, position);

      if (self->resizing == TS_CARD (card))
        self->resizing = NULL;
      if (self->revealing == TS_CARD (card))
        _ts_canvas_stop_reveal (self);
      _ts_canvas_focus_after_removal (self, card);
      g_ptr_array_remove_index (self->cards, position);
      gtk_widget_unparent (card);
    }

  for (guint i = 0; i < added; i++)
    {
      g_autoptr(TsBlock) block = g_list_model_get_item (model, position + i);
      GtkWidget *card = create_card (self, block);

      gtk_widget_set_parent (card, GTK_WIDGET (self));
      g_ptr_array_insert (self->cards, position + i, card);
    }

  sort_children (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

static void
ts_canvas_dispose (GObject *object)
{
  TsCanvas *self = (TsCanvas *) object;

  _ts_canvas_stop_reveal (self);

  if (self->cards != NULL)
    {
      for (guint i = 0; i < self->cards->len; i++)
        gtk_widget_unparent (g_ptr_array_index (self->cards, i));
      g_ptr_array_set_size (self->cards, 0);
    }

  g_clear_object (&self->playground);
  g_clear_object (&self->history);
  g_clear_object (&self->runner);

  G_OBJECT_CLASS (ts_canvas_parent_class)->dispose (object);
}

static void
ts_canvas_finalize (GObject *object)
{
  TsCanvas *self = (TsCanvas *) object;

  g_clear_pointer (&self->cards, g_ptr_array_unref);

  G_OBJECT_CLASS (ts_canvas_parent_class)->finalize (object);
}

static void
ts_canvas_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  TsCanvas *self = TS_CANVAS (object);

  switch (prop_id)
    {
    case PROP_EDITING:
      g_value_set_boolean (value, self->editing);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ts_canvas_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  TsCanvas *self = TS_CANVAS (object);

  switch (prop_id)
    {
    case PROP_EDITING:
      ts_canvas_set_editing (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ts_canvas_class_init (TsCanvasClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ts_canvas_dispose;
  object_class->finalize = ts_canvas_finalize;
  object_class->get_property = ts_canvas_get_property;
  object_class->set_property = ts_canvas_set_property;

  widget_class->measure = ts_canvas_measure;
  widget_class->size_allocate = ts_canvas_size_allocate;

  properties[PROP_EDITING] =
    g_param_spec_boolean ("editing", NULL, NULL, TRUE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  _ts_canvas_class_add_bindings (widget_class);

  gtk_widget_class_set_css_name (widget_class, "tscanvas");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
ts_canvas_init (TsCanvas *self)
{
  self->editing = TRUE;
  self->cards = g_ptr_array_new ();
  _ts_canvas_add_drop_target (self);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Widgets"), -1);
}

/**
 * ts_canvas_new:
 * @playground: the playground to show
 * @history: (nullable): the history that groups a gesture's edits into one step
 *
 * Returns: (transfer floating): a new canvas
 */
GtkWidget *
ts_canvas_new (TsPlayground *playground,
               TsHistory    *history)
{
  TsCanvas *self;

  g_return_val_if_fail (TS_IS_PLAYGROUND (playground), NULL);
  g_return_val_if_fail (history == NULL || TS_IS_HISTORY (history), NULL);

  self = g_object_new (TS_TYPE_CANVAS, NULL);
  self->playground = g_object_ref (playground);
  self->history = history != NULL ? g_object_ref (history) : NULL;

  g_signal_connect_object (playground, "items-changed", G_CALLBACK (items_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (playground, "block-changed", G_CALLBACK (block_changed_cb), self,
                           G_CONNECT_SWAPPED);
  items_changed_cb (self, 0, 0, ts_playground_get_n_blocks (playground), G_LIST_MODEL (playground));

  return GTK_WIDGET (self);
}

void
ts_canvas_set_editing (TsCanvas *self,
                       gboolean  editing)
{
  g_return_if_fail (TS_IS_CANVAS (self));

  editing = !!editing;
  if (self->editing == editing)
    return;

  self->editing = editing;
  for (guint i = 0; i < self->cards->len; i++)
    ts_card_set_editing (g_ptr_array_index (self->cards, i), editing);

  if (editing)
    gtk_widget_add_css_class (GTK_WIDGET (self), "editing");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "editing");

  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EDITING]);
}

gboolean
ts_canvas_get_editing (TsCanvas *self)
{
  g_return_val_if_fail (TS_IS_CANVAS (self), FALSE);

  return self->editing;
}

/**
 * ts_canvas_get_n_cards:
 * @self: a #TsCanvas
 *
 * Returns: the number of cards
 */
guint
ts_canvas_get_n_cards (TsCanvas *self)
{
  g_return_val_if_fail (TS_IS_CANVAS (self), 0);

  return self->cards->len;
}

/**
 * ts_canvas_get_card:
 * @self: a #TsCanvas
 * @position: the position of a block in the playground
 *
 * Returns: (transfer none) (nullable): the card of the block at @position
 */
TsCard *
ts_canvas_get_card (TsCanvas *self,
                    guint     position)
{
  g_return_val_if_fail (TS_IS_CANVAS (self), NULL);

  if (position >= self->cards->len)
    return NULL;

  return g_ptr_array_index (self->cards, position);
}

/**
 * ts_canvas_find_card:
 * @self: a #TsCanvas
 * @block: a block
 *
 * Returns: (transfer none) (nullable): the card of @block
 */
TsCard *
ts_canvas_find_card (TsCanvas *self,
                     TsBlock  *block)
{
  g_return_val_if_fail (TS_IS_CANVAS (self), NULL);

  for (guint i = 0; i < self->cards->len; i++)
    {
      TsCard *card = g_ptr_array_index (self->cards, i);

      if (ts_card_get_block (card) == block)
        return card;
    }

  return NULL;
}

/**
 * ts_canvas_set_runner:
 * @self: a #TsCanvas
 * @runner: the runner of the playground
 *
 * Lets every card, now and to come, run its widget and show its state.
 */
void
ts_canvas_set_runner (TsCanvas *self,
                      TsRunner *runner)
{
  g_return_if_fail (TS_IS_CANVAS (self));
  g_return_if_fail (TS_IS_RUNNER (runner));

  if (!g_set_object (&self->runner, runner))
    return;

  for (guint i = 0; i < self->cards->len; i++)
    ts_card_set_runner (g_ptr_array_index (self->cards, i), runner);
}
