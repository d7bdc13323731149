/* bench-runner.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Times the runner against the scripted fake provider, two ways:
 *
 *   overhead:    a 1,000-widget playground of chains and fan-outs on an instant provider.
 *                The reference is the same number of requests sent straight to the same
 *                provider, as many at once as the runner allows; what the runner adds per
 *                widget (ordering, rendering, states, outputs, records) is the difference.
 *                Target: under 50 µs a widget.
 *   parallelism: 100 independent widgets of 50 ms each, 8 at once. The ideal is
 *                ceil(100 / 8) × 50 ms; the figure is the wall time over the ideal.
 *                Target: at most 1.2. */

#include "config.h"

#include "bench-stats.h"

#include <stdio.h>
#include <stdlib.h>

#include "fake-provider.h"
#include "ts-runner.h"
#include "ts-template.h"

#define OVERHEAD_WIDGETS 1000
#define OVERHEAD_TARGET_US 50.0
#define PARALLEL_WIDGETS 100
#define PARALLEL_LATENCY_MS 50
#define PARALLEL_CONCURRENCY 8
#define PARALLEL_TARGET 1.2
#define CHAIN_LENGTH 10
#define N_INPUTS 20

/* Inputs feed chains of text widgets; each widget continues the one before it in its
 * chain and draws on a shared input, and every fifth also on the head of the chain
 * before (a fan-out). Prompts stay short, as the reference's is. */
static TsPlayground *
build_graph (guint n_widgets)
{
  TsPlayground *playground = ts_playground_new ();
  g_autoptr(GPtrArray) inputs = g_ptr_array_new ();
  g_autoptr(GPtrArray) texts = g_ptr_array_new ();

  for (guint i = 0; i < N_INPUTS; i++)
    {
      TsBlock *input = ts_playground_add_block (playground, TS_BLOCK_KIND_INPUT);

      ts_block_set_string (input, TS_FIELD_DEFAULT_VALUE, "a harbour town");
      g_ptr_array_add (inputs, (gpointer) ts_block_get_id (input));
    }

  for (guint i = 0; i < n_widgets; i++)
    {
      TsBlock *block = ts_playground_add_block (playground, TS_BLOCK_KIND_TEXT);
      g_autoptr(GString) prompt = g_string_new ("Continue ");
      g_autofree char *hub = ts_template_mention (g_ptr_array_index (inputs, i % N_INPUTS));

      ts_block_set_string (block, TS_FIELD_MODEL, "m");
      if (i % CHAIN_LENGTH != 0)
        {
          g_autofree char *previous = ts_template_mention (g_ptr_array_index (texts, i - 1));

          g_string_append (prompt, previous);
        }
      g_string_append_printf (prompt, " in %s.", hub);
      if (i % 5 == 4 && i >= CHAIN_LENGTH)
        {
          guint head = (i / CHAIN_LENGTH - 1) * CHAIN_LENGTH;
          g_autofree char *other = ts_template_mention (g_ptr_array_index (texts, head));

          g_string_append_printf (prompt, " Recall %s.", other);
        }

      ts_block_set_string (block, TS_FIELD_PROMPT, prompt->str);
      g_ptr_array_add (texts, (gpointer) ts_block_get_id (block));
    }

  return playground;
}

static TsPlayground *
build_independent (guint n_widgets)
{
  TsPlayground *playground = ts_playground_new ();

  for (guint i = 0; i < n_widgets; i++)
    {
      TsBlock *block = ts_playground_add_block (playground, TS_BLOCK_KIND_TEXT);
      g_autofree char *prompt = g_strdup_printf ("Poem number %u", i);

      ts_block_set_string (block, TS_FIELD_MODEL, "m");
      ts_block_set_string (block, TS_FIELD_PROMPT, prompt);
    }

  return playground;
}

/* Runs every widget of @playground and returns the wall time in microseconds. */
static double
time_run (TsPlayground       *playground,
          TsProviderRegistry *registry,
          guint               concurrency)
{
  g_autoptr(TsRunner) runner = ts_runner_new (playground, registry);
  gint64 start;

  ts_runner_set_concurrency (runner, concurrency);
  start = g_get_monotonic_time ();
  if (!ts_runner_run (runner, NULL, TS_RUN_SCOPE_ALL, TS_RUN_FLAGS_NONE, NULL) ||
      !ts_fake_wait_finished (runner, 600000))
    g_error ("the run did not finish");

  for (guint i = 0; i < ts_playground_get_n_blocks (playground); i++)
    {
      TsBlock *block = ts_playground_get_block (playground, i);

      if (ts_block_get_kind (block) == TS_BLOCK_KIND_TEXT &&
          ts_runner_get_state (runner, block) != TS_RUN_STATE_DONE)
        g_error ("widget %s did not run", ts_block_get_id (block));
    }

  return g_get_monotonic_time () - start;
}

typedef struct
{
  TsProvider    *provider;
  TsTextRequest *request;
  guint          to_send;
  guint          in_flight;
} Direct;

static void send_next (Direct *direct);

static void
direct_chunk_cb (const char *chunk,
                 gpointer    user_data)
{
}

static void
direct_ready_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Direct *direct = user_data;
  g_autoptr(TsTextResult) text = ts_provider_generate_text_finish (TS_PROVIDER (object), result, NULL);

  g_assert (text != NULL);
  direct->in_flight--;
  send_next (direct);
}

