/* test-keyboard.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>

#include "fake-provider.h"
#include "ts-application.h"
#include "ts-canvas.h"
#include "ts-window.h"
#include "ui-test-utils.h"

/* Keyboard and accessibility: the shortcuts window lists what the keys really do, the
 * canvas can be walked without a pointer, and every control has a name. Keys are
 * "pressed" by activating the widget's own shortcut for them, the path a key event
 * takes once GTK has matched it. */

static TsApplication *application;
static char *tmpdir;

/* Opens an example in a new window that runs its widgets on @registry, or on the
 * preferences' servers when it is %NULL. */
static TsWindow *
open_example_on (const char         *name,
                 TsProviderRegistry *registry)
{
  g_autoptr(GFile) file = test_example_file (name);
  g_autoptr(GAsyncResult) result = NULL;
  TsWindow *window = ts_window_new (application);

  if (registry != NULL)
    ts_window_set_registry (window, registry);

  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 900);
  gtk_window_present (GTK_WINDOW (window));
  ts_window_open_file_async (window, file, test_result_cb, &result);
  wait_until (result != NULL);
  g_assert_true (ts_window_open_file_finish (window, result, NULL));
  wait_until (gtk_widget_get_mapped (GTK_WIDGET (window)));
  test_drain ();

  return window;
}

static TsWindow *
open_example (const char *name)
{
  return open_example_on (name, NULL);
}

/* The shortcut of @widget (from its class bindings or a controller) for a key. */
static GtkShortcut *
find_shortcut (GtkWidget       *widget,
               guint            keyval,
               GdkModifierType  modifiers)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;

      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);

          if (GTK_IS_KEYVAL_TRIGGER (trigger) &&
              gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)) == keyval &&
              gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)) == modifiers)
            return shortcut;
        }
    }

  return NULL;
}

/* Offers the key to the focus widget and then to each of its ancestors, as a key event
 * bubbles; returns whether one of them handled it. */
static gboolean
press (TsWindow        *window,
       guint            keyval,
       GdkModifierType  modifiers)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));

  for (GtkWidget *widget = focus; widget != NULL; widget = gtk_widget_get_parent (widget))
    {
      GtkShortcut *shortcut = find_shortcut (widget, keyval, modifiers);

      if (shortcut != NULL &&
          gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut),
                                        GTK_SHORTCUT_ACTION_EXCLUSIVE, widget,
                                        gtk_shortcut_get_arguments (shortcut)))
        {
          test_drain ();
          return TRUE;
        }
    }

  return FALSE;
}

static GtkWidget *
get_focus (TsWindow *window)
{
  return gtk_root_get_focus (GTK_ROOT (window));
}

static TsCanvas *
get_canvas (TsWindow *window)
{
  return TS_CANVAS (gtk_widget_get_parent (GTK_WIDGET (ts_window_get_card (window, 0))));
}

/* The cards in focus order, which is grid order. */
static GPtrArray *
list_cards (TsWindow *window)
{
  GPtrArray *cards = g_ptr_array_new ();

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (get_canvas (window)));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    g_ptr_array_add (cards, child);

  return cards;
}

static void
get_cell (GtkWidget *card,
          int       *column,
          int       *row)
{
  ts_block_get_layout (ts_card_get_block (TS_CARD (card)), column, row, NULL, NULL);
}

/* Whether the action @name exists: one of the window's, or of the application's. */
static gboolean
has_action (const char *name)
{
  GtkWidgetClass *window_class = g_type_class_ref (TS_TYPE_WINDOW);
  const GVariantType *parameter_type;
  const char *action_name;
  const char *property_name;
  gboolean found = FALSE;
  GType owner;

  if (g_str_has_prefix (name, "app."))
    found = g_action_map_lookup_action (G_ACTION_MAP (application), name + 4) != NULL;

  /* GtkApplicationWindow adds this one when it has a shortcuts window. */
  if (g_str_equal (name, "win.show-help-overlay"))
    found = TRUE;

  /* GTK 4.8 writes every out argument. */
  for (guint i = 0;
       !found && gtk_widget_class_query_action (window_class, i, &owner, &action_name,
                                                &parameter_type, &property_name);
       i++)
    found = g_str_equal (action_name, name);

  g_type_class_unref (window_class);

  return found;
}

