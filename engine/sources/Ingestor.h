#pragma once

#include "courierd/Batch.h"
#include "sources/PollStore.h"
#include "store/Database.h"

#include <Poco/Logger.h>

#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace courierd
{

struct IngestRows;

/// Moves fetched batches into the store, fenced by the source's lease: records, rejects and
/// the cursor go in one transaction, and only while the lease's term is still current, so a
/// paused or partitioned ex-holder changes nothing. A streamed answer arrives as parts
/// (records and rejects, no cursor) followed by the batch that moves the cursor. The
/// PollStore of the engine. Thread-safe.
class Ingestor final : public PollStore
{
public:
    /// `holder` names this courierd instance; `ttl` is how long a lease lasts unrenewed.
    Ingestor(Database& database, std::string holder, Duration ttl);

    /// Takes or renews the lease on `source`. Returns it, or nothing while another live
    /// instance holds it. Taking over an expired lease raises the term. Throws on store errors.
    std::optional<Lease> acquire(const std::string& source) override;

    /// Who holds the lease of `source` and until when (the database's clock), or nothing when
    /// nobody ever took it. For the standby log line. Throws on store errors.
    std::optional<std::pair<std::string, Poco::Timestamp>>
    holder(const std::string& source) override;

    /// Gives the lease up (at shutdown), so another instance can take over at once.
    void release(const Lease& lease) override;

    /// The stored cursor of `source`; empty before its first ingest. The next ingest() of
    /// `source` stores its cursor only over this one (compare-and-set), so an ingest that
    /// follows a cursor the store no longer holds (rolled back by a failover to an asynchronous
    /// standby, or set by an operator) throws CursorMovedException and stores nothing.
    std::string cursor(const std::string& source) override;

    /// Renews the lease for another TTL while its term is current; false once it is not.
    /// A tick longer than the TTL keeps its lease this way. Throws on store errors.
    bool renew(const Lease& lease) override;

    /// Stores `batch` under `lease` in one transaction: records (pending, or skipped with
    /// their reason), rejects (with their reason) and the cursor; the lease is renewed. Rows
    /// already in the inbox are left as they are. A record the store cannot hold (see
    /// RecordScreen; `maxClockSkew` bounds `created_at`) is stored rejected with the reason.
    /// A batch the store still refuses as a whole is stored row by row, a refused row rejected
    /// with the store's error, so that one row never holds back the others. Throws
    /// LeaseLostException, having written nothing, when the lease's term is no longer current,
    /// and CursorMovedException when the stored cursor is not the one cursor() read or the last
    /// ingest() wrote; other store errors likewise write nothing, and leave the cursor to be
    /// read again.
    IngestResult ingest(const Lease& lease, const Batch& batch,
                        Duration maxClockSkew = DEFAULT_MAX_CLOCK_SKEW) override;

    /// Stores part of a streamed answer the same way, in a transaction of its own, leaving
    /// the cursor where it is (see Source::stream()).
    IngestResult ingestPart(const Lease& lease, const std::vector<Record>& records,
                            const std::vector<Reject>& rejects,
                            Duration maxClockSkew = DEFAULT_MAX_CLOCK_SKEW) override;

    /// Stores a replay's records and rejects like ingest(), fenced by the source's lease, and
    /// in the same transaction the replay's progress (`progress`); the source's own cursor is
    /// never touched. Throws ReplayStoppedException, having written nothing, when the replay no
    /// longer runs (canceled meanwhile).
    IngestResult ingestReplay(const Lease& lease, const std::vector<Record>& records,
                              const std::vector<Reject>& rejects, const ReplayProgress& progress,
                              Duration maxClockSkew = DEFAULT_MAX_CLOCK_SKEW) override;

    /// `source.NAME.max_clock_skew` unless set.
    static constexpr Duration DEFAULT_MAX_CLOCK_SKEW{5 * 60 * 1000};

    const std::string& holder() const override { return _holder; }
    Duration ttl() const override { return _ttl; }

private:
    // `cursor`: the cursor to store with the rows, or nullptr to leave it.
    // `replay`: a replay's progress to store with the rows (then `cursor` is nullptr).
    IngestResult store(const Lease& lease, const std::vector<Record>& records,
                       const std::vector<Reject>& rejects, const std::string* cursor,
                       Duration maxClockSkew, const ReplayProgress* replay = nullptr);
    IngestResult store(const Lease& lease, const IngestRows& rows, const std::string* cursor,
                       bool rowByRow, const ReplayProgress* replay);
    void fence(Poco::Data::Session& session, const Lease& lease);
    // Writes the cursor compare-and-set; returns its new version.
    Poco::Int64 saveCursor(Poco::Data::Session& session, const std::string& source,
                           const std::string& cursor);

    Database& _database;
    std::string _holder;
    Duration _ttl;
    Poco::Logger& _logger;
    std::mutex _mutex;
    // The version of each source's cursor as this instance last read or wrote it; none when
    // unknown (never read, or a write whose outcome is unknown).
    std::map<std::string, Poco::Int64> _versions;
};

} // namespace courierd
