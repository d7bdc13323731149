/* test-bedrock.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <cjson/cJSON.h>
#include <glib/gstdio.h>
#include <string.h>

#include "mock-bedrock.h"
#include "ts-bedrock.h"
#include "ts-bedrock-wire.h"
#include "ts-block.h"
#include "ts-png.h"
#include "ts-providers.h"

/* Part one: the wire formats, as pure functions. */

static GBytes *
bytes (const char *text)
{
  return g_bytes_new (text, strlen (text));
}

static TsTextRequest *
hello_request (const char *model)
{
  TsTextRequest *request = ts_text_request_new (model);

  ts_text_request_add_message (request, ts_message_new (TS_CHAT_ROLE_USER, "Hello"));
  return request;
}

static void
test_converse_body_vector (void)
{
  g_autoptr(TsTextRequest) request = hello_request ("anthropic.claude-3-haiku-20240307-v1:0");
  g_autofree char *body = NULL;

  request->max_tokens = 64;
  body = ts_bedrock_converse_body (request, NULL);

  /* The exact bytes of the signing vector V2 of protocols.md §6.3. */
  g_assert_cmpstr (body, ==, "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"Hello\"}]}],"
                             "\"inferenceConfig\":{\"maxTokens\":64}}");
}

static void
test_converse_body_full (void)
{
  g_autoptr(TsTextRequest) request = ts_text_request_new ("amazon.nova-lite-v1:0");
  g_autoptr(GBytes) png = bytes ("\x89PNG fake");
  TsMessage *message = ts_message_new (TS_CHAT_ROLE_USER, "What is in this photo?");
  g_autofree char *body = NULL;
  cJSON *json;
  const cJSON *messages, *config, *image;
  const char *stop[] = { "\n\nHuman:", NULL };

  request->system = g_strdup ("You are a concise travel guide.");
  request->temperature = 0.7;
  request->top_p = 0.9;
  request->max_tokens = 512;
  request->seed = 42;
  request->stop = g_strdupv ((char **) stop);
  ts_message_add_image (message, png);
  ts_text_request_add_message (request, message);
  ts_text_request_add_message (request, ts_message_new (TS_CHAT_ROLE_USER, "Be brief."));
  ts_text_request_add_message (request, ts_message_new (TS_CHAT_ROLE_ASSISTANT, "A harbour."));
  ts_text_request_add_message (request, ts_message_new (TS_CHAT_ROLE_USER, "Which one?"));

  body = ts_bedrock_converse_body (request, NULL);
  json = cJSON_Parse (body);
  g_assert_nonnull (json);

  g_assert_cmpstr (cJSON_GetArrayItem (cJSON_GetObjectItem (json, "system"), 0)->child->valuestring,
                   ==, "You are a concise travel guide.");

  /* Two user messages in a row become one message with three blocks. */
  messages = cJSON_GetObjectItem (json, "messages");
  g_assert_cmpint (cJSON_GetArraySize (messages), ==, 3);
  g_assert_cmpint (cJSON_GetArraySize (cJSON_GetObjectItem (cJSON_GetArrayItem (messages, 0), "content")), ==, 3);
  g_assert_cmpstr (cJSON_GetObjectItem (cJSON_GetArrayItem (messages, 1), "role")->valuestring, ==, "assistant");
  image = cJSON_GetObjectItem (cJSON_GetArrayItem (cJSON_GetObjectItem (cJSON_GetArrayItem (messages, 0), "content"), 1), "image");
  g_assert_cmpstr (cJSON_GetObjectItem (image, "format")->valuestring, ==, "png");
  g_assert_cmpstr (cJSON_GetObjectItem (cJSON_GetObjectItem (image, "source"), "bytes")->valuestring, ==,
                   "iVBORyBmYWtl");

  config = cJSON_GetObjectItem (json, "inferenceConfig");
  g_assert_cmpfloat (cJSON_GetObjectItem (config, "maxTokens")->valuedouble, ==, 512);
  g_assert_cmpfloat_with_epsilon (cJSON_GetObjectItem (config, "temperature")->valuedouble, 0.7, 1e-12);
  g_assert_cmpfloat_with_epsilon (cJSON_GetObjectItem (config, "topP")->valuedouble, 0.9, 1e-12);
  g_assert_cmpstr (cJSON_GetArrayItem (cJSON_GetObjectItem (config, "stopSequences"), 0)->valuestring, ==,
                   "\n\nHuman:");
  /* Converse has no seed. */
  g_assert_null (strstr (body, "seed"));
  cJSON_Delete (json);
}

static void
test_converse_body_errors (void)
{
  g_autoptr(TsTextRequest) assistant_first = ts_text_request_new ("m");
  g_autoptr(TsTextRequest) empty_message = ts_text_request_new ("m");
  g_autoptr(TsTextRequest) defaults = hello_request ("m");
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;

  ts_text_request_add_message (assistant_first, ts_message_new (TS_CHAT_ROLE_ASSISTANT, "Hi"));
  g_assert_null (ts_bedrock_converse_body (assistant_first, &error));
  g_assert_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_BAD_REQUEST);
  g_clear_error (&error);

  ts_text_request_add_message (empty_message, ts_message_new (TS_CHAT_ROLE_USER, ""));
  g_assert_null (ts_bedrock_converse_body (empty_message, &error));
  g_assert_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_BAD_REQUEST);

  /* Nothing set: no inferenceConfig at all, the server's defaults apply. */
  body = ts_bedrock_converse_body (defaults, NULL);
  g_assert_cmpstr (body, ==, "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"Hello\"}]}]}");
}

static void
test_parse_converse (void)
{
  g_autoptr(GBytes) answer = bytes (
    "{\"output\":{\"message\":{\"role\":\"assistant\",\"content\":["
    "{\"reasoningContent\":{\"reasoningText\":{\"text\":\"Let me think\"}}},"
    "{\"text\":\"It shows \"},{\"text\":\"a harbour.\"}]}},"
    "\"stopReason\":\"max_tokens\",\"usage\":{\"inputTokens\":1720,\"outputTokens\":74,"
    "\"totalTokens\":1794},\"metrics\":{\"latencyMs\":1211},\"newField\":[1]}");
  g_autoptr(GBytes) broken = bytes ("{\"output\":{}}");
  g_autoptr(TsTextResult) result = ts_bedrock_parse_converse (answer, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (result->text, ==, "It shows a harbour.");
  g_assert_cmpstr (result->finish_reason, ==, "max_tokens");
  g_assert_cmpint (result->input_tokens, ==, 1720);
  g_assert_cmpint (result->output_tokens, ==, 74);
  g_assert_cmpstr (result->reasoning, ==, "Let me think");
  g_assert_cmpint (result->duration_ms, ==, 1211);

  g_assert_null (ts_bedrock_parse_converse (broken, &error));
  g_assert_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_PROTOCOL);

  g_assert_null (ts_bedrock_stop_reason_warning ("end_turn"));
  g_assert_null (ts_bedrock_stop_reason_warning ("max_tokens"));
  g_assert_nonnull (ts_bedrock_stop_reason_warning ("content_filtered"));
  g_assert_nonnull (ts_bedrock_stop_reason_warning ("model_context_window_exceeded"));
}

static TsEventStreamMessage *
stream_message (const char *message_type,
                const char *type_header,
                const char *type,
                const char *payload)
{
  TsEventStreamMessage *message = ts_event_stream_message_new ();

  ts_event_stream_message_add_string (message, ":message-type", message_type);
  if (type_header != NULL)
    ts_event_stream_message_add_string (message, type_header, type);
  g_bytes_unref (message->payload);
  message->payload = bytes (payload);

  return message;
}

