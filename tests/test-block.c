/* test-block.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ts-block.h"

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 guint      *count)
{
  (*count)++;
}

static void
test_field_table (void)
{
  g_autoptr(GHashTable) keys = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint f = 0; f < TS_N_FIELDS; f++)
    {
      const TsFieldInfo *info = ts_field_get_info (f);
      g_autofree char *key = g_strdelimit (g_strdup (info->name), "-", '_');

      g_assert_cmpint (info->field, ==, f);
      g_assert_cmpstr (info->key, ==, key);
      g_assert_true (g_hash_table_add (keys, (gpointer) info->key));
      g_assert_cmpfloat (info->min, <=, info->max);
    }

  for (TsBlockKind kind = 0; kind < TS_N_BLOCK_KINDS; kind++)
    {
      TsBlockKind parsed;
      guint n_fields;
      const TsField *fields = ts_block_kind_get_fields (kind, &n_fields);

      g_assert_true (ts_block_kind_from_string (ts_block_kind_to_string (kind), &parsed));
      g_assert_cmpint (parsed, ==, kind);
      g_assert_nonnull (ts_block_kind_get_icon_name (kind));
      g_assert_cmpstr (ts_block_kind_get_display_name (kind), !=, "");
      for (guint i = 0; i < n_fields; i++)
        g_assert_true (ts_block_kind_has_field (kind, fields[i]));
    }

  g_assert_false (ts_block_kind_from_string ("video", &(TsBlockKind) { 0 }));
}

static void
test_ids (void)
{
  g_assert_true (ts_block_id_is_valid ("w1"));
  g_assert_true (ts_block_id_is_valid ("Story_idea-2"));
  g_assert_false (ts_block_id_is_valid (""));
  g_assert_false (ts_block_id_is_valid ("w 1"));
  g_assert_false (ts_block_id_is_valid ("w]"));
  g_assert_false (ts_block_id_is_valid ("wé"));
  g_assert_true (ts_block_id_is_valid ("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
  g_assert_false (ts_block_id_is_valid ("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
}

static void
test_defaults (void)
{
  g_autoptr(TsBlock) text = ts_block_new (TS_BLOCK_KIND_TEXT, "w1");
  g_autoptr(TsBlock) image = ts_block_new (TS_BLOCK_KIND_IMAGE, "w2");
  g_autoptr(TsBlock) input = ts_block_new (TS_BLOCK_KIND_INPUT, "w3");
  int column, row, column_span, row_span;

  g_assert_cmpstr (ts_block_get_id (text), ==, "w1");
  g_assert_cmpint (ts_block_get_kind (text), ==, TS_BLOCK_KIND_TEXT);
  g_assert_cmpstr (ts_block_get_string (text, TS_FIELD_PROMPT), ==, "");
  g_assert_cmpfloat (ts_block_get_double (text, TS_FIELD_TEMPERATURE), ==, 0.7);
  g_assert_cmpint (ts_block_get_int (text, TS_FIELD_MAX_TOKENS), ==, 1024);
  g_assert_cmpuint (g_strv_length ((char **) ts_block_get_strv (text, TS_FIELD_STOP_SEQUENCES)), ==, 0);

  g_assert_cmpint (ts_block_get_int (image, TS_FIELD_SEED), ==, TS_SEED_RANDOM);
  g_assert_cmpint (ts_block_get_int (image, TS_FIELD_WIDTH), ==, 1024);
  g_assert_cmpint (ts_block_get_int (image, TS_FIELD_IMAGE_COUNT), ==, 1);

  g_assert_false (ts_block_get_boolean (input, TS_FIELD_MULTILINE));

  ts_block_get_layout (text, &column, &row, &column_span, &row_span);
  g_assert_cmpint (column, ==, 0);
  g_assert_cmpint (row, ==, 0);
  g_assert_cmpint (column_span, ==, TS_GRID_COLUMNS);
  g_assert_cmpint (row_span, ==, 1);
  g_assert_null (ts_block_get_output (text));
}

static void
test_setters_notify (void)
{
  g_autoptr(TsBlock) block = ts_block_new (TS_BLOCK_KIND_TEXT, "w1");
  guint prompt_count = 0, title_count = 0, any_count = 0;
  const char * const stops[] = { "END", "\n\n", NULL };

  g_signal_connect (block, "notify::prompt", G_CALLBACK (count_notify_cb), &prompt_count);
  g_signal_connect (block, "notify::title", G_CALLBACK (count_notify_cb), &title_count);
  g_signal_connect (block, "notify", G_CALLBACK (count_notify_cb), &any_count);

  ts_block_set_string (block, TS_FIELD_PROMPT, "Hello @[w2]");
  ts_block_set_string (block, TS_FIELD_PROMPT, "Hello @[w2]");
  g_assert_cmpuint (prompt_count, ==, 1);

  ts_block_set_title (block, "Greeting");
  ts_block_set_title (block, "Greeting");
  g_assert_cmpuint (title_count, ==, 1);

  ts_block_set_strv (block, TS_FIELD_STOP_SEQUENCES, stops);
  ts_block_set_strv (block, TS_FIELD_STOP_SEQUENCES, stops);
  g_assert_cmpstr (ts_block_get_strv (block, TS_FIELD_STOP_SEQUENCES)[1], ==, "\n\n");

  ts_block_set_double (block, TS_FIELD_TEMPERATURE, 0.7);
  ts_block_set_double (block, TS_FIELD_TEMPERATURE, 1.2);
  ts_block_set_layout (block, 2, 3, 6, 2);
  ts_block_set_layout (block, 2, 3, 6, 2);

  /* prompt, title, stop-sequences, temperature, and the four layout properties */
  g_assert_cmpuint (any_count, ==, 8);
}

