// postgres-table: orders kept in a table (or a query's rows) of a PostgreSQL another team owns,
// read as Kafka Connect's JDBC source reads in timestamp+incrementing mode: keyset pages
// ordered by (timestamp_column, id_column), from the last row stored, and only rows older than
// `delay` (in the database's clock), so that rows committed late within it are not passed
// over. Read-only transactions of one statement each, a statement timeout of its own; each row
// becomes a JSON payload with the column names as keys. An ordinary plugin on the SDK and
// libpq.
#include "TableCursor.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Logger.h>

#include <courierd/ConfigMap.h>
#include <courierd/Exceptions.h>
#include <courierd/JsonArray.h>
#include <courierd/Plugin.h>
#include <courierd/Rfc3339.h>
#include <courierd/Utf8.h>
#include <libpq-fe.h>
#include <map>
#include <memory>
#include <optional>
#include <set>

namespace postgres_table
{

struct Settings
{
    std::string url;
    std::string password;
    std::string table;
    std::string query;
    std::string idColumn;
    std::string timestampColumn;
    std::string statusColumn;
    std::set<std::string> statuses;
    courierd::Duration delay{};
    long long pageSize = 0;
    courierd::Duration statementTimeout{};
    courierd::Duration connectTimeout{};
    Poco::Timestamp startFrom;
    long long maxOrderBytes = 0;

    static const courierd::ConfigMap<Settings>& map()
    {
        using namespace std::chrono_literals;
        using S = Settings;
        static const auto map =
            courierd::ConfigMap<S>()
                .string("url", &S::url, "",
                        "the database: a libpq connection string or URI, without the password")
                .secret("password_file", &S::password, "file holding the role's password")
                .string("table", &S::table, "", "the table to read (schema.table); or query")
                .string("query", &S::query, "",
                        "a SELECT whose rows are the orders, read as a subquery; or table")
                .string("id_column", &S::idColumn, "id", "an order's id")
                .string("timestamp_column", &S::timestampColumn, "created_at",
                        "an order's creation time (timestamp or timestamptz)")
                .string("status_column", &S::statusColumn, "",
                        "an order's status, judged by statuses (empty: none)")
                .list("statuses", &S::statuses, "",
                      "statuses that need a courier; rows in others are recorded skipped "
                      "(empty: every row needs one)")
                .duration("delay", &S::delay, "5s",
                          "rows younger than this (in the database's clock) wait for the next "
                          "poll: transactions still in flight commit theirs",
                          0ms, 1h)
                .integer("page_size", &S::pageSize, "1000", "rows read per statement", 1, 100000)
                .duration("statement_timeout", &S::statementTimeout, "10s",
                          "longest one statement may run", 100ms, 10min)
                .duration("connect_timeout", &S::connectTimeout, "5s",
                          "longest a connection may take", 1s, 5min)
                .time("start_from", &S::startFrom, "1970-01-01T00:00:00Z",
                      "RFC3339 time the first poll starts from")
                .integer("max_order_bytes", &S::maxOrderBytes, "1048576",
                         "largest row, as JSON; a larger one is rejected, kept cut to this size",
                         256, 64 * 1024 * 1024);
        return map;
    }
};

namespace
{

using Result = std::unique_ptr<PGresult, decltype(&PQclear)>;

// Where the keyset stands: after (ts, id) of the last row stored, or from a time.
} // namespace

class PostgresTableSource : public courierd::Source
{
public:
    ~PostgresTableSource() override { disconnect(); }

    std::vector<courierd::ConfigKey> settings() const override { return Settings::map().keys(); }

    void initialize(courierd::SourceContext& context) override
    {
        _context = &context;
        _settings = Settings::map().read(context);
        if (_settings.url.empty())
            throw courierd::ConfigException(context.describe("url") +
                                            ": name the database to read");
        if (_settings.table.empty() == _settings.query.empty())
            throw courierd::ConfigException(context.describe("table") +
                                            ": give table or query, one of them");
        if (_settings.idColumn.empty() || _settings.timestampColumn.empty())
            throw courierd::ConfigException(context.describe("id_column") +
                                            ": id_column and timestamp_column name columns");
    }

    void shutdown() override { disconnect(); }

