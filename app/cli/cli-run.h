/* cli-run.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cjson/cJSON.h>

#include "cli.h"
#include "ts-runner.h"

G_BEGIN_DECLS

/* One invocation of tessera-cli run. */
typedef struct
{
  const char   *file_name;
  TsPlayground *playground;
  TsRunner     *runner;
  char         *out_dir;        /* nullable: print text to stdout */
  char         *row_dir;        /* where this row's files go, nullable */
  gboolean      json;
  gboolean      tty;
  gboolean      interrupted;
  gboolean      write_failed;
  GHashTable   *ran;            /* TsBlock → TRUE: queued in this row */
  GHashTable   *written;        /* TsBlock → GPtrArray of paths written in this row */
  GPtrArray    *lines;          /* TsBlock shown on the live progress lines */
  guint         lines_drawn;
  guint         redraw_id;
  cJSON        *summary;        /* the --json document */
} CliRun;

void   cli_run_progress_connect  (CliRun     *run);
void   cli_run_progress_finish   (CliRun     *run);
void   cli_run_write_block       (CliRun     *run,
                                  TsBlock    *block);
void   cli_run_write_remaining   (CliRun     *run);
void   cli_run_print_text        (CliRun     *run);
cJSON *cli_run_row_to_json       (CliRun     *run);

G_END_DECLS
