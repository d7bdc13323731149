/* test-aws-credentials.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "ts-aws-config.h"
#include "ts-aws-credentials.h"
#include "ts-provider.h"

/* Obviously fake keys, from AWS's public examples. */
#define ENV_ID       "AKIDENVIRONMENT"
#define ENV_SECRET   "wJalrXUtnFEMI/K7MDENG+bPxRfiCYENVSECRET"
#define FILE_ID      "AKIDFILEEXAMPLE"
#define FILE_SECRET  "wJalrXUtnFEMI/K7MDENG+bPxRfiCYFILESECRET"
#define CONF_ID      "AKIDCONFIGEXAMPLE"
#define CONF_SECRET  "wJalrXUtnFEMI/K7MDENG+bPxRfiCYCONFSECRET"
#define TOKEN        "FQoGZXIvYXdzEXAMPLETOKEN"
#define BEARER       "ABSKQmVkcm9ja0FQSUtleUVYQU1QTEU"

static const char *secrets[] = { ENV_SECRET, FILE_SECRET, CONF_SECRET, TOKEN, BEARER };

typedef struct
{
  char       *home;
  GPtrArray  *env;
  GDateTime  *now;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *aws = NULL;

  fixture->home = g_dir_make_tmp ("tessera-aws-XXXXXX", NULL);
  g_assert_nonnull (fixture->home);
  aws = g_build_filename (fixture->home, ".aws", NULL);
  g_assert_cmpint (g_mkdir (aws, 0700), ==, 0);

  fixture->env = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (fixture->env, g_strdup_printf ("HOME=%s", fixture->home));
  g_ptr_array_add (fixture->env, NULL);
  fixture->now = g_date_time_new_utc (2026, 3, 1, 12, 0, 0);
}

static void
remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_clear_pointer (&dir, g_dir_close);
  g_rmdir (path);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  remove_tree (fixture->home);
  g_free (fixture->home);
  g_ptr_array_unref (fixture->env);
  g_date_time_unref (fixture->now);
}

static void
set_env (Fixture    *fixture,
         const char *name,
         const char *value)
{
  fixture->env->pdata[fixture->env->len - 1] = g_strdup_printf ("%s=%s", name, value);
  g_ptr_array_add (fixture->env, NULL);
}

static char *
write_file (Fixture    *fixture,
            const char *relative,
            const char *contents)
{
  char *path = g_build_filename (fixture->home, relative, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);

  return path;
}

static void
write_aws (Fixture    *fixture,
           const char *name,
           const char *contents)
{
  g_autofree char *relative = g_build_filename (".aws", name, NULL);
  g_autofree char *path = write_file (fixture, relative, contents);
}

static const char * const *
envp (Fixture *fixture)
{
  return (const char * const *) fixture->env->pdata;
}

static TsAwsCredentials *
resolve_ok (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  TsAwsCredentials *credentials = ts_aws_credentials_resolve (envp (fixture), fixture->now,
                                                              NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (credentials);

  return credentials;
}

static void
assert_no_secret (const char *message)
{
  for (guint i = 0; i < G_N_ELEMENTS (secrets); i++)
    g_assert_null (strstr (message, secrets[i]));
}

/* Resolves, expecting an error whose message holds each of the fragments. */
static void
resolve_fails (Fixture    *fixture,
               int         code,
               const char *fragment,
               ...)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TsAwsCredentials) credentials = NULL;
  va_list args;

  credentials = ts_aws_credentials_resolve (envp (fixture), fixture->now, NULL, &error);
  g_assert_null (credentials);
  g_assert_error (error, TS_PROVIDER_ERROR, code);
  g_test_message ("%s", error->message);
  assert_no_secret (error->message);

  va_start (args, fragment);
  for (const char *f = fragment; f != NULL; f = va_arg (args, const char *))
    g_assert_nonnull (strstr (error->message, f));
  va_end (args);
}

static const char credentials_file[] =
  "# written by aws configure\n"
  "[default]\n"
  "aws_access_key_id = " FILE_ID "\n"
  "aws_secret_access_key = " FILE_SECRET "\n"
  "\n"
  "[dev]\n"
  "aws_access_key_id=AKIDDEVEXAMPLE\n"
  "aws_secret_access_key=" FILE_SECRET "\n"
  "aws_session_token=" TOKEN "\n";

