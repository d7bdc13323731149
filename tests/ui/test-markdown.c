/* test-markdown.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "ts-markdown.h"
#include "ui-test-utils.h"

static char *
render (GtkTextBuffer *buffer,
        const char    *markdown)
{
  GtkTextIter start, end;

  ts_markdown_render (buffer, markdown);
  gtk_text_buffer_get_bounds (buffer, &start, &end);

  return gtk_text_buffer_get_text (buffer, &start, &end, TRUE);
}

/* Whether every character of the first @needle in @buffer carries the tag @tag_name
 * (NULL: carries no tag at all). */
static gboolean
text_has_tag (GtkTextBuffer *buffer,
              const char    *needle,
              const char    *tag_name)
{
  GtkTextIter start, end, match_start, match_end;
  GtkTextTag *tag = NULL;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  if (!gtk_text_iter_forward_search (&start, needle, 0, &match_start, &match_end, NULL))
    g_error ("“%s” is not in the buffer", needle);

  if (tag_name != NULL)
    tag = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), tag_name);

  for (GtkTextIter iter = match_start;
       gtk_text_iter_compare (&iter, &match_end) < 0;
       gtk_text_iter_forward_char (&iter))
    {
      g_autoptr(GSList) tags = gtk_text_iter_get_tags (&iter);

      if (tag_name == NULL ? tags != NULL : (tag == NULL || !gtk_text_iter_has_tag (&iter, tag)))
        return FALSE;
    }

  return TRUE;
}

/* A description of the buffer's text and tags, to compare two renderings. */
static char *
dump (GtkTextBuffer *buffer)
{
  GString *out = g_string_new (NULL);
  GtkTextIter iter;

  gtk_text_buffer_get_start_iter (buffer, &iter);
  do
    {
      g_autoptr(GSList) tags = gtk_text_iter_get_tags (&iter);

      g_string_append_unichar (out, gtk_text_iter_get_char (&iter));
      for (GSList *l = tags; l != NULL; l = l->next)
        {
          g_autofree char *name = NULL;

          g_object_get (l->data, "name", &name, NULL);
          g_string_append_printf (out, "<%s>", name);
        }
    }
  while (gtk_text_iter_forward_char (&iter));

  return g_string_free (out, FALSE);
}

static void
test_markdown_blocks (void)
{
  g_autoptr(GtkTextBuffer) buffer = gtk_text_buffer_new (NULL);
  g_autofree char *text = render (buffer,
                                  "# Title #\n"
                                  "## Part\n"
                                  "#### Small\n"
                                  "#hashtag\n"
                                  "- one\n"
                                  "  - nested\n"
                                  "3. three\n"
                                  "- [ ] open task\n"
                                  "- [x] done task\n"
                                  "> quoted\n"
                                  "***\n"
                                  "```c\n"
                                  "int *p = **q_r_s;\n"
                                  "```\n"
                                  "after");

  g_assert_cmpstr (text, ==,
                   "Title\nPart\nSmall\n#hashtag\n• one\n• nested\n3. three\n"
                   "☐ open task\n☑ done task\nquoted\n────────────────\n"
                   "int *p = **q_r_s;\nafter");
  g_assert_true (text_has_tag (buffer, "Title", "h1"));
  g_assert_true (text_has_tag (buffer, "Part", "h2"));
  g_assert_true (text_has_tag (buffer, "Small", "h3"));
  g_assert_true (text_has_tag (buffer, "#hashtag", NULL));
  g_assert_true (text_has_tag (buffer, "one", "list1"));
  g_assert_true (text_has_tag (buffer, "nested", "list2"));
  g_assert_true (text_has_tag (buffer, "three", "list1"));
  g_assert_true (text_has_tag (buffer, "quoted", "quote1"));
  g_assert_true (text_has_tag (buffer, "int *p = **q_r_s;", "code-block"));
  g_assert_false (text_has_tag (buffer, "q_r_s", "italic"));
  g_assert_true (text_has_tag (buffer, "after", NULL));
}

