/* ts-ollama-image.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ts-block.h"
#include "ts-ndjson.h"
#include "ts-ollama-private.h"
#include "ts-provider-common.h"

/* Images (experimental in Ollama, protocols.md §2): one /api/generate per image,
 * streamed as NDJSON with its progress, consecutive seeds for a batch. */

typedef struct
{
  TsOllamaProvider *self;
  TsImageRequest   *request;
  TsProgressFunc    progress_func;
  gpointer          progress_data;
  TsImageResult    *result;
  TsNdjsonParser   *parser;
  GBytes           *image;
  char             *url;
  guint             index;
} ImageJob;

static void
image_job_free (gpointer data)
{
  ImageJob *job = data;

  g_clear_object (&job->self);
  ts_image_request_unref (job->request);
  g_clear_pointer (&job->result, ts_image_result_free);
  g_clear_pointer (&job->parser, ts_ndjson_parser_free);
  g_clear_pointer (&job->image, g_bytes_unref);
  g_free (job->url);
  g_free (job);
}

static gint64
image_seed (ImageJob *job)
{
  /* Each image of a batch gets the next seed, so a batch is reproducible. */
  if (job->request->seed == TS_SEED_RANDOM)
    return TS_SEED_RANDOM;
  return job->request->seed + job->index;
}

static gboolean
image_line_cb (cJSON    *line,
               gpointer  user_data,
               GError  **error)
{
  GTask *task = user_data;
  ImageJob *job = g_task_get_task_data (task);
  gint64 completed = ts_json_get_int (line, "completed", -1);
  gint64 total = ts_json_get_int (line, "total", -1);
  const char *image;

  if (_ts_ollama_stream_error (line, job->request->model, error))
    return FALSE;

  if (completed >= 0 && total > 0 && job->progress_func != NULL &&
      !g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      double per_image = CLAMP ((double) completed / (double) total, 0.0, 1.0);

      job->progress_func ((job->index + per_image) / (double) job->request->count, job->progress_data);
    }

  image = ts_json_get_string (line, "image");
  if (image != NULL && cJSON_IsTrue (cJSON_GetObjectItemCaseSensitive (line, "done")))
    {
      job->image = ts_provider_decode_png (image, TS_OLLAMA_SERVER_NAME, error);
      return job->image != NULL;
    }

  return TRUE;
}

static gboolean
image_data_cb (TsHttpResponse  *response,
               const guint8    *data,
               gsize            length,
               gpointer         user_data,
               GError         **error)
{
  GTask *task = user_data;
  ImageJob *job = g_task_get_task_data (task);

  if (job->parser == NULL)
    {
      if (!ts_http_response_has_content_type (response, "application/x-ndjson"))
        {
          g_set_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_PROTOCOL,
                       "Ollama streamed %s instead of application/x-ndjson",
                       ts_http_response_get_content_type (response) ?: "no content type");
          return FALSE;
        }
      job->parser = ts_ndjson_parser_new (TS_HTTP_MAX_IMAGE_RESPONSE, image_line_cb, task);
      ts_ndjson_parser_set_source (job->parser, TS_OLLAMA_SERVER_NAME);
    }

  return ts_ndjson_parser_feed (job->parser, (const char *) data, length, error);
}

static void send_image_request (GTask *task);

static void
image_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ImageJob *job = g_task_get_task_data (task);
  g_autoptr(TsHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;

  response = ts_provider_receive (object, result, _ts_ollama_call_error, job->url,
                                  job->request->model, &error);
  if (response == NULL ||
      (job->parser != NULL && !ts_ndjson_parser_finish (job->parser, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (job->image == NULL)
    {
      g_task_return_new_error (task, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_PROTOCOL,
                               "Ollama finished without an image — is '%s' an image model?",
                               job->request->model);
      return;
    }

  ts_image_result_add (job->result, job->image, image_seed (job));
  g_clear_pointer (&job->image, g_bytes_unref);
  g_clear_pointer (&job->parser, ts_ndjson_parser_free);

  if (++job->index < job->request->count)
    {
      send_image_request (g_steal_pointer (&task));
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&job->result), (GDestroyNotify) ts_image_result_free);
}

static void
send_image_request (GTask *task)
{
  ImageJob *job = g_task_get_task_data (task);
  TsImageRequest *request = job->request;
  g_autoptr(TsHttpRequest) http = _ts_ollama_new_request (job->self, "POST", "/api/generate");
  g_autoptr(cJSON) body = cJSON_CreateObject ();
  gint64 seed = image_seed (job);

  cJSON_AddStringToObject (body, "model", request->model);
  cJSON_AddStringToObject (body, "prompt", request->prompt);
  cJSON_AddNumberToObject (body, "width", (double) request->width);
  cJSON_AddNumberToObject (body, "height", (double) request->height);
  if (request->steps != TS_UNSET_INT)
    cJSON_AddNumberToObject (body, "steps", (double) request->steps);
  if (seed != TS_SEED_RANDOM)
    cJSON_AddNumberToObject (body, "seed", (double) seed);
  cJSON_AddBoolToObject (body, "stream", TRUE);

  g_free (job->url);
  job->url = g_strdup (ts_http_request_get_url (http));
  ts_http_request_take_json_body (http, ts_json_print (body));
  ts_http_request_set_idle_timeout (http, TS_OLLAMA_GENERATE_IDLE_TIMEOUT);
  ts_http_request_set_max_response_size (http, TS_HTTP_MAX_IMAGE_RESPONSE);
  ts_http_client_send_async (ts_http_client_ensure (&job->self->client), http, image_data_cb, task, NULL,
                             g_task_get_cancellable (task), image_cb, task);
}

void
_ts_ollama_provider_generate_image_async (TsProvider          *provider,
                                          TsImageRequest      *request,
                                          TsProgressFunc       progress_func,
                                          gpointer             progress_data,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  TsOllamaProvider *self = TS_OLLAMA_PROVIDER (provider);
  ImageJob *job = g_new0 (ImageJob, 1);
  GTask *task;

  job->self = g_object_ref (self);
  job->request = ts_image_request_ref (request);
  job->progress_func = progress_func;
  job->progress_data = progress_data;
  job->result = ts_image_result_new ();

  task = ts_provider_task_new (self, cancellable, callback, user_data,
                               _ts_ollama_provider_generate_image_async, job, image_job_free);

  if (request->count < 1)
    {
      g_task_return_new_error (task, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_BAD_REQUEST,
                               "asked for %" G_GINT64_FORMAT " images", request->count);
      g_object_unref (task);
      return;
    }

  send_image_request (task);
}
