/* ui-test-utils.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* How long a test waits for something before it fails instead of hanging. */
#define TEST_WAIT_SECONDS 20

/* Runs the main loop until @condition holds; fails the test when it does not within
 * TEST_WAIT_SECONDS. */
#define wait_until(condition)                                                   \
  G_STMT_START {                                                                \
    gboolean timed_out_ = FALSE;                                                \
    guint timeout_id_ = g_timeout_add_seconds (TEST_WAIT_SECONDS,               \
                                               test_flag_cb, &timed_out_);      \
    while (!(condition) && !timed_out_)                                         \
      g_main_context_iteration (NULL, TRUE);                                    \
    if (!timed_out_)                                                            \
      g_source_remove (timeout_id_);                                            \
    else                                                                        \
      g_test_message ("timed out after %d s", TEST_WAIT_SECONDS);               \
    g_assert_true (condition);                                                  \
  } G_STMT_END

gboolean  test_flag_cb        (gpointer      user_data);
void      test_drain          (void);
void      test_result_cb      (GObject      *object,
                               GAsyncResult *result,
                               gpointer      user_data);
GFile    *test_example_file   (const char   *name);
char     *test_setup_dirs     (const char   *name);
void      test_setup_display  (void);
void      test_remove_tree    (const char   *path);
gboolean  test_shows_text     (GtkWidget    *widget,
                               const char   *text,
                               gboolean      whole);
void      test_destroy_window (GtkWindow    *window);
GApplication *test_new_application (void);

G_END_DECLS
