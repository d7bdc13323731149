/* test-template.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ts-template.h"

static char *
describe_parts (const char *tmpl)
{
  g_autoptr(GPtrArray) parts = NULL;
  g_autoptr(GError) error = NULL;
  GString *out = g_string_new (NULL);

  parts = ts_template_parse (tmpl, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < parts->len; i++)
    {
      const TsTemplatePart *part = g_ptr_array_index (parts, i);

      g_string_append_printf (out, "%s%s<%s>", i > 0 ? " " : "",
                              part->kind == TS_TEMPLATE_PART_TEXT ? "text" : "ref", part->value);
    }

  return g_string_free (out, FALSE);
}

static void
test_parse (void)
{
  static const struct { const char *tmpl; const char *parts; } cases[] = {
    { "", "" },
    { "plain text", "text<plain text>" },
    { "@[w1]", "ref<w1>" },
    { "Write about @[w1] for @[audience_2].", "text<Write about > ref<w1> text< for > ref<audience_2> text<.>" },
    { "mail me@example.com", "text<mail me@example.com>" },
    { "a @@ b", "text<a @ b>" },
    { "literal @@[w1] here", "text<literal @[w1] here>" },
    { "ends with @", "text<ends with @>" },
    { "@@@[w1]", "text<@> ref<w1>" },
    { "@[a-b_C9]@[w2]", "ref<a-b_C9> ref<w2>" },
    { "über @[w1] 🎨", "text<über > ref<w1> text< 🎨>" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *parts = describe_parts (cases[i].tmpl);

      g_assert_cmpstr (parts, ==, cases[i].parts);
    }
}

static void
test_parse_offsets (void)
{
  g_autoptr(GPtrArray) parts = ts_template_parse ("ab @[w12] c", NULL);
  const TsTemplatePart *ref;

  g_assert_nonnull (parts);
  g_assert_cmpuint (parts->len, ==, 3);
  ref = g_ptr_array_index (parts, 1);
  g_assert_cmpuint (ref->start, ==, 3);
  g_assert_cmpuint (ref->end, ==, 9);
}

static void
test_parse_errors (void)
{
  static const struct { const char *tmpl; const char *message; } cases[] = {
    { "Write about @[w1", "unterminated mention at character 13 (write \"@@\" for a literal \"@\")" },
    { "@[", "unterminated mention at character 1 (write \"@@\" for a literal \"@\")" },
    { "é @[]", "malformed mention at character 3: a widget id has 1 to 64 letters, digits, \"-\" or \"_\" (write \"@@\" for a literal \"@\")" },
    { "@[my widget]", "malformed mention at character 1: a widget id has 1 to 64 letters, digits, \"-\" or \"_\" (write \"@@\" for a literal \"@\")" },
    { "@[aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]",
      "malformed mention at character 1: a widget id has 1 to 64 letters, digits, \"-\" or \"_\" (write \"@@\" for a literal \"@\")" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) parts = ts_template_parse (cases[i].tmpl, &error);

      g_assert_null (parts);
      g_assert_error (error, TS_TEMPLATE_ERROR, TS_TEMPLATE_ERROR_SYNTAX);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }
}

static void
test_list_references (void)
{
  g_auto(GStrv) ids = ts_template_list_references ("@[w2] then @[w1], again @[w2] and @@[w3]", NULL);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) none = NULL;

  g_assert_nonnull (ids);
  g_assert_cmpuint (g_strv_length (ids), ==, 2);
  g_assert_cmpstr (ids[0], ==, "w2");
  g_assert_cmpstr (ids[1], ==, "w1");

  none = ts_template_list_references ("@[broken", &error);
  g_assert_null (none);
  g_assert_error (error, TS_TEMPLATE_ERROR, TS_TEMPLATE_ERROR_SYNTAX);
}

static const char *
lookup_value (const char *id,
              gpointer    user_data)
{
  return g_hash_table_lookup (user_data, id);
}

static void
test_render (void)
{
  g_autoptr(GHashTable) values = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *failed = NULL;

  g_hash_table_insert (values, "w1", "a shy dragon");
  g_hash_table_insert (values, "w2", "@[w1] is not expanded twice");

  text = ts_template_render ("Story about @[w1] (@@ home): @[w2]", lookup_value, values, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, "Story about a shy dragon (@ home): @[w1] is not expanded twice");

  failed = ts_template_render ("Needs @[w9]", lookup_value, values, &error);
  g_assert_null (failed);
  g_assert_error (error, TS_TEMPLATE_ERROR, TS_TEMPLATE_ERROR_UNKNOWN_REFERENCE);
  g_assert_cmpstr (error->message, ==, "mentions unknown widget \"w9\"");
}

static void
test_escape (void)
{
  static const char * const texts[] = {
    "", "plain", "me@example.com", "@", "@@", "@[w1]", "x@", "a@@b", "@@[", "[@]", "@@@",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autofree char *escaped = ts_template_escape (texts[i]);
      g_autofree char *with_mention = g_strconcat (escaped, "@[w1]", NULL);
      g_autoptr(GPtrArray) parts = ts_template_parse (with_mention, NULL);
      const TsTemplatePart *last;

      g_assert_nonnull (parts);
      /* Literal text survives as one part, and the mention after it stays a mention. */
      g_assert_cmpuint (parts->len, ==, texts[i][0] != '\0' ? 2 : 1);
      if (texts[i][0] != '\0')
        g_assert_cmpstr (((TsTemplatePart *) g_ptr_array_index (parts, 0))->value, ==, texts[i]);
      last = g_ptr_array_index (parts, parts->len - 1);
      g_assert_cmpint (last->kind, ==, TS_TEMPLATE_PART_REFERENCE);
      g_assert_cmpstr (last->value, ==, "w1");
    }

  /* Ordinary addresses need no escaping. */
  {
    g_autofree char *escaped = ts_template_escape ("me@example.com");
    g_assert_cmpstr (escaped, ==, "me@example.com");
  }
}

static const char *
lookup_title (const char *id,
              gpointer    user_data)
{
  return g_str_equal (id, "w1") ? "Story idea" : NULL;
}

static void
test_to_display (void)
{
  g_autofree char *shown = ts_template_to_display ("Use @[w1] and @[w7], me@@home", lookup_title, NULL);
  g_autofree char *broken = ts_template_to_display ("bad @[w1", lookup_title, NULL);
  g_autofree char *mention = ts_template_mention ("w42");

  g_assert_cmpstr (shown, ==, "Use @Story idea and @[w7], me@home");
  g_assert_cmpstr (broken, ==, "bad @[w1");
  g_assert_cmpstr (mention, ==, "@[w42]");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/template/parse", test_parse);
  g_test_add_func ("/core/template/parse-offsets", test_parse_offsets);
  g_test_add_func ("/core/template/parse-errors", test_parse_errors);
  g_test_add_func ("/core/template/list-references", test_list_references);
  g_test_add_func ("/core/template/render", test_render);
  g_test_add_func ("/core/template/escape", test_escape);
  g_test_add_func ("/core/template/to-display", test_to_display);

  return g_test_run ();
}
