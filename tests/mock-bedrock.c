/* mock-bedrock.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "mock-bedrock.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ts-eventstream.h"
#include "ts-png.h"
#include "ts-sigv4.h"

struct _MockBedrock
{
  MockServer *server;
  GMutex      mutex;
  GHashTable *calls;          /* path → number of calls */
  char       *token;          /* the session token to insist on, or NULL */
  guint       bad_signatures;
  guint       verified;
  char       *last_region;
  char       *last_auth;
  GBytes     *png;
};

/* The real answer to a bad signature (protocols.md §6.8). */
static const char bad_signature_body[] =
  "{\"message\":\"The request signature we calculated does not match the signature you provided. "
  "Check your AWS Secret Access Key and signing method. Consult the service documentation for "
  "details.\"}";

static guint
count_call (MockBedrock *mock,
            const char  *path)
{
  guint n;

  g_mutex_lock (&mock->mutex);
  n = GPOINTER_TO_UINT (g_hash_table_lookup (mock->calls, path)) + 1;
  g_hash_table_insert (mock->calls, g_strdup (path), GUINT_TO_POINTER (n));
  g_mutex_unlock (&mock->mutex);

  return n;
}

static MockAction
respond (MockConn   *conn,
         guint       status,
         const char *error_type,
         const char *extra,
         const char *body)
{
  g_autofree char *type_line = NULL;
  const char *headers[4] = { "x-amzn-RequestId: 11111111-2222-3333-4444-555555555555", NULL, };
  guint n = 1;

  if (error_type != NULL)
    headers[n++] = type_line = g_strdup_printf ("x-amzn-ErrorType: %s:http://internal.amazon.com/"
                                                "coral/com.amazon.coral.service/", error_type);
  if (extra != NULL)
    headers[n++] = extra;

  mock_conn_begin (conn, status, "application/json", headers, TRUE);
  mock_conn_chunk (conn, body, strlen (body));
  mock_conn_end_chunks (conn);

  return MOCK_KEEP_OPEN;
}

static MockAction
respond_error (MockConn   *conn,
               guint       status,
               const char *type,
               const char *message)
{
  g_autoptr(GString) body = g_string_new (NULL);
  cJSON *json = cJSON_CreateObject ();
  char *printed;

  cJSON_AddStringToObject (json, "message", message);
  printed = cJSON_PrintUnformatted (json);
  g_string_append (body, printed);
  cJSON_free (printed);
  cJSON_Delete (json);

  return respond (conn, status, type, NULL, body->str);
}

/* Signature checks */

static char *
between (const char *text,
         const char *start,
         const char *end)
{
  const char *from = strstr (text, start);
  const char *to;

  if (from == NULL)
    return NULL;
  from += strlen (start);
  to = end != NULL ? strstr (from, end) : from + strlen (from);

  return to != NULL ? g_strndup (from, to - from) : NULL;
}

/* Recomputes the signature from the request as received. Returns the exception name of
 * a refusal, or NULL. */
