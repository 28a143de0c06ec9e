// OpenAI → Gemini requests (chat and embeddings). Answers: openaigeminiresponse.cpp.
#include "openaigemini.h"

#include "conversionutil.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUrl>

namespace OpenAIGemini {

namespace {

using ConversionUtil::positiveInteger;
using ConversionUtil::str;

QString where(const QString &base, const char *field)
{
    return base + QLatin1Char('.') + str(field);
}

QString where(const QString &base, qsizetype index)
{
    return base + QLatin1Char('.') + QString::number(index);
}

QJsonObject textPart(const QString &text)
{
    return QJsonObject{{str("text"), text}};
}

QJsonObject inlineData(const QString &mimeType, const QString &base64)
{
    return QJsonObject{
        {str("inlineData"), QJsonObject{{str("mimeType"), mimeType}, {str("data"), base64}}}};
}

/// A data URL's payload as base64 (percent-decoded and encoded when it was not base64).
QString base64Payload(const ConversionUtil::DataUrl &data)
{
    if (data.isBase64)
        return data.data;
    return QString::fromLatin1(QUrl::fromPercentEncoding(data.data.toUtf8()).toUtf8().toBase64());
}

/// The mimeType Gemini needs for a remote image URL, from its path's extension.
QString mimeTypeOfUrl(const QString &url)
{
    const QString path = QUrl(url).path().toLower();
    static const QList<QPair<const char *, const char *>> byExtension = {
        {".png", "image/png"},   {".jpg", "image/jpeg"},      {".jpeg", "image/jpeg"},
        {".webp", "image/webp"}, {".gif", "image/gif"},       {".heic", "image/heic"},
        {".heif", "image/heif"}, {".pdf", "application/pdf"},
    };
    for (const auto &[extension, mimeType] : byExtension) {
        if (path.endsWith(QLatin1String(extension)))
            return str(mimeType);
    }
    return str("image/jpeg");
}

QJsonObject imagePart(const QJsonObject &part, const QString &at, QString *error)
{
    const QJsonValue imageUrl = part.value(str("image_url"));
    const QString url = imageUrl.isString() ? imageUrl.toString()
                                            : imageUrl.toObject().value(str("url")).toString();
    if (const auto data = ConversionUtil::parseDataUrl(url)) {
        if (data->mediaType.isEmpty()) {
            *error = at + str(".image_url.url: the data URL has no media type");
            return {};
        }
        return inlineData(data->mediaType, base64Payload(*data));
    }
    if (url.startsWith(str("https://")) || url.startsWith(str("http://")))
        return QJsonObject{{str("fileData"), QJsonObject{{str("mimeType"), mimeTypeOfUrl(url)},
                                                         {str("fileUri"), url}}}};
    *error = at + str(".image_url.url: must be an http(s) URL or a data URL");
    return {};
}

QJsonObject filePart(const QJsonObject &part, const QString &at, QString *error)
{
    const QJsonObject file = part.value(str("file")).toObject();
    const auto data = ConversionUtil::parseDataUrl(file.value(str("file_data")).toString());
    if (data && !data->mediaType.isEmpty())
        return inlineData(data->mediaType, base64Payload(*data));
    if (file.contains(str("file_id")) && !data) {
        *error = at + str(".file.file_id: uploaded OpenAI files cannot be sent to a Gemini "
                          "channel; send file_data instead");
        return {};
    }
    *error = at + str(".file.file_data: must be a data URL with a media type");
    return {};
}

QJsonObject audioPart(const QJsonObject &part, const QString &at, QString *error)
{
    const QJsonObject audio = part.value(str("input_audio")).toObject();
    const QString format = audio.value(str("format")).toString();
    const QString data = audio.value(str("data")).toString();
    if (format.isEmpty() || data.isEmpty()) {
        *error = at + str(".input_audio: data and format are required");
        return {};
    }
    return inlineData(str("audio/") + format.toLower(), data);
}

/// Appends the parts of an OpenAI `content` value (string or parts) at \a at. Empty texts are
/// skipped; \a allowMedia admits image, file and audio parts.
bool appendContent(const QJsonValue &content, const QString &at, bool allowMedia, QJsonArray *parts,
                   QString *error)
{
    return ConversionUtil::visitContentParts(
        content, at,
        [&](const QJsonObject &part, const QString &partAt) {
            const QString type = part.value(str("type")).toString();
            QJsonObject converted;
            if (type == str("text") || type == str("refusal")) {
                const QString text = part.value(type).toString();
                if (text.isEmpty())
                    return true;
                converted = textPart(text);
            } else if (type == str("image_url") && allowMedia) {
                converted = imagePart(part, partAt, error);
            } else if (type == str("file") && allowMedia) {
                converted = filePart(part, partAt, error);
            } else if (type == str("input_audio") && allowMedia) {
                converted = audioPart(part, partAt, error);
            } else {
                *error = partAt + str(".type: unsupported content part type '") + type +
                         QLatin1Char('\'');
                return false;
            }
            if (converted.isEmpty())
                return false;
            parts->append(converted);
            return true;
        },
        error);
}

/// The text of a tool message's content (parts joined).
QString toolText(const QJsonValue &content)
{
    if (!content.isArray())
        return content.toString();
    QString text;
    for (const QJsonValue &part : content.toArray())
        text += part.toObject().value(str("text")).toString();
    return text;
}

/// functionResponse.response: an object, as Gemini requires.
QJsonObject toolResponse(const QJsonValue &content)
{
    if (content.isObject())
        return content.toObject();
    const QString text = toolText(content);
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(text.toUtf8(), &parseError);
    if (parseError.error == QJsonParseError::NoError && document.isObject())
        return document.object();
    if (parseError.error == QJsonParseError::NoError && document.isArray())
        return QJsonObject{{str("content"), document.array()}};
    // Scalars: QJsonDocument reads only objects and arrays; wrap the scalar in one to parse it.
    const QJsonDocument wrapped = QJsonDocument::fromJson("[" + text.toUtf8() + "]", &parseError);
    if (!text.trimmed().isEmpty() && parseError.error == QJsonParseError::NoError &&
        wrapped.array().size() == 1)
        return QJsonObject{{str("content"), wrapped.array().first()}};
    return QJsonObject{{str("content"), text}};
}

/// Assistant tool calls → functionCall parts; remembers each call's name by id in \a names.
bool appendToolCalls(const QJsonObject &message, const QString &at, QJsonArray *parts,
                     QHash<QString, QString> *names, QString *error)
{
    const QJsonArray calls = message.value(str("tool_calls")).toArray();
    bool anySigned = false;
    const qsizetype first = parts->size();
    for (qsizetype i = 0; i < calls.size(); ++i) {
        const QJsonObject call = calls.at(i).toObject();
        const QJsonObject function = call.value(str("function")).toObject();
        const QString name = function.value(str("name")).toString();
        if (name.isEmpty()) {
            *error = where(where(at, "tool_calls"), i) + str(": a function call needs a name");
            return false;
        }
        const QString id = call.value(str("id")).toString();
        if (!id.isEmpty())
            names->insert(id, name);
        QJsonObject part{
            {str("functionCall"),
             QJsonObject{{str("name"), name},
                         {str("args"), ConversionUtil::toolInputFromArguments(
                                           function.value(str("arguments")).toString())}}}};
        const QString signature = call.value(str("extra_content"))
                                      .toObject()
                                      .value(str("google"))
                                      .toObject()
                                      .value(str("thought_signature"))
                                      .toString();
        if (!signature.isEmpty()) {
            part.insert(str("thoughtSignature"), signature);
            anySigned = true;
        }
        parts->append(part);
    }
    if (!calls.isEmpty() && !anySigned) {
        QJsonObject part = parts->at(first).toObject();
        part.insert(str("thoughtSignature"), str(kSkipThoughtSignature));
        parts->replace(first, part);
    }
    return true;
}

/// One Gemini content being built; consecutive messages of its role are merged into it.
struct Turn
{
    QString role;
    QJsonArray parts;
};

void appendToTurns(const QString &role, const QJsonArray &parts, QList<Turn> *turns)
{
    if (parts.isEmpty())
        return;
    if (turns->isEmpty() || turns->last().role != role)
        turns->append(Turn{role, {}});
    for (const QJsonValue &part : parts)
        turns->last().parts.append(part);
}

bool convertMessages(const QJsonArray &input, QJsonObject *out, QString *error)
{
    QJsonArray system;
    QList<Turn> turns;
    QHash<QString, QString> callNames;
    for (qsizetype i = 0; i < input.size(); ++i) {
        const QJsonObject message = input.at(i).toObject();
        const QString at = where(str("messages"), i);
        const QString role = message.value(str("role")).toString();
        const QJsonValue content = message.value(str("content"));
        QJsonArray parts;
        if (role == str("system") || role == str("developer")) {
            if (!appendContent(content, where(at, "content"), false, &system, error))
                return false;
            continue;
        }
        if (role == str("user")) {
            if (!appendContent(content, where(at, "content"), true, &parts, error))
                return false;
            appendToTurns(str("user"), parts, &turns);
        } else if (role == str("assistant")) {
            if (!appendContent(content, where(at, "content"), false, &parts, error) ||
                !appendToolCalls(message, at, &parts, &callNames, error))
                return false;
            appendToTurns(str("model"), parts, &turns);
        } else if (role == str("tool")) {
            const QString id = message.value(str("tool_call_id")).toString();
            QString name = callNames.value(id);
            if (name.isEmpty())
                name = message.value(str("name")).toString();
            if (name.isEmpty()) {
                *error = where(at, "tool_call_id") +
                         str(": no earlier assistant tool call has the id '") + id +
                         QLatin1Char('\'');
                return false;
            }
            parts.append(QJsonObject{
                {str("functionResponse"),
                 QJsonObject{{str("name"), name}, {str("response"), toolResponse(content)}}}});
            appendToTurns(str("user"), parts, &turns);
        } else {
            *error =
                where(at, "role") + str(": must be system, developer, user, assistant or tool");
            return false;
        }
    }
    if (!system.isEmpty())
        out->insert(str("systemInstruction"), QJsonObject{{str("parts"), system}});
    QJsonArray contents;
    for (const Turn &turn : std::as_const(turns))
        contents.append(QJsonObject{{str("role"), turn.role}, {str("parts"), turn.parts}});
    out->insert(str("contents"), contents);
    return true;
}

bool convertTools(const QJsonObject &request, QJsonObject *out, QString *error)
{
    QJsonArray declarations;
    const QJsonArray input = request.value(str("tools")).toArray();
    for (qsizetype i = 0; i < input.size(); ++i) {
        const QJsonObject tool = input.at(i).toObject();
        const QJsonObject function = ConversionUtil::functionOfTool(tool, i, error);
        if (function.isEmpty())
            return false;
        const QString name = function.value(str("name")).toString();
        QJsonObject declaration{{str("name"), name}};
        const QString description = function.value(str("description")).toString();
        if (!description.isEmpty())
            declaration.insert(str("description"), description);
        if (function.value(str("parameters")).isObject())
            declaration.insert(str("parametersJsonSchema"), function.value(str("parameters")));
        declarations.append(declaration);
    }
    if (declarations.isEmpty())
        return true; // A tool_choice without tools means nothing to Gemini.
    out->insert(str("tools"), QJsonArray{QJsonObject{{str("functionDeclarations"), declarations}}});

    const QJsonValue choice = request.value(str("tool_choice"));
    const QString named = choice.toString();
    const QString function =
        choice.toObject().value(str("function")).toObject().value(str("name")).toString();
    QJsonObject config;
    if (choice.isUndefined() || choice.isNull()) {
        return true;
    } else if (named == str("auto")) {
        config = {{str("mode"), str("AUTO")}};
    } else if (named == str("none")) {
        config = {{str("mode"), str("NONE")}};
    } else if (named == str("required")) {
        config = {{str("mode"), str("ANY")}};
    } else if (choice.toObject().value(str("type")).toString() == str("function") &&
               !function.isEmpty()) {
        config = {{str("mode"), str("ANY")}, {str("allowedFunctionNames"), QJsonArray{function}}};
    } else {
        *error = str("tool_choice: must be auto, none, required or "
                     "{\"type\":\"function\",\"function\":{\"name\":…}}");
        return false;
    }
    out->insert(str("toolConfig"), QJsonObject{{str("functionCallingConfig"), config}});
    return true;
}

bool convertResponseFormat(const QJsonObject &request, QJsonObject *config, QString *error)
{
    const QJsonValue format = request.value(str("response_format"));
    if (format.isUndefined() || format.isNull())
        return true;
    const QString type = format.toObject().value(str("type")).toString();
    if (type == str("json_schema")) {
        const QJsonValue schema =
            format.toObject().value(str("json_schema")).toObject().value(str("schema"));
        if (!schema.isObject()) {
            *error = str("response_format.json_schema.schema: required object");
            return false;
        }
        config->insert(str("responseMimeType"), str("application/json"));
        config->insert(str("responseJsonSchema"), schema);
    } else if (type == str("json_object")) {
        config->insert(str("responseMimeType"), str("application/json"));
    } else if (type != str("text")) {
        *error = str("response_format.type: must be text, json_object or json_schema");
        return false;
    }
    return true;
}

bool convertGenerationConfig(const QJsonObject &request, QJsonObject *out, QString *error)
{
    QJsonObject config;
    static const QList<QPair<const char *, const char *>> numbers = {
        {"temperature", "temperature"},
        {"top_p", "topP"},
        {"top_k", "topK"},
        {"seed", "seed"},
        {"presence_penalty", "presencePenalty"},
        {"frequency_penalty", "frequencyPenalty"},
    };
    for (const auto &[openai, gemini] : numbers) {
        const QJsonValue value = request.value(QLatin1String(openai));
        if (value.isDouble())
            config.insert(QLatin1String(gemini), value);
    }
    qint64 maxTokens = positiveInteger(request, "max_completion_tokens", error);
    if (maxTokens == 0)
        maxTokens = positiveInteger(request, "max_tokens", error);
    if (maxTokens < 0)
        return false;
    if (maxTokens > 0)
        config.insert(str("maxOutputTokens"), maxTokens);
    const qint64 n = positiveInteger(request, "n", error);
    if (n < 0)
        return false;
    if (n > 1)
        config.insert(str("candidateCount"), n);

    QJsonArray stops;
    const QJsonValue stop = request.value(str("stop"));
    for (const QJsonValue &value : stop.isString() ? QJsonArray{stop} : stop.toArray()) {
        if (!value.toString().isEmpty())
            stops.append(value);
    }
    if (!stops.isEmpty())
        config.insert(str("stopSequences"), stops);
    if (!convertResponseFormat(request, &config, error))
        return false;

    const QJsonValue effort = request.value(str("reasoning_effort"));
    if (!effort.isUndefined() && !effort.isNull()) {
        const qint64 budget = ConversionUtil::thinkingBudgetForEffort(effort.toString());
        if (budget < 0) {
            *error = str("reasoning_effort: must be none, minimal, low, medium, high or xhigh");
            return false;
        }
        QJsonObject thinking{{str("thinkingBudget"), budget}};
        if (budget > 0)
            thinking.insert(str("includeThoughts"), true);
        config.insert(str("thinkingConfig"), thinking);
    }
    if (!config.isEmpty())
        out->insert(str("generationConfig"), config);
    return true;
}

} // namespace

QJsonObject toGeminiRequest(const QJsonObject &request, QString *error)
{
    QString ignored;
    if (!error)
        error = &ignored;
    error->clear();
    if (!request.value(str("messages")).isArray()) {
        *error = str("messages: required array");
        return {};
    }
    QJsonObject out;
    if (!convertMessages(request.value(str("messages")).toArray(), &out, error) ||
        !convertTools(request, &out, error) || !convertGenerationConfig(request, &out, error))
        return {};
    return out;
}

QJsonObject toGeminiEmbeddingsRequest(const QJsonObject &request, const QString &upstreamModel,
                                      QString *error)
{
    QString ignored;
    if (!error)
        error = &ignored;
    error->clear();
    const QJsonValue input = request.value(str("input"));
    QJsonArray texts;
    if (input.isString()) {
        texts.append(input);
    } else if (input.isArray()) {
        texts = input.toArray();
    }
    if (texts.isEmpty()) {
        *error = str("input: required string or array of strings");
        return {};
    }
    const qint64 dimensions = positiveInteger(request, "dimensions", error);
    if (dimensions < 0)
        return {};
    const QString model =
        upstreamModel.startsWith(str("models/")) ? upstreamModel : str("models/") + upstreamModel;
    QJsonArray requests;
    for (qsizetype i = 0; i < texts.size(); ++i) {
        if (!texts.at(i).isString()) {
            *error = where(str("input"), i) +
                     str(": must be a string (token ids cannot be sent to a Gemini channel)");
            return {};
        }
        QJsonObject one{
            {str("model"), model},
            {str("content"),
             QJsonObject{{str("parts"), QJsonArray{textPart(texts.at(i).toString())}}}},
        };
        if (dimensions > 0)
            one.insert(str("outputDimensionality"), dimensions);
        requests.append(one);
    }
    return QJsonObject{{str("requests"), requests}};
}

} // namespace OpenAIGemini
