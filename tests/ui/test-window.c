/* test-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "ts-application.h"
#include "ts-format.h"
#include "ts-problem.h"
#include "ts-window.h"
#include "ui-test-utils.h"

static TsApplication *application;
static char *tmpdir;

static const char * const example_names[] = {
  "story-writer",
  "meeting-notes",
  "knowledge-chatbot",
};

static TsWindow *
create_window (void)
{
  TsWindow *window = ts_window_new (application);

  gtk_window_present (GTK_WINDOW (window));
  wait_until (gtk_widget_get_mapped (GTK_WIDGET (window)));

  return window;
}

static gboolean
open_file (TsWindow  *window,
           GFile     *file,
           GError   **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  ts_window_open_file_async (window, file, test_result_cb, &result);
  g_assert_true (ts_window_get_busy (window));
  wait_until (result != NULL);
  g_assert_false (ts_window_get_busy (window));

  return ts_window_open_file_finish (window, result, error);
}

static gboolean
save_file (TsWindow  *window,
           GFile     *file,
           GError   **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  ts_window_save_file_async (window, file, test_result_cb, &result);
  wait_until (result != NULL);

  return ts_window_save_file_finish (window, result, error);
}

/* Every block has a card, in model order, and each card shows its block's title. */
static void
assert_cards_follow_model (TsWindow *window)
{
  TsPlayground *playground = ts_window_get_playground (window);
  guint n_blocks = ts_playground_get_n_blocks (playground);

  g_assert_cmpuint (ts_window_get_n_cards (window), ==, n_blocks);

  for (guint i = 0; i < n_blocks; i++)
    {
      TsBlock *block = ts_playground_get_block (playground, i);
      TsCard *card = ts_window_get_card (window, i);

      g_assert_true (TS_IS_CARD (card));
      g_assert_true (ts_card_get_block (card) == block);
      g_assert_true (test_shows_text (GTK_WIDGET (card), ts_block_get_title (block), TRUE));
    }

  g_assert_null (ts_window_get_card (window, n_blocks));
}

static void
assert_editor_shows (TsCard     *card,
                     const char *expected)
{
  GtkWidget *editor = ts_card_get_prompt_editor (card);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (editor));
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  g_assert_cmpstr (text, ==, expected);
}

/* The message dialog @window presented, if any. */
static AdwMessageDialog *
find_message_dialog (TsWindow *window)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  guint n_toplevels = g_list_model_get_n_items (toplevels);

  for (guint i = 0; i < n_toplevels; i++)
    {
      g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (toplevel) &&
          gtk_window_get_transient_for (toplevel) == GTK_WINDOW (window) &&
          gtk_widget_get_visible (GTK_WIDGET (toplevel)))
        return ADW_MESSAGE_DIALOG (toplevel);
    }

  return NULL;
}

static GFile *
write_temp_file (const char *name,
                 const char *contents)
{
  g_autofree char *path = g_build_filename (tmpdir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);

  return g_file_new_for_path (path);
}

static guint
count_toplevels (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  return g_list_model_get_n_items (toplevels);
}