static void
test_stream_events (void)
{
  static const struct { const char *type; const char *payload; const char *chunk; } events[] = {
    { "messageStart", "{\"role\":\"assistant\",\"p\":\"abcdefgh\"}", NULL },
    { "contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"reasoningContent\":{\"text\":\"hmm\"}}}", NULL },
    { "contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Hel\"},\"p\":\"ab\"}", "Hel" },
    { "contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"lo\"}}", "lo" },
    { "contentBlockStop", "{\"contentBlockIndex\":0}", NULL },
    { "somethingNew", "{}", NULL },
    { "messageStop", "{\"stopReason\":\"end_turn\"}", NULL },
    { "metadata", "{\"usage\":{\"inputTokens\":12,\"outputTokens\":40,\"totalTokens\":52},\"metrics\":{\"latencyMs\":812}}", NULL },
  };
  g_autoptr(TsBedrockStream) stream = ts_bedrock_stream_new ();
  g_autoptr(TsTextResult) result = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (events); i++)
    {
      g_autoptr(TsEventStreamMessage) message = stream_message ("event", ":event-type",
                                                                 events[i].type, events[i].payload);
      g_autofree char *chunk = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_true (ts_bedrock_stream_handle (stream, message, &chunk, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (chunk, ==, events[i].chunk);
      g_assert_true (ts_bedrock_stream_is_complete (stream) == (i >= 6));
    }

  g_assert_true (ts_bedrock_stream_has_text (stream));
  result = ts_bedrock_stream_steal_result (stream);
  g_assert_cmpstr (result->text, ==, "Hello");
  g_assert_cmpstr (result->finish_reason, ==, "end_turn");
  g_assert_cmpint (result->input_tokens, ==, 12);
  g_assert_cmpint (result->output_tokens, ==, 40);
  g_assert_cmpstr (result->reasoning, ==, "hmm");
  g_assert_cmpint (result->duration_ms, ==, 812);
}

static void
test_stream_failures (void)
{
  g_autoptr(TsBedrockStream) stream = ts_bedrock_stream_new ();
  g_autoptr(TsEventStreamMessage) exception =
    stream_message ("exception", ":exception-type", "throttlingException", "{\"message\":\"Slow down\"}");
  g_autoptr(TsEventStreamMessage) error_message = stream_message ("error", ":error-code", "InternalFailure", "");
  g_autoptr(TsEventStreamMessage) unknown = stream_message ("surprise", NULL, NULL, "{}");
  g_autoptr(TsEventStreamMessage) not_json = stream_message ("event", ":event-type", "contentBlockDelta", "{\"delta\":");
  g_autoptr(TsEventStreamMessage) untyped = stream_message ("event", NULL, NULL, "{}");
  g_autoptr(TsBedrockFailure) failure = NULL;
  g_autoptr(TsBedrockFailure) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *chunk = NULL;

  g_assert_false (ts_bedrock_stream_handle (stream, exception, &chunk, &error));
  g_assert_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_SERVER);
  g_clear_error (&error);
  failure = ts_bedrock_stream_steal_failure (stream);
  g_assert_cmpstr (failure->type, ==, "throttlingException");
  g_assert_cmpstr (failure->message, ==, "Slow down");
  g_assert_cmpuint (failure->status, ==, 0);
  g_assert_cmpuint (ts_bedrock_failure_max_attempts (failure, 3), ==, 3);

  g_assert_false (ts_bedrock_stream_handle (stream, error_message, &chunk, &error));
  g_clear_error (&error);
  second = ts_bedrock_stream_steal_failure (stream);
  g_assert_cmpstr (second->type, ==, "InternalFailure");

  g_assert_false (ts_bedrock_stream_handle (stream, unknown, &chunk, &error));
  g_assert_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_PROTOCOL);
  g_clear_error (&error);
  g_assert_false (ts_bedrock_stream_handle (stream, not_json, &chunk, &error));
  g_assert_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_PROTOCOL);
  g_clear_error (&error);
  g_assert_false (ts_bedrock_stream_handle (stream, untyped, &chunk, &error));
  g_assert_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_PROTOCOL);
  g_assert_null (ts_bedrock_stream_steal_failure (stream));
}

