/* ts-markdown.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ts-markdown-private.h"

#include <string.h>

/* A small Markdown renderer into text tags: headings, paragraphs, bullet, numbered and
 * task lists (nested by indentation), block quotes, fenced code, pipe tables, thematic
 * breaks, and inline bold, italic, code, links and backslash escapes. It is for showing
 * what a model wrote and what a playground's author wrote, not a full CommonMark
 * implementation: anything it does not know is shown as written.
 *
 * Every scan is bounded: an opening marker looks for its closer through a per-span cache,
 * so a line of a million unmatched markers takes linear time, and inline spans nest at
 * most MAX_INLINE_DEPTH deep. */

GtkTextTag *
ts_markdown_ensure_tag (GtkTextBuffer *buffer,
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
  if (g_str_equal (name, "link"))
    return gtk_text_buffer_create_tag (buffer, name, "underline", PANGO_UNDERLINE_SINGLE,
                                       NULL);
  if (g_str_equal (name, "code-block"))
    return gtk_text_buffer_create_tag (buffer, name, "family", "monospace",
                                       "left-margin", 12, "wrap-mode", GTK_WRAP_CHAR, NULL);
  /* Rows are lined up with spaces in a fixed-width font; wrapping would break the
   * columns, so a wide table runs past the edge instead. */
  if (g_str_equal (name, "table"))
    return gtk_text_buffer_create_tag (buffer, name, "family", "monospace",
                                       "wrap-mode", GTK_WRAP_NONE, NULL);
  if (g_str_equal (name, "rule"))
    return gtk_text_buffer_create_tag (buffer, name, "justification", GTK_JUSTIFY_CENTER,
                                       "foreground-rgba", &(GdkRGBA) { 0.5, 0.5, 0.5, 1 },
                                       NULL);
  if (g_str_has_prefix (name, "quote"))
    return gtk_text_buffer_create_tag (buffer, name,
                                       "left-margin", 16 * (name[5] - '0'),
                                       "style", PANGO_STYLE_ITALIC, NULL);
  if (g_str_has_prefix (name, "list"))
    return gtk_text_buffer_create_tag (buffer, name,
                                       "left-margin", 12 + 16 * (name[4] - '1'),
                                       "indent", -12, NULL);

  g_assert_not_reached ();
}

/* How many fixed-width columns @text takes: wide (East Asian) characters take two,
 * combining marks none. */
static glong
text_width (const char *text,
            gsize       length)
{
  const char *end = text + length;
  glong width = 0;

  for (const char *p = text; p < end; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iszerowidth (c))
        continue;
      width += g_unichar_iswide (c) ? 2 : 1;
    }

  return width;
}

/* Tags the text from @start to the end with @tag_name (or, with @link, as the text of
 * that link), extending a span that ends there. */
static void
add_span (TsMarkdownOut *out,
          const char    *tag_name,
          guint          link,
          glong          start)
{
  TsMarkdownSpan span = { tag_name != NULL ? g_intern_string (tag_name) : NULL, start,
                          out->n_chars, link };

  for (guint i = out->spans->len; i > 0 && i + 4 > out->spans->len; i--)
    {
      TsMarkdownSpan *last = &g_array_index (out->spans, TsMarkdownSpan, i - 1);

      if (last->end == start && last->tag_name == span.tag_name && last->link == link)
        {
          last->end = span.end;
          return;
        }
    }

  g_array_append_val (out->spans, span);
}

