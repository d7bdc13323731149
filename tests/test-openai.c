/* test-openai.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <cJSON.h>
#include <string.h>

#include "mock-protocols.h"
#include "ts-block.h"
#include "ts-openai.h"
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
  fixture->server = mock_server_new (mock_openai_handler, NULL);
  fixture->provider = ts_openai_provider_new ();
  /* No path: the provider adds /v1. */
  ts_provider_set_endpoint (fixture->provider, mock_server_get_url (fixture->server));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_assert_finalize_object (fixture->provider);
  mock_server_free (fixture->server);
}

static TsTextResult *
run_text (Fixture     *fixture,
          const char  *model,
          MockRun     *run,
          GError     **error)
{
  g_autoptr(TsTextRequest) request = mock_text_request (model, "Tell me a story");

  mock_run_init (run);
  return mock_run_text (run, fixture->provider, request, error);
}

static void
test_stream (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(TsTextRequest) request = mock_text_request ("stories260K", "Tell me a story");
  g_autoptr(TsTextResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) png = mock_png_new (2, 2);
  g_autofree char *png_base64 = mock_base64 (png);
  g_autofree char *data_url = g_strconcat ("data:image/png;base64,", png_base64, NULL);
  g_autofree char *joined = NULL;
  g_autofree char *body = NULL;
  const MockRequest *seen;
  const char *stop[] = { "\n\n", NULL };
  cJSON *json;
  const cJSON *messages, *content;
  MockRun run;

  mock_run_init (&run);
  request->system = g_strdup ("You are terse.");
  request->max_tokens = 256;
  request->temperature = 0.7;
  request->top_p = 0.9;
  request->seed = 42;
  request->stop = g_strdupv ((char **) stop);
  ts_message_add_image (g_ptr_array_index (request->messages, 0), png);
  ts_text_request_add_message (request, ts_message_new (TS_CHAT_ROLE_ASSISTANT, "Which kind?"));
  ts_text_request_add_message (request, ts_message_new (TS_CHAT_ROLE_USER, "A fox story"));

  result = mock_run_text (&run, fixture->provider, request, &error);
  g_assert_no_error (error);

  /* The empty role delta is not a chunk; the rest come in order. */
  g_assert_cmpuint (run.chunks->len, ==, 6);
  g_assert_cmpstr (g_ptr_array_index (run.chunks, 0), ==, "Once");
  g_assert_cmpstr (g_ptr_array_index (run.chunks, 5), ==, "cödé ✓");
  joined = mock_run_joined (&run);
  g_assert_cmpstr (joined, ==, "Once upon a time, a fox — ünïcödé ✓");
  g_assert_cmpstr (result->text, ==, joined);
  g_assert_cmpstr (result->finish_reason, ==, "stop");
  g_assert_cmpint (result->input_tokens, ==, 12);
  g_assert_cmpint (result->output_tokens, ==, 57);

  seen = mock_server_find_request (fixture->server, "POST", "/v1/chat/completions");
  g_assert_nonnull (seen);
  g_assert_null (mock_request_get_header (seen, "Authorization"));
  g_assert_cmpstr (mock_request_get_header (seen, "Content-Type"), ==, "application/json");
  body = mock_request_dup_body_string (seen);
  json = cJSON_Parse (body);
  g_assert_true (cJSON_IsTrue (cJSON_GetObjectItem (json, "stream")));
  g_assert_true (cJSON_IsTrue (cJSON_GetObjectItem (cJSON_GetObjectItem (json, "stream_options"), "include_usage")));
  g_assert_cmpint (cJSON_GetObjectItem (json, "max_tokens")->valueint, ==, 256);
  g_assert_cmpfloat (cJSON_GetObjectItem (json, "temperature")->valuedouble, ==, 0.7);
  g_assert_cmpfloat (cJSON_GetObjectItem (json, "top_p")->valuedouble, ==, 0.9);
  g_assert_cmpint (cJSON_GetObjectItem (json, "seed")->valueint, ==, 42);
  g_assert_cmpstr (cJSON_GetArrayItem (cJSON_GetObjectItem (json, "stop"), 0)->valuestring, ==, "\n\n");
  messages = cJSON_GetObjectItem (json, "messages");
  g_assert_cmpint (cJSON_GetArraySize (messages), ==, 4);
  g_assert_cmpstr (cJSON_GetObjectItem (cJSON_GetArrayItem (messages, 0), "role")->valuestring, ==, "system");
  content = cJSON_GetObjectItem (cJSON_GetArrayItem (messages, 1), "content");
  g_assert_true (cJSON_IsArray (content));
  g_assert_cmpstr (cJSON_GetObjectItem (cJSON_GetArrayItem (content, 0), "type")->valuestring, ==, "text");
  g_assert_cmpstr (cJSON_GetObjectItem (cJSON_GetArrayItem (content, 0), "text")->valuestring, ==, "Tell me a story");
  g_assert_cmpstr (cJSON_GetObjectItem (cJSON_GetArrayItem (content, 1), "type")->valuestring, ==, "image_url");
  g_assert_cmpstr (cJSON_GetObjectItem (cJSON_GetObjectItem (cJSON_GetArrayItem (content, 1), "image_url"), "url")->valuestring,
                   ==, data_url);
  g_assert_cmpstr (cJSON_GetObjectItem (cJSON_GetArrayItem (messages, 2), "role")->valuestring, ==, "assistant");
  g_assert_true (cJSON_IsString (cJSON_GetObjectItem (cJSON_GetArrayItem (messages, 3), "content")));
  cJSON_Delete (json);

  mock_run_clear (&run);
}