    // One page a fetch; more while it was full.
    courierd::Batch fetch(const std::string& cursor) override
    {
        const TableCursor at = position(cursor);
        connect();
        if (!_checked)
            check();
        std::vector<std::string> values;
        std::string where;
        if (at.ts)
        {
            where = "(q." + ts() + ", q." + id() + ") > ($1, $2)";
            values = {*at.ts, *at.id};
        }
        else
        {
            where = "q." + ts() + " >= $1";
            values = {at.from};
        }
        values.push_back(std::to_string(_settings.delay.count()) + " milliseconds");
        values.push_back(std::to_string(_settings.pageSize));
        const std::string n = std::to_string(values.size() - 1);
        const std::string sql =
            "SELECT (extract(epoch FROM q." + ts() + ") * 1000000)::bigint, q." + ts() +
            "::text, q." + id() + "::text, " +
            (_settings.statusColumn.empty() ? std::string("NULL::text")
                                            : "q." + ident(_settings.statusColumn) + "::text") +
            ", to_json(q)::text FROM " + relation() + " WHERE " + where + " AND q." + ts() +
            " < now() - $" + n + "::interval ORDER BY q." + ts() + ", q." + id() + " LIMIT $" +
            std::to_string(values.size());
        const Result rows = readOnly(sql, values);

        courierd::Batch batch;
        const int count = PQntuples(rows.get());
        for (int row = 0; row < count; ++row)
            take(batch, rows.get(), row);
        batch.more = count == _settings.pageSize;
        if (count > 0)
        {
            const int last = count - 1;
            const std::string_view lastId(
                PQgetvalue(rows.get(), last, 2),
                static_cast<std::size_t>(PQgetlength(rows.get(), last, 2)));
            if (lastId.size() > TableCursor::MAX_ID_BYTES)
                throw courierd::SourceException(
                    _context->describe("id_column") + ": a row's id of " +
                    std::to_string(lastId.size()) + " bytes (" +
                    courierd::escapeUnstorable(courierd::clipped(lastId, 60)) +
                    ") is longer than a cursor holds (" +
                    std::to_string(TableCursor::MAX_ID_BYTES) + ")");
            batch.cursor = TableCursor::after(PQgetvalue(rows.get(), last, 1), lastId);
        }
        else
            batch.cursor = cursor;
        return batch;
    }

    std::string cursorAt(const Poco::Timestamp& time) override
    {
        return TableCursor::since(courierd::formatRfc3339(time));
    }

    bool rechecks() const override { return true; }

    // The asked ids read again in one statement: a row gone is gone.
    std::vector<courierd::RecheckAnswer>
    recheck(const std::vector<courierd::RecheckQuery>& orders) override
    {
        connect();
        std::string ids = "[";
        for (const auto& order : orders)
        {
            if (ids.size() > 1)
                ids += ",";
            courierd::appendJsonString(ids, order.id);
        }
        ids += "]";
        const Result rows = readOnly("SELECT q." + id() + "::text, " +
                                         (_settings.statusColumn.empty()
                                              ? std::string("NULL::text")
                                              : "q." + ident(_settings.statusColumn) + "::text") +
                                         " FROM " + relation() + " WHERE q." + id() +
                                         "::text IN (SELECT json_array_elements_text($1::json))",
                                     {ids});
        std::map<std::string, std::optional<std::string>> found;
        for (int row = 0; row < PQntuples(rows.get()); ++row)
            found[PQgetvalue(rows.get(), row, 0)] =
                PQgetisnull(rows.get(), row, 1) ? std::nullopt
                                                : std::optional(PQgetvalue(rows.get(), row, 1));
        std::vector<courierd::RecheckAnswer> answers;
        for (const auto& order : orders)
        {
            const auto it = found.find(order.id);
            if (it == found.end())
                answers.push_back({order.id, courierd::Fate::Gone, "no longer in the table"});
            else if (_settings.statusColumn.empty() || _settings.statuses.empty())
                answers.push_back({order.id, courierd::Fate::Needed, ""});
            else if (!it->second)
                answers.push_back({order.id, courierd::Fate::Unknown, "its status is NULL"});
            else if (*it->second == "canceled" || *it->second == "cancelled")
                answers.push_back({order.id, courierd::Fate::Canceled, "status " + *it->second});
            else if (_settings.statuses.count(*it->second))
                answers.push_back({order.id, courierd::Fate::Needed, ""});
            else
                answers.push_back(
                    {order.id, courierd::Fate::NotNeeded,
                     "status " + courierd::escapeUnstorable(courierd::clipped(*it->second, 80))});
        }
        return answers;
    }

private:
    std::string ts() const { return ident(_settings.timestampColumn); }
    std::string id() const { return ident(_settings.idColumn); }

