package net.dtm.itests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;

import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;

/**
 * One ZooKeeper server in the test driver's JVM that requires SASL (DIGEST-MD5, user
 * {@value #USER}) of every session before it serves a request. Its JAAS "Server" section is
 * installed in the driver JVM; the settings the server turns into system properties are cleared
 * once it runs, so other test servers of this JVM are not affected. Started at most once per
 * JVM, closed when the JVM exits. Only the driver touches this class.
 */
final class SaslZooKeeper {

    static final String USER = "dtm";
    static final String LOGIN_CONTEXT = "DtmZooKeeper";
    private static final String PASSWORD = "sasl-" + Long.toHexString(System.nanoTime());
    private static final String DIGEST = "org.apache.zookeeper.server.auth.DigestLoginModule";

    private static TestingServer server;

    private SaslZooKeeper() {
    }

    /** Starts the server if need be; returns its connect string. */
    static synchronized String connectString() throws IOException {
        if (server == null) {
            System.setProperty("org.slf4j.simpleLogger.log.org.apache.zookeeper", "warn");
            System.setProperty("zookeeper.admin.enableServer", "false");
            Configuration previous = Configuration.getConfiguration();
            Configuration.setConfiguration(new Configuration() {
                @Override
                public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
                    if (name.equals("Server")) {
                        return new AppConfigurationEntry[] {new AppConfigurationEntry(DIGEST,
                                AppConfigurationEntry.LoginModuleControlFlag.REQUIRED, Map.of("user_" + USER, PASSWORD))};
                    }
                    return previous.getAppConfigurationEntry(name);
                }
            });
            Map<String, Object> props = Map.of(
                    "authProvider.1", "org.apache.zookeeper.server.auth.SASLAuthenticationProvider",
                    "enforce.auth.enabled", "true", "enforce.auth.schemes", "sasl");
            try {
                server = new TestingServer(new InstanceSpec(Files.createTempDirectory("dtm-itest-zk-sasl").toFile(),
                        -1, -1, -1, true, -1, -1, -1, props), true);
            } catch (Exception e) {
                throw new IOException("cannot start the SASL test ZooKeeper server: " + e, e);
            } finally {
                for (String key : props.keySet()) {
                    System.clearProperty("zookeeper." + key);
                }
            }
            TestingServer started = server;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (IOException e) {
                    System.err.println("SASL test ZooKeeper server did not close: " + e);
                }
            }, "sasl-zookeeper-close"));
        }
        return server.getConnectString();
    }

    /** A JAAS file (mode 600) with the client section {@value #LOGIN_CONTEXT} for the node. */
    static Path clientJaasFile() throws IOException {
        Path file = Files.createTempFile("dtm-itest-zk", ".jaas",
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        file.toFile().deleteOnExit();
        Files.writeString(file, LOGIN_CONTEXT + " {\n    " + DIGEST + " required\n    username=\"" + USER
                + "\"\n    password=\"" + PASSWORD + "\";\n};\n");
        return file;
    }
}