static void
send_next (Direct *direct)
{
  if (direct->to_send == 0)
    return;

  direct->to_send--;
  direct->in_flight++;
  ts_provider_generate_text_async (direct->provider, direct->request, direct_chunk_cb, NULL,
                                   NULL, direct_ready_cb, direct);
}

/* The same number of requests straight to the provider, @concurrency at once. */
static double
time_direct (TsProvider *provider,
             guint       n_requests,
             guint       concurrency)
{
  Direct direct = { provider, ts_text_request_new ("m"), n_requests, 0 };
  gint64 start = g_get_monotonic_time ();

  ts_text_request_add_message (direct.request,
                               ts_message_new (TS_CHAT_ROLE_USER, "Continue the story in a harbour town."));
  for (guint i = 0; i < concurrency; i++)
    send_next (&direct);
  while (direct.in_flight > 0)
    g_main_context_iteration (NULL, TRUE);

  ts_text_request_unref (direct.request);
  return g_get_monotonic_time () - start;
}

int
main (int   argc,
      char *argv[])
{
  int n_runs = 7;
  const GOptionEntry entries[] = {
    { "runs", 'r', 0, G_OPTION_ARG_INT, &n_runs, "Number of timed runs of each", "N" },
    { NULL },
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TsProviderRegistry) registry = ts_provider_registry_new ();
  g_autoptr(TsFakeProvider) fake = ts_fake_provider_new ("ollama");
  g_autofree double *runner_us = NULL;
  g_autofree double *direct_us = NULL;
  g_autofree double *parallel_us = NULL;
  double runner_median, direct_median, overhead_us, parallel_median, ideal_us, ratio;
  gboolean ok;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "bench-runner: %s\n", error->message);
      return 2;
    }
  if (n_runs < 1 || n_runs > 1000)
    {
      fprintf (stderr, "bench-runner: --runs must be from 1 to 1000\n");
      return 2;
    }

  ts_provider_registry_add (registry, TS_PROVIDER (fake));
  runner_us = g_new (double, n_runs);
  direct_us = g_new (double, n_runs);
  parallel_us = g_new (double, n_runs);

  for (int i = 0; i < n_runs; i++)
    {
      g_autoptr(TsPlayground) graph = build_graph (OVERHEAD_WIDGETS);
      g_autoptr(TsPlayground) independent = build_independent (PARALLEL_WIDGETS);

      ts_fake_provider_script_model (fake, "m")->delay_ms = 0;
      direct_us[i] = time_direct (TS_PROVIDER (fake), OVERHEAD_WIDGETS, TS_RUNNER_DEFAULT_CONCURRENCY);
      runner_us[i] = time_run (graph, registry, TS_RUNNER_DEFAULT_CONCURRENCY);

      ts_fake_provider_script_model (fake, "m")->delay_ms = PARALLEL_LATENCY_MS;
      ts_fake_provider_reset (fake);
      parallel_us[i] = time_run (independent, registry, PARALLEL_CONCURRENCY);
      if (ts_fake_provider_get_max_in_flight (fake) != PARALLEL_CONCURRENCY)
        g_error ("%u requests were in flight at once, not %d",
                 ts_fake_provider_get_max_in_flight (fake), PARALLEL_CONCURRENCY);
      ts_fake_provider_reset (fake);
    }

  runner_median = bench_median (runner_us, n_runs);
  direct_median = bench_median (direct_us, n_runs);
  parallel_median = bench_median (parallel_us, n_runs);
  overhead_us = (runner_median - direct_median) / OVERHEAD_WIDGETS;
  ideal_us = (PARALLEL_WIDGETS + PARALLEL_CONCURRENCY - 1) / PARALLEL_CONCURRENCY * PARALLEL_LATENCY_MS * 1000.0;
  ratio = parallel_median / ideal_us;
  ok = overhead_us < OVERHEAD_TARGET_US && ratio <= PARALLEL_TARGET;

  printf ("runs                    %d, medians\n", n_runs);
  printf ("\n%d widgets in chains and fan-outs, instant provider, %d at once\n",
          OVERHEAD_WIDGETS, TS_RUNNER_DEFAULT_CONCURRENCY);
  printf ("  reference (direct)    %8.2f ms  the same number of requests sent straight to the provider\n",
          direct_median / 1000.0);
  printf ("  runner                %8.2f ms  (%.2f × reference)\n",
          runner_median / 1000.0, runner_median / direct_median);
  printf ("  engine overhead       %8.2f µs a widget  (target < %.0f µs: %s)\n",
          overhead_us, OVERHEAD_TARGET_US, overhead_us < OVERHEAD_TARGET_US ? "met" : "NOT met");
  printf ("\n%d independent widgets, %d ms each, %d at once\n",
          PARALLEL_WIDGETS, PARALLEL_LATENCY_MS, PARALLEL_CONCURRENCY);
  printf ("  ideal                 %8.2f ms  ceil(%d/%d) × %d ms\n",
          ideal_us / 1000.0, PARALLEL_WIDGETS, PARALLEL_CONCURRENCY, PARALLEL_LATENCY_MS);
  printf ("  runner                %8.2f ms\n", parallel_median / 1000.0);
  printf ("  wall time ÷ ideal     %8.3f     (target ≤ %.1f: %s)\n",
          ratio, PARALLEL_TARGET, ratio <= PARALLEL_TARGET ? "met" : "NOT met");

  return ok ? 0 : 1;
}
