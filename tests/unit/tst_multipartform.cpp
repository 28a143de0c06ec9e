// MultipartForm: finds form fields of multipart/form-data bodies and rewrites one in place.

#include "http/multipartform.h"

#include <QtTest>

namespace {

const QByteArray kBoundary = "----aiproxyBoundary7MA4YWxkTrZu0gW";

QByteArray body(const QByteArray &model, const QByteArray &fileBytes)
{
    return "--" + kBoundary +
           "\r\n"
           "Content-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n"
           "Content-Type: audio/wav\r\n\r\n" +
           fileBytes + "\r\n--" + kBoundary +
           "\r\n"
           "Content-Disposition: form-data; name=\"model\"\r\n\r\n" +
           model + "\r\n--" + kBoundary +
           "\r\n"
           "Content-Disposition: form-data; name=\"response_format\"\r\n\r\n"
           "json\r\n--" +
           kBoundary + "--\r\n";
}

} // namespace

class TstMultipartForm : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void boundaryFromContentType()
    {
        QCOMPARE(MultipartForm::boundaryOf("multipart/form-data; boundary=abc"), QByteArray("abc"));
        QCOMPARE(MultipartForm::boundaryOf("Multipart/Form-Data; boundary=\"a b\"; charset=x"),
                 QByteArray("a b"));
        QVERIFY(MultipartForm::boundaryOf("application/json").isEmpty());
        QVERIFY(MultipartForm::boundaryOf("multipart/form-data").isEmpty());
    }

    void fieldsAndFiles()
    {
        // The file holds CRLFs and text that looks like a delimiter without the leading CRLF.
        const QByteArray file =
            QByteArray("RIFF\r\n\r\n--") + kBoundary.left(10) + "\0\xff" + "\r\nx";
        const QByteArray raw = body("whisper-1", file);
        MultipartForm form;
        QVERIFY(form.parse(raw, kBoundary));
        QCOMPARE(form.parts().size(), 3);
        QCOMPARE(form.field("model"), QByteArray("whisper-1"));
        QCOMPARE(form.field("response_format"), QByteArray("json"));
        QVERIFY(form.field("file").isEmpty()); // File parts are not plain fields.
        const MultipartForm::Part &filePart = form.parts().first();
        QCOMPARE(filePart.filename, QByteArray("a.wav"));
        QCOMPARE(raw.mid(filePart.valueBegin, filePart.valueEnd - filePart.valueBegin), file);
    }

    void rewriteKeepsEverythingElse()
    {
        const QByteArray file(3000, '\x01');
        const QByteArray raw = body("whisper-1", file);
        MultipartForm form;
        QVERIFY(form.parse(raw, kBoundary));
        const QByteArray rewritten = form.withField("model", "upstream-whisper-large");
        QCOMPARE(rewritten, body("upstream-whisper-large", file));
        QCOMPARE(form.withField("absent", "x"), raw);
    }

    void malformedBodiesAreRejected()
    {
        MultipartForm form;
        QVERIFY(!form.parse("no delimiters here", kBoundary));
        QVERIFY(!form.parse("--" + kBoundary +
                                "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue",
                            kBoundary)); // Never closed.
        QVERIFY(!form.parse(body("m", "x"), QByteArray()));
    }
};

QTEST_GUILESS_MAIN(TstMultipartForm)
#include "tst_multipartform.moc"
