# daftar - build, test and benchmark.
#
#   make            build/daftar (developer build: -Werror, debug info)
#   make asan       build-asan/daftar (AddressSanitizer + UBSan; the tests use it)
#   make unit       build and run the cmocka unit tests (under ASan/UBSan)
#   make check      every test: unit + API + browser (scripts/test is the newcomer's path)
#   make bench      benchmarks with wrk; figures printed (docs/PERFORMANCE.md): bench/run
#                   (HTTP on SQLite, PostgreSQL, nginx), then bench/attendance and bench/files
#   make bench-attendance  bench/attendance alone: check-in ingestion and the monthly
#                   attendance report over 250,000 officers (issue 5)
#   make bench-files  bench/files alone: file moves per second and the province pendency
#                   report over 1,000,000 files and 10,000,000 movements (issue 6)
#   make clean
#
# Libraries come from Debian through pkg-config (see scripts/setup).

CC ?= cc
PKGS = libmicrohttpd jansson sqlite3 libpq libsodium inih liboath libcurl geos xlsxwriter libmagic libqrencode
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo 0.1.0)
# build/.version holds the version main.o was built with: rewritten only when it
# changes, so a new commit rebuilds main.o (and --version is never stale)
VERSION_STAMP := $(shell mkdir -p build && (echo '$(VERSION)' | cmp -s - build/.version || echo '$(VERSION)' > build/.version) && echo build/.version)

WARN = -std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wvla \
       -Wformat=2 -Wno-format-nonliteral -Wmissing-prototypes
CFLAGS ?= -O2 -g
ALL_CFLAGS = $(WARN) $(CFLAGS) $(PKG_CFLAGS) -DDAFTAR_VERSION='"$(VERSION)"' -Isrc
ASAN_FLAGS = -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined

SRC := $(filter-out src/main.c,$(wildcard src/*/*.c)) src/modules.c
SRC := $(sort $(SRC))
LIB_SRC := $(SRC)
MAIN_SRC := src/main.c
UNIT_SRC := $(wildcard tests/unit/test_*.c)

OBJ := $(patsubst src/%.c,build/obj/%.o,$(LIB_SRC))
AOBJ := $(patsubst src/%.c,build-asan/obj/%.o,$(LIB_SRC))

.PHONY: all asan unit check bench bench-attendance bench-files clean
all: build/daftar

build/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

build-asan/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(ASAN_FLAGS) $(PKG_CFLAGS) -DDAFTAR_VERSION='"$(VERSION)"' -Isrc -MMD -MP -c $< -o $@

build/libdaftar.a: $(OBJ)
	ar rcs $@ $^

build-asan/libdaftar.a: $(AOBJ)
	ar rcs $@ $^

build/daftar: build/obj/main.o build/libdaftar.a
	$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS)

build-asan/daftar: build-asan/obj/main.o build-asan/libdaftar.a
	$(CC) $(ASAN_FLAGS) -o $@ $^ $(PKG_LIBS)

build/obj/main.o: src/main.c $(VERSION_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

build-asan/obj/main.o: src/main.c $(VERSION_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(ASAN_FLAGS) $(PKG_CFLAGS) -DDAFTAR_VERSION='"$(VERSION)"' -Isrc -MMD -MP -c $< -o $@

asan: build-asan/daftar

# Each tests/unit/test_X.c links against the ASan library and cmocka.
UNIT_BIN := $(patsubst tests/unit/%.c,build-asan/tests/%,$(UNIT_SRC))
build-asan/tests/%: tests/unit/%.c build-asan/libdaftar.a
	@mkdir -p $(dir $@)
	$(CC) $(WARN) -Wno-missing-prototypes $(ASAN_FLAGS) $(PKG_CFLAGS) -Isrc -Isrc/core $< build-asan/libdaftar.a -o $@ $(PKG_LIBS) -lcmocka

unit: $(UNIT_BIN)
	@scripts/run-unit $(UNIT_BIN)

check: asan $(UNIT_BIN)
	@scripts/web-build
	@scripts/run-tests

bench: build/daftar
	@bench/run
	@bench/attendance
	@bench/files

bench-attendance: build/daftar
	@bench/attendance

bench-files: build/daftar
	@bench/files

clean:
	rm -rf build build-asan

-include $(OBJ:.o=.d) $(AOBJ:.o=.d) build/obj/main.d build-asan/obj/main.d

# libFuzzer targets (clang): build-fuzz/fuzz_*; scripts/run-tests runs each
# for a bounded number of inputs.
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN := $(patsubst tests/fuzz/%.c,build-fuzz/%,$(FUZZ_SRC))
FUZZ_LIB_SRC := $(LIB_SRC)
.PHONY: fuzz
fuzz: $(FUZZ_BIN)
build-fuzz/%: tests/fuzz/%.c $(FUZZ_LIB_SRC)
	@mkdir -p $(dir $@)
	clang -std=c17 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined $(PKG_CFLAGS) -Isrc -Isrc/core \
		-DDAFTAR_FUZZ $< $(FUZZ_LIB_SRC) -o $@ $(PKG_LIBS)
