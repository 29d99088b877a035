#pragma once

#include "HttpCall.h"
#include "StoreFixture.h"
#include "admin/AdminServer.h"
#include "app/AdminAdapters.h"
#include "courierd/Exceptions.h"
#include "ledger/Ledger.h"

#include <atomic>

namespace courierd::test
{

// The scheduler's view of the one source "orders", as SourceScheduler::status() gives it.
inline std::vector<SourceStatus> oneSource()
{
    SourceStatus status;
    status.name = "orders";
    status.plugin = "service-order";
    status.pluginVersion = "1.0.0";
    status.interval = std::chrono::seconds(5);
    status.lastOutcome = "error";
    status.lastError = "GET http://x: 503";
    status.ticks = 3;
    return {status};
}

class NoReload : public ReloadService
{
public:
    std::optional<ReloadReport> last() override { return std::nullopt; }
    void request() override {}
};

// An admin endpoint on a free port over a migrated database, through the daemon's adapters,
// with one source "orders".
struct Admin
{
    explicit Admin(const std::string& token = "")
        : store("admin")
        , health(store.database, [] { return std::size_t(1); })
        , couriers(store.couriers, [this] { ++wakes; })
        , sourceStore(store.database)
        , controls(store.database)
        , cursorStore(store.database)
        , replays(store.database)
        , sources({oneSource,
                   sourceStore,
                   controls,
                   {},
                   cursorStore,
                   [this](const std::string&, const Poco::Timestamp& time)
                   {
                       if (!cursorAt)
                           throw UnsupportedException("this test's plugin cannot");
                       return cursorAt(time);
                   },
                   replays})
        , ledger(store.database)
        , ledgerService(ledger, store.assigner, [this] { ++wakes; })
        , server("127.0.0.1:0",
                 AdminAccess{token.empty() ? std::vector<std::string>{}
                                           : std::vector<std::string>{token},
                             {}},
                 AdminServices{health, couriers, sources, reload, ledgerService,
                               metrics::Registry::unused(), history})
    {
        server.start();
    }

    HttpCall call(const std::string& method, const std::string& path, const std::string& body = {},
                  const std::map<std::string, std::string>& headers = {})
    {
        return HttpCall::send(server.port(), method, path, body, headers);
    }

    StoreFixture store;
    std::atomic<int> wakes{0};
    DatabaseHealth health;
    RepositoryCouriers couriers;
    SourceStore sourceStore;
    SourceControls controls;
    CursorStore cursorStore;
    // The plugin's cursor at a time: unsupported unless a test sets it.
    std::function<std::string(const Poco::Timestamp&)> cursorAt;
    ReplayStore replays;
    ScheduledSources sources;
    NoReload reload;
    Ledger ledger;
    StoreLedger ledgerService;
    metrics::History history{metrics::Registry::unused()};
    AdminServer server;
};

} // namespace courierd::test
