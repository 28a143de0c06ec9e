#include "mockupstream.h"
#include "mockanthropic_p.h"
#include "mockbaiduiam_p.h"
#include "mockbalance_p.h"
#include "mockbedrock_p.h"
#include "mockcohere_p.h"
#include "mockdoc2x_p.h"
#include "mockgemini_p.h"
#include "mockmodes_p.h"
#include "mockollama_p.h"
#include "mockresponses_p.h"
#include "mockvertex_p.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMutexLocker>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QtEndian>

#include <algorithm>
#include <utility>

QByteArray MockWire::quoted(const QString &text)
{
    const QByteArray array = QJsonDocument(QJsonArray{text}).toJson(QJsonDocument::Compact);
    return array.mid(1, array.size() - 2);
}

QByteArray MockWire::pretty(const QByteArray &compact, int indentWidth)
{
    QByteArray out;
    out.reserve(compact.size() * 2);
    int depth = 0;
    bool inString = false;
    bool escaped = false;
    const auto newline = [&] {
        if (indentWidth <= 0)
            return;
        out += '\n';
        out += QByteArray(depth * indentWidth, ' ');
    };
    for (qsizetype i = 0; i < compact.size(); ++i) {
        const char c = compact.at(i);
        if (inString) {
            out += c;
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                inString = false;
            continue;
        }
        switch (c) {
        case '"':
            inString = true;
            out += c;
            break;
        case '{':
        case '[':
            if (i + 1 < compact.size() && (compact.at(i + 1) == '}' || compact.at(i + 1) == ']')) {
                out += c;
                out += compact.at(++i);
                break;
            }
            out += c;
            ++depth;
            newline();
            break;
        case '}':
        case ']':
            --depth;
            newline();
            out += c;
            break;
        case ',':
            out += c;
            newline();
            break;
        case ':':
            out += ": ";
            break;
        default:
            out += c;
        }
    }
    return out;
}

QByteArray MockWire::number(qint64 value)
{
    return QByteArray::number(value);
}

namespace {

/// \a text cut after the first \a separator.
QStringList splitAfterFirst(const char *text, QLatin1Char separator)
{
    const QString all = QString::fromLatin1(text);
    const qsizetype split = all.indexOf(separator) + 1;
    return {all.left(split), all.mid(split)};
}

} // namespace

QStringList MockWire::splitAfterFirstPeriod(const char *text)
{
    return splitAfterFirst(text, QLatin1Char('.'));
}

QStringList MockWire::splitAfterFirstSpace(const char *text)
{
    return splitAfterFirst(text, QLatin1Char(' '));
}

MockWire::Reply MockWire::openAiError(int status, const QByteArray &message, const QByteArray &type,
                                      const QByteArray &param, const QByteArray &code)
{
    const QByteArray json = "{\"error\":{\"message\":" + quoted(QString::fromUtf8(message)) +
                            ",\"type\":" + quoted(QString::fromUtf8(type)) + ",\"param\":" + param +
                            ",\"code\":" + code + "}}";
    Reply reply;
    reply.status = status;
    reply.contentType = "application/json; charset=utf-8";
    reply.body = pretty(json, 4) + '\n';
    return reply;
}

MockWire::Reply MockWire::plainTextError(const QByteArray &scenario)
{
    Reply reply;
    reply.status = scenario.mid(11).toInt();
    reply.contentType = "text/plain; charset=utf-8";
    reply.body = "upstream exploded: plain text failure\n";
    return reply;
}

int MockWire::errorStatus(const QByteArray &scenario)
{
    if (!scenario.startsWith("error-") || scenario.startsWith("error-text-"))
        return 0;
    return scenario.mid(6).toInt(); // error-event-mid-stream: not a number, 0.
}

QList<QPair<int, double>> MockWire::rankDocuments(const QString &query, const QStringList &texts,
                                                  int topN)
{
    QList<QPair<int, double>> ranked;
    for (int i = 0; i < texts.size(); ++i)
        ranked.append({i, MockUpstream::rerankScore(query, texts.at(i))});
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](const auto &a, const auto &b) { return a.second > b.second; });
    return ranked.mid(0, qMax(0, topN));
}

QString MockWire::firstFunctionName(const QJsonArray &tools)
{
    return tools.first()
        .toObject()
        .value(QStringLiteral("function"))
        .toObject()
        .value(QStringLiteral("name"))
        .toString();
}

MockWire::Reply MockWire::invalidJsonError()
{
    return openAiError(
        400,
        "We could not parse the JSON body of your request. (HINT: This likely means you aren't "
        "using your HTTP library correctly.)",
        "invalid_request_error", "null", "null");
}

namespace {

using MockWire::number;
using MockWire::pretty;
using MockWire::quoted;

constexpr qsizetype kMaxHeaderBytes = 1024 * 1024;

QByteArray usageJson(bool detailed)
{
    QByteArray usage = "{\"prompt_tokens\":" + number(MockUpstream::kPromptTokens) +
                       ",\"completion_tokens\":" + number(MockUpstream::kCompletionTokens) +
                       ",\"total_tokens\":" +
                       number(MockUpstream::kPromptTokens + MockUpstream::kCompletionTokens);
    if (detailed) {
        usage +=
            ",\"prompt_tokens_details\":{\"cached_tokens\":" + number(MockUpstream::kCachedTokens) +
            ",\"audio_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":" +
            number(MockUpstream::kReasoningTokens) +
            ",\"audio_tokens\":0,\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":"
            "0}";
    }
    return usage + '}';
}

/// stream_options.include_usage of a request.
bool wantsUsage(const QJsonObject &body)
{
    return body.value(QStringLiteral("stream_options"))
        .toObject()
        .value(QStringLiteral("include_usage"))
        .toBool();
}

QByteArray sseEvent(const QByteArray &data)
{
    return "data: " + data + "\n\n";
}

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 529:
        return "Site Overloaded";
    default:
        return status < 400 ? "OK" : "Error";
    }
}