/* Appends @text with the sink's block tag and the tags of @flags; returns its width. */
glong
ts_markdown_emit (const TsMarkdownSink *sink,
      const char *text,
      gsize       length,
      guint       flags)
{
  glong start;
  glong width;

  if (length == 0)
    return 0;
  if (sink->out == NULL)
    return text_width (text, length);

  flags |= sink->extra_flags;
  start = sink->out->n_chars;
  width = text_width (text, length);
  g_string_append_len (sink->out->text, text, length);
  sink->out->n_chars += g_utf8_strlen (text, length);

  if (sink->block_tag != NULL)
    add_span (sink->out, sink->block_tag, 0, start);
  if (flags & INLINE_BOLD)
    add_span (sink->out, "bold", 0, start);
  if (flags & INLINE_ITALIC)
    add_span (sink->out, "italic", 0, start);
  if (flags & INLINE_CODE)
    add_span (sink->out, "code", 0, start);
  if (flags & INLINE_LINK)
    add_span (sink->out, "link", 0, start);
  if (sink->link != 0)
    add_span (sink->out, NULL, sink->link, start);

  return width;
}

static gboolean
is_space (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\0';
}

/* ASCII punctuation; other bytes (letters, UTF-8 sequences) count as word characters. */
static gboolean
is_punct (char c)
{
  return c > 0 && g_ascii_ispunct (c);
}

/* CommonMark's flanking rules for a delimiter run at @p of @n bytes within [@start, @end).
 * '*' opens when left-flanking and closes when right-flanking; '_' needs a word boundary
 * on the outer side too, so snake_case stays as written. */
static gboolean
can_open_or_close (const char *start,
                   const char *end,
                   const char *p,
                   gsize       n,
                   gboolean    open)
{
  char before = p > start ? p[-1] : ' ';
  char after = p + n < end ? p[n] : ' ';
  gboolean left = !is_space (after) && (!is_punct (after) || is_space (before) || is_punct (before));
  gboolean right = !is_space (before) && (!is_punct (before) || is_space (after) || is_punct (after));

  if (*p != '_')
    return open ? left : right;
  if (open)
    return left && (!right || is_punct (before));

  return right && (!left || is_punct (after));
}

/* The first closer of one kind at or after a position, remembered: a later opener asks
 * from a later position, and the answer stays right while it is not past the closer. */
typedef struct
{
  const char *from;    /* NULL: not searched yet */
  const char *found;   /* NULL: none from @from on */
} Closer;

enum { CLOSE_STAR2, CLOSE_UNDER2, CLOSE_STAR, CLOSE_UNDER, CLOSE_BRACKET, CLOSE_PAREN, N_CLOSERS };

static const char *
find_closer (Closer     *cache,
             const char *start,
             const char *end,
             const char *from,
             const char *marker)
{
  gsize n = strlen (marker);

  if (cache->from != NULL && cache->from <= from &&
      (cache->found == NULL || cache->found >= from))
    return cache->found;

  cache->from = from;
  cache->found = NULL;

  for (const char *q = from; q + n <= end; q++)
    {
      if (*q == '\\' && q + 1 < end)
        {
          q++;
          continue;
        }
      if (memcmp (q, marker, n) != 0)
        continue;
      if (*q != '*' && *q != '_')
        {
          cache->found = q;
          break;
        }
      if (n == 1 && ((q + 1 < end && q[1] == *q) || (q > start && q[-1] == *q)))
        continue;
      if (can_open_or_close (start, end, q, n, FALSE))
        {
          cache->found = q;
          break;
        }
    }

  return cache->found;
}

/* The end of a run of exactly @n backticks from @from on, or NULL. */
static const char *
find_backticks (const char *from,
                const char *end,
                gsize       n)
{
  const char *q = from;

  while (q < end)
    {
      const char *run = q;

      if (*q != '`')
        {
          q++;
          continue;
        }
      while (q < end && *q == '`')
        q++;
      if ((gsize) (q - run) == n)
        return run;
    }

  return NULL;
}

/* Whether [@p, @end), what follows a link's destination, is nothing or a quoted title. */
static gboolean
is_link_title (const char *p,
               const char *end)
{
  while (p < end && is_space (*p))
    p++;
  while (end > p && is_space (end[-1]))
    end--;

  return p == end || (end - p >= 2 && (*p == '"' || *p == '\'') && end[-1] == *p);
}

