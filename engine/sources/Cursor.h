#pragma once

#include <Poco/Timestamp.h>
#include <Poco/Types.h>

#include <optional>
#include <string>

namespace courierd
{

// A source's stored cursor and an operator's change of it: value types, no store (the admin
// handlers see them through admin/Services.h).

/// A source's cursor as stored.
struct StoredCursor
{
    std::string cursor; ///< Empty after a reset: the plugin starts from its start.
    Poco::Int64 version = 0;
    Poco::Timestamp updatedAt{0};
};

/// One operator change of a cursor (a row of `cursor_history`).
struct CursorChange
{
    Poco::Int64 id = 0;
    Poco::Timestamp at{0};
    std::optional<std::string> previous; ///< None: the source had no cursor yet.
    std::string cursor;                  ///< Empty: a reset.
    std::string remote;                  ///< The client's address.
    std::string reason;
};

} // namespace courierd