static void
test_window_empty (void)
{
  TsWindow *window = create_window ();
  guint n_toplevels;

  g_assert_true (ts_window_is_empty (window));
  g_assert_null (ts_window_get_playground (window));
  g_assert_null (ts_window_get_file (window));
  g_assert_cmpuint (ts_window_get_n_cards (window), ==, 0);
  g_assert_true (test_shows_text (GTK_WIDGET (window), "Start a Playground", TRUE));

  /* Nothing to save yet: neither action opens a file chooser. */
  n_toplevels = count_toplevels ();
  gtk_widget_activate_action (GTK_WIDGET (window), "win.save", NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.save-as", NULL);
  test_drain ();
  g_assert_cmpuint (count_toplevels (), ==, n_toplevels);

  test_destroy_window (GTK_WINDOW (window));
}

static void
test_window_examples (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (example_names); i++)
    {
      g_autoptr(GFile) file = test_example_file (example_names[i]);
      g_autoptr(GError) error = NULL;
      TsWindow *window = create_window ();
      TsPlayground *playground;

      g_test_message ("example %s", example_names[i]);

      g_assert_true (open_file (window, file, &error));
      g_assert_no_error (error);

      playground = ts_window_get_playground (window);
      g_assert_true (TS_IS_PLAYGROUND (playground));
      g_assert_cmpuint (ts_playground_get_n_blocks (playground), >, 0);
      g_assert_null (ts_window_get_last_error (window));
      g_assert_true (ts_window_has_file (window, file));
      g_assert_false (ts_window_is_empty (window));
      g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==,
                       ts_playground_get_title (playground));
      g_assert_true (test_shows_text (GTK_WIDGET (window), ts_playground_get_title (playground), TRUE));

      assert_cards_follow_model (window);

      test_destroy_window (GTK_WINDOW (window));
    }
}

static void
test_window_follows_model (void)
{
  g_autoptr(GFile) file = test_example_file ("story-writer");
  g_autoptr(GError) error = NULL;
  TsWindow *window = create_window ();
  TsPlayground *playground;
  TsBlock *first;
  TsBlock *added;
  g_autofree char *prompt = NULL;
  guint n_blocks;

  g_assert_true (open_file (window, file, &error));
  g_assert_no_error (error);

  playground = ts_window_get_playground (window);
  n_blocks = ts_playground_get_n_blocks (playground);
  first = ts_playground_get_block (playground, 0);

  /* A new block gets a card at its place; its prompt shows mentions by title. */
  added = ts_playground_add_block (playground, TS_BLOCK_KIND_TEXT);
  prompt = g_strdup_printf ("Summarize @[%s]", ts_block_get_id (first));
  ts_block_set_string (added, TS_FIELD_PROMPT, prompt);
  g_assert_cmpuint (ts_window_get_n_cards (window), ==, n_blocks + 1);
  assert_cards_follow_model (window);
  assert_editor_shows (ts_window_get_card (window, n_blocks), "Summarize @Story idea");

  /* Renaming the mentioned block changes the mention, not only that block's card. */
  ts_block_set_title (first, "Premise");
  assert_cards_follow_model (window);
  assert_editor_shows (ts_window_get_card (window, n_blocks), "Summarize @Premise");

  /* Moves and removals reorder and drop cards. */
  ts_playground_move_block (playground, added, 0);
  assert_cards_follow_model (window);
  ts_playground_remove_block (playground, first);
  assert_cards_follow_model (window);
  g_assert_cmpuint (ts_window_get_n_cards (window), ==, n_blocks);

  /* The window title follows the document's. */
  ts_playground_set_title (playground, "A retitled playground");
  g_assert_true (g_str_has_suffix (gtk_window_get_title (GTK_WINDOW (window)),
                                   "A retitled playground"));
  g_assert_true (ts_window_get_modified (window));

  test_destroy_window (GTK_WINDOW (window));
}

