// Admin API: /api/model_config/{*model} and /api/model_configs/...
#include "arearoutes.h"
#include "storage/modelconfigrepository.h"

using namespace Qt::StringLiterals;

namespace {

ModelConfigFilter modelConfigFilter(const AdminRequest &in, bool search)
{
    ModelConfigFilter filter;
    filter.model = in.text(u"model"_s);
    if (search) {
        filter.keyword = in.text(u"keyword"_s);
        filter.owner = in.text(u"owner"_s);
    }
    return filter;
}

} // namespace

void AdminRoutes::installModelConfigRoutes(Router &router, const Guard &guarded)
{
    router.add("GET", u"/api/model_configs/all"_s,
               guarded([](AdminService &s, AdminRequest &) { return s.allModelConfigs(); }));
    router.add("GET", u"/api/model_configs/search"_s,
               guarded([](AdminService &s, AdminRequest &in) {
                   return s.listModelConfigs(modelConfigFilter(in, true), in.page());
               }));
    router.add("GET", u"/api/model_configs/"_s, guarded([](AdminService &s, AdminRequest &in) {
                   return s.listModelConfigs(modelConfigFilter(in, false), in.page());
               }));
    router.add("POST", u"/api/model_configs/"_s, guarded([](AdminService &s, AdminRequest &in) {
                   const QJsonArray body = in.array();
                   return in.ok() ? s.saveModelConfigs(body) : in.error();
               }));
    router.add("POST", u"/api/model_configs/batch_delete"_s,
               guarded([](AdminService &s, AdminRequest &in) {
                   const QStringList models = in.strings();
                   return in.ok() ? s.deleteModelConfigs(models) : in.error();
               }));
    // aiproxy's body is {"models": [...]}; a plain array is accepted as well.
    router.add("POST", u"/api/model_configs/contains"_s,
               guarded([](AdminService &s, AdminRequest &in) {
                   const QStringList models = in.strings(u"models"_s);
                   return in.ok() ? s.modelConfigsContaining(models) : in.error();
               }));

    // Model names may contain slashes (deepseek-ai/DeepSeek-V3): {*model} takes the rest.
    router.add("GET", u"/api/model_config/{*model}"_s,
               guarded([](AdminService &s, AdminRequest &in) {
                   return s.modelConfig(in.path(u"model"_s));
               }));
    router.add("POST", u"/api/model_config/{*model}"_s,
               guarded([](AdminService &s, AdminRequest &in) {
                   const QJsonObject body = in.object();
                   return in.ok() ? s.saveModelConfig(in.path(u"model"_s), body) : in.error();
               }));
    router.add("DELETE", u"/api/model_config/{*model}"_s,
               guarded([](AdminService &s, AdminRequest &in) {
                   return s.deleteModelConfig(in.path(u"model"_s));
               }));
}
