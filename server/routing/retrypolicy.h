#pragma once

#include <QByteArray>
#include <QtGlobal>

/// What the relay does after a failed attempt (see the README's retry rules).
namespace RetryPolicy {

enum class Verdict
{
    /// Answer the client: the request itself is at fault (400, 413, 422, 451), the client left
    /// (499), or the status is one no other channel would change.
    Final,
    /// The channel refused the credentials or does not have the model (401, 402, 403, 404): try
    /// another channel without using up a retry; this channel is not tried again.
    Exclude,
    /// Rate limits, server errors, timeouts and transport failures (status 0): retry, on another
    /// channel when there is one.
    Retry,
};

Verdict classify(int status);

/// Longest Retry-After the relay waits for when it must reuse the channel that sent it; a
/// longer one ends the request with the provider's answer.
constexpr qint64 kMaxRetryAfterMs = 10'000;
/// Longest backoff between attempts on the same channel without a Retry-After.
constexpr qint64 kMaxBackoffMs = 5'000;

/// The delay a Retry-After header asks for at \a nowMs (delta-seconds or an HTTP date);
/// -1 when the header is absent or malformed.
qint64 retryAfterMs(const QByteArray &header, qint64 nowMs);

/// The wait before reusing a channel that already failed \a failures times (≥ 1) for this
/// request: \a retryAfterMs when it asked for one, else 500 ms × 2^(failures−1) capped at
/// kMaxBackoffMs, plus up to 20 % jitter from \a random (uniform over quint32).
qint64 sameChannelBackoffMs(int failures, qint64 retryAfterMs, quint32 random);

} // namespace RetryPolicy
