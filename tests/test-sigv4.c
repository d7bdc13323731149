/* test-sigv4.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <cjson/cJSON.h>
#include <gio/gio.h>
#include <stdio.h>
#include <string.h>

#include "ts-sigv4.h"

static cJSON *
load_vectors (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "sigv4", name, NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  cJSON *json;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  json = cJSON_Parse (contents);
  g_assert_nonnull (json);

  return json;
}

static const char *
string_member (const cJSON *object,
               const char  *name)
{
  const cJSON *item = cJSON_GetObjectItemCaseSensitive (object, name);

  return cJSON_IsString (item) ? item->valuestring : NULL;
}

static GDateTime *
parse_amz_date (const char *amz_date)
{
  int y, mo, d, h, mi, s;

  g_assert_cmpint (sscanf (amz_date, "%4d%2d%2dT%2d%2d%2dZ", &y, &mo, &d, &h, &mi, &s), ==, 6);

  return g_date_time_new_utc (y, mo, d, h, mi, s);
}

/* Name and value pairs from a JSON list of two-element lists, NULL-terminated. */
static GPtrArray *
header_pairs (const cJSON *list)
{
  GPtrArray *pairs = g_ptr_array_new ();
  const cJSON *pair;

  cJSON_ArrayForEach (pair, list)
    {
      g_ptr_array_add (pairs, cJSON_GetArrayItem (pair, 0)->valuestring);
      g_ptr_array_add (pairs, cJSON_GetArrayItem (pair, 1)->valuestring);
    }
  g_ptr_array_add (pairs, NULL);

  return pairs;
}

static void
test_suite (void)
{
  cJSON *json = load_vectors ("suite.json");
  g_autoptr(GDateTime) time = parse_amz_date (string_member (json, "time"));
  TsSigv4Params params = {
    .access_key_id = string_member (json, "access_key_id"),
    .secret_access_key = string_member (json, "secret_access_key"),
    .region = string_member (json, "region"),
    .service = string_member (json, "service"),
    .time = time,
  };
  const cJSON *item;
  guint n = 0;

  cJSON_ArrayForEach (item, cJSON_GetObjectItemCaseSensitive (json, "cases"))
    {
      const char *name = string_member (item, "name");
      const char *full = string_member (item, "path");
      const char *body = string_member (item, "body");
      const char *question = strchr (full, '?');
      g_autofree char *path = question != NULL ? g_strndup (full, question - full)
                                               : g_strdup (full);
      g_autoptr(GPtrArray) headers = header_pairs (cJSON_GetObjectItem (item, "headers"));
      g_autofree char *payload_hash = ts_sigv4_sha256_hex (body, strlen (body));
      g_autoptr(TsSigv4Signature) signature = NULL;

      g_test_message ("%s", name);
      signature = ts_sigv4_sign (&params, string_member (item, "method"), path,
                                 question != NULL ? question + 1 : NULL,
                                 (const char * const *) headers->pdata, payload_hash);

      g_assert_cmpstr (signature->canonical_request, ==, string_member (item, "canonical_request"));
      g_assert_cmpstr (signature->string_to_sign, ==, string_member (item, "string_to_sign"));
      g_assert_cmpstr (signature->authorization, ==, string_member (item, "authorization"));
      g_assert_cmpstr (signature->amz_date, ==, "20150830T123600Z");
      g_assert_null (signature->headers);
      n++;
    }

  /* Every case of the file ran. */
  g_assert_cmpuint (n, ==, 28);
  cJSON_Delete (json);
}

