#include "HttpCall.h"

#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

namespace courierd::test
{

Poco::Dynamic::Var HttpCall::json() const
{
    return Poco::JSON::Parser().parse(body);
}

Poco::JSON::Object::Ptr HttpCall::object() const
{
    return json().extract<Poco::JSON::Object::Ptr>();
}

HttpCall HttpCall::send(unsigned short port, const std::string& method, const std::string& path,
                        const std::string& body, const std::map<std::string, std::string>& headers)
{
    Poco::Net::HTTPClientSession session("127.0.0.1", port);
    session.setTimeout(Poco::Timespan(10, 0));
    Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    for (const auto& [name, value] : headers)
        request.set(name, value);
    if (!body.empty())
    {
        request.setContentType("application/json");
        request.setContentLength(static_cast<std::streamsize>(body.size()));
    }
    session.sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    HttpCall call;
    call.status = response.getStatus();
    call.reason = response.getReason();
    Poco::StreamCopier::copyToString(in, call.body);
    for (const auto& [name, value] : response)
        call.headers[name] = value;
    return call;
}

} // namespace courierd::test