/* The address of a link whose destination (and maybe title) is in [@start, @end), when
 * it is one a click may open: a web page or an e-mail address. Anything else a model
 * could write (file:, javascript:, a program's own scheme) is shown but not followed. */
static char *
link_target (const char *start,
             const char *end)
{
  static const char * const schemes[] = { "http", "https", "mailto", NULL };
  g_autofree char *target = NULL;
  const char *scheme;
  const char *stop;

  while (start < end && (*start == ' ' || *start == '\t'))
    start++;
  if (start < end && *start == '<')
    {
      start++;
      stop = memchr (start, '>', end - start);
    }
  else
    for (stop = start; stop < end && !is_space (*stop); stop++);
  if (stop == NULL || stop == start || stop - start > MAX_LINK_LENGTH ||
      !is_link_title (stop + (*stop == '>'), end))
    return NULL;

  target = g_strndup (start, stop - start);
  scheme = g_uri_peek_scheme (target);  /* in lower case */
  if (scheme == NULL || !g_strv_contains (schemes, scheme) ||
      !g_uri_is_valid (target, G_URI_FLAGS_NONE, NULL))
    return NULL;

  return g_steal_pointer (&target);
}

/* The ')' that ends a link's destination (and title) starting at @from: parentheses in
 * the destination must balance, as in https://en.wikipedia.org/wiki/Pipe_(unit). They
 * are counted only when the first ')' follows a '(', and no further than an address may
 * reach; an unbalanced destination ends at the first ')', as before. */
static const char *
link_end (Closer     *cache,
          const char *start,
          const char *end,
          const char *from)
{
  const char *first = find_closer (cache, start, end, from, ")");
  const char *limit;
  const char *q;
  int depth = 0;

  if (first == NULL || memchr (from, '(', first - from) == NULL)
    return first;

  limit = MIN (end, from + MAX_LINK_LENGTH + 1);
  for (q = from; q < limit && !is_space (*q); q++)
    {
      if (*q == '\\' && q + 1 < limit)
        q++;
      else if (*q == '(')
        depth++;
      else if (*q == ')' && depth-- == 0)
        return q;
    }

  /* A balanced destination followed by a title ends at the first ')' after it. */
  if (depth == 0 && q < limit)
    return memchr (q, ')', end - q);

  return first;
}

/* One span that starts at @p: sets *@next past it and returns its width, or returns -1
 * when @p starts no span. */
static glong
render_span (const TsMarkdownSink  *sink,
             const char  *start,
             const char  *end,
             const char  *p,
             Closer      *closers,
             guint       *no_backticks,
             guint        flags,
             guint        depth,
             const char **next)
{
  static const char *markers[] = { "**", "__", "*", "_" };

  if (*p == '`')
    {
      gsize n = 0;
      const char *close;

      while (p + n < end && p[n] == '`')
        n++;
      if (n < 32 && (*no_backticks & (1u << n)) != 0)
        close = NULL;
      else if ((close = find_backticks (p + n, end, n)) == NULL && n < 32)
        *no_backticks |= 1u << n;

      *next = close != NULL ? close + n : p + n;
      if (close == NULL)
        return ts_markdown_emit (sink, p, n, flags);

      return ts_markdown_emit (sink, p + n, close - (p + n), flags | INLINE_CODE);
    }

  if (*p == '[')
    {
      const char *close = find_closer (&closers[CLOSE_BRACKET], start, end, p + 1, "]");
      const char *url_end;
      TsMarkdownSink inner = *sink;
      g_autofree char *target = NULL;

      if (close == NULL || close + 1 >= end || close[1] != '(' ||
          (url_end = link_end (&closers[CLOSE_PAREN], start, end, close + 2)) == NULL)
        return -1;

      *next = url_end + 1;
      /* A measuring sink (no output) keeps no addresses. */
      if (sink->out != NULL && sink->out->links->len < MAX_LINKS &&
          (target = link_target (close + 2, url_end)) != NULL)
        {
          g_ptr_array_add (sink->out->links, g_steal_pointer (&target));
          inner.link = sink->out->links->len;
        }
      return ts_markdown_render_inline (&inner, p + 1, close - (p + 1), flags | INLINE_LINK,
                                        depth + 1);
    }

  for (guint i = 0; i < G_N_ELEMENTS (markers); i++)
    {
      gsize n = strlen (markers[i]);
      const char *close;

      if ((gsize) (end - p) < n || memcmp (p, markers[i], n) != 0)
        continue;
      if (n == 1 && p + 1 < end && p[1] == *p)
        continue;
      if (!can_open_or_close (start, end, p, n, TRUE))
        return -1;
      close = find_closer (&closers[i], start, end, p + n + 1, markers[i]);
      if (close == NULL)
        return -1;

      *next = close + n;
      return ts_markdown_render_inline (sink, p + n, close - (p + n),
                            flags | (n == 2 ? INLINE_BOLD : INLINE_ITALIC), depth + 1);
    }

  return -1;
}

