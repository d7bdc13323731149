/* ts-sdwebui.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "ts-block.h"
#include "ts-http.h"
#include "ts-provider-common.h"
#include "ts-sdwebui.h"

/* Stable Diffusion WebUI API (protocols.md §4): AUTOMATIC1111, Forge, SD.Next started
 * with --api. /sdapi/v1/sd-models lists checkpoints; /sdapi/v1/txt2img makes a batch of
 * images in one blocking call, while /sdapi/v1/progress is polled every 500 ms for the
 * fraction done; a cancel posts /sdapi/v1/interrupt and ends the call at once. */

#define SERVER_NAME "Stable Diffusion WebUI"
#define HOW_TO_START "start it with `./webui.sh --api`"
#define PROGRESS_INTERVAL_MS 500

/* A large batch at a high resolution can take many minutes, all of it silent. */
#define TXT2IMG_IDLE_TIMEOUT (30 * 60 * 1000)

struct _TsSdwebuiProvider
{
  TsProvider    parent_instance;

  TsHttpClient *client;
};

G_DEFINE_FINAL_TYPE (TsSdwebuiProvider, ts_sdwebui_provider, TS_TYPE_PROVIDER)

char *
ts_sdwebui_provider_dup_base_url (TsSdwebuiProvider *self)
{
  const char *endpoint = ts_provider_get_endpoint (TS_PROVIDER (self));

  return g_strdup (endpoint != NULL ? endpoint : TS_SDWEBUI_DEFAULT_URL);
}

static TsHttpRequest *
new_request (TsSdwebuiProvider *self,
             const char        *method,
             const char        *path)
{
  g_autofree char *base = ts_sdwebui_provider_dup_base_url (self);
  g_autofree char *url = ts_http_build_url (base, path);

  return ts_http_request_new (method, url);
}

static GError *
call_error (TsHttpResponse *response,
            const GError   *http_error,
            const char     *url,
            const char     *model)
{
  g_autofree char *address = NULL;

  if (http_error != NULL)
    return ts_http_error_to_provider (http_error, SERVER_NAME, url, HOW_TO_START);

  /* The WebUI answers 404 on every /sdapi path when its API is off. */
  if (ts_http_response_get_status (response) == 404)
    {
      address = ts_http_describe_address (url);
      return g_error_new (TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_UNREACHABLE,
                          "the %s at %s runs without its API — restart it with `--api`",
                          SERVER_NAME, address);
    }

  return ts_provider_status_error (response, SERVER_NAME, url);
}

/* Models */

static void
models_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  const char *url = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(cJSON) json = NULL;
  g_autoptr(GPtrArray) models = NULL;
  const cJSON *item;

  json = ts_provider_receive_json (object, result, call_error, SERVER_NAME, url, NULL, &error);
  if (json == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!cJSON_IsArray (json))
    {
      g_task_return_new_error (task, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_PROTOCOL,
                               "the %s's model list is not an array", SERVER_NAME);
      return;
    }

  models = g_ptr_array_new_with_free_func ((GDestroyNotify) ts_model_info_free);
  cJSON_ArrayForEach (item, json)
    {
      const char *name = ts_json_get_string (item, "model_name");
      const char *title = ts_json_get_string (item, "title");

      if (name == NULL)
        name = title;
      if (name != NULL)
        g_ptr_array_add (models, ts_model_info_new (name, title, TS_MODEL_IMAGE_OUTPUT));
    }

  g_task_return_pointer (task, g_steal_pointer (&models), (GDestroyNotify) g_ptr_array_unref);
}

static void
ts_sdwebui_provider_list_models_async (TsProvider          *provider,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  TsSdwebuiProvider *self = TS_SDWEBUI_PROVIDER (provider);
  g_autoptr(TsHttpRequest) request = new_request (self, "GET", "/sdapi/v1/sd-models");
  GTask *task = ts_provider_task_new (self, cancellable, callback, user_data,
                                     ts_sdwebui_provider_list_models_async,
                                     g_strdup (ts_http_request_get_url (request)), g_free);

  ts_http_client_send_async (ts_http_client_ensure (&self->client), request, NULL, NULL, NULL,
                             cancellable, models_cb, task);
}

