/* ts-canvas-focus.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ts-canvas-private.h"

/* Moving between cards with the keyboard. A card takes the focus itself before its
 * controls, so Tab visits each card and then goes on into it. While a card itself has
 * the focus, the arrow keys go to the card before or after it in grid order (Left,
 * Right) or to the nearest one above or below it (Up, Down), Home and End to the first
 * and last card. Enter goes into a card and Escape back out to it (ts-card.c). A card
 * deleted while it has the focus hands it to its neighbour. */

static GtkWidget *
get_focused_card (TsCanvas *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  if (focus != NULL && TS_IS_CARD (focus) && gtk_widget_get_parent (focus) == GTK_WIDGET (self))
    return focus;

  return NULL;
}

/* The nearest card straight above or below the card at @from in self->cards; among
 * cards as near, the one most in line with it. */
static GtkWidget *
find_vertical (TsCanvas *self,
               guint     from,
               gboolean  down)
{
  g_autofree Box *boxes = g_new0 (Box, MAX (1, self->cards->len));
  GtkWidget *best = NULL;
  int best_gap = G_MAXINT;
  int best_dx = G_MAXINT;
  const Box *current;

  _ts_canvas_compute_layout (self, gtk_widget_get_width (GTK_WIDGET (self)), boxes);
  current = &boxes[from];

  for (guint i = 0; i < self->cards->len; i++)
    {
      const Box *box = &boxes[i];
      int gap = down ? box->y - (current->y + current->height)
                     : current->y - (box->y + box->height);
      int dx = ABS ((box->x + box->width / 2) - (current->x + current->width / 2));

      if (i == from || gap < 0)
        continue;

      if (gap < best_gap || (gap == best_gap && dx < best_dx))
        {
          best = g_ptr_array_index (self->cards, i);
          best_gap = gap;
          best_dx = dx;
        }
    }

  return best;
}

/**
 * ts_canvas_move_focus:
 * @self: a #TsCanvas
 * @direction: "left", "right", "up", "down", "first" or "last"
 *
 * Moves the focus from the card that has it to another card. "first" and "last" also
 * work while no card has the focus.
 *
 * Returns: %TRUE if the focus moved
 */
gboolean
ts_canvas_move_focus (TsCanvas   *self,
                      const char *direction)
{
  GtkWidget *card;
  GtkWidget *target = NULL;
  guint index;

  g_return_val_if_fail (TS_IS_CANVAS (self), FALSE);
  g_return_val_if_fail (direction != NULL, FALSE);

  card = get_focused_card (self);

  if (g_str_equal (direction, "first"))
    target = gtk_widget_get_first_child (GTK_WIDGET (self));
  else if (g_str_equal (direction, "last"))
    target = gtk_widget_get_last_child (GTK_WIDGET (self));
  else if (card == NULL)
    return FALSE;
  else if (g_str_equal (direction, "left"))
    target = gtk_widget_get_prev_sibling (card);
  else if (g_str_equal (direction, "right"))
    target = gtk_widget_get_next_sibling (card);
  else if ((g_str_equal (direction, "up") || g_str_equal (direction, "down")) &&
           g_ptr_array_find (self->cards, card, &index))
    target = find_vertical (self, index, g_str_equal (direction, "down"));
  else
    g_return_val_if_reached (FALSE);

  if (target == NULL || target == card)
    return FALSE;

  return gtk_widget_grab_focus (target);
}

/* Tab goes through the cards in grid order, the order of the children. GTK would sort
 * them by the middle of their height, which puts a tall card after the short ones
 * beside it. */
static gboolean
ts_canvas_focus (GtkWidget        *widget,
                 GtkDirectionType  direction)
{
  gboolean forward = direction == GTK_DIR_TAB_FORWARD;
  GtkWidget *focus_child;
  GtkWidget *child;

  if (direction != GTK_DIR_TAB_FORWARD && direction != GTK_DIR_TAB_BACKWARD)
    return GTK_WIDGET_CLASS (g_type_class_peek (GTK_TYPE_WIDGET))->focus (widget, direction);

  focus_child = gtk_widget_get_focus_child (widget);
  if (focus_child != NULL)
    {
      if (gtk_widget_child_focus (focus_child, direction))
        return TRUE;
      child = forward ? gtk_widget_get_next_sibling (focus_child)
                      : gtk_widget_get_prev_sibling (focus_child);
    }
  else
    {
      child = forward ? gtk_widget_get_first_child (widget) : gtk_widget_get_last_child (widget);
    }

  for (; child != NULL;
       child = forward ? gtk_widget_get_next_sibling (child) : gtk_widget_get_prev_sibling (child))
    {
      if (gtk_widget_child_focus (child, direction))
        return TRUE;
    }

  return FALSE;
}

