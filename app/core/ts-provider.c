/* ts-provider.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ts-provider.h"
#include "ts-utils.h"

/* The one interface every model server client implements. The requests and results it
 * exchanges are in ts-provider-request.c, the registry a runner looks providers up in is
 * in ts-provider-registry.c. */

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
