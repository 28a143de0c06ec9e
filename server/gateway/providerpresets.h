#pragma once

#include <QHash>
#include <QString>
#include <QStringList>

#include <optional>

/// OpenAI-compatible channel types, read from resources/providers/openai-compatible.json.
/// Thread-safe after the first call (immutable).
class ProviderPresets
{
public:
    /// Where a provider reports the account balance: a GET with the channel's key as Bearer
    /// token, and where the number is in its JSON answer.
    struct BalanceApi
    {
        QByteArray path; ///< Empty: the provider has no balance API.
        /// \a path is relative to the base URL's origin (else to the base URL itself).
        bool fromOrigin = false;
        /// Paths of the number in the answer, tried in order: '.'-separated member names, each
        /// optionally followed by "[<index>]" or "[<member>=<value>]" (the first array element
        /// whose member has that string value). Numbers may be JSON numbers or strings.
        QStringList value;
        QString minus;    ///< Optional path of a number subtracted (credits − usage).
        double scale = 1; ///< Applied last (amounts in 1/10000 units: 0.0001).

        /// The balance in \a answer; nullopt and \a error when it is not there.
        std::optional<double> read(const QByteArray &answer, QString *error) const;
    };

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
        BalanceApi balance;
    };

    static const ProviderPresets &instance();
    /// Nullptr when \a type is not an OpenAI-compatible type.
    const Preset *find(int type) const;
    const QHash<int, Preset> &all() const { return m_presets; }

private:
    ProviderPresets();
    QHash<int, Preset> m_presets;
};
