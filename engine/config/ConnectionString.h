#pragma once

#include "courierd/Duration.h"

#include <string>

namespace courierd
{

/// `store.url` turned into what POCO's PostgreSQL connector accepts. libpq itself parses the
/// URI or key=value text, so every libpq parameter works; the result is the single-spaced,
/// unquoted key=value form the connector needs (it cannot pass values with spaces or quotes:
/// those are refused here with a clear message).
class ConnectionString
{
public:
    /// Parses `url`: a libpq URI (`postgresql://user:pass@host:port/db?param=value`), a
    /// key=value string, or empty (libpq's PG* environment variables then apply). Adds
    /// `connect_timeout` unless the url sets one. Throws ConfigException; its message never
    /// contains the password.
    /// A non-empty `password` (from store.password_file) replaces the url's.
    static ConnectionString parse(const std::string& url, Duration connectTimeout,
                                  const std::string& password = {});

    /// The key=value string for the driver. Contains the password: never log it.
    const std::string& forDriver() const { return _driver; }

    /// Where this connects, for messages: `host=… port=… dbname=… user=…`, with libpq's
    /// defaults and PG* variables filled in. Never contains the password.
    const std::string& description() const { return _description; }

    /// `text` with every occurrence of the password replaced, for error messages that quote
    /// the driver.
    std::string redact(const std::string& text) const;

private:
    std::string _driver;
    std::string _description;
    std::string _password;
};

} // namespace courierd
