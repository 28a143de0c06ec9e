#include "protocol/thinksplitter.h"

#include <QJsonValue>
#include <QList>

#include <algorithm>

namespace {

const QString openTag = QStringLiteral("<think>");
const QString closeTag = QStringLiteral("</think>");

/// Length of the longest proper prefix of closeTag that \a text ends with (from \a from on).
qsizetype partialCloseTagLength(const QString &text, qsizetype from)
{
    const qsizetype longest = std::min<qsizetype>(closeTag.size() - 1, text.size() - from);
    for (qsizetype length = longest; length > 0; --length) {
        if (QStringView(text).right(length) == QStringView(closeTag).left(length))
            return length;
    }
    return 0;
}

void appendTo(QJsonObject &object, const QString &key, const QString &text)
{
    object.insert(key, object.value(key).toString() + text);
}

} // namespace

ThinkSplitter::Result ThinkSplitter::feed(const QString &contentDelta)
{
    Result result;
    if (m_state == State::Content) {
        result.content = contentDelta;
        return result;
    }
    // Held text is re-scanned with the new delta; it is a few characters at most.
    const QString input = m_held + contentDelta;
    m_held.clear();
    qsizetype tagMatched = 0;
    qsizetype i = 0;
    while (i < input.size()) {
        switch (m_state) {
        case State::Leading: {
            const QChar c = input.at(i);
            if (tagMatched == 0 && c.isSpace() && m_held.size() < maxLeadingWhitespace) {
                m_held += c;
                ++i;
            } else if (c == openTag.at(tagMatched)) {
                m_held += c;
                ++i;
                if (++tagMatched == openTag.size()) {
                    m_held.clear();
                    m_state = State::Reasoning;
                }
            } else {
                // Not `<think>` (or too much leading whitespace): all of it is plain content.
                result.content += m_held;
                m_held.clear();
                m_state = State::Content;
            }
            break;
        }
        case State::Reasoning: {
            const qsizetype close = input.indexOf(closeTag, i);
            if (close >= 0) {
                result.reasoning += QStringView(input).mid(i, close - i);
                i = close + closeTag.size();
                m_state = State::AfterClose;
                m_newlinesDropped = 0;
            } else {
                const qsizetype held = partialCloseTagLength(input, i);
                result.reasoning += QStringView(input).mid(i, input.size() - i - held);
                m_held = input.right(held);
                i = input.size();
            }
            break;
        }
        case State::AfterClose:
            if (input.at(i) == QLatin1Char('\n') && m_newlinesDropped < 2) {
                ++i;
                if (++m_newlinesDropped == 2)
                    m_state = State::Content;
            } else {
                m_state = State::Content;
            }
            break;
        case State::Content:
            result.content += QStringView(input).mid(i);
            i = input.size();
            break;
        }
    }
    return result;
}

ThinkSplitter::Result ThinkSplitter::finish()
{
    Result result;
    if (m_state == State::Reasoning)
        result.reasoning = m_held; // An unclosed `<think>`: it was all reasoning.
    else
        result.content = m_held; // Leading whitespace and a truncated `<think>` prefix.
    m_held.clear();
    m_state = State::Content;
    return result;
}

ThinkSplitter::Result ThinkSplitter::splitWhole(const QString &content)
{
    ThinkSplitter splitter;
    Result result = splitter.feed(content);
    const Result rest = splitter.finish();
    result.reasoning += rest.reasoning;
    result.content += rest.content;
    return result;
}

QJsonObject ThinkSplitChunks::applyToChunk(QJsonObject chunk)
{
    const QJsonValue choicesValue = chunk.value(QLatin1String("choices"));
    if (!choicesValue.isArray())
        return chunk;
    QJsonArray choices = choicesValue.toArray();
    bool changed = false;
    for (qsizetype position = 0; position < choices.size(); ++position) {
        QJsonObject choice = choices.at(position).toObject();
        const int index = choice.value(QLatin1String("index")).toInt(int(position));
        const QJsonValue contentValue =
            choice.value(QLatin1String("delta")).toObject().value(QLatin1String("content"));
        const QJsonValue finishReason = choice.value(QLatin1String("finish_reason"));
        const bool finishes = !finishReason.isNull() && !finishReason.isUndefined();
        if (!contentValue.isString() && !finishes)
            continue;

        ThinkSplitter &splitter = m_splitters[index];
        ThinkSplitter::Result split;
        if (contentValue.isString())
            split = splitter.feed(contentValue.toString());
        if (finishes) {
            const ThinkSplitter::Result rest = splitter.finish();
            split.reasoning += rest.reasoning;
            split.content += rest.content;
            m_splitters.remove(index);
        }
        if (!contentValue.isString() && split.reasoning.isEmpty() && split.content.isEmpty())
            continue;

        QJsonObject delta = choice.value(QLatin1String("delta")).toObject();
        if (contentValue.isString() || !split.content.isEmpty())
            delta.insert(QLatin1String("content"), split.content);
        if (!split.reasoning.isEmpty())
            appendTo(delta, QStringLiteral("reasoning_content"), split.reasoning);
        choice.insert(QLatin1String("delta"), delta);
        choices.replace(position, choice);
        changed = true;
    }
    if (changed)
        chunk.insert(QLatin1String("choices"), choices);
    return chunk;
}

QJsonArray ThinkSplitChunks::finishChoices()
{
    QList<int> indexes = m_splitters.keys();
    std::sort(indexes.begin(), indexes.end());
    QJsonArray choices;
    for (const int index : indexes) {
        const ThinkSplitter::Result rest = m_splitters[index].finish();
        if (rest.reasoning.isEmpty() && rest.content.isEmpty())
            continue;
        QJsonObject delta;
        if (!rest.content.isEmpty())
            delta.insert(QLatin1String("content"), rest.content);
        if (!rest.reasoning.isEmpty())
            delta.insert(QLatin1String("reasoning_content"), rest.reasoning);
        choices.append(
            QJsonObject{{QStringLiteral("index"), index}, {QStringLiteral("delta"), delta}});
    }
    m_splitters.clear();
    return choices;
}

QJsonObject ThinkSplitChunks::applyToResponse(QJsonObject chatCompletion)
{
    QJsonArray choices = chatCompletion.value(QLatin1String("choices")).toArray();
    bool changed = false;
    for (qsizetype position = 0; position < choices.size(); ++position) {
        QJsonObject choice = choices.at(position).toObject();
        QJsonObject message = choice.value(QLatin1String("message")).toObject();
        const QJsonValue content = message.value(QLatin1String("content"));
        if (!content.isString() ||
            !message.value(QLatin1String("reasoning_content")).toString().isEmpty())
            continue;
        const ThinkSplitter::Result split = ThinkSplitter::splitWhole(content.toString());
        if (split.content == content.toString() && split.reasoning.isEmpty())
            continue;
        message.insert(QLatin1String("content"), split.content);
        if (!split.reasoning.isEmpty())
            message.insert(QLatin1String("reasoning_content"), split.reasoning);
        choice.insert(QLatin1String("message"), message);
        choices.replace(position, choice);
        changed = true;
    }
    if (changed)
        chatCompletion.insert(QLatin1String("choices"), choices);
    return chatCompletion;
}
