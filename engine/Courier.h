#pragma once

#include <Poco/Timestamp.h>

#include <optional>
#include <string>
#include <string_view>

namespace courierd
{

enum class CourierStatus
{
    Available, ///< May be given an order.
    Busy,      ///< Delivering; set and cleared only by assignment, unassignment and the monitor.
    Paused,    ///< Off shift; never chosen.
};

enum class Transport
{
    OnFoot,
    Scooter,
    Car,
};

/// `available`, `busy`, `paused`.
std::string_view toString(CourierStatus status);
/// `on_foot`, `scooter`, `car`.
std::string_view toString(Transport transport);

/// Parse the names above; nothing for any other text.
std::optional<CourierStatus> parseCourierStatus(std::string_view text);
std::optional<Transport> parseTransport(std::string_view text);

/// A courier as stored.
struct Courier
{
    Poco::Int64 id = 0;
    std::string name;
    std::string phone;
    CourierStatus status = CourierStatus::Available;
    Transport transport = Transport::OnFoot;
    Poco::Int64 deliveryCount = 0;            ///< Deliveries ever assigned (and not unassigned).
    std::optional<std::string> activeOrderId; ///< While busy: the order being delivered.
    std::optional<std::string> activeSource;  ///< While busy: the source of that order.
    std::optional<Poco::Timestamp> busyUntil; ///< While busy: that delivery's deadline.
};

/// What a new courier is made of. Status may be `available` (default) or `paused`.
struct NewCourier
{
    std::string name;
    std::string phone;
    std::string status = "available";
    std::string transport;
};

/// A partial update: only the fields present change.
struct CourierChanges
{
    std::optional<std::string> name;
    std::optional<std::string> phone;
    std::optional<std::string> status; ///< `available` or `paused`; refused while busy.
    std::optional<std::string> transport;
};

} // namespace courierd
