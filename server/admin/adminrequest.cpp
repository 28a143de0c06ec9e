#include "adminrequest.h"

#include "http/httprequest.h"

#include <QJsonDocument>
#include <QJsonParseError>

AdminRequest::AdminRequest(const HttpRequest &request)
    : m_request(request)
{
}

void AdminRequest::fail(const QString &message)
{
    if (m_error.isEmpty())
        m_error = message;
}

QString AdminRequest::path(const QString &name) const
{
    return m_request.param(name);
}

qint64 AdminRequest::pathId(const QString &name)
{
    bool isNumber = false;
    const qint64 id = m_request.param(name).toLongLong(&isNumber);
    if (!isNumber || id <= 0) {
        fail(QStringLiteral("invalid field '%1': a positive integer id is required").arg(name));
        return 0;
    }
    return id;
}

QString AdminRequest::text(const QString &name) const
{
    return m_request.queryValue(name).trimmed();
}

qint64 AdminRequest::number(const QString &name) const
{
    return text(name).toLongLong();
}

bool AdminRequest::flag(const QString &name) const
{
    const QString value = text(name);
    return value == QLatin1String("true") || value == QLatin1String("1");
}

PageRequest AdminRequest::page() const
{
    return PageRequest::normalized(int(number(QStringLiteral("page"))),
                                   int(number(QStringLiteral("per_page"))));
}

QJsonValue AdminRequest::body()
{
    if (m_parsed)
        return m_body;
    m_parsed = true;
    if (m_request.body.trimmed().isEmpty()) {
        m_body = QJsonObject();
        return m_body;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(m_request.body, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        fail(QStringLiteral("invalid JSON body: %1 at offset %2")
                 .arg(parseError.errorString())
                 .arg(parseError.offset));
        return m_body;
    }
    m_body = document.isArray() ? QJsonValue(document.array()) : QJsonValue(document.object());
    return m_body;
}

QJsonObject AdminRequest::object()
{
    const QJsonValue value = body();
    if (!value.isNull() && !value.isObject())
        fail(QStringLiteral("invalid JSON body: an object is required"));
    return value.toObject();
}

QJsonObject AdminRequest::fields(const QStringList &names)
{
    const QJsonObject whole = object();
    QJsonObject selected;
    for (const QString &name : names) {
        const QJsonValue value = whole.value(name);
        if (value.isUndefined() || value.isNull())
            fail(QStringLiteral("invalid field '%1': required").arg(name));
        else
            selected.insert(name, value);
    }
    return selected;
}

QJsonArray AdminRequest::array()
{
    const QJsonValue value = body();
    if (!value.isNull() && !value.isArray())
        fail(QStringLiteral("invalid JSON body: an array is required"));
    return value.toArray();
}

QList<qint64> AdminRequest::ids()
{
    QList<qint64> result;
    const QJsonArray values = array();
    for (qsizetype i = 0; i < values.size(); ++i) {
        const QJsonValue value = values.at(i);
        if (!value.isDouble() || value.toDouble() != double(value.toInteger()) ||
            value.toInteger() <= 0) {
            fail(QStringLiteral("invalid field 'ids[%1]': a positive integer id is required")
                     .arg(i));
            return {};
        }
        result << value.toInteger();
    }
    return result;
}

QStringList AdminRequest::strings(const QString &key)
{
    QJsonArray values;
    if (key.isEmpty()) {
        values = array();
    } else {
        const QJsonValue whole = body();
        if (whole.isArray()) {
            values = whole.toArray();
        } else {
            const QJsonObject object = whole.toObject();
            for (const QString &alternative : key.split(QLatin1Char('|'))) {
                if (object.value(alternative).isArray()) {
                    values = object.value(alternative).toArray();
                    break;
                }
            }
        }
    }
    QStringList result;
    for (qsizetype i = 0; i < values.size(); ++i) {
        if (!values.at(i).isString() || values.at(i).toString().isEmpty()) {
            fail(QStringLiteral("invalid field '%1[%2]': a non-empty string is required")
                     .arg(key.isEmpty() ? QStringLiteral("body")
                                        : key.section(QLatin1Char('|'), 0, 0))
                     .arg(i));
            return {};
        }
        result << values.at(i).toString();
    }
    return result;
}
