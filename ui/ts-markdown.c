/* ts-markdown.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ts-markdown.h"

#include <string.h>

/* A small Markdown renderer into text tags: headings, paragraphs, bullet and numbered
 * lists, block quotes, fenced code, and inline bold, italic and code. It is for showing
 * what a model wrote and what a playground's author wrote, not a full CommonMark
 * implementation: anything it does not know is shown as written. */

static GtkTextTag *
ensure_tag (GtkTextBuffer *buffer,
            const char    *name)
{
  GtkTextTagTable *table = gtk_text_buffer_get_tag_table (buffer);
  GtkTextTag *tag = gtk_text_tag_table_lookup (table, name);

  if (tag != NULL)
    return tag;

  if (g_str_equal (name, "h1"))
    return gtk_text_buffer_create_tag (buffer, name, "weight", PANGO_WEIGHT_BOLD,
                                       "scale", 1.5, "pixels-below-lines", 6, NULL);
  if (g_str_equal (name, "h2"))
    return gtk_text_buffer_create_tag (buffer, name, "weight", PANGO_WEIGHT_BOLD,
                                       "scale", 1.25, "pixels-below-lines", 4, NULL);
  if (g_str_equal (name, "h3"))
    return gtk_text_buffer_create_tag (buffer, name, "weight", PANGO_WEIGHT_BOLD,
                                       "scale", 1.1, NULL);
  if (g_str_equal (name, "bold"))
    return gtk_text_buffer_create_tag (buffer, name, "weight", PANGO_WEIGHT_BOLD, NULL);
  if (g_str_equal (name, "italic"))
    return gtk_text_buffer_create_tag (buffer, name, "style", PANGO_STYLE_ITALIC, NULL);
  if (g_str_equal (name, "code"))
    return gtk_text_buffer_create_tag (buffer, name, "family", "monospace", NULL);
  if (g_str_equal (name, "quote"))
    return gtk_text_buffer_create_tag (buffer, name, "left-margin", 16,
                                       "style", PANGO_STYLE_ITALIC, NULL);
  if (g_str_equal (name, "list"))
    return gtk_text_buffer_create_tag (buffer, name, "left-margin", 12,
                                       "indent", -12, NULL);

  g_assert_not_reached ();
}

static void
insert_tagged (GtkTextBuffer *buffer,
               const char    *text,
               gssize         length,
               const char    *block_tag,
               const char    *inline_tag)
{
  GtkTextIter end;
  GtkTextTag *tags[2] = { NULL, NULL };
  guint n = 0;

  if (block_tag != NULL)
    tags[n++] = ensure_tag (buffer, block_tag);
  if (inline_tag != NULL)
    tags[n++] = ensure_tag (buffer, inline_tag);

  gtk_text_buffer_get_end_iter (buffer, &end);

  if (n == 0)
    gtk_text_buffer_insert (buffer, &end, text, length);
  else if (n == 1)
    gtk_text_buffer_insert_with_tags (buffer, &end, text, length, tags[0], NULL);
  else
    gtk_text_buffer_insert_with_tags (buffer, &end, text, length, tags[0], tags[1], NULL);
}

/* Inline spans: `code`, **bold**, __bold__, *italic*, _italic_. An opening marker with
 * no closing one on the line is text. */
static void
insert_inline (GtkTextBuffer *buffer,
               const char    *line,
               const char    *block_tag)
{
  const char *p = line;
  const char *text_start = line;

  while (*p != '\0')
    {
      const char *marker = NULL;
      const char *tag = NULL;
      const char *close;

      if (*p == '`')
        marker = "`", tag = "code";
      else if (g_str_has_prefix (p, "**") || g_str_has_prefix (p, "__"))
        marker = p[0] == '*' ? "**" : "__", tag = "bold";
      else if ((*p == '*' || *p == '_') && p[1] != ' ' && p[1] != '\0')
        marker = *p == '*' ? "*" : "_", tag = "italic";

      if (marker == NULL || (close = strstr (p + strlen (marker), marker)) == NULL ||
          close == p + strlen (marker))
        {
          p = g_utf8_next_char (p);
          continue;
        }

      if (p > text_start)
        insert_tagged (buffer, text_start, p - text_start, block_tag, NULL);

      insert_tagged (buffer, p + strlen (marker), close - (p + strlen (marker)), block_tag, tag);
      p = close + strlen (marker);
      text_start = p;
    }

  if (p > text_start)
    insert_tagged (buffer, text_start, p - text_start, block_tag, NULL);
}

static const char *
skip_spaces (const char *p)
{
  while (*p == ' ' || *p == '\t')
    p++;

  return p;
}

/* Returns the text after a numbered-list marker such as "12. ", or NULL. */
static const char *
after_number (const char *p)
{
  const char *q = p;

  while (g_ascii_isdigit (*q))
    q++;

  if (q == p || q - p > 9 || (*q != '.' && *q != ')') || q[1] != ' ')
    return NULL;

  return q + 2;
}

/**
 * ts_markdown_render:
 * @buffer: the buffer to fill; its text is replaced
 * @markdown: Markdown text
 */
void
ts_markdown_render (GtkTextBuffer *buffer,
                    const char    *markdown)
{
  g_auto(GStrv) lines = NULL;
  gboolean in_code = FALSE;
  gboolean need_break = FALSE;

  g_return_if_fail (GTK_IS_TEXT_BUFFER (buffer));
  g_return_if_fail (markdown != NULL);

  gtk_text_buffer_set_text (buffer, "", 0);
  lines = g_strsplit (markdown, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];
      const char *content = skip_spaces (line);
      const char *rest;

      if (g_str_has_prefix (content, "```"))
        {
          in_code = !in_code;
          continue;
        }

      if (need_break)
        insert_tagged (buffer, "\n", 1, NULL, NULL);
      need_break = TRUE;

      if (in_code)
        {
          insert_tagged (buffer, line, -1, NULL, "code");
          continue;
        }

      if (content[0] == '#')
        {
          guint level = 0;

          while (content[level] == '#')
            level++;

          if (level <= 6 && (content[level] == ' ' || content[level] == '\0'))
            {
              const char *tag = level == 1 ? "h1" : level == 2 ? "h2" : "h3";

              insert_inline (buffer, skip_spaces (content + level), tag);
              continue;
            }
        }

      if ((content[0] == '-' || content[0] == '*' || content[0] == '+') && content[1] == ' ')
        {
          insert_tagged (buffer, "• ", -1, "list", NULL);
          insert_inline (buffer, skip_spaces (content + 2), "list");
        }
      else if ((rest = after_number (content)) != NULL)
        {
          insert_tagged (buffer, content, rest - content, "list", NULL);
          insert_inline (buffer, rest, "list");
        }
      else if (content[0] == '>')
        insert_inline (buffer, skip_spaces (content + 1), "quote");
      else
        insert_inline (buffer, line, NULL);
    }
}
