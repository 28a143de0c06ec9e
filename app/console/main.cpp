// aiproxy: the headless gateway service.

#include "config/gatewayconfig.h"
#include "gateway/gatewaycore.h"
#include "storage/logwriter.h"

#include <QCoreApplication>
#include <QSocketNotifier>
#include <QTextStream>

#include <csignal>
#include <sys/socket.h>
#include <unistd.h>

namespace {

int g_signalPipe[2] = {-1, -1};

void onSignal(int)
{
    const char byte = 1;
    [[maybe_unused]] const auto written = ::write(g_signalPipe[1], &byte, 1);
}

} // namespace

int main(int argc, char *argv[])
{
    // Qt's own UNIX event dispatcher is measurably faster than the GLib one for this
    // socket-heavy service (benchmark in the README).
    if (qEnvironmentVariableIsEmpty("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("aiproxy"));
    QCoreApplication::setApplicationVersion(QStringLiteral(AIPROXY_VERSION));
    QTextStream out(stdout);
    QTextStream err(stderr);

    const ConfigLoader::Result loaded =
        ConfigLoader::load(app.arguments(), ConfigLoader::processEnvironment());
    if (loaded.showHelp) {
        out << loaded.helpText;
        return 0;
    }
    if (loaded.showVersion) {
        out << "aiproxy " << AIPROXY_VERSION << Qt::endl;
        return 0;
    }
    if (!loaded.errors.isEmpty()) {
        for (const QString &error : loaded.errors)
            err << "configuration error: " << error << Qt::endl;
        return 2;
    }

    GatewayCore core(loaded.config);
    QString error;
    if (!core.start(&error)) {
        err << "aiproxy: cannot start: " << error << Qt::endl;
        return 1;
    }
    const GatewayConfig &config = core.config();
    if (config.adminKeyGenerated)
        out << "Generated ADMIN_KEY (stored in " << config.dataDir
            << "/.env.aiproxy.local): " << config.adminKey << Qt::endl;
    out << "aiproxy " << AIPROXY_VERSION << " listening on "
        << (config.listenAddress.protocol() == QAbstractSocket::IPv6Protocol
                ? "[" + config.listenAddress.toString() + "]"
                : config.listenAddress.toString())
        << ":" << core.port() << " with " << config.effectiveWorkerThreads()
        << " worker threads, database "
        << (config.sqlDsn.isEmpty() ? "sqlite:" + config.resolvedSqlitePath()
                                    : QStringLiteral("postgres"))
        << Qt::endl;

    // SIGINT/SIGTERM → graceful drain, through a self-pipe so the handler stays async-safe.
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalPipe) == 0) {
        struct sigaction action
        {
        };
        action.sa_handler = onSignal;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_RESTART;
        sigaction(SIGINT, &action, nullptr);
        sigaction(SIGTERM, &action, nullptr);
    }
    std::signal(SIGPIPE, SIG_IGN);
    QSocketNotifier notifier(g_signalPipe[0], QSocketNotifier::Read);
    QObject::connect(&notifier, &QSocketNotifier::activated, &app, [&] {
        char byte = 0;
        [[maybe_unused]] const auto readBytes = ::read(g_signalPipe[0], &byte, 1);
        notifier.setEnabled(false);
        out << "aiproxy: shutting down, draining " << core.activeRequests()
            << " in-flight requests (up to " << config.shutdownTimeoutSec << " s)" << Qt::endl;
        core.stop(config.shutdownTimeoutSec * 1000);
        out << "aiproxy: stopped; " << core.logWriter()->writtenCount() << " log rows written"
            << Qt::endl;
        app.quit();
    });
    return app.exec();
}
