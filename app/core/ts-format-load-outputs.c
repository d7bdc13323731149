/* ts-format-load-outputs.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ts-format-private.h"

/* Reading the optional snapshot of outputs: text, chat messages and PNG images, with the
 * images' total size capped before anything is decoded. */

static const guchar png_signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

static gboolean
is_base64 (const char *str,
           gsize       length)
{
  if (length == 0 || length % 4 != 0)
    return FALSE;

  for (gsize i = 0; i < length; i++)
    {
      char c = str[i];

      if (c == '=' && i >= length - 2)
        {
          if (i == length - 2 && str[length - 1] != '=')
            return FALSE;
          continue;
        }

      if (!g_ascii_isalnum (c) && c != '+' && c != '/')
        return FALSE;
    }

  return TRUE;
}

static void
load_images (Loader      *loader,
             TsOutput    *output,
             const cJSON *images,
             const char  *prefix)
{
  static const char * const keys[] = { "seed", "png", NULL };
  guint n = 0;

  if (!cJSON_IsArray (images))
    {
      error_at (loader, prefix, "images", _("must be an array, not %s"), _ts_loader_type_name (images));
      return;
    }

  for (const cJSON *image = images->child; image != NULL; image = image->next, n++)
    {
      g_autofree char *image_prefix = g_strdup_printf ("%s.images[%u]", prefix, n);
      const cJSON *seed_item;
      const char *png;
      gint64 seed = TS_SEED_RANDOM;
      gsize length;
      g_autofree guchar *decoded = NULL;
      gsize decoded_length;

      if (n >= TS_FORMAT_MAX_OUTPUT_IMAGES)
        {
          error_at (loader, prefix, "images", _("holds more than %d images"),
                    TS_FORMAT_MAX_OUTPUT_IMAGES);
          return;
        }

      if (!cJSON_IsObject (image))
        {
          error_at (loader, image_prefix, NULL, _("must be an object, not %s"), _ts_loader_type_name (image));
          continue;
        }

      _ts_loader_check_keys (loader, image, image_prefix, keys, _("unknown field"));

      seed_item = cJSON_GetObjectItemCaseSensitive (image, "seed");
      if (seed_item != NULL && !cJSON_IsNull (seed_item) &&
          !_ts_loader_get_integer (loader, seed_item, image_prefix, "seed", 0, 4294967295.0, &seed))
        continue;

      png = _ts_loader_get_string (loader, image, image_prefix, "png", TRUE);
      if (png == NULL)
        continue;

      length = strlen (png);
      if (!is_base64 (png, length))
        {
          error_at (loader, image_prefix, "png", _("is not valid base64"));
          continue;
        }

      /* Check the cap before decoding: base64 holds three bytes in four characters. */
      if (loader->image_bytes + length / 4 * 3 > TS_FORMAT_MAX_OUTPUT_IMAGE_BYTES + 2)
        {
          error_at (loader, image_prefix, "png",
                    _("images in this file exceed the limit of %d MiB in all"),
                    TS_FORMAT_MAX_OUTPUT_IMAGE_BYTES / (1024 * 1024));
          return;
        }

      decoded = g_base64_decode (png, &decoded_length);
      loader->image_bytes += decoded_length;

      if (decoded_length < sizeof png_signature ||
          memcmp (decoded, png_signature, sizeof png_signature) != 0)
        {
          error_at (loader, image_prefix, "png", _("is not a PNG image"));
          continue;
        }

      {
        g_autoptr(GBytes) bytes = g_bytes_new_take (g_steal_pointer (&decoded), decoded_length);

        ts_output_add_image (output, bytes, seed);
      }
    }
}

