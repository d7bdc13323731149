/* ts-detect.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "ts-detect.h"
#include "ts-http.h"
#include "ts-ollama.h"
#include "ts-openai.h"
#include "ts-provider-common.h"
#include "ts-sdwebui.h"

/* Probes the usual local servers all at once, each with the same short deadline, and
 * says for each whether it is up, its version where it tells one, and its models.
 * Ollama answers /api/version; llama-server /health (503 while it loads its model); LM
 * Studio and other OpenAI-compatible servers /v1/models; the SD WebUI /sdapi/v1/sd-models
 * (404 when started without --api). A probe uses a provider of its own at the target's
 * address, so the registry's providers are never touched. */

static const struct
{
  const char *name;
  const char *provider_id;
  const char *how_to_start;
} kinds[] = {
  [TS_SERVER_KIND_OLLAMA] = { "Ollama", "ollama", "start it with `ollama serve`" },
  [TS_SERVER_KIND_LLAMA_CPP] = { "llama.cpp (llama-server)", "openai", "start it with `llama-server -m MODEL.gguf`" },
  [TS_SERVER_KIND_LM_STUDIO] = { "LM Studio", "openai", "start its server with `lms server start`" },
  [TS_SERVER_KIND_OPENAI] = { "OpenAI-compatible server", "openai", NULL },
  [TS_SERVER_KIND_SD_WEBUI] = { "Stable Diffusion WebUI", "sd-webui", "start it with `./webui.sh --api`" },
};

TsDetectedServer *
ts_detected_server_new (TsServerKind  kind,
                        const char   *url)
{
  TsDetectedServer *server = g_new0 (TsDetectedServer, 1);

  g_return_val_if_fail (kind <= TS_SERVER_KIND_SD_WEBUI, NULL);
  g_return_val_if_fail (url != NULL, NULL);

  server->kind = kind;
  server->name = g_strdup (kinds[kind].name);
  server->provider_id = g_strdup (kinds[kind].provider_id);
  server->url = g_strdup (url);
  server->state = TS_SERVER_DOWN;
  server->models = g_ptr_array_new_with_free_func ((GDestroyNotify) ts_model_info_free);

  return server;
}

void
ts_detected_server_free (TsDetectedServer *server)
{
  if (server == NULL)
    return;

  g_free (server->name);
  g_free (server->provider_id);
  g_free (server->url);
  g_free (server->version);
  g_free (server->message);
  g_ptr_array_unref (server->models);
  g_free (server);
}

const char *
ts_server_state_to_string (TsServerState state)
{
  switch (state)
    {
    case TS_SERVER_UP: return "up";
    case TS_SERVER_STARTING: return "starting";
    case TS_SERVER_NO_API: return "up, API off";
    case TS_SERVER_FAILED: return "not answering as expected";
    case TS_SERVER_DOWN:
    default: return "down";
    }
}

/**
 * ts_server_kind_how_to_start:
 *
 * Returns: (nullable): what to run to start such a server
 */
const char *
ts_server_kind_how_to_start (TsServerKind kind)
{
  g_return_val_if_fail (kind <= TS_SERVER_KIND_SD_WEBUI, NULL);

  return kinds[kind].how_to_start;
}

static TsServerKind
kind_for_openai_url (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  int port = uri != NULL ? g_uri_get_port (uri) : -1;

  if (port == 8080)
    return TS_SERVER_KIND_LLAMA_CPP;
  if (port == 1234)
    return TS_SERVER_KIND_LM_STUDIO;
  return TS_SERVER_KIND_OPENAI;
}

/**
 * ts_detect_targets:
 * @registry: (nullable): the providers whose endpoints to probe; %NULL for the defaults
 *
 * Lists the servers to probe: Ollama and the SD WebUI where their providers point, and
 * for the "openai" provider its endpoint when one is set (or OPENAI_BASE_URL), else both
 * llama-server (8080) and LM Studio (1234).
 *
 * Returns: (transfer full) (element-type TsDetectedServer): the targets, all down so far
 */
