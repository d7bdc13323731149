/* ts-document-pdf.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* PDF text comes from poppler, which with its own libraries takes longer to load than
 * the rest of Tessera: it lives in a module of its own, opened the first time a PDF is
 * read. TS_DOCUMENT_PDF_MODULE_DIR_ENV, when set, names the folder holding the module
 * (the build tree's, for tests and runs from a checkout); else it is TESSERA_MODULEDIR. */

#define TS_DOCUMENT_PDF_MODULE_NAME    "tessera-pdf"
#define TS_DOCUMENT_PDF_MODULE_DIR_ENV "TESSERA_MODULE_DIR"
#define TS_DOCUMENT_PDF_SYMBOL         "ts_document_pdf_extract_text"

/* The module's one function: the text of each page, pages parted by a blank line, or
 * NULL and @error set to poppler's reason. */
typedef char *(*TsDocumentPdfExtractFunc) (GBytes  *bytes,
                                           GError **error);

char *ts_document_pdf_extract_text (GBytes  *bytes,
                                    GError **error);

G_END_DECLS
