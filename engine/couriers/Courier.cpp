#include "couriers/Courier.h"

#include "courierd/Utf8.h"
#include "util/Exceptions.h"

#include <Poco/String.h>

namespace courierd
{

std::string_view toString(CourierStatus status)
{
    switch (status)
    {
    case CourierStatus::Available:
        return "available";
    case CourierStatus::Busy:
        return "busy";
    case CourierStatus::Paused:
        return "paused";
    }
    return "unknown";
}

std::string_view toString(Transport transport)
{
    switch (transport)
    {
    case Transport::OnFoot:
        return "on_foot";
    case Transport::Scooter:
        return "scooter";
    case Transport::Car:
        return "car";
    }
    return "unknown";
}

std::optional<CourierStatus> parseCourierStatus(std::string_view text)
{
    for (auto status : {CourierStatus::Available, CourierStatus::Busy, CourierStatus::Paused})
        if (toString(status) == text)
            return status;
    return std::nullopt;
}

std::optional<Transport> parseTransport(std::string_view text)
{
    for (auto transport : {Transport::OnFoot, Transport::Scooter, Transport::Car})
        if (toString(transport) == text)
            return transport;
    return std::nullopt;
}

std::string checkedName(const std::string& raw)
{
    const std::string name = Poco::trim(raw);
    if (name.empty())
        throw ValidationException("name: must not be empty");
    if (name.size() > MAX_COURIER_NAME)
        throw ValidationException("name: longer than " + std::to_string(MAX_COURIER_NAME) +
                                  " bytes");
    // PostgreSQL's text would cut a name at a NUL and refuse bytes that are not UTF-8.
    if (const auto bad = firstUnstorableByte(name))
        throw ValidationException("name: not UTF-8 text (byte " + std::to_string(*bad) +
                                  (name[*bad] == '\0' ? " is a NUL)" : " is not UTF-8)"));
    return name;
}

std::string checkedPhone(const std::string& raw)
{
    const std::string phone = Poco::trim(raw);
    if (phone.size() > MAX_COURIER_PHONE)
        throw ValidationException("phone: longer than " + std::to_string(MAX_COURIER_PHONE) +
                                  " bytes");
    if (phone.find_first_not_of("+0123456789 -()") != std::string::npos)
        throw ValidationException("phone '" + clipped(phone, 40) +
                                  "': only digits, spaces, '+', '-', '(' and ')' are allowed");
    return phone;
}

Transport checkedTransport(const std::string& raw)
{
    const auto transport = parseTransport(raw);
    if (!transport)
        throw ValidationException("transport_type '" + clipped(raw, 40) +
                                  "': must be one of on_foot, scooter, car");
    return *transport;
}

CourierStatus checkedStatus(const std::string& raw)
{
    const auto status = parseCourierStatus(raw);
    if (!status)
        throw ValidationException("status '" + clipped(raw, 40) +
                                  "': must be one of available, paused");
    if (*status == CourierStatus::Busy)
        throw ValidationException("status 'busy': set only by assignment; a courier can be made "
                                  "'available' or 'paused'");
    return *status;
}

} // namespace courierd
