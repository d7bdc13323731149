/* test-sdwebui.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <cJSON.h>
#include <string.h>

#include "mock-protocols.h"
#include "ts-block.h"
#include "ts-png.h"
#include "ts-sdwebui.h"

typedef struct
{
  MockSdwebui state;
  MockServer *server;
  TsProvider *provider;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_mutex_init (&fixture->state.mutex);
  fixture->state.no_api = GPOINTER_TO_INT (data);
  fixture->server = mock_server_new (mock_sdwebui_handler, &fixture->state);
  fixture->provider = ts_sdwebui_provider_new ();
  ts_provider_set_endpoint (fixture->provider, mock_server_get_url (fixture->server));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_assert_finalize_object (fixture->provider);
  mock_server_free (fixture->server);
  g_mutex_clear (&fixture->state.mutex);
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
  g_assert_cmpstr (info->id, ==, "v1-5-pruned-emaonly");
  g_assert_cmpstr (info->name, ==, "v1-5-pruned-emaonly.safetensors [6ce0161689]");
  g_assert_cmpint (info->capabilities, ==, TS_MODEL_IMAGE_OUTPUT);
}

static void
test_generate (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(TsImageRequest) request = ts_image_request_new ("v1-5-pruned-emaonly", "a lighthouse at dusk");
  g_autoptr(TsImageResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;
  guint width;
  cJSON *json;
  MockRun run;

  mock_run_init (&run);
  request->negative_prompt = g_strdup ("blurry");
  request->width = 512;
  request->height = 512;
  request->steps = 20;
  request->cfg_scale = 7;
  request->seed = TS_SEED_RANDOM;
  request->count = 2;
  result = mock_run_image (&run, fixture->provider, request, &error);
  g_assert_no_error (error);

  /* The grid image that came first is left out; seeds come from "info". */
  g_assert_cmpuint (result->images->len, ==, 2);
  g_assert_true (ts_png_validate (g_ptr_array_index (result->images, 0), &width, NULL, NULL));
  g_assert_cmpuint (width, ==, 64);
  g_assert_cmpint (g_array_index (result->seeds, gint64, 0), ==, 1234567);
  g_assert_cmpint (g_array_index (result->seeds, gint64, 1), ==, 1234568);

  /* Progress was polled while the call ran, and ends at 100 %. */
  g_assert_cmpuint (run.progress->len, >=, 2);
  for (guint i = 1; i < run.progress->len; i++)
    g_assert_cmpfloat (g_array_index (run.progress, double, i), >=, g_array_index (run.progress, double, i - 1));
  g_assert_cmpfloat (g_array_index (run.progress, double, run.progress->len - 1), ==, 1.0);
  g_assert_nonnull (mock_server_find_request (fixture->server, "GET", "/sdapi/v1/progress?skip_current_image=true"));

  body = mock_request_dup_body_string (mock_server_find_request (fixture->server, "POST", "/sdapi/v1/txt2img"));
  json = cJSON_Parse (body);
  g_assert_cmpstr (cJSON_GetObjectItem (json, "prompt")->valuestring, ==, "a lighthouse at dusk");
  g_assert_cmpstr (cJSON_GetObjectItem (json, "negative_prompt")->valuestring, ==, "blurry");
  g_assert_cmpint (cJSON_GetObjectItem (json, "steps")->valueint, ==, 20);
  g_assert_cmpfloat (cJSON_GetObjectItem (json, "cfg_scale")->valuedouble, ==, 7);
  g_assert_cmpint (cJSON_GetObjectItem (json, "width")->valueint, ==, 512);
  g_assert_cmpint (cJSON_GetObjectItem (json, "seed")->valueint, ==, -1);
  g_assert_cmpint (cJSON_GetObjectItem (json, "batch_size")->valueint, ==, 2);
  g_assert_cmpstr (cJSON_GetObjectItem (cJSON_GetObjectItem (json, "override_settings"), "sd_model_checkpoint")->valuestring,
                   ==, "v1-5-pruned-emaonly");
  cJSON_Delete (json);
  mock_run_clear (&run);
}

