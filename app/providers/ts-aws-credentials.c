/* ts-aws-credentials.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ts-aws-credentials.h"

#include <cjson/cJSON.h>
#include <glib/gi18n.h>
#include <string.h>

#include "ts-aws-config.h"
#include "ts-provider.h"

/* Where the AWS credentials and region come from, in the order of the AWS SDKs:
 *
 *   1. a Bedrock API key in AWS_BEARER_TOKEN_BEDROCK (sent as a bearer token, no SigV4);
 *   2. AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN);
 *   3. the profile AWS_PROFILE (default "default") in the shared credentials file
 *      (AWS_SHARED_CREDENTIALS_FILE, ~/.aws/credentials, sections "[NAME]"), then in the
 *      shared config file (AWS_CONFIG_FILE, ~/.aws/config, sections "[profile NAME]" and
 *      "[default]");
 *   4. the profile's credential_process, run without a shell.
 *
 * The environment is a parameter, so the tests resolve against one of their own. No
 * message ever holds a secret: the errors name variables, files, lines and keys only.
 * Expiry is known from credential_process's "Expiration", from AWS_CREDENTIAL_EXPIRATION
 * (which "aws configure export-credentials --format env" writes) and from the
 * x_security_token_expires key that SAML and SSO helpers write into the shared files. */

#define PROCESS_MAX_OUTPUT (64 * 1024)

static void
wipe_free (char *secret)
{
  if (secret == NULL)
    return;

  explicit_bzero (secret, strlen (secret));
  g_free (secret);
}

void
ts_aws_credentials_free (TsAwsCredentials *credentials)
{
  if (credentials == NULL)
    return;

  g_free (credentials->access_key_id);
  wipe_free (credentials->secret_access_key);
  wipe_free (credentials->session_token);
  wipe_free (credentials->bearer_token);
  g_clear_pointer (&credentials->expiration, g_date_time_unref);
  g_free (credentials->source);
  g_free (credentials);
}

TsAwsCredentials *
ts_aws_credentials_copy (const TsAwsCredentials *credentials)
{
  TsAwsCredentials *copy;

  g_return_val_if_fail (credentials != NULL, NULL);

  copy = g_new0 (TsAwsCredentials, 1);
  copy->kind = credentials->kind;
  copy->access_key_id = g_strdup (credentials->access_key_id);
  copy->secret_access_key = g_strdup (credentials->secret_access_key);
  copy->session_token = g_strdup (credentials->session_token);
  copy->bearer_token = g_strdup (credentials->bearer_token);
  copy->expiration = credentials->expiration != NULL ? g_date_time_ref (credentials->expiration)
                                                     : NULL;
  copy->source = g_strdup (credentials->source);
  copy->refreshable = credentials->refreshable;

  return copy;
}

/**
 * ts_aws_credentials_needs_refresh:
 * @now: the current time
 *
 * Returns: whether @credentials expire within %TS_AWS_REFRESH_MARGIN_SECONDS of @now
 */
gboolean
ts_aws_credentials_needs_refresh (TsAwsCredentials *credentials,
                                  GDateTime        *now)
{
  g_return_val_if_fail (credentials != NULL && now != NULL, TRUE);

  if (credentials->expiration == NULL)
    return FALSE;

  return g_date_time_difference (credentials->expiration, now) <
         (GTimeSpan) TS_AWS_REFRESH_MARGIN_SECONDS * G_TIME_SPAN_SECOND;
}

/**
 * ts_aws_getenv:
 * @envp: an environment
 * @name: a variable
 *
 * Returns: (nullable): the value of @name in @envp, %NULL when it is unset or empty, as
 *   the AWS SDKs read their variables
 */
const char *
ts_aws_getenv (const char * const *envp,
               const char         *name)
{
  const char *value = g_environ_getenv ((char **) envp, name);

  return value != NULL && *value != '\0' ? value : NULL;
}

static void
set_auth_error (GError     **error,
                const char  *format,
                va_list      args) G_GNUC_PRINTF (2, 0);

static void
set_auth_error (GError     **error,
                const char  *format,
                va_list      args)
{
  g_propagate_error (error, g_error_new_valist (TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_AUTH,
                                                format, args));
}

static gboolean
auth_error (GError     **error,
            const char  *format,
            ...) G_GNUC_PRINTF (2, 3);

