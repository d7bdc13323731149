/* test-playground.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ts-playground.h"
#include "ts-problem.h"

typedef struct
{
  guint position;
  guint removed;
  guint added;
  guint calls;
} ItemsChanged;

static void
items_changed_cb (GListModel   *model,
                  guint         position,
                  guint         removed,
                  guint         added,
                  ItemsChanged *record)
{
  record->position = position;
  record->removed = removed;
  record->added = added;
  record->calls++;
}

static void
test_add_remove_move (void)
{
  g_autoptr(TsPlayground) playground = ts_playground_new ();
  ItemsChanged record = { 0 };
  TsBlock *a, *b, *c;
  int row;

  g_signal_connect (playground, "items-changed", G_CALLBACK (items_changed_cb), &record);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (playground)) == TS_TYPE_BLOCK);

  a = ts_playground_add_block (playground, TS_BLOCK_KIND_INPUT);
  b = ts_playground_add_block (playground, TS_BLOCK_KIND_TEXT);
  c = ts_playground_add_block (playground, TS_BLOCK_KIND_TEXT);
  g_assert_cmpuint (record.calls, ==, 3);
  g_assert_cmpuint (record.position, ==, 2);
  g_assert_cmpuint (record.added, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (playground)), ==, 3);

  g_assert_cmpstr (ts_block_get_id (a), ==, "w1");
  g_assert_cmpstr (ts_block_get_id (c), ==, "w3");
  g_assert_cmpstr (ts_block_get_title (b), ==, "Text generation");
  g_assert_cmpstr (ts_block_get_title (c), ==, "Text generation 2");
  ts_block_get_layout (c, NULL, &row, NULL, NULL);
  g_assert_cmpint (row, ==, 3);

  g_assert_true (ts_playground_lookup_block (playground, "w2") == b);
  g_assert_true (ts_playground_find_block_by_title (playground, "Text generation 2") == c);
  g_assert_null (ts_playground_lookup_block (playground, "w9"));

  ts_playground_move_block (playground, c, 0);
  g_assert_true (ts_playground_get_block (playground, 0) == c);
  g_assert_true (ts_playground_get_block (playground, 1) == a);
  g_assert_cmpuint (record.position, ==, 0);
  g_assert_cmpuint (record.removed, ==, 3);
  g_assert_cmpuint (record.added, ==, 3);

  g_object_ref (b);
  ts_playground_remove_block (playground, b);
  g_assert_cmpuint (ts_playground_get_n_blocks (playground), ==, 2);
  g_assert_null (ts_playground_lookup_block (playground, "w2"));
  g_assert_cmpuint (record.removed, ==, 1);
  g_assert_cmpuint (record.added, ==, 0);

  /* A removed block is no longer followed, and its id may not be reused at once. */
  ts_block_set_title (b, "Gone");
  g_assert_false (ts_playground_insert_block (playground, 0, c));
  g_object_unref (b);

  {
    g_autofree char *next = ts_playground_dup_unused_id (playground);
    g_assert_cmpstr (next, ==, "w4");
  }
}

static void
block_changed_cb (TsPlayground *playground,
                  TsBlock      *block,
                  const char   *property,
                  GString      *log)
{
  g_string_append_printf (log, "%s.%s;", ts_block_get_id (block), property);
}

static void
test_revision_and_signals (void)
{
  g_autoptr(TsPlayground) playground = ts_playground_new ();
  g_autoptr(GString) log = g_string_new (NULL);
  g_autoptr(TsOutput) output = ts_output_new ();
  TsBlock *block;
  guint64 revision;

  g_signal_connect (playground, "block-changed", G_CALLBACK (block_changed_cb), log);

  revision = ts_playground_get_revision (playground);
  block = ts_playground_add_block (playground, TS_BLOCK_KIND_TEXT);
  g_assert_cmpuint (ts_playground_get_revision (playground), >, revision);

  revision = ts_playground_get_revision (playground);
  ts_block_set_string (block, TS_FIELD_PROMPT, "Hello");
  g_assert_cmpuint (ts_playground_get_revision (playground), ==, revision + 1);

  /* New results are not edits of the document. */
  revision = ts_playground_get_revision (playground);
  ts_block_set_output (block, output);
  g_assert_cmpuint (ts_playground_get_revision (playground), ==, revision);

  ts_playground_set_title (playground, "Mine");
  ts_playground_set_setting (playground, "text-model", "llama3.2");
  g_assert_cmpstr (ts_playground_get_setting (playground, "text-model"), ==, "llama3.2");
  g_assert_cmpuint (ts_playground_get_revision (playground), ==, revision + 2);

  g_assert_cmpstr (log->str, ==, "w1.prompt;w1.output;");
}

