#include "awssigv4.h"

#include <QCryptographicHash>
#include <QMap>
#include <QMessageAuthenticationCode>

#include <algorithm>

namespace {

constexpr char kAlgorithm[] = "AWS4-HMAC-SHA256";

/// Headers left out of the signature: proxies, libcurl or the signer itself may change them.
bool isUnsignedHeader(QByteArrayView lowerName)
{
    for (const char *name : {"authorization", "user-agent", "expect", "content-length",
                             "connection", "transfer-encoding", "x-amzn-trace-id"}) {
        if (lowerName == name)
            return true;
    }
    return false;
}

/// The parts of an absolute URL as it is sent.
struct UrlParts
{
    QByteArray host; ///< With ":port" when the port is not the scheme's default.
    QByteArray path;
    QByteArray query;
};

UrlParts splitUrl(const QByteArray &url)
{
    UrlParts parts;
    const qsizetype schemeEnd = url.indexOf("://");
    const QByteArray scheme = schemeEnd < 0 ? QByteArray() : url.first(schemeEnd).toLower();
    const qsizetype authorityStart = schemeEnd < 0 ? 0 : schemeEnd + 3;
    qsizetype authorityEnd = url.size();
    for (const char stop : {'/', '?', '#'}) {
        const qsizetype at = url.indexOf(stop, authorityStart);
        if (at >= 0)
            authorityEnd = qMin(authorityEnd, at);
    }
    QByteArray authority = url.sliced(authorityStart, authorityEnd - authorityStart);
    authority = authority.sliced(authority.lastIndexOf('@') + 1); // No user info.
    const qsizetype colon = authority.lastIndexOf(':');
    if (colon > authority.lastIndexOf(']')) { // A port (not a colon inside an IPv6 literal).
        const QByteArray port = authority.sliced(colon + 1);
        if (port.isEmpty() || (scheme == "https" && port == "443") ||
            (scheme == "http" && port == "80"))
            authority.truncate(colon);
    }
    parts.host = authority.toLower();
    qsizetype end = url.indexOf('#', authorityEnd);
    if (end < 0)
        end = url.size();
    const QByteArray rest = url.sliced(authorityEnd, end - authorityEnd);
    const qsizetype question = rest.indexOf('?');
    parts.path = question < 0 ? rest : rest.first(question);
    parts.query = question < 0 ? QByteArray() : rest.sliced(question + 1);
    return parts;
}

/// "Name: value" → {lowercase name, value with runs of whitespace collapsed, trimmed}.
bool splitHeader(const QByteArray &line, QByteArray *name, QByteArray *value)
{
    const qsizetype colon = line.indexOf(':');
    if (colon <= 0)
        return false;
    *name = line.first(colon).trimmed().toLower();
    *value = line.sliced(colon + 1).simplified();
    return !name->isEmpty();
}

QByteArray hmac(QByteArrayView key, QByteArrayView message)
{
    return QMessageAuthenticationCode::hash(message.toByteArray(), key.toByteArray(),
                                            QCryptographicHash::Sha256);
}

} // namespace

AwsSigV4::AwsSigV4(Credentials credentials, QByteArray region, QByteArray service)
    : m_credentials(std::move(credentials))
    , m_region(std::move(region))
    , m_service(std::move(service))
{
}