static gboolean
auth_error (GError     **error,
            const char  *format,
            ...)
{
  va_list args;

  va_start (args, format);
  set_auth_error (error, format, args);
  va_end (args);

  return FALSE;
}

static gpointer
auth_null (GError     **error,
           const char  *format,
           ...) G_GNUC_PRINTF (2, 3);

static gpointer
auth_null (GError     **error,
           const char  *format,
           ...)
{
  va_list args;

  va_start (args, format);
  set_auth_error (error, format, args);
  va_end (args);

  return NULL;
}

/* A key, token or id: printable ASCII without spaces. */
static gboolean
is_token (const char *value)
{
  if (value == NULL || *value == '\0')
    return FALSE;

  for (const guchar *p = (const guchar *) value; *p != '\0'; p++)
    if (*p <= 0x20 || *p >= 0x7f)
      return FALSE;

  return TRUE;
}

static GDateTime *
parse_time (const char *text)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();

  return text != NULL ? g_date_time_new_from_iso8601 (text, utc) : NULL;
}

static gboolean
check_expiry (TsAwsCredentials  *credentials,
              GDateTime         *now,
              GError           **error)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autofree char *when = NULL;

  if (credentials->expiration == NULL || g_date_time_compare (now, credentials->expiration) < 0)
    return TRUE;

  utc = g_date_time_to_utc (credentials->expiration);
  when = g_date_time_format (utc, "%Y-%m-%d %H:%M:%S UTC");
  return auth_error (error,
                     _("the AWS session token from %s expired at %s: refresh your credentials "
                       "(for example with “aws sso login”) and try again"),
                     credentials->source, when);
}

/**
 * ts_aws_credentials_new_keys:
 * @access_key_id: an access key id
 * @secret_access_key: its secret
 * @source: where they come from, for messages
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): long-term access keys to sign with, or %NULL with
 *   @error set when one of them is empty or holds spaces or control characters
 */
TsAwsCredentials *
ts_aws_credentials_new_keys (const char  *access_key_id,
                             const char  *secret_access_key,
                             const char  *source,
                             GError     **error)
{
  TsAwsCredentials *credentials;

  g_return_val_if_fail (source != NULL, NULL);

  if (!is_token (access_key_id) || !is_token (secret_access_key))
    return auth_null (error, _("the access key id or secret access key of %s is empty or "
                                "holds spaces or control characters"), source);

  credentials = g_new0 (TsAwsCredentials, 1);
  credentials->kind = TS_AWS_CREDENTIALS_KEYS;
  credentials->access_key_id = g_strdup (access_key_id);
  credentials->secret_access_key = g_strdup (secret_access_key);
  credentials->source = g_strdup (source);

  return credentials;
}

