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

# ZK_JARS: class path of ZooKeeper 3.9.6's server, which the benchmarks' ensembles run, as the chaos
# test does (3.9.3, the build's compile dependency, lost committed transactions in the chaos test's
# kill sequence: benchmarks/CLUSTER.md). 3.9.6's parent POM is missing on Central, so Maven cannot
# fetch these jars: the local repository (the features build put them there) or Central, checked
# against the published SHA-1. Call from the repository's root; $1 names the caller in errors.
zookeeper_server_jars() {
    local caller=$1 version=3.9.6 dir=benchmarks/target/zookeeper-server a name sha1 jar
    mkdir -p "$dir"
    for a in zookeeper:3b2ee5076baf8ccc740a0aaaa26110f976addf70 zookeeper-jute:00675eaa194fc043d828d2d0bccc5677c3a88d51; do
        name=${a%%:*} sha1=${a#*:} jar="$dir/${a%%:*}-$version.jar"
        [ -f "$jar" ] || cp "$HOME/.m2/repository/org/apache/zookeeper/$name/$version/$name-$version.jar" "$jar" 2>/dev/null \
            || curl -fsSL -o "$jar" "https://repo.maven.apache.org/maven2/org/apache/zookeeper/$name/$version/$name-$version.jar" \
            || { echo "$caller: cannot fetch $name $version" >&2; exit 1; }
        echo "$sha1  $jar" | sha1sum -c --quiet - || { rm -f "$jar"; echo "$caller: $jar does not match its SHA-1" >&2; exit 1; }
    done
    ZK_JARS="$PWD/$dir/zookeeper-$version.jar:$PWD/$dir/zookeeper-jute-$version.jar"
}