QByteArray AwsSigV4::uriEncode(QByteArrayView bytes)
{
    static constexpr char kHex[] = "0123456789ABCDEF";
    QByteArray out;
    out.reserve(bytes.size() * 3);
    for (const char c : bytes) {
        const auto u = static_cast<unsigned char>(c);
        if ((u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') ||
            u == '-' || u == '.' || u == '_' || u == '~') {
            out += c;
        } else {
            out += '%';
            out += kHex[u >> 4];
            out += kHex[u & 0x0f];
        }
    }
    return out;
}

QByteArray AwsSigV4::canonicalUri(QByteArrayView path)
{
    if (path.isEmpty())
        return "/";
    QByteArray out;
    qsizetype start = 0;
    while (true) {
        const qsizetype slash = path.indexOf('/', start);
        const qsizetype end = slash < 0 ? path.size() : slash;
        out += uriEncode(path.sliced(start, end - start));
        if (slash < 0)
            break;
        out += '/';
        start = slash + 1;
    }
    return out;
}

QByteArray AwsSigV4::canonicalQuery(QByteArrayView query)
{
    QList<QPair<QByteArray, QByteArray>> pairs;
    for (const QByteArray &item : query.toByteArray().split('&')) {
        if (item.isEmpty())
            continue;
        const qsizetype equals = item.indexOf('=');
        const QByteArray key = equals < 0 ? item : item.first(equals);
        const QByteArray value = equals < 0 ? QByteArray() : item.sliced(equals + 1);
        pairs.append({uriEncode(QByteArray::fromPercentEncoding(key)),
                      uriEncode(QByteArray::fromPercentEncoding(value))});
    }
    std::sort(pairs.begin(), pairs.end());
    QByteArray out;
    for (const auto &[key, value] : std::as_const(pairs))
        out += (out.isEmpty() ? "" : "&") + key + '=' + value;
    return out;
}

QByteArray AwsSigV4::sha256Hex(QByteArrayView bytes)
{
    return QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex();
}

QByteArray AwsSigV4::canonicalRequest(const UpstreamRequest &request,
                                      QByteArray *signedHeaders) const
{
    const UrlParts url = splitUrl(request.url);
    QMap<QByteArray, QByteArray> headers{{"host", url.host}}; // Sorted by name.
    QByteArray payloadHash;
    for (const QByteArray &line : request.headers) {
        QByteArray name;
        QByteArray value;
        if (!splitHeader(line, &name, &value) || isUnsignedHeader(name) || name == "host")
            continue;
        if (name == "x-amz-content-sha256")
            payloadHash = value;
        auto it = headers.find(name);
        if (it == headers.end())
            headers.insert(name, value);
        else
            *it += ',' + value;
    }
    if (payloadHash.isEmpty())
        payloadHash = sha256Hex(request.body);
    QByteArray canonicalHeaders;
    QByteArray names;
    for (auto it = headers.cbegin(); it != headers.cend(); ++it) {
        canonicalHeaders += it.key() + ':' + it.value() + '\n';
        names += (names.isEmpty() ? "" : ";") + it.key();
    }
    if (signedHeaders)
        *signedHeaders = names;
    return request.method + '\n' + canonicalUri(url.path) + '\n' + canonicalQuery(url.query) +
           '\n' + canonicalHeaders + '\n' + names + '\n' + payloadHash;
}

void AwsSigV4::sign(UpstreamRequest *request, const QDateTime &now) const
{
    const QDateTime utc = now.toUTC();
    const QByteArray amzDate = utc.toString(QStringLiteral("yyyyMMdd'T'HHmmss'Z'")).toLatin1();
    const QByteArray date = amzDate.first(8);
    request->headers.removeIf([](const QByteArray &line) {
        QByteArray name;
        QByteArray value;
        return splitHeader(line, &name, &value) &&
               (name == "authorization" || name == "x-amz-date" || name == "x-amz-security-token" ||
                name == "x-amz-content-sha256");
    });
    request->headers.append("X-Amz-Date: " + amzDate);
    if (!m_credentials.sessionToken.isEmpty())
        request->headers.append("X-Amz-Security-Token: " + m_credentials.sessionToken);
    if (m_contentSha256Header)
        request->headers.append("X-Amz-Content-Sha256: " + sha256Hex(request->body));

    QByteArray signedHeaders;
    const QByteArray canonical = canonicalRequest(*request, &signedHeaders);
    const QByteArray scope = date + '/' + m_region + '/' + m_service + "/aws4_request";
    const QByteArray stringToSign =
        QByteArray(kAlgorithm) + '\n' + amzDate + '\n' + scope + '\n' + sha256Hex(canonical);
    QByteArray key = hmac("AWS4" + m_credentials.secretAccessKey, date);
    key = hmac(key, m_region);
    key = hmac(key, m_service);
    key = hmac(key, "aws4_request");
    const QByteArray signature = hmac(key, stringToSign).toHex();
    request->headers.append("Authorization: " + QByteArray(kAlgorithm) +
                            " Credential=" + m_credentials.accessKeyId + '/' + scope +
                            ", SignedHeaders=" + signedHeaders + ", Signature=" + signature);
}
