# Sourced (not run) by the benchmarks/run-*.sh scripts from the repository root: builds the
# benchmark module and what it needs (tests skipped) and sets BENCH_CLASSPATH to run it from.
# A second argument names more modules to build with it (comma list, e.g. the distributions).
# The build log goes to benchmarks/target/build.log and is shown when the build fails.
# BENCH_SKIP_BUILD=1 builds nothing: it runs what was built before (benchmarks/target/classes and the
# modules installed in the local Maven repository, offline), e.g. to rerun while other modules change.
bench_build() {
    local caller=$1
    local modules=benchmarks${2:+,$2}
    mkdir -p benchmarks/target
    local build=(-Dmaven.test.skip=true -pl "$modules" -am package dependency:build-classpath)
    if [[ -n "${BENCH_SKIP_BUILD:-}" ]]; then
        [[ -d benchmarks/target/classes ]] || { echo "$caller: BENCH_SKIP_BUILD is set but nothing was built" >&2; exit 1; }
        build=(-o -pl benchmarks dependency:build-classpath)
    fi
    if ! mvn -q -B "${build[@]}" -Dmdep.outputFile=target/cp.txt >benchmarks/target/build.log 2>&1; then
        cat benchmarks/target/build.log >&2
        echo "$caller: build failed (log above, also in benchmarks/target/build.log)" >&2
        exit 1
    fi
    BENCH_CLASSPATH="$PWD/benchmarks/target/classes:$(cat benchmarks/target/cp.txt)"
}
