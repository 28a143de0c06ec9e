#pragma once

#include "adminrequest.h"
#include "adminservice.h"
#include "http/router.h"

#include <functional>

/// The admin route tables, one function per area (channelroutes.cpp, grouproutes.cpp, ...).
/// Internal to AdminRoutes::install().
namespace AdminRoutes {

/// An admin use case adapter: reads the request, calls one AdminService use case.
/// Runs on the admin thread.
using UseCase = std::function<AdminService::Result(AdminService &service, AdminRequest &in)>;
/// Wraps a UseCase into a route handler that checks the admin key on the connection thread,
/// then runs the use case on the admin thread and replies with the envelope.
using Guard = std::function<Router::Handler(UseCase)>;
/// A use case that answers later (upstream calls): it reads the request, starts an
/// asynchronous AdminService use case and hands it \a done, called once on the admin thread.
using AsyncUseCase =
    std::function<void(AdminService &service, AdminRequest &in, AdminService::Done done)>;
/// Guard for AsyncUseCase: the reply is sent when the use case calls done.
using AsyncGuard = std::function<Router::Handler(AsyncUseCase)>;

void installChannelRoutes(Router &router, const Guard &guarded, const AsyncGuard &guardedAsync);
void installGroupRoutes(Router &router, const Guard &guarded);
void installTokenRoutes(Router &router, const Guard &guarded);
void installModelConfigRoutes(Router &router, const Guard &guarded);
void installLogRoutes(Router &router, const Guard &guarded);
void installMonitorRoutes(Router &router, const Guard &guarded);

} // namespace AdminRoutes
