/* test-runner.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "fake-provider.h"
#include "ts-format.h"
#include "ts-problem.h"
#include "ts-runner.h"
#include "ts-template.h"

/* The runner against the scripted fake provider: order, parallelism, staleness, the
 * cache, errors and their isolation, images for vision models. */

#define WAIT_MS 10000

typedef struct
{
  TsPlayground       *playground;
  TsProviderRegistry *registry;
  TsFakeProvider     *text;
  TsFakeProvider     *images;
  TsRunner           *runner;
} Fixture;

/* Whoever hears that a widget failed or was cancelled can already read why. */
static void
state_changed_cb (TsRunner   *runner,
                  TsBlock    *block,
                  TsRunState  state,
                  gpointer    user_data)
{
  if (state == TS_RUN_STATE_FAILED || state == TS_RUN_STATE_CANCELLED)
    g_assert_nonnull (ts_runner_get_error (runner, block));
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->playground = ts_playground_new ();
  f->registry = ts_provider_registry_new ();
  f->text = ts_fake_provider_new ("ollama");
  f->images = ts_fake_provider_new ("sd-webui");
  ts_provider_registry_add (f->registry, TS_PROVIDER (f->text));
  ts_provider_registry_add (f->registry, TS_PROVIDER (f->images));
  f->runner = ts_runner_new (f->playground, f->registry);
  g_signal_connect (f->runner, "state-changed", G_CALLBACK (state_changed_cb), NULL);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_assert_true (ts_fake_wait_idle (f->text, WAIT_MS));
  g_assert_true (ts_fake_wait_idle (f->images, WAIT_MS));
  g_assert_finalize_object (f->runner);
  g_assert_finalize_object (f->playground);
  g_object_unref (f->registry);
  g_assert_finalize_object (f->text);
  g_assert_finalize_object (f->images);
}

static void
run_all (Fixture    *f,
         TsRunScope  scope)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (ts_runner_run (f->runner, NULL, scope, TS_RUN_FLAGS_NONE, &error));
  g_assert_no_error (error);
  g_assert_true (ts_fake_wait_finished (f->runner, WAIT_MS));
}

static const char *
text_of (TsBlock *block)
{
  TsOutput *output = ts_block_get_output (block);

  return output != NULL ? ts_output_get_text (output) : NULL;
}

static TsFakeCall *
call_for (TsFakeProvider *fake,
          const char     *piece)
{
  GPtrArray *calls = ts_fake_provider_get_calls (fake);
  TsFakeCall *found = NULL;

  for (guint i = 0; i < calls->len; i++)
    {
      TsFakeCall *call = g_ptr_array_index (calls, i);

      if (g_str_has_prefix (call->prompt, piece))
        {
          g_assert_null (found);
          found = call;
        }
    }

  return found;
}

static void
test_order (Fixture       *f,
            gconstpointer  data)
{
  TsBlock *idea = ts_fake_add_block (f->playground, TS_BLOCK_KIND_INPUT, "Idea", NULL);
  TsBlock *story, *brief, *title, *other;
  TsFakeCall *a, *b, *c;

  ts_block_set_string (idea, TS_FIELD_DEFAULT_VALUE, "a dragon");
  story = ts_fake_add_block (f->playground, TS_BLOCK_KIND_TEXT, "Story", "story of {Idea}");
  brief = ts_fake_add_block (f->playground, TS_BLOCK_KIND_TEXT, "Brief", "brief of {Story}");
  title = ts_fake_add_block (f->playground, TS_BLOCK_KIND_TEXT, "Title", "title for {Brief} and {Story}");
  other = ts_fake_add_block (f->playground, TS_BLOCK_KIND_TEXT, "Other", "unrelated");
  /* The file order is not the run order. */
  ts_playground_move_block (f->playground, title, 0);
  ts_playground_move_block (f->playground, brief, 1);

  ts_fake_provider_script_model (f->text, "m")->delay_ms = 20;
  run_all (f, TS_RUN_SCOPE_ALL);

  g_assert_cmpstr (text_of (story), ==, "[m] story of a dragon");
  g_assert_cmpstr (text_of (brief), ==, "[m] brief of [m] story of a dragon");
  g_assert_cmpstr (text_of (title), ==,
                   "[m] title for [m] brief of [m] story of a dragon and [m] story of a dragon");
  g_assert_cmpstr (text_of (other), ==, "[m] unrelated");

  a = call_for (f->text, "story of a dragon");
  b = call_for (f->text, "brief of");
  c = call_for (f->text, "title for");
  g_assert_cmpuint (ts_fake_provider_get_n_calls (f->text), ==, 4);
  g_assert_cmpint (a->end_us, <=, b->start_us);
  g_assert_cmpint (b->end_us, <=, c->start_us);
  g_assert_cmpint (ts_runner_get_state (f->runner, title), ==, TS_RUN_STATE_DONE);
  g_assert_cmpint (ts_runner_get_state (f->runner, idea), ==, TS_RUN_STATE_IDLE);
}