static void
test_window_invalid_file (void)
{
  g_autoptr(GFile) file = write_temp_file ("invalid.tessera", "{\"format\": \"tessera\"}");
  g_autoptr(GFile) example = test_example_file ("meeting-notes");
  g_autoptr(GPtrArray) problems = ts_problems_new ();
  g_autoptr(TsPlayground) expected = NULL;
  g_autoptr(GError) error = NULL;
  TsWindow *window = create_window ();
  AdwMessageDialog *dialog;
  const char *last_error;

  expected = ts_format_load_file (file, NULL, problems, NULL);
  g_assert_null (expected);
  g_assert_cmpuint (problems->len, >, 0);

  g_assert_false (open_file (window, file, &error));
  g_assert_error (error, TS_FORMAT_ERROR, TS_FORMAT_ERROR_INVALID);

  /* The user sees every problem, and the window stays empty and usable. */
  last_error = ts_window_get_last_error (window);
  g_assert_nonnull (last_error);
  for (guint i = 0; i < problems->len; i++)
    {
      g_autofree char *line = ts_problem_to_string (g_ptr_array_index (problems, i));

      g_assert_nonnull (strstr (last_error, line));
    }

  dialog = find_message_dialog (window);
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==,
                   "Could not open “invalid.tessera”");
  g_assert_cmpstr (adw_message_dialog_get_body (dialog), ==, last_error);
  gtk_window_close (GTK_WINDOW (dialog));
  wait_until (find_message_dialog (window) == NULL);

  g_assert_null (ts_window_get_playground (window));
  g_assert_true (ts_window_is_empty (window));
  g_assert_false (ts_window_has_file (window, file));

  /* The next load works and clears the error. */
  g_clear_error (&error);
  g_assert_true (open_file (window, example, &error));
  g_assert_no_error (error);
  g_assert_null (ts_window_get_last_error (window));
  assert_cards_follow_model (window);

  test_destroy_window (GTK_WINDOW (window));
}

static void
test_window_many_problems (void)
{
  g_autoptr(GString) contents = g_string_new ("{\"format\": \"tessera\", \"version\": 1, "
                                              "\"title\": \"Broken\", \"widgets\": [");
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  TsWindow *window;
  guint n_lines;

  for (guint i = 0; i < 30; i++)
    g_string_append (contents, i > 0 ? ", {}" : "{}");
  g_string_append (contents, "]}");
  file = write_temp_file ("many-problems.tessera", contents->str);

  window = create_window ();
  g_assert_false (open_file (window, file, &error));
  g_assert_error (error, TS_FORMAT_ERROR, TS_FORMAT_ERROR_INVALID);

  /* The list stops at twenty problems and says how many it left out. */
  lines = g_strsplit (ts_window_get_last_error (window), "\n", -1);
  n_lines = g_strv_length (lines);
  g_assert_cmpuint (n_lines, ==, 21);
  g_assert_true (g_str_has_prefix (lines[0], "widgets[0]."));
  g_assert_nonnull (strstr (lines[20], "more"));

  test_destroy_window (GTK_WINDOW (window));
}

static void
test_window_missing_file (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "does-not-exist.tessera", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  TsWindow *window = create_window ();

  g_assert_false (open_file (window, file, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_cmpstr (ts_window_get_last_error (window), ==, error->message);
  g_assert_nonnull (find_message_dialog (window));
  g_assert_true (ts_window_is_empty (window));

  /* Closing the window closes its dialog too. */
  test_destroy_window (GTK_WINDOW (window));
}

static void
test_window_save (void)
{
  g_autoptr(GFile) example = test_example_file ("knowledge-chatbot");
  g_autofree char *path = g_build_filename (tmpdir, "saved.tessera", NULL);
  g_autofree char *bad_path = g_build_filename (tmpdir, "no-such-dir", "saved.tessera", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) bad_file = g_file_new_for_path (bad_path);
  g_autoptr(GPtrArray) problems = ts_problems_new ();
  g_autoptr(TsPlayground) reloaded = NULL;
  g_autoptr(GError) error = NULL;
  TsWindow *window = create_window ();
  TsPlayground *playground;
  guint n_blocks;

  g_assert_true (open_file (window, example, &error));
  g_assert_no_error (error);
  playground = ts_window_get_playground (window);
  n_blocks = ts_playground_get_n_blocks (playground);

  g_assert_true (save_file (window, file, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_equal (ts_window_get_file (window), file));
  g_assert_null (ts_window_get_last_error (window));

  reloaded = ts_format_load_file (file, NULL, problems, &error);
  g_assert_no_error (error);
  g_assert_nonnull (reloaded);
  g_assert_cmpuint (ts_playground_get_n_blocks (reloaded), ==, n_blocks);
  g_assert_cmpstr (ts_playground_get_title (reloaded), ==, ts_playground_get_title (playground));
  for (guint i = 0; i < n_blocks; i++)
    g_assert_cmpstr (ts_block_get_title (ts_playground_get_block (reloaded, i)), ==,
                     ts_block_get_title (ts_playground_get_block (playground, i)));

  /* A failed save reports the error and keeps the file the window had. */
  g_assert_false (save_file (window, bad_file, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_cmpstr (ts_window_get_last_error (window), ==, error->message);
  g_assert_nonnull (find_message_dialog (window));
  g_assert_true (g_file_equal (ts_window_get_file (window), file));

  test_destroy_window (GTK_WINDOW (window));
  g_assert_cmpint (g_unlink (path), ==, 0);
}

static guint
count_windows (void)
{
  return g_list_length (gtk_application_get_windows (GTK_APPLICATION (application)));
}

/* Emits what GTK emits when files are dropped on @window; returns what the window said. */
static gboolean
drop_files (TsWindow *window,
            GFile   **files,
            gsize     n_files)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (window));
  g_auto(GValue) value = G_VALUE_INIT;
  gboolean handled = FALSE;
  GtkDropTarget *target = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (controllers) && target == NULL; i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);
      gsize n_types = 0;
      const GType *types;

      if (!GTK_IS_DROP_TARGET (controller))
        continue;

      types = gtk_drop_target_get_gtypes (GTK_DROP_TARGET (controller), &n_types);
      for (gsize t = 0; t < n_types; t++)
        {
          if (types[t] == GDK_TYPE_FILE_LIST)
            target = GTK_DROP_TARGET (controller);
        }
    }
  g_assert_nonnull (target);

  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, gdk_file_list_new_from_array (files, n_files));
  g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &handled);

  return handled;
}

