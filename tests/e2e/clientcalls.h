#pragma once

#include "rawhttpclient.h"

#include <QJsonObject>
#include <QSqlRecord>
#include <QString>

/// Requests and answers of the client protocols, as the end-to-end tests of channel adaptors
/// use them.
namespace ClientCalls {

/// The credential headers of token \a tokenKey: `Authorization: Bearer sk-…`, or for an
/// Anthropic client `x-api-key` and `anthropic-version`.
RawHttpClient::Headers auth(const QString &tokenKey, bool anthropic = false);
/// An OpenAI chat request of \a model: a system message ("Be brief.") and "Hello"; streamed
/// ones ask for the usage chunk. \a extra fields are added.
QJsonObject chatHello(const QString &model, bool stream, const QJsonObject &extra = {});
/// \a chatRequest with one function tool, `get_weather` (parameters: an object).
QJsonObject withWeatherTool(QJsonObject chatRequest);
/// An Anthropic Messages request of \a model: max_tokens 512, user "Hello".
QJsonObject messageHello(const QString &model, bool stream);
/// QtTest checks: log \a row carries the mock's Anthropic usage as reported by the upstream,
/// cache reads and cache writes apart (input tokens include both).
void checkAnthropicUsage(const QSqlRecord &row);

/// The message of an OpenAI chat completion's first choice.
QJsonObject chatMessage(const QJsonObject &answer);
/// The message content of an OpenAI chat completion's first choice.
QString chatText(const QJsonObject &answer);

/// Gemini `generateContent` of \a model saying "Hello", with token \a tokenKey.
RawHttpClient::Response geminiHello(quint16 port, const QString &model, const QString &tokenKey);
/// The text of a Gemini answer's first candidate's first part.
QString geminiText(const QJsonObject &answer);
/// OpenAI Responses request (not streamed) of \a model saying "Hello".
RawHttpClient::Response responsesHello(quint16 port, const QString &model, const QString &tokenKey);
/// The text of a Responses answer's first output item's first content part.
QString responsesText(const QJsonObject &answer);

} // namespace ClientCalls
