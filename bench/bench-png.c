/* bench-png.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Times decoding a PNG image into RGBA with ts_png_decode() beside GTK's own loader,
 * gdk_texture_new_from_bytes(), on the same bytes in the same run. Both use libpng;
 * the ratio between them shows what Tessera's checks and conversion cost, and stays
 * comparable across machines where plain times do not. */

#include "config.h"

#include "bench-stats.h"

#include <stdio.h>
#include <stdlib.h>

#include <gtk/gtk.h>

#include "ts-png.h"

/* The goal: ts_png_decode() takes no longer than GTK's loader (ratio of medians). */
#define TARGET_RATIO 1.0

#define DEFAULT_SIZE 1024
#define MAX_SIZE 8192
#define DEFAULT_RUNS 30
#define MAX_RUNS 10000

/* A picture-like image: smooth gradients in every channel, alpha included, with noise
 * on top, so it compresses about as well as a generated image does. */
static GBytes *
make_image (guint size)
{
  g_autofree guint8 *rgba = g_malloc ((gsize) size * size * 4);
  g_autoptr(GRand) rand = g_rand_new_with_seed (1024);
  g_autoptr(GError) error = NULL;
  GBytes *png;

  for (guint y = 0; y < size; y++)
    for (guint x = 0; x < size; x++)
      {
        guint8 *p = rgba + ((gsize) y * size + x) * 4;
        int base[4] = {
          (int) (x * 255 / size),
          (int) (y * 255 / size),
          (int) ((x + y) * 255 / (2 * size)),
          128 + (int) (x * 127 / size),
        };

        for (int c = 0; c < 4; c++)
          p[c] = (guint8) CLAMP (base[c] + g_rand_int_range (rand, -12, 13), 0, 255);
      }

  png = ts_png_encode (rgba, size, size, (gsize) size * 4, &error);
  if (png == NULL)
    {
      fprintf (stderr, "bench-png: could not encode the test image: %s\n", error->message);
      exit (EXIT_FAILURE);
    }

  return png;
}

static double
time_tessera (GBytes *png)
{
  gint64 start = g_get_monotonic_time ();
  g_autoptr(GError) error = NULL;
  GBytes *rgba = ts_png_decode (png, NULL, NULL, &error);

  if (rgba == NULL)
    {
      fprintf (stderr, "bench-png: ts_png_decode failed: %s\n", error->message);
      exit (EXIT_FAILURE);
    }
  g_bytes_unref (rgba);

  return (g_get_monotonic_time () - start) / 1000.0;
}

static double
time_gdk (GBytes *png)
{
  gint64 start = g_get_monotonic_time ();
  g_autoptr(GError) error = NULL;
  GdkTexture *texture = gdk_texture_new_from_bytes (png, &error);

  if (texture == NULL)
    {
      fprintf (stderr, "bench-png: gdk_texture_new_from_bytes failed: %s\n", error->message);
      exit (EXIT_FAILURE);
    }
  g_object_unref (texture);

  return (g_get_monotonic_time () - start) / 1000.0;
}

/* Decodes once with each and compares the pixels, so the timings are of two loaders
 * that agree. GDK hands out premultiplied pixels; only opaque ones compare directly. */
static void
check_same_pixels (GBytes *png,
                   guint   size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) rgba = ts_png_decode (png, NULL, NULL, &error);
  g_autoptr(GdkTexture) texture = gdk_texture_new_from_bytes (png, &error);
  g_autofree guint8 *cairo = NULL;
  const guint8 *ours;

  if (rgba == NULL || texture == NULL)
    {
      fprintf (stderr, "bench-png: a loader failed: %s\n", error->message);
      exit (EXIT_FAILURE);
    }
  if (gdk_texture_get_width (texture) != (int) size || gdk_texture_get_height (texture) != (int) size)
    {
      fprintf (stderr, "bench-png: the loaders disagree on the size\n");
      exit (EXIT_FAILURE);
    }

  /* gdk_texture_download() gives native-endian premultiplied ARGB (cairo's format). */
  cairo = g_malloc ((gsize) size * size * 4);
  gdk_texture_download (texture, cairo, (gsize) size * 4);
  ours = g_bytes_get_data (rgba, NULL);

  for (gsize i = 0; i < (gsize) size * size; i++)
    {
      const guint8 *p = ours + i * 4;
      guint32 argb = ((guint32 *) cairo)[i];
      guint a = argb >> 24;

      /* Premultiplying rounds; the alpha itself must be equal, colours within 1. */
      if (a != p[3]
          || ABS ((int) ((argb >> 16) & 0xff) - (int) (p[0] * a + 127) / 255) > 1
          || ABS ((int) ((argb >> 8) & 0xff) - (int) (p[1] * a + 127) / 255) > 1
          || ABS ((int) (argb & 0xff) - (int) (p[2] * a + 127) / 255) > 1)
        {
          fprintf (stderr, "bench-png: the loaders disagree at pixel %" G_GSIZE_FORMAT "\n", i);
          exit (EXIT_FAILURE);
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  int size = DEFAULT_SIZE;
  int n_runs = DEFAULT_RUNS;
  const GOptionEntry entries[] = {
    { "size", 's', 0, G_OPTION_ARG_INT, &size, "Width and height of the image", "N" },
    { "runs", 'r', 0, G_OPTION_ARG_INT, &n_runs, "Number of timed runs of each", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) png = NULL;
  g_autofree double *ours_ms = NULL;
  g_autofree double *gdk_ms = NULL;
  double ours_median, gdk_median, ratio;

  context = g_option_context_new ("- time PNG decoding");
  g_option_context_set_summary (context,
                                "Generates an RGBA PNG image, then times decoding it with "
                                "ts_png_decode() against gdk_texture_new_from_bytes().");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "bench-png: %s\n", error->message);
      return 2;
    }
  if (size < 1 || size > MAX_SIZE)
    {
      fprintf (stderr, "bench-png: --size must be from 1 to %d\n", MAX_SIZE);
      return 2;
    }
  if (n_runs < 1 || n_runs > MAX_RUNS)
    {
      fprintf (stderr, "bench-png: --runs must be from 1 to %d\n", MAX_RUNS);
      return 2;
    }

  png = make_image ((guint) size);
  check_same_pixels (png, (guint) size);

  /* One untimed run of each warms the caches and the allocator; then the two take
   * turns, so a change in machine load affects both alike. */
  time_tessera (png);
  time_gdk (png);

  ours_ms = g_new (double, n_runs);
  gdk_ms = g_new (double, n_runs);
  for (int i = 0; i < n_runs; i++)
    {
      ours_ms[i] = time_tessera (png);
      gdk_ms[i] = time_gdk (png);
    }

  ours_median = bench_median (ours_ms, n_runs);
  gdk_median = bench_median (gdk_ms, n_runs);
  ratio = ours_median / gdk_median;

  printf ("image                %d × %d RGBA, %" G_GSIZE_FORMAT " bytes of PNG\n",
          size, size, g_bytes_get_size (png));
  printf ("runs                 %d, best and median\n", n_runs);
  printf ("GdkTexture ms        best %.3f  median %.3f  (gdk_texture_new_from_bytes)\n",
          gdk_ms[0], gdk_median);
  printf ("ts_png_decode ms     best %.3f  median %.3f\n", ours_ms[0], ours_median);
  printf ("ratio ours/GdkTexture %.3f  (medians)\n", ratio);
  printf ("target               %s: ratio %.3f against at most %.1f\n",
          ratio <= TARGET_RATIO ? "met" : "MISSED", ratio, TARGET_RATIO);

  return EXIT_SUCCESS;
}
