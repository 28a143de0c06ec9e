// Admin API: /api/monitor/... (aiproxy's paths; clearing error rates also lifts bans).
#include "arearoutes.h"

using namespace Qt::StringLiterals;

void AdminRoutes::installMonitorRoutes(Router &router, const Guard &guarded)
{
    router.add("GET", u"/api/monitor/"_s,
               guarded([](AdminService &s, AdminRequest &) { return s.errorRates(); }));
    router.add("GET", u"/api/monitor/models"_s,
               guarded([](AdminService &s, AdminRequest &) { return s.modelErrorRates(); }));
    router.add("GET", u"/api/monitor/banned_channels"_s,
               guarded([](AdminService &s, AdminRequest &) { return s.bannedChannels(); }));
    router.add("GET", u"/api/monitor/events"_s, guarded([](AdminService &s, AdminRequest &in) {
                   return s.routingEvents(int(in.number(u"limit"_s)));
               }));
    router.add("GET", u"/api/monitor/{id}"_s, guarded([](AdminService &s, AdminRequest &in) {
                   return s.channelErrorRates(in.path(u"id"_s).toLongLong());
               }));
    router.add("DELETE", u"/api/monitor/"_s,
               guarded([](AdminService &s, AdminRequest &) { return s.clearChannelHealth(); }));
    router.add("DELETE", u"/api/monitor/{id}"_s, guarded([](AdminService &s, AdminRequest &in) {
                   return s.clearChannelHealth(in.path(u"id"_s).toLongLong());
               }));
    router.add("DELETE", u"/api/monitor/{id}/{*model}"_s,
               guarded([](AdminService &s, AdminRequest &in) {
                   return s.clearChannelHealth(in.path(u"id"_s).toLongLong(), in.path(u"model"_s));
               }));
}
