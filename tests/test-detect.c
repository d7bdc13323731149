/* test-detect.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <sys/wait.h>

#include "mock-protocols.h"
#include "ts-detect.h"
#include "ts-providers.h"

static MockAction
loading_handler (MockConn          *conn,
                 const MockRequest *request,
                 gpointer           user_data)
{
  /* llama-server while it loads its model. */
  mock_conn_respond (conn, 503, "application/json",
                     "{\"error\":{\"code\":503,\"message\":\"Loading model\",\"type\":\"unavailable_error\"}}", -1);
  return MOCK_KEEP_OPEN;
}

static MockAction
silent_handler (MockConn          *conn,
                const MockRequest *request,
                gpointer           user_data)
{
  return MOCK_HOLD;
}

static void
detect_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static GPtrArray *
detect (GPtrArray *targets,
        guint      timeout_ms,
        gint64    *elapsed)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  GPtrArray *servers;

  ts_detect_async (targets, timeout_ms, NULL, detect_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  *elapsed = g_get_monotonic_time () - start;

  servers = ts_detect_finish (result, &error);
  g_assert_no_error (error);
  return servers;
}

/* An address where nothing listens; the string lives until the next call but one. */
static const char *
closed_url (gboolean v1)
{
  static char *urls[2];
  static guint next;
  guint slot = next++ % 2;

  g_free (urls[slot]);
  urls[slot] = g_strdup_printf ("http://127.0.0.1:%u%s", mock_closed_port (), v1 ? "/v1" : "");
  return urls[slot];
}

static char *
url_with_v1 (MockServer *server)
{
  return g_strconcat (mock_server_get_url (server), "/v1", NULL);
}

static void
test_some_up (void)
{
  MockSdwebui no_api = { .no_api = TRUE };
  MockServer *ollama = mock_server_new (mock_ollama_handler, NULL);
  MockServer *lm_studio = mock_server_new (mock_openai_handler, NULL);
  MockServer *silent = mock_server_new (silent_handler, NULL);
  MockServer *loading = mock_server_new (loading_handler, NULL);
  MockServer *webui = mock_server_new (mock_sdwebui_handler, &no_api);
  g_autofree char *lm_url = url_with_v1 (lm_studio);
  g_autofree char *silent_url = url_with_v1 (silent);
  g_autofree char *loading_url = url_with_v1 (loading);
  g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func ((GDestroyNotify) ts_detected_server_free);
  g_autoptr(GPtrArray) servers = NULL;
  TsDetectedServer *server;
  gint64 elapsed;

  g_ptr_array_add (targets, ts_detected_server_new (TS_SERVER_KIND_OLLAMA, mock_server_get_url (ollama)));
  g_ptr_array_add (targets, ts_detected_server_new (TS_SERVER_KIND_LM_STUDIO, lm_url));
  g_ptr_array_add (targets, ts_detected_server_new (TS_SERVER_KIND_LLAMA_CPP, silent_url));
  g_ptr_array_add (targets, ts_detected_server_new (TS_SERVER_KIND_LLAMA_CPP, loading_url));
  g_ptr_array_add (targets, ts_detected_server_new (TS_SERVER_KIND_SD_WEBUI, mock_server_get_url (webui)));
  g_ptr_array_add (targets, ts_detected_server_new (TS_SERVER_KIND_OPENAI, closed_url (TRUE)));

  servers = detect (targets, 300, &elapsed);
  g_test_message ("detection took %" G_GINT64_FORMAT " ms", elapsed / 1000);
  /* Concurrent probes: the silent server costs the deadline once, not per server. */
  g_assert_cmpint (elapsed, <, 500 * 1000);
  g_assert_cmpint (elapsed, >=, 300 * 1000);
  g_assert_true (servers == targets);

  server = g_ptr_array_index (servers, 0);
  g_assert_cmpint (server->state, ==, TS_SERVER_UP);
  g_assert_cmpstr (server->version, ==, "0.12.6");
  g_assert_cmpuint (server->models->len, ==, 4);
  g_assert_cmpint (((TsModelInfo *) g_ptr_array_index (server->models, 1))->capabilities, ==,
                   TS_MODEL_TEXT | TS_MODEL_IMAGE_INPUT);

  server = g_ptr_array_index (servers, 1);
  g_assert_cmpint (server->state, ==, TS_SERVER_UP);
  g_assert_cmpstr (server->name, ==, "LM Studio");
  g_assert_cmpstr (server->provider_id, ==, "openai");
  g_assert_cmpuint (server->models->len, ==, 2);

  server = g_ptr_array_index (servers, 2);
  g_assert_cmpint (server->state, ==, TS_SERVER_DOWN);
  g_assert_cmpstr (server->message, ==, "no answer within 300 ms");

  server = g_ptr_array_index (servers, 3);
  g_assert_cmpint (server->state, ==, TS_SERVER_STARTING);
  g_assert_cmpstr (server->message, ==, "Loading model");

  server = g_ptr_array_index (servers, 4);
  g_assert_cmpint (server->state, ==, TS_SERVER_NO_API);
  g_assert_nonnull (strstr (server->message, "--api"));

  server = g_ptr_array_index (servers, 5);
  g_assert_cmpint (server->state, ==, TS_SERVER_DOWN);
  g_assert_cmpuint (server->models->len, ==, 0);

  mock_server_free (ollama);
  mock_server_free (lm_studio);
  mock_server_free (silent);
  mock_server_free (loading);
  mock_server_free (webui);
}

