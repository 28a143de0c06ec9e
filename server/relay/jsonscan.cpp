#include "jsonscan.h"

#include <QJsonDocument>

namespace {

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/// Position of the value after `"key"` + ':' at \a quote (the key's opening quote), or -1.
qsizetype valueAfterKey(const QByteArray &json, qsizetype quote, qsizetype keyLength)
{
    if (quote > 0 && json.at(quote - 1) == '\\')
        return -1;
    qsizetype pos = quote + keyLength + 2;
    while (pos < json.size() && isSpace(json.at(pos)))
        ++pos;
    if (pos >= json.size() || json.at(pos) != ':')
        return -1;
    ++pos;
    while (pos < json.size() && isSpace(json.at(pos)))
        ++pos;
    return pos < json.size() ? pos : -1;
}

QByteArray quoted(QByteArrayView key)
{
    QByteArray needle;
    needle.reserve(key.size() + 2);
    needle.append('"').append(key.data(), key.size()).append('"');
    return needle;
}

} // namespace

namespace JsonScan {

QJsonObject lastObjectMember(const QByteArray &json, QByteArrayView key)
{
    const QByteArray needle = quoted(key);
    qsizetype quote = json.lastIndexOf(needle);
    while (quote >= 0) {
        const qsizetype start = valueAfterKey(json, quote, key.size());
        if (start >= 0 && json.at(start) == '{') {
            int depth = 0;
            bool inString = false;
            for (qsizetype i = start; i < json.size(); ++i) {
                const char c = json.at(i);
                if (inString) {
                    if (c == '\\')
                        ++i;
                    else if (c == '"')
                        inString = false;
                } else if (c == '"') {
                    inString = true;
                } else if (c == '{') {
                    ++depth;
                } else if (c == '}' && --depth == 0) {
                    return QJsonDocument::fromJson(json.mid(start, i - start + 1)).object();
                }
            }
            return {};
        }
        quote = quote > 0 ? json.lastIndexOf(needle, quote - 1) : -1;
    }
    return {};
}

QString firstStringMember(const QByteArray &json, QByteArrayView key)
{
    const QByteArray needle = quoted(key);
    qsizetype quote = json.indexOf(needle);
    while (quote >= 0) {
        const qsizetype start = valueAfterKey(json, quote, key.size());
        if (start >= 0 && json.at(start) == '"') {
            const qsizetype end = json.indexOf('"', start + 1);
            if (end > start && json.at(end - 1) != '\\')
                return QString::fromUtf8(json.constData() + start + 1, end - start - 1);
            return {};
        }
        quote = json.indexOf(needle, quote + needle.size());
    }
    return {};
}

} // namespace JsonScan