static const char config_file[] =
  "[default]\n"
  "region = eu-west-1\n"
  "; a comment the AWS CLI accepts\n"
  "[profile dev]\n"
  "region = us-west-2\n"
  "s3 =\n"
  "  region = ap-south-1\n"
  "  max_concurrent_requests = 20\n"
  "[profile conf]\n"
  "aws_access_key_id = " CONF_ID "\n"
  "aws_secret_access_key = " CONF_SECRET "\n"
  "[sso-session corp]\n"
  "sso_region = us-east-1\n";

static void
test_config_parse (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TsAwsConfigFile) file = ts_aws_config_file_parse (config_file, strlen (config_file),
                                                              "/x/config", &error);
  guint line = 0;

  g_assert_no_error (error);
  g_assert_true (ts_aws_config_file_has_section (file, "profile dev"));
  g_assert_true (ts_aws_config_file_has_section (file, "sso-session corp"));
  g_assert_false (ts_aws_config_file_has_section (file, "dev"));
  g_assert_cmpstr (ts_aws_config_file_get (file, "default", "region", &line), ==, "eu-west-1");
  g_assert_cmpuint (line, ==, 2);
  /* A nested setting does not change the profile's region. */
  g_assert_cmpstr (ts_aws_config_file_get (file, "profile dev", "region", NULL), ==, "us-west-2");
  g_assert_cmpstr (ts_aws_config_file_get (file, "profile dev", "s3", NULL), ==,
                   "\nregion = ap-south-1\nmax_concurrent_requests = 20");
  g_assert_null (ts_aws_config_file_get (file, "profile dev", "max_concurrent_requests", NULL));
  g_assert_null (ts_aws_config_file_get (file, "nope", "region", NULL));
}

static void
test_config_spelling (void)
{
  static const char text[] =
    "[ profile   spaced ]\r\n"
    "Region=us-east-2\r\n"
    "\tcontinued\r\n"
    "credential_process = tool --flag=1 \"a b\"\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(TsAwsConfigFile) file = ts_aws_config_file_parse (text, strlen (text), "c", &error);

  g_assert_no_error (error);
  g_assert_cmpstr (ts_aws_config_file_get (file, "profile spaced", "region", NULL), ==,
                   "us-east-2\ncontinued");
  g_assert_cmpstr (ts_aws_config_file_get (file, "profile spaced", "credential_process", NULL),
                   ==, "tool --flag=1 \"a b\"");
}

static void
test_config_errors (void)
{
  static const struct { const char *text; const char *message; } cases[] = {
    { "aws_secret_access_key = " FILE_SECRET "\n", "/p line 1: a key comes before any [section]" },
    { "[a]\nx=1\n[a]\n", "/p line 3: the section [a] appears twice" },
    { "[a]\nx=1\nX = 2\n", "/p line 3: the key “x” appears twice in its section" },
    { "[a]\n" FILE_SECRET "\n", "/p line 2: the line is not a [section], a “key = value” or a comment" },
    { "[a]\n= " FILE_SECRET "\n", "/p line 2: the line is not a [section], a “key = value” or a comment" },
    { "[a\n", "/p line 1: a section header must end with “]”" },
    { "[a] x\n", "/p line 1: a section header must end with “]”" },
    { "[]\n", "/p line 1: a section needs a name without “[” or “]”" },
    { "[a]]\n", "/p line 1: a section needs a name without “[” or “]”" },
    { "\n  indented = 1\n", "/p line 2: an indented line follows no key" },
    { "[a]\nx=\xff\n", "/p is not a text file in UTF-8" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TsAwsConfigFile) file = ts_aws_config_file_parse (cases[i].text,
                                                                  strlen (cases[i].text),
                                                                  "/p", &error);

      g_assert_null (file);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(TsAwsConfigFile) file = ts_aws_config_file_parse ("[a]\nx=1\0\n", 9, "/p", &error);

    g_assert_null (file);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  }
}

static void
test_bearer_first (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(TsAwsCredentials) credentials = NULL;

  write_aws (fixture, "credentials", credentials_file);
  set_env (fixture, "AWS_ACCESS_KEY_ID", ENV_ID);
  set_env (fixture, "AWS_SECRET_ACCESS_KEY", ENV_SECRET);
  set_env (fixture, "AWS_BEARER_TOKEN_BEDROCK", BEARER);

  credentials = resolve_ok (fixture);
  g_assert_cmpint (credentials->kind, ==, TS_AWS_CREDENTIALS_BEARER);
  g_assert_cmpstr (credentials->bearer_token, ==, BEARER);
  g_assert_null (credentials->access_key_id);
  g_assert_cmpstr (credentials->source, ==, "AWS_BEARER_TOKEN_BEDROCK");
}

