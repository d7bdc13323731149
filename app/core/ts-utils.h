/* ts-utils.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean ts_set_str         (char       **str_ptr,
                             const char  *new_str);
gboolean ts_str_has_control (const char  *str,
                             gboolean     allow_newlines);
gboolean ts_write_file      (const char  *path,
                             gconstpointer data,
                             gsize        size,
                             int          mode,
                             GError     **error);

G_END_DECLS
