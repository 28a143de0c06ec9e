#include "multipartform.h"

namespace {

/// The value of `key="…"` (or key=token) in a Content-Disposition header line.
QByteArray dispositionParameter(QByteArrayView line, QByteArrayView key)
{
    const QByteArray needle = QByteArray(key.data(), key.size()) + '=';
    qsizetype at = 0;
    while ((at = line.indexOf(needle, at)) >= 0) {
        // Whole parameter names only: "name=" must not match inside "filename=".
        if (at > 0 && line.at(at - 1) != ';' && line.at(at - 1) != ' ') {
            at += needle.size();
            continue;
        }
        qsizetype begin = at + needle.size();
        if (begin < line.size() && line.at(begin) == '"') {
            const qsizetype end = line.indexOf('"', begin + 1);
            return end < 0 ? QByteArray() : line.sliced(begin + 1, end - begin - 1).toByteArray();
        }
        qsizetype end = line.indexOf(';', begin);
        if (end < 0)
            end = line.size();
        return line.sliced(begin, end - begin).trimmed().toByteArray();
    }
    return {};
}

} // namespace

QByteArray MultipartForm::boundaryOf(const QByteArray &contentType)
{
    if (!contentType.toLower().startsWith("multipart/form-data"))
        return {};
    const qsizetype at = contentType.toLower().indexOf("boundary=");
    if (at < 0)
        return {};
    QByteArray boundary = contentType.mid(at + 9);
    if (const qsizetype semicolon = boundary.indexOf(';'); semicolon >= 0)
        boundary.truncate(semicolon);
    boundary = boundary.trimmed();
    if (boundary.size() >= 2 && boundary.startsWith('"') && boundary.endsWith('"'))
        boundary = boundary.mid(1, boundary.size() - 2);
    return boundary;
}

bool MultipartForm::parse(const QByteArray &body, const QByteArray &boundary)
{
    m_body = body;
    m_parts.clear();
    if (boundary.isEmpty())
        return false;
    const QByteArray delimiter = "--" + boundary;
    qsizetype pos = body.indexOf(delimiter);
    if (pos < 0)
        return false;
    while (true) {
        pos += delimiter.size();
        if (body.mid(pos, 2) == "--")
            return true; // Closing delimiter.
        if (body.mid(pos, 2) != "\r\n")
            return false;
        pos += 2;
        const qsizetype headersEnd = body.indexOf("\r\n\r\n", pos);
        if (headersEnd < 0)
            return false;
        Part part;
        for (const QByteArray &line : body.mid(pos, headersEnd - pos).split('\n')) {
            if (line.toLower().startsWith("content-disposition:")) {
                part.name = dispositionParameter(line.trimmed(), "name");
                part.filename = dispositionParameter(line.trimmed(), "filename");
            }
        }
        part.valueBegin = headersEnd + 4;
        const qsizetype next = body.indexOf("\r\n" + delimiter, part.valueBegin);
        if (next < 0)
            return false;
        part.valueEnd = next;
        m_parts.append(part);
        pos = next + 2;
    }
}

QByteArray MultipartForm::field(QByteArrayView name) const
{
    for (const Part &part : m_parts) {
        if (part.filename.isEmpty() && part.name == name)
            return m_body.mid(part.valueBegin, part.valueEnd - part.valueBegin);
    }
    return {};
}

QByteArray MultipartForm::withField(QByteArrayView name, const QByteArray &value) const
{
    for (const Part &part : m_parts) {
        if (part.filename.isEmpty() && part.name == name) {
            QByteArray body = m_body;
            body.replace(part.valueBegin, part.valueEnd - part.valueBegin, value);
            return body;
        }
    }
    return m_body;
}
