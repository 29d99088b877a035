#include "app/CourierDaemon.h"

int main(int argc, char** argv)
{
    // Before any thread exists, so that every thread inherits the mask and only the main
    // thread's sigwait() ever sees SIGTERM, SIGINT, SIGQUIT and SIGHUP.
    courierd::CourierDaemon::blockSignals();
    courierd::CourierDaemon daemon;
    return daemon.run(argc, argv);
}