static void
test_variants (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TsTextResult) timings = NULL;
  g_autoptr(TsTextResult) reasoning = NULL;
  g_autoptr(TsTextResult) finish_only = NULL;
  g_autoptr(TsTextResult) whole = NULL;
  MockRun run;

  timings = run_text (fixture, "timings", &run, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (timings->finish_reason, ==, "length");
  g_assert_cmpint (timings->input_tokens, ==, 12);
  g_assert_cmpint (timings->output_tokens, ==, 57);
  g_assert_cmpint (timings->duration_ms, ==, 520);
  g_assert_cmpfloat (timings->tokens_per_second, ==, 113.9);
  mock_run_clear (&run);

  /* Reasoning is kept apart and never streamed as answer text. */
  reasoning = run_text (fixture, "reasoning", &run, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (reasoning->reasoning, ==, "The user wants a story.");
  g_assert_true (g_str_has_prefix (reasoning->text, "Once upon"));
  g_assert_cmpstr (g_ptr_array_index (run.chunks, 0), ==, "Once");
  mock_run_clear (&run);

  finish_only = run_text (fixture, "finish-no-done", &run, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (finish_only->finish_reason, ==, "stop");
  mock_run_clear (&run);

  whole = run_text (fixture, "not-streaming", &run, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (whole->text, ==, "Once upon a time");
  g_assert_cmpstr (whole->finish_reason, ==, "length");
  g_assert_cmpint (whole->output_tokens, ==, 4);
  g_assert_cmpuint (run.chunks->len, ==, 1);
  mock_run_clear (&run);
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
    { "missing", TS_PROVIDER_ERROR_NOT_FOUND, "model 'missing' is not available", 0 },
    { "string-error", TS_PROVIDER_ERROR_BAD_REQUEST, "bad things were asked", 0 },
    { "busy", TS_PROVIDER_ERROR_RATE_LIMITED, "too many requests", 0 },
    { "crash", TS_PROVIDER_ERROR_SERVER, "failed to decode", 0 },
    { "loading", TS_PROVIDER_ERROR_SERVER, "still loading", 0 },
    { "wrong-type", TS_PROVIDER_ERROR_PROTOCOL, "text/html", 0 },
    { "midstream-error", TS_PROVIDER_ERROR_SERVER, "the model crashed", 2 },
    { "disconnect", TS_PROVIDER_ERROR_SERVER, "broke off", 2 },
    { "no-done", TS_PROVIDER_ERROR_SERVER, "ended before it was complete", 2 },
    { "invalid-json", TS_PROVIDER_ERROR_PROTOCOL, "not valid JSON", 2 },
    { "needs-key", TS_PROVIDER_ERROR_AUTH, "OPENAI_API_KEY", 0 },
    { "huge", TS_PROVIDER_ERROR_TOO_LARGE, "larger than 8 MiB", G_MAXUINT },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TsTextResult) result = NULL;
      g_autoptr(GError) error = NULL;
      MockRun run;

      result = run_text (fixture, cases[i].model, &run, &error);
      g_test_message ("%s: %s", cases[i].model, error != NULL ? error->message : "no error");
      g_assert_null (result);
      g_assert_error (error, TS_PROVIDER_ERROR, cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].message));
      if (cases[i].n_chunks != G_MAXUINT)
        g_assert_cmpuint (run.chunks->len, ==, cases[i].n_chunks);
      mock_run_clear (&run);
    }
}

