package net.dtm.itests;

import java.io.IOException;

import org.apache.curator.test.TestingServer;

/**
 * One ZooKeeper server (Curator's {@link TestingServer}: a real ZooKeeper server on a free
 * loopback port, data in a temporary folder) in the test driver's JVM, for the Karaf container a
 * cluster-mode test boots. Started at most once per JVM, closed when the JVM exits.
 *
 * <p>Only the driver touches this class (from a {@code @Configuration} method): the container
 * never loads it, so curator-test need not exist there.
 */
final class EmbeddedZooKeeper {

    private static TestingServer server;

    private EmbeddedZooKeeper() {
    }

    /** Starts the server if it is not running yet and returns its connect string. */
    static synchronized String connectString() throws IOException {
        if (server == null) {
            // ZooKeeper's INFO lines would drown the driver's log.
            System.setProperty("org.slf4j.simpleLogger.log.org.apache.zookeeper", "warn");
            System.setProperty("org.slf4j.simpleLogger.log.org.apache.curator", "warn");
            System.setProperty("zookeeper.admin.enableServer", "false");
            try {
                server = new TestingServer(true);
            } catch (Exception e) {
                throw new IOException("cannot start the test ZooKeeper server: " + e, e);
            }
            TestingServer started = server;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (IOException e) {
                    System.err.println("test ZooKeeper server did not close: " + e);
                }
            }, "embedded-zookeeper-close"));
        }
        return server.getConnectString();
    }
}
