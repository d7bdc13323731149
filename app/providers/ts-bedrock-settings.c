/* ts-bedrock-settings.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "ts-bedrock-private.h"
#include "ts-utils.h"

/* The user's AWS choices that are not endpoints: the profile of the shared files and
 * access keys kept in the keyring. What a call reads is snapshot here on the calling
 * thread, so that a worker never sees a setting change under it.
 *
 * Precedence, as Preferences explain it: a profile chosen in Tessera stands in for
 * AWS_PROFILE (as the AWS CLI's --profile does); an empty one means AWS_PROFILE, else
 * "default". Access keys stored in Tessera win over every other source; without them
 * the order of protocols.md holds (AWS_BEARER_TOKEN_BEDROCK, the environment's keys,
 * the profile, its credential_process). */

/**
 * ts_bedrock_provider_set_profile:
 * @profile: (nullable): the profile to read in the shared files; %NULL or "" for
 *   AWS_PROFILE, else "default"
 *
 * The cached credentials and model lists are dropped when the profile changes.
 */
void
ts_bedrock_provider_set_profile (TsBedrockProvider *self,
                                 const char        *profile)
{
  g_return_if_fail (TS_IS_BEDROCK_PROVIDER (self));

  if (profile != NULL && *profile == '\0')
    profile = NULL;
  if (!ts_set_str (&self->profile, profile))
    return;

  ts_bedrock_provider_forget_credentials (self);
  g_hash_table_remove_all (self->model_cache);
}

const char *
ts_bedrock_provider_get_profile (TsBedrockProvider *self)
{
  g_return_val_if_fail (TS_IS_BEDROCK_PROVIDER (self), NULL);

  return self->profile;
}

/**
 * ts_bedrock_provider_set_access_keys:
 * @access_key_id: (nullable): an access key id; %NULL or "" for none
 * @secret_access_key: (nullable): its secret
 *
 * Long-term access keys from the user's keyring, used before any other credentials
 * when both halves are set.
 */
void
ts_bedrock_provider_set_access_keys (TsBedrockProvider *self,
                                     const char        *access_key_id,
                                     const char        *secret_access_key)
{
  gboolean changed;

  g_return_if_fail (TS_IS_BEDROCK_PROVIDER (self));

  if (access_key_id != NULL && *access_key_id == '\0')
    access_key_id = NULL;
  if (secret_access_key != NULL && *secret_access_key == '\0')
    secret_access_key = NULL;

  changed = ts_set_str (&self->access_key_id, access_key_id);
  changed |= ts_set_str (&self->secret_access_key, secret_access_key);
  if (changed)
    ts_bedrock_provider_forget_credentials (self);
}

/* The environment a call reads: the one given for tests or the process's, with the
 * profile chosen in Tessera in place of AWS_PROFILE. */
GStrv
_ts_bedrock_provider_dup_environ (TsBedrockProvider *self)
{
  GStrv envp = self->environ != NULL ? g_strdupv (self->environ) : g_get_environ ();

  if (self->profile != NULL)
    envp = g_environ_setenv (envp, "AWS_PROFILE", self->profile, TRUE);

  return envp;
}

/* The stored access keys, if both halves are set; a key with spaces gives an error
 * naming where it came from, never its value. */
gboolean
_ts_bedrock_provider_stored_keys (TsBedrockProvider  *self,
                                  TsAwsCredentials  **credentials,
                                  GError            **error)
{
  *credentials = NULL;
  if (self->access_key_id == NULL || self->secret_access_key == NULL)
    return TRUE;

  *credentials = ts_aws_credentials_new_keys (self->access_key_id, self->secret_access_key,
                                              _("the access key stored in Preferences"), error);
  return *credentials != NULL;
}