static void
test_concurrency_limit (Fixture       *f,
                        gconstpointer  data)
{
  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *title = g_strdup_printf ("T%u", i);
      g_autofree char *prompt = g_strdup_printf ("prompt %u", i);

      ts_fake_add_block (f->playground, TS_BLOCK_KIND_TEXT, title, prompt);
    }

  ts_fake_provider_script_model (f->text, "m")->delay_ms = 30;
  ts_runner_set_concurrency (f->runner, 3);
  run_all (f, TS_RUN_SCOPE_ALL);

  g_assert_cmpuint (ts_fake_provider_get_n_calls (f->text), ==, 10);
  g_assert_cmpuint (ts_fake_provider_get_max_in_flight (f->text), ==, 3);
}

static void
test_overlap (Fixture       *f,
              gconstpointer  data)
{
  TsFakeCall *a, *b;

  ts_fake_add_block (f->playground, TS_BLOCK_KIND_TEXT, "A", "first");
  ts_fake_add_block (f->playground, TS_BLOCK_KIND_TEXT, "B", "second");
  ts_fake_provider_script_model (f->text, "m")->delay_ms = 100;
  run_all (f, TS_RUN_SCOPE_ALL);

  a = call_for (f->text, "first");
  b = call_for (f->text, "second");
  g_assert_cmpint (a->start_us, <, b->end_us);
  g_assert_cmpint (b->start_us, <, a->end_us);
  g_assert_cmpuint (ts_fake_provider_get_max_in_flight (f->text), ==, 2);
}

static void
test_stale (Fixture       *f,
            gconstpointer  data)
{
  TsBlock *idea = ts_fake_add_block (f->playground, TS_BLOCK_KIND_INPUT, "Idea", NULL);
  TsBlock *mood = ts_fake_add_block (f->playground, TS_BLOCK_KIND_INPUT, "Mood", NULL);
  TsBlock *story = ts_fake_add_block (f->playground, TS_BLOCK_KIND_TEXT, "Story", "story of {Idea}");
  TsBlock *review = ts_fake_add_block (f->playground, TS_BLOCK_KIND_TEXT, "Review", "review {Story}");
  TsBlock *poem = ts_fake_add_block (f->playground, TS_BLOCK_KIND_TEXT, "Poem", "poem in {Mood}");
  g_autoptr(TsOutput) typed = ts_output_new ();

  ts_block_set_string (idea, TS_FIELD_DEFAULT_VALUE, "a cat");
  ts_block_set_string (mood, TS_FIELD_DEFAULT_VALUE, "joy");
  run_all (f, TS_RUN_SCOPE_ALL);
  g_assert_cmpuint (ts_fake_provider_get_n_calls (f->text), ==, 3);

  /* The user types into the input: its output now holds the value. */
  ts_block_set_output (idea, typed);
  ts_output_set_text (typed, "a dog");
  g_assert_cmpint (ts_runner_get_state (f->runner, story), ==, TS_RUN_STATE_STALE);
  g_assert_cmpint (ts_runner_get_state (f->runner, review), ==, TS_RUN_STATE_STALE);
  g_assert_cmpint (ts_runner_get_state (f->runner, poem), ==, TS_RUN_STATE_DONE);

  /* The default no longer matters while something is typed. */
  ts_block_set_string (mood, TS_FIELD_PLACEHOLDER, "how it feels");
  ts_block_set_string (idea, TS_FIELD_DEFAULT_VALUE, "a bird");
  ts_block_set_title (poem, "Verse");
  g_assert_cmpint (ts_runner_get_state (f->runner, poem), ==, TS_RUN_STATE_DONE);

  ts_fake_provider_reset (f->text);
  run_all (f, TS_RUN_SCOPE_OUTDATED);
  g_assert_cmpuint (ts_fake_provider_get_n_calls (f->text), ==, 2);
  g_assert_nonnull (call_for (f->text, "story of a dog"));
  g_assert_nonnull (call_for (f->text, "review [m] story of a dog"));
  g_assert_cmpint (ts_runner_get_state (f->runner, review), ==, TS_RUN_STATE_DONE);

  /* Editing a prompt makes that widget and what follows it stale, nothing else. */
  ts_block_set_double (story, TS_FIELD_TEMPERATURE, 0.2);
  g_assert_cmpint (ts_runner_get_state (f->runner, story), ==, TS_RUN_STATE_STALE);
  g_assert_cmpint (ts_runner_get_state (f->runner, review), ==, TS_RUN_STATE_STALE);
  g_assert_cmpint (ts_runner_get_state (f->runner, poem), ==, TS_RUN_STATE_DONE);
  ts_block_set_string (review, TS_FIELD_PROMPT, "critique");
  ts_block_set_string (poem, TS_FIELD_PROMPT, "ode");
  g_assert_cmpint (ts_runner_get_state (f->runner, poem), ==, TS_RUN_STATE_STALE);
}