static void
test_shortcuts_window (void)
{
  static const char * const required_actions[] = {
    "win.new", "win.open", "win.save", "win.save-as", "win.run-all", "win.run-focused",
    "win.show-add-menu", "win.toggle-mode", "win.undo", "win.redo",
  };
  static const char * const required_titles[] = {
    "Run the Widget", "Rename", "Move", "Resize", "Duplicate", "Delete",
  };
  g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource (RESOURCE_PREFIX
                                                                 "/gtk/help-overlay.ui");
  g_autoptr(GPtrArray) actions = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) titles = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GtkWidget) card = NULL;
  g_autoptr(GtkWidget) canvas = NULL;
  g_autoptr(TsPlayground) playground = ts_playground_new ();
  GSList *objects = gtk_builder_get_objects (builder);
  g_auto(GStrv) add_accels = NULL;

  ts_playground_add_block (playground, TS_BLOCK_KIND_TEXT);
  canvas = g_object_ref_sink (ts_canvas_new (playground, NULL));
  card = g_object_ref (GTK_WIDGET (ts_canvas_get_card (TS_CANVAS (canvas), 0)));

  for (GSList *l = objects; l != NULL; l = l->next)
    {
      g_autofree char *title = NULL;
      g_autofree char *action = NULL;
      g_autofree char *accelerator = NULL;

      if (!GTK_IS_SHORTCUTS_SHORTCUT (l->data))
        continue;

      g_object_get (l->data, "title", &title, "action-name", &action,
                    "accelerator", &accelerator, NULL);
      g_ptr_array_add (titles, g_strdup (title));

      /* A named action must have a key; a key written out must be bound somewhere. */
      if (action != NULL)
        {
          g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (application),
                                                                        action);

          g_test_message ("action %s", action);
          g_assert_true (has_action (action));
          if (!g_str_equal (action, "win.show-help-overlay"))
            g_assert_cmpuint (g_strv_length (accels), >, 0);
          g_ptr_array_add (actions, g_steal_pointer (&action));
        }
      else
        {
          g_auto(GStrv) keys = g_strsplit (accelerator, " ", -1);

          for (guint i = 0; keys[i] != NULL; i++)
            {
              guint keyval;
              GdkModifierType modifiers;

              g_assert_true (gtk_accelerator_parse (keys[i], &keyval, &modifiers));
              /* Tab belongs to GTK. */
              if (keyval == GDK_KEY_Tab || keyval == GDK_KEY_ISO_Left_Tab)
                continue;
              g_test_message ("key %s", keys[i]);
              g_assert_true (find_shortcut (card, keyval, modifiers) != NULL ||
                             find_shortcut (canvas, keyval, modifiers) != NULL);
            }
        }
    }
  g_slist_free (objects);

  for (guint i = 0; i < G_N_ELEMENTS (required_actions); i++)
    g_assert_true (g_ptr_array_find_with_equal_func (actions, required_actions[i], g_str_equal,
                                                     NULL));
  for (guint i = 0; i < G_N_ELEMENTS (required_titles); i++)
    g_assert_true (g_ptr_array_find_with_equal_func (titles, required_titles[i], g_str_equal,
                                                     NULL));

  add_accels = gtk_application_get_accels_for_action (GTK_APPLICATION (application),
                                                      "win.show-add-menu");
  {
    guint keyval;
    GdkModifierType modifiers;

    g_assert_true (gtk_accelerator_parse (add_accels[0], &keyval, &modifiers));
    g_assert_cmpuint (keyval, ==, GDK_KEY_a);
    g_assert_cmpuint (modifiers, ==, GDK_CONTROL_MASK | GDK_SHIFT_MASK);
  }
}

/* Ctrl+Shift+Return runs the card whose control has the focus, and only that card, also
 * from a text view, which takes a Return with any modifier as a new line: the key must
 * be an application accelerator, which the window sees first. */
