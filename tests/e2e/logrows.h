#pragma once

#include <QByteArray>
#include <QSqlRecord>

class GatewayCore;

/// Reading a gateway's request log in tests.
namespace LogRows {

/// The log row of \a requestId. Rows are written just after the response, so this flushes the
/// log writer and polls until the row is there or \a timeoutMs passed (then: an empty record).
QSqlRecord waitFor(GatewayCore *core, const QByteArray &requestId, int timeoutMs = 10000);

} // namespace LogRows