static void
test_scopes (Fixture       *f,
             gconstpointer  data)
{
  TsBlock *idea = ts_fake_add_block (f->playground, TS_BLOCK_KIND_INPUT, "Idea", NULL);
  TsBlock *story = ts_fake_add_block (f->playground, TS_BLOCK_KIND_TEXT, "Story", "story of {Idea}");
  TsBlock *review = ts_fake_add_block (f->playground, TS_BLOCK_KIND_TEXT, "Review", "review {Story}");
  TsBlock *poem = ts_fake_add_block (f->playground, TS_BLOCK_KIND_TEXT, "Poem", "a poem");
  g_autoptr(GError) error = NULL;

  /* One widget runs what it needs first, and nothing else. */
  g_assert_true (ts_runner_run (f->runner, review, TS_RUN_SCOPE_WIDGET, 0, &error));
  g_assert_true (ts_fake_wait_finished (f->runner, WAIT_MS));
  g_assert_cmpuint (ts_fake_provider_get_n_calls (f->text), ==, 2);
  g_assert_cmpint (ts_runner_get_state (f->runner, story), ==, TS_RUN_STATE_DONE);
  g_assert_cmpint (ts_runner_get_state (f->runner, poem), ==, TS_RUN_STATE_IDLE);

  /* Downstream of an input: what depends on it, however far. */
  ts_fake_provider_reset (f->text);
  g_assert_true (ts_runner_run (f->runner, idea, TS_RUN_SCOPE_DOWNSTREAM, 0, &error));
  g_assert_true (ts_fake_wait_finished (f->runner, WAIT_MS));
  g_assert_cmpuint (ts_fake_provider_get_n_calls (f->text), ==, 2);
  g_assert_null (call_for (f->text, "a poem"));

  /* Downstream of a widget: itself and what follows, its up-to-date upstream left be. */
  ts_fake_provider_reset (f->text);
  g_assert_true (ts_runner_run (f->runner, review, TS_RUN_SCOPE_DOWNSTREAM, 0, &error));
  g_assert_true (ts_fake_wait_finished (f->runner, WAIT_MS));
  g_assert_cmpuint (ts_fake_provider_get_n_calls (f->text), ==, 1);
  g_assert_nonnull (call_for (f->text, "review"));

  /* Outdated: only what has no up-to-date output. */
  ts_fake_provider_reset (f->text);
  g_assert_true (ts_runner_run (f->runner, NULL, TS_RUN_SCOPE_OUTDATED, 0, &error));
  g_assert_true (ts_fake_wait_finished (f->runner, WAIT_MS));
  g_assert_cmpuint (ts_fake_provider_get_n_calls (f->text), ==, 1);
  g_assert_nonnull (call_for (f->text, "a poem"));
  g_assert_no_error (error);
}