static void
test_run_focused_key (void)
{
  g_autoptr(TsProviderRegistry) registry = ts_provider_registry_new ();
  g_autoptr(TsFakeProvider) text = ts_fake_provider_new ("ollama");
  g_auto(GStrv) actions = gtk_application_get_actions_for_accel (GTK_APPLICATION (application),
                                                                  "<Control><Shift>Return");
  TsWindow *window;
  TsPlayground *playground;
  TsBlock *story, *brief;
  TsRunner *runner;
  GtkWidget *editor;

  g_assert_cmpuint (g_strv_length (actions), ==, 1);
  g_assert_cmpstr (actions[0], ==, "win.run-focused");

  ts_provider_registry_add (registry, TS_PROVIDER (text));
  window = open_example_on ("story-writer", registry);
  playground = ts_window_get_playground (window);
  runner = ts_window_get_runner (window);
  story = ts_playground_find_block_by_title (playground, "Story");
  brief = ts_playground_find_block_by_title (playground, "Illustration brief");
  g_assert_nonnull (story);
  g_assert_nonnull (brief);

  /* Nothing has the focus in a card: the key does nothing. */
  gtk_root_set_focus (GTK_ROOT (window), NULL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), actions[0], NULL));
  test_drain ();
  g_assert_cmpuint (ts_fake_provider_get_n_calls (text), ==, 0);

  editor = ts_card_get_prompt_editor (ts_window_get_card (window, 2));
  g_assert_true (ts_card_get_block (ts_window_get_card (window, 2)) == story);
  g_assert_true (gtk_widget_grab_focus (editor));
  g_assert_true (gtk_widget_is_ancestor (get_focus (window), editor) || get_focus (window) == editor);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), actions[0], NULL));
  wait_until (!ts_runner_get_busy (runner));
  g_assert_cmpuint (ts_fake_provider_get_n_calls (text), ==, 1);
  g_assert_cmpint (ts_runner_get_state (runner, story), ==, TS_RUN_STATE_DONE);
  g_assert_cmpint (ts_runner_get_state (runner, brief), !=, TS_RUN_STATE_DONE);

  test_destroy_window (GTK_WINDOW (window));
}

static void
test_add_menu_key (void)
{
  TsWindow *window = open_example ("story-writer");
  GtkWidget *button = (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (window), TS_TYPE_WINDOW,
                                                     "add_button");
  GtkPopover *popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (button));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-add-menu", NULL));
  wait_until (gtk_widget_get_visible (GTK_WIDGET (popover)));
  gtk_popover_popdown (popover);

  test_destroy_window (GTK_WINDOW (window));
}

