/* test-canvas.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>

#include "ts-application.h"
#include "ts-canvas.h"
#include "ts-window.h"
#include "ui-test-utils.h"

/* The canvas in a narrow and a wide window: dragging cards, the resize corner, a new
 * widget brought into view, and the Undo of a deleted widget's toast. The story-writer
 * example has, in grid order, w1 (column 0, row 0, 8 × 1), w2 (8, 0, 4 × 1),
 * w3 (0, 1, 7 × 4), w4 (7, 1, 5 × 2) and w5 (7, 3, 5 × 2). */

static TsApplication *application;
static char *tmpdir;

static gboolean
count_tick_cb (GtkWidget     *widget,
               GdkFrameClock *clock,
               gpointer       user_data)
{
  guint *n_ticks = user_data;

  return ++*n_ticks < 2 ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

/* Waits until a frame has been laid out since the call: ticks come before the layout
 * of their frame, so the second tick means the first frame is done. */
static void
wait_for_layout (TsWindow *window)
{
  guint n_ticks = 0;

  gtk_widget_add_tick_callback (GTK_WIDGET (window), count_tick_cb, &n_ticks, NULL);
  wait_until (n_ticks >= 2);
  test_drain ();
}

static TsWindow *
open_example (const char *name,
              int         width,
              int         height)
{
  g_autoptr(GFile) file = test_example_file (name);
  g_autoptr(GAsyncResult) result = NULL;
  TsWindow *window = ts_window_new (application);

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_present (GTK_WINDOW (window));
  ts_window_open_file_async (window, file, test_result_cb, &result);
  wait_until (result != NULL);
  g_assert_true (ts_window_open_file_finish (window, result, NULL));
  wait_until (gtk_widget_get_mapped (GTK_WIDGET (window)));
  wait_for_layout (window);

  return window;
}

static TsCanvas *
get_canvas (TsWindow *window)
{
  return TS_CANVAS (gtk_widget_get_parent (GTK_WIDGET (ts_window_get_card (window, 0))));
}

static TsBlock *
get_block (TsWindow   *window,
           const char *id)
{
  TsBlock *block = ts_playground_lookup_block (ts_window_get_playground (window), id);

  g_assert_nonnull (block);

  return block;
}

static TsCard *
get_card (TsWindow   *window,
          const char *id)
{
  return ts_canvas_find_card (get_canvas (window), get_block (window, id));
}

/* Checks the cell of @block, given as "column row column-span row-span". */
static void
assert_layout (TsBlock    *block,
               const char *expected)
{
  g_autofree char *layout = NULL;
  int column, row, column_span, row_span;

  ts_block_get_layout (block, &column, &row, &column_span, &row_span);
  layout = g_strdup_printf ("%d %d %d %d", column, row, column_span, row_span);
  g_assert_cmpstr (layout, ==, expected);
}

/* Where @card is on the canvas. */
static graphene_rect_t
card_bounds (TsWindow *window,
             TsCard   *card)
{
  graphene_rect_t bounds;

  g_assert_true (gtk_widget_compute_bounds (GTK_WIDGET (card), GTK_WIDGET (get_canvas (window)),
                                            &bounds));

  return bounds;
}

/* Emits what GTK emits when @block is dropped on the canvas at (@x, @y). */
static gboolean
drop_block (TsWindow *window,
            TsBlock  *block,
            double    x,
            double    y)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (get_canvas (window)));
  g_auto(GValue) value = G_VALUE_INIT;
  GtkDropTarget *target = NULL;
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers) && target == NULL; i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller))
        target = GTK_DROP_TARGET (controller);
    }
  g_assert_nonnull (target);

  g_value_init (&value, TS_TYPE_BLOCK);
  g_value_set_object (&value, block);
  g_signal_emit_by_name (target, "drop", &value, x, y, &handled);
  wait_for_layout (window);

  return handled;
}