static void
test_clamping (void)
{
  g_autoptr(TsBlock) image = ts_block_new (TS_BLOCK_KIND_IMAGE, "w1");
  g_autoptr(TsBlock) text = ts_block_new (TS_BLOCK_KIND_TEXT, "w2");
  int column, row, column_span, row_span;

  ts_block_set_int (image, TS_FIELD_WIDTH, 100000);
  g_assert_cmpint (ts_block_get_int (image, TS_FIELD_WIDTH), ==, 4096);
  ts_block_set_int (image, TS_FIELD_STEPS, -3);
  g_assert_cmpint (ts_block_get_int (image, TS_FIELD_STEPS), ==, 1);
  ts_block_set_int (image, TS_FIELD_SEED, 42);
  g_assert_cmpint (ts_block_get_int (image, TS_FIELD_SEED), ==, 42);
  ts_block_set_int (image, TS_FIELD_SEED, TS_SEED_RANDOM);
  g_assert_cmpint (ts_block_get_int (image, TS_FIELD_SEED), ==, TS_SEED_RANDOM);
  ts_block_set_int (image, TS_FIELD_SEED, G_GINT64_CONSTANT (99999999999));
  g_assert_cmpint (ts_block_get_int (image, TS_FIELD_SEED), ==, G_GINT64_CONSTANT (4294967295));

  ts_block_set_double (text, TS_FIELD_TOP_P, 7.0);
  g_assert_cmpfloat (ts_block_get_double (text, TS_FIELD_TOP_P), ==, 1.0);

  ts_block_set_layout (text, 10, -5, 8, 100);
  ts_block_get_layout (text, &column, &row, &column_span, &row_span);
  g_assert_cmpint (column, ==, 10);
  g_assert_cmpint (row, ==, 0);
  g_assert_cmpint (column_span, ==, 2);
  g_assert_cmpint (row_span, ==, TS_GRID_MAX_ROW_SPAN);
}

static void
test_file_name_is_not_a_path (void)
{
  g_autoptr(TsBlock) document = ts_block_new (TS_BLOCK_KIND_DOCUMENT, "w1");

  ts_block_set_string (document, TS_FIELD_FILE_NAME, "/home/alice/private/notes.md");
  g_assert_cmpstr (ts_block_get_string (document, TS_FIELD_FILE_NAME), ==, "notes.md");
  ts_block_set_string (document, TS_FIELD_FILE_NAME, "C:\\Users\\bob\\report.pdf");
  g_assert_cmpstr (ts_block_get_string (document, TS_FIELD_FILE_NAME), ==, "report.pdf");
}

