/* ts-layout.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ts-layout.h"

#include <glib/gi18n.h>

/* Placing cards on the 12-column grid. A card put where others are pushes them down,
 * each below what it would overlap, so the canvas never shows one card over another
 * after an edit. These are plain model edits: the history records them as usual. */

gboolean
ts_layout_overlaps (TsBlock *a,
                    TsBlock *b)
{
  int ac, ar, acs, ars, bc, br, bcs, brs;

  g_return_val_if_fail (TS_IS_BLOCK (a), FALSE);
  g_return_val_if_fail (TS_IS_BLOCK (b), FALSE);

  ts_block_get_layout (a, &ac, &ar, &acs, &ars);
  ts_block_get_layout (b, &bc, &br, &bcs, &brs);

  return ac < bc + bcs && bc < ac + acs && ar < br + brs && br < ar + ars;
}

static int
compare_cells (gconstpointer a,
               gconstpointer b)
{
  int ac, ar, bc, br;

  ts_block_get_layout (*(TsBlock **) a, &ac, &ar, NULL, NULL);
  ts_block_get_layout (*(TsBlock **) b, &bc, &br, NULL, NULL);

  return ar != br ? ar - br : ac - bc;
}

/* Pushes down every block that overlaps @fixed or a block placed before it. */
static void
push_down (TsPlayground *playground,
           TsBlock      *fixed)
{
  g_autoptr(GPtrArray) others = g_ptr_array_new ();
  g_autoptr(GPtrArray) placed = g_ptr_array_new ();
  guint n = ts_playground_get_n_blocks (playground);

  for (guint i = 0; i < n; i++)
    {
      TsBlock *block = ts_playground_get_block (playground, i);

      if (block != fixed)
        g_ptr_array_add (others, block);
    }
  g_ptr_array_sort (others, compare_cells);
  g_ptr_array_add (placed, fixed);

  for (guint i = 0; i < others->len; i++)
    {
      TsBlock *block = g_ptr_array_index (others, i);
      gboolean moved = TRUE;

      while (moved)
        {
          moved = FALSE;

          for (guint k = 0; k < placed->len; k++)
            {
              TsBlock *other = g_ptr_array_index (placed, k);
              int column, column_span, row_span, other_row, other_row_span;

              if (!ts_layout_overlaps (block, other))
                continue;

              ts_block_get_layout (block, &column, NULL, &column_span, &row_span);
              ts_block_get_layout (other, NULL, &other_row, NULL, &other_row_span);
              ts_block_set_layout (block, column, other_row + other_row_span, column_span, row_span);
              moved = TRUE;
            }
        }

      g_ptr_array_add (placed, block);
    }
}

/**
 * ts_layout_place:
 * @playground: a #TsPlayground
 * @block: a block of @playground
 * @column: the first column
 * @row: the first row
 * @column_span: columns covered
 * @row_span: rows covered
 *
 * Puts @block in the cell given, clamped to the grid, and pushes down the blocks it
 * would overlap.
 */
void
ts_layout_place (TsPlayground *playground,
                 TsBlock      *block,
                 int           column,
                 int           row,
                 int           column_span,
                 int           row_span)
{
  g_return_if_fail (TS_IS_PLAYGROUND (playground));
  g_return_if_fail (TS_IS_BLOCK (block));
  g_return_if_fail (ts_playground_find_block (playground, block, NULL));

  column_span = CLAMP (column_span, 1, TS_GRID_COLUMNS);
  column = CLAMP (column, 0, TS_GRID_COLUMNS - column_span);
  ts_block_set_layout (block, column, row, column_span, row_span);
  push_down (playground, block);
}

/**
 * ts_layout_move_by:
 * @playground: a #TsPlayground
 * @block: a block of @playground
 * @columns: columns to move right (negative: left)
 * @rows: rows to move down (negative: up)
 */
void
ts_layout_move_by (TsPlayground *playground,
                   TsBlock      *block,
                   int           columns,
                   int           rows)
{
  int column, row, column_span, row_span;

  g_return_if_fail (TS_IS_BLOCK (block));

  ts_block_get_layout (block, &column, &row, &column_span, &row_span);
  ts_layout_place (playground, block, column + columns, MAX (0, row + rows),
                   column_span, row_span);
}

/**
 * ts_layout_resize_by:
 * @playground: a #TsPlayground
 * @block: a block of @playground
 * @columns: columns to add to its width (negative: remove)
 * @rows: rows to add to its height (negative: remove)
 */
void
ts_layout_resize_by (TsPlayground *playground,
                     TsBlock      *block,
                     int           columns,
                     int           rows)
{
  int column, row, column_span, row_span;

  g_return_if_fail (TS_IS_BLOCK (block));

  ts_block_get_layout (block, &column, &row, &column_span, &row_span);
  column_span = CLAMP (column_span + columns, 1, TS_GRID_COLUMNS - column);
  row_span = CLAMP (row_span + rows, 1, TS_GRID_MAX_ROW_SPAN);
  ts_layout_place (playground, block, column, row, column_span, row_span);
}

/**
 * ts_layout_get_end_row:
 * @playground: a #TsPlayground
 *
 * Returns: the first row below every block
 */
int
ts_layout_get_end_row (TsPlayground *playground)
{
  guint n;
  int end = 0;

  g_return_val_if_fail (TS_IS_PLAYGROUND (playground), 0);

  n = ts_playground_get_n_blocks (playground);
  for (guint i = 0; i < n; i++)
    {
      int row, row_span;

      ts_block_get_layout (ts_playground_get_block (playground, i), NULL, &row, NULL, &row_span);
      end = MAX (end, row + row_span);
    }

  return end;
}

/**
 * ts_layout_duplicate:
 * @playground: a #TsPlayground
 * @block: a block of @playground
 *
 * Inserts a copy of @block after it, with a fresh id and title, in the cell just
 * below it.
 *
 * Returns: (transfer none): the copy
 */
TsBlock *
ts_layout_duplicate (TsPlayground *playground,
                     TsBlock      *block)
{
  g_autoptr(TsBlock) copy = NULL;
  g_autofree char *id = NULL;
  g_autofree char *title = NULL;
  int column, row, column_span, row_span;
  guint position;

  g_return_val_if_fail (TS_IS_PLAYGROUND (playground), NULL);
  g_return_val_if_fail (TS_IS_BLOCK (block), NULL);
  g_return_val_if_fail (ts_playground_find_block (playground, block, &position), NULL);

  id = ts_playground_dup_unused_id (playground);
  title = ts_playground_dup_unused_title (playground, ts_block_get_title (block));
  copy = ts_block_copy (block, id);
  ts_block_set_title (copy, title);

  ts_playground_insert_block (playground, position + 1, copy);
  ts_block_get_layout (block, &column, &row, &column_span, &row_span);
  ts_layout_place (playground, copy, column, row + row_span, column_span, row_span);

  return copy;
}
