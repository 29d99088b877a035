# Third-party packages, all from Debian bookworm.

# Debian's PocoDataPostgreSQL target links `PostgreSQL::client`, which nothing defines
# (see shared/notes/poco-1.11.md): define it before asking for Poco.
find_package(PostgreSQL REQUIRED)
if(NOT TARGET PostgreSQL::client)
  add_library(PostgreSQL::client INTERFACE IMPORTED)
  target_link_libraries(PostgreSQL::client INTERFACE PostgreSQL::PostgreSQL)
endif()

find_package(Poco 1.11 REQUIRED COMPONENTS Foundation Util Net JSON Data DataPostgreSQL)
find_package(Threads REQUIRED)
# sd_notify, for the systemd service (Type=notify): libsystemd-dev.
find_package(PkgConfig REQUIRED)
pkg_check_modules(SYSTEMD REQUIRED IMPORTED_TARGET libsystemd)
# The admin token is compared in constant time with OpenSSL's CRYPTO_memcmp (libssl-dev, which
# libpq-dev depends on already) rather than a comparison loop of our own.
find_package(OpenSSL 3 REQUIRED COMPONENTS Crypto)
# Build time only: tools/openapi_header reads docs/openapi.yaml to compile it in as YAML and
# JSON (libyaml-cpp-dev); courierd links no YAML parser.
find_package(yaml-cpp REQUIRED)

if(COURIERD_BUILD_TESTS)
  pkg_check_modules(CPPUNIT REQUIRED IMPORTED_TARGET cppunit)
endif()