static void
test_window_drop_files (void)
{
  g_autoptr(GFile) example = test_example_file ("meeting-notes");
  g_autoptr(GPtrArray) problems = ts_problems_new ();
  g_autoptr(TsPlayground) playground = ts_format_load_file (example, NULL, problems, NULL);
  g_autoptr(GFile) notes = write_temp_file ("notes.txt", "Not a playground");
  g_autofree char *path = g_build_filename (tmpdir, "Dropped.TESSERA", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  TsWindow *window = create_window ();
  TsWindow *other;
  guint n_windows = count_windows ();

  g_assert_nonnull (playground);
  ts_playground_set_title (playground, "Dropped playground");
  g_assert_true (ts_format_save_file (playground, file, TS_FORMAT_SAVE_DEFINITION, NULL, &error));
  g_assert_no_error (error);

  /* Anything but a playground is refused, and nothing opens. */
  g_assert_false (drop_files (window, (GFile *[]) { notes }, 1));
  test_drain ();
  g_assert_true (ts_window_is_empty (window));
  g_assert_cmpuint (count_windows (), ==, n_windows);

  /* A playground among other files opens in the empty window. */
  g_assert_true (drop_files (window, (GFile *[]) { notes, file }, 2));
  wait_until (ts_window_get_playground (window) != NULL);
  g_assert_true (ts_window_has_file (window, file));
  g_assert_cmpstr (ts_playground_get_title (ts_window_get_playground (window)), ==,
                   "Dropped playground");
  g_assert_cmpuint (count_windows (), ==, n_windows);

  /* On a window that shows a playground, a dropped one gets a window of its own. */
  {
    g_autofree char *example_path = g_build_filename (tmpdir, "second.tessera", NULL);
    g_autoptr(GFile) second = g_file_new_for_path (example_path);

    ts_playground_set_title (playground, "Second");
    g_assert_true (ts_format_save_file (playground, second, TS_FORMAT_SAVE_DEFINITION, NULL,
                                        NULL));
    g_assert_true (drop_files (window, (GFile *[]) { second }, 1));
    g_assert_cmpuint (count_windows (), ==, n_windows + 1);
    other = TS_WINDOW (gtk_application_get_windows (GTK_APPLICATION (application))->data);
    g_assert_true (other != window);
    wait_until (ts_window_get_playground (other) != NULL);
    g_assert_cmpstr (ts_playground_get_title (ts_window_get_playground (other)), ==, "Second");
    g_assert_cmpstr (ts_playground_get_title (ts_window_get_playground (window)), ==,
                     "Dropped playground");
  }

  test_destroy_window (GTK_WINDOW (other));
  test_destroy_window (GTK_WINDOW (window));
}

static void
test_application_open_file (void)
{
  g_autoptr(GFile) file = test_example_file ("story-writer");
  g_autoptr(GFile) other = test_example_file ("meeting-notes");
  TsWindow *empty = create_window ();
  TsWindow *window;
  guint n_windows = count_windows ();

  /* An empty window takes the file. */
  window = TS_WINDOW (ts_application_open_file (application, file, GTK_WINDOW (empty)));
  g_assert_true (window == empty);
  wait_until (ts_window_get_playground (window) != NULL);

  /* A file that is open already brings its window forward. */
  g_assert_true (ts_application_open_file (application, file, NULL) == GTK_WINDOW (window));
  g_assert_cmpuint (count_windows (), ==, n_windows);

  /* A window that shows a file is not replaced: the next file gets a new window. */
  window = TS_WINDOW (ts_application_open_file (application, other, GTK_WINDOW (empty)));
  g_assert_true (window != empty);
  g_assert_cmpuint (count_windows (), ==, n_windows + 1);
  wait_until (ts_window_get_playground (window) != NULL);
  assert_cards_follow_model (window);

  test_destroy_window (GTK_WINDOW (window));
  test_destroy_window (GTK_WINDOW (empty));
  g_assert_cmpuint (count_windows (), ==, n_windows - 1);
}

/* Quit closes each window as its close button would: a window with unsaved changes asks
 * and stays, the others go, and the size and mode of the last to close are remembered. */
static void
test_application_quit_asks (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GFile) file = test_example_file ("story-writer");
  g_autoptr(GFile) other = test_example_file ("meeting-notes");
  TsWindow *saved = create_window ();
  TsWindow *modified = create_window ();
  GtkWindow *dialog = NULL;
  g_autoptr(GListModel) toplevels = NULL;
  g_autofree char *mode = NULL;

  g_assert_true (open_file (saved, file, NULL));
  g_object_set (saved, "mode", "use", NULL);
  g_settings_set_string (settings, "window-mode", "edit");
  g_object_add_weak_pointer (G_OBJECT (saved), (gpointer *) &saved);
  g_assert_true (open_file (modified, other, NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (modified), "win.add-block", "s", "text"));
  g_assert_true (ts_window_get_modified (modified));

  g_action_group_activate_action (G_ACTION_GROUP (application), "quit", NULL);
  wait_until (saved == NULL);
  mode = g_settings_get_string (settings, "window-mode");
  g_assert_cmpstr (mode, ==, "use");

  /* The modified window is still there, asking; asking again shows the same question. */
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (modified)));
  toplevels = gtk_window_get_toplevels ();
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (toplevel) &&
          gtk_window_get_transient_for (toplevel) == GTK_WINDOW (modified))
        {
          g_assert_null (dialog);
          dialog = toplevel;
        }
    }
  g_assert_nonnull (dialog);
  g_action_group_activate_action (G_ACTION_GROUP (application), "quit", NULL);
  test_drain ();
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (modified)));

  g_object_add_weak_pointer (G_OBJECT (modified), (gpointer *) &modified);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "discard");
  wait_until (modified == NULL);
}

