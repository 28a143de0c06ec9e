#pragma once

#include <QHash>
#include <QString>

/// OpenAI-compatible channel types, read from resources/providers/openai-compatible.json.
/// Thread-safe after the first call (immutable).
class ProviderPresets
{
public:
    struct Preset
    {
        int type = 0;
        QString name;
        QString baseUrl;
        QByteArray pathPrefix; ///< Between the base URL and the OpenAI path ("/llm/v1").
        /// Where the provider also serves Anthropic's Messages API, relative to the base URL's
        /// origin ("/anthropic/v1" → https://host/anthropic/v1/messages); empty: it does not.
        QByteArray anthropicPath;
        bool responsesApi = false; ///< Serves POST /responses natively.
    };

    static const ProviderPresets &instance();
    /// Nullptr when \a type is not an OpenAI-compatible type.
    const Preset *find(int type) const;
    const QHash<int, Preset> &all() const { return m_presets; }

private:
    ProviderPresets();
    QHash<int, Preset> m_presets;
};
