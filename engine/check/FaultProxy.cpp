#include "check/FaultProxy.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>
#include <Poco/Thread.h>
#include <Poco/ThreadPool.h>

namespace courierd::check
{

namespace
{

std::string origin(const Poco::URI& uri)
{
    return uri.getScheme() + "://" + uri.getHost() + ":" + std::to_string(uri.getPort());
}

} // namespace

class FaultProxy::Handler : public Poco::Net::HTTPRequestHandler
{
public:
    explicit Handler(FaultProxy& proxy)
        : _proxy(proxy)
    {
    }

    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override
    {
        const int n = _proxy._counts.requests++;
        const int fault = _proxy._slow ? 2 : _proxy._faults ? n % 4 : 3;
        if (fault == 0)
        {
            ++_proxy._counts.unavailable;
            response.setStatus(Poco::Net::HTTPResponse::HTTP_SERVICE_UNAVAILABLE);
            response.setContentType("application/json");
            response.sendBuffer(R"({"error":"injected by courierd-plugin-check"})", 45);
            return;
        }
        Poco::Net::HTTPClientSession session(_proxy._upstream.getHost(),
                                             _proxy._upstream.getPort());
        session.setTimeout(Poco::Timespan(30, 0));
        Poco::Net::HTTPRequest forward(request.getMethod(), request.getURI(),
                                       Poco::Net::HTTPMessage::HTTP_1_1);
        for (const auto& [name, value] : request)
            if (Poco::icompare(name, "Host") != 0 && Poco::icompare(name, "Connection") != 0)
                forward.set(name, value);
        forward.setHost(_proxy._upstream.getHost(), _proxy._upstream.getPort());
        std::string requestBody;
        Poco::StreamCopier::copyToString(request.stream(), requestBody);
        if (!requestBody.empty())
            forward.setContentLength(static_cast<std::streamsize>(requestBody.size()));
        session.sendRequest(forward) << requestBody;
        Poco::Net::HTTPResponse answer;
        std::istream& in = session.receiveResponse(answer);
        std::string body;
        Poco::StreamCopier::copyToString(in, body);
        const std::string from = origin(_proxy._upstream);
        const std::string to = "http://127.0.0.1:" + std::to_string(_proxy._server->port());
        Poco::replaceInPlace(body, from, to);

        response.setStatusAndReason(answer.getStatus(), answer.getReason());
        for (const auto& [name, value] : answer)
            if (Poco::icompare(name, "Content-Length") != 0 &&
                Poco::icompare(name, "Transfer-Encoding") != 0 &&
                Poco::icompare(name, "Connection") != 0)
                response.set(name, Poco::replace(value, from, to));
        response.setContentLength(static_cast<std::streamsize>(body.size()));
        if (fault == 1 && !body.empty())
        {
            ++_proxy._counts.truncated;
            response.setKeepAlive(false);
            std::ostream& out = response.send();
            out.write(body.data(), static_cast<std::streamsize>(body.size() / 2));
            out.flush();
            // The server closes the connection after a handler that throws.
            throw Poco::IOException("courierd-plugin-check: answer cut short");
        }
        std::ostream& out = response.send();
        std::size_t sent = 0;
        if (fault == 2)
        {
            ++_proxy._counts.trickled;
            const std::size_t trickled = _proxy._slow ? body.size() : 4096;
            for (; sent < std::min(body.size(), trickled) && out; sent += 256)
            {
                out.write(body.data() + sent, static_cast<std::streamsize>(
                                                  std::min<std::size_t>(256, body.size() - sent)));
                out.flush();
                Poco::Thread::sleep(10);
            }
            sent = std::min(sent, body.size());
        }
        out.write(body.data() + sent, static_cast<std::streamsize>(body.size() - sent));
    }

private:
    FaultProxy& _proxy;
};

class FaultProxy::Factory : public Poco::Net::HTTPRequestHandlerFactory
{
public:
    explicit Factory(FaultProxy& proxy)
        : _proxy(proxy)
    {
    }
    Poco::Net::HTTPRequestHandler*
    createRequestHandler(const Poco::Net::HTTPServerRequest&) override
    {
        return new Handler(_proxy);
    }

private:
    FaultProxy& _proxy;
};

FaultProxy::FaultProxy(const std::string& upstream)
    : _upstream(upstream)
{
    Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(8);
    params->setKeepAlive(true);
    _server = std::make_unique<Poco::Net::HTTPServer>(
        new Factory(*this), _pool,
        Poco::Net::ServerSocket(Poco::Net::SocketAddress("127.0.0.1", 0)), params);
    _server->start();
}

FaultProxy::~FaultProxy()
{
    _server->stopAll(true);
}

std::string FaultProxy::url() const
{
    Poco::URI uri(_upstream);
    uri.setScheme("http");
    uri.setHost("127.0.0.1");
    uri.setPort(_server->port());
    return uri.toString();
}

} // namespace courierd::check
