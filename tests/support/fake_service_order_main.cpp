// The fake service-order as a program, for trying courierd by hand and for bench/:
//   build/tests/fake_service_order [PORT] [ORDERS_PER_SECOND] [PRELOAD [RECORD_FILE]]
// Serves the contract on 127.0.0.1:PORT (default 8080) and creates ORDERS_PER_SECOND new orders
// a second (default 1; 0: none), evenly spread, each visible from the moment it is created.
// Without PRELOAD it starts with ten past orders and uses mixed statuses. With PRELOAD every
// order is assignable and it starts with PRELOAD orders created over the last five seconds (so
// that many share a second). SIGUSR1 stops the creating (the service goes on answering); then,
// and on SIGTERM or SIGINT before exiting, it writes every order's id and creation time (epoch
// microseconds, tab-separated) to RECORD_FILE when given (complete once renamed into place).
//   build/tests/fake_service_order --plugin-check
// courierd-plugin-check's fake: serves on a free port, prints its base URL, and answers each
// line `seed N` on stdin by adding N assignable orders created now and printing their ids on
// one line; ends when stdin closes.
#include "FakeServiceOrder.h"

#include <Poco/Thread.h>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>

namespace
{

volatile std::sig_atomic_t stop = 0;
volatile std::sig_atomic_t paused = 0;

void record(const courierd::test::FakeServiceOrder& fake, const std::string& file)
{
    if (file.empty())
        return;
    {
        std::ofstream out(file + ".part");
        for (const auto& [id, createdAt] : fake.orders())
            out << id << '\t' << createdAt.epochMicroseconds() << '\n';
    }
    std::rename((file + ".part").c_str(), file.c_str());
}

} // namespace

int pluginCheck()
{
    courierd::test::FakeServiceOrder fake(0);
    std::cout << fake.baseUrl() << std::endl;
    for (std::string line; std::getline(std::cin, line);)
        if (line.starts_with("seed "))
        {
            const int count = std::stoi(line.substr(5));
            for (int i = 0; i < count; ++i)
                std::cout << (i ? " " : "") << fake.addOrder("created");
            std::cout << std::endl;
        }
    return 0;
}

int main(int argc, char** argv)
{
    const std::string first = argc > 1 ? argv[1] : "";
    if (first == "--plugin-check")
        return pluginCheck();
    if (!first.empty() && first.find_first_not_of("0123456789") != std::string::npos)
    {
        std::cerr
            << "usage: fake_service_order [PORT] [ORDERS_PER_SECOND] [PRELOAD [RECORD_FILE]]\n"
               "       fake_service_order --plugin-check"
            << std::endl;
        return 64;
    }
    const auto port = static_cast<unsigned short>(argc > 1 ? std::stoi(argv[1]) : 8080);
    const int rate = argc > 2 ? std::stoi(argv[2]) : 1;
    const bool bench = argc > 3;
    const long preload = bench ? std::stol(argv[3]) : 0;
    const std::string file = argc > 4 ? argv[4] : "";
    std::signal(SIGINT, [](int) { stop = 1; });
    std::signal(SIGTERM, [](int) { stop = 1; });
    std::signal(SIGUSR1, [](int) { paused = 1; });

    courierd::test::FakeServiceOrder fake(port);
    const Poco::Timestamp started;
    for (long i = 0; i < preload; ++i)
        fake.addOrder("created", started - (5'000'000 * (preload - i)) / preload);
    if (!bench)
        for (int i = 0; i < 10; ++i)
            fake.addOrder(i % 4 == 3 ? "canceled" : "created",
                          started - Poco::Timespan(0, 0, 6 + i, 0, 0));
    std::cout << "fake service-order on " << fake.baseUrl() << ", " << rate
              << " new order(s) a second; Ctrl-C stops it" << std::endl;
    const char* statuses[] = {"created", "pending", "confirmed", "cooking", "canceled"};
    for (long n = 0; !stop && !paused;)
    {
        // The n-th order is due n/rate seconds after the start: no drift, no bursts.
        const Poco::Timestamp::TimeDiff due =
            rate > 0 ? n * Poco::Timestamp::TimeDiff(1'000'000) / rate : 1'000'000'000;
        const Poco::Timestamp::TimeDiff wait = due - started.elapsed();
        if (wait > 0)
        {
            Poco::Thread::sleep(std::min<long>(static_cast<long>(wait / 1000) + 1, 100));
            continue;
        }
        fake.addOrder(bench ? "created" : statuses[n % 5]);
        ++n;
    }
    record(fake, file);
    while (!stop)
        Poco::Thread::sleep(50);
    record(fake, file);
    return 0;
}