static TsAwsCredentials *
from_environment (const char * const  *envp,
                  GError             **error)
{
  const char *bearer = ts_aws_getenv (envp, "AWS_BEARER_TOKEN_BEDROCK");
  const char *id = ts_aws_getenv (envp, "AWS_ACCESS_KEY_ID");
  const char *secret = ts_aws_getenv (envp, "AWS_SECRET_ACCESS_KEY");
  const char *token = ts_aws_getenv (envp, "AWS_SESSION_TOKEN");
  const char *expiration = ts_aws_getenv (envp, "AWS_CREDENTIAL_EXPIRATION");
  g_autoptr(TsAwsCredentials) credentials = NULL;

  if (bearer != NULL)
    {
      if (!is_token (bearer))
        return auth_null (error, _("AWS_BEARER_TOKEN_BEDROCK holds spaces or control "
                                    "characters; a Bedrock API key has none"));

      credentials = g_new0 (TsAwsCredentials, 1);
      credentials->kind = TS_AWS_CREDENTIALS_BEARER;
      credentials->bearer_token = g_strdup (bearer);
      credentials->source = g_strdup ("AWS_BEARER_TOKEN_BEDROCK");
      return g_steal_pointer (&credentials);
    }

  if (id == NULL && secret == NULL)
    return NULL;

  if (id == NULL || secret == NULL)
    return auth_null (error, _("%s is set but %s is not: set both, or neither to use the "
                                "shared credentials file"),
                       id != NULL ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY",
                       id != NULL ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID");

  if (!is_token (id) || !is_token (secret) || (token != NULL && !is_token (token)))
    return auth_null (error, _("AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY or AWS_SESSION_TOKEN "
                                "holds spaces or control characters"));

  credentials = g_new0 (TsAwsCredentials, 1);
  credentials->kind = TS_AWS_CREDENTIALS_KEYS;
  credentials->access_key_id = g_strdup (id);
  credentials->secret_access_key = g_strdup (secret);
  credentials->session_token = g_strdup (token);
  credentials->source = g_strdup (_("the environment (AWS_ACCESS_KEY_ID)"));

  if (expiration != NULL && (credentials->expiration = parse_time (expiration)) == NULL)
    return auth_null (error, _("AWS_CREDENTIAL_EXPIRATION is not an ISO 8601 time"));

  return g_steal_pointer (&credentials);
}

/* The named profile in both shared files. */
typedef struct
{
  char            *name;
  gboolean         named;            /* by AWS_PROFILE, rather than the default */
  char            *credentials_path;
  char            *config_path;
  TsAwsConfigFile *credentials;      /* NULL when the file does not exist */
  TsAwsConfigFile *config;
  char            *config_section;   /* NULL when the config file lacks the profile */
} Profile;

static void
profile_clear (Profile *profile)
{
  g_free (profile->name);
  g_free (profile->credentials_path);
  g_free (profile->config_path);
  g_clear_pointer (&profile->credentials, ts_aws_config_file_free);
  g_clear_pointer (&profile->config, ts_aws_config_file_free);
  g_free (profile->config_section);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Profile, profile_clear)

static char *
file_path (const char * const *envp,
           const char         *variable,
           const char         *name)
{
  const char *home = ts_aws_getenv (envp, "HOME");
  const char *value = ts_aws_getenv (envp, variable);

  if (home == NULL)
    home = g_get_home_dir ();

  if (value == NULL)
    return g_build_filename (home, ".aws", name, NULL);
  if (g_str_has_prefix (value, "~/"))
    return g_build_filename (home, value + 2, NULL);

  return g_strdup (value);
}

static gboolean
load_shared_file (const char        *path,
                  TsAwsConfigFile  **file,
                  GError           **error)
{
  g_autoptr(GError) local_error = NULL;

  *file = ts_aws_config_file_load (path, &local_error);
  if (*file != NULL || g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    return TRUE;

  if (local_error->domain == G_IO_ERROR)
    return auth_error (error, _("the AWS shared file is malformed: %s"), local_error->message);

  return auth_error (error, _("cannot read the AWS shared file %s: %s"), path,
                     local_error->message);
}

static gboolean
profile_load (Profile             *profile,
              const char * const  *envp,
              GError             **error)
{
  const char *name = ts_aws_getenv (envp, "AWS_PROFILE");

  profile->named = name != NULL;
  profile->name = g_strdup (name != NULL ? name : "default");
  profile->credentials_path = file_path (envp, "AWS_SHARED_CREDENTIALS_FILE", "credentials");
  profile->config_path = file_path (envp, "AWS_CONFIG_FILE", "config");

  if (!load_shared_file (profile->credentials_path, &profile->credentials, error) ||
      !load_shared_file (profile->config_path, &profile->config, error))
    return FALSE;

  if (profile->config != NULL)
    {
      g_autofree char *prefixed = g_strdup_printf ("profile %s", profile->name);

      if (ts_aws_config_file_has_section (profile->config, prefixed))
        profile->config_section = g_steal_pointer (&prefixed);
      else if (strcmp (profile->name, "default") == 0 &&
               ts_aws_config_file_has_section (profile->config, "default"))
        profile->config_section = g_strdup ("default");
    }

  return TRUE;
}

static gboolean
profile_in_credentials (Profile *profile)
{
  return profile->credentials != NULL &&
         ts_aws_config_file_has_section (profile->credentials, profile->name);
}

/* Looks a key up in the credentials file, then in the config file. */
static const char *
profile_get (Profile          *profile,
             const char       *key,
             TsAwsConfigFile **from,
             guint            *line)
{
  const char *value = NULL;

  if (profile_in_credentials (profile) &&
      (value = ts_aws_config_file_get (profile->credentials, profile->name, key, line)) != NULL)
    *from = profile->credentials;
  else if (profile->config_section != NULL &&
           (value = ts_aws_config_file_get (profile->config, profile->config_section, key,
                                            line)) != NULL)
    *from = profile->config;

  return value;
}

static TsAwsCredentials *
keys_from_file (Profile          *profile,
                TsAwsConfigFile  *file,
                const char       *section,
                GError          **error)
{
  static const char *keys[] = { "aws_access_key_id", "aws_secret_access_key",
                                "aws_session_token", "x_security_token_expires" };
  const char *values[G_N_ELEMENTS (keys)];
  guint lines[G_N_ELEMENTS (keys)] = { 0, };
  const char *path = ts_aws_config_file_get_path (file);
  g_autoptr(TsAwsCredentials) credentials = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    values[i] = ts_aws_config_file_get (file, section, keys[i], &lines[i]);

  if (values[0] == NULL && values[1] == NULL)
    return NULL;

  if (values[0] == NULL || values[1] == NULL)
    return auth_null (error, _("the profile “%s” in %s has %s but no %s"), profile->name, path,
                       keys[values[0] != NULL ? 0 : 1], keys[values[0] != NULL ? 1 : 0]);

  for (guint i = 0; i < 3; i++)
    if (values[i] != NULL && !is_token (values[i]))
      return auth_null (error, _("%s line %u: the value of %s holds spaces, line breaks or "
                                  "control characters"), path, lines[i], keys[i]);

  credentials = g_new0 (TsAwsCredentials, 1);
  credentials->kind = TS_AWS_CREDENTIALS_KEYS;
  credentials->access_key_id = g_strdup (values[0]);
  credentials->secret_access_key = g_strdup (values[1]);
  credentials->session_token = g_strdup (values[2]);
  credentials->source = g_strdup_printf (_("profile “%s” in %s"), profile->name, path);

  if (values[3] != NULL && (credentials->expiration = parse_time (values[3])) == NULL)
    return auth_null (error, _("%s line %u: x_security_token_expires is not an ISO 8601 time"),
                       path, lines[3]);

  return g_steal_pointer (&credentials);
}

static char *
first_line (GBytes *bytes)
{
  gsize size = 0;
  const char *data = bytes != NULL ? g_bytes_get_data (bytes, &size) : NULL;
  g_autofree char *text = g_utf8_make_valid (data != NULL ? data : "", MIN (size, 400));
  char *end = strchr (text, '\n');

  if (end != NULL)
    *end = '\0';

  for (char *p = text; *p != '\0'; p++)
    if ((guchar) *p < 0x20)
      *p = ' ';

  return g_strdup (g_strstrip (text));
}

static TsAwsCredentials *
parse_process_output (GBytes       *output,
                      const char   *source,
                      GError      **error)
{
  gsize size;
  const char *data = g_bytes_get_data (output, &size);
  cJSON *json;
  const cJSON *version, *id, *secret, *token, *expiration;
  g_autoptr(TsAwsCredentials) credentials = NULL;
  g_autoptr(GDateTime) when = NULL;

  /* Never quote the output: it is full of secrets. */
  if (size > PROCESS_MAX_OUTPUT ||
      (json = cJSON_ParseWithLength (data != NULL ? data : "", size)) == NULL)
    return auth_null (error, _("%s did not print a JSON object"), source);

  version = cJSON_GetObjectItemCaseSensitive (json, "Version");
  id = cJSON_GetObjectItemCaseSensitive (json, "AccessKeyId");
  secret = cJSON_GetObjectItemCaseSensitive (json, "SecretAccessKey");
  token = cJSON_GetObjectItemCaseSensitive (json, "SessionToken");
  expiration = cJSON_GetObjectItemCaseSensitive (json, "Expiration");

  if (expiration != NULL && !cJSON_IsNull (expiration) &&
      (!cJSON_IsString (expiration) || (when = parse_time (expiration->valuestring)) == NULL))
    auth_error (error, _("%s printed an \"Expiration\" that is not an ISO 8601 time"), source);
  else if (!cJSON_IsNumber (version) || version->valuedouble != 1)
    auth_error (error, _("%s printed no \"Version\": 1"), source);
  else if (!cJSON_IsString (id) || !is_token (id->valuestring) ||
           !cJSON_IsString (secret) || !is_token (secret->valuestring))
    auth_error (error, _("%s printed no valid \"AccessKeyId\" and \"SecretAccessKey\""), source);
  else if (token != NULL && !cJSON_IsNull (token) &&
           (!cJSON_IsString (token) || !is_token (token->valuestring)))
    auth_error (error, _("%s printed an invalid \"SessionToken\""), source);
  else
    {
      credentials = g_new0 (TsAwsCredentials, 1);
      credentials->kind = TS_AWS_CREDENTIALS_KEYS;
      credentials->access_key_id = g_strdup (id->valuestring);
      credentials->secret_access_key = g_strdup (secret->valuestring);
      credentials->session_token = cJSON_IsString (token) ? g_strdup (token->valuestring) : NULL;
      credentials->expiration = g_steal_pointer (&when);
      credentials->source = g_strdup (source);
      credentials->refreshable = TRUE;
    }

  if (cJSON_IsString (secret))
    explicit_bzero (secret->valuestring, strlen (secret->valuestring));
  if (cJSON_IsString (token))
    explicit_bzero (token->valuestring, strlen (token->valuestring));
  cJSON_Delete (json);

  return g_steal_pointer (&credentials);
}

static TsAwsCredentials *
run_credential_process (Profile       *profile,
                        const char    *command,
                        const char    *path,
                        guint          line,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_autofree char *source = g_strdup_printf (_("credential_process of profile “%s”"),
                                             profile->name);
  g_auto(GStrv) argv = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GBytes) output = NULL;
  g_autoptr(GBytes) errors = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *message = NULL;

  /* GLib's parse error quotes the command line, which could hold a secret argument. */
  if (!g_shell_parse_argv (command, NULL, &argv, &local_error))
    return auth_null (error, _("%s line %u: credential_process is not a valid command line "
                               "(check its quotes)"), path, line);

  process = g_subprocess_newv ((const char * const *) argv,
                               G_SUBPROCESS_FLAGS_STDIN_INHERIT |
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                               G_SUBPROCESS_FLAGS_STDERR_PIPE,
                               &local_error);
  if (process == NULL)
    return auth_null (error, _("cannot run the %s (%s line %u): %s"), source, path, line,
                       local_error->message);

  if (!g_subprocess_communicate (process, NULL, cancellable, &output, &errors, &local_error))
    {
      g_subprocess_force_exit (process);
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_set_error_literal (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_CANCELLED,
                             _("cancelled"));
      else
        auth_error (error, _("the %s failed: %s"), source, local_error->message);
      return NULL;
    }

  if (!g_subprocess_get_if_exited (process) || g_subprocess_get_exit_status (process) != 0)
    {
      g_autofree char *said = first_line (errors);

      if (g_subprocess_get_if_exited (process))
        message = g_strdup_printf (_("exit status %d"), g_subprocess_get_exit_status (process));
      else
        message = g_strdup (_("killed by a signal"));

      return auth_null (error, *said != '\0' ? _("the %s failed (%s): %s")
                                              : _("the %s failed (%s)%s"),
                         source, message, said);
    }

  return parse_process_output (output, source, error);
}

static TsAwsCredentials *
from_profile (const char * const  *envp,
              GCancellable        *cancellable,
              GError             **error)
{
  g_auto(Profile) profile = { NULL, };
  TsAwsCredentials *credentials = NULL;
  TsAwsConfigFile *from = NULL;
  const char *command;
  guint line = 0;

  if (!profile_load (&profile, envp, error))
    return NULL;

  /* The credentials file wins over the config file. */
  if (profile_in_credentials (&profile))
    {
      credentials = keys_from_file (&profile, profile.credentials, profile.name, error);
      if (credentials != NULL || *error != NULL)
        return credentials;
    }
  if (profile.config_section != NULL)
    {
      credentials = keys_from_file (&profile, profile.config, profile.config_section, error);
      if (credentials != NULL || *error != NULL)
        return credentials;
    }

  command = profile_get (&profile, "credential_process", &from, &line);
  if (command != NULL)
    return run_credential_process (&profile, command, ts_aws_config_file_get_path (from), line,
                                   cancellable, error);

  if (profile.named && !profile_in_credentials (&profile) && profile.config_section == NULL)
    return auth_null (error, _("the AWS profile “%s” named by AWS_PROFILE is neither in %s nor "
                                "in %s"),
                       profile.name, profile.credentials_path, profile.config_path);

  return auth_null (error, _("no AWS credentials found: looked at AWS_BEARER_TOKEN_BEDROCK, "
                              "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, and at the profile "
                              "“%s” in %s%s and %s%s. Set a Bedrock API key or access keys, or "
                              "run “aws configure”"),
                     profile.name, profile.credentials_path,
                     profile.credentials == NULL ? _(" (missing)") : "",
                     profile.config_path, profile.config == NULL ? _(" (missing)") : "");
}

/**
 * ts_aws_credentials_resolve:
 * @envp: (nullable): the environment to read, %NULL for the process's own
 * @now: the current time, to check expiry
 * @cancellable: (nullable): cancels a running credential_process
 * @error: a #GError
 *
 * Finds the credentials the AWS SDKs would use, in their order. This may run the
 * profile's credential_process and wait for it: call it from a worker thread.
 *
 * Returns: (transfer full): the credentials, or %NULL with a %TS_PROVIDER_ERROR_AUTH error
 *   saying where it looked (nothing found), which file or line is wrong, or that the
 *   credentials expired; %TS_PROVIDER_ERROR_CANCELLED when cancelled
 */
TsAwsCredentials *
ts_aws_credentials_resolve (const char * const  *envp,
                            GDateTime           *now,
                            GCancellable        *cancellable,
                            GError             **error)
{
  g_auto(GStrv) own = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(TsAwsCredentials) credentials = NULL;

  g_return_val_if_fail (now != NULL, NULL);

  if (envp == NULL)
    envp = (const char * const *) (own = g_get_environ ());

  credentials = from_environment (envp, &local_error);
  if (credentials == NULL && local_error == NULL)
    credentials = from_profile (envp, cancellable, &local_error);

  if (credentials == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (!check_expiry (credentials, now, error))
    return NULL;

  return g_steal_pointer (&credentials);
}

/**
 * ts_aws_region_is_valid:
 *
 * Returns: whether @region looks like a region name ("us-east-1"): lower-case letters,
 *   digits and "-", starting with a letter, so it is safe in a host name
 */
gboolean
ts_aws_region_is_valid (const char *region)
{
  if (region == NULL || !g_ascii_islower (region[0]) || strlen (region) > 32)
    return FALSE;

  for (const char *p = region; *p != '\0'; p++)
    if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p) && *p != '-')
      return FALSE;

  return TRUE;
}

