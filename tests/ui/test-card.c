/* test-card.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>

#include "ts-card.h"
#include "ts-playground.h"

/* The text of the visible labels of @widget, one a line, in widget order. */
static void
collect_text (GtkWidget *widget,
              GString   *text)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget))
    {
      g_string_append (text, gtk_label_get_text (GTK_LABEL (widget)));
      g_string_append_c (text, '\n');
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_text (child, text);
}

static char *
dup_card_text (GtkWidget *card)
{
  GString *text = g_string_new (NULL);

  collect_text (card, text);

  return g_string_free (text, FALSE);
}

/* On failure, logs what the card shows, escaped on one line to keep the TAP output valid. */
static void
log_card_text (const char *text)
{
  g_autofree char *escaped = g_strescape (text, NULL);

  g_test_message ("the card shows: %s", escaped);
}

#define assert_card_shows(card, expected)                      \
  G_STMT_START {                                               \
    g_autofree char *text_ = dup_card_text (card);             \
    if (strstr (text_, (expected)) == NULL)                    \
      log_card_text (text_);                                   \
    g_assert_nonnull (strstr (text_, (expected)));             \
  } G_STMT_END

#define assert_card_hides(card, unexpected)                    \
  G_STMT_START {                                               \
    g_autofree char *text_ = dup_card_text (card);             \
    if (strstr (text_, (unexpected)) != NULL)                  \
      log_card_text (text_);                                   \
    g_assert_null (strstr (text_, (unexpected)));              \
  } G_STMT_END

static void
test_card_kind_and_title (void)
{
  g_autoptr(TsPlayground) playground = ts_playground_new ();
  TsBlock *block = ts_playground_add_block (playground, TS_BLOCK_KIND_STATIC_TEXT);
  GtkWidget *card = g_object_ref_sink (ts_card_new (block, playground));

  g_assert_true (ts_card_get_block (TS_CARD (card)) == block);
  g_assert_true (ts_card_get_playground (TS_CARD (card)) == playground);
  g_assert_true (gtk_widget_has_css_class (card, "card"));

  assert_card_shows (card, ts_block_kind_get_display_name (TS_BLOCK_KIND_STATIC_TEXT));
  assert_card_shows (card, "No text yet");

  ts_block_set_title (block, "Notes");
  assert_card_shows (card, "Notes\n");

  /* The summary is one paragraph: white space folds into a space, and blank lines,
   * Markdown headings and list items become parts set apart by a dot. */
  ts_block_set_string (block, TS_FIELD_CONTENT, "First   line\nwraps\n\n\nSecond\tline");
  assert_card_shows (card, "First line wraps · Second line\n");
  assert_card_hides (card, "No text yet");

  ts_block_set_string (block, TS_FIELD_CONTENT,
                       "## Prices\n| Bike | €12 |\n\n- one\n  * two\n-5 degrees\n#tag ok");
  assert_card_shows (card, "Prices · | Bike | €12 | · one · two · -5 degrees #tag ok\n");

  g_assert_finalize_object (card);
}

static void
test_card_mentions (void)
{
  g_autoptr(TsPlayground) playground = ts_playground_new ();
  TsBlock *idea = ts_playground_add_block (playground, TS_BLOCK_KIND_INPUT);
  TsBlock *story = ts_playground_add_block (playground, TS_BLOCK_KIND_TEXT);
  g_autofree char *prompt = NULL;
  GtkWidget *card;

  ts_block_set_title (idea, "Story idea");
  prompt = g_strdup_printf ("Write about @[%s] & <more>", ts_block_get_id (idea));
  ts_block_set_string (story, TS_FIELD_PROMPT, prompt);

  card = g_object_ref_sink (ts_card_new (story, playground));
  assert_card_shows (card, "Write about @Story idea & <more>");

  /* Renaming the mentioned widget renames the mention. */
  ts_block_set_title (idea, "Premise");
  assert_card_shows (card, "Write about @Premise & <more>");

  /* A mention of a widget that is gone shows the id it stores. */
  g_object_ref (idea);
  ts_playground_remove_block (playground, idea);
  assert_card_shows (card, "@[");
  assert_card_hides (card, "@Premise");
  g_object_unref (idea);

  g_assert_finalize_object (card);
}

static void
test_card_input (void)
{
  g_autoptr(TsPlayground) playground = ts_playground_new ();
  TsBlock *block = ts_playground_add_block (playground, TS_BLOCK_KIND_INPUT);
  GtkWidget *card = g_object_ref_sink (ts_card_new (block, playground));

  assert_card_shows (card, "No default value");

  ts_block_set_string (block, TS_FIELD_PLACEHOLDER, "Who is it for?");
  assert_card_shows (card, "Who is it for?");

  ts_block_set_string (block, TS_FIELD_DEFAULT_VALUE, "Children");
  assert_card_shows (card, "Children");
  assert_card_hides (card, "Who is it for?");

  g_assert_finalize_object (card);
}

static void
test_card_model_details (void)
{
  g_autoptr(TsPlayground) playground = ts_playground_new ();
  TsBlock *block = ts_playground_add_block (playground, TS_BLOCK_KIND_IMAGE);
  GtkWidget *card = g_object_ref_sink (ts_card_new (block, playground));

  assert_card_shows (card, "No prompt yet");
  assert_card_shows (card, "Default model");

  /* The playground's defaults stand in for a block that names no model. */
  ts_playground_set_setting (playground, "image-provider", "sd-webui");
  ts_playground_set_setting (playground, "image-model", "sdxl");
  assert_card_shows (card, "sd-webui · sdxl");

  ts_block_set_string (block, TS_FIELD_MODEL, "flux");
  assert_card_shows (card, "sd-webui · flux");

  g_assert_finalize_object (card);
}

static void
test_card_without_playground (void)
{
  g_autoptr(TsBlock) block = ts_block_new (TS_BLOCK_KIND_TEXT, "w9");
  GtkWidget *card;

  ts_block_set_title (block, "Lonely");
  ts_block_set_string (block, TS_FIELD_PROMPT, "Answer @[w1] at me@@example.com");
  card = g_object_ref_sink (ts_card_new (block, NULL));

  assert_card_shows (card, "Lonely");
  assert_card_shows (card, "Answer @[w1] at me@example.com");

  g_assert_finalize_object (card);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/ui/card/kind-and-title", test_card_kind_and_title);
  g_test_add_func ("/ui/card/mentions", test_card_mentions);
  g_test_add_func ("/ui/card/input", test_card_input);
  g_test_add_func ("/ui/card/model-details", test_card_model_details);
  g_test_add_func ("/ui/card/without-playground", test_card_without_playground);

  return g_test_run ();
}
