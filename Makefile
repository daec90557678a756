# The two entry points of the README; everything else is CMake.
#   make demo   install what is missing, build, index the demo corpus, query it
#   make test   install what is missing, build, run the whole suite (ctest)
BUILD ?= build
JOBS ?= $(shell nproc)
NGRAMQ = $(BUILD)/ngramq
DEMO_INDEX = $(BUILD)/demo.nq

.PHONY: all deps build demo test sanitize test-arm64 bench clean

all: build

deps:
	@sh tools/install-deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

demo: build
	$(NGRAMQ) build data/demo/articles.jsonl -o $(DEMO_INDEX)
	$(NGRAMQ) info $(DEMO_INDEX) --format table
	$(NGRAMQ) count $(DEMO_INDEX) "souveraineté" "open source" "l’IA" "Mistral AI" "intelligence artificielle" --format table
	$(NGRAMQ) top $(DEMO_INDEX) -n 2 -k 10 --format table
	$(NGRAMQ) top $(DEMO_INDEX) -n 2 -k 8 --prefix "souv*" --format table
	$(NGRAMQ) count $(DEMO_INDEX) "souverain*" "open source | logiciel libre" --by year --relative --format table
	$(NGRAMQ) kwic $(DEMO_INDEX) "souveraineté numérique | souveraineté technologique" --width 50 --limit 8 --format table
	$(NGRAMQ) docs $(DEMO_INDEX) "Mistral AI" -k 5 --format table
	$(NGRAMQ) collocates $(DEMO_INDEX) "souveraineté" -k 8 --format table
	@echo "--- The founding question: how strongly is \"souveraineté\" associated with \"open source\"?"
	$(NGRAMQ) assoc $(DEMO_INDEX) "souveraineté" "open source" --scope sentence --format table
	$(NGRAMQ) assoc $(DEMO_INDEX) "souverain*" "open source | logiciel libre" --scope document --measure llr --by year --format table
	$(NGRAMQ) rank $(DEMO_INDEX) --actors data/lexicons/actors-fr.tsv --topics data/lexicons/topics-fr.tsv --scope sentence --measure llr --format table

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The suite under AddressSanitizer and UndefinedBehaviorSanitizer.
sanitize: deps
	@cmake -S . -B $(BUILD)-asan -DCMAKE_BUILD_TYPE=Debug -DNQ_SANITIZE=ON $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD)-asan -j $(JOBS)
	cd $(BUILD)-asan && ctest --output-on-failure -j $(JOBS)

# The suite built for ARM64 (Debian's cross toolchain, multiarch :arm64
# libraries) and run under qemu-aarch64: the NEON paths on every change.
test-arm64:
	@sh tools/install-deps.sh --arm64
	@cmake -S . -B $(BUILD)-arm64 -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake \
		-DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD)-arm64 -j $(JOBS)
	cd $(BUILD)-arm64 && ctest --output-on-failure -j $(JOBS)

# Build and query benchmark on OrangeSum and generated corpora, with
# baselines; the largest generated corpus (1 GB) is checked for linear growth
# against the 100 MB one. QUICK=1: one run each, 10 MB and 100 MB generated.
BENCH_ORANGESUM = ../shared/corpus/orangesum
bench: build
ifdef QUICK
	python3 bench/run.py --quick --corpus $(BENCH_ORANGESUM) --corpus gen:10M --large gen:100M
else
	python3 bench/run.py --corpus $(BENCH_ORANGESUM) --corpus gen:100M --large gen:1G
endif

clean:
	rm -rf $(BUILD) $(BUILD)-asan $(BUILD)-arm64