static void
test_all_down (void)
{
  g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func ((GDestroyNotify) ts_detected_server_free);
  g_autoptr(GPtrArray) servers = NULL;
  gint64 elapsed;

  g_ptr_array_add (targets, ts_detected_server_new (TS_SERVER_KIND_OLLAMA, closed_url (FALSE)));
  g_ptr_array_add (targets, ts_detected_server_new (TS_SERVER_KIND_LLAMA_CPP, closed_url (TRUE)));
  g_ptr_array_add (targets, ts_detected_server_new (TS_SERVER_KIND_SD_WEBUI, closed_url (FALSE)));

  servers = detect (targets, TS_DETECT_DEFAULT_TIMEOUT, &elapsed);
  /* Refused connections answer at once: no waiting for the deadline. */
  g_assert_cmpint (elapsed, <, TS_DETECT_DEFAULT_TIMEOUT * 1000);
  for (guint i = 0; i < servers->len; i++)
    {
      TsDetectedServer *server = g_ptr_array_index (servers, i);

      g_assert_cmpint (server->state, ==, TS_SERVER_DOWN);
      g_assert_nonnull (strstr (server->message, "is not running at"));
    }
}

static void
test_targets_and_apply (void)
{
  g_autoptr(TsProviderRegistry) registry = ts_providers_new_registry ();
  g_autoptr(GPtrArray) targets = ts_detect_targets (registry);
  g_autoptr(GPtrArray) with_env = NULL;
  TsProvider *openai = ts_provider_registry_lookup (registry, "openai");
  TsDetectedServer *server;

  g_assert_nonnull (ts_provider_registry_lookup (registry, "ollama"));
  g_assert_nonnull (ts_provider_registry_lookup (registry, "sd-webui"));

  g_assert_cmpuint (targets->len, ==, 4);
  g_assert_cmpstr (((TsDetectedServer *) g_ptr_array_index (targets, 0))->url, ==, "http://127.0.0.1:11434");
  g_assert_cmpstr (((TsDetectedServer *) g_ptr_array_index (targets, 1))->url, ==, TS_LLAMA_CPP_DEFAULT_URL);
  g_assert_cmpstr (((TsDetectedServer *) g_ptr_array_index (targets, 2))->url, ==, TS_LM_STUDIO_DEFAULT_URL);
  g_assert_cmpstr (((TsDetectedServer *) g_ptr_array_index (targets, 3))->url, ==, "http://127.0.0.1:7860");

  /* LM Studio up, llama-server down: the "openai" provider goes to LM Studio. */
  server = g_ptr_array_index (targets, 2);
  server->state = TS_SERVER_UP;
  g_assert_true (ts_detect_apply (registry, targets));
  g_assert_cmpstr (ts_provider_get_endpoint (openai), ==, TS_LM_STUDIO_DEFAULT_URL);
  /* An endpoint already chosen stays. */
  g_assert_false (ts_detect_apply (registry, targets));

  ts_provider_set_endpoint (openai, NULL);
  g_setenv ("OPENAI_BASE_URL", "http://127.0.0.1:8000/v1", TRUE);
  with_env = ts_detect_targets (registry);
  g_assert_false (ts_detect_apply (registry, targets));
  g_unsetenv ("OPENAI_BASE_URL");
  g_assert_cmpuint (with_env->len, ==, 3);
  server = g_ptr_array_index (with_env, 1);
  g_assert_cmpint (server->kind, ==, TS_SERVER_KIND_OPENAI);
  g_assert_cmpstr (server->url, ==, "http://127.0.0.1:8000/v1");
}

