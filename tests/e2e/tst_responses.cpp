// OpenAI Responses clients (POST /v1/responses, as Codex CLI speaks it): converted to Chat
// Completions for channels without the Responses API, passed through to those that have it.

#include "gateway/gatewaycore.h"
#include "logrows.h"
#include "mockupstream.h"
#include "rawhttpclient.h"
#include "relayseed.h"
#include "storage/database.h"
#include "testgateway.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

namespace {

const QString kGroup = QStringLiteral("responses-group");
const QString kKey = QStringLiteral("respkey0123456789respkey0123456789respkey01234567");
const QString kConverted = QStringLiteral("deepseek-chat"); // Type 36: no Responses API.
const QString kNative = QStringLiteral("gpt-5");            // Type 1: native Responses API.

QJsonObject request(const QString &model, bool stream)
{
    return {
        {"model", model}, {"instructions", "Be brief."}, {"input", "Hello"}, {"stream", stream}};
}

} // namespace

class TstResponses : public QObject
{
    Q_OBJECT

private:
    MockUpstream m_mock;
    TestGateway m_gateway;

    RawHttpClient::Response post(const QJsonObject &body)
    {
        return RawHttpClient::postJson(m_gateway.port(), "/v1/responses", body,
                                       {{"Authorization", "Bearer sk-" + kKey.toLatin1()}});
    }