static void
load_messages (Loader      *loader,
               TsOutput    *output,
               const cJSON *messages,
               const char  *prefix)
{
  static const char * const keys[] = { "role", "text", NULL };
  guint n = 0;

  if (!cJSON_IsArray (messages))
    {
      error_at (loader, prefix, "messages", _("must be an array, not %s"), _ts_loader_type_name (messages));
      return;
    }

  for (const cJSON *message = messages->child; message != NULL; message = message->next, n++)
    {
      g_autofree char *message_prefix = g_strdup_printf ("%s.messages[%u]", prefix, n);
      const char *role;
      const char *text;

      if (n >= TS_FORMAT_MAX_OUTPUT_MESSAGES)
        {
          error_at (loader, prefix, "messages", _("holds more than %d messages"),
                    TS_FORMAT_MAX_OUTPUT_MESSAGES);
          return;
        }

      if (!cJSON_IsObject (message))
        {
          error_at (loader, message_prefix, NULL, _("must be an object, not %s"),
                    _ts_loader_type_name (message));
          continue;
        }

      _ts_loader_check_keys (loader, message, message_prefix, keys, _("unknown field"));
      role = _ts_loader_get_string (loader, message, message_prefix, "role", TRUE);
      text = _ts_loader_get_string (loader, message, message_prefix, "text", TRUE);

      if (role != NULL && !g_str_equal (role, "user") && !g_str_equal (role, "assistant"))
        error_at (loader, message_prefix, "role",
                  _("is \"%s\"; it must be \"user\" or \"assistant\""), role);
      else if (role != NULL && text != NULL)
        ts_output_add_message (output,
                               g_str_equal (role, "user") ? TS_CHAT_ROLE_USER : TS_CHAT_ROLE_ASSISTANT,
                               text);
    }
}

void
_ts_format_load_outputs (Loader       *loader,
              TsPlayground *playground,
              const cJSON  *outputs)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  if (!cJSON_IsObject (outputs))
    {
      error_at (loader, "outputs", NULL, _("must be an object, not %s"), _ts_loader_type_name (outputs));
      return;
    }

  for (const cJSON *entry = outputs->child; entry != NULL; entry = entry->next)
    {
      static const char * const text_keys[] = { "text", "run", NULL };
      static const char * const image_keys[] = { "images", "run", NULL };
      static const char * const chat_keys[] = { "messages", "run", NULL };
      g_autofree char *prefix = g_strdup_printf ("outputs.%s", entry->string);
      g_autoptr(TsOutput) output = NULL;
      TsBlock *block;
      const char * const *keys;
      const cJSON *item;

      if (!g_hash_table_add (seen, entry->string))
        {
          error_at (loader, prefix, NULL, _("duplicate key"));
          continue;
        }

      block = ts_playground_lookup_block (playground, entry->string);
      if (block == NULL)
        {
          error_at (loader, prefix, NULL, _("no widget has the id \"%s\""), entry->string);
          continue;
        }

      if (!cJSON_IsObject (entry))
        {
          error_at (loader, prefix, NULL, _("must be an object, not %s"), _ts_loader_type_name (entry));
          continue;
        }

      switch (ts_block_get_kind (block))
        {
        case TS_BLOCK_KIND_INPUT:
        case TS_BLOCK_KIND_TEXT:
          keys = text_keys;
          break;

        case TS_BLOCK_KIND_IMAGE:
          keys = image_keys;
          break;

        case TS_BLOCK_KIND_CHAT:
          keys = chat_keys;
          break;

        case TS_BLOCK_KIND_STATIC_TEXT:
        case TS_BLOCK_KIND_DOCUMENT:
        default:
          error_at (loader, prefix, NULL, _("%s widgets have no output"),
                    ts_block_kind_get_display_name (ts_block_get_kind (block)));
          continue;
        }

      _ts_loader_check_keys (loader, entry, prefix, keys, _("is not an output of this kind of widget"));
      output = ts_output_new ();

      if ((item = cJSON_GetObjectItemCaseSensitive (entry, "text")) != NULL && keys == text_keys)
        {
          if (!cJSON_IsString (item))
            error_at (loader, prefix, "text", _("must be a string, not %s"), _ts_loader_type_name (item));
          else if (strlen (item->valuestring) > TS_FORMAT_MAX_OUTPUT_TEXT_BYTES)
            error_at (loader, prefix, "text", _("is longer than the limit of %d MiB"),
                      TS_FORMAT_MAX_OUTPUT_TEXT_BYTES / (1024 * 1024));
          else
            ts_output_set_text (output, item->valuestring);
        }

      if ((item = cJSON_GetObjectItemCaseSensitive (entry, "images")) != NULL && keys == image_keys)
        load_images (loader, output, item, prefix);

      if ((item = cJSON_GetObjectItemCaseSensitive (entry, "messages")) != NULL && keys == chat_keys)
        load_messages (loader, output, item, prefix);

      if ((item = cJSON_GetObjectItemCaseSensitive (entry, "run")) != NULL)
        {
          g_autoptr(TsRunRecord) record = _ts_format_load_record (loader, item, prefix);

          if (record != NULL)
            ts_output_set_run_record (output, record);
        }

      ts_block_set_output (block, output);
    }
}

