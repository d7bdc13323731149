/* test-preferences.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>

#include "mock-protocols.h"
#include "ts-bedrock.h"
#include "ts-block-settings.h"
#include "ts-detect.h"
#include "ts-openai.h"
#include "ts-preferences-window.h"
#include "ts-secrets.h"
#include "ts-settings.h"
#include "ts-window.h"
#include "ui-test-utils.h"

/* Each preference reaches the providers it is for, at start and when it changes: the
 * AWS profile, the keys from the keyring, the servers found in the background, the
 * default models of new widgets, and what an empty ("automatic") row means. */

static char *tmpdir;

static TsProviderRegistry *
new_following_registry (GSettings *settings,
                        GPtrArray *targets)
{
  TsProviderRegistry *registry = ts_settings_new_registry (settings);

  ts_settings_follow (settings, registry, targets);
  return registry;
}

static void
test_aws_profile (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GPtrArray) none = g_ptr_array_new ();
  g_autoptr(TsProviderRegistry) registry = NULL;
  TsBedrockProvider *bedrock;

  g_settings_set_string (settings, TS_SETTINGS_KEY_AWS_PROFILE, "work");
  registry = new_following_registry (settings, none);
  bedrock = TS_BEDROCK_PROVIDER (ts_provider_registry_lookup (registry, "bedrock"));
  g_assert_cmpstr (ts_bedrock_provider_get_profile (bedrock), ==, "work");

  g_settings_set_string (settings, TS_SETTINGS_KEY_AWS_PROFILE, " sso ");
  g_assert_cmpstr (ts_bedrock_provider_get_profile (bedrock), ==, "sso");

  /* Empty: AWS_PROFILE, else "default", as the AWS SDKs read them. */
  g_settings_reset (settings, TS_SETTINGS_KEY_AWS_PROFILE);
  g_assert_null (ts_bedrock_provider_get_profile (bedrock));

  /* A region cleared in Preferences is cleared on the provider too. */
  g_settings_set_string (settings, TS_SETTINGS_KEY_AWS_REGION, "eu-west-1");
  g_assert_cmpstr (ts_bedrock_provider_get_region (bedrock), ==, "eu-west-1");
  g_settings_reset (settings, TS_SETTINGS_KEY_AWS_REGION);
  g_assert_null (ts_bedrock_provider_get_region (bedrock));
}

static GError *
run_openai (TsProvider *provider,
            const char *model)
{
  g_autoptr(TsTextRequest) request = ts_text_request_new (model);
  g_autoptr(TsTextResult) result = NULL;
  g_autoptr(GAsyncResult) async_result = NULL;
  GError *error = NULL;

  ts_text_request_add_message (request, ts_message_new (TS_CHAT_ROLE_USER, "Hello"));
  ts_provider_generate_text_async (provider, request, NULL, NULL, NULL, test_result_cb,
                                   &async_result);
  wait_until (async_result != NULL);
  result = ts_provider_generate_text_finish (provider, async_result, &error);

  return error;
}

static void
test_openai_key (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GPtrArray) none = g_ptr_array_new ();
  MockServer *server = mock_server_new (mock_openai_handler, NULL);
  g_autoptr(TsProviderRegistry) registry = NULL;
  g_autoptr(GError) error = NULL;
  TsProvider *openai;

  g_settings_set_string (settings, TS_SETTINGS_KEY_OPENAI_ENDPOINT, mock_server_get_url (server));
  registry = new_following_registry (settings, none);
  openai = ts_provider_registry_lookup (registry, "openai");

  error = run_openai (openai, "needs-key");
  g_assert_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_AUTH);
  g_clear_error (&error);

  /* The key from the keyring, pasted with a newline, goes to the server Preferences name. */
  ts_settings_apply_secret (registry, TS_SECRET_OPENAI_API_KEY, "sk-test-EXAMPLE\n");
  error = run_openai (openai, "needs-key");
  g_assert_no_error (error);

  /* Removed from the keyring: no key is sent any more, and none is named in the error. */
  ts_settings_apply_secret (registry, TS_SECRET_OPENAI_API_KEY, "");
  error = run_openai (openai, "needs-key");
  g_assert_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_AUTH);
  g_assert_null (strstr (error->message, "sk-test"));

  g_settings_reset (settings, TS_SETTINGS_KEY_OPENAI_ENDPOINT);
  mock_server_free (server);
}

