/* ts-markdown.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void        ts_markdown_render   (GtkTextBuffer     *buffer,
                                  const char        *markdown);
GtkWidget  *ts_markdown_view_new (const char        *label);
const char *ts_markdown_get_link (const GtkTextIter *iter);

G_END_DECLS
