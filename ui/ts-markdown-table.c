/* ts-markdown-table.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ts-markdown-private.h"

#include <string.h>

/* Pipe tables (GitHub Flavored Markdown). */

typedef enum { ALIGN_LEFT, ALIGN_CENTER, ALIGN_RIGHT } Align;

/* The cells of a row, split at unescaped pipes, trimmed, without the outer pipes. */
static GPtrArray *
split_row (const char *line)
{
  GPtrArray *cells = g_ptr_array_new_with_free_func (g_free);
  const char *p = ts_markdown_skip_spaces (line);
  const char *end = p + strlen (p);
  const char *cell;

  while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
    end--;
  if (p < end && *p == '|')
    p++;
  if (end > p && end[-1] == '|' && (end - 1 == p || end[-2] != '\\'))
    end--;

  cell = p;
  for (const char *q = p; q <= end; q++)
    {
      if (q < end && *q == '\\' && q + 1 < end)
        {
          q++;
          continue;
        }
      if (q == end || *q == '|')
        {
          const char *a = ts_markdown_skip_spaces (cell);
          const char *b = q;

          while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
            b--;
          g_autofree char *text = g_strndup (a, b - a);
          g_auto(GStrv) parts = g_strsplit (text, "\\|", -1);

          /* "\|" is a pipe in a cell, inside code spans too. */
          g_ptr_array_add (cells, g_strjoinv ("|", parts));
          cell = q + 1;
        }
    }

  return cells;
}

/* The alignments of a delimiter row such as "| :--- | :-: | --: |", or NULL. */
static Align *
parse_delimiter_row (const char *line,
                     guint       n_columns)
{
  g_autoptr(GPtrArray) cells = NULL;
  g_autofree Align *aligns = NULL;

  if (strchr (line, '|') == NULL)
    return NULL;

  cells = split_row (line);
  if (cells->len != n_columns)
    return NULL;

  aligns = g_new0 (Align, n_columns);
  for (guint i = 0; i < cells->len; i++)
    {
      const char *cell = g_ptr_array_index (cells, i);
      gsize n = strlen (cell);
      gsize dashes = strspn (cell + (cell[0] == ':'), "-");

      if (dashes == 0 || (cell[0] == ':') + dashes + (n > 1 && cell[n - 1] == ':') != n)
        return NULL;
      if (cell[0] == ':' && n > 1 && cell[n - 1] == ':')
        aligns[i] = ALIGN_CENTER;
      else if (n > 1 && cell[n - 1] == ':')
        aligns[i] = ALIGN_RIGHT;
    }

  return g_steal_pointer (&aligns);
}

static void
render_padding (TsMarkdownOut *out,
                glong          width)
{
  g_autofree char *spaces = NULL;

  if (width <= 0)
    return;

  spaces = g_strnfill (width, ' ');
  ts_markdown_render_text (out, spaces, width, "table", 0);
}

static void
render_table_row (TsMarkdownOut *out,
                  GPtrArray     *cells,
                  const glong   *widths,
                  const Align   *aligns,
                  guint          n_columns,
                  guint          flags)
{
  guint spans_left;
  TsMarkdownSink measure = { NULL, NULL, 0, &spans_left };
  TsMarkdownSink sink = { out, "table", flags, &spans_left };

  for (guint c = 0; c < n_columns; c++)
    {
      const char *cell = c < cells->len ? g_ptr_array_index (cells, c) : "";
      glong width = (spans_left = MAX_SPANS_PER_LINE,
                     ts_markdown_render_inline (&measure, cell, strlen (cell), 0, 0));
      glong space = widths[c] - width;
      glong before = aligns[c] == ALIGN_RIGHT ? space : aligns[c] == ALIGN_CENTER ? space / 2 : 0;

      if (c > 0)
        ts_markdown_render_text (out, " │ ", -1, "table", 0);
      render_padding (out, before);
      spans_left = MAX_SPANS_PER_LINE;
      ts_markdown_render_inline (&sink, cell, strlen (cell), 0, 0);
      if (c + 1 < n_columns)
        render_padding (out, space - before);
    }
}

/* Renders the table whose header is lines[0], if it is one; returns the number of lines
 * it takes, or 0. */
guint
ts_markdown_render_table (TsMarkdownOut *out,
              char         **lines)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GPtrArray) header = NULL;
  g_autofree Align *aligns = NULL;
  g_autofree glong *widths = NULL;
  g_autoptr(GString) rule = g_string_new (NULL);
  guint spans_left;
  TsMarkdownSink measure = { NULL, NULL, 0, &spans_left };
  guint n_columns;
  guint n_lines;

  if (strchr (lines[0], '|') == NULL || lines[1] == NULL)
    return 0;

  header = split_row (lines[0]);
  n_columns = header->len;
  if ((aligns = parse_delimiter_row (lines[1], n_columns)) == NULL)
    return 0;

  g_ptr_array_add (rows, g_steal_pointer (&header));
  for (n_lines = 2; lines[n_lines] != NULL; n_lines++)
    {
      if (ts_markdown_is_blank (lines[n_lines]) || strchr (lines[n_lines], '|') == NULL)
        break;
      g_ptr_array_add (rows, split_row (lines[n_lines]));
    }

  widths = g_new0 (glong, n_columns);
  for (guint r = 0; r < rows->len; r++)
    {
      GPtrArray *cells = g_ptr_array_index (rows, r);

      for (guint c = 0; c < n_columns && c < cells->len; c++)
        {
          const char *cell = g_ptr_array_index (cells, c);

          spans_left = MAX_SPANS_PER_LINE;
          widths[c] = MAX (widths[c], ts_markdown_render_inline (&measure, cell, strlen (cell), 0, 0));
        }
    }

  for (guint c = 0; c < n_columns; c++)
    {
      if (c > 0)
        g_string_append (rule, "─┼─");
      for (glong i = 0; i < MAX (widths[c], 1); i++)
        g_string_append (rule, "─");
    }

  for (guint r = 0; r < rows->len; r++)
    {
      if (r > 0)
        ts_markdown_render_text (out, "\n", 1, NULL, 0);
      render_table_row (out, g_ptr_array_index (rows, r), widths, aligns, n_columns,
                        r == 0 ? INLINE_BOLD : 0);
      if (r == 0)
        {
          ts_markdown_render_text (out, "\n", 1, NULL, 0);
          ts_markdown_render_text (out, rule->str, rule->len, "table", 0);
        }
    }

  return n_lines;
}