static void
test_environment_before_files (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(TsAwsCredentials) credentials = NULL;

  write_aws (fixture, "credentials", credentials_file);
  set_env (fixture, "AWS_ACCESS_KEY_ID", ENV_ID);
  set_env (fixture, "AWS_SECRET_ACCESS_KEY", ENV_SECRET);
  set_env (fixture, "AWS_SESSION_TOKEN", TOKEN);
  /* An empty variable counts as unset. */
  set_env (fixture, "AWS_BEARER_TOKEN_BEDROCK", "");

  credentials = resolve_ok (fixture);
  g_assert_cmpint (credentials->kind, ==, TS_AWS_CREDENTIALS_KEYS);
  g_assert_cmpstr (credentials->access_key_id, ==, ENV_ID);
  g_assert_cmpstr (credentials->secret_access_key, ==, ENV_SECRET);
  g_assert_cmpstr (credentials->session_token, ==, TOKEN);
  g_assert_null (credentials->expiration);
  g_assert_false (credentials->refreshable);
}

static void
test_environment_partial (Fixture       *fixture,
                          gconstpointer  data)
{
  write_aws (fixture, "credentials", credentials_file);
  set_env (fixture, "AWS_SECRET_ACCESS_KEY", ENV_SECRET);

  resolve_fails (fixture, TS_PROVIDER_ERROR_AUTH,
                 "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not", NULL);
}

static void
test_default_profile (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(TsAwsCredentials) credentials = NULL;
  g_autofree char *path = g_build_filename (fixture->home, ".aws", "credentials", NULL);

  write_aws (fixture, "credentials", credentials_file);
  write_aws (fixture, "config", config_file);

  credentials = resolve_ok (fixture);
  g_assert_cmpstr (credentials->access_key_id, ==, FILE_ID);
  g_assert_cmpstr (credentials->secret_access_key, ==, FILE_SECRET);
  g_assert_null (credentials->session_token);
  g_assert_nonnull (strstr (credentials->source, "“default”"));
  g_assert_nonnull (strstr (credentials->source, path));
}

static void
test_named_profile (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(TsAwsCredentials) credentials = NULL;

  write_aws (fixture, "credentials", credentials_file);
  write_aws (fixture, "config", config_file);
  set_env (fixture, "AWS_PROFILE", "dev");

  credentials = resolve_ok (fixture);
  g_assert_cmpstr (credentials->access_key_id, ==, "AKIDDEVEXAMPLE");
  g_assert_cmpstr (credentials->session_token, ==, TOKEN);
}

static void
test_config_profile (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(TsAwsCredentials) credentials = NULL;

  write_aws (fixture, "credentials", credentials_file);
  write_aws (fixture, "config", config_file);
  set_env (fixture, "AWS_PROFILE", "conf");

  credentials = resolve_ok (fixture);
  g_assert_cmpstr (credentials->access_key_id, ==, CONF_ID);
  g_assert_cmpstr (credentials->secret_access_key, ==, CONF_SECRET);
}

static void
test_credentials_file_wins (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(TsAwsCredentials) credentials = NULL;

  write_aws (fixture, "credentials", "[both]\naws_access_key_id=" FILE_ID
                                     "\naws_secret_access_key=" FILE_SECRET "\n");
  write_aws (fixture, "config", "[profile both]\naws_access_key_id=" CONF_ID
                                "\naws_secret_access_key=" CONF_SECRET "\n");
  set_env (fixture, "AWS_PROFILE", "both");

  credentials = resolve_ok (fixture);
  g_assert_cmpstr (credentials->access_key_id, ==, FILE_ID);
}

