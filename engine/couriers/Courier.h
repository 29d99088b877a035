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

/// The checks of what an operator may write to a courier, each returning the value to store or
/// throwing ValidationException naming the field (quoting at most 40 bytes of the value). Pure.
/// Name: trimmed, 1 to MAX_COURIER_NAME bytes of UTF-8 text without NUL.
std::string checkedName(const std::string& raw);
/// Phone: trimmed, at most MAX_COURIER_PHONE bytes of digits, spaces, `+`, `-`, `(` and `)`.
std::string checkedPhone(const std::string& raw);
Transport checkedTransport(const std::string& raw);
/// `available` or `paused`: `busy` is set only by assignment.
CourierStatus checkedStatus(const std::string& raw);

constexpr std::size_t MAX_COURIER_NAME = 200;
constexpr std::size_t MAX_COURIER_PHONE = 32;

} // namespace courierd
