// aiproxy-mock-upstream: the tests' mock OpenAI (and Anthropic Messages, Ollama, Cohere v2)
// upstream as a standalone server, for manual use (curl, the benchmarks). Prints the port it
// listens on, then serves until killed.
#include "mockupstream.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTextStream>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("aiproxy-mock-upstream"));
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Mock OpenAI upstream, also speaking Anthropic's Messages API on /v1/messages, Ollama's "
        "on /api/chat and /api/embed and Cohere's v2 on /v2/chat, /v2/embed and /v2/rerank. "
        "Models named error-<status>, error-text-<status>, slow-first-byte, drop-mid-stream, "
        "hang (or, on /v1/messages, /api/chat and /v2/chat, error-event-mid-stream) select a "
        "fault; any other model answers normally. GET /mock/stats counts the requests received "
        "by Authorization header (?requests=1 adds the log of every request)."));
    parser.addHelpOption();
    const QCommandLineOption hostOption(QStringLiteral("host"),
                                        QStringLiteral("Address to listen on."),
                                        QStringLiteral("address"), QStringLiteral("127.0.0.1"));
    const QCommandLineOption portOption(QStringLiteral("port"),
                                        QStringLiteral("Port (0: any free port)."),
                                        QStringLiteral("port"), QStringLiteral("0"));
    const QCommandLineOption delayOption(QStringLiteral("event-delay-ms"),
                                         QStringLiteral("Delay between stream events."),
                                         QStringLiteral("ms"), QStringLiteral("0"));
    const QCommandLineOption firstByteOption(
        QStringLiteral("first-byte-delay-ms"),
        QStringLiteral("Delay of the slow-first-byte scenario."), QStringLiteral("ms"),
        QStringLiteral("500"));
    const QCommandLineOption keyOption(
        QStringLiteral("api-key"),
        QStringLiteral("Require 'Authorization: Bearer <key>' (Anthropic: 'x-api-key'; Ollama "
                       "needs none unless this is set)."),
        QStringLiteral("key"));
    parser.addOptions({hostOption, portOption, delayOption, firstByteOption, keyOption});
    parser.process(app);

    MockUpstream mock;
    mock.setEventDelayMs(parser.value(delayOption).toInt());
    mock.setFirstByteDelayMs(parser.value(firstByteOption).toInt());
    if (parser.isSet(keyOption))
        mock.setRequiredApiKey(parser.value(keyOption).toUtf8());
    const QHostAddress address(parser.value(hostOption));
    if (address.isNull() || !mock.start(address, quint16(parser.value(portOption).toUInt()))) {
        QTextStream(stderr) << "aiproxy-mock-upstream: cannot listen on "
                            << parser.value(hostOption) << ':' << parser.value(portOption) << '\n';
        return 1;
    }
    QTextStream(stdout) << mock.port() << Qt::endl;
    QTextStream(stderr) << "mock OpenAI upstream: base_url http://" << address.toString() << ':'
                        << mock.port() << "/v1\n";
    return app.exec();
}
