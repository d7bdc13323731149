/* ts-provider-request.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ts-provider.h"

/* What a provider exchanges: model descriptions, chat messages, text and image requests
 * with the hashes the output cache keys them by, and their results. */

/* Models */

TsModelInfo *
ts_model_info_new (const char          *id,
                   const char          *name,
                   TsModelCapabilities  capabilities)
{
  TsModelInfo *info;

  g_return_val_if_fail (id != NULL, NULL);

  info = g_new0 (TsModelInfo, 1);
  info->id = g_strdup (id);
  info->name = g_strdup (name != NULL && *name != '\0' ? name : id);
  info->capabilities = capabilities;

  return info;
}

void
ts_model_info_free (TsModelInfo *info)
{
  if (info == NULL)
    return;

  g_free (info->id);
  g_free (info->name);
  g_free (info);
}

/* Messages */

TsMessage *
ts_message_new (TsChatRole  role,
                const char *text)
{
  TsMessage *message = g_new0 (TsMessage, 1);

  message->role = role;
  message->text = g_strdup (text != NULL ? text : "");
  message->images = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  return message;
}

void
ts_message_add_image (TsMessage *message,
                      GBytes    *png)
{
  g_return_if_fail (message != NULL);
  g_return_if_fail (png != NULL);

  g_ptr_array_add (message->images, g_bytes_ref (png));
}

void
ts_message_free (TsMessage *message)
{
  if (message == NULL)
    return;

  g_free (message->text);
  g_ptr_array_unref (message->images);
  g_free (message);
}

/* Hashing: every value goes in with a tag and, for strings and bytes, its length, so no
 * two different requests feed the checksum the same bytes. */

static void
hash_tag (GChecksum  *checksum,
          const char *tag)
{
  g_checksum_update (checksum, (const guchar *) tag, strlen (tag) + 1);
}

static void
hash_int (GChecksum  *checksum,
          const char *tag,
          gint64      value)
{
  guint64 le = GUINT64_TO_LE ((guint64) value);

  hash_tag (checksum, tag);
  g_checksum_update (checksum, (const guchar *) &le, sizeof le);
}

static void
hash_double (GChecksum  *checksum,
             const char *tag,
             double      value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  hash_tag (checksum, tag);
  g_ascii_dtostr (buffer, sizeof buffer, value);
  hash_tag (checksum, buffer);
}

static void
hash_data (GChecksum     *checksum,
           const char    *tag,
           gconstpointer  data,
           gsize          size)
{
  hash_int (checksum, tag, (gint64) size);
  if (size > 0)
    g_checksum_update (checksum, data, size);
}

static void
hash_string (GChecksum  *checksum,
             const char *tag,
             const char *value)
{
  if (value == NULL)
    hash_int (checksum, tag, -1);
  else
    hash_data (checksum, tag, value, strlen (value));
}

/* Text requests */

TsTextRequest *
ts_text_request_new (const char *model)
{
  TsTextRequest *request = g_rc_box_new0 (TsTextRequest);

  request->model = g_strdup (model != NULL ? model : "");
  request->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) ts_message_free);
  request->temperature = TS_UNSET_DOUBLE;
  request->top_p = TS_UNSET_DOUBLE;
  request->max_tokens = TS_UNSET_INT;
  request->seed = TS_UNSET_INT;

  return request;
}

TsTextRequest *
ts_text_request_ref (TsTextRequest *request)
{
  g_return_val_if_fail (request != NULL, NULL);

  return g_rc_box_acquire (request);
}

static void
text_request_clear (gpointer data)
{
  TsTextRequest *request = data;

  g_free (request->model);
  g_free (request->system);
  g_ptr_array_unref (request->messages);
  g_strfreev (request->stop);
}

void
ts_text_request_unref (TsTextRequest *request)
{
  g_rc_box_release_full (request, text_request_clear);
}

/**
 * ts_text_request_add_message:
 * @message: (transfer full): the message
 */
void
ts_text_request_add_message (TsTextRequest *request,
                             TsMessage     *message)
{
  g_return_if_fail (request != NULL);
  g_return_if_fail (message != NULL);

  g_ptr_array_add (request->messages, message);
}

gboolean
ts_text_request_has_images (TsTextRequest *request)
{
  g_return_val_if_fail (request != NULL, FALSE);

  for (guint i = 0; i < request->messages->len; i++)
    {
      TsMessage *message = g_ptr_array_index (request->messages, i);

      if (message->images->len > 0)
        return TRUE;
    }

  return FALSE;
}

/**
 * ts_text_request_hash:
 * @checksum: where to feed the request
 *
 * Feeds everything that can change the answer into @checksum: the model, every
 * parameter, the system prompt, each message's role, text and images.
 */
