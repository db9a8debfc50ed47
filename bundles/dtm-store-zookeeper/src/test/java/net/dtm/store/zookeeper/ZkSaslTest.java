package net.dtm.store.zookeeper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.ProviderRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SASL DIGEST-MD5 against an in-process ZooKeeper with SASL authentication: a node naming a JAAS
 * login context authenticates as that user (a znode only {@code sasl:dtm} may read is readable to
 * it, not to a client with the digest credential alone). The JAAS configuration is installed in
 * the JVM for the test and the previous one restored afterwards.
 */
class ZkSaslTest {

    private static final String SASL_PASSWORD = "sasl-test-secret";
    private static final String DIGEST = "org.apache.zookeeper.server.auth.DigestLoginModule";

    private static TestingServer server;
    private static Configuration previous;

    private static AppConfigurationEntry[] entry(Map<String, String> options) {
        return new AppConfigurationEntry[] {
            new AppConfigurationEntry(DIGEST, AppConfigurationEntry.LoginModuleControlFlag.REQUIRED, options)};
    }

    @BeforeAll
    static void startSaslServer() throws Exception {
        try {
            previous = Configuration.getConfiguration();
        } catch (SecurityException none) {
            previous = null;
        }
        Configuration.setConfiguration(new Configuration() {
            @Override
            public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
                return switch (name) {
                    case "Server" -> entry(Map.of("user_dtm", SASL_PASSWORD));
                    case "DtmZooKeeper" -> entry(Map.of("username", "dtm", "password", SASL_PASSWORD));
                    default -> null;
                };
            }
        });
        ProviderRegistry.reset();
        File data = Files.createTempDirectory("zk-sasl").toFile();
        server = new TestingServer(new InstanceSpec(data, -1, -1, -1, true, -1, 100, -1,
                Map.of("authProvider.1", "org.apache.zookeeper.server.auth.SASLAuthenticationProvider")), true);
    }

    @AfterAll
    static void stopServer() throws Exception {
        try {
            server.close();
        } finally {
            System.clearProperty("zookeeper.authProvider.1");
            ProviderRegistry.reset();
            Configuration.setConfiguration(previous);
        }
    }

    @Test
    void aNodeWithALoginContextAuthenticatesAsItsSaslUser() throws Exception {
        ZkSettings settings = ZkTesting.settings(server, ZkTesting.freshNamespace(), "sasl-node").withTimeouts(6000, 3000);
        ZkClientSecurity sasl = ZkClientSecurity.fromConfig(Map.of("sasl.login.context", "DtmZooKeeper"));
        byte[] secret = "only for sasl:dtm".getBytes(StandardCharsets.UTF_8);
        try (ZkNode node = ZkNode.open(settings, sasl)) {
            CuratorFramework client = node.client();
            assertTrue(client.blockUntilConnected(20, TimeUnit.SECONDS));
            client.create().withACL(List.of(new ACL(ZooDefs.Perms.ALL, new Id("sasl", "dtm")))).forPath("/sasl-only", secret);
            assertArrayEquals(secret, client.getData().forPath("/sasl-only"), "the SASL session is user dtm");
            try (CuratorFramework digestOnly = ZkNode.newClient(settings)) {
                digestOnly.start();
                assertTrue(digestOnly.blockUntilConnected(20, TimeUnit.SECONDS));
                assertThrows(KeeperException.NoAuthException.class, () -> digestOnly.getData().forPath("/sasl-only"),
                        "without the login context the client is not sasl:dtm");
            }
        }
    }
}
