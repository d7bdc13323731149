/* ts-bedrock-text.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ts-bedrock-wire.h"

#include <cjson/cJSON.h>
#include <glib/gi18n.h>
#include <string.h>

#include "ts-provider-common.h"

/* Converse and ConverseStream (protocols.md §6.4, §6.5): the request body, the answer,
 * and the events of a stream. Unknown fields and events are ignored, as the service adds
 * them (and pads every event with a random "p" field). */

static cJSON *
image_block (GBytes *png)
{
  g_autofree char *encoded = ts_base64_encode_bytes (png);
  cJSON *block = cJSON_CreateObject ();
  cJSON *image = cJSON_AddObjectToObject (block, "image");
  cJSON *source;

  cJSON_AddStringToObject (image, "format", "png");
  source = cJSON_AddObjectToObject (image, "source");
  cJSON_AddStringToObject (source, "bytes", encoded);

  return block;
}

static gboolean
bad_request (GError     **error,
             const char  *message)
{
  g_set_error_literal (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_BAD_REQUEST, message);
  return FALSE;
}

/* Adds the messages, merging neighbours of the same role into one message with several
 * content blocks, as Converse wants the roles to alternate. */
static gboolean
add_messages (cJSON          *root,
              TsTextRequest  *request,
              GError        **error)
{
  cJSON *messages = cJSON_AddArrayToObject (root, "messages");
  cJSON *content = NULL;
  TsChatRole last_role = TS_CHAT_ROLE_USER;

  for (guint i = 0; i < request->messages->len; i++)
    {
      TsMessage *message = g_ptr_array_index (request->messages, i);

      if (i == 0 && message->role != TS_CHAT_ROLE_USER)
        return bad_request (error, _("Bedrock conversations must begin with a user message"));

      if (content == NULL || message->role != last_role)
        {
          cJSON *item = cJSON_CreateObject ();

          cJSON_AddStringToObject (item, "role",
                                   message->role == TS_CHAT_ROLE_USER ? "user" : "assistant");
          content = cJSON_AddArrayToObject (item, "content");
          cJSON_AddItemToArray (messages, item);
          last_role = message->role;
        }

      if (message->text != NULL && *message->text != '\0')
        {
          cJSON *block = cJSON_CreateObject ();

          cJSON_AddStringToObject (block, "text", message->text);
          cJSON_AddItemToArray (content, block);
        }

      for (guint j = 0; j < message->images->len; j++)
        cJSON_AddItemToArray (content, image_block (g_ptr_array_index (message->images, j)));
    }

  for (int i = 0; i < cJSON_GetArraySize (messages); i++)
    if (cJSON_GetArraySize (cJSON_GetObjectItem (cJSON_GetArrayItem (messages, i), "content")) == 0)
      return bad_request (error, _("a message to Bedrock has neither text nor an image"));

  return TRUE;
}

/**
 * ts_bedrock_converse_body:
 * @request: the request
 * @error: a #GError
 *
 * Builds the body of Converse and ConverseStream: `system`, `messages` (text and PNG
 * image blocks) and `inferenceConfig` with the parameters that are set. Converse has no
 * seed: a seed in @request is not sent.
 *
 * Returns: (transfer full): the JSON text, or %NULL with a %TS_PROVIDER_ERROR_BAD_REQUEST
 *   error when the messages cannot be sent (empty, or not starting with the user)
 */
char *
ts_bedrock_converse_body (TsTextRequest  *request,
                          GError        **error)
{
  cJSON *root = cJSON_CreateObject ();
  cJSON *config = cJSON_CreateObject ();
  char *printed = NULL;

  g_return_val_if_fail (request != NULL, NULL);

  if (request->system != NULL && *request->system != '\0')
    {
      cJSON *block = cJSON_CreateObject ();

      cJSON_AddStringToObject (block, "text", request->system);
      cJSON_AddItemToArray (cJSON_AddArrayToObject (root, "system"), block);
    }

  if (request->messages->len == 0)
    bad_request (error, _("a request to Bedrock needs at least one message"));
  else if (add_messages (root, request, error))
    {
      if (request->max_tokens != TS_UNSET_INT)
        cJSON_AddNumberToObject (config, "maxTokens", (double) request->max_tokens);
      if (request->temperature != TS_UNSET_DOUBLE)
        cJSON_AddNumberToObject (config, "temperature", request->temperature);
      if (request->top_p != TS_UNSET_DOUBLE)
        cJSON_AddNumberToObject (config, "topP", request->top_p);
      if (request->stop != NULL && request->stop[0] != NULL)
        cJSON_AddItemToObject (config, "stopSequences",
                               cJSON_CreateStringArray ((const char * const *) request->stop,
                                                        (int) g_strv_length (request->stop)));

      if (cJSON_GetArraySize (config) > 0)
        cJSON_AddItemToObject (root, "inferenceConfig", g_steal_pointer (&config));
      printed = ts_json_print (root);
    }

  cJSON_Delete (config);
  cJSON_Delete (root);

  return printed;
}

