/* bench-startup.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Times Tessera's start-up: from exec to the first frame painted with the Story writer
 * example loaded, beside, in the same run and on the same display, the first frame of
 * gnome-text-editor (the yardstick: Tessera's target is at most 0.8 of its
 * time) and of bench-startup-reference, an empty GTK window, the floor of any GTK
 * application. The programs take turns, each run in a fresh process; each writes the
 * monotonic time of its first frame to a file (Tessera itself with
 * TESSERA_FIRST_FRAME_FILE, the others through the preloaded bench-first-frame). A
 * second after that frame the resident memory of each is read, and it is ended.
 *
 * Run it on a display, in a session bus of its own so that no running Tessera takes the
 * file instead:  dbus-run-session -- xvfb-run -a build/bench/bench-startup [RUNS] */

#include "config.h"

#include "bench-stats.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#define DEFAULT_RUNS 7
#define MAX_RUNS 100
#define TIMEOUT_US (30 * G_USEC_PER_SEC)
#define IDLE_US G_USEC_PER_SEC

/* The target: Tessera's first frame in at most this share of gnome-text-editor's. */
#define TARGET_RATIO 0.8

typedef struct
{
  const char  *name;
  char       **argv;
  gboolean     preload;
  const char  *renderer;
  double      *ms;
  double      *rss;
  guint        n;
} Program;

static char *scratch;

static double
read_rss_mib (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int) pid);
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents (path, &status, NULL, NULL) ||
      (line = strstr (status, "VmRSS:")) == NULL)
    return -1;

  return g_ascii_strtod (line + strlen ("VmRSS:"), NULL) / 1024.0;
}