static void
test_image_family (void)
{
  static const struct { const char *id; TsBedrockImageFamily family; } cases[] = {
    { "amazon.nova-canvas-v1:0", TS_BEDROCK_IMAGE_NOVA_CANVAS },
    { "us.amazon.nova-canvas-v1:0", TS_BEDROCK_IMAGE_NOVA_CANVAS },
    { "amazon.titan-image-generator-v2:0", TS_BEDROCK_IMAGE_TITAN },
    { "stability.sd3-5-large-v1:0", TS_BEDROCK_IMAGE_STABILITY },
    { "stability.stable-image-core-v1:1", TS_BEDROCK_IMAGE_STABILITY },
    { "stability.stable-image-ultra-v1:1", TS_BEDROCK_IMAGE_STABILITY },
    { "arn:aws:bedrock:us-west-2::foundation-model/stability.stable-image-ultra-v1:1", TS_BEDROCK_IMAGE_STABILITY },
    { "amazon.nova-lite-v1:0", TS_BEDROCK_IMAGE_UNKNOWN },
    { "acme.mystery-image-v1", TS_BEDROCK_IMAGE_UNKNOWN },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpint (ts_bedrock_image_family (cases[i].id), ==, cases[i].family);
}

static TsImageRequest *
lighthouse (const char *model)
{
  TsImageRequest *request = ts_image_request_new (model, "a lighthouse at dusk");

  request->negative_prompt = g_strdup ("blurry");
  request->cfg_scale = 6.5;
  return request;
}

static void
test_image_bodies (void)
{
  g_autoptr(TsImageRequest) nova = lighthouse ("amazon.nova-canvas-v1:0");
  g_autoptr(TsImageRequest) titan = lighthouse ("amazon.titan-image-generator-v2:0");
  g_autoptr(TsImageRequest) stability = lighthouse ("stability.sd3-5-large-v1:0");
  g_autofree char *nova_body = ts_bedrock_image_body (TS_BEDROCK_IMAGE_NOVA_CANVAS, nova, 42, NULL);
  g_autofree char *titan_body = ts_bedrock_image_body (TS_BEDROCK_IMAGE_TITAN, titan, 42, NULL);
  g_autofree char *stability_body = NULL;
  const char *amazon = "{\"taskType\":\"TEXT_IMAGE\",\"textToImageParams\":{\"text\":\"a lighthouse at dusk\","
                       "\"negativeText\":\"blurry\"},\"imageGenerationConfig\":{\"numberOfImages\":1,"
                       "\"width\":1024,\"height\":1024,\"cfgScale\":6.5,\"seed\":42,\"quality\":\"standard\"}}";

  /* The examples of protocols.md §6.6, byte for byte. */
  g_assert_cmpstr (nova_body, ==, amazon);
  g_assert_cmpstr (titan_body, ==, amazon);

  stability->width = 1216;
  stability->height = 832;
  stability_body = ts_bedrock_image_body (TS_BEDROCK_IMAGE_STABILITY, stability, 42, NULL);
  g_assert_cmpstr (stability_body, ==, "{\"prompt\":\"a lighthouse at dusk\",\"negative_prompt\":\"blurry\","
                                       "\"mode\":\"text-to-image\",\"aspect_ratio\":\"3:2\",\"seed\":42,"
                                       "\"output_format\":\"png\"}");
}

static void
test_aspect_ratio (void)
{
  static const struct { gint64 w, h; const char *ratio; } cases[] = {
    { 1024, 1024, "1:1" }, { 1920, 1080, "16:9" }, { 1080, 1920, "9:16" }, { 832, 1216, "2:3" },
    { 2560, 1080, "21:9" }, { 1080, 1350, "4:5" }, { 1350, 1080, "5:4" }, { 640, 1500, "9:21" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpstr (ts_bedrock_aspect_ratio (cases[i].w, cases[i].h), ==, cases[i].ratio);
}

static void
test_image_limits (void)
{
  static const struct {
    const char *model; TsBedrockImageFamily family; gint64 w, h, count, seed; double cfg;
    int prompt_length; int code; const char *fragment;
  } cases[] = {
    { "amazon.nova-canvas-v1:0", TS_BEDROCK_IMAGE_NOVA_CANVAS, 300, 1024, 1, 1, -1, 10, TS_PROVIDER_ERROR_BAD_REQUEST, "320 to 4096" },
    { "amazon.nova-canvas-v1:0", TS_BEDROCK_IMAGE_NOVA_CANVAS, 1000, 1024, 1, 1, -1, 10, TS_PROVIDER_ERROR_BAD_REQUEST, "multiples of 16" },
    { "amazon.nova-canvas-v1:0", TS_BEDROCK_IMAGE_NOVA_CANVAS, 1024, 1024, 6, 1, -1, 10, TS_PROVIDER_ERROR_BAD_REQUEST, "1 to 5 images" },
    { "amazon.nova-canvas-v1:0", TS_BEDROCK_IMAGE_NOVA_CANVAS, 1024, 1024, 1, 858993460, -1, 10, TS_PROVIDER_ERROR_BAD_REQUEST, "0 to 858993459" },
    { "amazon.nova-canvas-v1:0", TS_BEDROCK_IMAGE_NOVA_CANVAS, 1024, 1024, 1, 1, -1, 1025, TS_PROVIDER_ERROR_BAD_REQUEST, "1 to 1024 characters" },
    { "amazon.nova-canvas-v1:0", TS_BEDROCK_IMAGE_NOVA_CANVAS, 1024, 1024, 1, 1, 0.5, 10, TS_PROVIDER_ERROR_BAD_REQUEST, "CFG scale" },
    { "amazon.titan-image-generator-v2:0", TS_BEDROCK_IMAGE_TITAN, 1024, 1024, 1, 1, -1, 513, TS_PROVIDER_ERROR_BAD_REQUEST, "1 to 512 characters" },
    { "amazon.titan-image-generator-v2:0", TS_BEDROCK_IMAGE_TITAN, 1000, 1000, 1, 1, -1, 10, TS_PROVIDER_ERROR_BAD_REQUEST, "its sizes" },
    { "amazon.titan-image-generator-v2:0", TS_BEDROCK_IMAGE_TITAN, 1024, 1024, 1, 2147483647, -1, 10, TS_PROVIDER_ERROR_BAD_REQUEST, "0 to 2147483646" },
    { "stability.sd3-5-large-v1:0", TS_BEDROCK_IMAGE_STABILITY, 1024, 1024, 1, G_GINT64_CONSTANT (4294967295), -1, 10, TS_PROVIDER_ERROR_BAD_REQUEST, "4294967294" },
    { "stability.sd3-5-large-v1:0", TS_BEDROCK_IMAGE_STABILITY, 1024, 1024, 1, 1, -1, 10001, TS_PROVIDER_ERROR_BAD_REQUEST, "10000 characters" },
    { "acme.mystery-image-v1", TS_BEDROCK_IMAGE_UNKNOWN, 1024, 1024, 1, 1, -1, 10, TS_PROVIDER_ERROR_UNSUPPORTED, "request format" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *prompt = g_strnfill (cases[i].prompt_length, 'x');
      g_autoptr(TsImageRequest) request = ts_image_request_new (cases[i].model, prompt);
      g_autoptr(GError) error = NULL;
      g_autofree char *body = NULL;

      request->width = cases[i].w;
      request->height = cases[i].h;
      request->count = cases[i].count;
      request->cfg_scale = cases[i].cfg;
      body = ts_bedrock_image_body (cases[i].family, request, cases[i].seed, &error);
      g_assert_null (body);
      g_assert_error (error, TS_PROVIDER_ERROR, cases[i].code);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, cases[i].fragment));
    }
}

static char *
png_base64 (void)
{
  guint8 pixels[4 * 4 * 4] = { 0, };
  g_autoptr(GBytes) png = ts_png_encode (pixels, 4, 4, 16, NULL);

  return g_base64_encode (g_bytes_get_data (png, NULL), g_bytes_get_size (png));
}

static void
test_parse_images (void)
{
  g_autofree char *png = png_base64 ();
  g_autofree char *two = g_strdup_printf ("{\"images\":[\"%s\",\"%s\"],\"error\":null}", png, png);
  g_autofree char *seeded = g_strdup_printf ("{\"seeds\":[77],\"finish_reasons\":[null],\"images\":[\"%s\"]}", png);
  g_autoptr(GBytes) two_bytes = bytes (two);
  g_autoptr(GBytes) seeded_bytes = bytes (seeded);
  g_autoptr(TsImageResult) amazon = ts_bedrock_parse_image (TS_BEDROCK_IMAGE_NOVA_CANVAS, two_bytes, 42, NULL);
  g_autoptr(TsImageResult) stability = ts_bedrock_parse_image (TS_BEDROCK_IMAGE_STABILITY, seeded_bytes, 42, NULL);
  static const struct { TsBedrockImageFamily family; const char *body; int code; const char *fragment; } bad[] = {
    { TS_BEDROCK_IMAGE_NOVA_CANVAS, "{\"images\":[\"not base64!\"]}", TS_PROVIDER_ERROR_PROTOCOL, "not base64" },
    { TS_BEDROCK_IMAGE_NOVA_CANVAS, "{\"images\":[\"aGVsbG8gd29ybGQh\"]}", TS_PROVIDER_ERROR_PROTOCOL, "unusable image" },
    { TS_BEDROCK_IMAGE_NOVA_CANVAS, "{\"images\":[],\"error\":\"blocked\"}", TS_PROVIDER_ERROR_BAD_REQUEST, "blocked" },
    { TS_BEDROCK_IMAGE_NOVA_CANVAS, "{\"images\":[]}", TS_PROVIDER_ERROR_PROTOCOL, "no image" },
    { TS_BEDROCK_IMAGE_NOVA_CANVAS, "[1,2]", TS_PROVIDER_ERROR_PROTOCOL, "\"images\"" },
    { TS_BEDROCK_IMAGE_STABILITY, "{\"seeds\":[1],\"finish_reasons\":[\"Filter reason: prompt\"],\"images\":[\"\"]}",
      TS_PROVIDER_ERROR_BAD_REQUEST, "Filter reason: prompt" },
  };

  g_assert_cmpuint (amazon->images->len, ==, 2);
  g_assert_cmpint (g_array_index (amazon->seeds, gint64, 0), ==, 42);
  g_assert_cmpint (g_array_index (amazon->seeds, gint64, 1), ==, TS_SEED_RANDOM);
  g_assert_true (ts_png_validate (g_ptr_array_index (amazon->images, 0), NULL, NULL, NULL));
  g_assert_cmpuint (stability->images->len, ==, 1);
  g_assert_cmpint (g_array_index (stability->seeds, gint64, 0), ==, 77);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GBytes) body = bytes (bad[i].body);
      g_autoptr(GError) error = NULL;

      g_assert_null (ts_bedrock_parse_image (bad[i].family, body, 1, &error));
      g_assert_error (error, TS_PROVIDER_ERROR, bad[i].code);
      g_assert_nonnull (strstr (error->message, bad[i].fragment));
    }
}

