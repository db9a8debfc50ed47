package net.dtm.benchmark.fleet;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

import net.dtm.benchmark.ChildCpu;

/**
 * The server side a fleet recovers from: the standalone node ({@link StandaloneSide}) or the 3-node
 * cluster ({@link ClusterSide}), each node its own JVM, restarted on the same store.
 */
interface ServerSide extends AutoCloseable {

    /** For the table, e.g. "standalone (1 node, Derby)". */
    String name();

    /** Every node's control endpoint (the same across restarts). */
    List<InetSocketAddress> endpoints();

    /** Stops every node cleanly (standard input closed: it closes its socket and its store) and waits until all are gone. */
    void stop() throws Exception;

    /**
     * Starts every node again (same ids, ports and store) and waits until all are READY.
     *
     * @return when the first node was READY ({@link System#nanoTime()}): from then on the fleet can be served
     */
    long start() throws Exception;

    /** The nodes' counters of their current runs, summed. */
    Map<String, Long> counters() throws Exception;

    /** CPU time the nodes' current runs have used so far, in ns (0 if unknown). */
    default long cpuNanos() {
        return ChildCpu.nanos(mainClass());
    }

    /** The main class of the node JVMs (to find them among this JVM's children). */
    String mainClass();

    @Override
    void close();
}
