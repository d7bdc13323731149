/* test-run.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>

#include "fake-provider.h"
#include "mock-protocols.h"
#include "ts-block-settings.h"
#include "ts-preferences-window.h"
#include "ts-settings.h"
#include "ts-window.h"
#include "ui-test-utils.h"

/* Running widgets from the window, on scripted fake providers registered under the
 * shipped providers' names: Run All, states on the cards, streamed Markdown, images,
 * failures and what waits on them, Stop, Regenerate, a chat's messages, and typed
 * inputs that run again by themselves in Use mode. */

static char *tmpdir;

typedef struct
{
  TsFakeProvider *text;
  TsFakeProvider *images;
  TsWindow       *window;
  TsPlayground   *playground;
  TsRunner       *runner;
} Fixture;

static TsBlock *
add_block (Fixture     *f,
           TsBlockKind  kind,
           const char  *title,
           const char  *tmpl)
{
  TsBlock *block = ts_playground_add_block (f->playground, kind);

  ts_block_set_title (block, title);
  if (kind == TS_BLOCK_KIND_TEXT || kind == TS_BLOCK_KIND_CHAT)
    {
      ts_block_set_string (block, TS_FIELD_PROVIDER, "ollama");
      ts_block_set_string (block, TS_FIELD_MODEL, "m");
    }
  else if (kind == TS_BLOCK_KIND_IMAGE)
    {
      ts_block_set_string (block, TS_FIELD_PROVIDER, "sd-webui");
      ts_block_set_string (block, TS_FIELD_MODEL, "sdxl");
    }

  if (tmpl != NULL)
    {
      g_autofree char *text = NULL;

      /* "{Title}" stands for a mention of the widget of that title. */
      text = g_strdup (tmpl);
      for (guint i = 0; i < ts_playground_get_n_blocks (f->playground); i++)
        {
          TsBlock *other = ts_playground_get_block (f->playground, i);
          g_autofree char *name = g_strdup_printf ("{%s}", ts_block_get_title (other));
          g_autofree char *mention = g_strdup_printf ("@[%s]", ts_block_get_id (other));
          g_auto(GStrv) parts = g_strsplit (text, name, -1);

          g_free (text);
          text = g_strjoinv (mention, parts);
        }
      ts_block_set_string (block, TS_FIELD_PROMPT, text);
    }

  return block;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(TsProviderRegistry) registry = ts_provider_registry_new ();

  f->text = ts_fake_provider_new ("ollama");
  f->images = ts_fake_provider_new ("sd-webui");
  ts_fake_script_set_chunks (ts_fake_provider_script_model (f->text, "m"), "Hello ", "**world**",
                             NULL);
  ts_fake_provider_script_model (f->text, "m")->chunk_delay_ms = 20;
  ts_provider_registry_add (registry, TS_PROVIDER (f->text));
  ts_provider_registry_add (registry, TS_PROVIDER (f->images));

  f->window = ts_window_new (NULL);
  ts_window_set_registry (f->window, registry);
  gtk_window_present (GTK_WINDOW (f->window));
  ts_window_new_playground (f->window);
  f->playground = ts_window_get_playground (f->window);
  f->runner = g_object_ref (ts_window_get_runner (f->window));
  g_assert_nonnull (f->runner);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_object_add_weak_pointer (G_OBJECT (f->window), (gpointer *) &f->window);
  gtk_window_destroy (GTK_WINDOW (f->window));
  test_drain ();
  g_assert_null (f->window);

  /* Requests abandoned by a cancel end when the provider answers. */
  wait_until (ts_runner_get_n_settling (f->runner) == 0);
  g_clear_object (&f->runner);
  g_clear_object (&f->text);
  g_clear_object (&f->images);
}

static TsCard *
card_of (Fixture *f,
         TsBlock *block)
{
  guint position;

  g_assert_true (ts_playground_find_block (f->playground, block, &position));

  return ts_window_get_card (f->window, position);
}

/* The text of the first output text view in @widget, or NULL. */
static char *
dup_output_text (GtkWidget *widget)
{
  if (GTK_IS_TEXT_VIEW (widget) && gtk_widget_has_css_class (widget, "markdown") &&
      gtk_widget_get_ancestor (widget, GTK_TYPE_BOX) != NULL &&
      gtk_widget_has_css_class (gtk_widget_get_parent (widget), "output"))
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (widget));
      GtkTextIter start, end;

      gtk_text_buffer_get_bounds (buffer, &start, &end);
      return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      char *text = dup_output_text (child);

      if (text != NULL)
        return text;
    }

  return NULL;
}

