# Sourced (not run) by the benchmarks/run-*.sh scripts from the repository root: builds the
# benchmark module and what it needs (tests skipped) and sets BENCH_CLASSPATH to run it from.
# A second argument names more modules to build with it (comma list, e.g. the distributions).
# The build log goes to benchmarks/target/build.log and is shown when the build fails.
bench_build() {
    local caller=$1
    local modules=benchmarks${2:+,$2}
    mkdir -p benchmarks/target
    if ! mvn -q -B -Dmaven.test.skip=true -pl "$modules" -am package dependency:build-classpath \
            -Dmdep.outputFile=target/cp.txt >benchmarks/target/build.log 2>&1; then
        cat benchmarks/target/build.log >&2
        echo "$caller: build failed (log above, also in benchmarks/target/build.log)" >&2
        exit 1
    fi
    BENCH_CLASSPATH="$PWD/benchmarks/target/classes:$(cat benchmarks/target/cp.txt)"
}