static void
test_aws_keys (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GPtrArray) none = g_ptr_array_new ();
  g_autoptr(TsProviderRegistry) registry = new_following_registry (settings, none);
  TsProvider *bedrock = ts_provider_registry_lookup (registry, "bedrock");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) models = NULL;
  const char *env[] = { "HOME=/nonexistent", "AWS_REGION=us-west-2",
                        "AWS_ENDPOINT_URL=http://127.0.0.1:9", NULL };

  /* Half a key pair is no credentials; both halves are, and no file is read. */
  ts_bedrock_provider_set_environment (TS_BEDROCK_PROVIDER (bedrock), env);
  ts_settings_apply_secret (registry, TS_SECRET_AWS_ACCESS_KEY_ID, "AKIDEXAMPLE");
  ts_provider_list_models_async (bedrock, NULL, test_result_cb, &result);
  wait_until (result != NULL);
  models = ts_provider_list_models_finish (bedrock, result, &error);
  g_assert_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_AUTH);
  g_clear_error (&error);
  g_clear_object (&result);

  ts_settings_apply_secret (registry, TS_SECRET_AWS_SECRET_KEY, "wJalrXUtnFEMI/EXAMPLE");
  ts_provider_list_models_async (bedrock, NULL, test_result_cb, &result);
  wait_until (result != NULL);
  models = ts_provider_list_models_finish (bedrock, result, &error);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  /* Signed and sent: nothing listens there, which is not a missing-credentials error. */
  g_assert_false (g_error_matches (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_AUTH));
  g_assert_null (strstr (error->message, "wJalr"));
}

static void
test_detect_at_start (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  MockServer *server = mock_server_new (mock_openai_handler, NULL);
  g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func ((GDestroyNotify) ts_detected_server_free);
  g_autofree char *url = ts_openai_normalize_base_url (mock_server_get_url (server));
  g_autoptr(TsProviderRegistry) registry = NULL;
  g_autoptr(TsProviderRegistry) configured = NULL;
  TsProvider *openai;

  g_assert_null (g_getenv ("OPENAI_BASE_URL"));
  g_ptr_array_add (targets, ts_detected_server_new (TS_SERVER_KIND_LM_STUDIO, url));

  /* Nothing says where the server is: the one found is used, after the start. */
  registry = new_following_registry (settings, targets);
  openai = ts_provider_registry_lookup (registry, "openai");
  g_assert_null (ts_provider_get_endpoint (openai));
  wait_until (ts_provider_get_endpoint (openai) != NULL);
  g_assert_cmpstr (ts_provider_get_endpoint (openai), ==, url);

  /* A setting wins over what is found. */
  g_settings_set_string (settings, TS_SETTINGS_KEY_OPENAI_ENDPOINT, "http://127.0.0.1:9/v1");
  configured = new_following_registry (settings, targets);
  openai = ts_provider_registry_lookup (configured, "openai");
  g_assert_true (mock_server_wait_for_requests (server, 1, 2000));
  test_drain ();
  g_assert_cmpstr (ts_provider_get_endpoint (openai), ==, "http://127.0.0.1:9/v1");

  /* Cleared again: found again. */
  g_settings_reset (settings, TS_SETTINGS_KEY_OPENAI_ENDPOINT);
  wait_until (g_strcmp0 (ts_provider_get_endpoint (openai), url) == 0);

  g_clear_object (&registry);
  g_clear_object (&configured);
  test_drain ();
  mock_server_free (server);
}

