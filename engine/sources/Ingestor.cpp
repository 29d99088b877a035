#include "sources/Ingestor.h"

#include "courierd/JsonArray.h"
#include "courierd/Utf8.h"
#include "sources/RecordScreen.h"
#include "sources/Sql.h"
#include "util/Exceptions.h"

#include <Poco/Data/Transaction.h>
#include <Poco/DigestEngine.h>
#include <Poco/SHA1Engine.h>

namespace courierd
{

using namespace sql::sources;

using namespace Poco::Data::Keywords;

// The rows as one JSON array for json_to_recordset, written directly (through a DOM it was the
// largest cost of a drain): {"id","created_us"?,"payload","state","reason"?}. Each row's place
// in the text is kept, so that a part the store refuses can be stored row by row.
struct IngestRows
{
    std::string json;
    std::vector<std::pair<std::size_t, std::size_t>> spans; // offset, length of each row

    bool empty() const { return spans.empty(); }
    std::string one(std::size_t i) const
    {
        return "[" + json.substr(spans[i].first, spans[i].second) + "]";
    }
};

namespace
{

// A reject's inbox key: its salvaged id and content, so that two rejects differing in either
// are both kept.
std::string rejectKey(std::string_view id, std::string_view payload)
{
    Poco::SHA1Engine sha1;
    sha1.update(id.data(), static_cast<unsigned>(id.size()));
    sha1.update('\0');
    sha1.update(payload.data(), static_cast<unsigned>(payload.size()));
    return "rejected:" + Poco::DigestEngine::digestToHex(sha1.digest());
}

IngestRows rowsOf(const std::vector<Record>& records, const std::vector<Reject>& rejects,
                  const RecordScreen& screen)
{
    std::size_t size = 2;
    for (const auto& record : records)
        size += record.payload.size() + record.id.size() + record.reason.size() + 96;
    for (const auto& reject : rejects)
        size += reject.payload.size() + reject.id.size() + reject.reason.size() + 160;
    IngestRows rows;
    std::string& out = rows.json;
    out.reserve(size + size / 8);
    rows.spans.reserve(records.size() + rejects.size());
    const auto row = [&](std::string_view id, const Poco::Timestamp* created,
                         std::string_view payload, std::string_view state, std::string_view reason)
    {
        if (!rows.spans.empty())
            out += ',';
        const std::size_t begin = out.size();
        out += "{\"id\":";
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
        rows.spans.emplace_back(begin, out.size() - begin);
    };
    // Keyed by a hash of id and content, never by the id alone: a later, valid version of the
    // same order must not collide with its malformed one.
    const auto reject = [&](std::string_view id, std::string_view payload, std::string_view why)
    {
        const Reject storable = RecordScreen::storable(id, payload, why);
        row(rejectKey(id, payload), nullptr, storable.payload, "rejected", storable.reason);
    };
    out += '[';
    for (const auto& record : records)
    {
        if (const auto why = screen.unstorable(record))
        {
            reject(record.id, record.payload, *why);
            continue;
        }
        const bool skip = record.verdict == Record::Verdict::Skip;
        row(record.id, &record.createdAt, record.payload, skip ? "skipped" : "pending",
            skip ? std::string_view(record.reason) : std::string_view());
    }
    for (const auto& item : rejects)
        reject(item.id, item.payload, item.reason);
    out += ']';
    return rows;
}

} // namespace

Ingestor::Ingestor(Database& database, std::string holder, Duration ttl)
    : _database(database)
    , _holder(std::move(holder))
    , _ttl(ttl)
    , _logger(Poco::Logger::get("courierd.ingest"))
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

std::optional<std::pair<std::string, Poco::Timestamp>> Ingestor::holder(const std::string& source)
{
    std::string name = source;
    std::vector<std::string> holders;
    std::vector<Poco::Int64> until;
    auto session = _database.session();
    session << LEASE_HOLDER, use(name), into(holders), into(until), now;
    if (holders.empty())
        return std::nullopt;
    return std::make_pair(holders.front(), Poco::Timestamp(until.front()));
}

void Ingestor::release(const Lease& lease)
{
    std::string source = lease.source;
    std::string holder = lease.holder;
    Poco::Int64 term = lease.term;
    auto session = _database.session();
    session << RELEASE_LEASE, use(source), use(holder), use(term), now;
}

std::string Ingestor::cursor(const std::string& source)
{
    std::string name = source;
    std::vector<std::string> cursors;
    std::vector<Poco::Int64> versions;
    auto session = _database.session();
    session << CURSOR, use(name), into(cursors), into(versions), now;
    std::lock_guard lock(_mutex);
    _versions[source] = versions.empty() ? 0 : versions.front();
    return cursors.empty() ? std::string() : cursors.front();
}

IngestResult Ingestor::ingest(const Lease& lease, const Batch& batch, Duration maxClockSkew)
{
    return store(lease, batch.records, batch.rejects, &batch.cursor, maxClockSkew);
}

IngestResult Ingestor::ingestPart(const Lease& lease, const std::vector<Record>& records,
                                  const std::vector<Reject>& rejects, Duration maxClockSkew)
{
    return store(lease, records, rejects, nullptr, maxClockSkew);
}

IngestResult Ingestor::ingestReplay(const Lease& lease, const std::vector<Record>& records,
                                    const std::vector<Reject>& rejects,
                                    const ReplayProgress& progress, Duration maxClockSkew)
{
    return store(lease, records, rejects, nullptr, maxClockSkew, &progress);
}

IngestResult Ingestor::store(const Lease& lease, const std::vector<Record>& records,
                             const std::vector<Reject>& rejects, const std::string* cursor,
                             Duration maxClockSkew, const ReplayProgress* replay)
{
    const IngestRows rows = rowsOf(records, rejects, RecordScreen(Poco::Timestamp(), maxClockSkew));
    try
    {
        return store(lease, rows, cursor, false, replay);
    }
    catch (const Poco::Data::DataException& e)
    {
        if (rows.spans.size() <= 1 && !cursor)
            throw;
        // Something in the part that the screen did not foresee: one row must not hold back
        // the others, so each is stored on its own and a row the store refuses is rejected.
        _logger.warning("source %s: the store refused a part of %z row(s) as a whole (%s); "
                        "storing it row by row",
                        lease.source, rows.spans.size(), clipped(e.displayText(), 300));
        return store(lease, rows, cursor, true, replay);
    }
}

void Ingestor::fence(Poco::Data::Session& session, const Lease& lease)
{
    std::string source = lease.source;
    std::string holder = lease.holder;
    Poco::Int64 term = lease.term;
    Poco::Int64 ttl = _ttl.count();
    // The fence locks the lease row until commit. Should this process freeze before then (a
    // SIGSTOP, a paused VM), the server ends its transaction once it has idled a lease's TTL,
    // so the instance taking the lease over is not blocked on that lock for good.
    std::string idle = std::to_string(ttl);
    session << FREEZE_TIMEOUT, use(idle), now;
    std::vector<Poco::Int64> held;
    session << FENCE, use(source), use(holder), use(term), use(ttl), into(held), now;
    if (held.empty())
        throw LeaseLostException("source " + source + ": lease term " + std::to_string(term) +
                                 " is no longer current; this instance stepped down");
}

bool Ingestor::renew(const Lease& lease)
{
    auto session = _database.session();
    Poco::Data::Transaction transaction(session);
    try
    {
        fence(session, lease);
    }
    catch (const LeaseLostException&)
    {
        return false;
    }
    transaction.commit();
    return true;
}

IngestResult Ingestor::store(const Lease& lease, const IngestRows& rows, const std::string* cursor,
                             bool rowByRow, const ReplayProgress* replay)
{
    std::string source = lease.source;
    auto session = _database.session();
    Poco::Data::Transaction transaction(session);
    fence(session, lease);

    IngestResult result;
    const auto insert = [&](const std::string& json)
    {
        Poco::Int64 stored = 0, skipped = 0, rejected = 0;
        session << INSERT_ROWS, use(source), use(const_cast<std::string&>(json)), into(stored),
            into(skipped), into(rejected), now;
        result.records += static_cast<int>(stored);
        result.skipped += static_cast<int>(skipped);
        result.rejects += static_cast<int>(rejected);
    };
    if (!rowByRow && !rows.empty())
        insert(rows.json);
    for (std::size_t i = 0; rowByRow && i < rows.spans.size(); ++i)
    {
        const std::string row = rows.one(i);
        session << ROW_SAVEPOINT, now;
        try
        {
            insert(row);
        }
        catch (const Poco::Data::DataException& e)
        {
            session << ROLLBACK_ROW, now;
            const std::string why = "the store refused it: " + e.displayText();
            const std::string text = row.substr(1, row.size() - 2);
            insert(rowsOf({}, {RecordScreen::storable("", text, why)},
                          RecordScreen(Poco::Timestamp(), Duration(0)))
                       .json);
        }
    }
    const Poco::Int64 version = cursor ? saveCursor(session, source, *cursor) : 0;
    if (replay)
    {
        Poco::Int64 id = replay->id, read = replay->read, fresh = result.records + result.rejects;
        std::string text = replay->cursor.value_or("");
        std::string holder = _holder;
        int moves = replay->cursor ? 1 : 0;
        std::vector<int> running;
        session << REPLAY_PROGRESS, use(id), use(text), use(read), use(fresh), use(holder),
            use(moves), into(running), now;
        if (running.empty())
            throw ReplayStoppedException("replay " + std::to_string(id) + " of source " + source +
                                         " no longer runs (canceled); its last step is not stored");
    }
    transaction.commit();
    if (cursor)
    {
        std::lock_guard lock(_mutex);
        _versions[source] = version;
    }
    return result;
}

Poco::Int64 Ingestor::saveCursor(Poco::Data::Session& session, const std::string& source,
                                 const std::string& cursor)
{
    std::optional<Poco::Int64> read;
    {
        std::lock_guard lock(_mutex);
        if (const auto it = _versions.find(source); it != _versions.end())
            read = it->second;
        // Until this write commits, what is stored is unknown: the next tick reads it again.
        _versions.erase(source);
    }
    std::string name = source;
    Poco::Int64 expected = read.value_or(0);
    std::vector<Poco::Int64> written;
    // Bound by reference (POCO only reads it): a cursor can be megabytes.
    auto& text = const_cast<std::string&>(cursor);
    if (!read)
        session << UPSERT_CURSOR, use(name), use(text), into(written), now;
    else if (expected == 0)
        session << INSERT_CURSOR, use(name), use(text), into(written), now;
    else
        session << UPDATE_CURSOR, use(name), use(text), use(expected), into(written), now;
    if (written.empty())
        throw CursorMovedException(
            "source " + source +
            ": the stored cursor is no longer the one this tick started "
            "from (a database failover rolled it back, or it was set); nothing of this batch "
            "was stored, and the next tick reads the cursor again");
    return written.front();
}

} // namespace courierd
