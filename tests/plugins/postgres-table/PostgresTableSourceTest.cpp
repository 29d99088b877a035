#include "LogCapture.h"
#include "PluginUnderTest.h"
#include "TestDatabase.h"
#include "Wait.h"
#include "courierd/Exceptions.h"
#include "courierd/Utf8.h"
#include "util/Names.h"

#include <cppunit/extensions/HelperMacros.h>

#include <map>
#include <set>

using namespace courierd;
using namespace courierd::test;
using namespace std::chrono_literals;

namespace
{

// postgres-table reading table `orders` of `other`, the other team's database.
struct Table : PluginUnderTest
{
    Table(const TestDatabase& other, const Values& overrides)
        : PluginUnderTest("postgres-table", "table",
                          {{"url", other.url()},
                           {"table", "orders"},
                           {"interval", "5s"},
                           {"max_clock_skew", "5m"},
                           {"delay", "0s"}},
                          overrides)
    {
    }

    // A poll: fetch while the source has more ready; every stored id to `stored`.
    int poll(std::map<std::string, int>& stored)
    {
        int fetches = 0;
        for (bool more = true; more && fetches < 1000; ++fetches)
        {
            const Batch batch = fetch();
            for (const auto& record : batch.records)
                ++stored[record.id];
            more = batch.more;
        }
        return fetches;
    }
};

void makeOrders(const TestDatabase& other, bool indexed = true)
{
    other.execute("CREATE TABLE orders (id bigint PRIMARY KEY, created_at timestamptz NOT NULL, "
                  "status text, customer text)");
    if (indexed)
        other.execute("CREATE INDEX ON orders (created_at, id)");
}

} // namespace

// postgres-table against a real second database, through the real plugin host.
class PostgresTableSourceTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(PostgresTableSourceTest);
    CPPUNIT_TEST(readsEveryRowOnceAcrossPagesSharingATimestamp);
    CPPUNIT_TEST(aRestartBetweenPagesNeverSkipsTheRestOfATimestamp);
    CPPUNIT_TEST(rowsCommittedLateWithinTheDelayAreReadOnce);
    CPPUNIT_TEST(statusesAndHostileRows);
    CPPUNIT_TEST(bytesThatAreNotUtf8HugeIdsAndTimesFarAway);
    CPPUNIT_TEST(aQueryIsReadAsATable);
    CPPUNIT_TEST(rechecksReadTheAskedRowsAgain);
    CPPUNIT_TEST(aTableWithoutTheIndexIsReportedWithWhatItNeeds);
    CPPUNIT_TEST(readsInReadOnlyTransactions);
    CPPUNIT_TEST(aDatabaseThatIsNotThereFailsThePollNamingIt);
    CPPUNIT_TEST_SUITE_END();

