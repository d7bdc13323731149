/* ts-window-check.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "ts-problem.h"
#include "ts-window-private.h"

/* What the window learns about the document as it changes: the problems a save would
 * refuse, shown on the cards, and (for bench/bench-startup) when the first frame with a
 * playground was painted. */

static void
free_string (gpointer data)
{
  if (data != NULL)
    g_string_free (data, TRUE);
}

/* Shows on each card the problems ts_playground_check() finds in its block, so that
 * nothing the loader would refuse goes unnoticed before a save. */
static gboolean
check_cb (gpointer user_data)
{
  TsWindow *self = user_data;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GPtrArray) texts = NULL;
  guint n_blocks;

  self->check_id = 0;
  if (self->playground == NULL || self->canvas == NULL)
    return G_SOURCE_REMOVE;

  n_blocks = ts_playground_get_n_blocks (self->playground);
  problems = ts_playground_check (self->playground, NULL);
  self->n_problems = ts_problems_count (problems, TS_SEVERITY_ERROR);
  texts = g_ptr_array_new_with_free_func (free_string);
  for (guint i = 0; i < n_blocks; i++)
    g_ptr_array_add (texts, NULL);

  for (guint i = 0; i < problems->len; i++)
    {
      const TsProblem *problem = g_ptr_array_index (problems, i);
      guint index;
      char *end;

      if (problem->path == NULL || !g_str_has_prefix (problem->path, "widgets["))
        continue;

      index = g_ascii_strtoull (problem->path + strlen ("widgets["), &end, 10);
      if (index >= n_blocks || *end != ']')
        continue;

      if (texts->pdata[index] == NULL)
        texts->pdata[index] = g_string_new (NULL);
      else
        g_string_append_c (texts->pdata[index], '\n');
      g_string_append_printf (texts->pdata[index], "%s: %s", end[1] == '.' ? end + 2 : "",
                              problem->message);
    }

  for (guint i = 0; i < n_blocks; i++)
    {
      GString *text = texts->pdata[i];

      ts_card_set_problems (ts_canvas_get_card (TS_CANVAS (self->canvas), i),
                            text != NULL ? text->str : NULL);
    }

  return G_SOURCE_REMOVE;
}

void
_ts_window_schedule_check (TsWindow *self)
{
  if (self->check_id == 0)
    self->check_id = g_idle_add_full (G_PRIORITY_LOW, check_cb, self, NULL);
}

/* For bench/bench-startup: with TESSERA_FIRST_FRAME_FILE set, the first frame painted
 * after a playground is shown writes the monotonic time (µs) to that file. */
static void
first_frame_cb (GdkFrameClock *clock,
                gpointer       user_data)
{
  g_autofree char *stamp = g_strdup_printf ("%" G_GINT64_FORMAT "\n", g_get_monotonic_time ());
  const char *path = g_getenv ("TESSERA_FIRST_FRAME_FILE");

  g_signal_handlers_disconnect_by_func (clock, first_frame_cb, user_data);
  if (path != NULL && !g_file_set_contents (path, stamp, -1, NULL))
    g_warning ("Could not write the first frame's time to %s", path);
}

void
_ts_window_report_first_frame (TsWindow *self)
{
  static gboolean reported;
  GdkFrameClock *clock;

  if (reported || g_getenv ("TESSERA_FIRST_FRAME_FILE") == NULL)
    return;

  clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));
  if (clock == NULL)
    return;

  reported = TRUE;
  g_signal_connect (clock, "after-paint", G_CALLBACK (first_frame_cb), NULL);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