static void
test_markdown_inline (void)
{
  g_autoptr(GtkTextBuffer) buffer = gtk_text_buffer_new (NULL);
  g_autofree char *text = render (buffer,
                                  "**bold** and __strong__, *it* and _em_, `a_b*c*` "
                                  "[the docs](https://example.org/x_y) \\*literal\\*");

  g_assert_cmpstr (text, ==, "bold and strong, it and em, a_b*c* the docs *literal*");
  g_assert_true (text_has_tag (buffer, "bold", "bold"));
  g_assert_true (text_has_tag (buffer, "strong", "bold"));
  g_assert_true (text_has_tag (buffer, "it", "italic"));
  g_assert_true (text_has_tag (buffer, "em", "italic"));
  g_assert_true (text_has_tag (buffer, "a_b*c*", "code"));
  g_assert_false (text_has_tag (buffer, "a_b*c*", "italic"));
  g_assert_true (text_has_tag (buffer, "the docs", "link"));
  g_assert_true (text_has_tag (buffer, "*literal*", NULL));

  g_free (text);
  text = render (buffer, "**bold with _em_ inside** and ``code with ` tick``");
  g_assert_cmpstr (text, ==, "bold with em inside and code with ` tick");
  g_assert_true (text_has_tag (buffer, "em", "italic"));
  g_assert_true (text_has_tag (buffer, "em", "bold"));
  g_assert_true (text_has_tag (buffer, "code with ` tick", "code"));
}

/* '_' is emphasis only at word boundaries; '*' also inside words (CommonMark). */
static void
test_markdown_emphasis_rules (void)
{
  g_autoptr(GtkTextBuffer) buffer = gtk_text_buffer_new (NULL);
  g_autofree char *text = render (buffer,
                                  "snake_case and my_var_name, __init__ file, "
                                  "2 * 3 * 4, un*frigging*believable, _ spaced _");

  g_assert_cmpstr (text, ==, "snake_case and my_var_name, init file, "
                             "2 * 3 * 4, unfriggingbelievable, _ spaced _");
  g_assert_true (text_has_tag (buffer, "snake_case and my_var_name, ", NULL));
  g_assert_true (text_has_tag (buffer, "2 * 3 * 4", NULL));
  g_assert_true (text_has_tag (buffer, "frigging", "italic"));
  g_assert_true (text_has_tag (buffer, "_ spaced _", NULL));

  g_free (text);
  text = render (buffer, "call foo_bar_baz() then _really_ stop");
  g_assert_cmpstr (text, ==, "call foo_bar_baz() then really stop");
  g_assert_true (text_has_tag (buffer, "foo_bar_baz()", NULL));
  g_assert_true (text_has_tag (buffer, "really", "italic"));
}

static void
test_markdown_table (void)
{
  g_autoptr(GtkTextBuffer) buffer = gtk_text_buffer_new (NULL);
  g_autofree char *text = render (buffer,
                                  "Prices:\n"
                                  "| Bike | Price | Note |\n"
                                  "| :--- | ---: | :-: |\n"
                                  "| City bike | €12 | **new** |\n"
                                  "| E-bike | €120 | `a\\|b` |\n"
                                  "| Tandem |\n"
                                  "\n"
                                  "| not | a table |\n"
                                  "| --- |\n");

  g_assert_cmpstr (text, ==,
                   "Prices:\n"
                   "Bike      │ Price │ Note\n"
                   "──────────┼───────┼─────\n"
                   "City bike │   €12 │ new\n"
                   "E-bike    │  €120 │ a|b\n"
                   "Tandem    │       │   \n"
                   "\n"
                   "| not | a table |\n"
                   "| --- |\n");
  g_assert_true (text_has_tag (buffer, "Bike ", "table"));
  g_assert_true (text_has_tag (buffer, "Bike", "bold"));
  g_assert_true (text_has_tag (buffer, "City bike", "table"));
  g_assert_false (text_has_tag (buffer, "City bike", "bold"));
  g_assert_true (text_has_tag (buffer, "new", "bold"));
  g_assert_true (text_has_tag (buffer, "a|b", "code"));
  g_assert_true (text_has_tag (buffer, "| not", NULL));

  /* Wide characters take two columns. */
  g_free (text);
  text = render (buffer, "|名前|n|\n|-|-|\n|東京|1|\n|x|2|");
  g_assert_cmpstr (text, ==, "名前 │ n\n─────┼──\n東京 │ 1\nx    │ 2");
}