static const char *
verify (MockBedrock       *mock,
        const MockRequest *request)
{
  const char *auth = mock_request_get_header (request, "Authorization");
  const char *amz_date = mock_request_get_header (request, "X-Amz-Date");
  const char *token = mock_request_get_header (request, "X-Amz-Security-Token");
  g_autofree char *credential = NULL;
  g_autofree char *signed_names = NULL;
  g_autofree char *claimed = NULL;
  g_autofree char *path = NULL;
  g_autofree char *payload_hash = NULL;
  g_auto(GStrv) scope = NULL;
  g_auto(GStrv) names = NULL;
  g_autoptr(GPtrArray) pairs = g_ptr_array_new ();
  g_autoptr(GDateTime) time = NULL;
  g_autoptr(TsSigv4Signature) signature = NULL;
  const char *query;
  int y, mo, d, h, mi, s;
  gsize size;
  gconstpointer body;

  g_mutex_lock (&mock->mutex);
  g_free (mock->last_auth);
  mock->last_auth = g_strdup (auth);
  g_mutex_unlock (&mock->mutex);

  if (auth == NULL)
    return "MissingAuthenticationTokenException";
  if (g_str_has_prefix (auth, "Bearer "))
    return strcmp (auth + 7, MOCK_BEDROCK_BEARER) == 0 ? NULL : "UnrecognizedClientException";

  credential = between (auth, "AWS4-HMAC-SHA256 Credential=", ", SignedHeaders=");
  signed_names = between (auth, ", SignedHeaders=", ", Signature=");
  claimed = between (auth, ", Signature=", NULL);
  if (credential == NULL || signed_names == NULL || claimed == NULL || amz_date == NULL)
    return "IncompleteSignatureException";

  scope = g_strsplit (credential, "/", -1);
  if (g_strv_length (scope) != 5 || strcmp (scope[4], "aws4_request") != 0)
    return "IncompleteSignatureException";
  if (strcmp (scope[0], MOCK_BEDROCK_ACCESS_KEY) != 0)
    return "UnrecognizedClientException";
  if (strcmp (scope[3], "bedrock") != 0 || !g_str_has_prefix (amz_date, scope[1]))
    return "InvalidSignatureException";

  names = g_strsplit (signed_names, ";", -1);
  if (!g_strv_contains ((const char * const *) names, "host") ||
      !g_strv_contains ((const char * const *) names, "x-amz-date"))
    return "InvalidSignatureException";
  if (mock->token != NULL &&
      (g_strcmp0 (token, mock->token) != 0 ||
       !g_strv_contains ((const char * const *) names, "x-amz-security-token")))
    return "UnrecognizedClientException";

  for (guint i = 0; names[i] != NULL; i++)
    {
      const char *value = mock_request_get_header (request, names[i]);

      if (value == NULL)
        return "InvalidSignatureException";
      g_ptr_array_add (pairs, names[i]);
      g_ptr_array_add (pairs, (gpointer) value);
    }
  g_ptr_array_add (pairs, NULL);

  if (sscanf (amz_date, "%4d%2d%2dT%2d%2d%2dZ", &y, &mo, &d, &h, &mi, &s) != 6)
    return "InvalidSignatureException";
  time = g_date_time_new_utc (y, mo, d, h, mi, s);

  query = strchr (request->path, '?');
  path = query != NULL ? g_strndup (request->path, query - request->path) : g_strdup (request->path);
  body = g_bytes_get_data (request->body, &size);
  payload_hash = ts_sigv4_sha256_hex (body, size);

  signature = ts_sigv4_sign (&(TsSigv4Params) {
                               .access_key_id = scope[0],
                               .secret_access_key = MOCK_BEDROCK_SECRET,
                               .region = scope[2],
                               .service = scope[3],
                               .time = time,
                             },
                             request->method, path, query != NULL ? query + 1 : NULL,
                             (const char * const *) pairs->pdata, payload_hash);
  if (strcmp (signature->signature, claimed) != 0)
    return "InvalidSignatureException";

  g_mutex_lock (&mock->mutex);
  g_free (mock->last_region);
  mock->last_region = g_strdup (scope[2]);
  g_mutex_unlock (&mock->mutex);

  return NULL;
}

/* Converse */

static cJSON *
parse_body (const MockRequest *request)
{
  gsize size;
  const char *data = g_bytes_get_data (request->body, &size);

  return cJSON_ParseWithLength (data != NULL ? data : "", size);
}

/* The answer echoes the last user text. */
static char *
answer_text (const MockRequest *request)
{
  cJSON *json = parse_body (request);
  const cJSON *messages = cJSON_GetObjectItem (json, "messages");
  const cJSON *last = cJSON_GetArrayItem (messages, cJSON_GetArraySize (messages) - 1);
  const cJSON *block;
  GString *text = g_string_new ("Echo: ");
  guint images = 0;

  cJSON_ArrayForEach (block, cJSON_GetObjectItem (last, "content"))
    {
      if (cJSON_IsString (cJSON_GetObjectItem (block, "text")))
        g_string_append (text, cJSON_GetObjectItem (block, "text")->valuestring);
      if (cJSON_GetObjectItem (block, "image") != NULL)
        images++;
    }
  if (images > 0)
    g_string_append_printf (text, " [%u image%s]", images, images > 1 ? "s" : "");
  cJSON_Delete (json);

  return g_string_free (text, FALSE);
}

