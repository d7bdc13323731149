/* ts-markdown-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ts-markdown.h"

G_BEGIN_DECLS

#define MAX_INLINE_DEPTH 8
/* The data of a link's tag: its address. */
#define LINK_DATA "ts-markdown-link"
/* A longer link address is shown but not followed, and so are the links past the
 * first MAX_LINKS of a text (each has a tag of its own). */
#define MAX_LINK_LENGTH 4096
#define MAX_LINKS 1000
/* Beyond this many formatted spans a line shows as written: a text view takes
 * quadratic time over the tags of one long line. */
#define MAX_SPANS_PER_LINE 256
#define MAX_LIST_LEVEL   6
#define MAX_QUOTE_LEVEL  4

enum {
  INLINE_BOLD   = 1 << 0,
  INLINE_ITALIC = 1 << 1,
  INLINE_CODE   = 1 << 2,
  INLINE_LINK   = 1 << 3,
};

/* The rendered text, and the tags over ranges of it (in characters). A span with a link
 * (its number in the links, from 1) marks where that link's address is followed. */
typedef struct
{
  const char *tag_name;
  glong       start;
  glong       end;
  guint       link;
} TsMarkdownSpan;

typedef struct
{
  GString   *text;
  glong      n_chars;
  GArray    *spans;
  GPtrArray *links;    /* the addresses of the links that can be followed */
} TsMarkdownOut;

/* Where the inline spans of one block go: @out NULL only measures them. */
typedef struct
{
  TsMarkdownOut *out;
  const char    *block_tag;
  guint          extra_flags;
  guint         *spans_left;   /* formatted spans still allowed in this line or cell */
  guint          link;         /* the link the text is in, from 1; 0 for none */
} TsMarkdownSink;

GtkTextTag  *ts_markdown_ensure_tag    (GtkTextBuffer *buffer,
                                        const char    *name);
glong        ts_markdown_emit          (const TsMarkdownSink    *sink,
                                        const char    *text,
                                        gsize          length,
                                        guint          flags);
glong        ts_markdown_render_inline (const TsMarkdownSink    *sink,
                                        const char    *text,
                                        gsize          length,
                                        guint          flags,
                                        guint          depth);
void         ts_markdown_render_text   (TsMarkdownOut *out,
                                        const char    *text,
                                        gssize         length,
                                        const char    *block_tag,
                                        guint          flags);
const char  *ts_markdown_skip_spaces   (const char    *p);
gboolean     ts_markdown_is_blank      (const char    *line);
guint        ts_markdown_render_table  (TsMarkdownOut *out,
                                        char         **lines);

G_END_DECLS
