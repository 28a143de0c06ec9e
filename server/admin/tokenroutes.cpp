// Admin API: /api/token/{group}/... (one group) and /api/tokens/... (all groups).
#include "arearoutes.h"
#include "storage/tokenrepository.h"

using namespace Qt::StringLiterals;

namespace {

TokenFilter tokenFilter(const AdminRequest &in, bool search, const QString &group)
{
    TokenFilter filter;
    filter.group = group;
    if (search) {
        filter.keyword = in.text(u"keyword"_s);
        filter.name = in.text(u"name"_s);
        filter.key = Token::normalizeKey(in.text(u"key"_s));
    }
    filter.status = int(in.number(u"status"_s));
    filter.order = in.text(u"order"_s);
    return filter;
}

bool isAllDigits(const QString &text)
{
    return !text.isEmpty() &&
           std::all_of(text.begin(), text.end(), [](QChar c) { return c.isDigit(); });
}

/// Routes shared by /api/token/{group}/{id}... and /api/tokens/{id}...: \a prefix is the path
/// up to the id; \a groupOf gives the group the request is restricted to ("" = any).
void installTokenIdRoutes(Router &router, const AdminRoutes::Guard &guarded, const QString &prefix,
                          QString (*groupOf)(const AdminRequest &))
{
    router.add("PUT", prefix + u"/{id}"_s, guarded([groupOf](AdminService &s, AdminRequest &in) {
                   const qint64 id = in.pathId(u"id"_s);
                   const QJsonObject body = in.object();
                   return in.ok() ? s.updateToken(id, groupOf(in), body) : in.error();
               }));
    router.add("DELETE", prefix + u"/{id}"_s, guarded([groupOf](AdminService &s, AdminRequest &in) {
                   const qint64 id = in.pathId(u"id"_s);
                   return in.ok() ? s.deleteToken(id, groupOf(in)) : in.error();
               }));
    // Single-field updates: {"status": n}, {"name": "..."}.
    for (const QString &field : {u"status"_s, u"name"_s}) {
        router.add("POST", prefix + u"/{id}/"_s + field,
                   guarded([groupOf, field](AdminService &s, AdminRequest &in) {
                       const qint64 id = in.pathId(u"id"_s);
                       const QJsonObject body = in.fields({field});
                       return in.ok() ? s.updateToken(id, groupOf(in), body) : in.error();
                   }));
    }
}

QString pathGroup(const AdminRequest &in)
{
    return in.path(u"group"_s);
}

QString anyGroup(const AdminRequest &)
{
    return {};
}

} // namespace

void AdminRoutes::installTokenRoutes(Router &router, const Guard &guarded)
{
    // One group. "search" and "batch_delete" are registered before the {id} routes.
    router.add("POST", u"/api/token/{group}"_s, guarded([](AdminService &s, AdminRequest &in) {
                   const QJsonObject body = in.object();
                   return in.ok()
                              ? s.createToken(pathGroup(in), body, in.flag(u"auto_create_group"_s),
                                              in.flag(u"ignore_exist"_s))
                              : in.error();
               }));
    router.add("GET", u"/api/token/{group}/search"_s,
               guarded([](AdminService &s, AdminRequest &in) {
                   return s.listTokens(tokenFilter(in, true, pathGroup(in)), in.page());
               }));
    router.add("POST", u"/api/token/{group}/batch_delete"_s,
               guarded([](AdminService &s, AdminRequest &in) {
                   const QList<qint64> ids = in.ids();
                   return in.ok() ? s.deleteTokens(ids, pathGroup(in)) : in.error();
               }));
    router.add("GET", u"/api/token/{group}/{id}"_s, guarded([](AdminService &s, AdminRequest &in) {
                   const qint64 id = in.pathId(u"id"_s);
                   return in.ok() ? s.token(id, pathGroup(in)) : in.error();
               }));
    installTokenIdRoutes(router, guarded, u"/api/token/{group}"_s, pathGroup);

    // All groups.
    router.add("GET", u"/api/tokens/"_s, guarded([](AdminService &s, AdminRequest &in) {
                   return s.listTokens(tokenFilter(in, false, in.text(u"group"_s)), in.page());
               }));
    router.add("GET", u"/api/tokens/search"_s, guarded([](AdminService &s, AdminRequest &in) {
                   return s.listTokens(tokenFilter(in, true, in.text(u"group"_s)), in.page());
               }));
    router.add("POST", u"/api/tokens/batch_delete"_s,
               guarded([](AdminService &s, AdminRequest &in) {
                   const QList<qint64> ids = in.ids();
                   return in.ok() ? s.deleteTokens(ids) : in.error();
               }));
    // aiproxy registers both GET /api/tokens/{id} and GET /api/tokens/{group} (the group's
    // tokens). They collide; an all-digits segment is taken as a token id, anything else as a
    // group. (A group whose id is all digits is listed through /api/tokens/?group= instead.)
    router.add("GET", u"/api/tokens/{ref}"_s, guarded([](AdminService &s, AdminRequest &in) {
                   const QString ref = in.path(u"ref"_s);
                   if (isAllDigits(ref)) {
                       const qint64 id = in.pathId(u"ref"_s);
                       return in.ok() ? s.token(id) : in.error();
                   }
                   return s.listTokens(tokenFilter(in, false, ref), in.page());
               }));
    installTokenIdRoutes(router, guarded, u"/api/tokens"_s, anyGroup);
}
