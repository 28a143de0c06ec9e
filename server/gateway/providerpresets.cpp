#include "providerpresets.h"

#include "model/jsonfields.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace {

/// The value at \a path (see BalanceApi::value) in \a root; undefined when it is not there.
QJsonValue valueAt(QJsonValue node, const QString &path)
{
    static const QRegularExpression segmentPattern(
        QStringLiteral("^([^\\[\\]]+)(?:\\[(?:(\\d+)|([^=\\]]+)=([^\\]]*))\\])?$"));
    for (const QString &segment : path.split(QLatin1Char('.'))) {
        const QRegularExpressionMatch match = segmentPattern.match(segment);
        if (!match.hasMatch() || !node.isObject())
            return QJsonValue::Undefined;
        node = node.toObject().value(match.captured(1));
        if (!match.captured(2).isEmpty()) {
            node = node.toArray().at(match.captured(2).toInt());
        } else if (!match.captured(3).isEmpty()) {
            const QJsonArray items = node.toArray();
            node = QJsonValue::Undefined;
            for (const QJsonValue &item : items) {
                if (item.toObject().value(match.captured(3)).toString() == match.captured(4)) {
                    node = item;
                    break;
                }
            }
        }
    }
    return node;
}

/// \a value as a number (JSON number or numeric string).
std::optional<double> numberOf(const QJsonValue &value)
{
    if (value.isDouble())
        return value.toDouble();
    bool ok = false;
    const double parsed = value.toString().trimmed().toDouble(&ok);
    return value.isString() && ok ? std::optional<double>(parsed) : std::nullopt;
}

} // namespace

std::optional<double> ProviderPresets::BalanceApi::read(const QByteArray &answer,
                                                        QString *error) const
{
    const QJsonDocument document = QJsonDocument::fromJson(answer);
    if (!document.isObject()) {
        *error = QStringLiteral("the balance answer is not a JSON object");
        return std::nullopt;
    }
    const QJsonValue root = document.object();
    std::optional<double> balance;
    for (const QString &path : value) {
        if ((balance = numberOf(valueAt(root, path))))
            break;
    }
    if (!balance) {
        *error = QStringLiteral("the balance answer has no number at %1")
                     .arg(value.join(QStringLiteral(" or ")));
        return std::nullopt;
    }
    if (!minus.isEmpty()) {
        const std::optional<double> subtracted = numberOf(valueAt(root, minus));
        if (!subtracted) {
            *error = QStringLiteral("the balance answer has no number at %1").arg(minus);
            return std::nullopt;
        }
        *balance -= *subtracted;
    }
    return *balance * scale;
}

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
        const QJsonObject balance = object.value(QStringLiteral("balance")).toObject();
        preset.balance.path = balance.value(QStringLiteral("path")).toString().toUtf8();
        preset.balance.fromOrigin = balance.value(QStringLiteral("origin")).toBool();
        const QJsonValue paths = balance.value(QStringLiteral("value"));
        preset.balance.value =
            paths.isArray() ? JsonFields::toStringList(paths) : QStringList{paths.toString()};
        preset.balance.minus = balance.value(QStringLiteral("minus")).toString();
        preset.balance.scale = balance.value(QStringLiteral("scale")).toDouble(1);
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