static void
test_auto_run (Fixture       *f,
               gconstpointer  data)
{
  TsBlock *idea = ts_fake_add_block (f->playground, TS_BLOCK_KIND_INPUT, "Idea", NULL);
  TsBlock *other = ts_fake_add_block (f->playground, TS_BLOCK_KIND_INPUT, "Other", NULL);
  TsBlock *story = ts_fake_add_block (f->playground, TS_BLOCK_KIND_TEXT, "Story", "story of {Idea}");
  TsBlock *review = ts_fake_add_block (f->playground, TS_BLOCK_KIND_TEXT, "Review", "review {Story}");
  TsBlock *aside = ts_fake_add_block (f->playground, TS_BLOCK_KIND_TEXT, "Aside", "aside on {Other}");
  g_autoptr(TsOutput) typed = ts_output_new ();
  gint64 changed_at;

  ts_block_set_string (other, TS_FIELD_DEFAULT_VALUE, "sun");
  ts_block_set_output (idea, typed);
  ts_output_set_text (typed, "rain");
  run_all (f, TS_RUN_SCOPE_ALL);
  ts_fake_provider_reset (f->text);

  g_assert_cmpuint (ts_runner_get_debounce_ms (f->runner), ==, TS_RUNNER_DEFAULT_DEBOUNCE_MS);
  ts_runner_set_debounce_ms (f->runner, 80);
  ts_runner_set_auto_run (f->runner, TRUE);

  /* Two quick edits make one run, with the last value. */
  changed_at = g_get_monotonic_time ();
  ts_output_set_text (typed, "snow");
  ts_output_set_text (typed, "hail");
  g_assert_false (ts_runner_get_busy (f->runner));
  while (!ts_runner_get_busy (f->runner))
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (g_get_monotonic_time () - changed_at, >=, 80 * 1000);
  g_assert_true (ts_fake_wait_finished (f->runner, WAIT_MS));

  g_assert_cmpuint (ts_fake_provider_get_n_calls (f->text), ==, 2);
  g_assert_cmpstr (text_of (story), ==, "[m] story of hail");
  g_assert_cmpstr (text_of (review), ==, "[m] review [m] story of hail");
  g_assert_cmpint (ts_runner_get_state (f->runner, aside), ==, TS_RUN_STATE_DONE);
  g_assert_cmpstr (text_of (aside), ==, "[m] aside on sun");
}

static void
test_cache (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(TsCache) cache = ts_cache_new (NULL, 0);
  TsBlock *story = ts_fake_add_block (f->playground, TS_BLOCK_KIND_TEXT, "Story", "once");
  TsBlock *review = ts_fake_add_block (f->playground, TS_BLOCK_KIND_TEXT, "Review", "review {Story}");
  TsBlock *picture = ts_fake_add_block (f->playground, TS_BLOCK_KIND_IMAGE, "Picture", "a cat");
  g_autoptr(GError) error = NULL;
  TsRunRecord *record;
  gint64 seed;

  ts_runner_set_cache (f->runner, cache);
  run_all (f, TS_RUN_SCOPE_ALL);
  g_assert_cmpuint (ts_fake_provider_get_n_calls (f->text), ==, 2);
  g_assert_cmpuint (ts_fake_provider_get_n_calls (f->images), ==, 1);
  g_assert_cmpint (ts_runner_get_record (f->runner, story)->outcome, ==, TS_RUN_OUTCOME_SUCCEEDED);

  /* The random seed the provider used is recorded on the image and the run. */
  g_assert_cmpuint (ts_output_get_n_images (ts_block_get_output (picture)), ==, 1);
  ts_output_get_image (ts_block_get_output (picture), 0, &seed);
  g_assert_cmpint (seed, ==, 4242);
  g_assert_cmpint (ts_runner_get_record (f->runner, picture)->seed, ==, 4242);

  /* Unchanged: answered from the cache. */
  run_all (f, TS_RUN_SCOPE_ALL);
  g_assert_cmpuint (ts_fake_provider_get_n_calls (f->text), ==, 2);
  g_assert_cmpuint (ts_fake_provider_get_n_calls (f->images), ==, 1);
  record = ts_runner_get_record (f->runner, review);
  g_assert_cmpint (record->outcome, ==, TS_RUN_OUTCOME_CACHED);
  g_assert_true (ts_output_get_run_record (ts_block_get_output (review)) == record);
  g_assert_cmpstr (text_of (review), ==, "[m] review [m] once");
  ts_output_get_image (ts_block_get_output (picture), 0, &seed);
  g_assert_cmpint (seed, ==, 4242);

  /* Regenerate bypasses the cache for the widget asked. */
  g_assert_true (ts_runner_run (f->runner, story, TS_RUN_SCOPE_WIDGET, TS_RUN_FLAGS_REGENERATE, &error));
  g_assert_true (ts_fake_wait_finished (f->runner, WAIT_MS));
  g_assert_cmpuint (ts_fake_provider_get_n_calls (f->text), ==, 3);
  g_assert_cmpint (ts_runner_get_state (f->runner, review), ==, TS_RUN_STATE_STALE);

  /* A changed parameter misses. */
  ts_block_set_int (story, TS_FIELD_MAX_TOKENS, 77);
  run_all (f, TS_RUN_SCOPE_OUTDATED);
  g_assert_cmpuint (ts_fake_provider_get_n_calls (f->text), ==, 4);
  g_assert_cmpint (ts_runner_get_record (f->runner, review)->outcome, ==, TS_RUN_OUTCOME_CACHED);
  g_assert_cmpint (ts_fake_provider_get_last_text (f->text)->max_tokens, ==, 77);
}

