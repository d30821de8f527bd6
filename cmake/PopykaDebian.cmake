# The Debian packages (scripts/package: configure with POPYKA_DEBIAN_PACKAGE=ON and
# CMAKE_INSTALL_PREFIX=/usr, build, cpack):
#   popyka      popyka-host, the built-in plugins (/usr/lib/popyka/plugins), the default config as
#               the conffile /etc/popyka/popyka.yaml, /etc/default/popyka, popyka.service
#   popyka-dev  the SDK headers and the CMake package: find_package(Popyka) against /usr
# Install components: `popyka` and `dev` (set where the install rules are, CMakeLists.txt).
option(POPYKA_DEBIAN_PACKAGE "Add the system files (/etc, the systemd unit, docs) the Debian packages hold" OFF)
if(NOT POPYKA_DEBIAN_PACKAGE)
  return()
endif()

set(debian_dir "${PROJECT_SOURCE_DIR}/cmake/debian")
install(FILES core/config/default_config.yaml DESTINATION /etc/popyka RENAME popyka.yaml COMPONENT popyka)
# Secrets (the DSN's password): readable by root only, which is who reads an EnvironmentFile=.
install(FILES "${debian_dir}/popyka.default" DESTINATION /etc/default RENAME popyka
  PERMISSIONS OWNER_READ OWNER_WRITE COMPONENT popyka)
install(FILES "${debian_dir}/popyka.service" DESTINATION lib/systemd/system COMPONENT popyka)

# Each package's /usr/share/doc/<package>: copyright and changelog.gz (Debian policy), README.
configure_file("${debian_dir}/changelog.in" "${PROJECT_BINARY_DIR}/changelog" @ONLY)
execute_process(COMMAND gzip -9 -n -c "${PROJECT_BINARY_DIR}/changelog"
  OUTPUT_FILE "${PROJECT_BINARY_DIR}/changelog.gz" COMMAND_ERROR_IS_FATAL ANY)
foreach(component popyka dev)
  set(package popyka)
  if(component STREQUAL "dev")
    set(package popyka-dev)
  endif()
  install(FILES "${debian_dir}/copyright" "${PROJECT_BINARY_DIR}/changelog.gz"
    DESTINATION share/doc/${package} COMPONENT ${component})
endforeach()
install(FILES README.md DESTINATION share/doc/popyka COMPONENT popyka)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME popyka)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_CONTACT "popyka maintainers <maintainers@users.noreply.b-seed-72e9c496.example>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_COMPONENTS_ALL popyka dev)  # not `tools` (the mock Kafka of the tests)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
# Depends: from the libraries the binaries link (dpkg-shlibdeps), not written by hand.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SECTION database)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Each package's first description line is its own synopsis (CPack would put the project's
# description before it); CPack indents the lines after it.
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "")

set(CPACK_DEBIAN_POPYKA_PACKAGE_NAME popyka)
set(CPACK_DEBIAN_POPYKA_PACKAGE_DEPENDS adduser)  # postinst creates the popyka system user
set(CPACK_DEBIAN_POPYKA_DESCRIPTION "change data capture for PostgreSQL, as a plugin host
popyka-host reads every change of a PostgreSQL database through logical
replication (wal2json or pgoutput), runs it through filters and processors
(C++ plugins) and delivers it to Kafka and other systems. Runs as
popyka.service; configure /etc/default/popyka and /etc/popyka/popyka.yaml.")
set(CPACK_DEBIAN_POPYKA_PACKAGE_CONTROL_EXTRA
  "${debian_dir}/conffiles" "${debian_dir}/postinst" "${debian_dir}/prerm" "${debian_dir}/postrm")
set(CPACK_DEBIAN_POPYKA_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)

set(CPACK_DEBIAN_DEV_PACKAGE_NAME popyka-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEV_DESCRIPTION "SDK for popyka plugins (headers, CMake package)
The stable C++ header of popyka's plugin SDK and its CMake package:
find_package(Popyka) gives Popyka::sdk and popyka_add_plugin(), which
builds a filter, processor or error handler as a .so popyka-host loads.")

include(CPack)
