#include "databasespec.h"

#include <QUrl>
#include <QUrlQuery>

DatabaseSpec DatabaseSpec::parse(const QString &dsn, const QString &sqlitePath, int busyTimeoutMs,
                                 QString *error)
{
    DatabaseSpec spec;
    spec.sqliteBusyTimeoutMs = busyTimeoutMs;
    const QString trimmed = dsn.trimmed();
    if (trimmed.isEmpty()) {
        spec.dialect = Dialect::Sqlite;
        spec.sqlitePath = sqlitePath.isEmpty() ? QStringLiteral("aiproxy.db") : sqlitePath;
        return spec;
    }
    if (!trimmed.startsWith(QLatin1String("postgres://")) &&
        !trimmed.startsWith(QLatin1String("postgresql://"))) {
        if (error)
            *error = QStringLiteral("unsupported DSN (expected postgres:// or postgresql://): %1")
                         .arg(trimmed.section(QLatin1Char(':'), 0, 0));
        return spec;
    }
    const QUrl url(trimmed);
    if (!url.isValid() || url.host().isEmpty()) {
        if (error)
            *error = QStringLiteral("malformed PostgreSQL DSN");
        return spec;
    }
    spec.dialect = Dialect::Postgres;
    spec.host = url.host();
    spec.port = url.port(5432);
    spec.user = url.userName();
    spec.password = url.password();
    spec.databaseName = url.path().mid(1);
    if (spec.databaseName.isEmpty())
        spec.databaseName = spec.user.isEmpty() ? QStringLiteral("postgres") : spec.user;
    QStringList options;
    const auto items = QUrlQuery(url).queryItems(QUrl::FullyDecoded);
    for (const auto &[key, value] : items)
        options << key + QLatin1Char('=') + value;
    if (!QUrlQuery(url).hasQueryItem(QStringLiteral("connect_timeout")))
        options << QStringLiteral("connect_timeout=10");
    spec.connectOptions = options.join(QLatin1Char(';'));
    return spec;
}

QString DatabaseSpec::describe() const
{
    if (dialect == Dialect::Sqlite)
        return QStringLiteral("sqlite:%1").arg(sqlitePath);
    return QStringLiteral("postgres://%1@%2:%3/%4").arg(user, host).arg(port).arg(databaseName);
}
