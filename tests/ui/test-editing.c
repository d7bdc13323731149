/* test-editing.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <signal.h>

#include "ts-application.h"
#include "ts-draft.h"
#include "ts-format.h"
#include "ts-preferences-window.h"
#include "ts-problem.h"
#include "ts-settings.h"
#include "ts-window.h"
#include "ui-test-utils.h"

/* Editing through the window's actions, saving, preferences, and autosave drafts that
 * survive a process killed with SIGKILL. */

#define KILLED_TITLE "Edited before the crash"

static char *tmpdir;
static const char *self_path;

static TsWindow *
open_example (const char *name)
{
  g_autoptr(GFile) file = test_example_file (name);
  g_autoptr(GAsyncResult) result = NULL;
  TsWindow *window = ts_window_new (NULL);

  gtk_window_present (GTK_WINDOW (window));
  ts_window_open_file_async (window, file, test_result_cb, &result);
  wait_until (result != NULL);
  g_assert_true (ts_window_open_file_finish (window, result, NULL));

  return window;
}

static GBytes *
save_bytes (TsWindow *window)
{
  return ts_format_save_bytes (ts_window_get_playground (window), TS_FORMAT_SAVE_DEFINITION);
}

static void
test_editing_undo_and_save (void)
{
  TsWindow *window = open_example ("story-writer");
  TsPlayground *playground = ts_window_get_playground (window);
  g_autoptr(GBytes) original = save_bytes (window);
  g_autoptr(GBytes) edited = NULL;
  g_autoptr(GBytes) reloaded_bytes = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) problems = ts_problems_new ();
  g_autoptr(TsPlayground) reloaded = NULL;
  g_autofree char *path = g_build_filename (tmpdir, "edited.tessera", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  guint n_blocks = ts_playground_get_n_blocks (playground);
  TsBlock *added;
  TsCard *card;
  int column, row, column_span, row_span;

  g_assert_false (ts_window_get_modified (window));

  /* Add a widget from the palette: a card for it, with a default prompt. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.add-block", "s", "image"));
  g_assert_cmpuint (ts_playground_get_n_blocks (playground), ==, n_blocks + 1);
  g_assert_cmpuint (ts_window_get_n_cards (window), ==, n_blocks + 1);
  added = ts_playground_get_block (playground, n_blocks);
  g_assert_cmpint (ts_block_get_kind (added), ==, TS_BLOCK_KIND_IMAGE);
  g_assert_cmpstr (ts_block_get_string (added, TS_FIELD_PROMPT), !=, "");
  g_assert_true (ts_window_get_modified (window));

  /* Move and resize it by its card's actions (Alt+arrows). */
  card = ts_window_get_card (window, n_blocks);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (card), "card.resize", "s", "left"));
  test_drain ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (card), "card.move", "s", "right"));
  test_drain ();
  ts_block_get_layout (added, &column, &row, &column_span, &row_span);
  g_assert_cmpint (column, ==, 1);
  g_assert_cmpint (column_span, ==, 11);

  /* Each action is one undo step. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  ts_block_get_layout (added, &column, NULL, &column_span, NULL);
  g_assert_cmpint (column, ==, 0);
  g_assert_cmpint (column_span, ==, 11);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.redo", NULL));
  test_drain ();
  edited = save_bytes (window);

  /* Delete with the card's menu, then undo it from the toast's action. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (card), "card.delete", NULL));
  g_assert_cmpuint (ts_playground_get_n_blocks (playground), ==, n_blocks);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  g_assert_cmpuint (ts_window_get_n_cards (window), ==, n_blocks + 1);
  {
    g_autoptr(GBytes) now = save_bytes (window);

    g_assert_true (g_bytes_equal (now, edited));
  }

  /* Save, then reload: the same document. */
  ts_window_save_file_async (window, file, test_result_cb, &result);
  wait_until (result != NULL);
  g_assert_true (ts_window_save_file_finish (window, result, NULL));
  g_clear_object (&result);
  g_assert_false (ts_window_get_modified (window));
  reloaded = ts_format_load_file (file, NULL, problems, NULL);
  g_assert_nonnull (reloaded);
  reloaded_bytes = ts_format_save_bytes (reloaded, TS_FORMAT_SAVE_DEFINITION);
  g_assert_true (g_bytes_equal (reloaded_bytes, edited));

  /* Undo back to the original. */
  while (ts_history_can_undo (ts_window_get_history (window)))
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  {
    g_autoptr(GBytes) now = save_bytes (window);

    g_assert_true (g_bytes_equal (now, original));
  }

  g_unlink (path);
  test_destroy_window (GTK_WINDOW (window));
}

