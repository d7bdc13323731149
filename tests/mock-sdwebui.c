/* mock-sdwebui.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <cJSON.h>
#include <string.h>

#include "mock-protocols.h"

/* AUTOMATIC1111's API as protocols.md §4 shows it. txt2img blocks for about a second
 * while /sdapi/v1/progress reports the fraction done; /sdapi/v1/interrupt ends it early.
 * With a batch larger than one, a grid image comes first. The prompt picks the case:
 *
 *   anything else   a batch of 64 × 64 PNGs with seeds in "info"
 *   slow            runs for ten seconds unless interrupted
 *   invalid-steps   422 with FastAPI's detail list
 *   oom             500 with the WebUI's error object
 *   auth            401, as a WebUI started with --api-auth answers without credentials
 *   not-png         an image that is not a PNG      huge-png   a 100,000 px square PNG header
 *
 * Pass a MockSdwebui as the handler's data; with no_api set, every /sdapi path answers
 * 404, as a WebUI started without --api does. */

#define RUN_MS 1100

static gint64
elapsed_ms (MockSdwebui *state)
{
  return (g_get_monotonic_time () - state->started) / 1000;
}

static MockAction
txt2img (MockConn          *conn,
         const MockRequest *request,
         MockSdwebui       *state)
{
  g_autofree char *body = mock_request_dup_body_string (request);
  g_autoptr(GString) answer = g_string_new ("{\"images\":[");
  cJSON *json = cJSON_Parse (body);
  const char *prompt = cJSON_GetStringValue (cJSON_GetObjectItem (json, "prompt"));
  int batch = cJSON_GetObjectItem (json, "batch_size") != NULL ?
              cJSON_GetObjectItem (json, "batch_size")->valueint : 1;
  double seed = cJSON_GetObjectItem (json, "seed") != NULL ?
                cJSON_GetObjectItem (json, "seed")->valuedouble : -1;
  g_autofree char *case_name = g_strdup (prompt != NULL ? prompt : "");
  guint run_ms = g_str_equal (case_name, "slow") ? 10000 : RUN_MS;
  gint64 first_seed = seed < 0 ? 1234567 : (gint64) seed;

  cJSON_Delete (json);

  if (g_str_equal (case_name, "invalid-steps"))
    {
      mock_conn_respond (conn, 422, "application/json",
                         "{\"detail\":[{\"loc\":[\"body\",\"steps\"],\"msg\":\"value is not a valid integer\","
                         "\"type\":\"type_error.integer\"}]}", -1);
      return MOCK_KEEP_OPEN;
    }
  if (g_str_equal (case_name, "auth"))
    {
      mock_conn_respond (conn, 401, "application/json", "{\"detail\":\"Incorrect credentials\"}", -1);
      return MOCK_KEEP_OPEN;
    }
  if (g_str_equal (case_name, "oom"))
    {
      mock_conn_respond (conn, 500, "application/json",
                         "{\"error\":\"OutOfMemoryError\",\"detail\":\"\",\"body\":\"\","
                         "\"errors\":\"CUDA out of memory. Tried to allocate 2.00 GiB\"}", -1);
      return MOCK_KEEP_OPEN;
    }

  g_mutex_lock (&state->mutex);
  state->started = g_get_monotonic_time ();
  state->running = TRUE;
  state->interrupted = FALSE;
  g_mutex_unlock (&state->mutex);

  for (guint waited = 0; waited < run_ms; waited += 50)
    {
      gboolean interrupted;

      g_mutex_lock (&state->mutex);
      interrupted = state->interrupted;
      g_mutex_unlock (&state->mutex);
      if (interrupted || !mock_conn_sleep (conn, 50))
        break;
    }

  g_mutex_lock (&state->mutex);
  state->running = FALSE;
  g_mutex_unlock (&state->mutex);

  for (int i = 0; i < batch + (batch > 1 ? 1 : 0); i++)
    {
      g_autoptr(GBytes) png = NULL;
      g_autofree char *base64 = NULL;

      if (g_str_equal (case_name, "not-png"))
        png = g_bytes_new_static ("BM not a png", 12);
      else if (g_str_equal (case_name, "huge-png"))
        png = mock_png_huge ();
      else
        png = mock_png_new (batch > 1 && i == 0 ? 128 : 64, 64);
      base64 = mock_base64 (png);
      g_string_append_printf (answer, "%s\"%s\"", i > 0 ? "," : "", base64);
    }

  /* "info" is JSON inside a string. */
  g_string_append_printf (answer, "],\"parameters\":{\"prompt\":\"%s\"},\"info\":\"{\\\"seed\\\": %"
                          G_GINT64_FORMAT ", \\\"all_seeds\\\": [", case_name, first_seed);
  for (int i = 0; i < batch; i++)
    g_string_append_printf (answer, "%s%" G_GINT64_FORMAT, i > 0 ? ", " : "", first_seed + i);
  g_string_append (answer, "], \\\"infotexts\\\": [\\\"a lighthouse\\\\nSteps: 20\\\"]}\"}");

  mock_conn_respond (conn, 200, "application/json", answer->str, answer->len);
  return MOCK_KEEP_OPEN;
}