static gboolean
protocol_error (GError     **error,
                const char  *message)
{
  g_set_error_literal (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_PROTOCOL, message);
  return FALSE;
}

static gint64
token_count (const cJSON *usage,
             const char  *name)
{
  const cJSON *item = cJSON_GetObjectItemCaseSensitive (usage, name);

  return cJSON_IsNumber (item) && item->valuedouble >= 0 ? (gint64) item->valuedouble
                                                         : TS_UNSET_INT;
}

/* The text of a reasoning block or delta: {"reasoningContent": {"reasoningText":
 * {"text": …}}} in an answer, {"reasoningContent": {"text": …}} in a stream. */
static const cJSON *
reasoning_text (const cJSON *holder)
{
  const cJSON *content = cJSON_GetObjectItemCaseSensitive (holder, "reasoningContent");
  const cJSON *text = cJSON_GetObjectItemCaseSensitive (content, "text");

  if (!cJSON_IsString (text))
    text = cJSON_GetObjectItemCaseSensitive (cJSON_GetObjectItemCaseSensitive (content,
                                                                               "reasoningText"),
                                             "text");

  return cJSON_IsString (text) ? text : NULL;
}

static gint64
latency (const cJSON *json)
{
  return token_count (cJSON_GetObjectItemCaseSensitive (json, "metrics"), "latencyMs");
}

/**
 * ts_bedrock_parse_converse:
 * @body: the body of a 2xx Converse answer
 * @error: a #GError
 *
 * Reads the text blocks of the answer, the reasoning blocks apart from them, the stop
 * reason, the token counts and the latency the service measured.
 *
 * Returns: (transfer full): the result, or %NULL with a %TS_PROVIDER_ERROR_PROTOCOL error
 */
TsTextResult *
ts_bedrock_parse_converse (GBytes  *body,
                           GError **error)
{
  gsize size;
  const char *data = g_bytes_get_data (body, &size);
  cJSON *json = cJSON_ParseWithLength (data != NULL ? data : "", size);
  const cJSON *content;
  const cJSON *block;
  const cJSON *stop;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GString) reasoning = g_string_new (NULL);
  TsTextResult *result;

  content = cJSON_GetObjectItemCaseSensitive (
    cJSON_GetObjectItemCaseSensitive (cJSON_GetObjectItemCaseSensitive (json, "output"),
                                      "message"),
    "content");
  if (!cJSON_IsArray (content))
    {
      cJSON_Delete (json);
      protocol_error (error, _("Bedrock's Converse answer is not JSON with output.message.content"));
      return NULL;
    }

  cJSON_ArrayForEach (block, content)
    {
      const cJSON *piece = cJSON_GetObjectItemCaseSensitive (block, "text");
      const cJSON *thought = reasoning_text (block);

      if (cJSON_IsString (piece))
        g_string_append (text, piece->valuestring);
      if (thought != NULL)
        g_string_append (reasoning, thought->valuestring);
    }

  result = ts_text_result_new ();
  g_free (result->text);
  result->text = g_strdup (text->str);
  result->reasoning = reasoning->len > 0 ? g_strdup (reasoning->str) : NULL;
  result->duration_ms = latency (json);
  stop = cJSON_GetObjectItemCaseSensitive (json, "stopReason");
  result->finish_reason = cJSON_IsString (stop) ? g_strdup (stop->valuestring) : NULL;
  result->input_tokens = token_count (cJSON_GetObjectItemCaseSensitive (json, "usage"),
                                      "inputTokens");
  result->output_tokens = token_count (cJSON_GetObjectItemCaseSensitive (json, "usage"),
                                       "outputTokens");
  cJSON_Delete (json);

  return result;
}

