/* ts-provider.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ts-provider.h"
#include "ts-utils.h"

/* The one interface every model server client implements, the requests and results it
 * exchanges, and the registry a runner looks providers up in. */

G_DEFINE_QUARK (ts-provider-error-quark, ts_provider_error)

typedef struct
{
  char *id;
  char *display_name;
  char *endpoint;
} TsProviderPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (TsProvider, ts_provider, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_DISPLAY_NAME,
  PROP_ENDPOINT,
  N_PROPS,
};

static GParamSpec *properties[N_PROPS];

static void
report_unsupported (TsProvider          *self,
                    gpointer             source_tag,
                    const char          *what,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_task_report_new_error (self, callback, user_data, source_tag,
                           TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_UNSUPPORTED,
                           "%s cannot %s",
                           ts_provider_get_display_name (self), what);
}

static void
ts_provider_real_list_models_async (TsProvider          *self,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  report_unsupported (self, ts_provider_real_list_models_async, "list its models",
                      callback, user_data);
}

static void
ts_provider_real_generate_text_async (TsProvider          *self,
                                      TsTextRequest       *request,
                                      TsTextChunkFunc      chunk_func,
                                      gpointer             chunk_data,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  report_unsupported (self, ts_provider_real_generate_text_async, "generate text",
                      callback, user_data);
}

static void
ts_provider_real_generate_image_async (TsProvider          *self,
                                       TsImageRequest      *request,
                                       TsProgressFunc       progress_func,
                                       gpointer             progress_data,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  report_unsupported (self, ts_provider_real_generate_image_async, "generate images",
                      callback, user_data);
}