/* Renders the inline spans of @text; returns the width of what it shows. */
glong
ts_markdown_render_inline (const TsMarkdownSink *sink,
               const char *text,
               gsize       length,
               guint       flags,
               guint       depth)
{
  const char *end = text + length;
  const char *p = text;
  const char *plain = text;
  Closer closers[N_CLOSERS] = { { NULL, NULL } };
  guint no_backticks = 0;
  glong width = 0;

  if (depth > MAX_INLINE_DEPTH)
    return ts_markdown_emit (sink, text, length, flags);

  while (p < end)
    {
      const char *next = NULL;
      glong span;

      if (*p == '\\' && p + 1 < end && is_punct (p[1]))
        {
          width += ts_markdown_emit (sink, plain, p - plain, flags);
          plain = p + 1;
          p += 2;
          continue;
        }
      if (*p != '`' && *p != '[' && *p != '*' && *p != '_')
        {
          p++;
          continue;
        }

      width += ts_markdown_emit (sink, plain, p - plain, flags);
      span = -1;
      if (*sink->spans_left > 0)
        span = render_span (sink, text, end, p, closers, &no_backticks, flags, depth, &next);
      if (span < 0)
        {
          /* Not a span: the marker is text; a run of markers is skipped as one. */
          plain = p;
          next = p + 1;
          while (next < end && *next == *p)
            next++;
        }
      else
        {
          width += span;
          if (*sink->spans_left > 0)  /* the span's own spans may have used it up */
            *sink->spans_left -= 1;
          plain = next;
        }
      p = next;
    }

  return width + ts_markdown_emit (sink, plain, end - plain, flags);
}

const char *
ts_markdown_skip_spaces (const char *p)
{
  while (*p == ' ' || *p == '\t')
    p++;

  return p;
}

gboolean
ts_markdown_is_blank (const char *line)
{
  return *ts_markdown_skip_spaces (line) == '\0';
}

void
ts_markdown_render_text (TsMarkdownOut *out,
             const char    *text,
             gssize         length,
             const char    *block_tag,
             guint          flags)
{
  guint spans_left = MAX_SPANS_PER_LINE;
  TsMarkdownSink sink = { out, block_tag, 0, &spans_left };

  ts_markdown_emit (&sink, text, length < 0 ? strlen (text) : (gsize) length, flags);
}

static void
render_line_inline (TsMarkdownOut *out,
                    const char    *text,
                    const char    *block_tag)
{
  guint spans_left = MAX_SPANS_PER_LINE;
  TsMarkdownSink sink = { out, block_tag, 0, &spans_left };

  ts_markdown_render_inline (&sink, text, strlen (text), 0, 0);
}

/* Returns the text after a numbered-list marker such as "12. ", or NULL. */
static const char *
after_number (const char *p)
{
  const char *q = p;

  while (g_ascii_isdigit (*q))
    q++;

  if (q == p || q - p > 9 || (*q != '.' && *q != ')') || (q[1] != ' ' && q[1] != '\0'))
    return NULL;

  return q[1] == '\0' ? q + 1 : q + 2;
}