/* The URI the Open Recent menu of @window lists at @index, or NULL past its end. */
static char *
dup_recent_uri (TsWindow *window,
                guint     index)
{
  GMenuModel *menu = G_MENU_MODEL (gtk_widget_get_template_child (GTK_WIDGET (window),
                                                                  TS_TYPE_WINDOW,
                                                                  "recent_menu"));
  g_autoptr(GVariant) target = NULL;
  g_autofree char *action = NULL;

  if (index >= (guint) g_menu_model_get_n_items (menu))
    return NULL;

  g_assert_true (g_menu_model_get_item_attribute (menu, index, G_MENU_ATTRIBUTE_ACTION, "s",
                                                  &action));
  if (!g_str_equal (action, "win.open-recent"))
    return NULL;

  target = g_menu_model_get_item_attribute_value (menu, index, G_MENU_ATTRIBUTE_TARGET,
                                                  G_VARIANT_TYPE_STRING);
  return g_variant_dup_string (target, NULL);
}

/* Whether Open Recent lists @first and @second (NULL for none), in that order. */
static gboolean
recent_is (TsWindow   *window,
           const char *first,
           const char *second)
{
  g_autofree char *uri0 = dup_recent_uri (window, 0);
  g_autofree char *uri1 = dup_recent_uri (window, 1);
  g_autofree char *uri2 = dup_recent_uri (window, 2);

  return g_strcmp0 (uri0, first) == 0 && g_strcmp0 (uri1, second) == 0 && uri2 == NULL;
}

