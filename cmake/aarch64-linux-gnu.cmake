# Cross-build for ARM64 with Debian's toolchain and multiarch :arm64 libraries
# (tools/install-deps.sh --arm64); tests run under qemu-aarch64.
#   cmake -S . -B build-arm64 -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)

# pkg-config must see the arm64 .pc files only, never the host's.
set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")

set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu /usr/lib/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)

# ctest runs every test program through this; the shell tests get a wrapper.
# No -L /usr/aarch64-linux-gnu: that loader is the cross toolchain's copy and,
# mixed with the multiarch libc6:arm64 the libraries come with, it hangs in
# pthread_create. The multiarch /lib/ld-linux-aarch64.so.1 matches them.
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64)

# libjemalloc-dev is not co-installable across architectures (not Multi-Arch:
# same): the ARM64 build uses the C library's allocator.
set(NQ_JEMALLOC OFF CACHE BOOL "jemalloc is not installed for arm64")
