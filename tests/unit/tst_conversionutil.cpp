// Shared conversion helpers, and that every converter reads reasoning the same way.

#include "protocol/anthropicopenai.h"
#include "protocol/conversionutil.h"
#include "protocol/geminiopenai.h"

#include <QJsonArray>
#include <QtTest>

class TstConversionUtil : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void reasoningTextPrefersReasoningContent()
    {
        using ConversionUtil::reasoningText;
        QCOMPARE(reasoningText({{"reasoning_content", "a"}, {"reasoning", "b"}}),
                 QStringLiteral("a"));
        QCOMPARE(reasoningText({{"reasoning", "b"}}), QStringLiteral("b")); // OpenRouter style.
        QCOMPARE(reasoningText({{"reasoning_content", ""}, {"reasoning", "b"}}),
                 QStringLiteral("b"));
        QVERIFY(reasoningText({{"content", "x"}}).isEmpty());
    }

    void convertersTakeOpenRouterStyleReasoning()
    {
        const QJsonObject completion{
            {"id", "chatcmpl-1"},
            {"choices", QJsonArray{QJsonObject{{"index", 0},
                                               {"message", QJsonObject{{"role", "assistant"},
                                                                       {"content", "Answer."},
                                                                       {"reasoning", "Thinking."}}},
                                               {"finish_reason", "stop"}}}}};
        const QJsonArray blocks =
            AnthropicOpenAI::toAnthropicResponse(completion, "m").value("content").toArray();
        QCOMPARE(blocks.first().toObject().value("type").toString(), QStringLiteral("thinking"));
        QCOMPARE(blocks.first().toObject().value("thinking").toString(),
                 QStringLiteral("Thinking."));

        const QJsonArray parts = GeminiOpenAI::toGeminiResponse(completion, "m")
                                     .value("candidates")
                                     .toArray()
                                     .first()
                                     .toObject()
                                     .value("content")
                                     .toObject()
                                     .value("parts")
                                     .toArray();
        QCOMPARE(parts.first().toObject().value("text").toString(), QStringLiteral("Thinking."));
        QVERIFY(parts.first().toObject().value("thought").toBool());
    }

    void base64EmbeddingsAreLittleEndianFloat32()
    {
        const QJsonObject list{
            {"object", "list"},
            {"data", QJsonArray{QJsonObject{{"index", 0}, {"embedding", QJsonArray{1.0, -0.5}}},
                                QJsonObject{{"index", 1}, {"embedding", "already"}}}},
            {"usage", QJsonObject{{"prompt_tokens", 1}}}};
        const QJsonObject out = ConversionUtil::base64Embeddings(list);
        const QJsonArray data = out.value("data").toArray();
        // 1.0f = 00 00 80 3f, -0.5f = 00 00 00 bf (little-endian).
        QCOMPARE(
            QByteArray::fromBase64(data.at(0).toObject().value("embedding").toString().toLatin1()),
            QByteArray::fromHex("0000803f000000bf"));
        QCOMPARE(data.at(1).toObject().value("embedding").toString(), QStringLiteral("already"));
        QCOMPARE(out.value("usage"), list.value("usage"));
    }
};

QTEST_GUILESS_MAIN(TstConversionUtil)
#include "tst_conversionutil.moc"