static void
test_rename_is_safe (void)
{
  g_autoptr(TsPlayground) playground = ts_playground_new ();
  TsBlock *idea = ts_playground_add_block (playground, TS_BLOCK_KIND_INPUT);
  TsBlock *story = ts_playground_add_block (playground, TS_BLOCK_KIND_TEXT);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  ts_block_set_title (idea, "Story idea");
  ts_block_set_string (story, TS_FIELD_PROMPT, "Write about @[w1].");
  before = ts_playground_to_display (playground, ts_block_get_string (story, TS_FIELD_PROMPT));
  g_assert_cmpstr (before, ==, "Write about @Story idea.");

  ts_block_set_title (idea, "Premise");
  g_assert_cmpstr (ts_block_get_string (story, TS_FIELD_PROMPT), ==, "Write about @[w1].");
  after = ts_playground_to_display (playground, ts_block_get_string (story, TS_FIELD_PROMPT));
  g_assert_cmpstr (after, ==, "Write about @Premise.");
}

static void
test_check_valid (void)
{
  g_autoptr(TsPlayground) playground = ts_playground_new ();
  g_autoptr(GPtrArray) problems = NULL;
  TsBlock *a = ts_playground_add_block (playground, TS_BLOCK_KIND_INPUT);
  TsBlock *b = ts_playground_add_block (playground, TS_BLOCK_KIND_TEXT);
  TsBlock *c = ts_playground_add_block (playground, TS_BLOCK_KIND_IMAGE);

  ts_block_set_string (b, TS_FIELD_PROMPT, "From @[w1]");
  ts_block_set_string (c, TS_FIELD_PROMPT, "@[w2] and @[w1], mail me@example.com");
  ts_block_set_string (c, TS_FIELD_PROVIDER, "bedrock");
  (void) a;

  problems = ts_playground_check (playground, NULL);
  g_assert_cmpuint (problems->len, ==, 0);
}

static void
test_check_problems (void)
{
  g_autoptr(TsPlayground) playground = ts_playground_new ();
  g_autoptr(GPtrArray) problems = NULL;
  g_autofree char *text = NULL;
  TsBlock *story = ts_playground_add_block (playground, TS_BLOCK_KIND_TEXT);
  TsBlock *picture = ts_playground_add_block (playground, TS_BLOCK_KIND_IMAGE);
  TsBlock *caption = ts_playground_add_block (playground, TS_BLOCK_KIND_TEXT);
  TsBlock *lonely = ts_playground_add_block (playground, TS_BLOCK_KIND_TEXT);
  TsBlock *helper = ts_playground_add_block (playground, TS_BLOCK_KIND_CHAT);

  ts_block_set_title (story, "Story");
  ts_block_set_title (picture, "Picture");
  ts_block_set_title (caption, "Caption");
  ts_block_set_title (lonely, "Story");
  ts_block_set_title (helper, "Helper");

  /* Story → Picture → Caption → Story is a cycle; Helper only leads into it. */
  ts_block_set_string (story, TS_FIELD_PROMPT, "Describe @[w2]");
  ts_block_set_string (picture, TS_FIELD_PROMPT, "Draw @[w3]");
  ts_block_set_string (caption, TS_FIELD_SYSTEM_PROMPT, "Caption @[w1]");
  ts_block_set_string (lonely, TS_FIELD_PROMPT, "Me: @[w4], @[nope], @[w4");
  ts_block_set_string (lonely, TS_FIELD_SYSTEM_PROMPT, "Also me: @[w4] and @[ghost]");
  ts_block_set_string (lonely, TS_FIELD_PROVIDER, "sd-webui");
  ts_block_set_string (helper, TS_FIELD_CONTEXT, "@[w1]");

  problems = ts_playground_check (playground, NULL);
  text = ts_problems_format (problems, NULL);
  g_assert_cmpstr (text, ==,
                   "widgets[3].title: \"Story\" is also the title of widgets[0]; titles must be unique\n"
                   "widgets[3].provider: provider \"sd-webui\" cannot run text widgets; use \"ollama\", \"openai\", \"bedrock\"\n"
                   "widgets[3].prompt: unterminated mention at character 21 (write \"@@\" for a literal \"@\")\n"
                   "widgets[3].system_prompt: mentions itself (\"Story\")\n"
                   "widgets[3].system_prompt: mentions unknown widget \"ghost\"\n"
                   "widgets[0].prompt: mentions form a cycle: Story → Picture → Caption → Story\n");
}

