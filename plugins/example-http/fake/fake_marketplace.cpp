// The fake marketplace as a program, for trying example-http by hand and for
// courierd-plugin-check's seeding hook:
//   fake_marketplace KEY_FILE [PORT]    prints its base URL, serves until stdin closes
// Each line `seed N` on stdin adds N orders created now and prints their ids on one line.
#include "FakeMarketplace.h"

#include <fstream>
#include <iostream>

int main(int argc, char** argv)
{
    if (argc < 2)
    {
        std::cerr << "usage: fake_marketplace KEY_FILE [PORT]" << std::endl;
        return 64;
    }
    std::ifstream file(argv[1]);
    std::string key;
    std::getline(file, key);
    if (key.empty())
    {
        std::cerr << "fake_marketplace: no key in " << argv[1] << std::endl;
        return 66;
    }
    marketplace::FakeMarketplace fake(
        key, static_cast<unsigned short>(argc > 2 ? std::stoi(argv[2]) : 0));
    std::cout << fake.baseUrl() << std::endl;
    for (std::string line; std::getline(std::cin, line);)
        if (line.starts_with("seed "))
        {
            const auto ids = fake.add(std::stoi(line.substr(5)));
            for (std::size_t i = 0; i < ids.size(); ++i)
                std::cout << (i ? " " : "") << ids[i];
            std::cout << std::endl;
        }
    return 0;
}