static int
compare_shown (gconstpointer a,
               gconstpointer b)
{
  GtkWidget *card_a = *(GtkWidget **) a;
  GtkWidget *card_b = *(GtkWidget **) b;
  graphene_rect_t bounds_a, bounds_b;

  g_assert_true (gtk_widget_compute_bounds (card_a, gtk_widget_get_parent (card_a), &bounds_a));
  g_assert_true (gtk_widget_compute_bounds (card_b, gtk_widget_get_parent (card_b), &bounds_b));

  if (bounds_a.origin.y != bounds_b.origin.y)
    return bounds_a.origin.y < bounds_b.origin.y ? -1 : 1;

  return bounds_a.origin.x < bounds_b.origin.x ? -1 : bounds_a.origin.x > bounds_b.origin.x;
}

/* The ids of the cards from top to bottom and left to right as the canvas shows them,
 * which is also the focus order, the order of the canvas's children. */
static char *
dup_card_order (TsWindow *window)
{
  g_autoptr(GPtrArray) cards = g_ptr_array_new ();
  g_autoptr(GPtrArray) shown = NULL;
  GString *order = g_string_new (NULL);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (get_canvas (window)));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    g_ptr_array_add (cards, child);

  shown = g_ptr_array_copy (cards, NULL, NULL);
  g_ptr_array_sort (shown, compare_shown);

  for (guint i = 0; i < cards->len; i++)
    {
      g_assert_true (g_ptr_array_index (cards, i) == g_ptr_array_index (shown, i));
      g_string_append_printf (order, "%s%s", order->len > 0 ? " " : "",
                              ts_block_get_id (ts_card_get_block (g_ptr_array_index (cards, i))));
    }

  return g_string_free (order, FALSE);
}

static void
assert_card_order (TsWindow   *window,
                   const char *expected)
{
  g_autofree char *order = dup_card_order (window);

  g_assert_cmpstr (order, ==, expected);
}

/* Whether the resize corner of @card can be seen and grabbed. */
static gboolean
shows_resize_handle (TsCard *card)
{
  GtkWidget *handle = ts_card_get_resize_handle (card);

  return gtk_widget_get_mapped (handle) && gtk_widget_get_opacity (handle) > 0.0 &&
         gtk_widget_get_can_target (handle);
}

static void
test_canvas_drop_narrow (void)
{
  TsWindow *window = open_example ("story-writer", 600, 900);
  TsHistory *history = ts_window_get_history (window);
  TsBlock *w5 = get_block (window, "w5");
  graphene_rect_t bounds;
  guint n_undo;

  /* One column: every card as wide as the canvas, none with a resize corner. */
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (get_canvas (window))), <, 640);
  bounds = card_bounds (window, get_card (window, "w2"));
  g_assert_cmpfloat (bounds.origin.x, ==, 0);
  g_assert_cmpfloat (bounds.size.width, ==, gtk_widget_get_width (GTK_WIDGET (get_canvas (window))));
  for (guint i = 0; i < ts_window_get_n_cards (window); i++)
    g_assert_false (shows_resize_handle (ts_window_get_card (window, i)));
  assert_card_order (window, "w1 w2 w3 w4 w5");

  /* The last card dropped on the upper half of the first, near its left edge: it goes
   * first and keeps its column and size; the first card goes below it. */
  bounds = card_bounds (window, get_card (window, "w1"));
  g_assert_true (drop_block (window, w5, 10, bounds.origin.y + 5));
  assert_layout (w5, "7 0 5 2");
  assert_card_order (window, "w5 w1 w2 w3 w4");
  g_assert_cmpint (ts_history_get_n_undo (history), ==, 1);

  /* A card dropped on the upper half of one beside it in the grid goes before it too,
   * though its own column is further right. */
  bounds = card_bounds (window, get_card (window, "w3"));
  g_assert_true (drop_block (window, get_block (window, "w4"), 10, bounds.origin.y + 5));
  assert_card_order (window, "w5 w1 w2 w4 w3");
  assert_layout (get_block (window, "w4"), "7 3 5 2");

  /* The first card dropped on the lower half of the last goes last. */
  bounds = card_bounds (window, get_card (window, "w3"));
  g_assert_true (drop_block (window, w5, 590, bounds.origin.y + bounds.size.height - 5));
  assert_layout (w5, "7 9 5 2");
  assert_card_order (window, "w1 w2 w4 w3 w5");

  /* Dropped on itself, a card stays where it is. */
  bounds = card_bounds (window, get_card (window, "w5"));
  g_assert_true (drop_block (window, w5, 10, bounds.origin.y + 5));
  assert_layout (w5, "7 9 5 2");

  /* Stacked, a card's width cannot change from the keyboard (it would not show); its
   * height can. */
  n_undo = ts_history_get_n_undo (history);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (get_card (window, "w2")), "card.resize",
                                             "s", "right"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (get_card (window, "w2")), "card.resize",
                                             "s", "left"));
  assert_layout (get_block (window, "w2"), "8 2 4 1");
  g_assert_cmpuint (ts_history_get_n_undo (history), ==, n_undo);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (get_card (window, "w2")), "card.resize",
                                             "s", "down"));
  assert_layout (get_block (window, "w2"), "8 2 4 2");
  g_assert_cmpuint (ts_history_get_n_undo (history), ==, n_undo + 1);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL);
  assert_layout (get_block (window, "w2"), "8 2 4 1");

  /* Widened, the grid shows each card where it was and at its size. */
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 900);
  wait_until (gtk_widget_get_width (GTK_WIDGET (get_canvas (window))) >= 640);
  wait_for_layout (window);
  assert_layout (get_block (window, "w1"), "0 2 8 1");
  assert_layout (get_block (window, "w2"), "8 2 4 1");
  g_assert_true (shows_resize_handle (get_card (window, "w1")));

  test_destroy_window (GTK_WINDOW (window));
}