/* Text that arrives in pieces ends up as the whole renders. */
static void
test_markdown_streaming (void)
{
  const char *markdown =
    "# Plan\n\nSome **bold** text and `code`, with snake_case.\n\n"
    "| a | b |\n| --- | :-: |\n| *x* | y |\n\n"
    "```\ncode *block*\n```\n- item [link](u)\n> quote\n";
  g_autoptr(GtkTextBuffer) whole = gtk_text_buffer_new (NULL);
  g_autoptr(GtkTextBuffer) pieces = gtk_text_buffer_new (NULL);
  g_autofree char *expected = NULL;
  g_autofree char *got = NULL;
  gsize length = strlen (markdown);

  g_free (render (whole, markdown));
  expected = dump (whole);

  for (gsize step = 1; step <= 7; step += 3)
    {
      for (gsize n = 0; n <= length; n += MIN (step, length - n == 0 ? 1 : length - n))
        {
          g_autofree char *prefix = g_strndup (markdown, n);

          g_free (render (pieces, prefix));
          if (n == length)
            break;
        }
      g_free (got);
      got = dump (pieces);
      g_assert_cmpstr (got, ==, expected);
    }
}

/* Hostile input renders in bounded time without crashing. */
static void
test_markdown_hostile (void)
{
  static const char *units[] = {
    "*a ", "_a ", "**", "__a ", "`", "``x", "[a", "[a](", "](", "\\", "|", "> ", "- ",
    "# ", "***x", "[[", "*_`[", "\xff\xfe", "~~~\n", "|-|\n", "**b** _i_ `c`\n",
    "[a](https://example.org/)\n", "[a](x(", "[a](x(y) ",
  };
  g_autoptr(GtkTextBuffer) buffer = gtk_text_buffer_new (NULL);
  g_autoptr(GTimer) timer = g_timer_new ();

  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    {
      g_autoptr(GString) input = g_string_new (NULL);
      g_autofree char *text = NULL;
      g_autofree char *escaped = g_strescape (units[i], NULL);

      while (input->len < 200000)
        g_string_append (input, units[i]);

      g_timer_start (timer);
      text = render (buffer, input->str);
      g_assert_true (g_utf8_validate (text, -1, NULL));
      g_test_message ("“%s” × %u: %.2f s", escaped, (guint) (input->len / strlen (units[i])),
                      g_timer_elapsed (timer, NULL));
      g_assert_cmpfloat (g_timer_elapsed (timer, NULL), <, 5.0);
    }

  /* Unterminated constructs are shown as written. */
  g_free (render (buffer, "**open `code [link]( _em"));
  g_assert_true (text_has_tag (buffer, "**open `code [link]( _em", NULL));
  g_free (render (buffer, "```\nnever closed\n# not a heading"));
  g_assert_true (text_has_tag (buffer, "# not a heading", "code-block"));
}

/* The address of the link over the first @needle in @buffer, checked to be the same
 * over all of it; NULL where there is none to follow. */
static const char *
link_over (GtkTextBuffer *buffer,
           const char    *needle)
{
  GtkTextIter start, end, match_start, match_end;
  const char *uri;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  if (!gtk_text_iter_forward_search (&start, needle, 0, &match_start, &match_end, NULL))
    g_error ("“%s” is not in the buffer", needle);

  uri = ts_markdown_get_link (&match_start);
  for (GtkTextIter iter = match_start;
       gtk_text_iter_compare (&iter, &match_end) < 0;
       gtk_text_iter_forward_char (&iter))
    g_assert_true (ts_markdown_get_link (&iter) == uri);

  return uri;
}

static void
count_link_tag (GtkTextTag *tag,
                gpointer    user_data)
{
  guint *n = user_data;

  *n += g_object_get_data (G_OBJECT (tag), "ts-markdown-link") != NULL;
}

static guint
count_link_tags (GtkTextBuffer *buffer)
{
  guint n = 0;

  gtk_text_tag_table_foreach (gtk_text_buffer_get_tag_table (buffer), count_link_tag, &n);

  return n;
}