static void
test_bedrock_vectors (void)
{
  cJSON *json = load_vectors ("bedrock.json");
  const cJSON *item;
  guint n = 0;

  cJSON_ArrayForEach (item, cJSON_GetObjectItemCaseSensitive (json, "cases"))
    {
      g_autoptr(GDateTime) time = parse_amz_date (string_member (item, "time"));
      TsSigv4Params params = {
        .access_key_id = string_member (json, "access_key_id"),
        .secret_access_key = string_member (json, "secret_access_key"),
        .session_token = string_member (item, "session_token"),
        .region = string_member (item, "region"),
        .service = string_member (item, "service"),
        .time = time,
      };
      const char *body = string_member (item, "body");
      g_autoptr(GBytes) bytes = g_bytes_new_static (body, strlen (body));
      g_autoptr(GPtrArray) headers = header_pairs (cJSON_GetObjectItem (item, "headers"));
      g_autoptr(TsSigv4Signature) signature = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *request_hash = NULL;
      g_auto(GStrv) lines = NULL;
      const char *expected;

      g_test_message ("%s", string_member (item, "name"));
      signature = ts_sigv4_sign_url (&params, string_member (item, "method"),
                                     string_member (item, "url"),
                                     (const char * const *) headers->pdata, bytes, &error);
      g_assert_no_error (error);

      request_hash = ts_sigv4_sha256_hex (signature->canonical_request,
                                          strlen (signature->canonical_request));
      g_assert_cmpstr (request_hash, ==, string_member (item, "canonical_request_hash"));
      g_assert_cmpstr (signature->signature, ==, string_member (item, "signature"));

      if ((expected = string_member (item, "canonical_request")) != NULL)
        g_assert_cmpstr (signature->canonical_request, ==, expected);
      if ((expected = string_member (item, "signed_headers")) != NULL)
        g_assert_cmpstr (signature->signed_headers, ==, expected);

      lines = g_strsplit (signature->canonical_request, "\n", 3);
      if ((expected = string_member (item, "canonical_uri")) != NULL)
        g_assert_cmpstr (lines[1], ==, expected);

      if ((expected = string_member (item, "signing_key")) != NULL)
        {
          guint8 key[TS_SIGV4_KEY_LENGTH];
          g_autoptr(GString) hex = g_string_new (NULL);

          ts_sigv4_signing_key (params.secret_access_key, "20240501", params.region,
                                params.service, key);
          for (guint i = 0; i < sizeof key; i++)
            g_string_append_printf (hex, "%02x", key[i]);
          g_assert_cmpstr (hex->str, ==, expected);
        }
      n++;
    }

  g_assert_cmpuint (n, ==, 4);
  cJSON_Delete (json);
}

