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
};

QTEST_GUILESS_MAIN(TstConversionUtil)
#include "tst_conversionutil.moc"
