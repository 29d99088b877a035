#include "Installation.h"

#include "HttpCall.h"
#include "Invariants.h"
#include "Wait.h"
#include "store/Database.h"

#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/TemporaryFile.h>

#include <csignal>
#include <set>

namespace courierd::test
{

const std::string DELIVERIES = "SELECT count(*) FROM deliveries";

const std::string HALF_DONE = R"sql(
SELECT (SELECT count(*) FROM inbox i WHERE state = 'assigned'
          AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.source = i.source
                                                          AND d.order_id = i.record_id))
     + (SELECT count(*) FROM deliveries d
          WHERE NOT EXISTS (SELECT 1 FROM inbox i WHERE i.source = d.source
                            AND i.record_id = d.order_id
                            AND i.state = 'assigned'))
)sql";

const std::string HTTP_JSON_AS_SERVICE_ORDER = "plugin = http-json\npath = /public/api/v1/orders\n"
                                               "statuses = created,pending,confirmed,cooking\n";

Installation::Installation(int couriers, const std::string& extra, Reader reader)
    : _db("e2e")
    , _config(Poco::TemporaryFile::tempName() + ".ini")
    , _reader(reader)
{
    rewrite(extra);
    std::string output;
    if (DaemonProcess::run({"--config", _config, "--migrate"}, output) != 0)
        throw Poco::RuntimeException("migrate failed: " + output);
    if (couriers > 0)
        _db.execute("INSERT INTO couriers (name, transport_type) SELECT 'c' || g, "
                    "(ARRAY['on_foot','scooter','car'])[1 + g % 3] FROM generate_series(1, " +
                    std::to_string(couriers) + ") g");
}

void Installation::rewrite(const std::string& extra, const std::string& interval,
                           const std::string& source)
{
    // Written beside and renamed over, as an editor saves: a reload never reads half a file.
    Poco::FileOutputStream out(_config + ".new");
    out << "[store]\nurl = " << _db.url() << "\n[admin]\nlisten = 127.0.0.1:0\n"
        << "[source." << source << "]\n"
        << (_reader == Reader::HttpJson ? HTTP_JSON_AS_SERVICE_ORDER : "plugin = service-order\n")
        << "base_url = " << fake.baseUrl() << "\ninterval = " << interval << "\nlookback = 2s\n"
        << extra;
    out.close();
    Poco::File(_config + ".new").renameTo(_config);
}

Installation::~Installation()
{
    Poco::File(_config).remove();
}

std::unique_ptr<DaemonProcess> Installation::start(const std::vector<std::string>& args)
{
    std::vector<std::string> all{"--config", _config};
    all.insert(all.end(), args.begin(), args.end());
    auto daemon = std::make_unique<DaemonProcess>(all);
    if (!daemon->waitForOutput("courierd ready"))
        throw Poco::RuntimeException("courierd did not start:\n" + daemon->output());
    return daemon;
}

bool Installation::stopAll(std::initializer_list<DaemonProcess*> daemons)
{
    for (auto* daemon : daemons)
        daemon->signal(SIGTERM);
    bool clean = true;
    for (auto* daemon : daemons)
        clean = daemon->waitForExit(std::chrono::seconds(30)).value_or(-1) == 0 && clean;
    return clean;
}

unsigned short Installation::adminPort(const DaemonProcess& daemon)
{
    const std::string marker = "admin endpoint on http://127.0.0.1:";
    const std::string output = daemon.output();
    const auto at = output.find(marker);
    if (at == std::string::npos)
        throw Poco::NotFoundException("admin endpoint in the log");
    return static_cast<unsigned short>(std::stoi(output.substr(at + marker.size())));
}

Poco::JSON::Object::Ptr Installation::sourceStatus(unsigned short port, const std::string& name)
{
    const auto call = HttpCall::send(port, "GET", "/api/v1/sources/" + name);
    if (call.status != 200)
        throw Poco::IOException("GET /api/v1/sources/" + name + ": " + std::to_string(call.status) +
                                " " + call.body);
    return call.object();
}

std::string Installation::lastError(unsigned short port, const std::string& name)
{
    const auto status = sourceStatus(port, name);
    return status->isNull("last_error") ? "" : status->getValue<std::string>("last_error");
}

bool Installation::reaches(const std::string& sql, Poco::Int64 wanted,
                           std::chrono::milliseconds limit)
{
    return waitFor([&] { return count(sql) == wanted; }, limit);
}

std::vector<std::string> Installation::violated()
{
    Database database(_db.store(2));
    return violatedInvariants(database);
}

std::vector<std::string> Installation::violatedAtRest()
{
    std::vector<std::string> violated = this->violated();
    if (const auto halfDone = count(HALF_DONE); halfDone != 0)
        violated.push_back("an assignment is half-done (" + std::to_string(halfDone) + " rows)");
    const auto left = count("SELECT count(*) FROM inbox WHERE state IN ('pending', 'failed')");
    if (left != 0)
        violated.push_back("4: " + std::to_string(left) + " row(s) left pending or failed");

    const std::string cursor =
        _db.text("SELECT cursor FROM source_cursors WHERE source = 'orders'");
    if (cursor.empty())
        return violated;
    const auto watermark = Poco::JSON::Parser()
                               .parse(cursor)
                               .extract<Poco::JSON::Object::Ptr>()
                               ->getValue<Poco::Int64>("watermark_us");
    std::set<std::string> stored;
    for (auto& id : _db.column("SELECT record_id FROM inbox WHERE source = 'orders'"))
        stored.insert(std::move(id));
    int missing = 0;
    for (const auto& [id, createdAt] : fake.orders())
        if (createdAt.epochMicroseconds() / 1'000'000 * 1'000'000 <= watermark && !stored.count(id))
            ++missing;
    if (missing != 0)
        violated.push_back("1: the cursor passed " + std::to_string(missing) +
                           " order(s) that are not in the inbox");
    return violated;
}

} // namespace courierd::test
