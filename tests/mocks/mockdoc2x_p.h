#pragma once

// Internal to the mock upstream library: Doc2x's v2 PDF API (mockdoc2x.cpp), what a channel of
// type 46 calls.

#include "mockupstream.h"
#include "mockwire_p.h"

#include <QHash>

namespace MockWire {

/// Parse tasks the Doc2x mock created (owned by MockUpstream, used under its mutex).
struct Doc2xTasks
{
    struct Task
    {
        QByteArray scenario;
        int pages = 1;
        int statusCalls = 0;
    };
    QHash<QByteArray, Task> byUid;
    int created = 0;
};

/// POST /api/v2/parse/pdf and GET /api/v2/parse/status.
bool isDoc2xPath(const QByteArray &path);
/// The scenario an upload asks for: the value of a `%mock-scenario:<name>` comment line in the
/// PDF (empty when there is none or the request is not an upload).
QByteArray doc2xScenario(const MockUpstream::Request &request);

/// The answer to \a request (see MockUpstream for the behaviour). Every answer is compact JSON,
/// `{"code":"success","data":{…}}` or `{"code":"<error code>","msg":"…"}`.
Reply doc2xReply(const MockUpstream::Request &request, const QByteArray &path,
                 const QByteArray &scenario, const QByteArray &requiredKey, Doc2xTasks *tasks);

} // namespace MockWire
