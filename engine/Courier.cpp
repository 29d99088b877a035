#include "Courier.h"

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

} // namespace courierd