static char *
checked_region (const char  *region,
                const char  *where,
                GError     **error)
{
  if (ts_aws_region_is_valid (region))
    return g_strdup (region);

  g_set_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_BAD_REQUEST,
               _("the AWS region from %s is not a region name such as “us-east-1”"), where);
  return NULL;
}

/**
 * ts_aws_region_resolve:
 * @envp: (nullable): the environment to read, %NULL for the process's own
 * @setting: (nullable): the region the user chose in Tessera
 * @error: a #GError
 *
 * Finds the region: AWS_REGION, AWS_DEFAULT_REGION, the profile's `region`, then
 * @setting.
 *
 * Returns: (transfer full): the region, or %NULL with @error set: a
 *   %TS_PROVIDER_ERROR_BAD_REQUEST error when there is none or it is malformed, a
 *   %TS_PROVIDER_ERROR_AUTH error when a shared file cannot be read
 */
char *
ts_aws_region_resolve (const char * const  *envp,
                       const char          *setting,
                       GError             **error)
{
  g_auto(GStrv) own = NULL;
  g_auto(Profile) profile = { NULL, };
  TsAwsConfigFile *from = NULL;
  const char *region;
  guint line = 0;

  if (envp == NULL)
    envp = (const char * const *) (own = g_get_environ ());

  if ((region = ts_aws_getenv (envp, "AWS_REGION")) != NULL)
    return checked_region (region, "AWS_REGION", error);
  if ((region = ts_aws_getenv (envp, "AWS_DEFAULT_REGION")) != NULL)
    return checked_region (region, "AWS_DEFAULT_REGION", error);

  if (!profile_load (&profile, envp, error))
    return NULL;

  if ((region = profile_get (&profile, "region", &from, &line)) != NULL)
    {
      g_autofree char *where = g_strdup_printf ("%s line %u", ts_aws_config_file_get_path (from),
                                                line);

      return checked_region (region, where, error);
    }

  if (setting != NULL && *setting != '\0')
    return checked_region (setting, _("the Bedrock preferences"), error);

  g_set_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_BAD_REQUEST,
               _("no AWS region: choose a region in Preferences or set AWS_REGION (looked at "
                 "AWS_REGION, AWS_DEFAULT_REGION and the profile “%s” in %s and %s)"),
               profile.name, profile.credentials_path, profile.config_path);
  return NULL;
}