static void
test_api_key (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *base = g_strconcat (mock_server_get_url (fixture->server), "/v1", NULL);
  g_autoptr(TsTextResult) result = NULL;
  g_autoptr(GError) error = NULL;
  MockRun run;

  /* OPENAI_API_KEY belongs to OPENAI_BASE_URL: another endpoint never gets it. */
  g_setenv ("OPENAI_API_KEY", "sk-test-EXAMPLE", TRUE);
  g_setenv ("OPENAI_BASE_URL", "http://127.0.0.1:9/v1", TRUE);   /* another server: never contacted */
  result = run_text (fixture, "needs-key", &run, &error);
  g_assert_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_AUTH);
  g_assert_null (strstr (error->message, "sk-test"));
  g_assert_null (mock_request_get_header (mock_server_find_request (fixture->server, "POST", "/v1/chat"),
                                          "Authorization"));
  g_clear_error (&error);
  mock_run_clear (&run);

  /* With the endpoint from OPENAI_BASE_URL, the key goes along. */
  g_setenv ("OPENAI_BASE_URL", base, TRUE);
  ts_provider_set_endpoint (fixture->provider, NULL);
  result = run_text (fixture, "needs-key", &run, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_clear_pointer (&result, ts_text_result_free);
  mock_run_clear (&run);
  g_unsetenv ("OPENAI_API_KEY");
  g_unsetenv ("OPENAI_BASE_URL");

  /* A key set for this endpoint. */
  ts_provider_set_endpoint (fixture->provider, base);
  ts_openai_provider_set_api_key (TS_OPENAI_PROVIDER (fixture->provider), base, "sk-test-EXAMPLE");
  result = run_text (fixture, "needs-key", &run, &error);
  g_assert_no_error (error);
  g_clear_pointer (&result, ts_text_result_free);
  mock_run_clear (&run);

  /* The same key is not sent once the endpoint changes to another server. */
  ts_provider_set_endpoint (fixture->provider, "http://localhost:1/v1");
  g_assert_cmpstr (ts_openai_server_name_for_url ("http://localhost:1/v1"), ==, "OpenAI-compatible server");
}

static void
test_list_models (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) models = mock_run_list (fixture->provider, &error);
  TsModelInfo *info;

  g_assert_no_error (error);
  g_assert_cmpuint (models->len, ==, 2);
  info = g_ptr_array_index (models, 0);
  g_assert_cmpstr (info->id, ==, "stories260K");
  g_assert_cmpint (info->capabilities, ==, TS_MODEL_TEXT);
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(TsTextRequest) request = mock_text_request ("drip", "Hi");
  g_autoptr(TsTextResult) result = NULL;
  g_autoptr(GError) error = NULL;
  MockRun run;

  mock_run_init (&run);
  run.cancel_after = 2;
  result = mock_run_text (&run, fixture->provider, request, &error);
  g_assert_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_CANCELLED);
  g_assert_cmpuint (run.chunks->len, ==, 2);
  g_assert_cmpuint (run.after_cancel, ==, 0);
  g_assert_cmpint (run.finished_at - run.cancelled_at, <, 100 * 1000);
  mock_run_clear (&run);
}

