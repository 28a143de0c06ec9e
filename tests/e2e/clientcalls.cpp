#include "clientcalls.h"

#include "mockupstream.h"

#include <QJsonArray>
#include <QTest>

namespace ClientCalls {

RawHttpClient::Headers auth(const QString &tokenKey, bool anthropic)
{
    if (anthropic)
        return {{"x-api-key", "sk-" + tokenKey.toLatin1()}, {"anthropic-version", "2023-06-01"}};
    return {{"Authorization", "Bearer sk-" + tokenKey.toLatin1()}};
}

QJsonObject chatHello(const QString &model, bool stream, const QJsonObject &extra)
{
    QJsonObject body = extra;
    body.insert("model", model);
    body.insert("stream", stream);
    body.insert("messages", QJsonArray{QJsonObject{{"role", "system"}, {"content", "Be brief."}},
                                       QJsonObject{{"role", "user"}, {"content", "Hello"}}});
    if (stream)
        body.insert("stream_options", QJsonObject{{"include_usage", true}});
    return body;
}

QJsonObject withWeatherTool(QJsonObject chatRequest)
{
    chatRequest.insert(
        "tools", QJsonArray{QJsonObject{
                     {"type", "function"},
                     {"function", QJsonObject{{"name", "get_weather"},
                                              {"parameters", QJsonObject{{"type", "object"}}}}}}});
    return chatRequest;
}

QJsonObject messageHello(const QString &model, bool stream)
{
    return {{"model", model},
            {"max_tokens", 512},
            {"stream", stream},
            {"messages", QJsonArray{QJsonObject{{"role", "user"}, {"content", "Hello"}}}}};
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

QJsonObject chatMessage(const QJsonObject &answer)
{
    return answer.value("choices").toArray().first().toObject().value("message").toObject();
}

QString chatText(const QJsonObject &answer)
{
    return chatMessage(answer).value("content").toString();
}

RawHttpClient::Response geminiHello(quint16 port, const QString &model, const QString &tokenKey)
{
    const QJsonObject request{
        {"contents",
         QJsonArray{QJsonObject{{"role", "user"},
                                {"parts", QJsonArray{QJsonObject{{"text", "Hello"}}}}}}}};
    return RawHttpClient::postJson(port, "/v1beta/models/" + model.toUtf8() + ":generateContent",
                                   request, {{"x-goog-api-key", "sk-" + tokenKey.toLatin1()}});
}

QString geminiText(const QJsonObject &answer)
{
    return answer.value("candidates")
        .toArray()
        .first()
        .toObject()
        .value("content")
        .toObject()
        .value("parts")
        .toArray()
        .first()
        .toObject()
        .value("text")
        .toString();
}

RawHttpClient::Response responsesHello(quint16 port, const QString &model, const QString &tokenKey)
{
    return RawHttpClient::postJson(port, "/v1/responses",
                                   {{"model", model}, {"input", "Hello"}, {"stream", false}},
                                   auth(tokenKey));
}

QString responsesText(const QJsonObject &answer)
{
    return answer.value("output")
        .toArray()
        .first()
        .toObject()
        .value("content")
        .toArray()
        .first()
        .toObject()
        .value("text")
        .toString();
}

} // namespace ClientCalls