static gboolean
shows_output (TsCard     *card,
              const char *prefix)
{
  g_autofree char *text = dup_output_text (GTK_WIDGET (card));

  return text != NULL && g_str_has_prefix (text, prefix);
}

/* The first widget of @type shown in @widget, popovers left out. */
static GtkWidget *
find_widget (GtkWidget *widget,
             GType      type)
{
  if (GTK_IS_POPOVER (widget) || !gtk_widget_get_child_visible (widget))
    return NULL;

  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
chunk_cb (TsRunner  *runner,
          TsBlock   *block,
          const char *chunk,
          guint     *n_chunks)
{
  (*n_chunks)++;
}

static void
test_run_all (Fixture       *f,
              gconstpointer  data)
{
  TsBlock *topic = add_block (f, TS_BLOCK_KIND_INPUT, "Topic", NULL);
  TsBlock *story = add_block (f, TS_BLOCK_KIND_TEXT, "Story", "Write about {Topic}");
  TsBlock *picture = add_block (f, TS_BLOCK_KIND_IMAGE, "Picture", "A picture of {Topic}");
  guint n_chunks = 0;

  ts_block_set_string (topic, TS_FIELD_DEFAULT_VALUE, "cats");
  g_signal_connect (f->runner, "chunk", G_CALLBACK (chunk_cb), &n_chunks);
  test_drain ();

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.run-all", NULL));
  g_assert_true (ts_runner_get_busy (f->runner));
  g_assert_cmpstr (ts_card_get_state_text (card_of (f, story)), !=, "");

  /* The first chunk shows before the run ends. */
  wait_until (n_chunks >= 1);
  test_drain ();
  g_assert_true (shows_output (card_of (f, story), "Hello"));

  wait_until (!ts_runner_get_busy (f->runner));
  test_drain ();
  g_assert_cmpint (ts_runner_get_state (f->runner, story), ==, TS_RUN_STATE_DONE);
  g_assert_cmpstr (ts_card_get_state_text (card_of (f, story)), ==, "");

  /* Markdown: the emphasis is drawn, not shown as asterisks. */
  g_assert_true (shows_output (card_of (f, story), "Hello world"));
  g_assert_nonnull (find_widget (GTK_WIDGET (card_of (f, picture)), GTK_TYPE_PICTURE));

  g_signal_handlers_disconnect_by_func (f->runner, chunk_cb, &n_chunks);
}

/* Whether the output of @card, in Use mode, has been given the height its text needs. */
static gboolean
output_fits (TsCard *card)
{
  GtkWidget *view = find_widget (GTK_WIDGET (card), GTK_TYPE_TEXT_VIEW);
  int natural = 0;

  if (view == NULL || gtk_widget_get_width (view) == 0)
    return FALSE;

  gtk_widget_measure (view, GTK_ORIENTATION_VERTICAL, gtk_widget_get_width (view), NULL,
                      &natural, NULL, NULL);
  g_test_message ("output view: %d px tall, needs %d", gtk_widget_get_height (view), natural);

  return natural > 0 && gtk_widget_get_height (view) == natural;
}

/* Lets the window draw a few frames. */
static void
wait_frames (TsWindow *window,
             guint     n)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  gint64 target = gdk_frame_clock_get_frame_counter (clock) + n;

  gdk_frame_clock_begin_updating (clock);
  wait_until (gdk_frame_clock_get_frame_counter (clock) >= target);
  gdk_frame_clock_end_updating (clock);
}

/* An output answered at once, from the cache, shows its text: it used to keep the
 * height its new text view measured before it had a width, none at all or a character
 * a line. */
