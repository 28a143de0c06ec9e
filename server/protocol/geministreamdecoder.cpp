#include "geministreamdecoder.h"

#include "conversionutil.h"
#include "openaigemini.h"

#include <QDateTime>
#include <QJsonArray>

using ConversionUtil::str;

GeminiStreamDecoder::GeminiStreamDecoder(const QString &clientModel)
    : m_out(clientModel)
{
}

QList<QJsonObject> GeminiStreamDecoder::candidateChunks(const QJsonObject &candidate, int position)
{
    const int index = candidate.value(str("index")).toInt(position);
    QList<QJsonObject> out;
    auto state = m_candidates.find(index);
    if (state == m_candidates.end()) {
        state = m_candidates.insert(index, Candidate());
        out.append(m_out.roleChunk(index));
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
            out.append(m_out.chunk({{str("tool_calls"), QJsonArray{call}}}, {}, index));
            continue;
        }
        const QString text = part.value(str("text")).toString();
        if (text.isEmpty())
            continue; // Empty texts, signature-only parts, media and code parts.
        out.append(m_out.chunk(
            {{part.value(str("thought")).toBool() ? str("reasoning_content") : str("content"),
              text}},
            {}, index));
    }
    const QString reason = candidate.value(str("finishReason")).toString();
    if (!reason.isEmpty()) {
        state->finished = true;
        m_sawFinishReason = true;
        out.append(
            m_out.chunk({}, OpenAIGemini::finishReason(reason, state->toolCalls > 0), index));
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
        return {ConversionUtil::openAIErrorChunk(object.value(str("message")).toString(),
                                                 object.value(str("status")).toString())};
    }
    if (!m_out.hasId())
        m_out.setId(ConversionUtil::replaceIdPrefix(data.value(str("responseId")).toString(),
                                                    QString(), str("chatcmpl-")));
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
        return {ChunkWriter::upstreamError(str("the Gemini stream ended before a finishReason"))};
    if (!m_sawUsage)
        return {};
    return {m_out.usageChunk(OpenAIGemini::openAIUsage(m_usage))};
}
