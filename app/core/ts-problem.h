/* ts-problem.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  TS_SEVERITY_ERROR,
  TS_SEVERITY_WARNING,
} TsSeverity;

/**
 * TsProblem:
 * @severity: an error makes a file unusable; a warning only informs
 * @path: (nullable): where the problem is, as a JSON path such as `widgets[3].prompt`
 *   or a position such as `line 4, column 7`
 * @message: what is wrong, for a person
 */
typedef struct
{
  TsSeverity  severity;
  char       *path;
  char       *message;
} TsProblem;

#define TS_TYPE_PROBLEM (ts_problem_get_type ())

GType      ts_problem_get_type   (void) G_GNUC_CONST;
TsProblem *ts_problem_new        (TsSeverity       severity,
                                  const char      *path,
                                  const char      *message);
TsProblem *ts_problem_copy       (const TsProblem *problem);
void       ts_problem_free       (TsProblem       *problem);
char      *ts_problem_to_string  (const TsProblem *problem);
char      *ts_problems_format    (GPtrArray       *problems,
                                  const char      *prefix);
void       ts_problems_add       (GPtrArray       *problems,
                                  TsSeverity       severity,
                                  const char      *path,
                                  const char      *format,
                                  ...) G_GNUC_PRINTF (4, 5);
GPtrArray *ts_problems_new       (void);
guint      ts_problems_count     (GPtrArray       *problems,
                                  TsSeverity       severity);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsProblem, ts_problem_free)

G_END_DECLS
