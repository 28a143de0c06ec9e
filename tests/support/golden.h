#pragma once

#include "relay/sseparser.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QString>

/// Golden-file and SSE helpers shared by the protocol converter tests.
///
/// Fixtures live in AIPROXY_FIXTURES_DIR (tests/fixtures, defined by the support library), one
/// subdirectory per converter. Set AIPROXY_UPDATE_GOLDEN to (re)write golden files from the
/// actual output instead of trusting them; review the diff before committing.
namespace Golden {

/// The fixtures of one subdirectory of tests/fixtures.
class Fixtures
{
public:
    explicit Fixtures(const QString &subdir);

    QString path(const QString &name) const;
    /// The bytes of fixture \a name; qFatal() with its path when it cannot be read.
    QByteArray read(const QString &name) const;
    /// read() parsed as a JSON object (empty when it is not one).
    QJsonObject json(const QString &name) const;
    /// read() parsed as a JSON array (empty when it is not one).
    QJsonArray jsonArray(const QString &name) const;
    /// Golden \a name as bytes; with AIPROXY_UPDATE_GOLDEN set, first overwritten with \a actual.
    QByteArray golden(const QString &name, const QByteArray &actual) const;
    /// Golden \a name as JSON; with AIPROXY_UPDATE_GOLDEN set, first overwritten with \a actual
    /// (indented).
    QJsonDocument golden(const QString &name, const QJsonDocument &actual) const;

private:
    QString m_dir;
};

/// Indented JSON, for failure messages.
QString pretty(const QJsonObject &object);
QString pretty(const QJsonArray &array);

/// Parses the JSON object \a json; qFatal() on malformed test JSON.
QJsonObject parse(const QByteArray &json);

/// The events of SSE \a pieces fed in order through one SseParser, including finish().
QList<SseParser::Event> sseEvents(const QList<QByteArray> &pieces);
/// The `data:` JSON of each event in SSE \a bytes.
QList<QJsonObject> sseData(const QByteArray &bytes);
/// The OpenAI chunks of SSE \a pieces: each event's data JSON, comments and [DONE] skipped.
QList<QJsonObject> openAIChunks(const QList<QByteArray> &pieces);

/// Feeds the OpenAI chunks of SSE \a pieces to \a encoder (onChunk(), then finish(\a error)) as
/// the relay does; returns everything the encoder emitted.
template<typename Encoder>
QByteArray encodeOpenAIStream(Encoder &encoder, const QList<QByteArray> &pieces,
                              const QString &error = {})
{
    QByteArray out;
    for (const QJsonObject &chunk : openAIChunks(pieces))
        out += encoder.onChunk(chunk);
    return out + encoder.finish(error);
}

/// \a bytes cut in two at every position 0..size (element i is {first(i), sliced(i)}).
QList<QList<QByteArray>> splitsAtEveryPosition(const QByteArray &bytes);
/// \a bytes as one-byte pieces.
QList<QByteArray> oneByteAtATime(const QByteArray &bytes);

/// The first position at which \a bytes cut in two (see splitsAtEveryPosition()) makes
/// \a convert of the two pieces differ from \a expected; -1 when every cut gives \a expected.
template<typename Expected, typename Convert>
qsizetype firstBadSplit(const QByteArray &bytes, const Expected &expected, Convert convert)
{
    const QList<QList<QByteArray>> splits = splitsAtEveryPosition(bytes);
    for (qsizetype cut = 0; cut < splits.size(); ++cut) {
        if (!(convert(splits.at(cut)) == expected))
            return cut;
    }
    return -1;
}

} // namespace Golden
