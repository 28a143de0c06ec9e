#pragma once

#include "rawhttpclient.h"

#include <QJsonObject>
#include <QSqlRecord>
#include <QString>

/// Client requests and checks shared by the tests of Anthropic-format channels (Anthropic,
/// Bedrock): both serve OpenAI and Anthropic clients from the mock's Anthropic answers.
namespace RelayRequests {

/// Authentication of gateway token \a tokenKey (sent with the "sk-" prefix): OpenAI's bearer,
/// or Anthropic's x-api-key with anthropic-version.
RawHttpClient::Headers clientHeaders(const QString &tokenKey, bool anthropic);
/// A chat completion: system "Be brief.", user "Hello"; streamed ones ask for the usage chunk.
QJsonObject chat(const QString &model, bool stream);
/// An Anthropic Messages request: max_tokens 512, user "Hello".
QJsonObject message(const QString &model, bool stream);
/// \a chatBody with one function tool, get_weather.
QJsonObject withWeatherTool(QJsonObject chatBody);
/// QtTest checks: log \a row carries the mock's Anthropic usage as reported by the upstream,
/// cache reads and cache writes apart (input tokens include both).
void checkAnthropicUsage(const QSqlRecord &row);

} // namespace RelayRequests
