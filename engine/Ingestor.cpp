#include "Ingestor.h"

#include "Exceptions.h"
#include "courierd/JsonArray.h"

#include <Poco/Data/Transaction.h>
#include <Poco/DigestEngine.h>
#include <Poco/SHA1Engine.h>

namespace courierd
{

using namespace Poco::Data::Keywords;

namespace
{

const std::string ACQUIRE = R"sql(
INSERT INTO source_leases AS l (source, holder, term, expires_at)
VALUES ($1, $2, 1, now() + $3::bigint * interval '1 millisecond')
ON CONFLICT (source) DO UPDATE
SET holder = EXCLUDED.holder,
    term = CASE WHEN l.holder = EXCLUDED.holder THEN l.term ELSE l.term + 1 END,
    expires_at = EXCLUDED.expires_at
WHERE l.holder = EXCLUDED.holder OR l.expires_at < now()
RETURNING term
)sql";

// Locks the lease row: a takeover waits for this ingest, and this ingest sees a takeover.
const std::string FENCE = R"sql(
SELECT term FROM source_leases
WHERE source = $1 AND holder = $2 AND term = $3 AND expires_at > now()
FOR UPDATE
)sql";

// The whole batch in one statement, as one JSON document of rows.
const std::string INSERT_ROWS = R"sql(
WITH rows AS (
    SELECT * FROM json_to_recordset($2::json)
        AS r(id text, created_us bigint, payload text, state text, reason text)
), inserted AS (
    INSERT INTO inbox (source, record_id, created_at, payload, state, reason)
    SELECT $1, id,
           CASE WHEN created_us IS NULL THEN NULL
                ELSE to_timestamp(created_us / 1000000.0) END,
           payload, state, reason
    FROM rows
    ON CONFLICT (source, record_id) DO NOTHING
    RETURNING state
)
SELECT count(*) FILTER (WHERE state <> 'rejected'),
       count(*) FILTER (WHERE state = 'skipped'),
       count(*) FILTER (WHERE state = 'rejected')
FROM inserted
)sql";

const std::string SAVE_CURSOR = R"sql(
INSERT INTO source_cursors (source, cursor, updated_at) VALUES ($1, $2, now())
ON CONFLICT (source) DO UPDATE SET cursor = EXCLUDED.cursor, updated_at = now()
)sql";

std::string rejectKey(const std::string& payload)
{
    Poco::SHA1Engine sha1;
    sha1.update(payload);
    return "rejected:" + Poco::DigestEngine::digestToHex(sha1.digest());
}

// The rows as one JSON array for json_to_recordset, written directly (through a DOM it was the
// largest cost of a drain): {"id","created_us"?,"payload","state","reason"?}.
std::string rowsOf(const std::vector<Record>& records, const std::vector<Reject>& rejects)
{
    std::size_t size = 2;
    for (const auto& record : records)
        size += record.payload.size() + record.id.size() + record.reason.size() + 96;
    for (const auto& reject : rejects)
        size += reject.payload.size() + reject.id.size() + reject.reason.size() + 160;
    std::string out;
    out.reserve(size + size / 8);
    const auto row = [&out](std::string_view id, const Poco::Timestamp* created,
                            std::string_view payload, std::string_view state,
                            std::string_view reason)
    {
        out += out.size() > 1 ? ",{\"id\":" : "{\"id\":";
        appendJsonString(out, id);
        if (created)
            out += ",\"created_us\":" + std::to_string(created->epochMicroseconds());
        out += ",\"payload\":";
        appendJsonString(out, payload);
        out += ",\"state\":";
        appendJsonString(out, state);
        if (!reason.empty())
        {
            out += ",\"reason\":";
            appendJsonString(out, reason);
        }
        out += '}';
    };
    out += '[';
    for (const auto& record : records)
    {
        const bool skip = record.verdict == Record::Verdict::Skip;
        row(record.id, &record.createdAt, record.payload, skip ? "skipped" : "pending",
            skip ? std::string_view(record.reason) : std::string_view());
    }
    for (const auto& reject : rejects)
        // Keyed by content, not by the salvaged id: a later, valid version of the same
        // order must not collide with its malformed one.
        row(rejectKey(reject.payload), nullptr, reject.payload, "rejected",
            reject.id.empty() ? reject.reason : "id " + reject.id + ": " + reject.reason);
    out += ']';
    return out;
}

} // namespace

Ingestor::Ingestor(Database& database, std::string holder, Duration ttl)
    : _database(database)
    , _holder(std::move(holder))
    , _ttl(ttl)
{
}

std::optional<Lease> Ingestor::acquire(const std::string& source)
{
    std::string name = source;
    Poco::Int64 ttl = _ttl.count();
    std::vector<Poco::Int64> terms;
    auto session = _database.session();
    session << ACQUIRE, use(name), use(_holder), use(ttl), into(terms), now;
    if (terms.empty())
        return std::nullopt;
    return Lease{source, _holder, terms.front()};
}

void Ingestor::release(const Lease& lease)
{
    std::string source = lease.source;
    std::string holder = lease.holder;
    Poco::Int64 term = lease.term;
    auto session = _database.session();
    session << "UPDATE source_leases SET expires_at = now() WHERE source = $1 AND holder = $2 "
               "AND term = $3",
        use(source), use(holder), use(term), now;
}

std::string Ingestor::cursor(const std::string& source)
{
    std::string name = source;
    std::vector<std::string> cursors;
    auto session = _database.session();
    session << "SELECT cursor FROM source_cursors WHERE source = $1", use(name), into(cursors), now;
    return cursors.empty() ? std::string() : cursors.front();
}

IngestResult Ingestor::ingest(const Lease& lease, const Batch& batch)
{
    return store(lease, batch.records, batch.rejects, &batch.cursor);
}

IngestResult Ingestor::ingestPart(const Lease& lease, const std::vector<Record>& records,
                                  const std::vector<Reject>& rejects)
{
    return store(lease, records, rejects, nullptr);
}

IngestResult Ingestor::store(const Lease& lease, const std::vector<Record>& records,
                             const std::vector<Reject>& rejects, const std::string* cursor)
{
    std::string source = lease.source;
    std::string holder = lease.holder;
    Poco::Int64 term = lease.term;
    std::string rows = rowsOf(records, rejects);

    auto session = _database.session();
    Poco::Data::Transaction transaction(session);
    std::vector<Poco::Int64> held;
    session << FENCE, use(source), use(holder), use(term), into(held), now;
    if (held.empty())
        throw LeaseLostException("source " + source + ": lease term " + std::to_string(term) +
                                 " is no longer current; this instance stepped down");

    IngestResult result;
    Poco::Int64 stored = 0, skipped = 0, rejected = 0;
    if (!records.empty() || !rejects.empty())
        session << INSERT_ROWS, use(source), use(rows), into(stored), into(skipped), into(rejected),
            now;
    if (cursor)
        // Bound by reference (POCO only reads it): a cursor can be megabytes.
        session << SAVE_CURSOR, use(source), use(const_cast<std::string&>(*cursor)), now;
    transaction.commit();
    result.records = static_cast<int>(stored);
    result.skipped = static_cast<int>(skipped);
    result.rejects = static_cast<int>(rejected);
    return result;
}

} // namespace courierd