void
ts_text_request_hash (TsTextRequest *request,
                      GChecksum     *checksum)
{
  g_return_if_fail (request != NULL);
  g_return_if_fail (checksum != NULL);

  hash_tag (checksum, "text-request/1");
  hash_string (checksum, "model", request->model);
  hash_string (checksum, "system", request->system);
  hash_double (checksum, "temperature", request->temperature);
  hash_double (checksum, "top-p", request->top_p);
  hash_int (checksum, "max-tokens", request->max_tokens);
  hash_int (checksum, "seed", request->seed);
  hash_int (checksum, "n-stop", request->stop != NULL ? g_strv_length (request->stop) : 0);
  for (guint i = 0; request->stop != NULL && request->stop[i] != NULL; i++)
    hash_string (checksum, "stop", request->stop[i]);

  hash_int (checksum, "n-messages", request->messages->len);
  for (guint i = 0; i < request->messages->len; i++)
    {
      TsMessage *message = g_ptr_array_index (request->messages, i);

      hash_int (checksum, "role", message->role);
      hash_string (checksum, "text", message->text);
      hash_int (checksum, "n-images", message->images->len);
      for (guint j = 0; j < message->images->len; j++)
        {
          GBytes *png = g_ptr_array_index (message->images, j);
          gsize size;
          gconstpointer data = g_bytes_get_data (png, &size);

          hash_data (checksum, "image", data, size);
        }
    }
}

TsTextResult *
ts_text_result_new (void)
{
  TsTextResult *result = g_new0 (TsTextResult, 1);

  result->text = g_strdup ("");
  result->input_tokens = TS_UNSET_INT;
  result->output_tokens = TS_UNSET_INT;
  result->duration_ms = TS_UNSET_INT;
  result->tokens_per_second = TS_UNSET_DOUBLE;

  return result;
}

void
ts_text_result_free (TsTextResult *result)
{
  if (result == NULL)
    return;

  g_free (result->text);
  g_free (result->finish_reason);
  g_free (result->reasoning);
  g_free (result);
}

/* Image requests */

TsImageRequest *
ts_image_request_new (const char *model,
                      const char *prompt)
{
  TsImageRequest *request = g_rc_box_new0 (TsImageRequest);

  request->model = g_strdup (model != NULL ? model : "");
  request->prompt = g_strdup (prompt != NULL ? prompt : "");
  request->width = 1024;
  request->height = 1024;
  request->steps = TS_UNSET_INT;
  request->cfg_scale = TS_UNSET_DOUBLE;
  request->seed = -1;
  request->count = 1;

  return request;
}

TsImageRequest *
ts_image_request_ref (TsImageRequest *request)
{
  g_return_val_if_fail (request != NULL, NULL);

  return g_rc_box_acquire (request);
}

static void
image_request_clear (gpointer data)
{
  TsImageRequest *request = data;

  g_free (request->model);
  g_free (request->prompt);
  g_free (request->negative_prompt);
}

void
ts_image_request_unref (TsImageRequest *request)
{
  g_rc_box_release_full (request, image_request_clear);
}

/**
 * ts_image_request_hash:
 * @checksum: where to feed the request
 *
 * Feeds every field of @request into @checksum. A random seed hashes as random: the
 * caller decides whether such a request may be answered from a cache.
 */
void
ts_image_request_hash (TsImageRequest *request,
                       GChecksum      *checksum)
{
  g_return_if_fail (request != NULL);
  g_return_if_fail (checksum != NULL);

  hash_tag (checksum, "image-request/1");
  hash_string (checksum, "model", request->model);
  hash_string (checksum, "prompt", request->prompt);
  hash_string (checksum, "negative-prompt", request->negative_prompt);
  hash_int (checksum, "width", request->width);
  hash_int (checksum, "height", request->height);
  hash_int (checksum, "steps", request->steps);
  hash_double (checksum, "cfg-scale", request->cfg_scale);
  hash_int (checksum, "seed", request->seed);
  hash_int (checksum, "count", request->count);
}

TsImageResult *
ts_image_result_new (void)
{
  TsImageResult *result = g_new0 (TsImageResult, 1);

  result->images = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  result->seeds = g_array_new (FALSE, FALSE, sizeof (gint64));

  return result;
}

void
ts_image_result_add (TsImageResult *result,
                     GBytes        *png,
                     gint64         seed)
{
  g_return_if_fail (result != NULL);
  g_return_if_fail (png != NULL);

  g_ptr_array_add (result->images, g_bytes_ref (png));
  g_array_append_val (result->seeds, seed);
}

void
ts_image_result_free (TsImageResult *result)
{
  if (result == NULL)
    return;

  g_ptr_array_unref (result->images);
  g_array_unref (result->seeds);
  g_free (result);
}