static void
test_failure_is_cached_never (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(TsCache) cache = ts_cache_new (NULL, 0);
  TsBlock *story = ts_fake_add_block (f->playground, TS_BLOCK_KIND_TEXT, "Story", "once");
  TsFakeScript *script = ts_fake_provider_script_model (f->text, "m");

  ts_fake_script_set_chunks (script, "part", "ial", NULL);
  ts_fake_script_set_failure (script, TS_PROVIDER_ERROR_SERVER, "the server fell over");
  ts_runner_set_cache (f->runner, cache);
  run_all (f, TS_RUN_SCOPE_ALL);
  g_assert_cmpint (ts_runner_get_state (f->runner, story), ==, TS_RUN_STATE_FAILED);
  g_assert_cmpstr (text_of (story), ==, "partial");
  g_assert_cmpint (ts_runner_get_record (f->runner, story)->outcome, ==, TS_RUN_OUTCOME_FAILED);

  script->fail = FALSE;
  run_all (f, TS_RUN_SCOPE_ALL);
  g_assert_cmpuint (ts_fake_provider_get_n_calls (f->text), ==, 2);
  g_assert_cmpint (ts_runner_get_state (f->runner, story), ==, TS_RUN_STATE_DONE);
}

static void
test_errors_stay_local (Fixture       *f,
                        gconstpointer  data)
{
  TsBlock *story = ts_fake_add_block (f->playground, TS_BLOCK_KIND_TEXT, "Story", "fail here");
  TsBlock *review = ts_fake_add_block (f->playground, TS_BLOCK_KIND_TEXT, "Review", "review {Story}");
  TsBlock *summary = ts_fake_add_block (f->playground, TS_BLOCK_KIND_TEXT, "Summary", "sum {Review}");
  TsBlock *poem = ts_fake_add_block (f->playground, TS_BLOCK_KIND_TEXT, "Poem", "a poem");
  TsBlock *ode = ts_fake_add_block (f->playground, TS_BLOCK_KIND_TEXT, "Ode", "ode on {Poem}");
  g_autofree char *status = NULL;

  ts_fake_script_set_failure (ts_fake_provider_script_prompt (f->text, "fail here"),
                              TS_PROVIDER_ERROR_NOT_FOUND, "model \"m\" is not installed");
  ts_fake_provider_script_model (f->text, "m")->delay_ms = 30;
  run_all (f, TS_RUN_SCOPE_ALL);

  g_assert_cmpint (ts_runner_get_state (f->runner, story), ==, TS_RUN_STATE_FAILED);
  g_assert_error (ts_runner_get_error (f->runner, story), TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_NOT_FOUND);
  g_assert_cmpint (ts_runner_get_state (f->runner, review), ==, TS_RUN_STATE_WAITING);
  g_assert_cmpint (ts_runner_get_state (f->runner, summary), ==, TS_RUN_STATE_WAITING);
  g_assert_true (ts_runner_get_waiting_on (f->runner, summary) == story);
  status = ts_runner_dup_status (f->runner, summary);
  g_assert_cmpstr (status, ==, "waiting on Story");
  g_assert_cmpint (ts_runner_get_state (f->runner, poem), ==, TS_RUN_STATE_DONE);
  g_assert_cmpint (ts_runner_get_state (f->runner, ode), ==, TS_RUN_STATE_DONE);
  g_assert_cmpuint (ts_fake_provider_get_n_calls (f->text), ==, 3);
  g_assert_null (call_for (f->text, "review"));
}