/// OpenAI's error type and code for a status, as its API sends them.
QPair<QByteArray, QByteArray> errorKind(int status)
{
    switch (status) {
    case 400:
        return {"invalid_request_error", "\"invalid_value\""};
    case 401:
        return {"invalid_request_error", "\"invalid_api_key\""};
    case 403:
        return {"invalid_request_error", "\"unsupported_country_region_territory\""};
    case 404:
        return {"invalid_request_error", "\"model_not_found\""};
    case 429:
        return {"requests", "\"rate_limit_exceeded\""};
    default:
        return {"server_error", "null"};
    }
}

QByteArray errorMessage(int status, const QString &model)
{
    switch (status) {
    case 401:
        return "Incorrect API key provided: sk-mock***. You can find your API key at "
               "https://platform.openai.com/account/api-keys.";
    case 404:
        return "The model `" + model.toUtf8() + "` does not exist or you do not have access to it.";
    case 429:
        return "Rate limit reached for " + model.toUtf8() +
               " in organization org-mock on requests per min (RPM): Limit 3, Used 3, Requested 1. "
               "Please try again in 20s.";
    case 500:
        return "The server had an error while processing your request. Sorry about that!";
    default:
        return "mock upstream error " + number(status);
    }
}

} // namespace

/// One accepted TCP connection (mock thread only).
struct MockUpstream::Connection
{
    QTcpSocket *socket = nullptr;
    QByteArray buffer;
    std::shared_ptr<Exchange> current;
    bool closed = false; ///< Disconnected; deleted once the current slot has returned.
};

/// One request being answered (mock thread only).
struct MockUpstream::Exchange
{
    int id = 0;
    QPointer<QTcpSocket> socket;
    Connection *connection = nullptr;
    Request request;
    QByteArray scenario;
    bool closeAfter = false;
    bool finished = false;
    QList<QByteArray> events;
    int next = 0;
    int dropAfter = -1;
    bool delayDone = false;
    bool held = false;
    bool anthropic = false; ///< Answered in Anthropic's format (its response headers).
    bool gemini = false;    ///< Answered in Gemini's format (Google's response headers).
    bool bedrock = false;   ///< Answered as AWS Bedrock (its headers come with the reply).
    bool native = false;    ///< Ollama or Cohere: none of OpenAI's response headers.
    QList<QPair<QByteArray, QByteArray>> extraHeaders;
};

