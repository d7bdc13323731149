/* test-runner-cancel.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "fake-provider.h"
#include "ts-runner.h"

/* Cancelling the runner mid-stream, and chat turns: no signal after cancel returns,
 * nothing leaked (this program runs under AddressSanitizer in CI), a cancelled or
 * failed chat turn leaves the transcript as it was. */

#define WAIT_MS 10000

typedef struct
{
  guint states;
  guint chunks;
  guint finished_widgets;
  guint finished;
} Counts;

/* A playground, a fake "ollama" provider and a runner over them. */
typedef struct
{
  TsPlayground       *playground;
  TsProviderRegistry *registry;
  TsFakeProvider     *fake;
  TsRunner           *runner;
} Setup;

static Setup
setup_new (void)
{
  Setup s;

  s.playground = ts_playground_new ();
  s.registry = ts_provider_registry_new ();
  s.fake = ts_fake_provider_new ("ollama");
  ts_provider_registry_add (s.registry, TS_PROVIDER (s.fake));
  s.runner = ts_runner_new (s.playground, s.registry);

  return s;
}

static void
setup_clear (Setup *s)
{
  g_assert_true (ts_fake_wait_idle (s->fake, WAIT_MS));
  g_clear_object (&s->runner);
  g_clear_object (&s->playground);
  g_clear_object (&s->registry);
  g_assert_finalize_object (s->fake);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Setup, setup_clear)

static void
state_changed_cb (TsRunner   *runner,
                  TsBlock    *block,
                  TsRunState  state,
                  Counts     *counts)
{
  counts->states++;
}

static void
chunk_counted_cb (TsRunner   *runner,
                  TsBlock    *block,
                  const char *chunk,
                  Counts     *counts)
{
  counts->chunks++;
}

static void
widget_finished_cb (TsRunner    *runner,
                    TsBlock     *block,
                    TsRunRecord *record,
                    Counts      *counts)
{
  counts->finished_widgets++;
}

static void
finished_cb (TsRunner *runner,
             Counts   *counts)
{
  counts->finished++;
}

static void
count_signals (TsRunner *runner,
               Counts   *counts)
{
  g_signal_connect (runner, "state-changed", G_CALLBACK (state_changed_cb), counts);
  g_signal_connect (runner, "chunk", G_CALLBACK (chunk_counted_cb), counts);
  g_signal_connect (runner, "widget-finished", G_CALLBACK (widget_finished_cb), counts);
  g_signal_connect (runner, "finished", G_CALLBACK (finished_cb), counts);
}

static void
cancel_on_chunk_cb (TsRunner   *runner,
                    TsBlock    *block,
                    const char *chunk,
                    TsBlock    *which)
{
  /* Cancel from inside a chunk handler, the hardest place. */
  if (g_str_equal (chunk, "two "))
    ts_runner_cancel (runner, which);
}

static void
test_cancel_all_mid_stream (void)
{
  g_auto(Setup) s = setup_new ();
  TsPlayground *playground = s.playground;
  TsFakeProvider *fake = s.fake;
  TsRunner *runner = s.runner;
  TsFakeScript *script = ts_fake_provider_script_model (fake, "m");
  TsBlock *story, *review, *poem;
  Counts before = { 0 };
  Counts after = { 0 };
  TsRunRecord *record;

  story = ts_fake_add_block (playground, TS_BLOCK_KIND_TEXT, "Story", "once");
  review = ts_fake_add_block (playground, TS_BLOCK_KIND_TEXT, "Review", "review {Story}");
  poem = ts_fake_add_block (playground, TS_BLOCK_KIND_TEXT, "Poem", "verse");
  script->chunk_delay_ms = 30;
  ts_fake_script_set_chunks (script, "one ", "two ", "three ", "four", NULL);

  count_signals (runner, &before);
  g_signal_connect (runner, "chunk", G_CALLBACK (cancel_on_chunk_cb), NULL);
  g_assert_true (ts_runner_run (runner, NULL, TS_RUN_SCOPE_ALL, 0, NULL));
  g_assert_true (ts_fake_wait_finished (runner, WAIT_MS));

  /* Cancelled on the second chunk, from the handler: everything stops at once. */
  g_assert_cmpuint (before.finished, ==, 1);
  g_assert_cmpint (ts_runner_get_state (runner, story), ==, TS_RUN_STATE_CANCELLED);
  g_assert_cmpint (ts_runner_get_state (runner, review), ==, TS_RUN_STATE_CANCELLED);
  g_assert_cmpint (ts_runner_get_state (runner, poem), ==, TS_RUN_STATE_CANCELLED);
  g_assert_cmpstr (ts_output_get_text (ts_block_get_output (story)), ==, "one two ");
  record = ts_runner_get_record (runner, story);
  g_assert_cmpint (record->outcome, ==, TS_RUN_OUTCOME_CANCELLED);
  g_assert_true (ts_output_get_run_record (ts_block_get_output (story)) == record);
  g_assert_false (ts_runner_get_busy (runner));

  /* Nothing arrives after cancel returned, however long we wait. */
  count_signals (runner, &after);
  g_assert_true (ts_fake_wait_idle (fake, WAIT_MS));
  g_assert_cmpuint (ts_fake_provider_get_n_calls (fake), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      TsFakeCall *call = g_ptr_array_index (ts_fake_provider_get_calls (fake), i);

      g_assert_true (call->cancelled);
    }
  g_assert_cmpuint (after.states + after.chunks + after.finished_widgets + after.finished, ==, 0);
  g_assert_cmpuint (ts_runner_get_n_settling (runner), ==, 0);
  g_assert_cmpstr (ts_output_get_text (ts_block_get_output (story)), ==, "one two ");
}