static void
test_file_variables (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(TsAwsCredentials) credentials = NULL;
  g_autofree char *config = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *region = NULL;

  /* The default files exist but must not be read. */
  write_aws (fixture, "credentials", credentials_file);
  write_aws (fixture, "config", config_file);
  g_free (write_file (fixture, "elsewhere-credentials",
                      "[default]\naws_access_key_id = AKIDELSEWHERE\naws_secret_access_key = "
                      FILE_SECRET "\n"));
  config = write_file (fixture, "elsewhere-config", "[default]\nregion = ca-central-1\n");
  set_env (fixture, "AWS_SHARED_CREDENTIALS_FILE", "~/elsewhere-credentials");
  set_env (fixture, "AWS_CONFIG_FILE", config);

  credentials = resolve_ok (fixture);
  g_assert_cmpstr (credentials->access_key_id, ==, "AKIDELSEWHERE");

  region = ts_aws_region_resolve (envp (fixture), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (region, ==, "ca-central-1");
}

static void
test_missing_profile (Fixture       *fixture,
                      gconstpointer  data)
{
  write_aws (fixture, "credentials", credentials_file);
  write_aws (fixture, "config", config_file);
  set_env (fixture, "AWS_PROFILE", "typo");

  resolve_fails (fixture, TS_PROVIDER_ERROR_AUTH,
                 "the AWS profile “typo” named by AWS_PROFILE is neither in", NULL);
}

static void
test_nothing_found (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *credentials = g_build_filename (fixture->home, ".aws", "credentials", NULL);
  g_autofree char *config = g_build_filename (fixture->home, ".aws", "config", NULL);

  write_aws (fixture, "config", "[default]\nregion = eu-west-1\n");

  resolve_fails (fixture, TS_PROVIDER_ERROR_AUTH, "no AWS credentials found",
                 "AWS_BEARER_TOKEN_BEDROCK", "AWS_ACCESS_KEY_ID", "“default”",
                 credentials, " (missing)", config, NULL);
}

static void
test_partial_file (Fixture       *fixture,
                   gconstpointer  data)
{
  write_aws (fixture, "credentials", "[default]\naws_secret_access_key = " FILE_SECRET "\n");

  resolve_fails (fixture, TS_PROVIDER_ERROR_AUTH,
                 "has aws_secret_access_key but no aws_access_key_id", ".aws/credentials", NULL);
}

static void
test_malformed_file (Fixture       *fixture,
                     gconstpointer  data)
{
  write_aws (fixture, "credentials",
             "[default]\naws_access_key_id = " FILE_ID "\n" FILE_SECRET "\n");

  resolve_fails (fixture, TS_PROVIDER_ERROR_AUTH, "malformed", ".aws/credentials line 3", NULL);
}

static void
test_multiline_secret (Fixture       *fixture,
                       gconstpointer  data)
{
  write_aws (fixture, "credentials",
             "[default]\naws_access_key_id = " FILE_ID "\naws_secret_access_key =\n  "
             FILE_SECRET "\n");

  resolve_fails (fixture, TS_PROVIDER_ERROR_AUTH,
                 "line 3: the value of aws_secret_access_key holds", NULL);
}

static void
test_unreadable_file (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *dir = g_build_filename (fixture->home, ".aws", "credentials", NULL);

  /* A directory cannot be read as a file, even by root. */
  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);

  resolve_fails (fixture, TS_PROVIDER_ERROR_AUTH, "cannot read the AWS shared file", dir, NULL);
}

static void
test_expired_file (Fixture       *fixture,
                   gconstpointer  data)
{
  write_aws (fixture, "credentials",
             "[default]\naws_access_key_id = " FILE_ID "\naws_secret_access_key = " FILE_SECRET
             "\naws_session_token = " TOKEN "\nx_security_token_expires = 2026-03-01T11:59:59Z\n");

  resolve_fails (fixture, TS_PROVIDER_ERROR_AUTH, "expired at 2026-03-01 11:59:59 UTC",
                 "profile “default”", NULL);
}

static void
test_expiring_file (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(TsAwsCredentials) credentials = NULL;
  g_autoptr(GDateTime) later = g_date_time_add_minutes (fixture->now, 56);

  write_aws (fixture, "credentials",
             "[default]\naws_access_key_id = " FILE_ID "\naws_secret_access_key = " FILE_SECRET
             "\naws_session_token = " TOKEN "\nx_security_token_expires = 2026-03-01T14:00:00+01:00\n");

  credentials = resolve_ok (fixture);
  g_assert_nonnull (credentials->expiration);
  g_assert_cmpint (g_date_time_difference (credentials->expiration, fixture->now), ==,
                   G_TIME_SPAN_HOUR);
  g_assert_false (ts_aws_credentials_needs_refresh (credentials, fixture->now));
  g_assert_true (ts_aws_credentials_needs_refresh (credentials, later));
}