/* Images */

typedef struct
{
  TsSdwebuiProvider *self;
  TsImageRequest    *request;
  TsProgressFunc     progress_func;
  gpointer           progress_data;
  char              *url;
  GCancellable      *cancellable;     /* the caller's, or one of ours */
  GCancellable      *poll_cancellable;
  GSource           *poll_source;
  gulong             cancelled_id;
  gboolean           polling;
  gboolean           finished;
} ImageJob;

static void
image_job_stop_polling (ImageJob *job)
{
  job->finished = TRUE;
  if (job->poll_source != NULL)
    {
      g_source_destroy (job->poll_source);
      g_clear_pointer (&job->poll_source, g_source_unref);
    }
  g_cancellable_cancel (job->poll_cancellable);
}

static void
image_job_free (gpointer data)
{
  ImageJob *job = data;

  image_job_stop_polling (job);
  if (job->cancelled_id != 0)
    g_cancellable_disconnect (job->cancellable, job->cancelled_id);
  g_clear_object (&job->cancellable);
  g_clear_object (&job->poll_cancellable);
  g_clear_object (&job->self);
  ts_image_request_unref (job->request);
  g_free (job->url);
  g_free (job);
}

static void
interrupt_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(TsHttpResponse) response = ts_http_client_send_finish (TS_HTTP_CLIENT (object), result, NULL);

  /* Best effort: the caller already has its answer. */
}

static void
send_interrupt (TsSdwebuiProvider *self)
{
  g_autoptr(TsHttpRequest) request = new_request (self, "POST", "/sdapi/v1/interrupt");

  ts_http_request_take_json_body (request, g_strdup ("{}"));
  ts_http_request_set_total_timeout (request, 5000);
  ts_http_client_send_async (ts_http_client_ensure (&self->client), request, NULL, NULL, NULL,
                             NULL, interrupt_cb, NULL);
}

static gboolean poll_progress_cb (gpointer user_data);

static void
schedule_poll (GTask *task)
{
  ImageJob *job = g_task_get_task_data (task);

  if (job->finished)
    return;

  job->poll_source = g_timeout_source_new (PROGRESS_INTERVAL_MS);
  g_source_set_callback (job->poll_source, poll_progress_cb, g_object_ref (task), g_object_unref);
  g_source_attach (job->poll_source, g_main_context_get_thread_default ());
}

static void
progress_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ImageJob *job = g_task_get_task_data (task);
  g_autoptr(TsHttpResponse) response = ts_http_client_send_finish (TS_HTTP_CLIENT (object), result, NULL);
  g_autoptr(cJSON) json = NULL;
  const cJSON *progress;

  job->polling = FALSE;
  if (job->finished)
    return;

  if (response != NULL && ts_http_response_is_success (response))
    json = ts_provider_parse_json (response, SERVER_NAME, job->url, NULL);

  progress = cJSON_GetObjectItemCaseSensitive (json, "progress");
  if (cJSON_IsNumber (progress) && job->progress_func != NULL &&
      !g_cancellable_is_cancelled (job->cancellable))
    job->progress_func (CLAMP (progress->valuedouble, 0.0, 1.0), job->progress_data);

  schedule_poll (task);
}

static gboolean
poll_progress_cb (gpointer user_data)
{
  GTask *task = user_data;
  ImageJob *job = g_task_get_task_data (task);
  g_autoptr(TsHttpRequest) request = NULL;

  g_clear_pointer (&job->poll_source, g_source_unref);
  if (job->finished || job->polling)
    return G_SOURCE_REMOVE;

  request = new_request (job->self, "GET", "/sdapi/v1/progress?skip_current_image=true");
  ts_http_request_set_total_timeout (request, 5000);
  job->polling = TRUE;
  ts_http_client_send_async (ts_http_client_ensure (&job->self->client), request, NULL, NULL, NULL,
                             job->poll_cancellable, progress_cb, g_object_ref (task));

  return G_SOURCE_REMOVE;
}

