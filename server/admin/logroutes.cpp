// Admin API: /api/logs/... (all groups) and /api/log/{group}/... (one group).
#include "arearoutes.h"
#include "storage/logrepository.h"

using namespace Qt::StringLiterals;

namespace {

LogFilter logFilter(const AdminRequest &in, bool search)
{
    LogFilter filter;
    filter.group = in.text(u"group"_s);
    filter.startMs = in.number(u"start_timestamp"_s);
    filter.endMs = in.number(u"end_timestamp"_s);
    filter.model = in.text(u"model_name"_s);
    filter.channelId = in.number(u"channel"_s);
    filter.tokenId = in.number(u"token_id"_s);
    filter.tokenName = in.text(u"token_name"_s);
    filter.requestId = in.text(u"request_id"_s);
    filter.upstreamId = in.text(u"upstream_id"_s);
    filter.codeType = in.text(u"code_type"_s);
    filter.code = int(in.number(u"code"_s));
    filter.ip = in.text(u"ip"_s);
    filter.user = in.text(u"user"_s);
    if (search)
        filter.keyword = in.text(u"keyword"_s);
    filter.order = in.text(u"order"_s);
    return filter;
}

} // namespace

void AdminRoutes::installLogRoutes(Router &router, const Guard &guarded)
{
    router.add("GET", u"/api/logs/search"_s, guarded([](AdminService &s, AdminRequest &in) {
                   return s.logs(logFilter(in, true), in.page());
               }));
    router.add("GET", u"/api/logs/"_s, guarded([](AdminService &s, AdminRequest &in) {
                   return s.logs(logFilter(in, false), in.page());
               }));
    router.add("DELETE", u"/api/logs/"_s, guarded([](AdminService &s, AdminRequest &in) {
                   return s.deleteLogsBefore(in.number(u"timestamp"_s));
               }));
    // The path's group always wins over a ?group= query (see AdminService::groupLogs).
    router.add("GET", u"/api/log/{group}/search"_s, guarded([](AdminService &s, AdminRequest &in) {
                   return s.groupLogs(in.path(u"group"_s), logFilter(in, true), in.page());
               }));
    router.add("GET", u"/api/log/{group}"_s, guarded([](AdminService &s, AdminRequest &in) {
                   return s.groupLogs(in.path(u"group"_s), logFilter(in, false), in.page());
               }));
}
