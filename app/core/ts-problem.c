/* ts-problem.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ts-problem.h"

G_DEFINE_BOXED_TYPE (TsProblem, ts_problem, ts_problem_copy, ts_problem_free)

TsProblem *
ts_problem_new (TsSeverity  severity,
                const char *path,
                const char *message)
{
  TsProblem *problem;

  g_return_val_if_fail (message != NULL, NULL);

  problem = g_new0 (TsProblem, 1);
  problem->severity = severity;
  problem->path = (path != NULL && *path != '\0') ? g_strdup (path) : NULL;
  problem->message = g_strdup (message);

  return problem;
}

TsProblem *
ts_problem_copy (const TsProblem *problem)
{
  g_return_val_if_fail (problem != NULL, NULL);

  return ts_problem_new (problem->severity, problem->path, problem->message);
}

void
ts_problem_free (TsProblem *problem)
{
  if (problem == NULL)
    return;

  g_free (problem->path);
  g_free (problem->message);
  g_free (problem);
}

/**
 * ts_problem_to_string:
 * @problem: a #TsProblem
 *
 * Formats @problem as `PATH: reason`, with `warning: ` before the reason of a warning.
 *
 * Returns: (transfer full): a new string
 */
char *
ts_problem_to_string (const TsProblem *problem)
{
  const char *prefix;

  g_return_val_if_fail (problem != NULL, NULL);

  prefix = problem->severity == TS_SEVERITY_WARNING ? "warning: " : "";

  if (problem->path != NULL)
    return g_strdup_printf ("%s: %s%s", problem->path, prefix, problem->message);

  return g_strdup_printf ("%s%s", prefix, problem->message);
}

/**
 * ts_problems_format:
 * @problems: (element-type TsProblem): the problems
 * @prefix: (nullable): text put before each line, such as a file name
 *
 * Formats @problems one a line, each as ts_problem_to_string() does, after `@prefix: `
 * when @prefix is given. This is what `tessera-cli validate` prints.
 *
 * Returns: (transfer full): the lines, each ending in a newline; "" for no problems
 */
char *
ts_problems_format (GPtrArray  *problems,
                    const char *prefix)
{
  GString *out;

  g_return_val_if_fail (problems != NULL, NULL);

  out = g_string_new (NULL);
  for (guint i = 0; i < problems->len; i++)
    {
      g_autofree char *line = ts_problem_to_string (g_ptr_array_index (problems, i));

      if (prefix != NULL)
        g_string_append_printf (out, "%s: ", prefix);
      g_string_append_printf (out, "%s\n", line);
    }

  return g_string_free (out, FALSE);
}

/**
 * ts_problems_new:
 *
 * Returns: (transfer full) (element-type TsProblem): an empty array that frees its problems
 */
GPtrArray *
ts_problems_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) ts_problem_free);
}

void
ts_problems_add (GPtrArray  *problems,
                 TsSeverity  severity,
                 const char *path,
                 const char *format,
                 ...)
{
  g_autofree char *message = NULL;
  va_list args;

  g_return_if_fail (problems != NULL);
  g_return_if_fail (format != NULL);

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_ptr_array_add (problems, ts_problem_new (severity, path, message));
}

guint
ts_problems_count (GPtrArray  *problems,
                   TsSeverity  severity)
{
  guint n = 0;

  if (problems == NULL)
    return 0;

  for (guint i = 0; i < problems->len; i++)
    {
      const TsProblem *problem = g_ptr_array_index (problems, i);

      if (problem->severity == severity)
        n++;
    }

  return n;
}
