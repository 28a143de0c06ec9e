#include "golden.h"

#include <QFile>
#include <QJsonParseError>

namespace Golden {

namespace {

bool updating()
{
    return qEnvironmentVariableIsSet("AIPROXY_UPDATE_GOLDEN");
}

void write(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
        qFatal("cannot write golden file %s", qPrintable(path));
}

} // namespace

Fixtures::Fixtures(const QString &subdir)
    : m_dir(QStringLiteral(AIPROXY_FIXTURES_DIR "/") + subdir + QLatin1Char('/'))
{
}

QString Fixtures::path(const QString &name) const
{
    return m_dir + name;
}

QByteArray Fixtures::read(const QString &name) const
{
    QFile file(path(name));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("missing fixture %s", qPrintable(file.fileName()));
    return file.readAll();
}

QJsonObject Fixtures::json(const QString &name) const
{
    return QJsonDocument::fromJson(read(name)).object();
}

QJsonArray Fixtures::jsonArray(const QString &name) const
{
    return QJsonDocument::fromJson(read(name)).array();
}

QByteArray Fixtures::golden(const QString &name, const QByteArray &actual) const
{
    if (updating())
        write(path(name), actual);
    return read(name);
}

QJsonDocument Fixtures::golden(const QString &name, const QJsonDocument &actual) const
{
    if (updating())
        write(path(name), actual.toJson(QJsonDocument::Indented));
    return QJsonDocument::fromJson(read(name));
}

QString pretty(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Indented));
}

QString pretty(const QJsonArray &array)
{
    return QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Indented));
}

QJsonObject parse(const QByteArray &json)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError)
        qFatal("bad test JSON: %s", qPrintable(error.errorString()));
    return document.object();
}

QList<SseParser::Event> sseEvents(const QList<QByteArray> &pieces)
{
    SseParser parser;
    QList<SseParser::Event> events;
    for (const QByteArray &piece : pieces)
        events += parser.feed(piece);
    events += parser.finish();
    return events;
}

QList<QJsonObject> sseData(const QByteArray &bytes)
{
    QList<QJsonObject> out;
    for (const SseParser::Event &event : sseEvents({bytes}))
        out << QJsonDocument::fromJson(event.data).object();
    return out;
}

QList<QJsonObject> openAIChunks(const QList<QByteArray> &pieces)
{
    QList<QJsonObject> chunks;
    for (const SseParser::Event &event : sseEvents(pieces))
        if (!event.isCommentOnly && event.data != "[DONE]")
            chunks << QJsonDocument::fromJson(event.data).object();
    return chunks;
}

QList<QList<QByteArray>> splitsAtEveryPosition(const QByteArray &bytes)
{
    QList<QList<QByteArray>> splits;
    for (qsizetype cut = 0; cut <= bytes.size(); ++cut)
        splits.append({bytes.first(cut), bytes.sliced(cut)});
    return splits;
}

QList<QByteArray> oneByteAtATime(const QByteArray &bytes)
{
    QList<QByteArray> pieces;
    for (char c : bytes)
        pieces << QByteArray(1, c);
    return pieces;
}

} // namespace Golden
