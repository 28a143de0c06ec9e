#include "providerpresets.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

ProviderPresets::ProviderPresets()
{
    QFile file(QStringLiteral(":/providers/openai-compatible.json"));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("provider presets resource is missing");
    const QJsonArray presets =
        QJsonDocument::fromJson(file.readAll()).object().value(QStringLiteral("presets")).toArray();
    for (const QJsonValue &value : presets) {
        const QJsonObject object = value.toObject();
        Preset preset{object.value(QStringLiteral("type")).toInt(),
                      object.value(QStringLiteral("name")).toString(),
                      object.value(QStringLiteral("base_url")).toString()};
        preset.pathPrefix = object.value(QStringLiteral("path_prefix")).toString().toUtf8();
        preset.anthropicPath = object.value(QStringLiteral("anthropic_path")).toString().toUtf8();
        preset.responsesApi = object.value(QStringLiteral("responses")).toBool();
        m_presets.insert(preset.type, preset);
    }
}

const ProviderPresets &ProviderPresets::instance()
{
    static const ProviderPresets presets;
    return presets;
}

const ProviderPresets::Preset *ProviderPresets::find(int type) const
{
    const auto it = m_presets.constFind(type);
    return it == m_presets.constEnd() ? nullptr : &it.value();
}