/**
 * ts_bedrock_stop_reason_warning:
 * @stop_reason: (nullable): a `stopReason`
 *
 * Returns: (nullable): a warning to show on the output for the stop reasons that mean
 *   the answer is not what was asked for, else %NULL
 */
const char *
ts_bedrock_stop_reason_warning (const char *stop_reason)
{
  static const struct { const char *reason; const char *warning; } warnings[] = {
    { "guardrail_intervened", N_("A guardrail intervened: the answer was changed or blocked.") },
    { "content_filtered", N_("The content filters stopped the answer.") },
    { "malformed_model_output", N_("The model's output was malformed.") },
    { "malformed_tool_use", N_("The model asked for a tool in a malformed way.") },
    { "model_context_window_exceeded", N_("The conversation is longer than the model's context window.") },
  };

  for (guint i = 0; stop_reason != NULL && i < G_N_ELEMENTS (warnings); i++)
    if (strcmp (stop_reason, warnings[i].reason) == 0)
      return _(warnings[i].warning);

  return NULL;
}

/* ConverseStream */

struct _TsBedrockStream
{
  GString          *text;
  GString          *reasoning;
  gint64            latency_ms;
  char             *stop_reason;
  gint64            input_tokens;
  gint64            output_tokens;
  gboolean          stopped;
  TsBedrockFailure *failure;
};

TsBedrockStream *
ts_bedrock_stream_new (void)
{
  TsBedrockStream *stream = g_new0 (TsBedrockStream, 1);

  stream->text = g_string_new (NULL);
  stream->reasoning = g_string_new (NULL);
  stream->latency_ms = TS_UNSET_INT;
  stream->input_tokens = TS_UNSET_INT;
  stream->output_tokens = TS_UNSET_INT;

  return stream;
}

void
ts_bedrock_stream_free (TsBedrockStream *stream)
{
  if (stream == NULL)
    return;

  g_string_free (stream->text, TRUE);
  g_string_free (stream->reasoning, TRUE);
  g_free (stream->stop_reason);
  g_clear_pointer (&stream->failure, ts_bedrock_failure_free);
  g_free (stream);
}

static gboolean
handle_event (TsBedrockStream             *stream,
              const TsEventStreamMessage  *message,
              char                       **chunk,
              GError                     **error)
{
  g_autofree char *event_type = ts_event_stream_message_dup_string (message, ":event-type");
  gsize size;
  const char *data = g_bytes_get_data (message->payload, &size);
  cJSON *json;

  if (event_type == NULL)
    return protocol_error (error, _("Bedrock sent a stream event without an event type"));

  json = cJSON_ParseWithLength (data != NULL ? data : "", size);
  if (!cJSON_IsObject (json))
    {
      g_set_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_PROTOCOL,
                   _("Bedrock sent a %s event that is not a JSON object"), event_type);
      cJSON_Delete (json);
      return FALSE;
    }

  if (strcmp (event_type, "contentBlockDelta") == 0)
    {
      const cJSON *delta = cJSON_GetObjectItemCaseSensitive (json, "delta");
      const cJSON *text = cJSON_GetObjectItemCaseSensitive (delta, "text");
      const cJSON *thought = reasoning_text (delta);

      if (cJSON_IsString (text) && *text->valuestring != '\0')
        {
          g_string_append (stream->text, text->valuestring);
          *chunk = g_strdup (text->valuestring);
        }
      /* Thinking is kept apart: it is no chunk of the answer. */
      if (thought != NULL)
        g_string_append (stream->reasoning, thought->valuestring);
    }
  else if (strcmp (event_type, "messageStop") == 0)
    {
      const cJSON *reason = cJSON_GetObjectItemCaseSensitive (json, "stopReason");

      g_free (stream->stop_reason);
      stream->stop_reason = cJSON_IsString (reason) ? g_strdup (reason->valuestring) : NULL;
      stream->stopped = TRUE;
    }
  else if (strcmp (event_type, "metadata") == 0)
    {
      const cJSON *usage = cJSON_GetObjectItemCaseSensitive (json, "usage");

      stream->input_tokens = token_count (usage, "inputTokens");
      stream->output_tokens = token_count (usage, "outputTokens");
      stream->latency_ms = latency (json);
    }
  /* messageStart, contentBlockStart, contentBlockStop and newer events need nothing. */

  cJSON_Delete (json);
  return TRUE;
}