static gboolean
valid_converse (const MockRequest *request)
{
  cJSON *json = parse_body (request);
  gboolean valid = cJSON_IsArray (cJSON_GetObjectItem (json, "messages")) &&
                   cJSON_GetArraySize (cJSON_GetObjectItem (json, "messages")) > 0;

  cJSON_Delete (json);
  return valid;
}

static MockAction
converse (MockConn          *conn,
          const MockRequest *request)
{
  g_autofree char *text = answer_text (request);
  g_autofree char *body = NULL;
  cJSON *json = cJSON_CreateObject ();
  cJSON *content = cJSON_CreateArray ();
  cJSON *block = cJSON_CreateObject ();
  char *printed;

  cJSON_AddStringToObject (block, "text", text);
  cJSON_AddItemToArray (content, block);
  cJSON_AddItemToObject (cJSON_AddObjectToObject (cJSON_AddObjectToObject (json, "output"),
                                                  "message"), "content", content);
  cJSON_AddStringToObject (json, "stopReason", "end_turn");
  cJSON_AddRawToObject (json, "usage", "{\"inputTokens\":12,\"outputTokens\":7,\"totalTokens\":19}");
  cJSON_AddRawToObject (json, "metrics", "{\"latencyMs\":5}");
  cJSON_AddRawToObject (json, "futureField", "{\"ignored\":true}");
  printed = cJSON_PrintUnformatted (json);
  body = g_strdup (printed);
  cJSON_free (printed);
  cJSON_Delete (json);

  return respond (conn, 200, NULL, NULL, body);
}

static void
add_frame (GByteArray *stream,
           const char *message_type,
           const char *type_header,
           const char *type,
           const char *payload)
{
  g_autoptr(TsEventStreamMessage) message = ts_event_stream_message_new ();
  g_autoptr(GBytes) frame = NULL;

  ts_event_stream_message_add_string (message, type_header, type);
  ts_event_stream_message_add_string (message, ":content-type", "application/json");
  ts_event_stream_message_add_string (message, ":message-type", message_type);
  g_bytes_unref (message->payload);
  message->payload = g_bytes_new (payload, strlen (payload));
  frame = ts_event_stream_message_encode (message);
  g_byte_array_append (stream, g_bytes_get_data (frame, NULL), (guint) g_bytes_get_size (frame));
}

static void
add_event (GByteArray *stream,
           const char *type,
           const char *payload)
{
  add_frame (stream, "event", ":event-type", type, payload);
}

