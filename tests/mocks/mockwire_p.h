#pragma once

// Internal to the mock upstream library: what the responders (mockanthropic.cpp, mockmodes.cpp,
// mockollama.cpp, mockcohere.cpp, …) share with MockUpstream (mockupstream.cpp). Responders build
// their answers as plain data; MockUpstream writes them to the socket, so the delay, hold and drop
// machinery is shared by every wire format.

#include <QByteArray>
#include <QJsonArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

namespace MockWire {

/// A JSON string literal (quotes included) for \a text, escaped as QJsonDocument does.
QByteArray quoted(const QString &text);
/// Re-indents compact JSON as OpenAI does (keys keep their order; empty {} and [] stay inline).
/// \a indentWidth 0 keeps it on one line with a space after every `:` (Google's stream events).
QByteArray pretty(const QByteArray &compact, int indentWidth);

/// The decimal digits of \a value.
QByteArray number(qint64 value);

/// \a text cut after its first '.' (how the mocks stream a thought in two pieces).
QStringList splitAfterFirstPeriod(const char *text);
/// \a text cut after its first ' ' (how the Cohere and Ollama mocks stream a thought).
QStringList splitAfterFirstSpace(const char *text);

/// What to answer one request with.
struct Reply
{
    int status = 200;
    QByteArray contentType;                       ///< Empty for streams: SSE.
    QByteArray body;                              ///< Complete answers.
    QList<QByteArray> events;                     ///< Streamed answers (when stream is set).
    bool stream = false;                          ///< Chunked: one chunk per event.
    QList<QPair<QByteArray, QByteArray>> headers; ///< Sent after the common ones.
    int dropAfter = -1;                           ///< Close the socket after this many events.
    bool closeAfter = false;                      ///< `Connection: close`, closed once written.
};

/// The plain-text answer of scenario `error-text-<status>` (a proxy's failure page).
Reply plainTextError(const QByteArray &scenario);
/// The status scenario `error-<status>` asks for; 0 for any other scenario (error-text-… and
/// error-event-mid-stream included).
int errorStatus(const QByteArray &scenario);
/// Rerank: (document index, MockUpstream::rerankScore()) by descending score (ties: by index),
/// at most \a topN of them.
QList<QPair<int, double>> rankDocuments(const QString &query, const QStringList &texts, int topN);
/// The name of the first tool of an OpenAI-shaped `tools` array (`function.name`).
QString firstFunctionName(const QJsonArray &tools);

/// OpenAI's error answer: `{"error":{"message","type","param","code"}}`, indented by 4 as
/// OpenAI sends errors. \a param and \a code are JSON literals (`null` or a quoted string).
Reply openAiError(int status, const QByteArray &message, const QByteArray &type,
                  const QByteArray &param, const QByteArray &code);
/// OpenAI's 400 for a body that is not a JSON object.
Reply invalidJsonError();

} // namespace MockWire
