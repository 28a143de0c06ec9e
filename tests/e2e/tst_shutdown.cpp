// Graceful shutdown: GatewayCore::stop() stops accepting, lets in-flight streams finish up to
// the drain deadline, cuts what is left, and writes every request's log row.

#include "gateway/gatewaycore.h"
#include "mockupstream.h"
#include "relayseed.h"
#include "storage/database.h"
#include "testgateway.h"

#include <QSqlQuery>
#include <QTcpSocket>
#include <QtTest>

namespace {

const QString kGroup = QStringLiteral("drain-group");
const QString kKey = QStringLiteral("drainkey0123456789drainkey0123456789drainkey0123");

} // namespace

class TstShutdown : public QObject
{
    Q_OBJECT

private:
    MockUpstream m_mock;
    TestGateway m_gateway;

    bool startGateway()
    {
        QString error;
        if (!m_gateway.start(&error)) {
            qWarning() << error;
            return false;
        }
        QSqlDatabase db = m_gateway.core()->mainDatabase()->connection();
        const bool seeded = RelaySeed::insertMinimalSetup(
            db, m_mock.baseUrl(), QStringLiteral("gpt-4o-mini"), kGroup, kKey, &error);
        if (!seeded) {
            qWarning() << error;
            return false;
        }
        m_gateway.core()->reloadSnapshot();
        return true;
    }

    /// Sends a streaming chat request on a new raw connection.
    std::unique_ptr<QTcpSocket> startStream()
    {
        auto socket = std::make_unique<QTcpSocket>();
        socket->connectToHost(QHostAddress::LocalHost, m_gateway.port());
        if (!socket->waitForConnected(5000))
            return nullptr;
        const QByteArray body =
            R"({"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"hi"}]})";
        socket->write(
            "POST /v1/chat/completions HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer sk-" +
            kKey.toLatin1() + "\r\nContent-Type: application/json\r\nContent-Length: " +
            QByteArray::number(body.size()) + "\r\n\r\n" + body);
        socket->flush();
        return socket;
    }

    /// Everything the server sent until it closed the connection (or 10 s passed).
    static QByteArray readToEnd(QTcpSocket *socket)
    {
        QByteArray all;
        QDeadlineTimer deadline(10000);
        while (!deadline.hasExpired()) {
            all += socket->readAll();
            if (socket->state() == QAbstractSocket::UnconnectedState)
                break;
            socket->waitForReadyRead(100);
        }
        return all + socket->readAll();
    }

    int logRows(int code)
    {
        QSqlQuery query(m_gateway.core()->logDatabase()->connection());
        query.prepare(QStringLiteral("SELECT COUNT(*) FROM logs WHERE code = ?"));
        query.addBindValue(code);
        return query.exec() && query.next() ? query.value(0).toInt() : -1;
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_mock.start()); }

    void cleanup()
    {
        m_gateway.stop();
        m_mock.setEventDelayMs(0);
        m_mock.clearRecords();
    }

    void inFlightStreamFinishesWithinTheDeadline()
    {
        QVERIFY(startGateway());
        m_mock.setEventDelayMs(60);
        auto client = startStream();
        QVERIFY(client);
        QTRY_VERIFY_WITH_TIMEOUT(m_mock.requestCount() == 1, 5000);
        const int upstreamId = m_mock.lastRequest().id;
        const quint16 port = m_gateway.port();

        // Blocks while the stream keeps flowing on the worker and mock threads.
        m_gateway.core()->stop(20000);

        const QByteArray received = readToEnd(client.get());
        QVERIFY2(received.startsWith("HTTP/1.1 200"), received.left(200).constData());
        QVERIFY(received.contains("data: [DONE]"));
        QVERIFY(received.endsWith("0\r\n\r\n")); // Chunked terminator: the stream ended cleanly.
        QVERIFY(m_mock.eventsWritten(upstreamId) >
                MockUpstream::replyPieces().size()); // Pieces + [DONE].

        // No longer accepting.
        QTcpSocket late;
        late.connectToHost(QHostAddress::LocalHost, port);
        QVERIFY(!late.waitForConnected(1000) || !late.waitForReadyRead(500));

        // The finished stream's log row was flushed before stop() returned.
        QCOMPARE(logRows(200), 1);
    }

    void streamPastTheDeadlineIsCutAndLogged()
    {
        QVERIFY(startGateway());
        m_mock.setEventDelayMs(400); // The whole answer takes several seconds.
        auto client = startStream();
        QVERIFY(client);
        QTRY_VERIFY_WITH_TIMEOUT(m_mock.requestCount() == 1, 5000);
        const int upstreamId = m_mock.lastRequest().id;
        QTRY_VERIFY_WITH_TIMEOUT(m_mock.eventsWritten(upstreamId) >= 1, 5000);

        m_gateway.core()->stop(300);

        const QByteArray received = readToEnd(client.get());
        QVERIFY(received.startsWith("HTTP/1.1 200"));
        QVERIFY(!received.contains("data: [DONE]"));
        QCOMPARE(client->state(), QAbstractSocket::UnconnectedState);
        QCOMPARE(logRows(499), 1); // Cut by the shutdown, and still logged.
    }
};

QTEST_GUILESS_MAIN(TstShutdown)
#include "tst_shutdown.moc"