static void
test_run_output_from_cache (Fixture       *f,
                            gconstpointer  data)
{
  TsBlock *story = add_block (f, TS_BLOCK_KIND_TEXT, "Story", "A cached story");
  TsBlock *brief = add_block (f, TS_BLOCK_KIND_TEXT, "Brief", "A brief of {Story}");

  ts_block_set_layout (story, 0, 0, 7, 4);
  ts_block_set_layout (brief, 7, 0, 5, 2);
  g_object_set (f->window, "mode", "use", NULL);
  test_drain ();

  for (guint round = 0; round < 3; round++)
    {
      g_test_message ("round %u", round);
      ts_block_set_output (story, NULL);
      ts_block_set_output (brief, NULL);
      wait_frames (f->window, 3);

      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.run-all", NULL));
      wait_until (!ts_runner_get_busy (f->runner));
      g_assert_true (shows_output (card_of (f, story), "Hello world"));
      g_assert_true (shows_output (card_of (f, brief), "Hello world"));

      wait_frames (f->window, 10);
      g_assert_true (output_fits (card_of (f, story)));
      g_assert_true (output_fits (card_of (f, brief)));
    }

  g_object_set (f->window, "mode", "edit", NULL);
}

static void
test_run_failure_and_stop (Fixture       *f,
                           gconstpointer  data)
{
  TsBlock *story = add_block (f, TS_BLOCK_KIND_TEXT, "Story", "Write a story");
  TsBlock *summary = add_block (f, TS_BLOCK_KIND_TEXT, "Summary", "Sum up {Story}");
  TsBlock *final = add_block (f, TS_BLOCK_KIND_TEXT, "Final", "Polish {Summary}");
  TsBlock *slow = add_block (f, TS_BLOCK_KIND_TEXT, "Slow", "Take your time");
  TsFakeScript *script;

  ts_fake_script_set_failure (ts_fake_provider_script_prompt (f->text, "Sum up"),
                              TS_PROVIDER_ERROR_SERVER, "the server fell over");
  script = ts_fake_provider_script_prompt (f->text, "Take your time");
  script->delay_ms = 10000;
  test_drain ();

  /* A failure stays on its card; what depends on it waits, naming it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (card_of (f, final)), "card.run", NULL));
  wait_until (!ts_runner_get_busy (f->runner));
  test_drain ();
  g_assert_cmpint (ts_runner_get_state (f->runner, story), ==, TS_RUN_STATE_DONE);
  g_assert_cmpint (ts_runner_get_state (f->runner, summary), ==, TS_RUN_STATE_FAILED);
  g_assert_cmpstr (ts_card_get_state_text (card_of (f, summary)), !=, "");
  g_assert_nonnull (strstr (ts_card_get_error_text (card_of (f, summary)), "the server fell over"));
  g_assert_cmpstr (ts_card_get_error_text (card_of (f, final)), ==, "");
  g_assert_cmpint (ts_runner_get_state (f->runner, final), ==, TS_RUN_STATE_WAITING);
  g_assert_nonnull (strstr (ts_card_get_state_text (card_of (f, final)), "Summary"));

  /* Stop ends a run at once. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (card_of (f, slow)), "card.run", NULL));
  test_drain ();
  g_assert_cmpint (ts_runner_get_state (f->runner, slow), ==, TS_RUN_STATE_RUNNING);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (card_of (f, slow)), "card.stop", NULL));
  g_assert_cmpint (ts_runner_get_state (f->runner, slow), ==, TS_RUN_STATE_CANCELLED);
  g_assert_false (ts_runner_get_busy (f->runner));
}

static void
test_run_regenerate_and_chat (Fixture       *f,
                              gconstpointer  data)
{
  TsBlock *story = add_block (f, TS_BLOCK_KIND_TEXT, "Story", "Write a story");
  TsBlock *chat = add_block (f, TS_BLOCK_KIND_CHAT, "Helper", NULL);
  GPtrArray *calls = ts_fake_provider_get_calls (f->text);
  GtkWidget *entry;
  guint n_calls;

  test_drain ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (card_of (f, story)), "card.run", NULL));
  wait_until (!ts_runner_get_busy (f->runner));
  n_calls = calls->len;

  /* Run again: answered from the cache. Regenerate: asked again. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (card_of (f, story)), "card.run", NULL));
  wait_until (!ts_runner_get_busy (f->runner));
  g_assert_cmpuint (calls->len, ==, n_calls);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (card_of (f, story)), "card.regenerate",
                                             NULL));
  wait_until (!ts_runner_get_busy (f->runner));
  g_assert_cmpuint (calls->len, ==, n_calls + 1);

  /* A message typed into the chat is sent, and the answer joins the conversation. */
  entry = find_widget (GTK_WIDGET (card_of (f, chat)), GTK_TYPE_ENTRY);
  g_assert_nonnull (entry);
  gtk_editable_set_text (GTK_EDITABLE (entry), "Hi there");
  g_signal_emit_by_name (entry, "activate");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");
  wait_until (!ts_runner_get_busy (f->runner));
  g_assert_nonnull (ts_block_get_output (chat));
  g_assert_cmpuint (ts_output_get_n_messages (ts_block_get_output (chat)), ==, 2);
  g_assert_cmpstr (((TsFakeCall *) g_ptr_array_index (calls, calls->len - 1))->prompt, ==,
                   "Hi there");
}