static void
test_seed (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(TsImageRequest) request = ts_image_request_new ("", "x");
  g_autoptr(TsImageResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;
  cJSON *json;
  MockRun run;

  mock_run_init (&run);
  request->seed = 42;
  result = mock_run_image (&run, fixture->provider, request, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->images->len, ==, 1);
  g_assert_cmpint (g_array_index (result->seeds, gint64, 0), ==, 42);

  /* No model: the WebUI's current checkpoint, no override. */
  body = mock_request_dup_body_string (mock_server_find_request (fixture->server, "POST", "/sdapi/v1/txt2img"));
  json = cJSON_Parse (body);
  g_assert_null (cJSON_GetObjectItem (json, "override_settings"));
  g_assert_null (cJSON_GetObjectItem (json, "steps"));
  cJSON_Delete (json);
  mock_run_clear (&run);
}

static void
test_errors (Fixture       *fixture,
             gconstpointer  data)
{
  const struct { const char *prompt; int code; const char *message; } cases[] = {
    { "invalid-steps", TS_PROVIDER_ERROR_BAD_REQUEST, "steps: value is not a valid integer" },
    { "oom", TS_PROVIDER_ERROR_SERVER, "OutOfMemoryError" },
    { "auth", TS_PROVIDER_ERROR_AUTH, "Incorrect credentials" },
    { "not-png", TS_PROVIDER_ERROR_PROTOCOL, "not a PNG" },
    { "huge-png", TS_PROVIDER_ERROR_PROTOCOL, "100000" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TsImageRequest) request = ts_image_request_new ("", cases[i].prompt);
      g_autoptr(TsImageResult) result = NULL;
      g_autoptr(GError) error = NULL;
      MockRun run;

      mock_run_init (&run);
      result = mock_run_image (&run, fixture->provider, request, &error);
      g_test_message ("%s: %s", cases[i].prompt, error != NULL ? error->message : "no error");
      g_assert_null (result);
      g_assert_error (error, TS_PROVIDER_ERROR, cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].message));
      mock_run_clear (&run);
    }
}

static void
test_no_api (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) models = mock_run_list (fixture->provider, &error);

  g_assert_null (models);
  g_assert_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_UNREACHABLE);
  g_assert_nonnull (strstr (error->message, "restart it with `--api`"));
}

static gboolean
wake_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(TsImageRequest) request = ts_image_request_new ("", "slow");
  g_autoptr(TsImageResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 deadline;
  guint wake_id;
  MockRun run;

  mock_run_init (&run);
  run.cancel_after = 1;
  result = mock_run_image (&run, fixture->provider, request, &error);
  g_assert_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_CANCELLED);
  g_assert_cmpuint (run.after_cancel, ==, 0);
  g_assert_cmpint (run.finished_at - run.cancelled_at, <, 100 * 1000);

  /* The WebUI is told to stop the job: the request goes out from the main loop, and the
   * mock records it on its own thread, so the loop wakes now and then to look. */
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  wake_id = g_timeout_add (20, wake_cb, NULL);
  while (mock_server_find_request (fixture->server, "POST", "/sdapi/v1/interrupt") == NULL &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake_id);
  g_assert_nonnull (mock_server_find_request (fixture->server, "POST", "/sdapi/v1/interrupt"));
  mock_run_clear (&run);
}

static void
test_unreachable (void)
{
  g_autoptr(TsProvider) provider = ts_sdwebui_provider_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) models = NULL;
  guint16 port = mock_closed_port ();
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", port);
  g_autofree char *expected = g_strdup_printf ("Stable Diffusion WebUI is not running at 127.0.0.1:%u — "
                                               "start it with `./webui.sh --api`", port);

  ts_provider_set_endpoint (provider, url);
  models = mock_run_list (provider, &error);
  g_assert_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_UNREACHABLE);
  g_assert_cmpstr (error->message, ==, expected);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  mock_server_init_environment ();

#define ADD(path, no_api, func) \
  g_test_add (path, Fixture, GINT_TO_POINTER (no_api), fixture_set_up, func, fixture_tear_down)

  ADD ("/sdwebui/list-models", FALSE, test_list_models);
  ADD ("/sdwebui/generate", FALSE, test_generate);
  ADD ("/sdwebui/seed", FALSE, test_seed);
  ADD ("/sdwebui/errors", FALSE, test_errors);
  ADD ("/sdwebui/no-api", TRUE, test_no_api);
  ADD ("/sdwebui/cancel", FALSE, test_cancel);
  g_test_add_func ("/sdwebui/unreachable", test_unreachable);

  return g_test_run ();
}
