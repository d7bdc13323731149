/* test-ollama.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <cJSON.h>
#include <string.h>

#include "mock-protocols.h"
#include "ts-block.h"
#include "ts-ollama.h"
#include "ts-png.h"

typedef struct
{
  MockServer *server;
  TsProvider *provider;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->server = mock_server_new (mock_ollama_handler, NULL);
  fixture->provider = ts_ollama_provider_new ();
  ts_provider_set_endpoint (fixture->provider, mock_server_get_url (fixture->server));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_assert_finalize_object (fixture->provider);
  mock_server_free (fixture->server);
}

static cJSON *
request_json (MockServer *server,
              const char *path)
{
  const MockRequest *request = mock_server_find_request (server, "POST", path);
  g_autofree char *body = NULL;

  g_assert_nonnull (request);
  g_assert_cmpstr (mock_request_get_header (request, "Content-Type"), ==, "application/json");
  body = mock_request_dup_body_string (request);
  return cJSON_Parse (body);
}

static void
test_stream (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(TsTextRequest) request = mock_text_request ("llama3.2", "Why is the sky blue?");
  g_autoptr(TsTextResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) png = mock_png_new (4, 4);
  g_autofree char *png_base64 = mock_base64 (png);
  g_autofree char *joined = NULL;
  const char *stop[] = { "\n\n", NULL };
  TsMessage *message;
  cJSON *json;
  const cJSON *messages, *options, *images;
  MockRun run;

  mock_run_init (&run);
  request->system = g_strdup ("You are terse.");
  request->temperature = 0.7;
  request->top_p = 0.9;
  request->max_tokens = 256;
  request->seed = 42;
  request->stop = g_strdupv ((char **) stop);
  message = g_ptr_array_index (request->messages, 0);
  ts_message_add_image (message, png);

  result = mock_run_text (&run, fixture->provider, request, &error);
  g_assert_no_error (error);

  /* Exactly the streamed pieces, in order, and the same text in the result. */
  g_assert_cmpuint (run.chunks->len, ==, 7);
  g_assert_cmpstr (g_ptr_array_index (run.chunks, 0), ==, "The");
  g_assert_cmpstr (g_ptr_array_index (run.chunks, 5), ==, "ünïcödé");
  joined = mock_run_joined (&run);
  g_assert_cmpstr (joined, ==, "The sky is blue — ünïcödé ✓");
  g_assert_cmpstr (result->text, ==, joined);
  g_assert_cmpstr (result->finish_reason, ==, "stop");
  g_assert_cmpint (result->input_tokens, ==, 26);
  g_assert_cmpint (result->output_tokens, ==, 282);
  g_assert_cmpint (result->duration_ms, ==, 4883);
  g_assert_cmpfloat_with_epsilon (result->tokens_per_second, 282 / 4.535599, 0.001);
  g_assert_null (result->reasoning);

  json = request_json (fixture->server, "/api/chat");
  g_assert_cmpstr (cJSON_GetObjectItem (json, "model")->valuestring, ==, "llama3.2");
  g_assert_true (cJSON_IsTrue (cJSON_GetObjectItem (json, "stream")));
  messages = cJSON_GetObjectItem (json, "messages");
  g_assert_cmpint (cJSON_GetArraySize (messages), ==, 2);
  g_assert_cmpstr (cJSON_GetObjectItem (cJSON_GetArrayItem (messages, 0), "role")->valuestring, ==, "system");
  g_assert_cmpstr (cJSON_GetObjectItem (cJSON_GetArrayItem (messages, 0), "content")->valuestring, ==, "You are terse.");
  g_assert_cmpstr (cJSON_GetObjectItem (cJSON_GetArrayItem (messages, 1), "role")->valuestring, ==, "user");
  images = cJSON_GetObjectItem (cJSON_GetArrayItem (messages, 1), "images");
  g_assert_cmpstr (cJSON_GetArrayItem (images, 0)->valuestring, ==, png_base64);
  options = cJSON_GetObjectItem (json, "options");
  g_assert_cmpfloat (cJSON_GetObjectItem (options, "temperature")->valuedouble, ==, 0.7);
  g_assert_cmpfloat (cJSON_GetObjectItem (options, "top_p")->valuedouble, ==, 0.9);
  g_assert_cmpint (cJSON_GetObjectItem (options, "num_predict")->valueint, ==, 256);
  g_assert_cmpint (cJSON_GetObjectItem (options, "seed")->valueint, ==, 42);
  g_assert_cmpstr (cJSON_GetArrayItem (cJSON_GetObjectItem (options, "stop"), 0)->valuestring, ==, "\n\n");
  cJSON_Delete (json);

  mock_run_clear (&run);
}

