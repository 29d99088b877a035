// The fake service-order as a program, for trying courierd by hand and for bench/:
//   build/tests/fake_service_order [PORT] [ORDERS_PER_SECOND] [PRELOAD]
// Serves the contract on 127.0.0.1:PORT (default 8080). Without PRELOAD it starts with ten past
// orders and creates ORDERS_PER_SECOND new orders a second (default 1, mixed statuses). With
// PRELOAD it starts with that many assignable orders, created over the last five seconds (so
// many share a second), then creates ORDERS_PER_SECOND more a second (0: none).
#include "FakeServiceOrder.h"

#include <Poco/Thread.h>

#include <csignal>
#include <iostream>

namespace
{

volatile std::sig_atomic_t stop = 0;

} // namespace

int main(int argc, char** argv)
{
    const auto port = static_cast<unsigned short>(argc > 1 ? std::stoi(argv[1]) : 8080);
    const int rate = argc > 2 ? std::stoi(argv[2]) : 1;
    const long preload = argc > 3 ? std::stol(argv[3]) : 0;
    std::signal(SIGINT, [](int) { stop = 1; });
    std::signal(SIGTERM, [](int) { stop = 1; });

    courierd::test::FakeServiceOrder fake(port);
    if (preload > 0)
    {
        const Poco::Timestamp now;
        for (long i = 0; i < preload; ++i)
            fake.addOrder("created", now - (5'000'000 * (preload - i)) / preload);
    }
    else
        for (int i = 0; i < 10; ++i)
            fake.addOrder(i % 4 == 3 ? "canceled" : "created",
                          Poco::Timestamp() - Poco::Timespan(0, 0, 6 + i, 0, 0));
    std::cout << "fake service-order on " << fake.baseUrl() << ", " << rate
              << " new order(s) a second; Ctrl-C stops it" << std::endl;
    const char* statuses[] = {"created", "pending", "confirmed", "cooking",
                              preload > 0 ? "created" : "canceled"};
    for (long n = 0; !stop; ++n)
    {
        for (int i = 0; i < rate; ++i)
            fake.addOrder(statuses[(n * rate + i) % 5]);
        Poco::Thread::sleep(1000);
    }
    return 0;
}