static void
test_canvas_drop_wide (void)
{
  TsWindow *window = open_example ("story-writer", 1200, 900);
  TsBlock *w5 = get_block (window, "w5");
  graphene_rect_t bounds;

  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (get_canvas (window))), >=, 640);
  for (guint i = 0; i < ts_window_get_n_cards (window); i++)
    g_assert_true (shows_resize_handle (ts_window_get_card (window, i)));

  /* On the grid the point chooses the column as well as the row: the first column of
   * the first row, where the card pushes down the one it lands on. */
  bounds = card_bounds (window, get_card (window, "w1"));
  g_assert_true (drop_block (window, w5, 10, bounds.origin.y + 5));
  assert_layout (w5, "0 0 5 2");
  assert_layout (get_block (window, "w1"), "0 2 8 1");
  assert_card_order (window, "w5 w2 w1 w3 w4");

  /* The rightmost columns clamp to the card's span. */
  bounds = card_bounds (window, get_card (window, "w1"));
  g_assert_true (drop_block (window, w5, bounds.origin.x + bounds.size.width + 200,
                             bounds.origin.y + 5));
  assert_layout (w5, "7 2 5 2");

  test_destroy_window (GTK_WINDOW (window));
}

static void
test_canvas_add_reveals (void)
{
  TsWindow *window = open_example ("story-writer", 1200, 480);
  GtkWidget *button = (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (window), TS_TYPE_WINDOW,
                                                     "add_button");
  GtkPopover *popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (button));
  GtkScrolledWindow *scrolled = GTK_SCROLLED_WINDOW (gtk_widget_get_ancestor (GTK_WIDGET (get_canvas (window)),
                                                                              GTK_TYPE_SCROLLED_WINDOW));
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (scrolled);
  TsPlayground *playground = ts_window_get_playground (window);
  graphene_rect_t bounds;
  TsCard *card;
  double top;

  /* The window shows the top of the playground only. */
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), ==, 0);
  g_assert_cmpfloat (gtk_adjustment_get_upper (adjustment), >, gtk_adjustment_get_page_size (adjustment));

  /* A chatbot added from the + menu, which closes as its item is chosen and gives the
   * focus back to its button, goes to the bottom: it gets the focus and comes into view. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-add-menu", NULL));
  wait_until (gtk_widget_get_visible (GTK_WIDGET (popover)));
  gtk_popover_popdown (popover);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.add-block", "s", "chat"));
  wait_for_layout (window);
  wait_for_layout (window);

  card = ts_window_get_card (window, ts_playground_get_n_blocks (playground) - 1);
  g_assert_true (gtk_root_get_focus (GTK_ROOT (window)) == GTK_WIDGET (card));
  g_assert_true (gtk_widget_compute_bounds (GTK_WIDGET (card), gtk_scrolled_window_get_child (scrolled),
                                            &bounds));
  top = bounds.origin.y + gtk_adjustment_get_value (adjustment);
  g_test_message ("card %g + %g, view %g + %g", top, bounds.size.height,
                  gtk_adjustment_get_value (adjustment), gtk_adjustment_get_page_size (adjustment));
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), >, 0);
  g_assert_cmpfloat (top, >=, gtk_adjustment_get_value (adjustment));
  g_assert_cmpfloat (top + bounds.size.height, <=,
                     gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment));

  test_destroy_window (GTK_WINDOW (window));
}

/* The Undo button of the toast on top in @window, or NULL. */
static GtkWidget *
find_undo_button (GtkWidget *widget)
{
  if (GTK_IS_BUTTON (widget) && gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY) != NULL &&
      g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), "_Undo") == 0 &&
      gtk_widget_get_mapped (widget))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_undo_button (child);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