static void
test_cancel_one (void)
{
  g_auto(Setup) s = setup_new ();
  TsPlayground *playground = s.playground;
  TsFakeProvider *fake = s.fake;
  TsRunner *runner = s.runner;
  TsFakeScript *script = ts_fake_provider_script_model (fake, "m");
  TsBlock *story, *review, *summary, *poem;

  story = ts_fake_add_block (playground, TS_BLOCK_KIND_TEXT, "Story", "once");
  review = ts_fake_add_block (playground, TS_BLOCK_KIND_TEXT, "Review", "review {Story}");
  summary = ts_fake_add_block (playground, TS_BLOCK_KIND_TEXT, "Summary", "sum {Review}");
  poem = ts_fake_add_block (playground, TS_BLOCK_KIND_TEXT, "Poem", "verse");
  script->chunk_delay_ms = 30;
  ts_fake_script_set_chunks (script, "one ", "two ", "three ", "four", NULL);

  g_signal_connect (runner, "chunk", G_CALLBACK (cancel_on_chunk_cb), story);
  g_assert_true (ts_runner_run (runner, NULL, TS_RUN_SCOPE_ALL, 0, NULL));
  g_assert_true (ts_fake_wait_finished (runner, WAIT_MS));

  /* The story and what waits on it are cancelled; the poem, which needs none, ran on. */
  g_assert_cmpint (ts_runner_get_state (runner, story), ==, TS_RUN_STATE_CANCELLED);
  g_assert_cmpint (ts_runner_get_state (runner, review), ==, TS_RUN_STATE_CANCELLED);
  g_assert_cmpint (ts_runner_get_state (runner, summary), ==, TS_RUN_STATE_CANCELLED);
  g_assert_cmpint (ts_runner_get_state (runner, poem), ==, TS_RUN_STATE_DONE);
  g_assert_cmpstr (ts_output_get_text (ts_block_get_output (poem)), ==, "one two three four");
  g_assert_true (ts_fake_wait_idle (fake, WAIT_MS));
}

static void
test_dispose_while_running (void)
{
  g_autoptr(TsPlayground) playground = ts_playground_new ();
  g_autoptr(TsProviderRegistry) registry = ts_provider_registry_new ();
  g_autoptr(TsFakeProvider) fake = ts_fake_provider_new ("ollama");
  TsRunner *runner;
  Counts counts = { 0 };

  ts_provider_registry_add (registry, TS_PROVIDER (fake));
  ts_fake_provider_script_model (fake, "m")->delay_ms = 50;
  ts_fake_add_block (playground, TS_BLOCK_KIND_TEXT, "Story", "once");
  ts_fake_add_block (playground, TS_BLOCK_KIND_TEXT, "Review", "review {Story}");
  ts_fake_add_block (playground, TS_BLOCK_KIND_IMAGE, "Picture", "{Story}");

  runner = ts_runner_new (playground, registry);
  count_signals (runner, &counts);
  g_assert_true (ts_runner_run (runner, NULL, TS_RUN_SCOPE_ALL, 0, NULL));
  while (ts_fake_provider_get_in_flight (fake) == 0)
    g_main_context_iteration (NULL, TRUE);

  counts = (Counts) { 0 };
  g_assert_finalize_object (runner);
  g_assert_true (ts_fake_wait_idle (fake, WAIT_MS));
  g_assert_cmpuint (counts.states + counts.chunks + counts.finished, ==, 0);
}

