#pragma once

#include <Poco/Data/Session.h>

#include <map>
#include <string>

namespace courierd
{

/// Inbox rows by source and state, from the deltas that migration 0004's triggers append on
/// every statement that changes the inbox: reading them costs the same at any inbox size, and
/// writers never wait on one another for them. Stateless; any thread.
class InboxCounts
{
public:
    /// source → state → rows (states without rows are absent).
    using Counts = std::map<std::string, std::map<std::string, Poco::Int64>>;

    /// The counts now, through `session`. Throws Poco::Data exceptions.
    static Counts read(Poco::Data::Session& session);

    /// Folds the deltas into one row per source and state, so that reading stays cheap.
    /// Safe beside writers and other folds. Throws Poco::Data exceptions.
    static void fold(Poco::Data::Session& session);
};

} // namespace courierd