/* "---", "***", "___", spaces allowed between. */
static gboolean
is_thematic_break (const char *content)
{
  char c = *content;
  guint n = 0;

  if (c != '-' && c != '*' && c != '_')
    return FALSE;

  for (const char *p = content; *p != '\0'; p++)
    {
      if (*p == c)
        n++;
      else if (*p != ' ' && *p != '\t')
        return FALSE;
    }

  return n >= 3;
}

/* An opening or closing code fence: three or more backticks or tildes. */
static gsize
fence_length (const char *content,
              char       *fence_char)
{
  gsize n = 0;

  if (*content != '`' && *content != '~')
    return 0;

  while (content[n] == content[0])
    n++;
  if (n < 3)
    return 0;

  *fence_char = content[0];
  return n;
}

/* One line outside code blocks and tables: a heading, a list item, a quote, a rule or
 * a line of a paragraph. */
static void
render_line (TsMarkdownOut *out,
             const char    *line)
{
  const char *content = ts_markdown_skip_spaces (line);
  guint indent = 0;
  guint quotes = 0;
  const char *rest;

  for (const char *p = line; p < content; p++)
    indent += *p == '\t' ? 4 : 1;

  while (*content == '>')
    {
      quotes++;
      content = ts_markdown_skip_spaces (content + 1);
    }
  if (quotes > 0)
    {
      char tag[] = "quote0";

      tag[5] = '0' + MIN (quotes, MAX_QUOTE_LEVEL);
      render_line_inline (out, content, tag);
      return;
    }

  if (content[0] == '#' && indent < 4)
    {
      guint level = strspn (content, "#");

      if (level <= 6 && (content[level] == ' ' || content[level] == '\0'))
        {
          const char *tag = level == 1 ? "h1" : level == 2 ? "h2" : "h3";
          g_autofree char *text = g_strdup (ts_markdown_skip_spaces (content + level));
          gsize n = strlen (text);

          /* An optional closing sequence of '#'s. */
          while (n > 0 && text[n - 1] == '#')
            n--;
          if (n == 0 || text[n - 1] == ' ')
            text[n] = '\0';
          g_strchomp (text);
          render_line_inline (out, text, tag);
          return;
        }
    }

  if (is_thematic_break (content))
    {
      ts_markdown_render_text (out, "────────────────", -1, "rule", 0);
      return;
    }

  if ((content[0] == '-' || content[0] == '*' || content[0] == '+') &&
      (content[1] == ' ' || content[1] == '\0'))
    {
      char tag[] = "list0";

      tag[4] = '1' + MIN (indent / 2, MAX_LIST_LEVEL - 1);
      rest = ts_markdown_skip_spaces (content + 1);
      if (g_str_has_prefix (rest, "[ ] ") || g_str_has_prefix (rest, "[x] ") ||
          g_str_has_prefix (rest, "[X] "))
        {
          ts_markdown_render_text (out, rest[1] == ' ' ? "☐ " : "☑ ", -1, tag, 0);
          rest += 4;
        }
      else
        ts_markdown_render_text (out, "• ", -1, tag, 0);
      render_line_inline (out, rest, tag);
    }
  else if ((rest = after_number (content)) != NULL)
    {
      char tag[] = "list0";

      tag[4] = '1' + MIN (indent / 2, MAX_LIST_LEVEL - 1);
      ts_markdown_render_text (out, content, rest - content, tag, 0);
      render_line_inline (out, rest, tag);
    }
  else
    render_line_inline (out, content, NULL);
}

static void
collect_link_tag (GtkTextTag *tag,
                  gpointer    user_data)
{
  if (g_object_get_data (G_OBJECT (tag), LINK_DATA) != NULL)
    g_ptr_array_add (user_data, tag);
}

