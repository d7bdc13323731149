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

  if (removing)
    {
      secret_password_clear_finish (result, &error);
      if (error == NULL)
        g_task_return_boolean (task, TRUE);
      else
        g_task_return_error (task, error);
      return;
    }

  if (secret_password_store_finish (result, &error))
    g_task_return_boolean (task, TRUE);
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