static GArray *
read_seeds (const cJSON *json)
{
  const char *info_text = ts_json_get_string (json, "info");
  g_autoptr(cJSON) info = NULL;
  GArray *seeds = g_array_new (FALSE, FALSE, sizeof (gint64));
  const cJSON *all_seeds;
  const cJSON *item;

  /* "info" is a JSON document inside a string. */
  if (info_text != NULL)
    info = cJSON_Parse (info_text);

  all_seeds = cJSON_GetObjectItemCaseSensitive (info, "all_seeds");
  cJSON_ArrayForEach (item, all_seeds)
    {
      gint64 seed = cJSON_IsNumber (item) ? (gint64) item->valuedouble : TS_SEED_RANDOM;

      g_array_append_val (seeds, seed);
    }

  if (seeds->len == 0)
    {
      gint64 seed = ts_json_get_int (info, "seed", TS_SEED_RANDOM);

      g_array_append_val (seeds, seed);
    }

  return seeds;
}

static void
txt2img_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ImageJob *job = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(cJSON) json = NULL;
  g_autoptr(TsImageResult) images = NULL;
  g_autoptr(GArray) seeds = NULL;
  const cJSON *list;
  int n_images;
  int first;

  image_job_stop_polling (job);
  if (job->cancelled_id != 0)
    {
      g_cancellable_disconnect (job->cancellable, job->cancelled_id);
      job->cancelled_id = 0;
    }

  json = ts_provider_receive_json (object, result, call_error, SERVER_NAME, job->url, NULL, &error);
  if (json == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  list = cJSON_GetObjectItemCaseSensitive (json, "images");
  n_images = cJSON_IsArray (list) ? cJSON_GetArraySize (list) : 0;
  if (n_images < job->request->count)
    {
      g_task_return_new_error (task, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_PROTOCOL,
                               "the %s sent %d images for a batch of %" G_GINT64_FORMAT,
                               SERVER_NAME, n_images, job->request->count);
      return;
    }

  /* Some versions put a grid of the batch first: the batch is the last images. */
  first = n_images - (int) job->request->count;
  seeds = read_seeds (json);
  images = ts_image_result_new ();
  for (int i = first; i < n_images; i++)
    {
      const cJSON *item = cJSON_GetArrayItem (list, i);
      g_autoptr(GBytes) png = NULL;
      int index = i - first;
      gint64 seed;

      if (!cJSON_IsString (item))
        {
          g_task_return_new_error (task, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_PROTOCOL,
                                   "the %s sent an image that is not a string", SERVER_NAME);
          return;
        }

      png = ts_provider_decode_png (item->valuestring, SERVER_NAME, &error);
      if (png == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }

      if ((guint) index < seeds->len)
        seed = g_array_index (seeds, gint64, index);
      else if (seeds->len > 0 && g_array_index (seeds, gint64, 0) != TS_SEED_RANDOM)
        seed = g_array_index (seeds, gint64, 0) + index;
      else
        seed = TS_SEED_RANDOM;
      ts_image_result_add (images, png, seed);
    }

  if (job->progress_func != NULL)
    job->progress_func (1.0, job->progress_data);

  g_task_return_pointer (task, g_steal_pointer (&images), (GDestroyNotify) ts_image_result_free);
}

static gboolean
interrupt_in_context_cb (gpointer user_data)
{
  send_interrupt (TS_SDWEBUI_PROVIDER (user_data));
  return G_SOURCE_REMOVE;
}

static void
cancelled_cb (GCancellable *cancellable,
              gpointer      user_data)
{
  TsSdwebuiProvider *self = user_data;

  /* The WebUI goes on with a job whose caller left: stop it. This may run on any
   * thread, so the request goes out from the provider's context. */
  g_main_context_invoke_full (ts_http_client_get_context (self->client), G_PRIORITY_HIGH,
                              interrupt_in_context_cb, g_object_ref (self), g_object_unref);
}

