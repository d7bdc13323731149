/* ts-bedrock-wire.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "ts-eventstream.h"
#include "ts-provider.h"

G_BEGIN_DECLS

/* What Bedrock's HTTP API sends and expects (protocols.md §6), as pure functions: request
 * bodies, answer parsers, the error mapping and the retry policy. The provider in
 * ts-bedrock.c puts them on the wire. */

typedef struct _TsBedrockFailure TsBedrockFailure;

/* Text: Converse and ConverseStream */

char         *ts_bedrock_converse_body        (TsTextRequest               *request,
                                               GError                     **error);
TsTextResult *ts_bedrock_parse_converse       (GBytes                      *body,
                                               GError                     **error);
const char   *ts_bedrock_stop_reason_warning  (const char                  *stop_reason);

typedef struct _TsBedrockStream TsBedrockStream;

TsBedrockStream *ts_bedrock_stream_new        (void);
void          ts_bedrock_stream_free          (TsBedrockStream             *stream);
gboolean      ts_bedrock_stream_handle        (TsBedrockStream             *stream,
                                               const TsEventStreamMessage  *message,
                                               char                       **chunk,
                                               GError                     **error);
gboolean      ts_bedrock_stream_is_complete   (TsBedrockStream             *stream);
gboolean      ts_bedrock_stream_has_text      (TsBedrockStream             *stream);
TsTextResult *ts_bedrock_stream_steal_result  (TsBedrockStream             *stream);
TsBedrockFailure *ts_bedrock_stream_steal_failure (TsBedrockStream         *stream);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsBedrockStream, ts_bedrock_stream_free)

/* Images: InvokeModel */

typedef enum
{
  TS_BEDROCK_IMAGE_UNKNOWN,
  TS_BEDROCK_IMAGE_NOVA_CANVAS,
  TS_BEDROCK_IMAGE_TITAN,
  TS_BEDROCK_IMAGE_STABILITY,
} TsBedrockImageFamily;

TsBedrockImageFamily ts_bedrock_image_family       (const char      *model_id);
gint64               ts_bedrock_image_max_seed     (TsBedrockImageFamily family);
char                *ts_bedrock_image_body         (TsBedrockImageFamily family,
                                                    TsImageRequest  *request,
                                                    gint64           seed,
                                                    GError         **error);
const char          *ts_bedrock_aspect_ratio       (gint64           width,
                                                    gint64           height);
TsImageResult       *ts_bedrock_parse_image        (TsBedrockImageFamily family,
                                                    GBytes          *body,
                                                    gint64           seed,
                                                    GError         **error);

/* Model list: ListFoundationModels and ListInferenceProfiles */

typedef struct _TsBedrockCatalog TsBedrockCatalog;

TsBedrockCatalog *ts_bedrock_catalog_new           (void);
void              ts_bedrock_catalog_free          (TsBedrockCatalog  *catalog);
gboolean          ts_bedrock_catalog_add_models    (TsBedrockCatalog  *catalog,
                                                    GBytes            *body,
                                                    GError           **error);
gboolean          ts_bedrock_catalog_add_profiles  (TsBedrockCatalog  *catalog,
                                                    GBytes            *body,
                                                    char             **next_token,
                                                    GError           **error);
GPtrArray        *ts_bedrock_catalog_list          (TsBedrockCatalog  *catalog);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsBedrockCatalog, ts_bedrock_catalog_free)

/* Errors and retries */

/**
 * TsBedrockFailure:
 * @status: the HTTP status, 0 for an exception event inside a stream
 * @type: the exception name ("ThrottlingException"), or %NULL when the service gave none
 * @message: the service's own message, or %NULL
 * @request_id: the `x-amzn-RequestId` of the answer, or %NULL
 * @retry_after_ms: the wait the service asked for in `Retry-After`, or -1
 */
struct _TsBedrockFailure
{
  guint   status;
  char   *type;
  char   *message;
  char   *request_id;
  gint64  retry_after_ms;
};

TsBedrockFailure *ts_bedrock_failure_parse        (guint              status,
                                                   const char        *error_type_header,
                                                   const char        *request_id,
                                                   const char        *retry_after,
                                                   GBytes            *body);
TsBedrockFailure *ts_bedrock_failure_new_exception (const char       *type,
                                                   const char        *message);
void              ts_bedrock_failure_free         (TsBedrockFailure  *failure);
GError           *ts_bedrock_failure_to_error     (const TsBedrockFailure *failure,
                                                   const char        *model,
                                                   const char        *region);
guint             ts_bedrock_failure_max_attempts (const TsBedrockFailure *failure,
                                                   guint              max_attempts);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsBedrockFailure, ts_bedrock_failure_free)

/* The defaults of the retry policy: attempts in all, the first backoff cap and the
 * largest wait. */
#define TS_BEDROCK_DEFAULT_MAX_ATTEMPTS 3
#define TS_BEDROCK_RETRY_BASE_MS        500
#define TS_BEDROCK_RETRY_MAX_MS         20000

gint64            ts_bedrock_retry_delay_ms       (guint              retry,
                                                   gint64             retry_after_ms,
                                                   guint              base_ms,
                                                   guint              max_ms,
                                                   double             random_unit);
gint64            ts_bedrock_parse_retry_after    (const char        *value);

/* Paths */

char             *ts_bedrock_model_path           (const char        *model_id,
                                                   const char        *action);

G_END_DECLS
