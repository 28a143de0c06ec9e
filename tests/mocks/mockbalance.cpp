// Providers' account balance answers, in each provider's documented JSON shape.
#include "mockbalance_p.h"

namespace {

const QList<QPair<QByteArray, QByteArray>> &balanceAnswers()
{
    static const QList<QPair<QByteArray, QByteArray>> answers = {
        // DeepSeek: balances per currency as strings; the gateway reads the CNY entry.
        {"/user/balance",
         R"({"is_available":true,"balance_infos":[{"currency":"USD","total_balance":"15.00",)"
         R"("granted_balance":"0.00","topped_up_balance":"15.00"},{"currency":"CNY",)"
         R"("total_balance":"110.00","granted_balance":"10.00","topped_up_balance":"100.00"}]})"},
        // SiliconFlow: gift balance, charged balance and their total, as strings.
        {"/v1/user/info",
         R"({"code":20000,"message":"OK","status":true,"data":{"id":"userid","name":"username",)"
         R"("image":"user_avatar_image_url","email":"user_email_address","isAdmin":false,)"
         R"("balance":"0.88","status":"normal","introduction":"","role":"",)"
         R"("chargeBalance":"88.00","totalBalance":"88.88"}})"},
        // Moonshot: numbers.
        {"/v1/users/me/balance",
         R"({"code":0,"data":{"available_balance":49.58894,"voucher_balance":46.58893,)"
         R"("cash_balance":3.00001},"scode":"0x0","status":true})"},
        // OpenRouter: credits bought and used.
        {"/v1/credits", R"({"data":{"total_credits":100.5,"total_usage":25.75}})"},
        // StepFun.
        {"/v1/accounts",
         R"({"object":"account","type":"prepaid","balance":26.00,"total_cash_balance":0.00,)"
         R"("total_voucher_balance":26.00})"},
        // Novita: amounts in 1/10000 USD, as strings.
        {"/openapi/v1/billing/balance/detail",
         R"({"availableBalance":"1000000","cashBalance":"800000","creditLimit":"200000",)"
         R"("pendingCharges":"0","outstandingInvoices":"0"})"},
    };
    return answers;
}

} // namespace

bool MockWire::isBalancePath(const QByteArray &method, const QByteArray &path)
{
    if (method != "GET")
        return false;
    for (const auto &[answerPath, body] : balanceAnswers()) {
        if (answerPath == path)
            return true;
    }
    return false;
}

MockWire::Reply MockWire::balanceReply(const MockUpstream::Request &request, const QByteArray &path,
                                       const QByteArray &requiredKey)
{
    const QByteArray authorization = request.header("authorization");
    const bool authorized =
        requiredKey.isEmpty()
            ? authorization.size() > 7 && !authorization.startsWith("Bearer sk-invalid")
            : authorization == "Bearer " + requiredKey;
    if (!authorization.startsWith("Bearer ") || !authorized)
        return openAiError(401, "Incorrect API key provided.", "invalid_request_error", "null",
                           "\"invalid_api_key\"");
    Reply reply;
    reply.contentType = "application/json";
    for (const auto &[answerPath, body] : balanceAnswers()) {
        if (answerPath == path)
            reply.body = body;
    }
    return reply;
}
