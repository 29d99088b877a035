#pragma once

#include "config/EngineConfig.h"

#include <Poco/Types.h>

#include <string>
#include <vector>

namespace courierd::test
{

/// A fresh, empty database in the PostgreSQL that libpq's PG* variables point to (the README's
/// test command runs the tests under pg_virtualenv), dropped again by the destructor.
class TestDatabase
{
public:
    /// With `encoding` (SQL_ASCII, say), the database has it, with the C locale.
    explicit TestDatabase(const std::string& tag, const std::string& encoding = "");
    ~TestDatabase();

    TestDatabase(const TestDatabase&) = delete;
    TestDatabase& operator=(const TestDatabase&) = delete;

    const std::string& name() const { return _name; }

    /// `dbname=<name>`: a store.url that reaches this database (the rest from PG*).
    std::string url() const { return "dbname=" + _name; }

    /// Store settings for this database.
    StoreConfig store(int poolSize = 8) const;

    /// Runs `sql` (any number of statements). Throws Poco::Exception with the server's error.
    void execute(const std::string& sql) const;

    /// The first column of the first row of `sql` as text (empty for no row or NULL).
    std::string text(const std::string& sql) const;

    /// The first column of every row of `sql` as text.
    std::vector<std::string> column(const std::string& sql) const;

    /// The first column of the first row of `sql` as an integer (0 for no row or NULL).
    Poco::Int64 scalar(const std::string& sql) const;

private:
    std::string _name;
};

} // namespace courierd::test