static GPtrArray *
ts_provider_real_list_models_finish (TsProvider    *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static TsTextResult *
ts_provider_real_generate_text_finish (TsProvider    *self,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static TsImageResult *
ts_provider_real_generate_image_finish (TsProvider    *self,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
ts_provider_finalize (GObject *object)
{
  TsProvider *self = TS_PROVIDER (object);
  TsProviderPrivate *priv = ts_provider_get_instance_private (self);

  g_clear_pointer (&priv->id, g_free);
  g_clear_pointer (&priv->display_name, g_free);
  g_clear_pointer (&priv->endpoint, g_free);

  G_OBJECT_CLASS (ts_provider_parent_class)->finalize (object);
}

static void
ts_provider_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  TsProvider *self = TS_PROVIDER (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, ts_provider_get_id (self));
      break;

    case PROP_DISPLAY_NAME:
      g_value_set_string (value, ts_provider_get_display_name (self));
      break;

    case PROP_ENDPOINT:
      g_value_set_string (value, ts_provider_get_endpoint (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ts_provider_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  TsProvider *self = TS_PROVIDER (object);
  TsProviderPrivate *priv = ts_provider_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_ID:
      priv->id = g_value_dup_string (value);
      break;

    case PROP_DISPLAY_NAME:
      priv->display_name = g_value_dup_string (value);
      break;

    case PROP_ENDPOINT:
      ts_provider_set_endpoint (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ts_provider_class_init (TsProviderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ts_provider_finalize;
  object_class->get_property = ts_provider_get_property;
  object_class->set_property = ts_provider_set_property;

  klass->list_models_async = ts_provider_real_list_models_async;
  klass->list_models_finish = ts_provider_real_list_models_finish;
  klass->generate_text_async = ts_provider_real_generate_text_async;
  klass->generate_text_finish = ts_provider_real_generate_text_finish;
  klass->generate_image_async = ts_provider_real_generate_image_async;
  klass->generate_image_finish = ts_provider_real_generate_image_finish;

  /**
   * TsProvider:id:
   *
   * The id playground files name the provider by: "ollama", "openai", "sd-webui",
   * "comfyui", "bedrock".
   */
  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * TsProvider:display-name:
   *
   * The server's name as people know it, such as "Ollama".
   */
  properties[PROP_DISPLAY_NAME] =
    g_param_spec_string ("display-name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * TsProvider:endpoint:
   *
   * Where the server is: a base URL for a local server, or an endpoint override for a
   * cloud service. %NULL means the provider's default.
   */
  properties[PROP_ENDPOINT] =
    g_param_spec_string ("endpoint", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ts_provider_init (TsProvider *self)
{
}

/**
 * ts_provider_error_is_cancelled:
 * @error: (nullable): an error
 *
 * Returns: whether @error tells of a cancellation, in this domain or in GIO's
 */
gboolean
ts_provider_error_is_cancelled (const GError *error)
{
  return error != NULL &&
         (g_error_matches (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_CANCELLED) ||
          g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED));
}

const char *
ts_provider_get_id (TsProvider *self)
{
  TsProviderPrivate *priv = ts_provider_get_instance_private (self);

  g_return_val_if_fail (TS_IS_PROVIDER (self), NULL);

  return priv->id;
}

const char *
ts_provider_get_display_name (TsProvider *self)
{
  TsProviderPrivate *priv = ts_provider_get_instance_private (self);

  g_return_val_if_fail (TS_IS_PROVIDER (self), NULL);

  return priv->display_name != NULL ? priv->display_name : priv->id;
}

const char *
ts_provider_get_endpoint (TsProvider *self)
{
  TsProviderPrivate *priv = ts_provider_get_instance_private (self);

  g_return_val_if_fail (TS_IS_PROVIDER (self), NULL);

  return priv->endpoint;
}

void
ts_provider_set_endpoint (TsProvider *self,
                          const char *endpoint)
{
  TsProviderPrivate *priv = ts_provider_get_instance_private (self);

  g_return_if_fail (TS_IS_PROVIDER (self));

  if (endpoint != NULL && *endpoint == '\0')
    endpoint = NULL;

  if (ts_set_str (&priv->endpoint, endpoint))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENDPOINT]);
}

/**
 * ts_provider_get_model_optional:
 *
 * Returns: whether a request may leave the model empty to use the one the server has
 *   loaded
 */
gboolean
ts_provider_get_model_optional (TsProvider *self)
{
  g_return_val_if_fail (TS_IS_PROVIDER (self), FALSE);

  return TS_PROVIDER_GET_CLASS (self)->model_optional;
}

void
ts_provider_list_models_async (TsProvider          *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (TS_IS_PROVIDER (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  TS_PROVIDER_GET_CLASS (self)->list_models_async (self, cancellable, callback, user_data);
}

/**
 * ts_provider_list_models_finish:
 *
 * Returns: (transfer full) (element-type TsModelInfo): the models, owning them, or %NULL with
 *   @error set
 */
GPtrArray *
ts_provider_list_models_finish (TsProvider    *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (TS_IS_PROVIDER (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  return TS_PROVIDER_GET_CLASS (self)->list_models_finish (self, result, error);
}

void
ts_provider_generate_text_async (TsProvider          *self,
                                 TsTextRequest       *request,
                                 TsTextChunkFunc      chunk_func,
                                 gpointer             chunk_data,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (TS_IS_PROVIDER (self));
  g_return_if_fail (request != NULL);
  g_return_if_fail (request->messages->len > 0);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  TS_PROVIDER_GET_CLASS (self)->generate_text_async (self, request, chunk_func, chunk_data,
                                                     cancellable, callback, user_data);
}

/**
 * ts_provider_generate_text_finish:
 *
 * Returns: (transfer full): the result, or %NULL with @error set. Text streamed before
 *   an error was real and may be kept, marked incomplete.
 */
TsTextResult *
ts_provider_generate_text_finish (TsProvider    *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (TS_IS_PROVIDER (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  return TS_PROVIDER_GET_CLASS (self)->generate_text_finish (self, result, error);
}

void
ts_provider_generate_image_async (TsProvider          *self,
                                  TsImageRequest      *request,
                                  TsProgressFunc       progress_func,
                                  gpointer             progress_data,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (TS_IS_PROVIDER (self));
  g_return_if_fail (request != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  TS_PROVIDER_GET_CLASS (self)->generate_image_async (self, request,
                                                      progress_func, progress_data,
                                                      cancellable, callback, user_data);
}

/**
 * ts_provider_generate_image_finish:
 *
 * Returns: (transfer full): the images, or %NULL with @error set
 */
TsImageResult *
ts_provider_generate_image_finish (TsProvider    *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (TS_IS_PROVIDER (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  return TS_PROVIDER_GET_CLASS (self)->generate_image_finish (self, result, error);
}

/* Models */

TsModelInfo *
ts_model_info_new (const char          *id,
                   const char          *name,
                   TsModelCapabilities  capabilities)
{
  TsModelInfo *info;

  g_return_val_if_fail (id != NULL, NULL);

  info = g_new0 (TsModelInfo, 1);
  info->id = g_strdup (id);
  info->name = g_strdup (name != NULL && *name != '\0' ? name : id);
  info->capabilities = capabilities;

  return info;
}

void
ts_model_info_free (TsModelInfo *info)
{
  if (info == NULL)
    return;

  g_free (info->id);
  g_free (info->name);
  g_free (info);
}

/* Messages */

TsMessage *
ts_message_new (TsChatRole  role,
                const char *text)
{
  TsMessage *message = g_new0 (TsMessage, 1);

  message->role = role;
  message->text = g_strdup (text != NULL ? text : "");
  message->images = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  return message;
}

void
ts_message_add_image (TsMessage *message,
                      GBytes    *png)
{
  g_return_if_fail (message != NULL);
  g_return_if_fail (png != NULL);

  g_ptr_array_add (message->images, g_bytes_ref (png));
}

void
ts_message_free (TsMessage *message)
{
  if (message == NULL)
    return;

  g_free (message->text);
  g_ptr_array_unref (message->images);
  g_free (message);
}

/* Hashing: every value goes in with a tag and, for strings and bytes, its length, so no
 * two different requests feed the checksum the same bytes. */

static void
hash_tag (GChecksum  *checksum,
          const char *tag)
{
  g_checksum_update (checksum, (const guchar *) tag, strlen (tag) + 1);
}

static void
hash_int (GChecksum  *checksum,
          const char *tag,
          gint64      value)
{
  guint64 le = GUINT64_TO_LE ((guint64) value);

  hash_tag (checksum, tag);
  g_checksum_update (checksum, (const guchar *) &le, sizeof le);
}

static void
hash_double (GChecksum  *checksum,
             const char *tag,
             double      value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  hash_tag (checksum, tag);
  g_ascii_dtostr (buffer, sizeof buffer, value);
  hash_tag (checksum, buffer);
}

static void
hash_data (GChecksum     *checksum,
           const char    *tag,
           gconstpointer  data,
           gsize          size)
{
  hash_int (checksum, tag, (gint64) size);
  if (size > 0)
    g_checksum_update (checksum, data, size);
}

static void
hash_string (GChecksum  *checksum,
             const char *tag,
             const char *value)
{
  if (value == NULL)
    hash_int (checksum, tag, -1);
  else
    hash_data (checksum, tag, value, strlen (value));
}

/* Text requests */

TsTextRequest *
ts_text_request_new (const char *model)
{
  TsTextRequest *request = g_rc_box_new0 (TsTextRequest);

  request->model = g_strdup (model != NULL ? model : "");
  request->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) ts_message_free);
  request->temperature = TS_UNSET_DOUBLE;
  request->top_p = TS_UNSET_DOUBLE;
  request->max_tokens = TS_UNSET_INT;
  request->seed = TS_UNSET_INT;

  return request;
}

TsTextRequest *
ts_text_request_ref (TsTextRequest *request)
{
  g_return_val_if_fail (request != NULL, NULL);

  return g_rc_box_acquire (request);
}

static void
text_request_clear (gpointer data)
{
  TsTextRequest *request = data;

  g_free (request->model);
  g_free (request->system);
  g_ptr_array_unref (request->messages);
  g_strfreev (request->stop);
}

void
ts_text_request_unref (TsTextRequest *request)
{
  g_rc_box_release_full (request, text_request_clear);
}

/**
 * ts_text_request_add_message:
 * @message: (transfer full): the message
 */
void
ts_text_request_add_message (TsTextRequest *request,
                             TsMessage     *message)
{
  g_return_if_fail (request != NULL);
  g_return_if_fail (message != NULL);

  g_ptr_array_add (request->messages, message);
}

gboolean
ts_text_request_has_images (TsTextRequest *request)
{
  g_return_val_if_fail (request != NULL, FALSE);

  for (guint i = 0; i < request->messages->len; i++)
    {
      TsMessage *message = g_ptr_array_index (request->messages, i);

      if (message->images->len > 0)
        return TRUE;
    }

  return FALSE;
}

/**
 * ts_text_request_hash:
 * @checksum: where to feed the request
 *
 * Feeds everything that can change the answer into @checksum: the model, every
 * parameter, the system prompt, each message's role, text and images.
 */
void
ts_text_request_hash (TsTextRequest *request,
                      GChecksum     *checksum)
{
  g_return_if_fail (request != NULL);
  g_return_if_fail (checksum != NULL);

  hash_tag (checksum, "text-request/1");
  hash_string (checksum, "model", request->model);
  hash_string (checksum, "system", request->system);
  hash_double (checksum, "temperature", request->temperature);
  hash_double (checksum, "top-p", request->top_p);
  hash_int (checksum, "max-tokens", request->max_tokens);
  hash_int (checksum, "seed", request->seed);
  hash_int (checksum, "n-stop", request->stop != NULL ? g_strv_length (request->stop) : 0);
  for (guint i = 0; request->stop != NULL && request->stop[i] != NULL; i++)
    hash_string (checksum, "stop", request->stop[i]);

  hash_int (checksum, "n-messages", request->messages->len);
  for (guint i = 0; i < request->messages->len; i++)
    {
      TsMessage *message = g_ptr_array_index (request->messages, i);

      hash_int (checksum, "role", message->role);
      hash_string (checksum, "text", message->text);
      hash_int (checksum, "n-images", message->images->len);
      for (guint j = 0; j < message->images->len; j++)
        {
          GBytes *png = g_ptr_array_index (message->images, j);
          gsize size;
          gconstpointer data = g_bytes_get_data (png, &size);

          hash_data (checksum, "image", data, size);
        }
    }
}

TsTextResult *
ts_text_result_new (void)
{
  TsTextResult *result = g_new0 (TsTextResult, 1);

  result->text = g_strdup ("");
  result->input_tokens = TS_UNSET_INT;
  result->output_tokens = TS_UNSET_INT;
  result->duration_ms = TS_UNSET_INT;
  result->tokens_per_second = TS_UNSET_DOUBLE;

  return result;
}

void
ts_text_result_free (TsTextResult *result)
{
  if (result == NULL)
    return;

  g_free (result->text);
  g_free (result->finish_reason);
  g_free (result->reasoning);
  g_free (result);
}

/* Image requests */

TsImageRequest *
ts_image_request_new (const char *model,
                      const char *prompt)
{
  TsImageRequest *request = g_rc_box_new0 (TsImageRequest);

  request->model = g_strdup (model != NULL ? model : "");
  request->prompt = g_strdup (prompt != NULL ? prompt : "");
  request->width = 1024;
  request->height = 1024;
  request->steps = TS_UNSET_INT;
  request->cfg_scale = TS_UNSET_DOUBLE;
  request->seed = -1;
  request->count = 1;

  return request;
}

TsImageRequest *
ts_image_request_ref (TsImageRequest *request)
{
  g_return_val_if_fail (request != NULL, NULL);

  return g_rc_box_acquire (request);
}

static void
image_request_clear (gpointer data)
{
  TsImageRequest *request = data;

  g_free (request->model);
  g_free (request->prompt);
  g_free (request->negative_prompt);
}

void
ts_image_request_unref (TsImageRequest *request)
{
  g_rc_box_release_full (request, image_request_clear);
}

/**
 * ts_image_request_hash:
 * @checksum: where to feed the request
 *
 * Feeds every field of @request into @checksum. A random seed hashes as random: the
 * caller decides whether such a request may be answered from a cache.
 */
void
ts_image_request_hash (TsImageRequest *request,
                       GChecksum      *checksum)
{
  g_return_if_fail (request != NULL);
  g_return_if_fail (checksum != NULL);

  hash_tag (checksum, "image-request/1");
  hash_string (checksum, "model", request->model);
  hash_string (checksum, "prompt", request->prompt);
  hash_string (checksum, "negative-prompt", request->negative_prompt);
  hash_int (checksum, "width", request->width);
  hash_int (checksum, "height", request->height);
  hash_int (checksum, "steps", request->steps);
  hash_double (checksum, "cfg-scale", request->cfg_scale);
  hash_int (checksum, "seed", request->seed);
  hash_int (checksum, "count", request->count);
}

TsImageResult *
ts_image_result_new (void)
{
  TsImageResult *result = g_new0 (TsImageResult, 1);

  result->images = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  result->seeds = g_array_new (FALSE, FALSE, sizeof (gint64));

  return result;
}

void
ts_image_result_add (TsImageResult *result,
                     GBytes        *png,
                     gint64         seed)
{
  g_return_if_fail (result != NULL);
  g_return_if_fail (png != NULL);

  g_ptr_array_add (result->images, g_bytes_ref (png));
  g_array_append_val (result->seeds, seed);
}

void
ts_image_result_free (TsImageResult *result)
{
  if (result == NULL)
    return;

  g_ptr_array_unref (result->images);
  g_array_unref (result->seeds);
  g_free (result);
}

/* Registry */

struct _TsProviderRegistry
{
  GObject     parent_instance;

  GPtrArray  *providers;
};

G_DEFINE_FINAL_TYPE (TsProviderRegistry, ts_provider_registry, G_TYPE_OBJECT)

static void
ts_provider_registry_finalize (GObject *object)
{
  TsProviderRegistry *self = TS_PROVIDER_REGISTRY (object);

  g_clear_pointer (&self->providers, g_ptr_array_unref);

  G_OBJECT_CLASS (ts_provider_registry_parent_class)->finalize (object);
}

static void
ts_provider_registry_class_init (TsProviderRegistryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ts_provider_registry_finalize;
}

static void
ts_provider_registry_init (TsProviderRegistry *self)
{
  self->providers = g_ptr_array_new_with_free_func (g_object_unref);
}

TsProviderRegistry *
ts_provider_registry_new (void)
{
  return g_object_new (TS_TYPE_PROVIDER_REGISTRY, NULL);
}

/**
 * ts_provider_registry_add:
 * @provider: a provider
 *
 * Adds @provider, replacing one with the same id.
 */
void
ts_provider_registry_add (TsProviderRegistry *self,
                          TsProvider         *provider)
{
  const char *id;

  g_return_if_fail (TS_IS_PROVIDER_REGISTRY (self));
  g_return_if_fail (TS_IS_PROVIDER (provider));

  id = ts_provider_get_id (provider);
  g_return_if_fail (id != NULL);

  for (guint i = 0; i < self->providers->len; i++)
    {
      TsProvider *other = g_ptr_array_index (self->providers, i);

      if (g_str_equal (ts_provider_get_id (other), id))
        {
          g_ptr_array_remove_index (self->providers, i);
          break;
        }
    }

  g_ptr_array_add (self->providers, g_object_ref (provider));
}

/**
 * ts_provider_registry_lookup:
 *
 * Returns: (transfer none) (nullable): the provider with @id
 */
TsProvider *
ts_provider_registry_lookup (TsProviderRegistry *self,
                             const char         *id)
{
  g_return_val_if_fail (TS_IS_PROVIDER_REGISTRY (self), NULL);

  if (id == NULL)
    return NULL;

  for (guint i = 0; i < self->providers->len; i++)
    {
      TsProvider *provider = g_ptr_array_index (self->providers, i);

      if (g_str_equal (ts_provider_get_id (provider), id))
        return provider;
    }

  return NULL;
}

/**
 * ts_provider_registry_list:
 *
 * Returns: (transfer container) (element-type TsProvider): the providers, in the order
 *   they were added
 */
GPtrArray *
ts_provider_registry_list (TsProviderRegistry *self)
{
  GPtrArray *list;

  g_return_val_if_fail (TS_IS_PROVIDER_REGISTRY (self), NULL);

  list = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < self->providers->len; i++)
    g_ptr_array_add (list, g_object_ref (g_ptr_array_index (self->providers, i)));

  return list;
}