/* Saving and opening a file puts it first in Open Recent, in every window; the menu
 * opens it, and a file deleted since is left out. The recent list is the test's own
 * (XDG_DATA_HOME). */
static void
test_window_open_recent (void)
{
  g_autoptr(GFile) example = test_example_file ("story-writer");
  g_autofree char *path_a = g_build_filename (tmpdir, "recent-a.tessera", NULL);
  g_autofree char *path_b = g_build_filename (tmpdir, "recent-b.tessera", NULL);
  g_autoptr(GFile) file_a = g_file_new_for_path (path_a);
  g_autoptr(GFile) file_b = g_file_new_for_path (path_b);
  g_autofree char *uri_a = g_file_get_uri (file_a);
  g_autofree char *uri_b = g_file_get_uri (file_b);
  GtkRecentManager *manager = gtk_recent_manager_get_default ();
  g_autoptr(GError) error = NULL;
  TsWindow *window, *other;

  g_object_set (gtk_settings_get_default (), "gtk-recent-files-enabled", TRUE, NULL);
  gtk_recent_manager_purge_items (manager, NULL);

  window = create_window ();
  g_assert_true (recent_is (window, NULL, NULL));

  /* An example is not a file of the user's: it is not listed. */
  g_assert_true (open_file (window, example, &error));
  g_assert_true (recent_is (window, NULL, NULL));

  /* GTK adds a file once GIO has told its type: the menu follows the list. */
  g_assert_true (save_file (window, file_a, &error));
  g_assert_no_error (error);
  wait_until (recent_is (window, uri_a, NULL));

  /* Another window's save shows here too, newest first. */
  other = create_window ();
  g_assert_true (open_file (other, example, &error));
  g_assert_true (save_file (other, file_b, &error));
  wait_until (recent_is (other, uri_b, uri_a));
  wait_until (recent_is (window, uri_b, uri_a));

  /* The menu opens the file, which comes first again; a file open in a window already
   * is shown there, not opened twice. */
  test_destroy_window (GTK_WINDOW (window));
  window = create_window ();
  wait_until (recent_is (window, uri_b, uri_a));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-recent", "s", uri_a));
  wait_until (ts_window_get_file (window) != NULL);
  g_assert_true (g_file_equal (ts_window_get_file (window), file_a));
  wait_until (recent_is (window, uri_a, uri_b));
  wait_until (recent_is (other, uri_a, uri_b));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-recent", "s", uri_b));
  test_drain ();
  g_assert_cmpuint (g_list_length (gtk_application_get_windows (GTK_APPLICATION (application))),
                    ==, 2);

  /* A file deleted since is left out. */
  g_assert_cmpint (g_unlink (path_b), ==, 0);
  gtk_recent_manager_add_item (manager, uri_a);
  wait_until (recent_is (window, uri_a, NULL));

  test_destroy_window (GTK_WINDOW (other));
  test_destroy_window (GTK_WINDOW (window));
  gtk_recent_manager_purge_items (manager, NULL);
  test_drain ();
  g_object_set (gtk_settings_get_default (), "gtk-recent-files-enabled", FALSE, NULL);
  g_assert_cmpint (g_unlink (path_a), ==, 0);
}

