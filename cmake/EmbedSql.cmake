# Writes OUTPUT: a header defining courierd::sql::<NAME> for each SQL_DIR/<name>.sql, so that the
# statements courierd runs live in .sql files that tools (bench/) can run too.
file(GLOB files RELATIVE "${SQL_DIR}" "${SQL_DIR}/*.sql")
list(SORT files)
set(body "")
foreach(name IN LISTS files)
  file(READ "${SQL_DIR}/${name}" sql)
  get_filename_component(stem "${name}" NAME_WE)
  string(TOUPPER "${stem}" stem)
  string(APPEND body "inline constexpr const char ${stem}[] = R\"courierd_sql(${sql})courierd_sql\";\n")
endforeach()
file(WRITE "${OUTPUT}.tmp" "// Generated from engine/<component>/sql/ by cmake/EmbedSql.cmake; do not edit.\n#pragma once\n\nnamespace courierd::sql\n{\n\n${body}\n} // namespace courierd::sql\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
