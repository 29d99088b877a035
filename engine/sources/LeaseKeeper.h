#pragma once

#include "sources/PollStore.h"

#include <Poco/Logger.h>
#include <Poco/ThreadPool.h>
#include <Poco/Timer.h>

#include <functional>
#include <memory>
#include <vector>

namespace courierd
{

/// Renews the leases of the polls in progress every third of the lease TTL, on a timer of its
/// own, so that a poll longer than the TTL still stores its cursor. A holder that stalls
/// (SIGSTOP, a frozen VM) stops renewing and loses the lease as before. A lease whose term has
/// gone, or a renewal the store refused, is logged; the poll then stores nothing and steps down.
class LeaseKeeper
{
public:
    /// `polling` gives the leases of the polls in progress (SourceLease::polling()).
    LeaseKeeper(PollStore& store, std::function<std::vector<Lease>()> polling,
                Poco::Logger& logger);
    ~LeaseKeeper();

    /// Renews every period() on `threads` until stop().
    void start(Poco::ThreadPool& threads);
    /// Waits for a running renewal. Idempotent.
    void stop();

    /// One round: renews every lease of a poll in progress. What the timer calls.
    void renewAll();

    /// A third of the TTL, at least 10 ms.
    Duration period() const;

private:
    void onTimer(Poco::Timer&) { renewAll(); }

    PollStore& _store;
    std::function<std::vector<Lease>()> _polling;
    Poco::Logger& _logger;
    std::unique_ptr<Poco::Timer> _timer;
};

} // namespace courierd
