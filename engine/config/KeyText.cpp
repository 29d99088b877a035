#include "config/KeyText.h"

#include "config/Settings.h"
#include "courierd/Duration.h"

#include <Poco/JSON/Array.h>

#include <limits>

namespace courierd
{

// `ascii` for roff: groff and lintian want no typographic characters.
std::string rangeOf(const ConfigKey& key, bool ascii)
{
    if (key.type == ConfigType::Enumeration ||
        (key.type == ConfigType::List && !key.values.empty()))
    {
        std::string out = key.type == ConfigType::List ? "any of " : "";
        for (std::size_t i = 0; i < key.values.size(); ++i)
            out += (i == 0                       ? ""
                    : i + 1 == key.values.size() ? " or "
                                                 : ", ") +
                   (ascii ? key.values[i] : "`" + key.values[i] + "`");
        return out;
    }
    const bool bounded =
        key.minimum != 0 || key.maximum != std::numeric_limits<std::int64_t>::max();
    if ((key.type != ConfigType::Integer && key.type != ConfigType::Duration) || !bounded)
        return "";
    const auto show = [&key](std::int64_t value)
    {
        return key.type == ConfigType::Duration ? formatDuration(Duration(value))
                                                : std::to_string(value);
    };
    if (key.maximum == std::numeric_limits<std::int64_t>::max())
        return (ascii ? ">= " : "≥ ") + show(key.minimum);
    return show(key.minimum) + (ascii ? " to " : "–") + show(key.maximum);
}

Poco::JSON::Object::Ptr keyJson(const ConfigKey& key)
{
    Poco::JSON::Object::Ptr out = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    out->set("name", key.name);
    out->set("type", typeName(key.type));
    out->set("default", key.defaultValue);
    const auto show = [&key](std::int64_t value) -> Poco::Dynamic::Var
    {
        if (key.type == ConfigType::Duration)
            return formatDuration(Duration(value));
        return value;
    };
    if (key.type == ConfigType::Integer || key.type == ConfigType::Duration)
    {
        out->set("minimum", show(key.minimum));
        if (key.maximum != std::numeric_limits<std::int64_t>::max())
            out->set("maximum", show(key.maximum));
    }
    if (!key.values.empty())
    {
        Poco::JSON::Array::Ptr values = new Poco::JSON::Array;
        for (const auto& value : key.values)
            values->add(value);
        out->set("values", values);
    }
    out->set("help", key.help);
    return out;
}

} // namespace courierd
