/* bench-stats.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "bench-stats.h"

#include <stdlib.h>

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

/**
 * bench_median:
 * @values: timings; sorted in place, so values[0] is the best afterwards
 * @n: how many, at least one
 *
 * Returns: the median of @values
 */
double
bench_median (double *values,
              guint   n)
{
  g_return_val_if_fail (n > 0, 0.0);

  qsort (values, n, sizeof *values, compare_doubles);

  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2.0;
}