static void
test_catalog (void)
{
  g_autoptr(TsBedrockCatalog) catalog = ts_bedrock_catalog_new ();
  g_autoptr(GBytes) models = bytes (
    "{\"modelSummaries\":["
    "{\"modelId\":\"meta.llama3-8b-instruct-v1:0\",\"modelName\":\"Llama 3 8B Instruct\",\"providerName\":\"Meta\","
    "\"outputModalities\":[\"TEXT\"],\"inferenceTypesSupported\":[\"ON_DEMAND\"],\"modelLifecycle\":{\"status\":\"LEGACY\"}},"
    "{\"modelId\":\"amazon.nova-lite-v1:0\",\"modelName\":\"Nova Lite\",\"providerName\":\"Amazon\","
    "\"inputModalities\":[\"TEXT\",\"IMAGE\",\"VIDEO\"],\"outputModalities\":[\"TEXT\"],"
    "\"inferenceTypesSupported\":[\"ON_DEMAND\",\"SOMETHING_NEW\"],\"modelLifecycle\":{\"status\":\"ACTIVE\"}},"
    "{\"modelId\":\"anthropic.claude-3-5-haiku-20241022-v1:0\",\"modelName\":\"Claude 3.5 Haiku\","
    "\"providerName\":\"Anthropic\",\"inputModalities\":[\"TEXT\"],\"outputModalities\":[\"TEXT\"],"
    "\"inferenceTypesSupported\":[\"INFERENCE_PROFILE\"]},"
    "{\"modelId\":\"amazon.titan-embed-text-v2:0\",\"outputModalities\":[\"EMBEDDING\"],\"inferenceTypesSupported\":[\"ON_DEMAND\"]},"
    "{\"modelId\":\"amazon.nova-canvas-v1:0\",\"modelName\":\"Nova Canvas\",\"providerName\":\"Amazon\","
    "\"outputModalities\":[\"IMAGE\"],\"inferenceTypesSupported\":[\"ON_DEMAND\"]},"
    "{\"modelId\":\"acme.mystery-image-v1\",\"outputModalities\":[\"IMAGE\"],\"inferenceTypesSupported\":[\"ON_DEMAND\"]},"
    "{\"modelName\":\"no id\"}]}");
  g_autoptr(GBytes) profiles = bytes (
    "{\"inferenceProfileSummaries\":["
    "{\"inferenceProfileId\":\"us.anthropic.claude-3-5-haiku-20241022-v1:0\",\"inferenceProfileName\":\"US Claude 3.5 Haiku\","
    "\"status\":\"ACTIVE\",\"models\":[{\"modelArn\":\"arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0\"}]},"
    "{\"inferenceProfileId\":\"us.meta.llama3-8b-instruct-v1:0\",\"inferenceProfileName\":\"US Llama 3 8B\","
    "\"status\":\"ACTIVE\",\"models\":[{\"modelArn\":\"arn:aws:bedrock:us-east-1::foundation-model/meta.llama3-8b-instruct-v1:0\"}]},"
    "{\"inferenceProfileId\":\"eu.amazon.nova-lite-v1:0\",\"status\":\"DISABLED\","
    "\"models\":[{\"modelArn\":\"arn:aws:bedrock:eu-west-1::foundation-model/amazon.nova-lite-v1:0\"}]}],"
    "\"nextToken\":\"abc\"}");
  g_autoptr(GBytes) garbage = bytes ("{\"models\":[]}");
  static const struct { const char *id; const char *name; TsModelCapabilities capabilities; } expected[] = {
    { "amazon.nova-lite-v1:0", "Amazon Nova Lite", TS_MODEL_TEXT | TS_MODEL_IMAGE_INPUT },
    { "us.anthropic.claude-3-5-haiku-20241022-v1:0", "US Claude 3.5 Haiku", TS_MODEL_TEXT },
    { "amazon.nova-canvas-v1:0", "Amazon Nova Canvas", TS_MODEL_IMAGE_OUTPUT },
    { "meta.llama3-8b-instruct-v1:0", "Meta Llama 3 8B Instruct (legacy)", TS_MODEL_TEXT },
    { "us.meta.llama3-8b-instruct-v1:0", "US Llama 3 8B (legacy)", TS_MODEL_TEXT },
  };
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;

  g_assert_true (ts_bedrock_catalog_add_models (catalog, models, NULL));
  g_assert_true (ts_bedrock_catalog_add_profiles (catalog, profiles, &token, NULL));
  g_assert_cmpstr (token, ==, "abc");
  g_assert_false (ts_bedrock_catalog_add_models (catalog, garbage, &error));
  g_assert_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_PROTOCOL);

  list = ts_bedrock_catalog_list (catalog);
  g_assert_cmpuint (list->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < list->len; i++)
    {
      const TsModelInfo *info = g_ptr_array_index (list, i);

      g_assert_cmpstr (info->id, ==, expected[i].id);
      g_assert_cmpstr (info->name, ==, expected[i].name);
      g_assert_cmpint (info->capabilities, ==, expected[i].capabilities);
    }
}

static void
test_failures (void)
{
  static const struct {
    guint status; const char *header; const char *body; int code; guint attempts; const char *fragment;
  } cases[] = {
    { 429, "ThrottlingException:http://internal.amazon.com/coral/com.amazon.coral.service/",
      "{\"message\":\"Too many requests\"}", TS_PROVIDER_ERROR_RATE_LIMITED, 3, "limiting the request rate: Too many requests" },
    { 429, NULL, "{\"__type\":\"com.amazon.bedrock#ModelNotReadyException\",\"Message\":\"warming\"}",
      TS_PROVIDER_ERROR_RATE_LIMITED, 3, "starting: warming (ModelNotReadyException" },
    { 503, "ServiceUnavailableException", "{}", TS_PROVIDER_ERROR_SERVER, 3, "unavailable" },
    { 500, "InternalServerException", "{}", TS_PROVIDER_ERROR_SERVER, 3, "Bedrock failed" },
    { 408, "ModelTimeoutException", "{}", TS_PROVIDER_ERROR_SERVER, 2, "took too long" },
    { 424, "ModelErrorException", "{\"message\":\"boom\"}", TS_PROVIDER_ERROR_SERVER, 1, "the model failed: boom" },
    { 400, "ValidationException", "{\"message\":\"Malformed input request\"}", TS_PROVIDER_ERROR_BAD_REQUEST, 1, "refused the request" },
    { 400, "ValidationException", "{\"message\":\"This request has been blocked by our content filters.\"}",
      TS_PROVIDER_ERROR_BAD_REQUEST, 1, "refused this prompt (content filters)" },
    { 400, "ServiceQuotaExceededException", "{}", TS_PROVIDER_ERROR_BAD_REQUEST, 1, "request an increase" },
    { 403, "AccessDeniedException", "{\"message\":\"You don't have access to the model with the specified model ID.\"}",
      TS_PROVIDER_ERROR_NOT_FOUND, 1, "enable access to amazon.nova-pro-v1:0 in the Bedrock console for eu-west-3" },
    { 403, "AccessDeniedException", "{\"message\":\"User is not authorized to perform bedrock:InvokeModel\"}",
      TS_PROVIDER_ERROR_AUTH, 1, "denied" },
    { 404, "ResourceNotFoundException", "{}", TS_PROVIDER_ERROR_NOT_FOUND, 1, "not available in eu-west-3" },
    { 403, "UnrecognizedClientException", "{}", TS_PROVIDER_ERROR_AUTH, 1, "access key" },
    { 403, "InvalidSignatureException", "{}", TS_PROVIDER_ERROR_AUTH, 1, "clock" },
    { 403, "ExpiredTokenException", "{}", TS_PROVIDER_ERROR_AUTH, 1, "expired" },
    { 502, NULL, "<html>Bad gateway</html>", TS_PROVIDER_ERROR_SERVER, 3, "HTTP status 502: <html>Bad gateway</html>" },
    { 418, NULL, "", TS_PROVIDER_ERROR_BAD_REQUEST, 1, "HTTP status 418" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) body = bytes (cases[i].body);
      g_autoptr(TsBedrockFailure) failure =
        ts_bedrock_failure_parse (cases[i].status, cases[i].header, "0e2f-req", NULL, body);
      g_autoptr(GError) error = ts_bedrock_failure_to_error (failure, "amazon.nova-pro-v1:0", "eu-west-3");

      g_test_message ("%s", error->message);
      g_assert_error (error, TS_PROVIDER_ERROR, cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].fragment));
      g_assert_nonnull (strstr (error->message, "request id 0e2f-req"));
      g_assert_cmpuint (ts_bedrock_failure_max_attempts (failure, 3), ==, cases[i].attempts);
      g_assert_cmpuint (ts_bedrock_failure_max_attempts (failure, 1), ==, 1);
    }
}

