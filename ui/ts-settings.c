/* ts-settings.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ts-settings.h"

#include "ts-bedrock.h"
#include "ts-detect.h"
#include "ts-openai.h"
#include "ts-providers.h"
#include "ts-secrets.h"

/* The preferences that say where the model servers are and how to sign in, applied to
 * providers.
 *
 * Precedence: a value in Preferences wins over the environment, and an empty one means
 * the environment, else the usual default (for Bedrock: AWS_PROFILE, else "default").
 * The AWS region alone keeps protocols.md's order, where AWS_REGION and the profile's
 * region come before the setting. An API key stored in the keyring wins over
 * OPENAI_API_KEY or the AWS environment; with none stored those work as before. When
 * neither a setting nor OPENAI_BASE_URL names the OpenAI-compatible server, the local
 * servers found in the background point it at LM Studio or llama.cpp. */

static const struct {
  const char *provider;
  const char *key;
} endpoint_keys[] = {
  { "ollama", TS_SETTINGS_KEY_OLLAMA_ENDPOINT },
  { "openai", TS_SETTINGS_KEY_OPENAI_ENDPOINT },
  { "sd-webui", TS_SETTINGS_KEY_SD_WEBUI_ENDPOINT },
};

/**
 * ts_settings_apply_endpoint:
 * @settings: the application's settings
 * @key: a key that changed
 * @registry: the providers
 *
 * If @key names a server, points its provider there (an empty value: the default).
 */
void
ts_settings_apply_endpoint (GSettings          *settings,
                            const char         *key,
                            TsProviderRegistry *registry)
{
  for (guint i = 0; i < G_N_ELEMENTS (endpoint_keys); i++)
    {
      TsProvider *provider;
      g_autofree char *endpoint = NULL;

      if (!g_str_equal (key, endpoint_keys[i].key))
        continue;

      provider = ts_provider_registry_lookup (registry, endpoint_keys[i].provider);
      endpoint = g_settings_get_string (settings, key);
      if (provider != NULL)
        ts_provider_set_endpoint (provider, endpoint[0] != '\0' ? endpoint : NULL);
    }

  if (g_str_equal (key, TS_SETTINGS_KEY_AWS_PROFILE))
    {
      TsProvider *bedrock = ts_provider_registry_lookup (registry, "bedrock");
      g_autofree char *profile = g_settings_get_string (settings, key);

      if (TS_IS_BEDROCK_PROVIDER (bedrock))
        ts_bedrock_provider_set_profile (TS_BEDROCK_PROVIDER (bedrock), g_strstrip (profile));
    }

  if (g_str_equal (key, TS_SETTINGS_KEY_AWS_REGION))
    {
      TsProvider *bedrock = ts_provider_registry_lookup (registry, "bedrock");
      g_autofree char *region = g_settings_get_string (settings, key);

      if (TS_IS_BEDROCK_PROVIDER (bedrock))
        ts_bedrock_provider_set_region (TS_BEDROCK_PROVIDER (bedrock), region);
    }
}

/**
 * ts_settings_new_registry:
 * @settings: the application's settings
 *
 * Returns: (transfer full): the shipped providers, pointed at the servers @settings names
 */
TsProviderRegistry *
ts_settings_new_registry (GSettings *settings)
{
  TsProviderRegistry *registry = ts_providers_new_registry ();

  for (guint i = 0; i < G_N_ELEMENTS (endpoint_keys); i++)
    ts_settings_apply_endpoint (settings, endpoint_keys[i].key, registry);
  ts_settings_apply_endpoint (settings, TS_SETTINGS_KEY_AWS_REGION, registry);
  ts_settings_apply_endpoint (settings, TS_SETTINGS_KEY_AWS_PROFILE, registry);

  return registry;
}

/* Following the settings, the keyring and the local servers for one registry. The
 * state lives as long as the registry; callbacks of slow lookups hold only a weak
 * reference to it. */

typedef struct
{
  GSettings          *settings;
  GCancellable       *cancellable;
  GCancellable       *detect_cancellable;
  GPtrArray          *detect_targets;     /* nullable: the usual local servers */
  char               *openai_key;
  char               *aws_key_id;
  char               *aws_secret;
} Follow;

static void
follow_free (gpointer data)
{
  Follow *follow = data;

  g_cancellable_cancel (follow->cancellable);
  g_cancellable_cancel (follow->detect_cancellable);
  g_clear_object (&follow->cancellable);
  g_clear_object (&follow->detect_cancellable);
  g_clear_object (&follow->settings);
  g_clear_pointer (&follow->detect_targets, g_ptr_array_unref);
  g_free (follow->openai_key);
  g_free (follow->aws_key_id);
  g_free (follow->aws_secret);
  g_free (follow);
}

static Follow *
get_follow (TsProviderRegistry *registry)
{
  return g_object_get_data (G_OBJECT (registry), "ts-settings-follow");
}

