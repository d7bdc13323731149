/* ts-application.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TS_TYPE_APPLICATION (ts_application_get_type ())

G_DECLARE_FINAL_TYPE (TsApplication, ts_application, TS, APPLICATION, AdwApplication)

TsApplication *ts_application_new       (void);
GtkWindow     *ts_application_open_file (TsApplication *self,
                                         GFile         *file,
                                         GtkWindow     *hint);

G_END_DECLS
