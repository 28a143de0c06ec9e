#pragma once

#include "adminservice.h"

#include <QObject>

class Router;
struct HttpRequest;
class HttpExchange;

/// The admin HTTP API under /api: thin JSON adapters over AdminService with aiproxy's
/// envelope {success, message, data}. The admin key is checked on the connection thread;
/// the use case then runs on the admin thread.
namespace AdminRoutes {

/// \a threadContext lives on the router's (connection) thread; \a service on the admin thread.
void install(Router &router, AdminService *service, QObject *threadContext,
             const QString &adminKey);

/// True when \a request carries \a adminKey as "Authorization: Bearer", plain Authorization,
/// or ?key= (aiproxy strips "Bearer " and "sk-").
bool isAuthorized(const HttpRequest &request, const QString &adminKey);

/// Serializes \a result as the envelope.
QByteArray envelope(const AdminService::Result &result);

} // namespace AdminRoutes
