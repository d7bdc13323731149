/* ts-openai-image.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ts-block.h"
#include "ts-openai-private.h"
#include "ts-provider-common.h"

/* Images through /v1/images/generations (protocols.md §3), asked as base64; an answer
 * that links to an image instead is followed only to the server asked, one link at a
 * time. */

typedef struct
{
  GBytes *png;    /* an image sent inline */
  char   *link;   /* or where to fetch it, on the same server */
} ImageItem;

static void
image_item_free (gpointer data)
{
  ImageItem *item = data;

  g_clear_pointer (&item->png, g_bytes_unref);
  g_free (item->link);
  g_free (item);
}

typedef struct
{
  TsOpenaiProvider *self;
  TsImageRequest   *request;
  char             *url;
  GPtrArray        *items;
  guint             next;
  TsImageResult    *result;
} ImageJob;

static void
image_job_free (gpointer data)
{
  ImageJob *job = data;

  g_clear_object (&job->self);
  ts_image_request_unref (job->request);
  g_clear_pointer (&job->items, g_ptr_array_unref);
  g_clear_pointer (&job->result, ts_image_result_free);
  g_free (job->url);
  g_free (job);
}

static void next_image (GTask *task);

static void
link_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ImageJob *job = g_task_get_task_data (task);
  ImageItem *item = g_ptr_array_index (job->items, job->next - 1);
  g_autoptr(TsHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;

  response = ts_provider_receive (object, result, _ts_openai_call_error, item->link,
                                  job->request->model, &error);
  if (response != NULL)
    {
      body = ts_http_response_get_body (response);
      item->png = ts_provider_check_png (body, ts_openai_server_name_for_url (job->url), &error);
    }
  if (item->png == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  ts_image_result_add (job->result, item->png, TS_SEED_RANDOM);
  next_image (g_steal_pointer (&task));
}

/* Takes the images in order, fetching the linked ones one at a time. */
static void
next_image (GTask *task)
{
  ImageJob *job = g_task_get_task_data (task);

  while (job->next < job->items->len)
    {
      ImageItem *item = g_ptr_array_index (job->items, job->next++);

      if (item->png == NULL)
        {
          g_autoptr(TsHttpRequest) request = ts_http_request_new ("GET", item->link);

          ts_http_request_set_max_response_size (request, TS_HTTP_MAX_IMAGE_RESPONSE);
          _ts_openai_send_request (job->self, request, NULL, NULL, g_task_get_cancellable (task), link_cb, task);
          return;
        }

      /* This API does not say which seed it used. */
      ts_image_result_add (job->result, item->png, TS_SEED_RANDOM);
    }

  g_task_return_pointer (task, g_steal_pointer (&job->result), (GDestroyNotify) ts_image_result_free);
  g_object_unref (task);
}

static void
images_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ImageJob *job = g_task_get_task_data (task);
  const char *server = ts_openai_server_name_for_url (job->url);
  g_autofree char *origin = _ts_openai_origin_of (job->url);
  g_autoptr(GError) error = NULL;
  g_autoptr(cJSON) json = NULL;
  const cJSON *data;
  const cJSON *entry;

  json = ts_provider_receive_json (object, result, _ts_openai_call_error, server, job->url,
                                   job->request->model, &error);
  if (json == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data = cJSON_GetObjectItemCaseSensitive (json, "data");
  if (!cJSON_IsArray (data) || cJSON_GetArraySize (data) == 0)
    {
      g_task_return_new_error (task, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_PROTOCOL,
                               "%s answered without images", server);
      return;
    }

  cJSON_ArrayForEach (entry, data)
    {
      const char *base64 = ts_json_get_string (entry, "b64_json");
      const char *link = ts_json_get_string (entry, "url");
      ImageItem *item = g_new0 (ImageItem, 1);

      g_ptr_array_add (job->items, item);

      if (base64 != NULL)
        {
          item->png = ts_provider_decode_png (base64, server, &error);
          if (item->png == NULL)
            {
              g_task_return_error (task, g_steal_pointer (&error));
              return;
            }
        }
      else
        {
          g_autofree char *link_origin = link != NULL ? _ts_openai_origin_of (link) : NULL;

          /* A link is followed only to the server asked, never elsewhere. */
          if (link_origin == NULL || g_strcmp0 (link_origin, origin) != 0)
            {
              g_task_return_new_error (task, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_PROTOCOL,
                                       "%s sent a link to another server instead of the image",
                                       server);
              return;
            }
          item->link = g_strdup (link);
        }
    }

  next_image (g_steal_pointer (&task));
}

void
_ts_openai_provider_generate_image_async (TsProvider          *provider,
                                          TsImageRequest      *request,
                                          TsProgressFunc       progress_func,
                                          gpointer             progress_data,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  TsOpenaiProvider *self = TS_OPENAI_PROVIDER (provider);
  g_autoptr(TsHttpRequest) http = _ts_openai_new_request (self, "POST", "/images/generations");
  g_autoptr(cJSON) body = cJSON_CreateObject ();
  g_autofree char *size = g_strdup_printf ("%" G_GINT64_FORMAT "x%" G_GINT64_FORMAT,
                                           request->width, request->height);
  ImageJob *job = g_new0 (ImageJob, 1);
  GTask *task;

  job->self = g_object_ref (self);
  job->request = ts_image_request_ref (request);
  job->url = g_strdup (ts_http_request_get_url (http));
  job->items = g_ptr_array_new_with_free_func (image_item_free);
  job->result = ts_image_result_new ();

  task = ts_provider_task_new (self, cancellable, callback, user_data,
                               _ts_openai_provider_generate_image_async, job, image_job_free);

  cJSON_AddStringToObject (body, "model", request->model);
  cJSON_AddStringToObject (body, "prompt", request->prompt);
  cJSON_AddNumberToObject (body, "n", (double) request->count);
  cJSON_AddStringToObject (body, "size", size);
  cJSON_AddStringToObject (body, "response_format", "b64_json");

  ts_http_request_take_json_body (http, ts_json_print (body));
  ts_http_request_set_idle_timeout (http, TS_OPENAI_GENERATE_IDLE_TIMEOUT);
  ts_http_request_set_max_response_size (http, TS_HTTP_MAX_IMAGE_RESPONSE);
  _ts_openai_send_request (self, http, NULL, NULL, cancellable, images_cb, task);
}