static void
test_setup_errors (Fixture       *f,
                   gconstpointer  data)
{
  TsBlock *no_model = ts_fake_add_block (f->playground, TS_BLOCK_KIND_TEXT, "Story", "once");
  TsBlock *bad_provider = ts_fake_add_block (f->playground, TS_BLOCK_KIND_TEXT, "Poem", "verse");
  TsBlock *picture = ts_fake_add_block (f->playground, TS_BLOCK_KIND_IMAGE, "Picture", "a cat");
  TsBlock *again = ts_fake_add_block (f->playground, TS_BLOCK_KIND_IMAGE, "Again", "like {Picture}");
  TsBlock *empty = ts_fake_add_block (f->playground, TS_BLOCK_KIND_TEXT, "Empty", "  ");

  ts_block_set_string (no_model, TS_FIELD_MODEL, "");
  ts_block_set_string (bad_provider, TS_FIELD_PROVIDER, "bedrock");
  run_all (f, TS_RUN_SCOPE_ALL);

  g_assert_cmpstr (ts_runner_get_error (f->runner, no_model)->message, ==,
                   "no model chosen for “Story”: choose one on the widget or set the playground's text model");
  g_assert_cmpstr (ts_runner_get_error (f->runner, bad_provider)->message, ==,
                   "the provider “bedrock” chosen for “Poem” is not available");
  g_assert_cmpstr (ts_runner_get_error (f->runner, again)->message, ==,
                   "“Picture” is an image: an image widget's prompt can only mention text");
  g_assert_cmpstr (ts_runner_get_error (f->runner, empty)->message, ==,
                   "the prompt of “Empty” is empty");
  g_assert_cmpint (ts_runner_get_state (f->runner, picture), ==, TS_RUN_STATE_DONE);

  /* The playground's model and provider fill in for the widget's. */
  ts_playground_set_setting (f->playground, "text-model", "fallback");
  g_assert_true (ts_runner_run (f->runner, no_model, TS_RUN_SCOPE_WIDGET, 0, NULL));
  g_assert_true (ts_fake_wait_finished (f->runner, WAIT_MS));
  g_assert_cmpstr (text_of (no_model), ==, "[fallback] once");
}

static void
test_cycle (Fixture       *f,
            gconstpointer  data)
{
  TsBlock *a = ts_fake_add_block (f->playground, TS_BLOCK_KIND_TEXT, "A", "x");
  TsBlock *b = ts_fake_add_block (f->playground, TS_BLOCK_KIND_TEXT, "B", "from {A}");
  g_autoptr(GError) error = NULL;
  g_autofree char *mention = ts_template_mention (ts_block_get_id (b));

  ts_fake_add_block (f->playground, TS_BLOCK_KIND_TEXT, "C", "free");
  ts_block_set_string (a, TS_FIELD_PROMPT, mention);
  g_assert_false (ts_runner_run (f->runner, NULL, TS_RUN_SCOPE_ALL, 0, &error));
  g_assert_error (error, TS_RUNNER_ERROR, TS_RUNNER_ERROR_CYCLE);
  g_assert_cmpstr (error->message, ==, "mentions form a cycle: A → B → A");
  g_assert_false (ts_runner_get_busy (f->runner));
  g_assert_cmpint (ts_runner_get_state (f->runner, a), ==, TS_RUN_STATE_IDLE);
}

static void
test_vision (Fixture       *f,
             gconstpointer  data)
{
  TsBlock *picture = ts_fake_add_block (f->playground, TS_BLOCK_KIND_IMAGE, "Picture", "a cat");
  TsBlock *caption = ts_fake_add_block (f->playground, TS_BLOCK_KIND_TEXT, "Caption", "describe {Picture}");
  TsFakeCall *call;
  TsTextRequest *request;
  TsMessage *message;

  ts_fake_provider_add_model (f->text, "llava:latest", TS_MODEL_TEXT | TS_MODEL_IMAGE_INPUT);
  ts_fake_provider_add_model (f->text, "m", TS_MODEL_TEXT);
  ts_block_set_string (caption, TS_FIELD_MODEL, "llava");
  run_all (f, TS_RUN_SCOPE_ALL);

  g_assert_cmpint (ts_runner_get_state (f->runner, caption), ==, TS_RUN_STATE_DONE);
  call = call_for (f->text, "describe");
  g_assert_cmpuint (call->n_images, ==, 1);
  g_assert_cmpstr (call->prompt, ==, "describe [image: Picture]");
  request = ts_fake_provider_get_last_text (f->text);
  message = g_ptr_array_index (request->messages, 0);
  g_assert_true (g_bytes_equal (g_ptr_array_index (message->images, 0),
                                ts_output_get_image (ts_block_get_output (picture), 0, NULL)));

  /* A model the provider lists without vision is refused before any request. */
  ts_block_set_string (caption, TS_FIELD_MODEL, "m");
  ts_fake_provider_reset (f->text);
  run_all (f, TS_RUN_SCOPE_OUTDATED);
  g_assert_cmpuint (ts_fake_provider_get_n_calls (f->text), ==, 0);
  g_assert_cmpint (ts_runner_get_state (f->runner, caption), ==, TS_RUN_STATE_FAILED);
  g_assert_error (ts_runner_get_error (f->runner, caption), TS_RUNNER_ERROR, TS_RUNNER_ERROR_NO_VISION);
  g_assert_cmpstr (ts_runner_get_error (f->runner, caption)->message, ==,
                   "m cannot read images; choose a vision model for “Caption”, or mention “Picture” no more");
  /* The model list was asked once and remembered. */
  g_assert_cmpuint (ts_fake_provider_get_n_list_calls (f->text), ==, 0);

  /* A model the provider does not list: its own refusal, explained. */
  ts_block_set_string (caption, TS_FIELD_MODEL, "mystery");
  ts_fake_script_set_failure (ts_fake_provider_script_model (f->text, "mystery"),
                              TS_PROVIDER_ERROR_UNSUPPORTED, "no vision here");
  run_all (f, TS_RUN_SCOPE_OUTDATED);
  g_assert_cmpuint (ts_fake_provider_get_n_calls (f->text), ==, 1);
  g_assert_error (ts_runner_get_error (f->runner, caption), TS_RUNNER_ERROR, TS_RUNNER_ERROR_NO_VISION);
  g_assert_cmpstr (ts_runner_get_error (f->runner, caption)->message, ==,
                   "mystery cannot read images; choose a vision model for “Caption”, or mention “Picture” no more (no vision here)");
}

