#include "relaytimeouts.h"

namespace {

constexpr qint64 kMinute = 60'000;

qint64 modeDefaultMs(RelayMode mode, bool stream, qint64 promptTokens)
{
    switch (mode) {
    case RelayMode::Embeddings:
        return 30'000;
    case RelayMode::Moderations:
    case RelayMode::AudioSpeech:
    case RelayMode::AudioTranscription:
    case RelayMode::AudioTranslation:
        return 5 * kMinute;
    case RelayMode::ImagesGenerations:
    case RelayMode::ImagesEdits:
        return 10 * kMinute;
    case RelayMode::Rerank:
    case RelayMode::ParsePdf:
        return 3 * kMinute;
    default:
        break;
    }
    const int tier = promptTokens > 100'000 ? 2 : promptTokens > 10'000 ? 1 : 0;
    if (stream)
        return (tier == 2 ? 10 : tier == 1 ? 5 : 3) * kMinute;
    return (5 + 5 * tier) * kMinute;
}

qint64 secondsMs(const QJsonObject &config, const char *name)
{
    // At most ~23 days: timers take an int of milliseconds.
    const double seconds = qMin(config.value(QLatin1String(name)).toDouble(), 2'000'000.0);
    return seconds > 0 ? qint64(seconds * 1000) : 0;
}

} // namespace

RelayTimeouts RelayTimeouts::forRequest(RelayMode mode, bool stream, qint64 promptTokens,
                                        const QJsonObject &timeoutConfig, qint64 defaultIdleMs)
{
    RelayTimeouts timeouts;
    timeouts.firstByteMs = secondsMs(timeoutConfig, stream ? "stream" : "request");
    if (timeouts.firstByteMs == 0)
        timeouts.firstByteMs = modeDefaultMs(mode, stream, promptTokens);
    if (stream || mode == RelayMode::AudioSpeech) {
        timeouts.idleMs = secondsMs(timeoutConfig, "idle");
        if (timeouts.idleMs == 0)
            timeouts.idleMs = defaultIdleMs;
    }
    return timeouts;
}