/* Starts @program once; returns FALSE if it showed no frame in time. */
static gboolean
run_once (Program *program,
          guint    run)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *stamp_path = g_strdup_printf ("%s/frame-%s-%u", scratch, program->name, run);
  g_autofree char *home = g_build_filename (scratch, program->name, NULL);
  g_autofree char *state = g_build_filename (home, "state", NULL);
  g_autofree char *data = g_build_filename (home, "data", NULL);
  g_autofree char *config = g_build_filename (home, "config", NULL);
  g_autofree char *stamp = NULL;
  gint64 started;
  gint64 deadline;
  GPid pid;

  /* Each program keeps its own folders from run to run, as a user's would be. */
  g_mkdir_with_parents (state, 0700);
  g_mkdir_with_parents (data, 0700);
  g_mkdir_with_parents (config, 0700);
  g_subprocess_launcher_setenv (launcher, "XDG_STATE_HOME", state, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", config, TRUE);
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_BACKEND", "memory", TRUE);
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_SCHEMA_DIR", SCHEMA_DIR, TRUE);
  g_subprocess_launcher_setenv (launcher, "TESSERA_FIRST_FRAME_FILE", stamp_path, TRUE);
  g_subprocess_launcher_setenv (launcher, "BENCH_FIRST_FRAME_FILE", stamp_path, TRUE);
  if (program->preload)
    g_subprocess_launcher_setenv (launcher, "LD_PRELOAD", PROBE_PATH, TRUE);
  if (program->renderer != NULL)
    g_subprocess_launcher_setenv (launcher, "GSK_RENDERER", program->renderer, TRUE);

  started = g_get_monotonic_time ();
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) program->argv,
                                          &error);
  if (process == NULL)
    {
      g_printerr ("%s: %s\n", program->name, error->message);
      return FALSE;
    }

  /* Polled, not watched: a file monitor's latency would count as start-up time. */
  deadline = started + TIMEOUT_US;
  while (!g_file_get_contents (stamp_path, &stamp, NULL, NULL) || stamp[0] == '\0')
    {
      g_clear_pointer (&stamp, g_free);
      if (g_get_monotonic_time () > deadline)
        break;
      g_usleep (1000);
    }

  if (stamp != NULL)
    {
      program->ms[program->n] = (g_ascii_strtoll (stamp, NULL, 10) - started) / 1000.0;
      g_usleep (IDLE_US);
      pid = (GPid) g_ascii_strtoll (g_subprocess_get_identifier (process), NULL, 10);
      program->rss[program->n] = read_rss_mib (pid);
      program->n++;
    }
  else
    {
      g_printerr ("%s: no frame within %d s\n", program->name, (int) (TIMEOUT_US / G_USEC_PER_SEC));
    }

  g_subprocess_send_signal (process, SIGTERM);
  g_subprocess_wait (process, NULL, NULL);
  g_unlink (stamp_path);

  return stamp != NULL;
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }

  g_remove (path);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *gte = g_find_program_in_path ("gnome-text-editor");
  char *tessera_argv[] = { TESSERA_PATH, EXAMPLE_PATH, NULL };
  char *empty_argv[] = { TESSERA_PATH, NULL };
  char *reference_argv[] = { REFERENCE_PATH, NULL };
  char *gte_argv[] = { gte, "--standalone", NULL };
  Program programs[] = {
    { "tessera", tessera_argv, FALSE, NULL, NULL, NULL, 0 },
    { "reference", reference_argv, TRUE, NULL, NULL, NULL, 0 },
    { "tessera-empty-window", empty_argv, TRUE, NULL, NULL, NULL, 0 },
    { "tessera-opengl", tessera_argv, FALSE, "gl", NULL, NULL, 0 },
    { "gnome-text-editor", gte_argv, TRUE, NULL, NULL, NULL, 0 },
  };
  guint n_programs = gte != NULL ? G_N_ELEMENTS (programs) : G_N_ELEMENTS (programs) - 1;
  guint64 runs = DEFAULT_RUNS;
  g_autoptr(GError) error = NULL;
  double medians[G_N_ELEMENTS (programs)];
  double rss[G_N_ELEMENTS (programs)];
  int status = 0;

  if (argc > 1 && !g_ascii_string_to_unsigned (argv[1], 10, 1, MAX_RUNS, &runs, NULL))
    {
      g_printerr ("usage: %s [RUNS]   (1 to %d; default %d)\n", argv[0], MAX_RUNS, DEFAULT_RUNS);
      return 2;
    }

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_printerr ("bench-startup needs a display: run it under xvfb-run -a\n");
      return 77;
    }

  scratch = g_dir_make_tmp ("bench-startup-XXXXXX", &error);
  if (scratch == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  for (guint p = 0; p < n_programs; p++)
    {
      programs[p].ms = g_new0 (double, runs);
      programs[p].rss = g_new0 (double, runs);
    }

  /* One warm-up round fills the caches (fonts, icons, shaders) for all of them alike. */
  for (guint p = 0; p < n_programs; p++)
    {
      run_once (&programs[p], 0);
      programs[p].n = 0;
    }

  for (guint run = 0; run < runs; run++)
    for (guint p = 0; p < n_programs; p++)
      run_once (&programs[p], run);

  /* tessera-empty-window splits Tessera's time: the application up to its first window,
   * and then the playground. tessera-opengl is Tessera drawn with GTK's OpenGL renderer
   * whatever the display's OpenGL is (on software OpenGL, Tessera draws with cairo). */
  printf ("First frame after exec, median of %u runs (ms), and resident memory a second later (MiB):\n",
          (guint) runs);
  for (guint p = 0; p < n_programs; p++)
    {
      if (programs[p].n == 0)
        {
          printf ("  %-28s no frame\n", programs[p].name);
          status = 1;
          continue;
        }
      medians[p] = bench_median (programs[p].ms, programs[p].n);
      rss[p] = bench_median (programs[p].rss, programs[p].n);
      printf ("  %-28s %8.1f ms  %7.1f MiB\n", programs[p].name, medians[p], rss[p]);
    }

  if (status == 0)
    {
      printf ("tessera / empty GTK window:      %.2f (time)  %.2f (memory)\n",
              medians[0] / medians[1], rss[0] / rss[1]);
      if (gte != NULL)
        {
          printf ("tessera / gnome-text-editor:     %.2f (time; target <= %.1f: %s)  %.2f (memory)\n",
                  medians[0] / medians[4], TARGET_RATIO,
                  medians[0] / medians[4] <= TARGET_RATIO ? "met" : "not met", rss[0] / rss[4]);
          printf ("tessera-opengl / gnome-text-editor: %.2f (time)  %.2f (memory)\n",
                  medians[3] / medians[4], rss[3] / rss[4]);
        }
      else
        printf ("gnome-text-editor is not installed: the ratio to it was not measured\n");
    }

  for (guint p = 0; p < n_programs; p++)
    {
      g_free (programs[p].ms);
      g_free (programs[p].rss);
    }
  remove_tree (scratch);
  g_free (scratch);

  return status;
}