static void
test_editing_refuses_invalid_save (void)
{
  TsWindow *window = open_example ("meeting-notes");
  TsPlayground *playground = ts_window_get_playground (window);
  g_autofree char *path = g_build_filename (tmpdir, "refused.tessera", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  /* Two widgets with one title: the loader would refuse the file, so saving does too. */
  ts_block_set_title (ts_playground_get_block (playground, 1),
                      ts_block_get_title (ts_playground_get_block (playground, 0)));
  ts_window_save_file_async (window, file, test_result_cb, &result);
  wait_until (result != NULL);
  g_assert_false (ts_window_save_file_finish (window, result, &error));
  g_clear_object (&result);
  g_assert_nonnull (error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  /* The card shows what is wrong. */
  wait_until (ts_card_get_problems (ts_window_get_card (window, 1)) != NULL);
  g_assert_nonnull (strstr (ts_card_get_problems (ts_window_get_card (window, 1)), "unique"));

  test_destroy_window (GTK_WINDOW (window));
}

static void
test_preferences_round_trip (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  GtkWidget *prefs = ts_preferences_window_new (NULL);
  g_autofree char *endpoint = NULL;
  GObject *row;
  GObject *auto_run;

  gtk_window_present (GTK_WINDOW (prefs));

  row = gtk_widget_get_template_child (prefs, TS_TYPE_PREFERENCES_WINDOW, "ollama_row");
  auto_run = gtk_widget_get_template_child (prefs, TS_TYPE_PREFERENCES_WINDOW, "auto_run_switch");

  /* From the window to GSettings… */
  gtk_editable_set_text (GTK_EDITABLE (row), "http://127.0.0.1:9999");
  endpoint = g_settings_get_string (settings, TS_SETTINGS_KEY_OLLAMA_ENDPOINT);
  g_assert_cmpstr (endpoint, ==, "http://127.0.0.1:9999");
  gtk_switch_set_active (GTK_SWITCH (auto_run), TRUE);
  g_assert_true (g_settings_get_boolean (settings, TS_SETTINGS_KEY_AUTO_RUN));

  /* …and back. */
  g_settings_set_string (settings, TS_SETTINGS_KEY_AWS_REGION, "eu-west-1");
  row = gtk_widget_get_template_child (prefs, TS_TYPE_PREFERENCES_WINDOW, "aws_region_row");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "eu-west-1");
  g_settings_set_string (settings, TS_SETTINGS_KEY_COLOR_SCHEME, "dark");
  row = gtk_widget_get_template_child (prefs, TS_TYPE_PREFERENCES_WINDOW, "color_scheme_row");
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (row)), ==, 2);
  g_settings_set_int (settings, TS_SETTINGS_KEY_CONCURRENCY, 5);
  row = gtk_widget_get_template_child (prefs, TS_TYPE_PREFERENCES_WINDOW, "concurrency_spin");
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (row)), ==, 5);

  g_settings_reset (settings, TS_SETTINGS_KEY_COLOR_SCHEME);
  g_object_ref (prefs);
  gtk_window_destroy (GTK_WINDOW (prefs));
  test_drain ();
  g_assert_finalize_object (prefs);
}

static gboolean
draft_exists (TsDraftStore *store,
              const char   *id)
{
  g_autoptr(GPtrArray) drafts = NULL;

  if (id == NULL)
    return FALSE;

  drafts = ts_draft_store_list (store, NULL);
  for (guint i = 0; drafts != NULL && i < drafts->len; i++)
    {
      if (g_str_equal (((TsDraftInfo *) g_ptr_array_index (drafts, i))->id, id))
        return TRUE;
    }

  return FALSE;
}

static void
test_drafts_mid_edit (void)
{
  g_autoptr(GFile) dir = ts_draft_store_default_dir ();
  g_autoptr(TsDraftStore) store = ts_draft_store_new (dir);
  TsWindow *window;
  TsWindow *restored;
  TsPlayground *playground;
  TsDraftInfo info = { 0 };
  const char *title;

  /* Two widgets with one title, as while a user renames one: no file could be saved,
   * but the draft is written all the same. */
  g_setenv ("TESSERA_AUTOSAVE_SECONDS", "1", TRUE);
  window = open_example ("meeting-notes");
  playground = ts_window_get_playground (window);
  title = ts_block_get_title (ts_playground_get_block (playground, 0));
  ts_block_set_title (ts_playground_get_block (playground, 1), title);
  wait_until (draft_exists (store, ts_window_get_draft_id (window)));
  g_unsetenv ("TESSERA_AUTOSAVE_SECONDS");

  /* It restores as it was, unsaved, with the problem on the card. */
  info.id = (char *) ts_window_get_draft_id (window);
  info.title = (char *) ts_playground_get_title (playground);
  restored = ts_window_new (NULL);
  gtk_window_present (GTK_WINDOW (restored));
  ts_window_restore_draft (restored, store, &info);
  g_assert_null (ts_window_get_last_error (restored));
  g_assert_nonnull (ts_window_get_playground (restored));
  g_assert_true (ts_window_get_modified (restored));
  g_assert_cmpstr (ts_block_get_title (ts_playground_get_block (ts_window_get_playground (restored), 1)),
                   ==, title);
  wait_until (ts_card_get_problems (ts_window_get_card (restored, 1)) != NULL);
  g_assert_nonnull (strstr (ts_card_get_problems (ts_window_get_card (restored, 1)), "unique"));

  g_assert_true (ts_draft_store_delete (store, info.id, NULL));
  test_destroy_window (GTK_WINDOW (restored));
  test_destroy_window (GTK_WINDOW (window));
}