static void
test_canvas_navigation (void)
{
  TsWindow *window = open_example ("story-writer");
  TsPlayground *playground = ts_window_get_playground (window);
  TsCanvas *canvas = get_canvas (window);
  g_autoptr(GPtrArray) cards = list_cards (window);
  guint n_blocks = ts_playground_get_n_blocks (playground);
  GtkWidget *first = g_ptr_array_index (cards, 0);
  GtkWidget *card;
  int column, row, next_column, next_row;

  g_assert_cmpuint (cards->len, ==, n_blocks);
  g_assert_cmpuint (n_blocks, >=, 3);

  /* Home: the first card in grid order. */
  g_assert_true (ts_canvas_move_focus (canvas, "first"));
  g_assert_true (get_focus (window) == first);
  get_cell (first, &column, &row);
  for (guint i = 1; i < cards->len; i++)
    {
      get_cell (g_ptr_array_index (cards, i), &next_column, &next_row);
      g_assert_true (next_row > row || (next_row == row && next_column > column));
      column = next_column;
      row = next_row;
    }

  /* Right walks every card in grid order, Left walks back. */
  for (guint i = 1; i < cards->len; i++)
    {
      g_assert_true (press (window, GDK_KEY_Right, 0));
      g_assert_true (get_focus (window) == g_ptr_array_index (cards, i));
    }
  g_assert_true (press (window, GDK_KEY_Left, 0));
  g_assert_true (get_focus (window) == g_ptr_array_index (cards, cards->len - 2));
  g_assert_true (press (window, GDK_KEY_Home, 0));
  g_assert_true (get_focus (window) == first);
  g_assert_true (press (window, GDK_KEY_End, 0));
  g_assert_true (get_focus (window) == g_ptr_array_index (cards, cards->len - 1));

  /* Down goes to a card on a lower row, Up back. */
  gtk_widget_grab_focus (first);
  get_cell (first, NULL, &row);
  g_assert_true (press (window, GDK_KEY_Down, 0));
  card = get_focus (window);
  g_assert_true (TS_IS_CARD (card));
  get_cell (card, NULL, &next_row);
  g_assert_cmpint (next_row, >, row);
  g_assert_true (press (window, GDK_KEY_Up, 0));
  get_cell (get_focus (window), NULL, &next_row);
  g_assert_cmpint (next_row, ==, row);

  /* Enter goes into the card, Escape back out; inside, arrows are the controls'. */
  gtk_widget_grab_focus (first);
  g_assert_true (press (window, GDK_KEY_Return, 0));
  card = get_focus (window);
  g_assert_true (card != first && gtk_widget_is_ancestor (card, first));
  {
    GtkShortcut *shortcut = find_shortcut (GTK_WIDGET (canvas), GDK_KEY_Right, 0);

    g_assert_nonnull (shortcut);
    g_assert_false (gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut),
                                                  GTK_SHORTCUT_ACTION_EXCLUSIVE,
                                                  GTK_WIDGET (canvas),
                                                  gtk_shortcut_get_arguments (shortcut)));
    g_assert_true (get_focus (window) == card);
  }
  g_assert_true (press (window, GDK_KEY_Escape, 0));
  g_assert_true (get_focus (window) == first);

  /* Tab visits each card itself, in grid order, between their controls. */
  {
    guint next = 1;

    for (guint steps = 0; steps < 400 && next < cards->len; steps++)
      {
        g_assert_true (gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_TAB_FORWARD));
        if (TS_IS_CARD (get_focus (window)))
          {
            guint at = 0;
            g_ptr_array_find (cards, get_focus (window), &at);
            g_test_message ("tab reached card %u, expected %u", at, next);
            g_assert_true (get_focus (window) == g_ptr_array_index (cards, next));
            next++;
          }
      }
    g_assert_cmpuint (next, ==, cards->len);
  }

  /* Delete on a card deletes it and hands the focus to the next card; undo brings it
   * back. Alt+arrows move it and it keeps the focus. */
  gtk_widget_grab_focus (first);
  g_assert_true (press (window, GDK_KEY_Delete, 0));
  g_assert_cmpuint (ts_playground_get_n_blocks (playground), ==, n_blocks - 1);
  g_assert_true (get_focus (window) == g_ptr_array_index (cards, 1));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  g_assert_cmpuint (ts_playground_get_n_blocks (playground), ==, n_blocks);

  card = g_ptr_array_index (cards, 1);
  gtk_widget_grab_focus (card);
  get_cell (card, &column, NULL);
  g_assert_true (press (window, column > 0 ? GDK_KEY_Left : GDK_KEY_Right, GDK_ALT_MASK));
  get_cell (card, &next_column, NULL);
  g_assert_cmpint (next_column, !=, column);
  g_assert_true (get_focus (window) == card);

  /* F2 renames in place. */
  g_assert_true (press (window, GDK_KEY_F2, 0));
  g_assert_true (gtk_widget_is_ancestor (get_focus (window), card));
  g_assert_true (GTK_IS_TEXT (get_focus (window)));

  test_destroy_window (GTK_WINDOW (window));
}

/* Whether @widget has a name an assistive technology can read. */
static gboolean
has_accessible_name (GtkWidget *widget)
{
  GtkAccessible *accessible = GTK_ACCESSIBLE (widget);

  if (gtk_test_accessible_has_property (accessible, GTK_ACCESSIBLE_PROPERTY_LABEL) ||
      gtk_test_accessible_has_relation (accessible, GTK_ACCESSIBLE_RELATION_LABELLED_BY))
    return TRUE;

  /* Controls that show their own text are named by it. */
  if (GTK_IS_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)) != NULL)
    return TRUE;
  if (GTK_IS_MENU_BUTTON (widget) && gtk_menu_button_get_label (GTK_MENU_BUTTON (widget)) != NULL)
    return TRUE;
  if (GTK_IS_CHECK_BUTTON (widget) && gtk_check_button_get_label (GTK_CHECK_BUTTON (widget)) != NULL)
    return TRUE;
  if (GTK_IS_LABEL (widget))
    return TRUE;

  return FALSE;
}

/* The controls in @widget without a name, one a line. Controls are taken whole: the
 * parts of a GTK control are GTK's business. */
