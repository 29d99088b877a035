#include "HttpCall.h"

#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <cppunit/extensions/HelperMacros.h>

#include <cmath>
#include <sstream>

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
        if (!request.has("Content-Type"))
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

void assertApiError(const HttpCall& call, int status, const std::string& code)
{
    CPPUNIT_ASSERT_EQUAL_MESSAGE(call.body, status, call.status);
    const auto body = call.object();
    CPPUNIT_ASSERT_EQUAL_MESSAGE(call.body, code, body->getValue<std::string>("code"));
    CPPUNIT_ASSERT_MESSAGE(call.body, !body->getValue<std::string>("message").empty());
    CPPUNIT_ASSERT_EQUAL(std::string("application/json"), call.headers.at("Content-Type"));
}

double sampleOf(const std::string& text, const std::string& series)
{
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (line.rfind(series + " ", 0) == 0)
            return std::stod(line.substr(series.size() + 1));
    return std::nan("");
}

} // namespace courierd::test
