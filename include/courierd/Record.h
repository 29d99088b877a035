#pragma once

#include <Poco/Timestamp.h>

#include <string>

namespace courierd
{

/// One well-formed element a source returned: an order, and the plugin's verdict on it.
/// A plain value type; the engine stores it in the inbox exactly as given.
struct Record
{
    enum class Verdict
    {
        Assign, ///< Needs a courier.
        Skip,   ///< Needs none (e.g. status `canceled`); stored `skipped` with `reason`.
    };

    std::string id;            ///< Unique within the source, non-empty: the order id.
    Poco::Timestamp createdAt; ///< When the source says the order was created.
    std::string payload;       ///< The element's raw JSON, stored verbatim.
    Verdict verdict = Verdict::Assign;
    std::string reason; ///< Skip: why, for operators (`status canceled`).
};

} // namespace courierd