static gboolean
has_call (TsFakeProvider *provider,
          const char     *prompt)
{
  GPtrArray *calls = ts_fake_provider_get_calls (provider);

  for (guint i = 0; i < calls->len; i++)
    {
      if (g_strcmp0 (((TsFakeCall *) g_ptr_array_index (calls, i))->prompt, prompt) == 0)
        return TRUE;
    }

  return FALSE;
}

static void
test_run_auto_in_use_mode (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  TsBlock *topic = add_block (f, TS_BLOCK_KIND_INPUT, "Topic", NULL);
  TsBlock *story = add_block (f, TS_BLOCK_KIND_TEXT, "Story", "Write about {Topic}");
  GtkWidget *entry;

  ts_block_set_string (topic, TS_FIELD_DEFAULT_VALUE, "owls");
  g_settings_set_int (settings, TS_SETTINGS_KEY_CONCURRENCY, 3);
  g_assert_cmpuint (ts_runner_get_concurrency (f->runner), ==, 3);

  /* Auto-run is for Use mode only. */
  g_settings_set_boolean (settings, TS_SETTINGS_KEY_AUTO_RUN, TRUE);
  g_assert_false (ts_runner_get_auto_run (f->runner));
  g_object_set (f->window, "mode", "use", NULL);
  g_assert_true (ts_runner_get_auto_run (f->runner));
  test_drain ();

  /* Typing in an input is its value: what mentions it runs again. (The cache is the
   * test program's: each test asks for prompts of its own.) */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.run-all", NULL));
  wait_until (!ts_runner_get_busy (f->runner));
  g_assert_true (has_call (f->text, "Write about owls"));

  entry = find_widget (GTK_WIDGET (card_of (f, topic)), GTK_TYPE_ENTRY);
  g_assert_nonnull (entry);
  gtk_editable_set_text (GTK_EDITABLE (entry), "foxes");
  g_assert_cmpstr (ts_output_get_text (ts_block_get_output (topic)), ==, "foxes");
  wait_until (has_call (f->text, "Write about foxes"));
  wait_until (ts_runner_get_state (f->runner, story) == TS_RUN_STATE_DONE);

  g_settings_reset (settings, TS_SETTINGS_KEY_AUTO_RUN);
  g_settings_reset (settings, TS_SETTINGS_KEY_CONCURRENCY);
  g_object_set (f->window, "mode", "edit", NULL);
}

static void
test_run_model_list (Fixture       *f,
                     gconstpointer  data)
{
  TsBlock *story = add_block (f, TS_BLOCK_KIND_TEXT, "Story", "Write a story");
  GtkWidget *settings_button;
  GtkWidget *settings;
  GtkWidget *models_button;
  GtkListBox *list;
  GtkListBoxRow *row;

  ts_fake_provider_add_model (f->text, "m", TS_MODEL_TEXT);
  ts_fake_provider_add_model (f->text, "vision", TS_MODEL_TEXT | TS_MODEL_IMAGE_INPUT);
  test_drain ();

  /* The settings of a text widget offer the models its provider lists. */
  settings_button = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (card_of (f, story)),
                                                               TS_TYPE_CARD, "settings_button"));
  settings = GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (settings_button)));
  g_assert_true (TS_IS_BLOCK_SETTINGS (settings));
  models_button = find_widget (gtk_popover_get_child (GTK_POPOVER (settings)), GTK_TYPE_MENU_BUTTON);
  g_assert_nonnull (models_button);
  g_assert_true (gtk_widget_get_sensitive (models_button));
  list = GTK_LIST_BOX (find_widget (gtk_popover_get_child (gtk_menu_button_get_popover (GTK_MENU_BUTTON (models_button))),
                                    GTK_TYPE_LIST_BOX));

  ts_block_settings_refresh_models (TS_BLOCK_SETTINGS (settings));
  wait_until (gtk_list_box_get_row_at_index (list, 1) != NULL);
  g_assert_null (gtk_list_box_get_row_at_index (list, 2));

  /* Choosing one sets the widget's model; typing any other stays possible. */
  row = gtk_list_box_get_row_at_index (list, 1);
  g_signal_emit_by_name (list, "row-activated", row);
  g_assert_cmpstr (ts_block_get_string (story, TS_FIELD_MODEL), ==, "vision");
}

