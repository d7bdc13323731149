/* ts-template.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ts-block.h"
#include "ts-template.h"

G_DEFINE_QUARK (ts-template-error-quark, ts_template_error)

static void
part_free (gpointer data)
{
  TsTemplatePart *part = data;

  g_free (part->value);
  g_free (part);
}

static void
add_part (GPtrArray          *parts,
          TsTemplatePartKind  kind,
          char               *value,
          gsize               start,
          gsize               end)
{
  TsTemplatePart *part = g_new0 (TsTemplatePart, 1);

  part->kind = kind;
  part->value = value;
  part->start = start;
  part->end = end;
  g_ptr_array_add (parts, part);
}

static gboolean
is_id_char (char c)
{
  return g_ascii_isalnum (c) || c == '_' || c == '-';
}

/**
 * ts_template_parse:
 * @tmpl: a template as stored in a file
 * @error: return location for a %TS_TEMPLATE_ERROR_SYNTAX error
 *
 * Splits @tmpl into literal text and mentions. Adjacent literal text is merged into one
 * part, with `@@` turned into `@`.
 *
 * Returns: (transfer full) (element-type TsTemplatePart): the parts, or %NULL on error
 */
GPtrArray *
ts_template_parse (const char  *tmpl,
                   GError     **error)
{
  g_autoptr(GPtrArray) parts = NULL;
  g_autoptr(GString) text = NULL;
  gsize text_start = 0;
  gsize i = 0;

  g_return_val_if_fail (tmpl != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  parts = g_ptr_array_new_with_free_func (part_free);
  text = g_string_new (NULL);

  while (tmpl[i] != '\0')
    {
      if (tmpl[i] == '@' && tmpl[i + 1] == '@')
        {
          g_string_append_c (text, '@');
          i += 2;
        }
      else if (tmpl[i] == '@' && tmpl[i + 1] == '[')
        {
          gsize start = i;
          gsize id_start = i + 2;
          gsize j = id_start;
          glong character;

          while (is_id_char (tmpl[j]) && j - id_start <= TS_BLOCK_ID_MAX_LENGTH)
            j++;

          if (tmpl[j] != ']' || j == id_start || j - id_start > TS_BLOCK_ID_MAX_LENGTH)
            {
              character = g_utf8_pointer_to_offset (tmpl, tmpl + start) + 1;
              if (tmpl[j] == '\0' && j - id_start <= TS_BLOCK_ID_MAX_LENGTH)
                g_set_error (error, TS_TEMPLATE_ERROR, TS_TEMPLATE_ERROR_SYNTAX,
                             _("unterminated mention at character %ld (write \"@@\" for a literal \"@\")"),
                             character);
              else
                g_set_error (error, TS_TEMPLATE_ERROR, TS_TEMPLATE_ERROR_SYNTAX,
                             _("malformed mention at character %ld: a widget id has 1 to %d letters, digits, \"-\" or \"_\" (write \"@@\" for a literal \"@\")"),
                             character, TS_BLOCK_ID_MAX_LENGTH);
              return NULL;
            }

          if (text->len > 0)
            {
              add_part (parts, TS_TEMPLATE_PART_TEXT, g_strdup (text->str), text_start, start);
              g_string_truncate (text, 0);
            }

          add_part (parts, TS_TEMPLATE_PART_REFERENCE,
                    g_strndup (tmpl + id_start, j - id_start), start, j + 1);
          i = j + 1;
          text_start = i;
        }
      else
        {
          g_string_append_c (text, tmpl[i]);
          i++;
        }
    }

  if (text->len > 0)
    add_part (parts, TS_TEMPLATE_PART_TEXT, g_strdup (text->str), text_start, i);

  return g_steal_pointer (&parts);
}

/**
 * ts_template_list_references:
 * @tmpl: a template
 * @error: return location for a syntax error
 *
 * Returns: (transfer full) (nullable): the mentioned ids, each once, in order of first
 *   mention; %NULL on error
 */
char **
ts_template_list_references (const char  *tmpl,
                             GError     **error)
{
  g_autoptr(GPtrArray) parts = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;
  g_autoptr(GHashTable) seen = NULL;

  g_return_val_if_fail (tmpl != NULL, NULL);

  parts = ts_template_parse (tmpl, error);
  if (parts == NULL)
    return NULL;

  builder = g_strv_builder_new ();
  seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < parts->len; i++)
    {
      const TsTemplatePart *part = g_ptr_array_index (parts, i);

      if (part->kind == TS_TEMPLATE_PART_REFERENCE && g_hash_table_add (seen, part->value))
        g_strv_builder_add (builder, part->value);
    }

  return g_strv_builder_end (builder);
}