static void
ts_sdwebui_provider_generate_image_async (TsProvider          *provider,
                                          TsImageRequest      *request,
                                          TsProgressFunc       progress_func,
                                          gpointer             progress_data,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  TsSdwebuiProvider *self = TS_SDWEBUI_PROVIDER (provider);
  TsHttpClient *client = ts_http_client_ensure (&self->client);
  g_autoptr(TsHttpRequest) http = new_request (self, "POST", "/sdapi/v1/txt2img");
  g_autoptr(cJSON) body = cJSON_CreateObject ();
  ImageJob *job = g_new0 (ImageJob, 1);
  GTask *task;

  job->self = g_object_ref (self);
  job->request = ts_image_request_ref (request);
  job->progress_func = progress_func;
  job->progress_data = progress_data;
  job->url = g_strdup (ts_http_request_get_url (http));
  job->cancellable = cancellable != NULL ? g_object_ref (cancellable) : g_cancellable_new ();
  job->poll_cancellable = g_cancellable_new ();

  task = ts_provider_task_new (self, cancellable, callback, user_data,
                               ts_sdwebui_provider_generate_image_async, job, image_job_free);

  cJSON_AddStringToObject (body, "prompt", request->prompt);
  if (request->negative_prompt != NULL)
    cJSON_AddStringToObject (body, "negative_prompt", request->negative_prompt);
  if (request->steps != TS_UNSET_INT)
    cJSON_AddNumberToObject (body, "steps", (double) request->steps);
  if (request->cfg_scale != TS_UNSET_DOUBLE)
    cJSON_AddNumberToObject (body, "cfg_scale", request->cfg_scale);
  cJSON_AddNumberToObject (body, "width", (double) request->width);
  cJSON_AddNumberToObject (body, "height", (double) request->height);
  cJSON_AddNumberToObject (body, "seed", (double) (request->seed == TS_SEED_RANDOM ? -1 : request->seed));
  cJSON_AddNumberToObject (body, "batch_size", (double) request->count);
  cJSON_AddNumberToObject (body, "n_iter", 1);
  if (request->model != NULL && *request->model != '\0')
    cJSON_AddStringToObject (cJSON_AddObjectToObject (body, "override_settings"),
                             "sd_model_checkpoint", request->model);

  ts_http_request_take_json_body (http, ts_json_print (body));
  ts_http_request_set_idle_timeout (http, TXT2IMG_IDLE_TIMEOUT);
  ts_http_request_set_max_response_size (http, TS_HTTP_MAX_IMAGE_RESPONSE);

  if (cancellable != NULL)
    job->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (cancelled_cb),
                                               self, NULL);

  ts_http_client_send_async (client, http, NULL, NULL, NULL, cancellable, txt2img_cb, task);
  schedule_poll (task);
}

static void
ts_sdwebui_provider_dispose (GObject *object)
{
  TsSdwebuiProvider *self = TS_SDWEBUI_PROVIDER (object);

  g_clear_object (&self->client);

  G_OBJECT_CLASS (ts_sdwebui_provider_parent_class)->dispose (object);
}

static void
ts_sdwebui_provider_class_init (TsSdwebuiProviderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  TsProviderClass *provider_class = TS_PROVIDER_CLASS (klass);

  object_class->dispose = ts_sdwebui_provider_dispose;

  provider_class->list_models_async = ts_sdwebui_provider_list_models_async;
  provider_class->model_optional = TRUE;
  provider_class->generate_image_async = ts_sdwebui_provider_generate_image_async;
}

static void
ts_sdwebui_provider_init (TsSdwebuiProvider *self)
{
}

TsProvider *
ts_sdwebui_provider_new (void)
{
  return g_object_new (TS_TYPE_SDWEBUI_PROVIDER,
                       "id", "sd-webui",
                       "display-name", "Stable Diffusion WebUI",
                       NULL);
}