/* In a narrow window the mode switch shows icons, which leaves the title room; a wide
 * one names the modes. */
static void
test_window_narrow_header (void)
{
  TsWindow *window = create_window ();
  GtkButton *edit = GTK_BUTTON (gtk_widget_get_template_child (GTK_WIDGET (window), TS_TYPE_WINDOW,
                                                               "edit_button"));

  gtk_window_set_default_size (GTK_WINDOW (window), 400, 600);
  g_assert_cmpstr (gtk_button_get_icon_name (edit), ==, "document-edit-symbolic");
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 600);
  g_assert_null (gtk_button_get_icon_name (edit));
  g_assert_cmpstr (gtk_button_get_label (edit), ==, "_Edit");

  test_destroy_window (GTK_WINDOW (window));
}

static void
test_window_close_while_loading (void)
{
  g_autoptr(GFile) file = test_example_file ("story-writer");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  TsWindow *window = create_window ();

  /* Closing the window cancels the load, which then leaves the window alone. */
  ts_window_open_file_async (window, file, test_result_cb, &result);
  g_object_ref (window);
  gtk_window_destroy (GTK_WINDOW (window));
  wait_until (result != NULL);

  g_assert_false (ts_window_open_file_finish (window, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (ts_window_get_playground (window));

  g_clear_object (&result);
  test_drain ();
  g_assert_finalize_object (window);
}

static void
parsing_error_cb (GtkCssProvider *provider,
                  GtkCssSection  *section,
                  GError         *error,
                  gpointer        user_data)
{
  g_autofree char *where = gtk_css_section_to_string (section);
  guint *n_errors = user_data;

  g_test_message ("style.css: %s: %s", where, error->message);
  (*n_errors)++;
}

static void
test_style_sheet (void)
{
  g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();
  guint n_errors = 0;

  /* AdwApplication loads the style sheet itself and only warns about errors in it. */
  g_signal_connect (provider, "parsing-error", G_CALLBACK (parsing_error_cb), &n_errors);
  gtk_css_provider_load_from_resource (provider, RESOURCE_PREFIX "/style.css");
  g_assert_cmpuint (n_errors, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  tmpdir = test_setup_dirs ("test-window");

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  test_setup_display ();

  application = TS_APPLICATION (test_new_application ());

  g_test_add_func ("/ui/window/empty", test_window_empty);
  g_test_add_func ("/ui/window/examples", test_window_examples);
  g_test_add_func ("/ui/window/follows-model", test_window_follows_model);
  g_test_add_func ("/ui/window/invalid-file", test_window_invalid_file);
  g_test_add_func ("/ui/window/many-problems", test_window_many_problems);
  g_test_add_func ("/ui/window/missing-file", test_window_missing_file);
  g_test_add_func ("/ui/window/save", test_window_save);
  g_test_add_func ("/ui/window/open-recent", test_window_open_recent);
  g_test_add_func ("/ui/window/narrow-header", test_window_narrow_header);
  g_test_add_func ("/ui/window/close-while-loading", test_window_close_while_loading);
  g_test_add_func ("/ui/window/drop-files", test_window_drop_files);
  g_test_add_func ("/ui/application/open-file", test_application_open_file);
  g_test_add_func ("/ui/application/quit-asks", test_application_quit_asks);
  g_test_add_func ("/ui/style/style-sheet", test_style_sheet);

  status = g_test_run ();

  test_remove_tree (tmpdir);
  g_clear_pointer (&tmpdir, g_free);
  g_clear_object (&application);

  return status;
}