/**
 * ts_template_render:
 * @tmpl: a template
 * @lookup: gives the text that replaces each mention
 * @user_data: data for @lookup
 * @error: return location for a syntax or unknown-reference error
 *
 * Returns: (transfer full) (nullable): the expanded text, or %NULL on error
 */
char *
ts_template_render (const char        *tmpl,
                    TsTemplateLookup   lookup,
                    gpointer           user_data,
                    GError           **error)
{
  g_autoptr(GPtrArray) parts = NULL;
  g_autoptr(GString) out = NULL;

  g_return_val_if_fail (tmpl != NULL, NULL);
  g_return_val_if_fail (lookup != NULL, NULL);

  parts = ts_template_parse (tmpl, error);
  if (parts == NULL)
    return NULL;

  out = g_string_sized_new (strlen (tmpl));

  for (guint i = 0; i < parts->len; i++)
    {
      const TsTemplatePart *part = g_ptr_array_index (parts, i);

      if (part->kind == TS_TEMPLATE_PART_TEXT)
        {
          g_string_append (out, part->value);
        }
      else
        {
          const char *value = lookup (part->value, user_data);

          if (value == NULL)
            {
              g_set_error (error, TS_TEMPLATE_ERROR, TS_TEMPLATE_ERROR_UNKNOWN_REFERENCE,
                           _("mentions unknown widget \"%s\""), part->value);
              return NULL;
            }

          g_string_append (out, value);
        }
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/**
 * ts_template_to_display:
 * @tmpl: a template
 * @lookup_title: gives the title of a widget id, or %NULL if unknown
 * @user_data: data for @lookup_title
 *
 * Turns a stored template into what the editor shows: each mention as `@Title`
 * (an unknown one stays `@[id]`) and `@@` as `@`. A template with a syntax error is
 * returned unchanged.
 *
 * Returns: (transfer full): the display text
 */
char *
ts_template_to_display (const char       *tmpl,
                        TsTemplateLookup  lookup_title,
                        gpointer          user_data)
{
  g_autoptr(GPtrArray) parts = NULL;
  g_autoptr(GString) out = NULL;

  g_return_val_if_fail (tmpl != NULL, NULL);
  g_return_val_if_fail (lookup_title != NULL, NULL);

  parts = ts_template_parse (tmpl, NULL);
  if (parts == NULL)
    return g_strdup (tmpl);

  out = g_string_sized_new (strlen (tmpl));

  for (guint i = 0; i < parts->len; i++)
    {
      const TsTemplatePart *part = g_ptr_array_index (parts, i);
      const char *title;

      if (part->kind == TS_TEMPLATE_PART_TEXT)
        g_string_append (out, part->value);
      else if ((title = lookup_title (part->value, user_data)) != NULL)
        g_string_append_printf (out, "@%s", title);
      else
        g_string_append_printf (out, "@[%s]", part->value);
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/**
 * ts_template_escape:
 * @text: literal text
 *
 * Escapes @text so it can stand anywhere in a template, including just before a
 * mention: an "@" followed by "[", by "@" or by the end becomes "@@".
 *
 * Returns: (transfer full): the escaped text
 */
char *
ts_template_escape (const char *text)
{
  GString *out;

  g_return_val_if_fail (text != NULL, NULL);

  out = g_string_sized_new (strlen (text));

  for (const char *p = text; *p != '\0'; p++)
    {
      g_string_append_c (out, *p);
      if (*p == '@' && (p[1] == '[' || p[1] == '@' || p[1] == '\0'))
        g_string_append_c (out, '@');
    }

  return g_string_free (out, FALSE);
}

/**
 * ts_template_mention:
 * @id: a widget id
 *
 * Returns: (transfer full): the template text that mentions @id
 */
char *
ts_template_mention (const char *id)
{
  g_return_val_if_fail (ts_block_id_is_valid (id), NULL);

  return g_strdup_printf ("@[%s]", id);
}
