#include "logrecord.h"

#include "jsonfields.h"

#include <QSqlRecord>
#include <QVariant>

Usage Usage::fromOpenAI(const QJsonObject &u)
{
    Usage usage;
    // Chat/completions/embeddings name them prompt/completion; images, audio and rerank
    // (and the Responses API) name them input/output.
    usage.inputTokens = u.contains(QStringLiteral("prompt_tokens"))
                            ? u.value(QStringLiteral("prompt_tokens")).toInteger()
                            : u.value(QStringLiteral("input_tokens")).toInteger();
    usage.outputTokens = u.contains(QStringLiteral("completion_tokens"))
                             ? u.value(QStringLiteral("completion_tokens")).toInteger()
                             : u.value(QStringLiteral("output_tokens")).toInteger();
    usage.totalTokens = u.value(QStringLiteral("total_tokens")).toInteger();
    const QJsonObject promptDetails = (u.contains(QStringLiteral("prompt_tokens_details"))
                                           ? u.value(QStringLiteral("prompt_tokens_details"))
                                           : u.value(QStringLiteral("input_tokens_details")))
                                          .toObject();
    usage.cachedTokens = promptDetails.value(QStringLiteral("cached_tokens")).toInteger();
    // Not an OpenAI field: set by the gateway's converters for providers that report it.
    usage.cacheCreationTokens =
        promptDetails.value(QStringLiteral("cache_creation_tokens")).toInteger();
    usage.reasoningTokens = (u.contains(QStringLiteral("completion_tokens_details"))
                                 ? u.value(QStringLiteral("completion_tokens_details"))
                                 : u.value(QStringLiteral("output_tokens_details")))
                                .toObject()
                                .value(QStringLiteral("reasoning_tokens"))
                                .toInteger();
    if (usage.totalTokens == 0)
        usage.totalTokens = usage.inputTokens + usage.outputTokens;
    return usage;
}

QJsonObject Usage::toJson() const
{
    return QJsonObject{
        {QStringLiteral("input_tokens"), inputTokens},
        {QStringLiteral("output_tokens"), outputTokens},
        {QStringLiteral("total_tokens"), totalTokens},
        {QStringLiteral("cached_tokens"), cachedTokens},
        {QStringLiteral("cache_creation_tokens"), cacheCreationTokens},
        {QStringLiteral("reasoning_tokens"), reasoningTokens},
    };
}

LogRecord LogRecord::fromRecord(const QSqlRecord &r)
{
    LogRecord l;
    l.id = r.value(QStringLiteral("id")).toLongLong();
    l.requestId = r.value(QStringLiteral("request_id")).toString();
    l.requestAt = r.value(QStringLiteral("request_at")).toLongLong();
    l.createdAt = r.value(QStringLiteral("created_at")).toLongLong();
    l.ttfbMs = r.value(QStringLiteral("ttfb_ms")).toLongLong();
    l.latencyMs = r.value(QStringLiteral("latency_ms")).toLongLong();
    l.groupId = r.value(QStringLiteral("group_id")).toString();
    l.tokenId = r.value(QStringLiteral("token_id")).toLongLong();
    l.tokenName = r.value(QStringLiteral("token_name")).toString();
    l.channelId = r.value(QStringLiteral("channel_id")).toLongLong();
    l.model = r.value(QStringLiteral("model")).toString();
    l.mode = r.value(QStringLiteral("mode")).toInt();
    l.endpoint = r.value(QStringLiteral("endpoint")).toString();
    l.stream = r.value(QStringLiteral("stream")).toInt() != 0;
    l.code = r.value(QStringLiteral("code")).toInt();
    l.content = r.value(QStringLiteral("content")).toString();
    l.ip = r.value(QStringLiteral("ip")).toString();
    l.retryTimes = r.value(QStringLiteral("retry_times")).toInt();
    l.usage.inputTokens = r.value(QStringLiteral("input_tokens")).toLongLong();
    l.usage.outputTokens = r.value(QStringLiteral("output_tokens")).toLongLong();
    l.usage.totalTokens = r.value(QStringLiteral("total_tokens")).toLongLong();
    l.usage.cachedTokens = r.value(QStringLiteral("cached_tokens")).toLongLong();
    l.usage.cacheCreationTokens = r.value(QStringLiteral("cache_creation_tokens")).toLongLong();
    l.usage.reasoningTokens = r.value(QStringLiteral("reasoning_tokens")).toLongLong();
    l.usageSource = r.value(QStringLiteral("usage_source")).toString();
    l.upstreamId = r.value(QStringLiteral("upstream_id")).toString();
    l.user = r.value(QStringLiteral("end_user")).toString();
    l.metadata = JsonFields::parseObject(r.value(QStringLiteral("metadata")).toString());
    return l;
}

QJsonObject LogRecord::toJson() const
{
    return QJsonObject{
        {QStringLiteral("id"), id},
        {QStringLiteral("request_id"), requestId},
        {QStringLiteral("request_at"), JsonFields::timeText(requestAt)},
        {QStringLiteral("created_at"), JsonFields::timeText(createdAt)},
        {QStringLiteral("ttfb_milliseconds"), ttfbMs},
        {QStringLiteral("used_milliseconds"), latencyMs},
        {QStringLiteral("group"), groupId},
        {QStringLiteral("token_id"), tokenId},
        {QStringLiteral("token_name"), tokenName},
        {QStringLiteral("channel"), channelId},
        {QStringLiteral("model"), model},
        {QStringLiteral("mode"), mode},
        {QStringLiteral("endpoint"), endpoint},
        {QStringLiteral("stream"), stream},
        {QStringLiteral("code"), code},
        {QStringLiteral("content"), content},
        {QStringLiteral("ip"), ip},
        {QStringLiteral("retry_times"), retryTimes},
        {QStringLiteral("usage"), usage.toJson()},
        {QStringLiteral("usage_source"), usageSource},
        {QStringLiteral("upstream_id"), upstreamId},
        {QStringLiteral("user"), user},
        {QStringLiteral("metadata"), metadata},
    };
}
