# Writes OUTPUT: a C++ file defining courierd::Migrator::builtIn() from the SQL files in
# MIGRATIONS_DIR, so that the binary carries the schema it was built for.
file(GLOB files RELATIVE "${MIGRATIONS_DIR}" "${MIGRATIONS_DIR}/*.sql")
list(SORT files)
set(body "")
foreach(name IN LISTS files)
  file(READ "${MIGRATIONS_DIR}/${name}" sql)
  string(FIND "${sql}" ")courierd_sql\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${name} contains the raw-string delimiter )courierd_sql\"")
  endif()
  string(APPEND body "        {\"${name}\", {}, R\"courierd_sql(${sql})courierd_sql\"},\n")
endforeach()
file(WRITE "${OUTPUT}.tmp" "// Generated from migrations/ by cmake/EmbedMigrations.cmake; do not edit.
#include \"store/Migrator.h\"

namespace courierd
{

std::vector<Migration> Migrator::builtIn()
{
    return {
${body}    };
}

} // namespace courierd
")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