/**
 * ts_bedrock_stream_handle:
 * @stream: the state of a ConverseStream answer
 * @message: its next message
 * @chunk: (out) (transfer full): set to the text @message adds, if any
 * @error: a #GError
 *
 * Returns: %TRUE to go on; %FALSE with a %TS_PROVIDER_ERROR_PROTOCOL error for a malformed
 *   message, or with a %TS_PROVIDER_ERROR_SERVER error for an exception or error message,
 *   whose details ts_bedrock_stream_steal_failure() then gives
 */
gboolean
ts_bedrock_stream_handle (TsBedrockStream             *stream,
                          const TsEventStreamMessage  *message,
                          char                       **chunk,
                          GError                     **error)
{
  g_autofree char *message_type = NULL;

  g_return_val_if_fail (stream != NULL && message != NULL && chunk != NULL, FALSE);

  *chunk = NULL;
  message_type = ts_event_stream_message_dup_string (message, ":message-type");

  if (g_strcmp0 (message_type, "event") == 0)
    return handle_event (stream, message, chunk, error);

  if (g_strcmp0 (message_type, "exception") == 0)
    {
      g_autofree char *type = ts_event_stream_message_dup_string (message, ":exception-type");
      gsize size;
      const char *data = g_bytes_get_data (message->payload, &size);
      cJSON *json = cJSON_ParseWithLength (data != NULL ? data : "", size);
      const cJSON *text = cJSON_GetObjectItemCaseSensitive (json, "message");

      if (!cJSON_IsString (text))
        text = cJSON_GetObjectItemCaseSensitive (json, "Message");
      g_clear_pointer (&stream->failure, ts_bedrock_failure_free);
      stream->failure = ts_bedrock_failure_new_exception (type,
                                                          cJSON_IsString (text) ? text->valuestring
                                                                                : NULL);
      cJSON_Delete (json);
    }
  else if (g_strcmp0 (message_type, "error") == 0)
    {
      g_autofree char *code = ts_event_stream_message_dup_string (message, ":error-code");
      g_autofree char *text = ts_event_stream_message_dup_string (message, ":error-message");

      g_clear_pointer (&stream->failure, ts_bedrock_failure_free);
      stream->failure = ts_bedrock_failure_new_exception (code, text);
    }
  else
    {
      return protocol_error (error, _("Bedrock sent a stream message of an unknown type"));
    }

  g_set_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_SERVER,
               _("Bedrock stopped the answer with %s"),
               stream->failure->type != NULL ? stream->failure->type : _("an error"));
  return FALSE;
}

/**
 * ts_bedrock_stream_is_complete:
 *
 * Returns: whether the `messageStop` event came
 */
gboolean
ts_bedrock_stream_is_complete (TsBedrockStream *stream)
{
  g_return_val_if_fail (stream != NULL, FALSE);

  return stream->stopped;
}

gboolean
ts_bedrock_stream_has_text (TsBedrockStream *stream)
{
  g_return_val_if_fail (stream != NULL, FALSE);

  return stream->text->len > 0;
}

/**
 * ts_bedrock_stream_steal_result:
 *
 * Returns: (transfer full): the text so far, the reasoning, the stop reason, the token
 *   counts and the latency
 */
TsTextResult *
ts_bedrock_stream_steal_result (TsBedrockStream *stream)
{
  TsTextResult *result;

  g_return_val_if_fail (stream != NULL, NULL);

  result = ts_text_result_new ();
  g_free (result->text);
  result->text = g_strdup (stream->text->str);
  result->finish_reason = g_steal_pointer (&stream->stop_reason);
  result->input_tokens = stream->input_tokens;
  result->output_tokens = stream->output_tokens;
  result->reasoning = stream->reasoning->len > 0 ? g_strdup (stream->reasoning->str) : NULL;
  result->duration_ms = stream->latency_ms;

  return result;
}

/**
 * ts_bedrock_stream_steal_failure:
 *
 * Returns: (transfer full) (nullable): the exception or error the stream ended with
 */
TsBedrockFailure *
ts_bedrock_stream_steal_failure (TsBedrockStream *stream)
{
  g_return_val_if_fail (stream != NULL, NULL);

  return g_steal_pointer (&stream->failure);
}