static void
test_expired_environment (Fixture       *fixture,
                          gconstpointer  data)
{
  set_env (fixture, "AWS_ACCESS_KEY_ID", ENV_ID);
  set_env (fixture, "AWS_SECRET_ACCESS_KEY", ENV_SECRET);
  set_env (fixture, "AWS_SESSION_TOKEN", TOKEN);
  set_env (fixture, "AWS_CREDENTIAL_EXPIRATION", "2026-02-28T12:00:00Z");

  resolve_fails (fixture, TS_PROVIDER_ERROR_AUTH, "expired", "the environment", NULL);
}

static void
test_process (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(TsAwsCredentials) credentials = NULL;

  write_aws (fixture, "config",
             "[profile sso]\nregion = us-east-1\ncredential_process = printf "
             "'{\"Version\": 1, \"AccessKeyId\": \"AKIDPROCESS\", \"SecretAccessKey\": \""
             FILE_SECRET "\", \"SessionToken\": \"" TOKEN "\", "
             "\"Expiration\": \"2026-03-01T13:00:00Z\", \"Extra\": true}'\n");
  set_env (fixture, "AWS_PROFILE", "sso");

  credentials = resolve_ok (fixture);
  g_assert_cmpstr (credentials->access_key_id, ==, "AKIDPROCESS");
  g_assert_cmpstr (credentials->secret_access_key, ==, FILE_SECRET);
  g_assert_cmpstr (credentials->session_token, ==, TOKEN);
  g_assert_true (credentials->refreshable);
  g_assert_nonnull (credentials->expiration);
  g_assert_nonnull (strstr (credentials->source, "credential_process"));
}

static void
test_process_errors (Fixture       *fixture,
                     gconstpointer  data)
{
  static const struct { const char *command; const char *fragment; } cases[] = {
    { "sh -c 'echo \"token has expired, run aws sso login\" >&2; exit 3'",
      "failed (exit status 3): token has expired, run aws sso login" },
    { "printf 'not json " FILE_SECRET "'", "did not print a JSON object" },
    { "printf '{\"Version\": 2, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"" FILE_SECRET "\"}'",
      "printed no \"Version\": 1" },
    { "printf '{\"Version\": 1, \"AccessKeyId\": \"A\"}'",
      "printed no valid \"AccessKeyId\" and \"SecretAccessKey\"" },
    { "printf '{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"" FILE_SECRET
      "\", \"Expiration\": \"soon\"}'",
      "not an ISO 8601 time" },
    { "printf '{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"" FILE_SECRET
      "\", \"Expiration\": \"2026-03-01T11:00:00Z\"}'",
      "expired" },
    { "/nonexistent/tessera-helper --profile sso", "cannot run the credential_process" },
    { "tool 'unterminated", "credential_process is not a valid command line" },
  };

  set_env (fixture, "AWS_PROFILE", "sso");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *config = g_strdup_printf ("[profile sso]\ncredential_process = %s\n",
                                                 cases[i].command);

      write_aws (fixture, "config", config);
      resolve_fails (fixture, TS_PROVIDER_ERROR_AUTH, cases[i].fragment, NULL);
    }
}

static gboolean
cancel_cb (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static gpointer
resolve_thread (gpointer data)
{
  gpointer *args = data;
  GError *error = NULL;
  TsAwsCredentials *credentials = ts_aws_credentials_resolve (args[0], args[1], args[2], &error);

  g_assert_null (credentials);
  return error;
}

static void
test_process_cancel (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  gpointer args[3] = { fixture->env->pdata, fixture->now, cancellable };
  g_autoptr(GThread) thread = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  write_aws (fixture, "config", "[default]\ncredential_process = sleep 60\n");

  thread = g_thread_new ("resolve", resolve_thread, args);
  g_timeout_add (50, cancel_cb, cancellable);
  while (!g_cancellable_is_cancelled (cancellable))
    g_main_context_iteration (NULL, TRUE);
  error = g_thread_join (g_steal_pointer (&thread));

  g_assert_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_TIME_SPAN_SECOND);
}

static char *
region_of (Fixture     *fixture,
           const char  *setting,
           GError     **error)
{
  return ts_aws_region_resolve (envp (fixture), setting, error);
}

