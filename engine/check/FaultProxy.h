#pragma once

#include <Poco/Net/HTTPServer.h>
#include <Poco/ThreadPool.h>
#include <Poco/URI.h>

#include <atomic>
#include <memory>
#include <string>

namespace courierd::check
{

/// An HTTP proxy on 127.0.0.1 in front of one upstream (`http://host:port/…`), for
/// courierd-plugin-check: it forwards every request (method, target and headers, the Host
/// header rewritten) and, while faults are on, answers in turn with a 503, the upstream's
/// answer cut in half (its whole Content-Length announced, the connection closed after half the
/// body), the answer trickled (its first 4 KiB in 256-byte pieces 10 ms apart), and the answer
/// as it is; or, while slow, trickles every answer whole. The upstream's address in an answer's
/// headers and body (next links) is replaced by the proxy's, so that a plugin following them stays
/// behind the proxy. Requests are served on the server's own threads; the counters may be read from
/// any thread.
class FaultProxy
{
public:
    explicit FaultProxy(const std::string& upstream);
    ~FaultProxy();
    FaultProxy(const FaultProxy&) = delete;
    FaultProxy& operator=(const FaultProxy&) = delete;

    /// The upstream URL with the proxy's scheme, host and port: what the plugin is given.
    std::string url() const;
    void faults(bool on) { _faults = on; }
    /// Every answer trickled whole (256 bytes each 10 ms), for a poll that takes long.
    void slow(bool on) { _slow = on; }

    struct Counts
    {
        std::atomic<int> requests{0}, unavailable{0}, truncated{0}, trickled{0};
    };
    const Counts& counts() const { return _counts; }

private:
    class Handler;
    class Factory;
    Poco::URI _upstream;
    std::atomic<bool> _faults{false};
    std::atomic<bool> _slow{false};
    Counts _counts;
    Poco::ThreadPool _pool{2, 8}; // its own: on the default pool a server can hang
    std::unique_ptr<Poco::Net::HTTPServer> _server;
};

} // namespace courierd::check