GPtrArray *
ts_detect_targets (TsProviderRegistry *registry)
{
  GPtrArray *targets = g_ptr_array_new_with_free_func ((GDestroyNotify) ts_detected_server_free);
  TsProvider *ollama = registry != NULL ? ts_provider_registry_lookup (registry, "ollama") : NULL;
  TsProvider *openai = registry != NULL ? ts_provider_registry_lookup (registry, "openai") : NULL;
  TsProvider *sdwebui = registry != NULL ? ts_provider_registry_lookup (registry, "sd-webui") : NULL;
  g_autoptr(TsProvider) default_ollama = ts_ollama_provider_new ();
  g_autoptr(TsProvider) default_sdwebui = ts_sdwebui_provider_new ();
  g_autofree char *ollama_url = NULL;
  g_autofree char *sdwebui_url = NULL;
  const char *openai_endpoint = openai != NULL ? ts_provider_get_endpoint (openai) : NULL;
  const char *openai_env = g_getenv ("OPENAI_BASE_URL");

  ollama_url = ts_ollama_provider_dup_base_url (TS_OLLAMA_PROVIDER (TS_IS_OLLAMA_PROVIDER (ollama) ? ollama : default_ollama));
  g_ptr_array_add (targets, ts_detected_server_new (TS_SERVER_KIND_OLLAMA, ollama_url));

  if (openai_endpoint == NULL && openai_env != NULL && *openai_env != '\0')
    openai_endpoint = openai_env;
  if (openai_endpoint != NULL)
    {
      g_autofree char *url = ts_openai_normalize_base_url (openai_endpoint);

      g_ptr_array_add (targets, ts_detected_server_new (kind_for_openai_url (url), url));
    }
  else
    {
      g_ptr_array_add (targets, ts_detected_server_new (TS_SERVER_KIND_LLAMA_CPP, TS_LLAMA_CPP_DEFAULT_URL));
      g_ptr_array_add (targets, ts_detected_server_new (TS_SERVER_KIND_LM_STUDIO, TS_LM_STUDIO_DEFAULT_URL));
    }

  sdwebui_url = ts_sdwebui_provider_dup_base_url (TS_SDWEBUI_PROVIDER (TS_IS_SDWEBUI_PROVIDER (sdwebui) ? sdwebui : default_sdwebui));
  g_ptr_array_add (targets, ts_detected_server_new (TS_SERVER_KIND_SD_WEBUI, sdwebui_url));

  return targets;
}

/* Probing */

typedef struct
{
  GPtrArray    *servers;
  TsHttpClient *client;
  GCancellable *cancellable;
  GSource      *deadline;
  gulong        caller_cancelled_id;
  GCancellable *caller_cancellable;
  guint         timeout_ms;
  guint         pending;
} DetectJob;

typedef struct
{
  GTask            *task;
  TsDetectedServer *server;
  TsProvider       *provider;
} Probe;

static void
detect_job_free (gpointer data)
{
  DetectJob *job = data;

  if (job->deadline != NULL)
    {
      g_source_destroy (job->deadline);
      g_source_unref (job->deadline);
    }
  if (job->caller_cancelled_id != 0)
    g_cancellable_disconnect (job->caller_cancellable, job->caller_cancelled_id);
  g_clear_object (&job->caller_cancellable);
  g_clear_object (&job->cancellable);
  g_clear_object (&job->client);
  g_ptr_array_unref (job->servers);
  g_free (job);
}

static void
detect_step_done (GTask *task)
{
  DetectJob *job = g_task_get_task_data (task);

  if (--job->pending > 0)
    return;

  if (g_cancellable_is_cancelled (job->caller_cancellable))
    g_task_return_new_error (task, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_CANCELLED, "Cancelled");
  else
    g_task_return_pointer (task, g_ptr_array_ref (job->servers), (GDestroyNotify) g_ptr_array_unref);
}

static void
probe_done (Probe *probe)
{
  GTask *task = probe->task;

  g_object_unref (probe->provider);
  g_free (probe);

  detect_step_done (task);
  g_object_unref (task);
}

