#include "logrows.h"

#include "gateway/gatewaycore.h"
#include "storage/database.h"
#include "storage/logwriter.h"

#include <QDeadlineTimer>
#include <QSqlQuery>
#include <QTest>

namespace LogRows {

QSqlRecord waitFor(GatewayCore *core, const QByteArray &requestId, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        core->logWriter()->flushNow();
        QSqlQuery query(core->logDatabase()->connection());
        query.prepare(QStringLiteral("SELECT * FROM logs WHERE request_id = ?"));
        query.addBindValue(QString::fromLatin1(requestId));
        if (query.exec() && query.next())
            return query.record();
        QTest::qWait(10);
    }
    return {};
}

} // namespace LogRows
