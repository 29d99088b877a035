#pragma once

#include "sources/PollStore.h"

#include <Poco/Logger.h>

#include <mutex>
#include <optional>
#include <string>

namespace courierd
{

/// The lease protocol of one source, in one place. A tick takes (or renews) the lease first and
/// polls only while it holds it; while the poll runs (a Polling lives) the LeaseKeeper renews
/// it, so that a poll longer than the TTL still stores its cursor; an ingest that finds the term
/// gone drops it (lost()) and the instance stands by; stop and remove give it up so that
/// another instance takes over at once. It also keeps the cursor this instance stored last
/// under the lease's term: while the term is unchanged nobody else can have stored one, so a
/// tick need not read it back. Used by the source's tick (one thread at a time), except
/// polling(), which the keeper reads from its own thread.
class SourceLease
{
public:
    SourceLease(PollStore& store, std::string source, Poco::Logger& logger);

    /// Takes or renews the lease; false while another live instance holds it. Throws store
    /// errors (the lease is then as it was).
    bool take();

    /// The lease this instance holds, or nullptr.
    const Lease* held() const { return _lease ? &*_lease : nullptr; }

    /// Another instance holds it now (LeaseLostException): stand by until take() again.
    void lost() { _lease.reset(); }

    /// Gives the lease up, if held; a store error is logged, and the lease expires instead.
    void release();

    /// Who holds it and until when, for the standby log line. Throws store errors.
    std::optional<std::pair<std::string, Poco::Timestamp>> holder();

    /// The cursor to poll from under the held lease: the one this instance stored last under
    /// its term, or else the store's. Throws store errors.
    const std::string& cursor();
    /// A batch with a new cursor goes to the store: until stored() the cursor is unknown (an
    /// ingest whose outcome is unknown leaves it to be read again).
    void storing() { _cursorTerm = 0; }
    void stored(std::string cursor);
    /// Someone else may have moved it (an operator, while the source was paused): read it
    /// again before the next poll.
    void forgetCursor() { _cursorTerm = 0; }

    /// While it lives, the keeper renews the held lease. From take() to the end of the poll.
    class Polling
    {
    public:
        explicit Polling(SourceLease& lease);
        ~Polling();
        Polling(const Polling&) = delete;
        Polling& operator=(const Polling&) = delete;

    private:
        SourceLease& _lease;
    };

    /// The lease of a poll in progress, for the keeper. Any thread.
    std::optional<Lease> polling() const;

private:
    PollStore& _store;
    std::string _source;
    Poco::Logger& _logger;
    std::optional<Lease> _lease;
    std::string _cursor;
    Poco::Int64 _cursorTerm = 0;
    mutable std::mutex _mutex; // guards _polling
    std::optional<Lease> _polling;
};

} // namespace courierd