public:
    void readsEveryRowOnceAcrossPagesSharingATimestamp()
    {
        TestDatabase other("other");
        makeOrders(other);
        // 250 rows on five timestamps, pages of 40: ties across every page boundary.
        other.execute("INSERT INTO orders SELECT g, now() - interval '1 minute' + (g % 5) * "
                      "interval '1 second', 'created', 'c' || g FROM generate_series(1, 250) g");
        Table table(other, {{"page_size", "40"}});
        std::map<std::string, int> stored;
        CPPUNIT_ASSERT_EQUAL(7, table.poll(stored));
        CPPUNIT_ASSERT_EQUAL(std::size_t(250), stored.size());
        for (const auto& [id, times] : stored)
            CPPUNIT_ASSERT_EQUAL_MESSAGE(id, 1, times);
        // Nothing new: the next poll is one empty page, the cursor where it was.
        const std::string cursor = table.cursor;
        CPPUNIT_ASSERT(table.fetch().records.empty());
        CPPUNIT_ASSERT_EQUAL(cursor, table.cursor);
        // The payload: the row as JSON, its column names as keys.
        other.execute("INSERT INTO orders VALUES (251, now() - interval '1 second', 'created', "
                      "'Anna')");
        const Batch batch = table.fetch();
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), batch.records.size());
        CPPUNIT_ASSERT_EQUAL(std::string("251"), batch.records[0].id);
        CPPUNIT_ASSERT_MESSAGE(batch.records[0].payload,
                               batch.records[0].payload.find(R"("customer":"Anna")") !=
                                   std::string::npos);
    }

    void aRestartBetweenPagesNeverSkipsTheRestOfATimestamp()
    {
        TestDatabase other("other");
        makeOrders(other);
        other.execute("INSERT INTO orders SELECT g, now() - interval '1 minute', 'created', "
                      "NULL FROM generate_series(1, 100) g");
        std::map<std::string, int> stored;
        std::string cursor;
        {
            Table first(other, {{"page_size", "30"}});
            const Batch page = first.fetch();
            CPPUNIT_ASSERT(page.more);
            for (const auto& record : page.records)
                ++stored[record.id];
            cursor = first.cursor;
        }
        Table restarted(other, {{"page_size", "30"}});
        restarted.cursor = cursor;
        restarted.poll(stored);
        CPPUNIT_ASSERT_EQUAL(std::size_t(100), stored.size());
        for (const auto& [id, times] : stored)
            CPPUNIT_ASSERT_EQUAL_MESSAGE(id, 1, times);
    }

    // A row stamped before others but committed after them (kafka-connect-jdbc #172): rows
    // younger than `delay` wait, so it is read once it commits within the delay; without a
    // delay it would be passed over.
    void rowsCommittedLateWithinTheDelayAreReadOnce()
    {
        TestDatabase other("other");
        makeOrders(other);
        // A delay with room for a slow machine between a statement and the next poll.
        Table table(other, {{"delay", "20s"}});
        other.execute("INSERT INTO orders VALUES (1, now() - interval '30 seconds', 'created')");
        other.execute("INSERT INTO orders VALUES (3, now() - interval '12 seconds', 'created')");
        std::map<std::string, int> stored;
        table.poll(stored);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), stored.size()); // 3 is younger than the delay
        // Committed now, stamped before 3.
        other.execute("INSERT INTO orders VALUES (2, now() - interval '13 seconds', 'created')");
        CPPUNIT_ASSERT(waitFor(
            [&]
            {
                table.poll(stored);
                return stored.size() == 3;
            },
            60s));
        for (const auto& [id, times] : stored)
            CPPUNIT_ASSERT_EQUAL_MESSAGE(id, 1, times);

        // The same without a delay: the late row is passed over (why the delay exists).
        TestDatabase other2("other");
        makeOrders(other2);
        Table eager(other2, {{"delay", "0s"}});
        other2.execute("INSERT INTO orders VALUES (3, now() - interval '1 second', 'created')");
        std::map<std::string, int> seen;
        eager.poll(seen);
        other2.execute("INSERT INTO orders VALUES (2, now() - interval '2 seconds', 'created')");
        eager.poll(seen);
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), seen.count("2"));
    }

    void statusesAndHostileRows()
    {
        TestDatabase other("other");
        makeOrders(other);
        other.execute("INSERT INTO orders VALUES (1, now() - interval '5 seconds', 'created', "
                      "NULL), (2, now() - interval '5 seconds', 'delivering', NULL), "
                      "(3, now() - interval '5 seconds', NULL, NULL), "
                      "(4, now() - interval '5 seconds', 'created', repeat('x', 2000))");
        Table table(other, {{"status_column", "status"},
                            {"statuses", "created,accepted"},
                            {"max_order_bytes", "1024"}});
        const Batch batch = table.fetch();
        std::map<std::string, std::string> verdicts;
        for (const auto& record : batch.records)
            verdicts[record.id] =
                record.verdict == Record::Verdict::Assign ? "assign" : record.reason;
        CPPUNIT_ASSERT_EQUAL(std::string("assign"), verdicts["1"]);
        CPPUNIT_ASSERT_EQUAL(std::string("status delivering"), verdicts["2"]);
        CPPUNIT_ASSERT_EQUAL(std::string("no status"), verdicts["3"]);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), batch.rejects.size());
        CPPUNIT_ASSERT_EQUAL(std::string("4"), batch.rejects[0].id);
        CPPUNIT_ASSERT_MESSAGE(batch.rejects[0].reason,
                               batch.rejects[0].reason.find("larger than max_order_bytes") !=
                                   std::string::npos);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1024), batch.rejects[0].payload.size());
    }

    // A SQL_ASCII database holds bytes: a customer, an id and a status that are not UTF-8
    // text, an id of 10 KB, each the last of a page (so in a cursor), and times in year 9999,
    // at infinity and before 1970. Each readable row is read once, the rest wait, nothing stalls.
    void bytesThatAreNotUtf8HugeIdsAndTimesFarAway()
    {
        TestDatabase other("other", "SQL_ASCII");
        other.execute("CREATE TABLE orders (id text PRIMARY KEY, created_at timestamptz NOT NULL, "
                      "status text, customer text)");
        other.execute("CREATE INDEX ON orders (created_at, id)");
        const std::string bytes = "convert_from('\\xfffe'::bytea, 'SQL_ASCII')";
        const auto at = [](int second)
        { return "now() - interval '1 minute' + interval '" + std::to_string(second) + " s'"; };
        other.execute("INSERT INTO orders VALUES ('a1', " + at(1) + ", 'created', " + bytes +
                      "), ('b' || " + bytes + ", " + at(2) +
                      ", 'created', NULL), (repeat('i', "
                      "10240), " +
                      at(3) + ", 'created', NULL), ('d4', " + at(3) +
                      ", 'created', NULL), ('e5', " + at(4) + ", " + bytes + ", NULL), ('z6', " +
                      at(5) +
                      ", 'created', NULL), ('far', '9999-12-31 23:59:59+00', 'created', NULL), "
                      "('inf', 'infinity', 'created', NULL), ('-inf', '-infinity', 'created', "
                      "NULL), ('old', '1901-01-01 00:00:00+00', 'created', NULL)");
        Table table(other, {{"page_size", "2"},
                            {"status_column", "status"},
                            {"statuses", "created"},
                            {"start_from", "1970-01-01T00:00:00Z"}});
        std::vector<Record> read;
        std::vector<std::string> cursors;
        for (bool more = true; more && cursors.size() < 10;)
        {
            Batch batch = table.fetch();
            CPPUNIT_ASSERT(batch.rejects.empty());
            for (auto& record : batch.records)
                read.push_back(std::move(record));
            cursors.push_back(table.cursor);
            more = batch.more;
        }
        const std::string nonUtf8 = "\xff\xfe";
        const std::vector<std::string> ids = {"a1", "b" + nonUtf8, "d4", std::string(10240, 'i'),
                                              "e5", "z6"};
        CPPUNIT_ASSERT_EQUAL(ids.size(), read.size());
        for (std::size_t i = 0; i < ids.size(); ++i)
            CPPUNIT_ASSERT_EQUAL(ids[i], read[i].id);
        // The bytes as they are: the engine stores what is not UTF-8 rejected, written \xNN.
        CPPUNIT_ASSERT_MESSAGE(read[0].payload, firstUnstorableByte(read[0].payload).has_value());
        CPPUNIT_ASSERT_EQUAL(std::string("status \\xFF\\xFE"), read[4].reason);
        CPPUNIT_ASSERT(read[4].verdict == Record::Verdict::Skip);
        // Cursors stay UTF-8 text: the id that is not is kept as hex, and a restart from that
        // cursor reads the rest of the table.
        CPPUNIT_ASSERT_MESSAGE(cursors[0],
                               cursors[0].find(R"("id_hex":"62fffe")") != std::string::npos);
        for (const auto& cursor : cursors)
            CPPUNIT_ASSERT_MESSAGE(cursor, !firstUnstorableByte(cursor));
        Table again(other, {{"page_size", "2"}});
        again.cursor = cursors[0];
        const Batch next = again.fetch();
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), next.records.size());
        CPPUNIT_ASSERT_EQUAL(std::string("d4"), next.records[0].id);
        CPPUNIT_ASSERT_EQUAL(std::string(10240, 'i'), next.records[1].id);
        // Nothing stalls: once the rows the far times hold are due, a poll reads nothing more.
        CPPUNIT_ASSERT(table.fetch().records.empty());
    }

    void aQueryIsReadAsATable()
    {
        TestDatabase other("other");
        makeOrders(other);
        other.execute("CREATE TABLE shops (id int, city text); INSERT INTO shops VALUES (1, "
                      "'Kazan'), (2, 'Perm')");
        other.execute("ALTER TABLE orders ADD shop int; INSERT INTO orders VALUES (1, now() - "
                      "interval '5 seconds', 'created', NULL, 1), (2, now() - interval '5 "
                      "seconds', 'created', NULL, 2)");
        Table table(other, {{"table", ""},
                            {"query", "SELECT o.id, o.created_at, s.city FROM orders o JOIN "
                                      "shops s ON s.id = o.shop WHERE s.city = 'Kazan'"}});
        const Batch batch = table.fetch();
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), batch.records.size());
        CPPUNIT_ASSERT(batch.records[0].payload.find(R"("city":"Kazan")") != std::string::npos);
    }

    void rechecksReadTheAskedRowsAgain()
    {
        TestDatabase other("other");
        makeOrders(other);
        other.execute("INSERT INTO orders SELECT g, now() - interval '5 seconds', 'created' "
                      "FROM generate_series(1, 4) g");
        Table table(other, {{"status_column", "status"}, {"statuses", "created"}});
        CPPUNIT_ASSERT(table.source->rechecks());
        other.execute("UPDATE orders SET status = 'canceled' WHERE id = 2; UPDATE orders SET "
                      "status = 'delivering' WHERE id = 3; DELETE FROM orders WHERE id = 4");
        const auto answers = table.source->recheck({{"1", Poco::Timestamp()},
                                                    {"2", Poco::Timestamp()},
                                                    {"3", Poco::Timestamp()},
                                                    {"4", Poco::Timestamp()}});
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), answers.size());
        CPPUNIT_ASSERT(answers[0].fate == Fate::Needed);
        CPPUNIT_ASSERT(answers[1].fate == Fate::Canceled);
        CPPUNIT_ASSERT(answers[2].fate == Fate::NotNeeded);
        CPPUNIT_ASSERT_EQUAL(std::string("status delivering"), answers[2].reason);
        CPPUNIT_ASSERT(answers[3].fate == Fate::Gone);
    }

    void aTableWithoutTheIndexIsReportedWithWhatItNeeds()
    {
        TestDatabase other("other");
        makeOrders(other, false);
        {
            LogCapture log("courierd.source.table");
            Table table(other, {});
            table.fetch();
            table.fetch();
            const auto lines = log.lines();
            CPPUNIT_ASSERT_EQUAL_MESSAGE(
                joined(lines, "\n"), std::ptrdiff_t(1),
                std::count_if(lines.begin(), lines.end(),
                              [](const std::string& line) {
                                  return line.find("has no index on (created_at, id)") !=
                                         std::string::npos;
                              }));
            CPPUNIT_ASSERT_MESSAGE(joined(lines, "\n"),
                                   joined(lines, "\n")
                                           .find("CREATE INDEX ON orders (created_at, "
                                                 "id)") != std::string::npos);
            CPPUNIT_ASSERT_MESSAGE(joined(lines, "\n"),
                                   joined(lines, "\n").find("Seq Scan") != std::string::npos);
        }
        other.execute("CREATE INDEX ON orders (created_at, id)");
        LogCapture log("courierd.source.table");
        Table table(other, {});
        table.fetch();
        for (const auto& line : log.lines())
            CPPUNIT_ASSERT_MESSAGE(line, line.find("no index") == std::string::npos);
    }

    // Its statements run read-only, whatever its role may do; a role that could write is
    // warned about, saying what was checked.
    void readsInReadOnlyTransactions()
    {
        TestDatabase other("other");
        makeOrders(other);
        other.execute("INSERT INTO orders VALUES (1, now() - interval '5 seconds', 'created')");
        LogCapture log("courierd.source.table");
        Table table(other, {{"table", ""},
                            {"query", "SELECT * FROM orders WHERE id IN (SELECT id FROM orders "
                                      "FOR UPDATE)"}});
        try
        {
            table.fetch();
            CPPUNIT_FAIL("a locking query ran");
        }
        catch (const SourceException& e)
        {
            CPPUNIT_ASSERT_MESSAGE(e.message(),
                                   e.message().find("read-only transaction") != std::string::npos);
        }
        Table writer(other, {});
        writer.fetch();
        CPPUNIT_ASSERT_MESSAGE(joined(log.lines(), "\n"),
                               joined(log.lines(), "\n").find("(checked: ") != std::string::npos);
    }

    void aDatabaseThatIsNotThereFailsThePollNamingIt()
    {
        Table table(TestDatabase("gone"), {{"url", "dbname=courierd_no_such_database"}});
        try
        {
            table.fetch();
            CPPUNIT_FAIL("connected to nothing");
        }
        catch (const SourceException& e)
        {
            CPPUNIT_ASSERT_MESSAGE(e.message(), e.message().find("source.table.url = "
                                                                 "'dbname=courierd_no_such_"
                                                                 "database': cannot connect") !=
                                                    std::string::npos);
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PostgresTableSourceTest);