static void
test_retry_after (void)
{
  g_autoptr(TsBedrockFailure) failure = ts_bedrock_failure_parse (429, "ThrottlingException", NULL, "3", NULL);

  g_assert_cmpint (failure->retry_after_ms, ==, 3000);
  g_assert_cmpint (ts_bedrock_parse_retry_after ("0"), ==, 0);
  g_assert_cmpint (ts_bedrock_parse_retry_after (" 12 "), ==, 12000);
  g_assert_cmpint (ts_bedrock_parse_retry_after ("Wed, 21 Oct 2015 07:28:00 GMT"), ==, -1);
  g_assert_cmpint (ts_bedrock_parse_retry_after ("-5"), ==, -1);
  g_assert_cmpint (ts_bedrock_parse_retry_after ("99999999"), ==, -1);
  g_assert_cmpint (ts_bedrock_parse_retry_after (NULL), ==, -1);
}

static void
test_retry_delay (void)
{
  /* Full jitter: between 0 and min(20 s, 0.5 s × 2^retry). */
  for (guint retry = 0; retry < 40; retry++)
    {
      gint64 cap = retry < 6 ? 500 << retry : 20000;

      g_assert_cmpint (ts_bedrock_retry_delay_ms (retry, -1, 500, 20000, 0.0), ==, 0);
      g_assert_cmpint (ts_bedrock_retry_delay_ms (retry, -1, 500, 20000, 0.999999), ==, (gint64) (0.999999 * cap));
      for (guint i = 0; i < 200; i++)
        {
          gint64 delay = ts_bedrock_retry_delay_ms (retry, -1, 500, 20000, g_test_rand_double ());

          g_assert_cmpint (delay, >=, 0);
          g_assert_cmpint (delay, <=, cap);
        }
    }

  /* The service's Retry-After wins, up to the largest wait. */
  g_assert_cmpint (ts_bedrock_retry_delay_ms (0, 3000, 500, 20000, 0.5), ==, 3000);
  g_assert_cmpint (ts_bedrock_retry_delay_ms (0, 60000, 500, 20000, 0.5), ==, 20000);
}

static void
test_model_path (void)
{
  g_autofree char *plain = ts_bedrock_model_path ("anthropic.claude-3-haiku-20240307-v1:0", "converse");
  g_autofree char *arn = ts_bedrock_model_path ("arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.amazon.nova-lite-v1:0",
                                                "converse-stream");

  g_assert_cmpstr (plain, ==, "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse");
  g_assert_cmpstr (arn, ==, "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile"
                            "%2Fus.amazon.nova-lite-v1%3A0/converse-stream");
}

/* Part two: the provider against the mock server. */

#define WRONG_SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYWRONGKEY"

typedef struct
{
  MockBedrock *mock;
  TsProvider  *provider;
  GPtrArray   *env;
  char        *home;
} Fixture;

static void
set_env (Fixture    *fixture,
         const char *name,
         const char *value)
{
  g_autofree char *prefix = g_strconcat (name, "=", NULL);

  for (guint i = 0; i + 1 < fixture->env->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (fixture->env, i), prefix))
      {
        g_ptr_array_remove_index (fixture->env, i);
        break;
      }

  if (value != NULL)
    g_ptr_array_insert (fixture->env, 0, g_strdup_printf ("%s=%s", name, value));
  ts_bedrock_provider_set_environment (TS_BEDROCK_PROVIDER (fixture->provider),
                                       (const char * const *) fixture->env->pdata);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->mock = mock_bedrock_new ();
  fixture->provider = ts_bedrock_provider_new ();
  fixture->home = g_dir_make_tmp ("tessera-bedrock-XXXXXX", NULL);
  fixture->env = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (fixture->env, NULL);

  set_env (fixture, "HOME", fixture->home);
  set_env (fixture, "AWS_ACCESS_KEY_ID", MOCK_BEDROCK_ACCESS_KEY);
  set_env (fixture, "AWS_SECRET_ACCESS_KEY", MOCK_BEDROCK_SECRET);
  set_env (fixture, "AWS_REGION", "us-west-2");
  set_env (fixture, "AWS_ENDPOINT_URL", mock_bedrock_get_url (fixture->mock));
  ts_bedrock_provider_set_retry_timing (TS_BEDROCK_PROVIDER (fixture->provider), 10, 100);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_assert_finalize_object (fixture->provider);
  mock_bedrock_free (fixture->mock);
  g_ptr_array_unref (fixture->env);
  g_rmdir (fixture->home);
  g_free (fixture->home);
}

typedef struct
{
  GAsyncResult *result;
  GString      *chunks;
  guint         n_chunks;
  GCancellable *cancel_after_first;
  GArray       *progress;
} Wait;

static void
done_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Wait *wait = user_data;

  wait->result = g_object_ref (result);
}

static void
chunk_cb (const char *chunk,
          gpointer    user_data)
{
  Wait *wait = user_data;

  g_assert_null (wait->result);
  g_assert_true (g_utf8_validate (chunk, -1, NULL) && *chunk != '\0');
  g_string_append (wait->chunks, chunk);
  wait->n_chunks++;
  if (wait->cancel_after_first != NULL)
    g_cancellable_cancel (wait->cancel_after_first);
}

static void
progress_cb (double   fraction,
             gpointer user_data)
{
  Wait *wait = user_data;

  g_array_append_val (wait->progress, fraction);
}

static void
wait_init (Wait *wait)
{
  memset (wait, 0, sizeof *wait);
  wait->chunks = g_string_new (NULL);
  wait->progress = g_array_new (FALSE, FALSE, sizeof (double));
}

static void
wait_clear (Wait *wait)
{
  g_clear_object (&wait->result);
  g_string_free (wait->chunks, TRUE);
  g_array_unref (wait->progress);
}

static void
wait_for (Wait *wait)
{
  while (wait->result == NULL)
    g_main_context_iteration (NULL, TRUE);
}

static void
assert_no_secret (const GError *error)
{
  g_assert_null (strstr (error->message, MOCK_BEDROCK_SECRET));
  g_assert_null (strstr (error->message, WRONG_SECRET));
  g_assert_null (strstr (error->message, MOCK_BEDROCK_TOKEN));
  g_assert_null (strstr (error->message, MOCK_BEDROCK_BEARER));
}

/* Runs a text request; returns the result or NULL with @error set. */
static TsTextResult *
run_text (Fixture       *fixture,
          const char    *model,
          gboolean       stream,
          GCancellable  *cancellable,
          Wait          *wait,
          GError       **error)
{
  g_autoptr(TsTextRequest) request = hello_request (model);
  TsTextResult *result;

  request->max_tokens = 64;
  ts_provider_generate_text_async (fixture->provider, request, stream ? chunk_cb : NULL, wait,
                                   cancellable, done_cb, wait);
  wait_for (wait);
  result = ts_provider_generate_text_finish (fixture->provider, wait->result, error);
  if (error != NULL && *error != NULL)
    assert_no_secret (*error);

  return result;
}

