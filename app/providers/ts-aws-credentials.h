/* ts-aws-credentials.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Temporary credentials are refreshed this long before they expire. */
#define TS_AWS_REFRESH_MARGIN_SECONDS (5 * 60)

typedef enum
{
  TS_AWS_CREDENTIALS_KEYS,
  TS_AWS_CREDENTIALS_BEARER,
} TsAwsCredentialsKind;

/**
 * TsAwsCredentials:
 * @kind: access keys to sign with SigV4, or a Bedrock API key sent as a bearer token
 * @access_key_id: the access key id (%TS_AWS_CREDENTIALS_KEYS)
 * @secret_access_key: the secret access key (%TS_AWS_CREDENTIALS_KEYS)
 * @session_token: (nullable): the session token of temporary keys
 * @bearer_token: the Bedrock API key (%TS_AWS_CREDENTIALS_BEARER)
 * @expiration: (nullable): when temporary credentials stop working
 * @source: where they came from, for messages: "AWS_BEARER_TOKEN_BEDROCK", "the
 *   environment", "profile “dev” in /home/me/.aws/credentials", "credential_process of
 *   profile “sso”"; never holds a secret
 * @refreshable: whether resolving again can give newer credentials (credential_process)
 */
typedef struct
{
  TsAwsCredentialsKind  kind;
  char                 *access_key_id;
  char                 *secret_access_key;
  char                 *session_token;
  char                 *bearer_token;
  GDateTime            *expiration;
  char                 *source;
  gboolean              refreshable;
} TsAwsCredentials;

TsAwsCredentials *ts_aws_credentials_resolve      (const char * const  *envp,
                                                   GDateTime           *now,
                                                   GCancellable        *cancellable,
                                                   GError             **error);
TsAwsCredentials *ts_aws_credentials_new_keys     (const char          *access_key_id,
                                                   const char          *secret_access_key,
                                                   const char          *source,
                                                   GError             **error);
gboolean          ts_aws_credentials_needs_refresh (TsAwsCredentials   *credentials,
                                                   GDateTime           *now);
TsAwsCredentials *ts_aws_credentials_copy         (const TsAwsCredentials *credentials);
void              ts_aws_credentials_free         (TsAwsCredentials    *credentials);

const char       *ts_aws_getenv                   (const char * const  *envp,
                                                   const char          *name);
char             *ts_aws_region_resolve           (const char * const  *envp,
                                                   const char          *setting,
                                                   GError             **error);
gboolean          ts_aws_region_is_valid          (const char          *region);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsAwsCredentials, ts_aws_credentials_free)

G_END_DECLS