    // `table` (each dotted part quoted) or `(query)`, as the subquery q.
    std::string relation() const
    {
        if (!_settings.query.empty())
            return "(" + _settings.query + ") q";
        std::string out;
        std::size_t from = 0;
        for (std::size_t dot; (dot = _settings.table.find('.', from)) != std::string::npos;
             from = dot + 1)
            out += ident(_settings.table.substr(from, dot - from)) + ".";
        return "(SELECT * FROM " + out + ident(_settings.table.substr(from)) + ") q";
    }

    std::string ident(const std::string& name) const
    {
        std::string out = "\"";
        for (const char c : name)
            out += c == '"' ? std::string("\"\"") : std::string(1, c);
        return out + "\"";
    }

    TableCursor position(const std::string& cursor) const
    {
        try
        {
            return TableCursor::read(cursor, courierd::formatRfc3339(_settings.startFrom));
        }
        catch (const Poco::SyntaxException& e)
        {
            throw courierd::SourceException("stored cursor is not this plugin's: " +
                                            e.displayText());
        }
    }

    void take(courierd::Batch& batch, PGresult* rows, int row) const
    {
        const std::string id = PQgetvalue(rows, row, 2);
        std::string payload(PQgetvalue(rows, row, 4),
                            static_cast<std::size_t>(PQgetlength(rows, row, 4)));
        const auto limit = static_cast<std::size_t>(_settings.maxOrderBytes);
        if (payload.size() > limit)
        {
            const std::size_t size = payload.size();
            payload.resize(limit);
            batch.rejects.push_back({id, std::move(payload),
                                     "row of " + std::to_string(size) +
                                         " bytes is larger than max_order_bytes (" +
                                         std::to_string(limit) + ")"});
            return;
        }
        if (PQgetisnull(rows, row, 2) || id.empty())
        {
            batch.rejects.push_back({"", std::move(payload), "empty or NULL id"});
            return;
        }
        courierd::Record record;
        record.id = id;
        record.createdAt = Poco::Timestamp(std::stoll(PQgetvalue(rows, row, 0)));
        record.payload = std::move(payload);
        if (!_settings.statuses.empty() && !_settings.statusColumn.empty())
        {
            const std::string status = PQgetisnull(rows, row, 3) ? "" : PQgetvalue(rows, row, 3);
            if (!_settings.statuses.count(status))
            {
                record.verdict = courierd::Record::Verdict::Skip;
                record.reason =
                    status.empty()
                        ? std::string("no status")
                        : "status " + courierd::escapeUnstorable(courierd::clipped(status, 80));
            }
        }
        batch.records.push_back(std::move(record));
    }

    void connect()
    {
        if (_connection && PQstatus(_connection) == CONNECTION_OK)
            return;
        disconnect();
        const std::string timeout =
            std::to_string(std::max<long long>(1, _settings.connectTimeout.count() / 1000));
        const char* keys[] = {"dbname",           "password", "connect_timeout",
                              "application_name", "options",  nullptr};
        const std::string application = "courierd source " + _context->sourceName();
        const char* values[] = {_settings.url.c_str(),
                                _settings.password.empty() ? nullptr : _settings.password.c_str(),
                                timeout.c_str(),
                                application.c_str(),
                                "-c TimeZone=UTC -c default_transaction_read_only=on",
                                nullptr};
        // dbname expands a connection string or URI; the rest fills what it leaves out.
        _connection = PQconnectdbParams(keys, values, 1);
        if (PQstatus(_connection) != CONNECTION_OK)
        {
            const std::string why = PQerrorMessage(_connection);
            disconnect();
            throw courierd::SourceException(_context->describe("url") +
                                            ": cannot connect: " + trimmed(why));
        }
        // A SQL_ASCII database holds bytes, not text: they are read as they are (what is not
        // UTF-8 the engine stores rejected, written as \xNN) and a cursor's id_hex goes back
        // as the same bytes, which a UTF8 client encoding would refuse.
        const char* server = PQparameterStatus(_connection, "server_encoding");
        PQsetClientEncoding(
            _connection, server && std::string_view(server) == "SQL_ASCII" ? "SQL_ASCII" : "UTF8");
    }

    void disconnect()
    {
        if (_connection)
            PQfinish(_connection);
        _connection = nullptr;
    }

    static std::string trimmed(std::string text)
    {
        while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
            text.pop_back();
        return courierd::escapeUnstorable(courierd::clipped(text, 400));
    }