static void
add_delta (GByteArray *stream,
           const char *text)
{
  cJSON *json = cJSON_CreateObject ();
  char *printed;

  cJSON_AddNumberToObject (json, "contentBlockIndex", 0);
  cJSON_AddStringToObject (cJSON_AddObjectToObject (json, "delta"), "text", text);
  cJSON_AddStringToObject (json, "p", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ");
  printed = cJSON_PrintUnformatted (json);
  add_event (stream, "contentBlockDelta", printed);
  cJSON_free (printed);
  cJSON_Delete (json);
}

static MockAction
converse_stream (MockBedrock       *mock,
                 MockConn          *conn,
                 const MockRequest *request,
                 const char        *model,
                 guint              call)
{
  g_autoptr(GByteArray) stream = g_byte_array_new ();
  g_autofree char *text = answer_text (request);
  g_autoptr(GArray) splits = g_array_new (FALSE, FALSE, sizeof (gsize));
  static const gsize pieces[] = { 1, 2, 5, 11, 13, 3, 7 };
  const char *extra[] = { "x-amzn-RequestId: 11111111-2222-3333-4444-555555555555", NULL };
  gsize corrupt_at = 0;

  if (strcmp (model, "test.throttle-stream") == 0 && call == 1)
    {
      add_frame (stream, "exception", ":exception-type", "throttlingException",
                 "{\"message\":\"Too many tokens, please wait before trying again.\"}");
    }
  else
    {
      add_event (stream, "messageStart", "{\"role\":\"assistant\",\"p\":\"abcdef\"}");
      add_event (stream, "contentBlockStart", "{\"contentBlockIndex\":0,\"start\":{}}");
      add_delta (stream, "Echo: ");
      corrupt_at = stream->len + 20;
      add_delta (stream, text + strlen ("Echo: "));
      if (strcmp (model, "test.exception-mid") == 0)
        {
          add_frame (stream, "exception", ":exception-type", "modelStreamErrorException",
                     "{\"message\":\"The model crashed while answering.\"}");
        }
      else if (strcmp (model, "test.truncated") != 0)
        {
          add_event (stream, "contentBlockStop", "{\"contentBlockIndex\":0,\"p\":\"ab\"}");
          add_event (stream, "futureEvent", "{\"anything\":[1,2,3]}");
          add_event (stream, "messageStop", "{\"stopReason\":\"end_turn\",\"p\":\"abcd\"}");
          add_event (stream, "metadata", "{\"usage\":{\"inputTokens\":12,\"outputTokens\":7,"
                                         "\"totalTokens\":19},\"metrics\":{\"latencyMs\":5},"
                                         "\"p\":\"abc\"}");
        }
      if (strcmp (model, "test.corrupt-crc") == 0)
        stream->data[corrupt_at] ^= 0x01;
    }

  /* Cut the stream at awkward offsets: inside preludes, headers, payloads and CRCs. */
  for (gsize at = 0, i = 0; at < stream->len; i++)
    {
      at += pieces[i % G_N_ELEMENTS (pieces)];
      if (at < stream->len)
        g_array_append_val (splits, at);
    }

  mock_conn_begin (conn, 200, "application/vnd.amazon.eventstream", extra, TRUE);

  if (strcmp (model, "test.slow") == 0)
    {
      /* One frame, then silence until the client goes away. */
      mock_conn_chunks (conn, stream->data, corrupt_at - 20, NULL, 0, 0);
      return MOCK_HOLD;
    }

  mock_conn_chunks (conn, stream->data, stream->len, (const gsize *) splits->data, splits->len, 1);
  mock_conn_end_chunks (conn);

  return MOCK_KEEP_OPEN;
}

/* InvokeModel */

static gboolean
mentions (const char *text,
          const char *word)
{
  return text != NULL && strstr (text, word) != NULL;
}

static MockAction
invoke (MockBedrock       *mock,
        MockConn          *conn,
        const MockRequest *request,
        const char        *model)
{
  cJSON *json = parse_body (request);
  g_autofree char *png = g_base64_encode (g_bytes_get_data (mock->png, NULL),
                                          g_bytes_get_size (mock->png));
  g_autoptr(GString) body = g_string_new (NULL);
  MockAction action;

  if (g_str_has_prefix (model, "amazon.nova-canvas") ||
      g_str_has_prefix (model, "amazon.titan-image-generator"))
    {
      const cJSON *params = cJSON_GetObjectItem (json, "textToImageParams");
      const cJSON *config = cJSON_GetObjectItem (json, "imageGenerationConfig");
      const cJSON *text = cJSON_GetObjectItem (params, "text");
      const cJSON *count = cJSON_GetObjectItem (config, "numberOfImages");

      if (g_strcmp0 (cJSON_GetStringValue (cJSON_GetObjectItem (json, "taskType")), "TEXT_IMAGE") != 0 ||
          !cJSON_IsString (text) || !cJSON_IsNumber (count) ||
          !cJSON_IsNumber (cJSON_GetObjectItem (config, "width")) ||
          !cJSON_IsNumber (cJSON_GetObjectItem (config, "height")) ||
          !cJSON_IsNumber (cJSON_GetObjectItem (config, "seed")))
        action = respond_error (conn, 400, "ValidationException", "Malformed input request");
      else if (mentions (text->valuestring, "forbidden"))
        action = respond_error (conn, 400, "ValidationException",
                                "This request has been blocked by our content filters.");
      else
        {
          g_string_append (body, "{\"images\":[");
          for (int i = 0; i < count->valueint; i++)
            g_string_append_printf (body, "%s\"%s\"", i > 0 ? "," : "", png);
          g_string_append (body, "],\"error\":null}");
          action = respond (conn, 200, NULL, NULL, body->str);
        }
    }
  else if (g_str_has_prefix (model, "stability."))
    {
      const cJSON *prompt = cJSON_GetObjectItem (json, "prompt");
      const cJSON *seed = cJSON_GetObjectItem (json, "seed");

      if (!cJSON_IsString (prompt) || !cJSON_IsNumber (seed) ||
          g_strcmp0 (cJSON_GetStringValue (cJSON_GetObjectItem (json, "mode")), "text-to-image") != 0 ||
          g_strcmp0 (cJSON_GetStringValue (cJSON_GetObjectItem (json, "output_format")), "png") != 0 ||
          !cJSON_IsString (cJSON_GetObjectItem (json, "aspect_ratio")))
        action = respond_error (conn, 400, "ValidationException", "Malformed input request");
      else if (mentions (prompt->valuestring, "forbidden"))
        action = respond (conn, 200, NULL, NULL,
                          "{\"seeds\":[1],\"finish_reasons\":[\"Filter reason: prompt\"],\"images\":[]}");
      else
        {
          g_string_append_printf (body, "{\"seeds\":[%.0f],\"finish_reasons\":[null],\"images\":[\"%s\"]}",
                                  seed->valuedouble, png);
          action = respond (conn, 200, NULL, NULL, body->str);
        }
    }
  else
    {
      action = respond_error (conn, 400, "ValidationException",
                              "The provided model identifier is invalid.");
    }

  cJSON_Delete (json);
  return action;
}

/* The control plane */

static const char text_models[] =
  "{\"modelSummaries\":["
  "{\"modelArn\":\"arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0\","
  "\"modelId\":\"amazon.nova-lite-v1:0\",\"modelName\":\"Nova Lite\",\"providerName\":\"Amazon\","
  "\"inputModalities\":[\"TEXT\",\"IMAGE\",\"VIDEO\"],\"outputModalities\":[\"TEXT\"],"
  "\"responseStreamingSupported\":true,\"customizationsSupported\":[],"
  "\"inferenceTypesSupported\":[\"ON_DEMAND\",\"INFERENCE_PROFILE\"],\"modelLifecycle\":{\"status\":\"ACTIVE\"}},"
  "{\"modelArn\":\"arn:aws:bedrock:us-east-1::foundation-model/meta.llama3-8b-instruct-v1:0\","
  "\"modelId\":\"meta.llama3-8b-instruct-v1:0\",\"modelName\":\"Llama 3 8B Instruct\",\"providerName\":\"Meta\","
  "\"inputModalities\":[\"TEXT\"],\"outputModalities\":[\"TEXT\"],"
  "\"inferenceTypesSupported\":[\"ON_DEMAND\"],\"modelLifecycle\":{\"status\":\"LEGACY\"}},"
  "{\"modelArn\":\"arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0\","
  "\"modelId\":\"anthropic.claude-3-5-haiku-20241022-v1:0\",\"modelName\":\"Claude 3.5 Haiku\","
  "\"providerName\":\"Anthropic\",\"inputModalities\":[\"TEXT\",\"IMAGE\"],\"outputModalities\":[\"TEXT\"],"
  "\"inferenceTypesSupported\":[\"INFERENCE_PROFILE\"],\"modelLifecycle\":{\"status\":\"ACTIVE\"}},"
  "{\"modelArn\":\"arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0\","
  "\"modelId\":\"amazon.titan-embed-text-v2:0\",\"modelName\":\"Titan Text Embeddings V2\","
  "\"providerName\":\"Amazon\",\"inputModalities\":[\"TEXT\"],\"outputModalities\":[\"EMBEDDING\"],"
  "\"inferenceTypesSupported\":[\"ON_DEMAND\"],\"modelLifecycle\":{\"status\":\"ACTIVE\"}}"
  "]}";

static const char image_models[] =
  "{\"modelSummaries\":["
  "{\"modelId\":\"amazon.nova-canvas-v1:0\",\"modelName\":\"Nova Canvas\",\"providerName\":\"Amazon\","
  "\"inputModalities\":[\"TEXT\",\"IMAGE\"],\"outputModalities\":[\"IMAGE\"],"
  "\"inferenceTypesSupported\":[\"ON_DEMAND\"],\"modelLifecycle\":{\"status\":\"ACTIVE\"}},"
  "{\"modelId\":\"stability.sd3-5-large-v1:0\",\"modelName\":\"Stable Diffusion 3.5 Large\","
  "\"providerName\":\"Stability AI\",\"inputModalities\":[\"TEXT\"],\"outputModalities\":[\"IMAGE\"],"
  "\"inferenceTypesSupported\":[\"ON_DEMAND\"],\"modelLifecycle\":{\"status\":\"ACTIVE\"}},"
  "{\"modelId\":\"acme.mystery-image-v1\",\"modelName\":\"Mystery\",\"providerName\":\"Acme\","
  "\"inputModalities\":[\"TEXT\"],\"outputModalities\":[\"IMAGE\"],"
  "\"inferenceTypesSupported\":[\"ON_DEMAND\"],\"modelLifecycle\":{\"status\":\"ACTIVE\"}}"
  "]}";

static const char profiles_page_1[] =
  "{\"inferenceProfileSummaries\":["
  "{\"inferenceProfileId\":\"us.anthropic.claude-3-5-haiku-20241022-v1:0\","
  "\"inferenceProfileName\":\"US Anthropic Claude 3.5 Haiku\",\"status\":\"ACTIVE\",\"type\":\"SYSTEM_DEFINED\","
  "\"models\":[{\"modelArn\":\"arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0\"},"
  "{\"modelArn\":\"arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0\"}]}],"
  "\"nextToken\":\"page/2=\"}";

static const char profiles_page_2[] =
  "{\"inferenceProfileSummaries\":["
  "{\"inferenceProfileId\":\"us.amazon.nova-lite-v1:0\",\"inferenceProfileName\":\"US Nova Lite\","
  "\"status\":\"ACTIVE\",\"type\":\"SYSTEM_DEFINED\","
  "\"models\":[{\"modelArn\":\"arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0\"}]},"
  "{\"inferenceProfileId\":\"eu.amazon.nova-lite-v1:0\",\"inferenceProfileName\":\"EU Nova Lite\","
  "\"status\":\"DISABLED\",\"models\":[]}],"
  "\"nextToken\":null}";

static MockAction
control_plane (MockConn          *conn,
               const MockRequest *request)
{
  if (strcmp (request->path, "/foundation-models?byOutputModality=TEXT") == 0)
    return respond (conn, 200, NULL, NULL, text_models);
  if (strcmp (request->path, "/foundation-models?byOutputModality=IMAGE") == 0)
    return respond (conn, 200, NULL, NULL, image_models);
  if (strcmp (request->path, "/inference-profiles?maxResults=1000") == 0)
    return respond (conn, 200, NULL, NULL, profiles_page_1);
  if (strcmp (request->path, "/inference-profiles?maxResults=1000&nextToken=page%2F2%3D") == 0)
    return respond (conn, 200, NULL, NULL, profiles_page_2);

  return respond_error (conn, 404, "UnknownOperationException", "Unknown operation");
}

static MockAction
handle (MockConn          *conn,
        const MockRequest *request,
        gpointer           user_data)
{
  MockBedrock *mock = user_data;
  const char *refusal = verify (mock, request);
  g_autofree char *encoded = NULL;
  g_autofree char *model = NULL;
  const char *action;
  guint call;

  if (refusal != NULL)
    {
      g_mutex_lock (&mock->mutex);
      mock->bad_signatures++;
      g_mutex_unlock (&mock->mutex);

      if (strcmp (refusal, "InvalidSignatureException") == 0)
        return respond (conn, 403, refusal, NULL, bad_signature_body);
      return respond_error (conn, 403, refusal,
                            "The security token included in the request is invalid.");
    }

  g_mutex_lock (&mock->mutex);
  mock->verified++;
  g_mutex_unlock (&mock->mutex);

  if (strcmp (request->method, "GET") == 0)
    return control_plane (conn, request);

  encoded = between (request->path, "/model/", "/");
  action = encoded != NULL ? request->path + strlen ("/model/") + strlen (encoded) + 1 : NULL;
  model = encoded != NULL ? g_uri_unescape_string (encoded, NULL) : NULL;
  if (model == NULL || strcmp (request->method, "POST") != 0 || strchr (encoded, ':') != NULL)
    return respond_error (conn, 404, "UnknownOperationException", "Unknown operation");

  call = count_call (mock, request->path);

  if (g_str_has_prefix (model, "test.throttle-") && g_ascii_isdigit (model[14]) &&
      call <= (guint) atoi (model + 14))
    return respond_error (conn, 429, "ThrottlingException",
                          "Too many requests, please wait before trying again.");
  if (strcmp (model, "test.retry-after") == 0 && call == 1)
    return respond (conn, 429, "ThrottlingException", "Retry-After: 1",
                    "{\"message\":\"Rate exceeded\"}");
  if (strcmp (model, "test.unavailable") == 0)
    return respond_error (conn, 503, "ServiceUnavailableException", "Bedrock is unavailable.");
  if (strcmp (model, "test.no-access") == 0)
    return respond_error (conn, 403, "AccessDeniedException",
                          "You don't have access to the model with the specified model ID.");
  if (strcmp (model, "test.validation") == 0)
    return respond_error (conn, 400, "ValidationException", "Malformed input request.");

  if (strcmp (action, "invoke") == 0)
    return invoke (mock, conn, request, model);
  if (!valid_converse (request))
    return respond_error (conn, 400, "ValidationException", "Malformed input request.");
  if (strcmp (action, "converse") == 0)
    return converse (conn, request);
  if (strcmp (action, "converse-stream") == 0)
    return converse_stream (mock, conn, request, model, call);

  return respond_error (conn, 404, "UnknownOperationException", "Unknown operation");
}

MockBedrock *
mock_bedrock_new (void)
{
  MockBedrock *mock = g_new0 (MockBedrock, 1);
  guint8 pixels[8 * 8 * 4];
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < sizeof pixels; i++)
    pixels[i] = (guint8) (i * 7);
  mock->png = ts_png_encode (pixels, 8, 8, 8 * 4, &error);
  g_assert_no_error (error);

  g_mutex_init (&mock->mutex);
  mock->calls = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  mock->server = mock_server_new (handle, mock);

  return mock;
}

