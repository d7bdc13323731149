/* test-layout.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ts-layout.h"

static void
assert_cell (TsBlock *block,
             int      column,
             int      row,
             int      column_span,
             int      row_span)
{
  int c, r, cs, rs;

  ts_block_get_layout (block, &c, &r, &cs, &rs);
  g_assert_cmpint (c, ==, column);
  g_assert_cmpint (r, ==, row);
  g_assert_cmpint (cs, ==, column_span);
  g_assert_cmpint (rs, ==, row_span);
}

static void
assert_no_overlaps (TsPlayground *playground)
{
  guint n = ts_playground_get_n_blocks (playground);

  for (guint i = 0; i < n; i++)
    for (guint k = i + 1; k < n; k++)
      g_assert_false (ts_layout_overlaps (ts_playground_get_block (playground, i),
                                          ts_playground_get_block (playground, k)));
}

static void
test_layout_place_pushes_down (void)
{
  g_autoptr(TsPlayground) playground = ts_playground_new ();
  TsBlock *a = ts_playground_add_block (playground, TS_BLOCK_KIND_INPUT);
  TsBlock *b = ts_playground_add_block (playground, TS_BLOCK_KIND_TEXT);
  TsBlock *c = ts_playground_add_block (playground, TS_BLOCK_KIND_IMAGE);

  ts_block_set_layout (a, 0, 0, 6, 1);
  ts_block_set_layout (b, 6, 0, 6, 2);
  ts_block_set_layout (c, 0, 2, 12, 2);
  assert_no_overlaps (playground);

  /* a, made as tall as b and moved under it, pushes c below itself. */
  ts_layout_place (playground, a, 6, 2, 6, 2);
  assert_cell (a, 6, 2, 6, 2);
  assert_cell (b, 6, 0, 6, 2);
  assert_cell (c, 0, 4, 12, 2);
  assert_no_overlaps (playground);

  /* Clamped to the grid. */
  ts_layout_place (playground, b, 10, 0, 5, 1);
  assert_cell (b, 7, 0, 5, 1);
  g_assert_cmpint (ts_layout_get_end_row (playground), ==, 6);
}

static void
test_layout_move_and_resize (void)
{
  g_autoptr(TsPlayground) playground = ts_playground_new ();
  TsBlock *a = ts_playground_add_block (playground, TS_BLOCK_KIND_INPUT);
  TsBlock *b = ts_playground_add_block (playground, TS_BLOCK_KIND_INPUT);

  ts_block_set_layout (a, 0, 0, 4, 1);
  ts_block_set_layout (b, 0, 1, 4, 1);

  ts_layout_move_by (playground, a, 1, 0);
  assert_cell (a, 1, 0, 4, 1);
  ts_layout_move_by (playground, a, -5, 0);
  assert_cell (a, 0, 0, 4, 1);
  ts_layout_move_by (playground, a, 0, -1);
  assert_cell (a, 0, 0, 4, 1);

  /* Moving down onto b pushes b down. */
  ts_layout_move_by (playground, a, 0, 1);
  assert_cell (a, 0, 1, 4, 1);
  assert_cell (b, 0, 2, 4, 1);

  ts_layout_resize_by (playground, a, 3, 1);
  assert_cell (a, 0, 1, 7, 2);
  assert_cell (b, 0, 3, 4, 1);
  ts_layout_resize_by (playground, a, -10, -10);
  assert_cell (a, 0, 1, 1, 1);
  ts_layout_resize_by (playground, a, 20, 0);
  assert_cell (a, 0, 1, 12, 1);
  assert_no_overlaps (playground);
}

static void
test_layout_duplicate (void)
{
  g_autoptr(TsPlayground) playground = ts_playground_new ();
  TsBlock *a = ts_playground_add_block (playground, TS_BLOCK_KIND_TEXT);
  TsBlock *b = ts_playground_add_block (playground, TS_BLOCK_KIND_INPUT);
  TsBlock *copy;
  guint position;

  ts_block_set_string (a, TS_FIELD_PROMPT, "Hello @[w2]");
  ts_block_set_layout (a, 2, 0, 6, 2);
  ts_block_set_layout (b, 0, 2, 12, 1);

  copy = ts_layout_duplicate (playground, a);
  g_assert_true (ts_playground_find_block (playground, copy, &position));
  g_assert_cmpuint (position, ==, 1);
  g_assert_cmpstr (ts_block_get_string (copy, TS_FIELD_PROMPT), ==, "Hello @[w2]");
  g_assert_cmpstr (ts_block_get_title (copy), ==, "Text generation 2");
  g_assert_cmpstr (ts_block_get_id (copy), !=, ts_block_get_id (a));
  assert_cell (copy, 2, 2, 6, 2);
  assert_cell (b, 0, 4, 12, 1);
  assert_no_overlaps (playground);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/layout/place-pushes-down", test_layout_place_pushes_down);
  g_test_add_func ("/core/layout/move-and-resize", test_layout_move_and_resize);
  g_test_add_func ("/core/layout/duplicate", test_layout_duplicate);

  return g_test_run ();
}
