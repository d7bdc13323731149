/* ts-bedrock-errors.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ts-bedrock-wire.h"

#include <cjson/cJSON.h>
#include <glib/gi18n.h>
#include <string.h>

#include "ts-sigv4.h"

/* Bedrock's error answers (protocols.md §6.8): which exception it was, what the user is
 * told, and whether to try again and how long to wait first. */

void
ts_bedrock_failure_free (TsBedrockFailure *failure)
{
  if (failure == NULL)
    return;

  g_free (failure->type);
  g_free (failure->message);
  g_free (failure->request_id);
  g_free (failure);
}

/* Keeps a printable, bounded copy of a service message. */
static char *
clean_text (const char *text,
            gsize       length)
{
  g_autofree char *valid = g_utf8_make_valid (text, MIN (length, 600));
  char *end;

  for (char *p = valid; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      *p = ' ';
  end = g_strstrip (valid);

  return *end != '\0' ? g_strdup (end) : NULL;
}

/**
 * ts_bedrock_parse_retry_after:
 * @value: (nullable): a `Retry-After` header
 *
 * Returns: the wait in milliseconds for a number of seconds (up to a day), or -1 for
 *   anything else, such as an HTTP date
 */
gint64
ts_bedrock_parse_retry_after (const char *value)
{
  guint64 seconds;
  const char *end;

  if (value == NULL)
    return -1;

  while (*value == ' ')
    value++;
  if (!g_ascii_isdigit (*value))
    return -1;

  seconds = g_ascii_strtoull (value, (char **) &end, 10);
  while (*end == ' ')
    end++;
  if (*end != '\0' || seconds > 24 * 3600)
    return -1;

  return (gint64) seconds * 1000;
}

/**
 * ts_bedrock_failure_parse:
 * @status: the HTTP status
 * @error_type_header: (nullable): the `x-amzn-ErrorType` header
 * @request_id: (nullable): the `x-amzn-RequestId` header
 * @retry_after: (nullable): the `Retry-After` header
 * @body: (nullable): the start of the body
 *
 * Reads the exception name from `x-amzn-ErrorType` (the part before ":") or from the
 * body's `__type` (the part after "#"), and the message from `message` or `Message`.
 *
 * Returns: (transfer full): the failure
 */
TsBedrockFailure *
ts_bedrock_failure_parse (guint       status,
                          const char *error_type_header,
                          const char *request_id,
                          const char *retry_after,
                          GBytes     *body)
{
  TsBedrockFailure *failure = g_new0 (TsBedrockFailure, 1);
  gsize size = 0;
  const char *data = body != NULL ? g_bytes_get_data (body, &size) : NULL;
  cJSON *json = size > 0 ? cJSON_ParseWithLength (data, size) : NULL;
  const cJSON *type = cJSON_GetObjectItemCaseSensitive (json, "__type");
  const cJSON *message = cJSON_GetObjectItemCaseSensitive (json, "message");

  failure->status = status;
  failure->retry_after_ms = ts_bedrock_parse_retry_after (retry_after);

  if (error_type_header != NULL && *error_type_header != '\0')
    failure->type = clean_text (error_type_header, strcspn (error_type_header, ":"));
  else if (cJSON_IsString (type))
    {
      const char *hash = strrchr (type->valuestring, '#');
      const char *name = hash != NULL ? hash + 1 : type->valuestring;

      failure->type = clean_text (name, strlen (name));
    }

  if (!cJSON_IsString (message))
    message = cJSON_GetObjectItemCaseSensitive (json, "Message");
  if (cJSON_IsString (message))
    failure->message = clean_text (message->valuestring, strlen (message->valuestring));
  else if (json == NULL && size > 0)
    failure->message = clean_text (data, MIN (size, 200));

  if (request_id != NULL)
    failure->request_id = clean_text (request_id, strlen (request_id));

  cJSON_Delete (json);

  return failure;
}

/**
 * ts_bedrock_failure_new_exception:
 * @type: (nullable): the `:exception-type` or `:error-code` of a stream message
 * @message: (nullable): its message
 *
 * Returns: (transfer full): a failure for an exception that came inside a stream
 */
TsBedrockFailure *
ts_bedrock_failure_new_exception (const char *type,
                                  const char *message)
{
  TsBedrockFailure *failure = g_new0 (TsBedrockFailure, 1);

  failure->type = type != NULL ? clean_text (type, strlen (type)) : NULL;
  failure->message = message != NULL ? clean_text (message, strlen (message)) : NULL;
  failure->retry_after_ms = -1;

  return failure;
}

typedef enum
{
  RETRY_NEVER,
  RETRY_ONCE,
  RETRY_YES,
} Retry;

typedef struct
{
  const char      *type;
  TsProviderError  code;
  Retry            retry;
  const char      *what;
  const char      *advice;
} Kind;

/* Stream exceptions spell the names in lower camel case: compare without case. */
static const Kind kinds[] = {
  { "ThrottlingException", TS_PROVIDER_ERROR_RATE_LIMITED, RETRY_YES,
    N_("Bedrock is limiting the request rate"), N_("try again later") },
  { "ModelNotReadyException", TS_PROVIDER_ERROR_RATE_LIMITED, RETRY_YES,
    N_("the model is starting"), N_("try again in a moment") },
  { "ServiceUnavailableException", TS_PROVIDER_ERROR_SERVER, RETRY_YES,
    N_("Bedrock is unavailable"), N_("try again later") },
  { "InternalServerException", TS_PROVIDER_ERROR_SERVER, RETRY_YES,
    N_("Bedrock failed"), N_("try again later") },
  { "ModelTimeoutException", TS_PROVIDER_ERROR_SERVER, RETRY_ONCE,
    N_("the model took too long"), NULL },
  { "ModelErrorException", TS_PROVIDER_ERROR_SERVER, RETRY_NEVER,
    N_("the model failed"), NULL },
  { "ModelStreamErrorException", TS_PROVIDER_ERROR_SERVER, RETRY_NEVER,
    N_("the model failed"), NULL },
  { "ValidationException", TS_PROVIDER_ERROR_BAD_REQUEST, RETRY_NEVER,
    N_("Bedrock refused the request"), NULL },
  { "ServiceQuotaExceededException", TS_PROVIDER_ERROR_BAD_REQUEST, RETRY_NEVER,
    N_("a Bedrock quota is used up"), N_("request an increase in the Service Quotas console") },
  { "AccessDeniedException", TS_PROVIDER_ERROR_AUTH, RETRY_NEVER,
    N_("AWS denied access"), NULL },
  { "ResourceNotFoundException", TS_PROVIDER_ERROR_NOT_FOUND, RETRY_NEVER,
    N_("the model is not available in this region"), NULL },
  { "UnrecognizedClientException", TS_PROVIDER_ERROR_AUTH, RETRY_NEVER,
    N_("AWS does not know this access key"), NULL },
  { "InvalidSignatureException", TS_PROVIDER_ERROR_AUTH, RETRY_NEVER,
    N_("the AWS secret key is wrong, or this computer's clock is off"), NULL },
  { "ExpiredTokenException", TS_PROVIDER_ERROR_AUTH, RETRY_NEVER,
    N_("the AWS session token expired"), N_("refresh your credentials") },
};

static const Kind *
find_kind (const char *type)
{
  for (guint i = 0; type != NULL && i < G_N_ELEMENTS (kinds); i++)
    if (g_ascii_strcasecmp (type, kinds[i].type) == 0)
      return &kinds[i];

  return NULL;
}

static gboolean
contains_nocase (const char *haystack,
                 const char *needle)
{
  g_autofree char *lower = haystack != NULL ? g_ascii_strdown (haystack, -1) : NULL;

  return lower != NULL && strstr (lower, needle) != NULL;
}

static TsProviderError
code_for_status (guint status)
{
  if (status == 401 || status == 403)
    return TS_PROVIDER_ERROR_AUTH;
  if (status == 404)
    return TS_PROVIDER_ERROR_NOT_FOUND;
  if (status == 429)
    return TS_PROVIDER_ERROR_RATE_LIMITED;
  if (status >= 400 && status < 500)
    return TS_PROVIDER_ERROR_BAD_REQUEST;

  return TS_PROVIDER_ERROR_SERVER;
}

/**
 * ts_bedrock_failure_to_error:
 * @failure: the failure
 * @model: (nullable): the model asked for, to name it
 * @region: (nullable): the region, to name it
 *
 * Says what happened in words a person can act on, with the service's own message, the
 * exception name and the request id. A refused model access becomes
 * %TS_PROVIDER_ERROR_NOT_FOUND, "enable access to MODEL in the Bedrock console for
 * REGION"; a content filter's refusal says the model refused the prompt.
 *
 * Returns: (transfer full): the error, in %TS_PROVIDER_ERROR
 */
GError *
ts_bedrock_failure_to_error (const TsBedrockFailure *failure,
                             const char             *model,
                             const char             *region)
{
  const Kind *kind;
  TsProviderError code;
  g_autofree char *what = NULL;
  g_autoptr(GString) detail = g_string_new (NULL);

  g_return_val_if_fail (failure != NULL, NULL);

  kind = find_kind (failure->type);
  code = kind != NULL ? kind->code : code_for_status (failure->status);

  if (kind != NULL && g_str_equal (kind->type, "AccessDeniedException") &&
      contains_nocase (failure->message, "access to the model"))
    {
      code = TS_PROVIDER_ERROR_NOT_FOUND;
      what = g_strdup_printf (_("enable access to %s in the Bedrock console for %s"),
                              model != NULL ? model : _("this model"),
                              region != NULL ? region : _("this region"));
    }
  else if (kind != NULL && g_str_equal (kind->type, "ValidationException") &&
           contains_nocase (failure->message, "content filter"))
    {
      what = g_strdup (_("the model refused this prompt (content filters)"));
    }
  else if (kind != NULL && g_str_equal (kind->type, "ResourceNotFoundException") &&
           model != NULL && region != NULL)
    {
      what = g_strdup_printf (_("the model %s is not available in %s"), model, region);
    }
  else if (kind != NULL)
    {
      what = g_strdup (_(kind->what));
    }
  else if (failure->status != 0)
    {
      what = g_strdup_printf (_("Bedrock answered with HTTP status %u"), failure->status);
    }
  else
    {
      what = g_strdup (_("Bedrock stopped the answer"));
    }

  if (failure->message != NULL)
    g_string_append_printf (detail, ": %s", failure->message);
  g_string_append (detail, " (");
  g_string_append (detail, failure->type != NULL ? failure->type : _("no exception name"));
  if (failure->status != 0)
    g_string_append_printf (detail, ", HTTP %u", failure->status);
  if (failure->request_id != NULL)
    g_string_append_printf (detail, _(", request id %s"), failure->request_id);
  g_string_append_c (detail, ')');
  if (kind != NULL && kind->advice != NULL)
    g_string_append_printf (detail, "; %s", _(kind->advice));

  return g_error_new (TS_PROVIDER_ERROR, code, "%s%s", what, detail->str);
}

/**
 * ts_bedrock_failure_max_attempts:
 * @failure: the failure
 * @max_attempts: the most attempts allowed
 *
 * Throttling, a model that is starting, an unavailable service and an internal error may
 * be tried @max_attempts times in all; a model timeout twice; anything else once. A
 * failure without a known exception name counts by its status (429 and 5xx retry).
 *
 * Returns: how many attempts in all this failure allows
 */
guint
ts_bedrock_failure_max_attempts (const TsBedrockFailure *failure,
                                 guint                   max_attempts)
{
  const Kind *kind;
  Retry retry;

  g_return_val_if_fail (failure != NULL, 1);

  kind = find_kind (failure->type);
  if (kind != NULL)
    retry = kind->retry;
  else
    retry = failure->status == 429 || failure->status == 500 || failure->status == 502 ||
            failure->status == 503 || failure->status == 504 ? RETRY_YES : RETRY_NEVER;

  switch (retry)
    {
    case RETRY_YES:
      return MAX (max_attempts, 1);
    case RETRY_ONCE:
      return MIN (MAX (max_attempts, 1), 2);
    case RETRY_NEVER:
    default:
      return 1;
    }
}

/**
 * ts_bedrock_retry_delay_ms:
 * @retry: 0 before the first retry, 1 before the second, …
 * @retry_after_ms: the wait the service asked for, or -1
 * @base_ms: the cap of the first wait
 * @max_ms: the largest wait
 * @random_unit: a random number in [0, 1)
 *
 * Exponential backoff with full jitter: a random wait between 0 and
 * min(@max_ms, @base_ms × 2^@retry), or the service's `Retry-After` (at most @max_ms) when
 * it gave one.
 *
 * Returns: the wait in milliseconds
 */
gint64
ts_bedrock_retry_delay_ms (guint  retry,
                           gint64 retry_after_ms,
                           guint  base_ms,
                           guint  max_ms,
                           double random_unit)
{
  gint64 cap;

  if (retry_after_ms >= 0)
    return MIN (retry_after_ms, (gint64) max_ms);

  cap = retry >= 32 ? (gint64) max_ms : MIN ((gint64) max_ms, (gint64) base_ms << retry);
  random_unit = CLAMP (random_unit, 0.0, 1.0);

  return MIN ((gint64) (random_unit * (double) cap), cap);
}

/**
 * ts_bedrock_model_path:
 * @model_id: a model id, inference-profile id or ARN
 * @action: "converse", "converse-stream" or "invoke"
 *
 * Returns: (transfer full): `/model/ID/ACTION` with the id percent-encoded once, so ":"
 *   is `%3A` and "/" is `%2F`
 */
char *
ts_bedrock_model_path (const char *model_id,
                       const char *action)
{
  g_autofree char *encoded = NULL;

  g_return_val_if_fail (model_id != NULL && action != NULL, NULL);

  encoded = ts_sigv4_uri_encode (model_id, -1, FALSE);

  return g_strdup_printf ("/model/%s/%s", encoded, action);
}
