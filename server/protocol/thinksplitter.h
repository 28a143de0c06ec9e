#pragma once

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QString>

/// aiproxy's "think-split": models such as DeepSeek-R1 behind OpenAI-compatible providers put
/// their reasoning in `<think>…</think>` at the start of the assistant content; this moves it to
/// `reasoning_content`. Pure, no I/O.
///
/// Rules (identical for streamed and whole content, however the text is split into deltas):
/// - Only a `<think>` at the very start of the content opens reasoning. Whitespace before it
///   (QChar::isSpace, at most maxLeadingWhitespace characters) is dropped. Anything else, or more
///   leading whitespace than that, makes the whole content plain content, unchanged.
/// - Everything up to `</think>` is reasoning (nothing inside is trimmed). One or two `\n` right
///   after `</think>` are dropped; all later text is content, later `<think>` tags included.
/// - Unclosed `<think>` at the end of the stream: everything after it was reasoning.
/// - A truncated `<think>` prefix at the end of the stream (`"<thin"`) is content.
class ThinkSplitter
{
public:
    struct Result
    {
        QString reasoning;
        QString content;
    };

    /// Leading whitespace kept back while waiting for `<think>`; beyond it the splitter gives up.
    static constexpr qsizetype maxLeadingWhitespace = 16;

    /// Splits the next content delta. Emits as much as is certain; holds back only a possible
    /// partial tag (< 8 characters) plus, before the first non-space character, the leading
    /// whitespace (heldCharacters() ≤ maxLeadingWhitespace + 7).
    Result feed(const QString &contentDelta);
    /// End of the choice's stream: flushes the held-back text. The splitter then passes any
    /// further delta through as content.
    Result finish();
    qsizetype heldCharacters() const { return m_held.size(); }

    /// The split of a whole (non-streamed) content; equals feed(content) + finish().
    static Result splitWhole(const QString &content);

private:
    enum class State
    {
        Leading,
        Reasoning,
        AfterClose,
        Content
    };

    State m_state = State::Leading;
    /// Leading: whitespace + the part of `<think>` seen so far; Reasoning: a suffix that may be
    /// the start of `</think>`.
    QString m_held;
    int m_newlinesDropped = 0;
};

/// One ThinkSplitter per choice index of a streamed Chat Completions response.
class ThinkSplitChunks
{
public:
    /// Rewrites each `choices[i].delta.content` string of a `chat.completion.chunk` into its
    /// content part and appends the reasoning part to `delta.reasoning_content` (created when
    /// needed). A choice with a non-null `finish_reason` also gets its splitter's held text
    /// flushed into this chunk's delta. Choices without content and without a flush are left
    /// untouched, as are chunks without choices.
    QJsonObject applyToChunk(QJsonObject chunk);

    /// End of stream without finish_reason for some choices: their held text as choice objects
    /// `{"index", "delta": {"content"?, "reasoning_content"?}}` (only choices with something to
    /// flush), for a final chunk built by the caller. Empty when nothing is held.
    QJsonArray finishChoices();

    /// Non-streamed `chat.completion`: splits each `choices[i].message.content` string into
    /// content and `reasoning_content`. A choice whose message already has a non-empty
    /// `reasoning_content` (the provider split it) is left as is.
    static QJsonObject applyToResponse(QJsonObject chatCompletion);

private:
    QHash<int, ThinkSplitter> m_splitters;
};