static void
test_no_options (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(TsTextRequest) request = mock_text_request ("llama3.2", "Hi");
  g_autoptr(TsTextResult) result = NULL;
  g_autoptr(GError) error = NULL;
  cJSON *json;
  MockRun run;

  mock_run_init (&run);
  result = mock_run_text (&run, fixture->provider, request, &error);
  g_assert_no_error (error);

  /* Unset parameters are left to the server; no system message, no images. */
  json = request_json (fixture->server, "/api/chat");
  g_assert_null (cJSON_GetObjectItem (json, "options"));
  g_assert_cmpint (cJSON_GetArraySize (cJSON_GetObjectItem (json, "messages")), ==, 1);
  g_assert_null (cJSON_GetObjectItem (cJSON_GetArrayItem (cJSON_GetObjectItem (json, "messages"), 0), "images"));
  cJSON_Delete (json);

  mock_run_clear (&run);
}

static void
test_list_models (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) models = mock_run_list (fixture->provider, &error);
  TsModelInfo *info;

  g_assert_no_error (error);
  g_assert_cmpuint (models->len, ==, 4);

  info = g_ptr_array_index (models, 0);
  g_assert_cmpstr (info->id, ==, "llama3.2:latest");
  g_assert_cmpint (info->capabilities, ==, TS_MODEL_TEXT);
  info = g_ptr_array_index (models, 1);
  g_assert_cmpstr (info->id, ==, "llava:latest");
  g_assert_cmpint (info->capabilities, ==, TS_MODEL_TEXT | TS_MODEL_IMAGE_INPUT);
  info = g_ptr_array_index (models, 2);
  g_assert_cmpint (info->capabilities, ==, TS_MODEL_IMAGE_OUTPUT);
  /* No capabilities in /api/show: a text model. */
  info = g_ptr_array_index (models, 3);
  g_assert_cmpint (info->capabilities, ==, TS_MODEL_TEXT);

  /* /api/tags, then one /api/show per model. */
  g_assert_cmpuint (mock_server_get_n_requests (fixture->server), ==, 5);
}

static void
version_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static void
test_version (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *version = NULL;

  ts_ollama_provider_get_version_async (TS_OLLAMA_PROVIDER (fixture->provider), 500, NULL,
                                        version_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  version = ts_ollama_provider_get_version_finish (TS_OLLAMA_PROVIDER (fixture->provider), result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (version, ==, "0.12.6");
}

static void
test_errors (Fixture       *fixture,
             gconstpointer  data)
{
  const struct {
    const char *model;
    int         code;
    const char *message;
    guint       n_chunks;
  } cases[] = {
    { "missing", TS_PROVIDER_ERROR_NOT_FOUND, "model 'missing' is not pulled — run `ollama pull missing`", 0 },
    { "midstream-error", TS_PROVIDER_ERROR_SERVER, "CUDA error", 2 },
    { "disconnect", TS_PROVIDER_ERROR_SERVER, "broke off", 2 },
    { "no-done", TS_PROVIDER_ERROR_SERVER, "ended before it was complete", 2 },
    { "invalid-json", TS_PROVIDER_ERROR_PROTOCOL, "not JSON", 2 },
    { "wrong-type", TS_PROVIDER_ERROR_PROTOCOL, "text/html", 0 },
    { "busy", TS_PROVIDER_ERROR_RATE_LIMITED, "server busy", 0 },
    { "crash", TS_PROVIDER_ERROR_SERVER, "llama runner process has terminated", 0 },
    { "unauthorized", TS_PROVIDER_ERROR_AUTH, "HTTP 401", 0 },
    { "bad-request", TS_PROVIDER_ERROR_BAD_REQUEST, "num_predict must be a number", 0 },
    { "huge", TS_PROVIDER_ERROR_TOO_LARGE, "larger than 8 MiB", G_MAXUINT },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TsTextRequest) request = mock_text_request (cases[i].model, "Hi");
      g_autoptr(TsTextResult) result = NULL;
      g_autoptr(GError) error = NULL;
      MockRun run;

      mock_run_init (&run);
      result = mock_run_text (&run, fixture->provider, request, &error);
      g_test_message ("%s: %s", cases[i].model, error != NULL ? error->message : "no error");
      g_assert_null (result);
      g_assert_error (error, TS_PROVIDER_ERROR, cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].message));
      /* What streamed before the failure was delivered. */
      if (cases[i].n_chunks != G_MAXUINT)
        g_assert_cmpuint (run.chunks->len, ==, cases[i].n_chunks);
      mock_run_clear (&run);
    }
}