static void
test_properties (void)
{
  g_autoptr(TsBlock) block = ts_block_new (TS_BLOCK_KIND_IMAGE, "w1");
  g_autofree char *prompt = NULL;
  gint64 seed;
  double cfg;
  int steps;

  g_object_set (block, "prompt", "A fox", "seed", (gint64) 7, "cfg-scale", 4.5, "steps", 20, NULL);
  g_object_get (block, "prompt", &prompt, "seed", &seed, "cfg-scale", &cfg, "steps", &steps, NULL);
  g_assert_cmpstr (prompt, ==, "A fox");
  g_assert_cmpint (seed, ==, 7);
  g_assert_cmpfloat (cfg, ==, 4.5);
  g_assert_cmpint (steps, ==, 20);
}

static void
test_wrong_kind_field (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(TsBlock) text = ts_block_new (TS_BLOCK_KIND_TEXT, "w1");

      ts_block_set_int (text, TS_FIELD_SEED, 3);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*ts_block_kind_has_field*");
}

static void
test_copy_and_upstream (void)
{
  g_autoptr(TsBlock) chat = ts_block_new (TS_BLOCK_KIND_CHAT, "w5");
  g_autoptr(TsBlock) copy = NULL;
  g_autoptr(TsOutput) output = ts_output_new ();
  g_auto(GStrv) upstream = NULL;

  ts_block_set_title (chat, "Help desk");
  ts_block_set_string (chat, TS_FIELD_SYSTEM_PROMPT, "Answer as @[w2] would.");
  ts_block_set_string (chat, TS_FIELD_CONTEXT, "Facts: @[w1] and @[w2]; see @@[w3]");
  ts_block_set_double (chat, TS_FIELD_TEMPERATURE, 0.2);
  ts_block_set_output (chat, output);

  upstream = ts_block_dup_upstream_ids (chat);
  g_assert_cmpuint (g_strv_length (upstream), ==, 2);
  g_assert_cmpstr (upstream[0], ==, "w2");
  g_assert_cmpstr (upstream[1], ==, "w1");

  copy = ts_block_copy (chat, "w6");
  g_assert_cmpstr (ts_block_get_id (copy), ==, "w6");
  g_assert_cmpstr (ts_block_get_title (copy), ==, "Help desk");
  g_assert_cmpstr (ts_block_get_string (copy, TS_FIELD_CONTEXT), ==,
                   ts_block_get_string (chat, TS_FIELD_CONTEXT));
  g_assert_cmpfloat (ts_block_get_double (copy, TS_FIELD_TEMPERATURE), ==, 0.2);
  g_assert_null (ts_block_get_output (copy));
}

static void
test_output (void)
{
  g_autoptr(TsOutput) output = ts_output_new ();
  g_autoptr(GBytes) png = g_bytes_new_static ("\x89PNG", 4);
  TsChatRole role;
  gint64 seed;

  g_assert_true (ts_output_is_empty (output));
  ts_output_set_text (output, "Once upon a time");
  ts_output_add_image (output, png, 1234);
  ts_output_add_message (output, TS_CHAT_ROLE_USER, "Hi");
  g_assert_false (ts_output_is_empty (output));
  g_assert_cmpstr (ts_output_get_text (output), ==, "Once upon a time");
  g_assert_true (ts_output_get_image (output, 0, &seed) == png);
  g_assert_cmpint (seed, ==, 1234);
  g_assert_cmpstr (ts_output_get_message (output, 0, &role), ==, "Hi");
  g_assert_cmpint (role, ==, TS_CHAT_ROLE_USER);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/block/field-table", test_field_table);
  g_test_add_func ("/core/block/ids", test_ids);
  g_test_add_func ("/core/block/defaults", test_defaults);
  g_test_add_func ("/core/block/setters-notify", test_setters_notify);
  g_test_add_func ("/core/block/clamping", test_clamping);
  g_test_add_func ("/core/block/file-name-is-not-a-path", test_file_name_is_not_a_path);
  g_test_add_func ("/core/block/properties", test_properties);
  g_test_add_func ("/core/block/wrong-kind-field", test_wrong_kind_field);
  g_test_add_func ("/core/block/copy-and-upstream", test_copy_and_upstream);
  g_test_add_func ("/core/block/output", test_output);

  return g_test_run ();
}
