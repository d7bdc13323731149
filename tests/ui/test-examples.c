/* test-examples.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>

#include "ts-application.h"
#include "ts-format.h"
#include "ts-problem.h"
#include "ts-window.h"
#include "ui-test-utils.h"

static char *tmpdir;
static TsApplication *application;

static void
collect_example_rows (GtkWidget *widget,
                      GPtrArray *rows)
{
  if (ADW_IS_ACTION_ROW (widget) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)),
                 "win.open-example") == 0)
    g_ptr_array_add (rows, widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_example_rows (child, rows);
}

/* The empty state's subtitle of each example names what the example makes: every
 * widget that generates something, and the static text a chat answers from. */
static void
test_examples_subtitles (void)
{
  TsWindow *window = ts_window_new (application);
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  gtk_window_present (GTK_WINDOW (window));
  wait_until (gtk_widget_get_mapped (GTK_WIDGET (window)));
  collect_example_rows (GTK_WIDGET (window), rows);
  g_assert_cmpuint (rows->len, ==, 3);

  for (guint i = 0; i < rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (rows, i);
      GVariant *target = gtk_actionable_get_action_target_value (GTK_ACTIONABLE (row));
      g_autoptr(GFile) file = test_example_file (g_variant_get_string (target, NULL));
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) problems = ts_problems_new ();
      g_autoptr(TsPlayground) playground = ts_format_load_file (file, NULL, problems, &error);
      g_autofree char *subtitle = NULL;

      g_assert_no_error (error);
      g_assert_cmpuint (problems->len, ==, 0);
      subtitle = g_utf8_strdown (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), -1);
      g_test_message ("%s: %s", g_variant_get_string (target, NULL), subtitle);

      for (guint b = 0; b < ts_playground_get_n_blocks (playground); b++)
        {
          TsBlock *block = ts_playground_get_block (playground, b);
          TsBlockKind kind = ts_block_get_kind (block);
          g_autofree char *title = g_utf8_strdown (ts_block_get_title (block), -1);

          if (kind == TS_BLOCK_KIND_INPUT || kind == TS_BLOCK_KIND_DOCUMENT ||
              (kind == TS_BLOCK_KIND_STATIC_TEXT && strstr (title, "how to") != NULL))
            continue;

          if (strstr (subtitle, title) == NULL)
            g_error ("the subtitle “%s” does not name “%s”", subtitle, title);
        }
    }

  test_destroy_window (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  tmpdir = test_setup_dirs ("test-examples");

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  test_setup_display ();

  application = TS_APPLICATION (test_new_application ());

  g_test_add_func ("/ui/examples/subtitles", test_examples_subtitles);

  status = g_test_run ();

  test_remove_tree (tmpdir);
  g_clear_pointer (&tmpdir, g_free);
  g_clear_object (&application);

  return status;
}