/**
 * ts_markdown_render:
 * @buffer: the buffer to fill; its text is replaced
 * @markdown: Markdown text; invalid UTF-8 is shown with replacement characters
 *
 * Renders @markdown from the start, so text that arrives in pieces shows the same as
 * the whole once the last piece is in.
 */
void
ts_markdown_render (GtkTextBuffer *buffer,
                    const char    *markdown)
{
  g_autofree char *valid = NULL;
  g_auto(GStrv) lines = NULL;
  TsMarkdownOut out = { NULL, 0, NULL, NULL };
  g_autoptr(GPtrArray) old_links = g_ptr_array_new ();
  g_autofree GtkTextTag **link_tags = NULL;
  GtkTextTagTable *table;
  GtkTextIter start, end;
  glong offset = 0;
  gsize fence = 0;
  char fence_char = 0;
  gboolean need_break = FALSE;

  g_return_if_fail (GTK_IS_TEXT_BUFFER (buffer));
  g_return_if_fail (markdown != NULL);

  if (!g_utf8_validate (markdown, -1, NULL))
    markdown = valid = g_utf8_make_valid (markdown, -1);

  out.text = g_string_new (NULL);
  out.spans = g_array_new (FALSE, FALSE, sizeof (TsMarkdownSpan));
  out.links = g_ptr_array_new_with_free_func (g_free);
  lines = g_strsplit (markdown, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    g_strchomp (lines[i]);  /* also drops the '\r' of CRLF line ends */

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];
      const char *content = ts_markdown_skip_spaces (line);
      gsize n;
      char c;
      guint n_table;

      if ((n = fence_length (content, &c)) > 0 &&
          (fence == 0 || (c == fence_char && n >= fence && ts_markdown_is_blank (content + n))))
        {
          fence = fence == 0 ? n : 0;
          fence_char = c;
          continue;
        }

      if (need_break)
        ts_markdown_render_text (&out, "\n", 1, NULL, 0);
      need_break = TRUE;

      if (fence > 0)
        ts_markdown_render_text (&out, line, -1, "code-block", 0);
      else if ((n_table = ts_markdown_render_table (&out, lines + i)) > 0)
        i += n_table - 1;
      else
        render_line (&out, line);
    }

  /* One insertion, then the tags in order with one moving iterator: per-piece insertions
   * into one long line would take quadratic time. */
  gtk_text_buffer_set_text (buffer, out.text->str, out.text->len);

  /* Each link has a tag of its own that holds its address; the last rendering's go. */
  table = gtk_text_buffer_get_tag_table (buffer);
  gtk_text_tag_table_foreach (table, collect_link_tag, old_links);
  for (guint i = 0; i < old_links->len; i++)
    gtk_text_tag_table_remove (table, g_ptr_array_index (old_links, i));
  link_tags = g_new0 (GtkTextTag *, out.links->len);

  gtk_text_buffer_get_start_iter (buffer, &start);
  for (guint i = 0; i < out.spans->len; i++)
    {
      TsMarkdownSpan *span = &g_array_index (out.spans, TsMarkdownSpan, i);
      GtkTextTag *tag;

      if (span->link != 0)
        {
          tag = link_tags[span->link - 1];
          if (tag == NULL)
            {
              tag = link_tags[span->link - 1] = gtk_text_buffer_create_tag (buffer, NULL, NULL);
              g_object_set_data_full (G_OBJECT (tag), LINK_DATA,
                                      g_strdup (g_ptr_array_index (out.links, span->link - 1)),
                                      g_free);
            }
        }
      else
        {
          tag = ts_markdown_ensure_tag (buffer, span->tag_name);
        }

      gtk_text_iter_forward_chars (&start, span->start - offset);
      offset = span->start;
      end = start;
      gtk_text_iter_forward_chars (&end, span->end - span->start);
      gtk_text_buffer_apply_tag (buffer, tag, &start, &end);
    }

  g_string_free (out.text, TRUE);
  g_array_unref (out.spans);
  g_ptr_array_unref (out.links);
}