static void
test_preferences_test_connection (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  MockServer *ollama = mock_server_new (mock_ollama_handler, NULL);
  GtkWidget *prefs;
  AdwActionRow *row;
  GtkWidget *button;
  g_autofree char *expected = g_strdup_printf ("Ollama at %s: up", mock_server_get_url (ollama));

  /* A server that answers, and one where nothing listens. */
  g_settings_set_string (settings, TS_SETTINGS_KEY_OLLAMA_ENDPOINT, mock_server_get_url (ollama));
  g_settings_set_string (settings, TS_SETTINGS_KEY_SD_WEBUI_ENDPOINT, "http://127.0.0.1:9");

  prefs = ts_preferences_window_new (NULL);
  gtk_window_present (GTK_WINDOW (prefs));
  row = ADW_ACTION_ROW (gtk_widget_get_template_child (prefs, TS_TYPE_PREFERENCES_WINDOW,
                                                       "test_row"));
  button = GTK_WIDGET (gtk_widget_get_template_child (prefs, TS_TYPE_PREFERENCES_WINDOW,
                                                      "test_button"));

  /* As a user would, once the window is drawn: the probes have a deadline, and the
   * first frame of a window can take longer than that on a software renderer. */
  wait_until (gtk_widget_get_mapped (prefs));
  {
    gboolean painted = FALSE;
    GdkFrameClock *clock = gtk_widget_get_frame_clock (prefs);
    gulong handler = g_signal_connect_swapped (clock, "after-paint", G_CALLBACK (test_flag_cb),
                                               &painted);

    gtk_widget_queue_draw (prefs);
    wait_until (painted);
    g_signal_handler_disconnect (clock, handler);
    test_drain ();
  }

  g_signal_emit_by_name (button, "clicked");
  g_assert_false (gtk_widget_get_sensitive (button));
  wait_until (gtk_widget_get_sensitive (button));
  g_test_message ("%s", adw_action_row_get_subtitle (row));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (row), expected));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (row), "Stable Diffusion"));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (row), "http://127.0.0.1:9: down"));

  gtk_window_destroy (GTK_WINDOW (prefs));
  test_drain ();
  g_settings_reset (settings, TS_SETTINGS_KEY_OLLAMA_ENDPOINT);
  g_settings_reset (settings, TS_SETTINGS_KEY_SD_WEBUI_ENDPOINT);
  mock_server_free (ollama);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  tmpdir = test_setup_dirs ("test-run");

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  test_setup_display ();

  g_test_add ("/ui/run/all", Fixture, NULL, fixture_set_up, test_run_all, fixture_tear_down);
  g_test_add ("/ui/run/output-from-cache", Fixture, NULL, fixture_set_up,
              test_run_output_from_cache, fixture_tear_down);
  g_test_add ("/ui/run/failure-and-stop", Fixture, NULL, fixture_set_up,
              test_run_failure_and_stop, fixture_tear_down);
  g_test_add ("/ui/run/regenerate-and-chat", Fixture, NULL, fixture_set_up,
              test_run_regenerate_and_chat, fixture_tear_down);
  g_test_add ("/ui/run/auto-in-use-mode", Fixture, NULL, fixture_set_up,
              test_run_auto_in_use_mode, fixture_tear_down);
  g_test_add ("/ui/run/model-list", Fixture, NULL, fixture_set_up, test_run_model_list,
              fixture_tear_down);
  g_test_add_func ("/ui/preferences/test-connection", test_preferences_test_connection);

  status = g_test_run ();

  test_remove_tree (tmpdir);
  g_free (tmpdir);

  return status;
}
