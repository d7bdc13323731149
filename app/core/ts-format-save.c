/* ts-format-save.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "ts-format-private.h"
#include "ts-utils.h"

/* Saving builds a cJSON tree in a fixed key order and prints it with a printer of our
 * own: two-space indents and one array element per line, so files diff well, and the
 * same model always gives the same bytes. */

/**
 * _ts_format_number:
 * @value: a finite number
 *
 * Formats @value the same way in every locale: integers without a fraction, other
 * numbers in the shortest of 15 or 17 significant digits that reads back exactly.
 *
 * Returns: (transfer full): the text
 */
char *
_ts_format_number (double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_assert (isfinite (value));

  if (value == floor (value) && fabs (value) < 9007199254740992.0)
    return g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) value);

  g_ascii_formatd (buf, sizeof buf, "%.15g", value);
  if (g_ascii_strtod (buf, NULL) != value)
    g_ascii_formatd (buf, sizeof buf, "%.17g", value);

  return g_strdup (buf);
}

static void
print_string (GString    *out,
              const char *str)
{
  g_string_append_c (out, '"');

  for (const guchar *p = (const guchar *) str; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '"':
          g_string_append (out, "\\\"");
          break;

        case '\\':
          g_string_append (out, "\\\\");
          break;

        case '\n':
          g_string_append (out, "\\n");
          break;

        case '\r':
          g_string_append (out, "\\r");
          break;

        case '\t':
          g_string_append (out, "\\t");
          break;

        case '\b':
          g_string_append (out, "\\b");
          break;

        case '\f':
          g_string_append (out, "\\f");
          break;

        default:
          if (*p < 0x20 || *p == 0x7f)
            g_string_append_printf (out, "\\u%04x", *p);
          else
            g_string_append_c (out, *p);
        }
    }

  g_string_append_c (out, '"');
}

static void
indent (GString *out,
        guint    depth)
{
  for (guint i = 0; i < depth; i++)
    g_string_append (out, "  ");
}

static void
print_value (GString     *out,
             const cJSON *item,
             guint        depth)
{
  if (cJSON_IsObject (item) || cJSON_IsArray (item))
    {
      gboolean is_object = cJSON_IsObject (item);
      const cJSON *child = item->child;

      g_string_append_c (out, is_object ? '{' : '[');
      if (child == NULL)
        {
          g_string_append_c (out, is_object ? '}' : ']');
          return;
        }

      g_string_append_c (out, '\n');
      for (; child != NULL; child = child->next)
        {
          indent (out, depth + 1);
          if (is_object)
            {
              print_string (out, child->string);
              g_string_append (out, ": ");
            }
          print_value (out, child, depth + 1);
          if (child->next != NULL)
            g_string_append_c (out, ',');
          g_string_append_c (out, '\n');
        }
      indent (out, depth);
      g_string_append_c (out, is_object ? '}' : ']');
    }
  else if (cJSON_IsString (item))
    {
      print_string (out, item->valuestring);
    }
  else if (cJSON_IsNumber (item))
    {
      g_autofree char *number = _ts_format_number (item->valuedouble);

      g_string_append (out, number);
    }
  else if (cJSON_IsTrue (item))
    {
      g_string_append (out, "true");
    }
  else if (cJSON_IsFalse (item))
    {
      g_string_append (out, "false");
    }
  else
    {
      g_string_append (out, "null");
    }
}

/**
 * _ts_format_print:
 * @root: a JSON tree
 *
 * Returns: (transfer full): @root as indented JSON text ending in a newline
 */
char *
_ts_format_print (const cJSON *root)
{
  GString *out = g_string_sized_new (4096);

  print_value (out, root, 0);
  g_string_append_c (out, '\n');

  return g_string_free (out, FALSE);
}

