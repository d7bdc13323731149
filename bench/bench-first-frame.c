/* bench-first-frame.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Preloaded (LD_PRELOAD) into a GTK program that knows nothing of the benchmark, such
 * as gnome-text-editor or bench-startup-reference, to write the monotonic time (µs) of
 * its first painted frame to $BENCH_FIRST_FRAME_FILE. It wraps g_signal_emit(), through
 * which GDK emits GdkFrameClock::after-paint, and lets every emission through
 * unchanged. */

#include "config.h"

#include <gdk/gdk.h>
#include <stdarg.h>

void
g_signal_emit (gpointer instance,
               guint    signal_id,
               GQuark   detail,
               ...)
{
  static guint after_paint;
  static gboolean done;
  va_list args;

  va_start (args, detail);
  g_signal_emit_valist (instance, signal_id, detail, args);
  va_end (args);

  if (done || !GDK_IS_FRAME_CLOCK (instance))
    return;

  if (after_paint == 0)
    after_paint = g_signal_lookup ("after-paint", GDK_TYPE_FRAME_CLOCK);

  if (signal_id == after_paint)
    {
      g_autofree char *stamp = g_strdup_printf ("%" G_GINT64_FORMAT "\n", g_get_monotonic_time ());
      const char *path = g_getenv ("BENCH_FIRST_FRAME_FILE");

      done = TRUE;
      if (path != NULL)
        g_file_set_contents (path, stamp, -1, NULL);
    }
}
