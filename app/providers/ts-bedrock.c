/* ts-bedrock.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ts-bedrock.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ts-bedrock-private.h"
#include "ts-bedrock-wire.h"
#include "ts-utils.h"

/* The Amazon Bedrock provider: text through Converse and ConverseStream, images through
 * InvokeModel, and the model list from the control plane, signed with SigV4 (or sent with
 * a Bedrock API key). The call machinery is in ts-bedrock-call.c, the wire formats in
 * ts-bedrock-text.c, ts-bedrock-image.c, ts-bedrock-models.c and ts-bedrock-errors.c. */

/* How long a region's model list is reused. */
#define MODEL_CACHE_SECONDS (15 * 60)
#define MAX_PROFILE_PAGES   20

G_DEFINE_FINAL_TYPE (TsBedrockProvider, ts_bedrock_provider, TS_TYPE_PROVIDER)

enum {
  PROP_0,
  PROP_REGION,
  PROP_CONTROL_ENDPOINT,
  PROP_MAX_ATTEMPTS,
  N_PROPS,
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  GPtrArray *models;
  gint64     time;
} ModelCache;

static void
model_cache_free (gpointer data)
{
  ModelCache *cache = data;

  g_ptr_array_unref (cache->models);
  g_free (cache);
}

static GPtrArray *
copy_models (GPtrArray *models)
{
  GPtrArray *copy = g_ptr_array_new_with_free_func ((GDestroyNotify) ts_model_info_free);

  for (guint i = 0; i < models->len; i++)
    {
      const TsModelInfo *info = g_ptr_array_index (models, i);

      g_ptr_array_add (copy, ts_model_info_new (info->id, info->name, info->capabilities));
    }

  return copy;
}

static void
report_error (TsBedrockProvider   *self,
              gpointer             source_tag,
              GAsyncReadyCallback  callback,
              gpointer             user_data,
              GError              *error)
{
  g_task_report_error (self, callback, user_data, source_tag, error);
}

/* Sends @json to the runtime's /model/MODEL/ACTION; @task goes to @callback. */
static void
post_to_model (TsBedrockProvider   *self,
               const char          *model,
               const char          *action,
               char                *json,
               gsize                max_size,
               TsTextChunkFunc      chunk_func,
               gpointer             chunk_data,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               GTask               *task)
{
  g_autofree char *path = ts_bedrock_model_path (model, action);
  gsize length = strlen (json);
  g_autoptr(GBytes) body = g_bytes_new_take (json, length);

  _ts_bedrock_call_async (self,
                          &(TsBedrockCallSpec) {
                            .plane = TS_BEDROCK_RUNTIME,
                            .method = "POST",
                            .path = path,
                            .body = body,
                            .max_size = max_size,
                            .model = model,
                            .chunk_func = chunk_func,
                            .chunk_data = chunk_data,
                          },
                          cancellable, callback, task);
}

/* Text */

typedef struct
{
  gboolean streaming;
} TextJob;

static void
text_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TextJob *job = g_task_get_task_data (task);
  g_autoptr(TsBedrockReply) reply = NULL;
  GError *error = NULL;
  TsTextResult *text;

  reply = _ts_bedrock_call_finish (TS_BEDROCK_PROVIDER (object), result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (job->streaming)
    {
      text = g_steal_pointer (&reply->stream_result);
    }
  else
    {
      g_autoptr(GBytes) body = ts_http_response_get_body (reply->response);

      text = ts_bedrock_parse_converse (body, &error);
      if (text == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
    }

  g_task_return_pointer (task, text, (GDestroyNotify) ts_text_result_free);
}

static void
ts_bedrock_provider_generate_text_async (TsProvider          *provider,
                                         TsTextRequest       *request,
                                         TsTextChunkFunc      chunk_func,
                                         gpointer             chunk_data,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  TsBedrockProvider *self = TS_BEDROCK_PROVIDER (provider);
  g_autofree char *json = NULL;
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;
  TextJob *job;

  json = ts_bedrock_converse_body (request, &error);
  if (json == NULL)
    {
      report_error (self, ts_bedrock_provider_generate_text_async, callback, user_data, error);
      return;
    }

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ts_bedrock_provider_generate_text_async);
  g_task_set_check_cancellable (task, FALSE);
  job = g_new0 (TextJob, 1);
  job->streaming = chunk_func != NULL;
  g_task_set_task_data (task, job, g_free);

  post_to_model (self, request->model, job->streaming ? "converse-stream" : "converse",
                 g_steal_pointer (&json), TS_HTTP_MAX_TEXT_RESPONSE, chunk_func, chunk_data,
                 cancellable, text_cb, g_steal_pointer (&task));
}