    // One statement in a read-only transaction of its own, with the statement timeout.
    Result readOnly(const std::string& sql, const std::vector<std::string>& values)
    {
        const std::string begin = "BEGIN READ ONLY; SET LOCAL statement_timeout = " +
                                  std::to_string(_settings.statementTimeout.count());
        run(begin);
        std::vector<const char*> params;
        for (const auto& value : values)
            params.push_back(value.c_str());
        Result result(PQexecParams(_connection, sql.c_str(), static_cast<int>(params.size()),
                                   nullptr, params.data(), nullptr, nullptr, 0),
                      &PQclear);
        if (PQresultStatus(result.get()) != PGRES_TUPLES_OK)
        {
            const std::string why = PQresultErrorMessage(result.get());
            PQclear(PQexec(_connection, "ROLLBACK"));
            if (PQstatus(_connection) != CONNECTION_OK)
                disconnect();
            throw courierd::SourceException("[source." + _context->sourceName() +
                                            "] the statement failed: " + trimmed(why));
        }
        run("COMMIT");
        return result;
    }

    void run(const std::string& sql)
    {
        const Result result(PQexec(_connection, sql.c_str()), &PQclear);
        if (PQresultStatus(result.get()) != PGRES_COMMAND_OK)
        {
            const std::string why = PQresultErrorMessage(result.get());
            if (PQstatus(_connection) != CONNECTION_OK)
                disconnect();
            else
                PQclear(PQexec(_connection, "ROLLBACK"));
            throw courierd::SourceException("[source." + _context->sourceName() + "] " +
                                            trimmed(why));
        }
    }

    // At the first fetch: whether the role could write what it reads, and whether the table
    // has an index that the keyset's order can use. Warnings, said once.
    void check()
    {
        _checked = true;
        Poco::Logger& log = _context->logger();
        const Result role = readOnly("SELECT current_user::text, rolsuper FROM pg_roles WHERE "
                                     "rolname = current_user",
                                     {});
        const std::string user = PQntuples(role.get()) ? PQgetvalue(role.get(), 0, 0) : "?";
        if (PQntuples(role.get()) && std::string(PQgetvalue(role.get(), 0, 1)) == "t")
            log.warning("role " + user +
                        " is a superuser: it could write the other team's tables; read with a "
                        "role granted SELECT only (checked: pg_roles.rolsuper)");
        if (_settings.table.empty())
            return;
        const Result writes =
            readOnly("SELECT has_table_privilege($1, 'INSERT') OR has_table_privilege($1, "
                     "'UPDATE') OR has_table_privilege($1, 'DELETE') OR "
                     "has_table_privilege($1, 'TRUNCATE')",
                     {_settings.table});
        if (std::string(PQgetvalue(writes.get(), 0, 0)) == "t")
            log.warning("role " + user + " may write table " + _settings.table +
                        " (checked: has_table_privilege INSERT, UPDATE, DELETE, TRUNCATE): "
                        "courierd only reads it; grant it SELECT alone");
        const Result index =
            readOnly("SELECT EXISTS (SELECT 1 FROM pg_index i JOIN pg_attribute a ON a.attrelid = "
                     "i.indrelid AND a.attnum = i.indkey[0] JOIN pg_attribute b ON b.attrelid = "
                     "i.indrelid AND b.attnum = i.indkey[1] WHERE i.indrelid = $1::regclass AND "
                     "a.attname = $2 AND b.attname = $3)",
                     {_settings.table, _settings.timestampColumn, _settings.idColumn});
        if (std::string(PQgetvalue(index.get(), 0, 0)) != "t")
        {
            const Result plan =
                readOnly("EXPLAIN SELECT * FROM " + relation() + " ORDER BY q." + ts() + ", q." +
                             id() + " LIMIT " + std::to_string(_settings.pageSize),
                         {});
            std::string lines;
            for (int row = 0; row < PQntuples(plan.get()) && row < 6; ++row)
                lines += std::string(row ? " / " : "") + PQgetvalue(plan.get(), row, 0);
            log.warning("table " + _settings.table + " has no index on (" +
                        _settings.timestampColumn + ", " + _settings.idColumn +
                        "): every page sorts the table (EXPLAIN: " + trimmed(lines) +
                        "); it needs CREATE INDEX ON " + _settings.table + " (" +
                        _settings.timestampColumn + ", " + _settings.idColumn + ")");
        }
    }

    courierd::SourceContext* _context = nullptr;
    Settings _settings;
    PGconn* _connection = nullptr;
    bool _checked = false;
};

} // namespace postgres_table

COURIERD_PLUGIN(postgres_table::PostgresTableSource, "postgres-table", "1.0.0")