static void
test_images (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(TsImageRequest) request = ts_image_request_new ("image-model", "a lighthouse at dusk");
  g_autoptr(TsImageResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;
  cJSON *json;
  guint width;
  MockRun run;

  mock_run_init (&run);
  request->width = 512;
  request->height = 768;
  request->count = 3;
  result = mock_run_image (&run, fixture->provider, request, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->images->len, ==, 3);
  g_assert_true (ts_png_validate (g_ptr_array_index (result->images, 2), &width, NULL, NULL));
  g_assert_cmpuint (width, ==, 34);
  g_assert_cmpint (g_array_index (result->seeds, gint64, 0), ==, TS_SEED_RANDOM);

  body = mock_request_dup_body_string (mock_server_find_request (fixture->server, "POST", "/v1/images/generations"));
  json = cJSON_Parse (body);
  g_assert_cmpstr (cJSON_GetObjectItem (json, "size")->valuestring, ==, "512x768");
  g_assert_cmpstr (cJSON_GetObjectItem (json, "response_format")->valuestring, ==, "b64_json");
  g_assert_cmpint (cJSON_GetObjectItem (json, "n")->valueint, ==, 3);
  cJSON_Delete (json);
  mock_run_clear (&run);
}

static void
test_linked_images (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(TsImageRequest) request = ts_image_request_new ("url-image", "x");
  g_autoptr(TsImageResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint width;
  MockRun run;

  /* Links to the same server are fetched, in order. */
  mock_run_init (&run);
  request->count = 2;
  result = mock_run_image (&run, fixture->provider, request, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->images->len, ==, 2);
  g_assert_true (ts_png_validate (g_ptr_array_index (result->images, 0), &width, NULL, NULL));
  g_assert_cmpuint (width, ==, 16);
  g_assert_true (ts_png_validate (g_ptr_array_index (result->images, 1), &width, NULL, NULL));
  g_assert_cmpuint (width, ==, 17);
  g_assert_nonnull (mock_server_find_request (fixture->server, "GET", "/files/image-1.png"));
  mock_run_clear (&run);
}

static void
test_bad_images (Fixture       *fixture,
                 gconstpointer  data)
{
  const char *models[] = { "not-png", "huge-png", "foreign-url-image", "missing" };
  const int codes[] = { TS_PROVIDER_ERROR_PROTOCOL, TS_PROVIDER_ERROR_PROTOCOL,
                        TS_PROVIDER_ERROR_PROTOCOL, TS_PROVIDER_ERROR_NOT_FOUND };

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
test_unreachable (void)
{
  g_autoptr(TsProvider) provider = ts_openai_provider_new ();
  g_autoptr(TsTextRequest) request = mock_text_request ("stories260K", "Hi");
  g_autoptr(TsTextResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint16 port = mock_closed_port ();
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", port);
  g_autofree char *expected = g_strdup_printf ("OpenAI-compatible server is not reachable at 127.0.0.1:%u: "
                                               "could not connect to 127.0.0.1:%u", port, port);
  MockRun run;

  ts_provider_set_endpoint (provider, url);
  mock_run_init (&run);
  result = mock_run_text (&run, provider, request, &error);
  g_assert_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_UNREACHABLE);
  g_assert_true (g_str_has_prefix (error->message, expected));
  mock_run_clear (&run);

  /* On the usual ports, the message says how to start the usual server. */
  g_assert_cmpstr (ts_openai_server_name_for_url ("http://127.0.0.1:1234/v1"), ==, "LM Studio");
}

static void
test_base_url (void)
{
  g_autoptr(TsProvider) provider = ts_openai_provider_new ();
  const struct { const char *in; const char *out; } cases[] = {
    { "http://127.0.0.1:1234", "http://127.0.0.1:1234/v1" },
    { "http://127.0.0.1:1234/", "http://127.0.0.1:1234/v1" },
    { "http://127.0.0.1:8000/v1/", "http://127.0.0.1:8000/v1" },
    { "http://127.0.0.1:11434/v1", "http://127.0.0.1:11434/v1" },
    { "https://example.com/openai/v1", "https://example.com/openai/v1" },
  };
  g_autofree char *fallback = NULL;
  g_autofree char *from_env = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *url = ts_openai_normalize_base_url (cases[i].in);

      g_assert_cmpstr (url, ==, cases[i].out);
    }

  fallback = ts_openai_provider_dup_base_url (TS_OPENAI_PROVIDER (provider));
  g_assert_cmpstr (fallback, ==, TS_OPENAI_DEFAULT_URL);
  g_setenv ("OPENAI_BASE_URL", "http://10.1.1.1:9000/v1", TRUE);
  from_env = ts_openai_provider_dup_base_url (TS_OPENAI_PROVIDER (provider));
  g_unsetenv ("OPENAI_BASE_URL");
  g_assert_cmpstr (from_env, ==, "http://10.1.1.1:9000/v1");

  g_assert_cmpstr (ts_openai_server_name_for_url ("http://127.0.0.1:1234/v1"), ==, "LM Studio");
  g_assert_cmpstr (ts_openai_server_name_for_url ("http://127.0.0.1:8080/v1"), ==, "llama.cpp's llama-server");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  mock_server_init_environment ();
  g_unsetenv ("OPENAI_API_KEY");
  g_unsetenv ("OPENAI_BASE_URL");

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/openai/stream", test_stream);
  ADD ("/openai/variants", test_variants);
  ADD ("/openai/errors", test_errors);
  ADD ("/openai/api-key", test_api_key);
  ADD ("/openai/list-models", test_list_models);
  ADD ("/openai/cancel", test_cancel);
  ADD ("/openai/images", test_images);
  ADD ("/openai/linked-images", test_linked_images);
  ADD ("/openai/bad-images", test_bad_images);
  g_test_add_func ("/openai/base-url", test_base_url);
  g_test_add_func ("/openai/unreachable", test_unreachable);

  return g_test_run ();
}
