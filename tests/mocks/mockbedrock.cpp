// The mock upstream's AWS Bedrock runtime: InvokeModel (POST /model/<id>/invoke) and
// InvokeModelWithResponseStream (POST /model/<id>/invoke-with-response-stream) for Anthropic
// models, as AWS documents them (Bedrock API reference; Anthropic Claude Messages API on
// Bedrock; Signature Version 4; the application/vnd.amazon.eventstream encoding).
//
// Requests are authenticated like AWS does: a SigV4 `Authorization` header is recomputed here
// with a second, minimal implementation (not the gateway's signer) from the request as it
// arrived, or a bearer Bedrock API key is compared. Answers reuse the Anthropic responder's
// messages; streams are real binary event streams with real CRCs.
#include "mockanthropic_p.h"
#include "mockbedrock_p.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageAuthenticationCode>
#include <QRegularExpression>
#include <QTimeZone>
#include <QUrl>
#include <QtEndian>

#include <algorithm>
#include <optional>

#include <zlib.h>

using MockWire::quoted;
using MockWire::Reply;

namespace {

constexpr char kAnthropicVersion[] = "bedrock-2023-05-31";
constexpr char kInvokePrefix[] = "/model/";
constexpr qint64 kMaxClockSkewSecs = 5 * 60;

QByteArray requestId(int id)
{
    return "00000000-0000-4000-8000-" + QByteArray::number(id).rightJustified(12, '0');
}

/// Bedrock's error answer: `{"message":…}` with the exception's name in x-amzn-ErrorType.
Reply bedrockError(int id, int status, const QByteArray &exception, const QByteArray &message)
{
    Reply reply;
    reply.status = status;
    reply.contentType = "application/json";
    reply.body = "{\"message\":" + quoted(QString::fromUtf8(message)) + '}';
    reply.headers = {
        {"x-amzn-RequestId", requestId(id)},
        {"x-amzn-ErrorType", exception + ":http://internal.amazon.com/coral/com.amazon.bedrock/"}};
    return reply;
}

/// The exception and message Bedrock answers a status with.
QPair<QByteArray, QByteArray> errorKind(int status)
{
    switch (status) {
    case 400:
        return {"ValidationException", "Malformed input request, please reformat your input."};
    case 403:
        return {"AccessDeniedException",
                "You don't have access to the model with the specified model ID."};
    case 404:
        return {"ResourceNotFoundException",
                "Could not resolve the foundation model from the provided model identifier."};
    case 424:
        return {"ModelErrorException", "The model returned an error."};
    case 429:
        return {"ThrottlingException", "Too many requests, please wait before trying again."};
    case 503:
        return {"ServiceUnavailableException", "Bedrock is unable to process your request."};
    default:
        return {"InternalServerException", "The server encountered an internal error."};
    }
}

// ---- SigV4, recomputed from the request as it arrived -----------------------------------

QByteArray hmacSha256(const QByteArray &key, const QByteArray &data)
{
    return QMessageAuthenticationCode::hash(data, key, QCryptographicHash::Sha256);
}

QByteArray sha256Hex(const QByteArray &data)
{
    return QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex();
}

/// Every segment of the path as received encoded again (AWS's rule for services but S3).
QByteArray canonicalPath(const QByteArray &path)
{
    QList<QByteArray> segments = path.split('/');
    for (QByteArray &segment : segments)
        segment = QUrl::toPercentEncoding(QString::fromUtf8(segment));
    const QByteArray joined = segments.join('/');
    return joined.isEmpty() ? QByteArray("/") : joined;
}

QByteArray canonicalQueryString(const QByteArray &query)
{
    QList<QByteArray> items;
    for (const QByteArray &item : query.split('&')) {
        if (item.isEmpty())
            continue;
        const QList<QByteArray> keyValue = item.split('=');
        const auto encode = [](const QByteArray &raw) {
            return QUrl::toPercentEncoding(QString::fromUtf8(QByteArray::fromPercentEncoding(raw)));
        };
        items << encode(keyValue.value(0)) + '=' + encode(keyValue.mid(1).join('='));
    }
    std::sort(items.begin(), items.end());
    return items.join('&');
}

/// All values of header \a lowerName, each with its whitespace runs collapsed, joined by ','.
QByteArray headerValues(const MockUpstream::Request &request, const QByteArray &lowerName)
{
    QList<QByteArray> values;
    for (const auto &[name, value] : request.headers) {
        if (name.toLower() == lowerName)
            values << value.simplified();
    }
    return values.join(',');
}

/// Nothing when \a request carries a valid SigV4 signature of kBedrockAccessKeyId for service
/// "bedrock"; otherwise AWS's 403.
std::optional<Reply> checkSignature(const MockUpstream::Request &request)
{
    static const QRegularExpression authorizationPattern(
        QStringLiteral("^AWS4-HMAC-SHA256 Credential=([^/]+)/([0-9]{8})/([^/]+)/([^/]+)/"
                       "aws4_request, ?SignedHeaders=([^, ]+), ?Signature=([0-9a-f]{64})$"));
    const QRegularExpressionMatch match =
        authorizationPattern.match(QString::fromLatin1(request.header("authorization")));
    if (!match.hasMatch())
        return bedrockError(request.id, 403, "IncompleteSignatureException",
                            "Authorization header requires 'Credential', 'Signature' and "
                            "'SignedHeaders' parameters.");
    const QByteArray accessKey = match.captured(1).toLatin1();
    const QByteArray date = match.captured(2).toLatin1();
    const QByteArray region = match.captured(3).toLatin1();
    const QByteArray service = match.captured(4).toLatin1();
    const QList<QByteArray> signedHeaders = match.captured(5).toLatin1().split(';');
    const QByteArray signature = match.captured(6).toLatin1();
    if (accessKey != MockUpstream::kBedrockAccessKeyId)
        return bedrockError(request.id, 403, "UnrecognizedClientException",
                            "The security token included in the request is invalid.");
    if (service != "bedrock")
        return bedrockError(request.id, 403, "InvalidSignatureException",
                            "Credential should be scoped to correct service: 'bedrock'.");
    const QByteArray amzDate = request.header("x-amz-date");
    QDateTime signedAt =
        QDateTime::fromString(QString::fromLatin1(amzDate), QStringLiteral("yyyyMMdd'T'HHmmss'Z'"));
    signedAt.setTimeZone(QTimeZone::utc());
    if (!signedAt.isValid() || !amzDate.startsWith(date))
        return bedrockError(request.id, 403, "InvalidSignatureException",
                            "Date in Credential scope does not match YYYYMMDD from ISO-8601 "
                            "version of date from HTTP.");
    if (qAbs(signedAt.secsTo(QDateTime::currentDateTimeUtc())) > kMaxClockSkewSecs)
        return bedrockError(request.id, 403, "InvalidSignatureException", "Signature expired.");
    if (!signedHeaders.contains("host") || !signedHeaders.contains("x-amz-date") ||
        (!request.header("x-amz-security-token").isEmpty() &&
         !signedHeaders.contains("x-amz-security-token")))
        return bedrockError(request.id, 403, "InvalidSignatureException",
                            "host, x-amz-date and x-amz-security-token must be signed.");

    const qsizetype question = request.path.indexOf('?');
    QByteArray canonical =
        request.method + '\n' +
        canonicalPath(request.path.left(question < 0 ? request.path.size() : question)) + '\n' +
        canonicalQueryString(question < 0 ? QByteArray() : request.path.mid(question + 1)) + '\n';
    for (const QByteArray &name : signedHeaders)
        canonical += name + ':' + headerValues(request, name) + '\n';
    canonical += '\n' + signedHeaders.join(';') + '\n' + sha256Hex(request.body);
    const QByteArray scope = date + '/' + region + '/' + service + "/aws4_request";
    const QByteArray stringToSign =
        "AWS4-HMAC-SHA256\n" + amzDate + '\n' + scope + '\n' + sha256Hex(canonical);
    const QByteArray signingKey = hmacSha256(
        hmacSha256(
            hmacSha256(hmacSha256(QByteArray("AWS4") + MockUpstream::kBedrockSecretAccessKey, date),
                       region),
            service),
        "aws4_request");
    if (hmacSha256(signingKey, stringToSign).toHex() != signature)
        return bedrockError(request.id, 403, "InvalidSignatureException",
                            "The request signature we calculated does not match the signature "
                            "you provided. Check your AWS Secret Access Key and signing method. "
                            "Consult the service documentation for details.");
    return std::nullopt;
}

// ---- The binary event stream ---------------------------------------------------------------

QByteArray bigEndian32(quint32 value)
{
    QByteArray out(4, '\0');
    qToBigEndian(value, out.data());
    return out;
}

quint32 crc(const QByteArray &bytes)
{
    return quint32(
        crc32(0L, reinterpret_cast<const Bytef *>(bytes.constData()), uInt(bytes.size())));
}

/// One event-stream message with string headers.
QByteArray eventMessage(const QList<QPair<QByteArray, QByteArray>> &headers,
                        const QByteArray &payload)
{
    QByteArray encoded;
    for (const auto &[name, value] : headers) {
        encoded += char(name.size());
        encoded += name;
        encoded += char(7); // String.
        encoded += char(value.size() >> 8);
        encoded += char(value.size() & 0xff);
        encoded += value;
    }
    QByteArray message = bigEndian32(quint32(12 + encoded.size() + payload.size() + 4)) +
                         bigEndian32(quint32(encoded.size()));
    message += bigEndian32(crc(message));
    message += encoded + payload;
    return message + bigEndian32(crc(message));
}

/// A `chunk` event carrying Anthropic event \a json, padded as Bedrock pads them.
QByteArray chunkMessage(const QByteArray &json)
{
    const QByteArray padding =
        QByteArray("abcdefghijklmnopqrstuvwxyzABCDEFGHIJ").left(json.size() % 37);
    return eventMessage({{":event-type", "chunk"},
                         {":content-type", "application/json"},
                         {":message-type", "event"}},
                        "{\"bytes\":\"" + json.toBase64() + "\",\"p\":\"" + padding + "\"}");
}

/// The JSON of one Anthropic SSE event (`event: …\ndata: {json}\n\n`).
QByteArray sseData(const QByteArray &event)
{
    const qsizetype at = event.indexOf("data: ");
    return at < 0 ? QByteArray() : event.mid(at + 6).trimmed();
}

Reply streamReply(Reply anthropic, const QByteArray &scenario)
{
    Reply reply;
    reply.stream = true;
    reply.contentType = "application/vnd.amazon.eventstream";
    reply.dropAfter = anthropic.dropAfter;
    for (const QByteArray &event : std::as_const(anthropic.events)) {
        QByteArray json = sseData(event);
        if (json.startsWith("{\"type\":\"message_stop\"")) {
            json.chop(1);
            json += ",\"amazon-bedrock-invocationMetrics\":{\"inputTokenCount\":" +
                    QByteArray::number(MockUpstream::kAnthropicInputTokens) +
                    ",\"outputTokenCount\":" +
                    QByteArray::number(MockUpstream::kAnthropicOutputTokens) +
                    ",\"invocationLatency\":1234,\"firstByteLatency\":321}}";
        }
        reply.events << chunkMessage(json);
    }
    const int faultAt = MockUpstream::kBedrockFaultAfterEvents;
    if (scenario == "corrupt-crc") {
        QByteArray &corrupt = reply.events[faultAt];
        corrupt[corrupt.size() - 1] = char(corrupt.at(corrupt.size() - 1) ^ 0x5a);
    } else if (scenario == "exception-mid-stream") {
        reply.events = reply.events.mid(0, faultAt);
        reply.events << eventMessage(
            {{":exception-type", "throttlingException"},
             {":content-type", "application/json"},
             {":message-type", "exception"}},
            "{\"message\":\"" + QByteArray(MockUpstream::kBedrockThrottlingMessage) + "\"}");
    }
    return reply;
}

} // namespace