/* The child that is killed: it edits a playground and waits to be killed. */
static int
run_child_edit (void)
{
  TsWindow *window = open_example ("story-writer");

  ts_playground_set_title (ts_window_get_playground (window), KILLED_TITLE);
  g_print ("edited\n");
  fflush (stdout);

  for (;;)
    g_main_context_iteration (NULL, TRUE);

  return 1;
}

static void
child_activate_cb (GApplication *application,
                   int          *status)
{
  AdwMessageDialog *dialog = NULL;
  GListModel *toplevels = gtk_window_get_toplevels ();
  TsWindow *window = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (toplevel))
        dialog = ADW_MESSAGE_DIALOG (toplevel);
    }

  if (dialog == NULL)
    {
      g_print ("no restore offer\n");
      g_application_quit (application);
      return;
    }

  g_print ("offer: %s\n", adw_message_dialog_get_heading (dialog));
  adw_message_dialog_response (dialog, "restore");

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (application)); l; l = l->next)
    if (TS_IS_WINDOW (l->data) && ts_window_get_playground (l->data) != NULL)
      window = l->data;

  if (window != NULL)
    g_print ("restored: %s, modified %d\n",
             ts_playground_get_title (ts_window_get_playground (window)),
             ts_window_get_modified (window));
  *status = 0;
  g_application_quit (application);
}

/* The child that starts after the crash: it reports the offer and what it restored. */
static int
run_child_restore (void)
{
  g_autoptr(TsApplication) application = ts_application_new ();
  int status = 1;

  g_application_set_flags (G_APPLICATION (application),
                           G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (application, "activate", G_CALLBACK (child_activate_cb), &status);
  g_application_run (G_APPLICATION (application), 0, NULL);

  return status;
}

static gboolean
draft_has_title (const char *state_dir,
                 const char *title)
{
  g_autofree char *path = g_build_filename (state_dir, APP_ID, "drafts", NULL);
  g_autoptr(GFile) dir = g_file_new_for_path (path);
  g_autoptr(TsDraftStore) store = ts_draft_store_new (dir);
  g_autoptr(GPtrArray) drafts = ts_draft_store_list (store, NULL);

  return drafts != NULL && drafts->len == 1 &&
         g_str_equal (((TsDraftInfo *) g_ptr_array_index (drafts, 0))->title, title);
}

static void
test_autosave_survives_sigkill (void)
{
  g_autofree char *state_dir = g_build_filename (tmpdir, "killed-state", NULL);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GSubprocess) restorer = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *output = NULL;
  gint64 edited_at;
  gboolean found = FALSE;

  g_subprocess_launcher_setenv (launcher, "XDG_STATE_HOME", state_dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "TESSERA_AUTOSAVE_SECONDS", "2", TRUE);

  child = g_subprocess_launcher_spawn (launcher, &error, self_path, "--child-edit", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (child));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, "edited");
  edited_at = g_get_monotonic_time ();

  /* The draft appears within the autosave interval: at most 5 s of edits are lost. */
  while (!found && g_get_monotonic_time () - edited_at < 5 * G_USEC_PER_SEC)
    {
      gboolean tick = FALSE;

      g_timeout_add (50, test_flag_cb, &tick);
      while (!tick)
        g_main_context_iteration (NULL, TRUE);
      found = draft_has_title (state_dir, KILLED_TITLE);
    }
  g_assert_true (found);

  g_subprocess_send_signal (child, SIGKILL);
  g_subprocess_wait (child, NULL, NULL);
  g_assert_true (g_subprocess_get_if_signaled (child));
  g_assert_cmpint (g_subprocess_get_term_sig (child), ==, SIGKILL);

  restorer = g_subprocess_launcher_spawn (launcher, &error, self_path, "--child-restore", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (restorer, NULL, NULL, &output, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("restorer said: %s", output);
  g_assert_true (g_subprocess_get_successful (restorer));
  g_assert_nonnull (strstr (output, "offer: Restore Unsaved Changes?"));
  g_assert_nonnull (strstr (output, "restored: " KILLED_TITLE ", modified 1"));

  test_remove_tree (state_dir);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  self_path = argv[0];

  if (argc > 1 && (g_str_equal (argv[1], "--child-edit") || g_str_equal (argv[1], "--child-restore")))
    {
      gboolean edit = g_str_equal (argv[1], "--child-edit");

      gtk_init ();
      adw_init ();
      test_setup_display ();
      return edit ? run_child_edit () : run_child_restore ();
    }

  tmpdir = test_setup_dirs ("test-editing");

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  test_setup_display ();

  g_test_add_func ("/ui/editing/undo-and-save", test_editing_undo_and_save);
  g_test_add_func ("/ui/editing/refuses-invalid-save", test_editing_refuses_invalid_save);
  g_test_add_func ("/ui/preferences/round-trip", test_preferences_round_trip);
  g_test_add_func ("/ui/drafts/mid-edit", test_drafts_mid_edit);
  g_test_add_func ("/ui/drafts/survive-sigkill", test_autosave_survives_sigkill);

  status = g_test_run ();

  test_remove_tree (tmpdir);
  g_free (tmpdir);

  return status;
}