/* Records why a probe found no usable server. */
static void
probe_failed (Probe        *probe,
              const GError *error)
{
  TsDetectedServer *server = probe->server;
  DetectJob *job = g_task_get_task_data (probe->task);

  if (ts_provider_error_is_cancelled (error))
    {
      if (server->state == TS_SERVER_UP)
        server->message = g_strdup_printf ("listed no models within %u ms", job->timeout_ms);
      else
        {
          server->state = TS_SERVER_DOWN;
          server->message = g_strdup_printf ("no answer within %u ms", job->timeout_ms);
        }
      return;
    }

  if (g_error_matches (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_UNREACHABLE))
    server->state = strstr (error->message, "runs without its API") != NULL ? TS_SERVER_NO_API : TS_SERVER_DOWN;
  else if (g_error_matches (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_SERVER) &&
           server->state != TS_SERVER_UP)
    server->state = TS_SERVER_DOWN;
  else
    server->state = TS_SERVER_FAILED;

  server->message = g_strdup (error->message);
}

static void
models_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Probe *probe = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) models = ts_provider_list_models_finish (TS_PROVIDER (object), result, &error);

  if (models == NULL)
    {
      probe_failed (probe, error);
    }
  else
    {
      probe->server->state = TS_SERVER_UP;
      g_ptr_array_extend_and_steal (probe->server->models, g_steal_pointer (&models));
    }

  probe_done (probe);
}

static void
list_models (Probe *probe)
{
  DetectJob *job = g_task_get_task_data (probe->task);

  ts_provider_list_models_async (probe->provider, job->cancellable, models_cb, probe);
}

static void
version_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Probe *probe = user_data;
  g_autoptr(GError) error = NULL;
  char *version = ts_ollama_provider_get_version_finish (TS_OLLAMA_PROVIDER (object), result, &error);

  if (version == NULL)
    {
      probe_failed (probe, error);
      probe_done (probe);
      return;
    }

  probe->server->version = version;
  probe->server->state = TS_SERVER_UP;
  list_models (probe);
}

static void
health_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Probe *probe = user_data;
  TsDetectedServer *server = probe->server;
  g_autoptr(GError) error = NULL;
  g_autoptr(TsHttpResponse) response = ts_http_client_send_finish (TS_HTTP_CLIENT (object), result, &error);

  if (response == NULL)
    {
      g_autoptr(GError) mapped = ts_http_error_to_provider (error, server->name, server->url,
                                                            kinds[server->kind].how_to_start);

      probe_failed (probe, mapped);
      probe_done (probe);
      return;
    }

  if (ts_http_response_get_status (response) == 503)
    {
      g_autoptr(GBytes) body = ts_http_response_get_body (response);
      g_autofree char *message = ts_provider_server_message (body);

      server->state = TS_SERVER_STARTING;
      server->message = g_strdup (message != NULL ? message : "loading");
      probe_done (probe);
      return;
    }

  /* 200, or a server without /health that may still speak the API. */
  list_models (probe);
}

static char *
server_root (const char *url)
{
  g_autofree char *root = g_strdup (url);

  if (g_str_has_suffix (root, "/v1"))
    root[strlen (root) - 3] = '\0';
  return g_steal_pointer (&root);
}

static void
probe_start (GTask            *task,
             TsDetectedServer *server)
{
  DetectJob *job = g_task_get_task_data (task);
  Probe *probe = g_new0 (Probe, 1);

  probe->task = g_object_ref (task);
  probe->server = server;
  job->pending++;

  switch (server->kind)
    {
    case TS_SERVER_KIND_OLLAMA:
      probe->provider = ts_ollama_provider_new ();
      ts_provider_set_endpoint (probe->provider, server->url);
      /* The shared deadline ends every probe; the request's own timeouts only back it up. */
      ts_ollama_provider_get_version_async (TS_OLLAMA_PROVIDER (probe->provider), job->timeout_ms + 1000,
                                            job->cancellable, version_cb, probe);
      break;

    case TS_SERVER_KIND_LLAMA_CPP:
      {
        g_autofree char *root = server_root (server->url);
        g_autofree char *url = ts_http_build_url (root, "/health");
        g_autoptr(TsHttpRequest) request = ts_http_request_new ("GET", url);

        probe->provider = ts_openai_provider_new ();
        ts_provider_set_endpoint (probe->provider, server->url);
        ts_http_request_set_connect_timeout (request, job->timeout_ms + 1000);
        ts_http_request_set_total_timeout (request, job->timeout_ms + 1000);
        ts_http_client_send_async (job->client, request, NULL, NULL, NULL, job->cancellable,
                                   health_cb, probe);
      }
      break;

    case TS_SERVER_KIND_LM_STUDIO:
    case TS_SERVER_KIND_OPENAI:
      probe->provider = ts_openai_provider_new ();
      ts_provider_set_endpoint (probe->provider, server->url);
      /* A server that wants a key says so with a 401, which the report shows. */
      list_models (probe);
      break;

    case TS_SERVER_KIND_SD_WEBUI:
    default:
      probe->provider = ts_sdwebui_provider_new ();
      ts_provider_set_endpoint (probe->provider, server->url);
      list_models (probe);
      break;
    }
}