static void
test_document_cap (Fixture       *f,
                   gconstpointer  data)
{
  TsBlock *document = ts_fake_add_block (f->playground, TS_BLOCK_KIND_DOCUMENT, "Report", NULL);
  TsBlock *notes = ts_fake_add_block (f->playground, TS_BLOCK_KIND_STATIC_TEXT, "Notes", NULL);
  GString *content = g_string_new (NULL);
  g_autofree char *value = NULL;
  TsFakeCall *call;

  for (guint i = 0; i < TS_RUNNER_DOCUMENT_MAX_CHARS + 500; i++)
    g_string_append (content, i % 2 == 0 ? "é" : "x");
  ts_block_set_string (document, TS_FIELD_CONTENT, content->str);
  ts_block_set_string (notes, TS_FIELD_CONTENT, "keep it short");
  ts_fake_add_block (f->playground, TS_BLOCK_KIND_TEXT, "Summary", "{Notes}: {Report}");

  value = ts_runner_dup_value (f->runner, document);
  g_assert_true (g_str_has_suffix (value, "[… document “Report” truncated: 100000 of 100500 characters shown]"));
  g_assert_cmpint (g_utf8_strlen (value, -1), <, TS_RUNNER_DOCUMENT_MAX_CHARS + 100);

  run_all (f, TS_RUN_SCOPE_ALL);
  call = call_for (f->text, "keep it short: éxéx");
  g_assert_nonnull (call);
  g_assert_true (g_str_has_suffix (call->prompt, "characters shown]"));
  g_string_free (content, TRUE);
}

static void
append_chunk_cb (TsRunner   *runner,
                 TsBlock    *block,
                 const char *chunk,
                 GString    *streamed)
{
  /* The output already holds the chunk when the signal says so. */
  g_string_append (streamed, chunk);
  g_assert_cmpstr (ts_output_get_text (ts_block_get_output (block)), ==, streamed->str);
}

static void
test_record (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GString) streamed = g_string_new (NULL);
  TsBlock *story = ts_fake_add_block (f->playground, TS_BLOCK_KIND_TEXT, "Story", "once");
  TsFakeScript *script = ts_fake_provider_script_model (f->text, "m");
  TsRunRecord *record;
  double temperature;
  gint64 max_tokens;

  script->delay_ms = 40;
  script->chunk_delay_ms = 40;
  ts_fake_script_set_chunks (script, "Once ", "upon", NULL);
  ts_block_set_double (story, TS_FIELD_TEMPERATURE, 0.25);
  g_signal_connect (f->runner, "chunk", G_CALLBACK (append_chunk_cb), streamed);
  run_all (f, TS_RUN_SCOPE_ALL);
  g_assert_cmpstr (streamed->str, ==, "Once upon");

  record = ts_runner_get_record (f->runner, story);
  g_assert_nonnull (record);
  g_assert_cmpstr (record->provider, ==, "ollama");
  g_assert_cmpstr (record->model, ==, "m");
  g_assert_cmpint (record->input_tokens, ==, 11);
  g_assert_cmpint (record->output_tokens, ==, 7);
  g_assert_cmpint (record->first_chunk_us, >=, 40000);
  g_assert_cmpint (record->total_us, >=, 80000);
  g_assert_cmpint (record->total_us, >, record->first_chunk_us);
  g_assert_nonnull (record->started);
  g_assert_cmpint (g_date_time_compare (record->started, record->ended), <=, 0);
  g_assert_true (g_variant_lookup (record->parameters, "temperature", "d", &temperature));
  g_assert_cmpfloat (temperature, ==, 0.25);
  g_assert_true (g_variant_lookup (record->parameters, "max_tokens", "x", &max_tokens));
  g_assert_cmpint (max_tokens, ==, 1024);
  g_assert_cmpstr (text_of (story), ==, "Once upon");
  g_assert_true (ts_output_get_run_record (ts_block_get_output (story)) == record);
}

