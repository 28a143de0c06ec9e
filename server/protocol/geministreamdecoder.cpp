#include "geministreamdecoder.h"

#include "conversionutil.h"
#include "openaigemini.h"

#include <QDateTime>
#include <QJsonArray>

using ConversionUtil::str;

GeminiStreamDecoder::GeminiStreamDecoder(const QString &clientModel)
    : m_model(clientModel)
    , m_created(QDateTime::currentSecsSinceEpoch())
{
}

QJsonObject GeminiStreamDecoder::chunk(int index, const QJsonObject &delta,
                                       const QJsonValue &finishReason) const
{
    return ConversionUtil::openAIChunk(m_id, m_created, m_model, index, delta, finishReason);
}

QList<QJsonObject> GeminiStreamDecoder::candidateChunks(const QJsonObject &candidate, int position)
{
    const int index = candidate.value(str("index")).toInt(position);
    QList<QJsonObject> out;
    auto state = m_candidates.find(index);
    if (state == m_candidates.end()) {
        state = m_candidates.insert(index, Candidate());
        out.append(chunk(index, {{str("role"), str("assistant")}, {str("content"), QString()}}));
    }
    if (state->finished)
        return out;
    const QJsonArray parts =
        candidate.value(str("content")).toObject().value(str("parts")).toArray();
    for (const QJsonValue &value : parts) {
        const QJsonObject part = value.toObject();
        if (part.value(str("functionCall")).isObject()) {
            const int ordinal = state->toolCalls++;
            QJsonObject call = OpenAIGemini::toolCall(part, ordinal);
            call.insert(str("index"), ordinal);
            out.append(chunk(index, {{str("tool_calls"), QJsonArray{call}}}));
            continue;
        }
        const QString text = part.value(str("text")).toString();
        if (text.isEmpty())
            continue; // Empty texts, signature-only parts, media and code parts.
        out.append(chunk(index, {{part.value(str("thought")).toBool() ? str("reasoning_content")
                                                                      : str("content"),
                                  text}}));
    }
    const QString reason = candidate.value(str("finishReason")).toString();
    if (!reason.isEmpty()) {
        state->finished = true;
        m_sawFinishReason = true;
        out.append(chunk(index, {}, OpenAIGemini::finishReason(reason, state->toolCalls > 0)));
    }
    return out;
}

QList<QJsonObject> GeminiStreamDecoder::onEvent(const QJsonObject &data)
{
    if (m_finished || data.isEmpty())
        return {};
    const QJsonValue error = data.value(str("error"));
    if (error.isObject()) {
        m_finished = true;
        const QJsonObject object = error.toObject();
        return {QJsonObject{
            {str("error"), QJsonObject{{str("message"), object.value(str("message")).toString()},
                                       {str("type"), object.value(str("status")).toString()}}}}};
    }
    if (m_id.isEmpty())
        m_id = ConversionUtil::replaceIdPrefix(data.value(str("responseId")).toString(), QString(),
                                               str("chatcmpl-"));
    if (data.value(str("usageMetadata")).isObject()) {
        m_usage = OpenAIGemini::usageFromGemini(data.value(str("usageMetadata")).toObject());
        m_sawUsage = true;
    }
    QList<QJsonObject> out;
    const QJsonArray candidates = data.value(str("candidates")).toArray();
    for (qsizetype i = 0; i < candidates.size(); ++i)
        out += candidateChunks(candidates.at(i).toObject(), int(i));
    if (candidates.isEmpty() &&
        !data.value(str("promptFeedback")).toObject().value(str("blockReason")).isUndefined()) {
        // The prompt was blocked: one empty choice ended by the filter.
        out += candidateChunks(QJsonObject{{str("finishReason"), str("SAFETY")}}, 0);
    }
    return out;
}

QList<QJsonObject> GeminiStreamDecoder::finish()
{
    if (m_finished)
        return {};
    m_finished = true;
    if (!m_sawFinishReason)
        return {QJsonObject{
            {str("error"),
             QJsonObject{{str("message"), str("the Gemini stream ended before a finishReason")},
                         {str("type"), str("upstream_error")}}}}};
    if (!m_sawUsage)
        return {};
    return {ConversionUtil::openAIUsageChunk(m_id, m_created, m_model,
                                             OpenAIGemini::openAIUsage(m_usage))};
}
