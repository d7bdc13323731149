/* test-renderer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <epoxy/gl.h>
#include <string.h>

#include "ts-application.h"
#include "ts-window.h"
#include "ui-test-utils.h"

static char *tmpdir;

/* The display's OpenGL renderer string, found here on its own, or NULL without OpenGL. */
static char *
gl_renderer_name (void)
{
  g_autoptr(GdkGLContext) context = gdk_display_create_gl_context (gdk_display_get_default (), NULL);
  char *name;

  if (context == NULL || !gdk_gl_context_realize (context, NULL))
    return NULL;

  gdk_gl_context_make_current (context);
  name = g_strdup ((const char *) glGetString (GL_RENDERER));
  gdk_gl_context_clear_current ();

  return name;
}

/* The name of the renderer a new Tessera window draws with. */
static char *
window_renderer_name (void)
{
  g_autoptr(GApplication) application = test_new_application ();
  TsWindow *window = ts_window_new (TS_APPLICATION (application));
  GskRenderer *renderer;
  char *name;

  gtk_window_present (GTK_WINDOW (window));
  wait_until (gtk_widget_get_mapped (GTK_WIDGET (window)));
  renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  g_assert_nonnull (renderer);
  name = g_strdup (G_OBJECT_TYPE_NAME (renderer));

  test_destroy_window (GTK_WINDOW (window));

  return name;
}

/* On Mesa's software OpenGL (as under Xvfb) the windows are drawn with cairo; on a GPU
 * they keep GTK's own choice, an OpenGL renderer. */
static void
test_renderer_follows_gl (void)
{
  g_autofree char *gl = gl_renderer_name ();
  g_autofree char *renderer = NULL;

  g_assert_null (g_getenv ("GSK_RENDERER"));
  renderer = window_renderer_name ();
  g_test_message ("OpenGL: %s; windows drawn with %s", gl ? gl : "none", renderer);

  if (gl == NULL || strstr (gl, "llvmpipe") != NULL || strstr (gl, "softpipe") != NULL)
    g_assert_cmpstr (renderer, ==, "GskCairoRenderer");
  else
    g_assert_cmpstr (renderer, !=, "GskCairoRenderer");
}

/* GSK_RENDERER set by the user wins over the choice. */
static void
test_renderer_environment (void)
{
  g_autofree char *gl = NULL;

  if (g_test_subprocess ())
    {
      g_autofree char *renderer = NULL;

      g_setenv ("GSK_RENDERER", "gl", TRUE);
      renderer = window_renderer_name ();
      g_assert_cmpstr (renderer, ==, "GskGLRenderer");
      return;
    }

  gl = gl_renderer_name ();
  if (gl == NULL)
    {
      g_test_skip ("no OpenGL on this display");
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  int status;

  tmpdir = test_setup_dirs ("test-renderer");
  g_unsetenv ("GSK_RENDERER");

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  test_setup_display ();

  g_test_add_func ("/ui/renderer/follows-gl", test_renderer_follows_gl);
  g_test_add_func ("/ui/renderer/environment", test_renderer_environment);

  status = g_test_run ();

  test_remove_tree (tmpdir);
  g_clear_pointer (&tmpdir, g_free);

  return status;
}
