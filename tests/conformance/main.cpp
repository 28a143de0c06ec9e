// aiproxy-conformance-server: the mock upstream plus a gateway (SQLite in a temporary DATA_DIR)
// seeded with one OpenAI channel, a token and model configs, for SDK conformance tests.
//
// Prints one JSON line {"base_url":"http://127.0.0.1:PORT/v1","api_key":"sk-..."} on stdout
// once it serves, and exits when its stdin is closed.
#include "mockupstream.h"
#include "relayseed.h"
#include "testgateway.h"

#include "gateway/gatewaycore.h"
#include "storage/database.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>
#include <QThread>

#include <unistd.h>

namespace {

const QString kTokenKey = QStringLiteral("ConformanceToken000000000000000000000000000000001");

/// Models the OpenAI channel serves; each has a model config. The error-* and slow ones select
/// the mock's fault scenarios; the notools ones never call tools (for coding agents).
/// "claude-mock" and "claude-mock-notools" are served by an Anthropic channel,
/// "gemini-mock-notools" by a Gemini channel.
const QStringList kModels = {QStringLiteral("gpt-4o-mini"),
                             QStringLiteral("gpt-4o"),
                             QStringLiteral("gpt-3.5-turbo-instruct"),
                             QStringLiteral("text-embedding-3-small"),
                             QStringLiteral("error-429"),
                             QStringLiteral("error-500"),
                             QStringLiteral("error-401"),
                             QStringLiteral("drop-mid-stream"),
                             QStringLiteral("gpt-4o-mini-notools")};

bool seed(GatewayCore *core, const QString &upstreamBaseUrl, QString *error)
{
    QSqlDatabase db = core->mainDatabase()->connection();
    if (!RelaySeed::insertGroup(db, QStringLiteral("conformance"), error) ||
        !RelaySeed::insertToken(
            db, {1, kTokenKey, QStringLiteral("sdk"), QStringLiteral("conformance"), {}, 1}, error))
        return false;
    RelaySeed::ChannelRow channel;
    channel.id = 1;
    channel.name = QStringLiteral("mock-openai");
    channel.key = QStringLiteral("sk-conformance-channel");
    channel.baseUrl = upstreamBaseUrl;
    channel.models = kModels;
    if (!RelaySeed::insertChannel(db, channel, error))
        return false;
    // An Anthropic channel (type 14) on the same mock, which also speaks Anthropic's API.
    RelaySeed::ChannelRow anthropic = channel;
    anthropic.id = 14;
    anthropic.type = 14;
    anthropic.name = QStringLiteral("mock-anthropic");
    anthropic.models = {QStringLiteral("claude-mock"), QStringLiteral("claude-mock-notools")};
    if (!RelaySeed::insertChannel(db, anthropic, error))
        return false;
    for (const QString &model : anthropic.models) {
        if (!RelaySeed::insertModelConfig(db, model, QStringLiteral("anthropic"), error))
            return false;
    }
    // A Gemini channel (type 24) on the mock's root, for Gemini clients' passthrough.
    RelaySeed::ChannelRow gemini = channel;
    gemini.id = 24;
    gemini.type = 24;
    gemini.name = QStringLiteral("mock-gemini");
    gemini.baseUrl = upstreamBaseUrl.chopped(3); // Without /v1: the adaptor adds /v1beta.
    gemini.models = {QStringLiteral("gemini-mock-notools")};
    if (!RelaySeed::insertChannel(db, gemini, error) ||
        !RelaySeed::insertModelConfig(db, gemini.models.first(), QStringLiteral("google"), error))
        return false;
    for (const QString &model : kModels) {
        if (!RelaySeed::insertModelConfig(db, model, QStringLiteral("openai"), error))
            return false;
    }
    core->reloadSnapshot();
    return true;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QTextStream err(stderr);

    MockUpstream mock;
    if (!mock.start()) {
        err << "aiproxy-conformance-server: the mock upstream could not listen\n";
        return 1;
    }
    TestGateway gateway;
    QString error;
    if (!gateway.start(&error) || !seed(gateway.core(), mock.baseUrl(), &error)) {
        err << "aiproxy-conformance-server: " << error << '\n';
        return 1;
    }

    // Stdin closing (the test runner ending or dying) stops the server.
    QThread *stdinWatcher = QThread::create([] {
        char buffer[256];
        while (::read(STDIN_FILENO, buffer, sizeof buffer) > 0) {
        }
        QMetaObject::invokeMethod(qApp, &QCoreApplication::quit, Qt::QueuedConnection);
    });
    stdinWatcher->start();

    const QJsonObject ready{
        {QStringLiteral("base_url"), gateway.url(QStringLiteral("/v1")).toString()},
        {QStringLiteral("api_key"), QStringLiteral("sk-") + kTokenKey}};
    QTextStream(stdout) << QJsonDocument(ready).toJson(QJsonDocument::Compact) << Qt::endl;

    const int code = app.exec();
    stdinWatcher->wait();
    delete stdinWatcher;
    gateway.stop();
    mock.stop();
    return code;
}