/* Images */

typedef struct
{
  TsImageRequest       *request;
  TsBedrockImageFamily  family;
  gint64                seed;
  gint64                done;
  gint64                calls;
  TsProgressFunc        progress_func;
  gpointer              progress_data;
  TsImageResult        *result;
} ImageJob;

static void
image_job_free (gpointer data)
{
  ImageJob *job = data;

  ts_image_request_unref (job->request);
  g_clear_pointer (&job->result, ts_image_result_free);
  g_free (job);
}

static void send_image (GTask *task);

static void
image_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ImageJob *job = g_task_get_task_data (task);
  g_autoptr(TsBedrockReply) reply = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(TsImageResult) images = NULL;
  GError *error = NULL;

  reply = _ts_bedrock_call_finish (TS_BEDROCK_PROVIDER (object), result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  body = ts_http_response_get_body (reply->response);
  images = ts_bedrock_parse_image (job->family, body, job->seed + job->done, &error);
  if (images == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  for (guint i = 0; i < images->images->len; i++)
    ts_image_result_add (job->result, g_ptr_array_index (images->images, i),
                         g_array_index (images->seeds, gint64, i));

  job->done++;
  if (job->progress_func != NULL && !g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    job->progress_func ((double) job->done / (double) job->calls, job->progress_data);

  if (job->done < job->calls)
    send_image (task);
  else
    g_task_return_pointer (task, g_steal_pointer (&job->result),
                           (GDestroyNotify) ts_image_result_free);
}

static void
send_image (GTask *task)
{
  TsBedrockProvider *self = g_task_get_source_object (task);
  ImageJob *job = g_task_get_task_data (task);
  g_autofree char *json = NULL;
  GError *error = NULL;

  /* Stability models make one image a call: the next ones take the next seeds. */
  json = ts_bedrock_image_body (job->family, job->request, job->seed + job->done, &error);
  if (json == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  post_to_model (self, job->request->model, "invoke", g_steal_pointer (&json),
                 TS_HTTP_MAX_IMAGE_RESPONSE, NULL, NULL, g_task_get_cancellable (task), image_cb,
                 g_object_ref (task));
}

static void
ts_bedrock_provider_generate_image_async (TsProvider          *provider,
                                          TsImageRequest      *request,
                                          TsProgressFunc       progress_func,
                                          gpointer             progress_data,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  TsBedrockProvider *self = TS_BEDROCK_PROVIDER (provider);
  g_autoptr(GTask) task = NULL;
  ImageJob *job;
  gint64 max_seed;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ts_bedrock_provider_generate_image_async);
  g_task_set_check_cancellable (task, FALSE);

  job = g_new0 (ImageJob, 1);
  job->request = ts_image_request_ref (request);
  job->family = ts_bedrock_image_family (request->model);
  job->progress_func = progress_func;
  job->progress_data = progress_data;
  job->result = ts_image_result_new ();
  g_task_set_task_data (task, job, image_job_free);

  max_seed = ts_bedrock_image_max_seed (job->family);
  job->calls = job->family == TS_BEDROCK_IMAGE_STABILITY ? MAX (request->count, 1) : 1;

  /* A random seed is chosen here, so the result can say which one made the image.
   * Stability takes 0 as "random": start at 1. */
  if (request->seed < 0)
    job->seed = max_seed > 0 ? (gint64) (g_random_double () * (double) (max_seed - job->calls)) + 1
                             : 0;
  else
    job->seed = request->seed;

  if (progress_func != NULL)
    progress_func (0.0, progress_data);

  send_image (task);
}

/* Model list */

typedef struct
{
  TsBedrockCatalog *catalog;
  char             *region;
  guint             step;
  guint             pages;
  char             *next_token;
} ListJob;

static void
list_job_free (gpointer data)
{
  ListJob *job = data;

  ts_bedrock_catalog_free (job->catalog);
  g_free (job->region);
  g_free (job->next_token);
  g_free (job);
}

static void list_step (GTask *task);

static void
finish_list (GTask *task)
{
  TsBedrockProvider *self = g_task_get_source_object (task);
  ListJob *job = g_task_get_task_data (task);
  g_autoptr(GPtrArray) models = ts_bedrock_catalog_list (job->catalog);
  ModelCache *cache = g_new0 (ModelCache, 1);

  cache->models = copy_models (models);
  cache->time = g_get_monotonic_time ();
  if (job->region != NULL)
    g_hash_table_replace (self->model_cache, g_strdup (job->region), cache);
  else
    model_cache_free (cache);

  g_task_return_pointer (task, g_steal_pointer (&models), (GDestroyNotify) g_ptr_array_unref);
}

static void
list_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ListJob *job = g_task_get_task_data (task);
  g_autoptr(TsBedrockReply) reply = NULL;
  g_autoptr(GBytes) body = NULL;
  GError *error = NULL;
  gboolean ok;

  reply = _ts_bedrock_call_finish (TS_BEDROCK_PROVIDER (object), result, &error);

  /* Without permission to list inference profiles, the models alone are listed. */
  if (reply == NULL && job->step == 2 && error->code == TS_PROVIDER_ERROR_AUTH &&
      error->domain == TS_PROVIDER_ERROR)
    {
      g_clear_error (&error);
      finish_list (task);
      return;
    }
  if (reply == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (job->region == NULL)
    job->region = g_strdup (reply->region);

  body = ts_http_response_get_body (reply->response);
  if (job->step < 2)
    {
      ok = ts_bedrock_catalog_add_models (job->catalog, body, &error);
    }
  else
    {
      g_clear_pointer (&job->next_token, g_free);
      ok = ts_bedrock_catalog_add_profiles (job->catalog, body, &job->next_token, &error);
      job->pages++;
    }

  if (!ok)
    {
      g_task_return_error (task, error);
      return;
    }

  if (job->step < 2)
    job->step++;
  if (job->step == 2 && job->pages > 0 && (job->next_token == NULL || job->pages >= MAX_PROFILE_PAGES))
    finish_list (task);
  else
    list_step (g_steal_pointer (&task));
}

static void
list_step (GTask *task)
{
  TsBedrockProvider *self = g_task_get_source_object (task);
  ListJob *job = g_task_get_task_data (task);
  g_autofree char *path = NULL;

  if (job->step == 0)
    path = g_strdup ("/foundation-models?byOutputModality=TEXT");
  else if (job->step == 1)
    path = g_strdup ("/foundation-models?byOutputModality=IMAGE");
  else if (job->next_token == NULL)
    path = g_strdup ("/inference-profiles?maxResults=1000");
  else
    {
      g_autofree char *token = g_uri_escape_string (job->next_token, NULL, FALSE);

      path = g_strdup_printf ("/inference-profiles?maxResults=1000&nextToken=%s", token);
    }

  _ts_bedrock_call_async (self,
                          &(TsBedrockCallSpec) {
                            .plane = TS_BEDROCK_CONTROL,
                            .method = "GET",
                            .path = path,
                            .max_size = TS_HTTP_MAX_TEXT_RESPONSE,
                          },
                          g_task_get_cancellable (task), list_cb, task);
}

static void
ts_bedrock_provider_list_models_async (TsProvider          *provider,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  TsBedrockProvider *self = TS_BEDROCK_PROVIDER (provider);
  g_autoptr(GTask) task = NULL;
  g_autofree char *region = NULL;
  g_auto(GStrv) envp = NULL;
  ModelCache *cache;
  ListJob *job;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ts_bedrock_provider_list_models_async);
  g_task_set_check_cancellable (task, FALSE);

  /* The cache is keyed by region; only an explicit or environment region is known
   * before a call, which covers the usual setups. */
  envp = _ts_bedrock_provider_dup_environ (self);
  region = ts_aws_region_resolve ((const char * const *) envp, self->region, NULL);
  cache = region != NULL ? g_hash_table_lookup (self->model_cache, region) : NULL;
  if (cache != NULL &&
      g_get_monotonic_time () - cache->time < (gint64) MODEL_CACHE_SECONDS * G_USEC_PER_SEC)
    {
      g_task_return_pointer (task, copy_models (cache->models), (GDestroyNotify) g_ptr_array_unref);
      return;
    }

  job = g_new0 (ListJob, 1);
  job->catalog = ts_bedrock_catalog_new ();
  g_task_set_task_data (task, job, list_job_free);

  list_step (g_steal_pointer (&task));
}

/* The object */

static void
ts_bedrock_provider_finalize (GObject *object)
{
  TsBedrockProvider *self = TS_BEDROCK_PROVIDER (object);

  g_strfreev (self->environ);
  g_free (self->region);
  g_free (self->control_endpoint);
  g_free (self->profile);
  g_free (self->access_key_id);
  g_free (self->secret_access_key);
  g_clear_object (&self->client);
  g_hash_table_unref (self->model_cache);
  g_clear_pointer (&self->credentials, ts_aws_credentials_free);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (ts_bedrock_provider_parent_class)->finalize (object);
}

static void
ts_bedrock_provider_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  TsBedrockProvider *self = TS_BEDROCK_PROVIDER (object);

  switch (prop_id)
    {
    case PROP_REGION:
      g_value_set_string (value, self->region);
      break;

    case PROP_CONTROL_ENDPOINT:
      g_value_set_string (value, self->control_endpoint);
      break;

    case PROP_MAX_ATTEMPTS:
      g_value_set_uint (value, self->max_attempts);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ts_bedrock_provider_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  TsBedrockProvider *self = TS_BEDROCK_PROVIDER (object);

  switch (prop_id)
    {
    case PROP_REGION:
      ts_bedrock_provider_set_region (self, g_value_get_string (value));
      break;

    case PROP_CONTROL_ENDPOINT:
      ts_bedrock_provider_set_control_endpoint (self, g_value_get_string (value));
      break;

    case PROP_MAX_ATTEMPTS:
      ts_bedrock_provider_set_max_attempts (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ts_bedrock_provider_class_init (TsBedrockProviderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  TsProviderClass *provider_class = TS_PROVIDER_CLASS (klass);

  object_class->finalize = ts_bedrock_provider_finalize;
  object_class->get_property = ts_bedrock_provider_get_property;
  object_class->set_property = ts_bedrock_provider_set_property;

  provider_class->list_models_async = ts_bedrock_provider_list_models_async;
  provider_class->generate_text_async = ts_bedrock_provider_generate_text_async;
  provider_class->generate_image_async = ts_bedrock_provider_generate_image_async;

  /**
   * TsBedrockProvider:region:
   *
   * The region chosen in Tessera, used when neither AWS_REGION, AWS_DEFAULT_REGION nor
   * the AWS profile names one.
   */
  properties[PROP_REGION] =
    g_param_spec_string ("region", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * TsBedrockProvider:control-endpoint:
   *
   * An endpoint override for the control plane (the model list), used when neither
   * AWS_ENDPOINT_URL_BEDROCK nor AWS_ENDPOINT_URL is set. The runtime's override is
   * #TsProvider:endpoint.
   */
  properties[PROP_CONTROL_ENDPOINT] =
    g_param_spec_string ("control-endpoint", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * TsBedrockProvider:max-attempts:
   *
   * How many times in all a call that fails in a retryable way is sent.
   */
  properties[PROP_MAX_ATTEMPTS] =
    g_param_spec_uint ("max-attempts", NULL, NULL, 1, 10, TS_BEDROCK_DEFAULT_MAX_ATTEMPTS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ts_bedrock_provider_init (TsBedrockProvider *self)
{
  g_mutex_init (&self->mutex);
  self->max_attempts = TS_BEDROCK_DEFAULT_MAX_ATTEMPTS;
  self->retry_base_ms = TS_BEDROCK_RETRY_BASE_MS;
  self->retry_max_ms = TS_BEDROCK_RETRY_MAX_MS;
  self->model_cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, model_cache_free);
}

/**
 * ts_bedrock_provider_new:
 *
 * Returns: (transfer full): a Bedrock provider reading the process's environment
 */
TsProvider *
ts_bedrock_provider_new (void)
{
  return g_object_new (TS_TYPE_BEDROCK_PROVIDER,
                       "id", "bedrock",
                       "display-name", "Amazon Bedrock",
                       NULL);
}

/**
 * ts_bedrock_provider_set_environment:
 * @envp: (nullable): the environment to read credentials, region and endpoint overrides
 *   from, or %NULL for the process's own
 *
 * Tests give an environment of their own; the cached credentials are dropped.
 */
void
ts_bedrock_provider_set_environment (TsBedrockProvider  *self,
                                     const char * const *envp)
{
  g_return_if_fail (TS_IS_BEDROCK_PROVIDER (self));

  g_strfreev (self->environ);
  self->environ = g_strdupv ((char **) envp);
  ts_bedrock_provider_forget_credentials (self);
  g_hash_table_remove_all (self->model_cache);
}

const char *
ts_bedrock_provider_get_region (TsBedrockProvider *self)
{
  g_return_val_if_fail (TS_IS_BEDROCK_PROVIDER (self), NULL);

  return self->region;
}

/* Sets a string setting, "" meaning none; a change drops the cached model lists. */
static void
set_setting (TsBedrockProvider *self,
             char             **field,
             const char        *value,
             guint              prop_id)
{
  if (value != NULL && *value == '\0')
    value = NULL;
  if (!ts_set_str (field, value))
    return;

  g_hash_table_remove_all (self->model_cache);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

void
ts_bedrock_provider_set_region (TsBedrockProvider *self,
                                const char        *region)
{
  g_return_if_fail (TS_IS_BEDROCK_PROVIDER (self));

  set_setting (self, &self->region, region, PROP_REGION);
}

const char *
ts_bedrock_provider_get_control_endpoint (TsBedrockProvider *self)
{
  g_return_val_if_fail (TS_IS_BEDROCK_PROVIDER (self), NULL);

  return self->control_endpoint;
}

void
ts_bedrock_provider_set_control_endpoint (TsBedrockProvider *self,
                                          const char        *endpoint)
{
  g_return_if_fail (TS_IS_BEDROCK_PROVIDER (self));

  set_setting (self, &self->control_endpoint, endpoint, PROP_CONTROL_ENDPOINT);
}

guint
ts_bedrock_provider_get_max_attempts (TsBedrockProvider *self)
{
  g_return_val_if_fail (TS_IS_BEDROCK_PROVIDER (self), 0);

  return self->max_attempts;
}

void
ts_bedrock_provider_set_max_attempts (TsBedrockProvider *self,
                                      guint              max_attempts)
{
  g_return_if_fail (TS_IS_BEDROCK_PROVIDER (self));
  g_return_if_fail (max_attempts >= 1);

  if (self->max_attempts == max_attempts)
    return;

  self->max_attempts = max_attempts;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_ATTEMPTS]);
}

/**
 * ts_bedrock_provider_set_retry_timing:
 * @base_ms: the cap of the first backoff
 * @max_ms: the largest wait
 *
 * Changes the backoff of the retry policy (the defaults are %TS_BEDROCK_RETRY_BASE_MS and
 * %TS_BEDROCK_RETRY_MAX_MS); the tests make it short.
 */
void
ts_bedrock_provider_set_retry_timing (TsBedrockProvider *self,
                                      guint              base_ms,
                                      guint              max_ms)
{
  g_return_if_fail (TS_IS_BEDROCK_PROVIDER (self));

  self->retry_base_ms = base_ms;
  self->retry_max_ms = max_ms;
}

/**
 * ts_bedrock_provider_forget_credentials:
 *
 * Drops the cached credentials, so the next call reads them again.
 */
void
ts_bedrock_provider_forget_credentials (TsBedrockProvider *self)
{
  g_return_if_fail (TS_IS_BEDROCK_PROVIDER (self));

  g_mutex_lock (&self->mutex);
  g_clear_pointer (&self->credentials, ts_aws_credentials_free);
  g_mutex_unlock (&self->mutex);
}