static void
add_field (cJSON             *object,
           TsBlock           *block,
           const TsFieldInfo *info)
{
  switch (info->type)
    {
    case TS_FIELD_TYPE_BOOLEAN:
      cJSON_AddBoolToObject (object, info->key, ts_block_get_boolean (block, info->field));
      break;

    case TS_FIELD_TYPE_STRING:
    case TS_FIELD_TYPE_TEMPLATE:
    case TS_FIELD_TYPE_PROVIDER:
      cJSON_AddStringToObject (object, info->key, ts_block_get_string (block, info->field));
      break;

    case TS_FIELD_TYPE_INT:
      cJSON_AddNumberToObject (object, info->key, ts_block_get_int (block, info->field));
      break;

    case TS_FIELD_TYPE_SEED:
      if (ts_block_get_int (block, info->field) == TS_SEED_RANDOM)
        cJSON_AddStringToObject (object, info->key, "random");
      else
        cJSON_AddNumberToObject (object, info->key, ts_block_get_int (block, info->field));
      break;

    case TS_FIELD_TYPE_DOUBLE:
      cJSON_AddNumberToObject (object, info->key, ts_block_get_double (block, info->field));
      break;

    case TS_FIELD_TYPE_STRV:
      {
        const char * const *strv = ts_block_get_strv (block, info->field);
        cJSON *array = cJSON_AddArrayToObject (object, info->key);

        for (guint i = 0; strv[i] != NULL; i++)
          cJSON_AddItemToArray (array, cJSON_CreateString (strv[i]));
      }
      break;

    default:
      g_assert_not_reached ();
    }
}

static cJSON *
block_to_json (TsBlock *block)
{
  cJSON *object = cJSON_CreateObject ();
  cJSON *layout;
  const TsField *fields;
  guint n_fields;
  int column, row, column_span, row_span;

  cJSON_AddStringToObject (object, "id", ts_block_get_id (block));
  cJSON_AddStringToObject (object, "kind", ts_block_kind_to_string (ts_block_get_kind (block)));
  cJSON_AddStringToObject (object, "title", ts_block_get_title (block));

  ts_block_get_layout (block, &column, &row, &column_span, &row_span);
  layout = cJSON_AddObjectToObject (object, "layout");
  cJSON_AddNumberToObject (layout, "column", column);
  cJSON_AddNumberToObject (layout, "row", row);
  cJSON_AddNumberToObject (layout, "column_span", column_span);
  cJSON_AddNumberToObject (layout, "row_span", row_span);

  fields = ts_block_kind_get_fields (ts_block_get_kind (block), &n_fields);
  for (guint i = 0; i < n_fields; i++)
    add_field (object, block, ts_field_get_info (fields[i]));

  return object;
}

static cJSON *
output_to_json (TsOutput *output)
{
  cJSON *object = cJSON_CreateObject ();
  guint n_images = ts_output_get_n_images (output);
  guint n_messages = ts_output_get_n_messages (output);

  if (ts_output_get_text (output)[0] != '\0')
    cJSON_AddStringToObject (object, "text", ts_output_get_text (output));

  if (n_images > 0)
    {
      cJSON *images = cJSON_AddArrayToObject (object, "images");

      for (guint i = 0; i < n_images; i++)
        {
          cJSON *image = cJSON_CreateObject ();
          gint64 seed;
          GBytes *png = ts_output_get_image (output, i, &seed);
          gsize size;
          const guchar *data = g_bytes_get_data (png, &size);
          g_autofree char *base64 = g_base64_encode (data, size);

          if (seed == TS_SEED_RANDOM)
            cJSON_AddNullToObject (image, "seed");
          else
            cJSON_AddNumberToObject (image, "seed", seed);
          cJSON_AddStringToObject (image, "png", base64);
          cJSON_AddItemToArray (images, image);
        }
    }

  if (n_messages > 0)
    {
      cJSON *messages = cJSON_AddArrayToObject (object, "messages");

      for (guint i = 0; i < n_messages; i++)
        {
          cJSON *message = cJSON_CreateObject ();
          TsChatRole role;
          const char *text = ts_output_get_message (output, i, &role);

          cJSON_AddStringToObject (message, "role",
                                   role == TS_CHAT_ROLE_USER ? "user" : "assistant");
          cJSON_AddStringToObject (message, "text", text);
          cJSON_AddItemToArray (messages, message);
        }
    }

  if (ts_output_get_run_record (output) != NULL)
    cJSON_AddItemToObject (object, "run", ts_run_record_to_json (ts_output_get_run_record (output)));

  return object;
}

/**
 * ts_format_save_bytes:
 * @playground: a #TsPlayground
 * @flags: whether to include outputs (a snapshot)
 *
 * Serializes @playground. The result depends only on the model, so saving what was
 * loaded gives the same bytes again. Nothing but the model is written: no credentials,
 * no endpoints, no local paths.
 *
 * Returns: (transfer full): the file contents
 */
