#pragma once

#include <QByteArray>
#include <QList>

/// Minimal multipart/form-data reader for the relay: finds form fields (to route by `model`)
/// and rewrites a field's value in place (model mapping) without touching file parts.
class MultipartForm
{
public:
    struct Part
    {
        QByteArray name;
        QByteArray filename;      ///< Empty for plain fields.
        qsizetype valueBegin = 0; ///< Offsets of the part's content in the body.
        qsizetype valueEnd = 0;
    };

    /// The boundary of a `multipart/form-data; boundary=…` Content-Type, or empty.
    static QByteArray boundaryOf(const QByteArray &contentType);
    /// Parses \a body; false when it is not well-formed multipart with \a boundary.
    bool parse(const QByteArray &body, const QByteArray &boundary);

    const QList<Part> &parts() const { return m_parts; }
    /// Value of the plain field \a name (empty when absent).
    QByteArray field(QByteArrayView name) const;
    /// \a body with the value of field \a name replaced (unchanged when there is no such field).
    QByteArray withField(QByteArrayView name, const QByteArray &value) const;

private:
    QByteArray m_body;
    QList<Part> m_parts;
};