static void
test_unreachable (void)
{
  g_autoptr(TsProvider) provider = ts_ollama_provider_new ();
  g_autoptr(TsTextRequest) request = mock_text_request ("llama3.2", "Hi");
  g_autoptr(GError) error = NULL;
  g_autoptr(TsTextResult) result = NULL;
  guint16 port = mock_closed_port ();
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", port);
  g_autofree char *expected = g_strdup_printf ("Ollama is not running at 127.0.0.1:%u — start it with `ollama serve`", port);
  MockRun run;

  mock_run_init (&run);
  ts_provider_set_endpoint (provider, url);
  result = mock_run_text (&run, provider, request, &error);
  g_assert_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_UNREACHABLE);
  g_assert_cmpstr (error->message, ==, expected);
  mock_run_clear (&run);
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  const char *models[] = { "drip", "never" };

  for (guint i = 0; i < G_N_ELEMENTS (models); i++)
    {
      g_autoptr(TsTextRequest) request = mock_text_request (models[i], "Hi");
      g_autoptr(TsTextResult) result = NULL;
      g_autoptr(GError) error = NULL;
      MockRun run;

      mock_run_init (&run);
      if (i == 0)
        run.cancel_after = 3;
      else
        g_timeout_add_once (50, (GSourceOnceFunc) g_cancellable_cancel, run.cancellable);

      result = mock_run_text (&run, fixture->provider, request, &error);
      g_assert_null (result);
      g_assert_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_CANCELLED);
      g_assert_cmpuint (run.after_cancel, ==, 0);
      if (i == 0)
        {
          g_assert_cmpuint (run.chunks->len, ==, 3);
          g_assert_cmpint (run.finished_at - run.cancelled_at, <, 100 * 1000);
        }
      mock_run_clear (&run);
    }
}

