// Doc2x (channel type 46): PDF parsing only (relay mode ParsePdf). The upload request is
// built here; ParsePdfJob (relay/parsepdfjob) polls the task and answers the client.
//
// Paths: "/parse/pdf" is the upload, POST {base}/api/v2/parse/pdf with the PDF's bytes as the
// body; any other path is one of Doc2x's own ("/api/v2/parse/status?uid=…"), sent as a GET when
// there is no body. Every request carries the channel's key as a Bearer token. Doc2x answers
// `{"code":"success","data":{…}}`, errors as `{"code":"<error code>","msg":"…"}`.

#include "provideradaptor.h"

#include <QJsonDocument>

namespace {

class Doc2xAdaptor final : public ProviderAdaptor
{
public:
    QByteArray nativeProtocol() const override { return "doc2x"; }
    bool supports(RelayMode mode) const override { return mode == RelayMode::ParsePdf; }
    QString defaultBaseUrl(int) const override
    {
        return QStringLiteral("https://v2.doc2x.noedgeai.com");
    }
    UpstreamRequest buildRequest(const Channel &channel, const QByteArray &path, const QString &,
                                 const QByteArray &nativeBody, bool) const override
    {
        const bool upload = path == "/parse/pdf";
        UpstreamRequest request;
        request.url = baseUrl(channel) + (upload ? QByteArray("/api/v2/parse/pdf") : path);
        request.method = upload || !nativeBody.isEmpty() ? "POST" : "GET";
        request.body = nativeBody;
        request.headers = {"Authorization: Bearer " + channel.key.toUtf8(),
                           "Accept: application/json"};
        if (upload)
            request.headers.append("Content-Type: application/pdf");
        return request;
    }
    QJsonObject fromOpenAIRequest(const QJsonObject &, QString *error) const override
    {
        *error = QStringLiteral("Doc2x channels only parse PDFs (/v1/parse/pdf)");
        return {};
    }
    QJsonObject toOpenAIResponse(const QJsonObject &, const QString &) const override { return {}; }
    std::unique_ptr<StreamDecoder> newStreamDecoder(const QString &) const override
    {
        return nullptr;
    }
    QString errorMessage(const QByteArray &body) const override
    {
        const QJsonObject error = QJsonDocument::fromJson(body).object();
        const QString code = error.value(QStringLiteral("code")).toString();
        const QString message = error.value(QStringLiteral("msg")).toString();
        if (code.isEmpty() || code == QLatin1String("success"))
            return message;
        return message.isEmpty() ? code : QStringLiteral("%1 (%2)").arg(message, code);
    }
};

} // namespace

std::shared_ptr<const ProviderAdaptor> makeDoc2xAdaptor()
{
    return std::make_shared<Doc2xAdaptor>();
}