MockAction
mock_sdwebui_handler (MockConn          *conn,
                      const MockRequest *request,
                      gpointer           user_data)
{
  MockSdwebui *state = user_data;

  if (g_str_has_prefix (request->path, "/sdapi/") && state->no_api)
    {
      mock_conn_respond (conn, 404, "application/json", "{\"detail\":\"Not Found\"}", -1);
      return MOCK_KEEP_OPEN;
    }

  if (g_str_equal (request->path, "/sdapi/v1/sd-models"))
    {
      mock_conn_respond (conn, 200, "application/json",
                         "[{\"title\":\"v1-5-pruned-emaonly.safetensors [6ce0161689]\","
                         "\"model_name\":\"v1-5-pruned-emaonly\",\"hash\":\"6ce0161689\","
                         "\"sha256\":\"6ce0161689b3853acaa03779ec93eafe75a02f4ced659bee03f50797806fa2fa\","
                         "\"filename\":\"/models/v1-5-pruned-emaonly.safetensors\",\"config\":null},"
                         "{\"title\":\"sd_xl_base_1.0.safetensors [31e35c80fc]\","
                         "\"model_name\":\"sd_xl_base_1.0\",\"hash\":\"31e35c80fc\",\"config\":null}]", -1);
      return MOCK_KEEP_OPEN;
    }

  if (g_str_has_prefix (request->path, "/sdapi/v1/progress"))
    {
      g_autofree char *body = NULL;
      double progress = 0;

      g_mutex_lock (&state->mutex);
      if (state->running)
        progress = MIN (elapsed_ms (state) / (double) RUN_MS, 0.99);
      g_mutex_unlock (&state->mutex);

      body = g_strdup_printf ("{\"progress\":%.3f,\"eta_relative\":1.5,\"state\":{\"interrupted\":false,"
                              "\"job_count\":1,\"sampling_step\":9,\"sampling_steps\":20},"
                              "\"current_image\":null,\"textinfo\":null}", progress);
      mock_conn_respond (conn, 200, "application/json", body, -1);
      return MOCK_KEEP_OPEN;
    }

  if (g_str_equal (request->method, "POST") && g_str_equal (request->path, "/sdapi/v1/interrupt"))
    {
      g_mutex_lock (&state->mutex);
      state->interrupted = TRUE;
      g_mutex_unlock (&state->mutex);
      mock_conn_respond (conn, 200, "application/json", "{}", -1);
      return MOCK_KEEP_OPEN;
    }

  if (g_str_equal (request->method, "POST") && g_str_equal (request->path, "/sdapi/v1/txt2img"))
    return txt2img (conn, request, state);

  mock_conn_respond (conn, 404, "application/json", "{\"detail\":\"Not Found\"}", -1);
  return MOCK_KEEP_OPEN;
}