/* The OpenAI-compatible key goes to the server the provider talks to now. */
static void
apply_keys (TsProviderRegistry *registry)
{
  Follow *follow = get_follow (registry);
  TsProvider *openai = ts_provider_registry_lookup (registry, "openai");
  TsProvider *bedrock = ts_provider_registry_lookup (registry, "bedrock");

  if (TS_IS_OPENAI_PROVIDER (openai))
    {
      g_autofree char *base_url = ts_openai_provider_dup_base_url (TS_OPENAI_PROVIDER (openai));

      ts_openai_provider_set_api_key (TS_OPENAI_PROVIDER (openai), base_url, follow->openai_key);
    }

  if (TS_IS_BEDROCK_PROVIDER (bedrock))
    ts_bedrock_provider_set_access_keys (TS_BEDROCK_PROVIDER (bedrock), follow->aws_key_id,
                                         follow->aws_secret);
}

/**
 * ts_settings_apply_secret:
 * @registry: providers that follow the settings (see ts_settings_follow())
 * @name: a secret's name, such as %TS_SECRET_OPENAI_API_KEY
 * @value: (nullable): its value; %NULL or "" for none
 *
 * Gives a secret from the keyring to the providers that use it.
 */
void
ts_settings_apply_secret (TsProviderRegistry *registry,
                          const char         *name,
                          const char         *value)
{
  Follow *follow;
  char **field = NULL;
  g_autofree char *stripped = NULL;

  g_return_if_fail (TS_IS_PROVIDER_REGISTRY (registry));
  g_return_if_fail (name != NULL);

  follow = get_follow (registry);
  g_return_if_fail (follow != NULL);

  if (g_str_equal (name, TS_SECRET_OPENAI_API_KEY))
    field = &follow->openai_key;
  else if (g_str_equal (name, TS_SECRET_AWS_ACCESS_KEY_ID))
    field = &follow->aws_key_id;
  else if (g_str_equal (name, TS_SECRET_AWS_SECRET_KEY))
    field = &follow->aws_secret;
  else
    return;

  /* Pasted keys often carry a space or a newline at an end. */
  stripped = g_strstrip (g_strdup (value != NULL ? value : ""));
  g_free (*field);
  *field = stripped[0] != '\0' ? g_steal_pointer (&stripped) : NULL;
  apply_keys (registry);
}

typedef struct
{
  GWeakRef  registry;
  char     *name;
} Lookup;

static void
lookup_free (Lookup *lookup)
{
  g_weak_ref_clear (&lookup->registry);
  g_free (lookup->name);
  g_free (lookup);
}

static void
secret_looked_up_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Lookup *lookup = user_data;
  g_autoptr(TsProviderRegistry) registry = g_weak_ref_get (&lookup->registry);
  g_autoptr(GError) error = NULL;
  char *value = ts_secrets_lookup_finish (result, &error);

  /* No keyring (or a locked one) is no error: the environment's keys still work. */
  if (registry != NULL && value != NULL)
    ts_settings_apply_secret (registry, lookup->name, value);
  else if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("No %s from the keyring: %s", lookup->name, error->message);

  if (value != NULL)
    ts_secrets_free (value);
  lookup_free (lookup);
}

static void
lookup_secret (TsProviderRegistry *registry,
               const char         *name)
{
  Lookup *lookup = g_new0 (Lookup, 1);

  g_weak_ref_init (&lookup->registry, registry);
  lookup->name = g_strdup (name);
  ts_secrets_lookup_async (name, get_follow (registry)->cancellable, secret_looked_up_cb,
                           lookup);
}

static void
secret_changed_cb (TsProviderRegistry *registry,
                   const char         *name)
{
  lookup_secret (registry, name);
}

static void
detected_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GWeakRef *weak = user_data;
  g_autoptr(TsProviderRegistry) registry = g_weak_ref_get (weak);
  g_autoptr(GPtrArray) servers = ts_detect_finish (result, NULL);

  g_weak_ref_clear (weak);
  g_free (weak);

  /* A setting or OPENAI_BASE_URL given meanwhile wins: ts_detect_apply() checks. */
  if (registry != NULL && servers != NULL && ts_detect_apply (registry, servers))
    apply_keys (registry);
}

