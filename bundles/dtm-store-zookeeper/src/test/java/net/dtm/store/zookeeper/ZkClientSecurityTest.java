package net.dtm.store.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading the transport security keys of net.dtm.store.zookeeper and the client properties they give. */
class ZkClientSecurityTest {

    @TempDir
    Path dir;

    private static String refused(Map<String, ?> config) {
        return assertThrows(IllegalArgumentException.class, () -> ZkClientSecurity.fromConfig(config)).getMessage();
    }

    @Test
    void nothingConfiguredIsThePlainClient() {
        ZkClientSecurity s = ZkClientSecurity.fromConfig(Map.of("connect", "zk:2181"));
        assertEquals(ZkClientSecurity.PLAIN, s);
        assertTrue(s.isPlain());
        assertNull(s.clientConfig());
    }

    @Test
    void tlsAndSaslKeysBecomeTheClientsOwnProperties() throws Exception {
        Path trust = Files.writeString(dir.resolve("ca.p12"), "x");
        ZkClientSecurity s = ZkClientSecurity.fromConfig(Map.of("tls.enabled", "true", "tls.truststore", trust.toString(),
                "tls.truststore.type", "pkcs12", "tls.hostname.verification", "false", "sasl.login.context", "DtmZooKeeper",
                "fips.mode", "false"));
        Map<String, String> p = s.properties();
        assertEquals("true", p.get("zookeeper.client.secure"));
        assertEquals("org.apache.zookeeper.ClientCnxnSocketNetty", p.get("zookeeper.clientCnxnSocket"));
        assertEquals(trust.toString(), p.get("zookeeper.ssl.trustStore.location"));
        assertEquals("PKCS12", p.get("zookeeper.ssl.trustStore.type"));
        assertEquals("false", p.get("zookeeper.ssl.hostnameVerification"));
        assertEquals("DtmZooKeeper", p.get("zookeeper.sasl.clientconfig"));
        assertEquals("true", p.get("zookeeper.sasl.client"));
        assertEquals("false", p.get("zookeeper.fips-mode"));
        assertEquals("DtmZooKeeper", s.clientConfig().getProperty("zookeeper.sasl.clientconfig"));
    }

    @Test
    void badSettingsAreRefusedNamingTheKey() {
        assertTrue(refused(Map.of("tls.enabled", "yes")).startsWith("tls.enabled"));
        assertTrue(refused(Map.of("tls.truststore", "/x")).contains("tls.enabled"), "a store without TLS");
        assertTrue(refused(Map.of("tls.enabled", "true", "tls.keystore", dir.resolve("absent.p12").toString()))
                .startsWith("tls.keystore "));
        assertTrue(refused(Map.of("tls.enabled", "true", "tls.truststore.type", "PFX")).startsWith("tls.truststore.type"));
        assertTrue(refused(Map.of("sasl.login.context", "a b")).startsWith("sasl.login.context"));
        assertTrue(refused(Map.of("fips.mode", "off")).startsWith("fips.mode"));
    }
}
