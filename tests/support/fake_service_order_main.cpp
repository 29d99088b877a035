// The fake service-order as a program, for trying courierd by hand without the real service:
//   build/tests/fake_service_order [PORT] [ORDERS_PER_SECOND]
// Serves the contract on 127.0.0.1:PORT (default 8080), seeded with ten past orders, and
// creates ORDERS_PER_SECOND new orders (default 1, in mixed statuses) until interrupted.
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
    std::signal(SIGINT, [](int) { stop = 1; });
    std::signal(SIGTERM, [](int) { stop = 1; });

    courierd::test::FakeServiceOrder fake(port);
    for (int i = 0; i < 10; ++i)
        fake.addOrder(i % 4 == 3 ? "canceled" : "created",
                      Poco::Timestamp() - Poco::Timespan(0, 0, 6 + i, 0, 0));
    std::cout << "fake service-order on " << fake.baseUrl() << ", " << rate
              << " new order(s) a second; Ctrl-C stops it" << std::endl;
    const char* statuses[] = {"created", "pending", "confirmed", "cooking", "canceled"};
    for (long n = 0; !stop; ++n)
    {
        for (int i = 0; i < rate; ++i)
            fake.addOrder(statuses[(n * rate + i) % 5]);
        Poco::Thread::sleep(1000);
    }
    return 0;
}