/* Looks for the OpenAI-compatible servers only when nothing says where one is. */
static void
detect (TsProviderRegistry *registry)
{
  Follow *follow = get_follow (registry);
  TsProvider *openai = ts_provider_registry_lookup (registry, "openai");
  const char *env = g_getenv ("OPENAI_BASE_URL");
  g_autoptr(GPtrArray) targets = NULL;
  GWeakRef *weak;

  g_cancellable_cancel (follow->detect_cancellable);
  g_clear_object (&follow->detect_cancellable);

  if (openai == NULL || ts_provider_get_endpoint (openai) != NULL || (env != NULL && *env != '\0'))
    return;

  targets = g_ptr_array_new_with_free_func ((GDestroyNotify) ts_detected_server_free);
  if (follow->detect_targets != NULL)
    {
      for (guint i = 0; i < follow->detect_targets->len; i++)
        {
          const TsDetectedServer *target = g_ptr_array_index (follow->detect_targets, i);

          g_ptr_array_add (targets, ts_detected_server_new (target->kind, target->url));
        }
    }
  else
    {
      g_autoptr(GPtrArray) all = ts_detect_targets (registry);

      for (guint i = 0; i < all->len; i++)
        {
          const TsDetectedServer *target = g_ptr_array_index (all, i);

          if (g_str_equal (target->provider_id, "openai"))
            g_ptr_array_add (targets, ts_detected_server_new (target->kind, target->url));
        }
    }

  follow->detect_cancellable = g_cancellable_new ();
  weak = g_new0 (GWeakRef, 1);
  g_weak_ref_init (weak, registry);
  ts_detect_async (targets, TS_DETECT_DEFAULT_TIMEOUT, follow->detect_cancellable, detected_cb,
                   weak);
}

static void
settings_changed_cb (TsProviderRegistry *registry,
                     const char         *key,
                     GSettings          *settings)
{
  ts_settings_apply_endpoint (settings, key, registry);

  if (g_str_equal (key, TS_SETTINGS_KEY_OPENAI_ENDPOINT))
    {
      detect (registry);
      apply_keys (registry);
    }
}

/**
 * ts_settings_follow:
 * @settings: the application's settings
 * @registry: providers made by ts_settings_new_registry()
 * @detect_targets: (nullable): the servers to look for when nothing says where the
 *   OpenAI-compatible server is, as ts_detect_targets() gives; %NULL for the usual ones
 *
 * Keeps @registry in step with @settings and the keyring for as long as it lives: the
 * stored keys are looked up, and the local servers looked for, in the background.
 */
void
ts_settings_follow (GSettings          *settings,
                    TsProviderRegistry *registry,
                    GPtrArray          *detect_targets)
{
  static const char * const secrets[] = {
    TS_SECRET_OPENAI_API_KEY, TS_SECRET_AWS_ACCESS_KEY_ID, TS_SECRET_AWS_SECRET_KEY,
  };
  Follow *follow;

  g_return_if_fail (G_IS_SETTINGS (settings));
  g_return_if_fail (TS_IS_PROVIDER_REGISTRY (registry));
  g_return_if_fail (get_follow (registry) == NULL);

  follow = g_new0 (Follow, 1);
  follow->settings = g_object_ref (settings);
  follow->cancellable = g_cancellable_new ();
  follow->detect_targets = detect_targets != NULL ? g_ptr_array_ref (detect_targets) : NULL;
  g_object_set_data_full (G_OBJECT (registry), "ts-settings-follow", follow, follow_free);

  g_signal_connect_object (settings, "changed", G_CALLBACK (settings_changed_cb), registry,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (ts_secrets_get_default (), "changed", G_CALLBACK (secret_changed_cb),
                           registry, G_CONNECT_SWAPPED);

  for (guint i = 0; i < G_N_ELEMENTS (secrets); i++)
    lookup_secret (registry, secrets[i]);
  detect (registry);
}

/**
 * ts_settings_apply_default_model:
 * @settings: the application's settings
 * @playground: the playground of @block
 * @block: a widget just added
 *
 * Gives a new text, chat or image widget the default model of its kind from
 * Preferences, unless the playground names a model for that kind: a widget with no
 * model runs on the playground's. Saved widgets are left as they are.
 */
void
ts_settings_apply_default_model (GSettings    *settings,
                                 TsPlayground *playground,
                                 TsBlock      *block)
{
  TsBlockKind kind;
  gboolean image;
  g_autofree char *model = NULL;

  g_return_if_fail (G_IS_SETTINGS (settings));
  g_return_if_fail (TS_IS_PLAYGROUND (playground));
  g_return_if_fail (TS_IS_BLOCK (block));

  kind = ts_block_get_kind (block);
  if (!ts_block_kind_has_field (kind, TS_FIELD_MODEL) ||
      ts_block_get_string (block, TS_FIELD_MODEL)[0] != '\0')
    return;

  image = kind == TS_BLOCK_KIND_IMAGE;
  if (ts_playground_get_setting (playground, image ? "image-model" : "text-model")[0] != '\0')
    return;

  model = g_settings_get_string (settings, image ? TS_SETTINGS_KEY_DEFAULT_IMAGE_MODEL
                                                 : TS_SETTINGS_KEY_DEFAULT_TEXT_MODEL);
  g_strstrip (model);
  if (model[0] != '\0')
    ts_block_set_string (block, TS_FIELD_MODEL, model);
}