static gboolean
deadline_cb (gpointer user_data)
{
  DetectJob *job = user_data;

  g_clear_pointer (&job->deadline, g_source_unref);
  g_cancellable_cancel (job->cancellable);

  return G_SOURCE_REMOVE;
}

static void
caller_cancelled_cb (GCancellable *caller,
                     GCancellable *ours)
{
  g_cancellable_cancel (ours);
}

/**
 * ts_detect_async:
 * @targets: (element-type TsDetectedServer): from ts_detect_targets(); filled in place
 * @timeout_ms: the deadline for every probe, counted from now
 *
 * Probes every target at once. Whatever has not answered by @timeout_ms is reported
 * down, so the whole run ends within about @timeout_ms.
 */
void
ts_detect_async (GPtrArray           *targets,
                 guint                timeout_ms,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  DetectJob *job;

  g_return_if_fail (targets != NULL);
  g_return_if_fail (timeout_ms > 0);

  job = g_new0 (DetectJob, 1);
  job->servers = g_ptr_array_ref (targets);
  job->client = ts_http_client_new ();
  job->cancellable = g_cancellable_new ();
  job->timeout_ms = timeout_ms;
  if (cancellable != NULL)
    {
      job->caller_cancellable = g_object_ref (cancellable);
      job->caller_cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (caller_cancelled_cb),
                                                        job->cancellable, NULL);
    }

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ts_detect_async);
  g_task_set_task_data (task, job, detect_job_free);
  g_task_set_check_cancellable (task, FALSE);

  job->deadline = g_timeout_source_new (timeout_ms);
  g_source_set_callback (job->deadline, deadline_cb, job, NULL);
  g_source_attach (job->deadline, g_main_context_get_thread_default ());

  /* Counted from one so no probe ends the task before all have started. */
  job->pending = 1;
  for (guint i = 0; i < targets->len; i++)
    probe_start (task, g_ptr_array_index (targets, i));

  detect_step_done (task);
}

/**
 * ts_detect_finish:
 *
 * Returns: (transfer full) (element-type TsDetectedServer): the targets, filled in
 */
GPtrArray *
ts_detect_finish (GAsyncResult  *result,
                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * ts_detect_apply:
 *
 * Points the "openai" provider at the first OpenAI-compatible server found up, when
 * neither its endpoint nor OPENAI_BASE_URL says where to go.
 *
 * Returns: whether an endpoint was set
 */
gboolean
ts_detect_apply (TsProviderRegistry *registry,
                 GPtrArray          *servers)
{
  TsProvider *openai;
  const char *env = g_getenv ("OPENAI_BASE_URL");

  g_return_val_if_fail (TS_IS_PROVIDER_REGISTRY (registry), FALSE);
  g_return_val_if_fail (servers != NULL, FALSE);

  openai = ts_provider_registry_lookup (registry, "openai");
  if (openai == NULL || ts_provider_get_endpoint (openai) != NULL || (env != NULL && *env != '\0'))
    return FALSE;

  for (guint i = 0; i < servers->len; i++)
    {
      TsDetectedServer *server = g_ptr_array_index (servers, i);

      if (g_str_equal (server->provider_id, "openai") && server->state == TS_SERVER_UP)
        {
          ts_provider_set_endpoint (openai, server->url);
          return TRUE;
        }
    }

  return FALSE;
}