static void
test_provider_converse (Fixture       *fixture,
                        gconstpointer  data)
{
  Wait wait;
  g_autoptr(TsTextResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *region = NULL;
  const MockRequest *request;

  wait_init (&wait);
  result = run_text (fixture, "anthropic.claude-3-haiku-20240307-v1:0", FALSE, NULL, &wait, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (result->text, ==, "Echo: Hello");
  g_assert_cmpstr (result->finish_reason, ==, "end_turn");
  g_assert_cmpint (result->input_tokens, ==, 12);
  g_assert_cmpint (result->output_tokens, ==, 7);
  g_assert_cmpint (result->duration_ms, ==, 5);
  g_assert_null (result->reasoning);
  g_assert_cmpuint (wait.n_chunks, ==, 0);

  /* Signed for the region of the credential scope, whatever the endpoint. */
  g_assert_cmpuint (mock_bedrock_get_n_verified (fixture->mock), ==, 1);
  g_assert_cmpuint (mock_bedrock_get_n_bad_signatures (fixture->mock), ==, 0);
  region = mock_bedrock_dup_last_region (fixture->mock);
  g_assert_cmpstr (region, ==, "us-west-2");

  request = mock_server_find_request (mock_bedrock_get_server (fixture->mock), "POST",
                                      "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse");
  g_assert_nonnull (request);
  g_assert_cmpstr (mock_request_get_header (request, "Content-Type"), ==, "application/json");
  g_assert_cmpstr (mock_request_get_header (request, "Accept"), ==, "application/json");
  wait_clear (&wait);
}

static void
test_provider_stream (Fixture       *fixture,
                      gconstpointer  data)
{
  static const char *models[] = {
    "amazon.nova-lite-v1:0",
    "us.amazon.nova-lite-v1:0",
    "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.amazon.nova-lite-v1:0",
  };

  for (guint i = 0; i < G_N_ELEMENTS (models); i++)
    {
      Wait wait;
      g_autoptr(TsTextResult) result = NULL;
      g_autoptr(GError) error = NULL;

      wait_init (&wait);
      result = run_text (fixture, models[i], TRUE, NULL, &wait, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (result->text, ==, "Echo: Hello");
      g_assert_cmpstr (wait.chunks->str, ==, "Echo: Hello");
      g_assert_cmpuint (wait.n_chunks, ==, 2);
      g_assert_cmpstr (result->finish_reason, ==, "end_turn");
      g_assert_cmpint (result->output_tokens, ==, 7);
      wait_clear (&wait);
    }

  g_assert_cmpuint (mock_bedrock_get_n_verified (fixture->mock), ==, G_N_ELEMENTS (models));
  g_assert_cmpuint (mock_bedrock_get_n_bad_signatures (fixture->mock), ==, 0);
  g_assert_nonnull (mock_server_find_request (mock_bedrock_get_server (fixture->mock), "POST",
                                              "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3A"
                                              "inference-profile%2Fus.amazon.nova-lite-v1%3A0/converse-stream"));
}

static void
test_provider_session_token (Fixture       *fixture,
                             gconstpointer  data)
{
  Wait wait;
  g_autoptr(TsTextResult) result = NULL;
  g_autoptr(GError) error = NULL;

  mock_bedrock_expect_token (fixture->mock, MOCK_BEDROCK_TOKEN);
  set_env (fixture, "AWS_SESSION_TOKEN", MOCK_BEDROCK_TOKEN);

  wait_init (&wait);
  result = run_text (fixture, "amazon.nova-lite-v1:0", TRUE, NULL, &wait, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (result->text, ==, "Echo: Hello");
  wait_clear (&wait);
}

static void
test_provider_bearer (Fixture       *fixture,
                      gconstpointer  data)
{
  Wait wait;
  g_autoptr(TsTextResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *auth = NULL;

  set_env (fixture, "AWS_BEARER_TOKEN_BEDROCK", MOCK_BEDROCK_BEARER);
  wait_init (&wait);
  result = run_text (fixture, "amazon.nova-lite-v1:0", FALSE, NULL, &wait, &error);
  g_assert_no_error (error);
  auth = mock_bedrock_dup_last_auth (fixture->mock);
  g_assert_cmpstr (auth, ==, "Bearer " MOCK_BEDROCK_BEARER);
  wait_clear (&wait);
}

static void
assert_text_fails (Fixture    *fixture,
                   const char *model,
                   gboolean    stream,
                   int         code,
                   const char *fragment,
                   guint       n_requests)
{
  Wait wait;
  g_autoptr(TsTextResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint before = mock_server_get_n_requests (mock_bedrock_get_server (fixture->mock));

  wait_init (&wait);
  result = run_text (fixture, model, stream, NULL, &wait, &error);
  g_assert_null (result);
  g_test_message ("%s", error->message);
  g_assert_error (error, TS_PROVIDER_ERROR, code);
  g_assert_nonnull (strstr (error->message, fragment));
  g_assert_cmpuint (mock_server_get_n_requests (mock_bedrock_get_server (fixture->mock)) - before,
                    ==, n_requests);
  wait_clear (&wait);
}

static void
test_provider_bad_signature (Fixture       *fixture,
                             gconstpointer  data)
{
  set_env (fixture, "AWS_SECRET_ACCESS_KEY", WRONG_SECRET);
  assert_text_fails (fixture, "amazon.nova-lite-v1:0", FALSE, TS_PROVIDER_ERROR_AUTH,
                     "The request signature we calculated does not match", 1);
  g_assert_cmpuint (mock_bedrock_get_n_bad_signatures (fixture->mock), ==, 1);

  set_env (fixture, "AWS_SECRET_ACCESS_KEY", MOCK_BEDROCK_SECRET);
  set_env (fixture, "AWS_ACCESS_KEY_ID", "AKIDUNKNOWN");
  assert_text_fails (fixture, "amazon.nova-lite-v1:0", TRUE, TS_PROVIDER_ERROR_AUTH,
                     "does not know this access key", 1);
}

static void
test_provider_throttle (Fixture       *fixture,
                        gconstpointer  data)
{
  Wait wait;
  g_autoptr(TsTextResult) result = NULL;
  g_autoptr(GError) error = NULL;

  /* Two throttles, then an answer: three attempts, the default. */
  wait_init (&wait);
  result = run_text (fixture, "test.throttle-2", TRUE, NULL, &wait, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (result->text, ==, "Echo: Hello");
  g_assert_cmpuint (mock_server_get_n_requests (mock_bedrock_get_server (fixture->mock)), ==, 3);
  wait_clear (&wait);

  /* Two attempts are not enough. */
  ts_bedrock_provider_set_max_attempts (TS_BEDROCK_PROVIDER (fixture->provider), 2);
  assert_text_fails (fixture, "test.throttle-5", FALSE, TS_PROVIDER_ERROR_RATE_LIMITED,
                     "ThrottlingException, HTTP 429, request id 11111111-2222", 2);

  ts_bedrock_provider_set_max_attempts (TS_BEDROCK_PROVIDER (fixture->provider), 3);
  assert_text_fails (fixture, "test.unavailable", FALSE, TS_PROVIDER_ERROR_SERVER,
                     "Bedrock is unavailable.", 3);
  assert_text_fails (fixture, "test.validation", FALSE, TS_PROVIDER_ERROR_BAD_REQUEST,
                     "Malformed input request.", 1);
  assert_text_fails (fixture, "test.no-access", FALSE, TS_PROVIDER_ERROR_NOT_FOUND,
                     "enable access to test.no-access in the Bedrock console for us-west-2", 1);
}

static void
test_provider_retry_after (Fixture       *fixture,
                           gconstpointer  data)
{
  Wait wait;
  g_autoptr(TsTextResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  ts_bedrock_provider_set_retry_timing (TS_BEDROCK_PROVIDER (fixture->provider), 10, 5000);
  wait_init (&wait);
  result = run_text (fixture, "test.retry-after", FALSE, NULL, &wait, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 1000 * 1000 - 50 * 1000);
  g_assert_cmpuint (mock_server_get_n_requests (mock_bedrock_get_server (fixture->mock)), ==, 2);
  wait_clear (&wait);
}

static void
test_provider_stream_failures (Fixture       *fixture,
                               gconstpointer  data)
{
  Wait wait;
  g_autoptr(TsTextResult) result = NULL;
  g_autoptr(GError) error = NULL;

  /* An exception after text: not retried, the text stays delivered. */
  wait_init (&wait);
  result = run_text (fixture, "test.exception-mid", TRUE, NULL, &wait, &error);
  g_assert_null (result);
  g_assert_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_SERVER);
  g_assert_nonnull (strstr (error->message, "The model crashed while answering."));
  g_assert_cmpstr (wait.chunks->str, ==, "Echo: Hello");
  g_assert_cmpuint (mock_server_get_n_requests (mock_bedrock_get_server (fixture->mock)), ==, 1);
  g_clear_error (&error);
  wait_clear (&wait);

  /* A throttling exception before any text: tried again. */
  wait_init (&wait);
  result = run_text (fixture, "test.throttle-stream", TRUE, NULL, &wait, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (wait.chunks->str, ==, "Echo: Hello");
  g_assert_cmpuint (mock_server_get_n_requests (mock_bedrock_get_server (fixture->mock)), ==, 3);
  g_clear_pointer (&result, ts_text_result_free);
  wait_clear (&wait);

  assert_text_fails (fixture, "test.corrupt-crc", TRUE, TS_PROVIDER_ERROR_PROTOCOL,
                     "message checksum does not match (frame 4", 1);
  assert_text_fails (fixture, "test.truncated", TRUE, TS_PROVIDER_ERROR_SERVER, "broke off", 1);
}

static void
test_provider_cancel_stream (Fixture       *fixture,
                             gconstpointer  data)
{
  Wait wait;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(TsTextResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  wait_init (&wait);
  wait.cancel_after_first = cancellable;
  result = run_text (fixture, "test.slow", TRUE, cancellable, &wait, &error);
  g_assert_null (result);
  g_assert_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_CANCELLED);
  g_assert_cmpuint (wait.n_chunks, ==, 1);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
  wait_clear (&wait);
}

static void
test_provider_cancel_backoff (Fixture       *fixture,
                              gconstpointer  data)
{
  Wait wait;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(TsTextRequest) request = hello_request ("test.throttle-9");
  g_autoptr(GError) error = NULL;
  gint64 start;

  /* Waits of up to 20 s: the cancel must cut the wait short. */
  ts_bedrock_provider_set_retry_timing (TS_BEDROCK_PROVIDER (fixture->provider), 20000, 20000);
  wait_init (&wait);
  ts_provider_generate_text_async (fixture->provider, request, NULL, NULL, cancellable,
                                   done_cb, &wait);
  while (mock_server_get_n_requests (mock_bedrock_get_server (fixture->mock)) < 1)
    g_main_context_iteration (NULL, TRUE);

  start = g_get_monotonic_time ();
  g_cancellable_cancel (cancellable);
  wait_for (&wait);
  g_assert_null (ts_provider_generate_text_finish (fixture->provider, wait.result, &error));
  g_assert_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  wait_clear (&wait);
}

static TsImageResult *
run_image (Fixture         *fixture,
           TsImageRequest  *request,
           Wait            *wait,
           GError         **error)
{
  TsImageResult *result;

  ts_provider_generate_image_async (fixture->provider, request, progress_cb, wait, NULL,
                                    done_cb, wait);
  wait_for (wait);
  result = ts_provider_generate_image_finish (fixture->provider, wait->result, error);
  if (error != NULL && *error != NULL)
    assert_no_secret (*error);

  return result;
}

static void
test_provider_images (Fixture       *fixture,
                      gconstpointer  data)
{
  static const struct { const char *model; gint64 count; guint n_calls; } cases[] = {
    { "amazon.nova-canvas-v1:0", 1, 1 },
    { "amazon.titan-image-generator-v2:0", 2, 1 },
    { "stability.sd3-5-large-v1:0", 2, 2 },
    { "stability.stable-image-core-v1:1", 1, 1 },
    { "stability.stable-image-ultra-v1:1", 1, 1 },
  };
  guint calls = 0;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TsImageRequest) request = lighthouse (cases[i].model);
      g_autoptr(TsImageResult) result = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *path = NULL;
      g_autofree char *body = NULL;
      const MockRequest *sent;
      Wait wait;

      request->seed = 42;
      request->count = cases[i].count;
      wait_init (&wait);
      result = run_image (fixture, request, &wait, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (result->images->len, ==, cases[i].count);
      for (guint j = 0; j < result->images->len; j++)
        {
          guint width = 0;

          g_assert_true (ts_png_validate (g_ptr_array_index (result->images, j), &width, NULL, NULL));
          g_assert_cmpuint (width, ==, 8);
        }
      g_assert_cmpint (g_array_index (result->seeds, gint64, 0), ==, 42);
      if (cases[i].n_calls == 2)
        g_assert_cmpint (g_array_index (result->seeds, gint64, 1), ==, 43);
      g_assert_cmpuint (wait.progress->len, ==, cases[i].n_calls + 1);
      g_assert_cmpfloat (g_array_index (wait.progress, double, wait.progress->len - 1), ==, 1.0);

      calls += cases[i].n_calls;
      g_assert_cmpuint (mock_server_get_n_requests (mock_bedrock_get_server (fixture->mock)), ==, calls);

      path = ts_bedrock_model_path (cases[i].model, "invoke");
      sent = mock_server_find_request (mock_bedrock_get_server (fixture->mock), "POST", path);
      g_assert_nonnull (sent);
      body = mock_request_dup_body_string (sent);
      /* The last call of a Stability model takes the last seed. */
      g_assert_nonnull (strstr (body, cases[i].n_calls == 2 ? "\"seed\":43" : "\"seed\":42"));
      wait_clear (&wait);
    }

  g_assert_cmpuint (mock_bedrock_get_n_bad_signatures (fixture->mock), ==, 0);
}

static void
test_provider_image_failures (Fixture       *fixture,
                              gconstpointer  data)
{
  static const struct { const char *model; const char *prompt; gint64 width; int code; const char *fragment; guint calls; } cases[] = {
    { "amazon.nova-canvas-v1:0", "a forbidden lighthouse", 1024, TS_PROVIDER_ERROR_BAD_REQUEST, "refused this prompt", 1 },
    { "stability.sd3-5-large-v1:0", "a forbidden lighthouse", 1024, TS_PROVIDER_ERROR_BAD_REQUEST, "Filter reason: prompt", 1 },
    { "amazon.nova-canvas-v1:0", "a lighthouse", 100, TS_PROVIDER_ERROR_BAD_REQUEST, "320 to 4096", 0 },
    { "acme.mystery-image-v1", "a lighthouse", 1024, TS_PROVIDER_ERROR_UNSUPPORTED, "request format", 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TsImageRequest) request = ts_image_request_new (cases[i].model, cases[i].prompt);
      g_autoptr(GError) error = NULL;
      guint before = mock_server_get_n_requests (mock_bedrock_get_server (fixture->mock));
      Wait wait;

      request->width = cases[i].width;
      wait_init (&wait);
      g_assert_null (run_image (fixture, request, &wait, &error));
      g_assert_error (error, TS_PROVIDER_ERROR, cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].fragment));
      g_assert_cmpuint (mock_server_get_n_requests (mock_bedrock_get_server (fixture->mock)) - before,
                        ==, cases[i].calls);
      wait_clear (&wait);
    }
}

static void
test_provider_random_seed (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(TsImageRequest) request = lighthouse ("amazon.nova-canvas-v1:0");
  g_autoptr(TsImageResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 seed;
  Wait wait;

  request->seed = TS_SEED_RANDOM;
  wait_init (&wait);
  result = run_image (fixture, request, &wait, &error);
  g_assert_no_error (error);
  seed = g_array_index (result->seeds, gint64, 0);
  g_assert_cmpint (seed, >=, 0);
  g_assert_cmpint (seed, <=, 858993459);
  wait_clear (&wait);
}

static GPtrArray *
run_list (Fixture  *fixture,
          GError  **error)
{
  Wait wait;
  GPtrArray *models;

  wait_init (&wait);
  ts_provider_list_models_async (fixture->provider, NULL, done_cb, &wait);
  wait_for (&wait);
  models = ts_provider_list_models_finish (fixture->provider, wait.result, error);
  wait_clear (&wait);

  return models;
}

static void
test_provider_models (Fixture       *fixture,
                      gconstpointer  data)
{
  static const char *expected[] = {
    "amazon.nova-lite-v1:0", "us.amazon.nova-lite-v1:0",
    "us.anthropic.claude-3-5-haiku-20241022-v1:0",
    "amazon.nova-canvas-v1:0", "stability.sd3-5-large-v1:0",
    "meta.llama3-8b-instruct-v1:0",
  };
  g_autoptr(GPtrArray) models = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GError) error = NULL;

  models = run_list (fixture, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (models->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < models->len; i++)
    g_assert_cmpstr (((TsModelInfo *) g_ptr_array_index (models, i))->id, ==, expected[i]);
  g_assert_cmpstr (((TsModelInfo *) g_ptr_array_index (models, 5))->name, ==,
                   "Meta Llama 3 8B Instruct (legacy)");
  g_assert_cmpuint (mock_server_get_n_requests (mock_bedrock_get_server (fixture->mock)), ==, 4);
  g_assert_cmpuint (mock_bedrock_get_n_bad_signatures (fixture->mock), ==, 0);

  /* Cached for the region. */
  again = run_list (fixture, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (again->len, ==, models->len);
  g_assert_cmpuint (mock_server_get_n_requests (mock_bedrock_get_server (fixture->mock)), ==, 4);
}

static void
test_provider_endpoints (Fixture       *fixture,
                         gconstpointer  data)
{
  TsBedrockProvider *bedrock = TS_BEDROCK_PROVIDER (fixture->provider);
  g_autoptr(GPtrArray) models = NULL;
  g_autoptr(GError) error = NULL;
  Wait wait;
  g_autoptr(TsTextResult) result = NULL;

  /* Nothing listens on port 1. */
  set_env (fixture, "AWS_ENDPOINT_URL", "http://127.0.0.1:1");
  assert_text_fails (fixture, "amazon.nova-lite-v1:0", FALSE, TS_PROVIDER_ERROR_UNREACHABLE,
                     "127.0.0.1:1", 0);

  /* The service-specific variables win over AWS_ENDPOINT_URL. */
  set_env (fixture, "AWS_ENDPOINT_URL_BEDROCK_RUNTIME", mock_bedrock_get_url (fixture->mock));
  wait_init (&wait);
  result = run_text (fixture, "amazon.nova-lite-v1:0", TRUE, NULL, &wait, &error);
  g_assert_no_error (error);
  wait_clear (&wait);

  set_env (fixture, "AWS_ENDPOINT_URL_BEDROCK", mock_bedrock_get_url (fixture->mock));
  models = run_list (fixture, &error);
  g_assert_no_error (error);
  g_clear_pointer (&models, g_ptr_array_unref);

  /* Without variables, the settings apply. */
  set_env (fixture, "AWS_ENDPOINT_URL", NULL);
  set_env (fixture, "AWS_ENDPOINT_URL_BEDROCK", NULL);
  set_env (fixture, "AWS_ENDPOINT_URL_BEDROCK_RUNTIME", NULL);
  ts_provider_set_endpoint (fixture->provider, mock_bedrock_get_url (fixture->mock));
  ts_bedrock_provider_set_control_endpoint (bedrock, mock_bedrock_get_url (fixture->mock));
  g_clear_pointer (&result, ts_text_result_free);
  wait_init (&wait);
  result = run_text (fixture, "amazon.nova-lite-v1:0", FALSE, NULL, &wait, &error);
  g_assert_no_error (error);
  wait_clear (&wait);
  models = run_list (fixture, &error);
  g_assert_no_error (error);

  set_env (fixture, "AWS_ENDPOINT_URL", "ftp://example.com/");
  assert_text_fails (fixture, "amazon.nova-lite-v1:0", FALSE, TS_PROVIDER_ERROR_BAD_REQUEST,
                     "AWS_ENDPOINT_URL", 0);
}

static void
test_provider_configuration (Fixture       *fixture,
                             gconstpointer  data)
{
  TsBedrockProvider *bedrock = TS_BEDROCK_PROVIDER (fixture->provider);
  g_autofree char *region = NULL;
  Wait wait;
  g_autoptr(TsTextResult) result = NULL;
  g_autoptr(GError) error = NULL;

  set_env (fixture, "AWS_REGION", NULL);
  assert_text_fails (fixture, "amazon.nova-lite-v1:0", FALSE, TS_PROVIDER_ERROR_BAD_REQUEST,
                     "choose a region in Preferences or set AWS_REGION", 0);

  ts_bedrock_provider_set_region (bedrock, "eu-central-1");
  wait_init (&wait);
  result = run_text (fixture, "amazon.nova-lite-v1:0", FALSE, NULL, &wait, &error);
  g_assert_no_error (error);
  region = mock_bedrock_dup_last_region (fixture->mock);
  g_assert_cmpstr (region, ==, "eu-central-1");
  wait_clear (&wait);

  set_env (fixture, "AWS_ACCESS_KEY_ID", NULL);
  set_env (fixture, "AWS_SECRET_ACCESS_KEY", NULL);
  assert_text_fails (fixture, "amazon.nova-lite-v1:0", FALSE, TS_PROVIDER_ERROR_AUTH,
                     "no AWS credentials found", 0);
}

static void
test_registry (void)
{
  g_autoptr(TsProviderRegistry) registry = ts_providers_new_registry ();
  TsProvider *bedrock = ts_provider_registry_lookup (registry, "bedrock");

  g_assert_true (TS_IS_BEDROCK_PROVIDER (bedrock));
  g_assert_cmpstr (ts_provider_get_display_name (bedrock), ==, "Amazon Bedrock");
}

#define ADD(path, func) \
  g_test_add ("/bedrock/provider/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  mock_server_init_environment ();

  g_test_add_func ("/bedrock/wire/converse-body-vector", test_converse_body_vector);
  g_test_add_func ("/bedrock/wire/converse-body-full", test_converse_body_full);
  g_test_add_func ("/bedrock/wire/converse-body-errors", test_converse_body_errors);
  g_test_add_func ("/bedrock/wire/parse-converse", test_parse_converse);
  g_test_add_func ("/bedrock/wire/stream-events", test_stream_events);
  g_test_add_func ("/bedrock/wire/stream-failures", test_stream_failures);
  g_test_add_func ("/bedrock/wire/image-family", test_image_family);
  g_test_add_func ("/bedrock/wire/image-bodies", test_image_bodies);
  g_test_add_func ("/bedrock/wire/aspect-ratio", test_aspect_ratio);
  g_test_add_func ("/bedrock/wire/image-limits", test_image_limits);
  g_test_add_func ("/bedrock/wire/parse-images", test_parse_images);
  g_test_add_func ("/bedrock/wire/catalog", test_catalog);
  g_test_add_func ("/bedrock/wire/failures", test_failures);
  g_test_add_func ("/bedrock/wire/retry-after", test_retry_after);
  g_test_add_func ("/bedrock/wire/retry-delay", test_retry_delay);
  g_test_add_func ("/bedrock/wire/model-path", test_model_path);
  g_test_add_func ("/bedrock/registry", test_registry);
  ADD ("converse", test_provider_converse);
  ADD ("stream", test_provider_stream);
  ADD ("session-token", test_provider_session_token);
  ADD ("bearer", test_provider_bearer);
  ADD ("bad-signature", test_provider_bad_signature);
  ADD ("throttle", test_provider_throttle);
  ADD ("retry-after", test_provider_retry_after);
  ADD ("stream-failures", test_provider_stream_failures);
  ADD ("cancel-stream", test_provider_cancel_stream);
  ADD ("cancel-backoff", test_provider_cancel_backoff);
  ADD ("images", test_provider_images);
  ADD ("image-failures", test_provider_image_failures);
  ADD ("random-seed", test_provider_random_seed);
  ADD ("models", test_provider_models);
  ADD ("endpoints", test_provider_endpoints);
  ADD ("configuration", test_provider_configuration);

  return g_test_run ();
}