static void
test_uri_encode (void)
{
  static const struct { const char *in; gboolean keep_slash; const char *out; } cases[] = {
    { "", TRUE, "" },
    { "AZaz09-_.~", FALSE, "AZaz09-_.~" },
    { "a b+c", FALSE, "a%20b%2Bc" },
    { "/model/x", TRUE, "/model/x" },
    { "/model/x", FALSE, "%2Fmodel%2Fx" },
    { "v1:0", FALSE, "v1%3A0" },
    { "%3A", TRUE, "%253A" },
    { "é*", FALSE, "%C3%A9%2A" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = ts_sigv4_uri_encode (cases[i].in, -1, cases[i].keep_slash);

      g_assert_cmpstr (out, ==, cases[i].out);
    }
}

static void
test_canonical_uri (void)
{
  static const struct { const char *path; const char *uri; } cases[] = {
    { "", "/" },
    { "/", "/" },
    { "/model/amazon.nova-lite-v1%3A0/converse", "/model/amazon.nova-lite-v1%253A0/converse" },
    { "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A1%3Ainference-profile%2Fus.x%3A0/invoke",
      "/model/arn%253Aaws%253Abedrock%253Aus-east-1%253A1%253Ainference-profile%252Fus.x%253A0/invoke" },
    { "/foundation-models", "/foundation-models" },
    { "/a/./b/../c/", "/a/c/" },
    { "/a/..", "/" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *uri = ts_sigv4_canonical_uri (cases[i].path);

      g_assert_cmpstr (uri, ==, cases[i].uri);
    }
}

static void
test_canonical_query (void)
{
  static const struct { const char *query; const char *canonical; } cases[] = {
    { NULL, "" },
    { "", "" },
    { "byOutputModality=TEXT", "byOutputModality=TEXT" },
    { "maxResults=1000&nextToken=a%2Fb%3D%3D", "maxResults=1000&nextToken=a%2Fb%3D%3D" },
    { "nextToken=a/b==&maxResults=1000", "maxResults=1000&nextToken=a%2Fb%3D%3D" },
    { "b=2&&a", "a=&b=2" },
    { "q=a%20b&q=a+b", "q=a%20b&q=a%2Bb" },
    { "bad=%zz", "bad=%25zz" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *canonical = ts_sigv4_canonical_query (cases[i].query);

      g_assert_cmpstr (canonical, ==, cases[i].canonical);
    }
}

static void
test_host_header (void)
{
  static const struct { const char *url; const char *host; } cases[] = {
    { "https://bedrock-runtime.us-east-1.amazonaws.com/model/x/converse",
      "bedrock-runtime.us-east-1.amazonaws.com" },
    { "https://Bedrock.EU-west-1.amazonaws.com:443/", "bedrock.eu-west-1.amazonaws.com" },
    { "http://127.0.0.1:41234", "127.0.0.1:41234" },
    { "http://127.0.0.1:80/x", "127.0.0.1" },
    { "https://vpce-1.bedrock-runtime.us-east-1.vpce.amazonaws.com:8443/",
      "vpce-1.bedrock-runtime.us-east-1.vpce.amazonaws.com:8443" },
    { "http://[::1]:8080/", "[::1]:8080" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *host = ts_sigv4_host_header (cases[i].url, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (host, ==, cases[i].host);
    }
}

static const TsSigv4Params *
fake_params (GDateTime *time)
{
  static TsSigv4Params params = {
    .access_key_id = "AKIDEXAMPLE",
    .secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    .session_token = "FQoGZXIvYXdzEXAMPLETOKEN",
    .region = "us-west-2",
    .service = "bedrock",
  };

  params.time = time;

  return &params;
}

static void
test_sign_url_headers (void)
{
  g_autoptr(GDateTime) time = g_date_time_new_utc (2024, 5, 1, 12, 0, 0);
  const char *headers[] = { "Content-Type", "application/json", NULL };
  g_autoptr(GBytes) body = g_bytes_new_static ("{}", 2);
  g_autoptr(TsSigv4Signature) signature = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *joined = NULL;

  signature = ts_sigv4_sign_url (fake_params (time), "POST",
                                 "http://127.0.0.1:5000/model/amazon.nova-lite-v1%3A0/converse",
                                 headers, body, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (signature->signed_headers, ==,
                   "content-type;host;x-amz-date;x-amz-security-token");
  g_assert_cmpuint (g_strv_length (signature->headers), ==, 5);
  g_assert_cmpstr (signature->headers[0], ==, "Content-Type: application/json");
  g_assert_cmpstr (signature->headers[1], ==, "Host: 127.0.0.1:5000");
  g_assert_cmpstr (signature->headers[2], ==, "X-Amz-Date: 20240501T120000Z");
  g_assert_cmpstr (signature->headers[3], ==, "X-Amz-Security-Token: FQoGZXIvYXdzEXAMPLETOKEN");
  g_assert_true (g_str_has_prefix (signature->headers[4],
                                   "Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"
                                   "20240501/us-west-2/bedrock/aws4_request, SignedHeaders="
                                   "content-type;host;x-amz-date;x-amz-security-token, Signature="));
  g_assert_true (g_str_has_suffix (signature->canonical_request,
                                   "\n44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"));

  /* The secret never leaves the signer. */
  joined = g_strjoinv ("\n", signature->headers);
  g_assert_null (strstr (joined, "wJalrXUtnFEMI"));
  g_assert_null (strstr (signature->canonical_request, "wJalrXUtnFEMI"));
  g_assert_null (strstr (signature->string_to_sign, "wJalrXUtnFEMI"));
}

static void
test_sign_changes (void)
{
  g_autoptr(GDateTime) time = g_date_time_new_utc (2024, 5, 1, 12, 0, 0);
  g_autoptr(GDateTime) later = g_date_time_add_seconds (time, 1);
  const char *url = "https://bedrock-runtime.us-west-2.amazonaws.com/model/m%3A0/converse";
  g_autoptr(GBytes) body = g_bytes_new_static ("{}", 2);
  g_autoptr(GBytes) other_body = g_bytes_new_static ("{ }", 3);
  g_autoptr(TsSigv4Signature) base = ts_sigv4_sign_url (fake_params (time), "POST", url, NULL,
                                                        body, NULL);
  TsSigv4Params params = *fake_params (time);
  g_autoptr(TsSigv4Signature) a = ts_sigv4_sign_url (&params, "POST", url, NULL, other_body, NULL);
  g_autoptr(TsSigv4Signature) b = ts_sigv4_sign_url (&params, "PUT", url, NULL, body, NULL);
  g_autoptr(TsSigv4Signature) c = NULL;
  g_autoptr(TsSigv4Signature) d = NULL;
  g_autoptr(TsSigv4Signature) e = NULL;

  params.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEz";
  c = ts_sigv4_sign_url (&params, "POST", url, NULL, body, NULL);
  params = *fake_params (later);
  d = ts_sigv4_sign_url (&params, "POST", url, NULL, body, NULL);
  params = *fake_params (time);
  params.region = "us-east-1";
  e = ts_sigv4_sign_url (&params, "POST", url, NULL, body, NULL);

  g_assert_cmpstr (base->signature, !=, a->signature);
  g_assert_cmpstr (base->signature, !=, b->signature);
  g_assert_cmpstr (base->signature, !=, c->signature);
  g_assert_cmpstr (base->signature, !=, d->signature);
  g_assert_cmpstr (base->signature, !=, e->signature);
}

static void
test_sign_url_errors (void)
{
  g_autoptr(GDateTime) time = g_date_time_new_utc (2024, 5, 1, 12, 0, 0);
  TsSigv4Params params = *fake_params (time);
  const char *bad_header[] = { "X-Note", "one\r\nInjected: yes", NULL };
  g_autoptr(TsSigv4Signature) signature = NULL;
  g_autoptr(GError) error = NULL;

  signature = ts_sigv4_sign_url (&params, "GET", "not a url", NULL, NULL, &error);
  g_assert_null (signature);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  signature = ts_sigv4_sign_url (&params, "GET", "file:///etc/passwd", NULL, NULL, &error);
  g_assert_null (signature);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  signature = ts_sigv4_sign_url (&params, "GET", "https://x.example/", bad_header, NULL, &error);
  g_assert_null (signature);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_null (strstr (error->message, "Injected"));
  g_clear_error (&error);

  params.session_token = "token\nwith a line break";
  signature = ts_sigv4_sign_url (&params, "GET", "https://x.example/", NULL, NULL, &error);
  g_assert_null (signature);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_null (strstr (error->message, "token"));
  g_assert_nonnull (strstr (error->message, "X-Amz-Security-Token"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sigv4/suite", test_suite);
  g_test_add_func ("/sigv4/bedrock-vectors", test_bedrock_vectors);
  g_test_add_func ("/sigv4/uri-encode", test_uri_encode);
  g_test_add_func ("/sigv4/canonical-uri", test_canonical_uri);
  g_test_add_func ("/sigv4/canonical-query", test_canonical_query);
  g_test_add_func ("/sigv4/host-header", test_host_header);
  g_test_add_func ("/sigv4/sign-url-headers", test_sign_url_headers);
  g_test_add_func ("/sigv4/sign-changes", test_sign_changes);
  g_test_add_func ("/sigv4/sign-url-errors", test_sign_url_errors);

  return g_test_run ();
}