static void
test_images (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(TsImageRequest) request = ts_image_request_new ("x/z-image-turbo", "a lighthouse at dusk");
  g_autoptr(TsImageResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint width, height;
  cJSON *json;
  MockRun run;

  mock_run_init (&run);
  request->width = 512;
  request->height = 256;
  request->steps = 9;
  request->seed = 7;
  request->count = 2;
  result = mock_run_image (&run, fixture->provider, request, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->images->len, ==, 2);
  g_assert_cmpint (g_array_index (result->seeds, gint64, 0), ==, 7);
  g_assert_cmpint (g_array_index (result->seeds, gint64, 1), ==, 8);
  g_assert_true (ts_png_validate (g_ptr_array_index (result->images, 1), &width, &height, NULL));
  g_assert_cmpuint (width, ==, 64);
  g_assert_cmpuint (height, ==, 48);

  /* Progress rises to the end over both images. */
  g_assert_cmpuint (run.progress->len, ==, 8);
  for (guint i = 1; i < run.progress->len; i++)
    g_assert_cmpfloat (g_array_index (run.progress, double, i), >, g_array_index (run.progress, double, i - 1));
  g_assert_cmpfloat (g_array_index (run.progress, double, 7), ==, 1.0);

  /* Width, height, steps and seed are top-level fields. */
  json = request_json (fixture->server, "/api/generate");
  g_assert_cmpint (cJSON_GetObjectItem (json, "width")->valueint, ==, 512);
  g_assert_cmpint (cJSON_GetObjectItem (json, "height")->valueint, ==, 256);
  g_assert_cmpint (cJSON_GetObjectItem (json, "steps")->valueint, ==, 9);
  g_assert_cmpint (cJSON_GetObjectItem (json, "seed")->valueint, ==, 8);
  g_assert_cmpstr (cJSON_GetObjectItem (json, "prompt")->valuestring, ==, "a lighthouse at dusk");
  cJSON_Delete (json);

  mock_run_clear (&run);
}

static void
test_bad_images (Fixture       *fixture,
                 gconstpointer  data)
{
  const char *models[] = { "not-png", "huge-png", "missing" };
  const int codes[] = { TS_PROVIDER_ERROR_PROTOCOL, TS_PROVIDER_ERROR_PROTOCOL, TS_PROVIDER_ERROR_NOT_FOUND };

  for (guint i = 0; i < G_N_ELEMENTS (models); i++)
    {
      g_autoptr(TsImageRequest) request = ts_image_request_new (models[i], "x");
      g_autoptr(TsImageResult) result = NULL;
      g_autoptr(GError) error = NULL;
      MockRun run;

      mock_run_init (&run);
      result = mock_run_image (&run, fixture->provider, request, &error);
      g_test_message ("%s: %s", models[i], error != NULL ? error->message : "no error");
      g_assert_null (result);
      g_assert_error (error, TS_PROVIDER_ERROR, codes[i]);
      mock_run_clear (&run);
    }
}

static void
test_host (void)
{
  const struct { const char *value; const char *url; } cases[] = {
    { "127.0.0.1:11435", "http://127.0.0.1:11435" },
    { "example.com", "http://example.com:11434" },
    { "0.0.0.0", "http://0.0.0.0:11434" },
    { "http://example.com", "http://example.com:80" },
    { "https://example.com", "https://example.com:443" },
    { "https://example.com:8443/ollama", "https://example.com:8443/ollama" },
    { "[::1]:9999", "http://[::1]:9999" },
    { ":7777", "http://127.0.0.1:7777" },
    { "  ", NULL },
  };
  g_autoptr(TsProvider) provider = ts_ollama_provider_new ();
  g_autofree char *from_env = NULL;
  g_autofree char *from_endpoint = NULL;
  g_autofree char *fallback = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *url = ts_ollama_parse_host (cases[i].value);

      g_assert_cmpstr (url, ==, cases[i].url);
    }

  g_setenv ("OLLAMA_HOST", "10.0.0.2:1234", TRUE);
  from_env = ts_ollama_provider_dup_base_url (TS_OLLAMA_PROVIDER (provider));
  ts_provider_set_endpoint (provider, "http://127.0.0.1:5555");
  from_endpoint = ts_ollama_provider_dup_base_url (TS_OLLAMA_PROVIDER (provider));
  g_unsetenv ("OLLAMA_HOST");
  ts_provider_set_endpoint (provider, NULL);
  fallback = ts_ollama_provider_dup_base_url (TS_OLLAMA_PROVIDER (provider));

  g_assert_cmpstr (from_env, ==, "http://10.0.0.2:1234");
  g_assert_cmpstr (from_endpoint, ==, "http://127.0.0.1:5555");
  g_assert_cmpstr (fallback, ==, TS_OLLAMA_DEFAULT_URL);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  mock_server_init_environment ();
  g_unsetenv ("OLLAMA_HOST");

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/ollama/stream", test_stream);
  ADD ("/ollama/no-options", test_no_options);
  ADD ("/ollama/list-models", test_list_models);
  ADD ("/ollama/version", test_version);
  ADD ("/ollama/errors", test_errors);
  ADD ("/ollama/cancel", test_cancel);
  ADD ("/ollama/images", test_images);
  ADD ("/ollama/bad-images", test_bad_images);
  g_test_add_func ("/ollama/unreachable", test_unreachable);
  g_test_add_func ("/ollama/host", test_host);

  return g_test_run ();
}
