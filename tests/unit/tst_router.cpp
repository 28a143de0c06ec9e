// Router: segment patterns, captures, {*rest} tails and method mismatches.
#include "http/router.h"

#include <QTest>

namespace {

HttpRequest makeRequest(const QByteArray &method, const QString &path)
{
    HttpRequest request;
    request.method = method;
    request.path = path;
    return request;
}

} // namespace

class TestRouter : public QObject
{
    Q_OBJECT

private:
    /// Runs the route matching \a method \a path; returns the name of the handler that ran, or
    /// "" (and sets \a mismatch) when none matched.
    QString dispatch(const QByteArray &method, const QString &path, bool *mismatch = nullptr,
                     QHash<QString, QString> *params = nullptr)
    {
        HttpRequest request = makeRequest(method, path);
        bool methodMismatch = false;
        const Router::Handler *handler = m_router.match(request, &methodMismatch);
        if (mismatch)
            *mismatch = methodMismatch;
        if (params)
            *params = request.pathParams;
        if (!handler)
            return {};
        m_ran.clear();
        (*handler)(request, nullptr);
        return m_ran;
    }

    Router::Handler named(const QString &name)
    {
        return [this, name](HttpRequest &, HttpExchange *) { m_ran = name; };
    }

    Router m_router;
    QString m_ran;

private Q_SLOTS:
    void initTestCase()
    {
        m_router.add("GET", QStringLiteral("/v1/models"), named(QStringLiteral("models")));
        m_router.add("GET", QStringLiteral("/v1/models/{*model}"), named(QStringLiteral("model")));
        m_router.add("POST", QStringLiteral("/v1/chat/completions"), named(QStringLiteral("chat")));
        m_router.add("POST", QStringLiteral("/v1/engines/{model}/embeddings"),
                     named(QStringLiteral("engine")));
        m_router.add("GET", QStringLiteral("/api/channel/{id}"),
                     named(QStringLiteral("channel-get")));
        m_router.add("PUT", QStringLiteral("/api/channel/{id}"),
                     named(QStringLiteral("channel-put")));
        m_router.add("GET", QStringLiteral("/api/channel/search"),
                     named(QStringLiteral("never"))); // Shadowed.
        m_router.add("GET", QStringLiteral("/files/{dir}/{*rest}"), named(QStringLiteral("files")));
    }

    void staticRoutes()
    {
        QCOMPARE(dispatch("GET", QStringLiteral("/v1/models")), QStringLiteral("models"));
        QCOMPARE(dispatch("POST", QStringLiteral("/v1/chat/completions")), QStringLiteral("chat"));
        // Empty segments are ignored, so a trailing or doubled slash matches too.
        QCOMPARE(dispatch("GET", QStringLiteral("/v1/models/")), QStringLiteral("models"));
        QCOMPARE(dispatch("POST", QStringLiteral("//v1//chat/completions")),
                 QStringLiteral("chat"));
    }

    void segmentsAreComparedExactly()
    {
        bool mismatch = true;
        QCOMPARE(dispatch("POST", QStringLiteral("/v1/chat/completion"), &mismatch), QString());
        QVERIFY(!mismatch);
        QCOMPARE(dispatch("POST", QStringLiteral("/V1/chat/completions"), &mismatch), QString());
        QCOMPARE(dispatch("POST", QStringLiteral("/v1/chat/completions/extra"), &mismatch),
                 QString());
        QCOMPARE(dispatch("POST", QStringLiteral("/v1/chat"), &mismatch), QString());
        QVERIFY(!mismatch);
    }

    void singleSegmentCapture()
    {
        QHash<QString, QString> params;
        QCOMPARE(dispatch("POST", QStringLiteral("/v1/engines/text-embedding-3-small/embeddings"),
                          nullptr, &params),
                 QStringLiteral("engine"));
        QCOMPARE(params.value(QStringLiteral("model")), QStringLiteral("text-embedding-3-small"));
        // One segment only: a slash inside does not match.
        QCOMPARE(dispatch("POST", QStringLiteral("/v1/engines/org/model/embeddings")), QString());
    }

    void restCaptureKeepsSlashes()
    {
        QHash<QString, QString> params;
        QCOMPARE(dispatch("GET", QStringLiteral("/v1/models/gpt-4o"), nullptr, &params),
                 QStringLiteral("model"));
        QCOMPARE(params.value(QStringLiteral("model")), QStringLiteral("gpt-4o"));
        QCOMPARE(dispatch("GET", QStringLiteral("/v1/models/meta-llama/Llama-3.1-8B/v2"), nullptr,
                          &params),
                 QStringLiteral("model"));
        QCOMPARE(params.value(QStringLiteral("model")),
                 QStringLiteral("meta-llama/Llama-3.1-8B/v2"));
        QCOMPARE(dispatch("GET", QStringLiteral("/files/docs/a/b/c.txt"), nullptr, &params),
                 QStringLiteral("files"));
        QCOMPARE(params.value(QStringLiteral("dir")), QStringLiteral("docs"));
        QCOMPARE(params.value(QStringLiteral("rest")), QStringLiteral("a/b/c.txt"));
    }

    void restCaptureNeedsAtLeastOneSegment()
    {
        QCOMPARE(dispatch("GET", QStringLiteral("/files/docs")), QString());
        QCOMPARE(dispatch("GET", QStringLiteral("/files/docs/")), QString());
    }

    void methodMismatch()
    {
        bool mismatch = false;
        QCOMPARE(dispatch("GET", QStringLiteral("/v1/chat/completions"), &mismatch), QString());
        QVERIFY(mismatch);
        QCOMPARE(dispatch("DELETE", QStringLiteral("/api/channel/5"), &mismatch), QString());
        QVERIFY(mismatch);
        QCOMPARE(dispatch("UNKNOWN", QStringLiteral("/v1/models"), &mismatch), QString());
        QVERIFY(mismatch);
    }

    void sameRouteDifferentMethods()
    {
        QHash<QString, QString> params;
        QCOMPARE(dispatch("PUT", QStringLiteral("/api/channel/12"), nullptr, &params),
                 QStringLiteral("channel-put"));
        QCOMPARE(params.value(QStringLiteral("id")), QStringLiteral("12"));
        QCOMPARE(dispatch("GET", QStringLiteral("/api/channel/12")), QStringLiteral("channel-get"));
    }

    void firstRegisteredWins()
    {
        QHash<QString, QString> params;
        QCOMPARE(dispatch("GET", QStringLiteral("/api/channel/search"), nullptr, &params),
                 QStringLiteral("channel-get"));
        QCOMPARE(params.value(QStringLiteral("id")), QStringLiteral("search"));
    }

    void paramsOfFailedCandidatesDoNotLeak()
    {
        QHash<QString, QString> params;
        // "/files/{dir}/{*rest}" is not tried with GET-only captures from other routes.
        QCOMPARE(dispatch("PUT", QStringLiteral("/api/channel/3"), nullptr, &params),
                 QStringLiteral("channel-put"));
        QCOMPARE(params.size(), 1);
    }
};

QTEST_APPLESS_MAIN(TestRouter)
#include "tst_router.moc"
