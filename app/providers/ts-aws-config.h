/* ts-aws-config.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The largest shared config or credentials file read. */
#define TS_AWS_CONFIG_MAX_SIZE (1024 * 1024)

typedef struct _TsAwsConfigFile TsAwsConfigFile;

TsAwsConfigFile *ts_aws_config_file_parse       (const char       *data,
                                                 gsize             length,
                                                 const char       *path,
                                                 GError          **error);
TsAwsConfigFile *ts_aws_config_file_load        (const char       *path,
                                                 GError          **error);
const char      *ts_aws_config_file_get_path    (TsAwsConfigFile  *file);
gboolean         ts_aws_config_file_has_section (TsAwsConfigFile  *file,
                                                 const char       *section);
const char      *ts_aws_config_file_get         (TsAwsConfigFile  *file,
                                                 const char       *section,
                                                 const char       *key,
                                                 guint            *line);
void             ts_aws_config_file_free        (TsAwsConfigFile  *file);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsAwsConfigFile, ts_aws_config_file_free)

G_END_DECLS
