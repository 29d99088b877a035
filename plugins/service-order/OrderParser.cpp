#include "OrderParser.h"

#include "courierd/RecordFields.h"
#include "courierd/Utf8.h"

#include <Poco/Exception.h>

#include <optional>
#include <tuple>

namespace service_order
{

std::optional<OrderStatus> parseStatus(std::string_view element, const std::string& idKey)
{
    if (courierd::firstUnstorableByte(element))
        return std::nullopt;
    std::vector<courierd::JsonField> fields;
    try
    {
        if (!courierd::readJsonFields(element, {idKey, "status"}, fields))
            return std::nullopt;
    }
    catch (const Poco::Exception&)
    {
        return std::nullopt;
    }
    const auto& [id, status] = std::tie(fields[0], fields[1]);
    // An escaped NUL (`\u0000`) decodes to what no log line or row should hold.
    if (!id.text || id.number || id.text->empty() || !status.text || status.number ||
        courierd::firstUnstorableByte(*id.text) || courierd::firstUnstorableByte(*status.text))
        return std::nullopt;
    return OrderStatus{*id.text, *status.text};
}

courierd::RecheckAnswer fateOf(const std::string& id, const std::string& status,
                               const std::set<std::string>& assignable,
                               const std::set<std::string>& known)
{
    using courierd::Fate;
    const std::string reason = "status " + courierd::clipped(status, 64);
    if (assignable.count(status))
        return {id, Fate::Needed, {}};
    if (status == "canceled")
        return {id, Fate::Canceled, reason};
    if (status == "deleted")
        return {id, Fate::Gone, reason};
    if (known.count(status))
        return {id, Fate::NotNeeded, reason};
    return {id, Fate::Unknown,
            "status '" + courierd::escapeUnstorable(courierd::clipped(status, 64)) +
                "' is not in service-order's contract"};
}

} // namespace service_order