static void
test_remove_while_running (void)
{
  g_auto(Setup) s = setup_new ();
  TsPlayground *playground = s.playground;
  TsFakeProvider *fake = s.fake;
  TsRunner *runner = s.runner;
  TsBlock *story, *review, *poem, *ode;

  ts_fake_provider_script_model (fake, "m")->delay_ms = 30;
  story = ts_fake_add_block (playground, TS_BLOCK_KIND_TEXT, "Story", "once");
  review = ts_fake_add_block (playground, TS_BLOCK_KIND_TEXT, "Review", "review {Story}");
  poem = ts_fake_add_block (playground, TS_BLOCK_KIND_TEXT, "Poem", "verse");
  ode = ts_fake_add_block (playground, TS_BLOCK_KIND_TEXT, "Ode", "ode {Poem}");

  g_assert_true (ts_runner_run (runner, NULL, TS_RUN_SCOPE_ALL, 0, NULL));
  while (ts_fake_provider_get_in_flight (fake) < 2)
    g_main_context_iteration (NULL, TRUE);

  /* A waiting widget goes away, and so does a running one with what waits on it. */
  ts_playground_remove_block (playground, review);
  ts_playground_remove_block (playground, poem);
  g_assert_cmpint (ts_runner_get_state (runner, ode), ==, TS_RUN_STATE_CANCELLED);
  g_assert_true (ts_fake_wait_finished (runner, WAIT_MS));
  g_assert_cmpint (ts_runner_get_state (runner, story), ==, TS_RUN_STATE_DONE);
  g_assert_true (ts_fake_wait_idle (fake, WAIT_MS));
  g_assert_cmpuint (ts_runner_get_n_settling (runner), ==, 0);
  g_assert_cmpuint (ts_fake_provider_get_n_calls (fake), ==, 2);
}

static void
test_chat (void)
{
  g_auto(Setup) s = setup_new ();
  TsPlayground *playground = s.playground;
  TsFakeProvider *fake = s.fake;
  TsRunner *runner = s.runner;
  g_autoptr(GError) error = NULL;
  TsBlock *facts, *chat;
  TsOutput *output;
  TsTextRequest *request;
  TsChatRole role;

  facts = ts_fake_add_block (playground, TS_BLOCK_KIND_STATIC_TEXT, "Facts", NULL);
  ts_block_set_string (facts, TS_FIELD_CONTENT, "The sky is green.");
  chat = ts_fake_add_block (playground, TS_BLOCK_KIND_CHAT, "Bot", "Known: {Facts}");
  ts_block_set_string (chat, TS_FIELD_SYSTEM_PROMPT, "Be brief.");

  g_assert_true (ts_runner_send_message (runner, chat, "What colour is the sky?", &error));
  g_assert_no_error (error);
  g_assert_false (ts_runner_send_message (runner, chat, "Hello?", &error));
  g_assert_error (error, TS_RUNNER_ERROR, TS_RUNNER_ERROR_SETUP);
  g_clear_error (&error);
  g_assert_true (ts_fake_wait_finished (runner, WAIT_MS));

  output = ts_block_get_output (chat);
  g_assert_cmpuint (ts_output_get_n_messages (output), ==, 2);
  g_assert_cmpstr (ts_output_get_message (output, 1, &role), ==, "[m] What colour is the sky?");
  g_assert_cmpint (role, ==, TS_CHAT_ROLE_ASSISTANT);
  request = ts_fake_provider_get_last_text (fake);
  g_assert_cmpstr (request->system, ==, "Be brief.\n\nKnown: The sky is green.");

  g_assert_true (ts_runner_send_message (runner, chat, "And grass?", NULL));
  g_assert_true (ts_fake_wait_finished (runner, WAIT_MS));
  request = ts_fake_provider_get_last_text (fake);
  g_assert_cmpuint (request->messages->len, ==, 3);
  g_assert_cmpuint (ts_output_get_n_messages (ts_block_get_output (chat)), ==, 4);

  /* A failed turn leaves the transcript as it was. */
  ts_fake_script_set_failure (ts_fake_provider_script_prompt (fake, "boom"),
                              TS_PROVIDER_ERROR_SERVER, "the server fell over");
  g_assert_true (ts_runner_send_message (runner, chat, "boom", NULL));
  g_assert_cmpuint (ts_output_get_n_messages (ts_block_get_output (chat)), ==, 5);
  g_assert_true (ts_fake_wait_finished (runner, WAIT_MS));
  g_assert_cmpint (ts_runner_get_state (runner, chat), ==, TS_RUN_STATE_FAILED);
  g_assert_cmpuint (ts_output_get_n_messages (ts_block_get_output (chat)), ==, 4);

  /* So does a cancelled one. */
  ts_fake_provider_script_prompt (fake, "slow")->delay_ms = 5000;
  g_assert_true (ts_runner_send_message (runner, chat, "slow", NULL));
  while (ts_fake_provider_get_in_flight (fake) == 0)
    g_main_context_iteration (NULL, TRUE);
  ts_runner_cancel (runner, chat);
  g_assert_cmpint (ts_runner_get_state (runner, chat), ==, TS_RUN_STATE_CANCELLED);
  g_assert_cmpuint (ts_output_get_n_messages (ts_block_get_output (chat)), ==, 4);
  g_assert_true (ts_fake_wait_idle (fake, WAIT_MS));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/runner/cancel/all-mid-stream", test_cancel_all_mid_stream);
  g_test_add_func ("/runner/cancel/one", test_cancel_one);
  g_test_add_func ("/runner/cancel/dispose-while-running", test_dispose_while_running);
  g_test_add_func ("/runner/cancel/remove-while-running", test_remove_while_running);
  g_test_add_func ("/runner/chat", test_chat);

  return g_test_run ();
}