GBytes *
ts_format_save_bytes (TsPlayground      *playground,
                      TsFormatSaveFlags  flags)
{
  cJSON *root;
  cJSON *settings;
  cJSON *widgets;
  const char * const *keys;
  guint n;
  char *text;

  g_return_val_if_fail (TS_IS_PLAYGROUND (playground), NULL);

  root = cJSON_CreateObject ();
  cJSON_AddStringToObject (root, "format", TS_FORMAT_NAME);
  cJSON_AddNumberToObject (root, "version", TS_FORMAT_VERSION);
  cJSON_AddStringToObject (root, "title", ts_playground_get_title (playground));
  cJSON_AddStringToObject (root, "description", ts_playground_get_description (playground));

  settings = cJSON_AddObjectToObject (root, "settings");
  keys = ts_playground_list_setting_keys ();
  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_autofree char *key = g_strdelimit (g_strdup (keys[i]), "-", '_');

      cJSON_AddStringToObject (settings, key, ts_playground_get_setting (playground, keys[i]));
    }

  widgets = cJSON_AddArrayToObject (root, "widgets");
  n = ts_playground_get_n_blocks (playground);
  for (guint i = 0; i < n; i++)
    cJSON_AddItemToArray (widgets, block_to_json (ts_playground_get_block (playground, i)));

  if (flags & TS_FORMAT_SAVE_OUTPUTS)
    {
      cJSON *outputs = cJSON_CreateObject ();

      for (guint i = 0; i < n; i++)
        {
          TsBlock *block = ts_playground_get_block (playground, i);
          TsOutput *output = ts_block_get_output (block);

          if (output != NULL && !ts_output_is_empty (output))
            cJSON_AddItemToObject (outputs, ts_block_get_id (block), output_to_json (output));
        }

      if (outputs->child != NULL)
        cJSON_AddItemToObject (root, "outputs", outputs);
      else
        cJSON_Delete (outputs);
    }

  text = _ts_format_print (root);
  cJSON_Delete (root);

  return g_bytes_new_take (text, strlen (text));
}

/* Writes @bytes to @file so that a failure at any point leaves the old file as it was
 * (see ts_write_file()). Files without a local path fall back to GIO. */
static gboolean
write_atomically (GFile         *file,
                  GBytes        *bytes,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autofree char *path = g_file_get_path (file);
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  if (path != NULL)
    return ts_write_file (path, data, size, 0666, error);

  return g_file_replace_contents (file, data, size, NULL, FALSE, G_FILE_CREATE_NONE, NULL,
                                  cancellable, error);
}

/**
 * ts_format_save_file:
 * @playground: a #TsPlayground
 * @file: where to save
 * @flags: whether to include outputs
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an I/O error
 *
 * Saves atomically: the bytes go to a temporary file beside @file that replaces it only
 * once complete, so a failed save leaves the old file as it was.
 *
 * Returns: %TRUE on success
 */
gboolean
ts_format_save_file (TsPlayground       *playground,
                     GFile              *file,
                     TsFormatSaveFlags   flags,
                     GCancellable       *cancellable,
                     GError            **error)
{
  g_autoptr(GBytes) bytes = NULL;

  g_return_val_if_fail (TS_IS_PLAYGROUND (playground), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  bytes = ts_format_save_bytes (playground, flags);

  return write_atomically (file, bytes, cancellable, error);
}

static void
save_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GFile *file = g_object_get_data (G_OBJECT (task), "file");
  GError *error = NULL;

  if (write_atomically (file, task_data, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * ts_format_save_file_async:
 * @playground: a #TsPlayground
 * @file: where to save
 * @flags: whether to include outputs
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the file is written
 * @user_data: data for @callback
 *
 * Serializes @playground now, on the calling thread, so later edits cannot tear the
 * file, and writes it atomically on a worker thread.
 */
void
ts_format_save_file_async (TsPlayground        *playground,
                           GFile               *file,
                           TsFormatSaveFlags    flags,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TS_IS_PLAYGROUND (playground));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (playground, cancellable, callback, user_data);
  g_task_set_source_tag (task, ts_format_save_file_async);
  g_task_set_task_data (task, ts_format_save_bytes (playground, flags),
                        (GDestroyNotify) g_bytes_unref);
  g_object_set_data_full (G_OBJECT (task), "file", g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, save_thread);
}

gboolean
ts_format_save_file_finish (TsPlayground  *playground,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, playground), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