static void
test_check_two_cycles_and_file_index (void)
{
  g_autoptr(TsPlayground) playground = ts_playground_new ();
  g_autoptr(GPtrArray) problems = NULL;
  g_autofree char *text = NULL;
  const guint file_index[] = { 1, 2, 4, 5, 6 };
  TsBlock *blocks[5];

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *title = g_strdup_printf ("B%u", i);

      blocks[i] = ts_playground_add_block (playground, TS_BLOCK_KIND_TEXT);
      ts_block_set_title (blocks[i], title);
    }

  /* B1 ⇄ B2 and B3 ⇄ B4; B0 mentions B1 but is on no cycle. */
  ts_block_set_string (blocks[0], TS_FIELD_PROMPT, "@[w2]");
  ts_block_set_string (blocks[1], TS_FIELD_PROMPT, "@[w3]");
  ts_block_set_string (blocks[2], TS_FIELD_PROMPT, "@[w2]");
  ts_block_set_string (blocks[3], TS_FIELD_SYSTEM_PROMPT, "@[w5]");
  ts_block_set_string (blocks[4], TS_FIELD_PROMPT, "@[w4]");

  problems = ts_playground_check (playground, file_index);
  text = ts_problems_format (problems, NULL);
  g_assert_cmpstr (text, ==,
                   "widgets[2].prompt: mentions form a cycle: B1 → B2 → B1\n"
                   "widgets[5].system_prompt: mentions form a cycle: B3 → B4 → B3\n");
}

static void
test_long_chain (void)
{
  g_autoptr(TsPlayground) playground = ts_playground_new ();
  g_autoptr(GPtrArray) problems = NULL;
  TsBlock *first = NULL;
  TsBlock *previous = NULL;

  /* A long chain must not exhaust the stack, and closing it makes one big cycle. */
  for (guint i = 0; i < 5000; i++)
    {
      TsBlock *block = ts_playground_add_block (playground, TS_BLOCK_KIND_TEXT);

      if (previous != NULL)
        {
          g_autofree char *prompt = g_strdup_printf ("@[%s]", ts_block_get_id (previous));
          ts_block_set_string (block, TS_FIELD_PROMPT, prompt);
        }
      else
        {
          first = block;
        }
      previous = block;
    }

  problems = ts_playground_check (playground, NULL);
  g_assert_cmpuint (problems->len, ==, 0);
  g_clear_pointer (&problems, g_ptr_array_unref);

  ts_block_set_string (first, TS_FIELD_PROMPT, "@[w5000]");
  problems = ts_playground_check (playground, NULL);
  g_assert_cmpuint (problems->len, ==, 1);
  g_assert_true (g_str_has_prefix (((TsProblem *) g_ptr_array_index (problems, 0))->message,
                                   "mentions form a cycle: Text generation → Text generation 5000 →"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/playground/add-remove-move", test_add_remove_move);
  g_test_add_func ("/core/playground/revision-and-signals", test_revision_and_signals);
  g_test_add_func ("/core/playground/rename-is-safe", test_rename_is_safe);
  g_test_add_func ("/core/playground/check-valid", test_check_valid);
  g_test_add_func ("/core/playground/check-problems", test_check_problems);
  g_test_add_func ("/core/playground/check-two-cycles", test_check_two_cycles_and_file_index);
  g_test_add_func ("/core/playground/long-chain", test_long_chain);

  return g_test_run ();
}