QByteArray MockUpstream::Request::header(QByteArrayView name) const
{
    for (const auto &[key, value] : headers) {
        if (QByteArrayView(key).compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

QJsonObject MockUpstream::Request::json() const
{
    return QJsonDocument::fromJson(body).object();
}

MockUpstream::MockUpstream(QObject *parent)
    : QObject(parent)
    , m_vertex(std::make_unique<MockWire::VertexAuth>())
    , m_doc2x(std::make_unique<MockWire::Doc2xTasks>())
{
    m_thread.setObjectName(QStringLiteral("mock-upstream"));
}

MockUpstream::~MockUpstream()
{
    stop();
}

QStringList MockUpstream::replyPieces()
{
    return {QStringLiteral("Hello"),         QStringLiteral("!"),
            QStringLiteral(" I am"),         QStringLiteral(" the"),
            QStringLiteral(" mock"),         QStringLiteral(" upstream"),
            QStringLiteral(" \"quoted\"\n"), QStringLiteral(" caf\u00e9.")};
}

QStringList MockUpstream::thinkingReplyPieces()
{
    // Tags split across events on purpose, as reasoning models' streams do.
    return {QStringLiteral("<thi"),   QStringLiteral("nk>Let me "), QStringLiteral("think."),
            QStringLiteral("</th"),   QStringLiteral("ink>\n\n"),   QStringLiteral("Hello"),
            QStringLiteral(" there.")};
}

QStringList MockUpstream::toolArgumentPieces()
{
    return {QStringLiteral("{\""),   QStringLiteral("location"), QStringLiteral("\":\""),
            QStringLiteral("Paris"), QStringLiteral("\",\""),    QStringLiteral("unit"),
            QStringLiteral("\":\""), QStringLiteral("celsius"),  QStringLiteral("\"}")};
}

QString MockUpstream::doc2xPageMarkdown(int index)
{
    if (index > 0)
        return QStringLiteral("## Page %1\n\nText of page %1.\n").arg(index + 1);
    return QStringLiteral("# Quarterly report\n\n<!-- Media -->\n\n<img src=\"") +
           QLatin1String(kDoc2xImageUrl) +
           QStringLiteral(
               "\"/>\n\n<!-- Media -->\n\nFigure 1: Revenue by region.\n\n"
               "<table><tr><td rowspan=\"2\">Region</td><td colspan=\"2\">Revenue</td></tr>"
               "<tr><td>2023</td><td>2024</td></tr><tr><td>North</td><td>10</td><td>12</td></tr>"
               "</table>\n\nRevenue grew in every region.\n\n<!-- Footnote -->\n\n"
               "1 Unaudited figures.\n\n<!-- Footnote -->\n");
}

QList<float> MockUpstream::embedding(int inputIndex, int dimensions)
{
    QList<float> values;
    values.reserve(dimensions);
    for (int j = 0; j < dimensions; ++j)
        values.append(float((inputIndex * 7 + j * 3) % 16 * 2 - 15) / 32.0f);
    return values;
}

QString MockUpstream::baseUrl() const
{
    return QStringLiteral("http://127.0.0.1:%1/v1").arg(m_port);
}

bool MockUpstream::start(const QHostAddress &address, quint16 port)
{
    if (m_context)
        return true;
    m_context = new QObject;
    m_context->moveToThread(&m_thread);
    m_thread.start();
    bool ok = false;
    QMetaObject::invokeMethod(
        m_context,
        [this, address, port, &ok] {
            m_server = new QTcpServer(m_context);
            m_server->setListenBacklogSize(1024);
            m_server->setMaxPendingConnections(1024);
            connect(m_server, &QTcpServer::newConnection, m_context, [this] { onNewConnection(); });
            ok = m_server->listen(address, port);
            m_port = m_server->serverPort();
        },
        Qt::BlockingQueuedConnection);
    if (!ok)
        stop();
    return ok;
}

void MockUpstream::stop()
{
    if (!m_context)
        return;
    QMetaObject::invokeMethod(
        m_context,
        [this] {
            m_held.clear();
            for (Connection *connection : std::as_const(m_connections)) {
                connection->socket->disconnect(m_context);
                connection->socket->abort();
                if (connection->current)
                    connection->current->connection = nullptr;
                delete connection;
            }
            m_connections.clear();
            delete m_context; // Server and sockets are its children.
            m_context = nullptr;
            m_server = nullptr;
        },
        Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

void MockUpstream::setStreamEventLimit(int events)
{
    m_streamEventLimit.store(events);
    if (m_context)
        QMetaObject::invokeMethod(
            m_context, [this] { releaseHeld(); }, Qt::QueuedConnection);
}

void MockUpstream::setRequiredApiKey(const QByteArray &key)
{
    QMutexLocker lock(&m_mutex);
    m_requiredApiKey = key;
}

void MockUpstream::setVertexCredentials(const QByteArray &publicKeyPem, const QByteArray &apiKey)
{
    QMutexLocker lock(&m_mutex);
    m_vertex->publicKeyPem = publicKeyPem;
    m_vertex->apiKey = apiKey;
}

void MockUpstream::setVertexTokenDelayMs(int ms)
{
    QMutexLocker lock(&m_mutex);
    m_vertex->tokenDelayMs = ms;
}

int MockUpstream::vertexTokenRequests() const
{
    QMutexLocker lock(&m_mutex);
    return m_vertex->tokenRequests;
}

void MockUpstream::setBedrockApiKey(const QByteArray &key)
{
    QMutexLocker lock(&m_mutex);
    m_bedrockApiKey = key;
}

QList<MockUpstream::Request> MockUpstream::requests() const
{
    QMutexLocker lock(&m_mutex);
    QList<Request> result;
    for (int id : m_order)
        result.append(m_records.value(id).request);
    return result;
}

int MockUpstream::requestCount() const
{
    QMutexLocker lock(&m_mutex);
    return int(m_order.size());
}

MockUpstream::Record MockUpstream::recordOf(int id) const
{
    QMutexLocker lock(&m_mutex);
    return m_records.value(id);
}

MockUpstream::Request MockUpstream::request(int id) const
{
    return recordOf(id).request;
}

MockUpstream::Request MockUpstream::lastRequest() const
{
    QMutexLocker lock(&m_mutex);
    return m_order.isEmpty() ? Request() : m_records.value(m_order.last()).request;
}

int MockUpstream::eventsWritten(int id) const
{
    return recordOf(id).eventsWritten;
}

int MockUpstream::responseStatus(int id) const
{
    return recordOf(id).status;
}

QByteArray MockUpstream::responseBody(int id) const
{
    return recordOf(id).body;
}

bool MockUpstream::isResponseComplete(int id) const
{
    return recordOf(id).complete;
}

bool MockUpstream::isPeerClosed(int id) const
{
    return recordOf(id).peerClosed;
}

int MockUpstream::activeRequests() const
{
    QMutexLocker lock(&m_mutex);
    return m_active;
}

int MockUpstream::maxActiveRequests() const
{
    QMutexLocker lock(&m_mutex);
    return m_maxActive;
}

int MockUpstream::openConnections() const
{
    QMutexLocker lock(&m_mutex);
    return m_openConnections;
}

void MockUpstream::clearRecords()
{
    QMutexLocker lock(&m_mutex);
    m_records.clear();
    m_order.clear();
    m_statsRequests = 0;
    m_byAuthorization.clear();
    m_maxActive = m_active;
}

QByteArray MockUpstream::statsJson(bool withLog) const
{
    QMutexLocker lock(&m_mutex);
    QJsonObject counts;
    for (auto it = m_byAuthorization.cbegin(); it != m_byAuthorization.cend(); ++it)
        counts.insert(QString::fromUtf8(it.key()), it.value());
    QJsonObject stats{{QStringLiteral("requests"), m_statsRequests},
                      {QStringLiteral("by_authorization"), counts}};
    if (withLog) {
        QJsonArray log;
        for (int id : m_order) {
            const auto it = m_records.constFind(id);
            if (it == m_records.cend() || it->request.path.startsWith("/mock/"))
                continue;
            log.append(QJsonObject{{QStringLiteral("id"), id},
                                   {QStringLiteral("received_at_ms"), it->request.receivedAtMs},
                                   {QStringLiteral("authorization"),
                                    QString::fromUtf8(it->request.header("authorization"))},
                                   {QStringLiteral("status"), it->status}});
        }
        stats.insert(QStringLiteral("log"), log);
    }
    return QJsonDocument(stats).toJson(QJsonDocument::Compact);
}

template<typename F> void MockUpstream::updateRecord(int id, F change)
{
    QMutexLocker lock(&m_mutex);
    const auto it = m_records.find(id);
    if (it == m_records.end())
        return;
    const bool wasActive = !it->complete && !it->peerClosed && !it->dropped;
    change(*it);
    const bool isActive = !it->complete && !it->peerClosed && !it->dropped;
    if (wasActive && !isActive)
        --m_active;
}

void MockUpstream::onNewConnection()
{
    while (QTcpSocket *socket = m_server->nextPendingConnection()) {
        socket->setParent(m_context);
        socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        auto *connection = new Connection;
        connection->socket = socket;
        m_connections.insert(socket, connection);
        {
            QMutexLocker lock(&m_mutex);
            ++m_openConnections;
        }
        connect(socket, &QTcpSocket::readyRead, m_context,
                [this, connection] { onReadyRead(connection); });
        connect(socket, &QTcpSocket::disconnected, m_context,
                [this, connection] { onDisconnected(connection); });
        if (socket->bytesAvailable() > 0)
            onReadyRead(connection);
    }
}

void MockUpstream::onDisconnected(Connection *connection)
{
    if (!m_connections.contains(connection->socket))
        return;
    m_connections.remove(connection->socket);
    {
        QMutexLocker lock(&m_mutex);
        --m_openConnections;
    }
    if (const std::shared_ptr<Exchange> exchange = connection->current;
        exchange && !exchange->finished) {
        exchange->finished = true;
        exchange->connection = nullptr;
        m_held.removeAll(exchange);
        bool closed = false;
        updateRecord(exchange->id, [&closed](Record &record) {
            if (!record.complete && !record.dropped) {
                record.peerClosed = true;
                closed = true;
            }
        });
        if (closed)
            Q_EMIT peerClosed(exchange->id);
    }
    // The socket may still emit readyRead for bytes it buffered; it must not reach `connection`.
    // This can run inside onReadyRead() (a reply that closes the socket), so delete it later.
    QObject::disconnect(connection->socket, nullptr, m_context, nullptr);
    connection->socket->deleteLater();
    connection->closed = true;
    QMetaObject::invokeMethod(
        m_context, [connection] { delete connection; }, Qt::QueuedConnection);
}

void MockUpstream::onReadyRead(Connection *connection)
{
    connection->buffer += connection->socket->readAll();
    Request request;
    while (!connection->closed && !connection->current && takeRequest(connection, &request))
        dispatch(connection, std::move(request));
}

bool MockUpstream::takeRequest(Connection *connection, Request *request)
{
    QByteArray &buffer = connection->buffer;
    const qsizetype headerEnd = buffer.indexOf("\r\n\r\n");
    if (headerEnd < 0) {
        if (buffer.size() > kMaxHeaderBytes)
            connection->socket->abort();
        return false;
    }
    const QList<QByteArray> lines = buffer.left(headerEnd).split('\n');
    const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
    Request parsed;
    parsed.method = requestLine.value(0);
    parsed.path = requestLine.value(1);
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon > 0)
            parsed.headers.append({line.left(colon).trimmed(), line.mid(colon + 1).trimmed()});
    }
    qsizetype pos = headerEnd + 4;
    if (parsed.header("transfer-encoding").toLower() == "chunked") {
        QByteArray body;
        while (true) {
            const qsizetype lineEnd = buffer.indexOf("\r\n", pos);
            if (lineEnd < 0)
                return false;
            bool ok = false;
            const qsizetype size =
                buffer.mid(pos, lineEnd - pos).split(';').first().trimmed().toLongLong(&ok, 16);
            if (!ok) {
                connection->socket->abort();
                return false;
            }
            if (size == 0) {
                const qsizetype trailerEnd = buffer.indexOf("\r\n\r\n", lineEnd);
                if (trailerEnd < 0 && buffer.mid(lineEnd, 4) != "\r\n\r\n")
                    return false;
                pos = (trailerEnd < 0 ? lineEnd : trailerEnd) + 4;
                break;
            }
            if (buffer.size() < lineEnd + 2 + size + 2)
                return false;
            body += buffer.mid(lineEnd + 2, size);
            pos = lineEnd + 2 + size + 2;
        }
        parsed.body = body;
    } else {
        const qsizetype length = parsed.header("content-length").toLongLong();
        if (buffer.size() < pos + length)
            return false;
        parsed.body = buffer.mid(pos, length);
        pos += length;
    }
    buffer.remove(0, pos);
    *request = std::move(parsed);
    return true;
}

void MockUpstream::dispatch(Connection *connection, Request request)
{
    auto exchange = std::make_shared<Exchange>();
    exchange->socket = connection->socket;
    exchange->connection = connection;
    exchange->closeAfter = request.header("connection").toLower() == "close";
    connection->current = exchange;
    {
        QMutexLocker lock(&m_mutex);
        request.id = m_nextId++;
        request.receivedAtMs = QDateTime::currentMSecsSinceEpoch();
        exchange->id = request.id;
        Record record;
        record.request = request;
        m_records.insert(request.id, record);
        m_order.append(request.id);
        if (!request.path.startsWith("/mock/")) { // Counted as they come: /mock/stats is O(1).
            ++m_statsRequests;
            if (const QByteArray authorization = request.header("authorization");
                !authorization.isEmpty())
                ++m_byAuthorization[authorization];
        }
        ++m_active;
        m_maxActive = qMax(m_maxActive, m_active);
    }
    exchange->request = std::move(request);
    exchange->scenario = exchange->request.header("x-mock-scenario");
    if (exchange->scenario.isEmpty())
        exchange->scenario = exchange->request.model().toUtf8();
    if (const QByteArray path = exchange->request.path.split('?').first();
        exchange->scenario.isEmpty() && MockWire::isBedrockPath(path))
        exchange->scenario = MockWire::bedrockModelId(path); // Bedrock: the model is in the path.
    if (exchange->scenario.isEmpty())
        exchange->scenario = MockWire::doc2xScenario(exchange->request);
    Q_EMIT requestReceived(exchange->id);

    if (exchange->scenario == "hang")
        return;
    if (exchange->scenario == "reset") { // The connection closes before any answer.
        exchange->finished = true;
        exchange->socket->disconnectFromHost();
        return;
    }
    if (exchange->scenario == "slow-first-byte") {
        QTimer::singleShot(m_firstByteDelayMs.load(), m_context, [this, exchange] {
            if (!exchange->finished)
                respond(exchange);
        });
        return;
    }
    respond(exchange);
}

void MockUpstream::respond(const std::shared_ptr<Exchange> &exchange)
{
    const Request &request = exchange->request;
    QByteArray requiredKey;
    {
        QMutexLocker lock(&m_mutex);
        requiredKey = m_requiredApiKey;
    }
    QByteArray path = request.path.split('?').first();
    if (request.method == "GET" && path == "/mock/stats") {
        sendComplete(exchange, 200, "application/json",
                     statsJson(request.path.contains("requests=1")));
        return;
    }
    if (MockWire::isBaiduIamPath(path)) {
        MockWire::Reply reply = MockWire::baiduIamReply(request);
        sendReply(exchange, reply);
        return;
    }
    if (MockWire::isVertexPath(path)) {
        respondVertex(exchange, path);
        return;
    }
    if (MockWire::isDoc2xPath(path)) {
        respondDoc2x(exchange, path, requiredKey);
        return;
    }
    if (MockWire::isBalancePath(request.method, path)) {
        MockWire::Reply reply = MockWire::balanceReply(request, path, requiredKey);
        sendReply(exchange, reply);
        return;
    }
    // Azure OpenAI: /openai/deployments/<deployment>/<operation>?api-version=…, key in api-key.
    const bool azure =
        path.startsWith("/openai/deployments/") || path.startsWith("/openai/responses");
    if (azure) {
        const QList<QByteArray> segments = path.split('/');
        // Deployments: /openai/deployments/<d>/<op>; per resource: /openai/responses[/<id>].
        path = "/v1/" + segments.mid(segments.value(2) == "deployments" ? 4 : 2).join('/');
        if (!request.path.contains("api-version=")) {
            respondError(exchange, 404, "Resource not found (api-version is required)",
                         "invalid_request_error", "null");
            return;
        }
    }
    // Presets whose OpenAI paths sit under their own prefix (Zhipu coding, Ant Ling).
    for (const char *prefix : {"/api/coding/paas/v4/", "/llm/v1/"}) {
        if (path.startsWith(prefix))
            path = "/v1/" + path.mid(qstrlen(prefix));
    }
    // OpenAI-format providers' own Anthropic endpoints (/anthropic/v1/messages, …).
    const qsizetype anthropicAt = path.indexOf("/anthropic/v1/messages");
    if (anthropicAt >= 0)
        path = path.mid(anthropicAt + 10);
    if (MockWire::isAnthropicPath(path)) {
        respondAnthropic(exchange, path, requiredKey);
        return;
    }
    if (MockWire::isGeminiPath(path)) {
        respondGemini(exchange, path, requiredKey);
        return;
    }
    if (MockWire::isBedrockPath(path)) {
        respondBedrock(exchange, path);
        return;
    }
    if (MockWire::isOllamaPath(path)) {
        respondNative(exchange,
                      MockWire::ollamaReply(request, path, exchange->scenario, requiredKey));
        return;
    }
    if (MockWire::isCoherePath(path)) {
        respondNative(exchange,
                      MockWire::cohereReply(request, path, exchange->scenario, requiredKey));
        return;
    }
    const QString model = request.model();
    const QByteArray &scenario = exchange->scenario;
    const bool keyMatches = azure ? request.header("api-key") == requiredKey
                                  : request.header("authorization") == "Bearer " + requiredKey;
    if (!requiredKey.isEmpty() && !keyMatches) {
        respondError(exchange, 401, errorMessage(401, model), errorKind(401).first,
                     errorKind(401).second);
        return;
    }
    if (scenario == "error-echo-key") {
        // Some OpenAI-compatible resellers quote the whole key they refused.
        respondError(exchange, 401, "Invalid token: " + request.header("authorization").mid(7),
                     "invalid_request_error", "\"invalid_api_key\"");
        return;
    }
    if (scenario.startsWith("error-text-")) {
        MockWire::Reply reply = MockWire::plainTextError(scenario);
        sendReply(exchange, reply);
        return;
    }
    if (scenario.startsWith("error-")) {
        const int status = scenario.mid(6).split('-').first().toInt();
        MockWire::Reply reply =
            MockWire::openAiError(status, errorMessage(status, model), errorKind(status).first,
                                  "null", errorKind(status).second);
        // error-<status>-retry-<seconds>: with a Retry-After header.
        if (const qsizetype retry = scenario.indexOf("-retry-"); retry > 0)
            reply.headers.append({"retry-after", scenario.sliced(retry + 7)});
        sendReply(exchange, reply);
        return;
    }
    if (request.method == "GET" && path == "/v1/models") {
        const QByteArray body =
            "{\"object\":\"list\",\"data\":[{\"id\":\"gpt-4o-mini\",\"object\":\"model\","
            "\"created\":1721172741,\"owned_by\":\"system\"}]}";
        sendComplete(exchange, 200, "application/json", pretty(body, 2));
        return;
    }
    if (path.startsWith("/v1/responses/") &&
        (request.method == "GET" || request.method == "DELETE" || path.endsWith("/cancel"))) {
        // Stored responses: retrieved, deleted, cancelled or their input items listed by id
        // (OpenAI's shapes, minimal fields).
        QByteArray id = path.mid(14);
        QByteArray body;
        if (id.endsWith("/input_items")) {
            id.chop(12);
            body = "{\"object\":\"list\",\"data\":[{\"id\":\"msg_in_" + id +
                   "\",\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":"
                   "\"input_text\",\"text\":\"Say hello\"}]}],\"first_id\":\"msg_in_" +
                   id + "\",\"last_id\":\"msg_in_" + id + "\",\"has_more\":false}";
        } else if (id.endsWith("/cancel")) {
            id.chop(7);
            body = "{\"id\":\"" + id + "\",\"object\":\"response\",\"status\":\"cancelled\"}";
        } else {
            body = request.method == "GET"
                       ? "{\"id\":\"" + id + "\",\"object\":\"response\",\"status\":\"completed\"}"
                       : "{\"id\":\"" + id + "\",\"object\":\"response\",\"deleted\":true}";
        }
        sendComplete(exchange, 200, "application/json", body);
        return;
    }
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(request.body, &parseError);
    const bool knownPath = path == "/v1/chat/completions" || path == "/v1/completions" ||
                           path == "/v1/embeddings" || MockWire::isModesPath(path) ||
                           MockWire::isResponsesPath(path);
    if (request.method != "POST" || !knownPath) {
        respondError(exchange, 404, "Invalid URL (" + request.method + ' ' + path + ')',
                     "invalid_request_error", "null");
        return;
    }
    if (MockWire::isModesPath(path)) {
        respondModes(exchange, path);
        return;
    }
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        MockWire::Reply reply = MockWire::invalidJsonError();
        sendReply(exchange, reply);
        return;
    }
    const QJsonObject body = document.object();
    if (MockWire::isResponsesPath(path)) {
        MockWire::Reply reply = MockWire::responsesReply(exchange->id, body, scenario);
        sendReply(exchange, reply);
        return;
    }
    if (path == "/v1/chat/completions")
        respondChat(exchange, body);
    else if (path == "/v1/completions")
        respondCompletion(exchange, body);
    else
        respondEmbeddings(exchange, body);
}

void MockUpstream::respondChat(const std::shared_ptr<Exchange> &exchange, const QJsonObject &body)
{
    const int id = exchange->id;
    const QByteArray model = quoted(body.value(QStringLiteral("model")).toString());
    const QByteArray completionId =
        "\"chatcmpl-mock" + QByteArray::number(id).rightJustified(8, '0') + '"';
    const QByteArray created = number(QDateTime::currentSecsSinceEpoch());
    // Model "think-model" answers like DeepSeek-R1: reasoning inside <think> tags in the content.
    const bool thinking =
        body.value(QStringLiteral("model")).toString() == QLatin1String("think-model");
    const QJsonArray tools = body.value(QStringLiteral("tools")).toArray();
    const bool toolCall =
        !tools.isEmpty() &&
        body.value(QStringLiteral("tool_choice")).toString() != QLatin1String("none") &&
        !body.value(QStringLiteral("model")).toString().contains(QLatin1String("notools"));
    const QByteArray toolName = quoted(MockWire::firstFunctionName(tools));
    const QByteArray toolCallId = "\"call_mock" + QByteArray::number(id) + '"';

    if (!body.value(QStringLiteral("stream")).toBool()) {
        QByteArray message =
            toolCall
                ? "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":" + toolCallId +
                      ",\"type\":\"function\",\"function\":{\"name\":" + toolName +
                      ",\"arguments\":" + quoted(toolArguments()) +
                      "}}],\"refusal\":null,\"annotations\":[]}"
                : "{\"role\":\"assistant\",\"content\":" +
                      quoted((thinking ? thinkingReplyPieces() : replyPieces()).join(QString())) +
                      ",\"refusal\":null,\"annotations\":[]}";
        const QByteArray json =
            "{\"id\":" + completionId + ",\"object\":\"chat.completion\",\"created\":" + created +
            ",\"model\":" + model + ",\"choices\":[{\"index\":0,\"message\":" + message +
            ",\"logprobs\":null,\"finish_reason\":" + (toolCall ? "\"tool_calls\"" : "\"stop\"") +
            "}],\"usage\":" + usageJson(true) +
            ",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_mock0001\"}";
        sendComplete(exchange, 200, "application/json", pretty(json, 2));
        return;
    }

    const bool includeUsage = wantsUsage(body);
    const QByteArray prefix =
        "{\"id\":" + completionId + ",\"object\":\"chat.completion.chunk\",\"created\":" + created +
        ",\"model\":" + model +
        ",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_mock0001\",\"choices\":[";
    const QByteArray suffix = includeUsage ? "],\"usage\":null}" : "]}";
    const auto choice = [](const QByteArray &delta, const QByteArray &finishReason) {
        return "{\"index\":0,\"delta\":" + delta +
               ",\"logprobs\":null,\"finish_reason\":" + finishReason + '}';
    };
    QList<QByteArray> events;
    if (toolCall) {
        events << sseEvent(
            prefix +
            choice("{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,\"id\":" +
                       toolCallId + ",\"type\":\"function\",\"function\":{\"name\":" + toolName +
                       ",\"arguments\":\"\"}}],\"refusal\":null}",
                   "null") +
            suffix);
        for (const QString &piece : toolArgumentPieces())
            events << sseEvent(prefix +
                               choice("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":" +
                                          quoted(piece) + "}}]}",
                                      "null") +
                               suffix);
        events << sseEvent(prefix + choice("{}", "\"tool_calls\"") + suffix);
    } else {
        events << sseEvent(
            prefix + choice("{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}", "null") +
            suffix);
        for (const QString &piece : thinking ? thinkingReplyPieces() : replyPieces())
            events << sseEvent(prefix + choice("{\"content\":" + quoted(piece) + '}', "null") +
                               suffix);
        events << sseEvent(prefix + choice("{}", "\"stop\"") + suffix);
    }
    if (includeUsage)
        events << sseEvent(prefix + "],\"usage\":" + usageJson(true) + '}');
    events << sseEvent("[DONE]");
    beginStream(exchange, events);
}

void MockUpstream::respondCompletion(const std::shared_ptr<Exchange> &exchange,
                                     const QJsonObject &body)
{
    const QByteArray model = quoted(body.value(QStringLiteral("model")).toString());
    const QByteArray completionId =
        "\"cmpl-mock" + QByteArray::number(exchange->id).rightJustified(8, '0') + '"';
    const QByteArray created = number(QDateTime::currentSecsSinceEpoch());
    if (!body.value(QStringLiteral("stream")).toBool()) {
        const QByteArray json =
            "{\"id\":" + completionId + ",\"object\":\"text_completion\",\"created\":" + created +
            ",\"model\":" + model +
            ",\"system_fingerprint\":\"fp_mock0001\",\"choices\":[{\"text\":" +
            quoted(replyText()) +
            ",\"index\":0,\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":" +
            usageJson(false) + '}';
        sendComplete(exchange, 200, "application/json", pretty(json, 2));
        return;
    }
    const bool includeUsage = wantsUsage(body);
    const QByteArray prefix = "{\"id\":" + completionId +
                              ",\"object\":\"text_completion\",\"created\":" + created +
                              ",\"choices\":[";
    const QByteArray suffix = "],\"model\":" + model + ",\"system_fingerprint\":\"fp_mock0001\"" +
                              (includeUsage ? QByteArray(",\"usage\":null}") : QByteArray("}"));
    QList<QByteArray> events;
    const QStringList pieces = replyPieces();
    for (qsizetype i = 0; i < pieces.size(); ++i) {
        const QByteArray finish = i + 1 == pieces.size() ? "\"stop\"" : "null";
        events << sseEvent(prefix + "{\"text\":" + quoted(pieces.at(i)) +
                           ",\"index\":0,\"logprobs\":null,\"finish_reason\":" + finish + '}' +
                           suffix);
    }
    if (includeUsage)
        events << sseEvent(prefix + "],\"model\":" + model +
                           ",\"system_fingerprint\":\"fp_mock0001\",\"usage\":" + usageJson(false) +
                           '}');
    events << sseEvent("[DONE]");
    beginStream(exchange, events);
}

void MockUpstream::respondAnthropic(const std::shared_ptr<Exchange> &exchange,
                                    const QByteArray &path, const QByteArray &requiredKey)
{
    MockWire::Reply reply =
        MockWire::anthropicReply(exchange->request, path, exchange->scenario, requiredKey);
    exchange->anthropic = true;
    sendReply(exchange, reply);
}

void MockUpstream::respondVertex(const std::shared_ptr<Exchange> &exchange, const QByteArray &path)
{
    // The scenario comes from the model in the URL (Vertex bodies carry none).
    const QByteArray scenario = exchange->request.header("x-mock-scenario");
    MockWire::Reply reply;
    int delayMs = 0;
    {
        QMutexLocker lock(&m_mutex);
        reply = MockWire::vertexReply(exchange->request, path, scenario, m_vertex.get());
        delayMs = path == "/token" ? m_vertex->tokenDelayMs : 0;
    }
    if (delayMs <= 0) {
        sendReply(exchange, reply);
        return;
    }
    QTimer::singleShot(delayMs, m_context, [this, exchange, reply]() mutable {
        if (!exchange->finished)
            sendReply(exchange, reply);
    });
}

void MockUpstream::respondGemini(const std::shared_ptr<Exchange> &exchange, const QByteArray &path,
                                 const QByteArray &requiredKey)
{
    MockWire::Reply reply =
        MockWire::geminiReply(exchange->request, path, exchange->scenario, requiredKey);
    exchange->gemini = true;
    sendReply(exchange, reply);
}

void MockUpstream::respondBedrock(const std::shared_ptr<Exchange> &exchange, const QByteArray &path)
{
    QByteArray apiKey;
    {
        QMutexLocker lock(&m_mutex);
        apiKey = m_bedrockApiKey;
    }
    MockWire::Reply reply =
        MockWire::bedrockReply(exchange->request, path, exchange->scenario, apiKey);
    exchange->bedrock = true;
    sendReply(exchange, reply);
}

void MockUpstream::respondDoc2x(const std::shared_ptr<Exchange> &exchange, const QByteArray &path,
                                const QByteArray &requiredKey)
{
    MockWire::Reply reply;
    {
        QMutexLocker lock(&m_mutex);
        reply = MockWire::doc2xReply(exchange->request, path, exchange->scenario, requiredKey,
                                     m_doc2x.get());
    }
    sendReply(exchange, reply);
}

void MockUpstream::respondModes(const std::shared_ptr<Exchange> &exchange, const QByteArray &path)
{
    MockWire::Reply reply = MockWire::modesReply(exchange->request, path, exchange->scenario);
    sendReply(exchange, reply);
}

void MockUpstream::respondNative(const std::shared_ptr<Exchange> &exchange, MockWire::Reply reply)
{
    exchange->native = true;
    sendReply(exchange, reply);
}

void MockUpstream::sendReply(const std::shared_ptr<Exchange> &exchange, MockWire::Reply &reply)
{
    exchange->extraHeaders = std::move(reply.headers);
    exchange->closeAfter = exchange->closeAfter || reply.closeAfter;
    if (!reply.stream) {
        sendComplete(exchange, reply.status, reply.contentType, reply.body);
        return;
    }
    exchange->dropAfter = reply.dropAfter;
    if (reply.contentType.isEmpty())
        beginStream(exchange, std::move(reply.events));
    else
        beginStream(exchange, std::move(reply.events), reply.contentType);
}

void MockUpstream::respondEmbeddings(const std::shared_ptr<Exchange> &exchange,
                                     const QJsonObject &body)
{
    const QJsonValue input = body.value(QStringLiteral("input"));
    int inputs = 0;
    if (input.isString()) {
        inputs = 1;
    } else if (input.isArray()) {
        const QJsonArray array = input.toArray();
        const bool tokenList = !array.isEmpty() && array.first().isDouble();
        inputs = tokenList ? 1 : int(array.size());
    }
    if (inputs == 0) {
        respondError(exchange, 400, "'input' is a required property", "invalid_request_error",
                     "null");
        return;
    }
    const int dimensions =
        body.value(QStringLiteral("dimensions")).toInt(kDefaultEmbeddingDimensions);
    const bool base64 =
        body.value(QStringLiteral("encoding_format")).toString() == QLatin1String("base64");
    QByteArray data;
    for (int i = 0; i < inputs; ++i) {
        const QList<float> values = embedding(i, dimensions);
        QByteArray encoded;
        if (base64) {
            QByteArray raw(values.size() * 4, Qt::Uninitialized);
            for (qsizetype j = 0; j < values.size(); ++j)
                qToLittleEndian(values.at(j), raw.data() + j * 4);
            encoded = '"' + raw.toBase64() + '"';
        } else {
            encoded = "[";
            for (qsizetype j = 0; j < values.size(); ++j)
                encoded += (j ? "," : "") + QByteArray::number(double(values.at(j)), 'g', 9);
            encoded += ']';
        }
        data += (i ? "," : "") + QByteArray("{\"object\":\"embedding\",\"index\":") + number(i) +
                ",\"embedding\":" + encoded + '}';
    }
    const int tokens = inputs * kEmbeddingTokensPerInput;
    const QByteArray json =
        "{\"object\":\"list\",\"data\":[" + data +
        "],\"model\":" + quoted(body.value(QStringLiteral("model")).toString()) +
        ",\"usage\":{\"prompt_tokens\":" + number(tokens) + ",\"total_tokens\":" + number(tokens) +
        "}}";
    sendComplete(exchange, 200, "application/json", pretty(json, 2));
}

void MockUpstream::respondError(const std::shared_ptr<Exchange> &exchange, int status,
                                const QByteArray &message, const QByteArray &type,
                                const QByteArray &code)
{
    MockWire::Reply reply = MockWire::openAiError(status, message, type, "null", code);
    sendReply(exchange, reply);
}

QByteArray MockUpstream::head(const std::shared_ptr<Exchange> &exchange, int status,
                              const QByteArray &contentType, qint64 contentLength) const
{
    QByteArray out = "HTTP/1.1 " + number(status) + ' ' + reasonPhrase(status) + "\r\n";
    out += "Date: " +
           QDateTime::currentDateTimeUtc()
               .toString(QStringLiteral("ddd, dd MMM yyyy hh:mm:ss 'GMT'"))
               .toLatin1() +
           "\r\n";
    out += "Content-Type: " + contentType + "\r\n";
    out += contentLength >= 0 ? "Content-Length: " + number(contentLength) + "\r\n"
                              : QByteArray("Transfer-Encoding: chunked\r\n");
    out += exchange->closeAfter ? "Connection: close\r\n" : "Connection: keep-alive\r\n";
    if (exchange->bedrock) {
        // Bedrock's own headers (x-amzn-RequestId, …) come with the reply.
    } else if (exchange->anthropic) {
        out += "request-id: req_mock" + number(exchange->id) +
               "\r\n"
               "anthropic-organization-id: 5b0b5c1e-0000-4000-8000-00000000a1b2\r\n"
               "anthropic-ratelimit-requests-limit: 4000\r\n"
               "anthropic-ratelimit-requests-remaining: 3999\r\n";
    } else if (exchange->gemini) {
        out += "Vary: Origin\r\n"
               "Vary: X-Origin\r\n"
               "Vary: Referer\r\n"
               "Server: scaffolding on HTTPServer2\r\n"
               "X-XSS-Protection: 0\r\n"
               "X-Frame-Options: SAMEORIGIN\r\n"
               "X-Content-Type-Options: nosniff\r\n"
               "Server-Timing: gfet4t7; dur=" +
               number(100 + exchange->id) + "\r\n";
    } else if (!exchange->native) {
        out += "access-control-expose-headers: X-Request-ID\r\n"
               "openai-organization: mock-org\r\n"
               "openai-processing-ms: 7\r\n"
               "openai-version: 2020-10-01\r\n"
               "x-ratelimit-limit-requests: 10000\r\n"
               "x-ratelimit-remaining-requests: 9999\r\n";
        out += "x-request-id: req_mock" + number(exchange->id) + "\r\n";
    }
    for (const auto &[name, value] : exchange->extraHeaders)
        out += name + ": " + value + "\r\n";
    return out + "\r\n";
}

void MockUpstream::sendComplete(const std::shared_ptr<Exchange> &exchange, int status,
                                const QByteArray &contentType, const QByteArray &body)
{
    if (exchange->finished || !exchange->socket)
        return;
    if (exchange->scenario == "drop-mid-stream") {
        // Without streaming: the status line and half of the announced body, then close.
        const QByteArray half = body.left(body.size() / 2);
        updateRecord(exchange->id, [&](Record &record) {
            record.status = status;
            record.body = half;
            record.dropped = true;
        });
        exchange->socket->write(head(exchange, status, contentType, body.size()) + half);
        exchange->finished = true;
        exchange->socket->disconnectFromHost();
        return;
    }
    // Recorded before writing: once the client has the bytes, the record says so.
    updateRecord(exchange->id, [&](Record &record) {
        record.status = status;
        record.body = body;
        record.complete = true;
    });
    exchange->socket->write(head(exchange, status, contentType, body.size()) + body);
    exchange->socket->flush();
    finishExchange(exchange);
}

void MockUpstream::beginStream(const std::shared_ptr<Exchange> &exchange, QList<QByteArray> events,
                               const QByteArray &contentType)
{
    if (exchange->finished || !exchange->socket)
        return;
    exchange->events = std::move(events);
    if (exchange->scenario == "drop-mid-stream" && exchange->dropAfter < 0)
        exchange->dropAfter = kDropAfterEvents;
    updateRecord(exchange->id, [](Record &record) { record.status = 200; });
    exchange->socket->write(head(exchange, 200, contentType, -1));
    exchange->socket->flush();
    pump(exchange);
}

void MockUpstream::pump(const std::shared_ptr<Exchange> &exchange)
{
    while (!exchange->finished && exchange->socket) {
        if (exchange->next >= exchange->events.size()) {
            updateRecord(exchange->id, [](Record &record) { record.complete = true; });
            exchange->socket->write("0\r\n\r\n");
            exchange->socket->flush();
            finishExchange(exchange);
            return;
        }
        const int limit = m_streamEventLimit.load();
        if (limit >= 0 && exchange->next >= limit) {
            if (!exchange->held) {
                exchange->held = true;
                m_held.append(exchange);
            }
            return;
        }
        if (exchange->dropAfter >= 0 && exchange->next >= exchange->dropAfter) {
            exchange->finished = true;
            updateRecord(exchange->id, [](Record &record) { record.dropped = true; });
            exchange->socket->disconnectFromHost();
            return;
        }
        // drip-<ms>: this stream's own pause between events.
        const int delay = exchange->scenario.startsWith("drip-") ? exchange->scenario.mid(5).toInt()
                                                                 : m_eventDelayMs.load();
        if (delay > 0 && exchange->next > 0 && !exchange->delayDone) {
            exchange->delayDone = true;
            QTimer::singleShot(delay, m_context, [this, exchange] { pump(exchange); });
            return;
        }
        exchange->delayDone = false;
        const QByteArray &event = exchange->events.at(exchange->next);
        // Counted before writing: eventsWritten() == n means event n+1 is not on the wire yet,
        // and a client holding event n implies eventsWritten() >= n.
        updateRecord(exchange->id, [&event](Record &record) {
            ++record.eventsWritten;
            record.body += event;
        });
        exchange->socket->write(QByteArray::number(event.size(), 16) + "\r\n" + event + "\r\n");
        exchange->socket->flush();
        const int index = exchange->next++;
        Q_EMIT eventWritten(exchange->id, index);
    }
}

void MockUpstream::releaseHeld()
{
    const QList<std::shared_ptr<Exchange>> held = std::exchange(m_held, {});
    for (const std::shared_ptr<Exchange> &exchange : held) {
        exchange->held = false;
        pump(exchange);
    }
}

void MockUpstream::finishExchange(const std::shared_ptr<Exchange> &exchange)
{
    exchange->finished = true;
    Q_EMIT responseCompleted(exchange->id);
    Connection *connection = exchange->connection;
    if (!connection || connection->current != exchange)
        return;
    connection->current.reset();
    exchange->connection = nullptr;
    if (exchange->closeAfter) {
        connection->socket->disconnectFromHost();
        return;
    }
    if (!connection->buffer.isEmpty()) {
        QTcpSocket *socket = connection->socket;
        QMetaObject::invokeMethod(
            m_context,
            [this, socket] {
                if (Connection *next = m_connections.value(socket))
                    onReadyRead(next);
            },
            Qt::QueuedConnection);
    }
}
