#include "geminiopenai.h"

#include "conversionutil.h"

#include <QHash>
#include <QJsonDocument>
#include <QStringList>

#include <algorithm>

namespace GeminiOpenAI {

namespace {

using ConversionUtil::str;

QByteArray compact(const QJsonObject &object)
{
    return ConversionUtil::compactJson(object);
}

/// `fooBar` → `foo_bar`.
QString snakeCase(const char *camel)
{
    QString out;
    for (const char *c = camel; *c; ++c) {
        if (*c >= 'A' && *c <= 'Z') {
            out += QLatin1Char('_');
            out += QLatin1Char(char(*c - 'A' + 'a'));
        } else {
            out += QLatin1Char(*c);
        }
    }
    return out;
}

/// Field \a camel of \a object, or its snake_case spelling (the REST API accepts both).
QJsonValue field(const QJsonObject &object, const char *camel)
{
    const QJsonValue value = object.value(QLatin1String(camel));
    if (!value.isUndefined())
        return value;
    return object.value(snakeCase(camel));
}

bool has(const QJsonObject &object, const char *camel)
{
    return !field(object, camel).isUndefined();
}

/// A repeated field: an array as is, a single object as a one-element array, else empty.
QJsonArray list(const QJsonValue &value)
{
    if (value.isArray())
        return value.toArray();
    if (value.isObject())
        return QJsonArray{value};
    return {};
}

bool isList(const QJsonValue &value)
{
    return value.isArray() || value.isObject();
}

QString responseId(const QString &openaiId)
{
    return ConversionUtil::replaceIdPrefix(openaiId, str("chatcmpl-"), QString());
}

QJsonObject textPart(const QString &text)
{
    return ConversionUtil::openAITextPart(text);
}

QJsonObject imagePart(const QString &url)
{
    return ConversionUtil::openAIImagePart(url);
}

QJsonObject filePart(const QString &dataUrl, const QString &filename)
{
    return QJsonObject{
        {str("type"), str("file")},
        {str("file"), QJsonObject{{str("file_data"), dataUrl}, {str("filename"), filename}}}};
}

/// Gemini Schema (OpenAPI subset: upper-case types, `nullable`, `propertyOrdering`) → JSON
/// Schema as OpenAI expects it. Other keywords are kept.
QJsonValue openAISchema(const QJsonValue &schema)
{
    if (!schema.isObject())
        return schema;
    const QJsonObject in = schema.toObject();
    QJsonObject out;
    for (auto it = in.begin(); it != in.end(); ++it) {
        const QString key = it.key();
        const QJsonValue value = it.value();
        if (key == str("propertyOrdering") || key == str("nullable")) {
            continue;
        } else if (key == str("type") && value.isString()) {
            const QString type = value.toString().toLower();
            if (type != str("type_unspecified"))
                out.insert(key, type);
        } else if ((key == str("properties") || key == str("$defs")) && value.isObject()) {
            QJsonObject properties;
            const QJsonObject object = value.toObject();
            for (auto p = object.begin(); p != object.end(); ++p)
                properties.insert(p.key(), openAISchema(p.value()));
            out.insert(key, properties);
        } else if ((key == str("anyOf") || key == str("oneOf") || key == str("allOf") ||
                    key == str("prefixItems")) &&
                   value.isArray()) {
            QJsonArray schemas;
            const QJsonArray array = value.toArray();
            for (const QJsonValue &item : array)
                schemas.append(openAISchema(item));
            out.insert(key, schemas);
        } else if (key == str("items") || key == str("additionalProperties")) {
            out.insert(key, openAISchema(value));
        } else {
            out.insert(key, value);
        }
    }
    if (in.value(str("nullable")).toBool() && out.value(str("type")).isString())
        out.insert(str("type"), QJsonArray{out.value(str("type")), str("null")});
    return out;
}

/// Keys that carry no content of their own; a part with only these is skipped.
bool isMetadataKey(const QString &key)
{
    static const QStringList keys{
        str("thought"),       str("thoughtSignature"), str("thought_signature"),
        str("videoMetadata"), str("video_metadata"),   str("partMetadata"),
        str("part_metadata"), str("mediaResolution"),  str("media_resolution")};
    return keys.contains(key);
}

/// The text a code part reads as; a null string when \a part is not one.
QString codePartText(const QJsonObject &part)
{
    const QJsonObject code = field(part, "executableCode").toObject();
    if (has(part, "executableCode"))
        return str("```") + code.value(str("language")).toString().toLower() + QLatin1Char('\n') +
               code.value(str("code")).toString() + str("\n```");
    if (has(part, "codeExecutionResult")) {
        const QJsonObject result = field(part, "codeExecutionResult").toObject();
        return str("[code execution result: ") + result.value(str("outcome")).toString() +
               str("]\n") + result.value(str("output")).toString();
    }
    return {};
}

/// Appends the OpenAI part for an inlineData, fileData or code part at \a where.
bool appendMediaPart(const QJsonObject &part, const QString &where, QJsonArray *parts,
                     QString *error)
{
    if (has(part, "inlineData")) {
        const QJsonObject blob = field(part, "inlineData").toObject();
        const QString mime = field(blob, "mimeType").toString().trimmed().toLower();
        const QJsonValue data = blob.value(str("data"));
        if (mime.isEmpty() || !data.isString()) {
            *error = where + str(".inlineData: mimeType and base64 data are required");
            return false;
        }
        const QString dataUrl = str("data:") + mime + str(";base64,") + data.toString();
        const QString name = field(blob, "displayName").toString();
        if (mime.startsWith(str("image/"))) {
            parts->append(imagePart(dataUrl));
        } else if (mime == str("application/pdf")) {
            parts->append(filePart(dataUrl, name.isEmpty() ? str("document.pdf") : name));
        } else if (mime == str("audio/wav") || mime == str("audio/x-wav") ||
                   mime == str("audio/mp3") || mime == str("audio/mpeg")) {
            const QString format = mime.endsWith(str("wav")) ? str("wav") : str("mp3");
            parts->append(
                QJsonObject{{str("type"), str("input_audio")},
                            {str("input_audio"), QJsonObject{{str("data"), data.toString()},
                                                             {str("format"), format}}}});
        } else if (mime.startsWith(str("text/"))) {
            const auto decoded = QByteArray::fromBase64Encoding(
                data.toString().toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
            if (!decoded) {
                *error = where + str(".inlineData.data: invalid base64");
                return false;
            }
            parts->append(textPart(QString::fromUtf8(*decoded)));
        } else {
            parts->append(filePart(dataUrl, name.isEmpty() ? str("file") : name));
        }
        return true;
    }
    if (has(part, "fileData")) {
        const QJsonObject file = field(part, "fileData").toObject();
        const QString uri = field(file, "fileUri").toString();
        const QString mime = field(file, "mimeType").toString().trimmed().toLower();
        if (uri.isEmpty()) {
            *error = where + str(".fileData.fileUri: required string");
            return false;
        }
        if (mime.startsWith(str("image/")))
            parts->append(imagePart(uri));
        else
            parts->append(textPart(str("[file: ") + uri +
                                   (mime.isEmpty() ? QString() : str(" (") + mime + str(")")) +
                                   str("]")));
        return true;
    }
    const QString code = codePartText(part);
    if (!code.isNull()) {
        parts->append(textPart(code));
        return true;
    }
    return false;
}

/// Error for a part with none of the known data fields; false (skip) if it only has metadata.
bool unsupportedPart(const QJsonObject &part, const QString &where, QString *error)
{
    for (auto it = part.begin(); it != part.end(); ++it) {
        if (!isMetadataKey(it.key())) {
            *error = where + str(": unsupported part '") + it.key() + QLatin1Char('\'');
            return true;
        }
    }
    return false;
}

/// Conversation state while converting `contents`.
struct ContentsConverter
{
    QJsonArray messages;
    QHash<QString, QStringList> unansweredCalls; ///< Function name → call ids, oldest first.
    int nextCallNumber = 0;
    QString *error = nullptr;

    QString newCallId() { return str("call_") + QString::number(nextCallNumber++); }

    bool userTurn(const QJsonArray &parts, const QString &where);
    bool modelTurn(const QJsonArray &parts, const QString &where);
    bool functionResponse(const QJsonObject &response, const QString &where, QJsonArray *deferred);
};

bool ContentsConverter::functionResponse(const QJsonObject &response, const QString &where,
                                         QJsonArray *deferred)
{
    const QString name = response.value(str("name")).toString();
    if (name.isEmpty()) {
        *error = where + str(".functionResponse.name: required string");
        return false;
    }
    QStringList &pending = unansweredCalls[name];
    QString id = response.value(str("id")).toString();
    if (!id.isEmpty())
        pending.removeOne(id);
    else if (!pending.isEmpty())
        id = pending.takeFirst();
    else
        id = newCallId(); // No matching call: the upstream decides.
    messages.append(QJsonObject{
        {str("role"), str("tool")},
        {str("tool_call_id"), id},
        {str("content"), QString::fromUtf8(compact(response.value(str("response")).toObject()))},
    });
    const QJsonArray mediaParts = list(response.value(str("parts")));
    for (qsizetype i = 0; i < mediaParts.size(); ++i) {
        const QString partWhere = where + str(".functionResponse.parts.") + QString::number(i);
        const QJsonObject part = mediaParts.at(i).toObject();
        if (!appendMediaPart(part, partWhere, deferred, error) &&
            (!error->isEmpty() || unsupportedPart(part, partWhere, error)))
            return false;
    }
    return true;
}

bool ContentsConverter::userTurn(const QJsonArray &parts, const QString &where)
{
    QJsonArray out;
    QJsonArray deferred; // Media from function responses, after the turn's own parts.
    for (qsizetype i = 0; i < parts.size(); ++i) {
        const QJsonObject part = parts.at(i).toObject();
        const QString partWhere = where + str(".parts.") + QString::number(i);
        if (part.value(str("text")).isString()) {
            if (!part.value(str("thought")).toBool())
                out.append(textPart(part.value(str("text")).toString()));
        } else if (has(part, "functionResponse")) {
            if (!functionResponse(field(part, "functionResponse").toObject(), partWhere, &deferred))
                return false;
        } else if (has(part, "functionCall")) {
            *error = partWhere + str(".functionCall: only valid in a model turn");
            return false;
        } else if (!appendMediaPart(part, partWhere, &out, error)) {
            if (!error->isEmpty() || unsupportedPart(part, partWhere, error))
                return false;
        }
    }
    for (const QJsonValue &part : std::as_const(deferred))
        out.append(part);
    if (out.isEmpty())
        return true;
    QJsonObject message{{str("role"), str("user")}};
    if (out.size() == 1 && out.first().toObject().value(str("type")).toString() == str("text"))
        message.insert(str("content"), out.first().toObject().value(str("text")));
    else
        message.insert(str("content"), out);
    messages.append(message);
    return true;
}

bool ContentsConverter::modelTurn(const QJsonArray &parts, const QString &where)
{
    QString text;
    QString reasoning;
    QJsonArray toolCalls;
    for (qsizetype i = 0; i < parts.size(); ++i) {
        const QJsonObject part = parts.at(i).toObject();
        const QString partWhere = where + str(".parts.") + QString::number(i);
        if (part.value(str("text")).isString()) {
            (part.value(str("thought")).toBool() ? reasoning : text) +=
                part.value(str("text")).toString();
        } else if (has(part, "functionCall")) {
            const QJsonObject call = field(part, "functionCall").toObject();
            const QString name = call.value(str("name")).toString();
            if (name.isEmpty()) {
                *error = partWhere + str(".functionCall.name: required string");
                return false;
            }
            QString id = call.value(str("id")).toString();
            if (id.isEmpty())
                id = newCallId();
            unansweredCalls[name].append(id);
            const QJsonObject function{
                {str("name"), name},
                {str("arguments"), QString::fromUtf8(compact(call.value(str("args")).toObject()))}};
            toolCalls.append(QJsonObject{
                {str("id"), id}, {str("type"), str("function")}, {str("function"), function}});
        } else if (has(part, "functionResponse")) {
            *error = partWhere + str(".functionResponse: only valid in a user turn");
            return false;
        } else if (const QString code = codePartText(part); !code.isNull()) {
            text += code;
        } else if (has(part, "inlineData") || has(part, "fileData")) {
            continue; // OpenAI assistant messages carry text only.
        } else if (unsupportedPart(part, partWhere, error)) {
            return false;
        }
    }
    if (text.isEmpty() && reasoning.isEmpty() && toolCalls.isEmpty())
        return true;
    QJsonObject message{{str("role"), str("assistant")}};
    if (!text.isEmpty() || toolCalls.isEmpty())
        message.insert(str("content"), text);
    if (!reasoning.isEmpty())
        message.insert(str("reasoning_content"), reasoning);
    if (!toolCalls.isEmpty())
        message.insert(str("tool_calls"), toolCalls);
    messages.append(message);
    return true;
}

bool convertSystem(const QJsonValue &system, QJsonArray *messages, QString *error)
{
    if (system.isUndefined() || system.isNull())
        return true;
    QString text;
    if (system.isString()) {
        text = system.toString();
    } else if (system.isObject()) {
        const QJsonArray parts = list(system.toObject().value(str("parts")));
        QStringList texts;
        for (qsizetype i = 0; i < parts.size(); ++i) {
            const QJsonValue partText = parts.at(i).toObject().value(str("text"));
            if (!partText.isString()) {
                *error = str("systemInstruction.parts.") + QString::number(i) +
                         str(": only text parts are supported");
                return false;
            }
            texts << partText.toString();
        }
        text = texts.join(QLatin1Char('\n'));
    } else {
        *error = str("systemInstruction: must be a Content object");
        return false;
    }
    if (!text.isEmpty())
        messages->append(QJsonObject{{str("role"), str("system")}, {str("content"), text}});
    return true;
}

bool convertTools(const QJsonObject &request, QJsonObject *out, QString *error)
{
    QJsonArray tools;
    QStringList names;
    const QJsonArray input = list(field(request, "tools"));
    for (qsizetype t = 0; t < input.size(); ++t) {
        const QJsonArray declarations = list(field(input.at(t).toObject(), "functionDeclarations"));
        for (qsizetype d = 0; d < declarations.size(); ++d) {
            const QJsonObject declaration = declarations.at(d).toObject();
            const QString name = declaration.value(str("name")).toString();
            if (name.isEmpty()) {
                *error = str("tools.") + QString::number(t) + str(".functionDeclarations.") +
                         QString::number(d) + str(".name: required string");
                return false;
            }
            QJsonValue parameters = field(declaration, "parametersJsonSchema");
            if (parameters.isUndefined())
                parameters = openAISchema(declaration.value(str("parameters")));
            if (!parameters.isObject())
                parameters =
                    QJsonObject{{str("type"), str("object")}, {str("properties"), QJsonObject()}};
            QJsonObject function{{str("name"), name}, {str("parameters"), parameters}};
            if (declaration.value(str("description")).isString())
                function.insert(str("description"), declaration.value(str("description")));
            tools.append(QJsonObject{{str("type"), str("function")}, {str("function"), function}});
            names << name;
        }
    }
    if (tools.isEmpty())
        return true; // googleSearch, codeExecution, …: nothing to call upstream.

    const QJsonObject config =
        field(field(request, "toolConfig").toObject(), "functionCallingConfig").toObject();
    const QString mode = config.value(str("mode")).toString().toUpper();
    QStringList allowed;
    const QJsonArray allowedNames = list(field(config, "allowedFunctionNames"));
    for (const QJsonValue &name : allowedNames) {
        if (names.contains(name.toString()))
            allowed << name.toString();
    }
    if (mode == str("ANY")) {
        if (allowed.size() == 1) {
            out->insert(
                str("tool_choice"),
                QJsonObject{{str("type"), str("function")},
                            {str("function"), QJsonObject{{str("name"), allowed.first()}}}});
        } else {
            out->insert(str("tool_choice"), str("required"));
            if (!allowed.isEmpty()) { // Only the allowed functions may be called.
                QJsonArray kept;
                for (const QJsonValue &tool : std::as_const(tools)) {
                    const QString name = tool.toObject()
                                             .value(str("function"))
                                             .toObject()
                                             .value(str("name"))
                                             .toString();
                    if (allowed.contains(name))
                        kept.append(tool);
                }
                tools = kept;
            }
        }
    } else if (mode == str("AUTO") || mode == str("VALIDATED")) {
        out->insert(str("tool_choice"), str("auto"));
    } else if (mode == str("NONE")) {
        out->insert(str("tool_choice"), str("none"));
    } else if (!mode.isEmpty() && mode != str("MODE_UNSPECIFIED")) {
        *error = str("toolConfig.functionCallingConfig.mode: must be AUTO, ANY, NONE or VALIDATED");
        return false;
    }
    out->insert(str("tools"), tools);
    return true;
}

bool convertThinking(const QJsonObject &config, QJsonObject *out, QString *error)
{
    const QJsonObject thinking = field(config, "thinkingConfig").toObject();
    const QJsonValue budget = field(thinking, "thinkingBudget");
    QString level = field(thinking, "thinkingLevel").toString().toLower();
    if (level == str("thinking_level_unspecified"))
        level.clear();
    if (budget.isDouble() && !level.isEmpty()) {
        *error = str("generationConfig.thinkingConfig: thinkingBudget and thinkingLevel cannot "
                     "both be set");
        return false;
    }
    if (budget.isDouble() && budget.toInteger() >= 0) { // -1: dynamic, the upstream's default.
        QString effort = ConversionUtil::reasoningEffortForBudget(budget.toInteger());
        if (effort == str("xhigh"))
            effort = str("high");
        out->insert(str("reasoning_effort"), effort);
    } else if (!level.isEmpty()) {
        if (ConversionUtil::thinkingBudgetForEffort(level) <= 0 || level == str("xhigh")) {
            *error = str("generationConfig.thinkingConfig.thinkingLevel: must be MINIMAL, LOW, "
                         "MEDIUM or HIGH");
            return false;
        }
        out->insert(str("reasoning_effort"), level);
    }
    return true;
}

bool convertGenerationConfig(const QJsonObject &request, QJsonObject *out, QString *error)
{
    const QJsonObject config = field(request, "generationConfig").toObject();
    const std::pair<const char *, const char *> numbers[] = {
        {"temperature", "temperature"},          {"topP", "top_p"},
        {"maxOutputTokens", "max_tokens"},       {"seed", "seed"},
        {"presencePenalty", "presence_penalty"}, {"frequencyPenalty", "frequency_penalty"},
    };
    for (const auto &[gemini, openai] : numbers) {
        const QJsonValue value = field(config, gemini);
        if (value.isDouble())
            out->insert(str(openai), value);
    }
    const QJsonValue candidates = field(config, "candidateCount");
    if (candidates.isDouble() && candidates.toDouble() > 1) {
        *error = str("generationConfig.candidateCount: only 1 candidate is supported");
        return false;
    }
    const QJsonValue stops = field(config, "stopSequences");
    if (stops.isString())
        out->insert(str("stop"), QJsonArray{stops});
    else if (!stops.toArray().isEmpty())
        out->insert(str("stop"), stops);

    if (field(config, "responseMimeType").toString().trimmed().toLower() ==
        str("application/json")) {
        QJsonValue schema = field(config, "responseJsonSchema");
        if (!schema.isObject())
            schema = openAISchema(field(config, "responseSchema"));
        if (schema.isObject())
            out->insert(str("response_format"),
                        QJsonObject{{str("type"), str("json_schema")},
                                    {str("json_schema"), QJsonObject{{str("name"), str("response")},
                                                                     {str("schema"), schema}}}});
        else
            out->insert(str("response_format"), QJsonObject{{str("type"), str("json_object")}});
    }
    return convertThinking(config, out, error);
}

qint64 textLength(const QJsonValue &value)
{
    return value.isString() ? value.toString().size() : 0;
}

void measure(const QJsonObject &request, qint64 *chars, qint64 *media)
{
    const QJsonValue system = field(request, "systemInstruction");
    *chars += textLength(system);
    QJsonArray contents = list(field(request, "contents"));
    if (system.isObject())
        contents.prepend(system);
    for (const QJsonValue &content : std::as_const(contents)) {
        const QJsonArray parts = list(content.toObject().value(str("parts")));
        for (const QJsonValue &value : parts) {
            const QJsonObject part = value.toObject();
            *chars += textLength(part.value(str("text")));
            if (has(part, "functionCall")) {
                const QJsonObject call = field(part, "functionCall").toObject();
                *chars += textLength(call.value(str("name"))) +
                          compact(call.value(str("args")).toObject()).size();
            } else if (has(part, "functionResponse")) {
                const QJsonObject response = field(part, "functionResponse").toObject();
                *chars += textLength(response.value(str("name"))) +
                          compact(response.value(str("response")).toObject()).size();
                *media += list(response.value(str("parts"))).size();
            } else if (has(part, "inlineData") || has(part, "fileData")) {
                ++*media;
            } else {
                *chars += codePartText(part).size();
            }
        }
    }
    const QJsonArray tools = list(field(request, "tools"));
    for (const QJsonValue &tool : tools) {
        const QJsonArray declarations = list(field(tool.toObject(), "functionDeclarations"));
        for (const QJsonValue &value : declarations) {
            const QJsonObject declaration = value.toObject();
            *chars += textLength(declaration.value(str("name"))) +
                      textLength(declaration.value(str("description")));
            QJsonValue schema = field(declaration, "parametersJsonSchema");
            if (!schema.isObject())
                schema = declaration.value(str("parameters"));
            if (schema.isObject())
                *chars += compact(schema.toObject()).size();
        }
    }
}

QString finishReason(const QString &openaiReason)
{
    if (openaiReason.isEmpty() || openaiReason == str("stop") ||
        openaiReason == str("tool_calls") || openaiReason == str("function_call"))
        return str("STOP");
    if (openaiReason == str("length"))
        return str("MAX_TOKENS");
    if (openaiReason == str("content_filter"))
        return str("SAFETY");
    return str("OTHER");
}

QJsonObject usageMetadata(const Usage &usage)
{
    QJsonObject out{
        {str("promptTokenCount"), usage.inputTokens},
        {str("candidatesTokenCount"), qMax<qint64>(0, usage.outputTokens - usage.reasoningTokens)},
        {str("totalTokenCount"), usage.totalTokens},
    };
    if (usage.cachedTokens > 0)
        out.insert(str("cachedContentTokenCount"), usage.cachedTokens);
    if (usage.reasoningTokens > 0)
        out.insert(str("thoughtsTokenCount"), usage.reasoningTokens);
    return out;
}

QJsonObject functionCallPart(const QString &id, const QString &name, const QString &arguments)
{
    QJsonObject call{{str("name"), name},
                     {str("args"), ConversionUtil::toolInputFromArguments(arguments)}};
    if (!id.isEmpty())
        call.insert(str("id"), id);
    return QJsonObject{{str("functionCall"), call}};
}

/// Thought and text parts of an OpenAI message or delta, in Gemini's order.
QJsonArray textParts(const QJsonObject &message)
{
    QJsonArray parts;
    const QString reasoning = ConversionUtil::reasoningText(message);
    if (!reasoning.isEmpty())
        parts.append(QJsonObject{{str("text"), reasoning}, {str("thought"), true}});
    for (const char *key : {"content", "refusal"}) {
        const QString text = message.value(str(key)).toString();
        if (!text.isEmpty())
            parts.append(QJsonObject{{str("text"), text}});
    }
    return parts;
}

QJsonObject candidate(const QJsonArray &parts)
{
    return QJsonObject{
        {str("content"), QJsonObject{{str("parts"), parts}, {str("role"), str("model")}}},
        {str("index"), 0},
    };
}

} // namespace

QJsonObject toOpenAIRequest(const QJsonObject &request, const QString &model, bool stream,
                            QString *error)
{
    QString ignored;
    if (!error)
        error = &ignored;
    error->clear();

    const QJsonValue contents = field(request, "contents");
    if (!isList(contents)) {
        *error = str("contents: required array of Content");
        return {};
    }
    const QJsonArray input = list(contents);
    if (input.isEmpty()) {
        *error = str("contents: must not be empty");
        return {};
    }
    if (!field(request, "cachedContent").toString().isEmpty()) {
        *error = str("cachedContent: cached contents are not supported on this model's channel");
        return {};
    }

    QJsonObject out{{str("model"), model}};
    ContentsConverter converter;
    converter.error = error;
    if (!convertSystem(field(request, "systemInstruction"), &converter.messages, error))
        return {};
    for (qsizetype i = 0; i < input.size(); ++i) {
        const QString where = str("contents.") + QString::number(i);
        if (!input.at(i).isObject()) {
            *error = where + str(": must be a Content object");
            return {};
        }
        const QJsonObject content = input.at(i).toObject();
        const QString role = content.value(str("role")).toString();
        const QJsonValue parts = content.value(str("parts"));
        if (!isList(parts)) {
            *error = where + str(".parts: required array of Part");
            return {};
        }
        bool ok = false;
        if (role == str("model"))
            ok = converter.modelTurn(list(parts), where);
        else if (role.isEmpty() || role == str("user") || role == str("function"))
            ok = converter.userTurn(list(parts), where);
        else
            *error = where + str(".role: must be user or model");
        if (!ok)
            return {};
    }
    out.insert(str("messages"), converter.messages);

    if (!convertTools(request, &out, error) || !convertGenerationConfig(request, &out, error))
        return {};
    if (stream) {
        out.insert(str("stream"), true);
        out.insert(str("stream_options"), QJsonObject{{str("include_usage"), true}});
    }
    return out;
}

QJsonObject toGeminiResponse(const QJsonObject &response, const QString &model)
{
    const QJsonObject choice = response.value(str("choices")).toArray().first().toObject();
    const QJsonObject message = choice.value(str("message")).toObject();

    QJsonArray parts = textParts(message);
    const QJsonArray toolCalls = message.value(str("tool_calls")).toArray();
    for (const QJsonValue &value : toolCalls) {
        const QJsonObject call = value.toObject();
        const QJsonObject function = call.value(str("function")).toObject();
        parts.append(functionCallPart(call.value(str("id")).toString(),
                                      function.value(str("name")).toString(),
                                      function.value(str("arguments")).toString()));
    }
    QJsonObject first = candidate(parts);
    first.insert(str("finishReason"), finishReason(choice.value(str("finish_reason")).toString()));

    QJsonObject out{
        {str("candidates"), QJsonArray{first}},
        {str("modelVersion"), model},
        {str("responseId"), responseId(response.value(str("id")).toString())},
    };
    const QJsonValue usage = response.value(str("usage"));
    if (usage.isObject())
        out.insert(str("usageMetadata"),
                   usageMetadata(ConversionUtil::usageFromOpenAI(usage.toObject())));
    return out;
}

QString geminiErrorStatus(int httpStatus)
{
    switch (httpStatus) {
    case 401:
        return str("UNAUTHENTICATED");
    case 403:
        return str("PERMISSION_DENIED");
    case 404:
        return str("NOT_FOUND");
    case 429:
        return str("RESOURCE_EXHAUSTED");
    case 503:
        return str("UNAVAILABLE");
    case 504:
        return str("DEADLINE_EXCEEDED");
    default:
        return httpStatus >= 400 && httpStatus < 500 ? str("INVALID_ARGUMENT") : str("INTERNAL");
    }
}

QByteArray geminiErrorBody(int httpStatus, const QString &message)
{
    return compact(
        QJsonObject{{str("error"), QJsonObject{{str("code"), httpStatus},
                                               {str("message"), message},
                                               {str("status"), geminiErrorStatus(httpStatus)}}}});
}

qint64 estimateInputTokens(const QJsonObject &request)
{
    qint64 chars = 0;
    qint64 media = 0;
    measure(request, &chars, &media);
    const QJsonValue wrapped = field(request, "generateContentRequest");
    if (wrapped.isObject())
        measure(wrapped.toObject(), &chars, &media);
    return ConversionUtil::tokensForCharacters(chars) +
           media * ConversionUtil::mediaBlockTokenEstimate;
}

QByteArray sseEvent(const QJsonObject &response)
{
    return "data: " + compact(response) + "\r\n\r\n";
}

} // namespace GeminiOpenAI

using namespace GeminiOpenAI;

GeminiStreamEncoder::GeminiStreamEncoder(const QString &model)
    : m_model(model)
{
}

QByteArray GeminiStreamEncoder::event(const QJsonArray &parts,
                                      const QJsonObject &extraCandidateFields,
                                      const QJsonObject &usage) const
{
    QJsonObject first = candidate(parts);
    for (auto it = extraCandidateFields.begin(); it != extraCandidateFields.end(); ++it)
        first.insert(it.key(), it.value());
    QJsonObject response{
        {str("candidates"), QJsonArray{first}},
        {str("modelVersion"), m_model},
        {str("responseId"), m_responseId},
    };
    if (!usage.isEmpty())
        response.insert(str("usageMetadata"), usage);
    return sseEvent(response);
}

QByteArray GeminiStreamEncoder::onChunk(const QJsonObject &chunk)
{
    if (m_finished)
        return {};
    if (m_responseId.isEmpty())
        m_responseId = responseId(chunk.value(str("id")).toString());
    const QJsonValue usage = chunk.value(str("usage"));
    if (usage.isObject()) {
        m_usage = ConversionUtil::usageFromOpenAI(usage.toObject());
        m_hasUsage = true;
    }
    const QJsonArray choices = chunk.value(str("choices")).toArray();
    if (choices.isEmpty())
        return {};
    const QJsonObject choice = choices.first().toObject();
    const QJsonObject delta = choice.value(str("delta")).toObject();

    const QJsonArray calls = delta.value(str("tool_calls")).toArray();
    for (const QJsonValue &value : calls) {
        const QJsonObject call = value.toObject();
        const int index = call.value(str("index")).toInt();
        auto it = std::find_if(m_toolCalls.begin(), m_toolCalls.end(),
                               [index](const ToolCall &c) { return c.index == index; });
        if (it == m_toolCalls.end()) {
            m_toolCalls.append(ToolCall{index, {}, {}, {}});
            it = m_toolCalls.end() - 1;
        }
        const QJsonObject function = call.value(str("function")).toObject();
        if (it->id.isEmpty())
            it->id = call.value(str("id")).toString();
        if (it->name.isEmpty())
            it->name = function.value(str("name")).toString();
        const QString arguments = function.value(str("arguments")).toString();
        it->arguments += arguments;
        m_argumentBytes += arguments.size();
        if (m_argumentBytes > maxToolArgumentBytes)
            return finish(str("tool call arguments exceed the gateway's limit"));
    }
    const QString reason = choice.value(str("finish_reason")).toString();
    if (!reason.isEmpty())
        m_finishReason = reason;

    const QJsonArray parts = textParts(delta);
    if (parts.isEmpty())
        return {};
    return event(parts);
}

QByteArray GeminiStreamEncoder::finish(const QString &errorMessage)
{
    if (m_finished)
        return {};
    m_finished = true;
    if (!errorMessage.isEmpty()) {
        m_toolCalls.clear();
        return geminiErrorBody(500, errorMessage).prepend("data: ").append("\r\n\r\n");
    }
    if (m_responseId.isEmpty())
        m_responseId = responseId(QString());
    QJsonArray parts;
    for (const ToolCall &call : std::as_const(m_toolCalls)) {
        if (!call.name.isEmpty())
            parts.append(functionCallPart(call.id, call.name, call.arguments));
    }
    m_toolCalls.clear();
    return event(parts, {{str("finishReason"), finishReason(m_finishReason)}},
                 m_hasUsage ? usageMetadata(m_usage) : QJsonObject());
}