bool MockWire::isBedrockPath(const QByteArray &path)
{
    if (!path.startsWith(kInvokePrefix))
        return false;
    const QByteArray rest = path.mid(qsizetype(sizeof(kInvokePrefix)) - 1);
    const qsizetype slash = rest.indexOf('/');
    const QByteArray action = slash < 0 ? QByteArray() : rest.mid(slash + 1);
    return slash > 0 && (action == "invoke" || action == "invoke-with-response-stream");
}

QByteArray MockWire::bedrockModelId(const QByteArray &path)
{
    const QByteArray rest = path.mid(qsizetype(sizeof(kInvokePrefix)) - 1);
    return QByteArray::fromPercentEncoding(rest.left(rest.indexOf('/')));
}

Reply MockWire::bedrockReply(const MockUpstream::Request &request, const QByteArray &path,
                             const QByteArray &scenario, const QByteArray &apiKey)
{
    const int id = request.id;
    const QByteArray authorization = request.header("authorization");
    if (authorization.isEmpty())
        return bedrockError(id, 403, "MissingAuthenticationTokenException",
                            "Missing Authentication Token");
    if (authorization.startsWith("Bearer ")) {
        if (apiKey.isEmpty() || authorization.mid(7) != apiKey)
            return bedrockError(id, 403, "AccessDeniedException",
                                "Authentication failed: Please make sure your API Key is valid.");
    } else if (const std::optional<Reply> refused = checkSignature(request)) {
        return *refused;
    }
    if (request.method != "POST")
        return bedrockError(id, 404, "UnknownOperationException", "Unknown operation");
    if (scenario.startsWith("error-")) {
        const int status = scenario.mid(6).toInt();
        const auto [exception, message] = errorKind(status);
        return bedrockError(id, status, exception, message);
    }
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(request.body, &parseError);
    QJsonObject body = document.object();
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return bedrockError(id, 400, "ValidationException",
                            "Malformed input request: body is not valid JSON, please reformat "
                            "your input and try again.");
    for (const char *key : {"model", "stream"}) {
        if (body.contains(QLatin1String(key)))
            return bedrockError(id, 400, "ValidationException",
                                "Malformed input request: #: extraneous key [" + QByteArray(key) +
                                    "] is not permitted, please reformat your input and try "
                                    "again.");
    }
    if (body.value(QStringLiteral("anthropic_version")).toString() !=
        QLatin1String(kAnthropicVersion))
        return bedrockError(id, 400, "ValidationException",
                            "Malformed input request: #: required key [anthropic_version] not "
                            "found, please reformat your input and try again.");
    if (!body.value(QStringLiteral("messages")).isArray() ||
        body.value(QStringLiteral("max_tokens")).toInt() <= 0)
        return bedrockError(id, 400, "ValidationException",
                            "Malformed input request: #: required key [max_tokens] not found, "
                            "please reformat your input and try again.");

    const bool stream = path.endsWith("/invoke-with-response-stream");
    body.insert(QStringLiteral("model"), QString::fromUtf8(bedrockModelId(path)));
    body.insert(QStringLiteral("stream"), stream);
    Reply anthropic =
        anthropicMessageReply(body, id, scenario == "drop-mid-stream" ? scenario : QByteArray());
    Reply reply = stream ? streamReply(std::move(anthropic), scenario) : anthropic;
    reply.headers = {{"x-amzn-RequestId", requestId(id)}};
    if (stream) {
        reply.headers.append(
            qMakePair(QByteArray("X-Amzn-Bedrock-Content-Type"), QByteArray("application/json")));
    } else {
        reply.headers.append(qMakePair(QByteArray("X-Amzn-Bedrock-Input-Token-Count"),
                                       QByteArray::number(MockUpstream::kAnthropicInputTokens)));
        reply.headers.append(qMakePair(QByteArray("X-Amzn-Bedrock-Output-Token-Count"),
                                       QByteArray::number(MockUpstream::kAnthropicOutputTokens)));
    }
    return reply;
}