static void
test_default_model (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(TsProviderRegistry) registry = ts_provider_registry_new ();
  TsWindow *window = ts_window_new (NULL);
  TsPlayground *playground;
  TsBlock *block;

  g_settings_set_string (settings, TS_SETTINGS_KEY_DEFAULT_TEXT_MODEL, "llama3.2:1b");
  g_settings_set_string (settings, TS_SETTINGS_KEY_DEFAULT_IMAGE_MODEL, "sdxl");
  ts_window_set_registry (window, registry);
  gtk_window_present (GTK_WINDOW (window));
  ts_window_new_playground (window);
  playground = ts_window_get_playground (window);

  /* Added from the palette: the default model of its kind. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.add-block", "s", "text"));
  block = ts_playground_get_block (playground, ts_playground_get_n_blocks (playground) - 1);
  g_assert_cmpstr (ts_block_get_string (block, TS_FIELD_MODEL), ==, "llama3.2:1b");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.add-block", "s", "image"));
  block = ts_playground_get_block (playground, ts_playground_get_n_blocks (playground) - 1);
  g_assert_cmpstr (ts_block_get_string (block, TS_FIELD_MODEL), ==, "sdxl");

  /* A playground that names its model keeps it for its new widgets. */
  ts_playground_set_setting (playground, "text-model", "qwen3");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.add-block", "s", "chat"));
  block = ts_playground_get_block (playground, ts_playground_get_n_blocks (playground) - 1);
  g_assert_cmpstr (ts_block_get_string (block, TS_FIELD_MODEL), ==, "");

  test_destroy_window (GTK_WINDOW (window));
  g_settings_reset (settings, TS_SETTINGS_KEY_DEFAULT_TEXT_MODEL);
  g_settings_reset (settings, TS_SETTINGS_KEY_DEFAULT_IMAGE_MODEL);
}

static void
test_automatic_rows (void)
{
  GtkWidget *prefs = ts_preferences_window_new (NULL);
  GtkWidget *ollama_row = GTK_WIDGET (gtk_widget_get_template_child (prefs, TS_TYPE_PREFERENCES_WINDOW,
                                                                     "ollama_row"));
  GtkWidget *profile_row = GTK_WIDGET (gtk_widget_get_template_child (prefs, TS_TYPE_PREFERENCES_WINDOW,
                                                                      "aws_profile_row"));
  GtkWidget *key_row = GTK_WIDGET (gtk_widget_get_template_child (prefs, TS_TYPE_PREFERENCES_WINDOW,
                                                                  "openai_key_row"));

  /* main() set these before anything read the environment. */
  g_assert_cmpstr (gtk_widget_get_tooltip_text (ollama_row), ==,
                   "Automatic: http://192.0.2.7:11434 (OLLAMA_HOST)");
  g_assert_cmpstr (gtk_text_get_placeholder_text (GTK_TEXT (gtk_editable_get_delegate (GTK_EDITABLE (ollama_row)))),
                   ==, "Automatic: http://192.0.2.7:11434 (OLLAMA_HOST)");
  g_assert_cmpstr (gtk_widget_get_tooltip_text (profile_row), ==, "Automatic: dev (AWS_PROFILE)");
  /* A key from the environment is named, never shown. */
  g_assert_cmpstr (gtk_widget_get_tooltip_text (key_row), ==,
                   "Automatic: OPENAI_API_KEY from the environment");

  gtk_window_destroy (GTK_WINDOW (prefs));
  test_drain ();
}

static GtkWidget *
find_widget (GtkWidget *root,
             GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static guint
count_shown_rows (GtkListBox *list)
{
  GtkListBoxRow *row;
  guint n = 0;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (list, i)) != NULL; i++)
    n += gtk_widget_get_child_visible (GTK_WIDGET (row));

  return n;
}

