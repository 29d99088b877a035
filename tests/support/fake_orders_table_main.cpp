// courierd-plugin-check's fake for postgres-table: a throw-away database (in the PostgreSQL
// libpq's PG* variables point to) with a table `orders` (id, created_at, status, customer)
// indexed on (created_at, id). Prints its connection string, answers each line `seed N` on
// stdin by inserting N orders created now and printing their ids on one line, and drops the
// database when stdin closes.
//   build/tests/fake_orders_table
#include <iostream>
#include <libpq-fe.h>
#include <string>
#include <unistd.h>

namespace
{

PGconn* open(const std::string& database)
{
    PGconn* connection = PQconnectdb(("dbname=" + database).c_str());
    if (PQstatus(connection) != CONNECTION_OK)
    {
        std::cerr << "fake_orders_table: " << PQerrorMessage(connection);
        std::exit(69);
    }
    return connection;
}

PGresult* run(PGconn* connection, const std::string& sql, int expected)
{
    PGresult* result = PQexec(connection, sql.c_str());
    if (PQresultStatus(result) != expected)
    {
        std::cerr << "fake_orders_table: " << sql << ": " << PQresultErrorMessage(result);
        std::exit(70);
    }
    return result;
}

} // namespace

int main()
{
    const std::string name = "courierd_check_orders_" + std::to_string(getpid());
    PGconn* admin = open("postgres");
    PQclear(run(admin, "DROP DATABASE IF EXISTS " + name, PGRES_COMMAND_OK));
    PQclear(run(admin, "CREATE DATABASE " + name, PGRES_COMMAND_OK));
    PGconn* orders = open(name);
    PQclear(run(orders,
                "CREATE TABLE orders (id bigserial PRIMARY KEY, created_at timestamptz NOT NULL "
                "DEFAULT now(), status text NOT NULL DEFAULT 'created', customer text); "
                "CREATE INDEX ON orders (created_at, id)",
                PGRES_COMMAND_OK));
    std::cout << "dbname=" << name << std::endl;
    for (std::string line; std::getline(std::cin, line);)
        if (line.starts_with("seed "))
        {
            PGresult* ids = run(orders,
                                "INSERT INTO orders (customer) SELECT 'customer ' || g FROM "
                                "generate_series(1, " +
                                    std::to_string(std::stoi(line.substr(5))) + ") g RETURNING id",
                                PGRES_TUPLES_OK);
            for (int row = 0; row < PQntuples(ids); ++row)
                std::cout << (row ? " " : "") << PQgetvalue(ids, row, 0);
            std::cout << std::endl;
            PQclear(ids);
        }
    PQfinish(orders);
    PQclear(run(admin, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)", PGRES_COMMAND_OK));
    PQfinish(admin);
    return 0;
}