/* Links to web pages and e-mail addresses can be followed; others are only shown. */
static void
test_markdown_links (void)
{
  static const char *markdown =
    "See [the docs](https://example.org/a_b \"Title\"), [mail](<mailto:me@example.org>), "
    "[script](javascript:alert), [file](file:///etc/passwd), [spaced](https://exa mple.org) "
    "and [**bold** part](HTTP://Example.test/?q=1).\n"
    "- [again](https://example.org/a_b)\n"
    "[pipe](https://en.wikipedia.org/wiki/Pipe_(unit)) and [titled](https://x.test/a(b) \"T\") "
    "and [open](https://x.test/a(b c) end";
  g_autoptr(GtkTextBuffer) buffer = gtk_text_buffer_new (NULL);
  g_autofree char *text = render (buffer, markdown);
  g_autoptr(GtkWidget) view = g_object_ref_sink (ts_markdown_view_new ("Test"));

  g_assert_cmpstr (text, ==, "See the docs, mail, script, file, spaced and bold part.\n• again\n"
                             "pipe and titled and open end");
  g_assert_cmpstr (link_over (buffer, "the docs"), ==, "https://example.org/a_b");
  g_assert_cmpstr (link_over (buffer, "mail"), ==, "mailto:me@example.org");
  g_assert_cmpstr (link_over (buffer, "bold part"), ==, "HTTP://Example.test/?q=1");
  g_assert_cmpstr (link_over (buffer, "again"), ==, "https://example.org/a_b");
  g_assert_cmpstr (link_over (buffer, "pipe"), ==, "https://en.wikipedia.org/wiki/Pipe_(unit)");
  g_assert_cmpstr (link_over (buffer, "titled"), ==, "https://x.test/a(b)");
  g_assert_null (link_over (buffer, "open"));
  g_assert_true (text_has_tag (buffer, "open", "link"));
  g_assert_null (link_over (buffer, "script"));
  g_assert_null (link_over (buffer, "file"));
  g_assert_null (link_over (buffer, "spaced"));
  g_assert_null (link_over (buffer, "See "));
  g_assert_null (link_over (buffer, ", "));
  g_assert_true (text_has_tag (buffer, "script", "link"));
  g_assert_true (text_has_tag (buffer, "bold", "bold"));

  /* Each rendering replaces the last one's links. */
  g_assert_cmpuint (count_link_tags (buffer), ==, 6);
  g_free (render (buffer, markdown));
  g_assert_cmpuint (count_link_tags (buffer), ==, 6);
  g_free (render (buffer, "no links"));
  g_assert_cmpuint (count_link_tags (buffer), ==, 0);

  /* The view for it is read-only and wraps. */
  g_assert_false (gtk_text_view_get_editable (GTK_TEXT_VIEW (view)));
  g_assert_cmpint (gtk_text_view_get_wrap_mode (GTK_TEXT_VIEW (view)), ==, GTK_WRAP_WORD_CHAR);
  g_assert_true (gtk_widget_has_css_class (view, "markdown"));
}

static gboolean
link_has_accent_colour (GtkWidget *view)
{
  GtkTextTagTable *table = gtk_text_buffer_get_tag_table (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)));
  g_autoptr(GdkRGBA) shown = NULL;
  GdkRGBA accent;

  g_assert_true (gtk_style_context_lookup_color (gtk_widget_get_style_context (view),
                                                 "accent_color", &accent));
  g_object_get (gtk_text_tag_table_lookup (table, "link"), "foreground-rgba", &shown, NULL);

  return shown != NULL && gdk_rgba_equal (shown, &accent);
}

/* Links take the accent colour of the style, light or dark. */
static void
test_markdown_link_colour (void)
{
  AdwStyleManager *manager = adw_style_manager_get_default ();
  GtkWidget *window = gtk_window_new ();
  GtkWidget *view = ts_markdown_view_new ("Test");
  g_autoptr(GdkRGBA) light = NULL;
  g_autoptr(GdkRGBA) dark = NULL;
  GtkTextTag *tag;

  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_FORCE_LIGHT);
  ts_markdown_render (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), "[a](https://example.org/)");
  gtk_window_set_child (GTK_WINDOW (window), view);
  gtk_window_present (GTK_WINDOW (window));
  wait_until (gtk_widget_get_mapped (view));
  g_assert_true (link_has_accent_colour (view));
  tag = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view))),
                                   "link");
  g_object_get (tag, "foreground-rgba", &light, NULL);

  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_FORCE_DARK);
  wait_until (link_has_accent_colour (view) && adw_style_manager_get_dark (manager));
  g_object_get (tag, "foreground-rgba", &dark, NULL);
  g_assert_false (gdk_rgba_equal (light, dark));

  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_DEFAULT);
  test_destroy_window (GTK_WINDOW (window));
}

