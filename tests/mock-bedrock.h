/* mock-bedrock.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "mock-server.h"

G_BEGIN_DECLS

/* A Bedrock stand-in on 127.0.0.1: it checks the SigV4 signature of every request with
 * the test secret (or the bearer key) and answers Converse, ConverseStream (genuine
 * event-stream frames, written in chunks cut at awkward offsets), InvokeModel for each
 * image family, ListFoundationModels and ListInferenceProfiles.
 *
 * Model ids pick the scenario:
 *   test.throttle-N      the first N calls answer 429 ThrottlingException, then succeed
 *   test.unavailable     every call answers 503 ServiceUnavailableException
 *   test.exception-mid   a stream that sends text, then a modelStreamErrorException
 *   test.throttle-stream a stream whose first frame is a throttlingException, once
 *   test.corrupt-crc     a stream whose second text frame has a corrupted message CRC
 *   test.truncated       a stream that ends before messageStop
 *   test.slow            a stream that sends one delta and then holds the connection
 *   test.no-access       403 AccessDeniedException about model access
 *   test.validation      400 ValidationException
 *   test.retry-after     the first call answers 429 with Retry-After: 1
 * and any prompt holding "forbidden" is refused by the content filters. */

#define MOCK_BEDROCK_ACCESS_KEY "AKIDEXAMPLE"
#define MOCK_BEDROCK_SECRET     "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define MOCK_BEDROCK_TOKEN      "FQoGZXIvYXdzEXAMPLETOKEN"
#define MOCK_BEDROCK_BEARER     "ABSKQmVkcm9ja0FQSUtleUVYQU1QTEU"

typedef struct _MockBedrock MockBedrock;

MockBedrock *mock_bedrock_new                (void);
void         mock_bedrock_free               (MockBedrock *mock);
MockServer  *mock_bedrock_get_server         (MockBedrock *mock);
const char  *mock_bedrock_get_url            (MockBedrock *mock);
void         mock_bedrock_expect_token       (MockBedrock *mock,
                                              const char  *session_token);
guint        mock_bedrock_get_n_bad_signatures (MockBedrock *mock);
guint        mock_bedrock_get_n_verified     (MockBedrock *mock);
char        *mock_bedrock_dup_last_region    (MockBedrock *mock);
char        *mock_bedrock_dup_last_auth      (MockBedrock *mock);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MockBedrock, mock_bedrock_free)

G_END_DECLS
