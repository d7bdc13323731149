/* ts-document-pdf.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The tessera-pdf module: text out of a PDF with poppler. Built apart from
 * libtessera-core so that only a process reading a PDF loads poppler (see
 * ts-document-pdf.h); ts-document.c opens it. */

#include "config.h"

#include "ts-document-pdf.h"

#include <poppler.h>

char *
ts_document_pdf_extract_text (GBytes  *bytes,
                              GError **error)
{
  PopplerDocument *document;
  GString *out;
  int n_pages;

  g_return_val_if_fail (bytes != NULL, NULL);

  document = poppler_document_new_from_bytes (bytes, NULL, error);
  if (document == NULL)
    return NULL;

  out = g_string_new (NULL);
  n_pages = poppler_document_get_n_pages (document);
  for (int i = 0; i < n_pages; i++)
    {
      PopplerPage *page = poppler_document_get_page (document, i);
      g_autofree char *text = page != NULL ? poppler_page_get_text (page) : NULL;

      g_clear_object (&page);

      if (text == NULL || text[0] == '\0')
        continue;
      if (out->len > 0)
        g_string_append (out, "\n\n");
      g_string_append (out, text);
    }

  g_object_unref (document);

  return g_string_free (out, FALSE);
}
