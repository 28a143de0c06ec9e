#pragma once

#include "chunkwriter.h"
#include "model/logrecord.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>

/// Converts a Gemini `streamGenerateContent?alt=sse` stream into OpenAI
/// `chat.completion.chunk` objects (conversion rules: protocol/openaigemini.h).
///
/// Every `data:` event of the stream is a whole GenerateContentResponse; feed each parsed one to
/// onEvent() and forward what it returns; call finish() once when the upstream stream ends.
/// Per candidate (choice index = the candidate's `index`): a role chunk first, then reasoning
/// (`thought` parts) and text deltas as they come, each functionCall part as one complete
/// tool_call delta (index counting the candidate's calls, id, name, arguments), and a
/// finish_reason chunk when the candidate's finishReason arrives. Gemini ends a stream by
/// closing it, so the usage chunk (`choices: []`) comes from finish(), built from the last
/// usageMetadata seen (each event's usageMetadata is cumulative; the last is the authority).
/// Memory is constant: per candidate a few flags and a counter, never text.
class GeminiStreamDecoder
{
public:
    explicit GeminiStreamDecoder(const QString &clientModel);

    /// One event's GenerateContentResponse. `{"error":{…}}` (Gemini's in-stream error) gives
    /// `{"error":{message,type}}` and ends the stream; events after that give nothing.
    QList<QJsonObject> onEvent(const QJsonObject &data);
    /// End of the upstream stream: the usage chunk when some candidate finished (none when no
    /// usageMetadata was seen); an error chunk when no finishReason came (stream cut short).
    /// Later calls return nothing.
    QList<QJsonObject> finish();

    /// Usage from the last usageMetadata seen.
    Usage usage() const { return m_usage; }
    bool isFinished() const { return m_finished; }

private:
    struct Candidate
    {
        int toolCalls = 0;
        bool finished = false;
    };

    QList<QJsonObject> candidateChunks(const QJsonObject &candidate, int position);

    ChunkWriter m_out;
    bool m_finished = false;
    bool m_sawFinishReason = false;
    bool m_sawUsage = false;
    QHash<int, Candidate> m_candidates;
    Usage m_usage;
};
