/* ts-secrets.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ts-secrets.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>

/* API keys live in the user's keyring through libsecret, never in GSettings, a file or a
 * log. An empty value removes the secret. */

struct _TsSecrets
{
  GObject parent_instance;
};

G_DEFINE_FINAL_TYPE (TsSecrets, ts_secrets, G_TYPE_OBJECT)

enum {
  SIGNAL_CHANGED,
  N_SIGNALS,
};

static guint signals[N_SIGNALS];

static void
ts_secrets_class_init (TsSecretsClass *klass)
{
  /**
   * TsSecrets::changed:
   * @name: the name of the secret, such as %TS_SECRET_OPENAI_API_KEY
   *
   * A secret was stored or removed; look it up again to use the new value.
   */
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
ts_secrets_init (TsSecrets *self)
{
}

/**
 * ts_secrets_get_default:
 *
 * Returns: (transfer none): the object that tells when a secret changes
 */
TsSecrets *
ts_secrets_get_default (void)
{
  static TsSecrets *secrets;

  if (g_once_init_enter (&secrets))
    g_once_init_leave (&secrets, g_object_new (TS_TYPE_SECRETS, NULL));

  return secrets;
}

/**
 * ts_secrets_emit_changed:
 * @name: the secret that changed
 *
 * Emits #TsSecrets::changed with @name as detail.
 */
void
ts_secrets_emit_changed (TsSecrets  *self,
                         const char *name)
{
  g_return_if_fail (TS_IS_SECRETS (self));
  g_return_if_fail (name != NULL);

  g_signal_emit (self, signals[SIGNAL_CHANGED], g_quark_from_string (name), name);
}

static const SecretSchema *
get_schema (void)
{
  static const SecretSchema schema = {
    APP_ID ".Secret", SECRET_SCHEMA_NONE,
    {
      { "name", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
  };

  return &schema;
}

static void
stored_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  gboolean removing = GPOINTER_TO_INT (g_task_get_task_data (task));
  const char *name = g_object_get_data (G_OBJECT (task), "ts-secret-name");

  if (removing)
    {
      secret_password_clear_finish (result, &error);
      if (error == NULL)
        {
          ts_secrets_emit_changed (ts_secrets_get_default (), name);
          g_task_return_boolean (task, TRUE);
        }
      else
        g_task_return_error (task, error);
      return;
    }

  if (secret_password_store_finish (result, &error))
    {
      ts_secrets_emit_changed (ts_secrets_get_default (), name);
      g_task_return_boolean (task, TRUE);
    }
  else
    g_task_return_error (task, error);
}

void
ts_secrets_store_async (const char          *name,
                        const char          *value,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  GTask *task;
  g_autofree char *label = NULL;

  g_return_if_fail (name != NULL);
  g_return_if_fail (value != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ts_secrets_store_async);
  g_object_set_data_full (G_OBJECT (task), "ts-secret-name", g_strdup (name), g_free);
  g_task_set_task_data (task, GINT_TO_POINTER (value[0] == '\0'), NULL);

  if (value[0] == '\0')
    {
      secret_password_clear (get_schema (), cancellable, stored_cb, task, "name", name, NULL);
      return;
    }

  /* Translators: the label of a secret in the keyring; %s is its name */
  label = g_strdup_printf (_("Tessera: %s"), name);
  secret_password_store (get_schema (), SECRET_COLLECTION_DEFAULT, label, value, cancellable,
                         stored_cb, task, "name", name, NULL);
}

gboolean
ts_secrets_store_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
looked_up_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char *value = secret_password_lookup_finish (result, &error);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, value != NULL ? value : g_strdup (""),
                           (GDestroyNotify) secret_password_free);
}

void
ts_secrets_lookup_async (const char          *name,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (name != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ts_secrets_lookup_async);
  secret_password_lookup (get_schema (), cancellable, looked_up_cb, task, "name", name, NULL);
}

/**
 * ts_secrets_lookup_finish:
 * @result: the result given to the callback
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): the secret, "" if there is none; free it with
 *   secret_password_free()
 */
char *
ts_secrets_lookup_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * ts_secrets_free:
 * @value: a secret from ts_secrets_lookup_finish()
 *
 * Frees @value, clearing its memory first.
 */
void
ts_secrets_free (char *value)
{
  secret_password_free (value);
}