test_canvas_delete_toast (void)
{
  TsWindow *window = open_example ("story-writer", 1200, 900);
  TsPlayground *playground = ts_window_get_playground (window);
  g_autoptr(TsBlock) w3 = g_object_ref (get_block (window, "w3"));
  g_autofree char *action = NULL;
  g_autoptr(GVariant) target = NULL;
  GtkWidget *button;

  /* A delete shows a toast whose Undo brings the widget back where it was. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.delete-block", "s", "w3"));
  g_assert_null (ts_playground_lookup_block (playground, "w3"));
  wait_until (find_undo_button (GTK_WIDGET (window)) != NULL);
  g_signal_emit_by_name (find_undo_button (GTK_WIDGET (window)), "clicked");
  test_drain ();
  g_assert_true (ts_playground_lookup_block (playground, "w3") == w3);
  assert_layout (w3, "0 1 7 4");
  g_assert_cmpuint (ts_window_get_n_cards (window), ==, 5);
  wait_until (find_undo_button (GTK_WIDGET (window)) == NULL);

  /* After another edit the toast loses its Undo, which, had it been clicked still,
   * would take back neither that edit nor the delete. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.delete-block", "s", "w3"));
  wait_until (find_undo_button (GTK_WIDGET (window)) != NULL);
  button = find_undo_button (GTK_WIDGET (window));
  action = g_strdup (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)));
  target = gtk_actionable_get_action_target_value (GTK_ACTIONABLE (button));
  if (target != NULL)
    g_variant_ref (target);

  g_object_ref (button);
  ts_block_set_title (get_block (window, "w1"), "Edited after the delete");
  wait_until (!gtk_widget_get_visible (button) || !gtk_widget_get_mapped (button));
  g_object_unref (button);
  g_assert_null (find_undo_button (GTK_WIDGET (window)));
  gtk_widget_activate_action_variant (GTK_WIDGET (window), action, target);
  test_drain ();
  g_assert_cmpstr (ts_block_get_title (get_block (window, "w1")), ==, "Edited after the delete");
  g_assert_null (ts_playground_lookup_block (playground, "w3"));

  /* The general undo still takes back one step at a time. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  g_assert_cmpstr (ts_block_get_title (get_block (window, "w1")), ==, "Story idea");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  g_assert_true (ts_playground_lookup_block (playground, "w3") == w3);

  test_destroy_window (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  tmpdir = test_setup_dirs ("test-canvas");

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  test_setup_display ();

  application = TS_APPLICATION (test_new_application ());

  g_test_add_func ("/ui/canvas/drop-narrow", test_canvas_drop_narrow);
  g_test_add_func ("/ui/canvas/drop-wide", test_canvas_drop_wide);
  g_test_add_func ("/ui/canvas/delete-toast", test_canvas_delete_toast);
  g_test_add_func ("/ui/canvas/add-reveals", test_canvas_add_reveals);

  status = g_test_run ();

  g_clear_object (&application);
  test_remove_tree (tmpdir);
  g_free (tmpdir);

  return status;
}
