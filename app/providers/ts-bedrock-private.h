/* ts-bedrock-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ts-aws-credentials.h"
#include "ts-bedrock.h"
#include "ts-http.h"

G_BEGIN_DECLS

struct _TsBedrockProvider
{
  TsProvider        parent_instance;

  GStrv             environ;            /* NULL: the process's own, read at each call */
  char             *region;             /* the user's setting */
  char             *control_endpoint;   /* the user's setting */
  char             *profile;            /* the user's setting, in place of AWS_PROFILE */
  char             *access_key_id;      /* from the user's keyring */
  char             *secret_access_key;
  guint             max_attempts;
  guint             retry_base_ms;
  guint             retry_max_ms;
  TsHttpClient     *client;
  GHashTable       *model_cache;        /* region → ModelCache */

  /* Credentials are resolved on worker threads. */
  GMutex            mutex;
  TsAwsCredentials *credentials;
};

typedef enum
{
  TS_BEDROCK_RUNTIME,
  TS_BEDROCK_CONTROL,
} TsBedrockPlane;

/* What one call sends; the call owns nothing here. */
typedef struct
{
  TsBedrockPlane   plane;
  const char      *method;
  const char      *path;         /* with the query, percent-encoded */
  GBytes          *body;         /* nullable */
  gsize            max_size;
  const char      *model;        /* nullable: to name it in messages */
  TsTextChunkFunc  chunk_func;   /* non-NULL: a ConverseStream answer */
  gpointer         chunk_data;
} TsBedrockCallSpec;

/* What a finished call gives. */
typedef struct
{
  TsHttpResponse *response;
  TsTextResult   *stream_result;  /* ConverseStream: the text and counts */
  char           *region;
} TsBedrockReply;

void            _ts_bedrock_call_async   (TsBedrockProvider        *self,
                                          const TsBedrockCallSpec  *spec,
                                          GCancellable             *cancellable,
                                          GAsyncReadyCallback       callback,
                                          gpointer                  user_data);
TsBedrockReply *_ts_bedrock_call_finish  (TsBedrockProvider        *self,
                                          GAsyncResult             *result,
                                          GError                  **error);
GStrv           _ts_bedrock_provider_dup_environ (TsBedrockProvider  *self);
gboolean        _ts_bedrock_provider_stored_keys (TsBedrockProvider  *self,
                                                  TsAwsCredentials  **credentials,
                                                  GError            **error);

void            _ts_bedrock_reply_free   (TsBedrockReply           *reply);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsBedrockReply, _ts_bedrock_reply_free)

G_END_DECLS