static char *
clipboard_text (GtkWidget *widget)
{
  GdkClipboard *clipboard = gtk_widget_get_clipboard (widget);
  g_autoptr(GAsyncResult) result = NULL;

  gdk_clipboard_read_text_async (clipboard, NULL, test_result_cb, &result);
  wait_until (result != NULL);

  return gdk_clipboard_read_text_finish (clipboard, result, NULL);
}

static void
place_cursor_in (GtkWidget  *view,
                 const char *needle)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  GtkTextIter start, match_start, match_end;

  gtk_text_buffer_get_start_iter (buffer, &start);
  g_assert_true (gtk_text_iter_forward_search (&start, needle, 0, &match_start, &match_end, NULL));
  gtk_text_iter_forward_char (&match_start);
  gtk_text_buffer_place_cursor (buffer, &match_start);
}

/* The link at the text cursor can be copied from the context menu's action, which is
 * there only on a link. */
static void
test_markdown_link_keyboard (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *view = ts_markdown_view_new ("Test");
  GdkClipboard *clipboard = gtk_widget_get_clipboard (view);
  g_autofree char *copied = NULL;
  g_autofree char *kept = NULL;
  GActionGroup *actions;

  ts_markdown_render (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)),
                      "Go [home](https://example.org/h) now");
  gtk_window_set_child (GTK_WINDOW (window), view);
  gtk_window_present (GTK_WINDOW (window));
  wait_until (gtk_widget_get_mapped (view));

  /* The context menu shows the link items only while their actions are enabled. */
  actions = g_object_get_data (G_OBJECT (view), "ts-link-actions");
  g_assert_true (G_IS_ACTION_GROUP (actions));
  place_cursor_in (view, "Go");
  g_assert_false (g_action_group_get_action_enabled (actions, "open-link"));
  place_cursor_in (view, "home");
  g_assert_true (g_action_group_get_action_enabled (actions, "open-link"));
  g_assert_true (g_action_group_get_action_enabled (actions, "copy-link"));
  g_assert_true (gtk_widget_activate_action (view, "markdown.copy-link", NULL));
  copied = clipboard_text (view);
  g_assert_cmpstr (copied, ==, "https://example.org/h");

  gdk_clipboard_set_text (clipboard, "before");
  place_cursor_in (view, "now");
  gtk_widget_activate_action (view, "markdown.copy-link", NULL);
  kept = clipboard_text (view);
  g_assert_cmpstr (kept, ==, "before");
  g_assert_false (g_action_group_get_action_enabled (actions, "copy-link"));

  /* A new rendering puts the cursor somewhere new: the actions follow. */
  ts_markdown_render (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), "[all](https://example.org/)");
  place_cursor_in (view, "all");
  g_assert_true (g_action_group_get_action_enabled (actions, "open-link"));
  ts_markdown_render (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), "no link");
  g_assert_false (g_action_group_get_action_enabled (actions, "open-link"));

  test_destroy_window (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/ui/markdown/blocks", test_markdown_blocks);
  g_test_add_func ("/ui/markdown/inline", test_markdown_inline);
  g_test_add_func ("/ui/markdown/emphasis-rules", test_markdown_emphasis_rules);
  g_test_add_func ("/ui/markdown/table", test_markdown_table);
  g_test_add_func ("/ui/markdown/streaming", test_markdown_streaming);
  g_test_add_func ("/ui/markdown/links", test_markdown_links);
  g_test_add_func ("/ui/markdown/link-colour", test_markdown_link_colour);
  g_test_add_func ("/ui/markdown/link-keyboard", test_markdown_link_keyboard);
  g_test_add_func ("/ui/markdown/hostile", test_markdown_hostile);

  return g_test_run ();
}
