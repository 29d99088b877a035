#pragma once

#include "courierd/Batch.h"
#include "courierd/Duration.h"

#include <Poco/Timestamp.h>
#include <Poco/Types.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace courierd
{

/// A lease on one source: held by `holder` with `term` until it expires.
struct Lease
{
    std::string source;
    std::string holder;
    Poco::Int64 term = 0;
};

/// What one ingest stored.
struct IngestResult
{
    int records = 0; ///< New inbox rows: pending and skipped.
    int skipped = 0; ///< Of those, skipped.
    int rejects = 0; ///< New rejected rows.

    IngestResult& operator+=(const IngestResult& more)
    {
        records += more.records;
        skipped += more.skipped;
        rejects += more.rejects;
        return *this;
    }
};

/// A step of a replay: its rows are stored with its progress instead of the source's cursor.
struct ReplayProgress
{
    Poco::Int64 id = 0;
    std::optional<std::string> cursor; ///< The replay's new cursor; none for a part.
    Poco::Int64 read = 0;              ///< Records of the range in this step.
};

/// What a source's poll asks of the store: the lease that makes one instance its poller, the
/// cursor, and the fenced ingest of what it fetched. Ingestor is it over PostgreSQL (the
/// contract of each call is written there); the poll's unit tests use one in memory
/// (tests/support/MemoryPollStore.h). Thread-safe.
class PollStore
{
public:
    virtual ~PollStore() = default;

    /// Takes or renews the lease on `source`; nothing while another live instance holds it.
    virtual std::optional<Lease> acquire(const std::string& source) = 0;
    /// Who holds the lease of `source` and until when, when anybody ever took it.
    virtual std::optional<std::pair<std::string, Poco::Timestamp>>
    holder(const std::string& source) = 0;
    /// Renews `lease` for another TTL while its term is current; false once it is not.
    virtual bool renew(const Lease& lease) = 0;
    /// Gives `lease` up, so that another instance can take over at once.
    virtual void release(const Lease& lease) = 0;
    /// The stored cursor of `source`, which the next ingest() stores over (compare-and-set).
    virtual std::string cursor(const std::string& source) = 0;
    /// A batch with its cursor, fenced by `lease` (LeaseLostException, CursorMovedException).
    virtual IngestResult ingest(const Lease& lease, const Batch& batch, Duration maxClockSkew) = 0;
    /// A part of a streamed answer, leaving the cursor where it is.
    virtual IngestResult ingestPart(const Lease& lease, const std::vector<Record>& records,
                                    const std::vector<Reject>& rejects, Duration maxClockSkew) = 0;
    /// A replay's rows with its progress (ReplayStoppedException once it no longer runs).
    virtual IngestResult ingestReplay(const Lease& lease, const std::vector<Record>& records,
                                      const std::vector<Reject>& rejects,
                                      const ReplayProgress& progress, Duration maxClockSkew) = 0;

    /// The name this instance holds leases under.
    virtual const std::string& holder() const = 0;
    /// How long a lease lasts unrenewed.
    virtual Duration ttl() const = 0;
};

} // namespace courierd
