// Admin API: /api/channel/... and /api/channels/...
#include "arearoutes.h"
#include "storage/channelrepository.h"

using namespace Qt::StringLiterals;

namespace {

ChannelFilter channelFilter(const AdminRequest &in, bool search)
{
    ChannelFilter filter;
    if (search)
        filter.keyword = in.text(u"keyword"_s);
    filter.id = in.number(u"id"_s);
    filter.name = in.text(u"name"_s);
    filter.key = in.text(u"key"_s);
    filter.baseUrl = in.text(u"base_url"_s);
    filter.type = int(in.number(u"channel_type"_s));
    filter.order = in.text(u"order"_s);
    return filter;
}

AdminService::ChannelTestOptions testOptions(const AdminRequest &in)
{
    AdminService::ChannelTestOptions options;
    options.successBody = in.flag(u"success_body"_s);
    options.returnSuccess = in.flag(u"return_success"_s);
    options.testDisabled = in.flag(u"test_disabled"_s);
    return options;
}

} // namespace

void AdminRoutes::installChannelRoutes(Router &router, const Guard &guarded,
                                       const AsyncGuard &guardedAsync)
{
    // Tests and balances wait for upstreams: asynchronous use cases.
    router.add("GET", u"/api/channels/test"_s,
               guardedAsync([](AdminService &s, AdminRequest &in, AdminService::Done done) {
                   s.testAllChannels(testOptions(in), std::move(done));
               }));
    router.add("GET", u"/api/channels/update_balance"_s,
               guardedAsync([](AdminService &s, AdminRequest &, AdminService::Done done) {
                   s.updateAllChannelBalances(std::move(done));
               }));
    router.add("GET", u"/api/channel/{id}/test"_s,
               guardedAsync([](AdminService &s, AdminRequest &in, AdminService::Done done) {
                   const qint64 id = in.pathId(u"id"_s);
                   if (!in.ok())
                       return done(in.error());
                   s.testChannel(id, testOptions(in), std::move(done));
               }));
    // Model names may contain slashes (deepseek-ai/DeepSeek-V3): {*model} takes the rest.
    router.add("GET", u"/api/channel/{id}/test/{*model}"_s,
               guardedAsync([](AdminService &s, AdminRequest &in, AdminService::Done done) {
                   const qint64 id = in.pathId(u"id"_s);
                   if (!in.ok())
                       return done(in.error());
                   s.testChannelModel(id, in.path(u"model"_s), testOptions(in), std::move(done));
               }));
    router.add("GET", u"/api/channel/{id}/update_balance"_s,
               guardedAsync([](AdminService &s, AdminRequest &in, AdminService::Done done) {
                   const qint64 id = in.pathId(u"id"_s);
                   if (!in.ok())
                       return done(in.error());
                   s.updateChannelBalance(id, std::move(done));
               }));

    router.add("GET", u"/api/channels/all"_s,
               guarded([](AdminService &s, AdminRequest &) { return s.allChannels(); }));
    router.add("GET", u"/api/channels/type_metas"_s,
               guarded([](AdminService &s, AdminRequest &) { return s.channelTypeMetas(); }));
    router.add("GET", u"/api/channels/search"_s, guarded([](AdminService &s, AdminRequest &in) {
                   return s.listChannels(channelFilter(in, true), in.page());
               }));
    router.add("GET", u"/api/channels/"_s, guarded([](AdminService &s, AdminRequest &in) {
                   return s.listChannels(channelFilter(in, false), in.page());
               }));
    router.add("POST", u"/api/channels/"_s, guarded([](AdminService &s, AdminRequest &in) {
                   const QJsonArray body = in.array();
                   return in.ok() ? s.createChannels(body) : in.error();
               }));
    router.add("POST", u"/api/channels/batch_delete"_s,
               guarded([](AdminService &s, AdminRequest &in) {
                   const QList<qint64> ids = in.ids();
                   return in.ok() ? s.deleteChannels(ids) : in.error();
               }));

    router.add("POST", u"/api/channel/"_s, guarded([](AdminService &s, AdminRequest &in) {
                   const QJsonObject body = in.object();
                   return in.ok() ? s.createChannel(body) : in.error();
               }));
    router.add("GET", u"/api/channel/{id}"_s, guarded([](AdminService &s, AdminRequest &in) {
                   const qint64 id = in.pathId(u"id"_s);
                   return in.ok() ? s.channel(id) : in.error();
               }));
    router.add("PUT", u"/api/channel/{id}"_s, guarded([](AdminService &s, AdminRequest &in) {
                   const qint64 id = in.pathId(u"id"_s);
                   const QJsonObject body = in.object();
                   return in.ok() ? s.updateChannel(id, body) : in.error();
               }));
    router.add("DELETE", u"/api/channel/{id}"_s, guarded([](AdminService &s, AdminRequest &in) {
                   const qint64 id = in.pathId(u"id"_s);
                   return in.ok() ? s.deleteChannel(id) : in.error();
               }));
    router.add("POST", u"/api/channel/{id}/status"_s,
               guarded([](AdminService &s, AdminRequest &in) {
                   const qint64 id = in.pathId(u"id"_s);
                   const QJsonObject body = in.fields({u"status"_s});
                   return in.ok() ? s.updateChannel(id, body) : in.error();
               }));
}
