#include "config/ConnectionString.h"

#include "courierd/Utf8.h"
#include "util/Exceptions.h"

#include <Poco/NumberParser.h>
#include <Poco/StringTokenizer.h>

#include <libpq-fe.h>
#include <map>
#include <memory>

namespace courierd
{

namespace
{

using Options = std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)>;

std::map<std::string, std::string> valuesOf(const PQconninfoOption* options)
{
    std::map<std::string, std::string> values;
    for (auto* option = options; option && option->keyword; ++option)
        if (option->val && *option->val)
            values[option->keyword] = option->val;
    return values;
}

} // namespace

ConnectionString ConnectionString::parse(const std::string& url, Duration connectTimeout,
                                         const std::string& password)
{
    std::map<std::string, std::string> given;
    if (!url.empty())
    {
        char* error = nullptr;
        Options options(PQconninfoParse(url.c_str(), &error), &PQconninfoFree);
        if (!options)
        {
            std::string why = error ? error : "out of memory";
            PQfreemem(error);
            while (!why.empty() && (why.back() == '\n' || why.back() == ' '))
                why.pop_back();
            // libpq quotes the offending token, which may be part of the password.
            for (auto open = why.find('"'); open != std::string::npos;
                 open = why.find('"', open + 3))
            {
                const auto close = why.find('"', open + 1);
                if (close == std::string::npos)
                    break;
                why.replace(open, close - open + 1, "\"...\"");
            }
            throw ConfigException("store.url is not a libpq URI or key=value string: " + why);
        }
        given = valuesOf(options.get());
    }
    if (!password.empty())
        given["password"] = password;

    // A port libpq would only refuse when it connects: --check-config says it now.
    if (auto it = given.find("port"); it != given.end())
        for (const auto& port :
             Poco::StringTokenizer(it->second, ",", Poco::StringTokenizer::TOK_TRIM))
        {
            unsigned value = 0;
            if (port.empty() || port.find_first_not_of("0123456789") != std::string::npos ||
                port.size() > 5 || !Poco::NumberParser::tryParseUnsigned(port, value) ||
                value == 0 || value > 65535)
                throw ConfigException("store.url: port '" + clipped(port, 40) +
                                      "' is not a TCP port (1-65535)");
        }

    ConnectionString result;
    if (auto it = given.find("password"); it != given.end())
        result._password = it->second;
    if (!given.count("connect_timeout"))
    {
        const auto seconds = (connectTimeout.count() + 999) / 1000;
        given["connect_timeout"] = std::to_string(seconds < 2 ? 2 : seconds);
    }

    for (const auto& [keyword, value] : given)
    {
        // libpq splits key=value text at any of isspace()'s characters: "\f" or "\v" too
        // (found by fuzzing) would let one value end early and the rest read as another key.
        if (value.find_first_of(" \t\n\v\f\r'\"\\") != std::string::npos)
            throw ConfigException("store.url: the value of '" + keyword +
                                  "' contains white space, a quote or a backslash, which POCO's "
                                  "PostgreSQL driver cannot pass; use the PG" +
                                  (keyword == "password" ? std::string("PASSWORD variable or a "
                                                                       ".pgpass file")
                                                         : std::string("* variables")) +
                                  " instead");
        result._driver += (result._driver.empty() ? "" : " ") + keyword + "=" + value;
    }

    // Fill in what libpq will use for the rest (PG* variables, then its built-in defaults).
    Options defaults(PQconndefaults(), &PQconninfoFree);
    auto effective = valuesOf(defaults.get());
    for (const auto& [keyword, value] : given)
        effective[keyword] = value;
    if (result._password.empty() && effective.count("password"))
        result._password = effective["password"];

    const auto field = [&](const char* keyword, const char* fallback)
    {
        auto it = effective.find(keyword);
        return std::string(keyword) + "=" + (it != effective.end() ? it->second : fallback);
    };
    result._description = field("host", "(local socket)") + " " + field("port", "5432") + " " +
                          field("dbname", "(user name)") + " " + field("user", "(login name)");
    return result;
}

std::string ConnectionString::redact(const std::string& text) const
{
    if (_password.empty())
        return text;
    std::string out = text;
    for (auto pos = out.find(_password); pos != std::string::npos;
         pos = out.find(_password, pos + 5))
        out.replace(pos, _password.size(), "*****");
    return out;
}

} // namespace courierd