    struct Event
    {
        QByteArray name;
        QJsonObject data;
    };
    static QList<Event> events(const QByteArray &body)
    {
        QList<Event> result;
        for (const QByteArray &line : body.split('\n')) {
            if (line.startsWith("event: "))
                result.append({line.mid(7).trimmed(), {}});
            else if (line.startsWith("data: ") && !result.isEmpty())
                result.last().data = QJsonDocument::fromJson(line.mid(6)).object();
        }
        return result;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_mock.start());
        QString error;
        QVERIFY2(m_gateway.start(&error), qPrintable(error));
        QSqlDatabase db = m_gateway.core()->mainDatabase()->connection();
        RelaySeed::ChannelRow converted;
        converted.id = 36;
        converted.type = 36;
        converted.name = QStringLiteral("deepseek");
        converted.key = QStringLiteral("sk-upstream");
        converted.baseUrl = m_mock.baseUrl();
        converted.models = {kConverted};
        RelaySeed::ChannelRow native = converted;
        native.id = 1;
        native.type = 1;
        native.name = QStringLiteral("openai");
        native.models = {kNative};
        QVERIFY2(
            RelaySeed::insertGroup(db, kGroup, &error) &&
                RelaySeed::insertToken(db, {1, kKey, QStringLiteral("t"), kGroup, {}, 1}, &error) &&
                RelaySeed::insertChannel(db, converted, &error) &&
                RelaySeed::insertChannel(db, native, &error) &&
                RelaySeed::insertModelConfig(db, kConverted, QStringLiteral("deepseek"), &error) &&
                RelaySeed::insertModelConfig(db, kNative, QStringLiteral("openai"), &error),
            qPrintable(error));
        m_gateway.core()->reloadSnapshot();
    }

    void cleanupTestCase() { m_gateway.stop(); }

    void convertedNonStreaming()
    {
        const auto response = post(request(kConverted, false));
        QCOMPARE(response.status, 200);
        const QJsonObject json = response.json();
        QCOMPARE(json.value("object").toString(), QStringLiteral("response"));
        QCOMPARE(json.value("status").toString(), QStringLiteral("completed"));
        QCOMPARE(json.value("model").toString(), kConverted);
        QString text;
        for (const QJsonValue &item : json.value("output").toArray()) {
            if (item.toObject().value("type").toString() != QLatin1String("message"))
                continue;
            for (const QJsonValue &part : item.toObject().value("content").toArray())
                text += part.toObject().value("text").toString();
        }
        QCOMPARE(text, MockUpstream::replyText());
        const QJsonObject usage = json.value("usage").toObject();
        QCOMPARE(usage.value("input_tokens").toInt(), MockUpstream::kPromptTokens);
        QCOMPARE(usage.value("output_tokens").toInt(), MockUpstream::kCompletionTokens);
        QCOMPARE(usage.value("input_tokens_details").toObject().value("cached_tokens").toInt(),
                 MockUpstream::kCachedTokens);

        const MockUpstream::Request sent = m_mock.lastRequest();
        QCOMPARE(sent.path, QByteArray("/v1/chat/completions"));
        const QJsonArray messages = sent.json().value("messages").toArray();
        QCOMPARE(messages.first().toObject().value("role").toString(), QStringLiteral("system"));
        QCOMPARE(messages.last().toObject().value("content").toString(), QStringLiteral("Hello"));

        const QSqlRecord row = LogRows::waitFor(m_gateway.core(), response.header("x-request-id"));
        QCOMPARE(row.value("mode").toInt(), 16);
        QCOMPARE(row.value("input_tokens").toInt(), MockUpstream::kPromptTokens);
        QCOMPARE(row.value("cached_tokens").toInt(), MockUpstream::kCachedTokens);
    }

    void convertedStreamHasTheResponsesEventSequence()
    {
        const auto response = post(request(kConverted, true));
        QCOMPARE(response.status, 200);
        const QList<Event> all = events(response.body);
        QVERIFY(all.size() > 4);
        QCOMPARE(all.first().name, QByteArray("response.created"));
        QCOMPARE(all.last().name, QByteArray("response.completed"));
        QString text;
        int previous = -1;
        for (const Event &event : all) {
            QCOMPARE(event.data.value("type").toString().toUtf8(), event.name);
            const int sequence = event.data.value("sequence_number").toInt();
            QVERIFY(sequence > previous);
            previous = sequence;
            if (event.name == "response.output_text.delta")
                text += event.data.value("delta").toString();
        }
        QCOMPARE(text, MockUpstream::replyText());
        const QJsonObject usage =
            all.last().data.value("response").toObject().value("usage").toObject();
        QCOMPARE(usage.value("output_tokens").toInt(), MockUpstream::kCompletionTokens);
    }

    void functionCallItemsBecomeToolMessages()
    {
        QJsonObject body = request(kConverted, false);
        body.insert("input",
                    QJsonArray{QJsonObject{{"role", "user"}, {"content", "Weather in Paris?"}},
                               QJsonObject{{"type", "function_call"},
                                           {"call_id", "call_42"},
                                           {"name", "get_weather"},
                                           {"arguments", "{\"location\":\"Paris\"}"}},
                               QJsonObject{{"type", "function_call_output"},
                                           {"call_id", "call_42"},
                                           {"output", "{\"temperature\":21}"}}});
        body.insert("tools",
                    QJsonArray{QJsonObject{{"type", "function"},
                                           {"name", "get_weather"},
                                           {"parameters", QJsonObject{{"type", "object"}}}}});
        const auto response = post(body);
        QCOMPARE(response.status, 200);
        const QJsonArray messages = m_mock.lastRequest().json().value("messages").toArray();
        QJsonObject assistant;
        QJsonObject tool;
        for (const QJsonValue &message : messages) {
            const QString role = message.toObject().value("role").toString();
            if (role == QLatin1String("assistant"))
                assistant = message.toObject();
            if (role == QLatin1String("tool"))
                tool = message.toObject();
        }
        const QJsonObject call = assistant.value("tool_calls").toArray().first().toObject();
        QCOMPARE(call.value("id").toString(), QStringLiteral("call_42"));
        QCOMPARE(call.value("function").toObject().value("name").toString(),
                 QStringLiteral("get_weather"));
        QCOMPARE(tool.value("tool_call_id").toString(), QStringLiteral("call_42"));
        QCOMPARE(tool.value("content").toString(), QStringLiteral("{\"temperature\":21}"));
        // The answer with tools present is a function call item.
        bool sawCall = false;
        for (const QJsonValue &item : response.json().value("output").toArray())
            sawCall = sawCall ||
                      item.toObject().value("type").toString() == QLatin1String("function_call");
        QVERIFY(sawCall);
    }

    void nativeChannelsGetTheRequestAsSent()
    {
        QJsonObject body = request(kNative, false);
        body.insert("store", false);
        const auto response = post(body);
        QCOMPARE(response.status, 200);
        // The upstream's own response object: converted ones get ids derived from chatcmpl-.
        QVERIFY(response.json().value("id").toString().startsWith(QLatin1String("resp_mock")));
        const MockUpstream::Request sent = m_mock.lastRequest();
        QCOMPARE(sent.path, QByteArray("/v1/responses"));
        QCOMPARE(sent.json().value("input").toString(), QStringLiteral("Hello"));
        QCOMPARE(sent.json().value("instructions").toString(), QStringLiteral("Be brief."));
        QVERIFY(sent.json().contains("store"));
        const QSqlRecord row = LogRows::waitFor(m_gateway.core(), response.header("x-request-id"));
        QCOMPARE(row.value("input_tokens").toInt(), MockUpstream::kPromptTokens);
        QCOMPARE(row.value("cached_tokens").toInt(), MockUpstream::kCachedTokens);
        QCOMPARE(row.value("output_tokens").toInt(), MockUpstream::kCompletionTokens);
    }

    void nativeStreamsAreForwardedAndAccounted()
    {
        const auto response = post(request(kNative, true));
        QCOMPARE(response.status, 200);
        const QList<Event> all = events(response.body);
        QVERIFY(!all.isEmpty());
        QCOMPARE(all.last().name, QByteArray("response.completed"));
        QVERIFY(all.last()
                    .data.value("response")
                    .toObject()
                    .value("id")
                    .toString()
                    .startsWith(QLatin1String("resp_mock")));
        QCOMPARE(m_mock.lastRequest().path, QByteArray("/v1/responses"));
        const QSqlRecord row = LogRows::waitFor(m_gateway.core(), response.header("x-request-id"));
        QCOMPARE(row.value("usage_source").toString(), QStringLiteral("upstream"));
        QCOMPARE(row.value("output_tokens").toInt(), MockUpstream::kCompletionTokens);
    }

    void storedResponsesGoBackToTheirChannel()
    {
        const auto created = post(request(kNative, false));
        QCOMPARE(created.status, 200);
        const QString id = created.json().value("id").toString();
        QVERIFY(!id.isEmpty());
        const int requestsBefore = m_mock.requestCount();

        RawHttpClient client;
        QVERIFY(client.connectToPort(m_gateway.port()));
        const RawHttpClient::Headers auth{{"Authorization", "Bearer sk-" + kKey.toLatin1()}};
        const auto fetched = client.request("GET", "/v1/responses/" + id.toLatin1(), {}, auth);
        QCOMPARE(fetched.status, 200);
        QCOMPARE(fetched.json().value("id").toString(), id);
        QCOMPARE(m_mock.lastRequest().method, QByteArray("GET"));
        QCOMPARE(m_mock.lastRequest().path, "/v1/responses/" + id.toLatin1());
        QCOMPARE(m_mock.lastRequest().header("authorization"), QByteArray("Bearer sk-upstream"));

        // Its input items (paging query kept) and cancel go to the same channel.
        const auto items = client.request(
            "GET", "/v1/responses/" + id.toLatin1() + "/input_items?limit=5", {}, auth);
        QCOMPARE(items.status, 200);
        QCOMPARE(items.json().value("object").toString(), QStringLiteral("list"));
        QCOMPARE(m_mock.lastRequest().path,
                 "/v1/responses/" + id.toLatin1() + "/input_items?limit=5");
        const auto cancelled =
            client.request("POST", "/v1/responses/" + id.toLatin1() + "/cancel", {}, auth);
        QCOMPARE(cancelled.status, 200);
        QCOMPARE(cancelled.json().value("status").toString(), QStringLiteral("cancelled"));
        QCOMPARE(m_mock.lastRequest().method, QByteArray("POST"));
        QCOMPARE(m_mock.lastRequest().path, "/v1/responses/" + id.toLatin1() + "/cancel");

        // Another group's token cannot reach it.
        QSqlDatabase db = m_gateway.core()->mainDatabase()->connection();
        const QString otherKey = QStringLiteral("otherkey0123456789otherkey0123456789otherkey0123");
        QString error;
        QVERIFY2(RelaySeed::insertGroup(db, QStringLiteral("other-group"), &error) &&
                     RelaySeed::insertToken(
                         db,
                         {2, otherKey, QStringLiteral("o"), QStringLiteral("other-group"), {}, 1},
                         &error),
                 qPrintable(error));
        m_gateway.core()->reloadSnapshot();
        RawHttpClient other;
        QVERIFY(other.connectToPort(m_gateway.port()));
        const auto foreign = other.request("GET", "/v1/responses/" + id.toLatin1(), {},
                                           {{"Authorization", "Bearer sk-" + otherKey.toLatin1()}});
        QCOMPARE(foreign.status, 404);
        QCOMPARE(m_mock.requestCount(), requestsBefore + 3); // Not forwarded.

        RawHttpClient deleter;
        QVERIFY(deleter.connectToPort(m_gateway.port()));
        const auto deleted = deleter.request("DELETE", "/v1/responses/" + id.toLatin1(), {}, auth);
        QCOMPARE(deleted.status, 200);
        QVERIFY(deleted.json().value("deleted").toBool());
        QCOMPARE(m_mock.lastRequest().method, QByteArray("DELETE"));
        // Forgotten after the delete; unknown ids are 404 in OpenAI's shape.
        RawHttpClient again;
        QVERIFY(again.connectToPort(m_gateway.port()));
        const auto gone = again.request("GET", "/v1/responses/" + id.toLatin1(), {}, auth);
        QCOMPARE(gone.status, 404);
        QCOMPARE(gone.json().value("error").toObject().value("code").toString(),
                 QStringLiteral("not_found"));
    }

    void invalidRequestsAreRefused()
    {
        QJsonObject noInput{{"model", kConverted}};
        const auto response = post(noInput);
        QCOMPARE(response.status, 400);
        QCOMPARE(response.json().value("error").toObject().value("type").toString(),
                 QStringLiteral("invalid_request_error"));
    }
};

QTEST_GUILESS_MAIN(TstResponses)
#include "tst_responses.moc"