static void
collect_unnamed (GtkWidget *widget,
                 GString   *unnamed)
{
  gboolean control = GTK_IS_BUTTON (widget) || GTK_IS_MENU_BUTTON (widget) ||
                     GTK_IS_CHECK_BUTTON (widget) || GTK_IS_SWITCH (widget) ||
                     GTK_IS_SPIN_BUTTON (widget) || GTK_IS_DROP_DOWN (widget) ||
                     GTK_IS_ENTRY (widget) || GTK_IS_TEXT_VIEW (widget) ||
                     GTK_IS_SCALE (widget) || TS_IS_CARD (widget) ||
                     (gtk_widget_get_focusable (widget) && !GTK_IS_TEXT (widget) &&
                      !GTK_IS_LIST_BOX_ROW (widget) && !GTK_IS_WINDOW (widget) &&
                      !GTK_IS_POPOVER (widget) && !GTK_IS_SCROLLED_WINDOW (widget) &&
                      !GTK_IS_VIEWPORT (widget));

  /* What is hidden is not offered to assistive technologies either. */
  if (!gtk_widget_get_visible (widget) || !gtk_widget_get_child_visible (widget))
    return;

  if (control && !has_accessible_name (widget))
    {
      g_string_append_printf (unnamed, "%s (%s) ", G_OBJECT_TYPE_NAME (widget),
                              gtk_widget_get_css_name (widget));
      g_test_message ("no name: %s in %s", G_OBJECT_TYPE_NAME (widget),
                      G_OBJECT_TYPE_NAME (gtk_widget_get_parent (widget)));
    }

  if (control && !TS_IS_CARD (widget))
    return;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_unnamed (child, unnamed);
}

static void
assert_all_named (GtkWidget *root)
{
  g_autoptr(GString) unnamed = g_string_new (NULL);

  collect_unnamed (root, unnamed);
  g_assert_cmpuint (unnamed->len, ==, 0);
}

static void
test_accessible_names (void)
{
  static const char * const kinds[] = {
    "input", "static-text", "document", "text", "image", "chat",
  };
  static const char * const examples[] = {
    "story-writer", "meeting-notes", "knowledge-chatbot",
  };

  /* The empty window. */
  {
    TsWindow *window = ts_window_new (application);

    gtk_window_present (GTK_WINDOW (window));
    test_drain ();
    assert_all_named (GTK_WIDGET (window));
    test_destroy_window (GTK_WINDOW (window));
  }

  for (guint i = 0; i < G_N_ELEMENTS (examples); i++)
    {
      TsWindow *window = open_example (examples[i]);

      g_test_message ("%s", examples[i]);
      if (i == 0)
        {
          for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
            g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.add-block",
                                                       "s", kinds[k]));
        }
      test_drain ();
      assert_all_named (GTK_WIDGET (window));

      /* Use mode shows other controls. */
      g_object_set (window, "mode", "use", NULL);
      test_drain ();
      assert_all_named (GTK_WIDGET (window));
      g_object_set (window, "mode", "edit", NULL);

      /* So do the settings of a generating widget. */
      for (guint c = 0; c < ts_window_get_n_cards (window); c++)
        {
          GtkWidget *button = (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (ts_window_get_card (window, c)),
                                                             TS_TYPE_CARD, "settings_button");
          GtkPopover *popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (button));

          /* A popover is hidden until it pops up; what it holds is not. */
          if (popover != NULL)
            assert_all_named (gtk_popover_get_child (popover));
        }

      test_destroy_window (GTK_WINDOW (window));
    }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  tmpdir = test_setup_dirs ("test-keyboard");

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  test_setup_display ();

  application = TS_APPLICATION (test_new_application ());

  g_test_add_func ("/ui/keyboard/shortcuts-window", test_shortcuts_window);
  g_test_add_func ("/ui/keyboard/add-menu", test_add_menu_key);
  g_test_add_func ("/ui/keyboard/run-focused", test_run_focused_key);
  g_test_add_func ("/ui/keyboard/canvas-navigation", test_canvas_navigation);
  g_test_add_func ("/ui/a11y/names", test_accessible_names);

  status = g_test_run ();

  g_clear_object (&application);
  test_remove_tree (tmpdir);
  g_free (tmpdir);

  return status;
}