void
mock_bedrock_free (MockBedrock *mock)
{
  if (mock == NULL)
    return;

  /* Stop the server first: its threads use the rest. */
  mock_server_free (mock->server);
  g_hash_table_unref (mock->calls);
  g_free (mock->token);
  g_free (mock->last_region);
  g_free (mock->last_auth);
  g_bytes_unref (mock->png);
  g_mutex_clear (&mock->mutex);
  g_free (mock);
}

MockServer *
mock_bedrock_get_server (MockBedrock *mock)
{
  return mock->server;
}

const char *
mock_bedrock_get_url (MockBedrock *mock)
{
  return mock_server_get_url (mock->server);
}

/* Insists on this session token in every signed request. */
void
mock_bedrock_expect_token (MockBedrock *mock,
                           const char  *session_token)
{
  g_mutex_lock (&mock->mutex);
  g_free (mock->token);
  mock->token = g_strdup (session_token);
  g_mutex_unlock (&mock->mutex);
}

guint
mock_bedrock_get_n_bad_signatures (MockBedrock *mock)
{
  guint n;

  g_mutex_lock (&mock->mutex);
  n = mock->bad_signatures;
  g_mutex_unlock (&mock->mutex);

  return n;
}

guint
mock_bedrock_get_n_verified (MockBedrock *mock)
{
  guint n;

  g_mutex_lock (&mock->mutex);
  n = mock->verified;
  g_mutex_unlock (&mock->mutex);

  return n;
}

char *
mock_bedrock_dup_last_region (MockBedrock *mock)
{
  char *region;

  g_mutex_lock (&mock->mutex);
  region = g_strdup (mock->last_region);
  g_mutex_unlock (&mock->mutex);

  return region;
}

char *
mock_bedrock_dup_last_auth (MockBedrock *mock)
{
  char *auth;

  g_mutex_lock (&mock->mutex);
  auth = g_strdup (mock->last_auth);
  g_mutex_unlock (&mock->mutex);

  return auth;
}
