// Admin API: /api/group/... and /api/groups/...
#include "arearoutes.h"
#include "storage/grouprepository.h"

using namespace Qt::StringLiterals;

namespace {

GroupFilter groupFilter(const AdminRequest &in, bool search)
{
    GroupFilter filter;
    if (search)
        filter.keyword = in.text(u"keyword"_s);
    filter.status = int(in.number(u"status"_s));
    filter.order = in.text(u"order"_s);
    return filter;
}

} // namespace

void AdminRoutes::installGroupRoutes(Router &router, const Guard &guarded)
{
    router.add("GET", u"/api/groups/search"_s, guarded([](AdminService &s, AdminRequest &in) {
                   return s.listGroups(groupFilter(in, true), in.page());
               }));
    router.add("GET", u"/api/groups/"_s, guarded([](AdminService &s, AdminRequest &in) {
                   return s.listGroups(groupFilter(in, false), in.page());
               }));
    router.add("POST", u"/api/groups/batch_delete"_s,
               guarded([](AdminService &s, AdminRequest &in) {
                   const QStringList ids = in.strings();
                   return in.ok() ? s.deleteGroups(ids) : in.error();
               }));
    // aiproxy's body is {"groups": [...], "status": n}; {"ids": [...]} is accepted as well.
    router.add(
        "POST", u"/api/groups/batch_status"_s, guarded([](AdminService &s, AdminRequest &in) {
            const QStringList ids = in.strings(u"groups|ids"_s);
            const QJsonObject body = in.fields({u"status"_s});
            return in.ok() ? s.setGroupsStatus(ids, body.value(u"status"_s).toInt()) : in.error();
        }));

    router.add("GET", u"/api/group/{group}"_s, guarded([](AdminService &s, AdminRequest &in) {
                   return s.group(in.path(u"group"_s));
               }));
    router.add("POST", u"/api/group/{group}"_s, guarded([](AdminService &s, AdminRequest &in) {
                   const QJsonObject body = in.object();
                   return in.ok() ? s.createGroup(in.path(u"group"_s), body) : in.error();
               }));
    router.add("PUT", u"/api/group/{group}"_s, guarded([](AdminService &s, AdminRequest &in) {
                   const QJsonObject body = in.object();
                   return in.ok() ? s.updateGroup(in.path(u"group"_s), body) : in.error();
               }));
    router.add("DELETE", u"/api/group/{group}"_s, guarded([](AdminService &s, AdminRequest &in) {
                   return s.deleteGroup(in.path(u"group"_s));
               }));
    // Single-field updates: {"status": n}, {"rpm_ratio": x}, {"tpm_ratio": x}.
    for (const QString &field : {u"status"_s, u"rpm_ratio"_s, u"tpm_ratio"_s}) {
        router.add("POST", u"/api/group/{group}/"_s + field,
                   guarded([field](AdminService &s, AdminRequest &in) {
                       const QJsonObject body = in.fields({field});
                       return in.ok() ? s.updateGroup(in.path(u"group"_s), body) : in.error();
                   }));
    }
}
