#include "adminroutes.h"

#include "arearoutes.h"

#include "config/gatewayconfig.h"
#include "http/httpexchange.h"
#include "http/router.h"
#include "http/threadreply.h"
#include "model/token.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>

namespace AdminRoutes {

QByteArray envelope(const AdminService::Result &result)
{
    QJsonObject root{{QStringLiteral("success"), result.isOk()},
                     {QStringLiteral("message"), result.message},
                     {QStringLiteral("data"), result.data}};
    return QJsonDocument(root).toJson(QJsonDocument::Compact);
}

bool isAuthorized(const HttpRequest &request, const QString &adminKey)
{
    if (adminKey.isEmpty())
        return false;
    QString credential = QString::fromUtf8(request.header("authorization"));
    if (credential.isEmpty())
        credential = request.queryValue(QStringLiteral("key"));
    return Token::normalizeKey(credential) == adminKey || credential.trimmed() == adminKey;
}

namespace {

void sendResult(HttpExchange *exchange, const AdminService::Result &result)
{
    exchange->send(result.status, "application/json", envelope(result));
}

} // namespace

void install(Router &router, AdminService *service, QObject *threadContext, const QString &adminKey)
{
    const qint64 startedAt = QDateTime::currentSecsSinceEpoch();
    router.add(
        "GET", QStringLiteral("/api/status"), [startedAt](HttpRequest &, HttpExchange *exchange) {
            sendResult(exchange,
                       AdminService::Result::ok(QJsonObject{
                           {QStringLiteral("version"), QCoreApplication::applicationVersion()},
                           {QStringLiteral("start_time"), startedAt},
                       }));
        });

    // Every other /api route requires the admin key; the guards wrap a use case adapter that
    // runs on the admin thread (the request is copied there; the reply comes back here).
    const AsyncGuard guardedAsync = [service, threadContext,
                                     adminKey](AsyncUseCase useCase) -> Router::Handler {
        return [service, threadContext, adminKey, useCase](HttpRequest &request,
                                                           HttpExchange *exchange) {
            if (!isAuthorized(request, adminKey)) {
                sendResult(exchange, AdminService::Result::error(
                                         401, QStringLiteral("unauthorized: invalid admin key")));
                return;
            }
            replyFromThreadLater(
                service, threadContext, exchange,
                [service, useCase, request](std::function<void(HttpReply)> reply) {
                    AdminRequest in(request);
                    useCase(*service, in, [reply](const AdminService::Result &result) {
                        reply(HttpReply{result.status, envelope(result), "application/json", {}});
                    });
                });
        };
    };
    const Guard guarded = [guardedAsync](UseCase useCase) -> Router::Handler {
        return guardedAsync([useCase](AdminService &service, AdminRequest &in,
                                      AdminService::Done done) { done(useCase(service, in)); });
    };
    installChannelRoutes(router, guarded, guardedAsync);
    installGroupRoutes(router, guarded);
    installTokenRoutes(router, guarded);
    installModelConfigRoutes(router, guarded);
    installLogRoutes(router, guarded);
    installMonitorRoutes(router, guarded);
}

} // namespace AdminRoutes