static void
test_snapshot (Fixture       *f,
               gconstpointer  data)
{
  TsBlock *story = ts_fake_add_block (f->playground, TS_BLOCK_KIND_TEXT, "Story", "once");
  TsBlock *picture = ts_fake_add_block (f->playground, TS_BLOCK_KIND_IMAGE, "Picture", "{Story}");
  g_autoptr(GBytes) saved = NULL;
  g_autoptr(GBytes) again = NULL;
  g_autoptr(GPtrArray) problems = ts_problems_new ();
  g_autoptr(TsPlayground) loaded = NULL;
  g_autofree char *broken = NULL;
  TsRunRecord *original, *record;
  g_auto(GStrv) stop = NULL;
  double temperature;

  ts_block_set_strv (story, TS_FIELD_STOP_SEQUENCES, (const char * const[]) { "THE END", NULL });
  run_all (f, TS_RUN_SCOPE_ALL);

  /* Records travel with the outputs into a snapshot, and back. */
  saved = ts_format_save_bytes (f->playground, TS_FORMAT_SAVE_OUTPUTS);
  g_assert_nonnull (strstr (g_bytes_get_data (saved, NULL), "\"outcome\": \"succeeded\""));
  loaded = ts_format_load_data (g_bytes_get_data (saved, NULL), g_bytes_get_size (saved), problems);
  g_assert_nonnull (loaded);
  g_assert_cmpuint (problems->len, ==, 0);

  original = ts_runner_get_record (f->runner, story);
  record = ts_output_get_run_record (ts_block_get_output (ts_playground_lookup_block (loaded, ts_block_get_id (story))));
  g_assert_nonnull (record);
  g_assert_cmpstr (record->provider, ==, "ollama");
  g_assert_cmpstr (record->model, ==, "m");
  g_assert_cmpint (record->input_tokens, ==, 11);
  g_assert_cmpint (record->total_us, ==, original->total_us);
  g_assert_cmpint (record->first_chunk_us, ==, original->first_chunk_us);
  g_assert_true (g_date_time_equal (record->started, original->started));
  g_assert_true (g_variant_lookup (record->parameters, "temperature", "d", &temperature));
  g_assert_cmpfloat (temperature, ==, 0.7);
  g_assert_true (g_variant_lookup (record->parameters, "stop", "^as", &stop));
  g_assert_cmpstr (stop[0], ==, "THE END");
  record = ts_output_get_run_record (ts_block_get_output (ts_playground_lookup_block (loaded, ts_block_get_id (picture))));
  g_assert_cmpint (record->seed, ==, 4242);

  /* Saving what was loaded gives the same bytes. */
  again = ts_format_save_bytes (loaded, TS_FORMAT_SAVE_OUTPUTS);
  g_assert_true (g_bytes_equal (saved, again));

  /* A damaged record is a problem with a path, not a crash. */
  broken = g_strdup (g_bytes_get_data (saved, NULL));
  memcpy (strstr (broken, "\"succeeded\""), "\"succeedex\"", strlen ("\"succeedex\""));
  g_clear_object (&loaded);
  loaded = ts_format_load_data (broken, strlen (broken), problems);
  g_assert_null (loaded);
  g_assert_cmpuint (problems->len, ==, 1);
  g_assert_cmpstr (((TsProblem *) g_ptr_array_index (problems, 0))->message, ==,
                   "is \"succeedex\"; it must be \"succeeded\", \"cached\", \"failed\" or \"cancelled\"");
  g_assert_true (g_str_has_suffix (((TsProblem *) g_ptr_array_index (problems, 0))->path, ".run.outcome"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/runner/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("order", test_order);
  ADD ("concurrency-limit", test_concurrency_limit);
  ADD ("overlap", test_overlap);
  ADD ("stale", test_stale);
  ADD ("scopes", test_scopes);
  ADD ("auto-run", test_auto_run);
  ADD ("cache", test_cache);
  ADD ("failure-is-cached-never", test_failure_is_cached_never);
  ADD ("errors-stay-local", test_errors_stay_local);
  ADD ("setup-errors", test_setup_errors);
  ADD ("cycle", test_cycle);
  ADD ("vision", test_vision);
  ADD ("document-cap", test_document_cap);
  ADD ("record", test_record);
  ADD ("snapshot", test_snapshot);

#undef ADD

  return g_test_run ();
}
