// Balance APIs as data: where each OpenAI-compatible preset's balance query goes, and how
// ProviderPresets::BalanceApi reads the number from an answer (paths, element filters,
// alternatives, subtraction, scale, numbers as strings).

#include "gateway/providerpresets.h"
#include "model/channel.h"
#include "providers/providerregistry.h"

#include <QtTest>

namespace {

std::optional<double> read(const ProviderPresets::BalanceApi &api, const QByteArray &answer,
                           QString *error)
{
    return api.read(answer, error);
}

} // namespace

class TstBalanceApi : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void requestUrls()
    {
        const QList<std::tuple<int, QString, QByteArray>> cases = {
            // Relative to the base URL's origin: DeepSeek's /v1 is not part of it.
            {36, QString(), "https://api.deepseek.com/user/balance"},
            {36, QStringLiteral("https://proxy.example/deepseek/v1/"),
             "https://proxy.example/user/balance"},
            {43, QString(), "https://api.siliconflow.cn/v1/user/info"},
            {25, QString(), "https://api.moonshot.cn/v1/users/me/balance"},
            {20, QString(), "https://openrouter.ai/api/v1/credits"},
            {32, QString(), "https://api.stepfun.com/v1/accounts"},
            {41, QString(), "https://api.novita.ai/openapi/v1/billing/balance/detail"},
        };
        for (const auto &[type, baseUrl, url] : cases) {
            Channel channel;
            channel.type = type;
            channel.baseUrl = baseUrl;
            channel.key = QStringLiteral("sk-balance");
            const std::optional<UpstreamRequest> request =
                ProviderRegistry::instance().forType(type)->balanceRequest(channel);
            QVERIFY2(request, qPrintable(QString::number(type)));
            QCOMPARE(request->method, QByteArray("GET"));
            QCOMPARE(request->url, url);
            QVERIFY(request->headers.contains("Authorization: Bearer sk-balance"));
        }
        // Providers without a balance API: none is sent, parseBalance() says why.
        for (int type : {1, 14, 17, 24}) {
            Channel channel;
            channel.type = type;
            const ProviderAdaptor *adaptor = ProviderRegistry::instance().forType(type);
            QVERIFY(!adaptor->balanceRequest(channel));
            QString error;
            QVERIFY(!adaptor->parseBalance(channel, "{}", &error));
            QCOMPARE(error, QStringLiteral("the provider has no balance API"));
        }
    }

    void readsTheNumber()
    {
        ProviderPresets::BalanceApi api;
        QString error;
        api.value = {QStringLiteral("data.available")};
        QCOMPARE(read(api, R"({"data":{"available":12.5}})", &error), 12.5);
        QCOMPARE(read(api, R"({"data":{"available":"7.25"}})", &error), 7.25);

        api.value = {QStringLiteral("items[1].amount")};
        QCOMPARE(read(api, R"({"items":[{"amount":1},{"amount":2}]})", &error), 2.0);

        // A filtered element, else the first one.
        api.value = {QStringLiteral("infos[currency=CNY].total"), QStringLiteral("infos[0].total")};
        QCOMPARE(
            read(api,
                 R"({"infos":[{"currency":"USD","total":"3"},{"currency":"CNY","total":"9"}]})",
                 &error),
            9.0);
        QCOMPARE(read(api, R"({"infos":[{"currency":"USD","total":"3"}]})", &error), 3.0);

        api.value = {QStringLiteral("data.total_credits")};
        api.minus = QStringLiteral("data.total_usage");
        QCOMPARE(read(api, R"({"data":{"total_credits":10,"total_usage":2.5}})", &error), 7.5);

        api.value = {QStringLiteral("availableBalance")};
        api.minus.clear();
        api.scale = 0.0001;
        QCOMPARE(read(api, R"({"availableBalance":"250000"})", &error), 25.0);
    }

    void missingNumbersAreErrors()
    {
        ProviderPresets::BalanceApi api;
        api.value = {QStringLiteral("data.balance")};
        QString error;
        QVERIFY(!read(api, "not json", &error));
        QCOMPARE(error, QStringLiteral("the balance answer is not a JSON object"));
        for (const QByteArray &answer :
             {QByteArray(R"({"data":{}})"), QByteArray(R"({"data":{"balance":"n/a"}})"),
              QByteArray(R"({"data":[1]})"), QByteArray(R"({"error":{"message":"no"}})")}) {
            error.clear();
            QVERIFY2(!read(api, answer, &error), answer.constData());
            QCOMPARE(error, QStringLiteral("the balance answer has no number at data.balance"));
        }
        api.minus = QStringLiteral("data.used");
        error.clear();
        QVERIFY(!read(api, R"({"data":{"balance":5}})", &error));
        QCOMPARE(error, QStringLiteral("the balance answer has no number at data.used"));
    }
};

QTEST_GUILESS_MAIN(TstBalanceApi)
#include "tst_balanceapi.moc"