static char *cli_path;

static int
run_cli (const char *const *args,
         char              **out)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int status = -1;

  g_ptr_array_add (argv, cli_path);
  g_ptr_array_add (argv, "list-models");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, NULL,
                &status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));

  return WEXITSTATUS (status);
}

static void
test_cli (void)
{
  MockServer *ollama = mock_server_new (mock_ollama_handler, NULL);
  g_autofree char *ollama_arg = g_strdup_printf ("ollama=%s", mock_server_get_url (ollama));
  g_autofree char *openai_arg = g_strdup_printf ("--endpoint=openai=%s", closed_url (TRUE));
  g_autofree char *sdwebui_arg = g_strdup_printf ("sd-webui=%s", closed_url (FALSE));
  g_autofree char *ollama_down_arg = g_strdup_printf ("ollama=%s", closed_url (FALSE));
  g_autofree char *openai_line = g_strdup_printf ("OpenAI-compatible server at %s: down\n", openai_arg + 18);
  g_autofree char *sdwebui_line = g_strdup_printf ("Stable Diffusion WebUI at %s: down\n  not running — "
                                                   "start it with `./webui.sh --api`", sdwebui_arg + 9);
  const char *some_up[] = { "--endpoint", ollama_arg, openai_arg, "--endpoint", sdwebui_arg, NULL };
  const char *none_up[] = { "--endpoint", ollama_down_arg, openai_arg, "--endpoint", sdwebui_arg,
                            "--timeout", "300", NULL };
  const char *bad_id[] = { "--endpoint", "comfy=http://127.0.0.1:2", NULL };
  const char *bad_url[] = { "--endpoint", "ollama=ftp://127.0.0.1:2", NULL };
  g_autofree char *out = NULL;
  g_autofree char *out_none = NULL;
  g_autofree char *ignored = NULL;
  g_autofree char *ignored_too = NULL;

  if (cli_path == NULL)
    {
      g_test_skip ("no --cli given");
      mock_server_free (ollama);
      return;
    }

  g_assert_cmpint (run_cli (some_up, &out), ==, 0);
  g_assert_nonnull (strstr (out, "Ollama at http://127.0.0.1:"));
  g_assert_nonnull (strstr (out, ": up, version 0.12.6\n"));
  g_assert_nonnull (strstr (out, "  llava:latest (text, image input)\n"));
  g_assert_nonnull (strstr (out, "  x/z-image-turbo:latest (image output)\n"));
  g_assert_nonnull (strstr (out, openai_line));
  g_assert_nonnull (strstr (out, sdwebui_line));
  g_assert_null (strstr (out, "No model server"));

  g_assert_cmpint (run_cli (none_up, &out_none), ==, 1);
  g_assert_nonnull (strstr (out_none, "No model server is running"));
  g_assert_nonnull (strstr (out_none, "`ollama serve`"));

  g_assert_cmpint (run_cli (bad_id, &ignored), ==, 2);
  g_assert_cmpint (run_cli (bad_url, &ignored_too), ==, 2);

  mock_server_free (ollama);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (int i = 1; i + 1 < argc; i++)
    if (g_str_equal (argv[i], "--cli"))
      cli_path = argv[i + 1];
  mock_server_init_environment ();
  g_unsetenv ("OLLAMA_HOST");
  g_unsetenv ("OPENAI_BASE_URL");

  g_test_add_func ("/detect/some-up", test_some_up);
  g_test_add_func ("/detect/all-down", test_all_down);
  g_test_add_func ("/detect/targets-and-apply", test_targets_and_apply);
  g_test_add_func ("/detect/cli", test_cli);

  return g_test_run ();
}
