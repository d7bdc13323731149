/* ts-png-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ts-png.h"

G_BEGIN_DECLS

/* A walk over the chunks of a PNG image that checks each chunk's bounds, type, CRC and
 * place as it goes (ts-png-chunks.c). */
typedef struct
{
  const guint8 *data;
  gsize         length;
  gsize         next;           /* offset of the chunk after the current one */
  guint         n_chunks;
  guint32       width;
  guint32       height;
  guint8        color_type;
  gboolean      seen_plte;
  gboolean      seen_idat;
  gboolean      idat_ended;
  gboolean      seen_iend;

  /* The current chunk. */
  gsize         offset;         /* of its length field */
  char          type[5];
  const guint8 *body;
  guint32       body_length;
} TsPngChunkIter;

typedef enum
{
  TS_PNG_WALK_ERROR,
  TS_PNG_WALK_CHUNK,
  TS_PNG_WALK_END,
} TsPngWalk;

gboolean  _ts_png_chunk_iter_init (TsPngChunkIter  *iter,
                                   GBytes          *png,
                                   GError         **error);
TsPngWalk _ts_png_chunk_iter_next (TsPngChunkIter  *iter,
                                   GError         **error);
gboolean  _ts_png_read_header     (TsPngChunkIter  *iter,
                                   GBytes          *png,
                                   GError         **error);
gboolean  _ts_png_walk_to_end     (TsPngChunkIter  *iter,
                                   GError         **error);
gboolean  _ts_png_check_size      (guint32          width,
                                   guint32          height,
                                   GError         **error);
void      _ts_png_set_damaged     (GError         **error,
                                   const char      *format,
                                   ...) G_GNUC_PRINTF (2, 3);

G_END_DECLS
