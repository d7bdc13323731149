/* ts-sigv4.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TS_SIGV4_ALGORITHM  "AWS4-HMAC-SHA256"
#define TS_SIGV4_KEY_LENGTH 32

/**
 * TsSigv4Params:
 * @access_key_id: the access key id, named in the Authorization header
 * @secret_access_key: the secret; only the signing key derived from it leaves this module
 * @session_token: (nullable): the session token of temporary credentials
 * @region: the region of the credential scope
 * @service: the signing service name ("bedrock")
 * @time: when the request is signed
 *
 * What a signature is made with. Nothing here is copied or kept.
 */
typedef struct
{
  const char *access_key_id;
  const char *secret_access_key;
  const char *session_token;
  const char *region;
  const char *service;
  GDateTime  *time;
} TsSigv4Params;

/**
 * TsSigv4Signature:
 * @amz_date: the time as sent in `X-Amz-Date` (`20240501T120000Z`)
 * @canonical_request: the canonical request that was signed
 * @string_to_sign: the string to sign
 * @signed_headers: the lower-case names of the signed headers, joined with ";"
 * @signature: the signature in lower-case hex
 * @authorization: the value of the `Authorization` header
 * @headers: the headers to send, as "Name: value" lines: the caller's headers, then
 *   `Host`, `X-Amz-Date`, `X-Amz-Security-Token` when there is a session token, and
 *   `Authorization` (filled by ts_sigv4_sign_url() only)
 */
typedef struct
{
  char  *amz_date;
  char  *canonical_request;
  char  *string_to_sign;
  char  *signed_headers;
  char  *signature;
  char  *authorization;
  GStrv  headers;
} TsSigv4Signature;

char             *ts_sigv4_uri_encode         (const char          *str,
                                               gssize               length,
                                               gboolean             keep_slash);
char             *ts_sigv4_canonical_uri      (const char          *path);
char             *ts_sigv4_canonical_query    (const char          *query);
char             *ts_sigv4_canonical_headers  (const char * const  *headers,
                                               char               **signed_headers);
char             *ts_sigv4_sha256_hex         (gconstpointer        data,
                                               gsize                length);
char             *ts_sigv4_format_date        (GDateTime           *time);
void              ts_sigv4_signing_key        (const char          *secret_access_key,
                                               const char          *date,
                                               const char          *region,
                                               const char          *service,
                                               guint8               key[TS_SIGV4_KEY_LENGTH]);

TsSigv4Signature *ts_sigv4_sign               (const TsSigv4Params *params,
                                               const char          *method,
                                               const char          *path,
                                               const char          *query,
                                               const char * const  *headers,
                                               const char          *payload_hash);
TsSigv4Signature *ts_sigv4_sign_url           (const TsSigv4Params *params,
                                               const char          *method,
                                               const char          *url,
                                               const char * const  *headers,
                                               GBytes              *body,
                                               GError             **error);
void              ts_sigv4_signature_free     (TsSigv4Signature    *signature);

char             *ts_sigv4_host_header        (const char          *url,
                                               GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsSigv4Signature, ts_sigv4_signature_free)

G_END_DECLS