/* Arrow keys belong to the canvas only while a card itself has the focus: anywhere
 * else (a text, a list) they do what they always do. */
static gboolean
move_focus_cb (GtkWidget *widget,
               GVariant  *args,
               gpointer   user_data)
{
  TsCanvas *self = TS_CANVAS (widget);

  if (get_focused_card (self) == NULL)
    return FALSE;

  ts_canvas_move_focus (self, g_variant_get_string (args, NULL));

  return TRUE;
}

void
_ts_canvas_class_add_bindings (GtkWidgetClass *widget_class)
{
  static const struct {
    guint keyval;
    const char *direction;
  } keys[] = {
    { GDK_KEY_Left, "left" }, { GDK_KEY_KP_Left, "left" },
    { GDK_KEY_Right, "right" }, { GDK_KEY_KP_Right, "right" },
    { GDK_KEY_Up, "up" }, { GDK_KEY_KP_Up, "up" },
    { GDK_KEY_Down, "down" }, { GDK_KEY_KP_Down, "down" },
    { GDK_KEY_Home, "first" }, { GDK_KEY_KP_Home, "first" },
    { GDK_KEY_End, "last" }, { GDK_KEY_KP_End, "last" },
  };

  widget_class->focus = ts_canvas_focus;

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    gtk_widget_class_add_binding (widget_class, keys[i].keyval, 0, move_focus_cb,
                                  "s", keys[i].direction);
}

/* Called before @removed leaves the canvas: if the focus is in it, the next card in
 * grid order takes it, or else the one before. */
void
_ts_canvas_focus_after_removal (TsCanvas  *self,
                                GtkWidget *removed)
{
  GtkWidget *target;

  if (gtk_widget_get_focus_child (GTK_WIDGET (self)) != removed)
    return;

  target = gtk_widget_get_next_sibling (removed);
  if (target == NULL)
    target = gtk_widget_get_prev_sibling (removed);

  if (target != NULL)
    gtk_widget_grab_focus (target);
}

void
_ts_canvas_stop_reveal (TsCanvas *self)
{
  if (self->reveal_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->reveal_id);
  self->reveal_id = 0;
  self->revealing = NULL;
}

/* Scrolls the scrolled window the canvas is in, if any, just enough to show @card
 * whole, or its top if it is taller than the view. */
static void
scroll_to_card (TsCanvas *self,
                TsCard   *card)
{
  GtkWidget *scrolled = gtk_widget_get_ancestor (GTK_WIDGET (self), GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adjustment;
  graphene_rect_t bounds;
  double value, page, top, bottom;

  if (scrolled == NULL ||
      !gtk_widget_compute_bounds (GTK_WIDGET (card),
                                  gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scrolled)),
                                  &bounds))
    return;

  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  value = gtk_adjustment_get_value (adjustment);
  page = gtk_adjustment_get_page_size (adjustment);
  /* The viewport's child moves by the value: its coordinates are the content's. */
  top = bounds.origin.y + value;
  bottom = top + bounds.size.height;

  if (bottom > value + page)
    value = bottom - page;
  if (top < value)
    value = top;

  gtk_adjustment_set_value (adjustment, value);
}

static gboolean
reveal_tick_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       user_data)
{
  TsCanvas *self = TS_CANVAS (widget);
  TsCard *card = self->revealing;

  /* A tick comes before the layout of its frame: at the second one the card has been
   * laid out, and the menu it was added from has given the focus back. */
  if (++self->reveal_ticks < 2)
    return G_SOURCE_CONTINUE;

  self->reveal_id = 0;
  self->revealing = NULL;

  gtk_widget_grab_focus (GTK_WIDGET (card));
  scroll_to_card (self, card);

  return G_SOURCE_REMOVE;
}

/**
 * ts_canvas_reveal_card:
 * @self: a #TsCanvas
 * @card: a card of @self
 *
 * Gives @card the focus and scrolls it into view once it has been laid out, as for a
 * card just added.
 */
void
ts_canvas_reveal_card (TsCanvas *self,
                       TsCard   *card)
{
  g_return_if_fail (TS_IS_CANVAS (self));
  g_return_if_fail (TS_IS_CARD (card));
  g_return_if_fail (gtk_widget_get_parent (GTK_WIDGET (card)) == GTK_WIDGET (self));

  _ts_canvas_stop_reveal (self);
  self->revealing = card;
  self->reveal_ticks = 0;
  self->reveal_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), reveal_tick_cb, NULL, NULL);
}
