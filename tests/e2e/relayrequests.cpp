#include "relayrequests.h"

#include "mockupstream.h"

#include <QJsonArray>
#include <QTest>

namespace RelayRequests {

RawHttpClient::Headers clientHeaders(const QString &tokenKey, bool anthropic)
{
    RawHttpClient::Headers all;
    if (anthropic) {
        all.append(qMakePair(QByteArray("x-api-key"), "sk-" + tokenKey.toLatin1()));
        all.append(qMakePair(QByteArray("anthropic-version"), QByteArray("2023-06-01")));
    } else {
        all.append(qMakePair(QByteArray("Authorization"), "Bearer sk-" + tokenKey.toLatin1()));
    }
    return all;
}

QJsonObject chat(const QString &model, bool stream)
{
    QJsonObject body{
        {"model", model},
        {"stream", stream},
        {"messages", QJsonArray{QJsonObject{{"role", "system"}, {"content", "Be brief."}},
                                QJsonObject{{"role", "user"}, {"content", "Hello"}}}}};
    if (stream)
        body.insert("stream_options", QJsonObject{{"include_usage", true}});
    return body;
}

QJsonObject message(const QString &model, bool stream)
{
    return {{"model", model},
            {"max_tokens", 512},
            {"stream", stream},
            {"messages", QJsonArray{QJsonObject{{"role", "user"}, {"content", "Hello"}}}}};
}

QJsonObject withWeatherTool(QJsonObject chatBody)
{
    chatBody.insert(
        "tools", QJsonArray{QJsonObject{
                     {"type", "function"},
                     {"function", QJsonObject{{"name", "get_weather"},
                                              {"parameters", QJsonObject{{"type", "object"}}}}}}});
    return chatBody;
}

void checkAnthropicUsage(const QSqlRecord &row)
{
    QVERIFY(!row.isEmpty());
    QCOMPARE(row.value("usage_source").toString(), QStringLiteral("upstream"));
    QCOMPARE(row.value("input_tokens").toInt(), MockUpstream::kAnthropicInputTokens +
                                                    MockUpstream::kAnthropicCacheReadTokens +
                                                    MockUpstream::kAnthropicCacheCreationTokens);
    QCOMPARE(row.value("cached_tokens").toInt(), MockUpstream::kAnthropicCacheReadTokens);
    QCOMPARE(row.value("cache_creation_tokens").toInt(),
             MockUpstream::kAnthropicCacheCreationTokens);
    QCOMPARE(row.value("output_tokens").toInt(), MockUpstream::kAnthropicOutputTokens);
}

} // namespace RelayRequests