static void
test_region_order (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *from_setting = NULL;
  g_autofree char *from_profile = NULL;
  g_autofree char *from_named = NULL;
  g_autofree char *from_default = NULL;
  g_autofree char *from_region = NULL;

  from_setting = region_of (fixture, "sa-east-1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (from_setting, ==, "sa-east-1");

  write_aws (fixture, "config", config_file);
  from_profile = region_of (fixture, "sa-east-1", &error);
  g_assert_cmpstr (from_profile, ==, "eu-west-1");

  set_env (fixture, "AWS_PROFILE", "dev");
  from_named = region_of (fixture, "sa-east-1", &error);
  g_assert_cmpstr (from_named, ==, "us-west-2");

  set_env (fixture, "AWS_DEFAULT_REGION", "eu-central-1");
  from_default = region_of (fixture, "sa-east-1", &error);
  g_assert_cmpstr (from_default, ==, "eu-central-1");

  set_env (fixture, "AWS_REGION", "ap-northeast-1");
  from_region = region_of (fixture, "sa-east-1", &error);
  g_assert_cmpstr (from_region, ==, "ap-northeast-1");
  g_assert_no_error (error);
}

static void
test_region_errors (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *none = region_of (fixture, NULL, &error);
  g_autofree char *bad_setting = NULL;
  g_autofree char *bad_file = NULL;
  g_autofree char *bad_env = NULL;

  g_assert_null (none);
  g_assert_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_BAD_REQUEST);
  g_assert_true (g_str_has_prefix (error->message, "no AWS region: choose a region in "
                                   "Preferences or set AWS_REGION"));
  g_clear_error (&error);

  bad_setting = region_of (fixture, "US East", &error);
  g_assert_null (bad_setting);
  g_assert_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_BAD_REQUEST);
  g_clear_error (&error);

  write_aws (fixture, "config", "[default]\nregion = us-east-1.evil.example/\n");
  bad_file = region_of (fixture, NULL, &error);
  g_assert_null (bad_file);
  g_assert_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_BAD_REQUEST);
  g_assert_nonnull (strstr (error->message, "config line 2"));
  g_clear_error (&error);

  set_env (fixture, "AWS_REGION", "x\ny");
  bad_env = region_of (fixture, NULL, &error);
  g_assert_null (bad_env);
  g_assert_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_BAD_REQUEST);
  g_assert_nonnull (strstr (error->message, "AWS_REGION"));
}

static void
test_copy (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(TsAwsCredentials) credentials = NULL;
  g_autoptr(TsAwsCredentials) copy = NULL;

  set_env (fixture, "AWS_ACCESS_KEY_ID", ENV_ID);
  set_env (fixture, "AWS_SECRET_ACCESS_KEY", ENV_SECRET);
  set_env (fixture, "AWS_SESSION_TOKEN", TOKEN);
  set_env (fixture, "AWS_CREDENTIAL_EXPIRATION", "2026-03-02T00:00:00Z");
  credentials = resolve_ok (fixture);
  copy = ts_aws_credentials_copy (credentials);

  g_assert_cmpstr (copy->access_key_id, ==, ENV_ID);
  g_assert_cmpstr (copy->secret_access_key, ==, ENV_SECRET);
  g_assert_cmpstr (copy->session_token, ==, TOKEN);
  g_assert_true (g_date_time_equal (copy->expiration, credentials->expiration));
  g_assert_cmpstr (copy->source, ==, credentials->source);
}

#define ADD(path, func) \
  g_test_add ("/aws/credentials/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/aws/config/parse", test_config_parse);
  g_test_add_func ("/aws/config/spelling", test_config_spelling);
  g_test_add_func ("/aws/config/errors", test_config_errors);
  ADD ("bearer-first", test_bearer_first);
  ADD ("environment-before-files", test_environment_before_files);
  ADD ("environment-partial", test_environment_partial);
  ADD ("default-profile", test_default_profile);
  ADD ("named-profile", test_named_profile);
  ADD ("config-profile", test_config_profile);
  ADD ("credentials-file-wins", test_credentials_file_wins);
  ADD ("file-variables", test_file_variables);
  ADD ("missing-profile", test_missing_profile);
  ADD ("nothing-found", test_nothing_found);
  ADD ("partial-file", test_partial_file);
  ADD ("malformed-file", test_malformed_file);
  ADD ("multiline-secret", test_multiline_secret);
  ADD ("unreadable-file", test_unreadable_file);
  ADD ("expired-file", test_expired_file);
  ADD ("expiring-file", test_expiring_file);
  ADD ("expired-environment", test_expired_environment);
  ADD ("process", test_process);
  ADD ("process-errors", test_process_errors);
  ADD ("process-cancel", test_process_cancel);
  ADD ("region-order", test_region_order);
  ADD ("region-errors", test_region_errors);
  ADD ("copy", test_copy);

  return g_test_run ();
}
