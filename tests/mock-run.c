/* mock-run.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "mock-protocols.h"

void
mock_run_init (MockRun *run)
{
  *run = (MockRun) { 0 };
  run->chunks = g_ptr_array_new_with_free_func (g_free);
  run->progress = g_array_new (FALSE, FALSE, sizeof (double));
  run->cancellable = g_cancellable_new ();
}

void
mock_run_clear (MockRun *run)
{
  g_clear_pointer (&run->chunks, g_ptr_array_unref);
  g_clear_pointer (&run->progress, g_array_unref);
  g_clear_object (&run->cancellable);
}

char *
mock_run_joined (MockRun *run)
{
  GString *joined = g_string_new (NULL);

  for (guint i = 0; i < run->chunks->len; i++)
    g_string_append (joined, g_ptr_array_index (run->chunks, i));

  return g_string_free (joined, FALSE);
}

static void
count_and_maybe_cancel (MockRun *run,
                        guint    n)
{
  if (run->cancelled_at != 0)
    run->after_cancel++;
  else if (run->cancel_after > 0 && n >= run->cancel_after)
    {
      run->cancelled_at = g_get_monotonic_time ();
      g_cancellable_cancel (run->cancellable);
    }
}

static void
chunk_cb (const char *chunk,
          gpointer    user_data)
{
  MockRun *run = user_data;

  g_assert_nonnull (chunk);
  g_assert_cmpstr (chunk, !=, "");
  g_assert_true (g_utf8_validate (chunk, -1, NULL));
  g_ptr_array_add (run->chunks, g_strdup (chunk));
  count_and_maybe_cancel (run, run->chunks->len);
}

static void
progress_cb (double   fraction,
             gpointer user_data)
{
  MockRun *run = user_data;

  g_assert_cmpfloat (fraction, >=, 0.0);
  g_assert_cmpfloat (fraction, <=, 1.0);
  g_array_append_val (run->progress, fraction);
  count_and_maybe_cancel (run, run->progress->len);
}

static void
done_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static GAsyncResult *
wait_result (MockRun       *run,
             GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  if (run != NULL)
    run->finished_at = g_get_monotonic_time ();

  return *slot;
}

TsTextResult *
mock_run_text (MockRun        *run,
               TsProvider     *provider,
               TsTextRequest  *request,
               GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  ts_provider_generate_text_async (provider, request, chunk_cb, run, run->cancellable,
                                   done_cb, &result);
  wait_result (run, &result);

  return ts_provider_generate_text_finish (provider, result, error);
}

TsImageResult *
mock_run_image (MockRun        *run,
                TsProvider     *provider,
                TsImageRequest *request,
                GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  ts_provider_generate_image_async (provider, request, progress_cb, run, run->cancellable,
                                    done_cb, &result);
  wait_result (run, &result);

  return ts_provider_generate_image_finish (provider, result, error);
}

GPtrArray *
mock_run_list (TsProvider  *provider,
               GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  ts_provider_list_models_async (provider, NULL, done_cb, &result);
  wait_result (NULL, &result);

  return ts_provider_list_models_finish (provider, result, error);
}

TsTextRequest *
mock_text_request (const char *model,
                   const char *prompt)
{
  TsTextRequest *request = ts_text_request_new (model);

  ts_text_request_add_message (request, ts_message_new (TS_CHAT_ROLE_USER, prompt));
  return request;
}
