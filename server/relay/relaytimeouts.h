#pragma once

#include "relaycontext.h"

#include <QJsonObject>

/// How long one upstream attempt may take (aiproxy's timeout plugin, reference §5.9).
///
/// Non-streamed requests: the whole answer within firstByteMs. Streams: the first byte of the
/// answer's body within firstByteMs, then no gap between two chunks longer than idleMs (a
/// stream that is merely long is never cut). A model's `timeout_config` {request, stream,
/// idle} (seconds) replaces the defaults. Time spent paused because the client reads slowly
/// does not count.
struct RelayTimeouts
{
    qint64 firstByteMs = 0;
    qint64 idleMs = 0; ///< Streams only; 0: none.

    /// Defaults by mode: embeddings 30 s; moderations, audio 5 min; images 10 min; rerank 3 min;
    /// chat-like streams 3 min to the first byte (5 min above 10k prompt tokens, 10 min above
    /// 100k), not streamed 5 / 10 / 15 min; \a defaultIdleMs between chunks.
    static RelayTimeouts forRequest(RelayMode mode, bool stream, qint64 promptTokens,
                                    const QJsonObject &timeoutConfig, qint64 defaultIdleMs);
};