static void
test_model_picker (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  MockServer *server = mock_server_new (mock_ollama_handler, NULL);
  g_autoptr(TsProviderRegistry) registry = NULL;
  g_autoptr(TsPlayground) playground = ts_playground_new ();
  TsBlock *block = ts_playground_add_block (playground, TS_BLOCK_KIND_TEXT);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *anchor = gtk_menu_button_new ();
  GtkWidget *settings_popover;
  GtkWidget *models_button;
  GtkWidget *models_popover;
  GtkWidget *search;
  GtkListBox *list;

  g_settings_set_string (settings, TS_SETTINGS_KEY_OLLAMA_ENDPOINT, mock_server_get_url (server));
  registry = ts_settings_new_registry (settings);
  ts_block_set_string (block, TS_FIELD_PROVIDER, "ollama");

  settings_popover = ts_block_settings_new (playground, block);
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (anchor), settings_popover);
  gtk_window_set_child (GTK_WINDOW (window), anchor);
  gtk_window_present (GTK_WINDOW (window));
  ts_block_settings_set_registry (TS_BLOCK_SETTINGS (settings_popover), registry);
  wait_until (gtk_widget_get_mapped (window));

  /* The button beside the model entry drops down the server's models... */
  models_button = find_widget (gtk_popover_get_child (GTK_POPOVER (settings_popover)),
                               GTK_TYPE_MENU_BUTTON);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (models_button),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL, "Choose a Model");
  models_popover = GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (models_button)));
  search = find_widget (models_popover, GTK_TYPE_SEARCH_ENTRY);
  list = GTK_LIST_BOX (find_widget (models_popover, GTK_TYPE_LIST_BOX));
  g_assert_nonnull (search);
  ts_block_settings_refresh_models (TS_BLOCK_SETTINGS (settings_popover));
  wait_until (gtk_list_box_get_row_at_index (list, 3) != NULL);
  g_assert_null (gtk_list_box_get_row_at_index (list, 4));
  g_assert_cmpuint (mock_server_get_n_requests (server), >=, 1);

  /* ...filtered as you type, case aside; Enter takes the first that matches. */
  gtk_editable_set_text (GTK_EDITABLE (search), "LLAVA");
  g_signal_emit_by_name (search, "search-changed");
  g_assert_cmpuint (count_shown_rows (list), ==, 1);
  g_signal_emit_by_name (search, "activate");
  g_assert_cmpstr (ts_block_get_string (block, TS_FIELD_MODEL), ==, "llava:latest");

  /* A model the server does not list is typed as it is. */
  gtk_editable_set_text (GTK_EDITABLE (search), "qwen3:8b");
  g_signal_emit_by_name (search, "search-changed");
  g_assert_cmpuint (count_shown_rows (list), ==, 0);
  g_signal_emit_by_name (search, "activate");
  g_assert_cmpstr (ts_block_get_string (block, TS_FIELD_MODEL), ==, "qwen3:8b");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find_widget (gtk_popover_get_child (GTK_POPOVER (settings_popover)), GTK_TYPE_ENTRY))),
                   ==, "qwen3:8b");

  test_destroy_window (GTK_WINDOW (window));
  g_settings_reset (settings, TS_SETTINGS_KEY_OLLAMA_ENDPOINT);
  mock_server_free (server);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  tmpdir = test_setup_dirs ("test-preferences");
  g_unsetenv ("OPENAI_BASE_URL");
  g_setenv ("OLLAMA_HOST", "192.0.2.7", TRUE);
  g_setenv ("AWS_PROFILE", "dev", TRUE);
  g_setenv ("OPENAI_API_KEY", "sk-env-EXAMPLE", TRUE);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  test_setup_display ();

  g_test_add_func ("/ui/preferences/aws-profile", test_aws_profile);
  g_test_add_func ("/ui/preferences/openai-key", test_openai_key);
  g_test_add_func ("/ui/preferences/aws-keys", test_aws_keys);
  g_test_add_func ("/ui/preferences/detect-at-start", test_detect_at_start);
  g_test_add_func ("/ui/preferences/default-model", test_default_model);
  g_test_add_func ("/ui/preferences/automatic-rows", test_automatic_rows);
  g_test_add_func ("/ui/preferences/model-picker", test_model_picker);

  status = g_test_run ();

  test_remove_tree (tmpdir);
  g_free (tmpdir);

  return status;
}
